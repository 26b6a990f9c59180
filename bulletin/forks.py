"""Work shared among forked processes, one per core, with results in the order of the work.

Reading many files, checking blocks of series, computing and writing blocks of an archive's
tables are independent pieces. :func:`ordered_map` hands them to processes forked from this one,
which inherit everything already in memory (the observations, the libraries imported); only each
piece's argument and result cross between processes. Results come back in the order of the
pieces, so the output is the one of a single process, byte for byte.

Forking is not used within a worker process already (a backfill's, a dask worker's), nor where
the platform cannot fork: the pieces then run here, one after the other.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from .errors import BulletinError

_JOBS: dict[int, Callable] = {}
"""The functions of the maps running, by number: inherited by the forked workers, never pickled."""
_NUMBERS = itertools.count()


def cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def can_fork() -> bool:
    """Whether work may go to forked processes: the platform forks, and this is not a worker already."""
    return multiprocessing.parent_process() is None and "fork" in multiprocessing.get_all_start_methods()


def workers_for(pieces: int, limit: int | None = None) -> int:
    """Processes for ``pieces`` pieces of work: one per core (at most ``limit``), never more than the pieces.

    1 when forking is not possible or there is a single piece.
    """
    if pieces < 2 or not can_fork():
        return 1
    return max(1, min(pieces, cores(), limit or pieces))


def _call(job: tuple[int, object]):
    number, piece = job
    return _JOBS[number](piece)


def ordered_map(func: Callable, pieces: Iterable, workers: int | None = None) -> Iterator:
    """``func(piece)`` of each piece, in the order of the pieces, computed in ``workers`` forked processes.

    ``workers`` defaults to :func:`workers_for` the pieces; with one worker the pieces are computed
    here, lazily. ``func`` is inherited by the workers at fork (a closure over large tables
    costs nothing); its results must pickle. An exception raised by ``func`` is raised here,
    once the results before it have been given; a worker killed (by the system, out of memory)
    is a :class:`~bulletin.errors.BulletinError` here, not a wait for ever.

    >>> list(ordered_map(lambda x: x * x, range(5), workers=1))
    [0, 1, 4, 9, 16]
    """
    pieces = list(pieces)
    count = workers if workers is not None else workers_for(len(pieces))
    if count <= 1 or len(pieces) < 2 or not can_fork():
        yield from map(func, pieces)
        return
    number = next(_NUMBERS)
    _JOBS[number] = func
    pool = ProcessPoolExecutor(min(count, len(pieces)), mp_context=multiprocessing.get_context("fork"))
    done = False
    try:
        futures = [pool.submit(_call, (number, p)) for p in pieces]
        for future in futures:
            try:
                result = future.result()
            except BrokenProcessPool as exc:  # a worker killed (out of memory, a signal): never a wait for ever
                raise BulletinError(
                    "a worker process ended before giving its result (killed, perhaps for lack of memory).",
                    hint="run again with more memory free, or on fewer data at a time.") from exc
            yield result
        done = True
    finally:
        pool.shutdown(wait=done, cancel_futures=not done)  # stopped early: the pieces not begun are dropped
        del _JOBS[number]
