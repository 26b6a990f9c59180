"""The basin at a glance: map levels, reservoir fill and HydroSOS strip in the document
(bulletin/products.py, bulletin/document/overview.py), and as SVG figures with alt text in the page
(bulletin/render/basin_map.py, bulletin/render/charts.py).

The data are made by hand so that every expected value can be worked out on paper:

- Toktogul volume 10,000 + 100 (y - 1991) Mm3 in every dekad of 1991-2025 and 9,500 Mm3 in
  2026: norm of 2026-11-d2 = mean over 1991-2020 = 10,000 + 100 * 14.5 = 11,450 Mm3; last year
  (2025) 13,400 Mm3; fill (9,500 - 5,500) / (19,500 - 5,500) = 28.57 % of useful volume.
- Shardara volume 3,000 Mm3 until 2025 and 4,700 Mm3 in 2026 (watch at 4.6 km3 and above):
  fill (4,700 - 1,000) / (5,400 - 1,000) = 84.09 % of useful volume.
- Kokbulak discharge 100 + (y - 1991) m3/s in 1991-2020 (values 100..129 in every dekad), and
  chosen values in the 12 dekads up to 2026-11-d2. Weibull edges of those 30 values: P10 =
  102.1, P25 = 106.75, P75 = 122.25, P90 = 126.9 (positions i/31).
"""

import re
from datetime import UTC, datetime
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup

from bulletin.climatology import climatology, status_table
from bulletin.periods import Period
from bulletin.pipeline import run
from bulletin.render.html import render_html
from bulletin.series import period_series

PERIOD = Period.dekad(2026, 11, 2)
KOKBULAK_2026 = [95, 104, 115, 125, 140, None, 115, 115, 101, 130, 110, 120]  # 2026-07-d3 .. 2026-11-d2
KOKBULAK_EXPECTED = ["low", "below_normal", "normal", "above_normal", "high", "no_data",
                     "normal", "normal", "low", "high", "normal", "normal"]


def _dekad_rows(station, variable, unit, value_of):
    rows = []
    for year in range(1991, 2027):
        for poy in range(1, 37):
            p = Period.from_period_of_year("dekad", year, poy)
            v = value_of(p)
            if v is not None:
                rows.append(f"{station},{variable},{p.end.isoformat()},{v},{unit},dekad")
    return rows


def _kokbulak(p):
    if p.start.year <= 2020:
        return 100 + (p.start.year - 1991)
    recent = {PERIOD.shift(k): v for k, v in zip(range(-11, 1), KOKBULAK_2026, strict=True)}
    return recent.get(p)


def _toktogul(p):
    if p.start.year <= 2025:
        return 10000 + 100 * (p.start.year - 1991)
    return 9500 if p.end <= PERIOD.end else None


def _shardara(p):
    if p.start.year <= 2025:
        return 3000
    return 4700 if p.end <= PERIOD.end else None


