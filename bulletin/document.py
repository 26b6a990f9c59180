"""The language-neutral bulletin: summary, findings, figures, data quality, annex, provenance.

Nothing here is in any language. Sentences are :class:`Text` objects, a message id and its
parameters; the renderer looks the message up in the language's catalogue and fills it in.
Message ids are marked with :func:`N_` (or :func:`NP_` with a context) so that Babel's
extraction finds them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from . import __version__
from .catalogue import Catalogue, Indicator
from .climatology import NO_DATA as CATEGORY_NO_DATA
from .evaluate import Finding, SeriesStore, applied_thresholds, not_evaluated_reason
from .ingest import InputFile
from .methods import DEESCALATION_PERIODS, LEVELS, NO_DATA, level_rank
from .network import Network
from .periods import Period, hydrological_year, parse_period
from .qc import QCReport
from .render.i18n import N_, NP_  # message markers: the ids are translated at render time
from .units import conversion_factor, load_variables


@dataclass(frozen=True)
class Text:
    """A sentence to translate: message id, optional context, and named parameters.

    Parameter values may be str, numbers, :class:`Quantity`, :class:`Localized`, :class:`Text`
    or :class:`Period`; the renderer formats each for the language.
    """

    msgid: str
    params: tuple = ()
    context: str | None = None

    @classmethod
    def of(cls, msgid, **params) -> Text:
        if isinstance(msgid, tuple):
            return cls(msgid[1], tuple(sorted(params.items())), msgid[0])
        return cls(msgid, tuple(sorted(params.items())))


@dataclass(frozen=True)
class Localized:
    """A proper name given per language (stations, rivers, countries)."""

    names: tuple  # ((lang, text), ...)

    @classmethod
    def of(cls, names: dict) -> Localized:
        return cls(tuple(sorted(names.items())))


@dataclass(frozen=True)
class Quantity:
    """A number with its unit and the decimals it is shown with."""

    value: float | None
    unit: str
    decimals: int = 1
    signed: bool = False  # a change: shown with "+" when above zero


@dataclass(frozen=True)
class PeriodIn:
    """A period named in running text ("in the 2nd dekad of November 2026")."""

    period: Period


@dataclass(frozen=True)
class Unit:
    """A unit shown on its own (figure titles, table headers)."""

    code: str


LEVEL_NAMES = {
    "normal": NP_("level", "normal"), "watch": NP_("level", "watch"), "warning": NP_("level", "warning"),
    "alert": NP_("level", "alert"), NO_DATA: NP_("level", "no data"),
}
STATE_NAMES = {
    "new": NP_("state", "new"), "continuing": NP_("state", "continuing"), "escalated": NP_("state", "escalated"),
    "de-escalated": NP_("state", "de-escalated"), "ended": NP_("state", "ended"),
}
CATEGORY_NAMES = {
    "low": NP_("category", "low"), "below_normal": NP_("category", "below normal"),
    "normal": NP_("category", "normal"), "above_normal": NP_("category", "above normal"),
    "high": NP_("category", "high"), CATEGORY_NO_DATA: NP_("category", "no data"),
}
OPERATOR_WORDS = {
    "<": N_("below {threshold}"), "<=": N_("at or below {threshold}"),
    ">": N_("above {threshold}"), ">=": N_("at or above {threshold}"),
}
VARIABLE_NAMES = {
    "discharge": N_("discharge"), "inflow": N_("inflow"), "release": N_("release"),
    "withdrawal": N_("withdrawal"), "volume": N_("volume"), "level": N_("reservoir level"),
    "stage": N_("river stage"), "inflow-release": N_("inflow minus release"),
}
CHECK_NAMES = {
    "duplicates": N_("dates given twice"), "unsorted": N_("dates out of order"),
    "gaps": N_("missing days"), "future": N_("dates after the issue date"),
    "negative": N_("negative values"), "implausible": N_("impossible values"),
    "above_capacity": N_("volume above capacity"), "level_range": N_("level outside the reservoir range"),
    "flat_line": N_("repeated values"), "spike": N_("isolated spikes"), "shift": N_("sudden shifts"),
    "completeness": N_("incomplete dekads or months"),
    "reservoir_balance": N_("reservoir water balance does not close"),
    "travel_time": N_("disagrees with the station upstream"),
    "confluence": N_("disagrees with the sum of the stations upstream"),
}
SEVERITY_NAMES = {"error": NP_("severity", "error"), "warning": NP_("severity", "warning"),
                  "info": NP_("severity", "info")}
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
METHOD_NAMES = {
    "threshold": N_("absolute value against thresholds"),
    "percent_of_norm": N_("per cent of norm against thresholds"),
    "status_category": N_("HydroSOS status category"),
    "difference": N_("difference of two variables against thresholds"),
    "reservoir_fill": N_("reservoir fill, per cent of useful volume, against thresholds"),
    "schedule": N_("deviation from the agreed schedule, per cent of the plan, against thresholds"),
    "withdrawal_limit": N_("withdrawal projected to the end of the season, per cent of the seasonal limit, "
                           "against thresholds"),
    "change": N_("change against an earlier period, against thresholds"),
    "days_of_release_left": N_("days until the dead volume at the release and inflow of the period, against "
                               "thresholds"),
    "margin_above_dead": N_("volume above the dead volume, against thresholds"),
}
SEASON_NAMES = {"all": N_("all year"), "gs": N_("growing season"), "ngs": N_("non-growing season")}

# Decimals by display unit
DECIMALS = {"km3": 2, "Mm3": 0, "m3/s": 0, "%": 0, "cm": 0, "m": 2, "d": 0}

MSG_VALUE_LAST_YEAR = N_("{value} (last year {last_year})")
MSG_FINDING_THRESHOLD = N_("{name}: {value}; {level}, {condition}.")
MSG_FINDING_THRESHOLD_NORMAL = N_("{name}: {value}; no threshold crossed.")
MSG_FINDING_PCT = N_("{name}: {value}, {pct} of norm; {level}, {condition}.")
MSG_FINDING_PCT_NORMAL = N_("{name}: {value}, {pct} of norm; no threshold crossed.")
MSG_FINDING_CATEGORY = N_("{name}: {value}, {category} (percentile {percentile}); {level}.")
MSG_FINDING_NO_DATA = N_("{name}: no data for this period ({coverage} of days present).")
MSG_FINDING_NO_DATA_QC = N_("{name}: no data for this period ({coverage} of days with good data; "
                            "{errors} value(s) flagged as errors left out).")
MSG_QUALITY_FLAG = N_("{check} ({severity}): {days} d.")
MSG_QUALITY_NO_DATA = N_("{name}: no data, values flagged as errors left out")
MSG_CONDITION_PCT = N_("{words} of norm")
MSG_CONDITION_FILL = N_("{words} of useful volume")
MSG_FINDING_FILL = N_("{name}: {value}, {fill} of useful volume; {level}, {condition}.")
MSG_FINDING_FILL_NORMAL = N_("{name}: {value}, {fill} of useful volume; no threshold crossed.")
MSG_FINDING_HELD = N_("{sentence} The level stays at {level} until the value has been below it for "
                      "{periods} periods in a row.")
MSG_RAW_LEVEL = N_("this period alone: {level}")
MSG_PERSISTENCE = N_("A level comes down after {periods} periods in a row below it.")
MSG_PERSISTENCE_NONE = N_("A level comes down as soon as the value is below it.")
MSG_PERCENTILE = N_("percentile {p} of the reference period")
MSG_PERCENTILE_APPLIED = N_("percentile {p} of the reference period, {value}")
MSG_CONDITION_PCT_APPLIED = N_("{words} of norm ({value})")
MSG_CONDITION_PLAN = N_("a deviation from the plan {words}")
MSG_FINDING_SCHEDULE = N_("{name}: {value} against a plan of {planned}, a deviation of {deviation}; "
                          "{cumulative} since the season started; {level}, {condition}.")
MSG_FINDING_SCHEDULE_NORMAL = N_("{name}: {value} against a plan of {planned}, a deviation of {deviation}; "
                                 "{cumulative} since the season started; no threshold crossed.")
MSG_FINDING_NO_PLAN = N_("{name}: the schedule has no plan for this period.")
MSG_CONDITION_LIMIT = N_("{words} of the limit by the end of the season")
MSG_FINDING_WITHDRAWAL = N_("{name}: {value}; {used} used since the season started, {used_pct} of the limit of "
                            "{limit} for the {season}; {projection}, {projected_pct} of the limit; {level}, "
                            "{condition}.")
MSG_FINDING_WITHDRAWAL_NORMAL = N_("{name}: {value}; {used} used since the season started, {used_pct} of the "
                                   "limit of {limit} for the {season}; {projection}, {projected_pct} of the limit; "
                                   "no threshold crossed.")
PROJECTION_METHOD = {"rate": N_("projected to the end of the season at the rate of the period"),
                     "pace": N_("projected to the end of the season at the season's pace against the norms")}
PROJECTION_WORDS = {"rate": N_("at this period's rate {projected} by its end"),
                    "pace": N_("at the season's pace so far {projected} by its end")}
MSG_FINDING_NO_LIMIT = N_("{name}: the catalogue gives no limit for the {season}.")
MSG_FINDING_SEASON_INCOMPLETE = N_("{name}: {value}; the volume used since the season started is not known, "
                                   "because a period of the season has no data.")
MSG_LIMITS_HEAD = N_("Seasonal limits:")
MSG_CONDITION_DAYS = N_("{words} of release left")
MSG_CONDITION_MARGIN = N_("a margin above the dead volume {words}")
MSG_FINDING_DAYS = N_("{name}: {value}; at the release and inflow of this period, {days} until the dead volume; "
                      "{level}, {condition}.")
MSG_FINDING_DAYS_NORMAL = N_("{name}: {value}; at the release and inflow of this period, {days} until the dead "
                             "volume; no threshold crossed.")
MSG_FINDING_NOT_DRAWN_DOWN = N_("{name}: {value}; the inflow is at or above the release: the reservoir is not "
                                "being drawn down.")
MSG_FINDING_MARGIN = N_("{name}: {value}, {margin} above the dead volume; {level}, {condition}.")
MSG_FINDING_MARGIN_NORMAL = N_("{name}: {value}, {margin} above the dead volume; no threshold crossed.")
MSG_LAST_LEVEL = N_("last with data: {level}")
MSG_HYDRO_ALT = N_("Dekads of the hydrological year to the {period}: this year {value}, norm {norm} "
                   "(10th to 90th percentile {p10} to {p90}), last year {last_year}.")
MSG_HYDRO_THRESHOLD = N_("Threshold {level}: {value}.")
MSG_LEVEL_IN_FORCE = N_("{sentence} The level {period_in}, the last with data, was {level}.")
MSG_LEAD = N_("Indicators evaluated {period_in}: {total}; alert {alert}, warning {warning}, watch {watch}, "
              "normal {normal}, no data {no_data}.")
MSG_LIMIT_OF_SEASON = N_("{season}: {limit}")
CHANGE_AGAINST = {
    "previous": N_("{change} against the previous period ({earlier})"),
    "last_year": N_("{change} against the same period last year ({earlier})"),
}
CHANGE_CONDITION = {
    "previous": N_("a change {words} against the previous period"),
    "last_year": N_("a change {words} against the same period last year"),
}
MSG_FINDING_CHANGE = N_("{name}: {value}, {change}; {level}, {condition}.")
MSG_FINDING_CHANGE_NORMAL = N_("{name}: {value}, {change}; no threshold crossed.")
MSG_FINDING_NO_EARLIER = N_("{name}: {value}; no value of the earlier period to compare with.")
MSG_IN_SEASON = N_("{season}: {condition}")
MSG_RANGE_DEKAD = N_("the value of the dekad, {low} to {high}")
MSG_RANGE_MONTH = N_("the value of the month, {low} to {high}")
MSG_RANGE_PERCENTILE_DEKAD = N_("the percentile of the dekad, {low} to {high}")
MSG_RANGE_PERCENTILE_MONTH = N_("the percentile of the month, {low} to {high}")
RANGE_MESSAGES = {("dekad", False): MSG_RANGE_DEKAD, ("month", False): MSG_RANGE_MONTH,
                  ("dekad", True): MSG_RANGE_PERCENTILE_DEKAD, ("month", True): MSG_RANGE_PERCENTILE_MONTH}


@dataclass(frozen=True)
class Row:
    """One finding as the bulletin shows it."""

    finding: Finding
    station_name: Localized
    country: str
    indicator_name: Localized
    value: Quantity
    norm: Quantity
    pct_of_norm: Quantity
    percentile: Quantity
    last_year: Quantity
    previous: Quantity
    coverage: Quantity
    level: str
    category: str
    category_text: Text
    condition: Text | None  # the threshold the period's own value crosses (raw level)
    sentence: Text
    qc_flags: tuple  # check name Texts
    state: str | None = None  # new | continuing | escalated | de-escalated | ended
    state_text: Text | None = None
    raw_level: str | None = None  # the level of the thresholds alone, when not ``level``
    raw_text: Text | None = None  # "this period alone: watch", when the level is held above it
    compared: Quantity | None = None  # the value compared with the thresholds, when not ``value`` (31 % fill)


@dataclass(frozen=True)
class CountrySummary:
    code: str
    name: Localized
    level: str  # highest level among the country's findings
    counts: tuple  # ((level, n), ...) in level order
    rows: tuple  # the country's non-normal rows, most severe first


@dataclass(frozen=True)
class Figure:
    """A hydrograph of the current hydrological year against the climatology."""

    id: str
    title: Text
    station_name: Localized
    unit: str
    x_periods: tuple  # Period per dekad of the hydrological year
    current: tuple
    last_year: tuple
    norm: tuple
    p10: tuple
    p90: tuple
    thresholds: tuple  # ((level, values per x or a constant), ...)
    period_index: int  # position of the bulletin period on x
    alt: tuple = ()  # the figure in words: Text sentences


@dataclass(frozen=True)
class QualityFlag:
    """One check's flags on one series in the hydrological year to date."""

    check: str
    severity: str  # error | warning | info
    days: int  # flagged days from the start of the hydrological year to the end of the period
    text: Text  # "check name (severity): N d."


