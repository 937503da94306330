"""Under the playground's chart: the loss per epoch, the numbers beside the optimum, the downloads."""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict

import streamlit as st

from gd_core.descent import History
from gd_ui import exports
from gd_ui.chart.views import numbers_table
from gd_ui.figures.loss import loss_dict, loss_figure
from gd_ui.figures.present import restyle
from gd_ui.formats import sci
from gd_ui.safe import markdown_table, md_text
from gd_ui.verdict import run_sentence
from gd_ui.widgets import live, plain_chart
from gd_ui.widgets.frame import Frame
from gd_ui.widgets.run_download import code_download


def loss_and_numbers(f: Frame, history: History) -> None:
    """Loss per epoch (left); the numbers, the dataset's provenance and the downloads (right)."""
    left, right = st.columns([4, 3])
    with left:
        st.subheader("Loss per epoch")
        base = f.exp.baseline["valid"] if f.exp.baseline else None
        summary = exports.loss_summary(history, f.exp.optimum.train, base)
        plain_chart.plain_chart(_loss_chart(f, history, base), key="loss", alt=summary)
        st.caption(summary)
    with right:
        st.subheader("The numbers")
        st.caption(f"Descent after {history.epochs_run:,} epochs, the closed-form least-squares optimum "
                   "on the training split, and the baseline “tomorrow's tmax = today's”.")
        st.markdown(markdown_table(numbers_table(f.exp, history)))  # labels escaped, numbers as text
        verdict = run_sentence(f.exp, history)
        if verdict:
            st.markdown(verdict)  # numbers and fixed words only: no user text
        if f.model.standardize:
            st.caption("Descent ran on standardised features; parameters are shown in original units.")
        st.caption(md_text(f.dataset.note, limit=300))
        downloads(f, history)


_CHARTS: OrderedDict = OrderedDict()  # id(history) -> (weak reference to it, on stage, its loss chart)
_CHARTS_KEPT = 64
_LOCK = threading.Lock()


def _loss_chart(f: Frame, history: History, base: float | None):
    """The loss chart of ``history``, built once per run: the run itself comes from the shared cache
    (``cache.descent``), so every rerun and every session showing it gets the same figure (Plotly's
    validation of a new figure was a tenth of the server's CPU per slider change)."""
    with _LOCK:
        hit = _CHARTS.get(id(history))
        if hit is not None and hit[0]() is history and hit[1] == f.on_stage:
            return hit[2]
    if f.on_stage:  # a projector's larger type: through plotly's figure (rare, and cached here too)
        chart = restyle(loss_figure(history, optimum_loss=f.exp.optimum.train, baseline=base))
    else:
        chart = loss_dict(history, optimum_loss=f.exp.optimum.train, baseline=base)
    chart = plain_chart.prepared(chart)
    with _LOCK:
        _CHARTS[id(history)] = (weakref.ref(history), f.on_stage, chart)
        while len(_CHARTS) > _CHARTS_KEPT:
            _CHARTS.popitem(last=False)
    return chart


def downloads(f: Frame, history: History) -> None:
    """Trajectory (CSV), fit (JSON) and the animation (offline HTML), built only when clicked."""
    row = st.container(horizontal=True, wrap=True, gap="small")  # each button as wide as its label
    row.download_button(
        "Trajectory (CSV)", lambda: exports.trajectory_csv(history, f.model.predictors, f.run.schedule),
        file_name="descent-trajectory.csv", mime="text/csv", on_click="ignore", key="play_csv",
        help="Every epoch the chart shows: weights, bias, training/validation MSE, gradients "
             "(original units).")
    row.download_button(
        "Fit (JSON)", lambda: exports.parameters_json(f.exp, history, dataset_key=f.dataset.key, lr=f.run.lr,
                                                      schedule=_schedule(f)),
        file_name="descent-fit.json", mime="application/json", on_click="ignore", key="play_json",
        help="Fitted weights and bias, their MSEs, the optimum and the theory.")
    title = f"Descent Lab · {f.dataset.label} · learning rate {sci(f.run.lr, 3)}"
    row.download_button(
        "Animation (HTML)", lambda: live.offline_page(f, history, list(f.run.rates), title),
        file_name="descent-animation.html",
        mime="text/html", on_click="ignore", key="play_html",
        help="The live chart of this run as one file that plays offline, sliders and all (plotly.js "
             "included).")
    code_download(row, f, f.run.epochs, key="play_code", schedule=f.run.schedule)


def _schedule(f: Frame):
    """The run's schedule for the exports (None for a constant rate: the files stay as they were)."""
    return None if f.run.schedule.is_constant(f.run.epochs) else f.run.schedule

