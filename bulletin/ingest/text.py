"""Text-file plumbing shared by the CSV-like readers: bytes, encodings, delimiters, rows with line numbers."""

from __future__ import annotations

import csv
import gzip
import io
import zlib
from pathlib import Path

from .. import files
from ..errors import IngestError

# tried in this order; the canonical CSV accepts only the first
ENCODINGS = ("utf-8-sig", "cp1251")
DELIMITERS = (";", "\t", ",")
MAX_REPORTED = 20


def read_bytes(path: Path) -> bytes:
    """The bytes of a text file, decompressed when its name ends in ``.gz``.

    Only a regular file is read, of at most :attr:`~bulletin.files.Limits.data_mib`, and a
    compressed file is decompressed to at most :attr:`~bulletin.files.Limits.decompressed_mib`.

    Raises
    ------
    IngestError
        When the file cannot be read, is not a regular file, is beyond a limit, is a damaged
        or cut-short gzip file, or is not text (an image, an archive, UTF-16: :func:`refuse_non_text`).
    """
    data = files.read_capped(path, "data file", files.LIMITS.data_mib, "data_mib", IngestError)
    if path.name.lower().endswith(".gz"):
        data = gunzip(path, data)
    refuse_non_text(path, data[:HEAD_BYTES])
    return data


def gunzip(path: Path, data: bytes) -> bytes:
    """The decompressed bytes of a gzip file (one or more members), decompressed once.

    Raises
    ------
    IngestError
        For data that are not gzip, for more than ``decompressed_mib`` once decompressed (no more
        than the limit and one byte is ever made: a bomb never sits in memory), and for a file cut
        short, naming the line it ends in.
    """
    try:
        out = list(_inflate(path, data, files.LIMITS.decompressed_mib * files.MIB))
    except zlib.error as exc:
        raise IngestError(f"{path}: not a readable gzip file ({exc}).",
                          hint="decompress it by hand to check it, or give the uncompressed file.") from exc
    return out[0] if len(out) == 1 else b"".join(out)  # one member: no second copy


def _inflate(path: Path, data: bytes, cap: int):
    """The decompressed bytes of each gzip member of ``data``, at most ``cap`` bytes in all.

    Each member is decompressed in one call that may give at most one byte more than what is left
    of ``cap``: a member that gives it is too large. Raises IngestError for more than ``cap`` bytes
    and for a file cut short, naming the line its data end in.
    """
    rest = data
    made: list[bytes] = []
    size = 0
    while rest:
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        chunk = d.decompress(rest, cap - size + 1)  # never 0, which would mean no bound
        size += len(chunk)
        if size > cap:
            raise files.too_large(path, "data file decompressed", f"more than {files.LIMITS.decompressed_mib} MiB",
                                  files.LIMITS.decompressed_mib, "decompressed_mib", IngestError)
        made.append(chunk)
        if not d.eof:
            lines = sum(c.count(b"\n") for c in made)
            raise IngestError(
                f"{path}: the compressed file is cut short: its data end in line {lines + 1} "
                f"(after {size} bytes of text), before the end of the gzip stream.",
                hint="the file was not copied or downloaded completely: get it again from its source "
                     "(`gzip -t FILE` checks a .gz file).")
        yield chunk
        rest = d.unused_data.lstrip(b"\0")  # a second member, or padding


def head_bytes(path: Path, n: int = 1 << 16) -> bytes:
    """At most the first ``n`` bytes of a text file (decompressed for ``.gz``), for sniffing."""
    gz = path.name.lower().endswith(".gz")
    files.regular_file_size(path, "data file", IngestError)
    try:
        if gz:
            with gzip.open(path, "rb") as fh:
                return fh.read(n)
        with open(path, "rb") as fh:
            return fh.read(n)
    except (OSError, EOFError, zlib.error):
        return read_bytes(path)[:n]  # raises the error that says what is wrong with the file


