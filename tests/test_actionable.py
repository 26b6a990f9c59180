"""A bulletin a minister can act on: issuer and next issue, instructions per level, what changed, held levels."""

import json
import textwrap
from datetime import UTC, datetime, timedelta, timezone

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from bulletin.catalogue import load_catalogue
from bulletin.document.build import next_issue_at
from bulletin.errors import ConfigError
from bulletin.periods import Period
from bulletin.pipeline import run
from bulletin.render.html import render_html
from bulletin.render.json import results, validate
from bulletin.resources import resource_path

from .conftest import daily_rows, generate, say, write_csv

TASHKENT = timezone(timedelta(hours=5))
ISSUER = """
issuer:
  name: {en: Test issuing service, ru: Тестовая служба}
  address: {en: 1 Example Street, ru: "ул. Примерная, 1"}
  email: bulletin@example.org
  phone: "+000 00 000 0000"
  url: https://example.org/bulletin
"""
CATALOGUE = """
catalogue: {id: t, version: "1", status: sample, title: {en: T, ru: Т}}
settings: {reference_period: 1991-2020, min_coverage: {dekad: 0.7, month: 0.5}, min_years: 10}
rules:
  - {id: R1, version: "1", title: {en: R, ru: Р}, agreement: {document: {en: Doc, ru: Док}}}
indicators:
  - id: low
    name: {en: Toktogul low, ru: Токтогул мало}
    station: toktogul
    variable: volume
    method: threshold
    season: all
    unit: km3
    operator: "<"
    thresholds: {watch: 11, warning: 10, alert: 9}
    rule: R1
    instructions:
      warning: {en: WARNING-TEXT reduce releases, ru: ТЕКСТ-ПРЕДУПРЕЖДЕНИЯ}
      alert: {en: ALERT-TEXT convene the parties, ru: ТЕКСТ-ТРЕВОГИ созвать стороны}
  - id: high
    name: {en: Shardara high, ru: Шардара много}
    station: shardara
    variable: volume
    method: threshold
    season: all
    unit: km3
    operator: ">"
    thresholds: {watch: 4, warning: 4.5, alert: 5}
    rule: R1
    instructions:
      watch: {en: WATCH-TEXT follow the volume, ru: ТЕКСТ-ВНИМАНИЯ}
  - {id: fill, name: {en: Toktogul fill, ru: Наполнение}, station: toktogul, variable: volume, method: reservoir_fill,
     season: all, unit: "%", operator: "<", thresholds: {watch: 50, warning: 35, alert: 25}, rule: R1,
     deescalation_periods: 1}
  - {id: keles, name: {en: Keles low, ru: Келес мало}, station: keles_mouth, variable: discharge, method: threshold,
     season: all, unit: m3/s, operator: "<", thresholds: {alert: 5}, rule: R1, deescalation_periods: 1}
"""


@pytest.fixture(scope="module")
def bulletin(tmp_path_factory):
    """2026-11-d1 then d2: Toktogul 8.5 then 9.5 km3 (alert held, raw warning; fill alert then warning, lowered
    at once), Shardara 5.2 then 4.7 km3 (alert held, raw warning), Keles 1 then 10 m3/s (alert, then ended)."""
    tmp = tmp_path_factory.mktemp("actionable")
    cat = tmp / "cat.yaml"
    cat.write_text(textwrap.dedent(CATALOGUE) + textwrap.dedent(ISSUER), encoding="utf-8")
    rows = daily_rows("toktogul", "volume", "Mm3", "2026-11-01", "2026-11-20", lambda d: 8500 if d.day <= 10 else 9500)
    rows += daily_rows("shardara", "volume", "Mm3", "2026-11-01", "2026-11-20", lambda d: 5200 if d.day <= 10 else 4700)
    rows += daily_rows("keles_mouth", "discharge", "m3/s", "2026-11-01", "2026-11-20", lambda d: 1 if d.day <= 10 else 10)
    data = write_csv(tmp / "obs.csv", rows)
    return run(allow_no_data=True, data=[data], period="2026-11-d2", catalogue_path=cat,
               issued_at=datetime(2026, 11, 21, 6, tzinfo=TASHKENT)).bulletin


def _page(bulletin, lang):
    return BeautifulSoup(render_html(bulletin, lang), "html.parser")


def _rows(bulletin):
    return {r.finding.indicator: r for r in bulletin.rows}


