"""The playground's live chart: sliders beside the three panels that redraw while they move.

Two ``st.components.v2`` components, mounted in the page itself (no iframe): a carrier of the rate table
(binary, the same bytes on every rerun of a view, so the browser keeps it) and the chart, whose small
JSON says where the sliders are. plotly.js comes from the plotly package, served by the app itself
(``server.enableStaticServing``), never from a CDN. When a slider is released, the chart sends one
``commit``; its callback writes the values into the sidebar's widget keys before the rerun, so the whole
page — sidebar, status, URL — follows. If the chart cannot start, it says so and the page falls back to
the server-drawn figure.
"""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
from pathlib import Path

import numpy as np
import streamlit as st

from gd_core.live import endings, rate_table
from gd_core.model import init_tutorial
from gd_ui import exports
from gd_ui.live_payload import run_json, scene_json, table_blob
from gd_ui.scene import scene
from gd_ui.views import descent_data
from gd_ui.widgets import sidebar
from gd_ui.widgets.cache import FRAMES
from gd_ui.widgets.frame import Frame

HERE = Path(__file__).resolve().parent
STATIC = HERE.parent.parent / "static"  # served at app/static/ (server.enableStaticServing)
KEY, FAILED = "live", "_live_failed"
CSS = (HERE / "live.css").read_text(encoding="utf-8")
TABLE = st.components.v2.component(
    "descent_lab_table", js=(HERE / "live_table.js").read_text(encoding="utf-8"), isolate_styles=False)
CHART = st.components.v2.component("descent_lab_live", css=CSS,
                                   js=(HERE / "live_chart.js").read_text(encoding="utf-8"),
                                   isolate_styles=False)


def plotly_url() -> str | None:
    """plotly.js from the installed plotly package, copied once under the app's static folder (its
    name carries its size and digest, so a browser may cache it for good); None if that fails."""
    source = Path(importlib.util.find_spec("plotly").origin).parent / "package_data" / "plotly.min.js"
    try:
        raw = source.read_bytes()
        name = f"plotly-{hashlib.sha1(raw).hexdigest()[:12]}.min.js"
        target = STATIC / name
        if not target.exists() or target.stat().st_size != len(raw):
            STATIC.mkdir(exist_ok=True)
            tmp = target.with_suffix(".tmp")
            shutil.copyfile(source, tmp)
            tmp.replace(target)
        return f"app/static/{name}"
    except OSError:
        return None


PLOTLY_URL = plotly_url()


def committed(commit) -> dict:
    """The sidebar values a live commit stands for: the rate as spelled, the start as floats."""
    return {"lr": str(commit["lr"]), "w0": float(commit["w0"]), "b0": float(commit["b0"])}


def _on_commit() -> None:
    """The live sliders were released: their values become the sidebar's, before the page reruns."""
    commit = (st.session_state.get(KEY) or {}).get("commit")
    if commit:
        sidebar.set_values(**committed(commit))


def _on_failed() -> None:
    st.session_state[FAILED] = (st.session_state.get(KEY) or {}).get("failed")


@st.cache_data(max_entries=16, show_spinner=False)
def _blob(key: str, _exp, model, options: tuple, epochs: int, _data, base: tuple, schedule=None):
    """The rate table for one dataset, model, epoch count, rate grid (and schedule: then the products
    for the grid's peak rates): computed once, in milliseconds."""
    table = rate_table(_exp.quadratic, [float(o) for o in options], epochs, FRAMES, schedule)
    return table_blob(_exp, table, list(options), _data, np.asarray(base)), table


def available() -> bool:
    """The live chart can be tried (plotly.js is served and it did not fail in this session)."""
    return PLOTLY_URL is not None and not st.session_state.get(FAILED)


def live_chart(f: Frame, history, options: list[str], height: int, *, fill: bool = False) -> None:
    """The live chart for the sidebar's current run; ``options`` is the rate slider's grid. ``fill``
    (presenter mode): the plot takes the height the window leaves under it, ``height`` at least."""
    data = descent_data(f.exp, history, f.model.index, f.dataset)
    base = init_tutorial(len(f.model.predictors))[0]
    blob, table = _blob(f.dataset.key, f.exp, f.model, tuple(options), f.run.epochs, data, tuple(base),
                        f.run.schedule)
    ends = endings(f.exp.quadratic, table, f.w0, f.b0, f.run.epochs)
    run = hashlib.sha1(repr((blob.digest, f.run.lr_text, f.run.w0, f.run.b0)).encode()).hexdigest()[:12]
    TABLE(key="live_table", data=blob.data, height=0)
    CHART(key=KEY, data=run_json(
        blob.digest, options.index(f.run.lr_text), f.run.w0, f.run.b0, ends, run=run, key=KEY,
        plotly=PLOTLY_URL, shown=f.model.shown, presenter=f.on_stage, height=height, fill=fill,
        summary=exports.descent_summary(data)), on_commit_change=_on_commit, on_failed_change=_on_failed)


def finished_chart(f: Frame, history, *, key: str, height: int) -> None:
    """A run computed on the server (the lesson's literal loop), drawn by the live chart as it is: the
    same panels, stacked on a narrow screen, with its Play button and epoch scrubber, no sliders."""
    data = descent_data(f.exp, history, f.model.index, f.dataset)
    s = scene(data)
    run = hashlib.sha1(repr((key, f.dataset.key, f.run.lr_text, history.epochs_run,
                             float(s.loss[-1]))).encode()).hexdigest()[:12]
    CHART(key=key, data=scene_json(s, data, f.run.lr_text, run=run, key=key, plotly=PLOTLY_URL,
                                   shown=f.model.shown, presenter=f.on_stage, height=height,
                                   stacked_height=int(height * 1.3), summary=exports.descent_summary(data)),
          on_failed_change=_on_failed)
