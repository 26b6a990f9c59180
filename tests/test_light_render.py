"""Pages light to lay out: slim inline SVG figures that draw the same thing, a print stylesheet without
custom properties or flex boxes, languages laid out side by side with the same bytes,
and a JSON-only run that neither computes the figures nor imports what draws them."""

from __future__ import annotations

import multiprocessing
import re
import shutil
import subprocess
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path
from xml.etree import ElementTree

import matplotlib
import pytest
from bs4 import BeautifulSoup

from bulletin.pipeline import run
from bulletin.render import outputs, svgshape
from bulletin.render.html import page_css
from bulletin.render.slim import slim_svg
from bulletin.render.svg import RC_PARAMS, figure_svg, new_figure

from .conftest import SAMPLE_ISSUED, SAMPLE_PERIOD, daily_rows, write_csv

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

SVG = "{http://www.w3.org/2000/svg}"
HREF = "{http://www.w3.org/1999/xlink}href"
BULLETIN_ID = f"syrdarya-{SAMPLE_PERIOD}"
MAX_NODES = {"hydrograph": 70, "fan": 70, "fig-basin-map": 260, "fig-reservoir-fill": 170,
             "fig-category-strip": 120}
"""Most SVG elements of a figure of the sample bulletin. Matplotlib writes 3 to 5 times as many:
a group per artist, tick and label, a <use> per tick mark and dot, metadata and a style sheet."""


# ---- the figures of the sample bulletin --------------------------------------------------------

@pytest.fixture(scope="module")
def pages(sample):
    return {lang: BeautifulSoup((sample[0] / f"{BULLETIN_ID}.{lang}.html").read_text(encoding="utf-8"), "html.parser")
            for lang in ("ru", "en")}


def _figures(soup):
    """(kind, id, root element) of every figure of the page."""
    out = []
    for figure in soup.select("figure"):
        kind = figure["id"] if "overview-figure" in figure["class"] else figure["class"][0]
        out.append((kind, figure["id"], ElementTree.fromstring(str(figure.select_one("div.svg > svg")))))
    return out


def test_every_figure_is_light(pages):
    kinds = Counter()
    for kind, fig_id, root in _figures(pages["en"]):
        kinds[kind] += 1
        nodes = sum(1 for _ in root.iter())
        assert nodes <= MAX_NODES[kind], (fig_id, nodes)
        tags = Counter(e.tag.removeprefix(SVG) for e in root.iter())
        assert not {"metadata", "style"} & set(tags), fig_id
        # no group is left that says nothing but matplotlib's name of an artist
        for g in root.iter(f"{SVG}g"):
            assert g.attrib, fig_id
            assert g.get("id") is None or not re.fullmatch(r"(?:line2d|text|patch|xtick|ytick|axes|figure)_\d+",
                                                            g.get("id").removeprefix(f"{fig_id}-")), fig_id
        # presentation attributes, not CSS to parse; numbers with at most two decimals
        assert not [e for e in root.iter() if e.get("style")], fig_id
        numbers = re.findall(r"\d+\.(\d+)", " ".join(e.get("d", "") for e in root.iter()))
        assert numbers and max(len(n) for n in numbers) <= 2, fig_id
    assert kinds == {"hydrograph": 7, "fan": 6, "fig-basin-map": 1, "fig-reservoir-fill": 1,
                     "fig-category-strip": 1}


def test_tick_marks_and_dots_are_one_path_and_lines_inside_the_axes_are_not_clipped(pages):
    for kind, fig_id, root in _figures(pages["en"]):
        if kind != "hydrograph":
            continue
        # matplotlib writes a <use> per tick mark and per dot of the current year: here a path each
        assert not list(root.iter(f"{SVG}use")) or all(u.get("y") for u in root.iter(f"{SVG}use")), fig_id
        assert len(list(root.iter(f"{SVG}use"))) <= 1, fig_id  # the P10-P90 band, drawn once
        clipped = [e for e in root.iter() if e.get("clip-path")]
        assert len(clipped) <= 2, fig_id  # the grid lines, which run along the edges of the axes
        black = [e for e in root.iter(f"{SVG}path") if e.get("stroke") == "#000000" and e.get("fill") != "none"]
        assert any(d.get("d").count("M") > 10 for d in black), fig_id  # the dots, one path


