"""The importer at the door: physical bounds, empty columns, huge headers, UTF-16 without a BOM,
implausible dates, files that are not weather tables, and notes a web user can act on.

Each test failed on the importer before its case was handled.
"""

from __future__ import annotations

import datetime as dt
import re

import importer_fixtures as fx
import numpy as np
import pandas as pd
import pytest

from gd_core.data import make_problem
from gd_core.importer import WeatherFileError, import_weather


def daily_csv(start: str = "2020-03-01", header: str | None = None, **columns) -> bytes:
    """A tidy CSV, one row per day from ``start``, with the given columns (cells as given)."""
    n = len(next(iter(columns.values())))
    dates = pd.date_range(start, periods=n).strftime("%Y-%m-%d")
    lines = [header or ",".join(["date", *columns])]
    lines += [",".join([d, *(str(columns[c][i]) for c in columns)]) for i, d in enumerate(dates)]
    return ("\n".join(lines) + "\n").encode()


def notes_of(result) -> str:
    return "\n".join(result.report.notes)


def warm(n: int = 20) -> list:
    return [10.0 + i % 7 for i in range(n)]


# --- 2a: plausible values at the door ---------------------------------------------------------------

def test_finite_extremes_become_gaps_and_never_sway_the_units():
    tmax = warm()
    tmax[2], tmax[5], tmax[9] = "1e308", "-1e308", "1.3e154"
    result = import_weather(daily_csv(tmax=tmax, tmin=[v - 6 for v in warm()]))
    column = result.frame["tmax"]
    assert column.isna().sum() == 3 and np.isnan(column.iloc[[2, 5, 9]]).all()
    kept = [v for i, v in enumerate(warm()) if i not in (2, 5, 9)]
    assert column.dropna().tolist() == kept  # not divided by 10: one typo does not make a file "tenths"
    assert result.report.units["temperature"] == "C"
    assert "tmax: 3 values outside −90…60 °C read as gaps (first: 1e+308 on 2020-03-03)" in notes_of(result)
    assert result.report.missing["tmax"] == 3


def test_negative_rain_is_a_gap_with_a_note():
    rain = [0, 1.2, -3, 0.5] * 5
    result = import_weather(daily_csv(tmax=warm(), rain=rain))
    assert np.isnan(result.frame["rain"].iloc[2::4]).all()
    assert result.frame["rain"].iloc[1] == 1.2
    assert "rain: 5 values outside 0…2,000 mm read as gaps (first: -3 on 2020-03-03)" in notes_of(result)


@pytest.mark.parametrize(("role", "override", "inside", "outside"), [
    ("tmax", {"temperature_unit": "C"}, 59.9, 60.5),
    ("tmin", {"temperature_unit": "C"}, -89.9, -90.5),
    ("tmax", {"temperature_unit": "F"}, 139.5, 140.5),
    ("tmin", {"temperature_unit": "F"}, -129.5, -130.5),
    ("rain", {"rain_unit": "mm"}, 1999.0, 2000.5),
    ("rain", {"rain_unit": "in"}, 79.9, 80.1),
])
def test_bounds_per_role_and_unit(role, override, inside, outside):
    columns = {"tmax": warm(), "tmin": [v - 6 for v in warm()], "rain": [0.5] * 20}
    columns[role] = list(columns[role])
    columns[role][4], columns[role][7] = inside, outside
    result = import_weather(daily_csv(**columns), overrides=override)
    assert result.frame[role].iloc[4] == inside
    assert np.isnan(result.frame[role].iloc[7])
    assert f"{role}: 1 value outside" in notes_of(result) and "read as a gap (first:" in notes_of(result)


def test_a_column_mostly_out_of_bounds_is_refused_naming_it_and_the_fix():
    fahrenheit = [75 + i % 20 for i in range(20)]  # °F values under a name that says °C
    text = daily_csv(header="date,Max Temp (°C),Min Temp (°C)", a=fahrenheit, b=[10] * 20)
    with pytest.raises(WeatherFileError) as info:
        import_weather(text)
    message = str(info.value)
    assert "20 of 20 values in the tmax column 'Max Temp (°C)' are outside −90…60 °C" in message
    assert "unit" in message and "Correct the temperature unit or the tmax column" in message


