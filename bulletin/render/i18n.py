"""Message catalogues and locale formatting.

The gettext catalogues are ``bulletin/locale/<lang>/LC_MESSAGES/bulletin.po``; they are
compiled with Babel when first used, so the shipped catalogue is always the one read.
Numbers and dates are formatted for the locale with Babel ("1 234,5" in Russian).
"""

from __future__ import annotations

import io
import math
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date, get_month_names
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

from ..errors import RenderError
from ..periods import Period
from ..text import FALLBACK, LANGUAGES, N_, NP_, Localized, Month, PeriodIn, Quantity, Text, Unit, localized

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "bulletin"
MISSING = "—"
MINUS = "\u2212"  # the minus sign of printed numbers: Babel writes the hyphen-minus of CLDR's locales


# Display of canonical unit spellings; translated with context "unit".
UNIT_DISPLAY = {
    "m3/s": NP_("unit", "m³/s"), "Mm3": NP_("unit", "million m³"), "km3": NP_("unit", "km³"),
    "m": NP_("unit", "m"), "cm": NP_("unit", "cm"), "%": NP_("unit", "%"), "l/s": NP_("unit", "l/s"),
    "d": NP_("unit", "days"),
}
DEKAD_ORDINALS = {1: NP_("dekad", "1st"), 2: NP_("dekad", "2nd"), 3: NP_("dekad", "3rd")}
MSG_DEKAD = N_("{ordinal} dekad of {month} {year}")
MSG_MONTH = N_("{month} {year}")
# the period in running text, "in the 2nd dekad of November 2026": Russian puts the ordinal and
# the month in the prepositional case ("во второй декаде ноября 2026 г.", "в ноябре 2026 г.")
IN_DEKAD_ORDINALS = {1: NP_("dekad", "in the 1st"), 2: NP_("dekad", "in the 2nd"), 3: NP_("dekad", "in the 3rd")}
MSG_IN_DEKAD = N_("{in_ordinal} dekad of {month} {year}")
IN_MONTHS = {1: NP_("in month", "January"), 2: NP_("in month", "February"), 3: NP_("in month", "March"),
             4: NP_("in month", "April"), 5: NP_("in month", "May"), 6: NP_("in month", "June"),
             7: NP_("in month", "July"), 8: NP_("in month", "August"), 9: NP_("in month", "September"),
             10: NP_("in month", "October"), 11: NP_("in month", "November"), 12: NP_("in month", "December")}
MSG_IN_MONTH = N_("in {month_in} {year}")
MSG_GROWING_SEASON = N_("growing season {year}")
MSG_NON_GROWING_SEASON = N_("non-growing season {years}")
MSG_PERCENT = N_("{number}%")
MSG_QUANTITY = N_("{number} {unit}")


def _unbroken(quantity: str) -> str:
    """A quantity that a line never splits: no-break spaces, a word joiner after '/' (m³/s)."""
    return quantity.replace(" ", "\u00a0").replace("/", "/\u2060")


