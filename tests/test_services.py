"""The services added in issue 23, each from a fixture in its own layout (``service_fixtures``): spot
values through the importer, the CLI's ``inspect --json`` and the Data page (AppTest)."""

from __future__ import annotations

import json

import numpy as np
import pytest
import service_fixtures as sf
from conftest import REPO
from streamlit.testing.v1 import AppTest

from gd_core.importer import import_weather
from gd_core.importer.services import SERVICES

# fixture: (format, columns, units read as, the file's units, rows, start, stations,
#           {date: (tmax, tmin, rain)})
EXPECTED = {
    "wunderground_history": (
        "Weather Underground history", ("Date", "TempHighF", "TempLowF", "PrecipitationSumInches"),
        {"temperature": "F", "rain": "in"}, {"temperature": "F", "rain": "in"}, 30, "2013-12-01", [],
        {"2013-12-07": (67.0, 41.0, 0.46), "2013-12-03": (63.0, 44.0, 0.001),
         "2013-12-08": (68.0, 42.0, None)}),
    "met_eireann": (
        "Met Éireann", ("date", "maxtp", "mintp", "rain"), {"temperature": "C", "rain": "mm"},
        {"temperature": "C", "rain": "mm"}, 30, "1962-01-01", [],
        {"1962-01-04": (12.4, 1.2, 12.7), "1962-01-09": (None, 2.7, 0.0)}),
    "knmi": (
        "KNMI daily", ("YYYYMMDD", "TX", "TN", "RH"), {"temperature": "C", "rain": "mm"},
        {"temperature": "0.1 C", "rain": "0.1 mm"}, 31, "2023-01-01", ["260"],
        {"2023-01-05": (5.5, 0.4, 2.4), "2023-01-02": (2.8, -1.7, 0.025), "2023-01-13": (None, -2.4, 0.0),
         "2023-01-17": (3.7, 0.4, None), "2023-01-10": (3.7, -0.3, 15.3)}),
    "nasa_power": (
        "NASA POWER", ("YEAR, DOY", "T2M_MAX", "T2M_MIN", "PRECTOTCORR"), {"temperature": "C", "rain": "mm"},
        {"temperature": "C", "rain": "mm"}, 40, "2020-01-01", [],
        {"2020-01-01": (6.45, 1.3, 0.61), "2020-01-12": (None, 1.6, 0.0), "2020-02-09": (6.0, 1.0, 0.0)}),
    "ghcn_dly": (
        "GHCN-Daily .dly (fixed width)", ("DATE", "TMAX", "TMIN", "PRCP"), {"temperature": "C", "rain": "mm"},
        {"temperature": "0.1 C", "rain": "0.1 mm"}, 60, "2020-01-01", ["USC00305801", "USW00094728"],
        {"2020-01-01": (5.7, -1.5, 1.3), "2020-01-04": (None, -2.0, 1.3), "2020-01-06": (5.7, -1.0, 0.025),
         "2020-01-09": (7.8, None, 0.0), "2020-02-29": (7.8, -1.5, 2.6)}),
    "wide_places": (
        "one column group per place (wide)", ("DATE", "temp_max", "temp_min", "precipitation"),
        {"temperature": "C", "rain": "mm"}, {"temperature": "C", "rain": "cm"}, 30, "2000-01-01",
        ["BASEL", "BUDAPEST", "DE_BILT"], {"2000-01-01": (4.4, 2.1, 0.3), "2000-01-03": (5.4, 3.1, 0.0)}),
}


def _check_row(frame, day: str, expected) -> None:
    for column, value in zip(("tmax", "tmin", "rain"), expected):
        got = frame.loc[day, column]
        if value is None:
            assert np.isnan(got), (day, column, got)
        else:
            assert got == pytest.approx(value, abs=1e-9), (day, column, got)


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_service_fixture_through_the_importer(tmp_path, case):
    fmt, columns, units, file_units, rows, start, stations, spots = EXPECTED[case]
    report = (result := import_weather(sf.SERVICE_FIXTURES[case](tmp_path))).report
    assert report.format == fmt
    assert tuple(report.columns[k] for k in ("date", "tmax", "tmin", "rain")) == columns
    assert report.units == units and report.file_units == file_units
    assert (report.rows, report.start, list(report.stations)) == (rows, start, stations)
    for day, values in spots.items():
        _check_row(result.frame, day, values)


def test_service_places(tmp_path):
    places = {case: import_weather(sf.SERVICE_FIXTURES[case](tmp_path)).report.place
              for case in ("met_eireann", "knmi", "nasa_power")}
    assert places == {"met_eireann": "Cork Airport", "knmi": "De Bilt (KNMI 260)",
                      "nasa_power": "52.09° N, 5.12° E"}


def test_knmi_minus_one_is_a_trace_not_a_gap(tmp_path):
    result = import_weather(sf.knmi(tmp_path))
    assert result.frame.loc["2023-01-06", "rain"] == 0.025
    assert any("RH values of -1" in n and "trace" in n for n in result.report.notes)


