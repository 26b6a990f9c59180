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


NETWORK_DOC, NETWORK_PATHS = cases(("data", "basin", "syrdarya.yaml"))


@pytest.mark.parametrize("path", NETWORK_PATHS, ids=lambda p: ".".join(map(str, p)))
def test_every_network_key_of_a_wrong_type_is_a_config_error(tmp_path, path):
    for value in REPLACEMENTS:
        file = tmp_path / "network.yaml"
        file.write_text(yaml.safe_dump(replaced(NETWORK_DOC, path, value), allow_unicode=True), encoding="utf-8")
        try:
            load_network(file)
        except ConfigError as exc:
            assert str(file) in str(exc)


CATALOGUE_DOC, CATALOGUE_PATHS = cases(("indicators", "syrdarya.yaml"))


@pytest.mark.parametrize("path", CATALOGUE_PATHS, ids=lambda p: ".".join(map(str, p)))
def test_every_catalogue_key_of_a_wrong_type_is_a_config_error(tmp_path, path):
    for value in REPLACEMENTS:
        file = tmp_path / "catalogue.yaml"
        file.write_text(yaml.safe_dump(replaced(CATALOGUE_DOC, path, value), allow_unicode=True), encoding="utf-8")
        try:
            load_catalogue(file, NETWORK)
        except ConfigError as exc:
            assert str(file) in str(exc)
