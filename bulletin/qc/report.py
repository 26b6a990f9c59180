"""The QC report: flags in runs of days, the values flagged as errors, and views of both."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..ingest import Observations

FLAG_COLUMNS = ["station", "variable", "resolution", "check", "severity", "first", "last", "days", "sentence"]
ERROR_COLUMNS = ["station", "variable", "resolution", "date"]
SUMMARY_COLUMNS = ["station", "variable", "check", "severity", "days", "runs", "first", "last"]


def empty_flags() -> pd.DataFrame:
    """A flags table without rows: the columns of :data:`FLAG_COLUMNS` with their dtypes."""
    return pd.DataFrame({c: pd.Series([], dtype="datetime64[ns]" if c in ("first", "last") else
                                      (np.int64 if c == "days" else object)) for c in FLAG_COLUMNS})


def empty_errors() -> pd.DataFrame:
    """An errors table without rows: the columns of :data:`ERROR_COLUMNS` with their dtypes."""
    return pd.DataFrame({c: pd.Series([], dtype="datetime64[ns]" if c == "date" else object) for c in ERROR_COLUMNS})


_NO_DATES = np.array([], dtype="datetime64[ns]")
_NO_CHECKS = np.array([], dtype=object)


@dataclass
class QCReport:
    """Flags per station and variable: one row per check and run of flagged days.

    Attributes
    ----------
    flags : pandas.DataFrame
        station, variable, resolution, check, severity, first, last, days, sentence; one row
        per run of consecutive flagged days (a value given per dekad or month is its own run).
    errors : pandas.DataFrame
        station, variable, resolution, date of every value flagged with severity ``error``:
        the values :meth:`clean` removes before aggregation.
    completeness : dict
        variable -> resolution of its completeness rule (``dekad`` or ``month``).
    """

    flags: pd.DataFrame = field(default_factory=empty_flags)
    errors: pd.DataFrame = field(default_factory=empty_errors)
    completeness: dict = field(default_factory=dict)
    # the flags and errors of each (station, variable), split once when a finding first asks
    _by_series: dict | None = field(default=None, init=False, repr=False, compare=False)

    def _series(self, station: str, variable: str) -> tuple:
        """(first days, last days, checks, error dates) of one series' flags, as arrays.

        A report is asked about each series many times (every finding, every period of a
        backfill): it is split by series once.
        """
        if self._by_series is None:
            f, e = self.flags, self.errors
            errors = {key: g["date"].to_numpy(dtype="datetime64[ns]")
                      for key, g in e.groupby(["station", "variable"], sort=False)}
            index = {}
            for key, g in f.groupby(["station", "variable"], sort=False):
                index[key] = (g["first"].to_numpy(dtype="datetime64[ns]"), g["last"].to_numpy(dtype="datetime64[ns]"),
                              g["check"].to_numpy(dtype=object), errors.get(key, _NO_DATES))
            for key, dates in errors.items():
                index.setdefault(key, (_NO_DATES, _NO_DATES, _NO_CHECKS, dates))
            self._by_series = index
        return self._by_series.get((station, variable), (_NO_DATES, _NO_DATES, _NO_CHECKS, _NO_DATES))

    # ---- questions of one finding ------------------------------------------------------
    def _hits(self, station: str, variable: str, start, end) -> np.ndarray:
        """The checks of the flags of ``station``/``variable`` that overlap [start, end]."""
        first, last, checks, _ = self._series(station, variable)
        if not len(checks):
            return _NO_CHECKS
        return checks[(first <= np.datetime64(pd.Timestamp(end))) & (last >= np.datetime64(pd.Timestamp(start)))]

    def for_period(self, station: str, variable: str, start, end) -> list[str]:
        """Names of the checks that flagged any day of ``station``/``variable`` in [start, end]."""
        return sorted(set(self._hits(station, variable, start, end)))

    def errors_in(self, station: str, variable: str, start, end) -> int:
        """Number of values of ``station``/``variable`` in [start, end] flagged as errors."""
        dates = self._series(station, variable)[3]
        if not len(dates):
            return 0
        return int(((dates >= np.datetime64(pd.Timestamp(start))) & (dates <= np.datetime64(pd.Timestamp(end)))).sum())

    def incomplete(self, station: str, variable: str, period) -> bool:
        """True when the completeness rule of ``variable`` flags ``period`` (same resolution)."""
        if self.completeness.get(variable) != period.kind:
            return False
        return "completeness" in self._hits(station, variable, period.start, period.end)

    # ---- the whole report ----------------------------------------------------------------
    @property
    def has_errors(self) -> bool:
        """True when any value is flagged with severity ``error``."""
        return bool((self.flags["severity"] == "error").any())

    def summary(self) -> pd.DataFrame:
        """Flagged days per station, variable, check and severity over the whole record.

        Columns station, variable, check, severity, days (flagged days), runs (runs of
        consecutive flagged days), first and last (first and last flagged day); one row per
        station, variable and check, sorted by them.
        """
        if self.flags.empty:
            return pd.DataFrame({c: pd.Series([], dtype="datetime64[ns]" if c in ("first", "last")
                                              else (np.int64 if c in ("days", "runs") else object))
                                 for c in SUMMARY_COLUMNS})
        g = self.flags.groupby(["station", "variable", "check", "severity"], sort=True)
        out = g.agg(days=("days", "sum"), runs=("days", "size"), first=("first", "min"),
                    last=("last", "max")).reset_index()
        return out[SUMMARY_COLUMNS]

    def clean(self, obs: Observations) -> Observations:
        """A copy of ``obs`` without the values flagged as errors (nothing else changes)."""
        if self.errors.empty:
            return obs
        frame = obs.frame
        e = self.errors
        near = frame["station"].isin(set(e["station"])) & frame["variable"].isin(set(e["variable"]))
        sub = frame.loc[near, ERROR_COLUMNS]
        bad_keys = pd.MultiIndex.from_frame(e[ERROR_COLUMNS])
        bad = pd.MultiIndex.from_frame(sub).isin(bad_keys)
        drop = sub.index[bad]
        return Observations(frame.drop(index=drop), obs.inputs, obs.unknown_stations, obs.archive_norms, obs.notes)
