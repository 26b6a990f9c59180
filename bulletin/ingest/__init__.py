"""Readers: one thin reader per format, registered by name, all ending in :class:`Observations`.

A reader turns a file into a table of raw text fields with line numbers; :func:`normalise`
then resolves stations, checks variables, parses dates and numbers and converts units, and
reports every problem with its file and line. No quality control happens here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import IngestError
from ..network import Network
from ..resources import resource_path
from ..units import conversion_factor, known_units, load_variables

RESOLUTION_VALUES = ("day", "dekad", "month")
MAX_REPORTED = 20

# name -> (reader function, file suffixes it claims)
READERS: dict[str, tuple[Callable[[Path], pd.DataFrame], tuple[str, ...]]] = {}


def register(name: str, suffixes: tuple[str, ...]):
    """Register a reader: a function ``path -> DataFrame`` of raw text fields plus a ``line`` column."""

    def wrap(func):
        READERS[name] = (func, suffixes)
        return func

    return wrap


@dataclass(frozen=True)
class InputFile:
    path: str
    sha256: str


@dataclass
class Observations:
    """Observations in canonical units.

    ``frame`` has one row per observation: station, variable, date (datetime64, UTC day;
    for dekad and month values the last day of the period), value [canonical unit],
    resolution, flag, file, line.
    """

    frame: pd.DataFrame
    inputs: list[InputFile] = field(default_factory=list)
    unknown_stations: list[str] = field(default_factory=list)

    def keys(self) -> list[tuple[str, str]]:
        """(station, variable) pairs present, in order of first appearance."""
        pairs = self.frame[["station", "variable"]].drop_duplicates()
        return list(map(tuple, pairs.to_numpy()))

    def series(self, station: str, variable: str, resolution: str = "day") -> pd.Series:
        """Values of one station and variable at one resolution, indexed by date, sorted."""
        f = self._groups().get((station, variable, resolution))
        if f is None:
            return pd.Series([], index=pd.DatetimeIndex([], name="date"), dtype=float, name=variable)
        return pd.Series(f["value"].to_numpy(), index=pd.DatetimeIndex(f["date"], name="date"), name=variable)

    def _groups(self) -> dict:
        if not hasattr(self, "_cache"):
            ordered = self.frame.sort_values(["station", "variable", "resolution", "date"], kind="stable")
            self._cache = {k: g for k, g in ordered.groupby(["station", "variable", "resolution"], sort=False)}
        return self._cache

    @property
    def last_date(self):
        return self.frame["date"].max().date() if len(self.frame) else None

    def to_dataset(self, resolution: str = "day"):
        """The observations as an xarray Dataset (station x time), one data variable per variable."""
        import xarray as xr

        f = self.frame[self.frame["resolution"] == resolution]
        table = f.pivot_table(index=["station", "date"], columns="variable", values="value", aggfunc="first")
        ds = xr.Dataset.from_dataframe(table).rename({"date": "time"})
        for name, var in load_variables().items():
            if name in ds:
                ds[name].attrs["units"] = var.unit
        return ds


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def sample_data_path() -> Path:
    return resource_path("data", "sample")


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files named directly, and the data files inside named directories (sorted)."""
    suffixes = tuple(s for _, sfx in READERS.values() for s in sfx)
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(f for f in p.iterdir() if f.is_file() and f.name.lower().endswith(suffixes))
            if not found:
                raise IngestError(f"{p}: the directory holds no data file ({', '.join(suffixes)}).")
            files += found
        elif p.is_file():
            files.append(p)
        else:
            raise IngestError(f"{p}: no such file or directory.", hint="check the path given with --data.")
    return files


def reader_for(path: Path, name: str | None = None):
    if name:
        if name not in READERS:
            raise IngestError(f"unknown reader '{name}'.", hint=f"use one of: {', '.join(sorted(READERS))}.")
        return READERS[name][0]
    lower = path.name.lower()
    for func, suffixes in READERS.values():
        if lower.endswith(suffixes):
            return func
    raise IngestError(f"{path}: no reader for this kind of file.",
                      hint=f"name one with --reader ({', '.join(sorted(READERS))}).")


def read_observations(paths: Iterable[str | Path] | None, network: Network | None, *,
                      allow_unknown_stations: bool = False, reader: str | None = None) -> Observations:
    """Read every file into one :class:`Observations` (``paths`` None: the embedded sample).

    Parameters
    ----------
    network : Network or None
        Resolves station ids and aliases. Without a network every station name is kept.
    allow_unknown_stations : bool
        Keep stations that are not in the network (reported in ``unknown_stations``)
        instead of raising an error naming their file and line.
    """
    files = expand_paths([sample_data_path()] if paths is None else list(paths))
    frames, inputs = [], []
    for path in files:
        raw = reader_for(path, reader)(path)
        frames.append(normalise(raw, path, network, allow_unknown_stations))
        inputs.append(InputFile(path.name if paths is None else str(path), sha256_of(path)))
    frame = pd.concat(frames, ignore_index=True) if frames else _empty_frame()
    _check_conflicting_duplicates(frame)
    unknown = sorted(set(frame["station"]) - set(network.stations)) if network else []
    return Observations(frame, inputs, unknown)


