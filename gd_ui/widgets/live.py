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
import logging
import os
from pathlib import Path

import numpy as np
import streamlit as st

from gd_core.model import init_tutorial
from gd_core.rate_grid import endings, rate_table
from gd_ui import exports
from gd_ui.chart import bundle
from gd_ui.chart.live_payload import packed, run_json, scene_json, table_blob
from gd_ui.chart.offline import offline_html
from gd_ui.chart.scene import scene
from gd_ui.chart.spec import GEOMETRY, chart_spec
from gd_ui.chart.strip import strip_alt, strip_payload
from gd_ui.chart.views import descent_data
from gd_ui.schedule_words import KIND_LABELS
from gd_ui.widgets import sidebar
from gd_ui.widgets.cache import FRAMES, shared
from gd_ui.widgets.frame import Frame

LOG = logging.getLogger("descent_lab")
HERE = Path(__file__).resolve().parent
STATIC = HERE.parent.parent / "static"  # served at app/static/ (server.enableStaticServing)
KEY, FAILED = "live", "_live_failed"
FILL_SLACK_PX = 14  # presenter mode: room left under the chart at the window's foot
CSS = (HERE / "live.css").read_text(encoding="utf-8")


def module_text(*names: str) -> str:
    """One component module from files of this folder, in order."""
    return "\n".join((HERE / name).read_text(encoding="utf-8") for name in names)


# Both components start with the shared state and plotly.js loader (live_shared.js); the chart is its
# arithmetic (live_scene.js), then its drawing (live_chart.js).
TABLE_JS = module_text("live_shared.js", "live_table.js")
CHART_JS = module_text("live_shared.js", "live_scene.js", "live_chart.js")
TABLE = st.components.v2.component("descent_lab_table", js=TABLE_JS, isolate_styles=False)
OFFLINE_HEIGHT = 620
OFFLINE_NOTE = ("Descent Lab, offline: the same live chart as the app's Playground, with every number "
                "of this run inside this file. Move the sliders or press Play; the other rates and starts "
                "are computed here by look-up, exactly as in the app. Gradients are of half the MSE (the "
                "tutorial's ŷ − y); losses are MSE.")


def plotly_source() -> Path:
    """The plotly.js the chart loads: the pinned basic bundle (``scripts/fetch_plotly.py``), else the plotly
    wheel's full one (a warning in the server log)."""
    path, small = bundle.chosen()
    if not small:
        LOG.warning("vendor/plotly-basic.min.js is missing or not the pinned %s@%s: the live chart loads the "
                    "full plotly.js (4.8 MB). Run scripts/fetch_plotly.py.", bundle.PACKAGE, bundle.VERSION)
    return path


def served(prefix: str, suffix: str, raw: bytes) -> str | None:
    """``raw`` as a file of the app's static folder, named by its digest (so a browser may cache it for
    good), written once; its URL, or None if that fails."""
    name = f"{prefix}-{hashlib.sha1(raw).hexdigest()[:12]}{suffix}"
    target = STATIC / name
    try:
        if not target.exists() or target.stat().st_size != len(raw):
            STATIC.mkdir(exist_ok=True)
            tmp = target.with_name(f"{name}.{os.getpid()}.tmp")
            tmp.write_bytes(raw)
            tmp.replace(target)
        return f"app/static/{name}"
    except OSError:
        return None


def plotly_url() -> str | None:
    """plotly.js (:func:`plotly_source`), :func:`served`; None if that fails."""
    try:
        return served("plotly", ".min.js", plotly_source().read_bytes())
    except OSError:
        return None


PLOTLY_URL = plotly_url()
# The chart's module, served (a rerun then sends the stub, not 35 kB of script); inlined if it cannot be.
MODULE_URL = served("live", ".js", CHART_JS.encode())
STUB_JS = module_text("live_shared.js", "live_stub.js")
CHART = st.components.v2.component("descent_lab_live", css=CSS, isolate_styles=False,
                                   js=STUB_JS if MODULE_URL else CHART_JS)


def mount(key: str, data: dict, **callbacks) -> None:
    """The live chart component under ``key``, drawing ``data``, with where its plotly.js and module
    are served (every mount of the chart: the Playground, the step-through page, a student's phone)."""
    CHART(key=key, data=packed({**data, "plotly": PLOTLY_URL, "module": MODULE_URL}), **callbacks)


def preload() -> None:
    """Start loading plotly.js and the chart's module in the browser now (call it as early as the page
    can): the downloads and their parsing then overlap the rest of the script run instead of following
    it."""
    if PLOTLY_URL and not st.session_state.get(FAILED):
        TABLE(key="live_plotly", data={"plotly": PLOTLY_URL, "module": MODULE_URL}, height=0)


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


@shared(max_entries=16)
def _blob(key: str, _exp, model, options: tuple, epochs: int, _data, base: tuple, schedule=None):
    """The rate table for one dataset, model, epoch count, rate grid (and schedule: then the products
    for the grid's peak rates): computed once, in milliseconds."""
    table = rate_table(_exp.quadratic, [float(o) for o in options], epochs, FRAMES, schedule)
    return table_blob(_exp, table, list(options), _data, np.asarray(base)), table


def available() -> bool:
    """The live chart can be tried (plotly.js is served and it did not fail in this session)."""
    return PLOTLY_URL is not None and not st.session_state.get(FAILED)


def _retry() -> None:
    st.session_state.pop(FAILED, None)
    st.session_state.pop(KEY, None)


def failed_notice(key: str = "live_retry") -> None:
    """What a page shows instead of the chart when it could not start: why, and a button to retry."""
    why = st.session_state.get(FAILED) or ("plotly.js could not be copied into the app's static folder "
                                           "(is it writable?)")
    st.error("The chart could not be drawn in this browser. Reason: " + str(why)[:300] +
             ". Try again, or reload the page; every number is also in the tables and downloads below.")
    st.button("Try the chart again", key=key, on_click=_retry, icon=":material/refresh:")


