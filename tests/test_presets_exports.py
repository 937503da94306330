"""Presets against the core's theory, their links, predict-then-reveal, the exports, and the
presenter-mode helpers that need no page."""

from __future__ import annotations

import io
import json
import math
import re
from urllib.parse import parse_qs, urlencode

import numpy as np
import pandas as pd
import pytest
from conftest import dataset_of, experiment_of

from gd_core.theory import Theory
from gd_ui import exports, presets
from gd_ui.chart.views import descent_data
from gd_ui.controls import lr_options
from gd_ui.datasets import BUNDLED_BY_KEY
from gd_ui.figures import present
from gd_ui.figures.loss import loss_figure
from gd_ui.safe import csv_safe
from gd_ui.widgets import presenter

CASES = [(ds, preds, std) for ds in ("seattle", "clemson") for preds in (("tmax",), ("tmax", "tmin"))
         for std in (False, True)]


@pytest.fixture(scope="module")
def experiments():
    return {case: experiment_of(*case) for case in CASES}


def theory_of(eigenvalues) -> Theory:
    lam = np.asarray(eigenvalues, float)
    kappa = lam[-1] / lam[0] if lam[0] > 0 else math.inf
    return Theory(lam, 2 / lam[-1], 2 / (lam[0] + lam[-1]), kappa)


# --- presets ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}-{'+'.join(c[1])}-{'std' if c[2] else 'raw'}")
def test_presets_land_in_the_zones_they_claim(experiments, case):
    th = experiments[case].theory
    choices = presets.presets(th)
    assert [p.lr for p in choices] == sorted(p.lr for p in choices)  # listed in rate order
    by_key = {p.key: p for p in choices}
    assert set(by_key) == {"crawl", "just_right", "fastest", "oscillate", "diverge"} or \
        (th.condition_number < 1 + 1e-6 and "fastest" not in by_key)
    for p in by_key.values():
        rate = float(p.spelled)  # what the link carries, not the exact value
        assert p.lr == rate and th.zone(rate) == p.zone
        assert len(p.spelled.split("e")[0].replace(".", "").lstrip("-")) >= 3  # 3+ significant digits
        assert p.eta_lambda == pytest.approx(rate * th.lambda_max)
    for key, zone, s in (("crawl", "crawling", 0.01), ("just_right", "converging", 1.0),
                         ("oscillate", "oscillating", 1.9), ("diverge", "diverging", 2.1)):
        assert by_key[key].zone == zone and by_key[key].eta_lambda == pytest.approx(s, rel=6e-3)
    # "just right" is the largest rate with no zig-zag: no direction's factor is negative
    assert (1 - by_key["just_right"].lr * th.eigenvalues >= -1e-9).all()
    # "fastest" is the optimal rate 2/(λmin+λmax), honestly placed: between 1 and 2 (oscillating)
    if "fastest" in by_key:
        best = by_key["fastest"]
        assert best.lr == pytest.approx(th.optimal_lr, rel=1e-3)
        assert 1 - 1e-5 <= best.eta_lambda < 2
        assert best.zone == "oscillating" and "oscillating" in best.claim and "between 1 and 2" in best.claim
        # …and it is the fastest worst case: no other preset keeps less of the error per epoch.
        worst = {k: float(th.factors(p.lr).max()) for k, p in by_key.items()}
        assert worst["fastest"] <= min(worst["crawl"], worst["just_right"], worst["oscillate"]) + 1e-12
    assert float(th.factors(by_key["diverge"].lr).max()) > 1


def test_predict_first_letters_follow_rate_order(experiments):
    for exp in experiments.values():
        choices = presets.presets(exp.theory)
        assert presets.letters(choices) == [f"rate {c}" for c in "ABCDE"[:len(choices)]]


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
    by_key = {p.key: p for p in presets.presets(th)}
    best = by_key["just_right"]
    assert best.zone == "converging" and float(best.spelled) * th.lambda_max <= 1
    assert "fastest" not in by_key  # the same rate as "just right" when κ = 1
    wide = theory_of([414.0885480620017 / 2660.6690909535405, 414.0885480620017])
    text = presets.spell(wide.optimal_lr, wide, "oscillating")
    assert text == "4.828e-03"  # 3 digits (4.83e-03) would be past the critical rate: diverging
    assert presets.spell(1.9 / 7.0, theory_of([1.0, 7.0]), "oscillating") == "2.71e-01"