@dataclass(frozen=True)
class QualityFinding:
    """A finding whose inputs are flagged in the bulletin period."""

    indicator: str
    name: Localized
    level: str
    no_data_by_errors: bool  # no_data because values flagged as errors were left out
    text: Text | Localized  # the indicator name, or the name with the no-data remark


@dataclass(frozen=True)
class QualityRow:
    """Data quality of one series (station and variable)."""

    station: str
    station_name: Localized
    country: str
    variable: str
    variable_text: Text
    coverage: Quantity  # share of days with good data in the bulletin period
    flags: tuple  # QualityFlag, errors first
    findings: tuple  # QualityFinding of the findings whose inputs are flagged in the period


@dataclass(frozen=True)
class QualityStation:
    station: str
    station_name: Localized
    rows: tuple  # QualityRow per variable


@dataclass(frozen=True)
class QualityCountry:
    code: str
    name: Localized
    stations: tuple  # QualityStation in network order; empty: nothing to report


@dataclass(frozen=True)
class QualitySection:
    """The data-quality section: series with something to report, by country and station."""

    countries: tuple  # QualityCountry per country of the network, in network order
    series_total: int  # series of network stations in the data or read by a finding
    series_shown: int  # series with flags this hydrological year, incomplete or flagged findings

    @property
    def rows(self) -> tuple:
        return tuple(r for c in self.countries for st in c.stations for r in st.rows)


