"""Command line: ``python -m gd_core fit FILE ...`` and ``python -m gd_core inspect FILE``.

Every bad argument or file ends with one line ``error: ...`` on stderr and exit status 2; no
warning ever reaches stderr; a reader that stops early (``| head``) ends the program quietly.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import stat
import sys
import warnings

import numpy as np

from gd_core.cli_export import add_export_command
from gd_core.cli_inspect import add_correction_flags, cmd_inspect, read_weather
from gd_core.cli_schedule import add_schedule_args, report_part, schedule_from, summary_line
from gd_core.data import FILL_STRATEGIES, make_problem
from gd_core.experiment import INITS, Experiment

MAX_EPOCHS = 10**9
DESCRIPTION = """Descent Lab on the command line: fit a weather file by gradient descent, or inspect it.

examples:
  python -m gd_core fit data/seattle-weather.csv --predictors tmax,tmin --lr 1e-4 --epochs 50000
  python -m gd_core inspect data/clemson-temps.csv --json
  python -m gd_core fit --help"""


class UsageError(Exception):
    """A bad argument: reported as ``error: ...``, exit 2."""


class _Parser(argparse.ArgumentParser):
    """An argparse parser whose errors are one ``error: ...`` line, not a usage dump."""

    def error(self, message):  # one line, no usage dump
        """Raise instead of printing usage and exiting."""
        raise UsageError(message)


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """``--help`` with each option's default (where it has one worth stating)."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if action.default not in (None, False, argparse.SUPPRESS) and "default" not in text \
                and action.option_strings:
            shown = ",".join(action.default) if isinstance(action.default, list) else "%(default)s"
            text += f" (default: {shown})"
        return text


# A file larger than this is refused before it is read: the importer reads at most 2,000,000 data
# rows, and no daily weather export of that many rows comes near this size.
MAX_FILE_BYTES = 500 * 1000**2


def check_file(path: str) -> str:
    """``path`` if it names a regular file the importer may read; else a UsageError naming the fix.

    Checked before anything is read: a directory or a pipe is not "not found", and a file over
    ``MAX_FILE_BYTES`` is refused without being read whole (a 2 GB file took 2.2 GB and 10 s).
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise UsageError(f"file not found: {path!r} (check the path)") from None
    except OSError as exc:
        raise UsageError(f"cannot read {path!r}: {exc.strerror} (check the path and its permissions)") \
            from None
    if stat.S_ISDIR(st.st_mode):
        raise UsageError(f"{path!r} is a folder, not a file: give the weather CSV inside it")
    if not stat.S_ISREG(st.st_mode):
        kind = "a pipe (FIFO)" if stat.S_ISFIFO(st.st_mode) else "a socket" if stat.S_ISSOCK(st.st_mode) \
            else "a device"
        raise UsageError(f"{path!r} is {kind}, not a regular file: save the data to a file first")
    if st.st_size > MAX_FILE_BYTES:
        raise UsageError(f"{path!r} is {st.st_size / 1e6:,.0f} MB, over the limit of "
                         f"{MAX_FILE_BYTES / 1e6:,.0f} MB (at most 2,000,000 daily rows are read): "
                         "split it, or keep only the station and columns you need")
    return path


def _positive_float(text: str) -> float:
    """A finite number > 0 (the learning rate)."""
    value = _finite(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a finite number > 0, got {text}")
    return value


def _epochs(text: str) -> int:
    """A whole number of epochs between 1 and ``MAX_EPOCHS``."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= value <= MAX_EPOCHS:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_EPOCHS:,}, got {value}")
    return value


def _finite(text: str) -> float:
    """A finite number (no inf, no nan)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be finite, got {text}")
    return value


def _floats(text: str) -> list[float]:
    """Comma-separated finite numbers (``--w0 0.5,-1,2``)."""
    return [_finite(part) for part in text.split(",")]


def _names(text: str) -> list[str]:
    """Comma-separated column names, at least one."""
    names = [part.strip() for part in text.split(",") if part.strip()]
    if not names:
        raise argparse.ArgumentTypeError("give at least one column name, e.g. tmax,tmin,rain")
    return names


def build_parser() -> argparse.ArgumentParser:
    """The ``fit`` and ``inspect`` subcommands and their options."""
    parser = _Parser(prog="python -m gd_core", description=DESCRIPTION, formatter_class=_HelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser, metavar="COMMAND")
    fit = sub.add_parser("fit", help="train by full-batch gradient descent and report",
                         description="Train by full-batch gradient descent and report the fit, the\n"
                                     "least-squares optimum, the baseline and the theory.",
                         formatter_class=_HelpFormatter)
    fit.add_argument("file", type=check_file, help="a weather CSV")
    fit.add_argument("--station", help="station id, when the file holds several")
    fit.add_argument("--predictors", type=_names, default=["tmax", "tmin", "rain"],
                     help="comma-separated predictor columns")
    fit.add_argument("--target", default="tmax_tomorrow",
                     help="a column, or <col>_tomorrow built from <col> by calendar day")
    fit.add_argument("--lr", type=_positive_float, default=1e-4, help="learning rate (> 0)")
    fit.add_argument("--epochs", type=_epochs, default=50_000, help=f"epochs to run (1 to {MAX_EPOCHS:,})")
    fit.add_argument("--init", choices=INITS, default="tutorial",
                     help="starting values: the tutorial's seeded ones, or zeros")
    fit.add_argument("--w0", type=_floats, help="initial weights a,b,c (or one for all)")
    fit.add_argument("--b0", type=_finite, help="initial bias")
    fit.add_argument("--standardize", action="store_true",
                     help="descend on standardised predictors (results in original units)")
    fit.add_argument("--fill", choices=FILL_STRATEGIES, default="ffill", help="how gaps are filled")
    fit.add_argument("--max-fill-days", type=_epochs, default=None, metavar="N",
                     help="fill only gaps of at most N calendar days, leave longer ones out (default: no "
                          "limit, as the tutorial; the app uses 7)")
    fit.add_argument("--json", action="store_true", help="print one JSON object")
    add_schedule_args(fit)
    add_correction_flags(fit)
    fit.set_defaults(handler=cmd_fit)
    inspect = sub.add_parser("inspect", help="show what the importer detects in a weather file",
                             description="Show what the importer detects in a weather file.",
                             formatter_class=_HelpFormatter)
    inspect.add_argument("file", type=check_file,
                         help="a weather CSV (NOAA, GHCN, Meteostat, Open-Meteo, DWD, ...)")
    inspect.add_argument("--station", help="station id, when the file holds several")
    inspect.add_argument("--json", action="store_true", help="print one JSON object")
    add_correction_flags(inspect)
    inspect.set_defaults(handler=cmd_inspect)
    add_export_command(sub, fit)  # after fit's options: export copies them all
    return parser


def fit_start(args):
    """What ``fit`` (and ``export``) start from: the import (any format the importer knows, with the
    corrections given), the problem, the experiment, and the start (w0, b0) in the model's space."""
    result = read_weather(args)
    problem = make_problem(result.frame, args.predictors, args.target, fill=args.fill,
                           max_fill_days=args.max_fill_days)
    exp = Experiment.build(problem, standardize=args.standardize)
    if args.w0 is not None and len(args.w0) not in (1, problem.n_features):
        raise ValueError(f"--w0 has {len(args.w0)} values for {problem.n_features} predictors: "
                         f"give {problem.n_features} or one")
    w0, b0 = exp.initial(args.init, args.w0, args.b0)
    return result, problem, exp, w0, b0


