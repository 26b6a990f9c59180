"""What changed since the previous issue of an archive: level transitions, new and ended alerts, revised data.

The previous issue is read back from the archive as published: its results JSON (findings and
their levels) and, when it has one, its series CSV (every dekadal value it used). Nothing
here reads files: the archive passes both in (:func:`changes_since`).

- A **transition** is an indicator at a station whose level differs between the two issues
  (both evaluated, ``no_data`` included: a finding that lost its data is a change a reader
  must see).
- An **alert** here is a finding at ``warning`` or ``alert``, the findings a CAP message is
  issued for. A *new* one is at warning or above now and was below (or not evaluated) in the
  previous issue; an *ended* one was at warning or above and is now below (or not evaluated).
- A **revised value** is a dekadal value of a series both issues used that differs between
  them by more than the 6 significant digits the series CSV keeps: a value corrected after
  publication, one the previous issue had and the data no longer hold, or one that arrived
  late for a period the previous issue already covered.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

from ..periods import parse_period
from ..text import Localized, quantity
from .words import variable_name

REVISED_SHOWN = 30
"""The revised values the pages list; the results JSON lists them all."""

ALERT_LEVELS = ("warning", "alert")
"""The levels that make a finding an alert (a CAP message is issued for it)."""


@dataclass(frozen=True)
class LevelChange:
    """One indicator at one station whose level differs from the previous issue's (None: not evaluated)."""

    indicator: str
    station: str
    indicator_name: Localized
    station_name: Localized
    before: str | None
    after: str | None

    def as_json(self) -> dict:
        """The change in the results JSON."""
        return {"indicator": self.indicator, "station": self.station, "before": self.before, "after": self.after}


@dataclass(frozen=True)
class RevisedValue:
    """A dekadal value that differs from the one the previous issue used (None: absent) [unit]."""

    station: str
    variable: str
    period: str
    station_name: Localized
    before: float | None
    after: float | None
    unit: str

    @property
    def variable_name(self) -> Localized:
        """The variable in words."""
        return variable_name(self.variable)

    @property
    def shown(self) -> tuple:
        """(before, after) as Quantities for the pages (a missing value shows as a dash)."""
        return quantity(self.before, self.unit), quantity(self.after, self.unit)

    def as_json(self) -> dict:
        """The revised value in the results JSON."""
        return {"station": self.station, "variable": self.variable, "period": self.period, "unit": self.unit,
                "before": self.before, "after": self.after}


@dataclass(frozen=True)
class ChangesSince:
    """The comparison of an issue with the previous issue of its archive."""

    previous_label: str  # the previous issue's number, e.g. "4/2026"
    previous_period: object  # bulletin.periods.Period
    previous_issued_at: datetime
    previous_revision: int
    transitions: tuple  # LevelChange
    new_alerts: tuple  # LevelChange
    ended_alerts: tuple  # LevelChange
    revised: tuple  # RevisedValue
    series_compared: bool  # False when the previous issue has no series CSV: only its findings' values were compared

    @property
    def nothing(self) -> bool:
        """True when no level changed and no value was revised."""
        return not (self.transitions or self.new_alerts or self.ended_alerts or self.revised)

    @property
    def revised_shown(self) -> tuple:
        """The revised values the pages list (the first :data:`REVISED_SHOWN`; the JSON has them all)."""
        return self.revised[:REVISED_SHOWN]

    def as_json(self) -> dict:
        """The ``changes_since_previous`` block of the results JSON."""
        return {"previous": {"issue": self.previous_label, "period": self.previous_period.label,
                             "issued_at": self.previous_issued_at.isoformat(), "revision": self.previous_revision},
                "transitions": [c.as_json() for c in self.transitions],
                "new_alerts": [c.as_json() for c in self.new_alerts],
                "ended_alerts": [c.as_json() for c in self.ended_alerts],
                "revised_data": [r.as_json() for r in self.revised],
                "series_compared": self.series_compared}


