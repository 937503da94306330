"""Server-side time of the playground script after a slider change (budget: ≤ 150 ms, default data).

Runs the real page under Streamlit's AppTest (which adds its own overhead, so these are upper
bounds), changes each slider in turn, and prints the median and p90 of the reruns, plus the
figure JSON size on the default and the largest bundled dataset.

    python benchmarks/bench_server.py [repeats]
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def rerun_times(at: AppTest, repeats: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {"lr": [], "w0": [], "b0": [], "epochs": []}
    lr_options = at.select_slider(key="lr").options
    for i in range(repeats):
        for key in times:
            if key == "lr":
                at.select_slider(key="lr").set_value(lr_options[len(lr_options) // 3 + i % 40])
            elif key == "epochs":
                at.select_slider(key="epochs").set_value([1000, 10_000, 100_000, 1_000_000][i % 4])
            else:
                at.slider(key=key).set_value(at.slider(key=key).value + (0.1 if i % 2 else -0.1))
            start = time.perf_counter()
            at.run()
            times[key].append(time.perf_counter() - start)
            assert not at.exception, at.exception
    return times


def main(repeats: int = 12) -> None:
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.run()  # warm caches of the page's first view
    times = rerun_times(at, repeats)
    print(f"playground rerun after a slider change (AppTest, {repeats} per slider, default data):")
    for key, ts in times.items():
        ts_ms = sorted(t * 1000 for t in ts)
        p90 = ts_ms[int(0.9 * len(ts_ms))]
        print(f"  {key:7s} median {statistics.median(ts_ms):6.1f} ms   p90 {p90:6.1f} ms")
    every = sorted(t * 1000 for ts in times.values() for t in ts)
    print(f"  all     median {statistics.median(every):6.1f} ms   p90 {every[int(0.9 * len(every))]:6.1f} ms")
    for ds, pred in (("seattle", ["tmax"]), ("clemson", ["tmax", "tmin"])):
        at = AppTest.from_file(APP, default_timeout=120)
        at.query_params["ds"] = ds
        at.query_params["pred"] = pred
        at.query_params["epochs"] = "1000000"
        at.run()
        size = len(at.get("plotly_chart")[0].proto.spec)
        frames = len(json.loads(at.get("plotly_chart")[0].proto.spec)["frames"])
        print(f"figure JSON, {ds} {'+'.join(pred)}, 1,000,000 epochs: {size / 1e6:.2f} MB, {frames} frames")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 12)
