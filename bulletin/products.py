"""The numbers the bulletin shows beside its findings, computed once from the period series.

- :class:`Hydrograph`: a key series over the hydrological year of the bulletin period, with
  last year, the norm, the 10th to 90th percentile band and the thresholds that applied;
- :class:`ReservoirState`: each reservoir's volume at the end of the period on the scale of
  its dead and total volume, with the norm, last year and the thresholds on the volume;
- :class:`CategoryHistory`: the HydroSOS category of the key series and every gauge's
  discharge in the last periods;
- the coverage of every series the quality section speaks of;
- :class:`ArchiveNorm`: the norm an archive publishes for a finding's series and period, with the
  years each norm is the mean of;
- :class:`Fan`: the outlook of a reservoir's volume or a key series drawn over its recent past.

Reservoir volumes are in the network's display unit (``network.display.volume_unit``).

The document (:mod:`bulletin.document`) words these; nothing here is in any language, and
nothing in the document reaches back into the data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .catalogue import Catalogue, Indicator
from .climatology import ClimateSettings, apply_coverage, climate_row, climate_value, status_of
from .evaluate import Finding, applied_thresholds
from .ingest import Observations
from .methods import LEVELS, fill_percent_of_useful, level_rank
from .methods.registry import clean
from .network import Network
from .periods import Period, hydrological_year
from .qc import QCReport
from .series import SeriesStore, period_series
from .units import conversion_factor, load_variables, unit_dimension

STRIP_PERIODS = 12
"""Periods of the category history, ending with the bulletin period."""
VARIABLE_ORDER = ("volume", "level", "inflow", "release", "discharge", "stage", "withdrawal")
"""Order of a station's series in the category history."""


@dataclass(frozen=True)
class Hydrograph:
    """A key series over the hydrological year of the bulletin period [``unit``]; None where missing."""

    indicator: str
    station: str
    variable: str
    unit: str
    periods: tuple  # Period per dekad (or month) of the hydrological year
    current: tuple  # this year, up to the bulletin period
    last_year: tuple
    norm: tuple
    p10: tuple
    p90: tuple
    thresholds: tuple  # ((level, values per period), ...) where the indicator applied
    period_index: int  # position of the bulletin period


@dataclass(frozen=True)
class ReservoirState:
    """A reservoir at the end of the period [the network's volume unit]; None where not known."""

    station: str
    volume: float | None
    last_year: float | None
    norm: float | None  # mean volume of the same period over the reference period
    floor: float  # the dead volume, 0 when none is published
    capacity: float | None  # the total volume
    dead_known: bool
    fill: float | None  # % of the useful volume
    thresholds: tuple  # ((level, value), ...) of the indicators on the volume, by value


@dataclass(frozen=True)
class CategoryHistory:
    """HydroSOS categories of some series, period by period."""

    periods: tuple  # Period, oldest first; the last is the bulletin period
    rows: tuple  # ((station, variable, (category per period, ...)), ...) in network order


@dataclass(frozen=True)
class ArchiveNorm:
    """The norm an archive publishes for a finding's series and period [``unit``, the finding's], beside the computed one.

    Years are (first, last, years with data of the period). ``reference``: those of the computed
    norm, the catalogue's reference period (the whole record when it is ``full``). ``span``: the
    one span of years whose mean in the data equals the archive's norms of the series, for every
    period of the year the archive gives; None when none or several do (the archive does not say).
    """

    indicator: str
    station: str
    variable: str
    unit: str
    value: float
    reference: tuple | None
    span: tuple | None
    whole_record: bool  # ``span`` runs from the first to the last year of the series in the data


@dataclass(frozen=True)
class Products:
    """Everything the document shows beside the findings."""

    hydrographs: tuple  # Hydrograph per key series, catalogue order
    reservoirs: tuple  # ReservoirState per reservoir with volume data, network order
    categories: CategoryHistory
    coverage: dict  # (station, variable) -> coverage [0-1] of the bulletin period
    archive_norms: dict = field(default_factory=dict)  # indicator id -> ArchiveNorm, where the archive has one


