"""A run in other media: the trajectory as CSV, the fit as JSON, and each chart as one sentence of text
(for screen readers and for the record). The offline chart is ``gd_ui.chart.offline``.

Pure functions (no Streamlit, no Plotly). Everything is in original units, as the charts are.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd

from gd_core.descent import History
from gd_core.experiment import Experiment
from gd_core.schedule_theory import schedule_theory
from gd_ui.chart.views import DescentData
from gd_ui.formats import equation, num
from gd_ui.safe import csv_safe

GRADIENT_NOTE = ("gradients are of half the MSE, J = ½·mean((ŷ − y)²), the tutorial's ŷ − y; "
                 "losses are MSE")


def trajectory_frame(history: History, predictors, schedule=None) -> pd.DataFrame:
    """One row per recorded epoch — the epochs the charts show as frames (an odd number apart, so an
    oscillation shows as one): epoch, weights, bias, training/validation MSE, gradients; with a
    learning-rate ``schedule``, also ``learning_rate``: η_t of the update taken at that epoch (empty at
    the last)."""
    table = {"epoch": history.epochs}
    for j, name in enumerate(predictors):
        table[f"weight_{name}"] = history.weights[:, j]
    table["bias"] = history.bias
    table["train_mse"] = history.train_loss
    table["valid_mse"] = history.valid_loss
    for j, name in enumerate(predictors):
        table[f"grad_weight_{name}"] = history.grad_w[:, j]
    table["grad_bias"] = history.grad_b
    if schedule is not None and not schedule.is_constant(history.epochs_requested):
        rates = np.append(schedule.rates(history.lr, history.epochs_requested), np.nan)
        table["learning_rate"] = rates[np.minimum(history.epochs, history.epochs_requested)]
    return pd.DataFrame(table)


def trajectory_csv(history: History, predictors, schedule=None) -> str:
    """The trajectory as CSV text; numbers written exactly (round-trip), labels spreadsheet-safe."""
    return csv_safe(trajectory_frame(history, predictors, schedule)).to_csv(index=False, float_format=None)


def _finite(value):
    """JSON has no inf/nan: they become null."""
    value = float(value)
    return value if math.isfinite(value) else None


def parameters(exp: Experiment, history: History, *, dataset_key: str, lr: float, schedule=None) -> dict:
    """The fit and its context as plain JSON-ready values (original units); with a learning-rate
    ``schedule`` (``lr`` its peak), its parameters and its theory under ``"schedule"``."""
    p, opt, th = exp.problem, exp.optimum, exp.theory

    def weights(w) -> dict:
        return {name: _finite(w[j]) for j, name in enumerate(p.predictors)}

    final_w, final_b = history.final_weights, history.final_bias
    return {
        "dataset": dataset_key,
        "target": p.target,
        "predictors": list(p.predictors),
        "standardized_descent": exp.scaler is not None,
        "units": "original (parameters as applied to the unstandardised predictors)",
        "learning_rate": _finite(lr),
        "epochs_requested": int(history.epochs_requested),
        "epochs_run": int(history.epochs_run),
        "diverged_at": history.diverged_at,
        "start": {"weights": weights(history.weights[0]), "bias": _finite(history.bias[0])},
        "fitted": {"weights": weights(final_w), "bias": _finite(final_b)},
        "mse": {k: _finite(v) for k, v in exp.losses(final_w, final_b).items()},
        "optimum": {"weights": weights(opt.weights), "bias": _finite(opt.bias),
                    "mse": {"train": _finite(opt.train), "valid": _finite(opt.valid),
                            "test": _finite(opt.test)}},
        "theory": {"lambda_max": _finite(th.lambda_max), "critical_lr": _finite(th.critical_lr),
                   "optimal_lr": _finite(th.optimal_lr), "condition_number": _finite(th.condition_number),
                   "eta_lambda_max": _finite(lr * th.lambda_max), "zone": th.zone(lr)},
        "convention": GRADIENT_NOTE,
    } | ({"schedule": schedule_part(exp, history, schedule, lr)} if schedule is not None else {})


def schedule_part(exp: Experiment, history: History, schedule, lr: float) -> dict:
    """A schedule's parameters, label and theory, JSON-ready (inf/nan as null)."""
    th = schedule_theory(exp.quadratic, lr, schedule, history.epochs_requested, history.diverged_at)
    theory = th.to_dict()
    theory["total_factors"] = [_finite(v) for v in theory["total_factors"]]
    return {**schedule.to_dict(), "label": schedule.describe(), "theory": theory}


def parameters_json(exp: Experiment, history: History, *, dataset_key: str, lr: float, schedule=None) -> str:
    return json.dumps(parameters(exp, history, dataset_key=dataset_key, lr=lr, schedule=schedule), indent=2,
                      ensure_ascii=False, allow_nan=False)


# --- each chart in one sentence -------------------------------------------------------------------------

def descent_summary(d: DescentData) -> str:
    """One sentence for the three-panel figure: where the fit line, the weight and its gradient went."""
    h, i = d.history, d.index
    w, b = h.weights[:, i], h.bias
    other = h.weights @ d.means - w * d.means[i]
    start, end = equation(w[0], b[0] + other[0]), equation(w[-1], b[-1] + other[-1])
    held = " (other predictors at their means)" if d.multi else ""
    last = f"epoch {h.epochs_run:,}"
    fate = f"; the run diverged at epoch {h.diverged_at:,}, so this is the last finite state" \
        if h.diverged else ""
    return (f"Chart summary: the fit line{held} moves from {start} at epoch 0 to {end} at {last}{fate}; "
            f"the weight {d.weight_name} goes from {num(w[0])} to {num(w[-1])} (least squares: "
            f"{num(d.optimum_weight)}), its gradient ∂J/∂{d.weight_name} from {num(h.grad_w[0, i])} to "
            f"{num(h.grad_w[-1, i])}, and the training MSE from {num(h.train_loss[0])} to "
            f"{num(h.train_loss[-1])}.")


def loss_summary(history: History, optimum_loss: float, baseline: float | None = None) -> str:
    """One sentence for the loss-per-epoch chart."""
    h = history
    valid = h.valid_loss[-1]
    text = (f"Chart summary: training MSE goes from {num(h.train_loss[0])} at epoch 0 to "
            f"{num(h.train_loss[-1])} at epoch {h.epochs_run:,} (optimum {num(optimum_loss)})")
    if np.isfinite(valid):
        text += f"; validation MSE ends at {num(valid)}"
    if baseline is not None:
        text += f" (tomorrow = today: {num(baseline)})"
    if h.diverged:
        text += f"; the run diverged at epoch {h.diverged_at:,}"
    return text + "."
