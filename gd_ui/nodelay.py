"""A rerun's messages without a 40–200 ms wait: TCP_NODELAY on every connection the app accepts.

asyncio turns Nagle's algorithm off only on sockets whose protocol number is ``IPPROTO_TCP``
(``asyncio.base_events._set_nodelay``). Streamlit binds its listening socket with protocol 0
(``streamlit.web.server.starlette.starlette_server._bind_socket``), so every socket it accepts keeps
Nagle on: after a rerun's first small message, the next ones wait for the browser's delayed ACK —
40 ms on Linux, up to 200 ms on Windows — on every slider change. Measured on the trivial page
(``benchmarks/bench_server.py``): change → finished 44 ms before, 5 ms after.

:func:`apply` fixes every connection accepted after it, and the TCP sockets this process already has
open (the connection whose first run imported the app, under a plain ``streamlit run``): the page
frame calls it on the first run in a process, ``deploy/worker.py`` before the server starts.
"""

from __future__ import annotations

import asyncio.base_events
import contextlib
import gc
import socket

ASYNCIO_SET_NODELAY = asyncio.base_events._set_nodelay  # asyncio's own, kept for the tests


def _set_nodelay(sock: socket.socket) -> None:
    if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def apply() -> None:
    """Every TCP transport asyncio creates from now on sends small writes at once, and so does every TCP
    socket already open in this process (once)."""
    if asyncio.base_events._set_nodelay is _set_nodelay:
        return
    asyncio.base_events._set_nodelay = _set_nodelay
    for obj in gc.get_objects():
        try:
            if isinstance(obj, socket.socket) and obj.fileno() >= 0:
                _set_nodelay(obj)
        except (ReferenceError, OSError):  # a dead weak proxy, a closed socket
            continue
