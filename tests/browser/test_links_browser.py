"""Links in a real browser: the README's example opens that view and keeps it in the address bar; a bad
value is ignored with a note, and the page works."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from .conftest import EXCEPTION, LOAD_TIMEOUT_MS, open_app, wait_idle

README_LINK = "/?ds=clemson&lr=3.2e-04&epochs=50000&w0=0.5"


def _sidebar_value(page: Page, label: str) -> str:
    box = page.locator('[data-testid="stSidebar"] [data-testid="stSlider"]').filter(
        has=page.locator('[data-testid="stWidgetLabel"]', has_text=label))
    return box.get_by_role("slider").first.get_attribute("aria-valuetext")


def test_the_readme_link_opens_its_view_and_stays_in_the_address_bar(page: Page):
    open_app(page, README_LINK)
    expect(page.locator('[data-testid="stMain"]')).to_contain_text("Clemson")
    assert _sidebar_value(page, "Epochs") == "50,000"
    assert _sidebar_value(page, "Learning rate") == "3.2e-04"
    for part in ("ds=clemson", "lr=3.2e-04", "w0=0.5"):
        assert part in page.url, page.url
    assert "epochs=50" in page.url, page.url  # 50000 or the slider's own 50,000: both read back
    again = page.context.new_page()
    open_app(again, page.url)  # the address bar's link, copied
    assert _sidebar_value(again, "Epochs") == "50,000"
    expect(again.locator('[data-testid="stMain"]')).to_contain_text("Clemson")


def test_a_bad_value_in_a_link_is_ignored_with_a_note(page: Page):
    open_app(page, "/Step_Through?step_part=epochs&step_epoch=inf&step_x=1e308")
    expect(page.locator(EXCEPTION)).to_have_count(0)
    main = page.locator('[data-testid="stMain"]')
    expect(main).to_contain_text("step_epoch=inf")
    expect(main).to_contain_text("ignored")
    expect(main).not_to_contain_text("Something went wrong")
    assert "step_epoch" not in page.url and "step_x" not in page.url, page.url


def test_no_request_leaves_the_machine(page: Page, base_url: str):
    """An offline classroom network: every page's every request (icons, fonts, plotly.js, the chart's
    module) goes to the app itself; a Material icon as a page's icon would be fetched from
    fonts.gstatic.com."""
    from urllib.parse import urlsplit

    own = urlsplit(base_url).netloc
    away: list[str] = []
    page.on("request", lambda r: away.append(r.url) if urlsplit(r.url).scheme in ("http", "https", "ws",
                                                                                   "wss")
            and urlsplit(r.url).netloc != own else None)
    for path in ("/", "/Data", "/Learning_Rate_Lab", "/Loss_Landscape", "/Step_Through", "/?present=1"):
        page.goto(path, wait_until="domcontentloaded", timeout=LOAD_TIMEOUT_MS)
        page.wait_for_function("() => document.querySelector('[data-testid=stApp]')?.dataset"
                               ".testScriptState === 'notRunning'", timeout=LOAD_TIMEOUT_MS)
        wait_idle(page)
        page.wait_for_timeout(1500)  # a late icon, font or chart
    assert away == []
