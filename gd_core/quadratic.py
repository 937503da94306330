"""Full-batch MSE regression as a quadratic: the one place its closed form lives.

With ``A = [x, 1]`` (a column of ones for the bias) and ``θ = (w, b)``, the half-MSE descended by the
tutorial is ``J(θ) = ½·mean((Aθ - y)²)``. Its Hessian is the Gram matrix ``H = AᵀA/n``, the MSE is
``L(θ) = L* + (θ - θ*)ᵀH(θ - θ*)`` and every epoch is the affine map ``θ ← θ - η·H(θ - θ*)``. In the
eigenbasis of ``H`` (``H = Q Λ Qᵀ``) each coordinate of ``z = Qᵀ(θ - θ*)`` is multiplied by ``1 - ηλᵢ``
per epoch, so epoch ``k`` is ``z₀ ⊙ (1 - ηλ)ᵏ``: any epoch in O(d) without touching the rows again.

Everything the app draws or explains about the loss comes from here: slices (:func:`along`), grids
(:meth:`Quadratic.loss`), contour ellipses (:meth:`Quadratic.level_set`), the ridge penalty
(:meth:`Quadratic.ridge`), epochs to shrink (:func:`epochs_for_factor`) and the singular rule
(:func:`is_singular`). The brute-force loops over rows live in the tests, as oracles.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from gd_core.descent import History, checked_start_loss, divergence_limit, record_epochs

SINGULAR_BELOW = 1e-13  # λmin under this share of λmax: a flat direction (collinear or constant predictors)


def augment(x: np.ndarray) -> np.ndarray:
    """``A = [x, 1]``: the design matrix with a column of ones for the bias."""
    x = np.asarray(x, dtype=float)
    return np.column_stack([x, np.ones(len(x))])


def is_singular(eigenvalues) -> bool:
    """A flat direction: the smallest eigenvalue is (numerically) zero next to the largest."""
    lam = np.asarray(eigenvalues, dtype=float)
    return bool(lam[0] <= lam[-1] * SINGULAR_BELOW)


def condition_number(eigenvalues) -> float:
    """λmax/λmin, ∞ for a singular problem."""
    lam = np.asarray(eigenvalues, dtype=float)
    return math.inf if is_singular(lam) else float(lam[-1] / lam[0])


def epochs_for_factor(factor: float, by: float = 100.0) -> float:
    """Epochs for an error multiplied by ``factor`` each epoch to shrink ``by``-fold (inf if never)."""
    f = abs(factor)
    if f >= 1:
        return math.inf
    return 1.0 if f == 0 else math.log(by) / -math.log(f)


def along(loss, grad, curvature: float, delta):
    """Move a quadratic by ``delta`` along one coordinate: ``(L, ∂J/∂θᵢ)`` there.

    ``L(θ + Δeᵢ) = L + 2Δ·gᵢ + Δ²·Hᵢᵢ`` and ``∂J/∂θᵢ = gᵢ + Δ·Hᵢᵢ``, with ``gᵢ`` the half-MSE gradient
    at θ and ``Hᵢᵢ`` = mean(xᵢ²) the curvature along that coordinate. Broadcasts.
    """
    delta = np.asarray(delta, dtype=float)
    loss, grad = np.asarray(loss, dtype=float), np.asarray(grad, dtype=float)
    return loss + 2 * delta * grad + delta ** 2 * curvature, grad + delta * curvature


@dataclass(frozen=True)
class Quadratic:
    """The training loss as a quadratic in ``θ = (w, b)``, plus what is needed for validation loss.

    Build once per dataset with :meth:`from_data` (O(n·d²)); every run after that is O(d) per epoch
    recorded, independent of the number of rows and of the number of epochs. ``penalty`` α > 0 means
    the loss is ``MSE + α‖w‖²`` (see :meth:`ridge`); its Hessian then includes α on the weights.
    """

    hessian: np.ndarray  # (d+1, d+1): AᵀA/n (+ α on the weights), the Hessian of J
    eigenvalues: np.ndarray  # (d+1,) ascending, clipped at 0
    eigenvectors: np.ndarray  # (d+1, d+1) columns
    optimum: np.ndarray  # (d+1,) θ* (minimum norm if the problem is singular)
    min_loss: float  # the loss at θ*
    cross: np.ndarray | None = None  # Aᵀy/n: with the Hessian, all the rows ever contribute
    penalty: float = 0.0  # ridge α
    valid_hessian: np.ndarray | None = None  # A_vᵀA_v/n_v
    valid_cross: np.ndarray | None = None  # A_vᵀ r*_v / n_v, with r*_v = A_v θ* - y_v
    valid_min: float = np.nan  # validation MSE at θ*

    @classmethod
    def from_data(cls, x, y, x_valid=None, y_valid=None) -> Quadratic:
        a = augment(x)
        y = np.asarray(y, dtype=float)
        hessian = a.T @ a / len(a)
        theta, *_ = np.linalg.lstsq(a, y, rcond=None)  # on the rows: better conditioned than AᵀA
        min_loss = float(np.mean((a @ theta - y) ** 2))
        extra = {}
        if x_valid is not None and len(x_valid):
            av = augment(x_valid)
            rv = av @ theta - np.asarray(y_valid, dtype=float)
            extra = dict(valid_hessian=av.T @ av / len(av), valid_cross=av.T @ rv / len(av),
                         valid_min=float(np.mean(rv ** 2)))
        return cls.from_hessian(hessian, theta, min_loss, cross=a.T @ y / len(a), **extra)

    @classmethod
    def from_hessian(cls, hessian, optimum, min_loss: float, **fields) -> Quadratic:
        """A quadratic from its Hessian, minimiser and minimum (the eigen-decomposition is done here)."""
        hessian = np.asarray(hessian, dtype=float)
        lam, q = np.linalg.eigh(hessian)
        return cls(hessian, np.clip(lam, 0.0, None), q, np.asarray(optimum, dtype=float),
                   float(min_loss), **fields)

    # --- what the Hessian says ------------------------------------------------------------------
    @property
    def weights(self) -> np.ndarray:
        return self.optimum[:-1]

    @property
    def bias(self) -> float:
        return float(self.optimum[-1])

    @property
    def lambda_max(self) -> float:
        return float(self.eigenvalues[-1])

    @property
    def critical_lr(self) -> float:
        """2/λmax: above it full-batch descent diverges."""
        return 2 / self.lambda_max

    @property
    def condition_number(self) -> float:
        return condition_number(self.eigenvalues)

    @property
    def data_loss(self) -> float:
        """The MSE at θ* (without the ridge penalty)."""
        return self.min_loss - self.penalty * float(self.weights @ self.weights)

    def ridge(self, l2: float) -> Quadratic:
        """The penalised loss ``MSE + α‖w‖²`` (bias unpenalised) as a quadratic of its own.

        Its Hessian is ``AᵀA/n + α·D`` with ``D = diag(1, …, 1, 0)``, positive definite for α > 0, and
        its minimiser solves ``(AᵀA/n + α·D)·θ = Aᵀy/n``. The MSE at any θ is still
        ``L* + (θ - θ*)ᵀH(θ - θ*)`` of the plain quadratic, free of cancellation.
        """
        if not (math.isfinite(l2) and l2 >= 0):
            raise ValueError(f"l2 must be a finite number ≥ 0, got {l2!r}")
        if self.penalty:
            raise ValueError("ridge() applies to the plain quadratic, not to a penalised one")
        if l2 == 0:
            return self
        if self.cross is None:
            raise ValueError("this quadratic was built without Aᵀy/n: build it with from_data")
        d = len(self.optimum)
        penalised = self.hessian + np.diag(np.append(np.full(d - 1, float(l2)), 0.0))
        theta = np.linalg.solve(penalised, self.cross)
        loss = float(self.train_loss(theta)) + l2 * float(theta[:-1] @ theta[:-1])
        return replace(Quadratic.from_hessian(penalised, theta, loss, cross=self.cross), penalty=float(l2))

    # --- the loss and its level sets --------------------------------------------------------------
    def train_loss(self, theta: np.ndarray) -> np.ndarray:
        """The loss at θ (shape (..., d+1)): L* + (θ-θ*)ᵀH(θ-θ*), free of cancellation."""
        z = (np.asarray(theta, dtype=float) - self.optimum) @ self.eigenvectors
        return self.min_loss + (z ** 2) @ self.eigenvalues

    def loss(self, *coordinates) -> np.ndarray:
        """The loss at θ given coordinate by coordinate (each broadcasts), e.g. ``loss(w_grid, b_grid)``."""
        theta = np.stack(np.broadcast_arrays(*map(np.asarray, coordinates)), axis=-1)
        return self.train_loss(theta)

    def valid_loss(self, theta: np.ndarray) -> np.ndarray:
        """Validation MSE at θ (shape (..., d+1))."""
        if self.valid_hessian is None:
            return np.full(np.shape(theta)[:-1], np.nan)
        e = np.asarray(theta) - self.optimum
        return self.valid_min + np.einsum("...i,ij,...j->...", e, self.valid_hessian, e) \
            + 2 * e @ self.valid_cross

    def level_set(self, level: float, points: int = 181, limit: float = np.inf) -> np.ndarray:
        """Points ``(points, d+1)`` on the contour ``loss = level`` of a two-parameter quadratic (one
        weight and the bias): an ellipse centred on θ*, axes along the eigenvectors, semi-axes
        √((level - L*)/λ), each capped at ``limit``."""
        if len(self.optimum) != 2:
            raise ValueError(f"a level set is drawn for one weight and the bias, not {len(self.optimum)}")
        excess = max(level - self.min_loss, 0.0)
        semi = np.minimum(np.sqrt(excess / np.maximum(self.eigenvalues, 1e-300)), limit)
        t = np.linspace(0, 2 * np.pi, points)
        return self.optimum + (self.eigenvectors @ (semi[:, None] * np.vstack([np.cos(t), np.sin(t)]))).T

    # --- descent in closed form -------------------------------------------------------------------
    def powers(self, lr: float, epochs) -> np.ndarray:
        """``(1 - ηλᵢ)ᵏ`` for every epoch k of ``epochs`` (rows) and eigen-direction (columns)."""
        with np.errstate(all="ignore"):
            return _powers(lr * self.eigenvalues, np.asarray(epochs))

    def descend(self, w0, b0, *, lr: float, epochs: int, max_points: int = 400) -> History:
        """The same history as :func:`gd_core.descent.gradient_descent`, in closed form."""
        theta0 = np.append(np.asarray(w0, dtype=float), float(b0))
        z0 = self.eigenvectors.T @ (theta0 - self.optimum)
        with np.errstate(all="ignore"):  # a rate so large that ηλ overflows is a diverged run, not a warning
            step = lr * self.eigenvalues  # ηλᵢ
            start_loss = float(self.train_loss(theta0))
        limit = divergence_limit(checked_start_loss(start_loss))
        diverged_at = self.divergence_epoch(z0, lr, epochs, limit)
        kept = record_epochs(epochs, max_points, diverged_at)
        with np.errstate(all="ignore"):
            z = z0 * _powers(step, kept)
            theta = self.optimum + z @ self.eigenvectors.T
            grad = (z * self.eigenvalues) @ self.eigenvectors.T
            train = self.min_loss + (z ** 2) @ self.eigenvalues
        return History(
            epochs=kept.astype(np.int64), weights=theta[:, :-1], bias=theta[:, -1],
            train_loss=train, valid_loss=self.valid_loss(theta), grad_w=grad[:, :-1],
            grad_b=grad[:, -1], lr=float(lr), epochs_requested=int(epochs), diverged_at=diverged_at)

    def divergence_epoch(self, z0, lr: float, epochs: int, limit: float) -> int | None:
        """First epoch whose loss passes ``limit`` (or overflows); None if none up to ``epochs``."""
        d = int(self.divergence_epochs(z0, [lr], epochs, limit)[0])
        return None if d < 0 else d

    def divergence_epochs(self, z0, rates, epochs: int, limit: float) -> np.ndarray:
        """:meth:`divergence_epoch` for many rates at once (−1 where a run stays below the limit).

        The excess loss Σλz₀²(1-ηλ)²ᵏ is a sum of exponentials in k, hence convex, so once above the limit
        it stays above: bisect, every rate in step.
        """
        weight = self.eigenvalues * np.asarray(z0, dtype=float) ** 2
        steps = np.asarray(rates, dtype=float)[:, None] * self.eigenvalues[None, :]
        log_mag = _log_magnitudes(steps)  # once: every bisection step raises them to its own epochs

        def too_big(rows: np.ndarray, k: np.ndarray) -> np.ndarray:
            with np.errstate(all="ignore"):
                # |1 − ηλ|ᵏ: the sign of (1 − ηλ)ᵏ (_powers) does not change its square
                p = _magnitudes(log_mag[rows], np.asarray(k, dtype=float)[:, None])
                loss = np.full(len(rows), self.min_loss)
                for i, w in enumerate(weight):  # in index order, the same sum for one rate or many
                    loss = loss + w * p[:, i] ** 2
            return ~(np.isfinite(loss) & (loss <= limit))

        n = len(steps)
        out = np.full(n, -1, dtype=np.int64)
        rows = np.flatnonzero(too_big(np.arange(n), np.full(n, epochs)))
        lo, hi = np.zeros(len(rows), dtype=np.int64), np.full(len(rows), epochs, dtype=np.int64)
        while len(rows):  # too_big(lo) is False (the start), too_big(hi) is True
            settled = hi - lo <= 1
            out[rows[settled]] = hi[settled]
            rows, lo, hi = rows[~settled], lo[~settled], hi[~settled]
            if not len(rows):
                break
            mid = (lo + hi) // 2
            big = too_big(rows, mid)
            lo, hi = np.where(big, lo, mid), np.where(big, mid, hi)
        return out


def _powers(step: np.ndarray, k: np.ndarray) -> np.ndarray:
    """``(1 - step)**k`` for every epoch in ``k`` (rows) and direction (columns); ``step`` is ηλ per
    direction, or one row of ηλ per epoch (then each row is raised to its own epoch).

    Uses ``exp(k·log1p(-ηλ))`` so that tiny ηλ (the slow directions of an ill-conditioned problem)
    keep full precision over millions of epochs.
    """
    k = np.asarray(k, dtype=float)[:, None]
    mag = _magnitudes(_log_magnitudes(step), k)
    with np.errstate(all="ignore"):
        sign = np.where((step > 1) & (k % 2 == 1), -1.0, 1.0)
    return sign * mag


def _log_magnitudes(step: np.ndarray) -> np.ndarray:
    """``log|1 - step|``, by ``log1p`` below 1 (:func:`_powers`)."""
    with np.errstate(all="ignore"):
        below = step < 1
        return np.where(below, np.log1p(-np.where(below, step, 0.0)),
                        np.log(np.abs(np.where(below, 2.0, step) - 1)))


def _magnitudes(log_mag: np.ndarray, k: np.ndarray) -> np.ndarray:
    """``|1 - step|**k`` from :func:`_log_magnitudes` (``k``: a column of epochs); :func:`_powers` is it
    with the sign."""
    with np.errstate(all="ignore"):
        return np.where(k == 0, 1.0, np.exp(k * log_mag))
