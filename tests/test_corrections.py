"""Every refusal a way forward (issue 23): what a refusal says can mend it, in the core, on the command
line and on the Data page; corrections looked up in the table read, never in a preamble; the Data page
remembers the last upload and confirms an activation."""

from __future__ import annotations

import importer_fixtures as fx
import pandas as pd
import pytest
import service_fixtures as sf
from conftest import REPO, to_playground
from streamlit.testing.v1 import AppTest

from gd_core.importer import WeatherFileError, import_weather

NO_ROLES = b"when,hi,lo\n" + b"".join(f"2021-03-{d:02d},{50 + d % 7},{40 + d % 5}\n".encode()
                                      for d in range(1, 31))
NO_DATES = b"day,tmax\n" + b"".join(f"d{d},{10 + d % 4}\n".encode() for d in range(1, 31))


def test_a_refusal_carries_its_fixes_and_the_tables_columns():
    with pytest.raises(WeatherFileError) as info:
        import_weather(NO_ROLES)
    assert info.value.fixes == ("tmax", "tmin", "rain") and info.value.columns == ("when", "hi", "lo")
    with pytest.raises(WeatherFileError) as info:
        import_weather(NO_DATES)
    assert "date_column" in info.value.fixes and info.value.columns == ("day", "tmax")
    mended = import_weather(NO_ROLES, overrides={"tmax": "hi", "tmin": "lo"})
    assert mended.frame.loc["2021-03-01", "tmax"] == 51


def test_a_unit_refusal_names_the_unit_and_the_column():
    fahrenheit = b"DATE,TMAX\n" + b"".join(f"2021-07-{d:02d},{80 + d % 9}\n".encode() for d in range(1, 31))
    with pytest.raises(WeatherFileError) as info:
        import_weather(fahrenheit, overrides={"temperature_unit": "C"})
    assert set(info.value.fixes) == {"temperature_unit", "tmax"} and info.value.columns == ("DATE", "TMAX")


def test_corrections_apply_to_the_table_read_not_the_preamble(tmp_path):
    path = fx.open_meteo(tmp_path)  # a preamble table (latitude, longitude, ...) before the daily one
    again = import_weather(path, overrides={"tmax": "temperature_2m_max (°C)", "date_column": "time"})
    assert again.report.columns["tmax"] == "temperature_2m_max (°C)" and again.report.rows == 4
    swapped = import_weather(path, overrides={"rain": "rain_sum (mm)"})
    assert swapped.report.columns["rain"] == "rain_sum (mm)"
    assert import_weather(path).report.place == "52.52° N, 13.42° E"


