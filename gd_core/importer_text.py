"""From raw bytes to a located table: binary checks, encoding, preambles, separator and header.

Part of the weather importer (``gd_core.importer``). Works on a bounded head of each blank-line
separated block, so a 40 MB file costs a few regex scans here, never a Python loop over its rows.
"""

from __future__ import annotations

import codecs
import csv
import re
from dataclasses import dataclass
from pathlib import Path

SEPARATORS = (",", ";", "\t", "|")
SEPARATOR_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
HEAD_BYTES = 256 * 1024  # sniff at most this much of each block
SNIFF_LINES = 200  # ... and at most this many lines of it
MAX_BLOCKS = 200  # blank-line separated blocks examined one by one; the rest joins the last table
_BLANK_RUN = re.compile(rb"\n(?:[ \t\r\f\v]*\n)+")
_NUMBER = re.compile(r"^[<>]?\s*[-+]?(\d+([.,]\d*)?|[.,]\d+)([eE][-+]?\d+)?$")
_DATE_LIKE = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}|^\d{8}$")
_DLY_LINE = re.compile(r"^[A-Z0-9]{11}\d{4}(0[1-9]|1[0-2])[A-Z0-9]{4}[ \-\d]{5}")
_MET_OFFICE_HEADER = re.compile(r"^[ \t]*yyyy[ \t]+mm[ \t]+\w", re.IGNORECASE | re.MULTILINE)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_MAGIC = (  # (prefix, what it is, what to do)
    (b"\x89PNG", "a PNG image", "export the weather data as CSV text and upload that"),
    (b"\xff\xd8\xff", "a JPEG image", "export the weather data as CSV text and upload that"),
    (b"GIF8", "a GIF image", "export the weather data as CSV text and upload that"),
    (b"%PDF", "a PDF document", "download the data as CSV rather than PDF"),
    (b"PK\x03\x04", "a ZIP archive (an .xlsx workbook is one)",
     "unzip it, or open the workbook and save the sheet as CSV"),
    (b"\xd0\xcf\x11\xe0", "an old Excel (.xls) workbook", "open it and save the sheet as CSV"),
    (b"\x1f\x8b", "gzip-compressed", "decompress it first (e.g. gunzip) and upload the .csv inside"),
    (b"BZh", "bzip2-compressed", "decompress it first and upload the .csv inside"),
    (b"7z\xbc\xaf", "a 7-Zip archive", "extract it and upload the .csv inside"),
    (b"PAR1", "a Parquet file", "export the data as CSV"),
    (b"SQLite format", "an SQLite database", "export the table as CSV"),
    (b"\x7fELF", "a program, not data", "choose the weather CSV file"),
    (b"MZ", "a Windows program, not data", "choose the weather CSV file"),
    (b"RIFF", "a media file", "choose the weather CSV file"),
)


class WeatherFileError(ValueError):
    """A weather file the importer cannot use; ``str(e)`` names the problem and what to do."""


def read_source(source, filename: str | None) -> tuple[bytes, str]:
    """Bytes and a display name from bytes, a path (str or Path) or a file-like object."""
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source), filename or "the file"
    if isinstance(source, str | Path):
        path = Path(source)
        if not path.is_file():
            raise WeatherFileError(f"file not found: {str(path)!r} (check the path)")
        try:
            return path.read_bytes(), filename or path.name
        except OSError as exc:
            raise WeatherFileError(f"cannot read {path.name!r}: {exc.strerror} "
                                   "(check the path and its permissions)") from exc
    for attr in ("getvalue", "read"):  # e.g. an uploaded file or io.BytesIO
        if hasattr(source, attr):
            data = getattr(source, attr)()
            if isinstance(data, bytes | bytearray):
                return bytes(data), filename or getattr(source, "name", None) or "the file"
    raise WeatherFileError(f"cannot read a weather file from a {type(source).__name__}: "
                           "pass the file's bytes or its path")


