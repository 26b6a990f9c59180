"""Hydrographs of the key stations, with their description in words."""

from __future__ import annotations

from ..network import Network
from ..products import Hydrograph
from ..text import N_, Localized, Text, Unit, quantity
from ..vocabulary import level_text
from .model import Figure
from .words import variable_name

MSG_FIGURE_TITLE = N_("{station}: {variable}, {unit}")
MSG_HYDRO_ALT = N_("Dekads of the hydrological year to the {period}: this year {value}, norm {norm} "
                   "(10th to 90th percentile {p10} to {p90}), last year {last_year}.")
MSG_HYDRO_THRESHOLD = N_("Threshold {level}: {value}.")



def figure(h: Hydrograph, network: Network) -> Figure:
    """The hydrograph ``h`` as a figure: title, series and the figure in words (alt text)."""
    st = network[h.station]
    unit = h.unit
    at = h.period_index
    title = Text.of(MSG_FIGURE_TITLE, station=Localized.of(st.names), variable=variable_name(h.variable),
                    unit=Unit(unit))
    alt = [title, Text.of(MSG_HYDRO_ALT, period=h.periods[at], value=quantity(h.current[at], unit),
                          norm=quantity(h.norm[at], unit), p10=quantity(h.p10[at], unit),
                          p90=quantity(h.p90[at], unit), last_year=quantity(h.last_year[at], unit))]
    alt += [Text.of(MSG_HYDRO_THRESHOLD, level=level_text(lev), value=quantity(values[at], unit))
            for lev, values in h.thresholds if values[at] is not None]
    return Figure(id=f"fig-{h.station}-{h.variable}", station_name=Localized.of(st.names), title=title, unit=unit,
                  x_periods=h.periods, current=h.current, last_year=h.last_year, norm=h.norm, p10=h.p10, p90=h.p90,
                  thresholds=h.thresholds, period_index=at, alt=tuple(alt))
