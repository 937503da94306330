"""The class poll in headless Chromium: a teacher at a 1280×720 projector, a student on a 390×844 phone.

One server with its own poll database (``DESCENT_LAB_DB`` in a temporary folder). The teacher, in
presenter mode, starts a poll: the code, the join link and the QR code are on the first screen, large,
nothing clipped sideways. The student opens the link on a phone-sized screen: the question only, no
sidebar, big touch targets; Send gives "Answer received". The teacher's count follows by itself (the
fragment re-reads it every 2 s) and, after Reveal, the phone turns to the result by itself.
Screenshots of both go to the test's temporary folder (``poll-teacher.png``, ``poll-student.png``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from gd_poll import open_store

from .conftest import LOAD_TIMEOUT_MS, RERUN_TIMEOUT_MS, open_app, streamlit_server, wait_idle

PROJECTOR = {"width": 1280, "height": 720}
PHONE = {"width": 390, "height": 844}
CODE = re.compile(r"^[2-9A-HJ-NP-Z]{6}$")
MAIN = '[data-testid="stMain"]'


@pytest.fixture(scope="module")
def poll_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A server of its own, with an empty poll database: its URL and the database's path."""
    folder = tmp_path_factory.mktemp("poll-server")
    db = str(folder / "polls.sqlite3")
    try:
        with streamlit_server("app.py", log_path=folder / "server.log", env={"DESCENT_LAB_DB": db}) as url:
            yield url, db
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)


def box(page: Page, selector: str) -> dict:
    found = page.locator(selector).first
    expect(found).to_be_visible(timeout=RERUN_TIMEOUT_MS)
    return found.bounding_box()


def on_first_screen(b: dict, viewport: dict) -> bool:
    return b["x"] >= 0 and b["y"] >= 0 and b["x"] + b["width"] <= viewport["width"] + 0.5 \
        and b["y"] + b["height"] <= viewport["height"] + 0.5


def no_sideways_clipping(page: Page) -> None:
    """Neither the main block nor anything in it is wider than its box (no cut or scrolled-off text)."""
    widths = page.evaluate("""() => {
        const main = document.querySelector('[data-testid="stMainBlockContainer"]');
        const page = document.documentElement.scrollWidth;
        return {scroll: main.scrollWidth, client: main.clientWidth, page, view: window.innerWidth};
    }""")
    assert widths["scroll"] <= widths["client"], widths
    assert widths["page"] <= widths["view"], widths


def button(page: Page, key: str):
    """The button of widget ``key`` (one with a tooltip holds a second, inner button element)."""
    return page.locator(f".st-key-{key} button").first


def start_poll(page: Page) -> tuple[str, str]:
    """Click "Start a class poll"; return the code and the join link as shown."""
    page.get_by_role("button", name="Start a class poll").click()
    code_box = page.locator(".st-key-poll_code")
    expect(code_box).to_have_text(CODE, timeout=RERUN_TIMEOUT_MS)
    wait_idle(page)
    code = code_box.inner_text().strip()
    link = page.locator(f'{MAIN} [data-testid="stCode"]').first.inner_text().strip()
    return code, link


