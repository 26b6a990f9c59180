"""Apply the catalogue to the data for one period: one Finding per indicator in season.

Next to its level each finding carries the context a hydrologist reads with it: the norm,
% of norm, percentile and HydroSOS category, the same period last year, the previous
period, the coverage of the period and the QC flags on its days.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from .catalogue import Catalogue, Indicator
from .climatology import aggregate, apply_coverage, climatology, status_of
from .ingest import Observations
from .methods import NO_DATA, category_level, difference, percent_of_norm, threshold_level
from .network import Network
from .periods import Period
from .qc import QCReport
from .units import conversion_factor, load_variables


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
    thresholds: list
    norm: float | None
    pct_of_norm: float | None
    percentile: float | None
    category: str
    last_year: float | None
    previous_period: float | None
    coverage: float
    qc_flags: list
    rule: dict
    state: str | None = None  # alert state across bulletins: a later issue
    indicator_value: float | None = None  # what the thresholds are compared with, when not ``value``
    indicator_unit: str | None = None
    notes: list = field(default_factory=list)

    def as_json(self) -> dict:
        d = asdict(self)
        for k, v in d.items():
            if isinstance(v, float) and math.isnan(v):
                d[k] = None
        return d


def _clean(x) -> float | None:
    if x is None:
        return None
    x = float(x)
    return None if math.isnan(x) else x


def period_series(obs: Observations, station: str, variable: str, resolution: str) -> pd.DataFrame:
    """Dekad or month series of one station and variable, with coverage (see ``aggregate``).

    Daily values are aggregated with the variable's rule; values supplied directly at the
    resolution are taken as they are, with coverage 1.
    """
    daily = obs.series(station, variable, "day")
    if not daily.empty:
        return aggregate(daily, resolution, load_variables()[variable].aggregate)
    s = obs.series(station, variable, resolution)
    periods = [Period.containing(resolution, d.date()) for d in s.index]
    return pd.DataFrame({
        "year": pd.Series([p.start.year for p in periods], dtype=np.int64),
        "period_of_year": pd.Series([p.period_of_year for p in periods], dtype=np.int64),
        "value": s.to_numpy(dtype=float), "n_days": [p.days for p in periods], "days": [p.days for p in periods],
        "coverage": np.ones(len(periods)),
    })


class SeriesStore:
    """Period series and climatologies of the observations, computed once each."""

    def __init__(self, obs: Observations, catalogue: Catalogue):
        self.obs = obs
        self.settings = catalogue.settings
        self.variables = load_variables()
        self._agg: dict = {}
        self._clim: dict = {}

    def aggregated(self, station: str, variable: str, resolution: str) -> pd.DataFrame:
        key = (station, variable, resolution)
        if key not in self._agg:
            self._agg[key] = period_series(self.obs, station, variable, resolution)
        return self._agg[key]

    def base(self, ind: Indicator, resolution: str) -> pd.DataFrame:
        """The period series an indicator is computed on (for a difference: a - b)."""
        a = self.aggregated(ind.station, ind.variable, resolution)
        if ind.method != "difference":
            return a
        key = (ind.station, f"{ind.variable}-{ind.minus}", resolution)
        if key not in self._agg:
            b = self.aggregated(ind.station, ind.minus, resolution)
            m = a.merge(b, on=["year", "period_of_year"], suffixes=("_a", "_b"))
            self._agg[key] = pd.DataFrame({
                "year": m["year"], "period_of_year": m["period_of_year"],
                "value": difference(m["value_a"], m["value_b"]),
                "n_days": np.minimum(m["n_days_a"], m["n_days_b"]), "days": m["days_a"],
                "coverage": np.minimum(m["coverage_a"], m["coverage_b"]),
            })
        return self._agg[key]

    def climatology_of(self, ind: Indicator, resolution: str) -> pd.DataFrame:
        key = (ind.station, ind.variable, ind.minus, resolution)
        if key not in self._clim:
            self._clim[key] = climatology(self.base(ind, resolution), resolution, self.settings)
        return self._clim[key]


def _value_at(agg: pd.DataFrame, period: Period, min_coverage: float) -> tuple[float, float]:
    """(value or NaN, coverage) of ``period`` in an aggregated series."""
    row = agg[(agg["year"] == period.start.year) & (agg["period_of_year"] == period.period_of_year)]
    if row.empty:
        return float("nan"), 0.0
    usable = apply_coverage(row, min_coverage)
    return float(usable["value"].iloc[0]), float(row["coverage"].iloc[0])


def evaluate(catalogue: Catalogue, network: Network, obs: Observations, qc: QCReport, period: Period,
             store: SeriesStore | None = None) -> list[Finding]:
    """Evaluate every indicator whose season includes ``period``; catalogue order."""
    store = store or SeriesStore(obs, catalogue)
    resolution = period.kind
    min_cov = catalogue.settings.coverage_for(resolution)
    variables = load_variables()
    findings = []
    for ind in catalogue.indicators:
        if not ind.applies_in_month(period.start.month, network):
            continue
        agg = store.base(ind, resolution)
        clim = store.climatology_of(ind, resolution)
        value, coverage = _value_at(agg, period, min_cov)
        last_year, _ = _value_at(agg, period.same_period_last_year(), min_cov)
        previous, _ = _value_at(agg, period.previous(), min_cov)
        status = status_of(value, clim.loc[period.period_of_year])
        canonical = variables[ind.variable].unit
        if ind.method in ("threshold", "difference"):
            display_unit = ind.unit
        else:
            display_unit = canonical
        f = conversion_factor(canonical, display_unit)
        thresholds_json = [{"level": t.level, "operator": t.operator, "value": t.value, "unit": t.unit}
                           for t in ind.thresholds]
        indicator_value = None
        indicator_unit = None
        if ind.method in ("threshold", "difference"):
            level = threshold_level(value * f, {t.level: t.value for t in ind.thresholds}, ind.operator)
        elif ind.method == "percent_of_norm":
            pct = percent_of_norm(value, status["norm"])
            level = threshold_level(pct, {t.level: t.value for t in ind.thresholds}, ind.operator)
            indicator_value, indicator_unit = _clean(pct), "%"
        else:  # status_category
            level = category_level(status["category"], ind.level_map)
            thresholds_json = [{"level": lev, "category": cat} for cat, lev in ind.levels]
        notes = []
        if math.isnan(value):
            level = NO_DATA
            notes.append("coverage" if coverage > 0 else "missing")
        findings.append(Finding(
            indicator=ind.id, station=ind.station, variable=ind.variable if ind.method != "difference"
            else f"{ind.variable}-{ind.minus}", period=period.label, value=_clean(value * f), unit=display_unit,
            level=level, thresholds=thresholds_json, norm=_clean(status["norm"] * f),
            pct_of_norm=_clean(status["pct_of_norm"]), percentile=_clean(status["percentile"]),
            category=status["category"], last_year=_clean(last_year * f), previous_period=_clean(previous * f),
            coverage=round(coverage, 4), qc_flags=_flags(qc, ind, period), rule=ind.rule.as_json(),
            indicator_value=indicator_value, indicator_unit=indicator_unit, notes=notes,
        ))
    return findings


def _flags(qc: QCReport, ind: Indicator, period: Period) -> list[str]:
    names = set(qc.for_period(ind.station, ind.variable, period.start, period.end))
    if ind.minus:
        names |= set(qc.for_period(ind.station, ind.minus, period.start, period.end))
    return sorted(names)
