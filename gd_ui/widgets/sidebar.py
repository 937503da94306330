"""The sidebar every page shares: navigation, dataset, model and run controls.

Each ``*_controls`` function draws a group of widgets and returns plain values. Widget keys (see
``gd_ui.state``) double as URL parameters (``bind="query-params"``), so any view is a link, and persist
across pages (``persist_state="session"``). A value the app decides itself (a followed link, a reset
after a dataset change) is written to the session *before* its widget is drawn, and that widget is then
drawn without a default, so Streamlit never sees two competing values for one key.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from gd_core.experiment import Experiment
from gd_core.model import init_tutorial
from gd_core.schedules import CONSTANT, Schedule
from gd_ui import controls, presets
from gd_ui.datasets import BUNDLED, BUNDLED_BY_KEY, DEFAULT_KEY, Dataset
from gd_ui.formats import kappa, sci
from gd_ui.pages import PAGES
from gd_ui.safe import md_text
from gd_ui.state import DEFAULT_B0, DEFAULT_W0, RateChoice, RateInputs, reconcile_rate
from gd_ui.status import MEANING, REGIME_OF_ZONE, ZONE_BADGE, rate_phrase
from gd_ui.widgets import navigation
from gd_ui.widgets.cache import Model, bundled_dataset, experiment, varying_columns

BOUND = dict(bind="query-params", persist_state="session")
PREDICTORS = ("tmax", "tmin", "rain")
UPLOADS, ACTIVE, DROPPED = "data_uploads", "data_active", "data_dropped"
KEEP_UPLOADS = 3  # the active upload and two recent ones: each costs a few times its file size


def page_nav() -> None:
    """The sidebar's page list, with readable names (the file names stay as the URLs)."""
    for page in PAGES:
        st.sidebar.page_link(navigation.target(page.key), label=page.label, icon=page.icon)
    st.sidebar.divider()


# --- the dataset -------------------------------------------------------------------------------------

def datasets() -> dict[str, Dataset | None]:
    """Every dataset this session can pick, bundled first (loaded lazily) then uploads."""
    choices: dict[str, Dataset | None] = {b.key: None for b in BUNDLED}
    choices.update(st.session_state.get(UPLOADS, {}))
    return choices


def _remember_choice() -> None:
    st.session_state[ACTIVE] = st.session_state["ds"]


def add_upload(dataset: Dataset, *, activate: bool = True) -> None:
    """Register an uploaded dataset for the session (a callback); keep at most ``KEEP_UPLOADS``, dropping
    the oldest ones that are not active, and remember their names so the picker can say so."""
    uploads = st.session_state.setdefault(UPLOADS, {})
    uploads.pop(dataset.key, None)
    uploads[dataset.key] = dataset  # newest last
    if activate:
        st.session_state["ds"] = st.session_state[ACTIVE] = dataset.key
    active = st.session_state.get(ACTIVE)
    while len(uploads) > KEEP_UPLOADS:
        oldest = next(k for k in uploads if k != active)
        st.session_state[DROPPED] = (*st.session_state.get(DROPPED, ())[-4:], uploads.pop(oldest).label)


def dataset_picker(box=None) -> Dataset:
    """The dataset selector (sidebar); returns the active dataset.

    The choice is also kept under its own session key: a page switch re-creates the widget, and the
    active dataset must survive that on every page. A link may name the dataset by key or label; a
    link to an upload this session does not have says so and shows the default.
    """
    choices = datasets()
    linked = st.query_params.get("ds")
    if st.session_state.get(ACTIVE) in choices:
        st.session_state["ds"] = st.session_state[ACTIVE]
    elif linked in choices:
        st.session_state["ds"] = linked
    elif st.session_state.get("ds") not in choices:
        st.session_state["ds"] = DEFAULT_KEY
        if linked and not _names_bundled(linked):
            st.info("The link names a dataset this session does not have (an upload is kept only in the "
                    "session that uploaded it): showing the default dataset instead.")

    def label(k: str) -> str:
        return choices[k].label if choices[k] is not None else BUNDLED_BY_KEY[k].label

    box = box or st.sidebar
    key = box.selectbox("Dataset", list(choices), format_func=label, key="ds",
                               on_change=_remember_choice,
                               help="Bundled real weather data; your own files join this list from the "
                                    "Data page.", **BOUND)
    if st.session_state.get(DROPPED):
        box.caption("Dropped to save memory (upload again to use): "
                           + "; ".join(md_text(label) for label in st.session_state[DROPPED]))
    st.session_state[ACTIVE] = key
    return choices[key] if choices[key] is not None else bundled_dataset(key)


