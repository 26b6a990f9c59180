"""Message catalogues: every message extracted from code and templates is translated in ru and en.

Kazakh, Kyrgyz, Tajik and Uzbek may be incomplete: an untranslated message is shown in Russian.
The names and texts of the shipped networks and catalogues are given in all six languages.
"""

import html
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po

from bulletin.periods import Period
from bulletin.render.i18n import FALLBACK, LANGUAGES, Localizer, po_path, translations
from bulletin.render.messages import NameStatus, config_texts, extract, name_status, status, status_line
from bulletin.text import Localized, Quantity, Text

COMPLETE = ("ru", "en")
REGIONAL = ("kk", "ky", "tg", "uz")


def _catalog(lang):
    with open(po_path(lang), "rb") as fh:
        return read_po(fh, locale=lang)


@pytest.mark.parametrize("lang", COMPLETE)
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


def _placeholders(text):
    """The placeholders of a message: {name} fields (as a set) and %(name)s / %% (with repeats)."""
    import re

    return set(re.findall(r"\{(\w+)\}", text)), sorted(re.findall(r"%\(\w+\)s|%%", text))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_survive_translation(lang):
    checked = 0
    for message in _catalog(lang):
        if message.id and message.string:
            assert _placeholders(message.string) == _placeholders(message.id), (lang, message.id)
            checked += 1
    assert checked > 0, f"{lang}: no translated message in {po_path(lang)}, so no placeholder was checked"
    if lang in FALLBACK:
        # What a reader gets: the language's own translation, else its fallback's (the runtime chain).
        tr = translations(lang)
        for message in extract():
            if not message.id:
                continue
            shown = tr.pgettext(message.context, message.id) if message.context else tr.gettext(message.id)
            assert _placeholders(shown) == _placeholders(message.id), (lang, message.context, message.id, shown)


def test_russian_number_and_period_formats():
    ru = Localizer("ru")
    assert ru.number(1234.5, 1) == "1\xa0234,5"
    assert ru.quantity(Quantity(9.7234, "km3", 2)) == "9,72\xa0км³"  # no-break space: never split
    assert ru.quantity(Quantity(78.4, "%", 0)) == "78\xa0%"
    assert ru.period(Period.dekad(2026, 11, 2)) == "2-я декада ноября 2026\xa0г."
    assert ru.period(Period.month(2026, 11)) == "ноябрь 2026\xa0г."
    en = Localizer("en")
    assert en.number(1234.5, 1) == "1,234.5"
    assert en.period(Period.dekad(2026, 11, 2)) == "2nd dekad of November 2026"
    assert en.quantity(Quantity(None, "m3/s")) == "—"


def test_a_table_cell_may_break_a_quantity_only_between_its_number_and_its_words():
    # In the findings' narrow number cells: "14.99 km³" may wrap to "14.99" / "km³", never inside "km³";
    # the number's own group separator (Russian no-break space) is kept; percentages stay whole.
    from bulletin.render.html import breakable_quantity
    en, ru = Localizer("en"), Localizer("ru")
    assert breakable_quantity(en, Quantity(14.99, "km3", 2)) == "14.99 km³"
    assert breakable_quantity(ru, Quantity(1234.5, "Mm3", 1)) == "1\xa0234,5 млн м³"
    assert breakable_quantity(en, Quantity(124.0, "m3/s", 0)) == "124 m³/\u2060s"
    assert breakable_quantity(en, Quantity(64.0, "%", 0)) == "64%"
    assert breakable_quantity(ru, Quantity(64.0, "%", 0)) == "64\xa0%"
    assert breakable_quantity(en, Quantity(None, "km3", 2)) == "—"


def test_the_period_in_running_text_takes_the_prepositional_case():
    # running text: "во второй декаде ноября 2026\xa0г." (ordinal and "декада" prepositional, month genitive)
    ru, en = Localizer("ru"), Localizer("en")
    assert ru.period_in(Period.dekad(2026, 11, 2)) == "во второй декаде ноября 2026\xa0г."
    assert ru.period_in(Period.dekad(2026, 11, 1)) == "в первой декаде ноября 2026\xa0г."
    assert ru.period_in(Period.dekad(2027, 3, 3)) == "в третьей декаде марта 2027\xa0г."
    assert ru.period_in(Period.month(2026, 5)) == "в мае 2026\xa0г."
    assert en.period_in(Period.dekad(2026, 11, 2)) == "in the 2nd dekad of November 2026"
    assert en.period_in(Period.month(2026, 5)) == "in May 2026"


def test_text_with_nested_parameters():
    t = Text.of("{value} (last year {last_year})", value=Quantity(412.0, "m3/s", 0),
                last_year=Quantity(1346.0, "m3/s", 0))
    assert Localizer("ru").text(t) == "412\xa0м³/\u2060с (в прошлом году 1\xa0346\xa0м³/\u2060с)"
    assert Localizer("en").text(t) == "412\xa0m³/\u2060s (last year 1,346\xa0m³/\u2060s)"


