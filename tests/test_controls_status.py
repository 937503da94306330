"""Slider option lists and the status sentence: pure functions behind the sidebar."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gd_core.descent import History
from gd_core.theory import Theory
from gd_ui import controls
from gd_ui.status import run_status, share_of_way


@pytest.mark.parametrize("critical", [2.9e-4, 6.1e-3, 1.03, 2.0])
def test_lr_options_span_a_thousandth_to_ten_times_critical(critical):
    options = controls.lr_options(critical)
    values = [float(o) for o in options]
    assert values == sorted(values) and len(set(options)) == len(options)
    assert values[0] <= critical / 1000 * 1.0001 and values[-1] >= critical * 10 * 0.9999
    ratios = np.diff(np.log10(values))
    assert ratios.max() < 0.065  # at most ~16 % apart (2 significant digits): fine near critical
    assert all(o == f"{float(o):.1e}" for o in options)  # scientific notation


def test_presets_and_links_stay_on_their_side_of_critical():
    critical = 2.9006e-4
    lam = 2 / critical
    options = controls.lr_options(critical, (1.9 / lam, 2.1 / lam))
    assert any(critical * 0.94 < float(o) < critical for o in options)
    assert any(critical < float(o) < critical * 1.06 for o in options)
    linked = controls.lr_options(critical, (), "3.0457e-04")
    assert "3.0457e-04" in linked
    assert "nonsense" not in controls.lr_options(critical, (), "nonsense")
    assert "1e+03" not in controls.lr_options(critical, (), "1e+03")  # out of range


def test_nearest_and_parse_rate():
    options = controls.lr_options(1e-3)
    assert controls.nearest(options, 1.04e-3) == "1.0e-03"
    assert controls.parse_rate("2e-4") == 2e-4
    for bad in ("", None, "x", "-1", "0", "inf", "nan"):
        assert controls.parse_rate(bad) is None
    assert controls.EPOCH_STEPS[0] == 1 and controls.EPOCH_STEPS[-1] == 1_000_000
    assert list(controls.EPOCH_STEPS) == sorted(set(controls.EPOCH_STEPS))


def history(losses, lr=0.1, diverged_at=None):
    m = len(losses)
    return History(np.arange(m), np.zeros((m, 1)), np.zeros(m), np.asarray(losses, float),
                   np.asarray(losses, float), np.zeros((m, 1)), np.zeros(m), lr, m - 1, diverged_at)


THEORY = Theory(np.array([0.5, 10.0]), 0.2, 2 / 10.5, 20.0)


def test_status_converged_descending_diverged():
    s = run_status(history([100, 10, 1.0009]), THEORY, optimum_loss=1.0)
    assert s.kind == "converged" and "reached the best fit" in s.verdict
    s = run_status(history([1e6, 1.0]), THEORY, optimum_loss=1e-20)  # 99.9999 % of the way,
    assert s.kind == "descending"  # but the optimum fits perfectly: not converged
    s = run_status(history([100, 50, 40]), THEORY, optimum_loss=1.0)
    assert s.kind == "descending" and s.regime == "converge"  # η·λmax = 1
    assert share_of_way(history([100, 50, 40]), 1.0) == pytest.approx(60 / 99)
    assert "60 % of the way" in s.verdict and "60.6%" in s.numbers
    s = run_status(history([100, 1e5], lr=0.25, diverged_at=2), THEORY, optimum_loss=1.0)
    assert s.kind == "diverged" and s.verdict.startswith("Too big a step")
    text = s.sentence
    assert "at epoch 2 " in text and "2.5e-01" in text and "2.0e-01" in text
    assert f"{abs(1 - 0.25 * 10):.3g}" in text  # |1 − ηλmax| = 1.5
    assert "epoch 1" in text  # the last finite state


def test_epochs_to_shrink_matches_the_slowest_factor():
    eta = 0.1
    slowest = abs(1 - eta * 0.5)
    assert THEORY.epochs_to_shrink(eta, by=100) == pytest.approx(math.log(100) / -math.log(slowest))
    assert THEORY.epochs_to_shrink(0.25) == math.inf


def test_rates_are_spelled_with_the_digits_they_need():
    from gd_ui.formats import rate

    assert rate(2.4e-3) == "2.4e-03"
    assert rate(6.44e-3) == "6.44e-03"
    assert rate(6.1334e-3) == "6.133e-03"
    assert rate(0.2) == "2.0e-01"


def test_share_of_the_way_is_never_rounded_up_to_100():
    from gd_ui.formats import percent

    assert percent(0.5) == "50.0%"
    assert percent(0.99996) == "99.996%"
    assert percent(1.0) == "100.0%"
    s = run_status(history([1e4, 38.31]), THEORY, optimum_loss=37.78)
    assert s.kind == "descending" and "99.9" in s.verdict and "100 %" not in s.verdict
