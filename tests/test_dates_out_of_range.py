"""Dates a reader refuses, naming the line: beyond 1678-2261, and period values dated inside their period."""

from __future__ import annotations

import pytest

from bulletin.errors import IngestError
from bulletin.ingest import read_observations

HEADER = "station,variable,date,value,unit\n"


@pytest.mark.parametrize("date", ["1650-01-01", "1677-12-31", "2262-01-01", "9999-12-31", "0001-01-01"])
@pytest.mark.parametrize("quoted", [False, True], ids=["typed path", "careful path"])
def test_a_date_out_of_range_names_its_line(tmp_path, date, quoted):
    station = '"toktogul"' if quoted else "toktogul"  # a quote sends the file down the careful path
    path = tmp_path / "d.csv"
    path.write_text(HEADER + f"{station},volume,2020-01-01,5,Mm3\n{station},volume,{date},5,Mm3\n", encoding="utf-8")
    with pytest.raises(IngestError) as exc:
        read_observations([path], None)
    assert f"line 3: date '{date}' is not a date in the form YYYY-MM-DD: dates from 1678-01-01 to 2261-12-31 are " \
           "read" in str(exc.value)


@pytest.mark.parametrize("date", ["1678-01-01", "2261-12-31"])
def test_the_ends_of_the_range_are_read(tmp_path, date):
    path = tmp_path / "d.csv"
    path.write_text(HEADER + f"toktogul,volume,{date},5,Mm3\n", encoding="utf-8")
    obs = read_observations([path], None)
    assert str(obs.frame["date"].iloc[0].date()) == date


def test_a_hydromet_archive_date_out_of_range_names_its_line(tmp_path):
    path = tmp_path / "h.csv"
    path.write_text("date,data,norm,units,type,code,station,river,basin,resolution\n"
                    "1532-01-10,48.8,38.7,m3s,Q,16279,Khudaydod,Chatkal,Chirchik,dec\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"line 2: date '1532-01-10' is not a date .*: dates from 1678-01-01"):
        read_observations([path], None, allow_unknown_stations=True)


@pytest.mark.parametrize("resolution, date, end", [("dekad", "2026-11-13", "2026-11-20"), ("dekad", "2026-02-21", "2026-02-28"),
                                                   ("month", "2026-10-15", "2026-10-31"),
                                                   ("pentad", "2026-11-01", "2026-11-05")])
def test_a_period_value_dated_inside_its_period_names_its_line_and_the_period_end(tmp_path, resolution, date, end):
    path = tmp_path / "p.csv"
    path.write_text("station,variable,date,value,unit,resolution\n"
                    f"toktogul,volume,{end},5,Mm3,{resolution}\ntoktogul,volume,{date},6,Mm3,{resolution}\n",
                    encoding="utf-8")
    with pytest.raises(IngestError) as exc:
        read_observations([path], None)
    assert f"line 3: a {resolution} value dated {date}, inside its {resolution}: {resolution} values are dated by the " \
           f"last day of the {resolution} ({end} here)" in str(exc.value)
    assert "line 2" not in str(exc.value)


def test_period_values_dated_by_their_last_day_are_read(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("station,variable,date,value,unit,resolution\n"
                    "toktogul,volume,2024-02-29,5,Mm3,month\ntoktogul,volume,2024-02-20,5,Mm3,dekad\n"
                    "toktogul,volume,2024-02-29,5,Mm3,dekad\ntoktogul,volume,2024-02-25,5,Mm3,pentad\n", encoding="utf-8")
    assert len(read_observations([path], None).frame) == 4
