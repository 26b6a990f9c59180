"""Quality checks flag values (never delete them), in runs of days with a sentence each.

Every case is small enough to count the flagged days by hand.
"""

import numpy as np
import pandas as pd
import pytest
import yaml

from bulletin.errors import ConfigError
from bulletin.ingest import read_observations
from bulletin.network import default_network_path, load_network
from bulletin.qc import CHECKS, QCReport, _runs, load_qc_config, run_qc
from bulletin.qc.config import parse_links, parse_qc_config, with_station_exceptions

from .conftest import daily_rows, write_csv


def _s(values, start="2026-01-01"):
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="D"), dtype=float)


def _flagged(result) -> list[int]:
    """Positions of the flagged days."""
    return list(np.flatnonzero(result.mask.to_numpy(dtype=bool)))


# ---- the registry -----------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(CHECKS))
def test_every_check_is_documented_named_and_keeps_the_index(name, network):
    chk = CHECKS[name]
    assert chk.func.__doc__ and chk.description
    assert chk.title and chk.title != name, "the bulletin needs a translatable name for every check"
    if chk.kind == "series":
        s = _s([1.0, 1.0, 2.0])
        assert CHECKS[name](s, network["toktogul"], {}).mask.index.equals(s.index)


def test_runs():
    mask = _s([0, 1, 1, 0, 1, 0, 0, 1]).astype(bool)
    assert [(a.day, b.day, n) for a, b, n in _runs(mask)] == [(2, 3, 2), (5, 5, 1), (8, 8, 1)]
    # values given per dekad: each flagged value is its own run of one
    dekads = pd.Series([True, True], index=pd.DatetimeIndex(["2026-11-10", "2026-11-20"]))
    assert [n for _, _, n in _runs(dekads)] == [1, 1]


# ---- structure --------------------------------------------------------------------------------

def test_gaps_and_future_dates():
    s = _s([1, np.nan, np.nan, 4, 5], start="2026-11-18")
    assert _flagged(CHECKS["gaps"](s)) == [1, 2]
    # issue date 2026-11-20: the 21st and 22nd are not observed yet (an error); the 19th and
    # 20th are missing, not in the future
    result = CHECKS["future"](s, None, {"as_of": pd.Timestamp("2026-11-20")})
    assert _flagged(result) == [3, 4] and result.severity == "error"
    assert not CHECKS["future"](s, None, {}).mask.any()  # no issue date: not checked


def test_duplicates_and_unsorted_name_the_file_and_line(tmp_path, network):
    rows = ["toktogul,release,2026-11-01,500,m3/s",   # line 2
            "toktogul,release,2026-11-03,520,m3/s",   # line 3
            "toktogul,release,2026-11-02,510,m3/s",   # line 4: before line 3's date
            "toktogul,release,2026-11-03,520,m3/s",   # line 5: line 3 again, same value
            "toktogul,release,2026-11-04,530,m3/s"]   # line 6
    obs = read_observations([write_csv(tmp_path / "r.csv", rows)], network)
    report = run_qc(obs, network)
    f = report.flags.set_index("check")
    assert f.loc["duplicates", "first"] == pd.Timestamp("2026-11-03") and f.loc["duplicates", "days"] == 1
    assert f.loc["duplicates", "severity"] == "info"
    assert "2026-11-03 at r.csv line 3 and r.csv line 5" in f.loc["duplicates", "sentence"]
    # line 4 (2nd) comes after the 3rd; line 5 (3rd again) is not earlier than the 3rd
    assert f.loc["unsorted", "first"] == pd.Timestamp("2026-11-02") and f.loc["unsorted", "days"] == 1
    assert "r.csv line 4, 2026-11-02 after 2026-11-03" in f.loc["unsorted", "sentence"]
    assert len(obs.frame) == 5  # nothing deleted


# ---- range ------------------------------------------------------------------------------------

def test_negative_and_implausible_are_errors():
    s = _s([3.0, -0.1, 1e30, np.inf, 19999, 20001])
    assert _flagged(CHECKS["negative"](s)) == [1]
    result = CHECKS["implausible"](s, None, {"max": 20000})
    assert _flagged(result) == [2, 3, 5] and result.severity == "error"
    assert "3 value(s) outside the physically possible range -inf to 20000" == result.sentence
    assert _flagged(CHECKS["implausible"](_s([-431, -430, 8850, 8851]), None, {"min": -430, "max": 8850})) == [0, 3]