def test_texts_stay_text_in_the_page_font_with_their_glyphs(pages):
    """Texts are <text> (svg.fonttype none), in DejaVu Sans (which has Cyrillic); no glyph outlines."""
    for lang, soup in pages.items():
        for _, fig_id, root in _figures(soup):
            texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
            assert texts and all(texts), fig_id
            assert root.get("font-family") == "'DejaVu Sans'" or all(
                t.get("font-family") == "'DejaVu Sans'" for t in root.iter(f"{SVG}text")), fig_id
            assert not [e for e in root.iter() if "DejaVuSans" in (e.get("id") or "")], fig_id
        labels = " ".join(t.get_text() for t in soup.select("figure svg text"))
        if lang == "ru":
            assert re.search("[а-яё]{3}", labels) and "нояб." in labels


def test_figures_keep_their_description_in_words(pages):
    for soup in pages.values():
        for figure in soup.select("figure"):
            assert figure.select_one("div.svg[role=img]")["aria-label"].strip()
            assert figure.select_one("figcaption").get_text(strip=True)


# ---- slim SVG draws what matplotlib drew -------------------------------------------------------

def _matplotlib_svg(draw) -> str:
    import io

    with plt.rc_context(RC_PARAMS):
        f = new_figure(figsize=(4.0, 2.0))
        ax = f.subplots()
        draw(ax)
        buf = io.StringIO()
        f.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
        plt.close(f)
    return buf.getvalue()


def _painted(svg: str) -> tuple[Counter, Counter]:
    """What a document paints, whatever its structure: the points of every path (a <use> as its shape
    moved to its place) with their paint, and every text with its place and font."""
    root = ElementTree.fromstring(svg)
    defs = {e.get("id"): e for e in root.iter() if e.get("id")}
    points, texts = Counter(), Counter()

    def walk(e, inherited):
        style = dict(inherited)
        style.update((k, v) for k, v in e.attrib.items() if k in ("fill", "stroke", "stroke-width", "font-size"))
        for declaration in (e.get("style") or "").split(";"):
            name, _, value = (part.strip() for part in declaration.partition(":"))
            if name in ("fill", "stroke", "stroke-width", "font-size"):
                style[name] = value
        tag = e.tag.removeprefix(SVG)
        if tag in ("defs", "clipPath", "metadata", "pattern"):
            return
        if tag in ("path", "use"):
            shape, dx, dy = e, 0.0, 0.0
            if tag == "use":
                shape = defs[e.get(HREF)[1:]]
                dx, dy = float(e.get("x", 0)), float(e.get("y", 0))
                own = {k: v for k, v in shape.attrib.items() if k in ("fill", "stroke", "stroke-width")}
                for declaration in (shape.get("style") or "").split(";"):
                    name, _, value = (part.strip() for part in declaration.partition(":"))
                    if name in ("fill", "stroke", "stroke-width"):
                        own[name] = value
                style.update(own)
            paint = (style.get("fill", "#000000"), style.get("stroke", "none"), style.get("stroke-width", "1"))
            if paint[:2] == ("none", "none"):
                return  # paints nothing (matplotlib's transparent background rectangles)
            for _, pts in svgshape.points(shape.get("d")):
                for x, y in pts:
                    points[(svgshape.number(x + dx), svgshape.number(y + dy), paint)] += 1
        if tag == "text":
            texts[("".join(e.itertext()), svgshape.number(float(e.get("x"))), svgshape.number(float(e.get("y"))),
                   style.get("font-size"))] += 1
        for child in e:
            walk(child, style)

    walk(root, {})
    return points, texts


def _draw(ax):
    x = range(12)
    ax.fill_between(x, [i - 1 for i in x], [i + 1 for i in x], color="#c6dbef", linewidth=0)
    ax.plot(x, [i * 0.5 for i in x], color="#2171b5")
    ax.plot(x, [11 - i for i in x], marker="o", markersize=2.2, color="#000000")
    ax.plot([-5, 20], [3, 3], color="#b84a00")  # beyond the axes: stays clipped
    ax.set_xlim(-0.5, 11.5)
    ax.set_ylim(-2, 13)
    ax.grid(axis="y", color="#e0e0e0", linewidth=0.5)
    ax.set_ylabel("km³")


