"""The three-panel chart's scene (what every frame draws, as numbers: gd_ui/chart/scene.py) against an
independent oracle (the MSE and its gradient written over the rows), and the loss-per-epoch figure. The
truth at every rate: no aliased oscillation, divergence readable to the last frame. The browser draws
these scenes (tests/browser/test_chart_parity.py holds its own arithmetic to them)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import plotly.io as pio
import pytest
from conftest import dataset_of, experiment_of

from gd_ui.chart.scene import MAX_FRAMES, scene
from gd_ui.chart.views import NUMBER_COLUMNS, descent_data, numbers_rows
from gd_ui.figures.loss import loss_figure


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
    return exp, history, data, scene(data)


def slow_loss(exp, w, b):
    x, y = exp.problem.train.x, exp.problem.train.y
    return float(np.mean((x @ w + b - y) ** 2))


def slow_grad(exp, w, b, index):
    x, y = exp.problem.train.x, exp.problem.train.y
    return float(np.mean((x @ w + b - y) * x[:, index]))


def inside(value, lo, hi, log=False) -> bool:
    v = np.log10(value) if log else value
    return lo - 1e-9 * abs(hi - lo) <= v <= hi + 1e-9 * abs(hi - lo)


@pytest.fixture(scope="module")
def seattle():
    return build()


def test_frames_are_the_recorded_epochs_an_odd_number_apart():
    for lr_share, epochs in ((0.4, 10_000), (0.95, 1_000_000), (1.05, 5000), (0.4, 7)):
        _, history, _, s = build(lr_share=lr_share, epochs=epochs)
        assert 2 <= len(s.epochs) <= MAX_FRAMES and s.epochs[0] == 0
        assert s.epochs[-1] == history.epochs_run
        assert (np.diff(s.epochs) % 2 == 1).all(), s.epochs


def test_fixed_ranges_for_a_converging_run(seattle):
    _, _, _, s = seattle
    assert not s.follow
    for r in (s.w_range, s.loss_range, s.grad_range):
        assert (r[:, 0] < r[:, 1]).all() and (r == r[0]).all()  # one set of axes for the whole run
    assert s.box[0] < s.box[1] and s.box[2] < s.box[3]


def test_frames_draw_the_history_and_the_slice_passes_through_the_marker(seattle):
    exp, history, _, s = seattle
    by_epoch = {int(e): k for k, e in enumerate(history.epochs)}
    for f in range(0, len(s.epochs), len(s.epochs) // 7):
        k = by_epoch[int(s.epochs[f])]
        w, b = history.weights[k], history.bias[k]
        xs, ys, _ = s.line(f)
        np.testing.assert_allclose(ys, w[0] * np.asarray(xs) + b, rtol=1e-9)  # (a) ŷ = w·x + b
        assert s.loss[f] == pytest.approx(slow_loss(exp, w, b), rel=1e-9)
        grid, curve, grads = s.curve(f)
        want = [slow_loss(exp, np.array([g]), b) for g in grid]
        np.testing.assert_allclose(curve, want, rtol=1e-9)
        ends = [slow_grad(exp, np.array([g]), b, 0) for g in (grid[0], grid[-1])]
        np.testing.assert_allclose([grads[0], grads[-1]], ends, rtol=1e-9, atol=1e-9)
        assert s.grad[f] == pytest.approx(slow_grad(exp, w, b, 0), rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("key", ["seattle", "clemson"])
@pytest.mark.parametrize("standardize", [False, True])
@pytest.mark.parametrize("eta_lambda", [1.2, 1.5, 1.9])
def test_an_oscillation_shows_as_one(key, standardize, eta_lambda):
    """Wherever the closed form says the flipping (steep) directions dominate the shown weight's error,
    the current point in (b) lies on the side of the optimum they put it on — so on alternate sides in
    consecutive frames."""
    exp, history, _, s = build(key=key, standardize=standardize, eta_lambda=eta_lambda, epochs=2000)
    quad, scaler = exp.quadratic, exp.scaler
    theta0 = np.append(*(scaler.to_standardized(history.weights[0], history.bias[0]) if scaler
                         else (history.weights[0], history.bias[0])))
    z0 = quad.eigenvectors.T @ (theta0 - quad.optimum)
    flips = history.lr * quad.eigenvalues > 1  # factor 1 − ηλ < 0: the sign changes every epoch
    unit = 1 / scaler.scale[0] if scaler else 1.0  # model-space weight error → original units
    w_star = exp.optimum.weights[0]
    dominated = []
    for f, epoch in enumerate(s.epochs):
        parts = quad.eigenvectors[0] * z0 * quad.powers(history.lr, [int(epoch)])[0] * unit
        flip, rest = parts[flips].sum(), parts[~flips].sum()
        if abs(flip) > abs(rest) + 1e-12 * max(abs(w_star), 1):
            assert np.sign(s.w[f] - w_star) == np.sign(flip)
            dominated.append(True)
        else:
            dominated.append(False)
    assert dominated[0] or not flips.any()
    sides = np.sign(s.w - w_star)
    pairs = [(sides[j], sides[j + 1]) for j in range(len(sides) - 1) if dominated[j] and dominated[j + 1]]
    assert all(a != b for a, b in pairs)  # consecutive shown frames: alternate sides
    if eta_lambda >= 1.5:  # the zig-zag lasts long enough to be seen (at 1.2 it is gone in a few epochs)
        assert len(pairs) >= (3 if eta_lambda > 1.8 else 1)


@pytest.mark.parametrize("multiple", [1.05, 2.0, 10.0, 1000.0])
def test_divergence_stays_on_the_drawn_axes_at_every_frame(multiple):
    _, history, _, s = build(lr_share=multiple, epochs=5000)
    assert history.diverged and s.follow
    for f in range(len(s.epochs)):
        wx, ly, gy = s.w_range[f], s.loss_range[f], s.grad_range[f]
        assert inside(s.w[f], *wx) and inside(s.loss[f], *ly, log=True) and inside(s.grad[f], *gy)
        grid, curve, grads = s.curve(f)
        seen = [inside(a, *wx) and inside(b, *ly, log=True) for a, b in zip(grid, curve)]
        assert sum(seen) >= len(seen) // 4  # at least part of the parabola is drawn
        assert all(inside(a, *wx) and inside(b, *ly, log=True)
                   for a, b in zip(s.w[:f + 1], s.loss[:f + 1]))  # the whole walk so far
        assert inside(grads[0], *gy) and inside(grads[-1], *gy)
        xs, ys, _ = s.line(f)
        if xs[0] is not None:  # (a): the fit line is clipped to the data's box, never a blown-up bar
            assert all(s.box[0] - 1e-9 <= v <= s.box[1] + 1e-9 for v in xs)
            assert all(s.box[2] - 1e-6 <= v <= s.box[3] + 1e-6 for v in ys)
    assert s.line(len(s.epochs) - 1)[2]  # the last line leaves the box: the chart writes its equation
    assert s.loss[-1] == pytest.approx(history.train_loss[-1], rel=1e-12)


def test_multi_predictor_line_holds_others_at_their_means():
    exp, history, _, s = build(predictors=("tmax", "tmin", "rain"), index=1, lr_share=0.5)
    means = exp.problem.train.x.mean(axis=0)
    w, b = history.weights[-1], history.bias[-1]
    xs, ys, _ = s.line(len(s.epochs) - 1)
    expected = w[1] * np.asarray(xs) + b + w[0] * means[0] + w[2] * means[2]
    np.testing.assert_allclose(ys, expected, rtol=1e-9)


def test_a_converging_run_never_follows_and_a_diverging_one_does():
    assert not build(lr_share=0.99)[3].follow
    assert build(lr_share=1.01, epochs=100_000)[3].follow


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
    rows = numbers_rows(exp, history)
    table = pd.DataFrame([cells for _, cells in rows], index=[label for label, _ in rows],
                         columns=list(NUMBER_COLUMNS))
    assert list(table.columns) == ["descent", "optimum", "baseline"]
    assert float(table.loc["weight tmax", "optimum"]) == pytest.approx(exp.optimum.weights[0], rel=1e-4)
    assert float(table.loc["validation MSE", "baseline"]) == pytest.approx(exp.baseline["valid"], rel=1e-4)
    assert float(table.loc["training MSE", "descent"]) == pytest.approx(exp.optimum.train, rel=1e-4)


def test_standardised_run_is_drawn_in_original_units():
    exp, _, _, s = build(standardize=True, lr_share=0.5, epochs=1000)
    (x1, x2), (y1, y2), _ = s.line(len(s.epochs) - 1)
    assert (y2 - y1) / (x2 - x1) == pytest.approx(exp.optimum.weights[0], rel=1e-6)  # converged, °C per °C
