"""Filling bridges short gaps only (issue 23): a 3-day hole is filled, a 20-year hole is not, the days
left out are counted, and a split made mostly of filled days is refused."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gd_core.data import MAX_FILL_DAYS, fill_missing, make_problem, short_gaps


def _series(days: int, hole: slice, start: str = "1960-01-01") -> pd.DataFrame:
    index = pd.date_range(start, periods=days, freq="D", name="date")
    t = np.arange(days)
    tmax = 15 + 10 * np.sin(2 * np.pi * t / 365.25) + (t * 7919 % 13) / 4  # seasonal, a little noise
    frame = pd.DataFrame({"tmax": tmax, "tmin": tmax - 8}, index=index)
    frame.iloc[hole] = np.nan
    return frame


@pytest.mark.parametrize("how", ["ffill", "interpolate"])
def test_a_three_day_hole_is_filled(how):
    frame = _series(100, slice(40, 43))
    filled = fill_missing(frame, how, MAX_FILL_DAYS)
    assert filled.notna().all().all()
    if how == "ffill":
        assert (filled["tmax"].iloc[40:43] == frame["tmax"].iloc[39]).all()
    else:  # on the straight line between the neighbours
        step = (frame["tmax"].iloc[43] - frame["tmax"].iloc[39]) / 4
        assert filled["tmax"].iloc[41] == pytest.approx(frame["tmax"].iloc[39] + 2 * step)


@pytest.mark.parametrize("how", ["ffill", "interpolate"])
def test_a_twenty_year_hole_is_not_filled(how):
    hole = slice(400, 400 + 7305)  # 20 years of -9999 read as gaps
    frame = _series(400 + 7305 + 4000, hole)
    filled = fill_missing(frame, how, MAX_FILL_DAYS)
    assert filled["tmax"].iloc[hole].isna().all() and filled["tmin"].iloc[hole].isna().all()
    assert filled.iloc[:400].notna().all().all() and filled.iloc[400 + 7305:].notna().all().all()
    problem = make_problem(frame, ["tmax", "tmin"], "tmax_tomorrow", fill=how, max_fill_days=MAX_FILL_DAYS)
    assert problem.notes == ("7,305 days in gaps longer than 7 days left out, not filled: the series is "
                             "split there",)
    n = len(problem.train.y) + len(problem.valid.y) + len(problem.test.y)
    assert n == 400 + 4000 - 2  # the day before the hole and the last day have no tomorrow
    baseline = np.mean((problem.test.today - problem.test.y) ** 2)
    assert baseline > 0.5  # tomorrow = today is not perfect: nothing was carried forward for years


def test_the_limit_counts_calendar_days_not_rows():
    frame = _series(60, slice(20, 22))
    frame = frame.drop(frame.index[22:30])  # 8 absent days right after the two missing values
    assert not short_gaps(frame["tmax"]).any()  # the gap spans 10 calendar days
    assert fill_missing(frame, "ffill", MAX_FILL_DAYS)["tmax"].isna().sum() == 2
    edge = _series(60, slice(20, 20 + MAX_FILL_DAYS))
    assert short_gaps(edge["tmax"]).sum() == MAX_FILL_DAYS  # exactly the limit: filled
    assert not short_gaps(_series(60, slice(20, 21 + MAX_FILL_DAYS))["tmax"]).any()


def test_a_gap_at_the_start_is_never_filled_and_one_at_the_end_only_when_short():
    frame = _series(50, slice(0, 3))
    assert fill_missing(frame, "ffill", MAX_FILL_DAYS)["tmax"].iloc[:3].isna().all()
    assert fill_missing(_series(50, slice(45, 50)), "ffill", MAX_FILL_DAYS)["tmax"].notna().all()
    assert fill_missing(_series(60, slice(45, 60)), "ffill", MAX_FILL_DAYS)["tmax"].iloc[45:].isna().all()


def test_a_split_mostly_filled_is_refused():
    frame = _series(200, slice(0, 0))
    frame.iloc[150:200:8] = np.nan  # one day in 8 missing at the end: each gap is short, so filled
    frame.iloc[171:200] = np.nan
    frame.iloc[171:200:7] = 20.0  # known values every 7th day: every gap bridged
    for limit in (None, MAX_FILL_DAYS):
        with pytest.raises(ValueError, match="test days are mostly forward-filled"):
            make_problem(frame, ["tmax"], "tmax_tomorrow", max_fill_days=limit)
    problem = make_problem(frame, ["tmax"], "tmax_tomorrow", fill="drop")  # the way out it names
    assert len(problem.test.y) > 0


def test_without_a_limit_the_tutorials_fill_is_kept_and_said():
    hole = slice(400, 400 + 7305)
    frame = _series(400 + 7305 + 4000, hole)
    assert fill_missing(frame, "ffill").equals(frame.ffill())  # the tutorial's own line
    problem = make_problem(frame, ["tmax", "tmin"], "tmax_tomorrow")
    assert problem.notes and "7,305 days filled across gaps longer than 7 days" in problem.notes[0]


def test_cli_max_fill_days_leaves_the_long_gap_out(tmp_path, capsys):
    import json

    from gd_core.cli import main

    frame = _series(400 + 7305 + 4000, slice(400, 400 + 7305))
    path = tmp_path / "hole.csv"
    frame.to_csv(path, na_rep="-9999")
    assert main(["fit", str(path), "--predictors", "tmax", "--epochs", "5", "--json",
                 "--max-fill-days", "7"]) == 0
    bounded = json.loads(capsys.readouterr().out)
    assert main(["fit", str(path), "--predictors", "tmax", "--epochs", "5", "--json"]) == 0
    unbounded = json.loads(capsys.readouterr().out)
    assert bounded["baseline"]["test"] > 0.5 and bounded["loss"] != unbounded["loss"]
