"""Descent Lab — the playground: move a slider, watch gradient descent happen."""

from __future__ import annotations

import streamlit as st

from gd_ui import sidebar
from gd_ui.figures import descent_figure, loss_figure
from gd_ui.status import run_status
from gd_ui.views import descent_data, numbers_table

st.set_page_config(page_title="Descent Lab · Playground", page_icon="⛰️", layout="wide")

dataset = sidebar.dataset_picker()
model = sidebar.model_controls(dataset)
exp = sidebar.experiment_or_stop(dataset, model)
run = sidebar.run_controls(exp, model, dataset.key)
w0, b0 = sidebar.start_in_model_space(exp, model, run)
history = sidebar.descent(dataset.key, exp, model.predictors, model.target, model.standardize,
                          tuple(w0), b0, run.lr, run.epochs)

st.markdown("<style>.block-container{padding-top:2.2rem}</style>", unsafe_allow_html=True)
st.header("Gradient descent, live")
st.caption("Predict tomorrow's maximum temperature from today's weather by full-batch gradient "
           "descent, exactly as the tutorial does — every epoch computed, the charts show up to "
           "200 of them. Gradients are of half the MSE (the tutorial's ŷ − y); losses are MSE.")
kind, sentence = run_status(history, exp.theory, exp.optimum.train)
{"converged": st.success, "descending": st.info, "diverged": st.error}[kind](sentence)

st.plotly_chart(descent_figure(descent_data(exp, history, model.index, dataset)), width="stretch",
                key="descent", config={"displaylogo": False})
note = ("The line in (a) is the model's prediction as this predictor varies with the others held at "
        "their training means. " if len(model.predictors) > 1 else "")
st.caption(note + "(b) is a slice through the loss landscape: the weight varies while the bias "
           "and any other weights stay frozen at the current epoch's values, so the curve moves as "
           "they learn; the red dot is always on it. (c) is that slice's slope: where it crosses zero "
           "the slice bottoms out. Press Play, or drag the epoch slider.")

left, right = st.columns([4, 3])
with left:
    st.subheader("Loss per epoch")
    base = exp.baseline["valid"] if exp.baseline else None
    st.plotly_chart(loss_figure(history, optimum_loss=exp.optimum.train, baseline=base),
                    width="stretch", key="loss", config={"displaylogo": False})
with right:
    st.subheader("The numbers")
    st.caption(f"Descent after {history.epochs_run:,} epochs, the closed-form least-squares optimum "
               "on the training split, and the baseline “tomorrow's tmax = today's”.")
    st.table(numbers_table(exp, history))
    if model.standardize:
        st.caption("Descent ran on standardised features; parameters are shown in original units.")
    st.caption(dataset.note)
