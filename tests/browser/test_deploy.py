"""The classroom deployment (``deploy/serve``: two Streamlit workers behind HAProxy) in real browsers.

Why here: what the proxy must get right is what a real tab does. Its page, its websocket and its
upload ``PUT`` must all reach the worker that holds its session, with an XSRF token every worker
accepts. A non-sticky proxy, or workers with different cookie secrets, fail the upload with an
XSRF or 404 error. When a worker dies, the other worker's sessions must go on working while
deploy/serve restarts it, and its visitors must be served again once it is back.

One deployment serves the whole module (starting it takes 10-30 s on 2 cores). The test that kills
a worker runs last. Teardown checks that SIGTERM stops ``deploy/serve`` and leaves no process behind.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
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
SERVE_ENV = {**os.environ, "DESCENT_LAB_PYTHON": sys.executable}  # this Python has streamlit
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
    """``deploy/serve --workers 2 --logs DIR`` on a free loopback port, in its own process group; yields
    (url, {worker: (pid, port)}). Teardown: SIGTERM, then the serve process, its workers (restarted
    ones too) and its haproxy must all be gone, and the logs must still be in DIR."""
    base = tmp_path_factory.mktemp("deploy")
    out, logs = base / "serve.out", base / "logs"
    cmd = [str(SERVE), "--workers", "2", "--port", str(free_port()), "--bind", "127.0.0.1",
           "--logs", str(logs)]
    with open(out, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True, env=SERVE_ENV)
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
        assert len(workers) == 2, text
        assert f"students: {url}" in text, text  # no LAN address on a loopback bind: the proxy's URL
        yield url, workers
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(proc.pid, signal.SIGTERM)
        text = out.read_text(errors="replace")
        pids = [int(p) for p in re.findall(r"^(?:worker \w+ (?:restarted: )?|haproxy )pid (\d+)", text, re.M)]
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            for pid in [proc.pid, *pids]:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(pid, signal.SIGKILL)
            pytest.fail(f"deploy/serve ignored SIGTERM for 60 s:\n{out.read_text()}", pytrace=False)
    text = out.read_text(errors="replace")
    left = [pid for pid in pids if alive(pid)]
    assert not left, f"left running after deploy/serve stopped (workers, haproxy): {left}\n{text}"
    kept = sorted(p.name for p in logs.iterdir())
    assert {"w1.log", "w2.log", "haproxy.log", "haproxy.cfg"} <= set(kept), f"--logs kept only {kept}"
    assert (logs / "w1.log").stat().st_size > 0 and f"logs kept in {logs}" in text, text


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
    """``--print-config`` (for spanning machines) starts nothing and prints what HAProxy accepts, from
    ``deploy/haproxy.cfg.tmpl``; with ``--worker-port`` the workers' ports are fixed and it says so."""
    done = subprocess.run([str(SERVE), "--print-config", "--workers", "2", "--server", "10.0.0.12:8601",
                           "--worker-port", "8611"], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    config = done.stdout
    for line in (f"cookie {COOKIE} insert indirect nocache", "option redispatch", "timeout tunnel 1h",
                 "option httpchk GET /_stcore/health", "default-server check inter 2s fall 2 rise 1",
                 "bind 0.0.0.0:8501", "server r1 10.0.0.12:8601 cookie r1", "fixed ports 8611-8612",
                 "set-header X-Frame-Options SAMEORIGIN", "frame-ancestors 'self'",
                 "X-Content-Type-Options nosniff",
                 "_stcore/+metrics", "from deploy/haproxy.cfg.tmpl"):
        assert line in config, f"{line!r} missing from:\n{config}"
    assert re.findall(r"^\s+server (w\d) 127\.0\.0\.1:(\d+) cookie (w\d)$", config, re.M) == [
        ("w1", "8611", "w1"), ("w2", "8612", "w2")]
    assert not re.search(r"\$\{?[A-Za-z_]", config), "a template placeholder was left unfilled"
    (tmp_path / "haproxy.cfg").write_text(config)
    check = subprocess.run([str(haproxy), "-c", "-f", str(tmp_path / "haproxy.cfg")], capture_output=True,
                           text=True, timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr

    free = subprocess.run([str(SERVE), "--print-config", "--workers", "1"], cwd=REPO, capture_output=True,
                          text=True, timeout=60)
    assert free.returncode == 0 and "--worker-port" in free.stderr and "--worker-port" in free.stdout, free


def _get(url: str, cookie: str | None = None) -> tuple[int, dict[str, str]]:
    """Status and headers (names lower-cased) of a GET that follows no redirect and ignores $http_proxy."""
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirect)
    request = urllib.request.Request(url, headers={"Cookie": f"{COOKIE}={cookie}"} if cookie else {})
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}


