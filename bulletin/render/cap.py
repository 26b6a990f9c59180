"""CAP 1.2 alerts (OASIS Common Alerting Protocol) of a bulletin: one ``<alert>`` per finding at warning or alert.

A finding at warning or alert gets an ``Alert``, or an ``Update`` that references the message
of the previous issue for the same indicator and station (key ``indicator/station``); a finding
of the previous issue's messages that is now below warning, or no longer assessed, gets a
``Cancel`` that references it. A finding without data (``no_data``) gets nothing: the previous
message stays in force until it expires, exactly as when an issue is missed. Each message has
one ``<info>`` per language; the texts are the bulletin's own sentences, worded by
:class:`~bulletin.render.i18n.Localizer`. ``data/CAP.md`` documents the mapping.

==================  ==========================================================================
CAP element         value
==================  ==========================================================================
status              ``Actual``; ``Test`` when the bulletin is computed from the synthetic sample
                    (with a ``<note>`` saying so), so that the sample never looks like a real alert
severity            alert -> ``Severe``, warning -> ``Moderate``; a Cancel: ``Minor`` (the finding
                    is now below warning), ``Unknown`` when the indicator is not assessed
urgency             ``Immediate`` when the level is new or escalated, ``Expected`` otherwise;
                    ``Past`` for a Cancel
certainty           ``Observed`` when the period's own value reached the level (not held above
                    it); a level held by the de-escalation rule: ``Likely`` when the outlook gives
                    P(warning or higher at d+1) >= 0.5, or has no row for the indicator (or the
                    bulletin no outlook), ``Possible`` when it gives less; a Cancel:
                    ``Observed``, ``Unknown`` when the indicator is not assessed
==================  ==========================================================================

Times carry an explicit offset (``utc_offset``, e.g. ``+05:00``; UTC is written ``-00:00`` as
CAP 1.2 asks), never ``Z``, and no fraction of a second. The same bulletin and arguments give
the same bytes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from xml.etree import ElementTree as ET

from ..errors import RenderError
from ..periods import offset_timezone
from ..text import N_, Localized, Text, localized
from ..vocabulary import LEVEL_NAMES
from .i18n import Localizer

CAP_NAMESPACE = "urn:oasis:names:tc:emergency:cap:1.2"
ALERT_LEVELS = ("warning", "alert")
"""Levels that raise a CAP alert."""
SEVERITY = {"alert": "Severe", "warning": "Moderate"}
NO_DATA = "no_data"
_CAP_TOKEN = re.compile(r"[^\s,<&]+")  # identifier and sender: no spaces, commas, < or &
_CAP_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[-+]\d\d:\d\d")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

MSG_HEADLINE = N_("{indicator}: {level} level")
MSG_HEADLINE_CANCEL = N_("{indicator}: {level} level lifted")
MSG_NOT_ASSESSED = N_("{indicator} is not assessed in this bulletin; the {level} level of the previous bulletin "
                      "no longer applies.")
MSG_SAMPLE = N_("Test message computed from synthetic sample data: it describes no real situation.")


@dataclass(frozen=True)
class PreviousAlert:
    """A CAP message of the previous issue (read from the archive manifest by the caller)."""

    key: str  # f"{indicator}/{station}"
    identifier: str
    sender: str
    sent: str  # ISO 8601 with offset
    level: str
    msg_type: str  # Alert | Update | Cancel


@dataclass(frozen=True)
class CapMessage:
    """One CAP 1.2 message: what it is about, its file name and its bytes.

    ``level`` is the finding's level in this bulletin (for a Cancel: normal or watch, or
    ``no_data`` when the indicator is not assessed).
    """

    key: str
    identifier: str
    msg_type: str  # Alert | Update | Cancel
    level: str
    file_name: str
    sent: str
    xml: bytes


@dataclass(frozen=True)
class _Subject:
    """What one message says, before it is worded: the row (None when not assessed) and the CAP codes."""

    indicator: str
    station: str
    msg_type: str
    row: object  # bulletin.document.Row, or None
    previous: tuple  # PreviousAlert referenced
    urgency: str
    severity: str
    certainty: str
    probability: float | None  # P(warning or higher at d+1) from the outlook

    @property
    def key(self) -> str:
        return f"{self.indicator}/{self.station}"


def cap_time(moment: datetime, utc_offset: str) -> str:
    """``moment`` in ``utc_offset``, as CAP writes times: seconds, an explicit offset, UTC as ``-00:00``.

    >>> from datetime import UTC
    >>> cap_time(datetime(2026, 11, 21, 1, 0, 0, 500, tzinfo=UTC), "+05:00")
    '2026-11-21T06:00:00+05:00'
    >>> cap_time(datetime(2026, 11, 21, 1, 0, tzinfo=UTC), "+00:00")
    '2026-11-21T01:00:00-00:00'
    """
    zone = offset_timezone(utc_offset)
    if zone is None:
        raise RenderError(f"CAP: {utc_offset!r} is not a UTC offset.",
                          hint="write it as +05:00 (sign, hours, minutes).")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise RenderError(f"CAP: the time {moment.isoformat()} has no UTC offset.",
                          hint="give the issue time with its offset, e.g. 2026-11-21T06:00:00+05:00.")
    local = moment.astimezone(zone).replace(microsecond=0)
    return local.strftime("%Y-%m-%dT%H:%M:%S") + ("-00:00" if not zone.utcoffset(None) else utc_offset)


def cap_messages(bulletin, langs, previous=(), *, sender: str, revision: int = 1, utc_offset: str = "+05:00",
                 places: Mapping[str, tuple] | None = None) -> tuple[CapMessage, ...]:
    """The CAP 1.2 messages of ``bulletin``: Alert or Update per finding at warning or alert, and Cancels.

    Parameters
    ----------
    bulletin : bulletin.document.Bulletin
        The language-neutral bulletin.
    langs : sequence of str
        The languages of the ``<info>`` blocks, one each, in this order.
    previous : iterable of PreviousAlert
        The messages of the previous issue (or revision); a Cancel among them closes its key.
    sender : str
        The sender of the messages (CAP ``sender``: no spaces, commas, < or &).
    revision : int
        The revision of the issue, part of each identifier.
    utc_offset : str
        The offset the times are written with, e.g. ``+05:00``.
    places : mapping, optional
        Station id -> (lat, lon, polygon) in degrees; polygon a closed tuple of (lat, lon)
        pairs (at least 4, first == last), or ().

    Returns
    -------
    tuple of CapMessage
        In the order of the bulletin's rows, then the Cancels of indicators no longer assessed (by key).

    Raises
    ------
    RenderError
        A station of a message without a place, a malformed place, sender, offset or previous message.
    """
    if not langs:
        raise RenderError("CAP: no language asked for.", hint="give at least one language, e.g. ru,en.")
    locs = tuple(Localizer(lang) for lang in langs)
    _check_token(sender, "sender")
    if not isinstance(revision, int) or isinstance(revision, bool) or revision < 1:
        raise RenderError(f"CAP: revision {revision!r} is not a whole number from 1.")
    sent = cap_time(bulletin.issued_at, utc_offset)
    nxt = bulletin.next_issue_at
    expires = None if nxt is None else cap_time(nxt + (nxt - bulletin.issued_at), utc_offset)
    earlier: dict[str, list] = {}
    for p in previous:
        _check_previous(p)
        if p.msg_type != "Cancel":
            earlier.setdefault(p.key, []).append(p)
    subjects, seen = [], set()
    for row in bulletin.rows:
        f = row.finding
        key = f"{f.indicator}/{f.station}"
        seen.add(key)
        refs = tuple(earlier.get(key, ()))
        if row.level in ALERT_LEVELS:
            subjects.append(_alert_subject(bulletin, row, refs))
        elif refs and row.level != NO_DATA:
            subjects.append(_Subject(f.indicator, f.station, "Cancel", row, refs, "Past", "Minor", "Observed", None))
    for key in sorted(set(earlier) - seen):
        indicator, _, station = key.partition("/")
        subjects.append(_Subject(indicator, station, "Cancel", None, tuple(earlier[key]), "Past", "Unknown",
                                 "Unknown", None))
    out = []
    for s in subjects:
        identifier = f"{bulletin.id}.r{revision}.{s.indicator}.{s.station}"
        _check_token(identifier, "identifier")
        if any(p.identifier == identifier for p in s.previous):
            raise RenderError(f"CAP: the previous message of {s.key} has the identifier of this one ({identifier}).",
                              hint="pass the messages of the previous issue or revision, not of this one.")
        place = _place(places, s)
        root = _alert(bulletin, s, identifier, sender, sent, expires, locs, place)
        level = s.row.level if s.row is not None else NO_DATA
        out.append(CapMessage(s.key, identifier, s.msg_type, level, f"{bulletin.id}.{s.indicator}.{s.station}.cap.xml",
                              sent, _serialize(root)))
    return tuple(out)


def _alert_subject(bulletin, row, refs: tuple) -> _Subject:
    """The codes of a finding at warning or alert (the table of the module)."""
    f = row.finding
    p = warning_probability(bulletin.outlook, f.indicator)
    if row.raw_level is None or row.raw_level == row.level:
        certainty = "Observed"
    else:
        certainty = "Likely" if p is None or p >= 0.5 else "Possible"
    urgency = "Immediate" if row.state in ("new", "escalated") else "Expected"
    return _Subject(f.indicator, f.station, "Update" if refs else "Alert", row, refs, urgency, SEVERITY[row.level],
                    certainty, p)


def warning_probability(outlook, indicator: str) -> float | None:
    """P(warning or higher at d+1) of ``indicator`` in ``outlook``; None without an outlook or a d+1 row for it."""
    if outlook is None:
        return None
    try:
        rows = outlook.indicator(indicator).rows
    except KeyError:
        return None
    row = next((r for r in rows if r.lead == 1), None)
    p = None if row is None else row.at_least("warning")
    return None if p is None or math.isnan(p) else float(p)


def _check_token(text: str, what: str) -> None:
    if not isinstance(text, str) or not _CAP_TOKEN.fullmatch(text):
        raise RenderError(f"CAP: the {what} {text!r} may not be empty nor hold spaces, commas, '<' or '&'.",
                          hint=f"choose a {what} of letters, digits and . - _ @ : / only.")


def _check_previous(p: PreviousAlert) -> None:
    for what in ("sender", "identifier"):
        _check_token(getattr(p, what), f"{what} of the previous message of {p.key}")
    if not _CAP_TIME.fullmatch(p.sent or ""):
        raise RenderError(f"CAP: the previous message of {p.key} was sent at {p.sent!r}, not a CAP time.",
                          hint="give it as written in that message, e.g. 2026-11-11T06:00:00+05:00.")


def _place(places, s: _Subject):
    """(lat, lon, polygon) of the message's station; None for an indicator no longer assessed and not placed."""
    if places is None or s.station not in places:
        if s.row is None:
            return None
        raise RenderError(f"CAP: no place (lat, lon) is given for station '{s.station}' of {s.indicator}.",
                          hint="pass places for every station of the findings: lat and lon from the network, "
                               "and its area as (lat, lon) pairs, or ().")
    place = places[s.station]
    try:
        lat, lon, polygon = place
        lat, lon = float(lat), float(lon)
        polygon = tuple((float(a), float(b)) for a, b in polygon)
    except (TypeError, ValueError) as exc:
        raise RenderError(f"CAP: the place of station '{s.station}' is not (lat, lon, polygon): {place!r}.") from exc
    points = ((lat, lon), *polygon)
    if not all(-90 <= a <= 90 and -180 <= b <= 180 for a, b in points):
        raise RenderError(f"CAP: the place of station '{s.station}' lies outside [-90, 90] x [-180, 180]; "
                          "coordinates are (lat, lon) in degrees.")
    if polygon and (len(polygon) < 4 or polygon[0] != polygon[-1]):
        raise RenderError(f"CAP: the polygon of station '{s.station}' is not closed with at least 4 pairs "
                          f"({len(polygon)} given).", hint="repeat the first (lat, lon) pair at the end.")
    return lat, lon, polygon


