"""Apply the catalogue to the data for one period: one Finding per indicator in season.

Next to its level each finding carries the context a hydrologist reads with it: the norm,
% of norm, percentile and HydroSOS category, the same period last year, the previous
period, the coverage of the period and the QC flags on its days.

The level of a period comes from the indicator's method (:mod:`bulletin.methods`): the method
computes what is compared with the thresholds (or the level itself) and notes why a period
cannot be judged; the notes' effects and the coverage rule are applied here, the same for
every method. The finding's level is then the *effective* level of
:func:`~bulletin.methods.alert_state`: the raw levels (thresholds alone) of the period and of
the periods before it, taken from the same data, so that a level rises at once but comes down
only after ``deescalation_periods`` periods below it. The raw level is kept in ``raw_level``
and the change since the previous period in ``state``. Because the history is read from the
data, not from earlier bulletins, issuing a past period again gives the same state.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .catalogue import Catalogue, Indicator
from .climatology import climate_row, status_of, weibull_quantile
from .ingest import Observations
from .methods import (
    LEVELS,
    NO_DATA,
    AppliedThreshold,
    Details,
    Inputs,
    Note,
    alert_state,
    level_of_rank,
    threshold_ranks,
)
from .methods.registry import clean, json_blocks
from .network import Network
from .periods import Period, Seasons
from .qc import QCReport
from .series import SeriesStore
from .units import conversion_factor, load_variables

LOOKBACK_PERIODS = 12
"""Periods (dekads or months) before the bulletin period whose raw levels set its state.

