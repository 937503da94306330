"""Presets against the core's theory, their links, predict-then-reveal, the exports, and the
presenter-mode helpers that need no page."""

from __future__ import annotations

import io
import json
import math
import re
from urllib.parse import parse_qs

import numpy as np
import pandas as pd
import pytest

from gd_core.data import make_problem
from gd_core.experiment import Experiment
from gd_core.importer import csv_safe
from gd_core.theory import Theory
from gd_ui import exports, presenter, presets
from gd_ui.controls import lr_options
from gd_ui.datasets import BUNDLED_BY_KEY, Dataset, read_bundled
from gd_ui.fastfig import decode
from gd_ui.figures import descent_figure, loss_figure
from gd_ui.views import descent_data

CASES = [(ds, preds, std) for ds in ("seattle", "clemson") for preds in (("tmax",), ("tmax", "tmin"))
         for std in (False, True)]


def dataset(key: str) -> Dataset:
    b = BUNDLED_BY_KEY[key]
    return Dataset(key, b.label, read_bundled(key), b.temperature_unit, b.rain_unit)


def experiment(key, predictors, standardize) -> Experiment:
    return Experiment.build(make_problem(dataset(key).frame, predictors, "tmax_tomorrow"),
                            standardize=standardize)


@pytest.fixture(scope="module")
def experiments():
    return {case: experiment(*case) for case in CASES}


def theory_of(eigenvalues) -> Theory:
    lam = np.asarray(eigenvalues, float)
    kappa = lam[-1] / lam[0] if lam[0] > 0 else math.inf
    return Theory(lam, 2 / lam[-1], 2 / (lam[0] + lam[-1]), kappa)


# --- presets ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}-{'+'.join(c[1])}-{'std' if c[2] else 'raw'}")
def test_presets_land_in_the_zones_they_claim(experiments, case):
    th = experiments[case].theory
    by_key = {p.key: p for p in presets.presets(th)}
    assert list(by_key) == ["crawl", "just_right", "oscillate", "diverge"]
    for p in by_key.values():
        rate = float(p.spelled)  # what the link carries, not the exact value
        assert p.lr == rate and th.zone(rate) == p.zone
        assert len(p.spelled.split("e")[0].replace(".", "").lstrip("-")) >= 3  # 3+ significant digits
        assert p.eta_lambda == pytest.approx(rate * th.lambda_max)
    for key, zone, s in (("crawl", "crawling", 0.01), ("oscillate", "oscillating", 1.9),
                         ("diverge", "diverging", 2.1)):
        assert by_key[key].zone == zone and by_key[key].eta_lambda == pytest.approx(s, rel=6e-3)
    # "just right" is the optimal rate 2/(λmin+λmax), honestly placed: between 1 and 2 (oscillating)
    # whenever κ > 1, at 1 (converging, one step) when κ = 1.
    best = by_key["just_right"]
    assert best.lr == pytest.approx(th.optimal_lr, rel=1e-3)
    assert 1 - 1e-5 <= best.eta_lambda < 2
    if th.condition_number > 1 + 1e-6:
        assert best.zone == "oscillating" and "oscillating" in best.claim and "between 1 and 2" in best.claim
    else:
        assert best.zone == "converging" and "at once" in best.claim
    # …and it is the fastest worst case: no other preset keeps less of the error per epoch.
    worst = {k: float(th.factors(p.lr).max()) for k, p in by_key.items()}
    assert worst["just_right"] <= min(worst["crawl"], worst["oscillate"]) + 1e-12
    assert worst["diverge"] > 1


@pytest.mark.parametrize("case", [("seattle", ("tmax",), False), ("clemson", ("tmax", "tmin"), False),
                                  ("seattle", ("tmax",), True)])
