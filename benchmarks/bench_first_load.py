"""First load of each page in headless Chromium, and where the time goes.

For each page, three visits: the first visitor after the server started (its imports and first data read
happen now), a new visitor on a warm server (empty browser cache: Streamlit's JavaScript and plotly.js
are downloaded), and a returning visitor (browser cache warm). Each visit is timed from navigation start
until the charts of the first view are drawn (the Playground: the live chart has drawn the run the server
sent), and until every chart of the page is (also those below the fold: the Playground's loss per epoch
and a schedule's strip, drawn a task after the live chart). A script injected before the page records
when the page's HTML was parsed, when the websocket's first script run finished, when plotly.js arrived
and was ready, and when the charts were drawn.

Every request that leaves the machine (a host other than the app's) is listed: there must be none.

    .venv/bin/python benchmarks/bench_first_load.py [--repeats 3] [--pages Playground,...]

Budget (issue 22): the Playground's first load for a new visitor (empty browser cache) ≤ 1.5 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.browser.conftest import CHROMIUM_ARGS, chromium_path, streamlit_server  # noqa: E402

PAGES = {"Playground": "/", "Learning-rate lab": "/Learning_Rate_Lab", "Loss landscape": "/Loss_Landscape"}
WATCH = """
window.__marks = {};
performance.setResourceTimingBufferSize(10000);  // Streamlit alone loads more than the default 250
const t0 = () => performance.now();
const check = () => {
  const m = window.__marks, app = document.querySelector('[data-testid="stApp"]');
  if (!m.html && document.readyState !== 'loading') m.html = t0();
  if (app && !m.run && app.dataset.testScriptState === 'notRunning' && m.running) m.run = t0();
  if (app && app.dataset.testScriptState === 'running') m.running = true;
  if (!m.asked && window.__descentLab && window.__descentLab.plotly) m.asked = t0();
  if (!m.plotly && window.Plotly) m.plotly = t0();
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
  const live = document.querySelector('.dl-live');
  const plain = [...document.querySelectorAll('.dl-plain')];
  const drawn = charts.every(c => c.querySelector('.js-plotly-plot')?._fullLayout)
    && (!live || (live.dataset.drawn && live.dataset.drawn === live.dataset.run));
  if (m.run && !m.drawn && drawn && (charts.length || live)) m.drawn = t0();
  if (m.drawn && !m.all && plain.every(p => p.dataset.drawn)) m.all = t0();
  if (!m.all) setTimeout(check, 5);
};
check();
"""
RESOURCES = """() => performance.getEntriesByType('resource')
  .filter(r => /plotly-.*\\.js|static\\/js\\/index/.test(r.name))
  .map(r => ({name: r.name.split('/').pop().slice(0, 24), start: r.startTime, end: r.responseEnd,
              bytes: r.encodedBodySize}))"""


def visit(context, url: str) -> dict:
    page = context.new_page()
    outside = []
    local = url.split("/")[2]
    page.on("request", lambda r: outside.append(r.url) if r.url.split("/")[2:3] != [local]
            and not r.url.startswith(("data:", "blob:")) else None)
    page.add_init_script(WATCH)
    page.goto(url, wait_until="commit")
    page.wait_for_function("() => window.__marks && window.__marks.all", timeout=120_000, polling=50)
    marks = page.evaluate("() => window.__marks")
    marks["resources"] = page.evaluate(RESOURCES)
    page.wait_for_timeout(500)  # late requests (the tab's icon) too
    marks["outside"] = outside
    page.close()
    return marks


def line(name: str, m: dict) -> str:
    plotly = next((r for r in m["resources"] if r["name"].startswith("plotly")), None)
    size = "" if not plotly else " (cache)" if not plotly["bytes"] else f" ({plotly['bytes'] / 1e6:.1f} MB)"
    fetched = (f"plotly.js fetched {plotly['start'] / 1000:.2f}–{plotly['end'] / 1000:.2f} s{size}" if plotly
               else "plotly.js not fetched")
    ready = f", ready {m['plotly'] / 1000:.2f} s" if m.get("plotly") else ""
    if m.get("asked"):
        ready = f", asked for {m['asked'] / 1000:.2f} s" + ready
    return (f"    {name:<22} drawn {m['drawn'] / 1000:5.2f} s, all {m['all'] / 1000:5.2f} s  "
            f"(HTML parsed {m['html'] / 1000:.2f} s, "
            f"first script run done {m['run'] / 1000:.2f} s, {fetched}{ready})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--pages", default=",".join(PAGES), help="comma-separated, of: " + ", ".join(PAGES))
    args = parser.parse_args()
    pages = {name: PAGES[name] for name in args.pages.split(",")}
    from playwright.sync_api import sync_playwright

    results: dict[str, dict[str, list[float]]] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium_path()), args=CHROMIUM_ARGS)
        for repeat in range(args.repeats):
            for name, path in pages.items():
                with streamlit_server("app.py") as url:
                    context = browser.new_context(viewport={"width": 1280, "height": 800})
                    first = visit(context, url + path)
                    context.close()
                    context = browser.new_context(viewport={"width": 1280, "height": 800})
                    new = visit(context, url + path)
                    back = visit(context, url + path)
                    context.close()
                print(f"{name}, round {repeat + 1}:")
                for label, m in (("first after start", first), ("new visitor", new), ("returning", back)):
                    print(line(label, m))
                    for request in m["outside"]:
                        print(f"      left the machine: {request}")
                    results.setdefault(name, {}).setdefault(label, []).append(m["drawn"] / 1000)
                    results.setdefault(name + " (all)", {}).setdefault(label, []).append(m["all"] / 1000)
        browser.close()
    print(f"\nMedian of {args.repeats} (navigation → the first view's charts drawn; (all): every chart on "
          "the page, also below the fold; 1280×800, headless Chromium):")
    for name, by in results.items():
        print(f"  {name:<18} "
              + "   ".join(f"{label} {statistics.median(v):.2f} s" for label, v in by.items()))


if __name__ == "__main__":
    main()
