"""Methods and evaluation exactly at the threshold boundaries, on hand-made data."""

import math
import textwrap
from dataclasses import replace

import pytest

from bulletin.catalogue import load_catalogue
from bulletin.evaluate import evaluate
from bulletin.ingest import read_observations
from bulletin.methods import Note, category_level, percent_of_norm, threshold_level
from bulletin.periods import parse_period
from bulletin.qc import run_qc

from .conftest import daily_rows, say, write_csv

T = {"watch": 11.0, "warning": 10.0, "alert": 9.0}


@pytest.mark.parametrize(("value", "level"), [
    (11.0, "normal"), (10.999, "watch"), (10.0, "watch"), (9.999, "warning"), (9.0, "warning"),
    (8.999, "alert"), (float("nan"), "no_data"),
])
def test_threshold_level_below_is_strict(value, level):
    assert threshold_level(value, T, "<") == level


@pytest.mark.parametrize(("value", "level"), [
    (599, "normal"), (600, "watch"), (639.9, "watch"), (640, "warning"), (742, "warning"), (743, "alert"),
])
def test_threshold_level_at_or_above(value, level):
    assert threshold_level(value, {"watch": 600, "warning": 640, "alert": 743}, ">=") == level


def test_threshold_level_with_only_some_levels():
    assert threshold_level(29.9, {"alert": 30}, "<") == "alert"
    assert threshold_level(30.0, {"alert": 30}, "<") == "normal"


def test_percent_of_norm_and_category_level():
    assert percent_of_norm(70.0, 100.0) == 70.0
    assert math.isnan(percent_of_norm(5.0, 0.0))
    mapping = {"low": "warning", "below_normal": "watch", "normal": "normal", "above_normal": "normal", "high": "watch"}
    assert category_level("low", mapping) == "warning"
    assert category_level("no_data", mapping) == "no_data"


CATALOGUE = """
catalogue: {id: t, version: "1", status: sample, title: {en: T, ru: Т}}
settings: {reference_period: 1991-2020, min_coverage: {dekad: 0.7, month: 0.5}, min_years: 10}
rules:
  - {id: R1, version: "1", title: {en: R, ru: Р}, agreement: {document: {en: Doc, ru: Док}}}
indicators:
  - {id: vol, name: {en: V, ru: В}, station: toktogul, variable: volume, method: threshold, season: all,
     unit: km3, operator: "<", thresholds: {watch: 11, warning: 10, alert: 9}, rule: R1}
  - {id: pct, name: {en: P, ru: П}, station: andijan, variable: inflow, method: percent_of_norm, season: all,
     unit: "%", operator: "<", thresholds: {watch: 80, warning: 70, alert: 60}, rule: R1}
  - {id: fill, name: {en: F, ru: Н}, station: shardara, variable: inflow, minus: release, method: difference,
     season: ngs, unit: m3/s, operator: ">", thresholds: {watch: 200, warning: 350, alert: 600}, rule: R1}
  - {id: gap, name: {en: G, ru: Г}, station: keles_mouth, variable: discharge, method: threshold, season: all,
     unit: m3/s, operator: "<", thresholds: {alert: 5}, rule: R1}
  - {id: aral, name: {en: A, ru: А}, station: syrdarya_karateren, variable: discharge, method: threshold,
     season: gs, unit: m3/s, operator: "<", thresholds: {alert: 30}, rule: R1}
"""


def _volume(day):
    # Nov d2 of 1991-2020: 10000 + 10 (year - 1991) Mm3 -> norm 10145; 2025: 12000; 2026: 9000 (= 9 km3)
    if day.month != 11 or day.day > 20:
        return None
    if day.day <= 10:
        return 9500 if day.year == 2026 else 11000
    return {2025: 12000, 2026: 9000}.get(day.year, 10000 + 10 * (day.year - 1991))


