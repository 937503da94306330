"""Every screen: phone, laptop, projector, keyboard and screen reader, in headless Chromium.

axe-core finds no serious or critical violation on any page at 1280×720 or 390×844; on a phone every
plotted axis is long enough to read; ten Tab presses reach the learning rate; with reduced motion
nothing moves by itself but Play still plays; the lesson fits 1280×720 and the projector without
anything scrolling sideways; the Data page's gap choice survives a station change.
"""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from .conftest import LIVE, LOAD_TIMEOUT_MS, RERUN_TIMEOUT_MS, open_app, wait_idle

PAGES = ["/", "/Data", "/Learning_Rate_Lab", "/Loss_Landscape", "/Step_Through?step_part=epochs&step_epoch=3"]
PHONE = {"width": 390, "height": 844}
AXES_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].flatMap(gd =>
    Object.keys(gd._fullLayout || {}).filter(k => /^[xy]axis\\d*$/.test(k))
        .map(k => [k, gd._fullLayout[k]._length]))"""
OVERFLOW_JS = """() => [...document.querySelectorAll('[data-testid="stMain"] *')]
    .filter(e => e.clientWidth > 2 && e.scrollWidth > e.clientWidth + 1)  // not the screen readers' 1-px text
    .filter(e => !e.closest('.js-plotly-plot'))  // Plotly's own layers are clipped by design
    .map(e => `${e.tagName}.${String(e.className).slice(0, 50)} ${e.scrollWidth}>${e.clientWidth}`)"""
APP = '[data-testid="stApp"]'


def visit(page: Page, path: str) -> None:
    """Open ``path`` and wait for its first run to end (pages without charts too)."""
    page.goto(path, wait_until="domcontentloaded", timeout=LOAD_TIMEOUT_MS)
    page.wait_for_function("() => ['notRunning'].includes(document.querySelector('[data-testid=stApp]')"
                           "?.dataset.testScriptState)", timeout=LOAD_TIMEOUT_MS)
    for _ in range(2):  # the first run can be followed by a second (the URL's bound parameters): settle
        wait_idle(page)
        page.wait_for_timeout(1000)
    wait_idle(page)


def serious(page: Page) -> list[str]:
    result = Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']} "
            f"{v['nodes'][0].get('failureSummary', '')[:200]}"
            for v in result.response["violations"] if v["impact"] in ("serious", "critical")]


# axe-core does not check SVG text: every visible text of every Plotly chart (titles, ticks, legends,
# annotations, labels inside the plot) against white, WCAG's contrast ratio.
CHART_TEXT_JS = """() => {
    const lum = c => { const v = c / 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    const ratio = rgb => { const [r, g, b] = rgb.match(/[\\d.]+/g).map(Number);
        return 1.05 / (0.2126 * lum(r) + 0.7152 * lum(g) + 0.0722 * lum(b) + 0.05); };
    return [...document.querySelectorAll('.js-plotly-plot text')]
        .filter(t => t.textContent.trim() && t.getBBox().width > 0)
        .map(t => { const cs = getComputedStyle(t), alpha = Number(cs.fillOpacity) * Number(cs.opacity);
            return [t.textContent.trim().slice(0, 40), cs.fill, alpha]; })
        .filter(([, fill, a]) => fill.startsWith("rgb") && a > 0 && (a < 1 || ratio(fill) < 4.5));
}"""


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_accessibility_violation_on_a_laptop(page: Page, path: str):
    visit(page, path)
    assert serious(page) == []
    assert page.evaluate(CHART_TEXT_JS) == []  # chart text at ≥ 4.5:1 on white


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.browser_context_args(viewport=PHONE)
def test_on_a_phone_no_violation_and_every_axis_is_long_enough(page: Page, path: str):
    visit(page, path)
    assert serious(page) == []
    axes = page.evaluate(AXES_JS)
    short = [(name, round(length)) for name, length in axes
             if length < (250 if name.startswith("x") else 150)]
    assert short == [], f"axes too short to read on a 390-px phone: {short}"
    if path == "/":
        assert len(axes) >= 6  # the three panels, stacked


@pytest.mark.browser_context_args(viewport=PHONE)
def test_the_data_page_preview_on_a_phone(page: Page, tmp_path):
    path = tmp_path / "phone.csv"
    path.write_text("date,tmax,tmin,rain\n" + "".join(
        f"2021-{m:02d}-{d:02d},{12 + (m * 7 + d * 3) % 17},{4 + (m + d) % 9},0.{d % 3}\n"
        for m in range(1, 7) for d in range(1, 29)))
    visit(page, "/Data")
    page.locator('[data-testid="stFileUploader"] input[type=file]').set_input_files(str(path))
    expect(page.locator('[data-testid="stMain"]')).to_contain_text("What was detected",
                                                                    timeout=RERUN_TIMEOUT_MS)
    wait_idle(page)
    assert serious(page) == []
    short = [(n, round(v)) for n, v in page.evaluate(AXES_JS) if v < (250 if n.startswith("x") else 150)]
    assert short == []


def test_ten_tab_presses_reach_the_learning_rate(page: Page):
    open_app(page, "/")
    page.evaluate("() => { document.activeElement?.blur(); window.scrollTo(0, 0); }")  # from the top
    for presses in range(1, 11):  # noqa: B007 (read after the loop)
        page.keyboard.press("Tab")
        name = page.evaluate("() => { const e = document.activeElement;"
                             " return (e.getAttribute('aria-label') || e.closest('[data-testid=stSlider]')"
                             "?.innerText || e.innerText || '').slice(0, 60); }")
        if re.search(r"learning rate", name, re.I):
            break
    else:
        pytest.fail("the learning-rate control is more than 10 Tab presses from the top")
    focused = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle + ' ' +"
                            " getComputedStyle(document.activeElement).boxShadow")
    assert presses <= 10 and focused  # and its focus is drawn


def test_links_and_buttons_show_their_focus(page: Page):
    open_app(page, "/")
    for link in (page.locator('[data-testid="stSidebarNav"] a, [data-testid="stPageLink"] a').first,
                 page.get_by_role("link", name=re.compile(r"^crawl")).first):
        link.focus()
        style = link.evaluate("e => [getComputedStyle(e).outlineStyle, getComputedStyle(e).outlineWidth]")
        assert style[0] != "none" and style[1] != "0px", style


@pytest.mark.browser_context_args(reduced_motion="reduce")
def test_with_reduced_motion_nothing_moves_by_itself_but_play_still_plays(page: Page):
    open_app(page, "/")
    frame = page.locator('.dl-live [data-role="frame"]')
    before = frame.input_value()
    page.wait_for_timeout(1500)
    assert frame.input_value() == before  # no autoplay
    page.get_by_role("button", name=re.compile("Play")).click()
    page.wait_for_function("v => document.querySelector('.dl-live [data-role=frame]').value !== v",
                           arg=before, timeout=10_000)
    page.get_by_role("button", name=re.compile("Pause")).click()


@pytest.mark.parametrize("query", ["", "&present=1"])
def test_the_lesson_fits_1280_by_720_and_the_projector(page: Page, query: str):
    open_app(page, f"/Step_Through?step_part=epochs&step_epoch=4{query}")
    page.wait_for_selector(LIVE, timeout=LOAD_TIMEOUT_MS)
    wait_idle(page)
    assert page.evaluate(OVERFLOW_JS) == []  # nothing wider than its container, nothing scrolls sideways
    updates = page.locator(".katex-display").filter(has_text="←")
    expect(updates).to_have_count(2)  # w and b
    for k in range(2):
        equation = updates.nth(k)
        equation.scroll_into_view_if_needed()
        box, main = equation.bounding_box(), page.locator('[data-testid="stMain"]').bounding_box()
        assert box["x"] >= main["x"] and box["x"] + box["width"] <= main["x"] + main["width"] + 1
        assert 0 <= box["y"] and box["y"] + box["height"] <= 720  # the new w and b are on screen


def test_the_gap_choice_survives_a_station_change(page: Page, tmp_path):
    rows = "".join(f'"{s}","2021-01-{d:02d}","{10 + d % 7}","{2 + d % 5}","0.{d % 3}"\n'
                   for s in ("USW0001", "USW0002") for d in range(1, 29) if not (s == "USW0002" and d == 9))
    path = tmp_path / "two-stations.csv"
    path.write_text('"STATION","DATE","TMAX","TMIN","PRCP"\n' + rows)
    visit(page, "/Data")
    page.locator('[data-testid="stFileUploader"] input[type=file]').set_input_files(str(path))
    main = page.locator('[data-testid="stMain"]')
    expect(main).to_contain_text("What was detected", timeout=RERUN_TIMEOUT_MS)
    wait_idle(page)
    page.get_by_text("Correct the detection").click()
    station, option = page.get_by_role("combobox", name=re.compile("Station")), page.get_by_role(
        "option", name="USW0002")
    for _ in range(4):  # a click while the page settles can leave the list closed: open it again
        station.click()
        try:
            expect(option).to_be_visible(timeout=5000)
            break
        except AssertionError:
            wait_idle(page)
    option.click()
    expect(main).to_contain_text("USW0002", timeout=RERUN_TIMEOUT_MS)
    wait_idle(page)
    checked = page.locator('[data-testid="stRadio"]').get_by_role("radio", checked=True)
    expect(checked).to_have_count(1)
    expect(checked).to_have_accessible_name(re.compile("forward-fill"))