def test_capacity_and_level_range_use_the_network(network):
    shardara = network["shardara"]  # total volume 5.4 km3 = 5400 Mm3
    result = CHECKS["above_capacity"](_s([5399, 5400, 5401]), shardara, {})
    assert result.mask.tolist() == [False, False, True] and result.severity == "error"
    toktogul = network["toktogul"]  # level range 837-900 m, 1 m tolerance
    assert CHECKS["level_range"](_s([835.5, 836.0, 901.0, 901.5]), toktogul, {}).mask.tolist() == [True, False, False, True]
    assert CHECKS["level_range"](_s([835.5, 836.0]), toktogul, {"tolerance": 0}).mask.tolist() == [True, True]
    # a gauge has no capacity: nothing flagged
    assert not CHECKS["above_capacity"](_s([1e9]), network["naryn_uchkurgan"], {}).mask.any()


# ---- behaviour --------------------------------------------------------------------------------

def test_a_spike_of_ten_in_zeros_flags_exactly_that_day():
    result = CHECKS["spike"](_s([0, 0, 0, 10, 0, 0, 0]))
    assert _flagged(result) == [3]
    assert result.sentence == "1 day(s) far from both neighbours" and result.severity == "warning"
    # a trough as well
    assert _flagged(CHECKS["spike"](_s([10, 10, 0, 10, 10]))) == [2]


def test_a_step_a_plateau_and_noise_are_not_spikes():
    assert not CHECKS["spike"](_s([0, 0, 10, 10, 10])).mask.any()  # a step changes sign once
    assert not CHECKS["spike"](_s([0, 0, 10, 10, 0, 0])).mask.any()  # two days: not a single day
    # 100, 101, 99, ...: every 101 and 99 differs from both neighbours in the same direction,
    # but by 1 or 2, below 10 % of the level (min_share) and 8 robust standard deviations (11.9)
    assert not CHECKS["spike"](_s([100, 101, 99] * 10)).mask.any()


def test_spike_by_robust_standard_deviations():
    # 10, 11, 10, 11, ...: day-to-day changes of 1, robust standard deviation 1.4826, so 8 sd
    # are 11.86. Day 9 (an 11 between two 10s) raised to 22 is 12 above both neighbours
    # (8.1 sd): flagged; 21.5 is 11.5 above (7.8 sd): not; 3 x 10 = 30 (factor) is not reached.
    for value, flagged in ((22, [9]), (21.5, [])):
        s = _s([10, 11] * 10)
        s.iloc[9] = value
        assert _flagged(CHECKS["spike"](s, None, {"min_share": 0})) == flagged, value


def test_flat_line_flags_runs_of_n_equal_values():
    s = _s([1, 2, 2, 2, 3, 3, 3, 3, np.nan, 4])
    result = CHECKS["flat_line"](s, None, {"days": 4})
    assert result.mask.tolist() == [False] * 4 + [True] * 4 + [False, False]
    assert result.sentence == "4 day(s) in runs of 4 or more equal values"
    zeros = _s([0] * 12 + [5] * 3)
    assert not CHECKS["flat_line"](zeros, None, {"days": 10}).mask.any()  # a dry channel
    assert _flagged(CHECKS["flat_line"](zeros, None, {"days": 10, "ignore_zero": False})) == list(range(12))


def test_a_sudden_shift_flags_the_day_of_the_step():
    # ten days at 100, then 160 from day 10: medians 100 and 160 differ by 60 % > 30 %, and the
    # whole step happens from day 9 to day 10
    s = _s([100] * 10 + [160] * 10)
    result = CHECKS["shift"](s, None, {"days": 5, "share": 0.3})
    assert _flagged(result) == [10]
    assert "(first: 2026-01-11, 100 to 160)" in result.sentence
    # the same rise spread over 6 days is a flood wave, not a shift
    ramp = _s([100] * 10 + [110, 120, 130, 140, 150, 160] + [160] * 10)
    assert not CHECKS["shift"](ramp, None, {"days": 5, "share": 0.3}).mask.any()
    # an absolute step for reservoir levels [m]: 2.5 m in one day, share 0
    level = _s([880.0] * 10 + [882.5] * 10)
    assert _flagged(CHECKS["shift"](level, None, {"share": 0, "min_step": 2.0})) == [10]
    assert not CHECKS["shift"](level, None, {"share": 0, "min_step": 3.0}).mask.any()


# ---- completeness -----------------------------------------------------------------------------

