"""The archival PDF: PDF/A-3b with the results JSON attached, its metadata, contents and outline,
and fonts that have a glyph for every character of every language."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import unicodedata
from datetime import UTC, datetime, timedelta, timezone
from functools import cache
from pathlib import Path
from xml.etree import ElementTree

import fontTools.misc.timeTools
import fontTools.subset
import fontTools.ttLib.tables._h_e_a_d
import pytest
import weasyprint.pdf.fonts
import weasyprint.text.ffi
import yaml
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, IndirectObject

from bulletin.catalogue import default_catalogue_path
from bulletin.network import default_network_path
from bulletin.periods import Period
from bulletin.render.i18n import FALLBACK, LANGUAGES, MISSING, UNIT_DISPLAY, Localizer, po_path
from bulletin.render.pdf import document_identifier, render_pdf
from bulletin.resources import resource_path

from .conftest import SAMPLE_ISSUED, SAMPLE_LANGS, SAMPLE_PERIOD

BULLETIN_ID = f"syrdarya-{SAMPLE_PERIOD}"
SECTIONS = ("summary", "outlook", "overview", "findings", "status", "figures", "quality", "annex", "provenance")
NS = {"x": "adobe:ns:meta/", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
      "dc": "http://purl.org/dc/elements/1.1/", "xmp": "http://ns.adobe.com/xap/1.0/",
      "pdfaid": "http://www.aiim.org/pdfa/ns/id/"}
# The faces of DejaVu Sans the page can use (bold headings, italic states); code is in DejaVu Sans Mono.
SANS_FACES = ("DejaVu Sans", "DejaVu Sans:bold", "DejaVu Sans:oblique", "DejaVu Sans:bold:oblique")


def _pdf_path(out, lang):
    return out / f"{BULLETIN_ID}.{lang}.pdf"


@pytest.fixture(scope="module")
def pdfs(sample):
    return {lang: PdfReader(_pdf_path(sample[0], lang)) for lang in SAMPLE_LANGS}


@pytest.fixture(scope="module")
def pages(sample):
    return {lang: BeautifulSoup((sample[0] / f"{BULLETIN_ID}.{lang}.html").read_text(encoding="utf-8"), "html.parser")
            for lang in SAMPLE_LANGS}


def _headings(soup) -> dict[str, str]:
    """Section id -> the text of its heading, as the HTML shows it."""
    return {sid: " ".join(soup.select_one(f"#{sid} > h2").get_text().split()) for sid in SECTIONS}


def _objects(reader: PdfReader):
    """Every dictionary reachable from the trailer, each once (streams included)."""
    seen, stack, found = set(), [reader.trailer], []
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in seen:
                continue
            seen.add(key)
            obj = obj.get_object()
        if isinstance(obj, dict):
            found.append(obj)
            stack.extend(v for k, v in obj.items() if k not in ("/Parent", "/P"))
        elif isinstance(obj, list):
            stack.extend(obj)
    return found


def _fonts(reader: PdfReader) -> list[DictionaryObject]:
    return [o for o in _objects(reader) if o.get("/Type") == "/Font"]


def _xmp(reader: PdfReader) -> ElementTree.Element:
    return ElementTree.fromstring(reader.trailer["/Root"]["/Metadata"].get_object().get_data())


def _xmp_values(root, prefix: str, name: str) -> list[str]:
    """Values of the XMP property ``prefix:name``, written as an attribute or as an element."""
    qname = f"{{{NS[prefix]}}}{name}"
    values = []
    for desc in root.iter(f"{{{NS['rdf']}}}Description"):
        if qname in desc.attrib:
            values.append(desc.attrib[qname])
        for el in desc.findall(qname):
            items = el.findall(".//rdf:li", NS)
            if items:
                values.extend(li.text for li in items)
            else:
                values.append(el.text)
    return values


def _pdf_date(d: datetime) -> str:
    offset = d.strftime("%z")
    return d.strftime("D:%Y%m%d%H%M%S") + (f"{offset[:3]}'{offset[3:]}" if offset not in ("", "+0000") else "Z")


# ---- validity ------------------------------------------------------------------------------

@pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf is not installed (apt-get install qpdf)")
@pytest.mark.parametrize("lang", SAMPLE_LANGS)
def test_qpdf_finds_no_error(sample, lang):
    run = subprocess.run(["qpdf", "--check", str(_pdf_path(sample[0], lang))], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "No syntax or stream encoding errors found" in run.stdout


@pytest.mark.parametrize("lang", SAMPLE_LANGS)
def test_every_font_is_embedded_and_is_dejavu(pdfs, lang):
    fonts = _fonts(pdfs[lang])
    assert fonts
    names = set()
    for font in fonts:
        if font["/Subtype"] == "/Type0":  # composite: the glyphs are in its descendant
            assert len(font["/DescendantFonts"]) == 1
            continue
        descriptor = font["/FontDescriptor"]
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), font["/BaseFont"]
        names.add(str(font["/BaseFont"]).split("+", 1)[-1])
    # no fallback font: every glyph comes from DejaVu (Sans, its bold and oblique faces, Mono for code)
    assert "DejaVu-Sans" in names
    assert all(name.startswith("DejaVu-Sans") for name in names), names


# ---- reproducible bytes: the embedded fonts ---------------------------------------------------

# Cyrillic, in the faces the bulletin uses, so that subsets of DejaVu Sans (regular, bold, oblique)
# and DejaVu Sans Mono are embedded.
SMALL_PAGE = """<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>Проверка</title>
<meta name="dcterms.created" content="2026-11-21T06:00:00+05:00">
<meta name="dcterms.modified" content="2026-11-21T06:00:00+05:00">
<style>body { font-family: "DejaVu Sans" } code { font-family: "DejaVu Sans Mono" }</style></head>
<body><h1>Сырдарья: уровень воды</h1><p>Приток в Токтогульское водохранилище <b>ниже нормы</b>,
<i>наблюдение</i> продолжается. Қазалы, Ҷиззах, Ўзбекистон. <code>12,5 км³</code></p></body></html>"""
SMALL_ISSUED = datetime(2026, 11, 21, 6, 0, tzinfo=timezone(timedelta(hours=5)))
HARFBUZZ_SUBSET = weasyprint.text.ffi.harfbuzz_subset  # None when libharfbuzz-subset is not installed


def _font_files(pdf: bytes) -> dict[str, bytes]:
    """BaseFont -> the embedded font program (TrueType), for every composite font of the PDF."""
    files = {}
    for font in _fonts(PdfReader(io.BytesIO(pdf))):
        if font["/Subtype"] == "/Type0":
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            files[str(font["/BaseFont"])] = descriptor["/FontFile2"].get_object().get_data()
    return files


def _head_modified(font_file: bytes) -> datetime:
    from fontTools.ttLib import TTFont

    seconds = TTFont(io.BytesIO(font_file))["head"].modified + fontTools.misc.timeTools.epoch_diff
    return datetime.fromtimestamp(seconds, UTC)


@pytest.fixture
def no_source_date_epoch(monkeypatch):
    """fontTools honours SOURCE_DATE_EPOCH: without it, only the mechanism under test can pin the date."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


