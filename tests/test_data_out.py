"""The data out of a bulletin: the dekad series it used, as a table, as CF NetCDF and as CSV.

The CF checker (cfchecker) reads the CF standard name table shipped by the compliance-checker
package (or the file named by CF_STANDARD_NAMES, as for ``cfchecks``), and the empty area type
and region tables of tests/data/cf: nothing is downloaded. From the command line:
``cfchecks -v 1.8 -s <compliance_checker>/data/cf-standard-name-table.xml
-a tests/data/cf/area-type-table.xml -r tests/data/cf/standardized-region-list.xml FILE.nc``.
"""

from __future__ import annotations

import gzip
import importlib.util
import io
import os
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from bulletin.datasets import SERIES_COLUMNS, SeriesTable, bulletin_series, series_read
from bulletin.ingest import sample_data_path
from bulletin.periods import parse_period
from bulletin.pipeline import run
from bulletin.render.data import CSV_COLUMNS, series_csv, series_dataset, series_netcdf
from bulletin.series import SeriesStore
from bulletin.tables import spreadsheet_safe

ISSUED = datetime(2026, 11, 21, 6, tzinfo=UTC)
PERIOD = "2026-11-d2"
CF = Path(__file__).parent / "data" / "cf"
ATTRS = {"title": "Syr Darya bulletin 2026-11-d2: dekad series", "institution": "Test institution",
         "source": "synthetic sample data"}
HOSTILE = "=cmd|' /C calc'!A0"


@pytest.fixture(scope="module")
def sample_run():
    return run(period=PERIOD, issued_at=ISSUED, with_outlook=False)


@pytest.fixture(scope="module")
def table(sample_run):
    store = SeriesStore(sample_run.evaluated, sample_run.catalogue.settings)
    return bulletin_series(sample_run.catalogue, sample_run.network, store, sample_run.period)


@pytest.fixture(scope="module")
def netcdf(table):
    return series_netcdf(table, **ATTRS)


def raw_daily(station: str, variable: str) -> pd.Series:
    """The sample's values of one series as written in its file, read with pandas alone."""
    with gzip.open(sample_data_path() / f"{station}.csv.gz", "rt", encoding="utf-8") as f:
        raw = pd.read_csv(f)
    raw = raw[raw["variable"] == variable]
    return pd.Series(raw["value"].to_numpy(float), index=pd.to_datetime(raw["date"]))


def row(table, station, variable, period):
    found = table.rows[(table.rows["station"] == station) & (table.rows["variable"] == variable)
                       & (table.rows["period"] == period)]
    assert len(found) == 1, (station, variable, period)
    return found.iloc[0]


def small_table(station=HOSTILE) -> SeriesTable:
    """Two stations, a gap, a dekad below the coverage rule, a negative value: made by hand."""
    rows = pd.DataFrame([
        (station, "discharge", "2026-10-d3", date(2026, 10, 21), date(2026, 10, 31), 12.3456789, "m3/s", 1.0),
        (station, "discharge", "2026-11-d1", date(2026, 11, 1), date(2026, 11, 10), np.nan, "m3/s", 0.0),
        (station, "discharge", "2026-11-d2", date(2026, 11, 11), date(2026, 11, 20), np.nan, "m3/s", 0.5),
        ("res", "volume", "2026-11-d1", date(2026, 11, 1), date(2026, 11, 10), 9593.0, "Mm3", 0.9),
        ("res", "volume", "2026-11-d2", date(2026, 11, 11), date(2026, 11, 20), 9500.25, "Mm3", 1.0),
        ("res", "level", "2026-11-d2", date(2026, 11, 11), date(2026, 11, 20), -1.5, "m", 1.0),
    ], columns=list(SERIES_COLUMNS))
    stations = pd.DataFrame([
        (station, "A gauge", "Пост", "gauge", "KZ", "Syr Darya", "Сырдарья", 41.5, 68.25),
        ("res", "A reservoir", "Водохранилище", "reservoir", "KG", "Naryn", "Нарын", 41.68, 72.65),
    ], columns=["station", "name_en", "name_ru", "kind", "country", "river_en", "river_ru", "lat", "lon"])
    return SeriesTable(rows.sort_values(["station", "variable", "start"], ignore_index=True),
                       stations.sort_values("station", ignore_index=True), "2026-11-d2",
                       (("discharge", "mean"), ("level", "last"), ("volume", "last")))


