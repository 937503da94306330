"""The learning-rate lab's charts: final loss against rate, several sweeps, loss curves.

Pure functions from core results (a :class:`~gd_core.sweep.Sweep`, :class:`~gd_core.descent.History`
objects) to ``go.Figure``. Log axes wherever a quantity spans decades; every range is set explicitly
and construction is deterministic, so a rerun does not remount a chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from gd_core.descent import History
from gd_core.sweep import Sweep
from gd_core.theory import CRAWL_BELOW
from gd_ui.figures.fastfig import typed
from gd_ui.figures.style import (
    AXIS,
    BLACK,
    GREEN,
    GREEN_TEXT,
    GREY,
    LEGEND_BELOW,
    LOG,
    ORANGE,
    VERMILLION,
    VERMILLION_TEXT,
    ZONE_COLOURS,
    axis_title,
    layout,
    text_colour,
)

RUN_COLOURS = ("#0072B2", ORANGE, GREEN, "#CC79A7", VERMILLION)


def _log_range(values, pad: float = 0.08) -> list[float]:
    v = np.log10(np.asarray(values, dtype=float))
    lo, hi = float(v.min()), float(v.max())
    width = max(hi - lo, 0.2)
    return [lo - pad * width, hi + pad * width]


def _vline(x: float, color: str, dash: str, width: float = 2.5) -> dict:
    return dict(type="line", xref="x", x0=x, x1=x, yref="paper", y0=0, y1=1,
                line=dict(color=color, dash=dash, width=width))


def _label(text: str, x_log: float, y: float, color: str, anchor: str, size: int = 14) -> dict:
    """A label beside a vertical line on a log-x axis (annotations take log10 units there)."""
    return dict(text=text, xref="x", x=x_log, yref="paper", y=y, xanchor=anchor, yanchor="top",
                showarrow=False, font=dict(color=text_colour(color), size=size),
                bgcolor="rgba(255,255,255,0.85)", xshift=6 if anchor == "left" else -6)


def zone_bounds(critical: float) -> dict[str, tuple[float, float]]:
    """Each zone's rate interval: crawling below ηλmax = 0.1, converging to 1, oscillating to 2."""
    c = critical
    return {"crawling": (0.0, CRAWL_BELOW / 2 * c), "converging": (CRAWL_BELOW / 2 * c, 0.5 * c),
            "oscillating": (0.5 * c, c), "diverging": (c, np.inf)}


# --- the sweep ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RateMark:
    """A rate to highlight on the sweep (one of the overlaid curves, or the sidebar's rate)."""

    rate: float
    final_loss: float  # training MSE at the last epoch kept
    diverged_at: int | None
    label: str
    color: str


