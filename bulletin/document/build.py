"""Assemble the language-neutral bulletin from the findings, the products of the period and QC."""

from __future__ import annotations

from datetime import datetime

from .. import SCHEMA_VERSION, __version__
from ..catalogue import Catalogue
from ..evaluate import Finding
from ..ingest import InputFile
from ..methods import LEVELS, NO_DATA
from ..network import Network
from ..periods import Period, hydrological_year, parse_period
from ..products import Products
from ..qc import QCReport
from ..text import N_, Localized, Month, PeriodIn, Text
from .annex import annex
from .findings import country_summaries, rows_of, severity_key
from .hydrographs import figure
from .model import Bulletin, QCRecord
from .norms import norms_table
from .outlook import outlook_section
from .overview import basin_map, category_strip, fill_bars
from .quality import quality_section

MSG_LEAD = N_("Indicators evaluated {period_in}: {total}; alert {alert}, warning {warning}, watch {watch}, "
              "normal {normal}, no data {no_data}.")
MSG_MONTH_SPAN = N_("{first} to {last}")



def build_bulletin(*, catalogue: Catalogue, network: Network, findings: list[Finding], products: Products,
                   qc: QCReport, period: Period, issued_at: datetime, inputs: list[InputFile],
                   sample_data: bool, outlook=None, fans: tuple = (), verification=None) -> Bulletin:
    """The bulletin of ``period``: summary, outlook, findings, figures, data quality, annex and provenance.

    ``outlook`` (:class:`bulletin.outlook.Outlook`, or None) is carried as computed for the
    machine-readable outputs and worded for the pages with its fan charts ``fans``
    (:class:`bulletin.products.Fan`); ``verification`` (the scores of past outlooks, or None)
    is shown in the annex.
    """
    rows = rows_of(findings, catalogue, network, qc, period, products.archive_norms)
    key_ids = frozenset(ind.id for ind in catalogue.indicators if ind.key)
    ranked = sorted((r for r in rows if r.level in LEVELS[1:]), key=lambda r: severity_key(r, key_ids))
    lead = Text.of(MSG_LEAD, period_in=PeriodIn(period), total=len(rows),
                   **{lev: sum(r.level == lev for r in rows) for lev in (*LEVELS, NO_DATA)})
    changes = changed_rows(rows)
    evaluated_ids = {f.indicator for f in findings}
    not_evaluated = tuple((ind.id, ind.not_evaluated_reason(period, network.seasons) or "season")
                          for ind in catalogue.indicators if ind.id not in evaluated_ids)
    hy = hydrological_year(network.seasons.hydrological_year_of(period.start), network.seasons)
    return Bulletin(
        id=f"{network.id}-{period.label}", issue_number=issue_number(period), period=period, issued_at=issued_at,
        basin=Localized.of(network.names), catalogue=catalogue, sample_data=sample_data, rows=tuple(rows),
        countries=country_summaries(rows, network), key_rows=tuple(ranked[:3]), changes=tuple(changes),
        figures=tuple(figure(h, network) for h in products.hydrographs),
        quality=quality_section(qc, findings, products.coverage, network, period, catalogue),
        annex=annex(catalogue, network), inputs=tuple(inputs), reference_period=catalogue.settings.reference_label,
        software_version=__version__, schema_version=SCHEMA_VERSION, not_evaluated=not_evaluated,
        basin_map=basin_map(network, findings, products.reservoirs),
        fill_bars=fill_bars(network, findings, products.reservoirs, period, network.volume_unit),
        category_strip=category_strip(network, products.categories, period),
        lead=lead, hydrological_year=Text.of(MSG_MONTH_SPAN, first=Month(hy.start.month), last=Month(hy.end.month)),
        qc_records=qc_records(qc), norms=norms_table(rows),
        next_period=period.shift(1) if period.kind in ("dekad", "month") else None,
        next_issue_at=next_issue_at(period, issued_at) if period.kind in ("dekad", "month") else None,
        outlook=outlook, outlook_section=outlook_section(outlook, fans, catalogue, network),
        verification=verification,
        verification_span=None if verification is None else
        (parse_period(verification.first, network.seasons), parse_period(verification.last, network.seasons)),
    )


CHANGE_ORDER = ("new", "escalated", "de-escalated", "ended")
"""The states page one lists as changes since the last bulletin, in the order it lists them."""


def changed_rows(rows) -> list:
    """The rows whose level changed since the last bulletin: new, escalated, de-escalated, ended.

    Raised levels come first, then lowered ones; within each state the most severe first.
    """
    return sorted((r for r in rows if r.state in CHANGE_ORDER),
                  key=lambda r: (CHANGE_ORDER.index(r.state) > 1, severity_key(r)))


def next_issue_at(period: Period, issued_at: datetime) -> datetime | None:
    """When the next issue is due: the next period's end plus this issue's delay after its period's end.

    None for an issue made after the next period had ended (a late or retrospective issue): the
    next period's bulletin is then already due, and no date can be promised for it.

    >>> from bulletin.periods import Period
    >>> next_issue_at(Period.dekad(2026, 11, 2), datetime(2026, 11, 21, 6)).isoformat()
    '2026-12-01T06:00:00'
    >>> next_issue_at(Period.dekad(2026, 11, 2), datetime(2026, 12, 2, 6)) is None
    True
    """
    if issued_at.date() > period.shift(1).end:
        return None
    return issued_at + (period.shift(1).end - period.end)


def issue_number(period: Period) -> str:
    """Issue number: the period's number in its year and the year, e.g. ``32/2026`` for 2026-11-d2."""
    return f"{period.period_of_year}/{period.start.year}"


def qc_records(qc: QCReport) -> tuple:
    """Every run of flagged days, by station, variable, check and first day."""
    flags = qc.flags.sort_values(["station", "variable", "check", "first"], kind="stable")
    names = [flags[c].tolist() for c in ("station", "variable", "check", "severity")]
    days = [flags[c].to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").astype(str).tolist()
            for c in ("first", "last")]  # ISO dates, as Timestamp.date().isoformat()
    return tuple(QCRecord(station, variable, check, severity, first, last, int(n), sentence)
                 for station, variable, check, severity, first, last, n, sentence in zip(
                     *names, *days, flags["days"].tolist(), flags["sentence"].tolist(), strict=True))