@pytest.mark.parametrize("subsetter", ["as installed", "fontTools forced"])
def test_the_clock_does_not_change_the_bytes(monkeypatch, no_source_date_epoch, subsetter):
    if subsetter == "fontTools forced":  # the path of a machine without libharfbuzz-subset
        monkeypatch.setattr(weasyprint.pdf.fonts, "harfbuzz_subset", None)
    renders = []
    for now in (1_700_000_000.0, 1_800_000_000.0):  # 2023 and 2027
        monkeypatch.setattr("time.time", lambda now=now: now)
        renders.append(render_pdf(SMALL_PAGE, created=SMALL_ISSUED))
    fonts = _font_files(renders[0])
    assert {name.split("+", 1)[1] for name in fonts} == {
        "DejaVu-Sans", "DejaVu-Sans-Bold", "DejaVu-Sans-Oblique", "DejaVu-Sans-Mono"}
    assert all(len(data) > 1000 for data in fonts.values())
    assert renders[0] == renders[1]
    # every subset is dated at the issue time, neither at the clock nor at the font file's own date
    assert {_head_modified(data) for data in fonts.values()} == {SMALL_ISSUED}
    # the patched names are back as they were
    assert weasyprint.pdf.fonts.harfbuzz_subset is (None if subsetter == "fontTools forced" else HARFBUZZ_SUBSET)
    assert fontTools.ttLib.tables._h_e_a_d.timestampNow is fontTools.misc.timeTools.timestampNow
    assert weasyprint.pdf.fonts.subset is fontTools.subset


