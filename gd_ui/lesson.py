"""The step-through lesson's arithmetic: the tutorial's worked example and one full-batch epoch.

Pure functions (numpy/pandas, no Streamlit). The page only lays out what these return; every
equation string is built here from numbers formatted here, so ``st.latex`` never sees user text.

Two conventions meet in this lesson, as they do in the tutorial:

* step 1 follows the tutorial's *explanation*: the loss of one day is the squared error
  ``(ŷ - y)²`` and its gradient carries the factor 2, ``2(ŷ - y)``;
* step 2 follows its *implementation* (and ``gd_core``): the gradient is ``ŷ - y``, the derivative of
  *half* the squared error. The factor is absorbed by the learning rate: ``η·2(ŷ - y) = (2η)·(ŷ - y)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from gd_core.model import backward, forward, mse, mse_grad, param_grads
from gd_ui.formats import sci
from gd_ui.formats import sig as num

PARTS = ("one day", "epochs")  # step 1: the explanation's worked example; step 2: the code's epochs
MAX_EPOCH = 1_000  # the literal loop reruns from epoch 0 on every click: keep it instant
# The worked example's editable numbers (x, w, b, y, η), typed in or linked: wide enough for any weather
# (°F or °C) and any rate worth trying, narrow enough that every formula stays finite and readable.
WORKED_BOUNDS = {"x": (-200.0, 200.0), "w": (-100.0, 100.0), "b": (-1000.0, 1000.0), "y": (-200.0, 200.0),
                 "lr": (0.0, 1.0)}
ROWS_SHOWN = 5


# --- numbers as text and as LaTeX --------------------------------------------------------------------

def tex(value: float, digits: int = 5) -> str:
    """A number for ``st.latex``: :func:`num` with e-notation written as ``× 10^{k}``."""
    text = num(value, digits)
    if text in ("inf", "-inf", "nan"):
        return {"inf": "\\infty", "-inf": "-\\infty", "nan": "\\text{nan}"}[text]
    if "e" in text:
        mantissa, exponent = text.split("e")
        return f"{mantissa} \\times 10^{{{int(exponent)}}}"
    return text


def stacked(head: str, *rest: str) -> str:
    """One equation over several lines, aligned on its relation (``head`` holds the ``&``): each line
    fits half a projector screen, so nothing scrolls sideways."""
    return "\\begin{aligned}" + " \\\\ ".join([head, *(f"&= {r}" for r in rest)]) + "\\end{aligned}"


def tex_rate(value: float) -> str:
    """A learning rate for ``st.latex`` in scientific notation: ``5 \\times 10^{-5}``."""
    mantissa, exponent = f"{value:.3e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa} \\times 10^{{{int(exponent)}}}"


def tex_term(value: float, digits: int = 5) -> str:
    """A number that follows an operator: negatives in brackets, ``1 − (−3)``."""
    text = tex(value, digits)
    return f"({text})" if text.startswith("-") else text


# --- step 1: the worked example -----------------------------------------------------------------------

@dataclass(frozen=True)
class WorkedExample:
    """One day's prediction and one update, as the tutorial's explanation writes them.

    ``x``: today's tmax; ``w``, ``b``: the weight and bias; ``y``: tomorrow's actual tmax; ``lr``: η.
    The loss is the squared error of this one day and its gradient carries the factor 2.
    """

    x: float = 80.0
    w: float = 1.0
    b: float = 11.99
    y: float = 81.0
    lr: float = 5e-5

    @property
    def prediction(self) -> float:
        return self.w * self.x + self.b  # ŷ = w·x + b

    @property
    def error(self) -> float:
        return self.prediction - self.y  # ŷ − y

    @property
    def loss(self) -> float:
        return self.error ** 2  # L = (ŷ − y)²

    @property
    def gradient(self) -> float:
        return 2 * self.error  # dL/dŷ = 2(ŷ − y): the explanation's factor 2

    @property
    def grad_w(self) -> float:
        return self.gradient * self.x  # ∂L/∂w = dL/dŷ · x

    @property
    def grad_b(self) -> float:
        return self.gradient  # ∂L/∂b = dL/dŷ · 1

    def updated(self, lr: float) -> tuple[float, float]:
        """(w, b) after one step of size ``lr``."""
        return self.w - lr * self.grad_w, self.b - lr * self.grad_b

    def loss_at(self, w: float, b: float) -> float:
        return (w * self.x + b - self.y) ** 2

    @property
    def half_gradient(self) -> float:
        """The implementation's gradient, ŷ − y: the derivative of half the squared error."""
        return self.error

    @property
    def implementation_lr(self) -> float:
        """The rate that makes the implementation's step equal to this one: 2η."""
        return 2 * self.lr


