"""Checks on values given per pentad, dekad or month: other years, neighbours, repeats, gaps.

Hydromet archives and yearbooks deliver discharge already aggregated, one value per period.
A daily check cannot judge such a series, but the record itself can: the same period of the
other years tells what a value may be, and the change from one period to the next in other
years tells how far a value may stand off its neighbours. Both are judged on the logarithm of
the value, as flows vary by factors, and with the median and the median absolute deviation,
which a few wrong values do not move [1]_.

:func:`bulletin.qc.run_qc` gives these checks (registered with ``periodic=True``) the series
on every period of its resolution from the first to the last row: a period without a row is
NaN, like a missing day in a daily series. The ``rows`` checks count the empty values and the
missing periods.

References
----------
.. [1] Leys, C. et al. (2013): Detecting outliers: do not use standard deviation around the
   mean, use absolute deviation around the median. J. Exp. Soc. Psychol. 49(4), 764-766.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..periods import PERIODS_PER_YEAR, period_bounds, period_last_days, period_of_year
from ..text import N_
from .registry import CheckResult, check

ROBUST_SD = 1.4826  # standard deviation / median absolute deviation for normal data [-]
_NS = np.dtype("datetime64[ns]")


def _count(mask) -> int:
    return int(np.count_nonzero(np.asarray(mask, dtype=bool)))


def _day(ts) -> str:
    return pd.Timestamp(ts).strftime("%Y-%m-%d")


def resolution_of(index: pd.DatetimeIndex) -> str:
    """The resolution of values dated by the last day of their period, from their spacing."""
    days = np.diff(pd.DatetimeIndex(index).to_numpy().astype("datetime64[D]").astype(np.int64))
    step = float(np.median(days)) if len(days) else 30.0
    return "pentad" if step <= 6 else "dekad" if step <= 11 else "month"


def period_grid(values: pd.Series, resolution: str) -> pd.Series:
    """``values`` on every period of ``resolution`` from its first to its last date (new periods NaN).

    Values are dated by the last day of their period; a date that is not (it should not
    happen after ingest) is kept where it is.
    """
    if values.empty:
        return values
    first, last = values.index.min(), values.index.max()
    if values.index.dtype == _NS and resolution in PERIODS_PER_YEAR:  # on day numbers (in ns, as pandas keeps them)
        # the days of date_range(first, last) once normalised: from first's day, as many as it has
        days = (last - first) // pd.Timedelta(days=1)
        start = first.to_datetime64().astype("datetime64[D]")
        ends = pd.DatetimeIndex(period_last_days(resolution, start, start + days).astype(_NS))
    else:
        ends = pd.DatetimeIndex(np.unique(period_bounds(resolution, pd.date_range(first, last, freq="D"))[1]))
    return values.reindex(ends[ends <= last].union(values.index))


def _others(v: np.ndarray) -> np.ndarray:
    """Row i of each group (last axis): the values of ``v`` other than ``v[..., i]`` (a ... x k x (k-1) array)."""
    k = v.shape[-1]
    full = np.broadcast_to(v[..., None, :], (*v.shape[:-1], k, k))
    return full[..., ~np.eye(k, dtype=bool)].reshape(*v.shape[:-1], k, k - 1)


def _logs(x: np.ndarray, share: float) -> tuple[np.ndarray, float]:
    """log(x + offset) (NaN where not finite) and the offset: ``share`` of the median of the positive values."""
    positive = x[np.isfinite(x) & (x > 0)]
    c = float(share * np.median(positive)) if len(positive) else 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log(x + c)
    logs[~np.isfinite(logs)] = np.nan
    return logs, c


def _robust(values: np.ndarray, groups: np.ndarray, raw: np.ndarray, params: dict) -> pd.DataFrame:
    """Per value: median, robust SD, count, range and zero share of the other years' values of its group.

    ``values`` are the transformed values judged, ``raw`` the values as given (for the range and
    the zeros); a value is ``judged`` when at least ``min_years`` others are present and at
    most ``max_zero_share`` of them are zero.
    """
    return pd.DataFrame(_robust_arrays(values, groups, raw, params))


def _robust_arrays(values: np.ndarray, groups: np.ndarray, raw: np.ndarray, params: dict) -> dict:
    """:func:`_robust` as a dict of arrays (median, sd, low, high, years, judged)."""
    n = len(values)
    out = {k: np.full(n, np.nan) for k in ("median", "sd", "low", "high")}
    out["years"] = np.zeros(n, dtype=np.int64)
    judged = np.zeros(n, dtype=bool)
    ok = np.flatnonzero(np.isfinite(values) & np.isfinite(raw))
    ok = ok[np.argsort(groups[ok], kind="stable")]  # the values of each group together, in order
    if ok.size:
        starts = np.flatnonzero(np.r_[True, groups[ok][1:] != groups[ok][:-1]])
        sizes = np.diff(np.append(starts, ok.size))
        for k in np.unique(sizes[sizes >= 2]).tolist():  # the groups of k values at once, one per row
            at = ok[starts[sizes == k][:, None] + np.arange(k)]
            others, raw_others = _others(values[at]), _others(raw[at])
            med = np.median(others, axis=-1)
            mad = np.median(np.abs(others - med[..., None]), axis=-1)
            out["median"][at], out["sd"][at] = med, np.maximum(ROBUST_SD * mad, params["min_sd"])
            out["low"][at], out["high"][at] = raw_others.min(axis=-1), raw_others.max(axis=-1)
            out["years"][at] = k - 1
            zeros = (raw_others <= 0).mean(axis=-1)
            judged[at] = (k - 1 >= params["min_years"]) & (zeros <= params["max_zero_share"])
    out["judged"] = judged
    return out


def period_stats(s: pd.Series, resolution: str, params: dict) -> pd.DataFrame:
    """The value of each period against the same period of the other years of the record.

    Returns a frame indexed like ``s``: ``value``, ``period`` (of year), ``years`` (other years
    with a value), ``median`` (of them, in the unit of ``s``), ``low`` and ``high`` (their
    range), ``z`` (robust z-score of log(value + offset)), ``offset`` (``zero_offset`` times
    the median of the positive values) and ``judged`` (enough years, not an intermittent period).
    """
    x = s.to_numpy(dtype=float)
    logs, c = _logs(x, params["zero_offset"])
    poy = period_of_year(resolution, s.index)
    st = _robust_arrays(logs, poy, x, params)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (logs - st["median"]) / st["sd"]
    return pd.DataFrame({"value": x, "period": poy, "median": np.exp(st["median"]) - c, "sd": st["sd"],
                         "low": st["low"], "high": st["high"], "years": st["years"],
                         "judged": st["judged"] & np.isfinite(z), "z": z, "offset": np.full(len(x), c)},
                        index=s.index)


def outliers(st: pd.DataFrame, params: dict) -> np.ndarray:
    """Which values of ``st`` (:func:`period_stats` of a series) the rule of :func:`period_outlier` calls errors."""
    x, c, sd = st["value"].to_numpy(), st["offset"].to_numpy(), st["sd"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        anomaly = np.log(x + c) - np.log(st["median"].to_numpy() + c)  # log of the ratio to the median
        z = anomaly / sd
        far = st["judged"].to_numpy() & (np.abs(z) >= params["n_sd"])
        step, up = np.log(params["isolation"]), z > 0
        alone = np.ones(len(x), dtype=bool)
        for lag in (1, -1):
            other = np.roll(anomaly, lag)
            if lag > 0:
                other[:lag] = np.nan
            else:
                other[lag:] = np.nan
            apart = np.where(up, anomaly - other, other - anomaly)
            alone &= np.isnan(other) | (apart >= step)
        low, high = st["low"].to_numpy(), st["high"].to_numpy()
        outside = (x + c > params["factor"] * (high + c)) | ((x + c) * params["factor"] < low + c)
    return far & alone & outside


@check("period_outlier", title=N_("values far from the same period of other years"), periodic=True,
       context=("resolution",), n_sd=3.0, factor=2.0, isolation=3.0, min_years=10, min_sd=0.05,
       zero_offset=0.01, max_zero_share=0.25)
def period_outlier(s: pd.Series, station, params: dict) -> CheckResult:
    """A value far outside what the same period (pentad, dekad, month) was in the other years.

    For each value, the logarithms of the same period's values in the other years give a
    median and a robust standard deviation (1.4826 times their median absolute deviation, at
    least ``min_sd``). The value is an error when

    - its logarithm lies ``n_sd`` of them or more from the median,
    - it is more than ``factor`` times the highest of the other years, or less than their
      lowest divided by ``factor``, and
    - it stands alone: its ratio to the median of its period is at least ``isolation`` times
      (or at most 1/``isolation`` of) that of each neighbouring period present.

    A mistyped value (times 10 or 100, a tenth) is all three; a flood or a drought of the
    record beats the other years by less, or lasts more than one period.

    A period is judged when at least ``min_years`` other years have a value, and at most
    ``max_zero_share`` of them are zero (a river dry at that time of year is not judged).
    Before the logarithm, and before comparing with the range, ``zero_offset`` times the median
    of the series is added: a zero can be judged (a zero where no other year has one is an
    error), and the last digits of a near-dry river (1.2 against 2.5 m3/s) do not count as a
    factor 2. Two wrong values of the same period in different years, within a factor 2 of each
    other, hide each other: :func:`period_jump` still warns of both.
    """
    resolution = params.get("resolution") or resolution_of(s.index)
    st = period_stats(s, resolution, params)
    flagged = outliers(st, params)
    mask = pd.Series(flagged, index=s.index)
    if not flagged.any():
        return CheckResult(mask, f"no value {params['n_sd']:g} robust standard deviations from the same "
                                 f"{resolution} of other years", "error")
    row = st.iloc[int(np.flatnonzero(flagged)[0])]
    return CheckResult(mask, f"{_count(flagged)} value(s) {params['n_sd']:g} robust standard deviations (log) or "
                             f"more from the same {resolution} of other years, outside their range by a factor "
                             f"{params['factor']:g} and apart from both neighbours (first: {_day(row.name)}, "
                             f"{row['value']:g} where the median of {int(row['years'])} other years is "
                             f"{row['median']:.3g})", "error")


def _transitions(logs: np.ndarray, poy: np.ndarray, raw: np.ndarray, lag: int, params: dict) -> pd.DataFrame:
    """Change of log value to the period ``lag`` away, against the same change in other years."""
    other = np.roll(logs, lag)
    other_raw = np.roll(raw, lag)
    if lag > 0:
        other[:lag], other_raw[:lag] = np.nan, np.nan
    else:
        other[lag:], other_raw[lag:] = np.nan, np.nan
    change = logs - other
    st = _robust(change, poy, np.minimum(raw, other_raw), params)
    st["delta"] = change
    return st


@check("period_jump", title=N_("isolated spikes"), periodic=True, context=("resolution",), n_sd=5.0,
       min_change=0.25, min_years=10, min_sd=0.05, zero_offset=0.01, max_zero_share=0.25)
def period_jump(s: pd.Series, station, params: dict) -> CheckResult:
    """A value that stands off both neighbouring periods, in the same direction, more than usual.

    Let d1 and d2 be the changes of log(value) from the period before and to the period after.
    In the other years the same changes (into and out of the same period of year) give a
    median and a robust standard deviation (at least ``min_sd``). The value is flagged when d1
    and d2 both depart from their medians by ``n_sd`` of them or more, in the same direction
    (a peak or a trough), and by at least ``min_change`` (0.25: 25 %) of the value. A flood
    that lasts two periods, or a season that comes early, changes sign only once.

    Judged when both neighbours are present, at least ``min_years`` other years have the same
    changes and at most ``max_zero_share`` of them touch a zero.
    """
    resolution = params.get("resolution") or resolution_of(s.index)
    x = s.to_numpy(dtype=float)
    logs, c = _logs(x, params["zero_offset"])
    poy = period_of_year(resolution, s.index)
    into, out = _transitions(logs, poy, x, 1, params), _transitions(logs, poy, x, -1, params)
    dev1 = into["delta"].to_numpy() - into["median"].to_numpy()
    dev2 = out["delta"].to_numpy() - out["median"].to_numpy()
    with np.errstate(invalid="ignore"):
        z1, z2 = dev1 / into["sd"].to_numpy(), dev2 / out["sd"].to_numpy()
        flagged = (into["judged"].to_numpy() & out["judged"].to_numpy() & (z1 * z2 > 0)
                   & (np.minimum(np.abs(z1), np.abs(z2)) >= params["n_sd"])
                   & (np.minimum(np.abs(dev1), np.abs(dev2)) >= np.log1p(params["min_change"])))
    mask = pd.Series(flagged, index=s.index)
    if not flagged.any():
        return CheckResult(mask, f"no value off both neighbouring {resolution}s", "warning")
    i = int(np.flatnonzero(flagged)[0])
    return CheckResult(mask, f"{_count(flagged)} value(s) off both neighbouring {resolution}s by {params['n_sd']:g} "
                             f"robust standard deviations of the usual change or more (first: {_day(s.index[i])}, "
                             f"{x[i - 1]:g}, {x[i]:g}, {x[i + 1]:g})", "warning")


def _decimals(v: float) -> int:
    """Decimals needed to write ``v`` (at most 6): 1 for 41.2, 0 for 120.0."""
    for k in range(7):
        if abs(round(v, k) - v) <= 1e-9 * max(1.0, abs(v)):
            return k
    return 6


@check("period_flat_line", title=N_("repeated values"), periodic=True, periods=3, ignore_zero=True,
       max_rounding=0.02)
def period_flat_line(s: pd.Series, station, params: dict) -> CheckResult:
    """The same value for ``periods`` or more periods in a row: a copied value or an estimate.

    A repeated value is flagged only when it is written precisely enough to change: its last
    written digit (0.1 for 41.2) is at most ``max_rounding`` of it. Base flow of a small river
    written to 0.1 m3/s (1.4) moves by 7 % before its last digit changes, and stays within that
    for weeks. With ``ignore_zero`` runs of zeros are not flagged (a dry channel).
    """
    periods = int(params["periods"])
    present = s.notna()
    same = (s.ne(s.shift()) | ~present).cumsum()
    run = same.map(same.value_counts())
    mask = (run >= periods) & present
    if params["ignore_zero"]:
        mask &= s != 0
    if mask.any():
        precise = {v: 10.0 ** -_decimals(v) <= params["max_rounding"] * abs(v) for v in pd.unique(s[mask])}
        mask &= s.map(precise).fillna(False).astype(bool)
    return CheckResult(mask, f"{_count(mask)} value(s) in runs of {periods} or more equal values", "warning")


@check("empty_values", title=N_("empty values"), kind="rows", periodic=True)
def empty_values(rows: pd.DataFrame, station, params: dict) -> CheckResult:
    """Rows without a value (an empty field, NA): the period is listed but was not observed or copied."""
    dates = pd.DatetimeIndex(rows["date"])
    empty = rows["value"].isna().to_numpy()
    idx = dates.unique().sort_values()
    mask = pd.Series(idx.isin(dates[empty]) & ~idx.isin(dates[~empty]), index=idx)
    n = _count(mask)
    if not n:
        return CheckResult(mask, "no empty value", "info")
    r = rows[empty & pd.DatetimeIndex(rows["date"]).isin(idx[mask.to_numpy()])].iloc[0]
    return CheckResult(mask, f"{n} empty value(s) (first: {_day(r['date'])} at {r['file']} line {r['line']})", "info")


@check("missing_periods", title=N_("missing periods"), kind="rows", periodic=True, context=("resolution",))
def missing_periods(rows: pd.DataFrame, station, params: dict) -> CheckResult:
    """Periods without a row between the first and the last row of the series."""
    dates = pd.DatetimeIndex(rows["date"]).unique().sort_values()
    resolution = params.get("resolution") or resolution_of(dates)
    grid = period_grid(pd.Series(np.nan, index=dates), resolution).index
    mask = pd.Series(~grid.isin(dates), index=grid)
    n = _count(mask)
    if not n:
        return CheckResult(mask, f"no {resolution} missing", "info")
    return CheckResult(mask, f"{n} {resolution}(s) without a row between {_day(dates[0])} and {_day(dates[-1])} "
                             f"(first: {_day(grid[mask.to_numpy()][0])})", "info")
