"""Figure builders of the learning-rate lab and the landscape, inspected as data: traces, shapes,
frames and axes (no browser)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import decode, experiment_of

from gd_core.optimizers import optimize
from gd_core.quadratic import Quadratic
from gd_core.sweep import directions, sweep
from gd_ui.figures.contraction import contraction_figure
from gd_ui.figures.landscape_map import MAX_FRAMES, PathRun, Point, landscape_box, landscape_figure
from gd_ui.figures.style import ZONE_COLOURS
from gd_ui.figures.sweep_chart import RateMark, curves_figure, sweep_figure, sweeps_figure, zone_bounds
from gd_ui.formats import kappa as kappa_text


@pytest.fixture(scope="module")
def exp():
    return experiment_of("seattle", ("tmax",))


def slow_loss(x, y, w, b):
    """MSE over the rows, one (w, b) at a time."""
    return float(np.mean((x[:, 0] * w + b - y) ** 2))


@pytest.fixture(scope="module")
def result(exp):
    return sweep(exp, np.array([-0.5]), 10.0, epochs=2000)


def as_dict(fig) -> dict:
    """What Streamlit sends: the figure's to_dict (frames included)."""
    return fig.to_dict()


def trace(spec: dict, name_start: str) -> dict:
    return next(t for t in spec["data"] if str(t.get("name", "")).startswith(name_start))


# --- the sweep ---------------------------------------------------------------------------------------

def test_sweep_figure_draws_every_run_and_diverged_runs_at_the_top(result):
    spec = as_dict(sweep_figure(result))
    ok = trace(spec, "final loss")
    diverged = trace(spec, "diverged")
    n_ok, n_div = len(decode(ok["x"])), len(decode(diverged["x"]))
    assert n_ok + n_div + sum(len(decode(t["x"])) for t in spec["data"] if t.get("name", "")
                              .startswith("growing")) == len(result.rates)
    assert n_div == int(result.diverged.sum()) > 0
    np.testing.assert_allclose(decode(diverged["x"]), result.rates[result.diverged])
    top = diverged["y"][0]
    assert set(diverged["y"]) == {top} and top > decode(ok["y"]).max()
    assert diverged["customdata"] == [f"{d:,}" for d in result.diverged_at if d is not None]
    assert "diverged at epoch %{customdata}" in diverged["hovertemplate"]
    assert np.log10(top) < spec["layout"]["yaxis"]["range"][1]  # the band is inside the chart


def test_sweep_figure_axes_zones_and_rates(result):
    spec = as_dict(sweep_figure(result))
    layout = spec["layout"]
    assert layout["xaxis"]["type"] == layout["yaxis"]["type"] == "log"
    rects = [s for s in layout["shapes"] if s["type"] == "rect"]
    assert [r["fillcolor"] for r in rects] == [ZONE_COLOURS[z] for z in zone_bounds(1.0)]
    assert rects[-1]["x0"] == pytest.approx(result.critical_lr)  # diverging starts at the critical rate
    vlines = [s["x0"] for s in layout["shapes"] if s["type"] == "line" and s.get("yref") == "paper"]
    assert result.critical_lr in vlines and result.optimal_lr in vlines
    texts = " ".join(a["text"] for a in layout["annotations"])
    assert f"critical {result.critical_lr:.2e}" in texts
    assert f"optimal {result.optimal_lr:.2e}" in texts and "crawling" in texts and "diverging" in texts
    assert layout["xaxis"]["range"][0] < np.log10(result.rates[0])
    assert layout["xaxis"]["range"][1] > np.log10(result.rates[-1])


def test_sweep_figure_excess_mode_plots_distance_to_the_optimum(result):
    plain = as_dict(sweep_figure(result))
    excess = as_dict(sweep_figure(result, excess=True))
    y_plain = decode(trace(plain, "final loss")["y"])
    y_excess = decode(trace(excess, "final loss")["y"])
    floor = result.min_loss * 1e-13
    np.testing.assert_allclose(y_excess, np.maximum(y_plain - result.min_loss, floor), rtol=1e-6)
    assert excess["layout"]["yaxis"]["title"]["text"].startswith("excess over the optimum")


def test_marks_ring_the_chosen_rates(result):
    marks = [RateMark(result.critical_lr * 0.5, result.min_loss * 1.01, None, "half", "#0072B2"),
             RateMark(result.critical_lr * 1.5, 1e20, 12, "too fast", "#D55E00")]
    spec = as_dict(sweep_figure(result, marks=marks))
    half, fast = trace(spec, "half"), trace(spec, "too fast")
    assert half["marker"]["symbol"] == "circle-open" and half["x"] == [marks[0].rate]
    assert fast["y"][0] == trace(spec, "diverged")["y"][0]  # a diverged mark sits in the top band


