"""Verification of past outlooks: each dekad re-issued without its hydrological year, compared with what was observed.

For every issue dekad from ``first`` to ``last`` the outlook is issued again with the
hydrological year of the issue dekad left out of the traces (a leave-one-year-out hindcast,
:func:`~bulletin.outlook.assess.outlook` with ``excluded``). Each indicator at each near lead
(``d+1``, ``d+2``, ``d+3``) is compared with the raw level observed in the lead's dekad, computed
as the bulletin computes a finding's raw level (:func:`bulletin.evaluate.assess_period`: the
thresholds alone, no hysteresis). A pair whose observed level is ``no_data`` is not verified.

Two kinds of score, per lead:

- the event "warning or higher" (the forecast probability ``p = P(warning) + P(alert)``, the
  share of the traces at warning or alert; ``o = 1`` when the observed raw level is warning or
  alert): Brier score and skill score, reliability table, hit rate and false-alarm ratio
  (:func:`brier_score`, :func:`climatology_forecasts`, :func:`brier_skill_score`,
  :func:`reliability_table`, :func:`contingency`);
- the median of the traces of a dekad flow (series of ``discharge`` or ``inflow``) against the
  observed value of the series: the Central Asian allowable-error criterion ``|error| <=
  0.674 sigma`` and ``S / sigma`` (:func:`change_sigma`, :func:`allowable_error_scores`). A series
  shared by several indicators is verified once per issue and lead.

References
----------
.. [1] Wilks, D.S. (2011): Statistical Methods in the Atmospheric Sciences, 3rd ed., chapter 8
   (Brier score, skill scores, reliability diagrams, the 2x2 contingency table). Academic Press.
.. [2] WMO (2009): Guide to Hydrological Practices, vol. II, WMO-No. 168, chapter 7
   (hydrological forecasting: verification of forecasts).
.. [3] Наставление по службе прогнозов, раздел 3, часть 1 (Гидрометеоиздат, 1962) and the practice
   of the Central Asian hydrometeorological services: a forecast is justified when its error is
   at most the allowable error ``0.674 sigma_delta`` (the probable error of the change of the
   variable), and a method is good when ``S / sigma_delta <= 0.50``, satisfactory when ``<= 0.80``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..catalogue import Catalogue
from ..errors import DataQualityError, UsageError
from ..evaluate import assess_period
from ..methods import LEVELS, NO_DATA
from ..methods.registry import clean
from ..network import Network
from ..periods import Period, parse_period
from ..units import conversion_factor, load_variables
from .assess import NEAR_LEADS, outlook
from .esp import Record, dekad_index
from .store import FLOW_VARIABLES

EVENT_LEVEL = "warning"
"""The event verified: the raw level is this level or a more severe one (warning or alert)."""
DECISION_PROBABILITY = 0.5
"""The event is forecast (for the hit rate and false-alarm ratio) when ``p >= DECISION_PROBABILITY``."""
RELIABILITY_BINS = 10
ALLOWABLE_ERROR = 0.674
"""The allowable error of a forecast, in standard deviations of the change of the series ([3])."""


# ---- scores of the event "warning or higher" -----------------------------------------------

def brier_score(p, o) -> float:
    """Brier score ``BS = (1/n) sum (p_i - o_i)**2`` of probabilities ``p`` of an event that happened (``o = 1``) or not.

    0 is perfect, 1 the worst ([1], section 8.4.2). NaN when there is no pair.
    """
    p, o = np.asarray(p, dtype=float), np.asarray(o, dtype=float)
    return float(np.mean((p - o) ** 2)) if p.size else float("nan")


def climatology_forecasts(o, years) -> tuple[np.ndarray, str]:
    """The climatological forecast of each pair and how it was computed.

    The climatological forecast of pair i is the base rate of the event over the verified pairs
    of the other hydrological years (``c_i = mean of o_j`` over ``years[j] != years[i]``): the
    year verified does not inform its own reference ("leave-one-year-out"). When the pairs are
    all of one year there is no other year, and every pair gets the base rate of all the pairs
    (``c_i = mean of o``, "in-sample"); the reference score is then the uncertainty term
    ``o_bar (1 - o_bar)`` of the Brier score's decomposition ([1], section 8.4.2).
    """
    o, years = np.asarray(o, dtype=float), np.asarray(years)
    if o.size == 0:
        return np.array([], dtype=float), "none"
    if np.unique(years).size < 2:
        return np.full(o.size, o.mean()), "in-sample"
    c = np.empty(o.size)
    for y in np.unique(years):
        same = years == y
        c[same] = o[~same].mean()
    return c, "leave-one-year-out"


def brier_skill_score(bs: float, bs_reference: float) -> float | None:
    """Brier skill score ``BSS = 1 - BS / BS_ref`` against the climatological forecast ([1], section 8.4.2).

    1 is perfect, 0 no better than climatology, negative worse. None when ``BS_ref`` is 0 (the
    event always or never happened: nothing to be skilful about) or not a number.
    """
    if not math.isfinite(bs_reference) or bs_reference == 0 or not math.isfinite(bs):
        return None
    return 1.0 - bs / bs_reference


@dataclass(frozen=True)
class ReliabilityBin:
    """One bin of forecast probability: ``lower <= p < upper`` (the last bin includes 1).

    ``mean_forecast`` and ``observed_frequency`` (the share of its pairs in which the event
    happened) are None when the bin is empty.
    """

    lower: float
    upper: float
    count: int
    mean_forecast: float | None
    observed_frequency: float | None

    def as_json(self) -> dict:
        """{lower, upper, count, mean_forecast, observed_frequency}."""
        return {"lower": self.lower, "upper": self.upper, "count": self.count,
                "mean_forecast": clean(self.mean_forecast), "observed_frequency": clean(self.observed_frequency)}


def reliability_table(p, o, bins: int = RELIABILITY_BINS) -> tuple[ReliabilityBin, ...]:
    """The reliability table: per bin of forecast probability, its count, mean forecast and observed frequency ([1], 8.4.4).

    The bins are ``[0, 0.1), [0.1, 0.2), ..., [0.9, 1]`` (``bins`` of equal width); a reliable
    forecast has ``observed_frequency`` close to ``mean_forecast`` in every bin.
    """
    p, o = np.asarray(p, dtype=float), np.asarray(o, dtype=float)
    index = np.clip(np.floor(np.round(p * bins, 9)).astype(int), 0, bins - 1)
    out = []
    for k in range(bins):
        inside = index == k
        n = int(inside.sum())
        out.append(ReliabilityBin(round(k / bins, 10), round((k + 1) / bins, 10), n,
                                  float(p[inside].mean()) if n else None, float(o[inside].mean()) if n else None))
    return tuple(out)


def contingency(p, o, decision: float = DECISION_PROBABILITY) -> tuple[int, int, int, int]:
    """(hits a, false alarms b, misses c, correct negatives d) with the event forecast when ``p >= decision``.

    Hit rate ``H = a / (a + c)`` (the share of the events observed that were forecast) and
    false-alarm ratio ``FAR = b / (a + b)`` (the share of the events forecast that did not
    happen) ([1], section 8.2.2; :func:`ratio`).
    """
    forecast = np.asarray(p, dtype=float) >= decision
    observed = np.asarray(o, dtype=float) >= 0.5
    return (int(np.sum(forecast & observed)), int(np.sum(forecast & ~observed)),
            int(np.sum(~forecast & observed)), int(np.sum(~forecast & ~observed)))


def ratio(numerator: int, denominator: int) -> float | None:
    """``numerator / denominator``, None when the denominator is 0 (a hit rate without any event observed)."""
    return numerator / denominator if denominator else None


# ---- the median of dekad flows: the 0.674 sigma criterion ----------------------------------

def change_sigma(values) -> float:
    """Standard deviation ``sigma`` of the change between consecutive periods of a series ([3]).

    ``values`` are consecutive periods (NaN where one has no value); the changes ``x_t+1 - x_t``
    of the pairs that both have a value give the sample standard deviation (n - 1). NaN with
    fewer than two changes.
    """
    x = np.asarray(values, dtype=float)
    delta = x[1:] - x[:-1]
    delta = delta[np.isfinite(delta)]
    return float(np.std(delta, ddof=1)) if delta.size >= 2 else float("nan")


def allowable_error_scores(forecast, observed, sigma) -> tuple[int, int, float | None, float | None]:
    """(n, forecasts within the allowable error, their share, ``S / sigma``) of value forecasts ([3]).

    A forecast is justified when ``|forecast - observed| <= 0.674 sigma`` (``ALLOWABLE_ERROR``;
    0.674 sigma is the probable error of a normal change, exceeded half the time by a forecast
    of no change). ``S = sqrt((1/n) sum (forecast - observed)**2)`` is the root-mean-square error;
    with one ``sigma`` per pair (pairs of several series) the ratio is ``sqrt((1/n) sum
    ((forecast - observed) / sigma)**2)``. Pairs without a value or a positive ``sigma`` are left out.
    """
    f, x = np.asarray(forecast, dtype=float), np.asarray(observed, dtype=float)
    s = np.broadcast_to(np.asarray(sigma, dtype=float), f.shape)
    ok = np.isfinite(f) & np.isfinite(x) & np.isfinite(s) & (s > 0)
    n = int(ok.sum())
    if n == 0:
        return 0, 0, None, None
    error = np.abs(f[ok] - x[ok])
    within = int(np.sum(error <= ALLOWABLE_ERROR * s[ok] + 1e-12))
    return n, within, within / n, float(np.sqrt(np.mean((error / s[ok]) ** 2)))


# ---- the results ----------------------------------------------------------------------------

@dataclass(frozen=True)
class EventPair:
    """An indicator's forecast probability ``p`` of warning or higher, and the raw level observed."""

    indicator: str
    issue: str
    lead: int
    period: str
    year: int
    p: float
    observed: str

    @property
    def o(self) -> int:
        """1 when the observed raw level is warning or alert, else 0."""
        return int(self.observed in LEVELS[LEVELS.index(EVENT_LEVEL):])

    def as_json(self) -> dict:
        """The pair as JSON values."""
        return {"indicator": self.indicator, "issue": self.issue, "lead": self.lead, "period": self.period,
                "year": self.year, "p": self.p, "observed": self.observed, "o": self.o}


