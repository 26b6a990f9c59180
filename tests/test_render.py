"""Rendering safety: untrusted text is escaped, and the PDF renderer fetches nothing."""

import io
from datetime import UTC, datetime, timedelta, timezone

import yaml
from bs4 import BeautifulSoup
from pypdf import PdfReader

from bulletin.network import default_network_path
from bulletin.pipeline import run
from bulletin.render.html import render_html
from bulletin.render.lifted import lift_figures
from bulletin.render.pdf import EmbeddedFile, RefusingFetcher, render_pdf

from .conftest import daily_rows, write_csv

EVIL = '<img src="file:///etc/passwd"> & <script>alert(1)</script>'


def test_station_names_are_escaped_and_nothing_is_fetched(tmp_path, monkeypatch):
    raw = yaml.safe_load(default_network_path().read_text(encoding="utf-8"))
    for s in raw["stations"]:
        if s["id"] == "toktogul":
            s["name"]["en"] = EVIL
    net = tmp_path / "net.yaml"
    net.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    data = write_csv(tmp_path / "t.csv", daily_rows("toktogul", "volume", "Mm3", "2026-11-01", "2026-11-20",
                                                    lambda d: 9500))
    result = run(allow_no_data=True, data=[data], period="2026-11-d2", issued_at=datetime(2026, 11, 21, tzinfo=UTC), network_path=net)
    html = render_html(result.bulletin, "en")
    soup = BeautifulSoup(html, "html.parser")
    assert not soup.select("img") and not soup.select("script")
    assert EVIL in soup.get_text()  # shown as text, exactly as given
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html
    fetched = []
    monkeypatch.setattr(RefusingFetcher, "fetch", lambda self, url, headers=None: fetched.append(url) or 1 / 0)
    pdf = render_pdf(html)
    assert pdf.startswith(b"%PDF")
    assert fetched == []
    # the figures are handed over from memory, as images of themselves, and drawn with their texts
    assert lift_figures(html)[1] and "Nov" in "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def test_the_pdf_renderer_refuses_urls_in_markup():
    fetcher = RefusingFetcher()
    html = ('<html><head><link rel="stylesheet" href="file:///etc/passwd"></head><body><p>x</p>'
            '<img src="file:///etc/hostname"><img src="http://127.0.0.1:9/x.png"></body></html>')
    assert render_pdf(html, fetcher=fetcher).startswith(b"%PDF")
    assert sorted(fetcher.refused) == ["file:///etc/hostname", "file:///etc/passwd", "http://127.0.0.1:9/x.png"]


def test_files_are_embedded_from_bytes_and_attachment_links_are_refused():
    fetcher = RefusingFetcher()
    html = ('<html lang="en"><head><title>t</title><link rel="attachment" href="file:///etc/passwd"></head>'
            '<body><p>x</p></body></html>')
    data = b'{"bulletin": {"id": "x"}}\n'
    results = EmbeddedFile(name="x.json", data=data, description="Results",
                           modified=datetime(2026, 11, 21, 6, tzinfo=timezone(timedelta(hours=5))))
    pdf = render_pdf(html, attachments=[results], fetcher=fetcher)
    assert fetcher.refused == ["file:///etc/passwd"]
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.attachments == {"x.json": [data]}
    _, spec = reader.trailer["/Root"]["/Names"]["/EmbeddedFiles"]["/Names"]
    params = spec.get_object()["/EF"]["/F"].get_object()["/Params"]
    assert params["/ModDate"] == "D:20261121010000Z"  # the file's date in UTC, not the time of rendering


def test_renderer_modules_import_no_private_name():
    """Shared plumbing (svg.py, palette.py, symbols.py) is public; no module reaches into another's privates."""
    import ast
    from pathlib import Path

    import bulletin.render

    offenders = []
    for path in sorted(Path(bulletin.render.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                offenders += [f"{path.name}: {node.module}.{a.name}" for a in node.names
                              if a.name.startswith("_") and not a.name.startswith("__")]
    assert offenders == []


def test_the_overview_figures_stay_importable_from_the_overview_module():
    from bulletin.render import basin_map, charts, overview

    assert overview.basin_map_svg is basin_map.basin_map_svg
    assert overview.fill_bars_svg is charts.fill_bars_svg
    assert overview.category_strip_svg is charts.category_strip_svg


def test_every_field_of_the_template_context_is_documented_and_used():
    """The context a page template receives is a documented dataclass: each field is described in
    its docstring, each is read by a template, and the docstring names no field that is gone."""
    import re
    from dataclasses import fields

    from jinja2 import meta

    from bulletin.render.html import TemplateContext, environment
    from bulletin.render.i18n import Localizer
    from bulletin.resources import resource_path

    names = {f.name for f in fields(TemplateContext)}
    section = TemplateContext.__doc__.split("Attributes\n    ----------\n", 1)[1]
    documented = {n.strip() for line in re.findall(r"^    (\w[\w, ]*) : ", section, re.M) for n in line.split(",")}
    assert documented == names
    env = environment(Localizer("en"))
    used = set()
    for path in resource_path("templates").glob("*.html"):
        if path.name.startswith("archive_"):  # the archive's index pages: their own context (render/site.py)
            continue
        used |= meta.find_undeclared_variables(env.parse(path.read_text(encoding="utf-8")))
    assert names <= used, f"fields no template reads: {sorted(names - used)}"
    # what the templates read beyond the context: the gettext functions and the one global
    assert used - names <= {"_", "gettext", "ngettext", "level_name"}, sorted(used - names)
