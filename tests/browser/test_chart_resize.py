"""The live chart follows its container's size at once, every layer of it (issue 18): after a window
change under a drawn chart — a laptop plugged into a projector (1366×768 → 1280×720), a projector's
window shrunk to a phone's (1280×720 → 390×844) — every layer (SVG, and any canvas) of both plots, the
chart and the data points under it, lies inside its plot and has its plot's size, and the points are
drawn inside panel (a); nothing needs a reload."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from .conftest import open_app

LAYERS = """() => [...document.querySelectorAll('.dl-live .js-plotly-plot')].map((gd) => {
    const box = (el) => { const r = el.getBoundingClientRect();
        return {x: r.x, y: r.y, w: r.width, h: r.height}; };
    return {plot: box(gd), width: gd._fullLayout && gd._fullLayout.width,
            points: [...gd.querySelectorAll('.scatterlayer .point')].map(box),
            layers: [...gd.querySelectorAll('canvas, svg.main-svg')]
                .map((el) => ({tag: el.tagName, ...box(el)}))};
})"""


def assert_layers_fit(page: Page, what: str) -> None:
    plots = page.evaluate(LAYERS)
    assert len(plots) == 2, what  # the chart and the points under it
    for p in plots:
        plot = p["plot"]
        assert plot["w"] > 100 and p["width"] == pytest.approx(plot["w"], abs=1), (what, p)
        for layer in p["layers"]:
            assert layer["x"] >= plot["x"] - 1 and layer["y"] >= plot["y"] - 1, (what, layer, plot)
            assert layer["x"] + layer["w"] <= plot["x"] + plot["w"] + 1, (what, layer, plot)
            assert layer["y"] + layer["h"] <= plot["y"] + plot["h"] + 1, (what, layer, plot)
            assert layer["w"] == pytest.approx(plot["w"], abs=1), (what, layer, plot)
            assert layer["h"] == pytest.approx(plot["h"], abs=1), (what, layer, plot)
    points = plots[1]["points"]  # the data's points: the underlay (the chart's own markers are few)
    assert len(points) > 100, what
    plot = plots[1]["plot"]
    assert all(plot["x"] - 1 <= q["x"] and q["x"] + q["w"] <= plot["x"] + plot["w"] + 1 for q in points), what


def resized(page: Page, width: int, height: int) -> None:
    before = page.evaluate("() => window.__descentLab.redraws || 0")
    page.set_viewport_size({"width": width, "height": height})
    page.wait_for_function("n => (window.__descentLab.redraws || 0) > n", arg=before, timeout=20_000)
    page.wait_for_function("""() => [...document.querySelectorAll('.dl-live .js-plotly-plot')].every((gd) =>
        gd._fullLayout && Math.abs(gd._fullLayout.width - gd.getBoundingClientRect().width) <= 1)""",
                           timeout=20_000)
    page.wait_for_timeout(300)  # one more frame for any late layer


@pytest.mark.parametrize("start, end", [((1366, 768), (1280, 720)), ((1280, 720), (390, 844))],
                         ids=["laptop-to-projector", "projector-to-phone"])
def test_every_layer_follows_a_window_change(page: Page, start, end):
    page.set_viewport_size({"width": start[0], "height": start[1]})
    open_app(page, "/")
    assert_layers_fit(page, f"at {start}")
    resized(page, *end)
    assert_layers_fit(page, f"after {start} → {end}")
