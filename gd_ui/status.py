"""Plain-language status of a run: the sentence under the sliders. Pure functions, no Streamlit."""

from __future__ import annotations

from gd_core.descent import DIVERGENCE_FACTOR, History
from gd_core.theory import Theory
from gd_ui.formats import num, percent, rate

CONVERGED_EXCESS = 1e-3  # within 0.1 % of the optimum's loss counts as converged
ZONE_BADGE = {"crawling": "blue", "converging": "green", "oscillating": "orange", "diverging": "red"}


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


def run_status(history: History, theory: Theory, optimum_loss: float) -> tuple[str, str]:
    """(kind, sentence) with kind among "converged", "descending", "diverged"."""
    lr = history.lr
    factor = abs(1 - lr * theory.lambda_max)
    last = f"epoch {history.epochs_run:,}: training MSE {num(history.train_loss[-1])}"
    if history.diverged:
        if lr > theory.critical_lr:
            why = (f"learning rate {rate(lr)} is above this data's critical {rate(theory.critical_lr)} "
                   f"(= 2/λmax): along the steepest direction each epoch multiplies the error by "
                   f"|1 − ηλmax| = {factor:.3g}")
        else:
            why = "the loss overflowed"
        return "diverged", (
            f"Diverged at epoch {history.diverged_at:,}: {why}, so the loss passed "
            f"{DIVERGENCE_FACTOR:.0e} × its start and the run was stopped. Last finite state: {last}.")
    share = share_of_way(history, optimum_loss)
    excess = float(history.train_loss[-1]) - optimum_loss
    if excess <= CONVERGED_EXCESS * max(optimum_loss, 1e-12):
        return "converged", (
            f"Converged: after {history.epochs_run:,} epochs the training MSE is "
            f"{num(history.train_loss[-1])}, within 0.1 % of the optimum's {num(optimum_loss)}.")
    slow = theory.epochs_to_shrink(lr, by=100)
    more = f"; the slowest direction needs about {slow:,.0f} epochs per 100× shrink" \
        if slow != float("inf") else ""
    above = excess / optimum_loss if optimum_loss > 0 else float("inf")
    gap = f"{above:.2g} × above" if above >= 10 else f"{above:.2%} above"
    return "descending", (
        f"Still descending after {history.epochs_run:,} epochs: {percent(share)} of the way from the "
        f"starting loss {num(history.train_loss[0])} to the optimum's {num(optimum_loss)}; now "
        f"{num(history.train_loss[-1])}, still {gap} it{more}.")
