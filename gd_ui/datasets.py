"""The datasets a session can choose from: the bundled files, plus the user's own uploads.

Pure Python (no Streamlit): the registry of bundled files and the ``Dataset`` record that the
pages pass around. Uploaded datasets live in the session (see ``gd_ui.sidebar``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from gd_ui.safe import csv_safe

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


@dataclass(frozen=True)
class Dataset:
    """A weather frame with what the charts need to label it."""

    key: str  # stable id: "seattle", "clemson", or "upload:<hash>"
    label: str  # shown in the dataset picker (user text for uploads: render as text only)
    frame: pd.DataFrame = field(repr=False, compare=False)
    temperature_unit: str | None = None  # "C" or "F"
    rain_unit: str | None = None  # "mm" or "in"
    note: str = ""  # provenance, one line

    def unit_of(self, column: str) -> str:
        """Unit suffix for axis titles, e.g. "°C"."""
        base = column.removesuffix("_tomorrow")
        if base in ("tmax", "tmin") and self.temperature_unit:
            return f"°{self.temperature_unit}"
        if base == "rain" and self.rain_unit:
            return {"in": "inches"}.get(self.rain_unit, self.rain_unit)
        return ""

    def title_of(self, column: str) -> str:
        unit = self.unit_of(column)
        return f"{column} ({unit})" if unit else column

    def preview(self, rows: int) -> pd.DataFrame:
        """The first ``rows`` days, dates shown as dates and columns with their units; safe for the
        table's own "Download as CSV" (a column named from the file cannot start a formula)."""
        head = self.frame.head(rows)
        head = head.set_axis(head.index.strftime("%Y-%m-%d").rename("date"), axis=0)
        return csv_safe(head.rename(columns=self.title_of))


@dataclass(frozen=True)
class Bundled:
    key: str
    label: str
    filename: str
    temperature_unit: str
    rain_unit: str | None
    note: str


BUNDLED = (
    Bundled("seattle", "Seattle 2012–2015 (°C, mm)", "seattle-weather.csv", "C", "mm",
            "NOAA daily weather for Seattle, WA, 2012-01-01 to 2015-12-31 (public domain)."),
    Bundled("clemson", "Clemson SC 1930–2020 (°F)", "clemson-temps.csv", "F", None,
            "NOAA GHCN-Daily USC00381770, Clemson, SC, 1930–2020, with real gaps (public domain)."),
)
DEFAULT_KEY = BUNDLED[0].key
BUNDLED_BY_KEY = {b.key: b for b in BUNDLED}


def read_bundled(key: str) -> pd.DataFrame:
    """The bundled file's weather frame (uncached: the app caches this)."""
    from gd_core.data import read_weather_csv

    return read_weather_csv(DATA_DIR / BUNDLED_BY_KEY[key].filename)
