"""Dates added in issue 23: month names, two-digit years never after today, year + day-of-year."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from gd_core.importer import import_weather
from gd_core.importer.dates import not_after_today


def _csv(dates, header="date,tmax") -> bytes:
    return (header + "\n" + "".join(f"{d},{10 + i % 5}\n" for i, d in enumerate(dates))).encode()


@pytest.mark.parametrize("cells, first", [
    (["01-jan-1986 00:00:00", "02-jan-1986 00:00:00", "03-jan-1986 00:00:00"], "1986-01-01"),
    (["30-Dec-41", "31-Dec-41", "01-Jan-42", "02-Jan-42"], "1941-12-30"),
    (["31-dez-1999", "01-janv.-2000", "02-mrt-2000", "03-ene-2000", "04-gen-2000"], "1999-12-31"),
    (['"Jan 4, 2000"', '"Jan 5, 2000"', '"Feb 1, 2000"'], "2000-01-04"),
])
def test_month_names(cells, first):
    result = import_weather(_csv(cells))
    assert result.report.start == first and result.report.rows == len(cells)


def test_two_digit_years_never_lie_after_today():
    result = import_weather(_csv(["30/12/41", "31/12/41", "01/01/42"]))
    assert list(result.frame.index.year) == [1941, 1941, 1942]
    assert any("two-digit years" in n for n in result.report.notes)
    assert list(import_weather(_csv(["13/06/69", "14/06/69"])).frame.index.year) == [1969, 1969]
    assert list(import_weather(_csv(["13/06/25", "14/06/25"])).frame.index.year) == [2025, 2025]
    custom = import_weather(_csv(["01.01.42", "02.01.68"]), overrides={"date_format": "%d.%m.%y"})
    assert list(custom.frame.index.year) == [1942, 1968]  # a custom %y: 2042 and 2068 before


def test_the_two_digit_rule_is_relative_to_today():
    dates = pd.Series(pd.to_datetime(["2026-12-05", "2026-12-07", "2030-01-01"]))
    moved, _ = not_after_today(dates, True, today=dt.date(2026, 12, 6))
    assert [d.year for d in moved] == [2026, 1926, 1930]
    assert not_after_today(dates, False, today=dt.date(2026, 12, 6))[0].equals(dates)


def test_year_and_day_of_year_columns():
    text = b"YEAR,DOY,tmax\n2020,59,1\n2020,60,2\n2020,61,3\n2020,366,4\n2021,1,5\n"
    result = import_weather(text)
    assert [f"{d:%Y-%m-%d}" for d in result.frame.index] == ["2020-02-28", "2020-02-29", "2020-03-01",
                                                             "2020-12-31", "2021-01-01"]
    assert result.report.date_format == "year + day-of-year columns"
    bad = import_weather(text + b"2021,366,6\n")  # day 366 of a common year: no such day, dropped
    assert bad.report.rows == 5 and any("could not be read" in n for n in bad.report.notes)
