"""The array forms of the QC checks give what the straightforward pandas computation gives.

Each reference here is the check written with pandas (reindex, groupby), as it was before it
was written on arrays; the checks must give the same masks and sentences on hand-made series
with gaps, missing values, a single row, lags and indexes that are not a run of days.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bulletin.methods import balance_residual
from bulletin.periods import Period, period_keys
from bulletin.qc import CHECKS

# ---- consistency: the reference ------------------------------------------------------------------


def _dekad_frame(index: pd.DatetimeIndex) -> pd.DataFrame:
    years, poy = period_keys(index, "dekad")
    day = index.day.to_numpy()
    first_day = np.where(day <= 10, 1, np.where(day <= 20, 11, 21))
    length = np.where(first_day < 21, 10, index.days_in_month.to_numpy() - 20)
    start = index - pd.to_timedelta(day - first_day, unit="D")
    return pd.DataFrame({"key": years * 100 + poy, "start": start, "days": length}, index=index)


def _daily(series: list[pd.Series]) -> pd.DatetimeIndex:
    present = [s.index for s in series if len(s)]
    return pd.date_range(min(i.min() for i in present), max(i.max() for i in present), freq="D")


def _label(start) -> str:
    return Period.containing("dekad", start.date()).label


def reference_balance(series_of, sid: str, params: dict) -> list[tuple[pd.Series, str]]:
    """(mask, sentence) of each of the three series, as ``reservoir_balance`` computed them with pandas."""
    inflow, release, volume = (series_of(sid, v) for v in ("inflow", "release", "volume"))
    if not (len(inflow) and len(release) and len(volume)):
        return []
    idx = _daily([inflow, release, volume])
    i, r, v = (x.reindex(idx) for x in (inflow, release, volume))
    dk = _dekad_frame(idx)
    both = (i.notna() & r.notna()).to_numpy()
    frame = pd.DataFrame({"key": dk["key"].to_numpy(), "inflow": i.where(both).to_numpy(),
                          "release": r.where(both).to_numpy(), "n": both,
                          "start": dk["start"].to_numpy(), "days": dk["days"].to_numpy()})
    g = frame.groupby("key", sort=True).agg(inflow=("inflow", "sum"), release=("release", "sum"), n=("n", "sum"),
                                            start=("start", "first"), days=("days", "first"))
    start = pd.DatetimeIndex(g["start"])
    days = g["days"].to_numpy()
    v_start = v.reindex(start - pd.Timedelta(days=1)).to_numpy()
    v_end = v.reindex(start + pd.to_timedelta(days - 1, unit="D")).to_numpy()
    judged = (g["n"].to_numpy() == days) & ~np.isnan(v_start) & ~np.isnan(v_end)
    residual, share = balance_residual(v_end - v_start, g["inflow"].to_numpy() / days,
                                       g["release"].to_numpy() / days, days)
    with np.errstate(invalid="ignore"):
        beyond = np.isnan(share) | (np.abs(share) > params["max_residual_pct"])
        bad = judged & (np.abs(residual) > params["min_residual"]) & beyond
    mask = pd.Series(np.isin(dk["key"].to_numpy(), g.index.to_numpy()[bad]), index=idx)
    if bad.any():
        share = np.where(np.isnan(share), np.inf, np.abs(share))
        worst = int(np.argmax(np.where(bad, np.abs(residual), -1)))
        sentence = (f"{int(bad.sum())} of {int(judged.sum())} dekad(s) where the volume change differs from "
                    f"inflow minus release by more than {params['max_residual_pct']:g} % of the flows "
                    f"(largest: {residual[worst]:+.0f} Mm3, {share[worst]:.0f} % of the flows, in "
                    f"{_label(start[worst])})")
    else:
        sentence = f"the water balance closes in all {int(judged.sum())} dekad(s) judged"
    return [(mask, sentence)] * 3


def reference_link(series_of, params: dict) -> list[tuple[pd.Series, str]]:
    """(mask, sentence) of the downstream series and each upstream one, as ``travel_time`` computed them."""
    down_key = tuple(params["downstream"].split("/"))
    ups = [(tuple(k.split("/")), int(lag)) for k, lag in params["upstream"].items()]
    down = series_of(*down_key)
    lagged = [series_of(*key) for key, _ in ups]
    lagged = [s.set_axis(s.index + pd.Timedelta(days=lag)) for s, (_, lag) in zip(lagged, ups, strict=True)]
    if not len(down) or any(not len(s) for s in lagged):
        return []
    idx = _daily([down])
    d = down.reindex(idx)
    u = sum(s.reindex(idx) for s in lagged)
    joint = (d.notna() & u.notna()).to_numpy()
    dk = _dekad_frame(idx)
    frame = pd.DataFrame({"key": dk["key"].to_numpy(), "d": np.where(joint, d.to_numpy(), np.nan),
                          "u": np.where(joint, u.to_numpy(), np.nan), "n": joint,
                          "start": dk["start"].to_numpy(), "days": dk["days"].to_numpy()})
    g = frame.groupby("key", sort=True).agg(d=("d", "mean"), u=("u", "mean"), n=("n", "sum"),
                                            start=("start", "first"), days=("days", "first"))
    judged = g["n"].to_numpy() >= params["min_share"] * g["days"].to_numpy()
    dm, um = g["d"].to_numpy(), g["u"].to_numpy()
    diff = dm - um
    with np.errstate(invalid="ignore"):
        bad = judged & (np.abs(diff) > np.maximum(params["min_difference"], params["tolerance"] * np.abs(um)))
    down_mask = pd.Series(np.isin(dk["key"].to_numpy(), g.index.to_numpy()[bad]), index=idx)
    up_names = " + ".join(f"{s}/{v} ({lag} d earlier)" for (s, v), lag in ups)
    if bad.any():
        worst = int(np.argmax(np.where(bad, np.abs(diff), -1)))
        sentence = (f"{int(bad.sum())} of {int(judged.sum())} dekad(s) where {down_key[0]}/{down_key[1]} differs "
                    f"from {up_names} by more than {100 * params['tolerance']:g} % (largest: {dm[worst]:.0f} "
                    f"against {um[worst]:.0f} m3/s in {_label(pd.DatetimeIndex(g['start'])[worst])})")
    else:
        sentence = f"{down_key[0]}/{down_key[1]} agrees with {up_names} in all {int(judged.sum())} dekad(s) judged"
    out = [(down_mask, sentence)]
    for key, lag in ups:
        up = down_mask.set_axis(down_mask.index - pd.Timedelta(days=lag)).reindex(series_of(*key).index,
                                                                                  fill_value=False)
        out.append((up, sentence))
    return out


def _same(results, reference) -> None:
    assert len(results) == len(reference)
    for result, (mask, sentence) in zip(results, reference, strict=True):
        pd.testing.assert_series_equal(result.mask, mask, check_names=False, check_exact=True)
        assert result.sentence == sentence


# ---- consistency: hand-made series ---------------------------------------------------------------

def _flow(rng, days: pd.DatetimeIndex, level: float) -> pd.Series:
    return pd.Series(np.round(level * (1 + 0.3 * np.sin(np.arange(len(days)) / 20)) + rng.normal(0, 3, len(days)), 1),
                     index=days)


def _holes(s: pd.Series, rng, nan: int = 0, drop: int = 0) -> pd.Series:
    s = s.copy()
    if nan:
        s.iloc[rng.choice(len(s), min(nan, len(s)), replace=False)] = np.nan
    if drop:
        s = s.drop(s.index[rng.choice(len(s), min(drop, len(s) - 1), replace=False)])
    return s


def _case(seed: int) -> dict:
    """Reservoir r and gauges a, b, c over a few months, with gaps, NaN and wrong values."""
    rng = np.random.default_rng(seed)
    days = pd.date_range("2025-12-27", "2026-04-13", freq="D")
    inflow, release = _flow(rng, days, 300), _flow(rng, days, 250)
    volume = pd.Series(10000 + np.cumsum((inflow - release).to_numpy() * 0.0864), index=days).round(0)
    volume[pd.Timestamp("2026-01-31")] += 120  # a wrong volume at the end of a dekad
    a = _flow(rng, days, 100)
    b = _flow(rng, days, 60)
    c = (a.shift(2) + b.shift(1)).dropna()
    c = c.where((c.index < "2026-02-11") | (c.index > "2026-02-20"), c * 1.6)  # a dekad that disagrees
    table = {("r", "inflow"): inflow, ("r", "release"): release, ("r", "volume"): volume,
             ("a", "discharge"): a, ("b", "discharge"): b, ("c", "discharge"): c}
    kind = seed % 7
    if kind == 1:  # missing values and days
        table = {k: _holes(s, rng, nan=15, drop=0) for k, s in table.items()}
    elif kind == 2:  # days left out: an index that is not a run of days
        table = {k: _holes(s, rng, drop=12) for k, s in table.items()}
    elif kind == 3:  # different spans, one of a single row
        table[("r", "release")] = release.iloc[30:70]
        table[("b", "discharge")] = b.iloc[40:41]
        table[("a", "discharge")] = a.iloc[:50]
    elif kind == 4:  # days at noon, in another unit
        table = {k: s.set_axis(s.index.as_unit("s") + pd.Timedelta(hours=12)) for k, s in table.items()}
    elif kind == 6:  # days of a time zone with summer time: not all 24 hours apart
        table = {k: s.tz_localize("Europe/Berlin") for k, s in table.items()}
    elif kind == 5:  # every value missing in a stretch, and a series given as integers
        table[("c", "discharge")] = table[("c", "discharge")].where(lambda s: (s.index.month != 2), np.nan)
        table[("a", "discharge")] = table[("a", "discharge")].round(0).astype(np.int64)
    return table


@pytest.mark.parametrize("seed", range(14))
def test_consistency_checks_give_what_pandas_gives(seed):
    table = _case(seed)
    empty = pd.Series([], index=pd.DatetimeIndex([], tz=table[("r", "inflow")].index.tz), dtype=float)

    def series_of(station, variable):
        return table.get((station, variable), empty)

    params = {"max_residual_pct": 10.0, "min_residual": 2.0}
    _same(CHECKS["reservoir_balance"](series_of, "r", params), reference_balance(series_of, "r", params))
    for upstream in ({"a/discharge": 2}, {"a/discharge": 0}, {"a/discharge": 2, "b/discharge": 1},
                     {"a/discharge": -3, "b/discharge": 40}, {"x/discharge": 1}):
        params = {"downstream": "c/discharge", "upstream": upstream, "tolerance": 0.15, "min_difference": 5.0,
                  "min_share": 0.7}
        _same(CHECKS["confluence"](series_of, None, params), reference_link(series_of, params))
    flagged = CHECKS["confluence"](series_of, None, {"downstream": "c/discharge", "tolerance": 0.15,
                                                     "upstream": {"a/discharge": 2, "b/discharge": 1},
                                                     "min_difference": 5.0, "min_share": 0.7})
    if seed % 7 == 0:  # the cases exercise flagged dekads, not only agreement
        assert flagged[0].mask["2026-02-11":"2026-02-20"].all()
        balance = CHECKS["reservoir_balance"](series_of, "r", {"max_residual_pct": 10.0, "min_residual": 2.0})
        assert balance[0].mask["2026-01-21":"2026-02-10"].all()


def test_a_reservoir_of_one_day():
    day = pd.DatetimeIndex(["2026-03-05"])
    table = {("r", v): pd.Series([x], index=day) for v, x in (("inflow", 10.0), ("release", 5.0), ("volume", 80.0))}

    def series_of(station, variable):
        return table[(station, variable)]

    params = {"max_residual_pct": 10.0, "min_residual": 2.0}
    results = CHECKS["reservoir_balance"](series_of, "r", params)
    _same(results, reference_balance(series_of, "r", params))
    assert results[0].sentence == "the water balance closes in all 0 dekad(s) judged"


# ---- behaviour checks of one series ---------------------------------------------------------------

def reference_shift(s: pd.Series, params: dict) -> tuple[np.ndarray, str]:
    """The mask and sentence of ``level_shift``, with pandas' rolling medians."""
    n = int(params["days"])
    need = max(1, int(np.ceil(0.7 * n)))
    before = s.rolling(n, min_periods=need).median().shift(1)
    after = s[::-1].rolling(n, min_periods=need).median()[::-1]
    size = (after - before).abs()
    jump = (s - s.shift(1)).abs()
    cand = ((size > params["share"] * before.abs()) & (size > params["min_step"])
            & (jump >= params["abrupt"] * size) & (size > 0)).to_numpy(dtype=bool)
    mask = np.zeros(len(s), dtype=bool)
    pos = np.flatnonzero(cand)
    group = np.concatenate([[0], np.cumsum(np.diff(pos) > n)]) if len(pos) else pos
    for g in np.unique(group):
        members = pos[group == g]
        mask[members[np.argmax(size.to_numpy()[pos][group == g])]] = True
    if not mask.any():
        return mask, "no step change"
    i = int(np.flatnonzero(mask)[0])
    return mask, (f"{int(mask.sum())} step change(s) of the {n}-day median by more than {100 * params['share']:g} % "
                  f"(first: {s.index[i]:%Y-%m-%d}, {before.iloc[i]:g} to {after.iloc[i]:g})")


