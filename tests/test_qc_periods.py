"""QC of values given per pentad, dekad or month: other years, neighbours, repeats, empty values, gaps.

The hand-made series have their robust z-scores worked out in the comments; the real Uzhydromet
archive of the Chirchik (../shared/data) checks what the checks do on 84 years of dekads.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest

from bulletin.ingest import read_observations
from bulletin.network import load_network
from bulletin.periods import period_end
from bulletin.pipeline import run
from bulletin.qc import CHECKS, run_qc
from bulletin.qc.periodic import period_grid, period_stats
from bulletin.resources import resource_path
from bulletin.series import period_series

from .conftest import SHARED_DATA, shared_data, write_csv

ARCHIVE = SHARED_DATA / "chirchik-uzhydromet" / "ChirchikRiverBasin_from_rda.csv"
NETWORK = str(resource_path("data", "basin", "chirchik.yaml"))
CATALOGUE = str(resource_path("indicators", "chirchik.yaml"))
OUTLIER = CHECKS["period_outlier"]
# January of 10 other years: exp of these logs; median 0.05, MAD 0.25 (see below)
JANUARY_LOGS = [0.0, 0.1, -0.1, 0.2, -0.2, 0.3, -0.3, 0.4, -0.4, 0.5]


def _monthly(january: float, logs=JANUARY_LOGS) -> pd.Series:
    """Months of 2000-2010: 1.0 except January, exp(logs) in 2000-2009 and ``january`` in 2010."""
    index = pd.DatetimeIndex([period_end("month", y, m) for y in range(2000, 2000 + len(logs) + 1)
                              for m in range(1, 13)])
    s = pd.Series(1.0, index=index)
    for year, log in zip(range(2000, 2000 + len(logs)), logs, strict=True):
        s[pd.Timestamp(year, 1, 31)] = math.exp(log)
    s[pd.Timestamp(2000 + len(logs), 1, 31)] = january
    return s


# ---- the same period in other years -------------------------------------------------------------

def test_robust_z_of_a_value_against_the_same_month_of_the_other_years():
    # logs of the other Januaries sorted: -0.4 -0.3 -0.2 -0.1 0 0.1 0.2 0.3 0.4 0.5 -> median 0.05;
    # their distances to 0.05: 0.05 0.05 0.15 0.15 0.25 0.25 0.35 0.35 0.45 0.45 -> MAD 0.25;
    # robust SD 1.4826 * 0.25 = 0.370650; log(e^3) = 3 -> z = (3 - 0.05) / 0.370650 = 7.9590
    s = _monthly(math.e ** 3)
    st = period_stats(s, "month", {**OUTLIER.defaults, "zero_offset": 0.0})
    jan = st.loc[pd.Timestamp(2010, 1, 31)]
    assert jan["years"] == 10 and jan["judged"]
    assert jan["median"] == pytest.approx(math.exp(0.05))
    assert jan["z"] == pytest.approx(2.95 / (1.4826 * 0.25), abs=1e-4)
    assert jan["z"] == pytest.approx(7.9590, abs=1e-4)
    assert (jan["low"], jan["high"]) == (pytest.approx(math.exp(-0.4)), pytest.approx(math.exp(0.5)))
    # the value itself is left out: a January of 2000 (log 0) is judged against the other nine and 2010
    assert st.loc[pd.Timestamp(2000, 1, 31), "years"] == 10


def test_far_outside_the_other_years_and_alone_is_an_error():
    # e^3 = 20.1: z 7.96 >= 3, more than twice the highest other January (e^0.5 = 1.65), and its
    # ratio to the median (e^2.95) is more than 3 times that of December and February (1.0)
    result = OUTLIER(_monthly(math.e ** 3), None, {"zero_offset": 0.0})
    assert result.severity == "error"
    assert list(result.mask[result.mask].index) == [pd.Timestamp(2010, 1, 31)]
    assert "first: 2010-01-31, 20.0855 where the median of 10 other years is 1.05" in result.sentence
    # e^1 = 2.72: z = 0.95 / 0.37065 = 2.56 < 3, though above the range: not an error
    assert not OUTLIER(_monthly(math.e), None, {"zero_offset": 0.0}).mask.any()
    # a tenth of the median January is an error too (z = (log 0.105 - 0.05) / 0.37065 = -6.21)
    assert OUTLIER(_monthly(0.105), None, {"zero_offset": 0.0}).mask.sum() == 1


def test_a_drought_of_several_months_is_not_an_error_a_single_month_is():
    s = _monthly(0.1)
    assert OUTLIER(s, None, {}).mask.sum() == 1
    # December and February of the same winter as low as January: a dry winter, not a typo
    s[pd.Timestamp(2009, 12, 31)] = s[pd.Timestamp(2010, 2, 28)] = 0.1
    assert not OUTLIER(s, None, {}).mask.any()


def test_short_records_and_dry_periods_are_not_judged():
    assert not OUTLIER(_monthly(1000.0, JANUARY_LOGS[:8]), None, {}).mask.any()  # 8 other years < 10
    assert OUTLIER(_monthly(1000.0, JANUARY_LOGS[:8]), None, {"min_years": 8}).mask.sum() == 1
    # a January dry in 3 of 10 other years (more than a quarter) is not judged
    dry = _monthly(50.0)
    for year in (2001, 2003, 2005):
        dry[pd.Timestamp(year, 1, 31)] = 0.0
    assert not OUTLIER(dry, None, {}).mask.any()
    # a zero where no other year has one is judged (1 % of the median flow added before the log)
    assert OUTLIER(_monthly(0.0), None, {}).mask.sum() == 1


def test_two_wrong_values_of_the_same_period_hide_each_other_but_are_warned_of():
    s = _monthly(1000.0, JANUARY_LOGS + [0.05, -0.05])  # 12 other years
    assert OUTLIER(s, None, {}).mask.sum() == 1
    s[pd.Timestamp(2003, 1, 31)] = 600.0  # within a factor 2 of 1000: each is in the other's range
    assert not OUTLIER(s, None, {}).mask.any()
    jumps = CHECKS["period_jump"](s, None, {}).mask
    assert list(jumps[jumps].index) == [pd.Timestamp(2003, 1, 31), pd.Timestamp(2012, 1, 31)]


# ---- neighbours and repeats ---------------------------------------------------------------------

def _dekads(years=range(2000, 2015), seed=1) -> pd.Series:
    """Dekads with a melt season (peak in July) and 10 % noise between years."""
    rng = np.random.default_rng(seed)
    index = pd.DatetimeIndex([period_end("dekad", y, k) for y in years for k in range(1, 37)])
    k = np.tile(np.arange(1, 37), len(years))
    shape = 20 + 80 * np.exp(-(((k - 20) / 5.0) ** 2))
    return pd.Series(np.round(shape * np.exp(rng.normal(0, 0.1, len(k))), 1), index=index)


def test_a_value_off_both_neighbours_is_a_jump_a_rise_that_lasts_is_not():
    s = _dekads()
    jump = CHECKS["period_jump"]
    assert not jump(s, None, {}).mask.any()
    peak = s.copy()
    peak[pd.Timestamp(2010, 3, 20)] *= 2.5  # winter base flow 2.5 times both neighbours
    result = jump(peak, None, {})
    assert result.severity == "warning" and list(result.mask[result.mask].index) == [pd.Timestamp(2010, 3, 20)]
    step = s.copy()
    step[pd.Timestamp(2010, 3, 20):pd.Timestamp(2010, 4, 10)] *= 2.5  # high for three dekads
    assert not jump(step, None, {}).mask.any()


def test_repeated_values_need_precise_digits():
    flat = CHECKS["period_flat_line"]
    s = _dekads()
    s[pd.Timestamp(2005, 1, 10):pd.Timestamp(2005, 1, 31)] = 41.2  # 3 dekads, 0.1 is 0.24 % of 41.2
    result = flat(s, None, {})
    assert result.mask.sum() == 3 and result.severity == "warning"
    s[pd.Timestamp(2006, 1, 10):pd.Timestamp(2006, 2, 20)] = 1.4  # 0.1 is 7 % of 1.4: rounding
    s[pd.Timestamp(2007, 1, 10):pd.Timestamp(2007, 2, 20)] = 0.0
    assert flat(s, None, {}).mask.sum() == 3
    assert flat(s, None, {"max_rounding": 0.1}).mask.sum() == 3 + 5


# ---- in run_qc: empty values, missing periods, only on aggregated values --------------------------

def test_empty_values_and_missing_dekads_are_counted_and_reported(tmp_path):
    rows = [("chatkal_khudaydod", "discharge", period_end("dekad", 2015, k).isoformat(),
             "" if k in (5, 6) else 30 + k, "m3/s", "dekad") for k in range(1, 37) if k not in (10, 11, 12)]
    rows.append(("chatkal_khudaydod", "discharge", "2015-12-31", "", "m3/s", "dekad"))  # given twice, empty
    path = write_csv(tmp_path / "d.csv", rows[:-1], header="station,variable,date,value,unit,resolution")
    obs = read_observations([path], load_network(NETWORK))
    report = run_qc(obs, None)
    s = report.summary().set_index("check")
    assert s.loc["empty_values", "days"] == 2 and s.loc["empty_values", "severity"] == "info"
    assert s.loc["missing_periods", "days"] == 3 and s.loc["missing_periods", "severity"] == "info"
    flags = report.flags.set_index("check")
    assert flags.loc["missing_periods", "first"].tolist() == [pd.Timestamp(2015, 4, 10), pd.Timestamp(2015, 4, 20),
                                                             pd.Timestamp(2015, 4, 30)]
    assert "2 empty value(s) (first: 2015-02-20 at d.csv line 6)" in flags.loc["empty_values", "sentence"].iloc[0]
    assert not report.has_errors


def test_period_checks_run_only_on_aggregated_values():
    assert CHECKS["period_outlier"].runs_on("dekad") and not CHECKS["period_outlier"].runs_on("day")
    assert CHECKS["empty_values"].runs_on("month") and not CHECKS["empty_values"].runs_on("day")
    assert CHECKS["negative"].runs_on("pentad") and CHECKS["duplicates"].runs_on("dekad")
    assert CHECKS["spike"].runs_on("day") and not CHECKS["spike"].runs_on("dekad")


def test_the_grid_of_periods():
    s = pd.Series([1.0, 2.0], index=pd.DatetimeIndex(["2024-02-05", "2024-03-10"]))
    assert [d.day for d in period_grid(s, "pentad").index] == [5, 10, 15, 20, 25, 29, 5, 10]
    assert len(period_grid(pd.Series([1.0, 2.0], index=pd.DatetimeIndex(["1932-01-31", "2015-12-31"])),
                           "month")) == 84 * 12


# ---- the real archive --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def archive():
    network = load_network(NETWORK)
    obs = read_observations([ARCHIVE], network)
    return network, obs, run_qc(obs, network)


def _with_value(obs, station: str, day: str, value: float):
    frame = obs.frame.copy()
    at = (frame["station"] == station) & (frame["date"] == pd.Timestamp(day))
    assert at.sum() == 1
    frame.loc[at, "value"] = value
    return replace(obs, frame=frame)


@shared_data(ARCHIVE)
def test_the_untouched_archive_has_no_error(archive):
    _, obs, report = archive
    assert not report.has_errors and report.errors.empty
    s = report.summary()
    pskem = s[s["station"] == "pskem_mullala"]
    assert set(pskem["severity"]) <= {"info", "warning"}


@shared_data(ARCHIVE)
def test_empty_values_of_the_archive_reach_qc_and_are_counted(archive):
    _, obs, report = archive
    # the archive has 15 rows of code 16279 (Chatkal at Khudaydod) with an empty 'data' field:
    # January-February 1943 and October-December 2015
    raw = pd.read_csv(ARCHIVE)
    assert raw[(raw["code"] == 16279) & (raw["type"] == "Q")]["data"].isna().sum() == 15
    empty = report.summary().query("check == 'empty_values'").set_index("station")["days"].to_dict()
    assert empty == {"chatkal_khudaydod": 15, "pskem_mullala": 39, "nauvalisoy_sidzhak": 167, "charvak_inflow": 42,
                     "ugam_khodzhikent": 11, "chirchik_gazalkent": 15, "chirchik_chinaz": 3}
    chatkal = report.flags[(report.flags["station"] == "chatkal_khudaydod") & (report.flags["check"] == "empty_values")]
    assert chatkal["first"].dt.year.value_counts().to_dict() == {1943: 6, 2015: 9}
    assert "missing_periods" not in set(report.flags["check"])  # every dekad has a row


@shared_data(ARCHIVE)
def test_a_typo_in_the_pskem_record_is_an_error_and_left_out(archive):
    network, obs, _ = archive
    bad = _with_value(obs, "pskem_mullala", "2015-09-30", 3910.0)  # 39.1 typed without its point
    report = run_qc(bad, network)
    errors = report.errors
    assert errors[["station", "date"]].values.tolist() == [["pskem_mullala", pd.Timestamp("2015-09-30")]]
    flag = report.flags[(report.flags["check"] == "period_outlier")].iloc[0]
    # 84 Septembers, one of them (1943) empty: judged against 82 other years, median 49.95 m3/s
    assert flag["severity"] == "error" and "first: 2015-09-30, 3910 where the median of 82 other years" in \
        flag["sentence"]
    # the clean copy lacks the value: September 2015 is the mean of its first two dekads only
    clean = report.clean(bad)
    assert len(clean.frame) == len(bad.frame) - 1
    month = period_series(clean, "pskem_mullala", "discharge", "month").set_index(["year", "period_of_year"])
    d1, d2 = (obs.series("pskem_mullala", "discharge", "dekad")[day] for day in ("2015-09-10", "2015-09-20"))
    assert month.loc[(2015, 9), "value"] == pytest.approx((d1 + d2) / 2)
    assert month.loc[(2015, 9), "coverage"] == pytest.approx(20 / 30)


@shared_data(ARCHIVE)
def test_the_bulletin_of_an_archive_with_a_typo_is_computed_without_it(tmp_path):
    text = ARCHIVE.read_text(encoding="utf-8").splitlines(keepends=True)
    typed = [line.replace("2015-09-30,39.1,", "2015-09-30,3910,", 1) if ",16290," in line else line for line in text]
    assert sum(a != b for a, b in zip(text, typed, strict=True)) == 1
    path = tmp_path / "ChirchikRiverBasin_typo.csv"
    path.write_text("".join(typed), encoding="utf-8")
    issued = datetime(2015, 10, 1, 1, tzinfo=UTC)
    good = run(data=[ARCHIVE], period="2015-09-d3", issued_at=issued, catalogue_path=CATALOGUE, network_path=NETWORK)
    bad = run(data=[path], period="2015-09-d3", issued_at=issued, catalogue_path=CATALOGUE, network_path=NETWORK)
    before = {f.indicator: f for f in good.findings}["pskem_mullala_norm"]
    after = {f.indicator: f for f in bad.findings}["pskem_mullala_norm"]
    assert before.value == 39.1 and before.qc_flags == []
    # the dekad's only value is an error: no value, said so, and no level drawn from 3910 m3/s
    assert after.value is None and after.level == "no_data"
    assert after.qc_flags == ["period_outlier"] and "qc_errors" in after.notes
    # the other findings are those of the untouched archive
    others = [(f.indicator, f.level, f.value) for f in bad.findings if not f.indicator.startswith("pskem")]
    assert others == [(f.indicator, f.level, f.value) for f in good.findings if not f.indicator.startswith("pskem")]


@shared_data(ARCHIVE)
def test_typos_of_every_kind_are_caught_in_the_archive(archive):
    network, obs, _ = archive
    sub = replace(obs, frame=obs.frame[obs.frame["station"] == "chatkal_khudaydod"])
    series = sub.series("chatkal_khudaydod", "discharge", "dekad")
    # a flood dekad (June 1969, 729 m3/s), a winter one and a spring one: times 10, times 100, a tenth
    for day in ("1969-06-20", "1980-01-10", "2001-04-20"):
        for factor in (10, 100, 0.1):
            report = run_qc(_with_value(sub, "chatkal_khudaydod", day, series[day] * factor), network)
            flagged = report.flags[report.flags["first"] == pd.Timestamp(day)]
            if (day, factor) == ("1969-06-20", 0.1):
                # 72.9 m3/s is within a factor 2 of the lowest mid-June of the other years (114 in
                # 1982): not an error, but 9 times below both neighbours (677, 620), so a warning
                assert report.errors.empty
                assert flagged[["check", "severity"]].values.tolist() == [["period_jump", "warning"]]
                continue
            assert report.errors["date"].tolist() == [pd.Timestamp(day)], (day, factor)


def test_the_quality_section_counts_values_of_aggregated_series_not_days():
    """Flags on dekad values are counted as values whose last day is in the window."""
    from bulletin.document.quality import _flagged_values

    runs = pd.DataFrame({"first": pd.to_datetime(["2015-09-10", "2015-11-30"]),
                         "last": pd.to_datetime(["2015-09-30", "2015-12-31"])})
    # window 15 Sep - 20 Dec: 20 and 30 Sep; 30 Nov, 10 and 20 Dec (31 Dec is after it)
    assert _flagged_values(runs, "dekad", np.datetime64("2015-09-15"), np.datetime64("2015-12-20")) == 5
    months = pd.DataFrame({"first": pd.to_datetime(["2015-01-31"]), "last": pd.to_datetime(["2015-12-31"])})
    assert _flagged_values(months, "month", np.datetime64("2015-10-01"), np.datetime64("2015-11-20")) == 1
