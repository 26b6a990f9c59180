"""Withdrawals against the ICWC seasonal limits, and changes against an earlier period:
catalogue, evaluation and sentences on hand-made data, every figure computed by hand."""

import math
import textwrap

import pytest

from bulletin.catalogue import load_catalogue
from bulletin.document.findings import finding_row
from bulletin.errors import ConfigError
from bulletin.evaluate import evaluate
from bulletin.ingest import read_observations
from bulletin.methods import projected_use_at_pace
from bulletin.periods import Period, parse_period
from bulletin.qc import run_qc

from .conftest import say, write_csv

HEAD = """
catalogue: {id: t, version: "1", status: sample, title: {en: T, ru: Т}}
settings: {reference_period: 2023-2024, min_years: 2}
rules:
  - {id: R1, version: "1", title: {en: R, ru: Р}, agreement: {document: {en: Doc, ru: Док}}}
indicators:
"""

# Tajikistan, non-growing season 2026/27 (1 October 2026 - 31 March 2027, 182 days): a limit of
# 0.365 km3 = 365 Mm3 (the 2025/26 ICWC limit)
WITHDRAWAL = """
  - {id: w, name: {en: W, ru: В}, station: withdrawals_tj, variable: withdrawal, method: withdrawal_limit,
     projection: PROJECTION, limits: {2026/27-ngs: {value: 0.365, unit: km3}, 2026-gs: {value: 10, unit: Mm3}},
     season: all, unit: "%", operator: ">", thresholds: {watch: 95, warning: 100, alert: 110}, rule: R1}
"""

# dekad means [m3/s]: 30 in October (10 + 10 + 11 days), 20 in the first dekad of November
SEASON = {"2026-10-d1": 30, "2026-10-d2": 30, "2026-10-d3": 30, "2026-11-d1": 20}


def _catalogue(tmp_path, network, text):
    p = tmp_path / "cat.yaml"
    p.write_text(textwrap.dedent(HEAD + text), encoding="utf-8")
    return load_catalogue(p, network)


def _dekads(year_from, year_to):
    """Every dekad from January of year_from to December of year_to."""
    p, out = Period.dekad(year_from, 1, 1), []
    while p.start.year <= year_to:
        out.append(p)
        p = p.shift(1)
    return out


def _evaluate(tmp_path, network, cat, values, period, station="withdrawals_tj", variable="withdrawal"):
    rows = [(station, variable, parse_period(k).end.isoformat() if isinstance(k, str) else k.end.isoformat(), v,
             "m3/s", "dekad") for k, v in values.items() if v is not None]
    obs = read_observations([write_csv(tmp_path / "o.csv", rows, header="station,variable,date,value,unit,resolution")],
                            network)
    return evaluate(cat, network, obs, run_qc(obs, network), parse_period(period))[0]


@pytest.mark.parametrize(("rate", "projected", "level"), [
    # used: (30 x 31 + 20 x 10 + rate x 10) x 0.0864; days left after 20 November: 131
    (20, (1130 + 200) * 0.0864 + 20 * 131 * 0.0864, "normal"),   # 341.28 Mm3, 93.50 %
    (25, (1130 + 250) * 0.0864 + 25 * 131 * 0.0864, "alert"),    # 402.19 Mm3, 110.19 %
])
def test_use_projected_at_the_rate_of_the_period(tmp_path, network, rate, projected, level):
    cat = _catalogue(tmp_path, network, WITHDRAWAL.replace("PROJECTION", "rate"))
    f = _evaluate(tmp_path, network, cat, {**SEASON, "2026-11-d2": rate}, "2026-11-d2")
    w = f.details.as_json()
    used = (1130 + rate * 10) * 0.0864
    assert w["season"] == "2026/27-ngs" and w["since"] == "2026-10-d1" and w["season_end"] == "2027-03-31"
    assert w["limit"] == pytest.approx(365.0) and w["limit_as_agreed"] == {"value": 0.365, "unit": "km3"}
    assert w["used"] == pytest.approx(used) and w["used_pct"] == pytest.approx(100 * used / 365)
    assert w["rate"] == pytest.approx(rate) and w["projection"] == "rate"
    assert w["projected"] == pytest.approx(projected)
    assert f.indicator_value == pytest.approx(100 * projected / 365) and f.indicator_unit == "%"
    assert f.raw_level == level


def test_the_rate_projection_crosses_the_thresholds_where_computed(tmp_path, network):
    cat = _catalogue(tmp_path, network, WITHDRAWAL.replace("PROJECTION", "rate"))
    # 22 m3/s: (1350 + 2882) x 0.0864 = 365.6448 Mm3 = 100.18 % of 365: warning (above 100)
    f = _evaluate(tmp_path, network, cat, {**SEASON, "2026-11-d2": 22}, "2026-11-d2")
    assert f.details.as_json()["projected"] == pytest.approx(365.6448)
    assert f.raw_level == "warning"
    # 21.9 m3/s: (1349 + 2868.9) x 0.0864 = 364.43 Mm3 = 99.84 %: watch (above 95)
    f = _evaluate(tmp_path, network, cat, {**SEASON, "2026-11-d2": 21.9}, "2026-11-d2")
    assert f.details.as_json()["projected_pct"] == pytest.approx(100 * (1349 + 2868.9) * 0.0864 / 365)
    assert f.raw_level == "watch"


