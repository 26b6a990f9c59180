"""Broken inputs: one case per file of tests/data/bad (see its README.md), each with its exact outcome.

An input is either refused with a clear error (exit code 1; stderr starts with ``Error:``, names
the file and the line, cell or variable, says what is wrong and ``How to fix:``; never a
traceback) or read and flagged by quality control (exit code 0; the flag is in the
``check-data --out report.json`` report and the value is kept). The outcomes were checked by
hand against the files: line numbers count the header as line 1.

Also here: a failed ``generate`` leaves the output folder as it was, and two files of 200 MB
written in ``tmp_path`` (never committed).
"""

from __future__ import annotations

import json
import math
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from bulletin.cli import main
from bulletin.ingest import read_observations

from .conftest import write_csv

BAD = Path(__file__).parent / "data" / "bad"
NOT_INPUTS = ("README.md", "make_binaries.py")
AS_OF = "2026-11-21"
ISSUED_AT = "2026-11-21T06:00:00+00:00"
YEARBOOK = ("--station", "naryn_uchterek", "--variable", "discharge", "--unit", "m3/s")
NOT_A_NUMBER = "is not a number (use a point as decimal separator; leave the field empty for a missing value)"
KNOWN_UNITS = "(accepted: m3/s, l/s, Mm3, mln m3, hm3, km3, m3, m, cm)"
WRONG_WIDTH_HINT = ('How to fix: each line needs one value per header column, separated by commas; a field that '
                    'holds the separator must be quoted ("...").')


@dataclass(frozen=True)
class Error:
    """Exit 1. ``lines``: the first lines of stderr, exactly, without ``Error: `` ({path}: the file)."""

    lines: tuple[str, ...]
    command: str = "check-data"
    args: tuple[str, ...] = ()


@dataclass(frozen=True)
class Flagged:
    """Exit 0. ``report``: the whole check-data JSON report; ``kept``: (station, variable, date,
    value as read [canonical unit], NaN for a missing value; number of rows at that date)."""

    report: tuple[dict, ...]
    kept: tuple[str, str, str, float, int]
    args: tuple[str, ...] = ()


def flag(station, variable, check, severity, first, last, days, runs=1) -> dict:
    """One row of the check-data report, in the order of its columns."""
    return {"station": station, "variable": variable, "check": check, "severity": severity, "days": days,
            "runs": runs, "first": first, "last": last}


Q, V = ("naryn_uchkurgan", "discharge"), ("toktogul", "volume")