@dataclass(frozen=True)
class FlowPair:
    """The median of the traces of a flow series in a lead's dekad, the observed value and the series' sigma [unit]."""

    series: str
    issue: str
    lead: int
    period: str
    median: float
    observed: float
    sigma: float
    unit: str

    def as_json(self) -> dict:
        """The pair as JSON values (NaN as null)."""
        return {"series": self.series, "issue": self.issue, "lead": self.lead, "period": self.period,
                "median": clean(self.median), "observed": clean(self.observed), "sigma": clean(self.sigma),
                "unit": self.unit}


@dataclass(frozen=True)
class LeadScores:
    """The scores of one lead (``d+1`` ...).

    ``n`` event pairs, ``base_rate`` of the event among them, ``brier`` and ``brier_climatology``
    (of the climatological forecasts, computed as ``climatology`` says), ``bss``; the contingency
    counts, ``hit_rate`` and ``false_alarm_ratio``; the ``reliability`` table; ``flow_n`` flow pairs,
    ``flow_within_share`` (the 0.674 sigma criterion) and ``s_over_sigma``. None where undefined.
    """

    label: str
    lead: int
    n: int
    base_rate: float | None
    brier: float | None
    brier_climatology: float | None
    climatology: str
    bss: float | None
    hits: int
    false_alarms: int
    misses: int
    correct_negatives: int
    hit_rate: float | None
    false_alarm_ratio: float | None
    reliability: tuple[ReliabilityBin, ...]
    flow_n: int
    flow_within: int
    flow_within_share: float | None
    s_over_sigma: float | None

    def as_json(self) -> dict:
        """The scores as JSON values (NaN as null)."""
        out = {k: clean(v) if isinstance(v, float) else v for k, v in self.__dict__.items() if k != "reliability"}
        out["reliability"] = [b.as_json() for b in self.reliability]
        return out


