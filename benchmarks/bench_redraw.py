"""Slider key press → redrawn chart, in headless Chromium: the playground against a bare scatter page.

Starts two Streamlit servers (``app.py`` and ``benchmarks/bare_scatter_app.py``, which draws only
the playground's scatter and one line), opens each in Debian's Chromium, and repeatedly moves a
slider one step with the keyboard (alternately right and left). Each sample is measured in the
page: from the ``keydown`` event's timestamp to the first animation frame at which the chart's
``_fullData`` holds the new numbers, plus the following paint. The two pages are measured in
turn (playground, bare, playground, …) so background load hits both alike.

The servers run under a small wrapper that times every script run (``exec`` of the page script,
i.e. the server-side part of a rerun), so the report also gives the server time per change.

    .venv/bin/python benchmarks/bench_redraw.py [--repeats 15] [--slider w0|lr|b0]

Budget (issue 3): playground ≤ 150 ms server-side per slider change; the browser redraw is
reported, with its ratio to the bare page.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import os
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCRIPT_MS = "BENCH_SCRIPT_MS"


def serve(argv: list[str]) -> None:
    """``streamlit <argv>`` with every top-level script run timed to stderr (``BENCH_SCRIPT_MS``)."""
    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.web import cli

    original = script_runner.exec_func_with_error_handling
    local = threading.local()

    def timed(func, ctx):
        depth = getattr(local, "depth", 0)
        local.depth = depth + 1
        start = time.perf_counter()
        try:
            result = original(func, ctx)
        finally:
            local.depth = depth
        if depth == 0:  # not a fragment inside the run
            interrupted = result[2] is not None  # stopped early for a newer rerun
            print(f"{SCRIPT_MS} {1000 * (time.perf_counter() - start):.2f} interrupted={int(interrupted)}",
                  file=sys.stderr, flush=True)
        return result

    script_runner.exec_func_with_error_handling = timed
    sys.argv = ["streamlit", *argv]
    cli.main()


# The chart's numbers as one checksum, the key press time, and the paint after the change.
_ARM_JS = """() => {
    window.__bench = {key: null};
    if (!window.__benchListening) {
        window.addEventListener('keydown', e => { window.__bench.key = e.timeStamp; }, true);
        window.__benchListening = true;
    }
}"""
_SUM_JS = """(gd) => {
    if (!gd || !gd._fullData) return null;
    let s = 0;
    for (const t of gd._fullData)
        for (const a of [t.x, t.y]) if (a) for (let k = 0; k < a.length; k++) {
            const v = +a[k]; if (Number.isFinite(v)) s += v * (k + 1);
        }
    return s;
}"""
_WAIT_JS = """([sel, before]) => {
    const b = window.__bench;
    if (b.painted) return {key: b.key, changed: b.changed, painted: b.painted};
    if (b.changed) return false;
    const sum = (""" + _SUM_JS + """)(document.querySelector(sel));
    if (sum === null || sum === before) return false;
    b.changed = performance.now();
    requestAnimationFrame(() => setTimeout(() => { b.painted = performance.now(); }, 0));
    return false;
}"""


def _browser_helpers():
    """``tests/browser/conftest.py`` (server, Chromium flags, page waits), loaded by path: a
    ``tests`` package some dependency installs in site-packages shadows ``import tests.browser``."""
    spec = importlib.util.spec_from_file_location("descent_lab_browser_helpers",
                                                  REPO / "tests" / "browser" / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    pos = q * (len(ordered) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


class Target:
    """One app in one browser context: its slider and the log of its server's script times."""

    def __init__(self, name: str, url: str, log: Path, slider_label: str, browser, helpers) -> None:
        from playwright.sync_api import expect

        self.name, self.url, self.log, self.h, self.h_expect = name, url, log, helpers, expect
        self.context = browser.new_context(viewport={"width": 1280, "height": 720})
        self.page = self.context.new_page()
        self.h.open_app(self.page, url)
        box = self.page.locator('[data-testid="stSlider"]').filter(
            has=self.page.locator('[data-testid="stWidgetLabel"]', has_text=slider_label))
        if box.count() != 1:
            raise SystemExit(f"{name}: no single slider labelled {slider_label!r}")
        self.thumb = box.get_by_role("slider")
        self.redraw_ms: list[float] = []
        self.paint_ms: list[float] = []
        self.server_ms: list[float] = []
        self.log_offset = log.stat().st_size

    def new_script_times(self) -> list[tuple[float, bool]]:
        with open(self.log, "rb") as f:
            f.seek(self.log_offset)
            text = f.read().decode(errors="replace")
            self.log_offset = f.tell()
        return [(float(ms), flag == "1")
                for ms, flag in re.findall(rf"{SCRIPT_MS} ([0-9.]+) interrupted=(\d)", text)]

    def change(self, key: str, record: bool) -> None:
        page = self.page
        page.bring_to_front()
        self.h.wait_idle(page)
        self.new_script_times()  # drop anything before this press
        before = page.evaluate(f"sel => ({_SUM_JS})(document.querySelector(sel))", self.h.CHART)
        page.evaluate(_ARM_JS)
        value = self.thumb.get_attribute("aria-valuetext")
        self.thumb.press(key)
        try:
            self.h_expect(self.thumb).not_to_have_attribute("aria-valuetext", value, timeout=10_000)
        except AssertionError:
            raise SystemExit(f"{self.name}: {key} did not move the slider from {value}") from None
        t = page.wait_for_function(_WAIT_JS, arg=[self.h.CHART, before], polling="raf",
                                   timeout=120_000).json_value()
        self.h.wait_idle(page)
        runs = self.new_script_times()
        if record:
            self.redraw_ms.append(t["changed"] - t["key"])
            self.paint_ms.append(t["painted"] - t["key"])
            self.server_ms += [ms for ms, interrupted in runs if not interrupted]

    def summary(self) -> dict[str, float]:
        r, p, s = self.redraw_ms, self.paint_ms, self.server_ms
        return dict(median=statistics.median(r), p90=_quantile(r, 0.9), min=min(r), max=max(r),
                    paint_median=statistics.median(p), paint_p90=_quantile(p, 0.9),
                    server_median=statistics.median(s) if s else float("nan"),
                    server_p90=_quantile(s, 0.9) if s else float("nan"), n=len(r))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=15, help="measured changes per page")
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured changes per page first")
    parser.add_argument("--slider", choices=("w0", "lr", "b0"), default="w0",
                        help="the playground slider to move (default: initial weight)")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    helpers = _browser_helpers()

    chromium = helpers.chromium_path()
    if not chromium.is_file():
        raise SystemExit(f"no Chromium at {chromium} (apt-get install chromium, or set "
                         f"{helpers.CHROMIUM_ENV})")
    labels = {"w0": "Initial weight", "lr": "Learning rate", "b0": "Initial bias"}
    logdir = Path(tempfile.mkdtemp(prefix="bench-redraw-"))
    wrapper = [sys.executable, str(Path(__file__).resolve()), "--serve"]
    with contextlib.ExitStack() as stack:
        urls, logs = {}, {}
        for name, script in (("playground", "app.py"), ("bare", "benchmarks/bare_scatter_app.py")):
            logs[name] = logdir / f"{name}.log"
            urls[name] = stack.enter_context(
                helpers.streamlit_server(script, log_path=logs[name], python=wrapper))
        pw = stack.enter_context(sync_playwright())
        browser = pw.chromium.launch(executable_path=str(chromium), args=helpers.CHROMIUM_ARGS)
        stack.callback(browser.close)
        targets = [Target("playground", urls["playground"], logs["playground"], labels[args.slider],
                          browser, helpers),
                   Target("bare", urls["bare"], logs["bare"], "Slope", browser, helpers)]
        for i in range(args.warmup + args.repeats):
            key = "ArrowRight" if i % 2 == 0 else "ArrowLeft"
            for target in targets:
                target.change(key, record=i >= args.warmup)
        hidden = [t.name for t in targets if t.page.evaluate("document.visibilityState") != "visible"]

    play, bare = (t.summary() for t in targets)
    print(f"Slider key press → chart redrawn with the new data, headless Chromium "
          f"({os.cpu_count()} cores, software WebGL), {play['n']} changes per page, "
          f"alternating directions; playground slider: {labels[args.slider]}.")
    print(f"{'':12} {'median':>8} {'p90':>8} {'min':>8} {'max':>8}   {'+paint med':>10}"
          f"   {'server script median / p90':>26}")
    for name, s in (("playground", play), ("bare", bare)):
        print(f"{name:12} {s['median']:8.0f} {s['p90']:8.0f} {s['min']:8.0f} {s['max']:8.0f}   "
              f"{s['paint_median']:10.0f}   {s['server_median']:12.1f} / {s['server_p90']:.1f} ms")
    print(f"ratio playground/bare: median {play['median'] / bare['median']:.2f}, "
          f"p90 {play['p90'] / bare['p90']:.2f}")
    if hidden:
        print(f"warning: pages not visible during the run (throttled frames?): {hidden}")
    print(f"server logs: {logdir}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--serve":
        serve(sys.argv[2:])
    else:
        main()
