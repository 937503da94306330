"""The status in plain words: the verdict names the regime (crawl, converge, oscillate, diverge) at
0.01×, 0.5×, 0.95×, 1.05× and 10× the critical rate of both bundled datasets, before any number."""

from __future__ import annotations

import re

import numpy as np
import pytest
from conftest import experiment_of

from gd_core.model import init_tutorial
from gd_ui import presets
from gd_ui.status import HEADLINE, MAX_VERDICT_CHARS, REGIMES, regime, run_status

CASES = [(0.01, "crawl"), (0.5, "converge"), (0.95, "oscillate"), (1.05, "diverge"), (10.0, "diverge")]
JARGON = re.compile(r"η|λ|ηλ|\|1 −|MSE|epoch|critical|optimum|\d\.\d+e", re.I)


@pytest.mark.parametrize("key, predictors", [("seattle", ("tmax",)), ("clemson", ("tmax", "tmin"))])
@pytest.mark.parametrize("multiple, expected", CASES)
@pytest.mark.parametrize("epochs", [1_000, 10_000])
def test_the_verdict_names_the_regime_in_plain_words(key, predictors, multiple, expected, epochs):
    exp = experiment_of(key, predictors)
    w0, b0 = init_tutorial(len(predictors))
    history = exp.run(w0, b0, lr=multiple * exp.theory.critical_lr, epochs=epochs)
    status = run_status(history, exp.theory, exp.optimum.train)
    assert status.regime == expected == regime(history, exp.theory)
    first = status.verdict.split(":")[0]
    assert first in (HEADLINE[expected], "Small steps, but enough of them", f"{HEADLINE[expected]}, but not "
                     "enough steps yet")
    assert not JARGON.search(status.verdict), status.verdict  # the numbers come second
    assert len(status.verdict) <= MAX_VERDICT_CHARS
    assert status.numbers.startswith("Why, in numbers: η·λmax = ")
    s = float(re.search(r"η·λmax = ([\d.e+-]+)", status.numbers).group(1))
    assert s == pytest.approx(2 * multiple, rel=2e-3)
    assert status.kind == ("diverged" if expected == "diverge" else status.kind)
    if expected == "diverge" and history.diverged:
        assert "explodes" in status.verdict and f"epoch {history.diverged_at:,}" in status.numbers


def test_a_schedule_plugs_in_through_its_rates():
    """The verdict reads every step the run took: a schedule that starts past 1/λmax zig-zags, one that
    stays under 0.1/λmax crawls, one that ends past 2/λmax grows — whatever the history's own rate."""
    exp = experiment_of("seattle", ("tmax",))
    lam = exp.theory.lambda_max
    w0, b0 = init_tutorial(1)
    history = exp.run(w0, b0, lr=0.5 / lam, epochs=1_000)
    assert regime(history, exp.theory) == "converge"
    assert regime(history, exp.theory, np.full(1_000, 0.5 / lam)) == "converge"
    assert regime(history, exp.theory, np.geomspace(1.5, 0.2, 1_000) / lam) == "oscillate"
    assert regime(history, exp.theory, np.geomspace(0.05, 0.001, 1_000) / lam) == "crawl"
    assert regime(history, exp.theory, np.linspace(0.5, 2.5, 1_000) / lam) == "diverge"
    # a schedule that starts past 2 and decays back in time (no divergence): it overshot, then settled
    assert regime(history, exp.theory, np.geomspace(2.3, 0.5, 1_000) / lam) == "oscillate"
    status = run_status(history, exp.theory, exp.optimum.train, np.geomspace(1.5, 0.2, 1_000) / lam)
    assert status.regime == "oscillate" and status.verdict.startswith(HEADLINE["oscillate"])


def test_every_verdict_fits_two_projector_lines_with_a_reveal():
    """The longest verdict with the longest reveal before it stays within the status box's two lines."""
    exp = experiment_of("clemson", ("tmax", "tmin"))
    w0, b0 = init_tutorial(2)
    longest = 0
    for multiple in (0.001, 0.01, 0.05, 0.3, 0.5, 0.8, 0.95, 0.999, 1.05, 3.0):
        for epochs in (1, 10, 100_000, 1_000_000):
            h = exp.run(w0, b0, lr=multiple * exp.theory.critical_lr, epochs=epochs)
            longest = max(longest, len(run_status(h, exp.theory, exp.optimum.train).verdict))
    reveal = max(len(presets.reveal_words(g, r)[1]) for g in presets.GUESSES for r in REGIMES)
    assert longest + 1 + reveal <= 200


def test_the_poll_reveal_and_the_predict_first_reveal_lead_with_plain_words():
    from gd_poll import ANSWERS
    from gd_ui import poll_view

    exp = experiment_of("seattle", ("tmax",))
    for answer, lr in zip(ANSWERS, (0.01, 0.5, 0.95, 1.05)):
        for theory in (exp.theory, None):
            text = poll_view.outcome_sentence(answer, lr * exp.theory.critical_lr, theory)
            words, numbers = text.split(" Why, in numbers: ")
            assert words.startswith(f"Gradient descent {ANSWERS[answer]}: ") and not JARGON.search(words)
            assert "η·λmax" in numbers
    for guess in presets.GUESSES:
        for what in REGIMES:
            right, text = presets.reveal_words(guess, what)
            assert right == (guess == what) and not JARGON.search(text)