def test_singular_theory_says_so():
    th = theory_of([0.0, 4.0])
    best = {p.key: p for p in presets.presets(th)}["fastest"]
    assert "κ = ∞" in best.claim and "redundant" in best.claim


def test_links_carry_the_view_and_the_rate_as_spelled():
    label = BUNDLED_BY_KEY["clemson"].label  # a bound selectbox puts its shown label in the URL
    view = presets.View(label, ("tmax", "tmin"), "tmin", True, -0.5, 10.0, 3000)
    q = parse_qs(urlencode(presets.link_params(view, "4.828e-03"), doseq=True))
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
    assert f"η·λmax is {s:.4g}" in sentence and th.zone(s / 100) in sentence


# --- exports ----------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def run():
    exp = experiment_of("seattle", ("tmax", "tmin"), True)
    w, b = exp.scaler.to_standardized(np.array([-0.5, 0.2]), 10.0)
    history = exp.history_in_original_units(exp.run(w, float(b), lr=0.4 * exp.theory.critical_lr,
                                                    epochs=3000))
    data = descent_data(exp, history, 0, dataset_of("seattle"))
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
    exp = experiment_of("seattle", ("tmax",), False)
    h = exp.history_in_original_units(exp.run(*exp.initial("zeros"), lr=2.5 * exp.theory.critical_lr,
                                              epochs=5000))
    text = exports.parameters_json(exp, h, dataset_key="seattle", lr=h.lr)
    data = json.loads(text)  # strict JSON: allow_nan=False would have raised on inf/nan
    assert data["diverged_at"] == h.diverged_at and data["theory"]["zone"] == "diverging"


def test_offline_html_inlines_everything_and_cannot_be_closed_early():
    from gd_ui.chart.offline import offline_html

    page = offline_html(title="Seattle <2012>", table=b"DLT1 bytes", payload={"summary": "</script><b>"},
                        plotly_js="var Plotly = {}; // </script>", css=".x{}", note="a & b",
                        chart_js="const G = 1;\nexport default function (component) { return G; }",
                        table_js="const G = 2;\nexport default function (component) { return G; }")
    assert "<title>Seattle &lt;2012&gt;</title>" in page and "a &amp; b" in page
    assert not re.search(r"<script[^>]+src=", page) and "<link" not in page  # nothing to fetch
    assert page.count("</script>") == page.count("<script")  # no text closes its script early
    assert "mountChart = function (component)" in page and "mountTable = function (component)" in page
    with pytest.raises(ValueError, match="exactly one"):
        offline_html(title="t", table=b"", payload={}, plotly_js="", chart_js="", table_js="", css="")


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


def test_restyle_scales_fonts_and_darkens_ink(run):
    _, _, data = run
    before = loss_figure(data.history, optimum_loss=1.0)
    fonts = [a.font.size for a in before.layout.annotations]
    after = present.restyle(before).to_dict()
    assert after["layout"]["font"]["size"] == round(15 * present.CHART_FONT_SCALE)
    assert after["layout"]["font"]["color"] == present.INK
    assert [a["font"].get("size") for a in after["layout"]["annotations"]] == [
        round(s * present.CHART_FONT_SCALE) if s else None for s in fonts]


def test_chart_height_leaves_room_for_longer_messages():
    one = present.chart_height("Converged: after 10,000 epochs the training MSE is 8.108.")
    assert one == present.CHART_PX
    long = "Diverged at epoch 146: " + "x" * 250  # three lines at the projector's size
    assert present.chart_height(long) == present.CHART_PX - 2 * present.STATUS_LINE_PX
    two = present.chart_height("Right: you said converge.", "Converged.")
    assert two == present.CHART_PX - present.ALERT_PX
