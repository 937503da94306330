"""Import the daily-weather CSVs people actually have, unedited, and say what was decided.

``import_weather(source)`` takes NOAA Climate Data Online and GHCN by-station exports, Meteostat,
Open-Meteo, DWD ``klima_tag``, Environment Canada, Weather Underground, Visual Crossing, European
spreadsheets (``;`` and decimal comma) and the tutorial's own layout. It returns a weather frame
(see ``gd_core.data``) and an ``ImportReport`` of everything it detected, so a user can check and
override each decision. Every failure is a ``WeatherFileError`` whose message names the problem and
what to do about it.

Decisions, each reported in ``ImportReport.notes`` when it applies:

- several stations: one at a time; by default the one with most rows (the first on a tie);
- ``T`` (trace, also NOAA's MFLAG ``T`` and Environment Canada's ``T`` flag) = 0.001 in or 0.025 mm;
  ``<31`` = its bound 31; empty, ``NaN``, ``M``, ``---``, ``-9999``, ``-999`` = gaps; a NOAA QFLAG
  letter = the value failed quality control, so a gap;
- any other non-number (``warm``, ``#VALUE!``) and ``inf``/``1e309`` are errors naming the cell:
  silently dropping them would hide a broken file;
- units: from the column name, else the provider's fixed units, else from the values: °F when the
  99th percentile of tmax is above 50 (no climate's 1-in-100 day reaches 50 °C), rain follows the
  temperature's unit system (one export setting chooses both), else mm when wet days' 99th
  percentile is above 6; GHCN tenths when temperatures are too large to be °C/°F;
- unsorted dates are sorted; duplicate dates (within a station) are an error; up to
  max(5, 1 %) unreadable dates (footers) are dropped, more are an error.

The work is split by concern: ``importer_text`` finds the table in the bytes, ``importer_columns``
maps names to roles and units, ``importer_values`` reads dates and numbers. This module runs them in
order and assembles the result.
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from gd_core.importer_columns import (
    FORMAT_UNITS,
    METEOSTAT_BULK,
    ROLES,
    date_name_rank,
    flag_columns,
    identify_format,
    map_roles,
    station_column,
    tomorrow_columns,
    unit_from_name,
    ymd_columns,
)
from gd_core.importer_text import (
    SEPARATOR_NAMES,
    Table,
    WeatherFileError,
    check_not_binary,
    decode,
    find_tables,
    read_source,
    reject_unsupported_layouts,
    unify_line_ends,
)
from gd_core.importer_values import (
    SENTINELS,
    TRACE,
    date_kind,
    decide_tenths,
    flag_letters,
    infer_rain_unit,
    infer_temperature_unit,
    parse_dates,
    to_numbers,
)

__all__ = ["OVERRIDE_KEYS", "ImportReport", "ImportResult", "WeatherFileError", "csv_safe", "import_weather",
           "inspect_dict"]

OVERRIDE_KEYS = ("separator", "decimal", "encoding", "date_column", "date_format", "tmax", "tmin", "rain",
                 "temperature_unit", "rain_unit", "tenths")
NA_STRINGS = ["", "NaN", "nan", "NA", "N/A", "n/a", "M", "---", "--", "null", "NULL", "None", "#N/A",
              "missing"]
YMD = "year/month/day columns"
GHCN = "GHCN-Daily by-station CSV"
_SAMPLE_DATES = 200
_UNEXPECTED = "the importer failed unexpectedly"


@dataclass(frozen=True)
class ImportReport:
    """Everything the importer decided, for display and for correcting it with ``overrides``.

    ``columns`` and ``units`` have one entry per role (None when absent); ``missing`` counts NaN per
    role after import (gaps in the table, not absent calendar days); ``notes`` are sentences saying
    what was converted, dropped, sorted or guessed; ``source_columns`` lists the table's columns
    (the choices for the ``date_column``/``tmax``/``tmin``/``rain`` overrides).
    """

    format: str
    encoding: str
    separator: str
    decimal: str
    preamble_lines: int
    date_column: str
    date_format: str
    columns: dict
    units: dict
    stations: tuple
    station: str | None
    rows: int
    start: str
    end: str
    missing: dict
    notes: tuple = field(default=())
    source_columns: tuple = field(default=())  # every column of the table read, for correcting the mapping


@dataclass(frozen=True)
class ImportResult:
    """``frame``: DatetimeIndex ``date`` (sorted, unique days), float columns ``tmax``/``tmin``/``rain``
    (those found), any ``<x>_tomorrow`` already in the file, and for tidy CSVs their other numeric
    columns. Values are in the file's units (GHCN tenths divided by 10); gaps stay NaN."""

    frame: pd.DataFrame
    report: ImportReport


