"""Apply the catalogue to the data for one period: one Finding per indicator in season.

Next to its level each finding carries the context a hydrologist reads with it: the norm,
% of norm, percentile and HydroSOS category, the same period last year, the previous
period, the coverage of the period and the QC flags on its days.

Its level is the *effective* level of :func:`~bulletin.methods.alert_state`: the raw levels
(thresholds alone) of the period and of the periods before it, taken from the same data, so
that a level rises at once but comes down only after ``deescalation_periods`` periods below
it. The raw level is kept in ``raw_level`` and the change since the previous period in
``state``. Because the history is read from the data, not from earlier bulletins, issuing a
past period again gives the same state.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from .catalogue import Catalogue, Indicator
from .climatology import aggregate, apply_coverage, climatology, status_of, weibull_quantile
from .ingest import Observations
from .methods import (
    LEVELS,
    NO_DATA,
    alert_state,
    category_level,
    change,
    cumulative_schedule_deviation,
    days_of_release_left,
    difference,
    fill_percent_of_useful,
    limit_share,
    margin_above_dead,
    percent_of_norm,
    projected_use,
    projected_use_at_pace,
    schedule_deviation,
    threshold_level,
    withdrawn_volume,
)
from .network import Network
from .periods import OBSERVED_RESOLUTIONS, Period, period_bounds
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
    state: str | None = None  # new | continuing | escalated | de-escalated | ended (methods.alert_state)
    raw_level: str | None = None  # the level from the thresholds alone in this period
    indicator_value: float | None = None  # what the thresholds are compared with, when not ``value``
    indicator_unit: str | None = None
    notes: list = field(default_factory=list)
    # schedule indicators: {planned, unit, cumulative_deviation [%], since (first period of the season)}
    schedule: dict | None = None
    # withdrawal_limit indicators: {season, since, season_end, projection, unit (Mm3), limit, limit_as_agreed,
    # used, used_pct, rate [m3/s], projected, projected_pct} (evaluate.withdrawal_to_date)
    withdrawal: dict | None = None
    # a no_data finding whose indicator stood at watch or above in its last period with data:
    # {level, period}, so that a level in force does not vanish with the data
    level_in_force: dict | None = None

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
    """Dekad or month series of one station and variable, with coverage, from every finer resolution.

    Pentad and dekad values are spread over the days of their period, and the days are
    aggregated to ``resolution`` with the variable's rule (``aggregate`` in
    ``indicators/variables.yml``, see :func:`~bulletin.climatology.aggregate`): a month of
    dekads is their day-weighted mean (February 2024: (10 a + 10 b + 9 c) / 29), its ``last``
    the value of the last dekad present, its ``max`` the largest; a ``sum`` is shared equally
    among the days of its period. Each day takes its value from the finest resolution that has
    one (day, then pentad, then dekad), so finer data win where they exist and coarser data fill
    the rest. Values given at ``resolution`` itself come last and are taken as they are where no
    finer value touches their period. Coarser values (months for a dekad series) are not used.
    Coverage is the share of the period's days covered by present values.

    Parameters
    ----------
    resolution : {'dekad', 'month'}

    Returns
    -------
    pandas.DataFrame
        year, period_of_year, value [canonical unit], n_days (days covered), days (days in the
        period), coverage [0-1]; one row per period from the first to the last touched.
    """
    how = load_variables()[variable].aggregate
    target = OBSERVED_RESOLUTIONS.index(resolution)
    present = obs.resolutions(station, variable)
    finer = None
    for res in (r for r in present if OBSERVED_RESOLUTIONS.index(r) < target):
        s = obs.series(station, variable, res).dropna()
        days = s.groupby(level=0).first() if res == "day" else _spread_over_days(s, res, how)
        finer = days if finer is None else finer.combine_first(days)
    given = obs.series(station, variable, resolution) if resolution in present else None
    if finer is None:
        if given is None:
            return aggregate(pd.Series([], index=pd.DatetimeIndex([]), dtype=float), resolution, how)
        return _as_given(given, resolution)
    from_finer = aggregate(finer, resolution, how)
    if given is None:
        return from_finer
    merged = aggregate(finer.combine_first(_spread_over_days(given.dropna(), resolution, how)), resolution, how)
    as_given = _as_given(given, resolution)
    key = ["year", "period_of_year"]
    touched = from_finer.loc[from_finer["n_days"] > 0, key]
    untouched = as_given.merge(touched, on=key, how="left", indicator=True)["_merge"].eq("left_only").to_numpy()
    exact = as_given[untouched & as_given["value"].notna().to_numpy()]
    out = pd.concat([exact, merged], ignore_index=True).drop_duplicates(key, keep="first")
    return out.sort_values(key, ignore_index=True)


def _as_given(s: pd.Series, resolution: str) -> pd.DataFrame:
    """Values supplied at the resolution asked: each fully covers its period when present."""
    periods = [Period.containing(resolution, d.date()) for d in s.index]
    days = np.array([p.days for p in periods], dtype=np.int64)
    present = s.notna().to_numpy()
    return pd.DataFrame({
        "year": pd.Series([p.start.year for p in periods], dtype=np.int64),
        "period_of_year": pd.Series([p.period_of_year for p in periods], dtype=np.int64),
        "value": s.to_numpy(dtype=float), "n_days": np.where(present, days, 0), "days": days,
        "coverage": present.astype(float),
    })


def _spread_over_days(s: pd.Series, resolution: str, how: str) -> pd.Series:
    """Pentad or dekad values as daily values over the days of their period (a sum shared equally)."""
    s = s.dropna()
    first, last = period_bounds(resolution, pd.DatetimeIndex(s.index))
    days = ((last - first).days + 1).to_numpy()
    offsets = np.arange(days.sum()) - np.repeat(np.cumsum(days) - days, days)
    index = pd.DatetimeIndex(np.repeat(first.to_numpy(), days)) + pd.to_timedelta(offsets, unit="D")
    values = s.to_numpy(dtype=float) / (days if how == "sum" else 1)
    return pd.Series(np.repeat(values, days), index=index).groupby(level=0).first()


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

    def series_climatology(self, station: str, variable: str, resolution: str) -> pd.DataFrame:
        """Climatology of one station and variable, indicator or not (shared with :meth:`climatology_of`)."""
        key = (station, variable, None, resolution)
        if key not in self._clim:
            self._clim[key] = climatology(self.aggregated(station, variable, resolution), resolution, self.settings)
        return self._clim[key]


def _value_at(agg: pd.DataFrame, period: Period, min_coverage: float) -> tuple[float, float]:
    """(value or NaN, coverage) of ``period`` in an aggregated series."""
    row = agg[(agg["year"] == period.start.year) & (agg["period_of_year"] == period.period_of_year)]
    if row.empty:
        return float("nan"), 0.0
    usable = apply_coverage(row, min_coverage)
    return float(usable["value"].iloc[0]), float(row["coverage"].iloc[0])


LOOKBACK_PERIODS = 12
"""Periods (dekads or months) before the bulletin period whose raw levels set its state.

