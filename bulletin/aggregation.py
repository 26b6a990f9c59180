"""Aggregation of daily values to dekads and months, for one series or many at once.

One kernel for every path (a bulletin's few series, an archive's thousands, a chunk of stations
on a cluster), so that a period's value is the same to the last bit whichever path computed it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .periods import PERIODS_PER_YEAR, period_of_year


def aggregate_many(series: np.ndarray, days: np.ndarray, values: np.ndarray, resolution: str,
                   how: np.ndarray) -> dict[str, np.ndarray]:
    """Aggregate the daily values of many series to dekads or months at once, recording coverage.

    Parameters
    ----------
    series : numpy.ndarray of int
        The series of each value, numbered from 0.
    days : numpy.ndarray of int
        The day of each value, in days since 1970-01-01.
    values : numpy.ndarray of float
        The values; NaN are left out. Of a day given twice, the first value present wins.
    resolution : {'dekad', 'month'}
    how : numpy.ndarray of str
        The rule of each series (indexed by its number): mean, last, max, min or sum (see
        :func:`aggregate`).

    Returns
    -------
    dict of numpy.ndarray
        series, year, period_of_year, value, n_days, days, coverage: for each series with a
        value, one row per period from its first to its last period touched, in order.
    """
    keep = ~np.isnan(values)
    series, days, values = series[keep], days[keep], values[keep]
    order = sort_order(series, days)  # stable: of one day given twice, the first wins
    if order is not None:
        series, days, values = series[order], days[order], values[order]
    first = np.ones(series.size, dtype=bool)
    first[1:] = (series[1:] != series[:-1]) | (days[1:] != days[:-1])
    series, days, values = series[first], days[first], values[first]
    if series.size == 0:
        empty = np.array([], dtype=np.int64)
        return {"series": empty, "year": empty, "period_of_year": empty, "value": np.array([]),
                "n_days": empty, "days": empty, "coverage": np.array([])}

    per_year = PERIODS_PER_YEAR[resolution]
    low = int(days.min())
    calendar = pd.DatetimeIndex(np.arange(low, int(days.max()) + 1).astype("datetime64[D]"))  # each day once
    period_of_day = calendar.year.to_numpy().astype(np.int64) * per_year + period_of_year(resolution, calendar) - 1
    absolute = period_of_day[days - low]
    group = np.ones(series.size, dtype=bool)
    group[1:] = (series[1:] != series[:-1]) | (absolute[1:] != absolute[:-1])
    starts = np.flatnonzero(group)
    g_series, g_period = series[starts], absolute[starts]
    counts = np.diff(np.append(starts, series.size))
    rule_of_series, rules = pd.factorize(np.asarray(how, dtype=object))  # a few rules: compared as integers
    g_value = group_values(values, starts, counts, rule_of_series[g_series], list(rules))

    # every period from each series' first to its last; the empty ones NaN, with 0 days
    edge = np.ones(g_series.size, dtype=bool)
    edge[1:] = g_series[1:] != g_series[:-1]
    first_at = np.flatnonzero(edge)
    last_at = np.append(first_at[1:], g_series.size) - 1
    present = g_series[first_at]
    lo, span = g_period[first_at], g_period[last_at] - g_period[first_at] + 1
    offset = np.concatenate(([0], np.cumsum(span)[:-1])).astype(np.int64)
    total = int(span.sum())
    row_period = np.arange(total) - np.repeat(offset, span) + np.repeat(lo, span)
    at = np.repeat(offset - lo, np.diff(np.append(first_at, g_series.size))) + g_period
    value = np.full(total, np.nan)
    value[at] = g_value
    n_days = np.zeros(total, dtype=np.int64)
    n_days[at] = counts
    years, poy = np.divmod(row_period, per_year)
    length = days_in_period(resolution, years, poy + 1)
    return {"series": np.repeat(present, span), "year": years, "period_of_year": poy + 1, "value": value,
            "n_days": n_days, "days": length, "coverage": n_days / length}


def sort_order(series: np.ndarray, days: np.ndarray) -> np.ndarray | None:
    """The stable order of rows by (series, day), or None when they are in that order already.

    Archives list each series day by day, so the common case costs one pass, not a sort.

    >>> sort_order(np.array([0, 0, 1]), np.array([5, 6, 1])) is None
    True
    >>> sort_order(np.array([1, 0, 0]), np.array([1, 6, 5])).tolist()
    [2, 1, 0]
    """
    if series.size == 0:
        return None
    low = int(days.min())
    key = series.astype(np.int64) * (int(days.max()) - low + 1) + (days - low)
    if np.all(key[1:] >= key[:-1]):
        return None
    return np.argsort(key, kind="stable")


def group_values(values: np.ndarray, starts: np.ndarray, counts: np.ndarray, rule_of_group: np.ndarray,
                 rules: list[str]) -> np.ndarray:
    """The value of each group by its rule (``rules[rule_of_group]``: mean, last, max, min, sum).

    A group is ``values[start:start + count]``.
    """
    out = np.empty(starts.size)
    for k, rule in enumerate(rules):
        m = rule_of_group == k
        if not m.any():
            continue
        s, n = starts[m], counts[m]
        if rule == "last":
            out[m] = values[s + n - 1]
        elif rule == "max":
            out[m] = np.maximum.reduceat(values, starts)[m]
        elif rule == "min":
            out[m] = np.minimum.reduceat(values, starts)[m]
        elif rule in ("mean", "sum"):
            total = compensated_sums(values, s, n)
            out[m] = total / n if rule == "mean" else total
        else:
            raise ValueError(f"unknown aggregation rule {rule!r}")
    return out


def compensated_sums(values: np.ndarray, starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Compensated (Kahan) sum of each group, its values taken in order.

    Every path (one series, all series, a chunk of stations on a cluster) sums with this one
    function, so a period's value is the same to the last bit whichever path computed it: the
    Weibull ranks of a climatology see two equal values as a tie, and a last-bit difference
    would part them. One step per position in the groups (at most 31, the days of a month),
    each over every group.

    >>> compensated_sums(np.array([0.1] * 10 + [1.0]), np.array([0, 10]), np.array([10, 1])).tolist()
    [1.0, 1.0]
    """
    total = np.zeros(starts.size)
    compensation = np.zeros(starts.size)
    live = np.arange(starts.size)
    for k in range(int(counts.max(initial=0))):
        live = live[counts[live] > k]
        y = values[starts[live] + k] - compensation[live]
        t = total[live] + y
        compensation[live] = (t - total[live]) - y
        total[live] = t
    return total


def days_in_period(resolution: str, years: np.ndarray, period_of_year: np.ndarray) -> np.ndarray:
    """Number of days of each period (dekad 1-36 or month 1-12) of each calendar year.

    >>> days_in_period("dekad", np.array([2024, 2023, 2024]), np.array([6, 6, 7])).tolist()
    [9, 8, 10]
    >>> days_in_period("month", np.array([2024]), np.array([2])).tolist()
    [29]
    """
    years = np.asarray(years, dtype=np.int64)
    poy = np.asarray(period_of_year, dtype=np.int64)
    month = poy - 1 if resolution == "month" else (poy - 1) // 3
    first = (years - 1970) * 12 + month
    month_days = (np.asarray(first + 1, dtype="datetime64[M]").astype("datetime64[D]")
                  - np.asarray(first, dtype="datetime64[M]").astype("datetime64[D]")).astype(np.int64)
    if resolution == "month":
        return month_days
    return np.where((poy - 1) % 3 == 2, month_days - 20, 10)
