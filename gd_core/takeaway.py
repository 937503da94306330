"""Take the run home: one view of the app as a notebook, a script and its data, ready to run anywhere.

A :class:`RunView` is a plain description of one run (the daily table, predictors, target,
standardisation, start, learning rate, epochs, gap strategy, an optional schedule). :func:`prepare`
checks it exactly as ``fit`` does (same problem, same start check) and computes what the app showed;
:func:`run_files` turns it into ``descent.ipynb``, ``descent.py`` and ``weather.csv`` (plus a
``README.txt`` in the zip of :func:`run_zip`). The code in them is the tutorial's literal loop, with the
same arithmetic as ``gd_core`` in the same order, so its last line reproduces ``fit --json``.

Standard library, numpy and pandas only: the notebook is written as nbformat 4.5 JSON by hand (the app
validates it with ``nbformat``; the tests execute it).
"""

from __future__ import annotations

import io
import json
import textwrap
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from gd_core.data import FILL_STRATEGIES, TOMORROW, Problem, make_problem
from gd_core.descent import History
from gd_core.experiment import Experiment
from gd_core.schedules import Schedule
from gd_core.takeaway_code import steps, units_text

NOTEBOOK, SCRIPT, DATA, README = "descent.ipynb", "descent.py", "weather.csv", "README.txt"
FILES = (NOTEBOOK, SCRIPT, DATA)  # what ``python -m gd_core export`` writes
ZIP_NAME = "descent-run.zip"
WEATHER_COLUMNS = ("tmax", "tmin", "rain")
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed: the same view always gives the same bytes
KERNEL = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


@dataclass(frozen=True)
class RunView:
    """One run as plain values. ``w0``/``b0`` are the start *in the model's space* (standardised
    features when ``standardize``), as ``Experiment.initial`` and the Playground's sidebar give it."""

    frame: pd.DataFrame = field(repr=False, compare=False)  # the daily table (date index)
    predictors: tuple[str, ...]
    target: str
    standardize: bool
    w0: tuple[float, ...]
    b0: float
    lr: float
    epochs: int
    fill: str = "ffill"
    max_fill_days: int | None = None  # bridge only gaps of at most this many days (the app: 7); None: all
    schedule: dict | None = None  # Schedule.to_dict(); None: the rate is constant (lr every epoch)
    units: dict = field(default_factory=dict)  # {"temperature": "C"|"F"|None, "rain": "mm"|"in"|None}
    source: str = ""  # where the table came from, one line of plain text (README only: user text)


@dataclass(frozen=True)
class Prepared:
    """A checked view with what the app computed for it (the closed form): the notebook's expectations."""

    view: RunView
    problem: Problem
    exp: Experiment
    history: History

    @property
    def source_column(self) -> str | None:
        """The column ``<col>_tomorrow`` is built from, or None when the target is in the table."""
        t = self.view.target
        if t in self.view.frame.columns or not t.endswith(TOMORROW):
            return None
        return t[: -len(TOMORROW)]

    def result(self) -> dict:
        """The JSON line the exported code must print, as the app computed it (original units)."""
        w, b = self.exp.to_original(self.history.final_weights, self.history.final_bias)
        return {"weights": [float(v) for v in w], "bias": float(b),
                "train_loss": self.exp.losses(w, b)["train"], "epochs_run": self.history.epochs_run,
                "diverged_at": self.history.diverged_at}


def prepare(view: RunView) -> Prepared:
    """Check the view as ``fit`` does (same messages) and run it in closed form."""
    if view.fill not in FILL_STRATEGIES:
        raise ValueError(f"unknown missing-value strategy {view.fill!r}: use one of "
                         f"{', '.join(FILL_STRATEGIES)}")
    schedule = None if view.schedule is None else Schedule.from_dict(view.schedule)
    if schedule is not None:
        schedule.check(int(view.epochs))
    if not (np.isfinite(view.lr) and view.lr > 0):
        raise ValueError(f"the learning rate must be a finite number > 0, got {view.lr!r}")
    if int(view.epochs) != view.epochs or view.epochs < 0:
        raise ValueError(f"epochs must be a whole number ≥ 0, got {view.epochs!r}")
    problem = make_problem(view.frame, view.predictors, view.target, fill=view.fill,
                           max_fill_days=view.max_fill_days)
    exp = Experiment.build(problem, standardize=view.standardize)
    if len(view.w0) != problem.n_features:
        raise ValueError(f"the start has {len(view.w0)} weights for {problem.n_features} predictors")
    if not (np.isfinite(view.w0).all() and np.isfinite(view.b0)):
        raise ValueError("the start's weights and bias must be finite numbers")
    with np.errstate(over="ignore", invalid="ignore"):
        history = exp.run(np.asarray(view.w0, dtype=float), float(view.b0), lr=view.lr,
                          epochs=int(view.epochs), max_points=2, schedule=schedule)
    return Prepared(view, problem, exp, history)


def used_columns(view: RunView) -> tuple[str, ...]:
    """The columns ``make_problem`` fills: predictors, the target (or its source), the source again."""
    target, frame = view.target, view.frame
    source = target[: -len(TOMORROW)] if target.endswith(TOMORROW) else None
    needed = list(view.predictors) + ([target] if target in frame.columns else
                                      [source] if source else [target])
    return tuple(dict.fromkeys(needed + ([source] if source in frame.columns else [])))


