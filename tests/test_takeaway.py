"""Take the run home: the exported notebook and script reproduce ``python -m gd_core fit --json``.

The slow tests run each export as a user would, in a temporary folder holding only its three files: the
notebook through a Jupyter kernel (nbclient), the script as ``python descent.py``. Their last line must
match ``fit --json`` on the same view: weights, bias and training loss to 1e-9 relative, epochs run and
divergence epoch exactly.
"""

from __future__ import annotations

import io
import itertools
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
from conftest import REPO
from takeaway_run import (
    assert_same_run,
    execute_notebook,
    export,
    fit_json,
    jupyter_kernel,
    read_checked_notebook,
    run_script,
)

from gd_core.data import read_weather_csv
from gd_core.takeaway import (
    FILES,
    README,
    ZIP_NAME,
    RunView,
    prepare,
    run_files,
    run_zip,
    script,
    weather_csv,
)

SEATTLE = str(REPO / "data" / "seattle-weather.csv")
CLEMSON = str(REPO / "data" / "clemson-temps.csv")
DWD_HEADER = ("STATIONS_ID;MESS_DATUM;QN_3;  FX;  FM;QN_4; RSK;RSKF; SDK;SHK_TAG;  NM; VPM;  PM; TMK; UPM; "
              "TXK; TNK; TGK;eor")
TIMES: dict[str, float] = {}


@pytest.fixture(scope="module")
def kernel():
    with jupyter_kernel() as name:
        yield name


def dwd_file(folder: Path, days: int = 500) -> Path:
    """Seattle's first ``days`` days as a DWD ``produkt_klima_tag`` file (see tests/importer_fixtures.py):
    ``;``-separated, padded, YYYYMMDD dates, ``-999`` gaps in every column, some days absent."""
    rows = [DWD_HEADER]
    for i, (day, r) in enumerate(read_weather_csv(SEATTLE).head(days).iterrows()):
        if i % 53 == 20:
            continue  # a day absent from the file: the day before it gets no target

        def value(x, gap):
            return "-999" if gap else f"{x:6.1f}"
        rows.append(f"       1048;{day:%Y%m%d};-999;-999;-999;    5;{value(r.rain, i % 41 == 7)};   8;-999;"
                    f"   0;-999;  4.1;  993.50;  -2.3;  85.00;{value(r.tmax, i % 37 == 5)};"
                    f"{value(r.tmin, i % 29 == 3)};-999;eor")
    path = folder / "produkt_klima_tag_20120101_20130514_01048.txt"
    path.write_bytes(("\n".join(rows) + "\n").encode("latin-1"))
    return path


def exported(tmp_path: Path, *args: str) -> Path:
    """``export FILE ARGS --out DIR``: the folder, holding exactly the three files."""
    out = tmp_path / "run"
    status, stdout, stderr = export(*args, "--out", str(out))
    assert status == 0, stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    return out


def both_match_fit(tmp_path: Path, kernel: str, case: str, *args: str) -> None:
    """Export, run the notebook and the script, and hold both to ``fit --json`` with the same options."""
    out = exported(tmp_path, *args)
    fit = fit_json(*args)
    from_notebook, seconds, _ = execute_notebook(out, kernel)
    assert_same_run(from_notebook, fit)
    from_script, script_seconds = run_script(out)
    assert_same_run(from_script, fit)
    assert (out / "descent-plots.html").stat().st_size > 1_000_000  # plotly.js inside: plays offline
    TIMES[case] = seconds
    print(f"\n{case}: notebook {seconds:.1f} s, script {script_seconds:.1f} s")


# --- the cases of the issue, executed --------------------------------------------------------------------

@pytest.mark.slow
def test_seattle_one_predictor(tmp_path, kernel):
    both_match_fit(tmp_path, kernel, "seattle", SEATTLE, "--predictors", "tmax", "--lr", "1e-4",
                   "--epochs", "20000")


@pytest.mark.slow
def test_clemson_two_predictors_standardised(tmp_path, kernel):
    both_match_fit(tmp_path, kernel, "clemson", CLEMSON, "--predictors", "tmax,tmin", "--standardize",
                   "--lr", "0.5", "--epochs", "300", "--init", "zeros", "--b0", "3")


