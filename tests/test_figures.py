"""The playground's figures: traces, frames, axes, and every drawn number against an independent oracle
(the MSE and its gradient written over the rows). The truth at every rate: no aliased oscillation,
divergence readable to the last frame."""

from __future__ import annotations

import json

import numpy as np
import plotly.io as pio
import pytest
from conftest import dataset_of, decode, experiment_of

from gd_ui.figures.descent import MOVING, MOVING_IDX, STATIC, descent_figure
from gd_ui.figures.loss import loss_figure
from gd_ui.scene import MAX_FRAMES, scene
from gd_ui.views import descent_data, numbers_table

LINE, EQUATION, CURVE, PATH, MARKER, ZERO, GRAD_LINE, GRAD_MARKER = range(len(MOVING))


def build(key="seattle", predictors=("tmax",), index=0, lr_share=0.4, epochs=10_000, standardize=False,
          w0=-0.5, b0=10.0, eta_lambda=None, frames=MAX_FRAMES):
    exp = experiment_of(key, tuple(predictors), standardize)
    w = np.full(len(predictors), w0)
    b = b0
    if exp.scaler is not None:
        w, b = exp.scaler.to_standardized(w, b)
    lr = eta_lambda / exp.theory.lambda_max if eta_lambda else lr_share * exp.theory.critical_lr
    history = exp.history_in_original_units(exp.run(w, float(b), lr=lr, epochs=epochs, max_points=frames))
    data = descent_data(exp, history, index, dataset_of(key))
    return exp, history, data, descent_figure(data).to_dict()


def slow_loss(exp, w, b):
    x, y = exp.problem.train.x, exp.problem.train.y
    return float(np.mean((x @ w + b - y) ** 2))


def slow_grad(exp, w, b, index):
    x, y = exp.problem.train.x, exp.problem.train.y
    return float(np.mean((x @ w + b - y) * x[:, index]))


def epoch_of(frame) -> int:
    return int(frame["name"].replace(",", ""))


def inside(value, lo, hi, log=False) -> bool:
    v = np.log10(value) if log else value
    return lo - 1e-9 * abs(hi - lo) <= v <= hi + 1e-9 * abs(hi - lo)


@pytest.fixture(scope="module")
def seattle():
    return build()


def test_traces_frames_and_only_moving_traces_in_frames(seattle):
    _, history, _, fig = seattle
    assert len(fig["data"]) == len(STATIC) + len(MOVING)
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


def test_consecutive_frames_are_an_odd_number_of_epochs_apart():
    for lr_share, epochs in ((0.4, 10_000), (0.95, 1_000_000), (1.05, 5000), (0.4, 7)):
        _, _, _, fig = build(lr_share=lr_share, epochs=epochs)
        gaps = np.diff([epoch_of(f) for f in fig["frames"]])
        assert (gaps % 2 == 1).all(), gaps


def test_axis_titles_and_fixed_ranges(seattle):
    _, _, _, fig = seattle
    lay = fig["layout"]
    assert lay["xaxis"]["title"]["text"] == "today's tmax (°C)"
    assert lay["yaxis"]["title"]["text"] == "tomorrow's tmax (°C)"
    assert lay["yaxis2"]["title"]["text"] == "training MSE" and lay["yaxis2"]["type"] == "linear"
    assert lay["xaxis3"]["title"]["text"] == "weight w(tmax)"
    assert "half-MSE" in lay["yaxis3"]["title"]["text"]
    for axis in ("xaxis", "yaxis", "xaxis2", "yaxis2", "xaxis3", "yaxis3"):
        lo, hi = lay[axis]["range"]
        assert lo < hi
    assert lay["xaxis2"]["range"] == lay["xaxis3"]["range"]  # (b) and (c) share the weight axis
    assert not any("layout" in f for f in fig["frames"])  # a converging run keeps its axes still


