"""From core results to what the pages show: figure inputs and tables. Pure: no Streamlit, no Plotly."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gd_core.descent import History
from gd_core.experiment import Experiment
from gd_ui.datasets import Dataset


@dataclass(frozen=True)
class DescentData:
    """What the three-panel figure needs, all in original units.

    ``x``/``y``: the shown predictor and the target on the training split; ``history``: the run in
    original units; ``index``: the shown predictor's column; ``means``: training means of every
    predictor (to draw a multi-predictor model as a line); ``x2``: mean(xᵢ²) on the training split, the
    loss's curvature along that weight.
    """

    x: np.ndarray
    y: np.ndarray
    history: History
    index: int
    means: np.ndarray
    x2: float
    optimum_weight: float
    optimum_loss: float
    x_title: str
    y_title: str
    weight_name: str
    multi: bool  # the model uses several predictors


def descent_data(exp: Experiment, history: History, index: int, dataset: Dataset) -> DescentData:
    """Inputs of the three-panel figure, for a history already in original units."""
    p = exp.problem
    x = p.train.x[:, index]
    name = p.predictors[index]
    return DescentData(
        x=x, y=p.train.y, history=history, index=index, means=p.train.x.mean(axis=0),
        x2=float(np.mean(x ** 2)), optimum_weight=float(exp.optimum.weights[index]),
        optimum_loss=exp.optimum.train, x_title=f"today's {dataset.title_of(name)}",
        y_title=f"tomorrow's {dataset.title_of(p.target.removesuffix('_tomorrow'))}",
        weight_name=f"w({name})", multi=p.n_features > 1)


NUMBER_COLUMNS = ("descent", "optimum", "baseline")


def numbers_rows(exp: Experiment, history: History) -> list[tuple[str, tuple[str, str, str]]]:
    """Parameters and MSEs of the run beside the closed-form optimum and the persistence baseline
    ("tomorrow = today"), as (label, cells of :data:`NUMBER_COLUMNS`), each cell text with five
    significant digits (large values in e-notation), empty where there is no value."""
    p, opt = exp.problem, exp.optimum
    w, b = history.final_weights, history.final_bias
    run = exp.losses(w, b)
    rows = [(f"weight {n}", (w[i], opt.weights[i], None)) for i, n in enumerate(p.predictors)]
    rows.append(("bias", (b, opt.bias, None)))
    base = exp.baseline or {}
    for split, label in (("train", "training"), ("valid", "validation"), ("test", "test")):
        rows.append((f"{label} MSE", (run[split], getattr(opt, split), base.get(split))))
    return [(label, tuple(_cell(v) for v in values)) for label, values in rows]


def _cell(value) -> str:
    return "" if value is None or value != value else f"{float(value):.5g}"
