"""The weather importer on one fixture per real export format, on bad input, and csv_safe."""

from __future__ import annotations

import json
import math

import importer_fixtures as fx
import numpy as np
import pandas as pd
import pytest
from conftest import REPO

from gd_core.cli_inspect import inspect_dict
from gd_core.data import read_weather_csv
from gd_core.importer import ImportResult, WeatherFileError, import_weather
from gd_ui.safe import csv_safe


def _check_frame(result: ImportResult, expected: dict[str, list], dates: list[str]) -> None:
    """The frame's shape contract and its exact values (NaN where None)."""
    frame = result.frame
    assert isinstance(frame.index, pd.DatetimeIndex) and frame.index.name == "date"
    assert frame.index.is_monotonic_increasing and frame.index.is_unique
    assert (frame.index == frame.index.normalize()).all()
    assert list(frame.index.strftime("%Y-%m-%d")) == dates
    assert list(frame.columns) == list(expected)
    for column, values in expected.items():
        assert frame[column].dtype == np.float64
        want = np.array([np.nan if v is None else v for v in values], dtype=float)
        np.testing.assert_allclose(frame[column].to_numpy(), want, equal_nan=True, err_msg=column)
    report = result.report
    assert report.rows == len(frame) and report.start == dates[0] and report.end == dates[-1]
    for role in ("tmax", "tmin", "rain"):
        expect = int(frame[role].isna().sum()) if role in frame else None
        assert report.missing[role] == expect


def _notes(result: ImportResult) -> str:
    return "\n".join(result.report.notes)


def test_noaa_cdo_picks_the_station_with_most_rows_and_applies_flags(tmp_path):
    result = import_weather(fx.noaa_cdo(tmp_path))
    r = result.report
    assert r.format == "NOAA CDO daily summaries"
    assert r.stations == ("USC00042319", "USW00023230") and r.station == "USW00023230"
    assert r.columns == {"date": "DATE", "tmax": "TMAX", "tmin": "TMIN", "rain": "PRCP"}
    assert r.units == {"temperature": "F", "rain": "in"}
    assert r.source_columns[:6] == ("STATION", "NAME", "LATITUDE", "LONGITUDE", "ELEVATION", "DATE")
    _check_frame(result, {"tmax": [60, 58, 61, None, 59], "tmin": [45, 47, 46, 44, None],
                          "rain": [0, 0.12, 0.001, None, 0.40]},
                 ["2020-07-01", "2020-07-02", "2020-07-03", "2020-07-05", "2020-07-06"])
    notes = _notes(result)
    assert "2 stations" in notes and "most rows" in notes
    assert "failed NOAA quality control" in notes
    assert "trace" in notes and "0.001 in" in notes


def test_noaa_cdo_other_station_never_mixes_rows(tmp_path):
    result = import_weather(fx.noaa_cdo(tmp_path), station="usc00042319")  # case-insensitive
    assert result.report.station == "USC00042319"
    _check_frame(result, {"tmax": [118, 121, 117], "tmin": [87, 90, 85], "rain": [0, 0, 0]},
                 ["2020-07-01", "2020-07-02", "2020-07-03"])


def test_unknown_station_lists_the_stations(tmp_path):
    with pytest.raises(WeatherFileError, match="USW00023230") as info:
        import_weather(fx.noaa_cdo(tmp_path), station="NOPE")
    assert "'NOPE' is not in this file" in str(info.value)


def test_noaa_excel_resave_month_first_dates(tmp_path):
    result = import_weather(fx.noaa_excel(tmp_path))
    r = result.report
    assert r.format == "NOAA CDO daily summaries" and r.date_format == "US month-first"
    assert r.units == {"temperature": "C", "rain": "mm"}
    _check_frame(result, {"tmax": [17.2, 15.6, 18.9, 21.1], "tmin": [8.3, 9.4, 7.8, 8.9],
                          "rain": [0.5, 12.7, 0, 0]},
                 ["2010-04-11", "2010-04-12", "2010-04-13", "2010-04-14"])


