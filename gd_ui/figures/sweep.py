"""Figure builders for the learning-rate lab and the loss landscape: pure functions → ``go.Figure``.

Nothing here touches Streamlit or recomputes descent: every builder takes core results (a
:class:`~gd_core.sweep.Sweep`, :class:`~gd_core.descent.History` objects, a loss grid) and only draws.
Log axes throughout where the quantity spans decades; every range is set explicitly so animations
never rescale mid-play, and construction is deterministic so a rerun does not remount the chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from gd_core.descent import History, record_epochs
from gd_core.sweep import Sweep
from gd_core.theory import CRAWL_BELOW
from gd_ui.fastfig import FramedFigure, typed
from gd_ui.figures import BLUE, FONT, GREEN, GREY, ORANGE, PURPLE, SKY, SPEEDS, VERMILLION
from gd_ui.status import ZONE_COLOURS

BLACK = "#222222"
METHOD_COLOURS = {"gd": BLUE, "momentum": ORANGE, "nesterov": GREEN, "rmsprop": PURPLE,
                  "adam": VERMILLION}
DIRECTION_COLOURS = (VERMILLION, ORANGE, PURPLE, BLUE, GREEN, SKY)  # steepest first
RUN_COLOURS = (BLUE, ORANGE, GREEN, PURPLE, VERMILLION)
AXIS = dict(gridcolor="#E5E5E5", linecolor="#444", showline=True, ticks="outside", zeroline=False)
LOG = dict(type="log", dtick=1, exponentformat="power", minor=dict(ticks="outside", ticklen=3))
MAX_PATH_POINTS = 400  # per optimizer path on the landscape (dense early, log-spaced late)
MAX_FRAMES = 120


def kappa_text(kappa: float) -> str:
    """A condition number for people: 1,937 · 17.7 · ∞."""
    return "∞" if np.isinf(kappa) else f"{kappa:,.0f}" if kappa >= 100 else f"{kappa:.3g}"


def _layout(height: int, **extra) -> dict:
    return {**dict(height=height, font=FONT, plot_bgcolor="white", paper_bgcolor="white",
                   hoverlabel=dict(font=dict(size=14))), **extra}


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
                showarrow=False, font=dict(color=color, size=size), bgcolor="rgba(255,255,255,0.85)",
                xshift=6 if anchor == "left" else -6)


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
        annotations.append(dict(text=zone, xref="x", x=(np.log10(lo) + np.log10(hi)) / 2,
                                yref="paper", y=1.0, yanchor="bottom", showarrow=False,
                                font=dict(size=14, color=BLACK)))
    shapes += [_vline(s.critical_lr, VERMILLION, "dash"), _vline(s.optimal_lr, GREEN, "dot")]
    annotations += [
        _label(f"critical 2/λmax = {s.critical_lr:.2e}", np.log10(s.critical_lr), 0.9, VERMILLION,
               "left"),
        _label(f"optimal 2/(λmin+λmax) = {s.optimal_lr:.2e}", np.log10(s.optimal_lr), 0.6, GREEN,
               "right"),
    ]
    if diverged.any() or grew.any():
        band = "✕ diverged" + (" · ▲ growing" if grew.any() else "") + " (hover: epoch)"
        annotations.append(dict(text=band, xref="x", x=np.log10(s.rates[~ok][0]), yref="y",
                                y=np.log10(top), xanchor="right", xshift=-14, yanchor="middle",
                                showarrow=False, font=dict(color=VERMILLION, size=13),
                                bgcolor="rgba(255,255,255,0.85)"))
    if not excess:
        shapes.append(dict(type="line", xref="paper", x0=0, x1=1, yref="y", y0=s.min_loss,
                           y1=s.min_loss, line=dict(color=GREEN, dash="dot", width=2)))
        annotations.append(dict(text=f"optimum L* = {s.min_loss:.4g}", xref="paper", x=0.01,
                                yref="y", y=np.log10(s.min_loss), xanchor="left", yanchor="top",
                                showarrow=False, font=dict(color=GREEN, size=13)))
    shapes.append(dict(type="line", xref="paper", x0=0, x1=1, yref="y", y0=start_y, y1=start_y,
                       line=dict(color=GREY, dash="dash", width=1.5)))
    annotations.append(dict(text="loss at the start", xref="paper", x=0.01, yref="y",
                            y=np.log10(start_y), xanchor="left", yanchor="bottom", showarrow=False,
                            font=dict(color=GREY, size=13)))
    y_lo = np.log10(bottom) - 0.3 if excess else np.log10(min(bottom, s.min_loss)) - 0.1
    y_title = ("excess over the optimum, L − L*" if excess else "final training MSE") + \
        f" after {s.epochs:,} epochs (log)"
    layout = _layout(
        height, margin=dict(l=70, r=20, t=30, b=55), shapes=shapes, annotations=annotations,
        showlegend=False,
        xaxis={**AXIS, **LOG, "range": [x_lo, x_hi], "title": {"text": "learning rate η (log scale)"}},
        yaxis={**AXIS, **LOG, "range": [y_lo, np.log10(top) + 0.12], "title": {"text": y_title}})
    return go.Figure(data=data, layout=layout)


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
    layout = _layout(
        height, margin=dict(l=70, r=20, t=20, b=60), shapes=shapes, annotations=annotations,
        legend=dict(orientation="h", x=0, y=1.0, yanchor="bottom", font=dict(size=13)),
        xaxis={**AXIS, **LOG, "range": _log_range(rates, 0.02),
               "title": {"text": "learning rate η (log scale)"}},
        yaxis={**AXIS, **LOG, "range": [np.log10(bottom) - 0.06, np.log10(top) + 0.12],
               "title": {"text": "final training MSE (log)"}})
    return go.Figure(data=data, layout=layout)


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
                        font=dict(color=GREEN, size=13))]
    layout = _layout(
        height, margin=dict(l=70, r=20, t=10, b=40), shapes=shapes, annotations=annotations,
        legend=dict(orientation="v", x=1.0, xanchor="left", y=1, yanchor="top", font=dict(size=13)),
        xaxis={**AXIS, **LOG, "range": [0, np.log10(last_epoch) + 0.02],
               "title": {"text": "epoch (log scale)"}},
        yaxis={**AXIS, **LOG,
               "range": [np.log10(min(finite_min, optimum_loss)) - 0.08, np.log10(top) + 0.05],
               "title": {"text": "training MSE (log scale)"}})
    return go.Figure(data=data, layout=layout)


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
             font=dict(size=13, color=VERMILLION)),
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
    layout = _layout(
        height, margin=dict(l=80, r=20, t=10, b=55), shapes=shapes, annotations=annotations,
        legend=dict(orientation="v", x=1.0, xanchor="left", y=1, yanchor="top", font=dict(size=13)),
        xaxis={**AXIS, **LOG, "range": x_range, "anchor": "y", "matches": "x2",
               "showticklabels": False},
        yaxis={**AXIS, "domain": [0.56, 1], "range": [0, y_max],
               "title": {"text": "|1 − ηλ| per epoch"}},
        xaxis2={**AXIS, **LOG, "range": x_range, "anchor": "y2",
                "title": {"text": "learning rate η (log scale)"}},
        yaxis2={**AXIS, **LOG, "domain": [0, 0.48], "anchor": "x2", "range": [-0.1, y2_top],
                "title": {"text": f"epochs per {by:g}× (log)"}})
    return go.Figure(data=data, layout=layout)


# --- the landscape -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Landscape:
    """The loss over (weight, bias) for one predictor, which is exactly a quadratic:
    ``L(θ) = L* + (θ − θ*)ᵀ H (θ − θ*)`` with ``θ = (w, b)``, ``θ*`` its minimiser and ``H`` the
    Hessian of the half-loss descended (AᵀA/n, plus α on the weight with a ridge penalty α·w²).

    So its contour lines are ellipses centred on θ*, with axes along H's eigenvectors and semi-axes
    √((L − L*)/λ): the long thin valley of an ill-conditioned problem is literally λmax/λmin.
    """

    center: tuple[float, float]  # θ* = (w*, b*)
    hessian: np.ndarray  # (2, 2)
    min_loss: float  # L*
    w_title: str
    b_title: str

    def loss(self, w, b) -> np.ndarray:
        """L at (w, b) (broadcasts)."""
        dw = np.asarray(w, dtype=float) - self.center[0]
        db = np.asarray(b, dtype=float) - self.center[1]
        h = self.hessian
        return self.min_loss + h[0, 0] * dw * dw + 2 * h[0, 1] * dw * db + h[1, 1] * db * db

    def ellipse(self, level: float, points: int = 181, limit: float = np.inf):
        """(w, b) around the contour ``L = level``; semi-axes are capped at ``limit``."""
        lam, q = np.linalg.eigh(self.hessian)
        excess = max(level - self.min_loss, 0.0)
        semi = np.minimum(np.sqrt(excess / np.maximum(lam, 1e-300)), limit)
        t = np.linspace(0, 2 * np.pi, points)
        d = q @ (semi[:, None] * np.vstack([np.cos(t), np.sin(t)]))
        return self.center[0] + d[0], self.center[1] + d[1]


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


def _background(land: Landscape, box) -> list[dict]:
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
        w, b = land.ellipse(float(levels[k]), limit=limit)
        below = f"{levels[k - 1]:g}" if k else f"{land.min_loss:.4g} (the minimum)"
        traces.append(dict(type="scatter", x=typed(w, "f8"), y=typed(b, "f8"), mode="lines",
                           fill="toself", fillcolor=_shade(share[k] * 0.92),
                           line=dict(color="#9AA8B5", width=0.8), hoveron="fills", hoverinfo="name",
                           name=f"loss between {below} and {levels[k]:g}", showlegend=False))
    mantissa = levels / 10.0 ** np.floor(np.log10(levels) + 1e-9)
    ticks = [v for v, m in zip(levels, mantissa) if np.isclose(m, [1, 2, 5]).any()]
    scale = dict(type="scatter", x=[None, None], y=[None, None], mode="markers", showlegend=False,
                 hoverinfo="skip", marker=dict(
                     color=[0.0, 1.0], cmin=0.0, cmax=1.0, showscale=True,
                     colorscale=[[0, _shade(0)], [1, _shade(0.92)]],
                     colorbar=dict(title=dict(text="loss", side="top"), thickness=12, len=1.0, x=1.01,
                                   xanchor="left", y=0, yanchor="bottom", ticks="outside",
                                   tickvals=[float(np.log(v / levels[0]) / span) for v in ticks],
                                   ticktext=[f"{v:g}" for v in ticks])))
    return [*traces, scale]


def landscape_figure(land: Landscape, paths: Sequence[PathRun], points: Sequence[Point], *,
                     box, max_frames: int = MAX_FRAMES, height: int = 480) -> go.Figure:
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
    buttons = [dict(label=label, method="animate",
                    args=[None, dict(frame=dict(duration=ms, redraw=False), fromcurrent=True,
                                     transition=dict(duration=0), mode="immediate")])
               for label, ms in SPEEDS[:2]]  # Play and Slow: room for the epoch slider beside them
    buttons.append(dict(label="❚❚ Pause", method="animate",
                        args=[[None], dict(frame=dict(duration=0, redraw=False), mode="immediate",
                                           transition=dict(duration=0))]))
    sliders = [dict(active=len(labels) - 1, x=0.55, y=1.02, len=0.45, xanchor="left", yanchor="bottom",
                    currentvalue=dict(prefix="epoch ", font=dict(size=16, color=BLACK), xanchor="right",
                                      offset=6),
                    pad=dict(t=0, b=0), ticklen=0, minorticklen=0, font=dict(color="rgba(0,0,0,0)"),
                    steps=[dict(label=lab, method="animate",
                                args=[[lab], dict(frame=dict(duration=0, redraw=False),
                                                  mode="immediate", transition=dict(duration=0))])
                           for lab in labels])]
    layout = _layout(
        height, margin=dict(l=70, r=10, t=80, b=55),
        legend=dict(orientation="v", x=1.16, xanchor="left", y=1, yanchor="top", font=dict(size=13)),
        xaxis={**AXIS, "showgrid": False, "range": list(box[0]), "title": {"text": land.w_title}},
        yaxis={**AXIS, "showgrid": False, "range": list(box[1]), "title": {"text": land.b_title}},
        updatemenus=[dict(type="buttons", direction="left", buttons=buttons, x=0, y=1.02,
                          xanchor="left", yanchor="bottom", pad=dict(t=0, r=10, b=28),
                          showactive=False)])
    return FramedFigure(data=data, layout=layout).set_animation(frames, sliders)
