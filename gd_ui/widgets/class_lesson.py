"""The teacher's lesson: which one (the built-in one from this data's λmax, an edited one, an opened file
or link), its editor, and turning it into what the class store keeps — each step's title, note,
question, right answer and, for a playground step, the finished run's scene that phones draw (so an
uploaded dataset's step is drawn on phones too, though only the teacher's session has the upload).
"""

from __future__ import annotations

import hashlib
import json

import streamlit as st

from gd_ui import exports
from gd_ui import lesson_plan as lp
from gd_ui import poll_view as pv
from gd_ui.chart.live_payload import scene_json
from gd_ui.chart.scene import scene
from gd_ui.chart.views import descent_data
from gd_ui.widgets import cache, sidebar
from gd_ui.widgets.frame import Frame

LESSON = "class_lesson"  # session: the edited or opened lesson (None: the built-in one)
NOTICE = "class_lesson_notice"


def current_view(f: Frame) -> lp.View:
    return lp.View(f.dataset.key, tuple(f.model.predictors), f.model.shown, bool(f.model.standardize),
                   f.run.lr_text, float(f.run.w0), float(f.run.b0), int(f.run.epochs))


def lesson_of(f: Frame) -> lp.Lesson:
    """The teacher's lesson: the edited or opened one, else the built-in one on the current data."""
    return st.session_state.get(LESSON) or lp.builtin(f.exp.theory, current_view(f))


def dataset(key: str):
    choices = sidebar.datasets()
    if key not in choices:
        raise lp.LessonError(f"The dataset of a step ({key[:40]}) is no longer in this session.")
    return choices[key] or cache.bundled_dataset(key)


def _run(view: lp.View):
    ds = dataset(view.dataset)
    model = cache.Model(view.predictors, view.shown, "tmax_tomorrow", view.standardize)
    exp = cache.experiment(ds.key, ds.frame, model)
    return ds, model, exp


def materialise(lesson: lp.Lesson) -> tuple[dict, dict[int, str]]:
    """(the lesson as the class store keeps it, {step: its scene's JSON} for playground steps)."""
    steps, scenes = [], {}
    for i, step in enumerate(lesson.steps):
        v = step.view
        ds, model, exp = _run(v)
        entry = {"title": step.title, "note": step.note, "question": step.question, "page": v.page,
                 "rate": v.lr, "dataset": pv.storable(ds.label), "view": lp.to_dict(
                     lp.Lesson(lesson.title, (step,)))["steps"][0]["view"]}
        if step.question:
            entry["answer"] = pv.answer_of(exp.theory, float(v.lr))
        steps.append(entry)
        if v.page == "playground":
            run = sidebar.Run(float(v.lr), v.lr, v.w0, v.b0, v.epochs)
            w, b = sidebar.start_in_model_space(exp, model, run)
            history = cache.descent(ds.key, exp, model, tuple(w), b, run.lr, run.epochs)
            data = descent_data(exp, history, model.index, ds)
            digest = hashlib.sha1(repr((ds.key, v)).encode()).hexdigest()[:12]
            payload = scene_json(scene(data), data, v.lr, run=digest, shown=v.shown,
                                 summary=exports.descent_summary(data))
            scenes[i] = json.dumps(payload, allow_nan=False, separators=(",", ":"))
    return {"title": lesson.title, "steps": steps}, scenes


def apply_view(view: dict) -> None:
    """Make the sidebar show a step's view on the next run (called from a callback)."""
    state = st.session_state
    if view["dataset"] in sidebar.datasets():
        state[sidebar.ACTIVE] = state["ds"] = view["dataset"]
    wanted = {"pred": list(view["predictors"]), "x": view["shown"], "std": view["standardize"],
              "epochs": int(view["epochs"])}
    for name, value in wanted.items():
        if state.get(name) != value:  # only what changes (a widget drawn with a default warns otherwise)
            state[name] = value
    for name, value in (("sched", "constant"), ("sched_w", "0")):  # a step runs at a constant rate
        if name in state and state[name] != value:
            state[name] = value
    state["_run_context"] = (view["dataset"], tuple(view["predictors"]), view["standardize"])  # no reset
    sidebar.set_values(lr=view["lr"], w0=float(view["w0"]), b0=float(view["b0"]))


