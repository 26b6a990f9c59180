"""Every output of one bulletin, rendered in memory: ``render_all(bulletin, langs, formats)``.

The results JSON (validated against its schema), the findings CSV, the outlook CSV (dekad
bulletins), and per language the HTML page and the archival PDF that carries the JSON. Nothing is written here: the caller writes
the files, all or none (``bulletin.cli`` writes them under temporary names and renames them).

The languages' pages are rendered side by side, one process per language and core, when there is
a PDF to lay out (:func:`page_workers`); the bytes are those of one process. Only the JSON and
CSV path imports neither the templates nor the figures nor WeasyPrint.
"""

from __future__ import annotations

import gc
from functools import partial

from ..errors import UsageError
from ..forks import can_fork, cores, ordered_map
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


def render_all(bulletin, langs, formats, template_dir=None, *, workers: int | None = None) -> dict[str, bytes]:
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
    workers : int, optional
        Processes that may render the languages' pages at once (default: the cores available;
        see :func:`page_workers`). The bytes are the same however many there are.

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
        job = (b, tuple(f for f in formats if f in ("html", "pdf")), template_dir, results_bytes)
        for pages in language_pages(job, list(langs), page_workers(langs, formats, workers)):
            outputs.update(pages)
    return outputs


def page_workers(langs, formats, workers: int | None = None) -> int:
    """How many processes render the pages of ``langs``: one per language, at most one per core.

    One (this process) without a PDF to lay out, for one language, where processes cannot be
    forked, or within a worker process already (a backfill's, which renders its periods side by
    side).

    >>> page_workers(["ru", "en"], ["json"]), page_workers(["en"], ["pdf"]), page_workers(["ru", "en"], ["pdf"], 1)
    (1, 1, 1)
    """
    if "pdf" not in formats or len(langs) < 2 or not can_fork():
        return 1
    return max(1, min(workers or cores(), len(langs)))


def language_pages(job: tuple, langs: list, workers: int = 1) -> list[dict[str, bytes]]:
    """The HTML and PDF of each language of ``langs`` (:func:`pages_of` each), in their order.

    With several ``workers``, the languages are rendered side by side by processes forked from
    this one, which inherit the bulletin and the libraries already imported (nothing is copied
    to them but the language); each ends once its pages are made, so it skips the collection of
    its garbage (:func:`.collect.collected`).
    """
    if workers <= 1:
        return [pages_of(job, lang) for lang in langs]
    from . import html, pdf  # noqa: F401  (imported once, here, not in every worker)

    return list(ordered_map(partial(_forked_pages, job), langs, workers))


def _forked_pages(job: tuple, lang: str) -> dict[str, bytes]:
    gc.disable()  # the worker process ends with its pages: its garbage goes with it
    return pages_of(job, lang, collect=False)


def pages_of(job: tuple, lang: str, collect: bool = True) -> dict[str, bytes]:
    """``<id>.<lang>.html`` and ``<id>.<lang>.pdf`` of ``job`` = (bulletin, formats, template folder, results JSON).

    ``collect`` False: the PDF's layout is left to be freed with the process (:func:`.pdf.make_pdf`).
    """
    from .html import render_html

    b, formats, template_dir, results_bytes = job
    html = render_html(b, lang, template_dir)
    out = {}
    if "html" in formats:
        out[f"{b.id}.{lang}.html"] = html.encode("utf-8")
    if "pdf" in formats:
        from .pdf import document_identifier, make_pdf, render_pdf, results_attachment

        pdf = render_pdf if collect else make_pdf
        out[f"{b.id}.{lang}.pdf"] = pdf(html, attachments=[results_attachment(b, results_bytes, lang)],
                                        identifier=document_identifier(b.id, lang, b.issued_at.isoformat()),
                                        created=b.issued_at)
    return out