def test_completeness_flags_every_day_of_a_dekad_below_the_rule():
    # 2026-11-d1: 6 of 10 days; 2026-11-d2: 7 of 10; 2026-11-d3 (10 days): 10 of 10
    values = [1.0] * 6 + [np.nan] * 4 + [1.0] * 7 + [np.nan] * 3 + [1.0] * 10
    result = CHECKS["completeness"](_s(values, start="2026-11-01"), None, {"min_share": 0.7})
    assert _flagged(result) == list(range(10))
    assert result.sentence == "1 dekad(s) with less than 70 % of days present" and result.severity == "info"
    # November has 23 of its 30 days (77 %): complete for a 50 % month rule, not for 80 %
    assert CHECKS["completeness"](_s(values, start="2026-11-01"), None,
                                  {"resolution": "month", "min_share": 0.8}).mask.all()
    assert not CHECKS["completeness"](_s(values, start="2026-11-01"), None,
                                      {"resolution": "month", "min_share": 0.5}).mask.any()
    # a dekad cut by the end of the record counts its days after the record as missing
    tail = _s([1.0] * 5, start="2026-11-21")  # 5 of 10 days of 2026-11-d3
    assert _flagged(CHECKS["completeness"](tail, None, {})) == [0, 1, 2, 3, 4]


# ---- consistency ------------------------------------------------------------------------------

def _series_of(table: dict):
    empty = pd.Series([], index=pd.DatetimeIndex([]), dtype=float)
    return lambda station, variable: table.get((station, variable), empty)


def test_reservoir_balance_residual_by_hand():
    # 2026-11-01..10: inflow 100 m3/s, release 50 m3/s for 10 days.
    # Expected change of volume: (100 - 50) x 0.0864 x 10 = 43.2 Mm3; flows (100 + 50) x 0.0864
    # x 10 = 129.6 Mm3. Volume 10,000 Mm3 on 31 October (end of the previous dekad).
    days = pd.date_range("2026-10-31", "2026-11-10", freq="D")
    inflow = pd.Series(100.0, index=days[1:])
    release = pd.Series(50.0, index=days[1:])

    def run(volume_end, **params):
        volume = pd.Series(np.linspace(10000, volume_end, len(days)), index=days)
        table = {("r", "inflow"): inflow, ("r", "release"): release, ("r", "volume"): volume}
        return CHECKS["reservoir_balance"](_series_of(table), "r", params)

    assert not any(r.mask.any() for r in run(10043.2))  # closes exactly
    # 10,100: residual 100 - 43.2 = 56.8 Mm3 = 43.8 % of 129.6 Mm3 > 10 %
    results = run(10100.0)
    assert [r.series for r in results] == [(("r", "inflow"),), (("r", "release"),), (("r", "volume"),)]
    for r in results:
        flagged = r.mask[r.mask].index
        assert flagged.min() == pd.Timestamp("2026-11-01") and flagged.max() == pd.Timestamp("2026-11-10")
    assert "(largest: +57 Mm3, 44 % of the flows, in 2026-11-d1)" in results[0].sentence
    # 10,053.2: residual 10 Mm3 = 7.7 % of the flows: within 10 %, beyond 5 %
    assert not run(10053.2)[0].mask.any()
    assert run(10053.2, max_residual_pct=5.0, min_residual=2.0)[0].mask.sum() == 10
    # a residual of 1.5 Mm3 (rounding) is never flagged, even at 1 %
    assert not run(10044.7, max_residual_pct=1.0, min_residual=2.0)[0].mask.any()


def test_travel_time_with_a_known_lag():
    # upstream release: 100 m3/s in the first dekad of November, 300 in the second, 100 in the
    # third; the gauge downstream sees the same water 5 days later
    days = pd.date_range("2026-10-20", "2026-12-10", freq="D")
    up = pd.Series(np.where((days >= "2026-11-11") & (days <= "2026-11-20"), 300.0, 100.0), index=days)
    down = up.shift(5).dropna()
    table = _series_of({("a", "release"): up, ("b", "discharge"): down})
    params = {"downstream": "b/discharge", "tolerance": 0.25, "min_difference": 5, "min_share": 0.7}
    assert not any(r.mask.any() for r in CHECKS["travel_time"](table, None, {**params, "upstream": {"a/release": 5}}))
    # without the lag, 2026-11-d2 downstream averages (5 x 100 + 5 x 300) / 10 = 200 against 300
    # upstream (-33 %), and 2026-11-d3 (5 x 300 + 5 x 100) / 10 = 200 against 100 (+100 %); of
    # the 4 dekads judged (2026-10-d3 has 7 of 11 days downstream: not judged), 2 are flagged
    down_result, up_result = CHECKS["travel_time"](table, None, {**params, "upstream": {"a/release": 0}})
    flagged = down_result.mask[down_result.mask].index
    assert flagged.min() == pd.Timestamp("2026-11-11") and flagged.max() == pd.Timestamp("2026-11-30")
    assert "2 of 4 dekad(s)" in down_result.sentence and "(largest: 200 against 300 m3/s in 2026-11-d2)" in down_result.sentence
    assert up_result.series == (("a", "release"),) and up_result.mask.sum() == 20