def test_a_poll_from_projector_to_phone_and_back(browser: Browser, poll_server: tuple[str, str], tmp_path):
    poll_server, db = poll_server
    teacher_ctx = browser.new_context(viewport=PROJECTOR, base_url=poll_server)
    phone_ctx = browser.new_context(viewport=PHONE, base_url=poll_server, is_mobile=True, has_touch=True,
                                    device_scale_factor=2)
    try:
        teacher = teacher_ctx.new_page()
        open_app(teacher, "/?present=1")
        code, link = start_poll(teacher)
        from streamlit import net_util

        from gd_ui.class_links import app_base

        want, _ = app_base(poll_server + "/", network_ip=net_util.get_internal_ip())
        assert link == f"{want}?poll={code}"  # the class's address: localhost becomes the network's

        # The projector: code, link and QR on the first screen, large; nothing clipped sideways.
        expect(teacher.locator('[data-testid="stSidebar"]')).to_be_hidden()
        code_box, qr = box(teacher, ".st-key-poll_code"), box(teacher, f'{MAIN} [data-testid="stImage"] img')
        link_box = box(teacher, f'{MAIN} [data-testid="stCode"]')
        for b in (code_box, qr, link_box, button(teacher, "poll_reveal").bounding_box()):
            assert on_first_screen(b, PROJECTOR), b
        size = teacher.evaluate("() => parseFloat(getComputedStyle(document.querySelector("
                                "'.st-key-poll_code p')).fontSize)")
        assert size >= 48, size
        assert qr["width"] >= 220 and qr["height"] >= 220, qr  # the code itself ≥ 200 px inside its margin
        no_sideways_clipping(teacher)
        expect(teacher.locator(".st-key-poll_total")).to_have_text("0 answers")
        expect(teacher.locator(f"{MAIN} [data-testid='stAlert']")).to_have_count(0)  # no outcome shown

        # The phone: the question only, big targets; Send, then "Answer received".
        phone = phone_ctx.new_page()
        phone.goto(f"{poll_server}/?poll={code}", wait_until="domcontentloaded",  # the link, on loopback
                   timeout=LOAD_TIMEOUT_MS)
        radio = phone.locator('[data-testid="stRadio"]')
        expect(radio).to_be_visible(timeout=LOAD_TIMEOUT_MS)
        wait_idle(phone)
        expect(phone.locator(MAIN)).to_contain_text("What will gradient descent do?")
        expect(phone.locator(MAIN)).to_contain_text("Seattle 2012–2015")
        expect(phone.locator('[data-testid="stSidebar"]')).to_have_count(0)
        assert not phone.locator('[data-testid="stPlotlyChart"], .dl-live, .dl-plain').count()
        for word in ("converging", "oscillating", "diverging", "Converged"):
            assert word not in phone.locator(MAIN).inner_text()
        no_sideways_clipping(phone)
        choice = radio.locator("label").filter(has_text="oscillates but converges")
        send = button(phone, "poll_send")
        assert choice.bounding_box()["height"] >= 44 and send.bounding_box()["height"] >= 44
        assert send.bounding_box()["width"] >= 300
        expect(send).to_be_disabled()
        choice.tap()
        expect(send).to_be_enabled(timeout=RERUN_TIMEOUT_MS)
        send.tap()
        received = phone.locator('[data-testid="stAlert"]').filter(has_text="Answer received")
        expect(received).to_contain_text("oscillates but converges", timeout=RERUN_TIMEOUT_MS)
        wait_idle(phone)
        assert on_first_screen(received.bounding_box(), PHONE)  # seen without scrolling after the tap
        phone.evaluate("document.fonts.ready.then(() => true)")
        phone.screenshot(path=str(tmp_path / "poll-student.png"), full_page=True)

        # The projector follows by itself (fragment, every 2 s): no click on the teacher's page.
        expect(teacher.locator(".st-key-poll_total")).to_have_text("1 answer", timeout=6_000)
        # The rest of the class, through the database as other workers would write it.
        store = open_store(db)
        for i, answer in enumerate(["oscillate"] * 10 + ["converge"] * 7 + ["diverge"] * 4 + ["crawl"]):
            store.answer(code, f"phone-{i}", answer)
        expect(teacher.locator(".st-key-poll_total")).to_have_text("23 answers", timeout=6_000)
        wait_idle(teacher)
        no_sideways_clipping(teacher)
        teacher.evaluate("document.fonts.ready.then(() => true)")
        teacher.screenshot(path=str(tmp_path / "poll-teacher.png"))

        # Reveal: the projector shows the outcome and the share; the phone turns by itself (every 4 s).
        button(teacher, "poll_reveal").click()
        share = "30 % of the class (7 of 23) said “converges smoothly”."  # the default rate's answer
        expect(teacher.locator(MAIN)).to_contain_text(share, timeout=RERUN_TIMEOUT_MS)
        verdict = phone.locator('[data-testid="stAlert"]').filter(has_text=re.compile("Right!|Not quite"))
        expect(verdict).to_contain_text("Not quite", timeout=10_000)
        phone.screenshot(path=str(tmp_path / "poll-student-result.png"), full_page=True)
        teacher.screenshot(path=str(tmp_path / "poll-teacher-revealed.png"))
        for name in ("poll-teacher.png", "poll-student.png"):
            assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    finally:
        teacher_ctx.close()
        phone_ctx.close()
