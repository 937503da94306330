"""Building the live chart's rate table with a learning-rate schedule against the constant-rate table.

    python benchmarks/bench_schedule.py [--repeats N] [--epochs E ...] [--short]

For Seattle (tmax) and Clemson (tmax, tmin): the slider's whole grid of rates (1/1000 … 10× critical,
24 per decade), 200 recorded epochs, every schedule (r = 0.5, K = 100), best of ``--repeats``. Reports the
table build (what the browser gets) and the endings for one start (each rate's divergence stop, per
rerun), and the ratio to the constant-rate table. The issue's budget: the table with a schedule within 2×
the constant one's time, at every epoch count measured (the Playground's slider reaches 1,000,000).
``--short``: one repeat, 10,000 epochs only (a smoke run).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run as a script from anywhere

from gd_core.data import make_problem  # noqa: E402
from gd_core.experiment import Experiment  # noqa: E402
from gd_core.model import init_tutorial  # noqa: E402
from gd_core.rate_grid import endings, rate_table  # noqa: E402
from gd_core.schedules import SCHEDULES, Schedule  # noqa: E402
from gd_ui.controls import lr_options  # noqa: E402
from gd_ui.datasets import read_bundled  # noqa: E402

FRAMES = 200
BUDGET = 2.0  # × the constant-rate table


def best_of(repeats: int, fn):
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def measure(q, rates, epochs: int, w0, b0, schedule, repeats: int) -> tuple[float, float]:
    """Best times of building the table and of one start's endings."""
    table_s, table = best_of(repeats, lambda: rate_table(q, rates, epochs, FRAMES, schedule))
    end_s, _ = best_of(repeats, lambda: endings(q, table, w0, b0, epochs))
    return table_s, end_s


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--epochs", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--short", action="store_true", help="one repeat at 10,000 epochs")
    args = parser.parse_args(argv)
    repeats, epoch_counts = (1, [10_000]) if args.short else (args.repeats, args.epochs)
    over = []
    for key, predictors in (("seattle", ("tmax",)), ("clemson", ("tmax", "tmin"))):
        exp = Experiment.build(make_problem(read_bundled(key), predictors, "tmax_tomorrow"))
        rates = [float(o) for o in lr_options(exp.theory.critical_lr)]
        w0, b0 = init_tutorial(len(predictors))
        for epochs in epoch_counts:
            print(f"{key} {'+'.join(predictors)}: {len(rates)} rates × {FRAMES} recorded epochs of "
                  f"{epochs:,}")
            base_s, base_end_s = measure(exp.quadratic, rates, epochs, w0, b0, None, repeats)
            print(f"  {'constant':13s} table {base_s * 1e3:8.2f} ms   endings {base_end_s * 1e3:8.2f} ms")
            for kind in SCHEDULES[1:]:
                table_s, end_s = measure(exp.quadratic, rates, epochs, w0, b0, Schedule(kind, 0.5, 100),
                                         repeats)
                ratio = table_s / base_s
                print(f"  {kind:13s} table {table_s * 1e3:8.2f} ms   endings {end_s * 1e3:8.2f} ms   "
                      f"table {ratio:4.2f}× the constant one")
                if ratio > BUDGET:
                    over.append(f"{key} {kind} at {epochs:,}: {ratio:.2f}×")
    verdict = "every schedule within 2×" if not over else "over: " + "; ".join(over)
    print(f"budget: {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
