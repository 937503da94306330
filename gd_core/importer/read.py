"""``import_weather``: run the importer's steps in order, from bytes to a weather frame and its report.

Each step lives in a module named for what it does and returns its notes; this module only threads
them through: encoding → tables → plan → read the columns → station → dates → values and units →
one row per day → bounds → result.
"""

from __future__ import annotations

import io
import warnings

import pandas as pd

from gd_core.importer.bounds import apply_bounds
from gd_core.importer.columns import flag_columns
from gd_core.importer.daily import read_dates, to_days
from gd_core.importer.encoding import check_not_binary, decode, read_source, unify_line_ends
from gd_core.importer.messages import WeatherFileError, count, shorten
from gd_core.importer.overrides import check_overrides
from gd_core.importer.plan import Plan, extra_columns, make_plan
from gd_core.importer.report import ImportResult, build_result, empty_roles
from gd_core.importer.reshape import reshape
from gd_core.importer.services import BY_NAME, METEOSTAT_BULK, TIDY, Layout, Service, identify_format
from gd_core.importer.stations import pick_station
from gd_core.importer.tables import find_tables, first_line, reject_unsupported_layouts
from gd_core.importer.units import decide_units
from gd_core.importer.values import check_finite, fill_trace, plain_numbers, read_role

NA_STRINGS = ["", "NaN", "nan", "NA", "N/A", "n/a", "M", "---", "--", "null", "NULL", "None", "#N/A",
              "missing"]
