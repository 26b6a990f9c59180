"""The condition a threshold states, in words: "below 9 km³", "below 80 % of norm (312 m³/s)".

The comparison words come from :mod:`bulletin.vocabulary`; the method of the indicator adds
what its value is a share or a change of (:meth:`~bulletin.methods.Method.condition`).
"""

from __future__ import annotations

from ..catalogue import Indicator
from ..methods import LEVELS, AppliedThreshold, Threshold
from ..text import N_, Text, decimals_of, quantity
from ..vocabulary import OPERATOR_WORDS, SEASON_NAMES, condition_text

MSG_PERCENTILE = N_("percentile {p} of the reference period")
MSG_PERCENTILE_APPLIED = N_("percentile {p} of the reference period, {value}")
MSG_CONDITION_PCT_APPLIED = N_("{words} of norm ({value})")
MSG_IN_SEASON = N_("{season}: {condition}")
RANGE_MESSAGES = {("dekad", False): N_("the value of the dekad, {low} to {high}"),
                  ("month", False): N_("the value of the month, {low} to {high}"),
                  ("dekad", True): N_("the percentile of the dekad, {low} to {high}"),
                  ("month", True): N_("the percentile of the month, {low} to {high}")}



def threshold_condition(ind: Indicator, t: Threshold) -> Text:
    """A threshold as the catalogue gives it: "below 9 km³", "below 25 % of useful volume", "below percentile 5 ..."."""
    if t.unit == "percentile":
        return Text.of(OPERATOR_WORDS[t.operator],
                       threshold=Text.of(MSG_PERCENTILE, p=quantity(t.value, "", decimals_of(t.value))))
    return ind.method.condition(ind, condition_text(t.operator, t.value, t.unit, signed=ind.method.signed), t.unit)


def applied_condition(ind: Indicator, t: AppliedThreshold) -> Text:
    """A threshold as it applied in the period.

    A relative one shows its catalogue value and the value it gave, "below 80 % of norm (312 m³/s)".
    """
    if t.relative_to == "percentile":
        p = t.relative_value
        return Text.of(OPERATOR_WORDS[t.operator], threshold=Text.of(
            MSG_PERCENTILE_APPLIED, p=quantity(p, "", decimals_of(p)), value=quantity(t.value, t.unit)))
    if t.relative_to == "norm":
        return Text.of(MSG_CONDITION_PCT_APPLIED, value=quantity(t.value, t.unit),
                       words=condition_text(t.operator, t.relative_value, "%"))
    return threshold_condition(ind, Threshold(t.level, t.operator, t.value, t.unit))


def crossed_condition(ind: Indicator, applied: tuple[AppliedThreshold, ...], level: str) -> Text | None:
    """The condition of the threshold of ``level`` among those that applied; None when there is none."""
    for t in applied:
        if t.level == level:
            return applied_condition(ind, t)
    return None


def annex_conditions(ind: Indicator) -> tuple:
    """((level, Text), ...): the indicator's thresholds as the annex lists them.

    Thresholds that vary per dekad or month are given as the range of their values.
    """
    own = ind.method.annex_conditions(ind)
    if own is not None:
        return own
    if ind.threshold_by is None:
        return tuple((t.level, threshold_condition(ind, t)) for t in ind.thresholds)
    if ind.threshold_by == "season":
        return tuple((t.level, Text.of(MSG_IN_SEASON, season=Text.of(SEASON_NAMES[season]),
                                       condition=threshold_condition(ind, t)))
                     for season, ts in ind.threshold_table for t in ts)
    out = []
    for level in LEVELS[1:]:
        ts = [t for _key, row in ind.threshold_table for t in row if t.level == level]
        if not ts:
            continue
        low, high = min(t.value for t in ts), max(t.value for t in ts)
        if low == high:
            out.append((level, threshold_condition(ind, ts[0])))
            continue
        percentile = ts[0].unit == "percentile"
        unit = "" if percentile else ts[0].unit
        span = Text.of(RANGE_MESSAGES[(ind.threshold_by, percentile)],
                       low=quantity(low, unit, decimals_of(low)), high=quantity(high, unit, decimals_of(high)))
        out.append((level, ind.method.condition(ind, Text.of(OPERATOR_WORDS[ts[0].operator], threshold=span),
                                                ts[0].unit)))
    return tuple(out)
