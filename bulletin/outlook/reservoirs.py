"""Reservoir traces: the dekad mass balance run on the ESP traces of the inflow.

Per dekad k of ``days`` days, with the inflow I_k of a trace and the planned release R_k [m3/s]::

    V_k = V_k-1 + (I_k - R_k) * days * 86400 / 1e6          [Mm3]

bounded below by the dead volume (the release is cut so that the volume stays at the dead
volume: the release is then what the balance leaves, the inflow plus the volume drawn above
the dead volume) and above by the total volume (the excess is spilled: released on top of R_k). A start
volume already below the dead volume (or above the total volume) is not forced to it: the bound
is then the volume of the dekad before.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

SECONDS_PER_DAY = 86400.0
MM3 = 1e6  # m3 per Mm3
RECENT_YEARS = 5
"""Without a schedule, the release of a dekad is the median of the same dekad in this many recent years."""


@dataclass(frozen=True)
class ReservoirTraces:
    """The simulated dekads of one reservoir, arrays (traces, leads).

    ``volume`` is the volume at the end of each dekad [Mm3]; ``inflow``, ``planned`` (R_k),
    ``release`` (what leaves the reservoir: R_k, cut at the dead volume, plus the spill) and
    ``spill`` are mean flows of the dekad [m3/s]; ``start`` the volume at the end of the
    issue dekad [Mm3] and ``days`` the days of each dekad.
    """

    station: str
    start: float
    dead: float
    total: float
    days: np.ndarray
    inflow: np.ndarray
    planned: np.ndarray
    release: np.ndarray
    spill: np.ndarray
    volume: np.ndarray

    def balance_error(self) -> np.ndarray:
        """Volume change minus (inflow - release) volume, per trace and dekad [Mm3]; zero when the balance closes."""
        before = np.concatenate([np.full((self.volume.shape[0], 1), self.start), self.volume[:, :-1]], axis=1)
        return (self.volume - before) - (self.inflow - self.release) * self.days * SECONDS_PER_DAY / MM3


def mass_balance(station: str, start: float, inflow: np.ndarray, planned: np.ndarray, days, dead: float | None,
                 total: float | None) -> ReservoirTraces:
    """Run the mass balance (module docstring) of every trace from the volume ``start`` [Mm3].

    Parameters
    ----------
    inflow : numpy.ndarray
        (traces, K) mean inflow of each dekad [m3/s]; a NaN leaves the trace NaN from there on.
    planned : numpy.ndarray
        (K,) or (traces, K) planned release [m3/s].
    days : array_like
        (K,) days of each dekad.
    dead, total : float or None
        Dead and total volume [Mm3]; None: no bound (0 and infinity).
    """
    inflow = np.asarray(inflow, dtype=float)
    n, k_max = inflow.shape
    planned = np.broadcast_to(np.asarray(planned, dtype=float), (n, k_max))
    days = np.asarray(days, dtype=float)
    dead = 0.0 if dead is None else float(dead)
    total = np.inf if total is None else float(total)
    volume, release, spill = (np.full((n, k_max), np.nan) for _ in range(3))
    v = np.full(n, float(start))
    for k in range(k_max):
        to_mm3 = days[k] * SECONDS_PER_DAY / MM3
        free = v + (inflow[:, k] - planned[:, k]) * to_mm3
        floor, ceiling = np.minimum(dead, v), np.maximum(total, v)
        with np.errstate(invalid="ignore"):
            unknown = np.isnan(free)  # no inflow in this trace: unknown from here on
            cut = np.where(unknown, np.nan, np.where(free < floor, (floor - free) / to_mm3, 0.0))
            over = np.where(unknown, np.nan, np.where(free > ceiling, (free - ceiling) / to_mm3, 0.0))
        v_next = np.clip(free, floor, ceiling)
        # a cut release is what the balance leaves: exactly the inflow when the volume stays at the floor
        out = np.where(cut > 0, inflow[:, k] + (v - v_next) / to_mm3, planned[:, k] + over)
        v = v_next
        volume[:, k], spill[:, k], release[:, k] = v, over, out
    return ReservoirTraces(station, float(start), dead, total, days, inflow, np.array(planned), release, spill, volume)


def recent_median(history: np.ndarray, years: tuple[int, ...], before: int, n: int = RECENT_YEARS) -> np.ndarray:
    """Median per lead of the ``n`` latest ``years`` before the year ``before`` (the latest of all if none is before).

    ``history`` is (len(years), K): each year's release in the dekads of the leads [m3/s].
    """
    years_arr = np.asarray(years)
    chosen = np.flatnonzero(years_arr < before)
    if chosen.size == 0:
        chosen = np.arange(len(years))
    chosen = chosen[np.argsort(years_arr[chosen])][-n:]
    k = history.shape[1] if history.ndim == 2 else 0
    if chosen.size == 0:
        return np.full(k, np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a lead without any value: NaN
        return np.nanmedian(history[chosen], axis=0)
