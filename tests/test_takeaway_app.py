"""The Playground's and the step-through page's "Notebook + script (.zip)": the run of the page's URL.

The zip is built only when clicked (a deferred download); the test keeps the callable Streamlit
registers and calls it, as a click would, then runs what it gives against ``fit --json``.
"""

from __future__ import annotations

import pytest
from conftest import APP, REPO
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest
from takeaway_run import assert_same_run, execute_notebook, fit_json, jupyter_kernel, run_script, unzip_three

from gd_core.takeaway import ZIP_NAME
from gd_ui.state import DEFAULT_B0, DEFAULT_W0
from gd_ui.takeaway_view import checked_notebook, view_of

SEATTLE = str(REPO / "data" / "seattle-weather.csv")


@pytest.fixture
def downloads(monkeypatch) -> dict:
    """file name → the callable a deferred download button registered (the last one per name)."""
    seen: dict = {}
    original = MediaFileManager.add_deferred

    def record(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        seen[file_name] = data_callable
        return original(self, data_callable, mimetype, coordinates, file_name=file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    return seen


def page(query: dict, switch: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    if switch:
        at.switch_page(switch).run()
    assert not at.exception, at.exception
    return at


def a_rate(share: float = 0.5) -> str:
    """A rate on the Playground's slider for Seattle, about ``share`` × critical, as the URL spells it."""
    options = page({}).select_slider(key="lr").options
    critical = fit_json(SEATTLE, "--predictors", "tmax", "--epochs", "1")["theory"]["critical_lr"]
    return min(options, key=lambda o: abs(float(o) - share * critical))


@pytest.mark.slow
def test_the_playground_zip_runs_the_urls_start_and_rate(tmp_path, downloads):
    lr = a_rate()
    at = page({"lr": lr, "w0": "0.25", "b0": "-3.5", "epochs": "2,000"})  # as the app spells it
    assert at.select_slider(key="lr").value == lr and at.slider(key="w0").value == 0.25
    assert at.select_slider(key="epochs").value == 2000
    button = next(b for b in at.get("download_button") if b.proto.id.endswith("play_code"))
    assert button.proto.label == "Notebook + script (.zip)" and button.proto.deferred_file_id
    folder = unzip_three(downloads[ZIP_NAME](), tmp_path)
    fit = fit_json(SEATTLE, "--predictors", "tmax", "--lr", lr, "--epochs", "2000", "--w0", "0.25",
                   "--b0", "-3.5")
    with jupyter_kernel() as kernel:
        assert_same_run(execute_notebook(folder, kernel)[0], fit)
    assert_same_run(run_script(folder)[0], fit)


@pytest.mark.slow
def test_the_step_through_zip_stops_at_the_shown_epoch(tmp_path, downloads):
    lr = a_rate(1.2)  # just over critical: each epoch overshoots further
    at = page({"step_part": "epochs", "step_epoch": "7"}, "pages/Step_Through.py")
    at.select_slider(key="lr").set_value(lr).run()
    assert any(f"learning rate {float(lr):.2e}" in c.value for c in at.caption)  # the run the page shows
    folder = unzip_three(downloads[ZIP_NAME](), tmp_path)
    start = ("--w0", repr(DEFAULT_W0), "--b0", repr(DEFAULT_B0))  # the sliders' defaults
    fit = fit_json(SEATTLE, "--predictors", "tmax", "--lr", lr, "--epochs", "7", *start)
    assert_same_run(run_script(folder)[0], fit)


def test_the_view_is_the_pages_dataset_model_and_run():
    from conftest import dataset_of, experiment_of

    from gd_ui.widgets.cache import Model

    exp = experiment_of("seattle", ("tmax", "tmin"), True)
    view = view_of(dataset_of("seattle"), Model(("tmax", "tmin"), "tmax", "tmax_tomorrow", True),
                   exp.initial()[0], 0.0, 0.1, 50)
    assert (view.predictors, view.standardize, view.fill) == (("tmax", "tmin"), True, "ffill")
    assert view.epochs == 50
    assert view.units == {"temperature": "C", "rain": "mm"} and view.schedule is None
    assert checked_notebook(view).nbformat == 4


@pytest.mark.slow
@pytest.mark.parametrize("fill", ["drop", "interpolate"])
def test_an_uploaded_dwd_file_as_the_data_page_makes_it(tmp_path, fill):
    """The Data page's dataset (imported, gaps treated as chosen, then the pages' forward-fill): the zip's
    table is that dataset's, and its code gives the app's numbers; with every column a predictor,
    ``--fill drop`` on the original file is the same run."""
    from test_takeaway import dwd_file

    from gd_core.importer import import_weather
    from gd_core.takeaway import prepare
    from gd_ui.dataview import to_dataset
    from gd_ui.takeaway_view import run_zip_of
    from gd_ui.widgets.cache import Model

    source = dwd_file(tmp_path)
    dataset = to_dataset(import_weather(source), filename=source.name, data_digest="d", fill=fill,
                         settings="")
    model = Model(("tmax", "tmin", "rain"), "tmax", "tmax_tomorrow", False)
    view = view_of(dataset, model, (0.5, 0.2, 0.0), 1.0, 2e-4, 3000)
    folder = tmp_path / "run"
    folder.mkdir()
    unzip_three(run_zip_of(view), folder)
    got = run_script(folder)[0]
    app = prepare(view).result()
    assert_same_run(got, {**app, "loss": {"train": app["train_loss"]}})
    if fill == "drop":
        fit = fit_json(str(source), "--predictors", "tmax,tmin,rain", "--fill", "drop", "--lr", "2e-4",
                       "--epochs", "3000", "--w0", "0.5,0.2,0", "--b0", "1")
        assert_same_run(got, fit)
