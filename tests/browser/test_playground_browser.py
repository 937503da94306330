"""The playground (``app.py``) in headless Chromium: what AppTest cannot see.

The chart really renders; Play, Pause and the epoch slider really move the fit line (read from the
plot's ``_fullData``); the keyboard on the learning-rate slider walks the rate past the critical one
and the status turns to "Diverged at epoch"; a link restores its settings; and the README's
screenshot is taken here.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from gd_core.data import make_problem, read_weather_csv

from .conftest import CHART, REPO, RERUN_TIMEOUT_MS, full_data, open_app, plot_eval, wait_idle

N_TRACES = 10
POINTS, LINE, PATH = 0, 2, 5
MOVE_TIMEOUT_MS = 30_000  # an animation frame is 20-160 ms; allow for a busy machine
STATUS = '[data-testid="stMain"] [data-testid="stAlert"]'


# ------------------------------------------------------------------------------------------ helpers


def line_y(page: Page) -> list[float]:
    return plot_eval(page, f"gd => Array.from(gd._fullData[{LINE}].y)")


def slider_step(page: Page) -> int:
    """Index of the epoch slider's active step (the frame shown)."""
    return plot_eval(page, "gd => gd._fullLayout.sliders[0].active")


def n_steps(page: Page) -> int:
    return plot_eval(page, "gd => gd._fullLayout.sliders[0].steps.length")


def animating(page: Page) -> bool:
    return plot_eval(page, "gd => !!gd._transitionData._animationRaf")


def wait_line_moves(page: Page, before: list[float], what: str, timeout_ms: int = MOVE_TIMEOUT_MS) -> int:
    """Wait (checked every animation frame) until the fit line's y differs from ``before``; return
    the epoch slider's step at that moment. Fails with ``what`` in the message on timeout."""
    try:
        handle = page.wait_for_function(
            """([sel, trace, before]) => {
                const gd = document.querySelector(sel);
                const y = gd && gd._fullData && gd._fullData[trace] && gd._fullData[trace].y;
                if (!y) return false;
                const moved = Array.from(y).some((v, k) => Math.abs(v - before[k]) > 1e-9);
                return moved ? {step: gd._fullLayout.sliders[0].active} : false;
            }""", arg=[CHART, LINE, before], polling="raf", timeout=timeout_ms)
    except PlaywrightTimeout:
        pytest.fail(f"{what}: the fit line (trace {LINE}) did not move within {timeout_ms / 1000:.0f} s "
                    f"(y stayed {before}; slider step {slider_step(page)} of {n_steps(page)}).",
                    pytrace=False)
    return handle.json_value()["step"]


def wait_animation_stopped(page: Page, timeout_ms: int = MOVE_TIMEOUT_MS) -> None:
    page.wait_for_function("sel => !document.querySelector(sel)._transitionData._animationRaf",
                           arg=CHART, polling="raf", timeout=timeout_ms)


def button(page: Page, text: str):
    """A Plotly updatemenu button (SVG) by its exact text, e.g. "▶ Play"."""
    return page.locator(".updatemenu-button").filter(has_text=re.compile(rf"^{re.escape(text)}$"))


def sidebar_slider(page: Page, label: str):
    """The ``role=slider`` thumb input of the sidebar slider whose label starts with ``label``."""
    box = page.locator('[data-testid="stSidebar"] [data-testid="stSlider"]').filter(
        has=page.locator('[data-testid="stWidgetLabel"]', has_text=label))
    expect(box).to_have_count(1)
    return box.get_by_role("slider")


def shown_value(page: Page, label: str) -> str:
    box = page.locator('[data-testid="stSidebar"] [data-testid="stSlider"]').filter(
        has=page.locator('[data-testid="stWidgetLabel"]', has_text=label))
    return box.locator('[data-testid="stSliderThumbValue"]').inner_text().strip()


def seattle_critical_rate() -> float:
    """2/λmax of the half-MSE Hessian AᵀA/n, A = [tmax, 1] on Seattle's training split, computed
    here with numpy (the page prints it with two digits only: too coarse to tell 6.13e-03 from it)."""
    problem = make_problem(read_weather_csv(REPO / "data" / "seattle-weather.csv"), ["tmax"],
                           "tmax_tomorrow")
    a = np.column_stack([problem.train.x, np.ones(len(problem.train.y))])
    return 2 / float(np.linalg.eigvalsh(a.T @ a / len(a)).max())


# -------------------------------------------------------------------------------------------- tests


