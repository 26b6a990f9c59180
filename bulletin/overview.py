"""The basin at a glance: a schematic map, reservoir fill bars and a strip of HydroSOS categories.

Part of the language-neutral document (:mod:`bulletin.document`): names are
:class:`~bulletin.document.Localized`, sentences :class:`~bulletin.document.Text`. The
renderer (:mod:`bulletin.render.figures`) draws the pictures from these values alone; each
picture carries its description in words (``alt``), sentence by sentence.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .catalogue import Catalogue
from .climatology import CATEGORIES, apply_coverage, status_of
from .climatology import NO_DATA as CATEGORY_NO_DATA
from .document import (
    CATEGORY_NAMES,
    LEVEL_NAMES,
    VARIABLE_NAMES,
    Localized,
    Quantity,
    Text,
    Unit,
    _figure_threshold,
    _q,
)
from .evaluate import Finding, SeriesStore, _clean, applied_thresholds, not_evaluated_reason
from .methods import LEVELS, NO_DATA, fill_percent_of_useful, level_rank
from .network import Network
from .periods import Period
from .render.i18n import N_
from .units import conversion_factor

STRIP_PERIODS = 12  # columns of the category strip, ending with the bulletin period
FILL_UNIT = "km3"  # reservoir volumes in the fill bars
# order of a station's rows in the category strip
VARIABLE_ORDER = ("volume", "level", "inflow", "release", "discharge", "stage", "withdrawal")

MSG_MAP_ALT = N_("Schematic map of the basin: {stations} stations and reservoirs along the rivers, each shown "
                 "with the highest level of its findings in this bulletin: alert {alert}, warning {warning}, "
                 "watch {watch}, normal {normal}, no data {no_data}, without an indicator {none}.")
MSG_MAP_STATION = N_("{name}: {level}.")
MSG_MAP_FILL = N_("{name}: filled to {fill} of useful volume.")
MSG_BARS_ALT = N_("Reservoir volumes, {unit}, at the end of the period ({period}); each bar runs from the dead "
                  "volume to the total volume, so that its filled part is the share of the useful volume.")
MSG_BAR = N_("{name}: {volume}, {fill} of useful volume (norm {norm}, last year {last_year}).")
MSG_BAR_NO_FILL = N_("{name}: {volume} (norm {norm}, last year {last_year}); the fill is not known, "
                     "no dead volume is published.")
MSG_BAR_NO_DATA = N_("{name}: no volume for this period.")
MSG_BAR_LEVEL = N_("{sentence} Level: {level}.")
MSG_STRIP_ALT = N_("HydroSOS status of {rows} series, upstream to downstream, in {periods} periods "
                   "({first} – {last}).")
MSG_STRIP_LAST = N_("The last column ({period}): low {low}, below normal {below_normal}, normal {normal}, "
                    "above normal {above_normal}, high {high}, no data {no_data}.")
MSG_STRIP_ROW = N_("{name} — {category}.")
MSG_RIVER_PLACE = N_("{river} – {place}")
MSG_SERIES = N_("{station}: {variable}")


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
    volume: float | None  # [FILL_UNIT]
    floor: float  # left end of the bar [FILL_UNIT]: the dead volume, 0 when none is published
    capacity: float  # right end: the total volume [FILL_UNIT]
    dead_known: bool
    fill: float | None  # % of useful volume
    norm: float | None  # mean volume of the same period over the reference period [FILL_UNIT]
    last_year: float | None  # the same period last year [FILL_UNIT]
    thresholds: tuple  # ((level, value [FILL_UNIT]), ...) of the indicators on the volume, by value
    level: str | None  # highest effective level of the findings on the volume; None: no such indicator
    text: Text  # the bar in words


@dataclass(frozen=True)
class FillBars:
    bars: tuple  # FillBar, network order
    unit: str
    alt: tuple  # Text sentences


@dataclass(frozen=True)
class StripRow:
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


def _values(agg: pd.DataFrame, periods: list[Period], min_coverage: float) -> list[float | None]:
    """Value of each period in an aggregated series [canonical unit]; None below ``min_coverage``."""
    if agg.empty:
        return [None] * len(periods)
    usable = apply_coverage(agg, min_coverage).set_index(["year", "period_of_year"])["value"]
    out = []
    for p in periods:
        v = usable.get((p.start.year, p.period_of_year))
        out.append(None if v is None or np.isnan(v) else float(v))
    return out


def _fill(volume: float | None, station) -> float | None:
    if volume is None or station.dead_volume is None or station.total_volume is None:
        return None
    return float(fill_percent_of_useful(volume, station.dead_volume.value, station.total_volume.value))


# ---- map -------------------------------------------------------------------------------------

def basin_map(network: Network, findings: list[Finding], store: SeriesStore, period: Period) -> BasinMap:
    """The schematic map of the bulletin period: the gauges and reservoirs of the river network
    (withdrawal accounts, kind intake, are findings of a country, not places on the river)."""
    levels = station_levels(findings)
    present = set(store.obs.keys())
    min_cov = store.settings.coverage_for(period.kind)
    stations = []
    for sid, st in network.stations.items():
        if st.kind == "intake":
            continue  # a country's withdrawal account is not a point on the river
        fill = None
        if st.kind == "reservoir":
            volume = (_values(store.aggregated(sid, "volume", period.kind), [period], min_cov)[0]
                      if (sid, "volume") in present else None)
            fill = _q(_fill(volume, st), "%")
        stations.append(MapStation(sid, st.kind, Localized.of(st.names), Localized.of(st.labels), st.country,
                                   st.lon, st.lat, st.downstream, levels.get(sid), fill))
    countries = tuple(MapCountry(code, Localized.of(network.countries[code]), network.country_labels[code])
                      for code in network.countries if code in network.country_labels)
    order = (*reversed(LEVELS), NO_DATA, None)
    counts = tuple((lev, sum(s.level == lev for s in stations)) for lev in order)
    alt = [Text.of(MSG_MAP_ALT, stations=len(stations), **{lev or "none": n for lev, n in counts})]
    flagged = sorted((s for s in stations if s.level in LEVELS[1:]), key=lambda s: -level_rank(s.level))
    alt += [Text.of(MSG_MAP_STATION, name=s.name, level=Text.of(LEVEL_NAMES[s.level])) for s in flagged]
    alt += [Text.of(MSG_MAP_FILL, name=s.name, fill=s.fill) for s in stations if s.fill and s.fill.value is not None]
    return BasinMap(tuple(stations), countries, Localized.of(network.outlet) if network.outlet else None,
                    counts, tuple(alt))


# ---- reservoir fill --------------------------------------------------------------------------

def fill_bars(catalogue: Catalogue, network: Network, findings: list[Finding], store: SeriesStore,
              period: Period) -> FillBars:
    """One bar per reservoir with a total volume and volume data, network order."""
    present = set(store.obs.keys())
    min_cov = store.settings.coverage_for(period.kind)
    to_unit = conversion_factor("Mm3", FILL_UNIT)
    bars = []
    for sid, st in network.stations.items():
        if st.kind != "reservoir" or st.total_volume is None or (sid, "volume") not in present:
            continue
        agg = store.aggregated(sid, "volume", period.kind)
        volume, last_year = _values(agg, [period, period.same_period_last_year()], min_cov)
        norm = _clean(store.series_climatology(sid, "volume", period.kind).loc[period.period_of_year, "mean"])
        fill = _fill(volume, st)
        scaled = [None if v is None else v * to_unit for v in (volume, last_year, norm)]
        marks = {}
        for ind in catalogue.indicators:
            if (ind.station != sid or ind.variable != "volume" or ind.method == "difference"
                    or not_evaluated_reason(ind, period, network) is not None
                    or (ind.method == "reservoir_fill" and st.dead_volume is None)):
                continue
            for t in applied_thresholds(ind, period, store, network):
                v = _figure_threshold(ind, t, scaled[2], st, FILL_UNIT)
                if v is not None and not math.isnan(v):
                    marks.setdefault((t["level"], round(v, 6)), v)
        thresholds = tuple(sorted(((lev, v) for (lev, _), v in marks.items()), key=lambda m: (m[1], level_rank(m[0]))))
        mine = [f.level for f in findings if f.station == sid and f.variable == "volume"]
        level = max(mine, key=level_rank) if mine else None
        name = Localized.of(st.labels)
        params = {"name": name, "volume": _q(scaled[0], FILL_UNIT), "norm": _q(scaled[2], FILL_UNIT),
                  "last_year": _q(scaled[1], FILL_UNIT)}
        if volume is None:
            text = Text.of(MSG_BAR_NO_DATA, name=name)
        elif fill is None:
            text = Text.of(MSG_BAR_NO_FILL, **params)
        else:
            text = Text.of(MSG_BAR, fill=_q(fill, "%"), **params)
        if level is not None:
            text = Text.of(MSG_BAR_LEVEL, sentence=text, level=Text.of(LEVEL_NAMES[level]))
        dead = st.dead_volume.value * to_unit if st.dead_volume is not None else 0.0
        bars.append(FillBar(sid, name, scaled[0], dead, st.total_volume.value * to_unit, st.dead_volume is not None,
                            fill, scaled[2], scaled[1], thresholds, level, text))
    alt = (Text.of(MSG_BARS_ALT, period=period, unit=Unit(FILL_UNIT)), *(b.text for b in bars))
    return FillBars(tuple(bars), FILL_UNIT, alt)


# ---- category strip --------------------------------------------------------------------------

def strip_series(catalogue: Catalogue, network: Network, store: SeriesStore) -> list[tuple[str, str]]:
    """The series of the strip: the key series of the catalogue (those with a hydrograph) and the
    discharge of every gauge in the data, in network order."""
    present = set(store.obs.keys())
    pairs = {(i.station, i.variable) for i in catalogue.indicators if i.key and i.method != "difference"}
    pairs |= {(sid, "discharge") for sid, st in network.stations.items()
              if st.kind == "gauge" and (sid, "discharge") in present}
    order = {sid: i for i, sid in enumerate(network.stations)}
    rank = {v: i for i, v in enumerate(VARIABLE_ORDER)}
    return sorted(pairs, key=lambda p: (order.get(p[0], len(order)), rank.get(p[1], len(rank)), p[1]))


def series_label(network: Network, station: str, variable: str) -> Text | Localized:
    """"Naryn – Uchkurgan" for a gauge's discharge, "Toktogul: volume" for other series."""
    st = network[station]
    place = Localized.of(st.labels)
    if st.kind == "gauge":
        river = Localized.of(st.river)
        place = river if river == place else Text.of(MSG_RIVER_PLACE, river=river, place=place)
        if variable == "discharge":
            return place
    return Text.of(MSG_SERIES, station=place, variable=Text.of(VARIABLE_NAMES.get(variable, variable)))


