"""Backfill benchmark: a hydrological year of dekads issued into an archive, against one bulletin.

Run with ``make bench-backfill`` (``BACKFILL_ARGS=--quick`` for JSON only), or from the
repository root with the project's environment::

    .venv/bin/python benchmarks/backfill.py            # JSON, then HTML+PDF in ru and en (about 15 minutes)
    .venv/bin/python benchmarks/backfill.py --quick    # JSON only (about 2 minutes)

The issue's targets, each measured side by side with its floor in the same run (alternated,
medians; peak memory from ``/usr/bin/time -v``):

1. ``bulletin backfill`` of the 36 dekads of the sample's last hydrological year with
   ``--format json`` takes at most 3 x one ``bulletin generate --format json``.
2. The same backfill with ``--format html,pdf,json --lang ru,en`` takes at most 36 x the
   WeasyPrint layout time of one bulletin (its Russian and English PDF, measured in this
   process on the same bulletin's HTML) divided by the cores used, plus 20 %.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from outlook import Case, gnu_time, measure, row  # noqa: E402

FIRST, LAST, PERIODS = "2025-10-d1", "2026-09-d3", 36
ONE_PERIOD = "2026-09-d3"
ONE_ISSUED_AT = "2026-10-01T10:00:00+05:00"  # the schedule's time for ONE_PERIOD (next day, 10:00 +05:00)
JSON_TARGET = 3.0
PAGES_MARGIN = 0.20


def layout_seconds() -> float:
    """WeasyPrint's time to lay out and write the Russian and English PDF of one bulletin (its HTML made before)."""
    from bulletin.pipeline import run
    from bulletin.render.html import render_html
    from bulletin.render.pdf import render_pdf

    b = run(period=ONE_PERIOD, issued_at=datetime.fromisoformat(ONE_ISSUED_AT)).bulletin
    pages = [render_html(b, lang) for lang in ("ru", "en")]
    start = time.perf_counter()
    for html in pages:
        render_pdf(html, created=b.issued_at)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="JSON only.")
    parser.add_argument("--runs", type=int, default=None, help="Runs of each case (default 3 for JSON, 2 for pages).")
    args = parser.parse_args()
    use_time = gnu_time()
    cores = len(os.sched_getaffinity(0))
    print(f"backfill benchmark: {cores} cores, load average {os.getloadavg()[0]:.2f}, python "
          f"{sys.version.split()[0]}; {FIRST} ... {LAST} ({PERIODS} dekads)", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-backfill-") as tmp:
        workdir = Path(tmp)
        one = Case("one bulletin, json", ["generate", "--format", "json", "--period", ONE_PERIOD, "--issued-at",
                                          ONE_ISSUED_AT, "--out", str(workdir / "one")])
        json_fill = Case(f"backfill {PERIODS} dekads, json", ["backfill", "--from", FIRST, "--to", LAST, "--format",
                                                             "json", "--archive", str(workdir / "arc")])
        runs = args.runs or 3
        for k in range(runs):
            for case in ((one, json_fill) if k % 2 == 0 else (json_fill, one)):
                shutil.rmtree(workdir / "arc", ignore_errors=True)
                measure(case, use_time, workdir)
                print(f"  {case.name}: {case.seconds[-1]:.2f} s, {case.peak_mib[-1]:.0f} MiB", flush=True)
        layouts, pages = [], None
        if not args.quick:
            pages = Case(f"backfill {PERIODS} dekads, html+pdf+json ru+en",
                         ["backfill", "--from", FIRST, "--to", LAST, "--format", "html,pdf,json", "--lang", "ru,en",
                          "--archive", str(workdir / "arc"), "--workers", str(cores)])
            for _ in range(args.runs or 2):
                layouts.append(layout_seconds())
                print(f"  WeasyPrint layout of one bulletin (ru+en): {layouts[-1]:.2f} s", flush=True)
                shutil.rmtree(workdir / "arc", ignore_errors=True)
                measure(pages, use_time, workdir)
                print(f"  {pages.name}: {pages.seconds[-1]:.2f} s, {pages.peak_mib[-1]:.0f} MiB", flush=True)
    print()
    print(f"{'case':<50}{'runs':>5}{'median s':>10}{'min s':>9}{'max s':>9}{'peak MiB':>10}{'ratio':>8}")
    print(row(one, None))
    print(row(json_fill, one))
    ratio = json_fill.median / one.median
    print(f"\njson: the backfill of {PERIODS} dekads takes {ratio:.2f} x one bulletin "
          f"({'within' if ratio <= JSON_TARGET else 'ABOVE'} the target of {JSON_TARGET:.0f} x)")
    if pages is not None:
        layout = statistics.median(layouts)
        budget = PERIODS * layout / cores * (1 + PAGES_MARGIN)
        print(row(pages, None))
        print(f"pages: the backfill takes {pages.median:.1f} s; the budget is {PERIODS} x {layout:.2f} s (layout of "
              f"one bulletin) / {cores} cores + {PAGES_MARGIN:.0%} = {budget:.1f} s: ratio {pages.median / budget:.2f} "
              f"({'within' if pages.median <= budget else 'ABOVE'} the target)")


if __name__ == "__main__":
    main()
