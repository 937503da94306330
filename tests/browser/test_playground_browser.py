"""The playground (``app.py``) in headless Chromium: what AppTest cannot see.

The live chart really renders and follows its sliders *while they move*: at every mid-drag step and
every arrow-key step, the fit line and the point on the loss curve drawn in the page (read from the
chart's ``_fullData`` and the numbers it publishes, not from pixels) are the core's numbers for that
rate and start to 1e-6. Releasing the slider reruns the page once: status sentence and URL follow.
Play, Pause and the epoch scrubber work from the mouse and the keyboard; the sidebar's keyboard walks
the rate past the critical one; a link restores its settings.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from gd_core.data import make_problem, read_weather_csv

from .conftest import LIVE, REPO, RERUN_TIMEOUT_MS, open_app, wait_idle

N_TRACES = 7  # the optimum's line, then the spec's moving traces (gd_ui/chart/spec.py: MOVING)
OPTIMUM, LINE, MARKER = 0, 1, 4
STATUS = '[data-testid="descent-status"]'
W0, B0, EPOCHS = -0.5, 10.0, 10_000  # the page's defaults


@pytest.fixture(scope="module")
def seattle():
    from gd_core.experiment import Experiment

    problem = make_problem(read_weather_csv(REPO / "data" / "seattle-weather.csv"), ["tmax"], "tmax_tomorrow")
    return Experiment.build(problem)


def core_end(exp, lr: float, w0: float = W0, b0: float = B0, epochs: int = EPOCHS):
    """The last recorded epoch of the core's run (original units): epoch, weight, intercept, loss."""
    h = exp.history_in_original_units(exp.run(np.array([w0]), b0, lr=lr, epochs=epochs, max_points=200))
    return int(h.epochs[-1]), float(h.weights[-1, 0]), float(h.bias[-1]), float(h.train_loss[-1])


def drawn(page: Page) -> dict:
    """What the live chart shows now: its published numbers and its drawn traces."""
    return page.evaluate("""([sel, li, mi]) => {
        const root = document.querySelector('.dl-live'), gd = document.querySelector(sel);
        const line = gd._fullData[li], marker = gd._fullData[mi];
        return {...root.dataset, line_x: Array.from(line.x), line_y: Array.from(line.y),
                marker: [marker.x[0], marker.y[0]], traces: gd._fullData.length};
    }""", [LIVE, LINE, MARKER])


def assert_is_the_core(exp, shown: dict, w0: float = W0, b0: float = B0) -> None:
    lr = float(shown["rate"])
    epoch, w, b, loss = core_end(exp, lr, w0, b0)
    assert int(shown["epoch"]) == epoch, (shown["rate"], shown["epoch"], epoch)
    for name, want in (("weight", w), ("intercept", b), ("loss", loss)):
        assert float(shown[name]) == pytest.approx(want, rel=1e-6, abs=1e-9), (name, shown["rate"])
    assert shown["marker"] == pytest.approx([w, loss], rel=1e-6, abs=1e-9)  # the point on the loss curve
    (x1, x2), (y1, y2) = shown["line_x"], shown["line_y"]
    if x1 is not None:  # the drawn fit line is ŷ = w·x + b (clipped to the data's box)
        assert (y2 - y1) / (x2 - x1) == pytest.approx(w, rel=1e-6)
        assert y1 - w * x1 == pytest.approx(b, rel=1e-6, abs=1e-6 * max(1.0, abs(w) * abs(x1)))


def live_input(page: Page, role: str):
    return page.locator(f'.dl-live [data-role="{role}"]')


def drag_steps(page: Page, role: str, fractions) -> list[dict]:
    """Hold the live slider's thumb and move it through ``fractions`` of its track; what the chart drew
    at each step, before the pointer is released."""
    box = live_input(page, role).bounding_box()
    y = box["y"] + box["height"] / 2
    value = float(live_input(page, role).input_value())
    lo, hi = (float(live_input(page, role).get_attribute(a)) for a in ("min", "max"))
    start_x = box["x"] + 8 + (box["width"] - 16) * (value - lo) / (hi - lo)
    page.mouse.move(start_x, y)
    page.mouse.down()
    seen, previous = [], page.evaluate("() => document.querySelector('.dl-live').dataset.want")
    for fraction in fractions:
        page.mouse.move(box["x"] + 8 + (box["width"] - 16) * fraction, y)
        page.wait_for_function("p => { const d = document.querySelector('.dl-live').dataset;"
                               " return d.want !== p && d.drawnKey === d.want; }", arg=previous,
                               timeout=10_000)
        seen.append(drawn(page))
        previous = seen[-1]["want"]
    return seen


