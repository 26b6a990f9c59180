"""Weibull plotting positions, percentiles and the HydroSOS categories they give.

The record of a period of year is ranked (Weibull positions rank/(n + 1), equal values sharing
the mean of their positions), values are read off it at a non-exceedance probability by linear
interpolation, and a value is placed in one of the five HydroSOS categories by the values at the
category edges (:mod:`bulletin.climatology` gives the references).
"""

from __future__ import annotations

import numpy as np

CATEGORIES = ("low", "below_normal", "normal", "above_normal", "high")
NO_DATA = "no_data"


def weibull_positions(n: int) -> np.ndarray:
    """Weibull plotting positions i/(n+1), i = 1..n [0-1]."""
    return np.arange(1, n + 1) / (n + 1)


def weibull_quantile(values, q: float) -> float:
    """Value at non-exceedance probability ``q`` [0-1] by the Weibull plotting position.

    The sorted values are placed at i/(n+1) and interpolated linearly; beyond the first and
    last positions the extreme value is taken (numpy's ``method="weibull"``).
    """
    x = np.sort(np.asarray(values, dtype=float)[~np.isnan(np.asarray(values, dtype=float))])
    if x.size == 0:
        return float("nan")
    return float(np.interp(q, weibull_positions(x.size), x))


def percentile_rank(value: float, reference) -> float:
    """Non-exceedance percentile [%] of ``value`` among ``reference`` values (Weibull, linear).

    A value outside the reference range takes the extreme plotting position, 100/(n+1) or
    100n/(n+1): the record cannot say more.
    """
    unique, position = plotting_positions(reference)
    if unique.size == 0 or np.isnan(value):
        return float("nan")
    return 100.0 * float(np.interp(value, unique, position))


def plotting_positions(reference) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values of ``reference`` (NaN left out) and their Weibull positions [0-1].

    Equal reference values share the mean of their plotting positions.
    """
    x = np.sort(np.asarray(reference, dtype=float)[~np.isnan(np.asarray(reference, dtype=float))])
    first = np.empty(x.size, dtype=bool)  # numpy.unique of the sorted values, with their inverse
    first[:1] = True
    np.not_equal(x[1:], x[:-1], out=first[1:])
    unique, inverse = x[first], np.cumsum(first) - 1
    return unique, np.bincount(inverse, weights=weibull_positions(x.size), minlength=unique.size) / np.bincount(
        inverse, minlength=unique.size)


def category_codes(values, edges, percentiles, edge_percents) -> np.ndarray:
    """HydroSOS category of each value, as its index in :data:`CATEGORIES` (0 low .. 4 high); -1 where it has none.

    ``edges``: the values at the category edges (four arrays or numbers); ``edge_percents``: their
    own percentiles (10, 25, 75, 90); ``percentiles``: the values' Weibull percentiles [%], or a
    function giving them for the values it is passed (called only when needed). A value at or
    below an edge falls in the lower category. Where two edges meet at a value, the record holds
    it in several years, and the lowest band they bound would be taken: a record flat at 42 would
    call 42 "low", a river dry in most years its usual zero. Such a value takes the band of its
    percentile, the mean position of its tied years.

    >>> edges = (54.2, 61.0, 61.0, 79.5)  # 61 in 20 of 30 years: the edges of 25 % and 75 % meet at it
    >>> category_codes([61.0, 60.0, 54.2, 80.0, float("nan")], edges, [50.0, 38.7, 10.0, 93.5, float("nan")],
    ...                (10, 25, 75, 90)).tolist()
    [2, 1, 0, 4, -1]
    """
    v = np.asarray(values, dtype=float)
    e = [np.broadcast_to(np.asarray(x, dtype=float), v.shape) for x in edges]
    codes = _band(v, e)
    tied = np.zeros(v.shape, dtype=bool)
    for lower, upper in zip(e[:-1], e[1:], strict=True):
        tied |= (v == lower) & (lower == upper)
    if tied.any():
        p = (np.asarray(percentiles(v[tied]), dtype=float) if callable(percentiles) else
             np.broadcast_to(np.asarray(percentiles, dtype=float), v.shape)[tied])
        codes[tied] = np.where(np.isnan(p), codes[tied], _band(p, edge_percents))
    return np.where(np.isnan(v) | np.any([np.isnan(x) for x in e], axis=0), -1, codes)


def _band(x: np.ndarray, limits) -> np.ndarray:
    """Index of the first of ``limits`` at or above each of ``x`` (``len(limits)`` above them all)."""
    out = np.full(x.shape, len(limits), dtype=np.int64)
    for i in range(len(limits) - 1, -1, -1):
        out = np.where(x <= limits[i], i, out)
    return out


CATEGORY_OR_NO_DATA = np.array([*CATEGORIES, NO_DATA], dtype=object)  # by code of category_codes (-1: no_data)
