"""PDF: the same HTML, laid out on A4 by WeasyPrint with the print stylesheet, as PDF/A-3b.

The page is self-contained (inline CSS and SVG), so the URL fetcher refuses every URL: an
input that smuggles a link or an image into the page cannot make the renderer fetch anything.
Files embedded in the PDF (the results JSON) are handed over as bytes, never as URLs. The page's
SVG figures are handed to WeasyPrint as images of themselves, served from memory
(:mod:`.lifted`): laid out and drawn as before, without the work of parsing, styling and
collecting their nodes as part of the HTML. Their texts, each at one point, are set as one run of
kerned glyphs rather than letter by letter (:mod:`.svgtext`).

Metadata come from the page: title from ``<title>``, language from ``<html lang>``, subject,
keywords and creator from ``<meta name=description|keywords|generator>``, creation and
modification dates from ``<meta name=dcterms.created|dcterms.modified>``. The same inputs and
issue time therefore give the same bytes, whether or not the optional HarfBuzz-subset library is
installed: see ``reproducible_font_subsetting``.
"""

from __future__ import annotations

import hashlib
import io
import logging
import types
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.etree.ElementTree import SubElement, fromstring, tostring

import fontTools.subset
import fontTools.ttLib.tables._h_e_a_d as head_table
import weasyprint.pdf.fonts as weasyprint_fonts
from fontTools.misc.timeTools import timestampSinceEpoch
from weasyprint import HTML, Attachment
from weasyprint.pdf.metadata import NS, DocumentMetadata
from weasyprint.urls import URLFetcher

from ..errors import RenderError
from .collect import collected
from .i18n import N_, Localizer
from .library_fixes import library_fixes
from .lifted import FigureFetcher, lift_figures
from .pagination import settled_page_counters
from .replaced import replaced
from .svgtext import whole_run_svg_text
from .teardown import record, recorded_layouts, tear_down

PDF_VARIANT = "pdf/a-3b"
MSG_RESULTS_FILE = N_("Results of bulletin {id} in machine-readable form (JSON)")
# The date written into the subset fonts when the caller gives none (never the clock).
UNDATED = datetime(1970, 1, 1, tzinfo=UTC)


class RefusingFetcher(URLFetcher):
    """A URL fetcher that fetches nothing and remembers what was asked."""

    def __init__(self):
        super().__init__()
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        """Refuse ``url`` and remember it."""
        self.refused.append(url)
        raise ValueError(f"external resources are not loaded: {url[:80]}")


@dataclass(frozen=True)
class EmbeddedFile:
    """A file carried inside the PDF.

    Attributes
    ----------
    name : str
        File name shown by PDF readers, e.g. ``syrdarya-2026-11-d2.json``.
    data : bytes
        The file's content.
    description : str
        One sentence in the language of the page.
    modified : datetime
        Creation and modification date of the file (timezone-aware).
    relationship : str
        PDF/A-3 ``AFRelationship`` of the file to the document: ``Data`` for the data the
        document presents, ``Source`` for the source it was made from.
    """

    name: str
    data: bytes
    description: str
    modified: datetime
    relationship: str = "Data"


def results_attachment(bulletin, data: bytes, lang: str) -> EmbeddedFile:
    """The results JSON of ``bulletin`` as a file embedded in its PDF in ``lang``."""
    description = Localizer(lang).gettext(MSG_RESULTS_FILE).format(id=bulletin.id)
    return EmbeddedFile(name=f"{bulletin.id}.json", data=data, description=description,
                        modified=bulletin.issued_at, relationship="Data")


def document_identifier(*parts: str) -> str:
    """A PDF file identifier (32 hex digits) derived from ``parts``, e.g. bulletin id, language, issue time.

    The PDF's /ID holds it as its permanent part; the second part is WeasyPrint's hash of the content.
    """
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:32]


