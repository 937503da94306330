"""The step-through lesson's arithmetic: the worked example and one epoch against the core's loop."""

from __future__ import annotations

import numpy as np
import pytest

from gd_core.data import make_problem
from gd_core.descent import gradient_descent
from gd_core.experiment import Experiment
from gd_core.model import init_tutorial
from gd_ui import lesson
from gd_ui.datasets import read_bundled


def last_line(tex: str) -> str:
    """The value line of an equation, stacked over several lines or not: ``= 179.33``."""
    return tex.removesuffix("\\end{aligned}").split("\\\\ &")[-1].strip()


def test_the_tutorials_worked_example():
    ex = lesson.WorkedExample()  # tmax 80, w 1, b 11.99, actual 81, η 5e-5
    assert ex.prediction == pytest.approx(91.99)
    assert ex.loss == pytest.approx(120.7801)  # the squared error of one day
    assert ex.gradient == pytest.approx(21.98)  # 2·(ŷ − y): the explanation's factor 2
    w_raw, _ = ex.updated(1.0)
    assert w_raw == pytest.approx(1 - 21.98 * 80)  # ≈ −1757: the step without a learning rate overshoots
    w_new, b_new = ex.updated(5e-5)
    assert w_new == pytest.approx(0.91208)
    assert ex.loss_at(w_new, b_new) < ex.loss < ex.loss_at(*ex.updated(1.0))


def test_worked_equations_carry_the_live_numbers():
    eq = lesson.worked_equations(lesson.WorkedExample())
    text = " ".join(line for lines in eq.values() for line in lines)
    for number in ("91.99", "120.78", "21.98", "1758.4", "-1757.4", "0.91208", "5 \\times 10^{-5}"):
        assert number in text, number
    # The factor 2 absorbed by the learning rate: η·2(ŷ−y) = (2η)·(ŷ−y), both sides the same step.
    assert "1 \\times 10^{-4} \\times 10.99" in " ".join(eq["factor"])
    assert eq["factor"][1].endswith("= 0.001099")


def test_edited_values_flow_through_every_number():
    ex = lesson.WorkedExample(x=70, w=0.5, b=3, y=40, lr=1e-4)
    eq = lesson.worked_equations(ex)
    assert eq["prediction"][0].endswith("= 38")
    assert last_line(eq["loss"][0]).endswith("= 4")  # (38 − 40)² = 4
    assert eq["gradient"][0].endswith("= -4")
    say = lesson.worked_verdicts(ex)
    assert "drops from 4 to" in say["with_rate"]
    assert "2.00e-04" in say["factor"]  # the implementation's equivalent rate is 2η


def test_verdicts_follow_the_numbers_when_the_update_does_not_help():
    ex = lesson.WorkedExample(x=1, w=0, b=0, y=0.5, lr=2.0)  # η = 2 jumps w and b to 2: ŷ = 4
    say = lesson.worked_verdicts(ex)
    assert "the loss rises from 0.25 to 12.25" in say["with_rate"]
    assert "does not overshoot" in lesson.worked_verdicts(lesson.WorkedExample(x=0.1, w=0, b=0, y=0))[
        "no_rate"]


@pytest.mark.parametrize("value, text", [
    (120.7801, "120.78"), (-1757.4, "-1757.4"), (0.9120800001, "0.91208"),
    (1.9792e10, "1.9792 \\times 10^{10}"), (-0.0, "0"), (float("inf"), "\\infty")])
def test_tex_numbers(value, text):
    assert lesson.tex(value) == text


def test_tex_rate_and_terms():
    assert lesson.tex_rate(5e-5) == "5 \\times 10^{-5}"
    assert lesson.tex_rate(2.4e-3) == "2.4 \\times 10^{-3}"
    assert lesson.tex_term(-3.5) == "(-3.5)" and lesson.tex_term(2) == "2"


