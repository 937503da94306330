"""A class of N students answering a class poll at once, through the classroom deployment (deploy/serve).

The teacher is one tab on the playground that clicks "Start a class poll" and reads the join code from
the page; its counts fragment refreshes every 2 s as the browser would drive it (``auto_rerun``). Each
student is one tab speaking Streamlit's websocket protocol (``st_protocol.Session``; no Chromium, so the
machine's CPU goes to the server) that opens ``/?poll=CODE`` and, at a random moment in a ``--window``
of seconds, picks an answer (a rerun, as a radio click is), thinks a moment, then taps Send; a share of
them (``--change``) later change their mind and send again. Every student tab also runs its page's
waiting fragment every 4 s, as a phone left open does.

    .venv/bin/python benchmarks/bench_poll.py [N=60] [--window 10] [--workers K] [--json]

It starts ``deploy/serve`` on a free loopback port with ``DESCENT_LAB_DB`` set to a fresh SQLite file
(through the environment: every worker shares that database) and stops it at the end. Reports: page
open (connect → first ``script_finished``), pick → finished, and Send → finished with "Answer received"
on the page, median/p90/max; the teacher's "N answers" against N and the database's own count, and
how long after the last Send the teacher's page showed it; errors; server CPU per student action.
Exit status 1 when an answer is missing, the counts disagree, or Send's p90 exceeds ``--p90-limit``.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import contextlib
import json
import os
import random
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_classroom import classroom_server, cpu_seconds, peak_rss_mb, summary
from st_protocol import Session, Widget
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState, ContextInfo
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates
from streamlit.runtime.state.common import user_key_from_element_id

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from gd_poll import ANSWERS, ENV_VAR, open_store  # noqa: E402

CODE = re.compile(r"[?&]poll=([2-9A-HJ-NP-Z]{6})\b")
COUNT = re.compile(r"^(\d+) answers?$")
RECEIVED = "Answer received"
STUDENT_REFRESH_S = 4.0  # gd_ui.widgets.poll.STUDENT_REFRESH_S
TEACHER_REFRESH_S = 2.0  # gd_ui.widgets.poll.TEACHER_REFRESH_S


class Trigger(Widget):
    """A button press: sent once with the next rerun (the frontend's trigger_value)."""

    def state(self) -> WidgetState:
        return WidgetState(id=self.id, trigger_value=True)


class PollTab(Session):
    """A tab that also sees buttons, texts and auto-rerun fragments, and can press and poll them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.buttons: dict[str, str] = {}  # user key -> element id
        self.texts: list[str] = []  # markdown, alerts, code of the last run
        self.fragments: dict[str, float] = {}  # fragment id -> interval (s), from auto_rerun
        self.lock = asyncio.Lock()  # one run at a time on this websocket, as in the browser

    def _through_cache(self, msg):
        msg = super()._through_cache(msg)
        kind = msg.WhichOneof("type")
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            what = element.WhichOneof("type")
            if what == "button":
                self.buttons[user_key_from_element_id(element.button.id)] = element.button.id
            elif what in ("markdown", "alert"):
                self.texts.append(getattr(element, what).body)
            elif what == "code":
                self.texts.append(element.code.code_text)
        elif kind == "auto_rerun":
            self.fragments[msg.auto_rerun.fragment_id] = msg.auto_rerun.interval
        return msg

    async def rerun(self, *, page_script_hash: str | None = None, fragment_id: str = ""):
        self.texts = []
        self.fragments = {}  # a full run announces the fragments that live on
        return await super().rerun(page_script_hash=page_script_hash, fragment_id=fragment_id)

    async def click(self, key: str):
        """Press the button with user key ``key`` (from the last run), then rerun."""
        trigger = Trigger(self.buttons[key], key, "button", key, True, None)
        self.widgets[trigger.id] = trigger
        try:
            return await self.rerun()
        finally:
            self.widgets.pop(trigger.id, None)

    async def fragment_rerun(self, fragment_id: str):
        """What the browser sends when a ``run_every`` fragment is due."""
        self.texts = []
        states = [s for s in (w.state() for w in self.widgets.values()) if s is not None]
        url = self.base_url + self.path + (f"?{self.query_string()}" if self.query else "")
        client = ClientState(
            query_string=self.query_string(), page_script_hash=self.page_script_hash,
            widget_states=WidgetStates(widgets=states), cached_message_hashes=list(self._cache),
            fragment_id=fragment_id, is_auto_rerun=True,
            context_info=ContextInfo(timezone="UTC", timezone_offset=0, locale="en-US", url=url,
                                     is_embedded=False, color_scheme="light"))
        start = time.perf_counter()
        await self.ws.send(BackMsg(rerun_script=client).SerializeToString())
        return await asyncio.wait_for(self._read_run(start, fragment_id), self.timeout)

    def text(self) -> str:
        return "\n".join(self.texts)


async def keep_polling(tab: PollTab, stop: asyncio.Event, on_run=None) -> None:
    """Run the tab's auto-rerun fragments at their intervals until ``stop`` (none: nothing to do)."""
    while not stop.is_set():
        interval = min(tab.fragments.values(), default=None)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), interval or 1.0)
        if stop.is_set() or interval is None:
            continue
        async with tab.lock:
            for fragment_id in list(tab.fragments):
                run = await tab.fragment_rerun(fragment_id)
                if on_run is not None:
                    on_run(run, tab)


