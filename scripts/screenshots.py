"""Screenshots of every page in headless Chromium, for the README and for looking at what we built.

    .venv/bin/python scripts/screenshots.py            # refresh the README's pictures in docs/screenshots/
    .venv/bin/python scripts/screenshots.py --review DIR   # every page at every size, into DIR

The README's set: the Playground at 1600×1000, presenter mode at 1280×720 (after "predict first" and
Reveal), and the Playground, the learning-rate lab and the loss landscape on a phone (390×844, whole
page). The review set: every page at 1280×720, 1440×900, 1600×1000 and 390×844 (whole pages), the
Playground and the step-through page in presenter mode, and presenter mode after Reveal.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.browser.conftest import CHROMIUM_ARGS, chromium_path, streamlit_server, wait_idle  # noqa: E402

PAGES = {"playground": "/", "data": "/Data", "lab": "/Learning_Rate_Lab", "landscape": "/Loss_Landscape",
         "step": "/Step_Through?step_part=epochs&step_epoch=3", "example": "/Step_Through"}
SIZES = {"1280x720": (1280, 720), "1440x900": (1440, 900), "1600x1000": (1600, 1000), "phone": (390, 844)}


def shoot(browser, url: str, path: Path, size: tuple[int, int], *, full: bool = False, reveal: bool = False,
          cap: int | None = None):
    """One picture of ``url``: the window, or the whole page (``full``), its top ``cap`` pixels if given."""
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    try:
        page.goto(url)  # then the first run's end (pages without charts too), and the charts drawn
        page.wait_for_function("() => document.querySelector('[data-testid=stApp]')?.dataset.testScriptState"
                               " === 'notRunning'", timeout=120_000)
        page.wait_for_timeout(1000)
        wait_idle(page)
        if reveal:
            page.locator('[data-testid="stRadio"]').get_by_text("oscillate", exact=True).first.click()
            page.get_by_role("button", name="Reveal").click()
            page.wait_for_selector(".dl-live .js-plotly-plot", timeout=120_000)  # the chart comes back
            wait_idle(page)
        page.evaluate("document.fonts.ready.then(() => true)")
        page.wait_for_timeout(400)  # the last Plotly transition
        if full:  # Streamlit scrolls inside its main block: grow the window to the content instead
            height = page.evaluate("() => Math.max(...[...document.querySelectorAll("
                                   "'[data-testid=\"stMain\"], [data-testid=\"stSidebarContent\"]')]"
                                   ".map(e => e.scrollHeight))")
            page.set_viewport_size({"width": size[0], "height": min(max(size[1], height), 12_000)})
            page.wait_for_timeout(800)  # charts follow the new size
            wait_idle(page)
        shown = page.viewport_size
        clip = {"x": 0, "y": 0, "width": shown["width"], "height": min(shown["height"], cap or 10**6)}
        page.screenshot(path=str(path), clip=clip)
        print(path)
    finally:
        page.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--review", type=Path, help="every page at every size, into this folder")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with streamlit_server("app.py") as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium_path()), args=CHROMIUM_ARGS)
        if args.review:
            out = args.review
            out.mkdir(parents=True, exist_ok=True)
            for name, path in PAGES.items():
                for size_name, size in SIZES.items():
                    shoot(browser, url + path, out / f"{name}-{size_name}.png", size, full=True)
            for name in ("playground", "step"):
                on_stage = url + PAGES[name] + ("&" if "?" in PAGES[name] else "?") + "present=1"
                shoot(browser, on_stage, out / f"{name}-presenter.png", (1280, 720))
            shoot(browser, url + "/?present=1&predict=true", out / "presenter-reveal.png", (1280, 720),
                  reveal=True)
        else:
            out = REPO / "docs" / "screenshots"
            shoot(browser, url + "/", out / "playground.png", (1600, 1000))
            shoot(browser, url + "/?present=1&predict=true", out / "presenter.png", (1280, 720),
                  reveal=True)
            for name in ("playground", "lab", "landscape"):
                shoot(browser, url + PAGES[name], out / f"phone-{name}.png", SIZES["phone"], full=True,
                      cap=1900)
        browser.close()


if __name__ == "__main__":
    main()
