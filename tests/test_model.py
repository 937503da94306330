"""The tutorial's model against independent oracles: central finite differences and its own init."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gd_core.model import backward, forward, init_params, init_tutorial, mse, mse_grad, param_grads


def half_mse(x, y, w, b) -> float:
    """J = ½·mean((xw + b − y)²), written independently of gd_core."""
    return 0.5 * float(np.mean((x @ w + b - y) ** 2))


def central_diff(f, theta: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """∇f(θ) by central differences, one coordinate at a time."""
    grad = np.empty_like(theta)
    for i in range(theta.size):
        step = np.zeros_like(theta)
        step[i] = h
        grad[i] = (f(theta + step) - f(theta - step)) / (2 * h)
    return grad


@pytest.fixture(params=[0, 1, 2], ids=lambda s: f"seed{s}")
def data(request):
    rng = np.random.default_rng(request.param)
    n, d = 50, 3
    x = rng.normal(size=(n, d)) * [1.0, 3.0, 0.5] + [2.0, -1.0, 0.0]
    y = x @ rng.normal(size=d) + 1.5 + rng.normal(size=n)
    w = rng.normal(size=d)
    b = float(rng.normal())
    return x, y, w, b


def test_forward_is_the_affine_map_row_by_row(data):
    x, _, w, b = data
    expected = [sum(x[i, j] * w[j] for j in range(x.shape[1])) + b for i in range(len(x))]
    np.testing.assert_allclose(forward(x, w, b), expected, rtol=1e-13)


def test_mse_is_the_mean_of_squared_errors(data):
    x, y, w, b = data
    predicted = forward(x, w, b)
    expected = sum((yi - pi) ** 2 for yi, pi in zip(y, predicted)) / len(y)
    assert mse(y, predicted) == pytest.approx(expected, rel=1e-13)
    assert mse(y, y) == 0.0


def test_mse_grad_is_the_derivative_of_half_the_squared_error_per_row(data):
    x, y, w, b = data
    predicted = forward(x, w, b)

    def half_sse(p):  # Σ ½(ŷ − y)²: its gradient w.r.t. ŷ is the per-row ŷ − y
        return 0.5 * float(np.sum((p - y) ** 2))

    np.testing.assert_allclose(mse_grad(y, predicted), central_diff(half_sse, predicted), rtol=1e-6,
                               atol=1e-7)


def test_param_grads_match_central_differences_of_the_half_mse(data):
    x, y, w, b = data
    w_grad, b_grad = param_grads(x, mse_grad(y, forward(x, w, b)))
    theta = np.append(w, b)
    fd = central_diff(lambda t: half_mse(x, y, t[:-1], t[-1]), theta)
    np.testing.assert_allclose(np.append(w_grad, b_grad), fd, rtol=1e-6, atol=1e-7)


def test_gradient_is_half_the_derivative_of_the_reported_mse(data):
    """The documented convention: the tutorial descends J = ½·MSE, so ∇MSE = 2·(its gradient)."""
    x, y, w, b = data
    w_grad, b_grad = param_grads(x, mse_grad(y, forward(x, w, b)))
    theta = np.append(w, b)
    fd_mse = central_diff(lambda t: mse(y, forward(x, t[:-1], t[-1])), theta)
    np.testing.assert_allclose(np.append(w_grad, b_grad), fd_mse / 2, rtol=1e-6, atol=1e-7)
    assert not np.allclose(np.append(w_grad, b_grad), fd_mse, rtol=1e-3)  # not the full derivative


def test_backward_takes_one_step_down_the_finite_difference_gradient(data):
    x, y, w, b = data
    lr = 0.01
    new_w, new_b = backward(x, mse_grad(y, forward(x, w, b)), w, b, lr)
    fd = central_diff(lambda t: half_mse(x, y, t[:-1], t[-1]), np.append(w, b))
    np.testing.assert_allclose(np.append(new_w, new_b), np.append(w, b) - lr * fd, rtol=1e-9, atol=1e-9)
    assert half_mse(x, y, new_w, new_b) < half_mse(x, y, w, b)


def test_backward_does_not_mutate_its_inputs(data):
    x, y, w, b = data
    before = w.copy()
    backward(x, mse_grad(y, forward(x, w, b)), w, b, 0.1)
    np.testing.assert_array_equal(w, before)


@pytest.mark.parametrize("n_features", [1, 2, 3, 5])
def test_init_tutorial_is_the_tutorials_seeded_draw(n_features):
    k = math.sqrt(1 / n_features)
    expected = np.random.RandomState(0).rand(n_features, 1) * 2 * k - k
    w, b = init_tutorial(n_features)
    np.testing.assert_array_equal(w, expected[:, 0])
    assert b == pytest.approx(k, rel=1e-15)
    assert w.shape == (n_features,)
    assert np.all(np.abs(w) <= k)


def test_init_tutorial_for_the_tutorials_three_predictors():
    k = math.sqrt(1 / 3)
    w, b = init_tutorial(3)
    np.testing.assert_array_equal(w, (np.random.RandomState(0).rand(3, 1) * 2 * k - k)[:, 0])
    assert b == pytest.approx(0.5773502691896257, rel=1e-15)  # k = √(1/3)


def test_init_tutorial_leaves_the_global_random_state_alone():
    before = np.random.get_state()
    init_tutorial(3)
    after = np.random.get_state()
    np.testing.assert_array_equal(after[1], before[1])
    assert after[2] == before[2]


def test_init_params_explicit_values():
    w, b = init_params(3)
    np.testing.assert_array_equal(w, np.zeros(3))
    assert b == 0.0
    w, b = init_params(3, weights=0.5, bias=-2)
    np.testing.assert_array_equal(w, [0.5, 0.5, 0.5])
    assert b == -2.0
    source = np.array([1.0, 2.0, 3.0])
    w, _ = init_params(3, weights=source)
    w[0] = 99.0
    assert source[0] == 1.0  # a copy, not a view
    with pytest.raises(ValueError):
        init_params(3, weights=[1.0, 2.0])
