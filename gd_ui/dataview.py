"""The Data page's pure parts: what the importer decided, as rows; fill strategies with counts."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from gd_core.data import fill_missing
from gd_core.importer import ImportReport, ImportResult
from gd_ui.datasets import Dataset
from gd_ui.formats import count
from gd_ui.safe import csv_safe

FILL_LABELS = {"ffill": "forward-fill (like the tutorial)", "drop": "drop incomplete days",
               "interpolate": "interpolate in time"}
UNIT_NAMES = {"F": "°F", "C": "°C", "in": "inches", "mm": "mm", None: "unit unknown"}


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
        ("station", report.station or "—"),
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
        filled = fill_missing(frame[cols], how)
        n = 0 if how == "drop" else missing - int(filled.isna().sum().sum())
        out[how] = {"filled": count(n, "value") + " filled", "kept": count(len(filled), "day")}
    return out


def to_dataset(result: ImportResult, *, filename: str, data_digest: str, fill: str,
               settings: str) -> Dataset:
    """The imported, filled frame as a dataset the pages can use."""
    frame = fill_missing(result.frame, fill)
    r = result.report
    station = f" · {r.station}" if r.station else ""
    key = f"upload:{data_digest}:{hashlib.sha1((settings + fill).encode()).hexdigest()[:8]}"
    frame = frame[[c for c in frame.columns if c.removesuffix("_tomorrow") in ("tmax", "tmin", "rain")]]
    return Dataset(key, f"{filename}{station} ({fill})", frame, r.units.get("temperature"),
                   r.units.get("rain"), f"Uploaded: {filename}{station}, {r.start} to {r.end}, "
                   f"{r.format}; missing values: {FILL_LABELS[fill]}.")


def tomorrow_pairs(frame: pd.DataFrame, column: str = "tmax") -> tuple[np.ndarray, np.ndarray]:
    """(today, next calendar day) pairs of ``column`` for the preview scatter."""
    nxt = frame[column].reindex(frame.index + pd.Timedelta(days=1)).to_numpy()
    today = frame[column].to_numpy()
    ok = ~(np.isnan(today) | np.isnan(nxt))
    return today[ok], nxt[ok]
