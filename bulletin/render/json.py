"""The results JSON (DESIGN.md), the findings CSV and the outlook CSV, validated against the packaged schema."""

from __future__ import annotations

import csv
import io
import json
import math
from functools import lru_cache
from pathlib import Path

from ..errors import RenderError
from ..tables import spreadsheet_safe

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema" / "results.schema.json"


def _round(x, ndigits: int = 4):
    if isinstance(x, float):
        return None if math.isnan(x) else round(x, ndigits)
    if isinstance(x, dict):
        return {k: _round(v, ndigits) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_round(v, ndigits) for v in x]
    return x


def results(bulletin) -> dict:
    """The results document of one bulletin: metadata, findings, QC flags, and the outlook of a dekad bulletin.

    ``outlook`` (last, absent when the bulletin carries none) is the outlook's own JSON form
    (:meth:`bulletin.outlook.Outlook.as_json`), rounded as every number of the document.
    """
    b = bulletin
    doc = {
        "bulletin": {
            "id": b.id,
            "issue_number": b.issue_number,
            "period": b.period.label,
            "period_start": b.period.start.isoformat(),
            "period_end": b.period.end.isoformat(),
            "issued_at": b.issued_at.isoformat(),
            "catalogue": b.catalogue.as_json() | {"status": b.catalogue.status},
            "software_version": b.software_version,
            "schema_version": b.schema_version,
            "inputs": [{"path": i.path, "sha256": i.sha256} for i in b.inputs],
            "reference_period": b.reference_period,
            "sample_data": b.sample_data,
            "not_in_season": list(b.not_in_season),
            "not_evaluated": [{"indicator": i, "reason": reason} for i, reason in b.not_evaluated],
            "issuer": None if b.issuer is None else b.issuer.as_json(),
            "next_issue": None if b.next_issue_at is None else {
                "period": b.next_period.label, "issued_at": b.next_issue_at.isoformat()},
        },
        "findings": [finding_json(r) for r in b.rows],
        "qc": [{"station": r.station, "variable": r.variable, "check": r.check, "severity": r.severity,
                "first": r.first, "last": r.last, "days": r.days, "sentence": r.sentence} for r in b.qc_records],
    }
    if b.revision is not None:
        doc["bulletin"]["revision"] = b.revision.as_json()
    if b.since_previous is not None:
        doc["changes_since_previous"] = b.since_previous.as_json()
    if b.outlook is not None:
        doc["outlook"] = b.outlook.as_json()
    return _round(doc)


def finding_json(row) -> dict:
    """A finding of the results JSON, with ``archive_norm`` after ``norm`` when its archive publishes a norm.

    ``instruction`` is the catalogue's text for the finding's level, per language (null when none).

    The finding's own fields are in the units of its indicator, whatever unit the bulletin shows
    volumes in; ``archive_norm`` is in the finding's unit too.
    """
    out = row.finding.as_json()
    out["instruction"] = None if row.instruction is None else dict(row.instruction.names)
    a = row.archive_norm
    if a is None:
        return out
    block = {"value": a.value, "unit": a.unit,
             "reference_period": None if a.span is None else f"{a.span[0]}-{a.span[1]}",
             "years": None if a.span is None else a.span[2]}
    keys = list(out)
    at = keys.index("norm") + 1
    return {k: out[k] for k in keys[:at]} | {"archive_norm": block} | {k: out[k] for k in keys[at:]}


@lru_cache(maxsize=1)
def schema() -> dict:
    """The JSON Schema of the results file (``bulletin/schema/results.schema.json``)."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _validator():
    """The schema's validator, made once (a backfill validates a document per period)."""
    import jsonschema_rs

    return jsonschema_rs.Draft202012Validator(schema())


def validate(doc: dict) -> None:
    """Raise RenderError when ``doc`` does not follow the results schema.

    The check is jsonschema-rs (compiled): a bulletin's document in about a millisecond. The
    tests validate every file again with the Python ``jsonschema``, an independent implementation.
    """
    errors = sorted(_validator().iter_errors(doc), key=lambda e: list(map(str, e.instance_path)))
    if errors:
        raise RenderError("the results JSON does not follow its schema:",
                          details=[f"{'/'.join(map(str, e.instance_path))}: {e.message}" for e in errors[:10]])


def dumps(doc: dict) -> str:
    """The results as UTF-8 JSON text, indented, NaN refused, with a final newline."""
    return json.dumps(doc, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


FINDING_COLUMNS = ("indicator", "station", "variable", "period", "value", "unit", "level", "norm", "pct_of_norm",
                   "percentile", "category", "last_year", "previous_period", "coverage", "qc_flags", "rule_id",
                   "raw_level", "state", "indicator_value", "indicator_unit")


def _safe(cell):
    """A CSV cell: empty for None, text :func:`~bulletin.tables.spreadsheet_safe`, numbers as they are."""
    return "" if cell is None else spreadsheet_safe(cell) if isinstance(cell, str) else cell


def findings_csv(doc: dict) -> str:
    """The findings as CSV, one row per finding (thresholds are in the JSON)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(FINDING_COLUMNS)
    for f in doc["findings"]:
        row = {"raw_level": None, "indicator_value": None, "indicator_unit": None, **f, "qc_flags": ";".join(f["qc_flags"]), "rule_id": f["rule"]["id"]}
        w.writerow([_safe(row[c]) for c in FINDING_COLUMNS])
    return buf.getvalue()


OUTLOOK_COLUMNS = ("indicator", "lead", "period", "unit", "median", "p10", "p90", "p_normal", "p_watch", "p_warning",
                   "p_alert", "p_no_data")
OUTLOOK_LEVELS = ("normal", "watch", "warning", "alert", "no_data")


def outlook_csv(doc: dict) -> str | None:
    """The outlook as CSV, one row per indicator and lead (``lead`` is its label: d+1 ... season_end).

    The numbers are those of the results JSON; a level no trace reaches has probability 0.
    None when the document has no outlook (a monthly bulletin).
    """
    block = doc.get("outlook")
    if block is None:
        return None
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(OUTLOOK_COLUMNS)
    for ind in block["indicators"]:
        for r in ind["rows"]:
            p = r["probabilities"]
            w.writerow([_safe(r["indicator"]), r["lead_label"], r["period"], _safe(r["unit"]),
                        *("" if r[k] is None else r[k] for k in ("median", "p10", "p90")),
                        *(p.get(lev) or 0.0 for lev in OUTLOOK_LEVELS)])
    return buf.getvalue()
