"""Property-based fuzzing: mutated real export files give a result or a WeatherFileError, never a crash.

Mutations are the damage files suffer in the wild: flipped bytes, truncation, lost or repeated
lines, stray insertions, and the extremes a careless export writes (1e308, -1e308, 1.3e154, negative
rain, a huge header). The importer may refuse the result, but only with its own error type and a
message; an internal failure (caught and labelled "unexpectedly") counts as a bug here. A result's
values are finite and within physical bounds, and building the lab's problem from it either works
or raises a ``ValueError`` with a message: never another exception, never a warning.
"""

from __future__ import annotations

import warnings

import importer_fixtures as fx
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gd_core.data import make_problem
from gd_core.importer import ImportResult, WeatherFileError, import_weather

NAMES = sorted(fx.FIXTURES)
SNIPPETS = [b",", b";", b"\t", b'"', b"\n", b"\r\n", b"\n\n", b"-9999", b"T", b"M", b"inf", b"1e309", b"NaN",
            b"\xef\xbb\xbf", b"\xb0", b"\xff", b"\x00", b"2020-13-45", b"31.02.2020", b"<31", b"=cmd()",
            b"TMAX", b"date", b"  ", b"9" * 40, b"1e308", b"-1e308", b"1.3e154", b"-5", b"-0.3",
            b"1650-01-01", b"9999-12-31", b",x" * 50]
# The physical bounds, written out again here as the oracle (gd_core.importer.bounds documents them).
TEMPERATURE = {"C": (-90.0, 60.0), "F": (-130.0, 140.0)}
RAIN = {"mm": (0.0, 2000.0), "in": (0.0, 80.0)}


@pytest.fixture(scope="module")
def originals(tmp_path_factory) -> dict[str, tuple[str, bytes]]:
    folder = tmp_path_factory.mktemp("fuzz")
    return {name: (path.name, path.read_bytes()) for name, path in
            ((name, writer(folder)) for name, writer in fx.FIXTURES.items())}


def _apply(data: bytes, mutation: tuple) -> bytes:
    kind, a, b = mutation
    if not data:
        return data + (b if isinstance(b, bytes) else b"")
    if kind == "flip":
        i = a % len(data)
        return data[:i] + bytes([b % 256]) + data[i + 1:]
    if kind == "truncate":
        return data[: a % (len(data) + 1)]
    if kind == "insert":
        i = a % (len(data) + 1)
        return data[:i] + b + data[i:]
    lines = data.split(b"\n")
    i = a % len(lines)
    if kind == "delete_line":
        return b"\n".join(lines[:i] + lines[i + 1:])
    if kind == "duplicate_line":
        return b"\n".join(lines[: i + 1] + [lines[i]] * (1 + b % 3) + lines[i + 1:])
    if kind == "swap_lines":
        j = b % len(lines)
        lines[i], lines[j] = lines[j], lines[i]
        return b"\n".join(lines)
    raise AssertionError(kind)


_index = st.integers(min_value=0, max_value=10**6)
mutations = st.one_of(
    st.tuples(st.just("flip"), _index, st.integers(0, 255)),
    st.tuples(st.just("truncate"), _index, st.none()),
    st.tuples(st.just("insert"), _index, st.one_of(st.sampled_from(SNIPPETS), st.binary(max_size=12))),
    st.tuples(st.just("delete_line"), _index, st.none()),
    st.tuples(st.just("duplicate_line"), _index, st.integers(0, 10)),
    st.tuples(st.just("swap_lines"), _index, _index),
)


def _bounds(column: str, units: dict) -> tuple[float, float]:
    role = column.removesuffix("_tomorrow")
    if role in ("tmax", "tmin"):
        return TEMPERATURE.get(units["temperature"], (-130.0, 140.0))
    if role == "rain":
        return RAIN.get(units["rain"], (0.0, 2000.0))
    return -1e9, 1e9


