"""How each eigen-direction contracts per epoch as the rate grows, and the epochs it needs."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from gd_ui.figures.fastfig import typed
from gd_ui.figures.style import (
    AXIS,
    BLACK,
    BLUE,
    GREEN,
    LEGEND_BELOW,
    LOG,
    ORANGE,
    PURPLE,
    SKY,
    VERMILLION,
    VERMILLION_TEXT,
    axis_title,
    layout,
)
from gd_ui.figures.sweep_chart import _log_range

DIRECTION_COLOURS = (VERMILLION, ORANGE, PURPLE, BLUE, GREEN, SKY)  # steepest first


def contraction_figure(eigenvalues, labels: Sequence[str], *, lr: float, critical: float,
                       optimal: float | None = None, by: float = 100.0, height: int = 560) -> go.Figure:
    """Two panels sharing the rate axis, one curve per eigen-direction (steepest first).

    Top: |1 − ηλ|, the factor one epoch multiplies that direction's error by; below 1 it shrinks,
    above 1 it grows, and each curve crosses 1 at its own 2/λ — the steepest first, at the critical
    rate. Bottom: the epochs that direction needs to shrink its error ``by``-fold, ln(by)/−ln|1 − ηλ|
    (log scale); a run needs the largest of them, which is smallest at the optimal rate.
    ``lr`` (your rate) is marked on both.
    """
    lam = np.asarray(eigenvalues, dtype=float)
    grid = np.geomspace(critical * 1e-3, critical * 10, 401)
    y_max = 2.2
    data, annotations = [], []
    with np.errstate(divide="ignore"):
        for k, (value, label) in enumerate(zip(lam, labels)):
            color = DIRECTION_COLOURS[k % len(DIRECTION_COLOURS)]
            f = np.abs(1 - grid * value)
            need = np.where(f < 1, np.log(by) / -np.log(np.where(f < 1, np.maximum(f, 1e-300), 0.5)),
                            np.nan)
            hover = f"{label}<br>η = %{{x:.3e}}<br>"
            data.append(dict(type="scatter", x=typed(grid, "f8"), y=typed(np.minimum(f, 9.0), "f8"),
                             mode="lines", name=label, legendgroup=label,
                             line=dict(color=color, width=3),
                             hovertemplate=hover + "|1 − ηλ| = %{y:.5f}<extra></extra>"))
            data.append(dict(type="scatter", x=typed(grid, "f8"), y=typed(np.maximum(need, 1), "f8"),
                             mode="lines", name=label, legendgroup=label, showlegend=False,
                             xaxis="x2", yaxis="y2", line=dict(color=color, width=3),
                             hovertemplate=hover + f"{by:g}× shrink in %{{y:,.0f}} epochs<extra></extra>"))
            if value > 0 and grid[0] <= 2 / value <= grid[-1]:
                data.append(dict(type="scatter", x=[2 / value], y=[1.0], mode="markers",
                                 showlegend=False, legendgroup=label,
                                 marker=dict(size=12, color="white", line=dict(color=color, width=3)),
                                 hovertemplate=f"{label} breaks above η = 2/λ = {2 / value:.3e}"
                                               "<extra></extra>"))
            factor = abs(1 - lr * value)
            data.append(dict(type="scatter", x=[lr], y=[min(factor, y_max)], mode="markers",
                             showlegend=False, legendgroup=label,
                             marker=dict(size=13, color=color, symbol="diamond",
                                         line=dict(color="white", width=1)),
                             hovertemplate=f"{label}<br>at your η: |1 − ηλ| = {factor:.5f}"
                                           "<extra></extra>"))
    shapes = [dict(type="line", xref="x", x0=grid[0], x1=grid[-1], yref="y", y0=1, y1=1,
                   line=dict(color=BLACK, width=1.5))]
    for axis in ("", "2"):
        shapes += [dict(type="line", xref="x" + axis, x0=x, x1=x, yref=f"y{axis} domain", y0=0, y1=1,
                        line=dict(color=color, dash=dash, width=2))
                   for x, color, dash in ((lr, BLACK, "dot"), (critical, VERMILLION, "dash"))]
    annotations += [
        dict(text="above 1: grows every epoch", xref="x domain", x=0.01, y=1.04, yref="y",
             xanchor="left", yanchor="bottom", showarrow=False, font=dict(size=13, color=BLACK)),
        dict(text="below 1: shrinks", xref="x domain", x=0.01, y=0.96, yref="y", xanchor="left",
             yanchor="top", showarrow=False, font=dict(size=13, color=BLACK)),
        dict(text=f"your η = {lr:.2e}", xref="x", x=np.log10(lr), yref="y domain", y=0.02,
             xanchor="right", yanchor="bottom", xshift=-6, showarrow=False,
             font=dict(size=13, color=BLACK), bgcolor="rgba(255,255,255,0.85)"),
        dict(text="critical", xref="x", x=np.log10(critical), yref="y domain", y=0.98,
             xanchor="left", yanchor="top", xshift=6, showarrow=False,
             font=dict(size=13, color=VERMILLION_TEXT)),
    ]
    if optimal is not None:
        worst = float(np.max(np.abs(1 - optimal * lam)))
        if worst < 1:
            need = np.log(by) / -np.log(max(worst, 1e-300))
            data.append(dict(type="scatter", x=[optimal], y=[max(need, 1)], mode="markers",
                             name=f"optimal rate: ≈{np.ceil(need):,.0f} epochs per {by:g}×",
                             xaxis="x2", yaxis="y2",
                             marker=dict(symbol="star", size=16, color=GREEN,
                                         line=dict(color="white", width=1)),
                             hovertemplate=f"optimal rate {optimal:.3e}: the slowest direction needs "
                                           f"{need:,.0f} epochs per {by:g}×<extra></extra>"))
    x_range = _log_range(grid, 0.0)
    with np.errstate(divide="ignore"):
        slowest_start = np.log(by) / -np.log(np.abs(1 - grid[0] * lam[lam > 0]))
    y2_top = np.log10(max(float(slowest_start.max()), 10.0)) + 0.5
    fig_layout = layout(
        height, margin=dict(l=80, r=20, t=10, b=55), shapes=shapes, annotations=annotations,
        legend=LEGEND_BELOW,
        xaxis={**AXIS, **LOG, "range": x_range, "anchor": "y", "matches": "x2",
               "showticklabels": False},
        yaxis={**AXIS, "domain": [0.56, 1], "range": [0, y_max],
               "title": axis_title("|1 − ηλ| per epoch")},
        xaxis2={**AXIS, **LOG, "range": x_range, "anchor": "y2",
                "title": axis_title("learning rate η (log scale)")},
        yaxis2={**AXIS, **LOG, "domain": [0, 0.48], "anchor": "x2", "range": [-0.1, y2_top],
                "title": axis_title(f"epochs per {by:g}× (log)")})
    return go.Figure(data=data, layout=fig_layout)