def test_noaa_legacy_yyyymmdd_sentinels_and_flag_columns(tmp_path):
    result = import_weather(fx.noaa_legacy(tmp_path))
    r = result.report
    assert r.format == "NOAA CDO daily summaries (legacy)" and r.date_format == "YYYYMMDD"
    assert r.station == "GHCND:USW00023230"
    _check_frame(result, {"tmax": [58, 57, None, 55], "tmin": [41, None, 44, 43],
                          "rain": [0, 0.001, 0.31, None]},
                 ["2010-01-01", "2010-01-02", "2010-01-03", "2010-01-04"])
    notes = _notes(result)
    assert "-9999" in notes and "quality control" in notes and "trace" in notes


def test_ghcn_by_station_tenths_and_padding(tmp_path):
    result = import_weather(fx.ghcn_by_station(tmp_path))
    r = result.report
    assert r.format == "GHCN-Daily by-station CSV"
    assert r.units == {"temperature": "C", "rain": "mm"}
    _check_frame(result, {"tmax": [28.9, 24.4, 30.1, 19.8], "tmin": [15.6, -1.7, 15.0, -0.4],
                          "rain": [0, 5.3, 0, 12.7]},
                 ["1999-01-01", "1999-01-02", "1999-01-03", "1999-01-04"])
    assert "tenths" in _notes(result)


def test_ghcn_tenths_can_be_overridden(tmp_path):
    # read as whole °C, GHCN tenths are impossible temperatures (289 °C): refused, naming the fix
    with pytest.raises(WeatherFileError, match=r"4 of 4 values in the tmax column 'TMAX' .*tenths"):
        import_weather(fx.ghcn_by_station(tmp_path), overrides={"tenths": False})
    result = import_weather(fx.tidy(tmp_path), overrides={"tenths": True})
    assert result.frame["tmax"].iloc[0] == pytest.approx(1.28)
    assert "as corrected" in _notes(result)


def test_meteostat_web_export_with_empty_columns(tmp_path):
    result = import_weather(fx.meteostat(tmp_path))
    assert result.report.format == "Meteostat" and result.report.units == {"temperature": "C", "rain": "mm"}
    _check_frame(result, {"tmax": [4.2, 3.9, 6.0, None], "tmin": [-0.5, -2.1, 0.8, None],
                          "rain": [0.3, 0, 5.1, None]},
                 ["2021-01-01", "2021-01-02", "2021-01-04", "2021-01-05"])


def test_meteostat_library_export_skips_source_columns(tmp_path):
    result = import_weather(fx.meteostat_library(tmp_path))
    assert result.report.columns == {"date": "time", "tmax": "tmax", "tmin": "tmin", "rain": "prcp"}
    _check_frame(result, {"tmax": [4.2, 3.9], "tmin": [-0.5, -2.1], "rain": [0.3, 0]},
                 ["2021-01-01", "2021-01-02"])


def test_meteostat_headerless_bulk(tmp_path):
    result = import_weather(fx.meteostat_bulk(tmp_path))
    assert result.report.format == "Meteostat" and "no header row" in _notes(result)
    _check_frame(result, {"tmax": [4.2, 3.9, 4.4], "tmin": [-0.5, -2.1, -1.0], "rain": [0.3, 0, 1.2]},
                 ["2021-01-01", "2021-01-02", "2021-01-03"])


def test_open_meteo_preamble_and_nan(tmp_path):
    result = import_weather(fx.open_meteo(tmp_path))
    r = result.report
    assert r.format == "Open-Meteo" and r.preamble_lines == 3
    assert r.columns["tmax"] == "temperature_2m_max (°C)" and r.columns["rain"] == "precipitation_sum (mm)"
    assert r.units == {"temperature": "C", "rain": "mm"}
    _check_frame(result, {"tmax": [15.9, 12.4, None, 8.8], "tmin": [8.2, 5.1, None, -1.3],
                          "rain": [0.3, 2.6, None, 0]},
                 ["2023-01-01", "2023-01-02", "2023-01-03", "2023-01-04"])


def test_open_meteo_picks_the_daily_block_after_an_hourly_one(tmp_path):
    result = import_weather(fx.open_meteo_hourly_daily(tmp_path))
    assert result.report.units == {"temperature": "F", "rain": "in"}
    _check_frame(result, {"tmax": [44.1, 52.3], "tmin": [37.0, 41.9], "rain": [0, 0.122]},
                 ["2023-01-01", "2023-01-02"])


