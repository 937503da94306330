"""The sidebar every page shares, and the cached core calls behind it.

Widget functions draw a group of widgets and return plain values; the cached functions are keyed
by plain values only. Widget keys double as URL parameters (``bind="query-params"``), so any view
is a link, and persist across pages (``persist_state="session"``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import streamlit as st

from gd_core.data import make_problem
from gd_core.experiment import Experiment
from gd_core.model import init_tutorial
from gd_ui import controls, presets
from gd_ui.datasets import BUNDLED, BUNDLED_BY_KEY, DEFAULT_KEY, Dataset, read_bundled
from gd_ui.status import ZONE_BADGE, sci

UPLOADS = "data_uploads"  # session key: {dataset key: Dataset} of the user's own files
BOUND = dict(bind="query-params", persist_state="session")
PREDICTORS = ("tmax", "tmin", "rain")
DEFAULT_W0, DEFAULT_B0 = -0.5, 10.0


@st.cache_data(max_entries=4, show_spinner=False)
def bundled_frame(key: str):
    return read_bundled(key)


def bundled_dataset(key: str) -> Dataset:
    b = BUNDLED_BY_KEY[key]
    return Dataset(b.key, b.label, bundled_frame(key), b.temperature_unit, b.rain_unit, b.note)


def datasets() -> dict[str, Dataset | None]:
    """Every dataset this session can pick, bundled first (loaded lazily) then uploads."""
    choices: dict[str, Dataset | None] = {b.key: None for b in BUNDLED}
    choices.update(st.session_state.get(UPLOADS, {}))
    return choices


ACTIVE = "data_active"  # session key: the active dataset, kept even where the picker is not drawn


def _remember_choice() -> None:
    st.session_state[ACTIVE] = st.session_state["ds"]


def add_upload(dataset: Dataset, *, activate: bool = True) -> None:
    """Register an uploaded dataset for the session (call from a callback to activate it)."""
    st.session_state.setdefault(UPLOADS, {})[dataset.key] = dataset
    if activate:
        st.session_state["ds"] = st.session_state[ACTIVE] = dataset.key


ROOT = Path(__file__).resolve().parent.parent
PAGES = (("app.py", "Playground", ":material/tune:"),
         ("pages/1_Data.py", "Your data", ":material/upload_file:"),
         ("pages/2_Learning_Rate_Lab.py", "Learning-rate lab", ":material/science:"),
         ("pages/3_Loss_Landscape.py", "Loss landscape", ":material/terrain:"),
         ("pages/4_Step_Through.py", "Step through the lesson", ":material/school:"))


def page_nav() -> None:
    """The sidebar's page list, with readable names (the file names stay as the URLs)."""
    for path, label, icon in PAGES:
        if (ROOT / path).exists():
            st.sidebar.page_link(path, label=label, icon=icon)
    st.sidebar.divider()


def dataset_picker() -> Dataset:
    """The page list and the dataset selector (sidebar); returns the active dataset.

    The choice is also kept under its own session key: a page switch re-creates the widget, and
    the active dataset must survive that on every page.
    """
    page_nav()
    choices = datasets()
    linked = st.query_params.get("ds")
    if st.session_state.get(ACTIVE) in choices:
        st.session_state["ds"] = st.session_state[ACTIVE]
    elif linked in choices:  # a link may name the dataset by key (?ds=clemson) or by its label
        st.session_state["ds"] = linked
    elif st.session_state.get("ds") not in choices:
        st.session_state.pop("ds", None)
    key = st.sidebar.selectbox(
        "Dataset", list(choices), index=list(choices).index(DEFAULT_KEY),
        format_func=lambda k: choices[k].label if choices[k] is not None else BUNDLED_BY_KEY[k].label,
        key="ds", on_change=_remember_choice,
        help="Bundled real weather data; your own files join this list from the Data page.",
        **BOUND)
    st.session_state[ACTIVE] = key
    return choices[key] if choices[key] is not None else bundled_dataset(key)


@dataclass(frozen=True)
class ModelChoice:
    predictors: tuple[str, ...]
    shown: str
    target: str
    standardize: bool

    @property
    def index(self) -> int:
        return self.predictors.index(self.shown)


def model_controls(dataset: Dataset) -> ModelChoice:
    """Which predictors the model uses, which one the 1-D charts show, standardisation."""
    present = [c for c in PREDICTORS if c in dataset.frame.columns]
    available = [c for c in present if dataset.frame[c].nunique() > 1]
    if "tmax" not in available:
        st.error("This dataset has no varying daily maximum temperature (tmax), which the lab "
                 "predicts. Pick another dataset, or map a column to tmax on the Data page.")
        st.stop()
    if len(available) < len(present):
        st.sidebar.caption("Left out, constant on every day: " +
                           ", ".join(c for c in present if c not in available))
    if any(p not in available for p in st.session_state.get("pred", [])):
        st.session_state.pop("pred", None)
    predictors = st.sidebar.multiselect(
        "Predictors in the model", available, default=available[:1], key="pred",
        help="The tutorial uses tmax, tmin and rain. With one predictor the charts show the whole model.",
        **BOUND) or available[:1]
    if st.session_state.get("x") not in predictors:
        st.session_state.pop("x", None)
    shown = st.sidebar.selectbox("Predictor on the charts", predictors, key="x", **BOUND)
    standardize = st.sidebar.toggle(
        "Standardise features", value=False, key="std",
        help="Descend on (x − mean)/std of the training split. Sliders and charts stay in "
             "original units.", **BOUND)
    return ModelChoice(tuple(predictors), shown, "tmax_tomorrow", standardize)