@dataclass(frozen=True)
class AnnexEntry:
    indicator: Indicator
    name: Localized
    station_name: Localized
    method: Text
    season: Text
    conditions: tuple  # ((level, Text), ...)
    persistence: Text  # when a level comes down: after N periods in a row below it
    details: tuple = ()  # Texts listed under the method: the seasonal limits of a withdrawal_limit indicator


@dataclass(frozen=True)
class Bulletin:
    id: str
    issue_number: str
    period: Period
    issued_at: datetime
    basin: Localized
    catalogue: Catalogue
    sample_data: bool
    rows: tuple
    countries: tuple
    key_rows: tuple  # the most important findings, for page one
    changes: tuple  # rows new or escalated since the last bulletin, most severe first
    figures: tuple
    quality: QualitySection
    annex: tuple
    inputs: tuple
    reference_period: str
    software_version: str
    not_evaluated: tuple = field(default=())  # ((indicator id, "season" | "validity"), ...)
    basin_map: object = None  # overview.BasinMap
    fill_bars: object = None  # overview.FillBars
    category_strip: object = None  # overview.CategoryStrip
    lead: Text | None = None  # the sentence that opens the summary: indicators evaluated, by level

    def indicator_names(self, ids) -> tuple:
        """The names (Localized) of the catalogue's indicators ``ids``."""
        names = {ind.id: Localized.of(ind.names) for ind in self.catalogue.indicators}
        return tuple(names[i] for i in ids)

    @property
    def not_in_season(self) -> tuple:
        return tuple(i for i, reason in self.not_evaluated if reason == "season")

    @property
    def not_valid(self) -> tuple:
        return tuple(i for i, reason in self.not_evaluated if reason == "validity")


