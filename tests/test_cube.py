"""Every series at once (bulletin.cube) gives the numbers of one series at a time, to the last bit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bulletin.aggregation import aggregate_many, compensated_sums
from bulletin.climatology import (
    ClimateSettings,
    ReferenceValues,
    climatology,
    percentile_rank,
    status_table,
    weibull_quantile,
)
from bulletin.cube import climatology_table, period_table, status_rows
from bulletin.ingest import read_observations
from bulletin.ingest.observations import Observations
from bulletin.series import period_series

SETTINGS = (ClimateSettings(), ClimateSettings(reference=None, min_years=3, category_edges=(13, 28, 72, 87)))


def same(a, b) -> bool:
    """Equal to the last bit, NaN equal to NaN."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.all((a == b) | (np.isnan(a) & np.isnan(b))))


@pytest.fixture(scope="module")
def sample():
    return read_observations(None, None)


@pytest.mark.parametrize("resolution", ["dekad", "month"])
@pytest.mark.parametrize("settings", SETTINGS, ids=["1991-2020", "full-13-87"])
def test_all_series_equal_one_series_at_a_time(sample, resolution, settings):
    periods = period_table(sample, resolution)
    clim = climatology_table(periods, resolution, settings)
    status = status_rows(periods, resolution, settings)
    assert list(zip(*np.unique(periods[["station", "variable"]].to_numpy().astype(str), axis=0).T, strict=True)) \
        == sorted(sample.keys())
    for (station, variable), rows in periods.groupby(["station", "variable"], sort=False):
        one = period_series(sample, station, variable, resolution)
        for col in ("year", "period_of_year", "value", "n_days", "days", "coverage"):
            assert same(rows[col], one[col]), (station, variable, col)
        norms = climatology(one, resolution, settings)
        mine = clim[(clim["station"] == station) & (clim["variable"] == variable)]
        for col in ("n_years", "mean", "p10", "p25", "p50", "p75", "p90", "edge1", "edge2", "edge3", "edge4"):
            assert same(mine[col], norms[col]), (station, variable, col)
        expected = status_table(one, norms, resolution, settings)
        got = status[(status["station"] == station) & (status["variable"] == variable)]
        assert got["period"].tolist() == expected["period"].tolist()
        assert got["category"].tolist() == expected["category"].tolist()
        for col in ("value", "pct_of_norm", "percentile"):
            assert same(got[col], expected[col]), (station, variable, col)


def _obs(rows) -> Observations:
    frame = pd.DataFrame(rows, columns=["station", "variable", "date", "value", "resolution"])
    frame["date"] = pd.to_datetime(frame["date"])
    frame["flag"] = ""
    frame["file"] = "t.csv"
    frame["line"] = np.arange(2, len(frame) + 2)
    return Observations(frame)


def test_aggregation_by_hand():
    # a: discharge (mean) 1..10 on 1-10 March, 4 days of 11-20 March, nothing 21-31 March, one day in April
    # b: volume (last) on 19 and 20 February 2024; third dekad of February 2024 has 9 days
    rows = [("a", "discharge", f"2025-03-{d:02d}", float(d), "day") for d in range(1, 11)]
    rows += [("a", "discharge", f"2025-03-{d:02d}", 2.0 * d, "day") for d in (11, 12, 13, 14)]
    rows += [("a", "discharge", "2025-04-02", 7.0, "day"), ("a", "discharge", "2025-03-05", 99.0, "day")]
    rows += [("b", "volume", "2024-02-19", 500.0, "day"), ("b", "volume", "2024-02-20", 480.0, "day"),
             ("b", "volume", "2024-02-21", np.nan, "day")]
    t = period_table(_obs(rows), "dekad")
    a = t[t["station"] == "a"]
    assert a["period_of_year"].tolist() == [7, 8, 9, 10]
    assert a["value"].tolist()[:2] == [5.5, 25.0]  # 1..10 (the second 5 March is a repeat: the first wins); 22..28
    assert np.isnan(a["value"].iloc[2]) and a["n_days"].tolist() == [10, 4, 0, 1]
    assert a["days"].tolist() == [10, 10, 11, 10]
    assert a["coverage"].tolist() == [1.0, 0.4, 0.0, 0.1]
    b = t[t["station"] == "b"]
    assert b[["year", "period_of_year", "value", "n_days", "days"]].values.tolist() == [[2024, 5, 480.0, 2, 10]]


