"""A class of N students on the playground at once, through the classroom deployment (deploy/serve).

Each simulated student is one browser tab speaking Streamlit's own websocket protocol
(``st_protocol.Session``; no Chromium, so the machine's CPU goes to the server): it opens the
playground, and once the whole class has it open (the teacher says "now move the sliders"), makes
``--changes`` slider changes — learning rate, initial weight, initial bias in turn, small realistic
moves — with ``--think`` seconds ± 30 % between them.

    .venv/bin/python benchmarks/bench_classroom.py N [--url URL] [--think 2.0] [--changes 10] [--json]

Without ``--url`` it starts ``deploy/serve`` (``--workers``, default one per core) on a free
loopback port and stops it at the end; with ``--url`` it measures a server you started (give its
worker pids with ``--pid`` to get CPU and memory). Reports: page open (connect → first
``script_finished``) and change → ``script_finished``, median and p90; errors (exceptions and the
app's own "Something went wrong" message, timeouts, dropped connections); server CPU per change
(utime+stime of all workers, children included, across the change phase, divided by the number of
changes); peak RSS of the workers (VmHWM); and this client's own CPU, since it shares the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import contextlib
import json
import math
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from st_protocol import Session, nearest_step

REPO = Path(__file__).resolve().parents[1]
SERVE = REPO / "deploy" / "serve"
KEYS = ("lr", "w0", "b0")  # sidebar widgets changed in turn
# The app shows an unexpected error as this st.error (gd_ui.widgets.frame.guarded), not as an exception.
FAILURE_TEXT = "Something went wrong"
CLK_TCK = os.sysconf("SC_CLK_TCK")


# ----------------------------------------------------------------------------------- the server


@contextlib.contextmanager
def classroom_server(workers: int | None, timeout_s: float = 240.0):
    """Run ``deploy/serve`` on a free loopback port; yield (url, worker pids); SIGTERM it at the end."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [str(SERVE), "--port", str(port), "--bind", "127.0.0.1"]
    if workers:
        cmd += ["--workers", str(workers)]
    out = Path(tempfile.mkstemp(prefix="bench-classroom-serve-", suffix=".log")[1])
    with open(out, "wb") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True,
                                env={**os.environ, "DESCENT_LAB_PYTHON": sys.executable})
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            text = out.read_text(errors="replace")
            served = re.search(r"^serving (\S+)$", text, re.M)
            if served:
                pids = [int(p) for p in re.findall(r"^worker \S+ pid (\d+) port \d+$", text, re.M)]
                yield served.group(1), pids
                break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"deploy/serve did not start (exit {proc.poll()}):\n{text[-3000:]}")
            time.sleep(0.25)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        out.unlink(missing_ok=True)


