"""The class poll in the pages: the teacher's panel and the students' view (peer instruction).

Teacher (``teacher_panel``, on the playground and the step-through page): "Start a class poll" freezes the
run the page shows as the question and shows a join code, its link and a QR code, then the answers as
they arrive (a fragment re-reads the counts every 2 s). Until "Reveal" the rest of the page waits, as
"Predict first" does, so the projector does not give the outcome away. Reveal and close need the owner
secret, which lives in the teacher's session only.

Student (``student_view``, the first call of the playground): ``?poll=CODE`` shows only the question and
four answers, takes one prediction per session (sending again replaces it) and, after the reveal, the
outcome. It never runs the playground, which is what 60 phones would otherwise open at once. An unknown
or expired code says so and falls through to the playground.

The store is opened once per process and database (``st.cache_resource``: a connection pool, not data).
"""

from __future__ import annotations

import os
import secrets

import streamlit as st

from gd_poll import ANSWERS, ENV_VAR, PollClosed, PollError, PollExpired, PollNotFound, Store, open_store
from gd_ui import poll_view as pv
from gd_ui.class_links import app_base, client_address, public_setting
from gd_ui.datasets import BUNDLED_BY_KEY
from gd_ui.figures.poll_bars import poll_figure
from gd_ui.pages import PAGES
from gd_ui.safe import md_text
from gd_ui.widgets import cache, plain_chart
from gd_ui.widgets.frame import PAGE_ICON, Frame

OWNED = "poll_owned"  # the teacher's poll: code, secret, question, right answer
HIDE = "poll_hide"  # the outcome waits for the reveal (the sidebar's zone badge reads it too)
NOTICE = "poll_notice"  # (kind, text) for the next run, from a button's callback
VOTER = "poll_voter"  # this session's voter id
SENT = "poll_sent"  # {code: the answer this session sent}
TEACHER_REFRESH_S = 2
STUDENT_REFRESH_S = 4  # 60 phones: ~15 light reruns a second in all
CONFIG = {"displaylogo": False, "displayModeBar": False, "staticPlot": True}
SLUGS = [p.slug for p in PAGES if p.slug]  # every page's URL path but the root's
# Constants of ours (no user text): the code large enough for the back row, big touch targets on phones.
TEACHER_CSS = """<style>
.st-key-poll_code p { font: 700 3rem/1.1 ui-monospace, "DejaVu Sans Mono", Menlo, monospace;
  letter-spacing: 0.12em; color: #1A1A1A; margin: 0; white-space: nowrap; }
.st-key-poll_total p { font-size: 1.5rem; font-weight: 700; margin: 0; }
</style>"""
STUDENT_CSS = """<style>
.block-container { padding-top: 4.2rem; padding-bottom: 2rem; }
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p { color: #4D4D4D !important; }
.st-key-poll_student h3 { font-size: 1.5rem; padding-top: 0.2rem; }
.st-key-poll_student [data-testid="stRadioOption"] { min-height: 2.75rem; align-items: center; }
.st-key-poll_student [data-testid="stRadioOption"] p { font-size: 1.1rem; }
.st-key-poll_student [data-testid="stRadioCaption"] { margin-top: -0.35rem; }
.st-key-poll_student [data-testid="stRadioCaption"] > div { opacity: 1 !important; }
.st-key-poll_student [data-testid="stRadioCaption"] p { font-size: 0.85rem; line-height: 1.35; }
.st-key-poll_student button { min-height: 3rem; }
.st-key-poll_student button p { font-size: 1.15rem; font-weight: 600; }
</style>"""


@st.cache_resource(show_spinner=False)
def _store_for(target: str) -> Store:
    return open_store(target or None)


def store() -> Store:
    """The poll store of ``DESCENT_LAB_DB`` (one per process and database; a failed open is retried)."""
    return _store_for(os.environ.get(ENV_VAR, "").strip())


# --- the teacher ------------------------------------------------------------------------------------

