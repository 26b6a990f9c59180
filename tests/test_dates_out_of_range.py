"""Dates beyond what the readers hold (before 1678, after 2261) are data errors naming the line, never a crash."""

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