def cpu_seconds(pids: list[int]) -> float:
    """utime+stime+cutime+cstime of the processes, in seconds (a process gone counts 0)."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            total += sum(int(v) for v in fields[11:15])  # fields 14-17 of proc(5), after "pid (comm)"
    return total / CLK_TCK


def peak_rss_mb(pids: list[int]) -> list[float]:
    """VmHWM (peak resident set) of each live process, in MB."""
    peaks = []
    for pid in pids:
        with contextlib.suppress(OSError):
            match = re.search(r"^VmHWM:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text(), re.M)
            if match:
                peaks.append(int(match.group(1)) / 1024)
    return peaks


# ----------------------------------------------------------------------------------- the class


@dataclass
class Tally:
    opens: list[float] = field(default_factory=list)
    changes: list[float] = field(default_factory=list)
    change_bytes: list[int] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    timeouts: int = 0
    other_errors: list[str] = field(default_factory=list)
    changes_planned: int = 0


def next_value(tab: Session, key: str, rng: random.Random):
    """A small move a student would make: a few steps of the rate, a nudge of weight or bias."""
    w = tab.widget(key)
    if w.kind == "select_slider":
        i = w.options.index(w.value[0])
        step = rng.choice([-1, 1]) * rng.randint(1, 6)
        j = min(max(i + step, 0), len(w.options) - 1)
        return w.options[j if j != i else (i - step if 0 <= i - step < len(w.options) else i + 1)]
    current = w.value[0]
    lo, hi, step = w.bounds
    span = (hi - lo) / 10
    new = nearest_step(w, current + rng.uniform(-span, span))
    return new if new != current else nearest_step(w, current + (step if current + step <= hi else -step))


async def student(i: int, n: int, url: str, args, tally: Tally, opened: asyncio.Event,
                  ready: list[int], go: asyncio.Event) -> None:
    rng = random.Random(args.seed * 1000 + i)
    await asyncio.sleep(args.stagger * i / max(1, n - 1))
    tab = None
    try:
        start = time.perf_counter()
        tab = await Session.open(url, timeout=args.timeout)
        first = await tab.rerun()
        tally.opens.append(time.perf_counter() - start)
        tally.exceptions += failures(first)
    except Exception as exc:  # every failure is a result to report
        note_error(tally, exc, "opening the page")
        if tab is not None:
            await tab.close()
        return
    finally:
        ready[0] += 1
        if ready[0] == n:
            opened.set()
    await go.wait()
    try:
        tally.changes_planned += args.changes
        for k in range(args.changes):
            await asyncio.sleep(args.think * rng.uniform(0.7, 1.3))
            key = KEYS[(i + k) % len(KEYS)]
            run = await tab.set_widget(key, next_value(tab, key, rng))
            tally.changes.append(run.elapsed)
            tally.change_bytes.append(run.bytes)
            tally.exceptions += failures(run)
    except Exception as exc:
        note_error(tally, exc, "changing a slider")
    finally:
        await tab.close()


def failures(run) -> list[str]:
    """The run's exceptions, and the app's own failure message (a diverging run's st.error is not one)."""
    return run.exceptions + [e[:200] for e in run.errors if FAILURE_TEXT in e]


def note_error(tally: Tally, exc: BaseException, doing: str) -> None:
    if isinstance(exc, TimeoutError):
        tally.timeouts += 1
    else:
        tally.other_errors.append(f"{doing}: {type(exc).__name__}: {exc}"[:300])


async def run_class(n: int, url: str, pids: list[int], args) -> dict:
    loop = asyncio.get_running_loop()  # the tabs' HTTP visits run in threads: enough for all at once
    loop.set_default_executor(concurrent.futures.ThreadPoolExecutor(max_workers=n + 4))
    tally, opened, go, ready = Tally(), asyncio.Event(), asyncio.Event(), [0]
    tasks = [asyncio.create_task(student(i, n, url, args, tally, opened, ready, go)) for i in range(n)]
    await opened.wait()
    cpu0, client0, t0 = cpu_seconds(pids), time.process_time(), time.perf_counter()
    go.set()
    await asyncio.gather(*tasks)
    cpu = cpu_seconds(pids) - cpu0
    wall, client_cpu = time.perf_counter() - t0, time.process_time() - client0
    peaks = peak_rss_mb(pids)
    done = len(tally.changes)
    return {
        "students": n, "workers": len(pids) or None, "url": url, "changes_per_student": args.changes,
        "think_s": args.think,
        "page_open_s": summary(tally.opens), "change_s": summary(tally.changes),
        "changes_done": done, "changes_planned": tally.changes_planned,
        "errors": {"exceptions": len(tally.exceptions), "timeouts": tally.timeouts,
                   "other": len(tally.other_errors), "failed_opens": n - len(tally.opens),
                   "examples": sorted(set(tally.exceptions))[:3] + tally.other_errors[:3]},
        "server_cpu_per_change_s": round(cpu / done, 4) if done and pids else None,
        "server_cpu_s": round(cpu, 2) if pids else None,
        "server_cpu_share": round(cpu / wall / (os.cpu_count() or 1), 3) if pids and wall else None,
        "change_phase_s": round(wall, 2),
        "peak_rss_mb": {"sum": round(sum(peaks)), "max": round(max(peaks))} if peaks else None,
        "kb_per_change_median": round(statistics.median(tally.change_bytes) / 1024) if done else None,
        "client_cpu_s": round(client_cpu, 2),
    }


def pct(xs: list[float], q: float) -> float:
    """Nearest-rank percentile (p90 of 10 samples is the 9th smallest)."""
    ordered = sorted(xs)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def summary(xs: list[float]) -> dict | None:
    if not xs:
        return None
    return {"n": len(xs), "median": round(statistics.median(xs), 3), "p90": round(pct(xs, 0.9), 3),
            "max": round(max(xs), 3)}


def table(r: dict) -> str:
    def row(label: str, s: dict | None) -> str:
        if not s:
            return f"  {label:24s} (none)"
        return f"  {label:24s} {s['median']:8.3f} {s['p90']:8.3f} {s['max']:8.3f}   n={s['n']}"

    e = r["errors"]
    lines = [
        f"classroom: {r['students']} students × {r['changes_per_student']} changes, think "
        f"{r['think_s']} s ± 30 %, workers: {r['workers'] or '?'}, {r['url']}",
        f"  {'seconds':24s} {'median':>8s} {'p90':>8s} {'max':>8s}",
        row("page open", r["page_open_s"]),
        row("change → finished", r["change_s"]),
        f"  changes done {r['changes_done']}/{r['changes_planned']}; errors: {e['exceptions']} exceptions, "
        f"{e['timeouts']} timeouts, {e['other']} other, {e['failed_opens']} failed opens",
    ]
    lines += [f"    e.g. {x}" for x in e["examples"]]
    if r["server_cpu_per_change_s"] is not None:
        lines.append(f"  server CPU per change {r['server_cpu_per_change_s'] * 1000:.0f} ms "
                     f"({r['server_cpu_s']} s over a {r['change_phase_s']} s change phase, "
                     f"{r['server_cpu_share']:.0%} of the machine)")
    if r["peak_rss_mb"]:
        rss = r["peak_rss_mb"]
        lines.append(f"  peak RSS of workers: sum {rss['sum']} MB, max {rss['max']} MB")
    lines.append(f"  median {r['kb_per_change_median']} kB sent per change; this client used "
                 f"{r['client_cpu_s']} s CPU in the change phase")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("students", type=int)
    parser.add_argument("--url", help="a running deployment (default: start deploy/serve)")
    parser.add_argument("--pid", type=int, action="append", default=[],
                        help="with --url: a worker process to measure (repeatable)")
    parser.add_argument("--workers", type=int, help="deploy/serve --workers (default: one per core)")
    parser.add_argument("--think", type=float, default=2.0, help="seconds between changes (± 30 %%)")
    parser.add_argument("--changes", type=int, default=10, help="slider changes per student")
    parser.add_argument("--stagger", type=float, default=2.0, help="students arrive over this many seconds")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds until a run is a timeout")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print the result as JSON, not a table")
    args = parser.parse_args(argv)
    if args.url:
        result = asyncio.run(run_class(args.students, args.url, args.pid, args))
    else:
        with classroom_server(args.workers) as (url, pids):
            result = asyncio.run(run_class(args.students, url, pids, args))
    print(json.dumps(result, indent=2) if args.json else table(result), flush=True)


if __name__ == "__main__":
    main()
