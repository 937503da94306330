"""The status of a run in plain words first: a verdict a 15-year-old understands, then the numbers.

Pure functions, no Streamlit. :func:`run_status` reads the run itself (its history) and the data's
theory, not just a rate: the regime is decided by :func:`regime` from every step size the run took
(``rates``: one per epoch under a learning-rate schedule; a constant rate's run has one), so a
schedule plugs in by passing its rates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gd_core.descent import DIVERGENCE_FACTOR, History
from gd_core.theory import CRAWL_BELOW, ZONES, Theory
from gd_ui.formats import num, percent, rate

CONVERGED_EXCESS = 1e-3  # within 0.1 % of the optimum's loss counts as converged
ZONE_BADGE = {"crawling": "blue", "converging": "green", "oscillating": "orange", "diverging": "red"}
REGIMES = ("crawl", "converge", "oscillate", "diverge")  # what the step size does (the poll's answers)
ONE_STEP_TOLERANCE = 1e-9  # η·λmax this close to 1 (or 2) is on the boundary, not past it: float noise
# The first words of every verdict, by regime: plain, and never a symbol.
HEADLINE = {"crawl": "Too small a step", "converge": "A good step size", "oscillate": "A big step",
            "diverge": "Too big a step"}
# What each regime means, in the same words: the poll's answers and the reveal say it this way too.
MEANING = {
    "crawl": "each step moves only a little of the way downhill, so it takes very many steps",
    "converge": "each step goes straight downhill without overshooting the bottom",
    "oscillate": "each step jumps past the bottom and back, zig-zagging, yet the error still shrinks",
    "diverge": "every step overshoots further than the last, and the error explodes",
}
REGIME_OF_ZONE = dict(zip(ZONES, REGIMES))  # the core's "oscillating" is the regime "oscillate"
MAX_VERDICT_CHARS = 150  # two lines of the projector's status box at 1280 px (a test holds every verdict)


@dataclass(frozen=True)
class Status:
    """A run's status. ``kind`` is the outcome (converged, descending, diverged: the box's colour),
    ``regime`` what the step size does (crawl, converge, oscillate, diverge), ``verdict`` the plain
    sentence shown first, ``numbers`` the same in numbers ("why, in numbers")."""

    kind: str
    regime: str
    verdict: str
    numbers: str

    @property
    def sentence(self) -> str:
        return f"{self.verdict} {self.numbers}"


def factor_text(factor: float) -> str:
    """|1 − ηλ| with the digits that tell it from 1: ×0.9, ×0.9995, ×1.002 (never a rounded ×1)."""
    for digits in range(2, 8):
        text = f"{factor:.{digits}g}"
        if float(text) != 1.0 or factor == 1.0:
            return "×" + text
    return f"×{factor:.8f}"


def rate_phrase(theory: Theory, lr: float) -> str:
    """What the rate does, in words with its number: the sidebar badge's explanation."""
    s = lr * theory.lambda_max
    f = abs(1 - s)
    zone = theory.zone(lr)
    if zone == "diverging":
        return f"the steepest direction overshoots and grows {factor_text(f)} per epoch"
    if zone == "oscillating":
        return f"the steepest direction zig-zags, shrinking {factor_text(f)} per epoch"
    if zone == "converging":
        return f"every direction shrinks smoothly (the steepest {factor_text(f)} per epoch)"
    return f"the steepest direction closes only {s:.1%} of its gap per epoch"


def share_of_way(history: History, optimum_loss: float) -> float:
    """How far the training loss has come from its start to the optimum's, in [0, 1] (or below 0)."""
    start, end = float(history.train_loss[0]), float(history.train_loss[-1])
    gap = start - optimum_loss
    return 1.0 if gap <= 0 else (start - end) / gap


def step_sizes(history: History, theory: Theory, rates=None) -> np.ndarray:
    """η·λmax of every step the run took: ``rates`` (a schedule's, one per epoch) or the run's one rate."""
    lrs = np.atleast_1d(np.asarray(history.lr if rates is None else rates, dtype=float))
    return lrs * theory.lambda_max


def regime(history: History, theory: Theory, rates=None) -> str:
    """crawl, converge, oscillate or diverge: what this run's steps did.

    A run that diverged diverges, whatever its rate, and so does one whose last step is still past 2
    (it grows). Otherwise its largest step decides: past 1 (the steepest direction overshoots and
    flips: it oscillates — also a schedule that started past 2 and decayed back in time), from 0.1 (it
    converges), under 0.1 everywhere (it crawls). The boundaries themselves (η·λmax = 1 or 2, up to
    float noise) belong to the calmer side, as in ``gd_core.theory``.
    """
    if history.diverged:
        return "diverge"
    steps = step_sizes(history, theory, rates)
    s = float(steps.max())
    if float(steps[-1]) > 2 + ONE_STEP_TOLERANCE:
        return "diverge"
    if s > 1 + ONE_STEP_TOLERANCE:
        return "oscillate"
    return "converge" if s >= CRAWL_BELOW else "crawl"


