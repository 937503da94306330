"""The Data page's widgets and the importer call behind them.

The last import is remembered in the session (not in a cross-session cache): an upload's table then
costs its memory once, in the session that uploaded it, and goes when the session does. The last
uploaded file is remembered too (``UPLOAD``), so that coming back to the page shows its report, the
corrections chosen (their widgets persist for the session) and a way to change them.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from gd_core.importer import ImportResult, WeatherFileError, import_weather
from gd_core.importer.messages import RAIN_UNITS, TEMPERATURE_UNITS
from gd_ui.dataview import SETTING_WORDS, UNIT_NAMES, Detected, corrections_text, digest
from gd_ui.safe import md_text
from gd_ui.widgets import sidebar

AUTO = "detected"
MAX_ROWS = 1_000_000  # data rows in a file (several stations); ~40 MB of CSV, imported in ~2 s
DATE_FORMATS = ("ISO", "YYYYMMDD", "US month-first", "European day-first", "year/month/day columns",
                "year + day-of-year columns")
KEPT = dict(persist_state="session")  # a correction survives a visit to another page
MEMO = "data_import"  # session key: the last (digest, station, overrides) and its ImportResult
UPLOAD = "data_upload"  # session key: the last uploaded file, an ``Upload``
ACTIVE_UPLOAD = "data_active_upload"  # session key: (dataset key, Upload, station, overrides, fill) activated
WIDGET_OF = {"separator": "data_sep", "decimal": "data_dec", "encoding": "data_enc",
             "date_column": "data_date", "date_format": "data_datefmt", "tmax": "data_tmax",
             "tmin": "data_tmin", "rain": "data_rain",
             "temperature_unit": "data_tunit", "rain_unit": "data_runit", "tenths": "data_tenths"}
CORRECTION_KEYS = ("data_station", "data_sep", "data_dec", "data_enc", "data_date", "data_datefmt",
                   "data_datepat", "data_tmax", "data_tmin", "data_rain", "data_tunit", "data_runit",
                   "data_tenths")


@dataclass(frozen=True)
class Upload:
    """A file as uploaded: its name, bytes and their digest."""

    name: str
    raw: bytes
    digest: str


def current_upload(uploaded, active_key: str | None = None) -> tuple[Upload | None, bool]:
    """The file to show: the one in the uploader (remembered), else the active upload (``active_key`` is
    the active dataset's key) with the corrections it was activated with, else the last one uploaded;
    and whether it came from memory."""
    if uploaded is not None:
        raw = uploaded.getvalue()
        kept = st.session_state.get(UPLOAD)
        if kept is None or kept.name != uploaded.name or kept.raw != raw:
            st.session_state[UPLOAD] = Upload(uploaded.name, raw, digest(raw))
            for key in CORRECTION_KEYS:  # another file: its own columns, detected afresh
                st.session_state.pop(key, None)
        return st.session_state[UPLOAD], False
    active = st.session_state.get(ACTIVE_UPLOAD)
    if active and active[0] == active_key and st.session_state.get(UPLOAD) is not active[1]:
        _restore(*active[1:])
    return st.session_state.get(UPLOAD), True


def activate(dataset, upload: Upload, station: str | None, overrides: tuple, fill: str) -> None:
    """The "Use this dataset" button's callback: make it active everywhere and remember how it was read."""
    sidebar.add_upload(dataset)
    st.session_state[ACTIVE_UPLOAD] = (dataset.key, upload, station, overrides, fill)


def _restore(upload: Upload, station: str | None, overrides: tuple, fill: str) -> None:
    """Show the active upload again as it was activated: its file, corrections and gap strategy."""
    st.session_state[UPLOAD] = upload
    for key in CORRECTION_KEYS:
        st.session_state.pop(key, None)
    for key, value in overrides:
        widget = WIDGET_OF[key]
        if key == "date_format" and value not in DATE_FORMATS:
            widget = "data_datepat"
        st.session_state[widget] = value
    if station:
        st.session_state["data_station"] = station
    st.session_state["data_fill"] = fill


def forget_upload() -> None:
    """The "Close this file" button's callback (an active dataset stays active: only the page forgets it)."""
    st.session_state.pop(UPLOAD, None)
    st.session_state.pop(ACTIVE_UPLOAD, None)


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


def import_with_corrections(upload: Upload) -> tuple[ImportResult, str | None, tuple] | None:
    """Import the file as detected, show the correction controls (open, with the file's columns, when
    detection was refused for a reason a person can fix), and import again as corrected. Returns
    (result, station, overrides), or None after showing why the file cannot be used."""
    slot = st.container()  # the refusal or the mend is said here, above the controls
    try:
        first = import_upload(upload.digest, upload.raw, upload.name, None, ())
        detected = Detected.of_report(first.report)
    except WeatherFileError as exc:
        first, detected, refusal = None, Detected.of_error(exc), exc
        if not (exc.fixes and exc.columns):
            _refused(slot, upload.name, exc, mendable=False)
            return None
    station, overrides = correction_controls(detected, expanded=first is None)
    if first is not None and not (station or overrides):
        return first, None, ()
    if first is None and not overrides:
        _refused(slot, upload.name, refusal, mendable=True)
        return None
    try:
        result = import_upload(upload.digest, upload.raw, upload.name, station, overrides)
    except WeatherFileError as exc:
        _refused(slot, upload.name, exc, mendable=bool(exc.fixes))
        if first is None:
            slot.caption("That is with your corrections: " + md_text(corrections_text(station, overrides)))
        return None
    if first is None:
        slot.success("Mended with your corrections: " +
                     md_text(corrections_text(station, overrides), limit=300))
        slot.caption("As detected, it was refused: " + md_text(refusal, limit=300))
    return result, station, overrides


def _refused(box, name: str, exc: WeatherFileError, mendable: bool) -> None:
    """The refusal, and where to mend it when a correction can."""
    box.error(f"**{md_text(name)}** cannot be used: {md_text(exc, limit=600)}")
    if mendable:
        wanted = ", ".join(dict.fromkeys(SETTING_WORDS.get(w, w) for w in exc.fixes))
        box.caption(f"You can mend this below, under “Correct the detection” ({md_text(wanted)}).")


def _choice(label: str, options: list, detected, key: str, fmt=str):
    """A select box whose first option keeps the detected value; returns None for "detected"."""
    # The detected value is the file's own text (a column name, a station id): escaped, as a widget label
    # is markdown. The options are shown as plain text.
    shown = "not found" if detected is None else fmt(detected)
    picked = st.selectbox(f"{label} (detected: {md_text(shown)})", [AUTO, *options], key=key,
                          format_func=lambda o: o if o == AUTO else fmt(o), **KEPT)
    return None if picked == AUTO else picked


def correction_controls(d: Detected, expanded: bool = False) -> tuple[str | None, tuple]:
    """Widgets to correct each detected setting; returns (station, overrides as sorted pairs)."""
    with st.expander("Correct the detection", expanded=expanded):
        cols, v = list(d.columns), d.values
        a, b, c = st.columns(3)
        with a:
            station = _choice("Station or place", list(d.stations), v.get("station"), "data_station") \
                if len(d.stations) > 1 else None
            sep = _choice("Separator", [",", ";", "\t", "|"], v.get("separator"), "data_sep", repr)
            dec = _choice("Decimal mark", [".", ","], v.get("decimal"), "data_dec", repr)
            enc = _choice("Encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1"], v.get("encoding"),
                          "data_enc")
        with b:
            date_col = _choice("Date column", cols, v.get("date_column"), "data_date")
            date_fmt = _choice("Date format", list(DATE_FORMATS), v.get("date_format"), "data_datefmt")
            pattern = st.text_input("…or the dates' pattern, e.g. %d/%m/%Y or %d-%b-%y", key="data_datepat",
                                    **KEPT).strip()
            roles = {role: _choice(f"{role} column", cols, v.get(role), f"data_{role}")
                     for role in ("tmax", "tmin", "rain")}
        with c:
            unit = lambda u: UNIT_NAMES.get(u, u)  # noqa: E731
            t_unit = _choice("Temperature unit", list(TEMPERATURE_UNITS), v.get("temperature_unit"),
                             "data_tunit", unit)
            r_unit = _choice("Rain unit", list(RAIN_UNITS), v.get("rain_unit"), "data_runit", unit)
            tenths = st.checkbox("Values are in tenths (GHCN-Daily)", value=False, key="data_tenths", **KEPT)
    overrides = {"separator": sep, "decimal": dec, "encoding": enc, "date_column": date_col,
                 "date_format": pattern or date_fmt, "temperature_unit": t_unit, "rain_unit": r_unit, **roles}
    if tenths:
        overrides["tenths"] = True
    return station, tuple(sorted((k, v) for k, v in overrides.items() if v is not None))
