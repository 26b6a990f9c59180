"""A hydromet's own stations: another network, catalogue and QC file, the real Chirchik archive,
a project file, ``bulletin init``, the same options in every command, hints that fit, and no
bulletin that reads as calm when it has no data."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from bulletin.cli import main
from bulletin.ingest import read_observations
from bulletin.network import load_network
from bulletin.resources import resource_path

from .conftest import SHARED_DATA, shared_data, write_csv

ARCHIVE = SHARED_DATA / "chirchik-uzhydromet" / "ChirchikRiverBasin_from_rda.csv"
KOKSU = SHARED_DATA / "chirchik-uzhydromet" / "KoksuDischarge_daily_1965-1967.csv"
YEARBOOKS = SHARED_DATA / "chu-talas-yearbook"
NETWORK = str(resource_path("data", "basin", "chirchik.yaml"))
CATALOGUE = str(resource_path("indicators", "chirchik.yaml"))
CHIRCHIK = ["--network", NETWORK, "--catalogue", CATALOGUE]
ISSUED = "2015-10-01T06:00:00+05:00"


@pytest.fixture()
def runner():
    return CliRunner()


def _invoke(runner, *args):
    return runner.invoke(main, [str(a) for a in args])


# ---- the Chirchik example: a network with nothing of the Syr Darya in it -----------------------

def test_the_chirchik_configuration_is_valid_and_names_no_syr_darya_station(runner):
    result = _invoke(runner, "validate", *CHIRCHIK)
    assert result.exit_code == 0, result.stderr
    assert "network chirchik with 7 stations and 1 flow links" in result.output
    text = open(NETWORK, encoding="utf-8").read() + open(CATALOGUE, encoding="utf-8").read()
    assert "toktogul" not in text.casefold() and "syrdarya" not in text


@shared_data(ARCHIVE)
def test_a_bulletin_of_the_real_archive_with_its_own_network(runner, tmp_path):
    """2015-09-d3 from the Uzhydromet archive; the norm checked against the archive read with pandas."""
    result = _invoke(runner, "generate", *CHIRCHIK, "--data", ARCHIVE, "--period", "2015-09-d3", "--out", tmp_path,
                     "--format", "json,html", "--lang", "en", "--issued-at", ISSUED)
    assert result.exit_code == 0, result.stderr
    data = json.loads((tmp_path / "chirchik-2015-09-d3.json").read_text(encoding="utf-8"))
    findings = {f["indicator"]: f for f in data["findings"]}
    assert len(findings) == 11
    # the monthly gauges end in 2010-2011: no data in a dekad of 2015, and said so
    assert {i for i, f in findings.items() if f["level"] == "no_data"} == {
        "ugam_khodzhikent_status", "chirchik_gazalkent_status", "chirchik_chinaz_status"}
    raw = pd.read_csv(ARCHIVE)
    pskem = raw[(raw["code"] == 16290) & raw["date"].str.endswith("-09-30")]
    years = pskem["date"].str[:4].astype(int)
    norm = pskem.loc[years.between(1981, 2010), "data"].mean()  # the catalogue's reference period
    f = findings["pskem_mullala_norm"]
    assert f["value"] == 39.1
    assert f["norm"] == pytest.approx(norm, abs=1e-3)
    assert f["pct_of_norm"] == pytest.approx(100 * 39.1 / norm, abs=1e-3)
    # 80.4 % of the norm is not below the watch threshold 80 %: normal in itself, but the dekads
    # before were lower, so the watch level stays in force for two dekads (de-escalation)
    assert (f["raw_level"], f["level"], f["state"]) == ("normal", "watch", "de-escalated")
    html = (tmp_path / "chirchik-2015-09-d3.en.html").read_text(encoding="utf-8")
    assert "Pskem at Mullala" in html and "Toktogul" not in html
    assert "Indicators without data in this period: 3 of 11. The situation at those stations is unknown." in html


@shared_data(ARCHIVE)
def test_latest_is_the_latest_dekad_with_data_not_the_last_rows(runner, tmp_path):
    """The archive's rows run to 2015-12-31, with empty values after 2015-09-30."""
    result = _invoke(runner, "generate", *CHIRCHIK, "--data", ARCHIVE, "--out", tmp_path, "--format", "json",
                     "--issued-at", "2016-01-05T06:00:00+05:00")
    assert result.exit_code == 0, result.stderr
    assert "Bulletin chirchik-2015-09-d3" in result.stdout
    assert "note: latest" not in result.stderr  # the last value is of 2015-09-30: no period was passed over
    # but the data stop three months before the issue time: said, so that an old bulletin is not issued unawares
    assert ("note: 2015-09-d3 is the latest period with data, but the last dekad ended before the issue time is "
            "2015-12-d3: the data end on 2015-09-30, 92 days before its end") in result.stderr