# -------------------------------------------------------------------------------------------- tests


def test_live_chart_renders_with_its_traces_real_sliders_and_titles(page: Page):
    open_app(page, "/")
    shown = drawn(page)
    assert shown["traces"] == N_TRACES
    for name in ("learning rate", "initial weight", "initial bias", "epoch shown"):
        expect(page.get_by_role("slider", name=re.compile(name, re.I)).and_(
            page.locator(".dl-live input"))).to_have_count(1)
    expect(page.locator('[data-testid="stMain"] .dl-live')).to_have_count(1)  # in the main area
    expect(page.get_by_role("button", name=re.compile("Play"))).to_be_visible()
    titles = page.evaluate("""sel => {const l = document.querySelector(sel)._fullLayout;
        return ['xaxis', 'yaxis', 'yaxis2', 'xaxis3', 'yaxis3'].map(a => l[a].title.text)}""", LIVE)
    assert "tmax" in titles[0] and "MSE" in titles[2] and "∂J/∂w" in titles[4]
    description = page.locator(".dl-plot").get_attribute("aria-describedby")
    expect(page.locator(f"#{description}")).to_contain_text("Chart summary:")


def test_dragging_the_rate_redraws_the_core_numbers_at_every_step(page: Page, seattle):
    open_app(page, "/")
    steps = drag_steps(page, "rate", [0.55, 0.62, 0.7, 0.78, 0.86, 0.95])
    assert len({s["rate"] for s in steps}) >= 5  # every step drew a new rate, before any rerun
    assert all(s["run"] == steps[0]["run"] for s in steps)  # …with no round trip to the server
    for shown in steps:
        assert_is_the_core(seattle, shown)
    assert any(float(s["loss"]) > 1e6 for s in steps)  # it went past the critical rate, drawn to the end
    page.mouse.up()
    last = steps[-1]["rate"]
    expect(page.locator(STATUS).first).to_contain_text("Too big a step", timeout=RERUN_TIMEOUT_MS)
    wait_idle(page)
    assert f"lr={last}" in page.url
    thumb = page.locator('[data-testid="stSidebar"] [data-testid="stSlider"]').filter(
        has_text="Learning rate").get_by_role("slider")
    expect(thumb).to_have_attribute("aria-valuetext", last)


def test_dragging_the_initial_weight_redraws_the_core_numbers(page: Page, seattle):
    open_app(page, "/")
    steps = drag_steps(page, "w0", [0.2, 0.35, 0.5, 0.7, 0.9])
    for shown in steps:
        assert_is_the_core(seattle, shown, w0=float(shown["w0"]))
    assert len({s["w0"] for s in steps}) == len(steps)
    page.mouse.up()
    expect(page.locator('[data-testid="stSidebar"]')).to_contain_text(f"{float(steps[-1]['w0']):.2f}",
                                                                        timeout=RERUN_TIMEOUT_MS)
    wait_idle(page)
    assert f"w0={float(steps[-1]['w0']):g}" in page.url


def test_arrow_keys_move_one_grid_step_and_the_chart_follows(page: Page, seattle):
    open_app(page, "/")
    rate = live_input(page, "rate")
    rate.focus()
    before = drawn(page)
    index = int(rate.input_value())
    for k in range(1, 4):
        rate.press("ArrowRight")
        page.wait_for_function("v => { const d = document.querySelector('.dl-live').dataset;"
                               " return d.rate !== v && d.drawnKey === d.want; }", arg=before["rate"])
        shown = drawn(page)
        assert int(rate.input_value()) == index + k
        assert_is_the_core(seattle, shown)
        before = shown
    expect(page.locator('[data-testid="stSidebar"] [data-testid="stSlider"]').filter(
        has_text="Learning rate").get_by_role("slider")).to_have_attribute(
        "aria-valuetext", before["rate"], timeout=RERUN_TIMEOUT_MS)  # committed once the keys stop


