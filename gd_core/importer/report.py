"""What the importer returns: the weather frame and the report of every decision it made."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from gd_core.importer.columns import ROLES
from gd_core.importer.messages import WeatherFileError, shorten


@dataclass(frozen=True)
class ImportReport:
    """Everything the importer decided, for display and for correcting it with ``overrides``.

    ``columns`` and ``units`` have one entry per role (None when absent); ``missing`` counts NaN per
    role after import (gaps in the table, not absent calendar days); ``notes`` are sentences saying
    what was converted, dropped, sorted or guessed, worded for the Data page and the command line
    alike; ``source_columns`` lists the table's columns (the choices for the ``date_column``/
    ``tmax``/``tmin``/``rain`` overrides).
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
    file_units: dict = field(default_factory=dict)  # as the file holds them: "0.1 C", "0.1 mm", "cm", ...
    place: str | None = None  # the station or place the file names (preamble, file name)


@dataclass(frozen=True)
class ImportResult:
    """``frame``: DatetimeIndex ``date`` (sorted, unique days), float columns ``tmax``/``tmin``/``rain``
    (those found), any ``<x>_tomorrow`` already in the file, and for tidy CSVs their other numeric
    columns. Values are in the file's units (GHCN tenths divided by 10), finite and within physical
    bounds (see ``gd_core.importer.bounds``); gaps stay NaN."""

    frame: pd.DataFrame
    report: ImportReport


def empty_roles(columns: dict[str, np.ndarray], sources: dict[str, str], name: str) -> tuple[str, ...]:
    """Notes for weather columns without a single value; an error when every one is empty."""
    found = [r for r in ROLES if r in columns]
    empty = [r for r in found if np.isnan(columns[r]).all()]
    if found and len(empty) == len(found):
        shown = "/".join(shorten(sources[r]) for r in found)
        raise WeatherFileError(f"{name!r} has no numbers in its {shown} column(s): every value is empty, "
                               "a missing-value code or impossible")
    return tuple(f"{role} column {sources[role]!r} is empty: every cell is blank, a missing-value code or "
                 f"impossible, so {role} has no values" for role in empty)


def build_result(index: pd.DatetimeIndex, columns: dict[str, np.ndarray], report: dict) -> ImportResult:
    """The frame (float columns on a ``date`` index) and its report; ``report`` holds the other fields."""
    frame = pd.DataFrame({k: np.asarray(v, dtype="float64") for k, v in columns.items()},
                         index=pd.DatetimeIndex(index, name="date"))
    missing = {r: int(frame[r].isna().sum()) if r in frame else None for r in ROLES}
    return ImportResult(frame, ImportReport(rows=len(frame), start=f"{index[0]:%Y-%m-%d}",
                                            end=f"{index[-1]:%Y-%m-%d}", missing=missing, **report))
