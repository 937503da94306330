"""Serve Descent Lab to a classroom: K Streamlit workers of ``app.py`` behind HAProxy (stdlib only).

Why several workers: one Streamlit process runs every session's script in threads under one GIL, so
the CPU time of a rerun caps how many students one process serves. Why HAProxy, configured so:
a session lives in the memory of one process, so its websocket (``/_stcore/stream``) and its
upload/media HTTP requests must all reach that process (sticky cookie ``DLSRV``), and every worker
must sign and check XSRF tokens with the same ``server.cookieSecret``.

    deploy/serve [--workers K] [--port P] [--bind ADDR] [--server HOST:PORT ...] [--print-config]
                 [--worker-port P] [--logs DIR] [--public-url URL] [--no-proxy]

``serve_plan.py`` decides what runs (ports, commands, ``haproxy.cfg`` from ``haproxy.cfg.tmpl``);
this file runs it. Once every worker and the proxy answer ``/_stcore/health`` it prints one line per
worker, ``worker w1 pid <pid> port <port>``, then ``serving http://<host>:<P>``. SIGTERM, SIGINT
(Ctrl-C) and SIGHUP stop everything it started. A worker that exits while serving is restarted on
its port after a backoff (0.5 s, doubling to 30 s; reset once it has served a minute), with a line
saying so, while the others keep serving: meanwhile the health check takes it out of rotation and
``option redispatch`` sends its visitors to another worker (a new session: state is per process).

Several machines: start plain workers on each extra machine with the same secret, e.g.

    DESCENT_LAB_COOKIE_SECRET=<s> deploy/serve --no-proxy --workers 2 --worker-port 8601

and the proxy (plus local workers) on the machine the students open:

    DESCENT_LAB_COOKIE_SECRET=<s> deploy/serve --server 10.0.0.12:8601 --server 10.0.0.12:8602

The secret reaches the workers through ``STREAMLIT_SERVER_COOKIE_SECRET`` in their environment,
not the command line, so other users of the machine cannot read it with ``ps``. The students' URL
reaches them as ``DESCENT_LAB_PUBLIC_URL`` (the class poll's join links).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from serve_plan import (
    ANY_ADDRESS,
    HAPROXY_ENV,
    HEALTH,
    PUBLIC_URL_ENV,
    REPO,
    SECRET_ENV,
    Plan,
    Server,
    health_url,
    lan_address,
    local_address,
    make_plan,
    parse_args,
    url_host,
    worker_command,
)

STARTUP_TIMEOUT_S = 180  # two workers importing pandas/plotly on a busy 2-core machine: ~10-30 s
STOP_TIMEOUT_S = 15
POLL_S = 0.25
BACKOFF_S = (0.5, 30.0)  # first restart delay, longest delay
STABLE_S = 60.0  # a worker that served this long starts again from the shortest delay

# urllib would send even 127.0.0.1 through $http_proxy: health checks must not.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))

try:  # Linux: a child gets SIGTERM if serve.py itself dies without cleaning up (e.g. SIGKILL)
    _LIBC = ctypes.CDLL(None, use_errno=True)
    _PR_SET_PDEATHSIG = 1
except OSError:  # pragma: no cover - not Linux
    _LIBC = None


def _die_with_parent() -> None:
    """``preexec_fn``: ask the kernel to SIGTERM this child when its parent exits."""
    if _LIBC is not None:
        _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


class Stop(Exception):
    """A stop signal arrived (handled, then raised at the next check so no child goes unrecorded)."""


class StartupError(Exception):
    """A worker or the proxy failed to start: the message carries its log tail."""


_STOP_SIGNAL: int | None = None


def _on_signal(signum: int, _frame) -> None:
    global _STOP_SIGNAL
    _STOP_SIGNAL = signum


def _check_stop() -> None:
    if _STOP_SIGNAL is not None:
        raise Stop(signal.Signals(_STOP_SIGNAL).name)


def say(text: str) -> None:
    """One line on stdout, flushed: tests and benchmarks parse these lines as they come."""
    print(text, flush=True)


def warn(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


@dataclass
class Child:
    """A process serve.py started (a worker or haproxy), in its own process group, logging to a file
    (appended to across restarts)."""

    name: str
    cmd: list[str]
    log: Path
    server: Server | None = None
    proc: subprocess.Popen | None = None
    failures: int = 0  # exits since it last served STABLE_S
    restart_at: float | None = None  # when to start it again (it has exited)
    started_at: float = 0.0
    healthy_at: float | None = None  # its health answered ok since the last start

    def start(self, env: dict[str, str] | None = None) -> None:
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(self.cmd, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True,
                                         preexec_fn=_die_with_parent)
        self.started_at, self.healthy_at, self.restart_at = time.monotonic(), None, None

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def tail(self, lines: int = 30) -> str:
        try:
            text = self.log.read_text(errors="replace").splitlines()[-lines:]
        except OSError as exc:
            return f"    (no log: {exc})"
        return "\n".join("    " + line for line in text) or "    (empty log)"

    def signal_group(self, sig: int) -> None:
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.proc.pid, sig)


def answers_ok(url: str, timeout: float = 2) -> bool:
    """True when ``url`` (a ``/_stcore/health``) answers ``ok``; any error or other answer is False."""
    try:
        with _OPENER.open(url, timeout=timeout) as response:
            return response.read(16).decode(errors="replace").strip() == "ok"
    except (OSError, ValueError):
        return False


def haproxy_binary() -> str | None:
    """``$DESCENT_LAB_HAPROXY``, else ``haproxy`` on PATH, else Debian's ``/usr/sbin/haproxy``."""
    for candidate in (os.environ.get(HAPROXY_ENV), shutil.which("haproxy"), "/usr/sbin/haproxy"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def wait_until(ready, children: list[Child], what: str, deadline: float) -> None:
    """Poll ``ready()`` until true; a child that exits meanwhile, or the deadline, is a StartupError."""
    while not ready():
        _check_stop()
        for child in children:
            if not child.running():
                raise StartupError(f"{child.name} exited with code {child.proc.returncode} while waiting "
                                   f"for {what}. Its log ({child.log}):\n{child.tail()}")
        if time.monotonic() > deadline:
            logs = "\n".join(f"{c.name} ({c.log}):\n{c.tail()}" for c in children)
            raise StartupError(f"waited {STARTUP_TIMEOUT_S} s for {what}.\n{logs}")
        time.sleep(POLL_S)


def stop_all(children: list[Child]) -> None:
    """SIGTERM every process group (the proxy first, so no new visitor arrives), wait, then SIGKILL."""
    for child in reversed(children):
        if child.running():
            child.signal_group(signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_S
    for child in reversed(children):
        if child.proc is None:
            continue
        try:
            child.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            say(f"{child.name} pid {child.proc.pid} ignored SIGTERM for {STOP_TIMEOUT_S} s: SIGKILL")
            child.signal_group(signal.SIGKILL)
            child.proc.wait(timeout=10)


def serve(args, plan: Plan, workdir: Path) -> int:
    """Start workers, wait for their health, start haproxy, wait for it, then watch until a signal."""
    secret = os.environ.get(SECRET_ENV) or secrets.token_hex(32)
    env = {**os.environ, "STREAMLIT_SERVER_COOKIE_SECRET": secret}
    if plan.public_url:
        env[PUBLIC_URL_ENV] = plan.public_url
    workers = [Child(s.name, worker_command(s.port, args.worker_address), workdir / f"{s.name}.log", s)
               for s in plan.workers]
    children: list[Child] = []
    proxy = None
    try:
        for worker in workers:
            _check_stop()
            worker.start(env)
            children.append(worker)
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        for worker in workers:
            url = health_url(worker.server)
            wait_until(lambda u=url: answers_ok(u), children, f"{worker.name} to answer {url}", deadline)
        for worker in workers:
            say(f"worker {worker.name} pid {worker.proc.pid} port {worker.server.port}")
        for remote in plan.remotes:
            state = "up" if answers_ok(health_url(remote)) else "not answering yet"
            say(f"remote {remote.name} {url_host(remote.host)}:{remote.port} {state}")

        if args.no_proxy:
            address = lan_address() if args.worker_address in ANY_ADDRESS else args.worker_address
            say("for the proxy machine: " + " ".join(f"--server {address or '<this-host>'}:{w.server.port}"
                                                    for w in workers))
        else:
            proxy = start_proxy(args, plan.config, workdir, children, deadline)
            say(f"haproxy pid {proxy.proc.pid} port {args.port}")
        say(f"logs{'' if args.no_proxy else ' and haproxy.cfg'} in {workdir}"
            + (" (kept after stop)" if args.logs else ""))
        if plan.public_url:
            say(f"students: {plan.public_url} (the app's join links use it: {PUBLIC_URL_ENV})")
        if not args.no_proxy:
            say(f"serving http://{url_host(local_address(args.bind))}:{args.port}")
        return watch(children, proxy, env)
    except Stop as stop:
        say(f"{stop}: stopping {len(children)} processes")
        return 0
    except StartupError as exc:
        warn(f"serve: {exc}")
        return 1
    finally:
        stop_all(children)


def start_proxy(args, config: str, workdir: Path, children: list[Child], deadline: float) -> Child:
    binary = haproxy_binary()
    if binary is None:
        raise StartupError(f"no haproxy (apt-get install haproxy, or set {HAPROXY_ENV})")
    cfg = workdir / "haproxy.cfg"
    cfg.write_text(config)
    check = subprocess.run([binary, "-c", "-q", "-f", str(cfg)], capture_output=True, text=True)
    if check.returncode != 0:
        raise StartupError(f"haproxy rejects {cfg}:\n{check.stdout}{check.stderr}")
    proxy = Child("haproxy", [binary, "-db", "-f", str(cfg)], workdir / "haproxy.log")
    proxy.start()
    children.append(proxy)
    url = f"http://{url_host(local_address(args.bind))}:{args.port}{HEALTH}"
    wait_until(lambda: answers_ok(url), [proxy], f"the proxy to answer {url}", deadline)
    return proxy


def backoff(failures: int) -> float:
    return min(BACKOFF_S[1], BACKOFF_S[0] * 2 ** max(0, failures - 1))


def tend(worker: Child, env: dict[str, str], now: float) -> None:
    """One look at a worker while serving: restart it after its backoff once it has exited; say when a
    restarted worker answers its health check again."""
    if worker.running():
        if worker.healthy_at is None and answers_ok(health_url(worker.server), timeout=0.5):
            worker.healthy_at = now
            if worker.failures:
                say(f"worker {worker.name} back: pid {worker.proc.pid} port {worker.server.port} "
                    f"(health ok {now - worker.started_at:.1f} s after its restart)")
        elif worker.healthy_at is not None and worker.failures and now - worker.healthy_at > STABLE_S:
            worker.failures = 0
        return
    if worker.restart_at is None:
        worker.failures += 1
        delay = backoff(worker.failures)
        worker.restart_at = now + delay
        say(f"worker {worker.name} pid {worker.proc.pid} exited with code {worker.proc.returncode}; "
            f"restarting it in {delay:g} s (exit {worker.failures} in a row; the other workers keep "
            f"serving). Its log: {worker.log}")
    elif now >= worker.restart_at:
        worker.start(env)
        say(f"worker {worker.name} restarted: pid {worker.proc.pid} port {worker.server.port}")


def watch(children: list[Child], proxy: Child | None, env: dict[str, str]) -> int:
    """Serve until a stop signal: restart exited workers (with backoff); a dead proxy is fatal."""
    while True:
        _check_stop()
        now = time.monotonic()
        for child in children:
            if child is not proxy:
                tend(child, env, now)
            elif not child.running():
                warn(f"serve: haproxy exited with code {child.proc.returncode}. Its log ({child.log}):\n"
                     f"{child.tail()}")
                return 1
        time.sleep(POLL_S)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv, __doc__)
    plan = make_plan(args)
    if args.print_config:
        for line in plan.warnings:
            warn(line)
        sys.stdout.write(plan.config)
        return 0
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, _on_signal)
    if args.logs is not None:
        args.logs.mkdir(parents=True, exist_ok=True)
        workdir = args.logs.resolve()
    else:
        workdir = Path(tempfile.mkdtemp(prefix="descent-lab-serve-"))
    code = serve(args, plan, workdir)
    if args.logs is not None:
        say(f"logs kept in {workdir}")
    elif code == 0:
        shutil.rmtree(workdir, ignore_errors=True)
    else:
        warn(f"serve: logs kept in {workdir}")
    return code


if __name__ == "__main__":
    sys.exit(main())
