"""The Playground's partial reruns through a real server (AppTest always reruns the whole script):
moving the rate or the start reruns only their fragment, and never resends the live chart's rate table;
a setting drawn outside it (the epochs) reruns the whole page, table and all. And the server sends a
rerun's small messages at once (TCP_NODELAY on every accepted connection, ``gd_ui/nodelay.py``)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import socket
import sys

import pytest
from conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
TABLE_BYTES = 100_000  # the Seattle rate table is about 340 kB; a fragment's run sends about 40 kB


def run_async(coro):
    """``asyncio.run`` in a thread of its own: after the browser tests, this thread has a running loop
    (Playwright's), where ``asyncio.run`` refuses to start."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


@pytest.mark.slow
def test_the_rate_and_the_start_rerun_their_fragment_alone_and_the_epochs_the_whole_page():
    from bench_server import PAGES, server
    from st_protocol import Session

    async def go(url: str) -> dict:
        async with await Session.open(url, timeout=120) as tab:
            first = await tab.rerun()
            runs = {"first": first}
            for key, value in (("lr", None), ("w0", 0.25), ("b0", 12.0)):
                w = tab.widget(key)
                runs[key] = await tab.set_widget(key, w.options[w.options.index(w.value[0]) + 1]
                                                 if value is None else value)
            runs["epochs"] = await tab.set_widget("epochs", "20,000")
            runs["lr again"] = await tab.set_widget("lr", tab.widget("lr").options[10])
            return runs

    with server(PAGES["playground"][0]) as (url, _pid):
        runs = run_async(go(url))
    for name, run in runs.items():
        assert not run.exceptions and not run.errors, (name, run.exceptions, run.errors)
    assert runs["first"].status == "FINISHED_SUCCESSFULLY" and runs["first"].bytes > TABLE_BYTES
    for name in ("lr", "w0", "b0", "lr again"):
        assert runs[name].status == "FINISHED_FRAGMENT_RUN_SUCCESSFULLY", name
        assert runs[name].bytes < TABLE_BYTES, (name, runs[name].bytes)  # no rate table
    assert runs["epochs"].status == "FINISHED_SUCCESSFULLY"
    assert runs["epochs"].bytes > TABLE_BYTES  # a new table for the new epoch count


def _accepted_nodelay() -> int:
    """TCP_NODELAY of the server side of one connection to an asyncio server whose listening socket has
    protocol 0, as Streamlit binds it."""
    async def go() -> int:
        seen = asyncio.get_running_loop().create_future()

        def accepted(reader, writer):
            sock = writer.get_extra_info("socket")
            seen.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)  # proto 0
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.setblocking(False)
        srv = await asyncio.start_server(accepted, sock=listener)
        async with srv:
            _, writer = await asyncio.open_connection(*listener.getsockname())
            value = await asyncio.wait_for(seen, 10)
            writer.close()
        return value

    return run_async(go())


def test_every_accepted_connection_sends_small_writes_at_once():
    import asyncio.base_events

    from gd_ui import nodelay

    current = asyncio.base_events._set_nodelay  # the page frame may have applied it in this process
    try:
        asyncio.base_events._set_nodelay = nodelay.ASYNCIO_SET_NODELAY
        before = _accepted_nodelay()
        nodelay.apply()
        after = _accepted_nodelay()
    finally:
        asyncio.base_events._set_nodelay = current
    assert after != 0
    if sys.version_info < (3, 13):  # asyncio's own check skips a protocol-0 socket: the bug it fixes
        assert before == 0


def test_a_connection_open_before_the_fix_gets_it_too():
    """Under a plain ``streamlit run`` the first browser tab connects before the app is imported."""
    import asyncio.base_events

    from gd_ui import nodelay

    async def go() -> tuple[int, int]:
        seen = asyncio.get_running_loop().create_future()
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)  # proto 0, as Streamlit binds it
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.setblocking(False)
        srv = await asyncio.start_server(lambda r, w: seen.set_result(w), sock=listener)
        async with srv:
            _, client = await asyncio.open_connection(*listener.getsockname())
            server_side = await asyncio.wait_for(seen, 10)
            sock = server_side.get_extra_info("socket")
            before = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
            nodelay.apply()
            after = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
            server_side.close()
            client.close()
        return before, after

    current = asyncio.base_events._set_nodelay
    try:
        asyncio.base_events._set_nodelay = nodelay.ASYNCIO_SET_NODELAY
        before, after = run_async(go())
    finally:
        asyncio.base_events._set_nodelay = current
    assert after != 0
    if sys.version_info < (3, 13):
        assert before == 0
