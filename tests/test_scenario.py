"""Scenarios of the outlook: routing by hand, changes applied in the trace store, the scenario file and the command."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from bulletin.catalogue import load_catalogue
from bulletin.cli import main
from bulletin.errors import ConfigError
from bulletin.ingest import read_observations
from bulletin.ingest.observations import Observations
from bulletin.network import load_network
from bulletin.outlook import Routing, outlook, route, run_scenarios, trace_store
from bulletin.outlook.assess import outlook_leads
from bulletin.outlook.reservoirs import MM3, SECONDS_PER_DAY
from bulletin.outlook.routing import dekad_days, route_ahead
from bulletin.outlook.scenario import CSV_COLUMNS, resolve_changes
from bulletin.outlook.scenario_file import load_scenarios, parse_scenarios
from bulletin.outlook.store import TraceStore
from bulletin.periods import Period, parse_period
from bulletin.series import SeriesStore

from .conftest import SAMPLE_PERIOD

SAMPLE_SPEC = Path(__file__).resolve().parents[1] / "data" / "sample" / "scenario.yaml"
TO_MM3 = SECONDS_PER_DAY / MM3  # Mm3 per (m3/s x day)


@pytest.fixture(scope="module")
def sample(network):
    cat = load_catalogue(None, network)
    store = SeriesStore(read_observations(None, network), cat.settings)
    return cat, store, parse_period(SAMPLE_PERIOD, network.seasons)


def _spec(network, *scenarios) -> object:
    return parse_scenarios({"scenarios": list(scenarios)}, network, Path("test.yaml"))


def _scenario(sid: str, *changes) -> dict:
    return {"id": sid, "name": {"en": sid, "ru": sid}, "description": "test", "changes": list(changes)}


def _n_leads(issue, network) -> int:
    return max(lead.lead for lead in outlook_leads(issue, network.seasons))


def _store(data, network, cat, issue, spec, k: int = 0) -> TraceStore:
    changes, _ = resolve_changes(spec.scenarios[k], issue, _n_leads(issue, network), network)
    return trace_store(cat, network, data, issue, _n_leads(issue, network), None, changes)


# ---- routing, by hand -----------------------------------------------------------------------

def test_route_by_hand():
    days = [10, 10, 10, 11]
    q = np.array([10.0, 20.0, 30.0, 40.0])
    np.testing.assert_array_equal(route(q, days, 0), q)
    # 15 days: half a dekad from each of the two dekads before (10-day dekads); the 11-day dekad
    # takes days 6-10 of the second (5 days) and 1-6 of the third (6 days)
    got = route(q, days, 15)
    assert np.isnan(got[:2]).all()
    assert got[2] == pytest.approx(0.5 * 10 + 0.5 * 20)
    assert got[3] == pytest.approx((5 * 20 + 6 * 30) / 11)
    # 1 day: nine tenths of the dekad itself and one tenth of the dekad before
    assert route(q, days, 1)[1] == pytest.approx(0.9 * 20 + 0.1 * 10)
    # a fractional lag is shared linearly: 2.5 days = a quarter of a 10-day dekad
    assert route(q, days, 2.5)[1] == pytest.approx(0.75 * 20 + 0.25 * 10)
    # mass is kept: a pulse of one dekad arrives whole, spread over two dekads
    pulse = route_ahead(np.zeros((1, 2)), np.array([[0.0, 100.0, 0.0, 0.0]]), [10, 10], days, 4)
    np.testing.assert_allclose(pulse, [[0.0, 60.0, 40.0, 0.0]])
    assert (pulse[0] * days).sum() == pytest.approx(100 * 10)


def test_dekad_days():
    first = Period.dekad(2024, 2, 1)
    index = first.start.year * 36 + first.period_of_year - 1
    assert list(dekad_days(index, 6)) == [10, 10, 9, 10, 10, 11]  # February of a leap year, then March


TOY_NETWORK = """
network:
  id: toy
  name: {en: Toy, ru: Игрушка}
  countries: {KG: {en: Kyrgyzstan, ru: Кыргызстан}}
  conventions: {hydrological_year_start: 10, growing_season: [4, 9]}
sources: {}
flow_links:
  travel_time:
    - {downstream: down/discharge, upstream: {res/release: 15}}