def weather_csv(view: RunView) -> str:
    """The daily table as CSV: ``date`` (YYYY-MM-DD), then tmax, tmin, rain (those present) and any other
    column the run uses; gaps as empty cells; every number written so that it reads back exactly."""
    frame = view.frame.sort_index()
    table = frame[weather_columns(view)].astype(float)
    table.index = pd.DatetimeIndex(frame.index).strftime("%Y-%m-%d")
    table.index.name = "date"
    return table.to_csv(lineterminator="\n")


def notebook(prep: Prepared) -> dict:
    """The notebook as nbformat 4.5 JSON: a markdown cell before each code cell, no outputs stored."""
    cells = []
    for i, step in enumerate(steps(prep)):
        cells.append({"cell_type": "markdown", "id": f"step-{i:02d}-text", "metadata": {},
                      "source": step.text})
        if step.code:
            code = step.code + (f"\n{step.show}" if step.show else "")
            cells.append({"cell_type": "code", "id": f"step-{i:02d}-code", "metadata": {},
                          "execution_count": None, "outputs": [], "source": code})
    return {"cells": cells, "nbformat": 4, "nbformat_minor": 5,
            "metadata": {"kernelspec": KERNEL, "language_info": {"name": "python"}}}


def notebook_text(prep: Prepared) -> str:
    return json.dumps(notebook(prep), indent=1, ensure_ascii=False) + "\n"


def script(prep: Prepared) -> str:
    """The same steps as one Python script: the notebook's text as comments, its code unchanged (what a
    notebook cell only displays is left out; the plots go to an HTML file)."""
    parts = ['"""Descent Lab: this run\'s gradient descent, from scratch. Run: python descent.py"""']
    for step in steps(prep, script=True):
        parts.append(f"# %% {'-' * 95}\n{comments(step.text)}" + (f"\n{step.code}" if step.code else ""))
    return "\n\n".join(parts) + "\n"


def comments(markdown: str, width: int = 100) -> str:
    """Markdown as ``#`` comment lines: headings without their marks, paragraphs wrapped."""
    lines = []
    for paragraph in markdown.split("\n\n"):
        text = " ".join(paragraph.replace("**", "").split()).lstrip("# ")
        lines += textwrap.wrap(text, width - 2, break_on_hyphens=False) + [""]
    return "\n".join(f"# {line}".rstrip() for line in lines[:-1])


def readme(prep: Prepared) -> str:
    """README.txt: what the files are, how to run them, this run's settings, and the expected last line."""
    v = prep.view

    def line(text) -> str:  # user text (a file name, column names) on one line
        return " ".join(str(text).split())

    source = line(v.source)[:300] or "a weather table"
    return "\n".join([
        "Descent Lab: take the run home",
        "",
        "descent.ipynb  the run as a notebook: open it in Jupyter and choose Run All",
        "descent.py     the same code as a script: python descent.py (writes descent-plots.html)",
        "weather.csv    the daily table the app used: date, then " + line(", ".join(weather_columns(v))),
        "",
        "Needs Python 3 with numpy and pandas (plotly for the plots, Jupyter for the notebook).",
        "",
        f"Data: {source}",
        f"Units: {units_text(v.units)}",
        f"Model: {line(v.target)} from {line(', '.join(v.predictors))}"
        + (" (descent on standardised predictors)" if v.standardize else ""),
        f"Learning rate {v.lr!r}, {int(v.epochs):,} epochs, missing values: {v.fill}",
        "",
        "The last line printed should be (as the app computed it):",
        json.dumps(prep.result()),
        "",
    ])


def weather_columns(view: RunView) -> list[str]:
    """The CSV's columns after ``date``: tmax, tmin, rain (those present), then any other one used."""
    columns = [c for c in WEATHER_COLUMNS if c in view.frame.columns]
    return columns + [c for c in used_columns(view) if c not in columns]


def run_files(view: RunView) -> dict[str, bytes]:
    """The three files, by their fixed names (UTF-8)."""
    prep = prepare(view)
    return {NOTEBOOK: notebook_text(prep).encode(), SCRIPT: script(prep).encode(),
            DATA: weather_csv(view).encode()}


def run_zip(view: RunView, *, check=None) -> bytes:
    """The three files and README.txt as one zip; fixed names and timestamps. ``check``, if given, is
    called with the notebook (a dict) before anything is zipped (the app validates it with nbformat)."""
    prep = prepare(view)
    nb = notebook(prep)
    if check is not None:
        check(nb)
    files = {NOTEBOOK: (json.dumps(nb, indent=1, ensure_ascii=False) + "\n").encode(),
             SCRIPT: script(prep).encode(), DATA: weather_csv(view).encode(), README: readme(prep).encode()}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def write_run(view: RunView, out: str | Path, *, force: bool = False) -> list[Path]:
    """Write the three files into ``out`` (created if needed). A folder that already holds files is
    refused unless ``force`` (then only our three files are replaced; nothing else is touched)."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ValueError(f"{out} is a file, not a folder: give --out a folder to create")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise ValueError(f"{out} already exists and is not empty: choose another --out, or add --force "
                         f"to replace {', '.join(FILES)} in it")
    files = run_files(view)  # everything checked before anything is written
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in files.items():
        path = out / name
        path.write_bytes(data)
        written.append(path)
    return written