@pytest.fixture(scope="module")
def hand_made(tmp_path_factory):
    path = tmp_path_factory.mktemp("overview") / "hand.csv"
    rows = (_dekad_rows("syrdarya_kokbulak", "discharge", "m3/s", _kokbulak)
            + _dekad_rows("toktogul", "volume", "Mm3", _toktogul)
            + _dekad_rows("shardara", "volume", "Mm3", _shardara))
    path.write_text("station,variable,date,value,unit,resolution\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return run(allow_no_data=True, data=[path], period=PERIOD.label, issued_at=datetime(2026, 11, 21, tzinfo=UTC))


# ---- map ---------------------------------------------------------------------------------------

def test_map_gives_each_station_the_highest_level_of_its_findings(hand_made, network):
    stations = {s.id: s for s in hand_made.bulletin.basin_map.stations}
    # every gauge and reservoir, upstream to downstream; withdrawal accounts are not river points
    assert list(stations) == [sid for sid, st in network.stations.items() if st.kind != "intake"]
    # Toktogul: volume below 10 km3 and fill below 32 % (warning); inflow, release and the
    # schedule have no data: the highest is warning
    levels = {f.indicator: f.level for f in hand_made.findings if f.station == "toktogul"}
    assert levels["toktogul_volume_low"] == levels["toktogul_fill"] == "warning"
    assert levels["toktogul_inflow_norm"] == "no_data"
    assert stations["toktogul"].level == "warning"
    assert stations["shardara"].level == "watch"  # 4.7 km3 >= 4.6; the filling pressure has no data
    assert stations["syrdarya_kokbulak"].level == "normal"  # 120 m3/s: normal category
    assert stations["keles_mouth"].level == "no_data"  # an indicator, but no data
    assert stations["naryn_uchterek"].level is None  # no indicator at all
    # no data: Andijan, Charvak, Bahri Tojik, Uchkurgan, Akdzhar, Chinaz, Keles, Kazaly; Karateren's only
    # indicator (North Aral inflow) is out of season in November, so it has no finding
    assert stations["syrdarya_karateren"].level is None
    counts = dict(hand_made.bulletin.basin_map.counts)
    assert counts == {"alert": 0, "warning": 1, "watch": 1, "normal": 1, "no_data": 8, None: 11}


def test_map_reservoir_fill_is_the_share_of_useful_volume(hand_made):
    stations = {s.id: s for s in hand_made.bulletin.basin_map.stations}
    assert stations["toktogul"].fill.value == pytest.approx(100 * (9500 - 5500) / (19500 - 5500))  # 28.57 %
    assert stations["shardara"].fill.value == pytest.approx(100 * (4700 - 1000) / (5400 - 1000))  # 84.09 %
    assert stations["andijan"].fill.value is None  # no volume in the data
    assert stations["naryn_uchterek"].fill is None  # a gauge
    b = hand_made.bulletin.basin_map
    assert [c.code for c in b.countries] == ["KG", "TJ", "UZ", "KZ"]
    assert dict(b.outlet.names)["en"] == "North Aral Sea"


# ---- fill bars ---------------------------------------------------------------------------------

def test_fill_bars_carry_volume_norm_last_year_and_thresholds(hand_made):
    bars = {b.station: b for b in hand_made.bulletin.fill_bars.bars}
    assert list(bars) == ["toktogul", "shardara"]  # the reservoirs with volume data
    t = bars["toktogul"]
    assert (t.volume, t.floor, t.capacity) == pytest.approx((9.5, 5.5, 19.5))
    assert t.fill == pytest.approx(400 / 14)
    assert t.norm == pytest.approx(11.45)
    assert t.last_year == pytest.approx(13.4)
    # toktogul_volume_low (9, 10, 11 km3) and toktogul_fill (25, 32, 39 % of 14 km3 above 5.5 km3:
    # 9.0, 9.98, 10.96 km3); the two alerts at 9 km3 are one mark
    assert [lev for lev, _ in t.thresholds] == ["alert", "warning", "warning", "watch", "watch"]
    assert [v for _, v in t.thresholds] == pytest.approx([9.0, 9.98, 10.0, 10.96, 11.0])
    assert t.level == "warning"
    s = bars["shardara"]
    assert (s.volume, s.norm, s.last_year, s.fill) == pytest.approx((4.7, 3.0, 3.0, 100 * 3700 / 4400))
    assert s.thresholds == (("watch", 4.6), ("warning", 5.0), ("alert", 5.2))
    assert s.level == "watch"


# ---- category strip ----------------------------------------------------------------------------

def test_strip_has_twelve_dekads_ending_with_the_bulletin(hand_made):
    strip = hand_made.bulletin.category_strip
    assert len(strip.periods) == 12
    assert strip.periods[-1] == PERIOD and strip.periods[0] == Period.dekad(2026, 7, 3)
    rows = {(r.station, r.variable): r for r in strip.rows}
    # the key series of the catalogue, and every gauge with discharge data, upstream to downstream
    assert list(rows) == [("toktogul", "volume"), ("toktogul", "inflow"), ("toktogul", "release"),
                          ("syrdarya_kokbulak", "discharge"), ("shardara", "volume"),
                          ("syrdarya_kazaly", "stage"), ("syrdarya_karateren", "discharge")]
    assert list(rows["syrdarya_kokbulak", "discharge"].categories) == KOKBULAK_EXPECTED
    assert set(rows["toktogul", "inflow"].categories) == {"no_data"}  # a key series without data


def test_strip_categories_agree_with_the_status_command(hand_made):
    """The same cells as ``bulletin status`` computes them (climatology.status_table)."""
    store_obs, settings = hand_made.evaluated, hand_made.catalogue.settings
    strip = hand_made.bulletin.category_strip
    for station, variable in (("syrdarya_kokbulak", "discharge"), ("toktogul", "volume")):
        agg = period_series(store_obs, station, variable, "dekad")
        table = status_table(agg, climatology(agg, "dekad", settings), "dekad", settings).set_index("period")
        row = next(r for r in strip.rows if (r.station, r.variable) == (station, variable))
        for p, category in zip(strip.periods, row.categories, strict=True):
            expected = table.loc[p.label, "category"] if p.label in table.index else "no_data"
            assert category == expected, (station, p.label)
    finding = next(f for f in hand_made.findings if f.indicator == "syrdarya_kokbulak_status")
    assert finding.category == strip.rows[3].categories[-1] == "normal"


# ---- rendering ---------------------------------------------------------------------------------

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}href"