def _q(value, unit: str, decimals: int | None = None) -> Quantity:
    v = None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)
    if decimals is None:
        # a small flow keeps a decimal: 2.6 m3/s, not 3
        decimals = 1 if unit == "m3/s" and v is not None and abs(v) < 10 else DECIMALS.get(unit, 1)
    return Quantity(v, unit, decimals)


def _signed(value, unit: str) -> Quantity:
    """A deviation or change, shown with its sign: +17 %, -4 %."""
    q = _q(value, unit)
    return Quantity(q.value, q.unit, q.decimals, True)


def condition_text(operator: str, value: float, unit: str, signed: bool = False) -> Text:
    q = _q(value, unit, _decimals_of(value))
    return Text.of(OPERATOR_WORDS[operator], threshold=Quantity(q.value, q.unit, q.decimals, signed))


def _decimals_of(value: float) -> int:
    text = f"{value:g}"
    return len(text.split(".")[1]) if "." in text else 0


def threshold_condition(ind: Indicator, t) -> Text:
    """"below 9 km³", "below 80 % of norm", "below 25 % of useful volume", "below percentile 5 ..."."""
    if t.unit == "percentile":
        return Text.of(OPERATOR_WORDS[t.operator], threshold=Text.of(MSG_PERCENTILE, p=_q(t.value, "", _decimals_of(t.value))))
    cond = condition_text(t.operator, t.value, t.unit, signed=ind.method == "schedule")
    if ind.method == "reservoir_fill":
        return Text.of(MSG_CONDITION_FILL, words=cond)
    if ind.method == "schedule":
        return Text.of(MSG_CONDITION_PLAN, words=cond)
    if ind.method == "withdrawal_limit":
        return Text.of(MSG_CONDITION_LIMIT, words=cond)
    if ind.method == "days_of_release_left":
        return Text.of(MSG_CONDITION_DAYS, words=cond)
    if ind.method == "margin_above_dead":
        return Text.of(MSG_CONDITION_MARGIN, words=cond)
    if ind.method == "change":
        return Text.of(CHANGE_CONDITION[ind.against], words=condition_text(t.operator, t.value, t.unit, signed=True))
    return Text.of(MSG_CONDITION_PCT, words=cond) if t.unit == "%" else cond


def applied_condition(ind: Indicator, t: dict) -> Text:
    """The condition of one threshold as it applied in the period (a finding's ``thresholds`` item):
    a relative threshold shows its catalogue value and the value it gave, "below 80 % of norm (312 m³/s)"."""
    relative = t.get("relative_to")
    if relative == "percentile":
        p = t["relative_value"]
        return Text.of(OPERATOR_WORDS[t["operator"]], threshold=Text.of(
            MSG_PERCENTILE_APPLIED, p=_q(p, "", _decimals_of(p)), value=_q(t["value"], t["unit"])))
    if relative == "norm":
        return Text.of(MSG_CONDITION_PCT_APPLIED, value=_q(t["value"], t["unit"]),
                       words=condition_text(t["operator"], t["relative_value"], "%"))
    from .catalogue import Threshold

    return threshold_condition(ind, Threshold(t["level"], t["operator"], t["value"], t["unit"]))


def annex_conditions(ind: Indicator) -> tuple:
    """((level, Text), ...): the indicator's thresholds as the annex lists them."""
    if ind.method == "status_category":
        return tuple((lev, Text.of(CATEGORY_NAMES[cat])) for cat, lev in ind.levels if lev != "normal")
    if ind.threshold_by is None:
        return tuple((t.level, threshold_condition(ind, t)) for t in ind.thresholds)
    if ind.threshold_by == "season":
        return tuple((t.level, Text.of(MSG_IN_SEASON, season=Text.of(SEASON_NAMES[season]),
                                       condition=threshold_condition(ind, t)))
                     for season, ts in ind.threshold_table for t in ts)
    out = []
    for level in LEVELS[1:]:
        ts = [t for _key, row in ind.threshold_table for t in row if t.level == level]
        if not ts:
            continue
        low, high = min(t.value for t in ts), max(t.value for t in ts)
        if low == high:
            out.append((level, threshold_condition(ind, ts[0])))
            continue
        unit = "" if ts[0].unit == "percentile" else ts[0].unit
        span = Text.of(RANGE_MESSAGES[(ind.threshold_by, ts[0].unit == "percentile")],
                       low=_q(low, unit, _decimals_of(low)), high=_q(high, unit, _decimals_of(high)))
        words = Text.of(OPERATOR_WORDS[ts[0].operator], threshold=span)
        if ind.method == "reservoir_fill":
            words = Text.of(MSG_CONDITION_FILL, words=words)
        elif ind.method == "schedule":
            words = Text.of(MSG_CONDITION_PLAN, words=words)
        elif ind.method == "withdrawal_limit":
            words = Text.of(MSG_CONDITION_LIMIT, words=words)
        elif ind.method == "days_of_release_left":
            words = Text.of(MSG_CONDITION_DAYS, words=words)
        elif ind.method == "margin_above_dead":
            words = Text.of(MSG_CONDITION_MARGIN, words=words)
        elif ind.method == "change":
            words = Text.of(CHANGE_CONDITION[ind.against], words=words)
        elif ts[0].unit == "%":
            words = Text.of(MSG_CONDITION_PCT, words=words)
        out.append((level, words))
    return tuple(out)