def test_the_subsets_are_those_of_fonttools_without_reading_the_dropped_layout_tables(monkeypatch,
                                                                                       no_source_date_epoch):
    """The subsetter that deletes GSUB and GPOS unread gives fontTools' own subsets, byte for byte,
    and reads neither table (decompiling them is most of the time a document spends on its fonts)."""
    import types

    from fontTools.ttLib.ttFont import TTFont

    import bulletin.render.pdf as pdf

    read = []
    original = TTFont.__getitem__
    monkeypatch.setattr(TTFont, "__getitem__",
                        lambda font, tag: read.append(tag) or original(font, tag))
    lean = render_pdf(SMALL_PAGE, created=SMALL_ISSUED)
    assert read and not {"GSUB", "GPOS"} & set(read)
    monkeypatch.setattr(pdf, "_SUBSET_MODULE", types.SimpleNamespace(Options=fontTools.subset.Options,
                                                                     Subsetter=fontTools.subset.Subsetter))
    read.clear()
    plain = render_pdf(SMALL_PAGE, created=SMALL_ISSUED)
    assert {"GSUB", "GPOS"} & set(read)  # fontTools' own reads them (else this test proves nothing)
    assert _font_files(lean) == _font_files(plain) and lean == plain


@pytest.mark.skipif(HARFBUZZ_SUBSET is None,
                    reason="libharfbuzz-subset is not installed (.ci/run installs it, so CI runs this test)")
def test_the_bytes_do_not_depend_on_whether_harfbuzz_subset_is_installed(monkeypatch, no_source_date_epoch):
    with_harfbuzz = render_pdf(SMALL_PAGE, created=SMALL_ISSUED)
    monkeypatch.setattr(weasyprint.pdf.fonts, "harfbuzz_subset", None)
    without_harfbuzz = render_pdf(SMALL_PAGE, created=SMALL_ISSUED)
    assert _font_files(with_harfbuzz) == _font_files(without_harfbuzz)
    assert with_harfbuzz == without_harfbuzz


def test_the_date_of_the_fonts_is_given_not_read_from_the_clock(monkeypatch, no_source_date_epoch):
    monkeypatch.setattr("time.time", lambda: 1_800_000_000.0)
    undated = _font_files(render_pdf(SMALL_PAGE))
    assert {_head_modified(data) for data in undated.values()} == {datetime(1970, 1, 1, tzinfo=UTC)}
    with pytest.raises(ValueError, match="timezone-aware"):
        render_pdf(SMALL_PAGE, created=datetime(2026, 11, 21, 6, 0))
    assert weasyprint.pdf.fonts.harfbuzz_subset is HARFBUZZ_SUBSET
    assert fontTools.ttLib.tables._h_e_a_d.timestampNow is fontTools.misc.timeTools.timestampNow


@pytest.mark.parametrize("lang", SAMPLE_LANGS)
def test_the_fonts_of_the_bulletin_are_dated_at_the_issue_time(pdfs, lang):
    fonts = [o["/FontFile2"].get_object().get_data() for o in _objects(pdfs[lang]) if "/FontFile2" in o]
    assert fonts
    assert {_head_modified(data) for data in fonts} == {datetime.fromisoformat(SAMPLE_ISSUED)}


# ---- PDF/A metadata --------------------------------------------------------------------------

