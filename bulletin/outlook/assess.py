"""The outlook: every trace assessed with the catalogue's own methods, summarised per indicator and lead.

An indicator is assessed in a coming dekad exactly as :func:`bulletin.evaluate.assess_period`
assesses an observed one, with arrays: its method's ``assess`` is given the traces of the
indicator's series (:class:`~bulletin.outlook.store.TraceStore` answers what else it asks of
the data), its thresholds turn the compared values into levels, and the notes' effects apply
(``normal``, then ``no_data``). Quality control does not apply to simulated values. The alert
state (hysteresis) is not applied: the outlook gives the raw level of each trace.

The probabilities of a row are shares of the traces *used*: the years whose traces of every
simulated series the indicator reads have a value in every dekad simulated
(:meth:`~bulletin.outlook.store.TraceStore.complete`), so that a gap in a record takes its year
out of the indicator's rows instead of counting it as ``no_data``; ``n_traces`` gives their
number. When no year is complete, a row uses the traces that have a level at its lead, and it is
``no_data`` only when none has (``n_traces`` 0).
"""

from __future__ import annotations

import warnings

import numpy as np

from ..catalogue import Catalogue, Indicator
from ..climatology import CATEGORY_OR_NO_DATA, category_codes, climate_row, plotting_positions
from ..evaluate import applied_thresholds, level_ranks
from ..methods import LEVELS, Inputs, level_of_rank
from ..network import Network
from ..periods import Period, season_of
from ..units import conversion_factor, load_variables
from .esp import dekad_index, trace_years
from .model import IndicatorOutlook, Lead, Outlook, OutlookRow
from .store import FLOW_VARIABLES, NotSimulated, TraceStore

NEAR_LEADS = (1, 2, 3)
SEASON_END = "season_end"
NOT_IN_SEASON = "outside its season or validity in every dekad of the outlook"


def outlook_leads(issue: Period, seasons) -> tuple[Lead, ...]:
    """The leads reported: the next 1, 2 and 3 dekads (``d+1`` ...) and the last dekad of the season.

    The season is the growing or non-growing season of the first dekad after ``issue`` (an
    outlook issued in the season's last dekad looks to the end of the next one).
    """
    first = issue.shift(1)
    end = Period.containing("dekad", season_of(first, seasons).end)
    last = dekad_index(end) - dekad_index(issue)
    leads = [Lead(f"d+{k}", k, issue.shift(k).label) for k in NEAR_LEADS]
    return (*leads, Lead(SEASON_END, last, end.label))


def categories(values: np.ndarray, clim_row) -> np.ndarray:
    """HydroSOS category of each value, as a finding's (:func:`bulletin.climatology.category_codes`)."""
    v = np.asarray(values, dtype=float)

    def percentiles(tied: np.ndarray) -> np.ndarray:  # only for values where edges meet: rare
        unique, position = plotting_positions(clim_row["_values"])
        return 100.0 * np.interp(tied, unique, position) if unique.size else np.full(tied.shape, np.nan)

    codes = category_codes(v, [clim_row[f"edge{i}"] for i in range(1, 5)], percentiles, clim_row["_edge_percents"])
    return CATEGORY_OR_NO_DATA[codes.reshape(-1)].reshape(v.shape)  # an array even for one value


