"""A run with a learning-rate schedule on the page: its plain-words verdict (the live chart draws its rate per
epoch: gd_ui/chart/strip.py)."""

from __future__ import annotations

import streamlit as st

from gd_core.schedule_theory import ScheduleTheory, schedule_theory
from gd_ui.schedule_words import schedule_sentence
from gd_ui.widgets.frame import Frame

ALERT = {"rescued": st.success, "under": st.info, "growing": st.warning, "diverged": st.error}


@st.cache_data(max_entries=64, show_spinner=False)
def theory_of(key: str, _quad, model, lr: float, schedule, epochs: int, diverged_at) -> ScheduleTheory:
    return schedule_theory(_quad, lr, schedule, epochs, diverged_at)


def scheduled(f: Frame) -> bool:
    return f.run is not None and not f.run.schedule.is_constant(f.run.epochs)


def sentence(f: Frame, history) -> tuple[str, str] | None:
    """The schedule's (kind, sentence), without drawing it (None for a constant rate)."""
    if not scheduled(f):
        return None
    th = theory_of(f.dataset.key, f.exp.quadratic, f.model, f.run.lr, f.run.schedule, f.run.epochs,
                   history.diverged_at)
    return schedule_sentence(th)


def status(f: Frame, history) -> str | None:
    """The schedule's sentence under the run's status (None for a constant rate)."""
    said = sentence(f, history)
    if said is None:
        return None
    ALERT[said[0]](said[1])
    return said[1]
