"""gd_core.optimizers against independent oracles: literal update formulas, the tutorial's loop,
lstsq on an augmented system and central finite differences."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gd_core.data import make_problem
from gd_core.descent import gradient_descent, record_epochs
from gd_core.optimizers import (
    METHODS,
    epochs_to_within,
    gradient,
    objective,
    optimize,
)
from gd_core.quadratic import Quadratic


def ridge_optimum(x, y, l2):
    return Quadratic.from_data(x, y).ridge(l2)



@pytest.fixture(scope="module")
def seattle(seattle_frame):
    return make_problem(seattle_frame, ["tmax", "tmin", "rain"], "tmax_tomorrow")


@pytest.fixture(scope="module")
def small():
    """A small well-scaled problem with two predictors and a known noise-free-ish fit."""
    rng = np.random.default_rng(7)
    x = rng.normal(size=(60, 2))
    y = x @ np.array([1.5, -2.0]) + 0.5 + 0.1 * rng.normal(size=60)
    return x, y


def _aug(x):
    return np.column_stack([x, np.ones(len(x))])


def _grad(x, y, theta, l2=0.0):
    """∇ of ½·mean((Aθ - y)²) + ½·l2·‖w‖², written from scratch."""
    a = _aug(x)
    g = a.T @ (a @ theta - y) / len(y)
    g[:-1] += l2 * theta[:-1]
    return g


def _thetas(history):
    return np.column_stack([history.weights, history.bias])


# --- literal update formulas, written independently of the module --------------------------------

def test_momentum_matches_heavy_ball_formula(small):
    x, y = small
    lr, beta = 0.05, 0.8
    history = optimize(x, y, np.zeros(2), 0.0, method="momentum", lr=lr, beta=beta, epochs=60)
    theta, v, expected = np.zeros(3), np.zeros(3), [np.zeros(3)]
    for _ in range(60):
        v = beta * v + _grad(x, y, theta)
        theta = theta - lr * v
        expected.append(theta)
    np.testing.assert_allclose(_thetas(history), expected, rtol=1e-12, atol=1e-14)


def test_nesterov_matches_look_ahead_formula(small):
    x, y = small
    lr, beta = 0.05, 0.9
    history = optimize(x, y, np.zeros(2), 0.0, method="nesterov", lr=lr, beta=beta, epochs=60)
    theta, v, expected = np.zeros(3), np.zeros(3), [np.zeros(3)]
    for _ in range(60):
        v = beta * v + _grad(x, y, theta - lr * beta * v)
        theta = theta - lr * v
        expected.append(theta)
    np.testing.assert_allclose(_thetas(history), expected, rtol=1e-12, atol=1e-14)


def test_nesterov_is_pytorch_form_shifted_by_momentum(small):
    """PyTorch's Nesterov tracks φ = θ - ηβv: v ← βv + ∇J(φ); φ ← φ - η(∇J(φ) + βv)."""
    x, y = small
    lr, beta = 0.05, 0.9
    history = optimize(x, y, np.zeros(2), 0.0, method="nesterov", lr=lr, beta=beta, epochs=30)
    phi, v, thetas = np.zeros(3), np.zeros(3), [np.zeros(3)]
    for _ in range(30):
        g = _grad(x, y, phi)
        v = beta * v + g
        phi = phi - lr * (g + beta * v)
        thetas.append(phi + lr * beta * v)
    np.testing.assert_allclose(_thetas(history), thetas, rtol=1e-10, atol=1e-12)


def test_momentum_beats_plain_gd_on_an_ill_conditioned_problem(seattle):
    x, y = seattle.train.x[:, :2], seattle.train.y
    lr = 1e-3
    plain = optimize(x, y, np.zeros(2), 0.0, lr=lr, epochs=300)
    heavy = optimize(x, y, np.zeros(2), 0.0, method="momentum", lr=lr, beta=0.9, epochs=300)
    assert heavy.train_loss[-1] < plain.train_loss[-1]


def test_rmsprop_first_steps_match_formula(small):
    x, y = small
    lr, rho, eps = 0.01, 0.9, 1e-8
    history = optimize(x, y, np.zeros(2), 0.0, method="rmsprop", lr=lr, rho=rho, eps=eps, epochs=3)
    theta, s = np.zeros(3), np.zeros(3)
    for k in range(1, 4):
        g = _grad(x, y, theta)
        s = rho * s + (1 - rho) * g * g
        theta = theta - lr * g / (np.sqrt(s) + eps)
        np.testing.assert_allclose(_thetas(history)[k], theta, rtol=1e-13)
    # without bias correction the very first step is η/√(1-ρ) per coordinate
    np.testing.assert_allclose(np.abs(_thetas(history)[1]), lr / np.sqrt(1 - rho), rtol=1e-6)


