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
from .errors import ConfigError, UsageError
from .methods import DEESCALATION_PERIODS, LEVELS, METHODS, OPERATORS, level_rank
from .network import Network
from .periods import PERIODS_PER_YEAR, RESOLUTIONS, Seasons, parse_period
from .render.i18n import localized
from .resources import resource_path
from .units import conversion_factor, load_variables, unit_dimension

LANGUAGES_REQUIRED = ("en", "ru")
SEASON_NAMES = ("all", "gs", "ngs")
THRESHOLD_SEASONS = ("gs", "ngs")  # keys of seasonal thresholds
RELATIVE_TO = {"norm": "%", "percentile": "percentile"}  # relative_to -> unit of the threshold values
CHANGE_AGAINST = ("previous", "last_year")
PROJECTIONS = ("rate", "pace")  # how a withdrawal_limit indicator projects the season's use  # what a change indicator compares the period with


@dataclass(frozen=True)
class Agreement:
    documents: dict  # the document's name per language
    article: str | None
    date: str | None

    @property
    def document(self) -> str:
        return self.documents["en"]

    def name(self, lang: str) -> str:
        return localized(self.documents, lang)


@dataclass(frozen=True)
class Rule:
    id: str
    version: str
    titles: dict
    agreement: Agreement
    basis: dict  # where the thresholds come from, per language

    def title(self, lang: str) -> str:
        return localized(self.titles, lang)

    def basis_text(self, lang: str) -> str:
        return localized(self.basis, lang)

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
class Limit:
    """A seasonal withdrawal limit: ``value`` [Mm3], and the value and unit as the catalogue gives them."""

    value: float
    given: float
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
    display_unit: str | None = None  # unit the value is shown in, when not the thresholds' unit

    def value_unit(self, canonical: str) -> str:
        """Unit the measured value is shown in: display_unit, else the thresholds' unit for absolute
        methods, else the variable's canonical unit."""
        if self.display_unit:
            return self.display_unit
        if self.method in ("threshold", "difference", "change") and self.unit and self.unit != "%":
            return self.unit
        return canonical
    # periods in a row below the effective level before it comes down (methods.alert_state),
    # when the indicator sets its own; None follows settings.deescalation_periods
    deescalation_periods: int | None = None
    valid_from: str | None = None  # ISO date, inclusive; None: no start
    valid_to: str | None = None  # ISO date, inclusive; None: no end
    # thresholds that vary: None (the same all year, ``thresholds``), "season" (keys gs, ngs),
    # "dekad" or "month" (keys 1-36 or 1-12: the period of the year); ``threshold_table``
    # holds ((key, thresholds), ...) in key order
    threshold_by: str | None = None
    threshold_table: tuple = ()
    relative_to: str | None = None  # None | "norm" (% of the norm) | "percentile" (of the reference)
    # schedule method: the CSV files as the catalogue names them (relative to it), and the plan
    # read from them: ((period label, planned value [canonical unit]), ...)
    schedule_files: tuple[str, ...] = ()
    schedule: tuple = ()
    # withdrawal_limit method: the seasonal limits, ((season label, Limit), ...) in season order
    limits: tuple = ()
    projection: str = "rate"  # withdrawal_limit: "rate" (of the period) or "pace" (of the season against the norms)
    # change method: "previous" (the period before) or "last_year" (the same period last year)
    against: str | None = None

    def limit_for(self, season_label: str) -> Limit | None:
        """The withdrawal limit of a season (label such as ``2026/27-ngs``), or None."""
        return dict(self.limits).get(season_label)

    def planned_for(self, period) -> float | None:
        """The planned value [canonical unit] of ``period`` in the indicator's schedule, or None."""
        return dict(self.schedule).get(period.label)

    def name(self, lang: str) -> str:
        return localized(self.names, lang)

    def valid_on(self, day: dt.date) -> bool:
        """Whether ``day`` lies within the indicator's validity (both ends inclusive)."""
        text = day.isoformat()
        return (self.valid_from is None or self.valid_from <= text) and (self.valid_to is None or text <= self.valid_to)

    def thresholds_for(self, period, network: Network | None = None) -> tuple[Threshold, ...]:
        """The thresholds that apply in ``period`` (a :class:`~bulletin.periods.Period`).

        Seasonal thresholds follow the season of the period's first month; a dekad or month
        table is read at the dekad or month that contains the period's last day (a monthly
        bulletin with a dekad table takes the month's third dekad).
        """
        if self.threshold_by is None:
            return self.thresholds
        table = dict(self.threshold_table)
        if self.threshold_by == "season":
            seasons = network.seasons if network is not None else None
            in_gs = seasons.in_growing_season(period.start.month) if seasons else 4 <= period.start.month <= 9
            return table["gs" if in_gs else "ngs"]
        from .periods import Period

        return table[Period.containing(self.threshold_by, period.end).period_of_year]

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

    def title(self, lang: str) -> str:
        return localized(self.titles, lang)

    def notice(self, lang: str) -> str:
        """The catalogue's notice in ``lang`` (with the fallback of :func:`localized`); '' when it has none."""
        return localized(self.notices, lang)

    def as_json(self) -> dict:
        return {"id": self.id, "version": self.version, "agreed": self.agreed}

    def deescalation_for(self, ind: Indicator) -> int:
        """Periods in a row below its effective level before an indicator's level comes down."""
        return self.deescalation_periods if ind.deescalation_periods is None else ind.deescalation_periods


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text, so that a date such as 2026-02-30 is reported with its
    key path by the catalogue checks instead of failing inside the YAML parser."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def default_catalogue_path() -> Path:
    return resource_path("indicators", "syrdarya.yaml")


