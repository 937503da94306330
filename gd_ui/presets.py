"""Learning-rate presets from the active data's curvature, their links, and "predict, then reveal".

Pure functions (no Streamlit). Every preset is a multiple of ``1/λmax`` (or the optimal rate), so it
means the same thing on any dataset, bundled or uploaded. Zones are ``gd_core.theory``'s, by η·λmax:
crawling < 0.1 ≤ converging ≤ 1 < oscillating ≤ 2 < diverging.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from gd_core.theory import ZONES, Theory
from gd_ui.controls import parse_rate
from gd_ui.formats import plain, sci

ONE_STEP_TOLERANCE = 1e-9  # η·λmax this close to 1 is "exactly 1" (κ = 1): the float noise is not a zone


@dataclass(frozen=True)
class Preset:
    """One learning rate with what it claims. ``spelled`` is the rate as the link writes it (3 or more
    significant digits, chosen so that it falls in ``zone`` exactly like ``lr``); ``zone`` is the core's
    zone of the spelled rate; ``claim`` says in plain words what it will do and why."""

    key: str
    label: str
    lr: float
    spelled: str
    zone: str
    eta_lambda: float
    claim: str


def spell(lr: float, theory: Theory, zone: str, *, boundary: bool = False) -> str:
    """``lr`` in scientific notation with the fewest digits (from 3) whose value lies in ``zone``.

    A rate on a zone boundary (``boundary``: "just right" is 1/λmax itself) is cut towards the slower
    side at four digits; any other is rounded, or — when no rounding stays in the zone (float noise
    at a boundary) — cut towards the slower side at six digits. A link never lands on the other side.
    """
    exponent = math.floor(math.log10(lr))

    def cut(digits: int) -> str:
        scale = 10.0 ** (exponent - digits + 1)
        return f"{math.floor(lr / scale) * scale:.{digits - 1}e}"

    if boundary and theory.zone(float(cut(4))) == zone:
        return cut(4)
    for digits in range(3, 7):
        text = f"{lr:.{digits - 1}e}"
        if theory.zone(float(text)) == zone:
            return text
    return cut(6)


_MADE: dict = {}  # the presets of each spectrum seen (a page draws them on every rerun)
_MADE_KEPT = 256


def presets(theory: Theory) -> tuple[Preset, ...]:
    """:func:`make_presets`, once per spectrum."""
    key = (theory.eigenvalues.tobytes(), theory.critical_lr, theory.optimal_lr, theory.condition_number)
    made = _MADE.get(key)
    if made is None:
        if len(_MADE) >= _MADE_KEPT:
            _MADE.clear()
        made = _MADE[key] = make_presets(theory)
    return made


def make_presets(theory: Theory) -> tuple[Preset, ...]:
    """The presets, in rate order: crawl (η·λmax = 0.01), just right (1: the largest rate with no
    zig-zag), fastest (the optimal rate 2/(λmin+λmax), whose steep direction zig-zags), oscillate (1.9),
    diverge (2.1). "fastest" is left out when it equals "just right" (κ = 1)."""
    lam = theory.lambda_max
    kappa = theory.condition_number
    out = []
    for key, label, lr, zone in (
        ("crawl", "crawl", 0.01 / lam, "crawling"),
        ("just_right", "just right", 1.0 / lam, "converging"),
        ("fastest", "fastest", theory.optimal_lr, _optimal_zone(theory)),
        ("oscillate", "oscillate", 1.9 / lam, "oscillating"),
        ("diverge", "diverge", 2.1 / lam, "diverging"),
    ):
        spelled = spell(lr, theory, zone, boundary=key == "just_right")
        if key == "fastest" and math.isclose(float(spelled), out[-1].lr, rel_tol=1e-3):
            continue  # κ = 1: the fastest rate is "just right" itself
        s = float(spelled) * lam
        out.append(Preset(key, label, float(spelled), spelled, theory.zone(float(spelled)), s,
                          _claim(key, s, kappa, theory.factors(float(spelled)))))
    return tuple(sorted(out, key=lambda p: p.lr))


def letters(choices) -> list[str]:
    """Predict-first names: rate A, B, … in rate order."""
    return [f"rate {chr(ord('A') + i)}" for i in range(len(choices))]


def _optimal_zone(theory: Theory) -> str:
    """The optimal rate's zone: η·λmax = 2κ/(κ+1) is above 1 whenever κ > 1 (oscillating); exactly 1
    when κ = 1 (converging, in one epoch), which float noise must not turn into "oscillating"."""
    s = theory.optimal_lr * theory.lambda_max
    return "converging" if s <= 1 + ONE_STEP_TOLERANCE else theory.zone(theory.optimal_lr)


def _claim(key: str, s: float, kappa: float, factors) -> str:
    worst = float(max(factors))
    steep = abs(1 - s)
    if key == "crawl":
        return (f"η·λmax = {s:.2g}: even the steepest direction closes only {s:.0%} of its gap per "
                f"epoch — a slow, smooth crawl.")
    if key == "oscillate":
        return (f"η·λmax = {s:.3g}, just under the critical 2: the steepest direction overshoots and "
                f"flips sign every epoch, keeping |1 − ηλmax| = {steep:.2g} of its error — a zig-zag that "
                f"still converges.")
    if key == "just_right":
        return (f"η·λmax = {s:.3g}: the steepest direction lands on its optimum in one epoch and every "
                f"other direction shrinks smoothly — the largest rate with no zig-zag.")
    if key == "diverge":
        return (f"η·λmax = {s:.3g}, just over the critical 2: the steepest direction overshoots by "
                f"more than it corrects, growing ×{steep:.2g} per epoch — it diverges.")
    kappa_text = "∞" if math.isinf(kappa) else f"{kappa:,.4g}"
    if math.isinf(kappa):
        return (f"The optimal rate 2/(λmin+λmax) — but here λmin = 0 (κ = ∞): one direction is flat, so "
                f"no rate moves along it, and 2/(λmin+λmax) is the critical 2/λmax itself (η·λmax = "
                f"{s:.4g}). The predictors are redundant (or one is constant): drop one.")
    if s <= 1 + ONE_STEP_TOLERANCE:
        return (f"The optimal rate 2/(λmin+λmax), the fastest worst-case convergence: here κ = "
                f"{kappa_text}, so η·λmax = {s:.3g} and every direction reaches the optimum almost "
                f"at once (each epoch keeps at most {worst:.2g} of the error).")
    shrink = (kappa - 1) / (kappa + 1) if math.isfinite(kappa) else 1.0
    return (f"The optimal rate 2/(λmin+λmax), the fastest worst-case convergence: every direction keeps "
            f"at most (κ−1)/(κ+1) ≈ {shrink:.6g} of its error per epoch, and no rate does better for all "
            f"directions at once. Its η·λmax = 2κ/(κ+1) = {s:.5g} (κ = {kappa_text}) lies between 1 and "
            f"2, so the steepest direction zig-zags (the core files it under oscillating) while "
            f"everything converges.")


@dataclass(frozen=True)
class View:
    """What a link must carry besides the rate so that it opens the same view: dataset, predictors,
    the charted predictor, standardisation, start and epochs (the app's URL parameters).

    ``dataset`` is spelled as the URL spells it: the dataset picker's label (a bound selectbox puts its
    shown option in the URL), e.g. "Clemson SC 1930–2020 (°F)".
    """

    dataset: str
    predictors: tuple[str, ...]
    shown: str
    standardize: bool
    w0: float
    b0: float
    epochs: int


def link_params(view: View, lr: str) -> dict[str, str | list[str]]:
    """Query parameters of the view at rate ``lr`` (a spelled rate, kept exactly as written), each
    spelled as its bound widget writes it (epochs with thousands separators, like the slider)."""
    return {"ds": view.dataset, "pred": list(view.predictors), "x": view.shown,
            "std": "true" if view.standardize else "false", "lr": lr, "w0": plain(view.w0),
            "b0": plain(view.b0), "epochs": f"{int(view.epochs):,}"}


def followed_link(url_lr, session_lr) -> bool:
    """True when the URL carries a valid rate that the session does not have yet: a link was followed
    in this session (on a fresh visit the session has no rate and the sidebar reads the link itself)."""
    return session_lr is not None and url_lr is not None and url_lr != session_lr \
        and parse_rate(url_lr) is not None


# --- predict, then reveal -------------------------------------------------------------------------------

GUESSES = ("crawl", "converge", "oscillate", "diverge")
ZONE_OF_GUESS = dict(zip(GUESSES, ZONES))
ZONE_MEANING = {
    "crawling": "η·λmax < 0.1: every direction moves less than a tenth of its way per epoch",
    "converging": "0.1 ≤ η·λmax ≤ 1: every direction shrinks each epoch without overshooting",
    "oscillating": "1 < η·λmax ≤ 2: the steepest direction overshoots and flips sign, yet shrinks",
    "diverging": "η·λmax > 2: the steepest direction overshoots by more than it corrects and grows",
}


def reveal_words(guess: str | None, what: str) -> tuple[bool, str]:
    """The class's guess against the run's regime (both among crawl, converge, oscillate, diverge), in
    plain words: ``Right: you said “oscillate”.`` / ``Not quite: you said “crawl”; it converges.``"""
    right = guess == what
    if right:
        return True, f"Right: you said “{guess}”."
    said = f"you said “{guess}”" if guess else "no guess"
    return False, f"Not quite: {said}; it {VERB[what]}."


VERB = {"crawl": "crawls", "converge": "converges", "oscillate": "oscillates", "diverge": "diverges"}


def reveal(guess: str, theory: Theory, lr: float) -> tuple[bool, str]:
    """Was the guess right, and the answer in one sentence: plain words first, then its numbers."""
    zone = theory.zone(lr)
    what = {z: g for g, z in ZONE_OF_GUESS.items()}[zone]
    right, words = reveal_words(guess, what)
    return right, (f"{words} Why, in numbers: at learning rate {sci(lr, 3)} this data's η·λmax is "
                   f"{lr * theory.lambda_max:.4g}, so gradient descent is {zone} ({ZONE_MEANING[zone]}).")
