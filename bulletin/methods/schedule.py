"""The ``schedule`` method: deviation from the agreed operating schedule, % of the plan."""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass

from .. import files
from ..errors import ConfigError, UsageError
from ..periods import RESOLUTIONS, parse_period, season_so_far
from ..text import N_, Text, quantity, signed
from ..units import conversion_factor, load_variables, unit_dimension
from .formulas import cumulative_schedule_deviation, schedule_deviation
from .registry import Assessment, Details, Inputs, Method, Note, Wording, clean, register

SCHEDULE_COLUMNS = ("station", "variable", "period", "planned", "unit")
MSG_CONDITION_PLAN = N_("a deviation from the plan {words}")
MSG_FINDING_SCHEDULE = N_("{name}: {value} against a plan of {planned}, a deviation of {deviation}; "
                          "{cumulative} since the season started; {level}, {condition}.")
MSG_FINDING_SCHEDULE_NORMAL = N_("{name}: {value} against a plan of {planned}, a deviation of {deviation}; "
                                 "{cumulative} since the season started; no threshold crossed.")
MSG_FINDING_NO_PLAN = N_("{name}: the schedule has no plan for this period.")


@dataclass(frozen=True)
class ScheduleParams:
    """The schedule files as the catalogue names them, and the plan read from them."""

    files: tuple[str, ...]
    plan: tuple  # ((period label, planned value [canonical unit]), ...)

    def planned_for(self, period) -> float | None:
        """The planned value [canonical unit] of ``period``, or None."""
        return dict(self.plan).get(period.label)


@dataclass(frozen=True)
class ScheduleToDate(Details):
    """The plan of the period and the deviation of the volume since the season started."""

    block = "schedule"
    planned: float | None  # [unit the value is shown in]
    cumulative_deviation: float  # [% of the planned volume to date]
    since: str  # first period of the season

    def as_json(self) -> dict:
        """{planned, cumulative_deviation, since}."""
        return {"planned": clean(self.planned), "cumulative_deviation": clean(self.cumulative_deviation),
                "since": self.since}


@register
class ScheduleMethod(Method):
    """Deviation of the period's value from the plan of the agreed schedule, % of the plan, against thresholds."""

    name = "schedule"
    title = N_("deviation from the agreed schedule, per cent of the plan, against thresholds")
    keys = ("schedule",)
    fixed_unit = "%"
    signed = True
    condition_msg = MSG_CONDITION_PLAN
    json_block = "schedule"
    diff_keys = {"schedule": ()}

    def parse(self, c, where, spec, ctx) -> ScheduleParams:
        """``schedule``: one CSV file or a list of them, relative to the catalogue.

        The files have the columns station,variable,period,planned,unit; the rows of the indicator's
        station and variable give the plan per dekad or month (e.g. 2026-11-d2).
        """
        raw = spec.get("schedule")
        files = [raw] if isinstance(raw, str) else raw
        if not isinstance(files, list) or not files or not all(isinstance(f, str) and f for f in files):
            c.add(f"{where}.schedule", "name the schedule CSV file (or a list of them), relative to the catalogue, "
                                       "e.g. schedules/toktogul_2026-27_ngs.csv")
            return ScheduleParams((), ())
        canonical = ctx.variables[ctx.variable].unit if ctx.variable in ctx.variables else None
        plan: dict[str, float] = {}
        for name in files:
            _read_plan(c, where, c.file.parent / name, ctx, canonical, plan)
        if not plan and not c.has_errors_at(f"{where}.schedule"):
            c.add(f"{where}.schedule", f"the schedule has no row for {ctx.station} {ctx.variable}")
        return ScheduleParams(tuple(files), tuple(sorted(plan.items())))

    def assess(self, ind, period, inputs: Inputs) -> Assessment:
        """Compare 100 (value - plan) / plan; a period without a plan is no_data."""
        planned = ind.params.planned_for(period)
        return Assessment(compared=schedule_deviation(inputs.value, planned), shown_unit="%",
                          notes=((Note.NO_PLAN, planned is None),))

    def details(self, ind, period, inputs: Inputs) -> ScheduleToDate:
        """The plan of the period [unit of the value] and the deviation of the volume since the season started."""
        planned = ind.params.planned_for(period)
        periods = season_so_far(period, inputs.network.seasons)
        actual = [inputs.data.at(ind.station, ind.series, p) for p in periods]
        to_date = cumulative_schedule_deviation(actual, [ind.params.planned_for(p) for p in periods],
                                                [p.days for p in periods])
        factor = conversion_factor(inputs.canonical, self.value_unit(ind, inputs.canonical))
        return ScheduleToDate(None if planned is None else planned * factor, to_date, periods[0].label)

    def sentence(self, w: Wording) -> Text:
        """"Toktogul release: 600 m³/s against a plan of 500 m³/s, a deviation of +20 %; ..."."""
        f, sched = w.finding, w.finding.details
        return w.crossed_or_not(MSG_FINDING_SCHEDULE, MSG_FINDING_SCHEDULE_NORMAL,
                                planned=quantity(sched.planned, f.unit), deviation=signed(f.indicator_value, "%"),
                                cumulative=signed(sched.cumulative_deviation, "%"))

    def no_data_sentence(self, w: Wording) -> Text | None:
        """The schedule has no plan for the period."""
        return Text.of(MSG_FINDING_NO_PLAN, name=w.name) if Note.NO_PLAN in w.finding.notes else None

    def figure_threshold(self, ind, t, period, norm, station, unit) -> float | None:
        """A deviation from the plan is the plan of the period moved by that share."""
        planned = ind.params.planned_for(period)
        if planned is None:
            return None
        canonical = load_variables()[ind.variable].unit
        return planned * (1 + t.value / 100) * conversion_factor(canonical, unit)

    def diff_fields(self, ind) -> dict:
        """The schedule files."""
        return {"schedule": ind.params.files}


def _read_plan(c, where: str, path, ctx, canonical: str | None, plan: dict) -> None:
    """Add the planned values of one schedule file to ``plan``, recording each bad row."""
    folder = os.path.realpath(c.file.parent)
    if os.path.commonpath([folder, os.path.realpath(path)]) != folder:
        c.add(f"{where}.schedule", f"{path} is not inside the catalogue's folder {c.file.parent}: a schedule is a "
                                   "file beside the catalogue or in a folder below it (e.g. schedules/plan.csv)")
        return
    try:
        text = files.read_capped(path, "schedule", files.LIMITS.config_mib, "config_mib", ConfigError).decode("utf-8")
    except ConfigError as exc:
        c.add(f"{where}.schedule", exc.message.removeprefix(f"{path}: ") + f" ({path})")
        return
    except UnicodeDecodeError:
        c.add(f"{where}.schedule", f"{path} is not UTF-8 text")
        return
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    reader = csv.DictReader(lines)
    if tuple(reader.fieldnames or ()) != SCHEDULE_COLUMNS:  # what the first line holds is not repeated
        c.add(f"{where}.schedule", f"{path}: the first line must be the header {','.join(SCHEDULE_COLUMNS)}")
        return
    for n, row in enumerate(reader, start=2):
        at = f"{where}.schedule: {path}, row {n}"
        if row["station"] != ctx.station or row["variable"] != ctx.variable:
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
            c.add(at, f"unit '{row['unit']}' does not fit {ctx.variable}")
            continue
        if period.label in plan:
            c.add(at, f"period {period.label} is planned twice")
        plan[period.label] = value * conversion_factor(row["unit"], canonical)