class ArchivalMetadata(DocumentMetadata):
    """WeasyPrint's document metadata, with the language also in the XMP packet (dc:language)."""

    @classmethod
    def of(cls, metadata: DocumentMetadata) -> ArchivalMetadata:
        """The same metadata as ``metadata``, as an ArchivalMetadata."""
        new = cls()
        new.__dict__.update(metadata.__dict__)
        return new

    def generate_rdf_metadata(self, variant, version, conformance):
        """WeasyPrint's XMP packet with ``dc:language`` added."""
        rdf = fromstring(super().generate_rdf_metadata(variant, version, conformance))
        if self.lang:
            description = SubElement(rdf, f'{{{NS["rdf"]}}}Description')
            description.attrib[f'{{{NS["rdf"]}}}about'] = ""
            bag = SubElement(SubElement(description, f'{{{NS["dc"]}}}language'), f'{{{NS["rdf"]}}}Bag')
            SubElement(bag, f'{{{NS["rdf"]}}}li').text = self.lang
        return tostring(rdf, encoding="utf-8")


def _attachment(f: EmbeddedFile, fetcher: URLFetcher) -> Attachment:
    when = f.modified.astimezone(UTC).replace(tzinfo=None)  # WeasyPrint writes these dates as UTC
    return Attachment(file_obj=io.BytesIO(f.data), url_fetcher=fetcher, name=f.name, description=f.description,
                      created=when, modified=when, relationship=f.relationship)


def _one_entry_per_file(document, pdf) -> None:
    """Keep each file once in the catalogue's associated files (WeasyPrint 70 lists them twice, Kozea/WeasyPrint#2917)."""
    files = pdf.catalog.get("AF")
    if files:
        files[:] = dict.fromkeys(files)


class LayoutlessSubsetter(fontTools.subset.Subsetter):
    """fontTools' subsetter, which deletes the layout tables it is told to drop before it reads them.

    WeasyPrint drops ``GSUB`` and ``GPOS`` from the fonts it embeds (the PDF holds positioned
    glyphs). fontTools (4.6x) decompiles both tables before it drops them, which for the DejaVu
    fonts is most of the time a document spends on its fonts. Deleted first, they are never read;
    the subset is the same, byte for byte: fontTools drops them first, and drops the legacy
    ``kern`` table of a font with ``GPOS`` (unless ``legacy_kern``), as is done here before.
    """

    def subset(self, font):
        """Subset ``font`` in place, its dropped layout tables deleted unread."""
        if "GPOS" in font and not self.options.legacy_kern and "kern" in font:
            del font["kern"]
        for tag in ("GSUB", "GPOS"):
            if tag in self.options.drop_tables and tag in font:
                del font[tag]
        record(font)  # emptied once the PDF is written (:func:`.teardown.tear_down`)
        super().subset(font)


_SUBSET_MODULE = types.SimpleNamespace(Options=fontTools.subset.Options, Subsetter=LayoutlessSubsetter)
"""What ``weasyprint.pdf.fonts`` sees as ``fontTools.subset`` within :func:`reproducible_font_subsetting`."""


@contextmanager
def reproducible_font_subsetting(modified: datetime) -> Iterator[None]:
    """Within this context WeasyPrint subsets fonts with fontTools, dating them ``modified``.

    Why: WeasyPrint (70) embeds a subset of each font, made by the HarfBuzz-subset C library
    when it is installed, else by fontTools. The two give different font bytes (different
    ``glyf``, ``OS/2``, ``hhea``, ``maxp``, ``name`` tables; fontTools keeps the ``FFTM`` table;
    HarfBuzz keeps the font file's own ``head.modified``), so the PDF would depend on an optional
    system library. And fontTools, when it saves the subset, stamps the current time into
    ``head.modified``, so two runs would differ. Here fontTools, a Python dependency that is
    always installed, is used on every machine, and the stamp is ``modified``: the subset is made
    for the document, which is dated at its issue time like the PDF's own dates and the embedded
    files (a fixed date would claim a modification time that is false).

    How, and what it relies on (hence the version ranges in ``pyproject.toml``):

    - WeasyPrint's ``weasyprint.pdf.fonts.Font.subset`` uses HarfBuzz only if the module global
      ``weasyprint.pdf.fonts.harfbuzz_subset`` (the library, or None when it is missing) is set;
      it is set to None here, so WeasyPrint takes the path it takes without the library.
    - fontTools' ``head`` table, when compiled with ``recalcTimestamp`` (the default, and
      WeasyPrint does not change it), sets ``modified`` from ``timestampNow()``, called by that
      name in ``fontTools.ttLib.tables._h_e_a_d``; that name is replaced here by a function that
      returns ``modified`` (seconds since 1904, as OpenType counts). This is what
      ``SOURCE_DATE_EPOCH`` does, without changing the process environment, which other threads,
      C libraries and child processes also see.
    - WeasyPrint calls ``subset.Options`` and ``subset.Subsetter`` of ``fontTools.subset``
      through its module global ``subset``; here that name gives :class:`LayoutlessSubsetter`,
      which gives the same subset faster.

    All are restored on exit, even after an error, and a missing name raises AttributeError
    rather than silently giving different bytes (:func:`.replaced.replaced`, under its lock).
    """
    if modified.tzinfo is None:
        raise ValueError("the date of the fonts must be timezone-aware, e.g. 2026-11-21T06:00:00+05:00")
    stamp = timestampSinceEpoch(int(modified.timestamp()))
    with replaced((weasyprint_fonts, "harfbuzz_subset", None), (head_table, "timestampNow", lambda: stamp),
                  (weasyprint_fonts, "subset", _SUBSET_MODULE)):
        yield