def test_use_projected_at_the_season_pace_against_the_norms(tmp_path, network):
    cat = _catalogue(tmp_path, network, WITHDRAWAL.replace("PROJECTION", "pace"))
    # reference 2023-2024: 10 m3/s in every dekad, so the norm of every dekad is 10 m3/s
    values = {p: 10 for p in _dekads(2023, 2024)}
    values.update({**SEASON, "2026-11-d2": 20})
    f = _evaluate(tmp_path, network, cat, values, "2026-11-d2")
    used = 1330 * 0.0864  # 114.912 Mm3
    # a normal season withdraws 10 x 51 d by 20 November and 10 x 182 d in all: it ends at 182/51 of its use
    projected = used * 182 / 51  # 410.08 Mm3
    assert f.details.as_json()["projection"] == "pace"
    assert f.details.as_json()["projected"] == pytest.approx(projected)
    assert f.indicator_value == pytest.approx(100 * projected / 365)  # 112.35 %
    assert f.raw_level == "alert"
    assert projected_use_at_pace(used, 10 * 51 * 0.0864, 10 * 182 * 0.0864) == pytest.approx(projected)
    assert math.isnan(projected_use_at_pace(used, 0.0, 100.0))


def test_a_season_without_a_limit_or_with_a_hole_is_no_data(tmp_path, network):
    cat = _catalogue(tmp_path, network, WITHDRAWAL.replace("PROJECTION", "rate"))
    f = _evaluate(tmp_path, network, cat, {"2027-04-d1": 5}, "2027-04-d1")
    assert f.level == "no_data" and "no_limit" in f.notes and f.details.season == "2027-gs"
    holed = {**SEASON, "2026-10-d2": None, "2026-11-d2": 20}
    f = _evaluate(tmp_path, network, cat, holed, "2026-11-d2")
    assert f.level == "no_data" and "season_incomplete" in f.notes and f.details.as_json()["used"] is None
    sentence = say("en", finding_row(f, cat.indicators[0], network).sentence)
    assert sentence == ("W: 20 m³/s; the volume used since the season started is not known, because a period of "
                        "the season has no data. The level in the 1st dekad of October 2026, the last with data, was alert.")


def test_a_new_season_starts_afresh(tmp_path, network):
    cat = _catalogue(tmp_path, network, WITHDRAWAL.replace("PROJECTION", "rate"))
    # the growing season 2026 far above its limit of 10 Mm3: alert; October starts a new season
    values = {p: 50 for p in _dekads(2026, 2026) if 4 <= p.start.month <= 9}
    values[parse_period("2026-10-d1")] = 20
    sept = _evaluate(tmp_path, network, cat, values, "2026-09-d3")
    assert sept.level == "alert"
    october = _evaluate(tmp_path, network, cat, values, "2026-10-d1")
    # 20 m3/s over the 182 days of the season: 20 x 182 x 0.0864 = 314.5 Mm3 = 86.2 % of 365
    assert october.details.as_json()["projected"] == pytest.approx(20 * 182 * 0.0864)
    assert october.level == "normal" and october.raw_level == "normal"


def test_the_withdrawal_sentence(tmp_path, network):
    cat = _catalogue(tmp_path, network, WITHDRAWAL.replace("PROJECTION", "rate"))
    f = _evaluate(tmp_path, network, cat, {**SEASON, "2026-11-d2": 25}, "2026-11-d2")
    row = finding_row(f, cat.indicators[0], network)
    # used 119.232 Mm3 = 32.67 % of 365; projected 402.192 Mm3 = 110.19 %
    assert say("en", row.sentence) == (
        "W: 25 m³/s; 119 million m³ used since the season started, 33% of the limit of 365 million m³ for the "
        "non-growing season 2026/27; at this period's rate 402 million m³ by its end, 110% of the limit; alert, "
        "above 110% of the limit by the end of the season.")
    ru = say("ru", row.sentence)
    assert "119 млн м³" in ru and "365 млн м³" in ru and "402 млн м³" in ru


