"""The playground's classroom row: presets from this data's curvature, and "predict, then reveal".

Presets are links (a shared link reproduces the view); "Predict first" hides the outcome and names the
presets rate A, B, … in rate order until the class has guessed.
"""

from __future__ import annotations

import math

import streamlit as st

from gd_ui import presets
from gd_ui.formats import sci
from gd_ui.widgets import navigation
from gd_ui.widgets.frame import Frame
from gd_ui.widgets.presenter import PARAM

BOUND = dict(bind="query-params", persist_state="session")
LABEL_DIGITS = 3  # every preset's label at one precision (the link carries the exact spelled rate)


def question_of(f: Frame) -> tuple:
    """What a prediction is about: the run as the sidebar set it."""
    return (f.dataset.key, f.model.predictors, f.model.standardize, f.run.lr, f.run.w0, f.run.b0,
            f.run.epochs)


def presets_row(f: Frame):
    """The presets as links, in rate order, and the "Predict first" toggle; returns (predicting, still
    asking, the row — for the class poll's button). The links sit in a wrapping row (presenter mode: the
    stage's one top row): each keeps its whole label at any width."""
    choices = presets.presets(f.exp.theory)
    view = presets.View(f.dataset.label, f.model.predictors, f.model.shown, f.model.standardize,
                        f.run.w0, f.run.b0, f.run.epochs)
    row = f.top or st.container(horizontal=True, wrap=True, vertical_alignment="center", gap="small",
                                key="dl_presets")
    if not f.on_stage:  # on the stage the chips speak for themselves: the row must stay one line
        row.markdown("**Presets** (this data's λmax):", width="content")
    links = row.container(horizontal=True, wrap=True, vertical_alignment="center", gap="small",
                          width="content")
    predict = row.toggle("Predict first", key="predict", help="Predict, then reveal: hide the outcome until "
                         "the class has guessed what this learning rate will do.", **BOUND)
    asking = predict and st.session_state.get("play_revealed", (None,))[0] != question_of(f)
    flag = {PARAM: "1"} if f.on_stage else {}
    hide = asking or st.session_state.get("class_hide_names")  # a class: later steps' names stay hidden
    names = presets.letters(choices) if hide else [p.label for p in choices]
    for p, name in zip(choices, names):
        # the stage's one row has no room for numbers: the name alone (the rate shows once clicked)
        label = name if f.on_stage else f"{name} · {sci(p.lr, LABEL_DIGITS)}"
        links.page_link(navigation.target("playground"), label=label,
                        query_params={**presets.link_params(view, p.spelled), **flag},
                        help=None if hide else p.claim)
    return predict, asking, row


def _reveal(question: tuple) -> None:
    st.session_state["play_revealed"] = (question, st.session_state.get("play_guess"))


def ask(f: Frame) -> None:
    """The question, the guess and the Reveal button; the rest of the page waits (st.stop)."""
    st.subheader("What will happen at this learning rate?")
    st.caption(f"Learning rate {sci(f.run.lr, 3)}, {f.run.epochs:,} epochs, from weight {f.run.w0:g} and "
               f"bias {f.run.b0:g}. Decide first, then reveal.")
    guess = st.radio("Your prediction", presets.GUESSES, index=None, horizontal=True, key="play_guess")
    st.button("Reveal", type="primary", disabled=guess is None, on_click=_reveal, args=(question_of(f),),
              key="play_reveal")
    st.stop()


def verdict(f: Frame, regime: str) -> tuple[tuple[bool, str], str]:
    """Was the class's guess right (in plain words, against the run's ``regime``), and the answer in
    numbers."""
    guess = st.session_state["play_revealed"][1]
    numbers = presets.reveal(guess, f.exp.theory, f.run.lr)[1].split(" Why, in numbers: ", 1)[-1]
    return presets.reveal_words(guess, regime), f"Why, in numbers: {numbers}"


def active_preset(f: Frame):
    """The preset the current rate is, if any."""
    return next((p for p in presets.presets(f.exp.theory) if math.isclose(p.lr, f.run.lr, rel_tol=1e-9)),
                None)
