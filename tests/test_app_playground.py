"""AppTest: the playground page end to end (server side; the browser tier is in tests/browser), and the
live chart's payload against the core."""

from __future__ import annotations

import json
import logging

import numpy as np
import pytest
from conftest import decode_table, experiment_of, live, live_table, numbers, open_page, specs, status_box

from gd_core.rate_grid import endings, rate_table
from gd_ui.state import DEFAULT_B0, DEFAULT_W0


def fresh(**params):
    return open_page(query=params)


def status(at) -> str:
    """The status box's kind, then its words and numbers: "converged: A good step size: … Why, in …"."""
    box = status_box(at)
    return f"{box['kind']}: {box['text']}" if box else ""


@pytest.fixture(scope="module")
def seattle_theory():
    return experiment_of("seattle", ("tmax",)).theory


def test_page_loads_with_the_live_chart_the_status_and_the_numbers():
    at = fresh()
    assert not at.exception
    assert status(at).startswith("converged")
    chart = live(at)
    assert chart["rate"] == at.select_slider(key="lr").options.index(at.select_slider(key="lr").value)
    assert chart["w0"] == DEFAULT_W0 and chart["b0"] == DEFAULT_B0
    assert chart["summary"].startswith("Chart summary:")
    assert chart["plotly"].startswith("app/static/plotly-") and chart["plotly"].endswith(".min.js")
    assert len(specs(at)) == 1  # the loss per epoch; the three panels are the live chart
    table = numbers(at)  # the numbers, beside the optimum and the baseline
    assert list(table.columns) == ["descent", "optimum", "baseline"]
    optimum = experiment_of().optimum.train
    assert float(table.loc["training MSE", "optimum"]) == pytest.approx(optimum, rel=1e-4)


