"""Provenance that does not depend on how a path was typed, and one period per command."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bulletin.cli import main
from bulletin.ingest import read_observations, sample_data_path
from bulletin.ingest.read import relative_to_data_root

from .conftest import SAMPLE_ISSUED, SAMPLE_PERIOD


def test_paths_relative_to_the_data_root_by_hand(tmp_path):
    (tmp_path / "a" / "q").mkdir(parents=True)
    one, two = tmp_path / "a" / "q" / "x.csv", tmp_path / "a" / "y.csv"
    assert relative_to_data_root([one, two]) == ["q/x.csv", "y.csv"]
    assert relative_to_data_root([tmp_path / "a" / "q" / ".." / "y.csv"]) == ["y.csv"]
    assert relative_to_data_root([]) == []


@pytest.fixture(scope="module")
def copied(tmp_path_factory):
    """The sample's files in a folder of their own, some in a subfolder."""
    root = tmp_path_factory.mktemp("prov") / "hydromet"
    (root / "reservoirs").mkdir(parents=True)
    for f in sorted(sample_data_path().glob("*.csv.gz")):
        shutil.copy(f, root / ("reservoirs" if f.name in ("toktogul.csv.gz", "shardara.csv.gz") else "") / f.name)
    return root


def _inputs(data: list[str], cwd: Path, monkeypatch) -> list[dict]:
    monkeypatch.chdir(cwd)
    out = cwd / "out"
    result = CliRunner().invoke(main, ["generate", "--format", "json", "--out", str(out), "--issued-at",
                                       SAMPLE_ISSUED, "--period", SAMPLE_PERIOD, *[a for d in data for a in ("--data", d)]])
    assert result.exit_code == 0, result.output
    doc = json.loads((out / f"syrdarya-{SAMPLE_PERIOD}.json").read_text(encoding="utf-8"))
    shutil.rmtree(out)
    return doc["bulletin"]["inputs"]


def test_the_same_files_give_the_same_provenance_however_typed(copied, monkeypatch):
    parent = copied.parent
    as_folder = _inputs(["hydromet", "hydromet/reservoirs"], parent, monkeypatch)  # a folder is read, not its subfolders
    absolute = _inputs([str(copied), str(copied / "reservoirs")], parent, monkeypatch)
    dotted = _inputs([str(copied / "reservoirs" / ".." / "reservoirs"), str(copied / "andijan.csv.gz"),
                      *(str(p) for p in sorted(copied.glob("*.csv.gz")) if p.name != "andijan.csv.gz")],
                     copied / "reservoirs", monkeypatch)
    assert as_folder == absolute
    assert sorted(map(json.dumps, dotted)) == sorted(map(json.dumps, as_folder))
    paths = [i["path"] for i in as_folder]
    assert "reservoirs/toktogul.csv.gz" in paths and "andijan.csv.gz" in paths
    assert not any(p.startswith(("/", "..")) or str(parent) in p for p in paths)


def test_the_embedded_sample_names_its_files(network):
    obs = read_observations(None, network)
    assert sorted(i.path for i in obs.inputs) == sorted(p.name for p in sample_data_path().glob("*.csv.gz"))


@pytest.mark.parametrize("args", [["--period", "2026-10-d1", "--period", "2026-10-d2"],
                                  ["--period", "2026-10-d1,2026-10-d2"]])
@pytest.mark.parametrize("command", [["generate", "--format", "json"], ["scenario", "data/sample/scenario.yaml"]])
def test_one_period_per_command(tmp_path, command, args):
    result = CliRunner().invoke(main, [*command, "--out", str(tmp_path / "out"), *args])
    assert result.exit_code == 2
    assert "a command issues one period" in result.output
    assert not (tmp_path / "out").exists()
