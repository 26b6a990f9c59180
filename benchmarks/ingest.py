"""Ingest benchmark: time and peak memory to read 30 years of daily data for 500 stations.

Run with ``make bench``. Each format is written once into a temporary folder (not timed),
then read in a fresh Python process, so that the peak resident memory of the child is the
reader's own. Prints one row per format.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

FORMATS: dict = {}


def writer(name: str):
    def wrap(func):
        FORMATS[name] = func
        return func

    return wrap


def synthetic(stations: int, years: int, seed: int = 1) -> pd.DataFrame:
    """Long table of daily discharge [m3/s] for ``stations`` stations over ``years`` years."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range("1991-01-01", periods=int(years * 365.25), freq="D")
    doy = dates.day_of_year.to_numpy()
    seasonal = 1.0 + 0.8 * np.sin((doy - 100) / 365.25 * 2 * np.pi)
    frames = []
    for i in range(stations):
        base = 20 + 480 * rng.random()
        values = np.round(base * seasonal * rng.lognormal(0.0, 0.15, dates.size), 1)
        frames.append(pd.DataFrame({"station": f"st{i:04d}", "variable": "discharge",
                                    "date": dates.strftime("%Y-%m-%d"), "value": values, "unit": "m3/s"}))
    return pd.concat(frames, ignore_index=True)


@writer("csv")
def write_csv(table: pd.DataFrame, folder: Path) -> list[Path]:
    path = folder / "all.csv"
    table.to_csv(path, index=False)
    return [path]


@writer("csv.gz")
def write_csv_gz(table: pd.DataFrame, folder: Path) -> list[Path]:
    path = folder / "all.csv.gz"
    table.to_csv(path, index=False, compression={"method": "gzip", "mtime": 0})
    return [path]


@writer("csv-ru")
def write_csv_ru(table: pd.DataFrame, folder: Path) -> list[Path]:
    """The Russian-locale variant: semicolons, decimal comma, cp1251, Russian names, DD.MM.YYYY."""
    path = folder / "all_ru.csv"
    ru = pd.DataFrame({
        "станция": table["station"], "переменная": table["variable"],
        "дата": pd.to_datetime(table["date"]).dt.strftime("%d.%m.%Y"),
        "значение": table["value"].map(lambda v: f"{v:.1f}".replace(".", ",")), "единица": "м3/с",
    })
    ru.to_csv(path, index=False, sep=";", encoding="cp1251")
    return [path]


def _dekad_table(table: pd.DataFrame) -> pd.DataFrame:
    """The same series as dekad means (yearbook and archive layouts hold no daily values)."""
    dates = pd.to_datetime(table["date"])
    dekad = (dates.dt.month - 1) * 3 + dates.dt.day.clip(upper=21).sub(1).floordiv(10) + 1
    return (table.assign(year=dates.dt.year, dekad=dekad)
            .groupby(["station", "year", "dekad"], sort=True)["value"].mean().round(2).reset_index())


@writer("yearbook")
def write_yearbook(table: pd.DataFrame, folder: Path):
    """One yearbook file per station (year + 36 dekad values); the station comes from the caller."""
    files = []
    for station, g in _dekad_table(table).groupby("station", sort=True):
        wide = g.pivot(index="year", columns="dekad", values="value")
        path = folder / f"{station}.csv"
        wide.to_csv(path, header=False)
        files.append(path)
    return files, {"per_file_station": True, "variable": "discharge", "unit": "m3/s"}