def _levels(rng, n: int) -> pd.Series:
    x = np.round(400 + np.cumsum(rng.normal(0, 0.3, n)), 2)
    for at in rng.integers(0, max(n, 1), 3):
        x[at:] += rng.choice([-1, 1]) * rng.uniform(1, 6)  # steps that stay
    return pd.Series(x, index=pd.date_range("2021-01-01", periods=n, freq="D"))


@pytest.mark.parametrize("seed", range(10))
def test_level_shift_gives_what_pandas_rolling_medians_give(seed):
    rng = np.random.default_rng(seed)
    params = {"days": 10, "share": 0.0, "min_step": 2.0, "abrupt": 0.5}
    for n in (0, 1, 3, 9, 10, 11, 25, 400):
        s = _levels(rng, n)
        if n > 20:
            s.iloc[rng.choice(n, n // 5, replace=False)] = np.nan  # missing days
            s.iloc[rng.integers(0, n)] = np.inf
            s.iloc[30:45] = np.nan  # a gap longer than the window
        result = CHECKS["shift"](s, None, params)
        mask, sentence = reference_shift(s, params)
        assert np.array_equal(result.mask.to_numpy(), mask) and result.mask.index.equals(s.index)
        assert result.sentence == sentence
    assert CHECKS["shift"](_levels(np.random.default_rng(seed), 400), None, params).mask.any()


# ---- values per period -----------------------------------------------------------------------------

def reference_grid(values: pd.Series, resolution: str) -> pd.Series:
    """``period_grid`` with the period ends of every day from pandas' calendar (period_bounds)."""
    from bulletin.periods import period_bounds

    if values.empty:
        return values
    first, last = values.index.min(), values.index.max()
    ends = pd.DatetimeIndex(np.unique(period_bounds(resolution, pd.date_range(first, last, freq="D"))[1]))
    return values.reindex(ends[ends <= last].union(values.index))


@pytest.mark.parametrize("resolution", ["pentad", "dekad", "month"])
def test_period_grid_gives_what_the_calendar_of_every_day_gives(resolution):
    from bulletin.periods import period_bounds
    from bulletin.qc.periodic import period_grid

    rng = np.random.default_rng(len(resolution))
    days = pd.date_range("1931-12-20", "1936-03-05").as_unit("ns")  # as read: in ns
    ends = pd.DatetimeIndex(np.unique(period_bounds(resolution, days)[1]))
    assert ends.dtype == np.dtype("datetime64[ns]")
    cases = [ends[[3]], ends[5:9], ends[rng.choice(len(ends), 40, replace=False)],
             ends[:30].append(pd.DatetimeIndex(["1932-02-29", "1932-03-04"]).as_unit("ns")).unique(),  # no period end
             pd.DatetimeIndex(["1933-05-07 12:00", "1934-01-02 06:00"]).as_unit("ns"),  # times of day
             ends[10:50].as_unit("s")]  # another unit: pandas' calendar itself
    for dates in cases:
        dates = dates.sort_values()
        values = pd.Series(rng.random(len(dates)), index=dates)
        got, expected = period_grid(values, resolution), reference_grid(values, resolution)
        pd.testing.assert_series_equal(got, expected, check_exact=True)
        assert got.index.dtype == expected.index.dtype
    assert period_grid(pd.Series([], index=pd.DatetimeIndex([]), dtype=float), resolution).empty
    assert period_grid(pd.Series([1.0, 2.0], index=ends[[0, 6]]), resolution).isna().sum() == 5


def reference_robust(values: np.ndarray, groups: np.ndarray, raw: np.ndarray, params: dict) -> pd.DataFrame:
    """``_robust`` group by group, each value against the others of its group."""
    n = len(values)
    out = {k: np.full(n, np.nan) for k in ("median", "sd", "low", "high")}
    out["years"] = np.zeros(n, dtype=np.int64)
    judged = np.zeros(n, dtype=bool)
    ok = np.isfinite(values) & np.isfinite(raw)
    for idx in pd.Series(np.arange(n)[ok]).groupby(groups[ok]).indices.values():
        at = np.flatnonzero(ok)[idx]
        if len(at) < 2:
            continue
        k = len(at)
        others = np.broadcast_to(values[at], (k, k))[~np.eye(k, dtype=bool)].reshape(k, k - 1)
        raw_others = np.broadcast_to(raw[at], (k, k))[~np.eye(k, dtype=bool)].reshape(k, k - 1)
        med = np.median(others, axis=1)
        mad = np.median(np.abs(others - med[:, None]), axis=1)
        out["median"][at], out["sd"][at] = med, np.maximum(1.4826 * mad, params["min_sd"])
        out["low"][at], out["high"][at] = raw_others.min(axis=1), raw_others.max(axis=1)
        out["years"][at] = k - 1
        judged[at] = (k - 1 >= params["min_years"]) & ((raw_others <= 0).mean(axis=1) <= params["max_zero_share"])
    out["judged"] = judged
    return pd.DataFrame(out)


@pytest.mark.parametrize("seed", range(8))
def test_robust_statistics_of_groups_of_every_size_at_once(seed):
    from bulletin.qc.periodic import _robust

    rng = np.random.default_rng(seed)
    params = {"min_sd": 0.05, "min_years": 10, "max_zero_share": 0.25}
    for n in (0, 1, 2, 7, 36 * 3 + 5, 36 * 40 + 11):
        raw = np.round(rng.gamma(2.0, 20.0, n), 1)
        raw[rng.random(n) < 0.1] = 0.0
        raw[rng.random(n) < 0.1] = np.nan
        if n > 10:
            raw[rng.integers(0, n)] = np.inf
        values = np.log(raw + 0.5)
        groups = np.arange(n) % 36 + 1 if seed % 2 else rng.integers(1, 37, n)  # ordered years, or mixed
        pd.testing.assert_frame_equal(_robust(values, groups, raw, params), reference_robust(values, groups, raw, params),
                                      check_exact=True)


def reference_stats(s: pd.Series, resolution: str, params: dict) -> pd.DataFrame:
    """``period_stats`` as the frame of ``_robust`` completed column by column."""
    from bulletin.periods import period_of_year
    from bulletin.qc.periodic import _logs, _robust

    x = s.to_numpy(dtype=float)
    logs, c = _logs(x, params["zero_offset"])
    poy = period_of_year(resolution, s.index)
    st = _robust(logs, poy, x, params)
    st.index = s.index
    st["z"] = (logs - st["median"].to_numpy()) / st["sd"].to_numpy()
    st["median"] = np.exp(st["median"]) - c
    st.insert(0, "value", x)
    st.insert(1, "period", poy)
    st["offset"] = c
    st["judged"] &= np.isfinite(st["z"])
    return st


@pytest.mark.parametrize("resolution", ["pentad", "dekad", "month"])
def test_period_stats_give_the_frame_they_gave(resolution):
    from bulletin.periods import period_bounds
    from bulletin.qc.periodic import period_stats

    rng = np.random.default_rng(5)
    ends = pd.DatetimeIndex(np.unique(period_bounds(resolution, pd.date_range("1990-01-01", "2021-12-31"))[1]))
    params = {"zero_offset": 0.01, "min_sd": 0.05, "min_years": 10, "max_zero_share": 0.25}
    for n in (1, 5, len(ends)):
        s = pd.Series(np.round(rng.gamma(2.0, 20.0, n), 1), index=ends[:n])
        s.iloc[rng.random(n) < 0.05] = np.nan
        s.iloc[rng.random(n) < 0.05] = 0.0
        got, expected = period_stats(s, resolution, params), reference_stats(s, resolution, params)
        pd.testing.assert_frame_equal(got, expected, check_exact=True)
        assert got["judged"].any() == (n == len(ends))


# ---- the checks of daily series in blocks ---------------------------------------------------------

@pytest.mark.parametrize("resolution", ["dekad", "month", "pentad"])
def test_completeness_of_a_block_gives_what_the_grouped_count_gives(resolution):
    from bulletin.qc.batch import _completeness

    rng = np.random.default_rng(1)
    for start, n in (("2023-12-25", 500), ("2024-02-20", 1), ("2024-02-29", 3)):
        dates = pd.date_range(start, periods=n, freq="D").as_unit("ns")
        x = np.asfortranarray(rng.random((n, 4)))
        x[rng.random((n, 4)) < 0.3] = np.nan
        x[: min(n, 40), 2] = np.nan  # a period with no day present
        params = {"resolution": resolution, "min_share": 0.7}
        years, poy = period_keys(dates, resolution)
        if resolution == "month":
            days = dates.days_in_month.to_numpy()
        else:
            days = np.where(dates.day.to_numpy() <= 20, 10, dates.days_in_month.to_numpy() - 20)
        s = pd.DataFrame(x, index=dates)
        present = s.notna().groupby(years * 100 + poy).transform("sum").to_numpy()
        expected = present < 0.7 * days[:, None]
        got = _completeness(x, dates, params)
        assert np.array_equal(got, expected)
        assert got[0, 2]  # a period with no day present is flagged
    with pytest.raises(ValueError, match="unknown resolution"):
        _completeness(x, dates, {"resolution": "week", "min_share": 0.7})


def test_first_appearance_is_pandas_unique():
    from bulletin.qc import _first_appearance

    rng = np.random.default_rng(2)
    cases = [np.array([], dtype=np.int64), np.array([7]), np.repeat([3, 1, 3, 0, 1], [4, 1, 2, 5, 3]),
             rng.integers(0, 9, 300), np.repeat(rng.permutation(50), rng.integers(1, 30, 50))]
    for codes in cases:
        assert _first_appearance(codes).tolist() == pd.unique(codes).tolist()


def test_spikes_of_a_table_are_the_spikes_of_each_column():
    from bulletin.qc.checks import _spike_days, spike_array

    rng = np.random.default_rng(4)
    x = np.round(100 + np.cumsum(rng.normal(0, 1, (400, 7)), axis=0), 1)
    x[rng.random(x.shape) < 0.03] *= 8  # spikes
    x[rng.random(x.shape) < 0.05] = np.nan
    x[:50, 2] = np.nan
    x[:, 5] = np.nan
    for table in (x, np.asfortranarray(x), x[:20]):  # days in rows or columns; fewer days than the window
        for params in ({"n_sd": 8, "factor": 3, "window": 31, "min_share": 0.1, "min_change": 0.0},
                       {"n_sd": 8, "factor": 0, "window": 31, "min_share": 0, "min_change": 0.1}):
            whole = _spike_days(table, params)  # every column at once
            assert np.array_equal(spike_array(table, params), whole)
            assert np.array_equal(spike_array(table[:, 1], params), whole[:, 1])
    assert spike_array(x, {"n_sd": 8, "factor": 3, "window": 31, "min_share": 0.1, "min_change": 0.0}).any()


@pytest.mark.parametrize("resolution", ["pentad", "dekad", "month", "day"])
def test_period_last_days_are_the_ends_of_the_periods_of_every_day(resolution):
    from bulletin.periods import period_bounds, period_last_days

    for first, last in (("1899-12-25", "1904-03-07"), ("2024-02-29", "2024-02-29"), ("2023-02-05", "2023-02-04")):
        days = pd.date_range(first, last, freq="D")
        ends = np.unique(period_bounds(resolution, days)[1]).astype("datetime64[D]") if len(days) else days
        expected = [d for d in np.asarray(ends, dtype="datetime64[D]") if d <= np.datetime64(last)]
        assert period_last_days(resolution, np.datetime64(first), np.datetime64(last)).tolist() == \
            [d.item() for d in expected]
