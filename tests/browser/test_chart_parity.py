"""The one drawing of the three-panel chart, held to the Python scene, and its offline file.

``live_chart.js`` computes the runs of the rates and starts a slider passes through by itself (look-ups
and products on the rate table), then applies the scene rules. Over a grid of cases — both bundled
datasets, raw and standardised, one and three predictors (three on Seattle: Clemson has no rain), rates
from a crawl to a divergence — every frame's numbers (epochs, weight, intercept, loss, gradient) and
ranges (the data's box, (b)'s and (c)'s axes, fixed or following) are those of ``gd_ui.chart.scene`` on
the core's own run to a relative 1e-9. The chart runs here exactly as the offline export ships it
(``gd_ui.chart.offline``): its JS, plotly.js and the numbers in one file, every request outside the file
blocked.
"""

from __future__ import annotations

import math
import re
from types import SimpleNamespace

import numpy as np
import pytest
from conftest import dataset_of, experiment_of
from playwright.sync_api import Page

from gd_core.model import init_tutorial
from gd_core.rate_grid import endings, rate_table
from gd_ui.chart.live_payload import run_json, table_blob
from gd_ui.chart.offline import offline_html
from gd_ui.chart.scene import scene
from gd_ui.chart.spec import chart_spec
from gd_ui.chart.views import descent_data
from gd_ui.formats import num, sci

from .conftest import REPO

WIDGETS = REPO / "gd_ui" / "widgets"
EPOCHS, FRAMES = 10_000, 200
MULTIPLES = (0.001, 0.01, 0.5, 0.95, 1.02, 1.05, 2.0, 10.0)  # × the critical rate: crawl → diverge
CASES = [("seattle", ("tmax",), False), ("seattle", ("tmax",), True), ("clemson", ("tmax",), False),
         ("clemson", ("tmax",), True), ("seattle", ("tmax", "tmin", "rain"), False),
         ("seattle", ("tmax", "tmin", "rain"), True), ("clemson", ("tmax", "tmin"), True)]
START = (-0.5, 10.0)  # the page's default start (original units); the other weights: the tutorial's
OTHER_START = (1.4, -20.0)  # a start the server did not see (a w0/b0 drag): the browser's own run


def plotly_js() -> str:
    from gd_ui.widgets.live import plotly_source  # the file the app serves

    return plotly_source().read_text(encoding="utf-8")


def table_js() -> str:
    from gd_ui.widgets.live import TABLE_JS  # the module the app mounts

    return TABLE_JS


def chart_js() -> str:
    from gd_ui.widgets.live import CHART_JS  # the module the app mounts

    return CHART_JS


def model_start(exp, w_orig: np.ndarray, b_orig: float):
    return exp.scaler.to_standardized(w_orig, b_orig) if exp.scaler else (w_orig, b_orig)


def core_scene(exp, dataset, index, lr, w_orig, b_orig):
    w, b = model_start(exp, w_orig, b_orig)
    h = exp.history_in_original_units(exp.run(np.asarray(w), float(b), lr=lr, epochs=EPOCHS,
                                              max_points=FRAMES))
    return scene(descent_data(exp, h, index, dataset)), h


def case_page(case, index=0):
    """The offline page of one case, its labels, and what the core says for it."""
    key, predictors, standardize = case
    exp, dataset = experiment_of(key, predictors, standardize), dataset_of(key)
    labels = [sci(m * exp.theory.critical_lr, 3) for m in MULTIPLES]
    table = rate_table(exp.quadratic, [float(v) for v in labels], EPOCHS, FRAMES)
    base = init_tutorial(len(predictors))[0].copy()
    w_orig = base.copy()
    w_orig[index] = START[0]
    h0 = exp.history_in_original_units(exp.run(*model_start(exp, w_orig, START[1]), lr=1e-6, epochs=1))
    data = descent_data(exp, h0, index, dataset)
    blob = table_blob(exp, table, labels, data, base)
    w_model, b_model = model_start(exp, w_orig, START[1])
    ends = endings(exp.quadratic, table, w_model, float(b_model), EPOCHS)
    payload = run_json(blob.digest, 3, START[0], START[1], ends, run="parity", key="parity", plotly=None,
                       shown=predictors[index], presenter=False, spec=chart_spec(data), height=620,
                       summary="Chart summary: (the server's sentence)")
    html = offline_html(title=f"parity {case}", table=blob.data, payload=payload, plotly_js=plotly_js(),
                        chart_js=chart_js(),
                        table_js=table_js(),
                        css=(WIDGETS / "live.css").read_text(encoding="utf-8"))
    return SimpleNamespace(exp=exp, dataset=dataset, labels=labels, base=base, html=html, index=index)