# --- the editor -------------------------------------------------------------------------------------

def open_from_link() -> None:
    """``?lesson=…``: open the lesson it carries (or say what is wrong and keep the current one)."""
    if lp.PARAM not in st.query_params:
        return
    text = st.query_params.get(lp.PARAM)
    del st.query_params[lp.PARAM]
    try:
        st.session_state[LESSON] = lp.from_link(text, sidebar.datasets())
        st.session_state[NOTICE] = ("info", "The lesson from the link is open.")
    except lp.LessonError as exc:
        st.session_state[NOTICE] = ("error", f"{exc} The current lesson is kept.")


def _edit(f: Frame, change) -> None:
    try:
        st.session_state[LESSON] = change(lesson_of(f))
    except (lp.LessonError, IndexError) as exc:
        st.session_state[NOTICE] = ("error", str(exc))


def _opened() -> None:
    upload = st.session_state.get("class_lesson_file")
    if upload is None:
        return
    try:
        st.session_state[LESSON] = lp.from_json(upload.getvalue()[:512 * 1024], sidebar.datasets())
        n = len(st.session_state[LESSON].steps)
        st.session_state[NOTICE] = ("info", f"Opened the lesson with {n} steps.")
    except lp.LessonError as exc:
        st.session_state[NOTICE] = ("error", f"{exc} The current lesson is kept.")


def editor(f: Frame, box, base_url: str | None) -> None:
    """The lesson's steps, each retitled, moved or deleted; add this view; save; open."""
    kind, text = st.session_state.pop(NOTICE, (None, None))
    if text:
        (st.error if kind == "error" else st.info)(text)
    lesson = lesson_of(f)
    with box.popover(f"Lesson · {len(lesson.steps)} steps", icon=":material/list:"):
        st.caption(f"{lesson.title}. Changes apply to the next class you start.")
        for i, step in enumerate(lesson.steps):
            cells = st.columns([5, 1, 1, 1], vertical_alignment="bottom", gap="small")
            title = cells[0].text_input(f"Step {i + 1}" + (" (question)" if step.question else ""),
                                        step.title, key=f"class_title_{i}_{hash(step.title) & 0xffff}",
                                        max_chars=lp.MAX_TEXT)
            if title.strip() and title.strip() != step.title:
                _edit(f, lambda les, i=i, t=title: lp.retitle(les, i, t))
                st.rerun()
            cells[1].button("↑", key=f"class_up_{i}", help="Move up", disabled=i == 0, on_click=_edit,
                            args=(f, lambda les, i=i: lp.move(les, i, -1)))
            cells[2].button("↓", key=f"class_down_{i}", help="Move down", disabled=i == len(lesson.steps) - 1,
                            on_click=_edit, args=(f, lambda les, i=i: lp.move(les, i, 1)))
            cells[3].button("✕", key=f"class_del_{i}", help="Delete this step",
                            on_click=_edit, args=(f, lambda les, i=i: lp.delete(les, i)))
        question = st.checkbox("As a prediction question", key="class_add_question")
        st.button("Add this view as a step", key="class_add", icon=":material/add:", on_click=_edit,
                  args=(f, lambda les: lp.add_step(les, current_view(f), f"Step {len(les.steps) + 1}",
                                                   question=question)))
        st.download_button("Save as a file (JSON)", lp.to_json(lesson), file_name="lesson.json",
                           mime="application/json", key="class_save", icon=":material/download:")
        st.caption("Link to this lesson:")
        st.code(f"{base_url or './'}?{lp.PARAM}={lp.to_link(lesson)}", language=None, wrap_lines=True)
        st.file_uploader("Open a lesson file", type=["json"], key="class_lesson_file", on_change=_opened)
        if st.session_state.get(LESSON) is not None:
            st.button("Back to the built-in lesson", key="class_builtin",
                      on_click=lambda: st.session_state.pop(LESSON, None))