def worked_equations(ex: WorkedExample) -> dict[str, list[str]]:
    """The worked example's equations with the live numbers substituted: one list of lines per stage
    (one statement per line, so each fits half a projector screen)."""
    w1, b1 = ex.updated(1.0)
    w2, b2 = ex.updated(ex.lr)
    t, term, r = tex, tex_term, tex_rate
    return {
        "prediction": [f"\\hat y = w\\,x + b = {t(ex.w)} \\times {term(ex.x)} + {term(ex.b)} "
                       f"= {t(ex.prediction)}"],
        "loss": [f"L = (\\hat y - y)^2 = ({t(ex.prediction)} - {term(ex.y)})^2 = {t(ex.loss)}"],
        "gradient": [f"\\frac{{dL}}{{d\\hat y}} = 2\\,(\\hat y - y) = 2 \\times {term(ex.error)} "
                     f"= {t(ex.gradient)}",
                     f"\\frac{{\\partial L}}{{\\partial w}} = \\frac{{dL}}{{d\\hat y}}\\,x = "
                     f"{t(ex.gradient)} \\times {term(ex.x)} = {t(ex.grad_w)}",
                     f"\\frac{{\\partial L}}{{\\partial b}} = \\frac{{dL}}{{d\\hat y}} = {t(ex.grad_b)}"],
        "no_rate": [stacked("w &\\leftarrow w - \\frac{\\partial L}{\\partial w}",
                            f"{t(ex.w)} - {term(ex.gradient)} \\times {term(ex.x)}", t(w1)),
                    stacked("b &\\leftarrow b - \\frac{\\partial L}{\\partial b}",
                            f"{t(ex.b)} - {term(ex.grad_b)}", t(b1)),
                    f"\\hat y = {t(w1 * ex.x + b1)} \\qquad L = {t(ex.loss_at(w1, b1))}"],
        "with_rate": [stacked("w &\\leftarrow w - \\eta\\,\\frac{\\partial L}{\\partial w}",
                              f"{t(ex.w)} - {r(ex.lr)} \\times {term(ex.grad_w)}", t(w2)),
                      stacked("b &\\leftarrow b - \\eta\\,\\frac{\\partial L}{\\partial b}",
                              f"{t(ex.b)} - {r(ex.lr)} \\times {term(ex.grad_b)}", t(b2)),
                      f"\\hat y = {t(w2 * ex.x + b2)} \\qquad L = {t(ex.loss_at(w2, b2))}"],
        "factor": ["\\eta \\cdot 2(\\hat y - y) = (2\\eta)\\cdot(\\hat y - y)",
                   f"{r(ex.lr)} \\times {term(ex.gradient)} = {r(ex.implementation_lr)} \\times "
                   f"{term(ex.half_gradient)} = {t(ex.lr * ex.gradient)}"],
    }


def worked_verdicts(ex: WorkedExample) -> dict[str, str]:
    """Plain sentences about the two updates, decided by the numbers (they follow edited values)."""
    w1, b1 = ex.updated(1.0)
    w2, b2 = ex.updated(ex.lr)
    before, raw, stepped = ex.loss, ex.loss_at(w1, b1), ex.loss_at(w2, b2)

    def change(after: float) -> str:
        if after < before:
            return f"the loss drops from {num(before)} to {num(after)}"
        if after > before:
            return f"the loss rises from {num(before)} to {num(after)}"
        return f"the loss stays at {num(before)}"

    raw_word = "overshoots" if raw > before else "does not overshoot here"
    return {
        "no_rate": f"Without a learning rate the step {raw_word}: w jumps from {num(ex.w)} to {num(w1)} "
                   f"and {change(raw)}.",
        "with_rate": f"With learning rate {sci(ex.lr, 3)} the weight moves from {num(ex.w)} to {num(w2)} "
                     f"and {change(stepped)}.",
        "factor": f"The next step uses the tutorial's code, whose gradient is ŷ − y = {num(ex.error)} "
                  f"(the derivative of half the squared error): learning rate {sci(ex.implementation_lr, 3)} "
                  f"there takes exactly this step.",
    }


# --- step 2: full-batch epochs, as the tutorial's loop does them --------------------------------------

def next_position(part: str, epoch: int) -> tuple[str, int]:
    """Where "Next" goes: from the worked example to epoch 0, then one epoch at a time."""
    if part != PARTS[1]:
        return PARTS[1], 0
    return PARTS[1], min(epoch + 1, MAX_EPOCH)