_TOP_KEYS = ("catalogue", "settings", "rules", "indicators")
_HEAD_KEYS = ("id", "version", "status", "agreed", "parties", "title", "notice")
_SETTINGS_KEYS = ("reference_period", "min_coverage", "min_years", "category_edges", "deescalation_periods")
_RULE_KEYS = ("id", "version", "title", "agreement", "basis")
_AGREEMENT_KEYS = ("document", "article", "date")
_INDICATOR_KEYS = ("id", "name", "station", "variable", "method", "season", "unit", "display_unit", "operator",
                   "thresholds", "thresholds_by_period", "relative_to", "levels", "minus", "rule", "key",
                   "deescalation_periods", "valid_from", "valid_to", "schedule", "limits", "projection", "against")


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


def _parse_parties(c: _Collector, value, network: Network | None) -> tuple[str, ...]:
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
                                             f"{_did_you_mean(code, countries)}")
        elif code in out:
            c.add(f"catalogue.parties[{j}]", f"'{code}' is listed twice; name each party once")
        else:
            out.append(code)
    return tuple(out)


def load_catalogue(path: str | Path | None = None, network: Network | None = None) -> Catalogue:
    """Read and validate a catalogue file against the network and the variables."""
    file = Path(path) if path else default_catalogue_path()
    try:
        raw = yaml.load(file.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 (a SafeLoader)
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
    agreed = _parse_date(c, "catalogue.agreed", head.get("agreed"))
    parties = _parse_parties(c, head.get("parties"), network)

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
                                             _parse_date(c, f"{where}.agreement.date", ag.get("date"))),
                                   _names(c, f"{where}.basis", r["basis"]) if r.get("basis") else {})

    indicators = []
    dated: list[tuple[str, Indicator]] = []  # (key path, indicator) of those whose validity parsed
    seen: set[str] = set()
    for i, spec in enumerate(raw.get("indicators") or []):
        ind = _parse_indicator(c, f"indicators[{i}]", spec, rules, variables, network)
        if ind is None:
            continue
        if ind.id in seen:
            c.add(f"indicators[{i}].id", f"duplicate indicator id '{ind.id}'")
        seen.add(ind.id)
        indicators.append(ind)
        if ((spec.get("valid_from") is None or ind.valid_from) and (spec.get("valid_to") is None or ind.valid_to)
                and not (ind.valid_from and ind.valid_to and ind.valid_to < ind.valid_from)):
            dated.append((f"indicators[{i}]({ind.id})", ind))
    _check_overlaps(c, dated, network.seasons if network is not None else Seasons())
    if not raw.get("indicators"):
        c.add("indicators", "the catalogue has no indicator")
    if c.errors:
        raise ConfigError(f"{file}: the catalogue has {len(c.errors)} problem(s):", details=c.errors,
                          hint="correct each key named above; `bulletin validate` checks the file again.")
    return Catalogue(id=str(head["id"]), version=str(head["version"]), status=str(head["status"]),
                     agreed=agreed, parties=parties,
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
    if method in ("reservoir_fill", "days_of_release_left", "margin_above_dead"):
        _check_reservoir_fill(c, where, station, variable, network, method)
    schedule_files, schedule = (), ()
    if method == "schedule" or "schedule" in spec:
        schedule_files, schedule = _parse_schedule(c, where, spec, method, station, variable, variables)
    limits = _parse_limits(c, where, spec, method, variable, network)
    projection = spec.get("projection", "rate")
    if "projection" in spec and method != "withdrawal_limit":
        c.add(f"{where}.projection", "only the withdrawal_limit method takes 'projection'")
    elif projection not in PROJECTIONS:
        c.add(f"{where}.projection", f"'{projection}' must be rate (the rate of the period goes on) or pace (the "
                                     f"season keeps its pace against the norms){_did_you_mean(str(projection), PROJECTIONS)}")
        projection = "rate"
    against = _parse_against(c, where, spec, method)
    rule = rules.get(spec["rule"])
    if rule is None:
        c.add(f"{where}.rule", f"unknown rule '{spec['rule']}'{_did_you_mean(spec['rule'], rules)}")
    season = _parse_season(c, f"{where}.season", spec["season"])
    thresholds: tuple[Threshold, ...] = ()
    threshold_by, threshold_table, relative_to = None, (), None
    levels: tuple = ()
    unit = spec.get("unit")
    valid_from = _parse_date(c, f"{where}.valid_from", spec.get("valid_from"))
    valid_to = _parse_date(c, f"{where}.valid_to", spec.get("valid_to"))
    if valid_from and valid_to and valid_to < valid_from:
        c.add(f"{where}.valid_to", f"{valid_to} is before valid_from {valid_from}")
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
            _check_level_order(c, f"{where}.levels", mapping)
        for k in ("thresholds", "thresholds_by_period", "relative_to", "operator"):
            if k in spec:
                c.add(f"{where}.{k}", "a status_category indicator takes 'levels', not thresholds")
    elif method in METHODS:
        thresholds, threshold_by, threshold_table, relative_to = _parse_thresholds(
            c, where, spec, method, variable, variables)
    return Indicator(id=str(spec["id"]), names=_names(c, f"{where}.name", spec["name"]), station=str(station),
                     variable=str(variable), method=str(method), season=season,
                     rule=rule or Rule("?", "?", {}, Agreement({"en": ""}, None, None), {}), unit=unit,
                     operator=operator, thresholds=thresholds, levels=levels, minus=minus,
                     key=bool(spec.get("key", False)),
                     display_unit=_display_unit(c, where, spec, variables),
                     deescalation_periods=None if spec.get("deescalation_periods") is None else
                     _parse_deescalation(c, f"{where}.deescalation_periods", spec["deescalation_periods"]),
                     valid_from=valid_from, valid_to=valid_to, threshold_by=threshold_by,
                     threshold_table=threshold_table, relative_to=relative_to,
                     schedule_files=schedule_files, schedule=schedule, limits=limits,
                     projection=str(projection), against=against)


# the categories on each side of normal, from the nearest to the furthest
_CATEGORY_SIDES = (("below_normal", "low"), ("above_normal", "high"))


def _check_level_order(c: _Collector, where: str, mapping: dict) -> None:
    """The levels of a status_category indicator rise away from normal: the normal category is the
    level normal, and on each side a category further from normal is at least as severe as the one
    nearer to it (low at least below_normal's level, high at least above_normal's)."""
    if mapping["normal"] in LEVELS and mapping["normal"] != "normal":
        c.add(f"{where}.normal", f"'{mapping['normal']}' must be normal: the category normal is the flow "
                                 "within the usual range, which raises no level; map only the categories "
                                 "away from normal to watch, warning or alert")
    for near, far in _CATEGORY_SIDES:
        a, b = mapping[near], mapping[far]
        if a in LEVELS and b in LEVELS and level_rank(b) < level_rank(a):
            c.add(f"{where}.{far}", f"'{b}' is less severe than {near} ('{a}'), but {far} is further from "
                                    f"normal; give {far} the level {a} or a higher one, or lower {near}")


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
    """What makes two indicators apply to the same series in the same way: station, variable (and
    minus), method and season (the months it covers); and, so that a low and a high threshold on one
    series or two different comparisons are not taken for two versions, the direction of the
    operator, relative_to and what a change compares with (previous or last_year, % or absolute)."""
    rising = None if ind.operator not in OPERATORS else ind.operator in (">", ">=")
    relative_change = ind.unit == "%" if ind.method == "change" else None
    return (ind.station, ind.variable, ind.minus, ind.method, _season_months(ind.season, seasons), rising,
            ind.relative_to, ind.against, relative_change)


def _check_overlaps(c: _Collector, dated: list[tuple[str, Indicator]], seasons: Seasons) -> None:
    """Two indicators that apply to the same series in the same way must not be valid at the same
    time: a new version of a threshold is a new indicator whose valid_from is the day after the old
    one's valid_to."""
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
            what = (f"station {b.station}, variable {b.variable}" + (f" minus {b.minus}" if b.minus else "")
                    + f", method {b.method}, {season}")
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


def _parse_limits(c: _Collector, where: str, spec: dict, method, variable, network) -> tuple:
    """((season label, Limit), ...) of a withdrawal_limit indicator, in season order.

    ``limits: {2026-gs: {value: 8.8, unit: km3}, 2026/27-ngs: {value: 3.34, unit: km3}}``: one
    volume per growing (``YYYY-gs``) or non-growing (``YYYY/YY-ngs``) season, as ICWC approves
    them twice a year.
    """
    raw = spec.get("limits")
    if method != "withdrawal_limit":
        if raw is not None:
            c.add(f"{where}.limits", "only the withdrawal_limit method takes 'limits'")
        return ()
    if variable != "withdrawal":
        c.add(f"{where}.variable", f"a withdrawal_limit indicator reads the variable 'withdrawal', not '{variable}'")
    if not isinstance(raw, dict) or not raw:
        c.add(f"{where}.limits", "give the seasonal limits, e.g. {2026-gs: {value: 8.8, unit: km3}, "
                                 "2026/27-ngs: {value: 3.34, unit: km3}}")
        return ()
    seasons = network.seasons if network is not None else Seasons()
    out = []
    for key, item in raw.items():
        at = f"{where}.limits.{key}"
        try:
            season = parse_period(str(key), seasons)
        except (UsageError, ValueError):
            season = None
        if season is None or season.kind not in ("gs", "ngs"):
            c.add(at, f"'{key}' is not a season; write a growing season as 2026-gs and a non-growing season "
                      "as 2026/27-ngs")
            continue
        if not isinstance(item, dict) or set(item) != {"value", "unit"}:
            c.add(at, "a limit is {value: <volume>, unit: <volume unit>}, e.g. {value: 8.8, unit: km3}")
            continue
        value, unit = item["value"], str(item["unit"])
        if unit_dimension(unit) != "volume":
            c.add(f"{at}.unit", f"'{unit}' is not a volume unit (Mm3, km3, hm3, mln m3)")
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            c.add(f"{at}.value", f"{value!r} must be a volume > 0")
            continue
        out.append((season, Limit(float(value) * conversion_factor(unit, "Mm3"), float(value), unit)))
    return tuple((p.label, limit) for p, limit in sorted(out, key=lambda x: x[0].start))


def _parse_against(c: _Collector, where: str, spec: dict, method) -> str | None:
    """What a change indicator compares the period with: previous or last_year."""
    against = spec.get("against")
    if method != "change":
        if against is not None:
            c.add(f"{where}.against", "only the change method takes 'against'")
        return None
    if against not in CHANGE_AGAINST:
        c.add(f"{where}.against", f"'{against}' must be previous (the period before) or last_year (the same period "
                                  f"last year){_did_you_mean(str(against), CHANGE_AGAINST)}")
        return None
    return str(against)


def _check_reservoir_fill(c: _Collector, where: str, station, variable, network, method="reservoir_fill") -> None:
    """A reservoir indicator reads the volume of a reservoir whose dead volume is known (and, for
    reservoir_fill, its total volume)."""
    if variable != "volume":
        c.add(f"{where}.variable", f"a {method} indicator reads the variable 'volume', not '{variable}'")
    if network is None or station not in network:
        return
    st = network[station]
    if st.kind != "reservoir":
        c.add(f"{where}.station", f"'{station}' is a {st.kind}; a {method} indicator needs a reservoir")
        return
    needed = ("dead_volume", "total_volume") if method == "reservoir_fill" else ("dead_volume",)
    missing = [k for k in needed if getattr(st, k) is None]
    if missing:
        c.add(f"{where}.station", f"reservoir '{station}' has no {' and no '.join(missing)} in the network file "
                                  f"({network.path}); add them (value, unit, source) for a {method} indicator")
    elif method == "reservoir_fill" and st.total_volume.value <= st.dead_volume.value:
        c.add(f"{where}.station", f"reservoir '{station}': total volume {st.total_volume.value:g} Mm3 is not above "
                                  f"the dead volume {st.dead_volume.value:g} Mm3 in the network file")


def _parse_thresholds(c: _Collector, where, spec, method, variable, variables) -> tuple:
    """(thresholds, threshold_by, threshold_table, relative_to) of an indicator with thresholds.

    The thresholds are one of: ``thresholds: {watch: .., warning: .., alert: ..}`` (all year),
    ``thresholds: {gs: {...}, ngs: {...}}`` (per season), or ``thresholds_by_period:
    {resolution: dekad|month, table: {1: {...}, "2-9": {...}, ...}}`` (per period of the year;
    a key "a-b" covers the periods a to b, and every period must be covered exactly once).
    ``relative_to: norm`` makes the values % of the norm of the period, ``relative_to:
    percentile`` percentiles of the reference distribution of the period.
    """
    none = ((), None, (), None)
    unit, operator = spec.get("unit"), spec.get("operator")
    relative_to = spec.get("relative_to")
    if operator not in OPERATORS:
        c.add(f"{where}.operator", f"'{operator}' must be one of {' '.join(OPERATORS)}")
        return none
    if relative_to is not None:
        if relative_to not in RELATIVE_TO:
            c.add(f"{where}.relative_to", f"'{relative_to}' must be norm or percentile"
                                          f"{_did_you_mean(relative_to, RELATIVE_TO)}")
            return none
        if method not in ("threshold", "difference"):
            c.add(f"{where}.relative_to", f"only threshold and difference indicators take relative_to, not {method}")
            return none
    if method in ("percent_of_norm", "reservoir_fill", "schedule", "withdrawal_limit"):
        if unit != "%":
            c.add(f"{where}.unit", f"a {method} indicator has unit '%'")
    elif method == "change" and unit == "%":
        pass  # a relative change; any other unit is an absolute change in that unit
    elif method == "days_of_release_left":
        if unit != "d":
            c.add(f"{where}.unit", f"a {method} indicator has unit 'd' (days)")
    elif unit is None or unit_dimension(str(unit)) is None:
        c.add(f"{where}.unit", f"unit '{unit}' is not a known unit")
        return none
    elif variable in variables and unit_dimension(str(unit)) != variables[variable].dimension:
        c.add(f"{where}.unit", f"unit '{unit}' does not fit {variable} (measured in {variables[variable].unit})")
        return none
    value_unit = RELATIVE_TO[relative_to] if relative_to else str(unit)
    raw, by_period = spec.get("thresholds"), spec.get("thresholds_by_period")
    if raw is not None and by_period is not None:
        c.add(f"{where}.thresholds_by_period", "give either thresholds or thresholds_by_period, not both")
        return none

    def row(key: str, mapping) -> tuple[Threshold, ...]:
        return _threshold_row(c, key, mapping, operator, value_unit, relative_to)

    if by_period is not None:
        table = _period_table(c, f"{where}.thresholds_by_period", by_period, row)
        if table is None:
            return none
        return (), by_period["resolution"], table, relative_to
    if isinstance(raw, dict) and raw and set(raw) & set(THRESHOLD_SEASONS):
        missing = [s for s in THRESHOLD_SEASONS if s not in raw]
        for k in raw:
            if k not in THRESHOLD_SEASONS:
                c.add(f"{where}.thresholds.{k}", f"seasonal thresholds have the keys gs and ngs, not '{k}'"
                                                 f"{_did_you_mean(k, THRESHOLD_SEASONS)}")
        for s in missing:
            c.add(f"{where}.thresholds.{s}", f"seasonal thresholds need both gs and ngs; {s} is missing")
        table = tuple((s, row(f"{where}.thresholds.{s}", raw[s])) for s in THRESHOLD_SEASONS if s in raw)
        return (), "season", table, relative_to
    return row(f"{where}.thresholds", raw), None, (), relative_to


def _threshold_row(c: _Collector, where: str, raw, operator: str, unit: str, relative_to) -> tuple[Threshold, ...]:
    """One set of thresholds {watch: .., warning: .., alert: ..}, in order for the operator."""
    if not isinstance(raw, dict) or not raw:
        c.add(where, "give at least one of watch, warning, alert with its value")
        return ()
    out = []
    for level, value in raw.items():
        if level not in LEVELS[1:4]:
            c.add(f"{where}.{level}", f"'{level}' is not watch, warning or alert{_did_you_mean(level, LEVELS[1:4])}")
        elif not isinstance(value, (int, float)) or isinstance(value, bool):
            c.add(f"{where}.{level}", f"{value!r} is not a number")
        elif relative_to == "norm" and value < 0:
            c.add(f"{where}.{level}", f"{value!r}: a share of the norm is >= 0 [%]")
        elif relative_to == "percentile" and not 0 < value < 100:
            c.add(f"{where}.{level}", f"{value!r}: a percentile is between 0 and 100 (exclusive)")
        else:
            out.append(Threshold(level, operator, float(value), unit))
    out.sort(key=lambda t: LEVELS.index(t.level))
    values = [t.value for t in out]
    rising = operator in (">", ">=")
    if any((b <= a) if rising else (b >= a) for a, b in zip(values, values[1:], strict=False)):
        order = "increase" if rising else "decrease"
        c.add(where, f"with operator '{operator}' the values must {order} from watch to alert: {values}")
    return tuple(out)


def _period_keys(key, n: int) -> list[int] | None:
    """Periods of the year a table key covers: 5 -> [5], "1-9" -> [1..9]; None when it does not parse."""
    if isinstance(key, int) and not isinstance(key, bool):
        return [key] if 1 <= key <= n else None
    parts = str(key).replace(" ", "").split("-")
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        a, b = int(parts[0]), int(parts[1])
        if 1 <= a <= b <= n:
            return list(range(a, b + 1))
    return None


def _period_table(c: _Collector, where: str, raw, row) -> tuple | None:
    """((period_of_year, thresholds), ...) for every period of the year, from a thresholds_by_period mapping."""
    if not isinstance(raw, dict):
        c.add(where, "a mapping {resolution: dekad|month, table: {period: {watch: ..}, ...}}")
        return None
    c.keys(where, raw, ("resolution", "table"))
    resolution, table = raw.get("resolution"), raw.get("table")
    if resolution not in RESOLUTIONS:
        c.add(f"{where}.resolution", f"'{resolution}' must be dekad or month{_did_you_mean(resolution, RESOLUTIONS)}")
        return None
    n = PERIODS_PER_YEAR[resolution]
    if not isinstance(table, dict) or not table:
        c.add(f"{where}.table", f"give the thresholds of each {resolution} 1-{n}, e.g. {{1: {{watch: ..}}, \"2-{n}\": ..}}")
        return None
    out: dict[int, tuple] = {}
    for key, mapping in table.items():
        periods = _period_keys(key, n)
        if periods is None:
            c.add(f"{where}.table.{key}", f"'{key}' is not a {resolution} of the year 1-{n} or a range such as 1-9")
            continue
        twice = [p for p in periods if p in out]
        if twice:
            c.add(f"{where}.table.{key}", f"{resolution}(s) {_ranges(twice)} given twice")
        thresholds = row(f"{where}.table.{key}", mapping)
        for p in periods:
            out.setdefault(p, thresholds)
    missing = [p for p in range(1, n + 1) if p not in out]
    if missing:
        c.add(f"{where}.table", f"every {resolution} of the year needs thresholds; missing: {_ranges(missing)}")
        return None
    return tuple(sorted(out.items()))


def _ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 7] -> '1-3, 7'."""
    out, start = [], None
    for i, x in enumerate(numbers):
        if start is None:
            start = x
        if i + 1 == len(numbers) or numbers[i + 1] != x + 1:
            out.append(str(start) if start == x else f"{start}-{x}")
            start = None
    return ", ".join(out)


SCHEDULE_COLUMNS = ("station", "variable", "period", "planned", "unit")


def _parse_schedule(c: _Collector, where: str, spec, method, station, variable, variables) -> tuple:
    """(files, plan) of a schedule indicator: ``schedule`` names one CSV file or a list of them,
    relative to the catalogue, with the columns station,variable,period,planned,unit; the rows of
    the indicator's station and variable give the plan per dekad or month (e.g. 2026-11-d2)."""
    import csv

    from .periods import parse_period

    if method != "schedule":
        c.add(f"{where}.schedule", "only the schedule method takes 'schedule'")
        return (), ()
    raw = spec.get("schedule")
    files = [raw] if isinstance(raw, str) else raw
    if not isinstance(files, list) or not files or not all(isinstance(f, str) and f for f in files):
        c.add(f"{where}.schedule", "name the schedule CSV file (or a list of them), relative to the catalogue, "
                                   "e.g. schedules/toktogul_2026-27_ngs.csv")
        return (), ()
    canonical = variables[variable].unit if variable in variables else None
    plan: dict[str, float] = {}
    for name in files:
        path = c.file.parent / name
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            c.add(f"{where}.schedule", f"cannot read the schedule {path} ({exc.strerror})")
            continue
        lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
        reader = csv.DictReader(lines)
        if tuple(reader.fieldnames or ()) != SCHEDULE_COLUMNS:
            c.add(f"{where}.schedule", f"{path}: the header must be {','.join(SCHEDULE_COLUMNS)}, "
                                       f"not {','.join(reader.fieldnames or ())}")
            continue
        for n, row in enumerate(reader, start=2):
            at = f"{where}.schedule: {path}, row {n}"
            if row["station"] != station or row["variable"] != variable:
                continue
            try:
                period = parse_period(row["period"] or "")
            except (UsageError, ValueError):
                c.add(at, f"period '{row['period']}' does not parse: use a dekad (2026-11-d2) or a month (2026-11)")
                continue
            if period.kind not in RESOLUTIONS:
                c.add(at, f"period '{row['period']}' is a {period.kind}; plan per dekad or month")
                continue
            try:
                value = float(row["planned"])
            except (TypeError, ValueError):
                c.add(at, f"planned '{row['planned']}' is not a number")
                continue
            if canonical is None or unit_dimension(row["unit"]) != unit_dimension(canonical):
                c.add(at, f"unit '{row['unit']}' does not fit {variable}")
                continue
            if period.label in plan:
                c.add(at, f"period {period.label} is planned twice")
            plan[period.label] = value * conversion_factor(row["unit"], canonical)
    if not plan and not any(e.startswith(f"{c.file}:{where}.schedule") for e in c.errors):
        c.add(f"{where}.schedule", f"the schedule has no row for {station} {variable}")
    return tuple(files), tuple(sorted(plan.items()))


def _parse_date(c: _Collector, where: str, value) -> str | None:
    """An ISO date (YAML date or 'YYYY-MM-DD' text) as text; None when absent or wrong (reported)."""
    if value is None:
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        c.add(where, f"{value!r} is not a date; write it as YYYY-MM-DD, e.g. 1991-01-01")
        return None


def _display_unit(c: _Collector, where: str, spec: dict, variables) -> str | None:
    unit = spec.get("display_unit")
    if unit is None:
        return None
    variable = spec.get("variable")
    if variable in variables and unit_dimension(str(unit)) != variables[variable].dimension:
        c.add(f"{where}.display_unit", f"unit '{unit}' does not fit {variable} (measured in {variables[variable].unit})")
        return None
    return str(unit)


def threshold_in_canonical(t: Threshold, canonical_unit: str) -> float:
    """A threshold value converted to the canonical unit of its variable."""
    return t.value * conversion_factor(t.unit, canonical_unit)
