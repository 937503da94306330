"""The same figures for a projector: larger type, dark ink, opaque points, controls re-placed in pixels.

Pure Plotly (no Streamlit): presenter mode calls these on the figures it shows.
"""

from __future__ import annotations

import math

CHART_FONT_SCALE = 1.3  # Plotly sizes in px: Streamlit's root font size does not reach them
INK = "#1a1a1a"
POINT_OPACITY = 0.7  # chart text: the Streamlit theme's grey fades on a projector
# Below the descent figure's plot area, in pixels: axis ticks and title, the slider's read-out and
# the Play buttons, then the legend.
SLIDER_PX, BUTTONS_PX, LEGEND_PX, BOTTOM_PX = 72, 84, 130, 206
CHART_PX = 565  # the descent figure under the top row and a one-line status, on a 720-px-high screen
STATUS_CHARS_PER_LINE, STATUS_LINE_PX = 112, 28  # the status sentence at the root size on 1280 px
ALERT_PX = 58  # one more one-line message box, with its gap
ABOVE_TITLES_PX = 30  # a note above the plot sits over the panel titles, not on them
SLIDER_X = 0.37  # where the slider starts when it sits beside the Play buttons
STACKED_PX = 56  # a narrow figure puts the slider on its own row under the buttons
LEGEND_SCALE = 1.15  # three rows of two under the plot: the labels are long


def chart_height(*messages: str, base: int = CHART_PX, chars_per_line: int = STATUS_CHARS_PER_LINE) -> int:
    """The descent figure's height on a 1280×720 screen: what is left under the top row and the
    message boxes above the chart (the status, and the verdict of a prediction), which wrap to more
    lines for a long diverged or descending sentence."""
    lines = sum(max(1, math.ceil(len(m) / chars_per_line)) for m in messages)
    extra_boxes = max(len(messages) - 1, 0)
    return base - STATUS_LINE_PX * (lines - len(messages)) - ALERT_PX * extra_boxes


def restyle(fig, *, scale: float = CHART_FONT_SCALE, narrow: bool = False):
    """The same figure for a projector (or a narrow column): every explicit font size times
    ``scale``, and dark ink.

    A figure with an animation (the descent figure) also gets its controls under the plot re-placed
    in pixels — its paper-fraction offsets assume the normal height and fonts: tick labels and axis
    title, then the Play buttons and the epoch slider (``narrow``: the slider on a row of its own,
    under the buttons), then the legend.
    """
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
    if not hasattr(fig, "set_animation"):
        return fig
    raw = fig.to_dict()
    sliders = raw["layout"].get("sliders") or []
    if not raw.get("frames") or len(sliders) != 1 or len(fig.layout.updatemenus) != 1:
        return fig
    below = BOTTOM_PX + (STACKED_PX if narrow else 0)
    before = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
    plot = fig.layout.height - fig.layout.margin.t - below  # the plot area's height in pixels
    for note in fig.layout.annotations or ():  # notes above the plot stay clear of the panel titles
        if note.yref == "paper" and note.y is not None and note.y > 1:
            note.y = 1 + max((note.y - 1) * before * scale, ABOVE_TITLES_PX) / plot
    font = sliders[0].get("currentvalue", {}).get("font", {})
    if font.get("size"):
        font["size"] = round(font["size"] * scale)
    fig.layout.updatemenus[0].y = -BUTTONS_PX / plot
    if narrow:  # the slider on its own row under the buttons
        sliders[0].update(x=0, len=1, y=-(SLIDER_PX + STACKED_PX) / plot)
    else:  # the slider beside the buttons: one row fewer, a taller plot
        sliders[0].update(x=SLIDER_X, len=1 - SLIDER_X, y=-SLIDER_PX / plot)
        sliders[0].setdefault("currentvalue", {}).update(xanchor="left", offset=0)
    fig.update_layout(margin_b=below, legend_y=-(LEGEND_PX + (STACKED_PX if narrow else 0)) / plot,
                      legend_entrywidthmode="fraction", legend_entrywidth=0.5)  # aligned, no overlaps
    fig.set_animation(raw["frames"], sliders)
    return fig