def category_strip(catalogue: Catalogue, network: Network, store: SeriesStore, period: Period,
                   periods: int = STRIP_PERIODS) -> CategoryStrip:
    """HydroSOS categories of :func:`strip_series` in the ``periods`` periods ending with ``period``,
    computed as for the findings (:func:`~bulletin.climatology.status_of`)."""
    columns = [period.shift(k) for k in range(1 - periods, 1)]
    min_cov = store.settings.coverage_for(period.kind)
    rows = []
    for station, variable in strip_series(catalogue, network, store):
        values = _values(store.aggregated(station, variable, period.kind), columns, min_cov)
        clim = store.series_climatology(station, variable, period.kind)
        cats = tuple(status_of(np.nan if v is None else v, clim.loc[p.period_of_year])["category"]
                     for v, p in zip(values, columns, strict=True))
        rows.append(StripRow(station, variable, series_label(network, station, variable), cats))
    last = [r.categories[-1] for r in rows]
    counts = {c: last.count(c) for c in (*CATEGORIES, CATEGORY_NO_DATA)}
    alt = [Text.of(MSG_STRIP_ALT, rows=len(rows), periods=len(columns), first=columns[0], last=columns[-1]),
           Text.of(MSG_STRIP_LAST, period=period, **counts)]
    alt += [Text.of(MSG_STRIP_ROW, name=r.label, category=Text.of(CATEGORY_NAMES[r.categories[-1]]))
            for r in rows if r.categories[-1] in ("low", "high")]
    return CategoryStrip(tuple(columns), tuple(rows), tuple(alt))
