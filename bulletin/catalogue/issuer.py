"""The catalogue's optional texts for action: the issuing body (``issuer``) and the instructions per level.

``issuer`` (top level) names who issues the bulletin and how to reach them; ``instructions`` (of an
indicator or a rule) give, per level, the agreed text of what the level means and what is
recommended, as CAP's ``instruction``. Both are checked here with the key path of each problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..config import Collector, names
from ..methods import LEVELS
from ..text import localized

ISSUER_KEYS = ("name", "address", "email", "phone", "url")
INSTRUCTION_LEVELS = LEVELS[1:]  # watch, warning, alert
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]{4,}$")
_URL = re.compile(r"^https?://\S+$")


@dataclass(frozen=True)
class Issuer:
    """The body that issues the bulletin: its name and address per language, and its contacts."""

    names: dict
    addresses: dict
    email: str | None = None
    phone: str | None = None
    url: str | None = None

    def name(self, lang: str) -> str:
        """The issuer's name in ``lang``."""
        return localized(self.names, lang)

    def address(self, lang: str) -> str:
        """The issuer's address in ``lang``; '' when none is given."""
        return localized(self.addresses, lang)

    def as_json(self) -> dict:
        """The issuer as the results JSON gives it (texts per language, contacts or null)."""
        return {"name": dict(sorted(self.names.items())),
                "address": dict(sorted(self.addresses.items())) or None,
                "email": self.email, "phone": self.phone, "url": self.url}


def parse_issuer(c: Collector, value) -> Issuer | None:
    """The ``issuer`` section: ``name`` per language (required), ``address`` per language, ``email``, ``phone``, ``url``."""
    if value is None:
        return None
    if not isinstance(value, dict):
        c.add("issuer", "must be a mapping with keys " + ", ".join(ISSUER_KEYS))
        return None
    c.keys("issuer", value, ISSUER_KEYS)
    if not c.require("issuer", value, ("name",)):
        return None
    issuer_names = names(c, "issuer.name", value["name"])
    addresses = names(c, "issuer.address", value["address"]) if value.get("address") is not None else {}
    contacts = {}
    for key, pattern, example in (("email", _EMAIL, "bulletin@example.org"), ("phone", _PHONE, "+000 00 000 0000"),
                                  ("url", _URL, "https://example.org/bulletin")):
        given = value.get(key)
        if given is None:
            contacts[key] = None
        elif not isinstance(given, str) or not pattern.match(given.strip()):
            c.add(f"issuer.{key}", f"{given!r} is not a valid {key}, e.g. {example}")
            contacts[key] = None
        else:
            contacts[key] = given.strip()
    return Issuer(issuer_names, addresses, **contacts)


def parse_instructions(c: Collector, where: str, value) -> dict:
    """``instructions``: level (watch, warning, alert) -> text per language; {} when not given."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        c.add(where, "must map levels (" + ", ".join(INSTRUCTION_LEVELS) + ") to a text per language")
        return {}
    c.keys(where, value, INSTRUCTION_LEVELS)
    return {str(level): names(c, f"{where}.{level}", text) for level, text in value.items()
            if level in INSTRUCTION_LEVELS}
