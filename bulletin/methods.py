"""Pure indicator methods: numbers in, numbers or levels out. Registered by name.

An *indicator* (catalogue) names one of these *methods* and gives its parameters.
"""

from __future__ import annotations

import math
import operator as _op

LEVELS = ("normal", "watch", "warning", "alert")
NO_DATA = "no_data"
OPERATORS = {"<": _op.lt, "<=": _op.le, ">": _op.gt, ">=": _op.ge}

# method name -> short description (the annex shows it)
METHODS = {
    "threshold": "absolute value against thresholds",
    "percent_of_norm": "value as % of the norm against thresholds",
    "status_category": "HydroSOS status category mapped to a level",
    "difference": "difference of two variables against thresholds",
    "reservoir_fill": "reservoir fill as % of the useful volume against thresholds",
    "schedule": "deviation from the agreed operating schedule, % of the plan, against thresholds",
    "withdrawal_limit": "withdrawal projected to the end of the season, % of the seasonal limit, against thresholds",
    "change": "change against the previous period or the same period last year, against thresholds",
    "days_of_release_left": "days until the dead volume at the release and inflow of the period, against thresholds",
    "margin_above_dead": "volume above the dead volume, against thresholds",
}

# alert states across consecutive bulletins (results JSON ``state``)
STATES = ("new", "continuing", "escalated", "de-escalated", "ended")
DEESCALATION_PERIODS = 2
"""Default number of periods in a row below the effective level before it comes down."""

MM3_PER_M3S_DAY = 0.0864
"""1 m3/s during one day = 86,400 m3 = 0.0864 Mm3."""


def level_rank(level: str) -> int:
    """Order of severity: no_data -1, normal 0, watch 1, warning 2, alert 3."""
    return -1 if level == NO_DATA else LEVELS.index(level)


def threshold_level(value: float, thresholds: dict[str, float], operator: str) -> str:
    """The most severe level whose threshold ``value`` crosses.

    Parameters
    ----------
    value : float
        The indicator value [unit of the thresholds]; NaN gives ``no_data``.
    thresholds : dict
        Level (watch, warning, alert) -> threshold value [same unit].
    operator : {'<', '<=', '>', '>='}
        How the value is compared with each threshold: ``value < threshold`` and so on.

    Returns
    -------
    str
        ``alert``, ``warning``, ``watch``, ``normal`` or ``no_data``.
    """
    if value is None or math.isnan(value):
        return NO_DATA
    compare = OPERATORS[operator]
    for level in reversed(LEVELS[1:]):
        if level in thresholds and compare(value, thresholds[level]):
            return level
    return "normal"


def percent_of_norm(value: float, norm: float) -> float:
    """``value`` as a percentage of ``norm`` [%]; NaN when either is missing or the norm is 0.

    The norm is the multi-year mean of the same dekad or month (regional convention).
    """
    if value is None or norm is None or math.isnan(value) or math.isnan(norm) or norm == 0:
        return float("nan")
    return 100.0 * value / norm


def category_level(category: str, mapping: dict[str, str]) -> str:
    """Level of a HydroSOS category through the indicator's mapping; ``no_data`` stays ``no_data``."""
    return NO_DATA if category == NO_DATA else mapping[category]


def difference(a: float, b: float) -> float:
    """``a - b``, NaN when either is missing (e.g. reservoir inflow minus release [m3/s])."""
    return a - b


def change(value: float, reference: float, relative: bool = True) -> float:
    """Change of ``value`` against a ``reference`` value of an earlier period.

    Parameters
    ----------
    value : float
        The value of the period [any unit].
    reference : float
        The value it is compared with, in the same unit: the previous period, or the same
        period last year (the SIC ICWC dekad bulletins print "inflow 338 Mm3 (last year 346)").
    relative : bool
        True: ``100 (value - reference) / reference`` [%], so -25 is a quarter less than the
        reference. False: ``value - reference`` [unit of the values].

    Returns
    -------
    float
        The change; NaN when either value is missing, or when ``relative`` and the reference
        is 0 (a change from nothing has no percentage).
    """
    if value is None or reference is None or math.isnan(value) or math.isnan(reference):
        return float("nan")
    if not relative:
        return value - reference
    if reference == 0:
        return float("nan")
    return 100.0 * (value - reference) / reference


# ---- operating schedule --------------------------------------------------------------------

