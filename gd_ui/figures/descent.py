"""The playground's three synchronised panels: pure functions from a run to a ``go.Figure``.

(a) the data and the fit line, (b) the loss as one weight varies with everything else frozen at the
current epoch, (c) that slice's gradient — one animation frame per recorded epoch. The recorded epochs
are an odd number apart (``gd_core.descent.record_epochs``), so a direction that flips sign every epoch
flips between every two frames: an oscillation is never aliased away.

Axes tell the truth at every rate. A run that stays inside its first view keeps fixed axes. A run that
grows (a diverging rate) gets a log loss axis in (b) and ranges re-fitted inside every frame, growing
with the run, so the parabola, the walked path and the current point in (b), and the gradient line and
point in (c), are on the drawn axes at every frame; in (a) the fit line is clipped to the data's box and
its equation is written once it leaves the box. The live chart (``gd_ui/widgets/live.js``) draws the
same scene with the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from gd_core.descent import odd_gaps
from gd_core.quadratic import along
from gd_ui.figures.fastfig import FramedFigure, typed
from gd_ui.figures.style import (
    AXIS,
    BLUE,
    FONT,
    GREEN,
    GREY,
    INK,
    ORANGE,
    PURPLE,
    SKY,
    VERMILLION,
    VERMILLION_TEXT,
    epoch_slider,
    play_buttons,
    title,
)
from gd_ui.formats import equation
from gd_ui.views import DescentData

MAX_FRAMES = 200
MAX_SCATTER = 5000  # points drawn in panel (a); the fit always uses every training row
CURVE_POINTS = 61
GROWS_ABOVE = 4.0  # a run whose loss passes this × its start leaves its first view: axes follow it
# Trace order in the descent figure; frames update the moving ones by index.
STATIC = ("points", "optimum")
MOVING = ("line", "equation", "curve", "path", "loss_marker", "zero", "grad_line", "grad_marker")
MOVING_IDX = list(range(len(STATIC), len(STATIC) + len(MOVING)))


def frame_positions(epochs, max_frames: int = MAX_FRAMES) -> np.ndarray:
    """Which recorded epochs become frames: all of them, or ``max_frames`` spread over the recorded list
    keeping consecutive frames an odd number of *records* apart — so, records being an odd number of
    epochs apart, an odd number of epochs apart too."""
    n = len(epochs) if np.ndim(epochs) else int(epochs)
    if n <= max_frames:
        return np.arange(n)
    wanted = np.unique(np.round(np.linspace(0, n - 1, max_frames - 1)).astype(int))
    return odd_gaps(wanted, n - 1)


def _pad(lo: float, hi: float, frac: float = 0.06, minimum: float = 1e-9):
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
    return 1.35 * max(abs(w0 - d.optimum_weight), 0.25 * max(abs(d.optimum_weight), 1.0))


def _fixed(d: DescentData, w, loss, grad):
    """One set of axes for the whole run: start, optimum and every frame inside."""
    c, half = d.optimum_weight, _first_half_width(d, float(w[0]))
    w_lo, w_hi = _pad(min(c - half, float(w.min())), max(c + half, float(w.max())), 0.03)
    ends = np.array([w_lo, w_hi])
    curves = along(loss[:, None], grad[:, None], d.x2, ends[None, :] - w[:, None])
    l_hi = 1.08 * max(float(curves[0][0].max()), float(loss.max()))
    l_lo = max(0.0, d.optimum_loss - 0.08 * (l_hi - d.optimum_loss))
    g_lo, g_hi = _pad(min(float(curves[1].min()), 0.0), max(float(curves[1].max()), 0.0))
    m = len(w)
    return (np.tile([w_lo, w_hi], (m, 1)), np.tile([l_lo, l_hi], (m, 1)), np.tile([g_lo, g_hi], (m, 1)))


def _following(d: DescentData, w, loss, grad):
    """Axes re-fitted at every frame: (b) and (c) centred on the optimum's weight and wide enough for
    every epoch walked so far; (b)'s log loss axis from below the optimum to above the highest loss
    drawn; (c) from the gradient line's ends (and zero)."""
    c = d.optimum_weight
    half = np.maximum.accumulate(np.maximum(np.abs(w - c) * 1.12, _first_half_width(d, float(w[0]))))
    w_range = np.column_stack([c - half, c + half])
    end_loss, end_grad = along(loss[:, None], grad[:, None], d.x2, w_range - w[:, None])
    top = np.maximum(np.maximum.accumulate(loss), end_loss.max(axis=1))
    floor = max(d.optimum_loss, 1e-12)
    loss_range = np.column_stack([np.full(len(w), np.log10(floor) - 0.15), np.log10(top) + 0.15])
    g_lo = np.minimum(np.minimum(end_grad.min(axis=1), grad), 0.0)
    g_hi = np.maximum(np.maximum(end_grad.max(axis=1), grad), 0.0)
    pad = 0.08 * np.maximum(g_hi - g_lo, 1e-9)
    return w_range, loss_range, np.column_stack([g_lo - pad, g_hi + pad])


