"""Standardized Streamflow Index (SSI) of every month over 1, 3 or 6 months (``bulletin ssi``).

The index of a month uses the mean flow of the ``scale`` months ending with it (DESIGN.md):
the arithmetic mean of the monthly mean flows, not weighted by the length of the months, as
xclim and climate_indices (``aggregation="mean"``) do. A window with a missing month is
missing. Each calendar month is fitted on its own, over the windows that end in the reference
period, and standardized with :func:`bulletin.methods.standardized_index`.

References
----------
.. [1] Vicente-Serrano, S.M. et al. (2012): Accurate computation of a streamflow drought
   index. Journal of Hydrologic Engineering 17(2), 318-332.
.. [2] WMO HydroSOS, "Status relative to normal" (community.wmo.int/node/37641): a monthly mean
   is missing below 50 % of days present.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .climatology import aggregate, apply_coverage, in_reference
from .methods import check_distribution, standardized_index
from .periods import Period

SCALES = (1, 3, 6)
COLUMNS = ("station", "variable", "period", "scale", "distribution", "ssi")
MIN_MONTH_COVERAGE = 0.5
"""Least share of days present [0-1] for a monthly mean (HydroSOS [2]_)."""


# ---- monthly series ---------------------------------------------------------------------------

def monthly_series(agg: pd.DataFrame, min_coverage: float = MIN_MONTH_COVERAGE) -> pd.Series:
    """Monthly values from the output of :func:`~bulletin.climatology.aggregate`.

    Parameters
    ----------
    agg : pandas.DataFrame
        ``aggregate(daily, "month", ...)`` (or ``evaluate.period_series(..., "month")``):
        columns year, period_of_year, value, coverage.
    min_coverage : float
        Least share of days present [0-1]; months below it are missing (NaN).

    Returns
    -------
    pandas.Series
        Monthly values [unit of ``agg``] indexed by a monthly :class:`pandas.PeriodIndex`.
    """
    usable = apply_coverage(agg, min_coverage)
    index = pd.PeriodIndex.from_fields(year=usable["year"].astype(int), month=usable["period_of_year"].astype(int),
                                       freq="M")
    return pd.Series(usable["value"].to_numpy(dtype=float), index=index, name="value")


def monthly_mean_flow(daily: pd.Series, min_coverage: float = MIN_MONTH_COVERAGE) -> pd.Series:
    """Monthly mean flow from daily flows, months with less than ``min_coverage`` of days missing.

    Parameters
    ----------
    daily : pandas.Series
        Daily mean flow [m3/s] indexed by date; missing days may be absent or NaN.
    min_coverage : float
        Least share of days present [0-1]: 0.5 by the HydroSOS rule [2]_.

    Returns
    -------
    pandas.Series
        Monthly mean flow [m3/s] indexed by a monthly :class:`pandas.PeriodIndex`, named like
        ``daily``; every month from the first to the last one touched by the data.
    """
    out = monthly_series(aggregate(daily, "month", "mean"), min_coverage)
    out.name = daily.name
    return out


def _monthly_index(index) -> pd.PeriodIndex:
    if isinstance(index, pd.PeriodIndex):
        if index.freqstr != "M":
            raise ValueError(f"the series must be monthly; its PeriodIndex has frequency {index.freqstr}")
        return index
    if isinstance(index, pd.DatetimeIndex):
        return index.to_period("M")
    raise ValueError("index the monthly flows by month: a PeriodIndex (freq 'M') or a DatetimeIndex "
                     f"(any day of the month, e.g. its last day), not {type(index).__name__}")


def complete_months(monthly: pd.Series) -> pd.Series:
    """``monthly`` on a monthly PeriodIndex with every month from the first to the last (gaps NaN).

    Raises
    ------
    ValueError
        When a month appears twice or the index is not monthly.
    """
    index = _monthly_index(monthly.index)
    if index.has_duplicates:
        raise ValueError(f"month {index[index.duplicated()][0]} appears more than once; "
                         "give one monthly mean per month")
    s = pd.Series(monthly.to_numpy(dtype=float), index=index, name=monthly.name).sort_index()
    if s.empty:
        return s
    return s.reindex(pd.period_range(s.index[0], s.index[-1], freq="M"))


def window_mean(monthly: pd.Series, scale: int) -> pd.Series:
    """Mean of the ``scale`` monthly values ending with each month [unit of ``monthly``].

    Unweighted by month length; NaN when a month of the window is missing or before the
    record (an incomplete window).
    """
    if not (isinstance(scale, int | np.integer) and scale >= 1):
        raise ValueError(f"scale must be a whole number of months >= 1 (1, 3 or 6), not {scale!r}")
    s = complete_months(monthly)
    return s.rolling(int(scale), min_periods=int(scale)).mean()


# ---- the index ----------------------------------------------------------------------------

def ssi_series(monthly: pd.Series, scale: int = 1, distribution: str = "gamma",
               reference: tuple[int, int] | None = (1991, 2020), min_years: int = 10) -> pd.Series:
    """SSI of every month of one monthly flow series.

    Parameters
    ----------
    monthly : pandas.Series
        Monthly mean flow [m3/s] indexed by month (PeriodIndex or DatetimeIndex).
    scale : int
        Months in the window ending with each month (1, 3 or 6 in the bulletin).
    distribution : {'gamma', 'fisk'}
        See :func:`bulletin.methods.standardized_index`.
    reference : tuple of int or None
        First and last calendar year of the reference period (of the month ending the window);
        None is the full record.
    min_years : int
        Least number of reference windows of a calendar month for a fit; fewer give NaN
        (``no_data``), like the norms of :func:`~bulletin.climatology.climatology`.

    Returns
    -------
    pandas.Series
        SSI [-] on the complete monthly PeriodIndex of ``monthly``; NaN for incomplete windows
        and for calendar months without enough reference years.
    """
    means = window_mean(monthly, scale)
    out = pd.Series(np.nan, index=means.index, name="ssi")
    if means.empty:
        return out
    months = means.index.month.to_numpy()
    ref = in_reference(means.index.year.to_numpy(), reference) & means.notna().to_numpy()
    for month in range(1, 13):
        this = months == month
        reference_values = means.to_numpy()[this & ref]
        if reference_values.size >= max(min_years, 1):
            out.iloc[np.flatnonzero(this)] = standardized_index(means.to_numpy()[this], reference_values, distribution)
    return out


def ssi_table(monthly: pd.Series | pd.DataFrame, scale: int = 1, distribution: str = "gamma",
              reference: tuple[int, int] | None = (1991, 2020), *, station: str | None = None,
              variable: str = "discharge", min_years: int = 10) -> pd.DataFrame:
    """Rows of the ``bulletin ssi`` CSV: ``station,variable,period,scale,distribution,ssi``.

    Parameters
    ----------
    monthly : pandas.Series or pandas.DataFrame
        Monthly mean flows [m3/s] indexed by month. A Series is one station (``station``, or
        else the Series name); a DataFrame has one column per station, or columns
        (station, variable) as a two-level MultiIndex.
    scale, distribution, reference, min_years
        See :func:`ssi_series`.
    station : str, optional
        Station id of a Series.
    variable : str
        Variable of the series (``discharge``, ``inflow``, ...), unless given by the columns.

    Returns
    -------
    pandas.DataFrame
        One row per station and month from its first to its last month (``period`` like
        ``1995-03``), ``ssi`` NaN where the window is incomplete or the month has no fit.
    """
    check_distribution(distribution)
    if isinstance(monthly, pd.Series):
        name = station if station is not None else monthly.name
        if name is None:
            raise ValueError("name the station of the series: ssi_table(series, station='toktogul') "
                             "or give the Series a name")
        series = [(str(name), variable, monthly)]
    else:
        series = []
        for column in monthly.columns:
            st, var = column if isinstance(column, tuple) else (column, variable)
            series.append((str(st), str(var), monthly[column]))
    frames = []
    for st, var, s in series:
        ssi = ssi_series(s, scale, distribution, reference, min_years)
        labels = [Period.month(p.year, p.month).label for p in ssi.index]
        frames.append(pd.DataFrame({"station": st, "variable": var, "period": labels, "scale": int(scale),
                                    "distribution": distribution, "ssi": ssi.to_numpy()}, columns=list(COLUMNS)))
    if not frames:
        return pd.DataFrame(columns=list(COLUMNS))
    return pd.concat(frames, ignore_index=True)