@pytest.fixture()
def findings(tmp_path, network):
    cat_path = tmp_path / "cat.yaml"
    cat_path.write_text(textwrap.dedent(CATALOGUE), encoding="utf-8")
    rows = daily_rows("toktogul", "volume", "Mm3", "1991-11-01", "2026-11-20", _volume)
    rows += daily_rows("andijan", "inflow", "m3/s", "1991-11-01", "2026-11-20",
                       lambda d: None if d.month != 11 or d.day > 20 else (70 if d.year == 2026 else 100))
    rows += daily_rows("shardara", "inflow", "m3/s", "1991-11-01", "2026-11-20",
                       lambda d: None if d.month != 11 or d.day > 20 else 850)
    rows += daily_rows("shardara", "release", "m3/s", "1991-11-01", "2026-11-20",
                       lambda d: None if d.month != 11 or d.day > 20 else 500)
    # keles: 6 of the 10 days of 2026-11-d2, far below the threshold
    rows += daily_rows("keles_mouth", "discharge", "m3/s", "2026-11-11", "2026-11-16", lambda d: 1.0)
    data = write_csv(tmp_path / "obs.csv", rows)
    cat = load_catalogue(cat_path, network)
    obs = read_observations([data], network)
    out = evaluate(cat, network, obs, run_qc(obs, network), parse_period("2026-11-d2"))
    return {f.indicator: f for f in out}


def test_volume_exactly_at_the_critical_volume_is_warning_not_alert(findings):
    f = findings["vol"]
    assert f.value == pytest.approx(9.0) and f.unit == "km3"
    assert f.level == "warning"
    assert f.norm == pytest.approx(10.145)
    assert f.pct_of_norm == pytest.approx(9000 / 10145 * 100)
    assert f.percentile == pytest.approx(100 / 31)  # below the whole 30-year record
    assert f.category == "low"
    assert f.last_year == pytest.approx(12.0)
    assert f.previous_period == pytest.approx(9.5)
    assert f.coverage == 1.0
    assert f.rule["id"] == "R1"


def test_the_threshold_sentence_gives_the_share_of_the_norm(findings, network):
    # as a minister reads it: "Toktogul holds 8.4 km3, 71 % of norm for this dekad, below the critical 9 km3"
    from bulletin.catalogue import Indicator
    from bulletin.document.findings import finding_row
    from bulletin.methods import METHODS

    f = findings["vol"]
    ind = Indicator("vol", {"en": "V", "ru": "В"}, "toktogul", "volume", METHODS["threshold"], "all", None, unit="km3",
                    operator="<")
    # 9000 / 10145 = 88.7 % of the norm; 9.00 km3 is not below 9, so the warning condition (below 10) applies
    assert say("en", finding_row(f, ind, network).sentence) == (
        "V: 9.00 km³ (last year 12.00 km³), 89% of norm; warning, below 10 km³.")
    assert say("ru", finding_row(f, ind, network).sentence) == (
        "В: 9,00 км³ (в прошлом году 12,00 км³), 89 % нормы; предупреждение: ниже 10 км³.")


def test_percent_of_norm_exactly_at_seventy_is_watch(findings):
    f = findings["pct"]
    assert f.indicator_value == pytest.approx(70.0)
    assert f.level == "watch"
    assert f.value == pytest.approx(70.0) and f.unit == "m3/s"


def test_difference_of_inflow_and_release(findings):
    f = findings["fill"]
    assert f.value == pytest.approx(350.0)
    assert f.level == "watch"  # 350 is not > 350
    assert f.variable == "inflow-release"


def test_incomplete_period_is_no_data_never_normal(findings):
    f = findings["gap"]
    assert f.level == "no_data"
    assert f.value is None
    assert f.coverage == pytest.approx(0.6)


def test_out_of_season_indicator_is_not_evaluated(findings):
    assert "aral" not in findings


