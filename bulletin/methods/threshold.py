"""Methods that compare the value itself: ``threshold``, ``difference`` and ``percent_of_norm``."""

from __future__ import annotations

from dataclasses import dataclass

from ..text import N_, Text, quantity
from ..units import conversion_factor
from .formulas import percent_of_norm
from .registry import Assessment, Inputs, Method, Wording, register

MSG_FINDING_THRESHOLD = N_("{name}: {value}; {level}, {condition}.")
MSG_FINDING_THRESHOLD_NORMAL = N_("{name}: {value}; no threshold crossed.")
MSG_FINDING_PCT = N_("{name}: {value}, {pct} of norm; {level}, {condition}.")
MSG_FINDING_PCT_NORMAL = N_("{name}: {value}, {pct} of norm; no threshold crossed.")


def _in_threshold_unit(ind, inputs: Inputs):
    """The value of the period in the unit of the indicator's thresholds."""
    return inputs.value * conversion_factor(inputs.canonical, ind.unit)


@register
class ThresholdMethod(Method):
    """The value of the period against fixed, seasonal, per-period or relative thresholds."""

    name = "threshold"
    title = N_("absolute value against thresholds")
    takes_relative = True
    shows_threshold_unit = True

    def assess(self, ind, period, inputs: Inputs) -> Assessment:
        """Compare the value itself, in the unit of the thresholds."""
        return Assessment(compared=_in_threshold_unit(ind, inputs))

    def sentence(self, w: Wording) -> Text:
        """"Toktogul holds 8.4 km³, 71 % of norm, below the critical 9 km³" when the norm is known."""
        if w.finding.pct_of_norm is not None:
            return w.crossed_or_not(MSG_FINDING_PCT, MSG_FINDING_PCT_NORMAL, pct=quantity(w.finding.pct_of_norm, "%"))
        return w.crossed_or_not(MSG_FINDING_THRESHOLD, MSG_FINDING_THRESHOLD_NORMAL)


@dataclass(frozen=True)
class DifferenceParams:
    """The second variable of a difference (``minus``)."""

    minus: str | None


@register
class DifferenceMethod(Method):
    """The difference of two variables of one station (inflow minus release) against thresholds."""

    name = "difference"
    title = N_("difference of two variables against thresholds")
    keys = ("minus",)
    takes_relative = True
    shows_threshold_unit = True

    def parse(self, c, where, spec, ctx) -> DifferenceParams:
        """``minus``: a variable measured like ``variable``."""
        minus, variables = spec.get("minus"), ctx.variables
        if minus not in variables:
            c.add(f"{where}.minus", f"a difference needs a second variable; '{minus}' is not one")
        elif ctx.variable in variables and variables[minus].dimension != variables[ctx.variable].dimension:
            c.add(f"{where}.minus", f"'{minus}' and '{ctx.variable}' measure different things")
        return DifferenceParams(None if minus is None else str(minus))

    def series(self, ind) -> tuple[str, ...]:
        """The variable and the one subtracted from it."""
        return (ind.variable, ind.params.minus)

    def assess(self, ind, period, inputs: Inputs) -> Assessment:
        """Compare the difference (the indicator's series), in the unit of the thresholds."""
        return Assessment(compared=_in_threshold_unit(ind, inputs))

    def sentence(self, w: Wording) -> Text:
        """"Shardara, inflow minus release: 650 m³/s; warning, above 500 m³/s."."""
        return w.crossed_or_not(MSG_FINDING_THRESHOLD, MSG_FINDING_THRESHOLD_NORMAL)


@register
class PercentOfNormMethod(Method):
    """The value as % of the norm of the period against thresholds [%]."""

    name = "percent_of_norm"
    title = N_("per cent of norm against thresholds")
    fixed_unit = "%"

    def assess(self, ind, period, inputs: Inputs) -> Assessment:
        """Compare 100 value / norm."""
        return Assessment(compared=percent_of_norm(inputs.value, inputs.clim["mean"]), shown_unit="%")

    def sentence(self, w: Wording) -> Text:
        """"Inflow to Toktogul: 120 m³/s, 64 % of norm; watch, below 70 % of norm."."""
        return w.crossed_or_not(MSG_FINDING_PCT, MSG_FINDING_PCT_NORMAL, pct=quantity(w.finding.pct_of_norm, "%"))

    def figure_threshold(self, ind, t, period, norm, station, unit) -> float | None:
        """A share of the norm is that share of the period's norm."""
        return None if norm is None else norm * t.value / 100
