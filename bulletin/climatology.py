"""Aggregation to periods, norms and Weibull percentiles per period of year, HydroSOS categories.

References
----------
.. [1] WMO HydroSOS, "Status relative to normal" (community.wmo.int/node/37641): monthly mean,
   missing below 50 % of days; % of the long-term average; Weibull plotting position
   rank/(n+1) with linear interpolation of the values at 0.10, 0.25, 0.75 and 0.90; a value
   at or below an edge falls in the lower category.
"""

from __future__ import annotations

import functools
import weakref
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .aggregation import aggregate_many
from .percentiles import (  # noqa: F401  (the names the callers of climatology import from it)
    CATEGORIES,
    CATEGORY_OR_NO_DATA,
    NO_DATA,
    category_codes,
    percentile_rank,
    plotting_positions,
    weibull_positions,
    weibull_quantile,
)
from .periods import PERIODS_PER_YEAR, Period

QUANTILES = (10, 25, 50, 75, 90)


@dataclass(frozen=True)
class ClimateSettings:
    """How norms and categories are computed (catalogue ``settings``).

    Parameters
    ----------
    reference : tuple of int or None
        First and last calendar year of the reference period; None is the full record.
    min_coverage : dict
        Least share of days present [0-1] for a period value, per resolution.
    min_years : int
        Least number of reference years for a norm.
    category_edges : tuple of float
        Percentile edges [%] of the five categories (HydroSOS 2025: 10, 25, 75, 90).
    """

    reference: tuple[int, int] | None = (1991, 2020)
    min_coverage: tuple[tuple[str, float], ...] = (("dekad", 0.7), ("month", 0.5))
    min_years: int = 10
    category_edges: tuple[float, float, float, float] = (10.0, 25.0, 75.0, 90.0)

    def coverage_for(self, resolution: str) -> float:
        """Least share of days present [0-1] for a period value of ``resolution`` (dekad or month)."""
        return dict(self.min_coverage)[resolution]

    @property
    def reference_label(self) -> str:
        """The reference period as text: ``1991-2020``, or ``full`` for the full record."""
        return "full" if self.reference is None else f"{self.reference[0]}-{self.reference[1]}"


def parse_reference(text: str) -> tuple[int, int] | None:
    """``1991-2020`` -> (1991, 2020); ``full`` -> None."""
    text = text.strip().lower()
    if text == "full":
        return None
    parts = text.split("-")
    if len(parts) == 2 and all(p.isdigit() and len(p) == 4 for p in parts) and int(parts[0]) <= int(parts[1]):
        return int(parts[0]), int(parts[1])
    raise ValueError(f"'{text}' is not a reference period; write FIRST-LAST years (1991-2020) or 'full'")


# ---- aggregation ----------------------------------------------------------------------------

def aggregate(daily: pd.Series, resolution: str, how: str = "mean") -> pd.DataFrame:
    """Aggregate a daily series to dekads or months, recording coverage.

    Parameters
    ----------
    daily : pandas.Series
        Daily values indexed by date; missing days may be absent or NaN. Of a day given
        twice, the first value present wins.
    resolution : {'dekad', 'month'}
    how : {'mean', 'last', 'max', 'min', 'sum'}
        ``last`` is the last value present in the period (state variables such as volume).
        Sums and means are compensated sums (:func:`compensated_sums`).

    Returns
    -------
    pandas.DataFrame
        One row per period from the first to the last period touched by the data, with
        columns year, period_of_year, value, n_days (days present), days (days in the
        period) and coverage (n_days / days). A period without data has value NaN.
    """
    cols = ["year", "period_of_year", "value", "n_days", "days", "coverage"]
    days = pd.DatetimeIndex(daily.index).to_numpy().astype("datetime64[D]").astype(np.int64)
    out = aggregate_many(np.zeros(days.size, dtype=np.int64), days, daily.to_numpy(dtype=float), resolution,
                         np.array([how], dtype=object))
    if out["year"].size == 0:
        return pd.DataFrame(columns=cols)
    return pd.DataFrame({c: out[c] for c in cols})


def apply_coverage(agg: pd.DataFrame, min_coverage: float) -> pd.DataFrame:
    """Set the value of periods below ``min_coverage`` [0-1] to NaN (they are ``no_data``)."""
    out = agg.copy()
    out.loc[out["coverage"] < min_coverage, "value"] = np.nan
    return out


# ---- climatology ----------------------------------------------------------------------------

def in_reference(years, reference: tuple[int, int] | None) -> np.ndarray:
    """Whether each of ``years`` is in the reference period (first and last year included); all are if None."""
    years = np.asarray(years)
    if reference is None:
        return np.ones(years.shape, dtype=bool)
    return (years >= reference[0]) & (years <= reference[1])