def test_chart_renders_with_its_ten_traces_and_axis_titles(page: Page):
    open_app(page, "/")
    data = full_data(page, 0)
    assert len(data) == N_TRACES
    assert [t["type"] for t in data] == ["scattergl"] + ["scatter"] * (N_TRACES - 1)
    assert len(data[POINTS]["x"]) == len(data[POINTS]["y"]) > 500  # Seattle: ~1,000 training days
    assert len(data[LINE]["x"]) == len(data[LINE]["y"]) == 2
    assert all(isinstance(v, float | int) for v in data[LINE]["y"])

    titles = plot_eval(page, """gd => Object.fromEntries(
        ['xaxis', 'yaxis', 'xaxis2', 'yaxis2', 'xaxis3', 'yaxis3']
            .map(a => [a, gd._fullLayout[a].title.text || '']))""")
    assert "tmax" in titles["xaxis"] and "tmax" in titles["yaxis"], titles
    assert "MSE" in titles["yaxis2"], titles
    assert "weight" in titles["xaxis3"] and "∂J/∂w" in titles["yaxis3"], titles
    # … and they are drawn, not only configured.
    drawn = page.locator(f"{CHART} >> nth=0").locator(".g-xtitle, .g-ytitle, .g-x3title, .g-y2title")
    expect(drawn.first).to_be_visible()
    # WebGL (software, --disable-gpu) drew the scatter.
    expect(page.locator(f"{CHART} >> nth=0").locator(".gl-canvas-context").first).to_be_attached()

    frames = plot_eval(page, "gd => gd._transitionData._frames.length")
    assert 2 <= frames <= 200
    assert n_steps(page) == frames
    assert slider_step(page) == frames - 1, "the page should open on the run's last epoch"
    labels = [button(page, t) for t in ("▶ Play", "▶ Slow", "▶▶ Fast", "❚❚ Pause")]
    for b in labels:
        expect(b).to_have_count(1)
    # The second chart: training and validation loss per epoch.
    assert len(full_data(page, 1)) == 2


def test_play_restarts_from_the_first_epoch_and_moves_the_line(page: Page):
    open_app(page, "/")
    last = n_steps(page) - 1
    before = line_y(page)
    button(page, "▶ Play").click()
    first = wait_line_moves(page, before, "pressing ▶ Play on the opening view (the last epoch)")
    assert first < last // 4, f"Play should restart from the first epoch, its first frame was step {first}"
    # It keeps playing: the line moves again and the slider advances.
    second = wait_line_moves(page, line_y(page), "the animation after its first frame")
    assert second > first
    button(page, "❚❚ Pause").click()
    wait_animation_stopped(page)


def test_pause_holds_the_frame_and_play_resumes_from_it(page: Page):
    open_app(page, "/")
    before = line_y(page)
    button(page, "▶ Slow").click()
    wait_line_moves(page, before, "pressing ▶ Slow")
    button(page, "❚❚ Pause").click()
    wait_animation_stopped(page)
    held_step, held_y = slider_step(page), line_y(page)
    assert 0 <= held_step < n_steps(page) - 1
    # Nothing to wait *for* when checking that nothing happens: give a playing chart time to move.
    page.wait_for_timeout(1_000)
    assert (slider_step(page), line_y(page)) == (held_step, held_y), "the chart moved while paused"
    button(page, "▶ Play").click()
    resumed = wait_line_moves(page, held_y, "pressing ▶ Play after ❚❚ Pause")
    assert resumed > held_step, f"Play after Pause should continue from step {held_step}, got {resumed}"
    button(page, "❚❚ Pause").click()
    wait_animation_stopped(page)


def test_fast_play_ends_on_the_opening_view_and_plays_again(page: Page):
    open_app(page, "/")
    last = n_steps(page) - 1
    opening = line_y(page)
    button(page, "▶▶ Fast").click()
    wait_line_moves(page, opening, "pressing ▶▶ Fast")
    wait_animation_stopped(page, timeout_ms=120_000)
    assert slider_step(page) == last
    assert line_y(page) == pytest.approx(opening, rel=1e-6, abs=1e-6), \
        "the last animation frame should be the figure the page opened on"
    # At the last frame, Play starts over (rather than doing nothing).
    button(page, "▶ Play").click()
    first = wait_line_moves(page, opening, "pressing ▶ Play after the animation reached the end")
    assert first < last // 4
    button(page, "❚❚ Pause").click()
    wait_animation_stopped(page)