# ---- the table ---------------------------------------------------------------------------------


def test_series_of_the_indicators_and_of_their_methods(sample_run, table):
    own = {(i.station, v) for i in sample_run.catalogue.indicators for v in i.series}
    assert own <= set(table.series)
    assert {("shardara", "inflow"), ("shardara", "release")} <= set(table.series)  # a difference: both
    # days of release left reads the reservoir's inflow and release besides its volume
    days_left = next(i for i in sample_run.catalogue.indicators if i.method.name == "days_of_release_left")
    store = SeriesStore(sample_run.evaluated, sample_run.catalogue.settings)
    assert series_read(days_left, store, sample_run.network, sample_run.period) == {
        (days_left.station, v) for v in ("volume", "inflow", "release")}
    alone = replace(sample_run.catalogue, indicators=(days_left,))
    assert bulletin_series(alone, sample_run.network, store, sample_run.period).series == [
        (days_left.station, v) for v in ("inflow", "release", "volume")]
    assert list(table.rows.columns) == list(SERIES_COLUMNS)
    assert list(table.stations["station"]) == sorted(set(table.rows["station"]))
    assert table.rows.equals(table.rows.sort_values(["station", "variable", "start"], ignore_index=True))
    units = {"discharge": "m3/s", "inflow": "m3/s", "release": "m3/s", "withdrawal": "m3/s", "volume": "Mm3",
             "level": "m", "stage": "cm"}
    assert all(units[v] == u for v, u in zip(table.rows["variable"], table.rows["unit"], strict=True))
    assert dict(table.aggregation)["volume"] == "last" and dict(table.aggregation)["discharge"] == "mean"


def test_every_dekad_from_the_first_with_data_to_the_period(table):
    for (station, variable), s in table.rows.groupby(["station", "variable"]):
        assert s["value"].notna().iloc[0] and s["coverage"].iloc[0] > 0, (station, variable)
        starts = pd.to_datetime(s["start"])
        # consecutive dekads: each starts the day after the previous one ends
        assert (starts.iloc[1:].to_numpy() == (pd.to_datetime(s["end"]).iloc[:-1] + pd.Timedelta(days=1)).to_numpy()).all()
        assert s["period"].iloc[-1] == PERIOD
    assert ((table.rows["coverage"] >= 0) & (table.rows["coverage"] <= 1)).all()


def test_values_recomputed_from_the_daily_sample(table):
    # Naryn at Uchkurgan, 11-20 November 2026: the mean of the ten daily discharges of the file
    daily = raw_daily("naryn_uchkurgan", "discharge")["2026-11-11":"2026-11-20"]
    assert len(daily) == 10
    r = row(table, "naryn_uchkurgan", "discharge", "2026-11-d2")
    assert r["value"] == pytest.approx(daily.mean(), rel=1e-12) and r["coverage"] == 1.0
    assert r["value"] == pytest.approx(589.76, abs=1e-9)  # (561.9 + 573.4 + ... + 619.2) / 10, by hand
    # Toktogul's volume is the value of the dekad's last day; Kazaly's stage the dekad's highest
    assert row(table, "toktogul", "volume", "2026-11-d2")["value"] == raw_daily("toktogul", "volume")["2026-11-20"]
    kazaly = raw_daily("syrdarya_kazaly", "stage")["2026-11-11":"2026-11-20"]
    assert row(table, "syrdarya_kazaly", "stage", "2026-11-d2")["value"] == kazaly.max() == 500
    # a month of 31 days: the third dekad has 11
    october = raw_daily("naryn_uchkurgan", "discharge")["2026-10-21":"2026-10-31"]
    assert len(october) == 11
    assert row(table, "naryn_uchkurgan", "discharge", "2026-10-d3")["value"] == pytest.approx(october.mean(), rel=1e-12)
    # withdrawals given per dekad are taken as given
    given = raw_daily("withdrawals_uz", "withdrawal")
    assert row(table, "withdrawals_uz", "withdrawal", "2026-11-d2")["value"] == given["2026-11-20"]


