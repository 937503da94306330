"""Server memory while one visitor uploads five distinct ~49 MB weather files and uses each.

Writes five NOAA Climate Data Online style bulk downloads (every field quoted, a station NAME with a
comma, ~49 MB each: five stations of ~90,000 days, different values in each file), starts one
Streamlit server, and in headless Chromium uploads each file on the Data page and presses "Use this
dataset on every page", waiting for the page to settle. After each file it reads the server's
resident set (VmRSS) and its peak (VmHWM) from /proc; then it closes the tab and reads VmRSS again
after ``--after`` seconds (a closed tab's session is kept ``server.disconnectedSessionTTL``, 120 s).
A session keeps the active upload and two recent ones
(``gd_ui.widgets.sidebar.KEEP_UPLOADS``).

    .venv/bin/python benchmarks/bench_uploads.py [--files 5] [--mb 49] [--after 150]

Budget (issue 11): five distinct 49 MB uploads with "Use" in one session ≤ 1.2 GB peak RSS.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.browser.conftest import CHROMIUM_ARGS, chromium_path, streamlit_server, wait_idle  # noqa: E402

RUN_WATCH = """() => {
    window.__ran = false;
    const app = document.querySelector('[data-testid="stApp"]');
    new MutationObserver(() => { if (app.dataset.testScriptState === 'running') window.__ran = true; })
        .observe(app, {attributes: true});
}"""
ROW = '"{station}","{name}, SC US","{day}","{prcp:.2f}","{tmax}","{tmin}"\n'


def write_file(path: Path, mb: float, seed: int) -> int:
    """A NOAA CDO bulk download of about ``mb`` MB; returns its row count."""
    rng = np.random.default_rng(seed)
    days = [(date(1770, 1, 1) + timedelta(days=d)).isoformat() for d in range(90_000)]
    rows, size = 0, 0
    with open(path, "w", encoding="utf-8") as out:
        out.write('"STATION","NAME","DATE","PRCP","TMAX","TMIN"\n')
        for s in range(100):
            station, name = f"USC000{seed:02d}{s:04d}", f"STATION {seed}-{s} NUMBER {s * 7919 % 1000}"
            season = 20 * np.sin(np.arange(len(days)) * 2 * np.pi / 365.25)
            tmax = np.round(65 + season + rng.normal(0, 6, len(days))).astype(int)
            tmin = tmax - rng.integers(5, 25, len(days))
            prcp = np.maximum(0, rng.normal(-0.1, 0.3, len(days)))
            for d, day in enumerate(days):
                line = ROW.format(station=station, name=name, day=day, prcp=prcp[d], tmax=tmax[d],
                                  tmin=tmin[d])
                out.write(line)
                size += len(line)
                rows += 1
                if size >= mb * 1e6:
                    return rows
    return rows


def server_pid(port: int) -> int:
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmd = (proc / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"streamlit" in b" ".join(cmd) and f"--server.port={port}".encode() in cmd:
                return int(proc.name)
    raise RuntimeError(f"no streamlit process on port {port}")


def memory_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) in MB."""
    status = Path(f"/proc/{pid}/status").read_text()
    return tuple(int(re.search(rf"^{k}:\s+(\d+) kB", status, re.M).group(1)) / 1024
                 for k in ("VmRSS", "VmHWM"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=5)
    parser.add_argument("--mb", type=float, default=49.0)
    parser.add_argument("--after", type=float, default=150.0)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for i in range(args.files):
            path = Path(tmp) / f"noaa-bulk-{i + 1}.csv"
            rows = write_file(path, args.mb, i + 1)
            files.append(path)
            print(f"{path.name}: {path.stat().st_size / 1e6:.1f} MB, {rows:,} rows", flush=True)
        with streamlit_server("app.py") as url, sync_playwright() as pw:
            pid = server_pid(int(url.rsplit(":", 1)[1]))
            browser = pw.chromium.launch(executable_path=str(chromium_path()), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"{url}/Data")
            wait_idle(page, 120_000)
            print(f"server after opening the Data page: VmRSS {memory_mb(pid)[0]:.0f} MB", flush=True)
            for path in files:
                start = time.perf_counter()
                page.evaluate(RUN_WATCH)  # the upload's own rerun, not the page as it was before
                page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
                page.wait_for_function("() => window.__ran", timeout=300_000)
                use = page.get_by_role("button", name="Use this dataset on every page")
                use.wait_for(timeout=300_000)
                page.wait_for_function(
                    "() => { const b = [...document.querySelectorAll('button')].find("
                    "b => b.innerText.includes('Use this dataset')); return b && !b.disabled; }",
                    timeout=300_000)
                wait_idle(page, 300_000)
                use.click()
                page.wait_for_timeout(500)
                wait_idle(page, 300_000)
                active = page.get_by_text("Active dataset on every page").first.inner_text()
                active = active.replace("\u200b", "")  # md_text's break opportunities
                assert path.name in active, f"{path.name} is not the active dataset: {active!r}"
                rss, hwm = memory_mb(pid)
                print(f"  {path.name} uploaded and used in {time.perf_counter() - start:5.1f} s: "
                      f"VmRSS {rss:.0f} MB, peak {hwm:.0f} MB", flush=True)
            page.close()
            browser.close()
            time.sleep(args.after)
            rss, hwm = memory_mb(pid)
            print(f"{args.after:.0f} s after the tab closed: VmRSS {rss:.0f} MB "
                  f"(peak over the run {hwm:.0f} MB, budget 1,200 MB)")


if __name__ == "__main__":
    main()
