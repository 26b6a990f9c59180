"""Ensemble streamflow prediction from the historical record, conditioned on the current anomaly.

Each historical year gives one trace of the coming dekads (ESP, Day 1985 [1]_): the flows of the
same dekads of that year. A trace starts from today's state: with the log-anomaly of the issue
dekad ``a0 = log(q(p) / norm(p))`` and that of year y ``a_y = log(q_y(p) / norm(p))``, the trace
of year y at lead k is::

    trace_y(k) = q_y(p + k) * exp(rho**k * (a0 - a_y))

so that the anomaly of today decays to the year's own at the rate of the lag-1 autocorrelation
``rho`` of the dekad log-anomalies (:func:`lag1_autocorrelation`). The norm cancels in
``a0 - a_y``; it matters only for ``rho``.

References
----------
.. [1] Day, G.N. (1985): Extended streamflow forecasting using NWSRFS. Journal of Water
   Resources Planning and Management 111(2), 157-170.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..periods import PERIODS_PER_YEAR, Period, Seasons

DEKADS = PERIODS_PER_YEAR["dekad"]
RHO_BOUNDS = (0.0, 0.99)
"""rho is clipped to this range: no negative persistence, and never a permanent anomaly."""


def dekad_index(period: Period) -> int:
    """A running number of the dekad: consecutive dekads differ by one (year * 36 + dekad of year - 1)."""
    return period.start.year * DEKADS + period.period_of_year - 1


@dataclass(frozen=True)
class Record:
    """A dekad series as one array without gaps in time (NaN where a dekad has no value).

    ``values[i]`` is the dekad with :func:`dekad_index` ``first + i`` [canonical unit]; the
    coverage rule has been applied.
    """

    first: int
    values: np.ndarray

    @classmethod
    def of(cls, series: pd.DataFrame, min_coverage: float) -> Record:
        """From a period series (year, period_of_year, value, coverage; :func:`bulletin.series.period_series`)."""
        if series.empty:
            return cls(0, np.array([], dtype=float))
        index = series["year"].to_numpy(dtype=np.int64) * DEKADS + series["period_of_year"].to_numpy(dtype=np.int64) - 1
        first = int(index.min())
        values = np.full(int(index.max()) - first + 1, np.nan)
        ok = series["coverage"].to_numpy(dtype=float) >= min_coverage
        values[index[ok] - first] = series["value"].to_numpy(dtype=float)[ok]
        return cls(first, values)

    def window(self, start: int, length: int) -> np.ndarray:
        """The values of ``length`` dekads from index ``start`` (NaN outside the record)."""
        out = np.full(length, np.nan)
        lo, hi = max(start, self.first), min(start + length, self.first + len(self.values))
        if hi > lo:
            out[lo - start:hi - start] = self.values[lo - self.first:hi - self.first]
        return out

    def without_year(self, hydrological_year: int | None, seasons: Seasons) -> np.ndarray:
        """The values with the dekads of one hydrological year set to NaN (None: all values)."""
        values = self.values.copy()
        if hydrological_year is not None and len(values):
            start = hydrological_year * DEKADS + (seasons.hydrological_year_start - 1) * 3
            lo, hi = max(start - self.first, 0), min(start + DEKADS - self.first, len(values))
            if hi > lo:
                values[lo:hi] = np.nan
        return values


def log_anomalies(values: np.ndarray, first: int, excluded: int | None, seasons: Seasons) -> np.ndarray:
    """log(value / norm) of every dekad of a record array whose first dekad has index ``first``.

    The norm of a dekad of the year is the mean of its values over the record without the
    hydrological year ``excluded`` (so that a hindcast learns nothing of its target year); a
    value or norm that is not positive gives NaN.
    """
    dekad_of_year = (np.arange(len(values)) + first) % DEKADS
    kept = Record(first, values).without_year(excluded, seasons)
    sums = np.bincount(dekad_of_year, weights=np.nan_to_num(kept), minlength=DEKADS)
    counts = np.bincount(dekad_of_year, weights=~np.isnan(kept), minlength=DEKADS)
    with np.errstate(invalid="ignore", divide="ignore"):
        norms = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)[dekad_of_year]
        ok = (values > 0) & (norms > 0)
        return np.where(ok, np.log(np.where(ok, values, 1.0) / np.where(ok, norms, 1.0)), np.nan)


def lag1_autocorrelation(anomalies: np.ndarray) -> float:
    """Lag-1 autocorrelation of consecutive dekad anomalies, clipped to ``RHO_BOUNDS``.

    The Pearson correlation of the pairs (z_t, z_t+1) of consecutive dekads that both have a
    finite anomaly, over the whole record (gaps break pairs, not the estimate). Fewer than
    three pairs, or no variance, give 0 (no persistence: the traces are the historical years
    unconditioned).
    """
    z = np.asarray(anomalies, dtype=float)
    a, b = z[:-1], z[1:]
    pair = np.isfinite(a) & np.isfinite(b)
    if pair.sum() < 3:
        return 0.0
    a, b = a[pair] - a[pair].mean(), b[pair] - b[pair].mean()
    denominator = np.sqrt((a * a).sum() * (b * b).sum())
    if denominator == 0:
        return 0.0
    return float(np.clip((a * b).sum() / denominator, *RHO_BOUNDS))


def conditioned_traces(history: np.ndarray, a0: float, a_years: np.ndarray, rho: float) -> np.ndarray:
    """``history[y, k-1] * exp(rho**k * (a0 - a_years[y]))`` for leads k = 1 .. K.

    Parameters
    ----------
    history : numpy.ndarray
        (years, K): the values of each historical year at leads 1 .. K [any unit].
    a0 : float
        Log-anomaly of the issue dekad; NaN leaves the traces unconditioned.
    a_years : numpy.ndarray
        (years,): log-anomaly of each year's issue dekad; NaN leaves that trace unconditioned.
    rho : float
        Lag-1 autocorrelation of the log-anomalies [0-0.99].
    """
    history = np.asarray(history, dtype=float)
    shift = np.nan_to_num(a0 - np.asarray(a_years, dtype=float), nan=0.0, posinf=0.0, neginf=0.0)
    decay = rho ** np.arange(1, history.shape[1] + 1)
    return history * np.exp(shift[:, None] * decay[None, :])


def trace_years(first_day, last_day, issue: Period, n_leads: int, excluded: int | None,
                seasons: Seasons) -> tuple[int, ...]:
    """The hydrological years that give a trace: those whose dekads ``p .. p + n_leads`` lie in the record.

    The analogue of the issue dekad ``p`` in year y is the same dekad of the year,
    ``36 * (Y - y)`` dekads earlier, Y the hydrological year of ``p``; ``excluded`` (the year
    forecast) is left out. ``first_day`` and ``last_day`` bound the record.
    """
    hy = seasons.hydrological_year_of(issue.start)
    lo = dekad_index(Period.containing("dekad", first_day))
    hi = dekad_index(Period.containing("dekad", last_day))
    i0 = dekad_index(issue)
    years = []
    for y in range(first_day.year - 1, last_day.year + 1):
        start = i0 - DEKADS * (hy - y)
        if y != excluded and start >= lo and start + n_leads <= hi:
            years.append(y)
    return tuple(years)


@dataclass(frozen=True)
class FlowTraces:
    """ESP traces of one flow series: ``values[y, k-1]`` is the trace of ``years[y]`` at lead k [canonical unit]."""

    station: str
    variable: str
    rho: float
    a0: float
    years: tuple[int, ...]
    values: np.ndarray


def flow_traces(record: Record, station: str, variable: str, issue: Period, n_leads: int,
                years: tuple[int, ...], excluded: int | None, seasons: Seasons) -> FlowTraces:
    """ESP traces of a flow series for leads 1 .. ``n_leads`` after ``issue`` (see the module).

    ``rho`` is estimated from the record without the hydrological year ``excluded``; the issue
    dekad's own value (today's state) conditions the traces.
    """
    anomalies = log_anomalies(record.values, record.first, excluded, seasons)
    full = Record(record.first, anomalies)
    rho = lag1_autocorrelation(full.without_year(excluded, seasons))
    i0 = dekad_index(issue)
    hy = seasons.hydrological_year_of(issue.start)
    a0 = float(full.window(i0, 1)[0])
    starts = [i0 - DEKADS * (hy - y) for y in years]
    a_years = np.array([full.window(s, 1)[0] for s in starts])
    history = np.array([record.window(s + 1, n_leads) for s in starts]).reshape(len(years), n_leads)
    return FlowTraces(station, variable, rho, a0, tuple(years), conditioned_traces(history, a0, a_years, rho))
