"""The basin at a glance: a schematic map, reservoir fill bars and a strip of HydroSOS categories.

Built from the findings and the products of the period (:mod:`bulletin.products`). The
renderer draws the pictures from these values alone; each picture carries its description in
words (``alt``), sentence by sentence.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..climatology import CATEGORIES
from ..evaluate import Finding
from ..methods import LEVELS, NO_DATA, level_rank
from ..network import Network
from ..periods import Period
from ..products import CategoryHistory, ReservoirState
from ..text import N_, Localized, Quantity, Text, Unit, quantity
from ..vocabulary import CATEGORY_NAMES, level_text
from .words import variable_name


@dataclass(frozen=True)
class MapStation:
    """A station or reservoir on the schematic map."""

    id: str
    kind: str  # gauge | reservoir
    name: Localized  # full name
    label: Localized  # short name written on the map
    country: str
    lon: float
    lat: float
    downstream: str | None
    level: str | None  # highest effective level of the station's findings; None: no finding
    fill: Quantity | None  # reservoirs: % of useful volume at the end of the period (value None: unknown)


@dataclass(frozen=True)
class MapCountry:
    """A country on the schematic map: its code, its name and where the map writes it."""

    code: str
    name: Localized
    places: tuple  # ((lon, lat), ...) where the name is written


@dataclass(frozen=True)
class BasinMap:
    """Rivers as lines from each station to the next downstream, stations by level, reservoirs by fill."""

    stations: tuple  # MapStation, network order (upstream to downstream)
    countries: tuple  # MapCountry with places given in the network file
    outlet: Localized | None  # where the last station's river ends (North Aral Sea)
    counts: tuple  # ((level or None, stations), ...): alert, warning, watch, normal, no_data, None
    alt: tuple  # Text sentences


@dataclass(frozen=True)
class FillBar:
    """One reservoir's volume at the end of the period, on the scale of its useful volume."""

    station: str
    name: Localized  # short name
    volume: float | None  # [FillBars.unit]
    floor: float  # left end of the bar [FillBars.unit]: the dead volume, 0 when none is published
    capacity: float  # right end: the total volume [FillBars.unit]
    dead_known: bool
    fill: float | None  # % of useful volume
    norm: float | None  # mean volume of the same period over the reference period [FillBars.unit]
    last_year: float | None  # the same period last year [FillBars.unit]
    thresholds: tuple  # ((level, value [FillBars.unit]), ...) of the indicators on the volume, by value
    level: str | None  # highest effective level of the findings on the volume; None: no such indicator
    text: Text  # the bar in words


@dataclass(frozen=True)
class FillBars:
    """The reservoir fill bars: one bar per reservoir, the unit of their volumes, and their description in words."""

    bars: tuple  # FillBar, network order
    unit: str
    alt: tuple  # Text sentences


@dataclass(frozen=True)
class StripRow:
    """One series of the category strip: its station, variable and label, and its category in each period."""

    station: str
    variable: str
    label: Text | Localized
    categories: tuple  # HydroSOS category per period, oldest first


@dataclass(frozen=True)
class CategoryStrip:
    """HydroSOS category of the key series and every gauge's discharge, period by period."""

    periods: tuple  # Period, oldest first; the last is the bulletin period
    rows: tuple  # StripRow, network order
    alt: tuple  # Text sentences


# ---- helpers ---------------------------------------------------------------------------------

def station_levels(findings: list[Finding]) -> dict[str, str]:
    """Station -> the highest effective level among its findings (``no_data`` only when all are)."""
    out: dict[str, str] = {}
    for f in findings:
        if f.station not in out or level_rank(f.level) > level_rank(out[f.station]):
            out[f.station] = f.level
    return out


# ---- map -------------------------------------------------------------------------------------

MSG_MAP_ALT = N_("Schematic map of the basin: {stations} stations and reservoirs along the rivers, each shown "
                 "with the highest level of its findings in this bulletin: alert {alert}, warning {warning}, "
                 "watch {watch}, normal {normal}, no data {no_data}, without an indicator {none}.")
MSG_MAP_STATION = N_("{name}: {level}.")
MSG_MAP_FILL = N_("{name}: filled to {fill} of useful volume.")


