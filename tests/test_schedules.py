"""Learning-rate schedules: the closed form (cumulative products per eigen-direction) against the literal
loop fed with each rate written out plainly, on Seattle and Clemson, raw and standardised."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import experiment_of

from gd_core.descent import gradient_descent
from gd_core.model import init_tutorial
from gd_core.schedule_theory import schedule_theory
from gd_core.scheduled import descend
from gd_core.schedules import SCHEDULES, Schedule

EPOCHS = 240
PARAMS = {"constant": {}, "step": dict(decay_rate=0.5, decay_epochs=7),
          "exponential": dict(decay_rate=0.5, decay_epochs=10),
          "inverse-time": dict(decay_rate=2.0, decay_epochs=5), "cosine": {}}
SHARES = (0.01, 0.3, 0.9, 1.5, 3.0)  # peak rate / critical rate


def plain_rate(kind, lr, t, epochs, r=0.5, k=100, w=0):
    """η_t exactly as the issue writes it (t counts updates from 0; the first update uses η₀)."""
    if t < w:
        return lr * (t + 1) / w  # linear warm-up
    u = t - w
    if kind == "constant":
        return lr
    if kind == "step":
        return lr * r ** math.floor(u / k)
    if kind == "exponential":
        return lr * r ** (u / k)
    if kind == "inverse-time":
        return lr / (1 + r * u / k)
    big_t = epochs - w  # cosine: T = the epochs after the warm-up
    return lr * (1 + math.cos(math.pi * min(u, big_t) / big_t)) / 2


def plain_rates(schedule: Schedule, lr: float, epochs: int) -> list[float]:
    return [plain_rate(schedule.kind, lr, t, epochs, schedule.decay_rate, schedule.decay_epochs,
                       schedule.warmup) for t in range(epochs)]


def assert_same(fast, loop, rtol=1e-9):
    np.testing.assert_array_equal(fast.epochs, loop.epochs)
    assert fast.diverged_at == loop.diverged_at
    theta_f = np.column_stack([fast.weights, fast.bias])
    theta_l = np.column_stack([loop.weights, loop.bias])
    rel = np.linalg.norm(theta_f - theta_l, axis=1) / np.linalg.norm(theta_l, axis=1)
    assert rel.max() <= rtol, rel.max()
    np.testing.assert_allclose(fast.train_loss, loop.train_loss, rtol=rtol, atol=0)
    np.testing.assert_allclose(fast.valid_loss, loop.valid_loss, rtol=rtol, atol=0)


def loop_run(exp, schedule, lr, epochs, max_points=400):
    p = exp.model_problem
    w0, b0 = start(exp)
    return gradient_descent(p.train.x, p.train.y, w0, b0, lr=lr, epochs=epochs, x_valid=p.valid.x,
                            y_valid=p.valid.y, max_points=max_points,
                            rates=plain_rates(schedule, lr, epochs))


def start(exp):
    w0, b0 = init_tutorial(exp.problem.n_features)
    return w0, b0


@pytest.mark.parametrize("kind", SCHEDULES)
def test_the_shape_is_the_plain_formula(kind):
    for w in (0, 13):
        s = Schedule(kind, **PARAMS[kind], warmup=w)
        np.testing.assert_allclose(s.rates(0.7, 500), plain_rates(s, 0.7, 500), rtol=1e-15, atol=0)


@pytest.mark.parametrize("standardize", [False, True], ids=["raw", "standardised"])
@pytest.mark.parametrize("key", ["seattle", "clemson"])
@pytest.mark.parametrize("warmup", [0, 20], ids=["no-warmup", "warmup"])
@pytest.mark.parametrize("kind", SCHEDULES)
def test_closed_form_equals_the_literal_loop(kind, warmup, key, standardize):
    exp = experiment_of(key, ("tmax", "tmin"), standardize)
    schedule = Schedule(kind, **PARAMS[kind], warmup=warmup)
    outcomes = set()
    for share in SHARES:
        lr = share * exp.theory.critical_lr
        loop = loop_run(exp, schedule, lr, EPOCHS)
        w0, b0 = start(exp)
        fast = descend(exp.quadratic, w0, b0, lr=lr, epochs=EPOCHS, schedule=schedule)
        assert_same(fast, loop)
        outcomes.add(loop.diverged)
    assert False in outcomes
    if kind in ("constant", "cosine"):  # still too big for long at 1.5× and 3×: those runs diverge
        assert True in outcomes


def extended_loop_losses(exp, rates, epochs) -> np.ndarray:
    """The same update in extended precision (np.longdouble): the MSE at every epoch 0 … epochs."""
    p = exp.model_problem.train
    x, y = p.x.astype(np.longdouble), p.y.astype(np.longdouble)
    w0, b0 = start(exp)
    w, b = np.asarray(w0, dtype=np.longdouble), np.longdouble(b0)
    out = []
    for t in range(epochs + 1):
        r = x @ w + b - y
        out.append(np.mean(r * r))
        if t < epochs:
            eta = np.longdouble(rates[t])
            w, b = w - eta * (x.T @ r) / len(x), b - eta * np.mean(r)
    return np.asarray(out, dtype=float)


@pytest.mark.parametrize("kind", ["exponential", "step"])
def test_sparse_recording_and_divergence_stop_match_the_loop(kind):
    """3,000 epochs recorded on 60 points, a warm-up that lifts a converged run above 2/λmax: the same
    epochs and the same divergence stop as the loop. Where the run blows a nearly converged error up
    10¹²-fold, the float64 loop's own rounding noise is amplified with it (with a 30-epoch warm-up at 2×
    critical: 1.2e-9 from an extended-precision loop, the closed form 7e-13), so the losses are also held
    to that extended-precision loop."""
    exp = experiment_of("seattle", ("tmax",), False)
    schedule = Schedule(kind, decay_rate=0.7, decay_epochs=50, warmup=25)
    stops = set()
    for share in (0.5, 1.2, 2.0, 3.0):
        lr = share * exp.theory.critical_lr
        loop = loop_run(exp, schedule, lr, 3000, max_points=60)
        w0, b0 = start(exp)
        fast = descend(exp.quadratic, w0, b0, lr=lr, epochs=3000, schedule=schedule, max_points=60)
        assert_same(fast, loop, rtol=1e-8)
        stops.add(loop.diverged_at)
        last = int(loop.epochs[-1])
        exact = extended_loop_losses(exp, plain_rates(schedule, lr, 3000), last)[loop.epochs]
        np.testing.assert_allclose(fast.train_loss, exact, rtol=1e-11, atol=0)
    assert None in stops and len(stops) > 1  # rescued and diverged runs were both checked


@pytest.mark.parametrize("schedule", [Schedule(), Schedule("step", decay_rate=1.0, decay_epochs=3),
                                      Schedule("exponential", decay_rate=1.0, decay_epochs=7)],
                         ids=["constant", "step-r1", "exponential-r1"])
def test_a_rate_that_never_changes_gives_todays_numbers_exactly(schedule):
    exp = experiment_of("clemson", ("tmax", "tmin"), False)
    w0, b0 = start(exp)
    for share in (0.05, 0.9, 1.7):
        lr = share * exp.theory.critical_lr
        today = exp.quadratic.descend(w0, b0, lr=lr, epochs=5000)
        ours = descend(exp.quadratic, w0, b0, lr=lr, epochs=5000, schedule=schedule)
        for name in ("epochs", "weights", "bias", "train_loss", "valid_loss", "grad_w", "grad_b"):
            np.testing.assert_array_equal(getattr(ours, name), getattr(today, name))
        assert ours.diverged_at == today.diverged_at


@pytest.mark.parametrize("bad", [dict(kind="linear"), dict(decay_rate=0), dict(decay_rate=-1.0),
                                 dict(decay_rate=math.inf), dict(decay_epochs=0), dict(warmup=-1)])
def test_bad_parameters_are_refused_with_a_message(bad):
    with pytest.raises(ValueError, match=r"schedule|decay|warm-up"):
        Schedule(**{"kind": "step", **bad})


def test_a_warmup_must_end_before_the_run():
    with pytest.raises(ValueError, match="warm-up"):
        Schedule("cosine", warmup=100).shape(100)


# --- the theory of a run with a schedule --------------------------------------------------------------

@pytest.mark.parametrize("key, standardize", [("seattle", True), ("clemson", False)])
@pytest.mark.parametrize("kind, share", [("exponential", 2.5), ("step", 1.8), ("inverse-time", 3.0)])
def test_grows_until_matches_the_loops_loss_turning_down(kind, share, key, standardize):
    exp = experiment_of(key, ("tmax", "tmin"), standardize)
    schedule = Schedule(kind, **PARAMS[kind])
    lr = share * exp.theory.critical_lr
    loop = loop_run(exp, schedule, lr, 300, max_points=301)
    assert loop.diverged_at is None
    th = schedule_theory(exp.quadratic, lr, schedule, 300, loop.diverged_at)
    k = th.grows_until
    assert th.starts_too_big and th.falls_under == k and th.rescued
    loss = loop.train_loss
    assert int(np.argmax(loss)) == k  # the loss peaks where the theory says the growth stops
    assert loss[k] > loss[k - 1] and loss[k + 1] < loss[k]
    assert np.all(np.diff(loss[k:k + 50]) < 0)  # every direction shrinks from there on
    # each direction's total factor is the plain product of 1 − η_t λᵢ
    rates = np.array(plain_rates(schedule, lr, 300))
    np.testing.assert_allclose(th.factors, [np.prod(1 - rates * lam) for lam in exp.quadratic.eigenvalues],
                               rtol=1e-12)
    assert th.growing_epochs == int(np.sum(rates * exp.quadratic.lambda_max > 2)) == k


def test_a_run_that_diverges_is_not_rescued_and_a_warmup_can_make_the_step_too_big_later():
    exp = experiment_of("seattle", ("tmax",), True)
    lr = 3 * exp.theory.critical_lr
    w0, b0 = start(exp)
    cosine = Schedule("cosine")
    h = descend(exp.quadratic, w0, b0, lr=lr, epochs=400, schedule=cosine)
    th = schedule_theory(exp.quadratic, lr, cosine, 400, h.diverged_at)
    assert h.diverged and th.rescued is False and th.starts_too_big
    warm = Schedule("exponential", decay_rate=0.5, decay_epochs=10, warmup=20)
    th = schedule_theory(exp.quadratic, lr, warm, 400)
    (a, b), = th.too_big
    assert a == 6 and th.rescued is None  # 3·(t + 1)/20 > 1 from t = 6; no start given
    assert not schedule_theory(exp.quadratic, 0.5 * exp.theory.critical_lr, warm, 400, None).too_big


# --- many peak rates at once (the live chart's table) ---------------------------------------------------

@pytest.mark.parametrize("kind", ["step", "exponential", "inverse-time", "cosine"])
@pytest.mark.parametrize("epochs", [500, 20_000])
def test_the_grid_of_rates_equals_a_plain_cumulative_product_and_its_divergence_stops(kind, epochs):
    """Every rate of a 1/1000 … 10× critical grid at once: the products at the recorded epochs equal
    ``np.cumprod`` of the plainly written factors, and each rate's divergence epoch is the first epoch of
    that plain product's loss past the limit."""
    from gd_core.descent import divergence_limit, record_epochs
    from gd_core.scheduled import divergence_epochs, products

    exp = experiment_of("clemson", ("tmax", "tmin"), True)
    q = exp.quadratic
    schedule = Schedule(kind, decay_rate=0.5, decay_epochs=max(epochs // 100, 1), warmup=epochs // 50)
    rates = exp.theory.critical_lr * np.geomspace(1e-3, 10, 41)
    record = record_epochs(epochs, 200)
    prod = products(q, rates, schedule, epochs, record)
    w0, b0 = start(exp)
    z0 = q.eigenvectors.T @ (np.append(w0, b0) - q.optimum)
    limit = divergence_limit(float(q.train_loss(np.append(w0, b0))))
    found = divergence_epochs(prod, q, z0, limit)
    for r, lr in enumerate(rates):
        eta = np.array(plain_rates(schedule, lr, epochs))
        with np.errstate(all="ignore"):
            factors = 1 - eta[:, None] * q.eigenvalues
            plain = np.vstack([np.ones(len(q.eigenvalues)), np.cumprod(factors, axis=0)])
            loss = q.min_loss + (z0 ** 2 * plain ** 2) @ q.eigenvalues
        over = np.flatnonzero(~(np.isfinite(loss) & (loss <= limit)))
        expected = int(over[0]) if len(over) else -1
        assert found[r] == expected, (r, lr / exp.theory.critical_lr)
        ok = record < (expected if expected >= 0 else epochs + 1)
        np.testing.assert_allclose(prod.powers[r][ok], plain[record[ok]], rtol=1e-10, atol=1e-300)
    assert (found >= 0).any() and (found < 0).any()


# --- the landscape's optimizers with a schedule -----------------------------------------------------------

def test_every_optimizer_takes_the_schedule_with_its_literal_update():
    from gd_core.trajectories import trajectory

    exp = experiment_of("seattle", ("tmax",), True)
    q = exp.quadratic
    schedule = Schedule("step", decay_rate=0.5, decay_epochs=20, warmup=5)
    lr = 1.6 * exp.theory.critical_lr
    rates = plain_rates(schedule, lr, 150)
    # gradient descent: the closed form of the schedule, every epoch
    gd = trajectory(q, [0.0], 0.0, method="gd", lr=lr, epochs=150, rates=rates)
    closed = descend(q, [0.0], 0.0, lr=lr, epochs=150, schedule=schedule, max_points=151)
    np.testing.assert_allclose(np.column_stack([gd.weights, gd.bias]),
                               np.column_stack([closed.weights, closed.bias]), rtol=1e-9, atol=1e-12)
    # momentum, written out: v ← βv + g; θ ← θ − η_t·v
    theta, v, beta = np.zeros(2), np.zeros(2), 0.9
    out = [theta]
    for t in range(150):
        v = beta * v + q.hessian @ (theta - q.optimum)
        theta = theta - rates[t] * v
        out.append(theta)
    mom = trajectory(q, [0.0], 0.0, method="momentum", lr=lr, epochs=150, rates=rates, beta=beta)
    np.testing.assert_allclose(np.column_stack([mom.weights, mom.bias]), np.array(out)[:len(mom.epochs)],
                               rtol=1e-12, atol=1e-12)
    # a constant rate array is today's momentum (the closed-form matrix powers)
    same = trajectory(q, [0.0], 0.0, method="momentum", lr=0.3, epochs=150, rates=[0.3] * 150, beta=beta)
    today = trajectory(q, [0.0], 0.0, method="momentum", lr=0.3, epochs=150, beta=beta)
    np.testing.assert_allclose(same.weights, today.weights, rtol=1e-9, atol=1e-12)
    for method in ("nesterov", "rmsprop", "adam"):  # a constant array is today's run; a schedule is not
        flat = trajectory(q, [0.0], 0.0, method=method, lr=0.1, epochs=150, rates=[0.1] * 150)
        plain = trajectory(q, [0.0], 0.0, method=method, lr=0.1, epochs=150)
        np.testing.assert_allclose(flat.weights, plain.weights, rtol=1e-9, atol=1e-12)
        cosine = trajectory(q, [0.0], 0.0, method=method, lr=0.1, epochs=150,
                            rates=Schedule("cosine").rates(0.1, 150))
        assert cosine.weights[1] == pytest.approx(plain.weights[1], rel=1e-12)  # η₀ is the peak
        assert not np.allclose(cosine.weights[-1], plain.weights[-1], rtol=1e-6)
