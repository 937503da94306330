"""A link's parameters checked before any widget reads them (pure: no Streamlit).

Streamlit seeds a bound widget (``bind="query-params"``) from the URL as it was typed: ``inf`` or
``1e308`` reach a number input (which raises) or the step-through page's formulas; a select slider
accepts only the spelling it writes itself (``epochs=50,000``), so the README's ``epochs=50000`` was
lost. :func:`check` takes the URL's parameters and a :class:`Spec` per parameter and returns what the
widgets may see: every value valid and spelled as its widget spells it; a bad value dropped, with
one note for the visitor. Parameters without a spec pass through untouched.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

SHOWN_CHARS = 24  # a bad value is quoted in the note up to this length


@dataclass(frozen=True)
class Spec:
    """What one URL parameter may hold.

    ``kind``: ``"number"`` (finite, ``lo``…``hi``, whole when ``whole``), ``"flag"`` (true/false),
    ``"rate"`` (a positive finite number, any spelling), ``"choice"`` / ``"choices"`` (one / several of
    ``options``, each written in the URL as ``fmt(option)``; the option's own spelling is accepted too).
    """

    kind: str
    what: str  # for the note: "a whole number from 0 to 1000"
    lo: float = -math.inf
    hi: float = math.inf
    whole: bool = False
    options: tuple = ()
    fmt: Callable[[object], str] = str
    most: int | None = None  # choices: at most this many
    strict: bool = True  # False: an unknown value passes through (someone else explains it)

    def spellings(self) -> dict[str, str]:
        """Accepted text → the widget's own spelling (``fmt(option)``)."""
        out: dict[str, str] = {}
        for option in self.options:
            written = self.fmt(option)
            out.setdefault(str(option), written)
            out[written] = written
        return out


def number(lo: float, hi: float, *, whole: bool = False) -> Spec:
    words = "a whole number" if whole else "a number"
    return Spec("number", f"{words} from {lo:g} to {hi:g}", lo, hi, whole)


def flag() -> Spec:
    return Spec("flag", "true or false")


def rate() -> Spec:
    return Spec("rate", "a positive number such as 3.2e-04")


def choice(options: Iterable, fmt: Callable[[object], str] = str, *, several: bool = False,
           most: int | None = None, strict: bool = True) -> Spec:
    options = tuple(options)
    shown = ", ".join(fmt(o) for o in options[:6]) + (", …" if len(options) > 6 else "")
    return Spec("choices" if several else "choice", f"one of {shown}", options=options, fmt=fmt, most=most,
                strict=strict)


@dataclass
class Checked:
    params: dict[str, list[str]]  # what the widgets may see
    dropped: dict[str, list[str]] = field(default_factory=dict)  # bad values, as given
    respelled: dict[str, list[str]] = field(default_factory=dict)  # valid, in the widget's spelling

    @property
    def changed(self) -> bool:
        return bool(self.dropped or self.respelled)


def _number(text: str, spec: Spec) -> str | None:
    try:
        value = float(text)
    except ValueError:
        return None
    if not math.isfinite(value) or not spec.lo <= value <= spec.hi:
        return None
    if spec.whole and value != int(value):
        return None
    return text.strip()


def _one(text: str, spec: Spec) -> str | None:
    """``text`` as the widget should see it, or None when it is not valid for ``spec``."""
    if spec.kind == "number":
        return _number(text, spec)
    if spec.kind == "flag":
        return text.lower() if text.lower() in ("true", "false") else None
    if spec.kind == "rate":
        try:
            value = float(text)
        except ValueError:
            return None
        return text if math.isfinite(value) and value > 0 else None
    spellings = spec.spellings()
    if text in spellings:
        return spellings[text]
    try:  # a number spelled another way: epochs=5e4, land_l2=0.10
        value = float(text.replace(",", ""))
    except ValueError:
        return None
    return next((spellings[str(o)] for o in spec.options if _as_float(o) == value), None)


def _as_float(option) -> float | None:
    try:
        return float(option)
    except (TypeError, ValueError):
        return None


def check(params: Mapping[str, list[str]], specs: Mapping[str, Spec]) -> Checked:
    """Each parameter with a spec checked (see the module's docstring); ``params`` maps a name to all
    its values (a repeated parameter, ``?pred=tmax&pred=tmin``, has several)."""
    out = Checked({})
    for name, values in params.items():
        spec = specs.get(name)
        values = list(values)
        if spec is None or (values == [""] and spec.kind == "choices"):
            out.params[name] = values
            continue
        if spec.kind != "choices":
            values = values[-1:]  # Streamlit reads the last of a repeated single value
        good = [_one(v, spec) for v in values]
        if not spec.strict:
            good = [v if g is None else g for v, g in zip(values, good)]
        if any(g is None for g in good) or not good or (spec.most and len(good) > spec.most):
            out.dropped[name] = values
            continue
        if good != values:
            out.respelled[name] = good
        out.params[name] = good
    return out


def note(checked: Checked, specs: Mapping[str, Spec]) -> str | None:
    """One line naming every dropped parameter and what it may hold (plain text: show it as text)."""
    if not checked.dropped:
        return None
    parts = []
    for name, values in checked.dropped.items():
        given = "&".join(values)
        given = given if len(given) <= SHOWN_CHARS else given[: SHOWN_CHARS - 1] + "…"
        spec = specs[name]
        most = f", at most {spec.most}" if spec.most else ""
        parts.append(f"{name}={given} (expected {spec.what}{most})")
    return "The link's " + "; ".join(parts) + (" was" if len(parts) == 1 else " were") + \
        " ignored: showing the default instead."
