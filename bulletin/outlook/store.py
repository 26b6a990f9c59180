"""The data of the outlook: observations for the past, arrays of traces for the coming dekads.

:class:`TraceStore` answers what an indicator method asks of the data
(:class:`bulletin.methods.registry.Values`) with one value per trace: the observed value
repeated for a period up to the issue dekad, the simulated traces after it. A series is
simulated when first asked: river flows (``FLOW_VARIABLES``) by ESP
(:mod:`bulletin.outlook.esp`), routed below the reservoirs the outlook simulates
(:mod:`bulletin.outlook.routing`), the volume and release of a reservoir by the mass balance
(:mod:`bulletin.outlook.reservoirs`). Anything else in the future raises :class:`NotSimulated`.

The changes of a scenario (:mod:`bulletin.outlook.changes`) are applied where their series is
simulated: a reservoir's planned release before its mass balance, a flow after its routing;
the change of a flow travels to the flows downstream of it along the flow links.

Every trace is one hydrological year and keeps its place in every series, so that series
combine year by year (a difference of two series, a mass balance on an inflow). The store
remembers which simulated series are read (:meth:`TraceStore.reading`): a trace is complete
for an indicator when each series it read has a value at every dekad simulated
(:meth:`TraceStore.complete`).
"""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np

from ..methods.schedule import ScheduleParams
from ..periods import Period
from .changes import TraceChange, change_flow, change_release
from .esp import DEKADS, FlowTraces, Record, dekad_index, flow_traces
from .reservoirs import ReservoirTraces, mass_balance, recent_median
from .routing import FLOW_VARIABLES, RELEASE, Routing, dekad_days, dekads_before, route, route_ahead

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
    changes : tuple of TraceChange
        A scenario's changes of the inputs (:mod:`bulletin.outlook.changes`), in order; none
        for the outlook itself.
    """

    def __init__(self, store, network, catalogue, issue: Period, n_leads: int, years: tuple[int, ...],
                 excluded: int | None, changes: tuple[TraceChange, ...] = ()):
        self.store, self.network, self.catalogue = store, network, catalogue
        self.issue, self.n_leads, self.years, self.excluded = issue, n_leads, tuple(years), excluded
        self.changes = tuple(changes)
        self.periods = tuple(issue.shift(k) for k in range(1, n_leads + 1))
        self.routing = Routing(network)
        self.notes: dict = {}  # (station, variable) -> why a reservoir upstream is not routed to it
        self._flows: dict = {}
        self._unchanged: dict = {}  # flow traces before the flow's own changes
        self._reservoirs: dict = {}
        self._active: set = set()
        self._reads: set | None = None

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
        if self._reads is not None:
            self._reads.update((station, v) for v in variables)
        return values[0] if len(values) == 1 else values[0] - values[1]

    @contextmanager
    def reading(self):
        """Remember the simulated series read inside the block; yields the set of (station, variable)."""
        before, self._reads = self._reads, set()
        try:
            yield self._reads
        finally:
            self._reads = before

    def complete(self, series) -> np.ndarray:
        """(traces,) True where every series of ``series`` ((station, variable), ...) has a value at every lead."""
        ok = np.ones(self.n_traces, dtype=bool)
        for station, variable in sorted(series):
            ok &= np.isfinite(self.trace(station, variable)).all(axis=1)
        return ok

    def trace(self, station: str, variable: str) -> np.ndarray:
        """(traces, leads) of one series [canonical unit]; raises :class:`NotSimulated`."""
        if variable in FLOW_VARIABLES:
            return self.flow(station, variable).values
        if variable in RESERVOIR_VARIABLES and station in self.network and self.network[station].kind == "reservoir":
            return getattr(self.reservoir(station), variable)
        raise NotSimulated(f"{variable} at {station} is not simulated (only river flows and reservoir "
                           f"volume and release are)")

    def simulated(self, station: str, variable: str) -> bool:
        """Whether a series has been simulated so far: a flow's traces, or a reservoir's mass balance."""
        return station in self._reservoirs if variable in RESERVOIR_VARIABLES else (station, variable) in self._flows

    def rhos(self) -> tuple:
        """(("station/variable", rho), ...) of the flow series simulated so far, sorted."""
        return tuple((f"{s}/{v}", f.rho) for (s, v), f in sorted(self._flows.items()))

    def flow(self, station: str, variable: str) -> FlowTraces:
        """ESP traces of a flow series, routed and changed (computed once; module docstring)."""
        key = (station, variable)
        if key not in self._flows:
            if key in self._active:
                raise NotSimulated(f"{station}/{variable} depends on itself through the flow links")
            self._active.add(key)
            try:
                self._flows[key] = self._simulate_flow(station, variable)
            finally:
                self._active.discard(key)
        return self._flows[key]

    def _simulate_flow(self, station: str, variable: str) -> FlowTraces:
        """ESP of the flow not released upstream, plus the routed releases and changes (:mod:`.routing`)."""
        record = self._record(station, variable)
        days = dekad_days(record.first, len(record.values))
        lateral, released = record.values, []
        for source in self.routing.releases(station, variable):
            try:
                reservoir = self.reservoir(source.station)
            except NotSimulated as exc:
                self.notes[(station, variable)] = f"the release of {source.station} is not routed: {exc}"
                continue
            history = self._record(source.station, RELEASE)
            if not np.isfinite(history.values).any():
                self.notes[(station, variable)] = f"the release of {source.station} is not routed: no release observed"
                continue
            lateral = lateral - self._routed_record(history.window(record.first, len(record.values)), record.first,
                                                    days, source.lag)
            released.append((source, reservoir))
        f = flow_traces(Record(record.first, lateral), station, variable, self.issue, self.n_leads, self.years,
                        self.excluded, self.network.seasons)
        values = f.values
        for source, reservoir in released:
            values = values + self._routed_release(source, reservoir)
        changed_upstream = [s for s in self.routing.flows(station, variable) if self._changes_of(s.key)]
        for source in changed_upstream:
            values = values + self._routed_delta(source)
        if released or changed_upstream:
            values = np.maximum(values, 0.0)
        self._unchanged[(station, variable)] = values
        for change in self._changes_of((station, variable)):
            values = change_flow(values, change)
        return FlowTraces(station, variable, f.rho, f.a0, f.years, values)

    def _routed_record(self, values: np.ndarray, first: int, days: np.ndarray, lag: float) -> np.ndarray:
        """A record routed by ``lag`` days; outside the year forecast, nothing of that year travels into it."""
        routed = route(values, days, lag)
        if self.excluded is None:
            return routed
        seasons = self.network.seasons
        inside = np.isnan(Record(first, np.zeros(len(values))).without_year(self.excluded, seasons))
        return np.where(inside, routed, route(Record(first, values).without_year(self.excluded, seasons), days, lag))

    def _routed_release(self, source, reservoir: ReservoirTraces) -> np.ndarray:
        """(traces, leads) the simulated release of a reservoir routed by ``source.lag`` days [m3/s]."""
        before = tuple(self.issue.shift(-j) for j in range(dekads_before(source.lag) - 1, -1, -1))
        observed = np.array([self.store.at(source.station, (RELEASE,), p) for p in before], dtype=float)
        past = np.where(np.isnan(observed)[None, :], reservoir.release[:, :1], observed[None, :])
        return route_ahead(past, reservoir.release, [p.days for p in before], [p.days for p in self.periods],
                           source.lag)

    def _routed_delta(self, source) -> np.ndarray:
        """(traces, leads) the change a scenario made to an upstream flow, routed by ``source.lag`` days [m3/s]."""
        changed = self.flow(*source.key).values
        delta = np.nan_to_num(changed - self._unchanged[source.key], nan=0.0)
        p = dekads_before(source.lag)
        past_days = [self.issue.shift(-j).days for j in range(p - 1, -1, -1)]
        return route_ahead(np.zeros((delta.shape[0], p)), delta, past_days, [x.days for x in self.periods],
                           source.lag)

    def _changes_of(self, key: tuple[str, str]) -> tuple[TraceChange, ...]:
        return tuple(c for c in self.changes if c.target == key)

    def reservoir(self, station: str) -> ReservoirTraces:
        """The mass balance of a reservoir on the traces of its inflow (computed once)."""
        if station not in self._reservoirs:
            if (station, RELEASE) in self._active:
                raise NotSimulated(f"{station} depends on its own release through the flow links")
            self._active.add((station, RELEASE))
            try:
                self._reservoirs[station] = self._mass_balance(station)
            finally:
                self._active.discard((station, RELEASE))
        return self._reservoirs[station]

    def _mass_balance(self, station: str) -> ReservoirTraces:
        st = self.network[station]
        start = self.store.at(station, ("volume",), self.issue)
        if np.isnan(start):
            raise NotSimulated(f"no volume of {station} observed at the end of {self.issue.label}")
        planned = self.planned_release(station)
        if np.isnan(planned).any():
            raise NotSimulated(f"no planned or recent release of {station} for every dekad simulated")
        inflow = self.flow(station, "inflow").values
        return mass_balance(station, start, inflow, planned, [p.days for p in self.periods],
                            None if st.dead_volume is None else st.dead_volume.value,
                            None if st.total_volume is None else st.total_volume.value)

    def planned_release(self, station: str) -> np.ndarray:
        """Release R_k of each lead [m3/s]: the catalogue's schedule, else the recent median; then a scenario's changes.

        The schedule is the plan of any indicator on the release of ``station`` whose method
        reads a schedule; a dekad it does not plan takes the median release of the same dekad
        in the last five trace years before the year forecast
        (:func:`~bulletin.outlook.reservoirs.recent_median`). A scenario's change of the release
        applies last (:func:`~bulletin.outlook.changes.change_release`).
        """
        plans = [ind.params for ind in self.catalogue.indicators
                 if ind.station == station and ind.variable == RELEASE and isinstance(ind.params, ScheduleParams)]
        planned = np.array([next((x for x in (pl.planned_for(p) for pl in plans) if x is not None), np.nan)
                            for p in self.periods], dtype=float)
        if np.isnan(planned).any():
            record = self._record(station, RELEASE)
            hy = self.network.seasons.hydrological_year_of(self.issue.start)
            i0 = dekad_index(self.issue)
            history = np.array([record.window(i0 - DEKADS * (hy - y) + 1, self.n_leads) for y in self.years])
            history = history.reshape(len(self.years), self.n_leads)
            before = hy if self.excluded is None else min(hy, self.excluded)
            planned = np.where(np.isnan(planned), recent_median(history, self.years, before), planned)
        for change in self._changes_of((station, RELEASE)):
            planned = change_release(planned, change)
        return planned

    def observed_at_issue(self, station: str, variable: str) -> bool:
        """Whether the issue dekad has a value of the series (the coverage rule applied): the state a flow's traces start from."""
        return bool(np.isfinite(self.store.at(station, (variable,), self.issue)))

    def _record(self, station: str, variable: str) -> Record:
        series = self.store.series(station, (variable,), "dekad")
        return Record.of(series, self.store.settings.coverage_for("dekad"))
