"""The basin network file: content of the shipped file and errors in a broken one."""

import pytest
import yaml

from bulletin.errors import ConfigError
from bulletin.network import default_network_path, load_network


def test_shipped_network(network):
    kinds = [s.kind for s in network.stations.values()]
    assert kinds.count("reservoir") == 6 and kinds.count("gauge") >= 12
    assert set(network.countries) == {"KG", "TJ", "UZ", "KZ"}
    # capacities converted to Mm3, with sources
    assert network["toktogul"].total_volume.value == pytest.approx(19500)
    assert network["toktogul"].dead_volume.value == pytest.approx(5500)
    assert network["shardara"].useful_volume.source == "bwo"
    for st in network.stations.values():
        assert st.names["en"] and st.names["ru"]
        assert 39 < st.lat < 47 and 60 < st.lon < 75
    # the topology ends at the North Aral Sea, and every path leads there
    # one outlet; withdrawal accounting points (kind intake) stand outside the river topology
    assert [s.id for s in network.stations.values() if s.downstream is None and s.kind != "intake"] == [
        "syrdarya_karateren"]
    assert [s.country for s in network.stations.values() if s.kind == "intake"] == ["KG", "TJ", "UZ", "KZ"]
    for st in (s for s in network.stations.values() if s.kind != "intake"):
        seen, here = set(), st.id
        while network[here].downstream:
            assert here not in seen
            seen.add(here)
            here = network[here].downstream
        assert here == "syrdarya_karateren"
    assert network.resolve("Chardara") == "shardara" and network.resolve("nowhere") is None
    assert network.seasons.growing_season == (4, 9)
    # what the schematic map writes: short names, country names, the sea the river ends in
    assert {k: network["syrdarya_kokbulak"].labels[k] for k in ("en", "ru")} == {"en": "Kokbulak", "ru": "Кокбулак"}
    assert set(network["syrdarya_kokbulak"].labels) == {"en", "ru", "kk", "ky", "tg", "uz"}
    assert all(st.short_names["en"] and st.short_names["ru"] for st in network.stations.values())
    assert set(network.country_labels) == set(network.countries)
    assert network.country_labels["UZ"] == ((64.2, 41.6), (71.4, 40.35))
    assert network.outlet["en"] == "North Aral Sea"


def test_broken_network_reports_every_problem(tmp_path):
    raw = yaml.safe_load(default_network_path().read_text(encoding="utf-8"))
    raw["stations"][0]["kind"] = "lake"
    raw["stations"][1]["country"] = "XX"
    raw["stations"][1]["downstrem"] = "somewhere"
    raw["stations"][2]["downstream"] = "atlantis"
    raw["stations"][1]["total_volume"]["source"] = "hearsay"
    raw["network"]["map"]["country_labels"]["XX"] = [70, 40]
    raw["network"]["map"]["country_labels"]["KG"] = [72.9]
    p = tmp_path / "n.yaml"
    p.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_network(p)
    text = str(err.value)
    assert "stations[0] (naryn_uchterek).kind: 'lake' is not one of gauge, reservoir" in text
    assert "stations[1] (toktogul).country: 'XX' is not in network.countries" in text
    assert "stations[1] (toktogul): unknown key 'downstrem' (did you mean 'downstream'?)" in text
    assert "downstream 'atlantis' is not a station of the network" in text
    assert "total_volume.source: 'hearsay' is not a key of 'sources'" in text
    assert "network.map.country_labels.XX: 'XX' is not in network.countries" in text
    assert "network.map.country_labels.KG: give [lon, lat] in degrees, or a list of them" in text



def test_a_place_off_the_earth_and_an_id_too_long_for_a_file_name_are_refused(tmp_path):
    raw = yaml.safe_load(default_network_path().read_text(encoding="utf-8"))
    raw["stations"][0]["lat"] = 999
    raw["stations"][1]["lon"] = 185.0
    raw["network"]["id"] = "a" * 300  # it names every output file: beyond what a file system takes
    p = tmp_path / "n.yaml"
    p.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_network(p)
    text = str(err.value)
    assert "stations[0] (naryn_uchterek): lat 999, lon " in text and "is not a place on Earth" in text
    assert "stations[1] (toktogul): lat " in text and "lon 185 is not a place on Earth" in text
    assert f"network.id: '{'a' * 300}' is not an id: use 1 to 64 lower-case letters" in text
    raw["network"]["id"] = "syr_"  # a tag URI of the archive names it as a DNS label, which ends with a letter or digit
    p.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError, match="network.id: 'syr_' is not an id"):
        load_network(p)


def test_downstream_links_in_a_circle_are_refused(tmp_path):
    raw = yaml.safe_load(default_network_path().read_text(encoding="utf-8"))
    by_id = {st["id"]: st for st in raw["stations"]}
    by_id["naryn_uchterek"]["downstream"] = "toktogul"
    by_id["toktogul"]["downstream"] = "naryn_uchterek"
    by_id["keles_mouth"]["downstream"] = "keles_mouth"
    p = tmp_path / "n.yaml"
    p.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_network(p)
    loops = [d for d in err.value.details if "run in a circle" in d]
    assert loops == [f"{p}: stations naryn_uchterek -> toktogul -> naryn_uchterek: the downstream links run in a "
                     "circle; water flows one way.",
                     f"{p}: stations keles_mouth -> keles_mouth: the downstream links run in a circle; water flows "
                     "one way."]
