"""Time "take the run home": building the zip, running the exported script, executing the notebook.

    python benchmarks/bench_takeaway.py [--short]

For three views (the Playground's default on Seattle; Clemson's 33,148 days, two predictors
standardised; the tutorial's setup on Seattle, 50,000 epochs): the seconds to build ``descent-run.zip``
(what a click on the download button costs the server, nbformat validation included), its size, then
``python descent.py`` and the notebook executed by nbclient (kernel start included) in a temporary
folder holding only the three files, each checked against the app's own numbers (1e-9 relative).
``--short`` runs the first view only.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from takeaway_run import execute_notebook, jupyter_kernel, run_script, unzip_three  # noqa: E402

from gd_core.importer import import_weather  # noqa: E402
from gd_core.takeaway import RunView, prepare  # noqa: E402
from gd_ui.takeaway_view import run_zip_of  # noqa: E402

VIEWS = {
    "playground default: Seattle, tmax, 10,000 epochs": (
        "seattle-weather.csv", ("tmax",), False, (-0.5,), 10.0, 2.4e-3, 10_000),
    "Clemson 33,148 days, tmax+tmin standardised, 300 epochs": (
        "clemson-temps.csv", ("tmax", "tmin"), True, (0.0, 0.0), 0.0, 0.5, 300),
    "tutorial: Seattle, tmax+tmin+rain, 50,000 epochs": (
        "seattle-weather.csv", ("tmax", "tmin", "rain"), False, (0.1, 0.1, 0.1), 0.5, 1e-4, 50_000),
}


def same(got: dict, want: dict) -> bool:
    close = [math.isclose(a, b, rel_tol=1e-9) for a, b in zip(got["weights"], want["weights"])]
    return all(close) and math.isclose(got["bias"], want["bias"], rel_tol=1e-9) and \
        math.isclose(got["train_loss"], want["train_loss"], rel_tol=1e-9) and \
        (got["epochs_run"], got["diverged_at"]) == (want["epochs_run"], want["diverged_at"])


def one(name: str, spec, kernel: str) -> None:
    file, predictors, standardize, w0, b0, lr, epochs = spec
    result = import_weather(REPO / "data" / file)
    view = RunView(result.frame, predictors, "tmax_tomorrow", standardize, w0, b0, lr, epochs,
                   units=dict(result.report.units))
    start = time.perf_counter()
    data = run_zip_of(view)
    build = time.perf_counter() - start
    want = prepare(view).result()
    with tempfile.TemporaryDirectory() as folder:
        unzip_three(data, Path(folder))
        from_script, script_s = run_script(Path(folder))
        from_notebook, notebook_s, _ = execute_notebook(Path(folder), kernel)
    ok = same(from_script, want) and same(from_notebook, want)
    print(f"{name}\n  zip {len(data) / 1024:.0f} KB built in {build * 1000:.0f} ms; "
          f"script {script_s:.2f} s; notebook {notebook_s:.2f} s; matches the app: {ok}")
    if not ok:
        raise SystemExit(f"mismatch: {from_script} / {from_notebook} against {want}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true", help="the first view only")
    args = parser.parse_args()
    with jupyter_kernel() as kernel:
        for name, spec in list(VIEWS.items())[: 1 if args.short else None]:
            one(name, spec, kernel)


if __name__ == "__main__":
    main()
