"""Scenarios: the outlook issued again with changed inputs, and compared with the outlook itself.

A scenario (:mod:`~bulletin.outlook.scenario_file`) changes inputs of the outlook over periods
of dekads: a reservoir's release, a withdrawal, a flow set to a percentile of its traces or
changed by a factor. Its changes are resolved to the leads of the outlook issued after the
issue dekad (:func:`resolve_changes`; a period partly or wholly outside the dekads simulated is
noted) and applied inside the :class:`~bulletin.outlook.store.TraceStore`
(:mod:`~bulletin.outlook.changes`), so that the routing to the stations downstream, the mass
balance of the reservoirs and the catalogue's methods see them. The outlook of each scenario is
then compared row by row with the baseline, the outlook without changes (:func:`compare_outlooks`):
a row differs when a probability or the median differs.

Everything here is a pure function returning frozen records: the ``scenario`` command prints and
writes them, and a bulletin section may render them.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass

from ..catalogue import Catalogue
from ..methods import LEVELS, NO_DATA
from ..methods.registry import clean
from ..network import Network
from ..periods import Period
from .assess import assess_outlook, outlook_leads, trace_store
from .changes import WITHDRAWAL, TraceChange, flow_of
from .model import Outlook, OutlookRow
from .routing import not_reached
from .scenario_file import BASELINE, Scenario, ScenarioFile
from .store import NotSimulated

EVENT_LEVEL = "warning"
"""The event the comparison shows first: a level of warning or higher."""
TOLERANCE = 1e-9
"""Two probabilities or medians closer than this (relative to the median) are the same."""
CSV_COLUMNS = ("scenario", "indicator", "lead", "period", "unit", "n_traces", "median", "p10", "p90",
               *(f"p_{lev}" for lev in (*LEVELS, NO_DATA)), "p_warning_or_higher", "differs")


def resolve_changes(scenario: Scenario, issue: Period, n_leads: int,
                    network: Network) -> tuple[tuple[TraceChange, ...], tuple[str, ...]]:
    """The changes of ``scenario`` as leads after ``issue`` (1 .. ``n_leads``), and notes on their periods.

    A change whose period lies wholly outside the dekads simulated has no effect (noted); one
    partly outside applies to the dekads inside (noted). A withdrawal changes the flow of its
    station: a gauge's discharge, a reservoir's inflow.
    """
    first, last = issue.shift(1), issue.shift(n_leads)
    simulated = f"the outlook simulates {first.label} to {last.label}"
    changes, notes = [], []
    for spec in scenario.changes:
        lo, hi = spec.wanted_leads(issue, n_leads)
        leads = range(max(lo, 1), min(hi, n_leads) + 1)
        if not leads:
            notes.append(f"{spec.where}: {spec.period_text()} is outside the dekads of the outlook ({simulated}): "
                         "the change has no effect")
            continue
        if (lo, hi) != (leads[0], leads[-1]):
            notes.append(f"{spec.where}: {spec.period_text()} applies from {issue.shift(leads[0]).label} to "
                         f"{issue.shift(leads[-1]).label} only ({simulated})")
        target = flow_of(network[spec.station].kind) if spec.variable == WITHDRAWAL else spec.variable
        changes.append(TraceChange(spec.station, spec.variable, spec.how, spec.amount, tuple(leads), target))
    return tuple(changes), tuple(notes)


@dataclass(frozen=True)
class RowComparison:
    """One indicator at one lead in the baseline and in a scenario (None where that outlook has no row)."""

    indicator: str
    lead_label: str
    period: str
    unit: str
    baseline: OutlookRow | None
    scenario: OutlookRow | None

    @property
    def differs(self) -> bool:
        """Whether a probability or the median differs (or only one outlook has the row)."""
        a, b = self.baseline, self.scenario
        if a is None or b is None:
            return a is not b
        levels = set(a.probabilities) | set(b.probabilities)
        if any(abs(a.probabilities.get(k, 0.0) - b.probabilities.get(k, 0.0)) > TOLERANCE for k in levels):
            return True
        if (a.median is None) != (b.median is None):
            return True
        return a.median is not None and abs(a.median - b.median) > TOLERANCE * max(1.0, abs(a.median))

    def as_json(self) -> dict:
        """The two rows' probabilities, medians and counts of traces, the shifts, and whether they differ."""
        def side(r):
            return None if r is None else {
                "probabilities": {k: clean(v) for k, v in r.probabilities.items()},
                "warning_or_higher": clean(r.at_least(EVENT_LEVEL)), "median": clean(r.median),
                "p10": clean(r.p10), "p90": clean(r.p90), "n_traces": r.n_traces}
        a, b = self.baseline, self.scenario
        both = a is not None and b is not None
        return {"indicator": self.indicator, "lead_label": self.lead_label, "period": self.period, "unit": self.unit,
                "baseline": side(a), "scenario": side(b),
                "warning_or_higher_shift": clean(b.at_least(EVENT_LEVEL) - a.at_least(EVENT_LEVEL)) if both else None,
                "median_shift": clean(b.median - a.median) if both and None not in (a.median, b.median) else None,
                "differs": self.differs}


def compare_outlooks(baseline: Outlook, other: Outlook) -> tuple[RowComparison, ...]:
    """Row by row (baseline's order, then rows only the other has), the two outlooks side by side."""
    def key(r):
        return r.indicator, r.lead_label
    theirs = {key(r): r for r in other.rows}
    ours = {key(r): r for r in baseline.rows}
    out = [RowComparison(r.indicator, r.lead_label, r.period, r.unit, r, theirs.get(key(r))) for r in baseline.rows]
    out += [RowComparison(r.indicator, r.lead_label, r.period, r.unit, None, r) for r in other.rows
            if key(r) not in ours]
    return tuple(out)


