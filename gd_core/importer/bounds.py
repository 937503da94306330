"""Plausible values at the door: physical bounds per column and unit, applied once units are decided.

The bounds are the world records with a margin, so no real observation is ever lost:

- temperature −90…60 °C (−130…140 °F): the coldest reading on record is −89.2 °C (Vostok, 1983), the
  hottest accepted one 56.7 °C (Death Valley, 1913);
- daily precipitation 0…2,000 mm (0…80 in): the wettest day on record is 1,825 mm (Foc-Foc, Réunion,
  1966); negative amounts do not exist;
- any other numeric column kept from a tidy file: |value| <= 1e9 (no daily weather quantity in any
  common unit comes near; 1e308 or 1.3e154 would overflow the sums of squares the lab computes).

A value outside its bounds is a typo, a code or a wrong unit, never weather: it becomes a gap, and a
note counts them and names the first. A weather column that is *mostly* outside its bounds is read in
the wrong unit or is the wrong column, so the file is refused with a message saying which.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gd_core.importer.messages import UNIT_WORDS, WeatherFileError, count, shorten, signed

TEMPERATURE_BOUNDS = {"C": (-90.0, 60.0), "F": (-130.0, 140.0)}
RAIN_BOUNDS = {"mm": (0.0, 2000.0), "in": (0.0, 80.0)}
EXTRA_LIMIT = 1e9
MOSTLY = 0.5  # a weather column with more than this share of its values out of bounds is refused
_TOMORROW = "_tomorrow"


def widest(bounds: dict) -> tuple[float, float]:
    """The union of the ranges of every unit: what no unit at all allows lies outside it."""
    return min(lo for lo, _ in bounds.values()), max(hi for _, hi in bounds.values())


def bounds_for(column: str, units: dict) -> tuple[float, float, str, str | None]:
    """(low, high, unit as written, what to correct) for an output column of the weather frame."""
    role = column[: -len(_TOMORROW)] if column.endswith(_TOMORROW) else column
    if role in ("tmax", "tmin"):
        unit = units.get("temperature")
        low, high = TEMPERATURE_BOUNDS[unit] if unit else widest(TEMPERATURE_BOUNDS)
        return low, high, UNIT_WORDS.get(unit, ""), "temperature unit"
    if role == "rain":
        unit = units.get("rain")
        low, high = RAIN_BOUNDS[unit] if unit else widest(RAIN_BOUNDS)
        return low, high, UNIT_WORDS.get(unit, ""), "rain unit"
    return -EXTRA_LIMIT, EXTRA_LIMIT, "", None


def apply_bounds(columns: dict[str, np.ndarray], units: dict, index: pd.DatetimeIndex,
                 sources: dict[str, str], name: str) -> tuple[dict[str, np.ndarray], tuple[str, ...]]:
    """Out-of-bounds values as gaps, with a note per column; a weather column mostly out is refused."""
    out, notes = dict(columns), []
    for column, values in columns.items():
        low, high, unit, setting = bounds_for(column, units)
        outside = ~np.isnan(values) & ((values < low) | (values > high))
        if not outside.any():
            continue
        first = int(np.argmax(outside))
        example = f"{values[first]:g} on {index[first]:%Y-%m-%d}"
        span = f"{signed(low)}…{signed(high)}{' ' + unit if unit else ''}"
        present = int((~np.isnan(values)).sum())
        if setting and outside.sum() > MOSTLY * present:
            _refuse(name, column, sources.get(column, column), int(outside.sum()), present, span, example,
                    setting)
        out[column] = np.where(outside, np.nan, values)
        gaps = "a gap" if outside.sum() == 1 else "gaps"
        notes.append(f"{column}: {count(outside.sum(), 'value')} outside {span} read as {gaps} "
                     f"(first: {example})")
    return out, tuple(notes)


def _refuse(name: str, column: str, source: str, bad: int, present: int, span: str, example: str,
            setting: str) -> None:
    """The file's column is mostly impossible values: wrong unit or wrong column, say which to fix."""
    verb = "is" if bad == 1 else "are"
    raise WeatherFileError(
        f"{name!r}: {bad:,} of {count(present, 'value')} in the {column} column {shorten(source)!r} {verb} "
        f"outside {span} (first: {example}), which no weather reaches: is the unit wrong (°F read as °C, "
        f"or tenths), or is the wrong column read as {column}? Correct the {setting} or the {column} "
        "column", fixes=(setting.replace(" ", "_"), column))
