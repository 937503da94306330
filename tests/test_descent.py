"""The literal loop against an independent loop, and the closed-form fast path against the literal loop."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from decimal import Decimal, localcontext

import numpy as np
import pytest
from conftest import fast_descent as gradient_descent_fast
from hypothesis import given, settings
from hypothesis import strategies as st

from gd_core.descent import gradient_descent, record_epochs
from gd_core.quadratic import Quadratic
from gd_core.theory import Theory, theory

# Column scales for the random problems, and the band κ(H) must land in for the name to be true.
CONDITIONING = {
    "well": ((1.0, 2.0, 3.0), (10.0, 1e3)),
    "ill-1e6": ((1.0, 100.0, 0.1), (5e5, 1e7)),
    "ill-1e8": ((1.0, 1000.0, 0.1), (5e7, 1e9)),
}
CONVERGING = [0.02, 0.3]  # η·λmax / 2: crawling and converging
OSCILLATING = [0.6, 0.8, 0.95, 0.999]  # η·λmax in (1, 2): the steepest direction flips every epoch
DIVERGING = [1.01, 1.5, 10.0, 1000.0]


def regression(seed: int, scales, n: int = 300):
    """Train and validation data with columns of the given scales and offsets (hence conditioning)."""
    rng = np.random.default_rng(seed)
    scales = np.asarray(scales, dtype=float)
    d = len(scales)
    x = rng.normal(loc=rng.uniform(-2, 2, d) * scales, scale=scales, size=(2 * n, d))
    y = x @ (rng.normal(size=d) / scales) + 3 + rng.normal(size=2 * n)
    return x[:n], y[:n], x[n:], y[n:], rng


def reference_loop(x, y, w, b, lr, epochs):
    """The tutorial's update, written out independently: θ and MSE at every epoch 0..epochs."""
    w = np.array(w, dtype=float)
    thetas, losses = [], []
    with np.errstate(all="ignore"):
        for _ in range(epochs + 1):
            residual = x @ w + b - y
            thetas.append(np.append(w, b))
            losses.append(np.mean(residual ** 2))
            w, b = w - lr * x.T @ residual / len(x), b - lr * np.mean(residual)
    return np.array(thetas), np.array(losses)


def params(history) -> np.ndarray:
    return np.column_stack([history.weights, history.bias])


def grads(history) -> np.ndarray:
    return np.column_stack([history.grad_w, history.grad_b])


def rowwise_rel(a: np.ndarray, b: np.ndarray) -> float:
    """Largest norm-wise relative difference between matching rows."""
    return float(np.max(np.linalg.norm(a - b, axis=1) / np.linalg.norm(b, axis=1)))


@dataclass(frozen=True)
class Case:
    x: np.ndarray
    y: np.ndarray
    xv: np.ndarray
    yv: np.ndarray
    quad: Quadratic
    th: Theory
    w0: np.ndarray
    b0: float

    def loop(self, lr, epochs, **kwargs):
        return gradient_descent(self.x, self.y, self.w0, self.b0, lr=lr, epochs=epochs, x_valid=self.xv,
                                y_valid=self.yv, **kwargs)


@pytest.fixture(scope="module", params=[(name, seed) for name in CONDITIONING for seed in (0, 1)],
                ids=lambda p: f"{p[0]}-seed{p[1]}")
def problem(request):
    name, seed = request.param
    scales, (low, high) = CONDITIONING[name]
    x, y, xv, yv, rng = regression(seed, scales)
    quad = Quadratic.from_data(x, y, xv, yv)
    th = theory(quad)
    assert low <= th.condition_number <= high, f"{name}: κ = {th.condition_number:.3g}"
    return Case(x, y, xv, yv, quad, th, rng.normal(size=x.shape[1]), float(rng.normal()))


# --- which epochs a history records ---------------------------------------------------------------