@dataclass(frozen=True)
class ScenarioResult:
    """A scenario's outlook: its changes as leads, notes on them, and its rows against the baseline."""

    scenario: Scenario
    changes: tuple[TraceChange, ...]
    notes: tuple[str, ...]
    outlook: Outlook
    rows: tuple[RowComparison, ...]

    @property
    def differing(self) -> tuple[RowComparison, ...]:
        """The rows that differ from the baseline."""
        return tuple(r for r in self.rows if r.differs)

    def as_json(self) -> dict:
        """The scenario, the leads each change applies to, the notes, its outlook and the comparison."""
        return {**self.scenario.as_json(),
                "applied": [{"station": c.station, "variable": c.variable, "leads": list(c.leads)}
                            for c in self.changes],
                "notes": list(self.notes), "outlook": self.outlook.as_json(),
                "rows_differing": len(self.differing), "comparison": [r.as_json() for r in self.rows]}


@dataclass(frozen=True)
class ScenarioComparison:
    """The baseline outlook issued after ``issue_period`` and the outlook of every scenario of a file."""

    file: str
    issue_period: str
    baseline: Outlook
    results: tuple[ScenarioResult, ...]

    def result(self, scenario_id: str) -> ScenarioResult:
        """The result of one scenario; KeyError when the file has no such scenario."""
        for r in self.results:
            if r.scenario.id == scenario_id:
                return r
        raise KeyError(scenario_id)

    def as_json(self) -> dict:
        """{file, issue_period, baseline, scenarios}: each outlook as the results JSON gives it."""
        return {"file": self.file, "issue_period": self.issue_period, "baseline": self.baseline.as_json(),
                "scenarios": [r.as_json() for r in self.results]}

    def as_csv(self) -> str:
        """One row per outlook (baseline first), indicator and lead (:data:`CSV_COLUMNS`); 6 significant digits."""
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(CSV_COLUMNS)
        for r in self.baseline.rows:
            w.writerow(_csv_row(BASELINE, r, False))
        for res in self.results:
            for cmp in res.rows:
                if cmp.scenario is not None:
                    w.writerow(_csv_row(res.scenario.id, cmp.scenario, cmp.differs))
        return buf.getvalue()


def _number(x) -> str:
    return "" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.6g}"


def _csv_row(name: str, r: OutlookRow, differs: bool) -> list:
    return [name, r.indicator, r.lead_label, r.period, r.unit, "" if r.n_traces is None else r.n_traces,
            _number(r.median), _number(r.p10), _number(r.p90),
            *(_number(r.probabilities.get(lev, 0.0)) for lev in (*LEVELS, NO_DATA)),
            _number(r.at_least(EVENT_LEVEL)), str(differs).lower()]


def scenario_outlook(catalogue: Catalogue, network: Network, store, issue: Period, scenario: Scenario,
                     baseline: Outlook) -> ScenarioResult:
    """The outlook of one scenario after ``issue``, compared with ``baseline`` (module docstring).

    Besides the periods outside the outlook, the notes say which change reaches no indicator
    (nothing the catalogue reads is its series or downstream of it) and which reservoir's release
    could not be routed to a station below it.
    """
    leads = outlook_leads(issue, network.seasons)
    n_leads = max(lead.lead for lead in leads)
    changes, notes = resolve_changes(scenario, issue, n_leads, network)
    data = trace_store(catalogue, network, store, issue, n_leads, None, changes)
    result = assess_outlook(catalogue, network, data, leads)
    notes = list(notes)
    for c in changes:
        if data.simulated(*c.target):
            continue
        try:
            data.trace(*c.target)
            why = "no indicator of the catalogue reads it, nor a series downstream of it"
        except NotSimulated as exc:
            why = f"it is not simulated ({exc})"
        notes.append(f"{c.station}/{c.variable}: the change has no effect: {why}")
    notes += [f"{s}/{v}: {why}" for (s, v), why in sorted(data.notes.items())]
    # what travels down the river: a reservoir's release, a gauge's flow (a reservoir's inflow stays in it)
    travelling = {c.station for c in changes if c.variable == "release" or network[c.station].kind != "reservoir"}
    for station in sorted(travelling):
        reached, missing = not_reached(data.routing, station)
        if missing:
            notes.append(f"{station}: a change here is routed to {', '.join(reached) or 'no station'} below it, not to "
                         f"{', '.join(missing)}: no chain of flow links with travel times leads there in the network "
                         f"(add flow_links to route it further)")
    return ScenarioResult(scenario, changes, tuple(notes), result, compare_outlooks(baseline, result))


def run_scenarios(catalogue: Catalogue, network: Network, store, issue: Period, spec: ScenarioFile) -> ScenarioComparison:
    """The baseline outlook after the issue dekad ``issue`` and the outlook of every scenario of ``spec``."""
    leads = outlook_leads(issue, network.seasons)
    data = trace_store(catalogue, network, store, issue, max(lead.lead for lead in leads))
    baseline = assess_outlook(catalogue, network, data, leads)
    results = tuple(scenario_outlook(catalogue, network, store, issue, s, baseline) for s in spec.scenarios)
    return ScenarioComparison(spec.path, issue.label, baseline, results)
