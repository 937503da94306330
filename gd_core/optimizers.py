"""Beyond plain gradient descent: momentum, Nesterov, RMSProp, Adam, mini-batches and a ridge penalty.

Written like the tutorial's loop (``gd_core.descent``): forward, loss, gradient, update, epoch after
epoch, recording the same :class:`~gd_core.descent.History` on the same schedule
(:func:`~gd_core.descent.record_epochs`) with the same divergence rule.

The objective. With ``θ = (w, b)`` and ``α = l2``, descent minimises

    J(θ) = ½·mean((ŷ - y)²) + ½·α‖w‖²        (the bias is never penalised)

so its gradient is the tutorial's plus ``α·w``:  ``g = (xᵀ(ŷ - y)/n + α·w,  mean(ŷ - y))``.
The loss *recorded* is ``2J = MSE + α‖w‖²``, in MSE units: exactly the MSE when ``l2 = 0``, and always
the quantity whose minimum is ``Quadratic.ridge(α)`` (so "within 1 % of the optimum" stays meaningful).

The update rules (η = ``lr``; v, s, m start at zero; t counts updates from 1):

    gd        θ ← θ - η·g
    momentum  v ← β·v + g;             θ ← θ - η·v       heavy ball, v sums past gradients
    nesterov  g̃ = ∇J(θ - η·β·v);  v ← β·v + g̃;  θ ← θ - η·v        the gradient at the look-ahead point
    rmsprop   s ← ρ·s + (1-ρ)·g²;      θ ← θ - η·g / (√s + ε)
    adam      m ← β₁·m + (1-β₁)·g;  s ← β₂·s + (1-β₂)·g²;  m̂ = m/(1-β₁ᵗ);  ŝ = s/(1-β₂ᵗ);
              θ ← θ - η·m̂ / (√ŝ + ε)

The momentum form ``v ← βv + g; θ ← θ - ηv`` is the one PyTorch uses; for a constant η it is the same
sequence of θ as the textbook ``v ← βv - ηg; θ ← θ + v``. RMSProp has no bias correction (as in
Hinton's lecture and PyTorch), so its first steps are about η/√(1-ρ) per coordinate.

Batches. ``batch_size=None`` (or ≥ n) is full-batch with the rows in their original order, so
``method="gd"`` reproduces :func:`gd_core.descent.gradient_descent` bit for bit. A smaller batch size
shuffles the rows every epoch with one ``np.random.default_rng(seed)`` for the whole run and takes one
update per batch (the last batch may be smaller); an epoch is still one pass over the data and the
recorded loss is always on the full training set.

The registry. Each optimizer is one :class:`Optimizer` record in :data:`OPTIMIZERS`: its update rule
(one function, θ and state in, θ and state out), its starting state, its hyperparameters with their
defaults, and how the app shows it (label, palette colour name, marker symbol). Adding an optimizer is
one function plus one entry; :func:`optimize` (rows, literal) and
:func:`gd_core.trajectories.trajectory` (on the quadratic, fast) both read the registry.

Cost. These are literal Python loops over the rows, kept as the readable reference and for
mini-batches; full-batch runs on the loss landscape use :mod:`gd_core.trajectories`, which needs no
rows at all.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import numpy as np

from gd_core.descent import (
    MAX_POINTS,
    History,
    checked_start_loss,
    divergence_limit,
    healthy,
    history_from_rows,
    kept_rows,
    record_epochs,
)
from gd_core.model import forward, mse, mse_grad, param_grads

# --- the objective: forward next to backward ----------------------------------------------------

def objective(y: np.ndarray, predictions: np.ndarray, w: np.ndarray, l2: float) -> float:
    """The recorded loss, 2J in MSE units: mean((ŷ - y)²) + α‖w‖²."""
    loss = mse(y, predictions)
    return loss + l2 * float(w @ w) if l2 else loss


def gradient(x: np.ndarray, y: np.ndarray, l2: float, theta: np.ndarray) -> np.ndarray:
    """∇J at θ = (w, b): (xᵀ(ŷ - y)/n + α·w,  mean(ŷ - y)), as one vector of length d + 1."""
    return _gradient_from(x, y, forward(x, theta[:-1], theta[-1]), theta[:-1], l2)


def _gradient_from(x, y, predictions, w, l2) -> np.ndarray:
    """∇J from an existing forward pass: the tutorial's backward, plus α·w for the weights."""
    w_grad, b_grad = param_grads(x, mse_grad(y, predictions))
    if l2:
        w_grad = w_grad + l2 * w
    return np.append(w_grad, b_grad)