def compute_products(catalogue: Catalogue, network: Network, findings: list[Finding], store: SeriesStore,
                     qc: QCReport, period: Period, observed: Observations | None = None) -> Products:
    """The hydrographs, reservoir states, category history, coverage and archive norms of the bulletin period.

    ``observed`` are the observations as read, before quality control: an archive's norms are
    means of every value it holds (:func:`archive_norms`); by default those of ``store``.
    """
    seen, hydrographs = set(), []
    for ind in catalogue.indicators:
        if ind.key and len(ind.series) == 1 and (ind.station, ind.variable) not in seen:
            seen.add((ind.station, ind.variable))
            hydrographs.append(hydrograph(ind, store, period, network))
    return Products(tuple(hydrographs), reservoir_states(catalogue, network, findings, store, period),
                    category_history(catalogue, network, store, period),
                    series_coverage(network, findings, store, qc, period),
                    archive_norms(findings, store, period, store.obs if observed is None else observed))


def hydrograph(ind: Indicator, store: SeriesStore, period: Period, network: Network) -> Hydrograph:
    """The hydrograph of a key indicator's series in the hydrological year of ``period``.

    A reservoir volume is drawn in the network's volume unit, any other series in the unit its value is shown in.
    """
    canonical = load_variables()[ind.variable].unit
    unit = network.volume_unit if ind.variable == "volume" else ind.value_unit(canonical)
    factor = conversion_factor(canonical, unit)
    clim = store.climatology(ind.station, ind.series, period.kind)
    hy = hydrological_year(network.seasons.hydrological_year_of(period.start), network.seasons)
    xs, p = [], Period.containing(period.kind, hy.start)
    while p.start <= hy.end:
        xs.append(p)
        p = p.shift(1)

    def value(q: Period) -> float | None:
        v = clean(store.at(ind.station, ind.series, q))
        return None if v is None else v * factor

    def clim_col(col: str) -> tuple:
        return tuple(None if np.isnan(v := climate_value(clim, q.period_of_year, col)) else float(v) * factor
                     for q in xs)

    norm = clim_col("mean")
    thresholds = threshold_lines(ind, store, xs, norm, network, unit)
    return Hydrograph(ind.id, ind.station, ind.variable, unit, tuple(xs),
                      tuple(value(q) if q.end <= period.end else None for q in xs),
                      tuple(value(q.same_period_last_year()) for q in xs), norm, clim_col("p10"), clim_col("p90"),
                      thresholds, xs.index(period) if period in xs else len(xs) - 1)


def threshold_lines(ind: Indicator, store: SeriesStore, xs, norm, network: Network, unit: str) -> tuple:
    """((level, value per period of ``xs`` [``unit``]), ...): the thresholds of ``ind`` as a figure draws them.

    None where the indicator does not apply (outside its season or validity); ``norm`` is the
    norm of each period [``unit``], for thresholds relative to it.
    """
    st = network[ind.station]
    per_level: dict[str, list] = {}
    for i, q in enumerate(xs):
        if ind.not_evaluated_reason(q, network.seasons) is not None:
            continue  # outside the indicator's season or validity: no threshold applies
        for t in applied_thresholds(ind, q, store, network.seasons):
            per_level.setdefault(t.level, [None] * len(xs))[i] = ind.method.figure_threshold(
                ind, t, q, norm[i], st, unit)
    return tuple((lev, tuple(per_level[lev])) for lev in LEVELS[1:] if lev in per_level)


