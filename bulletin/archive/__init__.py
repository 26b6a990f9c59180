"""The archive of published bulletins: numbered issues, revisions, an index, a feed, CAP messages and data files.

:mod:`.store` keeps the archive on disk, committed one complete generation at a time;
:mod:`.manifest` is its record of issues and revisions; :mod:`.publish` issues one period
(``bulletin publish``), :mod:`.backfill` a range (``bulletin backfill``).
"""

from .backfill import backfill
from .manifest import Manifest
from .publish import Request, Schedule, periods_between, publish
from .store import ArchiveStore

__all__ = ["ArchiveStore", "Manifest", "Request", "Schedule", "backfill", "periods_between", "publish"]