@shared_data(ARCHIVE)
def test_a_period_without_data_is_refused_naming_the_last_one_with_data(runner, tmp_path):
    result = _invoke(runner, "generate", *CHIRCHIK, "--data", ARCHIVE, "--period", "2015-12-d3", "--out", tmp_path,
                     "--format", "json", "--issued-at", "2016-01-05T06:00:00+05:00")
    assert result.exit_code == 1
    assert "2015-12-d3: 11 of 11 findings have no data; the data end on 2015-09-30" in result.stderr
    assert "The latest dekad before it with data for at least 50% of the indicators is 2015-09-d3." in result.stderr
    assert "--period 2015-09-d3" in result.stderr
    assert "--allow-no-data" in result.stderr and "Traceback" not in result.stderr
    assert not list(tmp_path.iterdir())


def test_after_the_data_end_the_sample_is_refused_and_allowed_only_on_request(runner, tmp_path):
    args = ["generate", "--period", "2026-11-d3", "--out", tmp_path, "--issued-at", "2026-12-01T06:00:00+05:00"]
    refused = _invoke(runner, *args, "--format", "json")
    assert refused.exit_code == 1
    assert "2026-11-d3: 23 of 23 findings have no data; the data end on 2026-11-20" in refused.stderr
    assert "before it with data for at least 50% of the indicators is 2026-11-d2." in refused.stderr
    allowed = _invoke(runner, *args, "--format", "html", "--lang", "en,ru", "--allow-no-data")
    assert allowed.exit_code == 0, allowed.stderr
    en = (tmp_path / "syrdarya-2026-11-d3.en.html").read_text(encoding="utf-8")
    assert "No indicator could be evaluated in this period: none has enough data." in en
    assert "All indicators normal" not in en and "No indicator is at watch" not in en
    ru = (tmp_path / "syrdarya-2026-11-d3.ru.html").read_text(encoding="utf-8")
    assert "Все индикаторы в норме" not in ru


def test_latest_skips_dekads_where_most_indicators_lack_data(runner, tmp_path):
    """One station reported after the others: latest is the dekad in which most have data."""
    extra = write_csv(tmp_path / "late.csv", [f"toktogul,volume,2026-11-{d},12000,Mm3" for d in range(21, 31)])
    sample = resource_path("data", "sample")
    result = _invoke(runner, "generate", "--data", sample, "--data", extra, "--out", tmp_path / "out",
                     "--format", "json", "--issued-at", "2026-12-01T06:00:00+05:00")
    assert result.exit_code == 0, result.stderr
    assert "Bulletin syrdarya-2026-11-d2" in result.output
    assert ("note: latest is 2026-11-d2, the latest period in which at least half of the findings have data; "
            "the data end on 2026-11-30") in result.stderr


# ---- hints that fit --------------------------------------------------------------------------

def test_did_you_mean_only_for_close_names(network):
    assert network.suggest("toktogull") == " (did you mean 'toktogul'?)"
    assert network.suggest("16279") == ""  # another Uzhydromet code, not a typo
    assert load_network(NETWORK).suggest("Charvak") == ""  # not the computed inflow to the reservoir


@shared_data(ARCHIVE)
def test_an_archive_code_not_in_the_network_suggests_an_alias(runner):
    result = _invoke(runner, "check-data", "--data", ARCHIVE)
    assert result.exit_code == 1
    assert "unknown station '16279' on 3024 rows, the first here" in result.stderr
    assert "did you mean" not in result.stderr
    assert "add to the aliases of its station" in result.stderr and "aliases: ['16279']" in result.stderr
    assert "correct the lines named above" not in result.stderr


