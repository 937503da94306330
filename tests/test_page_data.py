"""AppTest: the Data page — upload, detection, activation on every page; bad files change nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from conftest import REPO, live, live_table, to_playground
from importer_fixtures import BAD_INPUTS, FIXTURES
from streamlit.testing.v1 import AppTest
from test_app_playground import decode_table

DATA_PAGE = "pages/Data.py"


def noaa_days(n: int = 90) -> bytes:
    """A NOAA CDO export (quoted, comma in NAME, °F) with a seasonal-ish tmax and one gap."""
    lines = ['"STATION","NAME","DATE","PRCP","TMAX","TMIN"']
    for d in range(n):
        if d == 40:
            continue  # a missing calendar day
        day = (date(2021, 1, 1) + timedelta(days=d)).isoformat()
        lines.append(f'"USW00023230","OAKLAND INTERNATIONAL AIRPORT, CA US","{day}",'
                     f'"{0.1 * (d % 3):.2f}","{55 + (d * 7) % 13}","{40 + (d * 5) % 9}"')
    return ("\n".join(lines) + "\n").encode()


def data_page() -> AppTest:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60).run()
    return at.switch_page(DATA_PAGE).run()


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    return at.file_uploader(key="data_file").set_value((name, data, "text/csv")).run()


def test_upload_detect_activate_and_use_on_the_playground():
    at = upload(data_page(), "oakland.csv", noaa_days())
    assert not at.exception and not at.error
    detected = at.dataframe[0].value["detected"]
    assert detected["format"].startswith("NOAA CDO")
    assert "TMAX (°F)" in detected["tmax"]
    assert "OAKLAND" not in " ".join(m.value for m in at.markdown)  # the station name is data, not markup
    at.button(key="data_use").click().run()
    assert at.selectbox(key="ds").value.startswith("upload:")
    to_playground(at).run()
    assert not at.exception
    assert at.selectbox(key="ds").value.startswith("upload:")
    table = decode_table(live_table(at))  # what the live chart draws
    assert live(at)["spec"]["texts"]["axes"]["x"] == "today's tmax (°F)"
    n_train = int(0.7 * 87)  # 89 days; the day before the gap and the last day have no tomorrow
    assert table["points"] == f"{n_train:,} training days"


def plain(markdown: str) -> str:
    """What a reader sees of text that went through md_text: no escapes, no zero-width spaces."""
    return markdown.replace("\\", "").replace("\u200b", "")


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_upload_shows_an_error_and_keeps_the_active_dataset(case):
    at = upload(data_page(), "oakland.csv", noaa_days())
    at.button(key="data_use").click().run()
    active = at.selectbox(key="ds").value
    data, word = BAD_INPUTS[case]
    at = upload(at, f"{case}.csv", data)
    assert not at.exception
    assert at.error, case
    message = plain(at.error[0].value)  # the message is shown escaped, as plain text
    assert word.lower() in message.lower(), message
    assert at.selectbox(key="ds").value == active
    assert "Nothing changed" in " ".join(c.value for c in at.caption)


def test_hostile_file_name_and_columns_are_text(tmp_path):
    name = "[x](http://evil.example) $\\alpha$ <b>.csv"
    at = upload(data_page(), name, b"date,:red[boom],tmin\n")
    assert at.error
    text = at.error[0].value
    assert "](http" not in text and "<b>" not in text and "$\\alpha$" not in text


@pytest.mark.parametrize("fixture", sorted(FIXTURES))
def test_every_supported_format_imports_on_the_page(tmp_path, fixture):
    path = FIXTURES[fixture](tmp_path)
    at = upload(data_page(), path.name, path.read_bytes())
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    assert at.dataframe  # what was detected


def test_missing_value_strategy_counts_and_corrections():
    at = upload(data_page(), "oakland.csv", noaa_days())
    radio = at.radio(key="data_fill")
    assert radio.value == "ffill"
    assert [o.split(" ")[0] for o in radio.options] == ["forward-fill", "drop", "interpolate"]
    assert "89 days kept" in radio.proto.captions[0] and "value" in radio.proto.captions[0]
    radio.set_value("drop").run()
    assert not at.exception
    at.selectbox(key="data_runit").set_value("mm").run()
    assert not at.exception
    assert "(mm)" in at.dataframe[0].value["detected"]["rain"]
    # °F read as °C puts most days above 60 °C: refused, naming the unit, and nothing else changes
    at.selectbox(key="data_tunit").set_value("C").run()
    assert not at.exception and "unit" in plain(at.error[0].value)


def test_constant_predictor_is_left_out_of_the_model():
    rows = ["date,tmax,tmin,rain"] + [f"2021-03-{d:02d},{50 + d % 7},{40 + d % 5},0"
                                      for d in range(1, 31)]
    at = upload(data_page(), "dry.csv", ("\n".join(rows) + "\n").encode())
    at.button(key="data_use").click().run()
    to_playground(at).run()
    assert not at.exception
    assert "rain" not in at.multiselect(key="pred").options
    assert "constant" in " ".join(c.value for c in at.sidebar.caption)


def test_row_cap_has_its_own_message(monkeypatch):
    import gd_ui.widgets.importing

    monkeypatch.setattr(gd_ui.widgets.importing, "MAX_ROWS", 50)
    at = upload(data_page(), "long.csv", noaa_days(120))
    assert at.error
    assert "row" in at.error[0].value.replace("\\", "").lower()
    assert "Nothing changed" in " ".join(c.value for c in at.caption)
