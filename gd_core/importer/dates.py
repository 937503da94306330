"""Dates: which column holds them, their layout decided from the data, and parsing them.

The only Python loops run over a few hundred sampled cells; parsing is vectorised.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from gd_core.importer.columns import date_name_rank, doy_column, ymd_columns
from gd_core.importer.messages import WeatherFileError, shorten
from gd_core.importer.overrides import column_index
from gd_core.importer.tables import column_values

YMD = "year/month/day columns"
YDOY = "year + day-of-year columns"
# Month names: English in full, and the abbreviations of English, German, French, Dutch, Spanish and
# Italian (the languages of the exports read here); matched without case and a trailing dot.
MONTHS = {name: i + 1 for i, names in enumerate((
    "january jan janv ene gen jän", "february feb febr févr fevr fév", "march mar mär mrz mars mrt",
    "april apr avr abr",
    "may mai mei mag", "june jun juin giu", "july jul juil lug", "august aug août aou ago",
    "september sep sept set", "october oct okt ott", "november nov", "december dec dez déc dic"))
    for name in names.split()}
_MONTH_NAME = re.compile(  # "01-jan-1986 00:00:00", "01-Jan-42", "1 janv. 2020"
    r"^(\d{1,2})[-/ .]([^\W\d_]{3,9})\.?[-/ .](\d{4}|\d{2})(?:[ T]\d{1,2}:\d{2}(:\d{2})?)?$")
_NAME_FIRST = re.compile(r"^([^\W\d_]{3,9})\.?[ ]+(\d{1,2}),?[ ]+(\d{4}|\d{2})$")  # "Jan 31, 2020"
DATE_FORMATS = {"ISO": "%Y-%m-%d", "YYYYMMDD": "%Y%m%d", "YYYY/MM/DD": "%Y/%m/%d"}
_FIXED = {"iso": ("%Y-%m-%d", "ISO"), "ymd_slash": ("%Y/%m/%d", "YYYY/MM/DD")}
_ISO = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
_ISO_TIME = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
_YMD_SLASH = re.compile(r"^\d{4}/\d{1,2}/\d{1,2}$")
_YYYYMMDD = re.compile(r"^(1[7-9]|2[01])\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$")
_DMY = re.compile(r"^(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})(?:[ T]\d{1,2}:\d{2}(:\d{2})?)?$")
_PATTERNS = (("iso", _ISO), ("iso_time", _ISO_TIME), ("ymd_slash", _YMD_SLASH), ("yyyymmdd", _YYYYMMDD))
_EXAMPLES = "2020-01-31, 20200131, 31.01.2020 or 1/31/2020"


def _cell_kind(value: str) -> str | None:
    """The date layout of one cell ('iso', 'dmy./4', ...), or None."""
    for kind, pattern in _PATTERNS:
        if pattern.match(value):
            return kind
    m = _DMY.match(value)
    if m and 1 <= int(m.group(1)) <= 31 and 1 <= int(m.group(3)) <= 31:
        return "dmy" + m.group(2) + str(len(m.group(4)))
    m = _MONTH_NAME.match(value)
    if m and m.group(2).lower() in MONTHS:
        return "dmon"
    m = _NAME_FIRST.match(value)
    if m and m.group(1).lower() in MONTHS:
        return "mond"
    return None


def date_kind(values: list[str]) -> str | None:
    """The date layout most sampled cells share ('iso', 'iso_time', 'ymd_slash', 'yyyymmdd',
    'dmy./', 'dmy/2', ...), or None when fewer than 90 % of them are dates of one layout."""
    counts: dict[str, int] = {}
    for value in values:
        kind = _cell_kind(value)
        if kind:
            counts[kind] = counts.get(kind, 0) + 1
    if not counts:
        return None
    kind, n = max(counts.items(), key=lambda kv: kv[1])
    if kind == "iso_time":  # Excel may drop the time on midnight rows
        n += counts.get("iso", 0)
    return kind if n >= 0.9 * len(values) else None


def find_date(names, sample, ov: dict, name: str) -> tuple[int | tuple[int, int, int] | None, str]:
    """The date column (or year/month/day columns) and its layout, from names and sampled values."""
    fmt = ov.get("date_format")
    if ov.get("date_column"):
        return _chosen_date_column(names, sample, ov["date_column"], fmt)
    if fmt not in (YMD, YDOY):
        found = [(date_name_rank(n), i, kind) for i, n in enumerate(names)
                 if (kind := date_kind(column_values(sample, i)))]
        if found:
            _, index, kind = min(found)
            return index, kind
    return _ymd_date(names, name)


def _chosen_date_column(names, sample, wanted: str, fmt: str | None) -> tuple[int, str]:
    """The column the user chose as the date: it must hold dates, or come with their format."""
    if fmt in (YMD, YDOY):
        raise WeatherFileError(f"the date format {fmt!r} reads separate year, month and day columns: "
                               "leave the date column to detection, or give that column's own date format")
    index = column_index(names, wanted, "date_column")
    values = column_values(sample, index)
    kind = date_kind(values)
    if kind is None and not fmt:
        raise WeatherFileError(
            f"the date column chosen, {shorten(names[index])!r}, does not hold dates like {_EXAMPLES} "
            f"(first value {shorten((values or [''])[0])!r}): choose another column, or give its date format",
            fixes=("date_column", "date_format"), columns=tuple(names))
    return index, kind or "custom"


def _ymd_date(names, name: str) -> tuple[tuple[int, ...] | None, str]:
    """Separate year, month and day columns, or year and day-of-year; year and month without day is
    monthly data."""
    year, month, day = ymd_columns(names)
    doy = doy_column(names)
    if year is not None and doy is not None:
        return (year, doy), "ydoy"
    if year is None or month is None:
        return None, ""
    if day is None:
        raise WeatherFileError(
            f"{name!r} holds monthly data (year and month columns {names[year]!r}, {names[month]!r}, "
            "no day): this app needs daily rows, one per day. Download daily observations instead")
    return (year, month, day), "ymd"


def _strftime_for(kind: str, day_first: bool) -> str:
    """The strptime pattern of a 'dmy' layout read day-first or month-first."""
    sep, digits = kind[3], kind[4]
    year = "%Y" if digits == "4" else "%y"
    return sep.join(("%d", "%m", year) if day_first else ("%m", "%d", year))


def parse_dates(raw: pd.Series, kind: str, override: str | None) -> tuple[pd.Series, str, tuple[str, ...]]:
    """Datetimes (NaT where unreadable), the format's display name, and notes."""
    text = raw.astype("str").str.strip()
    if override:
        return _parse_as(text, kind, override), override, ()
    if kind in _FIXED:
        fmt, shown = _FIXED[kind]
        return pd.to_datetime(text, format=fmt, errors="coerce"), shown, ()
    if kind == "iso_time":  # local wall-clock time: a UTC offset would move dates across midnight
        local = text.str.replace(r"(Z|[+-]\d{2}:?\d{2})$", "", regex=True)
        return pd.to_datetime(local, format="ISO8601", errors="coerce"), "ISO", ()
    if kind == "yyyymmdd":
        return pd.to_datetime(text.str.slice(0, 8), format="%Y%m%d", errors="coerce"), "YYYYMMDD", ()
    if kind in ("dmon", "mond"):
        return _parse_month_names(text, kind)
    dates, shown, notes = _parse_dmy(text, kind)
    dates, more = not_after_today(dates, kind.endswith("2"))
    return dates, shown, notes + more