def test_values_below_the_coverage_rule_are_missing(sample_run, table):
    rule = sample_run.catalogue.settings.coverage_for("dekad")
    low = table.rows[table.rows["coverage"] < rule]
    assert len(low) > 0 and low["value"].isna().all()
    # Keles at the mouth, 11-20 November 2026: four days of ten in the file, so no value
    assert len(raw_daily("keles_mouth", "discharge")["2026-11-11":"2026-11-20"]) == 4
    keles = row(table, "keles_mouth", "discharge", "2026-11-d2")
    assert np.isnan(keles["value"]) and keles["coverage"] == 0.4
    assert table.rows.loc[table.rows["coverage"] >= rule, "value"].notna().all()


def test_no_row_after_the_period(sample_run):
    store = SeriesStore(sample_run.evaluated, sample_run.catalogue.settings)
    assert sample_run.evaluated.last_date >= date(2026, 11, 20)  # the data go on after the period below
    for label, last_day in (("2026-10-d3", date(2026, 10, 31)), ("2026-10", date(2026, 10, 31))):
        earlier = bulletin_series(sample_run.catalogue, sample_run.network, store,
                                  parse_period(label, sample_run.network.seasons))
        assert max(earlier.rows["end"]) == last_day
        assert set(earlier.rows.groupby(["station", "variable"])["period"].last()) == {"2026-10-d3"}


# ---- NetCDF ------------------------------------------------------------------------------------


def tidy(ds: xr.Dataset) -> pd.DataFrame:
    """The rows of a series NetCDF: every (station, variable, dekad) with a coverage."""
    frames = []
    ids = [str(s) for s in ds["station_id"].values]
    starts = pd.to_datetime(ds["time_bnds"].values[:, 0]).date
    ends = (pd.to_datetime(ds["time_bnds"].values[:, 1]) - pd.Timedelta(days=1)).date
    for name in (v for v in ds.data_vars if f"coverage_{v}" in ds):
        cov = ds[f"coverage_{name}"].values
        s, t = np.nonzero(~np.isnan(cov))
        frames.append(pd.DataFrame({"station": [ids[i] for i in s], "variable": name, "start": starts[t],
                                    "end": ends[t], "value": ds[name].values[s, t], "coverage": cov[s, t]}))
    return pd.concat(frames).sort_values(["station", "variable", "start"], ignore_index=True)


def test_netcdf_read_back_equals_the_table(table, netcdf):
    ds = xr.open_dataset(io.BytesIO(netcdf), engine="scipy")
    back = tidy(ds)
    expected = table.rows[["station", "variable", "start", "end", "value", "coverage"]]
    pd.testing.assert_frame_equal(back, expected.reset_index(drop=True), check_exact=True)
    assert list(ds["station_name"].values) == list(table.stations["name_en"])
    assert ds["lat"].values.tolist() == table.stations["lat"].tolist()
    # time: the dekad's last day; the union of the dekads of every series
    assert pd.Timestamp(ds["time"].values[-1]) == pd.Timestamp("2026-11-20")
    assert ds.sizes["time"] == table.rows["start"].nunique()
    assert ds["discharge"].attrs["units"] == "m3 s-1" and ds["volume"].attrs["units"] == "1e6 m3"
    assert ds["discharge"].attrs["cell_methods"] == "time: mean"
    assert ds["stage"].attrs["cell_methods"] == "time: maximum"
    assert ds["volume"].attrs["cell_methods"].startswith("time: point")
    assert ds.attrs["Conventions"] == "CF-1.8" and ds.attrs["featureType"] == "timeSeries"
    assert "history" not in ds.attrs


