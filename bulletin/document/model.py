"""The language-neutral bulletin: what each part of it holds.

Sentences are :class:`~bulletin.text.Text` (a message id and its parameters), names
:class:`~bulletin.text.Localized`, numbers :class:`~bulletin.text.Quantity`; the renderer
words and formats them for each language. The builders are in the other modules of this
package; :func:`bulletin.document.build_bulletin` assembles a :class:`Bulletin`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ..catalogue import Catalogue, Indicator
from ..evaluate import Finding
from ..periods import Period
from ..text import Localized, Quantity, Text


@dataclass(frozen=True)
class Row:
    """One finding as the bulletin shows it."""

    finding: Finding
    station_name: Localized
    country: str
    indicator_name: Localized
    value: Quantity
    norm: Quantity
    pct_of_norm: Quantity
    percentile: Quantity
    last_year: Quantity
    previous: Quantity
    coverage: Quantity
    level: str
    category: str
    category_text: Text
    condition: Text | None  # the threshold the period's own value crosses (raw level)
    sentence: Text
    qc_flags: tuple  # check name Texts
    state: str | None = None  # new | continuing | escalated | de-escalated | ended
    state_text: Text | None = None
    raw_level: str | None = None  # the level of the thresholds alone, when not ``level``
    raw_text: Text | None = None  # "this period alone: watch", when the level is held above it
    compared: Quantity | None = None  # the value compared with the thresholds, when not ``value`` (31 % fill)
    archive_norm: NormComparison | None = None  # the norm the data's archive publishes, when it does
    instruction: Localized | None = None  # what the finding's level means and what is recommended (catalogue)


@dataclass(frozen=True)
class NormComparison:
    """A finding's computed norm beside the norm its archive publishes, with the years each is the mean of.

    ``norm`` and ``archive`` are shown with one decimal more than the findings table, ``cell``
    under the computed norm in that table. ``value`` [``unit``, the finding's] and ``span``
    (first, last, years with data; None when not found) are what the results JSON gives.
    """

    station: str
    variable: str
    label: Text  # "Pskem at Mullala: discharge"
    norm: Quantity  # the computed norm
    reference: Text | None  # its reference period: "1981–2010"
    archive: Quantity  # the norm as published in the archive
    archive_reference: Text  # "reference period not stated in the archive; equal to the mean of ..."
    cell: Text  # "archive: 50 m³/s"
    value: float  # the archive's norm [unit]
    unit: str
    span: tuple | None  # (first, last, years with data) whose mean in the data equals the archive's norms


@dataclass(frozen=True)
class CountrySummary:
    """One country's findings on page one."""

    code: str
    name: Localized
    level: str  # highest level among the country's findings
    counts: tuple  # ((level, n), ...) in level order
    rows: tuple  # the country's non-normal rows, most severe first


@dataclass(frozen=True)
class Figure:
    """A hydrograph of the current hydrological year against the climatology."""

    id: str
    title: Text
    station_name: Localized
    unit: str
    x_periods: tuple  # Period per dekad of the hydrological year
    current: tuple
    last_year: tuple
    norm: tuple
    p10: tuple
    p90: tuple
    thresholds: tuple  # ((level, values per x or a constant), ...)
    period_index: int  # position of the bulletin period on x
    alt: tuple = ()  # the figure in words: Text sentences


@dataclass(frozen=True)
class QualityFlag:
    """One check's flags on one series in the hydrological year to date."""

    check: str
    severity: str  # error | warning | info
    days: int  # flagged days from the start of the hydrological year to the end of the period
    text: Text  # "check name (severity): N d."


@dataclass(frozen=True)
class QualityFinding:
    """A finding whose inputs are flagged in the bulletin period."""

    indicator: str
    name: Localized
    level: str
    no_data_by_errors: bool  # no_data because values flagged as errors were left out
    text: Text | Localized  # the indicator name, or the name with the no-data remark


@dataclass(frozen=True)
class QualityRow:
    """Data quality of one series (station and variable)."""

    station: str
    station_name: Localized
    country: str
    variable: str
    variable_text: Text | Localized
    coverage: Quantity  # share of days with good data in the bulletin period
    flags: tuple  # QualityFlag, errors first
    findings: tuple  # QualityFinding of the findings whose inputs are flagged in the period


@dataclass(frozen=True)
class QualityStation:
    """The quality rows of one station."""

    station: str
    station_name: Localized
    rows: tuple  # QualityRow per variable


@dataclass(frozen=True)
class QualityCountry:
    """The stations of one country with something to report."""

    code: str
    name: Localized
    stations: tuple  # QualityStation in network order; empty: nothing to report


@dataclass(frozen=True)
class QualitySection:
    """The data-quality section: series with something to report, by country and station."""

    countries: tuple  # QualityCountry per country of the network, in network order
    series_total: int  # series of network stations in the data or read by a finding
    series_shown: int  # series with flags this hydrological year, incomplete or flagged findings

    @property
    def rows(self) -> tuple:
        """Every quality row, country by country."""
        return tuple(r for c in self.countries for st in c.stations for r in st.rows)


@dataclass(frozen=True)
class AnnexEntry:
    """One indicator in the annex: its method, season, levels and rule."""

    indicator: Indicator
    name: Localized
    station_name: Localized
    method: Text
    season: Text
    conditions: tuple  # ((level, Text), ...)
    persistence: Text  # when a level comes down: after N periods in a row below it
    details: tuple = ()  # Texts listed under the method (the seasonal limits of a withdrawal indicator)


@dataclass(frozen=True)
class OutlookRisk:
    """One key risk of the outlook: an indicator's most severe level that enough traces reach."""

    indicator: str
    country: str
    level: str  # the level reached (watch, warning or alert), or a more severe one
    probability: float  # share of the traces at ``level`` or above in at least one dekad [0-1]
    sentence: Text


@dataclass(frozen=True)
class OutlookCell:
    """One indicator at one lead: the share of traces at each level and the spread of the value."""

    level: str  # the most likely level (no_data when most traces have none)
    probabilities: tuple  # ((level, Quantity %), ...) normal, watch, warning, alert, then no_data if any
    median: Quantity
    p10: Quantity
    p90: Quantity


@dataclass(frozen=True)
class OutlookTableRow:
    """An indicator of the outlook: a cell per lead and the first dekad at which its median crosses a threshold."""

    indicator: str
    name: Localized
    country: str
    cells: tuple  # OutlookCell per lead of the section, None where the indicator is not assessed
    first_crossing: object  # Period, or None
    traces: tuple = ()  # (fewest, most) traces its cells' shares are of, when fewer than the outlook's; else ()


@dataclass(frozen=True)
class FanFigure:
    """A fan chart: observed dekads, then the median and P10-P90 of the traces, with norm and thresholds."""

    id: str
    title: Text
    unit: str
    x_periods: tuple
    issue_index: int
    observed: tuple
    norm: tuple
    p10: tuple
    median: tuple
    p90: tuple
    thresholds: tuple  # ((level, values per x), ...)
    alt: tuple  # Texts: the figure in words


@dataclass(frozen=True)
class OutlookSection:
    """The outlook of the coming dekads, as the bulletin shows it."""

    issue_period: Period
    season_end: Period
    leads: tuple  # (label, Period) per column: d+1, d+2, d+3, season end
    intro: tuple  # Texts: how the outlook was made
    risks: tuple  # OutlookRisk, most severe first
    page_one: tuple  # the first risks, that page one names
    no_risk: Text | None  # the sentence shown when there is no risk
    table: tuple  # OutlookTableRow, catalogue order
    fans: tuple  # FanFigure
    left_out: tuple  # Localized names of the indicators the outlook does not assess
    n_traces: int


@dataclass(frozen=True)
class QCRecord:
    """One run of flagged days of one series, for the results JSON."""

    station: str
    variable: str
    check: str
    severity: str
    first: str  # ISO date
    last: str  # ISO date
    days: int
    sentence: str


@dataclass(frozen=True)
class Revision:
    """Where an issue stands in its archive: its number, its revision and what that revision replaces."""

    label: str  # the issue's number in its year, e.g. "5/2026"
    revision: int  # 1 for the first issue of the period
    reason: str | None = None  # why the period was issued again (revisions after the first)
    supersedes: int | None = None  # the revision this one replaces
    supersedes_issued_at: datetime | None = None

    def as_json(self) -> dict:
        """The ``revision`` block of the results JSON."""
        return {"issue": self.label, "revision": self.revision, "reason": self.reason,
                "supersedes": None if self.supersedes is None else {
                    "revision": self.supersedes, "issued_at": self.supersedes_issued_at.isoformat()}}


@dataclass(frozen=True)
class Bulletin:
    """The whole bulletin of one period, in no language."""

    id: str
    issue_number: str
    period: Period
    issued_at: datetime
    basin: Localized
    catalogue: Catalogue
    sample_data: bool
    rows: tuple
    countries: tuple
    key_rows: tuple  # the most important findings, for page one
    changes: tuple  # rows whose level changed since the last bulletin: new or escalated, then lowered
    figures: tuple
    quality: QualitySection
    annex: tuple
    inputs: tuple
    reference_period: str
    software_version: str
    schema_version: str  # of the results JSON (bulletin.SCHEMA_VERSION)
    not_evaluated: tuple = field(default=())  # ((indicator id, "season" | "validity"), ...)
    basin_map: object = None  # overview.BasinMap
    fill_bars: object = None  # overview.FillBars
    category_strip: object = None  # overview.CategoryStrip
    lead: Text | None = None  # the sentence that opens the summary: indicators evaluated, by level
    hydrological_year: Text | None = None  # the months of the hydrological year ("October to September")
    qc_records: tuple = ()  # QCRecord of every run of flagged days
    norms: tuple = ()  # NormComparison per series whose archive publishes its norm of the period
    next_period: Period | None = None  # the period of the next issue
    next_issue_at: datetime | None = None  # when the next issue is due (same delay after its period's end)
    outlook: object = None  # bulletin.outlook.Outlook of the coming dekads (dekad bulletins), or None
    outlook_section: OutlookSection | None = None  # the outlook as the pages show it
    verification: object = None  # bulletin.outlook.scores.VerificationScores of past outlooks, or None
    verification_span: tuple | None = None  # (first, last) issue dekads (Period) the verification covers
    revision: Revision | None = None  # the issue's number and revision in its archive (published issues only)
    since_previous: object = None  # document.since.ChangesSince: the comparison with the archive's previous issue

    @property
    def issuer(self):
        """The issuing body of the catalogue (:class:`~bulletin.catalogue.Issuer`), or None."""
        return self.catalogue.issuer

    def indicator_names(self, ids) -> tuple:
        """The names (Localized) of the catalogue's indicators ``ids``."""
        names = {ind.id: Localized.of(ind.names) for ind in self.catalogue.indicators}
        return tuple(names[i] for i in ids)

    @property
    def not_in_season(self) -> tuple:
        """Indicators not evaluated because the period is outside their season."""
        return tuple(i for i, reason in self.not_evaluated if reason == "season")

    @property
    def not_valid(self) -> tuple:
        """Indicators not evaluated because the period is outside their validity."""
        return tuple(i for i, reason in self.not_evaluated if reason == "validity")
