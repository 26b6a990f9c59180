"""The outlook section: the key risks in words, the probabilities per indicator and lead, and fan charts.

A key risk is an indicator's most severe level (watch, warning or alert) that at least
:data:`RISK_MIN_PROBABILITY` of the traces reach in at least one dekad up to the end of the
season (:attr:`bulletin.outlook.IndicatorOutlook.reached`). Risks are ranked by that level,
then by probability, then in catalogue order, and a station's first risk stands for it (the
volume, fill and days of release of one reservoir are one risk); the section lists the first
:data:`RISKS_SHOWN`, page one the first :data:`RISKS_ON_PAGE_ONE`.
"""

from __future__ import annotations

from ..catalogue import Catalogue
from ..methods import LEVELS, NO_DATA, level_rank
from ..network import Network
from ..periods import Period, hydrological_year, parse_period
from ..text import N_, Localized, Text, Unit, quantity
from ..vocabulary import level_text
from .conditions import annex_conditions
from .hydrographs import MSG_FIGURE_TITLE
from .model import FanFigure, OutlookCell, OutlookRisk, OutlookSection, OutlookTableRow
from .volumes import in_volume_unit
from .words import variable_name

RISK_MIN_PROBABILITY = 0.1
"""A level reached by fewer traces than this share is not a key risk (the table still gives it)."""
RISKS_SHOWN = 6
"""Key risks the outlook section lists."""
RISKS_ON_PAGE_ONE = 3
"""Key risks page one names."""

MSG_RISK = N_("{indicator}: probability {p} of {level} or higher ({condition}) in at least one dekad up to {end}.")
MSG_RISK_PLAIN = N_("{indicator}: probability {p} of {level} or higher in at least one dekad up to {end}.")
MSG_NO_RISK = N_("No indicator reaches watch or higher in {p} or more of the traces in any dekad up to {end}.")
MSG_INTRO_TRACES = N_("Outlook from the state on {date}: {n} traces, one for each hydrological year of the record "
                      "from {first} to {last}, the year forecast left out.")
MSG_INTRO_METHOD = N_("River flows are the flows of the same dekads in those years, started from the anomaly of "
                      "the last dekad, which fades at the rate observed from dekad to dekad; reservoirs are run "
                      "through their water balance with the planned release, or the release of recent years, "
                      "between their dead and total volume. Each trace is assessed with the indicators' own "
                      "thresholds.")
MSG_INTRO_READ = N_("A probability is the share of traces at that level; it is not an agreed forecast, and the "
                    "year ahead may lie outside the range of the record.")
MSG_INTRO_COUNT = N_("Under an indicator whose own record is complete in fewer years: the number of traces its "
                     "shares are of.")
MSG_NONE_ASSESSED = N_("No indicator could be assessed in the outlook (the reasons are below): it says nothing about "
                       "the coming dekads.")
MSG_FAN_ALT = N_("Observed on {date}: {value}. On {end}: median of the traces {median}, 10th to 90th percentile "
                 "{p10} to {p90}.")
MSG_FAN_THRESHOLD = N_("Threshold {level} on {end}: {value}.")


def outlook_section(outlook, fans, catalogue: Catalogue, network: Network) -> OutlookSection | None:
    """The section of ``outlook`` (:class:`bulletin.outlook.Outlook`) with the fan charts ``fans``; None without one.

    ``fans`` are :class:`bulletin.products.Fan`. Volumes are shown in the network's volume unit.
    """
    if outlook is None:
        return None
    issue = parse_period(outlook.issue_period, network.seasons)
    leads = tuple((lead.label, parse_period(lead.period, network.seasons)) for lead in outlook.leads)
    end = leads[-1][1]
    by_id = {ind.id: ind for ind in catalogue.indicators}
    vu = network.volume_unit
    table, risks = [], []
    for io in outlook.indicators:
        ind = by_id[io.indicator]
        country = network[ind.station].country
        rows = {r.lead_label: r for r in io.rows}
        cells = tuple(None if label not in rows else _cell(ind, rows[label], vu) for label, _ in leads)
        crossing = None if io.first_crossing_period is None else parse_period(io.first_crossing_period,
                                                                             network.seasons)
        counts = [r.n_traces for r in io.rows if r.n_traces is not None]
        fewer = bool(counts) and min(counts) < len(outlook.traces_years)
        table.append(OutlookTableRow(ind.id, Localized.of(ind.names), country, cells, crossing,
                                     (min(counts), max(counts)) if fewer else ()))
        risk = _risk(ind, io, country, end, vu)
        if risk is not None:
            risks.append(risk)
    order = {ind.id: i for i, ind in enumerate(catalogue.indicators)}
    risks.sort(key=lambda r: (-level_rank(r.level), -round(r.probability, 6), order[r.indicator]))
    stations = {ind.id: ind.station for ind in catalogue.indicators}
    risks = [r for i, r in enumerate(risks) if all(stations[q.indicator] != stations[r.indicator] for q in risks[:i])]
    threshold = quantity(RISK_MIN_PROBABILITY * 100, "%", 0)
    years = outlook.traces_years
    first, last = ((hydrological_year(y, network.seasons) if years else "-") for y in
                   (min(years, default=0), max(years, default=0)))
    intro = (Text.of(MSG_INTRO_TRACES, date=issue.end, n=len(years), first=first, last=last),
             Text.of(MSG_INTRO_METHOD), Text.of(MSG_INTRO_READ))
    if any(row.traces for row in table):
        intro += (Text.of(MSG_INTRO_COUNT),)
    assessed = {io.indicator for io in outlook.indicators}
    left_out = tuple(Localized.of(ind.names) for ind in catalogue.indicators
                     if ind.id not in assessed and ind.id in dict(outlook.left_out))
    return OutlookSection(issue, end, leads, intro, tuple(risks[:RISKS_SHOWN]), tuple(risks[:RISKS_ON_PAGE_ONE]),
                          None if risks else Text.of(MSG_NO_RISK, p=threshold, end=end.end) if table
                          else Text.of(MSG_NONE_ASSESSED), tuple(table),
                          tuple(fan_figure(f, network, end) for f in fans), left_out, len(years))