# ---- issuer and next issue ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("lang", "name"), [("en", "Test issuing service"), ("ru", "Тестовая служба")])
def test_issuer_and_next_issue_on_page_one(bulletin, lang, name):
    soup = _page(bulletin, lang)
    header = soup.select_one("header.title-block")
    assert header.select_one(".issuer-name").get_text(strip=True) == name
    assert header.select_one(".issuer-email a")["href"] == "mailto:bulletin@example.org"
    assert "+000 00 000 0000" in header.select_one(".issuer-phone").get_text()
    assert header.select_one(".next-issue")["data-next-issue"] == "2026-12-01T06:00:00+05:00"
    assert soup.select_one("meta[name=author]")["content"] == name
    assert name in soup.select_one("meta[name=description]")["content"]


def test_issuer_and_next_issue_in_the_results_json(bulletin):
    doc = results(bulletin)
    validate(doc)
    head = doc["bulletin"]
    assert head["issuer"] == {"name": {"en": "Test issuing service", "ru": "Тестовая служба"},
                              "address": {"en": "1 Example Street", "ru": "ул. Примерная, 1"},
                              "email": "bulletin@example.org", "phone": "+000 00 000 0000",
                              "url": "https://example.org/bulletin"}
    assert head["next_issue"] == {"period": "2026-11-d3", "issued_at": "2026-12-01T06:00:00+05:00"}


@pytest.mark.parametrize(("period", "issued", "expected"), [
    (Period.dekad(2026, 11, 2), datetime(2026, 11, 21, 6, tzinfo=TASHKENT), datetime(2026, 12, 1, 6, tzinfo=TASHKENT)),
    # two days after the end of November's third dekad: two days after the end of December's first
    (Period.dekad(2026, 11, 3), datetime(2026, 12, 2, 9, tzinfo=UTC), datetime(2026, 12, 12, 9, tzinfo=UTC)),
    # February 2027's third dekad has 8 days: its end, 2027-02-28, plus the one day of delay
    (Period.dekad(2027, 2, 2), datetime(2027, 2, 21, 6, tzinfo=UTC), datetime(2027, 3, 1, 6, tzinfo=UTC)),
    (Period.month(2026, 11), datetime(2026, 12, 3, 12, tzinfo=UTC), datetime(2027, 1, 3, 12, tzinfo=UTC)),
])
def test_next_issue_is_the_next_period_end_plus_the_same_delay(period, issued, expected):
    assert next_issue_at(period, issued) == expected


def test_the_sample_catalogue_names_a_sample_issuer(network):
    cat = load_catalogue(None, network)
    assert cat.issuer is not None and "sample" in cat.issuer.name("en").lower()
    assert cat.issuer.email.endswith("@example.org")


def _load(tmp_path, network, text):
    path = tmp_path / "cat.yaml"
    path.write_text(textwrap.dedent(CATALOGUE) + textwrap.dedent(text), encoding="utf-8")
    return load_catalogue(path, network)


def test_a_wrong_issuer_key_is_named(tmp_path, network):
    with pytest.raises(ConfigError) as err:
        _load(tmp_path, network, ISSUER.replace("email:", "emial:").replace("https://", "ftp://"))
    text = str(err.value)
    assert "issuer.emial: unknown key 'emial' (did you mean 'email'?)" in text
    assert "issuer.url: 'ftp://example.org/bulletin' is not a valid url" in text


def test_an_issuer_needs_a_name_in_en_and_ru(tmp_path, network):
    with pytest.raises(ConfigError, match=r"issuer\.name\.ru: the ru text is missing"):
        _load(tmp_path, network, ISSUER.replace(", ru: Тестовая служба", ""))


