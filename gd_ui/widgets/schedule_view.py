"""A run with a learning-rate schedule on the page: its plain-words verdict and the rate-per-epoch strip."""

from __future__ import annotations

import streamlit as st

from gd_core.schedule_theory import ScheduleTheory, schedule_theory
from gd_ui.figures.present import restyle
from gd_ui.figures.schedule import rate_strip
from gd_ui.schedule_words import KIND_LABELS, schedule_sentence
from gd_ui.widgets.frame import Frame

ALERT = {"rescued": st.success, "under": st.info, "growing": st.warning, "diverged": st.error}
CONFIG = {"displaylogo": False, "displayModeBar": False}


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


def strip(f: Frame, history) -> None:
    """The rate per epoch with 2/λmax, under the chart (only with a schedule)."""
    if not scheduled(f):
        return
    s = f.run.schedule
    label = f"Learning rate per epoch: {KIND_LABELS[s.kind]}, peak η = {f.run.lr_text}" + \
        (f", {s.warmup:,} warm-up epochs" if s.warmup else "")
    rates, critical = s.rates(f.run.lr, f.run.epochs), f.exp.theory.critical_lr
    fig = rate_strip(rates, critical, diverged_at=history.diverged_at, label=label)
    alt = (f"Chart summary: the rate goes from {rates[0]:.3g} to {rates[-1]:.3g}; it is above the "
           f"critical rate 2/λmax = {critical:.3g} for {int((rates > critical).sum()):,} of "
           f"{f.run.epochs:,} epochs.")
    st.plotly_chart(restyle(fig) if f.on_stage else fig, width="stretch", key="sched_strip", config=CONFIG,
                    alt=alt)
