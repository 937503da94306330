"""The class poll's bar chart: how many students gave each answer, and after the reveal, which was right.

Pure Plotly (no Streamlit). One horizontal bar per answer, in the answers' order from the top, in its
zone's Okabe–Ito colour; counts and shares written beside the bars in dark ink (≥ 4.5:1 on white).
After the reveal the right answer is marked twice, not by colour alone: its bar keeps full colour and a
dark outline while the others fade, and its label gains a tick.
"""

from __future__ import annotations

from collections.abc import Mapping

import plotly.graph_objects as go

from gd_ui.figures.style import AXIS, FONT, GRID, INK, ZONE_COLOURS, layout
from gd_ui.presets import ZONE_OF_GUESS

FADED = 0.35  # the wrong answers' bars after the reveal (their text stays full ink)
MARK = "✓ "


def poll_figure(counts: Mapping[str, int], labels: Mapping[str, str], texts: Mapping[str, str], *,
                right: str | None = None, height: int = 260, big: bool = False) -> go.Figure:
    """Counts per answer as horizontal bars.

    Parameters
    ----------
    counts : mapping of answer key → int
        Every key of ``labels``; the bars follow ``labels``' order, top to bottom.
    labels : mapping of answer key → str
        What each answer says ("oscillates but converges").
    texts : mapping of answer key → str
        Written beside each bar ("14 · 47 %").
    right : str, optional
        The right answer, once revealed: marked by outline, full colour and a tick.
    big : bool
        Projector sizes (presenter mode).
    """
    keys = list(labels)
    size = FONT["size"] + (6 if big else 2)
    names = [(MARK if key == right else "") + labels[key] for key in keys]
    values = [int(counts.get(key, 0)) for key in keys]
    opacity = [1.0 if right in (None, key) else FADED for key in keys]
    outline = [3 if key == right and value else 0 for key, value in zip(keys, values)]  # no stray line at 0
    bars = go.Bar(
        x=values, y=names, orientation="h", text=[texts[key] for key in keys], textposition="outside",
        cliponaxis=False, textfont=dict(color=INK, size=size),
        marker=dict(color=[ZONE_COLOURS[ZONE_OF_GUESS[key]] for key in keys], opacity=opacity,
                    line=dict(color=INK, width=outline)),
        hovertemplate="%{y}: %{x}<extra></extra>")
    top = max(values, default=0)
    # Room on the right for the "count · share" text of the longest bar: the plot area is not known here,
    # so the projector's narrow column (about 200 px of bars beside the labels) sets the margin.
    span = 2.2 if big else 1.6
    fig = go.Figure(bars, layout=layout(
        height, margin=dict(l=10, r=20, t=10, b=10), showlegend=False, bargap=0.28,
        font={**FONT, "size": size},
        xaxis={**AXIS, "range": [0, max(top * span, 1.5)], "showticklabels": False, "ticks": "",
               "showline": False, "gridcolor": GRID, "showgrid": False, "fixedrange": True},
        yaxis={**AXIS, "autorange": "reversed", "ticks": "", "showline": False, "automargin": True,
               "tickfont": dict(color=INK, size=size), "fixedrange": True}))
    return fig
