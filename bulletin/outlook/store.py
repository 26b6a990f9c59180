"""The data of the outlook: observations for the past, arrays of traces for the coming dekads.

:class:`TraceStore` answers what an indicator method asks of the data
(:class:`bulletin.methods.registry.Values`) with one value per trace: the observed value
repeated for a period up to the issue dekad, the simulated traces after it. A series is
simulated when first asked: river flows (``FLOW_VARIABLES``) by ESP
(:mod:`bulletin.outlook.esp`), the volume and release of a reservoir by the mass balance
(:mod:`bulletin.outlook.reservoirs`). Anything else in the future raises :class:`NotSimulated`.
"""

from __future__ import annotations

import numpy as np

from ..methods.schedule import ScheduleParams
from ..periods import Period
from .esp import DEKADS, FlowTraces, Record, dekad_index, flow_traces
from .reservoirs import ReservoirTraces, mass_balance, recent_median

FLOW_VARIABLES = ("discharge", "inflow")
"""Variables simulated by ESP: river flows (managed withdrawals and reservoir states are not)."""
RESERVOIR_VARIABLES = ("volume", "release")
"""Variables of a reservoir simulated by the mass balance."""


class NotSimulated(Exception):
    """A series the outlook does not simulate was asked for a coming period; the message says why."""


class TraceStore:
    """Observed values up to the issue dekad and traces after it, one value per trace (arrays).

    Parameters
    ----------
    store : bulletin.series.SeriesStore
        The observations' series (and their coverage rule).
    network : Network
    catalogue : Catalogue
        Its release schedules set the planned release of a reservoir.
    issue : Period
        The issue dekad (the dekad just ended).
    n_leads : int
        Dekads simulated after it.
    years : tuple of int
        The hydrological years that give a trace (:func:`~bulletin.outlook.esp.trace_years`).
    excluded : int or None
        The hydrological year forecast, kept out of every estimate.
    """

    def __init__(self, store, network, catalogue, issue: Period, n_leads: int, years: tuple[int, ...],
                 excluded: int | None):
        self.store, self.network, self.catalogue = store, network, catalogue
        self.issue, self.n_leads, self.years, self.excluded = issue, n_leads, tuple(years), excluded
        self.periods = tuple(issue.shift(k) for k in range(1, n_leads + 1))
        self._flows: dict = {}
        self._reservoirs: dict = {}

    @property
    def n_traces(self) -> int:
        """Number of traces (one per year)."""
        return len(self.years)

    def lead_of(self, period: Period) -> int:
        """Lead of a dekad after the issue dekad (1 is the next dekad); 0 or less for the past."""
        return dekad_index(period) - dekad_index(self.issue)

    def at(self, station: str, variables: tuple[str, ...], period: Period) -> np.ndarray:
        """Value of a series (or the difference of two) in ``period``, one per trace [canonical unit]."""
        if period.end <= self.issue.end:
            return np.full(self.n_traces, self.store.at(station, variables, period), dtype=float)
        if period.kind != "dekad":
            raise NotSimulated(f"a {period.kind} after the issue dekad is not simulated")
        lead = self.lead_of(period)
        if lead > self.n_leads:
            raise NotSimulated(f"{period.label} is beyond the {self.n_leads} dekads simulated")
        values = [self.trace(station, v)[:, lead - 1] for v in variables]
        return values[0] if len(values) == 1 else values[0] - values[1]

    def trace(self, station: str, variable: str) -> np.ndarray:
        """(traces, leads) of one series [canonical unit]; raises :class:`NotSimulated`."""
        if variable in FLOW_VARIABLES:
            return self.flow(station, variable).values
        if variable in RESERVOIR_VARIABLES and station in self.network and self.network[station].kind == "reservoir":
            return getattr(self.reservoir(station), variable)
        raise NotSimulated(f"{variable} at {station} is not simulated (only river flows and reservoir "
                           f"volume and release are)")

    def rhos(self) -> tuple:
        """(("station/variable", rho), ...) of the flow series simulated so far, sorted."""
        return tuple((f"{s}/{v}", f.rho) for (s, v), f in sorted(self._flows.items()))

    def flow(self, station: str, variable: str) -> FlowTraces:
        """ESP traces of a flow series (computed once)."""
        key = (station, variable)
        if key not in self._flows:
            self._flows[key] = flow_traces(self._record(station, variable), station, variable, self.issue,
                                           self.n_leads, self.years, self.excluded, self.network.seasons)
        return self._flows[key]

    def reservoir(self, station: str) -> ReservoirTraces:
        """The mass balance of a reservoir on the ESP traces of its inflow (computed once)."""
        if station not in self._reservoirs:
            st = self.network[station]
            start = self.store.at(station, ("volume",), self.issue)
            if np.isnan(start):
                raise NotSimulated(f"no volume of {station} observed at the end of {self.issue.label}")
            planned = self.planned_release(station)
            if np.isnan(planned).any():
                raise NotSimulated(f"no planned or recent release of {station} for every dekad simulated")
            inflow = self.flow(station, "inflow").values
            self._reservoirs[station] = mass_balance(
                station, start, inflow, planned, [p.days for p in self.periods],
                None if st.dead_volume is None else st.dead_volume.value,
                None if st.total_volume is None else st.total_volume.value)
        return self._reservoirs[station]

    def planned_release(self, station: str) -> np.ndarray:
        """Release R_k of each lead [m3/s]: the catalogue's schedule, else the recent median.

        The schedule is the plan of any indicator on the release of ``station`` whose method
        reads a schedule; a dekad it does not plan takes the median release of the same dekad
        in the last five trace years before the year forecast
        (:func:`~bulletin.outlook.reservoirs.recent_median`).
        """
        plans = [ind.params for ind in self.catalogue.indicators
                 if ind.station == station and ind.variable == "release" and isinstance(ind.params, ScheduleParams)]
        planned = np.array([next((x for x in (pl.planned_for(p) for pl in plans) if x is not None), np.nan)
                            for p in self.periods], dtype=float)
        if np.isnan(planned).any():
            record = self._record(station, "release")
            hy = self.network.seasons.hydrological_year_of(self.issue.start)
            i0 = dekad_index(self.issue)
            history = np.array([record.window(i0 - DEKADS * (hy - y) + 1, self.n_leads) for y in self.years])
            history = history.reshape(len(self.years), self.n_leads)
            before = hy if self.excluded is None else min(hy, self.excluded)
            planned = np.where(np.isnan(planned), recent_median(history, self.years, before), planned)
        return planned

    def _record(self, station: str, variable: str) -> Record:
        series = self.store.series(station, (variable,), "dekad")
        return Record.of(series, self.store.settings.coverage_for("dekad"))