def _alert(bulletin, s: _Subject, identifier: str, sender: str, sent: str, expires: str | None, locs,
           place) -> ET.Element:
    """The ``<alert>`` element of one message, its infos in the order of ``locs``."""
    root = ET.Element(_q("alert"))
    _add(root, "identifier", identifier)
    _add(root, "sender", sender)
    _add(root, "sent", sent)
    _add(root, "status", "Test" if bulletin.sample_data else "Actual")
    _add(root, "msgType", s.msg_type)
    _add(root, "scope", "Public")
    if bulletin.sample_data:
        _add(root, "note", Localizer("en").gettext(MSG_SAMPLE))
    if s.previous:
        _add(root, "references", " ".join(f"{p.sender},{p.identifier},{p.sent}" for p in s.previous))
    for loc in locs:
        _info(root, bulletin, s, loc, expires, place)
    return root


def _info(root, bulletin, s: _Subject, loc: Localizer, expires: str | None, place) -> None:
    row, lang = s.row, loc.lang
    info = ET.SubElement(root, _q("info"))
    name = row.indicator_name if row is not None else _indicator_name(bulletin, s.indicator)
    _add(info, "language", lang)
    _add(info, "category", "Env")
    _add(info, "event", _say(loc, name))
    _add(info, "responseType", "Monitor")
    _add(info, "urgency", s.urgency)
    _add(info, "severity", s.severity)
    _add(info, "certainty", s.certainty)
    if expires is not None:
        _add(info, "expires", expires)
    issuer = bulletin.issuer
    if issuer is not None and issuer.name(lang):
        _add(info, "senderName", issuer.name(lang))
    cancelled = max((p.level for p in s.previous), key=_rank, default="warning")
    if s.msg_type == "Cancel":
        headline = Text.of(MSG_HEADLINE_CANCEL, indicator=name, level=_level(cancelled))
    else:
        headline = Text.of(MSG_HEADLINE, indicator=name, level=_level(row.level))
    _add(info, "headline", _say(loc, headline))
    words = [Text.of(MSG_SAMPLE)] if bulletin.sample_data else []
    words.append(row.sentence if row is not None else Text.of(MSG_NOT_ASSESSED, indicator=name,
                                                              level=_level(cancelled)))
    _add(info, "description", " ".join(_say(loc, w) for w in words))
    if row is not None and row.instruction is not None:
        _add(info, "instruction", _say(loc, row.instruction))
    if issuer is not None and issuer.url:
        _add(info, "web", issuer.url)
    contact = "; ".join(c for c in (issuer.email, issuer.phone) if c) if issuer is not None else ""
    if contact:
        _add(info, "contact", contact)
    for value_name, value in _parameters(s, loc):
        parameter = ET.SubElement(info, _q("parameter"))
        _add(parameter, "valueName", value_name)
        _add(parameter, "value", value)
    if place is not None:
        lat, lon, polygon = place
        station = row.station_name if row is not None else _station_name(bulletin, s.station)
        area = ET.SubElement(info, _q("area"))
        _add(area, "areaDesc", _say(loc, station))
        if polygon:
            _add(area, "polygon", " ".join(f"{_number(a)},{_number(b)}" for a, b in polygon))
        _add(area, "circle", f"{_number(lat)},{_number(lon)} 0")


