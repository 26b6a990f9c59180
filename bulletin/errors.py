"""Typed errors. Library code raises them; only the command line turns them into exit codes.

Every message says what is wrong, where (file, line, station or key) and how to fix it.
"""

from __future__ import annotations


class BulletinError(Exception):
    """Base of every error the bulletin reports to its user (exit code 1)."""

    def __init__(self, message: str, *, hint: str | None = None, details: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.details = list(details or [])

    def __str__(self) -> str:
        r"""The message, its details and the hint, a line each.

        A tab or line break in them (a station id, a file name read from the data) is written as its
        escape, so that no line of the output comes from a file.

        >>> print(BulletinError("f.csv: 1 problem", details=["unknown station 'a\nFAKE: ok'"], hint="fix it"))
        f.csv: 1 problem
          unknown station 'a\nFAKE: ok'
        How to fix: fix it
        """
        lines = [self.message]
        lines += [f"  {d}" for d in self.details]
        if self.hint:
            lines.append(f"How to fix: {self.hint}")
        return "\n".join(_one_line(line) for line in lines)


def _one_line(text: str) -> str:
    return text.replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class ConfigError(BulletinError):
    """The catalogue, the network or another configuration file is wrong."""


class IngestError(BulletinError):
    """An input data file cannot be read into observations."""


class DataQualityError(BulletinError):
    """The data are readable but not usable for what was asked."""


class RenderError(BulletinError):
    """An output document cannot be produced."""


class UsageError(BulletinError):
    """A command-line value is malformed (exit code 2)."""