def _names_bundled(linked: str) -> bool:
    return linked in BUNDLED_BY_KEY or any(b.label == linked for b in BUNDLED)


def forget_unknown(key: str, options) -> None:
    """A value from an old link or another dataset that is not an option: forget it."""
    if key in st.session_state and st.session_state[key] not in options:
        del st.session_state[key]


# --- the model --------------------------------------------------------------------------------------

def model_controls(dataset: Dataset, box=None) -> Model:
    """Which predictors the model uses, which one the 1-D charts show, standardisation."""
    box = box or st.sidebar
    present, available = varying_columns(dataset.key, dataset.frame, PREDICTORS)
    if "tmax" not in available:
        st.error("This dataset has no varying daily maximum temperature (tmax), which the lab "
                 "predicts. Pick another dataset, or map a column to tmax on the Data page.")
        st.stop()
    if len(available) < len(present):
        box.caption("Left out, constant on every day: " +
                           ", ".join(c for c in present if c not in available))
    if any(p not in available for p in st.session_state.get("pred", [])):
        st.session_state.pop("pred", None)
    predictors = box.multiselect(
        "Predictors in the model", available, default=available[:1], key="pred",
        help="The tutorial uses tmax, tmin and rain. With one predictor the charts show the whole model.",
        **BOUND) or available[:1]
    if st.session_state.get("x") not in predictors:
        st.session_state.pop("x", None)
    shown = box.selectbox("Predictor on the charts", predictors, key="x", **BOUND)
    standardize = box.toggle(
        "Standardise features", value=False, key="std",
        help="Descend on (x − mean)/std of the training split. Sliders and charts stay in "
             "original units.", **BOUND)
    return Model(tuple(predictors), shown, "tmax_tomorrow", standardize)


def experiment_or_stop(dataset: Dataset, model: Model) -> Experiment:
    try:
        return experiment(dataset.key, dataset.frame, model)
    except ValueError as exc:
        st.error("This dataset cannot be used with these settings:")
        st.text(str(exc))
        st.stop()


# --- the run ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Run:
    lr: float
    lr_text: str  # as spelled on the slider (and in the URL)
    w0: float  # the shown predictor's starting weight, original units
    b0: float  # starting bias, original units
    epochs: int
    rates: tuple[str, ...] = ()  # the rate slider's options, ascending
    schedule: Schedule = CONSTANT  # the learning-rate schedule (lr is its peak): widgets.schedule_controls


WRITTEN = "_api_written"  # session key: widget keys a callback wrote since the last run


def set_values(**values) -> None:
    """Write sidebar widget values from a callback (the tutorial's start, the live chart's commit); the
    widgets are then drawn without a default, so Streamlit never sees two values for one key."""
    st.session_state.update(values)
    st.session_state[WRITTEN] = {*st.session_state.get(WRITTEN, ()), *values}


def _set_tutorial_start(n_features: int, index: int) -> None:
    w, b = init_tutorial(n_features)
    set_values(w0=float(w[index]), b0=float(b))


def _default(key: str, value, written: set):
    """A widget's default, unless its value was written this run (then the session's value stands)."""
    return None if key in written else value


def rate_choice(exp: Experiment, model: Model, dataset_key: str) -> RateChoice:
    """The rate slider's options and value on this run, from the session and the URL (nothing is
    written: :func:`rate_slider` draws it)."""
    state = st.session_state
    return reconcile_rate(RateInputs(
        widget=state.get("lr"), last_drawn=state.get("_lr_value"), url=st.query_params.get("lr"),
        seen="_lr_seen" in state, last_url=state.get("_lr_url"), context=_context(model, dataset_key),
        previous=state.get("_run_context"), critical=exp.theory.critical_lr,
        exact=(*(p.spelled for p in presets.presets(exp.theory)), 1e-4)))


