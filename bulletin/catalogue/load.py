"""Reading the indicator catalogue: YAML to frozen, validated dataclasses (:mod:`.model`).

Every problem is collected and reported at once, each with ``file:key.path`` and, for an
unknown key or name, a "did you mean" suggestion. The keys common to every indicator are
checked here; each method checks its own (:meth:`~bulletin.methods.Method.parse`).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from ..climatology import ClimateSettings, parse_reference
from ..config import Collector, did_you_mean, names, parse_date
from ..errors import ConfigError
from ..files import read_yaml
from ..methods import DEESCALATION_PERIODS, METHODS, OPERATORS, ParseContext
from ..methods.registry import method_keys
from ..network import KIND_VARIABLES, Network
from ..periods import Seasons
from ..resources import resource_path
from ..units import load_variables, unit_dimension
from .issuer import parse_instructions, parse_issuer
from .model import Agreement, Catalogue, Indicator, Rule
from .thresholds import parse_thresholds

SEASON_NAMES = ("all", "gs", "ngs")
_TOP_KEYS = ("catalogue", "settings", "rules", "indicators", "issuer")
_REQUIRED_SECTIONS = ("catalogue", "settings", "rules", "indicators")
ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
"""An id of the catalogue, a rule or an indicator: it names files and links (CAP messages, anchors)."""
VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}")


_NAMES = {"id": (ID, "an id", "'-' and '_'"), "version": (VERSION, "a version", "'-', '_', '.' and '+'")}


def _check_name(c, where: str, value, kind: str = "id") -> None:
    """Report ``value`` unless it is a short plain name of ``kind`` (:data:`_NAMES`: id or version)."""
    pattern, what, allowed = _NAMES[kind]
    if value is not None and not pattern.fullmatch(str(value)):
        shown = repr(str(value)[:80]) + ("..." if len(str(value)) > 80 else "")
        c.add(where, f"{shown} is not {what}: use 1 to 64 letters, digits, {allowed}, starting with a letter or digit")


_HEAD_KEYS = ("id", "version", "status", "agreed", "parties", "title", "notice", "levels_basis")
_SETTINGS_KEYS = ("reference_period", "min_coverage", "min_years", "category_edges", "deescalation_periods")
_RULE_KEYS = ("id", "version", "title", "agreement", "basis", "instructions")
_AGREEMENT_KEYS = ("document", "article", "date")
_INDICATOR_KEYS = ("id", "name", "station", "variable", "method", "season", "unit", "display_unit", "operator",
                   "thresholds", "thresholds_by_period", "relative_to", "rule", "key", "deescalation_periods",
                   "valid_from", "valid_to", "instructions")
_THRESHOLD_KEYS = ("thresholds", "thresholds_by_period", "relative_to", "operator")


def default_catalogue_path() -> Path:
    """The packaged sample catalogue (``indicators/syrdarya.yaml``)."""
    return resource_path("indicators", "syrdarya.yaml")


def _parse_season(c: Collector, where: str, value):
    if isinstance(value, str) and value in SEASON_NAMES:
        return value
    if isinstance(value, list) and value and all(isinstance(m, int) and 1 <= m <= 12 for m in value):
        return tuple(value)
    c.add(where, f"season '{value}' does not parse: use all, gs, ngs or a list of months 1-12")
    return "all"


def _parse_parties(c: Collector, value, network: Network | None) -> tuple[str, ...]:
    """The parties of the catalogue: a list of country codes of the network (when one is given)."""
    if value is None:
        return ()
    if not isinstance(value, list):
        c.add("catalogue.parties", f"{value!r} must be a list of country codes, e.g. [KG, TJ, UZ, KZ]")
        return ()
    countries = tuple(network.countries) if network is not None else None
    out: list[str] = []
    for j, party in enumerate(value):
        code = str(party)
        if countries is not None and code not in countries:
            c.add(f"catalogue.parties[{j}]", f"'{code}' is not a country of the network ({', '.join(countries)})"
                                             f"{did_you_mean(code, countries)}")
        elif code in out:
            c.add(f"catalogue.parties[{j}]", f"'{code}' is listed twice; name each party once")
        else:
            out.append(code)
    return tuple(out)


_SCALAR = (str, int, float)
# (section, key) -> the types it may have and an example; checked before anything is read from the file
_SHAPES = {
    ("", "catalogue"): (dict, "the catalogue's id, version, status and title"),
    ("", "settings"): (dict, "e.g. {reference_period: 1991-2020, min_years: 10}"),
    ("", "rules"): (list, "a list of rules, each a mapping with id, version, title and agreement"),
    ("", "indicators"): (list, "a list of indicators, each a mapping with id, name, station, ..."),
    ("settings", "min_coverage"): (dict, "e.g. {dekad: 0.7, month: 0.5}"),
    ("rule", "id"): (_SCALAR, "an id, e.g. icwc-winter-release"),
    ("rule", "version"): (_SCALAR, "e.g. '1.0'"),
    ("rule", "agreement"): (dict, "e.g. {document: {en: ..., ru: ...}, article: '3', date: 2025-04-01}"),
    **{("indicator", k): (_SCALAR, f"one {k}, e.g. {e}") for k, e in (
        ("id", "toktogul-volume"), ("station", "toktogul"), ("variable", "volume"), ("method", "a method of the registry"),
        ("rule", "the id of a rule"), ("operator", "'<'"), ("unit", "km3"), ("relative_to", "norm"))},
}


def _shape_problems(raw: dict, file: Path) -> list[str]:
    """Every key of the catalogue whose value has the wrong type (a list where one id belongs...)."""
    problems = []

    def check(section: str, owner: dict, key: str, where: str) -> None:
        types, example = _SHAPES[(section, key)]
        value = owner.get(key)
        if value is not None and (not isinstance(value, types) or isinstance(value, bool)):
            problems.append(f"{file}:{where}: expected {example}, got {type(value).__name__}.")

    for key in ("catalogue", "settings", "rules", "indicators"):
        check("", raw, key, key)
    if isinstance(raw.get("settings"), dict):
        check("settings", raw["settings"], "min_coverage", "settings.min_coverage")
    for section, items in (("rule", raw.get("rules")), ("indicator", raw.get("indicators"))):
        for i, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, dict):
                for (kind, key) in _SHAPES:
                    if kind == section:
                        check(section, item, key, f"{section}s[{i}].{key}")
    return problems


def load_catalogue(path: str | Path | None = None, network: Network | None = None) -> Catalogue:
    """Read and validate a catalogue file against the network and the variables."""
    file = Path(path) if path else default_catalogue_path()
    raw = read_yaml(file, "catalogue", "pass an existing file with --catalogue.", dates_as_text=True)
    if not isinstance(raw, dict):
        raise ConfigError(f"{file}: a catalogue is a mapping with keys {', '.join(_TOP_KEYS)}.")
    shapes = _shape_problems(raw, file)
    if shapes:
        raise ConfigError(f"{file}: the catalogue has {len(shapes)} key(s) of the wrong type:", details=shapes,
                          hint="give each key the shape shown.")
    c = Collector(file)
    variables = load_variables()
    seasons = network.seasons if network is not None else Seasons()
    c.keys("", raw, _TOP_KEYS)
    for k in _REQUIRED_SECTIONS:
        if k not in raw:
            c.add(k, "required section is missing")
    head = raw.get("catalogue") or {}
    c.keys("catalogue", head, _HEAD_KEYS)
    c.require("catalogue", head, ("id", "version", "status", "title"))
    _check_name(c, "catalogue.id", head.get("id"))
    _check_name(c, "catalogue.version", head.get("version"), "version")
    if head.get("status") not in (None, "sample", "agreed"):
        c.add("catalogue.status", f"'{head.get('status')}' must be 'sample' or 'agreed'")
    titles = names(c, "catalogue.title", head.get("title"))
    notices = names(c, "catalogue.notice", head["notice"]) if head.get("notice") else {}
    levels_basis = (names(c, "catalogue.levels_basis", head["levels_basis"])
                    if head.get("levels_basis") is not None else {})
    agreed = parse_date(c, "catalogue.agreed", head.get("agreed"))
    parties = _parse_parties(c, head.get("parties"), network)
    issuer = parse_issuer(c, raw.get("issuer"))

    settings = _parse_settings(c, raw.get("settings") or {})
    deescalation = _parse_deescalation(c, "settings.deescalation_periods",
                                       (raw.get("settings") or {}).get("deescalation_periods", DEESCALATION_PERIODS))

    rules: dict[str, Rule] = {}
    for i, r in enumerate(raw.get("rules") or []):
        where = f"rules[{i}]"
        if not isinstance(r, dict):
            c.add(where, "each rule is a mapping")
            continue
        c.keys(where, r, _RULE_KEYS)
        if not c.require(where, r, ("id", "version", "title", "agreement")):
            continue
        ag = r["agreement"] if isinstance(r["agreement"], dict) else {}
        c.keys(f"{where}.agreement", ag, _AGREEMENT_KEYS)
        _check_name(c, f"{where}.id", r["id"])
        _check_name(c, f"{where}.version", r["version"], "version")
        if r["id"] in rules:
            c.add(f"{where}.id", f"duplicate rule id '{r['id']}'")
        rules[str(r["id"])] = Rule(str(r["id"]), str(r["version"]), names(c, f"{where}.title", r["title"]),
                                   Agreement(names(c, f"{where}.agreement.document", ag.get("document")),
                                             None if ag.get("article") is None else str(ag["article"]),
                                             parse_date(c, f"{where}.agreement.date", ag.get("date"))),
                                   names(c, f"{where}.basis", r["basis"]) if r.get("basis") else {},
                                   parse_instructions(c, f"{where}.instructions", r.get("instructions")))

    indicators = []
    dated: list[tuple[str, Indicator]] = []  # (key path, indicator) of those whose validity parsed
    seen: set[str] = set()
    for i, spec in enumerate(raw.get("indicators") or []):
        ind = _parse_indicator(c, f"indicators[{i}]", spec, rules, variables, network, seasons)
        if ind is None:
            continue
        if ind.id in seen:
            c.add(f"indicators[{i}].id", f"duplicate indicator id '{ind.id}'")
        seen.add(ind.id)
        indicators.append(ind)
        if ((spec.get("valid_from") is None or ind.valid_from) and (spec.get("valid_to") is None or ind.valid_to)
                and not (ind.valid_from and ind.valid_to and ind.valid_to < ind.valid_from)):
            dated.append((f"indicators[{i}]({ind.id})", ind))
    _check_overlaps(c, dated, seasons)
    if not raw.get("indicators"):
        c.add("indicators", "the catalogue has no indicator")
    if c.errors:
        raise ConfigError(f"{file}: the catalogue has {len(c.errors)} problem(s):", details=c.errors,
                          hint="correct each key named above; `bulletin validate` checks the file again.")
    return Catalogue(id=str(head["id"]), version=str(head["version"]), status=str(head["status"]),
                     agreed=agreed, parties=parties,
                     titles=titles, notices=notices, settings=settings, rules=rules,
                     indicators=tuple(indicators), path=str(file), deescalation_periods=deescalation,
                     issuer=issuer, levels_basis=levels_basis)


def _parse_deescalation(c: Collector, where: str, value) -> int:
    """Periods in a row below the effective level before it comes down: a whole number >= 1."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        c.add(where, f"{value!r} must be a whole number of periods >= 1 (1 lowers a level at once)")
        return DEESCALATION_PERIODS
    return value