def test_dwd_semicolons_padding_sentinels_eor(tmp_path):
    result = import_weather(fx.dwd(tmp_path))
    r = result.report
    assert r.format == "DWD klima_tag" and r.separator == ";" and r.date_format == "YYYYMMDD"
    assert r.columns == {"date": "MESS_DATUM", "tmax": "TXK", "tmin": "TNK", "rain": "RSK"}
    assert r.stations == ("1048",)
    _check_frame(result, {"tmax": [-0.4, 1.9, None], "tmin": [-3.6, -1.2, -0.7], "rain": [0, 2.3, 0]},
                 ["1934-01-01", "1934-01-02", "1934-01-03"])


@pytest.mark.parametrize("writer, encoding, preamble", [
    (fx.env_canada, "UTF-8 with BOM", 0), (fx.env_canada_old, "Windows-1252", 19)])
def test_environment_canada_flags_trace_and_preamble(tmp_path, writer, encoding, preamble):
    result = import_weather(writer(tmp_path))
    r = result.report
    assert r.format == "Environment Canada" and r.encoding == encoding and r.preamble_lines == preamble
    assert r.columns == {"date": "Date/Time", "tmax": "Max Temp (°C)", "tmin": "Min Temp (°C)",
                         "rain": "Total Precip (mm)"}
    assert r.units == {"temperature": "C", "rain": "mm"}
    _check_frame(result, {"tmax": [-1.5, None, 2.3], "tmin": [-7.4, -9.1, -3.0], "rain": [0.025, 1.2, None]},
                 ["2015-01-01", "2015-01-02", "2015-01-03"])


def test_weather_underground(tmp_path):
    result = import_weather(fx.weather_underground(tmp_path))
    r = result.report
    assert r.format == "Weather Underground" and r.date_column == "CDT"
    assert r.columns["tmax"] == "Max TemperatureF" and r.columns["rain"] == "PrecipitationIn"
    assert r.units == {"temperature": "F", "rain": "in"}
    _check_frame(result, {"tmax": [72, 70, 68], "tmin": [56, 55, 57], "rain": [0, 0.001, 0.21]},
                 ["2010-09-19", "2010-09-20", "2010-09-21"])


def test_visual_crossing_quoted_text_and_unsorted_rows(tmp_path):
    result = import_weather(fx.visual_crossing(tmp_path))
    r = result.report
    assert r.format == "Visual Crossing" and r.date_column == "datetime"
    assert r.columns["rain"] == "precip" and r.units == {"temperature": "C", "rain": "mm"}
    _check_frame(result, {"tmax": [15.2, 16.1, 18.3, 14.0], "tmin": [8.4, 7.9, 9.0, 10.2],
                          "rain": [3.6, 0, 0, 7.1]},
                 ["2022-03-01", "2022-03-02", "2022-03-03", "2022-03-04"])
    assert "sorted the rows by date (2 rows out of order)" in _notes(result)


def test_european_spreadsheet_decimal_comma_cp1252(tmp_path):
    result = import_weather(fx.european(tmp_path))
    r = result.report
    assert r.format == "European spreadsheet"
    assert (r.separator, r.decimal, r.encoding) == (";", ",", "Windows-1252")
    assert r.date_format == "European day-first"
    assert r.columns["tmax"] == "Tmax (°C)" and r.columns["rain"] == "Niederschlag (mm)"
    _check_frame(result, {"tmax": [6.1, 4.3, 7.9, 5.0], "tmin": [-2.5, -4.0, None, 0.2],
                          "rain": [0, 1.7, 12.4, 0.3]},
                 ["2020-01-11", "2020-01-12", "2020-01-13", "2020-01-14"])


