"""AppTest: the classroom features — the step-through lesson, presenter mode, presets, predict then
reveal, and the export buttons — end to end on the server side."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs

import numpy as np
import pytest
from conftest import experiment_of, live, plain, specs, status_box
from streamlit.testing.v1 import AppTest

from gd_core.descent import gradient_descent
from gd_ui import lesson
from gd_ui.datasets import BUNDLED_BY_KEY
from gd_ui.state import DEFAULT_B0, DEFAULT_W0
from gd_ui.widgets import presenter

APP = str(Path(__file__).resolve().parents[1] / "app.py")
LESSON = "pages/Step_Through.py"


def last_line(tex: str) -> str:
    """The value line of an equation, stacked over several lines or not: ``= 179.33``."""
    return tex.removesuffix("\\end{aligned}").split("\\\\ &")[-1].strip()


def fresh(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def lesson_page(**params) -> AppTest:
    at = fresh(**params)
    at.switch_page(LESSON).run()
    assert not at.exception
    return at


def latex(at: AppTest) -> list[str]:
    return [e.value.strip("$\n") for e in at.get("latex")]


def spec(at: AppTest, key: str) -> dict:
    charts = [c for c in at.get("plotly_chart") if c.proto.id.endswith(key)]
    return json.loads(charts[0].proto.spec) if charts else plain(at, key)["figure"]


def texts(at: AppTest) -> str:
    return " ".join(e.value for kind in (at.success, at.info, at.warning, at.error, at.caption) for e in kind)


@pytest.fixture(scope="module")
def seattle():
    return experiment_of("seattle")


# --- the lesson, step 1 --------------------------------------------------------------------------------

def test_lesson_shows_the_tutorials_worked_example():
    at = lesson_page()
    assert at.radio(key="step_part").value == "one day"
    shown = " ".join(latex(at))
    assert "= 91.99" in shown and "= 120.78" in shown and "= 21.98" in shown
    assert "= -1757.4" in shown  # the update without a learning rate overshoots
    assert "= 0.91208" in shown  # ≈ 0.912 with learning rate 5e-5
    words = texts(at)
    assert "the loss drops from 120.78 to" in words and "overshoots" in words
    assert not at.error  # the overshoot is the lesson's point, not an error
    point = next(i.value for i in at.info if "overshoots" in i.value)
    assert point.startswith("**The point of this step:** Without a learning rate the step overshoots")
    page = " ".join(m.value for m in at.markdown)
    assert "factor 2" in page and "half" in page and "absorbed by the learning rate" in page
    assert any("(2\\eta)" in line for line in latex(at))


def test_lesson_follows_edited_values():
    at = lesson_page()
    at.number_input(key="step_w").set_value(0.9).run()
    shown = " ".join(latex(at))
    assert "= 83.99" in shown and "= 8.9401" in shown and "= 5.98" in shown  # ŷ, (ŷ − y)², 2(ŷ − y)
    assert "120.78" not in shown
    at.number_input(key="step_lr").set_value(1e-4).run()
    w_new = 0.9 - 1e-4 * 5.98 * 80
    assert f"= {lesson.tex(w_new)}" in " ".join(latex(at))
    assert "2.00e-04" in texts(at)  # the implementation's equivalent rate follows η too


def test_worked_example_from_a_link():
    at = lesson_page(step_x="70", step_y="72")
    assert at.number_input(key="step_x").value == 70
    assert "= 81.99" in " ".join(latex(at))  # 1·70 + 11.99


# --- the lesson, step 2: full-batch epochs against the core's runner -----------------------------------

def test_next_and_back_step_through_epochs_matching_the_runner(seattle):
    at = lesson_page()
    lr = float(at.select_slider(key="lr").value)
    x, y = seattle.problem.train.x, seattle.problem.train.y
    runner = gradient_descent(x, y, np.array([DEFAULT_W0]), DEFAULT_B0, lr=lr, epochs=4, max_points=5)

    def check(k: int) -> None:
        assert at.radio(key="step_part").value == "epochs"
        assert at.number_input(key="step_epoch").value == k
        lines = latex(at)
        loss, grad_w, grad_b, upd_w, upd_b = lines
        assert last_line(loss).endswith(f"= {lesson.tex(runner.train_loss[k])}")
        assert last_line(grad_w).endswith(f"= {lesson.tex(runner.grad_w[k, 0])}")
        assert last_line(grad_b).endswith(f"= {lesson.tex(runner.grad_b[k])}")
        assert last_line(upd_w).endswith(f"= {lesson.tex(runner.weights[k + 1, 0])}")  # it lands on k + 1
        assert last_line(upd_b).endswith(f"= {lesson.tex(runner.bias[k + 1])}")
        assert f"{lesson.tex(runner.weights[k, 0])} -" in upd_w  # …from epoch k's weight
        first = at.table[0].value.iloc[0]
        assert float(first["ŷ = x·w + b"]) == pytest.approx(x[0, 0] * runner.weights[k, 0] + runner.bias[k],
                                                           rel=1e-4)
        chart = live(at, "step_live")  # the chart walks the same epochs, drawn as the server computed them
        assert chart["scene"]["epochs"] == list(range(k + 1))
        assert chart["scene"]["w"][-1] == pytest.approx(runner.weights[k, 0], rel=1e-9)

    at.button(key="step_next").click().run()
    check(0)
    for k in (1, 2, 3):
        at.button(key="step_next").click().run()
        check(k)
    at.button(key="step_back").click().run()
    check(2)
    for _ in range(3):
        at.button(key="step_back").click().run()
    assert at.radio(key="step_part").value == "one day"


def test_epoch_from_a_link_and_divergence_is_reported(seattle):
    at = lesson_page(step_part="epochs", step_epoch="200")
    lr = at.select_slider(key="lr")  # the shared sidebar, on the lesson page
    lr.set_value(next(o for o in lr.options if float(o) * seattle.theory.lambda_max > 3)).run()
    assert at.number_input(key="step_epoch").value == 200
    assert at.error and "diverged at epoch" in at.error[0].value
    shown = int(at.error[0].value.split("last finite epoch, ")[1].split(".")[0].replace(",", ""))
    assert at.get("subheader")[0].value == f"Epoch {shown:,}" and shown < 200


def test_lesson_uses_several_predictors_and_standardised_features():
    at = lesson_page(step_part="epochs", step_epoch="2")
    at.multiselect(key="pred").set_value(["tmax", "tmin"]).run()
    at.toggle(key="std").set_value(True).run()
    lines = latex(at)
    assert any("X^{\\top}" in line for line in lines)  # Xᵀ·error/n
    assert sum(line.startswith("\\begin{aligned}w_{") for line in lines) == 2
    assert "standardised" in texts(at)


# --- presenter mode ------------------------------------------------------------------------------------

def test_presenter_flag_changes_the_layout():
    normal, stage = fresh(), fresh(present="1")
    assert not stage.exception
    assert normal.header and not stage.header
    css = [m.value for m in stage.markdown if m.value.startswith("<style>")]
    assert any('section[data-testid="stSidebar"]' in c and "display: none" in c for c in css)
    assert not any("stSidebar" in m.value for m in normal.markdown)
    assert any(b.proto.id.endswith("present_enter") for b in normal.sidebar.button)
    assert not any(b.proto.id.endswith("present_enter") for b in stage.button)
    links = {p.proto.label: p.proto for p in stage.get("page_link") if p.proto.query_string}
    lesson_link = links["Step through the lesson"]
    assert parse_qs(lesson_link.query_string) == {"present": ["1"]}
    assert "Your data" not in links  # presenter mode offers the classroom pages
    assert any(b.proto.id.endswith("present_exit") for b in stage.button)
    big, small = live(stage), live(normal)
    assert big["presenter"] and not small["presenter"]  # larger type in the chart
    assert big["fill"] and not small["fill"]  # the chart takes the height the window leaves


def test_presenter_mode_stays_on_across_pages_and_can_be_left():
    at = fresh(present="1")
    at.switch_page(LESSON).run()
    assert not at.header and any("<style>" in m.value for m in at.markdown)
    at.button(key="present_exit").click().run()
    assert not at.session_state[presenter.STATE]
    assert at.header


# --- presets -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("params", [{}, {"std": "true"}, {"pred": ["tmax", "tmin"]},
                                    {"ds": BUNDLED_BY_KEY["clemson"].label}],
                         ids=["seattle", "standardised", "two-predictors", "clemson"])
def test_preset_links_open_runs_in_the_zones_they_claim(params):
    at = fresh(**params)
    links = [p.proto for p in at.get("page_link") if "lr=" in p.proto.query_string]
    names = [link.label.split(" · ")[0] for link in links]
    assert set(names) <= {"crawl", "just right", "fastest", "oscillate", "diverge"} and len(names) >= 4
    rates = [float(parse_qs(link.query_string)["lr"][0]) for link in links]
    assert rates == sorted(rates)  # in rate order
    for link in links:
        query = parse_qs(link.query_string)
        target = fresh(**{k: v if len(v) > 1 else v[0] for k, v in query.items()})
        assert not target.exception
        assert target.selectbox(key="ds").value == ("clemson" if "ds" in params else "seattle")
        assert target.select_slider(key="epochs").value == 10_000
        assert target.select_slider(key="lr").value == query["lr"][0]  # the exact rate, as spelled
        side = " ".join(m.value for m in target.sidebar.markdown)
        zone = side.split("-badge[**")[1].split("**")[0]  # the sidebar's zone, from the core's theory
        claim = link.help
        if link.label.startswith("crawl"):
            assert zone == "crawling"
        elif link.label.startswith("oscillate"):
            assert zone == "oscillating"
        elif link.label.startswith("diverge"):
            assert zone == "diverging" and status_box(target)["kind"] == "diverged"
        elif link.label.startswith("just right"):
            assert zone == "converging" and "no zig-zag" in claim and status_box(target)["kind"] != "diverged"
        else:
            assert zone in ("converging", "oscillating") and "optimal" in claim
            assert "fastest" in claim
            assert (zone == "oscillating") == ("between 1 and 2" in claim)
            assert status_box(target)["kind"] != "diverged"
        assert f"Preset “{link.label.split(' · ')[0]}”" in texts(target)


# --- predict, then reveal ------------------------------------------------------------------------------

def test_predict_then_reveal():
    at = fresh(predict="true")
    assert not specs(at) and not live(at) and not status_box(at)  # nothing gives it away
    labels = [p.proto.label for p in at.get("page_link") if "lr=" in p.proto.query_string]
    assert all(label.startswith("rate ") for label in labels)  # presets named neutrally while asking
    assert at.button(key="play_reveal").disabled
    at.radio(key="play_guess").set_value("diverge").run()
    at.button(key="play_reveal").click().run()
    box = status_box(at)
    assert box["verdict"].startswith("Not quite: you said “diverge”; it converges. A good step size")
    assert "converging" in box["numbers"]  # the reveal's numbers behind "Why, in numbers"
    assert live(at) and len(specs(at)) == 1  # the live chart and the loss per epoch
    # A new rate is a new question.
    lr = at.select_slider(key="lr")
    lr.set_value(lr.options[-1]).run()
    assert not live(at) and at.radio(key="play_guess").value is None
    at.radio(key="play_guess").set_value("diverge").run()
    at.button(key="play_reveal").click().run()
    assert status_box(at)["verdict"].startswith("Right: you said “diverge”. Too big a step")


# --- exports and accessibility -------------------------------------------------------------------------

def test_export_buttons_and_chart_summaries():
    at = fresh()
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Trajectory (CSV)", "Fit (JSON)", "Animation (HTML)", "Notebook + script (.zip)"]
    assert all(b.proto.deferred_file_id for b in at.get("download_button"))  # built only when clicked
    summaries = [c.value for c in at.caption if c.value.startswith("Chart summary:")]
    assert len(summaries) == len(specs(at)) == 1  # the loss chart's; the live chart
    assert live(at)["summary"].startswith("Chart summary:")  # carries its own, as its description
