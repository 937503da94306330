"""The page's view as a :class:`gd_core.takeaway.RunView`, and its zip, checked with ``nbformat``.

Pure (no Streamlit): the Playground and the step-through page call :func:`run_zip_of` from a download
button, so the zip is built only when clicked.
"""

from __future__ import annotations

import nbformat

from gd_core.data import MAX_FILL_DAYS
from gd_core.takeaway import NOTEBOOK, RunView, notebook, prepare, run_zip
from gd_ui.datasets import Dataset

PLAIN_FILL = "ffill"  # the pages build their problem with make_problem's default (uploads are filled already)


def view_of(dataset: Dataset, model, w0, b0: float, lr: float, epochs: int, schedule=None) -> RunView:
    """The run a page shows: its dataset's table, model, start in the model's space, rate and epochs
    (and its learning-rate schedule, when the rate changes)."""
    sched = None if schedule is None or schedule.is_constant(int(epochs)) else schedule.to_dict()
    return RunView(dataset.frame, tuple(model.predictors), model.target, bool(model.standardize),
                   tuple(float(v) for v in w0), float(b0), float(lr), int(epochs), fill=PLAIN_FILL,
                   max_fill_days=MAX_FILL_DAYS,
                   schedule=sched,
                   units={"temperature": dataset.temperature_unit, "rain": dataset.rain_unit},
                   source=f"{dataset.label}. {dataset.note}".strip())


def validated(nb: dict) -> nbformat.NotebookNode:
    """The notebook as nbformat reads it, validated against the nbformat 4 schema (raises if not)."""
    node = nbformat.from_dict(nb)
    nbformat.validate(node)
    return node


def checked_notebook(view: RunView) -> nbformat.NotebookNode:
    return validated(notebook(prepare(view)))


def run_zip_of(view: RunView) -> bytes:
    """``descent-run.zip`` for the view (the notebook validated first)."""
    return run_zip(view, check=validated)


__all__ = ["NOTEBOOK", "checked_notebook", "run_zip_of", "view_of"]
