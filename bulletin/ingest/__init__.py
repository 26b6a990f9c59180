"""Readers: one thin reader per format, registered by name, all ending in :class:`Observations`.

A reader is a function ``read(path, options) -> RawTable``:

``path`` : pathlib.Path
    The file to read.
``options`` : ReadOptions
    What the caller knows that the file may not say: ``station``, ``variable``, ``unit``
    (each None when not given). Most readers ignore it: :func:`normalise` applies it.

It returns a :class:`RawTable`, the fields of the file as the file writes them (text, or
numbers and dates where the format stores them typed) and where each came from.
:func:`normalise` then fills the fields the file does not name from ``options``, resolves
stations, checks variables, parses dates and numbers and converts units, and reports every
problem with its file and place (line, sheet and cell, or NetCDF variable) and how to fix it.
No quality control and no science happen in a reader.

Readers are registered with :func:`register` under a name (``csv``, ``yearbook``,
``hydromet-long``, ``xlsx``, ``netcdf``) with the file suffixes they claim and, when several
claim the same suffix, a ``sniff(lines) -> bool`` that recognises the layout from the first
lines of the file. ``read_observations(..., reader=NAME)`` forces a reader.
"""

from __future__ import annotations

import calendar
import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from difflib import get_close_matches
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import IngestError
from ..network import Network
from ..periods import OBSERVED_RESOLUTIONS as RESOLUTIONS
from ..periods import period_of_year
from ..resources import resource_path
from ..units import conversion_factor, known_units, load_variables
from .text import MAX_REPORTED, head_lines

RESOLUTION_VALUES = RESOLUTIONS
# fields a reader may deliver; "norm" is an archive's own long-term mean of the period
FIELDS = ("station", "variable", "date", "value", "unit", "resolution", "flag", "norm")
# fields the caller may supply for files that do not name them
GIVEN_FIELDS = ("station", "variable", "unit")
DATE_FORMS = {"%Y-%m-%d": "YYYY-MM-DD", "%d.%m.%Y": "DD.MM.YYYY"}
ARCHIVE_NORM_COLUMNS = ["station", "variable", "resolution", "period_of_year", "norm", "file"]


@dataclass(frozen=True)
class ReadOptions:
    """What the caller supplies for files that do not name it (None: not given).

    A value in the file wins over none given; a value given that differs from the file's
    is an error naming the place in the file.
    """

    station: str | None = None
    variable: str | None = None
    unit: str | None = None


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
        How to fix the problems :func:`normalise` finds, in this format's words.
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


@dataclass(frozen=True)
class InputFile:
    path: str
    sha256: str


def _empty_norms() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=np.int64 if c == "period_of_year" else float if c == "norm" else object)
                         for c in ARCHIVE_NORM_COLUMNS})


@dataclass
class Observations:
    """Observations in canonical units.

    ``frame`` has one row per observation: station, variable, date (datetime64, UTC day;
    for pentad, dekad and month values the last day of the period), value [canonical unit],
    resolution (day, pentad, dekad, month), flag, file, line.

    ``archive_norms`` holds the norms an archive ships with its data (hydromet long files):
    station, variable, resolution, period_of_year (pentad 1-72, dekad 1-36, month 1-12, day of
    year 1-366), norm [canonical unit] and file. ``notes`` says what readers left aside.
    """

    frame: pd.DataFrame
    inputs: list[InputFile] = field(default_factory=list)
    unknown_stations: list[str] = field(default_factory=list)
    archive_norms: pd.DataFrame = field(default_factory=_empty_norms)
    notes: list[str] = field(default_factory=list)

    def keys(self) -> list[tuple[str, str]]:
        """(station, variable) pairs present, in order of first appearance."""
        pairs = self.frame[["station", "variable"]].drop_duplicates()
        return list(map(tuple, pairs.to_numpy()))

    def series(self, station: str, variable: str, resolution: str = "day") -> pd.Series:
        """Values of one station and variable at one resolution, indexed by date, sorted."""
        f = self._groups().get((station, variable, resolution))
        if f is None:
            return pd.Series([], index=pd.DatetimeIndex([], name="date"), dtype=float, name=variable)
        return pd.Series(f["value"].to_numpy(), index=pd.DatetimeIndex(f["date"], name="date"), name=variable)

    def resolutions(self, station: str, variable: str) -> list[str]:
        """Resolutions present for one station and variable, finest first."""
        present = {k[2] for k in self._groups() if k[:2] == (station, variable)}
        return [r for r in RESOLUTIONS if r in present]

    def _groups(self) -> dict:
        if not hasattr(self, "_cache"):
            ordered = self.frame.sort_values(["station", "variable", "resolution", "date"], kind="stable")
            self._cache = {k: g for k, g in ordered.groupby(["station", "variable", "resolution"], sort=False)}
        return self._cache

    @property
    def last_date(self):
        return self.frame["date"].max().date() if len(self.frame) else None

    def to_dataset(self, resolution: str = "day"):
        """The observations as an xarray Dataset (station x time), one data variable per variable."""
        import xarray as xr

        f = self.frame[self.frame["resolution"] == resolution]
        table = f.pivot_table(index=["station", "date"], columns="variable", values="value", aggfunc="first")
        ds = xr.Dataset.from_dataframe(table).rename({"date": "time"})
        for name, var in load_variables().items():
            if name in ds:
                ds[name].attrs["units"] = var.unit
        return ds


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def sample_data_path() -> Path:
    return resource_path("data", "sample")


