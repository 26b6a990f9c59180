"""The outlook's results: frozen records of numbers, with their form in the results JSON."""

from __future__ import annotations

from dataclasses import dataclass

from ..methods import LEVELS
from ..methods.registry import clean


@dataclass(frozen=True)
class Lead:
    """A lead of the outlook: its label (``d+1`` ... ``season_end``), dekads after the issue dekad, and the dekad."""

    label: str
    lead: int
    period: str

    def as_json(self) -> dict:
        """{label, lead, period}."""
        return {"label": self.label, "lead": self.lead, "period": self.period}


@dataclass(frozen=True)
class OutlookRow:
    """One indicator at one lead: the share of traces at each level and the spread of the value.

    ``probabilities`` maps each level (normal, watch, warning, alert, and no_data when any
    trace has no level) to its share of the traces; the shares sum to 1. ``median``, ``p10``
    and ``p90`` are percentiles of the value over the traces with a value [``unit``, the unit
    the finding shows its value in]; None when no trace has one. ``n_traces`` is the number of
    traces (years) the shares are of: the years that give the indicator a complete trace
    (:mod:`bulletin.outlook.assess`); None when not counted. ``compared`` is (unit, p10, median,
    p90) of the value compared with the thresholds, for a method whose compared value is not the
    value itself (days of release left, % of useful volume); None otherwise.
    """

    indicator: str
    lead_label: str
    lead: int
    period: str
    probabilities: dict
    median: float | None
    p10: float | None
    p90: float | None
    unit: str
    n_traces: int | None = None
    compared: tuple | None = None

    def at_least(self, level: str) -> float:
        """Share of the traces at ``level`` or a more severe one (watch: watch, warning or alert)."""
        return sum(self.probabilities.get(lev, 0.0) for lev in LEVELS[LEVELS.index(level):])

    def as_json(self) -> dict:
        """The row as JSON values (NaN as null)."""
        return {"indicator": self.indicator, "lead_label": self.lead_label, "lead": self.lead, "period": self.period,
                "probabilities": {k: clean(v) for k, v in self.probabilities.items()},
                "median": clean(self.median), "p10": clean(self.p10), "p90": clean(self.p90), "unit": self.unit,
                **({} if self.n_traces is None else {"n_traces": self.n_traces}),
                **({} if self.compared is None else {"compared": {
                    "unit": self.compared[0], "p10": clean(self.compared[1]), "median": clean(self.compared[2]),
                    "p90": clean(self.compared[3])}})}


@dataclass(frozen=True)
class IndicatorOutlook:
    """The rows of one indicator, and the first lead at which its median trace crosses a threshold.

    ``first_crossing`` is the first lead (1 ... the season's end) at which at least half of the
    traces stand at the indicator's first level above normal or higher, i.e. the median of the
    traces' levels is above normal; for a method with thresholds this is the median of the
    compared value crossing its first threshold. None when it does not within the outlook.

    ``reached`` gives, for watch, warning and alert, the share of the traces at that level or a
    more severe one in at least one dekad assessed up to the end of the season (the probability
    that the level is reached "by" the season's end). ``trajectory`` gives, for every dekad
    simulated, (period, p10, median, p90) of the value over the traces [``unit``], whether or
    not the indicator applies in that dekad (the fan charts draw it).
    """

    indicator: str
    station: str
    variable: str
    unit: str
    first_crossing: int | None
    first_crossing_period: str | None
    rows: tuple[OutlookRow, ...]
    reached: tuple = ()
    trajectory: tuple = ()

    def as_json(self) -> dict:
        """The indicator's block of the outlook."""
        return {"indicator": self.indicator, "station": self.station, "variable": self.variable, "unit": self.unit,
                "first_crossing": None if self.first_crossing is None else
                {"lead": self.first_crossing, "period": self.first_crossing_period},
                "reached": {level: clean(p) for level, p in self.reached},
                "trajectory": [{"period": period, "p10": clean(p10), "median": clean(median), "p90": clean(p90)}
                               for period, p10, median, p90 in self.trajectory],
                "rows": [r.as_json() for r in self.rows]}


@dataclass(frozen=True)
class Outlook:
    """The probabilistic outlook issued after ``issue_period``.

    Attributes
    ----------
    issue_period : str
        The dekad just ended, from whose state the traces start.
    leads : tuple of Lead
        The leads reported (next 1, 2, 3 dekads and the end of the season).
    indicators : tuple of IndicatorOutlook
        Catalogue order.
    traces_years : tuple of int
        The hydrological years that gave a trace.
    excluded_year : int or None
        The hydrological year forecast, never one of its own traces.
    left_out : tuple
        ((indicator id, reason), ...): the indicators the outlook cannot assess, and why.
    rho : tuple
        (("station/variable", rho), ...): the lag-1 autocorrelation of each simulated flow series.
    """

    issue_period: str
    leads: tuple[Lead, ...]
    indicators: tuple[IndicatorOutlook, ...]
    traces_years: tuple[int, ...]
    excluded_year: int | None
    left_out: tuple = ()
    rho: tuple = ()

    @property
    def rows(self) -> tuple[OutlookRow, ...]:
        """Every row, indicator by indicator."""
        return tuple(r for i in self.indicators for r in i.rows)

    def indicator(self, indicator_id: str) -> IndicatorOutlook:
        """The outlook of one indicator; KeyError when it is not in the outlook."""
        for i in self.indicators:
            if i.indicator == indicator_id:
                return i
        raise KeyError(indicator_id)

    def as_json(self) -> dict:
        """The outlook as the results JSON will give it."""
        return {"issue_period": self.issue_period, "leads": [lead.as_json() for lead in self.leads],
                "traces_years": list(self.traces_years), "excluded_year": self.excluded_year,
                "indicators": [i.as_json() for i in self.indicators],
                "left_out": [{"indicator": i, "reason": r} for i, r in self.left_out],
                "rho": {k: clean(v) for k, v in self.rho}}

