"""The indicator catalogue: YAML to frozen, validated dataclasses.

Every problem is collected and reported at once, each with ``file:key.path`` and, for an
unknown key or name, a "did you mean" suggestion.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path

import yaml

from .climatology import CATEGORIES, ClimateSettings, parse_reference
from .errors import ConfigError
from .methods import DEESCALATION_PERIODS, LEVELS, METHODS, OPERATORS
from .network import Network
from .resources import resource_path
from .units import conversion_factor, load_variables, unit_dimension

LANGUAGES_REQUIRED = ("en", "ru")
SEASON_NAMES = ("all", "gs", "ngs")


@dataclass(frozen=True)
class Agreement:
    documents: dict  # the document's name per language
    article: str | None
    date: str | None

    @property
    def document(self) -> str:
        return self.documents["en"]

    def name(self, lang: str) -> str:
        return self.documents.get(lang) or self.documents["en"]


@dataclass(frozen=True)
class Rule:
    id: str
    version: str
    titles: dict
    agreement: Agreement
    basis: dict  # where the thresholds come from, per language

    def title(self, lang: str) -> str:
        return self.titles.get(lang) or self.titles["en"]

    def basis_text(self, lang: str) -> str:
        return self.basis.get(lang) or self.basis.get("en", "")

    def as_json(self) -> dict:
        return {"id": self.id, "version": self.version, "agreement": {
            "document": self.agreement.document, "documents": dict(sorted(self.agreement.documents.items())),
            "article": self.agreement.article, "date": self.agreement.date}}


@dataclass(frozen=True)
class Threshold:
    """The value [indicator unit] from which ``level`` applies, compared with ``operator``."""

    level: str
    operator: str
    value: float
    unit: str


@dataclass(frozen=True)
class Indicator:
    id: str
    names: dict
    station: str
    variable: str
    method: str
    season: str | tuple[int, ...]
    rule: Rule
    unit: str | None = None  # unit of the thresholds and of the displayed value
    operator: str | None = None
    thresholds: tuple[Threshold, ...] = ()
    levels: tuple[tuple[str, str], ...] = ()  # category -> level, for status_category
    minus: str | None = None  # second variable, for difference
    key: bool = False
    # periods in a row below the effective level before it comes down (methods.alert_state),
    # when the indicator sets its own; None follows settings.deescalation_periods
    deescalation_periods: int | None = None

    def name(self, lang: str) -> str:
        return self.names.get(lang) or self.names["en"]

    def applies_in_month(self, month: int, network: Network) -> bool:
        if self.season == "all":
            return True
        if isinstance(self.season, tuple):
            return month in self.season
        in_gs = network.seasons.in_growing_season(month)
        return in_gs if self.season == "gs" else not in_gs

    @property
    def level_map(self) -> dict:
        return dict(self.levels)


@dataclass(frozen=True)
class Catalogue:
    id: str
    version: str
    status: str
    agreed: str | None
    parties: tuple[str, ...]
    titles: dict
    notices: dict
    settings: ClimateSettings
    rules: dict
    indicators: tuple[Indicator, ...]
    path: str
    deescalation_periods: int = DEESCALATION_PERIODS  # default of the indicators (settings)

    @property
    def is_sample(self) -> bool:
        return self.status == "sample"

    def as_json(self) -> dict:
        return {"id": self.id, "version": self.version, "agreed": self.agreed}

    def deescalation_for(self, ind: Indicator) -> int:
        """Periods in a row below its effective level before an indicator's level comes down."""
        return self.deescalation_periods if ind.deescalation_periods is None else ind.deescalation_periods


def default_catalogue_path() -> Path:
    return resource_path("indicators", "syrdarya.yaml")


