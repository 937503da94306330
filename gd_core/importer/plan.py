"""Choosing the table and what to read from it, from its header and first rows only.

A file may hold metadata and hourly blocks besides the daily table; each candidate is scored by
(has a date column, weather columns found, not hourly, rows sampled) and the best one is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gd_core.importer.columns import ROLES, map_roles, station_column, tomorrow_columns
from gd_core.importer.dates import date_kind, find_date
from gd_core.importer.messages import WeatherFileError, name_list, shorten
from gd_core.importer.overrides import column_index
from gd_core.importer.services import METEOSTAT_BULK, Layout, Service, find_service
from gd_core.importer.tables import Table, column_values

PREAMBLE_BYTES = 64 * 1024  # a service's preamble (station, location, units) is read from this much
COLUMN_KEYS = ("date_column", *ROLES)  # corrections naming a column of the table
MAX_COLUMNS = 2_000  # GHCN-Daily by-station files, the widest export, have ~120-250 columns
_LOOSE_NUMBER = re.compile(r"[<>]?\s*[-+]?(\d+([.,]\d*)?|[.,]\d+)([eE][-+]?\d+)?")
_PLAIN_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


@dataclass(frozen=True)
class Plan:
    """What to read from the chosen table, decided from its header and first rows."""

    table: Table
    names: tuple[str, ...]
    date: int | tuple[int, int, int]
    kind: str
    roles: dict[str, int | None]
    tomorrow: dict[str, int]
    station: int | None
    decimal: str
    notes: tuple[str, ...]
    service: Service | None = None  # the service recognised from the names and preamble, if any

    def source(self, out_name: str) -> str:
        """The file's name for an output column (``tmax`` → ``TMAX``)."""
        index = self.roles.get(out_name, self.tomorrow.get(out_name))
        return self.names[index] if index is not None else out_name

    @property
    def date_column(self) -> str:
        """The date column's name, or the year, month and day columns' names."""
        if isinstance(self.date, tuple):
            return ", ".join(self.names[i] for i in self.date)
        return self.names[self.date]


@dataclass(frozen=True)
class _Candidate:
    """One table as it could be read: its date and role columns, scored against the others."""
    table: Table
    names: tuple[str, ...]
    date: int | tuple[int, int, int] | None
    kind: str
    roles: dict[str, int | None]
    notes: tuple[str, ...]
    service: Service | None = None

    def score(self) -> tuple:
        """(has a date, weather columns found, not hourly, rows sampled): higher is better."""
        hourly = self.kind == "iso_time" and len({v[11:] for v in column_values(self.table.sample,
                                                                                  self.date)}) > 1
        return (self.date is not None, sum(i is not None for i in self.roles.values()), not hourly,
                len(self.table.sample))


def make_plan(tables: list[Table], name: str, ov: dict, first: str, body: bytes = b"",
              codec: str = "utf-8") -> Plan:
    """Choose the table (a file may hold metadata and hourly blocks too) and what to read from it.

    ``body``: the file's bytes in ``codec``; what lies before a table is its preamble.
    """
    head = body[:PREAMBLE_BYTES]
    tables = _usable_tables(tables, name, first)
    # The table is chosen as detected; the chosen columns are then looked up in that table only (a
    # preamble's little "table" of station facts never has them, and must not refuse the correction).
    detected = {k: v for k, v in ov.items() if k not in COLUMN_KEYS}
    best = max((_candidate(t, name, detected, head, codec) for t in tables), key=_Candidate.score)  # first
    if len(detected) < len(ov):
        best = _candidate(best.table, name, ov, head, codec)
    _check_candidate(best, name, first)
    decimal = ov.get("decimal") or _detect_decimal(best.table.sample,
                                                   [i for i in best.roles.values() if i is not None])
    return Plan(best.table, best.names, best.date, best.kind, best.roles, tomorrow_columns(best.names),
                station_column(best.names), decimal, best.notes, best.service)


