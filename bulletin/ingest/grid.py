"""Observations held as station x time arrays, for readers of gridded files (CF NetCDF, Zarr stores).

A NetCDF file of 1,000 stations and 35 years of days holds 12.8 million values; a table of one
row per value (station, variable, date, value, file, line) takes about 30 bytes a value before
any work is done on it. Here a file's values stay arrays, one per data variable:

- :class:`RawGrid` is what the reader returns: the values as stored, the station ids, the
  dates and each variable's unit and resolution (and, of a store, the cells that are
  observations, their source flags and the archive's norms). Its ``rows`` are those of a
  :class:`~bulletin.ingest.registry.RawTable`, made when asked for.
- :func:`normalise_grid` puts them into canonical form a block of stations at a time, through
  :func:`~bulletin.ingest.validate.normalise` itself: every check and every conversion is the
  one the rows get, and no more than a block's rows exist at once. When a block has a problem,
  the whole file is normalised as rows, so that the message lists every problem of the file,
  word for word as before.
- :class:`Grid` is one variable of one file in canonical form, and :class:`GridObservations`
  the :class:`~bulletin.ingest.observations.Observations` of grids: its ``frame`` (the rows)
  is built only when a stage asks for it, and :meth:`GridObservations.take` gives the
  observations of some series without building the others' rows. The data commands compute
  a block of series at a time from it, so that an archive's rows never exist all at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import IngestError
from .coded import Coded, code_type
from .observations import InputFile, Observations, archive_norms_of, concat_frames, empty_frame, empty_norms, tidy_norms
from .registry import RawTable, ReadOptions
from .validate import normalise

BLOCK_VALUES = 1 << 16
"""Values normalised at once: their rows take about 250 bytes a value while they are checked (16 MB)."""


@dataclass(frozen=True)
class GridPart:
    """One data variable of a gridded file, as stored: ``values[station, time]``.

    ``variable`` is the bulletin variable ('' when the caller gives it), ``stations`` the ids
    as written ('' when the caller gives the station), ``where_station`` the place of the
    station ids named in messages, ``first_line`` the position in the file of ``values[0, 0]``
    (the line of value ``[s, t]`` is ``first_line + s * times + t``). ``dates`` is the part's
    own time axis (None: the file's); ``present`` the cells that are observations (None: every
    cell, its value NaN where the file has none), ``flags`` their source-flag codes into
    ``flag_texts`` (code 0: no flag; None: no flag anywhere).
    """

    name: str
    variable: str
    unit: str
    resolution: str
    values: np.ndarray
    stations: list[str]
    where_station: str
    first_line: int
    dates: np.ndarray | None = None
    present: np.ndarray | None = None
    flags: np.ndarray | None = None
    flag_texts: tuple[str, ...] = ("",)


class RawGrid(RawTable):
    """A :class:`~bulletin.ingest.registry.RawTable` whose rows are made from arrays when asked for.

    ``parts`` are the file's data variables, ``dates`` their common time axis.
    """

    def __init__(self, parts: list[GridPart], dates: np.ndarray, hint: str, notes: list[str] | None = None):
        self.parts, self.dates = parts, dates
        self.decimal, self.date_formats, self.hint, self.notes = ".", ("%Y-%m-%d",), hint, list(notes or [])

    def __repr__(self) -> str:
        return f"RawGrid({len(self.parts)} variable(s), {self.size:,} values)"

    @property
    def size(self) -> int:
        """The number of observations (cells of every variable, those present where some are not)."""
        return sum(p.values.size if p.present is None else int(p.present.sum()) for p in self.parts)

    def dates_of(self, part: GridPart) -> np.ndarray:
        """The time axis of ``part``."""
        return self.dates if part.dates is None else part.dates

    @property
    def n_stations(self) -> int:
        """The largest number of stations of a part."""
        return max((p.values.shape[0] for p in self.parts), default=0)

    @property
    def rows(self) -> pd.DataFrame:
        """Every value's raw row: station by station, variable after variable."""
        return self.rows_of(0, self.n_stations)

    def rows_of(self, start: int, stop: int) -> pd.DataFrame:
        """The raw rows of the stations ``start:stop`` of every part, with their positions in the file as lines.

        Rows come part after part, station by station, time by time (every cell: the NetCDF
        reader's parts have no ``present``; a reader whose parts have one gives its own rows).
        """
        n_time = len(self.dates)
        frames = []
        for part in self.parts:
            a, b = min(start, part.values.shape[0]), min(stop, part.values.shape[0])
            n = (b - a) * n_time
            if n == 0:
                continue

            def same(text: str, n=n) -> pd.Categorical:  # one text on every row: one byte a row
                return pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=[text])

            codes, words = pd.factorize(np.asarray(part.stations[a:b], dtype=object))
            first = part.first_line + a * n_time
            frames.append(pd.DataFrame({
                "station": pd.Categorical.from_codes(np.repeat(codes.astype(np.int32), n_time),
                                                     categories=pd.Index(words, dtype=object)),
                "variable": same(part.variable),
                "date": np.tile(self.dates, b - a),
                "value": part.values[a:b].reshape(-1).astype(float),
                "unit": same(part.unit),
                "resolution": same(part.resolution),
                "where": same(f"variable '{part.name}'"),
                "where_station": same(part.where_station),
                "part": same(f"variable '{part.name}'"),
                "line": np.arange(first, first + n, dtype=np.int64),
            }, copy=False))
        if not frames:
            return pd.DataFrame({"station": [], "variable": [], "date": [], "value": [], "line": []})
        return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


