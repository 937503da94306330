"""The class poll's words and numbers: the question a run becomes, the right answer, the class's shares.

Pure Python (no Streamlit, no Plotly; ``segno`` for the QR code): ``gd_ui.widgets.poll`` draws what
these functions return. The question is the store's (see :func:`gd_poll.validate_question`): the
dataset's key, its label as the students read it, the predictors, standardisation, the rate, the
start (original units, the shown predictor's weight) and the epochs.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from gd_core.theory import Theory
from gd_poll import ANSWERS
from gd_poll.questions import MAX_TEXT_CHARS
from gd_ui.datasets import BUNDLED_BY_KEY
from gd_ui.formats import count, plain
from gd_ui.presets import ZONE_MEANING, ZONE_OF_GUESS
from gd_ui.status import MEANING as PLAIN

if TYPE_CHECKING:
    from gd_ui.widgets.frame import Frame

PARAM = "poll"  # ?poll=CODE opens the student's view
ANSWER_OF_ZONE = {zone: answer for answer, zone in ZONE_OF_GUESS.items()}  # "oscillating" → "oscillate"
MEANING = {answer: ZONE_MEANING[zone] for zone, answer in ANSWER_OF_ZONE.items()}
_MARKUP = str.maketrans({"<": "‹", ">": "›"})  # the store refuses these in any text


def storable(text: str) -> str:
    """``text`` as the store accepts it: printable, no ``<``/``>``, at most 200 characters. An upload's
    label is the user's file name: it is shown as text anyway, so nothing is lost by the swap."""
    text = "".join(ch if ch.isprintable() else " " for ch in str(text)).translate(_MARKUP).strip()
    return text[: MAX_TEXT_CHARS - 1] + "…" if len(text) > MAX_TEXT_CHARS else text or "(unnamed)"


def question_of(f: Frame) -> dict:
    """The run the page shows, frozen as a poll question (the rate exactly as the slider spells it)."""
    return {"dataset": f.dataset.key, "label": storable(f.dataset.label),
            "predictors": list(f.model.predictors), "shown": f.model.shown,
            "standardize": bool(f.model.standardize), "lr": float(f.run.lr_text),
            "w0": float(f.run.w0), "b0": float(f.run.b0), "epochs": int(f.run.epochs)}


def answer_of(theory: Theory, lr: float) -> str:
    """The right answer (a key of :data:`gd_poll.ANSWERS`) for a run at ``lr``: the core's zone."""
    return ANSWER_OF_ZONE[theory.zone(lr)]


def dataset_name(question: Mapping) -> str:
    """The dataset as the students read it (user text for uploads: render with ``md_text``)."""
    bundled = BUNDLED_BY_KEY.get(question["dataset"])
    return question.get("label") or (bundled.label if bundled else question["dataset"])


def rate_text(lr: float) -> str:
    """A rate in the slider's spelling with the fewest digits (from 3) that give back the same float:
    6.13e-03, 6.1325e-03."""
    for digits in range(3, 18):
        text = f"{lr:.{digits - 1}e}"
        if float(text) == lr:
            return text
    return repr(lr)


def run_lines(question: Mapping) -> list[tuple[str, str, bool]]:
    """The question's settings as (name, value, is user text) triples: the dataset's name may be an
    upload's file name, to be shown as text only (``md_text``); the rest is the app's own spelling."""
    predictors = list(question["predictors"])
    shown = question.get("shown") or predictors[0]
    model = ", ".join(predictors) + (", standardised" if question["standardize"] else "")
    start = f"weight of {shown} {plain(question['w0'])}, bias {plain(question['b0'])}"
    if len(predictors) > 1:
        start += " (other weights: the tutorial's start)"
    return [("Dataset", dataset_name(question), True), ("Predictors", model, False),
            ("Learning rate η", rate_text(question["lr"]), False),
            ("Epochs", f"{question['epochs']:,}", False), ("Starting line", start, False)]


def run_summary(question: Mapping) -> str:
    """The run in one short line for the projector, after the dataset's name (which is user text):
    ``tmax · η = 2.40e-03 · 10,000 epochs · from w = -0.5, b = 10``."""
    predictors = ", ".join(question["predictors"]) + (" (standardised)" if question["standardize"] else "")
    return (f"{predictors} · η = {rate_text(question['lr'])} · {question['epochs']:,} epochs · "
            f"from w = {plain(question['w0'])}, b = {plain(question['b0'])}")