def check_not_binary(data: bytes, name: str) -> None:
    """Reject empty files, images, archives and other binary data with a message saying what it is."""
    if not data or data.isspace():
        what = "empty (0 bytes)" if not data else "blank (only whitespace)"
        raise WeatherFileError(f"{name!r} is {what}, with no columns and no rows: choose a CSV file that "
                               "contains weather data")
    for prefix, what, todo in _MAGIC:
        if data.startswith(prefix):
            raise WeatherFileError(f"{name!r} is {what}, not a CSV text file: {todo}")
    if b"\x00" in data and not _utf16_bom(data):
        raise WeatherFileError(f"{name!r} contains NUL bytes, so it is binary data, not a CSV text file: "
                               "export the weather data as CSV text (UTF-8) and upload that")


def _utf16_bom(data: bytes) -> bool:
    return data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))


def decode(data: bytes, name: str, encoding: str | None = None) -> tuple[bytes, str, str]:
    """Return (bytes without BOM in an ASCII-compatible encoding, codec for pandas, display name).

    Tries UTF-8 (with or without BOM), then Windows-1252, then Latin-1; UTF-16 with a BOM is
    re-encoded as UTF-8 so that byte-level line scanning stays valid.
    """
    if encoding is not None:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError:
            raise WeatherFileError(f"unknown encoding {encoding!r}: use e.g. 'utf-8', 'cp1252' "
                                   "or 'latin-1'") from None
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as exc:
            raise WeatherFileError(f"{name!r} is not valid {encoding} text (byte {exc.start}): "
                                   "choose another encoding or leave it to detection") from None
        if codec.startswith("utf-16") or codec.startswith("utf_16"):
            return text.lstrip("\ufeff").encode("utf-8"), "utf-8", encoding
        body = data[3:] if codec == "utf-8" and data.startswith(codecs.BOM_UTF8) else data
        _check_control_chars(text[:HEAD_BYTES], name)
        return body, codec, encoding
    if _utf16_bom(data):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise WeatherFileError(f"{name!r} starts like UTF-16 text but cannot be decoded: "
                                   "save it again as CSV (UTF-8)") from None
        _check_control_chars(text[:HEAD_BYTES], name)
        return text.lstrip("\ufeff").encode("utf-8"), "utf-8", "UTF-16"
    if data.startswith(codecs.BOM_UTF8):
        body, label = data[3:], "UTF-8 with BOM"
    else:
        body, label = data, "UTF-8"
    for codec, shown in (("utf-8", label), ("cp1252", "Windows-1252"), ("latin-1", "Latin-1")):
        try:
            text = body.decode(codec)
        except UnicodeDecodeError:
            continue
        _check_control_chars(text[:HEAD_BYTES], name)
        return body, codec, shown
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover


def unify_line_ends(body: bytes) -> bytes:
    """Old Mac files end lines with a bare CR: make them LF so lines can be found."""
    head = body[:HEAD_BYTES]
    return body.replace(b"\r", b"\n") if b"\r" in head and b"\n" not in head else body