@shared_data(KOKSU)
def test_a_gauge_is_never_matched_to_a_reservoir_of_the_same_name(runner, tmp_path):
    """Code 'Charvak' is the Chatkal at the former Charvak gauge, not the Charvak reservoir."""
    result = _invoke(runner, "check-data", "--data", KOKSU, "--variable", "discharge")
    assert result.exit_code == 1
    assert "'Charvak' names the reservoir charvak, which has no discharge" in result.stderr
    obs = read_observations([KOKSU], load_network(), variable="discharge", allow_unknown_stations=True)
    assert sorted(obs.keys()) == [("16279", "discharge"), ("Charvak", "discharge")]


# ---- one CLI --------------------------------------------------------------------------------

@pytest.mark.parametrize("command", ["generate", "check-data", "climatology", "status", "ssi"])
def test_every_data_command_takes_the_same_options_and_refuses_unknown_stations_alike(runner, tmp_path, command):
    help_text = _invoke(runner, command, "--help").output
    for option in ("--config", "--network", "--catalogue", "--qc", "--data", "--station-from-name",
                   "--keep-unknown-stations"):
        assert option in help_text, option
    p = write_csv(tmp_path / "x.csv", [f"ala_archa,discharge,2026-11-{d:02d},5,m3/s" for d in range(1, 21)])
    result = _invoke(runner, command, "--data", p, *(["--out", tmp_path / "o"] if command == "generate" else []))
    assert result.exit_code == 1
    assert "unknown station 'ala_archa' on 20 rows, the first here" in result.stderr


@shared_data(ARCHIVE)
def test_check_data_reads_the_archive_with_ones_own_network(runner, tmp_path):
    """Every archive code resolves to a station of the network given; no station is unknown."""
    out = tmp_path / "qc.csv"
    result = _invoke(runner, "check-data", *CHIRCHIK, "--data", ARCHIVE, "--as-of", "2016-01-01", "--out", out)
    assert result.exit_code == 0, result.stderr
    assert "not in the network" not in result.stderr
    assert set(pd.read_csv(out)["station"]) <= set(load_network(NETWORK).stations)


def test_a_qc_file_of_ones_own_replaces_the_shipped_checks(runner, tmp_path):
    rows = [f"naryn_uchkurgan,discharge,2026-11-{d:02d},100,m3/s" for d in range(1, 16)]
    p = write_csv(tmp_path / "flat.csv", rows)
    shipped = _invoke(runner, "check-data", "--data", p, "--as-of", "2026-11-21")
    assert "flat_line" in shipped.output
    qc = tmp_path / "qc.yml"
    qc.write_text(yaml.safe_dump({"qc": {"variables": {"discharge": {"flat_line": {"days": 20}}}}}), encoding="utf-8")
    own = _invoke(runner, "check-data", "--data", p, "--as-of", "2026-11-21", "--qc", qc)
    assert own.exit_code == 0, own.stderr
    assert "flat_line" not in own.output


@shared_data(ARCHIVE)
def test_a_project_file_names_network_catalogue_and_data(runner, tmp_path):
    project = tmp_path / "chirchik.yaml"
    project.write_text(yaml.safe_dump({"network": NETWORK, "catalogue": CATALOGUE, "data": [str(ARCHIVE)]}),
                       encoding="utf-8")
    result = _invoke(runner, "generate", "--config", project, "--out", tmp_path / "out", "--format", "json",
                     "--issued-at", ISSUED, "--period", "2015-09-d3")
    assert result.exit_code == 0, result.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("netwrok: n.yaml\ndata: 5\n", encoding="utf-8")
    result = _invoke(runner, "validate", "--config", bad)
    assert result.exit_code == 1
    assert "netwrok: unknown key (did you mean 'network'?)" in result.stderr
    assert "data: expected a path or a list of paths." in result.stderr