# the first bytes of files that are not text: (signature, what the file is, how to fix)
_GIVE_DATA = "give the data file itself (CSV, Excel .xlsx or NetCDF); check the file named with --data."
SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image", _GIVE_DATA),
    (b"\xff\xd8\xff", "a JPEG image", _GIVE_DATA),
    (b"GIF8", "a GIF image", _GIVE_DATA),
    (b"%PDF-", "a PDF document", "export the table from the program that made the PDF as CSV, or " + _GIVE_DATA),
    (b"PK\x03\x04", "a ZIP archive (an Excel workbook is one)",
     "an Excel workbook must be named .xlsx; another archive must be unpacked and its files given."),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel .xls workbook (or another Microsoft Office file)",
     "save it as .xlsx (Excel or LibreOffice: Save As > Excel Workbook)."),
    (b"\x1f\x8b", "gzip-compressed data", "name it with the ending .csv.gz, or decompress it (gunzip)."),
    (b"CDF\x01", "a NetCDF file", "name it with the ending .nc."),
    (b"CDF\x02", "a NetCDF file", "name it with the ending .nc."),
    (b"\x89HDF\r\n\x1a\n", "a NetCDF-4 (HDF5) file", "name it with the ending .nc."),
)
UTF16_HINT = ("save it as UTF-8 (Excel: Save As > CSV UTF-8 (Comma delimited); or "
              "iconv -f UTF-16 -t UTF-8 FILE > NEW.csv).")
HEAD_BYTES = 4096


def _looks_utf16(head: bytes) -> bool:
    """True when every other byte is NUL and the bytes between are not (ASCII text in UTF-16 without BOM)."""
    even, odd = head[::2], head[1::2]
    return len(head) >= 8 and any(a.count(0) > len(a) // 2 and b.count(0) == 0 for a, b in ((even, odd), (odd, even)))


def refuse_non_text(path: Path, head: bytes) -> None:
    """Raise when the first bytes of a file show it is not a text table.

    Recognised: the signatures of :data:`SIGNATURES`, UTF-16 text (a UTF-16 byte order mark,
    or NUL bytes between ASCII letters), other data with NUL bytes, and HTML pages (a download
    that returned a web page).
    """
    for magic, what, fix in SIGNATURES:
        if head.startswith(magic):
            shown = " ".join(f"{b:02X}" for b in magic[:4])
            raise IngestError(f"{path}: this is {what}, not a text data table (it starts with the bytes {shown}).",
                              hint=fix)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(head[:128]):
        raise IngestError(f"{path}: line 1: the file is UTF-16 text; a data table must be UTF-8 "
                          "(the Russian-locale CSV may also be cp1251).", hint=UTF16_HINT)
    if b"\0" in head:
        at = head.index(b"\0")
        line = head[:at].count(b"\n") + 1
        raise IngestError(f"{path}: line {line}: a NUL byte (0x00): this is a binary file, or a text file "
                          "damaged by an interrupted copy.",
                          hint="get a fresh copy of the file from its source; " + _GIVE_DATA)
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:15].lower()
    if start.startswith((b"<!doctype html", b"<html")):
        raise IngestError(f"{path}: line 1: this is a web page (HTML), not a data table; a download may have "
                          "returned a page (a login form or an error) instead of the file.",
                          hint="download the file again (check the link and that you are signed in), or export "
                               "the table as CSV.")


def decode(path: Path, data: bytes, encodings: tuple[str, ...] = ENCODINGS) -> tuple[str, str]:
    """Text and encoding of ``data``: the first of ``encodings`` that decodes the whole file.

    Raises
    ------
    IngestError
        Naming the line and the byte where the last encoding tried failed, or the line of a
        byte order mark in the middle of the text (two files joined into one).
    """
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            failure = exc
            continue
        refuse_inner_bom(path, text)
        return text, encoding
    line = data[: failure.start].count(b"\n") + 1
    line_start = data.rfind(b"\n", 0, failure.start) + 1
    column = len(data[line_start: failure.start].decode(failure.encoding, errors="replace")) + 1
    names = " or ".join("UTF-8" if e.startswith("utf-8") else e for e in encodings)
    raise IngestError(f"{path}: line {line}: the file is not {names} (the byte 0x{data[failure.start]:02X} at "
                      f"character {column} of the line); it was saved in another encoding.",
                      hint="save the file as UTF-8 (Excel: Save As > CSV UTF-8 (Comma delimited); or "
                           "iconv -f LATIN1 -t UTF-8 FILE > NEW.csv, with the encoding it was saved in).") from failure


