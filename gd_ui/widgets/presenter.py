"""Presenter mode: large type, no sidebar, charts filling a 1280×720 projector.

The flag is a URL parameter, ``?present=1`` (also ``true``/``yes``/``on``; ``0`` switches it off), read
from ``st.query_params`` rather than bound to a widget, because a bound toggle only accepts
``true``/``false`` and there is no widget to show in a mode that hides the controls. Once seen, the
flag is remembered for the session, so it survives moving between pages, and written back to the URL,
so the view stays a link. The CSS is a constant of ours: no user text ever reaches
``unsafe_allow_html``.
"""

from __future__ import annotations

import streamlit as st

from gd_ui.pages import PAGES
from gd_ui.widgets import navigation

PARAM = "present"
STATE = "presenter_on"  # session key
ON, OFF = frozenset({"1", "true", "yes", "on"}), frozenset({"0", "false", "no", "off"})
ROOT_PX = 21  # Streamlit sizes its text in rem: one root size scales every label, table and button


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
    and give the main column the whole screen — on a wide screen; a phone keeps its own layout."""
    return f"""<style>
@media (min-width: 701px) {{
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
/* the stage's one top row (frame.open_page): compact type, never a second line */
.st-key-dl_top, .st-key-dl_top_left {{ flex-wrap: nowrap !important; }}
.st-key-dl_top p, .st-key-dl_top a span, .st-key-dl_top button p, .st-key-dl_top label p {{
  font-size: 0.72rem !important; }}
.st-key-dl_top a span, .st-key-dl_top button p, .st-key-dl_top label p {{ white-space: nowrap; }}
.st-key-dl_top [data-testid="stPageLink"] a {{ padding: 0.05rem 0.4rem !important; }}
.st-key-dl_top button {{ min-height: 1.9rem !important; padding: 0.05rem 0.55rem !important; }}
}}
@media (max-width: 700px) {{  /* a phone: its own layout, only the sidebar stays out of the way */
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"] {{ display: none !important; }}
}}
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


def enter_button() -> None:
    """The way in from the sidebar (the way out is :func:`nav`, since presenter mode hides the sidebar)."""
    st.sidebar.button("Presenter mode (projector)", key="present_enter", on_click=_set, args=(True,),
                      width="stretch", help="Large type, no sidebar, charts filling the screen. "
                      "A link ending in ?present=1 opens it too.")


def nav(here: str, box) -> None:
    """In presenter mode: links to the other classroom pages than ``here`` (a key), in the stage's Menu."""
    for page in (p for p in PAGES if p.classroom and p.key != here):
        box.page_link(navigation.target(page.key), label=page.label, icon=page.icon,
                      query_params={PARAM: "1"})


def exit_button(box) -> None:
    """The way out of presenter mode (the sidebar's button is the way in)."""
    box.button("Exit", key="present_exit", on_click=_set, args=(False,), type="tertiary",
               icon=":material/close_fullscreen:", help="Leave presenter mode")
