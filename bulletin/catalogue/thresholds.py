"""Reading an indicator's thresholds: all year, per season, per dekad or month, or relative.

The thresholds are one of: ``thresholds: {watch: .., warning: .., alert: ..}`` (all year),
``thresholds: {gs: {...}, ngs: {...}}`` (per season), or ``thresholds_by_period:
{resolution: dekad|month, table: {1: {...}, "2-9": {...}, ...}}`` (per period of the year; a
key "a-b" covers the periods a to b, and every period must be covered exactly once).
``relative_to: norm`` makes the values % of the norm of the period, ``relative_to:
percentile`` percentiles of the reference distribution of the period.
"""

from __future__ import annotations

from ..config import Collector, did_you_mean, is_number, ranges
from ..methods import LEVELS, METHODS, OPERATORS, Method, Threshold
from ..periods import PERIODS_PER_YEAR, RESOLUTIONS

THRESHOLD_SEASONS = ("gs", "ngs")  # keys of seasonal thresholds
RELATIVE_TO = {"norm": "%", "percentile": "percentile"}  # relative_to -> unit of the threshold values


def parse_thresholds(c: Collector, where: str, spec: dict, method: Method, variable: str, variables: dict) -> tuple:
    """(thresholds, threshold_by, threshold_table, relative_to) of an indicator with thresholds."""
    none = ((), None, (), None)
    unit, operator = spec.get("unit"), spec.get("operator")
    relative_to = spec.get("relative_to")
    if operator not in OPERATORS:
        c.add(f"{where}.operator", f"'{operator}' must be one of {' '.join(OPERATORS)}")
        return none
    if relative_to is not None:
        if relative_to not in RELATIVE_TO:
            c.add(f"{where}.relative_to", f"'{relative_to}' must be norm or percentile"
                                          f"{did_you_mean(relative_to, RELATIVE_TO)}")
            return none
        if not method.takes_relative:
            takes = " and ".join(m.name for m in _relative_methods())
            c.add(f"{where}.relative_to", f"only {takes} indicators take relative_to, not {method.name}")
            return none
    if not method.check_unit(c, where, unit, variable, variables):
        return none
    value_unit = RELATIVE_TO[relative_to] if relative_to else str(unit)
    raw, by_period = spec.get("thresholds"), spec.get("thresholds_by_period")
    if raw is not None and by_period is not None:
        c.add(f"{where}.thresholds_by_period", "give either thresholds or thresholds_by_period, not both")
        return none

    def row(key: str, mapping) -> tuple[Threshold, ...]:
        return _threshold_row(c, key, mapping, operator, value_unit, relative_to)

    if by_period is not None:
        table = _period_table(c, f"{where}.thresholds_by_period", by_period, row)
        if table is None:
            return none
        return (), by_period["resolution"], table, relative_to
    if isinstance(raw, dict) and raw and set(raw) & set(THRESHOLD_SEASONS):
        missing = [s for s in THRESHOLD_SEASONS if s not in raw]
        for k in raw:
            if k not in THRESHOLD_SEASONS:
                c.add(f"{where}.thresholds.{k}", f"seasonal thresholds have the keys gs and ngs, not '{k}'"
                                                 f"{did_you_mean(k, THRESHOLD_SEASONS)}")
        for s in missing:
            c.add(f"{where}.thresholds.{s}", f"seasonal thresholds need both gs and ngs; {s} is missing")
        table = tuple((s, row(f"{where}.thresholds.{s}", raw[s])) for s in THRESHOLD_SEASONS if s in raw)
        return (), "season", table, relative_to
    return row(f"{where}.thresholds", raw), None, (), relative_to


def _relative_methods() -> list[Method]:
    return [m for m in METHODS.values() if m.takes_relative]


def _threshold_row(c: Collector, where: str, raw, operator: str, unit: str, relative_to) -> tuple[Threshold, ...]:
    """One set of thresholds {watch: .., warning: .., alert: ..}, in order for the operator."""
    if not isinstance(raw, dict) or not raw:
        c.add(where, "give at least one of watch, warning, alert with its value")
        return ()
    out = []
    for level, value in raw.items():
        if level not in LEVELS[1:4]:
            c.add(f"{where}.{level}", f"'{level}' is not watch, warning or alert{did_you_mean(level, LEVELS[1:4])}")
        elif not is_number(value):
            c.add(f"{where}.{level}", f"{value!r} is not a number")
        elif relative_to == "norm" and value < 0:
            c.add(f"{where}.{level}", f"{value!r}: a share of the norm is >= 0 [%]")
        elif relative_to == "percentile" and not 0 < value < 100:
            c.add(f"{where}.{level}", f"{value!r}: a percentile is between 0 and 100 (exclusive)")
        else:
            out.append(Threshold(level, operator, float(value), unit))
    out.sort(key=lambda t: LEVELS.index(t.level))
    values = [t.value for t in out]
    rising = operator in (">", ">=")
    if any((b <= a) if rising else (b >= a) for a, b in zip(values, values[1:], strict=False)):
        order = "increase" if rising else "decrease"
        c.add(where, f"with operator '{operator}' the values must {order} from watch to alert: {values}")
    return tuple(out)


def _period_keys(key, n: int) -> list[int] | None:
    """Periods of the year a table key covers: 5 -> [5], "1-9" -> [1..9]; None when it does not parse."""
    if isinstance(key, int) and not isinstance(key, bool):
        return [key] if 1 <= key <= n else None
    parts = str(key).replace(" ", "").split("-")
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        a, b = int(parts[0]), int(parts[1])
        if 1 <= a <= b <= n:
            return list(range(a, b + 1))
    return None


def _period_table(c: Collector, where: str, raw, row) -> tuple | None:
    """((period_of_year, thresholds), ...) for every period of the year, from a thresholds_by_period mapping."""
    if not isinstance(raw, dict):
        c.add(where, "a mapping {resolution: dekad|month, table: {period: {watch: ..}, ...}}")
        return None
    c.keys(where, raw, ("resolution", "table"))
    resolution, table = raw.get("resolution"), raw.get("table")
    if resolution not in RESOLUTIONS:
        c.add(f"{where}.resolution", f"'{resolution}' must be dekad or month{did_you_mean(resolution, RESOLUTIONS)}")
        return None
    n = PERIODS_PER_YEAR[resolution]
    if not isinstance(table, dict) or not table:
        c.add(f"{where}.table", f"give the thresholds of each {resolution} 1-{n}, e.g. {{1: {{watch: ..}}, \"2-{n}\": ..}}")
        return None
    out: dict[int, tuple] = {}
    for key, mapping in table.items():
        periods = _period_keys(key, n)
        if periods is None:
            c.add(f"{where}.table.{key}", f"'{key}' is not a {resolution} of the year 1-{n} or a range such as 1-9")
            continue
        twice = [p for p in periods if p in out]
        if twice:
            c.add(f"{where}.table.{key}", f"{resolution}(s) {ranges(twice)} given twice")
        thresholds = row(f"{where}.table.{key}", mapping)
        for p in periods:
            out.setdefault(p, thresholds)
    missing = [p for p in range(1, n + 1) if p not in out]
    if missing:
        c.add(f"{where}.table", f"every {resolution} of the year needs thresholds; missing: {ranges(missing)}")
        return None
    return tuple(sorted(out.items()))
