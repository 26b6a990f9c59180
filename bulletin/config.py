"""Checking configuration files: every problem collected with ``file:key.path`` and reported at once.

Used by the catalogue (:mod:`bulletin.catalogue`) and by each indicator method for the keys it
declares (:mod:`bulletin.methods`): a problem names the file and the key path, and an unknown
key or name comes with a "did you mean" suggestion.
"""

from __future__ import annotations

import datetime as dt
from difflib import get_close_matches
from pathlib import Path

LANGUAGES_REQUIRED = ("en", "ru")
"""Languages every name and text of a configuration file must be given in."""


class Collector:
    """The problems found in one configuration file, each as ``file:key.path: message``."""

    def __init__(self, file: Path):
        self.file = file
        self.errors: list[str] = []

    def add(self, key: str, message: str) -> None:
        """Record a problem at ``key`` (a key path such as ``indicators[3](a).unit``)."""
        self.errors.append(f"{self.file}:{key}: {message}")

    def keys(self, where: str, mapping: dict, allowed) -> None:
        """Record every key of ``mapping`` not in ``allowed``, with the nearest allowed key."""
        for k in mapping:
            if k not in allowed:
                self.add(f"{where}.{k}" if where else k, f"unknown key '{k}'{did_you_mean(k, allowed)}")

    def require(self, where: str, mapping: dict, names) -> bool:
        """Record each of ``names`` missing from ``mapping`` (or null); True when none is."""
        missing = [n for n in names if n not in mapping or mapping[n] is None]
        for n in missing:
            self.add(f"{where}.{n}", "required key is missing")
        return not missing

    def has_errors_at(self, where: str) -> bool:
        """Whether a problem was recorded at ``where`` or below it."""
        return any(e.startswith(f"{self.file}:{where}") for e in self.errors)


def did_you_mean(word, choices) -> str:
    """`` (did you mean 'x'?)`` with the closest of ``choices``, or '' when none is close.

    >>> did_you_mean("treshold", ["threshold", "change"])
    " (did you mean 'threshold'?)"
    """
    close = get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.5)
    return f" (did you mean '{close[0]}'?)" if close else ""


def names(c: Collector, where: str, value) -> dict:
    """A text given per language ({en: ..., ru: ...}); the required languages must be there."""
    if not isinstance(value, dict):
        c.add(where, "needs a name per language, e.g. {en: ..., ru: ...}")
        return {}
    for lang in LANGUAGES_REQUIRED:
        if not str(value.get(lang) or "").strip():
            c.add(f"{where}.{lang}", f"the {lang} text is missing")
    return {str(k): str(v) for k, v in value.items()}


def parse_date(c: Collector, where: str, value) -> str | None:
    """An ISO date (YAML date or 'YYYY-MM-DD' text) as text; None when absent or wrong (recorded)."""
    if value is None:
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        c.add(where, f"{value!r} is not a date; write it as YYYY-MM-DD, e.g. 1991-01-01")
        return None


def show_number(x: float) -> str:
    """A number as a configuration file would write it: 9.0 as 9, 0.365 as 0.365.

    >>> show_number(9.0), show_number(0.365)
    ('9', '0.365')
    """
    return f"{x:g}" if float(x).is_integer() else str(x)


def is_number(value) -> bool:
    """Whether a YAML value is a number (an int or float, not a bool)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def ranges(numbers: list[int]) -> str:
    """Sorted whole numbers as ranges.

    >>> ranges([1, 2, 3, 7])
    '1-3, 7'
    """
    out, start = [], None
    for i, x in enumerate(numbers):
        if start is None:
            start = x
        if i + 1 == len(numbers) or numbers[i + 1] != x + 1:
            out.append(str(start) if start == x else f"{start}-{x}")
            start = None
    return ", ".join(out)
