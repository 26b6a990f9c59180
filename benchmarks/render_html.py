"""Timing of :func:`bulletin.render.html.render_html` on the embedded sample.

Run from the repository root with the project's environment::

    .venv/bin/python benchmarks/render_html.py                 # 2026-11-d2, "en" and "ru", 5 calls each
    .venv/bin/python benchmarks/render_html.py --calls 9 --profile

The bulletin is built once (:func:`bulletin.pipeline.run`); each language is rendered once to
warm up (fonts, catalogues, caches), then ``--calls`` times, and the median wall time is printed.
``--profile`` prints the functions that took the most time over the timed calls (cProfile).
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
    args = parser.parse_args(argv)

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
