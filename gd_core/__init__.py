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
from gd_core.importer import (
    ImportReport,
    ImportResult,
    WeatherFileError,
    csv_safe,
    import_weather,
    inspect_dict,
)
from gd_core.landscape import Slice, loss_curve, loss_grid
from gd_core.model import backward, forward, init_params, init_tutorial, mse, mse_grad, param_grads
from gd_core.quadratic import Quadratic, gradient_descent_fast
from gd_core.scaling import Standardizer
from gd_core.theory import ZONES, Optimum, Theory, least_squares, persistence_baseline, theory

__all__ = [
    "DIVERGENCE_FACTOR",
    "FILL_STRATEGIES",
    "INITS",
    "ZONES",
    "Experiment",
    "History",
    "ImportReport",
    "ImportResult",
    "Optimum",
    "Problem",
    "Quadratic",
    "Slice",
    "Split",
    "Standardizer",
    "Theory",
    "WeatherFileError",
    "add_tomorrow",
    "backward",
    "csv_safe",
    "fill_missing",
    "forward",
    "gradient_descent",
    "gradient_descent_fast",
    "import_weather",
    "init_params",
    "init_tutorial",
    "inspect_dict",
    "least_squares",
    "loss_curve",
    "loss_grid",
    "make_problem",
    "mse",
    "mse_grad",
    "param_grads",
    "persistence_baseline",
    "read_weather_csv",
    "record_epochs",
    "split_points",
    "theory",
]
