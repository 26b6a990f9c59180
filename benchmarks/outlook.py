"""Outlook benchmark: the 25-year hindcast, and the outlook's share of the time of one bulletin.

Run with ``make bench-outlook`` (``OUTLOOK_ARGS=--quick`` for a smaller run), or from the
repository root with the project's environment::

    .venv/bin/python benchmarks/outlook.py             # 25 years, 3 runs of each case (several minutes)
    .venv/bin/python benchmarks/outlook.py --quick     # 3 years, 2 runs, JSON only (about a minute)

Every case is a ``bulletin`` command run in a fresh process on the embedded sample, its wall
time taken around the process and its peak resident memory from ``/usr/bin/time -v`` (else
from ``getrusage`` of a wrapper process of its own). The machine is shared and its speed varies:
each measurement sits next to a floor measured in the same run, the two alternated (A B B A ...)
and summarised by their medians, and the figures to quote are the ratios.

1. The hindcast: ``bulletin verify`` over 25 hydrological years x 36 dekads (900 outlooks
   re-issued), against the floor ``bulletin verify`` over one dekad (reading, QC and the series
   store, and one outlook): ratio, and the time per re-issued outlook beyond the floor.
2. One bulletin: ``bulletin generate --format json`` (English), and ``--format html,pdf,json``
   in Russian and English, with and without the outlook (``--no-outlook``): the outlook's share
   of the bulletin's time, against the issue's target of at most 25 %.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

TIME = "/usr/bin/time"
TARGET_SHARE = 0.25
"""The issue's target: the outlook adds at most this share to the time of one bulletin."""
ISSUED_AT = "2026-11-21T06:00:00+05:00"
LAUNCH = [sys.executable, "-c", "import sys; from bulletin.cli import main; sys.argv[0] = 'bulletin'; main()"]
WRAPPER = ("import resource, subprocess, sys; code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode; "
           "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(code)")


@dataclass
class Case:
    """A command measured several times: wall times [s] and peak resident memory [MiB]."""

    name: str
    args: list
    seconds: list = field(default_factory=list)
    peak_mib: list = field(default_factory=list)
    command: list | None = None
    """The whole command line when the case is not a ``bulletin`` command (a floor written for comparison)."""

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def gnu_time() -> bool:
    """Whether /usr/bin/time is GNU time (``-v`` and ``-o``)."""
    if not (os.path.exists(TIME) and os.access(TIME, os.X_OK)):
        return False
    probe = subprocess.run([TIME, "-v", "true"], capture_output=True, text=True)
    return "Maximum resident set size" in probe.stderr


def measure(case: Case, use_time: bool, workdir: Path) -> None:
    """Run the case once in a fresh process; append its wall time and peak memory."""
    command = case.command or LAUNCH + case.args
    report = workdir / "time.txt"
    if use_time:
        command = [TIME, "-v", "-o", str(report)] + command
    else:
        command = [sys.executable, "-c", WRAPPER] + command
    start = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=workdir)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{case.name}: the command failed ({done.returncode}):\n{done.stderr[-2000:]}")
    if use_time:
        text = report.read_text(encoding="utf-8")
        kib = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)[1])
    else:
        kib = int(done.stderr.strip().splitlines()[-1])  # ru_maxrss: KiB on Linux
    case.seconds.append(seconds)
    case.peak_mib.append(kib / 1024)


def alternate(pair: tuple[Case, Case], runs: int, use_time: bool, workdir: Path) -> None:
    """Measure the two cases ``runs`` times each, in the order A B B A A B ... (drift hits both alike)."""
    for k in range(runs):
        order = pair if k % 2 == 0 else pair[::-1]
        for case in order:
            measure(case, use_time, workdir)
            print(f"  {case.name}: {case.seconds[-1]:.2f} s, {case.peak_mib[-1]:.0f} MiB", flush=True)


def row(case: Case, reference: Case | None) -> str:
    ratio = f"{case.median / reference.median:>8.2f}" if reference else f"{'':>8}"
    return (f"{case.name:<50}{len(case.seconds):>5}{case.median:>10.2f}{min(case.seconds):>9.2f}"
            f"{max(case.seconds):>9.2f}{statistics.median(case.peak_mib):>10.0f}{ratio}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 hydrological years, 2 runs of each, JSON bulletin only.")
    parser.add_argument("--years", type=int, default=None, help="Hydrological years of the hindcast (default 25).")
    parser.add_argument("--runs", type=int, default=None, help="Runs of each case (default 3).")
    parser.add_argument("--last-year", type=int, default=2025,
                        help="Hydrological year of the last issue dekads (the sample ends in 2026-11).")
    args = parser.parse_args()
    years = args.years or (3 if args.quick else 25)
    runs = args.runs or (2 if args.quick else 3)
    first, last = f"{args.last_year - years + 1}-10-d1", f"{args.last_year + 1}-09-d3"
    use_time = gnu_time()
    print(f"outlook benchmark: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}, python "
          f"{sys.version.split()[0]}; peak memory from {'/usr/bin/time -v' if use_time else 'getrusage'}; "
          f"{runs} run(s) of each case, alternated", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-outlook-") as tmp:
        workdir = Path(tmp)
        floor = Case("floor: verify 1 dekad", ["verify", "--from", f"{args.last_year}-10-d1", "--to",
                                              f"{args.last_year}-10-d1"])
        hindcast = Case(f"hindcast: verify {years} years x 36 dekads", ["verify", "--from", first, "--to", last])
        print(f"hindcast {first} ... {last}", flush=True)
        alternate((floor, hindcast), runs, use_time, workdir)
        pairs = []
        variants = [("json, en", ["--format", "json", "--lang", "en"])]
        if not args.quick:
            variants.append(("html,pdf,json, ru+en", ["--format", "html,pdf,json", "--lang", "ru,en"]))
        for label, extra in variants:
            base = ["generate", "--out", str(workdir / "out"), "--issued-at", ISSUED_AT, *extra]
            without = Case(f"bulletin {label}, --no-outlook", [*base, "--no-outlook"])
            with_ = Case(f"bulletin {label}, with the outlook", base)
            print(f"bulletin {label}", flush=True)
            alternate((without, with_), runs, use_time, workdir)
            pairs.append((without, with_))
            shutil.rmtree(workdir / "out", ignore_errors=True)
    print()
    print(f"{'case':<50}{'runs':>5}{'median s':>10}{'min s':>9}{'max s':>9}{'peak MiB':>10}{'ratio':>8}")
    print(row(floor, None))
    print(row(hindcast, floor))
    per_outlook = (hindcast.median - floor.median) / (years * 36 - 1)
    for without, with_ in pairs:
        print(row(without, None))
        print(row(with_, without))
    print()
    print(f"hindcast: {hindcast.median / floor.median:.1f} x the floor; {per_outlook * 1000:.0f} ms per outlook "
          f"re-issued beyond the floor ({years * 36} outlooks, peak {statistics.median(hindcast.peak_mib):.0f} MiB "
          f"against {statistics.median(floor.peak_mib):.0f} MiB)")
    for without, with_ in pairs:
        share = with_.median / without.median - 1
        verdict = "within" if share <= TARGET_SHARE else "ABOVE"
        print(f"{with_.name}: the outlook adds {share:+.1%} ({with_.median - without.median:.2f} s of "
              f"{with_.median:.2f} s), {verdict} the target of {TARGET_SHARE:.0%}")


if __name__ == "__main__":
    main()
