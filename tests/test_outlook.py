"""The probabilistic outlook: ESP traces, the reservoir mass balance, and their assessment."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

from bulletin.catalogue import load_catalogue
from bulletin.ingest import read_observations
from bulletin.ingest.observations import Observations
from bulletin.methods import LEVELS
from bulletin.outlook import (
    NotSimulated,
    Record,
    conditioned_traces,
    flow_traces,
    lag1_autocorrelation,
    log_anomalies,
    mass_balance,
    outlook,
    trace_store,
    trace_years,
)
from bulletin.outlook.assess import _row
from bulletin.periods import Period, parse_period
from bulletin.series import SeriesStore


@pytest.fixture(scope="module")
def sample(network):
    cat = load_catalogue(None, network)
    obs = read_observations(None, network)
    return cat, obs


def _toy_store(values: dict, catalogue) -> SeriesStore:
    """A SeriesStore of dekad values: {(station, variable): {Period: value}}."""
    rows = [{"station": s, "variable": v, "date": pd.Timestamp(p.end), "value": float(x), "resolution": "dekad",
             "flag": None, "file": "toy", "line": 0}
            for (s, v), series in values.items() for p, x in series.items()]
    return SeriesStore(Observations(pd.DataFrame(rows)), catalogue.settings)


# ---- 1. ESP, by hand ------------------------------------------------------------------------

def test_conditioned_traces_by_hand():
    history = np.array([[100.0, 200.0, 300.0], [50.0, 60.0, 70.0]])
    a0 = math.log(0.5)  # today at half the norm
    a_years = np.array([math.log(1.0), math.log(0.25)])  # year 1 at the norm, year 2 at a quarter
    got = conditioned_traces(history, a0, a_years, rho=0.5)
    # exp(rho**k (a0 - a_y)): year 1 (a0 - a_y = log 0.5) -> 0.5 ** (0.5 ** k); year 2 (log 2) -> 2 ** (0.5 ** k)
    expected = [[100 * 0.5 ** 0.5, 200 * 0.5 ** 0.25, 300 * 0.5 ** 0.125],
                [50 * 2 ** 0.5, 60 * 2 ** 0.25, 70 * 2 ** 0.125]]
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    # unknown anomaly (NaN): the trace is the historical year itself
    np.testing.assert_allclose(conditioned_traces(history, float("nan"), a_years, 0.5), history)


def test_lag1_autocorrelation_by_hand():
    # pairs (1,2) (2,3) (3,4) (4,2): deviations (-1.5,-.5,.5,1.5) and (-.75,.25,1.25,-.75)
    assert lag1_autocorrelation(np.array([1.0, 2, 3, 4, 2])) == pytest.approx(0.5 / math.sqrt(5 * 2.75))
    assert lag1_autocorrelation(np.array([1.0, -1, 1, -1, 1, -1])) == 0.0  # negative: clipped to 0
    assert lag1_autocorrelation(np.array([1.0, 2, 3, 4, 5])) == 0.99  # perfect persistence: clipped to 0.99
    assert lag1_autocorrelation(np.array([1.0, np.nan, 3, 4, np.nan, 2, 5])) == 0.0  # two pairs only


def test_esp_on_a_three_year_record_by_hand(network):
    cat = load_catalogue(None, network)
    seasons = network.seasons
    # three years of dekads at 100 m3/s; the issue dekad (Nov d2) and the three dekads after it differ
    series = {p: 100.0 for p in (Period.dekad(2000, 1, 1).shift(i) for i in range(3 * 36))}
    issue_values = {2000: 200.0, 2001: 50.0, 2002: 100.0}
    leads = {2000: (110.0, 120.0, 130.0), 2001: (90.0, 80.0, 70.0), 2002: (1e6, 1e6, 1e6)}
    for y in (2000, 2001, 2002):
        series[Period.dekad(y, 11, 2)] = issue_values[y]
        for k, v in enumerate(leads[y], start=1):
            series[Period.dekad(y, 11, 2).shift(k)] = v
    store = _toy_store({("toktogul", "inflow"): series}, cat)
    issue = Period.dekad(2002, 11, 2)
    years = trace_years(date(2000, 1, 1), date(2002, 12, 31), issue, 3, 2002, seasons)
    assert years == (2000, 2001)  # 1999 is not in the record, 2002 is the year forecast
    record = Record.of(store.series("toktogul", ("inflow",), "dekad"), 0.7)
    f = flow_traces(record, "toktogul", "inflow", issue, 3, years, 2002, seasons)
    # the norm of Nov d2 without the year forecast is (200 + 50) / 2 = 125:
    # a0 = log(100/125), a_2000 = log(200/125), a_2001 = log(50/125); a0 - a_y = log 0.5 and log 2
    assert f.a0 == pytest.approx(math.log(100 / 125))
    rho = f.rho
    assert 0 <= rho <= 0.99
    anomalies = Record(record.first, log_anomalies(record.values, record.first, 2002, seasons))
    assert rho == pytest.approx(lag1_autocorrelation(anomalies.without_year(2002, seasons)))
    expected = [[110 * 0.5 ** rho, 120 * 0.5 ** rho ** 2, 130 * 0.5 ** rho ** 3],
                [90 * 2 ** rho, 80 * 2 ** rho ** 2, 70 * 2 ** rho ** 3]]
    np.testing.assert_allclose(f.values, expected, rtol=1e-12)
    # and rho from a record without the year forecast is the same: its absurd leads play no part
    clean = record.without_year(2002, seasons)
    assert np.isnan(clean[-9:]).all() and not np.isnan(clean[:-9]).any()  # October-December 2002
    assert lag1_autocorrelation(log_anomalies(clean, record.first, None, seasons)) == pytest.approx(rho)


# ---- 2. the mass balance --------------------------------------------------------------------

def _check_balance(r):
    finite = np.isfinite(r.volume)  # a trace without inflow (a year before the record) stays NaN
    assert finite.any()
    np.testing.assert_allclose(r.balance_error()[finite], 0.0, atol=1e-6)
    assert np.all(r.spill[finite] >= 0) and np.all(np.isnan(r.release[~finite]))
    v = r.volume[finite]
    assert np.all(v >= min(r.dead, r.start) - 1e-9) and np.all(v <= max(r.total, r.start) + 1e-9)
    # the release is the plan, cut at the dead volume, plus the spill
    assert np.all(r.release[finite] <= (r.planned + r.spill)[finite] + 1e-9)


def test_mass_balance_toy_hits_both_bounds():
    days = [10, 10, 11, 10]
    inflow = np.array([[1000.0, 1000.0, 1000.0, 1000.0],   # fills up and spills
                       [0.0, 0.0, 0.0, 0.0]])             # drawn down to the dead volume
    r = mass_balance("toy", 150.0, inflow, np.array([100.0, 100.0, 100.0, 100.0]), days, dead=100.0, total=200.0)
    _check_balance(r)
    assert r.volume[0, -1] == 200.0 and r.spill[0].sum() > 0
    # dekad 1 of trace 1: 150 + 900 * 0.864 = 927.6 -> 200 Mm3, spill (727.6 / 0.864) m3/s on top of 100
    assert r.spill[0, 0] == pytest.approx((150 + 900 * 0.864 - 200) / 0.864)
    assert r.release[0, 0] == pytest.approx(100 + r.spill[0, 0])
    assert r.volume[1, -1] == 100.0 and np.all(r.spill[1] == 0)
    # dekad 1 of trace 2: 150 - 86.4 = 63.6 < 100 -> the release is cut to 50 / 0.864 m3/s
    assert r.release[1, 0] == pytest.approx(50 / 0.864)
    assert r.release[1, 1] == pytest.approx(0.0)


def test_every_simulated_reservoir_closes_its_balance(network, sample):
    cat, obs = sample
    store = SeriesStore(obs, cat.settings)
    data = trace_store(cat, network, store, parse_period("2026-11-d2", network.seasons), 14)
    simulated = []
    for st in network.stations.values():
        if st.kind != "reservoir":
            continue
        try:
            r = data.reservoir(st.id)
        except NotSimulated:
            continue
        simulated.append(st.id)
        _check_balance(r)
        assert r.volume.shape == (data.n_traces, 14)
    assert {"toktogul", "bahri_tojik", "shardara"} <= set(simulated)


# ---- 3. probabilities -----------------------------------------------------------------------

def test_row_probabilities_by_hand():
    from types import SimpleNamespace

    from bulletin.outlook import Lead

    ranks = np.array([0, 1, 1, 2, 3, -1, 0, 2, 2, 3])
    row = _row(SimpleNamespace(id="x"), Lead("d+1", 1, "2026-11-d3"), ranks, np.arange(10.0), "m3/s")
    assert row.probabilities == {"normal": 0.2, "watch": 0.2, "warning": 0.3, "alert": 0.2, "no_data": 0.1}
    assert row.at_least("watch") == pytest.approx(0.7) and row.at_least("alert") == pytest.approx(0.2)
    assert (row.p10, row.median, row.p90) == pytest.approx((0.9, 4.5, 8.1))


def _check_probabilities(o):
    assert o.rows
    for r in o.rows:
        assert sum(r.probabilities.values()) == pytest.approx(1.0)
        assert all(0 <= p <= 1 for p in r.probabilities.values())
        assert set(r.probabilities) >= set(LEVELS)
        assert r.at_least("alert") <= r.at_least("warning") + 1e-12 <= r.at_least("watch") + 2e-12
        if r.median is not None:
            assert r.p10 <= r.median <= r.p90


# ---- 4. a hindcast never uses its target year ---------------------------------------------

def test_hindcast_never_uses_the_target_year(network, sample):
    cat, obs = sample
    issue = parse_period("2015-11-d2", network.seasons)
    # every value of the target year after the issue dekad made absurd
    frame = obs.frame.copy()
    after = (frame["date"] > pd.Timestamp(issue.end)) & (frame["date"] <= pd.Timestamp("2016-09-30"))
    frame.loc[after, "value"] = frame.loc[after, "value"] * 1000.0
    absurd = Observations(frame)
    runs = []
    for o in (obs, absurd):
        store = SeriesStore(o, cat.settings)
        data = trace_store(cat, network, store, issue, 14)
        assert 2015 not in data.years and 2016 in data.years
        flows = {k: data.flow(*k).values for k in (("toktogul", "inflow"), ("syrdarya_kazaly", "discharge"))}
        volumes = {s: data.reservoir(s).volume for s in ("toktogul", "shardara")}
        runs.append((data, flows, volumes, outlook(cat, network, store, issue)))
    (d0, f0, v0, o0), (d1, f1, v1, o1) = runs
    for k in f0:
        np.testing.assert_allclose(f1[k], f0[k], rtol=1e-12)
        assert d0.flow(*k).rho == d1.flow(*k).rho
    for s in v0:
        np.testing.assert_allclose(v1[s], v0[s], rtol=1e-12)
    assert np.nanmax(f1[("toktogul", "inflow")]) < 5000  # no absurd value in any trace
    # the values of every row (the levels may differ: the norms of the catalogue include 2015)
    assert [(r.indicator, r.lead, r.median, r.p10, r.p90) for r in o0.rows] == \
           [(r.indicator, r.lead, r.median, r.p10, r.p90) for r in o1.rows]
    _check_probabilities(o0)


# ---- 5. the sample --------------------------------------------------------------------------

def test_outlook_on_the_sample(network, sample):
    cat, obs = sample
    store = SeriesStore(obs, cat.settings)
    issue = parse_period("2026-11-d2", network.seasons)
    o = outlook(cat, network, store, issue)  # its time is measured by `make bench` (benchmarks/outlook.py)
    assert [(lead.label, lead.period) for lead in o.leads] == [
        ("d+1", "2026-11-d3"), ("d+2", "2026-12-d1"), ("d+3", "2026-12-d2"), ("season_end", "2027-03-d3")]
    assert o.excluded_year == 2026 and 2026 not in o.traces_years and len(o.traces_years) == 35
    covered = {i.indicator for i in o.indicators}
    assert {"toktogul_volume_low", "toktogul_fill", "toktogul_days_left", "bahri_tojik_margin",
            "shardara_volume_high", "toktogul_inflow_norm", "naryn_uchkurgan_status", "syrdarya_kazaly_status",
            "toktogul_winter_release", "shardara_filling_pressure"} <= covered
    left = dict(o.left_out)
    assert "kazaly_stage" in left and "stage" in left["kazaly_stage"]
    assert "withdrawal_limit_uz" in left
    assert not covered & set(left)
    _check_probabilities(o)
    tok = o.indicator("toktogul_volume_low")
    assert tok.unit == "km3" and len(tok.rows) == 4
    for r in tok.rows:
        assert 5.5 - 1e-9 <= r.p10 <= r.median <= r.p90 <= 19.5
    d3 = tok.rows[2]
    assert 0.001 < d3.p90 - d3.p10 < 1.0  # three dekads of inflow differ by tens of Mm3, not by km3
    assert tok.rows[0].median > tok.rows[2].median  # winter: drawn down
    js = o.as_json()
    assert js["issue_period"] == "2026-11-d2" and js["indicators"][0]["rows"][0]["unit"] == "km3"


# ---- 6. gaps in the record: a year without a complete trace is left out -------------------

def _gappy_store(cat, gaps: dict) -> SeriesStore:
    """Karateren at 50 m3/s (watch of north_aral_inflow_min), dekads of 2010-2020; ``gaps``: {year: dekads left out}."""
    first = Period.dekad(2010, 1, 1)
    series = {p: 50.0 for p in (first.shift(i) for i in range(11 * 36))}
    for dekads in gaps.values():
        for p in dekads:
            del series[p]
    return _toy_store({("syrdarya_karateren", "discharge"): series}, cat)


def test_a_gap_takes_its_year_out_of_the_indicator(network, sample):
    cat, _ = sample
    issue = parse_period("2020-03-d3", network.seasons)  # the growing season ahead, to 2020-09-d3
    full = outlook(cat, network, _gappy_store(cat, {}), issue).indicator("north_aral_inflow_min")
    n = full.rows[0].n_traces
    assert n and all(r.n_traces == n and r.probabilities["watch"] == 1.0 for r in full.rows)
    # one dekad missing in June 2014 (hydrological year 2013): the year gives no trace at any lead,
    # not even at those before the gap, and no row reads no_data
    gap = outlook(cat, network, _gappy_store(cat, {2013: [Period.dekad(2014, 6, 1)]}), issue)
    block = gap.indicator("north_aral_inflow_min")
    for r in block.rows:
        assert r.n_traces == n - 1
        assert r.probabilities == {"normal": 0.0, "watch": 1.0, "warning": 0.0, "alert": 0.0}
        assert r.as_json()["n_traces"] == n - 1
    assert 2013 in gap.traces_years  # the year still gives traces to series without the gap


def test_without_any_complete_year_each_row_uses_the_years_with_a_value(network, sample):
    cat, _ = sample
    issue = parse_period("2020-03-d3", network.seasons)
    # every year lacks a different dekad of the season (April d1 of 2010, April d2 of 2011, ...)
    gaps = {y: [Period.dekad(y + 1, 4, 1).shift(y - 2009)] for y in range(2009, 2019)}
    o = outlook(cat, network, _gappy_store(cat, gaps), issue)
    block = o.indicator("north_aral_inflow_min")
    n = len(o.traces_years)
    for r in block.rows:
        missing = sum(1 for y, (p,) in gaps.items() if y in o.traces_years
                      and p.period_of_year == parse_period(r.period, network.seasons).period_of_year)
        assert r.n_traces == n - missing
        assert "no_data" not in r.probabilities and r.probabilities["watch"] == 1.0


def test_a_row_without_any_value_is_no_data_with_no_trace():
    from types import SimpleNamespace

    from bulletin.outlook import Lead

    row = _row(SimpleNamespace(id="x"), Lead("d+1", 1, "2026-11-d3"), np.array([-1, -1]), np.array([np.nan, np.nan]),
               "m3/s", np.array([False, False]))
    assert row.probabilities == {"normal": 0.0, "watch": 0.0, "warning": 0.0, "alert": 0.0, "no_data": 1.0}
    assert row.n_traces == 0 and row.median is None


def test_complete_traces_combine_the_gaps_of_every_series_read(network, sample):
    cat, _ = sample
    first = Period.dekad(2010, 1, 1)
    a = {p: 100.0 for p in (first.shift(i) for i in range(11 * 36))}
    b = dict(a)
    del a[Period.dekad(2014, 11, 1)]  # hydrological year 2014
    del b[Period.dekad(2016, 12, 2)]  # hydrological year 2016
    store = _toy_store({("naryn_uchterek", "discharge"): a, ("syrdarya_kazaly", "discharge"): b}, cat)
    data = trace_store(cat, network, store, parse_period("2020-10-d2", network.seasons), 6)
    years = np.array(data.years)
    one = data.complete({("naryn_uchterek", "discharge")})
    both = data.complete({("naryn_uchterek", "discharge"), ("syrdarya_kazaly", "discharge")})
    assert set(years[~one]) == {2014}
    assert set(years[~both]) == {2014, 2016}
    with data.reading() as read:
        data.at("naryn_uchterek", ("discharge",), data.periods[0])
        data.at("syrdarya_kazaly", ("discharge",), parse_period("2020-10-d2", network.seasons))  # the past
    assert read == {("naryn_uchterek", "discharge")}


# ---- 7. an outlook starts from an observed state ------------------------------------------------

def test_a_flow_without_a_value_in_the_issue_dekad_is_left_out(network, sample):
    cat, _ = sample
    issue = parse_period("2020-03-d3", network.seasons)
    kept = outlook(cat, network, _gappy_store(cat, {}), issue)
    assert "north_aral_inflow_min" in {i.indicator for i in kept.indicators}
    # the issue dekad itself missing: the traces would be the record's climatology, not an outlook from today
    o = outlook(cat, network, _gappy_store(cat, {2019: [issue]}), issue)
    assert "north_aral_inflow_min" not in {i.indicator for i in o.indicators}
    assert dict(o.left_out)["north_aral_inflow_min"] == (
        "no discharge at syrdarya_karateren observed in 2020-03-d3, the state the traces start from")


def test_an_indicator_whose_record_gives_no_trace_is_left_out(network, sample):
    cat, _ = sample
    issue = parse_period("2020-03-d3", network.seasons)
    # Karateren observed only in the dekads up to the issue; Uchterek for ten years, so that the
    # outlook has years, none of which gives Karateren a value
    recent = {p: 50.0 for p in (issue.shift(-i) for i in range(6))}
    long = {p: 100.0 for p in (Period.dekad(2010, 1, 1).shift(i) for i in range(11 * 36))}
    store = _toy_store({("syrdarya_karateren", "discharge"): recent, ("naryn_uchterek", "discharge"): long}, cat)
    o = outlook(cat, network, store, issue)
    assert o.traces_years
    assert dict(o.left_out)["north_aral_inflow_min"] == "no year of its record gives a trace with a level"
    assert "north_aral_inflow_min" not in {i.indicator for i in o.indicators}
