"""Serve Descent Lab to a classroom: K Streamlit workers of ``app.py`` behind HAProxy (stdlib only).

Why several workers: one Streamlit process runs every session's script in threads under one GIL, so
the CPU time of a rerun caps how many students one process serves. Why HAProxy, configured so:
a session lives in the memory of one process, so its websocket (``/_stcore/stream``) and its
upload/media HTTP requests must all reach that process (sticky cookie ``DLSRV``), and every worker
must sign and check XSRF tokens with the same ``server.cookieSecret``.

    deploy/serve [--workers K] [--port P] [--bind ADDR] [--server HOST:PORT ...] [--print-config]

Once every worker and the proxy answer ``/_stcore/health`` it prints one line per worker,
``worker w1 pid <pid> port <port>``, then ``serving http://<host>:<P>``. SIGTERM, SIGINT (Ctrl-C)
and SIGHUP stop everything it started. A worker that dies while serving is logged, not restarted:
the health check takes it out of rotation within ~4 s and ``option redispatch`` sends its visitors
to another worker (where they start a new session: session state is per process).

Several machines: start plain workers on each extra machine with the same secret, e.g.

    DESCENT_LAB_COOKIE_SECRET=<s> deploy/serve --no-proxy --workers 2 --worker-port 8601

and the proxy (plus local workers) on the machine the students open:

    DESCENT_LAB_COOKIE_SECRET=<s> deploy/serve --server 10.0.0.12:8601 --server 10.0.0.12:8602

The secret reaches the workers through ``STREAMLIT_SERVER_COOKIE_SECRET`` in their environment,
not the command line, so other users of the machine cannot read it with ``ps``.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SECRET_ENV = "DESCENT_LAB_COOKIE_SECRET"
HAPROXY_ENV = "DESCENT_LAB_HAPROXY"
COOKIE = "DLSRV"
HEALTH = "/_stcore/health"
STARTUP_TIMEOUT_S = 180  # two workers importing pandas/plotly on a busy 2-core machine: ~10-30 s
STOP_TIMEOUT_S = 15
POLL_S = 0.25

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


@dataclass
class Child:
    """A process serve.py started (a worker or haproxy), in its own process group, logging to a file."""

    name: str
    cmd: list[str]
    log: Path
    port: int | None = None
    proc: subprocess.Popen | None = None
    reported: bool = False  # its death while serving was logged

    def start(self, env: dict[str, str] | None = None) -> None:
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(self.cmd, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True,
                                         preexec_fn=_die_with_parent)

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


# ------------------------------------------------------------------------------------------ helpers


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def answers_ok(url: str) -> bool:
    """True when ``url`` (a ``/_stcore/health``) answers ``ok``; any error or other answer is False."""
    try:
        with _OPENER.open(url, timeout=2) as response:
            return response.read(16).decode(errors="replace").strip() == "ok"
    except (OSError, ValueError):
        return False


def host_port(text: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[v6]:PORT`` too) for ``--server``."""
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, got {text!r}")
    return host.strip("[]"), int(port)


def url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


ANY_ADDRESS = ("0.0.0.0", "::")
PUBLIC_ENV = "DESCENT_LAB_PUBLIC_URL"  # the address students open: set for the workers when unset


def local_address(bind: str) -> str:
    """Where this machine reaches a socket bound to ``bind`` (loopback for a wildcard bind)."""
    return "127.0.0.1" if bind in ANY_ADDRESS else bind


def lan_address() -> str | None:
    """This machine's address on its default route (a UDP connect sends nothing), for students' URL."""
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.connect(("10.255.255.255", 1))
        address = s.getsockname()[0]
        return None if address.startswith("127.") else address
    return None


