"""Descent Lab's presentation layer, by layer (imports run one way: pages → gd_ui → gd_core):

- ``gd_ui.figures`` — Plotly figure builders (never Streamlit), one style module;
- ``gd_ui.chart`` — the three-panel chart's Python half (pure): scene, spec, payloads, offline file; its
  only drawing is the browser's ``gd_ui/widgets/live_chart.js``;
- ``gd_ui.widgets`` — the Streamlit-facing modules (never Plotly): page frame, sidebar, caches;
- the modules at this level are pure Python: numbers (``formats``), session keys (``state``), pages
  (``pages``), presets, status sentences, exports, the lesson's arithmetic, the Data page's tables.
"""