def schedule_deviation(actual: float, planned: float) -> float:
    """Deviation of an actual value from its planned value, in % of the plan [%].

    ``100 (actual - planned) / planned``: +20 is 20 % more than planned (a release of 600 m3/s
    against a plan of 500), -10 is 10 % less.

    Parameters
    ----------
    actual : float
        Actual value of the period, e.g. mean release [m3/s]; NaN or None gives NaN.
    planned : float
        Value of the agreed schedule for the period [same unit]; NaN, None or 0 gives NaN.

    References
    ----------
    .. [1] BWO Syrdarya (icwc-aral.uz/bwosyr.htm): the ICWC approves the reservoir-cascade
       operating schedule per season; BWO Syrdarya monitors it and must notify the parties of
       any deviation.
    """
    a, p = _nan_if_none(actual), _nan_if_none(planned)
    if math.isnan(a) or math.isnan(p) or p == 0:
        return float("nan")
    return 100.0 * (a - p) / p


def cumulative_schedule_deviation(actual, planned, days=None) -> float:
    """Deviation of the volume to date from the planned volume to date, in % of the plan [%].

    ``100 (sum a_i d_i - sum p_i d_i) / sum p_i d_i`` over the periods since the season
    started: mean flows weighted by the days of their period, i.e. volumes.

    Parameters
    ----------
    actual, planned : sequence of float
        Actual and planned mean values of each period since the start of the season [m3/s].
    days : sequence of float, optional
        Days of each period [d]; equal weights when absent.

    Returns
    -------
    float
        NaN when any actual or planned value is missing (a total with a gap would understate
        the volume) or the planned volume is 0.
    """
    a = [_nan_if_none(x) for x in actual]
    p = [_nan_if_none(x) for x in planned]
    d = [1.0] * len(a) if days is None else [float(x) for x in days]
    if not a or len(a) != len(p) or len(a) != len(d):
        raise ValueError("cumulative_schedule_deviation needs as many actual, planned and days values, at least one")
    if any(math.isnan(x) for x in a + p):
        return float("nan")
    plan = sum(x * n for x, n in zip(p, d, strict=True))
    done = sum(x * n for x, n in zip(a, d, strict=True))
    return float("nan") if plan == 0 else 100.0 * (done - plan) / plan


# ---- alert state across bulletins -----------------------------------------------------------

def alert_state(raw_levels, deescalation_periods: int = DEESCALATION_PERIODS) -> tuple[str, str | None]:
    """Effective level and alert state of the newest period, from the raw levels of the periods.

    A level rises at once and comes down only after it has been left for some time
    (hysteresis), so that an alert does not flip on and off from one bulletin to the next.
    Early-warning systems do the same: GloFAS and EFAS require persistence across runs, the
    European Drought Observatory has recovery states, Delft-FEWS keeps up- and down-crossing
    events [1]_. The rules, applied from the oldest period to the newest:

    - before the first period the effective level is ``normal``;
    - a raw level at or above the effective level becomes the effective level (escalation is
      immediate);
    - a raw level below the effective level lowers it only when the raw levels of the last
      ``deescalation_periods`` periods (this one included) are all below it; it then comes
      down to the highest of them. Otherwise the effective level is kept;
    - a ``no_data`` period is passed over: it neither raises nor lowers the effective level,
      and it neither counts towards nor breaks the run of periods below it (a gap in the data
      is no evidence that a situation is over).

    Because the effective level is then the highest raw level of the last
    ``deescalation_periods`` evaluated periods, the result depends only on the last
    ``deescalation_periods + 1`` periods with data: a longer history gives the same answer.

    Parameters
    ----------
    raw_levels : sequence of str
        The level of each period from its thresholds alone (``normal``, ``watch``, ``warning``,
        ``alert`` or ``no_data``), oldest first, the period of the bulletin last.
    deescalation_periods : int
        Periods in a row below the effective level before it comes down [periods, >= 1];
        1 lowers it at once.

    Returns
    -------
    tuple
        (effective level, state) of the newest period. The state compares its effective level
        with the one of the period before (``normal`` before the first):
        ``new`` (up from normal), ``escalated`` (up from watch or higher), ``continuing``
        (same level, not normal), ``de-escalated`` (down, not to normal), ``ended`` (down to
        normal), None (normal and normal before). When the newest period is ``no_data`` the
        result is (``no_data``, None).

    Raises
    ------
    ValueError
        An empty sequence, an unknown level, or ``deescalation_periods`` below 1.

    Examples
    --------
    >>> alert_state(["normal", "watch"])
    ('watch', 'new')
    >>> alert_state(["warning", "watch"], 2)
    ('warning', 'continuing')
    >>> alert_state(["warning", "watch", "watch"], 2)
    ('watch', 'de-escalated')

    References
    ----------
    .. [1] Practice of operational warning systems: GloFAS and EFAS require persistence across
       forecast runs before escalating, the European Drought Observatory has recovery states,
       and Delft-FEWS keeps up- and down-crossing events, so that an alert does not flip on
       and off.
    """
    levels = list(raw_levels)
    if not levels:
        raise ValueError("alert_state needs the raw level of at least one period")
    unknown = [lev for lev in levels if lev != NO_DATA and lev not in LEVELS]
    if unknown:
        raise ValueError(f"alert_state: {unknown[0]!r} is not a level; use one of {', '.join(LEVELS)} or {NO_DATA}")
    if isinstance(deescalation_periods, bool) or not isinstance(deescalation_periods, int) or deescalation_periods < 1:
        raise ValueError(f"deescalation_periods must be a whole number >= 1, not {deescalation_periods!r}")
    if levels[-1] == NO_DATA:
        return NO_DATA, None
    effective = previous = "normal"
    seen: list[str] = []  # raw levels of the periods with data
    for level in levels:
        if level == NO_DATA:
            continue
        previous = effective
        seen.append(level)
        if level_rank(level) >= level_rank(effective):
            effective = level
        else:
            recent = seen[-deescalation_periods:]
            if len(recent) == deescalation_periods and all(level_rank(r) < level_rank(effective) for r in recent):
                effective = max(recent, key=level_rank)
    return effective, state_change(previous, effective)


