"""Every benchmark shipped runs: its ``--help`` (quick) and a short run of the real thing (slow).

The short runs use the smallest settings each script takes, so they check that the script works end to
end (servers start, the numbers are printed), not the numbers themselves. Those that drive Chromium
are marked ``browser`` too; ``bench_store`` uses PostgreSQL only when ``DESCENT_LAB_TEST_PG`` is set.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

BENCH = REPO / "benchmarks"
SCRIPTS = sorted(p.name for p in BENCH.glob("bench_*.py"))
# script -> (arguments of a short run, needs Chromium); every script in benchmarks/ must be here.
SHORT = {
    "bench_class.py": (["3", "--workers", "1", "--idle", "1", "--flood", "0", "--window", "1"], False),
    "bench_classroom.py": (["2", "--workers", "1", "--changes", "2", "--think", "0.2", "--stagger", "0.2"],
                           False),
    "bench_core.py": (["--repeats", "1"], False),
    "bench_drag.py": (["--repeats", "1"], True),
    "bench_first_load.py": (["--repeats", "1"], True),
    "bench_import.py": (["--rows", "3000"], False),
    "bench_landscape.py": (["--repeats", "1", "--epochs", "100"], False),
    "bench_poll.py": (["3", "--workers", "1", "--window", "1", "--arrive", "1"], False),
    "bench_redraw.py": (["--repeats", "1", "--warmup", "0"], True),
    "bench_schedule.py": (["--short"], False),
    "bench_server.py": (["--changes", "3", "--warmup", "1"], False),
    "bench_sessions.py": (["2", "--idle", "1"], False),
    "bench_takeaway.py": (["--short"], False),
    "bench_store.py": (["--voters", "6", "--spread", "0.2", "--processes", "2"], False),
    "bench_uploads.py": (["--files", "1", "--mb", "1", "--after", "1"], True),
}
SHORT_TIMEOUT_S = 420
BROWSER = {s for s, (_, browser) in SHORT.items() if browser}


def test_every_benchmark_has_a_short_run():
    assert sorted(SHORT) == SCRIPTS, "add each benchmark's short run to SHORT"


@pytest.mark.parametrize("script", SCRIPTS)
def test_help(script):
    done = subprocess.run([sys.executable, str(BENCH / script), "--help"], cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.startswith("usage:") and "Traceback" not in done.stderr, done.stdout + done.stderr


@pytest.mark.slow
@pytest.mark.parametrize("script", [pytest.param(s, marks=[pytest.mark.browser] if s in BROWSER else [])
                                    for s in SCRIPTS])
def test_short_run(script):
    assert script in SHORT, f"no short run for {script}: add it to SHORT"
    args, needs_browser = SHORT[script]
    chromium = Path(os.environ.get("DESCENT_LAB_CHROMIUM") or "/usr/bin/chromium")
    if needs_browser and not chromium.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{script} needs Chromium ({chromium}); CI is set: it must run", pytrace=False)
        pytest.skip(f"{script} needs Chromium: none at {chromium} (see DESCENT_LAB_CHROMIUM)")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    done = subprocess.run([sys.executable, str(BENCH / script), *args], cwd=REPO, capture_output=True,
                          text=True, timeout=SHORT_TIMEOUT_S, env=env)
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"{script} {' '.join(args)} exited {done.returncode}:\n{output[-4000:]}"
    assert "Traceback" not in output, output[-4000:]
    assert done.stdout.strip(), f"{script} printed nothing"