@dataclass(frozen=True)
class Grid:
    """One variable of one file in canonical form: ``values[station, time]`` [canonical unit].

    ``stations`` are network ids (or the names as written, for stations kept outside the
    network), ``dates`` the time axis (the last day of each period for pentad, dekad and month
    values), ``file`` the name observations record (the file and its variable), ``lines`` the
    line of each station's value at time 0 (the line of value ``[s, t]`` is ``lines[s] + t``).
    ``present``: the cells that are observations (None: every cell; ``values`` is NaN
    elsewhere); ``flags``: their source-flag codes into ``flag_texts`` (None: no flag).
    """

    variable: str
    resolution: str
    file: str
    stations: np.ndarray
    dates: np.ndarray
    values: np.ndarray
    lines: np.ndarray
    present: np.ndarray | None = None
    flags: np.ndarray | None = None
    flag_texts: tuple[str, ...] = ("",)

    @property
    def count(self) -> int:
        """The number of observations."""
        return self.values.size if self.present is None else int(self.present.sum())

    def keys(self) -> list[tuple[str, str]]:
        """The (station, variable) of each row of ``values``."""
        return [(str(s), self.variable) for s in self.stations]

    def take(self, rows: np.ndarray) -> Grid:
        """The grid of the stations at ``rows`` only."""
        def some(a):
            return None if a is None else a[rows]

        return Grid(self.variable, self.resolution, self.file, self.stations[rows], self.dates, self.values[rows],
                    self.lines[rows], some(self.present), some(self.flags), self.flag_texts)