@pytest.mark.parametrize("lang", SAMPLE_LANGS)
def test_xmp_declares_pdfa_3b_with_the_title_and_language_of_the_page(pdfs, pages, lang):
    reader, soup = pdfs[lang], pages[lang]
    xmp = _xmp(reader)
    assert _xmp_values(xmp, "pdfaid", "part") == ["3"]
    assert _xmp_values(xmp, "pdfaid", "conformance") == ["B"]
    title = soup.title.get_text()
    assert _xmp_values(xmp, "dc", "title") == [title]
    assert reader.metadata.title == title
    assert _xmp_values(xmp, "dc", "language") == [lang]
    assert reader.trailer["/Root"]["/Lang"] == lang == soup.html["lang"]
    # subject: the issue and the period, in the language of the page
    subject = soup.find("meta", attrs={"name": "description"})["content"]
    assert "32/2026" in subject and soup.select_one("header .period").contents[0].strip() in subject
    assert reader.metadata.subject == subject and _xmp_values(xmp, "dc", "description") == [subject]
    assert reader.metadata.creator == _xmp_values(xmp, "xmp", "CreatorTool")[0]
    assert reader.metadata.creator.startswith("Syr Darya early-warning bulletin ")
    assert BULLETIN_ID in reader.metadata["/Keywords"].split(", ")
    # the output intent PDF/A asks for
    (intent,) = reader.trailer["/Root"]["/OutputIntents"]
    assert intent["/S"] == "/GTS_PDFA1" and "/DestOutputProfile" in intent


@pytest.mark.parametrize("lang", SAMPLE_LANGS)
def test_dates_are_the_issue_time(pdfs, pages, lang):
    reader = pdfs[lang]
    issued = datetime.fromisoformat(SAMPLE_ISSUED)
    info = reader.trailer["/Info"]
    assert info["/CreationDate"] == info["/ModDate"] == _pdf_date(issued) == "D:20261121060000+05'00"
    assert reader.metadata.creation_date == reader.metadata.modification_date == issued
    xmp = _xmp(reader)
    assert _xmp_values(xmp, "xmp", "CreateDate") == _xmp_values(xmp, "xmp", "ModifyDate") == [SAMPLE_ISSUED]
    meta = {m["name"]: m["content"] for m in pages[lang].find_all("meta", attrs={"name": True})}
    assert meta["dcterms.created"] == meta["dcterms.modified"] == SAMPLE_ISSUED


def test_the_file_identifier_is_derived_from_bulletin_language_and_issue_time(pdfs):
    ids = {lang: reader.trailer["/ID"] for lang, reader in pdfs.items()}
    for lang, (permanent, changing) in ids.items():
        assert permanent == document_identifier(BULLETIN_ID, lang, SAMPLE_ISSUED)
        assert re.fullmatch("[0-9a-f]{32}", changing)
    assert len({permanent for permanent, _ in ids.values()}) == len(ids)


# ---- the results JSON inside -----------------------------------------------------------------

@pytest.mark.parametrize("lang", SAMPLE_LANGS)
def test_the_results_json_is_attached_as_data(sample, pdfs, lang):
    reader = pdfs[lang]
    name = f"{BULLETIN_ID}.json"
    written = (sample[0] / name).read_bytes()
    assert reader.attachments == {name: [written]}
    assert json.loads(reader.attachments[name][0])["bulletin"]["id"] == BULLETIN_ID
    root = reader.trailer["/Root"]
    _, spec = root["/Names"]["/EmbeddedFiles"]["/Names"]
    spec = spec.get_object()
    assert spec["/UF"] == spec["/F"] == name
    assert spec["/AFRelationship"] == "/Data"
    assert [ref.get_object() for ref in root["/AF"]] == [spec]
    stream = spec["/EF"]["/F"].get_object()
    assert stream["/Subtype"] == "/application/json"
    assert stream["/Params"]["/Size"] == len(written)
    issued_utc = "D:20261121010000Z"  # 06:00 at UTC+05:00
    assert stream["/Params"]["/CreationDate"] == stream["/Params"]["/ModDate"] == issued_utc
    expected = {"en": f"Results of bulletin {BULLETIN_ID} in machine-readable form (JSON)",
                "ru": f"Результаты бюллетеня {BULLETIN_ID} в машиночитаемом виде (JSON)",
                "tg": f"Натиҷаҳои бюллетени {BULLETIN_ID} дар шакли барои мошин хоношаванда (JSON)"}
    assert spec["/Desc"] == expected[lang]


