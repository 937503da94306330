"""Column names → roles (date, tmax, tmin, rain, station, flags) and units stated in names.

Columns are found by name patterns only, never by position: providers reorder and add columns freely.
"""

from __future__ import annotations

import re

from gd_core.importer.messages import name_list

ROLES = ("tmax", "tmin", "rain")
TOMORROW = "_tomorrow"

_UNIT_GLUED = re.compile(r"(temperature|temp|precipitation|precip)(f|c|in|mm)$")  # "Max TemperatureF"
_UNIT_SUFFIX = {"c": "C", "degc": "C", "celsius": "C", "f": "F", "degf": "F", "fahrenheit": "F",
                "mm": "mm", "in": "in", "inch": "in", "inches": "in"}
_EXCLUDE = {"flag", "flags", "attributes", "attr", "source", "quality", "qc", "qflag", "mflag", "sflag",
            "dew", "dewpoint", "feelslike", "feelslikemax", "feelslikemin", "apparent", "soil", "wet",
            "bulb", "heat", "cool", "chill", "windchill", "index", "humidity", "hours", "probability",
            "prob", "precipprob", "cover", "precipcover", "type", "preciptype", "days", "anomaly",
            "normal", "snow", "snowfall", "snowdepth", "intensity", "mean", "avg", "average", "gust",
            "wind", "water", "sea", "ground", "grass", "form", "rskf", "time", "hour", "date"}
_TEMP_WORDS = {"temp", "temperature", "t", "tmp", "lufttemperatur"}
_MAX_WORDS = {"max", "maximum", "high", "hi", "highest", "hoechst"}
_MIN_WORDS = {"min", "minimum", "low", "lo", "lowest", "tiefst"}
_TMAX_CODES = {"tmax", "tx", "txk", "tempmax", "maxtemp", "tmx", "max_temp", "temp_max", "t_max",
               "temperature_max", "max_temperature", "maximum_temperature", "high_temp", "temp_high",
               "maxtp", "t2m_max", "temphighf", "temphighc", "temperaturehighf", "temperaturehighc"}
_TMIN_CODES = {"tmin", "tn", "tnk", "tempmin", "mintemp", "tmn", "min_temp", "temp_min", "t_min",
               "temperature_min", "min_temperature", "minimum_temperature", "low_temp", "temp_low",
               "mintp", "t2m_min", "templowf", "templowc", "temperaturelowf", "temperaturelowc"}
_PRECIP_CODES = {"prcp", "precip", "precipitation", "precipitation_sum", "precip_total", "total_precip",
                 "total_precipitation", "rsk", "rr", "niederschlag", "niederschlagshoehe",
                 "niederschlagshohe", "niederschlagsh_he", "precipitation_total", "daily_precipitation",
                 "prectotcorr", "prectot", "precipitationsuminches", "precipitationsumin",
                 "precipitationsummm"}
_RAIN_CODES = {"rain", "rain_sum", "rainfall", "total_rain", "regen", "daily_rain", "rain_total"}
_STATION_NAMES = ("station", "stations_id", "station_id", "stationid", "climate_id", "stn", "station_code",
                  "wmo_id", "station_name", "name", "location")
_YEAR, _MONTH, _DAY = {"year", "yyyy", "yr", "jahr"}, {"month", "mm", "mon", "mo", "monat"}, \
    {"day", "dd", "dy", "tag"}
_DOY = {"doy", "day_of_year", "dayofyear", "jday", "julian_day", "yday"}
TIME_ZONES = {"cdt", "cst", "edt", "est", "mdt", "mst", "pdt", "pst", "akdt", "akst", "hst", "gmt", "utc",
               "bst", "cet", "cest"}


def norm(name: str) -> str:
    """Comparable form of a column name: lower case, unit part dropped, words joined by ``_``."""
    n = re.sub(r"\s*[(\[][^)\]]*[)\]]", "", name.strip().lower())
    return re.sub(r"[^a-z0-9]+", "_", n).strip("_")


def _tokens(name: str) -> list[str]:
    """Words of a name with a unit suffix (``_c``, ``_mm``, glued ``temperaturef``) removed."""
    n = _UNIT_GLUED.sub(r"\1", norm(name))
    words = [w for w in n.split("_") if w]
    if len(words) > 1 and words[-1] in _UNIT_SUFFIX:
        words = words[:-1]
    return words


def _role_rank(name: str) -> dict[str, int]:
    """{role: rank} this name could fill (lower rank = better match); empty when none."""
    words = _tokens(name)
    joined = "_".join(words)
    if not words or _EXCLUDE.intersection(words) or joined.endswith(TOMORROW):
        return {}
    ranks = {}
    has_temp = bool(_TEMP_WORDS.intersection(words)) or any(w.startswith("temp") for w in words)
    if joined in _TMAX_CODES:
        ranks["tmax"] = 0
    elif has_temp and _MAX_WORDS.intersection(words):
        ranks["tmax"] = 1
    if joined in _TMIN_CODES:
        ranks["tmin"] = 0
    elif has_temp and _MIN_WORDS.intersection(words):
        ranks["tmin"] = 1
    if joined in _PRECIP_CODES:
        ranks["rain"] = 0
    elif joined in _RAIN_CODES:
        ranks["rain"] = 1
    elif words[0] in {"precip", "precipitation", "prcp"} or words[-1] in {"precipitation", "precip"}:
        ranks["rain"] = 2
    elif "rain" in words or "rainfall" in words:
        ranks["rain"] = 3
    return ranks


