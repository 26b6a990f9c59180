"""Reading observation files: finding the data files, reading each, and joining them.

:func:`read_observations` expands the paths given into data files, reads each with its reader
(:func:`~bulletin.ingest.registry.read_table`), normalises it
(:func:`~bulletin.ingest.validate.normalise`) and joins them into one :class:`Observations`,
refusing observations given twice with different values.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import IngestError, UsageError
from ..files import regular_file_size
from ..forks import ordered_map, workers_for
from ..network import Network
from ..resources import resource_path
from .grid import GridFile, RawGrid, distinct_series, grid_observations, normalise_grid
from .joined import batches, read_joined
from .observations import (
    InputFile,
    Observations,
    archive_norms_of,
    concat_frames,
    duplicated_rows,
    empty_frame,
    empty_norms,
)
from .registry import READERS, RawTable, ReadOptions, read_table
from .text import MAX_REPORTED
from .validate import normalise


def sha256_of(path: Path) -> str:
    """The SHA-256 digest of a file, in hexadecimal.

    Of a store (a ``.zarr`` folder): the digest of its files' relative paths and contents, in
    sorted order, so that the same store gives the same digest on every machine.
    """
    h = hashlib.sha256()
    files = sorted(f for f in Path(path).rglob("*") if f.is_file()) if _is_store(Path(path)) else [Path(path)]
    for file in files:
        if file != Path(path):
            h.update(file.relative_to(path).as_posix().encode("utf-8") + b"\0")
        with open(file, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()


def _is_store(p: Path) -> bool:
    """A Zarr store: a folder named ``*.zarr``, read as one input, not as a folder of data files."""
    return p.is_dir() and p.name.lower().endswith(".zarr")


def sample_data_path() -> Path:
    """The directory of the embedded sample data, read when no data is given."""
    return resource_path("data", "sample")


def _is_data_file(f: Path, suffixes: tuple[str, ...]) -> bool:
    # "~$book.xlsx" is the lock file Excel leaves beside an open workbook
    return f.is_file() and f.name.lower().endswith(suffixes) and not f.name.startswith("~$")


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files named directly, and the data files inside named directories (sorted)."""
    suffixes = tuple(dict.fromkeys(s for r in READERS.values() for s in r.suffixes))
    files: list[Path] = []
    for p in map(Path, paths):
        if _is_store(p):
            files.append(p)
        elif p.is_dir():
            found = sorted(f for f in p.iterdir() if _is_data_file(f, suffixes))
            if not found:
                raise IngestError(f"{p}: the directory holds no data file ({', '.join(suffixes)}).")
            files += found
        elif p.is_file():
            files.append(p)
        else:  # says what it is: missing, a loop of links, a named pipe, a device
            regular_file_size(p, "data file", IngestError, hint="check the path given with --data.")
            files.append(p)
    return files


def read_observations(paths: Iterable[str | Path] | None, network: Network | None, *,
                      allow_unknown_stations: bool = False, reader: str | None = None,
                      station: str | None = None, variable: str | None = None,
                      unit: str | None = None, station_from_name: str | None = None,
                      progress: Callable[[int], None] | None = None, as_grids: bool = True) -> Observations:
    """Read every file into one :class:`Observations` (``paths`` None: the embedded sample).

    Parameters
    ----------
    paths : iterable of str or Path, or None
        Files, and directories whose data files are all read.
    network : Network or None
        Resolves station ids and aliases. Without a network every station name is kept.
    allow_unknown_stations : bool
        Keep stations that are not in the network (reported in ``unknown_stations``)
        instead of raising an error naming their file and line.
    reader : str, optional
        Name of the reader for every file (``READERS``); default: chosen per file from its
        suffix and its first lines.
    station, variable, unit : str, optional
        For files that do not name them (a yearbook names none). A value in the file wins over
        none given; a value given that differs from the file's is an error.
    station_from_name : str, optional
        A pattern of file names with ``{station}`` and ``*`` (``decadal_*_{station}_Q.csv``):
        each file's station is the part of its name at ``{station}`` (an id or alias of the
        network), for a folder of yearbook files, one station per file. A file whose name does
        named directly and not matching is an error; one found in a folder is skipped (noted).

    progress : callable, optional
        Called with the size [bytes] of each file once it is read (a progress bar's ``update``).
    as_grids : bool
        Keep gridded files (NetCDF files, Zarr stores) as arrays, their rows built when asked for
        (:mod:`.grid`); False builds every row as the file is read, faster for a caller that
        needs them all at once (check-data).

    Raises
    ------
    IngestError
        Naming the file and the line, cell or variable of every problem, and how to fix it.
    """
    files = expand_paths([sample_data_path()] if paths is None else list(paths))
    name_pattern = compile_name_pattern(station_from_name) if station_from_name else None
    named = {Path(p) for p in paths or ()}
    plan: list = []  # in file order: a note (a file skipped) or (path, its read options)
    for path in files:
        if name_pattern is None:
            plan.append((path, ReadOptions(station, variable, unit)))
        elif path not in named and name_pattern.fullmatch(path.name) is None:
            plan.append(f"{path.name}: skipped, its name does not match '{station_from_name}'")
        else:
            plan.append((path, ReadOptions(station_of_file(path, name_pattern, station_from_name, station), variable,
                                           unit, f"taken from the file name {path.name} (--station-from-name)")))
    jobs = [item for item in plan if not isinstance(item, str)]
    workers = _workers(len(jobs))
    if workers > 1:  # forked before any thread starts
        frames, norms, job_notes = _read_forked(jobs, workers, reader, network, allow_unknown_stations, progress,
                                                as_grids)
    # the digests are computed in a thread while the files are parsed: hashlib releases the interpreter
    with ThreadPoolExecutor(1) as hashing:
        digests = {path: hashing.submit(sha256_of, path) for path, _ in jobs}
        try:
            if workers == 1:
                frames, norms, job_notes = _read_serially(jobs, reader, network, allow_unknown_stations, progress,
                                                          as_grids)
        except BaseException:
            for digest in digests.values():
                digest.cancel()
            raise
        inputs = [path for path, _ in jobs]
        inputs = [InputFile(name, digests[path].result())
                  for name, path in zip(relative_to_data_root(inputs), inputs, strict=True)]
    read_notes = iter(job_notes)
    notes = [n for item in plan for n in ([item] if isinstance(item, str) else next(read_notes))]
    archive = pd.concat(norms, ignore_index=True) if norms else empty_norms()
    if frames and all(isinstance(f, GridFile) for f in frames) and distinct_series(frames):
        observations = grid_observations(frames, inputs, [], notes, archive)  # no observation given twice: no check
        if network:
            observations.unknown_stations = sorted(observations.stations() - set(network.stations))
        return observations
    frames = [f.frame() if isinstance(f, GridFile) else f for f in frames]
    frame = concat_frames(frames) if frames else empty_frame()
    unknown = sorted(set(pd.unique(frame["station"])) - set(network.stations)) if network else []
    observations = Observations(frame, inputs, unknown, archive, notes)
    _check_conflicting_duplicates(frame, files, observations.codes())  # the series numbered once, kept
    return observations


