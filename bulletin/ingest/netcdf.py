"""CF NetCDF time series (discrete sampling geometry ``timeSeries``), read with xarray.

What is read:

- stations: the variable with ``cf_role = "timeseries_id"`` (its dimension is the station
  dimension; a scalar one is a single station); without it the station is given by the caller;
- time: the coordinate named ``time`` or with ``standard_name = "time"`` or ``axis = "T"``,
  decoded by xarray (CF ``units = "days since ..."``, standard calendars), taken as UTC days;
- data: variables named as the bulletin's variables, or whose CF ``standard_name`` is in
  :data:`STANDARD_NAMES`; other variables along time are skipped and said so in the notes.
  With no such variable, a file with a single data variable along time is read as the variable
  given by the caller;
- units: the ``units`` attribute of each data variable, converted at ingest (CF spellings such as
  ``m3 s-1`` and ``km3`` are understood); a variable without one is an error, unless the caller
  gives the unit;
- resolution: the ``resolution`` attribute of the variable or of the file (``day`` when absent).

Missing values are the CF ``_FillValue`` / ``missing_value`` (masked by xarray).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from .. import files
from ..errors import IngestError
from ..units import load_variables
from .grid import GridPart, RawGrid
from .registry import ReadOptions, register

# CF standard name -> bulletin variable (cfconventions.org standard name table)
STANDARD_NAMES = {
    "water_volume_transport_in_river_channel": "discharge",
    "water_surface_height_above_reference_datum": "stage",
}
TIME_NAMES = ("time",)
HINT = ("correct the variables named above; a CF timeSeries file has a station id variable with "
        "cf_role=timeseries_id, a time coordinate and data variables with a units attribute.")


@register("netcdf", (".nc", ".nc4", ".cdf", ".netcdf"),
          layout="a CF NetCDF timeSeries: station ids (cf_role=timeseries_id) x time, one variable per quantity")
def read_netcdf(path: Path, options: ReadOptions) -> RawGrid:
    """The data variables of a CF timeSeries NetCDF file, station x time (their rows: one per station, time and variable)."""
    import xarray as xr

    try:
        with warnings.catch_warnings():  # times that do not decode are an error below, with the fix
            warnings.simplefilter("ignore", xr.SerializationWarning)
            ds = xr.open_dataset(path, decode_times=True, engine=_engine(path))
    except (OSError, ValueError, RuntimeError, TypeError, KeyError, IndexError, OverflowError, MemoryError) as exc:
        reason = str(exc).split(". ")[0].split("\n")[0]
        raise IngestError(f"{path}: not a readable NetCDF file ({reason}).",
                          hint="check it with `ncdump -h`; the time units must be CF (e.g. 'days since 1970-01-01').") from exc
    with ds:
        return _read(path, ds, options)


def _engine(path: Path) -> str | None:
    """The xarray backend for ``path``: SciPy's pure-Python reader for classic NetCDF (versions 1 and 2).

    A damaged classic file read by the netCDF-C library can crash the process (a segmentation fault,
    found by fuzzing); SciPy's reader raises an error instead. NetCDF-4 (HDF5) and CDF-5 files go to
    the netCDF4 library (None: xarray's choice).
    """
    with open(path, "rb") as fh:
        magic = fh.read(4)
    return "scipy" if magic in (b"CDF\x01", b"CDF\x02") else None


def _time_name(path: Path, ds) -> str:
    for name, var in ds.variables.items():
        if name in TIME_NAMES or var.attrs.get("standard_name") == "time" or var.attrs.get("axis") == "T":
            if not np.issubdtype(var.dtype, np.datetime64):
                raise IngestError(f"{path}: variable '{name}': the times could not be decoded to dates.",
                                  hint="give it CF units such as 'days since 1970-01-01' and a standard calendar.")
            return name
    shapes = ", ".join(f"'{n}' ({', '.join(map(str, v.dims)) or 'a scalar'})" for n, v in ds.data_vars.items()
                       if v.attrs.get("cf_role") != "timeseries_id")
    raise IngestError(f"{path}: no time coordinate: the data variables have the dimensions {shapes or '(none)'}, "
                      "so no value has a date.",
                      hint="store the values along a time coordinate named 'time' (or with standard_name = 'time') "
                           "with CF units such as 'days since 1970-01-01'.")


def _station_ids(path: Path, ds) -> tuple[str | None, str | None, list[str]]:
    """(id variable, station dimension, ids); (None, None, ['']) when the file has no id variable."""
    ids = [n for n, v in ds.variables.items() if v.attrs.get("cf_role") == "timeseries_id"]
    if not ids:
        return None, None, [""]
    name = ids[0]
    var = ds[name]
    if var.ndim > 1:
        raise IngestError(f"{path}: variable '{name}': station ids must have one dimension, not {var.dims}.",
                          hint="store the ids as strings along the station dimension.")
    values = np.atleast_1d(var.values)
    texts = [v.decode("utf-8").strip() if isinstance(v, bytes) else
             str(int(v)) if isinstance(v, (int, np.integer, float, np.floating)) and float(v).is_integer() else
             str(v).strip() for v in values]
    return name, (var.dims[0] if var.ndim else None), texts


def _read(path: Path, ds, options: ReadOptions) -> RawGrid:
    time = _time_name(path, ds)
    id_name, station_dim, ids = _station_ids(path, ds)
    known = load_variables()
    along_time = [n for n, v in ds.data_vars.items() if time in v.dims and n != id_name]
    chosen = {}
    for name in along_time:
        var = ds[name]
        bulletin = name.lower() if name.lower() in known else STANDARD_NAMES.get(var.attrs.get("standard_name", ""))
        if bulletin:
            chosen[name] = bulletin
    notes = []
    skipped = [n for n in along_time if n not in chosen]
    if not chosen and len(along_time) == 1:
        chosen, skipped = {along_time[0]: ""}, []  # the variable is given by the caller
    if not chosen:
        raise IngestError(
            f"{path}: no data variable is a bulletin variable: {', '.join(along_time) or 'none along time'}.",
            hint=f"name the variables {', '.join(known)} or give them a standard_name "
                 f"({', '.join(STANDARD_NAMES)}).")
    if skipped:
        notes.append(f"skipped variable(s) {', '.join(skipped)}: not bulletin variables")
    declared = sum(int(ds[name].size) for name in chosen)  # before any value is read: a small file may declare billions
    if declared > files.LIMITS.netcdf_values:
        raise IngestError(
            f"{path}: the variables {', '.join(chosen)} declare {declared:,} values, beyond the limit of "
            f"{files.LIMITS.netcdf_values:,} read in memory.",
            hint="check that it is the file meant; for truly large data raise the limit with 'bulletin --limit "
                 "netcdf_values=N ...' (a value takes about 20 bytes as read, and about 150 in a command that needs every row "
                 "at once, such as check-data or generate), or select stations "
                 "or years first (e.g. with NCO's ncks).")
    dates = pd.DatetimeIndex(ds[time].values).to_numpy()
    parts = []
    first_line = 1
    for name, bulletin in chosen.items():
        var = ds[name]
        unit = var.attrs.get("units")
        if unit is None and options.unit is None:
            canonical = known[bulletin].unit if bulletin else "m3/s"
            raise IngestError(
                f"{path}: variable '{name}': no 'units' attribute, so its values cannot be converted.",
                hint=f"add one, e.g. in xarray ds['{name}'].attrs['units'] = '{canonical}' or with NCO "
                     f"ncatted -a units,{name},c,c,'{canonical}' {path.name}; or give the unit with --unit.")
        extra = [d for d in var.dims if d not in (time, station_dim)]
        if extra and station_dim is None:  # a station dimension without the variable that names its stations
            raise IngestError(f"{path}: variable '{name}': dimensions {var.dims}, but no variable holds the station "
                              f"ids along '{extra[0]}' (one with the attribute cf_role = 'timeseries_id').",
                              hint="add the ids as a variable along that dimension with cf_role = 'timeseries_id' "
                                   "(CF discrete sampling geometry), or save one station per file.")
        if extra:
            raise IngestError(f"{path}: variable '{name}': dimensions {var.dims}; expected only time and the station "
                              f"dimension '{station_dim}'.",
                              hint="select one level of the other dimensions before saving the file.")
        if station_dim is not None and station_dim in var.dims:
            values, stations = var.transpose(station_dim, time).values, ids
        else:  # one series: the scalar station id, or the station given by the caller
            values, stations = var.values[None, :], (ids if station_dim is None else [""])
        if values.dtype.kind not in "biufc":
            raise IngestError(f"{path}: variable '{name}': its values are {values.dtype} ({values.dtype.kind}), "
                              "not numbers.", hint="store the values as numbers (float or integer).")
        if values.shape != (len(stations), len(dates)):
            raise IngestError(
                f"{path}: variable '{name}': {values.shape[0]:,} station(s) x {values.shape[1]:,} time(s), but the "
                f"file has {len(stations):,} station id(s) and {len(dates):,} time(s).", hint=HINT)
        resolution = var.attrs.get("resolution", ds.attrs.get("resolution", "day"))
        parts.append(GridPart(name, bulletin, "" if unit is None else str(unit), str(resolution), values, stations,
                              f"variable '{id_name}'" if id_name else f"variable '{name}'", first_line))
        first_line += values.size
    return RawGrid(parts, dates, hint=HINT, notes=notes)