def _context(model: Model, dataset_key: str) -> tuple:
    return dataset_key, model.predictors, model.standardize


def rate_slider(exp: Experiment, model: Model, dataset_key: str, box) -> tuple[str, list]:
    """The learning-rate slider (log scale) with the theory beside it; returns the rate as spelled and
    the slider's options."""
    state = st.session_state
    written = st.session_state.pop(WRITTEN, set())
    choice = rate_choice(exp, model, dataset_key)
    url = st.query_params.get("lr")
    native = state["lr"] if "lr" in state else url if url in choice.options else choice.default
    if choice.value != native:  # a link followed, a reset, an off-grid rate: the app decides
        state["lr"] = choice.value
        written.add("lr")
    state["_lr_seen"], state["_run_context"] = True, _context(model, dataset_key)
    text = box.select_slider("Learning rate η (log scale)", choice.options, key="lr",
                             value=_default("lr", choice.default, written),
                             help="From 1/1000 to 10× this data's critical rate 2/λmax.", **BOUND)
    state[WRITTEN] = written - {"lr"}  # the start's sliders are drawn next
    state["_lr_value"], state["_lr_url"] = text, st.query_params.get("lr")
    th = exp.theory
    zone = th.zone(float(text))
    # "Predict first" on the playground, or a class poll before its reveal: the zone would give the
    # answer away, so it waits.
    badge = ":gray-badge[**predict first**]" if state.get("predict") or state.get("poll_hide") else \
        f":{ZONE_BADGE[zone]}-badge[**{zone}**] {MEANING[REGIME_OF_ZONE[zone]]}  \n" \
        f"Why: {rate_phrase(th, float(text))}"  # plain words first, then the numbers
    box.markdown(f"{badge}  \ncritical 2/λmax: **{sci(th.critical_lr, 4)}**  \n"
                        f"optimal 2/(λmin+λmax): **{sci(th.optimal_lr, 4)}**  \n"
                        f"condition number κ: **{kappa(th.condition_number)}**")
    return text, choice.options


def length_controls(model: Model, box=None) -> int:
    """The epochs and the tutorial's start (drawn under the rate and the start, though before them:
    on the Playground those two are redrawn alone when they change)."""
    sb = box or st.sidebar
    epochs = sb.select_slider("Epochs", controls.EPOCH_STEPS, value=10_000, key="epochs",
                              format_func=lambda e: f"{e:,}", **BOUND)
    sb.button("Tutorial's starting values", on_click=_set_tutorial_start,
              args=(len(model.predictors), model.index), width="stretch",
              help="The tutorial's seeded start: k = √(1/d), w ~ U(−k, k) from RandomState(0), b = k.")
    return int(epochs)


def rate_and_start(exp: Experiment, model: Model, dataset_key: str, box, epochs: int,
                   schedule: Schedule = CONSTANT) -> Run:
    """The learning rate, initial weight and bias (the live chart writes the same keys), for a run of
    ``epochs`` with ``schedule``."""
    sb = box or st.sidebar
    text, options = rate_slider(exp, model, dataset_key, sb)
    written = st.session_state.pop(WRITTEN, set())
    w0 = sb.slider(f"Initial weight of {model.shown}", -3.0, 3.0, _default("w0", DEFAULT_W0, written), 0.01,
                   key="w0", help="Original units. Other predictors start at the tutorial's seeded values.",
                   **BOUND)
    b0 = sb.slider("Initial bias", -60.0, 60.0, _default("b0", DEFAULT_B0, written), 0.1, key="b0", **BOUND)
    return Run(float(text), text, float(w0), float(b0), epochs, tuple(options), schedule)


def start_in_model_space(exp: Experiment, model: Model, run: Run):
    """Slider values (original units) → the starting (w, b) the descent uses."""
    w, _ = init_tutorial(len(model.predictors))
    w = w.copy()
    w[model.index] = run.w0
    if exp.scaler is None:
        return w, run.b0
    ws, bs = exp.scaler.to_standardized(w, run.b0)
    return ws, float(bs)