@dataclass
class _Plan:
    """What to read from the chosen table, decided from its header and first rows."""

    table: Table
    names: tuple[str, ...]
    date: int | tuple[int, int, int]
    kind: str
    roles: dict[str, int | None]
    tomorrow: dict[str, int]
    station: int | None
    decimal: str
    notes: list[str]


def import_weather(source, *, filename: str | None = None, station: str | None = None,
                   overrides: dict | None = None, max_rows: int = 2_000_000) -> ImportResult:
    """Read a daily weather file into a weather frame, detecting its layout.

    Parameters
    ----------
    source : bytes, str or pathlib.Path
        The file's bytes, or its path (a file-like object with ``getvalue``/``read`` also works).
    filename : str, optional
        Name shown in messages (and used to recognise ``.dly``) when ``source`` is bytes.
    station : str, optional
        Station id to use when the file holds several; default: the one with most rows.
    overrides : dict, optional
        Corrections to detection; keys among ``OVERRIDE_KEYS``. ``tmax``/``tmin``/``rain`` take a
        column name (or None to leave the role out), ``temperature_unit`` 'F'/'C', ``rain_unit``
        'in'/'mm', ``tenths`` a bool, ``date_format`` 'ISO', 'YYYYMMDD', 'US month-first',
        'European day-first', 'year/month/day columns' or a strftime pattern.
    max_rows : int
        Refuse files with more data rows than this.

    Returns
    -------
    ImportResult

    Raises
    ------
    WeatherFileError
        For every file that cannot be used; the message says why and what to do.
    """
    ov = _check_overrides(overrides)
    if isinstance(max_rows, bool) or not isinstance(max_rows, int) or max_rows < 2:
        raise WeatherFileError(f"max_rows must be a whole number >= 2, got {max_rows!r}")
    data, name = read_source(source, filename)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _import(data, name, station, ov, max_rows)
    except WeatherFileError:
        raise
    except Exception as exc:  # never let a strange file surface as a bare traceback
        raise WeatherFileError(f"{_UNEXPECTED} on {name!r} ({type(exc).__name__}: {exc}): save the "
                               "file again as a plain CSV (UTF-8, comma-separated) and retry, or report "
                               "it") from exc


def _import(data: bytes, name: str, station: str | None, ov: dict, max_rows: int) -> ImportResult:
    check_not_binary(data, name)
    body, codec, encoding = decode(data, name, ov.get("encoding"))
    body = unify_line_ends(body)
    reject_unsupported_layouts(body, name)
    tables = find_tables(body, codec, ov.get("separator"))
    plan = _plan(tables, name, ov)
    table = plan.table
    preamble = body[:table.start].decode(codec, errors="replace")
    preamble_lines = preamble.count("\n")
    fmt = identify_format(plan.names, plan.roles,
                          date_index=plan.date if isinstance(plan.date, int) else None,
                          separator=table.separator, decimal=plan.decimal, preamble=preamble,
                          headerless=table.headerless)
    notes = list(plan.notes)
    if encoding not in ("UTF-8", "UTF-8 with BOM"):
        notes.insert(0, f"decoded as {encoding} (not valid UTF-8)")
    if preamble_lines:
        notes.insert(0, f"skipped {_count(preamble_lines, 'line')} before the header")
    if table.headerless:
        notes.insert(0, "no header row: read as the 11-column Meteostat bulk layout "
                        f"({', '.join(METEOSTAT_BULK)})")
    extras = _extra_columns(plan) if fmt == "Tutorial / tidy CSV" else {}
    frame = _read(body, codec, plan, extras, name, max_rows, preamble_lines)

    frame, stations, chosen = _pick_station(frame, plan, station, notes)
    dates, date_format = _dates(frame, plan, ov.get("date_format"), notes)
    values, units = _values(frame, plan, fmt, ov, notes, dates)
    for out_name, index in extras.items():
        values[out_name] = _mask_sentinels(to_numbers(frame[index], plan.decimal)[0])[0]

    return _assemble(dates, values, units, notes, name=name, fmt=fmt, encoding=encoding, plan=plan,
                     preamble_lines=preamble_lines, date_format=date_format, stations=stations,
                     station=chosen)


