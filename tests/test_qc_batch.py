"""The checks of many daily series at once (bulletin.qc.batch) flag what the series-by-series run flags."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

import bulletin.qc as qc
from bulletin.ingest.observations import Observations


def _archive(stations: int = 40, seed: int = 3) -> Observations:
    """Daily discharge of ``stations`` gauges over 3 years, with a defect of each kind on some of them."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2020-01-01", "2022-12-31", freq="D")
    frames = []
    for i in range(stations):
        start = int(rng.integers(0, 60))
        d = dates[start: dates.size - int(rng.integers(0, 60))]
        v = np.round(50 + 30 * np.sin(np.arange(d.size) / 58.0) + rng.gamma(2.0, 2.0, d.size), 1)
        kind = i % 10
        if kind == 1:
            v[100] = -5.0  # negative: an error, then not seen by the later checks
        elif kind == 2:
            v[200] = v[199] * 6  # a spike
        elif kind == 3:
            v[300:315] = 42.0  # a flat line
        elif kind == 4:
            v[400:407] = np.nan  # an incomplete dekad
        elif kind == 5:
            v[50] = 1e30  # implausible
        frame = pd.DataFrame({"station": f"g{i:03d}", "variable": "discharge", "date": d, "value": v})
        if kind == 6:
            frame = pd.concat([frame, frame.iloc[[10, 11]]])  # two dates given twice with the same value
        if kind == 7:
            frame = pd.concat([frame.iloc[:30], frame.iloc[[5]], frame.iloc[30:]])  # a row out of order
            frame = frame.drop_duplicates("date", keep="last")
        if kind == 8:
            frame = frame[(frame["date"] < "2021-03-01") | (frame["date"] > "2021-04-15")]  # a gap
        frames.append(frame)
    frame = pd.concat(frames, ignore_index=True)
    frame["resolution"] = "day"
    frame["flag"] = ""
    frame["file"] = np.where(np.arange(len(frame)) % 2 == 0, "a.csv", "a.csv")
    frame["line"] = np.arange(2, len(frame) + 2)
    for col in ("station", "variable", "resolution", "flag", "file"):
        frame[col] = frame[col].astype("category")
    return Observations(frame[["station", "variable", "date", "value", "resolution", "flag", "file", "line"]])


def _same_as_one_by_one(monkeypatch, obs, network, as_of):
    """QC in blocks, checked equal (flags and errors) to the series-by-series run; the report in blocks."""
    batched = qc.run_qc(obs, network, as_of=as_of)
    with monkeypatch.context() as m:
        m.setattr(qc, "_run_batches", lambda *a, **k: {})
        one_by_one = qc.run_qc(obs, network, as_of=as_of)
    pd.testing.assert_frame_equal(batched.flags, one_by_one.flags)
    pd.testing.assert_frame_equal(batched.errors.reset_index(drop=True), one_by_one.errors.reset_index(drop=True),
                                  check_dtype=False, check_categorical=False)
    return batched


@pytest.mark.parametrize("as_of", [None, date(2022, 6, 30)])
def test_blocks_flag_what_the_series_by_series_run_flags(monkeypatch, as_of):
    obs = _archive()
    batched = _same_as_one_by_one(monkeypatch, obs, None, as_of)
    checks = set(batched.flags["check"])
    assert {"negative", "spike", "flat_line", "completeness", "implausible", "duplicates", "unsorted", "gaps"} <= checks
    if as_of is not None:
        assert "future" in checks
    assert len(batched.errors) >= 8  # 4 negative and 4 implausible values are errors


def test_blocks_of_series_are_independent(monkeypatch):
    import bulletin.qc.batch as batch

    obs = _archive(stations=12)
    whole = qc.run_qc(obs, None)
    monkeypatch.setattr(batch, "BLOCK", 5)
    pd.testing.assert_frame_equal(qc.run_qc(obs, None).flags, whole.flags)