def test_play_pause_and_the_scrubber_work_from_the_keyboard(page: Page):
    open_app(page, "/")
    frame = live_input(page, "frame")
    last = int(frame.get_attribute("max"))
    assert int(frame.input_value()) == last  # the page opens on the run's last epoch
    play = page.get_by_role("button", name=re.compile("Play"))
    play.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("last => { const v = Number("
                           "document.querySelector('.dl-live [data-role=frame]').value);"
                           " return v > 2 && v < last / 2; }", arg=last)  # restarted from epoch 0, moving
    page.keyboard.press("Enter")  # Pause
    held = int(frame.input_value())
    assert 0 < held < last
    page.wait_for_timeout(500)
    assert int(frame.input_value()) == held  # paused: nothing moves
    frame.focus()
    for _ in range(3):
        frame.press("ArrowLeft")
    assert int(frame.input_value()) == held - 3
    assert int(page.evaluate("() => document.querySelector('.dl-live').dataset.epoch")) < EPOCHS


def test_keyboard_on_the_sidebar_rate_slider_past_the_critical_rate_diverges(page: Page):
    open_app(page, "/")
    status = page.locator(STATUS).first
    expect(status).not_to_contain_text("Too big a step")
    problem = make_problem(read_weather_csv(REPO / "data" / "seattle-weather.csv"), ["tmax"], "tmax_tomorrow")
    a = np.column_stack([problem.train.x, np.ones(len(problem.train.y))])
    critical = 2 / float(np.linalg.eigvalsh(a.T @ a / len(a)).max())
    lr = page.locator('[data-testid="stSidebar"] [data-testid="stSlider"]').filter(
        has_text="Learning rate").get_by_role("slider")
    lr.focus()
    below = lr.get_attribute("aria-valuetext")
    for _ in range(60):  # ~24 steps per decade; the default is 0.4 × critical
        lr.press("ArrowRight")
        expect(lr).not_to_have_attribute("aria-valuetext", below, timeout=RERUN_TIMEOUT_MS)
        value = lr.get_attribute("aria-valuetext")
        if float(value) > critical:
            break
        below = value
    else:
        pytest.fail(f"60 × ArrowRight did not take the rate past the critical {critical} (at {value})")
    expect(status).to_contain_text("Too big a step", timeout=RERUN_TIMEOUT_MS)
    wait_idle(page)
    assert page.evaluate("() => document.querySelector('.dl-live').dataset.rate") == value  # chart followed
    assert f"lr={value}" in page.url


def test_link_with_parameters_restores_them(page: Page):
    open_app(page, "/?lr=3.2e-03&epochs=300&w0=1.5")
    shown = drawn(page)
    assert shown["rate"] == "3.2e-03" and float(shown["w0"]) == 1.5 and shown["epoch"] == "300"
    expect(page.locator(STATUS).first).to_contain_text("after 300 steps")
    for part in ("lr=3.2e-03", "epochs=300", "w0=1.5"):
        assert part in page.url


@pytest.mark.browser_context_args(viewport={"width": 1600, "height": 1000})
def test_screenshot_for_the_readme(page: Page, tmp_path):
    """The README's picture, taken into a temporary folder (``scripts/screenshots.py`` refreshes the
    committed one): the whole chart is on screen after the first run."""
    open_app(page, "/")
    page.evaluate("document.fonts.ready.then(() => true)")
    expect(page.locator(STATUS).first).to_contain_text(re.compile(r"reached the best fit\.$"))
    shot = tmp_path / "playground.png"
    page.screenshot(path=str(shot))
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert (int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")) == (1600, 1000)


def test_leaving_a_linked_off_grid_rate_redraws_the_whole_page_with_the_new_grid(page: Page, seattle):
    """A link's own rate (3.33e-03, off the slider's grid) is one of the slider's options only while it is
    chosen: one step away, the grid changes, and with it the rate table, which only a whole run (not the
    rate's fragment) draws. The chart then shows the core's run at the new rate, from the new table."""
    open_app(page, "/?lr=3.33e-03")
    assert drawn(page)["rate"] == "3.33e-03"
    lr = page.locator('[data-testid="stSidebar"] [data-testid="stSlider"]').filter(
        has_text="Learning rate").get_by_role("slider")
    lr.focus()
    lr.press("ArrowRight")
    expect(lr).not_to_have_attribute("aria-valuetext", "3.33e-03", timeout=RERUN_TIMEOUT_MS)
    wait_idle(page)
    value = lr.get_attribute("aria-valuetext")
    page.wait_for_function("v => { const d = document.querySelector('.dl-live').dataset;"
                           " return d.rate === v && d.drawnKey === d.want; }", arg=value,
                           timeout=RERUN_TIMEOUT_MS)
    assert_is_the_core(seattle, drawn(page))
    grid = page.evaluate("() => { const G = window.__descentLab, d = document.querySelector('.dl-live');"
                         " return G.tables.get(d.dataset.table).rates; }")
    assert "3.33e-03" not in grid and value in grid
