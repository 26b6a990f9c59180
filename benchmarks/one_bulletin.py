"""Bulletin benchmark: one bulletin against the floor of its own libraries, and WeasyPrint's layout per page.

Run with ``make bench-bulletin`` (``BULLETIN_ARGS``), or from the repository root with the
project's environment::

    .venv/bin/python benchmarks/one_bulletin.py                            # 3 runs of each case (a few minutes)
    .venv/bin/python benchmarks/one_bulletin.py --base /tmp/render_base    # and against an earlier copy of the code

Every case is a process of its own, its wall time taken around the process and its peak
resident memory from ``/usr/bin/time -v`` (else from ``getrusage``), as in
``benchmarks/outlook.py``. The machine is shared and its speed varies, so the cases are
alternated (their order turns every round), summarised by their medians, and the figures to
quote are the ratios, each of two cases measured in the same run. A first run of each command,
not counted, writes the pages the floors lay out and lists the modules the command imported.

1. One bulletin, ``bulletin generate --lang ru,en --format html,pdf,json`` on the embedded
   sample, against its floor: a process that imports every module the command imported and
   lays out the bulletin's own two HTML files with WeasyPrint
   (``bulletin.render.pdf.render_pdf``), one after the other. Target: at most 1.3 x.
2. WeasyPrint's layout per page: the floor process times each layout itself (seconds / pages
   of the PDF). With ``--base``, the same for the code in that folder (a copy of the commit
   before, ``git archive HEAD | tar -x -C /tmp/render_base``), its own bulletin laid out by its
   own ``render_pdf``. Target: at most half of the base's.
3. The PDF as the command makes it: the wall time the PDF adds to the bulletin (the median of
   ``--format html,pdf,json`` less the median of ``--format html,json``), per page, against the same
   for the base. This is the time a user waits for the pages, with the languages laid out side by
   side on the cores available (the base lays them out one after the other); item 2 is the work
   of one core.
4. JSON only, ``bulletin generate --format json``, against ``python -c "import bulletin.cli"``
   and against a process that imports every module the JSON command imported (the honest floor
   of its imports). Target: at most 1.5 x. Also timed: the same command with the pipeline told
   that no page is made (``run(figures=False)``, what the command does once it passes that on).

Every process runs with Python's bytecode cache, kept in the temporary folder
(``PYTHONPYCACHEPREFIX``, with ``PYTHONDONTWRITEBYTECODE`` unset), as an installed package has
it: the first runs, not counted, compile the modules. Without the cache each process compiles
the package's modules again, which adds the same tenths of a second to a command and to its
floor of imports and so makes their ratio look smaller than a user sees it.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from outlook import Case, gnu_time, measure, row  # noqa: E402

ISSUED_AT = "2026-11-21T06:00:00+05:00"
LANGS = ("ru", "en")
BULLETIN_TARGET = 1.3
LAYOUT_TARGET = 0.5
JSON_TARGET = 1.5
LISTED = ("import atexit, sys\n"
          "listing = sys.argv.pop(1)\n"
          "atexit.register(lambda: open(listing, 'w').write('\\n'.join(sorted(sys.modules))))\n"
          "{prelude}from bulletin.cli import main\n"
          "sys.argv[0] = 'bulletin'\n"
          "main()\n")
"""A ``bulletin`` command that writes, as it exits, the names of the modules it imported to the file given first."""
WITHOUT_FIGURES = "import functools\nimport bulletin.pipeline as p\np.run = functools.partial(p.run, figures=False)\n"


def import_listed(listing: Path) -> float:
    """Import every module named in ``listing`` (those that import on their own); the seconds it took."""
    start = time.perf_counter()
    for name in listing.read_text(encoding="utf-8").split():
        if name != "__main__" and not name.startswith("_"):
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001  (a module that only its package may import)
                pass
    return time.perf_counter() - start


def layout(report: Path, listing: Path, pages: list[Path]) -> None:
    """The floor process of a bulletin: its command's imports, then a layout of each page with ``render_pdf``, timed.

    Writes ``{"seconds": [per file], "imports": s}`` to ``report``.
    """
    imports = import_listed(listing)
    from datetime import datetime

    from bulletin.render.pdf import render_pdf

    seconds = []
    for page in pages:
        html = page.read_text(encoding="utf-8")
        t = time.perf_counter()
        render_pdf(html, created=datetime.fromisoformat(ISSUED_AT))
        seconds.append(time.perf_counter() - t)
    report.write_text(json.dumps({"seconds": seconds, "imports": imports}), encoding="utf-8")


def pdf_pages(path: Path) -> int:
    """Number of pages of a PDF (``pdfinfo``, else pypdf)."""
    try:
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
        return int(re.search(r"^Pages:\s+(\d+)", info, re.M)[1])
    except (OSError, subprocess.CalledProcessError):
        from pypdf import PdfReader

        return len(PdfReader(path).pages)


def command(args: list, prelude: str = "", listing: Path | None = None) -> list:
    """A ``bulletin`` command line in a fresh interpreter; with ``listing``, it lists its modules there."""
    code = LISTED.format(prelude=prelude)
    if listing is None:
        code = code.replace("listing = sys.argv.pop(1)\n", "").replace(
            "atexit.register(lambda: open(listing, 'w').write('\\n'.join(sorted(sys.modules))))\n", "")
        return [sys.executable, "-c", code, *args]
    return [sys.executable, "-c", code, str(listing), *args]


class Version:
    """The cases of one copy of the code (``base`` None: this one)."""

    def __init__(self, label: str, base: Path | None, workdir: Path):
        self.label, self.base = label, base
        self.out = workdir / label
        self.out.mkdir(parents=True, exist_ok=True)
        self.env = [] if base is None else ["env", f"PYTHONPATH={base}"]
        self.listing, self.report = self.out / "modules.txt", self.out / "layout.json"
        options = ["--issued-at", ISSUED_AT, "--lang", ",".join(LANGS)]
        self.args = ["generate", "--out", str(self.out), *options, "--format", "html,pdf,json"]
        self.bulletin = Case(f"{label}: bulletin ru+en html,pdf,json", [], command=self.env + command(self.args))
        pageless = ["generate", "--out", str(workdir / f"{label}-html"), *options, "--format", "html,json"]
        self.pageless = Case(f"{label}: bulletin ru+en html,json", [], command=self.env + command(pageless))
        self.floor = Case(f"{label}: floor its imports + layout of its pages", [], command=None)
        self.layouts: list[list[float]] = []
        self.imports: list[float] = []
        self.pages: list[int] = []

    def warm_up(self, use_time: bool, workdir: Path) -> float:
        """A first bulletin, not counted: the pages its floor lays out and the modules it imports."""
        first = Case(self.bulletin.name, [], command=self.env + command(self.args, listing=self.listing))
        measure(first, use_time, workdir)
        ident = next(self.out.glob(f"*.{LANGS[0]}.pdf")).name.removesuffix(f".{LANGS[0]}.pdf")
        htmls = [str(self.out / f"{ident}.{lang}.html") for lang in LANGS]
        self.floor.command = self.env + [sys.executable, __file__, "--layout", str(self.report), str(self.listing),
                                         *htmls]
        self.pages = [pdf_pages(self.out / f"{ident}.{lang}.pdf") for lang in LANGS]
        return first.seconds[-1]

    def collect_layout(self) -> None:
        report = json.loads(self.report.read_text(encoding="utf-8"))
        self.layouts.append(report["seconds"])
        self.imports.append(report["imports"])

    @property
    def layout_seconds(self) -> float:
        """Median over runs of the layout of all the languages' pages [s]."""
        return statistics.median(sum(s) for s in self.layouts)

    @property
    def per_page(self) -> float:
        return self.layout_seconds / sum(self.pages)

    @property
    def pdf_per_page(self) -> float:
        """Wall time the PDF adds to the command, per page [s] (median with the PDF less median without)."""
        return (self.bulletin.median - self.pageless.median) / sum(self.pages)


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] in ("--layout", "--imports"):
        here = Path(__file__).resolve().parent  # this file is bulletin.py: not the package of that name
        sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != here]
        if sys.argv[1] == "--layout":
            layout(Path(sys.argv[2]), Path(sys.argv[3]), [Path(p) for p in sys.argv[4:]])
        else:
            import_listed(Path(sys.argv[2]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="Runs of each case (default 3).")
    parser.add_argument("--base", type=Path, default=None,
                        help="A copy of the code to compare WeasyPrint's layout per page with (its repository root).")
    args = parser.parse_args()
    use_time = gnu_time()
    cores = len(os.sched_getaffinity(0))
    print(f"bulletin benchmark: {cores} cores, load average {os.getloadavg()[0]:.2f}, python {sys.version.split()[0]}; "
          f"peak memory from {'/usr/bin/time -v' if use_time else 'getrusage'}; {args.runs} run(s) of each case, "
          "alternated", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-bulletin-") as tmp:
        workdir = Path(tmp)
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # inherited by every process measured
        os.environ["PYTHONPYCACHEPREFIX"] = str(workdir / "bytecode")
        versions = [Version("this", None, workdir)]
        if args.base is not None:
            versions.append(Version("base", args.base.resolve(), workdir))
        json_args = ["generate", "--out", str(workdir / "json"), "--issued-at", ISSUED_AT, "--format", "json",
                     "--lang", ",".join(LANGS)]
        json_listing = workdir / "json-modules.txt"
        first = Case("json", [], command=command(json_args, listing=json_listing))
        measure(first, use_time, workdir)
        for v in versions:
            seconds = v.warm_up(use_time, workdir)
            print(f"  {v.label}: first bulletin {seconds:.2f} s, {sum(v.pages)} pages (not counted)", flush=True)
        imports = Case("floor: python -c 'import bulletin.cli'", [], command=[sys.executable, "-c", "import bulletin.cli"])
        json_imports = Case("floor: the json command's imports", [],
                            command=[sys.executable, __file__, "--imports", str(json_listing)])
        json_only = Case("bulletin json", [], command=command(json_args))
        json_lean = Case("bulletin json, run(figures=False)", [], command=command(json_args, WITHOUT_FIGURES))
        cases = [imports, json_imports, json_only, json_lean]
        for v in versions:
            cases += [v.floor, v.bulletin, v.pageless]
        for k in range(args.runs):
            for case in cases[k % len(cases):] + cases[:k % len(cases)]:
                measure(case, use_time, workdir)
                for v in versions:
                    if case is v.floor:
                        v.collect_layout()
                print(f"  {case.name}: {case.seconds[-1]:.2f} s, {case.peak_mib[-1]:.0f} MiB", flush=True)
    print()
    print(f"{'case':<50}{'runs':>5}{'median s':>10}{'min s':>9}{'max s':>9}{'peak MiB':>10}{'ratio':>8}")
    print(row(imports, None))
    print(row(json_imports, None))
    print(row(json_only, json_imports))
    print(row(json_lean, json_imports))
    for v in versions:
        print(row(v.floor, None))
        print(row(v.bulletin, v.floor))
        print(row(v.pageless, None))
    print()
    for v in versions:
        ratio = v.bulletin.median / v.floor.median
        print(f"{v.label}: one bulletin takes {ratio:.2f} x its floor ({statistics.median(v.imports):.2f} s of imports "
              f"and {v.layout_seconds:.2f} s of WeasyPrint's layout of its {sum(v.pages)} pages, "
              f"{v.per_page * 1000:.0f} ms per page)"
              + (f", {'within' if ratio <= BULLETIN_TARGET else 'ABOVE'} the target of {BULLETIN_TARGET} x"
                 if v.base is None else ""))
    if len(versions) > 1:
        this, base = versions
        share = this.per_page / base.per_page
        print(f"layout per page: {this.per_page * 1000:.0f} ms against {base.per_page * 1000:.0f} ms for the base "
              f"({base.base}): {share:.2f} x, {'within' if share <= LAYOUT_TARGET else 'ABOVE'} the target of "
              f"{LAYOUT_TARGET} x")
        share = this.pdf_per_page / base.pdf_per_page
        print(f"the PDF as the command makes it ({cores} cores), wall time per page: {this.pdf_per_page * 1000:.0f} ms "
              f"against {base.pdf_per_page * 1000:.0f} ms for the base: {share:.2f} x (what a user waits for; "
              "the target above is judged on the work of one core)")
    for case in (json_only, json_lean):
        for floor in (imports, json_imports):
            ratio = case.median / floor.median
            print(f"{case.name}: {ratio:.2f} x {floor.name.removeprefix('floor: ')}, "
                  f"{'within' if ratio <= JSON_TARGET else 'ABOVE'} the target of {JSON_TARGET} x")


if __name__ == "__main__":
    main()
