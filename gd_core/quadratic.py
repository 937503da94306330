"""Full-batch MSE regression as a quadratic: the closed form behind the fast path and the theory.

With ``A = [x, 1]`` (a column of ones for the bias) and ``θ = (w, b)``, the half-MSE descended by the
tutorial is ``J(θ) = ½·mean((Aθ - y)²)``. Its Hessian is the Gram matrix ``H = AᵀA / n`` and every
epoch is the affine map ``θ ← θ - η·H(θ - θ*)``. In the eigenbasis of ``H`` (``H = Q Λ Qᵀ``) each
coordinate of ``z = Qᵀ(θ - θ*)`` is simply multiplied by ``1 - ηλᵢ`` per epoch, so epoch ``k`` is
``z₀ ⊙ (1 - ηλ)ᵏ``: any epoch in O(d) without touching the rows again.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gd_core.descent import History, checked_start_loss, divergence_limit, record_epochs


def augment(x: np.ndarray) -> np.ndarray:
    """``A = [x, 1]``: the design matrix with a column of ones for the bias."""
    return np.column_stack([x, np.ones(len(x))])


@dataclass(frozen=True)
class Quadratic:
    """The training loss as a quadratic in ``θ = (w, b)``, plus what is needed for validation loss.

    Build once per dataset with :meth:`from_data` (O(n·d²)); every run after that is O(d) per epoch
    recorded, independent of the number of rows and of the number of epochs.
    """

    hessian: np.ndarray  # (d+1, d+1): AᵀA/n, the Hessian of the half-MSE J
    eigenvalues: np.ndarray  # (d+1,) ascending, clipped at 0
    eigenvectors: np.ndarray  # (d+1, d+1) columns
    optimum: np.ndarray  # (d+1,) least-squares θ* (minimum norm if the problem is singular)
    min_loss: float  # training MSE at θ*
    valid_hessian: np.ndarray | None = None  # A_vᵀA_v/n_v
    valid_cross: np.ndarray | None = None  # A_vᵀ r*_v / n_v, with r*_v = A_v θ* - y_v
    valid_min: float = np.nan  # validation MSE at θ*

    @classmethod
    def from_data(cls, x, y, x_valid=None, y_valid=None) -> Quadratic:
        a = augment(np.asarray(x, dtype=float))
        y = np.asarray(y, dtype=float)
        hessian = a.T @ a / len(a)
        lam, q = np.linalg.eigh(hessian)
        theta, *_ = np.linalg.lstsq(a, y, rcond=None)
        min_loss = float(np.mean((a @ theta - y) ** 2))
        extra = {}
        if x_valid is not None and len(x_valid):
            av = augment(np.asarray(x_valid, dtype=float))
            rv = av @ theta - np.asarray(y_valid, dtype=float)
            extra = dict(valid_hessian=av.T @ av / len(av), valid_cross=av.T @ rv / len(av),
                         valid_min=float(np.mean(rv ** 2)))
        return cls(hessian, np.clip(lam, 0.0, None), q, theta, min_loss, **extra)

    def train_loss(self, theta: np.ndarray) -> np.ndarray:
        """Training MSE at θ (shape (..., d+1)): L* + (θ-θ*)ᵀH(θ-θ*), free of cancellation."""
        z = (np.asarray(theta) - self.optimum) @ self.eigenvectors
        return self.min_loss + (z ** 2) @ self.eigenvalues

    def valid_loss(self, theta: np.ndarray) -> np.ndarray:
        """Validation MSE at θ (shape (..., d+1))."""
        if self.valid_hessian is None:
            return np.full(np.shape(theta)[:-1], np.nan)
        e = np.asarray(theta) - self.optimum
        return self.valid_min + np.einsum("...i,ij,...j->...", e, self.valid_hessian, e) \
            + 2 * e @ self.valid_cross

    def gradient(self, theta: np.ndarray) -> np.ndarray:
        """∇J(θ) = H(θ - θ*), the half-MSE gradient the tutorial descends."""
        return (np.asarray(theta) - self.optimum) @ self.hessian

    def descend(self, w0, b0, *, lr: float, epochs: int, max_points: int = 400) -> History:
        """The same history as :func:`gd_core.descent.gradient_descent`, in closed form."""
        theta0 = np.append(np.asarray(w0, dtype=float), float(b0))
        z0 = self.eigenvectors.T @ (theta0 - self.optimum)
        step = lr * self.eigenvalues  # ηλᵢ
        with np.errstate(all="ignore"):
            start_loss = float(self.train_loss(theta0))
        limit = divergence_limit(checked_start_loss(start_loss))
        diverged_at = self._divergence_epoch(z0, step, epochs, limit)
        kept = record_epochs(epochs, max_points)
        if diverged_at is not None:
            kept = np.union1d(kept[kept < diverged_at], [diverged_at - 1])
        with np.errstate(all="ignore"):
            z = z0 * _powers(step, kept)
            theta = self.optimum + z @ self.eigenvectors.T
            grad = (z * self.eigenvalues) @ self.eigenvectors.T
            train = self.min_loss + (z ** 2) @ self.eigenvalues
        return History(
            epochs=kept.astype(np.int64), weights=theta[:, :-1], bias=theta[:, -1],
            train_loss=train, valid_loss=self.valid_loss(theta), grad_w=grad[:, :-1],
            grad_b=grad[:, -1], lr=float(lr), epochs_requested=int(epochs), diverged_at=diverged_at)

    def _divergence_epoch(self, z0, step, epochs, limit) -> int | None:
        """First epoch whose loss passes ``limit`` (or overflows). The excess loss Σλz₀²(1-ηλ)²ᵏ is a
        sum of exponentials in k, hence convex, so once above the limit it stays above: bisect."""
        weight = self.eigenvalues * z0 ** 2

        def too_big(k: int) -> bool:
            with np.errstate(all="ignore"):
                loss = self.min_loss + weight @ _powers(step, np.array([k]))[0] ** 2
            return not (np.isfinite(loss) and loss <= limit)

        if not too_big(epochs):
            return None
        lo, hi = 0, epochs  # too_big(lo) is False (the start), too_big(hi) is True
        while hi - lo > 1:
            mid = (lo + hi) // 2
            lo, hi = (lo, mid) if too_big(mid) else (mid, hi)
        return hi


def _powers(step: np.ndarray, k: np.ndarray) -> np.ndarray:
    """``(1 - step)**k`` for every epoch in ``k`` (rows) and direction (columns).

    Uses ``exp(k·log1p(-ηλ))`` so that tiny ηλ (the slow directions of an ill-conditioned problem)
    keep full precision over millions of epochs.
    """
    k = np.asarray(k, dtype=float)[:, None]
    with np.errstate(all="ignore"):
        below = step < 1
        log_mag = np.where(below, np.log1p(-np.where(below, step, 0.0)),
                           np.log(np.abs(np.where(below, 2.0, step) - 1)))
        mag = np.where(k == 0, 1.0, np.exp(k * log_mag))
        sign = np.where((step > 1) & (k % 2 == 1), -1.0, 1.0)
    return sign * mag


def gradient_descent_fast(x, y, w, b, *, lr: float, epochs: int, x_valid=None, y_valid=None,
                          max_points: int = 400) -> History:
    """Drop-in fast path for :func:`gd_core.descent.gradient_descent` (same arguments, same history)."""
    return Quadratic.from_data(x, y, x_valid, y_valid).descend(w, b, lr=lr, epochs=epochs,
                                                               max_points=max_points)
