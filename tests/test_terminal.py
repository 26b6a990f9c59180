"""What the commands print is safe on a terminal: control and direction characters escaped, huge fields cut."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from bulletin.cli.base import terminal_safe

ESCAPES = "\x1b]0;owned\x07\x1b[2J\u202e\x9b"


@pytest.fixture
def hostile(tmp_path):
    path = tmp_path / f"data{ESCAPES}.csv"
    path.write_text("station,variable,date,value,unit\n"
                    f"st{ESCAPES}x,discharge,2020-01-01,-5,m3/s\n"
                    f"{'y' * 1_000_000},discharge,2020-01-01,5,m3/s\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("keep", [True, False])
def test_check_data_prints_nothing_raw(hostile, keep):
    args = ["check-data", "--data", str(hostile), *(["--keep-unknown-stations"] if keep else [])]
    done = subprocess.run([sys.executable, "-c", "import sys; from bulletin.cli import main; sys.argv[0] = 'bulletin'; "
                           "main()", *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == (0 if keep else 1)
    for stream in (done.stdout, done.stderr):
        assert not any(c in stream for c in "\x1b\x07\u202e\x9b")
    assert "\\x1b]0;owned\\x07" in done.stderr and "\\u202e" in done.stderr
    assert len(done.stderr) < 2_000  # the million-character id is cut to its ends
    assert re.search(r"\[1,000,00\d characters\]", done.stderr)  # the id and its quotes
    assert all(len(line) < 300 for line in done.stdout.splitlines())


def test_terminal_safe_keeps_line_breaks_tabs_and_words():
    assert terminal_safe("a\tb\nc Кызылорда") == "a\tb\nc Кызылорда"
    assert terminal_safe("\x00\x7f\u200f\u2066") == "\\x00\\x7f\\u200f\\u2066"