@pytest.mark.slow
def test_a_rate_above_critical_diverges_at_the_same_epoch(tmp_path, kernel):
    base = ("--predictors", "tmax,tmin")
    critical = fit_json(SEATTLE, *base, "--epochs", "1")["theory"]["critical_lr"]
    args = (SEATTLE, *base, "--lr", repr(1.05 * critical), "--epochs", "5000")
    fit = fit_json(*args)
    assert fit["diverged"] and 10 < fit["diverged_at"] < 5000
    both_match_fit(tmp_path, kernel, "diverging", *args)


@pytest.mark.slow
def test_an_uploaded_dwd_file(tmp_path, kernel):
    source = dwd_file(tmp_path)
    both_match_fit(tmp_path, kernel, "dwd", str(source), "--predictors", "tmax,tmin,rain", "--fill", "drop",
                   "--lr", "2e-4", "--epochs", "3000", "--w0", "0.5,0.2,0", "--b0", "1")


@pytest.mark.slow
@pytest.mark.parametrize("fill", ["ffill", "drop", "interpolate"])
def test_every_gap_strategy_reproduces_fit_in_the_script(tmp_path, fill):
    args = (CLEMSON, "--predictors", "tmax,tmin", "--fill", fill, "--lr", "1e-4", "--epochs", "500")
    got, _ = run_script(exported(tmp_path, *args))
    assert_same_run(got, fit_json(*args))


def gappy_file(folder: Path) -> Path:
    """Seattle as a tidy CSV with a 20-day hole in tmax and a 3-day hole in tmin."""
    frame = read_weather_csv(SEATTLE).head(600).copy()
    frame.iloc[100:120, frame.columns.get_loc("tmax")] = np.nan
    frame.iloc[300:303, frame.columns.get_loc("tmin")] = np.nan
    path = folder / "gappy.csv"
    frame.rename_axis("date").to_csv(path)
    return path


@pytest.mark.slow
@pytest.mark.parametrize("fill", ["ffill", "interpolate"])
def test_a_fill_limit_is_the_apps_in_the_script(tmp_path, fill):
    """The app bridges gaps of at most 7 days only (a longer gap is left out): so does the exported code."""
    args = (str(gappy_file(tmp_path)), "--predictors", "tmax,tmin", "--fill", fill, "--max-fill-days", "7",
            "--lr", "1e-4", "--epochs", "500")
    limited, unlimited = fit_json(*args), fit_json(*args[:5], *args[7:])
    assert limited["weights"] != unlimited["weights"]  # the limit changes the run: the case can fail
    folder = exported(tmp_path, *args)
    assert "MAX_FILL_DAYS = 7" in (folder / "descent.py").read_text()
    got, _ = run_script(folder)
    assert_same_run(got, limited)


@pytest.mark.slow
@pytest.mark.parametrize("target", [("--target", "tmin_tomorrow", "--predictors", "tmax,tmin"),
                                    ("--target", "tmin", "--predictors", "tmax,rain"),
                                    ("--target", "rain_tomorrow", "--predictors", "rain", "--init", "zeros")])
def test_other_targets_reproduce_fit_in_the_script(tmp_path, target):
    args = (SEATTLE, *target, "--lr", "1e-4", "--epochs", "1000")
    got, _ = run_script(exported(tmp_path, *args))
    assert_same_run(got, fit_json(*args))


@pytest.mark.slow
def test_the_tutorials_own_file_with_its_target_column(tmp_path, reference_csv):
    args = (str(reference_csv), "--lr", "1e-4", "--epochs", "5000")  # tmax, tmin, rain → tmax_tomorrow
    folder = exported(tmp_path, *args)
    assert "next_day" not in (folder / "descent.py").read_text()  # the file's own target, used as it is
    got, _ = run_script(folder)
    assert_same_run(got, fit_json(*args))


# --- the files themselves --------------------------------------------------------------------------------

