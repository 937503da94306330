"""Showing user-supplied text (file names, column names, cell text) as text, never as markup.

Streamlit renders markdown — links, images, LaTeX (``$…$``), colour directives (``:red[…]``),
emoji shortcodes, bare URLs turned into links — in most text elements. :func:`md_text` is the one way
a user string enters a markdown sentence: every ASCII punctuation character is backslash-escaped
(CommonMark allows it for all of them) and a zero-width space follows each ``.``, ``:`` and ``@``, so no
autolink (``www.…``, ``http://…``, ``a@b.c``) can form either.
"""

from __future__ import annotations

import re

import pandas as pd

_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character
_LINK_GLUE = re.compile(r"(\\[.:@])")  # after escaping: the characters autolinks are made of
ZWSP = "\u200b"


def md_text(value: object, limit: int = 200) -> str:
    """``value`` as markdown that displays literally (shortened to ``limit`` characters)."""
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    text = text.replace("\r", " ").replace("\n", " ")
    return _LINK_GLUE.sub(r"\1" + ZWSP, _PUNCT.sub(r"\\\1", text))


NUMBER_TEXT = re.compile(r"[-+]?(\d[\d,]*(\.\d*)?|\.\d+)([eE][-+]?\d+)?%?|[-+]?inf|nan|")


def markdown_rows(columns, rows, corner: str = "") -> str:
    """``rows`` as (label, text cells) under ``columns`` as a markdown table, the labels as its first
    column, numbers right-aligned. Labels and any cell that is not a plain number are :func:`md_text`
    (shown literally)."""
    def cell(value) -> str:
        text = str(value)
        return text if NUMBER_TEXT.fullmatch(text) else md_text(text, limit=80)
    head = "| " + " | ".join([md_text(corner, 80)] + [md_text(c, 80) for c in columns]) + " |"
    rule = "|:--|" + "--:|" * len(columns)
    lines = ["| " + " | ".join([md_text(label, 80)] + [cell(v) for v in cells]) + " |"
             for label, cells in rows]
    return "\n".join([head, rule, *lines])


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy safe to open in a spreadsheet: text cells starting with = + - @ (or tab/CR) get a leading '.

    Numeric columns are untouched, so negative temperatures stay numbers. Text column labels and a
    text index are escaped the same way.
    """
    def escape(value):
        return "'" + value if isinstance(value, str) and value.startswith(_FORMULA_START) else value

    def is_text(values) -> bool:
        return not (pd.api.types.is_numeric_dtype(values) or pd.api.types.is_datetime64_any_dtype(values))

    out = frame.copy()
    for column in out.columns:
        if is_text(out[column]):
            out[column] = out[column].map(escape, na_action="ignore").astype(object)
    out.columns = [escape(c) for c in out.columns]
    if is_text(out.index):
        out.index = pd.Index([escape(v) for v in out.index], name=escape(out.index.name))
    return out
