"""Aggregation with coverage, Weibull percentiles and HydroSOS categories, checked by hand."""

import numpy as np
import pandas as pd
import pytest

from bulletin.climatology import (
    CATEGORY_OR_NO_DATA,
    ClimateSettings,
    aggregate,
    apply_coverage,
    category_codes,
    climatology,
    parse_reference,
    percentile_rank,
    status_table,
    weibull_quantile,
)


def test_weibull_quantiles_by_hand():
    # n = 4: the sorted values sit at plotting positions 0.2, 0.4, 0.6, 0.8
    x = [40, 10, 30, 20]
    assert weibull_quantile(x, 0.10) == pytest.approx(10.0)  # below the first position: the minimum
    assert weibull_quantile(x, 0.25) == pytest.approx(12.5)  # 10 + (0.25-0.2)/0.2 * 10
    assert weibull_quantile(x, 0.50) == pytest.approx(25.0)
    assert weibull_quantile(x, 0.75) == pytest.approx(37.5)
    assert weibull_quantile(x, 0.90) == pytest.approx(40.0)  # above the last position: the maximum


def test_weibull_quantiles_nine_values():
    x = np.arange(1, 10)  # positions 0.1 .. 0.9
    assert [weibull_quantile(x, q) for q in (0.1, 0.25, 0.5, 0.75, 0.9)] == pytest.approx([1, 2.5, 5, 7.5, 9])


def test_weibull_quantiles_match_numpy_independent_implementation():
    rng = np.random.default_rng(7)
    for n in (5, 12, 30):
        x = rng.gamma(2.0, 100.0, n)
        for q in (0.1, 0.25, 0.5, 0.75, 0.9):
            assert weibull_quantile(x, q) == pytest.approx(np.quantile(x, q, method="weibull"))


def test_percentile_rank_by_hand():
    x = [10, 20, 30, 40]
    assert percentile_rank(25, x) == pytest.approx(50.0)
    assert percentile_rank(15, x) == pytest.approx(30.0)
    assert percentile_rank(5, x) == pytest.approx(20.0)  # below the record: the first position
    assert percentile_rank(99, x) == pytest.approx(80.0)
    assert percentile_rank(20, [10, 20, 20, 40]) == pytest.approx(50.0)  # ties share positions 0.4 and 0.6


def _category(value, reference):
    """The category of ``value`` among ``reference`` as the bulletin computes it: edges and percentile."""
    edges = [weibull_quantile(reference, q / 100) for q in (10, 25, 75, 90)]
    code = category_codes(value, edges, percentile_rank(value, reference), (10, 25, 75, 90))
    return CATEGORY_OR_NO_DATA[int(code)]


def test_categories_are_upper_inclusive():
    x = np.arange(1.0, 100.0)  # 99 values at positions i/100: the edges are 10, 25, 75 and 90
    assert [_category(v, x) for v in (10.0, 10.0001, 25.0, 75.0, 90.0, 90.5, float("nan"))] == [
        "low", "below_normal", "below_normal", "normal", "above_normal", "high", "no_data"]


def test_a_value_the_reference_holds_in_many_years_takes_the_band_of_its_percentile():
    # 30 years: 50, 52, 54, 56, 58 (ranks 1-5), 61 in 20 years (ranks 6-25), 70, 75, 80, 85, 90 (ranks 26-30).
    # Weibull positions rank/31: the edges are 54 + 0.1 * 2 = 54.2 (3.1), 61 (7.75), 61 (23.25) and
    # 75 + 0.9 * 5 = 79.5 (27.9); 61 sits at the mean of positions 6..25, 15.5/31 = 0.5.
    x = [50, 52, 54, 56, 58] + [61] * 20 + [70, 75, 80, 85, 90]
    assert percentile_rank(61, x) == pytest.approx(50.0)
    assert [weibull_quantile(x, q) for q in (0.10, 0.25, 0.75, 0.90)] == pytest.approx([54.2, 61, 61, 79.5])
    assert _category(61.0, x) == "normal"  # at or below the edge of 25 % (61) it would be below normal
    assert _category(60.0, x) == "below_normal"  # not tied: below the edge of 25 %
    assert (_category(54.0, x), _category(79.0, x), _category(80.0, x)) == ("low", "above_normal", "high")
    flat = [42.0] * 30  # a record flat at 42: 42 is its normal, not its low
    assert (_category(42.0, flat), _category(41.0, flat), _category(43.0, flat)) == ("normal", "low", "high")
    dry = [0.0] * 20 + list(range(1, 11))  # a river dry in 20 of 30 years: zero is at 10.5/31 = 33.9 %
    assert percentile_rank(0.0, dry) == pytest.approx(100 * 10.5 / 31) and _category(0.0, dry) == "normal"


