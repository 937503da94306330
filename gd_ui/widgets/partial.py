"""Partial reruns: a change of the rate or the start reruns only what depends on them.

The Playground draws its rate and start sliders, and everything they decide (presets, status, chart,
numbers), inside one ``st.fragment``; the navigation, the data, the model, the epochs, the schedule and
the live chart's rate table are drawn by the whole run only. A slider then costs the server about what
a small page costs, not the whole sidebar's redraw. The fragment hands back to a whole run
(:func:`whole_run`) whenever something outside it must change too: a callback wrote a setting drawn
outside it, a class or a poll is running (their panels stop the page and switch pages), or the
rate grid changed under the drawn table.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from gd_ui.widgets import class_teacher, poll, presenter

# Session keys of the settings the whole run draws (the sidebar's data, model, epochs and schedule,
# presenter mode): a fragment run that finds one changed hands over to a whole run.
OUTSIDE = ("ds", "pred", "x", "std", "epochs", "sched", "sched_r", "sched_k", "sched_w", presenter.PARAM)
# While one of these is set the page is a classroom's (predict first, a class, a poll): it runs whole.
CLASSROOM = ("predict", class_teacher.OWNED, poll.OWNED, poll.HIDE, class_teacher.PENDING)


def fragment_run() -> bool:
    """This run is a fragment's alone (not the whole script's)."""
    ctx = get_script_run_ctx()
    return bool(ctx is not None and ctx.fragment_ids_this_run)


def classroom() -> bool:
    """A classroom state is on: the page runs whole on every change."""
    state = st.session_state
    return any(state.get(k) for k in CLASSROOM)


def snapshot() -> tuple:
    """The outside settings as this run saw them."""
    state = st.session_state
    return tuple(state.get(k) for k in OUTSIDE)


def whole_run(seen: tuple) -> None:
    """In a fragment run: rerun the whole page if it must (see the module), else return."""
    if fragment_run() and (classroom() or snapshot() != seen):
        st.rerun(scope="app")
