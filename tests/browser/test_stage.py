"""The stage, in headless Chromium: the whole experiment on the screen it is shown on.

Presenter mode at 1280×720, 1366×768 and 1920×1080, converged, diverged (a rate past the critical one)
and after "predict first" and Reveal: the three panels with every tick label and title, the rate
control, Play and the scrubber and the status sentence all lie inside the window, with nothing
scrolled; the chart's size does not depend on the status. A phone (390×844, touch): the rate control
and at least half of panel (a)'s plot area in view together, a touch drag redraws the chart in view,
the page does not jump when the status changes on release, − / + step the rate, a diverged chart keeps
every text inside its box and the screen, and ``?present=1`` keeps the phone's layout.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .conftest import LIVE, RERUN_TIMEOUT_MS, open_app, wait_idle

SIZES = [(1280, 720), (1366, 768), (1920, 1080)]
PHONE = {"width": 390, "height": 844}
PAST_CRITICAL = "7.0e-03"  # Seattle's critical rate is 6.13e-03: η·λmax ≈ 2.3, it diverges
STATE = {"converged": "/?present=1", "diverged": f"/?present=1&lr={PAST_CRITICAL}",
         "revealed": "/?present=1&predict=true"}
LIVE_ROOT = '[data-testid="descent-live"]'
NAMED = {"status": '[data-testid="descent-status"]', "rate": f'{LIVE_ROOT} [data-role="rate"]',
         "play": f'{LIVE_ROOT} [data-role="play"]', "frame": f'{LIVE_ROOT} [data-role="frame"]',
         "chart": f'{LIVE_ROOT} .dl-plot'}

# Every box the checks need, in window coordinates: the named elements, each panel's plot area, and
# every non-empty text of the chart's SVG (tick labels, axis and panel titles, notes).
BOXES_JS = """(named) => {
    const rect = (e) => { const b = e.getBoundingClientRect();
        return {left: b.left, top: b.top, right: b.right, bottom: b.bottom, width: b.width,
                height: b.height}; };
    const out = {named: {}, texts: [], panels: {}};
    for (const [name, sel] of Object.entries(named)) {
        const e = document.querySelector(sel); out.named[name] = e ? rect(e) : null; }
    const gd = document.querySelector('[data-testid="descent-live"] .dl-plot');
    const fl = gd && gd._fullLayout, g = gd.getBoundingClientRect();
    for (const [name, x, y] of [["a", "xaxis", "yaxis"], ["b", "xaxis2", "yaxis2"],
                                ["c", "xaxis3", "yaxis3"]])
        out.panels[name] = {left: g.left + fl[x]._offset, right: g.left + fl[x]._offset + fl[x]._length,
                            top: g.top + fl[y]._offset, bottom: g.top + fl[y]._offset + fl[y]._length};
    out.texts = [...gd.querySelectorAll('svg text')]
        .filter(t => t.textContent.trim() && t.getBBox().width > 0)
        .map(t => ({text: t.textContent.trim().slice(0, 40), ...rect(t)}));
    out.chart = rect(document.querySelector('[data-testid="descent-live"]'));
    const main = document.querySelector('[data-testid="stMain"]');
    out.scrollY = window.scrollY; out.mainScroll = main ? main.scrollTop : 0;
    out.window = {width: window.innerWidth, height: window.innerHeight};
    return out;
}"""


def boxes(page: Page) -> dict:
    return page.evaluate(BOXES_JS, NAMED)


def inside(box: dict, outer: dict, slack: float = 1.0) -> bool:
    right = outer.get("right", outer.get("width"))
    bottom = outer.get("bottom", outer.get("height"))
    return (box["left"] >= outer.get("left", 0) - slack and box["top"] >= outer.get("top", 0) - slack
            and box["right"] <= right + slack and box["bottom"] <= bottom + slack)


def reveal(page: Page, guess: str = "oscillate") -> None:
    page.locator('[data-testid="stRadio"]').get_by_text(guess, exact=True).first.click()
    page.get_by_role("button", name="Reveal").click()
    page.wait_for_selector(LIVE, timeout=RERUN_TIMEOUT_MS)
    wait_idle(page)


def settle(page: Page) -> None:
    page.evaluate("document.fonts.ready.then(() => true)")
    page.wait_for_timeout(600)  # a resize or font swap redraws once more
    wait_idle(page)


@pytest.mark.slow
@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_presenter_mode_is_a_stage_that_fits_the_window(browser, base_url, size):
    """Each state at each size: every named element and every chart text inside the window, unscrolled;
    the same chart size whatever the status says."""
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height}, base_url=base_url)
    charts = {}
    try:
        for state, path in STATE.items():
            page = context.new_page()
            if state == "revealed":  # the question first: no chart until the class has guessed
                page.goto(path, wait_until="domcontentloaded")
                page.wait_for_selector('[data-testid="stRadio"]', timeout=RERUN_TIMEOUT_MS)
                wait_idle(page)
                reveal(page)
            else:
                open_app(page, path)
            if state == "revealed":
                expect(page.locator(NAMED["status"])).to_contain_text("you said “oscillate”")
            settle(page)
            b = boxes(page)
            assert b["scrollY"] == 0 and b["mainScroll"] == 0, (state, b["scrollY"], b["mainScroll"])
            for name, box in b["named"].items():
                assert box is not None, (state, name)
                assert inside(box, b["window"]), (state, name, box, b["window"])
            for name, panel in b["panels"].items():
                assert inside(panel, b["window"]), (state, name, panel)
                assert panel["bottom"] - panel["top"] >= 100, (state, name, panel)
            outside = [t for t in b["texts"] if not inside(t, b["window"])]
            assert outside == [], (state, outside)
            assert len(b["texts"]) >= 20  # tick labels, three panel titles, axis titles
            text = page.locator(NAMED["status"]).inner_text()
            assert not text.startswith(("η", "|")) and "η·λmax" not in text  # plain words, numbers behind
            charts[state] = (round(b["named"]["chart"]["top"]), round(b["named"]["chart"]["height"]))
            page.close()
    finally:
        context.close()
    assert len(set(charts.values())) == 1, charts  # a longer (diverged, revealed) status moves nothing
    top, plot = charts["converged"]
    assert top + plot <= height and plot >= height - 330, charts  # the chart takes the height left


@pytest.mark.slow
@pytest.mark.browser_context_args(viewport=PHONE, has_touch=True, is_mobile=True)
def test_on_a_phone_the_rate_and_panel_a_are_in_view_together_and_a_touch_drag_redraws(page: Page):
    open_app(page, "/")
    settle(page)
    rate = page.locator(NAMED["rate"])

    def visible_share() -> float:
        b = boxes(page)
        a, w = b["panels"]["a"], b["window"]
        r = b["named"]["rate"]
        assert -1 <= r["top"] and r["bottom"] <= w["height"] + 1, r  # the control itself in view
        seen = max(0.0, min(a["bottom"], w["height"]) - max(a["top"], 0.0))
        return seen / (a["bottom"] - a["top"])

    assert visible_share() >= 0.5  # as the page opens
    for block in ("start", "center", "end"):  # wherever a thumb brings the control into view
        rate.evaluate(f"e => e.scrollIntoView({{block: '{block}'}})")
        page.wait_for_timeout(200)
        assert visible_share() >= 0.5, block
    rate.evaluate("e => e.scrollIntoView({block: 'center'})")
    page.wait_for_timeout(200)

    # A touch drag along the rate slider (Chrome DevTools' touch events: a real finger's path).
    box = rate.bounding_box()
    y = box["y"] + box["height"] / 2
    start = float(page.evaluate("() => document.querySelector('.dl-live [data-role=rate]').value"))
    x0 = box["x"] + box["width"] * (start / float(rate.get_attribute("max")))
    cdp = page.context.new_cdp_session(page)
    before = page.evaluate("() => document.querySelector('.dl-live').dataset.drawnKey")
    top_before = rate.bounding_box()["y"]
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x0, "y": y}]})
    drawn = set()
    for k in range(1, 9):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove",
                                              "touchPoints": [{"x": x0 + k * 9, "y": y}]})
        page.wait_for_timeout(60)
        drawn.add(page.evaluate("() => document.querySelector('.dl-live').dataset.drawnKey"))
        assert visible_share() >= 0.5  # the chart stays in view while the finger moves
    assert len(drawn - {before}) >= 2, drawn  # redrawn during the drag, before any rerun
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    moved = page.evaluate("() => document.querySelector('.dl-live').dataset.rate")
    expect(page.locator(NAMED["status"])).to_be_visible()
    page.wait_for_function("r => location.search.includes('lr=' + r)", arg=moved, timeout=RERUN_TIMEOUT_MS)
    wait_idle(page)
    page.wait_for_timeout(300)
    assert abs(rate.bounding_box()["y"] - top_before) <= 1  # the page did not jump under the finger


@pytest.mark.slow
@pytest.mark.browser_context_args(viewport=PHONE, has_touch=True, is_mobile=True)
def test_on_a_phone_the_nudge_buttons_step_the_rate(page: Page):
    open_app(page, "/")
    rate = page.locator(NAMED["rate"])
    start = int(rate.input_value())
    plus = page.get_by_role("button", name="larger learning rate (one step)")
    assert plus.bounding_box()["width"] >= 44 and plus.bounding_box()["height"] >= 44  # a finger's target
    plus.tap()
    plus.tap()
    assert int(rate.input_value()) == start + 2
    label = page.evaluate("() => document.querySelector('.dl-live').dataset.rate")
    page.wait_for_function("r => location.search.includes('lr=' + r)", arg=label, timeout=RERUN_TIMEOUT_MS)
    wait_idle(page)
    page.get_by_role("button", name="smaller learning rate (one step)").tap()
    assert int(rate.input_value()) == start + 1


@pytest.mark.slow
@pytest.mark.parametrize("query", ["", "&present=1"], ids=["normal", "present"])
@pytest.mark.browser_context_args(viewport=PHONE, has_touch=True, is_mobile=True)
def test_a_diverged_chart_on_a_phone_keeps_every_text_inside(page: Page, query: str):
    """Notes, titles and tick labels inside the chart's box and the screen; ``?present=1`` on a phone is the
    phone's layout (normal type, stacked panels), not the projector's."""
    open_app(page, f"/?lr={PAST_CRITICAL}{query}")
    settle(page)
    expect(page.locator(NAMED["status"])).to_contain_text("Too big a step")
    page.locator(NAMED["chart"]).evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(200)
    b = boxes(page)
    texts = b["texts"]
    assert any("diverged at epoch" in t["text"] for t in texts)
    clipped = [t for t in texts
               if not inside(t, b["chart"]) or t["left"] < 0 or t["right"] > PHONE["width"]]
    assert clipped == [], clipped
    note = page.locator(".dl-live .dl-note")
    if note.inner_text():  # the "line leaves the chart" note over panel (a)
        n = note.bounding_box()
        assert inside({"left": n["x"], "top": n["y"], "right": n["x"] + n["width"],
                       "bottom": n["y"] + n["height"]}, b["chart"]), n
    # overlapping texts would be unreadable: no two of them share pixels
    overlaps = [(s["text"], t["text"]) for i, s in enumerate(texts) for t in texts[i + 1:]
                if s["left"] < t["right"] - 1 and t["left"] < s["right"] - 1
                and s["top"] < t["bottom"] - 1 and t["top"] < s["bottom"] - 1]
    assert overlaps == [], overlaps
    root = page.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert root < 20  # not the projector's 21-px type
    assert b["panels"]["a"]["right"] - b["panels"]["a"]["left"] >= 250  # panels stacked, full width


@pytest.mark.slow
@pytest.mark.parametrize("path", ["/Learning_Rate_Lab?present=1", "/Loss_Landscape?present=1",
                                  "/Step_Through?present=1&step_part=epochs&step_epoch=3"],
                         ids=["lab", "landscape", "step-through"])
def test_presenter_mode_on_every_page_has_its_controls_and_no_hidden_sidebar(page: Page, path: str):
    open_app(page, path)
    main = page.locator('[data-testid="stMain"]')
    expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden()
    assert "sidebar" not in main.inner_text().lower()  # no text points at what presenter mode hides
    assert page.evaluate("() => window.scrollY") == 0
    menu = page.get_by_role("button", name="Menu")
    box = menu.bounding_box()
    assert box and box["y"] + box["height"] <= 720  # one tap away, on the first screen
    menu.click()
    popover = page.locator('[data-testid="stPopoverBody"]')
    expect(popover).to_be_visible()
    expect(popover.get_by_text("Standardise features")).to_be_visible()
    if "Landscape" in path:
        expect(popover.get_by_text("Start weight of tmax")).to_be_visible()
        expect(popover.get_by_text("Gradient descent η (× critical)")).to_be_visible()
    else:
        expect(popover.get_by_text("Learning rate η (log scale)")).to_be_visible()
        expect(popover.get_by_text("Initial weight of tmax")).to_be_visible()
    expect(popover.get_by_role("button", name="Exit")).to_be_visible()


@pytest.mark.slow
@pytest.mark.browser_context_args(viewport={"width": 1366, "height": 768})
def test_the_stage_follows_a_smaller_window(page: Page):
    """A laptop plugged into a projector: 1366×768 → 1280×720 and the stage still fits, unscrolled."""
    open_app(page, f"/?present=1&lr={PAST_CRITICAL}")
    settle(page)
    tall = boxes(page)["named"]["chart"]["height"]
    page.set_viewport_size({"width": 1280, "height": 720})
    page.wait_for_function("h => document.querySelector('[data-testid=descent-live] .dl-plot')"
                           ".getBoundingClientRect().height < h - 20", arg=tall, timeout=10_000)
    settle(page)
    b = boxes(page)
    assert b["scrollY"] == 0 and b["mainScroll"] == 0
    for name, box in b["named"].items():
        assert inside(box, b["window"]), (name, box)
    assert [t for t in b["texts"] if not inside(t, b["window"])] == []
