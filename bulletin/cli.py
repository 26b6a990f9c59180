"""Command line. The only place that prints, reads the clock and maps errors to exit codes.

Exit codes: 0 success, 1 data or configuration error (message on stderr, no traceback),
2 bad usage.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import click
import numpy as np
import pandas as pd

from . import __version__
from .errors import BulletinError, UsageError


def _fail(exc: BulletinError) -> None:
    click.echo(f"Error: {exc}", err=True)
    sys.exit(2 if isinstance(exc, UsageError) else 1)


def handles_errors(func):
    """Turn library errors into messages and exit codes; never show a traceback."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except BulletinError as exc:
            _fail(exc)
        except KeyboardInterrupt:
            click.echo("Interrupted; no output was written.", err=True)
            sys.exit(130)
        except BrokenPipeError:
            # the reader of the output went away (``bulletin status | head``): not an error of ours
            sys.stderr.close()
            sys.exit(0)
        except Exception as exc:  # a defect: say so plainly, without a traceback
            if os.environ.get("BULLETIN_DEBUG"):
                raise
            click.echo(f"Error: internal error ({type(exc).__name__}: {exc}). No output was written. "
                       "Please report it with the command you ran; set BULLETIN_DEBUG=1 for details.", err=True)
            sys.exit(1)

    return wrapper


def _csv_list(ctx, param, value):
    items = [v.strip() for v in value.split(",") if v.strip()] if value else []
    return items


def _parse_issued_at(text: str | None) -> datetime:
    if text is None:
        return datetime.now(UTC).replace(microsecond=0)
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise UsageError(f"--issued-at '{text}' is not an ISO 8601 date and time.",
                         hint="write for example 2026-11-21T06:00:00+05:00 (no offset means UTC).") from exc
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary name in the same folder, then rename: never a half-written file."""
    write_all_atomic({path: data})


def _file_mode() -> int:
    """The mode a new file gets under the current umask (0644 under the usual 022)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_all_atomic(files: dict[Path, bytes]) -> None:
    """Write every file under a temporary name first, then rename them all.

    A failure while writing (disk full, no permission) leaves every earlier file as it was and
    no temporary file behind; only the renames, which do not fail for want of space, follow.
    """
    temporary: list[tuple[str, Path]] = []
    mode = _file_mode()
    try:
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
            temporary.append((tmp, path))
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                os.fchmod(fh.fileno(), mode)  # mkstemp creates 0600; a bulletin is for others to read
        for _, path in temporary:
            if path.is_dir():
                raise IsADirectoryError(21, "a folder has the name of an output", str(path))
        for tmp, path in temporary:
            os.replace(tmp, path)
    except OSError as exc:
        for tmp, _ in temporary:
            Path(tmp).unlink(missing_ok=True)
        raise BulletinError(f"cannot write the outputs ({exc.strerror}: {exc.filename}); earlier files are unchanged.",
                            hint="check the --out folder: space, permissions, and that no folder has a file's name.") from exc
    except BaseException:
        for tmp, _ in temporary:
            Path(tmp).unlink(missing_ok=True)
        raise


_data_options = [
    click.option("--data", "data", multiple=True, type=click.Path(),
                 help="Data file or directory (repeatable). Default: the embedded synthetic sample."),
    click.option("--reader", default=None,
                 help="Reader to use for every file (csv, yearbook, hydromet-long, xlsx, netcdf). "
                      "Default: chosen from each file's extension and content."),
    click.option("--station", default=None, help="Station id or alias, for files that do not name it."),
    click.option("--variable", default=None, help="Variable, for files that do not name it (e.g. discharge)."),
    click.option("--unit", default=None, help="Unit, for files that do not name it (e.g. m3/s)."),
]


def data_option(func):
    """--data and the reader options, shared by every command that reads data."""
    for option in reversed(_data_options):
        func = option(func)
    return func


def _read_options(reader, station, variable, unit) -> dict:
    return {"reader": reader, "station": station, "variable": variable, "unit": unit}
reference_option = click.option("--reference", default=None,
                                help="Reference period FIRST-LAST (e.g. 1991-2020) or 'full'. Default: the catalogue's.")
csv_out_option = click.option("--out", "out_file", default=None, type=click.Path(dir_okay=False),
                              help="CSV file (default: stdout).")
resolution_option = click.option("--resolution", type=click.Choice(["dekad", "month"]), default="dekad",
                                 show_default=True, help="Period resolution.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bulletin")
def main():
    """Syr Darya transboundary hydrological early-warning bulletin."""


@main.command()
@data_option
@click.option("--period", default="latest", show_default=True,
              help="Dekad (2026-11-d2) or month (2026-11); 'latest' is the latest dekad fully covered by the data.")
@click.option("--lang", "langs", default="ru,en", show_default=True, callback=_csv_list,
              help="Languages, comma-separated.")