PARALLEL_FILES = 200
"""From this many files on they are read in forked processes, one per core: a folder of small files
costs a few milliseconds of pandas a file, not of reading."""


def _read_one(path: Path, reader: str | None, options: ReadOptions, network, allow_unknown: bool,
              as_grids: bool = True):
    """(frame, or :class:`~.grid.GridFile` for a gridded file; archive norms or None; notes) of one data file."""
    raw = read_table(path, reader, options)
    if (raw.size == 0 if isinstance(raw, RawGrid) else raw.rows.empty) and not raw.notes:
        raise IngestError(f"{path}: the file holds no observation.",
                          hint="give a file with data, or leave this one out of --data.")
    if as_grids and isinstance(raw, RawGrid) and raw.size:  # kept as arrays: rows built when a stage needs them
        grids, norms = normalise_grid(raw, path, network, allow_unknown, options)
        return GridFile(grids), norms, [f"{path.name}: {n}" for n in raw.notes]
    if isinstance(raw, RawGrid):  # its rows, and its arrays let go before they are checked
        raw = RawTable(raw.rows, raw.decimal, raw.date_formats, raw.hint, raw.notes)
    frame = normalise(raw, path, network, allow_unknown, options)
    norms = None
    if "norm" in frame:
        norms = archive_norms_of(frame)
        frame = frame.drop(columns="norm")
    return frame, norms, [f"{path.name}: {n}" for n in raw.notes]


def _read_serially(jobs: list, reader, network, allow_unknown: bool, progress=None,
                   as_grids: bool = True) -> tuple[list, list, list]:
    """(frames, archive norms, notes of each job) of the files of ``jobs``, in order.

    Consecutive canonical CSV files are read together when they can be (:mod:`.joined`).
    """
    frames, norms, notes = [], [], []
    runs = (run for batch in batches(jobs, reader)  # one run at a time: the progress moves, errors come in order
            for run in (read_joined(batch, reader, network, allow_unknown) if len(batch) > 1 else [(batch, None)]))
    for run, joined in runs:
        if joined is not None:
            frames.append(joined)
            notes += [[] for _ in run]
            if progress is not None:
                progress(sum(path.stat().st_size for path, _ in run))
            continue
        for path, options in run:
            frame, norm, said = _read_one(path, reader, options, network, allow_unknown, as_grids)
            frames.append(frame)
            norms += [norm] if norm is not None else []
            notes.append(said)
            if progress is not None:
                progress(path.stat().st_size)
    return frames, norms, notes


def _read_part(reader, network, allow_unknown: bool, as_grids: bool, part: list) -> tuple:
    """In a forked process (:func:`_read_forked`): the part's files (a list of frames or grids), norms and notes.

    A part whose files are all gridded gives their :class:`~.grid.GridFile` (arrays, sent back
    as they are); any other part, one frame of the rows of its files.
    """
    frames, norms, notes = _read_serially(part, reader, network, allow_unknown, as_grids=as_grids)
    if frames and all(isinstance(f, GridFile) for f in frames):
        return frames, norms, notes
    return [concat_frames([f.frame() if isinstance(f, GridFile) else f for f in frames])], norms, notes


