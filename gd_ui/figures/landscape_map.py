"""The loss landscape over (weight, bias): exact ellipses as contours, optimizer paths walking on it.

The loss of one weight and the bias is exactly a quadratic (``gd_core.quadratic``): its contour lines
are ellipses centred on θ*, axes along the Hessian's eigenvectors, semi-axes √((L − L*)/λ) — the long
thin valley of an ill-conditioned problem is literally λmax/λmin. They are drawn as filled scatter
shapes, because contour and heatmap traces vanish during Plotly's no-redraw animation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from gd_core.descent import History, record_epochs
from gd_core.quadratic import Quadratic
from gd_ui.figures.fastfig import FramedFigure, typed
from gd_ui.figures.style import (
    AXIS,
    BLACK,
    INK,
    LEGEND_BELOW,
    SPEEDS,
    axis_title,
    epoch_slider,
    layout,
    play_buttons,
)

MAX_PATH_POINTS = 400  # per optimizer path on the landscape (dense early, log-spaced late)
MAX_FRAMES = 120


@dataclass(frozen=True)
class PathRun:
    """One descent on the landscape: a one-predictor history and how to draw it."""

    label: str
    color: str
    history: History
    symbol: str = "circle"
    dash: str = "solid"


@dataclass(frozen=True)
class Point:
    """A fixed point on the landscape: the start, the least-squares or the ridge optimum."""

    label: str
    w: float
    b: float
    symbol: str
    color: str = BLACK
    size: int = 16


def landscape_box(points: Sequence[tuple[float, float]], paths: Sequence[History] = (),
                  pad: float = 0.15) -> tuple[tuple[float, float], tuple[float, float]]:
    """Axis ranges (w, b) holding ``points`` and every finite state of the paths that did not diverge
    (a diverged path simply leaves the chart)."""
    ws = [p[0] for p in points]
    bs = [p[1] for p in points]
    for h in paths:
        if not h.diverged:
            ws += [float(h.weights[:, 0].min()), float(h.weights[:, 0].max())]
            bs += [float(h.bias.min()), float(h.bias.max())]
    (w_lo, w_hi), (b_lo, b_hi) = (min(ws), max(ws)), (min(bs), max(bs))
    w_pad = pad * max(w_hi - w_lo, 1e-6)
    b_pad = pad * max(b_hi - b_lo, 1e-6)
    return (w_lo - w_pad, w_hi + w_pad), (b_lo - b_pad, b_hi + b_pad)


def _path_points(h: History, box, limit: int = MAX_PATH_POINTS):
    """A path's (epochs, w, b), thinned to ``limit`` points on the record schedule and cut just after
    it leaves a generous box around the chart (so a diverging path exits the chart, not the float
    range)."""
    keep = np.isin(h.epochs, record_epochs(int(h.epochs[-1]), limit))
    e, w, b = h.epochs[keep], h.weights[keep, 0], h.bias[keep]
    (w_lo, w_hi), (b_lo, b_hi) = box
    ww, bw = w_hi - w_lo, b_hi - b_lo
    out = np.flatnonzero((w < w_lo - ww) | (w > w_hi + ww) | (b < b_lo - bw) | (b > b_hi + bw))
    if out.size:
        cut = out[0] + 1
        e, w, b = e[:cut], w[:cut], b[:cut]
        w = np.clip(w, w_lo - ww, w_hi + ww)
        b = np.clip(b, b_lo - bw, b_hi + bw)
    return e, w, b


def contour_levels(lo: float, hi: float) -> np.ndarray:
    """Loss levels between ``lo`` and ``hi`` on a 1-1.5-2-3-5-7 grid: about six per decade."""
    decades = range(int(np.floor(np.log10(lo))), int(np.ceil(np.log10(hi))) + 1)
    values = np.array([m * 10.0 ** d for d in decades for m in (1, 1.5, 2, 3, 5, 7)])
    return values[(values > lo) & (values <= hi)]


def _shade(share: float) -> str:
    """Light (low loss) to slate blue (high loss)."""
    lo, hi = np.array([0xFA, 0xFC, 0xFE]), np.array([0x7F, 0x9D, 0xB9])
    r, g, b = np.round(lo + (hi - lo) * min(max(share, 0.0), 1.0)).astype(int)
    return f"#{r:02X}{g:02X}{b:02X}"


def _background(land: Quadratic, box) -> list[dict]:
    """Filled ellipses, largest first (it holds the whole box), so each band between two levels gets
    its own shade. Plain scatter fills: unlike contour or
    heatmap traces, they survive Plotly's no-redraw animation."""
    (w_lo, w_hi), (b_lo, b_hi) = box
    corners = land.loss(np.array([w_lo, w_lo, w_hi, w_hi]), np.array([b_lo, b_hi, b_lo, b_hi]))
    top = float(corners.max())
    levels = contour_levels(land.min_loss, top * 1.6)
    levels = levels[: int(np.searchsorted(levels, top)) + 1]  # the largest ellipse holds the whole box
    if levels.size == 0:
        levels = np.array([top])
    span = np.log(levels[-1] / levels[0]) or 1.0
    share = [float(np.log(v / levels[0]) / span) for v in levels]
    limit = 50 * float(np.hypot(w_hi - w_lo, b_hi - b_lo))
    traces = []
    for k in range(len(levels) - 1, -1, -1):
        w, b = land.level_set(float(levels[k]), limit=limit).T
        below = f"{levels[k - 1]:g}" if k else f"{land.min_loss:.4g} (the minimum)"
        traces.append(dict(type="scatter", x=typed(w, "f8"), y=typed(b, "f8"), mode="lines",
                           fill="toself", fillcolor=_shade(share[k] * 0.92),
                           line=dict(color="#9AA8B5", width=0.8), hoveron="fills", hoverinfo="name",
                           name=f"loss between {below} and {levels[k]:g}", showlegend=False))
    mantissa = levels / 10.0 ** np.floor(np.log10(levels) + 1e-9)
    ticks = [v for v, m in zip(levels, mantissa) if np.isclose(m, [1, 2, 5]).any()]
    if len(ticks) > 5:  # a phone's width holds about five labels
        ticks = [v for v, m in zip(levels, mantissa) if np.isclose(m, 1)] or ticks[::2]
    scale = dict(type="scatter", x=[None, None], y=[None, None], mode="markers", showlegend=False,
                 hoverinfo="skip", marker=dict(
                     color=[0.0, 1.0], cmin=0.0, cmax=1.0, showscale=True,
                     colorscale=[[0, _shade(0)], [1, _shade(0.92)]],
                     # over the map, under the animation controls: pixels fixed from the map's top edge,
                     # whatever the legend below takes on a narrow screen
                     colorbar=dict(title=dict(text="loss", side="right", font=dict(color=INK)), thickness=10,
                                   len=1.0, x=0, xanchor="left", y=1.0, yanchor="bottom", ypad=6,
                                   orientation="h", ticks="", ticklabelposition="outside top", tickangle=0,
                                   tickfont=dict(color=INK),
                                   tickvals=[float(np.log(v / levels[0]) / span) for v in ticks],
                                   ticktext=[f"{v:g}" for v in ticks])))
    return [*traces, scale]