def _subsample(n: int, limit: int) -> np.ndarray:
    return np.arange(n) if n <= limit else np.unique(np.linspace(0, n - 1, limit).astype(int))


def _moving(s: Scene, k: int) -> list[dict]:
    grid, curve, grads = s.curve(k)
    lx, ly, leaves = s.line(k)
    note = f"{equation(s.w[k], s.intercept[k])}: the line leaves the chart" if leaves else ""
    upto = slice(0, k + 1)
    return [
        dict(type="scatter", x=lx, y=ly),
        dict(type="scatter", x=[s.box[0] + 0.03 * (s.box[1] - s.box[0])], y=[s.box[3]], text=[note]),
        dict(type="scatter", x=typed(grid), y=typed(curve)),
        dict(type="scatter", x=typed(s.w[upto]), y=typed(s.loss[upto])),
        dict(type="scatter", x=[float(s.w[k])], y=[float(s.loss[k])]),
        dict(type="scatter", x=[float(grid[0]), float(grid[-1])], y=[0.0, 0.0]),
        dict(type="scatter", x=[float(grid[0]), float(grid[-1])], y=[float(grads[0]), float(grads[-1])]),
        dict(type="scatter", x=[float(s.w[k])], y=[float(s.grad[k])]),
    ]


def _ranges(s: Scene, k: int) -> dict:
    w = list(map(float, s.w_range[k]))
    return {"xaxis2.range": w, "xaxis3.range": w, "yaxis2.range": list(map(float, s.loss_range[k])),
            "yaxis3.range": list(map(float, s.grad_range[k]))}


def _frame_layout(s: Scene, k: int) -> dict:
    r = _ranges(s, k)
    return {"xaxis2": {"range": r["xaxis2.range"]}, "xaxis3": {"range": r["xaxis3.range"]},
            "yaxis2": {"range": r["yaxis2.range"]}, "yaxis3": {"range": r["yaxis3.range"]}}


STYLES = [
    dict(mode="lines", line=dict(color=VERMILLION, width=4), xaxis="x", yaxis="y"),
    dict(mode="text", textposition="bottom right", showlegend=False, hoverinfo="skip",
         textfont=dict(color=VERMILLION_TEXT, size=14), xaxis="x", yaxis="y"),
    dict(name="loss slice: bias & other weights frozen at this epoch", mode="lines",
         line=dict(color=BLUE, width=3), xaxis="x2", yaxis="y2"),
    dict(name="path walked so far (every shown epoch)", mode="lines+markers",
         line=dict(color=ORANGE, width=1.5), marker=dict(size=5, color=ORANGE), xaxis="x2", yaxis="y2"),
    dict(name="current epoch", mode="markers", showlegend=False,
         marker=dict(size=14, color=VERMILLION, line=dict(color="white", width=2)), xaxis="x2", yaxis="y2"),
    dict(name="zero", mode="lines", showlegend=False, line=dict(color=GREY, width=1), hoverinfo="skip",
         xaxis="x3", yaxis="y3"),
    dict(name="gradient slice", mode="lines", line=dict(color=PURPLE, width=3), showlegend=False,
         xaxis="x3", yaxis="y3"),
    dict(name="gradient now", mode="markers", showlegend=False,
         marker=dict(size=14, color=VERMILLION, line=dict(color="white", width=2)), xaxis="x3", yaxis="y3"),
]


