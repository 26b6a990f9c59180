"""End to end: the sample bulletin (Russian, English, Tajik), checked by structure, text and schema."""

import json
from pathlib import Path

import jsonschema
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from bulletin.catalogue import load_catalogue
from bulletin.render.json import schema

from .conftest import SAMPLE_ISSUED as ISSUED
from .conftest import SAMPLE_LANGS
from .conftest import SAMPLE_PERIOD as PERIOD
from .conftest import generate as _generate

SAMPLE_DATA = Path(__file__).resolve().parent.parent / "data" / "sample"


def _doc(out):
    return json.loads((out / f"syrdarya-{PERIOD}.json").read_text(encoding="utf-8"))


def _daily(station, variable):
    """A daily series of the sample data, read with pandas (not with the bulletin's readers)."""
    frame = pd.read_csv(SAMPLE_DATA / f"{station}.csv.gz", parse_dates=["date"])
    rows = frame[frame["variable"] == variable]
    return pd.Series(rows["value"].to_numpy(float), index=pd.DatetimeIndex(rows["date"]))


def test_latest_dekad_outputs_in_every_language_asked(sample):
    out, result = sample
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted([f"syrdarya-{PERIOD}.{lang}.{ext}" for lang in SAMPLE_LANGS for ext in ("html", "pdf")]
                           + [f"syrdarya-{PERIOD}.json", f"syrdarya-{PERIOD}.findings.csv", f"syrdarya-{PERIOD}.outlook.csv"])
    assert f"Bulletin syrdarya-{PERIOD}" in result.output


def test_json_follows_the_schema_and_the_contract(sample, network):
    doc = _doc(sample[0])
    jsonschema.validate(doc, schema())
    b = doc["bulletin"]
    assert b["period"] == PERIOD and b["issued_at"] == ISSUED
    assert b["catalogue"] == {"id": "syrdarya-ews", "version": "0.1.0-sample", "agreed": None, "status": "sample"}
    assert b["reference_period"] == "1991-2020" and b["sample_data"] is True
    assert len(b["inputs"]) == len(network.stations)
    cat = load_catalogue(network=network)
    in_season = [i.id for i in cat.indicators if i.applies_in_month(11, network.seasons)]
    assert [f["indicator"] for f in doc["findings"]] == in_season
    levels = {f["level"] for f in doc["findings"]}
    assert levels & {"warning", "alert"}, "the sample bulletin must show a warning or an alert"
    assert "no_data" in levels  # the sample has an incomplete gauge in the latest dekad
    # alert states, from the sample's dekads before 2026-11-d2; a volume is that of the dekad's last day
    states = {f["indicator"]: (f["raw_level"], f["level"], f["state"]) for f in doc["findings"]}
    toktogul = _daily("toktogul", "volume")
    assert 9000 <= toktogul["2026-11-10"] < 10000 and 9000 <= toktogul["2026-11-20"] < 10000
    assert states["toktogul_volume_low"] == ("warning", "warning", "continuing")  # below 10 km3 in 11-d1 too
    fill = {day: 100 * (toktogul[day] - 5500) / 14000 for day in ("2026-11-10", "2026-11-20")}
    assert 32 <= fill["2026-11-10"] < 39 and 25 <= fill["2026-11-20"] < 32, fill
    assert states["toktogul_fill"] == ("warning", "warning", "escalated")  # watch in 11-d1
    margin = _daily("bahri_tojik", "volume")[["2026-10-10", "2026-10-20", "2026-10-31", "2026-11-10", "2026-11-20"]] - 1480
    assert (margin.iloc[:3] < 150).all() and (margin.iloc[3:] >= 150).all(), margin.tolist()
    assert states["bahri_tojik_margin"] == ("warning", "warning", "de-escalated")  # alert in October, held in 11-d1
    assert states["chirchik_chinaz_status"] == ("normal", "watch", "continuing")  # high until 11-d1: watch held
    assert states["shardara_volume_high"] == ("normal", "normal", None)  # 4.07 km3, below the watch 4.6 km3
    assert states["andijan_inflow_norm"] == ("watch", "watch", "continuing")
    assert states["keles_mouth_status"] == ("no_data", "no_data", None)
    assert states["kazaly_stage"] == ("normal", "normal", None)
    # a mix of HydroSOS categories at the river stations, not all low
    categories = {f["indicator"]: f["category"] for f in doc["findings"] if f["indicator"].endswith("_status")}
    assert set(categories.values()) >= {"normal", "below_normal", "above_normal"}, categories


