"""Descent Lab — your own weather data: upload, check what was detected, correct it, use it."""

from __future__ import annotations

import streamlit as st

from gd_core.importer import WeatherFileError
from gd_ui.dataview import FILL_LABELS, digest, fill_counts, report_rows, to_dataset, tomorrow_pairs
from gd_ui.figures.loss import preview_figure
from gd_ui.safe import md_text
from gd_ui.widgets import frame, sidebar
from gd_ui.widgets.importing import correction_controls, import_upload

INTRO = ("Upload a daily weather export as your service gave it — NOAA Climate Data Online or GHCN-Daily "
         "CSV, Meteostat, Open-Meteo, DWD, Environment Canada, Weather Underground, Visual Crossing, a "
         "European spreadsheet (; and decimal commas) or a tidy CSV. Nothing needs editing: the separator, "
         "encoding, header, dates, columns and units are detected and shown below, and you can correct each.")


def main() -> None:
    f = frame.open_page("data", needs="dataset")
    st.caption(INTRO)
    upload = st.file_uploader("Daily weather file (CSV or text)", type=["csv", "txt", "tsv", "dly"],
                              key="data_file")
    st.markdown(f"Active dataset on every page: **{md_text(f.dataset.label)}**")
    if upload is None:
        st.info("No file uploaded: the pages use the active dataset above (pick bundled data in the "
                "sidebar).")
        st.stop()
    raw = upload.getvalue()
    data_digest = digest(raw)
    try:
        first = import_upload(data_digest, raw, upload.name, None, ())
        station, overrides = correction_controls(first.report)
        result = import_upload(data_digest, raw, upload.name, station, overrides) \
            if station or overrides else first
    except WeatherFileError as exc:
        st.error(f"**{md_text(upload.name)}** cannot be used: {md_text(exc, limit=600)}")
        st.caption(f"Nothing changed: the active dataset is still {md_text(f.dataset.label)}.")
        st.stop()
    report = result.report
    left, right = st.columns([1, 1])
    with left:
        st.subheader("What was detected")
        rows = report_rows(report)
        st.dataframe(rows, width="stretch", height=36 * (len(rows) + 1) + 4)
        for note in report.notes:
            st.text("• " + note)
    with right:
        st.subheader("Missing values")
        counts = fill_counts(result.frame)
        # Fixed labels, the counts as captions: a label that changed with the counts (after a station
        # change) left the radio showing no choice while forward-fill was still used.
        fill = st.radio("How to treat gaps inside the table", list(FILL_LABELS), key="data_fill",
                        format_func=FILL_LABELS.get,
                        captions=[f"{counts[h]['filled']}, {counts[h]['kept']} kept" for h in FILL_LABELS])
        st.caption("Days absent from the file are never invented: “tomorrow” is always the next "
                   "calendar day, so the day before a gap has no target and is left out of training.")
        dataset = to_dataset(result, filename=upload.name, data_digest=data_digest, fill=fill,
                             settings=repr((station, overrides)))
        usable = "tmax" in dataset.frame.columns and dataset.frame["tmax"].notna().any()
        if not usable:
            st.warning("No daily maximum temperature (tmax) values were found: the lab predicts "
                       "tomorrow's tmax. Map a column to tmax under “Correct the detection”.")
        st.button("Use this dataset on every page", type="primary", disabled=not usable,
                  on_click=sidebar.add_upload, args=(dataset,), key="data_use")
    st.subheader("Preview")
    st.dataframe(dataset.preview(500), width="stretch", height=260)
    if usable:
        today, tomorrow = tomorrow_pairs(dataset.frame)
        st.plotly_chart(preview_figure(today, tomorrow, dataset.unit_of("tmax")), width="stretch",
                        key="data_preview",
                        alt=f"Tomorrow's tmax against today's tmax, one dot per day that has a next calendar "
                            f"day: {len(today):,} days.")


frame.guarded(main)
