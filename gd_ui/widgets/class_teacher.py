"""The teacher's class, in presenter mode: "Start a class" → one join code, link and QR for the whole
lesson; "Step k of n" with ← / → (buttons and keys); "N joined · M answered"; one Reveal per question
(the class's votes and "predict first" are the same gate), after which the run plays from epoch 0;
pause, close joining, reset a question, the teacher link, results as CSV, end.

The class lives in the store; this session holds only its code and the owner secret, and the
teacher's browser keeps both in ``localStorage`` (never in the URL the projector shows), so a reload,
a dropped connection or a worker restart comes back to the same class, step and code.
"""

from __future__ import annotations

import json
import time
from datetime import timedelta

import streamlit as st

from gd_poll import ANSWERS, PollError, PollExpired, PollNotFound
from gd_ui import class_links as links
from gd_ui import lesson_plan as lp
from gd_ui import poll_view as pv
from gd_ui.figures.poll_bars import poll_figure
from gd_ui.pages import PAGES
from gd_ui.safe import md_text
from gd_ui.widgets import class_lesson, navigation, plain_chart
from gd_ui.widgets.class_browser import TEACHER_NAME, client, follower, keep, reported, store
from gd_ui.widgets.frame import Frame
from gd_ui.widgets.poll import base_url

OWNED, KEEP_KEY, NOTICE = "class_owned", "class_keep_teacher", "class_notice"
SAVE, PLAY, PENDING = "class_save", "class_play", "class_pending_view"
HIDE_NAMES = "class_hide_names"  # the presets row names rates A, B, … while a class runs
SHOW_LINK = "class_show_teacher_link"
COUNTS_REFRESH_S = 2
SLUGS = [p.slug for p in PAGES if p.slug]  # every page's URL path but the root's
CSS = """<style>
.st-key-class_link p { margin: 0; } .st-key-class_link code { font-size: 0.95rem; }
.st-key-class_code p { font: 700 1.9rem/1 ui-monospace, "DejaVu Sans Mono", Menlo, monospace;
  letter-spacing: 0.1em; margin: 0; white-space: nowrap; }
.st-key-lesson_step p { font-size: 1.1rem; margin: 0; }
.st-key-class_counts p { font-weight: 700; margin: 0; white-space: nowrap; }
</style>"""


def before_page() -> None:
    """First thing on a page: a step's view chosen by a take-over is applied before the sidebar."""
    pending = st.session_state.pop(PENDING, None)
    if pending:
        class_lesson.apply_view(pending)


def _notice(kind: str, text: str) -> None:
    st.session_state[NOTICE] = (kind, text)


def _own(code: str, secret: str, view) -> None:
    st.session_state[OWNED] = {"code": code, "secret": secret}
    st.session_state[SAVE] = json.dumps({"code": code, "secret": secret})
    st.session_state[HIDE_NAMES] = True
    st.session_state["poll_hide"] = view.current["question"] and view.step not in view.revealed


def _restored() -> None:
    """The browser said which class this teacher runs (a reload): take it back if the secret holds."""
    if st.session_state.get(OWNED):
        return
    try:
        saved = json.loads(reported(KEEP_KEY) or "null")
        code, secret = saved["code"], saved["secret"]
        if store().classes.is_teacher(code, secret):
            view = store().classes.view(code)
            _own(code, secret, view)
            class_lesson.apply_view(view.current["view"])
            return
    except (ValueError, TypeError, KeyError, PollError):
        pass
    st.session_state[SAVE] = ""  # nothing to come back to: forget it


def _take_over() -> None:
    """``?teach=CODE&key=SECRET`` (the teacher link): this browser becomes the class's teacher."""
    if links.TEACH not in st.query_params:
        return
    code, secret = st.query_params.get(links.TEACH), st.query_params.get(links.KEY)
    for name in (links.TEACH, links.KEY):
        st.query_params.pop(name, None)
    try:
        if not store().classes.is_teacher(code, secret):
            raise PollNotFound("This teacher link does not control a class.")
        view = store().classes.view(code)
    except PollError as exc:
        _notice("error", str(exc))
        return
    _own(code, secret, view)
    st.session_state[PENDING] = view.current["view"]
    st.rerun()