def test_netcdf_bytes_are_deterministic(sample_run, table, netcdf):
    assert netcdf[:4] == b"CDF\x02"  # classic format, 64-bit offset
    assert series_netcdf(table, **ATTRS) == netcdf
    again = bulletin_series(sample_run.catalogue, sample_run.network,
                            SeriesStore(sample_run.evaluated, sample_run.catalogue.settings), sample_run.period)
    assert series_netcdf(again, **ATTRS) == netcdf
    assert series_csv(again) == series_csv(table)


def test_netcdf_of_a_small_table():
    t = small_table()
    ds = xr.open_dataset(io.BytesIO(series_netcdf(t, **ATTRS)), engine="scipy")
    assert [str(s) for s in ds["station_id"].values] == sorted(["res", HOSTILE])
    assert ds.sizes["time"] == 3  # the union of the dekads of both stations
    hostile = ds.sel(station=[str(s) for s in ds["station_id"].values].index(HOSTILE))
    assert hostile["discharge"].values[0] == 12.3456789 and np.isnan(hostile["discharge"].values[1:]).all()
    assert hostile["coverage_discharge"].values.tolist() == [1.0, 0.0, 0.5]
    assert np.isnan(hostile["volume"].values).all() and np.isnan(hostile["coverage_volume"].values).all()
    assert set(ds.data_vars) == {"discharge", "coverage_discharge", "volume", "coverage_volume", "level",
                                 "coverage_level", "time_bnds"}
    with pytest.raises(ValueError, match="canonical unit"):
        bad = small_table()
        bad.rows.loc[0, "unit"] = "l/s"
        series_netcdf(bad, **ATTRS)


# ---- the CF checker ----------------------------------------------------------------------------


def standard_name_table() -> Path:
    """The CF standard name table: CF_STANDARD_NAMES, else the one compliance-checker ships."""
    if os.environ.get("CF_STANDARD_NAMES"):
        return Path(os.environ["CF_STANDARD_NAMES"])
    spec = importlib.util.find_spec("compliance_checker")
    assert spec is not None, ("the CF check needs the CF standard name table: install the dev dependency "
                              "compliance-checker, which ships it, or name the file with CF_STANDARD_NAMES")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "cf-standard-name-table.xml"


def cf_check(path: Path) -> tuple[dict, list[str]]:
    """Counts (FATAL, ERROR, WARN, INFO) and messages of cfchecker on ``path``, against CF 1.8, offline."""
    try:
        from cfchecker.cfchecks import CFChecker, CFVersion
    except (ImportError, OSError) as exc:  # cfunits needs the UDUNITS-2 library (libudunits2-0)
        pytest.fail(f"the CF checker cannot be imported ({exc}): install the dev dependency cfchecker and the "
                    "system library libudunits2-0")
    checker = CFChecker(cfStandardNamesXML=str(standard_name_table()),
                        cfAreaTypesXML=str(CF / "area-type-table.xml"),
                        cfRegionNamesXML=str(CF / "standardized-region-list.xml"),
                        version=CFVersion("1.8"), silent=True)
    results = checker.checker(str(path))
    messages = [f"{where}: {category}: {m}" for where, res in
                [("global", results["global"]), *results["variables"].items()]
                for category in ("FATAL", "ERROR", "WARN") for m in res[category]]
    return dict(checker.get_counts()), messages


def test_netcdf_is_cf_compliant(netcdf, tmp_path):
    path = tmp_path / "series.nc"
    path.write_bytes(netcdf)
    counts, messages = cf_check(path)
    assert counts["FATAL"] == counts["ERROR"] == counts["WARN"] == 0, messages
    # the area type and region tables of tests/data/cf are empty: the file must need neither
    ds = xr.open_dataset(io.BytesIO(netcdf), engine="scipy", decode_cf=False)
    names = {v.attrs.get("standard_name") for v in ds.variables.values()}
    assert not names & {"area_type", "region"}
    assert not any(" where " in v.attrs.get("cell_methods", "") for v in ds.variables.values())


