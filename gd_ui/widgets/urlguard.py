"""Every URL parameter checked before a widget binds it (``gd_ui.url_check`` decides; this applies).

``guard_url()`` runs first on every page (``frame.open_page``). A bad value (``step_epoch=inf``,
``w0=9``, ``std=maybe``) is removed from the URL and from what Streamlit seeds its widgets with, so the
widget shows its default, and one line says what was ignored; a valid value spelled another way
(``epochs=50000`` for the slider's ``50,000``, ``ds=clemson`` for the picker's label) is handed to the
widget in its own spelling.

Streamlit seeds a bound widget from the query string the run started with, which
``st.query_params`` cannot change for a bound key; ``set_initial_query_params`` and
``remove_param`` (Streamlit 1.67's query-parameter store, under the session's lock) are the two calls
that can, used here only.
"""

from __future__ import annotations

import functools
from urllib.parse import urlencode

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from gd_core.optimizers import OPTIMIZERS
from gd_ui import controls, lesson, url_check
from gd_ui.datasets import BUNDLED
from gd_ui.safe import md_text


@functools.cache
def specs() -> dict[str, url_check.Spec]:
    """A spec for every URL-bound widget key of every page (built once: the options are constants)."""
    from gd_ui.widgets import lab, landscape, schedule_controls  # they import the frame, which imports this

    predictors = ("tmax", "tmin", "rain")
    out = {
        "ds": url_check.choice([b.key for b in BUNDLED], {b.key: b.label for b in BUNDLED}.get, strict=False),
        "pred": url_check.choice(predictors, several=True), "x": url_check.choice(predictors),
        "std": url_check.flag(), "predict": url_check.flag(), "lab_excess": url_check.flag(),
        "lr": url_check.rate(), "w0": url_check.number(-3, 3), "b0": url_check.number(-60, 60),
        "epochs": url_check.choice(controls.EPOCH_STEPS, lambda e: f"{e:,}"),
        "lab_rates": url_check.choice(lab.MULTIPLES, lambda m: f"{m} ×", several=True, most=5),
        "land_w0": url_check.number(-3, 3), "land_b0": url_check.number(-60, 60),
        "land_epochs": url_check.choice(landscape.EPOCHS),
        "land_l2": url_check.choice(landscape.L2_SHARES, lambda m: "off" if m == "0" else f"{m}×"),
        "land_methods": url_check.choice(OPTIMIZERS, lambda m: OPTIMIZERS[m].label, several=True),
        "land_mb_batch": url_check.choice(landscape.BATCHES),
        "land_mb_seed": url_check.number(0, 1_000_000, whole=True),
        "land_mb_lr": url_check.choice(landscape.MULTIPLES, lambda v: f"{v}×"),
        "land_mb_epochs": url_check.choice((5, 10, 20, 50, 100)),
        "step_part": url_check.choice(lesson.PARTS),
        "step_epoch": url_check.number(0, lesson.MAX_EPOCH, whole=True),
        **{f"step_{name}": url_check.number(lo, hi) for name, (lo, hi) in lesson.WORKED_BOUNDS.items()},
    }
    for prefix in ("sched", "land_sched"):  # the learning-rate schedule (gd_ui.widgets.schedule_controls)
        out[prefix] = url_check.choice(schedule_controls.SCHEDULES)
        out[f"{prefix}_r"] = url_check.choice(schedule_controls.DECAY_RATES)
        out[f"{prefix}_k"] = url_check.choice(schedule_controls.DECAY_EPOCHS)
        out[f"{prefix}_w"] = url_check.choice(schedule_controls.WARMUPS)
    for key, opt in OPTIMIZERS.items():
        out[f"land_lr_{key}"] = (url_check.choice(landscape.STEPS, lambda v: f"{float(v):g}") if opt.adaptive
                                 else url_check.choice(landscape.MULTIPLES, lambda v: f"{v}×"))
        for name in opt.hyper:
            if name != "eps":
                out[f"land_{key}_{name}"] = url_check.choice(landscape.DECAYS)
    return out


def guard_url() -> url_check.Checked | None:
    """Check this run's URL parameters (see the module's docstring); returns what was decided."""
    ctx = get_script_run_ctx()
    if ctx is None:  # bare mode (no session): nothing to guard
        return None
    given = {name: st.query_params.get_all(name) for name in st.query_params}
    checked = url_check.check(given, specs())
    if not checked.changed:
        return checked
    with ctx.session_state.query_params() as qp:
        qp.set_initial_query_params(urlencode(checked.params, doseq=True))
        for name in checked.dropped:
            qp.remove_param(name)
    if (text := url_check.note(checked, specs())) is not None:
        st.info(md_text(text, limit=600), icon=":material/link_off:")
    return checked