def _usable_tables(tables: list[Table], name: str, first: str) -> list[Table]:
    """Tables with data rows and a plausible width; otherwise say what the file holds instead."""
    if not tables:
        raise WeatherFileError(f"{name!r} has no table: no line has two or more fields separated by "
                               f"',', ';', tab or '|' (first line: {first!r}). Export the data as CSV with a "
                               "header line, e.g. date,tmax,tmin,rain")
    narrow = [t for t in tables if len(t.names) <= MAX_COLUMNS]
    if not narrow:
        widest = max(tables, key=lambda t: len(t.names))
        raise WeatherFileError(
            f"{name!r}: the header has {len(widest.names):,} columns; this does not look like a daily "
            "weather table (exports have at most a few hundred). Keep the date, tmax, tmin and rain columns "
            "and save it again")
    with_rows = [t for t in narrow if t.sample]
    if not with_rows:
        raise WeatherFileError(f"{name!r} has a header ({name_list(narrow[-1].names, 6)}) but no data rows: "
                               "export the file again with its rows")
    return with_rows


def _candidate(table: Table, name: str, ov: dict, head: bytes, codec: str) -> _Candidate:
    """A table's date column and role columns (the Meteostat bulk layout when it has no header);
    a recognised service's own column names come before the general vocabulary."""
    names = _bulk_names(table, name) if table.headerless else table.names
    date, kind = find_date(names, table.sample, ov, name)
    preamble = head[:table.start].decode(codec, errors="replace")
    service = find_service(Layout(names, {}, None, table.separator, ".", preamble, table.headerless, name))
    roles, notes = map_roles(names, service.columns if service else None)
    for role in ROLES:
        if role in ov:
            roles[role] = None if not ov[role] else column_index(names, ov[role], role)
    return _Candidate(table, names, date, kind, roles, tuple(notes), service)


def _bulk_names(table: Table, name: str) -> tuple[str, ...]:
    """Old Meteostat bulk files have no header: 11 columns starting with an ISO date."""
    first = table.sample[0] if table.sample else ()
    if len(first) == len(METEOSTAT_BULK) and date_kind([first[0].strip()]) == "iso":
        return METEOSTAT_BULK
    line = shorten(table.separator.join(first), 60)
    raise WeatherFileError(f"{name!r} has no header row: the first line ({line!r}) holds data, not column "
                           "names. Add a header line naming the columns, e.g. date,tmax,tmin,rain")


def _check_candidate(best: _Candidate, name: str, first: str) -> None:
    """The chosen table needs a date column and at least one of tmax, tmin, rain."""
    no_roles = all(i is None for i in best.roles.values())
    if best.date is None and not _numeric_roles(best):
        raise WeatherFileError(f"{name!r} does not look like a weather table: no date column and no "
                               f"tmax/tmin/rain column with numbers found (first line: {first!r})")
    if best.date is None:
        raise WeatherFileError(
            f"{name!r} has no date column: none of {name_list(best.names)} holds dates like 2020-01-31, "
            "20200131, 31.01.2020 or 1/31/2020. Add a date column, or choose the date column",
            fixes=("date_column", "date_format"), columns=best.names)
    if no_roles:
        raise WeatherFileError(
            f"{name!r} has no tmax, tmin or rain column (no numeric weather column recognised among "
            f"{name_list(best.names)}): name the columns tmax/tmin/rain (or TMAX/TMIN/PRCP), or choose the "
            "tmax, tmin and rain columns", fixes=ROLES, columns=best.names)


def _numeric_roles(candidate: _Candidate) -> bool:
    """Some role column holds a number in the sampled rows (prose mentioning "tmin" does not)."""
    return any(_LOOSE_NUMBER.fullmatch(v) for i in candidate.roles.values() if i is not None
               for v in column_values(candidate.table.sample, i))


def _detect_decimal(sample, indexes: list[int]) -> str:
    """',' when sampled values of the weather columns use decimal commas and never decimal points."""
    commas = points = 0
    for index in indexes:
        for value in column_values(sample, index):
            commas += bool(re.fullmatch(r"[-+]?\d*,\d+", value))
            points += bool(re.fullmatch(r"[-+]?\d*\.\d+", value))
    return "," if commas and not points else "."


def extra_columns(plan: Plan) -> dict[str, int]:
    """Tidy files keep their other numeric columns (e.g. ``wind``) under their own names."""
    used = set(plan.roles.values()) | set(plan.tomorrow.values()) | {plan.station}
    used |= set(plan.date) if isinstance(plan.date, tuple) else {plan.date}
    extras = {}
    for i, name in enumerate(plan.names):
        if i in used or name in ROLES or name in plan.tomorrow:
            continue
        values = column_values(plan.table.sample, i)
        if values and all(_PLAIN_NUMBER.fullmatch(v) for v in values):
            extras[name] = i
    return extras
