"""The Playground's one sentence: does the fit beat "tomorrow = today" on the test days?"""

from __future__ import annotations

import math

from conftest import REPO, numbers
from streamlit.testing.v1 import AppTest

from gd_ui.verdict import baseline_sentence


def test_the_sentence_says_beats_or_not_with_the_numbers():
    assert baseline_sentence(8.0, 10.0, 1234) == (
        "On the 1,234 test days the fit's error (MSE 8) is 20 % lower than “tomorrow = today” (MSE 10): "
        "it beats the baseline.")
    worse = baseline_sentence(15.0, 10.0, 1)
    assert worse.startswith("On the 1 test day ") and "50 % higher" in worse and "does not beat" in worse
    assert "equals" in baseline_sentence(10.0, 10.0, 5)
    assert "diverged" in baseline_sentence(math.inf, 10.0, 5)
    assert "does not beat" in baseline_sentence(0.1, 0.0, 5)
    assert baseline_sentence(8.0, None, 5) is None


def test_the_playground_shows_it_with_the_tables_numbers():
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60).run()
    assert not at.exception
    table = numbers(at)
    fit, base = float(table.loc["test MSE", "descent"]), float(table.loc["test MSE", "baseline"])
    said = [m.value for m in at.markdown if "“tomorrow = today” (MSE" in m.value]
    assert len(said) == 1 and ("it beats the baseline" in said[0]) == (fit < base)
    assert f"(MSE {base:.4g})" in said[0]


def test_a_far_worse_fit_says_how_many_times_not_a_huge_percentage():
    assert "12 times as high as “tomorrow = today”" in baseline_sentence(120.0, 10.0, 5)
    huge = baseline_sentence(4.3709e14, 8.58, 219)
    assert "5.09e+13 times as high as" in huge and "%" not in huge
    assert "899 % higher" in baseline_sentence(99.9, 10.0, 5)  # under 10×: still a percentage