def po_path(lang: str) -> Path:
    """The gettext catalogue (.po) of ``lang``."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=8)
def translations(lang: str) -> Translations:
    """The compiled catalogue of ``lang``, chained to Russian for the languages of ``FALLBACK``."""
    path = po_path(lang)
    if not path.is_file():
        raise RenderError(f"no message catalogue for language '{lang}'.",
                          hint=f"use one of: {', '.join(LANGUAGES)}.")
    with open(path, "rb") as fh:
        catalog = read_po(fh, locale=lang, domain=DOMAIN)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    tr = Translations(buf, domain=DOMAIN)
    if lang in FALLBACK:
        tr.add_fallback(translations(FALLBACK[lang]))
    return tr


@lru_cache(maxsize=4096)
def _format_number(lang: str, x: float, decimals: int) -> str:
    """``x`` (already rounded, never -0.0) as Babel writes it in ``lang``, remembered.

    The figures ask for the same tick labels again and again. The key is all that the text
    depends on; equal floats are written alike (-0.0, equal to 0.0, is never passed).
    """
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(x, format=pattern, locale=Locale.parse(lang)).replace("-", MINUS)


class Localizer:
    """Translate and format for one language."""

    def __init__(self, lang: str):
        if lang not in LANGUAGES:
            raise RenderError(f"language '{lang}' is not available.", hint=f"use one of: {', '.join(LANGUAGES)}.")
        self.lang = lang
        self.locale = Locale.parse(lang)
        self.tr = translations(lang)

    # ---- messages ------------------------------------------------------------------------
    def gettext(self, msgid) -> str:
        """A message id (or a ``(context, id)`` pair) in this language."""
        if isinstance(msgid, tuple):
            return self.tr.pgettext(msgid[0], msgid[1])
        return self.tr.gettext(msgid)

    def text(self, t) -> str:
        """A document Text (msgid, context, params) as a sentence of this language."""
        template = self.tr.pgettext(t.context, t.msgid) if t.context else self.tr.gettext(t.msgid)
        return template.format(**{k: self.value(v) for k, v in t.params})

    def value(self, v) -> str:
        """Any document value as text: Text, Localized, Quantity, Unit, Month, Period, PeriodIn, date, number or str."""
        if isinstance(v, Text):
            return self.text(v)
        if isinstance(v, Localized):
            names = dict(v.names)
            return localized(names, self.lang, next(iter(names.values()), ""))
        if isinstance(v, Quantity):
            return self.quantity(v)
        if isinstance(v, Unit):
            return self.unit(v.code)
        if isinstance(v, Month):
            return self.month(v.number, context="stand-alone")
        if isinstance(v, Period):
            return self.period(v)
        if isinstance(v, PeriodIn):
            return self.period_in(v.period)
        if isinstance(v, date):
            return self.date(v)
        if isinstance(v, (int, float)):
            return self.number(v, 0 if isinstance(v, int) else 1)
        return str(v)

    # ---- numbers, units, dates -----------------------------------------------------------
    def number(self, x, decimals: int = 1) -> str:
        """``x`` with ``decimals`` decimals and the locale's separators; a dash when it is missing."""
        if x is None or (isinstance(x, float) and math.isnan(x)):
            return MISSING
        # + 0.0: a value that rounds to zero from below is 0, never "-0"
        return _format_number(self.lang, round(float(x), decimals) + 0.0, decimals)

    def unit(self, unit: str) -> str:
        """A unit as written in this language ("km³", "км³"); an unknown spelling as it is."""
        key = UNIT_DISPLAY.get(unit)
        return self.gettext(key) if key else unit

    def quantity(self, q) -> str:
        """A Quantity with its unit, or a dash when the value is missing."""
        if q.value is None:
            return MISSING
        number = self.number(q.value, q.decimals)
        if getattr(q, "signed", False) and round(q.value, q.decimals) > 0:
            number = "+" + number
        if not q.unit:
            return number
        if q.unit == "%":
            return _unbroken(self.gettext(MSG_PERCENT).format(number=number))
        return _unbroken(self.gettext(MSG_QUANTITY).format(number=number, unit=self.unit(q.unit)))

    def month(self, month: int, width: str = "wide", context: str = "format") -> str:
        """The name of ``month`` [1-12] in this language (Babel's ``width`` and ``context``)."""
        return get_month_names(width, context=context, locale=self.locale)[month]

    def period(self, p) -> str:
        """A period as a heading names it: "2nd dekad of November 2026", "growing season 2026"."""
        if p.kind == "dekad":
            return self.gettext(MSG_DEKAD).format(ordinal=self.gettext(DEKAD_ORDINALS[p.dekad_number]),
                                                  month=self.month(p.start.month), year=p.start.year)
        if p.kind == "month":
            return self.gettext(MSG_MONTH).format(month=self.month(p.start.month, context="stand-alone"),
                                                  year=p.start.year)
        if p.kind == "gs":
            return self.gettext(MSG_GROWING_SEASON).format(year=p.start.year)
        if p.kind == "ngs":
            return self.gettext(MSG_NON_GROWING_SEASON).format(years=f"{p.start.year}/{p.end.year % 100:02d}")
        return p.label

    def period_in(self, p) -> str:
        """The period in running text: "in the 2nd dekad of November 2026", "во второй декаде ноября 2026 г."."""
        if p.kind == "dekad":
            return self.gettext(MSG_IN_DEKAD).format(in_ordinal=self.gettext(IN_DEKAD_ORDINALS[p.dekad_number]),
                                                     month=self.month(p.start.month), year=p.start.year)
        if p.kind == "month":
            return self.gettext(MSG_IN_MONTH).format(month_in=self.gettext(IN_MONTHS[p.start.month]),
                                                     year=p.start.year)
        return self.period(p)

    def date(self, d: date | datetime) -> str:
        """A date in the locale's long form ("21 November 2026")."""
        return format_date(d, format="long", locale=self.locale)

    def datetime(self, d: datetime) -> str:
        """Date, time and UTC offset, e.g. '20 November 2026, 06:00 UTC+00:00'."""
        offset = d.strftime("%z")
        offset = f"{offset[:3]}:{offset[3:]}" if offset else ""
        return f"{self.date(d)}, {d:%H:%M} UTC{offset}"