def reservoir_states(catalogue: Catalogue, network: Network, findings: list[Finding], store: SeriesStore,
                     period: Period) -> tuple:
    """The state of every reservoir of the network with volume data, network order.

    Volumes are in the network's volume unit. Its thresholds are those that applied to the
    findings on its volume, placed on the volume axis.
    """
    by_id = {ind.id: ind for ind in catalogue.indicators}
    present = set(store.keys())
    unit = network.volume_unit
    to_unit = conversion_factor("Mm3", unit)
    out = []
    for sid, st in network.stations.items():
        if st.kind != "reservoir" or (sid, "volume") not in present:
            continue
        volume = clean(store.at(sid, ("volume",), period))
        last_year = clean(store.at(sid, ("volume",), period.same_period_last_year()))
        norm = clean(climate_value(store.climatology(sid, ("volume",), period.kind), period.period_of_year, "mean"))
        fill = None
        if volume is not None and st.dead_volume is not None and st.total_volume is not None:
            fill = float(fill_percent_of_useful(volume, st.dead_volume.value, st.total_volume.value))
        scaled = [None if v is None else v * to_unit for v in (volume, last_year, norm)]
        marks = {}
        for f in findings:
            if f.station != sid or f.variable != "volume":
                continue
            ind = by_id[f.indicator]
            for t in f.applied:
                v = ind.method.figure_threshold(ind, t, period, scaled[2], st, unit)
                if v is not None and not math.isnan(v):
                    marks.setdefault((t.level, round(v, 6)), v)
        thresholds = tuple(sorted(((lev, v) for (lev, _), v in marks.items()), key=lambda m: (m[1], level_rank(m[0]))))
        out.append(ReservoirState(
            sid, scaled[0], scaled[1], scaled[2], st.dead_volume.value * to_unit if st.dead_volume else 0.0,
            st.total_volume.value * to_unit if st.total_volume else None, st.dead_volume is not None, fill,
            thresholds))
    return tuple(out)


def strip_series(catalogue: Catalogue, network: Network, present) -> list[tuple[str, str]]:
    """The series of the category history, in network order.

    They are the key series of the catalogue (those with a hydrograph) and the discharge of every
    gauge in the data.
    """
    pairs = {(i.station, i.variable) for i in catalogue.indicators if i.key and len(i.series) == 1}
    pairs |= {(sid, "discharge") for sid, st in network.stations.items()
              if st.kind == "gauge" and (sid, "discharge") in present}
    order = {sid: i for i, sid in enumerate(network.stations)}
    rank = {v: i for i, v in enumerate(VARIABLE_ORDER)}
    return sorted(pairs, key=lambda p: (order.get(p[0], len(order)), rank.get(p[1], len(rank)), p[1]))


def category_history(catalogue: Catalogue, network: Network, store: SeriesStore, period: Period,
                     periods: int = STRIP_PERIODS) -> CategoryHistory:
    """HydroSOS categories of :func:`strip_series` in the ``periods`` periods ending with ``period``.

    They are computed as for the findings (:func:`~bulletin.climatology.status_of`).
    """
    columns = tuple(period.shift(k) for k in range(1 - periods, 1))
    rows = []
    for station, variable in strip_series(catalogue, network, set(store.keys())):
        clim = store.climatology(station, (variable,), period.kind)
        cats = tuple(status_of(store.at(station, (variable,), p), climate_row(clim, p.period_of_year))["category"]
                     for p in columns)
        rows.append((station, variable, cats))
    return CategoryHistory(columns, tuple(rows))


def series_coverage(network: Network, findings: list[Finding], store: SeriesStore, qc: QCReport,
                    period: Period) -> dict:
    """Coverage of the bulletin period of every network series the quality section speaks of.

    The series in the data, the series the findings read (absent ones have coverage 0), and the
    series flagged in the hydrological year to date (one whose every value is an error is no
    longer in the evaluated data).
    """
    hy = hydrological_year(network.seasons.hydrological_year_of(period.start), network.seasons)
    flags = qc.flags
    in_year = flags[(flags["last"] >= np.datetime64(hy.start)) & (flags["first"] <= np.datetime64(period.end))]
    series = {k for k in store.keys() if k[0] in network}
    series |= {(f.station, v) for f in findings for v in f.variable.split("-") if f.station in network}
    series |= {k for k in zip(in_year["station"], in_year["variable"], strict=True) if k[0] in network}
    return {(station, variable): period_coverage(store, station, variable, period) for station, variable in series}


def period_coverage(store: SeriesStore, station: str, variable: str, period: Period) -> float:
    """Coverage [0-1] of ``period`` in a series, as ``store.value(...)[1]``; 0 when the series lacks the period.

    Read from the period series, without the table of all its periods that :meth:`~bulletin.series.SeriesStore.value`
    makes for a series asked for many (most series here are asked for one).
    """
    agg = store.series(station, (variable,), period.kind)
    at = np.flatnonzero((agg["year"].to_numpy() == period.start.year)
                        & (agg["period_of_year"].to_numpy() == period.period_of_year))
    return float(agg["coverage"].to_numpy()[at[-1]]) if at.size else 0.0


