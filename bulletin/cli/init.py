"""``bulletin init``: a starting network, catalogue and project file from one's own data files.

The stations are the codes found in the data; names, coordinates, countries and the river
topology are left for the hydrologist to fill in (marked ``FILL IN``), with placeholders that
load, so that ``bulletin validate`` and ``bulletin generate`` run at once. The kind of each
station follows from its variables (volume, level, inflow or release: a reservoir; withdrawal:
an intake; otherwise a gauge); the catalogue gives every flow series a HydroSOS status
indicator, which needs no threshold, over the latest 30 whole years of the data.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import click
import yaml

from ..errors import UsageError
from ..methods.status import StatusCategoryMethod
from .base import Setup, handles_errors, main, setup_options, write_all_atomic

RESERVOIR_VARIABLES = {"volume", "level", "inflow", "release"}
FLOW_VARIABLES = ("discharge", "inflow")
ID_PATTERN = re.compile(r"[^a-z0-9_]+")


def station_id(code: str) -> str:
    """A network id for a code found in the data: lower case, letters, digits and _; a code that is a number gets ``st_``.

    >>> station_id("16279"), station_id("Pskem - Mullala")
    ('st_16279', 'pskem_mullala')
    """
    text = ID_PATTERN.sub("_", code.strip().casefold()).strip("_") or "station"
    return f"st_{text}" if text[0].isdigit() else text


def kind_of(variables: set[str]) -> str:
    """gauge, reservoir or intake, from the variables a station reports."""
    if variables & RESERVOIR_VARIABLES - {"inflow"} or {"inflow", "release"} <= variables:
        return "reservoir"
    if variables == {"withdrawal"}:
        return "intake"
    return "gauge"


def skeleton(obs, basin_id: str) -> tuple[dict, dict]:
    """(network, catalogue) as YAML-ready mappings for the stations and variables of ``obs``."""
    by_station: dict[str, set] = {}
    for code, variable in obs.keys():
        by_station.setdefault(code, set()).add(variable)
    years = obs.frame["date"][obs.frame["value"].notna()].dt.year
    last = int(years.max()) - 1 if len(years) else 2020
    first = max(int(years.min()), last - 29) if len(years) else last - 29
    stations, indicators = [], []
    for code in sorted(by_station):
        sid = station_id(code)
        fill = f"{code} (FILL IN)"
        stations.append({"id": sid, "kind": kind_of(by_station[code]), "name": {"en": fill, "ru": fill},
                         "country": "XX", "river": {"en": "FILL IN", "ru": "FILL IN"}, "lat": 0.0, "lon": 0.0,
                         "downstream": None, "aliases": [code]})
        for variable in FLOW_VARIABLES:
            if variable in by_station[code]:
                indicators.append({
                    "id": f"{sid}_{variable}_status", "name": {"en": f"{variable} status, {code}",
                                                             "ru": f"{variable} status, {code} (FILL IN)"},
                    "station": sid, "variable": variable, "method": StatusCategoryMethod.name, "valid_from": f"{first}-01-01",
                    "season": "all", "rule": "FLOW-1",
                    "levels": {"low": "warning", "below_normal": "watch", "normal": "normal",
                               "above_normal": "normal", "high": "watch"}})
    network = {"network": {"id": basin_id, "name": {"en": f"{basin_id} (FILL IN)", "ru": f"{basin_id} (FILL IN)"},
                           "countries": {"XX": {"en": "FILL IN", "ru": "FILL IN"}},
                           "conventions": {"hydrological_year_start": 10, "growing_season": [4, 9]},
                           "display": {"volume_unit": "km3"}},
               "sources": {}, "stations": stations}
    text = {"en": "FILL IN", "ru": "FILL IN"}
    catalogue = {
        "catalogue": {"id": f"{basin_id}-ews", "version": "0.1.0-draft", "status": "sample", "agreed": None,
                      "parties": ["XX"], "title": dict(text), "notice": dict(text)},
        "settings": {"reference_period": f"{first}-{last}", "min_coverage": {"dekad": 0.7, "month": 0.5},
                     "min_years": 10, "category_edges": [10, 25, 75, 90], "deescalation_periods": 2},
        "rules": [{"id": "FLOW-1", "version": "0.1-draft", "title": dict(text),
                   "agreement": {"document": dict(text), "article": None, "date": None}, "basis": dict(text)}],
        "indicators": indicators}
    return network, catalogue


HEADER = ("# Written by 'bulletin init' from {files}. Fill in every FILL IN (names in en and ru at least,\n"
          "# country codes, coordinates [degrees], each station's downstream station), then run\n"
          "# 'bulletin validate --config {project}'. The keys are described in data/README.md.\n")


@main.command("init")
@setup_options()
@click.option("--id", "basin_id", default="mybasin", show_default=True, help="Id of the new network (letters, digits, _).")
@click.option("--out", "out_dir", default=".", show_default=True, type=click.Path(file_okay=False),
              help="Folder for network.yaml, catalogue.yaml and bulletin.yaml.")
@click.option("--force", is_flag=True, help="Overwrite files of those names.")
@handles_errors
def init_cmd(setup: Setup, basin_id, out_dir, force):
    """Write a starting network, catalogue and project file for the stations found in the data."""
    from ..catalogue import load_catalogue
    from ..ingest import read_observations
    from ..network import load_network

    if not setup.data:
        raise UsageError("name your data files with --data.", hint="e.g. bulletin init --data archive.csv --out mybasin")
    if not re.fullmatch(r"[a-z][a-z0-9_]*", basin_id):
        raise UsageError(f"--id '{basin_id}': use lower-case letters, digits and _, starting with a letter.")
    obs = read_observations(setup.data, None, **{**setup.read_options(), "allow_unknown_stations": True})
    if not obs.keys():
        raise UsageError("the data hold no series, so there is no station to start from.")
    network, catalogue = skeleton(obs, basin_id)
    out = Path(out_dir)
    names = {"network": out / "network.yaml", "catalogue": out / "catalogue.yaml", "project": out / "bulletin.yaml"}
    existing = [str(p) for p in names.values() if p.exists()]
    if existing and not force:
        raise UsageError(f"{', '.join(existing)} already exist(s).", hint="choose another --out, or pass --force.")
    data = [str(Path(d).resolve()) for d in setup.data]
    project = {"network": "network.yaml", "catalogue": "catalogue.yaml", "data": data}
    if setup.reader:
        project["reader"] = setup.reader
    if setup.station_from_name:
        project["station_from_name"] = setup.station_from_name
    header = HEADER.format(files=", ".join(Path(d).name for d in setup.data), project=names["project"])
    texts = {names["network"]: header + _dump(network), names["catalogue"]: header + _dump(catalogue),
             names["project"]: "# Project file: bulletin generate --config bulletin.yaml\n" + _dump(project)}
    with tempfile.TemporaryDirectory() as tmp:  # the skeleton must load as it is written, before it is
        for p, t in texts.items():
            (Path(tmp) / p.name).write_text(t, encoding="utf-8")
        load_catalogue(Path(tmp) / "catalogue.yaml", load_network(Path(tmp) / "network.yaml"))
    write_all_atomic({p: t.encode("utf-8") for p, t in texts.items()})
    kinds = {k: sum(s["kind"] == k for s in network["stations"]) for k in ("gauge", "reservoir", "intake")}
    click.echo(f"wrote {names['network']} ({', '.join(f'{n} {k}' for k, n in kinds.items() if n)}), "
               f"{names['catalogue']} ({len(catalogue['indicators'])} indicators) and {names['project']}; "
               "fill in every FILL IN, then run 'bulletin validate --config " + str(names["project"]) + "'.")


def _dump(mapping: dict) -> str:
    return yaml.safe_dump(mapping, allow_unicode=True, sort_keys=False, width=110)
