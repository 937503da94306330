"""The rate per epoch of a learning-rate schedule: a strip under the live chart, with the critical rate
2/λmax as a line and the epochs where the step is too big shaded, so one sees when the rate crosses it."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from gd_ui.figures.style import AXIS, GREY, INK, LOG, VERMILLION, VERMILLION_TEXT, axis_title, layout

MAX_POINTS = 1500


def sampled(epochs: int, rates: np.ndarray, critical: float) -> np.ndarray:
    """The updates to draw: all of a short run; for a long one an even spread plus each update on either
    side of every crossing of the critical rate (so a crossing is drawn where it is)."""
    if epochs <= MAX_POINTS:
        return np.arange(epochs)
    above = rates > critical
    cross = np.flatnonzero(above[1:] != above[:-1])
    return np.unique(np.concatenate([np.linspace(0, epochs - 1, MAX_POINTS).astype(np.int64), cross,
                                     cross + 1]))


def rate_strip(rates: np.ndarray, critical: float, *, diverged_at: int | None = None,
               height: int = 170, label: str = "") -> go.Figure:
    """η_t against the update t (log y), the critical rate dashed, the too-big stretches shaded."""
    epochs = len(rates)
    t = sampled(epochs, rates, critical)
    eta = rates[t]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=t, y=np.full(len(t), critical), mode="lines", hoverinfo="skip",
                             line=dict(color=GREY, dash="dash", width=2), name="critical 2/λmax",
                             showlegend=False))
    fig.add_trace(go.Scatter(x=t, y=np.maximum(eta, critical), mode="lines", fill="tonexty",
                             fillcolor="rgba(213,94,0,0.22)", line=dict(width=0), hoverinfo="skip",
                             showlegend=False, name="too big"))
    fig.add_trace(go.Scatter(x=t, y=eta, mode="lines", line=dict(color=INK, width=2), name="η_t",
                             hovertemplate="update %{x:,}: η = %{y:.3g}<extra></extra>", showlegend=False))
    notes = [dict(text="critical 2/λmax", xref="paper", x=1, yref="y", y=float(np.log10(critical)),
                  xanchor="right", yanchor="bottom", showarrow=False, font=dict(size=12, color=INK),
                  bgcolor="rgba(255,255,255,0.8)")]
    shapes = []
    if diverged_at is not None:
        shapes.append(dict(type="line", xref="x", x0=diverged_at, x1=diverged_at, yref="paper", y0=0, y1=1,
                           line=dict(color=VERMILLION, width=2)))
        notes.append(dict(text=f"diverged at {diverged_at:,}", xref="x", x=diverged_at, yref="paper", y=1,
                          xanchor="left", yanchor="top", showarrow=False,
                          font=dict(size=12, color=VERMILLION_TEXT), bgcolor="rgba(255,255,255,0.8)"))
    low = float(min(eta[eta > 0].min() if (eta > 0).any() else critical, critical))
    high = float(max(eta.max(), critical))
    fig.update_layout(**layout(height, margin=dict(l=70, r=20, t=34, b=44), showlegend=False,
                               title=dict(text=label or "Learning rate per epoch", x=0, xanchor="left",
                                          font=dict(size=15, color=INK)),
                               annotations=notes, shapes=shapes))
    fig.update_xaxes({**AXIS, "title": axis_title("epoch (update t)"), "range": [0, max(epochs - 1, 1)]})
    fig.update_yaxes({**AXIS, **LOG, "title": axis_title("η_t"),
                      "range": [np.log10(low) - 0.15, np.log10(high) + 0.15]})
    return fig
