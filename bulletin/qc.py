"""Quality control: a registry of checks, each returning a flag mask and a sentence.

QC never deletes a value: it flags. Which checks run on which variable, with which
parameters, is configured in ``indicators/variables.yml`` (section ``qc``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from .errors import ConfigError
from .ingest import Observations
from .network import Network, Station
from .resources import resource_path

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class CheckResult:
    mask: pd.Series  # True where a day is flagged (index: daily dates)
    sentence: str  # what the check found, in English, with numbers (the renderer translates the check name)
    severity: str = "warning"


Check = Callable[[pd.Series, Station | None, dict], CheckResult]
CHECKS: dict[str, Check] = {}


def check(name: str):
    def wrap(func: Check) -> Check:
        CHECKS[name] = func
        return func

    return wrap


@check("negative")
def negative_values(s: pd.Series, station: Station | None, params: dict) -> CheckResult:
    """Values below zero, impossible for flows and volumes."""
    mask = s < 0
    return CheckResult(mask, f"{int(mask.sum())} negative value(s)", "error")


@check("above_capacity")
def above_capacity(s: pd.Series, station: Station | None, params: dict) -> CheckResult:
    """Reservoir volume above its published total capacity [Mm3]."""
    if station is None or station.total_volume is None:
        return CheckResult(s < -np.inf, "no capacity known")
    cap = station.total_volume.value
    mask = s > cap
    return CheckResult(mask, f"{int(mask.sum())} value(s) above the total capacity {cap:g} Mm3", "error")


@check("level_range")
def level_range(s: pd.Series, station: Station | None, params: dict) -> CheckResult:
    """Reservoir level outside the range in the network file [m a.s.l.]."""
    if station is None or station.level_range is None:
        return CheckResult(s < -np.inf, "no level range known")
    lo, hi = station.level_range
    mask = (s < lo - 1.0) | (s > hi + 1.0)
    return CheckResult(mask, f"{int(mask.sum())} level(s) outside {lo:g}-{hi:g} m", "warning")


@check("flat_line")
def flat_line(s: pd.Series, station: Station | None, params: dict) -> CheckResult:
    """The same value on ``days`` or more consecutive days (a stuck sensor or a copied value)."""
    days = int(params.get("days", 10))
    same = s.ne(s.shift()).cumsum()
    run = same.map(same.value_counts())
    mask = (run >= days) & s.notna()
    return CheckResult(mask, f"{int(mask.sum())} day(s) in runs of {days} or more equal values", "warning")


@check("gaps")
def gaps(s: pd.Series, station: Station | None, params: dict) -> CheckResult:
    """Days missing between the first and the last observation."""
    mask = s.isna()
    return CheckResult(mask, f"{int(mask.sum())} missing day(s)", "info")


@lru_cache(maxsize=4)
def load_qc_config(path: str | None = None) -> dict:
    file = Path(path) if path else resource_path("indicators", "variables.yml")
    raw = yaml.safe_load(file.read_text(encoding="utf-8")).get("qc", {})
    for var, checks in raw.items():
        for name in checks:
            if name not in CHECKS:
                raise ConfigError(f"{file}: qc.{var}.{name}: unknown check (known: {', '.join(CHECKS)}).")
    return raw


def _runs(mask: pd.Series) -> list[tuple[pd.Timestamp, pd.Timestamp, int]]:
    """Consecutive runs of True in a daily mask: (first day, last day, days)."""
    m = mask.to_numpy(dtype=bool)
    if not m.any():
        return []
    idx = mask.index
    edges = np.diff(np.concatenate([[0], m.astype(np.int8), [0]]))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1
    return [(idx[a], idx[b], int(b - a + 1)) for a, b in zip(starts, ends, strict=True)]


@dataclass
class QCReport:
    """Flags per station and variable: one row per check and run of flagged days."""

    flags: pd.DataFrame  # station, variable, check, severity, first, last, days, sentence

    def for_period(self, station: str, variable: str, start, end) -> list[str]:
        """Names of the checks that flagged any day of ``station``/``variable`` in [start, end]."""
        f = self.flags
        hit = f[(f["station"] == station) & (f["variable"] == variable)
                & (f["first"] <= pd.Timestamp(end)) & (f["last"] >= pd.Timestamp(start))]
        return sorted(set(hit["check"]))

    def summary(self) -> pd.DataFrame:
        """Flagged days per station, variable and check, over the whole record."""
        if self.flags.empty:
            return pd.DataFrame(columns=["station", "variable", "check", "severity", "days", "runs", "last"])
        g = self.flags.groupby(["station", "variable", "check", "severity"], sort=True)
        return g.agg(days=("days", "sum"), runs=("days", "size"), last=("last", "max")).reset_index()


def run_qc(obs: Observations, network: Network | None) -> QCReport:
    """Run the configured checks on every daily series."""
    config = load_qc_config()
    rows = []
    for station_id, variable in obs.keys():
        series = obs.series(station_id, variable)
        if series.empty:
            continue
        daily = series.groupby(level=0).first().asfreq("D")
        station = network.stations.get(station_id) if network else None
        for name, params in (config.get(variable) or {}).items():
            result = CHECKS[name](daily, station, params or {})
            for first, last, days in _runs(result.mask.fillna(False).astype(bool)):
                rows.append({"station": station_id, "variable": variable, "check": name,
                             "severity": result.severity, "first": first, "last": last, "days": days,
                             "sentence": result.sentence})
    cols = ["station", "variable", "check", "severity", "first", "last", "days", "sentence"]
    return QCReport(pd.DataFrame(rows, columns=cols))
