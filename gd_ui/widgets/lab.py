"""The learning-rate lab's sections: the sweep with its rings, the loss curves, the explanation in
numbers, and standardisation side by side."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from gd_core.sweep import directions, explain
from gd_ui.figures.contraction import contraction_figure
from gd_ui.figures.sweep_chart import RUN_COLOURS, RateMark, curves_figure, sweep_figure, sweeps_figure
from gd_ui.formats import epochs as epochs_text
from gd_ui.formats import kappa, sci
from gd_ui.widgets import cache, sidebar
from gd_ui.widgets.frame import Frame

BOUND = dict(bind="query-params", persist_state="session")
CHART = dict(width="stretch", config={"displaylogo": False, "displayModeBar": False})
MULTIPLES = ("0.001", "0.01", "0.05", "0.1", "0.3", "0.5", "0.9", "0.99", "1.01", "1.05", "1.1", "1.5",
             "2")  # rates to overlay, as multiples of the critical rate (so a link survives a data change)
DEFAULT_MULTIPLES = ["0.01", "0.5", "0.99", "1.1"]
N_RATES = 40
TUTORIAL_KAPPA = "5.4 × 10⁵"  # tmax, tmin, rain on the tutorial's own clean_weather.csv (checked)


def sweep_section(f: Frame) -> list:
    """The sweep, the rates to ring and compare; returns the ringed runs (label, colour, history)."""
    with st.spinner(f"Sweeping {N_RATES} learning rates…", show_time=True):  # shows only after 0.5 s
        result, seconds = cache.rate_sweep(f.dataset.key, f.exp, f.model, tuple(f.w0), f.b0, f.run.epochs,
                                           N_RATES)
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    picked = left.multiselect(
        "Rates to ring here and compare below (multiples of the critical rate; up to 5)", MULTIPLES,
        default=DEFAULT_MULTIPLES, max_selections=5, key="lab_rates", format_func=lambda m: f"{m} ×",
        **BOUND)
    excess = right.toggle("Plot L − L*", key="lab_excess", help="Plot each run's distance to the "
                          "optimum, L − L*, instead of its loss L: on a log axis it shows how many orders of "
                          "magnitude each run still has to go; the plain loss flattens at the optimum.",
                          **BOUND)
    critical = f.exp.theory.critical_lr
    runs = [(f"{m} × critical ({sci(float(m) * critical)})", colour, _run(f, float(m) * critical))
            for colour, m in zip(RUN_COLOURS, sorted(picked, key=float))]
    yours = _run(f, f.run.lr)
    where = f.settings.removeprefix("the ")
    marks = [RateMark(h.lr, float(h.train_loss[-1]), h.diverged_at, label, colour)
             for label, colour, h in runs]
    marks.append(RateMark(f.run.lr, float(yours.train_loss[-1]), yours.diverged_at,
                          f"your η = {sci(f.run.lr)} ({where})", "#222222"))
    first = result.first_diverging_rate
    st.plotly_chart(sweep_figure(result, marks=marks, excess=excess), key="lab_sweep", **CHART,
                    alt=f"Final {'distance to the optimum' if excess else 'training loss'} of {N_RATES} runs "
                        f"against the learning rate, coloured by zone; the first diverging rate is "
                        f"{sci(first) if first else 'none'}, the critical rate {sci(critical)}.")
    st.caption(f"Each dot is one run, coloured by zone; ✕ = diverged (the loss passed 10¹² × its start; "
               f"hover for the epoch). The first rate that diverged, {sci(first) if first else 'none'}, is "
               f"one grid step above the critical rate {sci(critical)} = 2/λmax, as the theory says. Rings: "
               f"the rates compared below, and your η from {f.settings} in black. All {N_RATES} runs took "
               f"{seconds * 1000:.0f} ms: the closed form multiplies each eigen-direction by (1 − ηλ)ᵏ, so "
               "no loop over epochs or rows is needed. Flat along the bottom? Switch on “Plot L − L*” to see "
               "how far each run still is from the optimum.")
    return runs


def _run(f: Frame, lr: float):
    return cache.descent(f.dataset.key, f.exp, f.model, tuple(f.w0), f.b0, lr, f.run.epochs)


def _ending(h) -> str:
    return f"diverged at epoch {h.diverged_at:,}" if h.diverged_at else f"final loss {h.train_loss[-1]:.5g}"


def curves_section(f: Frame, runs: list) -> None:
    st.subheader("Loss per epoch at the ringed rates")
    if runs:
        st.plotly_chart(curves_figure(runs, optimum_loss=f.exp.quadratic.min_loss), key="lab_curves", **CHART,
                        alt="Training loss per epoch at " + "; ".join(
                            f"{label}: {_ending(h)}" for label, _, h in runs) + ".")
    else:
        st.info("Pick one or more rates above the sweep to overlay their loss curves here.")


def why_section(f: Frame) -> None:
    """The Hessian's directions at the chosen rate: which breaks first, which sets the pace."""
    st.subheader("Why: the explanation in numbers")
    th, lr = f.exp.theory, f.run.lr
    why = explain(f.exp, lr, f.model.predictors)
    table = directions(f.exp, lr, f.model.predictors)
    steep, slow = table.iloc[0], table.iloc[-1]
    st.markdown(
        f"The loss is a bowl whose Hessian has **{len(table)} eigen-directions** (one per weight plus the "
        f"bias). One epoch at rate η multiplies the error along a direction of curvature λ by "
        f"**|1 − ηλ|**. At your η = {sci(lr)} (**{why.zone}**):\n"
        f"- the **steepest** direction (λmax = {steep.eigenvalue:.4g}) is the first to break: its factor is "
        f"{steep.factor:.4f} now and passes 1 above η = 2/λmax = **{sci(th.critical_lr)}**, the critical "
        f"rate;\n"
        f"- the **shallowest** direction (λmin = {slow.eigenvalue:.4g}) sets the pace: its factor is "
        f"{slow.factor:.6f}, so shrinking its error 100× takes **{epochs_text(why.epochs_needed)} epochs**;\n"
        f"- the condition number κ = λmax/λmin = **{kappa(why.condition_number)}** is the price: even at the "
        f"optimal rate the slowest factor is (κ − 1)/(κ + 1), about κ/2·ln 100 = "
        f"**{epochs_text(why.epochs_at_optimal)} epochs** per 100× shrink.")
    shown = table.assign(epochs_to_shrink=table["epochs_to_shrink"].map(epochs_text)).rename(columns={
        "direction": "#", "eigenvalue": "λ", "made_of": "made of", "breaks_above": "breaks above η",
        "factor": "|1 − ηλ| at your η", "behaviour": "at your η", "epochs_to_shrink": "epochs per 100×"})
    st.dataframe(shown, hide_index=True, width="stretch", column_config={
        "λ": st.column_config.NumberColumn(format="%.4g"),
        "breaks above η": st.column_config.NumberColumn(format="%.3e"),
        "|1 − ηλ| at your η": st.column_config.NumberColumn(format="%.5f")})
    labels = [f"{r.direction}. λ = {r.eigenvalue:.3g}: {r.made_of}" for r in table.itertuples()]
    st.plotly_chart(contraction_figure(table["eigenvalue"], labels, lr=lr, critical=th.critical_lr,
                                       optimal=th.optimal_lr), key="lab_contraction", **CHART,
                    alt=f"Each eigen-direction's factor |1 − ηλ| per epoch (top) and epochs per 100× shrink "
                        f"(bottom) against the learning rate; the steepest crosses 1 at the critical rate "
                        f"{sci(th.critical_lr)}, the fewest epochs are at the optimal rate "
                        f"{sci(th.optimal_lr)}.")
    st.caption("Directions are the Hessian's eigenvectors in the space descent runs in (standardised if the "
               f"“Standardise features” toggle in {f.settings} is on), steepest first; “made of” lists their "
               "main components. Top: each curve "
               "crosses 1 at its own 2/λ (open circle), the steepest first, at the critical rate. Bottom: a "
               "run needs the largest of the epoch counts; it is smallest at the optimal rate (star), where "
               "the steepest and the shallowest directions shrink equally fast.")


