"""One plain sentence under the Playground's numbers: does the fit beat "tomorrow = today" on the test days?

Pure Python (no Streamlit), so the status and layout owners can place it wherever they like.
"""

from __future__ import annotations

import math

from gd_ui.formats import count


def baseline_sentence(test_mse: float, baseline_mse: float | None, test_days: int) -> str | None:
    """'On the 4,969 test days the fit's error (MSE 11.2) is 19 % lower than "tomorrow = today" (MSE 13.9):
    it beats the baseline.' None when the target has no "today" to compare with."""
    if baseline_mse is None or test_days < 1:
        return None
    days = f"On the {count(test_days, 'test day')}"
    if not math.isfinite(test_mse):
        return (f"{days} the fit has no finite error (the run diverged), so it does not beat "
                "“tomorrow = today”.")
    fit, base = f"(MSE {test_mse:.4g})", f"(MSE {baseline_mse:.4g})"
    if baseline_mse > 0 and test_mse < baseline_mse:
        better = (1 - test_mse / baseline_mse) * 100
        return (f"{days} the fit's error {fit} is {better:.0f} % lower than “tomorrow = today” {base}: "
                "it beats the baseline.")
    if test_mse == baseline_mse:
        return (f"{days} the fit's error {fit} equals “tomorrow = today” {base}: it does not beat the "
                "baseline.")
    ratio = test_mse / baseline_mse if baseline_mse > 0 else math.inf
    if not math.isfinite(ratio):
        how = "higher than"
    elif ratio >= 10:  # a diverging run: "5094135094347720 % higher" says less than this
        how = f"{ratio:.0f} times as high as" if ratio < 1000 else f"{ratio:.3g} times as high as"
    else:
        how = f"{(ratio - 1) * 100:.0f} % higher than"
    return (f"{days} the fit's error {fit} is {how} “tomorrow = today” {base}: it does not beat the "
            "baseline yet.")


def run_sentence(exp, history) -> str | None:
    """The sentence for an experiment and a run (its final parameters, on the test split)."""
    test = exp.losses(history.final_weights, history.final_bias)["test"]
    base = (exp.baseline or {}).get("test")
    return baseline_sentence(float(test), base, len(exp.problem.test.y))