def _crossed_condition(ind: Indicator, f: Finding, level: str) -> Text | None:
    for t in f.thresholds:
        if t.get("level") == level and "operator" in t:
            return applied_condition(ind, t)
    return None


def _row(f: Finding, ind: Indicator, network: Network, qc: QCReport | None = None,
         period: Period | None = None, deescalation_periods: int = DEESCALATION_PERIODS) -> Row:
    st = network[f.station]
    name = Localized.of(ind.names)
    value = _q(f.value, f.unit)
    shown_value = Text.of(MSG_VALUE_LAST_YEAR, value=value, last_year=_q(f.last_year, f.unit)) \
        if f.last_year is not None else value
    # the sentence states what the period's own value shows (raw level); when the effective
    # level is held above it, a second sentence says so
    raw = f.raw_level or f.level
    held = f.level != NO_DATA and raw != f.level
    condition = _crossed_condition(ind, f, raw) if raw in LEVELS[1:] else None
    level_text = Text.of(LEVEL_NAMES[raw])
    if f.level == NO_DATA and "qc_errors" in f.notes and qc is not None and period is not None:
        errors = sum(qc.errors_in(f.station, v, period.start, period.end) for v in f.variable.split("-"))
        sentence = Text.of(MSG_FINDING_NO_DATA_QC, name=name, coverage=_q(100 * f.coverage, "%"), errors=errors)
    elif f.level == NO_DATA and "no_plan" in f.notes:
        sentence = Text.of(MSG_FINDING_NO_PLAN, name=name)
    elif f.level == NO_DATA and "no_limit" in f.notes:
        sentence = Text.of(MSG_FINDING_NO_LIMIT, name=name, season=parse_period(f.withdrawal["season"], network.seasons))
    elif f.level == NO_DATA and "season_incomplete" in f.notes:
        sentence = Text.of(MSG_FINDING_SEASON_INCOMPLETE, name=name, value=shown_value)
    elif f.level == NO_DATA and "no_earlier_value" in f.notes:
        sentence = Text.of(MSG_FINDING_NO_EARLIER, name=name, value=shown_value)
    elif f.level == NO_DATA:
        sentence = Text.of(MSG_FINDING_NO_DATA, name=name, coverage=_q(100 * f.coverage, "%"))
    elif ind.method == "status_category":
        sentence = Text.of(MSG_FINDING_CATEGORY, name=name, value=shown_value,
                           category=Text.of(CATEGORY_NAMES[f.category]), percentile=_q(f.percentile, "", 0),
                           level=level_text)
    elif ind.method in ("percent_of_norm", "reservoir_fill"):
        if ind.method == "percent_of_norm":
            messages, params = (MSG_FINDING_PCT, MSG_FINDING_PCT_NORMAL), {"pct": _q(f.pct_of_norm, "%")}
        else:
            messages, params = (MSG_FINDING_FILL, MSG_FINDING_FILL_NORMAL), {"fill": _q(f.indicator_value, "%")}
        sentence = (Text.of(messages[0], name=name, value=shown_value, level=level_text, condition=condition,
                            **params) if condition else
                    Text.of(messages[1], name=name, value=shown_value, **params))
    elif ind.method == "schedule":
        sched = f.schedule or {}
        params = {"name": name, "value": shown_value, "planned": _q(sched.get("planned"), f.unit),
                  "deviation": _signed(f.indicator_value, "%"), "cumulative": _signed(sched.get("cumulative_deviation"), "%")}
        sentence = (Text.of(MSG_FINDING_SCHEDULE, level=level_text, condition=condition, **params) if condition
                    else Text.of(MSG_FINDING_SCHEDULE_NORMAL, **params))
    elif ind.method == "withdrawal_limit":
        w = f.withdrawal
        params = {"name": name, "value": shown_value, "used": _q(w["used"], "Mm3"), "used_pct": _q(w["used_pct"], "%"),
                  "limit": _q(w["limit"], "Mm3"), "season": parse_period(w["season"], network.seasons),
                  "projection": Text.of(PROJECTION_WORDS[w["projection"]], projected=_q(w["projected"], "Mm3")),
                  "projected_pct": _q(w["projected_pct"], "%")}
        sentence = (Text.of(MSG_FINDING_WITHDRAWAL, level=level_text, condition=condition, **params) if condition
                    else Text.of(MSG_FINDING_WITHDRAWAL_NORMAL, **params))
    elif ind.method == "days_of_release_left" and "not_drawn_down" in f.notes:
        sentence = Text.of(MSG_FINDING_NOT_DRAWN_DOWN, name=name, value=shown_value)
    elif ind.method == "days_of_release_left":
        days = _q(f.indicator_value, "d", 0)
        sentence = (Text.of(MSG_FINDING_DAYS, name=name, value=shown_value, days=days, level=level_text,
                            condition=condition) if condition else
                    Text.of(MSG_FINDING_DAYS_NORMAL, name=name, value=shown_value, days=days))
    elif ind.method == "margin_above_dead":
        margin = _q(f.indicator_value, f.indicator_unit)
        sentence = (Text.of(MSG_FINDING_MARGIN, name=name, value=shown_value, margin=margin, level=level_text,
                            condition=condition) if condition else
                    Text.of(MSG_FINDING_MARGIN_NORMAL, name=name, value=shown_value, margin=margin))
    elif ind.method == "change":
        earlier = f.previous_period if ind.against == "previous" else f.last_year
        change_text = Text.of(CHANGE_AGAINST[ind.against], earlier=_q(earlier, f.unit),
                              change=_signed(f.indicator_value, f.indicator_unit))
        sentence = (Text.of(MSG_FINDING_CHANGE, name=name, value=value, change=change_text, level=level_text,
                            condition=condition) if condition else
                    Text.of(MSG_FINDING_CHANGE_NORMAL, name=name, value=value, change=change_text))
    elif f.pct_of_norm is not None and ind.method == "threshold":
        # "Toktogul holds 8.4 km3, 71 % of norm for this dekad, below the critical 9 km3"
        pct = _q(f.pct_of_norm, "%")
        sentence = (Text.of(MSG_FINDING_PCT, name=name, value=shown_value, pct=pct, level=level_text,
                            condition=condition) if condition else
                    Text.of(MSG_FINDING_PCT_NORMAL, name=name, value=shown_value, pct=pct))
    else:
        sentence = (Text.of(MSG_FINDING_THRESHOLD, name=name, value=shown_value, level=level_text,
                            condition=condition) if condition else
                    Text.of(MSG_FINDING_THRESHOLD_NORMAL, name=name, value=shown_value))
    if f.level == NO_DATA and f.level_in_force:
        sentence = Text.of(MSG_LEVEL_IN_FORCE, sentence=sentence, level=Text.of(LEVEL_NAMES[f.level_in_force["level"]]),
                           period_in=PeriodIn(parse_period(f.level_in_force["period"], network.seasons)))
    if held:
        sentence = Text.of(MSG_FINDING_HELD, sentence=sentence, level=Text.of(LEVEL_NAMES[f.level]),
                           periods=deescalation_periods)
    return Row(finding=f, station_name=Localized.of(st.names), country=st.country, indicator_name=name,
               value=value, norm=_q(f.norm, f.unit), pct_of_norm=_q(f.pct_of_norm, "%"),
               percentile=_q(f.percentile, "", 0), last_year=_q(f.last_year, f.unit),
               previous=_q(f.previous_period, f.unit), coverage=_q(100 * f.coverage, "%"), level=f.level,
               category=f.category, category_text=Text.of(CATEGORY_NAMES[f.category]), condition=condition, sentence=sentence,
               qc_flags=tuple(Text.of(CHECK_NAMES.get(c, c)) for c in f.qc_flags),
               state=f.state, state_text=Text.of(STATE_NAMES[f.state]) if f.state else None,
               raw_level=raw if held else None,
               raw_text=Text.of(MSG_RAW_LEVEL, level=Text.of(LEVEL_NAMES[raw])) if held else
               Text.of(MSG_LAST_LEVEL, level=Text.of(LEVEL_NAMES[f.level_in_force["level"]]))
               if f.level == NO_DATA and f.level_in_force else None,
               compared=None if f.indicator_value is None else
               (_signed if ind.method in ("schedule", "change") else _q)(f.indicator_value, f.indicator_unit))


