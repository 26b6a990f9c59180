"""The ``change`` method: change against the previous period or the same period last year.

The SIC ICWC dekad bulletins print a value next to last year's ("inflow 338 Mm3 (last year
346)"); this method puts a threshold on that change, in % or in the unit of the variable.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..config import did_you_mean
from ..text import N_, Text, quantity, signed
from ..units import conversion_factor
from .formulas import change
from .registry import Assessment, Inputs, Method, Note, Wording, register

CHANGE_AGAINST = {
    "previous": N_("{change} against the previous period ({earlier})"),
    "last_year": N_("{change} against the same period last year ({earlier})"),
}
CHANGE_CONDITION = {
    "previous": N_("a change {words} against the previous period"),
    "last_year": N_("a change {words} against the same period last year"),
}
MSG_FINDING_CHANGE = N_("{name}: {value}, {change}; {level}, {condition}.")
MSG_FINDING_CHANGE_NORMAL = N_("{name}: {value}, {change}; no threshold crossed.")
MSG_FINDING_NO_EARLIER = N_("{name}: {value}; no value of the earlier period to compare with.")


@dataclass(frozen=True)
class ChangeParams:
    """What the period is compared with: ``previous`` (the period before) or ``last_year``."""

    against: str | None


@register
class ChangeMethod(Method):
    """Change against an earlier period, in % (unit '%') or in a unit of the variable, against thresholds."""

    name = "change"
    title = N_("change against an earlier period, against thresholds")
    keys = ("against",)
    shows_threshold_unit = True
    signed = True
    diff_keys = {"against": None}

    def parse(self, c, where, spec, ctx) -> ChangeParams:
        """``against``: previous or last_year."""
        against = spec.get("against")
        if against not in CHANGE_AGAINST:
            c.add(f"{where}.against", f"'{against}' must be previous (the period before) or last_year (the same period "
                                      f"last year){did_you_mean(str(against), CHANGE_AGAINST)}")
            return ChangeParams(None)
        return ChangeParams(str(against))

    def check_unit(self, c, where, unit, variable, variables) -> bool:
        """'%' is a relative change; any other unit an absolute change in a unit of the variable."""
        return True if unit == "%" else super().check_unit(c, where, unit, variable, variables)

    def overlap_key(self, ind) -> tuple:
        """A change against last year and one against the previous period, or in % and absolute, differ."""
        return (ind.params.against, ind.unit == "%")

    def assess(self, ind, period, inputs: Inputs) -> Assessment:
        """Compare the change; without a value of the earlier period the finding is no_data."""
        earlier = period.previous() if ind.params.against == "previous" else period.same_period_last_year()
        reference = inputs.data.at(ind.station, ind.series, earlier)
        relative = ind.unit == "%"
        f = 1.0 if relative else conversion_factor(inputs.canonical, ind.unit)
        delta = change(inputs.value * f, reference * f, relative=relative)
        notes = ((Note.NO_EARLIER_VALUE, np.isnan(reference) & ~np.isnan(inputs.value)),)
        return Assessment(compared=delta, shown_unit=ind.unit, notes=notes)

    def condition(self, ind, words: Text, unit: str) -> Text:
        """"a change below -20 % against the same period last year"."""
        return Text.of(CHANGE_CONDITION[ind.params.against], words=words)

    def sentence(self, w: Wording) -> Text:
        """"Inflow to Shardara: 650 m³/s, +50 % against the same period last year (433 m³/s); ..."."""
        f, against = w.finding, w.indicator.params.against
        earlier = f.previous_period if against == "previous" else f.last_year
        change_text = Text.of(CHANGE_AGAINST[against], earlier=quantity(earlier, f.unit),
                              change=signed(f.indicator_value, f.indicator_unit))
        return w.crossed_or_not(MSG_FINDING_CHANGE, MSG_FINDING_CHANGE_NORMAL, value=w.value, change=change_text)

    def no_data_sentence(self, w: Wording) -> Text | None:
        """No value of the earlier period."""
        if Note.NO_EARLIER_VALUE in w.finding.notes:
            return Text.of(MSG_FINDING_NO_EARLIER, name=w.name, value=w.shown_value)
        return None

    def figure_threshold(self, ind, t, period, norm, station, unit) -> float | None:
        """A change has no fixed place on the value axis."""
        return None

    def diff_fields(self, ind) -> dict:
        """What the period is compared with."""
        return {"against": ind.params.against}
