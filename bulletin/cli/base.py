"""What every command shares: error handling, atomic writing, the setup options and the project file.

Exit codes: 0 success, 1 data or configuration error (message on stderr, no traceback),
2 bad usage.
"""

from __future__ import annotations

import functools
import os
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import click

from .. import SCHEMA_VERSION, __version__
from ..errors import BulletinError, ConfigError, UsageError
from ..files import read_yaml, set_limits
from .terminal import say


def _fail(exc: BulletinError) -> None:
    say(f"Error: {exc}", err=True)
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
            say("Interrupted; no output was written.", err=True)
            sys.exit(130)
        except BrokenPipeError:
            # the reader of the output went away (``bulletin status | head``): not an error of ours
            sys.stderr.close()
            sys.exit(0)
        except Exception as exc:  # a defect: say so plainly, without a traceback
            if os.environ.get("BULLETIN_DEBUG"):
                raise
            say(f"Error: internal error ({type(exc).__name__}: {exc}). No output was written. "
                       "Please report it with the command you ran; set BULLETIN_DEBUG=1 for details.", err=True)
            sys.exit(1)

    return wrapper


def _csv_list(ctx, param, value):
    items = [v.strip() for v in value.split(",") if v.strip()] if value else []
    return items


def one_period(ctx, param, value) -> str:
    """The one period of a ``--period`` given at most once (``multiple=True`` only to see a repetition).

    A repeated ``--period`` or a list of periods is a usage error: a command issues one period,
    and silently keeping the last of several would issue a period nobody asked for alone.
    """
    values = tuple(value or ())
    if len(values) > 1:
        raise click.BadParameter(f"given {len(values)} times ({', '.join(values)}); a command issues one period: "
                                 "run it once per period.", ctx, param)
    text = values[0] if values else "latest"
    if "," in text:
        raise click.BadParameter(f"'{text}' names several periods; a command issues one period: run it once per "
                                 "period.", ctx, param)
    return text


def _parse_issued_at(text: str | None, option: str = "--issued-at") -> datetime:
    if text is None:
        return datetime.now(UTC).replace(microsecond=0)
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise UsageError(f"{option} '{text}' is not an ISO 8601 date and time.",
                         hint="write for example 2026-11-21T06:00:00+05:00 (no offset means UTC).") from exc
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def template_folder(ctx, param, value):
    """A ``--templates`` that is a folder (a usage error otherwise, exit 2): a typo must not fall back silently."""
    if value is not None and not Path(value).is_dir():
        raise click.BadParameter(f"'{value}' is not a folder of templates.", ctx=ctx, param=param)
    return value


def _reader_name(ctx, param, value):
    """A ``--reader`` that names a reader (a usage error otherwise, exit 2)."""
    if value is None:
        return value
    from ..ingest.registry import READERS

    if value not in READERS:
        raise click.BadParameter(f"'{value}' is not a reader; use one of {', '.join(sorted(READERS))}.", ctx, param)
    return value


def out_folder(ctx, param, value):
    """An ``--out`` folder or file: not empty text (which would mean the current folder, unasked)."""
    if value is not None and not str(value).strip():
        raise click.BadParameter("is empty; name where to write (e.g. --out out).", ctx, param)
    return value



# ---- the setup every command shares: project file, network, catalogue, QC, data --------------

PROJECT_KEYS = ("network", "catalogue", "qc", "data", "reader", "station", "variable", "unit", "station_from_name",
                "verification")
"""Keys of a project file (``--config``): paths are relative to the file."""


