"""Presenter mode: large type, no sidebar, charts filling a 1280×720 projector.

The flag is a URL parameter, ``?present=1`` (also ``true``/``yes``/``on``; ``0`` switches it off), read
from ``st.query_params`` rather than bound to a widget, because a bound toggle only accepts
``true``/``false`` and there is no widget to show in a mode that hides the controls. Once seen, the
flag is remembered for the session, so it survives moving between pages, and written back to the URL,
so the view stays a link. The CSS is a constant of ours: no user text ever reaches
``unsafe_allow_html``.
"""

from __future__ import annotations

import math

import streamlit as st

PARAM = "present"
STATE = "presenter_on"  # session key
ON, OFF = frozenset({"1", "true", "yes", "on"}), frozenset({"0", "false", "no", "off"})
ROOT_PX = 21  # Streamlit sizes its text in rem: one root size scales every label, table and button
CHART_FONT_SCALE = 1.3  # Plotly sizes in px: scaled separately (see enlarge)
PAGES = (("app.py", "Playground", ":material/tune:"),
         ("pages/4_Step_Through.py", "Step through", ":material/school:"))
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


def parse_flag(value) -> bool | None:
    """``True``/``False`` for a recognised flag value (a string or the last of a list), else None."""
    if isinstance(value, list | tuple):
        value = value[-1] if value else None
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    return True if text in ON else False if text in OFF else None


def css(root_px: int = ROOT_PX) -> str:
    """The stylesheet of presenter mode: hide the sidebar, header and toolbar, enlarge the type,
    and give the main column the whole screen."""
    return f"""<style>
html {{ font-size: {root_px}px; }}
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"], header[data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"] {{ display: none !important; }}
[data-testid="stMainBlockContainer"], .block-container {{
  padding: 0.5rem 1.2rem 1rem 1.2rem !important; max-width: 100% !important; }}
[data-testid="stMain"] {{ margin-left: 0 !important; }}
[data-testid="stAlert"] p {{ font-size: 1rem; line-height: 1.3; }}
[data-testid="stAlertContainer"] {{ padding: 0.5rem 0.9rem !important; }}
[data-testid="stCaptionContainer"] {{ font-size: 0.8rem; }}
[data-testid="stVerticalBlock"] {{ gap: 0.45rem; }}
</style>"""


def _set(on: bool) -> None:
    st.session_state[STATE] = on
    if on:
        st.query_params[PARAM] = "1"
    elif PARAM in st.query_params:
        del st.query_params[PARAM]


def presenter_mode() -> bool:
    """Read the flag (URL first, then the session), apply the stylesheet when on, return it."""
    flag = parse_flag(st.query_params.get_all(PARAM)) if PARAM in st.query_params else None
    if flag is not None:
        st.session_state[STATE] = flag
    on = bool(st.session_state.get(STATE, False))
    if on:
        if st.query_params.get(PARAM) != "1":
            st.query_params[PARAM] = "1"
        st.markdown(css(), unsafe_allow_html=True)
    return on


def page_header(title: str) -> None:
    """A page's title, with the top padding trimmed (outside presenter mode, which has its own)."""
    st.markdown("<style>.block-container{padding-top:2.2rem}</style>", unsafe_allow_html=True)
    st.header(title)


def enter_button() -> None:
    """The way in from the sidebar (the way out is :func:`nav`, since presenter mode hides the sidebar)."""
    st.sidebar.button("Presenter mode (projector)", key="present_enter", on_click=_set, args=(True,),
                      width="stretch", help="Large type, no sidebar, charts filling the screen. "
                      "A link ending in ?present=1 opens it too.")


def nav(here: str, link_cell, exit_cell) -> None:
    """In presenter mode: a link to the other classroom page, and the way out."""
    page, label, icon = next(p for p in PAGES if p[0] != here)
    link_cell.page_link(page, label=label, icon=icon, query_params={PARAM: "1"})
    exit_cell.button("Exit", key="present_exit", on_click=_set, args=(False,), type="tertiary",
                     icon=":material/close_fullscreen:", help="Leave presenter mode")


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