def previous_position(part: str, epoch: int) -> tuple[str, int]:
    """Where "Back" goes: one epoch back, and from epoch 0 to the worked example."""
    if part == PARTS[1] and epoch > 0:
        return PARTS[1], epoch - 1
    return PARTS[0], 0


@dataclass(frozen=True)
class EpochStep:
    """One epoch of the tutorial's loop on the full batch, with every intermediate value.

    ``w`` (d,), ``b``: the parameters the epoch starts from; ``predictions``, ``errors`` (n,);
    ``loss``: MSE; ``grad_w`` (d,) = Xᵀ·error/n and ``grad_b`` = mean(error): the half-MSE gradient;
    ``w_next``, ``b_next``: the parameters after the update.
    """

    epoch: int
    w: np.ndarray
    b: float
    lr: float
    predictions: np.ndarray
    errors: np.ndarray
    loss: float
    grad_w: np.ndarray
    grad_b: float
    w_next: np.ndarray
    b_next: float


def epoch_step(x: np.ndarray, y: np.ndarray, w, b: float, *, lr: float, epoch: int) -> EpochStep:
    """One pass of the loop in ``gd_core.descent.gradient_descent``, keeping what it computes."""
    w = np.asarray(w, dtype=float)
    b = float(b)
    with np.errstate(all="ignore"):  # a diverging run is reported by the page, never warned about
        predictions = forward(x, w, b)
        loss = mse(y, predictions)
        errors = mse_grad(y, predictions)
        grad_w, grad_b = param_grads(x, errors)
        w_next, b_next = backward(x, errors, w, b, lr)
    return EpochStep(epoch, w, b, float(lr), predictions, errors, loss, grad_w, grad_b, w_next,
                     float(b_next))


def forward_rows(step: EpochStep, x: np.ndarray, y: np.ndarray, dates, predictors,
                 rows: int = ROWS_SHOWN) -> pd.DataFrame:
    """The first ``rows`` training days of the forward pass, as text: x, ŷ = x·w + b, y, ŷ − y."""
    k = min(rows, len(y))
    table = {name: x[:k, j] for j, name in enumerate(predictors)}
    table.update({"ŷ = x·w + b": step.predictions[:k], "y (actual)": y[:k], "ŷ − y": step.errors[:k]})
    index = [str(pd.Timestamp(d).date()) for d in dates[:k]] if dates is not None else None
    frame = pd.DataFrame(table, index=index)
    frame.index.name = "day"
    return frame.map(num)


def epoch_equations(step: EpochStep) -> dict[str, list[str]]:
    """The epoch's loss, gradient (Xᵀ·error/n and mean error) and update with the live numbers.

    Weights are numbered w₁ … w_d in the order of the model's predictors (names stay out of LaTeX).
    """
    t, term = tex, tex_term
    d = len(step.w)

    def sub(j: int) -> str:
        return f"_{{{j + 1}}}" if d > 1 else ""

    def x_of(j: int) -> str:
        return f"x_{{{j + 1},i}}" if d > 1 else "x_i"

    loss = [stacked("L &= \\frac{1}{n} \\sum_{i=1}^{n} (\\hat y_i - y_i)^2", t(step.loss))]
    grads = ["\\nabla_w J = \\tfrac{1}{n}\\,X^{\\top}(\\hat y - y)"] if d > 1 else []
    grads += [stacked(f"\\frac{{\\partial J}}{{\\partial w{sub(j)}}} &= \\frac{{1}}{{n}} \\sum_i {x_of(j)}\\,"
                      "(\\hat y_i - y_i)", t(step.grad_w[j])) for j in range(d)]
    grads.append(stacked("\\frac{\\partial J}{\\partial b} &= \\frac{1}{n} \\sum_i (\\hat y_i - y_i)",
                         t(step.grad_b)))
    updates = [stacked(f"w{sub(j)} &\\leftarrow w{sub(j)} - "
                       f"\\eta\\,\\frac{{\\partial J}}{{\\partial w{sub(j)}}}",
                       f"{t(step.w[j])} - {tex_rate(step.lr)} \\times {term(step.grad_w[j])}",
                       t(step.w_next[j])) for j in range(d)]
    updates.append(stacked("b &\\leftarrow b - \\eta\\,\\frac{\\partial J}{\\partial b}",
                           f"{t(step.b)} - {tex_rate(step.lr)} \\times {term(step.grad_b)}", t(step.b_next)))
    return {"loss": loss, "gradient": grads, "update": updates}
