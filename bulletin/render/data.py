"""The data out of a bulletin: its dekad series as CF-1.8 NetCDF and as CSV, in memory.

Both receive the plain table of :func:`bulletin.datasets.bulletin_series` (any object with its
``rows``, ``stations`` and ``aggregation``) and return bytes; the same table gives the same
bytes. The NetCDF file is a discrete sampling geometry of time series (CF 1.8, chapter 9 and
appendix H.2.1: orthogonal multidimensional array) in the classic 64-bit offset format,
written by SciPy: NetCDF-4/HDF5 files are not byte-reproducible.
"""

from __future__ import annotations

import io
import math
from datetime import date, timedelta

import numpy as np
import pandas as pd
import xarray as xr

from ..tables import spreadsheet_safe

CSV_COLUMNS = ("station", "variable", "period", "start", "end", "value", "unit", "coverage")
"""Columns of the series CSV (those of ``SeriesTable.rows``)."""

UDUNITS = {"m3/s": "m3 s-1", "Mm3": "1e6 m3", "m": "m", "cm": "cm"}
"""The UDUNITS-2 form of each canonical unit of the data model."""

TIME_UNITS = "days since 1900-01-01"
"""Units of the time coordinate and of its bounds (calendar ``standard``)."""

EPOCH = date(1900, 1, 1)

VARIABLES = {
    "discharge": {"long_name": "river discharge (dekad mean)", "standard_name": "water_volume_transport_in_river_channel"},
    "inflow": {"long_name": "inflow to the reservoir (dekad mean)"},
    "release": {"long_name": "release from the reservoir (dekad mean)"},
    "withdrawal": {"long_name": "water withdrawn from the river (dekad mean)"},
    "volume": {"long_name": "reservoir water volume (end of the dekad)"},
    "level": {"long_name": "reservoir water level above sea level (end of the dekad)",
              "standard_name": "water_surface_height_above_reference_datum",
              "comment": "The reference datum is mean sea level (metres above sea level)."},
    "stage": {"long_name": "river stage above gauge zero (dekad maximum)",
              "standard_name": "water_surface_height_above_reference_datum",
              "comment": "The reference datum is the gauge zero of each station, not given in this file."},
}
"""Attributes of each canonical variable: its long name, and its CF standard name where the table has one.

Reservoir inflow and release and withdrawals have none (``incoming_`` and
``outgoing_water_volume_transport_along_river_channel`` are the flows into and out of a model's
grid cell), nor has a reservoir's volume.
"""

ORDER = ("discharge", "stage", "inflow", "release", "volume", "level", "withdrawal")
"""Order of the data variables in the file."""

CELL_METHODS = {
    "mean": "time: mean",
    "max": "time: maximum",
    "last": "time: point (value of the last day with data in the dekad)",
}
"""``cell_methods`` of each way daily values make a dekad value (``indicators/variables.yml`` ``aggregate``).

A ``last`` value (a reservoir's volume and level) is the state on the last day with data; the
time coordinate is the dekad's last day, so that a point value is at its coordinate (CF 1.8,
example 7.5) and a mean or maximum covers the bounds.
"""



def _days(d) -> float:
    """Days since :data:`EPOCH` [d] of a date."""
    return float((pd.Timestamp(d).date() - EPOCH).days)


def _coverage_name(variable: str) -> str:
    return f"coverage_{variable}"


def _units(rows: pd.DataFrame, variable: str) -> str:
    """The UDUNITS form of the one unit of ``variable`` in ``rows``; ValueError when none or several."""
    found = sorted(set(rows.loc[rows["variable"] == variable, "unit"]))
    if len(found) != 1 or found[0] not in UDUNITS:
        raise ValueError(f"{variable}: expected one canonical unit of {', '.join(UDUNITS)}, found {found}")
    return UDUNITS[found[0]]


