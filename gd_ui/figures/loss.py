"""The loss per epoch (training and validation, log axes) and the Data page's next-day preview."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from gd_core.descent import History
from gd_ui.figures.fastfig import typed
from gd_ui.figures.style import (
    AXIS,
    BLUE,
    GREEN,
    GREEN_TEXT,
    GREY,
    INK,
    ORANGE,
    VERMILLION,
    VERMILLION_TEXT,
    axis_title,
    layout,
)

MAX_SCATTER = 5000


def _hline(y: float, color: str, text_color: str, dash: str, text: str, side: str) -> tuple[dict, dict]:
    """A horizontal reference line on the log-y loss chart (annotations there take log10 units)."""
    shape = dict(type="line", xref="paper", x0=0, x1=1, yref="y", y0=y, y1=y,
                 line=dict(color=color, dash=dash, width=2))
    label = dict(text=text, xref="paper", x=1 if side == "right" else 0, yref="y", y=np.log10(y),
                 xanchor=side, yanchor="bottom", showarrow=False, bgcolor="rgba(255,255,255,0.8)",
                 font=dict(color=text_color, size=13))
    return shape, label


def loss_figure(history: History, *, optimum_loss: float, baseline: float | None = None,
                height: int = 340) -> go.Figure:
    """Training and validation MSE per epoch on log axes, the optimum as a reference line."""
    return go.Figure(loss_dict(history, optimum_loss=optimum_loss, baseline=baseline, height=height))


def loss_dict(history: History, *, optimum_loss: float, baseline: float | None = None,
              height: int = 340) -> dict:
    """:func:`loss_figure` as the plain ``{"data", "layout"}`` Plotly.js reads (JSON-ready: numbers as
    typed arrays), without building a ``go.Figure`` (its validation costs more than the rest of a
    Playground rerun's chart)."""
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
    # A log axis has no place for a zero loss (a perfect fit; a validation stretch where tomorrow's tmax
    # is exactly today's): that line is left out (log10(0) warned, and put its label at a wrong height).
    lines = []
    if np.isfinite(optimum_loss) and optimum_loss > 0:
        lines.append(_hline(optimum_loss, GREEN, GREEN_TEXT, "dot", f"optimum, training: {optimum_loss:.4g}",
                            "right"))
    if baseline is not None and np.isfinite(baseline) and baseline > 0:
        lines.append(_hline(baseline, GREY, GREY, "dashdot",
                            f"tomorrow = today, validation: {baseline:.4g}", "left"))
    shapes = [shape for shape, _ in lines]
    annotations = [label for _, label in lines]
    if h.diverged:
        shapes.append(dict(type="line", xref="x", x0=h.diverged_at, x1=h.diverged_at, yref="paper",
                           y0=0, y1=1, line=dict(color=VERMILLION, width=2)))
        annotations.append(dict(text=f"diverged at epoch {h.diverged_at:,}", xref="x",
                                x=np.log10(h.diverged_at) if log_x else h.diverged_at, yref="paper",
                                y=1, xanchor="right", yanchor="top", showarrow=False,
                                font=dict(color=VERMILLION_TEXT, size=13)))
    return {"data": data, "layout": layout(
        height, margin=dict(l=60, r=20, t=30, b=50), shapes=shapes, annotations=annotations,
        legend=dict(orientation="h", x=0, y=1.14, font=dict(color=INK)),
        xaxis={**AXIS, "title": axis_title("epoch" + (" (log scale)" if log_x else "")),
               "type": "log" if log_x else "linear"},
        yaxis={**AXIS, "title": axis_title("MSE (log scale)"), "type": "log"})}


def preview_figure(today: np.ndarray, tomorrow: np.ndarray, unit: str, *, height: int = 380) -> go.Figure:
    """The Data page's check: today's tmax against the next calendar day's."""
    keep = np.arange(len(today)) if len(today) <= MAX_SCATTER else \
        np.unique(np.linspace(0, len(today) - 1, MAX_SCATTER).astype(int))
    return go.Figure(
        data=[dict(type="scattergl", x=typed(today[keep]), y=typed(tomorrow[keep]), mode="markers",
                   marker=dict(size=4, color=BLUE, opacity=0.4), hoverinfo="skip",
                   name=f"{len(keep):,} of {len(today):,} day pairs")],
        layout=layout(height, margin=dict(l=60, r=20, t=30, b=50), showlegend=True,
                      legend=dict(orientation="h", x=0, y=1.1, font=dict(color=INK)),
                      xaxis={**AXIS, "title": axis_title(f"today's tmax {unit}".strip())},
                      yaxis={**AXIS, "title": axis_title(f"next day's tmax {unit}".strip())}))
