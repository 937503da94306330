"""The quadratic's slices, grids and level sets against slow loops over the rows; standardisation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gd_core.data import make_problem
from gd_core.quadratic import Quadratic, along
from gd_core.scaling import Standardizer


@pytest.fixture
def data():
    rng = np.random.default_rng(11)
    x = rng.normal(size=(40, 3)) * [3.0, 1.0, 0.2] + [50.0, 40.0, 0.1]
    y = x @ [0.7, 0.2, -2.0] + 5 + rng.normal(size=40)
    return x, y, np.array([0.4, 0.3, -1.0]), 2.5


def slow_mse(x, y, w, b) -> float:
    """MSE one row at a time."""
    total = 0.0
    for row, target in zip(x, y):
        total += (sum(xi * wi for xi, wi in zip(row, w)) + b - target) ** 2
    return total / len(y)


def with_weight(w, index, value):
    w = np.array(w, dtype=float)
    w[index] = value
    return w


@pytest.mark.parametrize("index", [0, 1, 2])
def test_a_slice_along_one_weight_is_the_double_loop(data, index):
    """``along``: the loss and half-MSE gradient as weight i moves, everything else fixed."""
    x, y, w, b = data
    grid = np.linspace(-1.0, 2.0, 13)
    loss0 = slow_mse(x, y, w, b)
    grad0 = float(np.mean((x @ w + b - y) * x[:, index]))  # ∂J/∂wᵢ at the base point
    loss, grad = along(loss0, grad0, float(np.mean(x[:, index] ** 2)), grid - w[index])
    assert loss.shape == grad.shape == grid.shape
    np.testing.assert_allclose(loss, [slow_mse(x, y, with_weight(w, index, g), b) for g in grid],
                               rtol=1e-10)
    h = 1e-6  # the gradient is ∂J/∂wᵢ of the half-MSE J = ½·MSE
    fd = [(slow_mse(x, y, with_weight(w, index, g + h), b) - slow_mse(x, y, with_weight(w, index, g - h), b))
          / (4 * h) for g in grid]
    np.testing.assert_allclose(grad, fd, rtol=1e-5, atol=1e-6)


def test_the_quadratic_over_a_weight_bias_grid_is_the_double_loop(data):
    x, y, _, _ = data
    one = x[:, [1]]
    quad = Quadratic.from_data(one, y)
    weights = np.linspace(-1, 2, 9)
    biases = np.linspace(-10, 20, 5)
    grid = quad.loss(weights[None, :], biases[:, None])
    assert grid.shape == (len(biases), len(weights))
    slow = np.array([[slow_mse(one, y, [wi], bj) for wi in weights] for bj in biases])
    np.testing.assert_allclose(grid, slow, rtol=1e-10)


@pytest.mark.parametrize("l2", [0.0, 0.7])
def test_level_sets_are_ellipses_on_which_the_loss_is_the_level(data, l2):
    x, y, _, _ = data
    quad = Quadratic.from_data(x[:, [0]], y).ridge(l2)
    level = quad.min_loss * 1.5 + 3.0
    points = quad.level_set(level, points=37)
    slow = [slow_mse(x[:, [0]], y, [w], b) + l2 * w * w for w, b in points]  # MSE + α·w², row by row
    np.testing.assert_allclose(slow, level, rtol=1e-9)
    with pytest.raises(ValueError, match="one weight and the bias"):
        Quadratic.from_data(x, y).level_set(level)


# --- standardisation --------------------------------------------------------------------------------

def test_standardizer_uses_training_mean_and_std(data):
    x, *_ = data
    scaler = Standardizer.fit(x)
    xs = scaler.transform(x)
    np.testing.assert_allclose(xs.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(xs.std(axis=0), 1, rtol=1e-12)
    constant = Standardizer.fit(np.column_stack([x[:, 0], np.full(len(x), 7.0)]))
    assert constant.scale[1] == 1.0 and constant.mean[1] == 7.0


def test_to_original_gives_the_same_predictions_in_original_units(data):
    x, y, *_ = data
    scaler = Standardizer.fit(x)
    xs = scaler.transform(x)
    theta_s, *_ = np.linalg.lstsq(np.column_stack([xs, np.ones(len(x))]), y, rcond=None)
    w_o, b_o = scaler.to_original(theta_s[:-1], theta_s[-1])
    np.testing.assert_allclose(x @ w_o + b_o, xs @ theta_s[:-1] + theta_s[-1], rtol=1e-10)
    theta_o, *_ = np.linalg.lstsq(np.column_stack([x, np.ones(len(x))]), y, rcond=None)
    np.testing.assert_allclose(np.append(w_o, b_o), theta_o, rtol=1e-8)  # the same optimum
    w_s, b_s = scaler.to_standardized(w_o, b_o)
    np.testing.assert_allclose(np.append(w_s, b_s), theta_s, rtol=1e-10)


def test_to_original_maps_a_whole_history(data):
    x, *_ = data
    scaler = Standardizer.fit(x)
    rng = np.random.default_rng(3)
    w_s, b_s = rng.normal(size=(5, 3)), rng.normal(size=5)
    w_o, b_o = scaler.to_original(w_s, b_s)
    assert w_o.shape == (5, 3) and b_o.shape == (5,)
    for k in range(5):
        np.testing.assert_allclose(x @ w_o[k] + b_o[k], scaler.transform(x) @ w_s[k] + b_s[k], rtol=1e-10)
    back_w, back_b = scaler.to_standardized(w_o, b_o)
    np.testing.assert_allclose(back_w, w_s, rtol=1e-12)
    np.testing.assert_allclose(back_b, b_s, rtol=1e-12)


def test_apply_standardises_every_split_with_the_training_statistics():
    rng = np.random.default_rng(4)
    dates = pd.date_range("2000-01-01", periods=60, freq="D", name="date")
    frame = pd.DataFrame({"tmax": 20 + 5 * rng.normal(size=60), "rain": rng.exponential(size=60)},
                         index=dates)
    problem = make_problem(frame, ["tmax", "rain"], "tmax_tomorrow")
    scaler = Standardizer.fit(problem.train.x)
    scaled = scaler.apply(problem)
    for name in ("train", "valid", "test"):
        before, after = getattr(problem, name), getattr(scaled, name)
        np.testing.assert_allclose(after.x, (before.x - problem.train.x.mean(axis=0))
                                   / problem.train.x.std(axis=0), rtol=1e-12)
        np.testing.assert_array_equal(after.y, before.y)
