"""Which export a table comes from, recognised by its column names, and what that fixes (units).

The name is shown to the user ("NOAA CDO daily summaries") and decides units only where the
provider fixes them whatever the column names say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gd_core.importer.columns import TIME_ZONES, date_name_rank, norm

GHCN = "GHCN-Daily by-station CSV"
TIDY = "Tutorial / tidy CSV"
# Units fixed by the provider whatever the column names say.
FORMAT_UNITS = {"DWD klima_tag": ("C", "mm"), "Meteostat": ("C", "mm"), GHCN: ("C", "mm")}
# Column names of old headerless Meteostat bulk files (daily, 11 columns).
METEOSTAT_BULK = ("date", "tavg", "tmin", "tmax", "prcp", "snow", "wdir", "wspd", "wpgt", "pres", "tsun")


@dataclass(frozen=True)
class Layout:
    """What ``identify_format`` looks at: the table's names and how it is written."""

    names: tuple[str, ...]
    roles: dict
    date_index: int | None
    separator: str
    decimal: str
    preamble: str
    headerless: bool

    @property
    def normed(self) -> list[str]:
        """The names in comparable form."""
        return [norm(n) for n in self.names]

    @property
    def have(self) -> set[str]:
        """The set of comparable names."""
        return set(self.normed)


def _dwd(t: Layout) -> bool:
    """DWD klima_tag: MESS_DATUM and the TXK/TNK/RSK codes."""
    return "mess_datum" in t.have and bool(t.have & {"txk", "tnk", "rsk"})


def _env_canada(t: Layout) -> bool:
    """Environment Canada: Date/Time with a Climate ID or "Max Temp (…)"."""
    return "date_time" in t.have and ("climate_id" in t.have or
                                      any(n.lower().startswith("max temp (") for n in t.names))


def _wunderground(t: Layout) -> bool:
    """Weather Underground: "Max TemperatureF" or a time zone as first column."""
    normed = t.normed
    return any(re.fullmatch(r"max_?temperature[fc]", n) for n in normed) or \
        bool(normed and normed[0] in TIME_ZONES)


def _open_meteo(t: Layout) -> bool:
    """Open-Meteo: temperature_2m_*/precipitation_sum names or its location preamble."""
    return any(n.startswith(("temperature_2m", "precipitation_sum")) for n in t.normed) or \
        "utc_offset_seconds" in t.preamble


def _meteostat(t: Layout) -> bool:
    """Meteostat: no header (bulk), or tavg beside its wind and pressure codes."""
    return t.headerless or ("tavg" in t.have and bool(t.have & {"wdir", "wspd", "wpgt", "pres", "tsun"}))


def _visual_crossing(t: Layout) -> bool:
    """Visual Crossing: tempmax/tempmin and datetime."""
    return bool(t.have & {"tempmax", "tempmin"}) and "datetime" in t.have


def _noaa(t: Layout) -> str | None:
    """The NOAA family: legacy CDO (STATION_NAME), GHCN by-station (DATE before NAME) or CDO."""
    have, normed = t.have, t.normed
    if not {"station", "date"} <= have:
        return None
    if "station_name" in have:
        return "NOAA CDO daily summaries (legacy)"
    anchor = "name" if "name" in have else "latitude" if "latitude" in have else None
    if anchor and normed.index("date") < normed.index(anchor):
        return GHCN
    return "NOAA CDO daily summaries"


def _tidy(t: Layout) -> bool:
    """The tutorial's tidy layout: roles named exactly tmax/tmin/rain and a date-like first column."""
    mapped = [t.names[i] for i in t.roles.values() if i is not None]
    return bool(mapped) and all(n in {"tmax", "tmin", "rain"} for n in mapped) and \
        t.date_index is not None and date_name_rank(t.names[t.date_index]) in (0, 2)


_SIMPLE = (("DWD klima_tag", _dwd), ("Environment Canada", _env_canada),
           ("Weather Underground", _wunderground), ("Open-Meteo", _open_meteo), ("Meteostat", _meteostat),
           ("Visual Crossing", _visual_crossing))


def identify_format(layout: Layout) -> str:
    """A human name for the export, from its column names (and separator, decimal mark, preamble)."""
    if layout.headerless:
        return "Meteostat"
    for fmt, matches in _SIMPLE:
        if matches(layout):
            return fmt
    noaa = _noaa(layout)
    if noaa:
        return noaa
    if _tidy(layout):
        return TIDY
    if layout.separator == ";" or layout.decimal == ",":
        return "European spreadsheet"
    return "generic CSV"
