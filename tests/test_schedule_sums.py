"""The scheduled products' closed forms and quadrature (gd_core.schedule_sums, gd_core.schedule_quad)
against plain sums over every epoch, and the products of long runs against a vectorised literal loop
(a cumulative product of the plainly written factors), for every schedule, with and without warm-up, on
Seattle and Clemson, raw and standardised, for peak rates from 0.01× to 3× critical and the slider's grid."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import experiment_of

from gd_core import schedule_quad, schedule_sums
from gd_core.descent import record_epochs
from gd_core.scheduled import products, series_terms
from gd_core.schedules import SCHEDULES, Schedule


def literal_products(q, rates, schedule, epochs, record, chunk=20_000):
    """∏_{t<k} (1 − η_r s_t λᵢ) at the recorded epochs, by ``np.cumprod`` over every epoch, and where
    that float product stayed inside [1e-290, 1e290] all along (where the literal loop is itself
    exact to rounding; a product that passed through the subnormal range lost its digits there)."""
    c = (np.asarray(rates)[:, None] * q.eigenvalues[None, :]).ravel()
    out = np.empty((len(record), len(c)))
    clean = np.ones((len(record), len(c)), dtype=bool)
    p, lo, hi = np.ones(len(c)), np.ones(len(c)), np.ones(len(c))
    j = 0
    while j < len(record) and record[j] == 0:
        out[j] = p
        j += 1
    with np.errstate(all="ignore"):
        for a in range(0, epochs, chunk):
            b = min(a + chunk, epochs)
            factors = 1 - schedule.shape(epochs, a, b)[:, None] * c[None, :]
            run = p * np.cumprod(factors, axis=0)
            low = np.minimum(lo, np.minimum.accumulate(np.abs(run), axis=0))
            high = np.maximum(hi, np.maximum.accumulate(np.abs(run), axis=0))
            while j < len(record) and record[j] <= b:
                k = record[j] - a - 1
                out[j], clean[j] = run[k], (low[k] > 1e-290) & (high[k] < 1e290)
                j += 1
            p, lo, hi = run[-1], low[-1], high[-1]
    shape = (len(record), len(rates), len(q.eigenvalues))
    return out.reshape(shape).transpose(1, 0, 2), clean.reshape(shape).transpose(1, 0, 2)


def assert_products_match(q, rates, schedule, epochs, record, rtol=1e-9, compared=0.5):
    fast = products(q, rates, schedule, epochs, record).powers
    plain, clean = literal_products(q, rates, schedule, epochs, record)
    ok = clean & (plain != 0)
    assert ok.sum() >= compared * ok.size  # what stays in float range is compared
    rel = np.abs(fast[ok] - plain[ok]) / np.abs(plain[ok])
    assert rel.max() <= rtol, rel.max()
    np.testing.assert_array_equal(np.sign(fast[ok]), np.sign(plain[ok]))


PARAMS = {"step": (0.5, 100), "exponential": (0.5, 100), "inverse-time": (0.5, 100),
          "cosine": (0.5, 100), "constant": (0.5, 100)}


@pytest.mark.parametrize("standardize", [False, True], ids=["raw", "standardised"])
@pytest.mark.parametrize("key, predictors", [("seattle", ("tmax",)), ("clemson", ("tmax", "tmin"))])
@pytest.mark.parametrize("kind, warmup", [(k, w) for k in SCHEDULES for w in (0, 700)
                                          if k != "constant" or w],  # a plain constant: today's closed form
                         ids=lambda v: v if isinstance(v, str) else ("warmup" if v else "no-warmup"))
def test_long_runs_equal_the_literal_cumulative_product(kind, warmup, key, predictors, standardize):
    exp = experiment_of(key, predictors, standardize)
    schedule = Schedule(kind, *PARAMS[kind], warmup=warmup)
    rates = exp.theory.critical_lr * np.geomspace(0.01, 3, 15)
    assert_products_match(exp.quadratic, rates, schedule, 200_000, record_epochs(200_000, 200))


@pytest.mark.parametrize("kind", ["step", "exponential", "inverse-time", "cosine"])
def test_the_sliders_grid_at_a_long_run(kind):
    """1/1000 … 10× critical, 24 a decade, as the Playground's table: 300,000 epochs."""
    from gd_ui.controls import lr_options

    exp = experiment_of("clemson", ("tmax", "tmin"), False)
    rates = [float(o) for o in lr_options(exp.theory.critical_lr)][::2]
    assert_products_match(exp.quadratic, rates, Schedule(kind, 0.5, 100, warmup=30), 300_000,
                          record_epochs(300_000, 200))


@pytest.mark.parametrize("kind", ["step", "exponential", "inverse-time", "cosine"])
def test_a_million_epochs(kind):
    exp = experiment_of("seattle", ("tmax",), False)
    rates = exp.theory.critical_lr * np.geomspace(0.01, 10, 12)
    assert_products_match(exp.quadratic, rates, Schedule(kind, 0.5, 100), 1_000_000,
                          record_epochs(1_000_000, 200))