def test_slim_svg_paints_the_same_points_and_texts():
    raw = _matplotlib_svg(_draw)
    slim = slim_svg(raw, "fig-x")
    assert _painted(slim) == _painted(raw)
    assert len(slim) < 0.7 * len(raw)
    root = ElementTree.fromstring(slim)
    assert sum(1 for _ in root.iter()) < sum(1 for _ in ElementTree.fromstring(raw).iter()) / 3
    # the line beyond the axes keeps its clip; every id left is the figure's
    clipped = [e for e in root.iter() if e.get("clip-path")]
    assert any(e.get("stroke") == "#b84a00" for g in clipped for e in g.iter())
    assert all(e.get("id").startswith("fig-x-") for e in root.iter() if e.get("id"))
    refs = re.findall(r'(?:url\(#|href="#)([^)"]+)', slim)
    assert refs and all(r.startswith("fig-x-") and f'id="{r}"' in slim for r in refs)


def test_slim_svg_is_deterministic_and_keeps_groups_given_on_purpose():
    from matplotlib.patches import Rectangle

    def draw(ax):
        for i in range(3):
            ax.add_patch(Rectangle((i, 0), 1, 1, facecolor="#ffa885", edgecolor="#ffffff", gid=f"cell-{i}"))
            ax.text(i + 0.5, 0.5, "−", ha="center")
        ax.set_xlim(0, 3)
        ax.set_axis_off()

    raw = _matplotlib_svg(draw)
    attributes = {f"cell-{i}": {"data-category": "below_normal"} for i in range(3)}
    slim = slim_svg(raw, "fig-s", attributes)
    assert slim == slim_svg(raw, "fig-s", attributes)
    root = ElementTree.fromstring(slim)
    cells = [g for g in root.iter(f"{SVG}g") if g.get("data-category")]
    assert [g.get("id") for g in cells] == ["fig-s-cell-0", "fig-s-cell-1", "fig-s-cell-2"]
    assert all(g.find(f"{SVG}path").get("fill") == "#ffa885" for g in cells)
    assert _painted(slim) == _painted(raw)


def test_markers_filled_and_stroked_in_two_colours_are_not_merged():
    def draw(ax):
        ax.plot([0, 0.05, 0.1], [0, 0, 0], marker="D", markersize=8, markerfacecolor="#b84a00",
                markeredgecolor="#ffffff", linestyle="none")

    slim = slim_svg(_matplotlib_svg(draw), "fig-m")
    assert len(ElementTree.fromstring(slim).findall(f".//{SVG}use")) == 3


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
@pytest.mark.parametrize(("text", "size", "weight", "anchor"), [
    ("KAZAKHSTAN", 9.5, "700", "middle"), ("нояб.", 6.6, "normal", "middle"), ("1 400", 8, "normal", "end"),
    ("−−", 7, "700", "middle")])
def test_a_text_placed_at_its_start_lands_where_its_anchor_put_it(tmp_path, text, size, weight, anchor):
    """WeasyPrint draws an anchored SVG text in a group of its own; the figures place it at its start
    instead (``advance_width``), and the glyphs land at the same place in the PDF, to 1/100 pt."""
    from bulletin.render.pdf import render_pdf
    from bulletin.render.svg import advance_width

    def page(attrs):
        return ('<html><body style="margin:0"><svg xmlns="http://www.w3.org/2000/svg" width="400pt" height="60pt" '
                f'viewBox="0 0 400 60" font-family="\'DejaVu Sans\'"><text y="30" font-size="{size}px" '
                f'font-weight="{weight}" {attrs}>{text}</text></svg></body></html>')

    width = advance_width(text, float(size), weight)
    start = 200 - (width / 2 if anchor == "middle" else width)
    boxes = []
    for html in (page(f'x="200" text-anchor="{anchor}"'), page(f'x="{start:.2f}"')):
        (tmp_path / "t.pdf").write_bytes(render_pdf(html))
        out = subprocess.run(["pdftotext", "-bbox", str(tmp_path / "t.pdf"), "-"], capture_output=True, text=True,
                             check=True).stdout
        boxes.append([float(v) for v in re.findall(r'[xy]M(?:in|ax)="([0-9.]+)"', out)])
    assert boxes[0] and boxes[0] == pytest.approx(boxes[1], abs=0.02)


def test_no_figure_text_is_anchored_at_its_middle_or_end(pages):
    for soup in pages.values():
        for _, fig_id, root in _figures(soup):
            assert not [t for t in root.iter() if t.get("text-anchor") in ("middle", "end")], fig_id


