"""The ``fit`` subcommand's learning-rate schedule: its flags, their checks, its lines in the report.

``--schedule {constant,step,exponential,inverse-time,cosine} [--decay-rate R] [--decay-epochs K]
[--warmup-epochs W]``. Bad values end as one ``error: ...`` line (exit 2): R ≤ 0, K < 1, W ≥ epochs, a
schedule parameter without ``--schedule``, a decay parameter for a schedule that has none.
"""

from __future__ import annotations

import argparse
import math

from gd_core.schedule_theory import ScheduleTheory, schedule_theory
from gd_core.schedules import (
    DECAYING,
    DEFAULT_DECAY_EPOCHS,
    DEFAULT_DECAY_RATE,
    SCHEDULES,
    Schedule,
)


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be a finite number > 0, got {text}")
    return value


def _whole(low: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"must be a whole number ≥ {low}, got {value}")
        return value
    return parse


def add_schedule_args(fit: argparse.ArgumentParser) -> None:
    """The schedule's flags on the ``fit`` parser."""
    fit.add_argument("--schedule", choices=SCHEDULES,
                     help="learning-rate schedule; --lr is then its peak rate (default: constant)")
    fit.add_argument("--decay-rate", type=_rate,
                     help=f"r for step/exponential/inverse-time (> 0, default {DEFAULT_DECAY_RATE})")
    fit.add_argument("--decay-epochs", type=_whole(1),
                     help=f"K for step/exponential/inverse-time (≥ 1, default {DEFAULT_DECAY_EPOCHS})")
    fit.add_argument("--warmup-epochs", type=_whole(0),
                     help="W epochs of linear warm-up before the schedule (< epochs)")


def schedule_from(args) -> Schedule | None:
    """The schedule the flags ask for (None without ``--schedule``); ValueError for a bad combination."""
    given = {flag: value for flag, value in (("--decay-rate", args.decay_rate),
                                             ("--decay-epochs", args.decay_epochs),
                                             ("--warmup-epochs", args.warmup_epochs)) if value is not None}
    if args.schedule is None:
        if given:
            raise ValueError(f"{', '.join(given)} needs --schedule (one of {', '.join(SCHEDULES)})")
        return None
    if args.schedule not in DECAYING:
        extra = [flag for flag in given if flag.startswith("--decay")]
        if extra:
            raise ValueError(f"{', '.join(extra)} does not apply to --schedule {args.schedule}: it is "
                             f"used by {', '.join(DECAYING)}")
    schedule = Schedule(args.schedule,
                        DEFAULT_DECAY_RATE if args.decay_rate is None else args.decay_rate,
                        DEFAULT_DECAY_EPOCHS if args.decay_epochs is None else args.decay_epochs,
                        args.warmup_epochs or 0)
    if schedule.warmup and schedule.warmup >= args.epochs:
        raise ValueError(f"--warmup-epochs {schedule.warmup:,} must be fewer than --epochs {args.epochs:,}")
    schedule.check(args.epochs)
    return schedule


def theory_of(exp, schedule: Schedule, lr: float, epochs: int, history) -> ScheduleTheory:
    return schedule_theory(exp.quadratic, lr, schedule, epochs, history.diverged_at)


def summary_line(report: dict) -> str | None:
    """One readable line for the schedule and its theory (None without a schedule)."""
    sched = report.get("schedule")
    if not sched:
        return None
    th = sched["theory"]
    text = f"schedule {sched['label']}; last rate {th['final_lr']:.4g}"
    if not th["too_big"]:
        return text + "; the rate stays under the critical rate throughout"
    spans = ", ".join(f"{a:,}–{b - 1:,}" for a, b in th["too_big"])
    text += f"; η·λmax > 2 during updates {spans}"
    if th["grows_until"] is not None:
        text += f", the loss turns down at epoch {th['grows_until']:,}"
    return text + ("; rescued" if th["rescued"] else "; not rescued")


def report_part(exp, schedule: Schedule, lr: float, epochs: int, history) -> dict:
    """The JSON report's ``schedule`` entry: the schedule's parameters, a label and its theory."""
    return {**schedule.to_dict(), "label": schedule.describe(),
            "theory": theory_of(exp, schedule, lr, epochs, history).to_dict()}
