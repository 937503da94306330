"""The cached core calls every page shares, keyed by plain values only.

A dataset enters a key as its ``key`` string (the frame itself is an underscore argument Streamlit does
not hash); a model as a :class:`Model` of plain values. Results are bounded with ``max_entries``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import streamlit as st

from gd_core.data import MAX_FILL_DAYS, make_problem
from gd_core.descent import gradient_descent
from gd_core.experiment import Experiment
from gd_core.optimizers import optimize
from gd_core.quadratic import Quadratic
from gd_core.sweep import Sweep, sweep
from gd_core.trajectories import trajectory
from gd_ui.datasets import BUNDLED_BY_KEY, Dataset, read_bundled

FRAMES = 200  # epochs recorded per playground run: every one of them is a frame of the animation


@dataclass(frozen=True)
class Model:
    """Which predictors, which one the 1-D charts show, the target, standardisation."""

    predictors: tuple[str, ...]
    shown: str
    target: str
    standardize: bool

    @property
    def index(self) -> int:
        return self.predictors.index(self.shown)


@st.cache_data(max_entries=4, show_spinner=False)
def bundled_frame(key: str):
    return read_bundled(key)


def bundled_dataset(key: str) -> Dataset:
    b = BUNDLED_BY_KEY[key]
    return Dataset(b.key, b.label, bundled_frame(key), b.temperature_unit, b.rain_unit, b.note)


@st.cache_data(max_entries=16, show_spinner=False)
def experiment(key: str, _frame, model: Model) -> Experiment:
    """Everything that does not depend on the run: split, Hessian, theory, optimum (one pass)."""
    problem = make_problem(_frame, model.predictors, model.target, max_fill_days=MAX_FILL_DAYS)
    return Experiment.build(problem,
                            standardize=model.standardize)


@st.cache_data(max_entries=64, show_spinner=False)
def descent(key: str, _exp: Experiment, model: Model, w0: tuple, b0: float, lr: float, epochs: int,
            frames: int = FRAMES, schedule=None):
    """The run, in original units (closed form: milliseconds at any epoch count; ``schedule``: a
    learning-rate schedule whose peak is ``lr``)."""
    history = _exp.run(np.asarray(w0), b0, lr=lr, epochs=epochs, max_points=frames, schedule=schedule)
    return _exp.history_in_original_units(history)


@st.cache_data(max_entries=32, show_spinner=False)
def literal_run(key: str, _exp: Experiment, model: Model, w0: tuple, b0: float, lr: float, epochs: int):
    """The tutorial's loop itself (gd_core.descent), every epoch recorded, in the model's space."""
    p = _exp.model_problem
    return gradient_descent(p.train.x, p.train.y, np.asarray(w0), b0, lr=lr, epochs=epochs,
                            x_valid=p.valid.x, y_valid=p.valid.y, max_points=max(epochs + 1, 2))


@st.cache_data(max_entries=32, show_spinner=False)
def rate_sweep(key: str, _exp: Experiment, model: Model, w0: tuple, b0: float, epochs: int,
               n: int, schedule=None) -> tuple[Sweep, float]:
    """The sweep (closed form; with a schedule, of its peak rate) and the seconds it took."""
    start = time.perf_counter()
    result = sweep(_exp, np.asarray(w0), b0, epochs=epochs, n=n, schedule=schedule)
    return result, time.perf_counter() - start


@st.cache_data(max_entries=16, show_spinner=False)
def penalised(key: str, _exp: Experiment, model: Model, l2: float) -> Quadratic:
    """The training loss plus a ridge penalty α·‖w‖², as a quadratic (exact; no rows)."""
    return _exp.quadratic.ridge(l2)


@st.cache_data(max_entries=128, show_spinner=False)
def path(key: str, _quad: Quadratic, model: Model, l2: float, method: str, lr: float, epochs: int,
         w0: float, b0: float, hyper: tuple, schedule=None):
    """One optimizer's every epoch on the (penalised) quadratic, cached by its own settings only
    (``schedule``: its rate per epoch, peak ``lr``; each update is then the literal one)."""
    rates = None if schedule is None or schedule.is_constant(epochs) else schedule.rates(lr, epochs)
    return trajectory(_quad, [w0], b0, method=method, lr=lr, epochs=epochs, rates=rates, **dict(hyper))


@st.cache_data(max_entries=32, show_spinner=False)
def noisy_path(key: str, _exp: Experiment, model: Model, l2: float, lr: float, epochs: int, w0: float,
               b0: float, batch: int | None, seed: int):
    """Mini-batch or stochastic descent over the rows (the literal loop: each update is a Python step)."""
    p = _exp.model_problem.train
    return optimize(p.x, p.y, np.array([w0]), b0, method="gd", lr=lr, epochs=epochs, l2=l2,
                    batch_size=batch, seed=seed, max_points=None)
