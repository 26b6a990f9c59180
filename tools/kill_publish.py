"""Kill ``bulletin publish`` at random moments and check the archive after each kill.

    .venv/bin/python tools/kill_publish.py [--kills 50] [--seed 1] [--format json,csv,netcdf]

An archive is first filled with one issue. Then, again and again, ``bulletin publish`` of the
next dekad (or, once that is in, a revision of it) is started in a child process and killed
with SIGKILL after a random delay: half drawn over the whole length of a publish, half over its
last quarter, where its files are written and the new generation is committed. After every kill
the archive must be exactly as before the kill or complete with the new issue: every file the
manifest lists exists, the JSON of each parses, the index and the feed are there, and the
files seen through ``current`` are either the earlier ones or a superset made by one publish.
A publish that was not killed (the delay was longer than it) counts as complete. Prints how
many kills left the archive as before, how many complete, and any damage (exit 1).
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

LAUNCH = [sys.executable, "-c", "import sys; from bulletin.cli import main; sys.argv[0] = 'bulletin'; main()"]


def snapshot(root: Path) -> dict | None:
    cur = root / "current"
    if not cur.is_symlink():
        return None
    base = cur.resolve()
    return {p.relative_to(base).as_posix(): p.stat().st_ino for p in base.rglob("*") if p.is_file()}


def damage(root: Path) -> list[str]:
    """What is wrong with the archive as a reader sees it; [] when it is whole."""
    problems = []
    try:
        manifest = json.loads((root / "archive.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [f"manifest: {exc}"]
    for issue in manifest["issues"]:
        for rev in issue["revisions"]:
            for f in rev["files"]:
                path = root / rev["folder"] / f["name"]
                if not path.is_file():
                    problems.append(f"missing {path}")
                elif f["kind"] == "json":
                    try:
                        json.loads(path.read_text(encoding="utf-8"))
                    except ValueError as exc:
                        problems.append(f"{path}: {exc}")
    for name in ("index.html", "feed.atom"):
        if not (root / name).is_file():
            problems.append(f"missing {name}")
    return problems


def issues_of(root: Path) -> list:
    manifest = json.loads((root / "archive.json").read_text(encoding="utf-8"))
    return [(i["period"], len(i["revisions"])) for i in manifest["issues"]]


def publish(root: Path, period: str, minutes: int, formats: str, reason: str | None) -> list[str]:
    """The command issuing ``period`` ``minutes`` after 10:00 +05:00 of the day after it (a revision with ``reason``)."""
    day = "2026-11-21" if period.endswith("d2") else "2026-11-11"
    when = datetime.fromisoformat(f"{day}T10:00:00+05:00") + timedelta(minutes=minutes)
    args = ["publish", "--archive", str(root), "--period", period, "--format", formats, "--issued-at", when.isoformat()]
    return LAUNCH + args + (["--reason", reason] if reason else [])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--format", default="json,csv,netcdf")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="kill-publish-") as tmp:
        root = Path(tmp) / "arc"
        subprocess.run(publish(root, "2026-11-d1", 0, args.format, None), check=True, capture_output=True)
        start = time.perf_counter()
        subprocess.run(publish(root, "2026-11-d2", 0, args.format, None), check=True, capture_output=True)
        length = time.perf_counter() - start
        print(f"one publish takes {length:.1f} s; killing {args.kills} times at random moments in "
              f"[0, {1.1 * length:.1f}] s (half of them after {0.75 * length:.1f} s)", flush=True)
        outcome = {"as before": 0, "complete": 0}
        bad = []
        for k in range(args.kills):
            before, issues_before = snapshot(root), issues_of(root)
            command = publish(root, "2026-11-d2", k + 1, args.format, f"correction {k}")
            child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            # half the kills anywhere, half in the last quarter, where the files are written and committed
            time.sleep(rng.uniform(0, 1.1 * length) if k % 2 == 0 else rng.uniform(0.75 * length, 1.05 * length))
            child.send_signal(signal.SIGKILL)
            child.wait()
            problems = damage(root)
            after, issues_after = snapshot(root), issues_of(root)
            if after == before and issues_after == issues_before:
                outcome["as before"] += 1
            elif (issues_after[:-1] == issues_before[:-1] and issues_after[-1][1] == issues_before[-1][1] + 1
                  and all(after.get(name) == inode for name, inode in before.items() if name.startswith("issues/"))):
                outcome["complete"] += 1
            else:
                gone, new = sorted(set(before) - set(after)), sorted(set(after) - set(before))
                problems.append(f"the archive is neither as before nor one whole publish further: issues "
                                f"{issues_before[-1]} -> {issues_after[-1]}, {len(gone)} files gone ({gone[:3]}), "
                                f"{len(new)} new")
            if problems:
                bad.append((k, problems))
                print(f"kill {k}: DAMAGED: {problems[:3]}", flush=True)
        leftovers = [p.name for p in (root / "generations").iterdir() if p.name.startswith(".tmp")]
        subprocess.run(publish(root, "2026-11-d2", args.kills + 1, args.format, "final"), capture_output=True)
        cleaned = not [p for p in (root / "generations").iterdir() if p.name.startswith(".tmp")]
        print(f"{args.kills} kills: {outcome['as before']} left the archive as before, {outcome['complete']} "
              f"complete, {len(bad)} damaged; {len(leftovers)} temporary folder(s) left before the next publish, "
              f"{'removed' if cleaned else 'NOT removed'} by it")
        sys.exit(1 if bad or not cleaned else 0)


if __name__ == "__main__":
    main()
