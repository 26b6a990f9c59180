"""The QC report: flags in runs of days, the values flagged as errors, and views of both."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

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

    # ---- questions of one finding ------------------------------------------------------
    def _hits(self, station: str, variable: str, start, end) -> pd.DataFrame:
        f = self.flags
        return f[(f["station"] == station) & (f["variable"] == variable)
                 & (f["first"] <= pd.Timestamp(end)) & (f["last"] >= pd.Timestamp(start))]

    def for_period(self, station: str, variable: str, start, end) -> list[str]:
        """Names of the checks that flagged any day of ``station``/``variable`` in [start, end]."""
        return sorted(set(self._hits(station, variable, start, end)["check"]))

    def errors_in(self, station: str, variable: str, start, end) -> int:
        """Number of values of ``station``/``variable`` in [start, end] flagged as errors."""
        e = self.errors
        if e.empty:
            return 0
        return int(((e["station"] == station) & (e["variable"] == variable)
                    & (e["date"] >= pd.Timestamp(start)) & (e["date"] <= pd.Timestamp(end))).sum())

    def incomplete(self, station: str, variable: str, period) -> bool:
        """True when the completeness rule of ``variable`` flags ``period`` (same resolution)."""
        if self.completeness.get(variable) != period.kind:
            return False
        hits = self._hits(station, variable, period.start, period.end)
        return bool((hits["check"] == "completeness").any())

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
        return replace(obs, frame=frame.drop(index=drop))