def sweep_figure(s: Sweep, *, marks: Sequence[RateMark] = (), excess: bool = False,
                 height: int = 430) -> go.Figure:
    """Final training loss against learning rate, log–log, zones shaded, critical/optimal marked.

    Diverged runs are drawn as ✕ in a band at the top, their divergence epoch on hover; runs that grew
    past their starting loss without reaching the divergence limit yet are ▲ in the same band.
    ``excess=True`` plots L − L* (the distance to the optimum) instead of L.
    """
    diverged = s.diverged
    grew = ~diverged & (s.final_loss > s.start_loss * (1 + 1e-9))
    ok = ~diverged & ~grew
    floor = max(s.min_loss, 1e-300) * 1e-13  # below this an excess is rounding noise

    def y_of(loss):
        loss = np.asarray(loss, dtype=float)
        return np.maximum(loss - s.min_loss, floor) if excess else loss

    y_ok = y_of(s.final_loss[ok])
    start_y = float(y_of([s.start_loss])[0])
    top = 10 ** (np.log10(max(float(y_ok.max()) if y_ok.size else start_y, start_y)) + 0.45)
    bottom = float(y_ok.min()) if y_ok.size else float(y_of([s.min_loss])[0])
    zones = np.asarray(s.zones)
    data = [
        dict(type="scatter", x=typed(s.rates[ok], "f8"), y=typed(y_ok, "f8"), mode="lines+markers",
             name="final loss of a run", line=dict(color=GREY, width=2),
             marker=dict(size=10, color=[ZONE_COLOURS[z] for z in zones[ok]],
                         line=dict(color="white", width=1)),
             customdata=list(zones[ok]),
             hovertemplate="η = %{x:.3e}<br>" + ("L − L* = " if excess else "final MSE = ")
             + "%{y:.4g}<br>%{customdata}<extra></extra>"),
    ]
    if diverged.any():
        epochs = [f"{d:,}" for d in np.asarray(s.diverged_at, dtype=object)[diverged]]
        data.append(dict(
            type="scatter", x=typed(s.rates[diverged], "f8"), y=[top] * int(diverged.sum()),
            mode="markers", name="diverged (hover: the epoch)", customdata=epochs,
            marker=dict(symbol="x", size=13, color=VERMILLION, line=dict(width=1, color=VERMILLION)),
            hovertemplate="η = %{x:.3e}<br>diverged at epoch %{customdata}<extra></extra>"))
    if grew.any():
        data.append(dict(
            type="scatter", x=typed(s.rates[grew], "f8"), y=[top] * int(grew.sum()), mode="markers",
            name="growing, not yet diverged", customdata=[f"{v:.3g}" for v in s.final_loss[grew]],
            marker=dict(symbol="triangle-up", size=13, color=ORANGE),
            hovertemplate="η = %{x:.3e}<br>grew to MSE %{customdata} by the last epoch"
                          "<extra></extra>"))
    for m in marks:
        lost = m.diverged_at is not None or m.final_loss > s.start_loss * (1 + 1e-9)
        data.append(dict(
            type="scatter", x=[m.rate], y=[top if lost else float(y_of([m.final_loss])[0])],
            mode="markers", name=m.label, showlegend=False,
            marker=dict(symbol="circle-open", size=22, color=m.color, line=dict(width=3)),
            hovertemplate=f"{m.label}<extra></extra>"))

    x_lo, x_hi = _log_range(s.rates, 0.02)
    shapes, annotations = [], []
    for zone, (lo, hi) in zone_bounds(s.critical_lr).items():
        lo, hi = max(lo, 10 ** x_lo), min(hi, 10 ** x_hi)
        if hi <= lo:
            continue
        shapes.append(dict(type="rect", xref="x", x0=lo, x1=hi, yref="paper", y0=0, y1=1,
                           fillcolor=ZONE_COLOURS[zone], opacity=0.13, line=dict(width=0),
                           layer="below"))
        # "oscillating" (a factor 2 of rates, the narrowest zone) on a row of its own above the
        # others: side by side with its neighbours the labels collide on a phone
        annotations.append(dict(text=zone, xref="x", x=(np.log10(lo) + np.log10(hi)) / 2,
                                yref="paper", y=1.0, yanchor="bottom", showarrow=False,
                                yshift=20 if zone == "oscillating" else 0,
                                font=dict(size=14, color=BLACK)))
    shapes += [_vline(s.critical_lr, VERMILLION, "dash"), _vline(s.optimal_lr, GREEN, "dot")]
    annotations += [
        # left of their lines (the diverging zone is too narrow on a phone), short enough for a phone;
        # the formulas are in the caption and the sidebar
        _label(f"critical {s.critical_lr:.2e}", np.log10(s.critical_lr), 0.72, VERMILLION, "right"),
        _label(f"optimal {s.optimal_lr:.2e}", np.log10(s.optimal_lr), 0.5, GREEN, "right"),
    ]
    if diverged.any() or grew.any():
        band = "✕ diverged" + (" · ▲ growing" if grew.any() else "") + " (hover: epoch)"
        annotations.append(dict(text=band, xref="x", x=np.log10(s.rates[~ok][0]), yref="y",
                                y=np.log10(top), xanchor="right", xshift=-14, yanchor="middle",
                                showarrow=False, font=dict(color=VERMILLION_TEXT, size=13),
                                bgcolor="rgba(255,255,255,0.85)"))
    if not excess:
        shapes.append(dict(type="line", xref="paper", x0=0, x1=1, yref="y", y0=s.min_loss,
                           y1=s.min_loss, line=dict(color=GREEN, dash="dot", width=2)))
        annotations.append(dict(text=f"optimum L* = {s.min_loss:.4g}", xref="paper", x=0.01,
                                yref="y", y=np.log10(s.min_loss), xanchor="left", yanchor="top",
                                showarrow=False, font=dict(color=GREEN_TEXT, size=13)))
    shapes.append(dict(type="line", xref="paper", x0=0, x1=1, yref="y", y0=start_y, y1=start_y,
                       line=dict(color=GREY, dash="dash", width=1.5)))
    annotations.append(dict(text="loss at the start", xref="paper", x=0.01, yref="y",
                            y=np.log10(start_y), xanchor="left", yanchor="bottom", showarrow=False,
                            font=dict(color=GREY, size=13)))
    y_lo = np.log10(bottom) - 0.3 if excess else np.log10(min(bottom, s.min_loss)) - 0.1
    y_title = ("excess over the optimum, L − L*" if excess else "final training MSE") + \
        f" after {s.epochs:,} epochs (log)"
    fig_layout = layout(
        height, margin=dict(l=70, r=20, t=50, b=55), shapes=shapes, annotations=annotations,
        showlegend=False,
        xaxis={**AXIS, **LOG, "range": [x_lo, x_hi], "title": axis_title("learning rate η (log scale)")},
        yaxis={**AXIS, **LOG, "range": [y_lo, np.log10(top) + 0.12], "title": axis_title(y_title)})
    return go.Figure(data=data, layout=fig_layout)


