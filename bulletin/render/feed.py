"""The Atom feed of a bulletin archive, rendered from its manifest (``archive.json``, read by :mod:`.site`).

One entry per revision, newest first, in the archive's first language; its ids are tag URIs
(RFC 4151) that do not depend on where the archive is published. No clock is read: the same
manifest gives the same bytes.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote, urlsplit

from feedgen.entry import FeedEntry
from feedgen.feed import FeedGenerator

from ..errors import RenderError
from ..text import N_, localized
from ..vocabulary import LEVEL_NAMES
from .i18n import Localizer
from .site import MSG_SAMPLE, MSG_SAMPLE_MARK, MSG_TITLE, Issue, Revision, manifest_error, read_manifest, revision_notes

MEDIA_TYPES = {"html": "text/html", "pdf": "application/pdf", "json": "application/json", "csv": "text/csv",
               "netcdf": "application/x-netcdf", "cap": "application/cap+xml"}
GENERATOR = "syrdarya-bulletin"  # no version and no date: the feed's bytes depend on the manifest alone
FEED_TAG_DATE = "2026"  # the date of the feed's own tag URI; fixed, so that adding an older issue keeps the id
MSG_ENTRY_TITLE = N_("{label}: {period} (revision {revision})")
MSG_COUNTRY_LEVEL = N_("{country}: {level}")


def _absolute(base_url: str | None, path: str) -> str:
    return (base_url or "") + quote(path)


def _check_base(base_url: str | None) -> str | None:
    if base_url is None:
        return None
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise RenderError(f"base URL {base_url!r} is not an http(s) URL of a folder.",
                          hint="give the absolute URL of the archive folder, e.g. https://example.org/bulletins/.")
    return base_url if base_url.endswith("/") else base_url + "/"


def entry_id(network_id: str, issue: Issue, revision: int) -> str:
    """The stable tag URI of one revision (RFC 4151), independent of where the archive is published.

    The network id names a DNS label there, which has no '_': it is written '-'.

    >>> from bulletin.periods import parse_period
    >>> entry_id("syr_darya", Issue(5, 2026, "5/2026", parse_period("2026-02-d2"), "2026-02-d2", ()), 2)
    'tag:syr-darya.bulletin,2026:2026-02-d2/r2'
    """
    return f"tag:{tag_authority(network_id)},{issue.year}:{issue.period_code}/r{revision}"


def tag_authority(network_id: str) -> str:
    """The authority of the archive's tag URIs: ``<network>.bulletin``, a DNS name (no '_')."""
    return f"{network_id.replace('_', '-')}.bulletin"


def _entry_summary(issue: Issue, rev: Revision, loc: Localizer, sample: bool) -> str:
    parts = [loc.gettext(MSG_SAMPLE_MARK) + "."] if sample else []
    parts.append("; ".join(
        loc.gettext(MSG_COUNTRY_LEVEL).format(country=localized(names, loc.lang, code),
                                              level=loc.gettext(LEVEL_NAMES[level]))
        for code, names, level in rev.countries) + ".")
    return " ".join(p for p in (*parts, *revision_notes(issue, rev, loc)) if p)


def _entry_links(rev: Revision, first: str, base_url: str | None, where: str) -> list[dict]:
    html = [f for f in rev.files if f.kind == "html"]
    main = next((f for f in html if f.lang == first), next(iter(html or rev.files), None))
    if main is None:
        raise manifest_error(where, "the revision has no file to link.")
    links = []
    for f in (main, *(f for f in rev.files if f is not main)):
        link = {"href": _absolute(base_url, f.path), "rel": "alternate" if f is main else "related",
                "type": MEDIA_TYPES.get(f.kind), "title": f.name}
        if f.lang:
            link["hreflang"] = f.lang
        links.append({k: v for k, v in link.items() if v})
    return links


class _Entry(FeedEntry):
    """A feed entry whose links keep their rel, type, hreflang and title.

    feedgen 1.0.0 writes only the ``href`` of an entry's links (lkiesow/python-feedgen#135);
    the attributes are set again here, which is harmless once feedgen writes them itself.
    """

    def atom_entry(self, extensions=True):
        """The entry element, its links complete."""
        entry = super().atom_entry(extensions)
        for element, link in zip(entry.findall("link"), self.link() or [], strict=True):
            for key in ("rel", "type", "hreflang", "title", "length"):
                if link.get(key):
                    element.set(key, str(link[key]))
        return entry


def atom_feed(manifest: dict, *, base_url: str | None) -> bytes:
    """The Atom feed of the archive: one entry per revision, newest first, in the archive's first language.

    Parameters
    ----------
    manifest : dict
        The archive's manifest (``archive.json``, schema version 1).
    base_url : str or None
        The absolute URL of the archive folder; None gives links relative to the feed, which
        sits in that folder.

    Returns
    -------
    bytes
        The feed as UTF-8 XML; the same manifest gives the same bytes (the feed's ``updated``
        is the newest issue time, never the clock).

    Raises
    ------
    RenderError
        When the manifest is malformed or names a file that cannot be linked, or ``base_url``
        is not an http(s) URL.
    """
    archive = read_manifest(manifest)
    base = _check_base(base_url)
    lang = archive.languages[0]
    loc = Localizer(lang)
    network = localized(archive.names, lang, archive.network_id)
    revisions = sorted(((i, r) for i in archive.issues for r in i.revisions),
                       key=lambda ir: (ir[1].issued_at, ir[0].period.start, ir[1].number), reverse=True)
    fg = FeedGenerator()
    fg.id(f"tag:{tag_authority(archive.network_id)},{FEED_TAG_DATE}:archive")
    fg.title(loc.gettext(MSG_TITLE).format(network=network))
    fg.author({"name": network})
    fg.language(lang)
    fg.generator(GENERATOR)
    if archive.sample_data:
        fg.subtitle(loc.gettext(MSG_SAMPLE))
    fg.link(href=_absolute(base, "feed.atom"), rel="self", type="application/atom+xml")
    fg.link(href=_absolute(base, "index.html"), rel="alternate", type="text/html", hreflang=lang)
    fg.updated(revisions[0][1].issued_at if revisions else datetime.fromisoformat("1970-01-01T00:00:00+00:00"))
    for issue, rev in revisions:
        where = f"issue {issue.label} ({issue.period_code}), revision {rev.number}"
        entry = fg.add_entry(_Entry(), order="append")
        entry.id(entry_id(archive.network_id, issue, rev.number))
        entry.title(loc.gettext(MSG_ENTRY_TITLE).format(label=issue.label, period=loc.period(issue.period),
                                                        revision=rev.number))
        entry.updated(rev.issued_at)
        entry.summary(_entry_summary(issue, rev, loc, archive.sample_data))
        entry.link(_entry_links(rev, lang, base, where))
    return fg.atom_str(pretty=True)