def test_frames_draw_the_history_and_the_slice_passes_through_the_marker(seattle):
    exp, history, _, fig = seattle
    by_epoch = {int(e): k for k, e in enumerate(history.epochs)}
    for frame in fig["frames"][:: len(fig["frames"]) // 7]:
        k = by_epoch[epoch_of(frame)]
        w, b = history.weights[k], history.bias[k]
        d = frame["data"]
        xs, ys = np.asarray(d[LINE]["x"], float), np.asarray(d[LINE]["y"], float)
        np.testing.assert_allclose(ys, w[0] * xs + b, rtol=1e-9)  # (a) ŷ = w·x + b at this epoch
        np.testing.assert_allclose(d[MARKER]["y"], [slow_loss(exp, w, b)], rtol=1e-9)
        grid = decode(d[CURVE]["x"])
        want = [slow_loss(exp, np.array([g]), b) for g in grid]
        np.testing.assert_allclose(decode(d[CURVE]["y"]), want, rtol=1e-5)  # float32 on the wire
        ends = [slow_grad(exp, np.array([g]), b, 0) for g in d[GRAD_LINE]["x"]]
        np.testing.assert_allclose(d[GRAD_LINE]["y"], ends, rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(d[GRAD_MARKER]["y"], [slow_grad(exp, w, b, 0)], rtol=1e-9)
        assert len(decode(d[PATH]["x"])) == [epoch_of(f) for f in fig["frames"]].index(epoch_of(frame)) + 1


@pytest.mark.parametrize("key", ["seattle", "clemson"])
@pytest.mark.parametrize("standardize", [False, True])
@pytest.mark.parametrize("eta_lambda", [1.2, 1.5, 1.9])
def test_an_oscillation_shows_as_one(key, standardize, eta_lambda):
    """Wherever the closed form says the flipping (steep) directions dominate the shown weight's error,
    the current point in (b) lies on the side of the optimum they put it on — so on alternate sides in
    consecutive frames — and the walked path passes through those points."""
    exp, history, _, fig = build(key=key, standardize=standardize, eta_lambda=eta_lambda, epochs=2000)
    quad, scaler = exp.quadratic, exp.scaler
    theta0 = np.append(*(scaler.to_standardized(history.weights[0], history.bias[0]) if scaler
                         else (history.weights[0], history.bias[0])))
    z0 = quad.eigenvectors.T @ (theta0 - quad.optimum)
    flips = history.lr * quad.eigenvalues > 1  # factor 1 − ηλ < 0: the sign changes every epoch
    unit = 1 / scaler.scale[0] if scaler else 1.0  # model-space weight error → original units
    w_star = exp.optimum.weights[0]
    points, dominated = [], []
    for frame in fig["frames"]:
        w, loss = frame["data"][MARKER]["x"][0], frame["data"][MARKER]["y"][0]
        points.append((w, loss))
        parts = quad.eigenvectors[0] * z0 * quad.powers(history.lr, [epoch_of(frame)])[0] * unit
        flip, rest = parts[flips].sum(), parts[~flips].sum()
        if abs(flip) > abs(rest) + 1e-12 * max(abs(w_star), 1):
            assert np.sign(w - w_star) == np.sign(flip)
            dominated.append(True)
        else:
            dominated.append(False)
    assert dominated[0] or not flips.any()
    sides = [np.sign(w - w_star) for w, _ in points]
    pairs = [(sides[j], sides[j + 1]) for j in range(len(sides) - 1) if dominated[j] and dominated[j + 1]]
    assert all(a != b for a, b in pairs)  # consecutive shown frames: alternate sides
    if eta_lambda >= 1.5:  # the zig-zag lasts long enough to be seen (at 1.2 it is gone in a few epochs)
        assert len(pairs) >= (3 if eta_lambda > 1.8 else 1)
    assert all(np.diff([epoch_of(f) for f in fig["frames"]]) % 2 == 1)
    last = fig["frames"][-1]["data"][PATH]
    np.testing.assert_allclose(decode(last["x"]), [p[0] for p in points], rtol=1e-6)
    np.testing.assert_allclose(decode(last["y"]), [p[1] for p in points], rtol=1e-6)


@pytest.mark.parametrize("multiple", [1.05, 2.0, 10.0, 1000.0])
def test_divergence_stays_on_the_drawn_axes_at_every_frame(multiple):
    exp, history, data, fig = build(lr_share=multiple, epochs=5000)
    assert history.diverged
    lay = fig["layout"]
    assert lay["yaxis2"]["type"] == "log"
    texts = " ".join(a["text"] for a in lay["annotations"])
    assert f"diverged at epoch {history.diverged_at:,}" in texts
    box = (*lay["xaxis"]["range"], *lay["yaxis"]["range"])
    for frame in fig["frames"]:
        r, d = frame["layout"], frame["data"]
        wx, ly, gy = r["xaxis2"]["range"], r["yaxis2"]["range"], r["yaxis3"]["range"]
        assert r["xaxis3"]["range"] == wx
        w, loss, grad = d[MARKER]["x"][0], d[MARKER]["y"][0], d[GRAD_MARKER]["y"][0]
        assert inside(w, *wx) and inside(loss, *ly, log=True) and inside(grad, *gy)
        curve_x, curve_y = decode(d[CURVE]["x"]), decode(d[CURVE]["y"])
        seen = [inside(a, *wx) and inside(b, *ly, log=True) for a, b in zip(curve_x, curve_y)]
        assert sum(seen) >= len(seen) // 4  # at least part of the parabola is drawn
        assert all(inside(a, *wx) and inside(b, *ly, log=True)
                   for a, b in zip(decode(d[PATH]["x"]), decode(d[PATH]["y"])))  # the whole walk so far
        assert all(inside(v, *gy) for v in d[GRAD_LINE]["y"])
        xs, ys = d[LINE]["x"], d[LINE]["y"]
        if xs[0] is not None:  # (a): the fit line is clipped to the data's box, never a blown-up bar
            assert all(box[0] - 1e-9 <= v <= box[1] + 1e-9 for v in xs)
            assert all(box[2] - 1e-6 <= v <= box[3] + 1e-6 for v in ys)
    last = fig["frames"][-1]["data"]
    assert "leaves the chart" in last[EQUATION]["text"][0] and "ŷ = " in last[EQUATION]["text"][0]
    assert last[MARKER]["y"][0] == pytest.approx(history.train_loss[-1], rel=1e-12)


def test_multi_predictor_line_holds_others_at_their_means():
    exp, history, data, fig = build(predictors=("tmax", "tmin", "rain"), index=1, lr_share=0.5)
    means = exp.problem.train.x.mean(axis=0)
    w, b = history.weights[-1], history.bias[-1]
    line = fig["data"][len(STATIC) + LINE]
    xs = np.asarray(line["x"])
    expected = w[1] * xs + b + w[0] * means[0] + w[2] * means[2]
    np.testing.assert_allclose(line["y"], expected, rtol=1e-9)
    assert "means" in line["name"]


def test_figure_json_stays_under_a_megabyte_on_the_largest_dataset():
    _, _, _, fig = build(key="clemson", predictors=("tmax", "tmin"), epochs=1_000_000, lr_share=0.9)
    size = len(pio.to_json(fig, validate=False))
    assert size < 1_000_000, size


def test_a_converging_run_never_follows_and_a_diverging_one_does():
    assert not scene(build(lr_share=0.99)[2]).follow
    assert scene(build(lr_share=1.01, epochs=100_000)[2]).follow


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
    line = fig["data"][len(STATIC) + LINE]
    slope = (line["y"][1] - line["y"][0]) / (line["x"][1] - line["x"][0])
    assert slope == pytest.approx(w_star, rel=1e-6)  # converged, in °C per °C
