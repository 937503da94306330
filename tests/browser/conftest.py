"""Real-browser test infrastructure: Debian's Chromium, one Streamlit server per session, page helpers.

Every test in this folder gets the ``browser`` marker. Without a Chromium the tests skip with the
reason shown by ``-ra``, except when ``CI`` is set: there they fail, because CI must run them.

Fixtures: ``app_server`` (base URL of ``streamlit run app.py`` on a free port; also the ``base_url``
of every page, so ``page.goto("/?lr=3.2e-03")`` works), ``browser_type_launch_args`` (the system
Chromium and its flags) and ``browser_context_args`` (1280×720; a test can ask for another size with
``@pytest.mark.browser_context_args(viewport={"width": 1600, "height": 1000})``).

Helpers (import them: ``from .conftest import open_app, full_data``): ``open_app`` loads a URL and
waits until the charts are drawn and the script is idle; ``wait_idle`` waits for the end of a rerun;
``full_data`` / ``plot_eval`` read a chart's ``_fullData`` / anything else of its Plotly element.
The plain functions (``chromium_path``, ``CHROMIUM_ARGS``, ``streamlit_server``) serve the
benchmarks too.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ENV = "DESCENT_LAB_CHROMIUM"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1280, "height": 720}
SERVER_START_TIMEOUT_S = 60
# Generous: a slider change on this 2-core machine takes 1-3 s, several times that when other
# work runs beside the tests, and the first run of a fresh server imports plotly and pandas.
LOAD_TIMEOUT_MS = 90_000
RERUN_TIMEOUT_MS = 60_000

# Streamlit's charts, and the figures the app's own plotly.js draws (gd_ui/widgets/plain_chart.py)
CHART = '[data-testid="stPlotlyChart"] .js-plotly-plot, .dl-plain.js-plotly-plot'
LIVE = '.dl-live .js-plotly-plot'  # the playground's live chart (gd_ui/widgets/live_chart.js)
APP = '[data-testid="stApp"]'
EXCEPTION = '[data-testid="stException"]'


# ---------------------------------------------------------------------------------------- collection


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test of this folder ``browser`` (the hook sees the whole session: filter by path)."""
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


# ------------------------------------------------------------------------------------------- browser


def chromium_path() -> Path:
    """The Chromium to drive: ``$DESCENT_LAB_CHROMIUM`` or Debian's ``/usr/bin/chromium``."""
    return Path(os.environ.get(CHROMIUM_ENV) or DEFAULT_CHROMIUM)


@pytest.fixture(scope="session")
def chromium_executable() -> Path:
    """The Chromium path; skip (visibly) when it is missing, or fail when ``CI`` is set."""
    path = chromium_path()
    if path.is_file() and os.access(path, os.X_OK):
        return path
    reason = (f"no Chromium at {path} (install Debian's: apt-get install chromium, or set "
              f"{CHROMIUM_ENV}); Playwright's own browser download does not work here")
    if os.environ.get("CI"):
        pytest.fail(f"{reason}. CI is set: browser tests are required in CI", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session", autouse=True)
def _require_chromium(chromium_executable: Path) -> None:
    """Check the browser before anything else (server, Playwright) starts for a test here."""


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict, chromium_executable: Path) -> dict:
    """pytest-playwright's launch options (``--slowmo`` …) plus the system Chromium and its flags."""
    args = list(CHROMIUM_ARGS)
    if browser_type_launch_args.get("headless") is False:  # --headed
        args.remove("--headless")
    return {**browser_type_launch_args, "executable_path": str(chromium_executable), "args": args}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    """1280×720 unless a test asks otherwise with ``@pytest.mark.browser_context_args(...)``."""
    return {**browser_context_args, "viewport": dict(VIEWPORT)}


# -------------------------------------------------------------------------------------------- server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError as exc:
        return f"(no log: {exc})"


def _kill_group(proc: subprocess.Popen) -> None:
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


@contextlib.contextmanager
def streamlit_server(script: str | Path = "app.py", *, port: int | None = None,
                     log_path: Path | None = None, python: list[str] | None = None,
                     extra_args: tuple[str, ...] = ("--server.fileWatcherType=none",),
                     timeout_s: float = SERVER_START_TIMEOUT_S,
                     env: dict[str, str] | None = None) -> Iterator[str]:
    """Run ``streamlit run <script>`` from the repository root in its own process group; yield its
    base URL once ``/_stcore/health`` answers ``ok``; kill the whole group on exit.

    ``python`` replaces the ``[sys.executable, "-m", "streamlit"]`` prefix (e.g. a timing wrapper).
    ``env`` adds to (or overrides) this process's environment for the server, e.g. ``DESCENT_LAB_DB``.
    No file watcher by default: colleagues' edits during a run must not pop up "File change. Rerun"
    in the page (nor in the README screenshot).
    """
    port = port or free_port()
    if log_path is None:
        log_path = Path(tempfile.mkstemp(prefix="descent-lab-streamlit-", suffix=".log")[1])
    cmd = [*(python or [sys.executable, "-m", "streamlit"]), "run", str(script),
           "--server.headless=true", "--server.address=127.0.0.1", f"--server.port={port}",
           "--browser.gatherUsageStats=false", *extra_args]
    url = f"http://127.0.0.1:{port}"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True,
                                env={**os.environ, **env} if env else None)
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with code {proc.returncode} before answering "
                                   f"{url}/_stcore/health. Log {log_path}:\n{_tail(log_path)}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.read().decode().strip() == "ok":
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not answer {url}/_stcore/health with 'ok' within "
                                   f"{timeout_s:.0f} s. Log {log_path}:\n{_tail(log_path)}")
            time.sleep(0.25)
        yield url
    finally:
        _kill_group(proc)


