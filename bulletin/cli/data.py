"""Commands on the data alone: check-data, climatology, status, ssi.

They take the same setup options as ``generate`` (network, catalogue, QC configuration, data)
and treat stations that are not in the network the same way: refused, unless
``--keep-unknown-stations``. The CSV of climatology, status and ssi has a ``unit`` column and
numbers with 6 significant digits; check-data's report counts flags and has no values.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, time
from pathlib import Path

import click

from ..errors import UsageError
from ..tables import safe_text_columns
from .base import _parse_issued_at, main, notes_of, out_folder, progress_bar, setup_options
from .process import keep_freed_memory
from .terminal import say
from .writing import write_atomic, write_stream

NO_FLOW = "the data hold no flow series (discharge, inflow, release or withdrawal) for an SSI."
reference_option = click.option("--reference", default=None,
                                help="Reference period FIRST-LAST (e.g. 1991-2020) or 'full'. Default: the catalogue's.")
csv_out_option = click.option("--out", "out_file", callback=out_folder, default=None, type=click.Path(dir_okay=False),
                              help="CSV file (default: stdout).")
resolution_option = click.option("--resolution", type=click.Choice(["dekad", "month"]), default="dekad",
                                 show_default=True, help="Period resolution.")
scheduler_option = click.option(
    "--scheduler", default=None, metavar="ADDRESS",
    help="Compute on a dask.distributed cluster, a chunk of stations a task: the scheduler's address "
         "(tcp://host:8786), or 'local' to start a local cluster with a worker per core. The data are then one Zarr "
         "store (bulletin convert). Default: a local cluster when the data are a store too large for the memory "
         "available, else in memory.")


@main.command("check-data")
@setup_options()
@click.option("--out", "out_file", callback=out_folder, default=None, type=click.Path(dir_okay=False),
              help="Write the report as CSV (.csv) or JSON (.json) instead of a table.")
@click.option("--as-of", default=None, help="Date after which values are flagged as future (default: today, UTC).")
@click.option("--strict", is_flag=True,
              help="Exit 1 when a check of severity 'error' flags any value, or when 'bulletin generate' would refuse "
                   "the data (no value; with the network's stations, no recent period with enough findings).")
def check_data(setup, out_file, as_of, strict):
    """Quality-control report of the data only, with the network's flow links and station exceptions."""
    from ..qc import run_qc

    network = setup.load_network()
    if setup.catalogue:  # not used by the checks; validated, so that the whole configuration is checked at once
        setup.load_catalogue(network)
    today = _parse_issued_at(as_of, "--as-of").date() if as_of else datetime.now(UTC).date()
    keep_freed_memory()  # an archive's tables, built and dropped
    obs = setup.read(network, as_grids=False)  # every row is checked at once: built as the files are read
    report = run_qc(obs, network, as_of=today, config=setup.qc_config())
    summary = report.summary()
    for col in ("first", "last"):
        summary[col] = summary[col].dt.strftime("%Y-%m-%d")
    if out_file:
        if out_file.endswith(".json"):
            payload = json.dumps(summary.to_dict(orient="records"), ensure_ascii=False, indent=2) + "\n"
        else:
            payload = safe_text_columns(summary).to_csv(index=False, lineterminator="\n")
        write_atomic(Path(out_file), payload.encode("utf-8"))
        say(f"wrote {out_file} ({len(summary)} rows)")
    else:
        say(_shown(summary).to_string(index=False) if not summary.empty else "No value flagged.")
    notes_of(obs, network)
    if strict and report.has_errors:
        say("Error: the data have values flagged as errors (--strict).", err=True)
        sys.exit(1)
    if strict and obs.last_date is None:  # as generate refuses them: nothing to issue
        say(f"Error: the data hold no value ({len(obs.frame)} rows, all empty) (--strict).", err=True)
        sys.exit(1)
    if strict and not setup.keep_unknown:  # the network's data: would generate issue its latest period?
        _would_issue(setup, datetime.combine(today, time(), UTC), obs, report)


def _would_issue(setup, as_of: datetime, obs, report) -> None:
    """Exit 1, saying why, when ``bulletin generate`` would refuse to issue the latest period of ``obs``.

    The observations and their QC report are those check-data made, not read and checked again.
    """
    from ..errors import DataQualityError
    from ..pipeline import prepare, resolve_period

    try:
        p = prepare(data=setup.data or None, as_of=as_of, catalogue_path=setup.catalogue, network_path=setup.network,
                    read_options=setup.read_options(), qc_path=setup.qc, observations=obs, checked=report)
        resolve_period("latest", p.evaluated, p.network, p.coverage)
    except DataQualityError as exc:
        say(f"Error (--strict): 'bulletin generate' would refuse these data: {exc}", err=True)
        sys.exit(1)