def assess_traces(ind: Indicator, period: Period, data: TraceStore, network: Network,
                  compared: dict | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(level ranks, values [canonical unit]) of every trace of ``ind`` in ``period``; raises NotSimulated.

    When the method compares another value than the series' with the thresholds (and shows it,
    :attr:`~bulletin.methods.registry.Assessment.shown_unit`), ``compared[period]`` is set to
    (that value per trace, its unit).
    """
    value = np.asarray(data.at(ind.station, ind.series, period), dtype=float)
    store = data.store
    clim = store.climatology(ind.station, ind.series, period.kind)
    poy = period.period_of_year
    canonical = load_variables()[ind.variable].unit
    inputs = Inputs(value, canonical, clim, poy, categories(value, climate_row(clim, poy)), data, network)
    result = ind.method.assess(ind, period, inputs)
    ranks = level_ranks(ind, result, applied_thresholds(ind, period, store, network.seasons), value)
    if compared is not None and result.shown_unit is not None and result.compared is not None:
        compared[period] = (np.broadcast_to(np.asarray(result.compared, dtype=float), value.shape), result.shown_unit)
    return ranks, value


def _percentiles(values: np.ndarray) -> tuple:
    """(p10, median, p90) of the finite values; Nones when there is none."""
    return percentiles_of([values])[0]


def percentiles_of(arrays) -> list[tuple]:
    """:func:`_percentiles` of each of ``arrays``, those with as many finite values computed together.

    ``numpy.percentile`` along the rows of a stack gives each row what it gives the row alone
    (the same order statistics, interpolated by the same formula), in one call instead of one per array.
    """
    finite = [a[np.isfinite(a)] for a in arrays]
    out: list[tuple] = [(None, None, None)] * len(finite)
    by_size: dict[int, list[int]] = {}
    for i, f in enumerate(finite):
        if f.size:
            by_size.setdefault(f.size, []).append(i)
    for at in by_size.values():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            table = np.percentile(np.vstack([finite[i] for i in at]), [10, 50, 90], axis=1)
        for j, i in enumerate(at):
            out[i] = tuple(float(x) for x in table[:, j])
    return out


def _row(ind: Indicator, lead: Lead, ranks: np.ndarray, values: np.ndarray, unit: str,
         used: np.ndarray | None = None, compared: tuple | None = None, spread: tuple | None = None) -> OutlookRow:
    """The row of one lead: shares of the ``used`` traces (all by default) at each level, and their spread.

    ``compared``: (compared value per trace, its unit), when the method shows it (:func:`assess_traces`).
    ``spread``: the :func:`_percentiles` of the used values and of their compared values (None
    without ``compared``), when they are computed already (:func:`_rows`).
    """
    if spread is None:
        spread = (_percentiles(values if used is None else values[used]),
                  None if compared is None else _percentiles(compared[0] if used is None else compared[0][used]))
    if compared is not None:
        compared = (compared[1], *spread[1])
    if used is not None:
        ranks, values = ranks[used], values[used]
    n = len(ranks)
    if n == 0:
        probabilities = {lev: 0.0 for lev in LEVELS} | {level_of_rank(-1): 1.0}
        return OutlookRow(ind.id, lead.label, lead.lead, lead.period, probabilities, None, None, None, unit, 0)
    probabilities = {lev: float(np.sum(ranks == k)) / n for k, lev in enumerate(LEVELS)}
    missing = float(np.sum(ranks < 0)) / n
    if missing > 0:
        probabilities[level_of_rank(-1)] = missing
    p10, median, p90 = spread[0]
    return OutlookRow(ind.id, lead.label, lead.lead, lead.period, probabilities, median, p10, p90, unit, n, compared)


def _rows(ind: Indicator, leads: tuple[Lead, ...], assessed: dict, factor: float, unit: str, used: dict,
          compared: dict, periods: tuple) -> tuple[OutlookRow, ...]:
    """The :func:`_row` of each lead assessed, their spreads computed together (:func:`percentiles_of`).

    ``assessed`` and ``used`` are by lead, ``compared`` by period (:func:`assess_outlook`); the
    values are multiplied by ``factor``.
    """
    leads = tuple(lead for lead in leads if lead.lead in assessed)
    values = [assessed[lead.lead][1] * factor for lead in leads]
    shown = [compared.get(periods[lead.lead - 1]) for lead in leads]
    spreads = iter(percentiles_of([v[used[lead.lead]] for v, lead in zip(values, leads, strict=True)]
                                  + [c[0][used[lead.lead]] for c, lead in zip(shown, leads, strict=True)
                                     if c is not None]))
    of_values = [next(spreads) for _ in leads]
    return tuple(_row(ind, lead, assessed[lead.lead][0], v, unit, used[lead.lead], c,
                      (spread, None if c is None else next(spreads)))
                 for lead, v, c, spread in zip(leads, values, shown, of_values, strict=True))


def used_traces(complete: np.ndarray, ranks: np.ndarray) -> np.ndarray:
    """The traces a row uses: the complete ones, else (none complete) those with a level (module docstring)."""
    return complete if complete.any() else ranks >= 0


def reached_levels(assessed: dict, complete: np.ndarray | None = None) -> tuple:
    """((level, share), ...) for watch, warning, alert: the share of traces at that level or above in any dekad.

    ``assessed`` maps each lead to (level ranks of the traces, values). The shares are over the
    complete traces (``complete``, as the rows use them); when none is complete, over the traces
    with a level in at least one dekad. A trace without a level in a dekad (rank -1) reaches no
    level there.
    """
    highest = np.max(np.vstack([ranks for ranks, _ in assessed.values()]), axis=0)
    used = complete if complete is not None and complete.any() else highest >= 0
    if not used.any():
        return tuple((lev, 0.0) for lev in LEVELS[1:])
    return tuple((lev, float(np.mean(highest[used] >= k))) for k, lev in enumerate(LEVELS) if k >= 1)


def trajectory(ind: Indicator, data: TraceStore, factor: float, complete: np.ndarray | None = None) -> tuple:
    """((period, p10, median, p90), ...) of the value of ``ind`` over the traces, every dekad simulated.

    [the unit of the indicator's value, ``factor`` times the canonical unit]; over the complete
    traces when any is complete, else over every trace with a value in that dekad.
    """
    series = []
    for period in data.periods:
        values = np.asarray(data.at(ind.station, ind.series, period), dtype=float) * factor
        if complete is not None and complete.any():
            values = values[complete]
        series.append(values)
    return tuple((period.label, *spread) for period, spread in zip(data.periods, percentiles_of(series), strict=True))


def trace_store(catalogue: Catalogue, network: Network, store, issue: Period, n_leads: int,
                excluded: int | None = None, changes: tuple = ()) -> TraceStore:
    """The data of an outlook issued after ``issue``: observations, and traces of ``n_leads`` dekads.

    The traces come from every hydrological year of the record (the span of the observations)
    but ``excluded``, by default the hydrological year of ``issue``; ``changes`` are a
    scenario's (:class:`~bulletin.outlook.changes.TraceChange`).
    """
    if issue.kind != "dekad":
        raise ValueError(f"the outlook is issued after a dekad, not a {issue.kind}")
    seasons = network.seasons
    if excluded is None:
        excluded = seasons.hydrological_year_of(issue.start)
    dates = store.obs.frame["date"][store.obs.frame["value"].notna()]
    years = (trace_years(dates.min().date(), dates.max().date(), issue, n_leads, excluded, seasons)
             if len(dates) else ())
    return TraceStore(store, network, catalogue, issue, n_leads, years, excluded, changes)


def outlook(catalogue: Catalogue, network: Network, store, issue: Period, excluded: int | None = None,
            changes: tuple = ()) -> Outlook:
    """The probabilistic outlook of every indicator after the issue dekad ``issue``.

    Parameters
    ----------
    catalogue, network
        The indicators and the basin.
    store : bulletin.series.SeriesStore
        The observations (the record the traces come from, and today's state).
    issue : Period
        The dekad just ended (in a hindcast, the dekad the forecast is issued after).
    excluded : int, optional
        The hydrological year kept out of the traces, of ``rho`` and of the recent releases;
        by default the hydrological year of ``issue``, the year forecast.
    changes : tuple of TraceChange, optional
        A scenario's changes of the inputs (:mod:`bulletin.outlook.scenario`).

    Every dekad up to the end of the season is simulated and assessed (the first crossing is
    sought in all of them); rows are given for the leads of :func:`outlook_leads`.
    """
    leads = outlook_leads(issue, network.seasons)
    data = trace_store(catalogue, network, store, issue, max(lead.lead for lead in leads), excluded, changes)
    return assess_outlook(catalogue, network, data, leads)


def assess_outlook(catalogue: Catalogue, network: Network, data: TraceStore, leads: tuple[Lead, ...]) -> Outlook:
    """Every indicator of ``catalogue`` assessed on the traces of ``data``, in rows for ``leads``."""
    seasons = network.seasons
    issue, years, excluded = data.issue, data.years, data.excluded
    variables = load_variables()
    out, left_out = [], []
    for ind in catalogue.indicators:
        canonical = variables[ind.variable].unit
        unit = ind.value_unit(canonical)
        factor = conversion_factor(canonical, unit)
        assessed: dict[int, tuple] = {}
        compared: dict = {}
        try:
            with data.reading() as read:
                for k, period in enumerate(data.periods, start=1):
                    if ind.not_evaluated_reason(period, seasons) is None:
                        assessed[k] = assess_traces(ind, period, data, network, compared)
        except NotSimulated as exc:
            left_out.append((ind.id, str(exc)))
            continue
        if not assessed or not years:
            left_out.append((ind.id, NOT_IN_SEASON if years else "no year of the record gives a trace"))
            continue
        unstarted = [f"{variable} at {station}" for station, variable in sorted(read)
                     if variable in FLOW_VARIABLES and not data.observed_at_issue(station, variable)]
        if unstarted:  # the traces would be the record's climatology, not an outlook from today's state
            left_out.append((ind.id, f"no {', '.join(unstarted)} observed in {issue.label}, the state the traces "
                                     "start from"))
            continue
        complete = data.complete(read)
        used = {k: used_traces(complete, ranks) for k, (ranks, _) in assessed.items()}
        if not any(u.any() for u in used.values()):
            left_out.append((ind.id, "no year of its record gives a trace with a level"))
            continue
        crossing = next((k for k, (ranks, _) in sorted(assessed.items())
                         if used[k].any() and np.mean(ranks[used[k]] >= 1) >= 0.5), None)
        rows = _rows(ind, leads, assessed, factor, unit, used, compared, data.periods)
        out.append(IndicatorOutlook(ind.id, ind.station, "-".join(ind.series), unit, crossing,
                                    None if crossing is None else issue.shift(crossing).label, rows,
                                    reached_levels(assessed, complete), trajectory(ind, data, factor, complete)))
    return Outlook(issue.label, leads, tuple(out), tuple(years), excluded, tuple(left_out), data.rhos())
