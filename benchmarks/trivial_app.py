"""The trivial reference page of ``bench_server.py``: two sliders and one line of text, nothing else.

Its server CPU per change is the floor the playground's is compared with (same server, same client,
same run). The sliders use the playground's keys, so the same simulated student moves them.

    streamlit run benchmarks/trivial_app.py
"""

from __future__ import annotations

import streamlit as st

w0 = st.slider("Initial weight", -3.0, 3.0, -0.5, 0.01, key="w0")
b0 = st.slider("Initial bias", -60.0, 60.0, 10.0, 0.1, key="b0")
st.write(f"w0 = {w0:.2f}, b0 = {b0:.1f}")