def _check_problem(frame: pd.DataFrame) -> None:
    """``make_problem`` on an accepted frame: a problem, or a ValueError with a message; no warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            make_problem(frame, ("tmax",), "tmax_tomorrow")
        except ValueError as exc:
            assert str(exc).strip()


def _check(outcome) -> None:
    if isinstance(outcome, WeatherFileError):
        message = str(outcome)
        assert message.strip(), "a WeatherFileError must carry a message"
        assert "unexpectedly" not in message, message
        assert len(message) < 1_000, message
        return
    assert isinstance(outcome, ImportResult)
    frame = outcome.frame
    assert isinstance(frame.index, pd.DatetimeIndex) and frame.index.name == "date"
    assert frame.index.is_monotonic_increasing and frame.index.is_unique and len(frame) >= 2
    assert all(dtype == np.float64 for dtype in frame.dtypes)
    assert not np.isinf(frame.to_numpy()).any()
    for column in frame:
        low, high = _bounds(column, outcome.report.units)
        values = frame[column].dropna()
        assert ((values >= low) & (values <= high)).all(), (column, values.min(), values.max())
    assert outcome.report.rows == len(frame)
    _check_problem(frame)


@settings(max_examples=200, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(NAMES), steps=st.lists(mutations, min_size=1, max_size=4))
def test_mutated_exports_import_or_fail_cleanly(originals, name, steps):
    filename, data = originals[name]
    for step in steps:
        data = _apply(data, step)
    try:
        outcome = import_weather(data, filename=filename)
    except WeatherFileError as exc:
        outcome = exc
    _check(outcome)


@settings(max_examples=60, deadline=None, database=None)
@given(data=st.binary(max_size=400))
def test_random_bytes_import_or_fail_cleanly(data):
    try:
        outcome = import_weather(data, filename="random.csv")
    except WeatherFileError as exc:
        outcome = exc
    _check(outcome)


EXTREMES = ["1e308", "-1e308", "1.3e154", "-1.3e154", "1e-308", "-5", "-0.1", "2500", "150", "-95", "0",
            "", "NaN", "-9999", "T", "M"]
cells = st.one_of(st.sampled_from(EXTREMES),
                  st.floats(allow_nan=False, allow_infinity=False).map(repr),
                  st.floats(min_value=-40, max_value=45).map(lambda v: f"{v:.1f}"))
HEADERS = {"tidy": ("tmax", "tmin", "rain"), "noaa": ("TMAX", "TMIN", "PRCP"),
           "canada": ("Max Temp (°C)", "Min Temp (°C)", "Total Precip (mm)"),
           "wunderground": ("Max TemperatureF", "Min TemperatureF", "PrecipitationIn")}


@settings(max_examples=150, deadline=None, database=None)
@given(layout=st.sampled_from(sorted(HEADERS)), n_days=st.integers(2, 40),
       extra_columns=st.sampled_from([0, 3, 1_999, 2_001]), data=st.data())
def test_extreme_values_import_within_bounds_or_fail_cleanly(layout, n_days, extra_columns, data):
    rows = data.draw(st.lists(st.tuples(cells, cells, cells), min_size=n_days, max_size=n_days))
    extra = [f"x{i}" for i in range(extra_columns)]
    lines = [",".join(["date", *HEADERS[layout], *extra])]
    days = pd.date_range("2001-01-01", periods=n_days).strftime("%Y-%m-%d")
    lines += [",".join([day, *row, *["1"] * extra_columns]) for day, row in zip(days, rows)]
    try:
        outcome = import_weather(("\n".join(lines) + "\n").encode(), filename=f"{layout}.csv")
    except WeatherFileError as exc:
        outcome = exc
    _check(outcome)


@pytest.mark.parametrize("name", NAMES)
def test_unmutated_fixtures_import(originals, name):
    filename, data = originals[name]
    _check(import_weather(data, filename=filename))
