"""The checks of many daily series at once: the network's, or an archive's thousands.

:func:`~bulletin.qc.run_qc` runs the checks of dekad and month values series by series. The
daily series (the network's, or an archive of a whole hydromet service: thousands of gauges
with the same checks), :func:`run_daily_batch` checks in blocks: each check on
a block of series at once: an array of days x series, the same operations column by
column. Each column of a block's mask is the check's own mask of that series, and its sentence is
written by the check's own sentence function; series without a flag need none. So the flags,
sentences and errors are those of the series-by-series run (the tests hold them equal).

Only checks with a batched form (:data:`BATCHED`) run on blocks; any other configured check
runs series by series, and the row checks (dates given twice, out of order) run on the series
whose rows a vectorised test finds suspect (:func:`rows_flagged`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..aggregation import days_in_period, sort_order
from ..forks import ordered_map, workers_for
from ..ingest.observations import codes_of, series_codes
from ..periods import PERIODS_PER_YEAR, period_keys, period_last_days
from . import checks as _checks
from .registry import CHECKS, CheckResult, flag_rows

BLOCK = 256  # series per block: a block of 35 years of days is 256 x 12,784 values, 26 MB a table


def _future(x: np.ndarray, dates: pd.DatetimeIndex, params: dict) -> np.ndarray | None:
    if params.get("as_of") is None:
        return None
    late = np.asarray(dates > pd.Timestamp(params["as_of"]))
    return ~np.isnan(x) & late[:, None]


def _negative(x: np.ndarray, dates: pd.DatetimeIndex, params: dict) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return x < 0


def _implausible(x: np.ndarray, dates: pd.DatetimeIndex, params: dict) -> np.ndarray:
    bad = np.isinf(x)
    with np.errstate(invalid="ignore"):
        if params["min"] is not None:
            bad |= x < params["min"]
        if params["max"] is not None:
            bad |= x > params["max"]
    return bad


def _flat_line(x: np.ndarray, dates: pd.DatetimeIndex, params: dict) -> np.ndarray:
    new = np.ones(x.shape, dtype=bool)
    with np.errstate(invalid="ignore"):
        new[1:] = ~(x[1:] == x[:-1])  # NaN never equals: each missing day is a run of its own
    runs = np.cumsum(new.T.ravel()).reshape(x.shape[::-1]).T  # run numbers down each column, then across
    length = np.bincount(runs.ravel())[runs]
    mask = (length >= int(params["days"])) & ~np.isnan(x)
    if params["ignore_zero"]:
        mask &= x != 0
    return mask


def _completeness(x: np.ndarray, dates: pd.DatetimeIndex, params: dict) -> np.ndarray:
    """Per day and series: fewer days present in its period than the rule asks (``dates``: consecutive days)."""
    resolution = params["resolution"]
    if resolution not in PERIODS_PER_YEAR:
        raise ValueError(f"unknown resolution {resolution!r}")
    day = pd.DatetimeIndex(dates).to_numpy().astype("datetime64[D]")
    # each period one stretch of the consecutive days: it begins the day after one ends
    starts = np.r_[0, (period_last_days(resolution, day[0], day[-1]) - day[0]).astype(np.int64) + 1]
    starts = starts[starts < len(day)]
    days = days_in_period(resolution, *period_keys(pd.DatetimeIndex(dates[starts]), resolution))  # calendar days
    present = np.add.reduceat(~np.isnan(x), starts, axis=0, dtype=np.int64)  # days present per period
    short = present < params["min_share"] * days[:, None]  # the same for every day of a period
    return np.repeat(short, np.diff(np.append(starts, len(day))), axis=0)


# check name -> (mask of a days x series array, or None when it flags nothing; the check's sentence for
# one series' mask; its severity): each mask column is the check's own mask of that series
BATCHED = {
    "gaps": (lambda x, dates, p: np.isnan(x), _checks.gaps_sentence, "info"),
    "future": (_future, _checks.future_sentence, "error"),
    "negative": (_negative, _checks.negative_sentence, "error"),
    "implausible": (_implausible, _checks.implausible_sentence, "error"),
    "flat_line": (_flat_line, _checks.flat_line_sentence, "warning"),
    "spike": (lambda x, dates, p: _checks.spike_array(x, p), _checks.spike_sentence, "warning"),
    "completeness": (_completeness, _checks.completeness_sentence, "info"),
}


def rows_flagged(rows: pd.DataFrame, code: np.ndarray, configured: dict) -> set[int]:
    """The series (codes) that the row checks (duplicates, unsorted) may flag: confirmed one by one.

    In the common case (each series and file listed day after day, in one stretch) this is one
    pass over integer keys; otherwise a sort.
    """
    return _rows_flagged(_days(rows), codes_of(rows["file"])[0], code, configured)


def _days(rows: pd.DataFrame) -> np.ndarray:
    """The day number (since 1970) of each row."""
    return rows["date"].to_numpy().astype("datetime64[D]").astype(np.int64)


def _rows_flagged(day: np.ndarray, files: np.ndarray, code: np.ndarray, configured: dict) -> set[int]:
    """:func:`rows_flagged` of the rows' day numbers and file codes."""
    out: set[int] = set()
    if day.size == 0:
        return out
    group = code.astype(np.int64) * (int(files.max(initial=0)) + 1) + files  # one series in one file
    low = int(day.min())
    span = int(day.max()) - low + 1
    change = np.flatnonzero(group[1:] != group[:-1]) + 1
    stretches = change.size + 1
    simple = stretches == pd.unique(group).size  # each group's rows in one stretch
    if "duplicates" in configured:
        key = code.astype(np.int64) * span + (day - low)
        if not (simple and np.all(key[1:] > key[:-1])):
            dup = pd.Series(key).duplicated(keep=False).to_numpy()
            out |= set(np.unique(code[dup]).tolist())
    if "unsorted" in configured:
        if simple:
            same = np.ones(day.size - 1, dtype=bool)
            same[change - 1] = False
            late = np.zeros(day.size, dtype=bool)
            # a row earlier than the one above it in the same stretch; then the check itself says more
            late[1:] = same & (day[1:] < day[:-1])
            out |= set(np.unique(code[late]).tolist())
        else:
            order = np.argsort(group, kind="stable")  # each series and file in the order of its rows
            g, d = group[order], day[order] - low
            running = np.maximum.accumulate(g * span + d)  # groups in increasing order
            first = np.ones(g.size, dtype=bool)
            first[1:] = g[1:] != g[:-1]
            prev = np.concatenate(([-1], running[:-1]))
            late = ~first & (g * span + d < prev)
            out |= set(np.unique(code[order][late]).tolist())
    return out