def test_sweeps_figure_marks_each_critical_rate(exp, result):
    scaled = experiment_of("seattle", ("tmax",), True)
    other = sweep(scaled, *scaled.initial(), epochs=2000)
    spec = as_dict(sweeps_figure([("raw", "#D55E00", result), ("scaled", "#0072B2", other)]))
    xs = sorted(s["x0"] for s in spec["layout"]["shapes"])
    assert xs == pytest.approx(sorted([result.critical_lr, other.critical_lr]))
    assert [t["name"] for t in spec["data"] if t.get("showlegend", True)] == ["raw", "scaled"]


# --- curves and contraction --------------------------------------------------------------------------

def test_curves_figure_one_line_per_rate_and_a_cross_where_a_run_diverged(exp):
    w0, b0 = np.array([-0.5]), 10.0
    c = exp.theory.critical_lr
    runs = [(f"{m}×", "#000000", exp.run(w0, b0, lr=m * c, epochs=3000)) for m in (0.1, 0.9, 1.2)]
    spec = as_dict(curves_figure(runs, optimum_loss=exp.quadratic.min_loss))
    lines = [t for t in spec["data"] if t["mode"] == "lines"]
    assert len(lines) == 3
    assert "diverged at epoch" in lines[2]["name"] and "diverged" not in lines[0]["name"]
    crosses = [t for t in spec["data"] if t["mode"] == "markers"]
    assert len(crosses) == 1 and crosses[0]["x"] == [runs[2][2].diverged_at]
    np.testing.assert_allclose(decode(lines[0]["x"]), runs[0][2].epochs[1:])  # epoch 0 off a log axis
    assert spec["layout"]["xaxis"]["type"] == spec["layout"]["yaxis"]["type"] == "log"


def test_contraction_figure_plots_one_minus_eta_lambda(exp):
    table = directions(exp, 0.3 * exp.theory.critical_lr)
    lam = table["eigenvalue"].to_numpy()
    lr, critical = 0.3 * exp.theory.critical_lr, exp.theory.critical_lr
    spec = as_dict(contraction_figure(lam, ["steep", "shallow"], lr=lr, critical=critical,
                                      optimal=exp.theory.optimal_lr))
    top = [t for t in spec["data"] if t.get("name") == "steep" and t.get("yaxis") is None]
    grid = decode(top[0]["x"])
    np.testing.assert_allclose(decode(top[0]["y"]), np.minimum(np.abs(1 - grid * lam[0]), 9), rtol=1e-6)
    bottom = next(t for t in spec["data"] if t.get("name") == "shallow" and t.get("yaxis") == "y2")
    f = np.abs(1 - decode(bottom["x"]) * lam[1])
    np.testing.assert_allclose(decode(bottom["y"]), np.maximum(np.log(100) / -np.log(f), 1), rtol=1e-6)
    breaks = [t for t in spec["data"] if t.get("marker", {}).get("color") == "white"]
    assert [b["x"][0] for b in breaks] == pytest.approx([2 / lam[0]])  # the shallow one breaks off-chart
    assert breaks[0]["x"][0] == pytest.approx(critical)
    diamonds = [t for t in spec["data"] if t.get("marker", {}).get("symbol") == "diamond"]
    assert [d["y"][0] for d in diamonds] == pytest.approx(list(np.abs(1 - lr * lam)))
    star = trace(spec, "optimal rate")
    assert star["x"] == [exp.theory.optimal_lr]


# --- the landscape -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def landscape_parts(exp):
    p = exp.model_problem.train
    w0, b0 = np.array([-0.5]), 10.0
    c = exp.theory.critical_lr
    runs = {m: optimize(p.x, p.y, w0, b0, method=m, lr=lr, epochs=600, max_points=None)
            for m, lr in (("gd", 0.9 * c), ("momentum", 0.5 * c), ("adam", 0.5))}
    runs["wild"] = optimize(p.x, p.y, w0, b0, lr=1.5 * c, epochs=600, max_points=None)
    land = Quadratic.from_data(p.x, p.y)
    points = [Point("start", -0.5, 10.0, "circle-open"),
              Point("optimum", float(land.weights[0]), land.bias, "star")]
    box = landscape_box([(pt.w, pt.b) for pt in points], list(runs.values()))
    paths = [PathRun(name, "#000000", h) for name, h in runs.items()]
    return land, paths, points, runs, box


@pytest.mark.parametrize("l2", [0.0, 50.0])
def test_landscape_is_the_exact_quadratic_of_the_penalised_loss(exp, l2):
    """Oracle: the MSE over the rows at every grid point, plus α·w²."""
    p = exp.model_problem.train
    land = exp.quadratic.ridge(l2)
    weights, biases = np.linspace(-1, 2, 7), np.linspace(-5, 15, 5)
    expected = np.array([[slow_loss(p.x, p.y, w, b) + l2 * w * w for w in weights] for b in biases])
    np.testing.assert_allclose(land.loss(weights[None, :], biases[:, None]), expected, rtol=1e-9)
    w, b = land.level_set(land.min_loss + 3.0).T
    np.testing.assert_allclose(land.loss(w, b), land.min_loss + 3.0, rtol=1e-9)


