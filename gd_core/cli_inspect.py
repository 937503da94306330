"""``python -m gd_core inspect FILE``: what the importer detects in a weather file, as text or JSON."""

from __future__ import annotations

import json

from gd_core.importer import ImportResult, WeatherFileError, import_weather
from gd_core.importer.messages import RAIN_UNITS, TEMPERATURE_UNITS, UNIT_WORDS, count, name_list

# The importer's corrections as flags of ``fit`` and ``inspect``: {override key: (flag, metavar, help)}.
CORRECTIONS = {
    "date_column": ("--date-column", "NAME", "the column holding the dates"),
    "date_format": ("--date-format", "FORMAT", "ISO, YYYYMMDD, 'US month-first', 'European day-first', "
                    "'year/month/day columns', 'year + day-of-year columns' or a strftime pattern"),
    "tmax": ("--tmax-column", "NAME", "the column holding the daily maximum temperature"),
    "tmin": ("--tmin-column", "NAME", "the column holding the daily minimum temperature"),
    "rain": ("--rain-column", "NAME", "the column holding the daily precipitation"),
    "temperature_unit": ("--temperature-unit", "UNIT", "one of " + ", ".join(TEMPERATURE_UNITS)),
    "rain_unit": ("--rain-unit", "UNIT", "one of " + ", ".join(RAIN_UNITS) + " (cm = 10 mm)"),
    "separator": ("--separator", "SEP", "comma, semicolon, tab or pipe"),
    "decimal": ("--decimal", "MARK", "'.' or ','"),
    "encoding": ("--encoding", "CODEC", "e.g. utf-8, cp1252, latin-1"),
}


def add_correction_flags(parser) -> None:
    """``--date-column``, ``--tmax-column``, ``--rain-unit`` ...: correct what the importer detected."""
    group = parser.add_argument_group("corrections to what the importer detects")
    for key, (flag, metavar, text) in CORRECTIONS.items():
        group.add_argument(flag, dest="fix_" + key, metavar=metavar, help=text)


def read_weather(args) -> ImportResult:
    """Import with the corrections given; a refusal a correction can mend names its flag."""
    overrides = {key: getattr(args, "fix_" + key) for key in CORRECTIONS
                 if getattr(args, "fix_" + key, None) is not None}
    try:
        return import_weather(args.file, station=args.station, overrides=overrides or None)
    except WeatherFileError as exc:
        flags = [CORRECTIONS[k][0] + " " + CORRECTIONS[k][1] for k in exc.fixes if k in CORRECTIONS]
        if not flags:
            raise
        columns = f"; the table's columns: {name_list(exc.columns)}" if exc.columns else ""
        raise WeatherFileError(f"{exc} (on the command line: {' or '.join(flags)}{columns})",
                               fixes=exc.fixes, columns=exc.columns) from None


def inspect_dict(result: ImportResult) -> dict:
    """The JSON summary printed by ``python -m gd_core inspect FILE --json``."""
    r = result.report
    return {"rows": r.rows, "start": r.start, "end": r.end, "columns": dict(r.columns),
            "units": dict(r.units), "stations": list(r.stations), "station": r.station,
            "missing": dict(r.missing)}


def inspect_summary(result: ImportResult) -> str:
    """The readable summary: format, dates, columns, units, gaps, then every note."""
    r = result.report
    sep = {"\t": "tab"}.get(r.separator, repr(r.separator))
    found = [role for role in ("tmax", "tmin", "rain") if r.columns[role] is not None]
    units = [f"temperature {UNIT_WORDS[r.units['temperature']]}" if r.units["temperature"] else "",
             f"rain {UNIT_WORDS[r.units['rain']]}" if r.units["rain"] else ""]
    lines = [
        f"format    {r.format} ({r.encoding}, separator {sep}, decimal {r.decimal!r}, "
        f"{count(r.preamble_lines, 'line')} before the header)",
        f"dates     {r.start} .. {r.end}, {count(r.rows, 'row')} (column {r.date_column!r}, {r.date_format})",
        "columns   " + ", ".join(f"{role} <- {r.columns[role]!r}" for role in found),
        "units     " + (", ".join(u for u in units if u) or "none"),
        "missing   " + ", ".join(f"{role} {r.missing[role]:,}" for role in found),
    ]
    if r.stations:
        lines.insert(2, f"station   {r.station} (of {len(r.stations)}: {', '.join(r.stations[:10])}"
                        f"{', ...' if len(r.stations) > 10 else ''})")
    if r.place:
        lines.insert(2, f"place     {r.place}")
    scaled = [f"{kind} {UNIT_WORDS[u]}" for kind, u in (r.file_units or {}).items()
              if u and u != r.units.get(kind)]
    if scaled:
        lines.insert(-1, "in file   " + ", ".join(scaled) + " (converted)")
    lines += [f"note      {note}" for note in r.notes]
    return "\n".join(lines)


def cmd_inspect(args) -> str:
    """The ``inspect`` subcommand: import, then print the summary or the JSON object."""
    result = read_weather(args)
    return json.dumps(inspect_dict(result)) if args.json else inspect_summary(result)
