"""The text and code of an exported run, step by step (see ``gd_core.takeaway``).

Every code cell repeats ``gd_core``'s arithmetic in the same order (``model.py``'s forward, MSE, gradient
and update; ``data.py``'s gap filling, calendar-day target and 70/15/15 split; ``scaling.py``'s
standardisation; ``descent.py``'s divergence stop), so the exported loop reproduces the app's numbers.
Values are written with ``repr`` (exact floats, safely quoted names); names from a file appear in the
text only as inline code with backticks and line breaks removed.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from gd_core.descent import DIVERGENCE_FACTOR
from gd_core.schedules import Schedule
from gd_core.takeaway_plots import plot_code

LIMIT_TEXT = f"{DIVERGENCE_FACTOR:.0e}".replace("e+", "e")  # 1e12
FILL_CODE = {
    "ffill": ("data = data.ffill()  # forward-fill: a missing value takes the previous day's",
              "A missing value takes the previous day's (forward-fill, as the tutorial does)."),
    "drop": ("data = data.dropna()  # drop every day with a missing value",
             "Every day with a missing value in these columns is dropped."),
    "interpolate": ('data = data.interpolate(method="time", limit_area="inside")  # linear in time',
                    "A missing value is interpolated linearly in time between its neighbours."),
}


@dataclass(frozen=True)
class Step:
    text: str  # markdown (the script turns it into comments)
    code: str = ""
    show: str = ""  # a last expression the notebook displays (the script leaves it out)


def code(name) -> str:
    """A column name from a file, as inline code: one line, no backticks."""
    return "`" + " ".join(str(name).split()).replace("`", "'") + "`"


def names(items) -> str:
    """``a``, ``a and b``, ``a, b and c`` as inline code."""
    said = [code(i) for i in items]
    return said[0] if len(said) == 1 else ", ".join(said[:-1]) + " and " + said[-1]


def units_text(units: dict) -> str:
    """``temperature in °C, rain in mm`` from the dataset's units (``C``/``F``, ``mm``/``in``)."""
    words = {"C": "°C", "F": "°F", "mm": "mm", "in": "inches"}
    parts = [f"{kind} in {words.get(units[kind], units[kind])}" for kind in ("temperature", "rain")
             if units.get(kind)]
    return ", ".join(parts) or "as in the original file"


def g(value: float) -> str:
    return f"{value:.6g}"


def steps(prep, *, script: bool = False) -> list[Step]:
    """The notebook's steps for a prepared view (``gd_core.takeaway.Prepared``)."""
    return [intro(prep), settings(prep), load(prep), target(prep), split(prep), features(prep),
            Step(MODEL_TEXT, MODEL_CODE), loop(prep), numbers(prep), plots(prep, script),
            Step(RESULT_TEXT, RESULT_CODE)]


def intro(prep) -> Step:
    v, th, h = prep.view, prep.exp.theory, prep.history
    if h.diverged:
        fate = (f"**diverges**: at epoch {h.diverged_at:,} its loss passes 10¹² × the starting loss, so "
                f"the loop stops there and keeps epoch {h.epochs_run:,}, the last finite one")
    else:
        fate = (f"runs all {h.epochs_run:,} epochs and ends at a training MSE of "
                f"{g(prep.result()['train_loss'])} (the least-squares optimum: {g(prep.exp.optimum.train)})")
    return Step(
        "# Gradient descent from scratch: this run from Descent Lab\n\n"
        f"Linear regression predicting {code(v.target)} from {names(v.predictors)}, trained by full-batch "
        "gradient descent: the tutorial's loop, every epoch computed, on the table in `weather.csv`.\n\n"
        f"This run: learning rate η = {v.lr!r}, {int(v.epochs):,} epochs"
        f"{', on standardised predictors' if v.standardize else ''}. For this data the critical rate "
        f"2/λmax is {g(th.critical_lr)}, so η is {v.lr / th.critical_lr:.3g} × critical "
        f"({th.zone(v.lr)}).{schedule_words(v)} In the app this run {fate}.\n\n"
        "Run every cell in order: the last one prints the result as one JSON line, the same numbers as "
        "`python -m gd_core fit ... --json` gives for this view.")


