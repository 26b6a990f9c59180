"""The canonical CSV reader: conversions, aliases, and errors that name file and line."""

import gzip

import pytest

from bulletin.errors import IngestError
from bulletin.ingest import read_observations

from .conftest import write_csv


def test_units_converted_and_aliases_resolved(tmp_path, network):
    p = write_csv(tmp_path / "a.csv", [
        "chardara,volume,2026-11-20,4.1,km3",
        "Kairakkum,inflow,2026-11-20,500000,l/s",
        "syrdarya_kazaly,stage,2026-11-20,6.4,m",
        "toktogul,volume,2026-11-20,9840,mln m3",
        "toktogul,level,2026-11-20,,m",
    ])
    obs = read_observations([p], network)
    f = obs.frame.set_index(["station", "variable"])["value"]
    assert f[("shardara", "volume")] == pytest.approx(4100.0)
    assert f[("bahri_tojik", "inflow")] == pytest.approx(500.0)
    assert f[("syrdarya_kazaly", "stage")] == pytest.approx(640.0)
    assert f[("toktogul", "volume")] == pytest.approx(9840.0)
    assert f[("toktogul", "level")] != f[("toktogul", "level")]  # empty value is missing (NaN)
    assert obs.inputs[0].path == p.name and len(obs.inputs[0].sha256) == 64  # relative to the data root


def test_gzip_and_directories(tmp_path, network):
    d = tmp_path / "in"
    d.mkdir()
    (d / "x.csv.gz").write_bytes(gzip.compress(b"station,variable,date,value,unit\ntoktogul,release,2026-11-01,600,m3/s\n"))
    write_csv(d / "y.csv", ["toktogul,release,2026-11-02,610,m3/s"])
    (d / "notes.txt").write_text("ignored", encoding="utf-8")
    obs = read_observations([d], network)
    assert sorted(obs.frame["value"]) == [600.0, 610.0]
    assert [i.path.rsplit("/", 1)[-1] for i in obs.inputs] == ["x.csv.gz", "y.csv"]


@pytest.mark.parametrize(("rows", "message"), [
    (["toktogull,volume,2026-11-20,1,Mm3"], "line 2: unknown station 'toktogull' (did you mean 'toktogul'?)"),
    (["toktogul,volum,2026-11-20,1,Mm3"], "line 2: unknown variable 'volum'"),
    (["toktogul,volume,2026-11-20,1,furlongs"], "line 2: unknown unit 'furlongs'"),
    (["toktogul,volume,2026-11-20,1,m3/s"], "line 2: unit 'm3/s' (flow) cannot be converted to 'Mm3' (volume)"),
    (["toktogul,volume,2026-02-31,1,Mm3"], "line 2: date '2026-02-31' is not a date in the form YYYY-MM-DD"),
    (["toktogul,volume,20.11.2026,1,Mm3"], "line 2: date '20.11.2026' is not a date"),
    (["toktogul,volume,2026-11-20,1;5,Mm3"], "line 2: value '1;5' is not a number"),
    (["toktogul,volume,2026-11-19,1,Mm3", "toktogul,volume,2026-11-20,1,Mm3,extra"], "line 3"),
    (["toktogul,volume,2026-11-20,1"], "line 2: 4 fields where the header has 5"),
])
def test_bad_lines_name_file_and_line(tmp_path, network, rows, message):
    p = write_csv(tmp_path / "bad.csv", rows)
    with pytest.raises(IngestError) as err:
        read_observations([p], network)
    assert str(p) in str(err.value)
    assert message in str(err.value)


def test_all_problems_reported_and_sorted_by_line(tmp_path, network):
    p = write_csv(tmp_path / "bad.csv", ["toktogul,volume,2026-11-20,x,Mm3", "nowhere,volume,2026-11-20,1,Mm3"])
    text = str(pytest.raises(IngestError, read_observations, [p], network).value)
    assert text.index("line 2:") < text.index("line 3:")
    assert "2 problem(s)" in text


def test_header_empty_file_and_encoding(tmp_path, network):
    p = tmp_path / "h.csv"
    p.write_text("station,variable,day,value,unit\n", encoding="utf-8")
    with pytest.raises(IngestError, match="line 1: the header lacks the column"):
        read_observations([p], network)
    e = tmp_path / "e.csv"
    e.write_text("", encoding="utf-8")
    with pytest.raises(IngestError, match="the file is empty"):
        read_observations([e], network)
    c = tmp_path / "c.csv"
    c.write_bytes("station,variable,date,value,unit\nтоктогул,volume,2026-11-20,1,Mm3\n".encode("cp1251"))
    with pytest.raises(IngestError, match="line 2: the file is not UTF-8"):
        read_observations([c], network)


def test_conflicting_duplicates_name_both_lines(tmp_path, network):
    p = write_csv(tmp_path / "d.csv", ["toktogul,volume,2026-11-20,9800,Mm3", "toktogul,volume,2026-11-20,9900,Mm3"])
    with pytest.raises(IngestError) as err:
        read_observations([p], network)
    assert "d.csv line 2 (9800) and d.csv line 3 (9900)" in str(err.value)


def test_unknown_stations_kept_when_allowed(tmp_path, network):
    p = write_csv(tmp_path / "u.csv", ["ala_archa,discharge,2000-01-10,3.2,m3/s"])
    obs = read_observations([p], network, allow_unknown_stations=True)
    assert obs.unknown_stations == ["ala_archa"]
    assert obs.series("ala_archa", "discharge").iloc[0] == pytest.approx(3.2)


def test_missing_path(tmp_path, network):
    with pytest.raises(IngestError, match="nothing.csv: cannot read the data file .No such file or directory"):
        read_observations([tmp_path / "nothing.csv"], network)


def test_quoted_fields_keep_physical_line_numbers(tmp_path, network):
    p = tmp_path / "q.csv"
    p.write_text('station,variable,date,value,unit,flag\n'
                 'toktogul,volume,2026-11-19,1,Mm3,"checked\nby hand"\n'
                 'toktogul,volume,2026-11-20,abc,Mm3,""\n', encoding="utf-8")
    with pytest.raises(IngestError, match="line 4: value 'abc' is not a number"):
        read_observations([p], network)


def test_series_are_by_date_and_resolution_whatever_the_order_of_the_rows(tmp_path, network):
    p = write_csv(tmp_path / "mixed.csv", [
        "toktogul,inflow,2026-11-03,30,m3/s,day",
        "toktogul,release,2026-11-01,7,m3/s,day",
        "toktogul,inflow,2026-10-31,300,m3/s,month",
        "toktogul,inflow,2026-11-01,10,m3/s,day",
        "toktogul,inflow,2026-10-31,31,m3/s,day",
        "toktogul,inflow,2026-11-02,,m3/s,day",
    ], header="station,variable,date,value,unit,resolution")
    obs = read_observations([p], network)
    days = obs.series("toktogul", "inflow")
    assert [d.strftime("%m-%d") for d in days.index] == ["10-31", "11-01", "11-02", "11-03"]
    assert days.tolist()[:2] + days.tolist()[3:] == [31.0, 10.0, 30.0] and days.isna().tolist()[2]
    assert obs.series("toktogul", "inflow", "month").tolist() == [300.0]
    assert obs.resolutions("toktogul", "inflow") == ["day", "month"]
    assert obs.resolutions("toktogul", "release") == ["day"]
    assert obs.series("toktogul", "release", "month").empty and obs.resolutions("toktogul", "volume") == []
