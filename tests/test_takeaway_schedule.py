"""The exported notebook and script carry the learning-rate schedule: the literal loop computes η_t from the
epoch with the issue's formula, and its last line reproduces ``fit --schedule ... --json``."""

from __future__ import annotations

import pytest
from conftest import REPO
from takeaway_run import assert_same_run, execute_notebook, export, fit_json, jupyter_kernel, run_script

from gd_core.schedules import SCHEDULES, Schedule
from gd_core.takeaway import SCRIPT

SEATTLE = str(REPO / "data" / "seattle-weather.csv")
CLEMSON = str(REPO / "data" / "clemson-temps.csv")


def exported(tmp_path, *args):
    out = tmp_path / "run"
    status, _, err = export(*args, "--out", str(out))
    assert status == 0, err
    return out


@pytest.mark.parametrize("kind", SCHEDULES[1:])
def test_the_script_with_a_schedule_reproduces_fit(tmp_path, kind):
    decay = ["--decay-rate", "0.5", "--decay-epochs", "10"] if kind != "cosine" else []
    args = [SEATTLE, "--predictors", "tmax,tmin", "--standardize", "--lr", "2.0", "--epochs", "300",
            "--schedule", kind, *decay, "--warmup-epochs", "4"]
    folder = exported(tmp_path, *args)
    code = (folder / SCRIPT).read_text(encoding="utf-8")
    s = Schedule(kind, 0.5, 10, 4)
    assert f"lr_t = {s.formula('LR', 'epoch', 'EPOCHS')}" in code and s.describe() in code
    fit = fit_json(*args)
    assert fit["schedule"]["kind"] == kind
    got, _ = run_script(folder)
    assert_same_run(got, fit)


def test_a_schedule_that_diverges_stops_at_the_same_epoch(tmp_path):
    args = [CLEMSON, "--predictors", "tmax", "--lr", "0.01", "--epochs", "400", "--schedule", "inverse-time",
            "--decay-rate", "0.1", "--decay-epochs", "50"]
    fit = fit_json(*args)
    assert fit["diverged"]
    got, _ = run_script(exported(tmp_path, *args))
    assert_same_run(got, fit)


def test_bad_schedule_values_are_refused_by_export_as_by_fit(tmp_path):
    status, out, err = export(SEATTLE, "--epochs", "10", "--schedule", "cosine", "--warmup-epochs", "10",
                              "--out", str(tmp_path / "run"))
    assert status == 2 and err.startswith("error: --warmup-epochs 10 must be fewer than --epochs 10")
    assert not (tmp_path / "run").exists()


@pytest.mark.slow
def test_the_notebook_with_a_schedule_reproduces_fit(tmp_path):
    args = [SEATTLE, "--predictors", "tmax", "--standardize", "--lr", "2.5", "--epochs", "200", "--schedule",
            "exponential", "--decay-rate", "0.5", "--decay-epochs", "10"]
    folder = exported(tmp_path, *args)
    with jupyter_kernel() as kernel:
        got, _, nb = execute_notebook(folder, kernel)
    assert_same_run(got, fit_json(*args))
    assert "The rate follows a schedule" in nb.cells[0].source


def test_the_playgrounds_zip_carries_its_schedule():
    import io
    import zipfile

    from conftest import dataset_of

    from gd_ui.takeaway_view import run_zip_of, view_of
    from gd_ui.widgets.cache import Model

    model = Model(("tmax",), "tmax", "tmax_tomorrow", True)
    s = Schedule("step", 0.5, 20, 0)
    view = view_of(dataset_of("seattle"), model, [0.0], 0.0, 2.0, 200, s)
    assert view.schedule == s.to_dict()
    with zipfile.ZipFile(io.BytesIO(run_zip_of(view))) as z:
        assert f"lr_t = {s.formula('LR', 'epoch', 'EPOCHS')}" in z.read(SCRIPT).decode()
    assert view_of(dataset_of("seattle"), model, [0.0], 0.0, 2.0, 200, Schedule()).schedule is None