def test_tutorial_layout_keeps_its_target(tmp_path):
    result = import_weather(fx.tutorial(tmp_path))
    r = result.report
    assert r.format == "Tutorial / tidy CSV" and r.date_column == "Unnamed: 0"
    assert r.units == {"temperature": "F", "rain": "in"}
    _check_frame(result, {"tmax": [60, 52, 52, 53, 55], "tmin": [35, 39, 35, None, 38],
                          "rain": [0, 0, 0, 0.01, None], "tmax_tomorrow": [52, 52, 53, 55, 57]},
                 ["1970-01-01", "1970-01-02", "1970-01-03", "1970-01-05", "1970-01-06"])


def test_tidy_layout_keeps_extra_numeric_columns(tmp_path):
    result = import_weather(fx.tidy(tmp_path))
    assert result.report.format == "Tutorial / tidy CSV"
    _check_frame(result, {"tmax": [12.8, 10.6, 11.7], "tmin": [5.0, 2.8, 7.2], "rain": [0, 10.9, 0.8],
                          "wind": [4.7, 4.5, 2.3]},
                 ["2012-01-01", "2012-01-02", "2012-01-03"])


@pytest.mark.parametrize("name", ["seattle-weather.csv", "clemson-temps.csv"])
def test_bundled_files_match_the_plain_reader(name):
    path = REPO / "data" / name
    result = import_weather(path)
    assert result.report.format == "Tutorial / tidy CSV"
    pd.testing.assert_frame_equal(result.frame, read_weather_csv(path), check_index_type=False)


def test_tutorial_reference_file_matches_the_plain_reader(reference_csv):
    result = import_weather(reference_csv)
    assert result.report.rows == 13_509 and result.report.units == {"temperature": "F", "rain": "in"}
    pd.testing.assert_frame_equal(result.frame, read_weather_csv(reference_csv), check_index_type=False)


def test_bytes_source_with_filename(tmp_path):
    data = fx.tidy(tmp_path).read_bytes()
    result = import_weather(data, filename="upload.csv")
    assert result.report.rows == 3
    with pytest.raises(WeatherFileError, match=r"'upload\.csv'"):
        import_weather(b"", filename="upload.csv")


@pytest.mark.parametrize("case", list(fx.BAD_INPUTS))
def test_bad_input_names_the_problem(tmp_path, case):
    path, word = fx.bad_inputs(tmp_path)[case]
    with pytest.raises(WeatherFileError) as info:
        import_weather(path)
    message = str(info.value)
    assert message and word.lower() in message.lower()
    assert "unexpectedly" not in message
    assert ":" in message  # problem: what to do


def test_missing_file_is_a_weather_file_error(tmp_path):
    with pytest.raises(WeatherFileError, match="file not found"):
        import_weather(tmp_path / "nope.csv")


def test_row_limit_has_its_own_message(tmp_path):
    path = fx.noaa_cdo(tmp_path)
    with pytest.raises(WeatherFileError, match="more than 5 rows"):
        import_weather(path, max_rows=5)
    assert import_weather(path, max_rows=8).report.rows == 5


def test_duplicates_across_stations_are_not_an_error(tmp_path):
    text = "STATION,DATE,TMAX\nA,2020-01-01,10\nA,2020-01-02,11\nB,2020-01-01,20\nB,2020-01-02,21\n"
    result = import_weather(text.encode(), station="B")
    assert result.frame["tmax"].tolist() == [20, 21]


def test_duplicate_dates_within_a_station_are(tmp_path):
    text = "STATION,DATE,TMAX\nA,2020-01-01,10\nA,2020-01-01,11\nB,2020-01-02,20\n"
    with pytest.raises(WeatherFileError, match="2020-01-01 more than once for this station"):
        import_weather(text.encode(), station="A")


def test_ambiguous_day_month_order_is_decided_by_consecutive_days():
    text = "date;tmax\n01.02.2020;5\n02.02.2020;6\n03.02.2020;7\n"  # all numbers <= 12
    result = import_weather(text.encode())
    assert result.report.date_format == "European day-first"
    assert result.report.start == "2020-02-01" and "ambiguous" in _notes(result)
    us = import_weather(b"date,tmax\n1/2/2020,5\n1/3/2020,6\n1/4/2020,7\n")
    assert us.report.date_format == "US month-first" and us.report.start == "2020-01-02"