def _parse_settings(c: Collector, s: dict) -> ClimateSettings:
    c.keys("settings", s, _SETTINGS_KEYS)
    defaults = ClimateSettings()
    reference = defaults.reference
    if "reference_period" in s:
        try:
            reference = parse_reference(str(s["reference_period"]))
        except ValueError as exc:
            c.add("settings.reference_period", str(exc))
    coverage = dict(defaults.min_coverage)
    for res, v in (s.get("min_coverage") or {}).items():
        if res not in coverage:
            c.add(f"settings.min_coverage.{res}", f"unknown resolution{did_you_mean(res, coverage)}")
        elif not isinstance(v, (int, float)) or not 0 < v <= 1:
            c.add(f"settings.min_coverage.{res}", f"{v!r} must be a share of days, 0 < x <= 1")
        else:
            coverage[res] = float(v)
    min_years = s.get("min_years", defaults.min_years)
    if not isinstance(min_years, int) or min_years < 1:
        c.add("settings.min_years", f"{min_years!r} must be a positive whole number")
        min_years = defaults.min_years
    edges = s.get("category_edges", list(defaults.category_edges))
    if (not isinstance(edges, list) or len(edges) != 4 or not all(isinstance(e, (int, float)) for e in edges)
            or not all(0 < a < b < 100 for a, b in zip(edges, edges[1:] + [99.999], strict=True))):
        c.add("settings.category_edges", f"{edges!r} must be four increasing percentiles between 0 and 100")
        edges = list(defaults.category_edges)
    return ClimateSettings(reference, tuple(coverage.items()), min_years, tuple(float(e) for e in edges))