def run_daily_batch(rows: pd.DataFrame, keys: list[tuple[str, str]], configured: dict, context: dict,
                    record, record_errors, keep_good=lambda station: True, record_rows=None, codes=None,
                    station_of=lambda station: None) -> None:
    """Run ``configured`` checks on the daily series ``keys``, block by block.

    Parameters
    ----------
    rows : pandas.DataFrame
        The observation rows of these series (station, variable, date, value, file, line).
    keys : list of (station, variable)
        The series, all with the same configured checks.
    configured : dict
        Check name -> parameters (:meth:`~bulletin.qc.config.QCConfig.checks_for`).
    context : dict
        Run-time inputs of the checks (``as_of``).
    record : callable
        ``record(station, variable, name, result, index)``: records the flags of one check.
    record_errors : callable
        ``record_errors(station, variable, dates, good)``: the dates flagged as errors and the
        series without them.
    keep_good : callable
        ``keep_good(station)``: whether the series without errors is needed (else None may be given).
    codes : tuple, optional
        :func:`~bulletin.ingest.observations.series_codes` of ``rows``, when the caller has them.
    record_rows : callable, optional
        ``record_rows(station, variable, rows)``: records flag rows made by :func:`~.registry.flag_rows`
        in a forked worker (without it, the blocks are checked in this process).
    station_of : callable, optional
        ``station_of(station)``: the network's station (capacity, level range) given to the checks
        without a batched form, or None for a station outside the network.

    With several blocks and cores, the blocks are checked in forked processes, one per core
    (:func:`~bulletin.forks.ordered_map`); their flags are recorded here in block order, as one process would.
    """
    row_code, present = codes if codes is not None else series_codes(rows)
    run_daily_arrays(DailyRows.of(rows), (row_code, present), keys, configured, context, record, record_errors,
                     keep_good, record_rows, station_of)


