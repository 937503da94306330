"""The step-through page's two steps: the tutorial's worked example, then its loop one epoch per click.

Every equation string comes from ``gd_ui.lesson`` (numbers formatted there), so ``st.latex`` never sees
user text.
"""

from __future__ import annotations

import streamlit as st

from gd_ui import lesson
from gd_ui.formats import sci
from gd_ui.widgets import cache, live
from gd_ui.widgets.frame import Frame
from gd_ui.widgets.run_download import code_download

BOUND = dict(bind="query-params", persist_state="session")


def _go(move) -> None:
    state = st.session_state
    state["step_part"], state["step_epoch"] = move(state.get("step_part", lesson.PARTS[0]),
                                                   state.get("step_epoch", 0))


def navigation(f: Frame) -> tuple[str, int]:
    """Back, Next (Page Up/Down in presenter mode, for a clicker), the step and the epoch."""
    # On a projector the buttons also show their keys (Page Up/Down): wider, so no label is cut.
    nav = st.columns([1.5, 1.7, 2.4, 1.4] if f.on_stage else [1, 1, 3.2, 1.6], vertical_alignment="bottom")
    key = "PageUp" if f.on_stage else None
    nav[0].button("◀ Back", key="step_back", on_click=_go, args=(lesson.previous_position,), width="stretch",
                  shortcut=key, help="One step back (Page Up in presenter mode).")
    nav[1].button("Next ▶", key="step_next", on_click=_go, args=(lesson.next_position,), type="primary",
                  width="stretch", shortcut="PageDown" if f.on_stage else None,
                  help="Step 1 → step 2 → one more epoch per click (Page Down in presenter mode).")
    part = nav[2].radio("Step", lesson.PARTS, horizontal=True, key="step_part", **BOUND,
                        help="1 · one day: the tutorial's worked example, as its explanation writes it. "
                        "2 · epochs: its code's full-batch loop on the active dataset, one epoch per Next.")
    epoch = int(nav[3].number_input("Epoch (step 2)", 0, lesson.MAX_EPOCH, step=1, key="step_epoch",
                                    disabled=part != lesson.PARTS[1], **BOUND))
    return part, epoch


def _equations(lines) -> None:
    for line in lines:
        st.latex(line)


def worked_example() -> None:
    """Step 1: one day, one update, with five editable numbers."""
    st.subheader("One day, one update: the tutorial's worked example")
    cells = st.columns(5)
    fields = (("today's tmax, x", 80.0, 1.0, "step_x"), ("weight, w", 1.0, 0.01, "step_w"),
              ("bias, b", 11.99, 0.01, "step_b"), ("tomorrow's actual tmax, y", 81.0, 1.0, "step_y"))
    bounds = lesson.WORKED_BOUNDS
    values = [cell.number_input(label, *bounds[k[5:]], value=v, step=d, key=k, **BOUND)
              for cell, (label, v, d, k) in zip(cells, fields)]
    lr = cells[4].number_input("learning rate, η", *bounds["lr"], value=5e-5, step=1e-5, format="%.2e",
                               key="step_lr", **BOUND)
    ex = lesson.WorkedExample(*values, lr)
    eq, say = lesson.worked_equations(ex), lesson.worked_verdicts(ex)
    left, right = st.columns(2, gap="large")
    with left:
        for title, stage in (("**Forward pass**: the prediction", "prediction"),
                             ("**Loss** of this day: the squared error", "loss"),
                             ("**Gradient** (the explanation's, with the factor 2), then the chain rule",
                              "gradient")):
            st.markdown(title)
            _equations(eq[stage])
    with right:
        st.markdown("**Update without a learning rate**")
        _equations(eq["no_rate"])
        overshoots = ex.loss_at(*ex.updated(1.0)) > ex.loss  # the lesson's point: why η exists
        st.info(("**The point of this step:** " if overshoots else "") + say["no_rate"],
                icon=":material/lightbulb:")
        st.markdown("**Update with learning rate η**")
        _equations(eq["with_rate"])
        (st.success if ex.loss_at(*ex.updated(ex.lr)) < ex.loss else st.warning)(say["with_rate"])
    st.markdown("**Two conventions, one step.** This step follows the tutorial's *explanation*: the "
                "gradient of the squared error carries the factor 2. The next step follows its "
                "*implementation*, which drops it: its gradient ŷ − y is the derivative of **half** the "
                "squared error. The factor is simply absorbed by the learning rate:")
    _equations(eq["factor"])
    st.caption(say["factor"] + " Every number on this step follows the five values above.")


def epochs(f: Frame, epoch: int) -> None:
    """Step 2: the tutorial's loop on the active data, stopped at ``epoch``, beside the charts."""
    p = f.exp.model_problem
    history = cache.literal_run(f.dataset.key, f.exp, f.model, tuple(f.w0), f.b0, f.run.lr, epoch)
    if history.diverged:
        st.error(f"Too big a step: every update overshoots further than the last, and the run diverged at "
                 f"epoch {history.diverged_at:,}, so this shows the last finite epoch, "
                 f"{history.epochs_run:,}. "
                 f"Why, in numbers: learning rate {sci(f.run.lr, 3)}, η·λmax = "
                 f"{f.run.lr * f.exp.theory.lambda_max:.4g} > 2. Go Back, or pick a smaller learning rate "
                 f"in {f.settings}.")
    shown = history.epochs_run
    step = lesson.epoch_step(p.train.x, p.train.y, history.weights[-1], history.bias[-1], lr=f.run.lr,
                             epoch=shown)
    left, right = st.columns([5, 7], gap="medium")
    with left:
        st.subheader(f"Epoch {shown:,}")
        rows = 3 if f.on_stage else lesson.ROWS_SHOWN  # a projector has less height to spare
        names = ", ".join(f"w{j + 1} = {name}" for j, name in enumerate(f.model.predictors))
        space = " Features are standardised: these are the values the loop sees." \
            if f.model.standardize else ""
        st.caption(f"The tutorial's loop on all {len(p.train.y):,} training days of this dataset "
                   f"(learning rate {sci(f.run.lr, 3)}; weights: {names}). The first {rows} days:{space}")
        st.table(lesson.forward_rows(step, p.train.x, p.train.y, p.train.dates, f.model.predictors, rows))
        eq = lesson.epoch_equations(step)
        st.markdown(f"**Loss**: the mean squared error over all n = {len(p.train.y):,} days")
        _equations(eq["loss"])
        st.markdown("**Gradient** of half the MSE (the code's ŷ − y): Xᵀ·error / n and the mean error")
        _equations(eq["gradient"])
        st.markdown("**Update**: one step against the gradient")
        _equations(eq["update"])
        if not history.diverged:
            st.caption(f"Next ▶ starts epoch {shown + 1:,} from these updated values.")
        code_download(st, f, epoch, key="step_code")
    with right:
        original = f.exp.history_in_original_units(history)
        live.finished_chart(f, original, key="step_live", height=560)