@shared_data(YEARBOOKS)
def test_a_folder_of_yearbooks_takes_each_station_from_the_file_name(runner, tmp_path):
    net = yaml.safe_load(open(NETWORK, encoding="utf-8"))
    net["network"]["id"] = "chu"
    net["stations"] = [{"id": f"g{code}", "kind": "gauge", "name": {"en": code, "ru": code}, "country": "UZ",
                        "river": {"en": "r", "ru": "r"}, "lat": 42.5, "lon": 74.5 + i / 10, "downstream": None,
                        "aliases": [code]} for i, code in enumerate(("15194", "15212", "15256"))]
    del net["flow_links"]
    (tmp_path / "chu.yaml").write_text(yaml.safe_dump(net, allow_unicode=True), encoding="utf-8")
    folder = tmp_path / "yb"
    folder.mkdir()
    for name in ("decadal_Ala_Archa_15194_Q.csv", "decadal_Ak_Suu_15212_Q.csv", "decadal_Ak_Tash_15256_Q.csv",
                 "decadal_Ala_Archa_15194_P.csv"):
        (folder / name).write_bytes((YEARBOOKS / name).read_bytes())
    obs = read_observations([folder], load_network(tmp_path / "chu.yaml"), variable="discharge", unit="m3/s",
                            station_from_name="decadal_*_{station}_Q.csv")
    assert sorted({s for s, _ in obs.keys()}) == ["g15194", "g15212", "g15256"]
    assert obs.notes == ["decadal_Ala_Archa_15194_P.csv: skipped, its name does not match 'decadal_*_{station}_Q.csv'"]
    first = pd.read_csv(YEARBOOKS / "decadal_Ak_Suu_15212_Q.csv", header=None).iloc[0]
    ak_suu = obs.frame[obs.frame["station"] == "g15212"].sort_values("date")
    assert ak_suu["value"].iloc[0] == first[1] and ak_suu["date"].iloc[0] == pd.Timestamp(f"{int(first[0])}-01-10")


# ---- bulletin init ---------------------------------------------------------------------------

@shared_data(ARCHIVE)
def test_init_writes_a_skeleton_that_validates_and_issues(runner, tmp_path):
    out = tmp_path / "mine"
    result = _invoke(runner, "init", "--data", ARCHIVE, "--id", "chirchik_draft", "--out", out)
    assert result.exit_code == 0, result.stderr
    assert "7 gauge" in result.output and "7 indicators" in result.output
    network = yaml.safe_load((out / "network.yaml").read_text(encoding="utf-8"))
    assert [s["aliases"] for s in network["stations"]] == [["16262"], ["16275"], ["16279"], ["16290"], ["16298"],
                                                            ["16300"], ["16924"]]
    assert "FILL IN" in (out / "network.yaml").read_text(encoding="utf-8")
    valid = _invoke(runner, "validate", "--config", out / "bulletin.yaml")
    assert valid.exit_code == 0
    # valid, so that a first bulletin can be looked at; but every placeholder left is named
    assert ("note: 28 names are still 'FILL IN', as 'bulletin init' wrote them (network: name; country XX; "
            "station st_16262: name; station st_16262: river; station st_16275: name; and 23 more)") in valid.stderr
    catalogue = yaml.safe_load((out / "catalogue.yaml").read_text(encoding="utf-8"))
    assert catalogue["indicators"][0]["name"]["ru"] == "Расход воды, пост 16262: состояние по HydroSOS (FILL IN)"
    again = _invoke(runner, "init", "--data", ARCHIVE, "--out", out)
    assert again.exit_code == 2 and "already exist" in again.stderr
    issued = _invoke(runner, "generate", "--config", out / "bulletin.yaml", "--out", tmp_path / "b", "--format", "json",
                     "--issued-at", ISSUED, "--period", "2015-09-d3")
    assert issued.exit_code == 0, issued.stderr


def test_init_refuses_stations_whose_names_differ_only_in_case(runner, tmp_path):
    data = write_csv(tmp_path / "case.csv", ["alpha,discharge,2020-01-01,5,m3/s", "ALPHA,discharge,2020-01-01,6,m3/s"])
    result = _invoke(runner, "init", "--data", data, "--out", tmp_path / "out")
    assert result.exit_code == 2 and not (tmp_path / "out").exists()  # it had said 'init wrote a configuration that
    # does not load ... please report it'
    assert ("the data name the stations 'ALPHA' and 'alpha', which differ only in case; a network matches station "
            "names without case, so they would be one station.") in result.stderr
    # a gauge and a reservoir may share a name: the variable tells them apart
    data = write_csv(tmp_path / "kinds.csv", ["alpha,discharge,2020-01-01,5,m3/s", "ALPHA,volume,2020-01-01,60,Mm3"])
    assert _invoke(runner, "init", "--data", data, "--out", tmp_path / "kinds").exit_code == 0



