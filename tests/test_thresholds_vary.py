"""Validity of indicators and thresholds that vary (per season, per period, relative), hand-computed.

The reference data: Andijan inflow [m3/s] in dekad 32 (2nd dekad of November) and dekad 14
(2nd dekad of May) of 2001-2009 is 10, 20, ..., 90. With 9 years the Weibull plotting
positions are i/10, so the percentile values are P10 = 10, P15 = 15, P25 = 25, P50 = 50, and
the norm (mean) is 450 / 9 = 50.
"""

import textwrap
from datetime import UTC, datetime

import pytest

from bulletin.catalogue import load_catalogue
from bulletin.errors import ConfigError
from bulletin.evaluate import evaluate
from bulletin.ingest import read_observations
from bulletin.periods import parse_period
from bulletin.qc import run_qc

from .conftest import write_csv

HEAD = """
catalogue: {id: t, version: "1", status: sample, title: {en: T, ru: Т}}
settings: {reference_period: 1991-2020, min_years: 9}
rules:
  - {id: R1, version: "1", title: {en: R, ru: Р}, agreement: {document: {en: Doc, ru: Док}}}
indicators:
"""

IND = "  - {{id: {id}, name: {{en: A, ru: А}}, station: andijan, variable: inflow, method: threshold, season: all,\n" \
      "     unit: m3/s, operator: \"<\", rule: R1, {extra}}}\n"


def _catalogue(tmp_path, network, *indicators):
    p = tmp_path / "cat.yaml"
    p.write_text(textwrap.dedent(HEAD) + "".join(IND.format(id=i, extra=e) for i, e in indicators), encoding="utf-8")
    return load_catalogue(p, network)


def _data(tmp_path, value_2026, dekads=("11-d2", "05-d2")):
    rows = []
    for label in dekads:
        for k, year in enumerate(range(2001, 2010), start=1):
            rows.append(("andijan", "inflow", parse_period(f"{year}-{label}").end.isoformat(), 10 * k, "m3/s", "dekad"))
        rows.append(("andijan", "inflow", parse_period(f"2026-{label}").end.isoformat(), value_2026, "m3/s", "dekad"))
    return write_csv(tmp_path / "obs.csv", rows, header="station,variable,date,value,unit,resolution")


def _run(tmp_path, network, cat, value_2026, period="2026-11-d2"):
    obs = read_observations([_data(tmp_path, value_2026)], network)
    return {f.indicator: f for f in evaluate(cat, network, obs, run_qc(obs, network), parse_period(period))}


# ---- validity -------------------------------------------------------------------------------

def test_an_indicator_stops_being_valid(tmp_path, network):
    cat = _catalogue(tmp_path, network,
                     ("old", "thresholds: {alert: 50}, valid_from: 1991-01-01, valid_to: 2026-11-19"),
                     ("new", "thresholds: {alert: 40}, valid_from: 2026-11-20"),
                     ("open", "thresholds: {alert: 100}, relative_to: norm"))  # another check, open-ended
    # 2026-11-d2 ends on 20 November: the old version is no longer valid, the new one is (inclusive)
    found = _run(tmp_path, network, cat, 30)
    assert set(found) == {"new", "open"}
    assert found["new"].level == "alert"
    # 2026-05-d2 ends on 20 May: only the old version and the open one
    assert set(_run(tmp_path, network, cat, 30, "2026-05-d2")) == {"old", "open"}


def test_the_bulletin_says_why_an_indicator_was_not_evaluated(tmp_path, network):
    from bulletin.pipeline import run
    from bulletin.render.json import results, validate

    p = tmp_path / "cat.yaml"
    text = textwrap.dedent(HEAD) + "".join(IND.format(id=i, extra=e) for i, e in (
        ("gone", "thresholds: {alert: 50}, valid_to: 2025-12-31"), ("summer", "thresholds: {alert: 50}"),
        ("now", "thresholds: {alert: 50}, valid_from: 2026-01-01")))
    p.write_text(text.replace("id: summer, name: {en: A, ru: А}, station: andijan, variable: inflow, method: threshold, "
                              "season: all", "id: summer, name: {en: A, ru: А}, station: andijan, variable: inflow, "
                              "method: threshold, season: gs"), encoding="utf-8")
    result = run(allow_no_data=True, data=[_data(tmp_path, 30)], period="2026-11-d2", catalogue_path=p,
                 issued_at=datetime(2026, 11, 21, tzinfo=UTC))
    assert result.bulletin.not_evaluated == (("gone", "validity"), ("summer", "season"))
    assert result.bulletin.not_in_season == ("summer",) and result.bulletin.not_valid == ("gone",)
    doc = results(result.bulletin)
    validate(doc)
    assert doc["bulletin"]["not_evaluated"] == [{"indicator": "gone", "reason": "validity"},
                                               {"indicator": "summer", "reason": "season"}]


