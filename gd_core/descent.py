"""Full-batch gradient descent, written as the tutorial writes it, recording a bounded history.

This literal loop is the readable reference. ``gd_core.quadratic`` computes the same iterates in
closed form; the tests hold the two to 1e-9.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from gd_core.model import backward, forward, mse, mse_grad, param_grads

DIVERGENCE_FACTOR = 1e12  # a loss this many times the starting loss counts as diverged
MAX_POINTS = 400  # recorded epochs per run, at most


def record_epochs(epochs: int, max_points: int = MAX_POINTS, diverged_at: int | None = None) -> np.ndarray:
    """Epochs to record (and to show): all of them for short runs; else the first quarter of the
    budget densely, then log-spaced to the last, so both the fast early motion and the late creep
    are visible. Always includes 0 and the last epoch kept: ``epochs``, or ``diverged_at - 1`` for a
    diverged run (whose schedule is the full run's, cut before ``diverged_at``).

    **Every gap between consecutive recorded epochs is odd.** A direction whose factor ``1 - ηλ`` is
    negative flips sign every epoch, hence between any two epochs an odd number apart: with odd gaps a
    zig-zag stays a zig-zag in every chart and animation, never aliased into a smooth one-sided approach
    (with even gaps every shown epoch would land on the same side).

    The result is read-only: it is computed once per (epochs, max_points, diverged_at) and shared (a
    Playground change asks for the same schedule again and again).
    """
    return _record_epochs(int(epochs), int(max_points), None if diverged_at is None else int(diverged_at))


@functools.lru_cache(maxsize=1024)
def _record_epochs(epochs: int, max_points: int, diverged_at: int | None) -> np.ndarray:
    kept = _schedule(epochs, max_points, diverged_at)
    kept.flags.writeable = False
    return kept


def _schedule(epochs: int, max_points: int, diverged_at: int | None) -> np.ndarray:
    if max_points < 2:
        raise ValueError(f"max_points must be at least 2 (epoch 0 and the last), got {max_points}")
    if diverged_at is not None:  # the full run's schedule, cut before diverged_at
        if max_points == 2:
            return np.array([0, diverged_at - 1]) if diverged_at > 1 else np.array([0])
        return _cut(_record_epochs(epochs, max_points, None), diverged_at)
    if epochs + 1 <= max_points:
        base = np.arange(epochs + 1)
    elif max_points == 2:  # just the ends: no room for the odd-gap rule
        base = np.array([0, epochs])
    else:
        head = max(max_points // 4, 1)  # geomspace cannot start at 0: epoch 0 is always in the head
        tail = np.geomspace(head, epochs, max_points - head) if max_points > 2 else np.array([epochs])
        base = odd_gaps(np.union1d(np.arange(head), np.round(tail).astype(np.int64)), epochs)
    return base


def _cut(base: np.ndarray, diverged_at: int) -> np.ndarray:
    """The full run's schedule ``base`` (whose gaps are already odd) cut before the divergence: the
    epochs before it, ending on ``diverged_at - 1`` an odd gap after the previous one (what
    :func:`odd_gaps` makes of ``base[base < diverged_at]``, without its loop)."""
    last = diverged_at - 1
    prefix = base[base < last]
    if len(prefix) == 0:
        return np.array([0], dtype=np.int64)
    if (last - prefix[-1]) % 2 == 0:
        prefix = prefix[:-1] if len(prefix) > 1 else np.array([0, last - 1], dtype=np.int64)
    return np.append(prefix, last).astype(np.int64)


def odd_gaps(candidates, last: int) -> np.ndarray:
    """``candidates`` (sorted integers, starting at 0) nudged by one where needed so that consecutive
    epochs are an odd number apart, ending exactly at ``last``."""
    out = [0]
    for value in (int(v) for v in np.asarray(candidates)[1:] if v < last):
        if (value - out[-1]) % 2 == 0:
            value = value - 1 if value - 1 > out[-1] else value + 1
        if value < last:
            out.append(value)
    if last > 0:
        if (last - out[-1]) % 2 == 0:
            if len(out) > 1:
                out.pop()  # the gap before it was odd, the new one is odd + even
            else:
                out.append(last - 1)
        out.append(last)
    return np.asarray(out, dtype=np.int64)


def checked_start_loss(loss: float) -> float:
    """The starting loss, which must be finite: a run needs a finite state to start from."""
    if not np.isfinite(loss):
        raise ValueError(f"the loss at the starting weights and bias is not finite ({loss}): "
                         "start from smaller values")
    return loss


def divergence_limit(start_loss: float) -> float:
    """The loss above which a run counts as diverged."""
    return DIVERGENCE_FACTOR * max(start_loss, np.finfo(float).tiny)


@dataclass(frozen=True)
class History:
    """A run's recorded epochs. Arrays have one row per recorded epoch (``m`` of them).

    ``weights`` (m, d); ``bias``, ``train_loss``, ``valid_loss`` (MSE), ``grad_b`` (m,); ``grad_w``
    (m, d) is ∂J/∂w of the half-MSE at that epoch's parameters. ``diverged_at`` is the first epoch
    whose loss or parameters stopped being finite or whose loss exceeded 1e12 × the starting loss;
    the history then ends at the last good epoch, ``diverged_at - 1``.
    """

    epochs: np.ndarray
    weights: np.ndarray
    bias: np.ndarray
    train_loss: np.ndarray
    valid_loss: np.ndarray
    grad_w: np.ndarray
    grad_b: np.ndarray
    lr: float
    epochs_requested: int
    diverged_at: int | None

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None

    @property
    def epochs_run(self) -> int:
        """Epochs whose result is kept: all requested, or up to the last finite state."""
        return int(self.epochs[-1])

    @property
    def final_weights(self) -> np.ndarray:
        return self.weights[-1]

    @property
    def final_bias(self) -> float:
        return float(self.bias[-1])


def healthy(loss: float, w: np.ndarray, b: float, limit: float) -> bool:
    """Loss and parameters finite, and the loss within the divergence limit."""
    return bool(np.isfinite(loss) and np.isfinite(w).all() and np.isfinite(b) and loss <= limit)


def gradient_descent(x, y, w, b, *, lr: float, epochs: int, x_valid=None, y_valid=None,
                     max_points: int = MAX_POINTS, rates=None) -> History:
    """The tutorial's loop: forward, loss, gradient, backward, for every epoch, on the full batch.

    Parameters
    ----------
    x : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    w : ndarray of shape (n_features,); b : float -- the starting parameters
    lr : learning rate η;  epochs : number of updates
    rates : optional η_t of every update t = 0 … epochs − 1 (a schedule; ``lr`` is then its peak)
    x_valid, y_valid : optional validation data, evaluated only at recorded epochs
    """
    record = set(record_epochs(epochs, max_points).tolist())
    rows: dict[int, tuple] = {}
    recent: list[tuple] = []  # the last two states: a diverged run ends on them
    w = np.asarray(w, dtype=float).copy()
    b = float(b)
    with np.errstate(all="ignore"):
        start_loss = mse(y, forward(x, w, b))
    limit = divergence_limit(checked_start_loss(start_loss))
    diverged_at = None
    with np.errstate(all="ignore"):  # divergence is detected below, never warned about
        for epoch in range(epochs + 1):
            predictions = forward(x, w, b)
            loss = mse(y, predictions)
            if not healthy(loss, w, b, limit):
                diverged_at = epoch
                break
            grad = mse_grad(y, predictions)
            recent = [*recent[-1:], (epoch, w, b, loss, grad)]
            if epoch in record:
                rows[epoch] = _row(recent[-1], x, x_valid, y_valid)
            if epoch == epochs:
                break
            w, b = backward(x, grad, w, b, lr if rates is None else float(rates[epoch]))
    kept = kept_rows(rows, recent, record_epochs(epochs, max_points, diverged_at),
                     lambda state: _row(state, x, x_valid, y_valid))
    return history_from_rows(kept, lr, epochs, diverged_at)


def kept_rows(rows: dict, recent: list, kept: np.ndarray, make_row) -> list:
    """The recorded rows of the epochs ``kept``; the last one or two of a diverged run (the last finite
    state, and the one before when the odd-gap rule needs it) come from the ``recent`` states."""
    states = {state[0]: state for state in recent}
    return [rows[e] if e in rows else make_row(states[e]) for e in kept.tolist()]


def _row(state, x, x_valid, y_valid) -> tuple:
    epoch, w, b, loss, grad = state
    w_grad, b_grad = param_grads(x, grad)
    valid = mse(y_valid, forward(x_valid, w, b)) if x_valid is not None else np.nan
    return epoch, w, b, loss, valid, w_grad, b_grad


def history_from_rows(rows, lr, epochs, diverged_at) -> History:
    """A ``History`` from recorded rows ``(epoch, w, b, loss, valid_loss, grad_w, grad_b)``."""
    cols = list(zip(*rows))
    return History(
        epochs=np.asarray(cols[0], dtype=np.int64),
        weights=np.asarray(cols[1], dtype=float),
        bias=np.asarray(cols[2], dtype=float),
        train_loss=np.asarray(cols[3], dtype=float),
        valid_loss=np.asarray(cols[4], dtype=float),
        grad_w=np.asarray(cols[5], dtype=float),
        grad_b=np.asarray(cols[6], dtype=float),
        lr=float(lr),
        epochs_requested=int(epochs),
        diverged_at=diverged_at,
    )
