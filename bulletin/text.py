"""Language-neutral text: message markers, per-language names and the values a sentence carries.

Nothing here is in any language. A sentence is a :class:`Text`, a message id and its
parameters; a parameter may be a number with its unit (:class:`Quantity`), a proper name
given per language (:class:`Localized`), a unit on its own (:class:`Unit`), a period in
running text (:class:`PeriodIn`), a :class:`~bulletin.periods.Period` or another
:class:`Text`. The renderer (:mod:`bulletin.render.i18n`) looks each message up in the
language's catalogue and formats each parameter for the language.

Message ids are marked with :func:`N_` (or :func:`NP_` with a context) so that Babel's
extraction (``make i18n``) finds them wherever they are written: in the methods, the
quality checks and the document alike.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

LANGUAGES = ("ru", "en", "kk", "ky", "tg", "uz")
"""The languages a bulletin is written in; Russian and English are complete."""
FALLBACK = {"kk": "ru", "ky": "ru", "tg": "ru", "uz": "ru"}
"""Languages whose texts may be incomplete, and the language a missing text is shown in."""

DECIMALS = {"km3": 2, "Mm3": 0, "m3/s": 0, "%": 0, "cm": 0, "m": 2, "d": 0}
"""Decimals a value is shown with, by unit (1 for any other unit)."""


def N_(msgid: str) -> str:
    """Mark a message id for extraction (``make i18n``); returns it unchanged.

    >>> N_("{name}: no data for this period.")
    '{name}: no data for this period.'
    """
    return msgid


def NP_(context: str, msgid: str) -> tuple[str, str]:
    """Mark a message id with a context (``pgettext``) for extraction; returns ``(context, msgid)``.

    >>> NP_("level", "watch")
    ('level', 'watch')
    """
    return context, msgid


def localized(texts: dict, lang: str, default: str = "") -> str:
    """A text given per language (names, catalogue texts) in ``lang``.

    The language itself, then its fallback (``FALLBACK``: Russian for kk, ky, tg and uz, as
    the message catalogues), then English, else ``default``.

    >>> localized({"en": "Toktogul", "ru": "Токтогул"}, "ky")
    'Токтогул'
    """
    for code in (lang, FALLBACK.get(lang), "en"):
        if code and texts.get(code):
            return texts[code]
    return default


@dataclass(frozen=True)
class Text:
    """A sentence to translate: message id, optional context, and named parameters.

    Parameter values may be str, numbers, :class:`Quantity`, :class:`Localized`,
    :class:`Unit`, :class:`PeriodIn`, a Period, a date or another :class:`Text`; the renderer formats
    each for the language.
    """

    msgid: str
    params: tuple = ()
    context: str | None = None

    @classmethod
    def of(cls, msgid, **params) -> Text:
        """A Text of ``msgid`` (a plain id or a ``(context, id)`` pair from :func:`NP_`), parameters sorted by name."""
        if isinstance(msgid, tuple):
            return cls(msgid[1], tuple(sorted(params.items())), msgid[0])
        return cls(msgid, tuple(sorted(params.items())))


@dataclass(frozen=True)
class Localized:
    """A proper name given per language (stations, rivers, countries, variables)."""

    names: tuple  # ((lang, text), ...)

    @classmethod
    def of(cls, names: dict) -> Localized:
        """The name of each language in ``names`` ({lang: text})."""
        return cls(tuple(sorted(names.items())))


@dataclass(frozen=True)
class Quantity:
    """A number with its unit and the decimals it is shown with."""

    value: float | None
    unit: str
    decimals: int = 1
    signed: bool = False  # a change: shown with "+" when above zero


@dataclass(frozen=True)
class Unit:
    """A unit shown on its own (figure titles, table headers)."""

    code: str


@dataclass(frozen=True)
class PeriodIn:
    """A period named in running text ("in the 2nd dekad of November 2026")."""

    period: object  # bulletin.periods.Period


@dataclass(frozen=True)
class Month:
    """A month named on its own, as in a heading ("October"; stand-alone form)."""

    number: int  # 1-12


def quantity(value, unit: str, decimals: int | None = None) -> Quantity:
    """``value`` [unit] as a :class:`Quantity`; None or NaN is a missing value.

    Without ``decimals`` the unit's (``DECIMALS``), except that a small flow keeps one
    decimal: 2.6 m3/s, not 3.

    >>> quantity(2.64, "m3/s")
    Quantity(value=2.64, unit='m3/s', decimals=1, signed=False)
    >>> quantity(float("nan"), "km3").value is None
    True
    """
    v = None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)
    if decimals is None:
        decimals = 1 if unit == "m3/s" and v is not None and abs(v) < 10 else DECIMALS.get(unit, 1)
    return Quantity(v, unit, decimals)


def signed(value, unit: str) -> Quantity:
    """A deviation or change, shown with its sign: +17 %, -4 %."""
    q = quantity(value, unit)
    return Quantity(q.value, q.unit, q.decimals, True)


def decimals_of(value: float) -> int:
    """The decimals ``value`` is written with, so that 8.75 is shown as 8.75 and 9 as 9.

    >>> decimals_of(8.75), decimals_of(9.0)
    (2, 0)
    """
    text = f"{value:g}"
    return len(text.split(".")[1]) if "." in text else 0
