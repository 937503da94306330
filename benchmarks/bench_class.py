"""A class of N phones following a 6-step lesson, over Streamlit's own protocol, through deploy/serve.

    .venv/bin/python benchmarks/bench_class.py [N=100] [--workers 2] [--flood 500] [--real 30] [--json]

It starts ``deploy/serve`` (``--workers``, default 2) on a free loopback port with a fresh SQLite store
(``DESCENT_LAB_DB``), then:

1. **Follow.** A teacher tab opens presenter mode with a 6-step lesson (``?lesson=``) and presses
   "Start a class"; N phone tabs open ``/?join=CODE`` and report a random browser token as the page's
   ``localStorage`` component would. Each phone runs its page's 1-s watch fragment as a browser does.
   The teacher presses Next five times: for each step change, the time until each phone's page shows
   "Step k of 6" (p90, max).
2. **Vote.** On a question step every phone picks an answer and presses Send; the time from the last
   Send until the projector's counts fragment shows "N answered".
3. **Idle.** Server CPU (both workers) over ``--idle`` seconds while the phones follow: per phone per
   minute.
4. **Flood.** A new class; ``--real`` students, each from its own loopback address (127.0.0.x, so the
   proxy forwards distinct client addresses), join and wait on a question; then ``--flood`` fresh
   sessions from one address (127.0.0.1) open the join link, report fresh tokens and try to join and
   vote, while the real students vote. Reports: real votes counted (must be all), flood sessions that
   got in and flood votes counted, and the flood's share of the counted votes; then the same with
   joining closed by the teacher once the real students are in (a fifth of the flood).

Exit status 1 when a phone missed a step, a vote is missing, or p90 > 2 s / max > 4 s.
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
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(HERE), str(REPO)]
import websockets  # noqa: E402
from bench_classroom import cpu_seconds, summary  # noqa: E402
from bench_poll import PollTab, keep_polling  # noqa: E402
from st_protocol import Widget  # noqa: E402
from streamlit.proto.WidgetStates_pb2 import WidgetState  # noqa: E402

from gd_poll import ANSWERS, ENV_VAR, open_store  # noqa: E402
from gd_ui import lesson_plan as lp  # noqa: E402

CODE = re.compile(r"^[2-9A-HJ-NP-Z]{6}$")
STEPS = 6
QUESTION_STEP = 3  # 0-based: the fourth step is a question


class Token(Widget):
    """The page's localStorage component reporting this browser's token (its state, every rerun)."""

    def state(self) -> WidgetState:
        return WidgetState(id=self.id, json_value=json.dumps({"value": self.value}))


class Phone(PollTab):
    """A tab that also answers the class's localStorage component with its token."""

    token: str | None = None
    local: str | None = None  # the loopback address this tab connects from

    def _through_cache(self, msg):
        msg = super()._through_cache(msg)
        if msg.WhichOneof("type") == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            if element.WhichOneof("type") == "bidi_component" and self.token and \
                    element.bidi_component.component_name.endswith("descent_lab_class_keep"):
                self.keep_id = element.bidi_component.id
        return msg

    def _with_token(self) -> None:
        if getattr(self, "keep_id", None) and self.token:
            self.widgets[self.keep_id] = Token(self.keep_id, None, "token", "", self.token, None)

    async def rerun(self, **kw):
        self._with_token()
        return await super().rerun(**kw)

    async def fragment_rerun(self, fragment_id):
        self._with_token()
        return await super().fragment_rerun(fragment_id)

    def step_shown(self) -> int | None:
        for text in self.texts:
            match = re.fullmatch(rf"Step (\d+) of {STEPS}", text.strip())
            if match:
                return int(match.group(1))
        return None


async def open_phone(url: str, code: str, *, local: str | None = None, timeout: float = 120) -> Phone:
    """A phone at the join link that has reported a fresh token (the page then joins the class);
    ``local``: the loopback address to connect from (127.0.0.x), which the proxy forwards."""
    tab = Phone(url, "/", f"join={code}", timeout=timeout)
    await asyncio.to_thread(tab._http_get, tab.path)
    await asyncio.to_thread(tab._http_get, "/_stcore/health")
    netloc = urllib.parse.urlsplit(tab.base_url).netloc
    headers = {"Origin": tab.base_url, "Cookie": "; ".join(f"{k}={v}" for k, v in tab.cookies.items())}
    extra = {"local_addr": (local, 0)} if local else {}
    tab.ws = await asyncio.wait_for(websockets.connect(
        f"ws://{netloc}/_stcore/stream", subprotocols=["streamlit"], additional_headers=headers,
        max_size=None, ping_interval=None, **extra), timeout)
    tab.token = secrets.token_urlsafe(16)
    for _ in range(3):  # the first run draws the component; the next carries the token it reports
        await tab.rerun()
        if getattr(tab, "keep_id", None) and tab.step_shown() is not None:
            break
    return tab