def basin_map(network: Network, findings: list[Finding], reservoirs: tuple[ReservoirState, ...]) -> BasinMap:
    """The schematic map of the bulletin period: the gauges and reservoirs of the river network.

    Withdrawal accounts (kind intake) are findings of a country, not places on the river.
    """
    levels = station_levels(findings)
    fills = {r.station: r.fill for r in reservoirs}
    stations = []
    for sid, st in network.stations.items():
        if st.kind == "intake":
            continue  # a country's withdrawal account is not a point on the river
        fill = quantity(fills.get(sid), "%") if st.kind == "reservoir" else None
        stations.append(MapStation(sid, st.kind, Localized.of(st.names), Localized.of(st.labels), st.country,
                                   st.lon, st.lat, st.downstream, levels.get(sid), fill))
    countries = tuple(MapCountry(code, Localized.of(network.countries[code]), network.country_labels[code])
                      for code in network.countries if code in network.country_labels)
    order = (*reversed(LEVELS), NO_DATA, None)
    counts = tuple((lev, sum(s.level == lev for s in stations)) for lev in order)
    alt = [Text.of(MSG_MAP_ALT, stations=len(stations), **{lev or "none": n for lev, n in counts})]
    flagged = sorted((s for s in stations if s.level in LEVELS[1:]), key=lambda s: -level_rank(s.level))
    alt += [Text.of(MSG_MAP_STATION, name=s.name, level=level_text(s.level)) for s in flagged]
    alt += [Text.of(MSG_MAP_FILL, name=s.name, fill=s.fill) for s in stations if s.fill and s.fill.value is not None]
    return BasinMap(tuple(stations), countries, Localized.of(network.outlet) if network.outlet else None,
                    counts, tuple(alt))


# ---- reservoir fill --------------------------------------------------------------------------

MSG_BARS_ALT = N_("Reservoir volumes, {unit}, at the end of the period ({period}); each bar runs from the dead "
                  "volume to the total volume, so that its filled part is the share of the useful volume.")
MSG_BAR = N_("{name}: {volume}, {fill} of useful volume (norm {norm}, last year {last_year}).")
MSG_BAR_NO_FILL = N_("{name}: {volume} (norm {norm}, last year {last_year}); the fill is not known, "
                     "no dead volume is published.")
MSG_BAR_NO_DATA = N_("{name}: no volume for this period.")
MSG_BAR_LEVEL = N_("{sentence} Level: {level}.")


def fill_bars(network: Network, findings: list[Finding], reservoirs: tuple[ReservoirState, ...], period: Period,
              unit: str) -> FillBars:
    """One bar per reservoir with a total volume and volume data, network order; volumes in ``unit``."""
    bars = []
    for r in reservoirs:
        if r.capacity is None:
            continue
        st = network[r.station]
        mine = [f.level for f in findings if f.station == r.station and f.variable == "volume"]
        level = max(mine, key=level_rank) if mine else None
        name = Localized.of(st.labels)
        params = {"name": name, "volume": quantity(r.volume, unit), "norm": quantity(r.norm, unit),
                  "last_year": quantity(r.last_year, unit)}
        if r.volume is None:
            text = Text.of(MSG_BAR_NO_DATA, name=name)
        elif r.fill is None:
            text = Text.of(MSG_BAR_NO_FILL, **params)
        else:
            text = Text.of(MSG_BAR, fill=quantity(r.fill, "%"), **params)
        if level is not None:
            text = Text.of(MSG_BAR_LEVEL, sentence=text, level=level_text(level))
        bars.append(FillBar(r.station, name, r.volume, r.floor, r.capacity, r.dead_known, r.fill, r.norm, r.last_year,
                            r.thresholds, level, text))
    alt = (Text.of(MSG_BARS_ALT, period=period, unit=Unit(unit)), *(b.text for b in bars))
    return FillBars(tuple(bars), unit, alt)


# ---- category strip --------------------------------------------------------------------------

MSG_RIVER_PLACE = N_("{river} – {place}")
MSG_SERIES = N_("{station}: {variable}")


def series_label(network: Network, station: str, variable: str) -> Text | Localized:
    """"Naryn – Uchkurgan" for a gauge's discharge, "Toktogul: volume" for other series."""
    st = network[station]
    place = Localized.of(st.labels)
    if st.kind == "gauge":
        river = Localized.of(st.river)
        place = river if river == place else Text.of(MSG_RIVER_PLACE, river=river, place=place)
        if variable == "discharge":
            return place
    return Text.of(MSG_SERIES, station=place, variable=variable_name(variable))


MSG_STRIP_ALT = N_("HydroSOS status of {rows} series, upstream to downstream, in {periods} periods "
                   "({first} – {last}).")
MSG_STRIP_LAST = N_("The last column ({period}): low {low}, below normal {below_normal}, normal {normal}, "
                    "above normal {above_normal}, high {high}, no data {no_data}.")
MSG_STRIP_ROW = N_("{name} — {category}.")


def category_strip(network: Network, history: CategoryHistory, period: Period) -> CategoryStrip:
    """The HydroSOS category history as a strip of cells, with its description in words."""
    columns = history.periods
    rows = [StripRow(station, variable, series_label(network, station, variable), cats)
            for station, variable, cats in history.rows]
    last = [r.categories[-1] for r in rows]
    counts = {c: last.count(c) for c in (*CATEGORIES, "no_data")}
    alt = [Text.of(MSG_STRIP_ALT, rows=len(rows), periods=len(columns), first=columns[0], last=columns[-1]),
           Text.of(MSG_STRIP_LAST, period=period, **counts)]
    alt += [Text.of(MSG_STRIP_ROW, name=r.label, category=Text.of(CATEGORY_NAMES[r.categories[-1]]))
            for r in rows if r.categories[-1] in ("low", "high")]
    return CategoryStrip(tuple(columns), tuple(rows), tuple(alt))
