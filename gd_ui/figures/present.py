"""The same figures for a projector: larger type, dark ink, opaque points.

Pure Plotly (no Streamlit): presenter mode calls these on the figures it shows.
"""

from __future__ import annotations

import math

CHART_FONT_SCALE = 1.3  # Plotly sizes in px: Streamlit's root font size does not reach them
INK = "#1a1a1a"
POINT_OPACITY = 0.7  # chart text: the Streamlit theme's grey fades on a projector
CHART_PX = 565  # the descent figure under the top row and a one-line status, on a 720-px-high screen
STATUS_CHARS_PER_LINE, STATUS_LINE_PX = 112, 28  # the status sentence at the root size on 1280 px
ALERT_PX = 58  # one more one-line message box, with its gap
LEGEND_SCALE = 1.15  # three rows of two under the plot: the labels are long


def chart_height(*messages: str, base: int = CHART_PX, chars_per_line: int = STATUS_CHARS_PER_LINE) -> int:
    """The descent figure's height on a 1280×720 screen: what is left under the top row and the
    message boxes above the chart (the status, and the verdict of a prediction), which wrap to more
    lines for a long diverged or descending sentence."""
    lines = sum(max(1, math.ceil(len(m) / chars_per_line)) for m in messages)
    extra_boxes = max(len(messages) - 1, 0)
    return base - STATUS_LINE_PX * (lines - len(messages)) - ALERT_PX * extra_boxes


def restyle(fig, *, scale: float = CHART_FONT_SCALE):
    """The same figure for a projector: every explicit font size times ``scale``, and dark ink."""
    base = fig.layout.font.size or 12
    fig.update_layout(font=dict(size=round(base * scale), color=INK))
    for note in fig.layout.annotations or ():
        if note.font.size:
            note.font.size = round(note.font.size * scale)
        if not note.font.color:
            note.font.color = INK
    if fig.layout.legend.font.size:
        fig.layout.legend.font.size = round(fig.layout.legend.font.size * min(scale, LEGEND_SCALE))
    for axis in (*fig.select_xaxes(), *fig.select_yaxes()):
        axis.tickfont.color = axis.title.font.color = INK
        if axis.title.font.size:
            axis.title.font.size = round(axis.title.font.size * scale)
    for trace in fig.data:  # faint data points wash out on a projector
        if trace.type == "scattergl" and trace.marker.opacity is not None and trace.marker.opacity < 0.7:
            trace.marker.opacity = POINT_OPACITY
    return fig