# --- the update rules: one epoch-free step each, θ and state in, θ and state out -----------------

def _gd(theta, grad_at, state, *, lr):
    """θ ← θ - η·g."""
    return theta - lr * grad_at(theta), state


def _momentum(theta, grad_at, state, *, lr, beta):
    """Heavy ball: v ← β·v + g;  θ ← θ - η·v."""
    v = beta * state["v"] + grad_at(theta)
    return theta - lr * v, {"v": v}


def _nesterov(theta, grad_at, state, *, lr, beta):
    """Nesterov: the gradient where momentum is about to carry θ, g̃ = ∇J(θ - η·β·v); then as momentum."""
    v = beta * state["v"] + grad_at(theta - lr * beta * state["v"])
    return theta - lr * v, {"v": v}


def _rmsprop(theta, grad_at, state, *, lr, rho, eps):
    """s ← ρ·s + (1-ρ)·g²;  θ ← θ - η·g/(√s + ε): each coordinate gets its own step size."""
    g = grad_at(theta)
    s = rho * state["s"] + (1 - rho) * g ** 2
    return theta - lr * g / (np.sqrt(s) + eps), {"s": s}


def _adam(theta, grad_at, state, *, lr, beta, beta2, eps):
    """Momentum on g (m) and RMSProp on g² (s), both bias-corrected: θ ← θ - η·m̂/(√ŝ + ε)."""
    g = grad_at(theta)
    t = state["t"] + 1
    m = beta * state["m"] + (1 - beta) * g
    s = beta2 * state["s"] + (1 - beta2) * g ** 2
    m_hat = m / (1 - beta ** t)
    s_hat = s / (1 - beta2 ** t)
    return theta - lr * m_hat / (np.sqrt(s_hat) + eps), {"m": m, "s": s, "t": t}


# --- the registry ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Optimizer:
    """One optimizer: its update rule and everything the app needs to run and show it.

    ``rule(theta, grad_at, state, *, lr, **hyper) -> (theta, state)`` is one update; ``start(theta)``
    is its state before the first; ``hyper`` its hyperparameters (besides η) with their defaults and
    labels; ``colour`` a palette name (gd_ui maps it to the Okabe–Ito hex), ``symbol`` a Plotly marker;
    ``adaptive``: η is a step size (the rule divides by the gradient's running size), not a multiple of
    the curvature's critical rate. ``linear``: the update is linear in (θ, state) on a quadratic, so
    :mod:`gd_core.trajectories` runs it in closed form.
    """

    key: str
    label: str
    rule: Callable
    start: Callable[[np.ndarray], dict]
    colour: str
    symbol: str
    hyper: dict[str, float] = field(default_factory=dict)
    hyper_labels: dict[str, str] = field(default_factory=dict)
    adaptive: bool = False
    linear: bool = False


def _zeros(*names):
    return lambda theta: {name: np.zeros_like(theta) for name in names}


OPTIMIZERS: dict[str, Optimizer] = {o.key: o for o in (
    Optimizer("gd", "Gradient descent", _gd, _zeros(), "blue", "circle", linear=True),
    Optimizer("momentum", "Momentum", _momentum, _zeros("v"), "orange", "square", {"beta": 0.9},
              {"beta": "β"}, linear=True),
    Optimizer("nesterov", "Nesterov", _nesterov, _zeros("v"), "green", "diamond", {"beta": 0.9},
              {"beta": "β"}, linear=True),
    Optimizer("rmsprop", "RMSProp", _rmsprop, _zeros("s"), "purple", "triangle-up",
              {"rho": 0.9, "eps": 1e-8}, {"rho": "ρ", "eps": "ε"}, adaptive=True),
    Optimizer("adam", "Adam", _adam, lambda theta: {**_zeros("m", "s")(theta), "t": 0}, "vermillion",
              "pentagon", {"beta": 0.9, "beta2": 0.999, "eps": 1e-8},
              {"beta": "β₁", "beta2": "β₂", "eps": "ε"}, adaptive=True),
)}
METHODS = tuple(OPTIMIZERS)


