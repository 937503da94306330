"""Figure builders for the playground: pure functions from core results to ``go.Figure``.

The descent figure has three synchronised panels — (a) data and fit line, (b) loss against one
weight, (c) its gradient — and one animation frame per selected epoch. Frames carry only the
moving traces; every axis range is fixed from the whole run so nothing jumps while playing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from gd_core.descent import History
from gd_ui.fastfig import FramedFigure, typed

BLUE, ORANGE, GREEN, VERMILLION, SKY, PURPLE, GREY = (
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#7F7F7F")
MAX_FRAMES = 200
MAX_SCATTER = 5000  # points drawn in panel (a); the fit always uses every training row
CURVE_POINTS = 61
SPEEDS = (("▶ Play", 60), ("▶ Slow", 160), ("▶▶ Fast", 20))
FONT = dict(family="Inter, Arial, sans-serif", size=15)
# Trace order in the descent figure; frames update the moving ones by index.
STATIC = ("points", "optimum", "zero")
MOVING = ("line", "curve", "path", "loss_marker", "grad_line", "grad_marker")
MOVING_IDX = list(range(len(STATIC), len(STATIC) + len(MOVING)))


@dataclass(frozen=True)
class DescentData:
    """What the descent figure needs, all in original units.

    ``x``/``y``: the shown predictor and the target on the training split; ``history``: the run in
    original units; ``index``: the shown predictor's column; ``means``: training means of every
    predictor (to draw a multi-predictor model as a line); ``x2``: mean(xᵢ²) on the training split.
    """

    x: np.ndarray
    y: np.ndarray
    history: History
    index: int
    means: np.ndarray
    x2: float
    optimum_weight: float
    optimum_loss: float
    x_title: str
    y_title: str
    weight_name: str
    multi: bool  # the model uses several predictors


def frame_positions(n_recorded: int, max_frames: int = MAX_FRAMES) -> np.ndarray:
    """Which recorded epochs become frames: all of them, or ``max_frames`` evenly over the recorded
    list (itself dense early and log-spaced late), always the first and the last."""
    if n_recorded <= max_frames:
        return np.arange(n_recorded)
    return np.unique(np.round(np.linspace(0, n_recorded - 1, max_frames)).astype(int))


def _pad(lo: float, hi: float, frac: float = 0.06, minimum: float = 1e-9):
    width = max(hi - lo, minimum)
    return lo - frac * width, hi + frac * width


def _weight_range(d: DescentData, frames: np.ndarray):
    """The weight axis: start and optimum with a margin, plus every frame of a converging run, or
    of a diverging one the frames until its loss passes 4× the start (the first swings stay visible)."""
    h = d.history
    w = h.weights[frames, d.index]
    start, best = float(w[0]), d.optimum_weight
    lo, hi = min(start, best), max(start, best)
    width = max(hi - lo, 0.25 * max(abs(best), 1.0))
    lo, hi = lo - 0.35 * width, hi + 0.35 * width
    seen = w if not h.diverged else w[h.train_loss[frames] <= 4 * h.train_loss[0]]
    if len(seen):
        lo, hi = min(lo, float(seen.min())), max(hi, float(seen.max()))
    return _pad(lo, hi, 0.03)


def _subsample(n: int, limit: int) -> np.ndarray:
    return np.arange(n) if n <= limit else np.unique(np.linspace(0, n - 1, limit).astype(int))


def descent_figure(d: DescentData, *, height: int = 660, at_frame: int | None = None,
                   compact: bool = False) -> go.Figure:
    """The three-panel animated figure; the initial state shown is the run's last recorded epoch, or
    frame ``at_frame`` (a keyboard-driven scrubber outside the chart picks it)."""
    h = d.history
    frames = frame_positions(len(h.epochs))
    i = d.index
    w = h.weights[frames, i]
    # The line in (a): ŷ = wᵢ·x + (b + Σⱼ≠ᵢ wⱼ·mean(xⱼ)), the model with other predictors at their means.
    other = h.weights[frames] @ d.means - w * d.means[i]
    intercept = h.bias[frames] + other
    loss = h.train_loss[frames]
    grad = h.grad_w[frames, i]

    x_lo, x_hi = _pad(float(d.x.min()), float(d.x.max()))
    y_lo, y_hi = _pad(float(d.y.min()), float(d.y.max()))
    w_lo, w_hi = _weight_range(d, frames)
    grid = np.linspace(w_lo, w_hi, CURVE_POINTS)
    # Slice through the landscape at each frame: wᵢ varies, bias and other weights frozen at that
    # epoch. Exact quadratic: L(w) = L_k + 2(w - w_k)·g_k + (w - w_k)²·mean(xᵢ²),
    # and ∂J/∂w = g_k + (w - w_k)·mean(xᵢ²), with g_k the recorded gradient.
    dw = grid[None, :] - w[:, None]
    curves = loss[:, None] + 2 * dw * grad[:, None] + dw ** 2 * d.x2
    grads = grad[:, None] + dw * d.x2
    inside = (w >= w_lo) & (w <= w_hi)
    calm = loss <= 4 * loss[0] if h.diverged else np.ones(len(loss), bool)
    l_hi = 1.08 * max(float(curves[0].max()), float(loss[calm].max()))
    l_lo = max(0.0, d.optimum_loss - 0.08 * (l_hi - d.optimum_loss))
    g_vals = grads[inside] if inside.any() else grads[:1]
    g_lo, g_hi = _pad(min(float(g_vals.min()), 0.0), max(float(g_vals.max()), 0.0))

    keep = _subsample(len(d.x), MAX_SCATTER)
    shown = f"{len(keep):,} of {len(d.x):,} training days" if len(keep) < len(d.x) \
        else f"{len(d.x):,} training days"
    grid_t = typed(grid)

    def moving(k: int) -> list[dict]:
        upto = slice(0, k + 1)
        line = [w[k] * x_lo + intercept[k], w[k] * x_hi + intercept[k]]
        return [
            dict(type="scatter", x=[x_lo, x_hi], y=[float(v) for v in line]),
            dict(type="scatter", x=grid_t, y=typed(curves[k])),
            dict(type="scatter", x=typed(w[upto]), y=typed(loss[upto])),
            dict(type="scatter", x=[float(w[k])], y=[float(loss[k])]),
            dict(type="scatter", x=[w_lo, w_hi], y=[float(grads[k, 0]), float(grads[k, -1])]),
            dict(type="scatter", x=[float(w[k])], y=[float(grad[k])]),
        ]

    dot = dict(size=14, color=VERMILLION, line=dict(color="white", width=2))
    line_name = "fit line (other predictors at their means)" if d.multi else "fit line ŷ = w·x + b"
    static = [
        dict(type="scattergl", x=typed(d.x[keep]), y=typed(d.y[keep]), mode="markers", name=shown,
             marker=dict(size=4, color=SKY, opacity=0.45), hoverinfo="skip", xaxis="x", yaxis="y"),
        dict(type="scatter", x=[d.optimum_weight] * 2, y=[l_lo, l_hi], mode="lines",
             name=f"least-squares {d.weight_name}* = {d.optimum_weight:.4g}",
             line=dict(color=GREEN, dash="dot", width=2), xaxis="x2", yaxis="y2"),
        dict(type="scatter", x=[w_lo, w_hi], y=[0, 0], mode="lines", showlegend=False,
             line=dict(color=GREY, width=1), hoverinfo="skip", xaxis="x3", yaxis="y3"),
    ]
    styles = [
        dict(name=line_name, mode="lines", line=dict(color=VERMILLION, width=4), xaxis="x", yaxis="y"),
        dict(name="loss slice: bias & other weights frozen at this epoch", mode="lines",
             line=dict(color=BLUE, width=3), xaxis="x2", yaxis="y2"),
        dict(name="path walked so far", mode="lines+markers", line=dict(color=ORANGE, width=1.5),
             marker=dict(size=5, color=ORANGE), xaxis="x2", yaxis="y2"),
        dict(name="current epoch", mode="markers", showlegend=False, marker=dot, xaxis="x2", yaxis="y2"),
        dict(name="gradient slice", mode="lines", line=dict(color=PURPLE, width=3), showlegend=False,
             xaxis="x3", yaxis="y3"),
        dict(name="gradient now", mode="markers", showlegend=False, marker=dot, xaxis="x3", yaxis="y3"),
    ]
    start = len(frames) - 1 if at_frame is None else min(max(int(at_frame), 0), len(frames) - 1)
    data = static + [{**trace, **style} for trace, style in zip(moving(start), styles)]
    labels = [f"{int(h.epochs[f]):,}" for f in frames]
    frame_dicts = [dict(name=labels[k], data=moving(k), traces=MOVING_IDX) for k in range(len(frames))]

    def title(text, x, y):
        return dict(text=text, x=x, y=y, xref="paper", yref="paper", xanchor="center",
                    yanchor="bottom", showarrow=False, font=dict(size=16))

    annotations = [title("(a) data and fit" if compact else "(a) the data and the fit line", 0.26, 1.0),
                   title("(b) loss" if compact else f"(b) loss as {d.weight_name} varies", 0.79, 1.0),
                   title("(c) gradient" if compact else f"(c) gradient ∂J/∂{d.weight_name} of that slice",
                         0.79, 0.43)]
    if h.diverged:
        out = np.flatnonzero(~inside | (loss > l_hi))
        left = int(h.epochs[frames[out[0]]]) if len(out) else h.epochs_run
        annotations.append(dict(  # above panel (b), clear of the path it describes
            text=f"off the chart from epoch {left:,} · diverged at epoch {h.diverged_at:,}",
            xref="paper", yref="paper", x=0.79, y=1.055, xanchor="center", yanchor="bottom",
            showarrow=False, font=dict(color=VERMILLION, size=14)))
    grid_style = dict(gridcolor="#E5E5E5", zeroline=False, linecolor="#444", showline=True,
                      ticks="outside", title=dict(font=dict(size=15)))
    buttons = [dict(label=label, method="animate",
                    args=[None, dict(frame=dict(duration=ms, redraw=False), fromcurrent=True,
                                     transition=dict(duration=0), mode="immediate")])
               for label, ms in SPEEDS]
    buttons.append(dict(label="❚❚ Pause", method="animate",
                        args=[[None], dict(frame=dict(duration=0, redraw=False), mode="immediate",
                                           transition=dict(duration=0))]))
    layout = dict(
        height=height, font=FONT, plot_bgcolor="white", paper_bgcolor="white",
        margin=dict(l=60, r=20, t=70 if h.diverged else 40, b=170 if compact else 235),
        annotations=annotations, showlegend=not compact,  # compact: the page says what each line is
        legend=dict(orientation="h", x=0, y=-0.47, yanchor="top", font=dict(size=13)),
        xaxis={**grid_style, "domain": [0, 0.52], "range": [x_lo, x_hi], "title": {"text": d.x_title}},
        yaxis={**grid_style, "domain": [0, 1], "range": [y_lo, y_hi], "title": {"text": d.y_title}},
        xaxis2={**grid_style, "domain": [0.6, 1], "range": [w_lo, w_hi], "anchor": "y2",
                "matches": "x3", "showticklabels": False},
        yaxis2={**grid_style, "domain": [0.56, 1], "range": [l_lo, l_hi], "anchor": "x2",
                "title": {"text": "training MSE"}},
        xaxis3={**grid_style, "domain": [0.6, 1], "range": [w_lo, w_hi], "anchor": "y3",
                "title": {"text": f"weight {d.weight_name}"}},
        yaxis3={**grid_style, "domain": [0, 0.43], "range": [g_lo, g_hi], "anchor": "x3",
                "title": {"text": "∂J/∂w (half-MSE)"}},
        updatemenus=[dict(type="buttons", direction="left", buttons=buttons, x=0, y=-0.16,
                          xanchor="left", yanchor="top", pad=dict(t=0, r=10), showactive=False)],
    )
    # Buttons on one row, the epoch scrubber full width on the next (its label at the right end).
    sliders = [dict(active=start, x=0, y=-0.25, len=1, xanchor="left", yanchor="top",
                    currentvalue=dict(prefix="epoch ", font=dict(size=16, color="#222"), xanchor="right",
                                      offset=12),
                    pad=dict(t=0), ticklen=0, minorticklen=0, font=dict(color="rgba(0,0,0,0)"),
                    steps=[dict(label=lab, method="animate",
                                args=[[lab], dict(frame=dict(duration=0, redraw=False),
                                                  mode="immediate", transition=dict(duration=0))])
                           for lab in labels])]
    return FramedFigure(data=data, layout=layout).set_animation(frame_dicts, sliders)


def _hline(y: float, color: str, dash: str, text: str, side: str) -> tuple[dict, dict]:
    """A horizontal reference line on the log-y loss chart (annotations there take log10 units)."""
    shape = dict(type="line", xref="paper", x0=0, x1=1, yref="y", y0=y, y1=y,
                 line=dict(color=color, dash=dash, width=2))
    label = dict(text=text, xref="paper", x=1 if side == "right" else 0, yref="y", y=np.log10(y),
                 xanchor=side, yanchor="bottom", showarrow=False, bgcolor="rgba(255,255,255,0.8)",
                 font=dict(color=color, size=13))
    return shape, label


def loss_figure(history: History, *, optimum_loss: float, baseline: float | None = None,
                height: int = 340) -> go.Figure:
    """Training and validation MSE per epoch on log axes, the optimum as a reference line."""
    h = history
    log_x = h.epochs_run >= 100
    keep = h.epochs >= 1 if log_x else np.ones(len(h.epochs), bool)
    e = h.epochs[keep]
    data = [
        dict(type="scatter", x=typed(e, "f8"), y=typed(h.train_loss[keep], "f8"), name="training MSE",
             mode="lines", line=dict(color=BLUE, width=3)),
        dict(type="scatter", x=typed(e, "f8"), y=typed(h.valid_loss[keep], "f8"),
             name="validation MSE", mode="lines", line=dict(color=ORANGE, width=3, dash="dash")),
    ]
    lines = [_hline(optimum_loss, GREEN, "dot", f"optimum, training: {optimum_loss:.4g}", "right")]
    if baseline is not None:
        lines.append(_hline(baseline, GREY, "dashdot", f"tomorrow = today, validation: {baseline:.4g}",
                            "left"))
    shapes = [shape for shape, _ in lines]
    annotations = [label for _, label in lines]
    if h.diverged:
        shapes.append(dict(type="line", xref="x", x0=h.diverged_at, x1=h.diverged_at, yref="paper",
                           y0=0, y1=1, line=dict(color=VERMILLION, width=2)))
        annotations.append(dict(text=f"diverged at epoch {h.diverged_at:,}", xref="x",
                                x=np.log10(h.diverged_at) if log_x else h.diverged_at, yref="paper",
                                y=1, xanchor="right", yanchor="top", showarrow=False,
                                font=dict(color=VERMILLION, size=13)))
    axis = dict(gridcolor="#E5E5E5", linecolor="#444", showline=True, ticks="outside")
    layout = dict(
        height=height, font=FONT, plot_bgcolor="white", paper_bgcolor="white",
        margin=dict(l=60, r=20, t=30, b=50), shapes=shapes, annotations=annotations,
        legend=dict(orientation="h", x=0, y=1.14),
        xaxis={**axis, "title": {"text": "epoch" + (" (log scale)" if log_x else "")},
               "type": "log" if log_x else "linear"},
        yaxis={**axis, "title": {"text": "MSE (log scale)"}, "type": "log"},
    )
    return go.Figure(data=data, layout=layout)


def preview_figure(dataset, *, height: int = 380) -> go.Figure:
    """The Data page's check: today's tmax against the next calendar day's."""
    from gd_ui.dataview import tomorrow_pairs

    today, nxt = tomorrow_pairs(dataset.frame)
    keep = _subsample(len(today), MAX_SCATTER)
    unit = dataset.unit_of("tmax")
    axis = dict(gridcolor="#E5E5E5", linecolor="#444", showline=True, ticks="outside")
    return go.Figure(
        data=[dict(type="scattergl", x=typed(today[keep]), y=typed(nxt[keep]), mode="markers",
                   marker=dict(size=4, color=BLUE, opacity=0.4), hoverinfo="skip",
                   name=f"{len(keep):,} of {len(today):,} day pairs")],
        layout=dict(height=height, font=FONT, plot_bgcolor="white", paper_bgcolor="white",
                    margin=dict(l=60, r=20, t=30, b=50), showlegend=True,
                    legend=dict(orientation="h", x=0, y=1.1),
                    xaxis={**axis, "title": {"text": f"today's tmax {unit}".strip()}},
                    yaxis={**axis, "title": {"text": f"next day's tmax {unit}".strip()}}))
