"""gd_core.sweep: the divergence boundary sits at 2/λmax, the fast sweep agrees with the literal loop,
and the numbers behind the explanation are the per-direction contractions |1 - ηλ|."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest

from gd_core.data import make_problem
from gd_core.descent import gradient_descent
from gd_core.experiment import Experiment
from gd_core.quadratic import Quadratic, epochs_for_factor
from gd_core.sweep import (
    directions,
    explain,
    mixture,
    rate_grid,
    sweep,
)
from gd_core.theory import ZONES

KNOWN = np.array([0.25, 4.0, 50.0])  # the synthetic predictors' variances; the bias adds λ = 1


@pytest.fixture(scope="module")
def seattle(seattle_frame):
    return make_problem(seattle_frame, ["tmax", "tmin", "rain"], "tmax_tomorrow")


@pytest.fixture(scope="module")
def synthetic():
    """Centred, mutually orthogonal predictors with mean(xⱼ²) = KNOWN[j]: H = diag(KNOWN, 1)."""
    rng = np.random.default_rng(0)
    n = 500
    z = rng.normal(size=(n, len(KNOWN)))
    q, _ = np.linalg.qr(z - z.mean(axis=0))
    x = q * np.sqrt(n * KNOWN)
    y = x @ np.array([0.5, -1.0, 0.2]) + 3.0 + rng.normal(size=n)
    return x, y


def _boundary_is_one_grid_step_above_critical(result):
    rates, diverged = result.rates, result.diverged
    step = rates[1] / rates[0]
    first = np.flatnonzero(diverged)[0]
    assert rates[first - 1] <= result.critical_lr < rates[first] <= result.critical_lr * step
    assert not diverged[:first].any() and diverged[first:].all()


def test_synthetic_problem_has_the_eigenvalues_it_was_built_with(synthetic):
    quad = Quadratic.from_data(*synthetic)
    np.testing.assert_allclose(quad.eigenvalues, np.sort(np.append(KNOWN, 1.0)), rtol=1e-12)


def test_first_diverging_rate_on_synthetic_problem_is_within_one_step_of_2_over_lambda_max(synthetic):
    quad = Quadratic.from_data(*synthetic)
    result = sweep(quad, np.zeros(3), 0.0, epochs=1000)
    assert result.critical_lr == pytest.approx(2 / KNOWN.max(), rel=1e-12)
    _boundary_is_one_grid_step_above_critical(result)


@pytest.mark.parametrize("standardize", [False, True])
def test_first_diverging_rate_on_seattle_is_within_one_step_of_2_over_lambda_max(seattle, standardize):
    exp = Experiment.build(seattle, standardize=standardize)
    w0, b0 = exp.initial()
    result = sweep(exp, w0, b0, epochs=1000)
    assert result.critical_lr == pytest.approx(2 / exp.theory.eigenvalues[-1])
    _boundary_is_one_grid_step_above_critical(result)
    assert result.first_diverging_rate == result.rates[result.diverged][0]


def test_a_fine_grid_pins_the_boundary_just_above_critical(synthetic):
    quad = Quadratic.from_data(*synthetic)
    critical = 2 / KNOWN.max()
    rates = critical * np.array([0.98, 0.995, 1.005, 1.02])
    result = sweep(quad, np.zeros(3), 0.0, epochs=20_000, rates=rates)
    np.testing.assert_array_equal(result.diverged, [False, False, True, True])


def test_the_default_grid_spans_critical_over_1000_to_ten_times_critical(seattle):
    exp = Experiment.build(seattle)
    result = sweep(exp, *exp.initial(), epochs=50)
    critical = exp.theory.critical_lr
    assert len(result.rates) == 40
    assert result.rates[0] == pytest.approx(critical / 1000)
    assert result.rates[-1] == pytest.approx(critical * 10)
    np.testing.assert_allclose(np.diff(np.log(result.rates)), np.log(10_000) / 39)
    assert len(sweep(exp, *exp.initial(), epochs=50, n=64).rates) == 64


def test_sweep_agrees_with_the_literal_loop(seattle):
    """Oracle: the tutorial's loop at a few rates, from crawling to diverging."""
    exp = Experiment.build(seattle)
    w0, b0 = exp.initial()
    rates = exp.theory.critical_lr * np.array([0.001, 0.3, 0.9, 1.2, 5.0])
    result = sweep(exp, w0, b0, epochs=400, rates=rates)
    for lr, final, diverged_at in zip(result.rates, result.final_loss, result.diverged_at):
        ref = gradient_descent(seattle.train.x, seattle.train.y, w0, b0, lr=lr, epochs=400)
        assert diverged_at == ref.diverged_at
        assert final == pytest.approx(ref.train_loss[-1], rel=1e-8)