def normalise_grid(raw: RawGrid, path: Path, network, allow_unknown: bool,
                   options: ReadOptions | None = None) -> tuple[list[Grid], pd.DataFrame | None]:
    """The grids of ``raw`` in canonical form, and its archive norms (:func:`archive_norms_of`; None without).

    :func:`~bulletin.ingest.validate.normalise` a block of stations at a time; each block's
    canonical rows are written back into arrays.

    Raises
    ------
    IngestError
        As ``normalise(raw, ...)`` raises it: when a block has a problem, the whole file is
        normalised as rows, so that every problem is named at once.
    """
    parts = raw.parts
    times = [len(raw.dates_of(p)) for p in parts]
    per = max(1, BLOCK_VALUES // max(1, sum(times)))
    values = [np.full(p.values.shape, np.nan) for p in parts]
    stations = [np.empty(p.values.shape[0], dtype=object) for p in parts]
    dates = [np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]") for n in times]
    texts: list = [None] * len(parts)
    norms = []
    for start in range(0, raw.n_stations, per):
        try:
            out = normalise(RawTable(raw.rows_of(start, start + per), hint=raw.hint), path, network, allow_unknown,
                            options)
        except IngestError:
            normalise(raw, path, network, allow_unknown, options)  # the whole file: its every problem, as before
            raise
        if "norm" in out:
            norms.append(archive_norms_of(out))
        value, station, date = out["value"].to_numpy(), np.asarray(out["station"], dtype=object), out["date"].to_numpy()
        at = 0
        for k, (part, n_time) in enumerate(zip(parts, times, strict=True)):
            a, b = min(start, part.values.shape[0]), min(start + per, part.values.shape[0])
            cells = (np.ones((b - a, n_time), dtype=bool) if part.present is None else part.present[a:b])
            counts = cells.sum(axis=1)
            n = int(counts.sum())
            if n == 0:
                continue
            values[k][a:b][cells] = value[at:at + n]  # row by row: station, then time, as the rows come
            firsts = at + np.r_[0, np.cumsum(counts)[:-1]]
            stations[k][a:b][counts > 0] = station[firsts[counts > 0]]
            dates[k][np.nonzero(cells)[1]] = date[at:at + n]
            if texts[k] is None:
                texts[k] = tuple(str(out[c].iat[at]) for c in ("variable", "resolution", "file"))
            at += n
    grids = []
    for k, (part, n_time) in enumerate(zip(parts, times, strict=True)):
        if texts[k] is None:
            continue  # no observation
        never = np.isnat(dates[k])  # times without any observation: the axis as read
        dates[k][never] = np.asarray(raw.dates_of(part), dtype="datetime64[ns]")[never]
        rows = np.arange(part.values.shape[0]) if part.present is None else np.flatnonzero(part.present.any(axis=1))
        every = rows.size == part.values.shape[0]

        def some(a, every=every, rows=rows):  # the stations with an observation (no copy when they all have one)
            return a if a is None or every else a[rows]

        grids.append(Grid(*texts[k], some(stations[k]), dates[k], some(values[k]),
                          part.first_line + rows.astype(np.int64) * n_time, some(part.present), some(part.flags),
                          part.flag_texts))
    return grids, (tidy_norms(pd.concat(norms, ignore_index=True)) if norms else None)


def grid_frame(grids: list[Grid]) -> pd.DataFrame:
    """The rows of ``grids`` (one file's), as :func:`~bulletin.ingest.validate.normalise` makes them from the raw rows.

    Rows come grid after grid, station by station, time by time (the cells present); the text
    columns are categories, sorted.
    """
    grids = [g for g in grids if g.count]
    counts = [np.full(len(g.stations), len(g.dates)) if g.present is None else g.present.sum(axis=1) for g in grids]

    def coded(per_grid: list[np.ndarray]) -> pd.Categorical:
        """A text column from each grid's text per station (repeated for its observations)."""
        words, codes = np.unique(np.concatenate(per_grid).astype(object) if per_grid else np.array([], object),
                                 return_inverse=True)
        kind = code_type(len(words))
        parts, at = [], 0
        for texts, n in zip(per_grid, counts, strict=True):
            parts.append(np.repeat(codes[at:at + len(texts)].astype(kind), n))
            at += len(texts)
        return Coded(np.concatenate(parts) if parts else np.zeros(0, kind), words.astype(object)).categorical()

    def constant(text_of) -> pd.Categorical:
        return coded([np.full(len(g.stations), text_of(g), dtype=object) for g in grids])

    def cells(of_grid, dtype) -> np.ndarray:
        return np.concatenate([of_grid(g) for g in grids]) if grids else np.zeros(0, dtype=dtype)

    def flags() -> pd.Categorical:
        words = np.array(sorted({t for g in grids for t in g.flag_texts}), dtype=object)
        parts = []
        for g in grids:
            mine = np.searchsorted(words.astype(str), np.asarray(g.flag_texts, dtype=str))
            codes = np.zeros(g.count, dtype=np.int64) if g.flags is None else \
                (g.flags if g.present is None else g.flags[g.present]).reshape(-1).astype(np.int64)
            parts.append(mine[codes].astype(code_type(len(words))))
        return Coded(np.concatenate(parts) if parts else np.zeros(0, np.int8), words).categorical()

    def times(g):
        return np.tile(np.arange(len(g.dates)), len(g.stations)) if g.present is None else np.nonzero(g.present)[1]

    return pd.DataFrame({
        "station": coded([np.asarray(g.stations, dtype=object) for g in grids]),
        "variable": constant(lambda g: g.variable),
        "date": cells(lambda g: np.tile(g.dates, len(g.stations)) if g.present is None else g.dates[times(g)],
                      "datetime64[ns]"),
        "value": cells(lambda g: g.values.reshape(-1) if g.present is None else g.values[g.present], float),
        "resolution": constant(lambda g: g.resolution),
        "flag": flags(),
        "file": constant(lambda g: g.file),
        "line": cells(lambda g: (g.lines[:, None] + np.arange(len(g.dates))).reshape(-1) if g.present is None
                      else np.repeat(g.lines, g.present.sum(axis=1)) + times(g), np.int64),
    }, copy=False)


@dataclass(frozen=True)
class GridFile:
    """The grids of one file, as read (:func:`normalise_grid`)."""

    grids: list[Grid]

    def frame(self) -> pd.DataFrame:
        """Its rows (:func:`grid_frame`)."""
        return grid_frame(self.grids)


def distinct_series(files: list[GridFile]) -> bool:
    """Whether every (station, variable, resolution) is in one grid row only and every time axis increases.

    Then no observation is given twice, and the grids can stand for the rows; otherwise the
    rows are built, so that duplicates are found and named as in any file.
    """
    seen: set = set()
    for g in (g for f in files for g in f.grids):
        if len(g.dates) > 1 and not np.all(g.dates[1:] > g.dates[:-1]):
            return False
        keys = {(str(s), g.variable, g.resolution) for s in g.stations}
        if len(keys) != len(g.stations) or keys & seen:
            return False
        seen |= keys
    return True


class GridObservations(Observations):
    """:class:`~bulletin.ingest.observations.Observations` held as grids; the rows are built when asked for.

    ``frame`` is the table the rows would make (:func:`grid_frame` of each file, joined as the
    files' tables are), built once on first use; every method of :class:`Observations` works on
    it. What does not need the rows, :meth:`keys`, :meth:`count`, :attr:`last_date`,
    :meth:`stations` and :meth:`take`, works on the grids. Given a ``frame`` (as
    ``dataclasses.replace`` gives it) or one set later, the observations are those rows, as in
    :class:`Observations`.
    """

    def __init__(self, frame: pd.DataFrame | None = None, inputs: list[InputFile] | None = None,
                 unknown_stations: list[str] | None = None, archive_norms: pd.DataFrame | None = None,
                 notes: list[str] | None = None, *, files: list[GridFile] | None = None):
        self.inputs, self.unknown_stations = list(inputs or []), list(unknown_stations or [])
        self.archive_norms = empty_norms() if archive_norms is None else archive_norms
        self.notes = list(notes or [])
        self.files = list(files or [])
        if frame is not None:
            self.frame = frame

    def __repr__(self) -> str:
        return f"GridObservations({len(self._grids())} grid(s), {self.count():,} values)"

    @property
    def frame(self) -> pd.DataFrame:
        """The rows (see :class:`Observations`), built on first use."""
        if "_frame" not in self.__dict__:
            self._frame = concat_frames([f.frame() for f in self.files]) if self.files else empty_frame()
        return self._frame

    @frame.setter
    def frame(self, rows: pd.DataFrame) -> None:
        self._frame, self.files = rows, []  # the rows are the observations now
        for cached in ("_codes", "_cache"):
            self.__dict__.pop(cached, None)

    def _grids(self) -> list[Grid]:
        return [g for f in self.files for g in f.grids]

    def keys(self) -> list[tuple[str, str]]:
        """(station, variable) pairs present, in order of first appearance (as in the rows)."""
        if not self.files:
            return super().keys()
        return list(dict.fromkeys(k for g in self._grids() for k in g.keys()))

    def count(self) -> int:
        """The number of observations (rows), without building them."""
        if not self.files:
            return len(self.frame)
        return sum(g.count for g in self._grids())

    @property
    def last_date(self):
        """The date of the latest observation with a value, or None when there is none."""
        if not self.files:
            return Observations.last_date.fget(self)
        last = [g.dates[np.flatnonzero(~np.isnan(g.values).all(axis=0))[-1]] for g in self._grids()
                if g.values.size and not np.isnan(g.values).all()]
        return pd.Timestamp(max(last)).date() if last else None

    def stations(self) -> set[str]:
        """The stations of the observations."""
        if not self.files:
            return {str(s) for s in pd.unique(self.frame["station"])}
        return {str(s) for g in self._grids() for s in g.stations}

    def take(self, keys: list[tuple[str, str]]) -> Observations:
        """The observations of the series ``keys`` (station, variable) only; of grids, their rows are not built."""
        wanted = set(keys)
        if not self.files:
            frame = self.frame
            mine = [(str(s), str(v)) in wanted for s, v in zip(frame["station"], frame["variable"], strict=True)]
            return Observations(frame[np.asarray(mine, dtype=bool)], self.inputs, self.unknown_stations,
                                self.archive_norms, self.notes)
        files = []
        for f in self.files:
            grids = []
            for g in f.grids:
                rows = np.flatnonzero([(str(s), g.variable) in wanted for s in g.stations])
                if rows.size:
                    grids.append(g.take(rows))
            files.append(GridFile(grids))
        return GridObservations(None, self.inputs, self.unknown_stations, self.archive_norms, self.notes,
                                files=[f for f in files if f.grids])


def grid_observations(files: list[GridFile], inputs: list[InputFile], unknown: list[str],
                      notes: list[str], archive_norms: pd.DataFrame | None = None) -> GridObservations:
    """The observations of the grids of ``files``, with the archive norms the files ship (a store's)."""
    return GridObservations(None, inputs, unknown, empty_norms() if archive_norms is None else archive_norms, notes,
                            files=files)
