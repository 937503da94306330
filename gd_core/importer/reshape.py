"""Layouts that are not one row per day: turned into a plain table before anything else reads them.

- GHCN-Daily ``.dly`` (NOAA's documented fixed width, ``readme.txt`` section III): one line per
  station, month and element; columns 1-11 ID, 12-15 YEAR, 16-17 MONTH, 18-21 ELEMENT, then 31 days of
  VALUE (5 characters), MFLAG, QFLAG, SFLAG (1 each). Values are tenths of °C (TMAX, TMIN) and tenths
  of mm (PRCP); ``-9999`` is missing (also the 29th-31st of short months). It becomes
  ``STATION,DATE,TMAX,TMAX_ATTRIBUTES,...`` with ``"MFLAG,QFLAG,SFLAG"`` attributes, as NOAA's own CSV,
  so its quality flags are read the same way (QFLAG set: dropped; MFLAG T: trace).
- The wide layout, one group of columns per place (``BASEL_temp_max, BUDAPEST_temp_max, ...``):
  one block of rows per place under a ``STATION`` column, so that each place is a station to pick
  and a corrected column never mixes two places.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import pandas as pd

from gd_core.importer.columns import role_rank
from gd_core.importer.messages import WeatherFileError, count, name_list
from gd_core.importer.services import DLY, WIDE

DLY_LINE = re.compile(r"^[A-Z0-9]{11}\d{4}(0[1-9]|1[0-2])[A-Z0-9]{4}[ \-\d]{5}")
DLY_ELEMENTS = ("TMAX", "TMIN", "PRCP")
_DAYS = 31
_HEADER_SEPS = (",", ";", "\t")


@dataclass(frozen=True)
class Reshaped:
    """The plain table's bytes (UTF-8 CSV), the service it came from and what was done."""

    body: bytes
    service: str
    notes: tuple[str, ...]


def reshape(body: bytes, codec: str, name: str) -> Reshaped | None:
    """A plain CSV for ``.dly`` and wide files; None for every other file (read as it is)."""
    head = body[:8192].decode("latin-1")
    first = next((line for line in head.splitlines() if line.strip()), "")
    if name.lower().endswith(".dly") or DLY_LINE.match(first):
        return read_dly(body, name)
    return _wide(body, codec, first)


def read_dly(body: bytes, name: str) -> Reshaped:
    """GHCN-Daily fixed width to NOAA's CSV layout (values still in tenths, flags as attributes)."""
    lines = pd.Series(body.decode("latin-1").splitlines(), dtype="str")
    lines = lines[lines.str.len() >= 21]
    if lines.empty or not lines.str.match(DLY_LINE.pattern).any():
        raise WeatherFileError(f"{name!r} is named .dly but holds no GHCN-Daily lines (11-character station "
                               "id, year, month, element, then 31 values): upload the station's .dly file "
                               "as NOAA gives it, or a CSV")
    lines = lines[lines.str.match(DLY_LINE.pattern)].str.ljust(21 + 8 * _DAYS)
    element = lines.str.slice(17, 21)
    lines = lines[element.isin(DLY_ELEMENTS).to_numpy()]
    if lines.empty:
        raise WeatherFileError(f"{name!r}: this .dly file has none of TMAX, TMIN, PRCP (it has "
                               f"{name_list(sorted(set(element)))}): download a station that records them")
    parts = []
    for day in range(_DAYS):
        at = 21 + 8 * day
        parts.append(pd.DataFrame({
            "STATION": lines.str.slice(0, 11), "year": lines.str.slice(11, 15),
            "month": lines.str.slice(15, 17),
            "element": lines.str.slice(17, 21), "day": day + 1,
            "value": pd.to_numeric(lines.str.slice(at, at + 5).str.strip(), errors="coerce"),
            "flags": lines.str.slice(at + 5, at + 6) + "," + lines.str.slice(at + 6, at + 7) + "," +
            lines.str.slice(at + 7, at + 8)}))
    long = pd.concat(parts, ignore_index=True)
    long["DATE"] = pd.to_datetime(pd.DataFrame({"year": pd.to_numeric(long["year"]),
                                                "month": pd.to_numeric(long["month"]), "day": long["day"]}),
                                  errors="coerce")
    impossible = int(long["DATE"].isna().sum())  # 30 February and the like: always -9999
    long = long.dropna(subset=["DATE"])
    # Years the importer could ever accept (year 0000 would not even format as a date).
    long = long[(long["DATE"].dt.year >= 1700) & (long["DATE"].dt.year <= 2200)]
    missing = long["value"].isna() | (long["value"] == -9999)
    long["value"] = long["value"].where(~missing)
    long["flags"] = long["flags"].where(~missing, "")
    long = long.drop_duplicates(subset=["STATION", "DATE", "element"], keep="first")
    wide = long.set_index(["STATION", "DATE", "element"])[["value", "flags"]].unstack("element")
    table = pd.DataFrame(index=wide.index)
    for el in DLY_ELEMENTS:
        if ("value", el) in wide.columns:
            table[el] = wide[("value", el)]  # floats, NaN for missing: written as empty cells
            table[el + "_ATTRIBUTES"] = wide[("flags", el)].fillna("")
    table = table.reset_index()
    table["DATE"] = table["DATE"].dt.strftime("%Y-%m-%d")
    out = io.StringIO()
    table.to_csv(out, index=False)
    notes = [f"GHCN-Daily .dly fixed width read: {count(len(lines), 'station-month line')} of "
             f"{'/'.join(e for e in DLY_ELEMENTS if e in table)}, "
             f"{count(int(missing.sum()), 'slot')} held -9999 (missing)"]
    if impossible:
        notes[0] += f"; {count(impossible, 'slot')} past a month's end left out"
    return Reshaped(out.getvalue().encode("utf-8"), DLY, tuple(notes))


