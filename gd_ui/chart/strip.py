"""The rate per epoch of a learning-rate schedule, for the live chart's strip under its panels.

Every schedule is the peak rate times a shape that does not depend on it (:mod:`gd_core.schedules`), so
the browser draws the strip for whatever peak rate the slider is at, mid-drag, as ``rate × shape``: the
payload carries the shape at the updates drawn, the critical rate 2/λmax and the words. Update t takes
epoch t to t + 1, so it is drawn at x = t + 1 (the loss panels' epochs). Pure (numpy only).
"""

from __future__ import annotations

import numpy as np

from gd_core.schedules import Schedule

MAX_POINTS = 400  # updates drawn: a log-even spread, plus each change of a step schedule's rate (few)
LOG_X_ABOVE = 300  # a run longer than this gets a log epoch axis (the loss chart's rule of thumb)


def strip_updates(shape: np.ndarray) -> np.ndarray:
    """The updates t to draw: all of a short run; for a long one a log-even spread, the updates on
    either side of every change of the shape when there are few (a staircase keeps its corners), the
    warm-up's end and the last update."""
    n = len(shape)
    if n <= MAX_POINTS:
        return np.arange(n)
    spread = np.unique(np.geomspace(1, n, MAX_POINTS).astype(np.int64) - 1)
    change = np.flatnonzero(shape[1:] != shape[:-1])
    corners = np.concatenate([change, change + 1]) if len(change) <= MAX_POINTS else np.zeros(0, np.int64)
    return np.unique(np.concatenate([spread, corners, [n - 1]])).astype(np.int64)


def strip_payload(schedule: Schedule, epochs: int, critical: float, kind_label: str) -> dict:
    """What the live chart needs to draw the strip at any peak rate (plain JSON)."""
    shape = schedule.shape(epochs)
    t = strip_updates(shape)
    return {"x": (t + 1).astype(float).tolist(), "shape": shape[t].tolist(), "critical": float(critical),
            "epochs": int(epochs), "log_x": bool(epochs > LOG_X_ABOVE), "kind": kind_label,
            "warmup": int(schedule.warmup)}


def strip_alt(schedule: Schedule, lr: float, epochs: int, critical: float) -> str:
    """The strip in words, for the peak rate the page last ran (a screen reader's summary)."""
    rates = schedule.rates(lr, epochs)
    return (f"Chart summary: the rate goes from {rates[0]:.3g} to {rates[-1]:.3g}; it is above the critical "
            f"rate 2/λmax = {critical:.3g} for {int((rates > critical).sum()):,} of {epochs:,} epochs.")
