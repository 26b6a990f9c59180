"""The data a bulletin used, as a plain table: every dekad of every series its indicators read.

:func:`bulletin_series` gathers, for the series of the catalogue's indicators, the dekad values
the bulletin was computed from (the :class:`~bulletin.series.SeriesStore` of the evaluated
observations), up to and including the bulletin period, with their coverage, and the stations'
names and places. The renderer (:mod:`bulletin.render.data`) writes it as CF NetCDF and CSV;
it receives the table and reaches back into nothing.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .catalogue import Catalogue, Indicator
from .climatology import status_of
from .methods import Inputs
from .network import Network
from .periods import Period
from .series import SeriesStore
from .units import load_variables

SERIES_COLUMNS = ("station", "variable", "period", "start", "end", "value", "unit", "coverage")
"""Columns of :attr:`SeriesTable.rows`, in order."""

STATION_COLUMNS = ("station", "name_en", "name_ru", "kind", "country", "river_en", "river_ru", "lat", "lon")
"""Columns of :attr:`SeriesTable.stations`, in order."""

RESOLUTION = "dekad"
"""The resolution of the series given out: the dekad, the bulletin's step."""


@dataclass(frozen=True, eq=False)
class SeriesTable:
    """The dekad series a bulletin used, tidy: one row per station, variable and dekad.

    Two tables are equal only when they are the same object (their frames are not compared).

    Attributes
    ----------
    rows : pandas.DataFrame
        :data:`SERIES_COLUMNS`: station (network id), variable (canonical name: discharge,
        inflow, release, withdrawal, volume, level, stage), period (label, e.g. 2026-11-d2),
        start and end (first and last day of the dekad, ``datetime.date``), value [``unit``],
        unit (the variable's canonical unit: m3/s, Mm3, m, cm), coverage [0-1] (share of the
        dekad's days with a good value). A value is NaN where the dekad has no value or less
        than the catalogue's ``min_coverage`` of its days covered, as the findings read it.
        Sorted by station, variable and start.
    stations : pandas.DataFrame
        :data:`STATION_COLUMNS`, one row per station of ``rows``, sorted by id: names in
        English and Russian, kind (gauge, reservoir, intake), country code, river in English
        and Russian, lat and lon [degrees north and east, WGS 84].
    period : str
        Label of the bulletin period; no row ends after its last day.
    aggregation : tuple
        ((variable, how), ...) of the variables in ``rows``: how daily values make the dekad
        value (``mean``; ``last``, the value of the last day with data; ``max``), as
        ``indicators/variables.yml`` says.
    """

    rows: pd.DataFrame
    stations: pd.DataFrame
    period: str
    aggregation: tuple = ()

    @property
    def series(self) -> list[tuple[str, str]]:
        """The (station, variable) pairs of ``rows``, sorted."""
        return sorted(set(zip(self.rows["station"], self.rows["variable"], strict=True)))


class _Reads:
    """The data a method reads, recorded: answers as the store does and remembers each series asked for."""

    def __init__(self, store: SeriesStore):
        self.store = store
        self.asked: set[tuple[str, str]] = set()

    def at(self, station: str, variables: tuple[str, ...], period: Period) -> float:
        """The store's value [canonical unit], after noting the series."""
        self.asked.update((station, v) for v in variables)
        return self.store.at(station, variables, period)


def series_read(ind: Indicator, store: SeriesStore, network: Network, period: Period) -> set[tuple[str, str]]:
    """The (station, variable) series an indicator uses: its own, and those its method reads in ``period``.

    A difference names two variables; a method may ask the data for other series (a reservoir's
    days of release left read its inflow and release). The method is run once on ``period`` with
    a recording view of the data, as :func:`~bulletin.evaluate.assess_period` runs it; a series it
    reads only in some periods may be missed.
    """
    own = {(ind.station, v) for v in ind.series}
    value, _ = store.value(ind.station, ind.series, period)
    clim = store.climatology(ind.station, ind.series, period.kind)
    category = status_of(value, clim.loc[period.period_of_year])["category"]
    reads = _Reads(store)
    inputs = Inputs(value, load_variables()[ind.variable].unit, clim, period.period_of_year, category, reads,
                    network)
    ind.method.assess(ind, period, inputs)
    return own | reads.asked


def _dekad_index(year, period_of_year) -> np.ndarray:
    """Dekads counted from year 0 (36 a year): consecutive dekads have consecutive numbers."""
    return np.asarray(year, dtype=np.int64) * 36 + np.asarray(period_of_year, dtype=np.int64) - 1


def empty_rows() -> pd.DataFrame:
    """A :data:`SERIES_COLUMNS` frame without rows (value and coverage float, the others object)."""
    return pd.DataFrame({c: pd.Series(dtype=float if c in ("value", "coverage") else object) for c in SERIES_COLUMNS})