def _places(names: list[str]) -> list[str]:
    """Place prefixes that own a tmax column (``BASEL`` of ``BASEL_temp_max``, ``DE_BILT`` too)."""
    places = []
    for n in names:
        for m in re.finditer("_", n):
            prefix, rest = n[:m.start()], n[m.end():]
            if prefix and role_rank(rest).get("tmax") == 0 and not role_rank(prefix):
                places.append(prefix)
                break
    return list(dict.fromkeys(places))


def _wide(body: bytes, codec: str, first: str) -> Reshaped | None:
    """Several places side by side: one block of rows per place, under a STATION column."""
    sep = max(_HEADER_SEPS, key=first.count)
    names = [f.strip().strip('"') for f in first.split(sep)]
    places = _places(names)
    if len(places) < 2:
        return None
    owner = {}
    for n in names:
        match = max((p for p in places if n.startswith(p + "_")), key=len, default=None)
        if match:
            owner[n] = match
    shared = [n for n in names if n not in owner]
    try:
        frame = pd.read_csv(io.BytesIO(body), sep=sep, dtype="str", keep_default_na=False, encoding=codec,
                            encoding_errors="replace", skipinitialspace=True)
    except (ValueError, pd.errors.ParserError, pd.errors.EmptyDataError):
        return None  # not a clean wide table after all: read as it is, with the usual messages
    frame.columns = [str(c).strip().strip('"') for c in frame.columns]
    if len(set(frame.columns)) != len(frame.columns) or not set(shared) <= set(frame.columns):
        return None
    rests = list(dict.fromkeys(n[len(owner[n]) + 1:] for n in owner))
    blocks = []
    for place in places:
        block = frame[shared].copy()
        block.insert(0, "STATION", place)
        for rest in rests:
            column = f"{place}_{rest}"
            block[rest] = frame[column] if column in frame.columns else ""
        blocks.append(block)
    out = io.StringIO()
    pd.concat(blocks, ignore_index=True).to_csv(out, index=False)
    note = (f"one column group per place: {len(places)} places ({name_list(places, 6)}), each read as a "
            f"station with the columns {name_list(rests, 6)}")
    return Reshaped(out.getvalue().encode("utf-8"), WIDE, (note,))


def is_reshaped(service: str) -> bool:
    """The table read was built by this module (its preamble and columns are not the file's)."""
    return service in (DLY, WIDE)