def test_preset_runs_do_what_they_claim(experiments, case):
    exp = experiments[case]
    w0, b0 = exp.initial("zeros")
    for p in presets.presets(exp.theory):
        h = exp.run(w0, b0, lr=p.lr, epochs=2000)
        assert h.diverged == (p.zone == "diverging"), p.key
        if p.key == "oscillate":  # the steepest direction flips sign: the error along it alternates
            q = exp.quadratic
            z = (np.column_stack([h.weights, h.bias])[:8] - q.optimum) @ q.eigenvectors[:, -1]
            assert np.all(np.sign(z[1:]) == -np.sign(z[:-1]))


def test_preset_rates_are_slider_options_or_accepted_links(experiments):
    for exp in experiments.values():
        th = exp.theory
        for p in presets.presets(th):
            assert p.spelled in lr_options(th.critical_lr, (), p.spelled)


def test_spell_keeps_a_rate_on_its_side_of_a_boundary():
    th = theory_of([1.0, 1.0000000000000018])  # κ = 1 up to float noise: optimal η·λmax = 1 + 2e-16
    best = presets.presets(th)[1]
    assert best.zone == "converging" and float(best.spelled) * th.lambda_max <= 1
    wide = theory_of([414.0885480620017 / 2660.6690909535405, 414.0885480620017])
    text = presets.spell(wide.optimal_lr, wide, "oscillating")
    assert text == "4.828e-03"  # 3 digits (4.83e-03) would be past the critical rate: diverging
    assert presets.spell(1.9 / 7.0, theory_of([1.0, 7.0]), "oscillating") == "2.71e-01"


def test_singular_theory_says_so():
    th = theory_of([0.0, 4.0])
    best = presets.presets(th)[1]
    assert "κ = ∞" in best.claim and "redundant" in best.claim


def test_links_carry_the_view_and_the_rate_as_spelled():
    label = BUNDLED_BY_KEY["clemson"].label  # a bound selectbox puts its shown label in the URL
    view = presets.View(label, ("tmax", "tmin"), "tmin", True, -0.5, 10.0, 3000)
    url = presets.link(view, "4.828e-03")
    assert url.startswith("?")
    q = parse_qs(url[1:])
    assert q == {"ds": [label], "pred": ["tmax", "tmin"], "x": ["tmin"], "std": ["true"],
                 "lr": ["4.828e-03"], "w0": ["-0.5"], "b0": ["10"], "epochs": ["3,000"]}
    assert presets.link_params(view, "1e-3")["w0"] == "-0.5"


def test_followed_link():
    assert presets.followed_link("4.828e-03", "2.4e-03")
    assert not presets.followed_link("2.4e-03", "2.4e-03")  # the slider's own value
    assert not presets.followed_link("4.828e-03", None)  # fresh visit: the sidebar reads the link
    assert not presets.followed_link("banana", "2.4e-03") and not presets.followed_link(None, "2.4e-03")


@pytest.mark.parametrize("guess, s, right", [("crawl", 0.01, True), ("converge", 0.5, True),
                                             ("oscillate", 1.9, True), ("diverge", 2.1, True),
                                             ("converge", 1.9, False), ("diverge", 0.05, False)])
def test_reveal(guess, s, right):
    th = theory_of([1.0, 100.0])
    ok, sentence = presets.reveal(guess, th, s / 100)
    assert ok is right
    assert sentence.startswith("Right" if right else "Not quite")
    assert f"η·λmax is {s:.3g}" in sentence and th.zone(s / 100) in sentence


# --- exports ----------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def run():
    exp = experiment("seattle", ("tmax", "tmin"), True)
    w, b = exp.scaler.to_standardized(np.array([-0.5, 0.2]), 10.0)
    history = exp.history_in_original_units(exp.run(w, float(b), lr=0.4 * exp.theory.critical_lr,
                                                    epochs=3000))
    data = descent_data(exp, history, 0, dataset("seattle"))
    return exp, history, data


