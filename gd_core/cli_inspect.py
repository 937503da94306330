"""``python -m gd_core inspect FILE``: what the importer detects in a weather file, as text or JSON."""

from __future__ import annotations

import json

from gd_core.importer import ImportResult, import_weather
from gd_core.importer.messages import UNIT_WORDS, count


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
    lines += [f"note      {note}" for note in r.notes]
    return "\n".join(lines)


def cmd_inspect(args) -> str:
    """The ``inspect`` subcommand: import, then print the summary or the JSON object."""
    result = import_weather(args.file, station=args.station)
    return json.dumps(inspect_dict(result)) if args.json else inspect_summary(result)