class ReferenceValues:
    """The reference values of every (series, period of year) group of period series, sorted in each group.

    One sort of all the values by (group, value) gives every climatology at once: groups are
    numbered ``series * periods_per_year + period_of_year - 1``; ``n`` is the number of reference
    values of each group, ``start`` the position of its first in ``sorted``; ``enough`` marks
    groups with at least ``min_years`` values. The interpolations follow ``numpy.interp`` step by
    step, so the percentiles equal those of :func:`weibull_quantile` and :func:`percentile_rank`
    to the last bit; a mean is the sum of its values in year order over their number.

    Parameters
    ----------
    series : numpy.ndarray of int
        The series of each row (numbered from 0 to ``n_series - 1``).
    years, period_of_year, values, coverage : numpy.ndarray
        The rows of the period series (:func:`aggregate`); coverage is applied here.
    """

    def __init__(self, series: np.ndarray, n_series: int, years: np.ndarray, period_of_year: np.ndarray,
                 values: np.ndarray, coverage: np.ndarray, resolution: str, settings: ClimateSettings):
        per_year = PERIODS_PER_YEAR[resolution]
        self.per_year = per_year
        covered = np.asarray(coverage, dtype=float) >= settings.coverage_for(resolution)
        self.values = np.where(covered, np.asarray(values, dtype=float), np.nan)  # coverage applied
        self.years = np.asarray(years, dtype=np.int64)
        self.poy = np.asarray(period_of_year, dtype=np.int64)
        self.group = np.asarray(series, dtype=np.int64) * per_year + self.poy - 1
        groups = n_series * per_year
        use = in_reference(self.years, settings.reference) & ~np.isnan(self.values)
        g, v = self.group[use], self.values[use]
        self.n = np.bincount(g, minlength=groups)
        self.sum = np.bincount(g, weights=v, minlength=groups)  # in the order of the rows: year by year
        order = np.lexsort((v, g))
        self.sorted = v[order]
        self.start = np.concatenate(([0], np.cumsum(self.n)[:-1])).astype(np.int64)
        self.enough = (self.n >= settings.min_years) & (self.n > 0)

    def sorted_values(self, group: int) -> np.ndarray:
        """The sorted reference values of one group (empty when it has not enough)."""
        if not self.enough[group]:
            return np.array([])
        return self.sorted[self.start[group]: self.start[group] + self.n[group]]

    def quantile(self, q: float) -> np.ndarray:
        """Weibull quantile at ``q`` [0-1] of every group (NaN where not enough values)."""
        return self.quantiles([q])[0]

    def quantiles(self, qs) -> np.ndarray:
        """:meth:`quantile` at each of ``qs`` [0-1], one row per quantile, computed together (the same numbers)."""
        q = np.asarray(qs, dtype=float)[:, None]
        out = np.full((q.shape[0], self.n.size), np.nan)
        idx = np.flatnonzero(self.enough)
        n, start = self.n[idx], self.start[idx]
        x = self.sorted
        # numpy.interp(q, k / (n + 1) for k = 1..n, sorted values): c = how many positions are <= q
        c = np.clip(np.floor(q * (n + 1)).astype(np.int64), 0, n)
        c = np.where((c < n) & ((c + 1) / (n + 1) <= q), c + 1, c)
        c = np.where((c > 0) & (c / (n + 1) > q), c - 1, c)
        below = c == 0
        above = c >= n
        j = np.clip(c - 1, 0, np.maximum(n - 2, 0))
        xj, xj1 = x[start + j], x[start + np.minimum(j + 1, n - 1)]
        pj, pj1 = (j + 1) / (n + 1), (j + 2) / (n + 1)
        res = _between(q, pj, pj1, xj, xj1)
        res = np.where(below, x[start], np.where(above, x[start + n - 1], res))
        out[:, idx] = res
        return out

    def mean(self) -> np.ndarray:
        """Mean of the reference values of every group (NaN where not enough values)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.enough, self.sum / np.maximum(self.n, 1), np.nan)

    def percentile(self) -> np.ndarray:
        """Weibull percentile [%] of every row's value among its group's reference values.

        As :func:`~bulletin.climatology.plotting_positions` and ``numpy.interp``: equal
        reference values share the mean of their positions; outside the reference range the
        extreme position is taken; NaN where the value is missing or the group has not enough years.
        """
        # distinct reference values of each group and their mean plotting positions
        x = self.sorted
        owner = np.repeat(np.arange(self.n.size), self.n)
        rank = np.arange(x.size) - self.start[owner] + 1
        position = rank / (self.n[owner] + 1)
        new = np.ones(x.size, dtype=bool)
        new[1:] = (owner[1:] != owner[:-1]) | (x[1:] != x[:-1])
        tie = np.cumsum(new) - 1
        u_pos = np.bincount(tie, weights=position) / np.bincount(tie)
        u_val, u_owner = x[new], owner[new]
        u_n = np.bincount(u_owner, minlength=self.n.size)
        u_start = np.concatenate(([0], np.cumsum(u_n)[:-1]))

        out = np.full(self.values.size, np.nan)
        ask = np.flatnonzero(~np.isnan(self.values) & self.enough[self.group])
        if ask.size == 0 or u_val.size == 0:
            return out
        v, g = self.values[ask], self.group[ask]
        # how many distinct reference values of its group are <= each value: one merged sort
        kind = np.concatenate((np.zeros(u_val.size, dtype=np.int8), np.ones(v.size, dtype=np.int8)))
        merged_g = np.concatenate((u_owner, g))
        merged_v = np.concatenate((u_val, v))
        order = np.lexsort((kind, merged_v, merged_g))
        is_ref = kind[order] == 0
        refs_before = np.cumsum(is_ref)
        at = order[~is_ref] - u_val.size  # query index, in merged order
        c = np.empty(v.size, dtype=np.int64)
        c[at] = refs_before[~is_ref] - u_start[g[at]]
        m = u_n[g]
        j = np.clip(c - 1, 0, np.maximum(m - 2, 0))
        first = u_start[g]
        xj, xj1 = u_val[first + j], u_val[first + np.minimum(j + 1, m - 1)]
        pj, pj1 = u_pos[first + j], u_pos[first + np.minimum(j + 1, m - 1)]
        res = _between(v, xj, xj1, pj, pj1)
        res = np.where(v == xj, pj, res)
        res = np.where(c == 0, u_pos[first], np.where(c >= m, u_pos[first + m - 1], res))
        out[ask] = 100.0 * res
        return out


def _between(x, xj, xj1, yj, yj1):
    """``numpy.interp``'s step between two points (xj, yj) and (xj1, yj1), with its NaN fallbacks."""
    with np.errstate(invalid="ignore", divide="ignore"):
        slope = (yj1 - yj) / (xj1 - xj)
        res = slope * (x - xj) + yj
        other = slope * (x - xj1) + yj1
    res = np.where(np.isnan(res), other, res)
    res = np.where(np.isnan(res) & (yj == yj1), yj, res)
    return np.where(x == xj, yj, res)


