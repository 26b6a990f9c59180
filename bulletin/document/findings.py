"""Findings as the bulletin shows them: a row per finding with its sentence, and page one by country."""

from __future__ import annotations

import math
from dataclasses import replace

from ..catalogue import Catalogue, Indicator
from ..evaluate import Finding
from ..methods import DEESCALATION_PERIODS, LEVELS, NO_DATA, OPERATORS, Note, Wording, level_rank
from ..network import Network
from ..periods import Period, parse_period
from ..products import ArchiveNorm
from ..qc import CHECKS, QCReport
from ..text import N_, Localized, PeriodIn, Quantity, Text, decimals_of, quantity
from ..vocabulary import STATE_NAMES, category_text, level_text
from .conditions import crossed_condition
from .model import CountrySummary, Row
from .norms import norm_comparison
from .volumes import in_volume_unit

# a second sentence when the level is held above the period's own, or in force from before a gap;
# a held level comes down when the value is back on the safe side of its threshold: above a
# low-side limit (operator < or <=), below a high-side one (> or >=)
MSG_FINDING_HELD_LOW = N_("{sentence} This period alone is at {raw}; the level is held at {level} until the "
                          "value has been back above the {level} threshold ({threshold}) for {periods} periods "
                          "in a row.")
MSG_FINDING_HELD_HIGH = N_("{sentence} This period alone is at {raw}; the level is held at {level} until the "
                           "value has been back below the {level} threshold ({threshold}) for {periods} periods "
                           "in a row.")
MSG_FINDING_HELD = N_("{sentence} This period alone is at {raw}; the level is held at {level} until the "
                      "period's own level has been lower for {periods} periods in a row.")
MSG_LEVEL_IN_FORCE = N_("{sentence} The level {period_in}, the last with data, was {level}.")
MSG_RAW_LEVEL = N_("this period alone: {level}")
MSG_LAST_LEVEL = N_("last with data: {level}")


def check_title(check: str) -> Text:
    """The name of a quality check in the bulletin ("isolated spikes"); its own name when not registered."""
    return Text.of(CHECKS[check].title) if check in CHECKS else Text.of(check)


MSG_VALUE_LAST_YEAR = N_("{value} (last year {last_year})")
MSG_FINDING_NO_DATA = N_("{name}: no data for this period ({coverage} of days present).")
MSG_FINDING_NO_REFERENCE = N_("{name}: {value}, not assessed: too few years of record in the reference period "
                              "for its norm or percentiles.")
MSG_FINDING_NO_DATA_QC = N_("{name}: no data for this period ({coverage} of days with good data; "
                            "{errors} value(s) flagged as errors left out).")


def finding_row(f: Finding, ind: Indicator, network: Network, qc: QCReport | None = None,
                period: Period | None = None, deescalation_periods: int = DEESCALATION_PERIODS,
                archive: ArchiveNorm | None = None) -> Row:
    """One finding as the bulletin shows it.

    The sentence states what the period's own value shows (raw level); when the effective level
    is held above it, or a level is in force from before a gap in the data, a second sentence
    says so. The method words its own sentence (:meth:`~bulletin.methods.Method.sentence`).
    A reservoir's volumes, in its sentence too, are shown in the network's volume unit;
    ``archive`` is the norm the data's archive publishes for the finding's series and period.
    """
    st = network[f.station]
    name = Localized.of(ind.names)
    value = quantity(f.value, f.unit)
    shown_value = (Text.of(MSG_VALUE_LAST_YEAR, value=value, last_year=quantity(f.last_year, f.unit))
                   if f.last_year is not None else value)
    raw = f.raw_level or f.level
    held = f.level != NO_DATA and raw != f.level
    condition = crossed_condition(ind, f.applied, raw) if raw in LEVELS[1:] else None
    words = Wording(f, ind, name, value, shown_value, level_text(raw), condition, network.seasons)
    if f.level == NO_DATA and Note.QC_ERRORS in f.notes and qc is not None and period is not None:
        errors = sum(qc.errors_in(f.station, v, period.start, period.end) for v in f.variable.split("-"))
        sentence = Text.of(MSG_FINDING_NO_DATA_QC, name=name, coverage=quantity(100 * f.coverage, "%"), errors=errors)
    elif f.level == NO_DATA:
        sentence = (ind.method.no_data_sentence(words)
                    or (Text.of(MSG_FINDING_NO_REFERENCE, name=name, value=shown_value)
                        if Note.NO_REFERENCE in f.notes and f.value is not None else None)
                    or Text.of(MSG_FINDING_NO_DATA, name=name, coverage=quantity(100 * f.coverage, "%")))
    else:
        sentence = ind.method.sentence(words)
    if f.level == NO_DATA and f.level_in_force:
        sentence = Text.of(MSG_LEVEL_IN_FORCE, sentence=sentence, level=level_text(f.level_in_force["level"]),
                           period_in=PeriodIn(parse_period(f.level_in_force["period"], network.seasons)))
    if held:
        sentence = held_sentence(sentence, f, ind, raw, deescalation_periods)
    raw_text = None
    if held:
        raw_text = Text.of(MSG_RAW_LEVEL, level=level_text(raw))
    elif f.level == NO_DATA and f.level_in_force:
        raw_text = Text.of(MSG_LAST_LEVEL, level=level_text(f.level_in_force["level"]))
    row = Row(finding=f, station_name=Localized.of(st.names), country=st.country, indicator_name=name,
              value=value, norm=quantity(f.norm, f.unit), pct_of_norm=quantity(f.pct_of_norm, "%"),
              percentile=quantity(f.percentile, "", 0), last_year=quantity(f.last_year, f.unit),
              previous=quantity(f.previous_period, f.unit), coverage=quantity(100 * f.coverage, "%"), level=f.level,
              category=f.category, category_text=category_text(f.category), condition=condition, sentence=sentence,
              qc_flags=tuple(check_title(c) for c in f.qc_flags),
              state=f.state, state_text=Text.of(STATE_NAMES[f.state]) if f.state else None,
              raw_level=raw if held else None, raw_text=raw_text,
              compared=None if f.indicator_value is None else
              ind.method.compared_quantity(f.indicator_value, f.indicator_unit),
              archive_norm=None if archive is None else norm_comparison(archive, f.norm, network),
              instruction=instruction_of(ind, f.level))
    return in_volume_units(row, network.volume_unit) if f.variable == "volume" else row