CASES: dict[str, Error | Flagged] = {
    # ---- not a data file, or not all of it -------------------------------------------------
    "empty.csv": Error(("{path}: the file is empty.",)),
    "header_only.csv": Error(("{path}: line 1: the header is followed by no observation.",), command="generate"),
    "truncated_mid_line.csv": Error((
        "{path}: 1 line(s) have the wrong number of fields:",
        "  line 11: 4 fields where the header has 5 (the last line ends without a line break: the file looks cut "
        "short)", WRONG_WIDTH_HINT)),
    "truncated.csv.gz": Error((
        "{path}: the compressed file is cut short: its data end in line 127 (after 6065 bytes of text), before the "
        "end of the gzip stream.",)),
    "png_renamed.csv": Error((
        "{path}: this is a PNG image, not a text data table (it starts with the bytes 89 50 4E 47).",),
        command="generate"),
    "html_page.csv": Error((
        "{path}: line 1: this is a web page (HTML), not a data table; a download may have returned a page (a login "
        "form or an error) instead of the file.",)),
    "not_a_workbook.xlsx": Error((
        "{path}: not a readable Excel workbook: it is a text file (line 1: 'station,variable,date,value,unit').",)),
    # ---- encodings and separators ------------------------------------------------------------
    "utf16.csv": Error((
        "{path}: line 1: the file is UTF-16 text; a data table must be UTF-8 (the Russian-locale CSV may also be "
        "cp1251).",)),
    "latin1_bytes.csv": Error((
        "{path}: line 5: the file is not UTF-8 (the byte 0xB3 at character 45 of the line); it was saved in another "
        "encoding.",)),
    "bom_mid_file.csv": Error((
        "{path}: line 7: a byte order mark (U+FEFF, the bytes EF BB BF) in the middle of the file: a second file "
        "was probably appended to this one.",)),
    "mixed_separators.csv": Error((
        "{path}: 2 line(s) have the wrong number of fields:",
        "  line 5: 1 field where the header has 5 (this line is separated by semicolons, the header by commas)",
        "  line 6: 1 field where the header has 5 (this line is separated by semicolons, the header by commas)",
        WRONG_WIDTH_HINT)),
    "decimal_comma_canonical.csv": Error((
        "{path}: 1 line(s) have the wrong number of fields:",
        "  line 5: 6 fields where the header has 5 (a decimal comma? this file separates fields with commas, so "
        "decimals take a point: 412.5)", WRONG_WIDTH_HINT)),
    "missing_column.csv": Error(("{path}: line 1: the header lacks the column(s) unit.",)),
    "quoted_multiline.csv": Error((
        "{path}: 1 problem(s) in the data:", f"  line 7: value '118З0' {NOT_A_NUMBER}")),
    # ---- fields ------------------------------------------------------------------------------
    "text_in_number.csv": Error(("{path}: 1 problem(s) in the data:", f"  line 4: value '4O9.8' {NOT_A_NUMBER}")),
    "missing_dash_canonical.csv": Error(("{path}: 1 problem(s) in the data:", f"  line 5: value '-' {NOT_A_NUMBER}")),
    "three_date_formats.csv": Error((
        "{path}: 2 problem(s) in the data:",
        "  line 6: date '15.11.2026' is not a date in the form YYYY-MM-DD",
        "  line 9: date '11/18/2026' is not a date in the form YYYY-MM-DD")),
    "february_31.csv": Error((
        "{path}: 1 problem(s) in the data:",
        "  line 10: date '2026-02-31' is not a date in the form YYYY-MM-DD: February 2026 has 28 days")),
    "unknown_unit.csv": Error((
        "{path}: 1 problem(s) in the data:",
        f"  line 6: unknown unit 'm3/day'; discharge is measured in m3/s {KNOWN_UNITS}")),
    "wrong_unit_dimension.csv": Error((
        "{path}: 1 problem(s) in the data:",
        "  line 2: unit 'm3/s' (flow) cannot be converted to 'Mm3' (volume); volume is measured in Mm3 "
        f"{KNOWN_UNITS}; on 10 rows, the first here")),
    "unknown_station.csv": Error((
        "{path}: 1 problem(s) in the data:",
        "  line 2: unknown station 'toktogull' (did you mean 'toktogul'?) on 10 rows, the first here"),
        command="generate"),
    "unknown_variable.csv": Error((
        "{path}: 1 problem(s) in the data:",
        "  line 2: unknown variable 'dischage' (did you mean 'discharge'? known: discharge, inflow, release, "
        "withdrawal, volume, level, stage) on 10 rows, the first here")),
    "duplicate_conflict.csv": Error((
        "{path}: 1 observation(s) are given twice with different values:",
        "  toktogul volume 2026-11-12: conflicting values at duplicate_conflict.csv line 3 (11838) and "
        "duplicate_conflict.csv line 8 (11383)",
        "How to fix: keep one value per station, variable and date."), command="generate"),
    # ---- other readers -----------------------------------------------------------------------
    "yearbook_35_values.csv": Error((
        "{path}: 1 row(s) of past years are short of values:",
        "  line 2: 35 values for 2023, where the rows have 36 (dekads); only the last year (2024) may end early"),
        args=YEARBOOK),
    "yearbook_bad_year.csv": Error((
        "{path}: 1 row(s) do not start with a year:",
        "  line 2: '2O22' is not a year (1800-2200); the first column holds the year"), args=YEARBOOK),
    "hydromet_unknown_type.csv": Error((
        "{path}: 1 unknown type(s) in the column 'type':",
        "  line 6: type 'H' is none of Q (discharge), P (precipitation, skipped), T (air temperature, skipped) on "
        "2 rows, the first here")),
    "xlsx_merged_header.xlsx": Error(("{path}: sheet 'toktogul' cells B1:C1: merged cells in the table.",)),
    "xlsx_text_value.xlsx": Error((
        "{path}: 1 problem(s) in the data:",
        "  sheet 'Sheet1' cell D5: value '11830 (est.)' is not a number (use a comma or a point as decimal "
        "separator; leave the field empty for a missing value)")),
    "netcdf_no_units.nc": Error((
        "{path}: variable 'discharge': no 'units' attribute, so its values cannot be converted.",)),
    "netcdf_no_time.nc": Error((
        "{path}: no time coordinate: the data variables have the dimensions 'discharge' (station), so no value "
        "has a date.",)),
    # ---- readable, flagged by quality control ------------------------------------------------
    "duplicate_identical.csv": Flagged(
        (flag(*V, "duplicates", "info", "2026-11-16", "2026-11-16", 1),), (*V, "2026-11-16", 11821, 2)),
    "unsorted_dates.csv": Flagged(
        (flag(*Q, "unsorted", "warning", "2026-11-16", "2026-11-16", 1),), (*Q, "2026-11-16", 412.6, 1)),
    "value_1e30.csv": Flagged(
        (flag(*Q, "implausible", "error", "2026-11-15", "2026-11-15", 1),), (*Q, "2026-11-15", 1e30, 1)),
    "infinite_value.csv": Flagged(
        (flag(*Q, "implausible", "error", "2026-11-18", "2026-11-18", 1),), (*Q, "2026-11-18", math.inf, 1)),
    "negative_discharge.csv": Flagged(
        (flag(*Q, "negative", "error", "2026-11-17", "2026-11-17", 1),), (*Q, "2026-11-17", -412.6, 1)),
    "sentinel_9999.csv": Flagged(
        (flag(*Q, "spike", "warning", "2026-11-16", "2026-11-16", 1),), (*Q, "2026-11-16", 9999, 1)),
    "missing_nd_russian.csv": Flagged(
        (flag(*Q, "gaps", "info", "2026-11-16", "2026-11-16", 1),), (*Q, "2026-11-16", math.nan, 1)),
    "future_date.csv": Flagged((
        # Nov 20 typed as Dec 20: the value is in the future, Nov 20 to Dec 19 are missing, and the
        # dekads from Nov 21 to Dec 20 hold no good value (the future one is an error)
        flag(*V, "completeness", "info", "2026-11-21", "2026-12-20", 30),
        flag(*V, "future", "error", "2026-12-20", "2026-12-20", 1),
        flag(*V, "gaps", "info", "2026-11-20", "2026-12-19", 30),
    ), (*V, "2026-12-20", 11803, 1)),
    "volume_above_capacity.csv": Flagged(
        (flag(*V, "above_capacity", "error", "2026-11-16", "2026-11-16", 1),), (*V, "2026-11-16", 25821, 1)),
    "level_out_of_range.csv": Flagged(
        (flag("toktogul", "level", "level_range", "warning", "2026-11-16", "2026-11-20", 5),),
        ("toktogul", "level", "2026-11-18", 902.0, 1)),
}


