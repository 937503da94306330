"""The Streamlit-facing layer: the page frame, the shared sidebar, cached core calls, presenter mode and
the Data page's and landscape's controls. Never imports Plotly: figures come from ``gd_ui.figures``."""
