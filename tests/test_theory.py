"""Theory against problems whose Hessian we chose, against lstsq, and against the loop's behaviour."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from gd_core.data import make_problem
from gd_core.descent import gradient_descent
from gd_core.quadratic import Quadratic
from gd_core.theory import ZONES, least_squares, persistence_baseline, theory

WEIGHT_EIGENVALUES = (0.5, 4.0, 25.0)
# Centred, orthogonal columns make H = AᵀA/n block-diagonal: diag(λ) for the weights, 1 for the bias.
KNOWN_EIGENVALUES = (0.5, 1.0, 4.0, 25.0)


def known_design(seed: int = 0, n: int = 200):
    """x (n, 3) with xᵀx/n = diag(0.5, 4, 25) and centred columns; y with noise."""
    rng = np.random.default_rng(seed)
    g = rng.normal(size=(n, 3))
    q, _ = np.linalg.qr(g - g.mean(axis=0))  # orthonormal columns, each orthogonal to the ones
    x = math.sqrt(n) * q * np.sqrt(WEIGHT_EIGENVALUES)
    y = x @ [1.0, -2.0, 0.3] + 5.0 + rng.normal(size=n)
    return x, y, rng


@pytest.fixture(scope="module")
def known():
    x, y, rng = known_design()
    quad = Quadratic.from_data(x, y)
    return x, y, quad, theory(quad), rng.normal(size=3), float(rng.normal())


def test_the_design_has_the_hessian_we_chose():
    x, _, _ = known_design()
    a = np.column_stack([x, np.ones(len(x))])
    np.testing.assert_allclose(a.T @ a / len(x), np.diag([*WEIGHT_EIGENVALUES, 1.0]), atol=1e-12)


def test_theory_reports_the_known_spectrum(known):
    x, _, quad, th, *_ = known
    a = np.column_stack([x, np.ones(len(x))])
    np.testing.assert_allclose(quad.hessian, a.T @ a / len(x), rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(th.eigenvalues, KNOWN_EIGENVALUES, rtol=1e-12)
    assert th.lambda_max == pytest.approx(25.0, rel=1e-12)
    assert th.critical_lr == pytest.approx(2 / 25.0, rel=1e-12)
    assert th.optimal_lr == pytest.approx(2 / (0.5 + 25.0), rel=1e-12)
    assert th.condition_number == pytest.approx(25.0 / 0.5, rel=1e-12)


@pytest.mark.parametrize("path", ["loop", "fast"])
def test_descent_diverges_just_above_the_critical_rate_and_not_just_below(known, path):
    x, y, quad, _, w0, b0 = known

    def run(lr):
        if path == "loop":
            return gradient_descent(x, y, w0, b0, lr=lr, epochs=5000)
        return quad.descend(w0, b0, lr=lr, epochs=5000)

    above, below = run(1.01 * 2 / 25.0), run(0.99 * 2 / 25.0)
    assert above.diverged and 0 < above.diverged_at < 5000
    assert not below.diverged and below.epochs_run == 5000
    assert below.train_loss[-1] < below.train_loss[0]


def test_loop_and_fast_path_diverge_at_the_same_epoch_on_the_known_problem(known):
    x, y, quad, th, w0, b0 = known
    lr = 1.01 * th.critical_lr
    assert gradient_descent(x, y, w0, b0, lr=lr, epochs=5000).diverged_at == \
        quad.descend(w0, b0, lr=lr, epochs=5000).diverged_at


def test_each_epoch_multiplies_the_error_along_each_eigen_direction_by_1_minus_eta_lambda(known):
    """H is diagonal here, so the eigen-directions are the coordinates of θ = (w, b)."""
    x, y, quad, th, w0, b0 = known
    lr = 0.05
    history = gradient_descent(x, y, w0, b0, lr=lr, epochs=3)
    error = np.column_stack([history.weights, history.bias]) - quad.optimum
    ratios = error[1:] / error[:-1]
    expected = 1 - lr * np.array([*WEIGHT_EIGENVALUES, 1.0])
    np.testing.assert_allclose(ratios, np.broadcast_to(expected, ratios.shape), rtol=1e-9)
    np.testing.assert_allclose(th.factors(lr), np.abs(1 - lr * np.array(KNOWN_EIGENVALUES)), rtol=1e-12)


@pytest.mark.parametrize(("eta_lambda_max", "zone"), [
    (0.01, "crawling"), (0.5, "converging"), (1.5, "oscillating"), (2.1, "diverging")])
def test_zones(known, eta_lambda_max, zone):
    x, y, quad, th, w0, b0 = known
    lr = eta_lambda_max / 25.0
    assert th.zone(lr) == zone
    # what the loop does along the steepest direction (the third weight here), epoch by epoch
    history = gradient_descent(x, y, w0, b0, lr=lr, epochs=6)
    along = history.weights[:, 2] - quad.optimum[2]
    ratio = along[1:] / along[:-1]
    if zone == "crawling":
        assert np.all((ratio > 0.9) & (ratio < 1))
    elif zone == "converging":
        assert np.all((ratio >= 0) & (ratio < 1))
    elif zone == "oscillating":
        assert np.all((ratio < 0) & (ratio > -1))
    else:
        assert np.all(ratio < -1)


def test_zone_boundaries(known):
    th = known[3]
    assert ZONES == ("crawling", "converging", "oscillating", "diverging")
    assert [th.zone(s / th.lambda_max) for s in (0.099, 0.101, 0.999, 1.001, 1.999, 2.001)] == [
        "crawling", "converging", "converging", "oscillating", "oscillating", "diverging"]


@pytest.mark.parametrize("lr", [0.01, 0.05, 0.079])
def test_epochs_to_shrink_matches_the_loop(known, lr):
    """Started along the slowest direction only, the error shrinks 100× in about that many epochs."""
    x, y, quad, th, *_ = known
    k = th.epochs_to_shrink(lr, by=100.0)
    slowest = np.argmax(np.abs(1 - lr * np.array([*WEIGHT_EIGENVALUES, 1.0])))
    start = quad.optimum.copy()
    start[slowest] += 1.0
    history = gradient_descent(x, y, start[:-1], start[-1], lr=lr, epochs=math.ceil(k) + 1,
                               max_points=10**6)
    error = np.abs(np.column_stack([history.weights, history.bias])[:, slowest] - quad.optimum[slowest])
    assert error[math.ceil(k)] <= 1 / 100 * (1 + 1e-9)
    assert error[math.floor(k)] >= 1 / 100 * (1 - 1e-9)
    assert th.epochs_to_shrink(2.5 / 25.0) == math.inf


def test_quadratic_gradient_matches_central_differences(known):
    x, y, quad, *_ = known
    rng = np.random.default_rng(1)
    theta = rng.normal(size=4)

    def half_mse(t):
        return 0.5 * np.mean((x @ t[:-1] + t[-1] - y) ** 2)

    h = 1e-6
    fd = np.array([(half_mse(theta + h * e) - half_mse(theta - h * e)) / (2 * h) for e in np.eye(4)])
    np.testing.assert_allclose(quad.hessian @ (theta - quad.optimum), fd, rtol=1e-6, atol=1e-8)  # H(θ − θ*)


def test_quadratic_losses_equal_direct_mse():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(120, 2)) * [2.0, 50.0] + [1.0, 300.0]
    y = x @ [0.5, 0.01] + rng.normal(size=120)
    xv = rng.normal(size=(40, 2)) * [2.0, 50.0] + [1.0, 300.0]
    yv = xv @ [0.5, 0.01] + rng.normal(size=40)
    quad = Quadratic.from_data(x, y, xv, yv)
    thetas = rng.normal(size=(7, 3))
    direct = [np.mean((x @ t[:-1] + t[-1] - y) ** 2) for t in thetas]
    direct_valid = [np.mean((xv @ t[:-1] + t[-1] - yv) ** 2) for t in thetas]
    np.testing.assert_allclose(quad.train_loss(thetas), direct, rtol=1e-9)
    np.testing.assert_allclose(quad.valid_loss(thetas), direct_valid, rtol=1e-9)
    assert np.isnan(Quadratic.from_data(x, y).valid_loss(thetas)).all()


# --- optimum and baseline on a Problem ------------------------------------------------------------

def weather_frame(seed: int = 0, n: int = 300) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2001-01-01", periods=n, freq="D", name="date")
    tmax = 15 + 8 * np.sin(np.arange(n) / 58) + rng.normal(size=n)
    return pd.DataFrame({"tmax": tmax, "tmin": tmax - 7 + rng.normal(size=n),
                         "rain": rng.exponential(2.0, size=n)}, index=dates)


def test_least_squares_is_lstsq_on_the_training_split():
    problem = make_problem(weather_frame(), ["tmax", "tmin", "rain"], "tmax_tomorrow")
    opt = least_squares(problem)
    theta, *_ = np.linalg.lstsq(np.column_stack([problem.train.x, np.ones(len(problem.train.x))]),
                                problem.train.y, rcond=None)
    np.testing.assert_allclose(np.append(opt.weights, opt.bias), theta, rtol=1e-10)
    for name in ("train", "valid", "test"):
        split = getattr(problem, name)
        assert getattr(opt, name) == pytest.approx(np.mean((split.x @ theta[:-1] + theta[-1] - split.y) ** 2),
                                                   rel=1e-12)
    # the optimum is a minimum: any nudge raises the training MSE
    for nudge in np.eye(4) * 1e-3:
        t = theta + nudge
        assert np.mean((problem.train.x @ t[:-1] + t[-1] - problem.train.y) ** 2) > opt.train


def test_collinear_predictors_are_singular_and_give_the_minimum_norm_optimum():
    frame = weather_frame().assign(twice=lambda f: 2 * f["tmax"])
    problem = make_problem(frame, ["tmax", "twice"], "tmax_tomorrow")
    th = theory(Quadratic.from_data(problem.train.x, problem.train.y))
    assert th.condition_number == math.inf
    opt = least_squares(problem)
    a = np.column_stack([problem.train.x, np.ones(len(problem.train.x))])
    np.testing.assert_allclose(np.append(opt.weights, opt.bias), np.linalg.pinv(a) @ problem.train.y,
                               rtol=1e-8)


def test_persistence_baseline_is_tomorrow_equals_today():
    frame = weather_frame(1)
    problem = make_problem(frame, ["tmin", "rain"], "tmax_tomorrow")
    baseline = persistence_baseline(problem)
    for name in ("valid", "test"):
        dates = pd.DatetimeIndex(getattr(problem, name).dates)
        today = frame["tmax"].loc[dates].to_numpy()
        tomorrow = frame["tmax"].loc[dates + pd.Timedelta(days=1)].to_numpy()
        assert baseline[name] == pytest.approx(np.mean((tomorrow - today) ** 2), rel=1e-12)


def test_no_baseline_without_a_today_column():
    problem = make_problem(weather_frame(2), ["tmax"], "tmin")
    assert persistence_baseline(problem) is None
