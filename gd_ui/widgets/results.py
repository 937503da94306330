"""Under the playground's chart: the loss per epoch, the numbers beside the optimum, the downloads."""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict

import streamlit as st

from gd_core.descent import History
from gd_ui import exports
from gd_ui.chart.views import NUMBER_COLUMNS, numbers_rows
from gd_ui.figures.loss import loss_dict, loss_figure
from gd_ui.figures.present import restyle
from gd_ui.formats import sci
from gd_ui.safe import markdown_rows, md_text
from gd_ui.verdict import run_sentence
from gd_ui.widgets import live, plain_chart
from gd_ui.widgets.frame import Frame
from gd_ui.widgets.run_download import code_download


def loss_and_numbers(f: Frame, history: History) -> None:
    """Loss per epoch (left); the numbers, the dataset's provenance and the downloads (right)."""
    left, right = st.columns([4, 3])
    base = f.exp.baseline["valid"] if f.exp.baseline else None
    with left:
        st.subheader("Loss per epoch")
        summary = _per_run(history, "summary",
                           lambda: exports.loss_summary(history, f.exp.optimum.train, base))
        chart = _per_run(history, ("loss", f.on_stage), lambda: _loss_chart(f, history, base))
        plain_chart.plain_chart(chart, key="loss", alt=summary)
        st.caption(summary)
    with right:
        st.subheader("The numbers")
        st.caption(f"Descent after {history.epochs_run:,} epochs, the closed-form least-squares optimum "
                   "on the training split, and the baseline “tomorrow's tmax = today's”.")
        # labels escaped, numbers as text
        st.markdown(_per_run(history, "numbers",
                             lambda: markdown_rows(NUMBER_COLUMNS, numbers_rows(f.exp, history))))
        verdict = _per_run(history, "verdict", lambda: run_sentence(f.exp, history))
        if verdict:
            st.markdown(verdict)  # numbers and fixed words only: no user text
        if f.model.standardize:
            st.caption("Descent ran on standardised features; parameters are shown in original units.")
        st.caption(md_text(f.dataset.note, limit=300))
        downloads(f, history)


_RUNS: OrderedDict = OrderedDict()  # (id(history), what) -> (weak reference to it, the value)
_RUNS_KEPT = 256
_LOCK = threading.Lock()


def _per_run(history: History, what, build):
    """``build()`` once per run: the run itself comes from the shared cache (``cache.descent``), so every
    rerun and every session showing it gets the same chart, table and sentences (building them again was
    a fifth of the server's CPU per slider change). ``what`` names the value (with what else it depends
    on: presenter mode for the chart)."""
    key = (id(history), what)
    with _LOCK:
        hit = _RUNS.get(key)
        if hit is not None and hit[0]() is history:
            _RUNS.move_to_end(key)
            return hit[1]
    value = build()
    with _LOCK:
        _RUNS[key] = (weakref.ref(history), value)
        while len(_RUNS) > _RUNS_KEPT:
            _RUNS.popitem(last=False)
    return value


def _loss_chart(f: Frame, history: History, base: float | None) -> plain_chart.Drawn:
    """The loss chart of ``history``: a plain figure dict (presenter mode: through plotly's figure, for
    the projector's larger type)."""
    if f.on_stage:
        return plain_chart.prepared(restyle(loss_figure(history, optimum_loss=f.exp.optimum.train,
                                                        baseline=base)))
    return plain_chart.prepared(loss_dict(history, optimum_loss=f.exp.optimum.train, baseline=base))


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