stations:
  - {id: res, kind: reservoir, name: {en: Res, ru: Вдхр}, country: KG, river: {en: R, ru: Р}, lat: 41, lon: 72,
     downstream: down}
  - {id: down, kind: gauge, name: {en: Down, ru: Низ}, country: KG, river: {en: R, ru: Р}, lat: 40, lon: 71,
     downstream: null}
"""


@pytest.fixture(scope="module")
def toy(tmp_path_factory, network):
    path = tmp_path_factory.mktemp("toy") / "toy.yaml"
    path.write_text(TOY_NETWORK, encoding="utf-8")
    toy_net = load_network(path)
    cat = load_catalogue(None, network)  # no indicator of the toy stations: the release is the recent median
    periods = [Period.dekad(2000, 1, 1).shift(i) for i in range(3 * 36)]
    constant = {("res", "inflow"): 50.0, ("res", "release"): 50.0, ("res", "volume"): 1000.0,
                ("down", "discharge"): 100.0}
    rows = [{"station": s, "variable": v, "date": pd.Timestamp(p.end), "value": x, "resolution": "dekad",
             "flag": None, "file": "toy", "line": 0} for (s, v), x in constant.items() for p in periods]
    return toy_net, cat, SeriesStore(Observations(pd.DataFrame(rows)), cat.settings)


def test_release_reaches_the_gauge_after_its_travel_time_by_hand(toy):
    toy_net, cat, store = toy
    assert [(s.station, s.lag) for s in Routing(toy_net).releases("down", "discharge")] == [("res", 15.0)]
    issue = Period.dekad(2002, 11, 2)  # leads: Nov d3, Dec d1, Dec d2 (10 days), Dec d3 (11 days)
    base = trace_store(cat, toy_net, store, issue, _n_leads(issue, toy_net))
    assert base.n_traces == 2
    # the lateral flow is 100 - 50 = 50 m3/s; with the recent release (50) routed, the gauge stays at 100
    np.testing.assert_allclose(base.flow("down", "discharge").values, 100.0)
    spec = _spec(toy_net, _scenario("more", {"station": "res", "variable": "release", "value": 80, "unit": "m3/s",
                                             "from": "2002-11-d3", "to": "2002-11-d3"}))
    changed = _store(store, toy_net, cat, issue, spec)
    # 80 m3/s in Nov d3 only; a 15-day travel time shares it half and half between Dec d1 and Dec d2:
    # Dec d1 = 0.5 R(Nov d2) + 0.5 R(Nov d3) = 0.5 * 50 + 0.5 * 80 = 65, Dec d2 likewise, Dec d3 none of it
    expected = 50.0 + np.array([50.0, 65.0, 65.0, 50.0])
    got = changed.flow("down", "discharge").values
    np.testing.assert_allclose(got[:, :4], np.broadcast_to(expected, (2, 4)))
    np.testing.assert_allclose(got[:, 4:], 100.0)
    # the reservoir lost exactly the extra release of Nov d3 (10 days)
    dv = changed.reservoir("res").volume - base.reservoir("res").volume
    np.testing.assert_allclose(dv, -30 * 10 * TO_MM3)
    np.testing.assert_allclose(changed.reservoir("res").balance_error(), 0.0, atol=1e-9)


# ---- changes applied in the trace store (the sample) ---------------------------------------

def test_no_change_reproduces_the_baseline_exactly(network, sample):
    cat, store, issue = sample
    planned = trace_store(cat, network, store, issue, _n_leads(issue, network)).planned_release("toktogul")
    same = [{"station": "toktogul", "variable": "release", "value": float(x), "unit": "m3/s",
             "from": issue.shift(k).label, "to": issue.shift(k).label} for k, x in enumerate(planned, start=1)]
    spec = _spec(network, _scenario("nothing"), _scenario("as_planned", *same))
    result = run_scenarios(cat, network, store, issue, spec)
    baseline = result.baseline.as_json()
    assert baseline == outlook(cat, network, store, issue).as_json()
    for r in result.results:
        assert r.outlook.as_json() == baseline, r.scenario.id
        assert not r.differing
        # the only note: how far down the river the network's flow links route a change at Toktogul
        assert all("no chain of flow links" in n for n in r.notes), r.notes
    assert len(result.result("as_planned").changes) == len(planned)


def test_release_override_changes_the_volume_by_the_integrated_difference(network, sample):
    cat, store, issue = sample
    n = _n_leads(issue, network)
    spec = _spec(network, _scenario("more", {"station": "toktogul", "variable": "release", "value": 900000,
                                             "unit": "l/s", "from": issue.shift(1).label,
                                             "to": issue.shift(2).label}))
    base, changed = trace_store(cat, network, store, issue, n), _store(store, network, cat, issue, spec)
    planned = base.planned_release("toktogul")
    np.testing.assert_allclose(changed.planned_release("toktogul")[:2], 900.0)  # 900000 l/s
    np.testing.assert_array_equal(changed.planned_release("toktogul")[2:], planned[2:])
    b, c = base.reservoir("toktogul"), changed.reservoir("toktogul")
    np.testing.assert_allclose(c.balance_error(), 0.0, atol=1e-6)
    days = np.array([p.days for p in base.periods])
    lost = np.cumsum((900.0 - planned[:2]) * days[:2] * TO_MM3)
    free = (b.volume[:, :2] > b.dead + lost[-1]) & (b.volume[:, :2] < b.total)  # no bound reached
    assert free.all()
    np.testing.assert_allclose((c.volume - b.volume)[:, :2], np.broadcast_to(-lost, (base.n_traces, 2)), rtol=1e-9)


def test_the_routed_release_arrives_downstream_after_the_travel_time(network, sample):
    cat, store, issue = sample
    (source,) = Routing(network).releases("naryn_uchkurgan", "discharge")
    assert source.station == "toktogul" and 0 < source.lag < 8
    n = _n_leads(issue, network)
    spec = _spec(network, _scenario("pulse", {"station": "toktogul", "variable": "release", "value": 1000,
                                              "unit": "m3/s", "from": issue.shift(3).label,
                                              "to": issue.shift(3).label}))
    base, changed = trace_store(cat, network, store, issue, n), _store(store, network, cat, issue, spec)
    extra = 1000.0 - base.planned_release("toktogul")[2]
    delta = changed.flow("naryn_uchkurgan", "discharge").values - base.flow("naryn_uchkurgan", "discharge").values
    d3, d4 = issue.shift(3).days, issue.shift(4).days
    expected = np.zeros(n)
    expected[2], expected[3] = (1 - source.lag / d3) * extra, source.lag / d4 * extra
    np.testing.assert_allclose(delta[:, :5], np.broadcast_to(expected[:5], (base.n_traces, 5)), atol=1e-9)
    # the gauge upstream of the reservoir, and other rivers, are untouched
    for key in (("naryn_uchterek", "discharge"), ("toktogul", "inflow"), ("syrdarya_kazaly", "discharge")):
        np.testing.assert_array_equal(changed.flow(*key).values, base.flow(*key).values)


def test_percentile_scenario_gives_the_percentile(network, sample):
    cat, store, issue = sample
    n = _n_leads(issue, network)
    spec = _spec(network, _scenario("dry", {"station": "toktogul", "variable": "inflow", "percentile": 10,
                                            "from": issue.shift(2).label, "to": issue.shift(4).label}),
                 _scenario("wet", {"station": "toktogul", "variable": "inflow", "factor": 20}))
    base = trace_store(cat, network, store, issue, n).flow("toktogul", "inflow").values
    dry = _store(store, network, cat, issue, spec).flow("toktogul", "inflow").values
    p10 = np.percentile(base[:, 1:4], 10, axis=0)
    np.testing.assert_allclose(dry[:, 1:4], np.broadcast_to(p10, (base.shape[0], 3)))
    np.testing.assert_array_equal(dry[:, [0, *range(4, n)]], base[:, [0, *range(4, n)]])
    wet = _store(store, network, cat, issue, spec, 1).flow("toktogul", "inflow").values
    np.testing.assert_allclose(wet, base * 1.2)


def test_withdrawal_reduces_the_flow_and_travels_into_the_reservoir(network, sample):
    cat, store, issue = sample
    n = _n_leads(issue, network)
    (link,) = [s for s in Routing(network).flows("toktogul", "inflow") if s.station == "naryn_uchterek"]
    spec = _spec(network, _scenario("take", {"station": "naryn_uchterek", "variable": "withdrawal", "value": 20,
                                             "unit": "m3/s", "from": issue.shift(1).label,
                                             "to": issue.shift(1).label}))
    base, changed = trace_store(cat, network, store, issue, n), _store(store, network, cat, issue, spec)
    gauge = changed.flow("naryn_uchterek", "discharge").values - base.flow("naryn_uchterek", "discharge").values
    np.testing.assert_allclose(gauge[:, 0], -20.0)
    np.testing.assert_allclose(gauge[:, 1:], 0.0)
    inflow = changed.flow("toktogul", "inflow").values - base.flow("toktogul", "inflow").values
    np.testing.assert_allclose(inflow[:, 0], -20.0 * (1 - link.lag / issue.shift(1).days))
    np.testing.assert_allclose(inflow[:, 1], -20.0 * link.lag / issue.shift(2).days)
    assert changed.reservoir("toktogul").volume[0, -1] <= base.reservoir("toktogul").volume[0, -1]


def test_periods_outside_the_outlook_are_noted(network, sample):
    cat, store, issue = sample
    n = _n_leads(issue, network)
    spec = _spec(network, _scenario("late", {"station": "toktogul", "variable": "release", "value": 600,
                                             "unit": "m3/s", "from": issue.shift(-5).label, "to": issue.shift(2).label},
                                    {"station": "toktogul", "variable": "release", "value": 600, "unit": "m3/s",
                                     "from": issue.shift(n + 1).label}))
    changes, notes = resolve_changes(spec.scenarios[0], issue, n, network)
    assert [c.leads for c in changes] == [(1, 2)]
    assert len(notes) == 2
    assert "scenarios[0].changes[0]" in notes[0] and f"applies from {issue.shift(1).label}" in notes[0]
    assert "scenarios[0].changes[1]" in notes[1] and "no effect" in notes[1]


# ---- the scenario file ----------------------------------------------------------------------

def test_the_sample_scenario_file_is_valid(network):
    spec = load_scenarios(SAMPLE_SPEC, network)
    assert len(spec.scenarios) >= 2
    assert "SYNTHETIC" in SAMPLE_SPEC.read_text(encoding="utf-8")
    for s in spec.scenarios:
        assert s.name("en") and s.name("ru") and s.describe("en")


def test_validation_names_the_file_and_the_key(network, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("""
scenarios:
  - id: one
    name: {en: One}
    description: x
    changes:
      - {station: toktogul, variable: release, valeu: 900, unit: m3/s}
      - {station: toktogul, variable: release, value: 900, unit: m3/s, from: 2027-02-d1, to: 2026-12-d1}
      - {station: toktogull, variable: inflow, percentile: 10}
      - {station: toktogul, variable: volume, value: 5, unit: km3}
      - {station: toktogul, variable: release, percentile: 10}
      - {station: toktogul, variable: release, value: 900}
      - {station: withdrawals_uz, variable: withdrawal, value: 50, unit: m3/s}
      - {station: naryn_uchkurgan, variable: inflow, factor: 10}
      - {station: toktogul, variable: inflow, percentile: 10, from: 2026-13}
      - {station: toktogul, variable: release, value: 900, unit: km}
  - id: one
    name: {en: Again, ru: Снова, xx: Y}
    description: y
    chnages: []
""", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_scenarios(bad, network)
    text = str(err.value)
    expected = [
        "scenarios[0].name.ru", "scenarios[0].changes[0].valeu: unknown key 'valeu' (did you mean 'value'?)",
        "scenarios[0].changes[1].to: 2026-12-d1 is before from", "scenarios[0].changes[2].station",
        "did you mean 'toktogul'", "scenarios[0].changes[3].variable", "scenarios[0].changes[4].percentile",
        "scenarios[0].changes[5].unit", "scenarios[0].changes[6].station", "intake",
        "scenarios[0].changes[7].variable", "scenarios[0].changes[8].from", "scenarios[0].changes[9].unit",
        "scenarios[1].id", "scenarios[1].name.xx", "scenarios[1].chnages: unknown key 'chnages' (did you mean 'changes'?)",
    ]
    for part in expected:
        assert part in text, part
    assert all(line.strip().startswith(str(bad)) for line in text.splitlines()[1:-1])
    assert "Traceback" not in text


@pytest.mark.parametrize(("change", "key", "message"), [
    ("{station: toktogul, variable: release, value: .nan, unit: m3/s}", "changes[0].value", "a finite number"),
    ("{station: toktogul, variable: inflow, factor: .inf}", "changes[0].factor", "a finite number"),
    ("{station: toktogul, variable: inflow, percentile: 10, from: 0000-01-d1}", "changes[0].from",
     "is not a dekad or a month"),
])
def test_bad_amounts_and_dates_are_errors_naming_the_key(network, tmp_path, change, key, message):
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"scenarios:\n  - id: one\n    name: {{en: One}}\n    description: x\n    changes:\n      - {change}\n",
                   encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_scenarios(bad, network)
    assert f"scenarios[0].{key}" in str(err.value) and message in str(err.value)


def test_an_id_that_is_not_text_is_an_error_not_a_crash(network, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("scenarios:\n  - id: [x]\n    name: {en: One}\n    description: x\n    changes: []\n",
                   encoding="utf-8")
    with pytest.raises(ConfigError, match=r"scenarios\[0\]\.id"):
        load_scenarios(bad, network)


def test_a_change_the_network_cannot_route_down_the_river_is_noted(network, sample):
    """The sample network's flow links carry Toktogul's release to Uchkurgan only: the note names the rest."""
    from bulletin.outlook.routing import Routing, not_reached

    reached, missing = not_reached(Routing(network), "toktogul")
    assert reached == ("naryn_uchkurgan",)
    assert missing and missing[-1] == "bahri_tojik" and "syrdarya_kal" in missing


# ---- the command ----------------------------------------------------------------------------

def test_scenario_command_prints_and_writes(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["scenario", str(SAMPLE_SPEC), "--period", SAMPLE_PERIOD, "--out", str(out)])
    assert result.exit_code == 0, result.output + result.stderr
    text = result.output
    assert f"outlook issued after {SAMPLE_PERIOD}" in text and "S0" in text and "S1" in text
    assert "* toktogul_volume_low" in text  # a release scenario moves the volume
    doc = json.loads((out / "scenario.json").read_text(encoding="utf-8"))
    assert doc["issue_period"] == SAMPLE_PERIOD and doc["baseline"]["indicators"]
    assert [s["id"] for s in doc["scenarios"]] == [s.id for s in load_scenarios(SAMPLE_SPEC, load_network()).scenarios]
    winter = doc["scenarios"][0]
    assert winter["rows_differing"] > 0 and winter["comparison"][0]["median_shift"] < 0
    rows = list(csv.reader(io.StringIO((out / "scenario.csv").read_text(encoding="utf-8"))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert {r[0] for r in rows[1:]} == {"baseline", *(s["id"] for s in doc["scenarios"])}
    # the same inputs give the same bytes
    again = tmp_path / "again"
    CliRunner().invoke(main, ["scenario", str(SAMPLE_SPEC), "--period", SAMPLE_PERIOD, "--out", str(again)])
    for name in ("scenario.json", "scenario.csv"):
        assert (out / name).read_bytes() == (again / name).read_bytes()


def test_scenario_command_errors(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("scenarios:\n  - {id: x, name: {en: X, ru: X}, description: d, changes: [{station: nowhere, "
                   "variable: release, value: 1, unit: m3/s}]}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["scenario", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:scenarios[0].changes[0].station" in result.stderr and "Traceback" not in result.output
    month = CliRunner().invoke(main, ["scenario", str(SAMPLE_SPEC), "--period", "2026-10"])
    assert month.exit_code == 2 and "dekad" in month.stderr
    assert not (tmp_path / "scenario.json").exists()


def test_a_change_nothing_reads_is_noted(network, sample):
    cat, store, issue = sample
    assert not any(ind.station == "syrdarya_farkhad" for ind in cat.indicators)
    spec = _spec(network, _scenario("aside", {"station": "syrdarya_farkhad", "variable": "withdrawal", "value": 10,
                                              "unit": "m3/s"}))
    result = run_scenarios(cat, network, store, issue, spec).result("aside")
    assert not result.differing
    assert any("syrdarya_farkhad/withdrawal: the change has no effect" in note for note in result.notes)
