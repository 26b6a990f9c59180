"""Quality control: a registry of checks, each returning a flag mask and a sentence.

QC never deletes a value: it flags. Which checks run on which variable, with which
parameters, is configured in ``indicators/variables.yml`` (section ``qc``); which series are
compared along the river is data of the network file (section ``flow_links``). See
:mod:`bulletin.qc.config`.

- :mod:`.registry`: :class:`CheckResult`, the registry :data:`CHECKS`, :func:`runs`;
- :mod:`.checks`: checks of one series (structure, range, behaviour, completeness);
- :mod:`.periodic`: checks of values given per pentad, dekad or month (other years,
  neighbours, repeats, empty values and missing periods);
- :mod:`.consistency`: checks across series (reservoir balance, flows along the river);
- :mod:`.report`: :class:`QCReport`;
- :func:`run_qc` here: runs them all.

Values flagged with severity ``error`` are impossible; :meth:`QCReport.clean` returns the
observations without them, and the pipeline evaluates that copy. Warnings and info are listed
with the findings, and their values are used.
"""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd

from ..ingest import Observations
from ..ingest.observations import codes_of
from ..network import Network
from . import batch as _batch
from . import checks as _checks  # noqa: F401  (registers the checks)
from . import consistency as _consistency  # noqa: F401
from . import periodic as _periodic  # noqa: F401
from .config import QCConfig, load_links, load_qc_config, with_station_exceptions
from .registry import CHECKS, SEVERITIES, Check, CheckResult, check, flag_rows, runs
from .report import ERROR_COLUMNS, FLAG_COLUMNS, QCReport

_runs = runs  # the name the tests and older code use

__all__ = ["CHECKS", "SEVERITIES", "Check", "CheckResult", "QCConfig", "QCReport", "check", "load_qc_config",
           "run_qc", "runs", "without_errors"]

_ROW_COLUMNS = ["date", "value", "file", "line"]




def without_errors(obs: Observations, network: Network | None, *, as_of: date | datetime | None = None,
                   config: QCConfig | None = None) -> Observations:
    """The observations without the values QC flags as errors: ``run_qc(...).clean(obs)``, sooner.

    For the data commands, which use the clean values and no report: the checks that never
    remove a value are left out (on daily series those of :data:`~.batch.BATCHED` that flag
    warnings or facts, and the checks across series); every other check runs as in
    :func:`run_qc`. The tests hold the result equal to ``run_qc(...).clean(obs)``.
    """
    return _run_qc(obs, network, as_of, config, errors_only=True).clean(obs)


def run_qc(obs: Observations, network: Network | None, *, as_of: date | datetime | None = None,
           config: QCConfig | None = None) -> QCReport:
    """Run the configured checks on every series of ``obs``.

    Parameters
    ----------
    obs : Observations
        The observations as read (nothing is removed from them).
    network : Network or None
        Capacities and level ranges for the range checks, and the flow links of the
        consistency checks. Without a network those checks flag nothing.
    as_of : date or None
        The issue date: values dated after it are flagged as errors. None: not checked.
    config : QCConfig or None
        The checks to run (default: the ``qc`` section of the shipped variables.yml).

    Returns
    -------
    QCReport
        The flags, the values flagged as errors and the completeness rules.
    """
    return _run_qc(obs, network, as_of, config)


