"""What a class needs from the browser and the server, shared by the teacher's and the students' views.

The browser: a small ``st.components.v2`` component (no iframe, nothing drawn) that keeps one value in
``localStorage`` — the student's random browser token, the teacher's class and secret — so a reload,
a new tab or a dropped connection comes back as the same browser; after a reveal it presses the live
chart's Play from epoch 0. (The teacher's ←/→ keys are the step buttons' own ``shortcut``.)
Streamlit's cookies are read-only from Python, hence ``localStorage``.

The server: the store (one per process and database) and the per-process :class:`gd_poll.Follower`,
through which every phone of this worker reads its class at most about once a second.
"""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from gd_poll import ENV_VAR, Follower, Store
from gd_ui.class_links import client_address
from gd_ui.widgets.poll import store as poll_store

JS = (Path(__file__).resolve().parent / "class_keep.js").read_text(encoding="utf-8")
KEEP = st.components.v2.component("descent_lab_class_keep", js=JS, isolate_styles=False)
TEACHER_NAME, BROWSER_NAME = "descent-lab-teacher", "descent-lab-browser"


def keep(name: str, *, key: str, make: bool = False, save: str | None = None, play: str | None = None,
         on_value=None) -> str | None:
    """The value ``localStorage[name]`` holds (created at random when ``make``), once the browser has
    said it; ``save``: a value to store first ("" deletes). Known values stay in ``st.session_state``
    under ``key + "_value"``, so later runs have them before the browser speaks again."""
    seen = key + "_value"
    state = st.session_state.get(key) or {}
    said = state.get("value") if isinstance(state, dict) else None
    if said is not None:
        st.session_state[seen] = said or None
    if save is not None:
        st.session_state[seen] = save or None
    known = st.session_state.get(seen)
    KEEP(key=key, data={"name": name, "make": make, "save": save, "known": known or "", "play": play},
         height=0, on_value_change=on_value or (lambda: None))
    return known


def reported(key: str) -> str | None:
    """The value the browser just reported (inside the ``on_value`` callback)."""
    state = st.session_state.get(key) or {}
    return (state.get("value") or None) if isinstance(state, dict) else None


def store() -> Store:
    """The store of ``DESCENT_LAB_DB`` (the class poll's: one pool per process)."""
    return poll_store()


@st.cache_resource(show_spinner=False)
def _follower_for(target: str) -> Follower:
    return Follower(lambda code: store().classes.view(code))


def follower() -> Follower:
    """This process's cache of the classes its sessions follow (one store read per class per second)."""
    return _follower_for(os.environ.get(ENV_VAR, "").strip())


def client() -> str:
    """The forwarded client address (for rate limits only)."""
    headers = st.context.headers
    return client_address(headers.get("x-forwarded-for"), getattr(st.context, "ip_address", None))
