"""One row per day: read each row's date, then drop undated and implausibly dated rows and sort.

Decisions, each said in a note:

- up to max(5, 1 %) unreadable dates (footers such as "Data provided by ...") are dropped, more
  are an error;
- dates before 1700 or after the end of next year are not observations (daily records begin in the
  1700s; a forecast reaches days, not years, ahead): a few are dropped, naming the file's span and
  the suspicious dates; when they are most of the file, it is refused (a wrong date column or format);
- unsorted rows are sorted; a date twice (within a station) is an error; rows a month apart are
  monthly data, refused.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from gd_core.importer.dates import YDOY, YMD, parse_dates
from gd_core.importer.messages import WeatherFileError, count, shorten

EARLIEST = pd.Timestamp("1700-01-01")
_MONTHLY = "this app needs daily rows, one per day. Download daily observations instead"


def latest_plausible(today: dt.date | None = None) -> pd.Timestamp:
    """The last plausible date: 31 December of next year."""
    return pd.Timestamp(year=(today or dt.date.today()).year + 1, month=12, day=31)


def read_dates(frame: pd.DataFrame, plan, override: str | None, name: str):
    """Each row's date (NaT where unreadable), the format's name and notes; many unreadable: an error."""
    if isinstance(plan.date, tuple) and len(plan.date) == 2:
        dates, present = _year_doy(frame[plan.date[0]], frame[plan.date[1]])
        date_format, notes = YDOY, ()
    elif isinstance(plan.date, tuple):
        parts = pd.DataFrame({k: pd.to_numeric(frame[i], errors="coerce")
                              for k, i in zip(("year", "month", "day"), plan.date)})
        dates, date_format, notes = pd.to_datetime(parts, errors="coerce"), YMD, ()
        present = parts.notna().all(axis=1).to_numpy()
    else:
        dates, date_format, notes = parse_dates(frame[plan.date], plan.kind, override)
        present = frame[plan.date].notna().to_numpy()
    dates = pd.Series(pd.DatetimeIndex(dates), index=frame.index)
    unread = present & dates.isna().to_numpy()
    n_bad, n_present = int(unread.sum()), int(present.sum())
    notes = list(notes)
    if n_bad:
        example = _raw_date(frame, plan, int(np.argmax(unread)))
        if n_bad > max(5, n_present // 100):
            raise WeatherFileError(
                f"{n_bad:,} of {n_present:,} values in the date column {shorten(plan.date_column)!r} are not "
                f"{date_format} dates (first: {example!r}): correct those cells, or correct the date column "
                "or the date format", fixes=("date_column", "date_format"))
        notes.append(f"dropped {count(n_bad, 'row')} whose date could not be read (e.g. {example!r})")
    if n_present < len(frame):
        notes.append(f"dropped {count(len(frame) - n_present, 'row')} without a date")
    return dates, date_format, tuple(notes)


def _year_doy(year: pd.Series, doy: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Dates from year and day-of-year columns (NaT for day 366 of a common year, day 0 or 367)."""
    y, d = pd.to_numeric(year, errors="coerce"), pd.to_numeric(doy, errors="coerce")
    present = (y.notna() & d.notna()).to_numpy()
    ok = present & (d >= 1).to_numpy() & (d <= 366).to_numpy() & (y == y.round()).to_numpy() & \
        (d == d.round()).to_numpy()
    first = pd.to_datetime(pd.DataFrame({"year": y.where(ok), "month": 1, "day": 1}), errors="coerce")
    dates = first + pd.to_timedelta(d.where(ok) - 1, unit="D")
    dates = dates.where(dates.dt.year == y)
    return dates, present


def _raw_date(frame: pd.DataFrame, plan, row: int) -> str:
    """A row's date cell(s) as written in the file, for messages."""
    if isinstance(plan.date, tuple):
        return "/".join(f"{frame[i].iloc[row]:g}" for i in plan.date)
    return shorten(frame[plan.date].iloc[row], 40)