def _run_qc(obs: Observations, network: Network | None, as_of, config: QCConfig | None,
            errors_only: bool = False) -> QCReport:
    """:func:`run_qc`; with ``errors_only``, the report of :func:`without_errors` (its errors whole, not its flags)."""
    config = with_station_exceptions(config or load_qc_config(), network)
    as_of_ts = None if as_of is None else pd.Timestamp(as_of.date() if isinstance(as_of, datetime) else as_of)
    out: list[tuple] = []
    errors: list[pd.DataFrame] = []
    good_daily: dict[tuple[str, str], pd.Series] = {}
    frame = obs.frame
    batched = _run_batches(frame, network, config, {"as_of": as_of_ts, "resolution": "day"}, obs.codes(),
                           errors_only)
    for (station, variable, resolution), g in _series_in_order(frame, batched, obs.codes()):
        if g is None:
            flags, error_dates, good = batched.pop((station, variable, resolution))
            out += flags
            if len(error_dates):
                errors.append(pd.DataFrame({"station": station, "variable": variable, "resolution": resolution,
                                            "date": error_dates}))
            if good is not None:
                good_daily[(station, variable)] = good
            continue
        st = network.stations.get(station) if network else None
        configured = config.checks_for(station, variable)
        context = {"as_of": as_of_ts, "resolution": resolution}
        values = g.groupby("date", sort=True)["value"].first()
        s = values.asfreq("D") if resolution == "day" else _periodic.period_grid(values, resolution)
        if s.empty:
            continue
        error_mask = np.zeros(len(s), dtype=bool)
        checked = s  # later checks see the series without the values already flagged as errors
        rows = None  # the series' rows as read, for the row checks (which only read them)
        for name, params in configured.items():
            chk = CHECKS[name]
            if name == "completeness" or not chk.runs_on(resolution):
                continue
            params = {**params, **{k: context[k] for k in chk.context}}
            if chk.kind == "rows":
                rows = g[_ROW_COLUMNS] if rows is None else rows
                result = chk.func(rows, st, params)
            else:
                result = chk.func(checked, st, params)
            flag_rows(out, station, variable, resolution, name, result, s.index)
            if result.severity == "error":
                hit = result.mask.reindex(s.index, fill_value=False).fillna(False).to_numpy(dtype=bool) \
                    & s.notna().to_numpy()
                if hit.any():
                    error_mask |= hit
                    checked = s.where(~error_mask)
        if error_mask.any():
            errors.append(pd.DataFrame({"station": station, "variable": variable, "resolution": resolution,
                                        "date": s.index[error_mask]}))
        if resolution != "day":
            continue
        good = s.where(~error_mask)
        good_daily[(station, variable)] = good
        if "completeness" in configured:
            result = CHECKS["completeness"].func(good, st, configured["completeness"])
            flag_rows(out, station, variable, resolution, "completeness", result)
    if not errors_only:  # they flag, never remove
        _consistency_checks(out, good_daily, network, config)
    flags = pd.DataFrame(out, columns=FLAG_COLUMNS)
    flags["days"] = flags["days"].astype(np.int64)
    for col in ("first", "last"):
        flags[col] = pd.to_datetime(flags[col])
    error_frame = (pd.concat(errors, ignore_index=True) if errors
                   else pd.DataFrame({c: pd.Series([], dtype="datetime64[ns]" if c == "date" else object)
                                      for c in ERROR_COLUMNS}))
    rules = {}
    for variable in pd.unique(frame["variable"]):
        rule = config.completeness_rule(variable)
        if rule is not None:
            rules[variable] = rule["resolution"]
    return QCReport(flags, error_frame, rules)


def _first_appearance(codes: np.ndarray) -> np.ndarray:
    """``pd.unique(codes)``, the distinct codes in order of first appearance, from the first row of each run.

    The rows of a series come in stretches: a code first appears where a run of it begins.
    """
    if not codes.size:
        return pd.unique(codes)
    begins = np.flatnonzero(codes[1:] != codes[:-1]) + 1
    return pd.unique(codes[np.concatenate(([0], begins))])


