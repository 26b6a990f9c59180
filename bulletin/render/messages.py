"""Message extraction and catalogue upkeep (``make i18n``).

``python -m bulletin.render.messages update`` extracts every message from the Python code
(markers ``N_`` and ``NP_``) and the templates (``_``), writes ``bulletin/locale/bulletin.pot``
and merges it into each language's ``.po``. English is the source language: its catalogue
repeats each message id, so that English is checked like every other language.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from ..resources import resource_path
from .i18n import DOMAIN, LANGUAGES, LOCALE_DIR, po_path

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
