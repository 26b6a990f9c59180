"""QC in the pipeline: errors leave the aggregation, warnings stay; the sample data stay clean."""

from datetime import UTC, datetime

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from bulletin.ingest import read_observations
from bulletin.pipeline import run
from bulletin.qc import run_qc
from bulletin.render.html import render_html

from .conftest import daily_rows, write_csv

ISSUED = datetime(2026, 11, 21, 6, tzinfo=UTC)


def _toktogul_volume(bad_days=()):
    """Toktogul volume 1-20 November 2026 [Mm3]; ``bad_days`` carry an impossible 1e30."""
    return daily_rows("toktogul", "volume", "Mm3", "2026-11-01", "2026-11-20",
                      lambda d: 1e30 if d.day in bad_days else 9500 - d.day)


def _findings(result):
    return {f.indicator: f for f in result.findings}


def test_error_flagged_values_leave_the_aggregation_and_make_the_finding_no_data(tmp_path):
    # 2026-11-d2 has 10 values, 4 of them impossible (errors): 6 good days of 10 is below the
    # 70 % a dekad needs, so the finding is no_data; without the errors it has a value
    good = run(allow_no_data=True, data=[write_csv(tmp_path / "good.csv", _toktogul_volume())], period="2026-11-d2",
               issued_at=ISSUED)
    f = _findings(good)["toktogul_volume_low"]
    assert f.level != "no_data" and f.value == pytest.approx(9.48) and f.coverage == 1.0 and f.qc_flags == []

    bad = run(allow_no_data=True, data=[write_csv(tmp_path / "bad.csv", _toktogul_volume(bad_days=(12, 13, 14, 20)))],
              period="2026-11-d2", issued_at=ISSUED)
    f = _findings(bad)["toktogul_volume_low"]
    assert f.level == "no_data" and f.value is None
    assert f.coverage == pytest.approx(0.6)  # good days only
    assert f.qc_flags == ["completeness", "implausible"]
    assert f.notes == ["coverage", "qc_errors", "completeness"]
    assert len(bad.observations.frame) == 20 and len(bad.evaluated.frame) == 16  # flagged, not deleted
    row = [r for r in bad.bulletin.rows if r.finding.indicator == "toktogul_volume_low"][0]
    # the no-data sentence, followed by the level in force before (warning in 2026-11-d1)
    inner = dict(row.sentence.params)["sentence"]
    assert inner.msgid.endswith("{errors} value(s) flagged as errors left out).")
    assert dict(inner.params)["errors"] == 4
    assert row.finding.level_in_force == {"level": "warning", "period": "2026-11-d1"}


def test_the_quality_section_groups_by_country_and_station(tmp_path, network):
    rows = _toktogul_volume(bad_days=(12, 13, 14, 20))
    rows += daily_rows("shardara", "volume", "Mm3", "2026-11-01", "2026-11-20", lambda d: 4000 + d.day)
    result = run(allow_no_data=True, data=[write_csv(tmp_path / "bad.csv", rows)], period="2026-11-d2", issued_at=ISSUED)
    q = result.bulletin.quality
    assert [c.code for c in q.countries] == ["KG", "TJ", "UZ", "KZ"]
    kg = q.countries[0]
    # series the findings read but the data lack are listed too, with coverage 0
    assert [st.station for st in kg.stations] == ["toktogul", "naryn_uchkurgan", "withdrawals_kg"]
    assert [(r.variable, r.coverage.value) for r in kg.stations[0].rows] == [
        ("inflow", 0.0), ("release", 0.0), ("volume", pytest.approx(60.0))]
    volume = [r for r in kg.stations[0].rows if r.variable == "volume"][0]
    assert volume.coverage.value == pytest.approx(60.0)
    assert [(fl.check, fl.severity, fl.days) for fl in volume.flags] == [("implausible", "error", 4),
                                                                       ("completeness", "info", 10)]
    assert [(a.indicator, a.no_data_by_errors) for a in volume.findings] == [
        ("toktogul_volume_low", True), ("toktogul_fill", True), ("toktogul_days_left", True)]
    soup = BeautifulSoup(render_html(result.bulletin, "en"), "html.parser")
    assert [h["data-country"] for h in soup.select("#quality h3.quality-country")] == ["KG", "TJ", "UZ", "KZ"]
    tr = soup.select_one('#quality table.quality-table[data-country=KG] tbody tr[data-variable=volume]')
    assert tr["data-station"] == "toktogul"
    assert tr.select_one('.flag.severity-error[data-check=implausible]')["data-days"] == "4"
    affected = tr.select_one(".affected-finding.no-data-by-errors")
    assert affected["data-indicator"] == "toktogul_volume_low"
    assert "values flagged as errors left out" in affected.get_text()
    # Shardara's volume is complete and unflagged: not listed, counted
    assert not soup.select('#quality tr[data-station=shardara][data-variable=volume]')
    ru = BeautifulSoup(render_html(result.bulletin, "ru"), "html.parser")
    assert "физически невозможные значения (ошибка): 4 дн." in ru.select_one("#quality").get_text()