def test_mixed_resolutions_go_through_period_series():
    rows = [("a", "discharge", "2025-03-10", 10.0, "dekad"), ("a", "discharge", "2025-03-20", 20.0, "dekad")]
    rows += [("a", "discharge", f"2025-03-{d:02d}", 1.0, "day") for d in range(11, 16)]
    obs = _obs(rows)
    t = period_table(obs, "dekad")
    one = period_series(obs, "a", "discharge", "dekad")
    for col in ("value", "n_days", "coverage"):
        assert same(t[col], one[col])
    # the second dekad: 5 days of 1.0 given daily, 5 days of 20.0 spread from the dekad value
    assert t["value"].tolist() == [10.0, 10.5]


def test_a_mean_is_the_correctly_rounded_decimal():
    # ten daily discharges of the sample (Kazaly, 1-10 November 2002): their exact mean is 201.38;
    # summed left to right they give 201.38000000000002, which ranked above a reference value of 201.38
    days = [193.5, 196.0, 198.2, 199.9, 201.4, 202.6, 203.7, 204.9, 206.2, 207.4]
    assert sum(days) / 10 != 201.38
    assert compensated_sums(np.array(days), np.array([0]), np.array([10]))[0] / 10 == 201.38
    out = aggregate_many(np.zeros(10, dtype=np.int64), np.arange(11992, 12002), np.array(days), "dekad",
                         np.array(["mean"], dtype=object))
    assert out["value"].tolist() == [201.38]


def test_quantiles_and_ranks_follow_numpy_interp():
    rng = np.random.default_rng(7)
    sizes = [1, 2, 3, 9, 10, 11, 30, 31, 35]
    values, series = [], []
    for i, n in enumerate(sizes):
        v = np.round(rng.gamma(2.0, 30.0, n), 0)  # rounded: many ties
        values.append(v)
        series.append(np.full(n, i))
    values, series = np.concatenate(values), np.concatenate(series)
    years = np.concatenate([np.arange(1991, 1991 + n) for n in sizes])
    settings = ClimateSettings(reference=None, min_years=1)
    ref = ReferenceValues(series, len(sizes), years, np.ones(values.size, dtype=np.int64), values,
                          np.ones(values.size), "month", settings)
    for q in (0.0, 0.01, 0.1, 0.13, 0.25, 0.5, 0.72, 0.75, 0.9, 0.97, 1.0):
        expected = [weibull_quantile(values[series == i], q) for i in range(len(sizes))]
        assert same(ref.quantile(q)[:: 12], expected), q
    ranks = ref.percentile()
    for i in range(len(sizes)):
        at = series == i
        assert same(ranks[at], [percentile_rank(v, values[at]) for v in values[at]])
    # values outside the reference and between its values, against numpy.interp on the plotting positions
    ask = np.array([-5.0, 0.0, 12.5, 1e6])
    asked = ReferenceValues(np.concatenate([series, np.full(4, 6)]), len(sizes),
                            np.concatenate([years, np.full(4, 2050)]), np.ones(values.size + 4, dtype=np.int64),
                            np.concatenate([values, ask]), np.ones(values.size + 4),
                            "month", ClimateSettings(reference=(1991, 2030), min_years=1))
    assert same(asked.percentile()[-4:], [percentile_rank(v, values[series == 6]) for v in ask])