def test_withdrawal_catalogue_errors_are_reported_together(tmp_path, network):
    bad = """
  - {id: a, name: {en: A, ru: А}, station: withdrawals_tj, variable: discharge, method: withdrawal_limit,
     limits: {2026-ngs: {value: 1, unit: km3}, 2026-gs: {value: 1, unit: m3/s}, 2027-gs: {value: -1, unit: km3},
              2028-gs: 5},
     projection: linear, season: all, unit: "%", operator: ">", thresholds: {alert: 110}, rule: R1}
  - {id: b, name: {en: B, ru: Б}, station: withdrawals_tj, variable: withdrawal, method: threshold,
     limits: {2026-gs: {value: 1, unit: km3}}, projection: rate, season: all, unit: m3/s, operator: ">",
     thresholds: {alert: 10}, rule: R1}
  - {id: c, name: {en: C, ru: С}, station: withdrawals_tj, variable: withdrawal, method: withdrawal_limit,
     season: all, unit: "%", operator: ">", thresholds: {alert: 110}, rule: R1}
"""
    with pytest.raises(ConfigError) as err:
        _catalogue(tmp_path, network, bad)
    text = str(err.value)
    for expected in (
        "indicators[0](a).variable: a withdrawal_limit indicator reads the variable 'withdrawal', not 'discharge'",
        "indicators[0](a).limits.2026-ngs: '2026-ngs' is not a season; write a growing season as 2026-gs",
        "indicators[0](a).limits.2026-gs.unit: 'm3/s' is not a volume unit",
        "indicators[0](a).limits.2027-gs.value: -1 must be a volume > 0",
        "indicators[0](a).limits.2028-gs: a limit is {value: <volume>, unit: <volume unit>}",
        "indicators[0](a).projection: 'linear' must be rate",
        "indicators[1](b).limits: only the withdrawal_limit method takes 'limits'",
        "indicators[1](b).projection: only the withdrawal_limit method takes 'projection'",
        "indicators[2](c).limits: give the seasonal limits",
    ):
        assert expected in text, expected


def test_the_sample_catalogue_carries_the_2025_icwc_limits(network):
    cat = load_catalogue(None, network)
    by_id = {i.id: i for i in cat.indicators}
    # growing season 2025 / non-growing season 2025/26 (ICWC): UZ 8.8 / 3.34, TJ 1.9 / 0.365,
    # KZ (Dustlik canal) 0.909 / 0.460, KG 0.27 / 0.047 km3
    for key, gs, ngs in (("uz", 8800, 3340), ("tj", 1900, 365), ("kz_dustlik", 909, 460), ("kg", 270, 47)):
        ind = by_id[f"withdrawal_limit_{key}"]
        assert ind.params.limit_for("2025-gs").value == pytest.approx(gs)
        assert ind.params.limit_for("2025/26-ngs").value == pytest.approx(ngs)
        assert network[ind.station].kind == "intake"


# ---- change against an earlier period ---------------------------------------------------------

CHANGE = """
  - {id: c, name: {en: C, ru: С}, station: shardara, variable: inflow, method: change, against: AGAINST,
     season: all, unit: UNIT, operator: ">", thresholds: {watch: WATCH, alert: ALERT}, rule: R1}
"""


@pytest.mark.parametrize(("against", "unit", "watch", "alert", "expected", "level"), [
    ("last_year", "%", 20, 60, 50.0, "watch"),  # 150 against 100 last year: +50 %
    ("previous", "%", 20, 60, 25.0, "watch"),  # 150 against 120 in the dekad before: +25 %
    ("previous", "m3/s", 20, 25, 30.0, "alert"),  # +30 m3/s
    ("last_year", "%", 60, 80, 50.0, "normal"),
])
def test_change_against_an_earlier_period(tmp_path, network, against, unit, watch, alert, expected, level):
    text = (CHANGE.replace("AGAINST", against).replace("UNIT", f'"{unit}"').replace("WATCH", str(watch))
            .replace("ALERT", str(alert)))
    cat = _catalogue(tmp_path, network, text)
    values = {"2025-11-d2": 100, "2026-11-d1": 120, "2026-11-d2": 150}
    f = _evaluate(tmp_path, network, cat, values, "2026-11-d2", station="shardara", variable="inflow")
    assert f.indicator_value == pytest.approx(expected) and f.indicator_unit == unit
    assert f.raw_level == level


def test_change_without_the_earlier_value_is_no_data(tmp_path, network):
    text = CHANGE.replace("AGAINST", "last_year").replace("UNIT", '"%"').replace("WATCH", "20").replace("ALERT", "60")
    cat = _catalogue(tmp_path, network, text)
    f = _evaluate(tmp_path, network, cat, {"2026-11-d2": 150}, "2026-11-d2", station="shardara", variable="inflow")
    assert f.level == "no_data" and "no_earlier_value" in f.notes
    with pytest.raises(ConfigError, match=r"indicators\[0\]\(c\)\.against: 'lastyear' must be previous .*"
                                          r"perhaps you meant 'last_year'|did you mean 'last_year'"):
        _catalogue(tmp_path, network, CHANGE.replace("AGAINST", "lastyear").replace("UNIT", '"%"')
                   .replace("WATCH", "20").replace("ALERT", "60"))


def test_the_change_sentence_is_signed(tmp_path, network):
    text = CHANGE.replace("AGAINST", "last_year").replace("UNIT", '"%"').replace("WATCH", "20").replace("ALERT", "60")
    cat = _catalogue(tmp_path, network, text)
    values = {"2025-11-d2": 100, "2026-11-d2": 150}
    f = _evaluate(tmp_path, network, cat, values, "2026-11-d2", station="shardara", variable="inflow")
    assert say("en", finding_row(f, cat.indicators[0], network).sentence) == (
        "C: 150 m³/s, +50% against the same period last year (100 m³/s); watch, a change above +20% against the "
        "same period last year.")
