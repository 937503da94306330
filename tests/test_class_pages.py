"""The class in Streamlit's AppTest: a teacher (presenter mode) and three students who share nothing
but the store, on SQLite and PostgreSQL. Browser tokens are what the page's localStorage component
would report (``class_token``); a reload is a new AppTest with the same token."""

from __future__ import annotations

import pytest
from conftest import APP, component_data, pg_schema
from streamlit.testing.v1 import AppTest

from gd_poll import open_store
from gd_ui import lesson_plan as lp


@pytest.fixture(params=["sqlite", "postgres"])
def db(request, tmp_path, monkeypatch):
    if request.param == "sqlite":
        url = str(tmp_path / "class.sqlite3")
        monkeypatch.setenv("DESCENT_LAB_DB", url)
        yield url
        return
    with pg_schema(request.getfixturevalue("pg_admin_url")) as url:
        monkeypatch.setenv("DESCENT_LAB_DB", url)
        yield url


def run(target) -> AppTest:
    """Run an AppTest, or the AppTest of a widget just clicked or set; no exception allowed."""
    at = target.run()
    assert not at.exception, at.exception
    return at


def teacher(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["present"] = "1"
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return run(at)


def student(code: str, token: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["join"] = code
    at.session_state["class_token"] = token
    return run(at)


def texts(at: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "caption", "success", "warning", "error", "info", "subheader")
             for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


def phone_chart(at: AppTest) -> dict | None:
    """The read-only chart a phone draws (the stored scene of the step), or None."""
    found = [component_data(e) for e in at.get("bidi_component")
             if (component_data(e) or {}).get("key") == "class_live"]
    return found[0] if found else None


def step_text(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith(("**Step", "Step ")))


def keys(at: AppTest) -> set:
    return {b.key for b in at.button}


def started(at: AppTest) -> tuple[str, str]:
    run(at.button(key="class_start").click())
    owned = at.session_state["class_owned"]
    return owned["code"], owned["secret"]


def test_a_teacher_and_three_students_share_only_the_store(db):
    t = teacher()
    code, secret = started(t)
    assert "Step 1 of 5" in step_text(t) and code in texts(t)
    phones = [student(code, f"browser{i}") for i in range(3)]
    for p in phones:
        assert step_text(p) == "Step 1 of 5"
        chart = phone_chart(p)  # the step's run, stored by the teacher's session
        assert chart and chart["static"]["rate"] == t.session_state["lr"]
        assert len(chart["scene"]["epochs"]) > 10
        assert not p.slider and not [e for e in p.get("bidi_component")
                                     if (component_data(e) or {}).get("key") == "live"]  # no Playground
    run(t.button(key="class_next").click())
    run(t.button(key="class_next").click())
    assert "Step 3 of 5" in step_text(t) and "class_reveal" in keys(t)
    rate = t.session_state["lr"]  # the teacher's page shows the step's view
    presets = [link.proto.label for link in t.get("page_link")]
    assert any(label.split(" · ")[0] == "rate C" for label in presets)  # preset names hidden in a class
    assert not any(label.startswith(("oscillate", "diverge")) for label in presets)
    answers = ["oscillate", "diverge", "oscillate"]
    for p, answer in zip(phones, answers):
        run(p)
        assert step_text(p) == "Step 3 of 5" and p.radio(key="class_answer")
        assert phone_chart(p) is None  # the outcome waits for the reveal
        run(p.radio(key="class_answer").set_value(answer))
        run(p.button(key="class_send").click())
        assert "Answer received" in texts(p)
    with open_store(db) as s:
        view = s.classes.view(code)
    assert view.joined == 3 and view.counts == {"crawl": 0, "converge": 0, "oscillate": 2, "diverge": 1}
    run(t.button(key="class_reveal").click())
    assert "2 of 3" in texts(t)
    for p, answer in zip(phones, answers):
        run(p)
        result = texts(p)
        assert ("Right!" if answer == "oscillate" else "Not quite") in result and "2 of 3" in result
        assert phone_chart(p)["static"]["rate"] == rate


def test_a_reloaded_student_keeps_one_vote_and_a_changed_vote_counts_once(db):
    t = teacher()
    code, secret = started(t)
    for _ in range(2):
        run(t.button(key="class_next").click())
    first = student(code, "same-browser")
    run(first.radio(key="class_answer").set_value("crawl"))
    run(first.button(key="class_send").click())
    for _ in range(3):  # reloads: new sessions, the same browser token
        again = student(code, "same-browser")
        assert again.radio(key="class_answer").value == "crawl"  # my answer is shown back
    run(again.radio(key="class_answer").set_value("diverge"))
    run(again.button(key="class_send").click())
    with open_store(db) as s:
        view = s.classes.view(code)
    assert view.joined == 1 and view.answered == 1 and view.counts["diverge"] == 1


def test_the_teacher_link_takes_over_and_a_wrong_one_does_not(db):
    t = teacher()
    code, secret = started(t)
    run(t.button(key="class_next").click())
    other = teacher({"teach": code, "key": secret})  # another device, or this one after a reload
    assert other.session_state["class_owned"] == {"code": code, "secret": secret}
    assert "Step 2 of 5" in step_text(other) and "teach" not in other.query_params
    run(other.button(key="class_next").click())
    assert "Step 3 of 5" in step_text(other)
    wrong = teacher({"teach": code, "key": "not-the-secret"})
    assert "does not control a class" in texts(wrong) and "class_start" in keys(wrong)


def test_a_student_has_no_teacher_controls(db):
    t = teacher()
    code, _ = started(t)
    p = student(code, "tok")
    assert not keys(p) & {"class_next", "class_prev", "class_reveal", "class_reset", "class_end",
                          "class_pause", "class_start"}


def test_pause_and_the_class_cap(db, monkeypatch):
    monkeypatch.setenv("DESCENT_LAB_CLASS_CAP", "2")
    t = teacher()
    code, secret = started(t)
    for i in range(2):
        student(code, f"in{i}")
    full = student(code, "third")
    assert "This class is full" in texts(full)
    assert student(code, "in0") and "full" not in texts(student(code, "in1"))  # members come back
    run(t.button(key="class_pause").click())
    paused = student(code, "in0")
    assert "Eyes on the screen" in texts(paused) and not paused.radio
    run(t.button(key="class_pause").click())
    assert "Eyes on the screen" not in texts(student(code, "in0"))


def test_a_bad_lesson_link_is_named_and_the_lesson_kept(db):
    t = teacher({lp.PARAM: "not-a-lesson"})
    assert "lesson link is damaged" in texts(t)  # the built-in lesson stays
    run(t.button(key="class_start").click())
    assert "Step 1 of 5" in step_text(t)


def test_an_unknown_code_says_so_without_the_playground(db):
    p = student("ZZZZZZ", "tok")
    assert "There is no class with the code ZZZZZZ" in texts(p) and not p.slider


def test_the_teacher_edits_the_lesson_and_opens_one_from_a_link(db):
    t = teacher()
    run(t.button(key="class_del_0").click())
    run(t.button(key="class_add").click())
    code, _ = started(t)
    assert "**Step 1 of 5** · The largest rate with no zig" in step_text(t)
    view = lp.View("clemson", ("tmax",), "tmax", False, "1.00e-04", 0.5, 1.0, 1000)
    link = lp.to_link(lp.Lesson("Two steps", (lp.Step(view, "Clemson slowly"),
                                             lp.Step(view, "Guess", question=True))))
    other = teacher({lp.PARAM: link})
    assert "The lesson from the link is open" in texts(other)
    run(other.button(key="class_start").click())
    assert "**Step 1 of 2** · Clemson slowly" in step_text(other)
    assert other.session_state["ds"] == "clemson"


def test_an_uploaded_dataset_step_is_drawn_on_phones_without_the_upload(db):
    from conftest import frame_of

    from gd_ui.datasets import Dataset

    upload = Dataset("upload:abc123", "my <station>.csv", frame_of("clemson").iloc[:2000], "F", None, "")
    view = lp.View(upload.key, ("tmax",), "tmax", False, "1.00e-04", 0.5, 1.0, 1000)
    link = lp.to_link(lp.Lesson("Upload", (lp.Step(view, "My own data"),)))
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["present"] = "1"
    at.session_state["data_uploads"] = {upload.key: upload}
    at.session_state["data_active"] = upload.key
    at.query_params[lp.PARAM] = link
    run(at)
    code, _ = started(at)
    phone = student(code, "tok")  # this session has no upload, only the store
    chart = phone_chart(phone)
    assert chart and chart["static"]["rate"] == "1.00e-04" and len(chart["static"]["x"]) > 100
    with open_store(db) as s:
        lesson = s.classes.view(code).lesson
    assert lesson["steps"][0]["dataset"] == "my ‹station›.csv"  # the label, stored as plain text


def test_explore_on_my_own_and_back_to_the_teacher(db):
    t = teacher()
    code, _ = started(t)
    p = student(code, "tok")
    run(p.button(key="class_explore_btn").click())
    assert p.slider and "class_back" in keys(p)  # the Playground, on the step's view
    assert p.session_state["lr"] == t.session_state["lr"]
    run(p.button(key="class_back").click())
    assert step_text(p) == "Step 1 of 5" and not p.slider


def test_a_step_runs_at_a_constant_rate_whatever_schedule_was_set(db):
    t = teacher()
    t.selectbox(key="sched").set_value("cosine")
    run(t)
    started(t)
    assert t.session_state["sched"] == "constant"