# ---- contents and outline --------------------------------------------------------------------

@pytest.mark.parametrize("lang", SAMPLE_LANGS)
def test_the_contents_link_to_every_section_with_its_page(pdfs, pages, lang):
    reader, headings = pdfs[lang], _headings(pages[lang])
    destinations = reader.named_destinations
    linked = set()
    for page in reader.pages[:2]:
        for annot in page.get("/Annots", []):
            annot = annot.get_object()
            if annot["/Subtype"] == "/Link" and "/Dest" in annot:
                linked.add(str(annot["/Dest"]))
    assert set(SECTIONS) <= linked
    contents = " ".join(reader.pages[0].extract_text().split())
    for sid in SECTIONS:
        page_index = reader.get_destination_page_number(destinations[sid])
        assert headings[sid] in " ".join(reader.pages[page_index].extract_text().split()), sid
        # the printed contents give the same page, after a leader of dots
        match = re.search(re.escape(headings[sid]) + r"[ .]*?(\d+)\b", contents)
        assert match and int(match.group(1)) == page_index + 1, (sid, contents)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
@pytest.mark.parametrize("lang", SAMPLE_LANGS)
def test_the_printed_contents_stand_in_two_columns_side_by_side(sample, pages, lang):
    # The HTML gives the contents as two lists, the first half of the entries and the rest; the page sets
    # them as two columns: the first entry of each on the same line, the second list in the right half.
    lists = pages[lang].select("nav#contents ol")
    assert [len(ol.select("li")) for ol in lists] == [5, 4]  # nine sections in the sample, the first half larger
    firsts = [ol.select_one("a").get_text().split()[0] for ol in lists]
    out = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(_pdf_path(sample[0], lang)), "-"],
                         capture_output=True, text=True, check=True).stdout
    page_width = float(re.search(r'<page width="([^"]+)"', out).group(1))
    after = out.index(pages[lang].select_one("nav#contents h2").get_text().split()[0])  # below "Contents"
    boxes = [(float(x), float(y)) for x, y, w in re.findall(
        r'<word xMin="([^"]+)" yMin="([^"]+)" xMax="[^"]+" yMax="[^"]+">([^<]*)<', out[after:]) if w in firsts]
    assert len(boxes) >= 2
    (x1, y1), (_, y2) = boxes[0], next(b for b in boxes[1:] if b[0] > page_width / 2)
    assert abs(y1 - y2) < 0.5 and x1 < page_width / 4


@pytest.mark.parametrize("lang", SAMPLE_LANGS)
def test_the_outline_has_one_bookmark_per_section(pdfs, pages, lang):
    reader, headings = pdfs[lang], _headings(pages[lang])
    top = [item for item in reader.outline if not isinstance(item, list)]
    assert [item.title for item in top] == [headings[sid] for sid in SECTIONS]
    for item, sid in zip(top, SECTIONS, strict=True):
        assert reader.get_destination_page_number(item) == reader.get_destination_page_number(
            reader.named_destinations[sid])
    # the sub-headings of the data-quality section (one per country) sit below its bookmark
    children = reader.outline[reader.outline.index(top[SECTIONS.index("quality")]) + 1]
    countries = [h.get_text(strip=True) for h in pages[lang].select("#quality h3.quality-country")]
    assert [c.title for c in children] == countries


@pytest.mark.parametrize("lang", SAMPLE_LANGS)
def test_the_html_starts_with_a_list_of_links_to_the_sections(pages, lang):
    soup = pages[lang]
    nav = soup.select_one("nav#contents")
    assert nav is not None and nav.find_next("main") is not None  # before the sections
    links = nav.select("a[href]")
    assert [a["href"] for a in links] == [f"#{sid}" for sid in SECTIONS]
    headings = _headings(soup)
    for a, sid in zip(links, SECTIONS, strict=True):
        assert soup.select_one(a["href"]) is not None
        assert a.get_text(strip=True) == headings[sid]  # no page numbers in the HTML
    assert nav.h2.get_text(strip=True) == Localizer(lang).gettext("Contents")
    assert nav.h2.get_text(strip=True) not in headings.values()