@pytest.mark.parametrize("lang", REGIONAL)
def test_regional_catalogues_parse_and_are_marked_for_review(lang):
    catalog = _catalog(lang)
    assert str(catalog.locale) == lang
    assert "needs review by a native speaker" in catalog.header_comment
    translated, missing = status(lang)
    assert translated > 100
    assert translated + len(missing) == sum(1 for m in extract() if m.id)
    loc = Localizer(lang)  # Babel formats numbers and dates for the language
    assert loc.number(1234.5, 1) != ""
    assert "2026" in loc.date(Period.month(2026, 11).start)
    assert loc.gettext(("level", "alert")) != translations("ru").pgettext("level", "alert")


UNTRANSLATED = "{name}: {value}; no threshold crossed."


@pytest.fixture()
def partial_catalogue(tmp_path, monkeypatch):
    """A copy of the Kazakh catalogue where one message is not translated, used in place of the real one."""
    from babel.messages.pofile import write_po

    from bulletin.render import i18n, messages

    catalog = _catalog("kk")
    catalog[UNTRANSLATED].string = ""
    path = tmp_path / "kk.po"
    with open(path, "wb") as fh:
        write_po(fh, catalog)
    real = i18n.po_path

    def patched(lang):
        return path if lang == "kk" else real(lang)

    monkeypatch.setattr(i18n, "po_path", patched)
    monkeypatch.setattr(messages, "po_path", patched)
    i18n.translations.cache_clear()
    yield UNTRANSLATED
    i18n.translations.cache_clear()


@pytest.mark.parametrize("lang", REGIONAL)
def test_regional_catalogues_fall_back_to_russian(lang):
    assert FALLBACK[lang] == "ru"
    assert translations(lang)._fallback is translations("ru")


def test_untranslated_message_is_shown_in_russian(partial_catalogue):
    ru = Localizer("ru").tr.gettext(partial_catalogue)
    assert ru == "{name}: {value}; пороги не превышены."
    assert Localizer("kk").tr.gettext(partial_catalogue) == ru
    assert Localizer("kk").gettext(("level", "alert")) == "дабыл"  # the others stay Kazakh


def test_regional_formats():
    kk = Localizer("kk")
    assert kk.quantity(Quantity(412.0, "m3/s", 0)) == "412\xa0м³/\u2060с"
    assert kk.period(Period.dekad(2026, 11, 2)).startswith("2026 ж.")
    uz = Localizer("uz")
    assert uz.quantity(Quantity(9.7234, "km3", 2)) == "9,72\xa0km³"
    assert "ikkinchi dekadasi" in uz.period(Period.dekad(2026, 11, 2))


def _shipped_names():
    from bulletin.catalogue import load_catalogue
    from bulletin.network import load_network

    network = load_network()
    return name_status(config_texts(network, load_catalogue(None, network)))