_TOP_KEYS = ("catalogue", "settings", "rules", "indicators")
_HEAD_KEYS = ("id", "version", "status", "agreed", "parties", "title", "notice")
_SETTINGS_KEYS = ("reference_period", "min_coverage", "min_years", "category_edges", "deescalation_periods")
_RULE_KEYS = ("id", "version", "title", "agreement", "basis")
_AGREEMENT_KEYS = ("document", "article", "date")
_INDICATOR_KEYS = ("id", "name", "station", "variable", "method", "season", "unit", "operator",
                   "thresholds", "levels", "minus", "rule", "key", "deescalation_periods")


class _Collector:
    def __init__(self, file: Path):
        self.file = file
        self.errors: list[str] = []

    def add(self, key: str, message: str) -> None:
        self.errors.append(f"{self.file}:{key}: {message}")

    def keys(self, where: str, mapping: dict, allowed) -> None:
        for k in mapping:
            if k not in allowed:
                self.add(f"{where}.{k}" if where else k, f"unknown key '{k}'{_did_you_mean(k, allowed)}")

    def require(self, where: str, mapping: dict, names) -> bool:
        missing = [n for n in names if n not in mapping or mapping[n] is None]
        for n in missing:
            self.add(f"{where}.{n}", "required key is missing")
        return not missing


def _did_you_mean(word: str, choices) -> str:
    close = get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.5)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _names(c: _Collector, where: str, value) -> dict:
    if not isinstance(value, dict):
        c.add(where, "needs a name per language, e.g. {en: ..., ru: ...}")
        return {}
    for lang in LANGUAGES_REQUIRED:
        if not str(value.get(lang) or "").strip():
            c.add(f"{where}.{lang}", f"the {lang} text is missing")
    return {str(k): str(v) for k, v in value.items()}


def _parse_season(c: _Collector, where: str, value):
    if isinstance(value, str) and value in SEASON_NAMES:
        return value
    if isinstance(value, list) and value and all(isinstance(m, int) and 1 <= m <= 12 for m in value):
        return tuple(value)
    c.add(where, f"season '{value}' does not parse: use all, gs, ngs or a list of months 1-12")
    return "all"


def _date_text(value) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def load_catalogue(path: str | Path | None = None, network: Network | None = None) -> Catalogue:
    """Read and validate a catalogue file against the network and the variables."""
    file = Path(path) if path else default_catalogue_path()
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{file}: cannot read the catalogue ({exc.strerror}).",
                          hint="pass an existing file with --catalogue.") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{file}: not valid YAML: {exc}", hint="fix the YAML syntax at the line shown.") from exc
    if not isinstance(raw, dict):
        raise ConfigError(f"{file}: a catalogue is a mapping with keys {', '.join(_TOP_KEYS)}.")
    c = _Collector(file)
    variables = load_variables()
    c.keys("", raw, _TOP_KEYS)
    for k in _TOP_KEYS:
        if k not in raw:
            c.add(k, "required section is missing")
    head = raw.get("catalogue") or {}
    c.keys("catalogue", head, _HEAD_KEYS)
    c.require("catalogue", head, ("id", "version", "status", "title"))
    if head.get("status") not in (None, "sample", "agreed"):
        c.add("catalogue.status", f"'{head.get('status')}' must be 'sample' or 'agreed'")
    titles = _names(c, "catalogue.title", head.get("title"))
    notices = _names(c, "catalogue.notice", head["notice"]) if head.get("notice") else {}

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
        if r["id"] in rules:
            c.add(f"{where}.id", f"duplicate rule id '{r['id']}'")
        rules[str(r["id"])] = Rule(str(r["id"]), str(r["version"]), _names(c, f"{where}.title", r["title"]),
                                   Agreement(_names(c, f"{where}.agreement.document", ag.get("document")),
                                             None if ag.get("article") is None else str(ag["article"]),
                                             _date_text(ag.get("date"))),
                                   _names(c, f"{where}.basis", r["basis"]) if r.get("basis") else {})

    indicators = []
    seen: set[str] = set()
    for i, spec in enumerate(raw.get("indicators") or []):
        ind = _parse_indicator(c, f"indicators[{i}]", spec, rules, variables, network)
        if ind is None:
            continue
        if ind.id in seen:
            c.add(f"indicators[{i}].id", f"duplicate indicator id '{ind.id}'")
        seen.add(ind.id)
        indicators.append(ind)
    if not raw.get("indicators"):
        c.add("indicators", "the catalogue has no indicator")
    if c.errors:
        raise ConfigError(f"{file}: the catalogue has {len(c.errors)} problem(s):", details=c.errors,
                          hint="correct each key named above; `bulletin validate` checks the file again.")
    return Catalogue(id=str(head["id"]), version=str(head["version"]), status=str(head["status"]),
                     agreed=_date_text(head.get("agreed")), parties=tuple(head.get("parties") or ()),
                     titles=titles, notices=notices, settings=settings, rules=rules,
                     indicators=tuple(indicators), path=str(file), deescalation_periods=deescalation)


