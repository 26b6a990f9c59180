"""The archive on disk: complete generations swapped in by one atomic rename.

An archive directory holds one complete copy of the site per generation and a symbolic link
``current`` to the one in force::

    DIR/current -> generations/000007
    DIR/generations/000007/{index.html, feed.atom, archive.json, latest/, issues/, lang/, ...}
    DIR/index.html -> current/index.html     (and feed.atom, archive.json, archive.css, latest, issues, lang)

A publish builds the next generation beside the current one, under a temporary name: every
file of the current generation that stays the same is hard-linked (issued files are never
written again, so the link is safe), the new issue's files and the new index, feed and
manifest are written, the folder is renamed to its generation number, and ``current`` is
replaced by a new link in one ``rename``. Killed at any moment before that rename, the
archive a reader sees is the one before; after it, the new one. What a killed publish leaves
(a temporary folder under ``generations/``) is removed by the next publish. The previous
generation is kept (a reader in the middle of a download still finds its files); older ones
are removed.

The fixed links at the root are made once, when the archive is created, and never change.
Two publishes into the same archive at once are kept apart by a lock (``fcntl.flock`` on
``DIR/.lock``).
"""

from __future__ import annotations

import errno
import json
import os
import shutil
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from ..errors import ConfigError, UsageError

ROOT_LINKS = ("index.html", "feed.atom", "archive.json", "archive.css", "latest", "issues", "lang")
"""The names at the root of an archive, each a fixed link into ``current``."""

GENERATIONS = "generations"
TEMP_PREFIX = ".tmp-"
MANIFEST = "archive.json"
KEEP_GENERATIONS = 2
"""Generations kept after a publish: the new one and the one before it."""


def safe_relative(name: str, where: str) -> PurePosixPath:
    """``name`` as a relative path inside the archive; raise UsageError for anything that could leave it.

    >>> str(safe_relative("issues/2026/005-2026-02-d2/r1/a.json", "test"))
    'issues/2026/005-2026-02-d2/r1/a.json'
    >>> safe_relative("../etc/passwd", "test")
    Traceback (most recent call last):
    bulletin.errors.UsageError: test: '../etc/passwd' is not a file name inside the archive.
    """
    path = PurePosixPath(name)
    if (not name or path.is_absolute() or "\\" in name or "\0" in name
            or any(part in ("", ".", "..") for part in name.split("/"))):
        raise UsageError(f"{where}: {name!r} is not a file name inside the archive.")
    return path


