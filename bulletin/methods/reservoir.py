"""Reservoir methods on the volume: ``reservoir_fill``, ``days_of_release_left``, ``margin_above_dead``.

Each reads the volume of a reservoir whose capacities the network gives (dead volume, and for
the fill the total volume).
"""

from __future__ import annotations

import math

import numpy as np

from ..text import N_, Text, quantity
from ..units import conversion_factor
from .formulas import days_of_release_left, fill_percent_of_useful, margin_above_dead
from .registry import Assessment, Inputs, Method, Note, Wording, register

MSG_CONDITION_FILL = N_("{words} of useful volume")
MSG_FINDING_FILL = N_("{name}: {value}, {fill} of useful volume; {level}, {condition}.")
MSG_FINDING_FILL_NORMAL = N_("{name}: {value}, {fill} of useful volume; no threshold crossed.")
MSG_CONDITION_DAYS = N_("{words} of release left")
MSG_FINDING_DAYS = N_("{name}: {value}; at the release and inflow of this period, {days} until the dead volume; "
                      "{level}, {condition}.")
MSG_FINDING_DAYS_NORMAL = N_("{name}: {value}; at the release and inflow of this period, {days} until the dead "
                             "volume; no threshold crossed.")
MSG_FINDING_NOT_DRAWN_DOWN = N_("{name}: {value}; the inflow is at or above the release: the reservoir is not "
                                "being drawn down.")
MSG_CONDITION_MARGIN = N_("a margin above the dead volume {words}")
MSG_FINDING_MARGIN = N_("{name}: {value}, {margin} above the dead volume; {level}, {condition}.")
MSG_FINDING_MARGIN_NORMAL = N_("{name}: {value}, {margin} above the dead volume; no threshold crossed.")


class ReservoirMethod(Method):
    """A method on the volume of a reservoir with known capacities (``needs``)."""

    needs: tuple[str, ...] = ("dead_volume",)

    def parse(self, c, where, spec, ctx) -> None:
        """The indicator reads the volume of a reservoir of the network that has the capacities needed."""
        if ctx.variable != "volume":
            c.add(f"{where}.variable", f"a {self.name} indicator reads the variable 'volume', not '{ctx.variable}'")
        network, station = ctx.network, ctx.station
        if network is None or station not in network:
            return None
        st = network[station]
        if st.kind != "reservoir":
            c.add(f"{where}.station", f"'{station}' is a {st.kind}; a {self.name} indicator needs a reservoir")
            return None
        missing = [k for k in self.needs if getattr(st, k) is None]
        if missing:
            c.add(f"{where}.station", f"reservoir '{station}' has no {' and no '.join(missing)} in the network file "
                                      f"({network.path}); add them (value, unit, source) for a {self.name} indicator")
        else:
            self.check_capacities(c, where, st)
        return None

    def check_capacities(self, c, where: str, station) -> None:
        """Further checks of the reservoir's capacities (none by default)."""


@register
class ReservoirFillMethod(ReservoirMethod):
    """Fill as % of the useful volume (between dead and total volume) against thresholds [%]."""

    name = "reservoir_fill"
    title = N_("reservoir fill, per cent of useful volume, against thresholds")
    fixed_unit = "%"
    condition_msg = MSG_CONDITION_FILL
    needs = ("dead_volume", "total_volume")

    def check_capacities(self, c, where, station) -> None:
        """The total volume is above the dead volume."""
        if station.total_volume.value <= station.dead_volume.value:
            c.add(f"{where}.station", f"reservoir '{station.id}': total volume {station.total_volume.value:g} Mm3 is "
                                      f"not above the dead volume {station.dead_volume.value:g} Mm3 in the network file")

    def assess(self, ind, period, inputs: Inputs) -> Assessment:
        """Compare 100 (volume - dead) / (total - dead)."""
        st = inputs.network[ind.station]
        fill = fill_percent_of_useful(inputs.value, st.dead_volume.value, st.total_volume.value)
        return Assessment(compared=fill, shown_unit="%")

    def sentence(self, w: Wording) -> Text:
        """"Toktogul: 9.4 km³, 28 % of useful volume; watch, below 30 % of useful volume."."""
        return w.crossed_or_not(MSG_FINDING_FILL, MSG_FINDING_FILL_NORMAL, fill=quantity(w.finding.indicator_value, "%"))

    def figure_threshold(self, ind, t, period, norm, station, unit) -> float | None:
        """A fill is the volume that share of the useful volume above the dead volume."""
        if math.isnan(t.value) or station.dead_volume is None or station.total_volume is None:
            return None
        dead, total = station.dead_volume.value, station.total_volume.value
        return (dead + t.value / 100 * (total - dead)) * conversion_factor("Mm3", unit)


@register
class DaysOfReleaseLeftMethod(ReservoirMethod):
    """Days until the dead volume at the release and inflow of the period, against thresholds [d]."""

    name = "days_of_release_left"
    title = N_("days until the dead volume at the release and inflow of the period, against thresholds")
    fixed_unit = "d"
    condition_msg = MSG_CONDITION_DAYS

    def assess(self, ind, period, inputs: Inputs) -> Assessment:
        """Compare the days left; a reservoir not drawn down is normal, one without its flows no_data."""
        st = inputs.network[ind.station]
        release, inflow = (inputs.data.at(ind.station, (v,), period) for v in ("release", "inflow"))
        days = days_of_release_left(inputs.value, st.dead_volume.value, release, inflow)
        notes = ((Note.NOT_DRAWN_DOWN, np.isinf(days)),
                 (Note.NO_FLOWS, np.isnan(days) & ~np.isnan(inputs.value)))
        return Assessment(compared=days, shown_unit="d", notes=notes)

    def sentence(self, w: Wording) -> Text:
        """"Toktogul: 9.4 km³; at the release and inflow of this period, 109 days until the dead volume; ..."."""
        if Note.NOT_DRAWN_DOWN in w.finding.notes:
            return Text.of(MSG_FINDING_NOT_DRAWN_DOWN, name=w.name, value=w.shown_value)
        return w.crossed_or_not(MSG_FINDING_DAYS, MSG_FINDING_DAYS_NORMAL,
                                days=quantity(w.finding.indicator_value, "d", 0))


@register
class MarginAboveDeadMethod(ReservoirMethod):
    """Volume above the dead volume against thresholds [a volume unit]."""

    name = "margin_above_dead"
    title = N_("volume above the dead volume, against thresholds")
    condition_msg = MSG_CONDITION_MARGIN

    def assess(self, ind, period, inputs: Inputs) -> Assessment:
        """Compare volume - dead volume, in the unit of the thresholds."""
        st = inputs.network[ind.station]
        margin = margin_above_dead(inputs.value, st.dead_volume.value) * conversion_factor("Mm3", ind.unit)
        return Assessment(compared=margin, shown_unit=ind.unit)

    def sentence(self, w: Wording) -> Text:
        """"Bahri Tojik: 0.7 km³, 0.17 km³ above the dead volume; ..."."""
        f = w.finding
        return w.crossed_or_not(MSG_FINDING_MARGIN, MSG_FINDING_MARGIN_NORMAL,
                                margin=quantity(f.indicator_value, f.indicator_unit))

    def figure_threshold(self, ind, t, period, norm, station, unit) -> float | None:
        """A margin is the volume that much above the dead volume."""
        if math.isnan(t.value) or station.dead_volume is None:
            return None
        return (station.dead_volume.value + t.value * conversion_factor(t.unit, "Mm3")) * conversion_factor("Mm3", unit)