def test_warnings_are_listed_and_their_values_used(tmp_path):
    # a single day at 10 times its neighbours is a spike (warning): listed, and in the mean
    rows = daily_rows("naryn_uchkurgan", "discharge", "m3/s", "2026-11-01", "2026-11-20",
                      lambda d: 4000.0 if d.day == 15 else 400.0 + d.day)
    result = run(allow_no_data=True, data=[write_csv(tmp_path / "s.csv", rows)], period="2026-11-d2", issued_at=ISSUED)
    f = _findings(result)["naryn_uchkurgan_status"]
    assert "spike" in f.qc_flags and "qc_errors" not in f.notes
    assert f.value == pytest.approx((sum(400.0 + d for d in range(11, 21) if d != 15) + 4000.0) / 10)


def test_values_after_the_issue_date_are_errors(tmp_path):
    rows = daily_rows("toktogul", "volume", "Mm3", "2026-11-01", "2026-11-30", lambda d: 9500 - d.day)
    result = run(allow_no_data=True, data=[write_csv(tmp_path / "f.csv", rows)], issued_at=ISSUED)
    future = result.qc.flags[result.qc.flags["check"] == "future"]
    assert (future["first"].iloc[0], future["last"].iloc[0], future["days"].iloc[0]) == (
        pd.Timestamp("2026-11-22"), pd.Timestamp("2026-11-30"), 9)
    # the latest period is taken from the values that can have been observed
    assert result.period.label == "2026-11-d2"
    assert result.evaluated.last_date.isoformat() == "2026-11-21"


# ---- the sample data --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample_qc():
    from bulletin.network import load_network

    network = load_network()
    obs = read_observations(None, network)
    return run_qc(obs, network, as_of=ISSUED.date())


def test_the_sample_raises_no_false_flags(sample_qc):
    # data/README.md: the sample closes every reservoir balance within 1 Mm3 per dekad, routes
    # flows with the travel times of the network file, and has gaps as in real archives
    # (situation e): 1-3 day gaps at 10 gauges, the Arys missing 2008-04-10 to 2008-07-09 and
    # the Keles with 4 of 10 days in its latest dekad. Nothing else may be flagged.
    report = sample_qc
    s = report.summary()
    assert set(s["check"]) == {"gaps", "completeness"}
    assert not report.has_errors
    gaps = s[s["check"] == "gaps"]
    assert len(gaps) == 10 and set(gaps["severity"]) == {"info"}
    incomplete = s[s["check"] == "completeness"].set_index("station")["days"].to_dict()
    assert incomplete == {"arys_mouth": 91, "keles_mouth": 10, "syrdarya_karateren": 18,
                          "syrdarya_kyzylorda": 8, "syrdarya_tomenaryk": 10}
    arys = s[(s["station"] == "arys_mouth") & (s["check"] == "completeness")].iloc[0]
    assert (arys["first"], arys["last"]) == (pd.Timestamp("2008-04-11"), pd.Timestamp("2008-07-10"))