def test_landscape_box_holds_points_and_converging_paths_but_not_diverging_ones(landscape_parts):
    _, _, points, runs, ((w_lo, w_hi), (b_lo, b_hi)) = landscape_parts
    for pt in points:
        assert w_lo < pt.w < w_hi and b_lo < pt.b < b_hi
    for name in ("gd", "momentum", "adam"):
        h = runs[name]
        assert w_lo <= h.weights.min() and h.weights.max() <= w_hi
        assert b_lo <= h.bias.min() and h.bias.max() <= b_hi
    assert runs["wild"].diverged and np.abs(runs["wild"].weights).max() > w_hi


def background(spec: dict) -> list[dict]:
    return [t for t in spec["data"] if t.get("fill") == "toself"]


def test_landscape_figure_contours_paths_and_points(landscape_parts):
    land, paths, points, runs, box = landscape_parts
    spec = as_dict(landscape_figure(land, paths, points, box=box, w_title="w"))
    bands = background(spec)
    levels = [float(t["name"].split(" and ")[1]) for t in bands]
    assert levels == sorted(levels, reverse=True) and len(levels) >= 6  # largest drawn first
    for band, level in zip(bands, levels):
        np.testing.assert_allclose(land.loss(decode(band["x"]), decode(band["y"])), level, rtol=1e-6)
    (w_lo, w_hi), (b_lo, b_hi) = box  # the largest ellipse holds the whole box: no unshaded corner
    corners = land.loss(np.array([w_lo, w_lo, w_hi, w_hi]), np.array([b_lo, b_hi, b_lo, b_hi]))
    assert corners.max() <= levels[0]
    first = len(bands) + 1  # then the colour-scale trace, then the paths
    drawn = {t["name"].split(" — ")[0]: t for t in spec["data"][first:first + len(paths)]}
    assert list(drawn) == [p.label for p in paths]
    assert "diverged at epoch" in spec["data"][first + len(paths) - 1]["name"]
    gd = drawn["gd"]
    epochs = decode(gd["customdata"])
    index = np.searchsorted(runs["gd"].epochs, epochs)
    np.testing.assert_allclose(decode(gd["x"]), runs["gd"].weights[index, 0])
    np.testing.assert_allclose(decode(gd["y"]), runs["gd"].bias[index])
    assert epochs[0] == 0 and epochs[-1] == 600 and len(epochs) <= 400
    wild_x = decode(drawn["wild"]["x"])
    width = box[0][1] - box[0][0]
    assert np.abs(wild_x).max() <= max(abs(box[0][0]), abs(box[0][1])) + width + 1e-9  # cut, not 1e100
    names = [t.get("name") for t in spec["data"]]
    assert names[-2:] == ["start", "optimum"]  # points drawn over the moving heads
    assert spec["layout"]["xaxis"]["range"] == list(box[0])
    assert spec["layout"]["yaxis"]["range"] == list(box[1])
    assert "frames" in spec and all(t["type"] == "scatter" for t in spec["data"])  # nothing a
    # no-redraw animation would wipe (contour and heatmap traces vanish on Play)


def test_landscape_animation_moves_only_the_heads(landscape_parts):
    land, paths, points, runs, _ = landscape_parts
    spec = as_dict(landscape_figure(land, paths, points, box=landscape_parts[4], w_title="w"))
    frames = spec["frames"]
    heads_index = len(background(spec)) + 1 + len(paths)
    assert 10 < len(frames) <= MAX_FRAMES
    assert all(f["traces"] == [heads_index] for f in frames)
    assert spec["data"][heads_index]["name"] == "position at this epoch"
    frame = frames[len(frames) // 2]
    epoch = int(frame["name"].replace(",", ""))
    gd = runs["gd"]
    assert frame["data"][0]["x"][0] == pytest.approx(gd.weights[gd.epochs == epoch, 0][0])
    slider = spec["layout"]["sliders"][0]
    assert [s["label"] for s in slider["steps"]] == [f["name"] for f in frames]
    assert slider["active"] == len(frames) - 1  # the map opens on the last epoch
    buttons = spec["layout"]["updatemenus"][0]["buttons"]
    assert [b["label"] for b in buttons] == ["▶ Play", "▶ Slow", "❚❚ Pause"]


def test_landscape_figure_is_deterministic(landscape_parts):
    land, paths, points, _, box = landscape_parts
    first, again = (json.dumps(as_dict(landscape_figure(land, paths, points, box=box, w_title="w")),
                               sort_keys=True, default=str) for _ in range(2))
    assert first == again  # a rerun sends identical bytes, so a playing animation is not restarted


def test_kappa_text():
    assert kappa_text(1936.8) == "1,937"
    assert kappa_text(17.72) == "17.7"
    assert kappa_text(float("inf")) == "∞"