:func:`~bulletin.methods.alert_state` needs only the last ``deescalation_periods + 1``
periods with data; twelve leave room for gaps (``no_data`` periods are passed over)."""


@dataclass(frozen=True)
class Finding:
    """One row of the findings table (DESIGN.md, results JSON)."""

    indicator: str
    station: str
    variable: str
    period: str
    value: float | None
    unit: str
    level: str
    thresholds: list  # the thresholds as the results JSON gives them (the method's thresholds_json)
    norm: float | None
    pct_of_norm: float | None
    percentile: float | None
    category: str
    last_year: float | None
    previous_period: float | None
    coverage: float
    qc_flags: list
    rule: dict
    state: str | None = None  # new | continuing | escalated | de-escalated | ended (methods.alert_state)
    raw_level: str | None = None  # the level from the thresholds alone in this period
    indicator_value: float | None = None  # what the thresholds are compared with, when not ``value``
    indicator_unit: str | None = None
    notes: list = field(default_factory=list)  # Note, in the order found
    details: Details | None = None  # the method's own block (schedule, withdrawal)
    # a no_data finding whose indicator stood at watch or above in its last period with data:
    # {level, period}, so that a level in force does not vanish with the data
    level_in_force: dict | None = None
    applied: tuple[AppliedThreshold, ...] = field(default=(), repr=False)  # the thresholds, typed

    def as_json(self) -> dict:
        """The finding as the results JSON gives it (NaN as null; every method's block, null but its own)."""
        out = {k: getattr(self, k) for k in (
            "indicator", "station", "variable", "period", "value", "unit", "level", "thresholds", "norm",
            "pct_of_norm", "percentile", "category", "last_year", "previous_period", "coverage", "qc_flags", "rule",
            "state", "raw_level", "indicator_value", "indicator_unit")}
        for k, v in out.items():
            if isinstance(v, float) and math.isnan(v):
                out[k] = None
        out["notes"] = [str(n) for n in self.notes]
        for block in json_blocks():
            out[block] = self.details.as_json() if self.details is not None and self.details.block == block else None
        out["level_in_force"] = self.level_in_force
        return out


@dataclass(frozen=True)
class PeriodAssessment:
    """An indicator in one period, from its thresholds alone."""

    value: float  # [canonical unit of the variable], NaN when missing
    coverage: float
    status: dict  # climatology.status_of
    level: str  # raw level
    indicator_value: float | None
    indicator_unit: str | None
    notes: tuple[Note, ...]
    applied: tuple[AppliedThreshold, ...]
    details: Details | None = None


def level_ranks(ind: Indicator, result, applied: tuple[AppliedThreshold, ...], value, notes=()) -> np.ndarray:
    """Level rank of a period's value (-1 no data, 0 normal ... 3 alert); a number or one per trace.

    The method's ranks, else the value compared with the applied thresholds; then, for every
    method alike, a note with the effect ``normal`` sets normal where it holds, and one with the
    effect ``no_data`` (``notes`` hold everywhere; a relative threshold without its reference
    is :attr:`Note.NO_REFERENCE`), or a missing value, sets no data. Findings and outlook traces
    are ranked by this one function.
    """
    value = np.asarray(value, dtype=float)
    if result.ranks is not None:
        ranks = np.asarray(result.ranks)
    else:
        ranks = threshold_ranks(result.compared, {t.level: t.value for t in applied}, ind.operator)
    ranks = np.broadcast_to(ranks, value.shape).astype(int)
    everywhere = np.ones(value.shape, dtype=bool)
    masks = [(note, everywhere) for note in notes]
    masks += [(note, np.broadcast_to(np.asarray(where, dtype=bool), value.shape)) for note, where in result.notes]
    if any(math.isnan(t.value) for t in applied):
        masks.append((Note.NO_REFERENCE, everywhere))
    for effect, rank in (("normal", 0), (NO_DATA, -1)):  # normal first: no data wins over it
        for note, mask in masks:
            if note.effect == effect:
                ranks = np.where(mask, rank, ranks)
    return np.where(np.isnan(value), -1, ranks)


def assess_period(ind: Indicator, period: Period, store: SeriesStore, qc: QCReport, network: Network,
                  details: bool = False) -> PeriodAssessment:
    """Value and raw level of ``ind`` in ``period`` (the same computation for every period).

    The method assesses the period (:meth:`~bulletin.methods.Method.assess`); then, for every
    method alike, a note with the effect ``normal`` sets the level normal, one with the effect
    ``no_data`` (and a missing value) sets it ``no_data``. With ``details`` the method's own record
    of the period (:meth:`~bulletin.methods.Method.details`) is added, as the finding carries it.
    """
    value, coverage = store.value(ind.station, ind.series, period)
    climatology = store.climatology(ind.station, ind.series, period.kind)
    status = status_of(value, climate_row(climatology, period.period_of_year))
    canonical = load_variables()[ind.variable].unit
    applied = applied_thresholds(ind, period, store, network.seasons)
    inputs = Inputs(value, canonical, climatology, period.period_of_year, status["category"], store, network)
    result = ind.method.assess(ind, period, inputs)
    qc_notes = _qc_notes(qc, ind, period)
    rank = int(level_ranks(ind, result, applied, value, qc_notes))
    notes = qc_notes + [note for note, where in result.notes if bool(where)]
    if any(math.isnan(t.value) for t in applied):
        notes.append(Note.NO_REFERENCE)  # a relative threshold without its norm or distribution: never normal
    if math.isnan(value):
        notes.insert(0, Note.COVERAGE if coverage > 0 else Note.MISSING)
    shown = clean(result.compared) if result.shown_unit is not None else None
    record = ind.method.details(ind, period, inputs) if details else None
    return PeriodAssessment(value, coverage, status, level_of_rank(rank), shown, result.shown_unit, tuple(notes),
                            applied, record)


def applied_thresholds(ind: Indicator, period: Period, store: SeriesStore,
                       seasons: Seasons) -> tuple[AppliedThreshold, ...]:
    """The thresholds of ``ind`` that apply in ``period``.

    ``value`` is in the unit the indicator value is compared in (the indicator's unit). A
    relative threshold (``relative_to: norm`` or ``percentile``) is converted with the norm or
    the Weibull quantile (:func:`~bulletin.climatology.weibull_quantile`) of the period's
    reference distribution, and keeps its catalogue value in ``relative_value``; the value is
    NaN when that norm or distribution is missing (fewer than ``min_years`` years). A threshold
    that varies carries ``applies_to``: the season (gs, ngs) or the period of the year (dekad
    1-36, month 1-12) whose row applied.
    """
    applies_to = None
    if ind.threshold_by is not None:
        row_key = ind.threshold_row(period, seasons)
        applies_to = row_key if ind.threshold_by == "season" else f"{ind.threshold_by} {row_key}"
    reference = None
    if ind.relative_to is not None:
        row = climate_row(store.climatology(ind.station, ind.series, period.kind), period.period_of_year)
        f = conversion_factor(load_variables()[ind.variable].unit, ind.unit)
        if ind.relative_to == "norm":
            reference = lambda t: row["mean"] * f * t.value / 100.0  # noqa: E731
        else:
            reference = lambda t: (weibull_quantile(row["_values"], t.value / 100.0)  # noqa: E731
                                   if len(row["_values"]) else float("nan")) * f
    out = []
    for t in ind.thresholds_for(period, seasons):
        if reference is None:
            out.append(AppliedThreshold(t.level, t.operator, t.value, t.unit, applies_to=applies_to))
        else:
            out.append(AppliedThreshold(t.level, t.operator, float(reference(t)), ind.unit, ind.relative_to, t.value,
                                        applies_to))
    return tuple(out)


def history_periods(ind: Indicator, period: Period, seasons: Seasons, lookback: int = LOOKBACK_PERIODS) -> list[Period]:
    """The periods whose raw levels set the state of ``ind`` in ``period``, oldest first.

    Up to ``lookback`` periods before ``period``, and ``period`` itself last. A seasonal
    indicator restarts at the start of its season: the periods before it are those of the
    same season, back to its first period; an indicator starts afresh at its ``valid_from``, and
    one whose method restarts each season (a new season has a new withdrawal limit) at the
    start of each season.
    """
    out = [period]
    p = period.previous()
    in_gs = seasons.in_growing_season(period.start.month)
    while (len(out) <= lookback and ind.applies_in_month(p.start.month, seasons) and ind.valid_on(p.end)
           and (not ind.method.restarts_each_season or seasons.in_growing_season(p.start.month) == in_gs)):
        out.append(p)
        p = p.previous()
    return out[::-1]


def evaluate(catalogue: Catalogue, network: Network, obs: Observations, qc: QCReport, period: Period,
             store: SeriesStore | None = None, lookback: int = LOOKBACK_PERIODS) -> list[Finding]:
    """Evaluate every indicator whose season and validity include ``period``; catalogue order.

    An indicator is valid in a period when the period's last day lies within its
    ``valid_from`` - ``valid_to`` (both inclusive; see
    :meth:`~bulletin.catalogue.Indicator.not_evaluated_reason`).

    ``level`` is the effective level and ``state`` the alert state of
    :func:`~bulletin.methods.alert_state`, from the raw levels of up to ``lookback`` earlier
    periods of the same data (see :func:`history_periods`); ``raw_level`` is the period's own.
    """
    store = store or SeriesStore(obs, catalogue.settings)
    variables = load_variables()
    findings = []
    for ind in catalogue.indicators:
        if ind.not_evaluated_reason(period, network.seasons) is not None:
            continue
        now = assess_period(ind, period, store, qc, network, details=True)
        before = history_periods(ind, period, network.seasons, lookback)[:-1]
        earlier = [assess_period(ind, p, store, qc, network).level for p in before]
        deescalation = catalogue.deescalation_for(ind)
        level, state = alert_state([*earlier, now.level], deescalation)
        in_force = _level_in_force(before, earlier, deescalation) if level == NO_DATA else None
        status = now.status
        last_year, _ = store.value(ind.station, ind.series, period.same_period_last_year())
        previous, _ = store.value(ind.station, ind.series, period.previous())
        canonical = variables[ind.variable].unit
        display_unit = ind.value_unit(canonical)
        f = conversion_factor(canonical, display_unit)
        findings.append(Finding(
            indicator=ind.id, station=ind.station, variable="-".join(ind.series), period=period.label,
            value=clean(now.value * f), unit=display_unit, level=level,
            thresholds=ind.method.thresholds_json(ind, now.applied), norm=clean(status["norm"] * f),
            pct_of_norm=clean(status["pct_of_norm"]), percentile=clean(status["percentile"]),
            category=status["category"], last_year=clean(last_year * f), previous_period=clean(previous * f),
            coverage=round(now.coverage, 4), qc_flags=_flags(qc, ind, period), rule=ind.rule.as_json(),
            state=state, raw_level=now.level, indicator_value=now.indicator_value,
            indicator_unit=now.indicator_unit, notes=list(now.notes), details=now.details, level_in_force=in_force,
            applied=now.applied,
        ))
    return findings


def _level_in_force(periods: list[Period], raw_levels: list[str], deescalation_periods: int) -> dict | None:
    """The effective level of the last of ``periods`` with data, when it is watch or above.

    A period without data neither raises nor lowers a level (:func:`~bulletin.methods.alert_state`),
    so the level in force before a gap is still the best knowledge of the situation; the
    bulletin states it next to the missing value instead of showing ``no_data`` alone.
    """
    with_data = [i for i, lev in enumerate(raw_levels) if lev != NO_DATA]
    if not with_data:
        return None
    last = with_data[-1]
    level, _ = alert_state(raw_levels[:last + 1], deescalation_periods)
    return {"level": level, "period": periods[last].label} if level in LEVELS[1:] else None


def _flags(qc: QCReport, ind: Indicator, period: Period) -> list[str]:
    """Names of the checks that flagged any input value of the period."""
    names = set()
    for variable in ind.series:
        names |= set(qc.for_period(ind.station, variable, period.start, period.end))
    return sorted(names)


def _qc_notes(qc: QCReport, ind: Indicator, period: Period) -> list[Note]:
    """What QC did to a finding: ``qc_errors`` and ``completeness`` notes.

    ``qc_errors``: values flagged as errors were left out of the period; ``completeness``: the
    completeness rule flags the period, so the finding is ``no_data``.
    """
    notes = []
    if any(qc.errors_in(ind.station, v, period.start, period.end) for v in ind.series):
        notes.append(Note.QC_ERRORS)
    if any(qc.incomplete(ind.station, v, period) for v in ind.series):
        notes.append(Note.COMPLETENESS)
    return notes
