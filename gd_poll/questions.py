"""The question (a frozen gradient-descent run) and the four answers a student can give.

The question travels from the teacher's session through the database to every student's phone, where
the page re-runs it and draws it. So it is checked strictly at the door: exactly the known fields, each
of its plain JSON type, numbers finite, text short and free of markup and control characters, the
whole at most 4 kB. Anything else is refused rather than cleaned, so what a student sees is exactly
what the teacher froze.
"""

from __future__ import annotations

import json
import math
import numbers
import operator
from collections.abc import Callable, Mapping
from types import MappingProxyType

from gd_poll.errors import BadAnswer, BadQuestion

ANSWERS: Mapping[str, str] = MappingProxyType({
    "crawl": "crawls",
    "converge": "converges smoothly",
    "oscillate": "oscillates but converges",
    "diverge": "diverges",
})
MAX_QUESTION_BYTES = 4096
MAX_TEXT_CHARS = 200
MAX_PREDICTORS = 20
MAX_EPOCHS = 1_000_000
_MARKUP = frozenset("<>")  # no HTML, whatever a later page does with the text


def check_answer(answer: object) -> str:
    """``answer`` itself if it is a key of :data:`ANSWERS`; else :class:`BadAnswer`."""
    if not isinstance(answer, str) or answer not in ANSWERS:
        raise BadAnswer("Pick one of the four answers: " + ", ".join(ANSWERS.values()) + ".")
    return answer


def _bad(field: str, why: str) -> BadQuestion:
    return BadQuestion(f"This run cannot be turned into a poll: {field} {why}.")


def _text(field: str, value: object, *, blank_ok: bool = False) -> str:
    if not isinstance(value, str):
        raise _bad(field, "must be text")
    if len(value) > MAX_TEXT_CHARS:
        raise _bad(field, f"is longer than {MAX_TEXT_CHARS} characters")
    if not blank_ok and not value.strip():
        raise _bad(field, "is empty")
    if not value.isprintable() or _MARKUP.intersection(value):
        raise _bad(field, "contains markup or control characters")
    return str(value)


def _real(field: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise _bad(field, "must be a number")
    number = float(value)
    if not math.isfinite(number):
        raise _bad(field, "must be a finite number")
    return number


def _positive(field: str, value: object) -> float:
    number = _real(field, value)
    if number <= 0:
        raise _bad(field, "must be positive")
    return number


def _flag(field: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise _bad(field, "must be true or false")
    return value


def _epochs(field: str, value: object) -> int:
    try:
        count = operator.index(value) if not isinstance(value, bool) else None
    except TypeError:
        count = None
    if count is None or not 1 <= count <= MAX_EPOCHS:
        raise _bad(field, f"must be a whole number from 1 to {MAX_EPOCHS:,}")
    return count


def _predictors(field: str, value: object) -> list[str]:
    if not isinstance(value, list | tuple) or not 1 <= len(value) <= MAX_PREDICTORS:
        raise _bad(field, f"must be a list of 1 to {MAX_PREDICTORS} column names")
    names = [_text(field, name) for name in value]
    if len(set(names)) != len(names):
        raise _bad(field, "names a column twice")
    return names


_REQUIRED: dict[str, Callable[[str, object], object]] = {
    "dataset": _text, "predictors": _predictors, "standardize": _flag,
    "lr": _positive, "w0": _real, "b0": _real, "epochs": _epochs,
}
# ``shown``: the charted predictor, the one ``w0`` belongs to (the other weights start at the tutorial's).
_OPTIONAL: dict[str, Callable[[str, object], object]] = {
    "label": lambda field, value: _text(field, value, blank_ok=True), "shown": _text,
}


def validate_question(question: object) -> dict:
    """A checked, normalised copy of ``question`` (the run a poll asks about).

    Parameters
    ----------
    question : dict
        ``dataset`` (str), ``predictors`` (list of str), ``standardize`` (bool), ``lr`` (positive
        finite number), ``w0`` and ``b0`` (finite numbers), ``epochs`` (int, 1 to 1,000,000); optionally
        ``label`` (str, the teacher's title) and ``shown`` (the predictor ``w0`` belongs to, one of
        ``predictors``). Text is at most 200 printable characters without ``<`` or ``>``.

    Returns
    -------
    dict
        Plain JSON values only (tuples become lists, numpy numbers become floats and ints).

    Raises
    ------
    BadQuestion
        On a missing or unknown field, a wrong type, a non-finite number, markup, or more than 4 kB of JSON.
    """
    if not isinstance(question, Mapping):
        raise BadQuestion("This run cannot be turned into a poll: the question must be a dictionary.")
    unknown = [key for key in question if key not in _REQUIRED and key not in _OPTIONAL]
    if unknown:
        key = unknown[0]
        named = f"the field {key!r}" if isinstance(key, str) and key.isidentifier() and len(key) <= 40 \
            else "a field"
        raise _bad(named, "is not part of a poll question")
    missing = [key for key in _REQUIRED if key not in question]
    if missing:
        raise _bad(missing[0], "is missing")
    checked = {key: check(key, question[key]) for key, check in _REQUIRED.items()}
    checked |= {key: check(key, question[key]) for key, check in _OPTIONAL.items() if key in question}
    if "shown" in checked and checked["shown"] not in checked["predictors"]:
        raise _bad("shown", "is not one of the predictors")
    if len(question_json(checked).encode("utf-8")) > MAX_QUESTION_BYTES:
        raise _bad("the question", f"is larger than {MAX_QUESTION_BYTES:,} bytes")
    return checked


def question_json(question: dict) -> str:
    """The compact, canonical JSON stored in the database (keys sorted, no NaN)."""
    return json.dumps(question, ensure_ascii=False, allow_nan=False, sort_keys=True, separators=(",", ":"))
