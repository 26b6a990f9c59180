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
        lines = [self.message]
        lines += [f"  {d}" for d in self.details]
        if self.hint:
            lines.append(f"How to fix: {self.hint}")
        return "\n".join(lines)


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
