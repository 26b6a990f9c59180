"""The registry of quality checks: name -> :class:`Check` (function, kind, parameters).

A check is a plain function that returns a :class:`CheckResult`: a flag mask, a sentence and
a severity. Three kinds of check differ in what they are given:

``series``
    the daily series of one station and variable (missing days are NaN), the station of the
    network (or None) and the parameters; the mask has the index of the series.
``rows``
    the rows of one station and variable as read (columns date, value, file, line, in file
    order); the mask is indexed by date and marks the days concerned.
``network``
    a function ``(station, variable) -> daily series`` (values flagged as errors already
    removed) and the parameters; the result also names the series its flags belong to.

``pointwise`` series checks judge each value on its own, so they also run on values given
per pentad, dekad or month. ``periodic`` checks run only on such values (:mod:`.periodic`):
their series holds every period from the first to the last row, a period without a row being
NaN. Parameters are declared with their defaults when a check is registered; the
configuration may set only those (:mod:`bulletin.qc.config`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

SEVERITIES = ("error", "warning", "info")
KINDS = ("series", "rows", "network")


@dataclass(frozen=True)
class CheckResult:
    """What one check found on one series.

    Attributes
    ----------
    mask : pandas.Series of bool
        True where a day is flagged.
    sentence : str
        What the check found, in English, with numbers (for ``check-data`` and the JSON; the
        bulletin shows the translated check name).
    severity : {'error', 'warning', 'info'}
        ``error``: the value is impossible and does not enter any aggregation; ``warning``:
        the value is doubtful, listed with the findings but used; ``info``: a fact about the
        record (missing days).
    series : tuple of (station, variable)
        ``network`` checks only: the series the flags belong to.
    """

    mask: pd.Series
    sentence: str
    severity: str = "warning"
    series: tuple = ()


@dataclass(frozen=True)
class Check:
    """A registered check: its function, kind, declared parameters and default severity."""

    name: str
    func: Callable
    title: str  # message id of the check's name in the bulletin ("isolated spikes")
    kind: str = "series"
    defaults: dict = field(default_factory=dict)  # parameter -> default value
    choices: dict = field(default_factory=dict)  # parameter -> allowed values
    context: tuple = ()  # run-time inputs given by run_qc, never configured (e.g. as_of)
    pointwise: bool = False
    periodic: bool = False  # runs only on values given per pentad, dekad or month

    def runs_on(self, resolution: str) -> bool:
        """Whether the check runs on a series of ``resolution`` (``day``, ``pentad``, ``dekad``, ``month``)."""
        if self.periodic:
            return resolution != "day"
        return resolution == "day" or self.pointwise or self.kind == "rows"

    @property
    def description(self) -> str:
        """First line of the check function's docstring."""
        return (self.func.__doc__ or "").strip().split("\n")[0]

    def __call__(self, data, station=None, params: dict | None = None) -> CheckResult:
        """Run the check with ``params`` over its defaults."""
        return self.func(data, station, {**self.defaults, **(params or {})})


CHECKS: dict[str, Check] = {}


def check(name: str, *, title: str, kind: str = "series", pointwise: bool = False, periodic: bool = False,
          choices: dict | None = None, context: tuple = (), **defaults):
    """Decorator that registers a check under ``name``, shown in the bulletin as ``title``.

    ``title`` is a message id marked with :func:`~bulletin.text.N_`; keyword arguments are the
    check's parameters with their defaults.
    """
    if kind not in KINDS:
        raise ValueError(f"check {name}: kind {kind!r} is not one of {KINDS}")

    def wrap(func: Callable) -> Callable:
        CHECKS[name] = Check(name, func, title, kind, dict(defaults), dict(choices or {}), tuple(context), pointwise,
                             periodic)
        return func

    return wrap


def no_flags(index) -> pd.Series:
    """A mask that flags nothing, on ``index``."""
    return pd.Series(False, index=index)


def flag_rows(out: list, station: str, variable: str, resolution: str, name: str, result: CheckResult,
              index: pd.Index | None = None) -> None:
    """Append to ``out`` one flag row per run of days ``result`` flags (on ``index``, when given)."""
    mask = result.mask
    if index is not None and not mask.index.equals(index):
        mask = mask.reindex(index, fill_value=False)
    if mask.dtype != bool:  # a mask of bool has no NaN to fill
        mask = mask.fillna(False).astype(bool)
    for first, last, days in runs(mask):
        out.append((station, variable, resolution, name, result.severity, first, last, days, result.sentence))


def runs(mask: pd.Series) -> list[tuple[pd.Timestamp, pd.Timestamp, int]]:
    """Consecutive runs of True in a mask indexed by date: (first day, last day, days).

    On a daily mask a run is a stretch of consecutive flagged days; on values given per dekad
    or month (one date per period) each value is its own run of one.
    """
    m = mask.to_numpy(dtype=bool)
    if not m.any():
        return []
    idx = pd.DatetimeIndex(mask.index)
    pos = np.flatnonzero(m)
    day = idx.to_numpy()[pos].astype("datetime64[D]").astype(np.int64)  # of the flagged dates only
    # a new run starts where the previous flagged date is not the day before
    new = np.ones(len(pos), dtype=bool)
    new[1:] = (day[1:] - day[:-1]) != 1
    first = np.flatnonzero(new)
    last = np.append(first[1:] - 1, len(pos) - 1)
    lengths = (day[last] - day[first] + 1).tolist()
    return list(zip(idx[pos[first]], idx[pos[last]], lengths, strict=True))  # Timestamps boxed at once