def _series_in_order(frame: pd.DataFrame, batched: dict, codes):
    """Each (station, variable, resolution) of ``frame`` in order of first appearance, with its rows.

    The rows of the series checked in blocks (``batched``) are not needed: None is given for
    them, so that an archive's thousands of series are not cut into thousands of tables.
    """
    series, keys = codes
    resolution, words = codes_of(frame["resolution"])
    width = max(len(words), 1)
    combined = series * width + resolution
    order = _first_appearance(combined)
    names = {k: (*keys[k // width], str(words[k % width])) for k in order.tolist()}
    skip = [k for k, name in names.items() if name in batched]
    skipped = np.zeros(len(keys) * width, dtype=bool)
    skipped[skip] = True
    rest = ~skipped[combined]
    groups = dict(iter(frame[rest].groupby(["station", "variable", "resolution"], sort=False))) if rest.any() else {}
    for k in order.tolist():
        yield names[k], groups.get(names[k])


def _run_batches(frame: pd.DataFrame, network: Network | None, config: QCConfig, context: dict, codes,
                 errors_only: bool = False) -> dict:
    """The flags, error dates and good values of every daily series, run in blocks (:mod:`.batch`).

    With ``errors_only``, only the checks that flag errors run on them (:func:`without_errors`).

    Returns (station, variable, 'day') -> (flag rows, dates flagged as errors, the series without
    them or None): what the series-by-series loop of :func:`run_qc` gives for each. The good
    values are kept for the network's stations (the consistency checks read them) and for any
    station with inflow, release and volume (the reservoir balance).
    """
    day = (frame["resolution"] == "day").to_numpy()
    if not day.any():
        return {}
    row_code, keys = codes
    if not day.all():  # the codes of the daily rows alone, as series_codes gives them, without copying the rows
        order = _first_appearance(row_code[day])  # in order of first appearance among the daily rows
        renumber = np.full(len(keys), -1, dtype=np.int64)
        renumber[order] = np.arange(order.size)
        row_code, keys = renumber[row_code], [keys[k] for k in order.tolist()]
    # the reservoir balance needs the good values of stations with inflow, release and volume
    variables_of: dict = {}
    for station, variable in keys:
        variables_of.setdefault(station, set()).add(variable)
    keep = {st for st, vs in variables_of.items() if {"inflow", "release", "volume"} <= vs}
    stations = network.stations if network else {}
    keep |= set(stations)
    groups: dict = {}
    for station, variable in keys:
        configured = config.checks_for(station, variable)
        groups.setdefault(repr(sorted(configured.items())), (configured, []))[1].append((station, variable))
    found: dict = {}

    def record(station, variable, name, result, index):
        entry = found.setdefault((station, variable, "day"), ([], [], None))
        flag_rows(entry[0], station, variable, "day", name, result, index)

    def record_rows(station, variable, rows):
        found.setdefault((station, variable, "day"), ([], [], None))[0].extend(rows)

    def record_errors(station, variable, dates, good):
        flags, _, _ = found.setdefault((station, variable, "day"), ([], [], None))
        found[(station, variable, "day")] = (flags, dates, good if station in keep else None)

    position = {k: i for i, k in enumerate(keys)}
    daily = _batch.DailyRows.of(frame, None if day.all() else day)  # the columns read, as arrays, once
    for configured, members in groups.values():
        if errors_only:
            configured = {name: params for name, params in configured.items()
                          if name not in _batch.BATCHED or _batch.BATCHED[name][2] == "error"}
        if len(groups) > 1 or not day.all():
            in_group = np.full(len(keys) + 1, -1, dtype=np.int64)  # series code -> number in the group (-1: none)
            in_group[[position[m] for m in members]] = np.arange(len(members))
            at = in_group[row_code] >= 0  # row_code -1 (not daily) reads the last, -1
            at &= day
            at = np.flatnonzero(at)
            sub, sub_codes = daily.take(at), (in_group[row_code[at]], members)
        else:
            sub, sub_codes = daily, (row_code, keys)
        _batch.run_daily_arrays(sub, sub_codes, members, configured, context, record, record_errors,
                                keep_good=keep.__contains__, record_rows=record_rows, station_of=stations.get)
    return found


def _consistency_checks(out: list, good_daily: dict, network: Network | None, config: QCConfig) -> None:
    """Checks across series, on the daily values not flagged as errors."""
    empty = pd.Series([], index=pd.DatetimeIndex([]), dtype=float)

    def series_of(station: str, variable: str) -> pd.Series:
        return good_daily.get((station, variable), empty)

    def record(name: str, results: list[CheckResult]) -> None:
        for result in results:
            for station, variable in result.series:
                flag_rows(out, station, variable, "day", name, result)

    if "reservoir_balance" in config.consistency:
        params = config.consistency["reservoir_balance"]
        stations = dict.fromkeys(sid for sid, _ in good_daily)
        for sid in stations:
            if all((sid, v) in good_daily for v in ("inflow", "release", "volume")):
                st = network.stations.get(sid, sid) if network else sid
                record("reservoir_balance", CHECKS["reservoir_balance"].func(series_of, st, params))
    for link in load_links(network):
        if link.check in config.consistency:
            params = {**config.consistency[link.check], **link.as_params()}
            record(link.check, CHECKS[link.check].func(series_of, None, params))
