"""The outlook as the bulletin shows it: key risks, the table of probabilities, fan charts, page one."""

from __future__ import annotations

import dataclasses
import json
from types import SimpleNamespace

import numpy as np
import pytest
from bs4 import BeautifulSoup

from bulletin.catalogue import load_catalogue
from bulletin.document.outlook import RISK_MIN_PROBABILITY, outlook_section
from bulletin.ingest import read_observations
from bulletin.methods import LEVELS
from bulletin.methods.levels import Threshold
from bulletin.outlook import Lead, outlook
from bulletin.outlook.assess import reached_levels
from bulletin.outlook.model import IndicatorOutlook, Outlook, OutlookRow
from bulletin.periods import DEFAULT_SEASONS, parse_period
from bulletin.render.i18n import Localizer
from bulletin.series import SeriesStore

from .conftest import SAMPLE_LANGS, SAMPLE_PERIOD, generate


def test_reached_levels_by_hand():
    # three traces over two dekads: ranks (-1 no data, 0 normal ... 3 alert)
    assessed = {1: (np.array([0, 1, -1]), None), 2: (np.array([2, 0, -1]), None)}
    # highest per trace: 2, 1, -1; over the traces with a level (the first two): watch or above 1,
    # warning or above 1/2, alert 0
    assert reached_levels(assessed) == (("watch", 1.0), ("warning", 0.5), ("alert", 0.0))
    # over the complete traces only (the first and the third): 2 and -1
    assert reached_levels(assessed, np.array([True, False, True])) == (("watch", 0.5), ("warning", 0.5),
                                                                         ("alert", 0.0))


@pytest.fixture(scope="module")
def sample_data(network):
    cat = load_catalogue(None, network)
    return cat, SeriesStore(read_observations(None, network), cat.settings)


def test_probability_of_alert_is_monotone_in_the_threshold(network, sample_data):
    """A higher low-side alert threshold can only make more traces fall below it, at every lead."""
    cat, store = sample_data
    issue = parse_period(SAMPLE_PERIOD, network.seasons)
    base = next(i for i in cat.indicators if i.id == "toktogul_volume_low")
    previous = None
    for value in (4.0, 6.0, 8.0, 9.0, 10.0, 12.0, 16.0, 20.0):
        ind = dataclasses.replace(base, thresholds=(Threshold("alert", "<", value, "km3"),))
        o = outlook(dataclasses.replace(cat, indicators=(ind,)), network, store, issue)
        io = o.indicator(ind.id)
        now = [r.at_least("alert") for r in io.rows] + [dict(io.reached)["alert"]]
        if previous is not None:
            assert all(b >= a for a, b in zip(previous, now, strict=True)), (value, previous, now)
        previous = now
    assert previous == pytest.approx([1.0] * len(previous))  # below 20 km3 (above the total volume): every trace


def _io(indicator, reached, station="s"):
    row = OutlookRow(indicator, "d+1", 1, "2026-11-d3", {"normal": 1.0, "watch": 0.0, "warning": 0.0, "alert": 0.0},
                     1.0, 0.5, 1.5, "m3/s")
    return IndicatorOutlook(indicator, station, "discharge", "m3/s", None, None, (row,), reached, ())


class _Network(dict):
    """A network of stations with a country each, the default seasons and km3 volumes."""

    seasons = DEFAULT_SEASONS
    volume_unit = "km3"


def test_key_risks_are_ranked_by_level_then_probability_one_per_station():
    inds = [SimpleNamespace(id=i, station=s, names={"en": i}, key=False, thresholds=(),
                            threshold_by=None, method=SimpleNamespace(annex_conditions=lambda ind: ()))
            for i, s in (("a", "s1"), ("b", "s2"), ("c", "s2"), ("d", "s3"), ("e", "s4"))]
    cat = SimpleNamespace(indicators=inds)
    net = _Network({s: SimpleNamespace(country="KG") for s in ("s1", "s2", "s3", "s4")})
    o = Outlook("2026-11-d2", (Lead("d+1", 1, "2026-11-d3"), Lead("season_end", 13, "2027-03-d3")),
                (_io("a", (("watch", 0.9), ("warning", 0.3), ("alert", 0.0)), "s1"),
                 _io("b", (("watch", 1.0), ("warning", 1.0), ("alert", 0.2)), "s2"),
                 _io("c", (("watch", 1.0), ("warning", 1.0), ("alert", 0.6)), "s2"),
                 _io("d", (("watch", 0.5), ("warning", RISK_MIN_PROBABILITY - 0.01), ("alert", 0.0)), "s3"),
                 _io("e", (("watch", 0.05), ("warning", 0.0), ("alert", 0.0)), "s4")),
                tuple(range(1991, 2026)), 2026)
    section = outlook_section(o, (), cat, net)
    # c (alert 60 %) before b (alert 20 %, same station: dropped), then a (warning 30 %), then d (watch 50 %);
    # e reaches watch in 5 % of the traces only: no key risk
    assert [(r.indicator, r.level, r.probability) for r in section.risks] == [
        ("c", "alert", 0.6), ("a", "warning", 0.3), ("d", "watch", 0.5)]
    assert [r.indicator for r in section.page_one] == ["c", "a", "d"]
    assert section.no_risk is None
    loc = Localizer("en")
    assert loc.text(section.risks[0].sentence) == (
        "c: probability 60% of alert or higher in at least one dekad up to March 31, 2027.")
    assert [row.indicator for row in section.table] == ["a", "b", "c", "d", "e"]
    assert section.table[0].cells[1] is None  # no row at the season's end
    cell = section.table[0].cells[0]
    assert cell.level == "normal" and [lev for lev, _ in cell.probabilities] == list(LEVELS)


