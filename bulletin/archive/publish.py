"""Issue bulletins into an archive: one period (``publish``) or every period of a range (``backfill``).

A published issue is the bulletin of :func:`bulletin.pipeline.issue` with its number and
revision, compared with the previous issue of the archive ("what changed"), and its files:
the results JSON, the findings and outlook CSV, the HTML and PDF of every language, the
dekadal series it used as CF NetCDF and CSV, and a CAP 1.2 message per finding at warning or
above (with an ``Update`` or a ``Cancel`` of the previous issue's messages). The archive's
index pages, feed and manifest are made again from the manifest, and everything is committed
as one new generation (:class:`~bulletin.archive.store.ArchiveStore`).
"""

from __future__ import annotations

import dataclasses
import io
import json
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import pandas as pd

from ..datasets import bulletin_series
from ..document.build import next_issue_at
from ..document.model import Revision
from ..document.since import changes_since
from ..errors import UsageError
from ..periods import Period, offset_timezone, parse_period
from ..pipeline import Prepared, Run, issue
from ..render.cap import PreviousAlert, cap_messages
from ..render.data import series_csv, series_netcdf
from ..render.feed import atom_feed
from ..render.outputs import render_all
from ..render.site import index_pages
from .manifest import Manifest, empty_manifest, issue_folder
from .store import ArchiveStore


@dataclass(frozen=True)
class Schedule:
    """When the issue of a period is due: ``lag_days`` after its last day, at ``at`` local time (``utc_offset``).

    >>> from bulletin.periods import Period
    >>> Schedule().issued_at(Period.dekad(2026, 11, 2)).isoformat()
    '2026-11-21T10:00:00+05:00'
    """

    lag_days: int = 1
    at: time = time(10, 0)
    utc_offset: str = "+05:00"

    def issued_at(self, period: Period) -> datetime:
        """The issue time of ``period``."""
        return datetime.combine(period.end + timedelta(days=self.lag_days), self.at,
                                tzinfo=offset_timezone(self.utc_offset))


@dataclass(frozen=True)
class Request:
    """What a publish writes: languages, formats, templates, the CAP sender and the web address of the archive."""

    langs: tuple = ("ru", "en")
    formats: tuple = ("html", "pdf", "json", "csv", "netcdf")
    template_dir: str | None = None
    sender: str | None = None
    base_url: str | None = None
    allow_no_data: bool = False


@dataclass
class ReadyIssue:
    """One period made ready to commit: its manifest entry and every file, but its pages not yet rendered."""

    period: Period
    number: int | None
    entry: dict
    bulletin: object
    files: dict  # name inside the revision folder -> bytes (all but HTML and PDF)
    folder: str


def cap_sender(catalogue, network) -> str:
    """The CAP ``sender``: the issuer's e-mail, else the host of its web address, else ``<network id>.bulletin``."""
    issuer = catalogue.issuer
    if issuer is not None and issuer.email:
        return issuer.email
    if issuer is not None and issuer.url:
        from urllib.parse import urlparse

        host = urlparse(issuer.url).hostname
        if host:
            return host
    return f"{network.id}.bulletin"


def places_of(network) -> dict:
    """Station id -> (lat, lon, polygon as (lat, lon) pairs) for the CAP areas."""
    return {s.id: (s.lat, s.lon, tuple((lat, lon) for lon, lat in s.area)) for s in network.stations.values()}


def _series_frame(data: bytes | None):
    if data is None:
        return None
    frame = pd.read_csv(io.BytesIO(data), dtype={"station": str, "variable": str, "period": str, "unit": str})
    frame["start"] = pd.to_datetime(frame["start"]).dt.date
    frame["end"] = pd.to_datetime(frame["end"]).dt.date
    return frame


def _find(revision: dict, suffix: str) -> str | None:
    """The name of the revision's file that ends with ``suffix`` (``.json``, ``.series.csv``), or None."""
    return next((f["name"] for f in revision["files"] if f["name"].endswith(suffix)), None)


@dataclass
class Computed:
    """What a period's issue needs that does not depend on the archive (picklable: made by a worker process).

    ``bulletin`` has no number, revision or comparison yet; ``series`` is the dekadal series it
    used (None when no data file is asked for); ``data_files`` their NetCDF and CSV.
    """

    period: Period
    bulletin: object
    series: object
    data_files: dict


def check_new(manifest: Manifest, period: Period, issued_at: datetime, reason: str | None) -> None:
    """Raise UsageError unless ``period`` may be issued: new without ``reason``, or a later revision with one."""
    existing = manifest.find(period)
    if existing is not None and not reason:
        rev = manifest.current(existing)
        raise UsageError(f"{period.label} is already in the archive: issue {existing['label']}, revision "
                         f"{rev['revision']}, issued {rev['issued_at']}; an issue is never changed.",
                         hint="to correct it, issue it again as a new revision with --reason 'what was corrected'.")
    if existing is None and reason:
        raise UsageError(f"{period.label} is not in the archive yet, so there is nothing to revise (--reason).",
                         hint="publish it without --reason.")
    if existing is not None and issued_at <= datetime.fromisoformat(manifest.current(existing)["issued_at"]):
        raise UsageError(f"the revision of {period.label} must be issued after the revision it replaces "
                         f"({manifest.current(existing)['issued_at']}); --issued-at gives {issued_at.isoformat()}.",
                         hint="give a later --issued-at, or leave it out (now).")