def _start(f: Frame) -> None:
    cap, hours = links.class_settings()
    try:
        stored, scenes = class_lesson.materialise(class_lesson.lesson_of(f))
        classes = store().classes
        code, secret = classes.start(stored, client=client(), cap=cap, lifetime=timedelta(hours=hours))
        for step, payload in scenes.items():
            classes.put_scene(code, secret, step, payload)
        view = classes.view(code)
    except (PollError, lp.LessonError, ValueError) as exc:
        _notice("error", str(exc))
        return
    _own(code, secret, view)
    class_lesson.apply_view(view.current["view"])


def _act(action, *args) -> None:
    owned = st.session_state.get(OWNED)
    if not owned:
        return
    try:
        action(owned["code"], owned["secret"], *args)
    except PollError as exc:
        _notice("error", str(exc))
    follower().forget(owned["code"])


def _go(delta: int) -> None:
    owned = st.session_state.get(OWNED)
    if not owned:
        return
    try:
        view = store().classes.view(owned["code"])
        target = min(max(view.step + delta, 0), len(view.steps) - 1)
        if target == view.step:
            return
        store().classes.go_to(owned["code"], owned["secret"], target)
    except PollError as exc:
        _notice("error", str(exc))
        return
    follower().forget(owned["code"])
    step = view.steps[target]
    class_lesson.apply_view(step["view"])
    st.session_state["poll_hide"] = step["question"] and target not in view.revealed
    st.session_state[PLAY] = None


def _reveal() -> None:
    _act(lambda code, secret: store().classes.reveal(code, secret))
    st.session_state["poll_hide"] = False
    st.session_state[PLAY] = f"reveal-{time.time():.3f}"


def _end() -> None:
    _act(lambda code, secret: store().classes.end(code, secret))
    _forget()
    _notice("info", "The class has ended.")


def _forget() -> None:
    for name in (OWNED, PLAY):
        st.session_state.pop(name, None)
    st.session_state[SAVE] = ""
    st.session_state[HIDE_NAMES] = st.session_state["poll_hide"] = False


def panel(f: Frame, row=None, *, here: str = "playground") -> bool:
    """Presenter mode's class: the Start button (in ``row``), or the running class's bar. Returns True
    while a class runs; on an unrevealed question the rest of the page waits (``st.stop``)."""
    if not f.on_stage:
        return False
    class_lesson.open_from_link()
    _take_over()
    owned = st.session_state.get(OWNED)
    keep(TEACHER_NAME, key=KEEP_KEY, save=st.session_state.pop(SAVE, None), on_value=_restored,
         play=st.session_state.get(PLAY) if owned else None)
    kind, text = st.session_state.pop(NOTICE, (None, None))
    if text:
        (st.error if kind == "error" else st.info)(text)
    base, warning = base_url()
    if owned is None:
        box = row or st.container(horizontal=True)
        box.button("Start a class", key="class_start", icon=":material/groups:", on_click=_start, args=(f,),
                   help="One join code for the whole lesson: students follow your steps on their phones.")
        class_lesson.editor(f, box, base)
        return False
    try:
        view = store().classes.view(owned["code"])
    except (PollNotFound, PollExpired) as exc:
        _forget()
        st.warning(f"{exc} Start a new class when you are ready.")
        return False
    except PollError as exc:
        st.error(str(exc))
        st.stop()
    if view.ended:
        _forget()
        st.rerun()
    step = view.current
    if step["page"] != here:
        st.switch_page(navigation.target(step["page"]))
    st.html(CSS)
    _bar(view, owned, base, warning)
    if step["question"] and view.step not in view.revealed:
        _question(view)
        st.stop()
    if step["question"]:
        _split(f, view)
    return True