def test_findings_carry_raw_level_and_state(findings):
    # Nov d1 and d2 of 2026 are both warning (9.5 and 9.0 km3); the dekads before have no data
    assert (findings["vol"].raw_level, findings["vol"].level, findings["vol"].state) == ("warning", "warning", "continuing")
    assert (findings["pct"].raw_level, findings["pct"].state) == ("watch", "continuing")
    assert (findings["gap"].raw_level, findings["gap"].level, findings["gap"].state) == ("no_data", "no_data", None)


# ---- alert state across consecutive bulletins ----------------------------------------------------

STATE_CATALOGUE = """
catalogue: {id: t, version: "1", status: sample, title: {en: T, ru: Т}}
settings: {reference_period: 1991-2020, deescalation_periods: 2}
rules:
  - {id: R1, version: "1", title: {en: R, ru: Р}, agreement: {document: {en: Doc, ru: Док}}}
indicators:
  - {id: vol, name: {en: V, ru: В}, station: toktogul, variable: volume, method: threshold, season: all,
     unit: km3, operator: "<", thresholds: {watch: 11, warning: 10, alert: 9}, rule: R1}
  - {id: winter, name: {en: W, ru: З}, station: toktogul, variable: volume, method: threshold, season: ngs,
     unit: km3, operator: "<", thresholds: {watch: 11, warning: 10, alert: 9}, rule: R1}
  - {id: fill, name: {en: P, ru: Н}, station: toktogul, variable: volume, method: reservoir_fill, season: all,
     unit: "%", operator: "<", thresholds: {watch: 50, warning: 35, alert: 25}, rule: R1}
"""

# 'vol' coming down after one period instead of two: the same series in the same way, so another
# catalogue (one catalogue may not hold both, as they would be two versions valid at the same time)
FAST_CATALOGUE = STATE_CATALOGUE.split("indicators:")[0] + """indicators:
  - {id: fast, name: {en: F, ru: Б}, station: toktogul, variable: volume, method: threshold, season: all,
     unit: km3, operator: "<", thresholds: {watch: 11, warning: 10, alert: 9}, rule: R1, deescalation_periods: 1}
"""

# Toktogul volume per dekad of 2026 [Mm3] and its raw level (< 11 / 10 / 9 km3); 11-d2 is missing
DEKADS = [("09-d2", 8500, "alert"), ("09-d3", 8500, "alert"), ("10-d1", 10500, "watch"),
          ("10-d2", 9500, "warning"), ("10-d3", 10500, "watch"), ("11-d1", 10500, "watch"),
          ("11-d2", None, "no_data"), ("11-d3", 11500, "normal"), ("12-d1", 11500, "normal"),
          ("12-d2", 11500, "normal")]


def _dekad_end(label):
    from bulletin.periods import parse_period

    return parse_period(f"2026-{label}").end.isoformat()


@pytest.fixture()
def state_run(tmp_path, network):
    cats = []
    for name, text in (("cat.yaml", STATE_CATALOGUE), ("fast.yaml", FAST_CATALOGUE)):
        (tmp_path / name).write_text(textwrap.dedent(text), encoding="utf-8")
        cats.append(load_catalogue(tmp_path / name, network))

    def evaluate_at(label, last=None):
        """Findings of 2026-``label`` by indicator, from the dekads up to ``last`` (all by default)."""
        rows = [("toktogul", "volume", _dekad_end(d), v, "Mm3", "dekad") for d, v, _ in DEKADS
                if v is not None and (last is None or _dekad_end(d) <= _dekad_end(last))]
        data = write_csv(tmp_path / f"obs-{last}.csv", rows, header="station,variable,date,value,unit,resolution")
        obs = read_observations([data], network)
        return {f.indicator: f for cat in cats for f in evaluate(cat, network, obs, run_qc(obs, network),
                                                                 parse_period(f"2026-{label}"))}

    return evaluate_at