@pytest.fixture(scope="module")
def pages(hand_made):
    return {lang: render_html(hand_made.bulletin, lang) for lang in ("en", "ru")}


def _svg(html, fig_id):
    soup = BeautifulSoup(html, "html.parser")
    figure = soup.select_one(f"figure#{fig_id}")
    root = ElementTree.fromstring(str(figure.select_one("svg")))
    assert root.tag == f"{SVG}svg"
    return figure, root


def _texts(root):
    return ["".join(t.itertext()).strip() for t in root.iter(f"{SVG}text")]


def test_map_svg_has_one_marker_per_station_with_a_shape_per_level(hand_made, pages, network):
    _, root = _svg(pages["en"], "fig-basin-map")
    groups = {g.get("id").removeprefix("fig-basin-map-station-"): g for g in root.iter(f"{SVG}g")
              if g.get("id", "").startswith("fig-basin-map-station-")}
    assert list(groups) == [sid for sid, st in network.stations.items() if st.kind != "intake"]
    levels = {s.id: s.level or "none" for s in hand_made.bulletin.basin_map.stations}
    assert {sid: g.get("data-level") for sid, g in groups.items()} == levels
    # the marker of each station is one <use> of a marker path; the path is the shape
    shapes: dict = {}
    for sid, g in groups.items():
        uses = list(g.iter(f"{SVG}use"))
        assert len(uses) == 1, sid
        shapes.setdefault((network[sid].kind, levels[sid]), set()).add(uses[0].get(XLINK))
    assert all(len(refs) == 1 for refs in shapes.values())  # one shape per level and kind
    for kind in ("gauge", "reservoir"):
        refs = [next(iter(r)) for (k, _), r in shapes.items() if k == kind]
        assert len(refs) == len(set(refs)) >= 3, kind  # different levels, different shapes
    # text kept as text (svg.fonttype none): the labels are <text> elements, no glyph outlines
    texts = _texts(root)
    for label in ("Toktogul 29%", "Shardara 84%", "Kokbulak", "Uch-Terek", "KAZAKHSTAN", "North Aral Sea",
                  "Highest level in this bulletin", "warning", "no indicator", "reservoir: fill not known"):
        assert label in texts, label
    assert not [e for e in root.iter() if "DejaVuSans" in (e.get("id") or "")]


