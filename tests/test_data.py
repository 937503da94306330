"""Reading weather files and building the chronological problem: targets, gaps, splits, fills, errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gd_core.data import (
    FILL_STRATEGIES,
    MIN_ROWS,
    add_tomorrow,
    fill_missing,
    make_problem,
    read_weather_csv,
    split_points,
)

DATA = Path(__file__).resolve().parents[1] / "data"


def frame_on(dates, **columns) -> pd.DataFrame:
    return pd.DataFrame({k: np.asarray(v, dtype=float) for k, v in columns.items()},
                        index=pd.DatetimeIndex(pd.to_datetime(dates), name="date"))


def days(start: str, n: int) -> list[pd.Timestamp]:
    return list(pd.date_range(start, periods=n, freq="D"))


def all_rows(problem):
    """Dates, x, y of the whole problem, splits joined in order."""
    parts = (problem.train, problem.valid, problem.test)
    return (pd.DatetimeIndex(np.concatenate([p.dates for p in parts])),
            np.concatenate([p.x for p in parts]), np.concatenate([p.y for p in parts]))


# --- reading --------------------------------------------------------------------------------------

def test_reads_the_tutorials_layout(tmp_path):
    path = tmp_path / "tutorial.csv"
    path.write_text(",tmax,tmin,rain,tmax_tomorrow\n"
                    "1970-01-02,52.0,39.0,0.0,52.0\n"  # out of order on purpose
                    "1970-01-01,60.0,35.0,0.0,52.0\n"
                    "1970-01-03,52,35,0.01,53\n")
    frame = read_weather_csv(path)
    assert list(frame.columns) == ["tmax", "tmin", "rain", "tmax_tomorrow"]
    assert isinstance(frame.index, pd.DatetimeIndex) and frame.index.name == "date"
    assert list(frame.index) == list(pd.to_datetime(["1970-01-01", "1970-01-02", "1970-01-03"]))
    assert all(dtype == np.float64 for dtype in frame.dtypes)
    assert frame.loc["1970-01-01", "tmax"] == 60.0 and frame.loc["1970-01-03", "rain"] == 0.01


def test_reads_a_tidy_csv_with_missing_values(tmp_path):
    path = tmp_path / "tidy.csv"
    path.write_text("date,tmax,tmin\n2012-01-01,12.8,5.0\n2012-01-02,,2.8\n2012-01-04,11.7,7.2\n")
    frame = read_weather_csv(path)
    assert frame.index.name == "date" and list(frame.columns) == ["tmax", "tmin"]
    assert np.isnan(frame.loc["2012-01-02", "tmax"])
    assert len(frame) == 3  # the gap on 2012-01-03 stays a gap


def test_non_numeric_values_in_a_file_are_an_error(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("date,tmax\n2012-01-01,12.8\n2012-01-02,warm\n")
    with pytest.raises(ValueError, match="warm"):
        read_weather_csv(path)


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("*.csv")))
def test_bundled_files_read_and_pair_only_consecutive_days(name):
    frame = read_weather_csv(DATA / name)
    assert frame.index.is_monotonic_increasing and frame.index.is_unique
    problem = make_problem(frame, ["tmax"], "tmax_tomorrow")
    dates, _, y = all_rows(problem)
    np.testing.assert_array_equal(y, frame["tmax"].ffill().loc[dates + pd.Timedelta(days=1)].to_numpy())


# --- targets by calendar day ----------------------------------------------------------------------

def gap_frame():
    """Ten days with 1970-01-06 and 1970-01-07 missing."""
    dates = days("1970-01-01", 5) + days("1970-01-08", 12)
    tmax = np.arange(len(dates), dtype=float) * 1.5 + 10
    return frame_on(dates, tmax=tmax, tmin=tmax - 5)


def test_add_tomorrow_never_pairs_across_a_gap():
    frame = gap_frame()
    out = add_tomorrow(frame, "tmax")
    assert np.isnan(out.loc["1970-01-05", "tmax_tomorrow"])  # its next calendar day is missing
    assert out.loc["1970-01-04", "tmax_tomorrow"] == frame.loc["1970-01-05", "tmax"]
    assert out.loc["1970-01-08", "tmax_tomorrow"] == frame.loc["1970-01-09", "tmax"]
    assert np.isnan(out["tmax_tomorrow"].iloc[-1])
    for date, value in out["tmax_tomorrow"].dropna().items():
        assert value == frame.loc[date + pd.Timedelta(days=1), "tmax"]


def test_make_problem_drops_the_day_before_a_gap():
    frame = gap_frame()
    problem = make_problem(frame, ["tmax", "tmin"], "tmax_tomorrow")
    dates, x, y = all_rows(problem)
    assert pd.Timestamp("1970-01-05") not in dates
    assert pd.Timestamp(frame.index[-1]) not in dates
    assert len(dates) == len(frame) - 2
    for date, row, target in zip(dates, x, y):
        assert target == frame.loc[date + pd.Timedelta(days=1), "tmax"]
        np.testing.assert_array_equal(row, frame.loc[date, ["tmax", "tmin"]].to_numpy())
    assert problem.valid.today is not None
    np.testing.assert_array_equal(problem.valid.today, problem.valid.x[:, 0])


def test_an_existing_target_column_is_used_as_it_is():
    frame = gap_frame()
    frame["tmax_tomorrow"] = np.random.default_rng(0).normal(size=len(frame))  # deliberately not tmax
    problem = make_problem(frame, ["tmax", "tmin"], "tmax_tomorrow")
    dates, _, y = all_rows(problem)
    assert list(dates) == list(frame.index)  # nothing dropped, not even across the gap
    np.testing.assert_array_equal(y, frame["tmax_tomorrow"].to_numpy())


# --- chronological split --------------------------------------------------------------------------

@pytest.mark.parametrize("n", [10, 11, 13, 20, 99, 100, 13_509])
def test_split_points(n):
    assert split_points(n) == (int(0.7 * n), int(0.85 * n))


@pytest.mark.parametrize("n", [10, 17, 101])
def test_make_problem_splits_in_time_order(n):
    dates = days("2000-01-01", n + 1)
    tmax = np.random.default_rng(n).normal(size=n + 1)
    problem = make_problem(frame_on(dates, tmax=tmax), ["tmax"], "tmax_tomorrow")
    a, b = int(0.7 * n), int(0.85 * n)
    assert (len(problem.train.y), len(problem.valid.y), len(problem.test.y)) == (a, b - a, n - b)
    joined, x, y = all_rows(problem)
    assert list(joined) == dates[:n]  # chronological, no shuffle
    np.testing.assert_array_equal(x[:, 0], tmax[:n])
    np.testing.assert_array_equal(y, tmax[1:])
    assert problem.n_features == 1 and problem.predictors == ("tmax",)


def test_an_unsorted_frame_is_split_in_time_order():
    dates = days("2000-01-01", 40)
    frame = frame_on(dates, tmax=np.random.default_rng(1).normal(size=40))
    shuffled = frame.sample(frac=1.0, random_state=np.random.RandomState(2))
    ordered, mixed = (make_problem(f, ["tmax"], "tmax_tomorrow") for f in (frame, shuffled))
    for name in ("train", "valid", "test"):
        np.testing.assert_array_equal(getattr(mixed, name).dates, getattr(ordered, name).dates)
        np.testing.assert_array_equal(getattr(mixed, name).y, getattr(ordered, name).y)


# --- missing values -------------------------------------------------------------------------------

def test_fill_strategies():
    dates = pd.to_datetime(["2000-01-01", "2000-01-02", "2000-01-03", "2000-01-06", "2000-01-07"])
    frame = frame_on(dates, tmax=[np.nan, 2.0, np.nan, 8.0, 9.0], tmin=[1.0, 1.0, 1.0, 1.0, 1.0])
    ffilled = fill_missing(frame, "ffill")
    np.testing.assert_array_equal(ffilled["tmax"], [np.nan, 2.0, 2.0, 8.0, 9.0])
    dropped = fill_missing(frame, "drop")
    assert list(dropped.index) == list(dates[[1, 3, 4]])
    interpolated = fill_missing(frame, "interpolate")
    # linear in *time*: 2000-01-03 is 1 day of the 4 between 2 (on the 2nd) and 8 (on the 6th)
    assert interpolated.loc["2000-01-03", "tmax"] == pytest.approx(2.0 + (8.0 - 2.0) / 4)
    assert np.isnan(interpolated.loc["2000-01-01", "tmax"])  # nothing to interpolate from
    assert set(FILL_STRATEGIES) == {"ffill", "drop", "interpolate"}
    with pytest.raises(ValueError, match="ffill"):
        fill_missing(frame, "mean")


def test_fill_happens_before_targets_are_built():
    dates = days("2000-01-01", 14)
    tmax = np.arange(14, dtype=float)
    tmax[3] = np.nan
    frame = frame_on(dates, tmax=tmax)
    ffill = make_problem(frame, ["tmax"], "tmax_tomorrow", fill="ffill")
    got = dict(zip(all_rows(ffill)[0], all_rows(ffill)[2]))
    assert got[pd.Timestamp("2000-01-03")] == 2.0  # tomorrow (the 4th) was filled from the 3rd
    drop = make_problem(frame, ["tmax"], "tmax_tomorrow", fill="drop")
    kept = all_rows(drop)[0]
    # the 4th is gone, so the 3rd has no tomorrow any more: both leave the problem
    assert pd.Timestamp("2000-01-03") not in kept and pd.Timestamp("2000-01-04") not in kept
    assert len(kept) == 14 - 3


def test_leading_missing_values_are_dropped():
    dates = days("2000-01-01", 15)
    tmax = np.arange(15, dtype=float)
    tmax[:2] = np.nan
    problem = make_problem(frame_on(dates, tmax=tmax), ["tmax"], "tmax_tomorrow")
    assert all_rows(problem)[0][0] == pd.Timestamp("2000-01-03")


# --- errors, validated at the boundary ------------------------------------------------------------

def small_frame(n=20, **extra):
    return frame_on(days("2000-01-01", n), tmax=np.arange(n) * 1.0, tmin=np.arange(n) * 0.5, **extra)


def test_unknown_column_is_named():
    with pytest.raises(ValueError, match=r"'wind'.*tmax, tmin"):
        make_problem(small_frame(), ["tmax", "wind"], "tmax_tomorrow")
    with pytest.raises(ValueError, match="'snow'"):
        make_problem(small_frame(), ["tmax"], "snow_tomorrow")
    with pytest.raises(ValueError, match="'snow'"):
        make_problem(small_frame(), ["tmax"], "snow")


def test_non_numeric_column_is_named():
    frame = small_frame()
    frame["tmin"] = frame["tmin"].astype(str)
    with pytest.raises(ValueError, match="'tmin' is not numeric"):
        make_problem(frame, ["tmax", "tmin"], "tmax_tomorrow")


def test_infinite_values_are_refused():
    frame = small_frame()
    frame.iloc[4, 1] = np.inf
    with pytest.raises(ValueError, match="infinite"):
        make_problem(frame, ["tmax", "tmin"], "tmax_tomorrow")


def test_too_few_rows():
    # MIN_ROWS + 1 days give MIN_ROWS usable rows (the last day has no tomorrow)
    make_problem(small_frame(MIN_ROWS + 1), ["tmax"], "tmax_tomorrow")
    with pytest.raises(ValueError, match=f"only {MIN_ROWS - 1} usable rows"):
        make_problem(small_frame(MIN_ROWS), ["tmax"], "tmax_tomorrow")


def test_predictors_must_be_given_once():
    with pytest.raises(ValueError, match="no predictors"):
        make_problem(small_frame(), [], "tmax_tomorrow")
    with pytest.raises(ValueError, match="repeat"):
        make_problem(small_frame(), ["tmax", "tmax"], "tmax_tomorrow")


def test_drop_strategy_ignores_gaps_in_unused_columns():
    days = pd.date_range("2021-01-01", periods=30, name="date")
    frame = pd.DataFrame({"tmax": np.arange(30.0) % 7 + 10, "tmin": np.arange(30.0) % 5,
                          "wind": np.where(np.arange(30) % 3 == 0, np.nan, 1.0)}, index=days)
    p = make_problem(frame, ["tmax"], "tmax_tomorrow", fill="drop")
    assert len(p.train.y) + len(p.valid.y) + len(p.test.y) == 29  # every day but the last


# --- values the solver cannot square, and columns without values (hardening 2b, 2c) ----------------

@pytest.mark.parametrize("value", [1.3e154, 1e308, -1e308, 1e200])
@pytest.mark.parametrize("column", ["tmax", "tmin"])
def test_values_whose_squares_overflow_are_refused_naming_the_column(column, value):
    frame = small_frame(30)
    frame.loc[frame.index[5], column] = value
    with pytest.raises(ValueError, match=rf"column '{column}' has values too large to compute with"):
        make_problem(frame, ["tmax", "tmin"], "tmax_tomorrow")


def test_a_target_column_too_large_is_named():
    frame = small_frame(30, tmax_tomorrow=np.full(30, 2e160))
    with pytest.raises(ValueError, match="'tmax_tomorrow' has values too large"):
        make_problem(frame, ["tmin"], "tmax_tomorrow")


def test_large_but_representable_values_still_make_a_problem():
    frame = small_frame(30)
    frame.loc[frame.index[5], "tmin"] = 1e100  # absurd as weather, harmless to float64 sums
    assert make_problem(frame, ["tmax", "tmin"], "tmax_tomorrow").n_features == 2


def test_an_all_empty_column_is_named_not_reported_as_too_few_rows():
    frame = small_frame(30, rain=np.full(30, np.nan))
    with pytest.raises(ValueError, match=r"^rain has no values .* a predictor"):
        make_problem(frame, ["tmax", "rain"], "tmax_tomorrow")
    frame["tmax"] = np.nan
    with pytest.raises(ValueError, match=r"^tmax has no values .* the target"):
        make_problem(frame, ["tmin"], "tmax_tomorrow")


def test_infinite_values_are_named_by_column():
    frame = small_frame()
    frame.iloc[4, 1] = -np.inf
    with pytest.raises(ValueError, match="column 'tmin' contains infinite values"):
        make_problem(frame, ["tmax", "tmin"], "tmax_tomorrow")