def _settings(setup, network, reference):
    """The climate settings of the setup, with the reference period of ``--reference`` if given."""
    from ..climatology import parse_reference

    settings = setup.climate_settings(network)
    if reference is not None:
        try:
            settings = type(settings)(parse_reference(reference), settings.min_coverage, settings.min_years,
                                      settings.category_edges)
        except ValueError as exc:
            raise UsageError(f"--reference: {exc}.") from exc
    return settings


def _climate_inputs(setup, reference):
    """(observations, what leaves out of a block of them the values QC flags as errors, climate settings).

    The checks that can remove a value look at one series at a time, so they can run on the
    whole or block by block. Observations held as grids (a NetCDF file's, a store's) are checked block by
    block, so that their rows are built a block at a time; others are checked whole.
    """
    from ..ingest.grid import GridObservations
    from ..qc import without_errors

    network = setup.load_network()
    settings = _settings(setup, network, reference)
    obs = setup.read(network)
    notes_of(obs, network)
    if obs.last_date is None:  # a table of no period, or of norms of nothing, must not look like a result
        say("note: the data hold no value (every value read is empty): the table has no period with a value",
            err=True)
    config = setup.qc_config()

    def clean(some):
        return without_errors(some, network, config=config)

    if isinstance(obs, GridObservations):
        return obs, clean, settings
    return clean(obs), (lambda block: block), settings


def _scheduler_for(setup, scheduler: str | None) -> str | None:
    """The cluster to compute on: ``--scheduler``, else a local one when the data are a store too large for memory."""
    if scheduler:
        return scheduler
    if len(setup.data) != 1 or not str(setup.data[0]).lower().rstrip("/").endswith(".zarr") \
            or not Path(setup.data[0]).is_dir():
        return None
    from ..distributed.cluster import available_memory, choose_scheduler, cores, store_memory

    values, per_value = store_memory(Path(setup.data[0]), setup.load_network())
    chosen, why = choose_scheduler(values, available_memory(), per_value)
    if chosen:
        say(f"note: {setup.data[0]} holds {why}: computing on a local dask cluster of {cores()} worker(s) "
                   "(--scheduler ADDRESS computes on a cluster of your own).", err=True)
    return chosen


def _distributed(setup, scheduler: str, command: str, reference, out_file, resolution: str = "month",
                 scale: int = 1, distribution: str = "gamma") -> None:
    """Run ``command`` on a dask.distributed cluster (bulletin/distributed) and write its CSV."""
    from types import SimpleNamespace

    from ..distributed.cluster import connect, one_store, plan_store, rows_in_order
    from ..distributed.outputs import header_text
    from ..distributed.tasks import Job
    from ..ingest import ReadOptions

    store = one_store(setup.data)
    network = setup.load_network()
    settings = _settings(setup, network, reference)
    job = Job(command, resolution, settings, network, setup.qc_config(), setup.keep_unknown,
              ReadOptions(setup.station, setup.variable, setup.unit), scale, distribution)
    with connect(scheduler) as client:
        plan = plan_store(client, store, job)
        notes_of(SimpleNamespace(notes=[f"{store.name}: {n}" for n in plan.notes], unknown_stations=plan.unknown),
                 network)
        with progress_bar(len(plan.parts), f"Computing {len(plan.parts)} chunk(s) of stations") as bar:
            count = _write_rows(header_text(command), rows_in_order(client, plan, job, bar.update), out_file)
    _wrote(out_file, count)


def _compute(setup, scheduler: str | None, command: str, reference, out_file, **options) -> None:
    """Run ``command`` on the cluster ``--scheduler`` names (or a local one for a large store), else in memory."""
    target = _scheduler_for(setup, scheduler)
    if target:
        _distributed(setup, target, command, reference, out_file, **options)
    else:
        _in_memory(setup, command, reference, out_file, **options)