def test_aggregate_records_coverage_of_a_nine_day_dekad():
    # 2024-02-d3 has 9 days (21-29 February); 5 of them present
    days = pd.to_datetime(["2024-02-21", "2024-02-22", "2024-02-23", "2024-02-28", "2024-02-29"])
    s = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0], index=days)
    agg = aggregate(s, "dekad", "mean")
    row = agg.iloc[-1]
    assert (row["year"], row["period_of_year"], row["n_days"], row["days"]) == (2024, 6, 5, 9)
    assert row["coverage"] == pytest.approx(5 / 9)
    assert row["value"] == pytest.approx(3.0)
    assert aggregate(s, "dekad", "last").iloc[-1]["value"] == 5.0
    assert aggregate(s, "dekad", "max").iloc[-1]["value"] == 5.0
    # below the 70 % rule the period is no data
    assert np.isnan(apply_coverage(agg, 0.7).iloc[-1]["value"])
    assert apply_coverage(agg, 0.5).iloc[-1]["value"] == pytest.approx(3.0)


def test_aggregate_month_and_empty_periods():
    s = pd.Series([2.0, 4.0], index=pd.to_datetime(["2024-01-15", "2024-03-01"]))
    agg = aggregate(s, "month", "mean")
    assert list(agg["period_of_year"]) == [1, 2, 3]
    assert agg["coverage"].tolist() == pytest.approx([1 / 31, 0.0, 1 / 31])
    assert np.isnan(agg.iloc[1]["value"])


def _yearly(values, start_year=1991, poy=1):
    return pd.DataFrame({"year": np.arange(start_year, start_year + len(values)), "period_of_year": poy,
                         "value": np.asarray(values, dtype=float), "n_days": 10, "days": 10, "coverage": 1.0})


def test_climatology_uses_the_reference_period_only():
    values = list(range(1, 31)) + [1000.0] * 5  # 1991-2020 then five outliers 2021-2025
    settings = ClimateSettings(reference=(1991, 2020), min_years=10)
    clim = climatology(_yearly(values), "month", settings)
    row = clim.loc[1]
    assert row["n_years"] == 30
    assert row["mean"] == pytest.approx(15.5)
    # n = 30: positions i/31; P10 at 3.1 -> 3.1, P90 at 27.9
    assert row["p10"] == pytest.approx(3.1)
    assert row["p90"] == pytest.approx(27.9)
    assert row["p50"] == pytest.approx(15.5)
    full = climatology(_yearly(values), "month", ClimateSettings(reference=None, min_years=10)).loc[1]
    assert full["n_years"] == 35 and full["mean"] == pytest.approx((465 + 5000) / 35)
    # months without data have no norm
    assert clim.loc[2, "n_years"] == 0 and np.isnan(clim.loc[2, "mean"])


def test_too_few_years_give_no_norm():
    clim = climatology(_yearly([1.0, 2.0, 3.0]), "month", ClimateSettings(min_years=10))
    assert np.isnan(clim.loc[1, "mean"]) and np.isnan(clim.loc[1, "p10"])