def state_change(previous: str, current: str) -> str | None:
    """State of a change of effective level from ``previous`` to ``current`` (see :func:`alert_state`)."""
    if level_rank(current) > level_rank(previous):
        return "new" if previous == "normal" else "escalated"
    if level_rank(current) < level_rank(previous):
        return "ended" if current == "normal" else "de-escalated"
    return None if current == "normal" else "continuing"


# ---- reservoirs -----------------------------------------------------------------------------
#
# Volumes in Mm3 (any one volume unit will do for the first two), flows in m3/s, and the
# regional conversion 1 m3/s during one day = 0.0864 Mm3 (the regional reporting convention: Mm3 = mean m3/s x days x 0.0864).

def _nan_if_none(x):
    return float("nan") if x is None else x


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
    return 100.0 * (_nan_if_none(volume) - dead_volume) / (total_volume - dead_volume)


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
    return _nan_if_none(volume) - dead_volume


def days_of_release_left(volume, dead_volume, release, inflow=0.0) -> float:
    """Days until the dead volume is reached if release and inflow stay as they are [days].

    ``(volume - dead_volume) / ((release - inflow) x 0.0864)``: the volume above the dead
    volume divided by the net outflow of one day.

    Parameters
    ----------
    volume : float
        Volume in the reservoir [Mm3].
    dead_volume : float
        Dead volume [Mm3].
    release : float
        Release from the reservoir [m3/s].
    inflow : float, optional
        Inflow to the reservoir [m3/s]; 0 by default (release alone).

    Returns
    -------
    float
        Days [d]. ``math.inf`` when the net outflow is zero or negative (the reservoir is not
        being drawn down), 0.0 when the volume is at or below the dead volume, NaN when an
        input is missing (NaN or None).
    """
    values = [_nan_if_none(x) for x in (volume, dead_volume, release, inflow)]
    if any(math.isnan(x) for x in values):
        return float("nan")
    volume, dead_volume, release, inflow = values
    net_outflow = release - inflow
    if net_outflow <= 0:
        return math.inf
    return max(volume - dead_volume, 0.0) / (net_outflow * MM3_PER_M3S_DAY)


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
    import numpy as np

    dv, q_in, q_out, n = (np.asarray(_nan_if_none(x), dtype=float) for x in (volume_change, inflow, release, days))
    residual = dv - (q_in - q_out) * MM3_PER_M3S_DAY * n
    flows = (q_in + q_out) * MM3_PER_M3S_DAY * n
    with np.errstate(invalid="ignore", divide="ignore"):
        pct = np.where(flows > 0, 100.0 * residual / np.where(flows > 0, flows, 1.0), np.nan)
    if residual.ndim == 0:
        return float(residual), float(pct)
    return residual, pct


# ---- standardized indices (SSI) -------------------------------------------------------------
#
# scipy is imported inside these functions, so the methods above keep working without it.

STANDARDIZED_DISTRIBUTIONS = ("gamma", "fisk")
STANDARDIZED_INDEX_BOUND = 3.09
"""Largest magnitude of a standardized index [-]: H is limited to [Phi(-3.09), Phi(3.09)] = [0.0010, 0.9990]."""