def teacher_panel(f: Frame, row=None) -> None:
    """The "Start a class poll" button (in ``row`` if given), or the running poll; until its reveal the
    page stops here."""
    kind, text = st.session_state.pop(NOTICE, (None, None))
    if text:
        (st.error if kind == "error" else st.info)(text)
    owned = st.session_state.get(OWNED)
    if owned is None:
        question = pv.question_of(f)
        (row or st).button(
            "Start a class poll", key="poll_start", icon=":material/how_to_vote:", on_click=_start,
            args=(question, pv.answer_of(f.exp.theory, question["lr"])),
            help="Freeze this run as a question: students answer on their phones (a code, a link and "
                 "a QR code), the page hides the outcome until you reveal it.")
        return
    try:
        poll = store().get(owned["code"])
    except (PollNotFound, PollExpired) as exc:
        _forget()
        st.warning(str(exc))
        return
    except PollError as exc:  # the database is busy or unreachable: keep the poll, try again next run
        st.error(str(exc))
        if st.session_state.get(HIDE):
            st.stop()  # still no outcome on the projector
        return
    if poll.closed:  # the store has it closed, this session missed it: start afresh
        _forget()
        st.rerun()
    st.html(TEACHER_CSS)
    if poll.revealed:
        _revealed(f, owned, poll)
        return
    _asking(f, owned)
    st.stop()  # the outcome (status, charts) waits for the reveal


def _asking(f: Frame, owned: dict) -> None:
    code, question = owned["code"], owned["question"]
    url = _join_url(code)
    with st.container(border=True, key="poll_panel"):
        st.subheader("Class poll: what will gradient descent do?", anchor=False)
        st.markdown(f"**{md_text(pv.dataset_name(question))}** · {pv.run_summary(question)}")
        if f.on_stage:  # the whole screen is the page: all three side by side, on the first screen
            join, qr, answers = st.columns([1.2, 0.85, 1.75], gap="medium")
        else:  # beside the sidebar the chart would be too narrow to read: it gets a row of its own
            join, qr = st.columns([1.3, 1], gap="medium")
            answers = st.container()
        with join:
            st.caption("Join code")
            st.container(key="poll_code").markdown(code)
            st.caption("Scan the QR code, or open the link:")
            st.code(url, language=None, wrap_lines=True)
            row = st.container(horizontal=True, gap="small")
            row.button("Reveal", key="poll_reveal", type="primary", on_click=_reveal,
                       icon=":material/visibility:", help="Show the outcome; the poll takes no more answers.")
            row.button("Close poll", key="poll_close", on_click=_close, icon=":material/close:")
        with qr:
            if pv.is_absolute(url):
                st.image(pv.qr_svg(url), width=250 if f.on_stage else 220,
                         alt="QR code of the join link, for a phone's camera")
            else:
                st.caption("No QR code: this page's address is unknown here. Students open the app's "
                           "address with the link's ending.")
        with answers:
            _live_counts(code, None, f.on_stage)


def _revealed(f: Frame, owned: dict, poll) -> None:
    question, answer = owned["question"], owned["answer"]
    same = pv.question_of(f) == question
    with st.container(border=True, key="poll_panel"):
        st.subheader(f"Class poll {owned['code']}: the answer", anchor=False)
        st.success(pv.outcome_sentence(answer, question["lr"], f.exp.theory if same else None))
        st.markdown(f"**{pv.share_sentence(poll.counts, answer)}**")
        chart, side = st.columns([2.4, 1], gap="medium")
        with chart:
            _counts(owned["code"], answer, f.on_stage)
        with side:
            st.button("Close poll", key="poll_close", on_click=_close, icon=":material/close:",
                      help="End the poll; the page's Start button comes back.")
            if not same:
                st.caption("The settings have changed since the poll started: the page below shows the "
                           "current ones, not the poll's.")


