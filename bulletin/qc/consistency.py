"""Consistency checks across series: reservoir water balance, flows along the river.

They compare dekads, not days: day-to-day timing between stations is too loose to judge a
single day, a dekad mean is what the bulletin reports. They see only values not flagged as
errors, and judge only dekads with enough days present in every series they compare. A
dekad that fails is flagged on every series that entered the comparison (``warning``): the
check cannot say which of them is wrong, and flagging only the downstream station would put
the doubt on the downstream country every time.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np
import pandas as pd

from ..aggregation import days_in_period
from ..methods import balance_residual
from ..periods import Period, period_keys
from ..text import N_
from .registry import CheckResult, check

SeriesOf = Callable[[str, str], pd.Series]  # (station, variable) -> daily series (may be empty)


def _day_step(index: pd.DatetimeIndex) -> int | None:
    """One day in the integer unit of ``index`` (None for an index that is not naive datetime64)."""
    if not isinstance(index, pd.DatetimeIndex) or index.dtype.kind != "M":
        return None
    return int(np.timedelta64(1, "D").astype(index.dtype.str.replace("M8", "m8")).astype(np.int64))


def _run_start(index: pd.Index, idx: pd.DatetimeIndex, lag: int) -> int | None:
    """Position in ``idx`` of the first day of ``index`` moved ``lag`` days later (may be outside ``idx``).

    None unless ``index`` is a run of consecutive days in the unit and time of day of ``idx``:
    then the caller reindexes.
    """
    step = _day_step(idx)
    if step is None or not len(index) or not len(idx) or index.dtype != idx.dtype:
        return None
    i8 = index.asi8
    offset = int(i8[0]) + lag * step - int(idx.asi8[0])
    if offset % step or (len(i8) > 1 and not (np.diff(i8) == step).all()):
        return None
    return offset // step


def _on(s: pd.Series, idx: pd.DatetimeIndex, lag: int = 0) -> np.ndarray:
    """The values of ``s`` moved ``lag`` days later, on the days of ``idx`` (NaN where it has none)."""
    at = _run_start(s.index, idx, lag) if s.dtype == np.float64 else None
    if at is None:
        moved = s.set_axis(s.index + pd.Timedelta(days=lag)) if lag else s
        return moved.reindex(idx).to_numpy(dtype=float)
    out = np.full(len(idx), np.nan)
    lo, hi = max(at, 0), min(at + len(s), len(idx))
    if lo < hi:
        out[lo:hi] = s.to_numpy()[lo - at: hi - at]
    return out


def _dekads(idx: pd.DatetimeIndex) -> tuple[np.ndarray, ...]:
    """The dekads of the days ``idx`` (a daily date_range), in order, as arrays.

    Per dekad: its first day's position in ``idx``, the number of days of ``idx`` in it, the
    positions in ``idx`` of the day before it begins and of its last day (-1: not in ``idx``), its
    length [days] and how many days before its first day in ``idx`` it begins.
    """
    if idx.tz is None:
        return _dekads_from(idx[0].to_datetime64().astype("datetime64[D]"), len(idx))
    # days of a time zone, perhaps not 24 hours apart: the calendar of each and lookups by label
    dom = idx.day.to_numpy()
    years, poy = period_keys(idx, "dekad")
    key = years * 100 + poy
    first = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    start_dom = np.where(dom[first] <= 10, 1, np.where(dom[first] <= 20, 11, 21))
    days = days_in_period("dekad", years[first], poy[first])  # calendar days
    shift = dom[first] - start_dom
    start = idx[first] - pd.to_timedelta(shift, unit="D")
    before = idx.get_indexer(start - pd.Timedelta(days=1))
    last = idx.get_indexer(start + pd.to_timedelta(days - 1, unit="D"))
    return first, np.diff(np.append(first, len(idx))), before, last, days, shift


@lru_cache(maxsize=32)
def _dekads_from(first_day: np.datetime64, n: int) -> tuple[np.ndarray, ...]:
    """:func:`_dekads` of ``n`` consecutive days from ``first_day``: the series of a network mostly span the same days."""
    day = first_day + np.arange(n)
    month = day.astype("datetime64[M]")
    dom = (day - month.astype("datetime64[D]")).astype(np.int64) + 1
    begins = np.flatnonzero((dom == 1) | (dom == 11) | (dom == 21))
    first = np.concatenate(([0], begins[begins > 0]))
    start_dom = np.where(dom[first] <= 10, 1, np.where(dom[first] <= 20, 11, 21))
    days = days_in_period("dekad", *period_keys(pd.DatetimeIndex(day[first]), "dekad"))  # calendar days
    shift = dom[first] - start_dom
    begin = first - shift  # the position of its first day (below 0: before the first of idx)
    last = begin + days - 1
    out = (first, np.diff(np.append(first, n)), np.where(begin >= 1, begin - 1, -1), np.where(last < n, last, -1),
           days, shift)
    for a in out:
        a.flags.writeable = False  # shared by the calls with the same days
    return out


def _group(values: np.ndarray, inside: np.ndarray, how: str) -> np.ndarray:
    """Sum or mean of ``values`` over consecutive groups of ``inside`` days, skipping NaN (pandas' groupby)."""
    labels = np.repeat(np.arange(len(inside)), inside)
    return getattr(pd.Series(values).groupby(labels, sort=True), how)().to_numpy()


def _start(idx: pd.DatetimeIndex, first: np.ndarray, shift: np.ndarray, k: int) -> pd.Timestamp:
    """The first day of dekad ``k`` of :func:`_dekads`."""
    return idx[first[k]] - pd.Timedelta(days=int(shift[k]))


def _label(start: pd.Timestamp) -> str:
    return Period.containing("dekad", start.date()).label


def _daily(series: list[pd.Series]) -> pd.DatetimeIndex:
    """One daily index over all non-empty ``series``."""
    present = [s.index for s in series if len(s)]
    if not present:
        return pd.DatetimeIndex([])
    lo = min(i.min() for i in present)
    hi = max(i.max() for i in present)
    return pd.date_range(lo, hi, freq="D")


@check("reservoir_balance", title=N_("reservoir water balance does not close"), kind="network", max_residual_pct=10.0, min_residual=2.0)
def reservoir_balance(series_of: SeriesOf, station, params: dict) -> list[CheckResult]:
    """Water balance of a reservoir per dekad: volume change against inflow minus release.

    For a dekad of n days, the change of volume from the end of the previous dekad to the end
    of this one, dV [Mm3], is compared with (mean inflow - mean release) [m3/s] x 0.0864 x n.
    The residual is expressed as a share of the flows, (mean inflow + mean release) x 0.0864
    x n. A dekad is flagged when the residual exceeds ``max_residual_pct`` [%] of the flows and
    ``min_residual`` [Mm3] (volumes are published rounded to 1 Mm3, so a residual of 1 Mm3 is
    rounding). Evaporation, seepage and unmeasured inflow close the real balance within a few
    per cent of the flows; a larger residual is a wrong volume, flow or date. Only dekads with
    inflow and release on every day and the volume at both ends are judged.
    """
    sid = station.id if hasattr(station, "id") else station
    inflow, release, volume = (series_of(sid, v) for v in ("inflow", "release", "volume"))
    idx = _daily([inflow, release, volume])
    if not len(idx) or not (len(inflow) and len(release) and len(volume)):
        return []
    i, r, v = (_on(x, idx) for x in (inflow, release, volume))
    first, inside, before, last, days, shift = _dekads(idx)
    both = ~np.isnan(i) & ~np.isnan(r)
    n = np.add.reduceat(both.astype(np.int64), first)
    # the volume at the end of the day before the dekad and at the end of its last day
    v_start = np.where(before >= 0, v[before], np.nan)
    v_end = np.where(last >= 0, v[last], np.nan)
    judged = (n == days) & ~np.isnan(v_start) & ~np.isnan(v_end)
    residual, share = balance_residual(v_end - v_start, _group(np.where(both, i, np.nan), inside, "sum") / days,
                                       _group(np.where(both, r, np.nan), inside, "sum") / days, days)
    with np.errstate(invalid="ignore"):
        # a residual beyond rounding (min_residual) and beyond max_residual_pct of the flows;
        # with no flow at all, any residual beyond rounding
        beyond_share = np.isnan(share) | (np.abs(share) > params["max_residual_pct"])
        bad = judged & (np.abs(residual) > params["min_residual"]) & beyond_share
    mask = pd.Series(np.repeat(bad, inside), index=idx)
    if bad.any():
        share = np.where(np.isnan(share), np.inf, np.abs(share))
        worst = int(np.argmax(np.where(bad, np.abs(residual), -1)))
        sentence = (f"{int(bad.sum())} of {int(judged.sum())} dekad(s) where the volume change differs from "
                    f"inflow minus release by more than {params['max_residual_pct']:g} % of the flows "
                    f"(largest: {residual[worst]:+.0f} Mm3, {share[worst]:.0f} % of the flows, in "
                    f"{_label(_start(idx, first, shift, worst))})")
    else:
        sentence = f"the water balance closes in all {int(judged.sum())} dekad(s) judged"
    return [CheckResult(mask, sentence, "warning", ((sid, var),)) for var in ("inflow", "release", "volume")]


def parse_series_key(text: str) -> tuple[str, str]:
    """``"station/variable"`` -> (station, variable)."""
    station, _, variable = str(text).partition("/")
    return station.strip(), variable.strip()


def _link(series_of: SeriesOf, params: dict) -> list[CheckResult]:
    """Dekad mean of a downstream series against the sum of lagged upstream series."""
    down_key = parse_series_key(params["downstream"])
    ups = [(parse_series_key(k), int(lag)) for k, lag in params["upstream"].items()]
    down = series_of(*down_key)
    upstream = [series_of(*key) for key, _ in ups]
    if not len(down) or any(not len(s) for s in upstream):
        return []
    idx = _daily([down])
    d = _on(down, idx)
    u = 0
    for s, (_, lag) in zip(upstream, ups, strict=True):
        u = u + _on(s, idx, lag)  # NaN unless every term is present
    joint = ~np.isnan(d) & ~np.isnan(u)
    first, inside, _, _, days, shift = _dekads(idx)
    n = np.add.reduceat(joint.astype(np.int64), first)
    judged = n >= params["min_share"] * days
    dm, um = _group(np.where(joint, d, np.nan), inside, "mean"), _group(np.where(joint, u, np.nan), inside, "mean")
    diff = dm - um
    limit = np.maximum(params["min_difference"], params["tolerance"] * np.abs(um))
    with np.errstate(invalid="ignore"):
        bad = judged & (np.abs(diff) > limit)
    bad_days = np.repeat(bad, inside)
    down_mask = pd.Series(bad_days, index=idx)
    up_names = " + ".join(f"{s}/{v} ({lag} d earlier)" for (s, v), lag in ups)
    if bad.any():
        worst = int(np.argmax(np.where(bad, np.abs(diff), -1)))
        sentence = (f"{int(bad.sum())} of {int(judged.sum())} dekad(s) where {down_key[0]}/{down_key[1]} differs "
                    f"from {up_names} by more than {100 * params['tolerance']:g} % (largest: {dm[worst]:.0f} "
                    f"against {um[worst]:.0f} m3/s in {_label(_start(idx, first, shift, worst))})")
    else:
        sentence = f"{down_key[0]}/{down_key[1]} agrees with {up_names} in all {int(judged.sum())} dekad(s) judged"
    results = [CheckResult(down_mask, sentence, "warning", (down_key,))]
    for (key, lag), s in zip(ups, upstream, strict=True):
        # the upstream days that reached the flagged dekads: the dekad's days, lag days earlier
        at = _run_start(s.index, idx, lag)
        if at is None:
            up_mask = down_mask.set_axis(down_mask.index - pd.Timedelta(days=lag))
            up_mask = up_mask.reindex(s.index, fill_value=False)
        else:
            hit = np.zeros(len(s), dtype=bool)
            lo, hi = max(at, 0), min(at + len(s), len(idx))
            if lo < hi:
                hit[lo - at: hi - at] = bad_days[lo:hi]
            up_mask = pd.Series(hit, index=s.index)
        results.append(CheckResult(up_mask, sentence, "warning", (key,)))
    return results


@check("travel_time", title=N_("disagrees with the station upstream"), kind="network", links=(), tolerance=0.25, min_difference=5.0, min_share=0.7)
def travel_time(series_of: SeriesOf, station, params: dict) -> list[CheckResult]:
    """Flow downstream against the release (or flow) upstream, lagged by the travel time.

    Each link names a ``downstream`` series and its ``upstream`` series with the travel time
    in days (``{"toktogul/release": 1}``). The dekad mean downstream is compared with the dekad
    mean of the upstream series shifted by the travel time, over the days both are present
    (at least ``min_share`` of the dekad). A dekad is flagged when they differ by more than
    ``tolerance`` [-] of the upstream flow and by more than ``min_difference`` [m3/s].
    """
    return _link(series_of, params)


@check("confluence", title=N_("disagrees with the sum of the stations upstream"), kind="network", links=(), tolerance=0.15, min_difference=5.0, min_share=0.7)
def confluence(series_of: SeriesOf, station, params: dict) -> list[CheckResult]:
    """Flow below a confluence against the sum of the stations above it, each lagged.

    As ``travel_time``, with several upstream series whose lagged sum is compared with the
    downstream series; a day counts only when every series is present.
    """
    return _link(series_of, params)
