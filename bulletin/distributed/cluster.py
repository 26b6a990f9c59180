"""The client's side: when to use a cluster, which cluster, the parts of a store, and the rows in order.

:func:`choose_scheduler` decides between the in-memory path and a cluster; :func:`connect`
starts a local cluster or joins a scheduler; :func:`plan_store` cuts the store into parts (one per
chunk of stations, plus one for the stations joined by flow links) after a first pass that finds
which station has which series; :func:`rows_in_order` runs the parts and yields the CSV of the
stations in the order of the in-memory path, as the parts finish.

What runs where: the client reads the store's metadata (never its values), checks its station
ids and units, and writes the rows. Each part is a task on a worker: it reads its stations,
builds their observations, runs every quality check of one series (range, spikes, flat lines,
completeness ... configured in ``variables.yml``) and computes its rows. The checks across
stations, the flow links of the network (``travel_time``, ``confluence``), compare a station
with the stations upstream: the stations a link names are put in one part, checked together,
so that the links see all their series, as on the in-memory path. The values left out as
errors, and so every row, are the same as on the in-memory path.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import UsageError
from ..ingest import RawTable, normalise
from ..ingest.zarr import HINT, STATION, StoreLayout, open_store, store_layout, store_rows
from ..qc.config import load_links
from .tasks import Job, PartResult, observed_stations, run_part

IN_MEMORY_BYTES_PER_VALUE = 50
"""Memory of the in-memory path per value of a store (read as grids, rows built 64 series at a time; measured 38)."""
ROWS_BYTES_PER_VALUE = 450
"""The same, for a store read as rows (a station id twice, an axis out of order; measured 164-415)."""
MEMORY_SHARE = 0.5
"""Share of the memory available the in-memory path may use before a local cluster is taken instead."""


@dataclass
class Plan:
    """The parts of a store: each a list of station positions; ``ids`` the station ids of each part."""

    store: Path
    layout: StoreLayout
    parts: list[list[int]]
    ids: list[list[str]]
    together: list[bool]
    unknown: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def store_memory(path: Path, network=None) -> tuple[int, int]:
    """(values, the in-memory path's memory per value [bytes]) of the store at ``path``, from its metadata, opened once.

    The values are the cells of its arrays. A store is read as grids
    (:data:`IN_MEMORY_BYTES_PER_VALUE`) unless it may give a series twice: a station id written
    twice or naming the same station of ``network`` as another, or a time axis that does not
    increase. Then it is read as rows (:data:`ROWS_BYTES_PER_VALUE`).
    """
    ds = open_store(path)
    layout = store_layout(path, ds)
    n = len(layout.stations)
    values = sum(n * ds.sizes[a.axis] for a in layout.arrays)
    if network is None:
        twice = len(set(layout.stations)) < n
    else:  # two ids that name one station of the network (an alias and its id) give its series twice
        twice = any(len({network.resolve(sid, a.variable) or sid for sid in layout.stations}) < n
                    for a in layout.arrays)
    times = (np.asarray(ds[a.axis].values) for a in layout.arrays)
    ordered = all(t.size < 2 or bool(np.all(t[1:] > t[:-1])) for t in times)
    return values, (IN_MEMORY_BYTES_PER_VALUE if ordered and not twice else ROWS_BYTES_PER_VALUE)


def available_memory() -> int:
    """The memory available on this machine [bytes]."""
    import psutil

    return int(psutil.virtual_memory().available)


def choose_scheduler(values: int, available: int, per_value: int = IN_MEMORY_BYTES_PER_VALUE) -> tuple[str | None, str]:
    """'local' when ``values`` do not fit in ``available`` memory on the in-memory path, else None; and why.

    ``per_value``: the in-memory path's memory per value [bytes] (:func:`store_memory`).

    >>> choose_scheduler(1_280_000_000, 24 * 2**30)[0]  # 100,000 stations of 35 years of days
    'local'
    >>> choose_scheduler(128_000_000, 24 * 2**30)[0] is None  # 10,000: about 6 GB
    True
    """
    need = values * per_value
    why = (f"{values:,} values: about {need / 2**30:.1f} GiB on the in-memory path, "
           f"{available / 2**30:.1f} GiB of memory available")
    return ("local" if need > MEMORY_SHARE * available else None), why


def cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


@contextmanager
def connect(scheduler: str):
    """A dask.distributed Client: on a new LocalCluster (``local``, a worker per core) or the scheduler at ADDRESS."""
    from distributed import Client, LocalCluster

    if scheduler == "local":
        with LocalCluster(n_workers=cores(), threads_per_worker=1, processes=True, dashboard_address=":0",
                          silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(scheduler, timeout="20s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise UsageError(f"--scheduler {scheduler}: no dask scheduler answers at this address ({exc}).",
                         hint="start one with 'dask scheduler' and workers with 'dask worker ADDRESS' (README, "
                              "'Running on a cluster'), or use --scheduler local.") from exc
    with client:
        yield client


def one_store(paths: list[str]) -> Path:
    """The one Zarr store the distributed path reads, or a usage error saying how to get one."""
    stores = [Path(p) for p in paths if Path(p).is_dir() and str(p).lower().rstrip("/").endswith(".zarr")]
    if len(paths) != 1 or len(stores) != 1:
        given = ", ".join(map(str, paths)) or "the embedded sample"
        raise UsageError(f"--scheduler: the distributed path reads one Zarr store, not {given}.",
                         hint="convert the data into one store first: bulletin convert --data FILE... --out "
                              "STORE.zarr, then --data STORE.zarr.")
    return stores[0].resolve()


def plan_store(client, store: Path, job: Job, chunk_stations: int | None = None) -> Plan:
    """The parts of ``store``: its chunks of stations, and one part for the stations of the flow links.

    A first pass on the workers finds which station has observations of which array; the
    client then resolves those stations against the network as the reader does (an unknown
    station or a unit that is not its variable's is the reader's error, naming the store, the
    variable and the station).
    """
    ds = open_store(store)
    layout = store_layout(store, ds, job.options)
    n = len(layout.stations)
    size = chunk_stations or _store_chunk(ds, layout) or n
    bounds = [(a, min(a + size, n)) for a in range(0, n, size)]
    futures = client.map(observed_stations, [str(store)] * len(bounds), [a for a, _ in bounds],
                         [b for _, b in bounds], [job.options] * len(bounds), pure=False)
    present = np.concatenate(client.gather(futures)) if bounds else np.zeros((0, len(layout.arrays)), dtype=bool)
    raw = store_rows(store, ds, layout, observed=present)
    frame = normalise(RawTable(raw, hint=HINT), store, job.network, job.allow_unknown, job.options)
    position = (raw["line"].to_numpy() - 1) // np.array([ds.sizes[a.axis] for a in layout.arrays])[
        np.repeat(np.arange(len(layout.arrays)), present.sum(axis=0))]
    ids = pd.DataFrame({"id": np.asarray(frame["station"], dtype=object), "position": position}).drop_duplicates()
    twice = ids[ids["id"].duplicated(keep=False)]
    if not twice.empty:
        first = twice["id"].iloc[0]
        names = [layout.stations[p] for p in twice.loc[twice["id"] == first, "position"]]
        raise UsageError(f"{store}: the stations {', '.join(map(repr, names))} are all the station {first}.",
                         hint="give each station one id in the store (convert the data again), or read it without "
                              "--scheduler.")
    linked = _linked_positions(ids, job)
    parts, together = [], []
    for a, b in bounds:
        part = [p for p in range(a, b) if p not in linked and present[p].any()]
        if part:
            parts.append(part)
            together.append(False)
    if linked:
        parts.append(sorted(linked))
        together.append(True)
    ids_of = ids.groupby("position")["id"].agg(list).to_dict()
    part_ids = [sorted({i for p in part for i in ids_of.get(p, [])}) for part in parts]
    unknown = sorted(set(ids["id"]) - set(job.network.stations)) if job.network else []
    return Plan(store, layout, parts, part_ids, together, unknown, layout.notes())


def _store_chunk(ds, layout: StoreLayout) -> int | None:
    """The stations of the store's chunks (those of its first array)."""
    chunks = ds[layout.arrays[0].name].encoding.get("chunks")
    if not chunks:
        return None
    return int(chunks[list(ds[layout.arrays[0].name].dims).index(STATION)])


def _linked_positions(ids: pd.DataFrame, job: Job) -> set[int]:
    """Positions of the stations named by a flow link whose check is configured (checked in one part)."""
    if job.network is None:
        return set()
    from ..qc import load_qc_config

    config = job.qc_config or load_qc_config()
    named = {s for link in load_links(job.network) if link.check in config.consistency
             for s in (link.downstream[0], *(u[0] for u in link.upstream))}
    return set(ids.loc[ids["id"].isin(named), "position"].astype(int))


def rows_in_order(client, plan: Plan, job: Job,
                  progress: Callable[[int], None] | None = None) -> Iterator[tuple[bytes, int]]:
    """(CSV rows, number of rows) of every station with rows, in station order (that of the in-memory path).

    The parts run on the workers; a station's rows are yielded as soon as its part and the parts
    of every station before it have finished, so the client holds only rows not yet written.
    """
    from distributed import as_completed

    futures = [client.submit(run_part, job, str(plan.store), part, together, pure=False)
               for part, together in zip(plan.parts, plan.together, strict=True)]
    part_of = {}
    for k, ids in enumerate(plan.ids):
        for i in ids:
            part_of[i] = k
    order = sorted(part_of)
    results: dict[int, dict[str, tuple[bytes, int]]] = {}
    remaining = [len(ids) for ids in plan.ids]
    flows, done, nxt = 0, set(), 0
    for future in as_completed(futures):
        k = futures.index(future)
        result: PartResult = future.result()
        future.release()
        flows += result.flow_series
        blocks = {s: (text, n) for s, text, n in result.blocks}
        unexpected = set(blocks) - set(plan.ids[k])
        if unexpected:
            raise RuntimeError(f"part {k} gave rows of stations it was not given: {sorted(unexpected)[:5]}")
        results[k] = blocks
        done.add(k)
        if progress:
            progress(1)
        while nxt < len(order) and part_of[order[nxt]] in done:
            k = part_of[order[nxt]]
            found = results[k].pop(order[nxt], None)
            remaining[k] -= 1
            if remaining[k] == 0:
                results.pop(k)
            if found is not None:
                yield found
            nxt += 1
    if job.command == "ssi" and flows == 0:
        raise UsageError("the data hold no flow series (discharge, inflow, release or withdrawal) for an SSI.")
