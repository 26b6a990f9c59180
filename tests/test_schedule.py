"""Adherence to the operating schedule: pure methods and a schedule indicator, hand-checkable."""

import math
import textwrap

import pytest

from bulletin.catalogue import load_catalogue
from bulletin.errors import ConfigError
from bulletin.evaluate import evaluate
from bulletin.ingest import read_observations
from bulletin.methods import cumulative_schedule_deviation, schedule_deviation
from bulletin.periods import parse_period
from bulletin.qc import run_qc

from .conftest import say, write_csv


def test_schedule_deviation_in_percent_of_the_plan():
    assert schedule_deviation(600, 500) == pytest.approx(20.0)
    assert schedule_deviation(450, 500) == pytest.approx(-10.0)
    assert schedule_deviation(500, 500) == 0.0
    assert math.isnan(schedule_deviation(float("nan"), 500))
    assert math.isnan(schedule_deviation(500, None))
    assert math.isnan(schedule_deviation(500, 0))


def test_cumulative_deviation_weights_the_periods_by_their_days():
    # planned 400 m3/s for 10 d and 500 for 11 d = 9,500 m3/s.d; done 440 x 10 + 500 x 11 = 9,900
    assert cumulative_schedule_deviation([440, 500], [400, 500], [10, 11]) == pytest.approx(400 / 9500 * 100)
    assert cumulative_schedule_deviation([440, 500], [400, 500]) == pytest.approx(40 / 900 * 100)
    assert math.isnan(cumulative_schedule_deviation([440, float("nan")], [400, 500], [10, 11]))
    with pytest.raises(ValueError, match="as many"):
        cumulative_schedule_deviation([1], [1, 2])


SCHEDULE = """\
# a test schedule
station,variable,period,planned,unit
toktogul,release,2026-10-d1,400,m3/s
toktogul,release,2026-10-d2,400,m3/s
toktogul,release,2026-10-d3,400,m3/s
toktogul,release,2026-11-d1,500,m3/s
toktogul,release,2026-11-d2,500,m3/s
shardara,release,2026-11-d2,900,m3/s
"""

CATALOGUE = """
catalogue: {id: t, version: "1", status: sample, title: {en: T, ru: Т}}
settings: {reference_period: 1991-2020}
rules:
  - {id: R1, version: "1", title: {en: R, ru: Р}, agreement: {document: {en: Doc, ru: Док}}}
indicators:
  - {id: s, name: {en: S, ru: С}, station: toktogul, variable: release, method: schedule,
     schedule: plans/plan.csv, season: ngs, unit: "%", operator: ">", thresholds: {watch: 10, warning: 20, alert: 30},
     rule: R1}
"""


def _setup(tmp_path, network, schedule=SCHEDULE, catalogue=CATALOGUE):
    (tmp_path / "plans").mkdir(exist_ok=True)
    (tmp_path / "plans" / "plan.csv").write_text(schedule, encoding="utf-8")
    p = tmp_path / "cat.yaml"
    p.write_text(textwrap.dedent(catalogue), encoding="utf-8")
    return load_catalogue(p, network)


# release per dekad [m3/s]: 10-d1..d3 at 440 (+10 %), 11-d1 at 500, 11-d2 given per test
def _run(tmp_path, network, cat, release, period="2026-11-d2"):
    values = {"2026-10-d1": 440, "2026-10-d2": 440, "2026-10-d3": 440, "2026-11-d1": 500, "2026-11-d2": release}
    rows = [("toktogul", "release", parse_period(k).end.isoformat(), v, "m3/s", "dekad") for k, v in values.items()]
    obs = read_observations([write_csv(tmp_path / "o.csv", rows, header="station,variable,date,value,unit,resolution")],
                            network)
    return evaluate(cat, network, obs, run_qc(obs, network), parse_period(period))[0]


@pytest.mark.parametrize(("release", "level"), [
    (550, "normal"), (550.5, "watch"),  # exactly +10 % is not > 10
    (600, "watch"), (600.5, "warning"), (650, "warning"), (650.5, "alert"),
])
def test_deviation_from_the_plan_at_the_thresholds(tmp_path, network, release, level):
    f = _run(tmp_path, network, _setup(tmp_path, network), release)
    assert f.raw_level == level
    assert f.indicator_value == pytest.approx(100 * (release - 500) / 500) and f.indicator_unit == "%"


def test_cumulative_deviation_since_the_season_started(tmp_path, network):
    f = _run(tmp_path, network, _setup(tmp_path, network), 600)
    # plan: 400 x (10 + 10 + 11) + 500 x (10 + 10) = 22,400; done: 440 x 31 + 500 x 10 + 600 x 10 = 24,640
    assert f.details.as_json() == {"planned": 500.0, "cumulative_deviation": pytest.approx(2240 / 22400 * 100),
                          "since": "2026-10-d1"}
    assert f.value == pytest.approx(600.0) and f.unit == "m3/s"