def test_figure_svg_is_slim():
    with plt.rc_context(RC_PARAMS):
        f = new_figure(figsize=(3.0, 1.0))
        f.subplots().plot([0, 1], [0, 1])
        svg = figure_svg(f, "fig-f")
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"') and "<metadata" not in svg and "\n" not in svg


# ---- the print stylesheet ---------------------------------------------------------------------

def test_the_page_stylesheet_has_no_custom_property_left_to_substitute():
    css = page_css()
    root_block = css[:css.index("}") + 1]
    assert ":root {" in root_block and "--level-alert:" in root_block
    assert "var(--" not in css[len(root_block):]


def test_the_print_stylesheet_lays_out_no_flex_box():
    from bulletin.resources import resource_path

    screen = resource_path("templates", "bulletin.css").read_text(encoding="utf-8")
    printed = resource_path("templates", "print.css").read_text(encoding="utf-8")
    flex = {m.strip() for m in re.findall(r"([^{}]+)\{[^{}]*display:\s*flex", screen)}
    flex = {s.strip() for rule in flex for s in rule.split(",") if "@media" not in s}
    # every selector that is a flex container on screen is given another display in print
    overridden = " ".join(re.findall(r"([^{}]+)\{[^{}]*display:\s*(?:block|grid|inline-block)", printed))
    for selector in flex:
        words = selector.replace(">", " ").split()
        assert all(w in overridden for w in words), selector


# ---- languages side by side --------------------------------------------------------------------

@pytest.fixture(scope="module")
def small(tmp_path_factory):
    folder = tmp_path_factory.mktemp("small")
    data = write_csv(folder / "t.csv", daily_rows("toktogul", "volume", "Mm3", "2025-10-01", "2026-11-20",
                                                  lambda d: 9000 + d.day_of_year * 3))
    return run(allow_no_data=True, data=[data], period=SAMPLE_PERIOD,
               issued_at=datetime.fromisoformat(SAMPLE_ISSUED), with_outlook=False)


def test_languages_rendered_side_by_side_give_the_bytes_of_one_process(small):
    langs, formats = ["ru", "en"], ["html", "pdf", "json"]
    assert outputs.page_workers(langs, formats, 2) == 2
    side_by_side = outputs.render_all(small.bulletin, langs, formats, workers=2)
    one = outputs.render_all(small.bulletin, langs, formats, workers=1)
    assert list(side_by_side) == list(one) and side_by_side == one
    assert [n.rsplit(".", 2)[-2:] for n in one if n.endswith((".html", ".pdf"))] == [
        ["ru", "html"], ["ru", "pdf"], ["en", "html"], ["en", "pdf"]]


def _workers_in_a_child(_):
    return outputs.page_workers(["ru", "en"], ["pdf"], 2)


def test_a_worker_process_renders_its_languages_itself():
    """A backfill's workers render their periods side by side already: no process of their own."""
    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("no fork here")
    with multiprocessing.get_context("fork").Pool(1) as pool:
        assert pool.map(_workers_in_a_child, [0]) == [1]
    assert outputs.page_workers(["ru", "en"], ["html", "json"], 2) == 1  # no PDF to lay out


# ---- JSON only ---------------------------------------------------------------------------------

def test_the_json_path_draws_no_figure_and_imports_no_page_library():
    """``run(figures=False)`` gives the same results JSON and CSV, byte for byte, and rendering them
    imports neither matplotlib nor WeasyPrint nor the templates (a fresh process, so nothing else
    imported them before)."""
    code = ("import sys\n"
            "from datetime import datetime\n"
            "from bulletin.pipeline import run\n"
            "from bulletin.render.outputs import render_all\n"
            f"when = datetime.fromisoformat('{SAMPLE_ISSUED}')\n"
            "lean = render_all(run(issued_at=when, figures=False).bulletin, ['en'], ['json', 'csv'])\n"
            "print(sorted(m for m in ('matplotlib', 'weasyprint', 'jinja2') if m in sys.modules))\n"
            "full = run(issued_at=when)\n"
            "assert full.bulletin.figures and full.products.hydrographs\n"
            "print(render_all(full.bulletin, ['en'], ['json', 'csv']) == lean)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parents[1])
    assert done.stdout.split("\n")[:2] == ["[]", "True"]