def _parse_indicator(c: Collector, where: str, spec, rules, variables, network, seasons: Seasons) -> Indicator | None:
    """One indicator: the common keys here, the method's own keys by the method; None when it cannot be built."""
    if not isinstance(spec, dict):
        c.add(where, "each indicator is a mapping")
        return None
    owners = method_keys()
    c.keys(where, spec, _INDICATOR_KEYS + tuple(owners))
    if "id" in spec:
        where = f"{where}({spec['id']})"
    if not c.require(where, spec, ("id", "name", "station", "variable", "method", "season", "rule")):
        return None
    _check_name(c, f"{where}.id", spec["id"])
    name = spec["method"]
    method = METHODS.get(name)
    if method is None:
        c.add(f"{where}.method", f"unknown method '{name}'{did_you_mean(name, METHODS)}")
    variable = spec["variable"]
    if variable not in variables:
        c.add(f"{where}.variable", f"unknown variable '{variable}'{did_you_mean(variable, variables)}")
    station = spec["station"]
    if network is not None and station not in network:
        c.add(f"{where}.station", f"'{station}' is not a station of the network{network.suggest(station)}")
    elif network is not None and variable in variables and not network.takes(station, variable):
        kind = network[station].kind
        c.add(f"{where}.variable", f"{station} is a {kind}, which reports no {variable} (a {kind} reports "
              f"{', '.join(KIND_VARIABLES[kind])}); correct the variable, or the kind of the station in the network")
    for key, owner in owners.items():
        if key in spec and owner != name:
            c.add(f"{where}.{key}", f"only the {owner} method takes '{key}'")
    params = None
    if method is not None:
        params = method.parse(c, where, spec, ParseContext(str(station), str(variable), variables, network, seasons))
    rule = rules.get(spec["rule"])
    if rule is None:
        c.add(f"{where}.rule", f"unknown rule '{spec['rule']}'{did_you_mean(spec['rule'], rules)}")
    season = _parse_season(c, f"{where}.season", spec["season"])
    valid_from = parse_date(c, f"{where}.valid_from", spec.get("valid_from"))
    valid_to = parse_date(c, f"{where}.valid_to", spec.get("valid_to"))
    if valid_from and valid_to and valid_to < valid_from:
        c.add(f"{where}.valid_to", f"{valid_to} is before valid_from {valid_from}")
    thresholds, threshold_by, threshold_table, relative_to = (), None, (), None
    if method is not None and not method.uses_thresholds:
        takes = ", ".join(f"'{k}'" for k in method.keys)
        for k in _THRESHOLD_KEYS:
            if k in spec:
                c.add(f"{where}.{k}", f"a {method.name} indicator takes {takes}, not thresholds")
    elif method is not None:
        thresholds, threshold_by, threshold_table, relative_to = parse_thresholds(
            c, where, spec, method, variable, variables)
    names_ = names(c, f"{where}.name", spec["name"])
    display_unit = _display_unit(c, where, spec, variables)
    deescalation = (None if spec.get("deescalation_periods") is None else
                    _parse_deescalation(c, f"{where}.deescalation_periods", spec["deescalation_periods"]))
    instructions = parse_instructions(c, f"{where}.instructions", spec.get("instructions"))
    if method is None:
        return None
    return Indicator(id=str(spec["id"]), names=names_, station=str(station), variable=str(variable), method=method,
                     season=season, rule=rule or Rule("?", "?", {}, Agreement({"en": ""}, None, None), {}),
                     unit=spec.get("unit"), operator=spec.get("operator") if method.uses_thresholds else None,
                     thresholds=thresholds, key=bool(spec.get("key", False)), display_unit=display_unit,
                     deescalation_periods=deescalation, valid_from=valid_from, valid_to=valid_to, threshold_by=threshold_by,
                     threshold_table=threshold_table, relative_to=relative_to, params=params,
                     instructions=instructions)


