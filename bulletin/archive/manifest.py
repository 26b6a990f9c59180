"""The archive's manifest (``archive.json``): every issue, its number, its revisions and their files.

The manifest is the archive's own record, from which the index, the feed and "what changed"
are made. Issues are numbered per year (the year of the period's first day) in the order they
are published: the first issue of 2026 in the archive is ``1/2026``. A number, once given,
never changes; issuing a period again makes a new revision of the same number, and the
revision it replaces is marked ``superseded_by`` with the time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from ..errors import ConfigError, RenderError
from ..periods import Period, parse_period
from ..render.site import read_manifest

ARCHIVE_VERSION = 1


def empty_manifest(network, languages, base_url: str | None = None) -> dict:
    """The manifest of an archive with no issue yet."""
    return {"archive_version": ARCHIVE_VERSION,
            "network": {"id": network.id, "names": dict(sorted(network.names.items()))},
            "languages": list(languages), "sample_data": False, "base_url": base_url, "issues": []}


def issue_folder(year: int, number: int, period: str, revision: int) -> str:
    """The folder of one revision of an issue inside the archive.

    >>> issue_folder(2026, 5, "2026-02-d2", 2)
    'issues/2026/005-2026-02-d2/r2'
    """
    return f"issues/{year}/{number:03d}-{period}/r{revision}"


@dataclass
class Manifest:
    """A manifest being read and changed by a publish (the dict is written as ``archive.json``)."""

    data: dict

    def check(self, where: str, network, seasons) -> None:
        """Raise ConfigError when the manifest is of another version or another network."""
        if self.data.get("archive_version") != ARCHIVE_VERSION:
            raise ConfigError(f"{where}: archive version {self.data.get('archive_version')!r} is not "
                              f"{ARCHIVE_VERSION}, the version this software writes.",
                              hint="publish into a new archive folder.")
        try:  # every entry as the index reads it (numbers, times, files, levels) before any is used
            read_manifest(self.data)
        except RenderError as exc:
            raise ConfigError(f"{where}: {exc.message}", hint="restore the archive from a copy; an archive is only "
                                                            "ever changed by 'bulletin publish'.") from None
        if self.data["network"]["id"] != network.id:
            raise ConfigError(f"{where}: this archive holds the bulletins of network "
                              f"{self.data['network']['id']!r}, not {network.id!r}.",
                              hint="publish each network's bulletins into its own archive.")
        for issue in self.data["issues"]:
            parse_period(issue["period"], seasons)

    @property
    def issues(self) -> list:
        """The issues, oldest period first."""
        return self.data["issues"]

    def find(self, period: Period) -> dict | None:
        """The issue of ``period``, or None."""
        return next((i for i in self.issues if i["period"] == period.label), None)

    def next_number(self, year: int) -> int:
        """The number the next issue of ``year`` gets."""
        return 1 + max((i["number"] for i in self.issues if i["year"] == year), default=0)

    def previous(self, period: Period, seasons) -> dict | None:
        """The issue of the latest period of the same kind before ``period``, or None."""
        before = [i for i in self.issues
                  if (p := parse_period(i["period"], seasons)).kind == period.kind and p.start < period.start]
        return max(before, key=lambda i: i["period_start"], default=None)

    @staticmethod
    def current(issue: dict) -> dict:
        """The revision in force of ``issue`` (the last one)."""
        return issue["revisions"][-1]

    def latest(self) -> dict | None:
        """The issue of the latest period (of any kind), or None."""
        return max(self.issues, key=lambda i: (i["period_end"], i["period_start"]), default=None)

    def add(self, period: Period, revision: dict, number: int | None = None) -> dict:
        """Record a new revision (a new issue when ``number`` is None); mark the one it replaces superseded."""
        issue = self.find(period)
        if issue is None:
            issue = {"number": number, "year": period.start.year, "label": f"{number}/{period.start.year}",
                     "period": period.label, "period_start": period.start.isoformat(),
                     "period_end": period.end.isoformat(), "revisions": []}
            self.issues.append(issue)
            self.issues.sort(key=lambda i: (i["period_start"], i["period_end"]))
        elif issue["revisions"]:
            old = issue["revisions"][-1]
            old["superseded_by"] = revision["revision"]
            old["superseded_at"] = revision["issued_at"]
        issue["revisions"].append(revision)
        if revision.get("sample_data"):
            self.data["sample_data"] = True
        return issue

    def dumps(self) -> bytes:
        """The manifest as UTF-8 JSON, indented, with a final newline."""
        return (json.dumps(self.data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