def _is_data_file(f: Path, suffixes: tuple[str, ...]) -> bool:
    # "~$book.xlsx" is the lock file Excel leaves beside an open workbook
    return f.is_file() and f.name.lower().endswith(suffixes) and not f.name.startswith("~$")


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files named directly, and the data files inside named directories (sorted)."""
    suffixes = tuple(dict.fromkeys(s for r in READERS.values() for s in r.suffixes))
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(f for f in p.iterdir() if _is_data_file(f, suffixes))
            if not found:
                raise IngestError(f"{p}: the directory holds no data file ({', '.join(suffixes)}).")
            files += found
        elif p.is_file():
            files.append(p)
        else:
            raise IngestError(f"{p}: no such file or directory.", hint="check the path given with --data.")
    return files


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


def read_observations(paths: Iterable[str | Path] | None, network: Network | None, *,
                      allow_unknown_stations: bool = False, reader: str | None = None,
                      station: str | None = None, variable: str | None = None,
                      unit: str | None = None) -> Observations:
    """Read every file into one :class:`Observations` (``paths`` None: the embedded sample).

    Parameters
    ----------
    paths : iterable of str or Path, or None
        Files, and directories whose data files are all read.
    network : Network or None
        Resolves station ids and aliases. Without a network every station name is kept.
    allow_unknown_stations : bool
        Keep stations that are not in the network (reported in ``unknown_stations``)
        instead of raising an error naming their file and line.
    reader : str, optional
        Name of the reader for every file (``READERS``); default: chosen per file from its
        suffix and its first lines.
    station, variable, unit : str, optional
        For files that do not name them (a yearbook names none). A value in the file wins over
        none given; a value given that differs from the file's is an error.

    Raises
    ------
    IngestError
        Naming the file and the line, cell or variable of every problem, and how to fix it.
    """
    options = ReadOptions(station, variable, unit)
    files = expand_paths([sample_data_path()] if paths is None else list(paths))
    frames, inputs, norms, notes = [], [], [], []
    for path in files:
        raw = read_table(path, reader, options)
        if raw.rows.empty and not raw.notes:
            raise IngestError(f"{path}: the file holds no observation.",
                              hint="give a file with data, or leave this one out of --data.")
        frame = normalise(raw, path, network, allow_unknown_stations, options)
        if "norm" in frame:
            norms.append(_archive_norms(frame))
            frame = frame.drop(columns="norm")
        frames.append(frame)
        notes += [f"{path.name}: {n}" for n in raw.notes]
        inputs.append(InputFile(path.name if paths is None else str(path), sha256_of(path)))
    frame = pd.concat(frames, ignore_index=True) if frames else _empty_frame()
    _check_conflicting_duplicates(frame, files)
    unknown = sorted(set(frame["station"]) - set(network.stations)) if network else []
    archive = pd.concat(norms, ignore_index=True) if norms else _empty_norms()
    return Observations(frame, inputs, unknown, archive, notes)


def _archive_norms(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per station, variable, resolution and period of year whose archive norm is given."""
    f = frame[frame["norm"].notna()]
    poy = np.zeros(len(f), dtype=np.int64)
    res = f["resolution"].to_numpy()
    for r in np.unique(res):
        m = res == r
        poy[m] = period_of_year(r, pd.DatetimeIndex(f["date"].to_numpy()[m]))
    out = pd.DataFrame({"station": f["station"].to_numpy(), "variable": f["variable"].to_numpy(),
                        "resolution": res, "period_of_year": poy, "norm": f["norm"].to_numpy(dtype=float),
                        "file": f["file"].to_numpy()})
    out = out.drop_duplicates(["station", "variable", "resolution", "period_of_year", "norm"])
    return out.sort_values(["station", "variable", "resolution", "period_of_year"], kind="stable",
                           ignore_index=True)


