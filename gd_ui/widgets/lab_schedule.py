"""The learning-rate lab's schedule section: final loss against the peak rate for the constant rate and a
schedule on one chart, the critical rate marked — the usable range of peak rates widens with decay."""

from __future__ import annotations

import streamlit as st

from gd_core.schedules import Schedule
from gd_ui.figures.sweep_chart import sweeps_figure
from gd_ui.formats import sci
from gd_ui.widgets import cache
from gd_ui.widgets.frame import Frame

CHART = dict(width="stretch", config={"displaylogo": False, "displayModeBar": False})


def demo_schedule(epochs: int) -> Schedule:
    """The schedule shown when the sidebar's rate is constant: halve the rate every 0.1 % of the run."""
    return Schedule("exponential", 0.5, max(1, epochs // 1000))


def usable(s) -> float | None:
    """The largest peak rate of the grid below which no run diverges."""
    d = s.diverged
    if not d.any():
        return float(s.rates[-1])
    first = int(d.argmax())
    return float(s.rates[first - 1]) if first else None


def schedule_section(f: Frame, n_rates: int) -> None:
    st.subheader("A decaying rate against a constant one")
    chosen = f.run.schedule
    schedule = demo_schedule(f.run.epochs) if chosen.is_constant(f.run.epochs) else chosen
    if chosen.is_constant(f.run.epochs):
        st.caption(f"The chosen rate is constant, so this compares it with {schedule.describe()}; pick a "
                   f"schedule in {f.settings} to compare yours.")
    args = (f.dataset.key, f.exp, f.model, tuple(f.w0), f.b0, f.run.epochs, n_rates)
    constant, _ = cache.rate_sweep(*args)
    decayed, seconds = cache.rate_sweep(*args, schedule)
    critical = f.exp.theory.critical_lr
    series = [("constant rate", "#D55E00", constant),
              (f"{schedule.describe()} (peak rate)", "#0072B2", decayed)]
    a, b = usable(constant), usable(decayed)
    st.plotly_chart(sweeps_figure(series), key="lab_schedule", **CHART,
                    alt=f"Final training loss against the peak learning rate for a constant rate (no run "
                        f"diverges up to {sci(a) if a else 'none'}) and {schedule.describe()} (up to "
                        f"{sci(b) if b else 'none'}); the critical rate is {sci(critical)}.")
    widened = f" — {b / a:.3g}× wider" if a and b and b > a else ""
    st.caption(f"The same {n_rates} peak rates and start, {f.run.epochs:,} epochs each. With a constant rate "
               f"every run above the critical rate 2/λmax = {sci(critical)} diverges (no divergence up to "
               f"{sci(a) if a else 'none'}); with the schedule the rate falls under it before the error has "
               f"grown 10¹²-fold for peak rates up to {sci(b) if b else 'none'}{widened}. Both lines are the "
               f"exact closed form ({seconds * 1000:.0f} ms for the scheduled sweep).")
