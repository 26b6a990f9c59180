"""Writing outputs: under a temporary name beside the final one, then renamed; never a half-written file.

A device or a pipe named as an output (``--out /dev/null``) is written into as it is, never
replaced. A killed run's temporary files are removed by the next run that writes the same names.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from ..errors import BulletinError


def is_special(path: Path) -> bool:
    """Whether ``path`` names an existing file that is not a regular file or a folder: a device, a pipe, a socket.

    Such a target (``--out /dev/null``, ``/dev/stdout``, a named pipe) is written to as it is:
    renaming a temporary file over it would put a regular file in the place of the device.
    """
    import stat

    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def write_special(path: Path, chunks) -> None:
    """Write ``chunks`` (bytes) to the device or pipe at ``path`` (:func:`is_special`), as they come."""
    try:
        with open(path, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
    except OSError as exc:
        raise BulletinError(f"cannot write to {path} ({exc.strerror}).",
                            hint="check that the device or pipe named by --out accepts writing.") from exc


def write_stream(path: Path, chunks) -> None:
    """Write one output from ``chunks`` (bytes) as they come, under a temporary name then renamed.

    For a table too large to hold as one string. A device or a pipe (:func:`is_special`) is
    written to as it is. If the chunks raise, or writing fails, the temporary file is removed and
    no file is changed.
    """
    if is_special(path):
        write_special(path, chunks)
        return
    fd, tmp = temporary_beside(path)
    try:
        with os.fdopen(fd, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
            os.fchmod(fh.fileno(), _file_mode())
        if path.is_dir():
            raise IsADirectoryError(21, "a folder has the name of the output", str(path))
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise BulletinError(f"cannot write the output ({exc.strerror}: {exc.filename}); no file was changed.",
                            hint="check the --out folder: space, permissions, and that no folder has the file's "
                                 "name.") from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary name in the same folder, then rename: never a half-written file."""
    write_all_atomic({path: data})


def _file_mode() -> int:
    """The mode a new file gets under the current umask (0644 under the usual 022)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: alive
        return True
    return True


def remove_leftovers(path: Path) -> None:
    """Remove the temporary files (and folders) of ``path`` that a killed run left (``.NAME.PID.*.tmp``, its process gone)."""
    prefix = f".{path.name}."
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return
    for entry in entries:
        name = entry.name
        if name.startswith(prefix) and name.endswith(".tmp"):
            pid = name[len(prefix):].split(".", 1)[0]
            if pid.isdigit() and not _alive(int(pid)):
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                elif entry.is_file(follow_symlinks=False):
                    Path(entry.path).unlink(missing_ok=True)


def temporary_beside(path: Path) -> tuple[int, str]:
    """A new temporary file beside ``path`` (``.NAME.PID.RANDOM.tmp``), after removing a killed run's leftovers.

    Returns (file descriptor, its path), as :func:`tempfile.mkstemp`.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(path)
    return tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)


def confined(path: Path, root: Path) -> Path:
    """``path`` when it lies inside the folder ``root`` once links and ``..`` are resolved; else a BulletinError."""
    top = os.path.realpath(root)
    where = os.path.realpath(path.parent)
    if path.name in ("", ".", "..") or os.path.commonpath([top, where]) != top:
        raise BulletinError(f"refused to write {path}: it is not inside the output folder {root}.",
                            hint="output names come from the network id; check it in the network file.")
    return path


def write_all_atomic(files: dict[Path, bytes], inside: Path | None = None) -> None:
    """Write every file under a temporary name first, then rename them all.

    A failure while writing (disk full, no permission) leaves every earlier file as it was and
    no temporary file behind; only the renames, which do not fail for want of space, follow.
    A killed run's temporary files are removed by the next run writing the same names
    (:func:`remove_leftovers`). With ``inside``, every file must lie inside that folder. A device
    or a pipe (:func:`is_special`) is written to as it is, never replaced.
    """
    if inside is not None:
        for path in files:
            confined(path, inside)
    special = {path: data for path, data in files.items() if is_special(path)}
    files = {path: data for path, data in files.items() if path not in special}
    temporary: list[tuple[str, Path]] = []
    mode = _file_mode()
    try:
        for path, data in files.items():
            fd, tmp = temporary_beside(path)
            temporary.append((tmp, path))
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                os.fchmod(fh.fileno(), mode)  # mkstemp creates 0600; a bulletin is for others to read
        for _, path in temporary:
            if path.is_dir():
                raise IsADirectoryError(21, "a folder has the name of an output", str(path))
        for tmp, path in temporary:
            os.replace(tmp, path)
        for path, data in special.items():  # a device or a pipe: written as it is, after the files
            write_special(path, [data])
    except OSError as exc:
        for tmp, _ in temporary:
            Path(tmp).unlink(missing_ok=True)
        raise BulletinError(f"cannot write the outputs ({exc.strerror}: {exc.filename}); earlier files are unchanged.",
                            hint="check the --out folder: space, permissions, and that no folder has a file's name.") from exc
    except BaseException:
        for tmp, _ in temporary:
            Path(tmp).unlink(missing_ok=True)
        raise
