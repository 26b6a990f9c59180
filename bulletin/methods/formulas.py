"""Pure formulas of the indicator methods: numbers or arrays in, numbers or arrays out.

Each formula takes floats or numpy arrays (None counts as missing, like NaN) and returns a
float for scalar inputs and an array otherwise, so that the same formula assesses one
observed period or many simulated traces. Volumes are in Mm3 (any one volume unit will do
where only volumes meet), flows in m3/s, and 1 m3/s during one day is 0.0864 Mm3 (the
regional reporting convention: Mm3 = mean m3/s x days x 0.0864).
"""

from __future__ import annotations

import numpy as np

MM3_PER_M3S_DAY = 0.0864
"""1 m3/s during one day = 86,400 m3 = 0.0864 Mm3."""


def _array(x) -> np.ndarray:
    """``x`` as a float array; None is NaN."""
    return np.asarray(np.nan if x is None else x, dtype=float)


def _out(x: np.ndarray):
    """A float for a 0-d result, else the array."""
    return float(x) if np.ndim(x) == 0 else x


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """``numerator / denominator``, NaN where the denominator is 0 or NaN."""
    ok = ~np.isnan(denominator) & (denominator != 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(ok, numerator / np.where(ok, denominator, 1.0), np.nan)


def percent_of_norm(value, norm):
    """``value`` as a percentage of ``norm`` [%]; NaN when either is missing or the norm is 0.

    The norm is the multi-year mean of the same dekad or month (regional convention).

    >>> percent_of_norm(80.0, 100.0), percent_of_norm(5.0, 0.0)
    (80.0, nan)
    """
    return _out(_ratio(100.0 * _array(value), _array(norm)))


def difference(a, b):
    """``a - b``, NaN when either is missing (e.g. reservoir inflow minus release [m3/s])."""
    return _out(_array(a) - _array(b))


def change(value, reference, relative: bool = True):
    """Change of ``value`` against a ``reference`` value of an earlier period.

    Parameters
    ----------
    value : float or array_like
        The value of the period [any unit].
    reference : float or array_like
        The value it is compared with, in the same unit: the previous period, or the same
        period last year (the SIC ICWC dekad bulletins print "inflow 338 Mm3 (last year 346)").
    relative : bool
        True: ``100 (value - reference) / reference`` [%], so -25 is a quarter less than the
        reference. False: ``value - reference`` [unit of the values].

    Returns
    -------
    float or numpy.ndarray
        The change; NaN when either value is missing, or when ``relative`` and the reference
        is 0 (a change from nothing has no percentage).
    """
    v, r = _array(value), _array(reference)
    if not relative:
        return _out(v - r)
    return _out(_ratio(100.0 * (v - r), r))


# ---- operating schedule --------------------------------------------------------------------

def schedule_deviation(actual, planned):
    """Deviation of an actual value from its planned value, in % of the plan [%].

    ``100 (actual - planned) / planned``: +20 is 20 % more than planned (a release of 600 m3/s
    against a plan of 500), -10 is 10 % less.

    Parameters
    ----------
    actual : float or array_like
        Actual value of the period, e.g. mean release [m3/s]; NaN or None gives NaN.
    planned : float
        Value of the agreed schedule for the period [same unit]; NaN, None or 0 gives NaN.

    References
    ----------
    .. [1] BWO Syrdarya (icwc-aral.uz/bwosyr.htm): the ICWC approves the reservoir-cascade
       operating schedule per season; BWO Syrdarya monitors it and must notify the parties of
       any deviation.
    """
    a, p = _array(actual), _array(planned)
    return _out(_ratio(100.0 * (a - p), p))


def cumulative_schedule_deviation(actual, planned, days=None):
    """Deviation of the volume to date from the planned volume to date, in % of the plan [%].

    ``100 (sum a_i d_i - sum p_i d_i) / sum p_i d_i`` over the periods since the season
    started: mean flows weighted by the days of their period, i.e. volumes.

    Parameters
    ----------
    actual, planned : sequence
        Actual and planned mean values of each period since the start of the season [m3/s];
        the first axis is the period (a 2-d ``actual`` holds one column per trace).
    days : sequence of float, optional
        Days of each period [d]; equal weights when absent.

    Returns
    -------
    float or numpy.ndarray
        NaN when any actual or planned value is missing (a total with a gap would understate
        the volume) or the planned volume is 0.
    """
    a = np.asarray([np.nan if x is None else x for x in actual], dtype=float)
    p = np.asarray([np.nan if x is None else x for x in planned], dtype=float)
    d = np.ones(len(a)) if days is None else np.asarray(days, dtype=float)
    if not len(a) or len(a) != len(p) or len(a) != len(d):
        raise ValueError("cumulative_schedule_deviation needs as many actual, planned and days values, at least one")
    weights = d.reshape((-1,) + (1,) * (a.ndim - 1))
    plan = np.sum(p.reshape(weights.shape) * weights, axis=0)
    done = np.sum(a * weights, axis=0)
    incomplete = np.isnan(a).any(axis=0) | np.isnan(p).any()
    return _out(np.where(incomplete, np.nan, _ratio(100.0 * (done - plan), np.asarray(plan))))


# ---- reservoirs -----------------------------------------------------------------------------

def fill_percent_of_useful(volume, dead_volume, total_volume):
    """Fill of a reservoir as a percentage of its useful (live) volume [%].

    ``100 (volume - dead_volume) / (total_volume - dead_volume)``: 0 % at the dead volume,
    100 % at the total volume. Values outside 0-100 are returned as they are (a volume
    below the dead volume or above the capacity is a fact to report, or a QC matter), not
    clipped.

    Parameters
    ----------
    volume : float or array_like
        Volume in the reservoir [Mm3]; NaN or None gives NaN.
    dead_volume : float
        Dead volume, below the lowest outlet used for release [Mm3].
    total_volume : float
        Total volume at the normal pool level [Mm3].

    Returns
    -------
    float or numpy.ndarray
        Fill [% of the useful volume].

    Raises
    ------
    ValueError
        When ``total_volume`` is not above ``dead_volume`` (no useful volume).

    References
    ----------
    .. [1] BWO Syrdarya, reservoir parameters (icwc-aral.uz/bwosyr.htm): useful volume =
       total volume - dead volume (Toktogul: 19.5 - 5.5 = 14 km3).
    """
    if not total_volume > dead_volume:
        raise ValueError(f"fill_percent_of_useful: total volume {total_volume} must exceed the dead volume "
                         f"{dead_volume}; check the reservoir's capacities in the network file")
    return _out(100.0 * (_array(volume) - dead_volume) / (total_volume - dead_volume))


def margin_above_dead(volume, dead_volume):
    """Volume that can still be released before the dead volume is reached [Mm3].

    Parameters
    ----------
    volume : float or array_like
        Volume in the reservoir [Mm3]; NaN or None gives NaN.
    dead_volume : float
        Dead volume [Mm3].

    Returns
    -------
    float or numpy.ndarray
        ``volume - dead_volume`` [Mm3]; negative when the reservoir is below its dead volume.
    """
    return _out(_array(volume) - dead_volume)


def days_of_release_left(volume, dead_volume, release, inflow=0.0):
    """Days until the dead volume is reached if release and inflow stay as they are [days].

    ``(volume - dead_volume) / ((release - inflow) x 0.0864)``: the volume above the dead
    volume divided by the net outflow of one day.

    Parameters
    ----------
    volume : float or array_like
        Volume in the reservoir [Mm3].
    dead_volume : float
        Dead volume [Mm3].
    release : float or array_like
        Release from the reservoir [m3/s].
    inflow : float or array_like, optional
        Inflow to the reservoir [m3/s]; 0 by default (release alone).

    Returns
    -------
    float or numpy.ndarray
        Days [d]. ``inf`` where the net outflow is zero or negative (the reservoir is not
        being drawn down), 0.0 where the volume is at or below the dead volume, NaN where an
        input is missing (NaN or None).

    Examples
    --------
    >>> days_of_release_left(1864, 1000, 600, inflow=500)
    100.0
    >>> days_of_release_left(1000, 1000, 500, inflow=500)
    0.0
    """
    v, dead, q_out, q_in = (_array(x) for x in (volume, dead_volume, release, inflow))
    net = q_out - q_in
    missing = np.isnan(v) | np.isnan(dead) | np.isnan(net)
    with np.errstate(invalid="ignore", divide="ignore"):
        days = np.where(net > 0, np.maximum(v - dead, 0.0) / (np.where(net > 0, net, 1.0) * MM3_PER_M3S_DAY), np.inf)
        days = np.where(v <= dead, 0.0, days)  # at the dead volume nothing is left to release, whatever the flows
    return _out(np.where(missing, np.nan, days))


def balance_residual(volume_change, inflow, release, days):
    """Residual of a reservoir's water balance over a period [Mm3] and as % of the flows [%].

    ``residual = volume_change - (inflow - release) x 0.0864 x days``: what the measured
    inflow and release do not explain of the change of volume (evaporation, seepage,
    unmeasured inflow or withdrawal, and errors of measurement). It is also expressed as a
    share of the flows through the reservoir, ``(inflow + release) x 0.0864 x days``; the
    ``reservoir_balance`` quality check judges each dekad with it.

    Parameters
    ----------
    volume_change : float or array_like
        Volume at the end of the period minus volume at its start [Mm3].
    inflow : float or array_like
        Mean inflow over the period [m3/s].
    release : float or array_like
        Mean release over the period [m3/s].
    days : float or array_like
        Length of the period [days].

    Returns
    -------
    tuple
        (residual [Mm3], residual [% of the flows]): floats for scalar inputs, numpy arrays
        for arrays; positive when the volume rose more than the flows explain. The percentage
        is NaN where there is no flow; both are NaN where an input is missing (None or NaN).
    """
    dv, q_in, q_out, n = (_array(x) for x in (volume_change, inflow, release, days))
    residual = dv - (q_in - q_out) * MM3_PER_M3S_DAY * n
    flows = (q_in + q_out) * MM3_PER_M3S_DAY * n
    with np.errstate(invalid="ignore", divide="ignore"):
        pct = np.where(flows > 0, 100.0 * residual / np.where(flows > 0, flows, 1.0), np.nan)
    return _out(residual), _out(pct)


# ---- withdrawals against seasonal limits ---------------------------------------------------

def withdrawn_volume(flows, days):
    """Volume withdrawn [Mm3] from mean intake flows [m3/s] over periods of ``days`` days each.

    Mm3 = m3/s x days x 0.0864 (regional convention). NaN when any flow is missing: a seasonal
    total with a hole in it would understate the use. The first axis of ``flows`` is the
    period; a 2-d array gives one volume per column (trace).

    >>> round(withdrawn_volume([100.0, 50.0], [10, 10]), 6)
    129.6
    """
    q = np.asarray(flows, dtype=float)
    if q.shape[0] == 0:
        return float("nan")
    d = np.asarray(days, dtype=float).reshape((-1,) + (1,) * (q.ndim - 1))
    total = np.sum(q * d, axis=0) * MM3_PER_M3S_DAY
    return _out(np.where(np.isnan(q).any(axis=0), np.nan, total))


def limit_share(used, limit):
    """Share of a seasonal withdrawal limit used [%]: ``used`` and ``limit`` in the same unit [Mm3]."""
    lim = _array(limit)
    return _out(np.where(lim > 0, _ratio(100.0 * _array(used), lim), np.nan))


def projected_use(used, rate, days_left):
    """Use at the end of the season [Mm3] if the current intake ``rate`` [m3/s] goes on.

    ``used`` [Mm3] is the volume withdrawn since the season started, ``days_left`` the days of
    the season after the last observed day. The ICWC limits are seasonal volumes, so a rate
    that overruns them shows here weeks before the total does.
    """
    u, q, d = (_array(x) for x in (used, rate, days_left))
    return _out(np.where(d < 0, np.nan, u + q * d * MM3_PER_M3S_DAY))


def projected_use_at_pace(used, normal_to_date, normal_season):
    """Use at the end of the season [Mm3] if the season goes on at its pace so far.

    ``used`` [Mm3] is the volume withdrawn since the season started, ``normal_to_date`` the
    volume withdrawn in a normal season by the same date and ``normal_season`` that of a whole
    normal season (both from the norms of the periods, same unit). A season 10 % ahead of the
    normal pace ends 10 % above a normal season's use:
    ``used x normal_season / normal_to_date``. Unlike :func:`projected_use`, it does not carry
    the rate of one period (autumn water-charging, spring leaching) over the rest of the season.
    """
    to_date = _array(normal_to_date)
    return _out(np.where(to_date > 0, _ratio(_array(used) * _array(normal_season), to_date), np.nan))