def dekad_rows(store: SeriesStore, station: str, variable: str, last: Period) -> pd.DataFrame:
    """Every dekad of one series from its first with data up to and including ``last``.

    Parameters
    ----------
    store : SeriesStore
        The series of the evaluated observations.
    station, variable : str
        The series.
    last : Period
        The last dekad given; later dekads are never given.

    Returns
    -------
    pandas.DataFrame
        :data:`SERIES_COLUMNS`, one row per dekad (empty when the series has no value up to
        ``last``): a dekad without data has value NaN and coverage 0, and a value below the
        catalogue's ``min_coverage`` [0-1] of a dekad is NaN with its coverage kept.
    """
    full = _full_series(store, station, variable)
    end = int(_dekad_index(last.start.year, last.period_of_year))
    if full is None or full[0][0] > end:
        return empty_rows()
    index, values, coverage, periods = full
    n = int(np.searchsorted(index, end, side="right"))
    values, coverage, periods = values[:n], coverage[:n], periods[:n]
    if end > index[-1]:  # dekads after the last the series has: no value, coverage 0
        extra = np.arange(int(index[-1]) + 1, end + 1)
        values = np.concatenate([values, np.full(len(extra), np.nan)])
        coverage = np.concatenate([coverage, np.zeros(len(extra))])
        periods = [*periods, *_periods(extra)]
    return pd.DataFrame({
        "station": station, "variable": variable, "period": [p.label for p in periods],
        "start": [p.start for p in periods], "end": [p.end for p in periods], "value": values,
        "unit": load_variables()[variable].unit, "coverage": coverage,
    }, columns=list(SERIES_COLUMNS))


_FULL_SERIES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
"""Per series store: the dekads of each series, computed once for every period a backfill issues."""


def _periods(index) -> list:
    return [Period.from_period_of_year(RESOLUTION, int(k // 36), int(k % 36) + 1) for k in index]


def _full_series(store: SeriesStore, station: str, variable: str):
    """(dekad numbers, values, coverage, Periods) of one series from its first dekad with data to its last row; None without data.

    Values below the catalogue's ``min_coverage`` of a dekad are NaN (their coverage kept); a
    dekad without any row has coverage 0.
    """
    cache = _FULL_SERIES.setdefault(store, {})
    key = (station, variable)
    if key not in cache:
        agg = store.series(station, (variable,), RESOLUTION)
        index = _dekad_index(agg["year"], agg["period_of_year"])
        present = agg["value"].notna().to_numpy() & (agg["n_days"].to_numpy() > 0)
        if not present.any():
            cache[key] = None
            return None
        full = np.arange(int(index[present].min()), int(index.max()) + 1)
        values = pd.Series(agg["value"].to_numpy(dtype=float), index=index).groupby(level=0).first()
        coverage = pd.Series(agg["coverage"].to_numpy(dtype=float), index=index).groupby(level=0).first()
        values, coverage = values.reindex(full).to_numpy(), coverage.reindex(full).fillna(0.0).to_numpy()
        values = np.where(coverage >= store.settings.coverage_for(RESOLUTION), values, np.nan)
        cache[key] = (full, values, coverage, _periods(full))
    return cache[key]


def station_rows(network: Network, stations) -> pd.DataFrame:
    """:data:`STATION_COLUMNS` of ``stations`` (network ids), in the order given."""
    rows = []
    for sid in stations:
        st = network[sid]
        rows.append((sid, st.names.get("en", sid), st.names.get("ru", st.names.get("en", sid)), st.kind, st.country,
                     st.river.get("en", ""), st.river.get("ru", st.river.get("en", "")), float(st.lat),
                     float(st.lon)))
    return pd.DataFrame(rows, columns=list(STATION_COLUMNS))


def bulletin_series(catalogue: Catalogue, network: Network, store: SeriesStore, period: Period) -> SeriesTable:
    """The dekad series a bulletin of ``period`` used, as a :class:`SeriesTable`.

    Parameters
    ----------
    catalogue : Catalogue
        Its indicators name the series (:func:`series_read`: each one's own, and those its
        method reads), whether or not they are in season in ``period``.
    network : Network
        The stations' names and places.
    store : SeriesStore
        The series of the evaluated observations (values flagged as errors by quality control
        left out), as the findings read them.
    period : Period
        The bulletin period, a dekad or a month: rows run up to and including its last dekad,
        so that no value dated after it is given.

    Returns
    -------
    SeriesTable
        Every dekad of each series from its first with data up to the period; a series
        without any value by then has no row.
    """
    last = Period.containing(RESOLUTION, period.end)
    wanted: set[tuple[str, str]] = set()
    for ind in catalogue.indicators:
        wanted |= series_read(ind, store, network, period)
    frames = [dekad_rows(store, station, variable, last) for station, variable in sorted(wanted)]
    frames = [f for f in frames if not f.empty]
    rows = pd.concat(frames, ignore_index=True) if frames else empty_rows()
    rows = rows.sort_values(["station", "variable", "start"], kind="stable", ignore_index=True)
    variables = load_variables()
    present = sorted(set(rows["variable"]))
    return SeriesTable(rows, station_rows(network, sorted(set(rows["station"]))), period.label,
                       tuple((v, variables[v].aggregate) for v in present))