def seattle_view(**changes) -> RunView:
    values = dict(frame=read_weather_csv(SEATTLE), predictors=("tmax",), target="tmax_tomorrow",
                  standardize=False, w0=(0.5,), b0=1.0, lr=1e-4, epochs=200,
                  units={"temperature": "C", "rain": "mm"}, source="Seattle")
    return RunView(**{**values, **changes})


def test_the_script_reproduces_fit(tmp_path):
    folder = exported(tmp_path, SEATTLE, "--predictors", "tmax,tmin", "--lr", "1e-4", "--epochs", "2000")
    got, _ = run_script(folder)
    assert_same_run(got, fit_json(SEATTLE, "--predictors", "tmax,tmin", "--lr", "1e-4", "--epochs", "2000"))


def test_the_notebook_validates_with_no_outputs_and_one_text_cell_per_step(tmp_path):
    folder = exported(tmp_path, CLEMSON, "--predictors", "tmax", "--epochs", "10")
    nb = read_checked_notebook(folder)
    kinds = [c.cell_type for c in nb.cells]
    assert kinds[0] == "markdown" and kinds.count("code") >= 9
    assert all(a != b or a == "markdown" for a, b in itertools.pairwise(kinds))  # text before every code cell
    assert nb.metadata.kernelspec.name == "python3"
    assert len({c.id for c in nb.cells}) == len(nb.cells)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "half" in text and "calendar" in text and "70 %" in text  # the convention, the target, the split
    assert "°F" in text  # Clemson's units, stated


def test_the_notebook_states_this_runs_values():
    prep = prepare(seattle_view(lr=3e-3, epochs=500))
    nb = nbformat.from_dict(json.loads(run_files(prep.view)["descent.ipynb"]))
    intro = nb.cells[0].source
    assert "η = 0.003" in intro and "500 epochs" in intro
    assert f"{prep.exp.theory.critical_lr:.6g}" in intro
    assert f"{3e-3 / prep.exp.theory.critical_lr:.3g} × critical" in intro
    settings = nb.cells[2].source
    assert "LR = 0.003" in settings and "EPOCHS = 500" in settings and "W0 = [0.5]" in settings
    assert "lr_t = LR" in "".join(c.source for c in nb.cells)  # the per-epoch rate the loop uses


def test_the_zip_has_fixed_names_and_is_deterministic():
    view = seattle_view(source="../../etc/passwd\n`rm -rf`")
    data = run_zip(view)
    assert data == run_zip(view)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == ["descent.ipynb", "descent.py", "weather.csv", README]
        readme = archive.read(README).decode()
    assert "../../etc/passwd `rm -rf`" in readme  # one line of plain text, never a path
    assert ZIP_NAME == "descent-run.zip"


def test_the_csv_is_the_daily_table_read_back_exactly(clemson_frame):
    view = RunView(clemson_frame, ("tmax",), "tmax_tomorrow", False, (0.0,), 0.0, 1e-4, 10)
    text = weather_csv(view)
    assert text.splitlines()[0] == "date,tmax,tmin"
    back = pd.read_csv(io.StringIO(text), index_col="date", parse_dates=["date"])
    assert back.index.equals(clemson_frame.index)
    np.testing.assert_array_equal(back.to_numpy(), clemson_frame[["tmax", "tmin"]].to_numpy())  # NaN = NaN
    assert back.isna().sum().sum() > 0  # Clemson's real gaps stay gaps: the code fills them


def test_names_from_a_file_cannot_break_the_code_or_the_text(tmp_path):
    frame = read_weather_csv(SEATTLE).rename(columns={"tmin": 'low"`\n# import os'})
    view = seattle_view(frame=frame, predictors=("tmax", 'low"`\n# import os'), w0=(0.5, 0.1))
    files = run_files(view)
    code = files["descent.py"].decode()
    compile(code, "descent.py", "exec")
    assert "\n# import os" not in code.replace("# import os'", "")
    nb = nbformat.from_dict(json.loads(files["descent.ipynb"]))
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            assert "\n# import os" not in cell.source
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    got, _ = run_script(tmp_path)
    assert got["epochs_run"] == 200