@pytest.mark.parametrize("shuffle", [False, True])
def test_blocks_of_series_give_the_whole_table(sample, shuffle):
    from bulletin.distributed.outputs import series_blocks, status_frame

    obs = sample
    if shuffle:  # rows of the series interleaved and out of key order: blocks are masks, not slices
        frame = sample.frame.sample(frac=1.0, random_state=3).reset_index(drop=True)
        obs = Observations(frame, sample.inputs, sample.unknown_stations, sample.archive_norms, sample.notes)
    whole = status_frame(obs, "dekad", SETTINGS[0])
    blocks = list(series_blocks(obs, per_block=7))
    assert len(blocks) == -(-len(obs.keys()) // 7)
    parts = pd.concat([status_frame(b, "dekad", SETTINGS[0]) for b in blocks], ignore_index=True)
    pd.testing.assert_frame_equal(parts.astype(object), whole.astype(object))


def test_the_series_store_fills_daily_series_in_one_pass_as_period_series_does():
    """Daily-only series in one pass; a series with dekad values too, and a dekad-only one, by period_series."""
    from bulletin.series import SeriesStore

    days = pd.date_range("2020-01-01", "2021-03-31", freq="D")
    rng = np.random.default_rng(5)
    rows = [pd.DataFrame({"station": "a", "variable": "discharge", "date": days, "value": rng.gamma(3, 10, days.size),
                          "resolution": "day"}),
            pd.DataFrame({"station": "a", "variable": "volume", "date": days, "value": rng.gamma(3, 10, days.size),
                          "resolution": "day"}),
            pd.DataFrame({"station": "b", "variable": "discharge", "date": days[:200], "value": 5.0, "resolution": "day"}),
            pd.DataFrame({"station": "b", "variable": "discharge", "date": [pd.Timestamp("2020-12-31")], "value": 9.0,
                          "resolution": "dekad"}),
            pd.DataFrame({"station": "c", "variable": "discharge", "date": pd.to_datetime(["2020-01-10", "2020-01-20"]),
                          "value": [1.0, 2.0], "resolution": "dekad"})]
    frame = pd.concat(rows, ignore_index=True)
    frame.loc[[3, 40, 41], "value"] = np.nan  # missing days
    frame = pd.concat([frame, frame.iloc[[10]].assign(value=99.0)], ignore_index=True)  # a day given twice: first wins
    frame["flag"], frame["file"], frame["line"] = "", "x.csv", np.arange(2, len(frame) + 2)
    for col in ("station", "variable", "resolution", "flag", "file"):
        frame[col] = frame[col].astype("category")
    obs = Observations(frame)
    store = SeriesStore(obs, ClimateSettings())
    for station, variable in obs.keys():
        for resolution in ("dekad", "month"):
            pd.testing.assert_frame_equal(store.series(station, (variable,), resolution).reset_index(drop=True),
                                          period_series(obs, station, variable, resolution).reset_index(drop=True))
    assert {("a", ("discharge",), "dekad"), ("a", ("volume",), "month")} <= set(store._agg)
    jan = store.series("a", ("volume",), "month").iloc[0]  # volume: the last value of the month
    assert jan["value"] == frame["value"].iloc[days.size + 30] and jan["n_days"] == 31
    jan = store.series("a", ("discharge",), "month").iloc[0]  # discharge: the mean of the 30 days present
    assert jan["n_days"] == 30 and jan["value"] == pytest.approx(frame["value"].iloc[[*range(3), *range(4, 31)]].mean())


def test_the_status_command_computes_its_blocks_side_by_side_as_one_process_would(tmp_path, monkeypatch):
    """150 series (3 blocks of 64), rows out of key order: the CSV of forked blocks, byte for byte."""
    from click.testing import CliRunner

    import bulletin.forks as forks
    from bulletin.cli import main

    rng = np.random.default_rng(2)
    days = pd.date_range("2010-01-01", "2020-12-31", freq="D")
    table = pd.concat([pd.DataFrame({"station": f"g{i:03d}", "variable": "discharge", "date": days.strftime("%Y-%m-%d"),
                                     "value": np.round(rng.gamma(3.0, 10.0 + i, days.size), 2), "unit": "m3/s"})
                       for i in range(150)]).sample(frac=1.0, random_state=1)
    data = tmp_path / "many.csv"
    table.to_csv(data, index=False)
    args = ["status", "--keep-unknown-stations", "--data", str(data), "--resolution", "dekad", "--reference", "full"]
    forked = CliRunner().invoke(main, [*args, "--out", str(tmp_path / "forked.csv")])
    assert forked.exit_code == 0, forked.output
    monkeypatch.setattr(forks, "workers_for", lambda pieces, limit=None: 1)
    alone = CliRunner().invoke(main, [*args, "--out", str(tmp_path / "alone.csv")])
    assert alone.exit_code == 0, alone.output
    text = (tmp_path / "forked.csv").read_bytes()
    assert text == (tmp_path / "alone.csv").read_bytes()
    assert text.count(b"\n") == 1 + 150 * 11 * 36  # the header, every dekad of every series
