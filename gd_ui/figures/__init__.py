"""Plotly figure builders: pure functions from core results to ``go.Figure``. Never imports Streamlit."""
