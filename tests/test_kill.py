"""Where outputs go: inside --out only; a run killed at any moment leaves no partial output, and the next run no temporary file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bulletin.cli.writing import confined, remove_leftovers
from bulletin.errors import BulletinError

ISSUED_AT = "2026-11-21T06:00:00+05:00"
GENERATE = ["generate", "--format", "json,csv", "--lang", "en", "--issued-at", ISSUED_AT, "--no-outlook"]
KILLED_AT_RENAME = """
import os, signal, sys
from bulletin.cli import main
os.replace = lambda src, dst: os.kill(os.getpid(), signal.SIGKILL)  # killed with every file written, none renamed
sys.argv[0] = "bulletin"
main()
"""


def bulletin(args: list[str], program: str = "from bulletin.cli import main; import sys; sys.argv[0] = 'bulletin'; main()"):
    return subprocess.Popen([sys.executable, "-c", program, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_a_run_killed_before_its_renames_leaves_temporaries_the_next_run_removes(tmp_path):
    out = tmp_path / "out"
    child = bulletin([*GENERATE, "--out", str(out)], KILLED_AT_RENAME)
    child.wait(timeout=120)
    assert child.returncode == -signal.SIGKILL
    left = temporaries(out)
    assert [p for p in out.iterdir() if not p.name.startswith(".")] == []  # no output under a final name
    child = bulletin([*GENERATE, "--out", str(out)])
    assert child.wait(timeout=120) == 0, child.stderr.read().decode()
    assert temporaries(out) == []
    written = sorted(p.name for p in out.iterdir())
    assert written == ["syrdarya-2026-11-d2.findings.csv", "syrdarya-2026-11-d2.json"]
    assert sorted(name[1:].rsplit(".", 3)[0] for name in left) == written  # .NAME.PID.RANDOM.tmp of each output


def test_kills_at_many_moments_leave_the_output_absent_or_whole(tmp_path):
    """check-data --out killed at 8 moments from start to end: the report is never partial; no temporary remains."""
    out = tmp_path / "report.csv"
    args = ["check-data", "--as-of", "2026-11-21", "--out", str(out)]
    reference = tmp_path / "reference.csv"
    start = time.monotonic()
    assert bulletin([*args[:-1], str(reference)]).wait(timeout=120) == 0
    whole = time.monotonic() - start
    for k in range(8):
        child = bulletin(args)
        time.sleep(whole * (0.3 + 0.1 * k))  # from before the data are read to about when the report is written
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=120)
        if out.exists():
            assert out.read_bytes() == reference.read_bytes()
    assert bulletin(args).wait(timeout=120) == 0
    assert out.read_bytes() == reference.read_bytes()
    assert temporaries(tmp_path) == []


def test_leftovers_of_live_processes_and_other_files_are_kept(tmp_path):
    target = tmp_path / "a.json"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / f".a.json.{dead.pid}.x1.tmp").write_text("partial")
    (tmp_path / f".a.json.{os.getpid()}.x2.tmp").write_text("being written by this process")
    (tmp_path / ".a.json.notapid.tmp").write_text("not ours")
    (tmp_path / f".b.json.{dead.pid}.x3.tmp").write_text("another output's")
    remove_leftovers(target)
    assert temporaries(tmp_path) == sorted([f".a.json.{os.getpid()}.x2.tmp", ".a.json.notapid.tmp",
                                            f".b.json.{dead.pid}.x3.tmp"])


@pytest.mark.parametrize("name", ["../escape.json", "sub/../../escape.json", "/tmp/escape.json", ".."])
def test_outputs_outside_the_out_folder_are_refused(tmp_path, name):
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(BulletinError, match="not inside the output folder"):
        confined(out / name, out)


def test_an_output_through_a_link_leaving_the_folder_is_refused(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "link").symlink_to(tmp_path)
    with pytest.raises(BulletinError, match="not inside the output folder"):
        confined(out / "link" / "x.json", out)
    assert confined(out / "x.json", out) == out / "x.json"


def test_a_killed_conversion_leaves_a_temporary_store_the_next_run_removes(tmp_path):
    from click.testing import CliRunner

    from bulletin.cli import main

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    left = tmp_path / f".store.zarr.{dead.pid}.abcd1234.tmp"  # as a killed run leaves it: a folder of chunks
    (left / "discharge").mkdir(parents=True)
    (left / "discharge" / "c0").write_bytes(b"\0" * 100)
    data = tmp_path / "d.csv"
    data.write_text("station,variable,date,value,unit\ntoktogul,volume,2020-01-01,5,Mm3\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["convert", "--data", str(data), "--out", str(tmp_path / "store.zarr")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.csv", "store.zarr"]
