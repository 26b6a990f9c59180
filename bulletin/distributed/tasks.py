"""What a worker does: find the observed series of a chunk of stations, and compute a chunk's rows.

A task is given the store's path (the same on every machine: a shared folder) and the positions
of its stations; it opens the store itself and reads only those stations, so no value passes
through the client. :func:`run_part` builds the chunk's :class:`~bulletin.ingest.Observations`
as the Zarr reader and :func:`~bulletin.ingest.read_observations` build them (the same raw rows,
the same :func:`~bulletin.ingest.normalise`), runs the quality checks on them
(:func:`~bulletin.qc.without_errors`), leaves out the values flagged as errors, and computes the
command's table (:mod:`.outputs`). Stations are taken :data:`BATCH_VALUES` values at a time,
so that a worker's memory is bounded by the chunk, not by the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..climatology import ClimateSettings
from ..ingest import Observations, RawTable, ReadOptions, normalise
from ..ingest.zarr import HINT, observed, open_store, store_layout, store_rows
from ..network import Network
from ..qc import QCConfig, without_errors
from .outputs import climatology_frame, ssi_frame, station_blocks, status_frame

BATCH_VALUES = 1_000_000
"""Values (cells of the store) turned into observation rows at once in a task: about 400 MB of tables."""


@dataclass(frozen=True)
class Job:
    """What every task of one command needs (sent to the workers with each task)."""

    command: str  # climatology, status or ssi
    resolution: str
    settings: ClimateSettings
    network: Network | None
    qc_config: QCConfig | None
    allow_unknown: bool = False
    options: ReadOptions = ReadOptions()
    scale: int = 1
    distribution: str = "gamma"


@dataclass(frozen=True)
class PartResult:
    """The rows of a part's stations: (station, CSV rows without header, number of rows), in station order.

    ``flow_series`` counts the flow series the part holds (``ssi`` refuses data without any).
    """

    blocks: list[tuple[str, bytes, int]]
    flow_series: int = 0


def observed_stations(store: str, start: int, stop: int, options: ReadOptions | None = None) -> np.ndarray:
    """Which stations of positions ``start:stop`` have an observation in each array of the store."""
    path = Path(store)
    ds = open_store(path)
    layout = store_layout(path, ds, options)
    return observed(ds, layout, np.arange(start, stop))


def batches(positions: list[int], per_batch: int) -> list[list[int]]:
    """``positions`` cut into lists of at most ``per_batch``.

    >>> batches([1, 2, 3, 4, 5], 2)
    [[1, 2], [3, 4], [5]]
    """
    return [positions[i:i + per_batch] for i in range(0, len(positions), max(per_batch, 1))]


def chunk_observations(path: Path, ds, layout, positions: list[int], job: Job) -> Observations:
    """The observations of the stations at ``positions``, as the reader of the store gives them."""
    raw = RawTable(store_rows(path, ds, layout, np.asarray(positions, dtype=np.int64)), hint=HINT,
                   notes=layout.notes())
    frame = normalise(raw, path, job.network, job.allow_unknown, job.options)
    if "norm" in frame:  # the archive's norms: not used by climatology, status or ssi
        frame = frame.drop(columns="norm")
    return Observations(frame)


def run_part(job: Job, store: str, positions: list[int], together: bool = False) -> PartResult:
    """The command's rows for the stations at ``positions`` of ``store``.

    ``together``: the stations are checked in one batch (the stations joined by flow links,
    whose checks compare their series); else they are taken :data:`BATCH_VALUES` values at a time.
    """
    path = Path(store)
    ds = open_store(path)
    layout = store_layout(path, ds, job.options)
    per_station = sum(ds.sizes[a.axis] for a in layout.arrays)
    size = len(positions) if together else max(1, BATCH_VALUES // max(per_station, 1))
    blocks, flows = [], 0
    for batch in batches(list(positions), size):
        obs = chunk_observations(path, ds, layout, batch, job)
        good = without_errors(obs, job.network, config=job.qc_config)
        if job.command == "climatology":
            frame = climatology_frame(good, job.resolution, job.settings)
        elif job.command == "status":
            frame = status_frame(good, job.resolution, job.settings)
        else:
            frame, n = ssi_frame(good, job.settings, job.scale, job.distribution)
            flows += n
        blocks += station_blocks(frame)
    return PartResult(sorted(blocks, key=lambda b: b[0]), flows)