def _check_overrides(overrides: dict | None) -> dict:
    """Validate the user's corrections once, here, with messages naming the key and the choices."""
    ov = dict(overrides or {})
    unknown = [k for k in ov if k not in OVERRIDE_KEYS]
    if unknown:
        raise WeatherFileError(f"unknown override {unknown[0]!r}: use one of {', '.join(OVERRIDE_KEYS)}")
    sep = ov.get("separator")
    if sep is not None:
        sep = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}.get(sep, sep)
        if sep not in SEPARATOR_NAMES:
            raise WeatherFileError(f"separator {ov['separator']!r} is not supported: "
                                   "use ',', ';', tab or '|'")
        ov["separator"] = sep
    if ov.get("decimal") not in (None, ".", ","):
        raise WeatherFileError(f"decimal {ov['decimal']!r} is not supported: use '.' or ','")
    unit = ov.get("temperature_unit")
    if unit is not None:
        ov["temperature_unit"] = {"f": "F", "°f": "F", "c": "C", "°c": "C"}.get(str(unit).lower())
        if ov["temperature_unit"] is None:
            raise WeatherFileError(f"temperature_unit {unit!r} is not supported: use 'F' or 'C'")
    if ov.get("rain_unit") not in (None, "in", "mm"):
        raise WeatherFileError(f"rain_unit {ov['rain_unit']!r} is not supported: use 'in' or 'mm'")
    if ov.get("tenths") not in (None, True, False):
        raise WeatherFileError(f"tenths must be True or False, got {ov['tenths']!r}")
    for key in ("encoding", "date_column", "date_format", *ROLES):
        if ov.get(key) is not None and not isinstance(ov[key], str):
            raise WeatherFileError(f"override {key} must be text (a name), got {ov[key]!r}")
    return ov


def _column_index(names: tuple[str, ...], wanted: str, key: str) -> int:
    for candidate in (wanted, wanted.strip()):
        if candidate in names:
            return names.index(candidate)
    lowered = [n.lower() for n in names]
    if wanted.strip().lower() in lowered:
        return lowered.index(wanted.strip().lower())
    raise WeatherFileError(f"{key}={wanted!r} is not a column of this file: it has {_list(names)}")


def _count(n, noun: str) -> str:
    n = int(n)
    return f"{n:,} {noun}{'s' * (n != 1)}"


