"""What the Hessian says about a run with a learning-rate schedule, before (or beside) running it.

Along the eigen-direction with eigenvalue λ, update t multiplies the error by ``1 − η_t λ``: the run
grows while ``η_t λmax > 2`` and the steepest direction shrinks again once the rate is under
``2/λmax``. So the theory is a list of stretches of updates during which the step is too big, the epoch
the loss turns down (the end of the last such stretch: from there on every direction shrinks), each
direction's total factor ``∏ₜ (1 − η_t λᵢ)``, and — given the run's divergence stop — whether a run that
grew was rescued before it diverged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gd_core.quadratic import Quadratic
from gd_core.scheduled import products
from gd_core.schedules import Schedule


@dataclass(frozen=True)
class ScheduleTheory:
    schedule: Schedule
    peak_lr: float
    epochs: int
    critical_lr: float  # 2/λmax
    too_big: tuple[tuple[int, int], ...]  # stretches [a, b) of updates with η_t·λmax > 2
    factors: np.ndarray  # (m,) ∏ₜ (1 − η_t λᵢ) over the whole run, per eigen-direction (ascending λ)
    diverged_at: int | None  # the run's divergence stop (from the start), if known
    final_lr: float  # η of the last update

    @property
    def growing_epochs(self) -> int:
        """Updates during which the step is too big (η_t·λmax > 2)."""
        return int(sum(b - a for a, b in self.too_big))

    @property
    def starts_too_big(self) -> bool:
        return bool(self.too_big) and self.too_big[0][0] == 0

    @property
    def falls_under(self) -> int | None:
        """The first update after the first too-big stretch whose rate is under 2/λmax (None if the
        rate never was too big, or stays too big to the end)."""
        if not self.too_big or self.too_big[0][1] >= self.epochs:
            return None
        return int(self.too_big[0][1])

    @property
    def grows_until(self) -> int | None:
        """The epoch at which the loss turns down for good: after the last too-big update every
        direction shrinks (None if the rate is never too big, or still too big at the end)."""
        if not self.too_big or self.too_big[-1][1] >= self.epochs:
            return None
        return int(self.too_big[-1][1])

    @property
    def still_too_big(self) -> bool:
        """The last update's rate is still above 2/λmax."""
        return bool(self.too_big) and self.too_big[-1][1] >= self.epochs

    @property
    def rescued(self) -> bool | None:
        """The step was too big for a while, and the run came back without diverging (None when the
        divergence stop is unknown)."""
        if not self.too_big or (self.diverged_at is not None and self.diverged_at >= 0):
            return False
        if self.diverged_at == -1:
            return None
        return not self.still_too_big

    def to_dict(self) -> dict:
        return {"peak_lr": self.peak_lr,
                "final_lr": self.final_lr, "critical_lr": self.critical_lr,
                "too_big": [list(s) for s in self.too_big], "growing_epochs": self.growing_epochs,
                "falls_under_at": self.falls_under, "grows_until": self.grows_until,
                "total_factors": [float(f) for f in self.factors], "rescued": self.rescued}


def stretches(mask: np.ndarray) -> tuple[tuple[int, int], ...]:
    """The runs of True in ``mask`` as half-open [a, b) index pairs."""
    edges = np.diff(np.concatenate([[0], np.asarray(mask, dtype=np.int8), [0]]))
    return tuple(zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist()))


def schedule_theory(quad: Quadratic, lr: float, schedule: Schedule, epochs: int,
                    diverged_at: int | None = -1) -> ScheduleTheory:
    """The theory of one run (``diverged_at``: the run's stop, None if it did not diverge, −1 unknown)."""
    rates = schedule.rates(lr, epochs)
    with np.errstate(all="ignore"):
        too_big = rates * quad.lambda_max > 2
        total = products(quad, [lr], schedule, epochs, [0, epochs]).powers[0, -1]
    return ScheduleTheory(schedule, float(lr), int(epochs), quad.critical_lr, stretches(too_big), total,
                          diverged_at, float(rates[-1]) if len(rates) else float(lr))