def _validity(start: str | None, end: str | None) -> str:
    if start and end:
        return f"from {start} to {end}" if start != end else f"on {start}"
    if start:
        return f"from {start} on, with no end"
    if end:
        return f"until {end}, with no start"
    return "at all times (no valid_from, no valid_to)"


def _season_months(season, seasons: Seasons) -> frozenset[int]:
    """The months a season (all, gs, ngs or a list of months) covers: all and [1, ..., 12] are the same season."""
    if isinstance(season, tuple):
        return frozenset(season)
    return frozenset(m for m in range(1, 13)
                     if season == "all" or seasons.in_growing_season(m) == (season == "gs"))


def _same_way(ind: Indicator, seasons: Seasons) -> tuple:
    """What makes two indicators apply to the same series in the same way.

    Station, series, method and season (the months it covers); and, so that a low and a high threshold
    on one series or two different comparisons are not taken for two versions, the direction of the
    operator, relative_to and what the method itself says (:meth:`~bulletin.methods.Method.overlap_key`).
    """
    rising = None if ind.operator not in OPERATORS else ind.operator in (">", ">=")
    return (ind.station, ind.series, ind.method.name, _season_months(ind.season, seasons), rising,
            ind.relative_to, ind.method.overlap_key(ind))


def _check_overlaps(c: Collector, dated: list[tuple[str, Indicator]], seasons: Seasons) -> None:
    """Two indicators that apply to the same series in the same way must not be valid at the same time.

    A new version of a threshold is a new indicator whose valid_from is the day after the old one's
    valid_to.
    """
    for j, (where_b, b) in enumerate(dated):
        for where_a, a in dated[:j]:
            if _same_way(a, seasons) != _same_way(b, seasons):
                continue
            start = max(a.valid_from or "", b.valid_from or "") or None
            end = min(a.valid_to or "9999-12-31", b.valid_to or "9999-12-31")
            end = None if end == "9999-12-31" else end
            if start and end and end < start:
                continue
            season = f"months {', '.join(map(str, b.season))}" if isinstance(b.season, tuple) else f"season {b.season}"
            what = f"station {b.station}, variable {' minus '.join(b.series)}, method {b.method.name}, {season}"
            # the one that starts later is the new version; the old one ends the day before it starts
            old, new = (a, b) if (a.valid_from or "") <= (b.valid_from or "") else (b, a)
            if new.valid_from and (old.valid_from or "") < new.valid_from:
                day_before = (dt.date.fromisoformat(new.valid_from) - dt.timedelta(days=1)).isoformat()
                fix = (f"if '{new.id}' is a new version of '{old.id}', end '{old.id}' the day before: "
                       f"valid_to: {day_before}")
            else:
                fix = ("give them validity periods that do not overlap (a new version's valid_from is the day "
                       "after the old one's valid_to), or remove one of them")
            c.add(where_b, f"'{b.id}' and '{a.id}' ({where_a}) apply to the same series in the same way "
                           f"({what}) and are both valid {_validity(start, end)}; {fix}")


def _display_unit(c: Collector, where: str, spec: dict, variables) -> str | None:
    """The unit the value is shown in (``display_unit``), when it fits the variable."""
    unit = spec.get("display_unit")
    if unit is None:
        return None
    variable = spec.get("variable")
    if variable in variables and unit_dimension(str(unit)) != variables[variable].dimension:
        c.add(f"{where}.display_unit", f"unit '{unit}' does not fit {variable} (measured in {variables[variable].unit})")
        return None
    return str(unit)
