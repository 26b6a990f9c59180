"""The CSV tables of ``climatology``, ``status`` and ``ssi``, from observations already cleaned by QC.

One function per command gives the table of the observations it is given: all of them on the
in-memory path, one chunk of stations on the distributed path. Every row depends on its own
series only, so the tables of the chunks, put in station order, are the table of the whole; both
paths write them with :func:`csv_text`, so they give the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from ..climatology import ClimateSettings
from ..cube import climatology_table, period_table, status_rows
from ..ingest import Observations
from ..ingest.grid import GridObservations
from ..tables import csv_text
from ..units import load_variables

CLIMATOLOGY_COLUMNS = ["station", "variable", "unit", "resolution", "period_of_year", "n_years", "mean",
                       "p10", "p25", "p50", "p75", "p90"]
STATUS_COLUMNS = ["station", "variable", "resolution", "unit", "period", "value", "pct_of_norm", "percentile",
                  "category"]
SSI_COLUMNS = ["station", "variable", "period", "scale", "distribution", "unit", "ssi"]
COLUMNS = {"climatology": CLIMATOLOGY_COLUMNS, "status": STATUS_COLUMNS, "ssi": SSI_COLUMNS}


def units_of(variables: pd.Series) -> np.ndarray:
    """The canonical unit of each row's variable ('' for a variable not in variables.yml)."""
    known = load_variables()
    codes, uniques = pd.factorize(np.asarray(variables, dtype=object))
    return np.array([known[v].unit if v in known else "" for v in uniques] + [""], dtype=object)[codes]


def climatology_frame(obs: Observations, resolution: str, settings: ClimateSettings) -> pd.DataFrame:
    """``bulletin climatology``: norm and percentiles per series and period of year (:data:`CLIMATOLOGY_COLUMNS`)."""
    frame = climatology_table(period_table(obs, resolution), resolution, settings, sorted(obs.keys()))
    frame.insert(2, "unit", units_of(frame["variable"]))
    frame.insert(3, "resolution", resolution)
    return frame[CLIMATOLOGY_COLUMNS]


def status_frame(obs: Observations, resolution: str, settings: ClimateSettings) -> pd.DataFrame:
    """``bulletin status``: % of norm, percentile and category of every period (:data:`STATUS_COLUMNS`)."""
    frame = status_rows(period_table(obs, resolution), resolution, settings)
    frame.insert(2, "resolution", resolution)
    frame.insert(3, "unit", units_of(frame["variable"]))
    frame["value"] = frame["value"].astype(float).replace([np.inf, -np.inf], np.nan)
    return frame[STATUS_COLUMNS]


def ssi_frame(obs: Observations, settings: ClimateSettings, scale: int,
              distribution: str) -> tuple[pd.DataFrame, int]:
    """``bulletin ssi``: the index of every month of every flow series, and the number of flow series.

    Returns
    -------
    (pandas.DataFrame, int)
        :data:`SSI_COLUMNS` (no row when there is no flow series), and how many flow series the
        observations hold (the command refuses data without any).
    """
    from ..series import period_series
    from ..ssi import COLUMNS, monthly_series, ssi_table

    flows = {name for name, v in load_variables().items() if v.dimension == "flow"}
    frames = []
    for st, var in sorted(obs.keys()):
        if var not in flows:
            continue
        monthly = monthly_series(period_series(obs, st, var, "month"), settings.coverage_for("month"))
        frames.append(ssi_table(monthly, scale, distribution, settings.reference, station=st, variable=var,
                                min_years=settings.min_years))
    if not frames:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in SSI_COLUMNS}), 0
    frame = pd.concat(frames, ignore_index=True)[list(COLUMNS)]
    frame.insert(frame.columns.get_loc("ssi"), "unit", "1")
    return frame, len(frames)



SERIES_PER_BLOCK = 64
"""Series computed at once on the in-memory path: what a block's tables hold, and a step of its progress bar.

Small enough that a process computing block after block reuses the memory of the one before
(blocks of 256 series of 35 years made ``bulletin status`` 0.6 s slower on 1,000 series, in
fresh pages), large enough that the arithmetic stays on whole arrays."""