def test_state_through_a_season_of_bulletins(state_run):
    # (raw level, effective level, state) of each bulletin with N = 2 and with N = 1
    expected = {
        "09-d2": ("alert", "alert", "new", "alert", "new"),
        "09-d3": ("alert", "alert", "continuing", "alert", "continuing"),
        "10-d1": ("watch", "alert", "continuing", "watch", "de-escalated"),  # one dekad lower: kept
        "10-d2": ("warning", "warning", "de-escalated", "warning", "escalated"),  # two: down to the higher
        "10-d3": ("watch", "warning", "continuing", "watch", "de-escalated"),
        "11-d1": ("watch", "watch", "de-escalated", "watch", "continuing"),
        "11-d2": ("no_data", "no_data", None, "no_data", None),  # no data: no level, no state
        "11-d3": ("normal", "watch", "continuing", "normal", "ended"),  # the gap does not count
        "12-d1": ("normal", "normal", "ended", "normal", None),
        "12-d2": ("normal", "normal", None, "normal", None),
    }
    for label, (raw, level, state, fast_level, fast_state) in expected.items():
        f = state_run(label)
        assert (f["vol"].raw_level, f["vol"].level, f["vol"].state) == (raw, level, state), label
        assert (f["fast"].raw_level, f["fast"].level, f["fast"].state) == (raw, fast_level, fast_state), label


def test_a_level_in_force_is_stated_when_the_data_stop(state_run, network):
    # 11-d2 has no data; the effective level of 11-d1 was watch (N = 2: 10-d3 watch, 11-d1 watch)
    f = state_run("11-d2")
    assert f["vol"].level == "no_data" and f["vol"].level_in_force == {"level": "watch", "period": "2026-11-d1"}
    assert f["fast"].level_in_force == {"level": "watch", "period": "2026-11-d1"}
    # a level that had come down to normal is not carried: no level in force
    assert state_run("12-d2")["vol"].level_in_force is None
    from bulletin.catalogue import Indicator
    from bulletin.document.findings import finding_row
    from bulletin.methods import METHODS

    ind = Indicator("vol", {"en": "V", "ru": "В"}, "toktogul", "volume", METHODS["threshold"], "all", None, unit="km3",
                    operator="<")
    row = finding_row(f["vol"], ind, network)
    assert say("en", row.sentence) == (
        "V: no data for this period (0% of days present). The level in the 1st dekad of November 2026, the last "
        "with data, was watch.")
    assert say("ru", row.sentence).endswith(
        "Уровень в первой декаде ноября 2026 г. (последний период с данными): «внимание».")
    assert say("en", row.raw_text) == "last with data: watch"


def test_a_seasonal_indicator_restarts_with_its_season(state_run):
    # September (growing season) was at alert; the non-growing season starts afresh in October
    assert "winter" not in state_run("09-d3")
    f = state_run("10-d1")
    assert (f["winter"].level, f["winter"].state) == ("watch", "new")
    assert (state_run("10-d2")["winter"].level, state_run("10-d2")["winter"].state) == ("warning", "escalated")


def test_an_old_period_issued_again_gives_the_same_state(state_run):
    # the state comes from the data history, so later data do not change an earlier bulletin
    for label in ("10-d1", "10-d3", "11-d1"):
        now, then = state_run(label), state_run(label, last=label)
        assert {k: (f.level, f.state, f.raw_level) for k, f in now.items()} == \
               {k: (f.level, f.state, f.raw_level) for k, f in then.items()}, label


def test_reservoir_fill_is_a_share_of_the_useful_volume(state_run):
    # Toktogul: dead 5,500 Mm3, total 19,500 Mm3 (network); 10,500 Mm3 is 5,000 / 14,000 = 35.7 %
    f = state_run("10-d1")["fill"]
    assert f.value == pytest.approx(10500.0) and f.unit == "Mm3"
    assert f.indicator_value == pytest.approx(5000 / 14000 * 100) and f.indicator_unit == "%"
    assert f.raw_level == "watch"  # not below 35 %
    f = state_run("09-d2")["fill"]  # 8,500 Mm3: 21.4 % < 25 %
    assert f.indicator_value == pytest.approx(3000 / 14000 * 100) and f.level == "alert"


