"""Dekad, month, season and hydrological-year arithmetic.

Notation (DESIGN.md): ``2026-11-d2`` second dekad of November 2026, ``2026-11`` a month,
``2026-gs`` the growing season, ``2026/27-ngs`` the non-growing season, ``2026/27`` the
hydrological year. Dekads are days 1-10, 11-20 and 21 to the end of the month, 36 a year.
Season bounds are configuration (:class:`Seasons`), not code.

Archives also hold pentads, so ingest and aggregation know the calendar of every input
resolution (``OBSERVED_RESOLUTIONS``): ``day``; ``pentad``, 72 a year, 6 a month (days 1-5,
6-10, 11-15, 16-20, 21-25 and 26 to the end of the month, so the 6th has 3 to 6 days);
``dekad``, 36 a year; ``month``, 12 a year. A pentad, dekad or month value is dated by the
last day of its period (DESIGN.md).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta, timezone

import numpy as np
import pandas as pd

from .errors import UsageError

UTC_OFFSET = re.compile(r"^([+-])(0\d|1[0-4]):([0-5]\d)$")
"""A UTC offset as the network file and the alerts write it: sign, hours 00-14, minutes ("+05:00")."""


def offset_timezone(text) -> timezone | None:
    """The fixed time zone of a UTC offset such as ``"+05:00"``; None when ``text`` is not one.

    >>> offset_timezone("+05:00"), offset_timezone("-03:30"), offset_timezone("5:00"), offset_timezone(300)
    (datetime.timezone(datetime.timedelta(seconds=18000)), datetime.timezone(datetime.timedelta(days=-1, seconds=73800)), None, None)
    """
    match = UTC_OFFSET.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        return None
    sign, hours, minutes = match.groups()
    return timezone(timedelta(hours=int(hours), minutes=int(minutes)) * (-1 if sign == "-" else 1))

OBSERVED_RESOLUTIONS = ("day", "pentad", "dekad", "month")
"""The resolutions observations come in, finest first: aggregation prefers the finest present."""
RESOLUTIONS = ("dekad", "month")
"""The reporting resolutions: a bulletin, a norm and a threshold table are per dekad or month."""
PERIODS_PER_YEAR = {"pentad": 72, "dekad": 36, "month": 12}
"""Periods in a calendar year of each resolution that has a period of year."""
# first day of each period within a month, per sub-monthly resolution
_STARTS = {"pentad": (1, 6, 11, 16, 21, 26), "dekad": (1, 11, 21)}


@dataclass(frozen=True)
class Seasons:
    """Season bounds of the basin.

    Parameters
    ----------
    hydrological_year_start : int
        First month of the hydrological year [1-12]; 10 in Central Asia (1 October).
    growing_season : tuple of int
        First and last month of the growing (irrigation) season, inclusive; (4, 9) is
        April-September. The non-growing season is the rest of the hydrological year.
    """

    hydrological_year_start: int = 10
    growing_season: tuple[int, int] = (4, 9)

    def __post_init__(self):
        first, last = self.growing_season
        if not (1 <= first <= last <= 12):
            raise ValueError(f"growing season months {self.growing_season} must be 1 <= first <= last <= 12")
        if not (1 <= self.hydrological_year_start <= 12):
            raise ValueError("hydrological_year_start must be a month number 1-12")

    def in_growing_season(self, month: int) -> bool:
        """Whether ``month`` [1-12] is in the growing season."""
        first, last = self.growing_season
        return first <= month <= last

    def hydrological_year_of(self, day: date) -> int:
        """The year in which the hydrological year containing ``day`` starts."""
        return day.year if day.month >= self.hydrological_year_start else day.year - 1


DEFAULT_SEASONS = Seasons()


def dekad_of_month(day: int) -> int:
    """Dekad number within the month [1-3] of a day of month [1-31]."""
    return 1 if day <= 10 else 2 if day <= 20 else 3


def dekad_of_year(d: date) -> int:
    """Dekad number within the year [1-36]; 1 is 1-10 January."""
    return (d.month - 1) * 3 + dekad_of_month(d.day)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + n
    return index // 12, index % 12 + 1


@dataclass(frozen=True, order=True)
class Period:
    """A reporting period: its first and last day (inclusive) and its kind.

    Kinds: ``dekad``, ``month``, ``gs`` (growing season), ``ngs`` (non-growing season),
    ``year`` (hydrological year).
    """

    start: date
    end: date
    kind: str

    # ---- constructors -------------------------------------------------------------------
    @classmethod
    def dekad(cls, year: int, month: int, n: int) -> Period:
        """Dekad ``n`` [1-3] of ``month`` in ``year``: days 1-10, 11-20 or 21 to the end of the month."""
        if n not in (1, 2, 3):
            raise ValueError(f"dekad number must be 1, 2 or 3, not {n}")
        first = (n - 1) * 10 + 1
        last = _month_end(year, month) if n == 3 else date(year, month, n * 10)
        return cls(date(year, month, first), last, "dekad")

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        """Month ``month`` [1-12] of ``year``."""
        return cls(date(year, month, 1), _month_end(year, month), "month")

    @classmethod
    def from_period_of_year(cls, resolution: str, year: int, period_of_year: int) -> Period:
        """The dekad (1-36) or month (1-12) ``period_of_year`` of calendar ``year``."""
        if resolution == "dekad":
            return cls.dekad(year, (period_of_year - 1) // 3 + 1, (period_of_year - 1) % 3 + 1)
        if resolution == "month":
            return cls.month(year, period_of_year)
        raise ValueError(f"unknown resolution {resolution!r}")

    @classmethod
    def containing(cls, kind: str, d: date, seasons: Seasons = DEFAULT_SEASONS) -> Period:
        """The period of ``kind`` that contains day ``d``."""
        if kind == "dekad":
            return cls.dekad(d.year, d.month, dekad_of_month(d.day))
        if kind == "month":
            return cls.month(d.year, d.month)
        hy = seasons.hydrological_year_of(d)
        if kind == "year":
            return hydrological_year(hy, seasons)
        if kind in ("gs", "ngs"):
            if seasons.in_growing_season(d.month):
                return growing_season(d.year, seasons)
            return non_growing_season(hy, seasons)
        raise ValueError(f"unknown period kind {kind!r}")

    # ---- properties ---------------------------------------------------------------------
    @property
    def days(self) -> int:
        """Number of days in the period."""
        return (self.end - self.start).days + 1

    @property
    def period_of_year(self) -> int:
        """Dekad of year [1-36] or month [1-12]."""
        if self.kind == "dekad":
            return dekad_of_year(self.start)
        if self.kind == "month":
            return self.start.month
        raise ValueError(f"a {self.kind} period has no period of year")

    @property
    def dekad_number(self) -> int:
        """Dekad within the month [1-3]."""
        return dekad_of_month(self.start.day)

    @property
    def label(self) -> str:
        """The period in DESIGN.md notation."""
        y = self.start.year
        if self.kind == "dekad":
            return f"{y:04d}-{self.start.month:02d}-d{self.dekad_number}"
        if self.kind == "month":
            return f"{y:04d}-{self.start.month:02d}"
        if self.kind == "gs":
            return f"{y:04d}-gs"
        if self.kind == "ngs":
            return f"{y:04d}/{(y + 1) % 100:02d}-ngs"
        return f"{y:04d}/{(y + 1) % 100:02d}"

    def __str__(self) -> str:
        return self.label

    # ---- navigation ---------------------------------------------------------------------
    def shift(self, n: int) -> Period:
        """The period ``n`` steps later (negative: earlier); dekads and months only."""
        if self.kind == "dekad":
            index = (self.start.year * 12 + self.start.month - 1) * 3 + self.dekad_number - 1 + n
            month_index, d = divmod(index, 3)
            year, m0 = divmod(month_index, 12)
            return Period.dekad(year, m0 + 1, d + 1)
        if self.kind == "month":
            return Period.month(*_add_months(self.start.year, self.start.month, n))
        raise ValueError(f"cannot shift a {self.kind} period")

    def previous(self) -> Period:
        """The period just before this one (dekads and months only)."""
        return self.shift(-1)

    def same_period_last_year(self) -> Period:
        """The same dekad or month one year earlier."""
        return self.shift(-PERIODS_PER_YEAR[self.kind])


def growing_season(year: int, seasons: Seasons = DEFAULT_SEASONS) -> Period:
    """The growing season of calendar ``year``."""
    first, last = seasons.growing_season
    return Period(date(year, first, 1), _month_end(year, last), "gs")


def hydrological_year(start_year: int, seasons: Seasons = DEFAULT_SEASONS) -> Period:
    """The hydrological year that starts in ``start_year``."""
    m = seasons.hydrological_year_start
    start = date(start_year, m, 1)
    return Period(start, date(start_year + 1, m, 1) - timedelta(days=1), "year")


def non_growing_season(start_year: int, seasons: Seasons = DEFAULT_SEASONS) -> Period:
    """The non-growing season that starts in ``start_year``: after the growing season to its next start."""
    first, last = seasons.growing_season
    ey, em = _add_months(start_year, last, 1)
    start = date(ey, em, 1)
    ny, nm = _add_months(start_year + 1, first, -1)
    return Period(start, _month_end(ny, nm), "ngs")


def season_of(period: Period, seasons: Seasons = DEFAULT_SEASONS) -> Period:
    """The growing or non-growing season that contains the first day of ``period``."""
    kind = "gs" if seasons.in_growing_season(period.start.month) else "ngs"
    return Period.containing(kind, period.start, seasons)


def season_so_far(period: Period, seasons: Seasons = DEFAULT_SEASONS) -> list[Period]:
    """The periods of the season (growing or non-growing) of ``period``, from its first to ``period``.

    >>> [p.label for p in season_so_far(Period.dekad(2026, 10, 3))]
    ['2026-10-d1', '2026-10-d2', '2026-10-d3']
    """
    in_gs = seasons.in_growing_season(period.start.month)
    out = [period]
    p = period.previous()
    while seasons.in_growing_season(p.start.month) == in_gs and len(out) < PERIODS_PER_YEAR[period.kind]:
        out.append(p)
        p = p.previous()
    return out[::-1]


_PATTERNS = [
    (re.compile(r"^(\d{4})-(\d{2})-d([123])$"), "dekad"),
    (re.compile(r"^(\d{4})-(\d{2})$"), "month"),
    (re.compile(r"^(\d{4})-gs$"), "gs"),
    (re.compile(r"^(\d{4})/(\d{2})-ngs$"), "ngs"),
    (re.compile(r"^(\d{4})/(\d{2})$"), "year"),
]


def parse_period(text: str, seasons: Seasons = DEFAULT_SEASONS) -> Period:
    """Parse DESIGN.md period notation.

    Raises
    ------
    UsageError
        When ``text`` is not a period, with the accepted forms.
    """
    text = text.strip()
    for pattern, kind in _PATTERNS:
        m = pattern.match(text)
        if not m:
            continue
        year = int(m.group(1))
        if kind == "dekad" and 1 <= int(m.group(2)) <= 12:
            return Period.dekad(year, int(m.group(2)), int(m.group(3)))
        if kind == "month" and 1 <= int(m.group(2)) <= 12:
            return Period.month(year, int(m.group(2)))
        if kind == "gs":
            return growing_season(year, seasons)
        if kind in ("ngs", "year") and int(m.group(2)) == (year + 1) % 100:
            return non_growing_season(year, seasons) if kind == "ngs" else hydrological_year(year, seasons)
    raise UsageError(
        f"'{text}' is not a period.",
        hint="write 2026-11-d2 (dekad), 2026-11 (month), 2026-gs (growing season), "
        "2026/27-ngs (non-growing season), 2026/27 (hydrological year) or 'latest'.",
    )


def latest_complete(kind: str, last_day: date) -> Period:
    """The latest period of ``kind`` whose last day is on or before ``last_day``."""
    p = Period.containing(kind, last_day)
    return p if p.end <= last_day else p.previous()


def period_keys(dates: pd.DatetimeIndex, resolution: str) -> tuple[np.ndarray, np.ndarray]:
    """Calendar year and period of year (pentad 1-72, dekad 1-36 or month 1-12) of each date, vectorised."""
    if resolution not in PERIODS_PER_YEAR:
        raise ValueError(f"unknown resolution {resolution!r}")
    return pd.DatetimeIndex(dates).year.to_numpy(), period_of_year(resolution, dates)


def period_end(resolution: str, year: int, period_of_year: int) -> date:
    """Last day of period ``period_of_year`` [1-72, 1-36 or 1-12] of calendar ``year``."""
    n = PERIODS_PER_YEAR[resolution]
    if not 1 <= period_of_year <= n:
        raise ValueError(f"a year has {n} {resolution}s, not {period_of_year}")
    if resolution == "month":
        return date(year, period_of_year, calendar.monthrange(year, period_of_year)[1])
    per_month = len(_STARTS[resolution])
    month, k = divmod(period_of_year - 1, per_month)
    starts = _STARTS[resolution]
    if k == per_month - 1:
        return date(year, month + 1, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, starts[k + 1] - 1)


def period_of_year(resolution: str, dates: pd.DatetimeIndex) -> np.ndarray:
    """Period of year of each date: pentad [1-72], dekad [1-36], month [1-12] or day of year [1-366]."""
    dates = pd.DatetimeIndex(dates)
    if resolution == "day":
        return dates.day_of_year.to_numpy()
    months = dates.month.to_numpy()
    if resolution == "month":
        return months
    starts = np.asarray(_STARTS[resolution])
    k = np.searchsorted(starts, dates.day.to_numpy(), side="right")  # 1-based within the month
    return (months - 1) * len(starts) + k


def period_last_days(resolution: str, first: np.datetime64, last: np.datetime64) -> np.ndarray:
    """The days from ``first`` to ``last`` (datetime64[D]) that end a period of ``resolution``.

    The ends that :func:`period_bounds` gives the days from ``first`` to ``last``, without those
    after ``last``, computed on day numbers.

    >>> period_last_days("dekad", np.datetime64("2026-02-09"), np.datetime64("2026-03-10")).tolist()
    [datetime.date(2026, 2, 10), datetime.date(2026, 2, 20), datetime.date(2026, 2, 28), datetime.date(2026, 3, 10)]
    """
    first, last = np.datetime64(first, "D"), np.datetime64(last, "D")
    if resolution == "day":
        return np.arange(first, last + 1)
    starts = (1,) if resolution == "month" else _STARTS[resolution]
    months = np.arange(first.astype("datetime64[M]"), last.astype("datetime64[M]") + 1)
    begin = months.astype("datetime64[D]")
    # each month's periods end the day before the next begins, the last on the month's last day
    ends = np.column_stack([begin + (start - 2) for start in starts[1:]]
                           + [(months + 1).astype("datetime64[D]") - 1]).ravel()
    return ends[(ends >= first) & (ends <= last)]


def period_bounds(resolution: str, dates: pd.DatetimeIndex) -> tuple[pd.DatetimeIndex, pd.DatetimeIndex]:
    """First and last day of the ``resolution`` period containing each date."""
    dates = pd.DatetimeIndex(dates).normalize()
    if resolution == "day":
        return dates, dates
    month_start = dates - pd.to_timedelta(dates.day - 1, unit="D")
    month_end = month_start + pd.offsets.MonthEnd(0)
    if resolution == "month":
        return month_start, month_end
    starts = np.asarray(_STARTS[resolution])
    k = np.searchsorted(starts, dates.day.to_numpy(), side="right") - 1
    first = month_start + pd.to_timedelta(starts[k] - 1, unit="D")
    next_start = np.append(starts[1:], 32)[k]  # the last period of a month runs to its end
    last = np.minimum(month_start + pd.to_timedelta(next_start - 2, unit="D"), month_end)
    return pd.DatetimeIndex(first), pd.DatetimeIndex(last)
