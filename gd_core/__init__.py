"""Descent Lab's core: the tutorial's gradient descent, exact and instant, with its theory.

Pure numpy/pandas: never imports streamlit or plotly. The public face:
"""

from gd_core.data import (
    FILL_STRATEGIES,
    Problem,
    Split,
    add_tomorrow,
    fill_missing,
    make_problem,
    read_weather_csv,
    split_points,
)
from gd_core.descent import DIVERGENCE_FACTOR, History, gradient_descent, record_epochs
from gd_core.experiment import INITS, Experiment
from gd_core.importer import ImportReport, ImportResult, WeatherFileError, import_weather
from gd_core.model import backward, forward, init_params, init_tutorial, mse, mse_grad, param_grads
from gd_core.optimizers import METHODS, OPTIMIZERS, Optimizer, optimize
from gd_core.quadratic import Quadratic, along, augment, epochs_for_factor, is_singular
from gd_core.scaling import Standardizer
from gd_core.theory import ZONES, Optimum, Theory, least_squares, persistence_baseline, theory

__all__ = [
    "DIVERGENCE_FACTOR",
    "FILL_STRATEGIES",
    "INITS",
    "METHODS",
    "OPTIMIZERS",
    "ZONES",
    "Experiment",
    "History",
    "ImportReport",
    "ImportResult",
    "Optimizer",
    "Optimum",
    "Problem",
    "Quadratic",
    "Split",
    "Standardizer",
    "Theory",
    "WeatherFileError",
    "add_tomorrow",
    "along",
    "augment",
    "backward",
    "epochs_for_factor",
    "fill_missing",
    "forward",
    "gradient_descent",
    "import_weather",
    "init_params",
    "init_tutorial",
    "is_singular",
    "least_squares",
    "make_problem",
    "mse",
    "mse_grad",
    "optimize",
    "param_grads",
    "persistence_baseline",
    "read_weather_csv",
    "record_epochs",
    "split_points",
    "theory",
]