def test_trajectory_csv_parses_back_exactly(run):
    _, h, _ = run
    text = exports.trajectory_csv(h, ("tmax", "tmin"))
    frame = pd.read_csv(io.StringIO(text))
    assert list(frame.columns) == ["epoch", "weight_tmax", "weight_tmin", "bias", "train_mse", "valid_mse",
                                   "grad_weight_tmax", "grad_weight_tmin", "grad_bias"]
    assert all(pd.api.types.is_numeric_dtype(frame[c]) for c in frame.columns)  # numbers stay numbers
    assert np.array_equal(frame["epoch"], h.epochs)
    assert np.array_equal(frame[["weight_tmax", "weight_tmin"]].to_numpy(), h.weights)  # round-trip exact
    assert np.array_equal(frame["bias"], h.bias) and np.array_equal(frame["train_mse"], h.train_loss)
    assert np.array_equal(frame["grad_bias"], h.grad_b)
    assert (frame["weight_tmax"] < 0).any()  # negative numbers are not "escaped" into text


def test_trajectory_csv_escapes_formula_like_labels(run):
    _, h, _ = run
    history = type(h)(**{**h.__dict__, "weights": h.weights[:, :1], "grad_w": h.grad_w[:, :1]})
    header = exports.trajectory_csv(history, ("=cmd()",)).splitlines()[0]
    assert "weight_=cmd()" in header  # not at the start of a cell: harmless
    frame = exports.trajectory_frame(history, ("=cmd()",)).rename(columns={"bias": "=bias"})
    assert "'=bias" in csv_safe(frame).columns


def test_parameters_json_parses_back(run):
    exp, h, _ = run
    data = json.loads(exports.parameters_json(exp, h, dataset_key="seattle", lr=h.lr))
    assert data["predictors"] == ["tmax", "tmin"] and data["standardized_descent"] is True
    assert data["fitted"]["weights"]["tmax"] == h.final_weights[0]
    assert data["fitted"]["bias"] == h.final_bias
    assert data["optimum"]["bias"] == exp.optimum.bias
    assert data["theory"]["zone"] == "converging"
    assert data["theory"]["eta_lambda_max"] == pytest.approx(0.4 * 2)  # 0.4 × critical = 0.8 / λmax
    assert data["epochs_run"] == 3000 and data["diverged_at"] is None
    assert data["mse"]["train"] == pytest.approx(float(h.train_loss[-1]), rel=1e-9)


def test_parameters_json_has_no_infinities():
    exp = experiment("seattle", ("tmax",), False)
    h = exp.history_in_original_units(exp.run(*exp.initial("zeros"), lr=2.5 * exp.theory.critical_lr,
                                              epochs=5000))
    text = exports.parameters_json(exp, h, dataset_key="seattle", lr=h.lr)
    data = json.loads(text)  # strict JSON: allow_nan=False would have raised on inf/nan
    assert data["diverged_at"] == h.diverged_at and data["theory"]["zone"] == "diverging"


def embedded_frames(html: str) -> list:
    match = re.search(r"Plotly\.addFrames\('[^']+',\s*(\[.*?\])\);", html, re.S)
    assert match, "the HTML file must add the animation frames"
    return json.loads(match.group(1))


def test_html_file_plays_offline_with_every_frame(run):
    _, _, data = run
    fig = descent_figure(data)
    html = exports.figure_html(fig)
    assert "<html>" in html and not re.search(r"<script[^>]+src=", html)  # plotly.js inlined, no fetches
    assert len(html) > 3_000_000  # the library itself is in the file
    frames = embedded_frames(html)
    expected = fig.to_dict()["frames"]
    assert len(frames) == len(expected) > 10
    assert [f["name"] for f in frames] == [f["name"] for f in expected]
    assert np.allclose(decode(frames[-1]["data"][0]["y"]), decode(expected[-1]["data"][0]["y"]))
    assert '"sliders"' in html and "Play" in html