def test_confluence_sums_lagged_stations():
    days = pd.date_range("2026-10-01", "2026-11-30", freq="D")
    a = pd.Series(np.linspace(100, 200, len(days)), index=days)
    b = pd.Series(np.linspace(50, 20, len(days)), index=days)
    total = a.shift(3) + b.shift(2)
    table = {("a", "discharge"): a, ("b", "discharge"): b, ("c", "inflow"): total.dropna()}
    params = {"downstream": "c/inflow", "upstream": {"a/discharge": 3, "b/discharge": 2},
              "tolerance": 0.15, "min_difference": 5, "min_share": 0.7}
    results = CHECKS["confluence"](_series_of(table), None, params)
    assert len(results) == 3 and not any(r.mask.any() for r in results)
    table[("c", "inflow")] = table[("c", "inflow")].where(~table[("c", "inflow")].index.isin(
        pd.date_range("2026-11-11", "2026-11-20")), table[("c", "inflow")] * 1.5)
    results = CHECKS["confluence"](_series_of(table), None, params)
    assert [int(r.mask.sum()) for r in results] == [10, 10, 10]


# ---- run_qc -----------------------------------------------------------------------------------

def test_run_qc_flags_and_keeps_every_value(tmp_path, network):
    rows = daily_rows("toktogul", "volume", "Mm3", "2026-11-01", "2026-11-10",
                      lambda d: None if d.day in (4, 5) else (20000 if d.day == 9 else 15000 + d.day))
    obs = read_observations([write_csv(tmp_path / "v.csv", rows)], network)
    report = run_qc(obs, network)
    flags = {(r.check, r.first.day, r.last.day, r.days) for r in report.flags.itertuples()}
    assert flags == {("gaps", 4, 5, 2), ("above_capacity", 9, 9, 1)}
    assert len(obs.frame) == 8  # nothing deleted
    assert report.for_period("toktogul", "volume", pd.Timestamp("2026-11-06"), pd.Timestamp("2026-11-10")) == ["above_capacity"]
    assert report.errors_in("toktogul", "volume", "2026-11-01", "2026-11-10") == 1
    assert report.has_errors
    assert len(report.clean(obs).frame) == 7 and len(obs.frame) == 8
    summary = report.summary()
    assert list(summary.columns) == ["station", "variable", "check", "severity", "days", "runs", "first", "last"]
    summary = summary.set_index("check")
    assert summary.loc["gaps", "days"] == 2 and summary.loc["gaps", "runs"] == 1
    assert summary.loc["above_capacity", "severity"] == "error"
    assert summary.loc["above_capacity", "first"] == summary.loc["above_capacity", "last"] == pd.Timestamp("2026-11-09")


def test_values_flagged_as_errors_are_not_seen_by_later_checks(tmp_path, network):
    # a 1e30 between zeros is an impossible value (error), not also a spike; the dekad keeps
    # 6 good days of 10 and is incomplete
    rows = daily_rows("naryn_uchkurgan", "discharge", "m3/s", "2026-11-01", "2026-11-10",
                      lambda d: None if d.day in (2, 3, 4) else (1e30 if d.day == 7 else 400))
    obs = read_observations([write_csv(tmp_path / "q.csv", rows)], network)
    report = run_qc(obs, network)
    assert set(report.flags["check"]) == {"gaps", "implausible", "completeness"}
    assert report.has_errors and report.summary().set_index("check").loc["completeness", "days"] == 10


