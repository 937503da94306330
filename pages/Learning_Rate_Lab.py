"""Learning-rate lab: sweep 40 rates on the active dataset and see why descent crawls, converges,
oscillates or diverges — in pictures and in the Hessian's numbers."""

from __future__ import annotations

import streamlit as st

from gd_ui.widgets import class_teacher, frame, lab, lab_schedule


def main() -> None:
    class_teacher.before_page()
    f = frame.open_page("lab")
    class_teacher.panel(f, here="lab")
    st.caption(f"{lab.N_RATES} full-batch runs of {f.run.epochs:,} epochs from the start set in "
               f"{f.settings}, at rates from 1/1000 to 10× this data's critical rate. Losses are MSE; the "
               "maths is for half the MSE, which is what the tutorial's gradient ŷ − y descends.")
    runs = lab.sweep_section(f)
    lab.curves_section(f, runs)
    lab_schedule.schedule_section(f, lab.N_RATES)
    lab.why_section(f)
    lab.standardisation_section(f)


frame.guarded(main)
