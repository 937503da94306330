"""One look for every chart: palette, ink, axes, layout and animation controls.

Colours are Okabe–Ito (distinguishable with every common colour-vision deficiency). Text is dark ink on
white (≥ 4.5:1 everywhere, titles and ticks included: Streamlit's own chart theme uses a 3.7:1 grey, so
every figure sets its fonts explicitly); lines and marks are ≥ 3:1.
"""

from __future__ import annotations

PALETTE = {
    "blue": "#0072B2", "orange": "#E69F00", "green": "#009E73", "vermillion": "#D55E00",
    "sky": "#56B4E9", "purple": "#CC79A7", "yellow": "#F0E442", "black": "#222222",
}
BLUE, ORANGE, GREEN, VERMILLION, SKY, PURPLE = (PALETTE[k] for k in (
    "blue", "orange", "green", "vermillion", "sky", "purple"))
BLACK = PALETTE["black"]
INK = "#1A1A1A"  # text: 17:1 on white
SOFT_INK = "#4D4D4D"  # secondary text: 8.4:1
GREY = "#767676"  # reference lines and marks: 4.5:1, so also fine for text
GRID = "#E5E5E5"
ZONE_COLOURS = {"crawling": SKY, "converging": GREEN, "oscillating": ORANGE, "diverging": VERMILLION}
# Darker twins of the zone colours for text on white (≥ 4.5:1); the light ones stay for fills and marks.
ZONE_TEXT = {"crawling": "#00689E", "converging": "#00704F", "oscillating": "#8A5A00",
             "diverging": "#B34700"}
# Text in the vermillion/green of a line, dark enough to read (≥ 4.5:1 on white).
VERMILLION_TEXT, GREEN_TEXT = ZONE_TEXT["diverging"], ZONE_TEXT["converging"]
_TEXT_OF = {**{ZONE_COLOURS[z]: ZONE_TEXT[z] for z in ZONE_COLOURS}, PURPLE: "#A0507E"}


def text_colour(colour: str) -> str:
    """The colour to write text in beside a mark of ``colour``: its darker twin where it has one."""
    return _TEXT_OF.get(colour, colour)

FONT = dict(family="Inter, Arial, sans-serif", size=15, color=INK)
AXIS = dict(gridcolor=GRID, linecolor="#444444", showline=True, ticks="outside", zeroline=False,
            tickfont=dict(color=INK), title=dict(font=dict(size=15, color=INK)))
LOG = dict(type="log", dtick=1, exponentformat="power", minor=dict(ticks="outside", ticklen=3))
SPEEDS = (("▶ Play", 60), ("▶ Slow", 160), ("▶▶ Fast", 20))


# A legend under the plot, never beside it: on a phone a side legend leaves the axes 60 px long.
# At the figure's foot (not a fraction of the plot under it: a legend that wraps to more rows on a phone
# shrinks the plot, and a fraction of it then lands on the axis title).
LEGEND_BELOW = dict(orientation="h", x=0, xanchor="left", yref="container", y=0, yanchor="bottom",
                    font=dict(size=13, color=INK))


def layout(height: int, **extra) -> dict:
    """A white layout with the app's fonts and hover labels."""
    return {**dict(height=height, font=FONT, plot_bgcolor="white", paper_bgcolor="white",
                   hoverlabel=dict(font=dict(size=14))), **extra}


def colour(name: str) -> str:
    """A palette name (as the optimizer registry gives it) → its hex."""
    return PALETTE[name]


def axis_title(text: str) -> dict:
    """An axis title in the ink colour (a bare {"text": …} would fall back to the theme's pale grey)."""
    return {**AXIS["title"], "text": text}


def title(text: str, x: float, y: float, size: int = 16) -> dict:
    """A panel title as a paper annotation centred at (x, y)."""
    return dict(text=text, x=x, y=y, xref="paper", yref="paper", xanchor="center", yanchor="bottom",
                showarrow=False, font=dict(size=size, color=INK))


def _animate(frame_ms: int, *, names=None, current: bool = True) -> list:
    opts = dict(frame=dict(duration=frame_ms, redraw=False), mode="immediate", transition=dict(duration=0))
    if current:
        opts["fromcurrent"] = True
    return [names, opts]


def play_buttons(speeds=SPEEDS, **placement) -> dict:
    """Play (at each speed) and Pause as one row of buttons."""
    buttons = [dict(label=label, method="animate", args=_animate(ms)) for label, ms in speeds]
    buttons.append(dict(label="❚❚ Pause", method="animate", args=_animate(0, names=[None], current=False)))
    return dict(type="buttons", direction="left", buttons=buttons, showactive=False,
                font=dict(color=INK), **placement)


def epoch_slider(labels: list[str], active: int, **placement) -> dict:
    """The epoch scrubber: one step per frame, the epoch read out beside it."""
    return dict(active=active, ticklen=0, minorticklen=0, font=dict(color="rgba(0,0,0,0)"),
                currentvalue=dict(prefix="epoch ", font=dict(size=16, color=INK), xanchor="right",
                                  offset=12),
                steps=[dict(label=lab, method="animate", args=_animate(0, names=[lab], current=False))
                       for lab in labels], **placement)