@pytest.mark.parametrize("window", [3, 4, 10, 31])
def test_rolling_median_is_pandas_centred_rolling_median(window):
    from bulletin.qc.checks import rolling_median

    rng = np.random.default_rng(window)
    x = np.round(rng.gamma(2.0, 1.0, (400, 5)), 1)  # rounded: ties, and medians of two equal values
    x[rng.random(x.shape) < 0.3] = np.nan
    x[50:120, 2] = np.nan  # a long gap: fewer values than min_periods
    expected = pd.DataFrame(x).rolling(window, center=True, min_periods=max(3, window // 3)).median().to_numpy()
    assert np.array_equal(rolling_median(x, window), expected, equal_nan=True)
    assert np.array_equal(rolling_median(x[:, 0], window), expected[:, 0], equal_nan=True)
    short = pd.DataFrame(x[:12]).rolling(window, center=True, min_periods=max(3, window // 3)).median().to_numpy()
    assert np.array_equal(rolling_median(x[:12], window), short, equal_nan=True)  # shorter than the window


def test_spike_mask_is_the_pandas_formulation():
    """The spike check as it was written in pandas Series operations, against the numpy form used now."""
    from bulletin.qc.checks import ROBUST_SD, spike_mask
    from bulletin.qc.registry import CHECKS

    params = {**CHECKS["spike"].defaults, "min_change": 0.5}
    rng = np.random.default_rng(11)
    s = pd.Series(np.round(50 + rng.gamma(2.0, 5.0, 3000), 1), index=pd.date_range("2000-01-01", periods=3000))
    s.iloc[rng.integers(0, 3000, 40)] *= 6
    s.iloc[rng.integers(0, 3000, 200)] = np.nan
    before, after = s.shift(1), s.shift(-1)
    d1, d2 = s - before, s - after
    jump = np.minimum(d1.abs(), d2.abs())
    scale = ROBUST_SD * s.diff().abs().rolling(31, center=True, min_periods=10).median()
    floor = np.maximum(params["min_change"], params["min_share"] * (before.abs() + after.abs()) / 2)
    by_factor = (s >= 3 * np.maximum(before, after)) | (s * 3 <= np.minimum(before, after))
    expected = ((d1 * d2 > 0) & (jump > floor) & ((jump > 8 * scale.fillna(np.inf)) | by_factor)).fillna(False)
    got = spike_mask(s, params)
    assert got.sum() >= 30
    pd.testing.assert_series_equal(got, expected.astype(bool))


def test_network_series_in_blocks_flag_what_the_series_by_series_run_flags(monkeypatch):
    """The sample's network, with a defect of each kind on reservoirs and gauges: capacities and level ranges apply."""
    from bulletin.ingest import read_observations
    from bulletin.network import load_network

    network = load_network(None)
    obs = read_observations(None, network)
    frame = obs.frame.copy()
    values = frame["value"].to_numpy().copy()

    def at(station, variable, k):
        return np.flatnonzero(((frame["station"] == station) & (frame["variable"] == variable)).to_numpy())[k]

    values[at("toktogul", "volume", 5000)] = 25_000.0  # above the 19,500 Mm3 capacity: an error
    values[at("toktogul", "level", 6000)] = 950.0  # above the level range (837-900 m): a warning
    values[at("charvak", "release", 7000)] = -3.0  # negative
    values[at("syrdarya_kazaly", "discharge", 8000)] *= 9  # a spike
    values[[at("naryn_uchkurgan", "discharge", k) for k in range(9000, 9020)]] = 111.0  # a flat line
    frame["value"] = values
    defective = Observations(frame, inputs=obs.inputs)
    as_of = date(2026, 11, 21)
    batched = _same_as_one_by_one(monkeypatch, defective, network, as_of)
    flagged = set(zip(batched.flags["station"], batched.flags["check"], strict=True))
    assert {("toktogul", "above_capacity"), ("toktogul", "level_range"), ("charvak", "negative"),
            ("syrdarya_kazaly", "spike"), ("naryn_uchkurgan", "flat_line")} <= flagged
    assert sorted(batched.errors["station"].astype(str)) == ["charvak", "toktogul"]  # negative and above capacity


def _same_as_clean(obs, network, as_of=None):
    """:func:`bulletin.qc.without_errors` against ``run_qc(...).clean``: the same rows, in the same order."""
    expected = qc.run_qc(obs, network, as_of=as_of).clean(obs).frame
    got = qc.without_errors(obs, network, as_of=as_of)
    assert list(got.frame.columns) == list(expected.columns)
    pd.testing.assert_index_equal(got.frame.index, expected.index)
    for name, col in got.frame.items():  # categories by their words and codes: comparing boxed cells takes minutes
        if isinstance(col.dtype, pd.CategoricalDtype):
            assert list(col.cat.categories) == list(expected[name].cat.categories)
            np.testing.assert_array_equal(col.cat.codes.to_numpy(), expected[name].cat.codes.to_numpy())
        else:
            pd.testing.assert_series_equal(col, expected[name])
    return got


@pytest.mark.parametrize("as_of", [None, date(2022, 6, 30)])
def test_without_errors_removes_what_the_whole_report_removes(as_of):
    obs = _archive()
    got = _same_as_clean(obs, None, as_of)
    removed = len(obs.frame) - len(got.frame)
    future = int((obs.frame["date"] > pd.Timestamp(as_of)).sum()) if as_of else 0
    assert removed == 8 + future  # 4 negative and 4 implausible values, and the values after the issue date


def test_without_errors_on_the_network_and_on_dekad_values():
    """The sample with its network (capacities), and a real archive of dekad values (checks of other years)."""
    from pathlib import Path

    from bulletin.ingest import read_observations
    from bulletin.network import load_network

    network = load_network(None)
    obs = read_observations(None, network)
    frame = obs.frame.copy()
    values = frame["value"].to_numpy().copy()
    volume = np.flatnonzero(((frame["station"] == "toktogul") & (frame["variable"] == "volume")).to_numpy())
    values[volume[5000]] = 25_000.0  # above the capacity of 19,500 Mm3: an error
    frame["value"] = values
    got = _same_as_clean(Observations(frame, inputs=obs.inputs), network, date(2026, 11, 21))
    assert len(got.frame) == len(frame) - 1
    archive = Path(__file__).resolve().parents[2] / "shared" / "data" / "chirchik-uzhydromet" / "data_ChirchikRiver.csv"
    if archive.exists():  # Uzhydromet's dekad values, one of them mistyped a hundred times too large
        real = read_observations([archive], None, allow_unknown_stations=True).frame.copy()
        real.loc[real.index[4000], "value"] *= 100
        assert len(_same_as_clean(Observations(real), None).frame) == len(real) - 1