def test_netcdf_of_a_small_table_is_cf_compliant(tmp_path):
    path = tmp_path / "small.nc"
    path.write_bytes(series_netcdf(small_table(), **ATTRS, references="https://example.org/bulletin"))
    counts, messages = cf_check(path)
    assert counts["FATAL"] == counts["ERROR"] == counts["WARN"] == 0, messages


def test_udunits_spellings_measure_what_the_data_model_says():
    # UDUNITS reads "Mm3" as cubic megametres (1e18 m3), a valid unit the CF check cannot catch on
    # a variable without a standard name: each spelling is compared with bulletin.units here
    try:
        from cfunits import Units
    except (ImportError, OSError) as exc:
        pytest.fail(f"cfunits cannot be imported ({exc}): install cfchecker and libudunits2-0")
    from bulletin.render.data import UDUNITS
    from bulletin.units import conversion_factor

    si = {"m3/s": ("m3/s", "m3 s-1"), "Mm3": ("m3", "m3"), "m": ("m", "m"), "cm": ("m", "m")}
    for unit, udunits in UDUNITS.items():
        ours, theirs = si[unit]
        assert Units(udunits).isvalid, udunits
        assert Units.conform(1.0, Units(udunits), Units(theirs)) == pytest.approx(conversion_factor(unit, ours))
    assert Units.conform(1.0, Units("Mm3"), Units("m3")) == pytest.approx(1e18)


def test_the_cf_check_fails_on_a_wrong_unit(tmp_path):
    ds = series_dataset(small_table(), **ATTRS)
    ds["discharge"].attrs["units"] = "m3/banana"
    path = tmp_path / "bad.nc"
    path.write_bytes(bytes(ds.to_netcdf(None, engine="scipy", format="NETCDF3_64BIT")))
    counts, messages = cf_check(path)
    assert counts["ERROR"] >= 1 and any("units" in m.lower() for m in messages), messages


# ---- CSV ---------------------------------------------------------------------------------------


def test_csv_round_trip(table):
    text = series_csv(table)
    assert text.startswith(b"station,variable,period,start,end,value,unit,coverage\n")
    back = pd.read_csv(io.BytesIO(text), keep_default_na=False, na_values={"value": [""], "coverage": [""]})
    assert tuple(back.columns) == CSV_COLUMNS and len(back) == len(table.rows)
    for col in ("station", "variable", "period", "unit"):
        assert back[col].tolist() == table.rows[col].tolist()
    assert back["start"].tolist() == [d.isoformat() for d in table.rows["start"]]
    assert back["end"].tolist() == [d.isoformat() for d in table.rows["end"]]
    np.testing.assert_allclose(back["value"], table.rows["value"], rtol=5e-6, equal_nan=True)
    np.testing.assert_allclose(back["coverage"], table.rows["coverage"], rtol=5e-6)
    line = next(x for x in text.decode().splitlines() if x.startswith("naryn_uchkurgan,discharge,2026-11-d2,"))
    assert line == "naryn_uchkurgan,discharge,2026-11-d2,2026-11-11,2026-11-20,589.76,m3/s,1"


def test_csv_neutralises_formulas():
    text = series_csv(small_table()).decode("utf-8")
    lines = text.splitlines()
    assert lines[0] == ",".join(CSV_COLUMNS)
    assert "'=cmd|' /C calc'!A0,discharge,2026-10-d3,2026-10-21,2026-10-31,12.3457,m3/s,1" in lines
    assert "'=cmd|' /C calc'!A0,discharge,2026-11-d1,2026-11-01,2026-11-10,,m3/s,0" in lines
    assert "res,level,2026-11-d2,2026-11-11,2026-11-20,-1.5,m,1" in lines  # a negative number stays a number
    assert not any(x.startswith(("=", "+", "-", "@")) for x in lines)
    for cell in ("+1+1", "-A1", "@SUM(A1)", "\tx", "\r=1"):
        assert spreadsheet_safe(cell) == "'" + cell
    for cell in ("-1.5", "+2", "1e-05", "toktogul", ""):
        assert spreadsheet_safe(cell) == cell