def _severity_key(row: Row, key_ids: frozenset = frozenset()):
    """Most severe first; among equal levels, the catalogue's key indicators, then what is new or
    escalated, then the furthest from normal (lowest or highest percentile)."""
    pct = row.finding.percentile
    extremeness = abs(50 - pct) if pct is not None else 0
    return (-level_rank(row.level), row.finding.indicator not in key_ids, row.state not in ("new", "escalated"),
            -extremeness)


def _figure(ind: Indicator, store: SeriesStore, period: Period, network: Network, resolution: str) -> Figure:
    variables = load_variables()
    canonical = variables[ind.variable].unit
    unit = ind.value_unit(canonical)
    factor = conversion_factor(canonical, unit)
    agg = store.base(ind, resolution).set_index(["year", "period_of_year"])
    clim = store.climatology_of(ind, resolution)
    min_cov = store.settings.coverage_for(resolution)
    hy = hydrological_year(network.seasons.hydrological_year_of(period.start), network.seasons)
    first = Period.containing(resolution, hy.start)
    xs = []
    p = first
    while p.start <= hy.end:
        xs.append(p)
        p = p.shift(1)

    def value(q: Period):
        key = (q.start.year, q.period_of_year)
        if key not in agg.index:
            return None
        r = agg.loc[key]
        if r["coverage"] < min_cov or np.isnan(r["value"]):
            return None
        return float(r["value"]) * factor

    def clim_col(col):
        return tuple(None if np.isnan(clim.loc[q.period_of_year, col]) else float(clim.loc[q.period_of_year, col]) * factor
                     for q in xs)

    current = tuple(value(q) if q.end <= period.end else None for q in xs)
    last_year = tuple(value(q.same_period_last_year()) for q in xs)
    norm = clim_col("mean")
    st = network[ind.station]
    # the thresholds of each x period, as they apply there (seasonal, per period, relative)
    per_level: dict[str, list] = {}
    for i, q in enumerate(xs):
        if not_evaluated_reason(ind, q, network) is not None:
            continue  # outside the indicator's season or validity: no threshold applies
        for t in applied_thresholds(ind, q, store, network):
            per_level.setdefault(t["level"], [None] * len(xs))[i] = _figure_threshold(
                ind, t, norm[i], st, unit)
    thresholds = [(lev, tuple(per_level[lev])) for lev in LEVELS[1:] if lev in per_level]
    at = xs.index(period) if period in xs else len(xs) - 1
    title = Text.of(N_("{station}: {variable}, {unit}"), station=Localized.of(st.names),
                    variable=Text.of(VARIABLE_NAMES[ind.variable]), unit=Unit(unit))
    p10, p90 = clim_col("p10"), clim_col("p90")
    alt = [title, Text.of(MSG_HYDRO_ALT, period=period, value=_q(current[at], unit), norm=_q(norm[at], unit),
                          p10=_q(p10[at], unit), p90=_q(p90[at], unit),
                          last_year=_q(last_year[at], unit))]
    alt += [Text.of(MSG_HYDRO_THRESHOLD, level=Text.of(LEVEL_NAMES[lev]), value=_q(values[at], unit))
            for lev, values in thresholds if values[at] is not None]
    return Figure(id=f"fig-{ind.station}-{ind.variable}", station_name=Localized.of(st.names),
                  title=title, unit=unit, x_periods=tuple(xs), current=current, last_year=last_year, norm=norm,
                  p10=p10, p90=p90, thresholds=tuple(thresholds),
                  period_index=at, alt=tuple(alt))


