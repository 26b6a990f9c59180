"""Command line: exit codes and messages (0 success, 1 data or configuration error, 2 usage)."""

import json
import os

import pytest
from click.testing import CliRunner

from bulletin.cli import main

from .conftest import daily_rows, write_csv


@pytest.fixture()
def runner():
    return CliRunner()


def test_help_for_every_command(runner):
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in ("generate", "validate", "check-data", "climatology", "status"):
        sub = runner.invoke(main, [command, "--help"])
        assert sub.exit_code == 0 and "Usage:" in sub.output


def test_validate_ok(runner):
    result = runner.invoke(main, ["validate"])
    assert result.exit_code == 0
    assert "is valid: 25 indicators" in result.output


def test_validate_reports_errors_with_exit_1(runner, tmp_path):
    bad = tmp_path / "cat.yaml"
    bad.write_text("catalogue: {id: x}\n", encoding="utf-8")
    result = runner.invoke(main, ["validate", "--catalogue", str(bad)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {bad}: the catalogue has")
    assert "catalogue.version: required key is missing" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_data_is_exit_1_naming_file_and_line(runner, tmp_path):
    p = write_csv(tmp_path / "x.csv", ["toktogul,volume,2026-11-20,lots,Mm3"])
    out = tmp_path / "out"
    result = runner.invoke(main, ["generate", "--data", str(p), "--out", str(out), "--issued-at", "2026-11-21T06:00"])
    assert result.exit_code == 1
    assert f"{p}: 1 problem(s)" in result.stderr and "line 2: value 'lots' is not a number" in result.stderr
    assert not out.exists()


@pytest.mark.parametrize(("args", "message"), [
    (["generate", "--period", "2026-13"], "'2026-13' is not a period"),
    (["generate", "--period", "2026-gs"], "bulletins are issued for a dekad or a month"),
    (["generate", "--lang", "fr"], "unknown language(s): fr"),
    (["generate", "--format", "docx"], "unknown format(s): docx"),
    (["generate", "--issued-at", "yesterday"], "--issued-at 'yesterday' is not an ISO 8601"),
    (["check-data", "--as-of", "soon"], "--as-of 'soon' is not an ISO 8601"),
    (["generate", "--templates", "/no/such/folder"], "'/no/such/folder' is not a folder of templates"),
    (["generate", "--templates", "/dev/null"], "'/dev/null' is not a folder of templates"),
    (["climatology", "--reference", "1990"], "--reference"),
])
def test_usage_errors_exit_2(runner, tmp_path, args, message):
    p = write_csv(tmp_path / "x.csv", ["toktogul,volume,2026-11-20,9000,Mm3"])
    result = runner.invoke(main, [*args, "--data", str(p)])
    assert result.exit_code == 2, result.output
    assert message in result.stderr


def test_unknown_option_is_exit_2(runner):
    result = runner.invoke(main, ["generate", "--colour", "red"])
    assert result.exit_code == 2


def _series_file(tmp_path):
    # a station outside the network, 1991-2020 Januaries: daily value = year - 1990 (1..30)
    rows = daily_rows("ala_archa", "discharge", "m3/s", "1991-01-01", "2020-01-31",
                      lambda d: float(d.year - 1990) if d.month == 1 else None)
    return write_csv(tmp_path / "ala.csv", rows)


def test_climatology_columns_and_values(runner, tmp_path):
    p = _series_file(tmp_path)
    out = tmp_path / "clim.csv"
    result = runner.invoke(main, ["climatology", "--data", str(p), "--resolution", "month", "--out", str(out),
                                  "--keep-unknown-stations"])
    assert result.exit_code == 0, result.output
    assert "station 'ala_archa' is not in the network syrdarya" in result.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "station,variable,unit,resolution,period_of_year,n_years,mean,p10,p25,p50,p75,p90"
    jan = lines[1].split(",")
    assert jan[:6] == ["ala_archa", "discharge", "m3/s", "month", "1", "30"]
    # values 1..30 at positions i/31: mean 15.5, P10 3.1, P25 7.75, P50 15.5, P75 23.25, P90 27.9
    assert jan[6:] == ["15.5", "3.1", "7.75", "15.5", "23.25", "27.9"]
    assert len(lines) == 1 + 12


def test_status_columns_and_categories(runner, tmp_path):
    p = _series_file(tmp_path)
    refused = runner.invoke(main, ["status", "--data", str(p), "--resolution", "month"])
    assert refused.exit_code == 1 and "unknown station 'ala_archa'" in refused.stderr  # as generate does
    result = runner.invoke(main, ["status", "--data", str(p), "--resolution", "month", "--keep-unknown-stations"])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "station,variable,resolution,unit,period,value,pct_of_norm,percentile,category"
    rows = {line.split(",")[4]: line.split(",") for line in lines[1:]}
    # 6 significant digits: 1/15.5 = 6.451612..%, rank 1 of 30 at 1/31 = 3.225806..%
    assert rows["1991-01"][3] == "m3/s"
    assert rows["1991-01"][5:] == ["1", "6.45161", "3.22581", "low"]
    assert rows["2020-01"][8] == "high"
    assert rows["2005-01"][8] == "normal"
    assert rows["1991-02"][8] == "no_data"


def test_check_data_writes_json_and_strict_fails_on_errors(runner, tmp_path):
    p = write_csv(tmp_path / "neg.csv", ["toktogul,release,2026-11-19,-5,m3/s", "toktogul,release,2026-11-20,600,m3/s"])
    out = tmp_path / "qc.json"
    result = runner.invoke(main, ["check-data", "--data", str(p), "--out", str(out), "--as-of", "2026-11-21"])
    assert result.exit_code == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    # the negative value is an error; without it the dekad has 1 good day of 10, below the 70 % rule
    assert report == [
        {"station": "toktogul", "variable": "release", "check": "completeness", "severity": "info",
         "days": 2, "runs": 1, "first": "2026-11-19", "last": "2026-11-20"},
        {"station": "toktogul", "variable": "release", "check": "negative", "severity": "error",
         "days": 1, "runs": 1, "first": "2026-11-19", "last": "2026-11-19"},
    ]
    strict = runner.invoke(main, ["check-data", "--data", str(p), "--strict", "--as-of", "2026-11-21"])
    assert strict.exit_code == 1 and "flagged as errors" in strict.stderr
    table = runner.invoke(main, ["check-data", "--data", str(p), "--as-of", "2026-11-21"])
    assert table.exit_code == 0 and "negative" in table.output and "completeness" in table.output
    # a value dated after --as-of is an error
    late = runner.invoke(main, ["check-data", "--data", str(p), "--strict", "--as-of", "2026-11-19"])
    assert late.exit_code == 1 and "future" in late.output


def test_check_data_strict_fails_on_data_without_a_value_as_generate_does(runner, tmp_path):
    p = tmp_path / "empty_yearbook.csv"
    p.write_text("".join(f'"{year}",' + ",".join([""] * 36) + "\n" for year in range(2020, 2027)), encoding="utf-8")
    options = ["--data", str(p), "--station", "toktogul", "--variable", "inflow", "--unit", "m3/s"]
    assert runner.invoke(main, ["check-data", *options]).exit_code == 0  # a report: every value is empty
    strict = runner.invoke(main, ["check-data", *options, "--strict"])
    assert strict.exit_code == 1 and "the data hold no value (84 rows, all empty) (--strict)" in strict.stderr
    generate = runner.invoke(main, ["generate", *options, "--format", "json", "--out", str(tmp_path / "out")])
    assert generate.exit_code == 1 and "the data hold no value" in generate.stderr


def test_failed_run_leaves_earlier_outputs_untouched(runner, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    earlier = out / "syrdarya-2026-11-d2.json"
    earlier.write_text("earlier bulletin", encoding="utf-8")
    p = write_csv(tmp_path / "x.csv", ["toktogul,volume,2026-11-20,9000,Mm3", "toktogul,volume,2026-11-20,9100,Mm3"])
    result = runner.invoke(main, ["generate", "--data", str(p), "--out", str(out)])
    assert result.exit_code == 1
    assert earlier.read_text(encoding="utf-8") == "earlier bulletin"
    assert sorted(os.listdir(out)) == ["syrdarya-2026-11-d2.json"]


def test_ssi_command_matches_the_library(runner, tmp_path):
    from bulletin.ssi import ssi_table

    p = _series_file(tmp_path)  # Januaries 1991-2020 only: value = year - 1990
    out = tmp_path / "ssi.csv"
    result = runner.invoke(main, ["ssi", "--data", str(p), "--scale", "1", "--out", str(out),
                                  "--keep-unknown-stations"])
    assert result.exit_code == 0, result.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "station,variable,period,scale,distribution,unit,ssi"
    rows = {line.split(",")[2]: [*line.split(",")[:5], line.split(",")[6]] for line in lines[1:]}
    import pandas as pd

    jan = pd.Series([float(y - 1990) for y in range(1991, 2021)],
                    index=pd.PeriodIndex([f"{y}-01" for y in range(1991, 2021)], freq="M"))
    expected = ssi_table(jan, 1, "gamma", (1991, 2020), station="ala_archa").set_index("period")["ssi"]
    assert float(rows["2005-01"][5]) == pytest.approx(expected["2005-01"], abs=1e-4)
    ssi = [float(rows[f"{y}-01"][5]) for y in range(1991, 2021)]
    assert ssi == sorted(ssi) and ssi[0] < 0 < ssi[-1]  # the index rises with the flow
    assert rows["1991-02"][5] == ""  # February has no data: no index


def test_ssi_needs_flows(runner, tmp_path):
    p = write_csv(tmp_path / "v.csv", ["toktogul,volume,2026-11-20,9000,Mm3"])
    result = runner.invoke(main, ["ssi", "--data", str(p)])
    assert result.exit_code == 2 and "no flow series" in result.stderr


def test_outputs_are_all_written_or_none(tmp_path):
    from bulletin.cli import write_all_atomic
    from bulletin.errors import BulletinError

    out = tmp_path / "out"
    out.mkdir()
    (out / "a.json").write_bytes(b"earlier a")
    (out / "b.html").mkdir()  # a folder where a file should go
    (out / "notes.txt").write_bytes(b"a file where a folder should be")
    for bad in (out / "b.html", out / "notes.txt" / "c.pdf"):
        with pytest.raises(BulletinError, match="earlier files are unchanged"):
            write_all_atomic({out / "a.json": b"new a", bad: b"new b"})
        assert (out / "a.json").read_bytes() == b"earlier a"
        assert sorted(p.name for p in out.iterdir()) == ["a.json", "b.html", "notes.txt"]
    write_all_atomic({out / "a.json": b"new a", out / "c.pdf": b"new c"})  # and when all is well, all is written
    assert (out / "a.json").read_bytes() == b"new a" and (out / "c.pdf").read_bytes() == b"new c"
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_outputs_are_readable_by_others_as_the_umask_allows(tmp_path):
    """Temporary files are created 0600; the published bulletin gets the mode of any new file."""
    import os
    import stat

    from bulletin.cli import write_all_atomic

    old = os.umask(0o022)
    try:
        write_all_atomic({tmp_path / "a.pdf": b"x"})
        assert stat.S_IMODE((tmp_path / "a.pdf").stat().st_mode) == 0o644
        os.umask(0o027)
        write_all_atomic({tmp_path / "b.pdf": b"x"})
        assert stat.S_IMODE((tmp_path / "b.pdf").stat().st_mode) == 0o640
    finally:
        os.umask(old)


def test_a_closed_pipe_is_not_an_error():
    """``bulletin i18n-status | head -1``: the reader leaves early; no 'internal error', exit 0."""
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    exe = shutil.which("bulletin") or str(Path(sys.executable).parent / "bulletin")
    proc = subprocess.Popen([exe, "i18n-status"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # the reader is gone before the first line is written
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert b"internal error" not in err and b"Traceback" not in err


@pytest.mark.parametrize("extra", [[], ["--allow-no-data"]])
def test_a_period_after_the_issue_time_is_refused_as_bad_usage(runner, tmp_path, extra):
    result = runner.invoke(main, ["generate", "--period", "2026-12-d1", "--format", "json", "--out", str(tmp_path),
                                  "--issued-at", "2026-11-21T06:00:00+05:00", *extra])
    assert result.exit_code == 2
    assert "2026-12-d1 begins on 2026-12-01, after the issue time 2026-11-21 06:00+0500" in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", [["generate"], ["check-data"], ["climatology"], ["scenario", "x.yaml"]])
def test_an_empty_out_is_a_usage_error(command):
    result = CliRunner().invoke(main, [*command, "--out", ""])
    assert result.exit_code == 2
    assert "'--out': is empty; name where to write" in result.output


def test_an_unknown_reader_is_a_usage_error():
    result = CliRunner().invoke(main, ["check-data", "--reader", "nonsense"])
    assert result.exit_code == 2
    assert "'nonsense' is not a reader; use one of csv, hydromet-long, netcdf, xlsx, yearbook, zarr" in result.output


def test_check_data_strict_fails_where_generate_would_refuse_the_latest_period(runner, tmp_path):
    p = write_csv(tmp_path / "one.csv", ["toktogul,volume,2026-11-01,11000,Mm3", "toktogul,volume,2026-11-02,11010,Mm3"])
    assert runner.invoke(main, ["check-data", "--data", str(p), "--as-of", "2026-11-21"]).exit_code == 0
    strict = runner.invoke(main, ["check-data", "--data", str(p), "--as-of", "2026-11-21", "--strict"])
    assert strict.exit_code == 1
    assert "Error (--strict): 'bulletin generate' would refuse these data: no dekad or month of the 36 up to " \
           "2026-10-d3 has data for at least 50% of the indicators" in strict.stderr
    generate = runner.invoke(main, ["generate", "--data", str(p), "--format", "json", "--out", str(tmp_path / "o"),
                                    "--issued-at", "2026-11-21T06:00:00+05:00"])
    assert generate.exit_code == 1 and "has data for at least 50% of the indicators" in generate.stderr
    assert runner.invoke(main, ["check-data", "--as-of", "2026-11-21", "--strict"]).exit_code == 0  # the sample


def test_stations_outside_the_network_are_named_up_to_twenty_then_counted(runner, tmp_path):
    # an archive of 25 stations outside the network: 20 notes by name, then one line with the rest's number
    path = tmp_path / "many.csv"
    path.write_text("station,variable,date,value,unit\n" + "".join(
        f"g{k:02d},discharge,2000-01-01,1,m3/s\n" for k in range(25)), encoding="utf-8")
    result = runner.invoke(main, ["check-data", "--keep-unknown-stations", "--data", str(path)])
    assert result.exit_code == 0, result.output
    named = [line for line in result.stderr.splitlines() if line.startswith("note: station '")]
    assert [line.split("'")[1] for line in named] == [f"g{k:02d}" for k in range(20)]
    assert "note: and 5 more stations (25 in all, up to 'g24') are not in the network syrdarya" in result.stderr


def _read_fifo(path, into: list):
    """Read the named pipe ``path`` to its end, in a thread (opening it waits for a writer)."""
    import threading

    def run():
        with open(path, "rb") as fh:
            into.append(fh.read())

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("command", [["status", "--resolution", "month"], ["check-data"]])
def test_out_to_a_pipe_or_device_writes_into_it_and_leaves_it_one(runner, tmp_path, command):
    # --out /dev/null or a named pipe: the bytes go into it; a file renamed over it would replace the device
    import os
    import stat

    data = _series_file(tmp_path)
    regular = tmp_path / "regular.csv"
    result = runner.invoke(main, [*command, "--data", str(data), "--keep-unknown-stations", "--out", str(regular)])
    assert result.exit_code == 0, result.output
    pipe = tmp_path / "pipe.csv"
    os.mkfifo(pipe)
    got: list = []
    reader = _read_fifo(pipe, got)
    result = runner.invoke(main, [*command, "--data", str(data), "--keep-unknown-stations", "--out", str(pipe)])
    assert result.exit_code == 0, result.output
    reader.join(timeout=30)
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)  # still a pipe, not a regular file put in its place
    assert got == [regular.read_bytes()] and got[0].count(b"\n") > 1
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("command", ["status", "climatology"])
def test_a_table_of_data_without_any_value_says_so(runner, tmp_path, command):
    data = write_csv(tmp_path / "empty.csv", ["naryn_uchkurgan,discharge,2020-01-01,,m3/s"])
    result = runner.invoke(main, [command, "--data", str(data), "--out", str(tmp_path / "t.csv")])
    assert result.exit_code == 0
    assert "note: the data hold no value (every value read is empty): the table has no period with a value" in (
        result.stderr)
