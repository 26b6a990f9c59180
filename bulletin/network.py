"""The basin network: stations, reservoirs, countries, topology and capacities.

Read from ``data/basin/syrdarya.yaml``; every problem is reported at once with its key path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path

from .errors import ConfigError
from .files import read_yaml
from .periods import Seasons, offset_timezone
from .resources import resource_path
from .units import conversion_factor

ID_PATTERN = re.compile(r"[a-z](?:[a-z0-9_]{0,62}[a-z0-9])?")  # not ending in '_': a network id names a DNS label
"""Network and station ids: they name output files and appear in the results JSON."""

VOLUME_UNITS = ("km3", "Mm3")
"""Units the bulletin can show reservoir volumes in (``network.display.volume_unit``)."""

KIND_VARIABLES = {"gauge": ("discharge", "stage"), "reservoir": ("inflow", "release", "volume", "level"),
                  "intake": ("withdrawal",)}
"""The variables a station of each kind reports: a gauge's discharge never lands on a reservoir."""

STATION_KINDS = tuple(KIND_VARIABLES)
"""gauge: a river gauge; reservoir; intake: where withdrawals are accounted (a canal head, or a
country's intakes from the river as the basin water organisation accounts them)."""

"""A UTC offset as the network gives it (``network.utc_offset``): sign, hours, minutes, e.g. ``+05:00``."""

DEFAULT_UTC_OFFSET = "+05:00"
"""The offset the times of the alerts are written with when the network gives none (Tashkent, Bishkek: UTC+5)."""


@dataclass(frozen=True)
class Volume:
    """A published reservoir volume [Mm3] with the key of its source."""

    value: float
    source: str
    note: str = ""


@dataclass(frozen=True)
class Station:
    """A gauge, reservoir or intake of the network: its names, place, next station downstream and capacities."""

    id: str
    kind: str
    names: dict
    country: str
    river: dict
    lat: float
    lon: float
    downstream: str | None
    aliases: tuple[str, ...] = ()
    total_volume: Volume | None = None
    useful_volume: Volume | None = None
    dead_volume: Volume | None = None
    level_range: tuple[float, float] | None = None
    stage_levels: dict = field(default_factory=dict)
    short_names: dict = field(default_factory=dict)  # label on the map, per language
    qc: dict = field(default_factory=dict)  # exceptions to the QC checks: variable -> check -> params or false
    area: tuple = ()  # the area the station stands for: ((lon, lat), ...) in degrees, closed (first == last); or ()

    @property
    def labels(self) -> dict:
        """The short names (``short_name``), or the full names when the file gives none."""
        return self.short_names or self.names


@dataclass(frozen=True)
class Network:
    """The basin network: its countries, seasons, stations (upstream to downstream) and volume sources."""

    id: str
    names: dict
    countries: dict
    seasons: Seasons
    stations: dict  # id -> Station, upstream to downstream as listed
    sources: dict
    path: str
    outlet: dict = field(default_factory=dict)  # name of the water body the network ends in, per language
    country_labels: dict = field(default_factory=dict)  # code -> ((lon, lat), ...) where the map writes its name
    volume_unit: str = "km3"  # the unit the bulletin shows reservoir volumes in: km3 or Mm3 (network.display)
    flow_links: dict = field(default_factory=dict)  # the flow_links section as written; validated by bulletin.qc
    utc_offset: str = DEFAULT_UTC_OFFSET  # the offset the alerts' times are written with: "+05:00" (network.utc_offset)

    def resolve(self, name: str, variable: str | None = None) -> str | None:
        """Network id of a station id or alias (case-insensitive), or None.

        With ``variable``, a station whose kind reports it is preferred: a name shared by a gauge
        and a reservoir (Charvak) resolves to the gauge for a discharge, to the reservoir for a volume.
        """
        key = name.strip().casefold()
        found = [s for s in self.stations.values() if key == s.id.casefold() or key in (a.casefold() for a in s.aliases)]
        if variable is not None:
            found.sort(key=lambda s: variable not in KIND_VARIABLES[s.kind])
        return found[0].id if found else None

    def suggest(self, name: str) -> str:
        """A ' (did you mean ...?)' suffix for an unknown station name, or ''.

        Only names that are close are suggested (a typo: 0.8 similar or more), and never for a
        code that is a number: 16279 and 16275 are two stations, not a typo.
        """
        key = str(name).strip().casefold()
        if key.isdigit():
            return ""
        words = [s.id for s in self.stations.values()] + [a for s in self.stations.values() for a in s.aliases]
        close = get_close_matches(key, [w for w in words if not w.isdigit()], n=1, cutoff=0.8)
        return f" (did you mean '{close[0]}'?)" if close else ""

    def takes(self, station_id: str, variable: str) -> bool:
        """Whether station ``station_id`` reports ``variable``, by its kind (:data:`KIND_VARIABLES`)."""
        return variable in KIND_VARIABLES[self.stations[station_id].kind]

    def __getitem__(self, station_id: str) -> Station:
        return self.stations[station_id]

    def __contains__(self, station_id: str) -> bool:
        return station_id in self.stations

    def country_name(self, code: str, lang: str) -> str:
        """The name of country ``code`` in ``lang``, else in English, else the code itself."""
        names = self.countries.get(code, {})
        return names.get(lang) or names.get("en") or code


