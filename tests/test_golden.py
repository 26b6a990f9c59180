"""Golden files: the sample bulletin's results JSON and English HTML, compared byte for byte.

``tests/golden/`` holds the output of

    bulletin generate --period 2026-11-d2 --issued-at 2026-11-21T06:00:00+05:00 --lang en --format html,json

on the embedded sample data, and (``tests/golden/archive/``) of

    bulletin backfill --from 2026-03-d3 --to 2026-04-d2 --archive DIR --lang en --format html,json

three fixed dekads across the start of the growing season, issued into a new archive at the
times of the default schedule: each dekad's results JSON (with its number and "what changed"),
the last one's English HTML and CAP messages, the manifest, the index and the feed. Any change
of the output shows here as a failure with the first
differing line. When the change is intended, rewrite the files with ``make golden`` (it runs this
module, ``python -m tests.test_golden``) and review their diff. The test never writes them.
"""

from __future__ import annotations

import difflib
import json
import re
import shutil
import sys
import tempfile
from pathlib import Path

from click.testing import CliRunner

from bulletin.cli import main

from .conftest import generate

GOLDEN = Path(__file__).parent / "golden"
PERIOD = "2026-11-d2"  # issued at conftest.SAMPLE_ISSUED, 2026-11-21T06:00:00+05:00
ARGS = ("--period", PERIOD, "--lang", "en", "--format", "html,json")
FILES = (f"syrdarya-{PERIOD}.json", f"syrdarya-{PERIOD}.en.html")
CONTEXT = 2  # lines of context around the first difference
WIDTH = 160  # characters shown of a long line


ARCHIVE_PERIODS = ("2026-03-d3", "2026-04-d1", "2026-04-d2")


def render(out: Path) -> dict[str, Path]:
    """Generate the golden bulletins into ``out``; returns {golden file name: generated path}."""
    generate(out, *ARGS)
    files = {name: out / name for name in FILES}
    archive = out / "archive"
    result = CliRunner().invoke(main, ["backfill", "--from", ARCHIVE_PERIODS[0], "--to", ARCHIVE_PERIODS[-1],
                                       "--archive", str(archive), "--lang", "en", "--format", "html,json",
                                       "--workers", "1"])
    assert result.exit_code == 0, result.output + result.stderr
    manifest = json.loads((archive / "archive.json").read_text(encoding="utf-8"))
    for issue in manifest["issues"]:
        rev = issue["revisions"][-1]
        for f in rev["files"]:
            if f["kind"] == "json" or issue["period"] == ARCHIVE_PERIODS[-1] and f["kind"] in ("html", "cap"):
                files[f"archive/{f['name']}"] = archive / rev["folder"] / f["name"]
    for name in ("archive.json", "index.html", "feed.atom"):
        files[f"archive/{name}"] = archive / name
    return files


def _clip(line: str, column: int) -> str:
    """``line`` cut to WIDTH characters around ``column`` (the HTML has lines of thousands)."""
    if len(line) <= WIDTH:
        return line
    start = max(0, min(column - WIDTH // 3, len(line) - WIDTH))
    return ("…" if start else "") + line[start:start + WIDTH] + ("…" if start + WIDTH < len(line) else "")


def mismatch(name: str, expected: bytes, actual: bytes) -> str | None:
    """None when the bytes are equal, else which file, where, a short unified diff and what to do."""
    if expected == actual:
        return None
    old = expected.decode("utf-8", "replace").splitlines(keepends=True)
    new = actual.decode("utf-8", "replace").splitlines(keepends=True)
    first = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), min(len(old), len(new)))
    pair = (old[first] if first < len(old) else "", new[first] if first < len(new) else "")
    column = next((i for i, (a, b) in enumerate(zip(*pair, strict=False)) if a != b), min(map(len, pair)))
    # lines that differ only in their line ending are shown with escapes (\r, \n)
    endings = pair[0].rstrip("\r\n") == pair[1].rstrip("\r\n")

    def show(line: str) -> str:
        return _clip(repr(line)[1:-1] if endings else line.rstrip("\r\n"), column)

    lo, hi = max(0, first - CONTEXT), first + CONTEXT + 1
    lines = difflib.unified_diff([show(s) for s in old[lo:hi]], [show(s) for s in new[lo:hi]],
                                 f"tests/golden/{name}", f"generated/{name}", n=CONTEXT, lineterm="")
    # the diff is of a window of the files: its hunk header counts from the window's first line
    lines = [re.sub(r"^@@ -(\d+)(.*) \+(\d+)", lambda m: f"@@ -{int(m[1]) + lo}{m[2]} +{int(m[3]) + lo}", line)
             for line in lines]
    return (f"{name} differs from tests/golden/{name}: first difference at line {first + 1}, column {column + 1}"
            f" ({len(old)} lines expected, {len(new)} generated)\n" + "\n".join(lines)
            + "\nrun `make golden` if the change is intended")


def test_sample_bulletin_matches_the_golden_files(tmp_path):
    generated = render(tmp_path)
    problems = []
    for name, path in generated.items():
        golden = GOLDEN / name
        if not golden.is_file():
            problems.append(f"tests/golden/{name} is missing; run `make golden` to create it")
        elif not path.is_file():
            problems.append(f"{name} was not generated (expected beside the golden files in tests/golden)")
        else:
            problem = mismatch(name, golden.read_bytes(), path.read_bytes())
            if problem:
                problems.append(problem)
    stale = sorted(p.relative_to(GOLDEN).as_posix() for p in (GOLDEN / "archive").glob("*")
                   if p.relative_to(GOLDEN).as_posix() not in generated)
    problems += [f"tests/golden/{name} is no longer generated; run `make golden`" for name in stale]
    assert not problems, "\n\n".join(problems)


def test_mismatch_names_the_file_the_line_and_the_remedy():
    expected = b"one\ntwo\nthree\nfour\n"
    assert mismatch("x.json", expected, expected) is None
    message = mismatch("x.json", expected, b"one\ntwo\n3\nfour\n")
    assert message.startswith("x.json differs from tests/golden/x.json: first difference at line 3, column 1")
    assert "@@ -1,4 +1,4 @@\n one\n two\n-three\n+3\n four\n" in message
    assert message.endswith("run `make golden` if the change is intended")
    assert "line 5" in mismatch("x.json", expected, expected + b"five\n")
    far = b"".join(b"%d\n" % i for i in range(100))
    assert "@@ -49,5 +49,5 @@\n 48\n 49\n-50\n+L\n 51\n 52\n" in mismatch("x.json", far, far.replace(b"\n50\n", b"\nL\n"))
    assert "\\r\\n" in mismatch("x.json", expected, expected.replace(b"\n", b"\r\n"))


def write_golden() -> None:
    """Rewrite tests/golden (``make golden``); never called by the tests."""
    with tempfile.TemporaryDirectory() as tmp:
        shutil.rmtree(GOLDEN / "archive", ignore_errors=True)
        for name, path in render(Path(tmp)).items():
            (GOLDEN / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, GOLDEN / name)
            print(f"wrote tests/golden/{name}", file=sys.stderr)


if __name__ == "__main__":
    write_golden()