def archive_norms(findings: list[Finding], store: SeriesStore, period: Period, observed: Observations) -> dict:
    """Indicator id -> :class:`ArchiveNorm` of every finding whose series has an archive norm of the period.

    The archive norms are those of the observations as read (``observed``), at the resolution of
    the bulletin period; a series that is a difference of two has none. The span of years an
    archive norm is the mean of is sought in those observations, values flagged by quality
    control included, as the archive computed it; the computed norm's years are those of ``store``.
    """
    table = observed.archive_norms
    table = table[table["resolution"] == period.kind]
    if table.empty:
        return {}
    settings, poy, spans, out = store.settings, period.period_of_year, {}, {}
    variables = load_variables()
    for f in findings:
        rows = table[(table["station"] == f.station) & (table["variable"] == f.variable)]
        here = rows.loc[rows["period_of_year"] == poy, "norm"]
        canonical = variables[f.variable].unit if f.variable in variables else None
        if here.empty or canonical is None or unit_dimension(f.unit) != unit_dimension(canonical):
            continue
        if (f.station, f.variable) not in spans:
            norms = rows.drop_duplicates("period_of_year", keep=False).set_index("period_of_year")["norm"]
            as_read = period_series(observed, f.station, f.variable, period.kind)
            spans[(f.station, f.variable)] = archive_norm_span(as_read, norms, period.kind, settings)
        span, whole = spans[(f.station, f.variable)]
        years = None if span is None else span[2].get(poy)
        out[f.indicator] = ArchiveNorm(
            f.indicator, f.station, f.variable, f.unit, float(here.iloc[0]) * conversion_factor(canonical, f.unit),
            reference_years(store.series(f.station, (f.variable,), period.kind), poy, period.kind, settings),
            None if span is None or years is None else (span[0], span[1], years), whole)
    return out


def reference_years(agg, period_of_year: int, resolution: str, settings: ClimateSettings) -> tuple | None:
    """(first, last, years with data) of the computed norm of a period of the year.

    The catalogue's reference period, or the first and last year with data when it is the full
    record; years with data are those the norm is the mean of (coverage rule applied). None when
    the series has no value of that period of the year at all and the reference is the full record.
    """
    usable = apply_coverage(agg, settings.coverage_for(resolution))
    years = usable.loc[(usable["period_of_year"] == period_of_year) & usable["value"].notna(), "year"]
    if settings.reference is not None:
        first, last = settings.reference
        return first, last, int(((years >= first) & (years <= last)).sum())
    if years.empty:
        return None
    return int(years.min()), int(years.max()), int(len(years))


def _tolerance(norms: np.ndarray) -> np.ndarray:
    """How far a mean may be from a norm as the archive writes it: half a unit of its last decimal."""
    decimals = np.array([len(np.format_float_positional(float(v), trim="-").partition(".")[2]) for v in norms])
    return 0.5 * 10.0 ** -decimals + 1e-9 * np.maximum(1.0, np.abs(norms))


def archive_norm_span(agg, norms, resolution: str, settings: ClimateSettings) -> tuple:
    """The span of years whose means in the data are the archive's norms, and whether it is the whole record.

    ``agg`` is the period series (:func:`~bulletin.series.period_series`), ``norms`` the archive's
    norm per period of the year [canonical unit]. Every span of at least ``min_years`` years
    with data, from a year with data to a year with data, is tried: it matches when its mean of
    every period of the year the archive gives is the norm to the archive's decimals.

    Returns
    -------
    tuple
        ((first, last, {period of year: years with data}), whole record) when exactly one span
        matches; (None, False) otherwise.
    """
    usable = apply_coverage(agg, settings.coverage_for(resolution))
    usable = usable[usable["value"].notna() & usable["period_of_year"].isin(norms.index)]
    if usable.empty or norms.empty:
        return None, False
    years = np.arange(int(usable["year"].min()), int(usable["year"].max()) + 1)
    grid = usable.pivot_table(index="year", columns="period_of_year", values="value", aggfunc="first")
    grid = grid.reindex(index=years, columns=norms.index)
    present = grid.notna().to_numpy()
    zero = np.zeros((1, present.shape[1]))
    sums = np.vstack([zero, np.cumsum(np.where(present, grid.to_numpy(dtype=float), 0.0), axis=0)])
    counts = np.vstack([zero, np.cumsum(present, axis=0)])
    first, last = np.triu_indices(len(years))
    ends = present.any(axis=1)
    keep = ends[first] & ends[last]
    first, last = first[keep], last[keep]
    n = counts[last + 1] - counts[first]
    mean = (sums[last + 1] - sums[first]) / np.maximum(n, 1)
    target = norms.to_numpy(dtype=float)
    match = (n >= max(settings.min_years, 1)).all(axis=1) & (np.abs(mean - target) <= _tolerance(target)).all(axis=1)
    if match.sum() != 1:
        return None, False
    i = int(np.flatnonzero(match)[0])
    a, b = int(years[first[i]]), int(years[last[i]])
    per_period = {int(p): int(c) for p, c in zip(norms.index, n[i], strict=True)}
    return (a, b, per_period), bool(first[i] == 0 and last[i] == len(years) - 1)


