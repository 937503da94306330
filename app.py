"""Descent Lab — the playground: move a slider, watch gradient descent happen."""

from __future__ import annotations

import streamlit as st

from gd_ui.status import run_status
from gd_ui.widgets import (
    cache,
    class_student,
    class_teacher,
    classroom,
    frame,
    live,
    navigation,
    partial,
    poll,
    results,
    schedule_view,
    stage,
)

INTRO = ("Predict tomorrow's maximum temperature from today's weather by full-batch gradient descent, "
         "exactly as the tutorial does — every epoch computed, the charts show up to 200 of them. "
         "Gradients are of half the MSE (the tutorial's ŷ − y); losses are MSE.")
NORMAL_CHART_PX = 600


def main() -> None:
    if class_student.student_view() or poll.student_view():  # ?join=CODE / ?poll=CODE: a phone
        return
    class_teacher.before_page()
    f = frame.open_page("playground", needs="length", early=live.preload)  # plotly.js loads meanwhile
    stage.styles(f.on_stage)
    table = live.draw_table(f)  # the rate grid's table: the whole run's, never resent by the fragment
    if partial.classroom():  # a class or a prediction: every change reruns the whole page
        experiment(f, table, partial.snapshot())
    else:
        experiment_alone(f, table, partial.snapshot())


@st.fragment
def experiment_alone(f: frame.Frame, table: str | None, seen: tuple) -> None:
    """:func:`experiment` as a fragment: moving the rate or the start reruns it alone."""
    frame.guarded(lambda: experiment(f, table, seen))


def experiment(f: frame.Frame, table: str | None, seen: tuple) -> None:
    """The rate and the start (sidebar), the presets, the class, the status, the live chart, the loss
    and the numbers: everything the rate and the start decide."""
    partial.whole_run(seen)
    f = frame.with_rate(f)
    predict, asking, row = classroom.presets_row(f)
    if class_teacher.panel(f, row):  # a class runs: its Reveal is the one gate
        predict = asking = False
    else:
        poll.teacher_panel(f, row)
    if asking:
        classroom.ask(f)
    history = cache.descent(f.dataset.key, f.exp, f.model, tuple(f.w0), f.b0, f.run.lr, f.run.epochs,
                            schedule=f.run.schedule)
    rates = f.run.schedule.rates(f.run.lr, f.run.epochs) if schedule_view.scheduled(f) else None
    status = run_status(history, f.exp.theory, f.exp.optimum.train, rates)
    reveal, numbers = classroom.verdict(f, status.regime) if predict else (None, "")
    extra = schedule_view.sentence(f, history)  # a schedule's verdict leads (None for a constant rate)
    stage.status_box(status, reveal, numbers, lead=extra)
    # presenter mode: the chart takes the height the window leaves (fill)
    if not live.live_chart(f, history, list(f.run.rates),
                           stage.CHART_FLOOR_PX if f.on_stage else NORMAL_CHART_PX, fill=f.on_stage,
                           table=table):
        st.rerun(scope="app")  # the rate grid changed (an off-grid rate left it): a new table
    with st.container(key="dl_more"):  # on a phone: after the chart and the presets
        if not f.on_stage:
            preset = classroom.active_preset(f)
            st.caption(INTRO if preset is None else f"Preset “{preset.label}”: {preset.claim} {INTRO}")
        results.loss_and_numbers(f, history)


def playground() -> None:
    frame.guarded(main)


navigation.run(playground)  # the page registry as st.navigation: this page at the root, pages/ beside it
