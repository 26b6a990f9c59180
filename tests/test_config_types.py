"""A configuration key of the wrong type is a ConfigError naming the file, never an internal error.

Every key of the packaged network and catalogue (the first item of each list) is given, in
turn, a value of each YAML type; loading must give a result or a ConfigError naming the file.
"""

from __future__ import annotations

import copy

import pytest
import yaml

from bulletin.catalogue import load_catalogue
from bulletin.errors import ConfigError
from bulletin.network import load_network
from bulletin.resources import resource_path

REPLACEMENTS = (7, "x", [1], {"a": 1}, None)
NETWORK = load_network(None)


def key_paths(node, path=()):
    """Paths to every value (the first item of a list), outermost first."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield (*path, k)
            yield from key_paths(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node[:1]):
            yield (*path, i)
            yield from key_paths(v, (*path, i))


def replaced(doc, path, value):
    out = copy.deepcopy(doc)
    node = out
    for k in path[:-1]:
        node = node[k]
    node[path[-1]] = value
    return out


def cases(parts):
    doc = yaml.safe_load(resource_path(*parts).read_text(encoding="utf-8"))
    return doc, [p for p in key_paths(doc)]


def _each_type_at(tmp_path, name: str, doc: dict, path: tuple, load) -> None:
    """Give the key at ``path`` each of :data:`REPLACEMENTS`: ``load`` gives a result or a ConfigError naming the file."""
    for value in REPLACEMENTS:
        file = tmp_path / name
        file.write_text(yaml.safe_dump(replaced(doc, path, value), allow_unicode=True), encoding="utf-8")
        try:
            load(file)
        except ConfigError as exc:
            assert str(file) in str(exc)


NETWORK_DOC, NETWORK_PATHS = cases(("data", "basin", "syrdarya.yaml"))
CATALOGUE_DOC, CATALOGUE_PATHS = cases(("indicators", "syrdarya.yaml"))


@pytest.mark.parametrize("path", NETWORK_PATHS, ids=lambda p: ".".join(map(str, p)))
def test_every_network_key_of_a_wrong_type_is_a_config_error(tmp_path, path):
    _each_type_at(tmp_path, "network.yaml", NETWORK_DOC, path, load_network)


@pytest.mark.parametrize("path", CATALOGUE_PATHS, ids=lambda p: ".".join(map(str, p)))
def test_every_catalogue_key_of_a_wrong_type_is_a_config_error(tmp_path, path):
    _each_type_at(tmp_path, "catalogue.yaml", CATALOGUE_DOC, path, lambda file: load_catalogue(file, NETWORK))