def six_steps() -> str:
    """A 6-step lesson on Seattle (questions at steps 4 and 6), as ``?lesson=`` carries it."""
    base = lp.View("seattle", ("tmax",), "tmax", False, "3.07e-05", -0.5, 10.0, 10_000)
    rates = ["3.07e-05", "3.066e-03", "5.83e-03", "6.13e-03", "1.00e-04", "6.44e-03"]
    steps = tuple(lp.Step(lp.View(**{**base.__dict__, "lr": r}), f"Step title {i + 1}",
                          question=i in (QUESTION_STEP, 5)) for i, r in enumerate(rates))
    return lp.to_link(lp.Lesson("Bench lesson", steps))


async def teacher_start(url: str, timeout: float) -> tuple[PollTab, str]:
    teacher = await PollTab.open(url, "/", f"present=1&{lp.PARAM}={six_steps()}", timeout=timeout)
    await teacher.rerun()
    await teacher.click("class_start")
    code = next((t.strip() for t in teacher.texts if CODE.fullmatch(t.strip())), None)
    if code is None:
        raise RuntimeError(f"the class did not start: {teacher.text()[:800]}")
    return teacher, code


async def follow(url: str, n: int, pids: list[int], args) -> dict:
    teacher, code = await teacher_start(url, args.timeout)
    phones = await asyncio.gather(*[open_phone(url, code, local=f"127.0.{1 + i // 240}.{10 + i % 240}",
                                               timeout=args.timeout) for i in range(n)])
    shown_at: dict[int, dict[int, float]] = {k: {} for k in range(1, STEPS + 1)}
    errors: list[str] = []

    def on_phone(run, tab) -> None:
        errors.extend(run.exceptions + run.errors)
        k = tab.step_shown()
        if k is not None and id(tab) not in shown_at[k]:
            shown_at[k][id(tab)] = time.perf_counter()

    for p in phones:
        on_phone(type("R", (), {"exceptions": [], "errors": []})(), p)
    stop = asyncio.Event()
    pollers = [asyncio.create_task(keep_polling(p, stop, on_phone)) for p in phones]
    latencies, missed = [], 0
    for k in range(2, STEPS + 1):
        await asyncio.sleep(2.0)
        t0 = time.perf_counter()
        async with teacher.lock:
            await teacher.click("class_next")
        deadline = t0 + 15
        while len(shown_at[k]) < n and time.perf_counter() < deadline:
            await asyncio.sleep(0.05)
        missed += n - len(shown_at[k])
        latencies += [t - t0 for t in shown_at[k].values()]
        if k == QUESTION_STEP + 1:
            vote = await vote_all(teacher, phones, n, errors)
    cpu0, wall0 = cpu_seconds(pids), time.perf_counter()
    await asyncio.sleep(args.idle)
    idle_cpu, idle_wall = cpu_seconds(pids) - cpu0, time.perf_counter() - wall0
    stop.set()
    await asyncio.gather(*pollers, return_exceptions=True)
    for p in phones:
        await p.close()
    await teacher.close()
    with open_store(os.environ[ENV_VAR]) as s:
        stored = s.classes.view(code)
    return {"phones": n, "step_change_to_phone_s": summary(latencies), "missed": missed, **vote,
            "joined_in_store": stored.joined,
            "idle_cpu_per_phone_per_min_s": round(idle_cpu / n * 60 / idle_wall, 4),
            "idle_cpu_share_of_2_cores": round(idle_cpu / idle_wall / 2, 3),
            "errors": len(errors), "error_examples": sorted(set(errors))[:4]}


async def vote_all(teacher: PollTab, phones: list[Phone], n: int, errors: list[str]) -> dict:
    answers = list(ANSWERS.values())  # the radio's options as the page formats them
    sent = []

    async def one(p: Phone) -> None:
        await asyncio.sleep(random.random() * 3)
        async with p.lock:
            await p.set_widget("class_answer", random.choice(answers))
            run = await p.click("class_send")
            errors.extend(run.exceptions + run.errors)
            sent.append(time.perf_counter())

    await asyncio.gather(*[one(p) for p in phones])
    last = max(sent)
    counted = None
    deadline = last + 20
    while time.perf_counter() < deadline:
        async with teacher.lock:
            for fid in list(teacher.fragments):
                await teacher.fragment_rerun(fid)
        if any(f"{n} answered" in t for t in teacher.texts):
            counted = time.perf_counter() - last
            break
        await asyncio.sleep(0.5)  # the counts fragment runs every 2 s; sampled more often here
    return {"vote_to_projector_s": round(counted, 2) if counted is not None else None}