# ---- glyph coverage --------------------------------------------------------------------------

def _font_file(pattern: str) -> Path:
    run = subprocess.run(["fc-match", "-f", "%{family}\t%{file}", pattern], capture_output=True, text=True,
                         check=True)
    family, file = run.stdout.split("\t")
    assert "DejaVu Sans" in family.split(","), f"fontconfig gives {family} for {pattern}: install fonts-dejavu-core"
    return Path(file)


@cache
def _cmap(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


def _localized_names(node, path: str, lang: str):
    """(key path, text) of every name in ``lang`` (or its fallbacks) in a YAML tree."""
    if isinstance(node, dict):
        if node and set(node) <= set(LANGUAGES) and ("en" in node or "ru" in node):
            for code in dict.fromkeys((lang, FALLBACK.get(lang, "en"), "en")):
                if isinstance(node.get(code), str):
                    yield f"{path}.{code}", node[code]
            return
        for key, value in node.items():
            yield from _localized_names(value, f"{path}.{key}" if path else str(key), lang)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _localized_names(value, f"{path}[{i}]", lang)


def _texts(lang: str):
    """(where it comes from, text) for everything a page in ``lang`` can show."""
    catalogues = [lang] + ([FALLBACK[lang]] if lang in FALLBACK else [])
    for code in catalogues:  # untranslated messages are shown in the fallback language
        with open(po_path(code), "rb") as fh:
            for message in read_po(fh, locale=code):
                if message.id and message.string:
                    yield f"msgid {message.id!r} ({code})", message.string
    for yml in (default_network_path(), default_catalogue_path(), resource_path("indicators", "variables.yml")):
        for key, text in _localized_names(yaml.safe_load(yml.read_text(encoding="utf-8")), "", lang):
            yield f"{yml.name}: {key}", text
    loc = Localizer(lang)
    symbols = loc.locale.number_symbols["latn"]
    yield "Babel number symbols", "".join(symbols[k] for k in ("decimal", "group", "minusSign", "plusSign"))
    for x in (-1234567.891, 0.5, 98765.4):
        for decimals in (0, 1, 2):
            yield "Babel numbers", loc.number(x, decimals)
    for months in (1, 4, 7, 10):
        for month in range(months, months + 3):
            start = Period.month(2026, month)
            yield "Babel dates", loc.date(start.start) + loc.period(start)
            yield "Babel dates", "".join(loc.period(Period.dekad(2026, month, d)) for d in (1, 2, 3))
            for width in ("wide", "abbreviated"):
                for context in ("format", "stand-alone"):
                    yield "Babel month names", loc.month(month, width, context)
    yield "Babel dates", loc.datetime(datetime.fromisoformat(SAMPLE_ISSUED))
    yield "units", "".join(loc.unit(u) for u in UNIT_DISPLAY)
    yield "typography", "\u00a0\u202f\u2212–—·№" + MISSING
    for template in sorted(resource_path("templates").glob("*.html")):
        yield f"template {template.name}", template.read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_dejavu_sans_has_a_glyph_for_every_character_of_the_language(lang):
    if shutil.which("fc-match") is None:
        pytest.skip("fc-match (fontconfig) is not installed")
    faces = {pattern: _font_file(pattern) for pattern in SANS_FACES}
    first_seen: dict[str, str] = {}
    for where, text in _texts(lang):
        for char in text:
            if unicodedata.category(char) != "Cc":  # line breaks and tabs are not drawn
                first_seen.setdefault(char, where)
    assert len(first_seen) > 80 and set("0123456789") <= set(first_seen)
    missing = []
    for pattern, path in faces.items():
        cmap = _cmap(path)
        for char, where in sorted(first_seen.items()):
            if ord(char) not in cmap:
                missing.append(f"{lang}: U+{ord(char):04X} {unicodedata.name(char, '?')} ({char}) "
                               f"in {where} has no glyph in {path.name} ({pattern})")
    assert missing == [], "\n".join(missing)
