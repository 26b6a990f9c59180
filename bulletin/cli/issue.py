"""Commands about the bulletin and its configuration: generate, validate, catalogue diff, i18n-status."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .base import (
    _csv_list,
    _parse_issued_at,
    handles_errors,
    main,
    notes_of,
    one_period,
    out_folder,
    setup_options,
    template_folder,
)
from .init import PLACEHOLDER
from .terminal import say, say_json
from .writing import write_all_atomic


@main.command()
@setup_options()
@click.option("--period", multiple=True, callback=one_period, metavar="PERIOD",
              help="Dekad (2026-11-d2) or month (2026-11), given once; 'latest' (the default) is the latest dekad in which at least half "
                   "of the indicators have data.")
@click.option("--lang", "langs", default="ru,en", show_default=True, callback=_csv_list,
              help="Languages, comma-separated.")
@click.option("--format", "formats", default="html,pdf,json", show_default=True, callback=_csv_list,
              help="Outputs, comma-separated: html, pdf, json, csv.")
@click.option("--out", "out_dir", callback=out_folder, default="out", show_default=True, type=click.Path(file_okay=False),
              help="Output directory.")
@click.option("--issued-at", default=None, help="Issue time, ISO 8601 (default: now, UTC).")
@click.option("--templates", "template_dir", default=None, callback=template_folder, type=click.Path(),
              help="Folder of templates that override the default ones.")
@click.option("--allow-no-data", is_flag=True,
              help="Issue the period even when fewer than half of its findings have data (refused otherwise).")
@click.option("--verification", "verification", default=None, type=click.Path(dir_okay=False),
              help="Verification file of the outlook ('bulletin verify --out'), shown in the annex. Default: the "
                   "sample's (make verification) when no --data is given.")
@click.option("--no-outlook", "no_outlook", is_flag=True,
              help="Skip the outlook of the coming dekads (for timing it; the bulletin then has no outlook).")
def generate(setup, period, langs, formats, out_dir, issued_at, template_dir, allow_no_data, verification,
             no_outlook):
    """Generate the bulletin (HTML, PDF, JSON) for one period."""
    from ..periods import latest_complete
    from ..pipeline import run
    from ..render.outputs import check_request, render_all

    check_request(langs, formats)  # before the data are read: a typo costs nothing
    if setup.catalogue is None and setup.network is not None:
        setup.load_catalogue(setup.load_network())  # the default catalogue must fit a network of one's own
    result = run(data=setup.data, period=period, issued_at=_parse_issued_at(issued_at),
                 catalogue_path=setup.catalogue, network_path=setup.network, qc_path=setup.qc,
                 read_options=setup.read_options(), allow_no_data=allow_no_data, with_outlook=not no_outlook,
                 verification_path=verification or setup.verification,
                 figures=bool({"html", "pdf"} & set(formats)))  # JSON and CSV alone: no chart series computed
    b = result.bulletin
    outputs = render_all(b, langs, formats, template_dir)  # everything is rendered before anything is written
    out = Path(out_dir)
    write_all_atomic({out / name: payload for name, payload in outputs.items()}, inside=out)
    notes_of(result.observations, result.network)
    note_placeholders(result.network, result.catalogue)
    scores = result.verification
    if scores is not None and not scores.matches:
        other = " and ".join(w for w, same in (("data", scores.same_data), ("catalogue", scores.same_catalogue))
                             if not same)
        say(f"note: the verification scores of {scores.path} were computed on other {other} than this "
                   f"bulletin's ({scores.command}); the annex says so", err=True)
    last = result.evaluated.last_date if result.evaluated is not None else None
    if period == "latest" and last is not None and result.period.label != latest_complete("dekad", last).label:
        say(f"note: latest is {result.period.label}, the latest period in which at least half of the "
                   f"findings have data; the data end on {last:%Y-%m-%d}", err=True)
    due = latest_complete("dekad", b.issued_at.date())
    if period == "latest" and last is not None and last < due.start:
        say(f"note: {result.period.label} is the latest period with data, but the last dekad ended before the "
            f"issue time is {due.label}: the data end on {last:%Y-%m-%d}, {(due.end - last).days} days before its "
            "end", err=True)
    levels = {lev: sum(1 for f in result.findings if f.level == lev)
              for lev in ("alert", "warning", "watch", "normal", "no_data")}
    say(f"Bulletin {b.id} ({b.period.label}), issue {b.issue_number}: "
               + ", ".join(f"{n} {lev}" for lev, n in levels.items()))
    for name in outputs:
        say(f"  wrote {out / name}")


@main.command("i18n-status")
@setup_options(with_data=False)
@click.option("--verbose", "-v", is_flag=True, help="List the message ids and the names that are not translated.")
def i18n_status(setup, verbose):
    """How many messages, and names of the network and catalogue, each language translates; the others fall back to Russian."""
    from ..render import i18n
    from ..render.messages import config_texts, extract, name_status, status, status_line

    template = extract()
    total = sum(1 for m in template if m.id)
    network = setup.load_network()
    names = name_status(config_texts(network, setup.load_catalogue(network)))
    for lang in i18n.LANGUAGES:
        translated, missing = status(lang, template)
        say(status_line(lang, translated, total, len(missing), names[lang]))
        if verbose:
            for context, msgid in missing:
                say(f"  [{context}] {msgid}" if context else f"  {msgid}")
            for key in names[lang].missing:
                say(f"  [name] {key}")


@main.command()
@setup_options(with_data=False)
def validate(setup):
    """Validate the network, the catalogue against it, and the QC configuration; report every problem at once."""
    from ..qc import load_qc_config
    from ..qc.config import load_links, with_station_exceptions

    network = setup.load_network()
    cat = setup.load_catalogue(network)
    with_station_exceptions(load_qc_config(setup.qc), network)
    links = load_links(network)
    say(f"{cat.path}: catalogue {cat.id} {cat.version} ({cat.status}) is valid: "
               f"{len(cat.indicators)} indicators, {len(cat.rules)} rules, "
               f"network {network.id} with {len(network.stations)} stations and {len(links)} flow links.")
    note_placeholders(network, cat)


def note_placeholders(network, catalogue) -> None:
    """Say which names of the network and catalogue are still the 'FILL IN' that 'bulletin init' wrote.

    They are valid, so that a first bulletin can be looked at, but they are printed as they are.
    """
    from ..render.messages import config_texts

    keys = [key for key, names in config_texts(network, catalogue).items()
            if any(PLACEHOLDER in str(text) for text in names.values())]
    if keys:
        shown = "; ".join(keys[:5]) + (f"; and {len(keys) - 5} more" if len(keys) > 5 else "")
        say(f"note: {len(keys)} names are still '{PLACEHOLDER}', as 'bulletin init' wrote them ({shown}); the "
            "bulletin prints them as they are: fill them in before it is published", err=True)


@main.group("catalogue")
def catalogue_group():
    """Work with indicator catalogues."""


@catalogue_group.command("diff")
@click.argument("old", type=click.Path())
@click.argument("new", type=click.Path())
@click.option("--network", "network_path", default=None, type=click.Path(), help="Network YAML.")
@click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON.")
@handles_errors
def catalogue_diff(old, new, network_path, as_json):
    """What changed from catalogue OLD to catalogue NEW: thresholds, indicators, rules, settings."""
    from ..catalogue import load_catalogue
    from ..catalogue_diff import diff_catalogues
    from ..network import load_network

    network = load_network(network_path)
    a, b = load_catalogue(old, network), load_catalogue(new, network)
    changes = diff_catalogues(a, b)
    if as_json:
        say_json(json.dumps({"old": a.as_json(), "new": b.as_json(), "changes": [c.as_json() for c in changes]},
                            ensure_ascii=False, indent=2))
        return
    say(f"{a.id} {a.version} -> {b.id} {b.version}: {len(changes)} change(s)")
    for change in changes:
        say(change.sentence())
