"""``python -m gd_core``: never a warning on stderr, quiet on a closed pipe, the start it really used,
one ``error: ...`` line for files that are not weather tables or have no tmax."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout

import pandas as pd
import pytest
from conftest import REPO

from gd_core import cli


def run_main(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = cli.main([str(a) for a in args])
    return status, out.getvalue(), err.getvalue()


def one_error_line(status: int, stdout: str, stderr: str) -> str:
    assert status == 2 and stdout == ""
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in stderr, stderr
    return lines[0]


@pytest.fixture(scope="module")
def weather(tmp_path_factory):
    days = pd.date_range("2015-01-01", periods=60)
    frame = pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "tmax": [10 + d % 9 for d in range(60)],
                          "tmin": [2 + d % 5 for d in range(60)], "rain": [d % 3 * 0.5 for d in range(60)]})
    path = tmp_path_factory.mktemp("cli") / "weather.csv"
    frame.to_csv(path, index=False)
    return path


# --- 2h: no warning ever reaches stderr --------------------------------------------------------

def test_a_learning_rate_that_overflows_is_a_diverged_run_not_a_warning(weather):
    status, stdout, stderr = run_main("fit", weather, "--lr=1e308", "--epochs", "5", "--json")
    assert status == 0 and stderr == ""
    out = json.loads(stdout)
    assert out["diverged"] is True and out["diverged_at"] == 1 and out["epochs_run"] == 0


def test_as_a_process_stderr_stays_empty(weather):
    done = subprocess.run([sys.executable, "-m", "gd_core", "fit", str(weather), "--lr=1e308",
                           "--epochs", "5"], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stderr == ""
    assert "DIVERGED at epoch 1" in done.stdout


# --- 2h: a closed pipe ends quietly --------------------------------------------------------------

@pytest.mark.parametrize("command", ["fit", "inspect"])
def test_a_closed_pipe_ends_quietly_with_status_0(weather, command):
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first byte is written, like `| head -0`
    try:
        done = subprocess.run([sys.executable, "-m", "gd_core", command, str(weather)]
                              + (["--epochs", "5"] if command == "fit" else []),
                              cwd=REPO, stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(write_end)
    assert done.returncode == 0 and done.stderr == ""


# --- 2h: the header says the start actually used -------------------------------------------------

@pytest.mark.parametrize(("args", "expected"), [
    ((), "init tutorial)"),
    (("--init", "zeros"), "init zeros)"),
    (("--w0", "0.5", "--b0", "1"), "start w0=0.5,0.5,0.5 b0=1)"),
    (("--b0", "7"), "init tutorial with b0=7)"),
    (("--init", "zeros", "--w0", "1,2,3"), "init zeros with w0=1,2,3)"),
])
def test_the_header_states_the_start_used(weather, args, expected):
    status, stdout, stderr = run_main("fit", weather, "--epochs", "3", *args)
    assert status == 0 and stderr == ""
    assert stdout.splitlines()[0].endswith(expected), stdout.splitlines()[0]


def test_inspect_counts_lines_in_words(weather):
    status, stdout, _ = run_main("inspect", weather)
    assert status == 0 and "0 lines before the header" in stdout and "line(s)" not in stdout


def test_a_message_over_several_lines_still_prints_one_line(weather, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("first part\nsecond part")

    monkeypatch.setattr(cli, "make_problem", broken)
    assert one_error_line(*run_main("fit", weather)) == "error: first part second part"


# --- 2c, 2g: files the lab cannot use -----------------------------------------------------------

def test_a_markdown_file_gets_a_short_error(tmp_path):
    path = tmp_path / "README.md"
    path.write_bytes(b"# Descent Lab\n\nWatch gradient descent, on tmax, tmin, rain and more.\n\n"
                     b"- one, two, three\n- four, five, six\n")
    line = one_error_line(*run_main("fit", path))
    assert line == ("error: 'README.md' does not look like a weather table: no date column and no "
                    "tmax/tmin/rain column with numbers found (first line: '# Descent Lab')")


def test_the_projects_own_readme_is_not_a_weather_table():
    line = one_error_line(*run_main("fit", REPO / "README.md"))
    assert "does not look like a weather table" in line and len(line) < 200


def test_an_empty_tmax_column_is_one_clear_error(tmp_path):
    days = pd.date_range("2020-01-01", periods=30).strftime("%Y-%m-%d")
    path = tmp_path / "no_tmax.csv"
    path.write_text("date,tmax,tmin\n" + "".join(f"{d},,{i % 5}\n" for i, d in enumerate(days)))
    line = one_error_line(*run_main("fit", path, "--predictors", "tmax,tmin"))
    assert line.startswith("error: tmax has no values")
