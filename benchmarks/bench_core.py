"""Time the tutorial's run through the literal loop and through the closed-form fast path.

    python benchmarks/bench_core.py [PATH] [--repeats N]

PATH defaults to the tutorial's own data, ``../shared/reference/clean_weather.csv`` next to the repository.
Everything runs in this one process; the fast path reports the best of ``--repeats`` runs.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run as a script from anywhere

from gd_core import Experiment, Quadratic, gradient_descent, make_problem, read_weather_csv  # noqa: E402

REFERENCE_CSV = REPO.parent / "shared" / "reference" / "clean_weather.csv"
PREDICTORS = ("tmax", "tmin", "rain")
TARGET = "tmax_tomorrow"
LR, EPOCHS = 1e-4, 50_000
BUDGET_S = 0.1  # the budget for 1,000,000 epochs on 13.5k rows × 3 predictors


def best_of(repeats: int, fn):
    """Best wall time of ``repeats`` calls, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:10.3f} ms"


def tutorial_run(path: Path, repeats: int) -> None:
    problem = make_problem(read_weather_csv(path), PREDICTORS, TARGET)
    train, valid = problem.train, problem.valid
    exp = Experiment.build(problem)
    w0, b0 = exp.initial("tutorial")
    print(f"tutorial run: {path.name}, {len(train.y):,} training rows × {problem.n_features} predictors, "
          f"lr {LR:g}, {EPOCHS:,} epochs")

    loop_s, loop = best_of(1, lambda: gradient_descent(train.x, train.y, w0, b0, lr=LR, epochs=EPOCHS,
                                                        x_valid=valid.x, y_valid=valid.y))

    def build_and_run():
        return Experiment.build(problem).run(w0, b0, lr=LR, epochs=EPOCHS)

    def quadratic_and_descend():
        return Quadratic.from_data(train.x, train.y, valid.x, valid.y).descend(w0, b0, lr=LR, epochs=EPOCHS)

    build_s, fast = best_of(repeats, build_and_run)
    quad_s, _ = best_of(repeats, quadratic_and_descend)
    descend_s, _ = best_of(repeats, lambda: exp.run(w0, b0, lr=LR, epochs=EPOCHS))

    theta_loop = np.append(loop.final_weights, loop.final_bias)
    theta_fast = np.append(fast.final_weights, fast.final_bias)
    agreement = np.linalg.norm(theta_fast - theta_loop) / np.linalg.norm(theta_loop)
    print(f"  literal loop (gradient_descent)          {ms(loop_s)}")
    print(f"  fast: Experiment.build + run             {ms(build_s)}   ratio {loop_s / build_s:10,.0f}×")
    print(f"  fast: Quadratic.from_data + descend      {ms(quad_s)}   ratio {loop_s / quad_s:10,.0f}×")
    print(f"  fast: descend alone                      {ms(descend_s)}   ratio {loop_s / descend_s:10,.0f}×")
    print(f"  final θ agree to {agreement:.1e} (relative); valid MSE loop {loop.valid_loss[-1]:.12g}, "
          f"fast {fast.valid_loss[-1]:.12g}")


def million_epochs(repeats: int) -> bool:
    rng = np.random.default_rng(0)
    n, epochs = 13_500, 1_000_000
    x = rng.normal(loc=[60.0, 45.0, 0.05], scale=[10.0, 8.0, 0.2], size=(n, 3))
    y = x @ [0.7, 0.2, -2.0] + 9.5 + rng.normal(scale=4.5, size=n)
    w0, b0 = np.zeros(3), 0.0
    build_s, quad = best_of(repeats, lambda: Quadratic.from_data(x, y))
    lr = 0.5 * 2 / quad.eigenvalues[-1]
    descend_s, history = best_of(repeats, lambda: quad.descend(w0, b0, lr=lr, epochs=epochs))
    both_s, _ = best_of(repeats, lambda: Quadratic.from_data(x, y).descend(w0, b0, lr=lr, epochs=epochs))
    ok = both_s < BUDGET_S
    print(f"1,000,000 epochs, {n:,} rows × 3 predictors (synthetic, lr = 0.5 × critical), "
          f"{len(history.epochs)} recorded epochs")
    print(f"  Quadratic.from_data                      {ms(build_s)}")
    print(f"  descend                                  {ms(descend_s)}")
    print(f"  from_data + descend                      {ms(both_s)}   "
          f"{'within' if ok else 'OVER'} the {BUDGET_S * 1e3:.0f} ms budget")
    return ok


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=REFERENCE_CSV,
                        help="the tutorial's CSV (default: %(default)s)")
    parser.add_argument("--repeats", type=int, default=20, help="fast-path repeats (best is shown)")
    args = parser.parse_args(argv)
    if not args.path.is_file():
        print(f"error: file not found: {args.path} (give the tutorial's clean_weather.csv)", file=sys.stderr)
        return 2
    tutorial_run(args.path, args.repeats)
    return 0 if million_epochs(args.repeats) else 1


if __name__ == "__main__":
    sys.exit(main())
