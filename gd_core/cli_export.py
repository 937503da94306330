"""``python -m gd_core export FILE --out DIR``: the run ``fit`` would do, as a notebook, a script, its data.

It takes every option of ``fit`` (copied from its parser, so both stay the same) plus ``--out`` and
``--force``, checks them exactly as ``fit`` does (same one-line errors), and writes ``descent.ipynb``,
``descent.py`` and ``weather.csv`` into DIR (see ``gd_core.takeaway``).
"""

from __future__ import annotations

import json
from pathlib import Path

from gd_core.cli_schedule import schedule_from
from gd_core.takeaway import RunView, prepare, write_run


def add_export_command(sub, fit) -> None:
    """Register ``export`` beside ``fit``, with all of ``fit``'s options (call after they are added)."""
    export = sub.add_parser("export", parents=[fit], add_help=False,
                            help="write the run as a notebook, a script and its data (same options as fit)",
                            description="Write descent.ipynb, descent.py and weather.csv into DIR: the "
                                        "run fit would do, as code that reproduces fit --json.")
    export.add_argument("--out", required=True, metavar="DIR", help="the folder to write into (created)")
    export.add_argument("--force", action="store_true",
                        help="write into a folder that already holds files (replaces the three files)")
    export.set_defaults(handler=cmd_export)


def view_from_args(args) -> RunView:
    """The view ``fit`` runs for these options: same import, problem, start and checks."""
    from gd_core.cli import fit_start  # cli imports this module to add the command

    result, _, _, w0, b0 = fit_start(args)  # with fit's correction flags, which export copies
    schedule = schedule_from(args)
    report = result.report
    station = f", station {report.station}" if report.station else ""
    return RunView(result.frame, tuple(args.predictors), args.target, bool(args.standardize),
                   tuple(float(v) for v in w0), float(b0), float(args.lr), int(args.epochs), fill=args.fill,
                   max_fill_days=args.max_fill_days,
                   schedule=schedule.to_dict() if schedule is not None else None, units=dict(report.units),
                   source=f"{Path(args.file).name} ({report.format}{station})")


def cmd_export(args) -> str:
    """The ``export`` subcommand: check, write, and say what was written (or one JSON object)."""
    view = view_from_args(args)
    expected = prepare(view).result()
    written = write_run(view, args.out, force=args.force)
    if args.json:
        return json.dumps({"out": str(Path(args.out)), "files": [p.name for p in written],
                           "expected": expected})
    lines = [f"wrote {path}" for path in written]
    lines.append("run it: python descent.py (or open descent.ipynb); its last line should be")
    lines.append(json.dumps(expected))
    return "\n".join(lines)
