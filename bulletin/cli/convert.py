"""``bulletin convert``: the data as a chunked Zarr store, for the distributed path of the data commands.

The inputs are read as every command reads them (the setup options), file by file for the
progress bar; the store's layout is :mod:`bulletin.ingest.zarr`, its chunks
:mod:`bulletin.distributed.store`. The store is written under a temporary name beside the
final one and renamed at the end: a failed or killed run leaves no store under the final name
(a killed one may leave the hidden ``.NAME.PID.*.tmp`` folder, which the next run into the same folder removes).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import click
import numpy as np
import pandas as pd

from ..errors import BulletinError, IngestError, UsageError
from .base import main, notes_of, out_folder, progress_bar, setup_options
from .terminal import say
from .writing import remove_leftovers


def _data_files(setup) -> list[tuple[Path, bool]]:
    """(file, named directly) of every input, as ``read_observations`` finds them."""
    from ..ingest import expand_paths, sample_data_path

    out = []
    for p in setup.data or [sample_data_path()]:
        for f in expand_paths([p]):
            out.append((f, Path(f) == Path(p)))
    return out


def read_by_file(setup, network):
    """The observations of the setup's data, read file by file with a progress bar.

    Each file is read by :func:`bulletin.ingest.read_observations` with the setup's options;
    the files are then joined as that function joins them (observations given twice with
    different values are refused by :func:`bulletin.distributed.store.dataset_of`). Files held as
    grids (NetCDF files, stores) that give no series twice stay grids: the store is made without their rows.
    """
    from ..ingest import InputFile, Observations, read_observations
    from ..ingest.grid import GridObservations, distinct_series, grid_observations
    from ..ingest.read import compile_name_pattern, relative_to_data_root

    files = _data_files(setup)
    pattern = compile_name_pattern(setup.station_from_name) if setup.station_from_name else None
    parts, notes, read = [], [], []
    with progress_bar(len(files), f"Reading {len(files)} file(s)") as bar:
        for path, named in files:
            if pattern is not None and not named and pattern.fullmatch(path.name) is None:
                notes.append(f"{path.name}: skipped, its name does not match '{setup.station_from_name}'")
            else:
                parts.append(read_observations([path], network, **setup.read_options()))
                read.append(path)
            bar.update(1)
    if not parts:
        raise IngestError("no data file was read.", hint="check --data and --station-from-name.")
    names = relative_to_data_root(read)
    inputs = [InputFile(n, p.inputs[0].sha256) for n, p in zip(names, parts, strict=True)]
    unknown = sorted({s for p in parts for s in p.unknown_stations})
    said = notes + [n for p in parts for n in p.notes]
    files = [f for p in parts for f in getattr(p, "files", [])]
    norms = pd.concat([p.archive_norms for p in parts], ignore_index=True)
    if all(isinstance(p, GridObservations) for p in parts) and distinct_series(files):  # no row built
        return grid_observations(files, inputs, unknown, said, norms)
    frame = pd.concat([_plain(p.frame) for p in parts], ignore_index=True)
    return Observations(frame, inputs, unknown, norms, said)


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame whose category columns are text, so that files with other categories join."""
    return frame.assign(**{c: frame[c].astype(object) for c in frame.columns
                           if isinstance(frame[c].dtype, pd.CategoricalDtype)})


def write_store(ds, encoding: dict, out: Path, overwrite: bool) -> None:
    """Write ``ds`` to ``out`` atomically: to a temporary folder beside it, then renamed.

    One chunk of stations after the other (a progress bar on a terminal). With ``overwrite``
    an existing store is replaced only once the new one is complete.
    """
    from ..ingest.zarr import STATION

    out.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(out)  # the temporary stores of killed runs
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.{os.getpid()}.", suffix=".tmp", dir=out.parent))
    try:
        ds.to_zarr(tmp, mode="w", encoding=encoding, compute=False, consolidated=False, zarr_format=3)
        chunks = ds.chunks[STATION] if ds.chunks else (ds.sizes[STATION],)
        along = [n for n, v in ds.variables.items() if STATION in v.dims and n != STATION]
        with progress_bar(len(chunks), f"Writing {len(chunks)} chunk(s) of stations") as bar:
            start = 0
            for size in chunks:
                part = ds[along].isel({STATION: slice(start, start + size)}).drop_vars(STATION)
                part = part.drop_vars([c for c in part.coords if STATION not in part[c].dims])
                part.to_zarr(tmp, region={STATION: slice(start, start + size)}, consolidated=False, zarr_format=3)
                start += size
                bar.update(1)
        os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes it 0700: a store is for the workers to read
        if out.exists():
            if not overwrite:
                raise UsageError(f"--out {out}: the store exists.", hint="choose another name, or add --overwrite.")
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=out.parent))
            os.replace(out, old / out.name)
            os.replace(tmp, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, out)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise BulletinError(f"cannot write the store {out} ({exc.strerror or exc}); no store was written.",
                            hint="check the folder of --out: space and permissions.") from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@main.command("convert")
@setup_options()
@click.option("--out", "out_store", callback=out_folder, required=True, type=click.Path(file_okay=False),
              help="The Zarr store to write (a folder named *.zarr).")
@click.option("--chunk-stations", type=click.IntRange(min=1), default=None,
              help="Stations per chunk (default: about 24 MiB of values a chunk: 246 stations of 35 years of days).")
@click.option("--overwrite", is_flag=True, help="Replace the store if it exists (once the new one is complete).")
def convert_cmd(setup, out_store, chunk_stations, overwrite):
    """Write the data as a chunked Zarr store (station x time), for --data STORE.zarr and --scheduler."""
    from ..distributed.store import dataset_of

    out = Path(out_store)
    if not out.name.lower().endswith(".zarr"):
        raise UsageError(f"--out {out}: the name of a store ends in .zarr (--data reads such a folder as a store).")
    if out.exists() and not overwrite:
        raise UsageError(f"--out {out}: the store exists.", hint="choose another name, or add --overwrite.")
    network = setup.load_network()
    obs = read_by_file(setup, network)
    notes_of(obs, network)
    pairs = obs.frame[["variable", "resolution"]].astype(object).drop_duplicates()
    with progress_bar(len(obs.frame), f"Converting {len(obs.frame):,} observations") as bar:
        ds, encoding = dataset_of(obs, chunk_stations, progress=bar.update)
    write_store(ds, encoding, out, overwrite)
    arrays = sorted(n for n in ds.data_vars if not n.endswith("_flag") and not n.startswith("norm_"))
    size = sum(int(np.prod(ds[n].shape)) for n in arrays)
    norms = sum(n.startswith("norm_") for n in ds.data_vars)
    say(f"wrote {out} ({ds.sizes['station']} stations, {len(pairs)} variable(s) and resolution(s): "
               f"{', '.join(arrays)}; {size:,} cells, chunks of {ds.attrs['chunk_stations']} stations"
               + (f"; {norms} array(s) of archive norms" if norms else "") + ")")