# ------------------------------------------------------------------------------------------ the class


@dataclass
class Tally:
    opens: list[float] = field(default_factory=list)
    picks: list[float] = field(default_factory=list)
    sends: list[float] = field(default_factory=list)
    sent_at: list[float] = field(default_factory=list)
    not_received: int = 0
    polls: int = 0
    errors: list[str] = field(default_factory=list)


async def student(i: int, url: str, code: str, args, tally: Tally, opened: asyncio.Barrier,
                  go: asyncio.Event, t0: list[float], stop: asyncio.Event, open_tabs: list) -> None:
    """Open the poll, wait for the class, answer (some twice); the tab stays open, polling, until
    ``stop``: its waiting fragment is part of the load."""
    rng = random.Random(args.seed * 1000 + i)
    await asyncio.sleep(args.arrive * rng.random())
    tab = None
    try:
        start = time.perf_counter()
        tab = await PollTab.open(url, "/", f"poll={code}", timeout=args.timeout)
        first = await tab.rerun()
        tally.opens.append(time.perf_counter() - start)
        tally.errors += first.exceptions
        poller = asyncio.create_task(keep_polling(tab, stop, lambda run, _: _count_poll(tally, run)))
        open_tabs.append((tab, poller))
    except Exception as exc:  # every failure is a result to report
        tally.errors.append(f"opening: {type(exc).__name__}: {exc}"[:300])
        if tab is not None:
            await tab.close()
            tab = None
    await opened.wait()  # the whole class has the page open: "now answer"
    if tab is None:
        return
    await go.wait()
    try:
        choices = list(ANSWERS.values())
        answer = rng.choice(choices)
        await asyncio.sleep(max(0.0, t0[0] + args.window * rng.random() - time.perf_counter()))
        for attempt in range(2 if rng.random() < args.change else 1):
            if attempt:
                await asyncio.sleep(rng.uniform(1.0, 3.0))
                answer = rng.choice([c for c in choices if c != answer])
            async with tab.lock:
                run = await tab.set_widget(f"poll_pick_{code}", answer)
                tally.picks.append(run.elapsed)
            await asyncio.sleep(rng.uniform(0.3, 1.0))  # reads the choice, reaches for Send
            async with tab.lock:
                run = await tab.click("poll_send")
                tally.sends.append(run.elapsed)
                tally.sent_at.append(time.perf_counter())
                tally.errors += run.exceptions + run.errors
                if f"{RECEIVED}: “{answer}”" not in tab.text():
                    tally.not_received += 1
    except Exception as exc:
        tally.errors.append(f"answering: {type(exc).__name__}: {exc}"[:300])


def _count_poll(tally: Tally, run) -> None:
    tally.polls += 1
    tally.errors += run.exceptions


def teacher_count(tab: PollTab) -> int | None:
    for text in tab.texts:
        match = COUNT.match(text.strip())
        if match:
            return int(match.group(1))
    return None


async def run_class(n: int, url: str, pids: list[int], db: str, args) -> dict:
    loop = asyncio.get_running_loop()  # the tabs' HTTP visits run in threads: enough for all at once
    loop.set_default_executor(concurrent.futures.ThreadPoolExecutor(max_workers=n + 8))
    teacher = await PollTab.open(url, timeout=args.timeout)
    await teacher.rerun()
    started = await teacher.click("poll_start")
    found = CODE.search(teacher.text())
    if started.exceptions or not found:
        raise RuntimeError(f"the teacher's poll did not start: {started.exceptions} {teacher.text()[:500]}")
    code = found.group(1)
    seen: list[tuple[float, int]] = []  # (time, count) the teacher's page showed

    def on_teacher(run, tab) -> None:
        count = teacher_count(tab)
        if count is not None:
            seen.append((time.perf_counter(), count))

    tally, stop, go, t0 = Tally(), asyncio.Event(), asyncio.Event(), [0.0]
    opened = asyncio.Barrier(n + 1)
    teacher_poller = asyncio.create_task(keep_polling(teacher, stop, on_teacher))
    open_tabs: list = []
    tasks = [asyncio.create_task(student(i, url, code, args, tally, opened, go, t0, stop, open_tabs))
             for i in range(n)]
    await opened.wait()
    cpu0, wall0 = cpu_seconds(pids), time.perf_counter()
    t0[0] = time.perf_counter()
    go.set()
    await asyncio.gather(*tasks)
    last_send = max(tally.sent_at, default=time.perf_counter())
    deadline = time.perf_counter() + 15
    while time.perf_counter() < deadline and not (seen and seen[-1][0] > last_send and seen[-1][1] == n):
        await asyncio.sleep(0.2)
    stop.set()
    await teacher_poller
    for tab, poller in open_tabs:
        with contextlib.suppress(Exception):
            await poller
        await tab.close()
    cpu, wall = cpu_seconds(pids) - cpu0, time.perf_counter() - wall0
    stored = open_store(db).counts(code)
    shown = next((c for t, c in reversed(seen) if t > last_send), None)
    caught_up = next((t for t, c in seen if t > last_send and c == n), None)
    actions = len(tally.picks) + len(tally.sends) + tally.polls
    peaks = peak_rss_mb(pids)
    await teacher.close()
    return {
        "students": n, "workers": len(pids) or None, "url": url, "code": code, "window_s": args.window,
        "open_s": summary(tally.opens), "pick_s": summary(tally.picks),
        "send_to_received_s": summary(tally.sends),
        "sends": len(tally.sends), "not_received": tally.not_received,
        "teacher_shows": shown, "stored_total": sum(stored.values()), "stored": stored,
        "teacher_caught_up_s": round(caught_up - last_send, 2) if caught_up else None,
        "fragment_polls": tally.polls, "errors": len(tally.errors),
        "error_examples": sorted(set(tally.errors))[:5],
        "server_cpu_s": round(cpu, 2) if pids else None, "phase_s": round(wall, 2),
        "server_cpu_per_action_ms": round(1000 * cpu / actions, 1) if pids and actions else None,
        "peak_rss_mb": {"sum": round(sum(peaks)), "max": round(max(peaks))} if peaks else None,
    }


