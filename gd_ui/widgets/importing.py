"""The Data page's widgets and the importer call behind them.

The last import is remembered in the session (not in a cross-session cache): an upload's table then
costs its memory once, in the session that uploaded it, and goes when the session does.
"""

from __future__ import annotations

import streamlit as st

from gd_core.importer import ImportReport, ImportResult, import_weather
from gd_ui.safe import md_text

AUTO = "detected"
MAX_ROWS = 1_000_000  # data rows in a file (several stations); ~40 MB of CSV, imported in ~2 s
DATE_FORMATS = ("ISO", "YYYYMMDD", "US month-first", "European day-first", "year/month/day columns")


MEMO = "data_import"  # session key: the last (digest, station, overrides) and its ImportResult


def import_upload(data_digest: str, raw: bytes, filename: str, station: str | None,
                  overrides: tuple) -> ImportResult:
    """Import once per (file content, station, corrections) and session; the last two are kept (the
    detection as found, and as corrected)."""
    key = (data_digest, filename, station, overrides)
    memo = [entry for entry in st.session_state.get(MEMO, []) if entry[0][0] == data_digest]
    for entry_key, result in memo:
        if entry_key == key:
            return result
    with st.spinner("Reading the file…"):
        result = import_weather(raw, filename=filename, station=station, overrides=dict(overrides) or None,
                                max_rows=MAX_ROWS)
    st.session_state[MEMO] = [*memo[-1:], (key, result)]
    return result


def _choice(label: str, options: list, detected, key: str, fmt=str):
    """A select box whose first option keeps the detected value; returns None for "detected"."""
    # The detected value is the file's own text (a column name, a station id): escaped, as a widget label
    # is markdown. The options are shown as plain text.
    picked = st.selectbox(f"{label} (detected: {md_text(fmt(detected))})", [AUTO, *options], key=key,
                          format_func=lambda o: o if o == AUTO else fmt(o))
    return None if picked == AUTO else picked


def correction_controls(report: ImportReport) -> tuple[str | None, tuple]:
    """Widgets to correct each detected setting; returns (station, overrides as sorted pairs)."""
    with st.expander("Correct the detection", expanded=False):
        cols = list(getattr(report, "source_columns", ()) or
                    [c for c in report.columns.values() if c])
        a, b, c = st.columns(3)
        with a:
            station = _choice("Station", list(report.stations), report.station, "data_station") \
                if len(report.stations) > 1 else None
            sep = _choice("Separator", [",", ";", "\t", "|"], report.separator, "data_sep", repr)
            dec = _choice("Decimal mark", [".", ","], report.decimal, "data_dec", repr)
            enc = _choice("Encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1"], report.encoding,
                          "data_enc")
        with b:
            date_col = _choice("Date column", cols, report.date_column, "data_date")
            date_fmt = _choice("Date format", list(DATE_FORMATS), report.date_format, "data_datefmt")
            roles = {role: _choice(f"{role} column", cols, report.columns.get(role), f"data_{role}")
                     for role in ("tmax", "tmin", "rain")}
        with c:
            t_unit = _choice("Temperature unit", ["C", "F"], report.units.get("temperature"),
                             "data_tunit")
            r_unit = _choice("Rain unit", ["mm", "in"], report.units.get("rain"), "data_runit")
            tenths = st.checkbox("Values are in tenths (GHCN-Daily)", value=False, key="data_tenths")
    overrides = {"separator": sep, "decimal": dec, "encoding": enc, "date_column": date_col,
                 "date_format": date_fmt, "temperature_unit": t_unit, "rain_unit": r_unit, **roles}
    if tenths:
        overrides["tenths"] = True
    return station, tuple(sorted((k, v) for k, v in overrides.items() if v is not None))
