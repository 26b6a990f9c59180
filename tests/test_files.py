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


REFUSED = [
    ("stations:\n  - qc: {discharge: {implausible: {max: .nan}}}\n",
     "line 2, column 41: stations[0].qc.discharge.implausible.max: '.nan' is not a finite number"),
    ("thresholds: {watch: .inf, warning: 20}\n", "line 1, column 21: thresholds.watch: '.inf' is not a finite number"),
    ("catalogue:\n  id: syn-ews\n  id: other-ews\n",
     "line 3, column 3: catalogue: the key 'id' is given twice in the same mapping"),
    ('name: {en: "al\\epha"}\n', "line 1, column 12: name.en: the text holds the character U+001B"),
    ('name: "\\uFFFE"\n', "line 1, column 7: name: the text holds the character U+FFFE"),
    ("extra: " + "[" * 70 + "]" * 70 + "\n", "line 1, column 71: extra[0][0]: nested more than 64 levels deep"),
    ("extra: " + "[" * 3000 + "]" * 3000 + "\n", "nested more than 64 levels deep (too deep to be read)"),
]


@pytest.mark.parametrize(("text", "message"), REFUSED)
def test_what_yaml_accepts_but_no_configuration_may_hold_is_refused_with_its_line(text, message, tmp_path,
                                                                                   monkeypatch):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as fast:
        files.read_yaml(path, "network file")
    assert str(fast.value).startswith(f"{path}: {message}")
    monkeypatch.setattr(files, "_LOADERS", {k: (python, None) for k, (python, _) in files._LOADERS.items()})
    with pytest.raises(ConfigError) as slow:
        files.read_yaml(path, "network file")
    assert str(slow.value) == str(fast.value)


def test_merge_keys_shared_anchors_and_tabs_in_text_are_still_read():
    text = 'base: &b {x: 1}\nuse: {<<: *b, y: 2}\nagain: *b\nnote: "a\\tb\\nc"\nn: -1.5e+3\n'
    assert files.parse_yaml(text) == {"base": {"x": 1}, "use": {"x": 1, "y": 2}, "again": {"x": 1},
                                      "note": "a\tb\nc", "n": -1500.0}