@pytest.fixture()
def runner():
    return CliRunner()


def _invoke(runner, command: str, path: Path, tmp_path: Path, args=()):
    if command == "generate":
        cli = ["generate", "--data", str(path), "--out", str(tmp_path / "out"), "--issued-at", ISSUED_AT,
               "--format", "json"]
    else:
        cli = ["check-data", "--data", str(path), "--as-of", AS_OF, "--out", str(tmp_path / "report.json")]
    return runner.invoke(main, [*cli, *args])


def _assert_clear_error(result, expected: list[str]) -> None:
    """Exit 1, ``Error:`` then exactly ``expected``, a ``How to fix:`` line, no traceback."""
    stderr = result.stderr
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in stderr and "internal error" not in stderr
    lines = stderr.rstrip("\n").split("\n")
    assert lines[: len(expected)] == ["Error: " + expected[0], *expected[1:]]
    assert sum(line.startswith("How to fix: ") for line in lines) == 1
    assert lines[-1].startswith("How to fix: ") and len(lines[-1]) > len("How to fix: ") + 10


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input(name, runner, tmp_path, network):
    path = BAD / name
    case = CASES[name]
    if isinstance(case, Error):
        result = _invoke(runner, case.command, path, tmp_path, case.args)
        _assert_clear_error(result, [line.replace("{path}", str(path)) for line in case.lines])
        assert result.stdout == ""
        assert not (tmp_path / "report.json").exists() and not (tmp_path / "out").exists()  # nothing written
        return
    result = _invoke(runner, "check-data", path, tmp_path, case.args)
    assert result.exit_code == 0, result.stderr
    assert "Error" not in result.stderr
    assert json.loads((tmp_path / "report.json").read_text(encoding="utf-8")) == list(case.report)
    # QC flags; it deletes nothing: the value is there as read
    station, variable, day, value, n = case.kept
    f = read_observations([path], network).frame
    at = f[(f["station"] == station) & (f["variable"] == variable) & (f["date"] == pd.Timestamp(day))]
    assert len(at) == n
    np.testing.assert_array_equal(at["value"].to_numpy(), np.full(n, value))


