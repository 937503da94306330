"""Weather frames and the supervised problem built from them.

A *weather frame* is a ``pandas.DataFrame`` with a ``DatetimeIndex`` named ``date`` (sorted, one row
per day present in the file, gaps allowed) and float columns such as ``tmax``, ``tmin``, ``rain``.
Readers of real-world exports (``gd_core.importer``) all produce this shape; everything after
reading works on it alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

FILL_STRATEGIES = ("ffill", "drop", "interpolate")
MAX_FILL_DAYS = 7  # the app's limit: filling bridges gaps of at most this many calendar days
MOSTLY_FILLED = 0.5  # a validation or test split with more filled days than this share is refused
MIN_ROWS = 10  # fewer rows than this cannot give a train, validation and test split worth the name
TOMORROW = "_tomorrow"
# Sums of squares and cross products (the Hessian AᵀA/n, the optimum, the losses) must stay far from
# float64's largest number (1.8e308): the solver multiplies them again (eigenvalues, η·λ, losses), so
# we keep a factor of 10⁶ in hand. Any real weather value is more than 10¹⁰⁰ times smaller than that.
MOMENT_LIMIT = float(np.finfo(np.float64).max) / 1e6


def read_weather_csv(path: str | Path) -> pd.DataFrame:
    """Read the tutorial's layout (``,tmax,tmin,rain,tmax_tomorrow``) or a tidy ``date,...`` CSV."""
    frame = pd.read_csv(path, index_col=0)
    frame.index = pd.to_datetime(frame.index, format="ISO8601").normalize()
    frame.index.name = "date"
    return frame.astype(float).sort_index()


def fill_missing(frame: pd.DataFrame, how: str = "ffill", max_days: int | None = None) -> pd.DataFrame:
    """Missing values: forward-fill like the tutorial, drop the rows, or interpolate in time.

    ``max_days`` (the app uses ``MAX_FILL_DAYS``): filling bridges a gap only when it spans at most
    that many calendar days (days absent from the index count too); a longer gap stays missing, whole,
    so the series is split there rather than filled with one value carried for years. A gap at the end
    is forward-filled under the same rule; one at the start never is. None: no limit, the tutorial's
    own ``frame.ffill()``.
    """
    if max_days is None:
        if how == "ffill":
            return frame.ffill()
        if how == "interpolate":
            return frame.interpolate(method="time", limit_area="inside")
    if how == "drop":
        return frame.dropna()
    if how not in FILL_STRATEGIES:
        raise ValueError(f"unknown missing-value strategy {how!r}: use one of {', '.join(FILL_STRATEGIES)}")
    out = frame.copy()
    for column in frame.columns:
        values = frame[column]
        if not values.isna().any() or not pd.api.types.is_numeric_dtype(values):
            continue
        filled = values.ffill() if how == "ffill" else values.interpolate(method="time", limit_area="inside")
        out[column] = values.where(values.notna() | ~short_gaps(values, max_days), filled)
    return out


def short_gaps(values: pd.Series, max_days: int = MAX_FILL_DAYS) -> np.ndarray:
    """True where a value is missing inside a gap of at most ``max_days`` calendar days (after a value)."""
    days = pd.Series(pd.DatetimeIndex(values.index), index=values.index)
    known = days.where(values.notna().to_numpy())
    before, after = known.ffill(), known.bfill()
    end = after.fillna(days.iloc[-1] + pd.Timedelta(days=1))  # a gap at the end runs to the last day
    span = (end - before).dt.days - 1
    return (values.isna() & before.notna() & (span <= max_days)).to_numpy()