def default_network_path() -> Path:
    """The packaged basin network (``data/basin/syrdarya.yaml``)."""
    return resource_path("data", "basin", "syrdarya.yaml")


_STATION_KEYS = {
    "id", "kind", "name", "country", "river", "lat", "lon", "downstream", "aliases",
    "total_volume", "useful_volume", "dead_volume", "level_range", "stage_levels", "short_name", "qc", "area",
}


def parse_area(value, where: str, errors: list[str]) -> tuple:
    """A station's ``area``: a list of [lon, lat] pairs in degrees, at least 3 distinct points; closed here.

    Problems are appended to ``errors`` (with ``where``, the station's key path) and () returned.

    >>> parse_area([[70, 41], [71, 41], [71, 42]], "s", [])
    ((70.0, 41.0), (71.0, 41.0), (71.0, 42.0), (70.0, 41.0))
    """
    example = "e.g. area: [[72.5, 41.6], [73.1, 41.6], [72.8, 42.0]]"
    if not isinstance(value, list) or not all(
            isinstance(p, list) and len(p) == 2 and all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                                        for v in p) for p in value):
        errors.append(f"{where}.area: give a polygon as a list of [lon, lat] pairs in degrees, {example}.")
        return ()
    points = tuple((float(lon), float(lat)) for lon, lat in value)
    outside = [f"[{lon:g}, {lat:g}]" for lon, lat in points if not (-180 <= lon <= 180 and -90 <= lat <= 90)]
    if outside:
        errors.append(f"{where}.area: {', '.join(outside)} outside [-180, 180] x [-90, 90]: pairs are [lon, lat] "
                      "in degrees.")
        return ()
    if len(set(points)) < 3:
        errors.append(f"{where}.area: a polygon needs at least 3 distinct points, {len(set(points))} given; "
                      f"{example}.")
        return ()
    return points if points[0] == points[-1] else (*points, points[0])


def _downstream_loops(stations: dict) -> list[list[str]]:
    """Each circle of ``downstream`` links once, from its first station in the file back to it.

    >>> from types import SimpleNamespace as S
    >>> _downstream_loops({"a": S(downstream="b"), "b": S(downstream="a"), "c": S(downstream="c"), "d": S(downstream=None)})
    [['a', 'b', 'a'], ['c', 'c']]
    """
    loops, done = [], set()
    for start in stations:
        path, at = [], start
        while at in stations and at not in done and at not in path:
            path.append(at)
            at = stations[at].downstream
        if at in path:
            loops.append(path[path.index(at):] + [at])
        done.update(path)
    return loops


def parse_utc_offset(value, where: str, errors: list[str]) -> str:
    """``network.utc_offset``: "+05:00" (the default when None); a problem goes to ``errors``.

    >>> parse_utc_offset("+06:00", "n", []), parse_utc_offset(None, "n", [])
    ('+06:00', '+05:00')
    """
    if value is None:
        return DEFAULT_UTC_OFFSET
    if offset_timezone(value) is not None:
        return value
    read = (f"was read as the number {value} (YAML reads +10:00 as minutes): quote it, e.g. utc_offset: \"+10:00\""
            if isinstance(value, (int, float)) else f"{value!r} is not a UTC offset: write a sign, two-digit hours "
            "(00 to 14) and minutes, e.g. utc_offset: \"+05:00\"")
    errors.append(f"{where}: {read}.")
    return DEFAULT_UTC_OFFSET