def test_every_file_has_a_case_and_a_readme_row():
    files = sorted(p.name for p in BAD.iterdir() if p.name not in NOT_INPUTS)
    assert files == sorted(CASES)
    assert len(files) >= 30
    readme = (BAD / "README.md").read_text(encoding="utf-8")
    rows = sorted(line.split("`")[1] for line in readme.splitlines() if line.startswith("| `"))
    assert rows == files
    assert all((BAD / name).stat().st_size < 20_000 for name in files)


# ---- a failed run touches nothing --------------------------------------------------------------

EARLIER = {"syrdarya-2026-11-d2.json": b'{"bulletin": {"id": "syrdarya-2026-11-d2"}}\n',
           "syrdarya-2026-11-d2.ru.html": "<html>бюллетень</html>\n".encode(),
           "syrdarya-2026-11-d2.findings.csv": b"indicator,station\n"}


def _snapshot(folder: Path) -> dict:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("name", ["truncated_mid_line.csv", "png_renamed.csv", "duplicate_conflict.csv",
                                  "all_values_flagged"])
def test_failed_generate_leaves_the_output_folder_untouched(name, runner, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    for file, payload in EARLIER.items():
        (out / file).write_bytes(payload)
    before = _snapshot(out)
    if name == "all_values_flagged":  # readable, but QC flags every value as an error: fails after QC
        data = write_csv(tmp_path / "neg.csv", [("toktogul", "release", f"2026-11-{d}", -5, "m3/s")
                                                for d in range(11, 21)])
    else:
        data = BAD / name
    result = runner.invoke(main, ["generate", "--data", str(data), "--out", str(out), "--issued-at", ISSUED_AT,
                                  "--format", "json,csv,html"])
    assert result.exit_code == 1 and result.stderr.startswith("Error: ")
    assert "Traceback" not in result.stderr
    assert _snapshot(out) == before  # same files, same bytes, not rewritten; no temporary file left
    report = tmp_path / "report.json"
    report.write_bytes(b"[]\n")
    stamp = report.stat().st_mtime_ns
    failed = runner.invoke(main, ["check-data", "--data", str(data), "--as-of", AS_OF, "--out", str(report)])
    if name != "all_values_flagged":  # check-data reports those flags: it does not fail
        assert failed.exit_code == 1
        assert report.read_bytes() == b"[]\n" and report.stat().st_mtime_ns == stamp
    assert not [f for f in os.listdir(tmp_path) if f.startswith(".")]  # no temporary file


# ---- 200 MB -------------------------------------------------------------------------------------

def _big_canonical_csv(path: Path, size: int = 200_000_000) -> tuple[int, str]:
    """A national archive in the canonical CSV: daily discharge 1961-2020 of as many gauges as
    make ``size`` bytes, valid but for one value typed with a letter O, 50 lines before the end
    of the file. Returns (its line number, the bad value)."""
    dates = pd.date_range("1961-01-01", "2020-12-31", freq="D").strftime("%Y-%m-%d").tolist()
    values = [f"{v:.1f}" for v in np.random.default_rng(7).uniform(20, 900, 4096)]
    block = [f"{{}},discharge,{d},{values[(k * 7) % 4096]},m3/s\n" for k, d in enumerate(dates)]
    per_series = len("".join(block).format(*(["gauge_000"] * len(dates))))
    n_series = math.ceil(size / per_series)
    bad_at, bad = len(dates) - 50, "41O.5"
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("station,variable,date,value,unit\n")
        for s in range(n_series):
            station = f"gauge_{s:03d}"
            lines = [b.format(station) for b in block]
            if s == n_series - 1:
                lines[bad_at] = f"{station},discharge,{dates[bad_at]},{bad},m3/s\n"
            fh.write("".join(lines))
    return 1 + (n_series - 1) * len(dates) + bad_at + 1, bad


def test_200_mb_canonical_csv_with_one_bad_value_near_the_end(runner, tmp_path):
    path = tmp_path / "archive.csv"
    line, bad = _big_canonical_csv(path)
    assert path.stat().st_size >= 200_000_000
    start = time.perf_counter()
    result = runner.invoke(main, ["check-data", "--data", str(path), "--as-of", AS_OF, "--keep-unknown-stations",
                                  "--out", str(tmp_path / "report.json")])
    elapsed = time.perf_counter() - start
    _assert_clear_error(result, [f"{path}: 1 problem(s) in the data:", f"  line {line}: value '{bad}' {NOT_A_NUMBER}"])
    assert not (tmp_path / "report.json").exists()
    assert elapsed < 120, f"{elapsed:.0f} s to read 200 MB"  # about 15 s on 2 cores


def test_200_mb_of_nul_bytes_fails_fast(runner, tmp_path):
    """A copy interrupted by a crash leaves a file of the right size full of NUL bytes: refused
    from its first bytes, without reading 200 MB."""
    path = tmp_path / "toktogul.csv"
    with open(path, "wb") as fh:
        fh.truncate(200 * 2**20)  # sparse: costs no disk
    start = time.perf_counter()
    result = runner.invoke(main, ["check-data", "--data", str(path), "--as-of", AS_OF])
    elapsed = time.perf_counter() - start
    _assert_clear_error(result, [f"{path}: line 1: a NUL byte (0x00): this is a binary file, or a text file "
                                 "damaged by an interrupted copy."])
    assert elapsed < 5


# ---- what the new refusals must not refuse --------------------------------------------------

def test_valid_look_alikes_still_read(tmp_path, network):
    """Two gzip members joined (``cat a.gz b.gz``) are one file; a missing value in the
    Russian-locale CSV written as a dash is missing; a yearbook's last year may end early."""
    import gzip

    a = b"station,variable,date,value,unit\ntoktogul,volume,2026-11-19,11808,Mm3\n"
    joined = tmp_path / "joined.csv.gz"
    joined.write_bytes(gzip.compress(a) + gzip.compress(b"toktogul,volume,2026-11-20,11803,Mm3\n"))
    assert read_observations([joined], network).frame["value"].tolist() == [11808, 11803]
    ru = tmp_path / "ru.csv"
    ru.write_text("станция;переменная;дата;значение;единица\ntoktogul;объём;19.11.2026;-;млн м3\n"
                  "toktogul;объём;20.11.2026;11 803;млн м3\n", encoding="utf-8")
    assert np.isnan(read_observations([ru], network).frame["value"].to_numpy()).tolist() == [True, False]
    yb = tmp_path / "yb.csv"
    yb.write_text("2022," + ",".join(["1"] * 36) + "\n2023,1,2,3\n", encoding="utf-8")
    obs = read_observations([yb], network, station="naryn_uchterek", variable="discharge", unit="m3/s")
    assert len(obs.frame) == 36 + 3


def test_unknown_stations_are_reported_once_each_in_order_of_first_appearance(tmp_path):
    """Interleaved rows of three unknown codes: one problem each, at its first line, with its count (hand-counted)."""
    from bulletin.errors import IngestError
    from bulletin.ingest import read_observations
    from bulletin.network import load_network

    path = tmp_path / "mixed.csv"
    codes = ["zz1", "zz2", "zz1", "zz3", "zz2", "zz1"]
    path.write_text("station,variable,date,value,unit\n" + "".join(
        f"{c},discharge,2026-11-{k + 1:02d},1.5,m3/s\n" for k, c in enumerate(codes)), encoding="utf-8")
    with pytest.raises(IngestError) as caught:
        read_observations([path], load_network(None))
    assert caught.value.message == f"{path}: 3 problem(s) in the data:"
    assert caught.value.details == ["line 2: unknown station 'zz1' on 3 rows, the first here",
                                    "line 3: unknown station 'zz2' on 2 rows, the first here",
                                    "line 5: unknown station 'zz3'"]
