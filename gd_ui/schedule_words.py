"""A run with a learning-rate schedule in plain words: the verdict first, the numbers second.

Pure functions (no Streamlit): the status (``gd_ui.status``) and the pages call :func:`schedule_sentence`
beside the run's own status.
"""

from __future__ import annotations

from gd_core.schedule_theory import ScheduleTheory
from gd_ui.formats import rate

KIND_LABELS = {"constant": "constant", "step": "step decay", "exponential": "exponential decay",
               "inverse-time": "inverse-time decay", "cosine": "cosine decay"}


def _epochs(n: int) -> str:
    return f"{n:,} epoch" + ("" if n == 1 else "s")


def schedule_sentence(th: ScheduleTheory) -> tuple[str, str] | None:
    """(kind, sentence) for a run whose rate changes, kind among "rescued", "diverged", "growing",
    "under"; None for a constant rate."""
    if th.schedule.is_constant(th.epochs):
        return None
    critical = f"2/λmax = {rate(th.critical_lr)}"
    decay = "the warm-up ends and the rate" if th.schedule.kind == "constant" else "the decaying rate"
    if not th.too_big:
        return "under", (f"The step stays safe: the rate never exceeds {critical} (peak {rate(th.peak_lr)}, "
                         f"last {rate(th.final_lr)}), so every direction shrinks at every epoch.")
    first, _ = th.too_big[0]
    grows = th.growing_epochs
    opening = "The step starts too big" if th.starts_too_big else \
        f"The warm-up makes the step too big from epoch {first:,}"
    if th.diverged_at is not None and th.diverged_at >= 0:
        later = f"; it would fall under {critical} only at epoch {th.falls_under:,}" \
            if th.falls_under is not None and th.falls_under > th.diverged_at else \
            f"; it never falls under {critical}" if th.falls_under is None else ""
        return "diverged", (f"{opening}, and it does not fall fast enough: the error grows until the run "
                            f"diverges at epoch {th.diverged_at:,}{later}.")
    if th.still_too_big:
        return "growing", (f"{opening}, and it is still above {critical} at the last epoch: the error has "
                           f"grown for {_epochs(grows)} and is still growing.")
    back = "brings it back" if th.grows_until is not None else "stops the growth"
    return "rescued", (f"{opening} — the error grows for {_epochs(grows)} — then {decay} {back}: from epoch "
                       f"{th.grows_until:,} the rate is under {critical} and every direction shrinks.")