@pytest.fixture(scope="session")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of the playground (``app.py`` and its ``pages/``) served for the whole session."""
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    try:
        with streamlit_server("app.py", log_path=log) as url:
            yield url
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="session")
def base_url(pytestconfig: pytest.Config, request: pytest.FixtureRequest) -> str:
    """``--base-url`` when given (test a server you started), else the session's ``app_server``.
    pytest-playwright passes it to every browser context, so tests can ``page.goto("/…")``."""
    given = pytestconfig.getoption("--base-url", default=None)
    return given or request.getfixturevalue("app_server")


# ------------------------------------------------------------------------------------------- helpers

_IDLE_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app) return false;
    if (document.querySelector('[data-testid="stException"]')) return true;  // reported by caller
    if (app.dataset.testScriptState !== 'notRunning') return false;
    if (app.dataset.testConnectionState !== 'CONNECTED') return false;
    if (document.querySelector('[data-stale="true"]')) return false;
    const charts = document.querySelectorAll('[data-testid="stPlotlyChart"]');
    const drawn = [...charts].every(c => {
        const gd = c.querySelector('.js-plotly-plot');
        return gd && gd._fullData && gd._fullLayout;
    });
    const live = document.querySelector('.dl-live');  // its run drawn: the one the page just sent
    const settled = live && live.querySelector('.js-plotly-plot')?._fullData
        && live.dataset.drawn === live.dataset.run;
    const plain = [...document.querySelectorAll('.dl-plain')]  // the app's own plotly.js draws these
        .every(p => p.dataset.failed || p.dataset.drawn === p.dataset.want);
    return drawn && plain && (!live || settled);
}"""


def _raise_on_exception(page) -> None:
    box = page.locator(EXCEPTION)
    if box.count():
        pytest.fail(f"the app raised an exception in the browser:\n{box.first.inner_text()}",
                    pytrace=False)


def wait_idle(page, timeout_ms: int = RERUN_TIMEOUT_MS) -> None:
    """Wait until the script is not running, nothing is stale and every Plotly chart is drawn.

    Right after a key press or click the page may still look idle (the rerun has not begun): first
    wait for a change your action causes (a new value in ``full_data``, a status text), then call this.
    """
    page.wait_for_function(_IDLE_JS, timeout=timeout_ms, polling=100)
    _raise_on_exception(page)


def open_app(page, url_or_path: str = "/", *, timeout_ms: int = LOAD_TIMEOUT_MS):
    """Go to an absolute URL or a path on ``base_url``; return once the first script run has finished
    and its charts are drawn. Fails with the app's traceback if the page shows an exception."""
    page.goto(url_or_path, wait_until="domcontentloaded", timeout=timeout_ms)
    page.wait_for_selector(f"{CHART}, {LIVE}, {EXCEPTION}", state="attached", timeout=timeout_ms)
    _raise_on_exception(page)
    # "initial" before the first run; charts exist as soon as their first delta arrives.
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stApp\"]')?.dataset.testScriptState "
        "!== 'initial'", timeout=timeout_ms, polling=100)
    wait_idle(page, timeout_ms)
    return page


_FULL_DATA_JS = """([sel, i]) => {
    const gd = document.querySelectorAll(sel)[i];
    if (!gd || !gd._fullData) return null;
    const conv = (v, depth) => {
        if (v === null || v === undefined) return null;
        if (ArrayBuffer.isView(v)) return Array.from(v);
        if (Array.isArray(v)) return v.map(e => conv(e, depth + 1));
        if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
        if (typeof v === 'object' && depth < 4) {
            const out = {};
            for (const [k, e] of Object.entries(v))
                if (!k.startsWith('_') && typeof e !== 'function') out[k] = conv(e, depth + 1);
            return out;
        }
        return null;
    };
    return gd._fullData.map(t => conv(t, 0));
}"""


def full_data(page, i: int = 0) -> list[dict]:
    """``gd._fullData`` of the i-th Plotly chart on the page as plain values (typed arrays become
    lists; private ``_`` keys and functions are dropped). Raises if that chart is not drawn."""
    data = page.evaluate(_FULL_DATA_JS, [CHART, i])
    if data is None:
        raise AssertionError(f"no drawn Plotly chart number {i} on {page.url}")
    return data


def plot_eval(page, expression: str, i: int = 0):
    """Evaluate ``expression`` (a JS function of the Plotly element ``gd``) on the i-th chart,
    e.g. ``plot_eval(page, "gd => gd._fullLayout.sliders[0].active")``."""
    return page.evaluate(f"([sel, i]) => ({expression})(document.querySelectorAll(sel)[i])", [CHART, i])
