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

import numpy as np
import pandas as pd

from ..methods import balance_residual
from ..periods import Period, period_keys
from ..text import N_
from .registry import CheckResult, check

SeriesOf = Callable[[str, str], pd.Series]  # (station, variable) -> daily series (may be empty)


def _dekad_frame(index: pd.DatetimeIndex) -> pd.DataFrame:
    """Dekad key, first and last calendar day and length of each day of ``index``."""
    years, poy = period_keys(index, "dekad")
    day = index.day.to_numpy()
    first_day = np.where(day <= 10, 1, np.where(day <= 20, 11, 21))
    length = np.where(first_day < 21, 10, index.days_in_month.to_numpy() - 20)
    start = index - pd.to_timedelta(day - first_day, unit="D")
    return pd.DataFrame({"key": years * 100 + poy, "start": start, "days": length}, index=index)


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
    i, r, v = (x.reindex(idx) for x in (inflow, release, volume))
    dk = _dekad_frame(idx)
    both = (i.notna() & r.notna()).to_numpy()
    frame = pd.DataFrame({"key": dk["key"].to_numpy(), "inflow": i.where(both).to_numpy(),
                          "release": r.where(both).to_numpy(), "n": both,
                          "start": dk["start"].to_numpy(), "days": dk["days"].to_numpy()})
    g = frame.groupby("key", sort=True).agg(inflow=("inflow", "sum"), release=("release", "sum"), n=("n", "sum"),
                                            start=("start", "first"), days=("days", "first"))
    start = pd.DatetimeIndex(g["start"])
    days = g["days"].to_numpy()
    end = start + pd.to_timedelta(days - 1, unit="D")
    v_start = v.reindex(start - pd.Timedelta(days=1)).to_numpy()
    v_end = v.reindex(end).to_numpy()
    judged = (g["n"].to_numpy() == days) & ~np.isnan(v_start) & ~np.isnan(v_end)
    residual, share = balance_residual(v_end - v_start, g["inflow"].to_numpy() / days,
                                       g["release"].to_numpy() / days, days)
    with np.errstate(invalid="ignore"):
        # a residual beyond rounding (min_residual) and beyond max_residual_pct of the flows;
        # with no flow at all, any residual beyond rounding
        beyond_share = np.isnan(share) | (np.abs(share) > params["max_residual_pct"])
        bad = judged & (np.abs(residual) > params["min_residual"]) & beyond_share
    bad_keys = g.index.to_numpy()[bad]
    mask = pd.Series(np.isin(dk["key"].to_numpy(), bad_keys), index=idx)
    if bad.any():
        share = np.where(np.isnan(share), np.inf, np.abs(share))
        worst = int(np.argmax(np.where(bad, np.abs(residual), -1)))
        sentence = (f"{int(bad.sum())} of {int(judged.sum())} dekad(s) where the volume change differs from "
                    f"inflow minus release by more than {params['max_residual_pct']:g} % of the flows "
                    f"(largest: {residual[worst]:+.0f} Mm3, {share[worst]:.0f} % of the flows, in "
                    f"{_label(start[worst])})")
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
    lagged = []
    for key, lag in ups:
        s = series_of(*key)
        lagged.append(s.set_axis(s.index + pd.Timedelta(days=lag)) if len(s) else s)
    if not len(down) or any(not len(s) for s in lagged):
        return []
    idx = _daily([down])
    d = down.reindex(idx)
    u = sum(s.reindex(idx) for s in lagged)  # NaN unless every term is present
    joint = (d.notna() & u.notna()).to_numpy()
    dk = _dekad_frame(idx)
    frame = pd.DataFrame({"key": dk["key"].to_numpy(), "d": np.where(joint, d.to_numpy(), np.nan),
                          "u": np.where(joint, u.to_numpy(), np.nan), "n": joint,
                          "start": dk["start"].to_numpy(), "days": dk["days"].to_numpy()})
    g = frame.groupby("key", sort=True).agg(d=("d", "mean"), u=("u", "mean"), n=("n", "sum"),
                                            start=("start", "first"), days=("days", "first"))
    judged = (g["n"].to_numpy() >= params["min_share"] * g["days"].to_numpy())
    dm, um = g["d"].to_numpy(), g["u"].to_numpy()
    diff = dm - um
    limit = np.maximum(params["min_difference"], params["tolerance"] * np.abs(um))
    with np.errstate(invalid="ignore"):
        bad = judged & (np.abs(diff) > limit)
    bad_keys = g.index.to_numpy()[bad]
    down_mask = pd.Series(np.isin(dk["key"].to_numpy(), bad_keys), index=idx)
    up_names = " + ".join(f"{s}/{v} ({lag} d earlier)" for (s, v), lag in ups)
    if bad.any():
        worst = int(np.argmax(np.where(bad, np.abs(diff), -1)))
        start = pd.DatetimeIndex(g["start"])
        sentence = (f"{int(bad.sum())} of {int(judged.sum())} dekad(s) where {down_key[0]}/{down_key[1]} differs "
                    f"from {up_names} by more than {100 * params['tolerance']:g} % (largest: {dm[worst]:.0f} "
                    f"against {um[worst]:.0f} m3/s in {_label(start[worst])})")
    else:
        sentence = f"{down_key[0]}/{down_key[1]} agrees with {up_names} in all {int(judged.sum())} dekad(s) judged"
    results = [CheckResult(down_mask, sentence, "warning", (down_key,))]
    for key, lag in ups:
        # the upstream days that reached the flagged dekads: the dekad's days, lag days earlier
        up_mask = down_mask.set_axis(down_mask.index - pd.Timedelta(days=lag))
        up_mask = up_mask.reindex(series_of(*key).index, fill_value=False)
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