def not_after_today(dates: pd.Series, two_digit: bool, today: dt.date | None = None):
    """Two-digit years read as the latest year ending in those digits that does not put the date after
    today (a weather record cannot lie in the future): '42' is 1942, '25' 2025 (in 2026). Returns
    (dates, notes)."""
    if not two_digit:
        return dates, ()
    limit = pd.Timestamp(today or dt.date.today())
    future = (dates > limit).fillna(False).to_numpy(dtype=bool)
    if not future.any():
        return dates, ()
    moved = pd.Series(pd.DatetimeIndex(dates) - pd.DateOffset(years=100), index=dates.index)
    note = (f"two-digit years: {future.sum():,} dates would lie after today, so their years were read "
            "as 19xx (a weather record cannot lie in the future)",)
    return dates.where(~future, moved), note


def _parse_month_names(text: pd.Series, kind: str) -> tuple[pd.Series, str, tuple[str, ...]]:
    """'01-jan-1986 00:00:00', '01-Jan-42', 'Jan 31, 2020': month names in any listed language."""
    pattern = _MONTH_NAME if kind == "dmon" else _NAME_FIRST
    parts = text.str.extract(pattern.pattern)
    day, month, year = (parts[0], parts[1], parts[2]) if kind == "dmon" else (parts[1], parts[0], parts[2])
    month = month.str.lower().map(MONTHS)
    years = pd.to_numeric(year, errors="coerce")
    two_digit = bool((year.str.len() == 2).any())
    years = years.where(year.str.len() != 2, years + 2000)
    dates = pd.to_datetime(pd.DataFrame({"year": years, "month": pd.to_numeric(month, errors="coerce"),
                                         "day": pd.to_numeric(day, errors="coerce")}), errors="coerce")
    dates, notes = not_after_today(dates, two_digit)
    shown = "day month-name year" if kind == "dmon" else "month-name day, year"
    return dates, shown, notes


