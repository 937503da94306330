"""The rate per epoch of a learning-rate schedule: a strip under the live chart, with the critical rate
2/λmax as a line and the epochs where the step is too big shaded, so one sees when the rate crosses it."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from gd_ui.figures.style import AXIS, GREY, INK, LOG, VERMILLION, VERMILLION_TEXT, axis_title, layout

MAX_POINTS = 1500


def sampled(epochs: int, rates: np.ndarray, critical: float) -> np.ndarray:
    """The updates to draw: all of a short run; for a long one a log-even spread plus each update on
    either side of every crossing of the critical rate (so a crossing is drawn where it is)."""
    if epochs <= MAX_POINTS:
        return np.arange(epochs)
    above = rates > critical
    cross = np.flatnonzero(above[1:] != above[:-1])
    spread = np.unique(np.geomspace(1, epochs, MAX_POINTS).astype(np.int64) - 1)
    return np.unique(np.concatenate([spread, cross, cross + 1, [epochs - 1]]))


def rate_strip(rates: np.ndarray, critical: float, *, diverged_at: int | None = None,
               height: int = 190, label: str = "") -> go.Figure:
    """η_t against the epoch it leads to (t + 1; log axes for a long run), the critical rate dashed, the
    stretches where the step is too big shaded; a rate 1000× under the critical one sits on the floor."""
    epochs = len(rates)
    t = sampled(epochs, rates, critical)
    k = t + 1  # update t takes epoch t to epoch t + 1
    floor = critical * 1e-3
    eta = np.maximum(rates[t], floor)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=k, y=np.full(len(t), critical), mode="lines", hoverinfo="skip",
                             line=dict(color=GREY, dash="dash", width=2), showlegend=False))
    fig.add_trace(go.Scatter(x=k, y=np.maximum(eta, critical), mode="lines", fill="tonexty",
                             fillcolor="rgba(213,94,0,0.3)", line=dict(width=0), hoverinfo="skip",
                             showlegend=False))
    fig.add_trace(go.Scatter(x=k, y=eta, mode="lines", line=dict(color=INK, width=2), showlegend=False,
                             customdata=np.column_stack([t, rates[t]]),
                             hovertemplate="update %{customdata[0]:,} → epoch %{x:,}: "
                                           "η = %{customdata[1]:.3g}<extra></extra>"))
    notes = [dict(text="critical 2/λmax", xref="paper", x=1, yref="y", y=float(np.log10(critical)),
                  xanchor="right", yanchor="bottom", showarrow=False, font=dict(size=12, color=INK),
                  bgcolor="rgba(255,255,255,0.8)")]
    shapes = []
    log_x = epochs > 300
    if diverged_at is not None:
        x = float(np.log10(diverged_at)) if log_x else diverged_at
        shapes.append(dict(type="line", xref="x", x0=diverged_at, x1=diverged_at, yref="paper", y0=0, y1=1,
                           line=dict(color=VERMILLION, width=2)))
        notes.append(dict(text=f"diverged at {diverged_at:,}", xref="x", x=x, yref="paper", y=1,
                          xanchor="left", yanchor="top", showarrow=False,
                          font=dict(size=12, color=VERMILLION_TEXT), bgcolor="rgba(255,255,255,0.8)"))
    high = float(max(eta.max(), critical))
    fig.update_layout(**layout(height, margin=dict(l=70, r=20, t=34, b=48), showlegend=False,
                               title=dict(text=label or "Learning rate per epoch", x=0, xanchor="left",
                                          font=dict(size=15, color=INK)),
                               annotations=notes, shapes=shapes))
    x_axis = {**AXIS, "title": axis_title("epoch (log scale)" if log_x else "epoch")}
    fig.update_xaxes({**x_axis, **LOG, "range": [0, np.log10(epochs)]} if log_x else
                     {**x_axis, "range": [1, max(epochs, 2)]})
    fig.update_yaxes({**AXIS, **LOG, "title": axis_title("η per epoch"),
                      "range": [np.log10(floor) - 0.1, np.log10(high) + 0.15]})
    return fig