@writer("hydromet-long")
def write_hydromet_long(table: pd.DataFrame, folder: Path) -> list[Path]:
    """The Uzhydromet archive layout with dekad rows and a norm column."""
    d = _dekad_table(table)
    month = (d["dekad"] - 1) // 3 + 1
    n = (d["dekad"] - 1) % 3 + 1
    month_end = pd.to_datetime(dict(year=d["year"], month=month, day=1)) + pd.offsets.MonthEnd(0)
    day = pd.Series(month_end.dt.day.to_numpy(), index=d.index).where(n == 3, n * 10)
    dates = pd.to_datetime(dict(year=d["year"], month=month, day=day))
    norm = d.groupby(["station", "dekad"])["value"].transform("mean").round(2)
    path = folder / "archive.csv"
    pd.DataFrame({"date": dates.dt.strftime("%Y-%m-%d"), "data": d["value"], "norm": norm, "units": "m3s",
                  "type": "Q", "code": d["station"], "station": d["station"], "river": "r", "basin": "b",
                  "resolution": "dec"}).to_csv(path, index=False)
    return [path]


@writer("xlsx")
def write_xlsx(table: pd.DataFrame, folder: Path) -> list[Path]:
    """One workbook, one long sheet per station (written with openpyxl in write-only mode)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for station, g in table.groupby("station", sort=True):
        sheet = book.create_sheet(station)
        sheet.append(["variable", "date", "value", "unit"])
        for row in zip(g["variable"], g["date"], g["value"], g["unit"], strict=True):
            sheet.append(list(row))
    path = folder / "all.xlsx"
    book.save(path)
    return [path]


@writer("netcdf")
def write_netcdf(table: pd.DataFrame, folder: Path) -> list[Path]:
    """A CF timeSeries: station x time, discharge with units."""
    import xarray as xr

    wide = table.pivot(index="date", columns="station", values="value")
    ds = xr.Dataset(
        {"discharge": (("station", "time"), wide.to_numpy().T.astype("float32"), {"units": "m3 s-1"})},
        coords={"time": pd.to_datetime(wide.index), "station_id": ("station", wide.columns.to_numpy().astype(str),
                                                                    {"cf_role": "timeseries_id"})},
        attrs={"Conventions": "CF-1.8", "featureType": "timeSeries"},
    )
    path = folder / "all.nc"
    ds.to_netcdf(path)
    return [path]


CHILD = """
import json, pathlib, sys, time
t0 = time.perf_counter()
from bulletin.ingest import read_observations
t1 = time.perf_counter()
options = json.loads(sys.argv[1])
if options.pop("per_file_station", False):
    rows = sum(len(read_observations([f], None, allow_unknown_stations=True, station=pathlib.Path(f).stem,
                                     **options).frame) for f in sys.argv[2:])
else:
    rows = len(read_observations(sys.argv[2:], None, allow_unknown_stations=True, **options).frame)
t2 = time.perf_counter()
# VmHWM is the peak resident memory of this program's own address space. (ru_maxrss would also
# count the parent's memory, which the child inherits at fork before it starts this program.)
hwm = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"rows": int(rows), "import_s": t1 - t0, "read_s": t2 - t1,
                  "peak_mib": int(hwm.split()[1]) / 1024}))
"""


def measure(files: list[Path], options: dict) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, json.dumps(options), *map(str, files)],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, default=500)
    parser.add_argument("--years", type=int, default=30)
    parser.add_argument("--formats", default=",".join(FORMATS))
    args = parser.parse_args()
    table = synthetic(args.stations, args.years)
    print(f"{args.stations} stations x {args.years} years daily = {len(table):,} values")
    print(f"{'format':<14}{'files':>6}{'size MiB':>10}{'rows':>12}{'read s':>9}{'peak MiB':>10}")
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.formats.split(","):
            folder = Path(tmp) / name.replace(".", "_")
            folder.mkdir()
            files, options = FORMATS[name](table, folder), {}
            if isinstance(files, tuple):
                files, options = files
            size = sum(f.stat().st_size for f in files) / 2**20
            start = time.perf_counter()
            r = measure(files, options)
            print(f"{name:<14}{len(files):>6}{size:>10.1f}{r['rows']:>12,}{r['read_s']:>9.1f}{r['peak_mib']:>10.0f}"
                  f"   (wall {time.perf_counter() - start:.1f} s with start-up)", flush=True)


if __name__ == "__main__":
    main()
