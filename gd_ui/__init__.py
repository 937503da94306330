"""Descent Lab's presentation layer: Plotly figure builders (pure functions) and the shared
Streamlit sidebar/caching code. Imports run one way: pages → gd_ui → gd_core."""
