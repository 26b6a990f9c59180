"""Probabilistic outlook: ensemble streamflow prediction from the record, assessed with the catalogue's methods.

- :mod:`~bulletin.outlook.esp`: traces of river flows, one per historical year, conditioned on
  today's anomaly;
- :mod:`~bulletin.outlook.reservoirs`: the dekad mass balance of reservoirs on those traces;
- :mod:`~bulletin.outlook.routing`: releases and changes of flow routed to the stations downstream
  along the network's flow links;
- :mod:`~bulletin.outlook.store`: observations for the past and traces for the coming dekads,
  as an indicator method asks for them;
- :mod:`~bulletin.outlook.assess`: every trace assessed as an observation is, summarised per
  indicator and lead (:class:`~bulletin.outlook.model.Outlook`);
- :mod:`~bulletin.outlook.scenario`: the outlook issued again with changed inputs (a scenario
  file, :mod:`~bulletin.outlook.scenario_file`; the changes, :mod:`~bulletin.outlook.changes`)
  and compared with the outlook itself (:class:`~bulletin.outlook.scenario.ScenarioComparison`);
- :mod:`~bulletin.outlook.verify`: past outlooks re-issued without their year and scored against
  what was observed (:class:`~bulletin.outlook.verify.Verification`).
"""

from .assess import assess_outlook, assess_traces, outlook, outlook_leads, trace_store
from .changes import TraceChange
from .esp import FlowTraces, Record, conditioned_traces, flow_traces, lag1_autocorrelation, log_anomalies, trace_years
from .model import IndicatorOutlook, Lead, Outlook, OutlookRow
from .reservoirs import ReservoirTraces, mass_balance, recent_median
from .routing import Routing, route
from .scenario import RowComparison, ScenarioComparison, ScenarioResult, compare_outlooks, run_scenarios
from .scenario_file import Scenario, ScenarioFile, load_scenarios
from .store import FLOW_VARIABLES, NotSimulated, TraceStore
from .verify import LeadScores, ReliabilityBin, Verification, verify_outlooks

__all__ = [
    "FLOW_VARIABLES", "FlowTraces", "IndicatorOutlook", "Lead", "LeadScores", "NotSimulated", "Outlook", "OutlookRow",
    "Record", "ReliabilityBin", "ReservoirTraces", "Routing", "RowComparison", "Scenario", "ScenarioComparison",
    "ScenarioFile", "ScenarioResult", "TraceChange", "TraceStore", "Verification", "assess_outlook", "assess_traces",
    "compare_outlooks", "conditioned_traces", "flow_traces", "lag1_autocorrelation", "load_scenarios",
    "log_anomalies", "mass_balance", "outlook", "outlook_leads", "recent_median", "route", "run_scenarios",
    "trace_store", "trace_years", "verify_outlooks",
]