def add_tomorrow(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Add ``<column>_tomorrow``: the value on the next *calendar* day, NaN where that day is absent.

    Never pairs across a gap: a day whose successor is missing from the index gets no target.
    """
    next_day = frame[column].reindex(frame.index + pd.Timedelta(days=1))
    return frame.assign(**{column + TOMORROW: next_day.to_numpy()})


def split_points(n: int) -> tuple[int, int]:
    """Chronological split, no shuffle: train ``[0, int(0.7n))``, validation, test from ``int(0.85n)``."""
    return int(0.7 * n), int(0.85 * n)


@dataclass(frozen=True)
class Split:
    """One chronological part of the data. ``x``: (n, d), ``y``: (n,), ``today``: (n,) or None."""

    x: np.ndarray
    y: np.ndarray
    dates: np.ndarray
    today: np.ndarray | None  # the target's own column today, for the "tomorrow = today" baseline


@dataclass(frozen=True)
class Problem:
    """Predict ``target`` from ``predictors``: train, validation and test splits in time order."""

    predictors: tuple[str, ...]
    target: str
    train: Split
    valid: Split
    test: Split
    notes: tuple[str, ...] = ()  # what was left out (days in gaps too long to fill)

    @property
    def n_features(self) -> int:
        """Number of predictors, d."""
        return len(self.predictors)


def make_problem(frame: pd.DataFrame, predictors, target: str, *, fill: str = "ffill",
                 max_fill_days: int | None = None) -> Problem:
    """Build the train/validation/test problem from a weather frame.

    The target is used as it is when it is a column; otherwise ``<col>_tomorrow`` is built from
    ``<col>`` by calendar day (after filling ``<col>``'s own missing values, never across a date gap).
    Rows still missing a predictor or the target (e.g. leading gaps, or gaps longer than
    ``max_fill_days``, see ``fill_missing``) are dropped and counted in ``notes``; a validation or test
    split made mostly of filled days is refused.
    """
    predictors = tuple(predictors)
    if not predictors:
        raise ValueError("no predictors given: name at least one column, e.g. tmax")
    if len(set(predictors)) != len(predictors):
        raise ValueError(f"predictors repeat a column: {', '.join(predictors)}")
    source = target[: -len(TOMORROW)] if target.endswith(TOMORROW) else None
    needed = list(predictors) + ([target] if target in frame.columns else [source] if source else [target])
    _check_columns(frame, predictors, needed)
    # Only the columns used ("drop" must not lose a day to a gap in a column the model ignores),
    # plus the target's own column for the "tomorrow = today" baseline.
    used = list(dict.fromkeys(needed + ([source] if source in frame.columns else [])))
    raw = frame.sort_index()[used]
    data = fill_missing(raw, fill, max_fill_days)
    filled_cells = raw.isna() & data.notna().reindex(raw.index, fill_value=False)
    unbridged = int(data.isna().any(axis=1).sum()) if fill != "drop" and max_fill_days is not None else 0
    long_filled = int((filled_cells.to_numpy() & ~np.column_stack(
        [short_gaps(raw[c]) for c in raw.columns])).any(axis=1).sum()) if max_fill_days is None else 0
    if target not in data.columns:
        data = add_tomorrow(data, source)
    values = data[list(predictors) + [target]].to_numpy(dtype=float)
    infinite = np.isinf(values).any(axis=0)
    if infinite.any():
        column = (*predictors, target)[int(np.argmax(infinite))]
        raise ValueError(f"column {column!r} contains infinite values (e.g. 1e309): remove or correct them")
    keep = ~np.isnan(values).any(axis=1)
    filled = filled_cells.reindex(data.index, fill_value=False).any(axis=1).to_numpy()[keep]
    data = data[keep]
    n = len(data)
    if n < MIN_ROWS:
        raise ValueError(f"only {n} usable rows after removing gaps: at least {MIN_ROWS} are needed")
    today = data[source].to_numpy(dtype=float) if source in data.columns else None
    x = data[list(predictors)].to_numpy(dtype=float)
    y = data[target].to_numpy(dtype=float)
    _check_moments(x, y, (*predictors, target))
    dates = data.index.to_numpy()
    a, b = split_points(n)
    parts = [slice(0, a), slice(a, b), slice(b, n)]
    splits = [Split(x[s], y[s], dates[s], None if today is None else today[s]) for s in parts]
    _check_filled(filled, parts, fill)
    flat = [name for name, spread in zip(predictors, np.ptp(splits[0].x, axis=0)) if spread == 0]
    if flat:
        raise ValueError(f"predictor {flat[0]!r} is constant ({splits[0].x[0, predictors.index(flat[0])]:g} "
                         "on every training day): it cannot help and makes the problem singular; "
                         "leave it out of the predictors")
    notes = () if not unbridged else (
        f"{unbridged:,} day{'s' if unbridged != 1 else ''} in gaps longer than {max_fill_days} days left "
        "out, not filled: the series is split there",)
    if long_filled:
        notes = (f"{long_filled:,} day{'s' if long_filled != 1 else ''} filled across gaps longer than "
                 f"{MAX_FILL_DAYS} days (the tutorial's forward-fill has no limit; with a limit of "
                 f"{MAX_FILL_DAYS} days they would be left out)",)
    return Problem(predictors, target, *splits, notes=notes)


def _check_filled(filled: np.ndarray, parts: list[slice], fill: str) -> None:
    """Refuse a validation or test split that is mostly filled-in days: its errors would be made up."""
    for name, part in (("validation", parts[1]), ("test", parts[2])):
        share = float(filled[part].mean()) if filled[part].size else 0.0
        if share > MOSTLY_FILLED:
            how = "forward-filled" if fill == "ffill" else "interpolated"
            raise ValueError(f"the {name} days are mostly {how} ({share:.0%} of them), so its errors would "
                             "measure invented values: choose 'drop' for the missing values, or data with "
                             "fewer gaps in its last years")


def _check_columns(frame: pd.DataFrame, predictors: tuple[str, ...], needed: list[str]) -> None:
    """Every column needed exists, is numeric and has at least one value."""
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        have = ", ".join(map(str, frame.columns)) or "none"
        raise ValueError(f"unknown column {missing[0]!r}: the data has {have}")
    for column in needed:
        if not pd.api.types.is_numeric_dtype(frame[column]):
            raise ValueError(f"column {column!r} is not numeric: fix or remove its non-numeric values")
        if frame[column].isna().all():
            role = "a predictor" if column in predictors else "the target"
            raise ValueError(f"{column} has no values (every cell is empty or missing), so it cannot be "
                             f"{role}: choose another column, or a file where {column} has data")


def _check_moments(x: np.ndarray, y: np.ndarray, names: tuple[str, ...]) -> None:
    """Refuse values whose squares, or products with the target, summed over the rows, would overflow.

    ``x`` : (n, d), ``y`` : (n,). A value like 1.3e154 is finite, but its square is not: every loss,
    gradient and eigenvalue computed from it would be inf or NaN. Names the first such column.
    """
    a = np.column_stack([x, y])
    with np.errstate(over="ignore", invalid="ignore"):
        sums = np.abs(a.T @ a)
    ok = np.isfinite(sums) & (sums <= MOMENT_LIMIT)
    if ok.all():
        return
    j = int(np.argmin(np.diag(ok))) if not np.diag(ok).all() else int(np.argmin(ok[:, -1]))
    largest = float(np.max(np.abs(a[:, j])))
    raise ValueError(f"column {names[j]!r} has values too large to compute with (largest {largest:.3g}: "
                     "their squares summed over the rows overflow): check its unit, or remove or correct "
                     "those values (daily weather values are below 10,000)")
