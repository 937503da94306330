"""Descent Lab — the playground: move a slider, watch gradient descent happen."""

from __future__ import annotations

import streamlit as st

from gd_ui.figures.present import chart_height
from gd_ui.status import run_status
from gd_ui.widgets import (
    cache,
    class_student,
    class_teacher,
    classroom,
    frame,
    live,
    poll,
    results,
    schedule_view,
)

INTRO = ("Predict tomorrow's maximum temperature from today's weather by full-batch gradient descent, "
         "exactly as the tutorial does — every epoch computed, the charts show up to 200 of them. "
         "Gradients are of half the MSE (the tutorial's ŷ − y); losses are MSE.")
ALERT = {"converged": st.success, "descending": st.info, "diverged": st.error}


def main() -> None:
    if class_student.student_view() or poll.student_view():  # ?join=CODE / ?poll=CODE: a phone
        return
    class_teacher.before_page()
    f = frame.open_page("playground")
    live.preload()  # plotly.js loads while the rest of the page is computed
    if not f.on_stage:
        st.caption(INTRO)
    predict, asking, row = classroom.presets_row(f)
    if class_teacher.panel(f, row):  # a class runs: its Reveal is the one gate
        predict = asking = False
    else:
        poll.teacher_panel(f, row)
    if asking:
        classroom.ask(f)
    history = cache.descent(f.dataset.key, f.exp, f.model, tuple(f.w0), f.b0, f.run.lr, f.run.epochs,
                            schedule=f.run.schedule)
    messages = []
    if predict:
        right, text = classroom.verdict(f)
        (st.success if right else st.warning)(text)
        messages.append(text)
    kind, sentence = run_status(history, f.exp.theory, f.exp.optimum.train)
    ALERT[kind](sentence)
    messages.append(sentence)
    messages += [s for s in [schedule_view.status(f, history)] if s]
    preset = classroom.active_preset(f)
    if preset and not f.on_stage:
        st.caption(f"Preset “{preset.label}”: {preset.claim}")
    live.live_chart(f, history, list(f.run.rates), chart_height(*messages) if f.on_stage else 600)
    schedule_view.strip(f, history)
    results.loss_and_numbers(f, history)


frame.guarded(main)
