"""The resolutions observations come in, and where each of their periods starts and ends.

``periods.py`` knows the reporting periods (dekad, month, seasons). Archives also hold
pentads, so ingest and aggregation need the calendar of every input resolution:

- ``day``;
- ``pentad``: 72 a year, 6 a month: days 1-5, 6-10, 11-15, 16-20, 21-25 and 26 to the end
  of the month (the 6th pentad has 3 to 6 days);
- ``dekad``: 36 a year: days 1-10, 11-20 and 21 to the end of the month;
- ``month``: 12 a year.

A pentad, dekad or month value is dated by the last day of its period (DESIGN.md).
"""

from __future__ import annotations

import calendar
from datetime import date

import numpy as np
import pandas as pd

# finest first: aggregation prefers the finest resolution present in a period
RESOLUTIONS = ("day", "pentad", "dekad", "month")
PERIODS_PER_YEAR = {"pentad": 72, "dekad": 36, "month": 12}
# first day of each period within a month, per sub-monthly resolution
_STARTS = {"pentad": (1, 6, 11, 16, 21, 26), "dekad": (1, 11, 21)}


def period_end(resolution: str, year: int, period_of_year: int) -> date:
    """Last day of period ``period_of_year`` [1-72, 1-36 or 1-12] of calendar ``year``."""
    n = PERIODS_PER_YEAR[resolution]
    if not 1 <= period_of_year <= n:
        raise ValueError(f"a year has {n} {resolution}s, not {period_of_year}")
    if resolution == "month":
        return date(year, period_of_year, calendar.monthrange(year, period_of_year)[1])
    per_month = len(_STARTS[resolution])
    month, k = divmod(period_of_year - 1, per_month)
    starts = _STARTS[resolution]
    if k == per_month - 1:
        return date(year, month + 1, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, starts[k + 1] - 1)


def period_of_year(resolution: str, dates: pd.DatetimeIndex) -> np.ndarray:
    """Period of year of each date: pentad [1-72], dekad [1-36], month [1-12] or day of year [1-366]."""
    dates = pd.DatetimeIndex(dates)
    if resolution == "day":
        return dates.dayofyear.to_numpy()
    months = dates.month.to_numpy()
    if resolution == "month":
        return months
    starts = np.asarray(_STARTS[resolution])
    k = np.searchsorted(starts, dates.day.to_numpy(), side="right")  # 1-based within the month
    return (months - 1) * len(starts) + k


def period_bounds(resolution: str, dates: pd.DatetimeIndex) -> tuple[pd.DatetimeIndex, pd.DatetimeIndex]:
    """First and last day of the ``resolution`` period containing each date."""
    dates = pd.DatetimeIndex(dates).normalize()
    if resolution == "day":
        return dates, dates
    month_start = dates - pd.to_timedelta(dates.day - 1, unit="D")
    month_end = month_start + pd.offsets.MonthEnd(0)
    if resolution == "month":
        return month_start, month_end
    starts = np.asarray(_STARTS[resolution])
    k = np.searchsorted(starts, dates.day.to_numpy(), side="right") - 1
    first = month_start + pd.to_timedelta(starts[k] - 1, unit="D")
    next_start = np.append(starts[1:], 32)[k]  # the last period of a month runs to its end
    last = np.minimum(month_start + pd.to_timedelta(next_start - 2, unit="D"), month_end)
    return pd.DatetimeIndex(first), pd.DatetimeIndex(last)
