"""A class of 60 answers a poll within about a second: is every answer recorded, and how long does each take?

    python benchmarks/bench_store.py [--pg URL] [--voters 60] [--spread 1.0] [--processes 4]

SQLite runs in a temporary file; PostgreSQL runs when ``--pg`` or ``DESCENT_LAB_TEST_PG`` names a server,
in a throwaway schema dropped afterwards. Three shapes per backend:

- threads: one store shared by ``--voters`` threads (one Streamlit worker serving the whole class),
  each sending at a random moment within ``--spread`` seconds;
- processes: ``--processes`` worker processes, each with its own store and its share of the voters
  as threads (several workers behind a load balancer), same spread;
- burst: the threads shape with every answer sent at the same instant (the worst case).

Latency is the wall time of one ``Store.answer`` call, queueing for a pooled connection included.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run as a script from anywhere

from gd_poll import ANSWERS, open_store  # noqa: E402
from tests.conftest import pg_schema  # noqa: E402

QUESTION = {"dataset": "Seattle", "predictors": ["tmax", "tmin", "rain"], "standardize": True,
            "lr": 6.13e-3, "w0": 0.5, "b0": -1.25, "epochs": 10_000}


def voters_answering(url: str, code: str, voters: list[int], start_at: float, spread: float) -> list[float]:
    """Each voter (a thread) waits for its random moment, answers once; returns the latencies in seconds."""
    store = open_store(url)
    latencies: list[float] = []
    lock = threading.Lock()

    def vote(voter: int) -> None:
        time.sleep(max(0.0, start_at + random.uniform(0, spread) - time.time()))
        began = time.perf_counter()
        store.answer(code, f"student-{voter}", list(ANSWERS)[voter % 4])
        with lock:
            latencies.append(time.perf_counter() - began)

    threads = [threading.Thread(target=vote, args=(voter,)) for voter in voters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    store.disconnect()
    return latencies


def _worker(url, code, voters, start_at, spread, results) -> None:
    results.put(voters_answering(url, code, voters, start_at, spread))


def run_shape(url: str, shape: str, n_voters: int, spread: float, processes: int) -> str:
    store = open_store(url)
    code, _ = store.start(QUESTION)
    voters = list(range(n_voters))
    start_at = time.time() + (1.0 if shape == "processes" else 0.2)  # time for the workers to start
    if shape == "processes":
        ctx = multiprocessing.get_context("spawn")  # the way separate workers start: nothing shared
        results = ctx.Queue()
        shares = [voters[p::processes] for p in range(processes)]
        procs = [ctx.Process(target=_worker, args=(url, code, share, start_at, spread, results))
                 for share in shares]
        for proc in procs:
            proc.start()
        latencies = [lat for _ in procs for lat in results.get(timeout=120)]
        for proc in procs:
            proc.join()
    else:
        latencies = voters_answering(url, code, voters, start_at, 0.0 if shape == "burst" else spread)
    done = time.time() - start_at  # from the first possible answer to the last one recorded
    poll = store.get(code)
    expected = {key: len(range(i, n_voters, 4)) for i, key in enumerate(ANSWERS)}
    ok = "yes" if poll.total == n_voters and poll.counts == expected else f"NO: {poll.counts}"
    teacher = min(timed(lambda: store.get(code)) for _ in range(20))
    store.disconnect()
    ms = sorted(lat * 1e3 for lat in latencies)
    p90 = statistics.quantiles(ms, n=10)[-1]
    return (f"{shape:<10} {len(ms):>4}/{n_voters:<4} {ok:<5} {done:>6.2f} {statistics.median(ms):>9.2f} "
            f"{p90:>9.2f} {ms[-1]:>9.2f} {teacher * 1e3:>11.2f}")


def timed(fn) -> float:
    began = time.perf_counter()
    fn()
    return time.perf_counter() - began


def bench(name: str, url: str, args) -> None:
    print(f"\n{name}: {args.voters} voters, spread over {args.spread:g} s "
          f"(processes: {args.processes} workers)")
    print(f"{'shape':<10} {'recorded':>9} {'right':<5} {'done s':>6} {'median ms':>9} {'p90 ms':>9} "
          f"{'max ms':>9} {'get() ms':>11}")
    for shape in ("threads", "processes", "burst"):
        print(run_shape(url, shape, args.voters, args.spread, args.processes), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg", default=os.environ.get("DESCENT_LAB_TEST_PG"),
                        help="PostgreSQL URL (default: $DESCENT_LAB_TEST_PG; none: SQLite only)")
    parser.add_argument("--voters", type=int, default=60)
    parser.add_argument("--spread", type=float, default=1.0, help="seconds over which the answers arrive")
    parser.add_argument("--processes", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bench("SQLite (WAL)", str(Path(tmp) / "polls.sqlite3"), args)
    if args.pg:
        with pg_schema(args.pg) as url:
            bench("PostgreSQL", url, args)
    else:
        print("\nPostgreSQL: skipped (give --pg URL or set DESCENT_LAB_TEST_PG)")


if __name__ == "__main__":
    main()
