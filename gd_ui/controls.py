"""Option lists and defaults for the sliders: pure functions, so they can be tested without a page."""

from __future__ import annotations

import functools
import math

from gd_ui.formats import sci

EPOCH_STEPS = tuple(int(m * 10 ** e) for e in range(0, 6) for m in (1, 2, 3, 5)) + (1_000_000,)
LR_STEPS_PER_DECADE = 24  # ≈10 % apart: fine enough to walk up to the critical rate
LR_SPAN = (1e-3, 10.0)  # the slider spans critical/1000 … 10 × critical
DEFAULT_LR_SHARE = 0.4  # default rate: 0.4 × critical, a clean converging descent on any data


def lr_options(critical: float, extra: tuple[float | str, ...] = (), linked: str | None = None) -> list[str]:
    """:func:`_lr_options` (a fresh list of its cached options)."""
    return list(_lr_options(float(critical), tuple(extra), None if linked is None else str(linked)))


@functools.lru_cache(maxsize=512)
def _lr_options(critical: float, extra: tuple[float | str, ...], linked: str | None) -> tuple[str, ...]:
    """Log-spaced rates from critical/1000 to 10 × critical, plus ``extra`` exact rates (presets; a
    float is spelled with three digits, a string kept as spelled), plus ``linked``, a
    rate from a link, kept as it was written when it is a valid rate in range."""
    lo, hi = critical * LR_SPAN[0], critical * LR_SPAN[1]
    k_lo = math.floor(LR_STEPS_PER_DECADE * math.log10(lo))
    k_hi = math.ceil(LR_STEPS_PER_DECADE * math.log10(hi))
    labels = [sci(10 ** (k / LR_STEPS_PER_DECADE)) for k in range(k_lo, k_hi + 1)]
    labels += [v if isinstance(v, str) else sci(v, 3) for v in extra
               if lo * 0.5 <= float(v) <= hi * 2]
    by_value = {float(label): label for label in labels}
    rate = parse_rate(linked)
    if rate is not None and lo * 0.5 <= rate <= hi * 2:
        by_value[rate] = str(linked)  # the link's own spelling, so the widget accepts it
    return tuple(by_value[v] for v in sorted(by_value))


def nearest(options: list[str], value: float) -> str:
    """The option closest to ``value`` on a log scale."""
    return min(options, key=lambda o: abs(math.log(float(o)) - math.log(value)))


def parse_rate(text) -> float | None:
    """A rate from a link, or None if it is not a positive finite number."""
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) and value > 0 else None


def parse_number(text) -> float | None:
    """A finite number from a link, or None."""
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def default_lr(critical: float, options: list[str]) -> str:
    return nearest(options, DEFAULT_LR_SHARE * critical)
