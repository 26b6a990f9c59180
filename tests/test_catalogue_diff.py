"""Catalogue diff: what a new version changes, computed on the validated catalogues."""

import copy
import shutil

import yaml

from bulletin.catalogue import default_catalogue_path, load_catalogue
from bulletin.catalogue_diff import diff_catalogues


def _variant(tmp_path, name, change):
    raw = yaml.safe_load(default_catalogue_path().read_text(encoding="utf-8"))
    raw = copy.deepcopy(raw)
    change(raw)
    path = tmp_path / name
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    # the schedules the catalogue names are relative to it
    shutil.copytree(default_catalogue_path().parent / "schedules", tmp_path / "schedules", dirs_exist_ok=True)
    return path


def _indicator(raw, id_):
    return next(i for i in raw["indicators"] if i["id"] == id_)


def test_identical_content_has_no_changes(tmp_path, network):
    # re-dumped YAML (other key order, 9 written as 9.0) means the same catalogue
    same = _variant(tmp_path, "same.yaml", lambda raw: _indicator(raw, "toktogul_volume_low")["thresholds"]
                    .update(alert=9.0))
    assert diff_catalogues(load_catalogue(None, network), load_catalogue(same, network)) == []


def test_thresholds_indicators_rules_and_settings(tmp_path, network):
    def change(raw):
        raw["catalogue"]["version"] = "0.2.0-sample"
        raw["settings"]["reference_period"] = "1991-2025"
        raw["settings"]["deescalation_periods"] = 3
        _indicator(raw, "kazaly_stage")["deescalation_periods"] = 1
        _indicator(raw, "toktogul_volume_low")["thresholds"] = {"watch": 11.5, "warning": 10.0, "alert": 8.5}
        _indicator(raw, "kazaly_stage")["thresholds"].pop("watch")
        raw["indicators"] = [i for i in raw["indicators"] if i["id"] != "andijan_inflow_norm"]
        new = copy.deepcopy(_indicator(raw, "charvak_inflow_norm"))
        new["id"] = "bahri_tojik_inflow_norm"
        new["station"] = "bahri_tojik"
        raw["indicators"].append(new)
        raw["rules"][0]["version"] = "0.2-sample"

    old = load_catalogue(None, network)
    new = load_catalogue(_variant(tmp_path, "new.yaml", change), network)
    lines = [c.sentence() for c in diff_catalogues(old, new)]
    assert lines == [
        "~ catalogue: version: 0.1.0-sample -> 0.2.0-sample",
        "~ settings: reference_period: 1991-2020 -> 1991-2025",
        "~ settings: deescalation_periods: 2 -> 3",
        "~ rule SD-RES-1: version: 0.1-sample -> 0.2-sample",
        "~ indicator toktogul_volume_low: threshold watch: < 11 km3 -> < 11.5 km3",
        "~ indicator toktogul_volume_low: threshold alert: < 9 km3 -> < 8.5 km3",
        "- indicator andijan_inflow_norm: removed",
        "~ indicator kazaly_stage: threshold watch: >= 600 cm -> (none)",
        "~ indicator kazaly_stage: deescalation_periods: (none) -> 1",
        "+ indicator bahri_tojik_inflow_norm: added",
    ]
    as_json = diff_catalogues(old, new)[4].as_json()
    assert as_json == {"kind": "changed", "scope": "indicator", "id": "toktogul_volume_low",
                       "field": "threshold watch", "old": "< 11 km3", "new": "< 11.5 km3"}


def test_cli_diff(tmp_path):
    import json

    from click.testing import CliRunner

    from bulletin.cli import main

    new = _variant(tmp_path, "new.yaml", lambda raw: _indicator(raw, "north_aral_inflow_min")["thresholds"]
                   .update(alert=35))
    runner = CliRunner()
    result = runner.invoke(main, ["catalogue", "diff", str(default_catalogue_path()), str(new)])
    assert result.exit_code == 0, result.stderr
    assert result.output.splitlines() == [
        "syrdarya-ews 0.1.0-sample -> syrdarya-ews 0.1.0-sample: 1 change(s)",
        "~ indicator north_aral_inflow_min: threshold alert: < 30 m3/s -> < 35 m3/s",
    ]
    doc = json.loads(runner.invoke(main, ["catalogue", "diff", str(default_catalogue_path()), str(new), "--json"]).output)
    assert doc["changes"][0]["new"] == "< 35 m3/s"
    broken = tmp_path / "broken.yaml"
    broken.write_text("catalogue: {}\n", encoding="utf-8")
    bad = runner.invoke(main, ["catalogue", "diff", str(default_catalogue_path()), str(broken)])
    assert bad.exit_code == 1 and "the catalogue has" in bad.stderr


def test_validity_varying_thresholds_and_schedule_are_reported(tmp_path, network):
    def change(raw):
        ind = _indicator(raw, "toktogul_inflow_norm")
        ind["valid_to"] = "2026-12-31"
        ind["thresholds"] = {"gs": {"watch": 80, "alert": 60}, "ngs": {"watch": 75, "alert": 60}}
        ind = _indicator(raw, "toktogul_winter_release")
        ind["relative_to"] = "percentile"
        ind["thresholds"] = {"watch": 90, "warning": 95, "alert": 99}
        _indicator(raw, "toktogul_release_schedule_gs")["schedule"] = ["schedules/toktogul_2026-27_ngs.csv",
                                                                      "schedules/toktogul_2026_gs.csv"]

    lines = [c.sentence() for c in diff_catalogues(load_catalogue(None, network),
                                                   load_catalogue(_variant(tmp_path, "new.yaml", change), network))]
    assert "~ indicator toktogul_inflow_norm: valid_to: (none) -> 2026-12-31" in lines
    assert "~ indicator toktogul_inflow_norm: threshold gs watch: (none) -> < 80 %" in lines
    assert "~ indicator toktogul_inflow_norm: threshold watch: < 75 % -> (none)" in lines
    assert "~ indicator toktogul_inflow_norm: thresholds_vary_by: (none) -> season" in lines
    assert "~ indicator toktogul_winter_release: relative_to: (none) -> percentile" in lines
    assert "~ indicator toktogul_winter_release: threshold watch: > 700 m3/s -> > 90 percentile" in lines
    assert ("~ indicator toktogul_release_schedule_gs: schedule: [schedules/toktogul_2026_gs.csv] -> "
            "[schedules/toktogul_2026-27_ngs.csv, schedules/toktogul_2026_gs.csv]") in lines


def test_withdrawal_limits_change_per_season(tmp_path, network):
    def change(raw):
        limits = _indicator(raw, "withdrawal_limit_uz")["limits"]
        limits["2026/27-ngs"] = {"value": 3.1, "unit": "km3"}
        limits["2027-gs"] = {"value": 8.5, "unit": "km3"}
        _indicator(raw, "withdrawal_limit_kg")["projection"] = "rate"

    new = _variant(tmp_path, "new.yaml", change)
    changes = [(c.kind, c.id, c.field, c.old, c.new)
               for c in diff_catalogues(load_catalogue(None, network), load_catalogue(new, network))]
    assert changes == [
        ("changed", "withdrawal_limit_kg", "projection", "pace", "rate"),
        ("changed", "withdrawal_limit_uz", "limit 2026/27-ngs", "3.34 km3", "3.1 km3"),
        ("changed", "withdrawal_limit_uz", "limit 2027-gs", None, "8.5 km3"),
    ]