def withdrawn_volume(flows, days) -> float:
    """Volume withdrawn [Mm3] from mean intake flows [m3/s] over periods of ``days`` days each.

    Mm3 = m3/s x days x 0.0864 (regional convention). NaN when any flow is missing: a seasonal
    total with a hole in it would understate the use.
    """
    import numpy as np

    q = np.asarray(flows, dtype=float)
    d = np.asarray(days, dtype=float)
    if q.size == 0 or np.isnan(q).any():
        return float("nan")
    return float(np.sum(q * d) * MM3_PER_M3S_DAY)


def limit_share(used: float, limit: float) -> float:
    """Share of a seasonal withdrawal limit used [%]: ``used`` and ``limit`` in the same unit [Mm3]."""
    if used is None or limit is None or math.isnan(used) or math.isnan(limit) or limit <= 0:
        return float("nan")
    return 100.0 * used / limit


def projected_use(used: float, rate: float, days_left: float) -> float:
    """Use at the end of the season [Mm3] if the current intake ``rate`` [m3/s] goes on.

    ``used`` [Mm3] is the volume withdrawn since the season started, ``days_left`` the days of
    the season after the last observed day. The ICWC limits are seasonal volumes, so a rate
    that overruns them shows here weeks before the total does.
    """
    if any(x is None or math.isnan(x) for x in (used, rate, days_left)) or days_left < 0:
        return float("nan")
    return used + rate * days_left * MM3_PER_M3S_DAY


def projected_use_at_pace(used: float, normal_to_date: float, normal_season: float) -> float:
    """Use at the end of the season [Mm3] if the season goes on at its pace so far.

    ``used`` [Mm3] is the volume withdrawn since the season started, ``normal_to_date`` the
    volume withdrawn in a normal season by the same date and ``normal_season`` that of a whole
    normal season (both from the norms of the periods, same unit). A season 10 % ahead of the
    normal pace ends 10 % above a normal season's use:
    ``used x normal_season / normal_to_date``. Unlike :func:`projected_use`, it does not carry
    the rate of one period (autumn water-charging, spring leaching) over the rest of the season.
    """
    if any(x is None or math.isnan(x) for x in (used, normal_to_date, normal_season)) or normal_to_date <= 0:
        return float("nan")
    return used * normal_season / normal_to_date


def check_distribution(distribution: str) -> None:
    """Raise ValueError naming the choices when ``distribution`` is not a standardized-index one."""
    if distribution not in STANDARDIZED_DISTRIBUTIONS:
        import difflib

        close = difflib.get_close_matches(str(distribution), STANDARDIZED_DISTRIBUTIONS, n=1)
        hint = f" (perhaps you meant '{close[0]}'?)" if close else ""
        raise ValueError(f"unknown distribution {distribution!r} for a standardized index{hint}. "
                         f"Use one of: {', '.join(STANDARDIZED_DISTRIBUTIONS)}.")


def fit_distribution(positive_values, distribution: str = "gamma") -> tuple[float, float]:
    """Maximum-likelihood shape and scale of a two-parameter distribution with location 0.

    Parameters
    ----------
    positive_values : array_like
        Sample [any unit, e.g. m3/s]; NaN are ignored. Values must be > 0: zeros are
        handled by the caller (:func:`standardized_index`).
    distribution : {'gamma', 'fisk'}
        ``gamma``: ``scipy.stats.gamma(a, loc=0, scale)``, fitted by ``gamma.fit(x, floc=0)``,
        which solves the likelihood equation ln(a) - digamma(a) = ln(mean x) - mean(ln x)
        exactly, then scale = mean(x) / a [1]_.
        ``fisk`` (log-logistic): ``scipy.stats.fisk(c, loc=0, scale)``. ln x of a fisk variable
        is logistic with location ln(scale) and scale 1/c, and the Jacobian of the log does
        not depend on the parameters, so the maximum-likelihood fit is
        ``scipy.stats.logistic.fit(ln x)`` (roots of its score equations [2]_).

    Returns
    -------
    tuple of float
        (shape, scale): (a, scale) for gamma, (c, scale) for fisk; scale in the unit of the
        values. (NaN, NaN) when there are fewer than two distinct values.

    References
    ----------
    .. [1] Thom, H.C.S. (1958): A note on the gamma distribution. Monthly Weather Review
       86(4), 117-122 (the likelihood equation; scipy solves it without Thom's approximation).
    .. [2] Forbes, C., Evans, M., Hastings, N. and Peacock, B. (2011): Statistical
       Distributions, 4th ed., Wiley: logistic distribution, parameter estimation.
    """
    import numpy as np
    from scipy import stats

    check_distribution(distribution)
    x = np.asarray(positive_values, dtype=float).ravel()
    x = x[~np.isnan(x)]
    if np.any(x <= 0):
        raise ValueError("fit_distribution needs values > 0; give zeros to standardized_index, "
                         "which counts them as the probability of zero flow")
    if np.unique(x).size < 2:
        return float("nan"), float("nan")
    if distribution == "gamma":
        a, _loc, scale = stats.gamma.fit(x, floc=0)
        return float(a), float(scale)
    mu, s = stats.logistic.fit(np.log(x))
    return float(1.0 / s), float(np.exp(mu))