def _texts(names: dict) -> dict:
    """Names per language as text: YAML reads a name such as ``en: 16262`` (a hydromet code) as a number.

    >>> _texts({"en": 16262, "ru": "Чаткал"})
    {'en': '16262', 'ru': 'Чаткал'}
    """
    return {lang: str(text) for lang, text in names.items()}


_MAPPING, _LIST, _TEXT = (dict,), (list,), (str,)
_NAMES = "names per language, e.g. {ru: Токтогул, en: Toktogul}"
# key path -> (the types it may have, what it holds): checked before anything is read from the file
_SHAPES = {
    "network": (_MAPPING, "the network's id, name, countries and conventions"),
    "stations": (_LIST, "a list of stations, each a mapping with id, kind, name, ..."),
    "sources": (_MAPPING, "source keys and their citations"),
    "network.name": (_MAPPING, _NAMES),
    "network.countries": (_MAPPING, "country codes and their names, e.g. {KG: {ru: Кыргызстан, en: Kyrgyzstan}}"),
    "network.conventions": (_MAPPING, "e.g. {hydrological_year_start: 10, growing_season: [4, 9]}"),
    "network.display": (_MAPPING, "e.g. {volume_unit: km3}"),
    "network.map": (_MAPPING, "e.g. {country_labels: {KG: [74.5, 41.5]}}"),
    "network.map.country_labels": (_MAPPING, "country codes and [lon, lat] pairs"),
    "network.outlet": (_MAPPING, "the outlet's names per language"),
    "station.name": (_MAPPING, _NAMES),
    "station.river": (_MAPPING, _NAMES),
    "station.short_name": (_MAPPING, _NAMES),
    "station.aliases": (_LIST, "a list of codes and names, e.g. ['16279', Khudaydod]"),
    "station.downstream": (_TEXT, "the id of the station downstream"),
    "station.level_range": (_MAPPING, "e.g. {min: 837, max: 900} [m a.s.l.]"),
    "station.stage_levels": (_MAPPING, "e.g. {dangerous: 640, critical: 743} [cm]"),
    "station.total_volume": (_MAPPING, "e.g. {value: 19.5, unit: km3, source: bwo}"),
    "station.useful_volume": (_MAPPING, "e.g. {value: 14, unit: km3, source: bwo}"),
    "station.dead_volume": (_MAPPING, "e.g. {value: 5.5, unit: km3, source: bwo}"),
}


def _shape_problems(raw: dict, file: Path) -> list[str]:
    """Every key of the network file whose value has the wrong type (a list where a mapping belongs...)."""
    problems = []

    def check(key: str, value, where: str, required: bool = False) -> None:
        types, holds = _SHAPES[key]
        if (value is not None or required) and not isinstance(value, types):
            shape = {_MAPPING: "a mapping", _LIST: "a list"}.get(types, "text")
            problems.append(f"{file}: {where}: expected {shape} ({holds}), got {type(value).__name__}.")

    for key in ("network", "stations", "sources"):
        check(key, raw.get(key), key, required=key != "sources")
    head = raw.get("network") if isinstance(raw.get("network"), dict) else {}
    for key in ("name", "countries", "conventions", "display", "map", "outlet"):
        check(f"network.{key}", head.get(key), f"network.{key}")
    if isinstance(head.get("map"), dict):
        check("network.map.country_labels", head["map"].get("country_labels"), "network.map.country_labels")
    if isinstance(head.get("countries"), dict):
        for code, names in head["countries"].items():
            check("network.name", names, f"network.countries.{code}")
    for i, st in enumerate(raw.get("stations") if isinstance(raw.get("stations"), list) else []):
        if isinstance(st, dict):
            for key in ("name", "river", "short_name", "aliases", "downstream", "level_range", "stage_levels",
                        "total_volume", "useful_volume", "dead_volume"):
                check(f"station.{key}", st.get(key), f"stations[{i}] ({st.get('id')}).{key}")
            lr = st.get("level_range")
            if isinstance(lr, dict) and not all(isinstance(lr.get(k), (int, float)) and not isinstance(lr.get(k), bool)
                                                for k in ("min", "max")):
                problems.append(f"{file}: stations[{i}] ({st.get('id')}).level_range: min and max must be numbers "
                                "[m a.s.l.], e.g. {min: 837, max: 900}.")
    return problems