def test_adam_first_steps_match_formula(small):
    x, y = small
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
    history = optimize(x, y, np.zeros(2), 0.0, method="adam", lr=lr, beta=b1, beta2=b2, eps=eps,
                       epochs=3)
    theta, m, s = np.zeros(3), np.zeros(3), np.zeros(3)
    for t in range(1, 4):
        g = _grad(x, y, theta)
        m = b1 * m + (1 - b1) * g
        s = b2 * s + (1 - b2) * g * g
        theta = theta - lr * (m / (1 - b1 ** t)) / (np.sqrt(s / (1 - b2 ** t)) + eps)
        np.testing.assert_allclose(_thetas(history)[t], theta, rtol=1e-13)
    # bias correction makes Adam's first step exactly η·sign(g) (up to ε)
    np.testing.assert_allclose(np.abs(_thetas(history)[1]), lr, rtol=1e-6)


@pytest.mark.parametrize("method, lr", [("rmsprop", 0.01), ("adam", 0.05)])
def test_adaptive_methods_reduce_the_loss(small, method, lr):
    x, y = small
    history = optimize(x, y, np.zeros(2), 0.0, method=method, lr=lr, epochs=500)
    best = ridge_optimum(x, y, 0.0).min_loss
    assert history.train_loss[-1] < 0.05 * history.train_loss[0]
    assert history.train_loss[-1] < best * 1.5
    assert not history.diverged


# --- batches -----------------------------------------------------------------------------------------

def test_gd_method_is_the_tutorials_loop_bit_for_bit(seattle):
    p = seattle
    w0 = np.array([0.1, 0.2, -0.1])
    ours = optimize(p.train.x, p.train.y, w0, 0.3, lr=1e-4, epochs=700, x_valid=p.valid.x,
                    y_valid=p.valid.y)
    ref = gradient_descent(p.train.x, p.train.y, w0, 0.3, lr=1e-4, epochs=700, x_valid=p.valid.x,
                           y_valid=p.valid.y)
    for field in ("epochs", "weights", "bias", "train_loss", "valid_loss", "grad_w", "grad_b"):
        np.testing.assert_array_equal(getattr(ours, field), getattr(ref, field), err_msg=field)
    assert (ours.lr, ours.epochs_requested, ours.diverged_at) == (ref.lr, ref.epochs_requested, None)


@pytest.mark.parametrize("extra", [0, 5])
def test_minibatch_of_size_n_is_full_batch_exactly(seattle, extra):
    x, y = seattle.train.x, seattle.train.y
    w0 = np.array([0.05, 0.25, 0.1])
    mini = optimize(x, y, w0, 0.5, lr=2e-4, epochs=300, batch_size=len(y) + extra, seed=3)
    ref = gradient_descent(x, y, w0, 0.5, lr=2e-4, epochs=300)
    np.testing.assert_array_equal(mini.weights, ref.weights)
    np.testing.assert_array_equal(mini.bias, ref.bias)
    np.testing.assert_array_equal(mini.train_loss, ref.train_loss)