def role_rank(name: str) -> dict[str, int]:
    """{role: rank} this name could fill by the general vocabulary (0 = a code like TMAX)."""
    return _role_rank(name)


def map_roles(names: tuple[str, ...],
              preferred: dict | None = None) -> tuple[dict[str, int | None], list[str]]:
    """Best column index for tmax, tmin, rain (or None), and notes about passed-over candidates.

    ``preferred``: a service's own names per role (comparable form), tried before the vocabulary.
    """
    found: dict[str, list[tuple[int, int]]] = {r: [] for r in ROLES}
    preferred = preferred or {}
    for i, name in enumerate(names):
        ranks = _role_rank(name)
        for role, own in preferred.items():
            if norm(name) in own:
                ranks = {role: -1}
        for role, rank in ranks.items():
            found[role].append((rank, i))
    chosen, notes = {}, []
    for role in ROLES:
        cands = sorted(found[role])
        chosen[role] = cands[0][1] if cands else None
        others = [names[i] for _, i in cands[1:]]
        if others:
            notes.append(f"{role}: used {names[cands[0][1]]!r}, not {name_list(others)} "
                         f"(if that is wrong, correct the {role} column)")
    return chosen, notes


def tomorrow_columns(names: tuple[str, ...]) -> dict[str, int]:
    """Already-shifted targets such as the tutorial's ``tmax_tomorrow``: {output name: index}."""
    out = {}
    for i, name in enumerate(names):
        n = norm(name)
        if n.endswith(TOMORROW):
            ranks = _role_rank(name[: len(name.rstrip()) - len(TOMORROW)])
            if ranks:
                out.setdefault(min(ranks, key=ranks.get) + TOMORROW, i)
    return out


def station_column(names: tuple[str, ...]) -> int | None:
    """The column identifying the station, preferring ids (``STATION``) over names."""
    normed = [norm(n) for n in names]
    for wanted in _STATION_NAMES:
        if wanted in normed:
            return normed.index(wanted)
    return None


def ymd_columns(names: tuple[str, ...]) -> tuple[int | None, int | None, int | None]:
    """Indexes of separate year, month and day columns (each None when absent)."""
    normed = [norm(n) for n in names]

    def first(words):
        """Index of the first column named one of ``words``."""
        return next((i for i, n in enumerate(normed) if n in words), None)

    return first(_YEAR), first(_MONTH), first(_DAY)


def doy_column(names: tuple[str, ...]) -> int | None:
    """Index of a day-of-year column (NASA POWER's ``DOY``), or None."""
    normed = [norm(n) for n in names]
    return next((i for i, n in enumerate(normed) if n in _DOY), None)


def date_name_rank(name: str) -> int:
    """How strongly a name says 'date': 0 date/datum/time, 1 contains it, 2 unnamed, 3 other."""
    n = norm(name)
    if n in {"date", "datum", "datetime", "date_time", "time", "day", "mess_datum", "dates", "valid",
             "obs_date", "observation_date", "timestamp"}:
        return 0
    if "date" in n or "datum" in n or ("time" in n and "sun" not in n):
        return 1
    if name.startswith("Unnamed: ") or n in TIME_ZONES:
        return 2
    return 3


def unit_from_name(name: str) -> str | None:
    """'F', 'C', 'mm' or 'in' when the column name states its unit."""
    low = name.strip().lower()
    paren = re.search(r"[(\[]\s*([^)\]]*?)\s*[)\]]", low)
    if paren:
        inner = paren.group(1).replace("°", "").replace("º", "").replace("deg", "").strip()
        inner = re.sub(r"^[^a-z]+", "", inner)  # a mis-decoded degree sign
        if inner in {"c", "celsius"}:
            return "C"
        if inner in {"f", "fahrenheit"}:
            return "F"
        if inner in {"mm", "millimetre", "millimeter", "millimetres", "millimeters"}:
            return "mm"
        if inner in {"in", "inch", "inches", '"'}:
            return "in"
    if "°c" in low or "celsius" in low:
        return "C"
    if "°f" in low or "fahrenheit" in low:
        return "F"
    glued = _UNIT_GLUED.search(norm(name))
    if glued:
        return {"f": "F", "c": "C", "in": "in", "mm": "mm"}[glued.group(2)]
    last = norm(name).split("_")[-1]
    if "_" in norm(name) and last in _UNIT_SUFFIX:
        return _UNIT_SUFFIX[last]
    return None


def flag_columns(names: tuple[str, ...], index: int) -> dict[str, int]:
    """Flag columns belonging to the value column at ``index``.

    ``attributes``: NOAA ``<NAME>_ATTRIBUTES`` ("MFLAG,QFLAG,SFLAG,time");
    ``mflag``/``qflag``: legacy NOAA CDO "Measurement Flag"/"Quality Flag" right after the value;
    ``flag``: Environment Canada's "<name> Flag" beside each value.
    """
    normed = [norm(n) for n in names]
    base = norm(names[index])
    out = {}
    if base + "_attributes" in normed:
        out["attributes"] = normed.index(base + "_attributes")
    if base + "_flag" in normed:
        out["flag"] = normed.index(base + "_flag")
    after = [re.sub(r"_\d+$", "", n) for n in normed[index + 1:index + 3]]
    if after[:1] == ["measurement_flag"]:
        out["mflag"] = index + 1
    if after[1:2] == ["quality_flag"]:
        out["qflag"] = index + 2
    return out