def load_network(path: str | Path | None = None) -> Network:
    """Read and validate the network file; all errors are reported at once."""
    file = Path(path) if path else default_network_path()
    raw = read_yaml(file, "network file", "pass an existing file with --network.")
    errors: list[str] = []
    if not isinstance(raw, dict) or "network" not in raw or "stations" not in raw:
        raise ConfigError(f"{file}: a network file needs the keys 'network' and 'stations'.")
    shapes = _shape_problems(raw, file)
    if shapes:
        raise ConfigError(f"{file}: the network file has {len(shapes)} key(s) of the wrong type:", details=shapes,
                          hint="give each key the shape shown.")
    head = raw["network"]
    countries = head.get("countries") or {}
    conv = head.get("conventions") or {}
    try:
        seasons = Seasons(int(conv.get("hydrological_year_start", 10)), tuple(conv.get("growing_season", (4, 9))))
    except (TypeError, ValueError) as exc:
        errors.append(f"{file}: network.conventions: {exc}")
        seasons = Seasons()
    sources = raw.get("sources", {}) or {}
    display = head.get("display") or {}
    volume_unit = display.get("volume_unit", "km3") if isinstance(display, dict) else "km3"
    if not isinstance(display, dict) or set(display) - {"volume_unit"}:
        errors.append(f"{file}: network.display: expected {{volume_unit: km3}} or {{volume_unit: Mm3}}.")
    elif volume_unit not in VOLUME_UNITS:
        errors.append(f"{file}: network.display.volume_unit: '{volume_unit}' is not one of {', '.join(VOLUME_UNITS)} "
                      "(km3, as BWO Syrdarya publishes; Mm3, million m3, as SIC ICWC tables do).")
        volume_unit = "km3"
    country_labels = {}
    for code, at in ((head.get("map") or {}).get("country_labels") or {}).items():
        where = f"{file}: network.map.country_labels.{code}"
        places = at if isinstance(at, list) and at and isinstance(at[0], list) else [at]
        if code not in countries:
            errors.append(f"{where}: '{code}' is not in network.countries.")
        elif not all(isinstance(p, list) and len(p) == 2 and all(isinstance(v, (int, float)) for v in p)
                     for p in places):
            errors.append(f"{where}: give [lon, lat] in degrees, or a list of them.")
        else:
            country_labels[code] = tuple((float(p[0]), float(p[1])) for p in places)
    stations: dict[str, Station] = {}
    for i, s in enumerate(raw["stations"] or []):
        where = f"{file}: stations[{i}]"
        if not isinstance(s, dict) or "id" not in s:
            errors.append(f"{where}: each station needs an 'id'.")
            continue
        where = f"{file}: stations[{i}] ({s['id']})"
        for key in s:
            if key not in _STATION_KEYS:
                close = get_close_matches(key, _STATION_KEYS, n=1)
                errors.append(f"{where}: unknown key '{key}'" + (f" (did you mean '{close[0]}'?)" if close else ""))
        missing = [k for k in ("kind", "name", "country", "river", "lat", "lon") if k not in s]
        if missing:
            errors.append(f"{where}: missing {', '.join(missing)}.")
            continue
        if not isinstance(s["id"], str) or not ID_PATTERN.fullmatch(s["id"]):
            errors.append(f"{where}.id: '{s['id']}' is not an id: use 1 to 64 lower-case letters, digits and _, "
                          "starting with a letter and not ending with _ (codes and other names go under aliases).")
            continue
        not_text = [k for k in ("kind", "country") if not isinstance(s[k], str)]
        not_names = [k for k in ("name", "river") if not isinstance(s[k], dict)]
        if not_text or not_names:
            errors += [f"{where}.{k}: expected text, got {type(s[k]).__name__}." for k in not_text]
            errors += [f"{where}.{k}: expected {_NAMES}." for k in not_names]
            continue
        bad = [k for k in ("lat", "lon") if isinstance(s[k], bool) or not isinstance(s[k], (int, float))]
        if bad:
            errors.append(f"{where}: {' and '.join(bad)} must be numbers [degrees], e.g. lat: 41.5.")
            continue
        if not (-90 <= s["lat"] <= 90 and -180 <= s["lon"] <= 180):
            errors.append(f"{where}: lat {s['lat']:g}, lon {s['lon']:g} is not a place on Earth: lat is within "
                          "[-90, 90] and lon within [-180, 180] degrees (are they swapped?).")
            continue
        if s["kind"] not in STATION_KINDS:
            errors.append(f"{where}.kind: '{s['kind']}' is not one of {', '.join(STATION_KINDS)}.")
        if s["country"] not in countries:
            errors.append(f"{where}.country: '{s['country']}' is not in network.countries.")
        if s["id"] in stations:
            errors.append(f"{where}: duplicate station id.")
        volumes = {}
        for key in ("total_volume", "useful_volume", "dead_volume"):
            v = s.get(key)
            if v is None:
                continue
            try:
                if not isinstance(v.get("unit"), str) or isinstance(v.get("value"), bool):
                    raise TypeError("the unit is text, e.g. unit: km3; the value a number")
                mm3 = float(v["value"]) * conversion_factor(v["unit"], "Mm3")
            except (KeyError, TypeError, ValueError) as exc:
                errors.append(f"{where}.{key}: needs value and a volume unit ({exc}).")
                continue
            if not isinstance(v.get("source"), str) or v.get("source") not in sources:
                errors.append(f"{where}.{key}.source: '{v.get('source')}' is not a key of 'sources'.")
            volumes[key] = Volume(mm3, v.get("source", ""), v.get("note", ""))
        lr = s.get("level_range")
        area = parse_area(s["area"], where, errors) if s.get("area") is not None else ()
        if s.get("qc") is not None and not isinstance(s.get("qc"), dict):
            errors.append(f"{where}.qc: expected a mapping variable -> check -> parameters or false, "
                          "e.g. {discharge: {flat_line: false}}.")
        stations[s["id"]] = Station(
            id=s["id"], kind=s["kind"], names=_texts(s["name"]), country=s["country"], river=_texts(s["river"]),
            lat=float(s["lat"]), lon=float(s["lon"]), downstream=s.get("downstream"),
            aliases=tuple(str(a) for a in s.get("aliases") or ()),
            level_range=(float(lr["min"]), float(lr["max"])) if lr else None,
            stage_levels=dict(s.get("stage_levels") or {}), short_names=_texts(s.get("short_name") or {}),
            qc=s.get("qc") if isinstance(s.get("qc"), dict) else {}, area=area, **volumes,
        )
    seen: dict[tuple[str, str], str] = {}
    for st in stations.values():
        for name in (st.id, *st.aliases):
            other = seen.setdefault((name.casefold(), st.kind), st.id)
            if other != st.id:
                errors.append(f"{file}: station {st.id}: the name '{name}' is also a name of {other}, a {st.kind} "
                              "too: a name in a data file must point to one station of each kind.")
    for st in stations.values():
        if st.downstream is not None and st.downstream not in stations:
            errors.append(f"{file}: station {st.id}: downstream '{st.downstream}' is not a station of the network.")
    errors += [f"{file}: stations {' -> '.join(loop)}: the downstream links run in a circle; water flows one way."
               for loop in _downstream_loops(stations)]
    utc_offset = parse_utc_offset(head.get("utc_offset"), f"{file}: network.utc_offset", errors)
    net_id = head.get("id", "network")
    if not isinstance(net_id, str) or not ID_PATTERN.fullmatch(net_id):
        errors.append(f"{file}: network.id: {net_id!r} is not an id: use 1 to 64 lower-case letters, digits and _, "
                      "starting with a letter and not ending with _ (it names the output files).")
    if errors:
        raise ConfigError(f"{file}: the network file has {len(errors)} problem(s):", details=errors,
                          hint="correct the keys named above.")
    return Network(id=net_id, names=_texts(head.get("name") or {}), countries=countries,
                   seasons=seasons, stations=stations, sources=sources, path=str(file),
                   outlet=dict(head.get("outlet") or {}), country_labels=country_labels, volume_unit=volume_unit,
                   flow_links=raw.get("flow_links") or {}, utc_offset=utc_offset)