def test_minibatch_matches_a_literal_shuffled_loop(small):
    """Oracle: reshuffle every epoch with one default_rng(seed), one update per batch of 16."""
    x, y = small
    lr, seed, size = 0.05, 11, 16
    history = optimize(x, y, np.zeros(2), 0.0, lr=lr, epochs=5, batch_size=size, seed=seed)
    rng = np.random.default_rng(seed)
    theta, thetas, losses = np.zeros(3), [np.zeros(3)], []
    for _ in range(5):
        order = rng.permutation(len(y))
        for start in range(0, len(y), size):
            rows = order[start:start + size]
            theta = theta - lr * _grad(x[rows], y[rows], theta)
        thetas.append(theta)
    losses = [np.mean((_aug(x) @ t - y) ** 2) for t in thetas]
    np.testing.assert_allclose(_thetas(history), thetas, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(history.train_loss, losses, rtol=1e-12)


def test_stochastic_runs_are_reproducible_from_their_seed(small):
    x, y = small
    run = lambda seed: optimize(x, y, np.zeros(2), 0.0, method="momentum", lr=0.01, epochs=20,  # noqa: E731
                                batch_size=1, seed=seed)
    a, b, c = run(5), run(5), run(6)
    np.testing.assert_array_equal(a.weights, b.weights)
    np.testing.assert_array_equal(a.train_loss, b.train_loss)
    assert not np.allclose(a.weights, c.weights)


def test_minibatch_gets_close_but_stays_noisy(small):
    x, y = small
    best = ridge_optimum(x, y, 0.0).min_loss
    history = optimize(x, y, np.zeros(2), 0.0, lr=0.05, epochs=200, batch_size=4, seed=0)
    assert history.train_loss[-1] < 1.5 * best
    assert history.train_loss[-1] > best  # a constant rate never settles exactly


# --- ridge -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("l2", [0.0, 0.1, 3.0])
def test_ridge_closed_form_matches_augmented_lstsq(small, l2):
    """min ‖Aθ - y‖² + nα‖w‖² = ‖[A; √(nα)·[I 0]]θ - [y; 0]‖²: the same minimiser."""
    x, y = small
    n, d = x.shape
    rows = np.column_stack([np.sqrt(n * l2) * np.eye(d), np.zeros(d)])
    theta, *_ = np.linalg.lstsq(np.vstack([_aug(x), rows]), np.append(y, np.zeros(d)), rcond=None)
    ridge = ridge_optimum(x, y, l2)
    np.testing.assert_allclose(np.append(ridge.weights, ridge.bias), theta, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(_grad(x, y, theta, l2), 0, atol=1e-12)
    assert ridge.min_loss == pytest.approx(ridge.data_loss + l2 * theta[:-1] @ theta[:-1])


def test_ridge_raises_curvature_so_its_critical_rate_is_the_divergence_boundary(small):
    x, y = small
    plain, ridge = ridge_optimum(x, y, 0.0), ridge_optimum(x, y, 2.0)
    assert ridge.critical_lr < plain.critical_lr
    below = optimize(x, y, np.zeros(2), 0.0, lr=0.95 * ridge.critical_lr, epochs=3000, l2=2.0)
    above = optimize(x, y, np.zeros(2), 0.0, lr=1.05 * ridge.critical_lr, epochs=3000, l2=2.0)
    assert not below.diverged and above.diverged


def test_ridge_closed_form_on_weather_leaves_the_bias_unpenalised(seattle):
    x, y = seattle.train.x, seattle.train.y
    ridge = ridge_optimum(x, y, 1.0)
    assert np.linalg.norm(ridge.weights) < np.linalg.norm(ridge_optimum(x, y, 0.0).weights)
    # the residuals of an unpenalised bias average to zero
    assert np.mean(x @ ridge.weights + ridge.bias - y) == pytest.approx(0, abs=1e-10)


@pytest.mark.parametrize("method, lr", [("gd", 0.3), ("momentum", 0.1), ("adam", 0.01)])
def test_ridge_descent_converges_to_the_closed_form(small, method, lr):
    x, y = small
    ridge = ridge_optimum(x, y, 0.5)
    history = optimize(x, y, np.zeros(2), 0.0, method=method, lr=lr, epochs=3000, l2=0.5)
    np.testing.assert_allclose(history.final_weights, ridge.weights, atol=1e-6)
    assert history.final_bias == pytest.approx(ridge.bias, abs=1e-6)
    assert history.train_loss[-1] == pytest.approx(ridge.min_loss, rel=1e-9)
    assert history.train_loss.min() >= ridge.min_loss * (1 - 1e-12)  # the recorded loss is what's minimised


def test_gradient_matches_central_finite_differences(small):
    x, y = small
    theta = np.array([0.3, -0.7, 0.2])
    l2, h = 0.4, 1e-6

    def half_objective(t):
        return 0.5 * objective(y, _aug(x) @ t, t[:-1], l2)

    numeric = [(half_objective(theta + h * e) - half_objective(theta - h * e)) / (2 * h)
               for e in np.eye(3)]
    np.testing.assert_allclose(gradient(x, y, l2, theta), numeric, rtol=1e-7, atol=1e-9)


# --- history, divergence, schedule ---------------------------------------------------------------

@pytest.mark.parametrize("method", METHODS)
def test_every_method_records_the_same_schedule(small, method):
    x, y = small
    history = optimize(x, y, np.zeros(2), 0.0, method=method, lr=1e-3, epochs=5000)
    np.testing.assert_array_equal(history.epochs, record_epochs(5000))
    assert history.weights.shape == (len(history.epochs), 2)
    assert history.grad_w.shape == (len(history.epochs), 2)
    dense = optimize(x, y, np.zeros(2), 0.0, method=method, lr=1e-3, epochs=500, max_points=None)
    np.testing.assert_array_equal(dense.epochs, np.arange(501))


@pytest.mark.parametrize("method", ["gd", "momentum", "nesterov"])
def test_divergence_stops_at_the_last_finite_state_without_warnings(seattle, method):
    x, y = seattle.train.x, seattle.train.y
    history = optimize(x, y, np.zeros(3), 0.0, method=method, lr=0.05, epochs=100_000)
    assert history.diverged
    assert history.epochs[-1] == history.diverged_at - 1
    assert np.isfinite(history.train_loss).all()
    assert history.train_loss[-1] <= 1e12 * history.train_loss[0]


def test_divergence_epoch_matches_the_tutorials_loop(seattle):
    x, y = seattle.train.x, seattle.train.y
    ours = optimize(x, y, np.zeros(3), 0.0, lr=0.006, epochs=2000)
    ref = gradient_descent(x, y, np.zeros(3), 0.0, lr=0.006, epochs=2000)
    assert ours.diverged_at == ref.diverged_at is not None
    np.testing.assert_array_equal(ours.epochs, ref.epochs)


def test_epochs_to_within_is_exact_when_dense_and_an_upper_bound_when_sparse(small):
    x, y = small
    best = ridge_optimum(x, y, 0.0).min_loss
    kw = dict(lr=1e-2, epochs=3000)
    dense = optimize(x, y, np.zeros(2), 0.0, max_points=None, **kw)
    sparse = optimize(x, y, np.zeros(2), 0.0, **kw)
    exact = epochs_to_within(dense, best)
    assert exact is not None and exact > 100  # beyond the densely recorded head
    assert dense.train_loss[exact] <= 1.01 * best < dense.train_loss[exact - 1]
    bound = epochs_to_within(sparse, best)
    previous = sparse.epochs[np.searchsorted(sparse.epochs, bound) - 1]
    assert previous < exact <= bound
    assert epochs_to_within(optimize(x, y, np.zeros(2), 0.0, lr=1e-6, epochs=10), best) is None


# --- boundary validation -----------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, message", [
    (dict(method="sgd"), "unknown method 'sgd'"),
    (dict(lr=0.0), "lr must be"),
    (dict(lr=float("nan")), "lr must be"),
    (dict(epochs=-1), "epochs must be"),
    (dict(batch_size=0), "batch_size must be"),
    (dict(beta=1.0, method="momentum"), "beta must be in"),
    (dict(l2=-1.0), "l2 must be"),
    (dict(x_valid=np.zeros((3, 2))), "both x_valid and y_valid"),
    (dict(max_points=1), "max_points"),
])
def test_bad_arguments_name_the_value(small, kwargs, message):
    x, y = small
    args = dict(lr=0.1, epochs=3) | kwargs
    with pytest.raises(ValueError, match=message):
        optimize(x, y, np.zeros(2), 0.0, **args)


def test_a_start_whose_loss_overflows_is_refused(small):
    x, y = small
    with pytest.raises(ValueError, match="not finite"):
        optimize(x, y, np.full(2, 1e300), 0.0, lr=0.1, epochs=3)


def test_wrong_number_of_start_weights(small):
    x, y = small
    with pytest.raises(ValueError, match="w0 has 3 values for 2 predictors"):
        optimize(x, y, np.zeros(3), 0.0, lr=0.1, epochs=3)


# --- properties --------------------------------------------------------------------------------------

@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(3, 40), d=st.integers(1, 3),
       lr=st.floats(1e-3, 0.5))
def test_zero_momentum_is_plain_gd_exactly(seed, n, d, lr):
    rng = np.random.default_rng(seed)
    x, y, w0 = rng.normal(size=(n, d)), rng.normal(size=n), rng.normal(size=d)
    ref = gradient_descent(x, y, w0, 0.1, lr=lr, epochs=25)
    for method in ("momentum", "nesterov"):
        ours = optimize(x, y, w0, 0.1, method=method, beta=0.0, lr=lr, epochs=25)
        np.testing.assert_array_equal(ours.weights, ref.weights)
        assert ours.diverged_at == ref.diverged_at
