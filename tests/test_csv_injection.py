"""CSV outputs are spreadsheet-safe: a station id that a spreadsheet would run as a formula is written as text."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from bulletin.cli import main
from bulletin.tables import csv_text, spreadsheet_safe

HOSTILE = ["=HYPERLINK(\"http://example.invalid/x\",\"click\")", "+SUM(1+1)", "@SUM(A1:A9)", "-2+3", "=cmd|' /C calc'!A0"]


@pytest.fixture(scope="module")
def hostile_data(tmp_path_factory) -> str:
    """12 years of daily discharge at five stations whose ids are formulas."""
    days = pd.date_range("2000-01-01", "2011-12-31", freq="D")
    rng = np.random.default_rng(1)
    frames = [pd.DataFrame({"station": sid, "variable": "discharge", "date": days.strftime("%Y-%m-%d"),
                            "value": np.round(rng.gamma(4, 10, days.size), 1), "unit": "m3/s"}) for sid in HOSTILE]
    path = tmp_path_factory.mktemp("hostile") / "hostile.csv"
    pd.concat(frames).to_csv(path, index=False)
    return str(path)


@pytest.mark.parametrize("command", [
    ["check-data", "--as-of", "2012-01-01"],
    ["climatology", "--reference", "full"],
    ["status", "--reference", "full", "--resolution", "month"],
    ["ssi", "--reference", "full"],
])
def test_every_data_command_writes_formula_ids_as_text(hostile_data, tmp_path, command):
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(main, [*command, "--data", hostile_data, "--keep-unknown-stations", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    stations = {row[0] for row in rows[1:]}
    assert stations == {"'" + s for s in HOSTILE if s != "-2+3"} | {"'-2+3"}
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "@")), row
            assert not cell.startswith("-") or _number(cell), row


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_numbers_and_plain_text_are_unchanged():
    frame = pd.DataFrame({"station": pd.Categorical(["-5", "a", "=x"]), "value": [-1.5, 2.0, np.nan],
                          "note": ["-inf", "+3", "ok"]})
    assert csv_text(frame) == "station,value,note\n-5,-1.5,'-inf\na,2,+3\n'=x,,ok\n"  # numbers stay numbers
    assert spreadsheet_safe("\tcmd") == "'\tcmd" and spreadsheet_safe("\r=1") == "'\r=1"


def test_the_findings_and_outlook_csv_write_formula_texts_as_text():
    from bulletin.render.json import findings_csv, outlook_csv

    finding = {"indicator": "=HYPERLINK(\"http://x\")", "station": "toktogul", "variable": "volume",
               "period": "2026-11-d2", "value": -1.5, "unit": "@km3", "level": "normal", "norm": None,
               "pct_of_norm": None, "percentile": None, "category": "normal", "last_year": None,
               "previous_period": None, "coverage": 1.0, "qc_flags": [], "rule": {"id": "+R1"}, "state": "new"}
    rows = list(csv.reader(io.StringIO(findings_csv({"findings": [finding]}))))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert (row["indicator"], row["unit"], row["rule_id"], row["value"]) == (
        "'=HYPERLINK(\"http://x\")", "'@km3", "'+R1", "-1.5")
    outlook = {"outlook": {"indicators": [{"rows": [{"indicator": "-x", "lead_label": "d+1", "period": "2026-11-d3",
                                                     "unit": "m3/s", "median": 1.0, "p10": None, "p90": 2.0,
                                                     "probabilities": {"normal": 1.0}}]}]}}
    rows = list(csv.reader(io.StringIO(outlook_csv(outlook))))
    assert rows[1][:4] == ["'-x", "d+1", "2026-11-d3", "m3/s"]
