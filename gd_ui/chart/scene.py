"""What the three-panel chart draws, frame by frame, as numbers: the rules both drawings follow.

The live chart in the browser (``gd_ui/widgets/live_chart.js``) is the one drawing of the chart: for a
run the server computed it draws a :class:`Scene` as it is; for the runs it computes itself while a
slider moves it applies these rules, with these constants (shipped in ``gd_ui.chart.spec``).
The recorded epochs are an odd number apart (``gd_core.descent.record_epochs``), so a direction that
flips sign every epoch flips between every two frames: an oscillation is never aliased away. A run that
stays in its first view keeps fixed axes; a run that grows gets a log loss axis in (b) and ranges
re-fitted at every frame, growing with it; the fit line in (a) is clipped to the data's box.

Pure (numpy): no Plotly, no Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gd_core.descent import odd_gaps
from gd_core.quadratic import along
from gd_ui.chart.views import DescentData

MAX_FRAMES = 200
CURVE_POINTS = 61
GROWS_ABOVE = 4.0  # a run whose loss passes this × its start leaves its first view: axes follow it
# Every other number of the rules below, by name; ``gd_ui.chart.spec`` ships them to the browser, whose
# live chart applies the same rules to runs it computes itself (tests/browser/test_chart_parity.py).
RULES = {
    "grows_above": GROWS_ABOVE, "curve_points": CURVE_POINTS,
    "pad": 0.06, "pad_min": 1e-9,  # every range: 6 % of its width each side (at least 1e-9 wide)
    "fixed_pad": 0.03,  # the fixed weight axis: 3 % each side
    "first_view": 1.35, "first_view_min": 0.25,  # (b)'s first half-width: 1.35 × |w₀ − w*|, ≥ ¼·max(|w*|, 1)
    "loss_headroom": 1.08, "loss_below": 0.08,  # fixed (b): 8 % above the highest loss, 8 % below w*'s
    "follow_widen": 1.12,  # following (b)/(c): the weight axis 12 % wider than the farthest epoch
    "log_margin": 0.15, "log_floor": 1e-12,  # following (b): 0.15 decades beyond the losses drawn
    "grad_pad": 0.08,  # following (c): 8 % each side
    "note_x": 0.03,  # (a)'s note: 3 % in from the left edge
}


def frame_positions(epochs, max_frames: int = MAX_FRAMES) -> np.ndarray:
    """Which recorded epochs become frames: all of them, or ``max_frames`` spread over the recorded list
    keeping consecutive frames an odd number of *records* apart — so, records being an odd number of
    epochs apart, an odd number of epochs apart too."""
    n = len(epochs) if np.ndim(epochs) else int(epochs)
    if n <= max_frames:
        return np.arange(n)
    wanted = np.unique(np.round(np.linspace(0, n - 1, max_frames - 1)).astype(int))
    return odd_gaps(wanted, n - 1)


def _pad(lo: float, hi: float, frac: float = RULES["pad"], minimum: float = RULES["pad_min"]):
    width = max(hi - lo, minimum)
    return lo - frac * width, hi + frac * width


@dataclass(frozen=True)
class Scene:
    """Every number the figure draws, per frame (``m`` of them), all in original units.

    ``w``, ``intercept``, ``loss``, ``grad``: the shown weight, the fit line's intercept (other
    predictors at their means), the training MSE and ∂J/∂w of the half-MSE. ``w_range``, ``loss_range``,
    ``grad_range`` (m, 2): each frame's axes — identical rows when the axes are fixed; ``loss_range`` is
    in log10 units when ``follow``.
    """

    epochs: np.ndarray
    w: np.ndarray
    intercept: np.ndarray
    loss: np.ndarray
    grad: np.ndarray
    box: tuple[float, float, float, float]  # (a): x_lo, x_hi, y_lo, y_hi
    follow: bool
    w_range: np.ndarray
    loss_range: np.ndarray
    grad_range: np.ndarray
    x2: float

    def curve(self, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Frame k's slice: the weight grid, the loss on it, the gradient on it (exact quadratic)."""
        grid = np.linspace(*self.w_range[k], CURVE_POINTS)
        loss, grad = along(self.loss[k], self.grad[k], self.x2, grid - self.w[k])
        return grid, loss, grad

    def line(self, k: int) -> tuple[list, list, bool]:
        """Frame k's fit line clipped to the data's box, and whether it leaves the box."""
        return clip_line(self.w[k], self.intercept[k], self.box)


