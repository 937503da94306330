"""The loss landscape's controls and sections: every optimizer of the registry on one map, the epochs
each needs, and noisy mini-batch paths.

Full-batch paths run on the exact quadratic (``gd_core.trajectories``), each cached by its own
settings; mini-batch paths are the literal loops over the rows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import streamlit as st

from gd_core.optimizers import OPTIMIZERS, epochs_to_within
from gd_core.schedules import CONSTANT, Schedule
from gd_ui.controls import nearest
from gd_ui.figures.landscape_map import PathRun, Point, landscape_box, landscape_figure
from gd_ui.figures.style import PALETTE, colour
from gd_ui.formats import kappa, sci
from gd_ui.widgets import cache
from gd_ui.widgets.frame import Frame
from gd_ui.widgets.schedule_controls import schedule_controls
from gd_ui.widgets.sidebar import forget_unknown

BOUND = dict(bind="query-params", persist_state="session")
CHART = dict(width="stretch", config={"displaylogo": False, "displayModeBar": False})
MULTIPLES = ("0.01", "0.02", "0.05", "0.1", "0.2", "0.3", "0.5", "0.7", "0.9", "0.95", "1", "1.05", "1.2",
             "1.5", "2")  # curvature-based rates, as multiples of the critical rate
STEPS = tuple(f"{m}e{e}" for e in range(-4, 1) for m in (1, 2, 5)) + ("1e1",)  # adaptive step sizes
DECAYS = ("0", "0.5", "0.8", "0.9", "0.95", "0.99", "0.999")
DEFAULT_MULTIPLE = {"gd": "0.9"}  # others: 0.5 (momentum carries speed: a smaller rate suits it)
ADAPTIVE_SHARE = {"rmsprop": 0.002, "adam": 0.05}  # default step: this share of the start→optimum distance
EPOCHS = (100, 200, 500, 1000, 2000, 5000)
L2_SHARES = ("0", "0.001", "0.01", "0.03", "0.1", "0.3", "1", "3")  # α as a multiple of mean(x²)
BATCHES = (1, 2, 4, 8, 16, 32, 64, 128, 256)
MAX_UPDATES = 20_000  # per noisy run: a mini-batch update is a Python step (≈15 µs); keeps a run < 1 s


@dataclass(frozen=True)
class Settings:
    w0: float  # start, in the model's space
    b0: float
    epochs: int
    l2: float
    methods: tuple[str, ...]
    rates: dict
    hyper: dict  # {method: ((name, value), ...)}
    schedule: Schedule = CONSTANT  # every optimizer's rate follows it (its η is the peak)


def one_predictor(f: Frame):
    """The landscape has two axes, one weight and the bias: the shown predictor alone."""
    model = replace(f.model, predictors=(f.model.shown,))
    return model, cache.experiment(f.dataset.key, f.dataset.frame, model)


def controls(f: Frame, model, exp) -> Settings:
    sb = f.controls  # the sidebar, or presenter mode's Menu
    sb.markdown("**Landscape run**")
    w0 = sb.slider(f"Start weight of {model.shown}", -3.0, 3.0, -0.5, 0.01, key="land_w0",
                   help="Original units, like the playground.", **BOUND)
    b0 = sb.slider("Start bias", -60.0, 60.0, 10.0, 0.1, key="land_b0", **BOUND)
    forget_unknown("land_epochs", EPOCHS)
    epochs = sb.select_slider("Epochs", EPOCHS, value=1000, key="land_epochs", **BOUND)
    schedule = schedule_controls(sb, int(epochs), prefix="land_sched")
    x2 = float(np.mean(exp.model_problem.train.x[:, 0] ** 2))
    forget_unknown("land_l2", L2_SHARES)
    share = sb.select_slider("Ridge penalty α (× mean x²)", L2_SHARES, value="0", key="land_l2",
                             format_func=lambda m: "off" if m == "0" else f"{m}×",
                             help="Adds α·w² to the loss (the bias is not penalised). The steps are "
                                  "multiples of mean(x²), the weight's own curvature, so they mean the same "
                                  "on any data; the value of α is shown on the page.", **BOUND)
    if exp.scaler is not None:
        ws, bs = exp.scaler.to_standardized(np.array([w0]), b0)
        w0, b0 = float(ws[0]), float(bs)
    l2 = float(share) * x2
    critical = cache.penalised(f.dataset.key, exp, model, l2).critical_lr
    plain = exp.quadratic
    distance = float(np.hypot(plain.weights[0] - w0, plain.bias - b0))
    sb.markdown("**Optimizers on the map**")
    methods = sb.pills("Shown", list(OPTIMIZERS), selection_mode="multi", default=list(OPTIMIZERS),
                       format_func=lambda m: OPTIMIZERS[m].label, key="land_methods",
                       label_visibility="collapsed", **BOUND) or ["gd"]
    rates, hyper = {}, {}
    for key, opt in OPTIMIZERS.items():  # every slider is drawn, so a setting survives hiding its optimizer
        rates[key] = _rate_slider(sb, key, opt, critical, distance)
        hyper[key] = tuple((name, float(_decay_slider(sb, key, opt, name))) for name in opt.hyper
                           if name != "eps")
    return Settings(float(w0), float(b0), int(epochs), l2, tuple(methods), rates, hyper, schedule)


def _rate_slider(sb, key: str, opt, critical: float, distance: float) -> float:
    name = f"land_lr_{key}"
    if opt.adaptive:
        forget_unknown(name, STEPS)
        default = nearest(STEPS, ADAPTIVE_SHARE.get(key, 0.01) * max(distance, 1e-3))
        return float(sb.select_slider(
            f"{opt.label} step η", STEPS, value=default, key=name, format_func=lambda v: f"{float(v):g}",
            help="About the size of each step in (w, b), whatever the curvature: these methods divide the "
                 "gradient by its running size.", **BOUND))
    forget_unknown(name, MULTIPLES)
    m = sb.select_slider(f"{opt.label} η (× critical)", MULTIPLES,
                                 value=DEFAULT_MULTIPLE.get(key, "0.5"), key=name,
                                 format_func=lambda v: f"{v}×", **BOUND)
    return float(m) * critical


def _decay_slider(sb, key: str, opt, name: str) -> str:
    widget = f"land_{key}_{name}"
    forget_unknown(widget, DECAYS)
    default = nearest(DECAYS[1:], opt.hyper[name]) if opt.hyper[name] else "0"
    return sb.select_slider(f"{opt.label} {opt.hyper_labels.get(name, name)}", DECAYS, value=default,
                                    key=widget, **BOUND)


def map_section(f: Frame, model, exp, s: Settings) -> list[Point]:
    """The map with every shown optimizer, and the table of epochs to within 1 % of the optimum."""
    quad = cache.penalised(f.dataset.key, exp, model, s.l2)
    scaled = "standardised " if model.standardize else ""
    st.caption(f"The training loss of the one-predictor model tomorrow's tmax ≈ w·{scaled}{model.shown} "
               f"+ b, over (w, b), with the chosen optimizers starting from the same point. Critical rate "
               f"2/λmax = "
               f"{sci(quad.critical_lr)}, condition number κ = {kappa(quad.condition_number)}"
               + (f" (with the ridge penalty α = {s.l2:.3g})." if s.l2 else ".")
               + (f" The model in {f.settings} has {len(f.model.predictors)} predictors; this page uses "
                  f"{model.shown} alone, so the loss is a surface you can see." if len(f.model.predictors) > 1
                  else ""))
    with st.spinner("Running the optimizers…", show_time=True):
        runs = {m: cache.path(f.dataset.key, quad, model, s.l2, m, s.rates[m], s.epochs, s.w0, s.b0,
                              s.hyper[m], s.schedule) for m in s.methods}
    plain = exp.quadratic
    points = [Point("start", s.w0, s.b0, "circle-open", size=18),
              Point("least-squares optimum", float(plain.weights[0]), plain.bias, "star", size=20)]
    if s.l2:
        points.append(Point(f"ridge optimum (α = {s.l2:.3g})", float(quad.weights[0]), quad.bias, "x",
                            color=PALETTE["purple"], size=18))
    paths = [PathRun(OPTIMIZERS[m].label, colour(OPTIMIZERS[m].colour), runs[m], OPTIMIZERS[m].symbol)
             for m in s.methods]
    box = landscape_box([(p.w, p.b) for p in points], list(runs.values()))
    title = f"weight w on {scaled}{model.shown}"
    st.plotly_chart(landscape_figure(quad, paths, points, box=box, w_title=title), key="land_map", **CHART,
                    alt=f"Contours of the training loss over ({title}, bias b) with the paths of "
                        + ", ".join(OPTIMIZERS[m].label for m in s.methods)
                        + f" from the start ({s.w0:.3g}, {s.b0:.3g}) towards the least-squares optimum "
                          f"({float(plain.weights[0]):.4g}, {plain.bias:.4g}).")
    st.subheader(f"Epochs to reach within 1 % of the optimal loss ({quad.min_loss:.5g})")
    rows = [{"optimizer": OPTIMIZERS[m].label, "rate η": sci(s.rates[m]),
             "settings": ", ".join(f"{OPTIMIZERS[m].hyper_labels.get(k, k)} = {v:g}" for k, v in s.hyper[m]),
             "epochs to within 1 %": within_text(runs[m], quad.min_loss),
             "loss after the last epoch": float(runs[m].train_loss[-1])} for m in s.methods]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch",
                 column_config={"loss after the last epoch": st.column_config.NumberColumn(format="%.6g")})
    penalty = " plus α·w², the penalised loss they all minimise, whose minimum is the ridge optimum ✕" \
        if s.l2 else ""
    st.caption(f"Counted exactly: every epoch is recorded. The loss is the MSE{penalty}. Press Play on the "
               "map to watch every optimizer move together, epoch by epoch; hover a path for its epochs, "
               "click a legend entry to hide it. Plain descent zig-zags across a narrow valley when its rate "
               "is near critical and crawls along it otherwise; momentum and Nesterov build speed along the "
               "valley; "
               "RMSProp and Adam take steps of about η in each coordinate whatever the curvature.")
    return points


def within_text(h, target: float) -> str:
    hit = epochs_to_within(h, target, 0.01)
    if hit is not None:
        return f"{hit:,}"
    if h.diverged:
        return f"diverged at epoch {h.diverged_at:,}"
    return f"not within {h.epochs_requested:,} epochs"


def affordable(epochs: int, n: int, size: int | None) -> int:
    """The epochs of a run with this batch size that fit in MAX_UPDATES updates (at least one pass)."""
    per_epoch = 1 if size is None else math.ceil(n / size)
    return max(1, min(epochs, MAX_UPDATES // per_epoch))


def noisy_section(f: Frame, model, exp, s: Settings, points: list[Point]) -> None:
    """Full batch, a mini-batch and stochastic descent from the same start, at one rate."""
    st.subheader("Mini-batch and stochastic descent: noisy paths")
    n = len(exp.model_problem.train.y)
    left, mid, right, last = st.columns(4)
    forget_unknown("land_mb_batch", BATCHES)
    batch = left.select_slider("Batch size", BATCHES, value=32, key="land_mb_batch", **BOUND)
    seed = int(mid.number_input("Seed", 0, 1_000_000, 0, key="land_mb_seed",
                                help="Seeds the shuffle of the rows, redone every epoch.", **BOUND))
    forget_unknown("land_mb_lr", MULTIPLES)
    multiple = right.select_slider("η (× critical)", MULTIPLES, value="0.3", key="land_mb_lr",
                                   format_func=lambda v: f"{v}×", **BOUND)
    forget_unknown("land_mb_epochs", (5, 10, 20, 50, 100))
    wanted = last.select_slider("Epochs (passes)", (5, 10, 20, 50, 100), value=50, key="land_mb_epochs",
                                **BOUND)
    quad = cache.penalised(f.dataset.key, exp, model, s.l2)
    lr = float(multiple) * quad.critical_lr
    runs = [("full batch", None, "blue", "circle"),
            (f"batch {batch}, seed {seed}", batch, "orange", "square"),
            (f"stochastic (batch 1), seed {seed}", 1, "vermillion", "diamond")]
    with st.spinner("Running the mini-batch loops…", show_time=True):
        noisy = [(label, size, cache.noisy_path(f.dataset.key, exp, model, s.l2, lr,
                                                affordable(wanted, n, size), s.w0, s.b0, size, seed),
                  name, symbol) for label, size, name, symbol in runs]
    paths = [PathRun(label, colour(name), h, symbol) for label, _, h, name, symbol in noisy]
    finals = ", ".join(f"{label}: {h.train_loss[-1]:.5g}" for label, _, h, _, _ in noisy)
    box = landscape_box([(p.w, p.b) for p in points], [h for _, _, h, _, _ in noisy])
    st.plotly_chart(landscape_figure(quad, paths, points, box=box,
                                     w_title=f"weight w on {'standardised ' if model.standardize else ''}"
                                             f"{model.shown}"), key="land_noisy", **CHART,
                    alt=f"Contours of the training loss with full-batch, mini-batch and stochastic paths at "
                        f"η = {sci(lr)}; loss after the last epoch: {finals}.")
    capped = "".join(
        f" The {label} run stops after {h.epochs_requested:,} epoch{'s' * (h.epochs_requested != 1)} "
        f"({math.ceil(n / (size or n)):,} updates each): runs are kept to about {MAX_UPDATES:,} updates, "
        "or one pass, so they stay quick." for label, size, h, _, _ in noisy if h.epochs_requested < wanted)
    st.caption(f"All three at η = {sci(lr)}. One dot per epoch (a pass over all {n:,} training rows, "
               "reshuffled every epoch from the seed: the same seed gives the same path). Each update uses a "
               "batch's gradient, a noisy estimate of the full one, so the path jitters and never settles "
               f"exactly at a constant rate; smaller batches, more noise. Loss after the last epoch — "
               f"{finals}.{capped}")
