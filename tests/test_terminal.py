"""What the commands print is safe on a terminal: control and direction characters escaped, huge fields cut."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from bulletin.cli.terminal import terminal_safe

ESCAPES = "\x1b]0;owned\x07\x1b[2J\u202e\x9b"


def run(args):
    return subprocess.run([sys.executable, "-c", "import sys; from bulletin.cli import main; sys.argv[0] = 'bulletin'; "
                           "main()", *args], capture_output=True, text=True, timeout=120)


def test_control_characters_in_an_id_and_a_file_name_are_escaped_in_the_error(tmp_path):
    path = tmp_path / f"data{ESCAPES}.csv"
    path.write_text(f"station,variable,date,value,unit\nst{ESCAPES}x,discharge,2020-01-01,-5,m3/s\n", encoding="utf-8")
    done = run(["check-data", "--data", str(path), "--keep-unknown-stations"])
    assert done.returncode == 1  # an id is printable text: refused at ingest, with its line
    for stream in (done.stdout, done.stderr):
        assert not any(c in stream for c in "\x1b\x07\u202e\x9b")
    assert "line 2: station 'st\\x1b]0;owned\\x07\\x1b[2J\\u202e\\x9bx' holds a control, line-break or direction " \
           "character (U+001B)" in done.stderr
    assert "data\\x1b]0;owned" in done.stderr  # the file name too


@pytest.mark.parametrize("command", ["check-data", "generate"])
def test_a_line_break_or_tab_in_an_id_cannot_forge_a_line(tmp_path, command):
    path = tmp_path / "data.csv"
    path.write_text('station,variable,date,value,unit\n"gamma\nFAKE: Bulletin ok, 0 alert",discharge,2020-01-01,5,m3/s\n'
                    "gam\tma,discharge,2020-01-01,5,m3/s\n", encoding="utf-8")
    more = ["--keep-unknown-stations"] if command == "check-data" else ["--out", str(tmp_path / "out"), "--format", "json"]
    done = run([command, "--data", str(path), *more])
    assert done.returncode == 1 and not (tmp_path / "out").exists()
    assert not any(line.startswith("FAKE") for line in (done.stdout + done.stderr).splitlines())
    assert "\t" not in done.stderr
    assert ("line 2: station 'gamma\\nFAKE: Bulletin ok, 0 alert' holds a control, line-break or direction "
            "character (U+000A)") in done.stderr
    assert "line 4: station 'gam\\tma' holds a control, line-break or direction character (U+0009)" in done.stderr


@pytest.mark.parametrize("keep", [True, False])
def test_a_huge_id_is_cut_in_messages_and_tables(tmp_path, keep):
    path = tmp_path / "data.csv"
    path.write_text(f"station,variable,date,value,unit\n{'y' * 1_000_000},discharge,2020-01-01,-5,m3/s\n",
                    encoding="utf-8")
    done = run(["check-data", "--data", str(path), *(["--keep-unknown-stations"] if keep else [])])
    assert done.returncode == (0 if keep else 1)
    assert len(done.stderr) < 2_000 and len(done.stdout) < 2_000
    assert re.search(r"\[1,000,00\d characters\]", done.stderr)  # the id and its quotes, cut to their ends


def test_terminal_safe_keeps_line_breaks_tabs_and_words():
    assert terminal_safe("a\tb\nc Кызылорда") == "a\tb\nc Кызылорда"
    assert terminal_safe("\x00\x7f\u200f\u2066") == "\\x00\\x7f\\u200f\\u2066"


def test_no_field_of_a_data_file_can_forge_a_line_of_an_error(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text('station,variable,date,value,unit\nnaryn_uchkurgan,"disch\nFAKE: Bulletin ok",2020-01-01,5,'
                    '"m3/s\tx"\n', encoding="utf-8")
    done = run(["check-data", "--data", str(path)])
    assert done.returncode == 1
    assert not any(line.startswith("FAKE") for line in done.stderr.splitlines()) and "\t" not in done.stderr
    assert "unknown variable 'disch\\nFAKE: Bulletin ok'" in done.stderr
