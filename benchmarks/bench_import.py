"""Time and measure the weather importer on a 1,000,000-row (~44 MB) NOAA-style CSV.

    python benchmarks/bench_import.py [--rows N] [--keep DIR]

Writes two NOAA Climate Data Online style files (every field quoted, ``"STATION","DATE","PRCP",
"TMAX","TMIN"``, 1 % empty cells) into a temporary directory, every station's days from 1700-01-01:

- ``9-stations``: 9 stations of N/9 consecutive days each (the worst case: every row is read, and the
  kept station's ~111,000 rows are dated, converted and checked). One station cannot hold N = 1,000,000
  days any more: the importer refuses dates after next year (1700 + 2,738 years would be needed), so
  ~120,000 days is the most a single station's file can have;
- ``40-stations``: 40 stations one after the other (the usual bulk download; one station is kept).

The files are written by a child process, and each import runs in a fresh Python process, twice:
once for wall time and peak resident memory (``resource.getrusage(...).ru_maxrss``, which includes
the interpreter and pandas themselves), once under ``tracemalloc`` for the peak of Python-tracked
allocations (numpy arrays included; the pandas C parser's own buffers are not tracked, which is why
both figures are shown). Budget: 5 s and 1 GB.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BUDGET_S, BUDGET_MB = 5.0, 1024.0

_CHILD = """
import json, resource, sys, time, tracemalloc
sys.path.insert(0, {repo!r})
from gd_core.importer import import_weather
path, mode = sys.argv[1], sys.argv[2]
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
if mode == "trace":
    tracemalloc.start()
start = time.perf_counter()
result = import_weather(path)
seconds = time.perf_counter() - start
out = {{"seconds": seconds, "rows": result.report.rows, "stations": len(result.report.stations),
        "rss_before_mb": before, "rss_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}
if mode == "trace":
    out["tracemalloc_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
print(json.dumps(out))
"""


def write_noaa_csv(path: Path, rows: int, stations: int, seed: int = 0) -> Path:
    """A NOAA CDO style CSV with ``rows`` rows split evenly over ``stations`` stations."""
    import csv

    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    per = rows // stations
    days = pd.date_range("1700-01-01", periods=per, unit="s").strftime("%Y-%m-%d")
    if days[-1] >= f"{pd.Timestamp.now().year + 1}-12-31":
        raise SystemExit(f"{per:,} days per station run past next year: use more stations or fewer rows")
    doy = np.tile(np.arange(per) % 365, stations)
    tmax = np.round(65 + 15 * np.sin(2 * np.pi * doy / 365) + rng.normal(0, 6, per * stations))
    tmin = tmax - rng.integers(8, 25, per * stations)
    prcp = np.where(rng.random(per * stations) < 0.7, 0.0, np.round(rng.exponential(0.3, per * stations), 2))
    frame = pd.DataFrame({
        "STATION": np.repeat([f"USW000{23000 + i:05d}" for i in range(stations)], per),
        "DATE": np.tile(days.to_numpy(), stations),
        "PRCP": prcp, "TMAX": pd.array(tmax.astype(int), dtype="Int64"),
        "TMIN": pd.array(tmin.astype(int), dtype="Int64"),
    })
    for column in ("PRCP", "TMAX", "TMIN"):  # 1 % gaps, as empty fields
        frame.loc[rng.random(len(frame)) < 0.01, column] = None
    frame.to_csv(path, index=False, quoting=csv.QUOTE_ALL, float_format="%.2f")
    return path


def write_in_child(path: Path, rows: int, stations: int) -> Path:
    """Write the file from another process: ``ru_maxrss`` survives fork+exec, so the parent stays small."""
    subprocess.run([sys.executable, __file__, "--write", str(path), "--rows", str(rows),
                    "--stations", str(stations)], check=True)
    return path


def measure(path: Path, mode: str) -> dict:
    code = _CHILD.format(repo=str(REPO))
    done = subprocess.run([sys.executable, "-c", code, str(path), mode], capture_output=True, text=True,
                          check=True)
    return json.loads(done.stdout)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="write the files here and keep them")
    parser.add_argument("--write", type=Path, help=argparse.SUPPRESS)  # internal: the file writer
    parser.add_argument("--stations", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.write:
        write_noaa_csv(args.write, args.rows, args.stations)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        ok = True
        for label, stations in (("9-stations", 9), ("40-stations", 40)):
            path = write_in_child(folder / f"noaa-{label}.csv", args.rows, stations)
            timed, traced = measure(path, "time"), measure(path, "trace")
            size_mb = path.stat().st_size / 1e6
            within = timed["seconds"] <= BUDGET_S and timed["rss_peak_mb"] <= BUDGET_MB
            ok &= within
            print(f"{label:12s} {args.rows:,} rows, {size_mb:.1f} MB, {timed['stations']} station(s), "
                  f"{timed['rows']:,} rows imported")
            print(f"{'':12s} wall {timed['seconds']:.2f} s | peak RSS {timed['rss_peak_mb']:.0f} MB "
                  f"(interpreter + imports before: {timed['rss_before_mb']:.0f} MB) | tracemalloc peak "
                  f"{traced['tracemalloc_peak_mb']:.0f} MB (wall {traced['seconds']:.2f} s traced) | "
                  f"{'within' if within else 'OVER'} budget ({BUDGET_S:g} s, {BUDGET_MB:.0f} MB)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