class SeriesBlocks:
    """The observations of ``per_block`` series at a time, in (station, variable) order: ``blocks[k]``.

    Every row of the tables depends on its own series only, so the tables of the blocks, one
    after the other, are the table of the whole. A block is made when it is asked for (by the
    process that computes it), so that a block's rows and intermediate tables are all that is
    held beside the observations: a view of them when each series is one stretch of rows in
    key order, else a copy of the block's rows. Of observations held as grids
    (:class:`~bulletin.ingest.grid.GridObservations`), a block is the grids of its series.
    """

    def __init__(self, obs: Observations, per_block: int = SERIES_PER_BLOCK):
        self.obs, self.per_block = obs, per_block
        if isinstance(obs, GridObservations):  # a block is made from the grids: the rows of the others never exist
            self.keys = sorted(obs.keys())
            self.series = len(self.keys)
            return
        self.keys = None
        code, keys = obs.codes()
        order = sorted(range(len(keys)), key=lambda k: keys[k])
        rank = np.empty(len(order), dtype=np.int32)
        rank[order] = np.arange(len(order), dtype=np.int32)
        self.obs, self.per_block, self.series = obs, per_block, len(order)
        self.ranked = rank[code]
        self.in_order = bool(np.all(self.ranked[1:] >= self.ranked[:-1]))  # each series in one stretch: slices
        self.bounds = (np.searchsorted(self.ranked, np.arange(0, len(order) + per_block, per_block))
                       if self.in_order else None)

    def __len__(self) -> int:
        return -(-self.series // self.per_block)

    def __getitem__(self, k: int) -> Observations:
        obs = self.obs
        if self.keys is not None:
            return obs.take(self.keys[k * self.per_block:(k + 1) * self.per_block])
        if self.series <= self.per_block:
            frame = obs.frame
        elif self.in_order:
            frame = obs.frame.iloc[self.bounds[k]:self.bounds[k + 1]]  # a view, not a copy
        else:
            start = k * self.per_block
            frame = obs.frame[(self.ranked >= start) & (self.ranked < start + self.per_block)]
        return Observations(frame, obs.inputs, obs.unknown_stations, obs.archive_norms, obs.notes)

    def __iter__(self) -> Iterator[Observations]:
        return (self[k] for k in range(len(self)))


def series_blocks(obs: Observations, per_block: int = SERIES_PER_BLOCK) -> SeriesBlocks:
    """The blocks of ``per_block`` series of ``obs`` (:class:`SeriesBlocks`), each made when asked for."""
    return SeriesBlocks(obs, per_block)


def header_text(command: str) -> str:
    """The header line of a command's CSV."""
    return ",".join(COLUMNS[command]) + "\n"


def station_blocks(frame: pd.DataFrame) -> list[tuple[str, bytes, int]]:
    """(station, its rows as CSV without header, number of rows) for each station of ``frame``, in its order.

    ``frame`` is sorted by station (as every table above is); the blocks of all stations, in
    station order after the header, are :func:`csv_text` of the whole table.
    """
    if frame.empty:
        return []
    stations = np.asarray(frame["station"], dtype=object)
    edge = np.flatnonzero(np.r_[True, stations[1:] != stations[:-1], True])
    text = csv_text(frame, header=False).encode("utf-8")
    ends = np.flatnonzero(np.frombuffer(text, dtype=np.uint8) == ord("\n")) + 1
    if ends.size != len(frame):  # a field with a line break: cut frame by frame instead
        return [(str(stations[a]), csv_text(frame.iloc[a:b], header=False).encode("utf-8"), b - a)
                for a, b in zip(edge[:-1], edge[1:], strict=True)]
    starts = np.r_[0, ends]
    return [(str(stations[a]), text[starts[a]:starts[b]], int(b - a)) for a, b in zip(edge[:-1], edge[1:], strict=True)]