def standardized_index(values, reference_values, distribution: str = "gamma"):
    """Standardized index of ``values`` against a distribution fitted to ``reference_values``.

    The Standardized Streamflow Index (SSI) [1]_, built like the Standardized Precipitation
    Index [2]_: the reference values of one calendar month (or of the mean over the ``scale``
    months ending with it) are fitted with a distribution, and each value is turned into the
    standard normal quantile of its non-exceedance probability. Zero flow is a probability
    mass of its own (mixed distribution [3]_)::

        q = share of zeros among the reference values
        H(x) = q + (1 - q) F(x)        F fitted to the positive reference values
        SSI(x) = Phi^-1(H(x))          H(0) = q

    Parameters
    ----------
    values : float or array_like
        Flows to standardize [m3/s, or any unit >= 0, the same as the reference]; NaN gives NaN.
    reference_values : array_like
        Reference sample of the same calendar month and scale [same unit]; NaN are ignored.
    distribution : {'gamma', 'fisk'}
        Distribution F of the positive flows, both with location 0 (a two-parameter fit by
        maximum likelihood, see :func:`fit_distribution`). For ``fisk`` (log-logistic) the
        location is fixed at 0 like ``gamma``, not fitted as a third parameter: flows have a
        physical zero, which the zero mass q handles, and a three-parameter maximum-likelihood
        fit of monthly flows often diverges (shape to infinity, see tests/reference/README.md).
        The reference implementation, xclim ``standardized_index``, was run with
        ``fitkwargs={"floc": 0}`` to match.

    Returns
    -------
    float or numpy.ndarray
        Standardized index [-]: 0 at the median of H, -1 at the 15.9th percentile. Limited
        to +-3.09 (``STANDARDIZED_INDEX_BOUND``), i.e. H is clipped to about [0.0010, 0.9990], as
        climate_indices does: a value beyond the reference range would otherwise reach
        +-infinity (a zero flow with q = 0, or 1 - F rounded to 0). NaN where the value is
        NaN, or where the reference has fewer than two distinct positive values (the
        distribution cannot be fitted: the caller reports ``no_data``).

    Raises
    ------
    ValueError
        Negative flows, or an unknown distribution.

    References
    ----------
    .. [1] Vicente-Serrano, S.M. et al. (2012): Accurate computation of a streamflow drought
       index. Journal of Hydrologic Engineering 17(2), 318-332.
    .. [2] McKee, T.B., Doesken, N.J. and Kleist, J. (1993): The relationship of drought
       frequency and duration to time scales. 8th Conference on Applied Climatology, AMS, 179-184.
    .. [3] Edwards, D.C. and McKee, T.B. (1997): Characteristics of 20th century drought in the
       United States at multiple time scales. Climatology Report 97-2, Colorado State
       University (H(x) = q + (1 - q) G(x) for a sample with zeros).
    """
    import numpy as np
    from scipy import stats

    check_distribution(distribution)
    scalar = np.ndim(values) == 0
    x = np.asarray(values, dtype=float)
    ref = np.asarray(reference_values, dtype=float).ravel()
    ref = ref[~np.isnan(ref)]
    if np.any(x < 0) or np.any(ref < 0):
        raise ValueError("standardized_index: flows must be >= 0; check the sign and the unit of the series")
    out = np.full(x.shape, np.nan)
    positive = ref[ref > 0]
    shape, scale = fit_distribution(positive, distribution) if positive.size else (np.nan, np.nan)
    if not np.isnan(shape):
        q = (ref.size - positive.size) / ref.size
        dist = stats.gamma(shape, scale=scale) if distribution == "gamma" else stats.fisk(shape, scale=scale)
        present = ~np.isnan(x)
        h = q + (1.0 - q) * dist.cdf(x[present])  # cdf(0) = 0: a zero flow gets H = q
        bound = STANDARDIZED_INDEX_BOUND
        out[present] = np.clip(stats.norm.ppf(h), -bound, bound)
    return float(out) if scalar else out