def _list(names, limit: int = 12) -> str:
    shown = ", ".join(repr(n) for n in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _column_values(sample, index: int) -> list[str]:
    return [row[index].strip() for row in sample if index < len(row) and row[index].strip()][:_SAMPLE_DATES]


def _find_date(names, sample, ov, name: str) -> tuple[int | tuple[int, int, int] | None, str]:
    """The date column (or year/month/day columns) and its layout, from names and sampled values."""
    fmt = ov.get("date_format")
    if ov.get("date_column") and fmt == YMD:
        raise WeatherFileError(f"date_format={YMD!r} reads separate year, month and day columns: "
                               "leave date_column out, or give that column's own date format")
    if ov.get("date_column"):
        index = _column_index(names, ov["date_column"], "date_column")
        kind = date_kind(_column_values(sample, index))
        if kind is None and not fmt:
            raise WeatherFileError(
                f"date_column {names[index]!r} does not hold dates like 2020-01-31, 20200131, 31.01.2020 "
                f"or 1/31/2020 (first value {(_column_values(sample, index) or [''])[0]!r}): choose "
                "another column, or give date_format")
        return index, kind or "custom"
    if fmt != YMD:
        found = []
        for i, name in enumerate(names):
            kind = date_kind(_column_values(sample, i))
            if kind:
                found.append((date_name_rank(name), i, kind))
        if found:
            _, index, kind = min(found)
            return index, kind
    year, month, day = ymd_columns(names)
    if year is not None and month is not None:
        if day is None:
            raise WeatherFileError(
                f"{name!r} holds monthly data (year and month columns {names[year]!r}, {names[month]!r}, "
                "no day): this app needs daily rows, one per day. Download daily observations instead")
        return (year, month, day), "ymd"
    return None, ""


def _plan(tables: list[Table], name: str, ov: dict) -> _Plan:
    """Choose the table (a file may hold metadata and hourly blocks too) and what to read from it."""
    if not tables:
        raise WeatherFileError(f"{name!r} has no table: no line has two or more fields separated by "
                               "',', ';', tab or '|'. Export the data as CSV with a header line, e.g. "
                               "date,tmax,tmin,rain")
    if all(not t.sample for t in tables):
        header = tables[-1].names
        raise WeatherFileError(f"{name!r} has a header ({_list(header, 6)}) but no data rows: export "
                               "the file again with its rows")
    best, best_score = None, None
    for table in tables:
        names = table.names
        if table.headerless:
            first = table.sample[0] if table.sample else ()
            if len(first) == len(METEOSTAT_BULK) and date_kind([first[0].strip()]) == "iso":
                names = METEOSTAT_BULK
            else:
                line = table.separator.join(first)[:60]
                raise WeatherFileError(
                    f"{name!r} has no header row: the first line ({line!r}) holds data, not column names. "
                    "Add a header line naming the columns, e.g. date,tmax,tmin,rain")
        date, kind = _find_date(names, table.sample, ov, name)
        roles, role_notes = _roles(names, ov)
        hourly = kind == "iso_time" and len({v[11:] for v in _column_values(table.sample, date)}) > 1
        score = (date is not None, sum(i is not None for i in roles.values()), not hourly, len(table.sample))
        if best_score is None or score > best_score:
            best, best_score = (table, names, date, kind, roles, role_notes), score
    table, names, date, kind, roles, role_notes = best
    if date is None:
        raise WeatherFileError(
            f"{name!r} has no date column: none of {_list(names)} holds dates like 2020-01-31, 20200131, "
            "31.01.2020 or 1/31/2020. Add a date column, or pick one with date_column=...")
    if all(i is None for i in roles.values()):
        raise WeatherFileError(
            f"{name!r} has no tmax, tmin or rain column (no numeric weather column recognised among "
            f"{_list(names)}): name the columns tmax/tmin/rain (or TMAX/TMIN/PRCP), or choose them with "
            "tmax=..., tmin=..., rain=...")
    decimal = ov.get("decimal") or _detect_decimal(table.sample, [i for i in roles.values() if i is not None])
    return _Plan(table, names, date, kind, roles, tomorrow_columns(names), station_column(names), decimal,
                 role_notes)


def _roles(names, ov) -> tuple[dict[str, int | None], list[str]]:
    roles, notes = map_roles(names)
    for role in ROLES:
        if role in ov:
            roles[role] = None if not ov[role] else _column_index(names, ov[role], role)
    return roles, notes


def _detect_decimal(sample, indexes: list[int]) -> str:
    """',' when sampled values of the weather columns use decimal commas and never decimal points."""
    commas = points = 0
    for index in indexes:
        for value in _column_values(sample, index):
            commas += bool(re.fullmatch(r"[-+]?\d*,\d+", value))
            points += bool(re.fullmatch(r"[-+]?\d*\.\d+", value))
    return "," if commas and not points else "."


def _extra_columns(plan: _Plan) -> dict[str, int]:
    """Tidy files keep their other numeric columns (e.g. ``wind``) under their own names."""
    used = set(plan.roles.values()) | set(plan.tomorrow.values()) | {plan.station}
    used |= set(plan.date) if isinstance(plan.date, tuple) else {plan.date}
    extras = {}
    for i, name in enumerate(plan.names):
        if i in used or name in ROLES or name in plan.tomorrow:
            continue
        values = _column_values(plan.table.sample, i)
        if values and all(re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", v) for v in values):
            extras[name] = i
    return extras


def _read(body: bytes, codec: str, plan: _Plan, extras: dict, name: str, max_rows: int,
          preamble_lines: int) -> pd.DataFrame:
    """Read only the needed columns of the chosen table, all rows, vectorised."""
    table = plan.table
    text_cols: set[int] = {plan.station} if plan.station is not None else set()
    wanted = set(plan.roles.values()) | set(plan.tomorrow.values()) | set(extras.values())
    if isinstance(plan.date, tuple):
        wanted |= set(plan.date)
    else:
        text_cols.add(plan.date)
    for index in plan.roles.values():
        if index is not None:
            text_cols |= set(flag_columns(plan.names, index).values())
    wanted = sorted(i for i in wanted | text_cols if i is not None)
    decimal = "." if plan.decimal == "," and table.separator == "," else plan.decimal
    try:
        frame = pd.read_csv(  # string names: integer keys in dtype= would be taken as positions
            io.BytesIO(body[table.start:table.end]), sep=table.separator, header=None, index_col=False,
            skiprows=0 if table.headerless else 1, names=[f"c{i}" for i in range(len(plan.names))],
            usecols=[f"c{i}" for i in wanted], dtype={f"c{i}": "str" for i in text_cols},
            na_values=NA_STRINGS, keep_default_na=True, skipinitialspace=True, decimal=decimal,
            encoding=codec, encoding_errors="replace", nrows=max_rows + 1, low_memory=False, engine="c")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, OverflowError) as exc:
        raise WeatherFileError(
            f"{name!r} could not be read as CSV: {str(exc).splitlines()[-1]} (line numbers count from the "
            f"header, which is line {preamble_lines + 1} of the file): check the quotes and separators "
            "there") from None
    frame.columns = [int(c[1:]) for c in frame.columns]  # back to positions in plan.names
    if len(frame) > max_rows:
        raise WeatherFileError(f"{name!r} has more than {max_rows:,} rows, the limit: split it into smaller "
                               "files (e.g. one station or a few decades each)")
    if frame.empty:
        raise WeatherFileError(f"{name!r} has a header but no data rows: export the file again with its rows")
    return frame


def _pick_station(frame: pd.DataFrame, plan: _Plan, wanted: str | None, notes: list[str]):
    """Keep one station's rows; default: the station with most rows (first in the file on a tie)."""
    if plan.station is None:
        if wanted:
            raise WeatherFileError(f"station={wanted!r} was asked for, but the file has no station column")
        return frame, (), None
    ids = frame[plan.station].astype("str").str.strip().fillna("")
    counts = ids.value_counts(sort=False)
    stations = tuple(str(s) for s in counts.index if s != "")
    if not stations:
        return frame, (), None
    column = plan.names[plan.station]
    if wanted is not None:
        lowered = {s.lower(): s for s in stations}
        chosen = wanted.strip() if wanted.strip() in stations else lowered.get(wanted.strip().lower())
        if chosen is None:
            raise WeatherFileError(f"station {wanted!r} is not in this file: its {column!r} column has "
                                   f"{_list(stations)}")
    else:
        chosen = max(stations, key=lambda s: counts[s])  # max keeps the first of equal counts
    if len(stations) > 1:
        how = "as asked" if wanted is not None else f"the one with most rows, {counts[chosen]:,}"
        notes.append(f"{len(stations)} stations in the file ({column!r}); using {chosen} ({how}); "
                     "choose another with station=...")
        if "" in counts.index:
            notes.append(f"left out {_count(counts[''], 'row')} with no station id")
        frame = frame[(ids == chosen).to_numpy()]
    return frame, stations, chosen


def _dates(frame: pd.DataFrame, plan: _Plan, override: str | None, notes: list[str]):
    """A normalized DatetimeIndex-ready array for the rows kept, dropping rows without a readable date."""
    if isinstance(plan.date, tuple):
        parts = {k: pd.to_numeric(frame[i], errors="coerce")
                 for k, i in zip(("year", "month", "day"), plan.date)}
        dates = pd.to_datetime(pd.DataFrame(parts), errors="coerce")
        present = pd.DataFrame(parts).notna().all(axis=1).to_numpy()
        raw = None
        date_format, source = YMD, ", ".join(plan.names[i] for i in plan.date)
    else:
        raw = frame[plan.date]
        dates, date_format, date_notes = parse_dates(raw, plan.kind, override)
        notes.extend(date_notes)
        present = raw.notna().to_numpy()
        source = plan.names[plan.date]
    dates = pd.Series(pd.DatetimeIndex(dates), index=frame.index)
    unread = present & dates.isna().to_numpy()
    n_bad, n_present = int(unread.sum()), int(present.sum())
    first = int(np.argmax(unread))
    example = "" if not n_bad else str(raw.iloc[first]) if raw is not None else \
        "/".join(f"{frame[i].iloc[first]:g}" for i in plan.date)
    if n_bad > max(5, n_present // 100):
        raise WeatherFileError(
            f"{n_bad:,} of {n_present:,} values in the date column {source!r} are not {date_format} dates "
            f"(first: {example!r}): correct those cells, or set date_format / date_column")
    if n_bad:
        notes.append(f"dropped {_count(n_bad, 'row')} whose date could not be read (e.g. {example!r})")
    if n_present < len(frame):
        notes.append(f"dropped {_count(len(frame) - n_present, 'row')} without a date")
    return dates, date_format


def _mask_sentinels(values: np.ndarray) -> tuple[np.ndarray, int]:
    """Missing-value codes (-9999, -999) as NaN, and how many there were."""
    sentinel = np.isin(values, SENTINELS)
    return np.where(sentinel, np.nan, values), int(sentinel.sum())


def _values(frame: pd.DataFrame, plan: _Plan, fmt: str, ov: dict, notes: list[str], dates: pd.Series):
    """Numbers per role (+ shifted targets), with flags, sentinels, trace and units applied.

    A cell that is neither a number nor a known code (empty, NaN, M, ---, -9999, T, <31) is an error
    naming the cell: guessing what "warm" or "#VALUE!" meant would lose data silently.
    """
    values: dict[str, np.ndarray] = {}
    trace = None
    for role, index in plan.roles.items():
        if index is None:
            continue
        column, traced, info = to_numbers(frame[index], plan.decimal)
        source = plan.names[index]
        column, codes = _mask_sentinels(column)
        if codes:
            notes.append(f"{_count(codes, source + ' value')} held a missing-value code (-9999/-999): "
                         "read as gaps")
        failed, flag_trace, flag_missing = _flags(frame, plan.names, index, role)
        if role == "rain":
            trace = traced | (flag_trace & ~(column > 0))
        elif traced.any():
            info = {"unreadable": int(traced.sum()), "first": int(np.argmax(traced)), "example": "T"}
        dropped = failed & ~np.isnan(column)
        if dropped.any():
            notes.append(f"dropped {_count(dropped.sum(), source + ' value')} that failed NOAA quality "
                         "control (QFLAG)")
            column[dropped] = np.nan
        column[flag_missing] = np.nan
        if info.get("bounded"):
            notes.append(f"{_count(info['bounded'], source + ' value')} like '<31' read as the bound")
        if info.get("unreadable"):
            day = dates.iloc[info["first"]]
            where = f" on {day:%Y-%m-%d}" if pd.notna(day) else f" in data row {info['first'] + 1}"
            raise WeatherFileError(
                f"column {source!r} has {_count(info['unreadable'], 'value')} that cannot be read as a "
                f"number (first: {info['example']!r}{where}): correct or empty those cells (empty, NaN, "
                "M, -9999 and, for rain, T are understood)")
        values[role] = column
    for out_name, index in plan.tomorrow.items():
        values[out_name] = _mask_sentinels(to_numbers(frame[index], plan.decimal)[0])[0]
    units = _units(values, plan, fmt, ov, notes)
    if trace is not None and trace.any():
        amount = TRACE[units["rain"]]
        values["rain"][trace] = amount
        notes.append(f"{_count(trace.sum(), 'trace value')} (T) read as {amount:g} {units['rain']}")
    for out_name, column in values.items():
        if np.isinf(column).any():
            raise WeatherFileError(
                f"column {_source_name(plan, out_name)!r} has an infinite value ('inf' or a number too "
                f"large, like 1e309) in data row {int(np.argmax(np.isinf(column))) + 1}: correct it or "
                "empty that cell")
    return values, units


def _source_name(plan: _Plan, out_name: str) -> str:
    index = plan.roles.get(out_name, plan.tomorrow.get(out_name))
    return plan.names[index] if index is not None else out_name


def _flags(frame, names, index, role):
    """(failed QC, trace, flagged missing) masks from the flag columns next to a value column."""
    n = len(frame)
    failed, trace, missing = np.zeros(n, bool), np.zeros(n, bool), np.zeros(n, bool)
    for kind, column in flag_columns(names, index).items():
        if kind == "attributes":
            failed |= (flag_letters(frame[column], 1) != "").to_numpy()
            trace |= (flag_letters(frame[column], 0) == "T").to_numpy()
        elif kind == "qflag":
            failed |= (flag_letters(frame[column]) != "").to_numpy()
        elif kind == "mflag":
            trace |= (flag_letters(frame[column]) == "T").to_numpy()
        else:  # Environment Canada: M missing, T trace
            letters = flag_letters(frame[column])
            missing |= (letters == "M").to_numpy()
            trace |= (letters == "T").to_numpy()
    return failed, trace & (role == "rain"), missing


def _units(values: dict, plan: _Plan, fmt: str, ov: dict, notes: list[str]) -> dict:
    """Decide tenths and units (override > column name > format > values) and convert tenths."""
    temps = [values[r] for r in ("tmax", "tmin") if r in values]
    if ov.get("tenths") is not None:
        tenths, why = ov["tenths"], "tenths as set by the override" if ov["tenths"] else ""
    else:
        tenths, why = decide_tenths(np.concatenate(temps) if temps else np.array([]), fmt == GHCN)
    if why:
        notes.append(why)
    if tenths:
        for key in values:
            values[key] = values[key] / 10.0
    fixed = FORMAT_UNITS.get(fmt) or (("C", "mm") if tenths else None)
    units = {"temperature": None, "rain": None}
    if temps:
        units["temperature"] = _unit(
            "temperature", ov.get("temperature_unit"), plan, ("tmax", "tmin"), fixed and fixed[0], fmt, notes,
            lambda: infer_temperature_unit(values.get("tmax"), values.get("tmin")))
    if "rain" in values:
        units["rain"] = _unit(
            "rain", ov.get("rain_unit"), plan, ("rain",), fixed and fixed[1], fmt, notes,
            lambda: infer_rain_unit(values["rain"], units["temperature"]))
    return units


def _unit(what, override, plan, roles, fixed, fmt, notes, infer):
    if override:
        notes.append(f"{what} unit {override} as set by the override")
        return override
    for role in roles:
        index = plan.roles.get(role)
        unit = unit_from_name(plan.names[index]) if index is not None else None
        if unit in (("F", "C") if what == "temperature" else ("in", "mm")):
            notes.append(f"{what} unit {unit}: from the column name {plan.names[index]!r}")
            return unit
    if fixed:
        notes.append(f"{what} unit {fixed}: {fmt} files always use it")
        return fixed
    unit, why = infer()
    notes.append(why)
    return unit


def _assemble(dates: pd.Series, values: dict, units: dict, notes: list[str], *, name, fmt, encoding, plan,
              preamble_lines, date_format, stations, station) -> ImportResult:
    """Drop undated rows, sort, check duplicates and spacing, and build the frame and report."""
    keep = dates.notna().to_numpy()
    index = pd.DatetimeIndex(dates.to_numpy()[keep])
    if len(index) and (index != index.normalize()).any():
        if index.normalize().duplicated().any():
            raise WeatherFileError(
                f"{name!r} has several rows per day (hourly or sub-daily data): this app needs daily rows, "
                "one per day. Download daily values (e.g. Open-Meteo 'daily' variables)")
        notes.append("times of day dropped: one row per day")
    index = index.normalize()
    columns = {k: v[keep] for k, v in values.items()}
    order = np.argsort(index.to_numpy(), kind="stable")
    moved = int((order != np.arange(len(order))).sum())
    if moved:
        notes.append(f"sorted the rows by date ({moved:,} rows were out of order)")
        index = index[order]
        columns = {k: v[order] for k, v in columns.items()}
    if len(index) == 0:
        raise WeatherFileError(f"{name!r} has no row with a readable date: check the date column")
    if len(index) == 1:
        raise WeatherFileError(f"{name!r} has only one dated row ({index[0]:%Y-%m-%d}): gradient "
                               "descent needs many days; use a file with at least a few weeks of daily rows")
    duplicated = index.duplicated()
    if duplicated.any():
        first = index[duplicated][0]
        where = " for this station" if station else ""
        raise WeatherFileError(
            f"{name!r} has the date {first:%Y-%m-%d} more than once{where}: keep one row per day (if the "
            "file mixes stations, it needs a STATION column to tell them apart)")
    steps = np.diff(index.to_numpy()).astype("timedelta64[D]").astype(float)
    if len(steps) >= 2 and np.median(steps) >= 28:
        raise WeatherFileError(f"{name!r} holds monthly data (rows {np.median(steps):.0f} days apart): "
                               "this app needs daily rows, one per day. Download daily observations instead")
    roles_found = [r for r in ROLES if r in columns]
    if all(np.isnan(columns[r]).all() for r in roles_found):
        sources = "/".join(_source_name(plan, r) for r in roles_found)
        raise WeatherFileError(f"{name!r} has no numbers in its {sources} column(s): every value is empty "
                               "or a missing-value code")
    for role in roles_found:
        if np.isnan(columns[role]).all():
            notes.append(f"{role} column {_source_name(plan, role)!r} is empty")
    frame = pd.DataFrame({k: np.asarray(v, dtype="float64") for k, v in columns.items()},
                         index=pd.DatetimeIndex(index, name="date"))
    date_column = ", ".join(plan.names[i] for i in plan.date) if isinstance(plan.date, tuple) \
        else plan.names[plan.date]
    report = ImportReport(
        format=fmt, encoding=encoding, separator=plan.table.separator, decimal=plan.decimal,
        preamble_lines=preamble_lines, date_column=date_column, date_format=date_format,
        columns={"date": date_column, **{r: _source_name(plan, r) if r in columns else None for r in ROLES}},
        units=units, stations=stations, station=station, rows=len(frame),
        start=f"{index[0]:%Y-%m-%d}", end=f"{index[-1]:%Y-%m-%d}",
        missing={r: int(np.isnan(columns[r]).sum()) if r in columns else None for r in ROLES},
        notes=tuple(notes), source_columns=tuple(plan.names))
    return ImportResult(frame, report)


def inspect_dict(result: ImportResult) -> dict:
    """The JSON summary printed by ``python -m gd_core inspect FILE --json``."""
    r = result.report
    return {"rows": r.rows, "start": r.start, "end": r.end, "columns": dict(r.columns),
            "units": dict(r.units), "stations": list(r.stations), "station": r.station,
            "missing": dict(r.missing)}


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy safe to open in a spreadsheet: text cells starting with = + - @ (or tab/CR) get a leading '.

    Numeric columns are untouched, so negative temperatures stay numbers. Text column labels and a
    text index are escaped the same way.
    """
    def escape(value):
        return "'" + value if isinstance(value, str) and value.startswith(_FORMULA_START) else value

    def is_text(values) -> bool:
        return not (pd.api.types.is_numeric_dtype(values) or pd.api.types.is_datetime64_any_dtype(values))

    out = frame.copy()
    for column in out.columns:
        if is_text(out[column]):
            out[column] = out[column].map(escape, na_action="ignore").astype(object)
    out.columns = [escape(c) for c in out.columns]
    if is_text(out.index):
        out.index = pd.Index([escape(v) for v in out.index], name=escape(out.index.name))
    return out