class ArchiveStore:
    """An archive directory: read its manifest, and commit a new generation atomically."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    @property
    def current(self) -> Path | None:
        """The folder of the generation in force, or None for a new archive."""
        link = self.root / "current"
        return link.resolve() if link.is_symlink() and link.resolve().is_dir() else None

    def check(self) -> None:
        """Raise ConfigError when ``root`` exists and is not an archive (nor an empty folder)."""
        if not self.root.exists():
            return
        if not self.root.is_dir():
            raise ConfigError(f"{self.root}: the archive must be a folder; this is a file.",
                              hint="name a new or existing archive folder with --archive.")
        known = {"current", GENERATIONS, ".lock", *ROOT_LINKS}
        strangers = sorted(p.name for p in self.root.iterdir() if p.name not in known)
        generations = self.root / GENERATIONS
        kept = sorted(p.name for p in generations.iterdir() if p.name.isdigit()) if generations.is_dir() else []
        if kept and self.current is None:  # publishing now would start the archive again, its history hidden
            raise ConfigError(f"{self.root}: the archive has {len(kept)} generation(s) in {GENERATIONS}/ but no "
                              "'current' link to the one in force (or the link is broken).",
                              hint=f"restore the archive from a copy, or point 'current' at its newest generation "
                                   f"(ln -s {GENERATIONS}/{kept[-1]} current) once checked.")
        if strangers and self.current is None:
            raise ConfigError(f"{self.root}: this folder is not a bulletin archive (it holds {', '.join(strangers[:5])}"
                              f"{' ...' if len(strangers) > 5 else ''}).",
                              hint="name an empty or new folder, or an existing archive, with --archive.")

    def manifest(self) -> dict | None:
        """The manifest of the generation in force, or None for a new archive."""
        cur = self.current
        if cur is None:
            return None
        path = cur / MANIFEST
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except RecursionError:
            raise ConfigError(f"{path}: the archive's manifest cannot be read (nested too deeply to be a manifest).",
                              hint="restore the archive from a copy; an archive is only ever changed by "
                                   "'bulletin publish'.") from None
        except (OSError, ValueError) as exc:
            raise ConfigError(f"{path}: the archive's manifest cannot be read ({exc}).",
                              hint="restore the archive from a copy; an archive is only ever changed by "
                                   "'bulletin publish'.") from None

    def read(self, relative: str) -> bytes:
        """The bytes of a file of the generation in force (a path from the manifest)."""
        cur = self.current
        if cur is None:
            raise FileNotFoundError(relative)
        return (cur / safe_relative(relative, "archive")).read_bytes()

    @contextmanager
    def locked(self):
        """Hold the archive's lock (one publish at a time); create the folder when it does not exist."""
        import fcntl

        self.check()
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "a+b") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                if exc.errno in (errno.EAGAIN, errno.EACCES):
                    raise UsageError(f"{self.root}: another publish into this archive is running.",
                                     hint="wait for it to finish, then run the command again.") from None
                raise
            try:
                self._remove_leftovers()
                yield self
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def _remove_leftovers(self) -> None:
        gens = self.root / GENERATIONS
        if gens.is_dir():
            for p in gens.iterdir():
                if p.name.startswith(TEMP_PREFIX):
                    shutil.rmtree(p, ignore_errors=True)

    def commit(self, files: dict[str, bytes], drop: tuple = ("latest/",), links: dict | None = None) -> Path:
        """Make a new generation of the current one's files plus ``files``, and swap it in.

        ``files`` maps paths inside the archive (``issues/2026/.../x.json``, ``index.html``)
        to their bytes; a path already in the current generation is replaced, and the current
        files under a prefix of ``drop`` are not carried over. ``links`` maps further paths to
        a file of the current generation or of ``files``, hard-linked there rather than written
        again (``latest/``). Returns the new generation's folder. Call it inside :meth:`locked`.
        """
        gens = self.root / GENERATIONS
        gens.mkdir(exist_ok=True)
        cur = self.current
        numbers = [int(p.name) for p in gens.iterdir() if p.name.isdigit()]
        number = max(numbers, default=0) + 1
        tmp = gens / f"{TEMP_PREFIX}{number:06d}"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        targets = {str(safe_relative(name, "archive")): data for name, data in files.items()}
        if cur is not None:
            for src in sorted(cur.rglob("*")):
                rel = src.relative_to(cur).as_posix()
                if src.is_dir() or rel in targets or rel.startswith(drop):
                    continue
                dst = tmp / rel
                dst.parent.mkdir(parents=True, exist_ok=True)
                _link_or_copy(src, dst)
        for rel, data in sorted(targets.items()):
            dst = tmp / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            with open(dst, "wb") as fh:
                fh.write(data)
            os.chmod(dst, 0o644)
        for rel, source in sorted((links or {}).items()):
            dst = tmp / safe_relative(rel, "archive")
            dst.parent.mkdir(parents=True, exist_ok=True)
            _link_or_copy(tmp / safe_relative(source, "archive"), dst)
        final = gens / f"{number:06d}"
        os.rename(tmp, final)
        self._ensure_root_links()
        link = self.root / f"{TEMP_PREFIX}current"
        if link.is_symlink() or link.exists():
            link.unlink()
        os.symlink(f"{GENERATIONS}/{final.name}", link)
        os.replace(link, self.root / "current")  # the commit: one rename
        self._prune(keep=KEEP_GENERATIONS)
        return final

    def _ensure_root_links(self) -> None:
        for name in ROOT_LINKS:
            path = self.root / name
            if not path.is_symlink():
                if path.exists():
                    raise ConfigError(f"{path}: expected the archive's link to current/{name}, found a file.",
                                      hint="move that file out of the archive folder.")
                os.symlink(f"current/{name}", path)

    def _prune(self, keep: int) -> None:
        gens = self.root / GENERATIONS
        cur = self.current
        numbered = sorted((p for p in gens.iterdir() if p.name.isdigit()), key=lambda p: int(p.name))
        for p in numbered[:-keep]:
            if p != cur:
                shutil.rmtree(p, ignore_errors=True)


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:  # a file system without hard links: copy
        shutil.copy2(src, dst)
