"""Descent Lab — the playground: move a slider, watch gradient descent happen."""

from __future__ import annotations

import math

import streamlit as st

from gd_ui import exports, presenter, presets, sidebar
from gd_ui.figures import descent_figure, frame_positions, loss_figure
from gd_ui.status import run_status
from gd_ui.views import descent_data, numbers_table

st.set_page_config(page_title="Descent Lab · Playground", page_icon="⛰️", layout="wide")
on_stage = presenter.presenter_mode()

dataset = sidebar.dataset_picker()
model = sidebar.model_controls(dataset)
exp = sidebar.experiment_or_stop(dataset, model)
run = sidebar.run_controls(exp, model, dataset.key)
w0, b0 = sidebar.start_in_model_space(exp, model, run)
history = sidebar.descent(dataset.key, exp, model.predictors, model.target, model.standardize,
                          tuple(w0), b0, run.lr, run.epochs)
if not on_stage:
    presenter.enter_button()
    presenter.page_header("Gradient descent, live")
    st.caption("Predict tomorrow's maximum temperature from today's weather by full-batch gradient "
               "descent, exactly as the tutorial does — every epoch computed, the charts show up to "
               "200 of them. Gradients are of half the MSE (the tutorial's ŷ − y); losses are MSE.")

# Presets from this data's λmax, each a link; "predict, then reveal" hides the outcome until a guess.
view = presets.View(dataset.label, model.predictors, model.shown, model.standardize, run.w0, run.b0,
                    run.epochs)
question = (dataset.key, model.predictors, model.standardize, run.lr, run.w0, run.b0, run.epochs)
choices = presets.presets(exp.theory)
widths = [1.4, 1.55, 1.5, 1.45, 1.75, 1.45, 0.75] if on_stage else [1.3, 1.5, 1.5, 1.5, 1.5, 1.6]
row = st.columns(widths, vertical_alignment="center")
predict = row[5 if not on_stage else 4].toggle(
    "Predict first", key="predict", help="Predict, then reveal: hide the outcome until the class has "
    "guessed what this learning rate will do.", **sidebar.BOUND)
asking = predict and st.session_state.get("play_revealed", (None,))[0] != question
if on_stage:
    presenter.nav("app.py", row[5], row[6])
else:
    row[0].markdown("**Presets** from this data's λmax:")
flag = {presenter.PARAM: "1"} if on_stage else {}
for i, (cell, p) in enumerate(zip(row[0:4] if on_stage else row[1:5], choices)):
    label = f"rate {'ABCD'[i]} · {p.spelled}" if asking else f"{p.label} · {p.spelled}"
    cell.page_link("app.py", label=label, query_params={**presets.link_params(view, p.spelled), **flag},
                   help=None if asking else p.claim)


def reveal_answer() -> None:
    st.session_state["play_revealed"] = (question, st.session_state.get("play_guess"))


if asking:
    st.subheader("What will happen at this learning rate?")
    st.caption(f"Learning rate {run.lr:.2e}, {run.epochs:,} epochs, from weight {run.w0:g} and bias "
               f"{run.b0:g}. Decide first, then reveal.")
    guess = st.radio("Your prediction", presets.GUESSES, index=None, horizontal=True, key="play_guess")
    st.button("Reveal", type="primary", disabled=guess is None, on_click=reveal_answer, key="play_reveal")
    st.stop()
messages = []
if predict:
    right, verdict = presets.reveal(st.session_state["play_revealed"][1], exp.theory, run.lr)
    (st.success if right else st.warning)(verdict)
    messages.append(verdict)
kind, sentence = run_status(history, exp.theory, exp.optimum.train)
{"converged": st.success, "descending": st.info, "diverged": st.error}[kind](sentence)
messages.append(sentence)
active = [p for p in choices if math.isclose(p.lr, run.lr, rel_tol=1e-9)]
if active and not on_stage:
    st.caption(f"Preset “{active[0].label}”: {active[0].claim}")

data = descent_data(exp, history, model.index, dataset)
chart = st.container()
# The chart's own Play buttons and epoch slider are mouse-only: this slider is their keyboard twin.
labels = [f"{int(history.epochs[k]):,}" for k in frame_positions(len(history.epochs))]
if st.session_state.get("play_frame_run") != question or st.session_state.get("play_frame") not in labels:
    st.session_state.pop("play_frame", None)
st.session_state["play_frame_run"] = question
at = labels.index(st.select_slider("Epoch shown in the chart (keyboard: Tab here, then ← →)", labels,
                                   value=labels[-1], key="play_frame")) if not on_stage else None
figure = descent_figure(data, height=presenter.chart_height(*messages) if on_stage else 660, at_frame=at)
chart.plotly_chart(presenter.restyle(figure) if on_stage else figure, width="stretch", key="descent",
                   config={"displaylogo": False, "displayModeBar": not on_stage})
st.caption(exports.descent_summary(data))
if not on_stage:
    note = ("The line in (a) is the model's prediction as this predictor varies with the others held "
            "at their training means. " if len(model.predictors) > 1 else "")
    st.caption(note + "(b) is a slice through the loss landscape: the weight varies while the bias "
               "and any other weights stay frozen at the current epoch's values, so the curve moves as "
               "they learn; the red dot is always on it. (c) is that slice's slope: where it crosses "
               "zero the slice bottoms out. Press Play, or drag the chart's epoch slider; from the keyboard, "
               "use the slider above it, and the Step-through page walks the run one epoch per Next.")

left, right = st.columns([4, 3])
with left:
    st.subheader("Loss per epoch")
    base = exp.baseline["valid"] if exp.baseline else None
    loss_chart = loss_figure(history, optimum_loss=exp.optimum.train, baseline=base)
    st.plotly_chart(presenter.restyle(loss_chart) if on_stage else loss_chart, width="stretch",
                    key="loss", config={"displaylogo": False})
    st.caption(exports.loss_summary(history, exp.optimum.train, base))
with right:
    st.subheader("The numbers")
    st.caption(f"Descent after {history.epochs_run:,} epochs, the closed-form least-squares optimum "
               "on the training split, and the baseline “tomorrow's tmax = today's”.")
    st.table(numbers_table(exp, history))
    if model.standardize:
        st.caption("Descent ran on standardised features; parameters are shown in original units.")
    st.caption(dataset.note)
    cells = st.columns(3)
    cells[0].download_button(
        "Trajectory (CSV)", lambda: exports.trajectory_csv(history, model.predictors),
        file_name="descent-trajectory.csv", mime="text/csv", on_click="ignore", key="play_csv",
        help="Every recorded epoch: weights, bias, training/validation MSE, gradients (original units).")
    cells[1].download_button(
        "Fit (JSON)", lambda: exports.parameters_json(exp, history, dataset_key=dataset.key, lr=run.lr),
        file_name="descent-fit.json", mime="application/json", on_click="ignore", key="play_json",
        help="Fitted weights and bias, their MSEs, the optimum and the theory.")
    cells[2].download_button(
        "Animation (HTML)", lambda: exports.figure_html(figure), file_name="descent-animation.html",
        mime="text/html", on_click="ignore", key="play_html",
        help="The animated figure as one file that plays offline (plotly.js included).")