def test_hydrograph_thresholds_only_where_the_indicator_applies(tmp_path, network):
    """A growing-season indicator draws no threshold in October-March of the hydrograph."""
    from bulletin.products import hydrograph
    from bulletin.series import SeriesStore

    cat_path = tmp_path / "cat.yaml"
    cat_path.write_text(textwrap.dedent(CATALOGUE), encoding="utf-8")
    cat = load_catalogue(cat_path, network)
    rows = daily_rows("syrdarya_karateren", "discharge", "m3/s", "2025-10-01", "2026-09-30", lambda d: 50.0)
    obs = read_observations([write_csv(tmp_path / "k.csv", rows)], network)
    aral = next(i for i in cat.indicators if i.id == "aral")  # season gs, alert below 30 m3/s
    fig = hydrograph(aral, SeriesStore(obs, cat.settings), parse_period("2026-09-d3"), network)
    (level, values), = fig.thresholds
    months = [p.start.month for p in fig.periods]
    assert level == "alert"
    assert all(v is None for v, m in zip(values, months, strict=True) if m in (10, 11, 12, 1, 2, 3))
    assert all(v == pytest.approx(30.0) for v, m in zip(values, months, strict=True) if 4 <= m <= 9)


RESERVOIR_CATALOGUE = """
catalogue: {id: t, version: "1", status: sample, title: {en: T, ru: Т}}
settings: {reference_period: 1991-2020}
rules:
  - {id: R1, version: "1", title: {en: R, ru: Р}, agreement: {document: {en: Doc, ru: Док}}}
indicators:
  - {id: days, name: {en: D, ru: Д}, station: toktogul, variable: volume, method: days_of_release_left,
     season: all, unit: d, operator: "<", thresholds: {watch: 150, warning: 120, alert: 90}, rule: R1}
  - {id: margin, name: {en: M, ru: М}, station: toktogul, variable: volume, method: margin_above_dead,
     season: all, unit: km3, operator: "<", thresholds: {watch: 5, warning: 4, alert: 3}, rule: R1}
"""


@pytest.mark.parametrize(("release", "inflow", "days", "level"), [
    # Toktogul: 9,836 Mm3 at the end of the dekad, dead volume 5,500 Mm3 (network file): 4,336 Mm3 to release
    (587.0, 126.0, 4336 / (461 * 0.0864), "warning"),  # 108.86 d
    (400.0, 126.0, 4336 / (274 * 0.0864), "normal"),  # 183.2 d
    (800.0, 100.0, 4336 / (700 * 0.0864), "alert"),  # 71.7 d
])
def test_days_of_release_left_and_margin_above_dead(tmp_path, network, release, inflow, days, level):
    cat_path = tmp_path / "cat.yaml"
    cat_path.write_text(textwrap.dedent(RESERVOIR_CATALOGUE), encoding="utf-8")
    cat = load_catalogue(cat_path, network)
    end = parse_period("2026-11-d2").end.isoformat()
    rows = [("toktogul", "volume", end, 9836, "Mm3", "dekad"), ("toktogul", "release", end, release, "m3/s", "dekad"),
            ("toktogul", "inflow", end, inflow, "m3/s", "dekad")]
    obs = read_observations([write_csv(tmp_path / "r.csv", rows, header="station,variable,date,value,unit,resolution")],
                            network)
    f = {x.indicator: x for x in evaluate(cat, network, obs, run_qc(obs, network), parse_period("2026-11-d2"))}
    assert f["days"].indicator_value == pytest.approx(days) and f["days"].indicator_unit == "d"
    assert f["days"].raw_level == level
    # margin: 9,836 - 5,500 = 4,336 Mm3 = 4.336 km3: below 5 (watch), not below 4
    assert f["margin"].indicator_value == pytest.approx(4.336) and f["margin"].raw_level == "watch"


