"""Several stations in one file: keep one station's rows, never mix them.

Default: the station with most rows (the first in the file on a tie).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from gd_core.importer.messages import WeatherFileError, count, name_list


@dataclass(frozen=True)
class StationPick:
    """The rows kept, every station id in the file, the one chosen (None without a station column)."""

    frame: pd.DataFrame
    stations: tuple[str, ...]
    chosen: str | None
    notes: tuple[str, ...] = ()


def pick_station(frame: pd.DataFrame, names, column: int | None, wanted: str | None) -> StationPick:
    """Keep one station's rows: ``wanted`` (any case), else the one with most rows."""
    if column is None:
        if wanted:
            raise WeatherFileError(f"station {wanted!r} was asked for, but the file has no station column")
        return StationPick(frame, (), None)
    ids = frame[column].astype("str").str.strip().fillna("")
    counts = ids.value_counts(sort=False)
    stations = tuple(str(s) for s in counts.index if s != "")
    if not stations:
        return StationPick(frame, (), None)
    chosen = _chosen(stations, wanted, names[column]) if wanted is not None else \
        max(stations, key=lambda s: counts[s])  # max keeps the first of equal counts
    if len(stations) == 1:
        return StationPick(frame, stations, chosen)
    how = "as chosen" if wanted is not None else f"the one with most rows, {counts[chosen]:,}"
    notes = [f"{len(stations)} stations in the file (column {names[column]!r}); using {chosen} ({how}); "
             "another station can be chosen instead"]
    if "" in counts.index:
        notes.append(f"left out {count(counts[''], 'row')} with no station id")
    return StationPick(frame[(ids == chosen).to_numpy()], stations, chosen, tuple(notes))


def _chosen(stations: tuple[str, ...], wanted: str, column: str) -> str:
    """The station id the user asked for, matched exactly or ignoring case."""
    lowered = {s.lower(): s for s in stations}
    chosen = wanted.strip() if wanted.strip() in stations else lowered.get(wanted.strip().lower())
    if chosen is None:
        raise WeatherFileError(f"station {wanted!r} is not in this file: its {column!r} column has "
                               f"{name_list(stations)}")
    return chosen
