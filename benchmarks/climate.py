"""Climatology and status over many stations, against a floor written in plain pandas and numpy.

Run with ``make bench-climate`` (``CLIMATE_ARGS="--stations 100"`` for a quick run), or::

    .venv/bin/python benchmarks/climate.py --stations 1000 --runs 3

A canonical CSV of ``--stations`` synthetic daily discharge series over 1990-2024 (35 years;
1,000 stations are 12.8 M rows) is written to a temporary folder. Then, alternated in each
round: ``bulletin climatology``, its floor (:mod:`climate_floor`: read, dekad means with
coverage, sort and interpolate per station and dekad), ``bulletin status`` and its floor (the
same, plus the Weibull rank of every period). Wall time medians and peak memory from
``/usr/bin/time -v``; the ratios are project / floor.

The issue's target (a fast columnar core): climatology + status for 1,000 stations at most
3 x the floor, peak memory at most 3 x the floor's.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from outlook import Case, gnu_time, measure, row  # noqa: E402

FLOOR = str(Path(__file__).resolve().parent / "climate_floor.py")
TARGET = 3.0


def write_stations(path: Path, stations: int, seed: int = 1) -> int:
    """A canonical CSV of ``stations`` daily series 1990-2024 (seasonal cycle plus gamma noise); return its rows."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range("1990-01-01", "2024-12-31", freq="D")
    text_dates = dates.strftime("%Y-%m-%d")
    season = 100 + 80 * np.sin(2 * np.pi * (dates.day_of_year.to_numpy() - 100) / 365.25)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("station,variable,date,value,unit\n")
        for s in range(stations):
            values = np.round(season * rng.uniform(0.5, 2.0) + rng.gamma(2.0, 10.0, dates.size), 2)
            pd.DataFrame({"station": f"st{s:05d}", "variable": "discharge", "date": text_dates, "value": values,
                          "unit": "m3/s"}).to_csv(fh, header=False, index=False)
    return stations * dates.size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, default=1000, help="Number of daily series (default 1000).")
    parser.add_argument("--runs", type=int, default=3, help="Runs of each case (default 3).")
    args = parser.parse_args()
    use_time = gnu_time()
    print(f"climate benchmark: {len(os.sched_getaffinity(0))} cores, load average {os.getloadavg()[0]:.2f}; "
          f"{args.stations} stations x 35 years daily", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-climate-") as tmp:
        workdir = Path(tmp)
        data = workdir / "stations.csv"
        rows = write_stations(data, args.stations)
        print(f"  wrote {rows:,} rows ({data.stat().st_size / 2**20:.0f} MiB)", flush=True)
        common = ["--keep-unknown-stations", "--data", str(data)]
        clim = Case("bulletin climatology", ["climatology", *common, "--out", str(workdir / "c.csv")])
        clim_floor = Case("floor: read, dekads, sort per dekad", [], command=[sys.executable, FLOOR, str(data)])
        status = Case("bulletin status", ["status", *common, "--out", str(workdir / "s.csv")])
        status_floor = Case("floor: ... and rank every period", [], command=[sys.executable, FLOOR, str(data), "--rank"])
        cases = (clim, clim_floor, status, status_floor)
        for k in range(args.runs):
            for case in (cases if k % 2 == 0 else cases[::-1]):
                measure(case, use_time, workdir)
                print(f"  {case.name}: {case.seconds[-1]:.2f} s, {case.peak_mib[-1]:.0f} MiB", flush=True)
    print()
    print(f"{'case':<50}{'runs':>5}{'median s':>10}{'min s':>9}{'max s':>9}{'peak MiB':>10}{'ratio':>8}")
    for case, floor in ((clim_floor, None), (clim, clim_floor), (status_floor, None), (status, status_floor)):
        print(row(case, floor))
    for case, floor in ((clim, clim_floor), (status, status_floor)):
        ratio = case.median / floor.median
        memory = max(case.peak_mib) / max(floor.peak_mib)
        verdict = "within" if ratio <= TARGET and memory <= TARGET else "ABOVE"
        print(f"{case.name}: {ratio:.1f} x the floor's time, {memory:.1f} x its peak memory "
              f"({verdict} the target of {TARGET:.0f} x)")


if __name__ == "__main__":
    main()