def test_i18n_status_command():
    from click.testing import CliRunner

    from bulletin.cli import main

    result = CliRunner().invoke(main, ["i18n-status"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    total = sum(1 for m in extract() if m.id)
    names = _shipped_names()
    n = names["ru"].total
    assert lines[0] == f"ru: {total}/{total} messages, {n}/{n} names translated"
    for lang in REGIONAL:
        translated, missing = status(lang)
        assert status_line(lang, translated, total, len(missing), names[lang]) in lines


def test_i18n_status_lists_the_missing_messages(partial_catalogue):
    from click.testing import CliRunner

    from bulletin.cli import main

    total = sum(1 for m in extract() if m.id)
    n = _shipped_names()["kk"].total
    kk_line = f"kk: {total - 1}/{total} messages, {n}/{n} names translated; 1 message missing (shown in Russian)"
    brief = CliRunner().invoke(main, ["i18n-status"])
    assert brief.exit_code == 0
    assert kk_line in brief.output.splitlines()
    assert partial_catalogue not in brief.output
    verbose = CliRunner().invoke(main, ["i18n-status", "--verbose"])
    lines = verbose.output.splitlines()
    kk = lines.index(kk_line)
    assert lines[kk + 1] == f"  {partial_catalogue}"
    assert lines[kk + 2].startswith("ky: ")


def test_i18n_status_lists_the_names_a_language_lacks(tmp_path):
    from click.testing import CliRunner

    from bulletin.cli import main

    raw = _load(SHIPPED[0])
    del raw["stations"][0]["short_name"]["tg"]
    network = tmp_path / "network.yaml"
    network.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(main, ["i18n-status", "--verbose", "--network", str(network)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    tg = next(i for i, line in enumerate(lines) if line.startswith("tg: "))
    n = _shipped_names()["tg"].total
    assert f", {n - 1}/{n} names translated;" in lines[tg] and "1 name missing (shown in Russian)" in lines[tg]
    assert f"  [name] station {raw['stations'][0]['id']}: short_name" in lines[tg + 1:]


def test_generate_html_in_kazakh(tmp_path):
    from click.testing import CliRunner

    from bulletin.cli import main

    result = CliRunner().invoke(main, ["generate", "--lang", "kk", "--format", "html",
                                       "--issued-at", "2026-11-21T06:00:00+05:00", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    (page,) = tmp_path.glob("*.kk.html")
    text = page.read_text(encoding="utf-8")
    assert '<html lang="kk">' in text
    assert "Ерте ескертудің гидрологиялық бюллетені" in text
    # names in Kazakh (stations, countries, indicators, rules), none of them in Russian
    shown = html.unescape(text).replace("\xa0", " ").replace("\u2060", "")
    for name in ("Тоқтағұл су қоймасы", "Қырғызстан", "Шардара су қоймасының көлемі сыни максимумға қатысты",
                 "Сырдария өзенінің алабы", "Су қоймаларының көлемі сыни көлемдерге қатысты (ереже үлгісі)"):
        assert name in shown
    russian = [t["ru"] for path in SHIPPED[:2] for _key, t in _texts(_load(path))
               if t["ru"] not in t["kk"] and t["ru"] in shown]
    assert russian == []


def test_update_leaves_new_messages_untranslated_outside_english(tmp_path, monkeypatch):
    """A new message is filled with its id in English only; the other catalogues keep it empty,
    so that it falls back to Russian and i18n-status lists it."""
    from babel.messages.catalog import Catalog

    from bulletin.render import messages

    template = Catalog(domain="bulletin", fuzzy=False)
    template.add("a brand new message {x}", locations=[("bulletin/x.py", 1)])
    monkeypatch.setattr(messages, "extract", lambda: template)
    monkeypatch.setattr(messages, "LOCALE_DIR", tmp_path)
    monkeypatch.setattr(messages, "po_path", lambda lang: tmp_path / lang / "bulletin.po")
    messages.update()
    strings = {}
    for lang in LANGUAGES:
        with open(tmp_path / lang / "bulletin.po", "rb") as fh:
            strings[lang] = read_po(fh, locale=lang).get("a brand new message {x}").string
    assert strings == {lang: ("a brand new message {x}" if lang == "en" else "") for lang in LANGUAGES}


# ---- names and texts of the configuration files ------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ("data/basin/syrdarya.yaml", "indicators/syrdarya.yaml", "data/basin/chirchik.yaml",
           "indicators/chirchik.yaml", "indicators/variables.yml")
"""Every configuration file shipped (networks, catalogues, variables); the first two are the default."""


def _load(path):
    return yaml.safe_load((ROOT / path).read_text(encoding="utf-8"))


def _texts(node, where=""):
    """(key path, {lang: text}) of every text given per language in a parsed configuration file."""
    if isinstance(node, dict):
        if "en" in node or "ru" in node:
            yield where, node
            return
        for key, value in node.items():
            yield from _texts(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _texts(value, f"{where}[{node[i].get('id', i) if isinstance(value, dict) else i}]")


@pytest.mark.parametrize("path", SHIPPED)
def test_every_shipped_name_and_text_is_given_in_every_language(path):
    texts = list(_texts(_load(path)))
    assert len(texts) > 5
    lacking = [(where, lang) for where, names in texts for lang in LANGUAGES if not str(names.get(lang) or "").strip()]
    assert lacking == [], f"{path}: names without a language (kk, ky, tg, uz await review by native speakers)"
    assert all(set(names) <= set(LANGUAGES) for _where, names in texts), path


@pytest.mark.parametrize("network_path, catalogue_path", [SHIPPED[:2], SHIPPED[2:4]])
def test_name_status_counts_every_text_of_the_network_and_catalogue(network_path, catalogue_path):
    from bulletin.catalogue import load_catalogue
    from bulletin.network import load_network

    network = load_network(ROOT / network_path)  # the loaders keep every language the file gives
    catalogue = load_catalogue(ROOT / catalogue_path, network)
    report = name_status(config_texts(network, catalogue))
    total = len(list(_texts(_load(network_path)))) + len(list(_texts(_load(catalogue_path))))
    assert report == {lang: NameStatus(total, total) for lang in LANGUAGES}


def test_name_status_lists_what_a_language_lacks():
    texts = {"station a: name": {"en": "A", "ru": "А", "kk": "А"}, "station a: short_name": {},
             "station b: name": {"en": "B", "ru": "Б", "kk": " "}}
    report = name_status(texts, ("ru", "kk", "tg"))
    assert report["ru"] == NameStatus(2, 2)
    assert report["kk"] == NameStatus(1, 2, ("station b: name",))
    assert report["tg"] == NameStatus(0, 2, ("station a: name", "station b: name"))
    assert status_line("tg", 10, 10, 0, report["tg"]) == ("tg: 10/10 messages, 0/2 names translated; "
                                                          "2 names missing (shown in Russian)")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_name_is_shown_in_the_language_of_the_bulletin(lang):
    from bulletin.network import load_network

    network = load_network(ROOT / SHIPPED[0])
    loc = Localizer(lang)
    for st in network.stations.values():
        for names in (st.names, st.labels, st.river):
            assert loc.value(Localized.of(names)) == names[lang]
    for names in network.countries.values():
        assert loc.value(Localized.of(names)) == names[lang]