def refuse_inner_bom(path: Path, text: str) -> None:
    """Raise when a byte order mark stands after the start of ``text`` (a leading one is already removed)."""
    at = text.find("\ufeff")
    if at >= 0:
        line = text.count("\n", 0, at) + 1
        raise IngestError(f"{path}: line {line}: a byte order mark (U+FEFF, the bytes EF BB BF) in the middle of "
                          "the file: a second file was probably appended to this one.",
                          hint=f"remove the mark and the repeated header on line {line}, if there is one; to read "
                               "several files, give each with --data instead of joining them.")


def head_lines(path: Path, n: int = 5) -> list[str]:
    """The first ``n`` non-blank lines of a text file (any of ``ENCODINGS``), for sniffing.

    Only the start of the file is read. Raises :class:`IngestError` for a file that is not text
    (:func:`refuse_non_text`).
    """
    data = head_bytes(path)
    refuse_non_text(path, data[:HEAD_BYTES])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # a cut in the middle of a character at the end of the sample is not an encoding problem
        text = data[: exc.start].decode("utf-8-sig") if exc.start > len(data) - 4 \
            else data.decode("cp1251", errors="replace")
    return [line for line in text.splitlines() if line.strip()][:n]


def delimiter_of(header: str) -> str:
    """The field separator of a header line: semicolon, tab or comma, in that order of preference."""
    for d in DELIMITERS:
        if d in header:
            return d
    return ","


def split_fields(line: str, delimiter: str) -> list[str]:
    """Fields of one line, unquoted and stripped."""
    return [f.strip() for f in next(csv.reader([line], delimiter=delimiter), [])]


def rows_with_lines(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """Non-blank rows of ``text`` with the physical line each starts on (quoted newlines allowed)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    out = []
    start = 1
    for row in reader:
        if row and not (len(row) == 1 and not row[0].strip()) and any(f.strip() for f in row):
            out.append((start, row))
        start = reader.line_num + 1
    return out


SEPARATOR_WORDS = {",": "commas", ";": "semicolons", "\t": "tabs"}


def width_problem(line: int, fields: list[str], expected: int, delimiter: str, *, unterminated: bool = False) -> str:
    """``line N: k fields where the header has m``, with the likely reason when one shows.

    Reasons: the line has no line break and too few fields (the file is cut short); the line
    splits into the right number of fields at another separator (lines pasted from another
    file); one field too many where two neighbours are digits (a decimal comma in a file that
    separates fields with commas). ``fields`` are the fields as split at ``delimiter``.
    """
    n = len(fields)
    text = f"line {line}: {n} field{'s' if n != 1 else ''} where the header has {expected}"
    reason = ""
    if unterminated and n < expected:
        reason = "the last line ends without a line break: the file looks cut short"
    else:
        joined = delimiter.join(fields)
        for other in DELIMITERS:
            if other != delimiter and other in joined and len(split_fields(joined, other)) == expected:
                reason = (f"this line is separated by {SEPARATOR_WORDS[other]}, the header by "
                          f"{SEPARATOR_WORDS[delimiter]}")
                break
        if not reason and delimiter == "," and n == expected + 1 and any(
                a.strip().lstrip("-").isdigit() and b.strip().isdigit() for a, b in zip(fields[:-1], fields[1:], strict=True)):
            reason = "a decimal comma? this file separates fields with commas, so decimals take a point: 412.5"
    return f"{text} ({reason})" if reason else text


def wrong_width(path: Path, problems: list[str], separator: str = "commas"):
    """Raise an IngestError for the lines of ``path`` that have the wrong number of fields.

    ``problems`` are the lines' descriptions (:func:`width_problem`): all are counted, the first
    :data:`MAX_REPORTED` listed; the hint names ``separator``, the word for the file's separator (``semicolons``).
    """
    raise IngestError(f"{path}: {len(problems)} line(s) have the wrong number of fields:",
                      details=problems[:MAX_REPORTED],
                      hint=f"each line needs one value per header column, separated by {separator}; "
                           "a field that holds the separator must be quoted (\"...\").")
