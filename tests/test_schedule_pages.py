"""The schedule on the pages (AppTest) and in the downloads: the sidebar and the URL, the live table's
products, the verdict sentence, the strip, the lab's second sweep, the landscape, the CSV and JSON."""

from __future__ import annotations

import json

import numpy as np
from conftest import decode_table, experiment_of, live, live_table, open_page, specs, status_box

from gd_core.rate_grid import rate_table
from gd_core.schedule_theory import schedule_theory
from gd_core.schedules import Schedule
from gd_ui import exports
from gd_ui.schedule_words import schedule_sentence
from gd_ui.widgets.cache import FRAMES

QUERY = {"sched": "exponential", "sched_r": "0.5", "sched_k": "10"}


def alerts(at) -> list[str]:
    """Every message box, the status box first (a schedule's sentence is its verdict)."""
    box = status_box(at)
    return [box["verdict"]] * bool(box) + [e.value for kind in ("success", "info", "warning", "error")
                                           for e in getattr(at, kind)]


def test_a_link_with_a_schedule_draws_it_and_ships_the_products_for_the_grid():
    at = open_page(query=QUERY)
    assert not at.exception
    assert at.selectbox(key="sched").value == "exponential"
    assert at.select_slider(key="sched_k").value == "10"
    assert any(t.startswith("The step stays safe") for t in alerts(at))  # 0.4 × critical by default
    table = decode_table(live_table(at))
    chart = live(at)
    exp = experiment_of("seattle", ("tmax",))
    options = at.select_slider(key="lr").options
    core = rate_table(exp.quadratic, [float(o) for o in options], 10_000, FRAMES,
                      Schedule("exponential", 0.5, 10))
    np.testing.assert_array_equal(table["powers"], core.powers.ravel())
    assert chart["diverged_at"][-1] > 0  # 10× critical still diverges, at its own epoch
    # The strip: the schedule's shape at the updates drawn, so the browser draws it at any peak rate.
    strip, schedule = chart["strip"], Schedule("exponential", 0.5, 10)
    t = np.asarray(strip["x"], dtype=np.int64) - 1  # update t takes epoch t to t + 1
    assert t[0] == 0 and t[-1] == 9_999 and len(t) == len(set(t.tolist())) <= 1500 + 2 * 1500
    np.testing.assert_array_equal(strip["shape"], schedule.shape(10_000)[t])
    assert strip["critical"] == exp.theory.critical_lr and strip["log_x"]
    assert strip["kind"] == "exponential decay"
    peak = float(options[chart["rate"]])
    assert chart["strip_alt"].startswith(f"Chart summary: the rate goes from {peak:.3g} to ")
    assert not specs(at)[1:]  # the loss per epoch only: the strip is the live chart's


def test_a_constant_rate_has_no_strip():
    chart = live(open_page())
    assert "strip" not in chart and "strip_alt" not in chart


def test_a_step_schedules_strip_keeps_every_corner():
    from gd_ui.chart.strip import strip_updates

    shape = Schedule("step", 0.5, 1000).shape(200_000)
    t = strip_updates(shape)
    change = np.flatnonzero(shape[1:] != shape[:-1])
    assert set(change.tolist()) <= set(t.tolist()) and set((change + 1).tolist()) <= set(t.tolist())
    assert t[0] == 0 and t[-1] == 199_999


def test_a_peak_above_critical_that_decays_is_rescued_in_words():
    at = open_page(query=QUERY)
    options = at.select_slider(key="lr").options
    critical = experiment_of("seattle", ("tmax",)).theory.critical_lr
    above = next(o for o in options if 2 * critical < float(o) < 3 * critical)
    at.select_slider(key="lr").set_value(above).run()
    assert not at.exception
    words = [t for t in alerts(at) if t.startswith("The step starts too big")]
    assert words and "the error grows for" in words[0] and "brings it back" in words[0], alerts(at)


def test_bad_schedule_values_in_a_link_fall_back_and_a_long_warmup_is_explained():
    at = open_page(query={"sched": "bogus", "sched_r": "-3", "sched_w": "999999"})
    assert not at.exception and at.selectbox(key="sched").value == "constant"
    at = open_page(query={"sched": "cosine", "sched_w": "5000"})
    at.select_slider(key="epochs").set_value(1000).run()
    assert not at.exception
    assert any("must be shorter than the run" in w.value for w in at.warning)


def test_the_lab_draws_constant_and_schedule_sweeps_on_one_chart():
    at = open_page("pages/Learning_Rate_Lab.py", query=QUERY)
    assert not at.exception
    chart = next(s for s in specs(at) if any("exponential" in (t.get("name") or "") for t in s["data"]))
    names = {t.get("name") for t in chart["data"]}
    assert "constant rate" in names and len(chart["layout"]["shapes"]) >= 1  # the critical rate marked


def test_the_landscape_takes_the_schedule():
    at = open_page("pages/Loss_Landscape.py", query={"land_sched": "step", "land_sched_k": "10"})
    assert not at.exception
    assert at.selectbox(key="land_sched").value == "step"


def test_csv_and_json_carry_the_schedule():
    exp = experiment_of("seattle", ("tmax",), True)
    schedule = Schedule("step", 0.5, 7, warmup=3)
    lr = 2.0 * exp.theory.critical_lr
    h = exp.run(np.array([0.0]), 0.0, lr=lr, epochs=120, max_points=121, schedule=schedule)
    frame = exports.trajectory_frame(h, ["tmax"], schedule)
    np.testing.assert_allclose(frame["learning_rate"].to_numpy()[:-1], schedule.rates(lr, 120), rtol=0)
    assert np.isnan(frame["learning_rate"].iloc[-1])
    assert "learning_rate" not in exports.trajectory_frame(h, ["tmax"], Schedule())
    data = json.loads(exports.parameters_json(exp, h, dataset_key="seattle", lr=lr, schedule=schedule))
    sched = data["schedule"]
    assert sched["kind"] == "step" and sched["decay_epochs"] == 7 and sched["warmup_epochs"] == 3
    th = schedule_theory(exp.quadratic, lr, schedule, 120, h.diverged_at)
    assert sched["theory"]["too_big"] == [list(s) for s in th.too_big]
    assert sched["theory"]["rescued"] is th.rescued
    assert "schedule" not in json.loads(exports.parameters_json(exp, h, dataset_key="seattle", lr=lr))
    kind, sentence = schedule_sentence(th)
    assert kind == "rescued" and f"grows for {th.growing_epochs} epochs" in sentence
