"""Numbers as the app writes them: one function per spelling, used by every page, chart and export.

Pure functions (no Streamlit, no Plotly).
"""

from __future__ import annotations

import math


def sci(value: float, digits: int = 2) -> str:
    """Scientific notation with ``digits`` significant digits: ``3.2e-04`` (the rate slider's spelling)."""
    return f"{value:.{digits - 1}e}"


def rate(value: float) -> str:
    """A learning rate with as many digits as it needs, up to four: 2.4e-03, 6.44e-03, 6.133e-03."""
    mantissa, exponent = f"{value:.3e}".split("e")
    whole, decimals = mantissa.split(".")
    return f"{whole}.{decimals.rstrip('0') or '0'}e{exponent}"


def num(value: float) -> str:
    """Four significant digits with thousands separators; e-notation from a million: 1,937 · 2.5e+07."""
    if not math.isfinite(value):
        return sig(value)
    return f"{value:,.4g}" if abs(value) < 1e6 else f"{value:.3e}"


def sig(value: float, digits: int = 5) -> str:
    """``digits`` significant digits, trailing zeros dropped: 120.78, 0.91208, -1757.4 (no separators)."""
    if not math.isfinite(value):
        return "inf" if value > 0 else ("-inf" if value < 0 else "nan")
    text = f"{value:.{digits}g}"
    return "0" if text == "-0" else text


def count(n: int, noun: str, plural: str | None = None) -> str:
    """``1 value`` · ``3 values`` · ``1,000 days``."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def kappa(value: float) -> str:
    """A condition number for people: 1,937 · 17.7 · ∞."""
    if math.isinf(value):
        return "∞"
    return f"{value:,.0f}" if value >= 100 else f"{value:.3g}"


def percent(share: float) -> str:
    """A share of the way, never rounded up to a misleading 100 %."""
    share = max(share, 0.0)
    for digits in range(1, 6):
        text = f"{share:.{digits}%}"
        if float(text.rstrip("%")) < 100 or share >= 1:
            return text
    return f"{share:.6%}"


def epochs(value: float) -> str:
    """An epoch count that may be infinite: ``never (it grows)`` or ``4,460``."""
    return "never (it grows)" if math.isinf(value) else f"{math.ceil(value - 1e-9):,}"


def plain(value: float) -> str:
    """The shortest spelling that reads back as the same float (for links): 0.5, -0.5, 0.1234567."""
    return f"{value:g}" if float(f"{value:g}") == value else repr(float(value))


def equation(slope: float, intercept: float) -> str:
    """A fit line as text: ``ŷ = 0.9121·x + 5.02``."""
    sign = "−" if intercept < 0 else "+"
    return f"ŷ = {num(slope)}·x {sign} {num(abs(intercept))}"
