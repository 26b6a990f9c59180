"""The outlook in the machine-readable outputs: the results JSON block and the outlook CSV."""

from __future__ import annotations

import csv
import io
import json

import jsonschema
import pytest

from bulletin.render.json import OUTLOOK_COLUMNS, outlook_csv, results, schema
from bulletin.render.outputs import render_all

from .conftest import SAMPLE_PERIOD as PERIOD
from .conftest import generate

ID = f"syrdarya-{PERIOD}"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    """The sample's JSON and CSV outputs, generated twice into two folders."""
    folders = [tmp_path_factory.mktemp(f"outlook{k}") for k in range(2)]
    for out in folders:
        generate(out, "--period", PERIOD, "--format", "json,csv")
    return folders


def _doc(out) -> dict:
    return json.loads((out / f"{ID}.json").read_text(encoding="utf-8"))


def test_json_has_the_outlook_block_valid_against_the_schema(outputs):
    doc = _doc(outputs[0])
    jsonschema.validate(doc, schema())
    block = doc["outlook"]
    assert list(doc) == ["bulletin", "findings", "qc", "outlook"]
    assert block["issue_period"] == PERIOD
    assert [lead["label"] for lead in block["leads"]][:3] == ["d+1", "d+2", "d+3"]
    assert block["leads"][-1]["label"] == "season_end"
    assert block["excluded_year"] not in block["traces_years"] and block["traces_years"]
    assert all(-1 <= r <= 1 for r in block["rho"].values())
    left_out = {x["indicator"]: x["reason"] for x in block["left_out"]}
    assert "not simulated" in left_out["kazaly_stage"]
    assert not left_out.keys() & {i["indicator"] for i in block["indicators"]}


def test_toktogul_volume_rows_sum_to_one(outputs):
    block = _doc(outputs[0])["outlook"]
    toktogul = next(i for i in block["indicators"] if i["indicator"] == "toktogul_volume_low")
    assert [r["lead_label"] for r in toktogul["rows"]] == [lead["label"] for lead in block["leads"]]
    for row in toktogul["rows"]:
        assert sum(row["probabilities"].values()) == pytest.approx(1, abs=1e-3)
        assert row["p10"] <= row["median"] <= row["p90"] and row["unit"] == "km3"


def test_outlook_csv_has_one_row_per_indicator_and_lead(outputs):
    out = outputs[0]
    text = (out / f"{ID}.outlook.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == OUTLOOK_COLUMNS
    assert rows[0] == ["indicator", "lead", "period", "unit", "median", "p10", "p90", "p_normal", "p_watch",
                       "p_warning", "p_alert", "p_no_data"]
    block = _doc(out)["outlook"]
    expected = [(i["indicator"], r["lead_label"], r["period"]) for i in block["indicators"] for r in i["rows"]]
    assert [tuple(r[:3]) for r in rows[1:]] == expected
    assert len(rows) - 1 == sum(len(i["rows"]) for i in block["indicators"])
    for r in rows[1:]:
        assert sum(float(x) for x in r[7:]) == pytest.approx(1, abs=1e-3)


def test_same_inputs_give_the_same_bytes(outputs):
    a, b = outputs
    for name in (f"{ID}.json", f"{ID}.outlook.csv", f"{ID}.findings.csv"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_a_bulletin_without_outlook_has_no_block_and_no_csv():
    from datetime import datetime, timedelta, timezone

    from bulletin.pipeline import run

    issued = datetime(2026, 12, 3, 6, tzinfo=timezone(timedelta(hours=5)))
    monthly = run(period="2026-11", issued_at=issued)
    assert monthly.outlook is None and monthly.bulletin.outlook is None
    doc = results(monthly.bulletin)
    assert "outlook" not in doc and outlook_csv(doc) is None
    jsonschema.validate(doc, schema())
    names = render_all(monthly.bulletin, ["en"], ["json", "csv"])
    assert sorted(names) == sorted([f"{monthly.bulletin.id}.json", f"{monthly.bulletin.id}.findings.csv"])
