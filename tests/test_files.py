"""The YAML reader: the C parser (libyaml) and the pure-Python parser read the same documents and word errors alike."""

from __future__ import annotations

import pytest
import yaml

from bulletin import files
from bulletin.errors import ConfigError
from bulletin.resources import resource_path

PACKAGED = [("indicators", "syrdarya.yaml"), ("indicators", "variables.yml"), ("data", "basin", "syrdarya.yaml")]

BROKEN = [
    "a: [1, 2\n",
    "a: 1\n b: 2\n",
    "key: 'open\n",
    "- a\nb: c\n",
    "a: *nowhere\n",
    "a: !!python/object:os.system x\n",
    "a:\n\t- 1\n",
]


@pytest.fixture
def python_only(monkeypatch):
    """The reader as on a machine whose PyYAML has no libyaml."""
    monkeypatch.setattr(files, "_LOADERS", {k: (python, None) for k, (python, _) in files._LOADERS.items()})


def test_the_c_parser_is_used_where_present():
    assert yaml.__with_libyaml__, "PyYAML's wheels ship libyaml; this test checks that the fast path is the one run"
    assert all(fast is not None for _, fast in files._LOADERS.values())


@pytest.mark.parametrize("parts", PACKAGED, ids=lambda p: "/".join(p))
@pytest.mark.parametrize("dates_as_text", [False, True])
def test_packaged_files_read_the_same_with_either_parser(parts, dates_as_text):
    text = resource_path(*parts).read_text(encoding="utf-8")
    python, _ = files._LOADERS[dates_as_text]
    assert files.parse_yaml(text, dates_as_text) == yaml.load(text, Loader=python)  # noqa: S506 (a SafeLoader)


def test_dates_as_text_with_either_parser(python_only):
    assert files.parse_yaml("d: 2026-02-30\ne: 2026-02-03", dates_as_text=True) == {"d": "2026-02-30", "e": "2026-02-03"}


def test_dates_as_dates_with_the_c_parser():
    import datetime as dt

    assert files.parse_yaml("e: 2026-02-03") == {"e": dt.date(2026, 2, 3)}
    assert files.parse_yaml("e: 2026-02-03", dates_as_text=True) == {"e": "2026-02-03"}


@pytest.mark.parametrize("text", BROKEN)
def test_errors_are_worded_alike_with_and_without_libyaml(text, tmp_path, monkeypatch):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as fast:
        files.read_yaml(path, "network file")
    monkeypatch.setattr(files, "_LOADERS", {k: (python, None) for k, (python, _) in files._LOADERS.items()})
    with pytest.raises(ConfigError) as slow:
        files.read_yaml(path, "network file")
    assert str(fast.value) == str(slow.value)
    assert "line" in str(fast.value) and str(path) in str(fast.value)