def _figure_threshold(ind: Indicator, t: dict, norm: float | None, st, unit: str) -> float | None:
    """One applied threshold [figure unit]: a fill is turned into a volume, a % of norm into a flow."""
    value = t["value"]
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if ind.method == "reservoir_fill":  # % of useful volume -> volume
        dead, total = st.dead_volume.value, st.total_volume.value
        return (dead + value / 100 * (total - dead)) * conversion_factor("Mm3", unit)
    if ind.method == "margin_above_dead":  # volume above the dead volume -> volume
        return (st.dead_volume.value + value * conversion_factor(t["unit"], "Mm3")) * conversion_factor("Mm3", unit)
    if ind.method == "days_of_release_left":  # days are not a volume: not drawn on the hydrograph
        return None
    if t["unit"] == "%":
        return None if norm is None else norm * value / 100
    return value * conversion_factor(t["unit"], unit)


def _flagged_days(flags, start: np.datetime64, end: np.datetime64) -> int:
    """Days of the runs in ``flags`` that fall within [start, end]."""
    first = flags["first"].clip(lower=start)
    last = flags["last"].clip(upper=end)
    return int(((last - first).dt.days + 1).clip(lower=0).sum())


def _quality(qc: QCReport, findings: list[Finding], store: SeriesStore, network: Network, period: Period,
             resolution: str, catalogue: Catalogue | None = None) -> QualitySection:
    """Data quality by country and station: coverage in the period, flags in the hydrological
    year to date, and the findings whose inputs are flagged (those that became ``no_data``
    because values flagged as errors were left out are marked)."""
    hy = hydrological_year(network.seasons.hydrological_year_of(period.start), network.seasons)
    start, end = np.datetime64(hy.start), np.datetime64(period.end)
    flags = qc.flags
    in_year = flags[(flags["last"] >= start) & (flags["first"] <= end)]
    names = {ind.id: Localized.of(ind.names) for ind in catalogue.indicators} if catalogue else {}
    order = {sid: i for i, sid in enumerate(network.stations)}
    # series in the data, series the findings read (absent ones show coverage 0), and series
    # flagged this year (one whose every value is an error is no longer in the evaluated data)
    series = {k for k in store.obs.keys() if k[0] in network}
    series |= {(f.station, v) for f in findings for v in f.variable.split("-") if f.station in network}
    series |= {k for k in zip(in_year["station"], in_year["variable"], strict=True) if k[0] in network}
    by_station: dict[str, list[QualityRow]] = {}
    for station_id, variable in sorted(series, key=lambda k: (order[k[0]], k[1])):
        agg = store.aggregated(station_id, variable, resolution)
        row = agg[(agg["year"] == period.start.year) & (agg["period_of_year"] == period.period_of_year)]
        coverage = float(row["coverage"].iloc[0]) if not row.empty else 0.0
        mine = in_year[(in_year["station"] == station_id) & (in_year["variable"] == variable)]
        per_check = [
            QualityFlag(check, severity, days, Text.of(MSG_QUALITY_FLAG, check=Text.of(CHECK_NAMES.get(check, check)),
                                                      severity=Text.of(SEVERITY_NAMES[severity]), days=days))
            for (check, severity), g in mine.groupby(["check", "severity"], sort=True)
            if (days := _flagged_days(g, start, end)) > 0
        ]
        per_check.sort(key=lambda q: (SEVERITY_ORDER[q.severity], q.check))
        flagged_in_period = qc.for_period(station_id, variable, period.start, period.end)
        errors_in_period = qc.errors_in(station_id, variable, period.start, period.end)
        affected = []
        for f in findings:
            if not flagged_in_period or f.station != station_id or variable not in f.variable.split("-"):
                continue
            name = names.get(f.indicator, Localized.of({"en": f.indicator}))
            by_errors = f.level == NO_DATA and errors_in_period > 0
            affected.append(QualityFinding(f.indicator, name, f.level, by_errors,
                                           Text.of(MSG_QUALITY_NO_DATA, name=name) if by_errors else name))
        if per_check or coverage < 1.0 or affected:
            st = network[station_id]
            by_station.setdefault(station_id, []).append(QualityRow(
                station_id, Localized.of(st.names), st.country, variable,
                Text.of(VARIABLE_NAMES.get(variable, variable)), _q(100 * coverage, "%"), tuple(per_check),
                tuple(affected)))
    countries = []
    for code in network.countries:
        stations = tuple(QualityStation(sid, Localized.of(network[sid].names), tuple(rows))
                         for sid, rows in by_station.items() if network[sid].country == code)
        countries.append(QualityCountry(code, Localized.of(network.countries[code]), stations))
    shown = sum(len(rows) for rows in by_station.values())
    return QualitySection(tuple(countries), len(series), shown)