def _empty_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "station": pd.Series([], dtype=object), "variable": pd.Series([], dtype=object),
        "date": pd.Series([], dtype="datetime64[ns]"), "value": pd.Series([], dtype=float),
        "resolution": pd.Series([], dtype=object), "flag": pd.Series([], dtype=object),
        "file": pd.Series([], dtype=object), "line": pd.Series([], dtype=np.int64),
    })


def _raise(path: Path, problems: list[str], hint: str) -> None:
    counts: dict[str, int] = {}
    for p in problems:  # the same problem on many rows (a unit given for a whole file) is said once
        counts[p] = counts.get(p, 0) + 1
    unique = [p if n == 1 else f"{p} ({n} rows)" for p, n in counts.items()]
    shown = unique[:MAX_REPORTED]
    more = len(unique) - len(shown)
    if more:
        shown.append(f"... and {more} more")
    raise IngestError(f"{path}: {len(unique)} problem(s) in the data:", details=shown, hint=hint)


@lru_cache(maxsize=1)
def variable_spellings() -> dict[str, str]:
    """Accepted spellings of each variable: its id and its name in every language (casefolded)."""
    out = {}
    for name, var in load_variables().items():
        out[fold(name)] = name
        for label in var.names.values():
            out[fold(label)] = name
    return out


def fold(text: str) -> str:
    """A name compared case-blind, with ё as е and runs of spaces as one."""
    return " ".join(text.replace("ё", "е").replace("Ё", "Е").split()).casefold()


