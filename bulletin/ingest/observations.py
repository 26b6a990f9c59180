"""The observations model: what ingest delivers to quality control, evaluation and the document.

:class:`Observations` holds every observation read, in canonical units, with the archive norms
some files ship and the list of files read (:class:`InputFile`). This module also builds the
empty tables and the archive-norm table of the model from normalised rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

from ..aggregation import sort_order
from ..periods import OBSERVED_RESOLUTIONS as RESOLUTIONS
from ..periods import period_of_year

ARCHIVE_NORM_COLUMNS = ["station", "variable", "resolution", "period_of_year", "norm", "file"]


@dataclass(frozen=True)
class InputFile:
    """One file read: its path relative to the data root (:func:`~bulletin.ingest.read.relative_to_data_root`) and its SHA-256."""

    path: str
    sha256: str


def empty_norms() -> pd.DataFrame:
    """An archive-norm table with no row (columns :data:`ARCHIVE_NORM_COLUMNS`)."""
    return pd.DataFrame({c: pd.Series([], dtype=np.int64 if c == "period_of_year" else float if c == "norm" else object)
                         for c in ARCHIVE_NORM_COLUMNS})


@dataclass
class Observations:
    """Observations in canonical units.

    ``frame`` has one row per observation: station, variable, date (datetime64, UTC day;
    for pentad, dekad and month values the last day of the period), value [canonical unit],
    resolution (day, pentad, dekad, month), flag, file, line. The text columns (station,
    variable, resolution, flag, file) are categories with sorted categories: a few bytes a row
    however long the names, and every comparison or grouping works on integer codes.

    ``archive_norms`` holds the norms an archive ships with its data (hydromet long files):
    station, variable, resolution, period_of_year (pentad 1-72, dekad 1-36, month 1-12, day of
    year 1-366), norm [canonical unit] and file. ``notes`` says what readers left aside.
    """

    frame: pd.DataFrame
    inputs: list[InputFile] = field(default_factory=list)
    unknown_stations: list[str] = field(default_factory=list)
    archive_norms: pd.DataFrame = field(default_factory=empty_norms)
    notes: list[str] = field(default_factory=list)

    def keys(self) -> list[tuple[str, str]]:
        """(station, variable) pairs present, in order of first appearance."""
        return list(self.codes()[1])

    def codes(self) -> tuple[np.ndarray, list[tuple[str, str]]]:
        """Each row's series number and the (station, variable) of each number (:func:`series_codes`), computed once.

        The frame is not changed once read: asked by every stage, computed once.
        """
        if not hasattr(self, "_codes"):
            self._codes = series_codes(self.frame)
        return self._codes

    def series(self, station: str, variable: str, resolution: str = "day") -> pd.Series:
        """Values of one station and variable at one resolution, indexed by date, sorted."""
        rows = self._groups().get((station, variable, resolution))
        if rows is None:
            return pd.Series([], index=pd.DatetimeIndex([], name="date"), dtype=float, name=variable)
        return pd.Series(self.frame["value"].to_numpy()[rows],
                         index=pd.DatetimeIndex(self.frame["date"].to_numpy()[rows], name="date"), name=variable)

    def resolutions(self, station: str, variable: str) -> list[str]:
        """Resolutions present for one station and variable, finest first."""
        present = {k[2] for k in self._groups() if k[:2] == (station, variable)}
        return [r for r in RESOLUTIONS if r in present]

    def _groups(self) -> dict:
        """(station, variable, resolution) -> the positions of its rows by date (rows of one date in file order)."""
        if not hasattr(self, "_cache"):
            groups = {}
            if not self.frame.empty:
                code, keys = self.codes()
                resolution, words = codes_of(self.frame["resolution"])
                group = code * len(words) + resolution
                days = self.frame["date"].to_numpy().astype("datetime64[D]").astype(np.int64)
                order = sort_order(group, days)  # stable: rows of one date keep their order
                order = np.arange(group.size) if order is None else order
                ordered = group[order]
                starts = np.flatnonzero(np.append(True, ordered[1:] != ordered[:-1]))
                ends = np.append(starts[1:], ordered.size)
                for g, a, b in zip(ordered[starts].tolist(), starts.tolist(), ends.tolist(), strict=True):
                    groups[(*keys[g // len(words)], str(words[g % len(words)]))] = order[a:b]
            self._cache = groups
        return self._cache

    def count(self) -> int:
        """The number of observations (rows)."""
        return len(self.frame)

    @property
    def last_date(self):
        """The date of the latest observation with a value, or None when there is none.

        Rows with an empty value (an archive's periods not yet filled in) do not count.
        """
        dates = self.frame["date"][self.frame["value"].notna()]
        return dates.max().date() if len(dates) else None


def codes_of(col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(each row's position among the distinct values, as int64; the distinct values) of a column.

    Categories are used as they are (:func:`_narrow_codes`, widened here for arithmetic).
    """
    codes, words = _narrow_codes(col)
    return codes.astype(np.int64), words


def _narrow_codes(col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """:func:`codes_of` without widening a column's category codes (1 or 2 bytes a row, not 8)."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        return col.cat.codes.to_numpy(), np.asarray(col.cat.categories, dtype=object)
    codes, uniques = pd.factorize(col)
    return codes, np.asarray(uniques, dtype=object)


def series_codes(frame: pd.DataFrame) -> tuple[np.ndarray, list[tuple[str, str]]]:
    """Each row's series number, and the (station, variable) of each number in order of first appearance.

    Integer work on the category codes: an archive's table has millions of rows.
    """
    station, stations = _narrow_codes(frame["station"])
    variable, variables = _narrow_codes(frame["variable"])
    combined = station.astype(np.int64)  # one array of 8 bytes a row, computed in place
    combined *= max(len(variables), 1)
    combined += variable
    order = pd.unique(combined)  # in order of first appearance
    lookup = np.full(max(len(stations), 1) * max(len(variables), 1), -1, dtype=np.int64)
    lookup[order] = np.arange(order.size)
    keys = [(stations[k // max(len(variables), 1)], variables[k % max(len(variables), 1)]) for k in order.tolist()]
    return lookup[combined], [(str(a), str(b)) for a, b in keys]


def duplicated_rows(frame: pd.DataFrame, codes: tuple | None = None) -> np.ndarray:
    """Rows whose station, variable, resolution and date another row has too (all of them marked).

    ``codes``: the :func:`series_codes` of ``frame`` when the caller has them.
    """
    if frame.empty:
        return np.zeros(0, dtype=bool)
    series, _ = codes if codes is not None else series_codes(frame)
    resolution, words = _narrow_codes(frame["resolution"])
    days = frame["date"].to_numpy().astype("datetime64[D]").view(np.int64)
    low = int(days.min())
    span = int(days.max()) - low + 1
    days -= low  # the key is built in place: two arrays of 8 bytes a row, not five
    key = series * max(len(words), 1)
    key += resolution
    key *= span
    key += days
    del days
    if np.all(key[1:] > key[:-1]):  # in order and distinct: the common case, one pass
        return np.zeros(key.size, dtype=bool)
    return pd.Series(key).duplicated(keep=False).to_numpy()


def archive_norms_of(frame: pd.DataFrame) -> pd.DataFrame:
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
    return tidy_norms(out)


def tidy_norms(table: pd.DataFrame) -> pd.DataFrame:
    """An archive-norm table with each (station, variable, resolution, period of year, norm) once, sorted (stable).

    Of tables of rows of other stations one after the other, the table of all their rows.
    """
    table = table.drop_duplicates(["station", "variable", "resolution", "period_of_year", "norm"])
    return table.sort_values(["station", "variable", "resolution", "period_of_year"], kind="stable",
                             ignore_index=True)


def empty_frame() -> pd.DataFrame:
    """A table of observations with no row, with the columns and types of :attr:`Observations.frame`."""
    def words():
        return pd.Series(pd.Categorical([], categories=pd.Index([], dtype=object)))
    return pd.DataFrame({
        "station": words(), "variable": words(),
        "date": pd.Series([], dtype="datetime64[ns]"), "value": pd.Series([], dtype=float),
        "resolution": words(), "flag": words(), "file": words(), "line": pd.Series([], dtype=np.int64),
    })


def concat_frames(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The rows of several files' frames, one after the other; text columns stay categories (sorted).

    ``pandas.concat`` would turn categories that differ between files into text on every row.
    """
    filled = [f for f in frames if len(f)]
    frames = filled if filled else frames[:1]  # an empty file's categories may be of another type: left out
    if len(frames) == 1:
        return frames[0].reset_index(drop=True)
    out = {}
    for col in frames[0].columns:
        parts = [f[col] for f in frames]
        if all(isinstance(p.dtype, pd.CategoricalDtype) for p in parts):
            out[col] = _joined_categories(parts)
        else:
            out[col] = pd.concat(parts, ignore_index=True)
    return pd.DataFrame(out)


def _joined_categories(parts: list[pd.Series]) -> pd.Categorical:
    """The categorical columns of several files one after the other, their categories joined and sorted.

    What ``union_categoricals(..., sort_categories=True)`` gives, with one sort of all the categories
    and a numpy lookup per part: a folder of ten thousand small files is joined in a moment.
    """
    if len(parts) < 64:
        return union_categoricals([p.array for p in parts], sort_categories=True)
    categories = [np.asarray(p.cat.categories, dtype=object) for p in parts]
    words = np.unique(np.concatenate(categories).astype(str))
    codes = []
    for part, own in zip(parts, categories, strict=True):
        mine = part.cat.codes.to_numpy()
        place = np.searchsorted(words, own.astype(str)).astype(np.int32)
        codes.append(np.where(mine < 0, -1, place[np.maximum(mine, 0)]) if len(own) else np.full(len(mine), -1))
    return pd.Categorical.from_codes(np.concatenate(codes), categories=pd.Index(words, dtype=parts[0].cat.categories.dtype))
