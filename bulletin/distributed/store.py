"""Observations as the chunked Zarr store of ``bulletin convert`` (layout: :mod:`bulletin.ingest.zarr`).

:func:`dataset_of` builds the xarray Dataset, station x time, chunked by station; the command
line writes it. :func:`default_chunk_stations` chooses the chunk: enough stations for about
:data:`CHUNK_BYTES` of float64 values over the whole time axis (24 MiB: 240 stations of 35
years of days), a few tens of MB, which a worker reads at once and keeps in memory while it
computes the chunk's series.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from ..ingest import Observations
from ..ingest.grid import GridObservations
from ..ingest.zarr import (
    FLAG_SUFFIX,
    NO_ROW,
    NORM_AXES,
    NORM_LENGTH,
    STATION,
    STORE_VERSION,
    TIME_AXES,
    data_name,
    norm_name,
)
from ..units import load_variables

CHUNK_BYTES = 24 * 2**20
"""The float64 values of one chunk of stations, over the whole time axis (24 MiB)."""
STANDARD_NAMES = {"discharge": "water_volume_transport_in_river_channel",
                  "stage": "water_surface_height_above_reference_datum"}


def default_chunk_stations(n_times: int) -> int:
    """Stations per chunk for ``n_times`` values per station (all axes): :data:`CHUNK_BYTES` of them.

    >>> default_chunk_stations(12784)  # 35 years of days
    246
    """
    return max(1, CHUNK_BYTES // (8 * max(n_times, 1)))


def _axis(dates: pd.Series, resolution: str) -> np.ndarray:
    """The dates of a time axis: every day from the first to the last, else the period ends present."""
    days = np.unique(np.asarray(dates, dtype="datetime64[D]"))
    if resolution == "day" and days.size:
        return np.arange(days[0], days[-1] + np.timedelta64(1, "D"))
    return days


def dataset_of(obs: Observations, chunk_stations: int | None = None,
               progress: Callable[[int], None] | None = None):
    """The store's Dataset of ``obs``, chunked by ``chunk_stations`` stations (default: :func:`default_chunk_stations`).

    A cell observed twice (identical duplicate rows; the readers refuse different values) keeps
    its first value present, as the aggregation does. ``progress(n)`` is called after each
    array with its number of observations.

    Returns
    -------
    (xarray.Dataset, dict)
        The dataset (dask arrays chunked by station), and the ``encoding`` to write it with.
    """
    import xarray as xr

    known = load_variables()
    cells = _GridCells(obs) if isinstance(obs, GridObservations) else _RowCells(obs)
    stations = cells.stations()
    station_index = pd.Index(stations)
    data, coords, encoding = {}, {STATION: (STATION, stations, {
        "cf_role": "timeseries_id", "long_name": "station id"})}, {}
    axes = {}
    for res in TIME_AXES:
        dates = cells.dates(res)
        if dates is not None:
            axes[res] = _axis(dates, res)
            coords[TIME_AXES[res]] = (TIME_AXES[res], axes[res].astype("datetime64[ns]"), {
                "standard_name": "time", "long_name": f"date ({'last day of the ' + res if res != 'day' else 'day'})",
                "resolution": res})
            encoding[TIME_AXES[res]] = {"units": "days since 1970-01-01", "calendar": "proleptic_gregorian",
                                        "dtype": "int32"}
    n_times = sum(a.size for a in axes.values())
    chunk = chunk_stations or default_chunk_stations(n_times)
    for variable, res in cells.pairs():
        name, axis = data_name(variable, res), TIME_AXES[res]
        grid, flag_grid, texts, count = cells.arrays(variable, res, station_index, axes[res])
        meta = known[variable]
        attrs = {"units": meta.unit, "long_name": f"{meta.names.get('en', variable)} ({res} values)",
                 "variable": variable, "resolution": res}
        if variable in STANDARD_NAMES:
            attrs["standard_name"] = STANDARD_NAMES[variable]
        data[name] = ((STATION, axis), grid, attrs)
        data[name + FLAG_SUFFIX] = ((STATION, axis), flag_grid, {
            "long_name": f"observation and source flag of {name}", "flag_texts": texts,
            "comment": "-1: no observation; 0: an observation without source flag; k: the source flag flag_texts[k-1]"})
        encoding[name] = {"chunks": (chunk, axes[res].size)}
        encoding[name + FLAG_SUFFIX] = {"chunks": (chunk, axes[res].size)}
        if progress:
            progress(count)
    for name, (dims, grid, attrs) in _norms(obs, station_index).items():
        data[name] = (dims, grid, attrs)
        coords[dims[1]] = (dims[1], np.arange(1, grid.shape[1] + 1, dtype=np.int16), {"long_name": dims[1]})
        encoding[name] = {"chunks": (chunk, grid.shape[1])}
    ds = xr.Dataset(data, coords=coords, attrs={
        "Conventions": "CF-1.8", "featureType": "timeSeries", "title": "observations for the bulletin",
        "bulletin_store_version": STORE_VERSION, "chunk_stations": chunk,
        "sources": [{"path": f.path, "sha256": f.sha256} for f in obs.inputs]})
    return ds.chunk({STATION: chunk}), encoding


class _RowCells:
    """The cells of the store's arrays from the rows of the observations."""

    def __init__(self, obs: Observations):
        frame = obs.frame
        self.frame = frame
        self.variables = np.asarray(frame["variable"], dtype=object)
        self.resolutions = np.asarray(frame["resolution"], dtype=object)

    def stations(self) -> np.ndarray:
        return np.array(sorted(pd.unique(np.asarray(self.frame["station"], dtype=object)).tolist()), dtype=object)

    def dates(self, res: str):
        present = self.resolutions == res
        return self.frame["date"][present] if present.any() else None

    def pairs(self) -> list[tuple[str, str]]:
        pairs = pd.DataFrame({"v": self.variables, "r": self.resolutions}).drop_duplicates()
        return sorted(map(tuple, pairs.to_numpy()))

    def arrays(self, variable: str, res: str, station_index: pd.Index, axis: np.ndarray):
        """(values, flag codes, flag texts, observations) of one array of the store."""
        frame = self.frame
        rows = np.flatnonzero((self.variables == variable) & (self.resolutions == res))
        s = station_index.get_indexer(np.asarray(frame["station"], dtype=object)[rows])
        t = np.searchsorted(axis, np.asarray(frame["date"], dtype="datetime64[D]")[rows])
        values = frame["value"].to_numpy(dtype=float)[rows]
        flags = np.asarray(frame["flag"], dtype=object)[rows].astype(str)
        # of a cell given twice, the first value present wins (then the first row)
        order = np.lexsort((np.arange(rows.size), np.isnan(values), t, s))
        cell = s[order] * axis.size + t[order]
        first = order[np.r_[True, cell[1:] != cell[:-1]]]
        distinct, codes = np.unique(flags[first], return_inverse=True)
        texts = [x for x in distinct.tolist() if x]  # sorted; code 0 is no flag
        code_of = np.array([texts.index(x) + 1 if x else 0 for x in distinct.tolist()], dtype=np.int64)
        grid = np.full((station_index.size, axis.size), np.nan)
        grid[s[first], t[first]] = values[first]
        flag_grid = np.full(grid.shape, NO_ROW, dtype=_flag_type(texts))
        flag_grid[s[first], t[first]] = code_of[codes]
        return grid, flag_grid, texts, rows.size


