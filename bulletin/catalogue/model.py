"""The validated catalogue as frozen dataclasses: rules and their agreements, indicators, settings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..climatology import ClimateSettings
from ..methods import DEESCALATION_PERIODS, Method, Threshold
from ..periods import Period, Seasons
from ..text import localized
from .issuer import Issuer


@dataclass(frozen=True)
class Agreement:
    """The document a rule comes from: its name per language, the article and the date."""

    documents: dict  # the document's name per language
    article: str | None
    date: str | None

    @property
    def document(self) -> str:
        """The document's English name."""
        return self.documents["en"]

    def name(self, lang: str) -> str:
        """The document's name in ``lang`` (with the language fallback of :func:`~bulletin.text.localized`)."""
        return localized(self.documents, lang)


@dataclass(frozen=True)
class Rule:
    """An agreed rule: the thresholds of the indicators that cite it come from its agreement."""

    id: str
    version: str
    titles: dict
    agreement: Agreement
    basis: dict  # where the thresholds come from, per language
    instructions: dict = field(default_factory=dict)  # level -> what it means and what to do, per language

    def title(self, lang: str) -> str:
        """The rule's title in ``lang``."""
        return localized(self.titles, lang)

    def basis_text(self, lang: str) -> str:
        """Where the thresholds come from, in ``lang``."""
        return localized(self.basis, lang)

    def as_json(self) -> dict:
        """The rule as a finding of the results JSON cites it."""
        return {"id": self.id, "version": self.version, "agreement": {
            "document": self.agreement.document, "documents": dict(sorted(self.agreement.documents.items())),
            "article": self.agreement.article, "date": self.agreement.date}}


@dataclass(frozen=True)
class Indicator:
    """An indicator of the catalogue: which series, which method, which thresholds, which rule.

    The fields common to every method are here; what is particular to a method (the second
    variable of a difference, the plan of a schedule, the limits of a withdrawal indicator ...)
    is in ``params``, the object its :meth:`~bulletin.methods.Method.parse` returned.
    """

    id: str
    names: dict
    station: str
    variable: str
    method: Method
    season: str | tuple[int, ...]
    rule: Rule
    unit: str | None = None  # unit of the thresholds and of the displayed value
    operator: str | None = None
    thresholds: tuple[Threshold, ...] = ()
    key: bool = False
    display_unit: str | None = None  # unit the value is shown in, when not the thresholds' unit
    # periods in a row below the effective level before it comes down (methods.alert_state),
    # when the indicator sets its own; None follows settings.deescalation_periods
    deescalation_periods: int | None = None
    valid_from: str | None = None  # ISO date, inclusive; None: no start
    valid_to: str | None = None  # ISO date, inclusive; None: no end
    # thresholds that vary: None (the same all year, ``thresholds``), "season" (keys gs, ngs),
    # "dekad" or "month" (keys 1-36 or 1-12: the period of the year); ``threshold_table``
    # holds ((key, thresholds), ...) in key order
    threshold_by: str | None = None
    threshold_table: tuple = ()
    relative_to: str | None = None  # None | "norm" (% of the norm) | "percentile" (of the reference)
    params: object = None  # the method's own parameters
    # level -> the agreed text of what the level means and what is recommended, per language
    # (CAP's instruction); the rule's instructions for a level the indicator gives none
    instructions: dict = field(default_factory=dict)

    @property
    def series(self) -> tuple[str, ...]:
        """The variables of the series the indicator is computed on (two for a difference)."""
        return self.method.series(self)

    def value_unit(self, canonical: str) -> str:
        """Unit the measured value is shown in (see :meth:`~bulletin.methods.Method.value_unit`)."""
        return self.method.value_unit(self, canonical)

    def name(self, lang: str) -> str:
        """The indicator's name in ``lang``."""
        return localized(self.names, lang)

    def instruction(self, level: str) -> dict | None:
        """The instruction of ``level`` ({lang: text}): the indicator's own, else its rule's; None when neither gives one."""
        return self.instructions.get(level) or getattr(self.rule, "instructions", {}).get(level) or None

    def valid_on(self, day: dt.date) -> bool:
        """Whether ``day`` lies within the indicator's validity (both ends inclusive)."""
        text = day.isoformat()
        return (self.valid_from is None or self.valid_from <= text) and (self.valid_to is None or text <= self.valid_to)

    def thresholds_for(self, period: Period, seasons: Seasons) -> tuple[Threshold, ...]:
        """The thresholds that apply in ``period``.

        Seasonal thresholds follow the season of the period's first month; a dekad or month
        table is read at the dekad or month that contains the period's last day (a monthly
        bulletin with a dekad table takes the month's third dekad).
        """
        if self.threshold_by is None:
            return self.thresholds
        return dict(self.threshold_table)[self.threshold_row(period, seasons)]

    def threshold_row(self, period: Period, seasons: Seasons):
        """The key of the row of ``threshold_table`` that applies in ``period`` (gs, ngs, or a period of year)."""
        if self.threshold_by == "season":
            return "gs" if seasons.in_growing_season(period.start.month) else "ngs"
        return Period.containing(self.threshold_by, period.end).period_of_year

    def applies_in_month(self, month: int, seasons: Seasons) -> bool:
        """Whether the indicator's season includes ``month``."""
        if self.season == "all":
            return True
        if isinstance(self.season, tuple):
            return month in self.season
        in_gs = seasons.in_growing_season(month)
        return in_gs if self.season == "gs" else not in_gs

    def not_evaluated_reason(self, period: Period, seasons: Seasons) -> str | None:
        """Why the indicator is not evaluated in ``period``, or None if it is evaluated.

        ``validity``: the period's last day is outside valid_from - valid_to; ``season``: the period
        is outside its season.
        """
        if not self.valid_on(period.end):
            return "validity"
        if not self.applies_in_month(period.start.month, seasons):
            return "season"
        return None


@dataclass(frozen=True)
class Catalogue:
    """The indicator catalogue: its head, settings, rules and indicators."""

    id: str
    version: str
    status: str
    agreed: str | None
    parties: tuple[str, ...]
    titles: dict
    notices: dict
    settings: ClimateSettings
    rules: dict
    indicators: tuple[Indicator, ...]
    path: str
    deescalation_periods: int = DEESCALATION_PERIODS  # default of the indicators (settings)
    issuer: Issuer | None = None  # the body that issues the bulletin, with its contacts
    # how the levels were set (what watch, warning and alert mean across indicators), per language;
    # empty when the catalogue does not say
    levels_basis: dict = field(default_factory=dict)

    @property
    def is_sample(self) -> bool:
        """Whether the catalogue is a sample (its thresholds illustrative, not agreed)."""
        return self.status == "sample"

    def title(self, lang: str) -> str:
        """The catalogue's title in ``lang``."""
        return localized(self.titles, lang)

    def notice(self, lang: str) -> str:
        """The catalogue's notice in ``lang`` (with the fallback of :func:`~bulletin.text.localized`); '' when none."""
        return localized(self.notices, lang)

    def levels_basis_text(self, lang: str) -> str:
        """How the catalogue's levels were set, in ``lang`` (with the fallback of :func:`~bulletin.text.localized`); '' when none."""
        return localized(self.levels_basis, lang)

    def as_json(self) -> dict:
        """Id, version and date of agreement, as the results JSON names the catalogue."""
        return {"id": self.id, "version": self.version, "agreed": self.agreed}

    def deescalation_for(self, ind: Indicator) -> int:
        """Periods in a row below its effective level before an indicator's level comes down."""
        return self.deescalation_periods if ind.deescalation_periods is None else ind.deescalation_periods