def climatology(agg: pd.DataFrame, resolution: str, settings: ClimateSettings) -> pd.DataFrame:
    """Norm and percentiles per period of year over the reference period.

    Parameters
    ----------
    agg : pandas.DataFrame
        Output of :func:`aggregate` (coverage is applied here).

    Returns
    -------
    pandas.DataFrame
        Indexed by period_of_year (1..36 or 1..12, every one present), columns n_years,
        mean, the percentile values at the category edges (``edge1``..``edge4``) and
        p10, p25, p50, p75, p90, and ``_values``, the sorted reference values. Statistics are
        NaN where fewer than ``min_years`` years are available. The numbers are those of
        :class:`ReferenceValues`, as for many series at once.
    """
    ref = ReferenceValues(np.zeros(len(agg), dtype=np.int64), 1, agg["year"].to_numpy(),
                          agg["period_of_year"].to_numpy(), agg["value"].to_numpy(dtype=float),
                          agg["coverage"].to_numpy(dtype=float), resolution, settings)
    names = [f"p{q}" for q in QUANTILES] + [f"edge{i}" for i in range(1, len(settings.category_edges) + 1)]
    table = ref.quantiles([q / 100 for q in QUANTILES] + [edge / 100 for edge in settings.category_edges])
    columns = {"n_years": ref.n, "mean": ref.mean()} | dict(zip(names, table, strict=True))
    values = np.empty(ref.per_year, dtype=object)  # one array per row, never a 2-D block
    edge_percents = np.empty(ref.per_year, dtype=object)  # the edges' own percentiles, for ties (category_codes)
    for g in range(ref.per_year):
        values[g] = ref.sorted_values(g)
        edge_percents[g] = tuple(settings.category_edges)
    columns["_values"] = values
    columns["_edge_percents"] = edge_percents
    out = pd.DataFrame(columns, index=pd.RangeIndex(1, ref.per_year + 1, name="period_of_year"))
    _remember(out, columns)  # its rows are read many times (climate_row)
    return out


