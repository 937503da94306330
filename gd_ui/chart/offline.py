"""The live chart as one offline HTML file: the component's own JS and CSS, plotly.js and the numbers, all
inlined, so the file plays (and its sliders move) with no network at all.

It is the same drawing as on the Playground: the page mounts ``live_table.js`` and ``live_chart.js`` with
the payloads the app would send, through a small stand-in for Streamlit's component object. Pure (text
in, text out): the caller reads the files.
"""

from __future__ import annotations

import base64
import html
import json

ENTRY = "export default function (component)"
STYLE = """body { font-family: system-ui, -apple-system, "Segoe UI", Arial, sans-serif; margin: 1.2rem auto;
  max-width: 1240px; padding: 0 1rem; color: #1A1A1A; }
h1 { font-size: 1.3rem; margin: 0 0 0.6rem 0; } .dl-offline-note { font-size: 0.85rem; color: #4D4D4D; }"""


def _safe_script(text: str) -> str:
    """Text that cannot close its ``<script>`` element early."""
    return text.replace("</", "<\\/")


def _mountable(js: str, name: str) -> str:
    """A component module's default export as an assignment to ``name``, in a block of its own (the two
    modules each declare their own top-level names)."""
    if js.count(ENTRY) != 1:
        raise ValueError(f"the component's JS must have exactly one '{ENTRY}'")
    return "{\n" + js.replace(ENTRY, f"{name} = function (component)") + "\n}"


def offline_html(*, title: str, table: bytes, payload: dict, plotly_js: str, chart_js: str, table_js: str,
                 css: str, note: str = "") -> str:
    """The page: ``table`` (the DLT1 blob), ``payload`` (the chart's JSON, as the app sends it)."""
    run = _safe_script(json.dumps(payload, ensure_ascii=False, allow_nan=False, separators=(",", ":")))
    blob = base64.b64encode(table).decode("ascii")
    boot = f"""
let mountTable, mountChart;
{_mountable(table_js, "mountTable")}
{_mountable(chart_js, "mountChart")}
const raw = atob(document.getElementById("dl-table").textContent.trim());
const bytes = new Uint8Array(raw.length);
for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
mountTable({{ data: bytes, parentElement: document.createElement("div") }});
const data = JSON.parse(document.getElementById("dl-run").textContent);
mountChart({{ data, parentElement: document.getElementById("dl-chart"),
  setTriggerValue() {{}}, setStateValue(name, value) {{ if (name === "failed") console.error(value); }} }});
"""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>{STYLE}
{css}</style>
<script>{_safe_script(plotly_js)}</script>
</head><body>
<h1>{html.escape(title)}</h1>
<div id="dl-chart"></div>
<p class="dl-offline-note">{html.escape(note)}</p>
<script type="application/octet-stream" id="dl-table">{blob}</script>
<script type="application/json" id="dl-run">{run}</script>
<script type="module">{_safe_script(boot)}</script>
</body></html>
"""
