"""Verification of past outlooks: the scores by hand, and a hindcast of a few dekads of the sample."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from click.testing import CliRunner

from bulletin.catalogue import load_catalogue
from bulletin.cli import main
from bulletin.errors import UsageError
from bulletin.ingest import read_observations
from bulletin.outlook import verify_outlooks
from bulletin.outlook.verify import (
    EventPair,
    allowable_error_scores,
    brier_score,
    brier_skill_score,
    change_sigma,
    climatology_forecasts,
    contingency,
    issue_range,
    lead_scores,
    ratio,
    reliability_table,
)
from bulletin.qc import run_qc
from bulletin.series import SeriesStore

# ---- the scores, by hand --------------------------------------------------------------------

PROB = [0.9, 0.6, 0.2, 0.0, 0.5, 0.1]
OBS = [1, 0, 1, 0, 0, 0]


def test_brier_score_by_hand():
    # (0.1² + 0.6² + 0.8² + 0 + 0.5² + 0.1²) / 6 = (0.01 + 0.36 + 0.64 + 0.25 + 0.01) / 6 = 1.27 / 6
    assert brier_score(PROB, OBS) == pytest.approx(1.27 / 6)
    assert brier_score([1, 0], [1, 0]) == 0.0
    assert math.isnan(brier_score([], []))


def test_brier_skill_score_in_sample_by_hand():
    c, how = climatology_forecasts(OBS, [2025] * 6)
    assert how == "in-sample"
    np.testing.assert_allclose(c, 1 / 3)
    # BS_ref = o_bar (1 - o_bar) = 2/9; BSS = 1 - (1.27/6) / (2/9) = 1 - 0.9525 = 0.0475
    bs_ref = brier_score(c, OBS)
    assert bs_ref == pytest.approx(2 / 9)
    assert brier_skill_score(brier_score(PROB, OBS), bs_ref) == pytest.approx(1 - (1.27 / 6) / (2 / 9))
    assert brier_skill_score(0.1, 0.0) is None  # the event never happened: no skill to measure


def test_climatology_leaves_the_year_out_by_hand():
    # years 2000: o = 1, 0 ; 2001: o = 1, 1 ; 2002: o = 0
    o, years = [1, 0, 1, 1, 0], [2000, 2000, 2001, 2001, 2002]
    c, how = climatology_forecasts(o, years)
    assert how == "leave-one-year-out"
    # 2000: mean(1, 1, 0) = 2/3 ; 2001: mean(1, 0, 0) = 1/3 ; 2002: mean(1, 0, 1, 1) = 3/4
    np.testing.assert_allclose(c, [2 / 3, 2 / 3, 1 / 3, 1 / 3, 3 / 4])


def test_hit_rate_and_false_alarm_ratio_by_hand():
    # forecast (p >= 0.5): yes yes no no yes no; observed: 1 0 1 0 0 0
    a, b, c, d = contingency(PROB, OBS)
    assert (a, b, c, d) == (1, 2, 1, 2)
    assert ratio(a, a + c) == 0.5  # hit rate: 1 of the 2 events observed was forecast
    assert ratio(b, a + b) == pytest.approx(2 / 3)  # FAR: 2 of the 3 events forecast did not happen
    assert ratio(0, 0) is None


def test_lead_scores_by_hand():
    pairs = [EventPair("x", "2025-11-d1", 1, "2025-11-d2", 2025, p, "warning" if o else "watch")
             for p, o in zip(PROB, OBS, strict=True)]
    s = lead_scores("d+1", 1, pairs, [])
    assert (s.n, s.hits, s.false_alarms, s.misses, s.correct_negatives) == (6, 1, 2, 1, 2)
    assert s.base_rate == pytest.approx(1 / 3) and s.brier == pytest.approx(1.27 / 6)
    assert s.bss == pytest.approx(1 - (1.27 / 6) / (2 / 9)) and s.climatology == "in-sample"
    assert s.hit_rate == 0.5 and s.false_alarm_ratio == pytest.approx(2 / 3)
    assert s.flow_n == 0 and s.flow_within_share is None and s.s_over_sigma is None
    json.dumps(s.as_json())


def test_reliability_table_by_hand():
    p = [0.0, 0.05, 0.1, 0.15, 0.55, 0.95, 1.0, 1.0]
    o = [0, 0, 1, 0, 1, 1, 1, 0]
    table = reliability_table(p, o)
    assert [(b.lower, b.upper) for b in table][:2] == [(0.0, 0.1), (0.1, 0.2)] and table[-1].upper == 1.0
    assert [b.count for b in table] == [2, 2, 0, 0, 0, 1, 0, 0, 0, 3]
    assert table[0].mean_forecast == pytest.approx(0.025) and table[0].observed_frequency == 0.0
    assert table[1].mean_forecast == pytest.approx(0.125) and table[1].observed_frequency == 0.5  # 0.1 is in [0.1, 0.2)
    assert table[2].mean_forecast is None and table[2].observed_frequency is None
    assert table[5].observed_frequency == 1.0
    assert table[9].mean_forecast == pytest.approx(2.95 / 3) and table[9].observed_frequency == pytest.approx(2 / 3)


def test_allowable_error_criterion_by_hand():
    # a series whose changes are -10, +10, -10, +10
    assert change_sigma([100, 90, 100, 90, 100]) == pytest.approx(np.std([-10, 10, -10, 10], ddof=1))
    assert change_sigma([100, np.nan, 100, 110, 130]) == pytest.approx(np.std([10, 20], ddof=1))  # the gap breaks a pair
    assert math.isnan(change_sigma([1.0, 2.0]))
    # sigma 10: allowable error 6.74; errors 0, 6.74, 6.75, -20 -> 2 of 4 justified
    n, within, share, s_sigma = allowable_error_scores([100, 106.74, 106.75, 80, 50], [100, 100, 100, 100, np.nan], 10)
    assert (n, within, share) == (4, 2, 0.5)
    # S = sqrt((0 + 6.74² + 6.75² + 20²) / 4); S/sigma = S / 10
    assert s_sigma == pytest.approx(math.sqrt((6.74 ** 2 + 6.75 ** 2 + 20 ** 2) / 4) / 10)
    # one sigma per pair: each error in its own series' sigma
    assert allowable_error_scores([2, 30], [0, 0], [1, 100])[1:] == (1, 0.5, pytest.approx(math.sqrt((4 + 0.09) / 2)))
    assert allowable_error_scores([1], [1], [0]) == (0, 0, None, None)  # no sigma: not judged


def test_issue_range(network):
    got = issue_range("2025-11-d2", "2025-12-d1", network.seasons)
    assert [p.label for p in got] == ["2025-11-d2", "2025-11-d3", "2025-12-d1"]
    with pytest.raises(UsageError, match="is a month"):
        issue_range("2025-11", "2025-12-d1", network.seasons)
    with pytest.raises(UsageError, match="ends before it starts"):
        issue_range("2025-12-d1", "2025-11-d2", network.seasons)


# ---- the sample: a hindcast of three dekads ---------------------------------------------------

@pytest.fixture(scope="module")
def hindcast(network):
    cat = load_catalogue(None, network)
    obs = read_observations(None, network)
    qc = run_qc(obs, network, as_of=obs.last_date)
    store = SeriesStore(qc.clean(obs), cat.settings)
    return verify_outlooks(cat, network, store, qc, "2025-11-d1", "2025-11-d3")


def test_hindcast_of_the_sample(hindcast):
    v = hindcast
    assert [r.issue for r in v.reissues] == ["2025-11-d1", "2025-11-d2", "2025-11-d3"]
    for r in v.reissues:
        assert r.excluded_year == 2025 and 2025 not in r.traces_years and len(r.traces_years) > 20
    assert [s.label for s in v.leads] == ["d+1", "d+2", "d+3"]
    assert {p.issue for p in v.pairs} == {r.issue for r in v.reissues}
    for s in v.leads:
        assert s.n > 0 and s.n == sum(b.count for b in s.reliability)
        for x in (s.base_rate, s.brier, s.brier_climatology, s.hit_rate, s.false_alarm_ratio, s.flow_within_share):
            assert x is None or 0.0 <= x <= 1.0
        assert s.bss is None or s.bss <= 1.0
        assert s.s_over_sigma is None or s.s_over_sigma >= 0
        assert s.flow_n > 0  # the discharge and inflow series
        assert s.climatology == "in-sample"  # one hydrological year: said so
        for b in s.reliability:
            assert b.count == 0 or (b.lower <= b.mean_forecast <= b.upper and 0 <= b.observed_frequency <= 1)
    for p in v.pairs:
        assert 0.0 <= p.p <= 1.0 and p.observed != "no_data"
    json.dumps(v.as_json())


def test_verify_command(tmp_path):
    out = tmp_path / "scores.json"
    result = CliRunner().invoke(main, ["verify", "--from", "2025-11-d1", "--to", "2025-11-d2", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Brier" in result.output and "S/sigma" in result.output and "in-sample" in result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [s["label"] for s in data["leads"]] == ["d+1", "d+2", "d+3"]
    assert [r["excluded_year"] for r in data["reissues"]] == [2025, 2025]


@pytest.mark.parametrize(("args", "message"), [
    (["--from", "2025-11", "--to", "2025-12-d1"], "is a month"),
    (["--from", "2025-12-d1", "--to", "2025-11-d1"], "ends before it starts"),
    (["--from", "2025-13-d1", "--to", "2025-12-d1"], "is not a period"),
])
def test_verify_command_refuses(args, message):
    result = CliRunner().invoke(main, ["verify", *args])
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output
