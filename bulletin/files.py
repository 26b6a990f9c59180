"""Reading input files within bounds, and configuration files (network, catalogue, QC, project): one YAML reader.

Everything read is untrusted. :func:`read_capped` reads regular files only (a FIFO, a device or
a folder is refused by name, at once) and at most a set number of bytes; :data:`LIMITS` holds
the bounds of every reader (:class:`Limits`, overridable with ``bulletin --limit``).

Every reader says which file could not be read or parsed, and how to fix it; nothing else of
the file's content is judged here, and none of its content is repeated in the message.

Parsing uses PyYAML's C parser (libyaml, shipped in PyYAML's wheels) when it is present: ten
times faster on the catalogue. The document read is the same with either parser; a file that
does not parse is parsed again by the pure-Python parser, so the error message (and its line
and column) does not depend on whether libyaml is present.
"""

from __future__ import annotations

import errno
import math
import os
import re
import stat
from dataclasses import dataclass, fields, replace
from pathlib import Path

import yaml

from .errors import BulletinError, ConfigError, UsageError

MIB = 1 << 20

CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
"""Control and direction characters (C0 but tab and line feed, C1, bidi marks and overrides, zero-width marks):
never part of a name or an id; escaped wherever text read from a file is shown."""
NOT_ONE_LINE = re.compile(f"[\t\n\r]|{CONTROL_CHARACTERS.pattern}")
"""Those and tab, line feed and carriage return: never in an id or a one-line text (a line of output could be forged)."""


@dataclass(frozen=True)
class Limits:
    """The bounds of what a run reads: memory stays bounded whatever a file holds.

    Each is overridable for truly large data: ``bulletin --limit data_mib=8192 ...``.
    """

    data_mib: int = 2048
    """Largest data file read [MiB] (as stored on disk)."""
    decompressed_mib: int = 512
    """Largest content of a compressed data file (``.gz``) or of an xlsx sheet, once decompressed [MiB]."""
    config_mib: int = 16
    """Largest configuration file (network, catalogue, QC, project, scenario, schedule) [MiB]."""
    yaml_nodes: int = 1_000_000
    """Most values a YAML document may expand to, its aliases (``*name``) counted at each use."""
    xlsx_cells: int = 20_000_000
    """Most cells a worksheet may span (its last row times its last column), as a reader builds its grid."""
    netcdf_values: int = 20_000_000
    """Most values a NetCDF file's data variables may declare.

    Read, a value takes about 20 bytes (:mod:`bulletin.ingest.grid`); a command that needs every
    row at once (check-data, generate) builds them, about 150 bytes a value."""


LIMITS = Limits()


def set_limits(text: list[str] | tuple[str, ...]) -> Limits:
    """Replace :data:`LIMITS` from ``NAME=VALUE`` texts (``bulletin --limit``); the limits now in force.

    >>> set_limits(["data_mib=4096"]).data_mib
    4096
    >>> set_limits([]).data_mib
    2048
    """
    global LIMITS
    names = {f.name for f in fields(Limits)}
    changes = {}
    for item in text:
        name, _, value = item.partition("=")
        name = name.strip()
        if name not in names or not value.strip().isdigit() or int(value) <= 0:
            raise UsageError(f"'{item}': write NAME=VALUE with a positive whole number, NAME one of "
                             f"{', '.join(sorted(names))}.", hint="e.g. --limit data_mib=8192")
        changes[name] = int(value)
    LIMITS = replace(Limits(), **changes)
    return LIMITS