_TABLES: dict[int, tuple] = {}
"""id of a climatology table -> (weak reference to it, its columns taken apart); see :func:`climate_row`."""


def _remember(clim: pd.DataFrame, columns: dict) -> tuple:
    """Keep (label -> position, column -> array, rows made) of a climatology table while it lives."""
    key = id(clim)
    table = ({label: i for i, label in enumerate(clim.index.tolist())}, columns, {})
    _TABLES[key] = (weakref.ref(clim, lambda _, key=key: _TABLES.pop(key, None)), table)
    return table


def _columns(clim: pd.DataFrame) -> tuple:
    """The columns of a climatology table taken apart (:func:`_remember`), once per table."""
    hit = _TABLES.get(id(clim))
    if hit is not None and hit[0]() is clim:
        return hit[1]
    return _remember(clim, {c: clim[c].to_numpy() for c in clim.columns})


def climate_row(clim: pd.DataFrame, period_of_year: int) -> dict:
    """The row of ``period_of_year`` of a climatology table: column -> value, as ``clim.loc[period_of_year]`` holds them.

    The values are those of the row (numpy scalars, the ``_values`` array), read from the
    table's columns, which are taken apart once per table (:func:`climatology` keeps the arrays
    it makes the table of): an indicator is assessed in many periods. A table is not changed
    once made. Raises KeyError for a period of year the table does not have.
    """
    index, columns, rows = _columns(clim)
    row = rows.get(period_of_year)
    if row is None:
        at = index[period_of_year]
        row = rows[period_of_year] = {c: values[at] for c, values in columns.items()}
    return dict(row)


def climate_value(clim: pd.DataFrame, period_of_year: int, column: str):
    """``clim.loc[period_of_year, column]`` of a climatology table (see :func:`climate_row`)."""
    index, columns, _ = _columns(clim)
    return columns[column][index[period_of_year]]


def status_of(value: float, clim_row) -> dict:
    """Percent of norm, percentile and category of one period value against its climatology row.

    ``clim_row`` is a row of :func:`climatology` (``clim.loc[period_of_year]``, or :func:`climate_row`).
    """
    norm = clim_row["mean"]
    if np.isnan(value) or np.isnan(norm):
        pct = np.nan
    else:
        pct = 100.0 * value / norm if norm != 0 else np.nan
    ref = clim_row["_values"]
    percentile = percentile_rank(value, ref) if len(ref) else np.nan
    edges = [clim_row[f"edge{i}"] for i in range(1, 5)]
    category = CATEGORY_OR_NO_DATA[int(category_codes(value, edges, percentile, clim_row["_edge_percents"]))]
    return {"norm": norm, "pct_of_norm": pct, "percentile": percentile, "category": category}


def status_table(agg: pd.DataFrame, clim: pd.DataFrame, resolution: str, settings: ClimateSettings) -> pd.DataFrame:
    """Category of every period in ``agg``: value, % of norm, percentile, category.

    The same numbers as :func:`status_of` gives row by row (the tests hold them equal), computed
    with array operations per period of year: the record of a series is thousands of periods.
    """
    usable = apply_coverage(agg, settings.coverage_for(resolution))
    values = usable["value"].to_numpy(dtype=float)
    poy = usable["period_of_year"].to_numpy(dtype=int)
    years = usable["year"].to_numpy(dtype=int)
    rows = clim.reindex(poy)
    norm = rows["mean"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(np.isnan(values) | np.isnan(norm) | (norm == 0), np.nan, 100.0 * values / norm)
    percentile = np.full(values.shape, np.nan)
    for k in np.unique(poy):
        at = (poy == k) & ~np.isnan(values)
        unique, position = plotting_positions(clim.at[k, "_values"])
        if unique.size and at.any():
            percentile[at] = 100.0 * np.interp(values[at], unique, position)
    edges = [rows[f"edge{i}"].to_numpy(dtype=float) for i in range(1, 5)]
    category = CATEGORY_OR_NO_DATA[category_codes(values, edges, percentile, settings.category_edges)]
    labels = [_period_label(resolution, int(y), int(k)) for y, k in zip(years, poy, strict=True)]
    return pd.DataFrame({"period": labels, "value": usable["value"].to_numpy(), "pct_of_norm": pct,
                         "percentile": percentile, "category": category.astype(object)},
                        columns=["period", "value", "pct_of_norm", "percentile", "category"])


@functools.lru_cache(maxsize=4096)
def _period_label(resolution: str, year: int, period_of_year: int) -> str:
    return Period.from_period_of_year(resolution, year, period_of_year).label
