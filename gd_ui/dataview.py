"""The Data page's pure parts: what the importer decided, as rows; fill strategies with counts; what the
correction controls offer; whether a dataset can be trained on."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from gd_core.data import MAX_FILL_DAYS, fill_missing, make_problem
from gd_core.importer import ImportReport, ImportResult, WeatherFileError
from gd_ui.datasets import Dataset
from gd_ui.formats import count
from gd_ui.safe import csv_safe

FILL_LABELS = {"ffill": f"forward-fill (like the tutorial), gaps up to {MAX_FILL_DAYS} days",
               "drop": "drop incomplete days",
               "interpolate": f"interpolate in time, gaps up to {MAX_FILL_DAYS} days"}
UNIT_NAMES = {"F": "°F", "C": "°C", "in": "inches", "mm": "mm", None: "unit unknown", "0.1 C": "tenths of °C",
              "0.1 mm": "tenths of mm", "cm": "cm (10 mm)"}
SETTING_WORDS = {"date_column": "date column", "date_format": "date format", "tmax": "tmax column",
                 "tmin": "tmin column", "rain": "rain column", "temperature_unit": "temperature unit",
                 "rain_unit": "rain unit", "separator": "separator", "decimal": "decimal mark",
                 "encoding": "encoding", "tenths": "tenths"}


@dataclass(frozen=True)
class Detected:
    """What the correction controls start from: the chosen table's columns and the detected values
    (after a refusal: only the columns, and the settings that can mend it)."""

    columns: tuple[str, ...]
    values: dict = field(default_factory=dict)  # setting -> detected value (None: not found)
    stations: tuple[str, ...] = ()
    fixes: tuple[str, ...] = ()  # after a refusal: the settings that can mend it

    @classmethod
    def of_report(cls, r: ImportReport) -> Detected:
        values = {"separator": r.separator, "decimal": r.decimal, "encoding": r.encoding,
                  "date_column": r.date_column, "date_format": r.date_format, "station": r.station,
                  "temperature_unit": (r.file_units or r.units).get("temperature"),
                  "rain_unit": (r.file_units or r.units).get("rain"),
                  **{role: r.columns.get(role) for role in ("tmax", "tmin", "rain")}}
        return cls(tuple(r.source_columns), values, tuple(r.stations))

    @classmethod
    def of_error(cls, exc: WeatherFileError) -> Detected:
        return cls(tuple(exc.columns), {}, (), tuple(exc.fixes))


def corrections_text(station: str | None, overrides: tuple) -> str:
    """The corrections in effect, in words: 'tmax column = Max; rain unit = 0.1 mm'."""
    parts = [f"station = {station}"] if station else []
    parts += [f"{SETTING_WORDS.get(k, k)} = {v}" for k, v in overrides]
    return "; ".join(parts)


def training_check(result: ImportResult, fill: str) -> tuple[str | None, tuple[str, ...]]:
    """(why the Playground cannot train on it, or None; notes on days left out), for its simplest model,
    tomorrow's tmax from today's (the sidebar leaves constant or empty predictors out by itself)."""
    try:
        problem = make_problem(result.frame, ["tmax"], "tmax_tomorrow", fill=fill,
                               max_fill_days=MAX_FILL_DAYS)
    except ValueError as exc:
        return str(exc), ()
    return None, problem.notes


def digest(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()[:12]


def report_rows(report: ImportReport) -> pd.DataFrame:
    """One row per decision, as text (user strings stay data, never markup)."""
    sep = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe", " ": "spaces"}
    rows = [
        ("format", report.format),
        ("encoding", report.encoding),
        ("separator", sep.get(report.separator, repr(report.separator))),
        ("decimal mark", "comma" if report.decimal == "," else "point"),
        ("lines before the header", str(report.preamble_lines)),
        ("date column", f"{report.date_column} ({report.date_format})"),
        ("dates", f"{report.start} to {report.end}, {report.rows:,} days"),
        ("station or place", place_of(report) or "—"),
        ("stations in the file", ", ".join(report.stations) if report.stations else "—"),
    ]
    for role in ("tmax", "tmin", "rain"):
        src = report.columns.get(role)
        unit = UNIT_NAMES.get(report.units.get("rain" if role == "rain" else "temperature"))
        named = src and unit and unit in src  # "Max Temp (°C)" already says it
        missing = count(report.missing.get(role) or 0, "value") + " missing"
        rows.append((role, f"{src}{'' if named else f' ({unit})'}, {missing}" if src else "not found"))
    # Streamlit's own "Download as CSV" exports these cells as they are: user text (column names,
    # station ids) that starts like a formula is escaped here, as every export of ours does.
    return csv_safe(pd.DataFrame(rows, columns=["", "detected"]).set_index(""))


def fill_counts(frame: pd.DataFrame) -> dict[str, dict[str, str]]:
    """For each strategy, in words: how many values it fills and how many days it keeps."""
    cols = [c for c in ("tmax", "tmin", "rain") if c in frame.columns]
    missing = int(frame[cols].isna().sum().sum())
    out = {}
    for how in FILL_LABELS:
        filled = fill_missing(frame[cols], how, MAX_FILL_DAYS)
        n = 0 if how == "drop" else missing - int(filled.isna().sum().sum())
        left = int(filled.isna().all(axis=1).sum()) if how != "drop" else 0
        gone = f"{count(left, 'day')} in gaps over {MAX_FILL_DAYS} days left out" if left else ""
        out[how] = {"filled": count(n, "value") + " filled", "kept": count(len(filled) - left, "day"),
                    "left": gone}
    return out


def to_dataset(result: ImportResult, *, filename: str, data_digest: str, fill: str,
               settings: str) -> Dataset:
    """The imported, filled frame as a dataset the pages can use."""
    frame = fill_missing(result.frame, fill, MAX_FILL_DAYS)
    r = result.report
    where = place_of(r)
    key = f"upload:{data_digest}:{hashlib.sha1((settings + fill).encode()).hexdigest()[:8]}"
    frame = frame[[c for c in frame.columns if c.removesuffix("_tomorrow") in ("tmax", "tmin", "rain")]]
    label = f"{where} ({filename}, {fill})" if where else f"{filename} ({fill})"
    return Dataset(key, label, frame, r.units.get("temperature"),
                   r.units.get("rain"), f"Uploaded: {filename}{' · ' + where if where else ''}, {r.start} to "
                   f"{r.end}, {r.format}; missing values: {FILL_LABELS[fill]}.")


def place_of(r: ImportReport) -> str:
    """The station or place the file names: its place (preamble, file name) and the station chosen."""
    place = getattr(r, "place", None)
    if place and r.station and r.station not in place:
        return f"{place} · {r.station}"
    return place or r.station or ""


def tomorrow_pairs(frame: pd.DataFrame, column: str = "tmax") -> tuple[np.ndarray, np.ndarray]:
    """(today, next calendar day) pairs of ``column`` for the preview scatter."""
    nxt = frame[column].reindex(frame.index + pd.Timedelta(days=1)).to_numpy()
    today = frame[column].to_numpy()
    ok = ~(np.isnan(today) | np.isnan(nxt))
    return today[ok], nxt[ok]