def test_instruction_keys_are_checked(tmp_path, network):
    bad = CATALOGUE.replace("      alert: {en: ALERT-TEXT", "      alarm: {en: ALERT-TEXT").replace(
        "      watch: {en: WATCH-TEXT follow the volume, ru: ТЕКСТ-ВНИМАНИЯ}", "      watch: {en: WATCH-TEXT}")
    path = tmp_path / "bad.yaml"
    path.write_text(textwrap.dedent(bad), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_catalogue(path, network)
    text = str(err.value)
    assert "indicators[0](low).instructions.alarm: unknown key 'alarm' (did you mean 'alert'?)" in text
    assert "indicators[1](high).instructions.watch.ru: the ru text is missing" in text


# ---- instructions ------------------------------------------------------------------------------------------
def test_instruction_shown_with_a_finding_at_its_level_only(bulletin):
    rows = _rows(bulletin)
    assert rows["low"].level == "alert" and rows["high"].level == "alert"
    soup = _page(bulletin, "en")
    low = soup.select_one("#findings tr[data-indicator=low]").get_text(" ")
    assert "ALERT-TEXT convene the parties" in low and "WARNING-TEXT" not in low  # raw level warning: not shown
    high = soup.select_one("#findings tr[data-indicator=high]")
    assert high.select_one(".instruction") is None  # an instruction of watch only, the finding is at alert
    key = soup.select_one("#summary ol.key-findings li[data-indicator=low]").get_text(" ")
    assert "ALERT-TEXT" in key
    assert "ТЕКСТ-ТРЕВОГИ" in _page(bulletin, "ru").select_one("#findings tr[data-indicator=low]").get_text(" ")
    findings = {f["indicator"]: f for f in results(bulletin)["findings"]}
    assert findings["low"]["instruction"] == {"en": "ALERT-TEXT convene the parties", "ru": "ТЕКСТ-ТРЕВОГИ созвать стороны"}
    assert findings["high"]["instruction"] is None


# ---- what changed ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_lowered_and_ended_findings_are_listed_on_page_one(bulletin, lang):
    assert {i: r.state for i, r in _rows(bulletin).items()} == {
        "low": "continuing", "high": "continuing", "fill": "de-escalated", "keles": "ended"}
    soup = _page(bulletin, lang)
    changes = [(li["data-indicator"], li["data-state"]) for li in soup.select("#summary ul.changes > li")]
    assert changes == [("fill", "de-escalated"), ("keles", "ended")]
    heading = soup.select_one("#summary ul.changes").find_previous("h3").get_text()
    assert ("de-escalated and ended" if lang == "en" else "пониженные и снятые") in heading
    assert soup.select_one("#summary .nothing-new") is None


# ---- held levels -------------------------------------------------------------------------------------------
def test_held_level_sentence_low_side_limit(bulletin):
    row = _rows(bulletin)["low"]
    assert (row.raw_level, row.level) == ("warning", "alert")
    assert say("en", row.sentence).endswith(
        "This period alone is at warning; the level is held at alert until the value has been back above the alert "
        "threshold (9 km³) for 2 periods in a row.")
    assert "выше порога уровня «тревога» (9 км³) в течение 2 периодов подряд" in say("ru", row.sentence)


def test_held_level_sentence_high_side_limit(bulletin):
    row = _rows(bulletin)["high"]
    assert (row.raw_level, row.level) == ("warning", "alert")
    assert say("en", row.sentence).endswith(
        "This period alone is at warning; the level is held at alert until the value has been back below the alert "
        "threshold (5 km³) for 2 periods in a row.")
    assert "ниже порога уровня «тревога» (5 км³)" in say("ru", row.sentence)


def test_sample_held_reservoir_sentence_is_right_way_round(tmp_path):
    # Bahri Tojik, dead volume 1,480 Mm3: within 150 Mm3 of it (alert) on the last days of the October
    # dekads, 175 Mm3 above it on 10 November (warning): the alert is held in 2026-11-d1
    frame = pd.read_csv(resource_path("data", "sample", "bahri_tojik.csv.gz"))
    volume = frame[frame["variable"] == "volume"].set_index("date")["value"]
    assert all(volume[day] - 1480 < 150 for day in ("2026-10-10", "2026-10-20", "2026-10-31"))
    assert 150 <= volume["2026-11-10"] - 1480 < 300
    generate(tmp_path, "--period", "2026-11-d1", "--format", "html,json", "--lang", "en")
    doc = json.loads((tmp_path / "syrdarya-2026-11-d1.json").read_text(encoding="utf-8"))
    bahri = {f["indicator"]: f for f in doc["findings"]}["bahri_tojik_margin"]
    assert (bahri["raw_level"], bahri["level"]) == ("warning", "alert")
    html = (tmp_path / "syrdarya-2026-11-d1.en.html").read_text(encoding="utf-8")
    row = BeautifulSoup(html, "html.parser").select_one("#summary ol.key-findings li[data-indicator=bahri_tojik_margin]")
    text = row.get_text(" ").replace("\xa0", " ").replace("\u2060", "")
    assert "This period alone is at warning" in text
    assert "back above the alert threshold (0.15 km³)" in text and "been below it" not in text