def standardisation_section(f: Frame) -> None:
    """The same sweep on unscaled and on standardised features, side by side."""
    st.subheader("Standardisation, side by side")
    sweeps = {}
    for scaled in (False, True):
        model = replace(f.model, standardize=scaled)
        exp = cache.experiment(f.dataset.key, f.dataset.frame, model)
        w0, b0 = sidebar.start_in_model_space(exp, model, f.run)
        sweeps[scaled] = exp, cache.rate_sweep(f.dataset.key, exp, model, tuple(w0), b0, f.run.epochs,
                                               N_RATES)[0]
    for col, scaled in zip(st.columns(2), (False, True)):
        e = sweeps[scaled][0]
        name = "Standardised features" if scaled else "Unscaled features"
        on = scaled == f.model.standardize
        active = f" — active ({f.settings.removeprefix('the ')} toggle)" if on else ""
        col.markdown(f"**{name}**{active}")
        a, b, c = col.columns(3)
        a.metric("critical rate", sci(e.theory.critical_lr))
        b.metric("condition number κ", kappa(e.theory.condition_number))
        c.metric("epochs per 100×", epochs_text(e.theory.epochs_to_shrink(e.theory.optimal_lr)),
                 help="For the slowest direction, at the optimal rate.")
    series = [("unscaled features", "#D55E00", sweeps[False][1]),
              ("standardised", "#0072B2", sweeps[True][1])]
    st.plotly_chart(sweeps_figure(series), key="lab_standardise", **CHART,
                    alt=f"Final loss against the learning rate, unscaled features (critical rate "
                        f"{sci(sweeps[False][0].theory.critical_lr)}) and standardised "
                        f"({sci(sweeps[True][0].theory.critical_lr)}).")
    st.caption("Standardising (x − mean)/std puts every weight's curvature near 1, so λmax drops, the "
               "critical rate moves right, and κ shrinks: the same accuracy takes far fewer epochs. The "
               f"tutorial's own data (tmax, tmin, rain in °F and inches) has κ ≈ {TUTORIAL_KAPPA} — that "
               "is why 50,000 epochs at 1e-4 still sit well above the optimum there.")
