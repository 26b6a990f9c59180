"""Commands that issue bulletins into an archive: publish (one period) and backfill (a range)."""

from __future__ import annotations

import os
import re
from datetime import time

import click

from ..errors import UsageError
from ..files import NOT_ONE_LINE
from .base import _csv_list, _parse_issued_at, main, one_period, setup_options, template_folder
from .issue import note_placeholders
from .terminal import say


def _archive_options(func):
    for option in reversed([
        click.option("--archive", "archive", required=True, type=click.Path(file_okay=False),
                     help="Archive folder (created when it does not exist)."),
        click.option("--lang", "langs", default="ru,en", show_default=True, callback=_csv_list,
                     help="Languages, comma-separated."),
        click.option("--format", "formats", default="html,pdf,json,csv,netcdf", show_default=True,
                     callback=_csv_list,
                     help="Outputs, comma-separated: html, pdf, json, csv (the findings, the outlook and the series "
                          "the bulletin used), netcdf (the series as CF NetCDF). The results JSON and the CAP "
                          "messages are always written."),
        click.option("--templates", "template_dir", default=None, callback=template_folder, type=click.Path(),
                     help="Folder of templates that override the default ones."),
        click.option("--base-url", default=None,
                     help="Web address the archive is published at (absolute links in the feed)."),
        click.option("--cap-sender", default=None,
                     help="CAP sender (default: the issuer's e-mail or web host in the catalogue)."),
        click.option("--allow-no-data", is_flag=True,
                     help="Issue a period even when fewer than half of its findings have data (refused otherwise)."),
    ]):
        func = option(func)
    return func


def _request(langs, formats, template_dir, base_url, cap_sender, allow_no_data=False):
    from ..archive import Request
    from ..render.outputs import check_request

    check_request(langs, [f for f in formats if f != "netcdf"] or ["json"])
    if base_url is not None and not re.match(r"^https?://[^\s\"'<>]+/$", base_url):
        raise UsageError(f"--base-url '{base_url}' is not a web address ending with '/'.",
                         hint="give e.g. https://example.org/bulletins/.")
    return Request(tuple(langs), tuple(dict.fromkeys([*formats, "json"])), template_dir, cap_sender, base_url,
                   allow_no_data)


def _summary(entry) -> str:
    rev = entry["revisions"][-1]
    counts = ", ".join(f"{n} {lev}" for lev, n in rev["counts"].items())
    alerts = len(rev["alerts"])
    return (f"issue {entry['label']} ({entry['period']}), revision {rev['revision']}, issued {rev['issued_at']}: "
            f"{counts}; {alerts} CAP message{'s' if alerts != 1 else ''}")


@main.command()
@setup_options()
@_archive_options
@click.option("--period", multiple=True, callback=one_period, metavar="PERIOD",
              help="Dekad (2026-11-d2) or month (2026-11), given once; default 'latest'.")
@click.option("--issued-at", default=None, help="Issue time, ISO 8601 (default: now).")
@click.option("--reason", default=None,
              help="Issue a period already in the archive again, as a new revision, for this reason.")
def publish(setup, archive, langs, formats, template_dir, base_url, cap_sender, allow_no_data, period, issued_at,
            reason):
    """Issue the bulletin of one period into an archive: numbered, with its index, feed, CAP and data files."""
    from ..archive import ArchiveStore
    from ..archive import publish as do_publish
    from ..pipeline import prepare

    request = _request(langs, formats, template_dir, base_url, cap_sender, allow_no_data)
    if reason is not None and not reason.strip():
        raise UsageError("--reason is empty.", hint="give the reason of the revision in words.")
    if reason is not None and (bad := NOT_ONE_LINE.search(reason)):
        raise UsageError(f"--reason holds the character U+{ord(bad.group()):04X}, a control, line-break or "
                         "direction character.", hint="give the reason of the revision in words, on one line.")
    when = _parse_issued_at(issued_at)
    store = ArchiveStore(archive)
    store.check()
    prepared = prepare(data=setup.data, as_of=when, catalogue_path=setup.catalogue, network_path=setup.network,
                       read_options=setup.read_options(), qc_path=setup.qc, verification_path=setup.verification)
    note_placeholders(prepared.network, prepared.catalogue)
    entry, one = do_publish(prepared, store, period, when, request, reason=reason and reason.strip())
    say(f"Published {_summary(entry)}")
    say(f"  {archive}/{one.folder}/ ({len(entry['revisions'][-1]['files'])} files); index: "
               f"{archive}/index.html")


def _clock(ctx, param, value):
    if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value or ""):
        raise click.BadParameter(f"'{value}' is not a time of day HH:MM, e.g. 10:00.", ctx, param)
    h, m = value.split(":")
    return time(int(h), int(m))


@main.command()
@setup_options()
@_archive_options
@click.option("--from", "first", required=True, metavar="PERIOD", help="First period (dekad or month).")
@click.option("--to", "last", required=True, metavar="PERIOD", help="Last period (same kind as --from).")
@click.option("--issue-lag", default=1, show_default=True, type=click.IntRange(0, 60),
              help="Days after a period's last day that its issue is due.")
@click.option("--issue-time", default="10:00", show_default=True, callback=_clock,
              help="Time of day of the issue, in the network's UTC offset.")
@click.option("--workers", default=None, type=click.IntRange(1, 64),
              help="Processes rendering the pages (default: the cores available).")
def backfill(setup, archive, langs, formats, template_dir, base_url, cap_sender, allow_no_data, first, last,
             issue_lag, issue_time, workers):
    """Issue every period from --from to --to into an archive; resumes where an interrupted run stopped."""
    from ..archive import ArchiveStore, Schedule, periods_between
    from ..archive import backfill as do_backfill
    from ..network import load_network
    from ..pipeline import prepare

    request = _request(langs, formats, template_dir, base_url, cap_sender, allow_no_data)
    network = load_network(setup.network)
    periods = periods_between(first, last, network.seasons)
    schedule = Schedule(issue_lag, issue_time, getattr(network, "utc_offset", "+05:00"))
    store = ArchiveStore(archive)
    store.check()
    manifest = store.manifest()
    issued = {i["period"] for i in manifest["issues"]} if manifest else set()
    todo = [p for p in periods if p.label not in issued]
    if not todo:
        say(f"Every period from {first} to {last} is already in {archive}; nothing to do.")
        return
    if len(todo) < len(periods):
        say(f"Resuming: {len(periods) - len(todo)} of {len(periods)} periods are already in the archive.")
    prepared = prepare(data=setup.data, as_of=schedule.issued_at(periods[-1]), catalogue_path=setup.catalogue,
                       network_path=setup.network, read_options=setup.read_options(), qc_path=setup.qc,
                       verification_path=setup.verification)
    note_placeholders(prepared.network, prepared.catalogue)
    cores = workers or len(os.sched_getaffinity(0))
    with click.progressbar(length=len(todo), label=f"Issuing {len(todo)} periods", show_pos=True,
                           item_show_func=lambda label: label or "") as bar:
        def progress(done, total, label):
            bar.update(1, label)

        done = do_backfill(prepared, store, todo, schedule, request, workers=cores, progress=progress)
    say(f"Issued {len(done)} periods ({done[0]} to {done[-1]}) into {archive}; index: {archive}/index.html")
