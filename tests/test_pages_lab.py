"""AppTest: the learning-rate lab and the loss landscape pages, end to end on the server side."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import APP, decode, experiment_of
from streamlit.testing.v1 import AppTest

LAB = "pages/Learning_Rate_Lab.py"
LAND = "pages/Loss_Landscape.py"


def open_page(page: str, **state) -> AppTest:
    """Start on the playground (as a visitor does), set any session values, then switch pages."""
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    at.switch_page(page)
    for key, value in state.items():
        at.session_state[key] = value
    return at.run()


def specs(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def annotations(spec: dict) -> str:
    return " | ".join(a["text"] for a in spec["layout"].get("annotations", []))


@pytest.fixture(scope="module")
def seattle():
    return experiment_of("seattle"), experiment_of("seattle", standardize=True)


# --- learning-rate lab ---------------------------------------------------------------------------

def test_lab_loads_with_all_four_charts():
    at = open_page(LAB)
    assert not at.exception
    charts = specs(at)
    assert len(charts) == 5  # sweep, loss curves, constant vs a schedule, contraction, standardisation
    sweep_chart = charts[0]
    names = [t.get("name") for t in sweep_chart["data"]]
    assert "final loss of a run" in names and any(str(n).startswith("diverged") for n in names)
    n_runs = sum(len(decode(t["x"])) for t in sweep_chart["data"]
                 if t.get("name") in ("final loss of a run", "diverged (hover: the epoch)",
                                      "growing, not yet diverged"))
    assert n_runs == 40
    assert at.dataframe  # the eigen-direction table


def test_lab_standardisation_toggle_changes_the_critical_rate_shown(seattle):
    raw, scaled = seattle
    at = open_page(LAB)
    before = annotations(specs(at)[0])
    assert f"critical {raw.theory.critical_lr:.2e}" in before
    at.toggle(key="std").set_value(True).run()
    assert not at.exception
    after = annotations(specs(at)[0])
    assert f"critical {scaled.theory.critical_lr:.2e}" in after
    assert before != after
    text = " ".join(c.value for c in at.caption)
    assert f"{scaled.theory.critical_lr:.1e}" in text
    # the side-by-side panel shows both, and says which is active
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["critical rate"] in (f"{raw.theory.critical_lr:.1e}", f"{scaled.theory.critical_lr:.1e}")
    assert any("Standardised features** — active" in m.value for m in at.markdown)


def test_lab_first_diverging_rate_is_reported_next_to_the_critical_rate(seattle):
    raw, _ = seattle
    at = open_page(LAB)
    caption = " ".join(c.value for c in at.caption)
    assert "one grid step above the critical rate" in caption
    diverged = next(t for t in specs(at)[0]["data"] if str(t.get("name")).startswith("diverged"))
    first = decode(diverged["x"]).min()
    assert raw.theory.critical_lr < first < raw.theory.critical_lr * 10 ** (4 / 39) * 1.0001


def test_lab_rate_picker_sets_the_overlaid_curves():
    at = open_page(LAB)
    at.multiselect(key="lab_rates").set_value(["0.1", "1.5"]).run()
    assert not at.exception
    curves = specs(at)[1]
    lines = [t for t in curves["data"] if t["mode"] == "lines"]
    assert [t["name"].split(" (")[0] for t in lines] == ["0.1 × critical", "1.5 × critical"]
    assert "diverged at epoch" in lines[1]["name"]


def test_lab_excess_toggle_switches_the_y_axis():
    at = open_page(LAB)
    at.toggle(key="lab_excess").set_value(True).run()
    assert specs(at)[0]["layout"]["yaxis"]["title"]["text"].startswith("excess over the optimum")


def test_lab_with_three_predictors_explains_four_directions():
    at = open_page(LAB)
    at.multiselect(key="pred").set_value(["tmax", "tmin", "rain"]).run()
    assert not at.exception
    assert len(at.dataframe[0].value) == 4
    assert "4 eigen-directions" in " ".join(m.value for m in at.markdown)


# --- loss landscape ------------------------------------------------------------------------------

def test_landscape_loads_with_map_table_and_noisy_paths():
    at = open_page(LAND)
    assert not at.exception
    charts = specs(at)
    assert len(charts) == 2
    land, noisy = charts
    assert land["data"][0]["fill"] == "toself"  # the largest contour ellipse
    names = [t.get("name", "") for t in land["data"]]
    for label in ("Gradient descent", "Momentum", "Nesterov", "RMSProp", "Adam"):
        assert any(n.startswith(label) for n in names)
    assert land["frames"] and land["layout"]["sliders"]
    table = at.dataframe[0].value
    assert list(table["optimizer"]) == ["Gradient descent", "Momentum", "Nesterov", "RMSProp", "Adam"]
    assert table["epochs to within 1 %"].str.len().min() > 0
    assert [n for n in (t.get("name", "") for t in noisy["data"]) if "batch" in n] == \
        ["full batch", "batch 32, seed 0", "stochastic (batch 1), seed 0"]


def test_landscape_standardisation_changes_the_critical_rate_shown(seattle):
    raw, scaled = seattle
    at = open_page(LAND)
    assert f"Critical rate 2/λmax = {raw.theory.critical_lr:.1e}" in at.caption[0].value
    at.toggle(key="std").set_value(True).run()
    assert not at.exception
    assert f"Critical rate 2/λmax = {scaled.theory.critical_lr:.1e}" in at.caption[0].value


def test_landscape_optimizer_choice_and_ridge_slider():
    at = open_page(LAND, land_methods=["gd", "adam"])
    assert list(at.dataframe[0].value["optimizer"]) == ["Gradient descent", "Adam"]
    names = [t.get("name", "") for t in specs(at)[0]["data"]]
    assert not any(n.startswith("ridge optimum") for n in names)
    at.select_slider(key="land_l2").set_value("0.1").run()
    assert not at.exception
    names = [t.get("name", "") for t in specs(at)[0]["data"]]
    assert any(n.startswith("ridge optimum (α = ") for n in names)
    assert "with the ridge penalty" in at.caption[0].value


def test_landscape_noisy_paths_follow_the_seed():
    at = open_page(LAND, land_methods=["gd"])

    def path(at, label_start):
        trace = next(t for t in specs(at)[1]["data"] if t.get("name", "").startswith(label_start))
        return decode(trace["x"])

    first = path(at, "batch 32")
    at.number_input(key="land_mb_seed").set_value(1).run()
    other = path(at, "batch 32")
    at.number_input(key="land_mb_seed").set_value(0).run()
    again = path(at, "batch 32")
    assert not np.array_equal(first, other)
    np.testing.assert_array_equal(first, again)


def test_landscape_restores_from_a_link():
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["land_epochs"] = "200"
    at.query_params["land_lr_gd"] = "0.5×"  # a bound select_slider's URL value is its label
    at.query_params["land_l2"] = "0.1×"
    at.run().switch_page(LAND).run()
    assert not at.exception
    assert at.select_slider(key="land_epochs").value == 200
    assert at.select_slider(key="land_lr_gd").value == "0.5"
    assert at.select_slider(key="land_l2").value == "0.1"


def test_lab_restores_its_rates_from_a_link():
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["lab_rates"] = ["0.3 ×", "2 ×"]
    at.run().switch_page(LAB).run()
    assert not at.exception
    assert at.multiselect(key="lab_rates").value == ["0.3", "2"]