class DailyRows(NamedTuple):
    """The columns of daily rows that the checks in blocks read, as arrays (taken once for many groups)."""

    day: np.ndarray  # day number (since 1970) of each row
    value: np.ndarray
    files: np.ndarray  # file code of each row
    unit: str  # of the rows' dates
    rows_of: Callable  # (station, variable) -> that series' rows (date, value, file, line), for the row checks

    @classmethod
    def of(cls, rows: pd.DataFrame, among: np.ndarray | None = None) -> DailyRows:
        """The arrays of ``rows``; the row checks read the rows of a series ``among`` them (bool per row)."""

        def rows_of(station: str, variable: str) -> pd.DataFrame:
            sel = (rows["station"] == station).to_numpy() & (rows["variable"] == variable).to_numpy()
            return rows.loc[sel if among is None else sel & among, ["date", "value", "file", "line"]]

        return cls(_days(rows), rows["value"].to_numpy(dtype=float), codes_of(rows["file"])[0],
                   np.datetime_data(rows["date"].dtype)[0], rows_of)

    def take(self, at: np.ndarray) -> DailyRows:
        """The rows at positions ``at`` (in that order); the row checks read the same rows of a series."""
        return self._replace(day=self.day[at], value=self.value[at], files=self.files[at])


def run_daily_arrays(daily: DailyRows, codes: tuple, keys: list[tuple[str, str]], configured: dict, context: dict,
                     record, record_errors, keep_good=lambda station: True, record_rows=None,
                     station_of=lambda station: None) -> None:
    """:func:`run_daily_batch` of rows given as arrays, with their :func:`~bulletin.ingest.observations.series_codes`."""
    row_code, present = codes
    position = {key: i for i, key in enumerate(keys)}
    code = np.array([position.get(key, -1) for key in present], dtype=np.intp)[row_code]
    day = daily.day
    by_rows = _rows_flagged(day, daily.files, code, configured) \
        if "duplicates" in configured or "unsorted" in configured else set()
    value = daily.value
    missing = np.isnan(value)
    if missing.any():  # per series and day, a present value first
        order = np.lexsort((missing, day, code))
    else:
        order = sort_order(code, day)
    if order is not None:
        code, day, value = code[order], day[order], value[order]
    first = np.ones(code.size, dtype=bool)
    first[1:] = (code[1:] != code[:-1]) | (day[1:] != day[:-1])
    code, day, value = code[first], day[first], value[first]
    starts = np.searchsorted(code, np.arange(len(keys) + 1))
    unit = daily.unit

    def run(lo: int, record, record_errors) -> None:
        hi = min(lo + BLOCK, len(keys))
        _block(keys, lo, hi, code[starts[lo]:starts[hi]] - lo, day[starts[lo]:starts[hi]],
               value[starts[lo]:starts[hi]], daily.rows_of, by_rows, configured, context, record, record_errors,
               unit, station_of, keep_good)

    blocks = list(range(0, len(keys), BLOCK))
    workers = workers_for(len(blocks)) if record_rows is not None else 1
    if workers == 1:
        for lo in blocks:
            run(lo, record, record_errors)
        return
    forked = partial(_run_forked, run, keep_good)
    for flags, errors in ordered_map(forked, blocks, workers):  # in block order: the same order as one process
        for station, variable, rows in flags:
            record_rows(station, variable, rows)
        for args in errors:
            record_errors(*args)


def _run_forked(run, keep_good, lo: int) -> tuple[list, list]:
    """In a forked worker: one block's flags and errors, collected to be recorded by the parent in order."""
    flags: list = []
    errors: list = []

    def record(station, variable, name, result, index):
        rows: list = []
        flag_rows(rows, station, variable, "day", name, result, index)
        flags.append((station, variable, rows))

    run(lo, record,
        lambda station, variable, dates, good: errors.append(
            (station, variable, dates, good if keep_good(station) else None)))
    return flags, errors