@given(epochs=st.integers(0, 10**9), max_points=st.integers(2, 2000))
@settings(max_examples=300, deadline=None)
def test_record_epochs_invariants(epochs, max_points):
    kept = record_epochs(epochs, max_points)
    assert kept[0] == 0 and kept[-1] == epochs
    assert len(kept) <= max_points
    assert np.all(np.diff(kept) > 0)
    if max_points > 2:  # every gap odd: a sign flip every epoch is a flip between every two records
        assert np.all(np.diff(kept) % 2 == 1)
    if epochs + 1 <= max_points:
        np.testing.assert_array_equal(kept, np.arange(epochs + 1))
    else:
        head = max_points // 4
        np.testing.assert_array_equal(kept[:head], np.arange(head))  # every early epoch
        # dense early, sparse late: at least as many in the first half of the run as in the second
        assert np.sum(kept <= epochs / 2) >= np.sum(kept > epochs / 2)


def test_record_epochs_uses_its_budget_on_long_runs():
    kept = record_epochs(1_000_000, 400)
    assert 350 <= len(kept) <= 400
    assert np.sum(kept < 10_000) > np.sum(kept >= 10_000)  # most of them in the first 1 % of the run


# --- the literal loop against an independent loop ---------------------------------------------------

@pytest.mark.parametrize("max_points", [1000, 12])
def test_loop_records_what_the_tutorial_computes(max_points):
    x, y, xv, yv, rng = regression(3, (1.0, 2.0, 3.0))
    w0, b0 = rng.normal(size=3), 0.5
    lr = 0.5 * theory(Quadratic.from_data(x, y)).critical_lr
    history = gradient_descent(x, y, w0, b0, lr=lr, epochs=200, x_valid=xv, y_valid=yv,
                               max_points=max_points)
    thetas, losses = reference_loop(x, y, w0, b0, lr, 200)
    np.testing.assert_array_equal(history.epochs, record_epochs(200, max_points))
    at = history.epochs
    np.testing.assert_allclose(params(history), thetas[at], rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(history.train_loss, losses[at], rtol=1e-12)
    np.testing.assert_allclose(history.valid_loss, [np.mean((xv @ t[:-1] + t[-1] - yv) ** 2)
                                                    for t in thetas[at]], rtol=1e-12)
    expected = [np.append(x.T @ (x @ t[:-1] + t[-1] - y), np.sum(x @ t[:-1] + t[-1] - y)) / len(x)
                for t in thetas[at]]
    np.testing.assert_allclose(grads(history), expected, rtol=1e-10, atol=1e-12)
    assert history.lr == lr and history.epochs_requested == 200 and history.diverged_at is None
    assert history.epochs_run == 200
    np.testing.assert_array_equal(history.final_weights, history.weights[-1])
    assert history.final_bias == history.bias[-1]


def test_loop_without_validation_records_nan():
    x, y, *_ = regression(4, (1.0, 1.0))
    history = gradient_descent(x, y, np.zeros(2), 0.0, lr=0.01, epochs=5)
    assert history.valid_loss.shape == (6,) and np.isnan(history.valid_loss).all()


def test_divergence_is_the_first_epoch_past_the_limit_and_the_last_finite_state_is_kept():
    x, y, xv, yv, rng = regression(5, (1.0, 2.0, 3.0))
    w0, b0 = rng.normal(size=3), 0.0
    lr = 1.05 * theory(Quadratic.from_data(x, y)).critical_lr
    thetas, losses = reference_loop(x, y, w0, b0, lr, 3000)
    past = ~(np.isfinite(losses) & (losses <= 1e12 * losses[0]))  # the 1e12
    first = int(np.argmax(past))
    assert past.any() and 0 < first < 3000
    for run in (gradient_descent, gradient_descent_fast):
        history = run(x, y, w0, b0, lr=lr, epochs=3000, x_valid=xv, y_valid=yv)
        assert history.diverged and history.diverged_at == first
        assert history.epochs[-1] == first - 1 == history.epochs_run
        assert np.all(history.epochs < first)
        np.testing.assert_allclose(params(history)[-1], thetas[first - 1], rtol=1e-9)
        assert np.isfinite(history.train_loss).all() and np.isfinite(params(history)).all()


# --- the fast path equals the literal loop ---------------------------------------------------------

def assert_same_history(fast, loop, rtol=1e-9):
    np.testing.assert_array_equal(fast.epochs, loop.epochs)
    assert fast.diverged_at == loop.diverged_at
    assert fast.lr == loop.lr and fast.epochs_requested == loop.epochs_requested
    assert rowwise_rel(params(fast), params(loop)) <= rtol
    np.testing.assert_allclose(fast.train_loss, loop.train_loss, rtol=rtol, atol=0)
    np.testing.assert_allclose(fast.valid_loss, loop.valid_loss, rtol=rtol, atol=0)


@pytest.mark.parametrize("epochs", [40, 3000])  # every epoch recorded / sparse recording
@pytest.mark.parametrize("factor", CONVERGING + OSCILLATING)
def test_fast_path_equals_the_loop(problem, factor, epochs):
    lr = factor * problem.th.critical_lr
    loop = problem.loop(lr, epochs)
    fast = problem.quad.descend(problem.w0, problem.b0, lr=lr, epochs=epochs)
    assert loop.diverged_at is None
    assert_same_history(fast, loop)
    scale = np.max(np.abs(grads(loop)[0]))
    np.testing.assert_allclose(grads(fast), grads(loop), rtol=0, atol=1e-9 * scale)


def test_oscillating_rates_really_oscillate(problem):
    """η·λmax in (1, 2): the error along the steepest direction changes sign every epoch."""
    lr = 0.8 * problem.th.critical_lr
    assert problem.th.zone(lr) == "oscillating"
    along = (params(problem.loop(lr, 40)) - problem.quad.optimum) @ problem.quad.eigenvectors[:, -1]
    assert np.all(np.sign(along[1:]) == -np.sign(along[:-1]))


@pytest.mark.parametrize("factor", DIVERGING)
def test_fast_path_diverges_like_the_loop(problem, factor):
    lr = factor * problem.th.critical_lr
    loop = problem.loop(lr, 5000)
    fast = problem.quad.descend(problem.w0, problem.b0, lr=lr, epochs=5000)
    assert loop.diverged_at is not None
    assert_same_history(fast, loop)
    np.testing.assert_allclose(grads(fast)[-1], grads(loop)[-1], rtol=1e-9,
                               atol=1e-9 * np.max(np.abs(grads(loop)[-1])))


def test_gradient_descent_fast_is_a_drop_in(problem):
    p = problem
    kwargs = dict(lr=0.5 * p.th.critical_lr, epochs=500, x_valid=p.xv, y_valid=p.yv, max_points=50)
    assert_same_history(gradient_descent_fast(p.x, p.y, p.w0, p.b0, **kwargs),
                        gradient_descent(p.x, p.y, p.w0, p.b0, **kwargs))


# --- long runs reach the least-squares optimum -----------------------------------------------------

def test_long_runs_converge_to_lstsq():
    rng = np.random.default_rng(7)
    raw = rng.normal(size=(400, 3)) @ [[1.0, 0.6, 0.0], [0.0, 1.0, 0.5], [0.0, 0.0, 1.0]]
    x = (raw - raw.mean(axis=0)) / raw.std(axis=0)  # standardised, correlated columns
    y = x @ [2.0, -1.0, 0.5] + 4.0 + rng.normal(size=400)
    expected, *_ = np.linalg.lstsq(np.column_stack([x, np.ones(400)]), y, rcond=None)
    quad = Quadratic.from_data(x, y)
    lr = theory(quad).optimal_lr
    loop = gradient_descent(x, y, np.zeros(3), 0.0, lr=lr, epochs=2000)
    np.testing.assert_allclose(params(loop)[-1], expected, rtol=1e-10, atol=1e-12)
    for epochs in (2000, 1_000_000, 10**9):
        fast = quad.descend(np.zeros(3), 0.0, lr=lr, epochs=epochs)
        np.testing.assert_allclose(params(fast)[-1], expected, rtol=1e-10, atol=1e-12)
        assert fast.train_loss[-1] == pytest.approx(np.mean((x @ expected[:3] + expected[3] - y) ** 2),
                                                    rel=1e-12)


@pytest.mark.parametrize("variance", [3e-7, 1e-9, 7e-11])
def test_fast_path_keeps_full_precision_over_a_billion_epochs(variance):
    """Far beyond any loop: along a very flat direction (ηλ from 3e-7 down to 7e-11) each epoch multiplies
    the error by 1 − ηλ; after k epochs it must be (1 − ηλ)ᵏ to the last digits (50-digit decimals)."""
    rng = np.random.default_rng(8)
    g = rng.normal(size=500)
    x = ((g - g.mean()) / g.std() * np.sqrt(variance))[:, None]  # centred: H = diag(variance, 1)
    y = 2.0 * x[:, 0] - 1.0  # exactly linear: the optimum is w = 2, b = −1
    quad = Quadratic.from_data(x, y)
    step = Decimal(float(np.mean(x[:, 0] ** 2)))  # ηλ with η = 1
    history = quad.descend([3.0], -1.0, lr=1.0, epochs=3 * 10**9, max_points=2000)
    np.testing.assert_allclose(quad.optimum, [2.0, -1.0], rtol=1e-9)
    w_opt = quad.optimum[0]
    with localcontext() as ctx:
        ctx.prec = 50
        expected = [float((3 - Decimal(w_opt)) * (1 - step) ** int(k)) for k in history.epochs]
    # atol: w itself is stored near 2, to about 4e-16
    np.testing.assert_allclose(history.weights[:, 0] - w_opt, expected, rtol=1e-9, atol=2e-15)
    assert history.epochs[-1] == 3 * 10**9 and expected[-1] < 0.9 * expected[0]


# --- no RuntimeWarning escapes, even at 1000× the critical rate ------------------------------------

@pytest.mark.parametrize("factor", [0.999, 1.0, 1.01, 2.0, 100.0, 1000.0])
def test_no_runtime_warning_up_to_1000x_critical(problem, factor):
    lr = factor * problem.th.critical_lr
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loop = problem.loop(lr, 5000)
        for epochs in (5000, 10**9):
            fast = problem.quad.descend(problem.w0, problem.b0, lr=lr, epochs=epochs)
            assert np.isfinite(params(fast)).all() and np.isfinite(fast.train_loss).all()
    assert np.isfinite(params(loop)).all() and np.isfinite(loop.valid_loss).all()
    assert (loop.diverged_at is not None) == (factor > 1)


@pytest.mark.parametrize("run", [gradient_descent, gradient_descent_fast])
def test_a_start_whose_loss_overflows_is_refused(run):
    x, y, *_ = regression(6, (1.0, 2.0))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="start"):
            run(x, y, np.full(2, 1e200), 0.0, lr=0.01, epochs=10)


@given(epochs=st.integers(1, 10**7), max_points=st.integers(3, 600), share=st.floats(0.0, 1.0))
@settings(max_examples=300, deadline=None)
def test_a_diverged_schedule_is_the_full_ones_cut_before_divergence_with_odd_gaps(epochs, max_points, share):
    diverged_at = 1 + int(share * (epochs - 1))
    full = record_epochs(epochs, max_points)
    kept = record_epochs(epochs, max_points, diverged_at)
    assert kept[0] == 0 and kept[-1] == diverged_at - 1
    assert np.all(np.diff(kept) % 2 == 1)
    assert set(kept[:-2].tolist()) <= set(full.tolist())  # at most the last two are new
    assert len(kept) <= max_points