def _parse_deescalation(c: _Collector, where: str, value) -> int:
    """Periods in a row below the effective level before it comes down: a whole number >= 1."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        c.add(where, f"{value!r} must be a whole number of periods >= 1 (1 lowers a level at once)")
        return DEESCALATION_PERIODS
    return value


def _parse_settings(c: _Collector, s: dict) -> ClimateSettings:
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
            c.add(f"settings.min_coverage.{res}", f"unknown resolution{_did_you_mean(res, coverage)}")
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


def _parse_indicator(c: _Collector, where: str, spec, rules, variables, network) -> Indicator | None:
    if not isinstance(spec, dict):
        c.add(where, "each indicator is a mapping")
        return None
    c.keys(where, spec, _INDICATOR_KEYS)
    if "id" in spec:
        where = f"{where}({spec['id']})"
    if not c.require(where, spec, ("id", "name", "station", "variable", "method", "season", "rule")):
        return None
    method = spec["method"]
    if method not in METHODS:
        c.add(f"{where}.method", f"unknown method '{method}'{_did_you_mean(method, METHODS)}")
    variable = spec["variable"]
    if variable not in variables:
        c.add(f"{where}.variable", f"unknown variable '{variable}'{_did_you_mean(variable, variables)}")
    minus = spec.get("minus")
    if method == "difference":
        if minus not in variables:
            c.add(f"{where}.minus", f"a difference needs a second variable; '{minus}' is not one")
        elif variable in variables and variables[minus].dimension != variables[variable].dimension:
            c.add(f"{where}.minus", f"'{minus}' and '{variable}' measure different things")
    elif minus is not None:
        c.add(f"{where}.minus", "only the difference method takes 'minus'")
    station = spec["station"]
    if network is not None and station not in network:
        c.add(f"{where}.station", f"'{station}' is not a station of the network{network.suggest(station)}")
    if method == "reservoir_fill":
        _check_reservoir_fill(c, where, station, variable, network)
    rule = rules.get(spec["rule"])
    if rule is None:
        c.add(f"{where}.rule", f"unknown rule '{spec['rule']}'{_did_you_mean(spec['rule'], rules)}")
    season = _parse_season(c, f"{where}.season", spec["season"])
    thresholds: tuple[Threshold, ...] = ()
    levels: tuple = ()
    unit = spec.get("unit")
    operator = spec.get("operator")
    if method == "status_category":
        mapping = spec.get("levels")
        if not isinstance(mapping, dict) or set(mapping) != set(CATEGORIES):
            c.add(f"{where}.levels", f"map each category ({', '.join(CATEGORIES)}) to a level")
        else:
            for cat, lev in mapping.items():
                if lev not in LEVELS:
                    c.add(f"{where}.levels.{cat}", f"'{lev}' is not a level{_did_you_mean(lev, LEVELS)}")
            levels = tuple((cat, mapping[cat]) for cat in CATEGORIES)
        for k in ("thresholds", "operator"):
            if k in spec:
                c.add(f"{where}.{k}", "a status_category indicator takes 'levels', not thresholds")
    elif method in METHODS:
        thresholds = _parse_thresholds(c, where, spec, method, variable, variables)
    return Indicator(id=str(spec["id"]), names=_names(c, f"{where}.name", spec["name"]), station=str(station),
                     variable=str(variable), method=str(method), season=season,
                     rule=rule or Rule("?", "?", {}, Agreement({"en": ""}, None, None), {}), unit=unit,
                     operator=operator, thresholds=thresholds, levels=levels, minus=minus,
                     key=bool(spec.get("key", False)),
                     deescalation_periods=None if spec.get("deescalation_periods") is None else
                     _parse_deescalation(c, f"{where}.deescalation_periods", spec["deescalation_periods"]))


def _check_reservoir_fill(c: _Collector, where: str, station, variable, network) -> None:
    """A reservoir_fill indicator reads the volume of a reservoir whose dead and total volumes are known."""
    if variable != "volume":
        c.add(f"{where}.variable", f"a reservoir_fill indicator reads the variable 'volume', not '{variable}'")
    if network is None or station not in network:
        return
    st = network[station]
    if st.kind != "reservoir":
        c.add(f"{where}.station", f"'{station}' is a {st.kind}; a reservoir_fill indicator needs a reservoir")
        return
    missing = [k for k in ("dead_volume", "total_volume") if getattr(st, k) is None]
    if missing:
        c.add(f"{where}.station", f"reservoir '{station}' has no {' and no '.join(missing)} in the network file "
                                  f"({network.path}); add them (value, unit, source) to compute its fill")
    elif st.total_volume.value <= st.dead_volume.value:
        c.add(f"{where}.station", f"reservoir '{station}': total volume {st.total_volume.value:g} Mm3 is not above "
                                  f"the dead volume {st.dead_volume.value:g} Mm3 in the network file")


def _parse_thresholds(c: _Collector, where, spec, method, variable, variables) -> tuple[Threshold, ...]:
    unit, operator, raw = spec.get("unit"), spec.get("operator"), spec.get("thresholds")
    if operator not in OPERATORS:
        c.add(f"{where}.operator", f"'{operator}' must be one of {' '.join(OPERATORS)}")
        return ()
    if method in ("percent_of_norm", "reservoir_fill"):
        if unit != "%":
            c.add(f"{where}.unit", f"a {method} indicator has unit '%'")
    elif unit is None or unit_dimension(str(unit)) is None:
        c.add(f"{where}.unit", f"unit '{unit}' is not a known unit")
        return ()
    elif variable in variables and unit_dimension(str(unit)) != variables[variable].dimension:
        c.add(f"{where}.unit", f"unit '{unit}' does not fit {variable} (measured in {variables[variable].unit})")
        return ()
    if not isinstance(raw, dict) or not raw:
        c.add(f"{where}.thresholds", "give at least one of watch, warning, alert with its value")
        return ()
    out = []
    for level, value in raw.items():
        if level not in LEVELS[1:4]:
            c.add(f"{where}.thresholds.{level}", f"'{level}' is not watch, warning or alert{_did_you_mean(level, LEVELS[1:4])}")
        elif not isinstance(value, (int, float)) or isinstance(value, bool):
            c.add(f"{where}.thresholds.{level}", f"{value!r} is not a number")
        else:
            out.append(Threshold(level, operator, float(value), str(unit)))
    out.sort(key=lambda t: LEVELS.index(t.level))
    values = [t.value for t in out]
    rising = operator in (">", ">=")
    if any((b <= a) if rising else (b >= a) for a, b in zip(values, values[1:], strict=False)):
        order = "increase" if rising else "decrease"
        c.add(f"{where}.thresholds", f"with operator '{operator}' the values must {order} from watch to alert: {values}")
    return tuple(out)


def threshold_in_canonical(t: Threshold, canonical_unit: str) -> float:
    """A threshold value converted to the canonical unit of its variable."""
    return t.value * conversion_factor(t.unit, canonical_unit)