def test_validity_starts_the_alert_state_afresh(tmp_path, network):
    # 2026-11-d1 is not in the data at all; give d1 and d2 the same alert value
    # b, open-ended, on another station with the same values (on Andijan it would be a second version of a)
    p = tmp_path / "cat.yaml"
    p.write_text(textwrap.dedent(HEAD) + IND.format(id="a", extra="thresholds: {alert: 50}, valid_from: 2026-11-11")
                 + IND.format(id="b", extra="thresholds: {alert: 50}").replace("andijan", "charvak"), encoding="utf-8")
    cat = load_catalogue(p, network)
    rows = [(station, "inflow", parse_period(label).end.isoformat(), 30, "m3/s", "dekad")
            for station in ("andijan", "charvak") for label in ("2026-11-d1", "2026-11-d2")]
    obs = read_observations([write_csv(tmp_path / "o.csv", rows, header="station,variable,date,value,unit,resolution")],
                            network)
    found = {f.indicator: f for f in evaluate(cat, network, obs, run_qc(obs, network), parse_period("2026-11-d2"))}
    assert (found["a"].level, found["a"].state) == ("alert", "new")  # d1 was before its validity
    assert (found["b"].level, found["b"].state) == ("alert", "continuing")


@pytest.mark.parametrize(("extra", "message"), [
    ("thresholds: {alert: 5}, valid_from: 2026-01-01, valid_to: 2025-12-31",
     "indicators[0](a).valid_to: 2025-12-31 is before valid_from 2026-01-01"),
    ("thresholds: {alert: 5}, valid_from: soon", "indicators[0](a).valid_from: 'soon' is not a date"),
    ("thresholds: {alert: 5}, valid_to: 2026-02-30", "indicators[0](a).valid_to: '2026-02-30' is not a date"),
])
def test_bad_validity_is_reported_with_its_key(tmp_path, network, extra, message):
    with pytest.raises(ConfigError) as err:
        _catalogue(tmp_path, network, ("a", extra))
    assert f"{tmp_path / 'cat.yaml'}:{message}" in str(err.value)


# ---- seasonal thresholds --------------------------------------------------------------------

SEASONAL = "thresholds: {gs: {watch: 100, alert: 50}, ngs: {watch: 30, alert: 20}}"


@pytest.mark.parametrize(("period", "value", "level"), [
    ("2026-11-d2", 30, "normal"), ("2026-11-d2", 29.9, "watch"), ("2026-11-d2", 20, "watch"),
    ("2026-11-d2", 19.9, "alert"),
    ("2026-05-d2", 100, "normal"), ("2026-05-d2", 99.9, "watch"), ("2026-05-d2", 50, "watch"),
    ("2026-05-d2", 49.9, "alert"),
])
def test_seasonal_thresholds_at_their_boundaries(tmp_path, network, period, value, level):
    cat = _catalogue(tmp_path, network, ("s", SEASONAL))
    assert _run(tmp_path, network, cat, value, period)["s"].raw_level == level


def test_seasonal_thresholds_in_the_findings_are_those_of_the_period(tmp_path, network):
    cat = _catalogue(tmp_path, network, ("s", SEASONAL))
    assert _run(tmp_path, network, cat, 25)["s"].thresholds == [
        {"level": "watch", "operator": "<", "value": 30.0, "unit": "m3/s", "applies_to": "ngs"},
        {"level": "alert", "operator": "<", "value": 20.0, "unit": "m3/s", "applies_to": "ngs"}]
    assert [t["value"] for t in _run(tmp_path, network, cat, 25, "2026-05-d2")["s"].thresholds] == [100.0, 50.0]


# ---- thresholds per period of the year ------------------------------------------------------

BY_DEKAD = 'thresholds_by_period: {resolution: dekad, table: {"1-31": {watch: 30}, 32: {watch: 20}, "33-36": {watch: 30}}}'


@pytest.mark.parametrize(("period", "value", "level"), [
    ("2026-11-d2", 20, "normal"), ("2026-11-d2", 19.9, "watch"),  # dekad 32: 20
    ("2026-05-d2", 30, "normal"), ("2026-05-d2", 29.9, "watch"),  # dekad 14: 30
])
def test_dekad_table_at_its_boundaries(tmp_path, network, period, value, level):
    cat = _catalogue(tmp_path, network, ("d", BY_DEKAD))
    f = _run(tmp_path, network, cat, value, period)["d"]
    assert f.raw_level == level
    assert f.thresholds[0]["applies_to"] == ("dekad 32" if period == "2026-11-d2" else "dekad 14")


def test_month_table_in_a_dekad_bulletin_uses_the_month(tmp_path, network):
    cat = _catalogue(tmp_path, network, ("m", 'thresholds_by_period: {resolution: month, table: '
                                              '{"1-10": {watch: 50}, 11: {watch: 26}, 12: {watch: 50}}}'))
    f = _run(tmp_path, network, cat, 25)["m"]
    assert (f.raw_level, f.thresholds[0]["value"], f.thresholds[0]["applies_to"]) == ("watch", 26.0, "month 11")