@dataclass
class Setup:
    """What a command works with: the configuration files, the data and how to read them.

    Each is taken from its option, else from the project file (``--config``), else the
    default (the packaged Syr Darya network and catalogue, the embedded sample data).
    """

    network: str | None = None
    catalogue: str | None = None
    qc: str | None = None
    data: list = field(default_factory=list)
    reader: str | None = None
    station: str | None = None
    variable: str | None = None
    unit: str | None = None
    station_from_name: str | None = None
    keep_unknown: bool = False
    verification: str | None = None  # the verification file (bulletin verify --out) 'generate' shows the scores of

    def read_options(self) -> dict:
        """Keyword arguments of :func:`bulletin.ingest.read_observations` (besides paths and network)."""
        return {"reader": self.reader, "station": self.station, "variable": self.variable, "unit": self.unit,
                "station_from_name": self.station_from_name, "allow_unknown_stations": self.keep_unknown}

    def load_network(self):
        """The network of this setup."""
        from ..network import load_network

        return load_network(self.network)

    def load_catalogue(self, network):
        """The catalogue of this setup, validated against ``network``.

        The default catalogue is the Syr Darya sample's: when it does not fit a network of one's
        own, the message says to name a catalogue rather than list every station it lacks.
        """
        from ..catalogue import load_catalogue

        try:
            return load_catalogue(self.catalogue, network)
        except ConfigError as exc:
            if self.catalogue is not None or self.network is None:
                raise
            raise UsageError(f"the network {self.network} is given without a catalogue, and the default catalogue, "
                             f"the Syr Darya sample's, does not fit it ({len(exc.details)} problem(s)).",
                             hint="name your catalogue with --catalogue, or in the project file (--config); "
                                  "'bulletin init' writes a starting one.") from exc

    def climate_settings(self, network):
        """Reference period, coverage and category edges: the catalogue's, else the shipped catalogue's defaults."""
        from ..catalogue import load_catalogue

        if self.catalogue is None:
            return load_catalogue(None, None).settings
        return self.load_catalogue(network).settings

    def qc_config(self):
        """The QC configuration of this setup (None: the shipped one)."""
        from ..qc import load_qc_config

        return load_qc_config(self.qc) if self.qc else None

    def read(self, network, as_grids: bool = True):
        """The observations of this setup's data; on a terminal, with a progress bar of the files read.

        ``as_grids``: see :func:`~bulletin.ingest.read_observations`.
        """
        from ..ingest import expand_paths, read_observations, sample_data_path

        if not sys.stderr.isatty():
            return read_observations(self.data or None, network, as_grids=as_grids, **self.read_options())
        files = expand_paths(self.data or [sample_data_path()])
        size = sum(f.stat().st_size for f in files)
        with progress_bar(size, f"Reading {len(files)} file(s), {size / 2**20:,.0f} MiB", show_pos=False) as bar:
            return read_observations(self.data or None, network, progress=bar.update, as_grids=as_grids,
                                     **self.read_options())


def load_project(path: str) -> dict:
    """The keys of a project file, paths resolved against its folder; every problem at once."""
    file = Path(path)
    raw = read_yaml(file, "project file", "pass an existing file with --config.")
    if not isinstance(raw, dict):
        raise ConfigError(f"{file}: a project file is a mapping of {', '.join(PROJECT_KEYS)}.",
                          hint="see 'Your own stations' in the README.")
    from ..config import did_you_mean

    errors = [f"{file}: {k}: unknown key{did_you_mean(k, PROJECT_KEYS)}" for k in raw if k not in PROJECT_KEYS]
    out: dict = {}
    for key in ("network", "catalogue", "qc", "verification"):
        if raw.get(key) is not None:
            if not isinstance(raw[key], str):
                errors.append(f"{file}: {key}: expected a path, got {raw[key]!r}.")
            else:
                out[key] = str(file.parent / raw[key])
    data = raw.get("data")
    if data is not None:
        items = [data] if isinstance(data, str) else data
        if not isinstance(items, list) or not all(isinstance(d, str) for d in items):
            errors.append(f"{file}: data: expected a path or a list of paths.")
        else:
            out["data"] = [str(file.parent / d) for d in items]
    for key in ("reader", "station", "variable", "unit", "station_from_name"):
        if raw.get(key) is not None:
            out[key] = str(raw[key])
    if errors:
        raise ConfigError(f"{file}: the project file has {len(errors)} problem(s):", details=errors,
                          hint="correct the keys named above.")
    return out


def make_setup(config, network, catalogue, qc, data, reader, station, variable, unit, station_from_name,
               keep_unknown) -> Setup:
    """The :class:`Setup` from the options; options win over the project file."""
    project = load_project(config) if config else {}
    return Setup(network=network or project.get("network"), catalogue=catalogue or project.get("catalogue"),
                 qc=qc or project.get("qc"), data=list(data) or project.get("data", []),
                 reader=reader or project.get("reader"), station=station or project.get("station"),
                 variable=variable or project.get("variable"), unit=unit or project.get("unit"),
                 station_from_name=station_from_name or project.get("station_from_name"), keep_unknown=keep_unknown,
                 verification=project.get("verification"))


_CONFIG_OPTIONS = [
    click.option("--config", "config", default=None, type=click.Path(dir_okay=False),
                 help="Project file naming the network, catalogue, QC configuration and data (YAML; paths "
                      "relative to it). Options given on the command line win."),
    click.option("--network", "network", default=None, type=click.Path(dir_okay=False),
                 help="Network YAML. Default: the Syr Darya network."),
    click.option("--catalogue", "catalogue", default=None, type=click.Path(dir_okay=False),
                 help="Indicator catalogue YAML. Default: the Syr Darya sample catalogue."),
    click.option("--qc", "qc", default=None, type=click.Path(dir_okay=False),
                 help="QC configuration: a YAML file with a 'qc' section as in indicators/variables.yml "
                      "(default: that file)."),
]

