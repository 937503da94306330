"""Finding the tables in a file's text: blocks, separator, header lines, sampled rows.

Works on a bounded head of each blank-line separated block, so a 40 MB file costs a few byte scans
here. The head always holds a few whole lines, however long: a 100,000-column header is one line
of 600 kB, and cutting it would miscount its columns and lose the rows below it.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field

from gd_core.importer.messages import WeatherFileError, shorten

SEPARATORS = (",", ";", "\t", "|")
SEPARATOR_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
HEAD_BYTES = 256 * 1024  # sniff about this much of each block ...
SNIFF_LINES = 200  # ... and at most this many lines of it,
MIN_LINES = 5  # ... but never fewer than this many whole lines (a header and four rows), however long
MAX_LINE_BYTES = 16 * 1024 * 1024  # a longer line is not a row of daily weather (those are < 1 kB)
MAX_BLOCKS = 200  # blank-line separated blocks examined one by one; the rest joins the last table
_BLANK_RUN = re.compile(rb"\n(?:[ \t\r\f\v]*\n)+")
_NUMBER = re.compile(r"^[<>]?\s*[-+]?(\d+([.,]\d*)?|[.,]\d+)([eE][-+]?\d+)?$")
_DATE_LIKE = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}|^\d{8}$")
_MET_OFFICE_HEADER = re.compile(r"^[ \t]*yyyy[ \t]+mm[ \t]+\w", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class Table:
    """A header line and the byte range of the table it starts (up to the next table or the end)."""

    start: int  # byte offset of the header line (or of the first data line if headerless)
    end: int
    separator: str
    names: tuple[str, ...]  # cleaned, unique column names (or () when the table has no header)
    sample: tuple[tuple[str, ...], ...]  # the first data rows as text fields
    headerless: bool = False


def reject_unsupported_layouts(data: bytes, name: str) -> None:
    """Recognise Met Office monthly files and explain what to download instead."""
    head = data[:8192].decode("latin-1")
    if _MET_OFFICE_HEADER.search(head):
        raise WeatherFileError(
            f"{name!r} holds monthly data (a Met Office historic station file: one row per month): "
            "this app needs daily rows, one per day. Download daily observations instead, e.g. "
            "Open-Meteo's historical 'daily' CSV or a NOAA Climate Data Online 'Daily Summaries' CSV")


def first_line(data: bytes, codec: str, limit: int = 40) -> str:
    """The file's first non-blank line, shortened, for messages."""
    for line in data[:4096].decode(codec, errors="replace").splitlines():
        if line.strip():
            return shorten(line.strip(), limit)
    return ""


def split_fields(line: str, sep: str) -> list[str]:
    """One line's fields, honouring quotes (a lone line: an open quote ends at the line's end)."""
    try:
        return next(csv.reader([line], delimiter=sep, skipinitialspace=True), [])
    except csv.Error:
        return line.split(sep)


def _is_value(text: str) -> bool:
    """A number or a date (data), as opposed to a column name."""
    text = text.strip()
    return bool(_NUMBER.match(text) or _DATE_LIKE.match(text))


def looks_like_header(fields: list[str]) -> bool:
    """Column names, not data: some text, and no field that is a number or a date."""
    present = [f.strip() for f in fields if f.strip()]
    return bool(present) and not any(_is_value(f) for f in present) and \
        any(any(ch.isalpha() for ch in f) for f in present)


def clean_names(fields: list[str]) -> tuple[str, ...]:
    """Strip padding, quotes and stray BOMs; name empty columns ``Unnamed: i``; make names unique."""
    names, seen = [], {}
    for i, raw in enumerate(fields):
        name = raw.replace("\ufeff", "").strip().strip('"').strip()
        name = (name.lstrip("#").strip() if i == 0 else name) or f"Unnamed: {i}"  # KNMI's '# STN,...'
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        names.append(name)
    return tuple(names)


def column_values(sample, index: int, limit: int = 200) -> list[str]:
    """The non-empty sampled cells of one column, stripped (at most ``limit``)."""
    return [row[index].strip() for row in sample if index < len(row) and row[index].strip()][:limit]


def _blocks(data: bytes) -> list[tuple[int, int]]:
    """Byte ranges of the blank-line separated blocks that hold something other than whitespace."""
    ranges, pos = [], 0
    for match in _BLANK_RUN.finditer(data):
        ranges.append((pos, match.start() + 1))
        pos = match.end()
        if len(ranges) >= MAX_BLOCKS:
            break
    ranges.append((pos, len(data)))
    return [(s, e) for s, e in ranges if data[s:min(e, s + 4096)].strip() or data[s:e].strip()]