def test_extra_numeric_columns_cannot_carry_absurd_values_either():
    wind = [3.5] * 20
    wind[6] = "1e308"
    result = import_weather(daily_csv(tmax=warm(), wind=wind))
    assert np.isnan(result.frame["wind"].iloc[6]) and result.frame["wind"].iloc[5] == 3.5
    assert "wind: 1 value outside −1e+09…1e+09 read as a gap" in notes_of(result)


# --- 2c: an empty tmax column --------------------------------------------------------------------

def test_an_empty_tmax_is_said_in_the_notes_and_named_by_make_problem():
    result = import_weather(daily_csv(tmax=[""] * 30, tmin=warm(30)))
    assert result.report.missing["tmax"] == 30 and result.report.columns["tmax"] == "tmax"
    assert "tmax column 'tmax' is empty" in notes_of(result) and "tmax has no values" in notes_of(result)
    with pytest.raises(ValueError, match=r"^tmax has no values .*a predictor"):
        make_problem(result.frame, ("tmax",), "tmax_tomorrow")
    with pytest.raises(ValueError, match=r"^tmax has no values .*the target"):
        make_problem(result.frame, ("tmin",), "tmax_tomorrow")


# --- 2d: very wide headers and very long lines ---------------------------------------------------

def test_a_100000_column_header_is_reported_for_what_it_is():
    header = "date,tmax," + ",".join(f"c{i}" for i in range(99_998))
    row = ",".join(["1"] * 99_998)
    text = f"{header}\n2020-01-01,5,{row}\n2020-01-02,6,{row}\n".encode()
    with pytest.raises(WeatherFileError, match=r"the header has 100,000 columns; this does not look like a "
                                               r"daily weather table"):
        import_weather(text, filename="wide.csv")


def test_a_wide_but_plausible_table_is_read():
    extra = [f"x{i}" for i in range(1_500)]
    lines = ["date,tmax," + ",".join(extra)]
    lines += [f"2020-01-{d:02d},{d}," + ",".join(["0"] * len(extra)) for d in range(1, 11)]
    result = import_weather(("\n".join(lines) + "\n").encode())
    assert result.frame["tmax"].tolist() == list(range(1, 11))


def test_a_very_long_line_above_the_table_does_not_hide_it():
    comment = "Note " + "x" * 300_000  # one line longer than the sniff window, no separators
    text = (comment + "\n").encode() + daily_csv(tmax=warm(), tmin=[v - 6 for v in warm()])
    result = import_weather(text)
    assert result.report.rows == 20 and result.report.preamble_lines == 1


# --- 2e: UTF-16 without a byte-order mark -------------------------------------------------------

@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_detected_and_decoded(codec):
    text = "Datum;Tmax (°C);Tmin (°C)\n" + "".join(f"{d:02d}.01.2020;{d},5;-{d},0\n" for d in range(13, 20))
    result = import_weather(text.encode(codec))
    assert result.report.encoding == f"UTF-16 {codec[-2:].upper()} (no byte-order mark)"
    assert result.frame["tmax"].tolist() == [d + 0.5 for d in range(13, 20)]
    assert result.report.columns["tmax"] == "Tmax (°C)"


def test_binary_data_with_nul_bytes_is_still_refused():
    with pytest.raises(WeatherFileError, match="NUL bytes"):
        import_weather(b"date,tmax\n2020-01-01,5\x00\x01\x00\x02\x03\x00\x00\xff\n" * 3)


# --- 2f: implausible dates ------------------------------------------------------------------------

def test_a_few_implausible_dates_are_dropped_with_a_note_naming_them():
    text = daily_csv(tmax=warm()) + b"1650-01-01,7\n9999-01-01,8\n"
    result = import_weather(text)
    assert (result.report.rows, result.report.start, result.report.end) == (20, "2020-03-01", "2020-03-20")
    note = next(n for n in result.report.notes if "outside 1700-01-01" in n)
    assert "dropped 2 rows" in note and "1650-01-01, 9999-01-01" in note
    assert "span 1650-01-01 to 9999-01-01" in note


