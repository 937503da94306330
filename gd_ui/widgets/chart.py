"""The playground's three-panel chart, drawn by the server (``st.plotly_chart``).

This is also the fallback of the live chart: when the browser cannot run it, the sidebar drives this one.
"""

from __future__ import annotations

import streamlit as st

from gd_core.descent import History
from gd_ui import exports
from gd_ui.figures.descent import descent_figure
from gd_ui.figures.present import chart_height, restyle
from gd_ui.scene import frame_positions
from gd_ui.views import descent_data
from gd_ui.widgets.frame import Frame

CONFIG = {"displaylogo": False, "displayModeBar": False}
NOTE = ("(b) is a slice through the loss landscape: the weight varies while the bias and any other "
        "weights stay frozen at the current epoch's values, so the curve moves as they learn; the red dot "
        "is always on it. (c) is that slice's slope: where it crosses zero the slice bottoms out. Frames "
        "are an odd number of epochs apart, so a zig-zag shows as one.")


def static_chart(f: Frame, history: History, messages: list[str], question: tuple):
    """The figure with its keyboard twin (an epoch slider above it); returns the figure."""
    data = descent_data(f.exp, history, f.model.index, f.dataset)
    chart = st.container()
    at = None
    if not f.on_stage:
        labels = [f"{int(history.epochs[k]):,}" for k in frame_positions(history.epochs)]
        state = st.session_state
        if state.get("play_frame_run") != question or state.get("play_frame") not in labels:
            st.session_state["play_frame"] = labels[-1]
        st.session_state["play_frame_run"] = question
        at = labels.index(st.select_slider("Epoch shown in the chart (keyboard: Tab here, then ← →)", labels,
                                           key="play_frame"))
    figure = descent_figure(data, height=chart_height(*messages) if f.on_stage else 660, at_frame=at)
    chart.plotly_chart(restyle(figure) if f.on_stage else figure, width="stretch", key="descent",
                       config=CONFIG)
    st.caption(exports.descent_summary(data))
    if not f.on_stage:
        multi = ("The line in (a) is the model's prediction as this predictor varies with the others held "
                 "at their training means. " if len(f.model.predictors) > 1 else "")
        st.caption(multi + NOTE)
    return figure