def test_init_counts_the_years_with_values_not_the_span_of_the_record(runner, tmp_path):
    data = write_csv(tmp_path / "two.csv", ["g1,discharge,2000-05-01,5,m3/s", "g1,discharge,2015-05-01,6,m3/s"])
    result = _invoke(runner, "init", "--data", data, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    assert "note: the data have values in 2 year(s) of 2000-2015" in result.stderr  # 16 years apart, 2 with values


@shared_data(KOKSU)
def test_init_on_a_short_record_keeps_the_years_a_norm_needs_and_says_so(runner, tmp_path):
    result = _invoke(runner, "init", "--data", KOKSU, "--variable", "discharge", "--unit", "m3/s", "--out", tmp_path)
    assert result.exit_code == 0, result.stderr
    settings = yaml.safe_load((tmp_path / "catalogue.yaml").read_text(encoding="utf-8"))["settings"]
    assert settings["reference_period"] == "1965-1967" and settings["min_years"] == 10  # not 3: 3 years say nothing
    assert ("note: the data have values in 3 year(s) of 1965-1967; a norm and the HydroSOS categories need 10 "
            "(min_years)") in result.stderr


@shared_data(ARCHIVE)
def test_a_typo_in_the_archive_is_named_in_the_bulletin_and_kept_out(runner, tmp_path):
    """Pskem 2015-09-30 typed 3910 for 39.1: an error, counted as one value, and its findings say why."""
    text = ARCHIVE.read_text(encoding="utf-8")
    assert text.count("\n2015-09-30,39.1,") == 1
    typo = tmp_path / "archive.csv"
    typo.write_text(text.replace("\n2015-09-30,39.1,", "\n2015-09-30,3910,"), encoding="utf-8")
    result = _invoke(runner, "generate", *CHIRCHIK, "--data", typo, "--period", "2015-09-d3", "--out", tmp_path,
                     "--format", "json,html", "--lang", "en", "--issued-at", ISSUED)
    assert result.exit_code == 0, result.stderr
    findings = {f["indicator"]: f for f in json.loads((tmp_path / "chirchik-2015-09-d3.json").read_text())["findings"]}
    assert findings["pskem_mullala_norm"]["level"] == "no_data"
    assert findings["pskem_mullala_status"]["level"] == "no_data"
    html = (tmp_path / "chirchik-2015-09-d3.en.html").read_text(encoding="utf-8")
    assert "values far from the same period of other years (error): values flagged: 1" in html
    strict = _invoke(runner, "check-data", *CHIRCHIK, "--data", typo, "--as-of", "2016-01-01", "--strict")
    assert strict.exit_code == 1 and "period_outlier" in strict.output
    clean = _invoke(runner, "check-data", *CHIRCHIK, "--data", ARCHIVE, "--as-of", "2016-01-01", "--strict")
    assert clean.exit_code == 0, clean.output


def test_init_takes_the_kind_from_the_variables_and_writes_what_loads(runner, tmp_path):
    """One year of data; a reservoir with volume only; an inflow-only reservoir; codes 12 and st_12."""
    rows = ([f"12,discharge,2024-05-{d:02d},5,m3/s" for d in range(1, 31)]
            + [f"st_12,discharge,2024-05-{d:02d},6,m3/s" for d in range(1, 31)]
            + [f"lake,volume,2024-05-{d:02d},900,Mm3" for d in range(1, 31)]
            + [f"r2,inflow,2024-05-{d:02d},40,m3/s" for d in range(1, 31)])
    data = write_csv(tmp_path / "d.csv", rows)
    out = tmp_path / "mine"
    result = _invoke(runner, "init", "--data", data, "--out", out)
    assert result.exit_code == 0, result.stderr
    network = yaml.safe_load((out / "network.yaml").read_text(encoding="utf-8"))
    assert [(s["id"], s["kind"], s["aliases"]) for s in network["stations"]] == [
        ("st_12_2", "gauge", ["12"]), ("lake", "reservoir", ["lake"]), ("r2", "reservoir", ["r2"]),
        ("st_12", "gauge", ["st_12"])]  # an id is never another station's code
    catalogue = yaml.safe_load((out / "catalogue.yaml").read_text(encoding="utf-8"))
    # one year of record: the ten years a norm needs are kept, and said
    assert catalogue["settings"]["reference_period"] == "2024-2024" and catalogue["settings"]["min_years"] == 10
    assert "note: the data have values in 1 year(s) of 2024-2024" in result.stderr
    assert {i["variable"] for i in catalogue["indicators"]} == {"discharge", "volume", "inflow"}
    project = yaml.safe_load((out / "bulletin.yaml").read_text(encoding="utf-8"))
    assert project["data"] == ["../d.csv"]  # relative to the project file
    checked = _invoke(runner, "check-data", "--config", out / "bulletin.yaml", "--as-of", "2024-06-01")
    assert checked.exit_code == 0, checked.stderr


def test_init_refuses_a_code_that_no_kind_of_station_reports(runner, tmp_path):
    data = write_csv(tmp_path / "d.csv", ["x,discharge,2024-05-01,5,m3/s", "x,volume,2024-05-01,900,Mm3"])
    result = _invoke(runner, "init", "--data", data, "--out", tmp_path / "mine")
    assert result.exit_code == 2
    assert "'x' reports discharge, volume, which no one kind of station reports" in result.stderr
    assert not (tmp_path / "mine").exists()


def _network_with(tmp_path, extra_stations=(), **head):
    raw = yaml.safe_load(open(NETWORK, encoding="utf-8"))
    raw["network"].update(head)
    raw["stations"] += list(extra_stations)
    path = tmp_path / "n.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


CHARVAK = {"id": "charvak", "kind": "reservoir", "name": {"en": "Charvak", "ru": "Чарвак"}, "country": "UZ",
           "river": {"en": "Chirchik", "ru": "Чирчик"}, "lat": 41.62, "lon": 70.0, "downstream": None}


def test_a_name_shared_by_a_gauge_and_a_reservoir_resolves_by_the_variable(tmp_path):
    gauge = {**CHARVAK, "id": "chatkal_charvak", "kind": "gauge", "aliases": ["Charvak"]}
    network = load_network(_network_with(tmp_path, [CHARVAK, gauge]))
    assert network.resolve("Charvak", "discharge") == "chatkal_charvak"
    assert network.resolve("Charvak", "volume") == "charvak"
    data = write_csv(tmp_path / "d.csv", ["Charvak,discharge,1965-01-01,35.6,m3/s", "Charvak,volume,1965-01-01,1900,Mm3"])
    assert sorted(read_observations([data], network).keys()) == [("charvak", "volume"), ("chatkal_charvak", "discharge")]
    # with --keep-unknown-stations a row named exactly like a station of another kind cannot be kept apart
    only_reservoir = load_network(_network_with(tmp_path, [CHARVAK]))
    wrong = write_csv(tmp_path / "w.csv", ["charvak,discharge,1965-01-01,35.6,m3/s"])
    with pytest.raises(Exception, match="'charvak' names the reservoir charvak, which has no discharge"):
        read_observations([wrong], only_reservoir, allow_unknown_stations=True)


def test_the_network_refuses_ids_that_are_not_ids_shared_names_and_missing_coordinates(runner, tmp_path):
    twin = {**CHARVAK, "id": "charvak2", "aliases": ["charvak"]}
    path = _network_with(tmp_path, [CHARVAK, twin, {**CHARVAK, "id": "nowhere", "lat": None}], id="../../x")
    result = _invoke(runner, "validate", "--network", path, "--catalogue", CATALOGUE)
    assert result.exit_code == 1
    assert "network.id: '../../x' is not an id" in result.stderr
    assert "station charvak2: the name 'charvak' is also a name of charvak, a reservoir too" in result.stderr
    assert "(nowhere): lat must be numbers [degrees]" in result.stderr and "internal error" not in result.stderr


def test_the_catalogue_refuses_a_variable_the_station_does_not_report(runner, tmp_path):
    cat = yaml.safe_load(open(CATALOGUE, encoding="utf-8"))
    cat["indicators"][0]["variable"] = "volume"
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(cat, allow_unicode=True), encoding="utf-8")
    result = _invoke(runner, "validate", "--network", NETWORK, "--catalogue", path)
    assert result.exit_code == 1
    assert ("chatkal_khudaydod is a gauge, which reports no volume (a gauge reports discharge, stage)"
            in result.stderr)


