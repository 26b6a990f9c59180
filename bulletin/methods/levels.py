"""Levels, thresholds and the alert state: the part every indicator method shares.

A method computes the value it compares (a flow, a % of norm, days of release left ...); the
thresholds of the catalogue turn it into a level (:func:`threshold_ranks`), and the levels of
consecutive periods into an effective level and a state (:func:`alert_state`).
"""

from __future__ import annotations

import math
import operator as _op
from dataclasses import dataclass

import numpy as np

LEVELS = ("normal", "watch", "warning", "alert")
NO_DATA = "no_data"
OPERATORS = {"<": _op.lt, "<=": _op.le, ">": _op.gt, ">=": _op.ge}
STATES = ("new", "continuing", "escalated", "de-escalated", "ended")
"""Alert states across consecutive bulletins (results JSON ``state``)."""
DEESCALATION_PERIODS = 2
"""Default number of periods in a row below the effective level before it comes down."""
NO_DATA_RANK = -1


@dataclass(frozen=True)
class Threshold:
    """The value [indicator unit] from which ``level`` applies, compared with ``operator``."""

    level: str
    operator: str
    value: float
    unit: str


@dataclass(frozen=True)
class AppliedThreshold:
    """A threshold as it applied in one period (a finding's ``thresholds`` in the results JSON).

    ``value`` is in the unit the indicator's value is compared in; NaN when a relative
    threshold has no norm or reference distribution. A relative threshold keeps its catalogue
    value in ``relative_value`` with ``relative_to`` (norm or percentile); a threshold that
    varies names the row that applied in ``applies_to`` ("gs", "dekad 32").
    """

    level: str
    operator: str
    value: float
    unit: str
    relative_to: str | None = None
    relative_value: float | None = None
    applies_to: str | None = None

    def as_json(self) -> dict:
        """The JSON object: level, operator, value (null when unknown), unit, and the optional keys."""
        out = {"level": self.level, "operator": self.operator,
               "value": None if math.isnan(self.value) else self.value, "unit": self.unit}
        if self.relative_to is not None:
            out.update(relative_to=self.relative_to, relative_value=self.relative_value)
        if self.applies_to is not None:
            out["applies_to"] = self.applies_to
        return out


def level_rank(level: str) -> int:
    """Order of severity: no_data -1, normal 0, watch 1, warning 2, alert 3.

    >>> [level_rank(x) for x in ("no_data", "normal", "alert")]
    [-1, 0, 3]
    """
    return NO_DATA_RANK if level == NO_DATA else LEVELS.index(level)


def level_of_rank(rank: int) -> str:
    """The level of a rank (the inverse of :func:`level_rank`)."""
    return NO_DATA if rank == NO_DATA_RANK else LEVELS[rank]


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

    Examples
    --------
    >>> threshold_level(8.4, {"watch": 10, "warning": 9, "alert": 7}, "<")
    'warning'
    """
    if value is None or math.isnan(value):
        return NO_DATA
    return level_of_rank(int(threshold_ranks(value, thresholds, operator)))


def threshold_ranks(values, thresholds: dict[str, float], operator: str) -> np.ndarray:
    """:func:`threshold_level` of many values at once, as ranks (:func:`level_rank`).

    Parameters
    ----------
    values : float or array_like
        Indicator values [unit of the thresholds]; NaN gives -1 (``no_data``).
    thresholds : dict
        Level -> threshold value; a NaN threshold is never crossed.
    operator : {'<', '<=', '>', '>='}

    Returns
    -------
    numpy.ndarray of int
        Same shape as ``values``.

    Examples
    --------
    >>> threshold_ranks([12.0, 9.5, 6.0, float("nan")], {"watch": 10, "alert": 7}, "<").tolist()
    [0, 1, 3, -1]
    """
    v = np.asarray(values, dtype=float)
    missing = np.isnan(v)
    out = np.where(missing, NO_DATA_RANK, 0)
    compare = OPERATORS[operator]
    for rank, level in enumerate(LEVELS[1:], start=1):
        if level in thresholds:
            with np.errstate(invalid="ignore"):
                crossed = compare(v, thresholds[level]) & ~missing
            out = np.where(crossed, rank, out)
    return out


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
    """State of a change of effective level from ``previous`` to ``current`` (see :func:`alert_state`).

    >>> state_change("watch", "alert"), state_change("alert", "normal")
    ('escalated', 'ended')
    """
    if level_rank(current) > level_rank(previous):
        return "new" if previous == "normal" else "escalated"
    if level_rank(current) < level_rank(previous):
        return "ended" if current == "normal" else "de-escalated"
    return None if current == "normal" else "continuing"