async def flood(url: str, args, sessions: int, *, closed: bool) -> dict:
    """``sessions`` fresh tabs from 127.0.0.1 while ``--real`` students vote; ``closed``: the teacher
    closed joining once the real students were in."""
    teacher, code = await teacher_start(url, args.timeout)
    for _ in range(QUESTION_STEP):
        await teacher.click("class_next")
    real = await asyncio.gather(*[open_phone(url, code, local=f"127.0.9.{10 + i}", timeout=args.timeout)
                                  for i in range(args.real)])
    for p in real:
        await p.rerun()  # joined now: the question and its answers
    if closed:
        await teacher.click("class_joining")
    gate = asyncio.Semaphore(args.flood_concurrency)
    flooded = {"opened": 0, "joined": 0, "voted": 0, "refused": 0}

    async def one_flood() -> None:
        async with gate:
            try:
                tab = await open_phone(url, code, timeout=args.timeout)
                flooded["opened"] += 1
                await tab.rerun()
                if any(w.key == "class_answer" for w in tab.widgets.values()):
                    flooded["joined"] += 1
                    await tab.set_widget("class_answer", ANSWERS["crawl"])
                    await tab.click("class_send")
                    flooded["voted"] += 1
                else:
                    flooded["refused"] += 1
                await tab.close()
            except Exception:  # a refused or dropped flood tab is the point
                flooded["refused"] += 1

    async def one_real(p: Phone) -> str | None:
        await asyncio.sleep(random.random() * args.window)
        run = await p.set_widget("class_answer", ANSWERS["oscillate"])
        run = await p.click("class_send")
        return None if any("Answer received" in t for t in p.texts) else (run.errors or ["no receipt"])[0]

    t0 = time.perf_counter()
    results = await asyncio.gather(asyncio.gather(*[one_flood() for _ in range(sessions)]),
                                   asyncio.gather(*[one_real(p) for p in real]))
    wall = time.perf_counter() - t0
    with open_store(os.environ[ENV_VAR]) as s:
        view = s.classes.view(code)
        real_counted = sum(s.classes.my_vote(code, p.token, QUESTION_STEP) == "oscillate" for p in real)
    for p in real:
        await p.close()
    await teacher.close()
    total = view.answered
    return {"joining": "closed" if closed else "open", "flood_sessions": sessions,
            "flood_seconds": round(wall, 1), **{f"flood_{k}": v for k, v in flooded.items()},
            "real_students": args.real, "real_counted": real_counted,
            "real_failures": [r for r in results[1] if r][:3], "votes_counted": total,
            "flood_share_of_votes": round((total - real_counted) / total, 3) if total else None,
            "joined_in_store": view.joined}


def serve(workers: int):
    """deploy/serve.py with this Python, a free port, a fresh store; yields (url, worker pids)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = Path(tempfile.mkstemp(prefix="bench-class-", suffix=".log")[1])
    cmd = [sys.executable, str(REPO / "deploy" / "serve.py"), "--port", str(port), "--bind", "127.0.0.1",
           "--workers", str(workers)]
    with open(out, "wb") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=REPO)
    deadline = time.monotonic() + 240
    while not (m := re.search(r"^serving (\S+)$", text := out.read_text(errors="replace"), re.M)):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"deploy/serve did not start:\n{text[-2000:]}")
        time.sleep(0.25)
    return proc, m.group(1), [int(p) for p in re.findall(r"^worker \S+ pid (\d+) port", text, re.M)]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("phones", nargs="?", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--idle", type=float, default=30.0, help="seconds of idle following measured")
    parser.add_argument("--flood", type=int, default=500, help="fresh sessions from one address (0: skip)")
    parser.add_argument("--flood-concurrency", type=int, default=50)
    parser.add_argument("--real", type=int, default=30, help="real students voting during the flood")
    parser.add_argument("--window", type=float, default=10.0, help="real students vote within (s)")
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    os.environ[ENV_VAR] = str(Path(tempfile.mkdtemp(prefix="bench-class-db-")) / "class.sqlite3")
    os.environ.setdefault("DESCENT_LAB_CLASS_CAP", "1000")
    proc, url, pids = serve(args.workers)
    try:
        loop = asyncio.new_event_loop()
        loop.set_default_executor(concurrent.futures.ThreadPoolExecutor(max_workers=64))
        result = {"url": url, "workers": len(pids),
                  **loop.run_until_complete(follow(url, args.phones, pids, args))}
        if args.flood:
            result["flood"] = loop.run_until_complete(flood(url, args, args.flood, closed=False))
            result["flood_joining_closed"] = loop.run_until_complete(
                flood(url, args, max(1, args.flood // 5), closed=True))
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
    print(json.dumps(result, indent=None if args.json else 1))
    s = result["step_change_to_phone_s"] or {"p90": 99, "max": 99}
    bad = result["missed"] or s["p90"] > 2 or s["max"] > 4 or result["vote_to_projector_s"] is None
    bad = bad or (args.flood and (result["flood"]["real_counted"] != args.real or
                                  result["flood_joining_closed"]["real_counted"] != args.real))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
