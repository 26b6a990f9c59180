"""Changes of the outlook's inputs in some of the dekads simulated (what a scenario asks), applied to traces.

A :class:`TraceChange` names a series, how it is changed and the leads (dekads after the issue
dekad, 1 is the next) it applies to. :class:`~bulletin.outlook.store.TraceStore` applies it
where the series is simulated, so that routing, the mass balance and the indicators' methods
see the changed series:

- the release of a reservoir (``release``): the planned release ``R_k`` of the mass balance is
  set to a value (``SET``) or multiplied by ``1 + factor / 100`` (``FACTOR``);
- the flow of a station (``discharge`` of a gauge, ``inflow`` of a reservoir): every trace is set
  to a value (``SET``), multiplied by ``1 + factor / 100`` (``FACTOR``), or replaced by the
  ``p``-th percentile of the traces of the same lead (``PERCENTILE``; percentiles of the traces
  that have a value, linear interpolation, :func:`numpy.nanpercentile`);
- a withdrawal at a station (``WITHDRAW``): its flow less the withdrawal ``w`` (``q - w``, so a
  negative w is a return flow).

A changed flow is never below zero (a withdrawal takes at most the flow there is), and a trace
without a value keeps none.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from .routing import FLOW_VARIABLES, RELEASE

SET = "value"
FACTOR = "factor"
PERCENTILE = "percentile"
WITHDRAW = "withdraw"
HOWS = (SET, FACTOR, PERCENTILE, WITHDRAW)
WITHDRAWAL = "withdrawal"
"""The variable of a withdrawal change: the station's own flow is changed."""


@dataclass(frozen=True)
class TraceChange:
    """One change of a series over some leads.

    Attributes
    ----------
    station, variable : str
        The series changed: a reservoir's ``release``, a flow (``discharge``, ``inflow``), or
        ``withdrawal`` (the station's flow is changed, :attr:`target`).
    how : str
        ``SET``, ``FACTOR``, ``PERCENTILE`` or ``WITHDRAW`` (module docstring).
    amount : float
        The value or withdrawal [m3/s], the factor [% change], or the percentile [0-100].
    leads : tuple of int
        The leads changed (1 is the dekad after the issue dekad).
    target_variable : str
        The variable whose traces change: ``variable``, or for a withdrawal the station's flow
        (``discharge`` of a gauge, ``inflow`` of a reservoir).
    """

    station: str
    variable: str
    how: str
    amount: float
    leads: tuple[int, ...]
    target_variable: str

    @property
    def target(self) -> tuple[str, str]:
        """(station, variable) of the series whose traces change."""
        return self.station, self.target_variable

    @property
    def on_release(self) -> bool:
        """Whether the change is of a reservoir's planned release."""
        return self.target_variable == RELEASE


def flow_of(kind: str) -> str:
    """The flow variable of a station of ``kind`` that a withdrawal there changes."""
    return FLOW_VARIABLES[1] if kind == "reservoir" else FLOW_VARIABLES[0]


def _columns(change: TraceChange, n_leads: int) -> np.ndarray:
    return np.array([k - 1 for k in change.leads if 1 <= k <= n_leads], dtype=np.int64)


def change_release(planned: np.ndarray, change: TraceChange) -> np.ndarray:
    """The planned release (K,) [m3/s] with ``change`` applied to its leads."""
    out = np.array(planned, dtype=float)
    cols = _columns(change, out.shape[-1])
    if change.how == SET:
        out[..., cols] = change.amount
    elif change.how == FACTOR:
        out[..., cols] = out[..., cols] * (1 + change.amount / 100)
    else:
        raise ValueError(f"a release is set or changed by a factor, not by {change.how}")
    return out


def change_flow(values: np.ndarray, change: TraceChange) -> np.ndarray:
    """The flow traces (traces, K) [m3/s] with ``change`` applied to its leads (module docstring)."""
    out = np.array(values, dtype=float)
    cols = _columns(change, out.shape[1])
    if cols.size == 0:
        return out
    old = out[:, cols]
    if change.how == SET:
        new = np.full(old.shape, change.amount)
    elif change.how == FACTOR:
        new = old * (1 + change.amount / 100)
    elif change.how == PERCENTILE:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a lead without any value stays NaN
            new = np.broadcast_to(np.nanpercentile(old, change.amount, axis=0), old.shape)
    elif change.how == WITHDRAW:
        new = old - change.amount
    else:
        raise ValueError(f"unknown change of a flow: {change.how}")
    out[:, cols] = np.where(np.isnan(old), np.nan, np.maximum(new, 0.0))
    return out
