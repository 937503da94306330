"""The class's addresses: the students' join link, the teacher's take-over link, the client address a
rate limit is keyed by. Pure (no Streamlit).

A join link must open on a phone: ``DESCENT_LAB_PUBLIC_URL`` when set (``deploy/serve`` sets it);
otherwise the page's own address, except that ``localhost``/``127.0.0.1`` — which no phone can open —
becomes this machine's network address, as Streamlit's own "Network URL" does. When there is none,
the caller shows a warning.
"""

from __future__ import annotations

import ipaddress
import os
import re
from urllib.parse import urlencode, urlsplit, urlunsplit

PUBLIC_ENV = "DESCENT_LAB_PUBLIC_URL"
JOIN = "join"  # ?join=CODE: a student's phone
TEACH, KEY = "teach", "key"  # ?teach=CODE&key=SECRET: the teacher's link (shown only on request)
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]", "0.0.0.0"})


def app_base(page_url: str | None, slugs=(), *, public: str | None = None,
             network_ip: str | None = None) -> tuple[str | None, str | None]:
    """(the app's root URL a phone can open, or None; a warning, or None).

    ``page_url``: the teacher's page as the browser has it (``st.context.url``); a page's own path at
    its end (one of ``slugs``) is dropped. ``public``: ``DESCENT_LAB_PUBLIC_URL``. ``network_ip``:
    this machine's address on the network (``streamlit.net_util.get_internal_ip``)."""
    if public:
        parts = urlsplit(public.strip())
        if parts.scheme in ("http", "https") and parts.netloc:
            return urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/") + "/", "", "")), None
        return None, f"{PUBLIC_ENV} is not an http(s) address; students need the app's address."
    if not page_url:
        return None, ("This page's address is unknown here: students open the app's address plus the "
                      "link's end.")
    parts = urlsplit(page_url)
    path = parts.path.rstrip("/")
    for slug in slugs:
        if path.endswith("/" + slug):
            path = path.removesuffix("/" + slug)
            break
    netloc, warning = parts.netloc, None
    host = (parts.hostname or "").lower()
    if host in LOCAL_HOSTS or host.startswith("127."):
        if network_ip and _routable(network_ip):
            port = f":{parts.port}" if parts.port else ""
            netloc = (f"[{network_ip}]" if ":" in network_ip else network_ip) + port
        else:
            return None, (f"This machine has no network address that phones can reach (the page is open as "
                          f"{host}). Connect it to the classroom's network, or set {PUBLIC_ENV}.")
    return urlunsplit((parts.scheme or "http", netloc, path + "/", "", "")), warning


def _routable(ip: str) -> bool:
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return not (address.is_loopback or address.is_unspecified)


def join_url(base: str | None, code: str) -> str:
    """``BASE/?join=CODE`` (relative ``./?join=CODE`` without a base)."""
    return f"{base or './'}?{urlencode({JOIN: code})}"


def teacher_url(base: str | None, code: str, secret: str) -> str:
    return f"{base or './'}?{urlencode({TEACH: code, KEY: secret, 'present': '1'})}"


def public_setting() -> str | None:
    return os.environ.get(PUBLIC_ENV, "").strip() or None


_ADDRESS = re.compile(r"[0-9A-Fa-f.:\[\]]{1,64}")


def client_address(forwarded: str | None, peer: str | None) -> str:
    """The address a rate limit is keyed by: the last hop of ``X-Forwarded-For`` (what our own HAProxy
    appended: earlier entries are whatever the client wrote), else the socket's peer, else ``?``."""
    for raw in (forwarded, peer):
        candidate = raw.split(",")[-1].strip() if isinstance(raw, str) else ""
        if candidate and _ADDRESS.fullmatch(candidate):
            return candidate
    return "?"


def class_settings(env=None) -> tuple[int, float]:
    """(size cap, lifetime in hours) from ``DESCENT_LAB_CLASS_CAP`` and ``DESCENT_LAB_CLASS_HOURS``
    (defaults 300 and 24; a value that is not a number in range is ignored)."""
    env = os.environ if env is None else env
    cap, hours = 300, 24.0
    try:
        cap = min(max(int(env.get("DESCENT_LAB_CLASS_CAP", cap)), 1), 5000)
    except ValueError:
        pass
    try:
        value = float(env.get("DESCENT_LAB_CLASS_HOURS", hours))
        hours = value if 0.05 <= value <= 24 * 14 else hours
    except ValueError:
        pass
    return cap, hours