def compute(prepared: Prepared, period: Period, issued_at: datetime, request: Request) -> Computed:
    """The run of ``period`` and its data files: the part of an issue that needs no other issue."""
    run: Run = issue(prepared, period=period.label, issued_at=issued_at, allow_no_data=request.allow_no_data)
    b = run.bulletin
    series, files = None, {}
    if {"netcdf", "csv"} & set(request.formats):
        network = prepared.network
        table = bulletin_series(prepared.catalogue, network, prepared.store, period)
        series = table.rows
        if "netcdf" in request.formats:
            files[f"{b.id}.series.nc"] = series_netcdf(
                table, title=f"{network.names.get('en', network.id)}: dekadal series used by bulletin {b.id}",
                institution=_institution(prepared.catalogue), source=f"bulletin {b.id}, software {b.software_version}")
        if "csv" in request.formats:
            files[f"{b.id}.series.csv"] = series_csv(table)
    return Computed(period, b, series, files)


def finish(prepared: Prepared, manifest: Manifest, store: ArchiveStore, done: Computed, request: Request, *,
           reason: str | None = None, pending: dict | None = None) -> ReadyIssue:
    """Number ``done``, compare it with the previous issue, write its JSON, CSV and CAP messages: all but its pages.

    ``pending`` holds what the next periods of a backfill need of the ones finished but not yet
    committed: period label -> (results JSON bytes, series frame or None).
    """
    network, seasons, period = prepared.network, prepared.network.seasons, done.period
    existing = manifest.find(period)
    number = existing["number"] if existing else manifest.next_number(period.start.year)
    revision = manifest.current(existing)["revision"] + 1 if existing else 1
    label = f"{number}/{period.start.year}"
    since, previous_alerts = None, ()
    prev = manifest.previous(period, seasons)
    pending = pending if pending is not None else {}
    if prev is not None:
        prev_rev = manifest.current(prev)
        if prev["period"] in pending:
            doc_bytes, previous_series = pending[prev["period"]]
        else:
            doc_bytes = store.read(f"{prev_rev['folder']}/{_find(prev_rev, '.json')}")
            name = _find(prev_rev, ".series.csv")
            previous_series = _series_frame(store.read(f"{prev_rev['folder']}/{name}")) if name else None
        since = changes_since(done.bulletin.rows, json.loads(doc_bytes), catalogue=prepared.catalogue,
                              network=network, previous_label=prev["label"], previous_revision=prev_rev["revision"],
                              previous_series=previous_series, series=done.series)
    alerts_from = manifest.current(existing) if existing else (manifest.current(prev) if prev else None)
    if alerts_from is not None:
        previous_alerts = tuple(PreviousAlert(a["key"], a["identifier"], a["sender"], a["sent"], a["level"],
                                              a["msg_type"]) for a in alerts_from.get("alerts", ()))
    old = manifest.current(existing) if existing else None
    bulletin = done.bulletin
    if existing is not None and bulletin.next_issue_at is not None:  # a revision does not move the schedule
        first = datetime.fromisoformat(existing["revisions"][0]["issued_at"])
        bulletin = dataclasses.replace(bulletin, next_issue_at=next_issue_at(period, first))
    b = dataclasses.replace(
        bulletin, issue_number=label, since_previous=since,
        revision=Revision(label, revision, reason, old["revision"] if old else None,
                          datetime.fromisoformat(old["issued_at"]) if old else None))
    outputs = render_all(b, request.langs, [f for f in request.formats if f in ("json", "csv")])
    outputs.update(done.data_files)
    sender = request.sender or cap_sender(prepared.catalogue, network)
    messages = cap_messages(b, request.langs, previous_alerts, sender=sender, revision=revision,
                            utc_offset=network.utc_offset, places=places_of(network))
    for m in messages:
        outputs[m.file_name] = m.xml
    folder = issue_folder(period.start.year, number, period.label, revision)
    entry = {
        "revision": revision, "issued_at": b.issued_at.isoformat(), "reason": reason,
        "superseded_by": None, "superseded_at": None, "folder": folder, "bulletin_id": b.id,
        "sample_data": b.sample_data, "files": [],
        "countries": [{"code": c.code, "names": dict(c.name.names), "level": c.level} for c in b.countries],
        "counts": {lev: sum(r.level == lev for r in b.rows) for lev in ("alert", "warning", "watch", "normal",
                                                                         "no_data")},
        "alerts": [{"key": m.key, "identifier": m.identifier, "sender": sender, "msg_type": m.msg_type,
                    "level": m.level, "file": m.file_name, "sent": m.sent} for m in messages],
    }
    pending[period.label] = (outputs[f"{b.id}.json"], done.series)
    return ReadyIssue(period, None if existing else number, entry, b, outputs, folder)


