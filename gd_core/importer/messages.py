"""The importer's error type and the small helpers its sentences share: counts, short name lists.

Notes and errors are read in two places, the web Data page and the command line, so they never
quote code syntax ("set x=...") and always name the setting in words ("correct the date format").
"""

from __future__ import annotations

NAME_LIMIT = 8  # column names listed in one message at most
NAME_CHARS = 24  # ... each shortened to this many characters
UNIT_WORDS = {"F": "°F", "C": "°C", "in": "inches", "mm": "mm", "0.1 C": "tenths of °C",
              "0.1 mm": "tenths of mm", "cm": "cm (10 mm)"}
TEMPERATURE_UNITS = ("C", "F", "0.1 C")  # what a file may hold; read as °C or °F
RAIN_UNITS = ("mm", "in", "0.1 mm", "cm")  # ... read as mm or inches


class WeatherFileError(ValueError):
    """A weather file the importer cannot use; ``str(e)`` names the problem and what to do.

    ``fixes``: the corrections (keys of ``OVERRIDE_KEYS``) that can mend it, when a person can;
    ``columns``: the columns of the table the import chose, the choices for those corrections.
    """

    def __init__(self, message: str, *, fixes: tuple[str, ...] = (), columns: tuple[str, ...] = ()):
        super().__init__(message)
        self.fixes = tuple(fixes)
        self.columns = tuple(columns)


def count(n, noun: str, plural: str | None = None) -> str:
    """``1 row``, ``2 rows``, ``1,234 values``: the number with the noun in the right number."""
    n = int(n)
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def shorten(text, limit: int = NAME_CHARS) -> str:
    """One line of at most ``limit`` characters (an ellipsis marks a cut)."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def name_list(names, limit: int = NAME_LIMIT) -> str:
    """The first ``limit`` names, each quoted and shortened, and how many more there are."""
    names = list(names)
    shown = ", ".join(repr(shorten(n)) for n in names[:limit])
    return shown + (f" and {len(names) - limit:,} more" if len(names) > limit else "")


def signed(value: float) -> str:
    """A bound for a sentence: ``−90``, ``2,000`` (typographic minus, thousands separated)."""
    text = f"{abs(value):,g}"
    return ("−" if value < 0 else "") + text
