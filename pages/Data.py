"""Descent Lab — your own weather data: upload, check what was detected, correct it, use it."""

from __future__ import annotations

import streamlit as st

from gd_ui.dataview import (
    FILL_LABELS,
    corrections_text,
    fill_counts,
    place_of,
    report_rows,
    to_dataset,
    tomorrow_pairs,
    training_check,
)
from gd_ui.figures.loss import preview_figure
from gd_ui.safe import md_text
from gd_ui.widgets import frame, navigation
from gd_ui.widgets.importing import KEPT, activate, current_upload, forget_upload, import_with_corrections

INTRO = ("Upload a daily weather export as your service gave it — NOAA Climate Data Online, GHCN-Daily CSV "
         "or .dly, Meteostat, Open-Meteo, DWD, Environment Canada, Weather Underground, Met Éireann, KNMI, "
         "NASA POWER, Visual Crossing, a wide file with one column group per place, a European spreadsheet "
         "(; and decimal commas) or a tidy CSV. Nothing needs editing: the separator, encoding, header, "
         "dates, columns and units are detected and shown below, and you can correct each.")


def main() -> None:
    f = frame.open_page("data", needs="dataset")
    st.caption(INTRO)
    uploaded = st.file_uploader("Daily weather file (CSV or text)", type=["csv", "txt", "tsv", "dly"],
                                key="data_file")
    st.markdown(f"Active dataset on every page: **{md_text(f.dataset.label)}**")
    upload, remembered = current_upload(uploaded, f.dataset.key)
    if upload is None:
        st.info("No file uploaded: the pages use the active dataset above (pick bundled data in the "
                "sidebar).")
        st.stop()
    if remembered:
        row = st.container(horizontal=True, vertical_alignment="center")
        row.caption(f"Your last upload, {md_text(upload.name)}: its report and your corrections are below. "
                    "Upload another file above to replace it.")
        row.button("Close this file", on_click=forget_upload, key="data_forget")
    outcome = import_with_corrections(upload)
    if outcome is None:
        st.caption(f"Nothing changed: the active dataset is still {md_text(f.dataset.label)}.")
        st.stop()
    result, station, overrides = outcome
    report = result.report
    left, right = st.columns([1, 1])
    with left:
        st.subheader("What was detected")
        where = place_of(report)
        if where:
            st.text(f"Station or place named by the file: {where}")
        rows = report_rows(report)
        st.dataframe(rows, width="stretch", height=36 * (len(rows) + 1) + 4)
        if station or overrides:
            st.text("Your corrections: " + corrections_text(station, overrides))
        for note in report.notes:
            st.text("• " + note)
    with right:
        st.subheader("Missing values")
        counts = fill_counts(result.frame)
        # Fixed labels, the counts as captions: a label that changed with the counts (after a station
        # change) left the radio showing no choice while forward-fill was still used.
        fill = st.radio("How to treat gaps inside the table", list(FILL_LABELS), key="data_fill",
                        format_func=FILL_LABELS.get, **KEPT,
                        captions=[", ".join(t for t in (counts[h]["filled"], counts[h]["kept"] + " kept",
                                                        counts[h]["left"]) if t) for h in FILL_LABELS])
        st.caption("Days absent from the file are never invented: “tomorrow” is always the next "
                   "calendar day, so the day before a gap has no target and is left out of training. "
                   "Gaps longer than a week are not filled: the series is split there.")
        dataset = to_dataset(result, filename=upload.name, data_digest=upload.digest, fill=fill,
                             settings=repr((station, overrides)))
        usable = "tmax" in dataset.frame.columns and dataset.frame["tmax"].notna().any()
        refusal, left_out = training_check(result, fill) if usable else (None, ())
        if not usable:
            st.warning("No daily maximum temperature (tmax) values were found: the lab predicts "
                       "tomorrow's tmax. Map a column to tmax under “Correct the detection”.")
        elif refusal:
            st.warning("The Playground cannot train on this as it is: " + md_text(refusal, limit=400))
        for note in left_out:
            st.caption(md_text(note))
        st.button("Use this dataset on every page", type="primary", disabled=not usable or bool(refusal),
                  on_click=activate, args=(dataset, upload, station, overrides, fill), key="data_use")
        if f.dataset.key == dataset.key or st.session_state.get("ds") == dataset.key:
            st.success(f"Active on every page: {md_text(dataset.label)}")
            st.page_link(navigation.target("playground"), label="Open in the Playground",
                         icon=":material/trending_down:")
    st.subheader("Preview")
    st.dataframe(dataset.preview(500), width="stretch", height=260)
    if usable:
        today, tomorrow = tomorrow_pairs(dataset.frame)
        st.plotly_chart(preview_figure(today, tomorrow, dataset.unit_of("tmax")), width="stretch",
                        key="data_preview",
                        alt=f"Tomorrow's tmax against today's tmax, one dot per day that has a next calendar "
                            f"day: {len(today):,} days.")


frame.guarded(main)