def schedule_words(view) -> str:
    """The intro's sentence on the learning-rate schedule (empty for a constant rate)."""
    if view.schedule is None:
        return ""
    s = Schedule.from_dict(view.schedule)
    return (f" The rate follows a schedule, {s.describe()}: η is its peak, and the loop computes each "
            "epoch's rate `lr_t` from the epoch (the first update uses the schedule's first rate).")


def settings(prep) -> Step:
    v = prep.view
    space = "; in the standardised space" if v.standardize else ""
    return Step(
        "## The settings of this run\n\nChange them and run the cells again to see what happens.",
        f"""\
import json

import numpy as np
import pandas as pd

PREDICTORS = {list(v.predictors)!r}  # today's values the model uses
TARGET = {v.target!r}  # what it predicts
STANDARDIZE = {bool(v.standardize)!r}  # descend on standardised predictors?
W0 = {[float(x) for x in v.w0]!r}  # starting weights, one per predictor{space}
B0 = {float(v.b0)!r}  # starting bias{space}
LR = {float(v.lr)!r}  # the learning rate η
EPOCHS = {int(v.epochs)!r}  # the number of updates""")


def load(prep) -> Step:
    f = prep.view.frame
    start, end = f.index.min(), f.index.max()
    return Step(
        "## 1. Load the data\n\n"
        f"One row per day: {len(f):,} days from {start:%Y-%m-%d} to {end:%Y-%m-%d}; an empty cell is a "
        f"missing value. Units: {units_text(prep.view.units)}.",
        'weather = pd.read_csv("weather.csv", index_col="date", parse_dates=["date"])',
        "weather.head()")


def target_columns(prep) -> tuple[str, ...]:
    """Besides the predictors, the columns ``make_problem`` keeps: the target (or its source column)."""
    v, source = prep.view, prep.source_column
    columns = [v.target] if v.target in v.frame.columns else [source]
    own = v.target[: -len("_tomorrow")] if v.target.endswith("_tomorrow") else None
    return tuple(dict.fromkeys(columns + ([own] if own in v.frame.columns else [])))


BRIDGE_CODE = """\
MAX_FILL_DAYS = {days}  # fill a gap only when it spans at most this many calendar days


def short_gaps(values):
    \"\"\"True where a value is missing inside a gap of at most MAX_FILL_DAYS days (after a value).\"\"\"
    days = pd.Series(pd.DatetimeIndex(values.index), index=values.index)
    known = days.where(values.notna().to_numpy())
    before, after = known.ffill(), known.bfill()
    end = after.fillna(days.iloc[-1] + pd.Timedelta(days=1))  # a gap at the end runs to the last day
    span = (end - before).dt.days - 1
    return (values.isna() & before.notna() & (span <= MAX_FILL_DAYS)).to_numpy()


{fill_line}
for column in data.columns:  # longer gaps stay missing: those days are left out below
    data[column] = data[column].where(data[column].notna() | ~short_gaps(data[column]), filled[column])"""


def bridged(fill_line: str, fill_words: str, days: int) -> tuple[str, str]:
    """The fill line limited to gaps of at most ``days`` calendar days, as ``gd_core.data.fill_missing``."""
    line = fill_line.replace("data = data.", "filled = data.", 1)
    return (BRIDGE_CODE.format(days=days, fill_line=line),
            f"{fill_words} Only gaps of at most {days} days are filled; longer ones stay missing.")


def target(prep) -> Step:
    v, source = prep.view, prep.source_column
    fill_line, fill_words = FILL_CODE[v.fill]
    if v.max_fill_days is not None and v.fill != "drop":
        fill_line, fill_words = bridged(fill_line, fill_words, int(v.max_fill_days))
    lines = [f"data = weather[list(dict.fromkeys(PREDICTORS + {list(target_columns(prep))!r}))]"
             "  # the columns used", fill_line]
    if source is not None:
        how = (f"Tomorrow's value is {code(source)} on the next **calendar** day: a day whose next day is "
               "not in the table gets no target (never a pair across a gap).")
        lines += ["# tomorrow's value: the one on the next calendar day (NaN where that day is absent)",
                  f"next_day = data[{source!r}].reindex(data.index + pd.Timedelta(days=1))",
                  "data[TARGET] = next_day.to_numpy()"]
    else:
        how = f"The target {code(v.target)} is a column of the table, used as it is."
    lines += ["complete = data[PREDICTORS + [TARGET]].notna().all(axis=1)",
              "data = data[complete]  # drop days still missing a predictor or the target",
              'print(f"{len(data):,} days with every predictor and a target")']
    p = prep.problem
    kept = len(p.train.y) + len(p.valid.y) + len(p.test.y)
    return Step(f"## 2. Gaps and tomorrow's target\n\n{fill_words} {how} Days still missing a predictor "
                f"or the target are left out: {kept:,} days remain.", "\n".join(lines))