def _parameters(s: _Subject, loc: Localizer) -> list[tuple[str, str]]:
    """(valueName, value) of one info: ids, value, thresholds, level, state, rule, outlook probability."""
    out = [("indicator", s.indicator), ("station", s.station)]
    if s.row is None:
        return out
    f = s.row.finding
    out.append(("period", f.period))
    if f.value is not None and not math.isnan(f.value):
        out.append(("value", f"{_number(f.value)} {f.unit}"))
    if f.indicator_value is not None and not math.isnan(f.indicator_value):
        out.append(("compared_value", f"{_number(f.indicator_value)} {f.indicator_unit or ''}".strip()))
    for t in f.thresholds or ():
        text = _threshold(t)
        if text and t.get("level") in ("watch", *ALERT_LEVELS):
            out.append((f"threshold_{t['level']}", text))
    if s.row.condition is not None:
        out.append(("condition", _say(loc, s.row.condition)))
    out.append(("level", s.row.level))
    if s.row.state:
        out.append(("state", s.row.state))
    rule = f.rule or {}
    for name, key in (("rule", "id"), ("rule_version", "version")):
        if rule.get(key):
            out.append((name, str(rule[key])))
    agreement = rule.get("agreement") or {}
    document = localized(agreement.get("documents") or {}, loc.lang, agreement.get("document") or "")
    for name, value in (("agreement", document), ("agreement_article", agreement.get("article")),
                        ("agreement_date", agreement.get("date"))):
        if value:
            out.append((name, str(value)))
    if s.probability is not None:
        out.append(("probability_warning_or_higher_d+1", _number(round(s.probability, 3))))
    return out