def answers_text(n: int) -> str:
    """``0 answers`` · ``1 answer`` · ``3 answers``."""
    return count(n, "answer")


def percent_of(n: int, total: int) -> int:
    """A whole percentage, half up (0 for an empty poll)."""
    return math.floor(100 * n / total + 0.5) if total else 0


def share_sentence(counts: Mapping[str, int], answer: str) -> str:
    """``47 % of the class said “oscillates but converges”.`` (the right answer's share)."""
    total = sum(counts.values())
    if not total:
        return "Nobody answered this poll."
    n = counts.get(answer, 0)
    return f"{percent_of(n, total)} % of the class ({n} of {total}) said “{ANSWERS[answer]}”."


def outcome_sentence(answer: str, lr: float, theory: Theory | None = None) -> str:
    """What the run does, in one sentence (with this data's η·λmax when the theory is at hand)."""
    rule = MEANING[answer].split(": ", 1)[0]
    words = f"Gradient descent {ANSWERS[answer]}: {PLAIN[answer]}."  # plain words first (gd_ui.status)
    if theory is None:
        return f"{words} Why, in numbers: at learning rate {rate_text(lr)}, {rule}."
    return (f"{words} Why, in numbers: at learning rate {rate_text(lr)} this data's η·λmax is "
            f"{lr * theory.lambda_max:.3g} ({rule}).")


def verdict(mine: str | None, answer: str) -> tuple[bool, str]:
    """A student's result: right or not, in one sentence."""
    if mine is None:
        return False, f"You did not answer. The right answer: “{ANSWERS[answer]}”."
    if mine == answer:
        return True, f"Right! You said “{ANSWERS[mine]}”."
    return False, f"Not quite: you said “{ANSWERS[mine]}”; the right answer is “{ANSWERS[answer]}”."


def bar_text(counts: Mapping[str, int]) -> dict[str, str]:
    """Each answer's count and share as its bar writes it: ``14 · 47 %``."""
    total = sum(counts.values())
    return {key: f"{counts.get(key, 0)} · {percent_of(counts.get(key, 0), total)} %" for key in ANSWERS}


def counts_summary(counts: Mapping[str, int], answer: str | None = None) -> str:
    """The bar chart in one sentence: its text alternative (``alt``)."""
    total = sum(counts.values())
    if not total:
        return "Bar chart of the class poll's answers: none yet."
    parts = [f"{label} {counts.get(key, 0)} ({percent_of(counts.get(key, 0), total)} %)"
             + (", the right answer" if key == answer else "") for key, label in ANSWERS.items()]
    return f"Bar chart of the class poll's answers, {total:,} in all: " + "; ".join(parts) + "."


# --- the join link and its QR code -----------------------------------------------------------------

def join_url(page_url: str | None, code: str, slugs: Iterable[str] = (), *, host: str | None = None,
             scheme: str = "http") -> str:
    """Where students join: the app's root with ``?poll=CODE``.

    ``page_url`` is the page's address as the browser has it (``st.context.url``: no query, maybe a
    page's path at the end, which is dropped); without it, ``host`` (the Host header) builds one;
    without either, a link relative to the page.
    """
    if page_url:
        parts = urlsplit(page_url)
        path = parts.path.rstrip("/")
        for slug in slugs:
            if path.endswith("/" + slug):
                path = path.removesuffix("/" + slug)
                break
        return urlunsplit((parts.scheme, parts.netloc, path + "/", f"{PARAM}={code}", ""))
    if host and re.fullmatch(r"[A-Za-z0-9.\-\[\]:]+", host):
        return f"{scheme if scheme in ('http', 'https') else 'http'}://{host}/?{PARAM}={code}"
    return f"./?{PARAM}={code}"


def is_absolute(url: str) -> bool:
    return url.startswith(("http://", "https://"))


@functools.lru_cache(maxsize=32)
def qr_svg(url: str, dark: str = "#1A1A1A") -> str:
    """The QR code of ``url`` as an inline SVG (10 px modules). The quiet zone is 2 modules, not the
    standard 4: phone cameras read it so, and the white page around it adds the rest, while the code
    itself gets a larger share of its column."""
    import segno

    return segno.make(url, error="m").svg_inline(scale=10, border=2, dark=dark, light="white")