def test_chart_summaries(run):
    exp, h, data = run
    text = exports.descent_summary(data)
    assert text.startswith("Chart summary:") and "(other predictors at their means)" in text
    assert f"{h.weights[-1, 0]:,.4g}" in text and "epoch 3,000" in text
    loss = exports.loss_summary(h, exp.optimum.train, exp.baseline["valid"])
    assert f"{exp.optimum.train:,.4g}" in loss and "tomorrow = today" in loss
    bad = type(h)(**{**h.__dict__, "diverged_at": 42})
    assert "diverged at epoch 42" in exports.loss_summary(bad, 1.0)
    assert "diverged at epoch 42" in exports.descent_summary(type(data)(**{**data.__dict__, "history": bad}))


# --- presenter mode, the parts without a page --------------------------------------------------------------

@pytest.mark.parametrize("value, flag", [("1", True), ("true", True), ("ON", True), (["0", "1"], True),
                                         ("0", False), ("false", False), ("", None), ("maybe", None),
                                         (None, None), ([], None)])
def test_parse_flag(value, flag):
    assert presenter.parse_flag(value) is flag


def test_css_is_ours_and_hides_the_sidebar():
    css = presenter.css()
    assert css.startswith("<style>") and css.endswith("</style>")
    assert 'section[data-testid="stSidebar"]' in css and "display: none" in css
    assert f"font-size: {presenter.ROOT_PX}px" in css


def test_restyle_scales_fonts_and_keeps_frames(run):
    _, _, data = run
    fig = descent_figure(data, height=565)
    before = fig.to_dict()
    after = presenter.restyle(fig).to_dict()
    assert after["frames"] == before["frames"]
    assert after["layout"]["font"]["size"] == round(15 * presenter.CHART_FONT_SCALE)
    assert after["layout"]["font"]["color"] == presenter.INK
    sizes = [a["font"]["size"] for a in after["layout"]["annotations"]]
    assert sizes == [round(a["font"]["size"] * presenter.CHART_FONT_SCALE)
                     for a in before["layout"]["annotations"]]
    assert after["layout"]["margin"]["b"] == presenter.BOTTOM_PX
    points = after["data"][0]["marker"]["opacity"]
    assert points == presenter.POINT_OPACITY > before["data"][0]["marker"]["opacity"]  # no washed-out data
    plot = 565 - before["layout"]["margin"]["t"] - presenter.BOTTOM_PX
    # Controls under the plot in pixels: buttons and slider below the axis title, the legend below both.
    assert after["layout"]["updatemenus"][0]["y"] * plot == pytest.approx(-presenter.BUTTONS_PX)
    assert after["layout"]["sliders"][0]["y"] * plot == pytest.approx(-presenter.SLIDER_PX)
    assert after["layout"]["sliders"][0]["x"] == presenter.SLIDER_X  # beside the buttons, whatever the
    assert after["layout"]["sliders"][0]["len"] == 1 - presenter.SLIDER_X  # normal layout does
    assert after["layout"]["legend"]["y"] * plot == pytest.approx(-presenter.LEGEND_PX)
    narrow = presenter.restyle(descent_figure(data), scale=1.0, narrow=True).to_dict()["layout"]
    assert narrow["sliders"][0]["x"] == 0 and narrow["sliders"][0]["len"] == 1
    loss = presenter.restyle(loss_figure(data.history, optimum_loss=1.0)).to_dict()
    assert loss["layout"]["font"]["size"] == round(15 * presenter.CHART_FONT_SCALE)


def test_chart_height_leaves_room_for_longer_messages():
    one = presenter.chart_height("Converged: after 10,000 epochs the training MSE is 8.108.")
    assert one == presenter.CHART_PX
    long = "Diverged at epoch 146: " + "x" * 250  # three lines at the projector's size
    assert presenter.chart_height(long) == presenter.CHART_PX - 2 * presenter.STATUS_LINE_PX
    two = presenter.chart_height("Right: you said converge.", "Converged.")
    assert two == presenter.CHART_PX - presenter.ALERT_PX
