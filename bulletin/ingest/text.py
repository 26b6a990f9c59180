"""Text-file plumbing shared by the CSV-like readers: bytes, encodings, delimiters, rows with line numbers."""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

from ..errors import IngestError

# tried in this order; the canonical CSV accepts only the first
ENCODINGS = ("utf-8-sig", "cp1251")
DELIMITERS = (";", "\t", ",")
MAX_REPORTED = 20


def read_bytes(path: Path) -> bytes:
    """The bytes of a file, decompressed when its name ends in ``.gz``."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"{path}: cannot be read ({exc.strerror}).", hint="check the path and its permissions.") from exc
    if path.name.lower().endswith(".gz"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise IngestError(f"{path}: not a readable gzip file ({exc}).",
                              hint="decompress it by hand to check it, or give the uncompressed file.") from exc
    return data


def decode(path: Path, data: bytes, encodings: tuple[str, ...] = ENCODINGS) -> tuple[str, str]:
    """Text and encoding of ``data``: the first of ``encodings`` that decodes the whole file.

    Raises
    ------
    IngestError
        Naming the line where the last encoding tried failed.
    """
    for encoding in encodings:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            failure = exc
    line = data[: failure.start].count(b"\n") + 1
    names = " or ".join("UTF-8" if e.startswith("utf-8") else e for e in encodings)
    raise IngestError(f"{path}: line {line}: the file is not {names}.",
                      hint="save the file as UTF-8.") from failure


def head_lines(path: Path, n: int = 5) -> list[str]:
    """The first ``n`` non-blank lines of a text file (any of ``ENCODINGS``), for sniffing."""
    data = read_bytes(path)[: 1 << 16]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # a cut in the middle of a character at the end of the sample is not an encoding problem
        text = data[: exc.start].decode("utf-8-sig") if exc.start > len(data) - 4 else data.decode("cp1251")
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


def wrong_width(path: Path, problems: list[str], separator: str = "commas"):
    raise IngestError(f"{path}: {len(problems)} line(s) have the wrong number of fields:",
                      details=problems[:MAX_REPORTED],
                      hint=f"each line needs one value per header column, separated by {separator}.")