def _workers(files: int) -> int:
    """Processes to read ``files`` files with: one per core from :data:`PARALLEL_FILES` files on, else 1.

    One within a worker process already (a backfill's, a dask worker's), or where forking is not possible.
    """
    return workers_for(files) if files >= PARALLEL_FILES else 1


def _read_forked(jobs: list, workers: int, reader, network, allow_unknown: bool, progress=None,
                 as_grids: bool = True) -> tuple:
    """:func:`_read_serially` in ``workers`` forked processes, each a contiguous part of the files at a time.

    The parts are joined in file order, and the first error in file order is raised, as one
    process would raise it.
    """
    size = -(-len(jobs) // (workers * 4))  # a few parts a process: the progress moves, the load evens out
    parts = [jobs[k:k + size] for k in range(0, len(jobs), size)]
    frames, norms, notes = [], [], []
    results = ordered_map(partial(_read_part, reader, network, allow_unknown, as_grids), parts, workers)
    for part, (frame, norm, said) in zip(parts, results, strict=True):  # a part's error is raised in its turn
        frames += frame
        norms += norm
        notes += said
        if progress is not None:
            progress(sum(path.stat().st_size for path, _ in part))
    return frames, norms, notes


def relative_to_data_root(paths: list[Path]) -> list[str]:
    """Each path relative to the data root, the deepest folder that holds them all ('/' separators).

    Provenance does not depend on how a path was typed (relative, absolute, with ``..``) nor on
    the machine: the same files give the same names.

    >>> relative_to_data_root([Path("/srv/data/q/a.csv"), Path("/srv/data/../data/v/b.csv")])
    ['q/a.csv', 'v/b.csv']
    >>> relative_to_data_root([Path("/srv/data/q/a.csv")])
    ['a.csv']
    """
    if not paths:
        return []
    absolute = [Path(os.path.abspath(p)) for p in paths]  # normalised (.. removed), symbolic links kept
    root = Path(os.path.commonpath([p.parent for p in absolute]))
    return [p.relative_to(root).as_posix() for p in absolute]


def compile_name_pattern(pattern: str) -> re.Pattern:
    """The regular expression of a file-name pattern with ``{station}`` and ``*``.

    >>> compile_name_pattern("decadal_*_{station}_Q.csv").fullmatch("decadal_Ala_Archa_15194_Q.csv")["station"]
    '15194'
    """
    if pattern.count("{station}") != 1:
        raise UsageError(f"--station-from-name '{pattern}': the pattern needs {{station}} once, where the station "
                         "code is in the file names.", hint="e.g. 'decadal_*_{station}_Q.csv'.")
    head, tail = pattern.split("{station}")
    def part(text):
        return ".*".join(re.escape(piece) for piece in text.split("*"))
    return re.compile(part(head) + r"(?P<station>[^*/\\]+?)" + part(tail))


def station_of_file(path: Path, pattern: re.Pattern, text: str, given: str | None) -> str:
    """The station named by ``path``'s file name under ``pattern``."""
    if given:
        raise UsageError("--station and --station-from-name both name the station; give one of them.")
    found = pattern.fullmatch(path.name)
    if found is None:
        raise IngestError(f"{path}: the file name does not match the pattern '{text}' of --station-from-name.",
                          hint="rename the file, leave it out of --data, or change the pattern (* matches any text).")
    return found["station"]


def _check_conflicting_duplicates(frame: pd.DataFrame, files: list[Path] = (), codes: tuple | None = None) -> None:
    """Raise naming both places of every observation given twice with different values.

    The message starts with the path of the file when all the conflicts are in one file.
    """
    key = ["station", "variable", "resolution", "date"]
    dup = frame[duplicated_rows(frame, codes)]
    if dup.empty:
        return
    problems = []
    for (station, variable, _res, date), g in dup.groupby(key, sort=True):
        vals = g["value"].to_numpy()
        if np.allclose(vals, vals[0], equal_nan=True):
            continue
        places = [f"{f} line {ln} ({v:g})" for f, ln, v in zip(g["file"][:3], g["line"][:3], vals[:3], strict=True)]
        where = " and ".join(places) + (f" and {len(g) - 3} more" if len(g) > 3 else "")
        problems.append(f"{station} {variable} {date:%Y-%m-%d}: conflicting values at {where}")
    if problems:
        names = set(dup["file"])
        inputs = {p for p in files if any(n == p.name or n.startswith(p.name + " ") for n in names)}
        where = f"{inputs.pop()}: " if len(inputs) == 1 else ""
        raise IngestError(f"{where}{len(problems)} observation(s) are given twice with different values:",
                          details=problems[:MAX_REPORTED], hint="keep one value per station, variable and date.")
