"""The faster ways of the findings, the outlook and the quality section give what the plain ones give, to the bit.

Each is checked against the straightforward computation it replaces (row by row with pandas,
one ``numpy`` call per array, the calendar month by month), on random cases.
"""

from __future__ import annotations

import calendar
from datetime import date

import numpy as np
import pandas as pd
import pytest

from bulletin.climatology import (
    CATEGORIES,
    NO_DATA,
    QUANTILES,
    ClimateSettings,
    ReferenceValues,
    climate_row,
    climate_value,
    climatology,
    status_of,
    weibull_quantile,
)
from bulletin.document.quality import (
    MSG_QUALITY_FLAG,
    MSG_QUALITY_FLAG_VALUES,
    _flagged_days,
    _flagged_values,
    _flags_by_series,
)
from bulletin.outlook.assess import categories, percentiles_of
from bulletin.outlook.routing import dekad_days
from bulletin.periods import Period
from bulletin.products import period_coverage
from bulletin.series import SeriesStore


def _agg(rng, years=40, gaps=0.2):
    """A dekad series with missing and incomplete periods, from 1980."""
    n = years * 36
    value = rng.gamma(2.0, 50.0, n).round(int(rng.integers(0, 3)))
    value[rng.random(n) < gaps] = np.nan
    return pd.DataFrame({"year": np.repeat(np.arange(1980, 1980 + years), 36), "period_of_year": np.tile(np.arange(1, 37), years),
                         "value": value, "n_days": np.full(n, 10), "days": np.full(n, 10),
                         "coverage": np.where(rng.random(n) < 0.1, 0.5, 1.0)})


def _by_columns(agg, settings):
    """The climatology as it was built, a column at a time."""
    ref = ReferenceValues(np.zeros(len(agg), dtype=np.int64), 1, agg["year"].to_numpy(), agg["period_of_year"].to_numpy(),
                          agg["value"].to_numpy(dtype=float), agg["coverage"].to_numpy(dtype=float), "dekad", settings)
    out = pd.DataFrame({"n_years": ref.n, "mean": ref.mean()}, index=pd.RangeIndex(1, 37, name="period_of_year"))
    for q in QUANTILES:
        out[f"p{q}"] = ref.quantile(q / 100)
    for i, edge in enumerate(settings.category_edges, start=1):
        out[f"edge{i}"] = ref.quantile(edge / 100)
    out["_values"] = [ref.sorted_values(g) for g in range(36)]
    out["_edge_percents"] = [tuple(settings.category_edges)] * 36
    return out


def _same(a, b):
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True)
    return type(a) is type(b) and (a == b or (np.isnan(a) and np.isnan(b)))


@pytest.mark.parametrize("seed", range(4))
def test_climatology_and_its_rows_are_those_of_the_table(seed):
    rng = np.random.default_rng(seed)
    agg = _agg(rng)
    settings = ClimateSettings(reference=None if seed % 2 else (1991, 2020), min_years=int(rng.integers(5, 30)))
    clim = climatology(agg, "dekad", settings)
    want = _by_columns(agg, settings)
    pd.testing.assert_frame_equal(clim, want, check_exact=True)
    assert all(_same(a, b) for a, b in zip(clim["_values"], want["_values"], strict=True))
    for table in (clim, want, clim.copy()):  # kept when made, taken apart when asked
        for p in (1, 17, 36):
            row, loc = climate_row(table, p), table.loc[p]
            assert list(row) == list(loc.index) and all(_same(row[k], loc[k]) for k in row)
            assert all(_same(climate_value(table, p, k), table.loc[p, k]) for k in row)
    with pytest.raises(KeyError):
        climate_row(clim, 37)


def test_quantiles_together_equal_each_alone():
    rng = np.random.default_rng(3)
    for _ in range(50):
        rows = int(rng.integers(0, 300))
        ref = ReferenceValues(rng.integers(0, 3, rows), 3, rng.integers(1985, 2025, rows), rng.integers(1, 37, rows),
                              rng.gamma(2, 10, rows).round(1), rng.uniform(0.5, 1, rows), "dekad",
                              ClimateSettings(reference=None, min_years=int(rng.integers(1, 8))))
        qs = [0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0, float(rng.random())]
        table = ref.quantiles(qs)
        assert all(np.array_equal(table[i], ref.quantile(q), equal_nan=True) for i, q in enumerate(qs))


def test_flags_are_counted_per_series_as_per_group():
    rng = np.random.default_rng(1)
    start, end = np.datetime64("2014-10-01"), np.datetime64("2015-06-20")
    for _ in range(40):
        n = int(rng.integers(0, 40))
        first = pd.to_datetime("2014-01-01") + pd.to_timedelta(rng.integers(0, 900, n), unit="D")
        flags = pd.DataFrame({"station": rng.choice(["a", "b"], n), "variable": rng.choice(["x", "y"], n),
                              "resolution": rng.choice(["day", "pentad", "dekad", "month"], n),
                              "check": rng.choice(["c1", "c2"], n), "severity": rng.choice(["error", "info"], n),
                              "first": first, "last": first + pd.to_timedelta(rng.integers(0, 120, n), unit="D")})
        counted = _flags_by_series(flags, start, end)
        for key, rows in flags.groupby(["station", "variable"]):
            want = [(check, severity, res, *((_flagged_days(g, start, end), MSG_QUALITY_FLAG) if res == "day" else
                                            (_flagged_values(g, res, start, end), MSG_QUALITY_FLAG_VALUES)))
                    for (check, severity, res), g in rows.groupby(["check", "severity", "resolution"], sort=True)]
            assert [(*k, *v) for k, v in sorted(counted[key].items())] == want


