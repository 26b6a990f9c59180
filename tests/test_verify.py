"""Verification of past outlooks: the scores by hand, a hindcast of a few dekads of the sample, the verification file."""

from __future__ import annotations

import json
import math
from datetime import datetime
from pathlib import Path

import jsonschema
import numpy as np
import pytest
from click.testing import CliRunner

from bulletin import __version__
from bulletin.catalogue import load_catalogue
from bulletin.cli import main
from bulletin.cli.base import load_project, make_setup
from bulletin.errors import ConfigError, UsageError
from bulletin.ingest import read_observations, sha256_of
from bulletin.outlook import verify_outlooks
from bulletin.outlook.scores import (
    FORMAT,
    FORMAT_VERSION,
    VerificationScores,
    load_verification,
    portable_path,
)
from bulletin.outlook.scores import schema as verification_schema
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
from bulletin.pipeline import run
from bulletin.qc import run_qc
from bulletin.render.json import schema as results_schema
from bulletin.series import SeriesStore

from .conftest import SAMPLE_ISSUED, SAMPLE_PERIOD

ISSUED = datetime.fromisoformat(SAMPLE_ISSUED)

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


@pytest.fixture(scope="module")
def scores_file(tmp_path_factory):
    """``bulletin verify --out`` of two dekads of the sample: (path, CLI result)."""
    out = tmp_path_factory.mktemp("verify") / "scores.json"
    result = CliRunner().invoke(main, ["verify", "--from", "2025-11-d1", "--to", "2025-11-d2", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out, result


def test_verify_command(scores_file):
    out, result = scores_file
    assert "Brier" in result.output and "S/sigma" in result.output and "in-sample" in result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [s["label"] for s in data["leads"]] == ["d+1", "d+2", "d+3"]
    assert [r["excluded_year"] for r in data["reissues"]] == [2025, 2025]


def test_verification_file_describes_itself(scores_file, network):
    data = json.loads(scores_file[0].read_text(encoding="utf-8"))
    jsonschema.validate(data, verification_schema())
    assert list(data)[:7] == ["format", "format_version", "command", "software_version", "catalogue", "network",
                              "inputs"]
    assert (data["format"], data["format_version"]) == (FORMAT, FORMAT_VERSION)
    assert data["command"] == "bulletin verify --from 2025-11-d1 --to 2025-11-d2"
    assert data["software_version"] == __version__
    cat = load_catalogue(None, network)
    assert data["catalogue"]["id"] == cat.id and data["catalogue"]["version"] == cat.version
    assert data["catalogue"]["sha256"] == sha256_of(Path(cat.path))
    obs = read_observations(None, network)
    assert data["inputs"] == [{"path": i.path, "sha256": i.sha256} for i in obs.inputs]
    assert all(not Path(i["path"]).is_absolute() for i in data["inputs"])
    assert (data["first"], data["last"], data["issues"], data["years"]) == ("2025-11-d1", "2025-11-d2", 2, [2025])
    for lead in data["leads"]:
        for key in ("n", "base_rate", "brier", "brier_climatology", "bss", "hits", "misses", "false_alarms",
                    "hit_rate", "false_alarm_ratio", "flow_n", "flow_within_share", "s_over_sigma", "reliability"):
            assert key in lead, key


def test_verification_file_loads(scores_file):
    path = scores_file[0]
    data = json.loads(path.read_text(encoding="utf-8"))
    v = load_verification(path)
    assert isinstance(v, VerificationScores)
    assert (v.first, v.last, v.command, v.issues, v.years) == (data["first"], data["last"], data["command"], 2, (2025,))
    assert [s.as_json() for s in v.leads] == data["leads"]  # every score as written, to the last digit
    assert v.lead("d+2").label == "d+2" and v.same_data is None and not v.matches
    with pytest.raises(KeyError):
        v.lead("d+9")
    json.dumps(v.as_json())


def test_scores_only_leaves_out_the_pairs(tmp_path, scores_file):
    out = tmp_path / "small.json"
    result = CliRunner().invoke(main, ["verify", "--from", "2025-11-d1", "--to", "2025-11-d2", "--scores-only",
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    small, full = (json.loads(p.read_text(encoding="utf-8")) for p in (out, scores_file[0]))
    assert not small.keys() & {"reissues", "pairs", "flow_pairs"}
    assert small == {k: v for k, v in full.items() if k not in ("reissues", "pairs", "flow_pairs")}
    assert load_verification(out).leads == load_verification(scores_file[0]).leads


def _write(path, doc):
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


@pytest.mark.parametrize(("change", "key"), [
    (lambda d: d["leads"][1].pop("brier"), 'leads[1]: "brier" is a required property'),
    (lambda d: d["leads"][0].update(hits="many"), 'leads[0].hits: "many" is not of type "integer"'),
    (lambda d: d["leads"][2]["reliability"][3].update(count=-1), "leads[2].reliability[3].count: -1"),
    (lambda d: d.update(format_version=99), "format_version: 1 was expected"),
    (lambda d: d.pop("inputs"), '(top level): "inputs" is a required property'),
])
def test_a_malformed_verification_file_names_the_file_and_the_key(tmp_path, scores_file, change, key):
    doc = json.loads(scores_file[0].read_text(encoding="utf-8"))
    change(doc)
    bad = _write(tmp_path / "bad.json", doc)
    with pytest.raises(ConfigError) as err:
        load_verification(bad)
    text = str(err.value)
    assert f"{bad}: the verification file has" in text and f"{bad}: {key}" in text
    assert "bulletin verify" in text and "make verification" in text  # how to fix it


@pytest.mark.parametrize(("first", "last", "message"), [
    ("2026-13-d1", "2026-09-d3", "first: '2026-13-d1' is not a dekad of the calendar"),
    ("0000-01-d1", "2026-09-d3", "first: '0000-01-d1' is not a dekad of the calendar"),
    ("2025-10-d1", "2024-09-d3", "last (2024-09-d3) is before first (2025-10-d1)"),
])
def test_the_span_of_a_verification_file_is_checked_when_it_is_read(tmp_path, scores_file, first, last, message):
    doc = json.loads(scores_file[0].read_text(encoding="utf-8"))
    doc.update(first=first, last=last)
    bad = _write(tmp_path / "span.json", doc)
    with pytest.raises(ConfigError) as err:
        load_verification(bad)
    assert f"{bad}: {message}" in str(err.value)


def test_nan_deep_nesting_and_a_missing_count_are_refused(tmp_path, scores_file):
    text = scores_file[0].read_text(encoding="utf-8")
    doc = json.loads(text)
    nan = tmp_path / "nan.json"
    nan.write_text(text.replace(f'"bss": {json.dumps(doc["leads"][0]["bss"])}', '"bss": NaN', 1), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"nan\.json: the verification file holds NaN"):
        load_verification(nan)
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"deep\.json: the verification file is nested too deeply"):
        load_verification(deep)
    doc.pop("issues")
    with pytest.raises(ConfigError, match='"issues" is a required property'):
        load_verification(_write(tmp_path / "issues.json", doc))


def test_a_missing_or_broken_verification_file_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match=r"no-such\.json: cannot read the verification file"):
        load_verification(tmp_path / "no-such.json")
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": ', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"broken\.json: the verification file is not valid JSON \(line 1"):
        load_verification(broken)


def test_a_verification_file_is_read_within_its_limit_and_never_from_a_device(tmp_path):
    from bulletin import files

    with pytest.raises(ConfigError, match=r"/dev/zero: the verification file is a character device, not a file"):
        load_verification("/dev/zero")  # read whole, it fills the memory of the machine
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (3 * files.MIB))
    files.set_limits(["config_mib=2"])
    try:
        with pytest.raises(ConfigError, match=r"big\.json: the verification file is 3 MiB, beyond the limit of 2 MiB"):
            load_verification(big)
    finally:
        files.set_limits([])


def test_generate_refuses_a_wrong_verification_file_before_reading_the_data(tmp_path):
    missing = tmp_path / "nowhere.json"
    result = CliRunner().invoke(main, ["generate", "--out", str(tmp_path / "out"), "--verification", str(missing)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{missing}: cannot read the verification file" in result.stderr
    assert not (tmp_path / "out").exists()


def test_generate_attaches_the_verification_to_the_run(scores_file, tmp_path):
    path = scores_file[0]
    r = run(period=SAMPLE_PERIOD, issued_at=ISSUED, verification_path=path, with_outlook=False)
    v = r.verification
    assert isinstance(v, VerificationScores) and r.bulletin.verification is v
    assert v.path == portable_path(path) and v.command == "bulletin verify --from 2025-11-d1 --to 2025-11-d2"
    assert v.leads == load_verification(path).leads
    assert v.same_data and v.same_catalogue and v.matches  # the sample, the shipped catalogue
    assert r.outlook is None and r.bulletin.outlook is None  # --no-outlook
    # the same scores said to come from other data: not the bulletin's
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["inputs"][0]["sha256"] = "0" * 64
    other = load_verification(_write(tmp_path / "other.json", doc)).compared_with(r.observations.inputs, r.catalogue)
    assert (other.same_data, other.same_catalogue, other.matches) == (False, True, False)
    doc["catalogue"]["version"] = "0.0.0"
    other = load_verification(_write(tmp_path / "other.json", doc)).compared_with(r.observations.inputs, r.catalogue)
    assert (other.same_data, other.same_catalogue) == (False, False)


def test_generate_no_outlook_and_a_verification_of_other_data(scores_file, tmp_path):
    doc = json.loads(scores_file[0].read_text(encoding="utf-8"))
    doc["inputs"] = doc["inputs"][1:]
    other = _write(tmp_path / "other.json", doc)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["generate", "--out", str(out), "--issued-at", SAMPLE_ISSUED, "--period",
                                       SAMPLE_PERIOD, "--format", "json", "--lang", "en", "--no-outlook",
                                       "--verification", str(other)])
    assert result.exit_code == 0, result.output + result.stderr
    data = json.loads((out / f"syrdarya-{SAMPLE_PERIOD}.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, results_schema())
    assert "outlook" not in data  # as a monthly bulletin: the schema's outlook block is optional
    assert "computed on other data than this bulletin's" in result.stderr


def test_project_file_names_the_verification_relative_to_itself(tmp_path):
    project = tmp_path / "proj" / "bulletin.yaml"
    project.parent.mkdir()
    project.write_text("verification: scores/v.json\n", encoding="utf-8")
    assert load_project(str(project))["verification"] == str(project.parent / "scores" / "v.json")
    assert make_setup(str(project), None, None, None, (), None, None, None, None, None, False).verification == \
        str(project.parent / "scores" / "v.json")
    project.write_text("verification: [a, b]\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_project(str(project))
    assert "verification: expected a path" in str(err.value)


@pytest.mark.parametrize(("args", "message"), [
    (["--from", "2025-11", "--to", "2025-12-d1"], "is a month"),
    (["--from", "2025-12-d1", "--to", "2025-11-d1"], "ends before it starts"),
    (["--from", "2025-13-d1", "--to", "2025-12-d1"], "is not a period"),
])
def test_verify_command_refuses(args, message):
    result = CliRunner().invoke(main, ["verify", *args])
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output