def descent_figure(d: DescentData, *, height: int = 660, at_frame: int | None = None,
                   compact: bool = False) -> go.Figure:
    """The three-panel animated figure; the initial state shown is the run's last recorded epoch, or
    frame ``at_frame`` (a keyboard-driven scrubber outside the chart picks it)."""
    s = scene(d)
    m = len(s.epochs)
    start = m - 1 if at_frame is None else min(max(int(at_frame), 0), m - 1)
    keep = _subsample(len(d.x), MAX_SCATTER)
    shown = f"{len(keep):,} of {len(d.x):,} training days" if len(keep) < len(d.x) \
        else f"{len(d.x):,} training days"
    lo, hi = float(s.loss_range[:, 0].min()), float(s.loss_range[:, 1].max())
    opt_y = [10 ** lo, 10 ** hi] if s.follow else [lo, hi]
    static = [
        dict(type="scattergl", x=typed(d.x[keep]), y=typed(d.y[keep]), mode="markers", name=shown,
             marker=dict(size=4, color=SKY, opacity=0.45), hoverinfo="skip", xaxis="x", yaxis="y"),
        dict(type="scatter", x=[d.optimum_weight] * 2, y=opt_y, mode="lines",
             name=f"least-squares {d.weight_name}* = {d.optimum_weight:.4g}",
             line=dict(color=GREEN, dash="dot", width=2), xaxis="x2", yaxis="y2"),
    ]
    styles = [{**STYLES[0], "name": "fit line (other predictors at their means)" if d.multi
               else "fit line ŷ = w·x + b"}, *STYLES[1:]]
    data = static + [{**trace, **style} for trace, style in zip(_moving(s, start), styles)]
    labels = [f"{int(e):,}" for e in s.epochs]
    frames = [dict(name=labels[k], data=_moving(s, k), traces=MOVING_IDX,
                   **({"layout": _frame_layout(s, k)} if s.follow else {})) for k in range(m)]
    h = d.history
    annotations = [title("(a) data and fit" if compact else "(a) the data and the fit line", 0.26, 1.0),
                   title("(b) loss" if compact else f"(b) loss as {d.weight_name} varies", 0.79, 1.0),
                   title("(c) gradient" if compact else f"(c) gradient ∂J/∂{d.weight_name} of that slice",
                         0.79, 0.43)]
    if s.follow:
        what = f"diverged at epoch {h.diverged_at:,}" if h.diverged else "the loss grows"
        annotations.append(dict(text=f"{what} · axes follow it (loss on a log scale)", xref="paper",
                                yref="paper", x=0.79, y=1.055, xanchor="center", yanchor="bottom",
                                showarrow=False, font=dict(color=VERMILLION_TEXT, size=14)))
    r = _ranges(s, start)
    grid_style = {**AXIS}
    layout = dict(
        height=height, font=FONT, plot_bgcolor="white", paper_bgcolor="white",
        margin=dict(l=60, r=20, t=70 if s.follow else 40, b=170 if compact else 235),
        annotations=annotations, showlegend=not compact,  # compact: the page says what each line is
        legend=dict(orientation="h", x=0, y=-0.47, yanchor="top", font=dict(size=13, color=INK)),
        xaxis={**grid_style, "domain": [0, 0.52], "range": list(s.box[:2]), "title": {"text": d.x_title}},
        yaxis={**grid_style, "domain": [0, 1], "range": list(s.box[2:]), "title": {"text": d.y_title}},
        xaxis2={**grid_style, "domain": [0.6, 1], "range": r["xaxis2.range"], "anchor": "y2",
                "matches": "x3", "showticklabels": False},
        yaxis2={**grid_style, "domain": [0.56, 1], "range": r["yaxis2.range"], "anchor": "x2",
                "type": "log" if s.follow else "linear",
                "title": {"text": "training MSE" + (" (log)" if s.follow else "")}},
        xaxis3={**grid_style, "domain": [0.6, 1], "range": r["xaxis3.range"], "anchor": "y3",
                "title": {"text": f"weight {d.weight_name}"}},
        yaxis3={**grid_style, "domain": [0, 0.43], "range": r["yaxis3.range"], "anchor": "x3",
                "title": {"text": "∂J/∂w (half-MSE)"}},
        updatemenus=[play_buttons(x=0, y=-0.16, xanchor="left", yanchor="top", pad=dict(t=0, r=10))],
    )
    # Buttons on one row, the epoch scrubber full width on the next (its label at the right end).
    sliders = [epoch_slider(labels, start, x=0, y=-0.25, len=1, xanchor="left", yanchor="top",
                            pad=dict(t=0))]
    return FramedFigure(data=data, layout=layout).set_animation(frames, sliders)