def test_fill_bars_svg_shows_value_marks_and_level(pages):
    _, root = _svg(pages["en"], "fig-reservoir-fill")
    bars = {g.get("id"): g.get("data-level") for g in root.iter(f"{SVG}g")
            if g.get("id", "").startswith("fig-reservoir-fill-bar-")}
    assert bars == {"fig-reservoir-fill-bar-toktogul": "warning", "fig-reservoir-fill-bar-shardara": "watch"}
    texts = _texts(root)
    # the marks of 10 and 11 km3 are too close to those of the fill (9.98, 10.96 km3) to carry a label
    for label in ("Toktogul", "9.50\xa0km³ · 29%", "5.5", "19.5", "9", "9.98", "10.96", "4.70\xa0km³ · 84%", "4.6",
                  "5", "5.2", "norm of the period", "same period last year", "threshold: alert"):
        assert label in texts, label
    _, root_ru = _svg(pages["ru"], "fig-reservoir-fill")
    assert "9,50\xa0км³ · 29\xa0%" in _texts(root_ru) and "предупреждение" in _texts(root_ru)


def _subpath_boxes(d: str) -> list[tuple[float, float, float, float]]:
    """(x0, y0, x1, y1) of each sub-path of an SVG path (its points' bounding box; control points count)."""
    boxes = []
    for part in d.split("M")[1:]:
        xy = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", part)]
        xs, ys = xy[0::2], xy[1::2]
        boxes.append((min(xs), min(ys), max(xs), max(ys)))
    return boxes


MARKS_PER_CELL = {"low": 2, "below_normal": 1, "normal": 1, "above_normal": 1, "high": 2}
"""Shapes of a category's mark in each of its cells: two bars for low, two crosses for high."""