def test_mostly_implausible_dates_are_refused():
    text = daily_csv(start="1650-01-01", tmax=warm()) + b"2020-01-01,7\n2020-01-02,8\n"
    with pytest.raises(WeatherFileError, match=r"20 of 22 dates are outside 1700-01-01…"):
        import_weather(text)


def test_the_last_plausible_date_is_the_end_of_next_year():
    from gd_core.importer.daily import latest_plausible

    assert latest_plausible(dt.date(2024, 5, 1)) == pd.Timestamp("2025-12-31")
    next_year = dt.date.today().year + 1
    ok = import_weather(daily_csv(start=f"{next_year}-12-01", tmax=warm(31)))  # forecasts: next year is fine
    assert ok.report.rows == 31 and ok.report.end == f"{next_year}-12-31"


# --- 2g: files that are not weather tables; short messages -------------------------------------

MARKDOWN = (b"# Descent Lab\n\n**Set up and start the app**, then read on.\n\n"
            b"    python -m gd_core fit FILE --predictors tmax,tmin,rain --target tmax_tomorrow\n\n"
            b"| page | what it does |\n|---|---|\n| Data | upload, check, correct |\n"
            b"| Lab | rates, starts, optimizers |\n")


def test_a_markdown_file_is_not_a_weather_table():
    with pytest.raises(WeatherFileError) as info:
        import_weather(MARKDOWN, filename="README.md")
    assert str(info.value) == ("'README.md' does not look like a weather table: no date column and no "
                               "tmax/tmin/rain column with numbers found (first line: '# Descent Lab')")


def test_listed_column_names_are_capped_and_shortened():
    names = [f"a very long column name number {i}" for i in range(30)]
    text = (",".join([*names, "tmax"]) + "\n" + ",".join(["1"] * 31) + "\n").encode()
    with pytest.raises(WeatherFileError, match="no date column") as info:
        import_weather(text)
    message = str(info.value)
    quoted = re.findall(r"'([^']*)'", message)
    assert "and 23 more" in message and len(quoted) <= 8 + 1  # the file's name is quoted too
    assert all(len(q) <= 24 for q in quoted[1:])


# --- 2i: notes and errors worded for the web page and the command line ---------------------------

CODE_SYNTAX = re.compile(r"\w=\.\.\.|\w='|temperature_unit|rain_unit|date_format|date_column|station=")


def _wording_cases(tmp_path):
    yield from ((name, writer(tmp_path).read_bytes()) for name, writer in sorted(fx.FIXTURES.items()))
    yield "ambiguous", b"date;tmax\n01.02.2020;5\n02.02.2020;6\n03.02.2020;7\n"
    yield "fahrenheit", daily_csv(tmax=[70 + i for i in range(20)], prcp=[0.1] * 20)
    yield "candidates", daily_csv(tmax=warm(), tempmax=warm(), rain=[0.0] * 20)


def test_notes_never_quote_code_syntax(tmp_path):
    for case, data in _wording_cases(tmp_path):
        for note in import_weather(data).report.notes:
            assert not CODE_SYNTAX.search(note), (case, note)


@pytest.mark.parametrize("data", [
    b"station,tmax\nA,1\nA,2\n",  # no date column
    daily_csv(tmax=warm(250)) + b"".join(f"x{d},1\n".encode() for d in range(10)),  # unreadable dates
    b"date,tmax\n13/01/2020,1\n01/13/2020,2\n",  # day-first and month-first mixed
    b"date,wind\n2020-01-01,1\n2020-01-02,2\n",  # no weather column
])
def test_errors_never_quote_code_syntax(data):
    with pytest.raises(WeatherFileError) as info:
        import_weather(data)
    assert not CODE_SYNTAX.search(str(info.value)), str(info.value)


def test_units_in_words_and_counts_agree_with_their_nouns():
    notes = notes_of(import_weather(daily_csv(tmax=[70 + i for i in range(20)], prcp=[0.1] * 20)))
    assert "rain in inches" in notes and "rain in in:" not in notes
    result = import_weather(b"STATION,DATE,TMAX\nA,2020-01-02,5\nA,2020-01-01,6\n")
    assert "sorted the rows by date (2 rows out of order)" in notes_of(result)