_UNEXPECTED = "the importer failed unexpectedly"


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
        Its frame's values are finite and within physical bounds; its report's notes say every
        conversion, drop and guess.

    Raises
    ------
    WeatherFileError
        For every file that cannot be used; the message says why and what to do.
    """
    ov = check_overrides(overrides)
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
        raise WeatherFileError(f"{_UNEXPECTED} on {name!r} ({type(exc).__name__}: {shorten(exc, 200)}): "
                               "save the file again as a plain CSV (UTF-8, comma-separated) and retry, or "
                               "report it") from exc


def _import(data: bytes, name: str, station: str | None, ov: dict, max_rows: int) -> ImportResult:
    """The steps in order; every note they return is kept, in the order they were made."""
    check_not_binary(data, name)
    decoded = decode(data, name, ov.get("encoding"))
    body, codec = unify_line_ends(decoded.body), decoded.codec
    reshaped = reshape(body, codec, name)
    if reshaped:
        body, codec = reshaped.body, "utf-8"
    reject_unsupported_layouts(body, name)
    tables = find_tables(body, codec, ov.get("separator"), name)
    plan = make_plan(tables, name, ov, first_line(body, codec), body, codec)
    try:
        return _read_plan(body, codec, decoded, reshaped, plan, name, station, ov, max_rows)
    except WeatherFileError as exc:  # a refusal after the table was chosen: its columns are the choices
        exc.columns = exc.columns or plan.names
        raise


def _read_plan(body, codec, decoded, reshaped, plan: Plan, name, station, ov, max_rows) -> ImportResult:
    """From the chosen table to the result: station, dates, values and units, days, bounds."""
    preamble = body[:plan.table.start].decode(codec, errors="replace")
    service = BY_NAME[reshaped.service] if reshaped else identify_format(Layout(
        plan.names, plan.roles, plan.date if isinstance(plan.date, int) else None, plan.table.separator,
        plan.decimal, preamble, plan.table.headerless, name))
    notes = [*(reshaped.notes if reshaped else ()), *_layout_notes(plan, preamble.count("\n")),
             *decoded.notes, *plan.notes, *_flag_notes(service, plan.names)]
    extras = extra_columns(plan) if service.name == TIDY else {}
    frame = _read_table(body, codec, plan, extras, name, max_rows, preamble.count("\n"), service)

    picked = pick_station(frame, plan.names, plan.station, station)
    dates, date_format, date_notes = read_dates(picked.frame, plan, ov.get("date_format"), name)
    values, units, file_units, value_notes = _values(picked.frame, plan, service, ov, dates)
    for out_name, index in extras.items():
        values[out_name] = plain_numbers(picked.frame[index], plan.decimal)
    index, columns, day_notes = to_days(dates, values, name, picked.chosen)
    sources = {k: plan.source(k) for k in columns}
    columns, bound_notes = apply_bounds(columns, units, index, sources, name)
    notes += [*picked.notes, *date_notes, *value_notes, *day_notes, *bound_notes,
              *empty_roles(columns, sources, name)]
    place = service.place(preamble, name) if service.place and not reshaped else None
    return build_result(index, columns, {
        "format": service.name, "encoding": decoded.label, "separator": plan.table.separator,
        "decimal": plan.decimal, "preamble_lines": 0 if reshaped else preamble.count("\n"),
        "date_column": plan.date_column, "date_format": date_format,
        "columns": {"date": plan.date_column, **{r: sources.get(r) for r in ("tmax", "tmin", "rain")}},
        "units": units, "file_units": file_units, "stations": picked.stations, "station": picked.chosen,
        "place": place, "notes": tuple(notes), "source_columns": tuple(plan.names)})


def _flag_notes(service: Service, names) -> tuple[str, ...]:
    """What the service's flag columns mean, when the table has some (Met Éireann's indicators)."""
    normed = {n.lower().split(".")[0] for n in names}
    if service.name == "Met Éireann" and normed & {"ind", "imax", "imin", "irain"}:
        return (f"{service.name}: {service.flags}",)
    return ()


def _layout_notes(plan: Plan, preamble_lines: int) -> tuple[str, ...]:
    """Notes on a missing header and on lines skipped before it."""
    notes = []
    if plan.table.headerless:
        notes.append("no header row: read as the 11-column Meteostat bulk layout "
                     f"({', '.join(METEOSTAT_BULK)})")
    if preamble_lines:
        notes.append(f"skipped {count(preamble_lines, 'line')} before the header")
    return tuple(notes)


def _read_table(body: bytes, codec: str, plan: Plan, extras: dict, name: str, max_rows: int,
                preamble_lines: int, service: Service) -> pd.DataFrame:
    """Read only the needed columns of the chosen table, all rows, vectorised (columns keyed by position)."""
    table = plan.table
    text_cols = {plan.station} - {None}
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
            na_values=[*NA_STRINGS, *service.missing], keep_default_na=True, skipinitialspace=True,
            decimal=decimal, encoding=codec, encoding_errors="replace", nrows=max_rows + 1, low_memory=False,
            engine="c")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, OverflowError) as exc:
        raise WeatherFileError(
            f"{name!r} could not be read as CSV: {shorten(str(exc).splitlines()[-1], 200)} (line numbers "
            f"count from the header, which is line {preamble_lines + 1} of the file): check the quotes and "
            "separators there") from None
    frame.columns = [int(c[1:]) for c in frame.columns]
    if len(frame) > max_rows:
        raise WeatherFileError(f"{name!r} has more than {max_rows:,} rows, the limit: split it into smaller "
                               "files (e.g. one station or a few decades each)")
    if frame.empty:
        raise WeatherFileError(f"{name!r} has a header but no data rows: export the file again with its rows")
    return frame


def _values(frame: pd.DataFrame, plan: Plan, service: Service, ov: dict, dates: pd.Series):
    """Numbers per role and per target already in the file, in decided units;
    (values, units read as, the file's own units, notes)."""
    values, notes, trace = {}, [], None
    for role, index in plan.roles.items():
        if index is not None:
            read = read_role(frame, plan.names, index, role, plan.decimal, dates,
                             service.trace.get(role, ()))
            values[role], notes = read.values, notes + list(read.notes)
            trace = read.trace if role == "rain" else trace
    for out_name, index in plan.tomorrow.items():
        values[out_name] = plain_numbers(frame[index], plan.decimal)
    values, units, file_units, unit_notes = decide_units(values, plan.names, plan.roles, service, ov)
    notes += unit_notes
    if "rain" in values:
        values["rain"], trace_notes = fill_trace(values["rain"], trace, units["rain"])
        notes += trace_notes
    check_finite(values, {k: plan.source(k) for k in values})
    return values, units, file_units, tuple(notes)