@click.option("--format", "formats", default="html,pdf,json", show_default=True, callback=_csv_list,
              help="Outputs, comma-separated: html, pdf, json, csv.")
@click.option("--out", "out_dir", default="out", show_default=True, type=click.Path(file_okay=False),
              help="Output directory.")
@click.option("--issued-at", default=None, help="Issue time, ISO 8601 (default: now, UTC).")
@click.option("--catalogue", "catalogue_path", default=None, type=click.Path(), help="Indicator catalogue YAML.")
@click.option("--network", "network_path", default=None, type=click.Path(), help="Basin network YAML.")
@click.option("--templates", "template_dir", default=None, type=click.Path(file_okay=False),
              help="Folder of templates that override the default ones.")
@handles_errors
def generate(data, reader, station, variable, unit, period, langs, formats, out_dir, issued_at, catalogue_path,
             network_path, template_dir):
    """Generate the bulletin (HTML, PDF, JSON) for one period."""
    from .pipeline import run
    from .render.outputs import check_request, render_all

    check_request(langs, formats)  # before the data are read: a typo costs nothing
    result = run(data=list(data), period=period, issued_at=_parse_issued_at(issued_at),
                 catalogue_path=catalogue_path, network_path=network_path,
                 read_options=_read_options(reader, station, variable, unit))
    b = result.bulletin
    outputs = render_all(b, langs, formats, template_dir)  # everything is rendered before anything is written
    out = Path(out_dir)
    write_all_atomic({out / name: payload for name, payload in outputs.items()})
    levels = {lev: sum(1 for f in result.findings if f.level == lev)
              for lev in ("alert", "warning", "watch", "normal", "no_data")}
    click.echo(f"Bulletin {b.id} ({b.period.label}), issue {b.issue_number}: "
               + ", ".join(f"{n} {lev}" for lev, n in levels.items()))
    for name in outputs:
        click.echo(f"  wrote {out / name}")


@main.command("i18n-status")
@click.option("--verbose", "-v", is_flag=True, help="List the message ids that are not translated.")
@handles_errors
def i18n_status(verbose):
    """How many messages each language translates; the others fall back to Russian."""
    from .render import i18n
    from .render.messages import extract, status

    template = extract()
    total = sum(1 for m in template if m.id)
    for lang in i18n.LANGUAGES:
        translated, missing = status(lang, template)
        fallback = i18n.FALLBACK.get(lang)
        line = f"{lang}: {translated}/{total} translated, {len(missing)} missing"
        if missing:
            line += f" (shown in {'Russian' if fallback == 'ru' else fallback})" if fallback else " (shown as the msgid)"
        click.echo(line)
        if verbose:
            for context, msgid in missing:
                click.echo(f"  [{context}] {msgid}" if context else f"  {msgid}")


@main.command()
@click.option("--catalogue", "catalogue_path", default=None, type=click.Path(), help="Indicator catalogue YAML.")
@click.option("--network", "network_path", default=None, type=click.Path(), help="Basin network YAML.")
@handles_errors
def validate(catalogue_path, network_path):
    """Validate the indicator catalogue against the network; report every problem at once."""
    from .catalogue import load_catalogue
    from .network import load_network

    network = load_network(network_path)
    cat = load_catalogue(catalogue_path, network)
    click.echo(f"{cat.path}: catalogue {cat.id} {cat.version} ({cat.status}) is valid: "
               f"{len(cat.indicators)} indicators, {len(cat.rules)} rules, "
               f"network {network.id} with {len(network.stations)} stations.")


@main.group("catalogue")
def catalogue_group():
    """Work with indicator catalogues."""


@catalogue_group.command("diff")
@click.argument("old", type=click.Path())
@click.argument("new", type=click.Path())
@click.option("--network", "network_path", default=None, type=click.Path(), help="Basin network YAML.")
@click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON.")
@handles_errors
def catalogue_diff(old, new, network_path, as_json):
    """What changed from catalogue OLD to catalogue NEW: thresholds, indicators, rules, settings."""
    from .catalogue import load_catalogue
    from .catalogue_diff import diff_catalogues
    from .network import load_network

    network = load_network(network_path)
    a, b = load_catalogue(old, network), load_catalogue(new, network)
    changes = diff_catalogues(a, b)
    if as_json:
        click.echo(json.dumps({"old": a.as_json(), "new": b.as_json(), "changes": [c.as_json() for c in changes]},
                              ensure_ascii=False, indent=2))
        return
    click.echo(f"{a.id} {a.version} -> {b.id} {b.version}: {len(changes)} change(s)")
    for change in changes:
        click.echo(change.sentence())


@main.command("check-data")
@data_option
@click.option("--out", "out_file", default=None, type=click.Path(dir_okay=False),
              help="Write the report as CSV (.csv) or JSON (.json) instead of a table.")
