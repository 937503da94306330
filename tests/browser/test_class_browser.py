"""A class through ``deploy/serve`` (two workers behind HAProxy, one SQLite store): a teacher on the
projector and three phones at 390×844. ← / → move every phone; a phone that reloads and votes again
is counted once; the teacher's reload keeps the class; the reveal reaches every phone."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import EXCEPTION, REPO, free_port
from .test_deploy import START_TIMEOUT_S, haproxy  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PHONE = {"width": 390, "height": 844}
PROJECTOR = {"width": 1280, "height": 720}
WAIT_MS = 60_000
CODE = re.compile(r"^[2-9A-HJ-NP-Z]{6}$")


@pytest.fixture(scope="module")
def served(haproxy, tmp_path_factory) -> Iterator[str]:  # noqa: F811
    folder = tmp_path_factory.mktemp("class-serve")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DESCENT_LAB_DB": str(folder / "class.sqlite3"), "DESCENT_LAB_PUBLIC_URL": url}
    out = folder / "serve.out"
    cmd = [sys.executable, str(REPO / "deploy" / "serve.py"), "--workers", "2", "--port", str(port),
           "--bind", "127.0.0.1"]  # serve.py with this Python: the worktree may have no .venv
    with open(out, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True, env=env)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not re.search(r"^serving http://\S+$", out.read_text(errors="replace"), re.M):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"deploy/serve did not start:\n{out.read_text()}", pytrace=False)
            time.sleep(0.25)
        yield url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)


def step_of(page: Page):
    return page.locator(".st-key-lesson_step")


def no_exception(page: Page) -> None:
    assert page.locator(EXCEPTION).count() == 0, page.locator(EXCEPTION).first.inner_text()


def vote(phone: Page, label: str) -> None:
    radio = phone.locator(".st-key-class_answer")
    radio.get_by_text(label, exact=True).click()
    phone.locator(".st-key-class_send button").first.click()
    expect(phone.get_by_text(f"Answer received: “{label}”.")).to_be_visible(timeout=WAIT_MS)


def test_a_teacher_and_three_phones(browser: Browser, served: str, tmp_path):
    teacher_ctx = browser.new_context(base_url=served, viewport=PROJECTOR)
    teacher = teacher_ctx.new_page()
    teacher.goto("/?present=1", wait_until="domcontentloaded")
    teacher.locator(".st-key-class_start button").first.click(timeout=WAIT_MS)
    code_box = teacher.locator(".st-key-class_code")
    expect(code_box).to_have_text(CODE, timeout=WAIT_MS)
    code = code_box.inner_text().strip()
    link = teacher.locator(".st-key-class_link").inner_text().strip()
    assert link == f"{served}/?join={code}"
    expect(step_of(teacher)).to_contain_text("Step 1 of 5", timeout=WAIT_MS)
    teacher.screenshot(path=str(tmp_path / "teacher-1.png"))

    phones = []
    for _ in range(3):
        ctx = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        page = ctx.new_page()
        page.goto(link, wait_until="domcontentloaded")
        expect(step_of(page)).to_contain_text("Step 1 of 5", timeout=WAIT_MS)
        phones.append(page)
    expect(teacher.locator(".st-key-class_counts")).to_contain_text("3 joined", timeout=WAIT_MS)

    for key, shown in (("ArrowRight", 2), ("ArrowRight", 3), ("ArrowLeft", 2), ("ArrowRight", 3)):
        teacher.locator("body").press(key)
        expect(step_of(teacher)).to_contain_text(f"Step {shown} of 5", timeout=WAIT_MS)
        for phone in phones:
            expect(step_of(phone)).to_contain_text(f"Step {shown} of 5", timeout=WAIT_MS)
    phones[0].screenshot(path=str(tmp_path / "phone-question.png"))

    vote(phones[0], "crawls")
    vote(phones[1], "diverges")
    vote(phones[2], "oscillates but converges")
    phones[0].reload(wait_until="domcontentloaded")  # the same browser: its token is in localStorage
    expect(step_of(phones[0])).to_contain_text("Step 3 of 5", timeout=WAIT_MS)
    expect(phones[0].get_by_text("Your answer: “crawls”.", exact=False)).to_be_visible(timeout=WAIT_MS)
    vote(phones[0], "oscillates but converges")
    expect(teacher.locator(".st-key-class_counts")).to_contain_text("3 joined · 3 answered", timeout=WAIT_MS)

    teacher.reload(wait_until="domcontentloaded")  # the secret is in the teacher's localStorage
    expect(code_box).to_have_text(code, timeout=WAIT_MS)
    expect(step_of(teacher)).to_contain_text("Step 3 of 5", timeout=WAIT_MS)
    assert "teach" not in teacher.url and "key=" not in teacher.url
    teacher.locator(".st-key-class_reveal button").first.click()
    expect(teacher.get_by_text("2 of 3", exact=False)).to_be_visible(timeout=WAIT_MS)
    for phone in phones:
        expect(phone.locator(".st-key-class_result")).to_contain_text("2 of 3", timeout=WAIT_MS)
        no_exception(phone)
    expect(phones[0].locator(".st-key-class_result")).to_contain_text("Right!")
    expect(phones[1].locator(".st-key-class_result")).to_contain_text("Not quite")
    phones[1].screenshot(path=str(tmp_path / "phone-result.png"), full_page=True)
    teacher.screenshot(path=str(tmp_path / "teacher-reveal.png"))
    no_exception(teacher)
