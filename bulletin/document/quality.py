"""The data-quality section: coverage in the period, flags in the hydrological year, affected findings."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..catalogue import Catalogue
from ..evaluate import Finding
from ..methods import NO_DATA
from ..network import Network
from ..periods import PERIODS_PER_YEAR, Period, hydrological_year, period_end, period_keys
from ..qc import QCReport
from ..text import N_, NP_, Localized, Text, quantity
from .findings import check_title
from .model import QualityCountry, QualityFinding, QualityFlag, QualityRow, QualitySection, QualityStation
from .words import variable_name

SEVERITY_NAMES = {"error": NP_("severity", "error"), "warning": NP_("severity", "warning"),
                  "info": NP_("severity", "info")}
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
MSG_QUALITY_FLAG = N_("{check} ({severity}): {days} d.")
MSG_QUALITY_FLAG_VALUES = N_("{check} ({severity}): values flagged: {days}")  # pentad, dekad or month values
MSG_QUALITY_NO_DATA = N_("{name}: no data, values flagged as errors left out")



def _flagged_days(flags, start: np.datetime64, end: np.datetime64) -> int:
    """Days of the runs in ``flags`` that fall within [start, end]."""
    return int(_days_per_run(flags, start, end).sum())


def _flagged_values(flags, resolution: str, start: np.datetime64, end: np.datetime64) -> int:
    """Values of the runs in ``flags`` (a run is of consecutive pentads, dekads or months) within [start, end].

    Each period's value is dated on its last day, so a period counts when that day is in the window.
    """
    return int(_values_per_run(flags, resolution, start, end).sum())


def _values_per_run(flags, resolution: str, start: np.datetime64, end: np.datetime64) -> np.ndarray:
    """Values of each run in ``flags`` within [start, end] (:func:`_flagged_values` is their sum)."""
    first = pd.DatetimeIndex(flags["first"].clip(lower=start))
    last = pd.DatetimeIndex(flags["last"].clip(upper=end))
    per_year = PERIODS_PER_YEAR[resolution]
    y0, p0 = period_keys(first, resolution)
    y1, p1 = period_keys(last, resolution)
    # a period whose last day is after the window's end is not in it
    last_ends = np.array([period_end(resolution, y, p) for y, p in zip(y1, p1, strict=True)], dtype="datetime64[D]")
    after = (last.values.astype("datetime64[D]") != last_ends).astype(int)
    n = (y1 * per_year + p1) - (y0 * per_year + p0) + 1 - after
    return np.clip(n, 0, None)


def _days_per_run(flags, start: np.datetime64, end: np.datetime64) -> pd.Series:
    """Days of each run in ``flags`` within [start, end] (:func:`_flagged_days` is their sum)."""
    return ((flags["last"].clip(upper=end) - flags["first"].clip(lower=start)).dt.days + 1).clip(lower=0)


def _flags_by_series(flags, start: np.datetime64, end: np.datetime64) -> dict:
    """(station, variable) -> {(check, severity, resolution): (count, message)} of the runs in ``flags``.

    The count of a check's flags on a series is the days of a daily series
    (:func:`_flagged_days`), else the values (:func:`_flagged_values`): each run is counted,
    all at once, and the counts are added up per series and check. A run without a check,
    severity or resolution is left out.
    """
    counts = np.zeros(len(flags), dtype=np.int64)
    resolution = flags["resolution"].to_numpy(dtype=object)
    for res in {r for r in resolution.tolist() if isinstance(r, str)}:
        at = np.flatnonzero(resolution == res)
        rows = flags.iloc[at]
        per_run = _days_per_run(rows, start, end) if res == "day" else _values_per_run(rows, res, start, end)
        counts[at] = np.nan_to_num(np.asarray(per_run, dtype=float)).astype(np.int64)  # a day missing adds none
    out: dict = {}
    keys = (flags[c].to_numpy(dtype=object).tolist() for c in ("station", "variable", "check", "severity"))
    for station, variable, check, severity, res, n in zip(*keys, resolution.tolist(), counts.tolist(), strict=True):
        if not (isinstance(check, str) and isinstance(severity, str) and isinstance(res, str)):
            continue
        per_check = out.setdefault((station, variable), {})
        total = per_check.get((check, severity, res), (0, None))[0] + n
        per_check[(check, severity, res)] = (total, MSG_QUALITY_FLAG if res == "day" else MSG_QUALITY_FLAG_VALUES)
    return out


def quality_section(qc: QCReport, findings: list[Finding], coverage: dict, network: Network, period: Period,
                    catalogue: Catalogue | None = None) -> QualitySection:
    """Data quality by country and station.

    ``coverage`` gives the coverage of the period of every series to speak of
    (:func:`bulletin.products.series_coverage`). A series is shown when it has flags in the
    hydrological year to date, is incomplete in the period, or has findings whose inputs are
    flagged in the period (those that became ``no_data`` because values flagged as errors were
    left out are marked).
    """
    hy = hydrological_year(network.seasons.hydrological_year_of(period.start), network.seasons)
    start, end = np.datetime64(hy.start), np.datetime64(period.end)
    flags = qc.flags
    in_year = flags[(flags["last"] >= start) & (flags["first"] <= end)]
    names = {ind.id: Localized.of(ind.names) for ind in catalogue.indicators} if catalogue else {}
    order = {sid: i for i, sid in enumerate(network.stations)}
    counted = _flags_by_series(in_year, start, end)
    by_station: dict[str, list[QualityRow]] = {}
    for (station_id, variable), share in sorted(coverage.items(), key=lambda kv: (order[kv[0][0]], kv[0][1])):
        mine = counted.get((station_id, variable), {})
        per_check = [
            QualityFlag(check, severity, n, Text.of(message, check=check_title(check),
                                                   severity=Text.of(SEVERITY_NAMES[severity]), days=n))
            for (check, severity, _res), (n, message) in sorted(mine.items()) if n > 0
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
        if per_check or share < 1.0 or affected:
            st = network[station_id]
            by_station.setdefault(station_id, []).append(QualityRow(
                station_id, Localized.of(st.names), st.country, variable, variable_name(variable),
                quantity(100 * share, "%"), tuple(per_check), tuple(affected)))
    countries = []
    for code in network.countries:
        stations = tuple(QualityStation(sid, Localized.of(network[sid].names), tuple(rows))
                         for sid, rows in by_station.items() if network[sid].country == code)
        countries.append(QualityCountry(code, Localized.of(network.countries[code]), stations))
    shown = sum(len(rows) for rows in by_station.values())
    return QualitySection(tuple(countries), len(coverage), shown)