def test_flow_links_of_the_network_run_along_the_river(tmp_path, network):
    # Toktogul release reaches Uchkurgan in 1 day (network file); 2026-11-d2 at Uchkurgan is
    # twice the release: flagged on both series, as the check cannot say which one is wrong
    def release(d):
        return 500.0

    def uchkurgan(d):
        return 1000.0 if pd.Timestamp("2026-11-11") <= d <= pd.Timestamp("2026-11-20") else 520.0

    rows = daily_rows("toktogul", "release", "m3/s", "2026-10-25", "2026-11-30", release)
    rows += daily_rows("naryn_uchkurgan", "discharge", "m3/s", "2026-11-01", "2026-11-30", uchkurgan)
    obs = read_observations([write_csv(tmp_path / "l.csv", rows)], network)
    f = run_qc(obs, network).flags
    f = f[f["check"] == "travel_time"]
    got = {(r.station, r.variable, r.first.strftime("%m-%d"), r.last.strftime("%m-%d")) for r in f.itertuples()}
    assert got == {("naryn_uchkurgan", "discharge", "11-11", "11-20"), ("toktogul", "release", "11-10", "11-19")}


def test_run_qc_without_a_network_skips_what_needs_one(tmp_path):
    rows = daily_rows("somewhere", "volume", "Mm3", "2026-11-01", "2026-11-10", lambda d: 1e9)
    obs = read_observations([write_csv(tmp_path / "v.csv", rows)], None)
    report = run_qc(obs, None)
    # no capacity known, no flow links; all values are errors, so the dekad has no good day
    assert set(report.flags["check"]) == {"implausible", "completeness"}


def test_empty_report():
    report = QCReport()
    assert not report.has_errors and report.summary().empty
    assert list(report.summary().columns) == ["station", "variable", "check", "severity", "days", "runs", "first", "last"]


# ---- configuration ----------------------------------------------------------------------------

def test_the_shipped_configuration(network):
    config = load_qc_config()
    checks = config.checks_for("naryn_uchkurgan", "discharge")
    assert list(checks) == ["duplicates", "unsorted", "gaps", "future", "negative", "implausible", "flat_line",
                            "spike", "completeness", "period_outlier", "period_jump", "period_flat_line",
                            "empty_values", "missing_periods"]
    assert checks["flat_line"] == {"days": 10, "ignore_zero": True}
    assert checks["period_outlier"] == {"n_sd": 3, "factor": 2, "isolation": 3, "min_years": 10, "min_sd": 0.05,
                                        "zero_offset": 0.01, "max_zero_share": 0.25}
    # a reservoir's volume follows its operation, not the climate: not judged against other years
    assert "period_outlier" not in config.checks_for("toktogul", "volume")
    assert "flat_line" in config.checks_for("bahri_tojik_tailwater", "discharge")
    # the station exception comes from the network file
    assert "flat_line" not in with_station_exceptions(config, network).checks_for("bahri_tojik_tailwater", "discharge")
    assert config.completeness_rule("discharge") == {"resolution": "dekad", "min_share": 0.7}
    assert set(config.consistency) == {"reservoir_balance", "travel_time", "confluence"}


def test_configuration_errors_name_the_file_and_key():
    raw = {
        "all_variables": {"gapz": {}},
        "variables": {
            "discharge": {"spike": {"n_sds": 4}, "flat_line": {"days": "ten"}},
            "volumes": {"negative": {}},
            "volume": {"reservoir_balance": {}},
            "stage": {"completeness": {"resolution": "pentad"}, "flat_line": {"ignore_zero": 1}},
        },
        "consistency": {"travel_time": {"tolerance": -1}, "negative": {}},
        "checkz": {},
    }
    with pytest.raises(ConfigError) as err:
        parse_qc_config(raw, "v.yml")
    text = str(err.value)
    assert "v.yml: the qc section has 10 problem(s)" in text
    assert "v.yml: qc.all_variables.gapz: unknown check 'gapz' (did you mean 'gaps'?)" in text
    assert "qc.variables.discharge.spike.n_sds: unknown parameter of check 'spike' (did you mean 'n_sd'?)" in text
    assert "qc.variables.discharge.flat_line.days: expected a number, got 'ten'" in text
    assert "qc.variables.volumes: unknown variable (did you mean 'volume'?)" in text
    assert "qc.variables.volume.reservoir_balance: check 'reservoir_balance' compares several series" in text
    assert "qc.variables.stage.completeness.resolution: 'pentad' is not one of dekad, month" in text
    assert "qc.variables.stage.flat_line.ignore_zero: expected true or false, got 1" in text
    assert "qc.consistency.travel_time.tolerance: expected a number >= 0, got -1" in text
    assert "qc.consistency.negative: check 'negative' compares one series" in text
    assert "qc.checkz: unknown section" in text


