"""Command line: ``python -m gd_core fit FILE ...`` and ``python -m gd_core inspect FILE``.

Every bad argument or file ends with one line ``error: ...`` on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import json
import math
import sys

from gd_core.data import FILL_STRATEGIES, make_problem
from gd_core.experiment import INITS, Experiment
from gd_core.importer import ImportResult, import_weather, inspect_dict

MAX_EPOCHS = 10**9


class UsageError(Exception):
    """A bad argument: reported as ``error: ...``, exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, no usage dump
        raise UsageError(message)


def _positive_float(text: str) -> float:
    value = _finite(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a finite number > 0, got {text}")
    return value


def _epochs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= value <= MAX_EPOCHS:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_EPOCHS:,}, got {value}")
    return value


def _finite(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be finite, got {text}")
    return value


def _floats(text: str) -> list[float]:
    return [_finite(part) for part in text.split(",")]


def _names(text: str) -> list[str]:
    names = [part.strip() for part in text.split(",") if part.strip()]
    if not names:
        raise argparse.ArgumentTypeError("give at least one column name, e.g. tmax,tmin,rain")
    return names


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m gd_core", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    fit = sub.add_parser("fit", help="train by full-batch gradient descent and report")
    fit.add_argument("file", help="a weather CSV")
    fit.add_argument("--station", help="station id, when the file holds several")
    fit.add_argument("--predictors", type=_names, default=["tmax", "tmin", "rain"])
    fit.add_argument("--target", default="tmax_tomorrow",
                     help="a column, or <col>_tomorrow built from <col> by calendar day")
    fit.add_argument("--lr", type=_positive_float, default=1e-4, help="learning rate (> 0)")
    fit.add_argument("--epochs", type=_epochs, default=50_000)
    fit.add_argument("--init", choices=INITS, default="tutorial")
    fit.add_argument("--w0", type=_floats, help="initial weights a,b,c (or one for all)")
    fit.add_argument("--b0", type=_finite, help="initial bias")
    fit.add_argument("--standardize", action="store_true",
                     help="descend on standardised predictors (results in original units)")
    fit.add_argument("--fill", choices=FILL_STRATEGIES, default="ffill")
    fit.add_argument("--json", action="store_true", help="print one JSON object")
    fit.set_defaults(handler=cmd_fit)
    inspect = sub.add_parser("inspect", help="show what the importer detects in a weather file")
    inspect.add_argument("file", help="a weather CSV (NOAA, GHCN, Meteostat, Open-Meteo, DWD, ...)")
    inspect.add_argument("--station", help="station id, when the file holds several")
    inspect.add_argument("--json", action="store_true", help="print one JSON object")
    inspect.set_defaults(handler=cmd_inspect)
    return parser


def load_frame(path: str, station: str | None = None):
    """Read a weather file for the CLI, in any format the importer knows."""
    return import_weather(path, station=station).frame


def fit_report(args) -> dict:
    frame = load_frame(args.file, args.station)
    problem = make_problem(frame, args.predictors, args.target, fill=args.fill)
    exp = Experiment.build(problem, standardize=args.standardize)
    if args.w0 is not None and len(args.w0) not in (1, problem.n_features):
        raise ValueError(f"--w0 has {len(args.w0)} values for {problem.n_features} predictors: "
                         f"give {problem.n_features} or one")
    w0, b0 = exp.initial(args.init, args.w0, args.b0)
    history = exp.run(w0, b0, lr=args.lr, epochs=args.epochs)
    w, b = exp.to_original(history.final_weights, history.final_bias)
    th, opt = exp.theory, exp.optimum
    return {
        "weights": [float(v) for v in w], "bias": float(b),
        "epochs_run": history.epochs_run, "diverged": history.diverged,
        "diverged_at": history.diverged_at,
        "loss": exp.losses(w, b),
        "optimum": {"weights": [float(v) for v in opt.weights], "bias": opt.bias,
                    "train": opt.train, "valid": opt.valid, "test": opt.test},
        "baseline": exp.baseline,
        "theory": {"critical_lr": th.critical_lr, "optimal_lr": th.optimal_lr,
                   "condition_number": th.condition_number,
                   "eigenvalues": [float(v) for v in th.eigenvalues]},
    }


def _json_safe(value):
    """inf/nan have no JSON spelling: null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    return value


def _summary(args, r: dict) -> str:
    names = args.predictors
    fit = ", ".join(f"{n}={v:.6g}" for n, v in zip(names, r["weights"]))
    opt = ", ".join(f"{n}={v:.6g}" for n, v in zip(names, r["optimum"]["weights"]))
    th = r["theory"]
    lines = [
        f"{args.target} ~ {' + '.join(names)}   (lr {args.lr:g}, {args.epochs:,} epochs, "
        f"init {args.init}{', standardised' if args.standardize else ''})",
        f"fit      {fit}, bias={r['bias']:.6g}",
        f"optimum  {opt}, bias={r['optimum']['bias']:.6g}",
        f"MSE      train {r['loss']['train']:.6g}  valid {r['loss']['valid']:.6g}  "
        f"test {r['loss']['test']:.6g}",
        f"optimum  train {r['optimum']['train']:.6g}  valid {r['optimum']['valid']:.6g}  "
        f"test {r['optimum']['test']:.6g}",
    ]
    if r["baseline"]:
        lines.append(f"baseline tomorrow = today: valid {r['baseline']['valid']:.6g}  "
                     f"test {r['baseline']['test']:.6g}")
    cond = th["condition_number"]
    lines.append(f"theory   critical lr {th['critical_lr']:.4g}, optimal lr {th['optimal_lr']:.4g}, "
                 f"condition number {cond:.4g}" if cond else "condition number inf (singular)")
    if r["diverged"]:
        lines.append(f"DIVERGED at epoch {r['diverged_at']:,}; the numbers above are the last "
                     f"finite state (epoch {r['epochs_run']:,})")
    return "\n".join(lines)


def cmd_fit(args) -> str:
    report = _json_safe(fit_report(args))
    return json.dumps(report) if args.json else _summary(args, report)


def _inspect_summary(result: ImportResult) -> str:
    r = result.report
    sep = {"\t": "tab"}.get(r.separator, repr(r.separator))
    found = [role for role in ("tmax", "tmin", "rain") if r.columns[role] is not None]
    units = [f"temperature °{r.units['temperature']}" if r.units["temperature"] else "",
             f"rain {r.units['rain']}" if r.units["rain"] else ""]
    lines = [
        f"format    {r.format} ({r.encoding}, separator {sep}, decimal {r.decimal!r}, "
        f"{r.preamble_lines} line(s) before the header)",
        f"dates     {r.start} .. {r.end}, {r.rows:,} rows (column {r.date_column!r}, {r.date_format})",
        "columns   " + ", ".join(f"{role} <- {r.columns[role]!r}" for role in found),
        "units     " + (", ".join(u for u in units if u) or "none"),
        "missing   " + ", ".join(f"{role} {r.missing[role]:,}" for role in found),
    ]
    if r.stations:
        lines.insert(2, f"station   {r.station} (of {len(r.stations)}: {', '.join(r.stations[:10])}"
                        f"{', ...' if len(r.stations) > 10 else ''})")
    lines += [f"note      {note}" for note in r.notes]
    return "\n".join(lines)


def cmd_inspect(args) -> str:
    result = import_weather(args.file, station=args.station)
    return json.dumps(inspect_dict(result)) if args.json else _inspect_summary(result)


def main(argv=None) -> int:
    try:
        args = build_parser().parse_args(argv)
        print(args.handler(args))
    except (UsageError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a bug or an unforeseen file: still one line, never a traceback
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    return 0