def _threshold(t: dict) -> str:
    """A threshold as the results JSON gives it, in words a machine reads: "< 10 km3", "category high"."""
    value = t.get("value")
    if t.get("operator") and isinstance(value, (int, float)) and not math.isnan(value):
        return f"{t['operator']} {_number(value)} {t.get('unit') or ''}".strip()
    return f"category {t['category']}" if t.get("category") else ""


def _indicator_name(bulletin, indicator: str) -> Localized:
    try:
        return bulletin.indicator_names([indicator])[0]
    except KeyError:
        return Localized.of({"en": indicator})


def _station_name(bulletin, station: str) -> Localized:
    return next((r.station_name for r in bulletin.rows if r.finding.station == station),
                Localized.of({"en": station}))


def _level(level: str):
    return Text.of(LEVEL_NAMES[level]) if level in LEVEL_NAMES else level


def _rank(level: str) -> int:
    order = ("normal", "watch", "warning", "alert")
    return order.index(level) if level in order else -1


def _say(loc: Localizer, value) -> str:
    """A document value as plain text of the language: no word joiners (kept for line breaks on pages)."""
    return loc.value(value).replace("\u2060", "")


def _number(x: float) -> str:
    """A number with '.' and at most 4 decimals, no trailing zeros: 9.593, 124.36, 0.

    >>> _number(124.35999999999999), _number(72.0), _number(-0.00001)
    ('124.36', '72', '0')
    """
    return f"{round(float(x), 4) + 0.0:.4f}".rstrip("0").rstrip(".")


def _q(tag: str) -> str:
    return f"{{{CAP_NAMESPACE}}}{tag}"


def _add(parent, tag: str, text: str) -> ET.Element:
    """A child element with ``text``; a character XML 1.0 cannot carry is refused, naming the element."""
    bad = _NOT_XML.search(text)
    if bad:
        raise RenderError(f"CAP: the text of <{tag}> holds U+{ord(bad.group()):04X}, which XML cannot carry: "
                          f"{text!r}.", hint="remove the control character from the configuration text.")
    element = ET.SubElement(parent, _q(tag))
    element.text = text
    return element


def _serialize(root: ET.Element) -> bytes:
    """UTF-8 bytes with an XML declaration, CAP as the default namespace, indented by two spaces."""
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode", default_namespace=CAP_NAMESPACE)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")