@dataclass(frozen=True)
class Reissue:
    """An outlook issued again: its issue dekad, the hydrological year left out and the years that gave a trace."""

    issue: str
    excluded_year: int | None
    traces_years: tuple[int, ...]

    def as_json(self) -> dict:
        """{issue, excluded_year, traces_years}."""
        return {"issue": self.issue, "excluded_year": self.excluded_year, "traces_years": list(self.traces_years)}


@dataclass(frozen=True)
class Verification:
    """The verification of the outlooks issued after every dekad from ``first`` to ``last``.

    ``skipped`` counts the (indicator, issue, lead) whose observed level is ``no_data``.
    """

    first: str
    last: str
    leads: tuple[LeadScores, ...]
    reissues: tuple[Reissue, ...]
    pairs: tuple[EventPair, ...]
    flow_pairs: tuple[FlowPair, ...]
    skipped: int

    def lead(self, label: str) -> LeadScores:
        """The scores of one lead; KeyError when it is not verified."""
        for scores in self.leads:
            if scores.label == label:
                return scores
        raise KeyError(label)

    def as_json(self) -> dict:
        """The verification as JSON: the range (with the number of issue dekads and their hydrological years), the scores per lead, every outlook re-issued and every pair."""
        return {"first": self.first, "last": self.last, "issues": len(self.reissues),
                "years": sorted({p.year for p in self.pairs}), "event": f"{EVENT_LEVEL} or higher",
                "decision_probability": DECISION_PROBABILITY, "allowable_error_sigma": ALLOWABLE_ERROR,
                "leads": [s.as_json() for s in self.leads], "skipped": self.skipped,
                "reissues": [r.as_json() for r in self.reissues],
                "pairs": [p.as_json() for p in self.pairs], "flow_pairs": [p.as_json() for p in self.flow_pairs]}