@pytest.fixture(scope="module")
def html_pages(tmp_path_factory):
    out = tmp_path_factory.mktemp("outlook")
    generate(out, "--format", "html,json", "--lang", "ru,en,kk,ky,tg,uz")
    pages = {p.name.split(".")[-2]: BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser")
             for p in out.glob("*.html")}
    return pages, json.loads(next(out.glob("*.json")).read_text(encoding="utf-8"))


def test_the_outlook_section_in_every_language(html_pages):
    pages, results = html_pages
    assert set(pages) == {"ru", "en", "kk", "ky", "tg", "uz"}
    assessed = [i["indicator"] for i in results["outlook"]["indicators"]]
    for lang, soup in pages.items():
        sec = soup.select_one("section#outlook")
        assert sec is not None, lang
        assert soup.select_one('nav#contents a[href="#outlook"]') is not None
        # one row per indicator of the outlook, a cell per lead, in catalogue order
        rows = sec.select("table.outlook-table tbody tr")
        assert [r["data-indicator"] for r in rows] == assessed
        assert all(len(r.select("td.outlook-cell")) == len(results["outlook"]["leads"]) for r in rows)
        # a fan chart per reservoir volume and key series, each with a figure in words
        fans = sec.select("figure.fan")
        assert {"fan-toktogul-volume", "fan-shardara-volume"} <= {f["id"] for f in fans}
        assert all(f.select_one("svg") is not None and f.select_one("[role=img]")["aria-label"] for f in fans)


def test_risks_in_the_page_agree_with_the_json(html_pages):
    pages, results = html_pages
    soup = pages["en"]
    risks = soup.select("ol.outlook-risks li")
    reached = {i["indicator"]: i["reached"] for i in results["outlook"]["indicators"]}
    assert risks, "the sample outlook names at least one key risk"
    for li in risks:
        level, p = li["data-level"], float(li["data-probability"])
        assert reached[li["data-indicator"]][level] == pytest.approx(p, abs=5e-4)
        assert p >= RISK_MIN_PROBABILITY
        assert f"{round(p * 100)}%" in li.get_text()
        # no more severe level reaches the minimum probability
        more = LEVELS[LEVELS.index(level) + 1:]
        assert all(reached[li["data-indicator"]][lev] < RISK_MIN_PROBABILITY for lev in more)
    ranks = [LEVELS.index(li["data-level"]) for li in risks]
    assert ranks == sorted(ranks, reverse=True)
    page_one = soup.select("section#summary ol.page-one-risks li")
    assert [li["data-indicator"] for li in page_one] == [li["data-indicator"] for li in risks[:3]]


def test_table_cells_agree_with_the_json(html_pages):
    pages, results = html_pages
    soup = pages["en"]
    first = results["outlook"]["indicators"][0]
    tr = soup.select_one(f'table.outlook-table tr[data-indicator="{first["indicator"]}"]')
    for td, row in zip(tr.select("td.outlook-cell"), first["rows"], strict=True):
        shown = {s["data-level"]: s.get_text(" ", strip=True) for s in td.select(".prob")}
        for level in ("watch", "warning", "alert"):
            p = row["probabilities"][level]
            if p == 0:
                assert level not in shown
            else:
                assert shown[level] == f"{round(p * 100)}%", (level, shown, row)
        # every share in words for a screen reader, normal included
        assert td["aria-label"].startswith(f"normal {round(row['probabilities']['normal'] * 100)}%")


def test_sample_languages_carry_the_section(sample):
    out, _ = sample
    for lang in SAMPLE_LANGS:
        soup = BeautifulSoup((out / f"syrdarya-{SAMPLE_PERIOD}.{lang}.html").read_text(encoding="utf-8"),
                             "html.parser")
        assert soup.select("section#outlook figure.fan")