def test_a_period_in_which_no_indicator_applies_is_refused_as_such(runner, tmp_path):
    cat = yaml.safe_load(open(CATALOGUE, encoding="utf-8"))
    for ind in cat["indicators"]:
        ind["valid_from"] = "2020-01-01"
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(cat, allow_unicode=True), encoding="utf-8")
    data = write_csv(tmp_path / "d.csv", [f"16290,discharge,2015-09-{d:02d},39,m3/s" for d in range(1, 31)])
    result = _invoke(runner, "generate", "--network", NETWORK, "--catalogue", path, "--data", data, "--period",
                     "2015-09-d3", "--out", tmp_path / "o", "--format", "json", "--issued-at", ISSUED)
    assert result.exit_code == 1
    assert "2015-09-d3: no indicator of the catalogue chirchik-ews applies in this period" in result.stderr


def test_latest_falls_back_to_months_and_never_suggests_the_refused_period(runner, tmp_path):
    """Monthly values only: latest is a month. Two years of dekads: a status has too few years for a norm,
    so no period has data, and the refusal suggests none."""
    cat = yaml.safe_load(open(CATALOGUE, encoding="utf-8"))
    cat["indicators"] = [i for i in cat["indicators"] if i["station"] == "chirchik_gazalkent"]
    monthly_catalogue = tmp_path / "c.yaml"
    monthly_catalogue.write_text(yaml.safe_dump(cat, allow_unicode=True), encoding="utf-8")
    ends = pd.date_range("1991-01-31", "2010-12-31", freq="ME")
    data = write_csv(tmp_path / "m.csv", [f"16262,discharge,{d:%Y-%m-%d},{100 + d.year - 1990 + d.month},m3/s,month"
                                          for d in ends], header="station,variable,date,value,unit,resolution")
    result = _invoke(runner, "generate", "--network", NETWORK, "--catalogue", monthly_catalogue, "--data", data,
                     "--out", tmp_path / "o", "--format", "json", "--issued-at", "2011-01-05T00:00:00+05:00")
    assert result.exit_code == 0, result.stderr
    assert "Bulletin chirchik-2010-12 " in result.stdout
    short = write_csv(tmp_path / "s.csv", [f"16290,discharge,{y}-09-{d:02d},39,m3/s" for y in (2014, 2015)
                                            for d in range(1, 31)])
    refused = _invoke(runner, "generate", "--network", NETWORK, "--catalogue", CATALOGUE, "--data", short,
                      "--period", "2015-09-d3", "--out", tmp_path / "o2", "--format", "json", "--issued-at", ISSUED)
    assert refused.exit_code == 1
    assert "--period 2015-09-d3" not in refused.stderr and "before it with data" not in refused.stderr


