"""The bare reference page of ``bench_redraw.py``: one slider and the playground's scatter, nothing else.

The same points as panel (a) of the playground (Seattle's training split: tmax today against tmax
tomorrow, as a ``Scattergl`` with the same marker) plus one line whose slope the slider sets. Its
redraw time is the floor the playground's is compared with.

    streamlit run benchmarks/bare_scatter_app.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import streamlit as st

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # `streamlit run` puts only this folder on sys.path
    sys.path.insert(0, str(REPO))

from gd_core.data import make_problem, read_weather_csv  # noqa: E402


@st.cache_data(show_spinner=False)
def training_split() -> tuple[np.ndarray, np.ndarray]:
    frame = read_weather_csv(REPO / "data" / "seattle-weather.csv")
    train = make_problem(frame, ["tmax"], "tmax_tomorrow").train
    return train.x[:, 0], train.y


st.set_page_config(page_title="Bare scatter (benchmark)", layout="wide")
x, y = training_split()
slope = st.slider("Slope", 0.0, 2.0, 1.0, 0.01, key="slope")
lo, hi = float(x.min()), float(x.max())
intercept = float(y.mean() - slope * x.mean())
fig = go.Figure(
    [go.Scattergl(x=x, y=y, mode="markers", name=f"{len(x):,} training days", hoverinfo="skip",
                  marker=dict(size=4, color="#56B4E9", opacity=0.45)),
     go.Scatter(x=[lo, hi], y=[slope * lo + intercept, slope * hi + intercept], mode="lines",
                name="line", line=dict(color="#D55E00", width=4))],
    layout=dict(height=620, plot_bgcolor="white", paper_bgcolor="white",
                xaxis=dict(title=dict(text="today's tmax (°C)")),
                yaxis=dict(title=dict(text="tomorrow's tmax (°C)"))))
st.plotly_chart(fig, width="stretch", key="scatter", config={"displaylogo": False})
