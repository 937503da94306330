"""The weather services the importer knows, one record each: adding a service is one ``Service(...)`` entry.

A record holds everything that is true of one service's exports whatever the file: how to recognise
a table of it (``detect``, from the column names and the lines before the header), the column names
it uses for tmax/tmin/rain (``columns``, tried before the general vocabulary in ``columns``), its
fixed units (``units``: the file's own units, e.g. ``"0.1 C"`` for tenths of °C, ``"cm"`` for 10 mm),
whether tenths are decided from the magnitudes (``tenths="detect"``, GHCN by-station CSV), its
missing-value cell codes (``missing``), numeric codes meaning a trace of rain (``trace``), what its flag
columns mean (``flags``, said in a note) and where it names the station or place (``place``).

Files a service writes in a non-CSV layout (GHCN-Daily ``.dly``, the wide one-group-per-place
layout) are turned into a plain table first by ``reshape``; their records are here too.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from gd_core.importer.columns import TIME_ZONES, date_name_rank, norm

GHCN = "GHCN-Daily by-station CSV"
DLY = "GHCN-Daily .dly (fixed width)"
WIDE = "one column group per place (wide)"
TIDY = "Tutorial / tidy CSV"
# Column names of old headerless Meteostat bulk files (daily, 11 columns).
METEOSTAT_BULK = ("date", "tavg", "tmin", "tmax", "prcp", "snow", "wdir", "wspd", "wpgt", "pres", "tsun")


@dataclass(frozen=True)
class Layout:
    """What a detector looks at: the table's names and how it is written, the file's name."""

    names: tuple[str, ...]
    roles: dict
    date_index: int | None
    separator: str
    decimal: str
    preamble: str
    headerless: bool
    filename: str = ""

    @property
    def normed(self) -> list[str]:
        """The names in comparable form."""
        return [norm(n) for n in self.names]

    @property
    def have(self) -> set[str]:
        """The set of comparable names."""
        return set(self.normed)


@dataclass(frozen=True)
class Service:
    """One weather service's facts (see the module's docstring)."""

    name: str
    detect: Callable[[Layout], bool]
    units: tuple[str | None, str | None] = (None, None)  # (temperature, rain) as the file holds them
    columns: dict = field(default_factory=dict)  # role -> comparable names (``norm``) the service uses
    tenths: str | None = None  # "detect": tenths of °C and mm when the magnitudes say so
    missing: tuple[str, ...] = ()  # cell texts meaning "no value" besides the general ones
    trace: dict = field(default_factory=dict)  # role -> numbers meaning "a trace" (KNMI's -1)
    flags: str = ""  # what its flag columns mean, said in a note
    place: Callable[[str, str], str | None] | None = None  # (preamble, file name) -> station or place
    readme: str = ""  # units and notes for the README's list


def _first(pattern: str, text: str) -> re.Match | None:
    return re.search(pattern, text, re.IGNORECASE | re.MULTILINE)


def _latlon(lat: str, lon: str) -> str:
    """52.52, 13.42 -> '52.52° N, 13.42° E'."""
    la, lo = float(lat), float(lon)
    return f"{abs(la):.2f}° {'N' if la >= 0 else 'S'}, {abs(lo):.2f}° {'E' if lo >= 0 else 'W'}"


def _open_meteo_place(preamble: str, filename: str) -> str | None:
    """Open-Meteo's first block: 'latitude,longitude,...' then a row of values."""
    m = _first(r"^latitude,longitude[^\n]*\n\s*([-\d.]+),([-\d.]+)", preamble)
    return _latlon(m.group(1), m.group(2)) if m else None


def _meteostat_place(preamble: str, filename: str) -> str | None:
    """Meteostat names bulk and export files after the station id: '10637.csv', 'meteostat-10637.csv'."""
    m = re.search(r"(?:^|[_\-\s])(\d{5}|[A-Z0-9]{5})(?:[_\-\s.(]|$)", filename.rsplit("/", 1)[-1])
    return f"Meteostat station {m.group(1)}" if m else None


def _met_eireann_place(preamble: str, filename: str) -> str | None:
    m = _first(r"^Station Name:\s*(.+?)\s*$", preamble)
    return m.group(1).title() if m else None


def _knmi_place(preamble: str, filename: str) -> str | None:
    """'# 260:  5.180  52.100  1.90  De Bilt' under the 'STN LON(east) LAT(north) ALT(m) NAME' line."""
    m = _first(r"^#?\s*STN\s+LON[^\n]*\n#?\s*(\d+):?\s+[-\d.]+\s+[-\d.]+\s+[-\d.]+\s+(.+?)\s*$", preamble)
    return f"{m.group(2)} (KNMI {m.group(1)})" if m else None


def _nasa_place(preamble: str, filename: str) -> str | None:
    m = _first(r"Latitude\s+([-\d.]+)\s+Longitude\s+([-\d.]+)", preamble)
    return _latlon(m.group(1), m.group(2)) if m else None


def _noaa_family(t: Layout) -> str | None:
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


def _wu_legacy(t: Layout) -> bool:
    normed = t.normed
    return any(re.fullmatch(r"max_?temperature[fc]", n) for n in normed) or \
        bool(normed and normed[0] in TIME_ZONES)


