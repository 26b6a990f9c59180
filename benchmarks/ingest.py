"""Ingest benchmark: time and peak memory to read 30 years of daily data for 500 stations.

Run with ``make bench-ingest`` (``BENCH_ARGS="--formats csv,netcdf --runs 5"``). Each format is
written once into a temporary folder (not timed), then read in a fresh Python process, so that
the peak resident memory of the child is the reader's own. Prints one row per format, and the
comparisons of the issue's targets, measured side by side (alternated runs, medians):

- canonical CSV against its floor, ``pandas.read_csv(engine="pyarrow")`` and the dates parsed;
- xlsx against the reader it replaced (openpyxl, kept as its fallback);
- NetCDF and Zarr: peak memory against their values as float64, above the memory of the imports
  and of the reader's libraries (loaded by opening a file of one value of the format first: a
  fixed cost, not one per value).
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


@writer("zarr")
def write_zarr(table: pd.DataFrame, folder: Path) -> list[Path]:
    """A store in the layout of ``bulletin convert`` (bulletin/ingest/zarr.py), without flag arrays (as other tools write)."""
    import xarray as xr

    wide = table.pivot(index="date", columns="station", values="value")
    ds = xr.Dataset(
        {"discharge": (("station", "time"), wide.to_numpy().T.astype(float),
                       {"units": "m3/s", "variable": "discharge", "resolution": "day"})},
        coords={"station": ("station", wide.columns.to_numpy().astype(object), {"cf_role": "timeseries_id"}),
                "time": ("time", pd.to_datetime(wide.index).to_numpy(), {"resolution": "day"})})
    path = folder / "all.zarr"
    ds.to_zarr(path, consolidated=False, zarr_format=3, encoding={"time": {"units": "days since 1970-01-01",
                                                                          "dtype": "int32"}})
    return [path]


def write_tiny(folder: Path, kind: str) -> Path:
    """A file of one value in ``kind`` (netcdf, zarr): opening it loads the libraries its reader needs, not its values."""
    import xarray as xr

    ds = xr.Dataset({"q": (("time",), [1.0])}, coords={"time": pd.to_datetime(["2000-01-01"])})
    if kind == "zarr":
        path = folder / "tiny.lib.zarr"
        ds.to_zarr(path, consolidated=False, zarr_format=3)
    else:
        path = folder / "tiny.nc.lib"
        ds.to_netcdf(path, format="NETCDF4")
    return path


CHILD = """
import json, pathlib, sys, time
t0 = time.perf_counter()
from bulletin.ingest import read_observations
t1 = time.perf_counter()
options = json.loads(sys.argv[1])
if options.pop("openpyxl", False):  # the reader before calamine, kept as its fallback
    import bulletin.ingest.xlsx as xlsx
    xlsx._read_calamine = lambda path: xlsx.read_with_openpyxl(path)
bulletin_base = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
tiny = options.pop("libraries_of", None)
if tiny:  # the reader's libraries loaded (xarray's backends, netCDF-C and HDF5) by opening a one-value file
    import xarray
    xarray.open_dataset(tiny).close()
base = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
if options.pop("per_file_station", False):
    rows = sum(read_observations([f], None, allow_unknown_stations=True, station=pathlib.Path(f).stem,
                                 **options).count() for f in sys.argv[2:])
else:
    rows = read_observations(sys.argv[2:], None, allow_unknown_stations=True, **options).count()
t2 = time.perf_counter()
# VmHWM is the peak resident memory of this program's own address space. (ru_maxrss would also
# count the parent's memory, which the child inherits at fork before it starts this program.)
hwm = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"rows": int(rows), "import_s": t1 - t0, "read_s": t2 - t1,
                  "peak_mib": int(hwm.split()[1]) / 1024, "base_mib": int(base.split()[1]) / 1024,
                  "bulletin_mib": int(bulletin_base.split()[1]) / 1024}))
"""

# the floor of the canonical CSV: pandas' pyarrow engine and the dates parsed, nothing checked
FLOOR = """
import json, sys, time
import pandas as pd
t1 = time.perf_counter()
rows = 0
for name in sys.argv[2:]:
    frame = pd.read_csv(name, engine="pyarrow")
    frame["date"] = pd.to_datetime(frame["date"])
    rows += len(frame)
