"""AppTest: the playground page end to end (server side; the browser tier is in tests/browser)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from gd_core.data import make_problem
from gd_core.experiment import Experiment
from gd_ui.datasets import read_bundled

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def fresh(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def spec(at: AppTest, i: int = 0) -> dict:
    return json.loads(at.get("plotly_chart")[i].proto.spec)


def status(at: AppTest) -> str:
    return " ".join(e.value for kind in (at.success, at.info, at.error) for e in kind)


@pytest.fixture(scope="module")
def seattle_theory():
    exp = Experiment.build(make_problem(read_bundled("seattle"), ["tmax"], "tmax_tomorrow"))
    return exp.theory


def test_page_loads_without_exception_and_shows_everything():
    at = fresh()
    assert not at.exception
    assert len(at.get("plotly_chart")) == 2
    assert status(at).startswith("Converged")
    assert len(spec(at)["frames"]) > 10
    assert at.table  # the numbers


@pytest.mark.parametrize("key", ["lr", "w0", "b0", "epochs"])
def test_each_slider_changes_the_figure(key):
    at = fresh()
    before = spec(at)
    widget = at.select_slider(key=key) if key in ("lr", "epochs") else at.slider(key=key)
    if key == "lr":
        widget.set_value(widget.options[len(widget.options) // 3])
    elif key == "epochs":
        widget.set_value(300)
    else:
        widget.set_value(widget.value + 0.7)
    at.run()
    assert not at.exception
    after = spec(at)
    assert after["frames"] != before["frames"]
    assert after["data"][2] != before["data"][2]  # the fit line moved


def test_rate_above_critical_shows_divergence(seattle_theory):
    at = fresh()
    lr = at.select_slider(key="lr")
    above = next(o for o in lr.options if float(o) > seattle_theory.critical_lr * 1.05)
    lr.set_value(above).run()
    text = status(at)
    assert text.startswith("Diverged at epoch")
    assert "critical" in text and f"{seattle_theory.critical_lr:.3e}" in text
    assert "|1 − ηλmax|" in text
    assert at.error  # shown as an error, in colour


def test_sidebar_shows_theory_and_zone(seattle_theory):
    at = fresh()
    side = " ".join(m.value for m in at.sidebar.markdown)
    assert f"{seattle_theory.critical_lr:.3e}" in side
    assert f"{seattle_theory.optimal_lr:.3e}" in side
    assert "converging" in side
    at.select_slider(key="lr").set_value(at.select_slider(key="lr").options[0]).run()
    assert "crawling" in " ".join(m.value for m in at.sidebar.markdown)


def test_url_parameters_restore_the_view():
    at = fresh(lr="3.2e-03", epochs="300", w0="1.5", b0="-4", std="true", pred=["tmax", "tmin"], x="tmin")
    assert not at.exception
    assert at.select_slider(key="lr").value == "3.2e-03"
    assert at.select_slider(key="epochs").value == 300
    assert at.slider(key="w0").value == 1.5
    assert at.slider(key="b0").value == -4
    assert at.toggle(key="std").value is True
    assert at.multiselect(key="pred").value == ["tmax", "tmin"]
    assert at.selectbox(key="x").value == "tmin"


def test_exact_rate_from_a_link_is_kept(seattle_theory):
    rate = 2.1 / seattle_theory.lambda_max  # a "diverge" preset: just over critical
    at = fresh(lr=f"{rate:.3e}")
    assert float(at.select_slider(key="lr").value) == pytest.approx(rate, rel=1e-3)
    assert status(at).startswith("Diverged")


def test_bad_link_values_fall_back_quietly():
    at = fresh(lr="banana", epochs="7", ds="upload:nothing")
    assert not at.exception
    assert status(at)  # default view


def test_tutorial_button_sets_the_seeded_start():
    at = fresh()
    next(b for b in at.button if b.label == "Tutorial's starting values").click().run()
    assert at.slider(key="w0").value == pytest.approx(2 * 0.5488135039273248 - 1)  # RandomState(0)
    assert at.slider(key="b0").value == pytest.approx(1.0)  # k = √(1/1)


def test_other_dataset_and_predictors():
    at = fresh()
    at.selectbox(key="ds").set_value("clemson").run()
    assert not at.exception
    assert "°F" in spec(at)["layout"]["xaxis"]["title"]["text"]
    at.multiselect(key="pred").set_value(["tmax", "tmin"]).run()
    assert not at.exception
    assert "means" in spec(at)["data"][2]["name"]


def test_standardise_changes_the_critical_rate_shown(seattle_theory):
    at = fresh()
    at.toggle(key="std").set_value(True).run()
    side = " ".join(m.value for m in at.sidebar.markdown)
    assert f"{seattle_theory.critical_lr:.3e}" not in side
    assert "2.000e+00" in side  # one standardised predictor: H = diag(1, 1), 2/λmax = 2


def test_a_link_can_name_the_dataset_by_key():
    at = fresh(ds="clemson")
    assert at.selectbox(key="ds").value == "clemson"
    assert "°F" in spec(at)["layout"]["xaxis"]["title"]["text"]


def test_predict_first_hides_the_zone_in_the_sidebar():
    at = fresh()
    assert "converging" in " ".join(m.value for m in at.sidebar.markdown)
    at.toggle(key="predict").set_value(True).run()
    side = " ".join(m.value for m in at.sidebar.markdown)
    assert "converging" not in side and "predict first" in side