def test_the_rate_table_is_the_core_at_every_grid_rate():
    """Decode what the browser gets and rebuild runs from it: exactly the core's histories."""
    at = fresh()
    table = decode_table(live_table(at))
    chart = live(at)
    exp = experiment_of("seattle", ("tmax",))
    options = at.select_slider(key="lr").options
    assert table["rates"] == list(options) and table["digest"] == chart["table"]
    m, epochs = table["m"], table["epochs"]
    powers = table["powers"].reshape(len(options), len(epochs), m)
    u, v = table["u"].reshape(m, m), table["v"].reshape(m, m)
    theta0 = np.array([DEFAULT_W0, DEFAULT_B0])
    z0 = v @ (theta0 - table["opt"])
    for r in (0, len(options) // 3, chart["rate"], len(options) - 8):
        lr = float(options[r])
        h = exp.run(theta0[:-1], theta0[-1], lr=lr, epochs=10_000, max_points=200)
        keep = chart["keep"][r]
        z = powers[r, :keep] * z0
        theta = table["opt"] + z @ u.T
        np.testing.assert_array_equal(epochs[:keep], h.epochs[:keep])
        np.testing.assert_allclose(theta[:, 0], h.weights[:keep, 0], rtol=1e-12, atol=1e-12)
        loss = table["min_loss"] + (z ** 2) @ table["lam"]
        np.testing.assert_allclose(loss, h.train_loss[:keep], rtol=1e-12)
        assert (chart["diverged_at"][r] if chart["diverged_at"][r] >= 0 else None) == h.diverged_at
        extra = [e for e in chart["extra_epochs"][r] if e >= 0]
        assert [*epochs[:keep], *extra] == list(h.epochs)  # the kept schedule ends where the core's does


def test_endings_are_the_core_schedule_for_any_start_and_rate():
    exp = experiment_of("clemson", ("tmax", "tmin"), False)
    rates = [f"{r:.2e}" for r in np.geomspace(0.5, 12, 9) * exp.theory.critical_lr]
    table = rate_table(exp.quadratic, [float(r) for r in rates], 50_000, 200)
    for w0, b0 in (([0.0, 0.0], 0.0), ([2.0, -1.0], 30.0), ([-0.5, 0.3], 10.0)):
        ends = endings(exp.quadratic, table, w0, b0, 50_000)
        for r, lr in enumerate(rates):
            h = exp.run(np.array(w0), b0, lr=float(lr), epochs=50_000, max_points=200)
            extra = [e for e in ends.extra_epochs[r] if e >= 0]
            assert [*table.epochs[:ends.keep[r]], *extra] == list(h.epochs)
            if extra:  # every rate's tail at once, bit for bit what one rate's powers give
                np.testing.assert_array_equal(ends.extra_powers[r, :len(extra)],
                                              exp.quadratic.powers(float(table.rates[r]), extra))
            for k, e in enumerate(extra):
                z = ends.extra_powers[r, k] * (exp.quadratic.eigenvectors.T @ (np.append(w0, b0)
                                                                                 - exp.quadratic.optimum))
                k_h = list(h.epochs).index(e)
                np.testing.assert_allclose(exp.quadratic.optimum + exp.quadratic.eigenvectors @ z,
                                           np.append(h.weights[k_h], h.bias[k_h]), rtol=1e-9)


def test_the_table_ships_under_a_megabyte_and_a_half_on_clemson_with_two_predictors():
    at = fresh(ds="clemson", pred=["tmax", "tmin"])
    assert not at.exception
    blob = live_table(at)
    assert len(blob) <= 1_500_000, len(blob)
    assert len(json.dumps(live(at))) < 60_000  # the per-rerun part stays small


@pytest.mark.parametrize("key", ["lr", "w0", "b0", "epochs"])
def test_each_sidebar_slider_reaches_the_live_chart(key):
    at = fresh()
    before = live(at)
    widget = at.select_slider(key=key) if key in ("lr", "epochs") else at.slider(key=key)
    if key == "lr":
        widget.set_value(widget.options[len(widget.options) // 3])
    elif key == "epochs":
        widget.set_value(300)
    else:
        widget.set_value(widget.value + 0.7)
    at.run()
    assert not at.exception
    after = live(at)
    assert after["run"] != before["run"] and after["summary"] != before["summary"]


def test_a_released_live_slider_commits_to_the_sidebar_in_one_rerun():
    """The live chart's commit (what the browser sends on release) becomes the sidebar's values."""
    from gd_ui.widgets import live as live_widget
    from gd_ui.widgets.sidebar import WRITTEN

    at = fresh()
    options = at.select_slider(key="lr").options
    values = live_widget.committed({"lr": options[5], "w0": 1.25, "b0": -7.5})
    for key, value in values.items():  # what the commit callback writes before the rerun
        at.session_state[key] = value
    at.session_state[WRITTEN] = set(values)
    at.run()
    assert at.select_slider(key="lr").value == options[5]
    assert at.slider(key="w0").value == 1.25 and at.slider(key="b0").value == -7.5
    assert live(at)["w0"] == 1.25 and status(at)


def test_rate_above_critical_shows_divergence(seattle_theory):
    at = fresh()
    lr = at.select_slider(key="lr")
    above = next(o for o in lr.options if float(o) > seattle_theory.critical_lr * 1.05)
    lr.set_value(above).run()
    text = status(at)
    assert text.startswith("diverged: Too big a step: every update overshoots")  # plain words first
    assert "critical" in text and f"{seattle_theory.critical_lr:.3e}" in text
    assert "|1 − ηλmax|" in text and "Why, in numbers: η·λmax = 2." in text


def test_sidebar_says_what_the_rate_does(seattle_theory):
    at = fresh()
    side = " ".join(m.value for m in at.sidebar.markdown)
    assert f"{seattle_theory.critical_lr:.3e}" in side and f"{seattle_theory.optimal_lr:.3e}" in side
    assert "converging" in side and "every direction shrinks smoothly" in side
    assert "η·λmax = 2" not in side  # no rounded number that reads as the boundary itself
    options = at.select_slider(key="lr").options
    at.select_slider(key="lr").set_value(options[0]).run()
    assert "crawling" in " ".join(m.value for m in at.sidebar.markdown)
    near = max((o for o in options if float(o) < seattle_theory.critical_lr), key=float)  # just under
    at.select_slider(key="lr").set_value(near).run()
    side = " ".join(m.value for m in at.sidebar.markdown)
    assert "zig-zags" in side and "×1 " not in side and "×1." not in side.split("zig-zags")[1][:12]


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
    assert status(at).startswith("diverged")


def test_bad_link_values_fall_back_to_the_defaults():
    at = fresh(lr="banana", epochs="7", w0="9e99", b0="nan", ds="upload:nothing")
    assert not at.exception
    default = fresh()
    assert at.select_slider(key="lr").value == default.select_slider(key="lr").value  # 0.4 × critical
    assert at.slider(key="w0").value == DEFAULT_W0 and at.slider(key="b0").value == DEFAULT_B0
    assert at.select_slider(key="epochs").value == 10_000
    assert at.selectbox(key="ds").value == "seattle"
    assert status(at).startswith("converged")


def test_a_link_to_an_upload_this_session_lacks_says_so():
    at = fresh(ds="upload:0123456789ab:deadbeef")
    assert any("does not have" in i.value for i in at.info)
    assert at.selectbox(key="ds").value == "seattle" and status(at)


def test_the_rate_resets_when_the_dataset_changes():
    """A rate that suits Seattle is far off on Clemson: a new dataset starts at its own 0.4 × critical."""
    at = fresh()
    lr = at.select_slider(key="lr")
    lr.set_value(lr.options[-3]).run()
    at.selectbox(key="ds").set_value("clemson").run()
    clemson = experiment_of("clemson", ("tmax",)).theory
    assert float(at.select_slider(key="lr").value) == pytest.approx(0.4 * clemson.critical_lr, rel=0.06)
    assert not status(at).startswith("diverged")


def test_no_widget_is_given_two_values(caplog):
    """Streamlit warns when a widget has a default and a Session State value: the app gives one."""
    caplog.set_level(logging.WARNING)
    at = fresh(lr="3.2e-03")
    next(b for b in at.button if b.label == "Tutorial's starting values").click().run()
    at.selectbox(key="ds").set_value("clemson").run()
    assert not [r for r in caplog.records if "Session State API" in r.getMessage()]


def test_tutorial_button_sets_the_seeded_start():
    at = fresh()
    next(b for b in at.button if b.label == "Tutorial's starting values").click().run()
    assert at.slider(key="w0").value == pytest.approx(2 * 0.5488135039273248 - 1)  # RandomState(0)
    assert at.slider(key="b0").value == pytest.approx(1.0)  # k = √(1/1)


def test_other_dataset_and_predictors():
    at = fresh()
    at.selectbox(key="ds").set_value("clemson").run()
    at.multiselect(key="pred").set_value(["tmax", "tmin", "rain"] if False else ["tmax", "tmin"]).run()
    assert not at.exception
    assert "tmin" in at.selectbox(key="x").options
    assert status(at)


def test_standardising_changes_the_critical_rate_shown():
    at = fresh()
    before = " ".join(m.value for m in at.sidebar.markdown)
    at.toggle(key="std").set_value(True).run()
    after = " ".join(m.value for m in at.sidebar.markdown)
    assert before != after and not at.exception


def test_a_chart_that_failed_says_so_and_offers_a_retry():
    """One renderer: no second drawing to fall back on. The failure is named, a button tries again."""
    at = fresh()
    from gd_ui.widgets import live as live_widget

    at.session_state[live_widget.FAILED] = "plotly.js did not load"
    at.run()
    assert not at.exception and live(at) is None
    assert len(specs(at)) == 1  # the loss per epoch only: no server-drawn three panels
    assert any("could not be drawn" in e.value and "plotly.js did not load" in e.value for e in at.error)
    retry = at.button(key="live_retry")
    assert retry.label == "Try the chart again"
    retry.click().run()
    assert not at.exception and live(at) is not None  # drawn again
    assert status(at).startswith("converged")
