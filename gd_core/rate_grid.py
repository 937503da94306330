"""What a browser needs to redraw a run at any rate of a grid and from any start — by lookup and
products only, never a descent of its own.

Full-batch descent on the quadratic is ``θₖ = θ* + Q·diag((1 − ηλ)ᵏ)·Qᵀ(θ₀ − θ*)``: linear in the start,
with a per-rate, per-epoch diagonal. So for one dataset, model and epoch count the core computes once,
for every rate of the slider's grid, the powers ``(1 − ηλᵢ)ᵏ`` at the run's recorded epochs
(:class:`RateTable`); a browser then gets any start's run at any grid rate by multiplying. Where a run
diverges depends on the start as well: :func:`endings` gives, for one start, each rate's divergence
epoch and the powers at the epochs its kept schedule ends on, so that the browser draws exactly the
history :meth:`gd_core.quadratic.Quadratic.descend` records.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gd_core import scheduled
from gd_core.descent import checked_start_loss, divergence_limit, record_epochs
from gd_core.quadratic import Quadratic, _powers
from gd_core.schedules import Schedule


@dataclass(frozen=True)
class RateTable:
    """``powers[r, j, i]`` = (1 − η_r λᵢ)^epochs[j]: every grid rate r, recorded epoch j, direction i.

    ``epochs`` is :func:`~gd_core.descent.record_epochs` of the full run (shared by every rate: only a
    diverged run is cut short, see :class:`Endings`).
    """

    rates: np.ndarray  # (R,)
    epochs: np.ndarray  # (F,)
    powers: np.ndarray  # (R, F, m)
    frames: int  # the recording budget the epochs come from
    schedule: Schedule | None = None  # with a schedule: powers[r, j, i] = ∏_{t<epochs[j]} (1 − η_{r,t} λᵢ)
    peaks: np.ndarray | None = None  # with a schedule: its largest η_t/η between recorded epochs

    def products(self, quad: Quadratic) -> scheduled.Products:
        return scheduled.Products(self.rates, self.epochs, self.powers, self.schedule,
                                  int(self.epochs[-1]), quad.eigenvalues, self.peaks)


def rate_table(quad: Quadratic, rates, epochs: int, frames: int,
               schedule: Schedule | None = None) -> RateTable:
    """Powers at the recorded epochs of an ``epochs``-long run, for every rate in ``rates``; with a
    ``schedule`` (``rates`` its peak rates), the cumulative products ∏ₜ (1 − η_t λᵢ) instead, so the
    browser combines them with a start exactly as it does the powers."""
    rates = np.asarray(rates, dtype=float)
    kept = record_epochs(epochs, frames)
    if schedule is not None and not schedule.is_constant(epochs):
        prod = scheduled.products(quad, rates, schedule, epochs, kept)
        return RateTable(rates, kept, prod.powers, frames, schedule, prod.peaks)
    powers = np.stack([quad.powers(float(lr), kept) for lr in rates]) if len(rates) else \
        np.zeros((0, len(kept), len(quad.eigenvalues)))
    return RateTable(rates, kept, powers, frames)


@dataclass(frozen=True)
class Endings:
    """For one start, per rate: where the recorded history ends.

    ``diverged_at[r]``: the divergence epoch, or −1 when the run does not diverge. ``keep[r]``: how many
    of the table's epochs the history keeps (all, or those before the divergence, less one when the
    odd-gap rule needs it); ``extra_epochs[r]`` (up to 2, −1 when unused) and ``extra_powers[r]``: the
    epochs a diverged history ends on beyond those, and their powers.
    """

    diverged_at: np.ndarray  # (R,) int
    keep: np.ndarray  # (R,) int
    extra_epochs: np.ndarray  # (R, 2) int
    extra_powers: np.ndarray  # (R, 2, m)


def endings(quad: Quadratic, table: RateTable, w0, b0: float, epochs: int) -> Endings:
    """Each rate's divergence epoch from the start (w0, b0) (model space) and the kept schedule's end.

    The divergence epochs come from :meth:`Quadratic.divergence_epochs` (the bisection ``descend`` uses,
    every rate at once); the kept schedule is
    :func:`~gd_core.descent.record_epochs`'s (the table's epochs, cut before the divergence).
    """
    theta0 = np.append(np.asarray(w0, dtype=float), float(b0))
    z0 = quad.eigenvectors.T @ (theta0 - quad.optimum)
    with np.errstate(all="ignore"):
        limit = divergence_limit(checked_start_loss(float(quad.train_loss(theta0))))
    r, m = len(table.rates), len(quad.eigenvalues)
    prod = table.products(quad) if table.schedule is not None else None
    diverged = quad.divergence_epochs(z0, table.rates, epochs, limit) if prod is None else \
        scheduled.divergence_epochs(prod, quad, z0, limit)
    keep = np.full(r, len(table.epochs), dtype=np.int64)
    extra = np.full((r, 2), -1, dtype=np.int64)
    extra_powers = np.zeros((r, 2, m))
    base = table.epochs
    rows = np.flatnonzero(diverged >= 0)
    for i in rows:
        kept = record_epochs(epochs, table.frames, int(diverged[i]))
        common = min(len(kept), len(base))
        same = kept[:common] == base[:common]
        n = common if same.all() else int(np.argmin(same))  # the length of the shared prefix
        tail = kept[n:]
        keep[i] = n
        extra[i, :len(tail)] = tail
        if prod is not None:
            extra_powers[i, :len(tail)] = scheduled.products_at(prod, int(i), tail)
    if prod is None and len(rows):  # every diverged rate's tail at once: quad.powers, row by row
        tails = extra[rows]  # (rows, 2), −1 where a run has no second extra epoch
        steps = np.repeat(table.rates[rows], 2)[:, None] * quad.eigenvalues[None, :]
        with np.errstate(all="ignore"):
            p = _powers(steps, np.maximum(tails.ravel(), 0)).reshape(len(rows), 2, m)
        extra_powers[rows] = np.where((tails >= 0)[:, :, None], p, 0.0)
    return Endings(diverged, keep, extra, extra_powers)