t2 = time.perf_counter()
hwm = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"rows": rows, "read_s": t2 - t1, "peak_mib": int(hwm.split()[1]) / 1024, "base_mib": 0}))
"""


def measure(files: list[Path], options: dict, program: str = CHILD) -> dict:
    out = subprocess.run([sys.executable, "-c", program, json.dumps(options), *map(str, files)],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def medians(cases: dict, runs: int) -> dict:
    """Each case (name -> (files, options, program)) run ``runs`` times, alternated; the median run of each."""
    results: dict = {name: [] for name in cases}
    for k in range(runs):
        for name in (list(cases) if k % 2 == 0 else list(cases)[::-1]):
            results[name].append(measure(*cases[name]))
    return {name: sorted(r, key=lambda x: x["read_s"])[len(r) // 2] for name, r in results.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, default=500)
    parser.add_argument("--years", type=int, default=30)
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--runs", type=int, default=3, help="Runs of the cases compared side by side (default 3).")
    args = parser.parse_args()
    table = synthetic(args.stations, args.years)
    values = len(table)
    print(f"{args.stations} stations x {args.years} years daily = {values:,} values")
    print(f"{'format':<14}{'files':>6}{'size MiB':>10}{'rows':>12}{'read s':>9}{'peak MiB':>10}")
    comparisons = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.formats.split(","):
            folder = Path(tmp) / name.replace(".", "_")
            folder.mkdir()
            files, options = FORMATS[name](table, folder), {}
            if isinstance(files, tuple):
                files, options = files
            size = sum(p.stat().st_size for f in files for p in ([f] if f.is_file() else f.rglob("*"))) / 2**20
            if name in ("netcdf", "zarr"):
                options = {**options, "libraries_of": str(write_tiny(folder, name))}
            cases = {name: (files, options, CHILD)}
            if name == "csv":
                cases["floor: pandas pyarrow engine"] = (files, {}, FLOOR)
            if name == "xlsx":
                cases["xlsx with openpyxl"] = (files, {**options, "openpyxl": True}, CHILD)
            start = time.perf_counter()
            r = medians(cases, args.runs if len(cases) > 1 else 1)
            for case, m in r.items():
                print(f"{case:<14}{len(files):>6}{size:>10.1f}{m['rows']:>12,}{m['read_s']:>9.2f}{m['peak_mib']:>10.0f}",
                      flush=True)
            print(f"{'':<14}(wall {time.perf_counter() - start:.1f} s for {sum(len(c) for c in [r])} case(s), "
                  f"{args.runs if len(cases) > 1 else 1} run(s) each, medians)", flush=True)
            if name == "csv":
                ratio = r["floor: pandas pyarrow engine"]["read_s"] / r[name]["read_s"]
                comparisons.append(f"canonical CSV: {ratio:.2f} x the speed of pandas' pyarrow engine "
                                   f"(target: at least 0.5)")
            if name == "xlsx":
                ratio = r["xlsx with openpyxl"]["read_s"] / r[name]["read_s"]
                comparisons.append(f"xlsx: {ratio:.1f} x faster than openpyxl (target: 10)")
            if name in ("netcdf", "zarr"):
                m = r[name]
                raw = values * 8 / 2**20
                comparisons.append(f"{'NetCDF' if name == 'netcdf' else 'Zarr'}: peak {m['peak_mib']:.0f} MiB = "
                                   f"{m['peak_mib'] / raw:.1f} x its values as "
                                   f"float64 ({raw:.0f} MiB); above the {m['base_mib']:.0f} MiB of the imports and "
                                   f"the reader's libraries {(m['peak_mib'] - m['base_mib']) / raw:.1f} x "
                                   f"(target for NetCDF: 3); "
                                   f"above the {m['bulletin_mib']:.0f} MiB of the package's imports alone "
                                   f"{(m['peak_mib'] - m['bulletin_mib']) / raw:.1f} x")
    print()
    for line in comparisons:
        print(line)


if __name__ == "__main__":
    main()