def _cell(ind, row, volume_unit: str) -> OutlookCell:
    """The cell of one row: the shares of the levels and the spread of a value.

    The value is the one compared with the thresholds when the method shows it (days of release
    left, % of useful volume), else the series' value.
    """
    probs = [(lev, row.probabilities.get(lev, 0.0)) for lev in LEVELS]
    if row.probabilities.get(NO_DATA, 0.0) > 0:
        probs.append((NO_DATA, row.probabilities[NO_DATA]))
    likely = max(probs, key=lambda lp: lp[1])[0]
    if row.compared is not None:
        unit, *values = row.compared
        spread = tuple(ind.method.compared_quantity(v, unit) for v in (values[1], values[0], values[2]))
    else:
        spread = tuple(quantity(v, row.unit) for v in (row.median, row.p10, row.p90))
    spread = in_volume_unit(spread, volume_unit)
    return OutlookCell(likely, tuple((lev, quantity(p * 100, "%", 0)) for lev, p in probs), *spread)


def _risk(ind, io, country: str, end: Period, volume_unit: str) -> OutlookRisk | None:
    """The most severe level that at least :data:`RISK_MIN_PROBABILITY` of the traces reach, or None."""
    reached = dict(io.reached)
    level = next((lev for lev in reversed(LEVELS[1:]) if reached.get(lev, 0.0) >= RISK_MIN_PROBABILITY), None)
    if level is None:
        return None
    p = quantity(reached[level] * 100, "%", 0)
    conditions = [c for lev, c in in_volume_unit(annex_conditions(ind), volume_unit) if lev == level]
    name = Localized.of(ind.names)
    sentence = (Text.of(MSG_RISK, indicator=name, p=p, level=level_text(level), condition=conditions[0], end=end.end)
                if len(conditions) == 1 else
                Text.of(MSG_RISK_PLAIN, indicator=name, p=p, level=level_text(level), end=end.end))
    return OutlookRisk(ind.id, country, level, reached[level], sentence)


def fan_figure(fan, network: Network, end: Period) -> FanFigure:
    """The fan chart of ``fan`` (:class:`bulletin.products.Fan`) with its title and the figure in words."""
    st = network[fan.station]
    title = Text.of(MSG_FIGURE_TITLE, station=Localized.of(st.names), variable=variable_name(fan.variable),
                    unit=Unit(fan.unit))
    last = max((i for i, v in enumerate(fan.median) if v is not None), default=None)
    at = fan.issue_index
    alt = [title]
    if last is not None:
        alt.append(Text.of(MSG_FAN_ALT, date=fan.periods[at].end, value=quantity(fan.observed[at], fan.unit),
                           end=fan.periods[last].end, median=quantity(fan.median[last], fan.unit),
                           p10=quantity(fan.p10[last], fan.unit), p90=quantity(fan.p90[last], fan.unit)))
        alt += [Text.of(MSG_FAN_THRESHOLD, level=level_text(lev), end=fan.periods[last].end,
                        value=quantity(values[last], fan.unit))
                for lev, values in fan.thresholds if values[last] is not None]
    return FanFigure(f"fan-{fan.station}-{fan.variable}", title, fan.unit, fan.periods, at, fan.observed, fan.norm,
                     fan.p10, fan.median, fan.p90, fan.thresholds, tuple(in_volume_unit(tuple(alt), network.volume_unit)))

