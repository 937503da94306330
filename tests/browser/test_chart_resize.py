"""The live chart follows its container's size at once, every layer of it (issue 18): after a window
change under a drawn chart — a laptop plugged into a projector (1366×768 → 1280×720), a projector's
window shrunk to a phone's (1280×720 → 390×844) — every canvas (the WebGL points) lies inside its plot and
has its plot's size, and the SVG layers too; nothing needs a reload."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from .conftest import open_app

LAYERS = """() => [...document.querySelectorAll('.dl-live .js-plotly-plot')].map((gd) => {
    const box = (el) => { const r = el.getBoundingClientRect();
        return {x: r.x, y: r.y, w: r.width, h: r.height}; };
    return {plot: box(gd), width: gd._fullLayout && gd._fullLayout.width,
            layers: [...gd.querySelectorAll('canvas, svg.main-svg')]
                .map((el) => ({tag: el.tagName, ...box(el)}))};
})"""


def assert_layers_fit(page: Page, what: str) -> None:
    plots = page.evaluate(LAYERS)
    assert len(plots) == 2, what  # the chart and the points under it
    canvases = 0
    for p in plots:
        plot = p["plot"]
        assert plot["w"] > 100 and p["width"] == pytest.approx(plot["w"], abs=1), (what, p)
        for layer in p["layers"]:
            canvases += layer["tag"] == "CANVAS"
            assert layer["x"] >= plot["x"] - 1 and layer["y"] >= plot["y"] - 1, (what, layer, plot)
            assert layer["x"] + layer["w"] <= plot["x"] + plot["w"] + 1, (what, layer, plot)
            assert layer["y"] + layer["h"] <= plot["y"] + plot["h"] + 1, (what, layer, plot)
            assert layer["w"] == pytest.approx(plot["w"], abs=1), (what, layer, plot)
            assert layer["h"] == pytest.approx(plot["h"], abs=1), (what, layer, plot)
    assert canvases >= 1, what  # the WebGL points were checked, not only the SVG


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