def _in_memory(setup, command: str, reference, out_file, resolution: str = "month", scale: int = 1,
               distribution: str = "gamma") -> None:
    """Run ``command`` on the observations in memory, a block of series at a time, and write its CSV.

    The blocks are computed side by side in forked processes, one per core
    (:func:`~bulletin.forks.ordered_map`), and written in their order. On a terminal, progress
    bars show the reading (file by file) and the blocks computed and written.
    """
    from ..distributed.outputs import climatology_frame, header_text, series_blocks, ssi_frame, status_frame
    from ..forks import ordered_map
    from ..tables import csv_text
    from ..units import load_variables

    keep_freed_memory()  # an archive's tables, built and dropped
    obs, clean, settings = _climate_inputs(setup, reference)
    keys = obs.keys()
    if command == "ssi":
        flows = {name for name, v in load_variables().items() if v.dimension == "flow"}
        if not any(variable in flows for _, variable in keys):
            raise UsageError(NO_FLOW)

    blocks = series_blocks(obs)  # each block made by the process that computes it

    def block_text(k: int) -> tuple[bytes, int, int, int]:
        """(CSV rows, their number, the block's series, its flow series left by QC) of block ``k``."""
        block = blocks[k]
        series = len(block.keys())
        block = clean(block)
        flow_series = 0
        if command == "climatology":
            frame = climatology_frame(block, resolution, settings)
        elif command == "status":
            frame = status_frame(block, resolution, settings)
        else:
            frame, flow_series = ssi_frame(block, settings, scale, distribution)
        return csv_text(frame, header=False).encode("utf-8"), len(frame), series, flow_series

    def rows(bar):
        flow_series = 0
        for text, count, series, flows in ordered_map(block_text, range(len(blocks))):  # side by side, in order
            bar.update(series)
            flow_series += flows
            if flow_series or command != "ssi":  # a block without flow series has no row: nothing held back
                yield text, count
        if command == "ssi" and not flow_series:  # QC, block by block, left none (nothing is written)
            raise UsageError(NO_FLOW)

    with progress_bar(len(keys), f"Computing {len(keys):,} series") as bar:
        count = _write_rows(header_text(command), rows(bar), out_file)
    _wrote(out_file, count)


def _wrote(out_file: str | None, count: int) -> None:
    """Say what was written (after the progress bars are closed)."""
    if out_file:
        say(f"wrote {out_file} ({count} rows)")


def _shown(table, width: int = 60):
    """``table`` for the terminal: text cells longer than ``width`` cut in the middle (a long id would widen every row)."""
    def cut(v):
        return f"{v[:width - 20]}...{v[-12:]}" if isinstance(v, str) and len(v) > width else v

    return table.map(cut)


def _write_rows(header: str, rows, out_file: str | None) -> int:
    """Write the header and the rows as they come: to ``out_file`` under a temporary name then renamed, or stdout."""
    if not out_file:
        show = say if sys.stdout.isatty() else click.echo  # the CSV as it is into a pipe; made safe on a terminal
        written = False
        count = 0
        for text, n in rows:
            if not written:
                show(header, nl=False)
                written = True
            show(text.decode("utf-8"), nl=False)
            count += n
        if not written:
            show(header, nl=False)
        return count
    count = 0

    def chunks():
        nonlocal count
        yield header.encode("utf-8")
        for text, n in rows:
            count += n
            yield text

    write_stream(Path(out_file), chunks())
    return count


@main.command("climatology")
@setup_options()
@resolution_option
@reference_option
@csv_out_option
@scheduler_option
def climatology_cmd(setup, resolution, reference, out_file, scheduler):
    """Norms and percentiles per period of year, for every station and variable in the data."""
    _compute(setup, scheduler, "climatology", reference, out_file, resolution=resolution)


@main.command("status")
@setup_options()
@resolution_option
@reference_option
@csv_out_option
@scheduler_option
def status_cmd(setup, resolution, reference, out_file, scheduler):
    """HydroSOS status category of every period in the data."""
    _compute(setup, scheduler, "status", reference, out_file, resolution=resolution)


@main.command("ssi")
@setup_options()
@click.option("--scale", type=click.Choice(["1", "3", "6"]), default="1", show_default=True,
              help="Months in the window ending with each month.")
@click.option("--distribution", type=click.Choice(["gamma", "fisk"]), default="gamma", show_default=True,
              help="Distribution fitted per calendar month (fisk: log-logistic).")
@reference_option
@csv_out_option
@scheduler_option
def ssi_cmd(setup, scale, distribution, reference, out_file, scheduler):
    """Standardized streamflow index of every month, for every flow series in the data (unit 1: dimensionless)."""
    _compute(setup, scheduler, "ssi", reference, out_file, scale=int(scale), distribution=distribution)
