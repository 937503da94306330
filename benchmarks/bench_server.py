"""Server CPU per slider change on the playground against a trivial Streamlit page, in the same run.

Budget: the playground costs at most 2× the trivial page (``trivial_app.py``: two sliders and a line
of text). For each page it starts one ``streamlit run`` on a free loopback port, opens one simulated
tab over Streamlit's own websocket protocol (``st_protocol.Session``: no browser, so the CPU counted
is the server's), warms the page up, then makes ``--changes`` slider changes (rate, weight, bias in
turn on the playground; weight and bias on the trivial page) and reports the server process's CPU
time (utime+stime) per change, and change → script finished, median and p90.

    .venv/bin/python benchmarks/bench_server.py [--changes 40] [--warmup 5] [--profile FILE] [--json]

``--profile FILE`` runs the playground's server under cProfile (writes FILE; e.g.
``python -m pstats FILE``): the CPU figures are then inflated, the split between functions is not.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_classroom import FAILURE_TEXT, cpu_seconds, next_value
from st_protocol import Session

REPO = Path(__file__).resolve().parents[1]
WORKER = REPO / "deploy" / "worker.py"
PAGES = {"playground": (REPO / "app.py", ("lr", "w0", "b0")),
         "trivial": (Path(__file__).resolve().parent / "trivial_app.py", ("w0", "b0"))}
BUDGET = 2.0  # playground CPU per change ≤ this × the trivial page's
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@contextlib.contextmanager
def server(script: Path, profile: str | None = None):
    """``streamlit run script`` on a free port in its own process group; yields (url, pid)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # deploy/worker.py: streamlit with TCP_NODELAY from the first connection, as the deployment runs it
    python = [sys.executable] + (["-m", "cProfile", "-o", profile] if profile else []) + [str(WORKER)]
    log = Path(tempfile.mkstemp(prefix="bench-server-", suffix=".log")[1])
    cmd = [*python, "run", str(script), "--server.headless=true", "--server.address=127.0.0.1",
           f"--server.port={port}", "--browser.gatherUsageStats=false", "--server.fileWatcherType=none"]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=REPO, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            with contextlib.suppress(OSError):
                with _OPENER.open(url + "/_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start ({script.name}):\n{log.read_text()[-2000:]}")
            time.sleep(0.25)
        yield url, proc.pid
    finally:
        # SIGINT first: cProfile writes its file only when the server exits through Python.
        for sig, wait in ((signal.SIGINT, 20), (signal.SIGKILL, 5)):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, sig)
            try:
                proc.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue
        log.unlink(missing_ok=True)


async def measure(url: str, pid: int, keys: tuple[str, ...], changes: int, warmup: int, seed: int) -> dict:
    rng = random.Random(seed)
    async with await Session.open(url, timeout=120) as tab:
        first = await tab.rerun()
        problems = first.exceptions + [e for e in first.errors if FAILURE_TEXT in e]
        for k in range(warmup):
            key = keys[k % len(keys)]
            await tab.set_widget(key, next_value(tab, key, rng))
        cpu0, elapsed = cpu_seconds([pid]), []
        for k in range(changes):
            key = keys[k % len(keys)]
            run = await tab.set_widget(key, next_value(tab, key, rng))
            elapsed.append(run.elapsed)
            problems += run.exceptions + [e for e in run.errors if FAILURE_TEXT in e]
        cpu = cpu_seconds([pid]) - cpu0
    ms = sorted(1000 * t for t in elapsed)
    return {"changes": changes, "cpu_per_change_ms": round(1000 * cpu / changes, 1),
            "change_median_ms": round(statistics.median(ms), 1),
            "change_p90_ms": round(ms[int(0.9 * len(ms))], 1),
            "first_run_ms": round(1000 * first.elapsed, 1), "problems": problems[:5]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--changes", type=int, default=40, help="measured slider changes per page")
    parser.add_argument("--warmup", type=int, default=5, help="unmeasured changes per page first")
    parser.add_argument("--seed", type=int, default=1, help="seed of the simulated student's moves")
    parser.add_argument("--profile", metavar="FILE", help="cProfile the playground's server into FILE")
    parser.add_argument("--json", action="store_true", help="print the result as JSON, not a table")
    args = parser.parse_args(argv)
    if args.changes < 1 or args.warmup < 0:
        parser.error("--changes must be ≥ 1 and --warmup ≥ 0")
    result = {}
    for name, (script, keys) in PAGES.items():
        with server(script, args.profile if name == "playground" else None) as (url, pid):
            result[name] = asyncio.run(measure(url, pid, keys, args.changes, args.warmup, args.seed))
    ratio = result["playground"]["cpu_per_change_ms"] / max(result["trivial"]["cpu_per_change_ms"], 0.1)
    result["ratio"], result["budget"] = round(ratio, 2), BUDGET
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"server CPU per slider change, {args.changes} changes per page after {args.warmup} "
              "unmeasured:")
        for name in PAGES:
            r = result[name]
            print(f"  {name:10s} {r['cpu_per_change_ms']:6.1f} ms CPU   change → finished median "
                  f"{r['change_median_ms']:.0f} ms, p90 {r['change_p90_ms']:.0f} ms   first run "
                  f"{r['first_run_ms']:.0f} ms" + (f"   PROBLEMS {r['problems']}" if r["problems"] else ""))
        verdict = "within" if ratio <= BUDGET else "OVER"
        print(f"  playground / trivial = {ratio:.2f} ({verdict} the budget of {BUDGET:g}×)")
    return 1 if any(result[n]["problems"] for n in PAGES) else 0


if __name__ == "__main__":
    sys.exit(main())