def test_epoch_slider_click_and_drag_move_the_line(page: Page):
    open_app(page, "/")
    last = n_steps(page) - 1
    rail = page.locator(f"{CHART} >> nth=0").locator(".slider-rail-touch-rect")
    rail.evaluate("e => e.scrollIntoView({block: 'center'})")
    box = rail.bounding_box()
    y = box["y"] + box["height"] / 2
    before = line_y(page)
    # Click at 40 % of the rail (its left end can sit under the Pause button on narrow screens).
    page.mouse.click(box["x"] + 0.4 * box["width"], y)
    step = wait_line_moves(page, before, "clicking the epoch slider at 40 %")
    assert 0.25 * last < step < 0.55 * last, f"clicked at 40 % of the rail, slider went to step {step}"

    grip = page.locator(f"{CHART} >> nth=0").locator(".slider-grip-rect").bounding_box()
    after_click = line_y(page)
    page.mouse.move(grip["x"] + grip["width"] / 2, grip["y"] + grip["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 0.75 * box["width"], y, steps=8)
    page.mouse.up()
    dragged = wait_line_moves(page, after_click, "dragging the epoch slider to 75 %")
    page.wait_for_function("([sel, s]) => document.querySelector(sel)._fullLayout.sliders[0].active > s",
                           arg=[CHART, step], timeout=MOVE_TIMEOUT_MS)
    assert dragged > step


def test_keyboard_on_the_rate_slider_past_the_critical_rate_diverges(page: Page):
    open_app(page, "/")
    status = page.locator(STATUS).first
    expect(status).not_to_contain_text("Diverged")
    critical = seattle_critical_rate()
    expect(page.locator('[data-testid="stSidebar"]')).to_contain_text(f"critical 2/λmax: {critical:.3e}")
    lr = sidebar_slider(page, "Learning rate")
    lr.focus()
    below = lr.get_attribute("aria-valuetext")
    assert float(below) < critical, f"the page should open below the critical rate {critical}: {below}"
    for _ in range(60):  # the slider has ~24 steps per decade; the default is 0.4 × critical
        lr.press("ArrowRight")
        expect(lr).not_to_have_attribute("aria-valuetext", below, timeout=RERUN_TIMEOUT_MS)
        value = lr.get_attribute("aria-valuetext")
        if float(value) > critical:
            break
        below = value
    else:
        pytest.fail(f"60 × ArrowRight did not take the rate past the critical {critical} (at {value})")
    expect(status).to_contain_text("Diverged at epoch", timeout=RERUN_TIMEOUT_MS)
    wait_idle(page)
    expect(status).to_contain_text(re.compile(r"^Diverged at epoch [\d,]+"))
    expect(page.locator('[data-testid="stMain"] [data-testid="stAlertContentError"]')).to_have_count(1)
    expect(page.locator('[data-testid="stSidebar"]')).to_contain_text("diverging")
    assert shown_value(page, "Learning rate") == value
    assert f"lr={value}" in page.url  # the link carries it

    # One step back, just below the critical rate ({below}), the descent no longer diverges.
    lr.press("ArrowLeft")
    expect(lr).to_have_attribute("aria-valuetext", below, timeout=RERUN_TIMEOUT_MS)
    expect(status).not_to_contain_text("Diverged", timeout=RERUN_TIMEOUT_MS)
    wait_idle(page)
    expect(status).to_contain_text(re.compile(r"^(Converged|Still descending)"))


def test_link_with_parameters_restores_them(page: Page):
    open_app(page, "/?lr=3.2e-03&epochs=300&w0=1.5")
    assert shown_value(page, "Learning rate") == "3.2e-03"
    assert shown_value(page, "Initial weight") == "1.50"
    assert shown_value(page, "Epochs") == "300"
    assert shown_value(page, "Initial bias") == "10.00"  # not in the link: the default
    assert sidebar_slider(page, "Learning rate").get_attribute("aria-valuetext") == "3.2e-03"
    expect(page.locator(STATUS).first).to_contain_text("300 epochs")
    # The values reached the figure: the path starts at w0 and the last frame is epoch 300.
    path = full_data(page, 0)[PATH]
    assert path["x"][0] == pytest.approx(1.5, abs=1e-6)
    assert plot_eval(page, "gd => gd._fullLayout.sliders[0].steps.at(-1).label") == "300"
    for part in ("lr=3.2e-03", "epochs=300", "w0=1.5"):
        assert part in page.url


@pytest.mark.browser_context_args(viewport={"width": 1600, "height": 1000})
def test_screenshot_for_the_readme(page: Page, tmp_path):
    """The README's picture, taken into a temporary folder (``scripts/screenshots.py`` refreshes the
    committed one): the chart is on screen, whole, after the first run."""
    open_app(page, "/")
    page.evaluate("document.fonts.ready.then(() => true)")
    expect(page.locator(STATUS).first).to_contain_text(re.compile(r"^Converged"))
    page.mouse.move(0, 0)  # no hover label on the chart
    shot = tmp_path / "playground.png"
    page.screenshot(path=str(shot))
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (1600, 1000)
    # The charts were on screen, not a spinner: the whole three-panel chart is in the viewport.
    chart = page.locator('[data-testid="stPlotlyChart"]').first.bounding_box()
    assert chart["y"] >= 0 and chart["y"] + chart["height"] <= 1000, chart
