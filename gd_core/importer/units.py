"""Units: tenths, °F or °C, inches, mm, tenths of mm or cm — from the user, the column name, the service,
or the values.

Values that are impossible in every unit (a typo like 1e308) never vote: they would make a whole
file "tenths" or "°F". They become gaps afterwards, in ``bounds``.
"""

from __future__ import annotations

import numpy as np

from gd_core.importer.bounds import RAIN_BOUNDS, TEMPERATURE_BOUNDS, widest
from gd_core.importer.columns import unit_from_name
from gd_core.importer.messages import UNIT_WORDS

F_ABOVE = 50.0  # 99th-percentile tmax above this is °F: no station's 1-in-100 hot day reaches 50 °C
TENTHS_ABOVE = 150.0  # typical |temperature| above this is neither °C nor °F: GHCN tenths of °C
GHCN_TENTHS_ABOVE = 60.0  # in a GHCN by-station file, magnitudes above this confirm tenths
RAIN_MM_ABOVE = 6.0  # 99th percentile of wet days above this is mm, not inches
TENTHS_RANGE = tuple(10 * b for b in TEMPERATURE_BOUNDS["C"])  # raw tenths of °C: −900…600
_KINDS = {"temperature": (("tmax", "tmin"), ("F", "C")), "rain": (("rain",), ("in", "mm"))}
# File units that are a scale of a base unit: (base unit, factor to it).
SCALED = {"0.1 C": ("C", 0.1), "0.1 mm": ("mm", 0.1), "cm": ("mm", 10.0)}


def _q99(values: np.ndarray, low: float = -np.inf, high: float = np.inf) -> float:
    """99th percentile of the finite values within [low, high] (NaN when there are none)."""
    kept = values[np.isfinite(values) & (values >= low) & (values <= high)]
    return float(np.quantile(kept, 0.99)) if kept.size else float("nan")


def decide_tenths(temps: np.ndarray, ghcn_layout: bool) -> tuple[bool, str]:
    """Are temperatures stored in tenths (GHCN: 289 = 28.9 °C)? Returns (answer, reason)."""
    size = _q99(np.abs(temps), high=max(abs(b) for b in TENTHS_RANGE))
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
    hot = _q99(values, *widest(TEMPERATURE_BOUNDS))
    if np.isnan(hot):
        return "C", "temperature: no values to judge the unit by; assumed °C (correct the temperature unit " \
                    "if needed)"
    unit, why = ("F", f"> {F_ABOVE:g}, too hot for °C") if hot > F_ABOVE else ("C", f"<= {F_ABOVE:g}")
    return unit, (f"temperature in °{unit}: inferred from the values (99th percentile of {source} = {hot:g} "
                  f"{why}); if this is wrong, correct the temperature unit")


def infer_rain_unit(rain: np.ndarray, temperature_unit: str | None) -> tuple[str, str]:
    """'in' or 'mm': follow the file's temperature unit (one setting picks both), else the range."""
    heavy = _q99(rain[rain > 0], high=RAIN_BOUNDS["mm"][1])
    if temperature_unit is not None and not (temperature_unit == "F" and heavy > 10 * RAIN_MM_ABOVE):
        unit = "in" if temperature_unit == "F" else "mm"
        return unit, (f"rain in {UNIT_WORDS[unit]}: the file's temperatures are °{temperature_unit}, and "
                      "exports set both units with one setting; if this is wrong, correct the rain unit")
    if np.isnan(heavy):
        return "mm", "rain: no wet days to judge the unit by; assumed mm (correct the rain unit if needed)"
    unit = "mm" if heavy > RAIN_MM_ABOVE else "in"
    return unit, (f"rain in {UNIT_WORDS[unit]}: inferred from the values (99th percentile of wet days = "
                  f"{heavy:g} {'>' if unit == 'mm' else '<='} {RAIN_MM_ABOVE:g}); if this is wrong, correct "
                  "the rain unit")


def decide_units(values: dict, names, roles: dict, service, ov: dict):
    """Decide tenths and units (correction > column name > the service's fixed units > values); convert
    tenths of °C, tenths of mm and cm to °C and mm.

    Returns (values, {"temperature": unit, "rain": unit} after conversion, the file's own units, notes).
    """
    temps = [values[r] for r in ("tmax", "tmin") if r in values]
    fixed_t, fixed_r = service.units if service is not None else (None, None)
    if ov.get("tenths") is not None:
        tenths = ov["tenths"]
        why = "values read as tenths and divided by 10, as corrected" if tenths else ""
    elif fixed_t in SCALED or ov.get("temperature_unit") in SCALED:
        tenths, why = False, ""  # the unit itself says tenths
    else:
        tenths, why = decide_tenths(np.concatenate(temps) if temps else np.array([]),
                                    service is not None and service.tenths == "detect")
    notes = [why] if why else []
    fixed_why = f"{service.name} files always use it" if service is not None else ""
    if tenths:
        values = {key: column / 10.0 for key, column in values.items()}
        fixed_t, fixed_r, fixed_why = "C", "mm", "GHCN tenths are tenths of °C and of mm"
    units = {"temperature": None, "rain": None}
    if temps:
        units["temperature"], note = _unit(
            "temperature", ov.get("temperature_unit"), _named_unit(names, roles, "temperature"),
            (fixed_t, fixed_why) if fixed_t else None,
            lambda: infer_temperature_unit(values.get("tmax"), values.get("tmin")))
        notes.append(note)
    if "rain" in values:
        units["rain"], note = _unit(
            "rain", ov.get("rain_unit"), _named_unit(names, roles, "rain"),
            (fixed_r, fixed_why) if fixed_r else None,
            lambda: infer_rain_unit(values["rain"], units["temperature"]))
        notes.append(note)
    values, converted = _convert(values, units)
    return values, converted, units, tuple(notes)


def _convert(values: dict, units: dict) -> tuple[dict, dict]:
    """Tenths of °C and of mm, and cm, to °C and mm (every column of that kind, targets included)."""
    out = {}
    for key, column in values.items():
        kind = "rain" if key.removesuffix("_tomorrow") == "rain" else "temperature"
        unit = units.get(kind) if key.removesuffix("_tomorrow") in ("tmax", "tmin", "rain") else None
        out[key] = column * SCALED[unit][1] if unit in SCALED else column
    return out, {k: SCALED[u][0] if u in SCALED else u for k, u in units.items()}


def _named_unit(names, roles: dict, kind: str) -> tuple[str, str] | None:
    """(unit, column name) when a column of this kind states its unit in its name."""
    role_names, allowed = _KINDS[kind]
    for role in role_names:
        index = roles.get(role)
        unit = unit_from_name(names[index]) if index is not None else None
        if unit in allowed:
            return unit, names[index]
    return None


def _unit(kind: str, chosen, named, fixed, infer) -> tuple[str, str]:
    """The first of: the user's choice, the column name, the format's fixed unit, the values."""
    if chosen:
        return chosen, f"{kind} in {UNIT_WORDS[chosen]}, as corrected"
    if named:
        return named[0], f"{kind} in {UNIT_WORDS[named[0]]}: from the column name {named[1]!r}"
    if fixed:
        return fixed[0], f"{kind} in {UNIT_WORDS[fixed[0]]}: {fixed[1]}"
    return infer()