@st.cache_data(max_entries=16, show_spinner=False)
def experiment(key: str, _frame, predictors: tuple, target: str, standardize: bool) -> Experiment:
    """Everything that does not depend on the run: split, Hessian, theory, optimum (one pass)."""
    return Experiment.build(make_problem(_frame, predictors, target), standardize=standardize)


def experiment_or_stop(dataset: Dataset, model: ModelChoice) -> Experiment:
    try:
        return experiment(dataset.key, dataset.frame, model.predictors, model.target, model.standardize)
    except ValueError as exc:
        st.error(f"This dataset cannot be used with these settings: {exc}")
        st.stop()


@dataclass(frozen=True)
class RunChoice:
    lr: float
    w0: float  # the shown predictor's starting weight, original units
    b0: float  # starting bias, original units
    epochs: int


def _tutorial_start(n_features: int, index: int) -> tuple[float, float]:
    w, b = init_tutorial(n_features)
    return float(w[index]), float(b)


def _set_tutorial_start(n_features: int, index: int) -> None:
    st.session_state["w0"], st.session_state["b0"] = _tutorial_start(n_features, index)


def run_controls(exp: Experiment, model: ModelChoice, dataset_key: str) -> RunChoice:
    """Learning rate (log scale, with the theory beside it), initial weight and bias, epochs.

    When the data or the model changes, the rate goes back to this data's default (0.4 × critical):
    a rate that suited one dataset can be 1000× off on another. A link sets everything at once and
    is never reset."""
    th = exp.theory
    # A link followed within the session (a preset, say) carries an exact rate that must reach the
    # slider as on a fresh visit, even when the same link also changes the dataset.
    followed = presets.followed_link(st.query_params.get("lr"), st.session_state.get("lr"))
    if followed:
        st.session_state["lr"] = st.query_params["lr"]
    context = (dataset_key, model.predictors, model.standardize)
    changed = st.session_state.get("_run_context", context) != context and not followed
    st.session_state["_run_context"] = context
    lam = th.lambda_max
    exact = (*(p.spelled for p in presets.presets(th)), 1e-4)  # presets as linked; the tutorial's rate
    # The rate to keep among the options even when it is off the grid: the widget's own value, the
    # value it had on the last page drawn (a page switch re-creates the widget), or a link's.
    linked = st.session_state.get("lr") or st.session_state.get("_lr_value") or (
        st.query_params.get("lr") if "_lr_seen" not in st.session_state else None)
    st.session_state["_lr_seen"] = True
    options = controls.lr_options(th.critical_lr, exact, linked)
    default = controls.default_lr(th.critical_lr, options)
    if changed:
        st.session_state["lr"] = default  # assigned, not dropped: the slider and the URL follow
    elif st.session_state.get("lr") is not None and st.session_state["lr"] not in options:
        current = controls.parse_rate(st.session_state["lr"])
        st.session_state["lr"] = controls.nearest(options, current) if current else default
    sb = st.sidebar
    lr_text = sb.select_slider("Learning rate η (log scale)", options, value=default, key="lr",
                               help="From 1/1000 to 10× this data's critical rate 2/λmax.", **BOUND)
    st.session_state["_lr_value"] = lr_text
    lr = float(lr_text)
    zone = th.zone(lr)
    cond = "∞ (singular)" if th.condition_number == float("inf") else f"{th.condition_number:,.0f}"
    # "Predict first" on the playground: the zone would give the answer away, so it waits.
    badge = ":gray-badge[**zone: predict first**]" if st.session_state.get("predict") else \
        f":{ZONE_BADGE[zone]}-badge[**{zone}**] &nbsp; η·λmax = {lr * lam:.3g}"
    sb.markdown(f"{badge}  \n"
                f"critical 2/λmax: **{sci(th.critical_lr, 4)}**  \n"
                f"optimal 2/(λmin+λmax): **{sci(th.optimal_lr, 4)}**  \n"
                f"condition number κ: **{cond}**")
    w0 = sb.slider(f"Initial weight of {model.shown}", -3.0, 3.0, DEFAULT_W0, 0.01, key="w0",
                   help="Original units. Other predictors start at the tutorial's seeded values.",
                   **BOUND)
    b0 = sb.slider("Initial bias", -60.0, 60.0, DEFAULT_B0, 0.1, key="b0", **BOUND)
    epochs = sb.select_slider("Epochs", controls.EPOCH_STEPS, value=10_000, key="epochs",
                              format_func=lambda e: f"{e:,}", **BOUND)
    sb.button("Tutorial's starting values", on_click=_set_tutorial_start,
              args=(model.predictors.__len__(), model.index), width="stretch",
              help="The tutorial's seeded start: k = √(1/d), w ~ U(−k, k) from RandomState(0), b = k.")
    return RunChoice(lr, float(w0), float(b0), int(epochs))


def start_in_model_space(exp: Experiment, model: ModelChoice, run: RunChoice):
    """Slider values (original units) → the starting (w, b) the descent uses."""
    w, _ = init_tutorial(len(model.predictors))
    w = w.copy()
    w[model.index] = run.w0
    if exp.scaler is None:
        return w, run.b0
    ws, bs = exp.scaler.to_standardized(w, run.b0)
    return ws, float(bs)


@st.cache_data(max_entries=64, show_spinner=False)
def descent(key: str, _exp: Experiment, predictors: tuple, target: str, standardize: bool,
            w0: tuple, b0: float, lr: float, epochs: int):
    """The run, in original units (closed form: milliseconds at any epoch count)."""
    history = _exp.run(np.asarray(w0), b0, lr=lr, epochs=epochs)
    return _exp.history_in_original_units(history)
