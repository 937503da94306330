"""Learning-rate schedules: the rate η_t of every update t = 0, 1, … (the first update uses η₀).

With the peak rate η, decay rate r, decay epochs K and T the number of epochs after the warm-up:

    constant      η_t = η
    step          η_t = η · r^⌊t / K⌋
    exponential   η_t = η · r^(t / K)
    inverse-time  η_t = η / (1 + r · t / K)
    cosine        η_t = η · (1 + cos(π · min(t, T) / T)) / 2

and an optional linear warm-up of W epochs before any of them: η_t = η · (t + 1) / W for t < W, then the
schedule on t − W. Every schedule is η times a shape that does not depend on η (:meth:`Schedule.shape`),
so a grid of peak rates shares one shape. Pure numpy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

SCHEDULES = ("constant", "step", "exponential", "inverse-time", "cosine")
DECAYING = ("step", "exponential", "inverse-time")  # the ones that take a decay rate and decay epochs
DEFAULT_DECAY_RATE = 0.5
DEFAULT_DECAY_EPOCHS = 100
MAX_SCHEDULED_EPOCHS = 10_000_000  # a schedule is walked epoch by epoch (vectorised): bounded work


@dataclass(frozen=True)
class Schedule:
    """One schedule's parameters (plain values: hashable, a cache key)."""

    kind: str = "constant"
    decay_rate: float = DEFAULT_DECAY_RATE  # r
    decay_epochs: int = DEFAULT_DECAY_EPOCHS  # K
    warmup: int = 0  # W

    def __post_init__(self):
        if self.kind not in SCHEDULES:
            raise ValueError(f"unknown schedule {self.kind!r}: use one of {', '.join(SCHEDULES)}")
        if not (isinstance(self.decay_rate, int | float) and math.isfinite(self.decay_rate)
                and self.decay_rate > 0):
            raise ValueError(f"the decay rate must be a finite number > 0, got {self.decay_rate!r}")
        if not (isinstance(self.decay_epochs, int) and self.decay_epochs >= 1):
            raise ValueError(f"the decay epochs must be a whole number ≥ 1, got {self.decay_epochs!r}")
        if not (isinstance(self.warmup, int) and self.warmup >= 0):
            raise ValueError(f"the warm-up must be a whole number of epochs ≥ 0, got {self.warmup!r}")

    @property
    def plain(self) -> bool:
        """Constant with no warm-up: the rate never changes (today's closed form applies)."""
        return self.kind == "constant" and self.warmup <= 1

    def check(self, epochs: int) -> None:
        """The schedule fits a run of ``epochs`` updates (the warm-up ends before the run does)."""
        if self.warmup and self.warmup >= epochs:
            raise ValueError(f"the warm-up ({self.warmup:,} epochs) must be shorter than the run "
                             f"({epochs:,} epochs)")
        if not self.plain and epochs > MAX_SCHEDULED_EPOCHS:
            raise ValueError(f"a run with a schedule is at most {MAX_SCHEDULED_EPOCHS:,} epochs, "
                             f"got {epochs:,}")

    def shape(self, epochs: int, start: int = 0, stop: int | None = None) -> np.ndarray:
        """``η_t / η`` for every update t = start … stop − 1 of an ``epochs``-long run (all by default)."""
        self.check(epochs)
        return self.shape_at(epochs, np.arange(start, epochs if stop is None else stop, dtype=float))

    def shape_at(self, epochs: int, t) -> np.ndarray:
        """``η_t / η`` at the updates ``t`` (any array of whole numbers) of an ``epochs``-long run: the
        same formula, value for value, as :meth:`shape`."""
        t = np.asarray(t, dtype=float)
        w = self.warmup
        u = t - w  # the schedule's own clock, after the warm-up
        r, k = float(self.decay_rate), float(self.decay_epochs)
        with np.errstate(all="ignore"):
            if self.kind == "constant":
                out = np.ones(t.shape)
            elif self.kind == "step":
                out = r ** np.floor(u / k)
            elif self.kind == "exponential":
                out = r ** (u / k)
            elif self.kind == "inverse-time":
                out = 1 / (1 + r * u / k)
            else:
                T = max(epochs - w, 1)
                out = (1 + np.cos(np.pi * np.minimum(u, T) / T)) / 2
        if w:
            out = np.where(t < w, (t + 1) / w, out)
        return out

    def rates(self, lr: float, epochs: int) -> np.ndarray:
        """η_t for every update."""
        return float(lr) * self.shape(epochs)

    def is_constant(self, epochs: int) -> bool:
        """Every update uses the same rate (a constant schedule, or r = 1): today's numbers exactly."""
        if self.plain:
            return True
        self.check(epochs)
        if epochs < 1 or (self.kind in ("step", "exponential") and self.decay_rate == 1.0
                          and self.warmup <= 1):
            return True  # 1.0 ** x is exactly 1
        if self.warmup > 1 or self.shape_at(epochs, [min(1, epochs - 1), epochs - 1]).min() != 1.0:
            return False  # a rate that is not the peak's: not constant, without the whole shape
        return bool(np.all(self.shape(epochs) == 1.0))

    def describe(self) -> str:
        """A short label: ``exponential, r = 0.5 per 100 epochs, 10 warm-up epochs``."""
        text = {"constant": "constant rate", "cosine": "cosine decay to 0",
                "step": f"step: × {self.decay_rate:g} every {self.decay_epochs:,} epochs",
                "exponential": f"exponential: × {self.decay_rate:g} per {self.decay_epochs:,} epochs",
                "inverse-time": f"inverse-time: η / (1 + {self.decay_rate:g}·t / {self.decay_epochs:,})",
                }[self.kind]
        return text + (f", after a {self.warmup:,}-epoch linear warm-up" if self.warmup else "")

    def to_dict(self) -> dict:
        """The parameters that matter for this kind (for JSON and exports)."""
        out: dict = {"kind": self.kind}
        if self.kind in DECAYING:
            out |= {"decay_rate": float(self.decay_rate), "decay_epochs": int(self.decay_epochs)}
        out["warmup_epochs"] = int(self.warmup)
        return out

    def formula(self, lr: str = "lr", t: str = "t", epochs: str = "EPOCHS") -> str:
        """η_t as one Python expression in the names ``lr``, ``t`` and ``epochs`` (numpy as ``np``), for
        exported code: the issue's formula written out."""
        r, k, w = self.decay_rate, self.decay_epochs, self.warmup
        u = f"({t} - {w})" if w else t
        big_t = f"({epochs} - {w})" if w else epochs
        body = {"constant": lr, "step": f"{lr} * {r!r} ** ({u} // {k})",
                "exponential": f"{lr} * {r!r} ** ({u} / {k})",
                "inverse-time": f"{lr} / (1 + {r!r} * {u} / {k})",
                "cosine": f"{lr} * (1 + np.cos(np.pi * min({u}, {big_t}) / {big_t})) / 2"}[self.kind]
        return f"({lr} * ({t} + 1) / {w} if {t} < {w} else {body})" if w else body

    @classmethod
    def from_dict(cls, d: dict) -> Schedule:
        """The inverse of :meth:`to_dict`."""
        return cls(str(d.get("kind", "constant")), float(d.get("decay_rate", DEFAULT_DECAY_RATE)),
                   int(d.get("decay_epochs", DEFAULT_DECAY_EPOCHS)), int(d.get("warmup_epochs", 0)))


CONSTANT = Schedule()
