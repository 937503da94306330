"""Import the daily-weather CSVs people actually have, unedited, and say what was decided.

``import_weather(source)`` takes NOAA Climate Data Online, GHCN by-station and GHCN-Daily ``.dly``
exports, Meteostat, Open-Meteo, DWD ``klima_tag``, Environment Canada, Weather Underground (legacy and
history exports), Met Éireann, KNMI, NASA POWER, Visual Crossing, wide one-group-per-place files,
European spreadsheets (``;`` and decimal comma) and the tutorial's own layout. It returns a weather frame
(see ``gd_core.data``) and an ``ImportReport`` of everything it detected, so a user can check and
correct each decision (``overrides``, keys in ``OVERRIDE_KEYS``). Every failure is a
``WeatherFileError`` whose message names the problem and what to do about it.

Decisions, each reported in ``ImportReport.notes`` when it applies:

- several stations: one at a time; by default the one with most rows (the first on a tie);
- ``T`` (trace, also NOAA's MFLAG ``T`` and Environment Canada's ``T`` flag) = 0.001 in or 0.025 mm;
  ``<31`` = its bound 31; empty, ``NaN``, ``M``, ``---``, ``-9999``, ``-999`` = gaps; a NOAA QFLAG
  letter = the value failed quality control, so a gap;
- any other non-number (``warm``, ``#VALUE!``) and ``inf``/``1e309`` are errors naming the cell:
  silently dropping them would hide a broken file;
- units: from the column name, else the provider's fixed units, else from the values (``units``);
- values outside physical bounds (e.g. −90…60 °C, 0…2,000 mm) are gaps; a weather column mostly
  outside them is refused as a wrong unit or a wrong column (``bounds``);
- dates: unsorted rows are sorted; duplicates (within a station) are an error; a few unreadable or
  implausible (before 1700, after next year) dates are dropped, many are an error (``daily``).

Every weather service is one record in ``services`` (its detector, column names, fixed units,
missing-value codes, trace codes, flags, where it names its station): adding a service is one entry.
The steps live in modules named for what they do, run in order by ``read``: ``encoding`` (bytes to
text), ``reshape`` (``.dly`` fixed width and wide one-group-per-place files to a plain table),
``tables`` (separator, header, rows), ``plan`` (which table and columns), ``columns`` (names to
roles), ``services``, ``stations``, ``dates`` and ``daily``, ``values``, ``units``, ``bounds`` and
``report``.
"""

from gd_core.importer.messages import WeatherFileError
from gd_core.importer.overrides import OVERRIDE_KEYS
from gd_core.importer.read import import_weather
from gd_core.importer.report import ImportReport, ImportResult

__all__ = ["OVERRIDE_KEYS", "ImportReport", "ImportResult", "WeatherFileError", "import_weather"]
