"""Real browser: a file goes through the actual upload widget and becomes the active dataset; a refused
file is mended with the correction controls and the page shows its report again on return; a rate off
the slider's grid survives a visit to another page."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from .conftest import LIVE, LOAD_TIMEOUT_MS, RERUN_TIMEOUT_MS, open_app, wait_idle

CSV = (
    '"STATION","NAME","DATE","PRCP","TMAX","TMIN"\n'
    + "".join(f'"USW00023230","OAKLAND INTERNATIONAL AIRPORT, CA US","2021-{m:02d}-{d:02d}",'
              f'"0.{(m * d) % 3}","{50 + (m * 7 + d * 3) % 17}","{40 + (m + d) % 9}"\n'
              for m in range(1, 7) for d in range(1, 29))
)


def picker(page: Page):
    return page.locator('[data-testid="stSidebar"]').get_by_role("combobox", name="Dataset")


def test_upload_through_the_widget_activates_the_dataset(page: Page, tmp_path: Path):
    path = tmp_path / "oakland, CA [x](y) <b>export.csv"
    path.write_text(CSV)
    page.goto("/Data", wait_until="domcontentloaded", timeout=LOAD_TIMEOUT_MS)
    uploader = page.locator('[data-testid="stFileUploader"] input[type=file]')
    uploader.wait_for(state="attached", timeout=LOAD_TIMEOUT_MS)
    uploader.set_input_files(str(path))
    main = page.locator('[data-testid="stMain"]')
    expect(main).to_contain_text("NOAA CDO daily summaries", timeout=RERUN_TIMEOUT_MS)
    expect(main).to_contain_text("TMAX (°F)")
    expect(page.locator("b", has_text="export")).to_have_count(0)  # the file name is text, not HTML
    page.get_by_role("button", name="Use this dataset on every page").click()
    expect(picker(page)).to_have_value(
        "USW00023230 (oakland, CA [x](y) <b>export.csv, ffill)", timeout=RERUN_TIMEOUT_MS)

    page.get_by_role("link", name="Playground", exact=True).click()
    page.wait_for_selector(LIVE, timeout=LOAD_TIMEOUT_MS)
    wait_idle(page)
    expect(picker(page)).to_have_value("USW00023230 (oakland, CA [x](y) <b>export.csv, ffill)")
    title = page.evaluate("sel => document.querySelector(sel)._fullLayout.xaxis.title.text", LIVE)
    assert title == "today's tmax (°F)"


def test_a_bad_upload_keeps_the_active_dataset(page: Page, tmp_path: Path):
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    page.goto("/Data", wait_until="domcontentloaded", timeout=LOAD_TIMEOUT_MS)
    uploader = page.locator('[data-testid="stFileUploader"] input[type=file]')
    uploader.wait_for(state="attached", timeout=LOAD_TIMEOUT_MS)
    uploader.set_input_files(str(path))
    alert = page.locator('[data-testid="stMain"] [data-testid="stAlert"]').filter(has_text="cannot be used")
    expect(alert).to_contain_text("PNG image", timeout=RERUN_TIMEOUT_MS)
    expect(page.locator('[data-testid="stMain"]')).to_contain_text("Nothing changed")
    expect(picker(page)).to_have_value("Seattle 2012–2015 (°C, mm)")


def test_an_exact_rate_from_a_link_survives_another_page(page: Page):
    open_app(page, "/?lr=4.321e-03")
    thumb = page.locator('[data-testid="stSidebar"] [data-testid="stSlider"]').filter(
        has_text="Learning rate").get_by_role("slider")
    expect(thumb).to_have_attribute("aria-valuetext", "4.321e-03")
    page.get_by_role("link", name="Learning-rate lab").click()
    page.wait_for_selector('[data-testid="stPlotlyChart"] .js-plotly-plot', timeout=LOAD_TIMEOUT_MS)
    wait_idle(page)
    page.get_by_role("link", name="Playground").click()
    page.wait_for_selector(LIVE, timeout=LOAD_TIMEOUT_MS)  # the Playground's live chart
    wait_idle(page)
    expect(thumb).to_have_attribute("aria-valuetext", "4.321e-03", timeout=RERUN_TIMEOUT_MS)


REFUSED = "when,hi,lo\n" + "".join(f"2021-{m:02d}-{d:02d},{50 + (m * 7 + d * 3) % 17},{40 + (m + d) % 9}\n"
                                     for m in range(1, 4) for d in range(1, 29))


def test_a_refused_file_is_mended_on_the_page_and_remembered(page: Page, tmp_path: Path):
    path = tmp_path / "my station.csv"
    path.write_text(REFUSED)
    page.goto("/Data", wait_until="domcontentloaded", timeout=LOAD_TIMEOUT_MS)
    uploader = page.locator('[data-testid="stFileUploader"] input[type=file]')
    uploader.wait_for(state="attached", timeout=LOAD_TIMEOUT_MS)
    uploader.set_input_files(str(path))
    main = page.locator('[data-testid="stMain"]')
    alert = main.locator('[data-testid="stAlert"]').filter(has_text="cannot be used")
    expect(alert).to_contain_text("no tmax, tmin or rain column", timeout=RERUN_TIMEOUT_MS)
    expect(main).to_contain_text("You can mend this below")
    box = main.get_by_role("combobox", name="tmax column")  # the controls are open, with the file's columns
    wait_idle(page)
    options = page.get_by_role("option")
    for _ in range(4):  # a click while the page settles can leave the list closed: open it again
        box.click()
        try:
            expect(options.first).to_be_visible(timeout=5000)
            break
        except AssertionError:
            page.keyboard.press("Escape")
    expect(options).to_have_text(["detected", "when", "hi", "lo"])
    options.nth(2).click()
    expect(main).to_contain_text("Mended with your corrections: tmax column = hi", timeout=RERUN_TIMEOUT_MS)
    expect(alert).to_have_count(0)
    page.get_by_role("button", name="Use this dataset on every page").click()
    expect(main).to_contain_text("Active on every page", timeout=RERUN_TIMEOUT_MS)
    main.get_by_role("link", name="Open in the Playground").click()
    page.wait_for_selector(LIVE, timeout=LOAD_TIMEOUT_MS)
    wait_idle(page)
    expect(picker(page)).to_have_value("my station.csv (ffill)")
    page.get_by_role("link", name="Your data", exact=True).click()
    expect(main).to_contain_text("Your last upload, my station.csv", timeout=LOAD_TIMEOUT_MS)
    expect(main).to_contain_text("What was detected")
    expect(main).to_contain_text("Your corrections: tmax column = hi")
    expect(main).to_contain_text("Active on every page")
