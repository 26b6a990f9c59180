"""Message catalogues: every message extracted from code and templates is translated in ru and en."""

import pytest
from babel.messages.pofile import read_po

from bulletin.document import Quantity, Text
from bulletin.periods import Period
from bulletin.render.i18n import LANGUAGES, Localizer, po_path
from bulletin.render.messages import extract


def _catalog(lang):
    with open(po_path(lang), "rb") as fh:
        return read_po(fh, locale=lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_extracted_message_has_a_translation(lang):
    catalog = _catalog(lang)
    missing = []
    for message in extract():
        if not message.id:
            continue
        found = catalog.get(message.id, context=message.context)
        if found is None or not found.string or found.fuzzy:
            missing.append((message.context, message.id))
    assert missing == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_survive_translation(lang):
    import re

    for message in _catalog(lang):
        if message.id and message.string:
            assert set(re.findall(r"\{(\w+)\}", message.id)) == set(re.findall(r"\{(\w+)\}", message.string)), message.id


def test_russian_number_and_period_formats():
    ru = Localizer("ru")
    assert ru.number(1234.5, 1) == "1\xa0234,5"
    assert ru.quantity(Quantity(9.7234, "km3", 2)) == "9,72 км³"
    assert ru.quantity(Quantity(78.4, "%", 0)) == "78 %"
    assert ru.period(Period.dekad(2026, 11, 2)) == "2-я декада ноября 2026 г."
    assert ru.period(Period.month(2026, 11)) == "ноябрь 2026 г."
    en = Localizer("en")
    assert en.number(1234.5, 1) == "1,234.5"
    assert en.period(Period.dekad(2026, 11, 2)) == "2nd dekad of November 2026"
    assert en.quantity(Quantity(None, "m3/s")) == "—"


def test_text_with_nested_parameters():
    t = Text.of("{value} (last year {last_year})", value=Quantity(412.0, "m3/s", 0),
                last_year=Quantity(1346.0, "m3/s", 0))
    assert Localizer("ru").text(t) == "412 м³/с (в прошлом году 1\xa0346 м³/с)"
    assert Localizer("en").text(t) == "412 m³/s (last year 1,346 m³/s)"