def test_dly_quality_flag_drops_and_second_station(tmp_path):
    path = sf.ghcn_dly(tmp_path)
    result = import_weather(path)
    assert any("failed NOAA quality control" in n for n in result.report.notes)
    other = import_weather(path, station="USC00305801")
    assert other.report.rows == 31 and other.frame.loc["2020-01-02", "tmax"] == pytest.approx(6.4)


def test_wide_places_are_stations_and_a_correction_stays_in_one_place(tmp_path):
    path = sf.wide_places(tmp_path)
    de_bilt = import_weather(path, station="DE_BILT")
    assert de_bilt.frame.loc["2000-01-01", "tmax"] == pytest.approx(8.4)
    assert de_bilt.frame.loc["2000-01-01", "rain"] == pytest.approx(0.5)  # 0.05 cm
    mean = import_weather(path, station="BUDAPEST", overrides={"tmax": "temp_mean"})
    assert mean.frame.loc["2000-01-01", "tmax"] == pytest.approx(6.4 - 1.3)


def test_met_eireann_i_named_indicators(tmp_path):
    text = ("Station Name: VALENTIA OBSERVATORY\n\ndate,irain,rain,imax,maxtp,imin,mintp\n"
            + "".join(f"{d:02d}-Feb-42,0,0.{d % 4},0,{9 + d % 3}.1,0,{3 + d % 2}.0\n" for d in range(1, 21)))
    result = import_weather(text.encode(), filename="dly2275.csv")
    assert result.report.format == "Met Éireann" and result.report.start == "1942-02-01"
    assert result.report.columns["tmax"] == "maxtp" and result.report.place == "Valentia Observatory"


def test_every_service_has_its_readme_line():
    assert all(s.readme for s in SERVICES)
    readme = (REPO / "README.md").read_text()
    for service in SERVICES:
        assert service.name in readme, service.name


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_service_fixture_through_cli_inspect_json(tmp_path, case, capsys):
    from gd_core.cli import main

    fmt, columns, units, file_units, rows, start, stations, _ = EXPECTED[case]
    assert main(["inspect", str(sf.SERVICE_FIXTURES[case](tmp_path)), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["columns"]["date"], shown["columns"]["tmax"], shown["columns"]["tmin"],
            shown["columns"]["rain"]) == columns
    assert shown["units"] == units
    assert (shown["rows"], shown["start"], shown["stations"]) == (rows, start, stations)


def _data_page() -> AppTest:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60).run()
    return at.switch_page("pages/Data.py").run()


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_service_fixture_on_the_data_page(tmp_path, case):
    fmt, columns, _, _, rows, start, _, spots = EXPECTED[case]
    path = sf.SERVICE_FIXTURES[case](tmp_path)
    at = _data_page()
    at.file_uploader(key="data_file").set_value((path.name, path.read_bytes(), "text/csv")).run()
    assert not at.exception and not at.error
    detected = at.dataframe[0].value["detected"]
    assert detected["format"] == fmt and detected["tmax"].startswith(columns[1])
    assert f"{rows:,} days" in detected["dates"] and detected["dates"].startswith(start)
    preview = at.dataframe[1].value
    first_day, first_values = next(iter(sorted(spots.items())))
    row = preview.loc[first_day]
    tmax = next(v for k, v in row.items() if k.startswith("tmax"))
    if first_values[0] is not None:
        assert float(tmax) == pytest.approx(first_values[0])


def test_meteostat_station_id_from_the_file_name(tmp_path):
    import importer_fixtures as fx

    data = fx.meteostat(tmp_path).read_bytes()
    for name in ("10637.csv", "meteostat-10637.csv", "export_10637 (1).csv"):
        assert import_weather(data, filename=name).report.place == "Meteostat station 10637", name
    assert import_weather(data, filename="export.csv").report.place is None


def test_a_broken_wide_file_gets_the_usual_messages():
    text = b"DATE,BASEL_temp_max,BUDAPEST_temp_max\n20000101,1,2\n20000102,\"3,4\n"
    try:
        result = import_weather(text)
    except Exception as exc:  # a refusal is fine; an internal failure is not
        assert type(exc).__name__ == "WeatherFileError" and "unexpectedly" not in str(exc)
    else:
        assert result.report.rows >= 1
    dup = b"DATE,A_temp_max,B_temp_max,A_temp_max\n20000101,1,2,3\n20000102,3,4,5\n"
    import_weather(dup)  # duplicate names: read as a plain table


@pytest.mark.parametrize("data, word", [
    (b"USW00023230000001TMAX  133  0" + b"-9999   " * 30 + b"\n", "no data rows"),  # year 0000
    (b"USW00023230202002TMAX-9999   \n", "no numbers"),  # every slot missing
    (b"USW00023230202002SNOW    0  0\n", "none of TMAX, TMIN, PRCP"),
])
def test_odd_dly_files_are_refused_with_a_message(data, word):
    from gd_core.importer import WeatherFileError

    with pytest.raises(WeatherFileError, match=word):
        import_weather(data, filename="odd.dly")


def test_an_attributes_column_with_no_flag_at_all():
    data = b'"STATION","DATE","TMAX","TMAX_ATTRIBUTES"\n"A","2020-01-01","5",""\n"A","2020-01-02","6",""\n'
    assert import_weather(data).frame["tmax"].tolist() == [5.0, 6.0]
