"""The page frame: what every page does first, in one call, and the guard around what it does next.

``open_page(key)`` sets the page up (title, icon, layout), applies presenter mode, draws the navigation
and the shared sidebar as far as the page needs it (dataset → model → length → run), and returns a
:class:`Frame` of plain values. ``guarded(main)`` runs the page body so that an unexpected error shows
a friendly message naming what to try, and its traceback goes to the server log, never to a visitor.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import streamlit as st

from gd_core.experiment import Experiment
from gd_ui import nodelay
from gd_ui.datasets import Dataset
from gd_ui.formats import sci
from gd_ui.pages import BY_KEY
from gd_ui.safe import md_text
from gd_ui.widgets import presenter, sidebar, urlguard
from gd_ui.widgets.cache import Model
from gd_ui.widgets.schedule_controls import schedule_controls

LOG = logging.getLogger("descent_lab")
# Ours, for every page: captions in a grey that passes 4.5:1 (the theme fades them to 3:1), a visible focus
# ring on links and buttons, the top padding trimmed. A constant: no user text ever reaches it.
CSS = """<style>
.block-container { padding-top: 2.2rem; }
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p {
  color: #4D4D4D !important; opacity: 1 !important; }
a:focus-visible, button:focus-visible, [role="slider"]:focus-visible, input:focus-visible,
[data-testid="stPageLink"] a:focus-visible { outline: 3px solid #0072B2 !important; outline-offset: 2px; }
/* The lesson's equations fit half a 1280-px screen; the padding holds KaTeX's 2-px overhang. */
.katex-display { font-size: 0.94em; padding-right: 0.3em !important; }
.katex .vlist-s { width: 0 !important; } .katex .vlist-t2 { margin-right: 0 !important; }  /* KaTeX's
  2-px Safari strut and its -2-px margin cancel out: without both, no box is wider than its content */
@media (max-width: 640px) { .katex-display { font-size: 0.72em; } }
/* A markdown table's row labels on one line ("weight tmax", "validation MSE"): rows stay one line high;
   on a phone the cells are tighter, so four columns fit 390 px. */
@media (min-width: 641px) { [data-testid="stMarkdownContainer"] table th:first-child,
  [data-testid="stMarkdownContainer"] table td:first-child { white-space: nowrap; } }
@media (max-width: 640px) { [data-testid="stMarkdownContainer"] table th,
  [data-testid="stMarkdownContainer"] table td { padding: 0.3rem 0.35rem; font-size: 0.88rem; } }
/* Streamlit's sticky header is a white band over the page when scrolled: it hid chart titles. Keep its
   buttons, drop the band. */
[data-testid="stHeader"] { background: transparent !important; pointer-events: none; }
[data-testid="stHeader"] button, [data-testid="stHeader"] a, [data-testid="stToolbar"] {
  pointer-events: auto; }
</style>"""
NEEDS = ("dataset", "model", "length", "run")
# The browser tab's icon, served by the app: an emoji or Material icon would be fetched from
# fonts.gstatic.com, which an offline classroom network cannot reach.
PAGE_ICON = str(Path(__file__).with_name("page_icon.png"))
nodelay.apply()  # a rerun's messages go out at once (from the next connection on: gd_ui/nodelay.py)


@dataclass(frozen=True)
class Frame:
    """What a page gets from the frame (``None`` where it asked for less)."""

    on_stage: bool  # presenter mode
    dataset: Dataset
    model: Model | None = None
    exp: Experiment | None = None
    run: sidebar.Run | None = None
    w0: np.ndarray | None = None  # the run's start in the model's space (standardised or not)
    b0: float | None = None
    top: object = None  # presenter mode: the stage's top row, left part (presets, toggles), else None
    menu: object = None  # presenter mode: a place in the Menu for a page's less used actions, else None
    settings: str = "the sidebar"  # where the settings are, as page text names them ("the Menu" on stage)
    length: tuple | None = None  # (epochs, schedule), as soon as they are drawn (``needs`` "length")

    @property
    def controls(self):
        """Where a page draws its own settings: the sidebar, or in presenter mode the Menu."""
        return self._box if self._box is not None else st.sidebar

    _box: object = None
    _rate_box: object = None  # where the rate and the start go (:func:`with_rate`)


def open_page(key: str, *, needs: str = "run", header: bool = True, early=None) -> Frame:
    """Set up page ``key`` of the registry and its sidebar up to ``needs`` (dataset, model or run).
    ``early``: called right after the page's config, before anything else is drawn (the live chart's
    plotly.js then starts loading while the browser is still rendering the sidebar)."""
    page = BY_KEY[key]
    st.set_page_config(page_title=f"Descent Lab · {page.label}", page_icon=PAGE_ICON, layout="wide")
    if early is not None:
        early()
    urlguard.guard_url()  # before any widget binds a URL parameter
    on_stage = presenter.presenter_mode()
    st.markdown(CSS, unsafe_allow_html=True)
    sidebar.page_nav()
    # The run's controls come first in the sidebar (the ones touched most, a few Tabs from the top),
    # the data and the model under them, though they are decided first.
    # Presenter mode hides the sidebar: one compact top row holds the page's presets, toggles and actions
    # (left) and a Menu (the other pages, Exit, the sidebar's settings) on the right.
    top = menu = box = None
    place = "the sidebar"
    if on_stage:
        row = st.container(horizontal=True, vertical_alignment="center", gap="small", key="dl_top")
        top = row.container(horizontal=True, vertical_alignment="center", gap="small", width="stretch",
                            key="dl_top_left")
        right = row.container(horizontal=True, vertical_alignment="center", gap="small", width="content")
        with right.popover("Menu", icon=":material/menu:", help="Other pages, leaving presenter mode, and "
                           "every setting: dataset, model, learning rate, start, epochs"):
            presenter.nav(page.key, st.container())
            presenter.exit_button(st.container())
            menu = st.container()
            st.divider()
            box = st.container()
        place = "the Menu"
    run_box = (box or st.sidebar).container() if needs in ("length", "run") else None
    data_box = (box or st.sidebar).container()
    if not on_stage:
        presenter.enter_button()
        if header:
            st.header(page.title)
    stage = dict(top=top, menu=menu, settings=place, _box=box)
    dataset = sidebar.dataset_picker(data_box)
    if needs == "dataset":
        return Frame(on_stage, dataset, **stage)
    model = sidebar.model_controls(dataset, data_box)
    exp = sidebar.experiment_or_stop(dataset, model)
    if needs == "model":
        if on_stage:
            top.caption(settings_line(dataset, model), width="stretch")
        return Frame(on_stage, dataset, model, exp, **stage)
    rate_box = run_box.container()  # the rate and the start: first in the sidebar, drawn last
    epochs = sidebar.length_controls(model, run_box)
    f = Frame(on_stage, dataset, model, exp, length=(epochs, schedule_controls(run_box, epochs)),
              _rate_box=rate_box, **stage)
    if needs == "length":
        return f
    f = with_rate(f)
    if on_stage and key != "playground":  # the Playground's own controls show these; elsewhere: say them
        top.caption(settings_line(dataset, model, f.run), width="stretch")
    return f


def with_rate(f: Frame) -> Frame:
    """The frame of ``open_page(needs="length")`` with the rate and the start drawn (in the sidebar's
    place kept for them, first of the run's controls): the whole run. The Playground calls it inside
    its fragment, so a change of the rate or the start reruns only what depends on them."""
    run = sidebar.rate_and_start(f.exp, f.model, f.dataset.key, f._rate_box, *f.length)
    w0, b0 = sidebar.start_in_model_space(f.exp, f.model, run)
    return replace(f, run=run, w0=w0, b0=b0)


def settings_line(dataset: Dataset, model: Model, run: sidebar.Run | None = None) -> str:
    """What the Menu is set to, in one line of the stage's top row (the dataset's name is user text)."""
    scaled = "standardised" if model.standardize else "raw"
    names = md_text(", ".join(model.predictors))
    line = f"{md_text(dataset.label, limit=60)} · predictors {names} ({scaled})"
    if run is None:
        return line + " — change them, the start and the optimizers in the Menu"
    return (f"{line} · learning rate η = {sci(run.lr)} · start: weight {run.w0:g}, bias {run.b0:g} · "
            f"{run.epochs:,} epochs — change them in the Menu")


def guarded(main: Callable[[], None]) -> None:
    """Run a page body; an unexpected error becomes a friendly message (details in the server log)."""
    try:
        main()
    except Exception:  # st.stop/st.rerun are BaseExceptions and pass through
        LOG.exception("page %s failed", st.context.url if hasattr(st, "context") else "?")
        st.error("Something went wrong drawing this page. Try another learning rate or dataset, or "
                 "reload the page; if it happens again, tell the teacher which page and settings "
                 "(the link in the address bar has them all).")
