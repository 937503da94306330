"""Showing user-supplied text (file names, column names, cell text) as text, never as markup.

Streamlit renders markdown — links, images, LaTeX (``$…$``), colour directives (``:red[…]``),
emoji shortcodes — in most text elements. Backslash-escaping every ASCII punctuation character
(CommonMark allows it for all of them) makes a string inert inside our own markdown sentences.
"""

from __future__ import annotations

import re

_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character


def md_text(value: object, limit: int = 200) -> str:
    """``value`` as markdown that displays literally (shortened to ``limit`` characters)."""
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    text = text.replace("\r", " ").replace("\n", " ")
    return _PUNCT.sub(r"\\\1", text)