def test_a_reservoir_that_fills_has_no_days_left_to_count(tmp_path, network):
    cat_path = tmp_path / "cat.yaml"
    cat_path.write_text(textwrap.dedent(RESERVOIR_CATALOGUE), encoding="utf-8")
    cat = load_catalogue(cat_path, network)
    end = parse_period("2026-11-d2").end.isoformat()
    rows = [("toktogul", "volume", end, 9836, "Mm3", "dekad"), ("toktogul", "release", end, 300, "m3/s", "dekad"),
            ("toktogul", "inflow", end, 300, "m3/s", "dekad")]
    obs = read_observations([write_csv(tmp_path / "r.csv", rows, header="station,variable,date,value,unit,resolution")],
                            network)
    f = evaluate(cat, network, obs, run_qc(obs, network), parse_period("2026-11-d2"))[0]
    assert f.raw_level == "normal" and f.indicator_value is None and "not_drawn_down" in f.notes
    from bulletin.document.findings import finding_row

    # volumes in the network's display unit (km3 for the Syr Darya; Mm3 where the network says so)
    assert say("en", finding_row(f, cat.indicators[0], network).sentence) == (
        "D: 9.836 km³; the inflow is at or above the release: the reservoir is not being drawn down.")
    mm3 = replace(network, volume_unit="Mm3")
    assert say("en", finding_row(f, cat.indicators[0], mm3).sentence) == (
        "D: 9,836 million m³; the inflow is at or above the release: the reservoir is not being drawn down.")
    # without the release, the days cannot be counted: no_data, never normal
    obs = read_observations([write_csv(tmp_path / "v.csv", rows[:1], header="station,variable,date,value,unit,resolution")],
                            network)
    f = evaluate(cat, network, obs, run_qc(obs, network), parse_period("2026-11-d2"))[0]
    assert f.level == "no_data" and "no_flows" in f.notes


def test_a_value_without_enough_years_for_its_category_says_so(tmp_path, network):
    from bulletin.document.findings import finding_row

    cat_path = tmp_path / "cat.yaml"
    cat_path.write_text(textwrap.dedent("""
        catalogue: {id: t, version: "1", status: sample, title: {en: T, ru: Т}}
        settings: {reference_period: 1991-2020, min_coverage: {dekad: 0.7, month: 0.5}, min_years: 10}
        rules:
          - {id: R1, version: "1", title: {en: R, ru: Р}, agreement: {document: {en: Doc, ru: Док}}}
        indicators:
          - {id: st, name: {en: S, ru: С}, station: naryn_uchkurgan, variable: discharge, method: status_category,
             season: all, rule: R1, levels: {low: warning, below_normal: watch, normal: normal,
             above_normal: normal, high: watch}}
        """), encoding="utf-8")
    # three years of record, all of them before 2020 inside the reference period: fewer than min_years
    data = write_csv(tmp_path / "obs.csv", daily_rows("naryn_uchkurgan", "discharge", "m3/s", "2018-01-01",
                                                       "2020-12-31", lambda d: 50.0))
    cat = load_catalogue(cat_path, network)
    obs = read_observations([data], network)
    (f,) = evaluate(cat, network, obs, run_qc(obs, network), parse_period("2020-11-d2"))
    assert (f.level, f.value, f.category) == ("no_data", 50.0, "no_data")
    assert list(f.notes) == [Note.NO_REFERENCE]  # the value is there; the category cannot be computed
    row = finding_row(f, cat.indicators[0], network)
    assert say("en", row.sentence) == ("S: 50 m³/s (last year 50 m³/s), not assessed: too few years of record in the "
                                       "reference period for its norm or percentiles.")
