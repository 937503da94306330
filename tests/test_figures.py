"""Figure builders: traces, frames, axes, and every drawn number against an independent oracle."""

from __future__ import annotations

import json

import numpy as np
import plotly.io as pio
import pytest

from gd_core.data import make_problem
from gd_core.experiment import Experiment
from gd_core.landscape import loss_curve
from gd_ui.datasets import BUNDLED_BY_KEY, Dataset, read_bundled
from gd_ui.fastfig import decode
from gd_ui.figures import MAX_FRAMES, MOVING, MOVING_IDX, STATIC, descent_figure, loss_figure
from gd_ui.views import descent_data, numbers_table


def dataset(key: str) -> Dataset:
    b = BUNDLED_BY_KEY[key]
    return Dataset(key, b.label, read_bundled(key), b.temperature_unit, b.rain_unit)


def build(key="seattle", predictors=("tmax",), index=0, lr_share=0.4, epochs=10_000,
          standardize=False, w0=-0.5, b0=10.0):
    ds = dataset(key)
    exp = Experiment.build(make_problem(ds.frame, predictors, "tmax_tomorrow"), standardize=standardize)
    w = np.full(len(predictors), w0)
    b = b0
    if exp.scaler is not None:
        w, b = exp.scaler.to_standardized(w, b)
    history = exp.history_in_original_units(
        exp.run(w, float(b), lr=lr_share * exp.theory.critical_lr, epochs=epochs))
    data = descent_data(exp, history, index, ds)
    return exp, history, data, descent_figure(data).to_dict()


@pytest.fixture(scope="module")
def seattle():
    return build()


def test_traces_frames_and_only_moving_traces_in_frames(seattle):
    _, history, _, fig = seattle
    assert len(fig["data"]) == len(STATIC) + len(MOVING) == 9
    assert fig["data"][0]["type"] == "scattergl"
    frames = fig["frames"]
    assert 2 <= len(frames) <= MAX_FRAMES
    for frame in frames:
        assert frame["traces"] == MOVING_IDX
        assert len(frame["data"]) == len(MOVING)
        assert all(t["type"] == "scatter" for t in frame["data"])  # never the 1,021-point scatter
    steps = fig["layout"]["sliders"][0]["steps"]
    assert [s["label"] for s in steps] == [f["name"] for f in frames]
    assert frames[0]["name"] == "0" and frames[-1]["name"] == f"{history.epochs_run:,}"


def test_axis_titles_and_fixed_ranges(seattle):
    _, _, _, fig = seattle
    lay = fig["layout"]
    assert lay["xaxis"]["title"]["text"] == "today's tmax (°C)"
    assert lay["yaxis"]["title"]["text"] == "tomorrow's tmax (°C)"
    assert lay["yaxis2"]["title"]["text"] == "training MSE"
    assert lay["xaxis3"]["title"]["text"] == "weight w(tmax)"
    assert "half-MSE" in lay["yaxis3"]["title"]["text"]
    for axis in ("xaxis", "yaxis", "xaxis2", "yaxis2", "xaxis3", "yaxis3"):
        lo, hi = lay[axis]["range"]
        assert lo < hi
    assert lay["xaxis2"]["range"] == lay["xaxis3"]["range"]  # (b) and (c) share the weight axis


