"""The floor of ``bulletin climatology`` and ``bulletin status``: the same arithmetic in plain pandas and numpy.

Usage: ``climate_floor.py FILE.csv [--rank]``. Reads a canonical CSV (one reference station, every
row valid), takes the dekad means with the 70 % coverage rule, puts them in a station x year x
dekad-of-year cube, sorts the 1991-2020 years of each (station, dekad) and interpolates the norm,
P10, P25, P50, P75 and P90 at the Weibull positions. With ``--rank``, it also ranks every period
of the record among its reference values (the status of every period). No checks, no error
messages, no output but a checksum: what no tool can do faster, to measure the project against.
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd

REFERENCE = (1991, 2020)
QUANTILES = (0.10, 0.25, 0.50, 0.75, 0.90)


def main(path: str, rank: bool) -> float:
    frame = pd.read_csv(path, usecols=["station", "date", "value"], dtype={"station": "category", "value": "float64"},
                        parse_dates=["date"])
    station = frame["station"].cat.codes.to_numpy().astype(np.int64)
    n_stations = len(frame["station"].cat.categories)
    dates = frame["date"]
    year, month, day = dates.dt.year.to_numpy(), dates.dt.month.to_numpy(), dates.dt.day.to_numpy()
    dekad = (month - 1) * 3 + np.minimum((day - 1) // 10, 2)
    first = int(year.min())
    n_years = int(year.max()) - first + 1
    cell = (station * n_years + (year - first)) * 36 + dekad
    values = frame["value"].to_numpy()
    present = ~np.isnan(values)
    size = n_stations * n_years * 36
    sums = np.bincount(cell[present], weights=values[present], minlength=size)
    counts = np.bincount(cell[present], minlength=size)
    days = np.bincount(cell, minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = sums / counts
    means[(counts < 0.7 * days) | (days == 0)] = np.nan
    cube = means.reshape(n_stations, n_years, 36)
    reference = np.sort(cube[:, REFERENCE[0] - first:REFERENCE[1] - first + 1, :], axis=1)  # NaN last
    n = (~np.isnan(reference)).sum(axis=1)  # station x dekad
    with np.errstate(invalid="ignore"):
        norm = np.nanmean(reference, axis=1)
    checksum = float(np.nansum(norm))
    for q in QUANTILES:  # position i/(n+1) of the i-th value, linear between, the extremes beyond
        at = np.clip(q * (n + 1) - 1, 0, np.maximum(n - 1, 0))
        low = np.floor(at).astype(int)
        high = np.minimum(low + 1, np.maximum(n - 1, 0))
        lo = np.take_along_axis(reference, low[:, None, :], axis=1)[:, 0, :]
        hi = np.take_along_axis(reference, high[:, None, :], axis=1)[:, 0, :]
        checksum += float(np.nansum(lo + (hi - lo) * (at - low)))
    if rank:  # the Weibull position of every period among its reference values, ties sharing the mean
        below = (reference[:, None, :, :] < cube[:, :, None, :]).sum(axis=2)
        at_or_below = (reference[:, None, :, :] <= cube[:, :, None, :]).sum(axis=2)
        percentile = 100.0 * ((below + at_or_below + 1) / 2) / (n[:, None, :] + 1)
        checksum += float(np.nansum(np.where(np.isnan(cube), np.nan, percentile)))
    return checksum


if __name__ == "__main__":
    print(main(sys.argv[1], "--rank" in sys.argv[2:]))