def lead_scores(label: str, lead: int, pairs: list[EventPair], flows: list[FlowPair]) -> LeadScores:
    """The scores of one lead from its pairs (module docstring)."""
    p = np.array([x.p for x in pairs], dtype=float)
    o = np.array([x.o for x in pairs], dtype=float)
    c, how = climatology_forecasts(o, [x.year for x in pairs])
    bs, bs_ref = brier_score(p, o), brier_score(c, o)
    a, b, m, d = contingency(p, o)
    n_flow, within, share, s_sigma = allowable_error_scores([f.median for f in flows], [f.observed for f in flows],
                                                            [f.sigma for f in flows])
    return LeadScores(label, lead, len(pairs), clean(float(o.mean())) if o.size else None, clean(bs), clean(bs_ref),
                      how, brier_skill_score(bs, bs_ref), a, b, m, d, ratio(a, a + m), ratio(b, a + b),
                      reliability_table(p, o), n_flow, within, share, s_sigma)


# ---- the hindcast ---------------------------------------------------------------------------

def issue_range(first: str | Period, last: str | Period, seasons) -> list[Period]:
    """The dekads from ``first`` to ``last`` (both included); UsageError for a month or an empty range."""
    periods = [parse_period(p, seasons) if isinstance(p, str) else p for p in (first, last)]
    for p in periods:
        if p.kind != "dekad":
            raise UsageError(f"an outlook is issued after a dekad; {p.label} is a {p.kind}.",
                             hint="give dekads, e.g. --from 2025-10-d1 --to 2026-09-d3.")
    start, end = periods
    if dekad_index(end) < dekad_index(start):
        raise UsageError(f"no dekad from {start.label} to {end.label}: the range ends before it starts.",
                         hint="give the earlier dekad first (--from) and the later one second (--to).")
    return [start.shift(k) for k in range(dekad_index(end) - dekad_index(start) + 1)]


def verify_outlooks(catalogue: Catalogue, network: Network, store, qc, first: str | Period, last: str | Period) -> Verification:
    """Re-issue the outlook after every dekad from ``first`` to ``last`` and score it (module docstring).

    Parameters
    ----------
    catalogue, network
        The indicators and the basin.
    store : bulletin.series.SeriesStore
        The observations (quality-controlled as for the bulletin): the record of the traces and
        the observed levels and values.
    qc : bulletin.qc.QCReport
        The quality control of the observations (its notes set an observed level ``no_data``).
    first, last : str or Period
        The first and last issue dekads.

    Raises
    ------
    UsageError
        For a month or an empty range; DataQualityError when no forecast has an observed level.
    """
    seasons = network.seasons
    issues = issue_range(first, last, seasons)
    indicators = {ind.id: ind for ind in catalogue.indicators}
    variables = load_variables()
    observed_levels: dict = {}
    sigmas: dict = {}
    reissues, pairs, flows, skipped = [], [], [], 0
    for issue in issues:
        year = seasons.hydrological_year_of(issue.start)
        o = outlook(catalogue, network, store, issue, excluded=year)
        reissues.append(Reissue(issue.label, o.excluded_year, o.traces_years))
        seen_series: set = set()
        for block in o.indicators:
            ind = indicators[block.indicator]
            for row in block.rows:
                if row.lead not in NEAR_LEADS:
                    continue
                period = parse_period(row.period, seasons)
                key = (ind.id, row.period)
                if key not in observed_levels:
                    observed_levels[key] = assess_period(ind, period, store, qc, network).level
                if observed_levels[key] == NO_DATA:
                    skipped += 1
                else:
                    pairs.append(EventPair(ind.id, issue.label, row.lead, row.period, year,
                                           row.at_least(EVENT_LEVEL), observed_levels[key]))
                flow = (ind.station, ind.series)
                if len(ind.series) != 1 or ind.series[0] not in FLOW_VARIABLES or (flow, row.lead) in seen_series:
                    continue
                seen_series.add((flow, row.lead))
                factor = conversion_factor(variables[ind.variable].unit, row.unit)
                if flow not in sigmas:
                    record = Record.of(store.series(ind.station, ind.series, "dekad"),
                                       store.settings.coverage_for("dekad"))
                    sigmas[flow] = change_sigma(record.values)
                value = store.value(ind.station, ind.series, period)[0]
                flows.append(FlowPair(f"{ind.station}/{ind.series[0]}", issue.label, row.lead, row.period,
                                      math.nan if row.median is None else row.median, value * factor,
                                      sigmas[flow] * factor, row.unit))
    if not pairs:
        raise DataQualityError(f"no outlook issued from {issues[0].label} to {issues[-1].label} can be verified: "
                               f"no indicator has an observed level in the dekads forecast.",
                               hint="choose issue dekads whose following dekads the data cover.")
    leads = tuple(lead_scores(f"d+{k}", k, [p for p in pairs if p.lead == k], [f for f in flows if f.lead == k])
                  for k in NEAR_LEADS)
    return Verification(issues[0].label, issues[-1].label, leads, tuple(reissues), tuple(pairs), tuple(flows),
                        skipped)