def test_percentiles_together_equal_each_alone():
    rng = np.random.default_rng(2)
    for _ in range(200):
        arrays = []
        for _ in range(int(rng.integers(1, 6))):
            a = rng.gamma(2, 10 ** rng.uniform(-2, 5), int(rng.integers(0, 40))).round(int(rng.integers(0, 3)))
            a[rng.random(a.size) < 0.2] = np.nan
            arrays.append(a)
        want = [(None, None, None) if not np.isfinite(a).any() else
                tuple(float(x) for x in np.percentile(a[np.isfinite(a)], [10, 50, 90])) for a in arrays]
        assert percentiles_of(arrays) == want


def test_categories_of_traces_where_no_edges_meet_equal_numpy_select():
    rng = np.random.default_rng(4)
    for _ in range(300):
        edges = np.sort(rng.normal(0, 1, 4))  # distinct: the plain rule, a value at an edge in the lower band
        v = rng.normal(0, 1.5, [(), (0,), (9,), (3, 4)][int(rng.integers(4))])
        if v.size:
            v.flat[0] = edges[int(rng.integers(4))]
            v.flat[-1] = np.nan
        want = np.select([v <= e for e in edges], CATEGORIES[:4], CATEGORIES[4]).astype(object)
        want[np.isnan(v)] = NO_DATA
        row = {f"edge{i}": edges[i - 1] for i in range(1, 5)} | {"_values": np.array([]), "_edge_percents": (10, 25, 75, 90)}
        got = categories(v, row)
        assert got.dtype == object and got.shape == want.shape and got.tolist() == want.tolist()


def test_categories_of_traces_are_those_of_a_finding_with_the_same_value():
    rng = np.random.default_rng(4)
    for _ in range(300):
        # a record rounded to 0-2 decimals: often several years alike, so that edges meet at a value
        ref = np.round(rng.normal(0, 1, int(rng.integers(10, 40))), int(rng.integers(0, 3)))
        row = {"mean": float(ref.mean()), "_values": np.sort(ref), "_edge_percents": (10, 25, 75, 90)}
        row |= {f"edge{i}": weibull_quantile(ref, q / 100) for i, q in enumerate((10, 25, 75, 90), start=1)}
        v = rng.normal(0, 1.5, [(), (0,), (9,), (3, 4)][int(rng.integers(4))])
        if v.size:
            v.flat[0] = row[f"edge{int(rng.integers(1, 5))}"]
            v.flat[v.size // 2] = rng.choice(ref)
            v.flat[-1] = np.nan
        want = [status_of(float(x), row)["category"] for x in np.ravel(v)]
        got = categories(v, row)
        assert got.dtype == object and got.shape == v.shape and got.ravel().tolist() == want


def test_dekad_days_follow_the_calendar():
    for first in (1900 * 36, 2023 * 36 + 2, 2024 * 36 + 4):
        days = dekad_days(first, 400)
        for i, n in enumerate(days.tolist()):
            year, month = divmod((first + i) // 3, 12)
            assert n == (calendar.monthrange(year, month + 1)[1] - 20 if (first + i) % 3 == 2 else 10)


def test_period_coverage_is_that_of_the_store(tmp_path):
    from bulletin.ingest import read_observations

    from .conftest import daily_rows, write_csv

    rows = daily_rows("st", "discharge", "m3/s", "2020-01-01", "2021-03-31",
                      lambda t: None if t.day % 7 == 0 or t.month == 5 else 10.0 + t.day)
    obs = read_observations([write_csv(tmp_path / "st.csv", rows)], None)
    store = SeriesStore(obs, ClimateSettings())
    for kind in ("dekad", "month"):
        p = Period.containing(kind, date(2021, 3, 15))
        for k in range(-20, 4):
            q = p.shift(k)
            assert period_coverage(store, "st", "discharge", q) == store.value("st", ("discharge",), q)[1]


def test_plotting_positions_are_those_of_numpy_unique():
    from bulletin.climatology import plotting_positions, weibull_positions

    rng = np.random.default_rng(6)
    for _ in range(300):
        reference = rng.normal(0, 1, int(rng.integers(0, 40))).round(int(rng.integers(0, 3)))
        reference[rng.random(reference.size) < 0.1] = np.nan
        x = np.sort(reference[~np.isnan(reference)])
        unique, inverse = np.unique(x, return_inverse=True)
        want = np.bincount(inverse, weights=weibull_positions(x.size), minlength=unique.size) / np.bincount(
            inverse, minlength=unique.size)
        got = plotting_positions(reference)
        assert np.array_equal(got[0], unique) and np.array_equal(got[1], want) and got[1].dtype == want.dtype