def _way(share: float) -> str:
    """A share of the way in words a class reads: 96 %, 99.7 % (never rounded up to 100 %)."""
    if share < 0.99:
        return f"{max(math.floor(share * 100), 0)} %"
    return percent(share).replace("%", " %")


def _steps(n: int) -> str:
    return f"{n:,} step{'' if n == 1 else 's'}"


def _verdict(kind: str, what: str, history: History, share: float) -> str:
    head, steps = HEADLINE[what], _steps(history.epochs_run)
    if what == "diverge":
        return (f"{head}: every update overshoots further than the last, and the error "
                f"{'explodes' if history.diverged else 'keeps growing'}.")
    if kind == "converged":
        return {
            "crawl": f"Small steps, but enough of them: after {steps} it reached the best fit.",
            "converge": f"{head}: every step goes straight downhill; after {steps} it reached the best fit.",
            "oscillate": f"{head}: it zig-zags past the bottom and back, yet after {steps} it reached the "
                         "best fit.",
        }[what]
    way = _way(share)
    return {
        "crawl": f"{head}: after {steps} it is only {way} of the way to the best fit.",
        "converge": f"{head}, but not enough steps yet: after {steps} it is {way} of the way to the best "
                    "fit.",
        "oscillate": f"{head}: it zig-zags past the bottom; after {steps} it is {way} of the way to the "
                     "best fit.",
    }[what]


def run_status(history: History, theory: Theory, optimum_loss: float, rates=None) -> Status:
    """The status of ``history`` (a run on data with this ``theory`` and least-squares loss
    ``optimum_loss``); ``rates``: a schedule's per-epoch rates, if the run had one."""
    what = regime(history, theory, rates)
    s = float(step_sizes(history, theory, rates).max())  # the largest step the run took
    lr = history.lr
    last = f"epoch {history.epochs_run:,}: training MSE {num(history.train_loss[-1])}"
    share = share_of_way(history, optimum_loss)
    if history.diverged:
        if what == "diverge" and s > 2:
            why = (f"η·λmax = {s:.3g} is above 2: learning rate {rate(lr)} is past this data's critical "
                   f"{rate(theory.critical_lr)} (= 2/λmax), so each epoch multiplies the steepest "
                   f"direction's error by |1 − ηλmax| = {abs(1 - s):.3g}")
        else:
            why = f"η·λmax = {s:.3g}, yet the loss overflowed"
        numbers = (f"Why, in numbers: {why}. The loss passed {DIVERGENCE_FACTOR:.0e} × its start at epoch "
                   f"{history.diverged_at:,} and the run was stopped; last finite state: {last}.")
        verdict = _verdict("diverged", "diverge", history, share) if s > 2 else \
            "The numbers blew up: the error grew too large for the computer to hold."
        return Status("diverged", "diverge", verdict, numbers)
    excess = float(history.train_loss[-1]) - optimum_loss
    kind = "converged" if excess <= CONVERGED_EXCESS * max(optimum_loss, 1e-12) else "descending"
    zone = {"crawl": "below 0.1: a tiny step", "converge": "from 0.1 to 1: no overshoot",
            "oscillate": "between 1 and 2: the steepest direction overshoots and flips sign, yet shrinks",
            "diverge": "above 2: the steepest direction grows"}[what]
    if what == "oscillate" and s > 2:  # a schedule that started too big and decayed in time
        zone = "above 2 at first, the schedule brought it under 2 before the error exploded"
    numbers = f"Why, in numbers: η·λmax = {s:.3g} ({zone}); {last}, the least-squares optimum's " \
              f"{num(optimum_loss)}"
    if kind == "descending":
        slow = theory.epochs_to_shrink(lr, by=100)
        numbers += f", {percent(share)} of the way from the start's {num(history.train_loss[0])}"
        if math.isfinite(slow):
            numbers += f"; the slowest direction needs about {slow:,.0f} epochs to shrink its error 100×"
    if what == "diverge":
        return Status("diverged", what, _verdict(kind, what, history, share), numbers + ".")
    return Status(kind, what, _verdict(kind, what, history, share), numbers + ".")
