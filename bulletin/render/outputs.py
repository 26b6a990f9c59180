"""Every output of one bulletin, rendered in memory: ``render_all(bulletin, langs, formats)``.

The results JSON (validated against its schema), the findings CSV, the outlook CSV (dekad
bulletins), and per language the HTML page and the archival PDF that carries the JSON. Nothing is written here: the caller writes
the files, all or none (``bulletin.cli`` writes them under temporary names and renames them).
"""

from __future__ import annotations

from ..errors import UsageError
from ..text import LANGUAGES
from . import json as results_json

FORMATS = ("html", "pdf", "json", "csv")


def check_request(langs, formats) -> None:
    """Raise UsageError naming the languages or formats that do not exist."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise UsageError(f"unknown format(s): {', '.join(unknown) or '(none)'}.", hint=f"use {', '.join(FORMATS)}.")
    bad_langs = [lang for lang in langs if lang not in LANGUAGES]
    if bad_langs or not langs:
        raise UsageError(f"unknown language(s): {', '.join(bad_langs) or '(none)'}.",
                         hint=f"use {', '.join(LANGUAGES)}.")


def render_all(bulletin, langs, formats, template_dir=None) -> dict[str, bytes]:
    """File name -> bytes of every output of ``bulletin`` asked for.

    Parameters
    ----------
    bulletin : bulletin.document.Bulletin
        The language-neutral bulletin.
    langs : sequence of str
        Languages of the HTML and PDF (see ``bulletin.text.LANGUAGES``).
    formats : sequence of str
        Any of html, pdf, json, csv.
    template_dir : path, optional
        A folder of templates that override the default ones.

    Returns
    -------
    dict
        ``<id>.json``, ``<id>.findings.csv``, ``<id>.outlook.csv`` (when the bulletin has an outlook),
        ``<id>.<lang>.html``, ``<id>.<lang>.pdf``, in that order.
    """
    check_request(langs, formats)
    b = bulletin
    outputs: dict[str, bytes] = {}
    doc = results_json.results(b)
    results_json.validate(doc)
    results_bytes = results_json.dumps(doc).encode("utf-8")  # also embedded in every PDF
    if "json" in formats:
        outputs[f"{b.id}.json"] = results_bytes
    if "csv" in formats:
        outputs[f"{b.id}.findings.csv"] = results_json.findings_csv(doc).encode("utf-8")
        outlook = results_json.outlook_csv(doc)
        if outlook is not None:
            outputs[f"{b.id}.outlook.csv"] = outlook.encode("utf-8")
    if "html" in formats or "pdf" in formats:
        from .html import render_html

        for lang in langs:
            html = render_html(b, lang, template_dir)
            if "html" in formats:
                outputs[f"{b.id}.{lang}.html"] = html.encode("utf-8")
            if "pdf" in formats:
                from .pdf import document_identifier, render_pdf, results_attachment

                outputs[f"{b.id}.{lang}.pdf"] = render_pdf(
                    html, attachments=[results_attachment(b, results_bytes, lang)],
                    identifier=document_identifier(b.id, lang, b.issued_at.isoformat()), created=b.issued_at)
    return outputs
