"""The catalogue loader: the shipped catalogue is valid; every kind of error is reported at once."""

import textwrap

import pytest
import yaml

from bulletin.catalogue import load_catalogue
from bulletin.errors import ConfigError


def test_shipped_catalogue_is_valid_and_complete(network):
    cat = load_catalogue(network=network)
    assert cat.is_sample and cat.status == "sample"
    assert len(cat.indicators) >= 12
    methods = {i.method for i in cat.indicators}
    assert methods == {"threshold", "percent_of_norm", "status_category", "difference"}
    by_id = {i.id: i for i in cat.indicators}
    # the situations the issue names
    assert by_id["toktogul_volume_low"].operator == "<"
    assert [t.value for t in by_id["toktogul_volume_low"].thresholds] == [11.0, 10.0, 9.0]
    assert by_id["north_aral_inflow_min"].season == "gs"
    assert by_id["north_aral_inflow_min"].thresholds[-1].value == 30.0
    assert by_id["kazaly_stage"].thresholds[1].value == 640 and by_id["kazaly_stage"].thresholds[2].value == 743
    assert by_id["toktogul_winter_release"].season == "ngs"
    for ind in cat.indicators:
        assert ind.names["en"] and ind.names["ru"]
        assert ind.rule.agreement.document


def _write(tmp_path, text):
    p = tmp_path / "cat.yaml"
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


BASE = """
catalogue: {id: t, version: "1", status: sample, title: {en: T, ru: Т}}
settings: {reference_period: 1991-2020}
rules:
  - {id: R1, version: "1", title: {en: R, ru: Р}, agreement: {document: {en: Doc, ru: Док}}}
indicators:
"""


def test_every_error_is_reported_at_once_with_key_paths(tmp_path, network):
    p = _write(tmp_path, BASE + """
  - id: a
    name: {en: A}
    station: toktogull
    variable: volumee
    method: treshold
    season: winter
    unit: km3
    operator: "<"
    thresholds: {watch: 9, warning: 10, alert: 11}
    rule: R2
    colour: red
  - id: b
    name: {en: B, ru: Б}
    station: toktogul
    variable: volume
    method: threshold
    season: all
    unit: m3/s
    operator: "<"
    thresholds: {watch: 11, warning: 10}
    rule: R1
""")
    with pytest.raises(ConfigError) as err:
        load_catalogue(p, network)
    text = str(err.value)
    expected = [
        f"{p}:indicators[0].colour: unknown key 'colour'",
        f"{p}:indicators[0](a).method: unknown method 'treshold' (did you mean 'threshold'?)",
        f"{p}:indicators[0](a).variable: unknown variable 'volumee' (did you mean 'volume'?)",
        f"{p}:indicators[0](a).station: 'toktogull' is not a station of the network (did you mean 'toktogul'?)",
        f"{p}:indicators[0](a).rule: unknown rule 'R2' (did you mean 'R1'?)",
        f"{p}:indicators[0](a).season: season 'winter' does not parse",
        f"{p}:indicators[0](a).name.ru: the ru text is missing",
        f"{p}:indicators[1](b).unit: unit 'm3/s' does not fit volume",
    ]
    for line in expected:
        assert line in text, line
    assert "the catalogue has" in text and "How to fix" in text


def test_thresholds_in_the_wrong_order_for_the_operator(tmp_path, network):
    p = _write(tmp_path, BASE + """
  - id: a
    name: {en: A, ru: А}
    station: shardara
    variable: volume
    method: threshold
    season: [11, 12, 1]
    unit: km3
    operator: ">="
    thresholds: {watch: 5.2, warning: 4.9, alert: 4.6}
    rule: R1
""")
    with pytest.raises(ConfigError, match=r"with operator '>=' the values must increase from watch to alert"):
        load_catalogue(p, network)


def test_status_category_needs_every_category(tmp_path, network):
    p = _write(tmp_path, BASE + """
  - id: a
    name: {en: A, ru: А}
    station: shardara
    variable: inflow
    method: status_category
    season: all
    levels: {low: warning, high: alarm}
    rule: R1
""")
    with pytest.raises(ConfigError, match=r"indicators\[0\]\(a\)\.levels: map each category"):
        load_catalogue(p, network)


def test_bad_settings_and_yaml(tmp_path, network):
    p = _write(tmp_path, BASE.replace("{reference_period: 1991-2020}",
                                      "{reference_period: 2020-1991, category_edges: [10, 90, 75, 25], minyears: 3}")
               + """
  - {id: a, name: {en: A, ru: А}, station: shardara, variable: volume, method: threshold, season: all,
     unit: km3, operator: ">", thresholds: {alert: 5}, rule: R1}
""")
    with pytest.raises(ConfigError) as err:
        load_catalogue(p, network)
    text = str(err.value)
    assert "settings.reference_period" in text
    assert "settings.category_edges" in text
    assert "settings.minyears: unknown key 'minyears' (did you mean 'min_years'?)" in text
    bad = tmp_path / "bad.yaml"
    bad.write_text("catalogue: [unclosed", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_catalogue(bad, network)


def test_missing_file(tmp_path, network):
    with pytest.raises(ConfigError, match="cannot read the catalogue"):
        load_catalogue(tmp_path / "nope.yaml", network)


def test_shipped_catalogue_yaml_round_trips_through_the_loader(tmp_path, network):
    # the loader reads what yaml reads: the shipped file re-dumped gives the same indicators
    from bulletin.catalogue import default_catalogue_path

    raw = yaml.safe_load(default_catalogue_path().read_text(encoding="utf-8"))
    p = tmp_path / "copy.yaml"
    p.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    assert [i.id for i in load_catalogue(p, network).indicators] == [i.id for i in load_catalogue(None, network).indicators]
