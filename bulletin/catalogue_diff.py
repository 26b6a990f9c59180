"""What changed between two versions of the indicator catalogue (``bulletin catalogue diff``).

Ministries ask what a new catalogue version changes: thresholds moved, indicators added or
removed, rules re-worded, settings such as the reference period. The comparison works on the
validated catalogues, so a change of spelling that means the same (``9`` and ``9.0``, key
order, comments) is not reported.
"""

from __future__ import annotations

from dataclasses import dataclass

from .catalogue import Catalogue, Indicator, Rule
from .config import show_number
from .methods import METHODS


@dataclass(frozen=True)
class Change:
    """One difference: what kind, which object, which field, old and new value."""

    kind: str  # added | removed | changed
    scope: str  # catalogue | settings | rule | indicator
    id: str
    field: str = ""
    old: object = None
    new: object = None

    def sentence(self) -> str:
        """The change as one line of ``bulletin catalogue diff``: ``+`` added, ``-`` removed, ``~`` changed."""
        where = f"{self.scope} {self.id}" if self.id else self.scope
        if self.kind == "added":
            return f"+ {where}: added"
        if self.kind == "removed":
            return f"- {where}: removed"
        return f"~ {where}: {self.field}: {_show(self.old)} -> {_show(self.new)}"

    def as_json(self) -> dict:
        """The change as a JSON object; tuples become lists and mappings are sorted by key."""
        return {"kind": self.kind, "scope": self.scope, "id": self.id, "field": self.field,
                "old": _plain(self.old), "new": _plain(self.new)}


def _plain(value):
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in sorted(value.items())}
    return value


def _show(value) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_show(v)}" for k, v in sorted(value.items())) + "}"
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, float):
        return show_number(value)
    return str(value)


def _thresholds(ind: Indicator) -> dict:
    """Level -> 'operator value unit' (a method without thresholds gives its own, e.g. category -> level)."""
    own = ind.method.threshold_fields(ind)
    if own is not None:
        return own
    if ind.threshold_by is None:
        return {t.level: f"{t.operator} {_show(t.value)} {t.unit}" for t in ind.thresholds}
    # varying thresholds: one entry per season or period of the year and level, "gs watch",
    # "dekad 12 alert"; the seasonal keys carry no resolution word
    prefix = "" if ind.threshold_by == "season" else f"{ind.threshold_by} "
    return {f"{prefix}{key} {t.level}": f"{t.operator} {_show(t.value)} {t.unit}"
            for key, row in ind.threshold_table for t in row}


def _indicator_fields(ind: Indicator) -> dict:
    """The fields compared: the common ones, then every method's own (None where not the indicator's method)."""
    series = ind.series
    fields = {
        "name": dict(ind.names), "station": ind.station, "variable": ind.variable,
        "minus": series[1] if len(series) > 1 else None, "method": ind.method.name, "season": ind.season,
        "unit": ind.unit, "display_unit": ind.display_unit, "rule": ind.rule.id, "key": ind.key,
        "thresholds": _thresholds(ind), "deescalation_periods": ind.deescalation_periods,
        "valid_from": ind.valid_from, "valid_to": ind.valid_to, "thresholds_vary_by": ind.threshold_by,
        "relative_to": ind.relative_to,
    }
    own = ind.method.diff_fields(ind)
    for method in METHODS.values():
        for key, default in method.diff_keys.items():
            fields[key] = own.get(key, default)
    return fields


def _per_part() -> set[str]:
    """Fields compared part by part (one change per level, per season ...).

    These are the thresholds, and every method field that is a mapping.
    """
    return {"thresholds"} | {k for m in METHODS.values() for k, default in m.diff_keys.items() if isinstance(default, dict)}


def _rule_fields(rule: Rule) -> dict:
    return {"version": rule.version, "title": dict(rule.titles), "document": dict(rule.agreement.documents),
            "article": rule.agreement.article, "date": rule.agreement.date, "basis": dict(rule.basis)}


def _compare(scope: str, id_: str, old: dict, new: dict) -> list[Change]:
    changes = []
    per_part = _per_part()
    for key in old:
        if key in per_part:
            # one change per level (thresholds) or per season (withdrawal limits)
            for part in dict.fromkeys([*old[key], *new[key]]):
                a, b = old[key].get(part), new[key].get(part)
                if a != b:
                    changes.append(Change("changed", scope, id_, f"{key[:-1]} {part}", a, b))
        elif old[key] != new[key]:
            changes.append(Change("changed", scope, id_, key, old[key], new[key]))
    return changes


def diff_catalogues(old: Catalogue, new: Catalogue) -> list[Change]:
    """Every difference between two catalogues, in a stable order: header, settings, rules, indicators."""
    changes = _compare("catalogue", "", {"id": old.id, "version": old.version, "status": old.status,
                                         "agreed": old.agreed, "parties": old.parties},
                       {"id": new.id, "version": new.version, "status": new.status, "agreed": new.agreed,
                        "parties": new.parties})
    s_old, s_new = old.settings, new.settings
    changes += _compare("settings", "", {
        "reference_period": s_old.reference_label, "min_coverage": dict(s_old.min_coverage),
        "min_years": s_old.min_years, "category_edges": s_old.category_edges,
        "deescalation_periods": old.deescalation_periods,
    }, {
        "reference_period": s_new.reference_label, "min_coverage": dict(s_new.min_coverage),
        "min_years": s_new.min_years, "category_edges": s_new.category_edges,
        "deescalation_periods": new.deescalation_periods,
    })
    for scope, a, b, fields in (("rule", old.rules, new.rules, _rule_fields),
                                ("indicator", {i.id: i for i in old.indicators}, {i.id: i for i in new.indicators},
                                 _indicator_fields)):
        for id_ in a:
            if id_ not in b:
                changes.append(Change("removed", scope, id_))
            else:
                changes += _compare(scope, id_, fields(a[id_]), fields(b[id_]))
        changes += [Change("added", scope, id_) for id_ in b if id_ not in a]
    return changes
