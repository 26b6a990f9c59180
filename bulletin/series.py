"""Period series of the observations: aggregation across resolutions, and the series cache.

:func:`period_series` turns what was observed (days, pentads, dekads, months) into one dekad or
month series with the coverage of each period. :class:`SeriesStore` computes each period series
and each climatology once, and answers what a method asks of the data: the value of a series in
a period, with the coverage rule of the catalogue applied (:meth:`SeriesStore.value`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .aggregation import aggregate_many
from .climatology import ClimateSettings, aggregate, climatology
from .ingest import Observations
from .ingest.observations import codes_of
from .periods import OBSERVED_RESOLUTIONS, Period, period_bounds, period_keys
from .units import load_variables


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
    obs : Observations
        The observations read.
    station, variable : str
        The series.
    resolution : {'dekad', 'month'}
        The period of the result.

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
    first, last = period_bounds(resolution, s.index)
    days = ((last - first).days + 1).to_numpy(dtype=np.int64)
    years, periods = period_keys(s.index, resolution)
    present = s.notna().to_numpy()
    return pd.DataFrame({
        "year": pd.Series(years, dtype=np.int64),
        "period_of_year": pd.Series(periods, dtype=np.int64),
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


PERIOD_KEY = 100
"""A period's key in :func:`_period_table`: year x 100 + period of year (at most 36)."""


def _period_table(agg: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(sorted period keys, values, coverages) of a period series, for lookups by binary search.

    A period given twice keeps its last row, as a dictionary filled row by row would.

    >>> keys, values, _ = _period_table(pd.DataFrame({"year": [2001, 2000, 2001], "period_of_year": [2, 36, 2],
    ...                                                "value": [1.0, 2.0, 3.0], "coverage": [1.0, 1.0, 0.5]}))
    >>> keys.tolist(), values.tolist()
    ([200036, 200102], [2.0, 3.0])
    """
    keys = agg["year"].to_numpy(dtype=np.int64) * PERIOD_KEY + agg["period_of_year"].to_numpy(dtype=np.int64)
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    last = np.append(ordered[1:] != ordered[:-1], True) if ordered.size else np.zeros(0, dtype=bool)
    kept = order[last]
    return keys[kept], agg["value"].to_numpy(dtype=float)[kept], agg["coverage"].to_numpy(dtype=float)[kept]


def difference_series(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """The period series ``a - b`` of two series of one station (inflow minus release [m3/s]).

    Periods present in both; coverage and days covered are the smaller of the two.
    """
    m = a.merge(b, on=["year", "period_of_year"], suffixes=("_a", "_b"))
    return pd.DataFrame({
        "year": m["year"], "period_of_year": m["period_of_year"], "value": m["value_a"] - m["value_b"],
        "n_days": np.minimum(m["n_days_a"], m["n_days_b"]), "days": m["days_a"],
        "coverage": np.minimum(m["coverage_a"], m["coverage_b"]),
    })


class SeriesStore:
    """Period series and climatologies of the observations, computed once each.

    A series is named by its station and a tuple of variables: ``("volume",)`` for one
    variable, ``("inflow", "release")`` for the difference of two (see
    :func:`difference_series`).
    """

    def __init__(self, obs: Observations, settings: ClimateSettings):
        self.obs = obs
        self.settings = settings
        self._agg: dict = {}
        self._clim: dict = {}
        self._lookup: dict = {}
        self._filled: set = set()

    def keys(self) -> set:
        """The (station, variable) series present in the observations."""
        return set(self.obs.keys())

    def series(self, station: str, variables: tuple[str, ...], resolution: str) -> pd.DataFrame:
        """The period series of one variable, or of the difference of two, at ``station``."""
        key = (station, variables, resolution)
        if key not in self._agg and resolution not in self._filled:
            self._fill_daily(resolution)
        if key not in self._agg:
            if len(variables) == 1:
                self._agg[key] = period_series(self.obs, station, variables[0], resolution)
            else:
                first, second = (self.series(station, (v,), resolution) for v in variables)
                self._agg[key] = difference_series(first, second)
        return self._agg[key]

    def _fill_daily(self, resolution: str) -> None:
        """The period series of every series observed only by days, at ``resolution``, in one pass.

        What :func:`period_series` gives each of them, computed by one aggregation of all their
        days (:func:`~bulletin.aggregation.aggregate_many`, the kernel :func:`aggregate` runs
        for one series).
        """
        self._filled.add(resolution)
        frame = self.obs.frame
        if frame.empty:
            return
        code, keys = self.obs.codes()
        res, words = codes_of(frame["resolution"])
        daily = [k for k, w in enumerate(words) if w == "day"]
        other = np.zeros(len(keys), dtype=bool)
        other[code[res != daily[0]] if daily else code] = True
        chosen = np.flatnonzero(~other)
        if chosen.size == 0:
            return
        rows = ~other[code]
        variables = load_variables()
        how = np.array([variables[keys[k][1]].aggregate for k in range(len(keys))], dtype=object)
        out = aggregate_many(code[rows], frame["date"].to_numpy()[rows].astype("datetime64[D]").astype(np.int64),
                             frame["value"].to_numpy(dtype=float)[rows], resolution, how)
        bounds = np.searchsorted(out["series"], np.arange(len(keys) + 1))
        cols = ["year", "period_of_year", "value", "n_days", "days", "coverage"]
        for k in chosen.tolist():
            lo, hi = bounds[k], bounds[k + 1]
            station, variable = keys[k]
            self._agg[(station, (variable,), resolution)] = (
                pd.DataFrame({c: out[c][lo:hi] for c in cols}) if hi > lo else pd.DataFrame(columns=cols))

    def climatology(self, station: str, variables: tuple[str, ...], resolution: str) -> pd.DataFrame:
        """Norm and percentiles per period of year of a series (:func:`~bulletin.climatology.climatology`)."""
        key = (station, variables, resolution)
        if key not in self._clim:
            self._clim[key] = climatology(self.series(station, variables, resolution), resolution, self.settings)
        return self._clim[key]

    def value(self, station: str, variables: tuple[str, ...], period: Period) -> tuple[float, float]:
        """(value [canonical unit], coverage [0-1]) of a series in ``period``.

        The value is NaN when the period has no data or less than the catalogue's
        ``min_coverage`` of its days covered; the coverage is the period's own.
        """
        key = (station, variables, period.kind)
        table = self._lookup.get(key)
        if table is None:
            table = self._lookup[key] = _period_table(self.series(station, variables, period.kind))
        periods, values, coverages = table
        wanted = period.start.year * PERIOD_KEY + period.period_of_year
        at = int(np.searchsorted(periods, wanted))
        if at == len(periods) or periods[at] != wanted:
            return float("nan"), 0.0
        value, coverage = float(values[at]), float(coverages[at])
        return (value if coverage >= self.settings.coverage_for(period.kind) else float("nan")), coverage

    def at(self, station: str, variables: tuple[str, ...], period: Period) -> float:
        """The value of a series in ``period`` (NaN below the coverage rule) [canonical unit].

        This is what an indicator method asks of the data (:class:`bulletin.methods.registry.Values`).
        """
        return self.value(station, variables, period)[0]
