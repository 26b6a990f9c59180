"""The sample's shipped verification file is the output of its command: the bulletin's scores are not constants."""

from __future__ import annotations

import json
import shlex
from datetime import datetime

from click.testing import CliRunner

from bulletin.cli import main
from bulletin.outlook.scores import SAMPLE_VERIFICATION, load_verification, sample_verification_path
from bulletin.pipeline import run

from .conftest import SAMPLE_ISSUED, SAMPLE_PERIOD

SHIPPED = sample_verification_path()
FIX = "the shipped file is stale: run 'make verification' (it rewrites data/verification/sample.json) and commit it"


def test_the_shipped_scores_are_the_output_of_the_command(tmp_path):
    assert SHIPPED.is_file(), f"{SHIPPED} is missing: {FIX}"
    shipped = json.loads(SHIPPED.read_text(encoding="utf-8"))
    words = shlex.split(shipped["command"])
    assert words[:2] == ["bulletin", "verify"] and "--data" not in words  # the embedded sample
    out = tmp_path / "again.json"
    result = CliRunner().invoke(main, [*words[1:], "--scores-only", "--out", str(out)])
    assert result.exit_code == 0, result.output + result.stderr
    again = json.loads(out.read_text(encoding="utf-8"))
    for key in ("inputs", "catalogue", "network"):  # what the scores were computed on
        assert shipped[key] == again[key], f"{key} differ from today's sample and catalogue: {FIX}"
    assert shipped["leads"] == again["leads"], f"the scores differ from the command's: {FIX}"
    ignore = {"software_version"}  # a new version with the same scores does not call for a new file
    assert {k: v for k, v in shipped.items() if k not in ignore} == {k: v for k, v in again.items() if k not in ignore}, FIX
    assert len(shipped["years"]) >= 2, "the range must span several hydrological years (leave-one-year-out climatology)"


def test_the_sample_bulletin_carries_the_shipped_scores():
    r = run(period=SAMPLE_PERIOD, issued_at=datetime.fromisoformat(SAMPLE_ISSUED), with_outlook=False)
    v = r.verification
    assert v is not None and v.path == "/".join(SAMPLE_VERIFICATION)
    assert v.leads == load_verification(SHIPPED).leads
    assert v.matches, f"the shipped scores were computed on other data or another catalogue: {FIX}"
