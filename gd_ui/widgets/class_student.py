"""A student's phone at ``?join=CODE``: the teacher's current step, never the full Playground.

The page shows the step's title ("Step k of n"), the step's chart (the finished run the teacher's
session stored, drawn read-only by the live chart, so uploads work too), on a question the four
answers and Send (one vote per browser, changeable until the reveal), and after the reveal the result
and the class's split. A fragment asks this worker's :class:`gd_poll.Follower` every second whether
the class moved (one store read per class per second for all phones of the worker) and reruns the
page when it did. "Explore on my own" opens the Playground on the step's view; "Back to the teacher"
returns. The browser's token lives in ``localStorage`` (``class_browser.keep``), so a reload, a new
tab or a dropped connection is the same voter.
"""

from __future__ import annotations

import json
import time

import streamlit as st

from gd_poll import (
    ANSWERS,
    ClassEnded,
    JoiningClosed,
    PollError,
    PollExpired,
    PollFull,
    PollNotFound,
    RateLimited,
    StepLocked,
)
from gd_ui import class_links as links
from gd_ui import poll_view as pv
from gd_ui.safe import md_text
from gd_ui.widgets import class_lesson, live, navigation
from gd_ui.widgets.class_browser import BROWSER_NAME, client, follower, keep, store
from gd_ui.widgets.frame import PAGE_ICON
from gd_ui.widgets.poll import STUDENT_CSS

TOKEN_KEY, TOKEN, JOINED = "class_keep_browser", "class_token", "class_joined"
EXPLORE, DRAWN, NOTICE = "class_explore", "class_drawn", "class_student_notice"
WATCH_S = 1.0
CHART_KEY = "class_live"
CSS = STUDENT_CSS.replace("poll_student", "class_student")


def student_view() -> bool:
    """With ``?join=CODE`` (or while exploring from a class): the student's page, and True unless the
    student chose to explore (then the caller draws its page under a "Back to the teacher" button)."""
    code = st.query_params.get(links.JOIN) or st.session_state.get(EXPLORE)
    if not code:
        return False
    if st.session_state.get(EXPLORE):
        st.button("Back to the teacher", key="class_back", type="primary", icon=":material/groups:",
                  on_click=_back, args=(code,), width="stretch")
        return False
    st.set_page_config(page_title="Descent Lab · class", page_icon=PAGE_ICON, layout="centered",
                       initial_sidebar_state="collapsed")
    st.html(CSS)
    token = keep(BROWSER_NAME, key=TOKEN_KEY, make=True) or st.session_state.get(TOKEN)
    if not token:
        st.caption("Connecting to the class…")
        return True
    st.session_state[TOKEN] = token
    try:
        view = follower().get(code)
    except (PollNotFound, PollExpired) as exc:
        st.warning(str(exc))
        st.page_link(navigation.target("playground"), label="Open the playground instead",
                     icon=":material/tune:")
        return True
    except PollError as exc:
        st.error(str(exc))
        st.button("Try again", type="primary", width="stretch")
        return True
    with st.container(key="class_student"):
        joined = _joined(view, token)
        if joined:
            _step(view, token)
    _watch(view.code, (view.rev, view.step) if joined else None, time.monotonic())
    return True


def _joined(view, token: str) -> bool:
    if st.session_state.get(JOINED) == view.code:
        return True
    try:
        store().classes.join(view.code, token, client=client())
    except RateLimited as exc:  # the watch fragment tries again every second
        st.warning(str(exc))
        return False
    except (PollFull, JoiningClosed, ClassEnded) as exc:
        st.error(str(exc))
        return False
    except PollError as exc:
        st.error(str(exc))
        return False
    st.session_state[JOINED] = view.code
    return True


def _step(view, token: str) -> None:
    step = view.current
    st.caption(f"Descent Lab · class {view.code}")
    with st.container(key="lesson_step"):
        st.markdown(f"Step {view.step + 1} of {len(view.steps)}")
        st.subheader(md_text(step["title"]), anchor=False)
    if view.ended:
        st.info("The class has ended. Thank you!", icon=":material/waving_hand:")
        return
    if view.paused:
        st.info("Eyes on the screen", icon=":material/visibility:")
        return
    kind, text = st.session_state.pop(NOTICE, (None, None))
    if text:
        (st.error if kind == "error" else st.success)(text)
    revealed = view.step in view.revealed
    mine = _mine(view, token) if step["question"] else None
    if step["question"] and not revealed:
        _predict(view, token, mine)
    else:
        if step["question"]:  # the result on the first screen, the run under it
            _result(view, mine)
        _chart(view)
    if step["page"] == "lab":
        st.info("On the screen: the learning-rate lab, every rate at once.", icon=":material/science:")
    st.button("Explore on my own", key="class_explore_btn", icon=":material/explore:", width="stretch",
              on_click=_explore, args=(view.code, step["view"]),
              help="Open the playground on this step's view; “Back to the teacher” returns.")