def test_date_format_override():
    text = b"date,tmax\n01/02/2020,5\n01/03/2020,6\n01/04/2020,7\n"
    assert import_weather(text).report.start == "2020-01-02"
    with pytest.raises(WeatherFileError, match="monthly"):  # Feb 1, Mar 1, Apr 1
        import_weather(text, overrides={"date_format": "European day-first"})
    custom = b"day,tmax\n2020.02.01,5\n2020.02.02,6\n"
    result = import_weather(custom, overrides={"date_column": "day", "date_format": "%Y.%m.%d"})
    assert result.report.start == "2020-02-01" and result.report.date_format == "%Y.%m.%d"


def test_times_of_day_and_utc_offsets_keep_the_local_date():
    text = b"time,tmax\n2020-01-01T00:00+02:00,5\n2020-01-02T00:00+02:00,6\n2020-01-03T00:00Z,7\n"
    result = import_weather(text)
    assert list(result.frame.index.strftime("%Y-%m-%d")) == ["2020-01-01", "2020-01-02", "2020-01-03"]
    assert result.frame.index.tz is None
    daily_at_seven = b"time,tmax\n2020-01-01 07:00,5\n2020-01-02 07:00,6\n"
    assert "times of day dropped" in _notes(import_weather(daily_at_seven))


def test_old_mac_line_ends():
    result = import_weather(b"date,tmax\r2020-01-01,5\r2020-01-02,6\r")
    assert result.frame["tmax"].tolist() == [5, 6]


def test_year_month_day_columns():
    text = b"Year,Month,Day,TMAX\n2020,1,30,5\n2020,1,31,6\n2020,2,1,7\n"
    result = import_weather(text)
    assert result.report.date_format == "year/month/day columns"
    assert list(result.frame.index.strftime("%Y-%m-%d")) == ["2020-01-30", "2020-01-31", "2020-02-01"]


def test_year_month_day_columns_with_a_bad_and_an_empty_date():
    text = b"Year,Month,Day,TMAX\n2020,1,30,5\n2020,13,31,6\n,2,1,7\n2020,2,2,-9999\n2020,2,3,8\n"
    result = import_weather(text)
    assert list(result.frame.index.strftime("%Y-%m-%d")) == ["2020-01-30", "2020-02-02", "2020-02-03"]
    notes = _notes(result)
    assert "'2020/13/31'" in notes and "1 row without a date" in notes and "-9999" in notes


def test_rows_without_a_station_id_are_left_out_and_said():
    text = b"STATION,DATE,TMAX\nA,2020-01-01,5\n,2020-01-02,6\n" \
        b"B,2020-01-01,7\nB,2020-01-02,8\nB,2020-01-03,8\n"
    result = import_weather(text)
    assert result.report.station == "B" and result.report.stations == ("A", "B")
    assert "left out 1 row with no station id" in _notes(result)


def test_column_and_unit_overrides(tmp_path):
    path = fx.env_canada(tmp_path)
    result = import_weather(path, overrides={"rain": "Total Rain (mm)", "tmin": None,
                                             "temperature_unit": "F", "rain_unit": "in"})
    assert result.report.columns["rain"] == "Total Rain (mm)" and result.report.columns["tmin"] is None
    assert "tmin" not in result.frame and result.report.missing["tmin"] is None
    assert result.report.units == {"temperature": "F", "rain": "in"}


@pytest.mark.parametrize("overrides, word", [
    ({"colour": "red"}, "unknown override"),
    ({"separator": "x"}, "separator"),
    ({"decimal": ";"}, "decimal"),
    ({"encoding": "klingon"}, "unknown encoding"),
    ({"temperature_unit": "K"}, "temperature_unit"),
    ({"rain_unit": "furlong"}, "rain_unit"),
    ({"tenths": "yes"}, "tenths"),
    ({"tmax": "nope"}, "not a column"),
    ({"date_column": "tmax"}, "does not hold dates"),
    ({"date_format": "whenever"}, "unknown date_format"),
    ({"date_format": "year/month/day columns", "date_column": "date"}, "leave the date column to detection"),
])
def test_bad_overrides_are_named(tmp_path, overrides, word):
    with pytest.raises(WeatherFileError, match=word):
        import_weather(fx.tidy(tmp_path), overrides=overrides)


