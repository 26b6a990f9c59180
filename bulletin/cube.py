"""Period series, climatologies and status of every series of the observations at once.

The data commands (``climatology``, ``status``, ``ssi``) and the distributed path work on whole
archives: thousands of stations, decades of days. Here each step is one array operation over
all series, not a loop over them:

- :func:`period_table`: every series aggregated to dekads or months with coverage. Daily-only
  series (the common case) are aggregated together, sorted once by series and date; a series
  that also holds pentad, dekad or month values goes through
  :func:`~bulletin.series.period_series`, which merges resolutions.
- :func:`climatology_table`: the norm and Weibull percentiles of every series and period of
  year, from one sort of all reference values by (series, period of year, value).
- :func:`status_rows`: % of norm, Weibull percentile and HydroSOS category of every period.

The numbers are those of :func:`~bulletin.climatology.climatology` and
:func:`~bulletin.climatology.status_table` (the tests hold them equal): the interpolations
below follow ``numpy.interp`` step by step, so percentiles agree to the last bit; means are
sums in another order, equal to about 1e-15.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .aggregation import aggregate_many
from .climatology import CATEGORIES, NO_DATA, QUANTILES, ClimateSettings, ReferenceValues, category_codes
from .ingest import Observations
from .ingest.observations import codes_of, series_codes
from .series import period_series
from .units import load_variables

PERIOD_COLUMNS = ["station", "variable", "year", "period_of_year", "value", "n_days", "days", "coverage"]
CLIMATE_COLUMNS = ["station", "variable", "period_of_year", "n_years", "mean",
                   *(f"p{q}" for q in QUANTILES), "edge1", "edge2", "edge3", "edge4"]
STATUS_COLUMNS = ["station", "variable", "period", "value", "pct_of_norm", "percentile", "category"]


# ---- aggregation ----------------------------------------------------------------------------

def period_table(obs: Observations, resolution: str) -> pd.DataFrame:
    """Dekad or month series of every (station, variable) of ``obs``, stacked.

    Returns
    -------
    pandas.DataFrame
        :data:`PERIOD_COLUMNS`, sorted by station, variable, year and period of year: for each
        series the rows :func:`~bulletin.series.period_series` gives (every period from the
        first to the last touched, value NaN and n_days 0 where no day has a value).
    """
    frame = obs.frame
    keys = sorted(obs.keys())
    if not keys:
        return pd.DataFrame({c: pd.Series([], dtype=object if c in ("station", "variable") else float)
                             for c in PERIOD_COLUMNS})
    daily_only = _daily_only_series(frame, obs.codes())
    parts = []
    fast = [k for k in keys if k in daily_only]
    if fast:
        parts.append(_aggregate_days(frame, fast, resolution, obs.codes()))
    for station, variable in (k for k in keys if k not in daily_only):
        agg = period_series(obs, station, variable, resolution)
        agg.insert(0, "variable", variable)
        agg.insert(0, "station", station)
        parts.append(agg)
    out = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    if len(parts) > 1:
        out = out.sort_values(["station", "variable", "year", "period_of_year"], kind="stable", ignore_index=True)
        for col in ("station", "variable"):
            out[col] = pd.Categorical(out[col].astype(object))
    for col in ("year", "period_of_year", "n_days", "days"):
        out[col] = out[col].astype(np.int64)
    out["value"] = out["value"].astype(float)
    out["coverage"] = out["coverage"].astype(float)
    return out[PERIOD_COLUMNS]


def _daily_only_series(frame: pd.DataFrame, codes) -> set[tuple[str, str]]:
    """The (station, variable) series whose observations are all daily (``codes``: :func:`series_codes` of the frame)."""
    code, keys = codes
    resolution, words = codes_of(frame["resolution"])
    not_day = np.flatnonzero(words != "day")
    other = np.zeros(len(keys), dtype=bool)
    if not_day.size:
        other[np.unique(code[np.isin(resolution, not_day)])] = True
    return {k for k, o in zip(keys, other, strict=True) if not o}


def _aggregate_days(frame: pd.DataFrame, keys: list[tuple[str, str]], resolution: str, codes) -> pd.DataFrame:
    """:func:`~bulletin.climatology.aggregate` of the daily series ``keys`` (sorted), all in one pass."""
    key_index = pd.MultiIndex.from_tuples(keys, names=["station", "variable"])
    code, present = codes
    series = key_index.get_indexer(pd.MultiIndex.from_tuples(present))[code] if present else code
    keep = series >= 0
    how_of = {name: v.aggregate for name, v in load_variables().items()}
    how = np.array([how_of[variable] for _, variable in keys], dtype=object)
    days = frame["date"].to_numpy()[keep].astype("datetime64[D]").astype(np.int64)
    out = aggregate_many(series[keep], days, frame["value"].to_numpy(dtype=float)[keep], resolution, how)
    row_series = out.pop("series")
    return pd.DataFrame({"station": _words_of(keys, 0, row_series), "variable": _words_of(keys, 1, row_series), **out},
                        copy=False)


def _words_of(keys: list[tuple[str, str]], part: int, rows: np.ndarray) -> pd.Categorical:
    """The station (``part`` 0) or variable (1) of the series of each row, as categories."""
    codes, words = pd.factorize(np.array([k[part] for k in keys], dtype=object), sort=True)
    return pd.Categorical.from_codes(codes[rows], categories=pd.Index(np.asarray(words, dtype=object), dtype=object))


# ---- climatology and status -----------------------------------------------------------------

def _reference(periods: pd.DataFrame, resolution: str, settings: ClimateSettings,
               keys: list[tuple[str, str]] | None = None) -> tuple[ReferenceValues, list[tuple[str, str]]]:
    """The reference values of the series ``keys`` (default: those of a :func:`period_table`), and the keys."""
    codes, present = series_codes(periods)  # in the order of the table
    if keys is None:
        keys = present
    elif present:
        position = {k: i for i, k in enumerate(keys)}
        if any(k not in position for k in present):
            raise ValueError("the period table holds series that are not among the keys given")
        codes = np.array([position[k] for k in present], dtype=np.int64)[codes]
    ref = ReferenceValues(codes, len(keys), periods["year"].to_numpy(), periods["period_of_year"].to_numpy(),
                          periods["value"].to_numpy(dtype=float), periods["coverage"].to_numpy(dtype=float),
                          resolution, settings)
    return ref, list(keys)


def climatology_table(periods: pd.DataFrame, resolution: str, settings: ClimateSettings,
                      keys: list[tuple[str, str]] | None = None) -> pd.DataFrame:
    """Norm and percentiles of every series and period of year of a :func:`period_table`.

    ``keys`` lists the series (station, variable) to give, in order, also those without any
    period (36 or 12 rows with no year); default: the series of ``periods``.

    Returns
    -------
    pandas.DataFrame
        :data:`CLIMATE_COLUMNS`: one row per series and period of year (every one of 1-36 or
        1-12), as :func:`~bulletin.climatology.climatology` gives for each series; statistics
        NaN where fewer than ``min_years`` reference years have a value.
    """
    ref, keys = _reference(periods, resolution, settings, keys)
    series = np.repeat(np.arange(len(keys)), ref.per_year)
    out = pd.DataFrame({
        "station": np.array([k[0] for k in keys], dtype=object)[series],
        "variable": np.array([k[1] for k in keys], dtype=object)[series],
        "period_of_year": np.tile(np.arange(1, ref.per_year + 1), len(keys)),
        "n_years": ref.n, "mean": ref.mean(),
    })
    for q in QUANTILES:
        out[f"p{q}"] = ref.quantile(q / 100)
    for i, edge in enumerate(settings.category_edges, start=1):
        out[f"edge{i}"] = ref.quantile(edge / 100)
    return out[CLIMATE_COLUMNS]


def status_rows(periods: pd.DataFrame, resolution: str, settings: ClimateSettings) -> pd.DataFrame:
    """% of norm, Weibull percentile and HydroSOS category of every period of a :func:`period_table`.

    Returns
    -------
    pandas.DataFrame
        :data:`STATUS_COLUMNS`, one row per row of ``periods``, as
        :func:`~bulletin.climatology.status_table` gives for each series; ``value`` is the
        period's value with the coverage rule applied (NaN below it).
    """
    ref, _ = _reference(periods, resolution, settings)
    values = ref.values
    norm = ref.mean()[ref.group]
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(np.isnan(values) | np.isnan(norm) | (norm == 0), np.nan, 100.0 * values / norm)
    edges = [ref.quantile(e / 100)[ref.group] for e in settings.category_edges]
    percentile = ref.percentile()
    category = (category_codes(values, edges, percentile, settings.category_edges) + 1).astype(np.int8)
    return pd.DataFrame({"station": periods["station"], "variable": periods["variable"],
                         "period": period_labels(resolution, ref.years, ref.poy), "value": values,
                         "pct_of_norm": pct, "percentile": percentile,
                         "category": pd.Categorical.from_codes(category, categories=[NO_DATA, *CATEGORIES])},
                        columns=STATUS_COLUMNS, copy=False)


def period_labels(resolution: str, years: np.ndarray, period_of_year: np.ndarray) -> pd.Categorical:
    """Period notation of each (year, period of year): ``1995-03-d2`` for dekads, ``1995-03`` for months.

    >>> period_labels("dekad", np.array([1995, 2026]), np.array([8, 36])).tolist()
    ['1995-03-d2', '2026-12-d3']
    """
    key = np.asarray(years, dtype=np.int64) * 100 + np.asarray(period_of_year, dtype=np.int64)
    low = int(key.min(initial=0))
    present = np.zeros(int(key.max(initial=0)) - low + 1, dtype=bool)  # a table of the keys, not a sort
    present[key - low] = True
    unique = np.flatnonzero(present) + low
    position = np.zeros(present.size, dtype=np.int64)
    position[unique - low] = np.arange(unique.size)
    inverse = position[key - low]
    y, k = np.divmod(unique, 100)
    if resolution == "month":
        labels = [f"{a:04d}-{b:02d}" for a, b in zip(y.tolist(), k.tolist(), strict=True)]
    else:
        labels = [f"{a:04d}-{(b - 1) // 3 + 1:02d}-d{(b - 1) % 3 + 1}" for a, b in zip(y.tolist(), k.tolist(), strict=True)]
    return pd.Categorical.from_codes(inverse.reshape(-1), categories=pd.Index(labels, dtype=object))