def test_cli_names_the_flag_that_mends_a_refusal(tmp_path, capsys):
    from gd_core.cli import main

    path = tmp_path / "odd.csv"
    path.write_bytes(NO_ROLES)
    assert main(["inspect", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "--tmax-column NAME" in err and "'when', 'hi', 'lo'" in err
    assert main(["inspect", str(path), "--tmax-column", "hi", "--json"]) == 0
    assert '"tmax": "hi"' in capsys.readouterr().out
    nodate = tmp_path / "nodate.csv"
    nodate.write_bytes(NO_DATES)
    assert main(["fit", str(nodate), "--predictors", "tmax", "--epochs", "5"]) == 2
    assert "--date-column NAME" in capsys.readouterr().err
    knmi = sf.knmi(tmp_path)
    assert main(["inspect", str(knmi), "--rain-unit", "mm", "--json"]) == 0  # 0.1 mm read as mm, as asked
    assert '"rain": "mm"' in capsys.readouterr().out


def data_page() -> AppTest:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60).run()
    return at.switch_page("pages/Data.py").run()


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    return at.file_uploader(key="data_file").set_value((name, data, "text/csv")).run()


def test_a_refused_file_is_mended_on_the_page():
    at = upload(data_page(), "odd.csv", NO_ROLES)
    assert not at.exception and at.error and "no tmax" in at.error[0].value
    assert at.expander[0].proto.expanded  # the correction controls, open, with the file's columns
    assert at.selectbox(key="data_tmax").options == ["detected", "when", "hi", "lo"]
    at.selectbox(key="data_tmax").set_value("hi").run()
    assert not at.exception and not at.error
    assert "Mended" in at.success[0].value
    assert at.dataframe[0].value["detected"]["tmax"].startswith("hi")
    at.button(key="data_use").click().run()
    assert at.selectbox(key="ds").value.startswith("upload:")


def test_a_missing_date_column_is_mended_with_the_date_controls():
    rows = b"label,stamp,tmax\n" + b"".join(f"x,{d:02d}-03-2021,{10 + d % 4}\n".encode()
                                            for d in range(1, 31))
    at = upload(data_page(), "stamps.csv", rows.replace(b"-03-", b"/03/").replace(b"/03/2021", b".03.21x"))
    assert at.error and "date" in at.error[0].value
    at.selectbox(key="data_date").set_value("stamp").run()
    at.text_input(key="data_datepat").input("%d.%m.%yx").run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.dataframe[0].value["detected"]["dates"].startswith("2021-03-01")


def test_coming_back_shows_the_active_upload_and_its_corrections(tmp_path):
    path = sf.knmi(tmp_path)
    at = upload(data_page(), path.name, path.read_bytes())
    assert any("De Bilt (KNMI 260)" in t.value for t in at.text)
    at.selectbox(key="data_runit").set_value("mm").run()  # a correction (a wrong one, but a choice)
    at.button(key="data_use").click().run()
    assert "Active on every page" in at.success[0].value
    links = at.get("page_link")
    assert [link.proto.label for link in links if link.proto.label == "Open in the Playground"]
    to_playground(at).run()
    at.switch_page("pages/Data.py").run()
    assert not at.exception and not at.error
    assert any("Your last upload" in c.value for c in at.caption)
    assert at.dataframe[0].value["detected"]["format"] == "KNMI daily"
    assert at.selectbox(key="data_runit").value == "mm"  # the choice made is kept, and can be changed
    assert any("rain unit = mm" in t.value for t in at.text)
    assert "Active on every page" in at.success[0].value
    at.button(key="data_forget").click().run()
    assert any("No file uploaded" in i.value for i in at.info)


def test_a_split_mostly_filled_cannot_be_activated():
    lines = ["date,tmax,tmin"]
    for d, day in enumerate(pd.date_range("2020-01-01", periods=200).strftime("%Y-%m-%d")):
        known = d < 150 or d % 7 == 0  # the last 50 days: one known day in 7, every gap bridged
        lines.append(f"{day},{(10 + d % 9) if known else ''},{(2 + d % 5) if known else ''}")
    at = upload(data_page(), "holes.csv", ("\n".join(lines) + "\n").encode())
    assert not at.exception
    assert any("mostly forward-filled" in w.value.replace("\\", "") for w in at.warning)
    assert at.button(key="data_use").disabled


def test_coming_back_shows_the_active_upload_not_a_later_refused_one(tmp_path):
    path = sf.knmi(tmp_path)
    at = upload(data_page(), path.name, path.read_bytes())
    at.selectbox(key="data_runit").set_value("mm").run()
    at.radio(key="data_fill").set_value("interpolate").run()
    at.button(key="data_use").click().run()
    active = at.selectbox(key="ds").value
    at = upload(at, "odd.csv", NO_ROLES)  # tried another file, refused: the KNMI one stays active
    assert at.error and at.selectbox(key="ds").value == active
    to_playground(at).run()
    at.switch_page("pages/Data.py").run()
    assert not at.exception and not at.error
    assert at.dataframe[0].value["detected"]["format"] == "KNMI daily"
    assert at.selectbox(key="data_runit").value == "mm" and at.radio(key="data_fill").value == "interpolate"
    assert "Active on every page" in at.success[0].value