_NOAA_READ = "NOAA QFLAG letter = failed quality control (a gap); MFLAG T = trace"
SERVICES = (
    Service("DWD klima_tag", lambda t: "mess_datum" in t.have and bool(t.have & {"txk", "tnk", "rsk"}),
            units=("C", "mm"), readme="TXK, TNK, RSK; °C, mm; -999 missing"),
    Service("Environment Canada",
            lambda t: "date_time" in t.have and ("climate_id" in t.have or
                                                 any(n.lower().startswith("max temp (") for n in t.names)),
            flags="a 'Flag' column beside each value: M = missing, T = trace",
            readme="Max Temp (°C), Min Temp (°C), Total Precip (mm): units in the names; flags M, T"),
    Service("Weather Underground history", lambda t: {"temphighf", "templowf"} <= t.have,
            units=("F", "in"), columns={"tmax": ("temphighf",), "tmin": ("templowf",),
                                        "rain": ("precipitationsuminches",)},
            missing=("-",),
            readme="TempHighF, TempLowF, PrecipitationSumInches; °F, inches; T = trace, - missing"),
    Service("Weather Underground", _wu_legacy, readme="Max TemperatureF, Min TemperatureF, PrecipitationIn; "
            "units in the names (°F, inches); T = trace"),
    Service("Met Éireann", lambda t: bool({"maxtp", "mintp"} & t.have) and "date" in t.have,
            units=("C", "mm"), columns={"tmax": ("maxtp",), "tmin": ("mintp",), "rain": ("rain",)},
            flags="indicator columns (ind, imax, imin, irain) are quality indicators, not values; the "
                  "values are used as given",
            place=_met_eireann_place,
            readme="maxtp, mintp, rain; °C, mm; indicator columns; station preamble"),
    Service("KNMI daily", lambda t: "yyyymmdd" in t.have and "stn" in t.have and bool(t.have & {"tx", "tn"}),
            units=("0.1 C", "0.1 mm"), columns={"tmax": ("tx",), "tmin": ("tn",), "rain": ("rh",)},
            trace={"rain": (-1.0,)}, place=_knmi_place,
            readme="TX, TN in 0.1 °C, RH in 0.1 mm (-1 = under 0.05 mm, read as a trace); '#' header"),
    Service("NASA POWER", lambda t: "-begin header-" in t.preamble.lower() or
            bool(t.have & {"t2m_max", "t2m_min", "prectotcorr"}),
            units=("C", "mm"), columns={"tmax": ("t2m_max",), "tmin": ("t2m_min",),
                                        "rain": ("prectotcorr", "prectot")},
            place=_nasa_place,
            readme="T2M_MAX, T2M_MIN (°C), PRECTOTCORR (mm/day); -BEGIN HEADER- block; -999 missing"),
    Service("Open-Meteo", lambda t: "utc_offset_seconds" in t.preamble or
            any(n.startswith(("temperature_2m", "precipitation_sum")) for n in t.normed),
            place=_open_meteo_place,
            readme="temperature_2m_max (°C), temperature_2m_min, precipitation_sum (mm): units in the "
                   "names; latitude/longitude preamble"),
    Service("Meteostat", lambda t: t.headerless or ("tavg" in t.have and
                                                    bool(t.have & {"wdir", "wspd", "wpgt", "pres", "tsun"})),
            units=("C", "mm"), place=_meteostat_place, readme="tmax, tmin, prcp; °C, mm; station id in the "
                                                               "file name"),
    Service("Visual Crossing", lambda t: bool(t.have & {"tempmax", "tempmin"}) and "datetime" in t.have,
            readme="tempmax, tempmin, precip; units set on the site (not in the file): inferred"),
    Service(DLY, lambda t: False, units=("0.1 C", "0.1 mm"), flags=_NOAA_READ,
            readme="fixed width (ID, YEAR, MONTH, ELEMENT, 31 × value+MFLAG+QFLAG+SFLAG); TMAX, TMIN in "
                   "0.1 °C, PRCP in 0.1 mm; -9999 missing"),
    Service(WIDE, lambda t: False, units=("C", "cm"),
            readme="PLACE_temp_max, PLACE_temp_min (°C), PLACE_precipitation (cm = 10 mm); each "
                   "place a station"),
    Service("NOAA CDO daily summaries (legacy)", lambda t: _noaa_family(t) == "NOAA CDO daily summaries "
                                                                          "(legacy)",
            flags=_NOAA_READ, readme="TMAX, TMIN, PRCP; GHCND: prefixes; -9999 missing"),
    Service(GHCN, lambda t: _noaa_family(t) == GHCN, units=("C", "mm"), tenths="detect", flags=_NOAA_READ,
            readme="TMAX, TMIN, PRCP in 0.1 °C / 0.1 mm (or already converted: decided from the values)"),
    Service("NOAA CDO daily summaries", lambda t: _noaa_family(t) == "NOAA CDO daily summaries",
            flags=_NOAA_READ, readme="TMAX, TMIN, PRCP; 'Standard' (°F, in) or 'Metric' (°C, mm), not in "
                                     "the file: inferred from the values"),
)
BY_NAME = {s.name: s for s in SERVICES}
GENERIC = Service("generic CSV", lambda t: True)


def _tidy(t: Layout) -> bool:
    """The tutorial's tidy layout: roles named exactly tmax/tmin/rain and a date-like first column."""
    mapped = [t.names[i] for i in t.roles.values() if i is not None]
    return bool(mapped) and all(n in {"tmax", "tmin", "rain"} for n in mapped) and \
        t.date_index is not None and date_name_rank(t.names[t.date_index]) in (0, 2)


def find_service(layout: Layout) -> Service | None:
    """The first service whose detector recognises the table (None: an export of no known service)."""
    if layout.headerless:
        return BY_NAME["Meteostat"]
    return next((s for s in SERVICES if s.detect(layout)), None)


def identify_format(layout: Layout) -> Service:
    """The service, else the tidy layout, a European spreadsheet or a generic CSV (records without facts)."""
    service = find_service(layout)
    if service:
        return service
    if _tidy(layout):
        return Service(TIDY, _tidy)
    if layout.separator == ";" or layout.decimal == ",":
        return Service("European spreadsheet", lambda t: True)
    return GENERIC
