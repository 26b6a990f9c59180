"""Timing of :func:`bulletin.render.html.render_html` on the embedded sample.

Run from the repository root with the project's environment::

    .venv/bin/python benchmarks/render_html.py                 # 2026-11-d2, "en" and "ru", 5 calls each
    .venv/bin/python benchmarks/render_html.py --calls 9 --profile
    .venv/bin/python benchmarks/render_html.py --sequence      # three dekads, each rendered once per language

The bulletin is built once (:func:`bulletin.pipeline.run`); each language is rendered once to
warm up (fonts, catalogues, caches), then ``--calls`` times, and the median wall time is printed.
``--profile`` prints the functions that took the most time over the timed calls (cProfile).

``--sequence`` is closer to a backfill, where no bulletin is rendered twice: after one warm-up
render of another dekad, each bulletin of :data:`SEQUENCE` is rendered once in each language,
and the time of each call and their total are printed.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import time
from datetime import datetime

PERIOD = "2026-11-d2"
ISSUED_AT = "2026-11-21T06:00:00+05:00"
SEQUENCE = (("2026-11-d2", "2026-11-21T06:00:00+05:00"), ("2026-09-d3", "2026-10-01T10:00:00+05:00"),
            ("2026-04-d1", "2026-04-11T10:00:00+05:00"))
"""Bulletins of ``--sequence``: period and issue time."""
WARM_UP = ("2026-06-d2", "2026-06-21T10:00:00+05:00")
"""The bulletin ``--sequence`` renders first, untimed."""


def sequence(langs: list[str]) -> None:
    """Render each bulletin of :data:`SEQUENCE` once per language, after one warm-up render; print the times.

    Parameters
    ----------
    langs : list of str
        Languages, rendered in this order for each bulletin.
    """
    from bulletin.pipeline import run
    from bulletin.render.html import render_html

    def build(period, issued_at):
        return run(period=period, issued_at=datetime.fromisoformat(issued_at)).bulletin

    render_html(build(*WARM_UP), langs[0])
    bulletins = [(period, build(period, issued_at)) for period, issued_at in SEQUENCE]
    total = 0.0
    for period, bulletin in bulletins:
        for lang in langs:
            t0 = time.perf_counter()
            render_html(bulletin, lang)
            elapsed = time.perf_counter() - t0
            total += elapsed
            print(f"{period} {lang}: {elapsed:.3f} s")
    print(f"total {total:.3f} s over {len(bulletins) * len(langs)} calls")


def main(argv=None) -> None:
    """Time ``render_html`` per language and print the medians.

    Parameters
    ----------
    argv : list of str, optional
        Command-line arguments (default: ``sys.argv[1:]``).
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--period", default=PERIOD)
    parser.add_argument("--issued-at", default=ISSUED_AT)
    parser.add_argument("--langs", default="en,ru")
    parser.add_argument("--calls", type=int, default=5)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--sequence", action="store_true", help="three dekads, each rendered once per language")
    args = parser.parse_args(argv)
    if args.sequence:
        sequence(args.langs.split(","))
        return

    from bulletin.pipeline import run
    from bulletin.render.html import render_html

    bulletin = run(period=args.period, issued_at=datetime.fromisoformat(args.issued_at)).bulletin
    profile = cProfile.Profile() if args.profile else None
    for lang in args.langs.split(","):
        render_html(bulletin, lang)  # warm-up
        times = []
        for _ in range(args.calls):
            t0 = time.perf_counter()
            if profile is not None:
                profile.enable()
            render_html(bulletin, lang)
            if profile is not None:
                profile.disable()
            times.append(time.perf_counter() - t0)
        print(f"{lang}: median {statistics.median(times):.3f} s over {args.calls} calls "
              f"(min {min(times):.3f}, max {max(times):.3f})")
    if profile is not None:
        stats = pstats.Stats(profile)
        stats.sort_stats("tottime").print_stats(30)
        stats.sort_stats("cumulative").print_stats(50)


if __name__ == "__main__":
    main()
