"""Reading configuration files (network, catalogue, QC configuration, project): one YAML reader.

Every reader says which file could not be read or parsed, and how to fix it; nothing else of
the file's content is judged here.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from .errors import ConfigError


def read_yaml(file: Path, what: str, hint: str | None = None, loader=yaml.SafeLoader):
    """The content of the YAML file ``file`` (``what`` it is, for messages; ``hint``: how to pass another).

    >>> try:
    ...     read_yaml(Path("no-such.yaml"), "network file", "pass an existing file with --network.")
    ... except ConfigError as exc:
    ...     print(exc.args[0])
    no-such.yaml: cannot read the network file (No such file or directory).
    """
    try:
        return yaml.load(file.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 (a SafeLoader)
    except OSError as exc:
        raise ConfigError(f"{file}: cannot read the {what} ({exc.strerror}).", hint=hint) from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{file}: not valid YAML: {exc}", hint="fix the YAML syntax at the line shown.") from exc
