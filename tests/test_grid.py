"""Gridded files (CF NetCDF) kept as station x time arrays (bulletin/ingest/grid.py).

The reference everywhere is the table of rows the same file gives: ``normalise`` of the
reader's raw rows, as every file was read before grids. Grids must give the same rows, the
same errors word for word, and the data commands the same bytes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from click.testing import CliRunner

import bulletin.ingest.grid as grid
import bulletin.ingest.read as read
from bulletin.cli import main
from bulletin.errors import IngestError
from bulletin.ingest import Observations, normalise, read_observations, read_table
from bulletin.ingest.grid import GridObservations, grid_frame, normalise_grid
from bulletin.network import load_network

from .conftest import SHARED_DATA, shared_data

ARCHIVE = SHARED_DATA / "chirchik-uzhydromet" / "ChirchikRiverBasin_from_rda.csv"


def write_netcdf(path: Path, ids, values: np.ndarray, start="2000-01-01", **variables) -> Path:
    """A CF timeSeries file: discharge [l/s] at ``ids`` x days, and any other ``variables`` (name: (dims, values, attrs))."""
    times = pd.date_range(start, periods=values.shape[1])
    data = {"discharge": (("station", "time"), values, {"units": "l/s"}), **variables}
    xr.Dataset(data, coords={"time": times, "station_id": ("station", np.asarray(ids), {"cf_role": "timeseries_id"})},
               attrs={"featureType": "timeSeries"}).to_netcdf(path)
    return path


@pytest.fixture
def mixed(tmp_path):
    """Five stations (network aliases and ids, one unknown) x 40 days, discharge with gaps, and stage in m."""
    rng = np.random.default_rng(3)
    values = rng.gamma(2.0, 50_000.0, (5, 40))
    values[1, 3:9] = np.nan
    stage = (("station", "time"), values / 1e5, {"units": "m"})
    return write_netcdf(tmp_path / "mixed.nc", ["16279", "naryn_uchkurgan", "akjar", "st_x", "syrdarya_kokbulak"], values,
                        stage=stage)


@pytest.mark.parametrize("block", [1, 40, 100, 1 << 16])
def test_grids_give_the_rows_of_the_raw_table(mixed, monkeypatch, block):
    # blocks of one value (one station a block), of one station's two variables, of 2 stations, and all at once
    monkeypatch.setattr(grid, "BLOCK_VALUES", block)
    network = load_network()
    raw = read_table(mixed)
    expected = normalise(raw, mixed, network, True)
    got = grid_frame(normalise_grid(raw, mixed, network, True)[0])
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert len(got) == 400 and got["value"].isna().sum() == 12  # 6 days missing of discharge and of stage
    # l/s to m3/s, the alias resolved, line = position in the file (discharge first, then stage)
    first = got.iloc[0]
    assert (first["station"], first["variable"], first["line"]) == ("16279", "discharge", 1)
    assert first["value"] == pytest.approx(raw.parts[0].values[0, 0] / 1000, rel=1e-15)
    assert set(got["station"]) == {"16279", "naryn_uchkurgan", "syrdarya_akdzhar", "st_x", "syrdarya_kokbulak"}  # 'akjar' is an alias
    assert got["line"].iloc[-1] == 400


def test_a_problem_in_one_block_is_named_with_every_other_of_the_file(tmp_path, monkeypatch):
    # unknown stations in the first and the last block: the message is the whole file's, word for word
    monkeypatch.setattr(grid, "BLOCK_VALUES", 10)
    path = write_netcdf(tmp_path / "u.nc", ["zz1", "16279", "zz2"], np.ones((3, 10)))
    raw = read_table(path)
    with pytest.raises(IngestError) as whole:
        normalise(raw, path, load_network(), False)
    with pytest.raises(IngestError) as blocks:
        normalise_grid(raw, path, load_network(), False)
    assert str(blocks.value) == str(whole.value)
    assert "unknown station 'zz1' on 10 rows" in str(blocks.value) and "unknown station 'zz2'" in str(blocks.value)


def test_read_observations_keeps_a_netcdf_file_as_grids(mixed):
    network = load_network()
    obs = read_observations([mixed], network, allow_unknown_stations=True)
    assert isinstance(obs, GridObservations)
    rows = Observations(obs.frame.copy(), obs.inputs, obs.unknown_stations, obs.archive_norms, obs.notes)
    pd.testing.assert_frame_equal(obs.frame, normalise(read_table(mixed), mixed, network, True), check_exact=True)
    assert obs.keys() == rows.keys()
    assert obs.count() == len(rows.frame) == 400
    assert obs.last_date == rows.last_date == pd.Timestamp("2000-02-09").date()
    assert obs.unknown_stations == ["16279", "st_x"]
    assert obs.inputs[0].path == "mixed.nc" and len(obs.inputs[0].sha256) == 64


def test_as_rows_when_asked_the_same_rows(mixed):
    # check-data needs every row at once: read as rows directly, the same table
    network = load_network()
    rows = read_observations([mixed], network, allow_unknown_stations=True, as_grids=False)
    grids = read_observations([mixed], network, allow_unknown_stations=True)
    assert not isinstance(rows, GridObservations) and isinstance(grids, GridObservations)
    pd.testing.assert_frame_equal(rows.frame, grids.frame, check_exact=True)
    assert rows.unknown_stations == grids.unknown_stations and rows.inputs == grids.inputs


def test_take_builds_the_rows_of_some_series_only(mixed):
    obs = read_observations([mixed], load_network(), allow_unknown_stations=True)
    keys = [("syrdarya_kokbulak", "discharge"), ("16279", "stage")]
    part = obs.take(keys)
    assert "_frame" not in obs.__dict__  # the whole file's rows were never built
    expected = obs.frame[[(s, v) in keys for s, v in zip(obs.frame["station"], obs.frame["variable"], strict=True)]]
    got = part.frame
    assert sorted(part.keys()) == sorted(keys)
    np.testing.assert_array_equal(got["value"].to_numpy(), expected["value"].to_numpy())
    np.testing.assert_array_equal(got["line"].to_numpy(), expected["line"].to_numpy())
    assert list(got["station"].astype(str)) == list(expected["station"].astype(str))


def test_the_last_date_counts_only_values(tmp_path):
    values = np.ones((2, 10))
    values[:, 7:] = np.nan  # the file's last three days hold no value
    obs = read_observations([write_netcdf(tmp_path / "a.nc", ["a", "b"], values)], None)
    assert obs.last_date == pd.Timestamp("2000-01-07").date()
    empty = read_observations([write_netcdf(tmp_path / "e.nc", ["a"], np.full((1, 5), np.nan))], None)
    assert empty.last_date is None and empty.count() == 5


def test_a_station_given_twice_is_read_as_rows_and_its_conflict_named(tmp_path):
    values = np.ones((2, 5))
    values[1, 2] = 3.0
    path = write_netcdf(tmp_path / "twice.nc", ["a", "a"], values)
    with pytest.raises(IngestError, match=r"1 observation\(s\) are given twice with different values"):
        read_observations([path], None)
    values[1, 2] = 1.0  # the same values twice: read, as any file's identical duplicate rows
    obs = read_observations([write_netcdf(tmp_path / "same.nc", ["a", "a"], values)], None)
    assert not isinstance(obs, GridObservations) and len(obs.frame) == 10


def test_files_sharing_a_series_are_read_as_rows(tmp_path):
    a = write_netcdf(tmp_path / "a.nc", ["x"], np.ones((1, 5)))
    b = write_netcdf(tmp_path / "b.nc", ["x"], np.ones((1, 5)), start="2000-01-06")
    obs = read_observations([a, b], None)
    assert not isinstance(obs, GridObservations)
    assert len(obs.frame) == 10 and list(obs.frame["file"].unique()) == ["a.nc variable 'discharge'",
                                                                         "b.nc variable 'discharge'"]
    two = read_observations([a, write_netcdf(tmp_path / "c.nc", ["y"], np.ones((1, 5)))], None)
    assert isinstance(two, GridObservations) and two.keys() == [("x", "discharge"), ("y", "discharge")]


def _cli(args) -> str:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("command", ["climatology", "status", "ssi"])
def test_data_commands_on_grids_write_the_bytes_of_rows(tmp_path, monkeypatch, command):
    # 150 stations (3 blocks of 64 series), 3 years of days, a QC error (a negative discharge) in the second block
    rng = np.random.default_rng(11)
    values = rng.gamma(2.0, 40_000.0, (150, 1096))
    values[100, 500] = -5_000.0
    values[7, 20:400] = np.nan
    path = write_netcdf(tmp_path / "many.nc", [f"s{k:03d}" for k in range(150)], values)
    args = [command, "--keep-unknown-stations", "--data", str(path), "--reference", "full"]
    if command != "ssi":
        args += ["--resolution", "month"]
    grids = tmp_path / "grids.csv"
    _cli([*args, "--out", str(grids)])
    monkeypatch.setattr(read, "distinct_series", lambda files: False)  # the same file read as rows
    rows = tmp_path / "rows.csv"
    _cli([*args, "--out", str(rows)])
    assert grids.read_bytes() == rows.read_bytes()
    assert len(grids.read_text().splitlines()) > 150


@shared_data(ARCHIVE)
def test_a_real_archive_as_netcdf_gives_the_status_of_its_csv(tmp_path):
    # Uzhydromet's dekad discharge of four Chirchik stations, 1932-2015, written as a CF NetCDF file
    # of float64 values on one dekad axis: the status of every dekad equals the one of the CSV. A station
    # whose record starts later has empty cells before its start on the common axis: those dekads are
    # listed as no_data, as a CSV with empty rows there would list them.
    frame = read_observations([ARCHIVE], None).frame
    frame = frame[frame["resolution"] == "dekad"]
    wide = frame.pivot_table(index="date", columns="station", values="value", observed=True, dropna=False)
    path = tmp_path / "chirchik.nc"
    xr.Dataset({"discharge": (("station", "time"), wide.to_numpy().T, {"units": "m3 s-1", "resolution": "dekad"})},
               coords={"time": wide.index.to_numpy(),
                       "station_id": ("station", wide.columns.astype(str).to_numpy(), {"cf_role": "timeseries_id"})},
               ).to_netcdf(path)
    assert isinstance(read_observations([path], None), GridObservations)
    out = {}
    for name, data in (("csv", ARCHIVE), ("nc", path)):
        out[name] = tmp_path / f"{name}.csv"
        _cli(["status", "--keep-unknown-stations", "--reference", "full", "--data", str(data), "--out", str(out[name])])
    csv_lines, nc_lines = out["csv"].read_text().splitlines(), out["nc"].read_text().splitlines()
    rest = iter(nc_lines)
    assert all(line in rest for line in csv_lines)  # the CSV's lines, in their order, among the NetCDF's
    known = set(csv_lines)
    extra = [line for line in nc_lines if line not in known]
    assert len(extra) == len(nc_lines) - len(csv_lines)
    assert len(csv_lines) > 10_000 and sum(line.endswith(",normal") for line in csv_lines) > 4_000
    assert extra and all(line.startswith("16298,discharge,dekad,m3/s,") and line.endswith(",,,,no_data")
                         for line in extra)
    assert nc_lines.index(extra[-1]) + 1 == nc_lines.index(next(x for x in csv_lines if x.startswith("16298,")))


def test_a_time_axis_shorter_than_the_values_is_refused_naming_both(tmp_path):
    # the file of tests/data/fuzz: one byte of its header changed; the reader names what disagrees
    path = Path(__file__).parent / "data" / "fuzz" / "netcdf_time_axis_shorter_than_values.nc"
    with pytest.raises(IngestError, match=r"variable 'discharge': 2 station\(s\) x 6 time\(s\), but the file has "
                                          r"2 station id\(s\) and 2 time\(s\)"):
        read_observations([path], None)


def test_values_that_are_not_numbers_are_refused(tmp_path):
    path = tmp_path / "text.nc"
    xr.Dataset({"discharge": (("station", "time"), np.array([["a", "b"], ["c", "d"]]), {"units": "m3/s"})},
               coords={"time": pd.date_range("2000-01-01", periods=2),
                       "station_id": ("station", ["x", "y"], {"cf_role": "timeseries_id"})}).to_netcdf(path)
    with pytest.raises(IngestError, match=r"text.nc: variable 'discharge': its values are <U1 \(U\), not numbers"):
        read_observations([path], None)


def test_convert_makes_the_store_of_rows_without_building_them(tmp_path, monkeypatch):
    # two files of other stations, gaps, l/s: the store written from the grids is the one written from the rows, file
    # for file and byte for byte (values, flags: every cell of a file an observation, its value NaN where it has none)
    rng = np.random.default_rng(5)
    one = rng.gamma(2.0, 40_000.0, (3, 30))
    one[0, 4:9] = np.nan
    a = write_netcdf(tmp_path / "a.nc", ["s1", "s2", "s3"], one)
    b = write_netcdf(tmp_path / "b.nc", ["s0"], rng.gamma(2.0, 40_000.0, (1, 20)), start="2000-01-20")
    import bulletin.distributed.store as store_module

    def no_rows(obs):
        raise AssertionError("the rows were built")

    stores = {name: tmp_path / f"{name}.zarr" for name in ("grids", "rows")}
    args = ["convert", "--keep-unknown-stations", "--data", str(a), "--data", str(b), "--out"]
    with monkeypatch.context() as m:
        m.setattr(store_module, "_RowCells", no_rows)
        _cli([*args, str(stores["grids"])])
    monkeypatch.setattr(read, "distinct_series", lambda files: False)
    monkeypatch.setattr(grid, "distinct_series", lambda files: False)
    _cli([*args, str(stores["rows"])])
    files = {name: sorted(p.relative_to(store) for p in store.rglob("*") if p.is_file())
             for name, store in stores.items()}
    assert files["grids"] == files["rows"] and files["grids"]
    for rel in files["grids"]:
        assert (stores["grids"] / rel).read_bytes() == (stores["rows"] / rel).read_bytes(), rel
    ds = xr.open_zarr(stores["grids"], consolidated=False)
    assert list(ds["station"].values) == ["s0", "s1", "s2", "s3"] and ds.sizes["time"] == 39
    flags = ds["discharge_flag"].values
    assert (flags[0, :19] == -1).all() and (flags[0, 19:] == 0).all()  # s0 from 20 January only
    assert (flags[1, :30] == 0).all() and (flags[1, 30:] == -1).all()  # s1's gap is observations without value
    assert np.isnan(ds["discharge"].values[1, 4:9]).all()
    np.testing.assert_allclose(ds["discharge"].values[2, :30], one[1] / 1000, rtol=1e-15)


def test_ssi_refuses_flow_series_that_qc_empties_as_with_rows(tmp_path, monkeypatch):
    # every discharge negative: QC removes them all, block by block on grids, at once on rows; the same refusal
    path = write_netcdf(tmp_path / "negative.nc", ["s1"], np.full((1, 800), -5_000.0))
    out = tmp_path / "ssi.csv"
    messages = []
    for forced in (False, True):
        if forced:
            monkeypatch.setattr(read, "distinct_series", lambda files: False)
        result = CliRunner().invoke(main, ["ssi", "--keep-unknown-stations", "--reference", "full", "--data", str(path),
                                           "--out", str(out)])
        assert result.exit_code == 2 and not out.exists()
        messages.append(result.output)
    assert messages[0] == messages[1] and "the data hold no flow series" in messages[0]


def test_a_file_without_time_steps_reads_as_rows_do(tmp_path):
    # no time step, and a variable skipped: no observation, the note kept (the same as read as rows)
    path = tmp_path / "empty.nc"
    xr.Dataset({"discharge": (("station", "time"), np.zeros((2, 0)), {"units": "m3/s"}),
                "foo": (("station", "time"), np.zeros((2, 0)))},
               coords={"time": pd.DatetimeIndex([]), "station_id": ("station", ["a", "b"], {"cf_role": "timeseries_id"})},
               ).to_netcdf(path)
    obs = read_observations([path], None)
    assert obs.count() == 0 and obs.notes == ["empty.nc: skipped variable(s) foo: not bulletin variables"]
    other = write_netcdf(tmp_path / "other.nc", ["x"], np.ones((1, 3)))
    both = read_observations([path, other], None)  # an empty file beside another: its rows are the other's
    assert both.count() == 3 and list(both.frame["station"]) == ["x"] * 3


def test_grid_observations_behave_as_observations_where_rows_are_given(mixed):
    import dataclasses

    obs = read_observations([mixed], load_network(), allow_unknown_stations=True)
    assert obs.take([("no_such_station", "discharge")]).frame.empty
    notes = dataclasses.replace(obs, notes=["n"])  # rows given: the same rows, the other fields replaced
    pd.testing.assert_frame_equal(notes.frame, obs.frame)
    assert notes.notes == ["n"] and notes.keys() == obs.keys() and notes.count() == obs.count()
    fewer = dataclasses.replace(obs, frame=obs.frame.iloc[:40])
    assert fewer.count() == 40 and fewer.keys() == [("16279", "discharge")] and fewer.stations() == {"16279"}
    assert fewer.last_date == pd.Timestamp("2000-02-09").date()
    assert len(fewer.take([("16279", "discharge")]).frame) == 40


def _store_of(tmp_path, csv_text: str, name: str = "store") -> Path:
    source = tmp_path / f"{name}.csv"
    source.write_text(csv_text, encoding="utf-8")
    store = tmp_path / f"{name}.zarr"
    _cli(["convert", "--keep-unknown-stations", "--data", str(source), "--out", str(store)])
    return store


FLAGGED = """station,variable,date,value,unit,resolution,flag
s1,discharge,2000-01-01,10,m3/s,day,
s1,discharge,2000-01-02,11,m3/s,day,estimated
s1,discharge,2000-01-04,,m3/s,day,missing
s2,discharge,2000-01-03,5000,l/s,day,ice
s2,discharge,2000-01-05,6,m3/s,day,
s2,discharge,2000-01-10,7,m3/s,dekad,estimated
s3,stage,2000-01-02,120,cm,day,
"""


@pytest.mark.parametrize("block", [1, 3, 1 << 16])
def test_a_store_read_as_grids_gives_its_rows(tmp_path, monkeypatch, block):
    # absent cells (no row), an observation without value, source flags, two resolutions, two variables
    store = _store_of(tmp_path, FLAGGED)
    monkeypatch.setattr(grid, "BLOCK_VALUES", block)
    grids = read_observations([store], None)
    rows = read_observations([store], None, as_grids=False)
    assert isinstance(grids, GridObservations) and not isinstance(rows, GridObservations)
    pd.testing.assert_frame_equal(grids.frame, rows.frame, check_exact=True)
    assert grids.count() == len(rows.frame) == 7 and grids.keys() == rows.keys()
    assert grids.last_date == rows.last_date == pd.Timestamp("2000-01-10").date()
    got = grids.frame.set_index(["station", "date", "resolution"])
    assert got.loc[("s1", pd.Timestamp("2000-01-04"), "day"), "flag"] == "missing"
    assert np.isnan(got.loc[("s1", pd.Timestamp("2000-01-04"), "day"), "value"])
    assert got.loc[("s2", pd.Timestamp("2000-01-03"), "day"), "value"] == 5.0  # l/s converted when written
    assert list(grids.take([("s2", "discharge")]).frame["flag"]) == ["ice", "", "estimated"]


@shared_data(ARCHIVE)
def test_a_store_of_a_real_archive_read_as_grids_gives_its_rows_and_norms(tmp_path):
    # Uzhydromet's Chirchik archive: dekad and month series with the archive's norms
    store = tmp_path / "chirchik.zarr"
    _cli(["convert", "--keep-unknown-stations", "--data", str(ARCHIVE), "--out", str(store)])
    grids = read_observations([store], load_network(), allow_unknown_stations=True)
    rows = read_observations([store], load_network(), allow_unknown_stations=True, as_grids=False)
    assert isinstance(grids, GridObservations)
    pd.testing.assert_frame_equal(grids.frame, rows.frame, check_exact=True)
    pd.testing.assert_frame_equal(grids.archive_norms, rows.archive_norms, check_exact=True)
    assert len(rows.frame) > 14_000 and len(rows.archive_norms) > 100


@pytest.mark.parametrize("command", ["climatology", "status", "ssi"])
def test_data_commands_on_a_store_as_grids_write_the_bytes_of_rows(tmp_path, monkeypatch, command):
    # the sample's 45 series as a store: the same CSV from its grids, a block of 64 series, as from its rows
    store = tmp_path / "sample.zarr"
    _cli(["convert", "--out", str(store)])
    args = [command, "--data", str(store), "--reference", "full"]
    grids, rows = tmp_path / "grids.csv", tmp_path / "rows.csv"
    _cli([*args, "--out", str(grids)])
    monkeypatch.setattr(read, "distinct_series", lambda files: False)
    _cli([*args, "--out", str(rows)])
    assert grids.read_bytes() == rows.read_bytes() and len(grids.read_text().splitlines()) > 100


def test_convert_of_a_store_as_grids_keeps_its_flags_and_gaps(tmp_path, monkeypatch):
    # a store converted again: from its grids, the store its rows make, byte for byte
    first = _store_of(tmp_path, FLAGGED)
    import bulletin.distributed.store as store_module

    def no_rows(obs):
        raise AssertionError("the rows were built")

    again = {name: tmp_path / f"again_{name}.zarr" for name in ("grids", "rows")}
    with monkeypatch.context() as m:
        m.setattr(store_module, "_RowCells", no_rows)
        _cli(["convert", "--keep-unknown-stations", "--data", str(first), "--out", str(again["grids"])])
    monkeypatch.setattr(grid, "distinct_series", lambda files: False)
    _cli(["convert", "--keep-unknown-stations", "--data", str(first), "--out", str(again["rows"])])
    names = sorted(p.relative_to(again["grids"]) for p in again["grids"].rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(again["rows"]) for p in again["rows"].rglob("*") if p.is_file())
    for rel in names:
        assert (again["grids"] / rel).read_bytes() == (again["rows"] / rel).read_bytes(), rel
    ds = xr.open_zarr(again["grids"], consolidated=False)
    assert ds["discharge_flag"].attrs["flag_texts"] == ["estimated", "ice", "missing"]


def _raw_store(path: Path, ids, values, flags=None, flag_texts=(), times=None, **arrays) -> Path:
    """A store as another tool may write it (layout of bulletin/ingest/zarr.py): discharge, its flags if given, ``arrays``."""
    values = np.asarray(values, dtype=float)
    data = {"discharge": (("station", "time"), values, {"units": "m3/s"}), **arrays}
    if flags is not None:
        data["discharge_flag"] = (("station", "time"), np.asarray(flags, dtype=np.int8),
                                  {"flag_texts": list(flag_texts)})
    times = pd.date_range("2000-01-01", periods=values.shape[1]) if times is None else pd.DatetimeIndex(times)
    xr.Dataset(data, coords={"station": ("station", np.asarray(ids, dtype=object)), "time": ("time", times)}).to_zarr(
        path, consolidated=False, zarr_format=3, encoding={"time": {"units": "days since 1970-01-01", "dtype": "int32"}})
    return path


def _converted_alike(tmp_path, monkeypatch, source: Path) -> Path:
    """Convert ``source`` from its grids and from its rows; assert the two stores are the same files, byte for byte."""
    import bulletin.distributed.store as store_module

    def no_rows(obs):
        raise AssertionError("the rows were built")

    out = {name: tmp_path / f"{source.stem}_{name}.zarr" for name in ("grids", "rows")}
    args = ["convert", "--keep-unknown-stations", "--data", str(source), "--out"]
    with monkeypatch.context() as m:
        m.setattr(store_module, "_RowCells", no_rows)
        _cli([*args, str(out["grids"])])
    with monkeypatch.context() as m:
        m.setattr(read, "distinct_series", lambda files: False)
        m.setattr(grid, "distinct_series", lambda files: False)
        _cli([*args, str(out["rows"])])
    names = sorted(p.relative_to(out["grids"]) for p in out["grids"].rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(out["rows"]) for p in out["rows"].rglob("*") if p.is_file())
    for rel in names:
        assert (out["grids"] / rel).read_bytes() == (out["rows"] / rel).read_bytes(), rel
    return out["grids"]


def test_convert_from_grids_keeps_unused_flag_texts_out_and_an_axis_past_the_observations(tmp_path, monkeypatch):
    # a flag text no observation uses; a time axis with a day after the last observation (NaN, no flag array)
    unused = _raw_store(tmp_path / "unused.zarr", ["a"], [[1.0, 2.0, 3.0]], [[0, 1, 0]], ["E", "unused"])
    store = _converted_alike(tmp_path, monkeypatch, unused)
    assert xr.open_zarr(store, consolidated=False)["discharge_flag"].attrs["flag_texts"] == ["E"]
    tail = _raw_store(tmp_path / "tail.zarr", ["a", "b"], [[1.0, 2.0, np.nan], [np.nan, 4.0, np.nan]])
    store = _converted_alike(tmp_path, monkeypatch, tail)
    ds = xr.open_zarr(store, consolidated=False)
    assert ds.sizes["time"] == 2 and ds["discharge_flag"].values.tolist() == [[0, 0], [-1, 0]]


@shared_data(ARCHIVE)
def test_convert_of_a_store_keeps_the_archive_norms(tmp_path, monkeypatch):
    first = tmp_path / "chirchik.zarr"
    _cli(["convert", "--keep-unknown-stations", "--data", str(ARCHIVE), "--out", str(first)])
    again = _converted_alike(tmp_path, monkeypatch, first)
    a, b = xr.open_zarr(first, consolidated=False), xr.open_zarr(again, consolidated=False)
    assert {"norm_discharge_dekad", "norm_discharge_month"} <= set(b.data_vars)
    np.testing.assert_array_equal(a["norm_discharge_dekad"].values, b["norm_discharge_dekad"].values)


def test_flag_codes_out_of_range_are_named_as_from_rows(tmp_path, monkeypatch):
    # a bad code in discharge at the last station (a later block), in stage at the first: rows name discharge
    flags = np.zeros((4, 3), dtype=np.int8)
    flags[3, 0] = 5
    stage_flags = np.zeros((4, 3), dtype=np.int8)
    stage_flags[0, 0] = 5
    path = _raw_store(tmp_path / "codes.zarr", ["a", "b", "c", "d"], np.ones((4, 3)), flags, [],
                      stage=(("station", "time"), np.ones((4, 3)), {"units": "cm"}),
                      stage_flag=(("station", "time"), stage_flags, {"flag_texts": []}))
    monkeypatch.setattr(grid, "BLOCK_VALUES", 6)  # one station a block
    with pytest.raises(IngestError) as rows:
        read_observations([path], None, as_grids=False)
    with pytest.raises(IngestError) as grids:
        read_observations([path], None)
    assert str(grids.value) == str(rows.value) and "variable 'discharge_flag': codes outside" in str(rows.value)


def test_a_store_that_may_give_a_series_twice_is_counted_at_the_rows_memory(tmp_path):
    from bulletin.distributed.cluster import IN_MEMORY_BYTES_PER_VALUE, ROWS_BYTES_PER_VALUE, store_memory

    fine = _raw_store(tmp_path / "fine.zarr", ["a", "b"], np.ones((2, 3)))
    twice = _raw_store(tmp_path / "twice.zarr", ["a", "a"], np.ones((2, 3)))
    alias = _raw_store(tmp_path / "alias.zarr", ["akjar", "syrdarya_akdzhar"], np.ones((2, 3)))
    unordered = _raw_store(tmp_path / "unordered.zarr", ["a"], np.ones((1, 3)),
                           times=["2000-01-03", "2000-01-01", "2000-01-02"])
    assert store_memory(fine)[1] == IN_MEMORY_BYTES_PER_VALUE == 50
    assert store_memory(twice)[1] == store_memory(unordered)[1] == ROWS_BYTES_PER_VALUE
    assert store_memory(alias)[1] == IN_MEMORY_BYTES_PER_VALUE  # without the network: two names
    assert store_memory(alias, load_network())[1] == ROWS_BYTES_PER_VALUE  # an alias and its id


def test_a_folder_of_many_netcdf_files_read_in_forked_parts_stays_grids(tmp_path):
    # 210 one-station files: from 200 files on they are read in forked processes; their grids come back as arrays
    folder = tmp_path / "stations"
    folder.mkdir()
    rng = np.random.default_rng(2)
    for k in range(210):
        write_netcdf(folder / f"st{k:03d}.nc", [f"st{k:03d}"], rng.gamma(2.0, 40_000.0, (1, 6)))
    assert len(list(folder.iterdir())) >= read.PARALLEL_FILES
    grids = read_observations([folder], None)
    rows = read_observations([folder], None, as_grids=False)
    assert isinstance(grids, GridObservations) and len(grids.files) == 210
    pd.testing.assert_frame_equal(grids.frame, rows.frame, check_exact=True)
    assert grids.keys() == rows.keys() and grids.count() == len(rows.frame) == 210 * 6