def settings(method: str, **given) -> dict[str, float]:
    """The hyperparameters ``method`` reads, its defaults overridden by ``given`` (others ignored)."""
    if method not in OPTIMIZERS:
        raise ValueError(f"unknown method {method!r}: use one of {', '.join(METHODS)}")
    defaults = OPTIMIZERS[method].hyper
    return {k: float(given[k]) if given.get(k) is not None else v for k, v in defaults.items()}


def _shuffled_batches(x, y, batch_size, rng):
    """One epoch's mini-batches: a fresh shuffle of the rows, cut into ``batch_size`` rows."""
    order = rng.permutation(len(y))
    xs, ys = x[order], y[order]  # one copy per epoch; the batches below are views
    for start in range(0, len(y), batch_size):
        yield xs[start:start + batch_size], ys[start:start + batch_size]


def _known_at(theta, g, fallback):
    """The full-batch gradient function, with its value at θ already known from the loss pass
    (only Nesterov asks for it anywhere else)."""
    return lambda point: g if point is theta else fallback(point)


# --- the loop ----------------------------------------------------------------------------------

def optimize(x, y, w0, b0, *, method: str = "gd", lr: float, epochs: int,
             beta: float | None = None, beta2: float | None = None, rho: float | None = None,
             eps: float | None = None, batch_size: int | None = None, seed: int = 0, l2: float = 0.0,
             x_valid=None, y_valid=None, max_points: int | None = MAX_POINTS) -> History:
    """Descend ``J = ½·mean((x·w + b - y)²) + ½·l2·‖w‖²`` with one of :data:`METHODS`, over the rows.

    Parameters
    ----------
    x : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    w0 : ndarray of shape (n_features,); b0 : float -- the starting parameters
    method : a key of :data:`OPTIMIZERS` (update rules in the module docstring)
    lr : learning rate η > 0;  epochs : passes over the data (≥ 0)
    beta, beta2, rho, eps : hyperparameters (None: the registry's default); only those the method
        reads are used: β (momentum, Nesterov, Adam's β₁), β₂ (Adam), ρ (RMSProp), ε (RMSProp, Adam)
    batch_size : rows per update; None (or ≥ n_samples) for full batch
    seed : seeds ``np.random.default_rng`` for the per-epoch shuffles (mini-batch only)
    l2 : ridge strength α ≥ 0 (weights only, never the bias)
    x_valid, y_valid : optional validation data; its plain MSE is evaluated at recorded epochs
    max_points : recorded epochs at most (see :func:`record_epochs`); None records every epoch

    Returns
    -------
    History : ``train_loss`` is MSE + l2·‖w‖² on the full training set; ``grad_w``/``grad_b`` are
    the full-batch ∇J at the recorded parameters; ``lr`` is η.
    """
    hyper = settings(method, beta=beta, beta2=beta2, rho=rho, eps=eps)
    x, y, theta, x_valid, y_valid = _validated(
        x, y, w0, b0, lr=lr, epochs=epochs, hyper=hyper, batch_size=batch_size, l2=l2,
        x_valid=x_valid, y_valid=y_valid, max_points=max_points)
    optimizer = OPTIMIZERS[method]
    step = partial(optimizer.rule, lr=lr, **hyper)
    state = optimizer.start(theta)
    rng = np.random.default_rng(seed)
    full_batch = batch_size is None or batch_size >= len(y)
    budget = epochs + 1 if max_points is None else max_points
    record = set(record_epochs(epochs, budget).tolist())
    rows: dict[int, tuple] = {}
    recent: list[tuple] = []  # the last two states: a diverged run ends on them
    diverged_at = None
    with np.errstate(all="ignore"):  # divergence is detected below, never warned about
        start_loss = objective(y, forward(x, theta[:-1], theta[-1]), theta[:-1], l2)
        limit = divergence_limit(checked_start_loss(start_loss))
        for epoch in range(epochs + 1):
            w, b = theta[:-1], theta[-1]
            predictions = forward(x, w, b)
            loss = objective(y, predictions, w, l2)
            if not healthy(loss, w, b, limit):
                diverged_at = epoch
                break
            g = _gradient_from(x, y, predictions, w, l2)  # full-batch ∇J at θ, recorded as is
            recent = [*recent[-1:], (epoch, theta, loss, g)]
            if epoch in record:
                rows[epoch] = _row(recent[-1], x_valid, y_valid)
            if epoch == epochs:
                break
            if full_batch:  # rows in their original order: the tutorial's loop, bit for bit
                theta, state = step(theta, _known_at(theta, g, partial(gradient, x, y, l2)), state)
            else:
                for x_batch, y_batch in _shuffled_batches(x, y, batch_size, rng):
                    theta, state = step(theta, partial(gradient, x_batch, y_batch, l2), state)
        kept = kept_rows(rows, recent, record_epochs(epochs, budget, diverged_at),
                         lambda state: _row(state, x_valid, y_valid))
    return history_from_rows(kept, lr, epochs, diverged_at)