def _head_lines(data: bytes, start: int, end: int, codec: str, name: str) -> list[tuple[int, str]]:
    """(byte offset, text) of the first whole lines of ``data[start:end]``: up to ``SNIFF_LINES`` lines
    and about ``HEAD_BYTES`` bytes, but at least ``MIN_LINES`` lines however long they are."""
    out, pos = [], start
    while pos < end and len(out) < SNIFF_LINES and (len(out) < MIN_LINES or pos - start < HEAD_BYTES):
        stop = data.find(b"\n", pos, end)
        stop = end if stop < 0 else stop
        if stop - pos > MAX_LINE_BYTES:
            raise WeatherFileError(
                f"{name!r} has a line of {(stop - pos) / 2**20:,.0f} MB: a row of daily weather is well "
                "under 1 kB, so this is not a daily weather table. Export the data as CSV, one row per day")
        out.append((pos, data[pos:stop].decode(codec, errors="replace").rstrip("\r")))
        pos = stop + 1
    return out


def _runs(lines: list[str], sep: str) -> list[tuple[int, int, int]]:
    """(first line index, line count, field count) of runs of consecutive lines with equal field counts."""
    runs: list[list[int]] = []
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        n = len(split_fields(line, sep))
        if runs and runs[-1][2] == n and runs[-1][0] + runs[-1][1] == i:
            runs[-1][1] += 1
        else:
            runs.append([i, 1, n])
    return [tuple(r) for r in runs]


def _pick_separator(lines: list[str], forced: str | None) -> str | None:
    """The separator giving the longest run of lines with one consistent field count (>= 2 fields)."""
    best, best_score = None, (0, 0)
    for sep in (forced,) if forced else SEPARATORS:
        runs = [r for r in _runs(lines, sep) if r[2] >= 2]
        if not runs:
            continue
        longest = max(runs, key=lambda r: (r[1], r[2]))
        score = (longest[1], longest[2])
        if score > best_score:
            best, best_score = sep, score
    return best


@dataclass
class _Draft:
    """A table being collected: its header's offset, the block end it reaches so far, its rows."""

    start: int
    end: int
    sep: str
    names: tuple[str, ...]
    sample: list = field(default_factory=list)
    headerless: bool = False

    def freeze(self) -> Table:
        """The finished, immutable table (at most ``SNIFF_LINES`` sampled rows)."""
        rows = tuple(tuple(row) for row in self.sample[:SNIFF_LINES])
        return Table(self.start, self.end, self.sep, self.names, rows, self.headerless)


def _add_run(drafts: list[_Draft], loose: list[_Draft], head, run, sep: str, end: int, size: int) -> None:
    """A run of equal-width lines starts a table (header), continues the last one, or is kept loose."""
    first, n_lines, n_fields = run
    rows = [split_fields(text, sep) for _, text in head[first:first + n_lines]]
    offset = head[first][0]
    if n_fields >= 2 and looks_like_header(rows[0]):
        if drafts:
            drafts[-1].end = offset
        drafts.append(_Draft(offset, end, sep, clean_names(rows[0]), rows[1:]))
    elif drafts:
        drafts[-1].end = end
        if len(drafts[-1].sample) < SNIFF_LINES:
            drafts[-1].sample += rows
    elif n_fields >= 2 and not loose:
        loose.append(_Draft(offset, size, sep, (), rows, headerless=True))


def find_tables(data: bytes, codec: str, separator: str | None = None, name: str = "the file") -> list[Table]:
    """Every table in the file: a header-like line starts one, which runs to the next or to the end.

    Blocks of lines without a header (e.g. data after a stray blank line) continue the table
    above them; metadata blocks (Open-Meteo's location line, Environment Canada's station
    details) become small tables of their own that the caller's scoring passes over. Rows before
    any header make a headerless table only when no header is found at all.
    """
    drafts: list[_Draft] = []
    loose: list[_Draft] = []
    for start, end in _blocks(data):
        head = _head_lines(data, start, end, codec, name)
        lines = [text for _, text in head]
        sep = _pick_separator(lines, separator) or (drafts[-1].sep if drafts else None)
        if sep is None:
            continue
        for run in _runs(lines, sep):
            _add_run(drafts, loose, head, run, sep, end, len(data))
    return [d.freeze() for d in drafts or loose]
