"""The learning-rate sweep, and the explanation of it in numbers.

A sweep runs full-batch descent from the same start for the same number of epochs at many learning
rates and keeps each run's final loss and divergence epoch. It uses the closed-form fast path
(:meth:`gd_core.quadratic.Quadratic.descend`, O(d) per recorded epoch, independent of rows and
epochs), so 40 rates take a few milliseconds even for a million epochs.

Why the sweep looks the way it does: along the Hessian's eigen-direction with eigenvalue λ the error
is multiplied by ``1 - ηλ`` every epoch. It shrinks smoothly while ``ηλ < 1``, overshoots and flips
sign while ``1 < ηλ < 2``, and grows once ``ηλ > 2``. The steepest direction (λmax) is the first to
break, at ``η = 2/λmax``; the shallowest (λmin) sets the pace, so the condition number λmax/λmin is
what a badly scaled problem pays in epochs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gd_core import scheduled
from gd_core.quadratic import Quadratic, epochs_for_factor
from gd_core.theory import CRAWL_BELOW, Theory, theory

LOW, HIGH = 1e-3, 10.0  # the default grid spans critical/1000 … 10 × critical
SHRINK_BY = 100.0  # "epochs needed" means: to shrink the error 100-fold


def _parts(source) -> tuple[Quadratic, Theory]:
    """An :class:`~gd_core.experiment.Experiment` or a bare :class:`Quadratic` → (quadratic, theory)."""
    if isinstance(source, Quadratic):
        return source, theory(source)
    if isinstance(getattr(source, "quadratic", None), Quadratic):
        return source.quadratic, source.theory
    raise TypeError(f"expected an Experiment or a Quadratic, got {type(source).__name__}")


def rate_grid(critical_lr: float, n: int = 40, low: float = LOW, high: float = HIGH) -> np.ndarray:
    """``n`` log-spaced learning rates from ``low``×critical to ``high``×critical, ascending."""
    if n < 2:
        raise ValueError(f"a sweep needs at least 2 rates, got n={n}")
    if not (0 < low < high):
        raise ValueError(f"need 0 < low < high, got low={low}, high={high}")
    return np.geomspace(critical_lr * low, critical_lr * high, n)


@dataclass(frozen=True)
class Sweep:
    """One run per rate (ascending), same start and epochs.

    ``final_loss`` is the training MSE at the last epoch kept: the requested last epoch, or for a
    diverged run the last finite epoch before ``diverged_at``.
    """

    rates: np.ndarray  # (n,)
    final_loss: np.ndarray  # (n,)
    diverged_at: tuple[int | None, ...]  # first diverged epoch per rate, or None
    zones: tuple[str, ...]  # Theory.zone of each rate
    epochs: int
    start_loss: float  # training MSE at the start
    min_loss: float  # training MSE at the optimum
    critical_lr: float
    optimal_lr: float

    @property
    def diverged(self) -> np.ndarray:
        return np.array([d is not None for d in self.diverged_at])

    @property
    def first_diverging_rate(self) -> float | None:
        """The smallest rate in the grid whose run diverged (None if none did)."""
        hits = np.flatnonzero(self.diverged)
        return float(self.rates[hits[0]]) if hits.size else None


def sweep(source, w0, b0, *, epochs: int, rates=None, n: int = 40, schedule=None) -> Sweep:
    """Full-batch descent at every rate of ``rates`` (default :func:`rate_grid` with ``n`` rates).

    Parameters
    ----------
    source : Experiment or Quadratic -- the problem, in the space descent runs in
    w0 : ndarray of shape (n_features,); b0 : float -- the common start
    epochs : epochs per run (≥ 1)
    rates : optional 1-D array of learning rates > 0 (sorted ascending in the result)
    schedule : optional :class:`~gd_core.schedules.Schedule`; the rates are then its peak rates
    """
    quad, th = _parts(source)
    if isinstance(epochs, bool) or not isinstance(epochs, int | np.integer) or epochs < 1:
        raise ValueError(f"epochs must be a whole number ≥ 1, got {epochs!r}")
    rates = rate_grid(th.critical_lr, n) if rates is None else np.sort(np.asarray(rates, dtype=float))
    if rates.ndim != 1 or not rates.size or not (np.isfinite(rates).all() and (rates > 0).all()):
        raise ValueError("rates must be a non-empty list of finite learning rates > 0")
    finals, diverged = [], []
    for lr in rates:
        history = quad.descend(w0, b0, lr=float(lr), epochs=int(epochs), max_points=4) if schedule is None \
            else scheduled.descend(quad, w0, b0, lr=float(lr), epochs=int(epochs), schedule=schedule,
                                   max_points=4)
        finals.append(float(history.train_loss[-1]))
        diverged.append(history.diverged_at)
    theta0 = np.append(np.asarray(w0, dtype=float), float(b0))
    return Sweep(rates, np.asarray(finals), tuple(diverged), tuple(th.zone(float(r)) for r in rates),
                 int(epochs), float(quad.train_loss(theta0)), float(quad.min_loss), th.critical_lr,
                 th.optimal_lr)


# --- the explanation in numbers --------------------------------------------------------------------

def behaviour(factor: float, step: float) -> str:
    """What one eigen-direction does per epoch, from its multiplier ``1 - ηλ`` and ``ηλ``."""
    if abs(factor) > 1:
        return "grows: diverges"
    if step == 0:
        return "never moves"
    if factor < 0:
        return "overshoots: flips sign, shrinks"
    return "crawls" if step < CRAWL_BELOW else "shrinks smoothly"


def mixture(vector, names, top: int = 3) -> str:
    """An eigenvector as its largest components, e.g. ``"0.71·tmax + 0.70·tmin"`` (sign-normalised)."""
    v = np.asarray(vector, dtype=float)
    v = -v if v[np.argmax(np.abs(v))] < 0 else v  # an eigenvector's sign is arbitrary: lead with +
    order = np.argsort(-np.abs(v))[:top]
    parts = [f"{v[i]:+.2f}·{names[i]}" for i in order if abs(v[i]) >= 0.05] or \
        [f"{v[order[0]]:+.2f}·{names[order[0]]}"]
    return " ".join(parts).lstrip("+").replace(" +", " + ").replace(" -", " − ")


def directions(source, lr: float, names=None, *, by: float = SHRINK_BY) -> pd.DataFrame:
    """The Hessian's eigen-directions at learning rate ``lr``, steepest first (the first to break).

    Columns: ``direction`` (1 = steepest), ``eigenvalue`` λ, ``made_of`` (the eigenvector's main
    components over ``names`` + bias), ``breaks_above`` 2/λ, ``factor`` |1 - ηλ| per epoch,
    ``behaviour``, ``epochs_to_shrink`` (``by``-fold, inf if never).
    """
    quad, _ = _parts(source)
    d = quad.hessian.shape[0]
    names = [*(names if names is not None else [f"w{i + 1}" for i in range(d - 1)]), "bias"]
    if len(names) != d:
        raise ValueError(f"{len(names) - 1} names for {d - 1} predictors")
    rows = []
    for rank, i in enumerate(np.argsort(-quad.eigenvalues), start=1):
        lam = float(quad.eigenvalues[i])
        factor = 1 - lr * lam
        rows.append({"direction": rank, "eigenvalue": lam,
                     "made_of": mixture(quad.eigenvectors[:, i], names),
                     "breaks_above": 2 / lam if lam > 0 else math.inf,
                     "factor": abs(factor), "behaviour": behaviour(factor, lr * lam),
                     "epochs_to_shrink": epochs_for_factor(factor, by)})
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Explanation:
    """The sweep's story for one rate, in numbers."""

    lr: float
    zone: str
    critical_lr: float  # 2/λmax: where the steepest direction breaks
    optimal_lr: float  # 2/(λmin + λmax)
    condition_number: float  # λmax/λmin
    steepest: str  # the direction that breaks first, as a mixture of predictors
    slowest: str  # the direction that sets the pace
    epochs_needed: float  # for the slowest direction to shrink ``by``-fold at ``lr`` (inf if never)
    epochs_at_optimal: float  # the same at the optimal rate: the condition number's price
    by: float


def explain(source, lr: float, names=None, *, by: float = SHRINK_BY) -> Explanation:
    """Zone, rates, condition number and epochs at ``lr``; at the optimal rate the slowest factor is
    (κ - 1)/(κ + 1), so the epochs needed grow like κ/2·ln(by): ill-conditioning costs epochs."""
    quad, th = _parts(source)
    table = directions(quad, lr, names, by=by)
    return Explanation(float(lr), th.zone(lr), th.critical_lr, th.optimal_lr, th.condition_number,
                       table["made_of"].iloc[0], table["made_of"].iloc[-1],
                       th.epochs_to_shrink(lr, by), th.epochs_to_shrink(th.optimal_lr, by), by)