@pytest.mark.parametrize(("table", "message"), [
    ('{"1-30": {watch: 30}, "33-35": {watch: 30}}',
     "thresholds_by_period.table: every dekad of the year needs thresholds; missing: 31-32, 36"),
    ('{"1-36": {watch: 30}, 5: {watch: 20}}', "thresholds_by_period.table.5: dekad(s) 5 given twice"),
    ('{"1-37": {watch: 30}}', "thresholds_by_period.table.1-37: '1-37' is not a dekad of the year 1-36"),
    ('{"1-35": {watch: 30}, 36: {watch: 20, alert: 30}}',
     "thresholds_by_period.table.36: with operator '<' the values must decrease from watch to alert: [20.0, 30.0]"),
])
def test_bad_period_tables_are_reported(tmp_path, network, table, message):
    with pytest.raises(ConfigError) as err:
        _catalogue(tmp_path, network, ("d", f"thresholds_by_period: {{resolution: dekad, table: {table}}}"))
    assert f"indicators[0](d).{message}" in str(err.value)


def test_bad_seasonal_thresholds_are_reported(tmp_path, network):
    with pytest.raises(ConfigError) as err:
        _catalogue(tmp_path, network, ("s", "thresholds: {gs: {watch: 100, alert: 150}, winter: {watch: 1}}"))
    text = str(err.value)
    assert "indicators[0](s).thresholds.gs: with operator '<' the values must decrease" in text
    assert "indicators[0](s).thresholds.winter: seasonal thresholds have the keys gs and ngs, not 'winter'" in text
    assert "indicators[0](s).thresholds.ngs: seasonal thresholds need both gs and ngs; ngs is missing" in text


# ---- relative thresholds --------------------------------------------------------------------

@pytest.mark.parametrize(("value", "level"), [
    (40, "normal"), (39.99, "watch"), (25, "watch"), (24.99, "alert"),
])
def test_thresholds_relative_to_the_norm(tmp_path, network, value, level):
    # norm 50: watch below 80 % = 40, alert below 50 % = 25
    cat = _catalogue(tmp_path, network, ("n", "relative_to: norm, thresholds: {watch: 80, alert: 50}"))
    f = _run(tmp_path, network, cat, value)["n"]
    assert f.raw_level == level
    assert f.thresholds == [
        {"level": "watch", "operator": "<", "value": 40.0, "unit": "m3/s", "relative_to": "norm", "relative_value": 80.0},
        {"level": "alert", "operator": "<", "value": 25.0, "unit": "m3/s", "relative_to": "norm", "relative_value": 50.0}]


@pytest.mark.parametrize(("value", "level"), [
    (50, "normal"), (49.99, "watch"), (25.01, "watch"), (24.99, "warning"), (15.01, "warning"), (14.99, "alert"),
])
def test_thresholds_as_percentiles_of_the_reference(tmp_path, network, value, level):
    # P50 = 50, P25 = 25, P15 = 15 (10 + (0.15 - 0.10) / 0.10 x 10)
    cat = _catalogue(tmp_path, network, ("p", "relative_to: percentile, thresholds: {watch: 50, warning: 25, alert: 15}"))
    f = _run(tmp_path, network, cat, value)["p"]
    assert f.raw_level == level
    assert [t["value"] for t in f.thresholds] == pytest.approx([50.0, 25.0, 15.0])
    assert [t["relative_value"] for t in f.thresholds] == [50.0, 25.0, 15.0]
    assert {t["relative_to"] for t in f.thresholds} == {"percentile"}


def test_a_relative_threshold_without_a_reference_is_no_data(tmp_path, network):
    # with min_years 10 the 9 reference years give no norm: no_data, never normal
    cat = _catalogue(tmp_path, network, ("n", "relative_to: norm, thresholds: {watch: 80}"))
    cat = type(cat)(**{**cat.__dict__, "settings": type(cat.settings)(
        cat.settings.reference, cat.settings.min_coverage, 10, cat.settings.category_edges)})
    f = _run(tmp_path, network, cat, 1)["n"]
    assert f.level == "no_data" and "no_reference" in f.notes
    assert f.thresholds[0]["value"] is None


def test_relative_thresholds_per_season(tmp_path, network):
    cat = _catalogue(tmp_path, network, ("n", "relative_to: norm, thresholds: {gs: {watch: 90}, ngs: {watch: 60}}"))
    f = _run(tmp_path, network, cat, 29.99)["n"]  # ngs: 60 % of 50 = 30
    assert (f.raw_level, f.thresholds[0]["value"], f.thresholds[0]["applies_to"]) == ("watch", 30.0, "ngs")


@pytest.mark.parametrize(("extra", "message"), [
    ("relative_to: median, thresholds: {watch: 80}", "relative_to: 'median' must be norm or percentile"),
    ("relative_to: percentile, thresholds: {watch: 100}", "thresholds.watch: 100: a percentile is between 0 and 100"),
    ("relative_to: norm, thresholds: {watch: -5}", "thresholds.watch: -5: a share of the norm is >= 0"),
])
def test_bad_relative_thresholds(tmp_path, network, extra, message):
    with pytest.raises(ConfigError) as err:
        _catalogue(tmp_path, network, ("r", extra))
    assert f"indicators[0](r).{message}" in str(err.value)
