"""What ``deploy/serve`` will run, decided before anything runs: its options, the workers' names, ports
and commands, the students' URL and the HAProxy configuration (``haproxy.cfg.tmpl`` filled in with
:class:`string.Template`). Nothing here starts a process; ``serve.py`` runs the plan.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import sys
from dataclasses import dataclass, field
from pathlib import Path
from string import Template

HERE = Path(__file__).resolve().parent
WORKER = HERE / "worker.py"  # streamlit run, with TCP_NODELAY from the first connection
REPO = HERE.parent
TEMPLATE = HERE / "haproxy.cfg.tmpl"
SECRET_ENV = "DESCENT_LAB_COOKIE_SECRET"
HAPROXY_ENV = "DESCENT_LAB_HAPROXY"
PUBLIC_URL_ENV = "DESCENT_LAB_PUBLIC_URL"  # the students' URL: the app builds join links from it
COOKIE = "DLSRV"
HEALTH = "/_stcore/health"
ANY_ADDRESS = ("0.0.0.0", "::")
# Response headers that may carry an absolute URL: one naming a worker's port becomes a path.
URL_HEADERS = ("Location", "Content-Location")


@dataclass(frozen=True)
class Server:
    """One line of the proxy's backend: a local worker (``w1`` …) or a remote one (``r1`` …)."""

    name: str
    host: str
    port: int
    local: bool


@dataclass
class Plan:
    """Everything decided from the options: ``serve.py`` starts ``workers``, then the proxy."""

    workers: list[Server]
    remotes: list[Server]
    config: str
    fixed_ports: bool
    public_url: str | None
    warnings: list[str] = field(default_factory=list)

    @property
    def servers(self) -> list[Server]:
        return self.workers + self.remotes


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def host_port(text: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[v6]:PORT`` too) for ``--server``."""
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, got {text!r}")
    return host.strip("[]"), int(port)


def url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


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


def health_url(server: Server) -> str:
    return f"http://{url_host(server.host)}:{server.port}{HEALTH}"


def worker_command(port: int, address: str) -> list[str]:
    return [sys.executable, str(WORKER), "run", "app.py", "--server.headless=true",
            f"--server.address={address}", f"--server.port={port}", "--browser.gatherUsageStats=false",
            "--server.fileWatcherType=none"]


def haproxy_config(bind: str, port: int, servers: list[Server], *, ports_note: str = "") -> str:
    """``haproxy.cfg.tmpl`` filled in: http mode, websockets, sticky cookie, health checks,
    redispatch, security headers, no metrics for students, no worker port in a response header."""
    ports = "|".join(sorted({str(s.port) for s in servers}))
    strip = [f"    http-response replace-header {h} ^[a-zA-Z][a-zA-Z0-9+.-]*://[^/]*:(?:{ports})/?(.*)$ /\\1"
             for h in URL_HEADERS]
    strip.append(f"    http-response del-header Access-Control-Allow-Origin "
                 f"if {{ res.hdr(Access-Control-Allow-Origin) -m reg :(?:{ports})\\b }}")
    lines = [f"    server {s.name} {url_host(s.host)}:{s.port} cookie {s.name}" for s in servers]
    return Template(TEMPLATE.read_text()).substitute(
        bind=url_host(bind), port=port, cookie=COOKIE, health=HEALTH, ports_note=ports_note,
        strip_worker_headers="\n".join(strip), server_lines="\n".join(lines))


def public_url(args: argparse.Namespace) -> str | None:
    """The students' URL: ``--public-url``, else ``$DESCENT_LAB_PUBLIC_URL``, else this machine's LAN
    address on the proxy's port when the proxy listens on every address (None: not known)."""
    given = args.public_url or os.environ.get(PUBLIC_URL_ENV)
    if given:
        return given.rstrip("/")
    if args.no_proxy:
        return None
    if args.bind in ANY_ADDRESS:
        address = lan_address()
        return f"http://{address}:{args.port}" if address else None
    return f"http://{url_host(args.bind)}:{args.port}"


def make_plan(args: argparse.Namespace) -> Plan:
    fixed = bool(args.worker_port)
    ports = [args.worker_port + i if fixed else free_port() for i in range(args.workers)]
    workers = [Server(f"w{i + 1}", local_address(args.worker_address), p, True) for i, p in enumerate(ports)]
    remotes = [Server(f"r{i + 1}", h, p, False) for i, (h, p) in enumerate(args.server)]
    warnings = []
    if fixed:
        note = f"Local workers on fixed ports {ports[0]}-{ports[-1]} (--worker-port)." if ports else ""
    elif ports:
        note = ("Local workers' ports were free when this was printed and are chosen afresh at each start: "
                "pass --worker-port to fix them.")
        if args.print_config:
            warnings.append("serve: the workers' ports in this config are examples; give --worker-port P "
                            "to fix them (the workers then use P, P+1, ...)")
    else:
        note = "No local workers."
    config = haproxy_config(args.bind, args.port, workers + remotes, ports_note=note)
    return Plan(workers, remotes, config, fixed, public_url(args), warnings)


class _Defaults(argparse.HelpFormatter):
    """``(default: X)`` after an option's help when it has a default worth stating."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if action.default not in (None, False, [], argparse.SUPPRESS) and "default" not in text:
            text += " (default: %(default)s)"
        return text


def parse_args(argv: list[str] | None = None, doc: str = "") -> argparse.Namespace:
    description = doc.split("\n\n")[0].replace("``", "") or None
    parser = argparse.ArgumentParser(prog="deploy/serve", description=description, formatter_class=_Defaults)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="local Streamlit worker processes (one per core)")
    parser.add_argument("--port", type=int, default=8501, help="the proxy's port")
    parser.add_argument("--bind", default="0.0.0.0",
                        help="the proxy's address (0.0.0.0: students' machines can reach it)")
    parser.add_argument("--server", type=host_port, action="append", default=[], metavar="HOST:PORT",
                        help="a remote Streamlit worker started with the same cookie secret (repeatable)")
    parser.add_argument("--print-config", action="store_true",
                        help="print the generated haproxy.cfg and exit (with --worker-port: fixed ports)")
    parser.add_argument("--no-proxy", action="store_true",
                        help="start only the workers (for a machine that another machine's proxy uses)")
    parser.add_argument("--worker-address",
                        help="workers' address (default: 127.0.0.1, or 0.0.0.0 with --no-proxy)")
    parser.add_argument("--worker-port", type=int, default=0,
                        help="first worker's port, the others follow (default: 0, free ports)")
    parser.add_argument("--logs", type=Path, metavar="DIR",
                        help="write the workers' and haproxy's logs and haproxy.cfg to DIR and keep them "
                             "after stopping (default: a temporary folder, removed after a clean stop)")
    parser.add_argument("--public-url", metavar="URL",
                        help=f"the address students open, for join links (default: ${PUBLIC_URL_ENV}, "
                             "else this machine's LAN address and --port)")
    args = parser.parse_args(argv)
    if args.workers < 0 or (args.workers == 0 and not args.server):
        parser.error("need at least one worker: --workers K >= 1, or --server HOST:PORT")
    if args.no_proxy and not args.workers:
        parser.error("--no-proxy needs local workers")
    if not 0 < args.port < 65536 or not 0 <= args.worker_port < 65536 - max(args.workers, 1):
        parser.error("ports must be between 1 and 65535")
    if args.logs is not None and args.logs.exists() and not args.logs.is_dir():
        parser.error(f"--logs {args.logs}: not a folder")
    args.worker_address = args.worker_address or ("0.0.0.0" if args.no_proxy else "127.0.0.1")
    return args