@collected
def render_pdf(html: str, *, attachments: tuple[EmbeddedFile, ...] | list[EmbeddedFile] = (),
               identifier: str | None = None, fetcher: RefusingFetcher | None = None,
               created: datetime | None = None) -> bytes:
    """PDF/A-3b bytes of a self-contained bulletin page, with ``attachments`` embedded; its layout freed.

    ``identifier`` is the permanent part of the PDF file identifier (see ``document_identifier``);
    without it both parts are the hash of the content. ``fetcher`` records refused URLs: every URL
    of the page but those of its own figures, which are served from memory (:mod:`.lifted`).
    ``created`` (timezone-aware) is the issue time of the bulletin, written as the modification
    date of the embedded subset fonts; without it they are dated ``UNDATED`` (1970-01-01 UTC).
    The bytes depend on the arguments only: not on the clock, nor on whether HarfBuzz-subset is
    installed (see ``reproducible_font_subsetting``); WeasyPrint's HTML parser and PDF writer run
    with :func:`.library_fixes.library_fixes`, its passes with :func:`.pagination.settled_page_counters`.
    Once the PDF is written its layout is emptied (:func:`.teardown.tear_down`) and collected
    (:func:`.collect.collected`); :func:`make_pdf` makes the same bytes and leaves the layout to a
    process that ends next.
    """
    layouts: list = []
    try:
        return make_pdf(html, attachments=attachments, identifier=identifier, fetcher=fetcher, created=created,
                        layouts=layouts)
    finally:
        tear_down(layouts)


def make_pdf(html: str, *, attachments: tuple[EmbeddedFile, ...] | list[EmbeddedFile] = (),
             identifier: str | None = None, fetcher: RefusingFetcher | None = None,
             created: datetime | None = None, layouts: list | None = None) -> bytes:
    """The bytes of :func:`render_pdf`, the layout left as it is; ``layouts``: a list that receives its parts."""
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    fetcher = fetcher or RefusingFetcher()
    options = {"pdf_variant": PDF_VARIANT, "pdf_identifier": identifier.encode("ascii") if identifier else True}
    page, figures = lift_figures(html)
    with reproducible_font_subsetting(created or UNDATED), whole_run_svg_text(), library_fixes(), \
            settled_page_counters(), recorded_layouts(layouts):
        try:
            document = HTML(string=page, base_url=None, url_fetcher=FigureFetcher(figures, fetcher)).render(**options)
            document.metadata = ArchivalMetadata.of(document.metadata)
            return document.write_pdf(attachments=[_attachment(f, fetcher) for f in attachments],
                                      finisher=_one_entry_per_file, **options)
        except Exception as exc:  # WeasyPrint raises many kinds; the user needs one clear message
            raise RenderError(f"the PDF could not be rendered ({type(exc).__name__}: {exc}).",
                              hint="check that Pango is installed (see the README).") from exc