@click.option("--as-of", default=None, help="Date after which values are flagged as future (default: today, UTC).")
@click.option("--strict", is_flag=True, help="Exit 1 when a check of severity 'error' flags any value.")
@handles_errors
def check_data(data, reader, station, variable, unit, out_file, as_of, strict):
    """Quality-control report of the data only."""
    from .ingest import read_observations
    from .network import load_network
    from .qc import run_qc

    network = load_network()
    today = _parse_issued_at(as_of).date() if as_of else datetime.now(UTC).date()
    obs = read_observations(list(data) or None, network, allow_unknown_stations=True,
                            **_read_options(reader, station, variable, unit))
    report = run_qc(obs, network, as_of=today)
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
    for note in obs.notes:
        click.echo(f"note: {note}", err=True)
    for name in obs.unknown_stations:
        click.echo(f"note: station '{name}' is not in the network {network.id}", err=True)
    if strict and report.has_errors:
        click.echo("Error: the data have values flagged as errors (--strict).", err=True)
        sys.exit(1)


def _climate_inputs(data, reference, read_options):
    from .catalogue import load_catalogue
    from .climatology import parse_reference
    from .ingest import read_observations
    from .network import load_network

    network = load_network()
    settings = load_catalogue(None, network).settings
    if reference is not None:
        try:
            settings = type(settings)(parse_reference(reference), settings.min_coverage, settings.min_years,
                                      settings.category_edges)
        except ValueError as exc:
            raise UsageError(f"--reference: {exc}.") from exc
    obs = read_observations(list(data) or None, network, allow_unknown_stations=True, **read_options)
    return obs, settings


def _per_series(obs, resolution, settings):
    """(station, variable, period series, climatology) for every series in the data."""
    from .climatology import climatology
    from .series import period_series

    for station, variable in sorted(obs.keys()):
        agg = period_series(obs, station, variable, resolution)
        yield station, variable, agg, climatology(agg, resolution, settings)


def _emit(frame: pd.DataFrame, out_file: str | None) -> None:
    text = frame.to_csv(index=False, lineterminator="\n", float_format="%.4f")
    if out_file:
        write_atomic(Path(out_file), text.encode("utf-8"))
        click.echo(f"wrote {out_file} ({len(frame)} rows)")
    else:
        click.echo(text, nl=False)


@main.command("climatology")
@data_option
@resolution_option
@reference_option
@csv_out_option
@handles_errors
def climatology_cmd(data, reader, station, variable, unit, resolution, reference, out_file):
    """Norms and percentiles per period of year, for every station and variable in the data."""
    obs, settings = _climate_inputs(data, reference, _read_options(reader, station, variable, unit))
    rows = []
    for station, variable, _agg, clim in _per_series(obs, resolution, settings):
        for poy, r in clim.iterrows():
            rows.append({"station": station, "variable": variable, "resolution": resolution,
                         "period_of_year": int(poy), "n_years": int(r["n_years"]), "mean": r["mean"],
                         **{f"p{q}": r[f"p{q}"] for q in (10, 25, 50, 75, 90)}})
    cols = ["station", "variable", "resolution", "period_of_year", "n_years", "mean", "p10", "p25", "p50", "p75", "p90"]
    _emit(pd.DataFrame(rows, columns=cols), out_file)


@main.command("status")
@data_option
@resolution_option
@reference_option
@csv_out_option
@handles_errors
def status_cmd(data, reader, station, variable, unit, resolution, reference, out_file):
    """HydroSOS status category of every period in the data."""
    from .climatology import status_table

    obs, settings = _climate_inputs(data, reference, _read_options(reader, station, variable, unit))
    frames = []
    for station, variable, agg, clim in _per_series(obs, resolution, settings):
        t = status_table(agg, clim, resolution, settings)
        t.insert(0, "resolution", resolution)
        t.insert(0, "variable", variable)
        t.insert(0, "station", station)
        frames.append(t)
    cols = ["station", "variable", "resolution", "period", "value", "pct_of_norm", "percentile", "category"]
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=cols)
    frame["value"] = frame["value"].astype(float).replace([np.inf, -np.inf], np.nan)
    _emit(frame[cols], out_file)


@main.command("ssi")
@data_option
@click.option("--scale", type=click.Choice(["1", "3", "6"]), default="1", show_default=True,
              help="Months in the window ending with each month.")
@click.option("--distribution", type=click.Choice(["gamma", "fisk"]), default="gamma", show_default=True,
              help="Distribution fitted per calendar month (fisk: log-logistic).")
@reference_option
@csv_out_option
@handles_errors
def ssi_cmd(data, reader, station, variable, unit, scale, distribution, reference, out_file):
    """Standardized streamflow index of every month, for every flow series in the data."""
    from .series import period_series
    from .ssi import COLUMNS, monthly_series, ssi_table
    from .units import load_variables

    obs, settings = _climate_inputs(data, reference, _read_options(reader, station, variable, unit))
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
    _emit(pd.concat(frames, ignore_index=True)[list(COLUMNS)], out_file)


if __name__ == "__main__":  # pragma: no cover
    main()
