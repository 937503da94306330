"""The classroom deployment (``deploy/serve``: two Streamlit workers behind HAProxy) in real browsers.

Why here: what the proxy must get right is what a real tab does. Its page, its websocket and its
upload ``PUT`` must all reach the worker that holds its session, with an XSRF token every worker
accepts. A non-sticky proxy, or workers with different cookie secrets, fail the upload with an
XSRF or 404 error. And when a worker dies, the other worker's sessions must go on working while
new visitors are sent to the worker that is left.

One deployment serves the whole module (starting it takes 10-30 s on 2 cores). The test that kills
a worker runs last. Teardown checks that SIGTERM stops ``deploy/serve`` and leaves no process behind.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from .conftest import (
    CHART,
    EXCEPTION,
    LOAD_TIMEOUT_MS,
    REPO,
    RERUN_TIMEOUT_MS,
    VIEWPORT,
    free_port,
    full_data,
    open_app,
    wait_idle,
)

HAPROXY = Path("/usr/sbin/haproxy")
SERVE = REPO / "deploy" / "serve"
START_TIMEOUT_S = 240
COOKIE = "DLSRV"
FAILURE_TEXT = "Something went wrong"
Workers = dict[str, tuple[int, int]]  # name -> (pid, port)


# ------------------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def haproxy() -> Path:
    """Debian's haproxy; skip (visibly) without it, but fail when ``CI`` is set."""
    if HAPROXY.is_file() and os.access(HAPROXY, os.X_OK):
        return HAPROXY
    reason = f"no {HAPROXY} (apt-get install haproxy): the classroom deployment needs it"
    if os.environ.get("CI"):
        pytest.fail(f"{reason}. CI is set: the deployment test is required in CI", pytrace=False)
    pytest.skip(reason)


def alive(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie (an unreaped child is not serving anything)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture(scope="module")
def classroom(haproxy: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Workers]]:
    """``deploy/serve --workers 2`` on a free loopback port, in its own process group; yields
    (url, {worker: (pid, port)}). Teardown: SIGTERM, then the serve process, its workers and its
    haproxy must all be gone."""
    out = tmp_path_factory.mktemp("deploy") / "serve.out"
    cmd = [str(SERVE), "--workers", "2", "--port", str(free_port()), "--bind", "127.0.0.1"]
    with open(out, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
    pids: list[int] = []
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not re.search(r"^serving http://\S+$", text := out.read_text(errors="replace"), re.M):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"{' '.join(cmd)} did not print 'serving …' (exit code {proc.poll()}):\n{text}",
                            pytrace=False)
            time.sleep(0.25)
        url = re.search(r"^serving (http://\S+)$", text, re.M).group(1)
        workers = {name: (int(pid), int(port))
                   for name, pid, port in re.findall(r"^worker (\w+) pid (\d+) port (\d+)$", text, re.M)}
        pids = [pid for pid, _ in workers.values()] + [int(re.search(r"^haproxy pid (\d+)", text, re.M)[1])]
        assert len(workers) == 2, text
        yield url, workers
    finally:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            for pid in [proc.pid, *pids]:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(pid, signal.SIGKILL)
            pytest.fail(f"deploy/serve ignored SIGTERM for 60 s:\n{out.read_text()}", pytrace=False)
    left = [pid for pid in pids if alive(pid)]
    assert not left, f"left running after deploy/serve stopped (workers, haproxy): {left}\n{out.read_text()}"


def new_context(browser: Browser, url: str) -> BrowserContext:
    """A fresh browser profile (its own cookies, so its own session) on the proxy's URL."""
    return browser.new_context(base_url=url, viewport=dict(VIEWPORT))


def worker_of(context: BrowserContext) -> str | None:
    """The worker the proxy pinned this context to (its sticky cookie)."""
    return next((c["value"] for c in context.cookies() if c["name"] == COOKIE), None)


def sidebar_slider(page: Page, label: str):
    box = page.locator('[data-testid="stSidebar"] [data-testid="stSlider"]').filter(
        has=page.locator('[data-testid="stWidgetLabel"]', has_text=label))
    expect(box).to_have_count(1)
    return box.get_by_role("slider")


def weather_csv(path: Path, seed: int) -> Path:
    """A tidy daily CSV, 60 plausible spring days (°C, mm); ``seed`` makes each file different."""
    rows = ["date,tmax,tmin,rain"]
    for day in range(60):
        month, dom = 3 + day // 30, 1 + day % 30
        tmax = 12 + day * 0.15 + ((day * 7 + seed * 3) % 9) - 4
        rain = ((day * 13 + seed) % 11) * 0.7 if (day + seed) % 3 == 0 else 0.0
        rows.append(f"2024-{month:02d}-{dom:02d},{tmax:.1f},{tmax - 7 - (day + seed) % 4:.1f},{rain:.1f}")
    path.write_text("\n".join(rows) + "\n")
    return path


def assert_page_works(page: Page) -> None:
    """No exception box and not the app's own failure message (gd_ui.widgets.frame.guarded shows an
    unexpected error as an st.error, which ``open_app``/``wait_idle`` do not look for)."""
    expect(page.locator(EXCEPTION)).to_have_count(0)
    expect(page.locator('[data-testid="stMain"]')).not_to_contain_text(FAILURE_TEXT)


_SIGNATURE_JS = """sel => {
    const gd = document.querySelector(sel);
    if (!gd || !gd._fullData) return null;
    return JSON.stringify(gd._fullData.map(t => t.y ? Array.from(t.y).slice(0, 400) : null));
}"""


# ------------------------------------------------------------------------------------------- tests


