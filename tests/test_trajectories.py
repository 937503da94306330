"""The landscape's fast paths (``gd_core.trajectories``) against the literal loops over the rows."""

from __future__ import annotations

import numpy as np
import pytest

from gd_core.optimizers import METHODS, OPTIMIZERS, optimize
from gd_core.quadratic import Quadratic
from gd_core.trajectories import _stepped, trajectory


@pytest.fixture(scope="module")
def one():
    """One predictor with a weather-like offset (an ill-conditioned valley), 200 rows."""
    rng = np.random.default_rng(3)
    x = rng.normal(loc=15, scale=6, size=(200, 1))
    y = 0.8 * x[:, 0] + 4 + rng.normal(size=200)
    return x, y


def literal(x, y, method, lr, epochs, l2=0.0, **hyper):
    return optimize(x, y, np.array([-0.5]), 10.0, method=method, lr=lr, epochs=epochs, l2=l2,
                    max_points=None, **hyper)


def same_path(fast, slow, rtol=1e-9):
    assert fast.diverged_at == slow.diverged_at
    np.testing.assert_array_equal(fast.epochs, slow.epochs)
    np.testing.assert_allclose(np.column_stack([fast.weights, fast.bias]),
                               np.column_stack([slow.weights, slow.bias]), rtol=rtol, atol=1e-9)
    np.testing.assert_allclose(fast.train_loss, slow.train_loss, rtol=rtol)
    np.testing.assert_allclose(np.column_stack([fast.grad_w, fast.grad_b]),
                               np.column_stack([slow.grad_w, slow.grad_b]), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("l2", [0.0, 0.3])
def test_every_optimizer_on_the_quadratic_is_its_loop_over_the_rows(one, method, l2):
    """Exact for the linear methods over many epochs; the adaptive ones divide by the gradient's size,
    so once they hover at the optimum the sign of a gradient of rounding size steers them: they are
    held to the loop while still approaching, and to its loss afterwards."""
    x, y = one
    quad = Quadratic.from_data(x, y).ridge(l2)
    adaptive = OPTIMIZERS[method].adaptive
    lr = 0.05 if adaptive else 0.5 * quad.critical_lr
    epochs = 30 if adaptive else 400
    fast = trajectory(quad, [-0.5], 10.0, method=method, lr=lr, epochs=epochs)
    same_path(fast, literal(x, y, method, lr, epochs, l2))
    if adaptive:
        long_fast = trajectory(quad, [-0.5], 10.0, method=method, lr=lr, epochs=400)
        long_slow = literal(x, y, method, lr, 400, l2)
        assert long_fast.train_loss[-1] == pytest.approx(long_slow.train_loss[-1], rel=1e-2)


@pytest.mark.parametrize("method", ["gd", "momentum", "nesterov"])
@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9, 0.99])
def test_closed_forms_equal_the_stepped_rule(one, method, beta):
    """The linear methods' matrix powers against the same rule applied one epoch at a time."""
    x, y = one
    quad = Quadratic.from_data(x, y)
    lr = 0.3 * quad.critical_lr  # inside every method's stability region for these β
    fast = trajectory(quad, [-0.5], 10.0, method=method, lr=lr, epochs=3000, beta=beta)
    assert not fast.diverged
    stepped = _stepped(quad, np.array([-0.5, 10.0]), method, lr, {"beta": beta} if method != "gd" else {},
                       3000, np.inf)
    np.testing.assert_allclose(np.column_stack([fast.weights, fast.bias]), stepped, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("method", METHODS)
def test_divergence_is_detected_at_the_same_epoch_as_the_loop(one, method):
    x, y = one
    quad = Quadratic.from_data(x, y)
    lr = 2.5 * quad.critical_lr if not OPTIMIZERS[method].adaptive else 1e4
    fast = trajectory(quad, [-0.5], 10.0, method=method, lr=lr, epochs=2000)
    slow = literal(x, y, method, lr, 2000)
    assert fast.diverged_at == slow.diverged_at
    if fast.diverged:
        assert fast.epochs[-1] == fast.diverged_at - 1 and np.isfinite(fast.train_loss).all()


def test_hyperparameters_follow_the_registry_and_are_checked(one):
    x, y = one
    quad = Quadratic.from_data(x, y)
    default = trajectory(quad, [0.0], 0.0, method="momentum", lr=1e-3, epochs=5)
    explicit = trajectory(quad, [0.0], 0.0, method="momentum", lr=1e-3, epochs=5, beta=0.9)
    np.testing.assert_array_equal(default.weights, explicit.weights)
    with pytest.raises(ValueError, match="beta must be in"):
        trajectory(quad, [0.0], 0.0, method="momentum", lr=1e-3, epochs=5, beta=1.0)
    with pytest.raises(ValueError, match="unknown method"):
        trajectory(quad, [0.0], 0.0, method="sgd", lr=1e-3, epochs=5)
    with pytest.raises(ValueError, match="finite"):
        trajectory(quad, [np.nan], 0.0, lr=1e-3, epochs=5)
