"""What the Hessian says about a run before it starts: rates, zones, the optimum and the baseline.

All of it is stated for the half-MSE ``J = ½·mean((ŷ - y)²)`` that the tutorial descends, whose
Hessian is ``H = AᵀA/n`` with ``A = [x, 1]``. Along the eigen-direction with eigenvalue ``λ`` every
epoch multiplies the error by ``1 - ηλ``: it shrinks while ``|1 - ηλ| < 1``, i.e. ``η < 2/λ``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gd_core.quadratic import Quadratic, augment, condition_number, epochs_for_factor

ZONES = ("crawling", "converging", "oscillating", "diverging")
CRAWL_BELOW = 0.1  # η·λmax under this: even the steepest direction moves less than 10 % per epoch


@dataclass(frozen=True)
class Theory:
    """Spectrum of the Hessian and the learning rates it implies."""

    eigenvalues: np.ndarray  # ascending
    critical_lr: float  # 2/λmax: above it full-batch GD diverges
    optimal_lr: float  # 2/(λmin+λmax): the fastest worst-case contraction
    condition_number: float  # λmax/λmin (inf when the problem is singular)

    @property
    def lambda_max(self) -> float:
        return float(self.eigenvalues[-1])

    def factors(self, lr: float) -> np.ndarray:
        """|1 - ηλᵢ|: what one epoch multiplies the error by, along each eigen-direction."""
        return np.abs(1 - lr * self.eigenvalues)

    def zone(self, lr: float) -> str:
        """crawling (ηλmax < 0.1), converging (≤ 1), oscillating (≤ 2: the steepest direction
        overshoots and flips sign every epoch), diverging (> 2)."""
        s = lr * self.lambda_max
        if s > 2:
            return "diverging"
        if s > 1:
            return "oscillating"
        return "converging" if s >= CRAWL_BELOW else "crawling"

    def epochs_to_shrink(self, lr: float, by: float = 100.0) -> float:
        """Epochs for the slowest direction to shrink its error ``by``× (inf if it never does)."""
        return epochs_for_factor(float(self.factors(lr).max()), by)


def theory(quadratic: Quadratic) -> Theory:
    lam = quadratic.eigenvalues
    lam_max = float(lam[-1])
    if lam_max <= 0:
        raise ValueError("every predictor is constant zero: there is nothing to learn")
    return Theory(lam, 2 / lam_max, 2 / (float(lam[0]) + lam_max), condition_number(lam))


@dataclass(frozen=True)
class Optimum:
    """The closed-form least-squares fit on the training split and its MSE on each split."""

    weights: np.ndarray
    bias: float
    train: float
    valid: float
    test: float


def mse_of(split, w, b) -> float:
    """MSE of ``ŷ = x·w + b`` on one split."""
    return float(np.mean((split.x @ w + b - split.y) ** 2))


def least_squares(problem) -> Optimum:
    """``np.linalg.lstsq`` on the training split (minimum-norm if the predictors are collinear)."""
    theta, *_ = np.linalg.lstsq(augment(problem.train.x), problem.train.y, rcond=None)
    w, b = theta[:-1], float(theta[-1])
    return Optimum(w, b, mse_of(problem.train, w, b), mse_of(problem.valid, w, b),
                   mse_of(problem.test, w, b))


def persistence_baseline(problem) -> dict | None:
    """MSE of "tomorrow = today" on validation and test; None when the target has no "today"."""
    if problem.valid.today is None:
        return None
    return {name: float(np.mean((split.today - split.y) ** 2))
            for name, split in (("valid", problem.valid), ("test", problem.test))}
