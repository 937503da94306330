"""The playground with a learning-rate schedule in headless Chromium: the live chart still follows a drag of
the (peak) rate with no round trip, and every mid-drag frame is the core's scheduled run; the strip of the
rate per epoch follows the drag too (η_t = peak · shape_t, the core's shape); the schedule is in the URL."""

from __future__ import annotations

import re

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from gd_core.schedules import Schedule

from .conftest import RERUN_TIMEOUT_MS, open_app, wait_idle
from .test_playground_browser import B0, STATUS, W0, drag_steps

SCHEDULE = Schedule("exponential", 0.5, 100)
QUERY = "/?sched=exponential&sched_r=0.5&sched_k=100&sched_w=0"


@pytest.fixture(scope="module")
def seattle():
    from tests.conftest import experiment_of

    return experiment_of("seattle", ("tmax",), False)


def core_end(exp, lr: float, w0: float = W0, b0: float = B0, epochs: int = 10_000):
    h = exp.history_in_original_units(exp.run(np.array([w0]), b0, lr=lr, epochs=epochs, max_points=200,
                                              schedule=SCHEDULE))
    return int(h.epochs[-1]), float(h.weights[-1, 0]), float(h.bias[-1]), float(h.train_loss[-1]), h


def test_dragging_the_peak_rate_with_a_schedule_redraws_the_core_at_every_step(page: Page, seattle):
    open_app(page, QUERY)
    expect(page.locator(".dl-live .dl-strip.js-plotly-plot")).to_have_count(1)
    steps = drag_steps(page, "rate", [0.55, 0.62, 0.7, 0.78, 0.86, 0.95])
    assert len({s["rate"] for s in steps}) >= 5  # a new rate at every step, before any rerun
    assert all(s["run"] == steps[0]["run"] for s in steps)  # …with no round trip to the server
    rescued = 0
    for shown in steps:
        lr = float(shown["rate"])
        epoch, w, b, loss, h = core_end(seattle, lr)
        assert int(shown["epoch"]) == epoch, (shown["rate"], shown["epoch"], epoch)
        for name, want in (("weight", w), ("intercept", b), ("loss", loss)):
            assert float(shown[name]) == pytest.approx(want, rel=1e-6, abs=1e-9), (name, shown["rate"])
        assert shown["marker"] == pytest.approx([w, loss], rel=1e-6, abs=1e-9)
        rescued += lr > seattle.theory.critical_lr and not h.diverged
    assert rescued  # a peak rate above 2/λmax that the decay brings back was drawn mid-drag
    expect(page.locator(STATUS).filter(has_text="The step stays safe")).to_have_count(1)  # not yet rerun
    last = steps[-1]["rate"]  # the strip is drawn a frame after the panels, at the peak rate of the drag
    page.wait_for_function("r => document.querySelector('.dl-live .dl-strip').dataset.rate === r", arg=last,
                           timeout=5_000)
    drawn = page.evaluate("""() => { const gd = document.querySelector('.dl-live .dl-strip');
        return {x: Array.from(gd.data[2].x),
        y: Array.from(gd.data[2].y), critical: gd.data[0].y[0], title: gd.layout.title.text}; }""")
    t = np.asarray(drawn["x"], dtype=np.int64) - 1
    want = np.maximum(float(last) * SCHEDULE.shape(10_000)[t], seattle.theory.critical_lr * 1e-3)
    np.testing.assert_allclose(drawn["y"], want, rtol=1e-15)
    assert drawn["critical"] == seattle.theory.critical_lr and f"peak η = {last}" in drawn["title"]
    page.mouse.up()
    page.wait_for_url(re.compile(f"lr={re.escape(steps[-1]['rate'])}"), timeout=RERUN_TIMEOUT_MS)
    wait_idle(page)
    assert "sched=exponential" in page.url
    expect(page.locator(STATUS).filter(has_text="The step starts too big")).to_have_count(1)