def test_separator_and_encoding_overrides(tmp_path):
    result = import_weather(fx.european(tmp_path), overrides={"separator": "semicolon", "encoding": "latin-1",
                                                              "decimal": ","})
    assert result.report.encoding == "latin-1" and result.frame["tmax"].iloc[0] == 6.1


def test_utf16_with_bom_is_read():
    text = "date\ttmax\ttmin\n2020-01-01\t5,5\t1,0\n2020-01-02\t6,0\t2,5\n"
    result = import_weather(text.encode("utf-16"))
    assert result.report.encoding == "UTF-16" and result.report.separator == "\t"
    assert result.frame["tmax"].tolist() == [5.5, 6.0]


def test_bounded_values_and_missing_codes():
    text = b"date,tmax,tmin,rain\n2020-01-01,<31,M,---\n2020-01-02,30,-999,T\n2020-01-03,29,10,0.2\n"
    result = import_weather(text, overrides={"temperature_unit": "C"})
    assert result.frame["tmax"].tolist() == [31, 30, 29]
    assert result.frame["tmin"].isna().tolist() == [True, True, False]
    assert result.frame["rain"].iloc[1] == pytest.approx(0.025) and math.isnan(result.frame["rain"].iloc[0])
    assert "'<31'" in _notes(result)


def test_an_unreadable_value_names_its_column_value_and_date():
    text = b"date,tmax,rain\n2020-01-01,5,0\n2020-01-02,6,#VALUE!\n2020-01-03,7,0\n"
    with pytest.raises(WeatherFileError, match=r"column 'rain' has 1 value .*'#VALUE!' on 2020-01-02"):
        import_weather(text)
    with pytest.raises(WeatherFileError, match="'T'"):  # trace is for rain, not temperature
        import_weather(b"date,tmax\n2020-01-01,5\n2020-01-02,T\n")


def test_a_few_unreadable_dates_are_dropped_and_noted():
    rows = "".join(f"2020-01-{d:02d},{d}\n" for d in range(1, 21))
    result = import_weather(f"date,tmax\n{rows}Data provided by someone,\n".encode())
    assert result.report.rows == 20 and "could not be read" in _notes(result)


def test_many_unreadable_dates_are_an_error():
    days = pd.date_range("2020-01-01", periods=300).strftime("%Y-%m-%d")
    rows = "".join(f"{d},1\n" for d in days) + "".join(f"x{d},1\n" for d in range(10))
    with pytest.raises(WeatherFileError, match="not ISO dates"):
        import_weather(f"date,tmax\n{rows}".encode())


def test_temperature_unit_inference_thresholds():
    hot_c = "".join(f"2020-07-{d:02d},{40 + d / 10}\n" for d in range(1, 31))
    assert import_weather(f"date,tmax\n{hot_c}".encode()).report.units["temperature"] == "C"
    mild_f = "".join(f"2020-07-{d:02d},{55 + d}\n" for d in range(1, 31))
    assert import_weather(f"date,tmax\n{mild_f}".encode()).report.units["temperature"] == "F"


def test_rain_unit_inferred_alone():
    inches = "".join(f"2020-07-{d:02d},{d / 20}\n" for d in range(1, 31))
    assert import_weather(f"date,prcp\n{inches}".encode()).report.units == {"temperature": None, "rain": "in"}
    mm = "".join(f"2020-07-{d:02d},{d}\n" for d in range(1, 31))
    assert import_weather(f"date,prcp\n{mm}".encode()).report.units["rain"] == "mm"


def test_inspect_dict_is_the_cli_json(tmp_path):
    result = import_weather(fx.noaa_cdo(tmp_path))
    assert inspect_dict(result) == {
        "rows": 5, "start": "2020-07-01", "end": "2020-07-06",
        "columns": {"date": "DATE", "tmax": "TMAX", "tmin": "TMIN", "rain": "PRCP"},
        "units": {"temperature": "F", "rain": "in"},
        "stations": ["USC00042319", "USW00023230"], "station": "USW00023230",
        "missing": {"tmax": 1, "tmin": 1, "rain": 1},
    }


