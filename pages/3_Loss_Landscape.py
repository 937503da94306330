"""Loss landscape: the loss over (weight, bias) for one predictor, with plain gradient descent,
momentum, Nesterov, RMSProp and Adam walking on it; mini-batch noise; a ridge penalty."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pandas as pd
import streamlit as st

from gd_core.descent import History
from gd_core.optimizers import epochs_to_within, optimize, ridge_optimum
from gd_ui import presenter, sidebar
from gd_ui.lab_figures import (
    METHOD_COLOURS,
    Landscape,
    PathRun,
    Point,
    kappa_text,
    landscape_box,
    landscape_figure,
)
from gd_ui.status import sci

BOUND = sidebar.BOUND
CHART = dict(width="stretch", config={"displaylogo": False})
NAMES = {"gd": "Gradient descent", "momentum": "Momentum", "nesterov": "Nesterov", "rmsprop": "RMSProp",
         "adam": "Adam"}
SYMBOLS = {"gd": "circle", "momentum": "square", "nesterov": "diamond", "rmsprop": "triangle-up",
           "adam": "pentagon"}
MULTIPLES = ("0.01", "0.02", "0.05", "0.1", "0.2", "0.3", "0.5", "0.7", "0.9", "0.95", "1", "1.05", "1.2",
             "1.5", "2")  # curvature-based rates, as multiples of the critical rate
STEPS = tuple(f"{m}e{e}" for e in range(-4, 1) for m in (1, 2, 5)) + ("1e1",)  # RMSProp/Adam step sizes
DEFAULT_MULTIPLE = {"gd": "0.9", "momentum": "0.5", "nesterov": "0.5"}
ADAPTIVE_SHARE = {"rmsprop": 0.002, "adam": 0.05}  # default step: this share of the start→optimum distance
EPOCHS = (100, 200, 500, 1000, 2000, 5000)
L2_SHARES = ("0", "0.001", "0.01", "0.03", "0.1", "0.3", "1", "3")  # α as a multiple of mean(x²)
BATCHES = (1, 2, 4, 8, 16, 32, 64, 128, 256)
MAX_UPDATES = 20_000  # per noisy run: a mini-batch update is a Python step (≈15 µs); keeps a run < 1 s
RELATIVE = 0.01

st.set_page_config(page_title="Descent Lab · Loss landscape", page_icon="⛰️", layout="wide")


@st.cache_data(max_entries=96, show_spinner=False)
def descend(key: str, _exp, predictor: str, standardize: bool, method: str, lr: float, beta: float,
            epochs: int, w0: float, b0: float, l2: float, batch_size: int | None, seed: int) -> History:
    """One literal-loop run on the training split, every epoch recorded (so epoch counts are exact)."""
    p = _exp.model_problem.train
    return optimize(p.x, p.y, np.array([w0]), b0, method=method, lr=lr, beta=beta, epochs=epochs,
                    l2=l2, batch_size=batch_size, seed=seed, max_points=None)


def landscape(exp, ridge, l2: float, w_title: str) -> Landscape:
    """The penalised loss MSE + α·w² as the exact quadratic it is, centred on its (ridge) optimum."""
    hessian = exp.quadratic.hessian + np.diag([l2, 0.0])
    return Landscape((float(ridge.weights[0]), ridge.bias), hessian, ridge.loss, w_title, "bias b")


def within_text(h: History, target: float) -> str:
    hit = epochs_to_within(h, target, RELATIVE)
    if hit is not None:
        return f"{hit:,}"
    if h.diverged:
        return f"diverged at epoch {h.diverged_at:,}"
    return f"not within {h.epochs_requested:,} epochs"


def affordable(epochs: int, n: int, size: int | None) -> int:
    """The epochs of a run with this batch size that fit in MAX_UPDATES updates (at least one pass)."""
    per_epoch = 1 if size is None else math.ceil(n / size)
    return max(1, min(epochs, MAX_UPDATES // per_epoch))


def times_critical(multiple: str) -> str:
    """A rate's slider label. Static per option: a bound widget's URL value is this label."""
    return f"{multiple}×"


def nearest(options, value: float) -> str:
    return min(options, key=lambda o: abs(math.log(float(o)) - math.log(value)))


def reset_if_unknown(key: str, options) -> None:
    """A value from an old link or another dataset that is not an option: forget it."""
    if key in st.session_state and st.session_state[key] not in options:
        del st.session_state[key]


dataset = sidebar.dataset_picker()
model = sidebar.model_controls(dataset)
one = replace(model, predictors=(model.shown,))  # the landscape has two axes: one weight and the bias
exp = sidebar.experiment_or_stop(dataset, one)
sb = st.sidebar
sb.markdown("**Landscape run**")
w0_orig = sb.slider(f"Start weight of {model.shown}", -3.0, 3.0, sidebar.DEFAULT_W0, 0.01, key="land_w0",
                    help="Original units, like the playground.", **BOUND)
b0_orig = sb.slider("Start bias", -60.0, 60.0, sidebar.DEFAULT_B0, 0.1, key="land_b0", **BOUND)
reset_if_unknown("land_epochs", EPOCHS)
epochs = sb.select_slider("Epochs", EPOCHS, value=1000, key="land_epochs", **BOUND)
x_train = exp.model_problem.train.x
x2 = float(np.mean(x_train[:, 0] ** 2))
reset_if_unknown("land_l2", L2_SHARES)
l2_share = sb.select_slider("Ridge penalty α (× mean x²)", L2_SHARES, value="0", key="land_l2",
                            format_func=lambda m: "off" if m == "0" else f"{m}×",
                            help="Adds α·w² to the loss (the bias is not penalised). The steps are multiples "
                                 "of mean(x²), the weight's own curvature, so they mean the same on any "
                                 "data; the value of α is shown on the page.", **BOUND)
l2 = float(l2_share) * x2
if exp.scaler is None:
    w0, b0 = float(w0_orig), float(b0_orig)
else:
    ws, bs = exp.scaler.to_standardized(np.array([w0_orig]), b0_orig)
    w0, b0 = float(ws[0]), float(bs)
train = exp.model_problem.train
plain, ridge = ridge_optimum(train.x, train.y, 0.0), ridge_optimum(train.x, train.y, l2)
critical = ridge.critical_lr
distance = float(np.hypot(plain.weights[0] - w0, plain.bias - b0))

presenter.page_header("Loss landscape")
scaled = "standardised " if model.standardize else ""
st.caption(f"The training loss of the one-predictor model tomorrow's tmax ≈ w·{scaled}{model.shown} + b, "
           f"over (w, b), with the chosen optimizers starting from the same point. Critical rate 2/λmax = "
           f"{sci(critical)}, condition number κ = {kappa_text(ridge.condition_number)}"
           + (f" (with the ridge penalty α = {l2:.3g})." if l2 else ".")
           + (f" The sidebar's model has {len(model.predictors)} predictors; this page uses "
              f"{model.shown} alone, so the loss is a surface you can see." if len(model.predictors) > 1
              else ""))

sb.markdown("**Optimizers on the map**")
methods = sb.pills("Shown", list(NAMES), selection_mode="multi", default=list(NAMES),
                   format_func=NAMES.get, key="land_methods", label_visibility="collapsed",
                   **BOUND) or ["gd"]
beta = sb.select_slider("Momentum β (momentum, Nesterov)", ("0", "0.5", "0.8", "0.9", "0.95", "0.99"),
                        value="0.9", key="land_beta", **BOUND)
rates = {}
for method in NAMES:  # every slider is drawn, so a rate survives hiding its optimizer
    if method in DEFAULT_MULTIPLE:
        reset_if_unknown(f"land_lr_{method}", MULTIPLES)
        m = sb.select_slider(f"{NAMES[method]} η (× critical)", MULTIPLES, value=DEFAULT_MULTIPLE[method],
                             key=f"land_lr_{method}", format_func=times_critical, **BOUND)
        rates[method] = float(m) * critical
    else:
        reset_if_unknown(f"land_lr_{method}", STEPS)
        default = nearest(STEPS, ADAPTIVE_SHARE[method] * max(distance, 1e-3))
        rates[method] = float(sb.select_slider(
            f"{NAMES[method]} step η", STEPS, value=default, key=f"land_lr_{method}",
            format_func=lambda v: f"{float(v):g}", help="About the size of each step in (w, b), whatever "
            "the curvature: these methods divide the gradient by its running size.", **BOUND))

with st.spinner("Running the optimizers (literal loops over the rows)…", show_time=True):
    histories = {m: descend(dataset.key, exp, model.shown, model.standardize, m, rates[m], float(beta),
                            epochs, w0, b0, l2, None, 0) for m in methods}
start = Point("start", w0, b0, "circle-open", size=18)
points = [start, Point("least-squares optimum", float(plain.weights[0]), plain.bias, "star", size=20)]
if l2:
    points.append(Point(f"ridge optimum (α = {l2:.3g})", float(ridge.weights[0]), ridge.bias, "x",
                        color="#CC79A7", size=18))
paths = [PathRun(NAMES[m], METHOD_COLOURS[m], histories[m], SYMBOLS[m]) for m in methods]
box = landscape_box([(p.w, p.b) for p in points], list(histories.values()))
land = landscape(exp, ridge, l2, f"weight w on {scaled}{model.shown}")
st.plotly_chart(landscape_figure(land, paths, points, box=box), key="land_map", **CHART)

target = ridge.loss
st.subheader(f"Epochs to reach within 1 % of the optimal loss ({target:.5g})")
rows = [{"optimizer": NAMES[m], "rate η": sci(rates[m]),
         "settings": {"momentum": f"β = {beta}", "nesterov": f"β = {beta}", "rmsprop": "ρ = 0.9",
                      "adam": "β₁ = 0.9, β₂ = 0.999"}.get(m, ""),
         "epochs to within 1 %": within_text(histories[m], target),
         "loss after the last epoch": float(histories[m].train_loss[-1])} for m in methods]
st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch",
             column_config={"loss after the last epoch": st.column_config.NumberColumn(format="%.6g")})
penalty = " plus α·w², the penalised loss they all minimise, whose minimum is the ridge optimum ✕" \
    if l2 else ""
st.caption(f"Counted exactly: every epoch is recorded. The loss is the MSE{penalty}. Press Play on the map "
           "to watch every optimizer move together, epoch by epoch; hover a path for its epochs, click a "
           "legend entry to hide it. Plain descent zig-zags across a narrow valley when its rate is near "
           "critical and crawls along it otherwise; momentum and Nesterov build speed along the valley; "
           "RMSProp and Adam take steps of about η in each coordinate whatever the curvature.")

st.subheader("Mini-batch and stochastic descent: noisy paths")
n = len(train.y)
left, mid, right, last = st.columns(4)
reset_if_unknown("land_mb_batch", BATCHES)
batch = left.select_slider("Batch size", BATCHES, value=32, key="land_mb_batch", **BOUND)
seed = int(mid.number_input("Seed", 0, 1_000_000, 0, key="land_mb_seed",
                            help="Seeds the shuffle of the rows, redone every epoch.", **BOUND))
reset_if_unknown("land_mb_lr", MULTIPLES)
mb_multiple = right.select_slider("η (× critical)", MULTIPLES, value="0.3", key="land_mb_lr",
                                  format_func=times_critical, **BOUND)
reset_if_unknown("land_mb_epochs", (5, 10, 20, 50, 100))
mb_epochs = last.select_slider("Epochs (passes)", (5, 10, 20, 50, 100), value=50, key="land_mb_epochs",
                               **BOUND)
mb_lr = float(mb_multiple) * critical
runs = [("full batch", None, METHOD_COLOURS["gd"], "circle"),
        (f"batch {batch}, seed {seed}", batch, METHOD_COLOURS["momentum"], "square"),
        (f"stochastic (batch 1), seed {seed}", 1, METHOD_COLOURS["adam"], "diamond")]


with st.spinner("Running the mini-batch loops…", show_time=True):
    noisy = [(label, colour, symbol, descend(dataset.key, exp, model.shown, model.standardize, "gd", mb_lr,
                                             0.0, affordable(mb_epochs, n, size), w0, b0, l2, size, seed))
             for label, size, colour, symbol in runs]
paths = [PathRun(label, colour, h, symbol) for label, colour, symbol, h in noisy]
box = landscape_box([(p.w, p.b) for p in points], [h for *_, h in noisy])
st.plotly_chart(landscape_figure(land, paths, points, box=box), key="land_noisy", **CHART)
finals = ", ".join(f"{label}: {h.train_loss[-1]:.5g}" for label, _, _, h in noisy)
capped = "".join(
    f" The {label} run stops after {h.epochs_requested:,} epoch{'s' * (h.epochs_requested != 1)} "
    f"({math.ceil(n / (size or n)):,} updates each): runs are kept to about {MAX_UPDATES:,} updates, "
    "or one pass, so they stay quick." for (label, _, _, h), (_, size, _, _) in zip(noisy, runs)
    if h.epochs_requested < mb_epochs)
st.caption(f"All three at η = {sci(mb_lr)}. One dot per epoch (a pass over all {n:,} training rows, "
           "reshuffled every epoch from the seed: "
           "the same seed gives the same path). Each update uses a batch's gradient, a noisy estimate of "
           "the full one, so the path jitters and never settles exactly at a constant rate; smaller "
           f"batches, more noise. Loss after the last epoch — {finals}.{capped}")
