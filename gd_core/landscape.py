"""The loss landscape: slices through the MSE as one weight (and the bias) move, others held fixed.

Moving weight ``i`` by ``Δ`` and the bias by ``β`` changes every residual by ``Δ·xᵢ + β``, so the MSE
along any slice is an exact quadratic in (Δ, β) whose coefficients are a few means over the rows:
computed once, then any grid costs O(grid) instead of O(grid × rows).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BIAS_MODES = ("fixed", "best")


@dataclass(frozen=True)
class Slice:
    """Moments of the residual ``r₀ = x·w + b - y`` and of predictor ``i`` at the base point."""

    base: float  # w_i at the base point
    r2: float  # mean(r₀²)
    rx: float  # mean(r₀·xᵢ)
    r: float  # mean(r₀)
    x2: float  # mean(xᵢ²)
    x: float  # mean(xᵢ)

    @classmethod
    def at(cls, x, y, w, b, index: int) -> Slice:
        r0 = x @ w + b - y
        xi = x[:, index]
        return cls(float(w[index]), float(np.mean(r0 ** 2)), float(np.mean(r0 * xi)),
                   float(np.mean(r0)), float(np.mean(xi ** 2)), float(np.mean(xi)))

    def loss(self, weight, bias_shift=0.0):
        """MSE at wᵢ = ``weight`` and b + ``bias_shift`` (broadcasts)."""
        d = np.asarray(weight, dtype=float) - self.base
        s = np.asarray(bias_shift, dtype=float)
        return (self.r2 + d * d * self.x2 + s * s + 2 * d * self.rx + 2 * s * self.r
                + 2 * d * s * self.x)

    def grad(self, weight, bias_shift=0.0):
        """∂J/∂wᵢ of the half-MSE: mean(r·xᵢ) with r = r₀ + Δ·xᵢ + β."""
        d = np.asarray(weight, dtype=float) - self.base
        return self.rx + d * self.x2 + np.asarray(bias_shift, dtype=float) * self.x

    def best_bias_shift(self, weight):
        """The bias shift minimising the loss at each weight: β = -mean(r₀ + Δ·xᵢ)."""
        return -(self.r + (np.asarray(weight, dtype=float) - self.base) * self.x)


def loss_curve(x, y, w, b, index: int, grid, *, bias: str = "fixed"):
    """MSE and half-MSE gradient ∂J/∂wᵢ as wᵢ runs over ``grid``, other weights fixed.

    ``bias="fixed"`` keeps ``b``; ``bias="best"`` re-fits the bias for every weight (the profile of
    the landscape; by the envelope theorem the gradient is then the total derivative too).
    Returns ``(loss, grad)``, each of the shape of ``grid``.
    """
    if bias not in BIAS_MODES:
        raise ValueError(f"unknown bias mode {bias!r}: use one of {', '.join(BIAS_MODES)}")
    s = Slice.at(x, y, np.asarray(w, dtype=float), float(b), index)
    shift = s.best_bias_shift(grid) if bias == "best" else 0.0
    return s.loss(grid, shift), s.grad(grid, shift)


def loss_grid(x, y, w, b, index: int, weights, biases) -> np.ndarray:
    """MSE over the (wᵢ, b) grid, other weights fixed: shape ``(len(biases), len(weights))``."""
    s = Slice.at(x, y, np.asarray(w, dtype=float), float(b), index)
    ww = np.asarray(weights, dtype=float)[None, :]
    bb = np.asarray(biases, dtype=float)[:, None] - float(b)
    return s.loss(ww, bb)