def _counts(code: str, right: str | None, big: bool) -> None:
    """The number of answers and the bar chart (with its text alternative)."""
    try:
        poll = store().get(code)
    except PollError as exc:
        st.warning(str(exc))
        return
    st.container(key="poll_total").markdown(pv.answers_text(poll.total))
    figure = poll_figure(poll.counts, ANSWERS, pv.bar_text(poll.counts), right=right,
                         height=210 if big else 230, big=big)
    # drawn by the app's own plotly.js: a running poll never loads Streamlit's 4.7 MB chart bundle
    plain_chart.plain_chart(plain_chart.prepared(figure), key="poll_chart", config=CONFIG,
                            alt=pv.counts_summary(poll.counts, right))


_live_counts = st.fragment(run_every=TEACHER_REFRESH_S)(_counts)


def base_url() -> tuple[str | None, str | None]:
    """The app's root as phones can open it (``DESCENT_LAB_PUBLIC_URL``, or the page's address with
    localhost turned into this machine's network address), and a warning when there is none. The class
    and this poll share it."""
    from streamlit import net_util

    return app_base(st.context.url, SLUGS, public=public_setting(), network_ip=net_util.get_internal_ip())


def _join_url(code: str) -> str:
    """Where phones join the poll: :func:`base_url` with ``?poll=CODE``; without one, the page's own
    address (or its Host header)."""
    base, _ = base_url()
    if base:
        return f"{base}?{pv.PARAM}={code}"
    headers = st.context.headers
    return pv.join_url(st.context.url, code, SLUGS, host=headers.get("host"),
                       scheme=headers.get("x-forwarded-proto", "http"))


def _start(question: dict, answer: str) -> None:
    headers = st.context.headers
    try:  # one limit for starting polls and classes, per client address
        store().classes.allow_start(client_address(headers.get("x-forwarded-for"),
                                                   getattr(st.context, "ip_address", None)))
        code, secret = store().start(question)
    except PollError as exc:
        st.session_state[NOTICE] = ("error", str(exc))
        return
    st.session_state[OWNED] = {"code": code, "secret": secret, "question": question, "answer": answer}
    st.session_state[HIDE] = True


def _reveal() -> None:
    owned = st.session_state.get(OWNED)
    if owned is None:
        return
    try:
        store().reveal(owned["code"], owned["secret"])
    except PollError as exc:
        st.session_state[NOTICE] = ("error", str(exc))
        return
    st.session_state[HIDE] = False


def _close() -> None:
    owned = st.session_state.get(OWNED)
    if owned is None:
        return
    try:
        store().close(owned["code"], owned["secret"])
    except (PollNotFound, PollExpired):
        pass  # gone already: nothing left to close
    except PollError as exc:
        st.session_state[NOTICE] = ("error", str(exc))
        return
    _forget()
    st.session_state[NOTICE] = ("info", f"Poll {owned['code']} is closed.")


def _forget() -> None:
    st.session_state.pop(OWNED, None)
    st.session_state[HIDE] = False


# --- the students -----------------------------------------------------------------------------------

def student_view() -> bool:
    """With ``?poll=CODE``: the student's page, and True (the caller returns). Without it, or with a code
    that names no live poll (said in a message), False: the caller draws its page."""
    if pv.PARAM not in st.query_params:
        return False
    try:
        poll = store().get(st.query_params.get(pv.PARAM))
    except (PollNotFound, PollExpired) as exc:
        del st.query_params[pv.PARAM]  # the playground's own links must not carry it on
        st.warning(f"{exc} Here is the playground instead.", icon=":material/how_to_vote:")
        return False
    except PollError as exc:  # busy or unreachable: a phone must not fall back to the heavy playground
        _student_page("?")
        st.error(str(exc))
        st.button("Try again", type="primary", width="stretch")
        return True
    _student_page(poll.code)
    with st.container(key="poll_student"):
        _question(poll.question, poll.code)
        if poll.revealed:
            _result(poll)
        elif poll.closed:
            st.info("The teacher closed this poll.")
        else:
            _predict(poll)
    return True


