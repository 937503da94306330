"""Cell values: numbers with missing-value codes, trace, bounds like ``<31`` and quality flags.

Everything here is vectorised over whole columns. A cell that is neither a number nor a known code
is an error naming the cell: guessing what "warm" or "#VALUE!" meant would lose data silently.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from gd_core.importer.columns import flag_columns
from gd_core.importer.messages import WeatherFileError, count, shorten

SENTINELS = (-9999.0, -999.0)  # NOAA legacy / DWD "missing" codes
TRACE = {"in": 0.001, "mm": 0.025}  # "T" = trace: less than the smallest measurable 0.01 in / 0.25 mm
UNDERSTOOD = "empty, NaN, M, -9999 and, for rain, T are understood"


@dataclass(frozen=True)
class RoleValues:
    """The numbers of one role's column (NaN for gaps), its trace mask (rain only) and notes."""

    values: np.ndarray
    trace: np.ndarray | None
    notes: tuple[str, ...]


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


def mask_sentinels(values: np.ndarray) -> tuple[np.ndarray, int]:
    """Missing-value codes (-9999, -999) as NaN, and how many there were."""
    sentinel = np.isin(values, SENTINELS)
    return np.where(sentinel, np.nan, values), int(sentinel.sum())


def plain_numbers(column: pd.Series, decimal: str) -> np.ndarray:
    """Numbers of a column without flags (targets already in the file, extra columns)."""
    return mask_sentinels(to_numbers(column, decimal)[0])[0]


def flag_letters(column: pd.Series, part: int | None = None) -> pd.Series:
    """Upper-case flag text per row ('' when blank); ``part`` picks one slot of "M,Q,S,time"."""
    text = column.astype("object").where(column.notna(), "").astype("str")  # an all-empty column too
    if part is not None:
        text = text.str.split(",").str.get(part)
    return text.fillna("").astype("str").str.strip().str.upper().where(column.notna().to_numpy(), "")


def flag_masks(frame: pd.DataFrame, names, index: int, role: str):
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


def read_role(frame: pd.DataFrame, names, index: int, role: str, decimal: str,
              dates: pd.Series, trace_codes: tuple = ()) -> RoleValues:
    """One role's numbers with its codes and flags applied; unreadable cells are an error.

    ``trace_codes``: numbers the service writes for a trace (KNMI's -1 = under 0.05 mm).
    """
    source = names[index]
    values, traced, info = to_numbers(frame[index], decimal)
    coded = np.isin(values, trace_codes) if trace_codes else np.zeros(len(values), bool)
    if coded.any():
        traced, values = traced | coded, np.where(coded, np.nan, values)
    trace_note = (f"{count(coded.sum(), source + ' value')} of {'/'.join(f'{c:g}' for c in trace_codes)} "
                  "(under half the smallest amount measured) read as a trace",) if coded.any() else ()
    values, codes = mask_sentinels(values)
    failed, flag_trace, flag_missing = flag_masks(frame, names, index, role)
    notes = []
    if codes:
        notes.append(f"{count(codes, source + ' value')} held a missing-value code (-9999/-999): "
                     f"read as {'a gap' if codes == 1 else 'gaps'}")
    trace = None
    if role == "rain":
        trace = traced | (flag_trace & ~(values > 0))
    elif traced.any():  # trace is for precipitation: a "T" temperature is unreadable
        info = {"unreadable": int(traced.sum()), "first": int(np.argmax(traced)), "example": "T"}
    dropped = failed & ~np.isnan(values)
    if dropped.any():
        notes.append(f"dropped {count(dropped.sum(), source + ' value')} that failed NOAA quality "
                     "control (QFLAG)")
    values[dropped | flag_missing] = np.nan
    if info.get("bounded"):
        notes.append(f"{count(info['bounded'], source + ' value')} like '<31' read as the bound")
    notes += trace_note
    if info.get("unreadable"):
        _unreadable(source, info, dates, role)
    return RoleValues(values, trace, tuple(notes))


def _unreadable(source: str, info: dict, dates: pd.Series, role: str = "") -> None:
    """Raise the error naming the first cell that is not a number, with its date or row."""
    day = dates.iloc[info["first"]]
    where = f" on {day:%Y-%m-%d}" if pd.notna(day) else f" in data row {info['first'] + 1}"
    raise WeatherFileError(
        f"column {shorten(source)!r} has {count(info['unreadable'], 'value')} that cannot be read as a "
        f"number (first: {shorten(info['example'])!r}{where}): correct or empty those cells ({UNDERSTOOD}), "
        f"or choose another {role or 'weather'} column", fixes=(role,) if role else ())


def fill_trace(rain: np.ndarray, trace: np.ndarray | None, unit: str) -> tuple[np.ndarray, tuple[str, ...]]:
    """Trace ('T') as the tiny amount it stands for, in the rain's unit."""
    if trace is None or not trace.any():
        return rain, ()
    amount = TRACE[unit]
    note = f"{count(trace.sum(), 'trace of rain', 'traces of rain')} read as {amount:g} {unit} each"
    return np.where(trace, amount, rain), (note,)


def check_finite(values: dict[str, np.ndarray], sources: dict[str, str]) -> None:
    """'inf' or a number beyond float range (1e309) is an error naming the column and row."""
    for out_name, column in values.items():
        infinite = np.isinf(column)
        if infinite.any():
            raise WeatherFileError(
                f"column {shorten(sources.get(out_name, out_name))!r} has an infinite value ('inf' or a "
                f"number too large, like 1e309) in data row {int(np.argmax(infinite)) + 1}: correct it or "
                "empty that cell")
