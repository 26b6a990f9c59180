"""Many canonical CSV files read as one table: one parse and one normalisation for all of them.

A network's data come as a file per station (the sample: 26 files), and a hydromet's archive
as thousands of small files. Read one by one, each file costs the fixed overhead of a parse, a
normalisation and a table, a few milliseconds however few its rows. Files that the canonical
CSV reader would read on its typed path (:func:`~.csv.read_typed`) and that share one header
are read here together: their bodies are joined under the header, parsed and normalised once,
each row keeping its own file and line.

Nothing else changes. The rows, their files and lines, the categories and every check are the
ones of the file-by-file read (the tests hold them equal); a batch with anything unusual (a
problem in a row, a quote, another header, an empty file) is read file by file instead, so
that each problem is reported exactly as it is for one file.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import IngestError
from .csv import REQUIRED, is_locale_variant, read_typed
from .registry import RawTable, reader_for
from .text import read_bytes
from .validate import normalise

JOINED_BYTES = 64 * 2**20
"""The most bytes of files joined in one run: the joined copy costs no more than this."""
JOINED_FILE_BYTES = 4 * 2**20
"""Files larger than this on disk are read on their own: they gain nothing from a joined read."""
BOM = b"\xef\xbb\xbf"


def batches(jobs: list, reader: str | None) -> list[list]:
    """``jobs`` (path, options) cut into batches: consecutive small CSV files with the same options.

    A batch of one file is read as before. The files are not opened here.
    """
    out: list[list] = []
    for job in jobs:
        if out and _joinable(job, reader) and _joinable(out[-1][-1], reader) and out[-1][-1][1] == job[1]:
            out[-1].append(job)
        else:
            out.append([job])
    return out


def _joinable(job, reader: str | None) -> bool:
    """Whether a file may be read with others: a small CSV by its name (its reader is confirmed when it is read)."""
    path = job[0]
    if reader not in (None, "csv") or not path.name.lower().endswith((".csv", ".csv.gz")):
        return False
    try:
        return path.stat().st_size <= JOINED_FILE_BYTES
    except OSError:
        return False  # the file-by-file read names the problem


@dataclass
class _Group:
    """Files of one header, their bodies joined when parsed."""

    header: bytes | None
    jobs: list = field(default_factory=list)
    bodies: list = field(default_factory=list)
    size: int = 0


def read_joined(jobs: list, reader: str | None, network, allow_unknown: bool) -> Iterator[tuple[list, pd.DataFrame | None]]:
    """The files of ``jobs`` in runs of one header, in order: (the run's jobs, their normalised rows, or None).

    None for a run to read file by file: a single file, a file that is not a canonical CSV for
    the typed path, or a run with any problem in a row (then the file-by-file read reports it,
    naming its file and line). Each run is parsed as soon as it ends, so that the bodies of one
    run (at most :data:`JOINED_BYTES`, and one file) are all that is held at a time.
    """
    group: _Group | None = None
    for job in jobs:
        part = _header_and_body(job[0], reader)
        if part is not None and group is not None and group.header == part[0] \
                and group.size + len(part[1]) <= JOINED_BYTES:
            group.jobs.append(job)
            group.bodies.append(part[1])
            group.size += len(part[1])
            continue
        if group is not None:
            yield _finish(group, network, allow_unknown)
        group = _Group(None, [job]) if part is None else _Group(part[0], [job], [part[1]], len(part[1]))
    if group is not None:
        yield _finish(group, network, allow_unknown)


def _finish(group: _Group, network, allow_unknown: bool) -> tuple[list, pd.DataFrame | None]:
    """(the run's jobs, its rows or None); its bodies are let go."""
    rows = _parse(group, network, allow_unknown) if len(group.jobs) > 1 and group.header is not None else None
    group.bodies.clear()
    return group.jobs, rows


def _header_and_body(path: Path, reader: str | None) -> tuple[bytes, bytes] | None:
    """(header line, the lines after it, ending with a line break) of a canonical CSV file; None for any other."""
    try:
        if reader_for(path, reader).name != "csv":
            return None
        data = read_bytes(path)
    except IngestError:
        return None
    if data.startswith(BOM):
        data = data[len(BOM):]
    end = data.find(b"\n")
    if end < 0:
        return None
    header, body = data[:end + 1], data[end + 1:]
    try:
        text = header.decode("utf-8")
    except UnicodeDecodeError:
        return None
    try:
        locale = is_locale_variant(text)
    except csv.Error:  # a line break inside the header (a lone CR): the file-by-file read names it
        return None
    blank = body[:1] in (b"", b"\r", b"\n") and not body.strip(b"\r\n")  # a copy only when it starts blank
    if locale or any(c not in _columns(header) for c in REQUIRED) or blank:
        return None
    return header, body if body.endswith(b"\n") else body + b"\n"


def _columns(header: bytes) -> list[str]:
    """The column names of a canonical header line (UTF-8, commas, no quotes), as the canonical reader reads them."""
    return [h.strip().lower() for h in header.decode("utf-8").rstrip("\r\n").split(",")]


def _parse(group: _Group, network, allow_unknown: bool) -> pd.DataFrame | None:
    """The normalised rows of a run's files, each row with its own file and line; None at the first problem."""
    counts = np.array([b.count(b"\n") for b in group.bodies], dtype=np.int64)
    # the header and each body end with a line break; a blank line anywhere makes read_typed give None
    rows = read_typed(group.header + b"".join(group.bodies), _columns(group.header), breaks=1 + int(counts.sum()))
    if rows is None:
        return None
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    rows["line"] = np.arange(len(rows), dtype=np.int64) - np.repeat(starts, counts) + 2
    rows["file"] = np.repeat(np.arange(len(group.jobs), dtype=np.int32), counts)  # positions in the names
    path, options = group.jobs[0]
    try:
        return normalise(RawTable(rows), path, network, allow_unknown, options,
                         file_names=[p.name for p, _ in group.jobs])
    except IngestError:
        return None
