"""Headless Chromium drags the playground's live sliders: redraws per second during the drag, and the time
from release to the page settled (one rerun: status sentence, sidebar, URL, the chart's new run).

Two ways of dragging, both with the pointer held down the whole time:
- *step by step*: move one step, wait until that step is drawn, move again — every mid-drag step is
  redrawn; the rate is steps per second;
- *free*: move every 16 ms (a 60 Hz pointer) without waiting — the rate is the chart's redraws per second
  while the pointer runs ahead of it (the browser coalesces input events, so a slow chart drops steps).

    .venv/bin/python benchmarks/bench_drag.py [--repeats 5] [--slider rate|w0|b0] [--url URL]

The page's cost of a redraw is reported twice: wall time from the input event to the chart drawn (as
the page measures it; on a busy machine this includes waiting for the CPU), and the page's main-thread
CPU time per redraw (from a Chromium trace: thread time of its tasks during the step-by-step drags, less
what the idle page costs in the same time), which other load on the machine does not inflate.

Budget (issue 22): a redraw ≤ 16 ms in the page; every mid-drag step drawn at a 60 Hz pointer.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402

from tests.browser.conftest import CHROMIUM_ARGS, chromium_path, streamlit_server  # noqa: E402

LIVE = ".dl-live .js-plotly-plot"
SETTLED = """run => {
    const app = document.querySelector('[data-testid="stApp"]'), live = document.querySelector('.dl-live');
    return app.dataset.testScriptState === 'notRunning' && live.dataset.run !== run
        && live.dataset.drawn === live.dataset.run;
}"""


def track(page, role: str):
    box = page.locator(f'.dl-live [data-role="{role}"]').bounding_box()
    return box["x"] + 8, box["x"] + box["width"] - 8, box["y"] + box["height"] / 2


def drag(page, role: str, fractions, *, wait_each: bool) -> tuple[float, int, int]:
    """(seconds, steps, redraws) of one drag through ``fractions`` of the track, pointer held down."""
    left, right, y = track(page, role)
    value = float(page.locator(f'.dl-live [data-role="{role}"]').input_value())
    lo, hi = (float(page.locator(f'.dl-live [data-role="{role}"]').get_attribute(a)) for a in ("min", "max"))
    page.mouse.move(left + (right - left) * (value - lo) / (hi - lo), y)
    page.mouse.down()
    page.mouse.move(left + (right - left) * fractions[0], y)  # the clock starts on the first step
    page.wait_for_timeout(300)
    drawn_before = page.evaluate("() => window.__descentLab.redraws || 0")
    previous = page.evaluate("() => document.querySelector('.dl-live').dataset.want")
    start, idle = time.perf_counter(), 0.0
    steps = 0
    for fraction in fractions[1:]:
        page.mouse.move(left + (right - left) * fraction, y)
        if wait_each:  # one round trip: wait for this step drawn and learn what it was
            waited = time.perf_counter()
            try:
                previous = page.wait_for_function(
                    "p => { const d = document.querySelector('.dl-live').dataset;"
                    " return d.want !== p && d.drawnKey === d.want && d.want; }",
                    arg=previous, timeout=1_000).json_value()
            except PlaywrightTimeout:  # the pointer stayed within one step of the slider
                idle += time.perf_counter() - waited
                continue
        else:  # the next 60 Hz tick of the pointer's own clock (no wait if the move itself took longer)
            tick = start + (steps + 1) / 60
            page.wait_for_timeout(max(0.0, tick - time.perf_counter()) * 1000)
        steps += 1
    seconds = time.perf_counter() - start - idle
    redraws = page.evaluate("() => window.__descentLab.redraws") - drawn_before
    return seconds, steps, redraws


TRACE = ["devtools.timeline", "disabled-by-default-devtools.timeline", "toplevel"]


def main_thread_ms(trace: bytes) -> float:
    """Thread time (ms) of the renderer main thread's outermost tasks in a Chromium trace."""
    import json

    events = json.loads(trace)
    events = events["traceEvents"] if isinstance(events, dict) else events
    main = {(e["pid"], e["tid"]) for e in events if e.get("name") == "thread_name"
            and e["args"].get("name") == "CrRendererMain"}
    tasks = sorted((e for e in events if (e.get("pid"), e.get("tid")) in main and e.get("ph") == "X"
                    and "tdur" in e), key=lambda e: (e["ts"], -e["dur"]))
    total, end = 0, -1
    for e in tasks:
        if e["ts"] >= end:
            total, end = total + e["tdur"], e["ts"] + e["dur"]
    return total / 1000