def _kind(mode: int) -> str | None:
    """What a file that is not a regular file is, in words."""
    for test, words in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
                        (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                        (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return words
    return None if stat.S_ISREG(mode) else "not a regular file"


def regular_file_size(path: Path, what: str, error=BulletinError, hint: str | None = None) -> int:
    """The size [bytes] of ``path`` when it is a regular file; else ``error`` says what it is, at once.

    Never opens the file: a named pipe with no writer would block, a device never ends.
    """
    try:
        st = os.stat(path)
    except OSError as exc:
        reason = "a loop of symbolic links" if exc.errno == errno.ELOOP else exc.strerror
        raise error(f"{path}: cannot read the {what} ({reason}).",
                    hint=hint or "check the path and its permissions.") from exc
    kind = _kind(st.st_mode)
    if kind is not None:
        raise error(f"{path}: the {what} is {kind}, not a file; it is not read.", hint="name a regular file.")
    return st.st_size


def read_capped(path: Path, what: str, limit_mib: int, limit_name: str, error=BulletinError,
                hint: str | None = None) -> bytes:
    """The bytes of the regular file ``path``, refused (by ``error``) beyond ``limit_mib`` MiB.

    >>> try:
    ...     read_capped(Path("/dev/null"), "data file", 1, "data_mib")
    ... except BulletinError as exc:
    ...     print(exc.message)
    /dev/null: the data file is a character device, not a file; it is not read.
    """
    size = regular_file_size(path, what, error, hint)
    cap = limit_mib * MIB
    if size > cap:
        raise too_large(path, what, f"{size / MIB:.0f} MiB", limit_mib, limit_name, error)
    try:
        with open(path, "rb") as fh:
            data = fh.read(cap + 1)
    except OSError as exc:
        raise error(f"{path}: cannot read the {what} ({exc.strerror}).", hint="check the path and its permissions.") from exc
    if len(data) > cap:  # grew while read
        raise too_large(path, what, f"more than {limit_mib} MiB", limit_mib, limit_name, error)
    return data


def too_large(path, what: str, size: str, limit_mib: int, limit_name: str, error=BulletinError) -> BulletinError:
    """The error of a file beyond a limit of :class:`Limits`, saying how to raise it."""
    return error(f"{path}: the {what} is {size}, beyond the limit of {limit_mib} MiB.",
                 hint=f"check that it is the file meant; for truly large data raise the limit with "
                      f"'bulletin --limit {limit_name}=N ...' (N in MiB).")


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


class TooManyNodes(yaml.YAMLError):
    """A YAML document that expands to more values than :attr:`Limits.yaml_nodes` (aliases used again and again)."""


def _expanded_size(node, limit: int) -> tuple[int, int]:
    """(the values ``node`` stands for once every alias is expanded, the values the file writes).

    Counted without expanding, each shared node once. A document that contains itself
    (``&a [*a]``) is refused: it expands without end.
    """
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack = [(node, False)]
    while stack:
        n, done = stack.pop()
        if id(n) in sizes:
            continue
        children = ([c for pair in n.value for c in pair] if isinstance(n, yaml.MappingNode) else
                    n.value if isinstance(n, yaml.SequenceNode) else [])
        if done or not children:
            sizes[id(n)] = min(1 + sum(sizes.get(id(c), 0) for c in children), limit + 1)
            open_nodes.discard(id(n))
            continue
        if id(n) in open_nodes:
            raise TooManyNodes("the document contains itself (an alias, *name, inside its own anchor)")
        open_nodes.add(id(n))
        stack.append((n, True))
        stack += [(c, False) for c in children if id(c) not in sizes]
    return sizes[id(node)], len(sizes)


class Refused(yaml.YAMLError):
    """A YAML document that parses but holds what no configuration may: the message names the line."""


MAX_DEPTH = 64
"""The deepest nesting of mappings and lists a configuration may have (a real one has fewer than ten)."""
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
                       "\U0001fffe\U0001ffff\U0010fffe\U0010ffff]")
_FLOAT = "tag:yaml.org,2002:float"
_STR = "tag:yaml.org,2002:str"


def _refuse(node, path: tuple, problem: str) -> Refused:
    """The error at ``node``: its line and column, and its key path (``scenarios[0].changes[0].value``)."""
    mark = node.start_mark
    key = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
    return Refused(f"line {mark.line + 1}, column {mark.column + 1}: {key + ': ' if key else ''}{problem}")


def _check_nodes(root, loader) -> None:
    """Refuse what YAML accepts but a configuration must not hold, naming its line and key.

    A number that is not finite (.nan, .inf: a threshold or a QC limit of NaN would turn a check
    off without a word), a key given twice in one mapping (YAML keeps the last without a word),
    text with a control character or a noncharacter (the pages could not be written), and a
    nesting deeper than :data:`MAX_DEPTH` (reading it would exhaust Python's stack).
    """
    seen: set[int] = set()
    stack: list[tuple] = [(root, ())]
    while stack:
        node, path = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if len(path) >= MAX_DEPTH:
            raise _refuse(node, path[:3], f"nested more than {MAX_DEPTH} levels deep")
        if isinstance(node, yaml.ScalarNode):
            if node.tag == _FLOAT and not math.isfinite(loader.construct_yaml_float(node)):
                raise _refuse(node, path, f"'{node.value}' is not a finite number")
            if node.tag == _STR and (bad := _NOT_TEXT.search(node.value)):
                raise _refuse(node, path, f"the text holds the character U+{ord(bad.group()):04X}, a control "
                                          "character or a noncharacter; a name or a value is printable text")
        elif isinstance(node, yaml.MappingNode):
            keys: set = set()
            for key, value in node.value:
                name = key.value if isinstance(key, yaml.ScalarNode) else "?"
                if isinstance(key, yaml.ScalarNode) and key.value != "<<":
                    if (key.tag, key.value) in keys:
                        raise _refuse(key, path, f"the key '{key.value}' is given twice in the same mapping; YAML "
                                                 "would keep the last one without a word")
                    keys.add((key.tag, key.value))
                stack += [(key, (*path, name)), (value, (*path, name))]
        elif isinstance(node, yaml.SequenceNode):
            stack += [(item, (*path, i)) for i, item in enumerate(node.value)]


def _load(text: str, loader_class):
    loader = loader_class(text)
    try:
        try:
            node = loader.get_single_node()
        except RecursionError:
            raise Refused(f"nested more than {MAX_DEPTH} levels deep (too deep to be read)") from None
        if node is None:
            return None
        limit = LIMITS.yaml_nodes
        expanded, written = _expanded_size(node, limit)
        if expanded > limit:
            raise TooManyNodes(f"the document holds more than {limit:,} values" if written > limit else
                               f"the document expands to more than {limit:,} values (its aliases, *name, are "
                               "repeated within one another)")
        _check_nodes(node, loader)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def parse_yaml(text: str, dates_as_text: bool = False):
    """The document in ``text`` (YAML's safe subset); ``dates_as_text``: dates stay strings.

    Raises :class:`yaml.YAMLError` as the pure-Python parser words it, and
    :class:`TooManyNodes` for a document of more than :attr:`Limits.yaml_nodes` values
    once its aliases are expanded (a "billion laughs").

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
            return _load(text, fast)
        except (TooManyNodes, Refused):
            raise
        except yaml.YAMLError:
            pass  # parsed again below for the message
    return _load(text, python)


def read_yaml(file: Path, what: str, hint: str | None = None, dates_as_text: bool = False):
    """The content of the YAML file ``file`` (``what`` it is, for messages; ``hint``: how to pass another).

    ``dates_as_text``: dates stay strings, for the caller to check with their key path.

    >>> try:
    ...     read_yaml(Path("no-such.yaml"), "network file", "pass an existing file with --network.")
    ... except ConfigError as exc:
    ...     print(exc.args[0])
    no-such.yaml: cannot read the network file (No such file or directory).
    """
    data = read_capped(file, what, LIMITS.config_mib, "config_mib", ConfigError, hint)
    try:
        return parse_yaml(data.decode("utf-8"), dates_as_text)
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{file}: the {what} is not UTF-8 text (byte {exc.start + 1}).",
                          hint="save it as UTF-8.") from exc
    except TooManyNodes as exc:
        raise ConfigError(f"{file}: the {what} is refused: {exc}.",
                          hint="use fewer aliases; for a truly large file raise the limit with "
                               "'bulletin --limit yaml_nodes=N ...'.") from exc
    except Refused as exc:
        raise ConfigError(f"{file}: {exc}.", hint="correct the value at that line.") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{file}: not valid YAML: {exc}", hint="fix the YAML syntax at the line shown.") from exc