def sweeps_figure(series: Sequence[tuple[str, str, Sweep]], *, height: int = 380) -> go.Figure:
    """Several sweeps on one rate axis (e.g. unscaled vs standardised features): final MSE against η,
    each with its critical rate as a vertical line in its colour; diverged runs as ✕ at the top."""
    finite = [s.final_loss[~s.diverged] for _, _, s in series]
    starts = [s.start_loss for _, _, s in series]
    top = 10 ** (np.log10(max([*starts, *(f.max() for f in finite if f.size)])) + 0.4)
    bottom = min([*(f.min() for f in finite if f.size), *(s.min_loss for _, _, s in series)])
    data, shapes, annotations = [], [], []
    for k, (label, color, s) in enumerate(series):
        d = s.diverged
        data.append(dict(type="scatter", x=typed(s.rates[~d], "f8"), y=typed(s.final_loss[~d], "f8"),
                         mode="lines+markers", name=label, line=dict(color=color, width=3),
                         marker=dict(size=6, color=color),
                         hovertemplate=f"{label}<br>η = %{{x:.3e}}<br>final MSE = %{{y:.4g}}"
                                       "<extra></extra>"))
        if d.any():
            epochs = [f"{e:,}" for e in np.asarray(s.diverged_at, dtype=object)[d]]
            data.append(dict(type="scatter", x=typed(s.rates[d], "f8"), y=[top] * int(d.sum()),
                             mode="markers", showlegend=False, customdata=epochs,
                             marker=dict(symbol="x", size=11, color=color),
                             hovertemplate=f"{label}<br>η = %{{x:.3e}}<br>diverged at epoch "
                                           "%{customdata}<extra></extra>"))
        shapes.append(_vline(s.critical_lr, color, "dash"))
        annotations.append(_label(f"critical {s.critical_lr:.2e}", np.log10(s.critical_lr),
                                  0.62 - 0.14 * k, color, "right"))
    rates = np.concatenate([s.rates for _, _, s in series])
    fig_layout = layout(
        height, margin=dict(l=70, r=20, t=20, b=60), shapes=shapes, annotations=annotations,
        legend=dict(orientation="h", x=0, y=1.0, yanchor="bottom", font=dict(size=13)),
        xaxis={**AXIS, **LOG, "range": _log_range(rates, 0.02),
               "title": axis_title("learning rate η (log scale)")},
        yaxis={**AXIS, **LOG, "range": [np.log10(bottom) - 0.06, np.log10(top) + 0.12],
               "title": axis_title("final training MSE (log)")})
    return go.Figure(data=data, layout=fig_layout)


# --- loss curves and the per-direction contraction ---------------------------------------------------

def curves_figure(runs: Sequence[tuple[str, str, History]], *, optimum_loss: float,
                  height: int = 420) -> go.Figure:
    """Training MSE per epoch for a few rates, log–log; a diverged run ends with ✕ where it stopped."""
    starts = [float(h.train_loss[0]) for _, _, h in runs]
    top = max(starts) * 3
    finite_min = min(float(h.train_loss.min()) for _, _, h in runs)
    last_epoch = max(max(h.epochs_requested, 1) for _, _, h in runs)
    data = []
    for label, color, h in runs:
        keep = h.epochs >= 1
        name = label + (f" — diverged at epoch {h.diverged_at:,}" if h.diverged else "")
        data.append(dict(type="scatter", x=typed(h.epochs[keep], "f8"),
                         y=typed(np.minimum(h.train_loss[keep], top * 10), "f8"), mode="lines",
                         name=name, line=dict(color=color, width=3),
                         hovertemplate=f"{label}<br>epoch %{{x:,}}<br>MSE %{{y:.5g}}<extra></extra>"))
        if h.diverged:
            data.append(dict(type="scatter", x=[max(h.diverged_at, 1)], y=[top], mode="markers",
                             showlegend=False, marker=dict(symbol="x", size=14, color=color),
                             hovertemplate=f"{label}<br>diverged at epoch {h.diverged_at:,}"
                                           "<extra></extra>"))
    shapes = [dict(type="line", xref="paper", x0=0, x1=1, yref="y", y0=optimum_loss, y1=optimum_loss,
                   line=dict(color=GREEN, dash="dot", width=2))]
    annotations = [dict(text=f"optimum L* = {optimum_loss:.4g}", xref="paper", x=1, yref="y",
                        y=np.log10(optimum_loss), xanchor="right", yanchor="top", showarrow=False,
                        font=dict(color=GREEN_TEXT, size=13))]
    fig_layout = layout(
        height, margin=dict(l=70, r=20, t=10, b=40), shapes=shapes, annotations=annotations,
        legend=LEGEND_BELOW,
        xaxis={**AXIS, **LOG, "range": [0, np.log10(last_epoch) + 0.02],
               "title": axis_title("epoch (log scale)")},
        yaxis={**AXIS, **LOG,
               "range": [np.log10(min(finite_min, optimum_loss)) - 0.08, np.log10(top) + 0.05],
               "title": axis_title("training MSE (log scale)")})
    return go.Figure(data=data, layout=fig_layout)


