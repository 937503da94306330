"""The loss landscape on real data: Clemson (33k days, °F) at 5,000 epochs.

1. The core alone: each optimizer's 5,000 epochs on the exact quadratic (``gd_core.trajectories``:
   closed forms for gradient descent, momentum and Nesterov; the stepped rule for RMSProp and Adam),
   against the literal loops over the rows that the tests use as oracles.
2. The page, in Streamlit's AppTest (one process, no browser; AppTest's own overhead included): the
   first run at 5,000 epochs with every cache cold, then one setting changed (momentum's β, then
   Adam's step), each a whole rerun of the page.

    .venv/bin/python benchmarks/bench_landscape.py [--repeats 3]

Budgets (issue 10): all five cold ≤ 2 s; a one-setting change ≤ 0.3 s.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import time
from functools import partial
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from gd_core.data import make_problem  # noqa: E402
from gd_core.experiment import Experiment  # noqa: E402
from gd_core.optimizers import OPTIMIZERS, optimize  # noqa: E402
from gd_core.trajectories import trajectory  # noqa: E402
from gd_ui.datasets import read_bundled  # noqa: E402

EPOCHS = 5000  # the budget's setting; --epochs (one of the page's choices) for a short run


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def core(repeats: int, epochs: int = EPOCHS) -> None:
    exp = Experiment.build(make_problem(read_bundled("clemson"), ("tmax",), "tmax_tomorrow"))
    quad, p = exp.quadratic, exp.model_problem.train
    print(f"Clemson, one predictor, {len(p.y):,} training rows, {epochs:,} epochs, "
          "from (w, b) = (-0.5, 10)")
    total = 0.0
    for key, opt in OPTIMIZERS.items():
        lr = 0.5 * quad.critical_lr if not opt.adaptive else 0.05
        fast = min(timed(partial(trajectory, quad, [-0.5], 10.0, method=key, lr=lr, epochs=epochs))
                   for _ in range(repeats))
        loop = timed(partial(optimize, p.x, p.y, np.array([-0.5]), 10.0, method=key, lr=lr, epochs=epochs,
                             max_points=None))
        total += fast
        print(f"  {opt.label:<18} exact path {fast * 1000:7.1f} ms   "
              f"literal loop over the rows {loop:6.2f} s")
    print(f"  all five: {total * 1000:.0f} ms")


def page(repeats: int, epochs: int = EPOCHS) -> None:
    import streamlit as st
    from streamlit.logger import set_log_level
    from streamlit.testing.v1 import AppTest

    set_log_level("error")  # "no runtime found" when the caches are cleared outside a run
    for name in list(logging.root.manager.loggerDict):
        if name.startswith("streamlit"):
            logging.getLogger(name).setLevel(logging.ERROR)

    cold, beta, adam = [], [], []
    for _ in range(repeats):
        st.cache_data.clear()
        st.cache_resource.clear()
        at = AppTest.from_file(str(REPO / "app.py"), default_timeout=300)
        at.query_params["ds"] = "clemson"
        at.run()
        at.switch_page("pages/Loss_Landscape.py")
        at.session_state["land_epochs"] = epochs
        start = time.perf_counter()
        at.run()
        cold.append(time.perf_counter() - start)
        assert not at.exception, at.exception
        at.select_slider(key="land_momentum_beta").set_value("0.8")
        start = time.perf_counter()
        at.run()
        beta.append(time.perf_counter() - start)
        at.select_slider(key="land_lr_adam").set_value(at.select_slider(key="land_lr_adam").options[3])
        start = time.perf_counter()
        at.run()
        adam.append(time.perf_counter() - start)
        assert not at.exception, at.exception
    print(f"The landscape page (AppTest, Clemson, {epochs:,} epochs, median of {repeats}):")
    print(f"  first run, every cache cold (the map, five optimizers, the noisy paths): "
          f"{statistics.median(cold):.2f} s")
    print(f"  momentum's β changed (one optimizer recomputed): {statistics.median(beta) * 1000:.0f} ms")
    print(f"  Adam's step changed (one optimizer recomputed):  {statistics.median(adam) * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=EPOCHS, choices=(100, 200, 500, 1000, 2000, 5000),
                        help=f"epochs of every run (default {EPOCHS:,}, the budget's; fewer for a short run)")
    args = parser.parse_args()
    core(args.repeats, args.epochs)
    page(args.repeats, args.epochs)


if __name__ == "__main__":
    main()
