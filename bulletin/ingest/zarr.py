"""Zarr stores of observations (``bulletin convert``): their layout, and reading one back.

A store is an xarray Dataset saved with Zarr (format 3), station x time, one float64 array per
variable and resolution. It is what the distributed path of ``climatology``, ``status`` and
``ssi`` reads, a chunk of stations at a time; ``--data STORE.zarr`` reads it in every command.

Layout (:data:`STORE_VERSION` 1):

- dimension ``station``, coordinate ``station``: the station ids as text (``cf_role =
  timeseries_id``);
- one time axis per resolution present: ``time`` (daily, every day from the first to the last
  observed), ``time_pentad``, ``time_dekad``, ``time_month`` (the last day of each period present,
  as in the canonical CSV); dates stored as CF ``days since 1970-01-01`` (int32), attribute
  ``resolution``;
- data variables ``<variable>`` (daily values, on ``time``) and ``<variable>_<resolution>``
  (pentad, dekad or month values, on their own axis, so that they are not mixed with the days),
  float64 in the variable's canonical unit: attributes ``units``, ``long_name``, ``variable``,
  ``resolution`` (and ``standard_name`` for discharge and stage); NaN where there is no value;
- ``<data variable>_flag`` (int8, or int16 beyond 126 flags) on the same dimensions: ``-1`` no
  observation at that station and date, ``0`` an observation without a source flag, ``k`` an
  observation with the source flag ``flag_texts[k - 1]`` (attribute). An observation whose value
  is empty (an archive's empty row) is thus kept apart from no observation. A store without a
  ``_flag`` array (one written by other tools) has an observation wherever a value is not NaN;
- ``norm_<variable>_<resolution>`` (station x ``<resolution>_of_year``, 1-72, 1-36, 1-12 or
  1-366): the norms an archive ships with its data (hydromet long files), per period of year.

Not kept: the file and line each value was read from (messages name the store, the variable and
the station instead), the order of the rows, identical duplicate rows (stored once), and the
reader's notes (``bulletin convert`` prints them). Variables of the store that are not bulletin
variables are skipped, as the NetCDF reader does.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import IngestError
from ..periods import PERIODS_PER_YEAR, period_of_year
from ..units import conversion_factor, load_variables
from .grid import GridPart, RawGrid
from .registry import ReadOptions, register

STORE_VERSION = 1
STATION = "station"
TIME_AXES = {"day": "time", "pentad": "time_pentad", "dekad": "time_dekad", "month": "time_month"}
"""The time axis of each resolution."""
NORM_AXES = {"day": "day_of_year", "pentad": "pentad_of_year", "dekad": "dekad_of_year", "month": "month_of_year"}
"""The period-of-year axis of each resolution's archive norms."""
NORM_LENGTH = {"day": 366, **PERIODS_PER_YEAR}
FLAG_SUFFIX = "_flag"
NO_ROW = -1
HINT = ("write the store with 'bulletin convert --data FILES --out STORE.zarr', or give it the layout of "
        "bulletin/ingest/zarr.py: a 'station' dimension with the station ids, a time axis, and one array per "
        "variable with a 'units' attribute.")


def data_name(variable: str, resolution: str) -> str:
    """The name of the array of one variable and resolution (``discharge``, ``discharge_dekad``)."""
    return variable if resolution == "day" else f"{variable}_{resolution}"


def norm_name(variable: str, resolution: str) -> str:
    """The name of the array of the archive norms of one variable and resolution."""
    return f"norm_{variable}_{resolution}"


@dataclass(frozen=True)
class StoreArray:
    """One data array of a store: its name, bulletin variable, resolution, time axis, unit and companions."""

    name: str
    variable: str
    resolution: str
    axis: str
    unit: str
    flag: str | None  # the name of its flag array, if any
    norm: str | None  # the name of its archive-norm array, if any


@dataclass(frozen=True)
class StoreLayout:
    """What a store holds, checked: station ids, its data arrays and the arrays skipped (with why)."""

    stations: tuple[str, ...]
    arrays: tuple[StoreArray, ...]
    skipped: tuple[str, ...]

    def notes(self) -> list[str]:
        """Sentences for the user about the arrays left aside."""
        return [f"skipped variable(s) {', '.join(self.skipped)}: not bulletin variables"] if self.skipped else []


def open_store(path: Path):
    """The store at ``path`` as a lazy xarray Dataset (no value read; nothing chunked with dask)."""
    import xarray as xr

    try:
        return xr.open_zarr(path, consolidated=False, chunks=None, decode_times=True)
    except (OSError, ValueError, KeyError, TypeError, RecursionError) as exc:  # RecursionError: metadata nested deep
        reason = str(exc).split("\n")[0]
        raise IngestError(f"{path}: not a readable Zarr store ({type(exc).__name__}: {reason}).", hint=HINT) from exc