def held_sentence(sentence: Text, f: Finding, ind: Indicator, raw: str, periods: int) -> Text:
    """``sentence`` and why the level is held above the period's own ``raw`` level.

    The threshold of the held level, as it applied in the period, tells how the level comes
    down: the value back above a low-side limit (operator < or <=) or back below a high-side
    one (> or >=) for ``periods`` periods in a row. A method without thresholds (a category
    mapped to levels), or a threshold unknown in the period, gets the general sentence.
    """
    params = {"sentence": sentence, "raw": level_text(raw), "level": level_text(f.level), "periods": periods}
    t = next((t for t in f.applied if t.level == f.level), None)
    if t is None or t.operator not in OPERATORS or t.value is None or math.isnan(t.value):
        return Text.of(MSG_FINDING_HELD, **params)
    q = quantity(t.value, t.unit, decimals_of(t.value))
    threshold = Quantity(q.value, q.unit, q.decimals, ind.method.signed)
    msg = MSG_FINDING_HELD_LOW if t.operator in ("<", "<=") else MSG_FINDING_HELD_HIGH
    return Text.of(msg, threshold=threshold, **params)


def instruction_of(ind: Indicator, level: str) -> Localized | None:
    """The catalogue's instruction for ``level`` of the indicator (or of its rule); None when it gives none."""
    texts = ind.instruction(level) if level in LEVELS[1:] else None
    return Localized.of(texts) if texts else None


def in_volume_units(row: Row, unit: str) -> Row:
    """``row`` with the volumes of its quantities and sentences in ``unit`` (the finding itself unchanged)."""
    shown = ("value", "norm", "last_year", "previous", "condition", "sentence", "compared")
    return replace(row, **{k: in_volume_unit(getattr(row, k), unit) for k in shown})


def severity_key(row: Row, key_ids: frozenset = frozenset()):
    """Sort key of a row: most severe first.

    Among equal levels, the catalogue's key indicators, then what is new or escalated, then the
    furthest from normal (lowest or highest percentile).
    """
    pct = row.finding.percentile
    extremeness = abs(50 - pct) if pct is not None else 0
    return (-level_rank(row.level), row.finding.indicator not in key_ids, row.state not in ("new", "escalated"),
            -extremeness)


def country_summaries(rows: list[Row], network: Network) -> tuple:
    """Each country's highest level, its counts by level and its rows away from normal."""
    out = []
    for code in network.countries:
        mine = [r for r in rows if r.country == code]
        evaluated = [r for r in mine if r.level != NO_DATA]
        top = max((r.level for r in evaluated), key=level_rank, default=NO_DATA)
        counts = tuple((lev, sum(r.level == lev for r in mine)) for lev in (*LEVELS, NO_DATA))
        notable = tuple(sorted((r for r in mine if r.level != "normal"), key=severity_key))
        out.append(CountrySummary(code, Localized.of(network.countries[code]), top, counts, notable))
    return tuple(out)


def rows_of(findings: list[Finding], catalogue: Catalogue, network: Network, qc: QCReport, period: Period,
            archive_norms: dict | None = None) -> list[Row]:
    """A row per finding, in the order of the findings; ``archive_norms``: indicator id -> ArchiveNorm."""
    by_id = {ind.id: ind for ind in catalogue.indicators}
    archive_norms = archive_norms or {}
    return [finding_row(f, by_id[f.indicator], network, qc, period, catalogue.deescalation_for(by_id[f.indicator]),
                        archive_norms.get(f.indicator))
            for f in findings]