def series_dataset(table, *, title: str, institution: str, source: str, references: str | None = None,
                   history_free: bool = True) -> xr.Dataset:
    """The table as a CF-1.8 time series dataset (see :func:`series_netcdf`)."""
    rows, stations = table.rows, table.stations
    how = dict(table.aggregation)
    unknown = sorted(set(rows["variable"]) - set(VARIABLES))
    if unknown:
        raise ValueError(f"no CF description of the variable(s) {', '.join(unknown)}")
    ids = list(stations["station"])
    if sorted(set(rows["station"]) - set(ids)):
        raise ValueError("rows name stations that the table's stations do not describe")
    periods = rows.drop_duplicates("start").sort_values("start")
    starts, ends = list(periods["start"]), list(periods["end"])
    station_index = {sid: i for i, sid in enumerate(ids)}
    shape = (len(ids), len(starts))
    s_at = rows["station"].map(station_index).to_numpy(dtype=np.int64)
    t_at = pd.Index(pd.to_datetime(pd.Series(starts))).get_indexer(pd.to_datetime(rows["start"])).astype(np.int64)
    data_vars, encoding = {}, {}
    coords = ("lat", "lon", "station_id", "station_name")
    for variable in (v for v in ORDER if v in set(rows["variable"])):
        if variable not in how:
            raise ValueError(f"{variable}: the table does not say how its dekad value is made")
        here = (rows["variable"] == variable).to_numpy()
        value, coverage = np.full(shape, np.nan), np.full(shape, np.nan)
        value[s_at[here], t_at[here]] = rows.loc[here, "value"].to_numpy(dtype=float)
        coverage[s_at[here], t_at[here]] = rows.loc[here, "coverage"].to_numpy(dtype=float)
        meta = VARIABLES[variable]
        data_vars[variable] = (("station", "time"), value, {
            **({"standard_name": meta["standard_name"]} if "standard_name" in meta else {}),
            "long_name": meta["long_name"], "units": _units(rows, variable), "cell_methods": CELL_METHODS[how[variable]],
            "ancillary_variables": _coverage_name(variable),
            **({"comment": meta["comment"]} if "comment" in meta else {})})
        data_vars[_coverage_name(variable)] = (("station", "time"), coverage, {
            "long_name": f"share of the days of the dekad with a good value of {variable}", "units": "1",
            "valid_range": np.array([0.0, 1.0])})
        for name in (variable, _coverage_name(variable)):
            encoding[name] = {"dtype": "float64", "_FillValue": np.nan, "coordinates": " ".join(coords)}
    ds = xr.Dataset(data_vars, coords={
        "time": ("time", np.array([_days(e) for e in ends]), {
            "standard_name": "time", "long_name": "last day of the dekad", "units": TIME_UNITS,
            "calendar": "standard", "axis": "T", "bounds": "time_bnds"}),
        "station_id": ("station", np.array(ids, dtype=object), {
            "long_name": "station id (network file)", "cf_role": "timeseries_id"}),
        "station_name": ("station", np.array(list(stations["name_en"]), dtype=object), {
            "long_name": "station name"}),
        "lat": ("station", stations["lat"].to_numpy(dtype=float), {
            "standard_name": "latitude", "long_name": "station latitude", "units": "degrees_north"}),
        "lon": ("station", stations["lon"].to_numpy(dtype=float), {
            "standard_name": "longitude", "long_name": "station longitude", "units": "degrees_east"}),
    })
    ds["time_bnds"] = (("time", "nv"), np.array([[_days(s), _days(e + timedelta(days=1))]
                                                  for s, e in zip(starts, ends, strict=True)]).reshape(-1, 2))
    for name in ("time", "time_bnds", "lat", "lon"):
        encoding[name] = {"dtype": "float64", "_FillValue": None}
    for name, strlen in (("station_id", "id_strlen"), ("station_name", "name_strlen")):
        encoding[name] = {"_FillValue": None, "char_dim_name": strlen}
    ds.attrs = {"Conventions": "CF-1.8", "featureType": "timeSeries", "title": title, "institution": institution,
                "source": source, **({"references": references} if references else {}),
                "comment": f"Dekad series of the bulletin {table.period}, up to and including its last dekad; "
                           "values with less than the catalogue's coverage of their dekad are missing.",
                **({} if history_free else {"history": f"dekad series of the bulletin {table.period}"})}
    ds.encoding["unlimited_dims"] = set()
    for name, enc in encoding.items():
        ds.variables[name].encoding = enc
    return ds


def series_netcdf(table, *, title: str, institution: str, source: str, references: str | None = None,
                  history_free: bool = True) -> bytes:
    """The table as a CF-1.8 NetCDF file of time series (``featureType: timeSeries``).

    Parameters
    ----------
    table : bulletin.datasets.SeriesTable
        The dekad series: ``rows`` (station, variable, period, start, end, value, unit,
        coverage), ``stations`` (station, name_en, lat, lon ...) and ``aggregation``
        ((variable, mean | last | max), ...).
    title, institution, source : str
        The global attributes of these names (CF 2.6.2).
    references : str, optional
        The global attribute ``references``.
    history_free : bool
        True (the default): no ``history`` attribute. False: a ``history`` naming the bulletin
        period, still without any date, so that the bytes stay the same.

    Returns
    -------
    bytes
        A NetCDF-3 file (64-bit offset). Dimensions ``station`` and ``time`` (every dekad of any
        series, their union); one variable per canonical variable present [UDUNITS form of its
        canonical unit: m3 s-1, 1e6 m3, m, cm], NaN where a series has no value, with its
        ``coverage_<variable>`` [1] as ancillary variable (NaN outside the series). ``time`` is
        the last day of the dekad [days since 1900-01-01], ``time_bnds`` its first day and the
        day after its last.
    """
    ds = series_dataset(table, title=title, institution=institution, source=source, references=references,
                        history_free=history_free)
    return bytes(ds.to_netcdf(None, engine="scipy", format="NETCDF3_64BIT"))


def _cell(value) -> str:
    """A CSV cell: numbers with 6 significant digits, NaN and None empty, dates ISO."""
    if value is None:
        return ""
    if isinstance(value, (float, np.floating)):
        return "" if math.isnan(value) else format(float(value), ".6g")
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (date, pd.Timestamp)):
        return pd.Timestamp(value).date().isoformat()
    return str(value)


def series_csv(table) -> bytes:
    """The table's rows as UTF-8 CSV: :data:`CSV_COLUMNS`, one line per station, variable and dekad.

    Numbers have 6 significant digits (``%.6g``, as every CSV of the data commands), a missing
    value is an empty cell, dates are ISO (start and end: first and last day of the dekad), and
    lines end with a line feed. Text cells that a spreadsheet would take for a formula are
    made spreadsheet-safe (:func:`~bulletin.tables.spreadsheet_safe`).
    """
    rows = table.rows
    cells = {}
    for c in CSV_COLUMNS:
        column = rows[c]
        if pd.api.types.is_float_dtype(column):
            values = column.to_numpy(dtype=float)
            text = np.char.mod("%.6g", values).astype(object)
            text[np.isnan(values)] = ""
            cells[c] = text
        else:  # few distinct texts and dates: format each once
            cells[c] = column.map({v: spreadsheet_safe(_cell(v)) for v in column.unique()}).to_numpy(dtype=object)
    buf = io.StringIO()
    pd.DataFrame(cells, columns=list(CSV_COLUMNS)).to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue().encode("utf-8")