class _GridCells:
    """The cells of the store's arrays from observations held as grids (:mod:`bulletin.ingest.grid`): no row built.

    The cells of a grid that are observations (every cell of a NetCDF file's grid, its value
    NaN where the file has none) keep their values and source flags; the grids give no series
    twice.
    """

    def __init__(self, obs: GridObservations):
        self.grids = [g for f in obs.files for g in f.grids if g.count]

    def stations(self) -> np.ndarray:
        return np.array(sorted({str(x) for g in self.grids for x in g.stations}), dtype=object)

    def dates(self, res: str):
        present = [g.dates[np.ones(len(g.dates), bool) if g.present is None else g.present.any(axis=0)]
                   for g in self.grids if g.resolution == res]
        return np.concatenate(present) if present else None

    def pairs(self) -> list[tuple[str, str]]:
        return sorted({(g.variable, g.resolution) for g in self.grids})

    def arrays(self, variable: str, res: str, station_index: pd.Index, axis: np.ndarray):
        """(values, flag codes, flag texts, observations) of one array of the store."""
        mine = [g for g in self.grids if (g.variable, g.resolution) == (variable, res)]
        used = [_used_flags(g) for g in mine]
        texts = sorted({g.flag_texts[c] for g, codes in zip(mine, used, strict=True) for c in codes} - {""})
        grid = np.full((station_index.size, axis.size), np.nan)
        flag_grid = np.full(grid.shape, NO_ROW, dtype=_flag_type(texts))
        number = {x: k + 1 for k, x in enumerate(texts)}  # a text no observation uses is never looked up
        for g in mine:
            present = np.ones(g.values.shape, dtype=bool) if g.present is None else g.present
            observed = present.any(axis=0)  # the times of the axis: those observed (a store's axis may run past them)
            present = present[:, observed]
            s = station_index.get_indexer(np.asarray(g.stations, dtype=object))
            t = np.searchsorted(axis, np.asarray(g.dates[observed], dtype="datetime64[D]"))
            code_of = np.array([number.get(x, 0) for x in g.flag_texts], dtype=np.int64)
            codes = (np.zeros(present.shape, dtype=np.int64) if g.flags is None
                     else code_of[np.clip(g.flags[:, observed], 0, len(code_of) - 1)])
            grid[np.ix_(s, t)] = np.where(present, g.values[:, observed], grid[np.ix_(s, t)])
            flag_grid[np.ix_(s, t)] = np.where(present, codes, flag_grid[np.ix_(s, t)])
        return grid, flag_grid, texts, sum(g.count for g in mine)


def _used_flags(g) -> np.ndarray:
    """The flag codes a grid's observations use."""
    if g.flags is None:
        return np.zeros(1, dtype=np.int64)
    return np.unique(g.flags if g.present is None else g.flags[g.present])


def _flag_type(texts: list[str]) -> type:
    """The integer type of the flag codes of ``texts`` (and -1, 0)."""
    return np.int8 if len(texts) < 127 else np.int16 if len(texts) < 32767 else np.int32


def _norms(obs: Observations, station_index: pd.Index) -> dict:
    """The archive norms as arrays station x period of year, one per variable and resolution."""
    out = {}
    norms = obs.archive_norms
    if norms is None or norms.empty:
        return out
    norms = norms.drop_duplicates(["station", "variable", "resolution", "period_of_year"], keep="first")
    for (variable, res), g in norms.groupby(["variable", "resolution"], sort=True, observed=True):
        grid = np.full((station_index.size, NORM_LENGTH[res]), np.nan)
        s = station_index.get_indexer(np.asarray(g["station"], dtype=object))
        keep = s >= 0
        grid[s[keep], g["period_of_year"].to_numpy(dtype=np.int64)[keep] - 1] = g["norm"].to_numpy(dtype=float)[keep]
        unit = load_variables()[variable].unit
        out[norm_name(str(variable), str(res))] = ((STATION, NORM_AXES[res]), grid, {
            "units": unit, "long_name": f"archive norm of {variable} per {res} of year", "variable": str(variable),
            "resolution": str(res)})
    return out
