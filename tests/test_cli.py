"""``python -m gd_core fit``: the tutorial's own run reproduced, the JSON contract, options, error paths."""

from __future__ import annotations

import io
import json
import math
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout

import numpy as np
import pandas as pd
import pytest
from conftest import REPO, require_reference

from gd_core.cli import main
from gd_core.data import make_problem, read_weather_csv
from gd_core.descent import gradient_descent
from gd_core.experiment import Experiment

JSON_KEYS = {"weights", "bias", "epochs_run", "diverged", "diverged_at", "loss", "optimum", "baseline",
             "theory"}
NESTED_KEYS = {
    "loss": {"train", "valid", "test"},
    "optimum": {"weights", "bias", "train", "valid", "test"},
    "baseline": {"valid", "test"},
    "theory": {"critical_lr", "optimal_lr", "condition_number", "eigenvalues"},
}


def cli(*args: str) -> subprocess.CompletedProcess:
    """``python -m gd_core ...`` as its own process."""
    return subprocess.run([sys.executable, "-m", "gd_core", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=120)


def run_main(*args: str) -> tuple[int, str, str]:
    """The same entry point in this process (no interpreter start-up): status, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = main(list(args))
    return status, out.getvalue(), err.getvalue()


def strict_json(text: str) -> dict:
    """Parse JSON, refusing the NaN/Infinity tokens that are not JSON."""
    def refuse(token):
        raise ValueError(f"not JSON: {token}")
    return json.loads(text, parse_constant=refuse)


def fit_json(*args: str) -> dict:
    status, stdout, stderr = run_main("fit", *args, "--json")
    assert status == 0, stderr
    assert stderr == ""
    return strict_json(stdout)


# --- the tutorial's own run, written as the tutorial writes it: the oracle ---------------------------

PREDICTORS = ["tmax", "tmin", "rain"]
TARGET = "tmax_tomorrow"


def tutorial_init_params(predictors):
    k = math.sqrt(1 / predictors)
    weights = np.random.RandomState(0).rand(predictors, 1) * 2 * k - k
    biases = np.ones((1, 1)) * 2 * k - k
    return [weights, biases]


def tutorial_forward(params, x):
    weights, biases = params
    return x @ weights + biases


def tutorial_mse(actual, predicted):
    return np.mean((actual - predicted) ** 2)


def tutorial_mse_grad(actual, predicted):
    return predicted - actual


def tutorial_backward(params, x, lr, grad):
    w_grad = (x.T / x.shape[0]) @ grad
    b_grad = np.mean(grad, axis=0)
    params[0] -= w_grad * lr
    params[1] -= b_grad * lr
    return params


@pytest.fixture(scope="module")
def tutorial(reference_csv):
    """The tutorial's 50,000-epoch run, once per session: final parameters, the validation MSE it
    prints every 10,000 epochs, and a snapshot after 1,000 epochs."""
    data = pd.read_csv(reference_csv, index_col=0)
    data = data.ffill()
    # the tutorial splits the frame with np.split; numpy 2 returns arrays from it, so split the values
    values = data[PREDICTORS + [TARGET]].to_numpy()
    split_data = np.split(values, [int(.7 * len(values)), int(.85 * len(values))])
    (train_x, train_y), (valid_x, valid_y), (test_x, test_y) = [[d[:, :3], d[:, 3:]] for d in split_data]

    lr = 1e-4
    epochs = 50000
    params = tutorial_init_params(train_x.shape[1])
    printed, snapshot = {}, None
    for i in range(epochs):
        predictions = tutorial_forward(params, train_x)
        grad = tutorial_mse_grad(train_y, predictions)
        params = tutorial_backward(params, train_x, lr, grad)
        if i % 10000 == 0:
            printed[i + 1] = tutorial_mse(valid_y, tutorial_forward(params, valid_x))
        if i + 1 == 1000:
            snapshot = (params[0][:, 0].copy(), float(params[1][0, 0]))
    return {
        "weights": params[0][:, 0], "bias": float(params[1][0, 0]),
        "valid": tutorial_mse(valid_y, tutorial_forward(params, valid_x)),
        "test": tutorial_mse(test_y, tutorial_forward(params, test_x)),
        "printed": printed, "after_1000": snapshot,
        "train": (train_x, train_y[:, 0]), "valid_data": (valid_x, valid_y[:, 0]),
        "test_data": (test_x, test_y[:, 0]),
    }


@pytest.mark.slow  # the tutorial's 50,000-epoch literal loop
def test_cli_reproduces_the_tutorials_run(reference_csv, tutorial):
    done = cli("fit", str(reference_csv), "--init", "tutorial", "--lr", "1e-4", "--epochs", "50000",
               "--json")
    assert done.returncode == 0 and done.stderr == "", done.stderr
    out = strict_json(done.stdout)
    np.testing.assert_allclose(out["weights"], tutorial["weights"], rtol=1e-6, atol=0)
    assert out["bias"] == pytest.approx(tutorial["bias"], rel=1e-6)
    assert out["loss"]["valid"] == pytest.approx(tutorial["valid"], rel=1e-6)
    assert out["loss"]["test"] == pytest.approx(tutorial["test"], rel=1e-6)
    assert out["epochs_run"] == 50000 and out["diverged"] is False and out["diverged_at"] is None


def test_cli_defaults_are_the_tutorials_setup(reference_csv, tutorial):
    out = fit_json(str(reference_csv))
    np.testing.assert_allclose(out["weights"], tutorial["weights"], rtol=1e-6, atol=0)


def test_core_api_reproduces_the_tutorials_run(reference_csv, tutorial):
    problem = make_problem(read_weather_csv(reference_csv), PREDICTORS, TARGET)
    for ours, theirs in zip((problem.train, problem.valid, problem.test),
                            (tutorial["train"], tutorial["valid_data"], tutorial["test_data"])):
        np.testing.assert_array_equal(ours.x, theirs[0])
        np.testing.assert_array_equal(ours.y, theirs[1])
    exp = Experiment.build(problem)
    w0, b0 = exp.initial("tutorial")
    history = exp.run(w0, b0, lr=1e-4, epochs=50000)
    np.testing.assert_allclose(history.final_weights, tutorial["weights"], rtol=1e-6, atol=0)
    assert history.final_bias == pytest.approx(tutorial["bias"], rel=1e-6)
    assert history.valid_loss[-1] == pytest.approx(tutorial["valid"], rel=1e-6)
    for epochs, printed in tutorial["printed"].items():  # what the tutorial prints on the way
        assert exp.run(w0, b0, lr=1e-4, epochs=epochs).valid_loss[-1] == pytest.approx(printed, rel=1e-6)
    # the literal loop too (1,000 epochs keeps it quick)
    loop = gradient_descent(problem.train.x, problem.train.y, w0, b0, lr=1e-4, epochs=1000)
    w_1000, b_1000 = tutorial["after_1000"]
    np.testing.assert_allclose(loop.final_weights, w_1000, rtol=1e-12)
    assert loop.final_bias == pytest.approx(b_1000, rel=1e-12)


def test_cli_json_numbers_on_the_tutorials_data(reference_csv, tutorial):
    out = fit_json(str(reference_csv), "--epochs", "10")
    x, y = tutorial["train"]
    a = np.column_stack([x, np.ones(len(x))])
    eigenvalues = np.linalg.eigvalsh(a.T @ a / len(x))
    np.testing.assert_allclose(out["theory"]["eigenvalues"], eigenvalues, rtol=1e-9)
    assert out["theory"]["critical_lr"] == pytest.approx(2 / eigenvalues[-1], rel=1e-12)
    assert out["theory"]["optimal_lr"] == pytest.approx(2 / (eigenvalues[0] + eigenvalues[-1]), rel=1e-9)
    assert out["theory"]["condition_number"] == pytest.approx(eigenvalues[-1] / eigenvalues[0], rel=1e-6)
    theta, *_ = np.linalg.lstsq(a, y, rcond=None)
    np.testing.assert_allclose(out["optimum"]["weights"], theta[:-1], rtol=1e-9)
    assert out["optimum"]["bias"] == pytest.approx(theta[-1], rel=1e-9)
    for name, (xs, ys) in (("valid", tutorial["valid_data"]), ("test", tutorial["test_data"])):
        assert out["optimum"][name] == pytest.approx(np.mean((xs @ theta[:-1] + theta[-1] - ys) ** 2),
                                                     rel=1e-9)
        # "tomorrow = today": today's tmax is the first predictor column
        assert out["baseline"][name] == pytest.approx(np.mean((xs[:, 0] - ys) ** 2), rel=1e-12)


def test_reference_is_skipped_where_absent_but_never_in_ci(tmp_path, monkeypatch):
    absent = tmp_path / "nowhere" / "clean_weather.csv"
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="not found"):
        require_reference(absent)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI"):
        require_reference(absent)
    present = tmp_path / "here.csv"
    present.write_text("x")
    assert require_reference(present) == present


# --- options on a small synthetic file ---------------------------------------------------------------

N_DAYS = 400


@pytest.fixture(scope="module")
def weather(tmp_path_factory):
    """A tidy CSV without gaps, and the training arrays computed independently from it."""
    rng = np.random.default_rng(21)
    dates = pd.date_range("2010-01-01", periods=N_DAYS, freq="D")
    tmax = 18 + 7 * np.sin(np.arange(N_DAYS) / 58) + rng.normal(size=N_DAYS)
    frame = pd.DataFrame({"date": dates.strftime("%Y-%m-%d"), "tmax": tmax.round(1),
                          "tmin": (tmax - 8 + rng.normal(size=N_DAYS)).round(1),
                          "rain": rng.exponential(2.0, size=N_DAYS).round(1)})
    path = tmp_path_factory.mktemp("cli") / "weather.csv"
    frame.to_csv(path, index=False)
    values = frame[["tmax", "tmin", "rain"]].to_numpy()
    n = N_DAYS - 1  # the last day has no tomorrow
    x, y = values[:n], values[1:, 0]
    a, b = int(0.7 * n), int(0.85 * n)
    return path, (x[:a], y[:a]), (x[a:b], y[a:b]), (x[b:], y[b:])


def test_json_has_exactly_the_issues_keys(weather):
    out = fit_json(str(weather[0]), "--epochs", "100")
    assert set(out) == JSON_KEYS
    for key, keys in NESTED_KEYS.items():
        assert set(out[key]) == keys
    assert len(out["weights"]) == 3 and len(out["optimum"]["weights"]) == 3
    assert len(out["theory"]["eigenvalues"]) == 4
    assert isinstance(out["epochs_run"], int) and isinstance(out["diverged"], bool)


def test_readable_summary_without_json(weather):
    status, text, stderr = run_main("fit", str(weather[0]), "--epochs", "100")
    assert status == 0 and stderr == ""
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)
    out = fit_json(str(weather[0]), "--epochs", "100")
    for word in ("tmax_tomorrow ~ tmax + tmin + rain", "optimum", "baseline", "critical lr", "MSE"):
        assert word in text
    assert f"{out['loss']['valid']:.6g}" in text and f"{out['optimum']['bias']:.6g}" in text


def test_init_zeros_takes_the_first_step_from_zero(weather):
    path, (x, y), *_ = weather
    out = fit_json(str(path), "--init", "zeros", "--lr", "1e-4", "--epochs", "1")
    # from w = 0, b = 0 the residual is −y: one step gives w = η·xᵀy/n, b = η·mean(y)
    np.testing.assert_allclose(out["weights"], 1e-4 * x.T @ y / len(y), rtol=1e-12)
    assert out["bias"] == pytest.approx(1e-4 * np.mean(y), rel=1e-12)


@pytest.mark.parametrize(("w0", "b0"), [("0.5,-0.25,2", "1.5"), ("0.1", "-3")])
def test_explicit_start(weather, w0, b0):
    path, (x, y), *_ = weather
    out = fit_json(str(path), "--w0", w0, "--b0", b0, "--lr", "2e-4", "--epochs", "1")
    w = np.broadcast_to(np.array(w0.split(","), dtype=float), (3,))
    b = float(b0)
    residual = x @ w + b - y
    np.testing.assert_allclose(out["weights"], w - 2e-4 * x.T @ residual / len(y), rtol=1e-12)
    assert out["bias"] == pytest.approx(b - 2e-4 * np.mean(residual), rel=1e-12)


@pytest.mark.parametrize("args", [(), ("--b0", "7"), ("--w0", "1,2,3")], ids=["tutorial", "b0", "w0"])
def test_explicit_values_override_the_tutorial_init_one_by_one(weather, args):
    path, (x, y), *_ = weather
    k = math.sqrt(1 / 3)
    w = np.random.RandomState(0).rand(3, 1)[:, 0] * 2 * k - k if "--w0" not in args else np.array([1.0, 2, 3])
    b = 7.0 if "--b0" in args else k
    out = fit_json(str(path), *args, "--lr", "1e-4", "--epochs", "1")
    residual = x @ w + b - y
    np.testing.assert_allclose(out["weights"], w - 1e-4 * x.T @ residual / len(y), rtol=1e-12)
    assert out["bias"] == pytest.approx(b - 1e-4 * np.mean(residual), rel=1e-12)


def test_standardized_long_run_reaches_the_optimum_in_original_units(weather):
    path, (x, y), *_ = weather
    problem = make_problem(read_weather_csv(path), PREDICTORS, TARGET)
    lr = Experiment.build(problem, standardize=True).theory.optimal_lr
    out = fit_json(str(path), "--standardize", "--lr", repr(lr), "--epochs", "100000")
    theta, *_ = np.linalg.lstsq(np.column_stack([x, np.ones(len(x))]), y, rcond=None)
    np.testing.assert_allclose(out["weights"], theta[:-1], rtol=1e-8, atol=1e-10)
    assert out["bias"] == pytest.approx(theta[-1], rel=1e-8)
    assert out["loss"]["train"] == pytest.approx(out["optimum"]["train"], rel=1e-10)
    # the same rate on the raw predictors is far past critical: standardising is what made it safe
    raw = fit_json(str(path), "--lr", repr(lr), "--epochs", "1000")
    assert raw["diverged"] is True


def test_a_diverging_run_reports_its_last_finite_state(weather):
    path = str(weather[0])
    out = fit_json(path, "--lr", "0.01", "--epochs", "1000")
    assert out["diverged"] is True and isinstance(out["diverged_at"], int)
    assert out["epochs_run"] == out["diverged_at"] - 1
    assert all(math.isfinite(v) for v in out["weights"])
    status, text, _ = run_main("fit", path, "--lr", "0.01", "--epochs", "1000")
    assert status == 0 and f"DIVERGED at epoch {out['diverged_at']:,}" in text


# --- error paths: exit 2, one line "error: ...", no traceback ----------------------------------------

ERROR_CASES = {
    "missing file": (["fit", "{missing}"], "not found"),
    "directory": (["fit", "{dir}"], "is a folder, not a file"),
    "unknown column": (["fit", "{csv}", "--predictors", "tmax,wind"], "wind"),
    "unknown target": (["fit", "{csv}", "--target", "snow_tomorrow"], "snow"),
    "empty predictors": (["fit", "{csv}", "--predictors", ","], "column name"),
    "lr zero": (["fit", "{csv}", "--lr", "0"], "> 0"),
    "lr negative": (["fit", "{csv}", "--lr", "-0.001"], "> 0"),
    "lr negative exponent": (["fit", "{csv}", "--lr=-1e-4"], "> 0"),
    "lr not a number": (["fit", "{csv}", "--lr", "fast"], "--lr"),
    "lr nan": (["fit", "{csv}", "--lr", "nan"], "--lr"),
    "epochs zero": (["fit", "{csv}", "--epochs", "0"], "got 0"),
    "epochs negative": (["fit", "{csv}", "--epochs", "-3"], "got -3"),
    "epochs fractional": (["fit", "{csv}", "--epochs", "1.5"], "--epochs"),
    "non-numeric values": (["fit", "{bad}"], "warm"),
    "empty file": (["fit", "{empty}"], "columns"),
    "w0 count": (["fit", "{csv}", "--w0", "1,2"], "--w0"),
    "w0 not a number": (["fit", "{csv}", "--w0", "1,x,3"], "--w0"),
    "b0 infinite": (["fit", "{csv}", "--b0", "inf"], "--b0"),
    "start overflows": (["fit", "{csv}", "--w0", "1e200"], "not finite"),
    "unknown init": (["fit", "{csv}", "--init", "random"], "--init"),
    # no subcommand at all prints the usage first: tests/test_cli_files.py
    "unknown subcommand": (["train", "{csv}"], "train"),
}


@pytest.fixture(scope="module")
def error_paths(weather, tmp_path_factory):
    folder = tmp_path_factory.mktemp("errors")
    (folder / "bad.csv").write_text("date,tmax,tmin,rain\n" + "".join(
        f"2001-01-{d:02d},{'warm' if d == 5 else d},1,0\n" for d in range(1, 28)))
    (folder / "empty.csv").write_text("")
    return {"csv": weather[0], "missing": folder / "nope.csv", "dir": folder,
            "bad": folder / "bad.csv", "empty": folder / "empty.csv"}


def assert_one_error_line(status, stdout, stderr, expected):
    lines = stderr.splitlines()
    assert "Traceback" not in stderr
    assert len(lines) == 1 and lines[0].startswith("error: "), stderr
    assert expected in lines[0]
    assert stdout == ""
    assert status == 2


@pytest.mark.parametrize("case", list(ERROR_CASES))
def test_error_paths(error_paths, case):
    args, expected = ERROR_CASES[case]
    assert_one_error_line(*run_main(*[a.format(**error_paths) for a in args]), expected)


@pytest.mark.slow  # four interpreters at once: ~12 s on 2 busy cores
def test_error_paths_as_processes(error_paths):
    """A few of them as real processes, started together: exit status 2 at the process level."""
    cases = ["missing file", "lr zero", "non-numeric values", "unknown subcommand"]
    procs = {case: subprocess.Popen(
        [sys.executable, "-m", "gd_core", *[a.format(**error_paths) for a in ERROR_CASES[case][0]]],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for case in cases}
    for case, proc in procs.items():
        stdout, stderr = proc.communicate(timeout=120)
        assert_one_error_line(proc.returncode, stdout, stderr, ERROR_CASES[case][1])