def haproxy_binary() -> str | None:
    """``$DESCENT_LAB_HAPROXY``, else ``haproxy`` on PATH, else Debian's ``/usr/sbin/haproxy``."""
    for candidate in (os.environ.get(HAPROXY_ENV), shutil.which("haproxy"), "/usr/sbin/haproxy"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def haproxy_config(bind: str, port: int, servers: list[tuple[str, str, int]]) -> str:
    """The whole haproxy.cfg: http mode, websockets, sticky cookie, health checks, redispatch."""
    server_lines = [f"    server {name} {url_host(host)}:{p} cookie {name}" for name, host, p in servers]
    return "\n".join([
        "# Generated by deploy/serve.py: Descent Lab (Streamlit) workers behind one sticky proxy.",
        "global",
        "    maxconn 4096",
        "    log stdout format raw local0 info",
        "",
        "defaults",
        "    mode http",
        "    log global",
        "    option httplog",
        "    option dontlognull",
        "    option forwardfor",
        "    option redispatch       # a request pinned to a dead worker goes to a live one",
        "    retries 2",
        "    timeout connect 5s",
        "    timeout client 60s",
        "    timeout server 120s     # a large upload, a slow first page",
        "    timeout http-request 30s",
        "    timeout tunnel 1h       # a session's websocket (/_stcore/stream) stays open all lesson",
        "    timeout client-fin 10s",
        "",
        "frontend descent_lab",
        f"    bind {url_host(bind)}:{port}",
        "    default_backend streamlit",
        "",
        "backend streamlit",
        "    balance leastconn       # websockets are long-lived: count open connections",
        "    # Sticky: the first response sets DLSRV=<server>; the session's websocket and its upload",
        "    # and media requests carry it back to the process that holds the session.",
        f"    cookie {COOKIE} insert indirect nocache httponly attr SameSite=Lax",
        f"    option httpchk GET {HEALTH}",
        "    http-check expect string ok",
        "    default-server check inter 2s fall 2 rise 1",
        *server_lines,
        "",
    ])


# ------------------------------------------------------------------------------------------ running


def worker_command(port: int, address: str) -> list[str]:
    return [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless=true",
            f"--server.address={address}", f"--server.port={port}", "--browser.gatherUsageStats=false",
            "--server.fileWatcherType=none"]


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


def serve(args: argparse.Namespace, workdir: Path) -> int:
    """Start workers, wait for their health, start haproxy, wait for it, then watch until a signal."""
    secret = os.environ.get(SECRET_ENV) or secrets.token_hex(32)
    env = {**os.environ, "STREAMLIT_SERVER_COOKIE_SECRET": secret}
    if not args.no_proxy and not env.get(PUBLIC_ENV) and args.bind in ANY_ADDRESS and (lan := lan_address()):
        env[PUBLIC_ENV] = f"http://{url_host(lan)}:{args.port}"  # the class's join links and QR codes
    ports = [args.worker_port + i if args.worker_port else free_port() for i in range(args.workers)]
    workers = [Child(f"w{i + 1}", worker_command(p, args.worker_address), workdir / f"w{i + 1}.log", p)
               for i, p in enumerate(ports)]
    remotes = [(f"r{i + 1}", host, port) for i, (host, port) in enumerate(args.server)]
    servers = [(w.name, local_address(args.worker_address), w.port) for w in workers] + remotes
    config = haproxy_config(args.bind, args.port, servers)
    if args.print_config:
        sys.stdout.write(config)
        return 0

    children: list[Child] = []
    try:
        for worker in workers:
            _check_stop()
            worker.start(env)
            children.append(worker)
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        for worker in workers:
            url = f"http://{url_host(local_address(args.worker_address))}:{worker.port}{HEALTH}"
            wait_until(lambda u=url: answers_ok(u), children, f"{worker.name} to answer {url}", deadline)
        for worker in workers:
            say(f"worker {worker.name} pid {worker.proc.pid} port {worker.port}")
        for name, host, port in remotes:
            state = "up" if answers_ok(f"http://{url_host(host)}:{port}{HEALTH}") else "not answering yet"
            say(f"remote {name} {url_host(host)}:{port} {state}")

        if args.no_proxy:
            address = lan_address() if args.worker_address in ANY_ADDRESS else args.worker_address
            say("for the proxy machine: " + " ".join(f"--server {address or '<this-host>'}:{w.port}"
                                                    for w in workers))
        else:
            proxy = start_proxy(args, config, workdir, children, deadline)
            say(f"haproxy pid {proxy.proc.pid} port {args.port}")
            say(f"logs and haproxy.cfg in {workdir}")
            if env.get(PUBLIC_ENV):
                say(f"students: {env[PUBLIC_ENV]} (join links use it: {PUBLIC_ENV})")
            say(f"serving http://{url_host(local_address(args.bind))}:{args.port}")
        return watch(children, None if args.no_proxy else proxy)
    except Stop as stop:
        say(f"{stop}: stopping {len(children)} processes")
        return 0
    except StartupError as exc:
        print(f"serve: {exc}", file=sys.stderr, flush=True)
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
    proxy = Child("haproxy", [binary, "-db", "-f", str(cfg)], workdir / "haproxy.log", args.port)
    proxy.start()
    children.append(proxy)
    url = f"http://{url_host(local_address(args.bind))}:{args.port}{HEALTH}"
    wait_until(lambda: answers_ok(url), [proxy], f"the proxy to answer {url}", deadline)
    return proxy


def watch(children: list[Child], proxy: Child | None) -> int:
    """Serve until a stop signal. A dead worker is logged once (not restarted); a dead proxy is fatal."""
    while True:
        _check_stop()
        for child in children:
            if child.reported or child.running():
                continue
            child.reported = True
            if child is proxy:
                print(f"serve: haproxy exited with code {child.proc.returncode}. Its log ({child.log}):\n"
                      f"{child.tail()}", file=sys.stderr, flush=True)
                return 1
            say(f"worker {child.name} pid {child.proc.pid} exited with code {child.proc.returncode}; "
                "not restarted (the proxy sends its visitors to the other workers)")
        time.sleep(1.0)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="deploy/serve", description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="local Streamlit worker processes (default: one per core)")
    parser.add_argument("--port", type=int, default=8501, help="the proxy's port (default 8501)")
    parser.add_argument("--bind", default="0.0.0.0",
                        help="the proxy's address (default 0.0.0.0: students' machines can reach it)")
    parser.add_argument("--server", type=host_port, action="append", default=[], metavar="HOST:PORT",
                        help="a remote Streamlit worker started with the same cookie secret (repeatable)")
    parser.add_argument("--print-config", action="store_true",
                        help="print the generated haproxy.cfg and exit")
    parser.add_argument("--no-proxy", action="store_true",
                        help="start only the workers (for a machine that another machine's proxy uses)")
    parser.add_argument("--worker-address",
                        help="workers' address (default 127.0.0.1, or 0.0.0.0 with --no-proxy)")
    parser.add_argument("--worker-port", type=int, default=0,
                        help="first worker's port, the others follow (default: free ports)")
    args = parser.parse_args(argv)
    if args.workers < 0 or (args.workers == 0 and not args.server):
        parser.error("need at least one worker: --workers K >= 1, or --server HOST:PORT")
    if args.no_proxy and not args.workers:
        parser.error("--no-proxy needs local workers")
    args.worker_address = args.worker_address or ("0.0.0.0" if args.no_proxy else "127.0.0.1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, _on_signal)
    if args.print_config:
        return serve(args, Path(tempfile.gettempdir()))
    workdir = Path(tempfile.mkdtemp(prefix="descent-lab-serve-"))
    code = serve(args, workdir)
    if code == 0:
        shutil.rmtree(workdir, ignore_errors=True)
    else:
        print(f"serve: logs kept in {workdir}", file=sys.stderr, flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
