"""The CLI checks a file's kind and size before reading it; its help states defaults in plain text."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import REPO

from gd_core import cli, cli_inspect

SEATTLE = str(REPO / "data" / "seattle-weather.csv")


def run(argv, capsys) -> tuple[int, str, str]:
    code = cli.main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_a_folder_is_not_called_missing(tmp_path, capsys):
    code, _, err = run(["fit", str(tmp_path)], capsys)
    assert code == 2 and err.startswith("error: ") and "is a folder, not a file" in err
    assert "not found" not in err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_without_blocking(tmp_path, capsys):
    fifo = tmp_path / "weather.csv"
    os.mkfifo(fifo)
    code, _, err = run(["inspect", str(fifo)], capsys)  # reading it would block forever
    assert code == 2 and "is a pipe (FIFO), not a regular file" in err and err.count("\n") == 1


def test_a_missing_file_is_not_found(tmp_path, capsys):
    code, _, err = run(["fit", str(tmp_path / "nope.csv")], capsys)
    assert code == 2 and "file not found" in err and err.count("\n") == 1


def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path, capsys, monkeypatch):
    big = tmp_path / "big.csv"
    with open(big, "wb") as f:  # a sparse file: 3 GB on paper, nothing on disk
        f.truncate(3 * 10**9)
    read = []
    monkeypatch.setattr(cli_inspect, "import_weather", lambda *a, **k: read.append(a))
    code, _, err = run(["fit", str(big)], capsys)
    assert code == 2 and "3,000 MB, over the limit of 500 MB" in err and not read
    monkeypatch.setattr(cli, "MAX_FILE_BYTES", 100)
    code, _, err = run(["inspect", SEATTLE], capsys)
    assert code == 2 and "over the limit" in err


def test_a_regular_file_still_fits(capsys):
    code, out, err = run(["fit", SEATTLE, "--predictors", "tmax", "--epochs", "10"], capsys)
    assert code == 0 and not err and out.startswith("tmax_tomorrow ~ tmax")


def test_no_command_prints_usage_and_exits_2():
    done = subprocess.run([sys.executable, "-m", "gd_core"], cwd=REPO, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2 and not done.stdout
    assert done.stderr.startswith("usage: python -m gd_core") and "error: give a command (fit, inspect" in \
        done.stderr


@pytest.mark.parametrize("argv", [["--help"], ["fit", "--help"], ["inspect", "--help"]])
def test_help_shows_defaults_in_plain_text(argv):
    done = subprocess.run([sys.executable, "-m", "gd_core", *argv], cwd=REPO, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith("usage:"), done.stderr
    assert "``" not in done.stdout and ":func:" not in done.stdout and ".. " not in done.stdout
    if argv[0] == "fit":
        for default in ("(default: 50000)", "(default: 0.0001)", "(default: tmax,tmin,rain)",
                        "(default: tutorial)", "(default: ffill)", "(default: tmax_tomorrow)"):
            assert default in " ".join(done.stdout.split()), default