def _bar(view, owned: dict, base: str | None, warning: str | None) -> None:
    step, last = view.current, len(view.steps) - 1
    url = links.join_url(base, view.code)
    with st.container(border=True, key="class_panel"):
        top = st.container(horizontal=True, vertical_alignment="center", gap="small", wrap=True)
        top.button("Previous", key="class_prev", on_click=_go, args=(-1,), disabled=view.step == 0,
                   shortcut="Left", help="The previous step (←)")
        top.container(key="lesson_step", width="content").markdown(
            f"**Step {view.step + 1} of {len(view.steps)}** · {md_text(step['title'])}")
        top.button("Next", key="class_next", on_click=_go, args=(1,), disabled=view.step == last,
                   shortcut="Right", help="The next step (→)")
        if step["question"] and view.step not in view.revealed:
            top.button("Reveal", key="class_reveal", type="primary", icon=":material/visibility:",
                       on_click=_reveal, help="Show the outcome; this question takes no more answers.")
        with top:
            _counts(view.code)
        _menu(top, view, owned, base)
        join = st.container(horizontal=True, vertical_alignment="center", gap="medium")
        join.container(key="class_code", width="content").markdown(view.code)
        with join.container(width="stretch"):
            st.container(key="class_link").markdown(f"`{url}`")
            st.caption(" ".join(filter(None, (
                "Phones: scan the QR code or open the link." if view.step == 0 else None,
                None if view.joining_open else "Joining is closed.",
                "Paused: phones show “Eyes on the screen”." if view.paused else None,
                md_text(step.get("note") or "")))))
        if pv.is_absolute(url) and view.step == 0:  # joining happens now: the QR is on the screen
            join.image(pv.qr_svg(url), width=150, alt="QR code of the join link")
        elif pv.is_absolute(url):
            with join.popover("QR code", icon=":material/qr_code_2:"):
                st.image(pv.qr_svg(url), width=300, alt="QR code of the join link")
        if warning:
            st.warning(warning)


@st.fragment(run_every=COUNTS_REFRESH_S)
def _counts(code: str) -> None:
    try:
        view = follower().get(code)
    except PollError:
        return
    answered = f" · {view.answered} answered" if view.current["question"] else ""
    st.container(key="class_counts", width="content").markdown(f"{view.joined} joined{answered}")


def _menu(box, view, owned: dict, base: str | None) -> None:
    classes = store().classes
    with box.popover("Class", icon=":material/settings:"):
        st.button("Resume" if view.paused else "Pause: eyes on the screen", key="class_pause",
                  on_click=_act, args=(classes.pause, not view.paused), width="stretch")
        st.button("Open joining" if not view.joining_open else "Close joining", key="class_joining",
                  on_click=_act, args=(classes.set_joining, not view.joining_open), width="stretch")
        if view.current["question"]:
            st.button("Ask this question again", key="class_reset", on_click=_act, args=(classes.reset,),
                      width="stretch", help="Deletes this question's answers and its reveal.")
        try:
            results = classes.results_csv(owned["code"], owned["secret"])
        except PollError:
            results = ""
        st.download_button("Results (CSV)", results, file_name=f"class-{view.code}.csv", mime="text/csv",
                           key="class_results", width="stretch", icon=":material/download:")
        if st.toggle("Show the teacher link", key=SHOW_LINK):
            st.caption("Whoever opens it controls this class: keep it to yourself.")
            st.code(links.teacher_url(base, owned["code"], owned["secret"]), language=None, wrap_lines=True)
        st.button("End the class", key="class_end", on_click=_end, icon=":material/stop_circle:",
                  width="stretch")


def _question(view) -> None:
    step = view.current
    v = step["view"]
    with st.container(border=True, key="class_question"):
        st.subheader("What will gradient descent do?", anchor=False)
        st.markdown(f"**{md_text(step['dataset'])}** · {md_text(', '.join(v['predictors']))} · "
                    f"η = {pv.rate_text(float(v['lr']))} · {int(v['epochs']):,} epochs · "
                    f"from w = {v['w0']:g}, b = {v['b0']:g}")
        st.markdown("\n".join(f"- **{label}** — {pv.MEANING[key]}" for key, label in ANSWERS.items()))
        st.caption("Students answer on their phones; Reveal shows the run from epoch 0.")


def _split(f: Frame, view) -> None:
    step = view.current
    answer, v = step["answer"], step["view"]
    same = f.dataset.key == v["dataset"] and f.run.lr_text == v["lr"]
    with st.container(border=True, key="class_split"):
        st.success(pv.outcome_sentence(answer, float(v["lr"]), f.exp.theory if same else None))
        st.markdown(f"**{pv.share_sentence(view.counts, answer)}**")
        bars = poll_figure(view.counts, ANSWERS, pv.bar_text(view.counts), right=answer, height=190, big=True)
        plain_chart.plain_chart(plain_chart.prepared(bars), key="class_chart",  # the app's own plotly.js
                                config={"displayModeBar": False, "staticPlot": True},
                                alt=pv.counts_summary(view.counts, answer))
