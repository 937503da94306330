"""The app's navigation: ``st.navigation`` over the page registry (``gd_ui.pages``).

``app.py`` hands :func:`run` the Playground's body: each entry of the registry becomes an ``st.Page``
(its file, or the Playground itself at the root) with the registry's URL path and name.
Streamlit's own menu stays hidden: the sidebar's links, presenter mode's Menu and a class's steps read
the same registry, and :func:`target` is what ``st.page_link`` and ``st.switch_page`` take for a page.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from gd_ui.pages import BY_KEY, PAGES

_BUILT: dict[str, object] = {}  # key → the st.Page of the last run (the same for every session)


def run(playground: Callable[[], None]) -> None:
    """Declare every page, then run the one the URL names (the Playground at the root)."""
    # A file's URL path is its name (Page.slug), as Streamlit infers it: a deep link and AppTest find it.
    # No icon: Streamlit would make a page's Material icon the tab's icon, fetched from fonts.gstatic.com
    # (the page frame sets the app's own, served locally).
    pages = [st.Page(playground if p.key == "playground" else p.path, title=p.label,
                     default=p.key == "playground") for p in PAGES]
    _BUILT.update(zip((p.key for p in PAGES), pages, strict=True))
    st.navigation(pages, position="hidden").run()


def target(key: str):
    """Page ``key`` as ``st.page_link`` and ``st.switch_page`` take it."""
    return _BUILT.get(key) or BY_KEY[key].path