CONTROLS_ABOVE = 52  # px between the map's top edge and the animation controls: the colour scale's room


def landscape_figure(land: Quadratic, paths: Sequence[PathRun], points: Sequence[Point], *,
                     box, w_title: str, b_title: str = "bias b", max_frames: int = MAX_FRAMES,
                     height: int = 600) -> go.Figure:
    """The loss as a contour map over (weight, bias) — exact ellipses, shaded light (low) to dark —
    with each path drawn on it, and an animation (Play / epoch slider) moving every optimizer's
    current position along its path together. ``box`` is the ((w_lo, w_hi), (b_lo, b_hi)) shown;
    the initial state is the last epoch. Hover a band for its loss range, a path for its epochs.
    """
    data = _background(land, box)
    drawn = []
    for p in paths:
        e, w, b = _path_points(p.history, box)
        drawn.append((e, w, b))
        suffix = f" — diverged at epoch {p.history.diverged_at:,}" if p.history.diverged else ""
        data.append(dict(type="scatter", x=typed(w, "f8"), y=typed(b, "f8"), mode="lines+markers",
                         name=p.label + suffix, customdata=typed(e, "f8"),
                         line=dict(color=p.color, width=2, dash=p.dash), opacity=0.85,
                         marker=dict(size=3, color=p.color),
                         hovertemplate=f"{p.label}<br>epoch %{{customdata:,}}<br>w %{{x:.4g}}, "
                                       "b %{y:.4g}<extra></extra>"))
    last = max(int(p.history.epochs[-1]) for p in paths) if paths else 0
    frame_epochs = record_epochs(last, max_frames)

    def heads(epoch: int) -> dict:
        xs, ys = [], []
        for e, w, b in drawn:
            i = max(int(np.searchsorted(e, epoch, side="right")) - 1, 0)
            xs.append(float(w[i]))
            ys.append(float(b[i]))
        return dict(type="scatter", x=xs, y=ys)

    head_style = dict(mode="markers", name="position at this epoch", showlegend=False,
                      hoverinfo="skip",
                      marker=dict(size=15, color=[p.color for p in paths],
                                  symbol=[p.symbol for p in paths], line=dict(color="white", width=2)))
    data.append({**heads(last), **head_style})
    moving = [len(data) - 1]
    for pt in points:  # drawn last: an optimum stays visible under the heads that reach it
        data.append(dict(type="scatter", x=[pt.w], y=[pt.b], mode="markers", name=pt.label,
                         marker=dict(symbol=pt.symbol, size=pt.size, color=pt.color,
                                     line=dict(color="white", width=1.5)),
                         hovertemplate=f"{pt.label}<br>w %{{x:.4g}}, b %{{y:.4g}}<extra></extra>"))

    labels = [f"{int(e):,}" for e in frame_epochs]
    frames = [dict(name=lab, data=[heads(int(e))], traces=moving) for lab, e in zip(labels, frame_epochs)]
    # The scrubber on a row of its own under the buttons: side by side they collide on a phone.
    sliders = [epoch_slider(labels, len(labels) - 1, x=0, y=1.0, len=1.0, xanchor="left",
                            yanchor="bottom", pad=dict(t=0, b=CONTROLS_ABOVE))]
    fig_layout = layout(
        height, margin=dict(l=70, r=10, t=110 + CONTROLS_ABOVE, b=55),
        legend=LEGEND_BELOW,
        xaxis={**AXIS, "showgrid": False, "range": list(box[0]), "title": axis_title(w_title)},
        yaxis={**AXIS, "showgrid": False, "range": list(box[1]), "title": axis_title(b_title)},
        updatemenus=[play_buttons(SPEEDS[:2], x=0, y=1.0, xanchor="left", yanchor="bottom",
                                  pad=dict(t=0, r=10, b=CONTROLS_ABOVE + 62))])  # the slider under them
    return FramedFigure(data=data, layout=fig_layout).set_animation(frames, sliders)