def _table(f: Frame, options, epochs: int, schedule, data=None):
    """The rate table's blob and the table itself, for the rate grid ``options``."""
    base = init_tutorial(len(f.model.predictors))[0]
    if data is None:  # the blob holds the data's points, never the run's
        data = descent_data(f.exp, None, f.model.index, f.dataset)
    return _blob(f.dataset.key, f.exp, f.model, tuple(options), epochs, data, tuple(base), schedule)


def _payload(f: Frame, history, options: list[str], height: int, key: str):
    """The table blob and the chart's JSON for the sidebar's current run."""
    data = descent_data(f.exp, history, f.model.index, f.dataset)
    blob, table = _table(f, options, f.run.epochs, f.run.schedule, data)
    ends = _endings(blob.digest, f.exp.quadratic, table, tuple(f.w0), f.b0, f.run.epochs)
    run = hashlib.sha1(repr((blob.digest, f.run.lr_text, f.run.w0, f.run.b0)).encode()).hexdigest()[:12]
    payload = run_json(
        blob.digest, options.index(f.run.lr_text), f.run.w0, f.run.b0, ends, run=run, key=key,
        shown=f.model.shown, presenter=f.on_stage,
        spec=chart_spec(data, presenter=f.on_stage), height=height,
        summary=exports.descent_summary(data), **_strip(f))
    return blob, payload


def _strip(f: Frame) -> dict:
    """A schedule's strip of the rate per epoch (drawn by the chart at whatever peak rate the slider is
    at); nothing for a constant rate."""
    s = f.run.schedule
    if s.is_constant(f.run.epochs):
        return {}
    critical = f.exp.theory.critical_lr
    return {"strip": _strip_payload(s, f.run.epochs, critical),
            "strip_alt": strip_alt(s, f.run.lr, f.run.epochs, critical)}


@shared(max_entries=32)
def _strip_payload(schedule, epochs: int, critical: float) -> dict:
    return strip_payload(schedule, epochs, critical, KIND_LABELS[schedule.kind])


@shared(max_entries=256)
def _endings(digest: str, _quad, _table, w0: tuple, b0: float, epochs: int):
    """Each grid rate's ending from this start, once per table (named by its digest) and start: a new
    rate alone, the commonest change, reuses it, and every session shares it. The core's
    :func:`endings`."""
    return endings(_quad, _table, np.asarray(w0), b0, epochs)


def draw_table(f: Frame) -> str | None:
    """The rate table of ``open_page(needs="length")``'s frame, for the rate grid the slider will have
    (an invisible element; its digest returned, None when the chart cannot start). It depends on the
    data, the model, the epochs and the schedule, not on the rate or the start: the Playground draws it
    outside its fragment, so a slider's rerun does not send its few hundred kB again."""
    if not available():
        return None
    options = sidebar.rate_choice(f.exp, f.model, f.dataset.key).options
    blob, _ = _table(f, options, *f.length)
    TABLE(key="live_table", data=blob.data, height=0)
    return blob.digest


def live_chart(f: Frame, history, options: list[str], height: int, *, fill: bool = False,
               table: str | None = None) -> bool:
    """The live chart for the sidebar's current run; ``options`` is the rate slider's grid. ``fill``
    (presenter mode): the plot takes the height the window leaves under it, ``height`` at least, less
    ``FILL_SLACK_PX`` (the page's foot). ``table``: the digest of the rate table :func:`draw_table` drew
    (else it is drawn here). False, drawing nothing, when that table is not this run's (the grid
    changed): the page must run again from the top."""
    if not available():
        failed_notice()
        return True
    blob, payload = _payload(f, history, options, height, KEY)
    if table is None:
        TABLE(key="live_table", data=blob.data, height=0)
    elif table != blob.digest:
        return False
    mount(KEY, {**payload, "fill": FILL_SLACK_PX if fill else 0}, on_commit_change=_on_commit,
          on_failed_change=_on_failed)
    return True


def offline_page(f: Frame, history, options: list[str], title: str) -> str:
    """The live chart of this run as one HTML file that plays offline (plotly.js, the component's JS and
    every number inlined); its sliders work too."""
    blob, payload = _payload(f, history, options, OFFLINE_HEIGHT, "offline")
    payload = {**payload, "presenter": False, "spec": chart_spec(
        descent_data(f.exp, history, f.model.index, f.dataset), presenter=False)}
    return offline_html(title=title, table=blob.data, payload=payload, plotly_js=plotly_source().read_text(
        encoding="utf-8"), chart_js=CHART_JS, table_js=TABLE_JS, css=CSS, note=OFFLINE_NOTE)


def finished_chart(f: Frame, history, *, key: str, height: int) -> None:
    """A run computed on the server (the lesson's literal loop), drawn by the live chart as it is: the
    same panels, stacked on a narrow screen, with its Play button and epoch scrubber, no sliders."""
    if not available():
        return failed_notice(key + "_retry")
    data = descent_data(f.exp, history, f.model.index, f.dataset)
    s = scene(data)
    run = hashlib.sha1(repr((key, f.dataset.key, f.run.lr_text, history.epochs_run,
                             float(s.loss[-1]))).encode()).hexdigest()[:12]
    mount(key, scene_json(s, data, f.run.lr_text, run=run, key=key, shown=f.model.shown,
                          presenter=f.on_stage, spec=chart_spec(data, presenter=f.on_stage), height=height,
                          stacked_height=max(int(height * 1.3), GEOMETRY["stacked_height"]),
                          summary=exports.descent_summary(data)),
          on_failed_change=_on_failed)
