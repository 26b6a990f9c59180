"""Reading configuration files (network, catalogue, QC configuration, project): one YAML reader.

Every reader says which file could not be read or parsed, and how to fix it; nothing else of
the file's content is judged here.

Parsing uses PyYAML's C parser (libyaml, shipped in PyYAML's wheels) when it is present: ten
times faster on the catalogue. The document read is the same with either parser; a file that
does not parse is parsed again by the pure-Python parser, so the error message (and its line
and column) does not depend on whether libyaml is present.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from .errors import ConfigError


def _without_timestamps(resolvers: dict) -> dict:
    return {first: [(tag, regexp) for tag, regexp in rs if tag != "tag:yaml.org,2002:timestamp"]
            for first, rs in resolvers.items()}


class _TextDates(yaml.SafeLoader):
    """SafeLoader that leaves dates as text (a date such as 2026-02-30 is then judged by the caller, with its key)."""


_TextDates.yaml_implicit_resolvers = _without_timestamps(yaml.SafeLoader.yaml_implicit_resolvers)

# (pure-Python loader, C loader or None) for dates as dates and dates as text
_LOADERS = {False: (yaml.SafeLoader, getattr(yaml, "CSafeLoader", None)), True: (_TextDates, None)}
if _LOADERS[False][1] is not None:
    class _CTextDates(yaml.CSafeLoader):  # noqa: D101 (the C twin of _TextDates)
        pass

    _CTextDates.yaml_implicit_resolvers = _without_timestamps(yaml.CSafeLoader.yaml_implicit_resolvers)
    _LOADERS[True] = (_TextDates, _CTextDates)


def parse_yaml(text: str, dates_as_text: bool = False):
    """The document in ``text`` (YAML's safe subset); ``dates_as_text``: dates stay strings.

    Raises :class:`yaml.YAMLError` as the pure-Python parser words it.

    >>> parse_yaml("a: 2026-02-30", dates_as_text=True)
    {'a': '2026-02-30'}
    >>> parse_yaml("a: [1, 2")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    yaml.parser.ParserError: while parsing a flow sequence
    ...
    """
    python, fast = _LOADERS[dates_as_text]
    if fast is not None:
        try:
            return yaml.load(text, Loader=fast)  # noqa: S506 (a SafeLoader)
        except yaml.YAMLError:
            pass  # parsed again below for the message
    return yaml.load(text, Loader=python)  # noqa: S506 (a SafeLoader)


def read_yaml(file: Path, what: str, hint: str | None = None, dates_as_text: bool = False):
    """The content of the YAML file ``file`` (``what`` it is, for messages; ``hint``: how to pass another).

    ``dates_as_text``: dates stay strings, for the caller to check with their key path.

    >>> try:
    ...     read_yaml(Path("no-such.yaml"), "network file", "pass an existing file with --network.")
    ... except ConfigError as exc:
    ...     print(exc.args[0])
    no-such.yaml: cannot read the network file (No such file or directory).
    """
    try:
        return parse_yaml(file.read_text(encoding="utf-8"), dates_as_text)
    except OSError as exc:
        raise ConfigError(f"{file}: cannot read the {what} ({exc.strerror}).", hint=hint) from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{file}: not valid YAML: {exc}", hint="fix the YAML syntax at the line shown.") from exc