def in_page(page) -> list[float]:
    """The chart's own redraw times (ms: input event → Plotly done), as the page measured them."""
    return page.evaluate("() => (window.__descentLab.drawMs || []).splice(0)")


def release(page) -> float:
    """Seconds from releasing the pointer to the page settled on the new run."""
    run = page.evaluate("() => document.querySelector('.dl-live').dataset.run")
    start = time.perf_counter()
    page.mouse.up()
    try:
        page.wait_for_function(SETTLED, arg=run, timeout=60_000, polling=50)
    except Exception:
        state = page.evaluate("() => ({...document.querySelector('.dl-live').dataset})")
        raise RuntimeError(f"the page did not settle after the release (was run {run}): {state}") from None
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--slider", choices=("rate", "w0", "b0"), default="rate")
    parser.add_argument("--url", help="a running app (default: start one)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with contextlib.ExitStack() as stack:
        url = args.url or stack.enter_context(streamlit_server("app.py"))
        pw = stack.enter_context(sync_playwright())
        browser = pw.chromium.launch(executable_path=str(chromium_path()), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(url)
        page.wait_for_selector(LIVE, timeout=90_000)
        page.wait_for_function(SETTLED.replace("live.dataset.run !== run", "true"), arg="", timeout=90_000)
        stepwise, free, settle, own, cpu = [], [], [], [], []
        browser.start_tracing(page=page, categories=TRACE)  # two idle seconds: the page's floor
        started = time.perf_counter()
        page.wait_for_timeout(2000)
        idle_per_s = main_thread_ms(browser.stop_tracing()) / (time.perf_counter() - started)
        fractions = [0.15 + 0.7 * j / 24 for j in range(25)]  # up step by step, then back down freely:
        for _ in range(args.repeats):  # every release ends somewhere new, so it commits a new run
            in_page(page)
            before = page.evaluate("() => window.__descentLab.redraws || 0")
            browser.start_tracing(page=page, categories=TRACE)
            started = time.perf_counter()
            seconds, steps, _ = drag(page, args.slider, fractions, wait_each=True)
            busy = main_thread_ms(browser.stop_tracing()) - idle_per_s * (time.perf_counter() - started)
            redraws = page.evaluate("() => window.__descentLab.redraws") - before
            cpu.append(busy / max(redraws, 1))
            stepwise.append(steps / seconds)
            own.extend(in_page(page))
            settle.append(release(page))
            seconds, _, redraws = drag(page, args.slider, fractions[::-1], wait_each=False)
            free.append(redraws / seconds)
            settle.append(release(page))
        play = []  # Play at normal speed from the first frame: frames drawn per second
        for _ in range(args.repeats):
            page.select_option('.dl-live [data-role="speed"]', "normal")
            page.evaluate("""() => { const f = document.querySelector('.dl-live [data-role="frame"]');
                f.value = '0'; f.dispatchEvent(new Event('input')); }""")  # stops any Play, shows frame 0
            page.wait_for_timeout(200)
            before = page.evaluate("() => window.__descentLab.redraws")
            page.click('.dl-live [data-role="play"]')
            started = time.perf_counter()
            page.wait_for_timeout(2000)  # 200 recorded epochs at 20 ms each last 4 s: it is still playing
            play.append((page.evaluate("() => window.__descentLab.redraws") - before)
                        / (time.perf_counter() - started))
            if page.get_attribute('.dl-live [data-role="play"]', "aria-pressed") == "true":
                page.click('.dl-live [data-role="play"]')  # pause
        browser.close()
    print(f"slider {args.slider}: {args.repeats} × 2 drags of 24 steps, headless Chromium (software WebGL)")
    print(f"  step by step (every step drawn): median {statistics.median(stepwise):.1f} redraws/s, "
          f"min {min(stepwise):.1f}")
    print(f"  in the page, input → drawn:      median {statistics.median(own):.1f} ms per redraw "
          f"({1000 / statistics.median(own):.0f}/s), p90 {statistics.quantiles(own, n=10)[-1]:.1f} ms "
          "(the rest of a step is the benchmark's own round trips through the DevTools protocol)")
    print(f"  in the page, main-thread CPU:    median {statistics.median(cpu):.1f} ms per redraw, "
          f"max {max(cpu):.1f} ms (Chromium trace, thread time)")
    print(f"  free 60 Hz pointer:              median {statistics.median(free):.1f} redraws/s, "
          f"min {min(free):.1f}")
    print(f"  Play at normal speed:            median {statistics.median(play):.1f} frames/s, "
          f"min {min(play):.1f}")
    print(f"  release → page settled:          median {statistics.median(settle) * 1000:.0f} ms, "
          f"max {max(settle) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