:func:`~bulletin.methods.alert_state` needs only the last ``deescalation_periods + 1``
periods with data; twelve leave room for gaps (``no_data`` periods are passed over)."""


@dataclass(frozen=True)
class _Assessment:
    """An indicator in one period, from its thresholds alone."""

    value: float  # [canonical unit of the variable], NaN when missing
    coverage: float
    status: dict  # climatology.status_of
    level: str  # raw level
    indicator_value: float | None
    indicator_unit: str | None
    notes: list
    thresholds: tuple = ()  # applied_thresholds of the period
    withdrawal: dict | None = None  # withdrawal_limit indicators: see withdrawal_to_date


def _assess(ind: Indicator, period: Period, store: SeriesStore, qc: QCReport, network: Network,
            min_cov: float) -> _Assessment:
    """Value and raw level of ``ind`` in ``period`` (the same computation for every period)."""
    resolution = period.kind
    agg = store.base(ind, resolution)
    clim = store.climatology_of(ind, resolution)
    value, coverage = _value_at(agg, period, min_cov)
    status = status_of(value, clim.loc[period.period_of_year])
    canonical = store.variables[ind.variable].unit
    absolute = ind.method in ("threshold", "difference") or (ind.method == "change" and ind.unit != "%")
    f = conversion_factor(canonical, ind.unit) if absolute else 1.0
    applied = applied_thresholds(ind, period, store, network)
    limits = {t["level"]: t["value"] for t in applied}
    indicator_value = indicator_unit = withdrawal = None
    notes = _qc_notes(qc, ind, period)
    if ind.method in ("threshold", "difference"):
        level = threshold_level(value * f, limits, ind.operator)
    elif ind.method == "percent_of_norm":
        pct = percent_of_norm(value, status["norm"])
        level = threshold_level(pct, limits, ind.operator)
        indicator_value, indicator_unit = _clean(pct), "%"
    elif ind.method == "reservoir_fill":
        st = network[ind.station]
        fill = fill_percent_of_useful(value, st.dead_volume.value, st.total_volume.value)
        level = threshold_level(fill, limits, ind.operator)
        indicator_value, indicator_unit = _clean(fill), "%"
    elif ind.method == "schedule":
        deviation = schedule_deviation(value, ind.planned_for(period))
        level = threshold_level(deviation, limits, ind.operator)
        indicator_value, indicator_unit = _clean(deviation), "%"
    elif ind.method in ("days_of_release_left", "margin_above_dead"):
        st = network[ind.station]
        if ind.method == "margin_above_dead":
            indicator_value = _clean(margin_above_dead(value, st.dead_volume.value) * conversion_factor("Mm3", ind.unit))
            indicator_unit = ind.unit
            level = threshold_level(indicator_value, limits, ind.operator)
        else:
            release, inflow = (_value_at(store.aggregated(ind.station, v, resolution), period, min_cov)[0]
                               for v in ("release", "inflow"))
            days = days_of_release_left(value, st.dead_volume.value, release, inflow)
            indicator_unit = "d"
            if math.isinf(days):  # inflow at or above the release: the reservoir is not drawn down
                level, indicator_value = "normal", None
                notes.append("not_drawn_down")
            else:
                level, indicator_value = threshold_level(days, limits, ind.operator), _clean(days)
                if math.isnan(days) and not math.isnan(value):
                    level = NO_DATA
                    notes.append("no_flows")
    elif ind.method == "change":
        earlier = period.previous() if ind.against == "previous" else period.same_period_last_year()
        reference, _ = _value_at(agg, earlier, min_cov)
        delta = change(value * f, reference * f, relative=ind.unit == "%")
        level = threshold_level(delta, limits, ind.operator)
        indicator_value, indicator_unit = _clean(delta), ind.unit
        if math.isnan(reference) and not math.isnan(value):
            level = NO_DATA
            notes.append("no_earlier_value")
    elif ind.method == "withdrawal_limit":
        withdrawal = withdrawal_to_date(ind, period, agg, network, min_cov, clim)
        level = threshold_level(withdrawal["projected_pct"], limits, ind.operator)
        indicator_value, indicator_unit = _clean(withdrawal["projected_pct"]), "%"
        if withdrawal["limit"] is None:
            level = NO_DATA
            notes.append("no_limit")
        elif math.isnan(withdrawal["used"]) and not math.isnan(value):
            level = NO_DATA
            notes.append("season_incomplete")
    else:  # status_category
        level = category_level(status["category"], ind.level_map)
    if ind.method == "schedule" and ind.planned_for(period) is None:
        level = NO_DATA
        notes.append("no_plan")
    if any(math.isnan(v) for v in limits.values()):
        # a relative threshold without its norm or reference distribution: no_data, never normal
        level = NO_DATA
        notes.append("no_reference")
    if math.isnan(value) or "completeness" in notes:
        level = NO_DATA
        if math.isnan(value):
            notes.insert(0, "coverage" if coverage > 0 else "missing")
    return _Assessment(value, coverage, status, level, indicator_value, indicator_unit, notes, tuple(applied),
                       withdrawal)


def applied_thresholds(ind: Indicator, period: Period, store: SeriesStore, network: Network) -> list[dict]:
    """The thresholds of ``ind`` that apply in ``period``, as the results JSON gives them.

    Each is ``{level, operator, value, unit}`` with ``value`` in the unit the indicator value
    is compared in (the indicator's unit; % for percent_of_norm and reservoir_fill). A
    relative threshold (``relative_to: norm`` or ``percentile``) is converted with the norm
    or the Weibull quantile (:func:`~bulletin.climatology.weibull_quantile`) of the period's
    reference distribution, and keeps its catalogue value in ``relative_value`` with
    ``relative_to``; the value is NaN when that norm or distribution is missing (fewer than
    ``min_years`` years). A threshold that varies carries ``applies_to``: the season (gs,
    ngs) or the period of the year (dekad 1-36, month 1-12) whose row applied.
    """
    thresholds = ind.thresholds_for(period, network)
    applies_to = None
    if ind.threshold_by == "season":
        applies_to = "gs" if network.seasons.in_growing_season(period.start.month) else "ngs"
    elif ind.threshold_by is not None:
        applies_to = f"{ind.threshold_by} {Period.containing(ind.threshold_by, period.end).period_of_year}"
    reference = None
    if ind.relative_to is not None:
        row = store.climatology_of(ind, period.kind).loc[period.period_of_year]
        f = conversion_factor(store.variables[ind.variable].unit, ind.unit)
        if ind.relative_to == "norm":
            reference = lambda t: row["mean"] * f * t.value / 100.0  # noqa: E731
        else:
            reference = lambda t: (weibull_quantile(row["_values"], t.value / 100.0)  # noqa: E731
                                   if len(row["_values"]) else float("nan")) * f
    out = []
    for t in thresholds:
        item = {"level": t.level, "operator": t.operator, "value": t.value, "unit": t.unit}
        if reference is not None:
            item.update(value=float(reference(t)), unit=ind.unit, relative_to=ind.relative_to,
                        relative_value=t.value)
        if applies_to is not None:
            item["applies_to"] = applies_to
        out.append(item)
    return out


def history_periods(ind: Indicator, period: Period, network: Network,
                    lookback: int = LOOKBACK_PERIODS) -> list[Period]:
    """The periods whose raw levels set the state of ``ind`` in ``period``, oldest first.

    Up to ``lookback`` periods before ``period``, and ``period`` itself last. A seasonal
    indicator restarts at the start of its season: the periods before it are those of the
    same season, back to its first period; an indicator starts afresh at its ``valid_from``, and
    a withdrawal_limit indicator at the start of each season (a new season has a new limit).
    """
    out = [period]
    p = period.previous()
    same_season = (lambda q: network.seasons.in_growing_season(q.start.month)  # noqa: E731
                   == network.seasons.in_growing_season(period.start.month))
    while (len(out) <= lookback and ind.applies_in_month(p.start.month, network) and ind.valid_on(p.end)
           and (ind.method != "withdrawal_limit" or same_season(p))):
        out.append(p)
        p = p.previous()
    return out[::-1]


def evaluate(catalogue: Catalogue, network: Network, obs: Observations, qc: QCReport, period: Period,
             store: SeriesStore | None = None, lookback: int = LOOKBACK_PERIODS) -> list[Finding]:
    """Evaluate every indicator whose season and validity include ``period``; catalogue order.

    An indicator is valid in a period when the period's last day lies within its
    ``valid_from`` - ``valid_to`` (both inclusive; see :func:`not_evaluated_reason`).

    ``level`` is the effective level and ``state`` the alert state of
    :func:`~bulletin.methods.alert_state`, from the raw levels of up to ``lookback`` earlier
    periods of the same data (see :func:`history_periods`); ``raw_level`` is the period's own.
    """
    store = store or SeriesStore(obs, catalogue)
    resolution = period.kind
    min_cov = catalogue.settings.coverage_for(resolution)
    variables = load_variables()
    findings = []
    for ind in catalogue.indicators:
        if not_evaluated_reason(ind, period, network) is not None:
            continue
        agg = store.base(ind, resolution)
        now = _assess(ind, period, store, qc, network, min_cov)
        before = history_periods(ind, period, network, lookback)[:-1]
        earlier = [_assess(ind, p, store, qc, network, min_cov).level for p in before]
        level, state = alert_state([*earlier, now.level], catalogue.deescalation_for(ind))
        in_force = _level_in_force(before, earlier, catalogue.deescalation_for(ind)) if level == NO_DATA else None
        value, coverage, status = now.value, now.coverage, now.status
        last_year, _ = _value_at(agg, period.same_period_last_year(), min_cov)
        previous, _ = _value_at(agg, period.previous(), min_cov)
        canonical = variables[ind.variable].unit
        display_unit = ind.value_unit(canonical)
        f = conversion_factor(canonical, display_unit)
        thresholds_json = [_clean_threshold(t) for t in now.thresholds]
        if ind.method == "status_category":
            thresholds_json = [{"level": lev, "category": cat} for cat, lev in ind.levels]
        findings.append(Finding(
            indicator=ind.id, station=ind.station, variable=ind.variable if ind.method != "difference"
            else f"{ind.variable}-{ind.minus}", period=period.label, value=_clean(value * f), unit=display_unit,
            level=level, thresholds=thresholds_json, norm=_clean(status["norm"] * f),
            pct_of_norm=_clean(status["pct_of_norm"]), percentile=_clean(status["percentile"]),
            category=status["category"], last_year=_clean(last_year * f), previous_period=_clean(previous * f),
            coverage=round(coverage, 4), qc_flags=_flags(qc, ind, period), rule=ind.rule.as_json(),
            state=state, raw_level=now.level, indicator_value=now.indicator_value,
            indicator_unit=now.indicator_unit, notes=now.notes,
            schedule=_schedule_to_date(ind, period, agg, network, min_cov, f) if ind.method == "schedule" else None,
            withdrawal=_withdrawal_json(now.withdrawal), level_in_force=in_force,
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


def season_periods(period: Period, network: Network) -> list[Period]:
    """The periods of the season (growing or non-growing) of ``period``, from its first to ``period``."""
    in_gs = network.seasons.in_growing_season(period.start.month)
    out = [period]
    p = period.previous()
    while network.seasons.in_growing_season(p.start.month) == in_gs and len(out) < 36:
        out.append(p)
        p = p.previous()
    return out[::-1]


def _schedule_to_date(ind: Indicator, period: Period, agg: pd.DataFrame, network: Network, min_cov: float,
                      factor: float) -> dict:
    """Planned value of the period and deviation of the volume since the season started [% of the plan]."""
    periods = season_periods(period, network)
    actual = [_value_at(agg, p, min_cov)[0] for p in periods]
    planned = [ind.planned_for(p) for p in periods]
    planned_now = ind.planned_for(period)
    return {"planned": _clean(None if planned_now is None else planned_now * factor),
            "cumulative_deviation": _clean(cumulative_schedule_deviation(actual, planned, [p.days for p in periods])),
            "since": periods[0].label}


def withdrawal_to_date(ind: Indicator, period: Period, agg: pd.DataFrame, network: Network, min_cov: float,
                       clim: pd.DataFrame | None = None) -> dict:
    """Withdrawal of the season to the end of ``period`` against the season's limit.

    The season is the growing (April-September) or non-growing season that contains
    ``period``; ``used`` [Mm3] is the sum of the mean intake flow of each period since the
    season started times its days times 0.0864 (:func:`~bulletin.methods.withdrawn_volume`,
    NaN when a period lacks data), and ``rate`` [m3/s] the mean flow of ``period`` itself.
    ``projected`` [Mm3] is the use at the end of the season: with ``projection: rate`` (the
    default) if that rate goes on (:func:`~bulletin.methods.projected_use`); with
    ``projection: pace`` if the season keeps its pace against the norms of its periods in
    ``clim`` (:func:`~bulletin.methods.projected_use_at_pace`). Shares are % of the limit;
    ``limit`` is None when the catalogue gives no limit for the season.
    """
    kind = "gs" if network.seasons.in_growing_season(period.start.month) else "ngs"
    season = Period.containing(kind, period.start, network.seasons)
    periods = season_periods(period, network)
    flows = [_value_at(agg, p, min_cov)[0] for p in periods]
    used = withdrawn_volume(flows, [p.days for p in periods])
    rate = flows[-1]
    days_left = (season.end - period.end).days
    if ind.projection == "pace":
        whole = [periods[0]]
        while whole[-1].end < season.end:
            whole.append(whole[-1].shift(1))
        norms = [float(clim.loc[p.period_of_year, "mean"]) if clim is not None else float("nan") for p in whole]
        days = [p.days for p in whole]
        projected = projected_use_at_pace(used, withdrawn_volume(norms[:len(periods)], days[:len(periods)]),
                                          withdrawn_volume(norms, days))
    else:
        projected = projected_use(used, rate, days_left)
    limit = ind.limit_for(season.label)
    mm3 = None if limit is None else limit.value
    return {"season": season.label, "since": periods[0].label, "season_end": season.end.isoformat(),
            "days_left": days_left, "projection": ind.projection, "limit": mm3,
            "limit_as_agreed": None if limit is None else {"value": limit.given, "unit": limit.unit}, "used": used,
            "rate": rate, "used_pct": limit_share(used, mm3), "projected": projected,
            "projected_pct": limit_share(projected, mm3)}


def _withdrawal_json(w: dict | None) -> dict | None:
    """The withdrawal block of a finding: volumes in Mm3, shares in % of the limit, NaN as null."""
    if w is None:
        return None
    return {"season": w["season"], "since": w["since"], "season_end": w["season_end"], "projection": w["projection"],
            "unit": "Mm3",
            "limit": w["limit"], "limit_as_agreed": w["limit_as_agreed"], "used": _clean(w["used"]),
            "used_pct": _clean(w["used_pct"]), "rate": _clean(w["rate"]), "projected": _clean(w["projected"]),
            "projected_pct": _clean(w["projected_pct"])}


def _clean_threshold(t: dict) -> dict:
    return {k: (_clean(v) if k == "value" else v) for k, v in t.items()}


def not_evaluated_reason(ind: Indicator, period: Period, network: Network) -> str | None:
    """Why ``ind`` is not evaluated in ``period``: ``validity`` (the period's last day is outside
    valid_from - valid_to), ``season`` (the period is outside its season), or None (evaluated)."""
    if not ind.valid_on(period.end):
        return "validity"
    if not ind.applies_in_month(period.start.month, network):
        return "season"
    return None


def _inputs(ind: Indicator) -> tuple[str, ...]:
    """The variables an indicator reads at its station."""
    return (ind.variable, ind.minus) if ind.minus else (ind.variable,)


def _flags(qc: QCReport, ind: Indicator, period: Period) -> list[str]:
    """Names of the checks that flagged any input value of the period."""
    names = set()
    for variable in _inputs(ind):
        names |= set(qc.for_period(ind.station, variable, period.start, period.end))
    return sorted(names)


def _qc_notes(qc: QCReport, ind: Indicator, period: Period) -> list[str]:
    """What QC did to a finding: ``qc_errors`` (values flagged as errors were left out of the
    period) and ``completeness`` (the completeness rule flags the period: the finding is
    ``no_data``)."""
    notes = []
    if any(qc.errors_in(ind.station, v, period.start, period.end) for v in _inputs(ind)):
        notes.append("qc_errors")
    if any(qc.incomplete(ind.station, v, period) for v in _inputs(ind)):
        notes.append("completeness")
    return notes