def test_csv_safe_escapes_formulas_not_numbers():
    frame = pd.DataFrame({"name": ["=HYPERLINK(\"x\")", "+1", "-cmd", "@SUM(A1)", "\tx", "\rx", "ok", None],
                          "tmax": [-5.0, 1, 2, 3, 4, 5, 6, 7]},
                         index=pd.date_range("2020-01-01", periods=8, name="date"))
    safe = csv_safe(frame)
    assert safe["name"].tolist()[:7] == ["'=HYPERLINK(\"x\")", "'+1", "'-cmd", "'@SUM(A1)", "'\tx", "'\rx",
                                         "ok"]
    assert safe["name"].isna().iloc[7]
    assert safe["tmax"].dtype == np.float64 and safe["tmax"].iloc[0] == -5.0
    assert frame["name"].iloc[0] == "=HYPERLINK(\"x\")"  # the input is untouched
    assert "'=x" in csv_safe(pd.DataFrame({"=x": [1]})).columns
    assert csv_safe(pd.DataFrame({"v": [1]}, index=["-a"])).index[0] == "'-a"


# --- CLI: python -m gd_core inspect FILE [--station ID] [--json] ------------------------------------


def _cli(capsys, *args):
    from gd_core.cli import main

    status = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out, err


def test_cli_inspect_json_is_exactly_the_issues_object(tmp_path, capsys):
    status, out, err = _cli(capsys, "inspect", fx.noaa_cdo(tmp_path), "--json")
    assert status == 0 and err == ""
    assert json.loads(out) == {
        "rows": 5, "start": "2020-07-01", "end": "2020-07-06",
        "columns": {"date": "DATE", "tmax": "TMAX", "tmin": "TMIN", "rain": "PRCP"},
        "units": {"temperature": "F", "rain": "in"},
        "stations": ["USC00042319", "USW00023230"], "station": "USW00023230",
        "missing": {"tmax": 1, "tmin": 1, "rain": 1},
    }
    assert list(json.loads(out)) == ["rows", "start", "end", "columns", "units", "stations", "station",
                                     "missing"]


def test_cli_inspect_station_and_nulls(tmp_path, capsys):
    status, out, _ = _cli(capsys, "inspect", fx.noaa_cdo(tmp_path), "--station", "USC00042319", "--json")
    assert status == 0 and json.loads(out)["station"] == "USC00042319" and json.loads(out)["rows"] == 3
    status, out, _ = _cli(capsys, "inspect", REPO / "data" / "clemson-temps.csv", "--json")
    got = json.loads(out)
    assert got["columns"]["rain"] is None and got["units"]["rain"] is None and got["missing"]["rain"] is None
    assert got["stations"] == [] and got["station"] is None


def test_cli_inspect_readable_summary(tmp_path, capsys):
    status, out, _ = _cli(capsys, "inspect", fx.european(tmp_path))
    assert status == 0
    assert "European spreadsheet" in out and "2020-01-11 .. 2020-01-14, 4 rows" in out
    assert "tmax <- 'Tmax (°C)'" in out and "temperature °C, rain mm" in out


@pytest.mark.parametrize("case", ["png_renamed", "duplicate_dates", "dly"])
def test_cli_inspect_bad_file_is_one_error_line(tmp_path, capsys, case):
    path, word = fx.bad_inputs(tmp_path)[case]
    status, out, err = _cli(capsys, "inspect", path)
    assert status == 2 and out == ""
    assert len(err.splitlines()) == 1 and err.startswith("error: ") and word.lower() in err.lower()


def test_cli_fit_reads_any_supported_format(tmp_path, capsys):
    rows = "".join(f"{d:%d.%m.%Y};{10 + d.day % 7},{d.day % 10};{d.day % 5},5;{d.day % 3},{d.day % 4}\n"
                   for d in pd.date_range("2020-01-01", periods=40))
    path = tmp_path / "wetter.csv"
    path.write_text("Datum;Tmax (°C);Tmin (°C);Niederschlag (mm)\n" + rows, encoding="cp1252")
    status, out, err = _cli(capsys, "fit", path, "--epochs", "5", "--json")
    assert status == 0, err
    assert len(json.loads(out)["weights"]) == 3
