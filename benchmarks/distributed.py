"""Climatology and status on a 2-worker dask cluster, from a Zarr store of N stations x 35 years of days.

Run with ``make bench-cluster`` (``DISTRIBUTED_ARGS="--stations 1000"`` for one size), or::

    .venv/bin/python benchmarks/distributed.py --stations 1000 10000

For each N, synthetic daily discharge 1990-2024 (12,784 days; 10,000 stations are 128 M values,
1 GB as float64) is written directly as a Zarr store with xarray, a chunk of stations at a time
(the layout of ``bulletin convert``, without flag arrays: every value is an observation), chunked
as convert chunks it. Then for ``bulletin climatology`` and ``bulletin status``: a scheduler
(``dask scheduler``) and two workers (``dask worker --nthreads 1 --no-nanny``, each under
``/usr/bin/time -v``) are started afresh, the command runs with ``--scheduler`` and the workers
are shut down; reported are the command's wall time, the peak resident memory of each worker
process and of the client. The issue's target: 10,000 stations complete with every worker under
2 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# this file's name is the package's: its folder must not hide dask.distributed from the imports below
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

BIN = Path(sys.executable).parent
TIME = "/usr/bin/time"
TARGET_MIB = 2048
DAYS = pd.date_range("1990-01-01", "2024-12-31", freq="D")


def write_store(path: Path, stations: int, seed: int = 1) -> int:
    """A store of ``stations`` daily discharge series 1990-2024, written chunk by chunk; return its chunk."""
    import dask.array as da
    import xarray as xr

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from bulletin.distributed.store import default_chunk_stations

    chunk = default_chunk_stations(DAYS.size)
    ids = np.array([f"st{s:05d}" for s in range(stations)], dtype=object)
    template = xr.Dataset(
        {"discharge": (("station", "time"), da.zeros((stations, DAYS.size), chunks=(chunk, DAYS.size)),
                       {"units": "m3/s", "long_name": "discharge (day values)", "variable": "discharge",
                        "resolution": "day"})},
        coords={"station": ("station", ids, {"cf_role": "timeseries_id"}),
                "time": ("time", DAYS.to_numpy(), {"standard_name": "time", "resolution": "day"})})
    template.to_zarr(path, mode="w-", compute=False, consolidated=False, zarr_format=3,
                     encoding={"time": {"units": "days since 1970-01-01", "dtype": "int32"},
                               "discharge": {"chunks": (chunk, DAYS.size)}})
    rng = np.random.default_rng(seed)
    season = 100 + 80 * np.sin(2 * np.pi * (DAYS.day_of_year.to_numpy() - 100) / 365.25)
    for start in range(0, stations, chunk):
        n = min(chunk, stations - start)
        values = np.round(season * rng.uniform(0.5, 2.0, (n, 1)) + rng.gamma(2.0, 10.0, (n, DAYS.size)), 2)
        part = xr.Dataset({"discharge": (("station", "time"), values)})
        part.to_zarr(path, region={"station": slice(start, start + n), "time": slice(0, DAYS.size)},
                     consolidated=False, zarr_format=3)
    return chunk


def peak_mib(report: Path) -> float:
    """The peak resident memory [MiB] in a GNU time report."""
    return int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", report.read_text())[1]) / 1024


def run_on_cluster(workdir: Path, command: list[str], label: str) -> dict:
    """Start a scheduler and 2 workers (under GNU time), run ``command`` against it, stop them; the figures."""
    from distributed import Client

    sched_file = workdir / f"{label}.scheduler.json"
    sched_file.unlink(missing_ok=True)
    logs = [open(workdir / f"{label}.{n}.log", "w") for n in ("scheduler", "w0", "w1")]  # noqa: SIM115
    scheduler = subprocess.Popen([str(BIN / "dask"), "scheduler", "--port", "0", "--no-dashboard",
                                  "--scheduler-file", str(sched_file)], stdout=logs[0], stderr=logs[0])
    while not sched_file.exists():
        time.sleep(0.1)
    time.sleep(0.5)
    workers = []
    for k in range(2):
        workers.append(subprocess.Popen(
            [TIME, "-v", "-o", str(workdir / f"{label}.w{k}.time"), str(BIN / "dask"), "worker", "--scheduler-file",
             str(sched_file), "--nthreads", "1", "--no-nanny", "--no-dashboard", "--memory-limit", "8GB"],
            stdout=logs[k + 1], stderr=logs[k + 1]))
    address = json.loads(sched_file.read_text())["address"]
    with Client(address) as client:
        client.wait_for_workers(2, timeout=120)
    start = time.perf_counter()
    done = subprocess.run([TIME, "-v", "-o", str(workdir / f"{label}.client.time"), str(BIN / "bulletin"), *command,
                           "--scheduler", address], capture_output=True, text=True)
    seconds = time.perf_counter() - start
    with Client(address) as client:
        client.shutdown()
    for proc in (*workers, scheduler):
        proc.wait(timeout=120)
    for log in logs:
        log.close()
    if done.returncode != 0:
        sys.exit(f"{label}: the command failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return {"seconds": seconds, "workers": [peak_mib(workdir / f"{label}.w{k}.time") for k in range(2)],
            "client": peak_mib(workdir / f"{label}.client.time"), "output": done.stdout.strip()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, nargs="+", default=[1000, 10000], help="Store sizes (stations).")
    parser.add_argument("--workdir", default=None, help="Folder for the stores and outputs (default: a temporary one).")
    args = parser.parse_args()
    print(f"distributed benchmark: {len(os.sched_getaffinity(0))} cores, load average {os.getloadavg()[0]:.2f}; "
          f"2 workers x 1 thread; {DAYS.size} days per station", flush=True)
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-distributed-", dir=args.workdir) as tmp:
        workdir = Path(tmp)
        for stations in args.stations:
            store = workdir / f"stations{stations}.zarr"
            start = time.perf_counter()
            chunk = write_store(store, stations)
            size = sum(f.stat().st_size for f in store.rglob("*") if f.is_file())
            print(f"  {stations:,} stations: wrote {store.name} ({stations * DAYS.size:,} values, "
                  f"{size / 2**20:.0f} MiB on disk, chunks of {chunk} stations = "
                  f"{chunk * DAYS.size * 8 / 2**20:.0f} MiB of float64) in {time.perf_counter() - start:.1f} s",
                  flush=True)
            for command in ("climatology", "status"):
                out = workdir / f"{command}{stations}.csv"
                figures = run_on_cluster(workdir, [command, "--keep-unknown-stations", "--data", str(store),
                                                   "--out", str(out)], f"{command}{stations}")
                results.append((stations, command, chunk, figures))
                print(f"  {command}: {figures['seconds']:.1f} s, workers {figures['workers'][0]:.0f} and "
                      f"{figures['workers'][1]:.0f} MiB, client {figures['client']:.0f} MiB; {figures['output']}",
                      flush=True)
                out.unlink()
            subprocess.run(["rm", "-rf", str(store)], check=True)
    print()
    print(f"{'stations':>9}{'command':>13}{'chunk':>7}{'wall s':>9}{'s/1000 st':>11}{'worker MiB':>12}"
          f"{'client MiB':>12}")
    for stations, command, chunk, f in results:
        print(f"{stations:>9,}{command:>13}{chunk:>7}{f['seconds']:>9.1f}{1000 * f['seconds'] / stations:>11.1f}"
              f"{max(f['workers']):>12.0f}{f['client']:>12.0f}")
    for command in ("climatology", "status"):
        rows = sorted((s, f["seconds"]) for s, c, _, f in results if c == command)
        if len(rows) > 1:
            (s0, t0), (s1, t1) = rows[0], rows[-1]
            print(f"{command}: {s0:,} -> {s1:,} stations ({s1 / s0:.0f} x): time x {t1 / t0:.1f}")
    worst = max(max(f["workers"]) for *_, f in results)
    print(f"peak memory of a worker: {worst:.0f} MiB (target: under {TARGET_MIB} MiB): "
          f"{'met' if worst < TARGET_MIB else 'NOT met'}")


if __name__ == "__main__":
    main()
