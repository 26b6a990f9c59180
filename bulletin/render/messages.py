"""Message extraction and catalogue upkeep (``make i18n``).

``python -m bulletin.render.messages update`` extracts every message from the Python code
(markers ``N_`` and ``NP_``) and the templates (``_``), writes ``bulletin/locale/bulletin.pot``
and merges it into each language's ``.po``. English is the source language: its catalogue
repeats each message id, so that English is checked like every other language.

The names and texts of the configuration (stations, rivers, countries, indicators, rules) are
not messages: the network and catalogue files give them per language. :func:`name_status`
counts them per language as :func:`status` counts the messages (``bulletin i18n-status``).
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from ..resources import resource_path
from .i18n import DOMAIN, FALLBACK, LANGUAGES, LOCALE_DIR, po_path

KEYWORDS = {"_": None, "gettext": None, "N_": None, "NP_": ((1, "c"), 2), "pgettext": ((1, "c"), 2)}
PACKAGE_DIR = Path(__file__).resolve().parent.parent


def extract() -> Catalog:
    """Every message of the code and the templates, as a template catalogue."""
    catalog = Catalog(domain=DOMAIN, project="syrdarya-bulletin", charset="utf-8", fuzzy=False)
    sources = [
        (PACKAGE_DIR, [("**.py", "python")], "bulletin"),
        (resource_path("templates"), [("**.html", "jinja2.ext:babel_extract")], "templates"),
    ]
    for directory, method_map, prefix in sources:
        options = {"**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}}
        for filename, lineno, message, _comments, context in extract_from_dir(
                str(directory), method_map, options_map=options, keywords=KEYWORDS, strip_comment_tags=True):
            if isinstance(message, (list, tuple)):
                message = message[0]
            catalog.add(message, locations=[(f"{prefix}/{filename}", lineno)], context=context)
    return catalog


def status(lang: str, template: Catalog | None = None) -> tuple[int, list[tuple[str | None, str]]]:
    """(number of messages translated, [(context, msgid) of those untranslated]) in ``lang``."""
    template = template if template is not None else extract()
    path = po_path(lang)
    catalog = None
    if path.is_file():
        with open(path, "rb") as fh:
            catalog = read_po(fh, locale=lang, domain=DOMAIN)
    translated, missing = 0, []
    for message in template:
        if not message.id:
            continue
        found = catalog.get(message.id, context=message.context) if catalog is not None else None
        if found is None or not found.string or found.fuzzy:
            missing.append((message.context, message.id))
        else:
            translated += 1
    return translated, missing


@dataclass(frozen=True)
class NameStatus:
    """How many of the configuration's names and texts one language gives, and which it lacks."""

    given: int
    total: int
    missing: tuple[str, ...] = ()  # keys of the texts without this language, e.g. "station toktogul: short_name"


def name_status(texts: Mapping[str, Mapping[str, str]], languages: Iterable[str] = LANGUAGES) -> dict[str, NameStatus]:
    """Per language, how many of ``texts`` it gives and which it lacks.

    ``texts`` maps a key (what the text names, see :func:`config_texts`) to the text per
    language, ``{lang: text}``, as the network and catalogue files give it. A key with no text
    in any language (a station without a short name) is not counted; a blank text is missing.

    >>> s = name_status({"outlet": {"en": "North Aral Sea", "ru": "Малое Аральское море"}}, ("ru", "kk"))
    >>> s["ru"], s["kk"]
    (NameStatus(given=1, total=1, missing=()), NameStatus(given=0, total=1, missing=('outlet',)))
    """
    counted = {key: names for key, names in texts.items() if any(_given(t) for t in (names or {}).values())}
    out = {}
    for lang in languages:
        missing = tuple(key for key, names in counted.items() if not _given(names.get(lang)))
        out[lang] = NameStatus(len(counted) - len(missing), len(counted), missing)
    return out


def _given(text) -> bool:
    return bool(str(text or "").strip())