def test_dollar_signs_in_names_are_text_not_mathtext(runner, tmp_path):
    raw = yaml.safe_load(open(NETWORK, encoding="utf-8"))
    raw["stations"][1]["short_name"]["en"] = r"Mullala $\bad{x $5-$10"
    path = tmp_path / "n.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    data = write_csv(tmp_path / "d.csv", [f"16290,discharge,2015-09-{d:02d},39,m3/s" for d in range(1, 31)])
    result = _invoke(runner, "generate", "--network", path, "--catalogue", CATALOGUE, "--data", data, "--period",
                     "2015-09-d3", "--out", tmp_path / "o", "--format", "html", "--lang", "en", "--issued-at", ISSUED,
                     "--allow-no-data")
    assert result.exit_code == 0, result.stderr
    html = (tmp_path / "o" / "chirchik-2015-09-d3.en.html").read_text(encoding="utf-8")
    assert r"Mullala $\bad{x $5-$10" in html


@pytest.mark.parametrize("command", ["generate", "validate"])
def test_an_own_network_without_a_catalogue_is_told_to_name_one(runner, tmp_path, command):
    result = _invoke(runner, command, "--network", NETWORK, *(["--out", tmp_path] if command == "generate" else []))
    assert result.exit_code == 2
    assert "is given without a catalogue, and the default catalogue, the Syr Darya sample's, does not fit it" \
        in result.stderr
    assert "--catalogue" in result.stderr and not list(tmp_path.iterdir())
