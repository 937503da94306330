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

import numpy as np
import plotly.graph_objects as go

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
    axis_title,
    epoch_slider,
    play_buttons,
    title,
)
from gd_ui.formats import equation
from gd_ui.scene import Scene, scene
from gd_ui.views import DescentData

MAX_SCATTER = 5000  # points drawn in panel (a); the fit always uses every training row
# Trace order in the descent figure; frames update the moving ones by index.
STATIC = ("points", "optimum")
MOVING = ("line", "equation", "curve", "path", "loss_marker", "zero", "grad_line", "grad_marker")
MOVING_IDX = list(range(len(STATIC), len(STATIC) + len(MOVING)))


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
        xaxis={**grid_style, "domain": [0, 0.52], "range": list(s.box[:2]), "title": axis_title(d.x_title)},
        yaxis={**grid_style, "domain": [0, 1], "range": list(s.box[2:]), "title": axis_title(d.y_title)},
        xaxis2={**grid_style, "domain": [0.6, 1], "range": r["xaxis2.range"], "anchor": "y2",
                "matches": "x3", "showticklabels": False},
        yaxis2={**grid_style, "domain": [0.56, 1], "range": r["yaxis2.range"], "anchor": "x2",
                "type": "log" if s.follow else "linear",
                "title": axis_title("training MSE" + (" (log)" if s.follow else ""))},
        xaxis3={**grid_style, "domain": [0.6, 1], "range": r["xaxis3.range"], "anchor": "y3",
                "title": axis_title(f"weight {d.weight_name}")},
        yaxis3={**grid_style, "domain": [0, 0.43], "range": r["yaxis3.range"], "anchor": "x3",
                "title": axis_title("∂J/∂w (half-MSE)")},
        updatemenus=[play_buttons(x=0, y=-0.16, xanchor="left", yanchor="top", pad=dict(t=0, r=10))],
    )
    # Buttons on one row, the epoch scrubber full width on the next (its label at the right end).
    sliders = [epoch_slider(labels, start, x=0, y=-0.25, len=1, xanchor="left", yanchor="top",
                            pad=dict(t=0))]
    return FramedFigure(data=data, layout=layout).set_animation(frames, sliders)
