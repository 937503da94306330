"""The user's corrections to detection (``overrides``), validated once, at the door.

The same keys back the Data page's "Correct the detection" panel; messages about a chosen column
name the setting in words so they read well there too.
"""

from __future__ import annotations

from gd_core.importer.columns import ROLES
from gd_core.importer.messages import WeatherFileError, name_list
from gd_core.importer.tables import SEPARATOR_NAMES

OVERRIDE_KEYS = ("separator", "decimal", "encoding", "date_column", "date_format", "tmax", "tmin", "rain",
                 "temperature_unit", "rain_unit", "tenths")
_SEPARATOR_WORDS = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
_TEMPERATURE_WORDS = {"f": "F", "°f": "F", "c": "C", "°c": "C", "0.1 c": "0.1 C", "0.1 °c": "0.1 C",
                      "tenths": "0.1 C", "tenths c": "0.1 C", "0.1c": "0.1 C"}
_RAIN_WORDS = {"mm": "mm", "in": "in", "inch": "in", "inches": "in", "0.1 mm": "0.1 mm", "0.1mm": "0.1 mm",
               "tenths": "0.1 mm", "tenths mm": "0.1 mm", "cm": "cm", "10 mm": "cm"}
_SETTING_WORDS = {"date_column": "date column", "tmax": "tmax column", "tmin": "tmin column",
                  "rain": "rain column"}


def check_overrides(overrides: dict | None) -> dict:
    """The corrections with spellings normalised; a ``WeatherFileError`` names a bad key or value."""
    ov = dict(overrides or {})
    unknown = [k for k in ov if k not in OVERRIDE_KEYS]
    if unknown:
        raise WeatherFileError(f"unknown override {unknown[0]!r}: use one of {', '.join(OVERRIDE_KEYS)}")
    if ov.get("separator") is not None:
        ov["separator"] = _separator(ov["separator"])
    if ov.get("temperature_unit") is not None:
        ov["temperature_unit"] = _temperature_unit(ov["temperature_unit"])
    if ov.get("rain_unit") is not None:
        ov["rain_unit"] = _rain_unit(ov["rain_unit"])
    _check_choices(ov)
    return ov


def _separator(value) -> str:
    """',', ';', tab or '|' from a character or its name."""
    sep = _SEPARATOR_WORDS.get(value, value)
    if sep not in SEPARATOR_NAMES:
        raise WeatherFileError(f"separator {value!r} is not supported: use ',', ';', tab or '|'")
    return sep


def _temperature_unit(value) -> str:
    """'F' or 'C' from any common spelling."""
    unit = _TEMPERATURE_WORDS.get(str(value).lower())
    if unit is None:
        raise WeatherFileError(f"temperature_unit {value!r} is not supported: use 'C', 'F' or '0.1 C' "
                               "(tenths of °C)")
    return unit


def _rain_unit(value) -> str:
    """'mm', 'in', '0.1 mm' or 'cm' from any common spelling."""
    unit = _RAIN_WORDS.get(str(value).strip().lower())
    if unit is None:
        raise WeatherFileError(f"rain_unit {value!r} is not supported: use 'mm', 'in', '0.1 mm' (tenths of "
                               "mm) or 'cm' (10 mm)")
    return unit


def _check_choices(ov: dict) -> None:
    """Fixed-choice keys hold one of their choices; name-valued keys hold text."""
    if ov.get("decimal") not in (None, ".", ","):
        raise WeatherFileError(f"decimal {ov['decimal']!r} is not supported: use '.' or ','")
    if ov.get("tenths") not in (None, True, False):
        raise WeatherFileError(f"tenths must be True or False, got {ov['tenths']!r}")
    for key in ("encoding", "date_column", "date_format", *ROLES):
        if ov.get(key) is not None and not isinstance(ov[key], str):
            raise WeatherFileError(f"override {key} must be text (a name), got {ov[key]!r}")


def column_index(names: tuple[str, ...], wanted: str, key: str) -> int:
    """Position of the column the user chose for ``key`` (exact, then trimmed, then any case)."""
    for candidate in (wanted, wanted.strip()):
        if candidate in names:
            return names.index(candidate)
    lowered = [n.lower() for n in names]
    if wanted.strip().lower() in lowered:
        return lowered.index(wanted.strip().lower())
    raise WeatherFileError(f"the {_SETTING_WORDS.get(key, key)} chosen, {wanted!r}, is not a column of this "
                           f"file: it has {name_list(names)}", fixes=(key,), columns=tuple(names))
