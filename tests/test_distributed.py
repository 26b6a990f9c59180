"""The distributed path (bulletin/distributed) and bulletin convert, against the in-memory path.

A LocalCluster of 2 worker processes serves the module. The CSV of climatology, status and ssi
computed on it (``--scheduler``) from a Zarr store must be byte for byte the in-memory path's
from the source files: the synthetic sample (in chunks of 4 stations, so that the rows of many
parts are put in order, with the stations of the flow links checked together) and the real
Uzhydromet archive of the Chirchik. Convert's store must read back as the observations of its
source; a failed or killed convert leaves no store; bad stores are refused naming the store,
the variable and the station.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from click.testing import CliRunner

from bulletin.cli import main
from bulletin.ingest import read_observations
from bulletin.network import load_network
from bulletin.resources import resource_path

from .conftest import SAMPLE_ISSUED, SHARED_DATA, shared_data

ARCHIVE = SHARED_DATA / "chirchik-uzhydromet" / "data_ChirchikRiver.csv"
CHIRCHIK = ["--network", str(resource_path("data", "basin", "chirchik.yaml")),
            "--catalogue", str(resource_path("indicators", "chirchik.yaml"))]
COMMANDS = {
    "climatology": ["climatology"],
    "status": ["status"],
    "ssi": ["ssi", "--scale", "3"],
    "climatology-month-full": ["climatology", "--resolution", "month", "--reference", "full"],
}


def run(*args, expect: int = 0):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == expect, (result.output, result.stderr, result.exception)
    return result


@pytest.fixture(scope="module")
def scheduler():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        yield cluster.scheduler_address


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("distributed")


@pytest.fixture(scope="module")
def sample_store(workdir):
    store = workdir / "sample.zarr"
    result = run("convert", "--out", store, "--chunk-stations", 4)
    assert f"wrote {store} (26 stations" in result.output
    return store


@pytest.fixture(scope="module")
def archive_store(workdir):
    if not ARCHIVE.exists():
        pytest.skip(f"shared data absent: {ARCHIVE}")
    store = workdir / "chirchik.zarr"
    run("convert", *CHIRCHIK, "--data", ARCHIVE, "--out", store, "--chunk-stations", 2)
    return store


def comparable(obs) -> pd.DataFrame:
    """The observations as values to compare: the file and line of each row are not kept by a store."""
    f = obs.frame[["station", "variable", "resolution", "date", "value", "flag"]].astype(
        {"station": object, "variable": object, "resolution": object, "flag": object})
    f["date"] = f["date"].astype("datetime64[ns]")
    return f.sort_values(["station", "variable", "resolution", "date"], kind="stable", ignore_index=True)


# ---- convert and the reader of a store ------------------------------------------------------

def test_convert_round_trips_the_sample(sample_store):
    network = load_network()
    source, back = read_observations(None, network), read_observations([sample_store], network)
    assert len(back.frame) == len(source.frame) == 512618
    pd.testing.assert_frame_equal(comparable(back), comparable(source))
    ds = xr.open_zarr(sample_store, consolidated=False)
    assert ds["discharge"].dims == ("station", "time") and ds["discharge"].dtype == np.float64
    assert ds["discharge"].attrs["units"] == "m3/s" and ds["volume"].attrs["units"] == "Mm3"
    assert ds["withdrawal_dekad"].dims == ("station", "time_dekad")  # dekad values on their own axis
    assert ds.chunks["station"][0] == 4 and ds.sizes["time"] == (ds["time"][-1] - ds["time"][0]).dt.days + 1
    assert list(ds["station"].values) == sorted(ds["station"].values)
    assert [i.path for i in back.inputs] == ["sample.zarr"] and len(back.inputs[0].sha256) == 64


@shared_data(ARCHIVE)
def test_convert_round_trips_the_real_archive_with_its_norms(archive_store):
    network = load_network(CHIRCHIK[1])
    source, back = read_observations([ARCHIVE], network), read_observations([archive_store], network)
    pd.testing.assert_frame_equal(comparable(back), comparable(source))
    assert set(back.frame["resolution"]) == {"dekad", "month"}
    norms = [o.archive_norms.drop(columns="file").astype(object).reset_index(drop=True) for o in (source, back)]
    assert len(norms[0]) == 156
    pd.testing.assert_frame_equal(norms[1], norms[0])


def test_source_flags_and_empty_rows_are_kept(workdir):
    data = workdir / "flags.csv"
    data.write_text("station,variable,date,value,unit,flag\n"
                    "toktogul,volume,2020-01-01,9000,Mm3,E\n"
                    "toktogul,volume,2020-01-02,,Mm3,\n"
                    "toktogul,volume,2020-01-04,9010,km3,\n", encoding="utf-8")
    store = workdir / "flags.zarr"
    run("convert", "--data", data, "--out", store)
    network = load_network()
    back = comparable(read_observations([store], network))
    pd.testing.assert_frame_equal(back, comparable(read_observations([data], network)))
    assert back["flag"].tolist() == ["E", "", ""] and np.isnan(back["value"][1])  # the empty row is an observation
    assert back["value"][2] == 9010 * 1000  # converted to the canonical unit


def test_the_store_is_read_by_generate(sample_store, workdir):
    outs = {}
    for name, data in (("csv", []), ("store", ["--data", sample_store])):
        out = workdir / f"generate-{name}"
        run("generate", *data, "--format", "json", "--lang", "en", "--out", out, "--issued-at", SAMPLE_ISSUED,
            "--no-outlook")
        (file,) = out.glob("*.json")
        outs[name] = json.loads(file.read_text(encoding="utf-8"))
    assert outs["store"]["findings"] == outs["csv"]["findings"]
    assert [i["path"] for i in outs["store"]["bulletin"]["inputs"]] == ["sample.zarr"]


def test_a_failed_convert_leaves_no_store(workdir, monkeypatch):
    store = workdir / "failed.zarr"
    calls = []
    real = xr.Dataset.to_zarr

    def failing(self, *args, **kwargs):
        calls.append(kwargs.get("region"))
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(xr.Dataset, "to_zarr", failing)
    result = run("convert", "--out", store, "--chunk-stations", 4, expect=1)
    assert "cannot write the store" in result.stderr and "No space left on device" in result.stderr
    assert not store.exists() and not list(workdir.glob(".failed.zarr*"))


def test_a_killed_convert_leaves_no_store(workdir):
    store = workdir / "killed.zarr"
    command = [str(Path(sys.executable).parent / "bulletin"), "convert", "--out", str(store), "--chunk-stations", "1"]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not list(workdir.glob(".killed.zarr.*/station")) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    assert proc.poll() is None, "convert ended before it was killed"
    os.kill(proc.pid, signal.SIGKILL)  # while it writes the chunks
    proc.wait()
    assert not store.exists()


def test_convert_refuses_an_existing_store_and_other_names(sample_store, workdir):
    assert "the store exists" in run("convert", "--out", sample_store, expect=2).stderr
    assert "ends in .zarr" in run("convert", "--out", workdir / "x.store", expect=2).stderr


# ---- bad stores -----------------------------------------------------------------------------

def _store(path: Path, ds: xr.Dataset) -> Path:
    ds.to_zarr(path, mode="w", consolidated=False, zarr_format=3)
    return path


def _discharge(units="m3/s", station="naryn_uchkurgan"):
    time_ = pd.date_range("2000-01-01", periods=40)
    return xr.Dataset({"discharge": (("station", "time"), np.ones((1, 40)), {"units": units})},
                      coords={"station": np.array([station], dtype=object), "time": time_})


@pytest.mark.parametrize("distributed", [False, True])
def test_bad_stores_are_refused_naming_the_store_variable_and_station(workdir, scheduler, distributed):
    extra = ["--scheduler", scheduler] if distributed else []
    flat = _store(workdir / "flat.zarr", xr.Dataset(
        {"discharge": (("time",), np.ones(40), {"units": "m3/s"})}, coords={"time": pd.date_range("2000-01-01",
                                                                                                  periods=40)}))
    err = run("climatology", "--data", flat, *extra, expect=1).stderr
    assert f"{flat.resolve() if distributed else flat}: the store has no 'station' dimension" in err
    assert "'discharge' (time)" in err
    furlongs = _store(workdir / "furlongs.zarr", _discharge(units="furlongs/fortnight"))
    err = run("status", "--data", furlongs, *extra, expect=1).stderr
    assert "furlongs.zarr: variable 'discharge': " in err and "furlongs/fortnight" in err and "m3/s" in err
    nowhere = _store(workdir / "nowhere.zarr", _discharge(station="nowhere"))
    err = run("climatology", "--data", nowhere, *extra, expect=1).stderr
    assert "nowhere.zarr" in err and "variable 'discharge', station 'nowhere': unknown station 'nowhere'" in err


def test_metadata_nested_too_deeply_is_a_store_refused_not_an_internal_error(workdir):
    deep = _store(workdir / "deep.zarr", _discharge())
    (deep / "discharge" / "zarr.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    err = run("status", "--data", deep, expect=1).stderr
    assert "deep.zarr: not a readable Zarr store (RecursionError: " in err and "internal error" not in err


def test_the_distributed_path_reads_a_store_only(scheduler):
    err = run("climatology", "--scheduler", scheduler, expect=2).stderr
    assert "reads one Zarr store" in err and "bulletin convert" in err


# ---- the distributed path against the in-memory path ------------------------------------------

@pytest.mark.parametrize("command", list(COMMANDS))
def test_the_sample_on_the_cluster_gives_the_bytes_of_the_in_memory_path(command, sample_store, scheduler, workdir):
    memory, cluster = workdir / f"{command}-memory.csv", workdir / f"{command}-cluster.csv"
    run(*COMMANDS[command], "--out", memory)
    result = run(*COMMANDS[command], "--data", sample_store, "--scheduler", scheduler, "--out", cluster)
    assert memory.read_bytes() == cluster.read_bytes()
    rows = memory.read_bytes().count(b"\n") - 1
    assert rows >= 540 and f"({rows} rows)" in result.output


@shared_data(ARCHIVE)
@pytest.mark.parametrize("command", list(COMMANDS))
def test_the_real_archive_on_the_cluster_gives_the_bytes_of_the_in_memory_path(command, archive_store, scheduler):
    memory = run(*COMMANDS[command], *CHIRCHIK, "--data", ARCHIVE).stdout_bytes
    cluster = run(*COMMANDS[command], *CHIRCHIK, "--data", archive_store, "--scheduler", scheduler).stdout_bytes
    assert memory == cluster and memory.count(b"\n") > 60


def test_a_store_too_large_for_memory_goes_to_a_local_cluster(sample_store, monkeypatch):
    from bulletin.distributed import cluster

    memory = run("status", "--data", sample_store).stdout_bytes
    monkeypatch.setattr(cluster, "available_memory", lambda: 2**20)
    result = run("status", "--data", sample_store)
    assert "computing on a local dask cluster" in result.stderr and "values" in result.stderr
    assert result.stdout_bytes == memory
