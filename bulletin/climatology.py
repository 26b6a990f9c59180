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
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .periods import PERIODS_PER_YEAR, Period, period_keys

CATEGORIES = ("low", "below_normal", "normal", "above_normal", "high")
NO_DATA = "no_data"
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
        Daily values indexed by date; missing days may be absent or NaN.
    resolution : {'dekad', 'month'}
    how : {'mean', 'last', 'max', 'min', 'sum'}
        ``last`` is the last value present in the period (state variables such as volume).

    Returns
    -------
    pandas.DataFrame
        One row per period from the first to the last period touched by the data, with
        columns year, period_of_year, value, n_days (days present), days (days in the
        period) and coverage (n_days / days). A period without data has value NaN.
    """
    cols = ["year", "period_of_year", "value", "n_days", "days", "coverage"]
    daily = daily.dropna()
    if daily.empty:
        return pd.DataFrame(columns=cols)
    first = Period.containing(resolution, daily.index.min().date())
    last = Period.containing(resolution, daily.index.max().date())
    full = pd.date_range(first.start, last.end, freq="D")
    values = daily.groupby(level=0).first().reindex(full)
    years, poy = period_keys(full, resolution)
    frame = pd.DataFrame({"year": years, "period_of_year": poy, "v": values.to_numpy()})
    grouped = frame.groupby(["year", "period_of_year"], sort=True)["v"]
    if how == "last":
        value = grouped.last()  # last non-missing value
    else:
        value = getattr(grouped, how)()
        if how == "sum":
            value = value.where(grouped.count() > 0)
    out = pd.DataFrame({"value": value, "n_days": grouped.count(), "days": grouped.size()}).reset_index()
    out["coverage"] = out["n_days"] / out["days"]
    return out[cols]


def apply_coverage(agg: pd.DataFrame, min_coverage: float) -> pd.DataFrame:
    """Set the value of periods below ``min_coverage`` [0-1] to NaN (they are ``no_data``)."""
    out = agg.copy()
    out.loc[out["coverage"] < min_coverage, "value"] = np.nan
    return out


# ---- percentiles ----------------------------------------------------------------------------

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
    unique, inverse = np.unique(x, return_inverse=True)
    return unique, np.bincount(inverse, weights=weibull_positions(x.size), minlength=unique.size) / np.bincount(
        inverse, minlength=unique.size)


def categorise(value: float, p10: float, p25: float, p75: float, p90: float) -> str:
    """HydroSOS category of ``value`` against the percentile values at the category edges.

    A value at or below an edge falls in the lower category (upper-inclusive bands).
    """
    if any(np.isnan(v) for v in (value, p10, p25, p75, p90)):
        return NO_DATA
    if value <= p10:
        return "low"
    if value <= p25:
        return "below_normal"
    if value <= p75:
        return "normal"
    if value <= p90:
        return "above_normal"
    return "high"


# ---- climatology ----------------------------------------------------------------------------

def in_reference(years, reference: tuple[int, int] | None) -> np.ndarray:
    """Whether each of ``years`` is in the reference period (first and last year included); all are if None."""
    years = np.asarray(years)
    if reference is None:
        return np.ones(years.shape, dtype=bool)
    return (years >= reference[0]) & (years <= reference[1])


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
        p10, p25, p50, p75, p90. Statistics are NaN where fewer than ``min_years`` years
        are available.
    """
    usable = apply_coverage(agg, settings.coverage_for(resolution))
    usable = usable[in_reference(usable["year"], settings.reference) & usable["value"].notna()]
    rows = []
    for poy in range(1, PERIODS_PER_YEAR[resolution] + 1):
        vals = usable.loc[usable["period_of_year"] == poy, "value"].to_numpy(dtype=float)
        row = {"period_of_year": poy, "n_years": int(vals.size)}
        enough = vals.size >= settings.min_years and vals.size > 0
        row["mean"] = float(vals.mean()) if enough else np.nan
        for q in QUANTILES:
            row[f"p{q}"] = weibull_quantile(vals, q / 100) if enough else np.nan
        for i, edge in enumerate(settings.category_edges, start=1):
            row[f"edge{i}"] = weibull_quantile(vals, edge / 100) if enough else np.nan
        row["_values"] = np.sort(vals) if enough else np.array([])
        rows.append(row)
    return pd.DataFrame(rows).set_index("period_of_year")


def status_of(value: float, clim_row: pd.Series) -> dict:
    """Percent of norm, percentile and category of one period value against its climatology row."""
    norm = clim_row["mean"]
    if np.isnan(value) or np.isnan(norm):
        pct = np.nan
    else:
        pct = 100.0 * value / norm if norm != 0 else np.nan
    ref = clim_row["_values"]
    percentile = percentile_rank(value, ref) if len(ref) else np.nan
    category = categorise(value, clim_row["edge1"], clim_row["edge2"], clim_row["edge3"], clim_row["edge4"])
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
    missing = np.isnan(values) | np.any(np.isnan(edges), axis=0)
    category = np.select([missing, values <= edges[0], values <= edges[1], values <= edges[2], values <= edges[3]],
                         [NO_DATA, *CATEGORIES[:4]], default=CATEGORIES[4])
    labels = [_period_label(resolution, int(y), int(k)) for y, k in zip(years, poy, strict=True)]
    return pd.DataFrame({"period": labels, "value": usable["value"].to_numpy(), "pct_of_norm": pct,
                         "percentile": percentile, "category": category.astype(object)},
                        columns=["period", "value", "pct_of_norm", "percentile", "category"])


@functools.lru_cache(maxsize=4096)
def _period_label(resolution: str, year: int, period_of_year: int) -> str:
    return Period.from_period_of_year(resolution, year, period_of_year).label