def _block(keys, lo, hi, code, day, value, rows_of, by_rows, configured, context, record, record_errors,
           unit: str, station_of, keep_good) -> None:
    """Check the series ``keys[lo:hi]`` as one table of days x series (``code``, ``day`` sorted by series and day)."""
    width = hi - lo
    first_day, last_day = day.min(), day.max()
    table = np.full((int(last_day - first_day) + 1, width), np.nan, order="F")  # a column: one series' days in a row
    table.reshape(-1, order="F")[code * table.shape[0] + (day - first_day)] = value  # a view: column after column
    dates = pd.DatetimeIndex((first_day + np.arange(table.shape[0])).astype("datetime64[D]")).as_unit(unit)
    bounds = np.searchsorted(code, np.arange(width + 1))
    some = bounds[1:] > bounds[:-1]
    begin = np.where(some, day[np.minimum(bounds[:-1], day.size - 1)] - first_day, np.iinfo(np.int64).max)
    end = np.where(some, day[bounds[1:] - 1] - first_day, -1)
    pos = np.arange(table.shape[0])[:, None]
    in_range = (pos >= begin[None, :]) & (pos <= end[None, :])
    error = np.zeros(table.shape, dtype=bool)
    checked = table  # the values not flagged as errors yet
    spans: dict = {}

    def span(col: int) -> pd.DatetimeIndex:
        """The days from the first to the last row of the series in column ``col``."""
        if col not in spans:
            spans[col] = dates[begin[col]: end[col] + 1]
        return spans[col]

    def own(col: int, x: np.ndarray) -> pd.Series:
        return pd.Series(x[begin[col]: end[col] + 1, col], index=span(col), name=col)

    def flag(station: str, variable: str, col: int, name: str, result: CheckResult) -> None:
        nonlocal checked
        index = span(col)
        record(station, variable, name, result, index)
        if result.severity == "error":
            mask = result.mask
            if mask.index is index and mask.dtype == bool:
                hit = mask.to_numpy()
            else:
                hit = mask.reindex(index, fill_value=False).fillna(False).to_numpy(dtype=bool)
            hit = hit & ~np.isnan(table[begin[col]: end[col] + 1, col])
            if hit.any():
                error[begin[col]: end[col] + 1, col] |= hit
                checked = table.copy(order="F")
                checked[error] = np.nan

    def confirm(name: str, chk, params: dict, columns) -> None:
        """Run the check itself on each of ``columns``: its flags and its sentence."""
        for col in columns:
            station, variable = keys[lo + col]
            if chk.kind == "rows":
                result = chk.func(rows_of(station, variable), None, params)
            else:
                result = chk.func(own(col, checked), station_of(station), params)
            flag(station, variable, col, name, result)

    for name, params in configured.items():
        chk = CHECKS[name]
        if name == "completeness" or not chk.runs_on("day"):
            continue
        params = {**params, **{k: context[k] for k in chk.context}}
        if chk.kind == "rows":
            confirm(name, chk, params, [c for c in range(width) if lo + c in by_rows])
            continue
        if name not in BATCHED:
            confirm(name, chk, params, range(width))
            continue
        masks, sentence, severity = BATCHED[name]
        mask = masks(checked, dates, params)
        if mask is None:
            continue
        mask = mask & in_range
        for col in np.flatnonzero(mask.any(axis=0)):
            station, variable = keys[lo + col]
            m = pd.Series(mask[begin[col]: end[col] + 1, col], index=span(col))
            flag(station, variable, col, name, CheckResult(m, sentence(m, params), severity))
    good = table.copy(order="F")
    good[error] = np.nan
    for col in range(width):
        station, variable = keys[lo + col]
        bad = error[begin[col]: end[col] + 1, col]
        dates_bad = span(col)[bad] if bad.any() else span(col)[:0]
        record_errors(station, variable, dates_bad, own(col, good) if keep_good(station) else None)
    if "completeness" in configured:
        params = configured["completeness"]
        mask = _completeness(good, dates, params) & in_range
        for col in np.flatnonzero(mask.any(axis=0)):
            station, variable = keys[lo + col]
            m = pd.Series(mask[begin[col]: end[col] + 1, col], index=span(col))
            record(station, variable, "completeness", CheckResult(m, _checks.completeness_sentence(m, params), "info"),
                   None)