def test_frames_draw_the_history_and_the_slice_passes_through_the_marker(seattle):
    exp, history, data, fig = seattle
    x, y = exp.problem.train.x, exp.problem.train.y
    by_epoch = {int(e): k for k, e in enumerate(history.epochs)}
    for frame in fig["frames"][:: len(fig["frames"]) // 7]:
        k = by_epoch[int(frame["name"].replace(",", ""))]
        w, b = history.weights[k], history.bias[k]
        line, curve, path, marker, grad_line, grad_marker = frame["data"]
        # (a) the fit line is ŷ = w·x + b at this epoch
        xs, ys = np.asarray(line["x"]), np.asarray(line["y"])
        np.testing.assert_allclose(ys, w[0] * xs + b, rtol=1e-9)
        # (b) the marker is this epoch's training MSE and the slice is the true loss curve
        np.testing.assert_allclose(marker["y"], [np.mean((x @ w + b - y) ** 2)], rtol=1e-9)
        grid = decode(curve["x"])
        want, _ = loss_curve(x, y, w, b, 0, grid)
        np.testing.assert_allclose(decode(curve["y"]), want, rtol=1e-5)  # float32 on the wire
        # (c) the gradient line is the half-MSE slope of that slice; the marker the recorded gradient
        _, ends = loss_curve(x, y, w, b, 0, np.asarray(grad_line["x"]))
        np.testing.assert_allclose(grad_line["y"], ends, rtol=1e-9)
        np.testing.assert_allclose(grad_marker["y"], [np.mean((x @ w + b - y) * x[:, 0])], rtol=1e-9)
        assert len(decode(path["x"])) == int(np.searchsorted(
            [int(f["name"].replace(",", "")) for f in fig["frames"]], history.epochs[k])) + 1


def test_multi_predictor_line_holds_others_at_their_means():
    exp, history, data, fig = build(predictors=("tmax", "tmin", "rain"), index=1, lr_share=0.5)
    means = exp.problem.train.x.mean(axis=0)
    w, b = history.weights[-1], history.bias[-1]
    line = fig["data"][3]
    xs = np.asarray(line["x"])
    expected = w[1] * xs + b + w[0] * means[0] + w[2] * means[2]
    np.testing.assert_allclose(line["y"], expected, rtol=1e-9)
    assert "means" in line["name"]


def test_figure_json_stays_under_a_megabyte_on_the_largest_dataset():
    _, _, _, fig = build(key="clemson", predictors=("tmax", "tmin"), epochs=1_000_000, lr_share=0.9)
    size = len(pio.to_json(fig, validate=False))
    assert size < 1_000_000, size


def test_divergence_is_marked_and_axes_stay_readable():
    exp, history, _, fig = build(lr_share=1.05, epochs=5000)
    assert history.diverged
    texts = [a["text"] for a in fig["layout"]["annotations"]]
    assert any(f"diverged at epoch {history.diverged_at:,}" in t for t in texts)
    lo, hi = fig["layout"]["yaxis2"]["range"]
    assert hi < 100 * history.train_loss[0]  # clipped: the blow-up leaves the chart, not the scale


def test_loss_figure_log_axes_reference_lines_and_divergence():
    exp, history, _, _ = build(lr_share=1.05, epochs=5000)
    fig = json.loads(pio.to_json(loss_figure(history, optimum_loss=exp.optimum.train,
                                             baseline=exp.baseline["valid"])))
    assert fig["layout"]["yaxis"]["type"] == "log"
    names = [t["name"] for t in fig["data"]]
    assert names == ["training MSE", "validation MSE"]
    texts = " ".join(a["text"] for a in fig["layout"]["annotations"])
    assert "optimum" in texts and "tomorrow = today" in texts and "diverged at epoch" in texts
    ys = [s["y0"] for s in fig["layout"]["shapes"] if s["yref"] == "y"]
    assert exp.optimum.train in ys


def test_numbers_table_matches_the_core():
    exp, history, _, _ = build(epochs=1_000_000)
    table = numbers_table(exp, history)
    assert list(table.columns) == ["descent", "optimum", "baseline"]
    assert float(table.loc["weight tmax", "optimum"]) == pytest.approx(exp.optimum.weights[0], rel=1e-4)
    assert float(table.loc["validation MSE", "baseline"]) == pytest.approx(exp.baseline["valid"], rel=1e-4)
    assert float(table.loc["training MSE", "descent"]) == pytest.approx(exp.optimum.train, rel=1e-4)


def test_standardised_run_is_drawn_in_original_units():
    exp, history, _, fig = build(standardize=True, lr_share=0.5, epochs=1000)
    w_star = exp.optimum.weights[0]
    line = fig["data"][3]
    slope = (line["y"][1] - line["y"][0]) / (line["x"][1] - line["x"][0])
    assert slope == pytest.approx(w_star, rel=1e-6)  # converged, in °C per °C