FAN_PAST_DEKADS = 12
"""Observed dekads a fan chart shows before the spread of the outlook (the issue dekad is the last)."""


@dataclass(frozen=True)
class Fan:
    """The outlook of one series after the issue dekad, over its observed recent past [``unit``]; None where missing.

    ``observed`` runs up to the issue dekad (at ``issue_index``), ``p10``, ``median`` and
    ``p90`` (percentiles of the traces) from the dekad after it; ``norm`` and the thresholds
    cover both.
    """

    indicator: str
    station: str
    variable: str
    unit: str
    periods: tuple  # Period per dekad
    issue_index: int
    observed: tuple
    norm: tuple
    p10: tuple
    median: tuple
    p90: tuple
    thresholds: tuple  # ((level, values per period), ...)
    n_traces: int


def fan_indicators(catalogue: Catalogue, outlook) -> list:
    """The indicators a fan chart is drawn for: the key ones and those on a reservoir volume, one per series.

    Only indicators of a single series the outlook assessed; catalogue order.
    """
    assessed = {i.indicator for i in outlook.indicators}
    seen, out = set(), []
    for ind in catalogue.indicators:
        series = (ind.station, ind.variable)
        if (ind.id in assessed and len(ind.series) == 1 and (ind.key or ind.variable == "volume")
                and series not in seen):
            seen.add(series)
            out.append(ind)
    return out


def outlook_fans(catalogue: Catalogue, network: Network, store: SeriesStore, outlook, period: Period) -> tuple:
    """A :class:`Fan` per indicator of :func:`fan_indicators`; empty without an outlook.

    Volumes are drawn in the network's volume unit, other series in the unit of the indicator's value.
    """
    if outlook is None:
        return ()
    fans = []
    for ind in fan_indicators(catalogue, outlook):
        io = outlook.indicator(ind.id)
        canonical = load_variables()[ind.variable].unit
        unit = network.volume_unit if ind.variable == "volume" else ind.value_unit(canonical)
        factor, scale = conversion_factor(canonical, unit), conversion_factor(io.unit, unit)
        past = [period.shift(-k) for k in range(FAN_PAST_DEKADS - 1, -1, -1)]
        ahead = {label: (p10, median, p90) for label, p10, median, p90 in io.trajectory}
        xs = past + [period.shift(k) for k in range(1, len(io.trajectory) + 1)]
        clim = store.climatology(ind.station, ind.series, "dekad")

        def scaled(v, f):
            return None if v is None or not math.isfinite(v) else v * f

        norm = tuple(scaled(float(climate_value(clim, q.period_of_year, "mean")), factor) for q in xs)
        spread = [ahead.get(q.label, (None, None, None)) if q.end > period.end else (None, None, None) for q in xs]
        fans.append(Fan(ind.id, ind.station, ind.variable, unit, tuple(xs), len(past) - 1,
                        tuple(scaled(clean(store.at(ind.station, ind.series, q)), factor) if q.end <= period.end
                              else None for q in xs),
                        norm, *(tuple(scaled(s[i], scale) for s in spread) for i in range(3)),
                        threshold_lines(ind, store, xs, norm, network, unit), len(outlook.traces_years)))
    return tuple(fans)