def _text(value: str, user: bool) -> str:
    """A value for a markdown line: user text escaped (``md_text``), the app's own numbers as they are."""
    return md_text(value) if user else value


def _student_page(code: str) -> None:
    st.set_page_config(page_title=f"Descent Lab · Class poll {code}", page_icon=PAGE_ICON,
                       layout="centered", initial_sidebar_state="collapsed")
    st.html(STUDENT_CSS)


def _question(question: dict, code: str) -> None:
    st.caption(f"Descent Lab · class poll {code}")
    st.subheader("What will gradient descent do?", anchor=False)
    st.markdown("  \n".join(f"**{name}:** {_text(value, user)}"
                             for name, value, user in pv.run_lines(question)))


def _predict(poll) -> None:
    code = poll.code
    sent = st.session_state.setdefault(SENT, {}).get(code)
    pick = st.radio("Your prediction", list(ANSWERS), index=None, format_func=ANSWERS.get,
                    captions=[pv.MEANING[key] for key in ANSWERS], key=f"poll_pick_{code}")
    receipt = st.empty()  # above the button, where the eye is after a tap, on the first screen of a phone
    if st.button("Send", key="poll_send", type="primary", width="stretch", disabled=pick is None,
                 icon=":material/send:"):
        voter = st.session_state.setdefault(VOTER, secrets.token_urlsafe(16))
        try:
            store().answer(code, voter, pick)
        except PollClosed:
            st.rerun()  # revealed or closed in the meantime: show that instead
        except PollError as exc:
            st.error(str(exc))
        else:
            sent = st.session_state[SENT][code] = pick
    if sent is not None and pick in (None, sent):
        receipt.success(f"Answer received: “{ANSWERS[sent]}”. You can change it and send again until "
                        "the teacher reveals the answer.", icon=":material/check_circle:")
    elif sent is not None:
        receipt.info(f"Your answer is “{ANSWERS[sent]}”. Press Send to change it to “{ANSWERS[pick]}”.")
    _waiting(code)


@st.fragment(run_every=STUDENT_REFRESH_S)
def _waiting(code: str) -> None:
    """Checks for the reveal every few seconds; the page turns to the result when it comes."""
    try:
        poll = store().get(code)
    except PollError:
        return  # the next check may succeed; the student's answer is safe either way
    if not poll.accepting:
        st.rerun()
    st.caption(f"{pv.answers_text(poll.total)} in the class so far. The result appears here when the "
               "teacher reveals it.")


def _result(poll) -> None:
    answer, theory = _answer_of(poll.question)
    mine = st.session_state.get(SENT, {}).get(poll.code)
    if answer is None:
        st.info("The teacher has revealed the answer: it is on the teacher's screen.")
    else:
        right, text = pv.verdict(mine, answer)
        (st.success if right else st.warning)(text)
        st.markdown(pv.outcome_sentence(answer, poll.question["lr"], theory))
        st.markdown(f"**{pv.share_sentence(poll.counts, answer)}**")
    for key, label in ANSWERS.items():
        n = poll.counts[key]
        mark = "✓ " if key == answer else ""
        st.progress(n / poll.total if poll.total else 0.0,
                    text=f"{mark}{label}: {n} ({pv.percent_of(n, poll.total)} %)")
    if poll.closed:
        st.caption("The poll is closed.")


def _answer_of(question: dict):
    """The right answer and the theory, from the bundled dataset the question names (an upload lives
    only in the teacher's session: then None, None)."""
    key = question["dataset"]
    if key not in BUNDLED_BY_KEY:
        return None, None
    predictors = tuple(question["predictors"])
    model = cache.Model(predictors, question.get("shown") or predictors[0], "tmax_tomorrow",
                        question["standardize"])
    try:
        theory = cache.experiment(key, cache.bundled_frame(key), model).theory
    except (KeyError, ValueError):
        return None, None
    return pv.answer_of(theory, question["lr"]), theory
