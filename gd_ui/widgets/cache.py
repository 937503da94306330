"""The cached core calls every page shares, keyed by plain values only.

A dataset enters a key as its ``key`` string (the frame itself is an underscore argument that is not
hashed); a model as a :class:`Model` of plain values. Results are bounded with ``max_entries``.

The calls every rerun of the playground makes (the dataset, the experiment, the run) are
:func:`shared`: one result per process, handed to every session as it is. ``st.cache_data`` hashes
its arguments with its own hasher and unpickles a fresh copy of the result on every hit, which cost
about a quarter of the server's CPU per slider change. What is shared is never changed: the core's
results are frozen dataclasses, and their numpy arrays are made read-only here, so a stray in-place
write raises instead of leaking into another session.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import threading
import time
from collections import OrderedDict
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


def _freeze(value, depth: int = 0):
    """Make the numpy arrays in ``value`` (a dataclass, tuple, list or dict, a few levels deep)
    read-only; return ``value``."""
    if isinstance(value, np.ndarray):
        value.setflags(write=False)
    elif depth < 4 and dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            _freeze(getattr(value, f.name), depth + 1)
    elif depth < 4 and isinstance(value, tuple | list):
        for item in value:
            _freeze(item, depth + 1)
    elif depth < 4 and isinstance(value, dict):
        for item in value.values():
            _freeze(item, depth + 1)
    return value


def shared(max_entries: int):
    """A process-wide cache keyed by the call's plain arguments (those not starting with ``_``, as
    for ``st.cache_data``), least recently used first out; the result is shared, not copied."""

    def decorate(fn):
        names = list(inspect.signature(fn).parameters)
        entries: OrderedDict = OrderedDict()
        lock = threading.Lock()

        @functools.wraps(fn)
        def cached(*args, **kwargs):
            bound = dict(zip(names, args)) | kwargs
            key = tuple((n, bound[n]) for n in names if n in bound and not n.startswith("_"))
            with lock:
                if key in entries:
                    entries.move_to_end(key)
                    return entries[key]
            value = _freeze(fn(*args, **kwargs))
            with lock:
                entries[key] = value
                while len(entries) > max_entries:
                    entries.popitem(last=False)
            return value

        cached.clear = entries.clear
        return cached

    return decorate


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


@shared(max_entries=4)
def bundled_frame(key: str):
    return read_bundled(key)


def bundled_dataset(key: str) -> Dataset:
    b = BUNDLED_BY_KEY[key]
    return Dataset(b.key, b.label, bundled_frame(key), b.temperature_unit, b.rain_unit, b.note)


@shared(max_entries=16)
def varying_columns(key: str, _frame, columns: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Which of ``columns`` the dataset has, and which of those vary (a constant predictor is left out):
    counting distinct values of 33,000 days was a tenth of a playground rerun."""
    present = tuple(c for c in columns if c in _frame.columns)
    return present, tuple(c for c in present if _frame[c].nunique() > 1)


@shared(max_entries=16)
def experiment(key: str, _frame, model: Model) -> Experiment:
    """Everything that does not depend on the run: split, Hessian, theory, optimum (one pass)."""
    problem = make_problem(_frame, model.predictors, model.target, max_fill_days=MAX_FILL_DAYS)
    return Experiment.build(problem,
                            standardize=model.standardize)


@shared(max_entries=64)
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
