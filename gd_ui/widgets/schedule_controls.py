"""The learning-rate schedule's controls: which schedule, its decay rate r and decay epochs K, a warm-up.

Every value is an option of a fixed list (spelled as in the URL), bound to the URL like every setting
(``?sched=exponential&sched_r=0.5&sched_k=100&sched_w=10``); a value from an old or hand-edited link that
is not an option is forgotten, and the control shows its default. A warm-up as long as the run says so
and is not used.
"""

from __future__ import annotations

from gd_core.schedules import CONSTANT, DECAYING, SCHEDULES, Schedule
from gd_ui.widgets.sidebar import BOUND, forget_unknown

DECAY_RATES = ("0.1", "0.2", "0.3", "0.5", "0.7", "0.8", "0.9", "0.95", "0.99", "1", "2", "5", "10")
DECAY_EPOCHS = ("1", "2", "5", "10", "20", "50", "100", "200", "500", "1000", "2000", "5000", "10000")
WARMUPS = ("0", "1", "2", "5", "10", "20", "50", "100", "200", "500", "1000", "2000", "5000")


def schedule_controls(box, epochs: int, prefix: str = "sched") -> Schedule:
    """Draw the schedule's controls in ``box`` and return the schedule (constant by default)."""
    keys = {name: f"{prefix}{suffix}" for name, suffix in
            (("kind", ""), ("r", "_r"), ("k", "_k"), ("w", "_w"))}
    forget_unknown(keys["kind"], SCHEDULES)
    kind = box.selectbox(
        "Learning-rate schedule", SCHEDULES, index=0, key=keys["kind"],  # no format_func: the URL
        # spells the option as shown (?sched=exponential)
        help="How the rate changes epoch by epoch: the rate slider sets its peak η (the first update "
             "uses η₀; t counts updates from 0).", **BOUND)
    r, k = CONSTANT.decay_rate, CONSTANT.decay_epochs
    if kind in DECAYING:
        forget_unknown(keys["r"], DECAY_RATES)
        forget_unknown(keys["k"], DECAY_EPOCHS)
        what = {"step": "η_t = η · r^⌊t/K⌋", "exponential": "η_t = η · r^(t/K)",
                "inverse-time": "η_t = η / (1 + r·t/K)"}[kind]
        r = float(box.select_slider("Decay rate r", DECAY_RATES, value="0.5", key=keys["r"],
                                    help=what, **BOUND))
        k = int(box.select_slider("Decay epochs K", DECAY_EPOCHS, value="100", key=keys["k"],  # the URL
                                  # spells an option as shown
                                  help=what, **BOUND))
    forget_unknown(keys["w"], WARMUPS)
    w = int(box.select_slider("Warm-up epochs W", WARMUPS, value="0", key=keys["w"],  # no format_func:
                              help="η_t = η·(t + 1)/W for the first W updates, then the schedule.", **BOUND))
    if w >= epochs:
        box.warning(f"The warm-up ({w:,} epochs) must be shorter than the run ({epochs:,} epochs): it is "
                    "left out. Lower the warm-up or raise the epochs.")
        w = 0
    return Schedule(kind, r, k, w)