def _mine(view, token: str) -> str | None:
    try:
        return store().classes.my_vote(view.code, token, view.step)
    except PollError:
        return None


def _predict(view, token: str, mine: str | None) -> None:
    v = view.current["view"]
    st.markdown(f"**What will gradient descent do?**  \n{md_text(view.current['dataset'])} · "
                f"η = {pv.rate_text(float(v['lr']))} · {int(v['epochs']):,} epochs")
    drawn = (view.code, view.step)
    if st.session_state.get(DRAWN) != drawn:  # a new question (or a reload): the radio shows my answer
        st.session_state["class_answer"] = mine
        st.session_state[DRAWN] = drawn
    pick = st.radio("Your prediction", list(ANSWERS), format_func=ANSWERS.get, key="class_answer",
                    captions=[pv.MEANING[key] for key in ANSWERS])
    st.button("Send", key="class_send", type="primary", width="stretch", disabled=pick is None,
              icon=":material/send:", on_click=_send, args=(view.code, token, view.step))
    if mine is not None:
        same = pick in (None, mine)
        st.caption(f"Your answer: “{ANSWERS[mine]}”." + (" You can change it until the teacher reveals."
                                                       if same else " Press Send to change it."))


def _send(code: str, token: str, step: int) -> None:
    answer = st.session_state.get("class_answer")
    try:
        store().classes.vote(code, token, step, answer, client=client())
    except StepLocked as exc:
        st.session_state[NOTICE] = ("error", str(exc))
    except PollError as exc:
        st.session_state[NOTICE] = ("error", str(exc))
    else:
        st.session_state[NOTICE] = ("ok", f"Answer received: “{ANSWERS[answer]}”.")


def _result(view, mine: str | None) -> None:
    answer = view.current["answer"]
    with st.container(key="class_result"):
        right, text = pv.verdict(mine, answer)
        (st.success if right else st.warning)(text)
        st.markdown(pv.outcome_sentence(answer, float(view.current["view"]["lr"])))
        st.markdown(f"**{pv.share_sentence(view.counts, answer)}**")
        total = view.answered
        for key, label in ANSWERS.items():
            n = view.counts[key]
            st.progress(n / total if total else 0.0,
                        text=f"{'✓ ' if key == answer else ''}{label}: {n} ({pv.percent_of(n, total)} %)")


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def _scene(code: str, step: int, rev: int) -> dict | None:
    text = store().classes.scene(code, step)
    return json.loads(text) if text else None


def _chart(view) -> None:
    if view.current["page"] != "playground":
        return
    try:
        payload = _scene(view.code, view.step, 0)
    except PollError:
        payload = None
    if payload is None or live.PLOTLY_URL is None:
        st.caption("The chart of this step is on the teacher's screen.")
        return
    live.mount(CHART_KEY, {**payload, "key": CHART_KEY, "presenter": False, "height": 420,
                           "stacked_height": 760})


@st.fragment(run_every=WATCH_S)
def _watch(code: str, drawn: tuple | None, drawn_at: float) -> None:
    """Every second: has the class moved since this page was drawn? (One cached read per worker.)
    ``drawn`` None: this browser is not in yet (busy network, joining closed): try again, from the
    fragment's own runs only (the page's run itself calls this too)."""
    if drawn is None:
        if time.monotonic() - drawn_at > 0.5:
            st.rerun()
        return
    try:
        view = follower().get(code)
    except PollError:
        return
    if (view.rev, view.step) != drawn:
        st.rerun()


def _explore(code: str, view: dict) -> None:
    st.session_state[EXPLORE] = code
    class_lesson.apply_view(view)


def _back(code: str) -> None:
    st.session_state.pop(EXPLORE, None)
    st.session_state.pop(DRAWN, None)
    st.query_params[links.JOIN] = code