def test_the_annex_prints_the_scores_of_the_verification_file(html_pages):
    """The numbers come from `bulletin verify` (the shipped file), not from a constant of the template."""
    from bulletin.outlook.scores import sample_verification_path

    pages, _ = html_pages
    scores = json.loads(sample_verification_path().read_text(encoding="utf-8"))
    sec = pages["en"].select_one("section#annex section#verification")
    assert sec is not None and scores["command"] in sec.get_text()
    rows = sec.select("table.verification-table tbody tr")
    assert [r["data-lead"] for r in rows] == [s["label"] for s in scores["leads"]]
    for tr, s in zip(rows, scores["leads"], strict=True):
        cell = {td["data-score"]: td.get_text(strip=True) for td in tr.select("td")}
        assert cell["bss"] == f"{s['bss']:.2f}" and cell["hit_rate"] == f"{s['hit_rate']:.2f}"
        assert cell["false_alarm_ratio"] == f"{s['false_alarm_ratio']:.2f}"
        assert cell["n"] == f"{s['n']:,}"
        assert cell["s_over_sigma"] == f"{s['s_over_sigma']:.2f}"


def test_a_cell_shows_the_value_compared_with_the_thresholds(html_pages):
    """Days of release left are shown in days, as the thresholds are, not as the volume of the series."""
    pages, results = html_pages
    days = next(i for i in results["outlook"]["indicators"] if i["indicator"] == "toktogul_days_left")
    tr = pages["en"].select_one('table.outlook-table tr[data-indicator="toktogul_days_left"]')
    for td, row in zip(tr.select("td.outlook-cell"), days["rows"], strict=True):
        c = row["compared"]
        assert c["unit"] == "d" and c["p10"] <= c["median"] <= c["p90"]
        assert td.select_one(".spread").get_text(" ", strip=True).startswith(f"{c['median']:,.0f}\u00a0day")
    volume = next(i for i in results["outlook"]["indicators"] if i["indicator"] == "toktogul_volume_low")
    assert all("compared" not in row for row in volume["rows"])


def test_the_annex_prints_the_reliability_table_of_the_file(html_pages):
    from bulletin.outlook.scores import sample_verification_path

    pages, _ = html_pages
    scores = json.loads(sample_verification_path().read_text(encoding="utf-8"))
    rows = pages["en"].select("section#verification table.reliability-table tbody tr")
    assert len(rows) == len(scores["leads"][0]["reliability"])
    for k, tr in enumerate(rows):
        for td, lead in zip(tr.select("td"), scores["leads"], strict=True):
            b = lead["reliability"][k]
            assert td["data-lead"] == lead["label"]
            want = "—" if not b["count"] else (
                f"{b['mean_forecast']:.2f} → {b['observed_frequency']:.2f} ({b['count']:,})")
            assert td.get_text(strip=True) == want


def _counted(indicator, n_traces, station="s"):
    row = OutlookRow(indicator, "d+1", 1, "2026-11-d3", {"normal": 1.0, "watch": 0.0, "warning": 0.0, "alert": 0.0},
                     1.0, 0.5, 1.5, "m3/s", n_traces)
    return IndicatorOutlook(indicator, station, "discharge", "m3/s", None, None, (row,), (("watch", 0.0),), ())


def test_a_row_says_how_many_traces_when_its_record_gives_fewer():
    inds = [SimpleNamespace(id=i, station="s", names={"en": i}, key=False, thresholds=(), threshold_by=None,
                            method=SimpleNamespace(annex_conditions=lambda ind: ())) for i in ("full", "short")]
    cat, net = SimpleNamespace(indicators=inds), _Network({"s": SimpleNamespace(country="KG")})
    years = tuple(range(1991, 2026))  # 35
    o = Outlook("2026-11-d2", (Lead("d+1", 1, "2026-11-d3"),), (_counted("full", 35), _counted("short", 10)),
                years, 2026)
    section = outlook_section(o, (), cat, net)
    assert [row.traces for row in section.table] == [(), (10, 10)]
    loc = Localizer("en")
    assert loc.text(section.intro[0]).startswith("Outlook from the state on November 20, 2026: 35 traces")
    assert loc.text(section.intro[-1]) == ("Under an indicator whose own record is complete in fewer years: the "
                                           "number of traces its shares are of.")
    every = outlook_section(dataclasses.replace(o, indicators=(_counted("full", 35),)), (), cat, net)
    assert len(every.intro) == len(section.intro) - 1  # no row with fewer: no sentence about it


def test_an_outlook_of_no_indicator_does_not_read_as_calm():
    inds = [SimpleNamespace(id="a", station="s", names={"en": "a"}, key=False, thresholds=(), threshold_by=None,
                            method=SimpleNamespace(annex_conditions=lambda ind: ()))]
    cat, net = SimpleNamespace(indicators=inds), _Network({"s": SimpleNamespace(country="KG")})
    o = Outlook("2026-11-d2", (Lead("d+1", 1, "2026-11-d3"),), (), tuple(range(1991, 2026)), 2026,
                (("a", "no discharge at s observed in 2026-11-d2, the state the traces start from"),))
    section = outlook_section(o, (), cat, net)
    assert section.table == () and section.risks == ()
    assert Localizer("en").text(section.no_risk) == ("No indicator could be assessed in the outlook (the reasons are "
                                                     "below): it says nothing about the coming dekads.")
    calm = dataclasses.replace(o, indicators=(_counted("a", 35),), left_out=())
    assert Localizer("en").text(outlook_section(calm, (), cat, net).no_risk).startswith("No indicator reaches watch")
