"""Commands on the data alone: check-data, climatology, status, ssi.

They take the same setup options as ``generate`` (network, catalogue, QC configuration, data)
and treat stations that are not in the network the same way: refused, unless
``--keep-unknown-stations``. The CSV of climatology, status and ssi has a ``unit`` column and
numbers with 6 significant digits; check-data's report counts flags and has no values.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import click
import numpy as np
import pandas as pd

from ..errors import UsageError
from .base import _parse_issued_at, emit_csv, main, notes_of, setup_options, write_atomic

reference_option = click.option("--reference", default=None,
                                help="Reference period FIRST-LAST (e.g. 1991-2020) or 'full'. Default: the catalogue's.")
csv_out_option = click.option("--out", "out_file", default=None, type=click.Path(dir_okay=False),
                              help="CSV file (default: stdout).")
resolution_option = click.option("--resolution", type=click.Choice(["dekad", "month"]), default="dekad",
                                 show_default=True, help="Period resolution.")


@main.command("check-data")
@setup_options()
@click.option("--out", "out_file", default=None, type=click.Path(dir_okay=False),
              help="Write the report as CSV (.csv) or JSON (.json) instead of a table.")
@click.option("--as-of", default=None, help="Date after which values are flagged as future (default: today, UTC).")
@click.option("--strict", is_flag=True, help="Exit 1 when a check of severity 'error' flags any value.")
def check_data(setup, out_file, as_of, strict):
    """Quality-control report of the data only, with the network's flow links and station exceptions."""
    from ..qc import run_qc

    network = setup.load_network()
    if setup.catalogue:  # not used by the checks; validated, so that the whole configuration is checked at once
        setup.load_catalogue(network)
    today = _parse_issued_at(as_of).date() if as_of else datetime.now(UTC).date()
    obs = setup.read(network)
    report = run_qc(obs, network, as_of=today, config=setup.qc_config())
    summary = report.summary()
    for col in ("first", "last"):
        summary[col] = summary[col].dt.strftime("%Y-%m-%d")
    if out_file:
        if out_file.endswith(".json"):
            payload = json.dumps(summary.to_dict(orient="records"), ensure_ascii=False, indent=2) + "\n"
        else:
            payload = summary.to_csv(index=False, lineterminator="\n")
        write_atomic(Path(out_file), payload.encode("utf-8"))
        click.echo(f"wrote {out_file} ({len(summary)} rows)")
    else:
        click.echo(summary.to_string(index=False) if not summary.empty else "No value flagged.")
    notes_of(obs, network)
    if strict and report.has_errors:
        click.echo("Error: the data have values flagged as errors (--strict).", err=True)
        sys.exit(1)


def _climate_inputs(setup, reference):
    """The observations without the values QC flags as errors, the climate settings and the network."""
    from ..climatology import parse_reference
    from ..qc import run_qc

    network = setup.load_network()
    settings = setup.climate_settings(network)
    if reference is not None:
        try:
            settings = type(settings)(parse_reference(reference), settings.min_coverage, settings.min_years,
                                      settings.category_edges)
        except ValueError as exc:
            raise UsageError(f"--reference: {exc}.") from exc
    obs = setup.read(network)
    notes_of(obs, network)
    good = run_qc(obs, network, config=setup.qc_config()).clean(obs)
    return good, settings


def _units(variables: pd.Series) -> np.ndarray:
    """The canonical unit of each row's variable ('' for a variable not in variables.yml)."""
    from ..units import load_variables

    known = load_variables()
    codes, uniques = pd.factorize(variables)
    return np.array([known[v].unit if v in known else "" for v in uniques] + [""], dtype=object)[codes]


@main.command("climatology")
@setup_options()
@resolution_option
@reference_option
@csv_out_option
def climatology_cmd(setup, resolution, reference, out_file):
    """Norms and percentiles per period of year, for every station and variable in the data."""
    from ..cube import climatology_table, period_table

    obs, settings = _climate_inputs(setup, reference)
    frame = climatology_table(period_table(obs, resolution), resolution, settings, sorted(obs.keys()))
    frame.insert(2, "unit", _units(frame["variable"]))
    frame.insert(3, "resolution", resolution)
    cols = ["station", "variable", "unit", "resolution", "period_of_year", "n_years", "mean",
            "p10", "p25", "p50", "p75", "p90"]
    emit_csv(frame[cols], out_file)


@main.command("status")
@setup_options()
@resolution_option
@reference_option
@csv_out_option
def status_cmd(setup, resolution, reference, out_file):
    """HydroSOS status category of every period in the data."""
    from ..cube import period_table, status_rows

    obs, settings = _climate_inputs(setup, reference)
    frame = status_rows(period_table(obs, resolution), resolution, settings)
    frame.insert(2, "resolution", resolution)
    frame.insert(3, "unit", _units(frame["variable"]))
    frame["value"] = frame["value"].astype(float).replace([np.inf, -np.inf], np.nan)
    cols = ["station", "variable", "resolution", "unit", "period", "value", "pct_of_norm", "percentile", "category"]
    emit_csv(frame[cols], out_file)


@main.command("ssi")
@setup_options()
@click.option("--scale", type=click.Choice(["1", "3", "6"]), default="1", show_default=True,
              help="Months in the window ending with each month.")
@click.option("--distribution", type=click.Choice(["gamma", "fisk"]), default="gamma", show_default=True,
              help="Distribution fitted per calendar month (fisk: log-logistic).")
@reference_option
@csv_out_option
def ssi_cmd(setup, scale, distribution, reference, out_file):
    """Standardized streamflow index of every month, for every flow series in the data (unit 1: dimensionless)."""
    from ..series import period_series
    from ..ssi import COLUMNS, monthly_series, ssi_table
    from ..units import load_variables

    obs, settings = _climate_inputs(setup, reference)
    flows = {name for name, v in load_variables().items() if v.dimension == "flow"}
    frames = []
    for st, var in sorted(obs.keys()):
        if var not in flows:
            continue
        monthly = monthly_series(period_series(obs, st, var, "month"), settings.coverage_for("month"))
        frames.append(ssi_table(monthly, int(scale), distribution, settings.reference, station=st, variable=var,
                                min_years=settings.min_years))
    if not frames:
        raise UsageError("the data hold no flow series (discharge, inflow, release or withdrawal) for an SSI.")
    frame = pd.concat(frames, ignore_index=True)[list(COLUMNS)]
    frame.insert(frame.columns.get_loc("ssi"), "unit", "1")
    emit_csv(frame, out_file)