def test_a_period_without_a_plan_is_no_data(tmp_path, network):
    f = _run(tmp_path, network, _setup(tmp_path, network), 600, "2026-11-d3")
    assert f.level == "no_data" and "no_plan" in f.notes


def test_schedule_errors_name_the_file_and_row(tmp_path, network):
    bad = SCHEDULE + "toktogul,release,2026-11-x,500,m3/s\ntoktogul,release,2026-12-d1,lots,m3/s\n" \
                     "toktogul,release,2026-12-d2,5,km3\ntoktogul,release,2026-11-d2,480,m3/s\n"
    with pytest.raises(ConfigError) as err:
        _setup(tmp_path, network, bad)
    text = str(err.value)
    plan = tmp_path / "plans" / "plan.csv"
    assert f"indicators[0](s).schedule: {plan}, row 8: period '2026-11-x' does not parse" in text
    assert f"indicators[0](s).schedule: {plan}, row 9: planned 'lots' is not a number" in text
    assert f"indicators[0](s).schedule: {plan}, row 10: unit 'km3' does not fit release" in text
    assert f"indicators[0](s).schedule: {plan}, row 11: period 2026-11-d2 is planned twice" in text
    with pytest.raises(ConfigError, match=r"schedule: cannot read the schedule"):
        _setup(tmp_path, network, catalogue=CATALOGUE.replace("plans/plan.csv", "plans/none.csv"))
    with pytest.raises(ConfigError, match=r"the first line must be the header station,variable,period,planned,unit"):
        _setup(tmp_path, network, "station,period,planned\n")


@pytest.mark.parametrize("where", ["/etc/passwd", "../outside.csv", "plans/../../outside.csv", "link.csv"])
def test_a_schedule_outside_the_catalogue_folder_is_refused_and_never_read(tmp_path, network, where):
    folder = tmp_path / "catalogue"
    folder.mkdir()
    (tmp_path / "outside.csv").write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    (folder / "link.csv").symlink_to(tmp_path / "outside.csv")  # a link leaving the folder
    with pytest.raises(ConfigError) as err:
        _setup(folder, network, catalogue=CATALOGUE.replace("plans/plan.csv", where))
    assert "is not inside the catalogue's folder" in str(err.value)
    assert "root:x" not in str(err.value)


def test_a_schedule_that_is_a_named_pipe_is_refused_at_once(tmp_path, network):
    (tmp_path / "plans").mkdir()
    __import__("os").mkfifo(tmp_path / "plans" / "fifo.csv")
    with pytest.raises(ConfigError, match=r"the schedule is a named pipe \(FIFO\), not a file"):
        _setup(tmp_path, network, catalogue=CATALOGUE.replace("plans/plan.csv", "plans/fifo.csv"))


def test_a_schedule_whose_first_line_is_not_the_header_is_not_echoed(tmp_path, network):
    with pytest.raises(ConfigError) as err:
        _setup(tmp_path, network, "secret,words,here\n")
    assert "secret" not in str(err.value)


def test_the_sample_schedules_load(network):
    cat = load_catalogue(None, network)
    by_id = {i.id: i for i in cat.indicators}
    ngs, gs = by_id["toktogul_release_schedule_ngs"], by_id["toktogul_release_schedule_gs"]
    assert ngs.params.files == ("schedules/toktogul_2026-27_ngs.csv",)
    assert len(ngs.params.plan) == 18 and len(gs.params.plan) == 18
    assert ngs.params.planned_for(parse_period("2026-11-d2")) == 500.0
    assert gs.params.planned_for(parse_period("2026-07-d1")) == 450.0


def test_the_schedule_sentence_gives_the_deviation_with_its_sign(tmp_path, network):
    from bulletin.document.findings import finding_row

    cat = _setup(tmp_path, network)
    f = _run(tmp_path, network, cat, 600)
    # 600 against 500 planned: +20 % (watch: above +10, not above +20); since October +10 % (see above)
    assert say("en", finding_row(f, cat.indicators[0], network).sentence) == (
        "S: 600 m³/s against a plan of 500 m³/s, a deviation of +20%; +10% since the season started; watch, "
        "a deviation from the plan above +10%.")
    assert say("ru", finding_row(f, cat.indicators[0], network).sentence) == (
        "С: 600 м³/с при плане 500 м³/с, отклонение +20 %; +10 % с начала сезона; внимание: отклонение от плана "
        "выше +10 %.")