def _distinct(col: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """(row -> position, distinct values as stripped text) of a column; missing values are ''.

    Observation files repeat the same station, variable, unit and date strings on thousands of
    rows: parsing the distinct values only, then spreading the results back with the positions,
    is many times faster than working on every row.
    """
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    text = pd.Series([str(v).strip() for v in uniques] + [""], dtype=object)
    return np.where(codes < 0, len(uniques), codes), text


def _text(col: pd.Series) -> pd.Series:
    """A column as stripped text; None and NaN become ''."""
    rows, text = _distinct(col)
    return pd.Series(text.to_numpy()[rows], index=col.index, dtype=object)


def _numbers(col: pd.Series, decimal: str) -> tuple[np.ndarray, np.ndarray]:
    """(float values, mask of text that is not a number) of a column of text and/or numbers."""
    if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
        return col.to_numpy(dtype=float), np.zeros(len(col), dtype=bool)
    if pd.api.types.is_string_dtype(col):
        typed = np.zeros(len(col), dtype=bool)
        obj = col
    else:
        obj = col.astype(object)
        typed = obj.map(lambda x: isinstance(x, (int, float, np.number)) and not isinstance(x, bool)
                        ).to_numpy(dtype=bool)
    values = np.full(len(col), np.nan)
    if typed.any():
        values[typed] = obj[typed].to_numpy(dtype=float)
    rows, text = _distinct(obj[~typed])
    cleaned = text
    if decimal == ",":
        cleaned = text.str.replace(r"[\s\u00a0\u202f]", "", regex=True).str.replace(",", ".", regex=False)
    parsed = pd.to_numeric(cleaned, errors="coerce").to_numpy(dtype=float)
    values[~typed] = parsed[rows]
    bad = np.zeros(len(col), dtype=bool)
    bad[~typed] = (np.isnan(parsed) & (text != "").to_numpy())[rows]
    return values, bad


def _dates(col: pd.Series, formats: tuple[str, ...]) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(col):
        return col.dt.tz_localize(None).dt.normalize() if col.dt.tz is not None else col.dt.normalize()
    rows, text = _distinct(col)
    dates = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    for fmt in formats:
        missing = dates.isna()
        if not missing.any():
            break
        dates[missing] = pd.to_datetime(text[missing], format=fmt, errors="coerce")
    return pd.Series(dates.to_numpy()[rows], index=col.index)


def _same_unit(a: str, b: str) -> bool:
    try:
        return conversion_factor(a, b) == 1.0
    except ValueError:
        return a.strip().casefold() == b.strip().casefold()


class _Problems:
    """Problems of one raw table, each at its place: ``where_<field>``, ``where``, or ``line N``;
    a field the caller filled in is placed at the option that gave it."""

    def __init__(self, rows: pd.DataFrame):
        self.rows = rows
        self.lines = rows["line"].to_numpy()
        self.filled: dict[str, np.ndarray] = {}
        self.found: list[tuple[int, str]] = []

    def places(self, idx: np.ndarray, fld: str) -> list[str]:
        """The place of ``fld`` in the rows ``idx``, the most precise given: ``where_<field>``; in a sheet
        (a table with ``part`` and ``cell_<field>`` columns, the column letters of the field's cells) the
        cell ``{part} cell {letters}{line}``; ``where``; in a sheet ``{part} row {line}``; else ``line N``.
        A sheet's places are written here, for the rows reported only."""
        rows, lines = self.rows, self.lines[idx]
        sheet = "part" in rows and any(str(c).startswith("cell_") for c in rows.columns)
        parts = rows["part"].to_numpy()[idx] if sheet else [None] * len(lines)
        out = [f"{p} row {ln}" if isinstance(p, str) and p else f"line {ln}" for p, ln in zip(parts, lines, strict=True)]
        for col in ("where", f"cell_{fld}", f"where_{fld}"):
            if col not in rows or (col.startswith("cell_") and not sheet):
                continue
            texts = rows[col].to_numpy()[idx]
            if col.startswith("cell_"):
                texts = [f"{p} cell {c}{ln}" if isinstance(p, str) and p and isinstance(c, str) and c else None
                         for p, c, ln in zip(parts, texts, lines, strict=True)]
            out = [w if isinstance(w, str) and w else o for w, o in zip(texts, out, strict=True)]
        if fld in self.filled:
            out = [f"the {fld} given with --{fld}" if f else p
                   for f, p in zip(self.filled[fld][idx], out, strict=True)]
        return out

    def report(self, mask, fld: str, message: Callable[[np.ndarray], list[str]]) -> None:
        """Record ``message(idx)`` for the rows ``idx`` where ``mask`` is true."""
        idx = np.flatnonzero(mask)
        if idx.size:
            for i, place, text in zip(idx, self.places(idx, fld), message(idx), strict=True):
                self.found.append((int(i), f"{place}: {text}"))

    def report_first(self, mask, fld: str, text: str) -> None:
        """Record ``text`` once, at the first row where ``mask`` is true."""
        idx = np.flatnonzero(mask)
        if idx.size:
            first = np.zeros(len(self.lines), dtype=bool)
            first[idx[0]] = True
            self.report(first, fld, lambda i: [text] * i.size)

    def raise_if_any(self, path: Path, hint: str) -> None:
        if self.found:
            self.found.sort(key=lambda p: p[0])
            _raise(path, [p for _, p in self.found], hint)


def normalise(raw: RawTable | pd.DataFrame, path: Path, network: Network | None, allow_unknown: bool,
              options: ReadOptions | None = None) -> pd.DataFrame:
    """Raw fields of one file to canonical rows (see :class:`RawTable`), or an error listing every problem.

    Returns
    -------
    pandas.DataFrame
        station, variable, date, value [canonical unit], resolution, flag, file, line, and
        norm [canonical unit] when the reader delivered archive norms.
    """
    table = raw if isinstance(raw, RawTable) else RawTable(raw)
    options = options or ReadOptions()
    rows = table.rows.reset_index(drop=True)
    variables = load_variables()
    problems = _Problems(rows)

    given = {}
    for fld in GIVEN_FIELDS:
        col, missing, from_option = _fill_given(rows, fld, getattr(options, fld), network, problems)
        given[fld] = (col, missing)
        problems.filled[fld] = from_option

    stations = _resolve_stations(*given["station"], network, allow_unknown, problems)

    variable_in, missing_variable = given["variable"]
    spellings = variable_spellings()
    variable = variable_in.map({v: spellings.get(fold(v), v.lower()) for v in variable_in.unique()})
    bad_var = ~variable.isin(list(variables)).to_numpy() & ~missing_variable.to_numpy()
    _report_once_per_value(problems, bad_var, "variable", variable_in.to_numpy(), lambda v: (
        f"unknown variable '{v}' ({_did_you_mean(fold(v), list(spellings))}known: {', '.join(variables)})"))

    if "resolution" in rows:
        resolution = _text(rows["resolution"]).str.lower().replace("", "day")
    else:
        resolution = pd.Series("day", index=rows.index)
    problems.report(~resolution.isin(RESOLUTION_VALUES).to_numpy(), "resolution", lambda i: [
        f"resolution '{r}' is not one of {', '.join(RESOLUTION_VALUES)}" for r in resolution.to_numpy()[i]])

    dates = _dates(rows["date"], table.date_formats)
    forms = " or ".join(DATE_FORMS.get(f, f) for f in table.date_formats)
    problems.report(dates.isna().to_numpy(), "date", lambda i: [
        f"date '{d}' is not a date in the form {forms}{_no_such_day(d, table.date_formats)}" if d
        else "the date is missing" for d in _text(rows["date"]).to_numpy()[i]])

    separator = "a point" if table.decimal == "." else "a comma or a point"
    values, bad_value = _numbers(rows["value"], table.decimal)
    problems.report(bad_value, "value", lambda i: [
        f"value '{v}' is not a number (use {separator} as decimal separator; leave the field empty for a "
        "missing value)" for v in _text(rows["value"]).to_numpy()[i]])
    norms = None
    if "norm" in rows:
        norms, bad_norm = _numbers(rows["norm"], table.decimal)
        problems.report(bad_norm, "norm", lambda i: [f"norm '{v}' is not a number"
                                                     for v in _text(rows["norm"]).to_numpy()[i]])

    factors = _conversion_factors(variable, given["unit"][0], problems)
    problems.raise_if_any(path, table.hint)
    name = str(path.name)
    files = (name + " " + _text(rows["part"])).str.strip().to_numpy(dtype=object) if "part" in rows else name
    out = pd.DataFrame({
        "station": stations.to_numpy(dtype=object), "variable": variable.to_numpy(dtype=object),
        "date": dates.to_numpy(), "value": values * factors,
        "resolution": resolution.to_numpy(dtype=object),
        "flag": (_text(rows["flag"]) if "flag" in rows else pd.Series("", index=rows.index)).to_numpy(dtype=object),
        "file": files, "line": problems.lines.astype(np.int64),
    })
    if norms is not None:
        out["norm"] = norms * factors
    return out


def _resolve_stations(station_in: pd.Series, missing: pd.Series, network: Network | None, allow_unknown: bool,
                      problems: _Problems) -> pd.Series:
    """Network ids of the stations; unknown ones kept when allowed, else reported once per station."""
    if network is None:
        return station_in
    resolved = station_in.map({name: network.resolve(name) for name in station_in.unique() if name})
    if allow_unknown:
        return resolved.fillna(station_in)
    unknown = (resolved.isna() & ~missing).to_numpy()
    names = station_in.to_numpy()
    for name in pd.unique(names[unknown]):  # once per station: an archive holds thousands of rows of each
        rows_of = unknown & (names == name)
        text = f"unknown station '{name}'" + (network.suggest(name) or f" (if it is a station of the network, "
                                                f"add '{name}' to its aliases in the network file)")
        n = int(rows_of.sum())
        if n > 1 and not problems.filled["station"][np.flatnonzero(rows_of)[0]]:
            text += f" on {n} rows, the first here"
        problems.report_first(rows_of, "station", text)
    return resolved


def _conversion_factors(variable: pd.Series, units: pd.Series, problems: _Problems) -> np.ndarray:
    """Factor from each row's unit to its variable's canonical unit (1 where either is unknown)."""
    variables = load_variables()
    factors = np.ones(len(variable))
    pairs = pd.DataFrame({"v": variable.to_numpy(), "u": units.to_numpy()})
    for (var, unit), idx in pairs.groupby(["v", "u"], sort=False).groups.items():
        if var not in variables or not unit:
            continue
        pos = np.asarray(idx)
        try:
            factors[pos] = conversion_factor(unit, variables[var].unit)
        except ValueError as exc:
            m = np.zeros(len(variable), dtype=bool)
            m[pos] = True
            text = f"{exc}; {var} is measured in {variables[var].unit} (accepted: {', '.join(known_units())})"
            if pos.size > 1 and not problems.filled["unit"][pos[0]]:
                text += f"; on {pos.size} rows, the first here"
                problems.report_first(m, "unit", text)
            else:
                problems.report(m, "unit", lambda i, t=text: [t] * i.size)
    return factors


def _did_you_mean(name: str, known: list[str]) -> str:
    """``did you mean 'x'? `` for the closest of ``known``, or ''."""
    close = get_close_matches(name, known, n=1)
    return f"did you mean '{close[0]}'? " if close else ""


def _report_once_per_value(problems: _Problems, bad: np.ndarray, fld: str, values: np.ndarray,
                           message: Callable[[str], str]) -> None:
    """Report each distinct bad value once, at its first row, with the number of rows it is on."""
    for value in pd.unique(values[bad]):
        rows_of = bad & (values == value)
        text = message(value)
        n = int(rows_of.sum())
        if n > 1 and not problems.filled[fld][np.flatnonzero(rows_of)[0]]:
            text += f" on {n} rows, the first here"
        problems.report_first(rows_of, fld, text)


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def _no_such_day(text: str, formats: tuple[str, ...]) -> str:
    """``: February 2026 has 28 days`` when ``text`` has the shape of a format but names no calendar day."""
    for fmt in formats:
        pattern = re.escape(fmt).replace("%Y", r"(?P<Y>\d{4})").replace("%m", r"(?P<m>\d{1,2})").replace(
            "%d", r"(?P<d>\d{1,2})")
        match = re.fullmatch(pattern, text)
        if not match:
            continue
        year, month, day = int(match["Y"]), int(match["m"]), int(match["d"])
        if not 1 <= month <= 12:
            return f": there is no month {month}"
        days = calendar.monthrange(year, month)[1]
        if not 1 <= day <= days:
            return f": {_MONTHS[month - 1]} {year} has {days} days"
    return ""


def _fill_given(rows: pd.DataFrame, fld: str, given: str | None, network: Network | None, problems: _Problems):
    """The ``fld`` column with empty fields filled from ``given``, the mask of fields still empty
    and the mask of fields filled from ``given``.

    A field in the file that differs from ``given`` is reported once per distinct value.
    """
    col = _text(rows[fld]) if fld in rows else pd.Series("", index=rows.index, dtype=object)
    empty = (col == "").to_numpy()
    option = f"--{fld} ({fld}= in read_observations)"
    if given is not None and given.strip():
        g = given.strip()
        for value in pd.unique(col[~empty]):
            if not _same_given(fld, value, g, network):
                m = (col == value).to_numpy()
                n = int(m.sum())
                problems.report_first(m, fld, f"the file gives {fld} '{value}'" + (f" on {n} rows" if n > 1 else "")
                                      + f" but {option} is '{g}'; drop the option or correct the file")
        return col.mask(pd.Series(empty, index=col.index), g), pd.Series(False, index=col.index), empty
    problems.report_first(empty, fld, f"{int(empty.sum())} row(s) name no {fld}, the first here; give it with {option}")
    return col, pd.Series(empty, index=col.index), np.zeros(len(col), dtype=bool)


def _same_given(fld: str, in_file: str, given: str, network: Network | None) -> bool:
    if fold(in_file) == fold(given):
        return True
    if fld == "station":
        return network is not None and network.resolve(in_file) is not None \
            and network.resolve(in_file) == network.resolve(given)
    if fld == "variable":
        spellings = variable_spellings()
        return spellings.get(fold(in_file), in_file) == spellings.get(fold(given), given)
    return _same_unit(in_file, given)


def _check_conflicting_duplicates(frame: pd.DataFrame, files: list[Path] = ()) -> None:
    """Raise naming both places of every observation given twice with different values.

    The message starts with the path of the file when all the conflicts are in one file.
    """
    key = ["station", "variable", "resolution", "date"]
    dup = frame[frame.duplicated(key, keep=False)]
    if dup.empty:
        return
    problems = []
    for (station, variable, _res, date), g in dup.groupby(key, sort=True):
        vals = g["value"].to_numpy()
        if np.allclose(vals, vals[0], equal_nan=True):
            continue
        where = " and ".join(f"{f} line {ln} ({v:g})" for f, ln, v in zip(g["file"], g["line"], vals, strict=True))
        problems.append(f"{station} {variable} {date:%Y-%m-%d}: conflicting values at {where}")
    if problems:
        names = set(dup["file"])
        inputs = {p for p in files if any(n == p.name or n.startswith(p.name + " ") for n in names)}
        where = f"{inputs.pop()}: " if len(inputs) == 1 else ""
        raise IngestError(f"{where}{len(problems)} observation(s) are given twice with different values:",
                          details=problems[:MAX_REPORTED], hint="keep one value per station, variable and date.")


# the registration order is the order in which sniffers are asked about a file
from . import csv as _csv  # noqa: E402,F401
from . import hydromet as _hydromet  # noqa: E402,F401
from . import netcdf as _netcdf  # noqa: E402,F401
from . import xlsx as _xlsx  # noqa: E402,F401
from . import yearbook as _yearbook  # noqa: E402,F401