def _empty_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "station": pd.Series([], dtype=object), "variable": pd.Series([], dtype=object),
        "date": pd.Series([], dtype="datetime64[ns]"), "value": pd.Series([], dtype=float),
        "resolution": pd.Series([], dtype=object), "flag": pd.Series([], dtype=object),
        "file": pd.Series([], dtype=object), "line": pd.Series([], dtype=np.int64),
    })


def _raise(path: Path, problems: list[str], hint: str) -> None:
    shown = problems[:MAX_REPORTED]
    more = len(problems) - len(shown)
    if more:
        shown.append(f"... and {more} more")
    raise IngestError(f"{path}: {len(problems)} problem(s) in the data:", details=shown, hint=hint)


def normalise(raw: pd.DataFrame, path: Path, network: Network | None, allow_unknown: bool) -> pd.DataFrame:
    """Raw text fields (station, variable, date, value, unit[, resolution, flag], line) to canonical rows."""
    variables = load_variables()
    problems: list[str] = []
    lines = raw["line"].to_numpy()

    def report(mask, message):
        for ln, text in zip(lines[mask], message(mask), strict=True):
            problems.append(f"line {ln}: {text}")

    station_in = raw["station"].str.strip()
    stations = station_in.copy()
    if network is not None:
        mapping = {name: network.resolve(name) for name in station_in.unique()}
        resolved = station_in.map(mapping)
        unknown = resolved.isna().to_numpy()
        if allow_unknown:
            stations = resolved.fillna(station_in)
        else:
            stations = resolved
            report(unknown, lambda m: [f"unknown station '{s}'{network.suggest(s)}" for s in station_in[m]])
    variable = raw["variable"].str.strip().str.lower()
    bad_var = ~variable.isin(list(variables)).to_numpy()
    report(bad_var, lambda m: [f"unknown variable '{v}' (known: {', '.join(variables)})" for v in raw["variable"][m]])

    resolution = raw["resolution"].str.strip().replace("", "day") if "resolution" in raw else pd.Series("day", index=raw.index)
    bad_res = ~resolution.isin(RESOLUTION_VALUES).to_numpy()
    report(bad_res, lambda m: [f"resolution '{r}' is not one of {', '.join(RESOLUTION_VALUES)}" for r in resolution[m]])

    dates = pd.to_datetime(raw["date"].str.strip(), format="%Y-%m-%d", errors="coerce")
    bad_date = dates.isna().to_numpy()
    report(bad_date, lambda m: [f"date '{d}' is not a date in the form YYYY-MM-DD" for d in raw["date"][m]])

    text = raw["value"].str.strip()
    values = pd.to_numeric(text, errors="coerce")
    bad_value = (values.isna() & (text != "")).to_numpy()
    report(bad_value, lambda m: [f"value '{v}' is not a number (use a point as decimal separator; leave the field empty for a missing value)" for v in raw["value"][m]])

    factors = np.ones(len(raw))
    units = raw["unit"].str.strip()
    for (var, unit), idx in pd.DataFrame({"v": variable, "u": units}).groupby(["v", "u"], sort=False).groups.items():
        if var not in variables:
            continue
        try:
            factors[raw.index.get_indexer(idx)] = conversion_factor(unit, variables[var].unit)
        except ValueError as exc:
            m = (variable == var).to_numpy() & (units == unit).to_numpy()
            report(m, lambda mm, e=exc, v=var: [f"{e}; {v} is measured in {variables[v].unit} (accepted: {', '.join(known_units())})"] * int(mm.sum()))
    if problems:
        problems.sort(key=lambda p: int(p.split(":")[0].split()[1]))
        _raise(path, problems, "correct the lines named above; see the canonical CSV format in the README.")
    return pd.DataFrame({
        "station": stations.to_numpy(dtype=object), "variable": variable.to_numpy(dtype=object),
        "date": dates.to_numpy(), "value": values.to_numpy(dtype=float) * factors,
        "resolution": resolution.to_numpy(dtype=object),
        "flag": (raw["flag"].str.strip() if "flag" in raw else pd.Series("", index=raw.index)).to_numpy(dtype=object),
        "file": str(path.name), "line": lines.astype(np.int64),
    })


def _check_conflicting_duplicates(frame: pd.DataFrame) -> None:
    key = ["station", "variable", "resolution", "date"]
    dup = frame[frame.duplicated(key, keep=False)]
    if dup.empty:
        return
    problems = []
    for (station, variable, _res, date), g in dup.groupby(key, sort=True):
        vals = g["value"].to_numpy()
        if np.allclose(vals, vals[0], equal_nan=True):
            continue
        where = " and ".join(f"{f} line {ln} ({v:g})" for f, ln, v in zip(g["file"], g["line"], vals, strict=True))
        problems.append(f"{station} {variable} {date:%Y-%m-%d}: conflicting values at {where}")
    if problems:
        raise IngestError(f"{len(problems)} observation(s) are given twice with different values:",
                          details=problems[:MAX_REPORTED], hint="keep one value per station, variable and date.")


from . import csv as _csv  # noqa: E402,F401  (registers the reader)