def _resolution_of(name: str, var, ds, known) -> tuple[str, str] | None:
    """(bulletin variable, resolution) of a data array, from its attributes or its name; None if not a variable."""
    variable, resolution = var.attrs.get("variable"), var.attrs.get("resolution")
    if variable in known and resolution in TIME_AXES:
        return variable, resolution
    lower = name.lower()
    if lower in known:
        axes = [d for d in var.dims if d != STATION]
        axis_res = ds[axes[0]].attrs.get("resolution", "day") if axes and axes[0] in ds.coords else "day"
        return lower, axis_res if axis_res in TIME_AXES else "day"
    head, _, tail = lower.rpartition("_")
    if head in known and tail in TIME_AXES:
        return head, tail
    return None


def store_layout(path: Path, ds, options: ReadOptions | None = None) -> StoreLayout:
    """Check a store's layout and return it; an error names the store, the variable and how to fix it.

    Raises
    ------
    IngestError
        A store without a ``station`` dimension or station ids, an array that is not station x
        time, an array without a unit, or with a unit that is not one of its variable.
    """
    options = options or ReadOptions()
    known = load_variables()
    if STATION not in ds.dims:
        shapes = ", ".join(f"'{n}' ({', '.join(map(str, v.dims))})" for n, v in ds.data_vars.items())
        raise IngestError(f"{path}: the store has no '{STATION}' dimension (arrays: {shapes or 'none'}), so no value "
                          "has a station.", hint=HINT)
    if STATION not in ds.coords:
        raise IngestError(f"{path}: the '{STATION}' dimension has no coordinate with the station ids.", hint=HINT)
    stations = tuple(_texts(ds[STATION].values))
    arrays, skipped = [], []
    names = set(ds.data_vars)
    for name in sorted(names):  # the order Zarr lists the arrays in is not fixed
        var = ds[name]
        if name.endswith(FLAG_SUFFIX) and name[: -len(FLAG_SUFFIX)] in names or name.startswith("norm_"):
            continue
        found = _resolution_of(name, var, ds, known)
        if found is None:
            skipped.append(name)
            continue
        variable, resolution = found
        axes = [d for d in var.dims if d != STATION]
        if STATION not in var.dims or len(axes) != 1 or len(var.dims) != 2:
            raise IngestError(f"{path}: variable '{name}': dimensions ({', '.join(map(str, var.dims))}); expected "
                              f"('{STATION}', a time axis).", hint=HINT)
        axis = axes[0]
        if axis not in ds.coords or not np.issubdtype(ds[axis].dtype, np.datetime64):
            raise IngestError(f"{path}: variable '{name}': its axis '{axis}' has no dates.",
                              hint="give the axis a coordinate with CF units such as 'days since 1970-01-01'.")
        unit = var.attrs.get("units", options.unit)
        canonical = known[variable].unit
        if not unit:
            raise IngestError(f"{path}: variable '{name}': no 'units' attribute, so its values cannot be converted.",
                              hint=f"set it, e.g. in xarray ds['{name}'].attrs['units'] = '{canonical}', or give "
                                   "the unit with --unit.")
        try:
            conversion_factor(str(unit), canonical)
        except ValueError as exc:
            raise IngestError(f"{path}: variable '{name}': {exc}; {variable} is measured in {canonical}.",
                              hint=f"correct the 'units' attribute of '{name}' (e.g. '{canonical}').") from exc
        twin = next((a.name for a in arrays if (a.variable, a.resolution) == (variable, resolution)), None)
        if twin is not None:
            raise IngestError(f"{path}: variables '{twin}' and '{name}' both hold {variable} per {resolution}.",
                              hint="keep one of them in the store.")
        flag = name + FLAG_SUFFIX if name + FLAG_SUFFIX in names else None
        if flag is not None and ds[flag].dims != var.dims:
            raise IngestError(f"{path}: variable '{flag}': dimensions {ds[flag].dims}, not those of '{name}' "
                              f"{var.dims}.", hint=HINT)
        norm = norm_name(variable, resolution)
        arrays.append(StoreArray(name, variable, resolution, axis, str(unit), flag, norm if norm in names else None))
    if not arrays:
        raise IngestError(f"{path}: no array of the store is a bulletin variable: {', '.join(names) or 'none'}.",
                          hint=f"name the arrays {', '.join(known)} (or <variable>_dekad ...); " + HINT)
    return StoreLayout(stations, tuple(arrays), tuple(sorted(skipped)))


def _texts(values) -> list[str]:
    return [v.decode("utf-8").strip() if isinstance(v, bytes) else str(v).strip() for v in np.atleast_1d(values)]