def _check_control_chars(text: str, name: str) -> None:
    """Text full of control characters is binary data or a wrong encoding, not a CSV."""
    bad = len(_CONTROL.findall(text))
    if bad > max(2, len(text) // 100):
        raise WeatherFileError(f"{name!r} cannot be decoded as text (UTF-8, Windows-1252 or Latin-1): "
                               f"{bad} control characters in its first {len(text):,} characters. "
                               "Save it again as CSV (UTF-8) from the program that made it")


def reject_unsupported_layouts(data: bytes, name: str) -> None:
    """Recognise GHCN ``.dly`` and Met Office monthly files and explain what to download instead."""
    head = data[:8192].decode("latin-1")
    first = next((line for line in head.splitlines() if line.strip()), "")
    if name.lower().endswith(".dly") or _DLY_LINE.match(first):
        raise WeatherFileError(
            f"{name!r} is a .dly fixed-width GHCN file, not a CSV: download the CSV version of the same "
            "station (NCEI 'global-historical-climatology-network-daily/access/<STATION>.csv', or a "
            "Climate Data Online 'Daily Summaries' CSV) and upload that")
    if _MET_OFFICE_HEADER.search(head):
        raise WeatherFileError(
            f"{name!r} holds monthly data (a Met Office historic station file: one row per month): "
            "this app needs daily rows, one per day. Download daily observations instead, e.g. "
            "Open-Meteo's historical 'daily' CSV or a NOAA Climate Data Online 'Daily Summaries' CSV")


@dataclass(frozen=True)
class Table:
    """A header line and the byte range of the table it starts (up to the next table or the end)."""

    start: int  # byte offset of the header line (or of the first data line if headerless)
    end: int
    separator: str
    names: tuple[str, ...]  # cleaned, unique column names (or () when the table has no header)
    sample: tuple[tuple[str, ...], ...]  # the first data rows as text fields
    headerless: bool = False


def split_fields(line: str, sep: str) -> list[str]:
    """One line's fields, honouring quotes (a lone line: an open quote ends at the line's end)."""
    try:
        return next(csv.reader([line], delimiter=sep, skipinitialspace=True), [])
    except csv.Error:
        return line.split(sep)


def _is_value(field: str) -> bool:
    field = field.strip()
    return bool(_NUMBER.match(field) or _DATE_LIKE.match(field))


def looks_like_header(fields: list[str]) -> bool:
    """Column names, not data: some text, and no field that is a number or a date."""
    present = [f.strip() for f in fields if f.strip()]
    return bool(present) and not any(_is_value(f) for f in present) and \
        any(any(ch.isalpha() for ch in f) for f in present)


def clean_names(fields: list[str]) -> tuple[str, ...]:
    """Strip padding, quotes and stray BOMs; name empty columns ``Unnamed: i``; make names unique."""
    names, seen = [], {}
    for i, field in enumerate(fields):
        name = field.replace("\ufeff", "").strip().strip('"').strip() or f"Unnamed: {i}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        names.append(name)
    return tuple(names)


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


def _head_lines(data: bytes, start: int, end: int, codec: str) -> list[tuple[int, str]]:
    """(byte offset, text) of the first lines of ``data[start:end]``, dropping a cut last line."""
    stop = min(end, start + HEAD_BYTES)
    chunk = data[start:stop]
    raw = chunk.split(b"\n")
    if stop < end and len(raw) > 1:
        raw = raw[:-1]
    out, pos = [], start
    for line in raw[:SNIFF_LINES]:
        out.append((pos, line.decode(codec, errors="replace").rstrip("\r")))
        pos += len(line) + 1
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


def find_tables(data: bytes, codec: str, separator: str | None = None) -> list[Table]:
    """Every table in the file: a header-like line starts one, which runs to the next or to the end.

    Blocks of lines without a header (e.g. data after a stray blank line) continue the table
    above them; metadata blocks (Open-Meteo's location line, Environment Canada's station
    details) become small tables of their own that the caller's scoring passes over.
    """
    tables: list[dict] = []
    headerless: dict | None = None
    for start, end in _blocks(data):
        head = _head_lines(data, start, end, codec)
        lines = [text for _, text in head]
        sep = _pick_separator(lines, separator) or (tables[-1]["sep"] if tables else None)
        if sep is None:
            continue
        for first, count, ncols in _runs(lines, sep):
            fields = split_fields(lines[first], sep)
            rows = [split_fields(line, sep) for line in lines[first:first + count]]
            if ncols >= 2 and looks_like_header(fields):
                if tables:
                    tables[-1]["end"] = head[first][0]
                tables.append({"start": head[first][0], "end": end, "sep": sep,
                               "names": clean_names(fields), "sample": rows[1:]})
            elif tables:
                tables[-1]["end"] = end
                if len(tables[-1]["sample"]) < SNIFF_LINES:
                    tables[-1]["sample"] += rows
            elif ncols >= 2 and headerless is None:
                headerless = {"start": head[first][0], "end": len(data), "sep": sep, "names": (),
                              "sample": rows, "headerless": True}
    if not tables and headerless is not None:
        tables.append(headerless)
    return [Table(t["start"], t["end"], t["sep"], t["names"], tuple(map(tuple, t["sample"][:SNIFF_LINES])),
                  t.get("headerless", False)) for t in tables]