def open_offline(page: Page, html: str, tmp_path, name="chart.html") -> list[str]:
    """Open the file with every request that is not the file itself refused; the refused URLs."""
    path = tmp_path / name
    path.write_text(html, encoding="utf-8")
    refused = []

    def guard(route):
        if route.request.url == path.as_uri():
            return route.continue_()
        refused.append(route.request.url)
        return route.abort()

    page.context.route("**/*", guard)
    page.goto(path.as_uri())
    page.wait_for_function("() => { const d = document.querySelector('.dl-live')?.dataset;"
                           " return d && d.drawn === d.run && window.__descentLab.debug; }", timeout=60_000)
    return refused


def js_scene(page: Page, r: int, w0: float, b0: float) -> dict:
    return page.evaluate("([r, w0, b0]) => window.__descentLab.debug.parity.scene(r, w0, b0)", [r, w0, b0])


def close(got, want, what):
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    assert got.shape == want.shape, (what, got.shape, want.shape)
    scale = float(np.max(np.abs(want))) if want.size else 0.0
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-9 * scale, err_msg=what)


def assert_same_scene(js: dict, py, history, what: str):
    np.testing.assert_array_equal(js["epochs"], py.epochs, err_msg=what)
    for name, want in (("w", py.w), ("icpt", py.intercept), ("loss", py.loss), ("grad", py.grad)):
        close(js[name], want, f"{what}: {name}")
    close(js["box"], py.box, f"{what}: box")
    assert js["follow"] == py.follow, what
    for axis, want in (("w", py.w_range), ("l", py.loss_range), ("g", py.grad_range)):
        close([r[axis] for r in js["ranges"]], want, f"{what}: range {axis}")
    assert js["divergedAt"] == (history.diverged_at if history.diverged else None), what


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}-{len(c[1])}-{'std' if c[2] else 'raw'}")
def test_every_frame_of_the_js_is_the_python_scene(page: Page, tmp_path, case):
    c = case_page(case)
    assert open_offline(page, c.html, tmp_path) == []
    regimes = set()
    for r, label in enumerate(c.labels):
        w_orig = c.base.copy()
        w_orig[c.index] = START[0]
        py, h = core_scene(c.exp, c.dataset, c.index, float(label), w_orig, START[1])
        assert_same_scene(js_scene(page, r, *START), py, h, f"{case} at {label}")
        regimes.add("diverged" if h.diverged else "follows" if py.follow else "fixed")
        if not h.diverged:  # a start the server never saw: the browser's own run, the same numbers
            w_orig[c.index] = OTHER_START[0]
            py, h = core_scene(c.exp, c.dataset, c.index, float(label), w_orig, OTHER_START[1])
            if not h.diverged:
                assert_same_scene(js_scene(page, r, *OTHER_START), py, h, f"{case} at {label}, other start")
    assert {"fixed", "diverged"} <= regimes  # the grid spans a converging run and a diverging one


def test_numbers_are_spelled_as_python_spells_them(page: Page, tmp_path):
    c = case_page(CASES[0])
    open_offline(page, c.html, tmp_path)
    rng = np.random.default_rng(7)
    values = [0.0, -0.0, 1.0, -1.0, 0.91208, 8.1083, 12.5, 999.96, 1234.5, -1937.2, 9999.5, 12345.6,
              99_999.0, 999_999.0, 1e6, -2.5e7, 1.2345e-5, 1e-4, 0.00012345, 3.2e-4, 1e300, -1e-300, math.inf,
              -math.inf, math.nan, 5e-324, 123.45, 0.1 + 0.2, 0.125, 2.5, 1.0625, 1234567.5, 2_500_000.0,
              *map(float, rng.normal(0, 1, 200) * 10.0 ** rng.integers(-7, 9, 200))]
    spelled = page.evaluate("vs => vs.map((v) => window.__descentLab.debug.parity.format(v))",
                            [v if math.isfinite(v) else None for v in values])
    # JSON has no inf/nan: those three go through the JS's own spellings of them.
    specials = page.evaluate("() => [Infinity, -Infinity, NaN].map((v) => window.__descentLab.debug.parity"
                             ".format(v))")
    finite = [v for v in values if math.isfinite(v)]
    assert [s for s, v in zip(spelled, values) if math.isfinite(v)] == [num(v) for v in finite]
    assert specials == [num(math.inf), num(-math.inf), num(math.nan)]


