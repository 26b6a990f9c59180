"""Routing along the river: a reservoir's release, and a change of flow, travel to the stations downstream.

The travel times are those of the network's flow links (``flow_links`` of the network file,
``travel_time`` and ``confluence``: each upstream series with its lag [days]). A series reaches
another through a chain of links; its travel time is the sum of their lags (the chain with the
fewest links when there are several). A chain stops at a reservoir: a change of the flow above
it reaches its inflow, and what leaves it is its release, simulated by the mass balance.

**Routing a dekad series.** With ``q(t)`` the flow of each day (the dekad mean repeated over
the dekad's days), the flow that left a travel time ``tau = n + f`` days earlier (``n`` whole
days, ``0 <= f < 1``) is on day t::

    q_tau(t) = (1 - f) * q(t - n) + f * q(t - n - 1)

and the routed dekad value ``Q_tau(k)`` is its mean over the days of dekad k (:func:`route`).
The lag in dekads is shared linearly between the two neighbouring dekads: for
``tau <= d_k - 1`` (``d_k`` days in dekad k) ``Q_tau(k) = (1 - tau/d_k) Q(k) + (tau/d_k) Q(k-1)``;
with 10-day dekads a lag of ``L = tau / 10`` dekads gives ``(1 - L) Q(k) + L Q(k-1)``.

**A station below a simulated reservoir.** A flow series S (a gauge's discharge, a reservoir's
inflow) reached from the release of reservoirs R (each simulated by the outlook, with travel
time ``tau_R``) is split into the release routed to it and the rest, over the whole record::

    L(t) = Q_S(t) - sum_R Q_R,tau_R(t)                        (the flow not released by R)

The traces of L are its ESP traces (:mod:`~bulletin.outlook.esp`, conditioned on the anomaly
of L itself, so that today's release is not counted twice), and the trace of year y at lead k::

    trace_y(k) = max(0, L~_y(k) + sum_R R~_y,tau_R(k) + sum_M D_M,tau_M(k))

with ``R~_y`` the release of R simulated in trace y (the mass balance, after a scenario's
change), preceded by the releases observed in the dekads before the outlook (where one is not
observed, the release of the first dekad simulated), and ``D_M`` the change a scenario makes to
the flow of a station M upstream along the links (zero before the outlook). Unrouted, this is
the brief's ``Q_y - R_y,routed + R~_routed``: the flow of the year minus the year's own release
routed, plus the simulated release routed.

Assumptions: the wave is translated, not attenuated; the travel time does not depend on the
flow; the losses, tributaries and withdrawals of the reach are those of the historical year
(they stay in L); the dekads of a historical year are routed with their own lengths, the
simulated ones with those of the dekads forecast. A year without the release of R in a dekad
the routing needs gives no value there (and no trace, :mod:`~bulletin.outlook.assess`).
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

import numpy as np

from ..qc.config import load_links

FLOW_VARIABLES = ("discharge", "inflow")
"""Variables simulated by ESP: river flows (managed withdrawals and reservoir states are not)."""
RELEASE = "release"
MIN_DEKAD_DAYS = 8


def dekad_days(first: int, n: int) -> np.ndarray:
    """Days of ``n`` consecutive dekads from the running dekad number ``first`` (:func:`~bulletin.outlook.esp.dekad_index`)."""
    index = np.arange(first, first + n)
    out = np.full(n, 10, dtype=np.int64)
    third = np.flatnonzero(index % 3 == 2)
    month = (index[third] // 3 - 1970 * 12).astype("datetime64[M]")  # months since 1970-01
    out[third] = ((month + 1).astype("datetime64[D]") - month.astype("datetime64[D]")).astype(np.int64) - 20
    return out


def route(values, days, lag: float) -> np.ndarray:
    """Dekad means of a flow translated downstream by ``lag`` days (module docstring).

    Parameters
    ----------
    values : numpy.ndarray
        (..., n) mean flow of n consecutive dekads [any flow unit].
    days : array_like
        (n,) days of each dekad.
    lag : float
        Travel time [days], 0 or more.

    Returns
    -------
    numpy.ndarray
        (..., n) the routed dekad means; NaN where the translated flow reaches before the first
        dekad or a day without a value.
    """
    values = np.asarray(values, dtype=float)
    days = np.asarray(days, dtype=np.int64)
    if lag == 0 or values.shape[-1] == 0:
        return values.copy()
    daily = np.repeat(values, days, axis=-1)
    n, f = int(math.floor(lag)), lag - math.floor(lag)
    total = daily.shape[-1]
    shifted = np.full(daily.shape, np.nan)
    if n < total:
        shifted[..., n:] = daily[..., :total - n]
    if f > 0:
        earlier = np.full(daily.shape, np.nan)
        if n + 1 < total:
            earlier[..., n + 1:] = daily[..., :total - n - 1]
        shifted = (1 - f) * shifted + f * earlier
    starts = np.concatenate([[0], np.cumsum(days)[:-1]])
    return np.add.reduceat(shifted, starts, axis=-1) / days


def dekads_before(lag: float) -> int:
    """Dekads before the first simulated one that a travel time of ``lag`` days reaches back to (at least 1)."""
    return int(math.ceil(lag / MIN_DEKAD_DAYS)) + 1


def route_ahead(past: np.ndarray, ahead: np.ndarray, past_days, ahead_days, lag: float) -> np.ndarray:
    """The simulated dekads of a flow routed by ``lag`` days, the dekads before them given.

    ``past`` (traces, P) are the dekads just before the simulated ones, ``ahead`` (traces, K)
    the simulated ones; the result is (traces, K).
    """
    both = np.concatenate([past, ahead], axis=1)
    return route(both, list(past_days) + list(ahead_days), lag)[:, past.shape[1]:]


@dataclass(frozen=True)
class Source:
    """A series upstream of another along the flow links, and the travel time from it [days]."""

    station: str
    variable: str
    lag: float

    @property
    def key(self) -> tuple[str, str]:
        """(station, variable)."""
        return self.station, self.variable


class Routing:
    """The chains of flow links of a network: which series upstream reach a series, and when.

    Parameters
    ----------
    network : Network
        Its ``flow_links`` (validated as the quality control validates them); a network without
        them routes nothing.
    """

    def __init__(self, network):
        self.network = network
        self._into: dict = {}
        for link in load_links(network):
            for station, variable, lag in link.upstream:
                self._into.setdefault(tuple(link.downstream), []).append((station, variable, float(lag)))
        self._sources: dict = {}

    def sources(self, station: str, variable: str) -> tuple[Source, ...]:
        """The reservoir releases and river flows upstream of a flow series, with their travel times.

        The links are followed upstream (breadth first: a series reached by two chains keeps the
        one with fewer links); a reservoir's release ends a chain, a reservoir's other series and
        other variables are not followed.
        """
        key = (station, variable)
        if key not in self._sources:
            found: list[Source] = []
            seen = {key}
            queue = deque([(key, 0.0)])
            while queue:
                node, lag = queue.popleft()
                for up_station, up_variable, up_lag in self._into.get(node, ()):
                    up = (up_station, up_variable)
                    if up in seen or up_station not in self.network:
                        continue
                    seen.add(up)
                    reservoir = self.network[up_station].kind == "reservoir"
                    if reservoir and up_variable == RELEASE:
                        found.append(Source(up_station, up_variable, lag + up_lag))
                    elif not reservoir and up_variable in FLOW_VARIABLES:
                        found.append(Source(up_station, up_variable, lag + up_lag))
                        queue.append((up, lag + up_lag))
            self._sources[key] = tuple(found)
        return self._sources[key]

    def releases(self, station: str, variable: str) -> tuple[Source, ...]:
        """The reservoir releases routed to a flow series (:meth:`sources`)."""
        return tuple(s for s in self.sources(station, variable) if s.variable == RELEASE)

    def flows(self, station: str, variable: str) -> tuple[Source, ...]:
        """The river flows upstream of a flow series along the links (:meth:`sources`)."""
        return tuple(s for s in self.sources(station, variable) if s.variable != RELEASE)



def not_reached(routing: Routing, station: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(reached, not reached): the stations along the river below ``station`` a change there is routed to, and not.

    The river is the chain of ``downstream`` stations of the network, to the first reservoir
    (whose release, not its inflow, continues the river); a station is reached when a chain of
    flow links leads to its flow (discharge of a gauge, inflow of a reservoir) from ``station``.
    """
    network = routing.network
    reached, missing, seen = [], [], {station}
    below = network[station].downstream
    while below is not None and below in network and below not in seen:
        seen.add(below)
        st = network[below]
        variable = "inflow" if st.kind == "reservoir" else "discharge"
        if st.kind in ("gauge", "reservoir"):
            (reached if any(src.station == station for src in routing.sources(below, variable)) else missing).append(below)
        if st.kind == "reservoir":
            break
        below = st.downstream
    return tuple(reached), tuple(missing)
