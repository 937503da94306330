"""Descent Lab — step through the tutorial: one day's update by hand, then full-batch epochs."""

from __future__ import annotations

import numpy as np
import streamlit as st

from gd_core.descent import gradient_descent
from gd_ui import lesson, presenter, sidebar
from gd_ui.exports import descent_summary
from gd_ui.figures import descent_figure
from gd_ui.views import descent_data

st.set_page_config(page_title="Descent Lab · Step through", page_icon="👣", layout="wide")
on_stage = presenter.presenter_mode()

dataset = sidebar.dataset_picker()
model = sidebar.model_controls(dataset)
exp = sidebar.experiment_or_stop(dataset, model)
run = sidebar.run_controls(exp, model, dataset.key)
w0, b0 = sidebar.start_in_model_space(exp, model, run)
if not on_stage:
    presenter.enter_button()


@st.cache_data(max_entries=32, show_spinner=False)
def literal_run(key: str, _exp, predictors: tuple, target: str, standardize: bool, w0: tuple, b0: float,
                lr: float, epochs: int):
    """The tutorial's loop itself (gd_core.descent), every epoch recorded, in the model's space."""
    p = _exp.model_problem
    return gradient_descent(p.train.x, p.train.y, np.asarray(w0), b0, lr=lr, epochs=epochs,
                            x_valid=p.valid.x, y_valid=p.valid.y, max_points=max(epochs + 1, 2))


def go(move) -> None:
    state = st.session_state
    part, epoch = move(state.get("step_part", lesson.PARTS[0]), state.get("step_epoch", 0))
    st.session_state["step_part"], st.session_state["step_epoch"] = part, epoch


if not on_stage:
    st.header("Step through gradient descent")
nav = st.columns([1.6, 1.8, 3.6, 1.6, 1.5, 0.8] if on_stage else [1, 1, 3.2, 1.6],
                 vertical_alignment="bottom")
if on_stage:
    presenter.nav("pages/4_Step_Through.py", nav[4], nav[5])
nav[0].button("◀ Back", key="step_back", on_click=go, args=(lesson.previous_position,), width="stretch",
              shortcut="PageUp" if on_stage else None, help="One step back (Page Up in presenter mode).")
nav[1].button("Next ▶", key="step_next", on_click=go, args=(lesson.next_position,), type="primary",
              width="stretch", shortcut="PageDown" if on_stage else None,
              help="Step 1 → step 2 → one more epoch per click (Page Down in presenter mode).")
part = nav[2].radio("Step", lesson.PARTS, horizontal=True, key="step_part", **sidebar.BOUND,
                    help="1 · one day: the tutorial's worked example, as its explanation writes it. "
                    "2 · epochs: its code's full-batch loop on the active dataset, one epoch per Next.")
epoch = int(nav[3].number_input("Epoch (step 2)", 0, lesson.MAX_EPOCH, step=1, key="step_epoch",
                                disabled=part != lesson.PARTS[1], **sidebar.BOUND))

if part == lesson.PARTS[0]:
    st.subheader("One day, one update: the tutorial's worked example")
    cells = st.columns(5)
    x = cells[0].number_input("today's tmax, x", value=80.0, step=1.0, key="step_x", **sidebar.BOUND)
    w = cells[1].number_input("weight, w", value=1.0, step=0.01, key="step_w", **sidebar.BOUND)
    b = cells[2].number_input("bias, b", value=11.99, step=0.01, key="step_b", **sidebar.BOUND)
    y = cells[3].number_input("tomorrow's actual tmax, y", value=81.0, step=1.0, key="step_y",
                              **sidebar.BOUND)
    lr = cells[4].number_input("learning rate, η", min_value=0.0, value=5e-5, step=1e-5, format="%.2e",
                               key="step_lr", **sidebar.BOUND)
    ex = lesson.WorkedExample(x, w, b, y, lr)
    eq, say = lesson.worked_equations(ex), lesson.worked_verdicts(ex)
    left, right = st.columns(2, gap="large")
    with left:
        for title, stage in (("**Forward pass**: the prediction", "prediction"),
                             ("**Loss** of this day: the squared error", "loss"),
                             ("**Gradient** (the explanation's, with the factor 2), then the chain rule",
                              "gradient")):
            st.markdown(title)
            for line in eq[stage]:
                st.latex(line)
    with right:
        st.markdown("**Update without a learning rate**")
        for line in eq["no_rate"]:
            st.latex(line)
        (st.error if ex.loss_at(*ex.updated(1.0)) > ex.loss else st.info)(say["no_rate"])
        st.markdown("**Update with learning rate η**")
        for line in eq["with_rate"]:
            st.latex(line)
        (st.success if ex.loss_at(*ex.updated(ex.lr)) < ex.loss else st.warning)(say["with_rate"])
    st.markdown("**Two conventions, one step.** This step follows the tutorial's *explanation*: the "
                "gradient of the squared error carries the factor 2. The next step follows its "
                "*implementation*, which drops it: its gradient ŷ − y is the derivative of **half** the "
                "squared error. The factor is simply absorbed by the learning rate:")
    for line in eq["factor"]:
        st.latex(line)
    st.caption(say["factor"] + " Every number on this step follows the five values above.")
    st.stop()

# --- step 2: full-batch epochs on the active dataset, the tutorial's loop one epoch per click ------------
p = exp.model_problem
history = literal_run(dataset.key, exp, model.predictors, model.target, model.standardize, tuple(w0), b0,
                      run.lr, epoch)
if history.diverged:
    st.error(f"The run diverged at epoch {history.diverged_at:,} (learning rate {run.lr:.2e}, "
             f"η·λmax = {run.lr * exp.theory.lambda_max:.3g} > 2): showing the last finite epoch, "
             f"{history.epochs_run:,}. Go Back, or pick a smaller rate in the Playground.")
shown = history.epochs_run
step = lesson.epoch_step(p.train.x, p.train.y, history.weights[-1], history.bias[-1], lr=run.lr,
                         epoch=shown)
left, right = st.columns([5, 7], gap="medium")
with left:
    st.subheader(f"Epoch {shown:,}")
    rows = 3 if on_stage else lesson.ROWS_SHOWN  # a projector has less height to spare
    names = ", ".join(f"w{j + 1} = {name}" for j, name in enumerate(model.predictors))
    space = " Features are standardised: these are the values the loop sees." if model.standardize else ""
    st.caption(f"The tutorial's loop on all {len(p.train.y):,} training days of this dataset "
               f"(learning rate {run.lr:.2e}; weights: {names}). The first {rows} days:"
               f"{space}")
    st.table(lesson.forward_rows(step, p.train.x, p.train.y, p.train.dates, model.predictors, rows))
    eq = lesson.epoch_equations(step)
    st.markdown(f"**Loss**: the mean squared error over all n = {len(p.train.y):,} days")
    for line in eq["loss"]:
        st.latex(line)
    st.markdown("**Gradient** of half the MSE (the code's ŷ − y): Xᵀ·error / n and the mean error")
    for line in eq["gradient"]:
        st.latex(line)
    st.markdown("**Update**: one step against the gradient")
    for line in eq["update"]:
        st.latex(line)
    if not history.diverged:
        st.caption(f"Next ▶ starts epoch {shown + 1:,} from these updated values.")
with right:
    data = descent_data(exp, exp.history_in_original_units(history), model.index, dataset)
    fig = descent_figure(data, height=600, compact=True)  # a half-width column
    st.plotly_chart(presenter.restyle(fig, scale=1.0, narrow=True), key="step_chart",
                    config={"displaylogo": False})
    st.caption(descent_summary(data))
