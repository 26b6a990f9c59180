"""The catalogue loader: the shipped catalogue is valid; every kind of error is reported at once."""

import shutil
import textwrap

import pytest
import yaml

from bulletin.catalogue import load_catalogue
from bulletin.errors import ConfigError


def test_shipped_catalogue_is_valid_and_complete(network):
    cat = load_catalogue(network=network)
    assert cat.is_sample and cat.status == "sample"
    assert len(cat.indicators) == 23
    methods = {i.method for i in cat.indicators}
    # every method of methods.METHODS is used by at least one indicator of the sample
    assert methods == {"threshold", "percent_of_norm", "status_category", "difference", "reservoir_fill", "schedule",
                       "withdrawal_limit", "change"}
    by_id = {i.id: i for i in cat.indicators}
    # the situations the issue names
    assert by_id["toktogul_volume_low"].operator == "<"
    assert [t.value for t in by_id["toktogul_volume_low"].thresholds] == [11.0, 10.0, 9.0]
    assert by_id["north_aral_inflow_min"].season == "gs"
    assert by_id["north_aral_inflow_min"].thresholds[-1].value == 30.0
    assert by_id["kazaly_stage"].thresholds[1].value == 640 and by_id["kazaly_stage"].thresholds[2].value == 743
    assert by_id["toktogul_winter_release"].season == "ngs"
    # fill of Toktogul's useful volume: alert at the critical 9 km3 = (9 - 5.5) / 14 = 25 %
    fill = by_id["toktogul_fill"]
    assert (fill.method, fill.station, fill.variable, fill.unit, fill.rule.id) == (
        "reservoir_fill", "toktogul", "volume", "%", "SD-RES-1")
    assert [t.value for t in fill.thresholds] == [50.0, 35.0, 25.0]
    # alert state: two dekads below a level before it comes down, for every indicator
    assert cat.deescalation_periods == 2
    assert {cat.deescalation_for(i) for i in cat.indicators} == {2}
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
    shutil.copytree(default_catalogue_path().parent / "schedules", tmp_path / "schedules")
    assert [i.id for i in load_catalogue(p, network).indicators] == [i.id for i in load_catalogue(None, network).indicators]


def test_reservoir_fill_needs_a_reservoir_with_dead_and_total_volume(tmp_path, network):
    p = _write(tmp_path, BASE + """
  - {id: ok, name: {en: A, ru: А}, station: toktogul, variable: volume, method: reservoir_fill, season: all,
     unit: "%", operator: "<", thresholds: {watch: 50, alert: 25}, rule: R1}
  - {id: gauge, name: {en: A, ru: А}, station: naryn_uchkurgan, variable: volume, method: reservoir_fill,
     season: all, unit: "%", operator: "<", thresholds: {alert: 25}, rule: R1}
  - {id: nodead, name: {en: A, ru: А}, station: koksaray, variable: volume, method: reservoir_fill, season: all,
     unit: "%", operator: "<", thresholds: {alert: 25}, rule: R1}
  - {id: inflow, name: {en: A, ru: А}, station: toktogul, variable: inflow, method: reservoir_fill, season: all,
     unit: km3, operator: "<", thresholds: {alert: 25}, rule: R1}
""")
    with pytest.raises(ConfigError) as err:
        load_catalogue(p, network)
    text = str(err.value)
    assert "indicators[0](ok)" not in text
    assert f"{p}:indicators[1](gauge).station: 'naryn_uchkurgan' is a gauge; a reservoir_fill indicator needs a reservoir" in text
    assert f"{p}:indicators[2](nodead).station: reservoir 'koksaray' has no dead_volume in the network file" in text
    assert f"{p}:indicators[3](inflow).variable: a reservoir_fill indicator reads the variable 'volume', not 'inflow'" in text
    assert f"{p}:indicators[3](inflow).unit: a reservoir_fill indicator has unit '%'" in text


def test_deescalation_periods_default_and_override(tmp_path, network):
    indicator = """
  - {id: a, name: {en: A, ru: А}, station: shardara, variable: volume, method: threshold, season: all,
     unit: km3, operator: ">", thresholds: {alert: 5}, rule: R1}
  - {id: b, name: {en: B, ru: Б}, station: shardara, variable: volume, method: threshold, season: all,
     unit: km3, operator: ">", thresholds: {alert: 5}, rule: R1, deescalation_periods: 1}
"""
    cat = load_catalogue(_write(tmp_path, BASE + indicator), network)
    assert cat.deescalation_periods == 2  # the default when settings do not say
    assert [cat.deescalation_for(i) for i in cat.indicators] == [2, 1]
    cat = load_catalogue(_write(tmp_path, BASE.replace("{reference_period: 1991-2020}",
                                                       "{reference_period: 1991-2020, deescalation_periods: 3}")
                                + indicator), network)
    assert [cat.deescalation_for(i) for i in cat.indicators] == [3, 1]
    p = _write(tmp_path, BASE.replace("{reference_period: 1991-2020}",
                                      "{reference_period: 1991-2020, deescalation_periods: 0}")
               + indicator.replace("deescalation_periods: 1", "deescalation_periods: two"))
    with pytest.raises(ConfigError) as err:
        load_catalogue(p, network)
    text = str(err.value)
    assert f"{p}:settings.deescalation_periods: 0 must be a whole number of periods >= 1" in text
    assert f"{p}:indicators[1](b).deescalation_periods: 'two' must be a whole number of periods >= 1" in text


def test_display_unit_must_fit_the_variable(tmp_path, network):
    p = _write(tmp_path, BASE + """
  - {id: a, name: {en: A, ru: А}, station: toktogul, variable: volume, method: threshold, season: all,
     unit: km3, display_unit: m3/s, operator: "<", thresholds: {alert: 9}, rule: R1}
""")
    with pytest.raises(ConfigError, match=r"indicators\[0\]\(a\)\.display_unit: unit 'm3/s' does not fit volume"):
        load_catalogue(p, network)


def test_fill_is_shown_in_km3(network):
    fill = {i.id: i for i in load_catalogue(None, network).indicators}["toktogul_fill"]
    assert fill.value_unit("Mm3") == "km3"
