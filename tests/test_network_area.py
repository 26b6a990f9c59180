"""The network's optional keys for alerts: a station's ``area`` polygon and the network's ``utc_offset``."""

import pytest
import yaml

from bulletin.errors import ConfigError
from bulletin.network import default_network_path, load_network


def _raw():
    return yaml.safe_load(default_network_path().read_text(encoding="utf-8"))


def _write(tmp_path, raw, text=None):
    p = tmp_path / "n.yaml"
    p.write_text(text if text is not None else yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return p


def _problems(path) -> str:
    with pytest.raises(ConfigError) as err:
        load_network(path)
    return str(err.value)


def test_defaults_without_the_keys(network):
    assert network.utc_offset == "+05:00"
    assert all(st.area == () for st in network.stations.values())


def test_area_is_read_as_lon_lat_and_closed(tmp_path):
    raw = _raw()
    raw["stations"][1]["area"] = [[72.5, 41.6], [73.1, 41.6], [72.8, 42]]
    raw["stations"][2]["area"] = [[70, 40], [71, 40], [71, 41], [70, 41], [70, 40]]  # closed already
    raw["network"]["utc_offset"] = "+06:00"
    net = load_network(_write(tmp_path, raw))
    first, second = (net.stations[raw["stations"][i]["id"]] for i in (1, 2))
    assert first.area == ((72.5, 41.6), (73.1, 41.6), (72.8, 42.0), (72.5, 41.6))  # the first point again
    assert second.area == ((70.0, 40.0), (71.0, 40.0), (71.0, 41.0), (70.0, 41.0), (70.0, 40.0))  # not twice
    assert net.utc_offset == "+06:00"


@pytest.mark.parametrize("area, words", [
    ([[72.5, 41.6], [73.1, 41.6]], "at least 3 distinct points, 2 given"),
    ([[72.5, 41.6], [73.1, 41.6], [72.5, 41.6]], "at least 3 distinct points, 2 given"),
    ([[72.5, 41.6], [73.1], [72.8, 42]], "give a polygon as a list of [lon, lat] pairs"),
    ([[72.5, 41.6], ["x", 41.6], [72.8, 42]], "give a polygon as a list of [lon, lat] pairs"),
    ([[72.5, 41.6], [True, 41.6], [72.8, 42]], "give a polygon as a list of [lon, lat] pairs"),
    ({"lon": 72.5, "lat": 41.6}, "give a polygon as a list of [lon, lat] pairs"),
    ([[41.6, 72.5], [41.6, 200], [42, 72.8]], "[41.6, 200] outside [-180, 180] x [-90, 90]"),
])
def test_a_bad_area_names_the_station_and_key(tmp_path, area, words):
    raw = _raw()
    raw["stations"][1]["area"] = area
    text = _problems(_write(tmp_path, raw))
    assert "stations[1] (toktogul).area: " in text and words in text


@pytest.mark.parametrize("value, words", [
    ("+5:00", "'+5:00' is not a UTC offset"),
    ("+15:00", "'+15:00' is not a UTC offset"),
    ("05:00", "'05:00' is not a UTC offset"),
    ("+05:60", "'+05:60' is not a UTC offset"),
    ("UTC+5", "'UTC+5' is not a UTC offset"),
])
def test_a_bad_utc_offset_is_refused(tmp_path, value, words):
    raw = _raw()
    raw["network"]["utc_offset"] = value
    text = _problems(_write(tmp_path, raw))
    assert f"network.utc_offset: {words}" in text


def test_an_unquoted_offset_that_yaml_reads_as_a_number_says_to_quote_it(tmp_path):
    # YAML 1.1 reads +10:00 unquoted as sexagesimal minutes (600); +05:00 stays a string
    text = default_network_path().read_text(encoding="utf-8")
    assert "\nnetwork:\n" in text
    broken = text.replace("\nnetwork:\n", "\nnetwork:\n  utc_offset: +10:00\n", 1)
    assert "network.utc_offset: was read as the number 600" in _problems(_write(tmp_path, None, broken))
    fine = text.replace("\nnetwork:\n", "\nnetwork:\n  utc_offset: -03:30\n", 1)
    assert load_network(_write(tmp_path, None, fine)).utc_offset == "-03:30"