def test_the_generated_script_is_lint_clean(tmp_path):
    path = tmp_path / "descent.py"
    view = seattle_view(standardize=True, predictors=("tmax", "rain"), w0=(0.1, 0.2))
    path.write_text(script(prepare(view)))
    lint = ["check", "--isolated", "--select", "E,F,W,B", "--ignore", "B905", "--line-length", "110"]
    done = subprocess.run([sys.executable, "-m", "ruff", *lint, str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


# --- the command line ------------------------------------------------------------------------------------

@pytest.mark.parametrize("bad", [
    ("--lr", "-1"), ("--epochs", "0"), ("--predictors", "wind,fog"), ("--fill", "zero"), ("--init", "random"),
    ("--w0", "1,2,3", "--predictors", "tmax,tmin"),
])
def test_bad_options_give_fits_own_error(tmp_path, bad):
    out = tmp_path / "never"
    status, stdout, stderr = export(SEATTLE, *bad, "--out", str(out))
    fit_out, fit_err = io.StringIO(), io.StringIO()
    from contextlib import redirect_stderr, redirect_stdout

    from gd_core.cli import main
    with redirect_stdout(fit_out), redirect_stderr(fit_err):
        fit_status = main(["fit", SEATTLE, *bad])
    assert (status, stdout) == (fit_status, "") == (2, "")
    assert stderr == fit_err.getvalue() and stderr.startswith("error: ") and stderr.count("\n") == 1
    assert not out.exists()


def test_a_missing_file_and_a_missing_out_are_one_line_errors(tmp_path):
    status, _, stderr = export(str(tmp_path / "nope.csv"), "--out", str(tmp_path / "o"))
    assert status == 2 and stderr.startswith("error: ") and stderr.count("\n") == 1
    status, _, stderr = export(SEATTLE)
    assert status == 2 and "--out" in stderr and stderr.count("\n") == 1


def test_an_existing_folder_is_kept_unless_forced(tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    (out / "descent.py").write_text("old")
    args = (SEATTLE, "--predictors", "tmax", "--epochs", "10", "--out", str(out))
    status, _, stderr = export(*args)
    assert status == 2 and "--force" in stderr and stderr.count("\n") == 1
    assert (out / "descent.py").read_text() == "old"
    status, stdout, stderr = export(*args, "--force", "--json")
    assert status == 0, stderr
    report = json.loads(stdout)
    assert report["files"] == list(FILES) and report["expected"]["epochs_run"] == 10
    assert (out / "notes.txt").read_text() == "mine" and (out / "descent.py").read_text() != "old"
    (tmp_path / "file").write_text("x")
    status, _, stderr = export(*args[:-1], str(tmp_path / "file"))
    assert status == 2 and "not a folder" in stderr


def test_the_export_options_are_fits_options():
    from gd_core.cli import build_parser

    sub = next(a for a in build_parser()._actions if a.dest == "command")
    fit = {o for a in sub.choices["fit"]._actions for o in a.option_strings}
    assert fit - {o for a in sub.choices["export"]._actions for o in a.option_strings} == set()


@pytest.mark.parametrize("target", ["tmax_tomorrow", "tmin_tomorrow", "tmin", "tmax_tomorrow*"])
def test_the_codes_columns_are_make_problems(target):
    from gd_core.takeaway import used_columns
    from gd_core.takeaway_code import target_columns

    frame = read_weather_csv(SEATTLE)
    if target.endswith("*"):  # the tutorial's layout: the target is a column of the file
        target = target[:-1]
        frame = frame.assign(**{target: frame["tmax"].shift(-1)})
    view = seattle_view(frame=frame, target=target, predictors=("rain",))
    assert list(dict.fromkeys(["rain", *target_columns(prepare(view))])) == list(used_columns(view))


def test_without_plotly_the_script_still_runs_and_says_so(tmp_path):
    for name, data in run_files(seattle_view()).items():
        (tmp_path / name).write_bytes(data)
    no_plotly = "import sys; sys.modules['plotly'] = None; exec(open('descent.py', encoding='utf-8').read())"
    done = subprocess.run([sys.executable, "-c", no_plotly], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "plotly is not installed" in done.stdout and not (tmp_path / "descent-plots.html").exists()
    assert json.loads(done.stdout.splitlines()[-1])["epochs_run"] == 200
