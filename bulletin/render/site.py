"""The web index of a bulletin archive, rendered from its manifest (``archive.json``); its feed is :mod:`.feed`.

The manifest (schema version 1) lists every issue and every revision of an issue with its files.
:func:`index_pages` renders ``index.html`` in the archive's first language, ``lang/index.<lang>.html``
in each other one and their stylesheet. Nothing is written here.

Every text of the manifest is untrusted: the pages are autoescaped, and a file or folder is linked
only when its name is a plain relative path (no ``..``, no leading ``/``, no scheme, no backslash);
any other name is refused with a RenderError naming the issue. No clock is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from babel import Locale, UnknownLocaleError

from ..errors import BulletinError, RenderError
from ..periods import parse_period
from ..text import N_, localized
from ..vocabulary import LEVEL_NAMES
from .html import environment
from .i18n import Localizer
from .palette import css_custom_properties

ARCHIVE_VERSION = 1
LEVEL_ORDER = ("alert", "warning", "watch", "normal", "no_data")  # the order of the counts: most severe first
KIND_LABELS = {"html": "HTML", "pdf": "PDF", "json": "JSON", "csv": "CSV", "netcdf": "NetCDF", "cap": "CAP"}
FILE_PARTS = {"findings": N_("findings"), "outlook": N_("outlook"), "series": N_("series")}  # <id>.findings.csv

MSG_TITLE = N_("{network}: hydrological early-warning bulletins")
MSG_REASON = N_("Revision {revision}: {reason}")
MSG_SUPERSEDED = N_("Superseded by revision {revision} on {date}.")
MSG_SAMPLE = N_("The bulletins of this archive are computed from synthetic sample data. "
                "The values are not observations and must not be used for decisions.")
MSG_SAMPLE_MARK = N_("SYNTHETIC SAMPLE DATA — not observations")

_NETWORK_ID = re.compile(r"^[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?$")  # a network id; '_' becomes '-' in a tag URI


@dataclass(frozen=True)
class File:
    """One file of a revision: its name, kind, language and path relative to the archive (not quoted)."""

    name: str
    kind: str
    lang: str | None
    path: str
    alert: dict | None = None  # the manifest's CAP message of this file, if any


@dataclass(frozen=True)
class Revision:
    """One revision of an issue, checked."""

    number: int
    issued_at: datetime
    reason: str | None
    superseded_by: int | None
    superseded_at: datetime | None
    bulletin_id: str
    files: tuple
    countries: tuple  # (code, {lang: name}, level)
    counts: tuple  # (level, count), most severe first


@dataclass(frozen=True)
class Issue:
    """One issue of the archive, checked; its revisions newest first."""

    number: int
    year: int
    label: str
    period: object  # bulletin.periods.Period
    period_code: str
    revisions: tuple


@dataclass(frozen=True)
class Archive:
    """The manifest, checked: network, languages, sample flag and the issues newest first."""

    network_id: str
    names: dict
    languages: tuple
    sample_data: bool
    issues: tuple


def manifest_error(where: str, what: str) -> RenderError:
    """The error of a manifest entry that cannot be shown or linked, naming it (``where``)."""
    return RenderError(f"archive manifest: {where}: {what}",
                       hint="correct the entry of archive.json, or publish the issue again.")


def safe_path(path: str, where: str) -> str:
    """``path`` when it is a plain relative path inside the archive, else a RenderError naming ``where``.

    >>> safe_path("issues/2026/005-2026-02-d2/r1", "issue 5/2026")
    'issues/2026/005-2026-02-d2/r1'
    """
    plain = isinstance(path, str) and path.strip() and not any(ord(c) < 32 or c == "\x7f" for c in path)
    if not plain or path.startswith("/") or "\\" in path or ".." in path or ":" in path:  # ':' would start a scheme
        raise manifest_error(where, f"the name {path!r} is refused: it must be a relative path, without '..', a leading "
                           "'/', a scheme (':'), a backslash or control characters.")
    return path


def _time(text, where: str) -> datetime:
    t = datetime.fromisoformat(text)  # not a time: a ValueError or TypeError, reported with its issue by _issue
    if t.utcoffset() is None:
        raise manifest_error(where, f"the time {text!r} has no UTC offset.")
    return t


def _level(level, where: str) -> str:
    if level not in LEVEL_NAMES:
        raise manifest_error(where, f"unknown level {level!r}; use one of {', '.join(LEVEL_NAMES)}.")
    return level


def _revision(raw: dict, where: str) -> Revision:
    folder = safe_path(raw["folder"], where).rstrip("/")
    alerts = {a["file"]: a for a in raw.get("alerts") or ()}
    files = tuple(File(safe_path(f["name"], where), str(f["kind"]), f.get("lang"),
                       f"{folder}/{f['name']}", alerts.get(f["name"])) for f in raw["files"])
    countries = tuple((str(c["code"]), dict(c.get("names") or {}), _level(c["level"], where))
                      for c in raw["countries"])
    counts = dict(raw.get("counts") or {})
    for level, n in counts.items():
        _level(level, where)
        if not isinstance(n, int) or isinstance(n, bool) or n < 0:
            raise manifest_error(where, f"the count of {level!r} is {n!r}, not a number of indicators.")
    superseded_by, superseded_at = raw.get("superseded_by"), raw.get("superseded_at")
    if (superseded_by is None) != (superseded_at is None):
        raise manifest_error(where, "superseded_by and superseded_at must be given together.")
    return Revision(
        number=int(raw["revision"]), issued_at=_time(raw["issued_at"], where), reason=raw.get("reason"),
        superseded_by=None if superseded_by is None else int(superseded_by),
        superseded_at=None if superseded_at is None else _time(superseded_at, where),
        bulletin_id=str(raw.get("bulletin_id") or ""), files=files, countries=countries,
        counts=tuple((level, counts[level]) for level in LEVEL_ORDER if level in counts))


def _issue(raw: dict) -> Issue:
    where = f"issue {raw.get('label', '?')!s} ({raw.get('period', '?')!s})"
    try:
        revisions = sorted((_revision(r, f"{where}, revision {r.get('revision', '?')}") for r in raw["revisions"]),
                           key=lambda r: r.number, reverse=True)
        issue = Issue(number=int(raw["number"]), year=int(raw["year"]), label=str(raw["label"]),
                      period=parse_period(str(raw["period"])), period_code=str(raw["period"]),
                      revisions=tuple(revisions))
    except (KeyError, TypeError, ValueError) as e:
        raise manifest_error(where, f"missing or malformed entry ({type(e).__name__}: {e}).") from None
    except BulletinError as e:
        raise e if isinstance(e, RenderError) else manifest_error(where, e.message) from None
    numbers = [r.number for r in revisions]
    if ([r.superseded_by for r in revisions].count(None) != 1 or len(set(numbers)) != len(numbers)
            or any(r.superseded_by not in (None, *numbers) for r in revisions)):
        raise manifest_error(where, f"revisions {numbers}: exactly one must be current (superseded_by null), no number "
                           "may repeat, and a revision is superseded only by one that is listed.")
    return issue


def read_manifest(manifest: dict) -> Archive:
    """The manifest checked, issues and revisions newest first.

    Raises
    ------
    RenderError
        When the manifest is not of version 1, lacks an entry, or names a file, folder, level or
        time that cannot be shown; the message names the issue.
    """
    if manifest.get("archive_version") != ARCHIVE_VERSION:
        raise manifest_error("archive_version", f"{manifest.get('archive_version')!r} is not {ARCHIVE_VERSION}.")
    try:
        network, languages = manifest["network"], tuple(manifest["languages"])
        network_id, names = str(network["id"]), dict(network.get("names") or {})
    except (KeyError, TypeError) as e:
        raise manifest_error("network", f"missing or malformed entry ({e}).") from None
    if not _NETWORK_ID.match(network_id) or not languages:
        raise manifest_error("network", f"the id {network_id!r} must be lower-case letters, digits, '_' and '-', "
                               f"and at least one language given (languages: {list(languages)}).")
    issues = tuple(_issue(i) for i in reversed(manifest.get("issues") or ()))
    return Archive(network_id, names, languages, bool(manifest.get("sample_data")), issues)


def language_name(code: str) -> str:
    """The name of a language in itself, capitalised ("Русский", "English"); the code when unknown.

    >>> language_name("ru"), language_name("xx")
    ('Русский', 'xx')
    """
    try:
        name = Locale.parse(code).get_display_name(code) or code
    except (ValueError, TypeError, UnknownLocaleError):
        return str(code)
    return name[:1].upper() + name[1:]


def file_label(f: File, bulletin_id: str, loc: Localizer | None = None) -> str:
    """The text of a link to a language-neutral file: its format, and what sets it apart from the others (in ``loc``).

    >>> file_label(File("syrdarya-2026-02-d2.findings.csv", "csv", None, ""), "syrdarya-2026-02-d2")
    'CSV · findings'
    >>> file_label(File("syrdarya-2026-02-d2.json", "json", None, ""), "syrdarya-2026-02-d2")
    'JSON'
    """
    label = KIND_LABELS.get(f.kind, f.kind)
    if f.alert is not None and f.alert.get("key"):
        return f"{label} · {f.alert['key']}"
    stem = f.name.removeprefix(bulletin_id + ".") if bulletin_id else f.name
    middle = stem.rsplit(".", 1)[0] if "." in stem and stem != f.name else ""
    middle = middle.removesuffix(".cap") if f.kind == "cap" else middle
    middle = loc.gettext(FILE_PARTS[middle]) if loc is not None and middle in FILE_PARTS else middle
    return f"{label} · {middle}" if middle else label


def file_groups(rev: Revision, languages, root: str, loc: Localizer, latest: bool = False) -> dict:
    """The links of a revision's files: per language (HTML, PDF) and then the language-neutral ones, in ``loc``.

    A dict: ``by_lang``, [(code, name, [(label, href, kind), ...]), ...] in the archive's order of
    languages; ``other``, [(label, href, kind, level), ...] (level of a CAP message, else None).
    """
    by_lang: dict = {}
    other = []
    for f in rev.files:
        href = root + quote(f"latest/{f.name}" if latest else f.path)
        if f.lang:
            by_lang.setdefault(f.lang, []).append((KIND_LABELS.get(f.kind, f.kind), href, f.kind))
        else:
            level = f.alert.get("level") if f.alert else None
            other.append((file_label(f, rev.bulletin_id, loc), href, f.kind,
                          level if level in LEVEL_NAMES else None))
    order = [lang for lang in languages if lang in by_lang] + [lang for lang in by_lang if lang not in languages]
    other.sort(key=lambda o: (list(KIND_LABELS).index(o[2]) if o[2] in KIND_LABELS else len(KIND_LABELS), o[0]))
    return {"by_lang": [(lang, language_name(lang), by_lang[lang]) for lang in order], "other": other}


def revision_notes(issue: Issue, rev: Revision, loc: Localizer) -> tuple[str | None, str | None]:
    """("Superseded by revision 2 on <date>.", "Revision 2: <reason>") of a revision; None where there is none.

    The reason is that of the newer revision for a superseded one, its own for the current one.
    """
    superseded, number, reason = None, rev.number, rev.reason
    if rev.superseded_by is not None:
        superseded = loc.gettext(MSG_SUPERSEDED).format(revision=rev.superseded_by,
                                                        date=loc.datetime(rev.superseded_at))
        number = rev.superseded_by
        reason = next((r.reason for r in issue.revisions if r.number == number), None)
    return superseded, loc.gettext(MSG_REASON).format(revision=number, reason=reason) if reason else None


def _revision_view(issue: Issue, rev: Revision, loc: Localizer, archive: Archive, root: str) -> dict:
    superseded, reason = revision_notes(issue, rev, loc)
    return {
        "number": rev.number, "current": rev.superseded_by is None, "superseded": superseded, "reason": reason,
        "issued": loc.datetime(rev.issued_at), "issued_iso": rev.issued_at.isoformat(),
        "countries": [(code, localized(names, loc.lang, code), level) for code, names, level in rev.countries],
        "counts": list(rev.counts),
        "files": file_groups(rev, archive.languages, root, loc),
    }


def _issue_view(issue: Issue, loc: Localizer, archive: Archive, root: str) -> dict:
    return {
        "id": f"issue-{issue.year}-{issue.number:03d}", "label": issue.label, "period_code": issue.period_code,
        "period": loc.period(issue.period),
        "dates": f"{loc.date(issue.period.start)} – {loc.date(issue.period.end)}",
        "revisions": [_revision_view(issue, r, loc, archive, root) for r in issue.revisions],
    }


def index_pages(manifest: dict, template_dir=None) -> dict[str, bytes]:
    """The index pages of the archive and their stylesheet, in memory.

    Parameters
    ----------
    manifest : dict
        The archive's manifest (``archive.json``, schema version 1).
    template_dir : path, optional
        A folder of templates overriding ``archive_index.html`` or ``archive.css``.

    Returns
    -------
    dict
        ``index.html`` (first language), ``lang/index.<lang>.html`` for each other language and
        ``archive.css``, as UTF-8 bytes.

    Raises
    ------
    RenderError
        When the manifest names a file or folder that cannot be linked, or is malformed.
    """
    archive = read_manifest(manifest)
    pages: dict[str, bytes] = {}
    css = ""
    for k, lang in enumerate(archive.languages):
        loc = Localizer(lang)
        root = "" if k == 0 else "../"
        env = environment(loc, template_dir)
        env.globals["level_name"] = lambda level, loc=loc: loc.gettext(LEVEL_NAMES[level])
        network = localized(archive.names, lang, archive.network_id)
        switcher = [(code, language_name(code), root + ("index.html" if j == 0 else f"lang/index.{code}.html"), j == k)
                    for j, code in enumerate(archive.languages)]
        latest = None
        if archive.issues:
            newest = archive.issues[0]
            current = next(r for r in newest.revisions if r.superseded_by is None)
            latest = {"label": newest.label, "period": loc.period(newest.period),
                      "files": file_groups(current, archive.languages, root, loc, latest=True)}
        page = env.get_template("archive_index.html").render(
            lang=lang, root=root, title=loc.gettext(MSG_TITLE).format(network=network), network=network,
            sample_data=archive.sample_data, sample_notice=loc.gettext(MSG_SAMPLE),
            sample_mark=loc.gettext(MSG_SAMPLE_MARK), languages=switcher, latest=latest,
            issues=[_issue_view(i, loc, archive, root) for i in archive.issues])
        pages["index.html" if k == 0 else f"lang/index.{lang}.html"] = page.encode("utf-8")
        if k == 0:  # the stylesheet as the loader finds it, so that a template_dir overrides it too
            css = css_custom_properties() + "\n" + env.loader.get_source(env, "archive.css")[0]
    pages["archive.css"] = css.encode("utf-8")
    return pages
