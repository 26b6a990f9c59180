"""The ``withdrawal_limit`` method: a country's withdrawals against its ICWC seasonal limit.

The Interstate Commission for Water Coordination approves, twice a year, a withdrawal limit per
country for the coming growing (April-September) or non-growing season; the limits are
seasonal volumes, so the method projects the season's use to its end and compares that with
the limit [% of the limit].
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..climatology import climate_value
from ..config import did_you_mean, is_number, show_number
from ..errors import UsageError
from ..periods import Seasons, parse_period, season_of, season_so_far
from ..text import N_, Text, decimals_of, quantity
from ..units import conversion_factor, unit_dimension
from .formulas import limit_share, projected_use, projected_use_at_pace, withdrawn_volume
from .registry import Assessment, Details, Inputs, Method, Note, Wording, clean, register

PROJECTIONS = ("rate", "pace")
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
MSG_LIMIT_OF_SEASON = N_("{season}: {limit}")


@dataclass(frozen=True)
class Limit:
    """A seasonal withdrawal limit: ``value`` [Mm3], and the value and unit as the catalogue gives them."""

    value: float
    given: float
    unit: str


@dataclass(frozen=True)
class WithdrawalParams:
    """The seasonal limits ((season label, Limit), ...) in season order, and how the use is projected."""

    limits: tuple
    projection: str = "rate"

    def limit_for(self, season_label: str) -> Limit | None:
        """The limit of a season (label such as ``2026/27-ngs``), or None."""
        return dict(self.limits).get(season_label)


@dataclass(frozen=True)
class WithdrawalToDate(Details):
    """The season's withdrawal to the end of the period against its limit.

    Volumes [Mm3], shares [% of the limit], ``rate`` the mean flow of the period [m3/s];
    ``limit`` None when the catalogue gives no limit for the season.
    """

    block = "withdrawal"
    season: str
    since: str
    season_end: str
    days_left: int
    projection: str
    limit: float | None
    limit_as_agreed: dict | None
    used: float
    used_pct: float
    rate: float
    projected: float
    projected_pct: float

    def as_json(self) -> dict:
        """The ``withdrawal`` block of the results JSON: volumes in Mm3, shares in % of the limit."""
        return {"season": self.season, "since": self.since, "season_end": self.season_end,
                "projection": self.projection, "unit": "Mm3", "limit": self.limit,
                "limit_as_agreed": self.limit_as_agreed, "used": clean(self.used), "used_pct": clean(self.used_pct),
                "rate": clean(self.rate), "projected": clean(self.projected),
                "projected_pct": clean(self.projected_pct)}


@register
class WithdrawalLimitMethod(Method):
    """Withdrawal projected to the end of the season, % of the seasonal limit, against thresholds."""

    name = "withdrawal_limit"
    title = N_("withdrawal projected to the end of the season, per cent of the seasonal limit, against thresholds")
    keys = ("limits", "projection")
    fixed_unit = "%"
    condition_msg = MSG_CONDITION_LIMIT
    restarts_each_season = True
    json_block = "withdrawal"
    diff_keys = {"limits": {}, "projection": None}

    def parse(self, c, where, spec, ctx) -> WithdrawalParams:
        """``limits: {2026-gs: {value: 8.8, unit: km3}, 2026/27-ngs: {...}}`` and ``projection: rate|pace``.

        ``limits`` holds one volume per growing or non-growing season, as ICWC approves them twice a year.
        """
        if ctx.variable != "withdrawal":
            c.add(f"{where}.variable", f"a withdrawal_limit indicator reads the variable 'withdrawal', "
                                       f"not '{ctx.variable}'")
        limits = _parse_limits(c, where, spec.get("limits"), ctx.seasons)
        projection = spec.get("projection", "rate")
        if projection not in PROJECTIONS:
            c.add(f"{where}.projection", f"'{projection}' must be rate (the rate of the period goes on) or pace (the "
                                         f"season keeps its pace against the norms){did_you_mean(projection, PROJECTIONS)}")
            projection = "rate"
        return WithdrawalParams(limits, str(projection))

    def assess(self, ind, period, inputs: Inputs) -> Assessment:
        """Compare the use projected to the end of the season with the season's limit [%] (see :meth:`details`)."""
        d = self.details(ind, period, inputs)
        notes = ((Note.NO_LIMIT, d.limit is None),
                 (Note.SEASON_INCOMPLETE, (d.limit is not None) & np.isnan(d.used) & ~np.isnan(inputs.value)))
        return Assessment(compared=d.projected_pct, shown_unit="%", notes=notes)

    def details(self, ind, period, inputs: Inputs) -> WithdrawalToDate:
        """The season's withdrawal to the end of ``period`` against its limit (arrays for many traces).

        ``used`` [Mm3] is the sum of the mean intake flow of each period since the season
        started times its days times 0.0864 (NaN when a period lacks data), ``rate`` the mean
        flow of the period. With ``projection: rate`` the rate goes on to the end of the season
        (:func:`~bulletin.methods.formulas.projected_use`); with ``pace`` the season keeps its
        pace against the norms of its periods (:func:`~bulletin.methods.formulas.projected_use_at_pace`).
        """
        seasons = inputs.network.seasons
        season = season_of(period, seasons)
        periods = season_so_far(period, seasons)
        flows = np.array([inputs.data.at(ind.station, ind.series, p) for p in periods], dtype=float)
        used = withdrawn_volume(flows, [p.days for p in periods])
        rate = flows[-1] if flows.ndim == 1 else flows[-1, :]
        days_left = (season.end - period.end).days
        if ind.params.projection == "pace":
            whole = [periods[0]]
            while whole[-1].end < season.end:
                whole.append(whole[-1].shift(1))
            norms = [float(climate_value(inputs.climatology, p.period_of_year, "mean")) for p in whole]
            days = [p.days for p in whole]
            projected = projected_use_at_pace(used, withdrawn_volume(norms[:len(periods)], days[:len(periods)]),
                                              withdrawn_volume(norms, days))
        else:
            projected = projected_use(used, rate, days_left)
        limit = ind.params.limit_for(season.label)
        mm3 = None if limit is None else limit.value
        return WithdrawalToDate(
            season.label, periods[0].label, season.end.isoformat(), days_left, ind.params.projection, mm3,
            None if limit is None else {"value": limit.given, "unit": limit.unit},
            used, limit_share(used, mm3), rate, projected, limit_share(projected, mm3))

    def sentence(self, w: Wording) -> Text:
        """"Uzbekistan: 310 m³/s; 2,480 million m³ used since the season started, 28 % of the limit ..."."""
        d = w.finding.details
        return w.crossed_or_not(
            MSG_FINDING_WITHDRAWAL, MSG_FINDING_WITHDRAWAL_NORMAL, used=quantity(d.used, "Mm3"),
            used_pct=quantity(d.used_pct, "%"), limit=quantity(d.limit, "Mm3"), season=parse_period(d.season, w.seasons),
            projection=Text.of(PROJECTION_WORDS[d.projection], projected=quantity(d.projected, "Mm3")),
            projected_pct=quantity(d.projected_pct, "%"))

    def no_data_sentence(self, w: Wording) -> Text | None:
        """No limit for the season, or a period of the season without data."""
        notes = w.finding.notes
        if Note.NO_LIMIT in notes:
            return Text.of(MSG_FINDING_NO_LIMIT, name=w.name, season=parse_period(w.finding.details.season, w.seasons))
        if Note.SEASON_INCOMPLETE in notes:
            return Text.of(MSG_FINDING_SEASON_INCOMPLETE, name=w.name, value=w.shown_value)
        return None

    def annex_details(self, ind, seasons: Seasons) -> tuple:
        """How the use is projected, and the seasonal limits as the catalogue gives them."""
        if not ind.params.limits:
            return ()
        return (Text.of(PROJECTION_METHOD[ind.params.projection]), Text.of(MSG_LIMITS_HEAD)) + tuple(
            Text.of(MSG_LIMIT_OF_SEASON, season=parse_period(label, seasons),
                    limit=quantity(limit.given, limit.unit, decimals_of(limit.given)))
            for label, limit in ind.params.limits)

    def figure_threshold(self, ind, t, period, norm, station, unit) -> float | None:
        """A share of a seasonal limit has no place on a flow axis."""
        return None

    def diff_fields(self, ind) -> dict:
        """The limits as given, and the projection."""
        return {"limits": {label: f"{show_number(limit.given)} {limit.unit}" for label, limit in ind.params.limits},
                "projection": ind.params.projection}


def _parse_limits(c, where: str, raw, seasons: Seasons) -> tuple:
    """((season label, Limit), ...) in season order, from ``limits``."""
    if not isinstance(raw, dict) or not raw:
        c.add(f"{where}.limits", "give the seasonal limits, e.g. {2026-gs: {value: 8.8, unit: km3}, "
                                 "2026/27-ngs: {value: 3.34, unit: km3}}")
        return ()
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
        if not is_number(value) or value <= 0:
            c.add(f"{at}.value", f"{value!r} must be a volume > 0")
            continue
        out.append((season, Limit(float(value) * conversion_factor(unit, "Mm3"), float(value), unit)))
    return tuple((p.label, limit) for p, limit in sorted(out, key=lambda x: x[0].start))