def verdicts(r: dict, p90_limit: float) -> list[str]:
    """What failed (empty: all good)."""
    bad = []
    if r["stored_total"] != r["students"]:
        bad.append(f"the database holds {r['stored_total']} answers for {r['students']} students")
    if r["teacher_shows"] != r["students"]:
        bad.append(f"the teacher's page shows {r['teacher_shows']} answers for {r['students']} students")
    if r["not_received"] or r["errors"]:
        bad.append(f"{r['not_received']} sends without 'Answer received', {r['errors']} errors")
    send = r["send_to_received_s"]
    if not send or send["p90"] > p90_limit:
        bad.append(f"Send → received p90 {send and send['p90']} s > {p90_limit} s")
    return bad


def table(r: dict, bad: list[str]) -> str:
    def row(label: str, s: dict | None) -> str:
        if not s:
            return f"  {label:26s} (none)"
        return f"  {label:26s} {s['median']:8.3f} {s['p90']:8.3f} {s['max']:8.3f}   n={s['n']}"

    lines = [
        f"class poll: {r['students']} students sending within {r['window_s']} s, "
        f"workers: {r['workers'] or '?'}, {r['url']}/?poll={r['code']}",
        f"  {'seconds':26s} {'median':>8s} {'p90':>8s} {'max':>8s}",
        row("page open", r["open_s"]), row("pick → finished", r["pick_s"]),
        row("Send → Answer received", r["send_to_received_s"]),
        f"  count: teacher's page shows {r['teacher_shows']}, database {r['stored_total']} {r['stored']}, "
        f"for {r['students']} students ({r['sends']} sends incl. changed answers); teacher caught up "
        f"{r['teacher_caught_up_s']} s after the last Send",
        f"  fragment polls {r['fragment_polls']}; errors {r['errors']}; not received {r['not_received']}",
    ]
    lines += [f"    e.g. {e}" for e in r["error_examples"]]
    if r["server_cpu_s"] is not None:
        lines.append(f"  server CPU {r['server_cpu_s']} s over {r['phase_s']} s "
                     f"({r['server_cpu_per_action_ms']} ms per pick, send or poll)")
    if r["peak_rss_mb"]:
        rss = r["peak_rss_mb"]
        lines.append(f"  peak RSS of workers: sum {rss['sum']} MB, max {rss['max']} MB")
    lines.append("  OK" if not bad else "  FAILED: " + "; ".join(bad))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("students", type=int, nargs="?", default=60)
    parser.add_argument("--window", type=float, default=10.0, help="students send within this many seconds")
    parser.add_argument("--arrive", type=float, default=5.0, help="students open the page over this many s")
    parser.add_argument("--change", type=float, default=0.2, help="share of students who send twice")
    parser.add_argument("--workers", type=int, help="deploy/serve --workers (default: one per core)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds until a run is a timeout")
    parser.add_argument("--p90-limit", type=float, default=1.0, help="Send → received p90 must stay under")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print the result as JSON, not a table")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-poll-") as folder:
        db = str(Path(folder) / "polls.sqlite3")
        os.environ[ENV_VAR] = db  # deploy/serve passes its environment on to every worker
        with classroom_server(args.workers) as (url, pids):
            result = asyncio.run(run_class(args.students, url, pids, db, args))
    bad = verdicts(result, args.p90_limit)
    print(json.dumps({**result, "failed": bad}, indent=2) if args.json else table(result, bad), flush=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