def _row(state, x_valid, y_valid) -> tuple:
    epoch, theta, loss, g = state
    w, b = theta[:-1], float(theta[-1])
    valid = mse(y_valid, forward(x_valid, w, b)) if x_valid is not None else np.nan
    return epoch, w, b, loss, valid, g[:-1], float(g[-1])


def _validated(x, y, w0, b0, *, lr, epochs, hyper, batch_size, l2, x_valid, y_valid, max_points):
    """Check every argument once, with messages that name the value; return float arrays and θ₀."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.ndim != 2 or y.ndim != 1 or len(x) != len(y) or len(y) == 0:
        raise ValueError(f"x must be (n_samples, n_features) and y (n_samples,) with n_samples ≥ 1, "
                         f"got x {x.shape} and y {y.shape}")
    w0 = np.asarray(w0, dtype=float).reshape(-1)
    if w0.shape != (x.shape[1],):
        raise ValueError(f"w0 has {w0.size} values for {x.shape[1]} predictors")
    theta = np.append(w0, float(b0))
    if not (np.isfinite(x).all() and np.isfinite(y).all() and np.isfinite(theta).all()):
        raise ValueError("x, y, w0 and b0 must be finite (no NaN or inf)")
    check_rate(lr)
    if isinstance(epochs, bool) or not isinstance(epochs, int | np.integer) or epochs < 0:
        raise ValueError(f"epochs must be a whole number ≥ 0, got {epochs!r}")
    check_hyper(hyper)
    if batch_size is not None and (isinstance(batch_size, bool) or
                                   not isinstance(batch_size, int | np.integer) or batch_size < 1):
        raise ValueError(f"batch_size must be None (full batch) or a whole number ≥ 1, got {batch_size!r}")
    if not (math.isfinite(l2) and l2 >= 0):
        raise ValueError(f"l2 must be a finite number ≥ 0, got {l2!r}")
    if (x_valid is None) != (y_valid is None):
        raise ValueError("give both x_valid and y_valid, or neither")
    if x_valid is not None:
        x_valid = np.asarray(x_valid, dtype=float)
        y_valid = np.asarray(y_valid, dtype=float)
        if x_valid.ndim != 2 or x_valid.shape[1] != x.shape[1] or len(x_valid) != len(y_valid):
            raise ValueError(f"x_valid {x_valid.shape} / y_valid {y_valid.shape} do not match "
                             f"{x.shape[1]} predictors")
    if max_points is not None and max_points < 2:
        raise ValueError(f"max_points must be ≥ 2 or None (every epoch), got {max_points!r}")
    return x, y, theta, x_valid, y_valid


def check_rate(lr) -> None:
    if not (isinstance(lr, numbers.Real) and math.isfinite(lr) and lr > 0):
        raise ValueError(f"lr must be a finite number > 0, got {lr!r}")


def check_hyper(hyper: dict) -> None:
    """Decays in [0, 1), ε finite and > 0."""
    for name, value in hyper.items():
        if name == "eps":
            if not (math.isfinite(value) and value > 0):
                raise ValueError(f"eps must be a finite number > 0, got {value!r}")
        elif not 0 <= value < 1:
            raise ValueError(f"{name} must be in [0, 1), got {value!r}")


# --- "how long to get there" ------------------------------------------------------------------

def epochs_to_within(history: History, target_loss: float, rel: float = 0.01) -> int | None:
    """First *recorded* epoch whose training loss is at or below ``target_loss·(1 + rel)``; None if none.

    Exact when the run recorded every epoch (``optimize(..., max_points=None)``, or any run of fewer
    than ``max_points`` epochs). Otherwise :func:`record_epochs` is dense for the first
    ``max_points // 4`` epochs and log-spaced after, so the answer is an upper bound and the true first
    epoch lies after the previous recorded one.
    """
    hits = np.flatnonzero(history.train_loss <= target_loss * (1 + rel))
    return int(history.epochs[hits[0]]) if hits.size else None