def test_zones_and_losses(seattle):
    exp = Experiment.build(seattle)
    result = sweep(exp, *exp.initial(), epochs=5000)
    assert set(result.zones) <= set(ZONES)
    assert result.zones == tuple(exp.theory.zone(r) for r in result.rates)
    assert result.min_loss <= result.final_loss.min()
    best = result.rates[np.argmin(np.where(result.diverged, np.inf, result.final_loss))]
    assert best < result.critical_lr  # the best run is below the critical rate, as the theory says
    assert result.min_loss < result.final_loss[0] < result.start_loss


def test_sweep_is_fast(seattle):
    exp = Experiment.build(seattle)
    w0, b0 = exp.initial()
    sweep(exp, w0, b0, epochs=10)
    start = time.perf_counter()
    sweep(exp, w0, b0, epochs=1_000_000)
    assert time.perf_counter() - start < 0.5  # the page shows progress only above this


def test_sweep_rejects_what_it_cannot_run(synthetic):
    quad = Quadratic.from_data(*synthetic)
    with pytest.raises(TypeError, match="Experiment or a Quadratic"):
        sweep(object(), np.zeros(3), 0.0, epochs=10)
    with pytest.raises(ValueError, match="epochs"):
        sweep(quad, np.zeros(3), 0.0, epochs=0)
    with pytest.raises(ValueError, match="rates"):
        sweep(quad, np.zeros(3), 0.0, epochs=10, rates=[0.1, -1.0])
    with pytest.raises(ValueError, match="at least 2"):
        rate_grid(1.0, n=1)


# --- the explanation in numbers -------------------------------------------------------------------

def test_directions_are_the_contractions_of_the_known_spectrum(synthetic):
    quad = Quadratic.from_data(*synthetic)
    lr = 0.03  # 1.5/λmax: the steepest direction overshoots, the rest shrink
    table = directions(quad, lr, ["a", "b", "c"])
    lam = np.array([50.0, 4.0, 1.0, 0.25])
    np.testing.assert_allclose(table["eigenvalue"], lam)
    np.testing.assert_allclose(table["factor"], np.abs(1 - lr * lam))
    np.testing.assert_allclose(table["breaks_above"], 2 / lam)
    assert table["made_of"].tolist() == ["1.00·c", "1.00·b", "1.00·bias", "1.00·a"]
    assert table["behaviour"].iloc[0].startswith("overshoots")
    # after epochs_to_shrink epochs the error in each direction is 100× smaller
    np.testing.assert_allclose(table["factor"] ** table["epochs_to_shrink"], 0.01)
    assert directions(quad, 0.05, ["a", "b", "c"])["behaviour"].iloc[0] == "grows: diverges"


def test_explain_prices_the_condition_number_in_epochs(seattle):
    raw, scaled = Experiment.build(seattle), Experiment.build(seattle, standardize=True)
    a, b = explain(raw, 1e-4, seattle.predictors), explain(scaled, 1e-4, seattle.predictors)
    assert a.condition_number > 100 * b.condition_number
    kappa = a.condition_number
    assert a.epochs_at_optimal == pytest.approx(math.log(100) / -math.log((kappa - 1) / (kappa + 1)))
    assert a.epochs_at_optimal > 50 * b.epochs_at_optimal
    assert b.critical_lr > 100 * a.critical_lr
    assert a.zone == "crawling" and a.epochs_needed > a.epochs_at_optimal
    assert "tmax" in a.steepest


def test_helpers():
    assert epochs_for_factor(1.0) == math.inf
    assert epochs_for_factor(-0.1) == pytest.approx(2.0)
    assert mixture([-0.6, 0.8], ["x", "bias"]) == "0.80·bias − 0.60·x"
    assert mixture([0.0, -1.0], ["x", "bias"]) == "1.00·bias"