def test_the_proxy_adds_security_headers_hides_metrics_and_worker_ports(classroom: tuple[str, Workers]):
    url, workers = classroom
    for path in ("/", "/_stcore/health", "/Learning_Rate_Lab", "/static/", "/app/static/nothing-here"):
        status, headers = _get(url + path)
        assert status < 500, (path, status)
        assert headers.get("x-frame-options") == "SAMEORIGIN", (path, headers)
        assert "frame-ancestors 'self'" in headers.get("content-security-policy", ""), (path, headers)
        assert headers.get("x-content-type-options") == "nosniff", (path, headers)
        for name, value in headers.items():
            for _, port in workers.values():
                assert f":{port}" not in value, f"{path}: header {name}: {value} names a worker's port"
    for path in ("/_stcore/metrics", "//_stcore/metrics", "/_stcore/%6Detrics", "/_STCORE/metrics"):
        status, _ = _get(url + path)
        assert status == 404, f"{path} answered {status} through the proxy"
    _, port = next(iter(workers.values()))
    assert _get(f"http://127.0.0.1:{port}/_stcore/metrics")[0] == 200, "the worker itself still has metrics"


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


def test_a_killed_worker_is_restarted_while_the_other_keeps_serving(browser: Browser,
                                                                    classroom: tuple[str, Workers]):
    """``kill -9`` a worker: the other worker's session goes on; the victim answers its health check
    again within 10 s (deploy/serve restarts it on its port) and its visitors' new connections are
    served, by it; a new visitor gets the playground."""
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
        pid, port = workers[victim]
        health = f"http://127.0.0.1:{port}/_stcore/health"
        back_after: list[float] = []

        def watch_health() -> None:  # from the kill on: when does the victim's port answer ok again?
            deadline = killed_at + 60
            while time.monotonic() < deadline and not back_after:
                with contextlib.suppress(OSError):
                    if _get(health)[0] == 200:
                        back_after.append(time.monotonic() - killed_at)
                        return
                time.sleep(0.1)

        os.killpg(pid, signal.SIGKILL)
        killed_at = time.monotonic()
        while alive(pid):
            assert time.monotonic() < killed_at + 30, f"worker {victim} still alive 30 s after SIGKILL"
            time.sleep(0.05)
        watcher = threading.Thread(target=watch_health, daemon=True)
        watcher.start()

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

        watcher.join(timeout=70)
        assert back_after, f"worker {victim} (port {port}) did not answer its health check 60 s after kill -9"
        assert back_after[0] <= 10, f"worker {victim} back only {back_after[0]:.1f} s after kill -9"

        # The proxy sees it again (health check every 2 s, rise 1): the old cookie is honoured, not reset.
        deadline = time.monotonic() + 15
        while f"{COOKIE}=" in _get(url + "/_stcore/health", cookie=victim)[1].get("set-cookie", ""):
            assert time.monotonic() < deadline, f"the proxy still re-pins {victim}'s visitors 15 s later"
            time.sleep(0.25)

        # The victim's visitor reloads: a new session, served (by the restarted worker, or by the other
        # one if the tab's reconnection attempts were redispatched while its worker was down).
        victim_page = sessions[victim]
        open_app(victim_page, "/")
        assert_page_works(victim_page)
        assert full_data(victim_page)
        assert worker_of(victim_page.context) in workers, victim_page.context.cookies()

        # A visitor still pinned to the restarted worker (its cookie) is served by it.
        opened.append(pinned := new_context(browser, url))
        pinned.add_cookies([{"name": COOKIE, "value": victim, "url": url}])
        pinned_page = open_app(pinned.new_page(), "/")
        assert_page_works(pinned_page)
        assert full_data(pinned_page)
        assert worker_of(pinned) == victim, f"the restarted {victim} lost its visitor to {worker_of(pinned)}"

        # A new visitor still gets the playground.
        opened.append(fresh := new_context(browser, url))
        fresh_page = open_app(fresh.new_page(), "/")
        assert_page_works(fresh_page)
        assert full_data(fresh_page)
        assert worker_of(fresh) in workers
    finally:
        for context in opened:
            context.close()