SPLIT_CODE = """\
x = data[PREDICTORS].to_numpy(dtype=float)  # shape (n, d)
y = data[TARGET].to_numpy(dtype=float)  # shape (n,)
n = len(data)
a, b = int(0.7 * n), int(0.85 * n)
x_train, y_train = x[:a], y[:a]
x_valid, y_valid = x[a:b], y[a:b]
x_test, y_test = x[b:], y[b:]
print(f"train {len(y_train):,} days, validation {len(y_valid):,}, test {len(y_test):,}")"""


def split(prep) -> Step:
    p = prep.problem
    said = "; ".join(_part(word, getattr(p, name)) for name, word in
                     (("train", "training"), ("valid", "validation"), ("test", "test")))
    return Step(
        "## 3. The chronological split: 70 % train, 15 % validation, 15 % test\n\n"
        f"In time order, never shuffled: the model is judged on days after those it learned from. {said}.",
        SPLIT_CODE)


def _part(name: str, split) -> str:
    if not len(split.y):
        return f"{name} 0 days"
    first, last = (pd.Timestamp(split.dates[i]) for i in (0, -1))
    return f"{name} {len(split.y):,} days ({first:%Y-%m-%d} to {last:%Y-%m-%d})"


STANDARDISE_CODE = """\
mean = x_train.mean(axis=0)
std = x_train.std(axis=0)
scale = np.where(std > 0, std, 1.0)  # a constant column cannot be standardised
x_loop = (x_train - mean) / scale if STANDARDIZE else x_train"""


def features(prep) -> Step:
    if not prep.view.standardize:
        return Step("## 4. The features the loop sees\n\nThe predictors as they are, in their own units "
                    "(set `STANDARDIZE = True` to descend on standardised ones).", STANDARDISE_CODE)
    s = prep.exp.scaler
    said = ", ".join(f"{code(n)} mean {g(m)}, std {g(d)}"
                     for n, m, d in zip(prep.view.predictors, s.mean, s.scale))
    return Step(
        "## 4. Standardise the features\n\n"
        "The loop descends on (x − mean) / std, with the training split's mean and standard deviation "
        f"({said}). All directions then have a similar curvature, so one rate suits them all. The "
        "results are mapped back to original units at the end.", STANDARDISE_CODE)


MODEL_TEXT = """\
## 5. The model: forward pass, loss, gradient, update

The loss we report is the mean squared error L = mean((ŷ − y)²). The gradient the tutorial descends, \
ŷ − y per row, is the derivative of **half** the squared error, J = ½·mean((ŷ − y)²): the factor 2 is \
absorbed by the learning rate."""

MODEL_CODE = '''\
def forward(x, w, b):
    """Forward pass: ŷ = x·w + b."""
    return x @ w + b


def mse(actual, predicted):
    """The loss: mean squared error, L = mean((y − ŷ)²)."""
    return float(np.mean((actual - predicted) ** 2))


def mse_grad(actual, predicted):
    """Per-row gradient ŷ − y: the derivative of half the squared error, ½(ŷ − y)²."""
    return predicted - actual


def backward(x, grad, w, b, lr):
    """Chain rule to the parameters, then one step against the gradient."""
    w_grad = (x.T / x.shape[0]) @ grad  # ∂J/∂w = xᵀ(ŷ − y)/n
    b_grad = float(np.mean(grad))  # ∂J/∂b = mean(ŷ − y)
    return w - lr * w_grad, b - lr * b_grad'''

LOOP_TEXT = """\
## 6. The loop

Every epoch: predict, measure the loss, take the gradient, update, on all training days at once. A loss \
that stops being finite, or passes 10¹² × the starting loss, means the run diverged: the loop stops and \
keeps the last finite state (the app's rule)."""

RATE_SLOT = "<the epoch's rate>"


