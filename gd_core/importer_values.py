"""Cell values: date formats decided from the data, numbers with missing codes and trace, unit guesses.

Part of the weather importer (``gd_core.importer``). Everything here is vectorised over whole
columns; the only Python loops run over a few hundred sampled cells.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from gd_core.importer_text import WeatherFileError

SENTINELS = (-9999.0, -999.0)  # NOAA legacy / DWD "missing" codes
TRACE = {"in": 0.001, "mm": 0.025}  # "T" = trace: less than the smallest measurable 0.01 in / 0.25 mm
F_ABOVE = 50.0  # 99th-percentile tmax above this is °F: no station's 1-in-100 hot day reaches 50 °C
TENTHS_ABOVE = 150.0  # typical |temperature| above this is neither °C nor °F: GHCN tenths of °C
GHCN_TENTHS_ABOVE = 60.0  # in a GHCN by-station file, magnitudes above this confirm tenths
RAIN_MM_ABOVE = 6.0  # 99th percentile of wet days above this is mm, not inches

DATE_FORMATS = {"ISO": "%Y-%m-%d", "YYYYMMDD": "%Y%m%d", "YYYY/MM/DD": "%Y/%m/%d"}
_ISO = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
_ISO_TIME = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
_YMD_SLASH = re.compile(r"^\d{4}/\d{1,2}/\d{1,2}$")
_YYYYMMDD = re.compile(r"^(1[7-9]|2[01])\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$")
_DMY = re.compile(r"^(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})(?:[ T]\d{1,2}:\d{2}(:\d{2})?)?$")


def date_kind(values: list[str]) -> str | None:
    """The date layout most sampled cells share ('iso', 'iso_time', 'ymd_slash', 'yyyymmdd',
    'dmy./', 'dmy/2', ...), or None when fewer than 90 % of them are dates of one layout."""
    if not values:
        return None
    counts: dict[str, int] = {}
    for v in values:
        kind = None
        if _ISO.match(v):
            kind = "iso"
        elif _ISO_TIME.match(v):
            kind = "iso_time"
        elif _YMD_SLASH.match(v):
            kind = "ymd_slash"
        elif _YYYYMMDD.match(v):
            kind = "yyyymmdd"
        else:
            m = _DMY.match(v)
            if m and 1 <= int(m.group(1)) <= 31 and 1 <= int(m.group(3)) <= 31:
                kind = "dmy" + m.group(2) + str(len(m.group(4)))
        if kind:
            counts[kind] = counts.get(kind, 0) + 1
    if not counts:
        return None
    kind, n = max(counts.items(), key=lambda kv: kv[1])
    if kind == "iso_time" and counts.get("iso"):  # Excel may drop the time on midnight rows
        n += counts["iso"]
    return kind if n >= 0.9 * len(values) else None


def _strftime_for(kind: str, day_first: bool) -> str:
    sep, digits = kind[3], kind[4]
    year = "%Y" if digits == "4" else "%y"
    return sep.join(("%d", "%m", year) if day_first else ("%m", "%d", year))


def parse_dates(raw: pd.Series, kind: str, override: str | None) -> tuple[pd.Series, str, list[str]]:
    """Datetimes (NaT where unreadable), the format's display name, and notes.

    For day/month/year layouts the order is decided from the data: a first field above 12 means
    day-first, a second field above 12 means month-first; when every field is <= 12 the reading
    that makes consecutive rows one day apart wins.
    """
    text = raw.astype("str").str.strip()
    notes: list[str] = []
    if override:
        fmt = DATE_FORMATS.get(override)
        if override in ("US month-first", "European day-first"):
            if not kind.startswith("dmy"):
                kind = "dmy/4"
            fmt = _strftime_for(kind, override.startswith("European"))
        elif fmt is None:
            if "%" not in override:
                raise WeatherFileError(
                    f"unknown date_format {override!r}: use 'ISO', 'YYYYMMDD', 'US month-first', "
                    "'European day-first' or a strftime pattern such as '%d/%m/%Y'")
            fmt = override
        return pd.to_datetime(text, format=fmt, errors="coerce"), override, notes
    if kind == "iso":
        return pd.to_datetime(text, format="%Y-%m-%d", errors="coerce"), "ISO", notes
    if kind == "iso_time":  # local wall-clock time: a UTC offset would move dates across midnight
        local = text.str.replace(r"(Z|[+-]\d{2}:?\d{2})$", "", regex=True)
        return pd.to_datetime(local, format="ISO8601", errors="coerce"), "ISO", notes
    if kind == "ymd_slash":
        return pd.to_datetime(text, format="%Y/%m/%d", errors="coerce"), "YYYY/MM/DD", notes
    if kind == "yyyymmdd":
        return pd.to_datetime(text.str.slice(0, 8), format="%Y%m%d", errors="coerce"), "YYYYMMDD", notes
    date_part = text.str.replace(r"[ T].*$", "", regex=True)  # drop a time of day
    parts = date_part.str.split(kind[3], n=2, expand=True)
    first = pd.to_numeric(parts[0], errors="coerce")
    second = pd.to_numeric(parts[1], errors="coerce") if parts.shape[1] > 1 else first * np.nan
    day_first_seen, month_first_seen = bool((first > 12).any()), bool((second > 12).any())
    if day_first_seen and month_first_seen:
        raise WeatherFileError(
            "the dates mix day-first and month-first (some start with a day above 12, others have a "
            "second number above 12): make the date column consistent, or set date_format")
    if day_first_seen or month_first_seen:
        day_first = day_first_seen
        why = "a first number above 12" if day_first else "a second number above 12"
        notes.append(f"dates read {'day-first' if day_first else 'month-first'}: the data has {why}")
    else:
        as_dmy = pd.to_datetime(date_part, format=_strftime_for(kind, True), errors="coerce")
        as_mdy = pd.to_datetime(date_part, format=_strftime_for(kind, False), errors="coerce")
        dmy_steps, mdy_steps = _one_day_steps(as_dmy), _one_day_steps(as_mdy)
        day_first = dmy_steps > mdy_steps or (dmy_steps == mdy_steps and kind[3] == ".")
        notes.append("every date has both numbers <= 12, so the order is ambiguous: read "
                     f"{'day-first' if day_first else 'month-first'} because "
                     + ("that makes consecutive rows one day apart" if dmy_steps != mdy_steps else
                        f"'{kind[3]}' dates are usually {'European' if day_first else 'US'}")
                     + "; set date_format if that is wrong")
    name = "European day-first" if day_first else "US month-first"
    return pd.to_datetime(date_part, format=_strftime_for(kind, day_first), errors="coerce"), name, notes


def _one_day_steps(dates: pd.Series) -> int:
    return int((dates.diff() == pd.Timedelta(days=1)).sum())


def to_numbers(column: pd.Series, decimal: str) -> tuple[np.ndarray, np.ndarray, dict]:
    """Float values, a trace mask ('T') and counts of bounded ('<31') and unreadable cells."""
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        return column.to_numpy(dtype="float64", na_value=np.nan, copy=True), np.zeros(len(column), bool), {}
    text = column.astype("str").str.strip()
    present = column.notna().to_numpy()
    trace = (text.str.fullmatch(r"[Tt](race)?").fillna(False).to_numpy(dtype=bool)) & present
    bounded = text.str.match(r"^[<>]\s*[-+]?[\d.,]").fillna(False).to_numpy(dtype=bool) & present
    cleaned = text.str.replace(r"^[<>]\s*", "", regex=True)
    if decimal == ",":
        cleaned = cleaned.str.replace(",", ".", regex=False)
    values = pd.to_numeric(cleaned, errors="coerce").to_numpy(dtype="float64", na_value=np.nan, copy=True)
    values[trace] = np.nan
    bad = present & ~trace & np.isnan(values)
    first = int(np.argmax(bad))
    info = {"bounded": int(bounded.sum()), "unreadable": int(bad.sum()), "first": first,
            "example": str(text.iloc[first]) if bad.any() else ""}
    return values, trace, info


def flag_letters(column: pd.Series, part: int | None = None) -> pd.Series:
    """Upper-case flag text per row ('' when blank); ``part`` picks one slot of "M,Q,S,time"."""
    text = column.astype("str")
    if part is not None:
        text = text.str.split(",").str.get(part)
    return text.fillna("").astype("str").str.strip().str.upper().where(column.notna().to_numpy(), "")


def _q99(values: np.ndarray) -> float:
    finite = values[np.isfinite(values)]
    return float(np.quantile(finite, 0.99)) if finite.size else float("nan")


def decide_tenths(temps: np.ndarray, ghcn_layout: bool) -> tuple[bool, str]:
    """Are temperatures stored in tenths (GHCN: 289 = 28.9 °C)? Returns (answer, reason)."""
    size = _q99(np.abs(temps))
    if np.isnan(size):
        return ghcn_layout, "GHCN by-station files store tenths of °C and of mm" if ghcn_layout else ""
    if ghcn_layout and size > GHCN_TENTHS_ABOVE:
        return True, (f"GHCN tenths: 99th percentile of |temperature| is {size:g} (> {GHCN_TENTHS_ABOVE:g}), "
                      "so values were divided by 10 (°C and mm)")
    if size > TENTHS_ABOVE:
        return True, (f"values too large for °C or °F (99th percentile of |temperature| {size:g} > "
                      f"{TENTHS_ABOVE:g}): read as GHCN tenths of °C and mm, divided by 10")
    if ghcn_layout:
        return False, (f"GHCN layout but temperatures are small (99th percentile {size:g}): "
                       "taken as already converted, not divided by 10")
    return False, ""


def infer_temperature_unit(tmax: np.ndarray | None, tmin: np.ndarray | None) -> tuple[str | None, str]:
    """'F' or 'C' from the value range, with the reason."""
    source, values = ("tmax", tmax) if tmax is not None else ("tmin", tmin)
    if values is None:
        return None, ""
    hot = _q99(values)
    if np.isnan(hot):
        return "C", "temperature: no values to judge the unit by; assumed °C (set temperature_unit)"
    if hot > F_ABOVE:
        return "F", (f"temperature °F: inferred from the values (99th percentile of {source} = {hot:g} "
                     f"> {F_ABOVE:g}, too hot for °C); set temperature_unit='C' if wrong")
    return "C", (f"temperature °C: inferred from the values (99th percentile of {source} = {hot:g} "
                 f"<= {F_ABOVE:g}); set temperature_unit='F' if wrong")


def infer_rain_unit(rain: np.ndarray, temperature_unit: str | None) -> tuple[str, str]:
    """'in' or 'mm': follow the file's temperature unit (one setting picks both), else the range."""
    wet = rain[np.isfinite(rain) & (rain > 0)]
    heavy = float(np.quantile(wet, 0.99)) if wet.size else float("nan")
    if temperature_unit is not None and not (temperature_unit == "F" and heavy > 10 * RAIN_MM_ABOVE):
        unit = "in" if temperature_unit == "F" else "mm"
        return unit, (f"rain in {unit}: the file's temperatures are °{temperature_unit}, and exports pick "
                      f"both units with one setting; set rain_unit if wrong")
    if np.isnan(heavy):
        return "mm", "rain: no wet days to judge the unit by; assumed mm (set rain_unit)"
    unit = "mm" if heavy > RAIN_MM_ABOVE else "in"
    return unit, (f"rain in {unit}: inferred from the values (99th percentile of wet days = {heavy:g} "
                  f"{'>' if unit == 'mm' else '<='} {RAIN_MM_ABOVE:g}); set rain_unit if wrong")
