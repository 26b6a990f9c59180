"""Checks on one station and variable: structure, range, behaviour, completeness.

Each function is registered in :data:`bulletin.qc.registry.CHECKS` with its parameters and
their defaults; which checks run on which variable is configured in ``indicators/variables.yml``.
Units are the canonical units of the variable (m3/s, Mm3, m, cm) unless a docstring says
otherwise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..periods import period_keys
from ..text import N_
from .registry import CheckResult, check, no_flags

ROBUST_SD = 1.4826  # standard deviation / median absolute deviation for normal data [-]


def _count(mask) -> int:
    return int(np.count_nonzero(np.asarray(mask, dtype=bool)))


def _day(ts) -> str:
    return pd.Timestamp(ts).strftime("%Y-%m-%d")


# ---- structure ----------------------------------------------------------------------------

@check("duplicates", title=N_("dates given twice"), kind="rows")
def duplicate_dates(rows: pd.DataFrame, station, params: dict) -> CheckResult:
    """The same date given more than once with the same value (identical duplicate rows).

    Conflicting duplicates are an ingest error naming both lines; identical ones do no harm to
    the value but show a copying mistake, so they are flagged as ``info``.
    """
    dates = pd.DatetimeIndex(rows["date"])
    dup = dates.duplicated(keep=False)
    flagged = pd.DatetimeIndex(sorted(set(dates[dup])))
    mask = pd.Series(pd.Index(dates.unique()).isin(flagged), index=dates.unique()).sort_index()
    if not len(flagged):
        return CheckResult(mask, "no date given twice", "info")
    first = rows[dates == flagged[0]]
    where = " and ".join(f"{f} line {ln}" for f, ln in zip(first["file"], first["line"], strict=True))
    return CheckResult(mask, f"{len(flagged)} date(s) given more than once with the same value "
                             f"(first: {_day(flagged[0])} at {where})", "info")


@check("unsorted", title=N_("dates out of order"), kind="rows")
def unsorted_dates(rows: pd.DataFrame, station, params: dict) -> CheckResult:
    """Rows dated earlier than a row above them in the same file.

    Archives list a series in date order; a row out of order is often a mistyped date (a wrong
    year or month), so its day is flagged as ``warning``.
    """
    dates = pd.DatetimeIndex(rows["date"])
    day = dates.to_numpy().astype("datetime64[D]").astype(np.int64)
    files = rows["file"].to_numpy()
    before = np.full(len(day), np.iinfo(np.int64).min)  # latest date above each row, same file
    for name in pd.unique(files):
        at = np.flatnonzero(files == name)
        before[at[1:]] = np.maximum.accumulate(day[at])[:-1]
    late = day < before
    idx = dates.unique()
    mask = pd.Series(idx.isin(dates[late]), index=idx).sort_index()
    if not late.any():
        return CheckResult(mask, "dates in order", "warning")
    i = int(np.flatnonzero(late)[0])
    r = rows.iloc[i]
    latest = np.datetime64(int(before[i]), "D")
    return CheckResult(mask, f"{_count(late)} row(s) dated earlier than a row above them in the same file "
                             f"(first: {r['file']} line {r['line']}, {_day(r['date'])} after "
                             f"{_day(latest)})", "warning")


@check("gaps", title=N_("missing days"))
def gaps(s: pd.Series, station, params: dict) -> CheckResult:
    """Days missing between the first and the last observation."""
    mask = s.isna()
    return CheckResult(mask, gaps_sentence(mask, params), "info")


def gaps_sentence(mask, params: dict) -> str:
    """The sentence of :func:`gaps` for its mask (also written for the masks of many series at once)."""
    return f"{_count(mask)} missing day(s)"


@check("future", title=N_("dates after the issue date"), pointwise=True, context=("as_of",))
def future_dates(s: pd.Series, station, params: dict) -> CheckResult:
    """Values dated after the issue date (``as_of``): not yet observed, so an error.

    Without an issue date (``run_qc(..., as_of=None)``) nothing is flagged.
    """
    as_of = params.get("as_of")
    if as_of is None:
        return CheckResult(no_flags(s.index), "not checked: no issue date", "error")
    limit = pd.Timestamp(as_of)
    mask = pd.Series((s.index > limit) & s.notna().to_numpy(), index=s.index)
    return CheckResult(mask, future_sentence(mask, params), "error")


def future_sentence(mask, params: dict) -> str:
    """The sentence of :func:`future_dates` for its mask."""
    return f"{_count(mask)} value(s) dated after the issue date {_day(pd.Timestamp(params['as_of']))}"


# ---- range --------------------------------------------------------------------------------

@check("negative", title=N_("negative values"), pointwise=True)
def negative_values(s: pd.Series, station, params: dict) -> CheckResult:
    """Values below zero, impossible for flows and volumes."""
    mask = s < 0
    return CheckResult(mask, negative_sentence(mask, params), "error")


def negative_sentence(mask, params: dict) -> str:
    """The sentence of :func:`negative_values` for its mask."""
    return f"{_count(mask)} negative value(s)"


@check("implausible", title=N_("impossible values"), pointwise=True, min=None, max=None)
def implausible_values(s: pd.Series, station, params: dict) -> CheckResult:
    """Values no river or reservoir can have: outside [``min``, ``max``], or infinite.

    The bounds are far outside anything the basin can produce; they catch unit mistakes,
    sentinel codes and corrupted numbers (1e30), which are errors.
    """
    lo, hi = params["min"], params["max"]
    x = s.to_numpy(dtype=float)
    bad = np.isinf(x)
    with np.errstate(invalid="ignore"):
        if lo is not None:
            bad |= x < lo
        if hi is not None:
            bad |= x > hi
    mask = pd.Series(bad, index=s.index)
    return CheckResult(mask, implausible_sentence(mask, params), "error")


def implausible_sentence(mask, params: dict) -> str:
    """The sentence of :func:`implausible_values` for its mask."""
    lo, hi = params["min"], params["max"]
    bounds = f"{'-inf' if lo is None else f'{lo:g}'} to {'inf' if hi is None else f'{hi:g}'}"
    return f"{_count(mask)} value(s) outside the physically possible range {bounds}"


@check("above_capacity", title=N_("volume above capacity"), pointwise=True)
def above_capacity(s: pd.Series, station, params: dict) -> CheckResult:
    """Reservoir volume above its published total capacity [Mm3] (network file)."""
    if station is None or station.total_volume is None:
        return CheckResult(no_flags(s.index), "no capacity known", "error")
    cap = station.total_volume.value
    mask = s > cap
    return CheckResult(mask, f"{_count(mask)} value(s) above the total capacity {cap:g} Mm3", "error")


@check("level_range", title=N_("level outside the reservoir range"), pointwise=True, tolerance=1.0)
def level_range(s: pd.Series, station, params: dict) -> CheckResult:
    """Reservoir level outside the range of the network file, by more than ``tolerance`` [m]."""
    if station is None or station.level_range is None:
        return CheckResult(no_flags(s.index), "no level range known", "warning")
    lo, hi = station.level_range
    tol = params["tolerance"]
    mask = (s < lo - tol) | (s > hi + tol)
    return CheckResult(mask, f"{_count(mask)} level(s) outside {lo:g}-{hi:g} m", "warning")


# ---- behaviour ----------------------------------------------------------------------------

@check("flat_line", title=N_("repeated values"), days=10, ignore_zero=True)
def flat_line(s: pd.Series, station, params: dict) -> CheckResult:
    """The same value on ``days`` or more consecutive days (a stuck sensor or a copied value).

    With ``ignore_zero`` runs of zeros are not flagged: a dry channel or a closed intake stays
    at zero for months.
    """
    days = int(params["days"])
    same = s.ne(s.shift()).cumsum()
    run = same.map(same.value_counts())
    mask = (run >= days) & s.notna()
    if params["ignore_zero"]:
        mask &= s != 0
    return CheckResult(mask, flat_line_sentence(mask, params), "warning")


def flat_line_sentence(mask, params: dict) -> str:
    """The sentence of :func:`flat_line` for its mask."""
    return f"{_count(mask)} day(s) in runs of {int(params['days'])} or more equal values"


@check("spike", title=N_("isolated spikes"), n_sd=8.0, factor=3.0, window=31, min_share=0.1, min_change=0.0)
def spike(s: pd.Series, station, params: dict) -> CheckResult:
    """A single day far from both neighbours, in the same direction (a peak or a trough).

    Let d1 and d2 be the day's differences from the day before and the day after. The day is
    flagged when d1 and d2 have the same sign, the smaller of |d1| and |d2| exceeds both
    ``min_change`` [unit] and ``min_share`` of the neighbours' mean, and either

    - it exceeds ``n_sd`` robust standard deviations of the day-to-day changes (1.4826 times
      their median absolute value over a centred window of ``window`` days), or
    - the day is at least ``factor`` times both neighbours, or at most 1/``factor`` of them.

    A rise that lasts (a flood wave, a new release) changes sign only once and is not a spike.

    References
    ----------
    .. [1] Leys, C. et al. (2013): Detecting outliers: do not use standard deviation around the
       mean, use absolute deviation around the median. J. Exp. Soc. Psychol. 49(4), 764-766
       (the median absolute deviation times 1.4826 as a robust standard deviation).
    """
    mask = spike_mask(s, params)
    return CheckResult(mask, spike_sentence(mask, params), "warning")


def spike_mask(s, params: dict):
    """The days :func:`spike` flags, of one series or of a table of days x series (each column on its own).

    Computed with numpy on the values (a Series gives a Series, a DataFrame a DataFrame).
    """
    mask = spike_array(s.to_numpy(dtype=float), params)
    if isinstance(s, pd.DataFrame):
        return pd.DataFrame(mask, index=s.index, columns=s.columns)
    return pd.Series(mask, index=s.index)


def spike_array(x: np.ndarray, params: dict) -> np.ndarray:
    """:func:`spike_mask` of the values ``x``: days along the first axis, each column on its own."""
    if x.ndim == 2 and x.shape[1] > 1:  # column by column: the arrays of one column stay in the cache
        out = np.empty(x.shape, dtype=bool, order="F")
        for col in range(x.shape[1]):
            out[:, col] = _spike_days(x[:, col], params)
        return out
    return _spike_days(x, params)


def _spike_days(x: np.ndarray, params: dict) -> np.ndarray:
    """:func:`spike_array` of one series (or of a table, all at once)."""
    before = np.full_like(x, np.nan)
    before[1:] = x[:-1]
    after = np.full_like(x, np.nan)
    after[:-1] = x[1:]
    with np.errstate(invalid="ignore"):
        d1, d2 = x - before, x - after
        jump = np.minimum(np.abs(d1), np.abs(d2))
        scale = ROBUST_SD * rolling_median(np.abs(d1), int(params["window"]))
        level = (np.abs(before) + np.abs(after)) / 2
        floor = np.maximum(params["min_change"], params["min_share"] * level)
        by_sd = jump > params["n_sd"] * np.where(np.isnan(scale), np.inf, scale)
        f = params["factor"]
        by_factor = (x >= f * np.maximum(before, after)) | (x * f <= np.minimum(before, after)) if f else False
        return (d1 * d2 > 0) & (jump > floor) & (by_sd | by_factor)


def rolling_median(x: np.ndarray, window: int) -> np.ndarray:
    """Median of each centred ``window`` of days (along the first axis) with at least max(3, window // 3) values.

    As pandas' ``rolling(window, center=True, min_periods=...).median()`` gives it (the tests
    hold them equal); with bottleneck, its moving median, twice as fast, on the same values.
    """
    need = max(3, window // 3)
    try:
        import bottleneck
    except ImportError:
        bottleneck = None
    if bottleneck is None or len(x) + (window - 1) // 2 < window:  # bottleneck: a window no longer than the data
        return pd.DataFrame(x.reshape(len(x), -1)).rolling(window, center=True, min_periods=need).median() \
            .to_numpy().reshape(x.shape)
    half = (window - 1) // 2  # the trailing window ending ``half`` days later is the centred one
    padded = np.concatenate([x, np.full((half, *x.shape[1:]), np.nan)]) if half else x
    return bottleneck.move_median(padded, window, min_count=need, axis=0)[half:]


def trailing_median(x: np.ndarray, window: int, need: int) -> np.ndarray:
    """Median of the ``window`` values up to each of ``x`` (1-d), where at least ``need`` of them are present.

    As pandas' ``rolling(window, min_periods=need).median()`` gives it, infinite values counting
    as missing as there (the tests hold them equal); with bottleneck, its moving median.
    """
    try:
        import bottleneck
    except ImportError:
        bottleneck = None
    if bottleneck is None or len(x) < window:  # bottleneck: a window no longer than the data
        return pd.Series(x).rolling(window, min_periods=need).median().to_numpy()
    x = np.where(np.isinf(x), np.nan, x)
    return bottleneck.move_median(x, window, min_count=need)


def spike_sentence(mask, params: dict) -> str:
    """The sentence of :func:`spike` for its mask."""
    return f"{_count(mask)} day(s) far from both neighbours"


@check("shift", title=N_("sudden shifts"), days=10, share=0.5, min_step=0.0, abrupt=0.5)
def level_shift(s: pd.Series, station, params: dict) -> CheckResult:
    """A sudden step in the level of a series that then stays: a gauge datum or unit change.

    For each day t, the median of the ``days`` days before t is compared with the median of
    the ``days`` days from t on. A step is flagged on day t when the medians differ by more
    than ``share`` of the earlier median and by more than ``min_step`` [unit], and the change
    from day t-1 to day t alone is at least ``abrupt`` of that difference (a rising flood
    spreads the change over many days). Within a stretch of such days only the largest step
    is flagged: the day the series jumped.
    """
    n = int(params["days"])
    need = max(1, int(np.ceil(0.7 * n)))
    x = s.to_numpy(dtype=float)
    before = np.full(len(x), np.nan)
    before[1:] = trailing_median(x, n, need)[:-1]
    after = trailing_median(x[::-1], n, need)[::-1]
    previous = np.full(len(x), np.nan)
    previous[1:] = x[:-1]
    with np.errstate(invalid="ignore"):
        size = np.abs(after - before)
        jump = np.abs(x - previous)
        cand = (size > params["share"] * np.abs(before)) & (size > params["min_step"]) \
            & (jump >= params["abrupt"] * size) & (size > 0)
    mask = np.zeros(len(s), dtype=bool)
    if cand.any():
        # keep the largest step of each stretch of candidate days closer than ``days`` apart
        pos = np.flatnonzero(cand)
        group = np.concatenate([[0], np.cumsum(np.diff(pos) > n)])
        sizes = size[pos]
        for g in np.unique(group):
            members = pos[group == g]
            mask[members[np.argmax(sizes[group == g])]] = True
    result = pd.Series(mask, index=s.index)
    if not mask.any():
        return CheckResult(result, "no step change", "warning")
    first = int(np.flatnonzero(mask)[0])
    return CheckResult(result, f"{_count(mask)} step change(s) of the {n}-day median by more than "
                               f"{100 * params['share']:g} % (first: {_day(s.index[first])}, "
                               f"{before[first]:g} to {after[first]:g})", "warning")


# ---- completeness -------------------------------------------------------------------------

@check("completeness", title=N_("incomplete dekads or months"), resolution="dekad", min_share=0.7, choices={"resolution": ("dekad", "month")})
def completeness(s: pd.Series, station, params: dict) -> CheckResult:
    """Periods (dekads or months) with less than ``min_share`` of their days present.

    Every day of such a period is flagged (``info``); a finding for the period is ``no_data``.
    Days are counted over the calendar period, so a period cut by the start or the end of the
    record counts its days outside the record as missing. Values flagged as errors do not
    count as present (run_qc removes them before this check).
    """
    resolution, min_share = params["resolution"], params["min_share"]
    if s.empty:
        return CheckResult(no_flags(s.index), "no data", "info")
    years, poy = period_keys(s.index, resolution)
    if resolution == "month":
        days = s.index.days_in_month.to_numpy()
    else:
        days = np.where(s.index.day.to_numpy() <= 20, 10, s.index.days_in_month.to_numpy() - 20)
    key = years * 100 + poy
    present = pd.Series(s.notna().to_numpy(), index=key).groupby(level=0).transform("sum").to_numpy()
    mask = pd.Series(present < min_share * days, index=s.index)
    return CheckResult(mask, completeness_sentence(mask, params), "info")


def completeness_sentence(mask: pd.Series, params: dict) -> str:
    """The sentence of :func:`completeness` for its mask: the periods with a flagged day."""
    years, poy = period_keys(pd.DatetimeIndex(mask.index)[mask.to_numpy(dtype=bool)], params["resolution"])
    periods = len(np.unique(years * 100 + poy))  # of the flagged days only
    return f"{periods} {params['resolution']}(s) with less than {100 * params['min_share']:g} % of days present"