SLOW = [Schedule("exponential", 0.99, 1000), Schedule("exponential", 0.9, 500, 99),
        Schedule("inverse-time", 0.1, 1000), Schedule("cosine", warmup=330_000)]


@pytest.mark.parametrize("schedule", SLOW, ids=["exp-slow", "exp-slow-warmup", "inverse-time-slow",
                                                "cosine-long-warmup"])
def test_slow_decays_at_a_long_run(schedule):
    """A decay so slow that ηλ·s stays above 1/4 for hundreds of thousands of epochs (quadrature, not a
    walk), and a cosine whose T is shorter than the recorded gaps."""
    exp = experiment_of("seattle", ("tmax",), True)
    rates = exp.theory.critical_lr * np.geomspace(0.01, 10, 12)
    assert_products_match(exp.quadratic, rates, schedule, 400_000, record_epochs(400_000, 200),
                          compared=0.3)


@pytest.mark.parametrize("kind", SCHEDULES)
def test_a_long_warmup_by_quadrature(kind):
    """A 20,000-epoch warm-up (longer than WARM_WALK: summed by quadrature, its crossings cut about)."""
    exp = experiment_of("clemson", ("tmax", "tmin"), False)
    rates = exp.theory.critical_lr * np.geomspace(0.01, 10, 13)
    assert_products_match(exp.quadratic, rates, Schedule(kind, 0.5, 100, 20_000), 100_000,
                          record_epochs(100_000, 200), compared=0.3)


@pytest.mark.parametrize("seed", range(6))
def test_random_schedules_equal_the_literal_product(seed):
    """Decay rates from 0.1 to 5 (a growing step or exponential is walked as before), decay epochs from
    1 to 5,000, warm-ups, short and long runs, sparse and dense recording."""
    rng = np.random.default_rng(seed)
    exps = [experiment_of("seattle", ("tmax",), False), experiment_of("clemson", ("tmax", "tmin"), True)]
    for _ in range(6):
        exp = exps[rng.integers(2)]
        epochs = int(rng.choice([300, 2_000, 20_000, 60_000]))
        warmup = int(rng.choice([0, 1, 2, 37, 5_000]))
        schedule = Schedule(str(rng.choice(SCHEDULES)), float(rng.choice([0.1, 0.5, 0.9, 0.999, 2.0, 5.0])),
                            int(rng.choice([1, 7, 100, 5_000])), warmup if warmup < epochs else 0)
        if schedule.is_constant(epochs):
            continue
        rates = exp.theory.critical_lr * np.geomspace(1e-3, 10, 9)
        record = record_epochs(epochs, int(rng.choice([200, 60, 2])))
        assert_products_match(exp.quadratic, rates, schedule, epochs, record, compared=0.05)


# --- the pieces -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("schedule", [
    Schedule("step", 0.5, 100, 40), Schedule("step", 0.97, 3), Schedule("exponential", 0.5, 100, 40),
    Schedule("exponential", 0.999, 7), Schedule("inverse-time", 0.5, 100, 40),
    Schedule("inverse-time", 3.0, 2)], ids=lambda s: f"{s.kind}-{s.decay_rate}")
def test_power_sums_in_closed_form_are_the_plain_sums(schedule):
    epochs, terms = 300_000, 12
    cmax = 20.0
    _, _, tail, _ = schedule_sums.plan(schedule, epochs, cmax, series_terms(epochs))
    assert tail < epochs
    assert cmax * schedule.shape_at(epochs, [tail])[0] <= schedule_sums.SERIES_BELOW
    bounds = np.unique(np.r_[tail, np.linspace(tail, epochs, 9).astype(int), tail + 1, tail + 3,
                             epochs - 1, epochs])
    a, b = bounds[:-1], bounds[1:]
    got = schedule_sums.power_sums(schedule, epochs, a, b, terms)
    s = schedule.shape(epochs)
    for n in range(1, terms + 1):
        want = np.add.reduceat(s ** n, a)
        ok = want > 1e-290
        np.testing.assert_allclose(got[ok, n - 1], want[ok], rtol=1e-12)


@pytest.mark.parametrize("kind", SCHEDULES)
def test_segment_peaks_are_the_largest_shape_value(kind):
    for warmup in (0, 1, 17):
        s = Schedule(kind, 0.5, 10, warmup)
        for record in (record_epochs(5000, 200), np.array([0, 3, 17, 18, 40, 5000]), np.array([0, 5000])):
            want = np.maximum.reduceat(s.shape(5000), record[:-1])
            got = schedule_sums.segment_peaks(s, 5000, record)
            assert np.all(got >= want) and np.all(got <= want * (1 + 1e-15))