def test_next_and_back_walk_one_sequence():
    day, epochs = lesson.PARTS
    assert lesson.next_position(day, 7) == (epochs, 0)
    assert lesson.next_position(epochs, 0) == (epochs, 1)
    assert lesson.next_position(epochs, lesson.MAX_EPOCH) == (epochs, lesson.MAX_EPOCH)
    assert lesson.previous_position(epochs, 3) == (epochs, 2)
    assert lesson.previous_position(epochs, 0) == (day, 0)
    assert lesson.previous_position(day, 0) == (day, 0)


@pytest.fixture(scope="module")
def seattle_two():
    p = make_problem(read_bundled("seattle"), ["tmax", "tmin"], "tmax_tomorrow")
    w, b = init_tutorial(2)
    return p, w, b


@pytest.mark.parametrize("epoch", [0, 1, 2, 5])
def test_one_epoch_is_exactly_the_cores_loop(seattle_two, epoch):
    """State k from the runner, then the lesson's epoch: loss, gradient and update equal (not just
    close to) the runner's record of epoch k and its parameters at epoch k + 1."""
    p, w0, b0 = seattle_two
    lr = 1e-4
    runner = gradient_descent(p.train.x, p.train.y, w0, b0, lr=lr, epochs=epoch + 1, max_points=epoch + 2)
    assert list(runner.epochs) == list(range(epoch + 2))
    step = lesson.epoch_step(p.train.x, p.train.y, runner.weights[epoch], runner.bias[epoch], lr=lr,
                             epoch=epoch)
    assert step.loss == runner.train_loss[epoch]
    assert np.array_equal(step.grad_w, runner.grad_w[epoch])
    assert step.grad_b == runner.grad_b[epoch]
    assert np.array_equal(step.w_next, runner.weights[epoch + 1])
    assert step.b_next == runner.bias[epoch + 1]
    # The gradient is Xᵀ·error/n and the mean error; the errors are ŷ − y of the forward pass.
    np.testing.assert_allclose(step.grad_w, p.train.x.T @ step.errors / len(p.train.y), rtol=1e-12)
    np.testing.assert_allclose(step.errors, p.train.x @ step.w + step.b - p.train.y, rtol=1e-12)


def test_forward_rows_and_epoch_equations(seattle_two):
    p, w0, b0 = seattle_two
    step = lesson.epoch_step(p.train.x, p.train.y, w0, b0, lr=1e-4, epoch=0)
    rows = lesson.forward_rows(step, p.train.x, p.train.y, p.train.dates, p.predictors)
    assert list(rows.columns) == ["tmax", "tmin", "ŷ = x·w + b", "y (actual)", "ŷ − y"]
    assert len(rows) == lesson.ROWS_SHOWN and rows.index[0] == "2012-01-01"
    assert float(rows.iloc[0]["ŷ − y"]) == pytest.approx(step.errors[0], rel=1e-4)
    eq = lesson.epoch_equations(step)
    assert last_line(eq["loss"][0]).endswith(f"= {lesson.tex(step.loss)}")
    assert "X^{\\top}" in eq["gradient"][0]  # several weights: the vector form first
    assert len(eq["gradient"]) == 1 + 2 + 1 and len(eq["update"]) == 2 + 1
    assert last_line(eq["update"][-1]).endswith(f"= {lesson.tex(step.b_next)}")


def test_standardised_problem_runs_in_model_space():
    exp = Experiment.build(make_problem(read_bundled("seattle"), ["tmax"], "tmax_tomorrow"), standardize=True)
    x, y = exp.model_problem.train.x, exp.model_problem.train.y
    step = lesson.epoch_step(x, y, [0.0], 0.0, lr=1.0, epoch=0)
    # One standardised predictor: H = I, so η = 1 lands on the optimum in one step.
    np.testing.assert_allclose(np.append(step.w_next, step.b_next), exp.quadratic.optimum, rtol=1e-9)