def _institution(catalogue) -> str:
    issuer = catalogue.issuer
    return issuer.name("en") if issuer is not None else catalogue.id


def file_kind(name: str) -> tuple[str, str | None]:
    """(kind, language) of a file of a revision, from its name.

    >>> file_kind("syrdarya-2026-02-d2.ru.pdf"), file_kind("x.series.csv"), file_kind("x.a.b.cap.xml")
    (('pdf', 'ru'), ('csv', None), ('cap', None))
    """
    for suffix, kind in ((".cap.xml", "cap"), (".nc", "netcdf"), (".csv", "csv"), (".json", "json")):
        if name.endswith(suffix):
            return kind, None
    stem, _, ext = name.rpartition(".")
    return ext, stem.rpartition(".")[2]


def render_pages(b, request: Request) -> dict:
    """The HTML and PDF of every language of ``b`` (the slow part, run in parallel by a backfill)."""
    formats = [f for f in request.formats if f in ("html", "pdf")]
    if not formats:
        return {}
    pages = render_all(b, request.langs, formats, request.template_dir)
    return {k: v for k, v in pages.items() if k.endswith((".html", ".pdf"))}


def site_files(manifest: Manifest, request: Request) -> tuple[dict, dict]:
    """The index pages, feed and manifest of the archive described by ``manifest``, and its ``latest/``.

    Returns (path -> bytes, ``latest/`` path -> the file of the latest issue it is a link to).
    """
    files = dict(index_pages(manifest.data, request.template_dir))
    files["feed.atom"] = atom_feed(manifest.data, base_url=manifest.data.get("base_url"))
    files["archive.json"] = manifest.dumps()
    latest = manifest.latest()
    links = {}
    if latest is not None:
        rev = manifest.current(latest)
        links = {f"latest/{f['name']}": f"{rev['folder']}/{f['name']}" for f in rev["files"]}
    return files, links


def commit_issues(store: ArchiveStore, manifest: Manifest, issues: list, request: Request) -> list:
    """Add each (issue, pages) of ``issues`` to the manifest and commit them with the site as one new generation."""
    fresh, entries = {}, []
    for one, pages in issues:
        outputs = {**one.files, **pages}
        one.entry["files"] = [{"name": n, "kind": file_kind(n)[0], "lang": file_kind(n)[1]} for n in sorted(outputs)]
        entries.append(manifest.add(one.period, one.entry, one.number))
        fresh.update({f"{one.folder}/{n}": data for n, data in outputs.items()})
    site, links = site_files(manifest, request)
    store.commit({**fresh, **site}, links=links)
    return entries


def open_manifest(store: ArchiveStore, prepared: Prepared, request: Request) -> Manifest:
    """The archive's manifest, checked against the network; a new one for a new archive."""
    data = store.manifest()
    manifest = Manifest(data if data is not None else empty_manifest(prepared.network, request.langs,
                                                                      request.base_url))
    manifest.check(str(store.root / "archive.json"), prepared.network, prepared.network.seasons)
    if request.base_url is not None:
        manifest.data["base_url"] = request.base_url
    for lang in request.langs:
        if lang not in manifest.data["languages"]:
            manifest.data["languages"].append(lang)
    return manifest


def publish(prepared: Prepared, store: ArchiveStore, period: str, issued_at: datetime, request: Request,
            reason: str | None = None) -> tuple[dict, ReadyIssue]:
    """Issue one period into the archive (a new issue, or with ``reason`` a new revision of one)."""
    with store.locked():
        manifest = open_manifest(store, prepared, request)
        target = _resolve(prepared, period, request.allow_no_data)
        check_new(manifest, target, issued_at, reason)
        one = finish(prepared, manifest, store, compute(prepared, target, issued_at, request), request, reason=reason)
        (entry,) = commit_issues(store, manifest, [(one, render_pages(one.bulletin, request))], request)
    return entry, one


def _resolve(prepared: Prepared, period: str, allow_no_data: bool = False) -> Period:
    from ..pipeline import resolve_period

    return resolve_period(period, prepared.evaluated, prepared.network, prepared.coverage, allow_no_data)


def periods_between(first: str, last: str, seasons) -> list[Period]:
    """Every period from ``first`` to ``last`` (both dekads or both months), in order."""
    a, b = parse_period(first, seasons), parse_period(last, seasons)
    if a.kind != b.kind or a.kind not in ("dekad", "month"):
        raise UsageError(f"--from {first} and --to {last} must both be dekads or both months.",
                         hint="e.g. --from 2025-10-d1 --to 2026-09-d3.")
    if b.start < a.start:
        raise UsageError(f"--to {last} is before --from {first}.", hint="swap them.")
    out = [a]
    while out[-1] != b:
        out.append(out[-1].shift(1))
    return out