def store_rows(path: Path, ds, layout: StoreLayout, stations: np.ndarray | None = None, *,
               observed: np.ndarray | None = None) -> pd.DataFrame:
    """The raw rows of the stations at positions ``stations`` (all when None), as a reader gives them.

    One row per observation (see the module's layout), array after array, each station after
    station, then dates. ``line`` is the 1-based position of the value in its array
    (station-major), the same whichever stations are read; ``where`` names the array and the
    station. With ``observed`` (:func:`observed`, stations x arrays) no value is read: one row
    per station and array that has an observation, value NaN, to check stations and units.
    """
    positions = np.arange(len(layout.stations)) if stations is None else np.asarray(stations, dtype=np.int64)
    ids = np.asarray(layout.stations, dtype=object)[positions]
    frames = []
    for j, arr in enumerate(layout.arrays):
        times = pd.DatetimeIndex(ds[arr.axis].values).astype("datetime64[ns]").to_numpy()
        if observed is not None:
            ii = np.flatnonzero(observed[:, j])
            tt = np.zeros(ii.size, dtype=np.int64)
            values, code = np.full(ii.size, np.nan), np.zeros(ii.size, dtype=np.int64)
        else:
            grid = np.asarray(ds[arr.name].transpose(STATION, arr.axis).isel({STATION: positions}).values, dtype=float)
            codes = _codes(ds, arr, positions, grid)
            ii, tt = np.nonzero(codes != NO_ROW)
            values, code = grid[ii, tt], codes[ii, tt].astype(np.int64)
        texts = np.array(["", *(_texts(ds[arr.flag].attrs.get("flag_texts", [])) if arr.flag else [])], dtype=object)
        if code.size and (code.min() < 0 or code.max() >= texts.size):
            raise IngestError(f"{path}: variable '{arr.flag}': codes outside -1..{texts.size - 1} "
                              f"(attribute flag_texts has {texts.size - 1} texts).", hint=HINT)
        where = np.array([f"variable '{arr.name}', station '{s}'" for s in ids], dtype=object)
        frame = pd.DataFrame({
            "station": ids[ii], "variable": arr.variable, "date": times[tt], "value": values,
            "unit": arr.unit, "resolution": arr.resolution, "flag": texts[code], "where": where[ii],
            "part": f"variable '{arr.name}'", "line": positions[ii] * times.size + tt + 1,
        })
        if arr.norm and observed is None:
            norms = np.asarray(ds[arr.norm].transpose(STATION, NORM_AXES[arr.resolution])
                               .isel({STATION: positions}).values, dtype=float)
            poy = period_of_year(arr.resolution, pd.DatetimeIndex(times)) - 1
            frame["norm"] = norms[ii, poy[tt]] if tt.size else np.array([])
        frames.append(frame)
    rows = pd.concat(frames, ignore_index=True)
    if "norm" in rows:
        rows["norm"] = rows["norm"].astype(float)
    return rows


def _codes(ds, arr: StoreArray, positions: np.ndarray, grid: np.ndarray | None = None) -> np.ndarray:
    """The flag codes of an array's stations at ``positions`` (from its values when it has no flag array)."""
    if arr.flag:
        return np.asarray(ds[arr.flag].transpose(STATION, arr.axis).isel({STATION: positions}).values)
    if grid is None:
        grid = np.asarray(ds[arr.name].transpose(STATION, arr.axis).isel({STATION: positions}).values, dtype=float)
    return np.where(np.isnan(grid), NO_ROW, 0).astype(np.int8)


def observed(ds, layout: StoreLayout, stations: np.ndarray) -> np.ndarray:
    """Which of the stations at positions ``stations`` have an observation in each array (stations x arrays)."""
    positions = np.asarray(stations, dtype=np.int64)
    out = np.zeros((positions.size, len(layout.arrays)), dtype=bool)
    for j, arr in enumerate(layout.arrays):
        out[:, j] = (_codes(ds, arr, positions) != NO_ROW).any(axis=1)
    return out


class StoreGrid(RawGrid):
    """A store's arrays, loaded: a :class:`~.grid.RawGrid` whose rows are :func:`store_rows`' (a block of stations at a time).

    Each data array is a part: its values, its time axis, the cells that are observations and
    their source flags.
    """

    def __init__(self, path: Path, ds, layout: StoreLayout):
        names = [n for a in layout.arrays for n in (a.name, a.flag, a.norm) if n]
        self.path, self.ds, self.layout = path, ds[names].load(), layout  # only the arrays read, in memory
        everyone = np.arange(len(layout.stations))
        parts = []
        for arr in layout.arrays:
            values = np.asarray(self.ds[arr.name].transpose(STATION, arr.axis).values, dtype=float)
            codes = _codes(self.ds, arr, everyone, values)
            texts = ("", *(_texts(self.ds[arr.flag].attrs.get("flag_texts", [])) if arr.flag else []))
            dates = pd.DatetimeIndex(self.ds[arr.axis].values).astype("datetime64[ns]").to_numpy()
            parts.append(GridPart(arr.name, arr.variable, arr.unit, arr.resolution, values, list(layout.stations),
                                  "", 1, dates, codes != NO_ROW, codes if arr.flag else None, texts))
        super().__init__(parts, parts[0].dates, hint=HINT, notes=layout.notes())

    def rows_of(self, start: int, stop: int) -> pd.DataFrame:
        """The raw rows of the stations at positions ``start:stop`` (:func:`store_rows`)."""
        return store_rows(self.path, self.ds, self.layout, np.arange(start, min(stop, len(self.layout.stations))))


@register("zarr", (".zarr",), layout="a Zarr store written by bulletin convert: station x time, one array per variable")
def read_zarr(path: Path, options: ReadOptions) -> RawGrid:
    """A Zarr store's arrays (:class:`StoreGrid`; their rows: one per observation of every station and variable)."""
    ds = open_store(path)
    layout = store_layout(path, ds, options)
    return StoreGrid(path, ds, layout)