def test_is_constant_without_the_whole_shape_agrees_with_it():
    for kind in SCHEDULES:
        for r in (1.0, 0.5, 1 - 1e-17, 2.0):
            for k, w, epochs in ((3, 0, 1), (3, 0, 2), (3, 1, 2), (5, 0, 5), (5, 0, 6), (10, 1, 500),
                                 (10, 3, 500), (1000, 0, 900)):
                s = Schedule(kind, r, k, w)
                assert s.is_constant(epochs) == bool(np.all(s.shape(epochs) == 1.0)), (s, epochs)


def test_shape_at_is_the_shape_value_for_value():
    for kind in SCHEDULES:
        s = Schedule(kind, 0.7, 9, 11)
        t = np.array([0, 5, 10, 11, 12, 400, 999])
        np.testing.assert_array_equal(s.shape_at(1000, t), s.shape(1000)[t])


def test_the_rule_sums_smooth_functions_over_whole_epochs():
    a = np.array([0, 10, 100, 1_000, 5_000, 3])
    b = np.array([5, 200, 30_000, 1_065, 90_000, 4])
    owner, t, w = schedule_quad.rule(a, b)
    for g in (lambda x: 1 / (x + 3e4), lambda x: np.cos(x / 5e4), lambda x: ((x - 7) / 1e4) ** 9):
        got = np.bincount(owner, weights=w * g(t), minlength=len(a))
        want = [g(np.arange(x, y, dtype=float)).sum() for x, y in zip(a, b)]
        np.testing.assert_allclose(got, want, rtol=1e-13)


@pytest.mark.parametrize("kind, warmup", [("cosine", 0), ("cosine", 300), ("inverse-time", 0),
                                          ("inverse-time", 300), ("exponential", 0), ("exponential", 300)])
def test_log_sums_across_crossings_are_the_plain_sums(kind, warmup):
    """Blocks of up to a million epochs, columns ηλ from 0.002 to 20: most cross 1 − ηλs = 0 inside
    (a sign change and a log singularity), some just outside, some only nearly (cosine with ηλ ≈ 1)."""
    s = Schedule(kind, 0.99 if kind == "exponential" else 0.5, 1000 if kind == "exponential" else 100, warmup)
    epochs = 1_000_000
    c = np.r_[np.geomspace(0.002, 20, 40), 1 - 1e-9, 1 + 1e-9, 0.999, 1.001]
    for a0, b0 in ((warmup + 10, epochs), (warmup + 123_456, warmup + 400_000), (warmup, warmup + 999)):
        a, b = np.full(len(c), a0), np.full(len(c), b0)
        total, odd = schedule_quad.log_sums(s, epochs, a, b, c)
        with np.errstate(divide="ignore", invalid="ignore"):
            for i, ci in enumerate(c):
                x = ci * s.shape(epochs, a0, b0)
                f = 1 - x
                want = np.log(np.abs(f)).sum()
                # the literal factors' own rounding: ε·x/|1 − x| each (large where ηλs is near 1)
                noise = 4 * np.finfo(float).eps * np.sum(np.abs(x) / np.abs(f))
                if np.isinf(want):
                    assert total[i] == want
                else:
                    assert abs(total[i] - want) <= 1e-10 + 1e-13 * abs(want) + noise, (ci, a0)
                assert odd[i] == np.count_nonzero(f < 0) % 2


@pytest.mark.parametrize("schedule, x", [(Schedule("inverse-time", 2.0, 5), 3.0),
                                         (Schedule("step", 0.5, 3), 4.0),
                                         (Schedule("step", 0.5, 3, warmup=4), 4.0)],
                         ids=["inverse-time", "step", "step-warmup"])
def test_a_factor_that_is_exactly_zero_gives_zero_from_there_on(schedule, x):
    """ηλ·s_t = 1 exactly at some update (inverse-time's u = (ηλ − 1)K/r, a step's piece r^j = 1/ηλ): the
    literal product is 0 from the next epoch on, never NaN."""
    exp = experiment_of("seattle", ("tmax",), False)
    q = exp.quadratic
    lr = x / q.lambda_max
    while lr * q.eigenvalues[-1] != x:  # the peak rate whose ηλmax is x exactly
        lr = np.nextafter(lr, np.inf if lr * q.eigenvalues[-1] < x else -np.inf)
    c = lr * q.eigenvalues[-1]
    epochs = 3000
    assert np.any(1 - c * schedule.shape(epochs) == 0)  # the construction hits 0 exactly
    record = record_epochs(epochs, 400)
    got = products(q, [lr, 0.5 * lr], schedule, epochs, record).powers
    plain, _ = literal_products(q, [lr, 0.5 * lr], schedule, epochs, record)
    zero = plain[0, :, -1] == 0
    assert zero.any() and np.all(got[0, zero, -1] == 0) and np.all(np.isfinite(got))
    np.testing.assert_allclose(got[:, ~zero], plain[:, ~zero], rtol=1e-12)
