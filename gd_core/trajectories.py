"""Full-batch optimizer paths on the quadratic itself: no rows, every epoch, milliseconds.

On the training loss ``L(θ) = L* + eᵀHe`` (``e = θ - θ*``; ``H`` includes a ridge penalty when the
:class:`~gd_core.quadratic.Quadratic` is penalised) the full-batch gradient of ``J = ½L`` is ``He``:
two small matrix products instead of a pass over the rows. So any optimizer of the registry runs its
own update rule on it at a few microseconds per epoch (:func:`trajectory`), and the three whose update
is *linear* in (θ, velocity) — gradient descent, momentum, Nesterov — are exact matrix powers
``sₖ = Mᵏs₀`` of one small matrix, computed for all epochs at once by doubling (log₂(epochs) products).

The literal loops over the rows (:func:`gd_core.optimizers.optimize`) are the reference; the tests
hold these paths to them.
"""

from __future__ import annotations

from functools import partial

import numpy as np

from gd_core.descent import History, checked_start_loss, divergence_limit
from gd_core.optimizers import OPTIMIZERS, check_hyper, check_rate, settings
from gd_core.quadratic import Quadratic


def trajectory(quad: Quadratic, w0, b0, *, method: str = "gd", lr: float, epochs: int, rates=None,
               **hyper) -> History:
    """Every epoch of ``method`` from (w0, b0) on ``quad``: the same numbers as ``optimize`` on the rows
    (full batch, ``max_points=None``) up to rounding, with the same divergence rule.

    ``rates``: the rate η_t of every update t (a learning-rate schedule whose peak is ``lr``); every
    method then takes its literal update with η_t in place of η, one epoch at a time.

    ``train_loss`` is the quadratic's loss (MSE + α‖w‖² when penalised); ``valid_loss`` is NaN.
    """
    given = settings(method, **hyper)
    check_rate(lr)
    check_hyper(given)
    if isinstance(epochs, bool) or not isinstance(epochs, int | np.integer) or epochs < 0:
        raise ValueError(f"epochs must be a whole number ≥ 0, got {epochs!r}")
    theta0 = np.append(np.asarray(w0, dtype=float).reshape(-1), float(b0))
    if theta0.shape != quad.optimum.shape or not np.isfinite(theta0).all():
        raise ValueError(f"the start must be {len(quad.optimum) - 1} finite weights and a finite bias")
    with np.errstate(all="ignore"):
        limit = divergence_limit(checked_start_loss(float(quad.train_loss(theta0))))
        if rates is not None:
            if len(rates) != epochs:
                raise ValueError(f"rates has {len(rates)} entries for {epochs} epochs")
            thetas = _stepped(quad, theta0, method, lr, given, epochs, limit, rates)
        elif OPTIMIZERS[method].linear:
            errors = _linear_errors(quad, theta0 - quad.optimum, method, lr, given.get("beta", 0.0),
                                    epochs)
            thetas = quad.optimum + errors
        else:
            thetas = _stepped(quad, theta0, method, lr, given, epochs, limit)
        losses = quad.train_loss(thetas)
    return _history(quad, thetas, losses, lr, epochs, limit)


def _linear_errors(quad: Quadratic, e0: np.ndarray, method: str, lr: float, beta: float,
                   epochs: int) -> np.ndarray:
    """``eₖ = θₖ - θ*`` for k = 0…epochs of a linear method, as powers of its state matrix.

    State ``s = (e, v)``; with ``G = I - ηH``:
    gradient descent  e' = G·e                         (v unused)
    momentum          v' = β·v + H·e;  e' = e - η·v'   → e' = G·e - ηβ·v
    Nesterov          v' = β·v + H·(e - ηβ·v)          → v' = H·e + β·G·v;  e' = G·e - ηβ·G·v
    """
    m = len(e0)
    eye, h = np.eye(m), quad.hessian
    g = eye - lr * h
    if method == "gd":
        step = g
        state = e0[:, None]
    else:
        carry = beta * g if method == "nesterov" else beta * eye  # what v carries into e' and v'
        step = np.block([[g, -lr * carry], [h, carry]])
        state = np.concatenate([e0, np.zeros(m)])[:, None]
    return _all_powers(step, state, epochs)[:, :m]


def _all_powers(step: np.ndarray, state: np.ndarray, epochs: int) -> np.ndarray:
    """Rows ``(Mᵏs₀)ᵀ`` for k = 0…epochs: the block of the first 2ʲ states times M^(2ʲ) gives the next
    2ʲ, so log₂(epochs) products of small matrices produce every epoch."""
    states, power = state, step
    while states.shape[1] < epochs + 1:
        states = np.concatenate([states, power @ states], axis=1)
        power = power @ power
    return states[:, :epochs + 1].T


def _stepped(quad: Quadratic, theta0: np.ndarray, method: str, lr: float, hyper: dict, epochs: int,
             limit: float, rates=None) -> np.ndarray:
    """Any registered rule, one update per epoch, with the gradient ``H(θ - θ*)`` from the quadratic
    (update t at rate ``rates[t]`` when given); stops after the first epoch past the divergence limit."""
    optimizer = OPTIMIZERS[method]
    step = partial(optimizer.rule, **hyper)
    hessian, optimum = quad.hessian, quad.optimum

    def grad_at(theta):
        return hessian @ (theta - optimum)

    theta, state = theta0, optimizer.start(theta0)
    thetas = [theta]
    for t in range(epochs):
        theta, state = step(theta, grad_at, state, lr=lr if rates is None else float(rates[t]))
        thetas.append(theta)
        loss = float(quad.train_loss(theta))
        if not (np.isfinite(loss) and np.isfinite(theta).all() and loss <= limit):
            break
    return np.asarray(thetas)


def _history(quad: Quadratic, thetas: np.ndarray, losses: np.ndarray, lr: float, epochs: int,
             limit: float) -> History:
    """Every epoch up to the last healthy one (the divergence rule of ``gd_core.descent``)."""
    bad = ~(np.isfinite(losses) & np.isfinite(thetas).all(axis=1) & (losses <= limit))
    diverged_at = int(np.argmax(bad)) if bad.any() else None
    keep = slice(0, diverged_at)
    thetas, losses = thetas[keep], losses[keep]
    grads = (thetas - quad.optimum) @ quad.hessian.T
    return History(epochs=np.arange(len(thetas), dtype=np.int64), weights=thetas[:, :-1],
                   bias=thetas[:, -1], train_loss=losses, valid_loss=np.full(len(losses), np.nan),
                   grad_w=grads[:, :-1], grad_b=grads[:, -1], lr=float(lr), epochs_requested=int(epochs),
                   diverged_at=diverged_at)
