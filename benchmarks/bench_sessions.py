"""Memory per idle session: N students open the playground, each moves a slider once, then sits idle.

One worker behind ``deploy/serve --workers 1`` (so every session lands in one process). A warm-up
student first fills the caches (dataset, rate table, figures) and leaves; then the worker's resident
set (VmRSS) is read, the N students open the page and change the learning rate once, and after they
have been idle for ``--idle`` seconds VmRSS is read again: (after − before) / N is the cost of an idle
session. Then they close, and after ``--idle`` more seconds the worker's VmRSS is read a third time
(memory a closed session leaves behind).

    .venv/bin/python benchmarks/bench_sessions.py [N=30] [--idle 10]

Budget (issue 9): ≤ 5 MB per idle session.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_classroom import classroom_server, next_value
from st_protocol import Session


def rss_mb(pid: int) -> float:
    match = re.search(r"^VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text(), re.M)
    return int(match.group(1)) / 1024


async def student(url: str, seed: int) -> Session:
    tab = await Session.open(url)
    await tab.rerun()
    await tab.set_widget("lr", next_value(tab, "lr", random.Random(seed)))
    return tab


async def measure(url: str, pid: int, n: int, idle: float) -> dict:
    warm = await student(url, -1)
    await warm.set_widget("w0", next_value(warm, "w0", random.Random(0)))
    await warm.close()
    await asyncio.sleep(idle)
    before = rss_mb(pid)
    tabs = []
    for i in range(n):  # one after another: the figure is memory, not latency
        tabs.append(await student(url, i))
    await asyncio.sleep(idle)
    during = rss_mb(pid)
    for tab in tabs:
        await tab.close()
    await asyncio.sleep(idle)
    return {"before": before, "during": during, "after": rss_mb(pid)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=30)
    parser.add_argument("--idle", type=float, default=10.0)
    args = parser.parse_args()
    with classroom_server(1) as (url, pids):
        r = asyncio.run(measure(url, pids[0], args.n, args.idle))
    per = (r["during"] - r["before"]) / args.n
    print(f"{args.n} idle sessions on one worker (VmRSS): {r['before']:.0f} MB warmed up → "
          f"{r['during']:.0f} MB with them open → {r['after']:.0f} MB {args.idle:.0f} s after they closed")
    print(f"  per idle session: {per:.2f} MB (budget 5 MB)")


if __name__ == "__main__":
    main()
