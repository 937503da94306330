"""The Playground's "Notebook + script (.zip)" in Chromium: the file a visitor downloads runs, and reproduces
``python -m gd_core fit --json`` for the link's start and rate."""

from __future__ import annotations

from playwright.sync_api import Page
from takeaway_run import assert_same_run, execute_notebook, fit_json, jupyter_kernel, run_script, unzip_three

from .conftest import REPO, open_app

SEATTLE = str(REPO / "data" / "seattle-weather.csv")


def test_the_downloaded_zip_runs_and_matches_fit(page: Page, tmp_path):
    open_app(page, "/?lr=3.2e-03&epochs=300&w0=1.5&b0=-4")
    button = page.locator(".st-key-play_code").get_by_role("button", name="Notebook + script (.zip)")
    button.scroll_into_view_if_needed()
    assert button.inner_text().strip() == "Notebook + script (.zip)"
    with page.expect_download(timeout=60_000) as info:
        button.click()
    download = info.value
    assert download.suggested_filename == "descent-run.zip"
    zipped = tmp_path / "descent-run.zip"
    download.save_as(zipped)
    folder = tmp_path / "run"
    folder.mkdir()
    unzip_three(zipped.read_bytes(), folder)
    fit = fit_json(SEATTLE, "--predictors", "tmax", "--lr", "3.2e-03", "--epochs", "300", "--w0", "1.5",
                   "--b0", "-4")
    with jupyter_kernel() as kernel:
        assert_same_run(execute_notebook(folder, kernel)[0], fit)
    assert_same_run(run_script(folder)[0], fit)
