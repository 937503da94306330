"""From a source to text bytes: reading paths and uploads, refusing binary data, choosing the encoding.

Everything after this works on bytes in an ASCII-compatible encoding (UTF-16 is re-encoded as
UTF-8), so that lines can be found with byte scans, never a Python loop over a file's rows.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from gd_core.importer.messages import WeatherFileError, count

HEAD_CHARS = 256 * 1024  # control characters are counted in this much of the decoded text
UTF16_SNIFF = 4096  # bytes examined for UTF-16 without a byte-order mark
UTF16_NUL_SHARE = 0.3  # ... whose high bytes (one position in two) are NUL at least this often
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_TODO_CSV = "export the weather data as CSV text and upload that"
_MAGIC = (  # (prefix, what it is, what to do)
    (b"\x89PNG", "a PNG image", _TODO_CSV),
    (b"\xff\xd8\xff", "a JPEG image", _TODO_CSV),
    (b"GIF8", "a GIF image", _TODO_CSV),
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


@dataclass(frozen=True)
class Decoded:
    """``body``: the file's bytes in ``codec`` (ASCII-compatible, no BOM); ``label`` for display."""

    body: bytes
    codec: str
    label: str
    notes: tuple[str, ...] = ()


def read_source(source, filename: str | None) -> tuple[bytes, str]:
    """Bytes and a display name from bytes, a path (str or Path) or a file-like object."""
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source), filename or "the file"
    if isinstance(source, str | Path):
        return _read_path(Path(source), filename)
    for attr in ("getvalue", "read"):  # e.g. an uploaded file or io.BytesIO
        if hasattr(source, attr):
            data = getattr(source, attr)()
            if isinstance(data, bytes | bytearray):
                return bytes(data), filename or getattr(source, "name", None) or "the file"
    raise WeatherFileError(f"cannot read a weather file from a {type(source).__name__}: "
                           "pass the file's bytes or its path")


def _read_path(path: Path, filename: str | None) -> tuple[bytes, str]:
    """The bytes of a file on disk, with messages for a missing or unreadable one."""
    if not path.is_file():
        raise WeatherFileError(f"file not found: {str(path)!r} (check the path)")
    try:
        return path.read_bytes(), filename or path.name
    except OSError as exc:
        raise WeatherFileError(f"cannot read {path.name!r}: {exc.strerror} "
                               "(check the path and its permissions)") from exc


def utf16_codec(data: bytes) -> str | None:
    """'utf-16' (with a BOM), 'utf-16-le' or 'utf-16-be' (without one), or None.

    Without a BOM, text that is mostly ASCII or Latin-1 has a NUL as the high byte of almost every
    character: at odd positions for little-endian, at even ones for big-endian, never both.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = data[:UTF16_SNIFF - UTF16_SNIFF % 2][: len(data) // 2 * 2]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    nul_even, nul_odd = sample[0::2].count(0), sample[1::2].count(0)
    if nul_odd >= UTF16_NUL_SHARE * pairs and nul_even <= pairs // 100:
        return "utf-16-le"
    if nul_even >= UTF16_NUL_SHARE * pairs and nul_odd <= pairs // 100:
        return "utf-16-be"
    return None


def check_not_binary(data: bytes, name: str) -> None:
    """Reject empty files, images, archives and other binary data with a message saying what it is."""
    if not data or data.isspace():
        what = "empty (0 bytes)" if not data else "blank (only whitespace)"
        raise WeatherFileError(f"{name!r} is {what}, with no columns and no rows: choose a CSV file that "
                               "contains weather data")
    for prefix, what, todo in _MAGIC:
        if data.startswith(prefix):
            raise WeatherFileError(f"{name!r} is {what}, not a CSV text file: {todo}")
    if b"\x00" in data and not utf16_codec(data):
        raise WeatherFileError(f"{name!r} contains NUL bytes, so it is binary data, not a CSV text file: "
                               "export the weather data as CSV text (UTF-8) and upload that")


def decode(data: bytes, name: str, encoding: str | None = None) -> Decoded:
    """The file as ASCII-compatible bytes: the chosen encoding, else UTF-16 (with or without BOM),
    UTF-8 (with or without BOM), Windows-1252, Latin-1, in that order."""
    if encoding is not None:
        return _decode_as(data, name, encoding)
    utf16 = utf16_codec(data)
    if utf16:
        return _decode_utf16(data, name, utf16)
    body, label = (data[3:], "UTF-8 with BOM") if data.startswith(codecs.BOM_UTF8) else (data, "UTF-8")
    for codec, shown in (("utf-8", label), ("cp1252", "Windows-1252"), ("latin-1", "Latin-1")):
        try:
            text = body.decode(codec)
        except UnicodeDecodeError:
            continue
        _check_control_chars(text[:HEAD_CHARS], name)
        notes = () if codec == "utf-8" else (f"decoded as {shown} (not valid UTF-8)",)
        return Decoded(body, codec, shown, notes)
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover


def _decode_as(data: bytes, name: str, encoding: str) -> Decoded:
    """Decode with the encoding the user chose, or say why it does not fit."""
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
    notes = (f"decoded as {encoding}, as corrected",)
    if codec.startswith(("utf-16", "utf_16")):
        return Decoded(text.lstrip("\ufeff").encode("utf-8"), "utf-8", encoding, notes)
    _check_control_chars(text[:HEAD_CHARS], name)
    body = data[3:] if codec == "utf-8" and data.startswith(codecs.BOM_UTF8) else data
    return Decoded(body, codec, encoding, notes)


def _decode_utf16(data: bytes, name: str, codec: str) -> Decoded:
    """UTF-16 text re-encoded as UTF-8 (a truncated last byte is dropped)."""
    try:
        text = data[: len(data) // 2 * 2].decode(codec)
    except UnicodeDecodeError:
        raise WeatherFileError(f"{name!r} looks like UTF-16 text but cannot be decoded: "
                               "save it again as CSV (UTF-8)") from None
    _check_control_chars(text[:HEAD_CHARS], name)
    if codec == "utf-16":
        return Decoded(text.lstrip("\ufeff").encode("utf-8"), "utf-8", "UTF-16", ("decoded as UTF-16",))
    label = f"UTF-16 {codec[-2:].upper()} (no byte-order mark)"
    note = f"decoded as {label}: every other byte is zero, as in UTF-16 text"
    return Decoded(text.encode("utf-8"), "utf-8", label, (note,))


def _check_control_chars(text: str, name: str) -> None:
    """Text full of control characters is binary data or a wrong encoding, not a CSV."""
    bad = len(_CONTROL.findall(text))
    if bad > max(2, len(text) // 100):
        raise WeatherFileError(f"{name!r} cannot be decoded as text (UTF-8, Windows-1252 or Latin-1): "
                               f"{count(bad, 'control character')} in its first {len(text):,} characters. "
                               "Save it again as CSV (UTF-8) from the program that made it")


def unify_line_ends(body: bytes) -> bytes:
    """Old Mac files end lines with a bare CR: make them LF so lines can be found."""
    head = body[:HEAD_CHARS]
    return body.replace(b"\r", b"\n") if b"\r" in head and b"\n" not in head else body
