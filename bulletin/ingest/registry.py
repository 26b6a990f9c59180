"""The reader registry: what a reader is given, what it returns, and how a file finds its reader.

A reader is a function ``read(path, options) -> RawTable``:

``path`` : pathlib.Path
    The file to read.
``options`` : ReadOptions
    What the caller knows that the file may not say: ``station``, ``variable``, ``unit``
    (each None when not given). Most readers ignore it: :func:`bulletin.ingest.validate.normalise`
    applies it.

It returns a :class:`RawTable`, the fields of the file as the file writes them (text, or
numbers and dates where the format stores them typed) and where each came from.

Readers are registered with :func:`register` under a name (``csv``, ``yearbook``,
``hydromet-long``, ``xlsx``, ``netcdf``) with the file suffixes they claim and, when several
claim the same suffix, a ``sniff(lines) -> bool`` that recognises the layout from the first
lines of the file. :func:`reader_for` picks the reader of a file and :func:`read_table` runs it.

This module imports no reader: the reader modules import it to register themselves, and
:mod:`bulletin.ingest` imports them in the order in which their sniffers are asked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path

import pandas as pd

from ..errors import IngestError
from .text import head_lines

# fields a reader may deliver; "norm" is an archive's own long-term mean of the period
FIELDS = ("station", "variable", "date", "value", "unit", "resolution", "flag", "norm")


@dataclass(frozen=True)
class ReadOptions:
    """What the caller supplies for files that do not name it (None: not given).

    A value in the file wins over none given; a value given that differs from the file's
    is an error naming the place in the file.
    """

    station: str | None = None
    variable: str | None = None
    unit: str | None = None
    station_origin: str = "given with --station"  # where ``station`` came from, for messages


@dataclass
class RawTable:
    """What a reader returns.

    Parameters
    ----------
    rows : pandas.DataFrame
        One row per observation. Columns: any of :data:`FIELDS` (text; ``value`` and ``norm``
        may also hold numbers and ``date`` datetimes), ``line`` (int: physical line, sheet row or
        position, in reading order), optionally ``where`` (the place of the row, default
        ``line N``), ``where_<field>`` (the place of one field, e.g. an Excel cell) and
        ``part`` (the part of the file, e.g. ``sheet 'toktogul'``, recorded with each row).
    decimal : {'.', ','}
        Decimal separator of text numbers; ``,`` accepts a point too and ignores spaces.
    date_formats : tuple of str
        strptime formats of text dates, tried in order.
    hint : str
        How to fix the problems :func:`~bulletin.ingest.validate.normalise` finds, in this format's words.
    notes : list of str
        Sentences for the user about what the reader left aside (e.g. skipped variables).
    """

    rows: pd.DataFrame
    decimal: str = "."
    date_formats: tuple[str, ...] = ("%Y-%m-%d",)
    hint: str = "correct the lines named above; see the canonical CSV format in the README."
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Reader:
    """A registered reader: name, function, suffixes it claims, and how to recognise its layout."""

    name: str
    read: Callable[[Path, ReadOptions], RawTable]
    suffixes: tuple[str, ...]
    sniff: Callable[[list[str]], bool] | None = None
    layout: str = ""


# name -> Reader, in registration order (the order in which sniffers are asked)
READERS: dict[str, Reader] = {}


def register(name: str, suffixes: tuple[str, ...], *, sniff: Callable[[list[str]], bool] | None = None,
             layout: str = ""):
    """Register ``read(path, options) -> RawTable`` under ``name``.

    Parameters
    ----------
    suffixes : tuple of str
        Lower-case file name endings the reader claims (``.csv``, ``.csv.gz``).
    sniff : callable, optional
        ``sniff(lines) -> bool``: True when the first non-blank lines of a text file have this
        reader's layout. Needed when several readers claim a suffix.
    layout : str
        One line describing the layout, for the error when no reader recognises a file.
    """

    def wrap(func):
        READERS[name] = Reader(name, func, suffixes, sniff, layout)
        return func

    return wrap


def reader_for(path: Path, name: str | None = None) -> Reader:
    """The reader named ``name``, or the one whose suffix and layout match ``path``.

    Raises
    ------
    IngestError
        For an unknown reader name, a file no reader claims, an empty file, or a text file
        whose first lines match none of the layouts that claim its suffix.
    """
    if name:
        key = name.strip().lower()
        if key not in READERS:
            close = get_close_matches(key, READERS, n=1)
            maybe = f" (did you mean '{close[0]}'?)" if close else ""
            raise IngestError(f"unknown reader '{name}'{maybe}.", hint=f"use one of: {', '.join(READERS)}.")
        return READERS[key]
    lower = path.name.lower()
    candidates = [r for r in READERS.values() if lower.endswith(r.suffixes)]
    if not candidates:
        raise IngestError(f"{path}: no reader for this kind of file.",
                          hint=f"name one with --reader ({', '.join(READERS)}).")
    if len(candidates) == 1 and candidates[0].sniff is None:
        return candidates[0]
    lines = head_lines(path)
    if not lines:
        raise IngestError(f"{path}: the file is empty.",
                          hint="a canonical CSV starts with the header station,variable,date,value,unit.")
    for r in candidates:
        if r.sniff is None or r.sniff(lines):
            return r
    raise IngestError(f"{path}: line 1: the layout of this file is none of those known for its suffix:",
                      details=[f"{r.name}: {r.layout}" for r in candidates],
                      hint="correct the header, or name the reader with --reader (reader= in read_observations).")


def read_table(path: Path, reader: str | None = None, options: ReadOptions | None = None) -> RawTable:
    """The raw table of one file, by the named reader or the one that recognises the file."""
    r = reader_for(path, reader)
    try:
        raw = r.read(path, options or ReadOptions())
    except IngestError:
        raise
    except Exception as exc:  # noqa: BLE001 - third-party parsers raise anything on a damaged file
        raise IngestError(f"{path}: cannot be read as {r.name} ({type(exc).__name__}: {exc}).",
                          hint="check that the file opens in the program that wrote it, "
                               f"or name another reader with --reader ({', '.join(READERS)}).") from exc
    return raw if isinstance(raw, RawTable) else RawTable(raw)
