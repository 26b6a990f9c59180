"""``bulletin init``: a starting network, catalogue and project file from one's own data files.

The stations are the codes found in the data; names, coordinates, countries and the river
topology are left for the hydrologist to fill in (marked ``FILL IN``), with placeholders that
load, so that ``bulletin validate`` and ``bulletin generate`` run at once. The kind of each
station follows from its variables (volume, level, inflow or release: a reservoir; withdrawal:
an intake; otherwise a gauge); the catalogue gives every flow series a HydroSOS status
indicator, which needs no threshold, over the latest 30 whole years of the data.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import click
import yaml

from ..errors import BulletinError, ConfigError, UsageError
from ..methods.status import StatusCategoryMethod
from ..network import ID_PATTERN as NETWORK_ID
from ..network import KIND_VARIABLES
from ..units import load_variables
from .base import Setup, main, out_folder, setup_options
from .terminal import say
from .writing import write_all_atomic

STATUS_VARIABLES = ("discharge", "inflow", "volume", "stage")
"""Series that get a starting HydroSOS status indicator (it needs no threshold)."""
PLACEHOLDER = "FILL IN"
"""What init writes where only the hydrologist knows the text (names, rivers, agreements)."""
ID_PATTERN = re.compile(r"[^a-z0-9_]+")


def station_id(code: str) -> str:
    """A network id for a code found in the data: lower case, letters, digits and _; a code that is a number gets ``st_``.

    >>> station_id("16279"), station_id("Pskem - Mullala")
    ('st_16279', 'pskem_mullala')
    """
    text = ID_PATTERN.sub("_", code.strip().casefold()).strip("_") or "station"
    return f"st_{text}" if text[0].isdigit() else text


def kind_of(code: str, variables: set[str]) -> str:
    """The kind of station that reports all of ``variables`` (:data:`~bulletin.network.KIND_VARIABLES`).

    >>> kind_of("x", {"inflow"}), kind_of("x", {"discharge", "stage"}), kind_of("x", {"withdrawal"})
    ('reservoir', 'gauge', 'intake')
    """
    for kind, reported in KIND_VARIABLES.items():
        if variables <= set(reported):
            return kind
    raise UsageError(f"'{code}' reports {', '.join(sorted(variables))}, which no one kind of station reports ("
                     + "; ".join(f"{k}: {', '.join(v)}" for k, v in KIND_VARIABLES.items()) + ").",
                     hint="name the series of different stations differently in the data, or write the network "
                          "by hand (data/README.md).")


MIN_YEARS = 10
"""Years a norm and its percentiles need, whatever the record: from fewer, a category says nothing."""


def reference_years(obs) -> tuple[int, int, int]:
    """(first, last, years): the latest 30 years with values, and how many of them have values."""
    years = sorted(set(obs.frame["date"][obs.frame["value"].notna()].dt.year))
    last = years[-1]
    first = max(years[0], last - 29)
    return first, last, sum(1 for y in years if y >= first)


def skeleton(obs, basin_id: str, reference: tuple[int, int]) -> tuple[dict, dict]:
    """(network, catalogue) as YAML-ready mappings for the stations and variables of ``obs``, norms over ``reference``."""
    by_station: dict[str, set] = {}
    for code, variable in obs.keys():
        by_station.setdefault(code, set()).add(variable)
    folded: dict[tuple, str] = {}
    for code in sorted(by_station):
        other = folded.setdefault((code.casefold(), kind_of(code, by_station[code])), code)
        if other != code:  # a network matches names without case within a kind: one would take the other's data
            raise UsageError(f"the data name the stations '{other}' and '{code}', which differ only in case; a "
                             "network matches station names without case, so they would be one station.",
                             hint="give them names that differ in more than case in the data files.")
    first, last = reference
    variables = load_variables()
    stations, indicators, used = [], [], set()
    for code in sorted(by_station):
        sid = base = station_id(code)
        n = 1
        while sid in used or (sid in by_station and sid != code):  # codes 12 and st_12 both make st_12
            n += 1
            sid = f"{base}_{n}"
        used.add(sid)
        fill = f"{code} ({PLACEHOLDER})"
        stations.append({"id": sid, "kind": kind_of(code, by_station[code]), "name": {"en": fill, "ru": fill},
                         "country": "XX", "river": {"en": PLACEHOLDER, "ru": PLACEHOLDER}, "lat": 0.0, "lon": 0.0,
                         "downstream": None, "aliases": [code]})
        for variable in STATUS_VARIABLES:
            if variable in by_station[code]:
                indicators.append({
                    "id": f"{sid}_{variable}_status",
                    "name": {"en": f"{variable} status, {code}",
                             "ru": f"{variables[variable].names['ru'].capitalize()}, пост {code}: состояние по "
                                   f"HydroSOS ({PLACEHOLDER})"},
                    "station": sid, "variable": variable, "method": StatusCategoryMethod.name,
                    "valid_from": f"{first}-01-01", "season": "all", "rule": "STATUS-1",
                    "levels": {"low": "warning", "below_normal": "watch", "normal": "normal",
                               "above_normal": "normal", "high": "watch"}})
    if not indicators:
        raise UsageError(f"the data hold no {', '.join(STATUS_VARIABLES)} series, for which a starting indicator "
                         "(a HydroSOS status) could be written.", hint="write the catalogue by hand, from the "
                         "comments of indicators/syrdarya.yaml.")
    network = {"network": {"id": basin_id, "name": {"en": f"{basin_id} ({PLACEHOLDER})", "ru": f"{basin_id} ({PLACEHOLDER})"},
                           "countries": {"XX": {"en": PLACEHOLDER, "ru": PLACEHOLDER}},
                           "conventions": {"hydrological_year_start": 10, "growing_season": [4, 9]},
                           "display": {"volume_unit": "km3"}},
               "sources": {}, "stations": stations}
    text = {"en": PLACEHOLDER, "ru": PLACEHOLDER}
    catalogue = {
        "catalogue": {"id": f"{basin_id}-ews", "version": "0.1.0-draft", "status": "sample", "agreed": None,
                      "parties": ["XX"], "title": dict(text), "notice": dict(text)},
        "settings": {"reference_period": f"{first}-{last}", "min_coverage": {"dekad": 0.7, "month": 0.5},
                     "min_years": MIN_YEARS, "category_edges": [10, 25, 75, 90], "deescalation_periods": 2},
        "rules": [{"id": "STATUS-1", "version": "0.1-draft", "title": dict(text),
                   "agreement": {"document": dict(text), "article": None, "date": None}, "basis": dict(text)}],
        "indicators": indicators}
    return network, catalogue


HEADER = ("# Written by 'bulletin init' from {files}. Fill in every {placeholder} (names in en and ru at least,\n"
          "# country codes, coordinates [degrees], each station's downstream station), then run\n"
          "# 'bulletin validate --config {project}'. The keys are described in data/README.md.\n")


@main.command("init")
@setup_options(with_config=False)
@click.option("--id", "basin_id", default="mybasin", show_default=True, help="Id of the new network (letters, digits, _).")
@click.option("--out", "out_dir", callback=out_folder, default=".", show_default=True, type=click.Path(file_okay=False),
              help="Folder for network.yaml, catalogue.yaml and bulletin.yaml.")
@click.option("--force", is_flag=True, help="Overwrite files of those names.")
def init_cmd(setup: Setup, basin_id, out_dir, force):
    """Write a starting network, catalogue and project file for the stations found in the data."""
    from ..catalogue import load_catalogue
    from ..ingest import read_observations
    from ..network import load_network

    if not setup.data:
        raise UsageError("name your data files with --data.", hint="e.g. bulletin init --data archive.csv --out mybasin")
    if not NETWORK_ID.fullmatch(basin_id):
        raise UsageError(f"--id '{basin_id}': use 1 to 64 lower-case letters, digits and _, starting with a letter "
                         "and not ending with _.")
    obs = read_observations(setup.data, None, **{**setup.read_options(), "allow_unknown_stations": True})
    if not obs.keys():
        raise UsageError("the data hold no series, so there is no station to start from.")
    first, last, with_values = reference_years(obs)
    network, catalogue = skeleton(obs, basin_id, (first, last))
    out = Path(out_dir)
    names = {"network": out / "network.yaml", "catalogue": out / "catalogue.yaml", "project": out / "bulletin.yaml"}
    existing = [str(p) for p in names.values() if p.exists()]
    if existing and not force:
        raise UsageError(f"{', '.join(existing)} already exist(s).", hint="choose another --out, or pass --force.")
    # the data named relative to the project file, so that the folder can be moved with them
    data = [os.path.relpath(Path(d).resolve(), out.resolve()) for d in setup.data]
    project = {"network": "network.yaml", "catalogue": "catalogue.yaml", "data": data}
    for key in ("reader", "station", "variable", "unit", "station_from_name"):
        if getattr(setup, key):
            project[key] = getattr(setup, key)
    header = HEADER.format(files=", ".join(Path(d).name for d in setup.data), project=names["project"],
                           placeholder=PLACEHOLDER)
    texts = {names["network"]: header + _dump(network), names["catalogue"]: header + _dump(catalogue),
             names["project"]: "# Project file: bulletin generate --config bulletin.yaml\n" + _dump(project)}
    with tempfile.TemporaryDirectory() as tmp:  # the skeleton must load as it is written, before it is
        for p, t in texts.items():
            (Path(tmp) / p.name).write_text(t, encoding="utf-8")
        try:
            load_catalogue(Path(tmp) / "catalogue.yaml", load_network(Path(tmp) / "network.yaml"))
        except ConfigError as exc:  # a defect of init, not of the user's data
            raise BulletinError(f"init wrote a configuration that does not load: {exc}".replace(tmp, str(out)),
                                hint="please report it with the command you ran; nothing was written.") from exc
    write_all_atomic({p: t.encode("utf-8") for p, t in texts.items()})
    kinds = {k: sum(s["kind"] == k for s in network["stations"]) for k in ("gauge", "reservoir", "intake")}
    say(f"wrote {names['network']} ({', '.join(f'{n} {k}' + ('s' if n != 1 else '') for k, n in kinds.items() if n)}), "
               f"{names['catalogue']} ({len(catalogue['indicators'])} indicators) and {names['project']}; "
               f"fill in every {PLACEHOLDER}, then run 'bulletin validate --config {names['project']}'.")
    if with_values < MIN_YEARS:
        say(f"note: the data have values in {with_values} year(s) of {first}-{last}; a norm and the HydroSOS "
            f"categories need {MIN_YEARS} (min_years), so the indicators written say 'no data' until the record "
            "is that long", err=True)


def _dump(mapping: dict) -> str:
    return yaml.safe_dump(mapping, allow_unicode=True, sort_keys=False, width=110)
