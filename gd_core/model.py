"""The tutorial's model, one equation per function: linear regression by gradient descent.

Shapes: ``x`` is ``(n_samples, n_features)``, ``w`` is ``(n_features,)``, ``b`` is a float,
``actual``/``predicted`` are ``(n_samples,)``.

A note on the gradient convention, used everywhere in Descent Lab (core, CLI, charts):
the loss we *report* is the mean squared error ``L = mean((ŷ - y)²)``, but the gradient the
tutorial descends is ``ŷ - y`` per row, which is the derivative of *half* the squared error,
``J = ½·mean((ŷ - y)²)``. The factor 2 is simply absorbed by the learning rate; all the
theory (Hessian, critical rate 2/λmax) is stated for ``J``, the function actually descended.
"""

from __future__ import annotations

import functools
import math

import numpy as np


def init_tutorial(n_features: int) -> tuple[np.ndarray, float]:
    """The tutorial's seeded initialisation.

    ``k = sqrt(1/n_features)``; weights ``~ U(-k, k)`` from ``RandomState(0)``; bias ``= 2k - k = k``.
    """
    weights, bias = _tutorial_draw(int(n_features))
    return np.array(weights), bias  # a fresh array each time: callers may change it


@functools.lru_cache(maxsize=16)
def _tutorial_draw(n_features: int) -> tuple[tuple[float, ...], float]:
    """The draw itself, once per size (seeding a generator costs more than a page's arithmetic)."""
    k = math.sqrt(1 / n_features)
    rng = np.random.RandomState(0)  # the tutorial's own seed; a local generator, never the global one
    weights = rng.rand(n_features, 1) * 2 * k - k
    bias = 2 * k - k
    return tuple(weights[:, 0].tolist()), float(bias)


def init_params(n_features: int, *, weights=None, bias: float = 0.0) -> tuple[np.ndarray, float]:
    """Explicit initial values: ``weights`` (a scalar or one per feature, default 0) and ``bias``."""
    w = np.zeros(n_features) if weights is None else np.broadcast_to(
        np.asarray(weights, dtype=float), (n_features,)).copy()
    return w, float(bias)


def forward(x: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    """Forward pass: ŷ = x·w + b."""
    return x @ w + b


def mse(actual: np.ndarray, predicted: np.ndarray) -> float:
    """Mean squared error: L = mean((y - ŷ)²)."""
    return float(np.mean((actual - predicted) ** 2))


def mse_grad(actual: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    """Per-row gradient the tutorial uses: ŷ - y = ∂/∂ŷ of ½(ŷ - y)² (half the squared error)."""
    return predicted - actual


def param_grads(x: np.ndarray, grad: np.ndarray) -> tuple[np.ndarray, float]:
    """Chain rule to the parameters: ∂J/∂w = xᵀ·(ŷ - y)/n,  ∂J/∂b = mean(ŷ - y)."""
    w_grad = (x.T / x.shape[0]) @ grad  # written as the tutorial writes it
    b_grad = float(np.mean(grad))
    return w_grad, b_grad


def backward(x: np.ndarray, grad: np.ndarray, w: np.ndarray, b: float,
             lr: float) -> tuple[np.ndarray, float]:
    """Backward pass and update: w ← w - η·xᵀ(ŷ - y)/n,  b ← b - η·mean(ŷ - y)."""
    w_grad, b_grad = param_grads(x, grad)
    return w - lr * w_grad, b - lr * b_grad