def _strip_layout(root, rows: int, columns: int):
    """The category strip as drawn, read from the sub-paths of its paths (:func:`_subpath_boxes`).

    Returns the groups of cells and marks by id (``cells-low``, ``marks-low``...), the category of
    each (row, column) cell, the (width, height) of a cell and of each cell's own box, and per
    category the (row, column, lies inside that cell) of each shape of its marks.
    """
    groups = {g.get("id").removeprefix("fig-category-strip-"): g for g in root.iter(f"{SVG}g") if g.get("data-category")}
    boxes = {g.get("data-category"): _subpath_boxes(g.find(f"{SVG}path").get("d"))
             for key, g in groups.items() if key.startswith("cells-")}
    every = [b for bs in boxes.values() for b in bs]
    left, top = min(b[0] for b in every), min(b[1] for b in every)
    width, height = (max(b[2] for b in every) - left) / columns, (max(b[3] for b in every) - top) / rows
    cells = {(round((y0 - top) / height), round((x0 - left) / width)): cat
             for cat, bs in boxes.items() for x0, y0, x1, y1 in bs}
    sizes = [(x1 - x0, y1 - y0) for x0, y0, x1, y1 in every]
    marks = {}
    for key, g in groups.items():
        if not key.startswith("marks-"):
            continue
        for x0, y0, x1, y1 in _subpath_boxes(g.find(f"{SVG}path").get("d")):
            i, j = int((y0 - top) // height), int((x0 - left) // width)
            inside = (top + i * height < y0 < y1 < top + (i + 1) * height
                      and left + j * width < x0 < x1 < left + (j + 1) * width)
            marks.setdefault(g.get("data-category"), []).append((i, j, inside))
    return groups, cells, (width, height), sizes, marks


def test_category_strip_cells_carry_colour_and_symbol(hand_made, pages):
    """Each cell is a sub-path of its category's path, in its category's colour, where its row and column
    put it; its mark (a bar for a minus, a cross for a plus, a dot; twice for low and high) lies inside it."""
    from bulletin.render.palette import CATEGORY_COLOURS
    from bulletin.render.symbols import CATEGORY_INK, INK

    _, root = _svg(pages["en"], "fig-category-strip")
    strip = hand_made.bulletin.category_strip
    expected = {(i, j): c for i, r in enumerate(strip.rows) for j, c in enumerate(r.categories)}
    groups, found, (width, height), sizes, marks = _strip_layout(root, len(strip.rows), len(strip.periods))
    assert all(g.get("id").endswith(g.get("data-category")) for g in groups.values())
    for cat in CATEGORY_COLOURS:
        if f"cells-{cat}" in groups:
            assert CATEGORY_COLOURS[cat].lower() in _styles(groups[f"cells-{cat}"])
    for w, h in sizes:
        assert w == pytest.approx(width, abs=0.02) and h == pytest.approx(height, abs=0.02)
    assert found == expected
    for cat, per_cell in MARKS_PER_CELL.items():
        n = sum(c == cat for c in expected.values())
        if not n:
            assert f"marks-{cat}" not in groups
            continue
        assert groups[f"marks-{cat}"].find(f"{SVG}path").get("fill").lower() == CATEGORY_INK.get(cat, INK).lower()
        assert len(marks[cat]) == per_cell * n, cat
        for i, j, inside in marks[cat]:
            assert expected[i, j] == cat and inside
    # no data keeps its letter, one per cell
    assert _texts(root).count("?") == sum(c == "no_data" for c in expected.values())
    texts = _texts(root)
    assert {"Jul", "Aug", "Sep", "Oct", "Nov"} <= set(texts)  # the months over their dekads
    assert "Syr Darya – Kokbulak" in texts and "Toktogul: volume" in texts
    _, root_ru = _svg(pages["ru"], "fig-category-strip")
    assert "Сырдарья – Кокбулак" in _texts(root_ru) and "нояб." in _texts(root_ru)


@pytest.mark.parametrize(("rows", "dekads", "seed"), [(1, 1, 0), (3, 12, 1), (21, 12, 2), (5, 36, 3), (40, 6, 4)])
def test_category_strip_geometry_for_any_shape(rows, dekads, seed):
    """Strips of other shapes than the sample's (one cell, 36 narrow columns, 40 rows, random categories,
    every category absent in some): each cell where its row and column put it, each mark inside its cell."""
    import numpy as np

    from bulletin.document.overview import CategoryStrip, StripRow
    from bulletin.periods import parse_period
    from bulletin.render.charts import category_strip_svg
    from bulletin.render.i18n import Localizer
    from bulletin.render.symbols import CATEGORY_ORDER

    rng = np.random.default_rng(seed)
    periods = [parse_period("2026-11-d2")]
    while len(periods) < dekads:
        periods.insert(0, periods[0].previous())
    cats = [tuple(str(c) for c in rng.choice(CATEGORY_ORDER[:seed + 2], size=dekads)) for _ in range(rows)]
    strip = CategoryStrip(periods=tuple(periods), alt=(),
                          rows=tuple(StripRow(f"s{i}", "discharge", f"Station {i}", c) for i, c in enumerate(cats)))
    svg = category_strip_svg(strip, Localizer("en"), {c: c for c in CATEGORY_ORDER})
    root = ElementTree.fromstring(svg)
    _, found, _, _, marks = _strip_layout(root, rows, dekads)
    assert found == {(i, j): c for i, r in enumerate(cats) for j, c in enumerate(r)}
    for cat, shapes in marks.items():
        assert len(shapes) == MARKS_PER_CELL[cat] * sum(r.count(cat) for r in cats)
        for i, j, inside in shapes:
            assert cats[i][j] == cat and inside
    assert _texts(root).count("?") == sum(r.count("no_data") for r in cats)


def test_a_level_has_one_colour_in_the_page_and_in_the_figures(hand_made, pages):
    """The swatch (CSS custom property written before the stylesheets), the map marker, the fill bar
    and the hydrograph threshold line of a level have the same colour: the palette's."""

    from bulletin.render.palette import LEVEL_COLOURS

    html = pages["en"]
    style = BeautifulSoup(html, "html.parser").select_one("head style").get_text()
    root_block = style.index(":root {")
    assert root_block < style.index("Screen and shared styles") < style.index("Print (A4) layout")
    declared = dict(re.findall(r"(--level-[a-z-]+):\s*(#[0-9a-f]{6});", style[:style.index("}", root_block)]))
    assert {k.replace("_", "-"): v for k, v in LEVEL_COLOURS.items()} == {
        k.removeprefix("--level-"): v for k, v in declared.items() if not k.endswith(("-tint", "-bar"))}
    # the outlook's probability bars draw watch, warning and alert in the same colours
    assert all(declared[f"--level-{lev}-bar"] == LEVEL_COLOURS[lev] for lev in ("watch", "warning", "alert"))
    _, root = _svg(html, "fig-basin-map")
    for g in root.iter(f"{SVG}g"):
        level = g.get("data-level")
        if g.get("id", "").startswith("fig-basin-map-station-") and level in LEVEL_COLOURS:
            assert f"fill: {LEVEL_COLOURS[level]}" in _styles(g), g.get("id")
    _, root = _svg(html, "fig-reservoir-fill")
    bars = {g.get("data-level"): _styles(g) for g in root.iter(f"{SVG}g") if g.get("data-level")}
    assert f"fill: {LEVEL_COLOURS['warning']}" in bars["warning"] and f"fill: {LEVEL_COLOURS['watch']}" in bars["watch"]
    hydrographs = BeautifulSoup(html, "html.parser").select("figure.hydrograph svg")
    assert hydrographs
    lines = " ".join(str(h) for h in hydrographs).lower()
    assert all(f'stroke="{LEVEL_COLOURS[level]}"' in lines for level in ("watch", "warning", "alert"))


def _styles(g) -> str:
    """The paint of an SVG group and everything in it, as declarations ("fill: #b84a00"), lower case.

    From ``style`` attributes and from the presentation attributes the figures are written with."""
    return " ".join(" ".join([e.get("style") or "", *(f"{k}: {v}" for k, v in e.attrib.items()
                                                      if k in ("fill", "stroke"))]) for e in g.iter()).lower()


@pytest.mark.parametrize(("lang", "map_counts", "strip_counts"), [
    ("en", "alert 0, warning 1, watch 1, normal 1, no data 8, without an indicator 11.",
     "The last column (2nd dekad of November 2026): low 1, below normal 0, normal 1, above normal 0, high 1, "
     "no data 4."),
    ("ru", "тревога — 0, предупреждение — 1, внимание — 1, норма — 1, нет данных — 8, без индикатора — 11.",
     "Последний столбец (2-я декада ноября 2026 г.): низкий — 1, ниже нормы — 0, норма — 1, выше нормы — 0, "
     "высокий — 1, нет данных — 4."),
])
def test_figures_have_captions_and_alt_text_from_the_data(pages, lang, map_counts, strip_counts):
    soup = BeautifulSoup(pages[lang], "html.parser")
    for selector in ("#overview figure#fig-basin-map", "#overview figure#fig-reservoir-fill",
                     "#status figure#fig-category-strip"):
        figure = soup.select_one(selector)
        assert figure.select_one("figcaption").get_text(strip=True), selector
        assert figure.select_one("[role=img]")["aria-label"], selector
    alt = {f["id"]: f.select_one("[role=img]")["aria-label"].replace("\xa0", " ").replace("\u2060", "")
           for f in soup.select("figure.overview-figure")}
    assert map_counts in alt["fig-basin-map"]
    assert strip_counts in alt["fig-category-strip"]
    if lang == "en":
        assert ("Toktogul: 9.50 km³, 29% of useful volume (norm 11.45 km³, last year 13.40 km³). Level: warning."
                in alt["fig-reservoir-fill"])
        assert "Toktogul reservoir: warning." in alt["fig-basin-map"]
    # the summary comes first, then the outlook, the overview and the findings; the strip before the hydrographs
    order = [s["id"] for s in soup.select("main > section")]
    assert order[:5] == ["summary", "outlook", "overview", "findings", "status"]
    assert [f["id"] for f in soup.select("#status figure")] == ["fig-category-strip"]
    assert all("hydrograph" in f["class"] for f in soup.select("#figures figure"))


def test_rendering_twice_gives_the_same_bytes(hand_made, pages):
    from bulletin.render.html import overview_pictures
    from bulletin.render.i18n import Localizer

    assert render_html(hand_made.bulletin, "en") == pages["en"]
    first = overview_pictures(hand_made.bulletin, Localizer("ru"))
    second = overview_pictures(hand_made.bulletin, Localizer("ru"))
    assert first == second and set(first) == {"basin_map", "fill_bars", "category_strip"}


def test_names_in_the_svg_are_escaped(tmp_path):
    """The SVG goes into the page as it is (|safe): a name from the network file must arrive as text."""
    import yaml

    from bulletin.network import default_network_path

    evil = '<script>alert(1)</script> & <img src="x">'
    raw = yaml.safe_load(default_network_path().read_text(encoding="utf-8"))
    for s in raw["stations"]:
        if s["id"] == "toktogul":
            s["short_name"]["en"] = evil
    net = tmp_path / "net.yaml"
    net.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    data = tmp_path / "t.csv"
    data.write_text("station,variable,date,value,unit,resolution\n"
                    + "\n".join(_dekad_rows("toktogul", "volume", "Mm3", _toktogul)) + "\n", encoding="utf-8")
    result = run(allow_no_data=True, data=[data], period=PERIOD.label, issued_at=datetime(2026, 11, 21, tzinfo=UTC), network_path=net)
    soup = BeautifulSoup(render_html(result.bulletin, "en"), "html.parser")
    assert not soup.select("script") and not soup.select("img")
    texts = [t.get_text() for t in soup.select("#fig-basin-map svg text, #fig-reservoir-fill svg text")]
    assert f"{evil} 29%" in texts and evil in texts


def test_hydrograph_legend_samples_match_the_lines_drawn(pages):
    """One legend above the hydrographs names every line kind once, in the page's language, and its
    sample has the colour and dash of that line in the charts; no chart carries a legend of its own."""
    from bulletin.render.figures import HYDROGRAPH_STYLES, LEVEL_STYLES
    from bulletin.render.palette import LEVEL_COLOURS

    for lang, words in (("en", {"current": "this year", "norm": "norm", "alert": "alert"}),
                        ("ru", {"current": "текущий год", "norm": "норма", "alert": "тревога"})):
        soup = BeautifulSoup(pages[lang], "html.parser")
        keys = soup.select("#figures > p.line-legend .line-key")
        assert [k["data-key"] for k in keys] == ["current", "last_year", "norm", "band", "watch", "warning", "alert"]
        labels = {k["data-key"]: k.get_text(strip=True) for k in keys}
        assert {k: labels[k] for k in words} == words
        charts = " ".join(str(s) for s in soup.select("figure.hydrograph svg")).lower()
        assert not any(labels[k].lower() in charts for k in ("current", "last_year", "band"))
        sample = {k["data-key"]: k.select_one("line, rect") for k in keys}
        assert sample["current"]["stroke"] == HYDROGRAPH_STYLES["current"]["color"]
        assert sample["band"]["fill"] == HYDROGRAPH_STYLES["band"]["color"]
        # last year: dashes 4 and 2 line widths long, a line 1.0 wide -> "4 2"; alert is solid
        assert sample["last_year"]["stroke-dasharray"] == "4 2"
        assert "stroke-dasharray" not in sample["alert"].attrs and LEVEL_STYLES["alert"] == "solid"
        assert sample["warning"]["stroke"] == LEVEL_COLOURS["warning"]
        # the charts draw the same colours
        assert all(f'stroke="{HYDROGRAPH_STYLES[k]["color"]}"' in charts for k in ("current", "norm", "last_year"))


def test_no_key_station_section_without_hydrographs(hand_made):
    """A network and catalogue that give no hydrograph get no "Key stations" section, nor its contents entry:
    an explanation of charts that are not there would only puzzle the reader."""
    import dataclasses

    empty = dataclasses.replace(hand_made.bulletin, figures=())
    for bulletin, present in ((hand_made.bulletin, True), (empty, False)):
        soup = BeautifulSoup(render_html(bulletin, "en"), "html.parser")
        assert (soup.select_one("section#figures") is not None) is present
        assert (soup.select_one('#contents a[href="#figures"]') is not None) is present
        assert soup.select_one("section#quality") is not None
