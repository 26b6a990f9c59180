"""The canonical CSV of DESIGN.md: ``station,variable,date,value,unit[,resolution,flag]``.

UTF-8, comma-separated, header row; ``.csv.gz`` is read transparently.
"""

from __future__ import annotations

import csv as _csv
import gzip
import io
from pathlib import Path

import pandas as pd

from ..errors import IngestError
from . import register

REQUIRED = ("station", "variable", "date", "value", "unit")
OPTIONAL = ("resolution", "flag")


def _open_text(path: Path) -> str:
    data = path.read_bytes()
    if path.name.lower().endswith(".gz"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise IngestError(f"{path}: not a readable gzip file ({exc}).") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise IngestError(f"{path}: line {line}: the file is not UTF-8.",
                          hint="save the file as UTF-8 (the canonical CSV is UTF-8).") from exc


@register("csv", (".csv", ".csv.gz"))
def read_canonical_csv(path: Path) -> pd.DataFrame:
    """Raw text fields of a canonical CSV file, with the line number of each row."""
    text = _open_text(path)
    if not text.strip():
        raise IngestError(f"{path}: the file is empty.", hint="a canonical CSV starts with the header "
                          + ",".join(REQUIRED) + ".")
    header = [h.strip().lower() for h in next(_csv.reader(io.StringIO(text.split("\n", 1)[0])))]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise IngestError(f"{path}: line 1: the header lacks the column(s) {', '.join(missing)}.",
                          hint="the header must be " + ",".join(REQUIRED) + " (optional: resolution, flag).")
    if '"' in text:
        frame = _read_quoted(path, text, header)
    else:
        frame = _read_plain(path, text, header)
    keep = [c for c in (*REQUIRED, *OPTIONAL) if c in frame]
    out = frame[keep].astype(str)
    out["line"] = frame["line"].to_numpy()
    return out


def _wrong_width(path: Path, problems: list[str]):
    raise IngestError(f"{path}: {len(problems)} line(s) have the wrong number of fields:", details=problems[:20],
                      hint="each line needs one value per header column, separated by commas.")


def _read_plain(path: Path, text: str, header: list[str]) -> pd.DataFrame:
    """Fast path for files without quoting: one physical line per row, so line = row + 2."""
    lines = text.split("\n")
    problems = [f"line {i}: {line.count(',') + 1} fields where the header has {len(header)}"
                for i, line in enumerate(lines[1:], start=2)
                if line.strip() and line.count(",") != len(header) - 1]
    if problems:
        _wrong_width(path, problems)
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[],
                        skip_blank_lines=False, header=0, names=header, engine="c")
    frame["line"] = frame.index.to_numpy() + 2
    blank = (frame[header].fillna("") == "").all(axis=1)
    return frame[~blank]


def _read_quoted(path: Path, text: str, header: list[str]) -> pd.DataFrame:
    """Rows parsed with the csv module, which knows the physical line of quoted fields."""
    rows = _csv.reader(io.StringIO(text, newline=""))
    next(rows)
    records, lines, problems = [], [], []
    for row in rows:
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if len(row) != len(header):
            problems.append(f"line {rows.line_num}: {len(row)} fields where the header has {len(header)}")
            continue
        records.append(row)
        lines.append(rows.line_num)
    if problems:
        _wrong_width(path, problems)
    frame = pd.DataFrame(records, columns=header, dtype=object)
    frame["line"] = lines
    return frame