def clip_line(slope: float, intercept: float, box) -> tuple[list, list, bool]:
    """The part of ``y = slope·x + intercept`` inside ``box``; ``None``s when it misses the box."""
    x_lo, x_hi, y_lo, y_hi = box
    ends = slope * np.array([x_lo, x_hi]) + intercept
    leaves = bool(ends.min() < y_lo or ends.max() > y_hi)
    if slope == 0:
        inside = y_lo <= intercept <= y_hi
        return ([x_lo, x_hi], [intercept] * 2, leaves) if inside else ([None] * 2, [None] * 2, True)
    xs = sorted(((y_lo - intercept) / slope, (y_hi - intercept) / slope))
    a, b = max(x_lo, xs[0]), min(x_hi, xs[1])
    if not (np.isfinite(a) and np.isfinite(b)) or a >= b:
        return [None] * 2, [None] * 2, True
    return [float(a), float(b)], [float(slope * a + intercept), float(slope * b + intercept)], leaves


def scene(d: DescentData, positions=None) -> Scene:
    """The figure's numbers for the recorded epochs at ``positions`` (default: :func:`frame_positions`)."""
    h = d.history
    frames = frame_positions(h.epochs) if positions is None else np.asarray(positions)
    i = d.index
    w = h.weights[frames, i]
    intercept = h.bias[frames] + h.weights[frames] @ d.means - w * d.means[i]
    loss, grad = h.train_loss[frames], h.grad_w[frames, i]
    box = (*_pad(float(d.x.min()), float(d.x.max())), *_pad(float(d.y.min()), float(d.y.max())))
    follow = bool(h.diverged or loss.max() > GROWS_ABOVE * loss[0])
    ranges = _following(d, w, loss, grad) if follow else _fixed(d, w, loss, grad)
    return Scene(h.epochs[frames], w, intercept, loss, grad, box, follow, *ranges, d.x2)


def _first_half_width(d: DescentData, w0: float) -> float:
    """Half the width of the first view of (b): the start and the optimum with a margin."""
    return RULES["first_view"] * max(abs(w0 - d.optimum_weight),
                                     RULES["first_view_min"] * max(abs(d.optimum_weight), 1.0))


def _fixed(d: DescentData, w, loss, grad):
    """One set of axes for the whole run: start, optimum and every frame inside."""
    c, half = d.optimum_weight, _first_half_width(d, float(w[0]))
    w_lo, w_hi = _pad(min(c - half, float(w.min())), max(c + half, float(w.max())), RULES["fixed_pad"])
    ends = np.array([w_lo, w_hi])
    curves = along(loss[:, None], grad[:, None], d.x2, ends[None, :] - w[:, None])
    l_hi = RULES["loss_headroom"] * max(float(curves[0][0].max()), float(loss.max()))
    l_lo = max(0.0, d.optimum_loss - RULES["loss_below"] * (l_hi - d.optimum_loss))
    g_lo, g_hi = _pad(min(float(curves[1].min()), 0.0), max(float(curves[1].max()), 0.0))
    m = len(w)
    return (np.tile([w_lo, w_hi], (m, 1)), np.tile([l_lo, l_hi], (m, 1)), np.tile([g_lo, g_hi], (m, 1)))


def _following(d: DescentData, w, loss, grad):
    """Axes re-fitted at every frame: (b) and (c) centred on the optimum's weight and wide enough for
    every epoch walked so far; (b)'s log loss axis from below the optimum to above the highest loss
    drawn; (c) from the gradient line's ends (and zero)."""
    c = d.optimum_weight
    widest = np.maximum(np.abs(w - c) * RULES["follow_widen"], _first_half_width(d, float(w[0])))
    half = np.maximum.accumulate(widest)
    w_range = np.column_stack([c - half, c + half])
    end_loss, end_grad = along(loss[:, None], grad[:, None], d.x2, w_range - w[:, None])
    top = np.maximum(np.maximum.accumulate(loss), end_loss.max(axis=1))
    floor, margin = max(d.optimum_loss, RULES["log_floor"]), RULES["log_margin"]
    loss_range = np.column_stack([np.full(len(w), np.log10(floor) - margin), np.log10(top) + margin])
    g_lo = np.minimum(np.minimum(end_grad.min(axis=1), grad), 0.0)
    g_hi = np.maximum(np.maximum(end_grad.max(axis=1), grad), 0.0)
    pad = RULES["grad_pad"] * np.maximum(g_hi - g_lo, RULES["pad_min"])
    return w_range, loss_range, np.column_stack([g_lo - pad, g_hi + pad])
