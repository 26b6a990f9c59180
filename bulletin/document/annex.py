"""The annex: every indicator with its method, season, levels and the rule it comes from."""

from __future__ import annotations

from ..catalogue import Catalogue
from ..network import Network
from ..text import N_, Localized, Text
from ..vocabulary import SEASON_NAMES
from .conditions import annex_conditions
from .model import AnnexEntry
from .volumes import in_volume_unit

MSG_PERSISTENCE = N_("A level comes down after {periods} periods in a row below it.")
MSG_PERSISTENCE_NONE = N_("A level comes down as soon as the value is below it.")
MSG_MONTHS = N_("months {months}")



def persistence(periods: int) -> Text:
    """When a level comes down: after ``periods`` periods in a row below it, or at once."""
    return Text.of(MSG_PERSISTENCE, periods=periods) if periods > 1 else Text.of(MSG_PERSISTENCE_NONE)


def annex(catalogue: Catalogue, network: Network) -> tuple:
    """An :class:`AnnexEntry` per indicator of the catalogue, in catalogue order.

    Volumes the catalogue gives (the thresholds of an indicator on a reservoir's volume, the
    seasonal limits of a withdrawal indicator) are shown in the network's volume unit.
    """
    out = []
    for ind in catalogue.indicators:
        season = (Text.of(SEASON_NAMES[ind.season]) if isinstance(ind.season, str)
                  else Text.of(MSG_MONTHS, months=", ".join(map(str, ind.season))))
        conditions, details = in_volume_unit((annex_conditions(ind), ind.method.annex_details(ind, network.seasons)),
                                             network.volume_unit)
        out.append(AnnexEntry(ind, Localized.of(ind.names), Localized.of(network[ind.station].names),
                              Text.of(ind.method.title), season, conditions,
                              persistence(catalogue.deescalation_for(ind)), details))
    return tuple(out)
