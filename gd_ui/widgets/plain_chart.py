"""A finished Plotly figure (built in :mod:`gd_ui.figures`) drawn by the app's own pinned plotly.js.

``st.plotly_chart`` brings Streamlit's own plotly.js (a 4.7 MB script the browser must parse before it
draws) and validates and re-serialises the figure on every rerun. This component draws the figure's JSON
with the plotly.js the live chart already loads (:data:`gd_ui.widgets.live.PLOTLY_URL`), so the
Playground loads one plotly.js; the JSON of a figure is made once and kept by its caller.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import streamlit as st

from gd_ui.chart.live_payload import packed
from gd_ui.widgets import live

JS = live.module_text("live_shared.js", "plain_chart.js")
PLAIN = st.components.v2.component("descent_lab_plain", js=JS, isolate_styles=False)
CONFIG = {"displaylogo": False, "displayModeBar": False, "responsive": False}
FAILED = "The chart could not be drawn in this browser; its summary is in the text under it."


@dataclass(frozen=True)
class Drawn:
    """A figure as the browser gets it: its JSON, a digest naming it, its height in pixels."""

    figure: str
    digest: str
    height: int


def prepared(fig) -> Drawn:
    """A figure's JSON, once: a ``go.Figure`` (plotly's own encoder: typed arrays for numpy data), or a
    plain ``{"data", "layout"}`` dict already JSON-ready (no plotly validation at all)."""
    if isinstance(fig, dict):
        text = json.dumps(fig, separators=(",", ":"), allow_nan=False)
        height = fig["layout"].get("height") or 340
    else:
        text, height = fig.to_json(validate=False), fig.layout.height or 340
    return Drawn(text, hashlib.sha1(text.encode()).hexdigest()[:16], int(height))


def plain_chart(drawn: Drawn, *, key: str, alt: str, config: dict | None = None) -> None:
    """Draw ``drawn`` at the container's width. Where the app's plotly.js is not served or did not load
    in this browser (the live chart said so), Streamlit's own chart element draws it instead."""
    if not live.available():
        st.plotly_chart(json.loads(drawn.figure), width="stretch", key=key, alt=alt,
                        config={**CONFIG, **(config or {})})
        return
    PLAIN(key=key, data=packed({"digest": drawn.digest, "height": drawn.height, "plotly": live.PLOTLY_URL,
                                "alt": alt, "config": {**CONFIG, **(config or {})}, "failed": FAILED,
                                "fallback_width": 700}, figure=drawn.figure), height=drawn.height)