def test_status_table_categories_and_edges_from_configuration():
    values = list(range(1, 31))
    agg = _yearly(values)
    settings = ClimateSettings(min_years=10)
    table = status_table(agg, climatology(agg, "month", settings), "month", settings)
    assert table.iloc[0]["period"] == "1991-01"
    assert table.set_index("period").loc["1991-01", "category"] == "low"  # 1 <= P10 = 3.1
    assert table.set_index("period").loc["2020-01", "category"] == "high"  # 30 > P90 = 27.9
    assert table.set_index("period").loc["2005-01", "pct_of_norm"] == pytest.approx(15 / 15.5 * 100)
    # the pre-2025 HydroSOS edges 13/28/72/87 move value 4 (position 4/31 = 12.9 %) to low
    old = ClimateSettings(min_years=10, category_edges=(13.0, 28.0, 72.0, 87.0))
    t_old = status_table(agg, climatology(agg, "month", old), "month", old).set_index("period")
    assert t_old.loc["1994-01", "category"] == "low"
    t_new = table.set_index("period")
    assert t_new.loc["1994-01", "category"] == "below_normal"


def test_parse_reference():
    assert parse_reference("1991-2020") == (1991, 2020)
    assert parse_reference("full") is None
    with pytest.raises(ValueError):
        parse_reference("2020-1991")


def test_status_table_equals_status_of_row_by_row_on_hard_cases():
    """The array form of status_table gives exactly what status_of gives for each row.

    Dekads over 1985-2024 with tied values (rounded to 5), gaps, periods below the coverage
    threshold, a period of year whose norm is 0, one whose record is too short for a norm, and
    values outside the reference range.
    """
    from bulletin.climatology import status_of
    from bulletin.periods import Period

    rng = np.random.default_rng(11)
    rows = []
    for year in range(1985, 2025):
        for poy in range(1, 37):
            value = float(np.round(rng.gamma(2.0, 50.0) / 5) * 5)
            if poy == 7:
                value = 0.0  # a norm of 0: % of norm is undefined
            if poy == 8 and year < 2015:
                continue  # 10 years, only 6 in the reference period: no norm
            if rng.random() < 0.05:
                value = np.nan
            rows.append({"year": year, "period_of_year": poy, "value": value,
                         "coverage": 0.5 if rng.random() < 0.05 else 1.0})
    rows.append({"year": 2025, "period_of_year": 1, "value": 1e6, "coverage": 1.0})  # beyond the record
    agg = pd.DataFrame(rows)
    settings = ClimateSettings()
    clim = climatology(agg, "dekad", settings)
    table = status_table(agg, clim, "dekad", settings)
    usable = apply_coverage(agg, settings.coverage_for("dekad"))
    assert len(table) == len(usable)
    for got, row in zip(table.itertuples(index=False), usable.itertuples(index=False), strict=True):
        want = status_of(float(row.value), clim.loc[int(row.period_of_year)])
        assert got.period == Period.from_period_of_year("dekad", int(row.year), int(row.period_of_year)).label
        assert got.category == want["category"]
        for key in ("pct_of_norm", "percentile"):
            a, b = getattr(got, key), want[key]
            assert (np.isnan(a) and np.isnan(b)) or a == b, (got.period, key, a, b)
    counts = table["category"].value_counts()
    assert {"low", "below_normal", "normal", "above_normal", "high", "no_data"} <= set(counts.index)
    assert table.loc[table["period"].str.endswith("-03-d1"), "pct_of_norm"].isna().all()  # poy 7: norm 0
    assert (table.loc[table["period"].str.contains(r"-03-d2$"), "category"] == "no_data").all()  # poy 8: no norm
    # beyond the record: the highest plotting position of the reference values of dekad 1
    ref = np.sort(clim.loc[1, "_values"])
    # (tied values at the top share the mean of their positions)
    top = (np.flatnonzero(ref == ref[-1]) + 1).mean() / (ref.size + 1)
    assert table.iloc[-1]["percentile"] == pytest.approx(100 * top)
