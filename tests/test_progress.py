"""Progress bars on long data commands: shown on a terminal only, and the output is the same either way."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pandas as pd

BULLETIN = [sys.executable, "-c", "from bulletin.cli import main; main()"]


def _archive(path: Path, stations: int = 3) -> Path:
    dates = pd.date_range("1991-01-01", "2000-12-31", freq="D")
    frames = [pd.DataFrame({"station": f"g{i}", "variable": "discharge", "date": dates.strftime("%Y-%m-%d"),
                            "value": 10.0 + i + (dates.day_of_year % 7), "unit": "m3/s"}) for i in range(stations)]
    pd.concat(frames).to_csv(path, index=False)
    return path


def _on_a_terminal(args: list[str]) -> str:
    """What the command writes on stderr when stderr is a terminal (stdout is a pipe)."""
    controller, terminal = pty.openpty()
    try:
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=terminal, stdin=subprocess.DEVNULL)
        os.close(terminal)
        seen = b""
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the terminal is closed when the command ends
                break
            if not chunk:
                break
            seen += chunk
        assert proc.wait(timeout=300) == 0, seen.decode("utf-8", "replace")
    finally:
        os.close(controller)
    return seen.decode("utf-8", "replace")


def test_bars_on_a_terminal_and_none_in_a_pipe(tmp_path):
    data = _archive(tmp_path / "archive.csv")
    common = ["status", "--keep-unknown-stations", "--data", str(data), "--reference", "full"]
    seen = _on_a_terminal([*BULLETIN, *common, "--out", str(tmp_path / "tty.csv")])
    assert "Reading 1 file(s)" in seen and "100%" in seen
    assert "Computing 3 series" in seen and "3/3" in seen
    piped = subprocess.run([*BULLETIN, *common, "--out", str(tmp_path / "pipe.csv")], capture_output=True,
                           text=True, check=True)
    assert "Computing" not in piped.stderr and "Reading" not in piped.stderr
    assert piped.stdout == f"wrote {tmp_path / 'pipe.csv'} (1080 rows)\n"
    assert (tmp_path / "tty.csv").read_bytes() == (tmp_path / "pipe.csv").read_bytes()
    assert len(pd.read_csv(tmp_path / "pipe.csv")) == 3 * 10 * 36