def fit_report(args) -> dict:
    """Import, build the problem, descend, and gather the JSON report (numbers may be inf/nan)."""
    _, problem, exp, w0, b0 = fit_start(args)
    schedule = schedule_from(args)
    # A rate so large that η·λ overflows is a run that diverges on its first step: the history says
    # so (diverged_at=1, last finite state kept); the overflow itself is not an error worth a warning.
    with np.errstate(over="ignore", invalid="ignore"):
        history = exp.run(w0, b0, lr=args.lr, epochs=args.epochs, schedule=schedule)
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
    } | ({"schedule": report_part(exp, schedule, args.lr, args.epochs, history)} if schedule else {})


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
    """The readable report: model, start, fit, optimum, losses, baseline, theory, divergence."""
    names = args.predictors
    fit = ", ".join(f"{n}={v:.6g}" for n, v in zip(names, r["weights"]))
    opt = ", ".join(f"{n}={v:.6g}" for n, v in zip(names, r["optimum"]["weights"]))
    th = r["theory"]
    lines = [
        f"{args.target} ~ {' + '.join(names)}   (lr {args.lr:g}, {args.epochs:,} epochs, "
        f"{start_text(args, len(names))}{', standardised' if args.standardize else ''})",
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
    if summary_line(r):
        lines.append(summary_line(r))
    if r["diverged"]:
        lines.append(f"DIVERGED at epoch {r['diverged_at']:,}; the numbers above are the last "
                     f"finite state (epoch {r['epochs_run']:,})")
    return "\n".join(lines)


def cmd_fit(args) -> str:
    """The ``fit`` subcommand: one JSON object or the readable summary."""
    report = _json_safe(fit_report(args))
    return json.dumps(report) if args.json else _summary(args, report)


def start_text(args, n_features: int) -> str:
    """The start actually used: ``init tutorial``, ``start w0=0.5,0.5 b0=1`` or ``init zeros with b0=7``."""
    w0 = None if args.w0 is None else ",".join(f"{v:g}" for v in np.broadcast_to(args.w0, (n_features,)))
    if w0 is not None and args.b0 is not None:
        return f"start w0={w0} b0={args.b0:g}"
    given = f"w0={w0}" if w0 is not None else f"b0={args.b0:g}" if args.b0 is not None else ""
    return f"init {args.init}" + (f" with {given}" if given else "")


def _one_line(exc: BaseException) -> str:
    """``error: ...`` on one line, whatever the message holds."""
    text = " ".join(str(exc).split())
    return f"error: {text}" if isinstance(exc, UsageError | ValueError | OSError) else \
        f"error: {type(exc).__name__}: {text}"


def _run(argv) -> str:
    """Parse and run one command; numeric warnings become errors, any other warning is silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        warnings.simplefilter("error", RuntimeWarning)
        args = build_parser().parse_args(argv)
        return args.handler(args)


def _commands(parser: argparse.ArgumentParser) -> list[str]:
    return [name for action in parser._subparsers._group_actions for name in action.choices]


def _quiet_stdout() -> None:
    """After a closed pipe: send what is left in stdout's buffer to /dev/null, so exit is quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a real file (tests redirect it)
        pass


def main(argv=None) -> int:
    """Run the command line; 0 on success (or a closed pipe), 2 with one ``error: ...`` line otherwise."""
    if not (sys.argv[1:] if argv is None else argv):  # no command at all: say how to use it
        parser = build_parser()
        parser.print_usage(sys.stderr)
        print(f"error: give a command ({', '.join(_commands(parser))}); "
              "python -m gd_core --help explains each", file=sys.stderr)
        return 2
    try:
        text = _run(argv)
        print(text)
        sys.stdout.flush()
    except BrokenPipeError:  # the reader stopped early (| head): not an error, as for any Unix tool
        _quiet_stdout()
        return 0
    except Exception as exc:  # a bug or an unforeseen file: still one line, never a traceback
        print(_one_line(exc), file=sys.stderr)
        return 2
    return 0