def test_the_offline_export_plays_with_the_network_blocked_and_its_frames_are_the_core(page: Page, tmp_path):
    """The Playground's download, built as the page builds it: one file that plays with no network."""
    from gd_ui.controls import lr_options
    from gd_ui.widgets.cache import Model
    from gd_ui.widgets.frame import Frame
    from gd_ui.widgets.live import offline_page
    from gd_ui.widgets.sidebar import Run

    exp, dataset = experiment_of("seattle", ("tmax",), False), dataset_of("seattle")
    rates = tuple(lr_options(exp.theory.critical_lr))
    lr_text = rates[len(rates) // 2]
    run = Run(float(lr_text), lr_text, START[0], START[1], 3000, rates)
    f = Frame(False, dataset, Model(("tmax",), "tmax", "tmax_tomorrow", False), exp, run,
              np.array([START[0]]), START[1])
    history = exp.history_in_original_units(exp.run(np.array([START[0]]), START[1], lr=run.lr,
                                                    epochs=run.epochs, max_points=FRAMES))
    html = offline_page(f, history, list(rates), "Descent Lab · Seattle · offline")
    assert re.search(r"<script[^>]+src=", html) is None and "<link" not in html
    refused = []
    path = tmp_path / "descent-animation.html"
    path.write_text(html, encoding="utf-8")
    page.context.route("**/*", lambda route: route.continue_() if route.request.url == path.as_uri()
                       else (refused.append(route.request.url), route.abort()))
    page.goto(path.as_uri())
    root = page.locator(".dl-live")
    page.wait_for_function("() => { const d = document.querySelector('.dl-live').dataset;"
                           " return d.drawn === d.run; }", timeout=60_000)
    assert refused == []  # nothing left the file
    py = scene(descent_data(exp, history, 0, dataset))
    js = page.evaluate("([w0, b0]) => { const d = window.__descentLab.debug.offline;"
                       " const i = document.querySelector('[data-role=rate]');"
                       " return d.scene(Number(i.value), w0, b0); }", list(START))
    assert_same_scene(js, py, history, "offline export")
    last = root.get_attribute("data-loss")
    assert float(last) == pytest.approx(history.train_loss[-1], rel=1e-9)
    page.get_by_role("button", name=re.compile("Play")).click()  # it plays, from epoch 0
    page.wait_for_function("() => Number(document.querySelector('.dl-live [data-role=frame]').value) > 5",
                           timeout=20_000)
    page.wait_for_function("() => document.querySelector('.dl-live').dataset.drawnKey"
                           " === document.querySelector('.dl-live').dataset.want", timeout=20_000)
    k = int(page.locator('.dl-live [data-role="frame"]').input_value())
    assert k > 5
    page.get_by_role("button", name=re.compile("Pause")).click()
    page.wait_for_timeout(200)
    k = int(page.locator('.dl-live [data-role="frame"]').input_value())
    page.wait_for_function("() => document.querySelector('.dl-live').dataset.drawnKey"
                           " === document.querySelector('.dl-live').dataset.want", timeout=20_000)
    assert int(root.get_attribute("data-epoch")) == int(py.epochs[k])
    assert float(root.get_attribute("data-weight")) == pytest.approx(py.w[k], rel=1e-9)
    assert float(root.get_attribute("data-loss")) == pytest.approx(py.loss[k], rel=1e-9)
    assert refused == []


def test_the_offline_export_of_a_scheduled_run_draws_its_strip_with_the_network_blocked(page: Page, tmp_path):
    """A run with a schedule exports its strip too: drawn inside the file, at the exported peak rate."""
    from gd_core.schedules import Schedule
    from gd_ui.controls import lr_options
    from gd_ui.widgets.cache import Model
    from gd_ui.widgets.frame import Frame
    from gd_ui.widgets.live import offline_page
    from gd_ui.widgets.sidebar import Run

    exp, dataset = experiment_of("seattle", ("tmax",), False), dataset_of("seattle")
    rates = tuple(lr_options(exp.theory.critical_lr))
    lr_text = next(r for r in rates if float(r) > 2 * exp.theory.critical_lr)  # starts too big
    schedule = Schedule("exponential", 0.5, 100)
    run = Run(float(lr_text), lr_text, START[0], START[1], 3000, rates, schedule)
    f = Frame(False, dataset, Model(("tmax",), "tmax", "tmax_tomorrow", False), exp, run,
              np.array([START[0]]), START[1])
    history = exp.history_in_original_units(exp.run(np.array([START[0]]), START[1], lr=run.lr,
                                                    epochs=run.epochs, max_points=FRAMES, schedule=schedule))
    path = tmp_path / "descent-animation.html"
    path.write_text(offline_page(f, history, list(rates), "Descent Lab · offline"), encoding="utf-8")
    refused = []
    page.context.route("**/*", lambda route: route.continue_() if route.request.url == path.as_uri()
                       else (refused.append(route.request.url), route.abort()))
    page.goto(path.as_uri())
    page.wait_for_function("() => document.querySelector('.dl-live .dl-strip').dataset.rate", timeout=60_000)
    drawn = page.evaluate("""() => { const gd = document.querySelector('.dl-live .dl-strip');
        return {x: Array.from(gd.data[2].x), y: Array.from(gd.data[2].y), rate: gd.dataset.rate}; }""")
    t = np.asarray(drawn["x"], dtype=np.int64) - 1
    want = np.maximum(float(lr_text) * schedule.shape(3000)[t], exp.theory.critical_lr * 1e-3)
    np.testing.assert_allclose(drawn["y"], want, rtol=1e-15)
    assert drawn["rate"] == lr_text and refused == []
