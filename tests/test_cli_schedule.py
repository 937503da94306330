"""``fit --schedule``: the JSON's schedule and theory equal the core's and the literal loop's; bad values are
one line and exit 2."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout

import numpy as np
import pytest
from conftest import REPO, experiment_of
from test_schedules import plain_rates

from gd_core.cli import main
from gd_core.descent import gradient_descent
from gd_core.model import init_tutorial
from gd_core.schedules import Schedule

SEATTLE = str(REPO / "data" / "seattle-weather.csv")


def run_main(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = main(list(args))
    return status, out.getvalue(), err.getvalue()


def test_json_carries_the_schedule_and_its_theory_and_the_fit_is_the_loops():
    exp = experiment_of("seattle", ("tmax", "tmin"), True)
    lr = 2.5 * exp.theory.critical_lr
    status, out, err = run_main("fit", SEATTLE, "--predictors", "tmax,tmin", "--standardize", "--lr",
                                repr(lr), "--epochs", "400", "--schedule", "exponential", "--decay-rate",
                                "0.5", "--decay-epochs", "10", "--warmup-epochs", "5", "--json")
    assert status == 0 and not err
    report = json.loads(out)
    sched = report["schedule"]
    assert {k: sched[k] for k in ("kind", "decay_rate", "decay_epochs", "warmup_epochs")} == \
        {"kind": "exponential", "decay_rate": 0.5, "decay_epochs": 10, "warmup_epochs": 5}
    th = sched["theory"]
    rates = np.array(plain_rates(Schedule("exponential", 0.5, 10, 5), lr, 400))
    big = np.flatnonzero(rates * exp.quadratic.lambda_max > 2)
    assert th["too_big"] == [[int(big[0]), int(big[-1]) + 1]] and th["rescued"] is True
    assert th["grows_until"] == int(big[-1]) + 1 and report["diverged"] is False
    p = exp.model_problem.train
    w0, b0 = init_tutorial(2)
    loop = gradient_descent(p.x, p.y, w0, b0, lr=lr, epochs=400, rates=rates)
    w, b = exp.to_original(loop.final_weights, loop.final_bias)
    np.testing.assert_allclose(report["weights"], w, rtol=1e-9)
    np.testing.assert_allclose(report["bias"], b, rtol=1e-9)


def test_readable_summary_names_the_schedule():
    status, out, _ = run_main("fit", SEATTLE, "--predictors", "tmax", "--standardize", "--lr", "2",
                              "--epochs", "200", "--schedule", "step", "--decay-rate", "0.3",
                              "--decay-epochs", "5")
    assert status == 0
    assert "schedule step: × 0.3 every 5 epochs" in out and "rescued" in out


def test_without_a_schedule_the_report_is_unchanged():
    _, plain, _ = run_main("fit", SEATTLE, "--predictors", "tmax", "--epochs", "300", "--json")
    _, constant, _ = run_main("fit", SEATTLE, "--predictors", "tmax", "--epochs", "300", "--json",
                              "--schedule", "constant")
    a, b = json.loads(plain), json.loads(constant)
    assert "schedule" not in a and b.pop("schedule")["kind"] == "constant"
    assert a == b


@pytest.mark.parametrize("args, says", [
    (["--schedule", "step", "--decay-rate", "0"], "--decay-rate: must be a finite number > 0"),
    (["--schedule", "step", "--decay-rate", "-2"], "--decay-rate: must be a finite number > 0"),
    (["--schedule", "step", "--decay-epochs", "0"], "--decay-epochs: must be a whole number ≥ 1"),
    (["--schedule", "cosine", "--warmup-epochs", "100"], "--warmup-epochs 100 must be fewer than --epochs"),
    (["--decay-rate", "0.5"], "--decay-rate needs --schedule"),
    (["--warmup-epochs", "3"], "--warmup-epochs needs --schedule"),
    (["--schedule", "cosine", "--decay-rate", "0.5"], "does not apply to --schedule cosine"),
    (["--schedule", "linear"], "invalid choice"),
    (["--schedule", "step", "--epochs", "20000000"], "at most 10,000,000 epochs"),
])
def test_bad_schedule_values_are_one_line_and_exit_2(args, says):
    epochs = [] if "--epochs" in args else ["--epochs", "100"]
    status, out, err = run_main("fit", SEATTLE, "--predictors", "tmax", *epochs, *args)
    assert status == 2 and not out
    assert err.count("\n") == 1 and err.startswith("error: ") and says in err, err
