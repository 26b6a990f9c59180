"""Issue every period of a range into an archive, in parallel where the periods do not depend on each other.

The data were read, checked and aggregated once (:func:`bulletin.pipeline.prepare`). Three
steps per period:

1. :func:`~bulletin.archive.publish.compute` (the findings, outlook and document, and the data
   files): each period on its own, run by the worker processes;
2. :func:`~bulletin.archive.publish.finish` (the number, "what changed", the results JSON and
   the CAP messages, each comparing with the period before): in order, in this process;
3. the HTML and PDF pages: by the worker processes again.

Finished periods are committed in order, several at a time when they are ready together (at
least :data:`COMMIT_EVERY` seconds apart), so that an interrupted backfill resumes at the first
period not committed.

The workers are forked from this process with its heap frozen (:func:`gc.freeze`): the data,
libraries and caches they inherit stay alive as long as they do, so their garbage collections
need not walk them again, and the pages they share with this process are not copied by it.
"""

from __future__ import annotations

import gc
import multiprocessing
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor

from ..errors import BulletinError
from ..periods import Period
from ..pipeline import Prepared
from .publish import Request, Schedule, commit_issues, compute, finish, open_manifest, render_pages
from .store import ArchiveStore

COMMIT_EVERY = 10.0
"""Seconds between two commits of a backfill: each commit rewrites the index, the feed, the manifest and
``latest/``, in this process, beside the workers; an interrupted backfill redoes at most this much."""

_PREPARED: list = []  # what the forked workers inherit: (prepared, request)


def _compute(period: Period, issued_at):
    prepared, request = _PREPARED[0]
    return compute(prepared, period, issued_at, request)


def _pages(bulletin) -> dict:
    return render_pages(bulletin, _PREPARED[0][1])


class _Inline:
    """A stand-in for the process pool when one worker is asked for: runs each call at once."""

    def submit(self, fn, *args) -> Future:
        future: Future = Future()
        future.set_result(fn(*args))
        return future

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def backfill(prepared: Prepared, store: ArchiveStore, periods: list[Period], schedule: Schedule, request: Request,
             *, workers: int = 1, progress: Callable | None = None) -> list[str]:
    """Issue every period of ``periods`` not yet in the archive, in order; return the labels issued.

    ``progress(done, total, label)`` is called for each period committed. A period that cannot
    be issued (too few findings with data, say) stops the backfill: the periods before it are
    committed, and its error is raised saying so.
    """
    with store.locked():
        manifest = open_manifest(store, prepared, request)
        todo = [p for p in periods if manifest.find(p) is None]
        if not todo:
            return []
        _PREPARED[:] = [(prepared, request)]
        with_pages = bool({"html", "pdf"} & set(request.formats))
        if with_pages:  # imported once here, not once in every worker
            from ..render import html, pdf  # noqa: F401
        frozen = workers > 1
        if frozen:  # the heap the workers inherit lives as long as they do: no collection walks it again
            gc.collect()
            gc.freeze()
        try:
            pool = (_Inline() if workers <= 1 else
                    ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")))
            with pool:
                computing = [pool.submit(_compute, p, schedule.issued_at(p)) for p in todo]
                pending: dict = {}
                finished, failure = [], None
                for future in computing:  # in order: each compares with the one before
                    try:
                        one = finish(prepared, manifest, store, future.result(), request, pending=pending)
                    except BulletinError as exc:  # the periods before it are still issued
                        failure = exc
                        break
                    manifest.add(one.period, dict(one.entry, files=[]), one.number)  # seen by the next period
                    finished.append((one, pool.submit(_pages, one.bulletin) if with_pages else _Inline().submit(dict)))
                for future in computing:
                    future.cancel()
                for one, _ in finished:  # taken out again: each is added with its files when committed
                    issue = manifest.find(one.period)
                    manifest.issues.remove(issue)
                done = _commit_in_order(store, manifest, finished, request, progress)
        finally:
            _PREPARED.clear()
            if frozen:
                gc.unfreeze()
    if failure is not None:
        issued = (f"the {len(done)} period(s) before it ({done[0]} to {done[-1]}) were issued; "
                  if done else "no period was issued; ")
        raise type(failure)(f"{failure.message} The backfill stopped there: {issued}run it again to resume.",
                            hint=failure.hint, details=failure.details)
    return done


def _commit_in_order(store, manifest, finished: list, request: Request, progress) -> list[str]:
    done, batch, last = [], [], time.monotonic()
    for i, (one, pages) in enumerate(finished):
        batch.append((one, pages.result()))
        if time.monotonic() - last >= COMMIT_EVERY or i == len(finished) - 1:
            commit_issues(store, manifest, batch, request)
            last = time.monotonic()
            for j, (committed, _) in enumerate(batch):
                done.append(committed.period.label)
                if progress is not None:
                    progress(len(done) - len(batch) + j + 1, len(finished), committed.period.label)
            batch = []
    return done