def test_print_config_is_a_valid_sticky_haproxy_config(haproxy: Path, tmp_path: Path):
    """``--print-config`` (for spanning machines) starts nothing and prints what HAProxy accepts."""
    done = subprocess.run([str(SERVE), "--print-config", "--workers", "2", "--server", "10.0.0.12:8601"],
                          cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    config = done.stdout
    for line in (f"cookie {COOKIE} insert indirect nocache", "option redispatch", "timeout tunnel 1h",
                 "option httpchk GET /_stcore/health", "default-server check inter 2s fall 2 rise 1",
                 "bind 0.0.0.0:8501", "server r1 10.0.0.12:8601 cookie r1"):
        assert line in config, f"{line!r} missing from:\n{config}"
    assert re.findall(r"^\s+server (w\d) 127\.0\.0\.1:\d+ cookie (w\d)$", config, re.M) == [("w1", "w1"),
                                                                                          ("w2", "w2")]
    (tmp_path / "haproxy.cfg").write_text(config)
    check = subprocess.run([str(haproxy), "-c", "-f", str(tmp_path / "haproxy.cfg")], capture_output=True,
                           text=True, timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr


def test_pages_load_through_the_proxy(browser: Browser, classroom: tuple[str, Workers]):
    url, workers = classroom
    context = new_context(browser, url)
    try:
        page = context.new_page()
        open_app(page, "/")  # fails with the app's traceback if the page shows an exception
        assert_page_works(page)
        assert full_data(page), "the playground's Plotly chart has no traces"
        assert worker_of(context) in workers, f"no {COOKIE} cookie naming a worker: {context.cookies()}"
        open_app(page, "/Learning_Rate_Lab")
        assert_page_works(page)
        assert page.url.endswith("/Learning_Rate_Lab"), page.url
    finally:
        context.close()


def test_uploads_reach_the_worker_that_holds_the_session(browser: Browser, classroom: tuple[str, Workers],
                                                         tmp_path: Path):
    url, workers = classroom
    contexts = [new_context(browser, url) for _ in range(3)]
    try:
        pages = []
        for context in contexts:  # one after the other: each session's websocket counts for leastconn
            page = context.new_page()
            page.goto("/Data", wait_until="domcontentloaded", timeout=LOAD_TIMEOUT_MS)
            page.locator('[data-testid="stFileUploader"] input[type=file]').wait_for(
                state="attached", timeout=LOAD_TIMEOUT_MS)
            pages.append(page)
        pinned = [worker_of(c) for c in contexts]
        assert set(pinned) == set(workers), f"the sessions' {COOKIE} cookies {pinned} miss a worker {workers}"

        for i, (page, worker) in enumerate(zip(pages, pinned)):
            name = f"class-{i}-on-{worker}.csv"
            page.locator('[data-testid="stFileUploader"] input[type=file]').set_input_files(
                str(weather_csv(tmp_path / name, seed=i)))
        for i, (page, worker) in enumerate(zip(pages, pinned)):
            name = f"class-{i}-on-{worker}.csv"
            main = page.locator('[data-testid="stMain"]')
            detected = main.get_by_role("heading", name="What was detected")
            expect(detected).to_be_visible(timeout=RERUN_TIMEOUT_MS)
            expect(page.locator('[data-testid="stFileUploader"]')).to_contain_text(name)
            expect(main).not_to_contain_text("cannot be used")
            wait_idle(page)
            assert_page_works(page)
    finally:
        for context in contexts:
            context.close()


def test_a_dead_worker_leaves_the_other_workers_sessions_working(browser: Browser,
                                                                 classroom: tuple[str, Workers]):
    url, workers = classroom
    opened: list[BrowserContext] = []
    sessions: dict[str, Page] = {}  # worker -> a page whose session it holds
    try:
        for _ in range(4):  # leastconn sends the second session to the other worker; allow spares
            opened.append(context := new_context(browser, url))
            page = open_app(context.new_page(), "/")
            sessions.setdefault(worker_of(context), page)
            if len(sessions) == len(workers):
                break
        assert set(sessions) == set(workers), f"sessions only on {sorted(sessions)}"
        victim, survivor = sorted(workers)
        os.killpg(workers[victim][0], signal.SIGKILL)
        deadline = time.monotonic() + 30
        while alive(workers[victim][0]):
            assert time.monotonic() < deadline, f"worker {victim} still alive 30 s after SIGKILL"
            time.sleep(0.2)

        # The survivor's session goes on: a slider change reruns the script and redraws the chart.
        page = sessions[survivor]
        before = page.evaluate(_SIGNATURE_JS, CHART)
        assert before, "no drawn Plotly chart on the survivor's page"
        bias = sidebar_slider(page, "Initial bias")
        value = bias.get_attribute("aria-valuetext")
        bias.focus()
        bias.press("ArrowRight")
        expect(bias).not_to_have_attribute("aria-valuetext", value, timeout=RERUN_TIMEOUT_MS)
        page.wait_for_function(f"([sel, before]) => ({_SIGNATURE_JS})(sel) !== before", arg=[CHART, before],
                               timeout=RERUN_TIMEOUT_MS)
        wait_idle(page)
        assert_page_works(page)

        # The dead worker's visitor reloads: the proxy ignores its stale cookie and re-pins it.
        victim_page = sessions[victim]
        open_app(victim_page, "/")
        assert_page_works(victim_page)
        assert worker_of(victim_page.context) == survivor, f"still pinned to {worker_of(victim_page.context)}"

        # A new visitor still gets the playground: the proxy sends it to the worker that is left.
        opened.append(fresh := new_context(browser, url))
        fresh_page = open_app(fresh.new_page(), "/")
        assert_page_works(fresh_page)
        assert full_data(fresh_page)
        assert worker_of(fresh) == survivor, f"new visitor pinned to {worker_of(fresh)}, not {survivor}"
    finally:
        for context in opened:
            context.close()
