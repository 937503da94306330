"""The lesson model (``gd_ui.lesson_plan``): the built-in lesson from λmax, editing, saving as a file and
a link, and opening a file with each kind of defect (the message names it)."""

from __future__ import annotations

import json

import pytest
from conftest import experiment_of

from gd_ui import lesson_plan as lp
from gd_ui.presets import presets

BASE = lp.View("seattle", ("tmax",), "tmax", False, "1.00e-04", 0.5, 1.0, 10_000)
DATASETS = {"seattle", "clemson"}


@pytest.fixture(scope="module")
def theory():
    return experiment_of("seattle").theory


def test_the_builtin_lesson_walks_the_zones_from_lambda_max(theory):
    lesson = lp.builtin(theory, BASE)
    assert lesson.title == "The learning rate in ten minutes" and len(lesson.steps) == 5
    zones = [theory.zone(float(s.view.lr)) for s in lesson.steps[:4]]
    assert zones == ["crawling", "converging", "oscillating", "diverging"]
    assert [s.question for s in lesson.steps] == [False, False, True, True, False]
    assert lesson.steps[-1].view.page == "lab"
    by_key = {p.key: p for p in presets(theory)}
    assert float(lesson.steps[2].view.lr) * theory.lambda_max == pytest.approx(1.9, rel=1e-3)
    assert lesson.steps[3].view.lr == by_key["diverge"].spelled
    for step in lesson.steps[2:4]:  # a question's title and note never name what will happen
        text = (step.title + step.note).lower()
        assert not any(word in text for word in ("oscillat", "diverg", "zig", "crawl"))


def test_editing_adds_retitles_moves_and_deletes(theory):
    lesson = lp.builtin(theory, BASE)
    grown = lp.add_step(lesson, BASE, "My view", question=True, note="ask")
    assert len(grown.steps) == 6 and grown.steps[-1].view == BASE and grown.steps[-1].question
    assert lp.retitle(grown, 0, "  Slow  ").steps[0].title == "Slow"
    moved = lp.move(grown, 5, -5)
    assert moved.steps[0].title == "My view" and moved.steps[1].title == lesson.steps[0].title
    assert lp.move(grown, 0, -3) == grown  # clamped at the ends
    assert [s.title for s in lp.delete(grown, 0).steps] == [s.title for s in grown.steps[1:]]
    with pytest.raises(lp.LessonError, match="at least one"):
        lp.delete(lp.Lesson("x", (grown.steps[0],)), 0)
    with pytest.raises(lp.LessonError, match="title"):
        lp.retitle(grown, 0, "<script>")
    assert lesson == lp.builtin(theory, BASE)  # the original is untouched


def test_a_lesson_survives_its_file_and_its_link(theory):
    lesson = lp.add_step(lp.builtin(theory, BASE), lp.View("clemson", ("tmax", "tmin"), "tmin", True,
                                                          "2.5e-03", -0.25, -12.5, 500), "Clemson")
    text = lp.to_json(lesson)
    assert json.loads(text)["version"] == lp.VERSION
    assert lp.from_json(text, DATASETS) == lesson
    link = lp.to_link(lesson)
    assert len(link) < 1500 and all(c.isalnum() or c in "-_" for c in link)
    assert lp.from_link(link, DATASETS) == lesson


def saved(theory, change) -> str:
    data = lp.to_dict(lp.builtin(theory, BASE))
    change(data)
    return json.dumps(data)


def _set(path, value):
    def change(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return change


@pytest.mark.parametrize("change, named", [
    (_set(("colour",), "red"), "unknown field 'colour'"),
    (_set(("steps", 1, "speed"), 2), "Step 2 has an unknown field 'speed'"),
    (_set(("steps", 0, "view", "momentum"), 0.9), "Step 1's view has an unknown field 'momentum'"),
    (_set(("version",), 2), "version 2"),
    (_set(("version",), "1"), "version '1'"),
    (_set(("steps", 2, "view", "dataset"), "upload-abc"), "Step 3 uses the dataset 'upload-abc'"),
    (_set(("steps", 0, "view", "lr"), "-1"), "'lr' is out of range"),
    (_set(("steps", 0, "view", "lr"), "fast"), "'lr' is out of range"),
    (_set(("steps", 1, "view", "w0"), 7.5), "Step 2: 'w0' is out of range"),
    (_set(("steps", 1, "view", "b0"), float("inf")), "'b0' is out of range"),
    (_set(("steps", 4, "view", "epochs"), 12_345), "Step 5: 'epochs' is 12345"),
    (_set(("steps", 4, "view", "page"), "landscape"), "'page' must be one of"),
    (_set(("steps", 0, "view", "predictors"), ["snow"]), "'predictors'"),
    (_set(("steps", 0, "view", "shown"), "tmin"), "'shown'"),
    (_set(("steps", 0, "question"), "yes"), "'question' must be true or false"),
    (_set(("steps", 0, "title"), ""), "step 1's title"),
    (_set(("steps",), []), "1 to 40 steps"),
    (lambda d: d["steps"][0].pop("view"), "lacks the field 'view'"),
])
def test_each_defect_is_named(theory, change, named):
    with pytest.raises(lp.LessonError, match=named.replace("(", r"\(")):
        lp.from_json(saved(theory, change), DATASETS)


@pytest.mark.parametrize("text", ["", "not json", "[1, 2]", "{\"version\": 1}", b"\xff\xfe"])
def test_what_is_not_a_lesson_file_says_so(text):
    with pytest.raises(lp.LessonError):
        lp.from_json(text, DATASETS)


@pytest.mark.parametrize("link", ["", "!!!", "a" * 7000, "eJzLSM3JyVcozy/KSQEAGgQEXQ"])
def test_a_damaged_link_says_so(link):
    with pytest.raises(lp.LessonError):
        lp.from_link(link, DATASETS)