def config_texts(network=None, catalogue=None) -> dict[str, dict]:
    """The per-language names and texts of a network and a catalogue, by key, for :func:`name_status`.

    Keys say what each text names: ``network: name``, ``network: outlet``, ``country KG``,
    ``station toktogul: name`` (``short_name``, ``river``), ``catalogue: title`` (``notice``),
    ``rule SD-RES-1: title`` (``basis``, ``agreement``), ``indicator toktogul_fill: name``,
    ``issuer: name`` (``address``) and ``indicator bahri_tojik_margin: instruction alert`` (also of a rule).
    The renderer imports no stage: ``network`` (a :class:`bulletin.network.Network`) and
    ``catalogue`` (a :class:`bulletin.catalogue.Catalogue`) are read by their attributes only.
    """
    texts = {}
    if network is not None:
        texts["network: name"] = network.names
        texts["network: outlet"] = network.outlet
        texts.update({f"country {code}": names for code, names in network.countries.items()})
        for st in network.stations.values():
            texts.update({f"station {st.id}: name": st.names, f"station {st.id}: short_name": st.short_names,
                          f"station {st.id}: river": st.river})
    if catalogue is not None:
        texts["catalogue: title"] = catalogue.titles
        texts["catalogue: notice"] = catalogue.notices
        texts["catalogue: levels_basis"] = catalogue.levels_basis
        for rule in catalogue.rules.values():
            texts.update({f"rule {rule.id}: title": rule.titles, f"rule {rule.id}: basis": rule.basis,
                          f"rule {rule.id}: agreement": rule.agreement.documents})
        texts.update({f"indicator {ind.id}: name": ind.names for ind in catalogue.indicators})
        issuer = getattr(catalogue, "issuer", None)
        if issuer is not None:
            texts.update({"issuer: name": issuer.names, "issuer: address": issuer.addresses})
        for owner, kind in [(r, "rule") for r in catalogue.rules.values()] + [(i, "indicator")
                                                                               for i in catalogue.indicators]:
            texts.update({f"{kind} {owner.id}: instruction {level}": text
                          for level, text in getattr(owner, "instructions", {}).items()})
    return {key: dict(names or {}) for key, names in texts.items()}


def status_line(lang: str, translated: int, total: int, missing: int, names: NameStatus | None = None) -> str:
    """The line of ``bulletin i18n-status`` for ``lang``: its messages and, when given, its names.

    >>> status_line("kk", 248, 248, 0, NameStatus(120, 120))
    'kk: 248/248 messages, 120/120 names translated'
    >>> status_line("kk", 247, 248, 1, NameStatus(118, 120))
    'kk: 247/248 messages, 118/120 names translated; 1 message and 2 names missing (shown in Russian)'
    >>> status_line("ru", 248, 248, 0)
    'ru: 248/248 translated, 0 missing'
    """
    fallback = FALLBACK.get(lang)
    if names is None:
        line = f"{lang}: {translated}/{total} translated, {missing} missing"
        if missing:
            line += f" (shown in {'Russian' if fallback == 'ru' else fallback})" if fallback else " (shown as the msgid)"
        return line
    line = f"{lang}: {translated}/{total} messages, {names.given}/{names.total} names translated"
    lacking = [f"{n} {word}{'' if n == 1 else 's'}"
               for n, word in ((missing, "message"), (names.total - names.given, "name")) if n]
    if lacking:
        shown = {"ru": "Russian", None: "English"}.get(fallback, fallback)
        line += f"; {' and '.join(lacking)} missing (shown in {shown})"
    return line


def update() -> list[str]:
    """Write the .pot and merge it into each catalogue; returns the files written."""
    template = extract()
    written = []
    pot = LOCALE_DIR / f"{DOMAIN}.pot"
    pot.parent.mkdir(parents=True, exist_ok=True)
    with open(pot, "wb") as fh:
        write_po(fh, template, omit_header=False, sort_output=True, include_lineno=False)
    written.append(str(pot))
    for lang in LANGUAGES:
        path = po_path(lang)
        if path.is_file():
            with open(path, "rb") as fh:
                catalog = read_po(fh, locale=lang, domain=DOMAIN)
        else:
            catalog = Catalog(locale=lang, domain=DOMAIN, project="syrdarya-bulletin", fuzzy=False)
        # a copy each: Catalog.update keeps the template's own message objects for new ids, so
        # filling the English strings in place would fill them in every language after it
        catalog.update(copy.deepcopy(template), no_fuzzy_matching=True)
        if lang == "en":
            for message in catalog:
                if message.id and not message.string:
                    message.string = message.id
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as fh:
            write_po(fh, catalog, sort_output=True, include_lineno=False, ignore_obsolete=True)
        written.append(str(path))
    return written


if __name__ == "__main__":  # pragma: no cover
    if sys.argv[1:] != ["update"]:
        sys.exit("usage: python -m bulletin.render.messages update")
    for f in update():
        print(f"wrote {f}")
