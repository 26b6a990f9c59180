"""Work in forked processes (bulletin/forks.py): the results of one process, in the same order."""

from __future__ import annotations

import os
import sys

import numpy as np
import pytest

from bulletin.errors import BulletinError, IngestError
from bulletin.forks import can_fork, ordered_map, workers_for

needs_fork = pytest.mark.skipif(not can_fork(), reason="this platform cannot fork")


@needs_fork
def test_results_come_in_the_order_of_the_pieces_from_other_processes():
    table = np.arange(1000.0)  # inherited at fork, not sent

    def piece(k):
        return os.getpid(), float(table[k * 100:(k + 1) * 100].sum())

    forked = list(ordered_map(piece, range(10), workers=2))
    assert [s for _, s in forked] == [sum(range(k * 100, (k + 1) * 100)) for k in range(10)]
    assert os.getpid() not in {pid for pid, _ in forked}


def test_one_worker_computes_here_one_piece_at_a_time():
    done = []

    def piece(k):
        done.append(k)
        return os.getpid()

    results = ordered_map(piece, range(3), workers=1)
    assert next(results) == os.getpid()
    assert done == [0]  # lazily: the second piece waits for its turn
    assert list(results) == [os.getpid()] * 2


@needs_fork
def test_an_error_in_a_worker_is_raised_here_with_its_message_and_hint():
    def piece(k):
        if k == 3:
            raise IngestError(f"piece {k}: broken", hint="mend it")
        return k

    results = ordered_map(piece, range(6), workers=2)
    assert [next(results) for _ in range(3)] == [0, 1, 2]
    with pytest.raises(IngestError) as caught:
        next(results)
    assert (caught.value.message, caught.value.hint) == ("piece 3: broken", "mend it")


def test_workers_are_never_more_than_the_pieces_or_the_cores():
    assert workers_for(0) == workers_for(1) == 1
    if can_fork():
        assert workers_for(2) == min(2, len(os.sched_getaffinity(0)))
        assert workers_for(100, limit=1) == 1


def test_the_data_commands_keep_freed_memory_where_the_c_library_is_glibc():
    """glibc's mallopt takes both settings; elsewhere nothing is changed and False is said (in a process of its own)."""
    import platform
    import subprocess

    said = subprocess.run([sys.executable, "-c", "from bulletin.cli.process import keep_freed_memory; "
                           "print(keep_freed_memory())"], capture_output=True, text=True, check=True).stdout.strip()
    assert said == str(sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc")


@needs_fork
def test_a_worker_killed_is_an_error_not_a_wait_for_ever():
    """As the out-of-memory killer would end it: the piece's result never comes, and the caller is told so."""
    import signal

    def piece(k):
        if k == 1:
            os.kill(os.getpid(), signal.SIGKILL)
        return k

    with pytest.raises(BulletinError, match="killed, perhaps for lack of memory"):
        list(ordered_map(piece, range(4), workers=2))