def significant(x: float | None, digits: int = 6) -> float | None:
    """``x`` rounded to ``digits`` significant digits, as the series CSV writes it; None for a missing value.

    >>> significant(11840.04), significant(0.0001234567), significant(float("nan"))
    (11840.0, 0.000123457, None)
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    return float(f"{x:.{digits}g}")


REVISION_RTOL = 1e-5
"""Relative difference below which two values are the same: the series CSV keeps 6 significant digits,
so a value read back from it may differ from the exact one by up to 5e-6 of itself."""


def same_value(x: float | None, y: float | None) -> bool:
    """Whether ``x`` and ``y`` (None: missing) are the same value to :data:`REVISION_RTOL`.

    >>> same_value(119.188, 119.187499999), same_value(119.188, 119.3), same_value(None, None), same_value(1.0, None)
    (True, False, True, False)
    """
    if x is None or y is None:
        return x is None and y is None
    return abs(x - y) <= REVISION_RTOL * max(abs(x), abs(y))


def _is_alert(level: str | None) -> bool:
    return level in ALERT_LEVELS


def level_changes(rows, previous_findings: list[dict], catalogue, network) -> tuple[tuple, tuple, tuple]:
    """(transitions, new alerts, ended alerts) between ``previous_findings`` (results JSON) and ``rows``.

    Ordered as the catalogue lists the indicators, then by station.
    """
    now = {(r.finding.indicator, r.finding.station): r.level for r in rows}
    before = {(f["indicator"], f["station"]): f["level"] for f in previous_findings}
    order = {ind.id: i for i, ind in enumerate(catalogue.indicators)}
    names = {ind.id: Localized.of(ind.names) for ind in catalogue.indicators}
    transitions, new, ended = [], [], []
    for key in sorted(now.keys() | before.keys(), key=lambda k: (order.get(k[0], len(order)), k)):
        a, b = before.get(key), now.get(key)
        if a == b:
            continue
        indicator, station = key
        station_name = Localized.of(network[station].names) if station in network.stations else Localized.of(
            {"en": station})
        change = LevelChange(indicator, station, names.get(indicator, Localized.of({"en": indicator})),
                             station_name, a, b)
        if a is not None and b is not None:
            transitions.append(change)
        if _is_alert(b) and not _is_alert(a):
            new.append(change)
        elif _is_alert(a) and not _is_alert(b):
            ended.append(change)
    return tuple(transitions), tuple(new), tuple(ended)


def revised_values(before, after, network) -> tuple:
    """The values of ``before`` that differ in ``after`` (tidy frames: station, variable, period, start, end, value, unit).

    Only the series and periods ``before`` covers are compared (a period after its last is new
    data, not a revision). Values differ when more than :data:`REVISION_RTOL` apart, or when
    one of them is missing. Sorted by station, variable and period.
    """
    if before is None or after is None or before.empty:
        return ()
    keys = ["station", "variable", "period"]
    before, after = before.copy(), after.copy()
    for frame in (before, after):
        frame["start"], frame["end"] = pd.to_datetime(frame["start"]), pd.to_datetime(frame["end"])
    last = before.groupby(["station", "variable"])["end"].max()
    a = after.merge(last.rename("last_end").reset_index(), on=["station", "variable"], how="inner")
    a = a[a["end"] <= a["last_end"]]
    m = before[[*keys, "value", "unit", "start"]].merge(a[[*keys, "value", "unit", "start"]], on=keys, how="outer",
                                                        suffixes=("_before", "_after"))
    x, y = m["value_before"].to_numpy(dtype=float), m["value_after"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        differ = np.isnan(x) != np.isnan(y)
        both = ~np.isnan(x) & ~np.isnan(y)
        differ[both] = np.abs(x[both] - y[both]) > REVISION_RTOL * np.maximum(np.abs(x[both]), np.abs(y[both]))
    m = m[differ].assign(start=lambda f: f["start_before"].fillna(f["start_after"]),
                         unit=lambda f: f["unit_before"].fillna(f["unit_after"]).fillna(""))
    m = m.sort_values(["station", "variable", "start"], kind="stable")
    out = []
    for r in m.itertuples(index=False):
        names = network[r.station].names if r.station in network.stations else {"en": r.station}
        out.append(RevisedValue(r.station, r.variable, r.period, Localized.of(names), significant(r.value_before),
                                significant(r.value_after), r.unit))
    return tuple(out)


def finding_revisions(rows, previous_findings: list[dict], previous_period, network) -> tuple:
    """Revised values when the previous issue has no series: its findings' values against this issue's.

    Each finding of the previous issue carries the value of its period; this issue's finding of
    the same indicator and station carries the value of the period before its own
    (``previous_period``); the caller compares them only when the two issues are of
    consecutive periods.
    """
    out = []
    before = {(f["indicator"], f["station"]): f for f in previous_findings}
    for r in rows:
        g = r.finding
        f = before.get((g.indicator, g.station))
        if f is None:
            continue
        x, y = significant(f.get("value")), significant(g.previous_period)
        if same_value(x, y):
            continue
        names = network[g.station].names if g.station in network.stations else {"en": g.station}
        out.append(RevisedValue(g.station, g.variable, previous_period.label, Localized.of(names), x, y, g.unit))
    return tuple(out)


def changes_since(rows, previous_doc: dict, *, catalogue, network, previous_label: str, previous_revision: int,
                  previous_series=None, series=None) -> ChangesSince:
    """Compare an issue (its ``rows`` and dekadal ``series``) with the previous issue of the archive.

    Parameters
    ----------
    rows : sequence of bulletin.document.model.Row
        This issue's findings.
    previous_doc : dict
        The previous issue's results JSON, as published.
    catalogue, network
        This issue's catalogue (the order and names of indicators) and network (station names).
    previous_label : str
        The previous issue's number ("4/2026"); ``previous_revision`` its revision in force.
    previous_series, series : pandas.DataFrame, optional
        The dekadal values each issue used (station, variable, period, start, end, value [unit], unit).
        Without ``previous_series`` only the values of the previous issue's findings are compared.
    """
    meta = previous_doc["bulletin"]
    prev_period = parse_period(meta["period"], network.seasons)
    transitions, new, ended = level_changes(rows, previous_doc["findings"], catalogue, network)
    if previous_series is not None and series is not None:
        revised = revised_values(previous_series, series, network)
    elif rows and parse_period(rows[0].finding.period, network.seasons).previous() == prev_period:
        revised = finding_revisions(rows, previous_doc["findings"], prev_period, network)
    else:
        revised = ()
    return ChangesSince(previous_label, prev_period, datetime.fromisoformat(meta["issued_at"]), previous_revision,
                        transitions, new, ended, revised, previous_series is not None and series is not None)