def build_bulletin(*, catalogue: Catalogue, network: Network, findings: list[Finding], store: SeriesStore,
                   qc: QCReport, period: Period, issued_at: datetime, inputs: list[InputFile],
                   sample_data: bool) -> Bulletin:
    """Assemble the language-neutral bulletin from the findings and their context."""
    from . import overview  # the basin at a glance; imports this module
    by_id = {ind.id: ind for ind in catalogue.indicators}
    rows = [_row(f, by_id[f.indicator], network, qc, period, catalogue.deescalation_for(by_id[f.indicator]))
            for f in findings]
    countries = []
    for code in network.countries:
        mine = [r for r in rows if r.country == code]
        evaluated = [r for r in mine if r.level != NO_DATA]
        top = max((r.level for r in evaluated), key=level_rank, default=NO_DATA)
        counts = tuple((lev, sum(r.level == lev for r in mine)) for lev in (*LEVELS, NO_DATA))
        notable = tuple(sorted((r for r in mine if r.level not in ("normal",)), key=_severity_key))
        countries.append(CountrySummary(code, Localized.of(network.countries[code]), top, counts, notable))
    key_ids = frozenset(ind.id for ind in catalogue.indicators if ind.key)
    ranked = sorted((r for r in rows if r.level in LEVELS[1:]), key=lambda r: _severity_key(r, key_ids))
    lead = Text.of(MSG_LEAD, period_in=PeriodIn(period), total=len(rows),
                   **{lev: sum(r.level == lev for r in rows) for lev in (*LEVELS, NO_DATA)})
    changes = sorted((r for r in rows if r.state in ("new", "escalated")), key=_severity_key)
    figures = []
    seen = set()
    for ind in catalogue.indicators:
        if ind.key and (ind.station, ind.variable) not in seen and ind.method != "difference":
            seen.add((ind.station, ind.variable))
            figures.append(_figure(ind, store, period, network, period.kind))
    annex = []
    for ind in catalogue.indicators:
        conds = annex_conditions(ind)
        season = (Text.of(SEASON_NAMES[ind.season]) if isinstance(ind.season, str)
                  else Text.of(N_("months {months}"), months=", ".join(map(str, ind.season))))
        annex.append(AnnexEntry(ind, Localized.of(ind.names), Localized.of(network[ind.station].names),
                                Text.of(METHOD_NAMES[ind.method]), season, conds,
                                _persistence(catalogue.deescalation_for(ind)), _limits(ind, network)))
    evaluated_ids = {f.indicator for f in findings}
    not_evaluated = tuple((ind.id, not_evaluated_reason(ind, period, network) or "season")
                          for ind in catalogue.indicators if ind.id not in evaluated_ids)
    return Bulletin(
        id=f"{network.id}-{period.label}", issue_number=issue_number(period), period=period, issued_at=issued_at,
        basin=Localized.of(network.names), catalogue=catalogue, sample_data=sample_data, rows=tuple(rows),
        countries=tuple(countries), key_rows=tuple(ranked[:3]), changes=tuple(changes), figures=tuple(figures),
        quality=_quality(qc, findings, store, network, period, period.kind, catalogue), annex=tuple(annex),
        inputs=tuple(inputs), reference_period=catalogue.settings.reference_label, software_version=__version__,
        not_evaluated=not_evaluated,
        basin_map=overview.basin_map(network, findings, store, period),
        fill_bars=overview.fill_bars(catalogue, network, findings, store, period),
        category_strip=overview.category_strip(catalogue, network, store, period),
        lead=lead,
    )


def _limits(ind: Indicator, network: Network) -> tuple:
    """The seasonal limits of a withdrawal_limit indicator as the catalogue gives them, one Text each."""
    if not ind.limits:
        return ()
    return (Text.of(PROJECTION_METHOD[ind.projection]), Text.of(MSG_LIMITS_HEAD)) + tuple(Text.of(MSG_LIMIT_OF_SEASON, season=parse_period(label, network.seasons),
                         limit=_q(limit.given, limit.unit, _decimals_of(limit.given)))
                 for label, limit in ind.limits)


def _persistence(periods: int) -> Text:
    return Text.of(MSG_PERSISTENCE, periods=periods) if periods > 1 else Text.of(MSG_PERSISTENCE_NONE)


def issue_number(period: Period) -> str:
    """Issue number: the period's number in its year and the year, e.g. ``32/2026`` for 2026-11-d2."""
    return f"{period.period_of_year}/{period.start.year}"