def to_days(dates: pd.Series, values: dict, name: str, station: str | None, today: dt.date | None = None):
    """(DatetimeIndex of unique days, sorted; the values on those rows; notes)."""
    keep = dates.notna().to_numpy()
    index = pd.DatetimeIndex(dates.to_numpy()[keep])
    columns = {k: v[keep] for k, v in values.items()}
    index, notes = _whole_days(index, name)
    index, columns, span_notes = _plausible_span(index, columns, name, today)
    order = np.argsort(index.to_numpy(), kind="stable")
    moved = int((order != np.arange(len(order))).sum())
    if moved:
        notes += (f"sorted the rows by date ({count(moved, 'row')} out of order)",)
        index, columns = index[order], {k: v[order] for k, v in columns.items()}
    _check_days(index, name, station)
    return index, columns, notes + span_notes


def _whole_days(index: pd.DatetimeIndex, name: str) -> tuple[pd.DatetimeIndex, tuple[str, ...]]:
    """Dates without a time of day; several rows on one day is sub-daily data, refused."""
    if not len(index) or (index == index.normalize()).all():
        return index.normalize(), ()
    if index.normalize().duplicated().any():
        raise WeatherFileError(
            f"{name!r} has several rows per day (hourly or sub-daily data): this app needs daily rows, "
            "one per day. Download daily values (e.g. Open-Meteo 'daily' variables)")
    return index.normalize(), ("times of day dropped: one row per day",)


def _plausible_span(index: pd.DatetimeIndex, columns: dict, name: str, today: dt.date | None):
    """Drop rows dated before 1700 or after next year (with a note); refuse if they are most rows."""
    latest = latest_plausible(today)
    odd = np.asarray((index < EARLIEST) | (index > latest))
    if not odd.any():
        return index, columns, ()
    odd_days = pd.DatetimeIndex(np.unique(index[odd].to_numpy()))  # sorted, each once
    examples = ", ".join(f"{d:%Y-%m-%d}" for d in (odd_days if len(odd_days) <= 3 else odd_days[[0, 1, -1]]))
    window = f"{EARLIEST:%Y-%m-%d}…{latest:%Y-%m-%d}"
    why = "daily weather records begin in the 1700s, and future days have no observations"
    if odd.sum() > 0.5 * len(index):
        raise WeatherFileError(
            f"{name!r}: {odd.sum():,} of {count(len(index), 'date')} are outside {window} (e.g. {examples}): "
            f"{why}. Check the dates, or correct the date column or the date format",
            fixes=("date_column", "date_format"))
    note = (f"dropped {count(odd.sum(), 'row')} dated outside {window} (e.g. {examples}; the file's dates "
            f"span {index.min():%Y-%m-%d} to {index.max():%Y-%m-%d}): {why}")
    return index[~odd], {k: v[~odd] for k, v in columns.items()}, (note,)


def _check_days(index: pd.DatetimeIndex, name: str, station: str | None) -> None:
    """At least two days, each once, about a day apart (not monthly)."""
    if len(index) == 0:
        raise WeatherFileError(f"{name!r} has no row with a readable date: check the date column",
                               fixes=("date_column", "date_format"))
    if len(index) == 1:
        raise WeatherFileError(f"{name!r} has only one dated row ({index[0]:%Y-%m-%d}): gradient "
                               "descent needs many days; use a file with at least a few weeks of daily rows")
    duplicated = index.duplicated()
    if duplicated.any():
        where = " for this station" if station else ""
        raise WeatherFileError(
            f"{name!r} has the date {index[duplicated][0]:%Y-%m-%d} more than once{where}: keep one row per "
            "day (if the file mixes stations, it needs a STATION column to tell them apart)")
    steps = np.diff(index.to_numpy()).astype("timedelta64[D]").astype(float)
    if len(steps) >= 2 and np.median(steps) >= 28:
        raise WeatherFileError(f"{name!r} holds monthly data (rows {np.median(steps):.0f} days apart): "
                               + _MONTHLY)