def rate_line(view) -> str:
    """The loop's line that sets this epoch's rate ``lr_t``: LR, or the schedule's formula in ``epoch``."""
    if view.schedule is None:
        return "lr_t = LR  # this epoch's learning rate (constant in this run)"
    s = Schedule.from_dict(view.schedule)
    return f"lr_t = {s.formula('LR', 'epoch', 'EPOCHS')}  # {s.describe()}; LR is its peak"


LOOP_CODE = f"""\
w = np.array(W0, dtype=float)
b = float(B0)
start_loss = mse(y_train, forward(x_loop, w, b))
limit = {LIMIT_TEXT} * max(start_loss, np.finfo(float).tiny)  # a loss above it: diverged
losses = []  # the training MSE at every epoch
diverged_at = None
with np.errstate(all="ignore"):  # a diverging run overflows: detected below, not warned about
    for epoch in range(EPOCHS + 1):
        predictions = forward(x_loop, w, b)
        loss = mse(y_train, predictions)
        if not (np.isfinite(loss) and np.isfinite(w).all() and np.isfinite(b) and loss <= limit):
            diverged_at = epoch  # stop; w_kept, b_kept hold the last finite state
            break
        losses.append(loss)
        w_kept, b_kept = w, b
        if epoch == EPOCHS:
            break
        {RATE_SLOT}
        grad = mse_grad(y_train, predictions)
        w, b = backward(x_loop, grad, w, b, lr_t)
epochs_run = len(losses) - 1
if diverged_at is None:
    print(f"{{epochs_run:,}} epochs run")
else:
    print(f"diverged at epoch {{diverged_at:,}}: kept epoch {{epochs_run:,}}, the last finite one")"""

def loop(prep) -> Step:
    return Step(LOOP_TEXT, LOOP_CODE.replace(RATE_SLOT, rate_line(prep.view)))


NUMBERS_CODE = """\
if STANDARDIZE:  # back to original units: w / std, and the bias absorbs the means
    w_final = w_kept / scale
    b_final = float(np.asarray(b_kept) - w_final @ mean)
else:
    w_final, b_final = w_kept, b_kept


def split_mse(x, y):
    return float(np.mean((x @ w_final + b_final - y) ** 2))


train_loss = split_mse(x_train, y_train)
A = np.column_stack([x_train, np.ones(len(x_train))])  # [x, 1]: the bias as one more weight
optimum, *_ = np.linalg.lstsq(A, y_train, rcond=None)
for name, w_j, o_j in zip(PREDICTORS + ["bias"], [*w_final, b_final], optimum):
    print(f"{name:>14}  descent {w_j:12.6g}   least squares {o_j:12.6g}")
print(f"MSE  train {train_loss:.6g}  validation {split_mse(x_valid, y_valid):.6g}  "
      f"test {split_mse(x_test, y_test):.6g}")"""


def numbers(prep) -> Step:
    base = ""
    if prep.source_column is not None and prep.exp.baseline:
        base = (f"\n\nThe baseline \"tomorrow = today\" (predict {code(prep.view.target)} by today's "
                f"{code(prep.source_column)}) scores a validation MSE of {g(prep.exp.baseline['valid'])}.")
    return Step(
        "## 7. The final numbers\n\n"
        "The fitted weights and bias in original units, beside the least-squares optimum of the training "
        "split (`np.linalg.lstsq`), and the MSE on each split." + base, NUMBERS_CODE)


def plots(prep, script: bool) -> Step:
    one = len(prep.view.predictors) == 1
    return Step(
        "## 8. Plots: the loss per epoch and the fit\n\n"
        + ("The loss on a log scale, and the fitted line over the training days." if one else
           "The loss on a log scale, and the predictions against the actual values on the test days.")
        + (" The script saves them to `descent-plots.html`." if script else "")
        + " They need `plotly` (`pip install plotly`); without it this step only says so.",
        plot_code(one=one, script=script))


RESULT_TEXT = """\
## 9. The result, as one JSON line

The same numbers the app computed: weights and bias in original units, the training MSE, the epochs \
run and the epoch of divergence (null if none)."""

RESULT_CODE = """\
result = {"weights": [float(v) for v in w_final], "bias": float(b_final), "train_loss": train_loss,
          "epochs_run": epochs_run, "diverged_at": diverged_at}
print(json.dumps(result))"""