_DATA_OPTIONS = [
    click.option("--data", "data", multiple=True, type=click.Path(),
                 help="Data file or directory (repeatable). Default: the embedded synthetic sample."),
    click.option("--reader", default=None, callback=_reader_name,
                 help="Reader to use for every file (csv, yearbook, hydromet-long, xlsx, netcdf, zarr). "
                      "Default: chosen from each file's extension and content."),
    click.option("--station", default=None, help="Station id or alias, for files that do not name it."),
    click.option("--variable", default=None, help="Variable, for files that do not name it (e.g. discharge)."),
    click.option("--unit", default=None, help="Unit, for files that do not name it (e.g. m3/s)."),
    click.option("--station-from-name", "station_from_name", default=None, metavar="PATTERN",
                 help="Take each file's station from its name: a pattern with {station} and * "
                      "(e.g. 'decadal_*_{station}_Q.csv'); the station is an id or alias of the network."),
    click.option("--keep-unknown-stations", "keep_unknown", is_flag=True,
                 help="Keep series of stations that are not in the network (reported as notes; no indicator "
                      "uses them) instead of refusing the file."),
]


def setup_options(with_data: bool = True, with_config: bool = True):
    """The options every command shares, turned into one ``setup`` argument (:class:`Setup`).

    The command is wrapped in :func:`handles_errors` (the project file is read here).
    """
    options = (_CONFIG_OPTIONS if with_config else []) + (_DATA_OPTIONS if with_data else [])

    def decorate(func):
        @functools.wraps(func)
        @handles_errors
        def wrapper(*args, config=None, network=None, catalogue=None, qc=None, data=(), reader=None, station=None,
                    variable=None, unit=None, station_from_name=None, keep_unknown=False, **kwargs):
            setup = make_setup(config, network, catalogue, qc, data, reader, station, variable, unit,
                               station_from_name, keep_unknown)
            return func(*args, setup=setup, **kwargs)

        for option in reversed(options):
            wrapper = option(wrapper)
        return wrapper

    return decorate


NAMED_STATIONS = 20
"""Stations kept outside the network named one by one; beyond them, their number (an archive has thousands)."""


def notes_of(obs, network) -> None:
    """Print the reader's notes and the stations kept although not in the network (the first ones, then a count)."""
    for note in obs.notes:
        say(f"note: {note}", err=True)
    unknown = list(obs.unknown_stations)
    for name in unknown[:NAMED_STATIONS]:
        say(f"note: station '{name}' is not in the network {network.id}; add it (or an alias) to "
                   f"{network.path} to use it in a bulletin", err=True)
    if len(unknown) > NAMED_STATIONS:
        say(f"note: and {len(unknown) - NAMED_STATIONS:,} more stations ({len(unknown):,} in all, up to "
            f"'{unknown[-1]}') are not in the network {network.id} ('bulletin init --data ...' writes an entry "
            "for every station of the data, to copy from)", err=True)


def progress_bar(length: int, label: str, show_pos: bool = True):
    """A click progress bar on stderr, shown only when stderr is a terminal (``show_pos``: n/total, else a percentage)."""
    return click.progressbar(length=max(length, 1), label=label, file=sys.stderr, show_pos=show_pos,
                             show_percent=not show_pos, hidden=not sys.stderr.isatty())




def _limits(ctx, param, value):
    try:
        return set_limits(value)
    except UsageError as exc:
        raise click.BadParameter(exc.message, ctx, param) from exc


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bulletin",
                      message=f"%(prog)s %(version)s (results JSON schema {SCHEMA_VERSION})")
@click.option("--limit", multiple=True, metavar="NAME=VALUE", callback=_limits, expose_value=False, is_eager=True,
              help="Raise a bound on what is read, for truly large data: data_mib (a data file, 2048), "
                   "decompressed_mib (a .gz file or an xlsx sheet once decompressed, 512), config_mib "
                   "(a configuration file, 16), yaml_nodes (1000000), xlsx_cells (a worksheet's rows x columns, 20000000), "
                   "netcdf_values (20000000). Repeatable.")
def main():
    """Transboundary hydrological early-warning bulletin (Syr Darya by default; any network with --network)."""