def _parse_as(text: pd.Series, kind: str, override: str) -> pd.Series:
    """Parse with the date format the user chose (a name or a strftime pattern)."""
    fmt = DATE_FORMATS.get(override)
    if override in ("US month-first", "European day-first"):
        fmt = _strftime_for(kind if kind.startswith("dmy") else "dmy/4", override.startswith("European"))
    elif fmt is None:
        if "%" not in override:
            raise WeatherFileError(
                f"unknown date_format {override!r}: use 'ISO', 'YYYYMMDD', 'US month-first', "
                "'European day-first' or a strftime pattern such as '%d/%m/%Y'")
        fmt = override
    return not_after_today(pd.to_datetime(text, format=fmt, errors="coerce"), "%y" in fmt)[0]


def _parse_dmy(text: pd.Series, kind: str) -> tuple[pd.Series, str, tuple[str, ...]]:
    """Day/month/year in either order, decided from the data.

    A first field above 12 means day-first, a second field above 12 means month-first; when every
    field is <= 12 the reading that makes consecutive rows one day apart wins.
    """
    date_part = text.str.replace(r"[ T].*$", "", regex=True)  # drop a time of day
    parts = date_part.str.split(kind[3], n=2, expand=True)
    first = pd.to_numeric(parts[0], errors="coerce")
    second = pd.to_numeric(parts[1], errors="coerce") if parts.shape[1] > 1 else first * np.nan
    day_first_seen, month_first_seen = bool((first > 12).any()), bool((second > 12).any())
    if day_first_seen and month_first_seen:
        raise WeatherFileError(
            "the dates mix day-first and month-first (some start with a day above 12, others have a "
            "second number above 12): make the date column consistent, or correct the date format",
            fixes=("date_format",))
    if day_first_seen or month_first_seen:
        day_first = day_first_seen
        why = "a first number above 12" if day_first else "a second number above 12"
        note = f"dates read {'day-first' if day_first else 'month-first'}: the data has {why}"
    else:
        day_first, note = _ambiguous_order(date_part, kind)
    name = "European day-first" if day_first else "US month-first"
    return pd.to_datetime(date_part, format=_strftime_for(kind, day_first), errors="coerce"), name, (note,)


def _ambiguous_order(date_part: pd.Series, kind: str) -> tuple[bool, str]:
    """Every number <= 12: the order giving more one-day steps wins; on a tie, '.' means day-first."""
    as_dmy = pd.to_datetime(date_part, format=_strftime_for(kind, True), errors="coerce")
    as_mdy = pd.to_datetime(date_part, format=_strftime_for(kind, False), errors="coerce")
    dmy_steps, mdy_steps = _one_day_steps(as_dmy), _one_day_steps(as_mdy)
    day_first = dmy_steps > mdy_steps or (dmy_steps == mdy_steps and kind[3] == ".")
    why = ("that makes consecutive rows one day apart" if dmy_steps != mdy_steps else
           f"'{kind[3]}' dates are usually {'European' if day_first else 'US'}")
    return day_first, ("every date has both numbers <= 12, so the order is ambiguous: read "
                       f"{'day-first' if day_first else 'month-first'} because {why}; "
                       "if that is wrong, correct the date format")


def _one_day_steps(dates: pd.Series) -> int:
    """How many consecutive rows are exactly one day apart."""
    return int((dates.diff() == pd.Timedelta(days=1)).sum())