def test_a_broken_variables_file_is_a_config_error(tmp_path):
    p = tmp_path / "variables.yml"
    p.write_text("qc:\n  variables:\n    discharge: {spike: {factor: 3, windw: 5}}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"variables.yml: qc.variables.discharge.spike.windw: unknown parameter"):
        load_qc_config(str(p))


def test_flow_link_errors_follow_the_network(network):
    raw = {
        "travel_time": [
            {"downstream": "naryn_uchkurgan/discharge", "upstream": {"toktogul/release": 1.5}},
            {"downstream": "toktogul/release", "upstream": {"naryn_uchkurgan/discharge": 1}},
            {"downstream": "naryn_uchkurgn/discharge", "upstream": {"toktogul/relase": 1}},
            {"downstream": "shardara/inflow", "upstream": {"keles_mouth/discharge": 1, "chirchik_chinaz/discharge": 1}},
            {"downstream": "shardara/inflow", "upstream": {"syrdarya_kokbulak/discharge": 1}, "tolerence": 0.2},
        ],
        "confluences": [],
    }
    with pytest.raises(ConfigError) as err:
        parse_links(raw, network, "n.yaml")
    text = str(err.value)
    assert "n.yaml: flow_links.travel_time[0].upstream.toktogul/release: the travel time must be a whole number" in text
    assert "flow_links.travel_time[1].upstream.naryn_uchkurgan/discharge: naryn_uchkurgan is not upstream of toktogul" in text
    assert "flow_links.travel_time[2].downstream: 'naryn_uchkurgn' is not a station of the network (did you mean 'naryn_uchkurgan'?)" in text
    assert "flow_links.travel_time[2].upstream: unknown variable 'relase' (did you mean 'release'?)" in text
    assert "flow_links.travel_time[3].upstream: a travel_time link has one upstream series" in text
    assert "flow_links.travel_time[4].tolerence: unknown parameter of check 'travel_time' (did you mean 'tolerance'?)" in text
    assert "flow_links.confluences: unknown kind of link (did you mean 'confluence'?)" in text


def test_the_shipped_flow_links(network):
    raw = yaml.safe_load(default_network_path().read_text(encoding="utf-8"))
    links = parse_links(raw["flow_links"], network, "syrdarya.yaml")
    shardara = [lk for lk in links if lk.check == "confluence"][0]
    assert shardara.downstream == ("shardara", "inflow")
    assert shardara.upstream == (("syrdarya_nadezhdinsky", "discharge", 3), ("chirchik_chinaz", "discharge", 2),
                                 ("keles_mouth", "discharge", 2))
    toktogul = [lk for lk in links if lk.upstream[0][:2] == ("toktogul", "release")][0]
    assert toktogul.downstream == ("naryn_uchkurgan", "discharge") and toktogul.params == {"tolerance": 0.4}
    assert load_network().stations  # the network loader ignores the section


def test_station_exceptions_live_in_the_network_file(tmp_path):
    """A station's qc key switches a check off for that station only; a wrong key is named with its path."""
    raw = yaml.safe_load(default_network_path().read_text(encoding="utf-8"))
    by_id = {s["id"]: s for s in raw["stations"]}
    assert by_id["bahri_tojik_tailwater"]["qc"] == {"discharge": {"flat_line": False}}
    by_id["naryn_uchterek"]["qc"] = {"discharge": {"flat_line": False}}
    (tmp_path / "n.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    net = load_network(tmp_path / "n.yaml")
    rows = [f"{sid},discharge,2026-11-{d:02d},100,m3/s" for sid in ("naryn_uchterek", "naryn_uchkurgan")
            for d in range(1, 16)]
    obs = read_observations([write_csv(tmp_path / "v.csv", rows)], net)
    flagged = run_qc(obs, net).flags
    assert set(flagged.loc[flagged.check == "flat_line", "station"]) == {"naryn_uchkurgan"}
    by_id["naryn_uchterek"]["qc"] = {"discharge": {"flat_lin": False}, "dischrge": {}}
    (tmp_path / "n.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        run_qc(obs, load_network(tmp_path / "n.yaml"))
    text = str(err.value) + "\n".join(err.value.details)
    assert "stations[0] (naryn_uchterek).qc.discharge.flat_lin: unknown check 'flat_lin' (did you mean 'flat_line'?)" in text
    assert "stations[0] (naryn_uchterek).qc.dischrge: unknown variable (did you mean 'discharge'?)" in text


def test_the_variables_file_names_no_station():
    with pytest.raises(ConfigError) as err:
        parse_qc_config({"stations": {"toktogul": {"volume": {"negative": False}}}}, "v.yml")
    assert "qc.stations: exceptions for one station belong to the network file" in "\n".join(err.value.details)
