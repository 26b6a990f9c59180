"""Where the packaged data lives: the catalogue, templates, basin network and sample data.

In a source checkout they are the top-level folders ``indicators/``, ``templates/`` and
``data/``; an installed wheel carries them inside the package under ``bulletin/_data/``.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_root() -> Path:
    """The folder that holds ``indicators/``, ``templates/`` and ``data/``."""
    installed = _PACKAGE / "_data"
    if installed.is_dir():
        return installed
    return _PACKAGE.parent


def resource_path(*parts: str) -> Path:
    """The path of packaged data, ``parts`` joined under :func:`data_root`."""
    return data_root().joinpath(*parts)