@pytest.mark.parametrize(("change", "where"), [
    (lambda d: d["findings"][0].update(level="calm"), "findings/0/level"),
    (lambda d: d["findings"][2].update(value="412"), "findings/2/value"),
    (lambda d: d["bulletin"].pop("period"), "bulletin"),
    (lambda d: d["outlook"]["indicators"][0]["reached"].update(watch=1.5), "outlook/indicators/0/reached/watch"),
])
def test_the_command_refuses_a_document_the_independent_validator_refuses(sample, change, where):
    """The command checks with jsonschema-rs; the Python jsonschema must refuse the same documents, and accept the same."""
    from bulletin.errors import RenderError
    from bulletin.render.json import validate

    doc = _doc(sample[0])
    validate(doc)  # the sample's own document passes both
    jsonschema.validate(doc, schema())
    change(doc)
    assert list(jsonschema.Draft202012Validator(schema()).iter_errors(doc))
    with pytest.raises(RenderError) as err:
        validate(doc)
    assert any(line.startswith(f"{where}: ") for line in err.value.details)


def test_findings_csv_has_one_row_per_finding(sample):
    out = sample[0]
    lines = (out / f"syrdarya-{PERIOD}.findings.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("indicator,station,variable,period,value,unit,level")
    assert lines[0].endswith(",indicator_value,indicator_unit")
    assert len(lines) - 1 == len(_doc(out)["findings"])
    # the value compared with the thresholds: Toktogul fill (volume on 20 November - 5,500) / 14,000
    volume = _daily("toktogul", "volume")["2026-11-20"]
    fill = next(line for line in lines if line.startswith("toktogul_fill,")).split(",")
    assert float(fill[-2]) == pytest.approx(100 * (volume - 5500) / 14000, abs=1e-3) and fill[-1] == "%"


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_html_structure(sample, network, lang):
    out = sample[0]
    doc = _doc(out)
    soup = BeautifulSoup((out / f"syrdarya-{PERIOD}.{lang}.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.html["lang"] == lang
    assert soup.select_one("header.title-block h1").get_text(strip=True)
    assert soup.select_one(".issue-number").get_text(strip=True) == "32/2026"
    assert soup.select_one(".notice.sample-data") is not None
    assert soup.select_one(".notice.sample-catalogue") is not None
    # page one: the highest level of each country, in network order, as in the country table
    levels = [(li["data-country"], li["data-level"]) for li in soup.select("#summary ul.country-levels > li")]
    assert levels == [(tr["data-country"], tr.select_one("td .level")["data-level"])
                      for tr in soup.select("#summary table.countries tbody tr")]
    # summary: one row per country, in network order
    assert [tr["data-country"] for tr in soup.select("#summary table.countries tbody tr")] == list(network.countries)
    # the three most important: by level, then the catalogue's key indicators, then new or escalated,
    # then the furthest from normal; the sample has one alert (Tajikistan's withdrawals), then among
    # its five warnings the key toktogul_volume_low, then the escalated toktogul_fill and
    # toktogul_days_left, both at percentile 3.2 (1/31), in the catalogue's order
    assert [li["data-indicator"] for li in soup.select("#summary ol.key-findings > li")] == [
        "withdrawal_limit_tj", "toktogul_volume_low", "toktogul_fill"]
    # the summary opens with the count of findings per level, as the JSON has them
    n = {lev: sum(f["level"] == lev for f in doc["findings"]) for lev in ("alert", "warning", "watch", "normal", "no_data")}
    lead = soup.select_one("#summary > p.lead").get_text()
    expected = {"en": (f"Indicators evaluated in the 2nd dekad of November 2026: {len(doc['findings'])}; "
                       f"alert {n['alert']}, warning {n['warning']}, watch {n['watch']}, normal {n['normal']}, "
                       f"no data {n['no_data']}."),
                "ru": (f"Индикаторы, оценённые во второй декаде ноября 2026\xa0г.: {len(doc['findings'])}; "
                       f"тревога — {n['alert']}, предупреждение — {n['warning']}, внимание — {n['watch']}, "
                       f"норма — {n['normal']}, нет данных — {n['no_data']}.")}
    assert lead == expected[lang]
    # findings table: one row per finding with the same level as the JSON, and header cells
    rows = soup.select("#findings table.findings-table tbody tr")
    assert [(r["data-indicator"], r["data-level"]) for r in rows] == [(f["indicator"], f["level"]) for f in doc["findings"]]
    assert all(r.select_one("td.level-cell .level .swatch") is not None for r in rows)
    # the state next to the level, as in the JSON, and what is new or escalated on page one
    assert [r["data-state"] or None for r in rows] == [f["state"] for f in doc["findings"]]
    for r, f in zip(rows, doc["findings"], strict=True):
        state = r.select_one("td.level-cell .state")
        assert (state["data-state"] if state else None) == f["state"]
        assert state is None or state.get_text(strip=True)
    changes = [(li["data-indicator"], li["data-state"]) for li in soup.select("#summary ul.changes > li")]
    assert changes == [("toktogul_fill", "escalated"), ("toktogul_days_left", "escalated"),
                       ("bahri_tojik_margin", "de-escalated"), ("toktogul_release_schedule_ngs", "de-escalated")]
    assert soup.select_one("#summary .nothing-new") is None
    assert len(soup.select("#findings thead th[scope=col]")) == 9
    # a figure per key station, inline SVG with alt text
    figures = soup.select("#figures figure.hydrograph")
    assert len(figures) >= 5
    for fig in figures:
        assert fig.select_one("svg") is not None and fig.select_one("[role=img]")["aria-label"]
    assert soup.select("#quality table.quality-table tbody tr")
    assert len(soup.select("#annex table.annex-table tbody tr")) == 25
    rule_links = {a["href"] for a in soup.select("#annex table.annex-table a[href]")}
    assert rule_links == {f"#rule-{r}" for r in ("SD-RES-1", "SD-FLOW-1", "SD-OPS-1", "SD-ARAL-1", "SD-STAGE-1",
                                                 "SD-LIM-1")}
    # a withdrawal indicator shows the limit of each season next to its method
    limits = soup.select('#annex tr[data-indicator=withdrawal_limit_tj] .method-detail')
    assert len(limits) == 6 and all("0,365" in x.get_text() or "0.365" in x.get_text() or "1,9" in x.get_text()
                                    or "1.9" in x.get_text() for x in limits[2:])
    assert all(soup.select_one(href) is not None for href in rule_links)
    shas = [c.get_text() for c in soup.select("#provenance code.sha256")]
    assert shas == [i["sha256"] for i in doc["bulletin"]["inputs"]]
    # self-contained: no external resource of any kind
    assert not soup.select("link[href], script[src], img[src]")


@pytest.mark.parametrize(("lang", "names"), [
    ("ru", ["Токтогульское водохранилище", "Шардаринское водохранилище", "Казалы"]),
    ("en", ["Toktogul reservoir", "Shardara reservoir", "Kazaly"]),
])
def test_pdf_pages_carry_station_names_and_the_synthetic_mark(sample, lang, names):
    reader = PdfReader(sample[0] / f"syrdarya-{PERIOD}.{lang}.pdf")
    assert len(reader.pages) >= 3
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=1)  # A4 portrait
    texts = [page.extract_text() for page in reader.pages]
    whole = "\n".join(texts)
    for name in names:
        assert name in whole
    mark = "СИНТЕТИЧЕСКИЕ ДАННЫЕ" if lang == "ru" else "SYNTHETIC SAMPLE DATA"
    assert all(mark in t for t in texts), "every page must say the data are synthetic"


def test_same_inputs_and_issue_time_give_identical_bytes(sample, tmp_path):
    _generate(tmp_path, "--format", "html,pdf,json")
    for name in (f"syrdarya-{PERIOD}.ru.html", f"syrdarya-{PERIOD}.en.html", f"syrdarya-{PERIOD}.json",
                 f"syrdarya-{PERIOD}.ru.pdf", f"syrdarya-{PERIOD}.en.pdf"):
        assert (tmp_path / name).read_bytes() == (sample[0] / name).read_bytes(), name


def test_summer_bulletin_shows_the_north_aral_minimum(tmp_path):
    _generate(tmp_path, "--period", "2026-08-d1", "--format", "json")
    doc = json.loads((tmp_path / "syrdarya-2026-08-d1.json").read_text(encoding="utf-8"))
    aral = {f["indicator"]: f for f in doc["findings"]}["north_aral_inflow_min"]
    assert aral["value"] < 30 and aral["level"] == "alert"


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_a_held_level_is_explained_and_nothing_new_is_said(tmp_path, lang):
    from datetime import UTC, datetime

    from bulletin.pipeline import run
    from bulletin.render.html import render_html

    from .conftest import daily_rows, write_csv

    # Toktogul 8.5 km3 (alert) in 2026-11-d1, 9.5 km3 (warning) in 2026-11-d2: alert is kept
    data = write_csv(tmp_path / "t.csv", daily_rows("toktogul", "volume", "Mm3", "2026-11-01", "2026-11-20",
                                                    lambda d: 8500 if d.day <= 10 else 9500))
    result = run(allow_no_data=True, data=[data], period="2026-11-d2", issued_at=datetime(2026, 11, 21, tzinfo=UTC))
    f = {f.indicator: f for f in result.findings}["toktogul_volume_low"]
    assert (f.raw_level, f.level, f.state) == ("warning", "alert", "continuing")
    soup = BeautifulSoup(render_html(result.bulletin, lang), "html.parser")
    row = soup.select_one("#findings tr[data-indicator=toktogul_volume_low]")
    assert row["data-level"] == "alert" and row["data-state"] == "continuing"
    assert row.select_one(".raw-level")["data-raw-level"] == "warning"
    assert row.select_one(".raw-level").get_text(strip=True)
    assert soup.select_one("#summary .nothing-new").get_text(strip=True)
    assert not soup.select("#summary ul.changes")


def test_the_findings_say_which_way_a_level_comes_down(sample):
    """A low-side limit comes down when the value is back above it, a high-side one when below."""
    out, _ = sample
    html = (out / f"syrdarya-{PERIOD}.en.html").read_text(encoding="utf-8")
    assert "stayed back on the safe side of that threshold (above a low-side limit, below a high-side one)" in html
    assert "has stayed below it for several periods" not in html
