"""Readers of the formats hydromets use, the reader registry and aggregation across resolutions.

Fixtures: small hand-made files in tests/data/readers (see its README.md), Excel and NetCDF files
written in tmp_path, and the real archives in shared/data beside the checkout (skipped when
absent, failed when CI is set; conftest.shared_data): chu-talas-yearbook (hydrosolutions/hydromet-forecasting, Kyrgyzhydromet data, MIT) and
chirchik-uzhydromet (hydrosolutions/riversCentralAsia, Uzhydromet data, GPL-3); see their
SOURCE.txt. Values from the real files are quoted from the file line named in each test.
"""

from dataclasses import replace
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bulletin.errors import IngestError
from bulletin.ingest import READERS, read_observations, reader_for
from bulletin.periods import period_bounds, period_end, period_of_year
from bulletin.series import period_series

from .conftest import SHARED_DATA, shared_data, write_csv

DATA = Path(__file__).parent / "data" / "readers"
YEARBOOK = SHARED_DATA / "chu-talas-yearbook"
CHIRCHIK = SHARED_DATA / "chirchik-uzhydromet" / "ChirchikRiverBasin_from_rda.csv"
needs_yearbook = shared_data(YEARBOOK)
needs_chirchik = shared_data(CHIRCHIK)


def value_at(obs, station, variable, day, resolution=None):
    f = obs.frame
    m = (f["station"] == station) & (f["variable"] == variable) & (f["date"] == pd.Timestamp(day))
    if resolution:
        m &= f["resolution"] == resolution
    assert m.sum() == 1, f"{station} {variable} {day}: {m.sum()} rows"
    return float(f.loc[m, "value"].iloc[0])


# ---- pentads -----------------------------------------------------------------------------

def test_pentad_calendar():
    # 6 pentads a month; the 6th runs from day 26 to the end of the month
    assert period_end("pentad", 2024, 1) == datetime(2024, 1, 5).date()
    assert period_end("pentad", 2024, 6) == datetime(2024, 1, 31).date()
    assert period_end("pentad", 2024, 12) == datetime(2024, 2, 29).date()
    assert period_end("pentad", 2023, 12) == datetime(2023, 2, 28).date()
    assert period_end("pentad", 2024, 72) == datetime(2024, 12, 31).date()
    dates = pd.DatetimeIndex(["2024-01-05", "2024-01-26", "2024-02-29", "2024-12-31"])
    assert period_of_year("pentad", dates).tolist() == [1, 6, 12, 72]
    first, last = period_bounds("pentad", pd.DatetimeIndex(["2024-02-27", "2024-02-07"]))
    assert [d.day for d in first] == [26, 6] and [d.day for d in last] == [29, 10]


# ---- the Russian-locale CSV --------------------------------------------------------------

def test_russian_csv_in_cp1251_with_decimal_comma(network):
    path = DATA / "ru_cp1251.csv"
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")  # the fixture really is cp1251
    assert reader_for(path).name == "csv"
    obs = read_observations([path], network)
    assert value_at(obs, "toktogul", "volume", "2026-11-20") == pytest.approx(11840.5)  # "11 840,5" млн м3
    assert value_at(obs, "naryn_uchkurgan", "discharge", "2026-11-20") == pytest.approx(412.5)  # "расход воды"
    assert value_at(obs, "bahri_tojik", "volume", "2026-11-21") == pytest.approx(3200.0)  # 3,2 км3


def test_russian_csv_in_utf8_with_bom_resolution_and_flag(network):
    obs = read_observations([DATA / "ru_utf8_bom.csv"], network)
    f = obs.frame.set_index(["station", "date"])
    assert f.loc[("toktogul", pd.Timestamp("2026-11-10")), "value"] == pytest.approx(11900.25)
    assert f.loc[("toktogul", pd.Timestamp("2026-11-10")), "resolution"] == "dekad"  # "декада"
    missing = f.loc[("toktogul", pd.Timestamp("2026-11-20"))]
    assert np.isnan(missing["value"]) and missing["flag"] == "нет данных"
    assert f.loc[("andijan", pd.Timestamp("2026-11-20")), "value"] == pytest.approx(95.75)  # ISO date accepted
    assert f.loc[("andijan", pd.Timestamp("2026-11-20")), "variable"] == "inflow"  # "приток"


def test_russian_csv_errors_name_line_and_locale(tmp_path, network):
    p = tmp_path / "ru.csv"
    p.write_bytes("станция;переменная;дата;значение;единица\n"
                  "toktogul;volume;31.11.2026;1;Mm3\n"
                  "toktogul;volume;20.11.2026;1,2,3;Mm3\n".encode("cp1251"))
    text = str(pytest.raises(IngestError, read_observations, [p], network).value)
    assert "line 2: date '31.11.2026' is not a date in the form DD.MM.YYYY or YYYY-MM-DD" in text
    assert "line 3: value '1,2,3' is not a number (use a comma or a point" in text
    assert "decimal comma" in text  # the hint speaks of this variant


def test_russian_csv_wrong_width_names_semicolons(tmp_path, network):
    p = tmp_path / "ru.csv"
    p.write_text("станция;переменная;дата;значение;единица\ntoktogul;volume;20.11.2026;1\n", encoding="utf-8")
    with pytest.raises(IngestError, match="(?s)line 2: 4 fields where the header has 5.*separated by semicolons"):
        read_observations([p], network)


# ---- the yearbook layout -----------------------------------------------------------------

def test_yearbook_dekads_with_header_quoted_year_and_gaps(network):
    obs = read_observations([DATA / "yearbook_dekad.csv"], network, station="naryn_uchterek",
                            variable="discharge", unit="m3/s")
    f = obs.frame
    assert set(f["resolution"]) == {"dekad"} and set(f["station"]) == {"naryn_uchterek"}
    assert len(f) == 36 + 6  # 2024 is a year in progress: 6 dekads
    # "2023",1,2,...,36: dekad k holds k, dated by the last day of the dekad
    assert value_at(obs, "naryn_uchterek", "discharge", "2023-01-10") == 1
    assert value_at(obs, "naryn_uchterek", "discharge", "2023-02-28") == 6
    assert value_at(obs, "naryn_uchterek", "discharge", "2023-12-31") == 36
    # 2024,10.5,,12,13,14,15.25: the empty field is missing; February 2024 ends on the 29th
    assert value_at(obs, "naryn_uchterek", "discharge", "2024-01-10") == 10.5
    assert np.isnan(value_at(obs, "naryn_uchterek", "discharge", "2024-01-20"))
    assert value_at(obs, "naryn_uchterek", "discharge", "2024-02-29") == 15.25


def test_yearbook_months_russian_locale_without_header(network):
    obs = read_observations([DATA / "yearbook_month_ru.csv"], network, station="toktogul", variable="inflow",
                            unit="m3/s")
    assert set(obs.frame["resolution"]) == {"month"} and len(obs.frame) == 24
    assert value_at(obs, "toktogul", "inflow", "2023-01-31") == pytest.approx(1.5)  # 2023;1,5;...
    assert value_at(obs, "toktogul", "inflow", "2024-02-29") == pytest.approx(20.25)  # 2024;10,25;20,25;...


def test_yearbook_pentads(tmp_path, network):
    p = tmp_path / "pentads.csv"
    p.write_text("2024," + ",".join(str(k) for k in range(1, 73)) + "\n", encoding="utf-8")
    obs = read_observations([p], network, station="toktogul", variable="inflow", unit="m3/s")
    assert set(obs.frame["resolution"]) == {"pentad"} and len(obs.frame) == 72
    assert value_at(obs, "toktogul", "inflow", "2024-01-05") == 1
    assert value_at(obs, "toktogul", "inflow", "2024-01-31") == 6
    assert value_at(obs, "toktogul", "inflow", "2024-02-29") == 12


def test_yearbook_without_station_or_with_a_wrong_width_is_a_clear_error(tmp_path, network):
    with pytest.raises(IngestError, match=r"name no station, the first here; give it with --station"):
        read_observations([DATA / "yearbook_dekad.csv"], network, variable="discharge", unit="m3/s")
    p = tmp_path / "y.csv"
    p.write_text("2024," + ",".join(["1"] * 20) + "\n", encoding="utf-8")
    with pytest.raises(IngestError, match="line 1: 20 values after the year; a yearbook row holds 12"):
        read_observations([p], network, reader="yearbook", station="toktogul", variable="inflow", unit="m3/s")
    q = tmp_path / "z.csv"
    q.write_text("2024," + ",".join(["1"] * 12) + "\n19x5," + ",".join(["1"] * 12) + "\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"line 2: '19x5' is not a year"):
        read_observations([q], network, reader="yearbook", station="toktogul", variable="inflow", unit="m3/s")


@needs_yearbook
def test_real_yearbook_ala_archa_dekads(network):
    path = YEARBOOK / "decadal_Ala_Archa_15194_Q.csv"
    obs = read_observations([path], network, allow_unknown_stations=True, station="ala_archa",
                            variable="discharge", unit="m3/s")
    f = obs.frame
    assert len(f) == 82 * 36  # 82 lines, years 1930-2011, 36 dekads each
    assert obs.unknown_stations == ["ala_archa"]
    # line 36: "1965,1.44,1.44,1.43,1.36,1.36,1.36,1.27,1.27,1.27,1.27,1.26,1.29,2.42,...,1.57"
    assert value_at(obs, "ala_archa", "discharge", "1965-01-10") == pytest.approx(1.44)  # dekad 1
    assert value_at(obs, "ala_archa", "discharge", "1965-01-31") == pytest.approx(1.43)  # dekad 3
    assert value_at(obs, "ala_archa", "discharge", "1965-05-10") == pytest.approx(2.42)  # dekad 13
    assert value_at(obs, "ala_archa", "discharge", "1965-07-31") == pytest.approx(12.5)  # dekad 21
    assert value_at(obs, "ala_archa", "discharge", "1965-12-31") == pytest.approx(1.57)  # dekad 36
    # line 76: "2005,1.75,...,5.12,9.7,,,,..." : dekads 17-36 of 2005 are empty (missing)
    assert value_at(obs, "ala_archa", "discharge", "2005-06-10") == pytest.approx(9.7)  # dekad 16
    assert np.isnan(value_at(obs, "ala_archa", "discharge", "2005-06-20"))  # dekad 17
    # its dekads aggregate to months: January 1965 = (10*1.44 + 10*1.44 + 11*1.43) / 31
    months = period_series(obs, "ala_archa", "discharge", "month").set_index(["year", "period_of_year"])
    assert months.loc[(1965, 1), "value"] == pytest.approx((14.4 + 14.4 + 15.73) / 31)
    assert months.loc[(1965, 1), "coverage"] == 1.0


@needs_yearbook
def test_real_yearbook_quoted_years_and_other_variables(network):
    # decadal_Ala_Archa_15194_P.csv line 1: "1926",4.3,7.5,4,... (precipitation [mm] per dekad)
    p = YEARBOOK / "decadal_Ala_Archa_15194_P.csv"
    with pytest.raises(IngestError, match="unknown variable 'precipitation' \\(known: discharge"):
        read_observations([p], network, allow_unknown_stations=True, station="ala_archa",
                          variable="precipitation", unit="mm")
    with pytest.raises(IngestError, match="the unit given with --unit: unknown unit 'mm'"):
        read_observations([p], network, allow_unknown_stations=True, station="ala_archa",
                          variable="discharge", unit="mm")
    # decadal_Ala_Archa_15194_T.csv line 1: "1926",1,-7.1,... : read as asked, nothing crashes
    t = read_observations([YEARBOOK / "decadal_Ala_Archa_15194_T.csv"], network, allow_unknown_stations=True,
                          station="ala_archa", variable="discharge", unit="m3/s")
    assert value_at(t, "ala_archa", "discharge", "1926-01-20") == pytest.approx(-7.1)


@needs_yearbook
def test_real_yearbook_monthly_and_pentads(network):
    m = read_observations([YEARBOOK / "monthly_Talas_Kluchevka_Q.csv"], network, allow_unknown_stations=True,
                          station="talas_kluchevka", variable="discharge", unit="m3/s")
    assert len(m.frame) == 15 * 12 and set(m.frame["resolution"]) == {"month"}
    # line 3: "2002,22.5,21.9,21.8,33,36.3,92,87.3,41.1,27.3,21.2,25.5,34.2"
    assert value_at(m, "talas_kluchevka", "discharge", "2002-06-30") == pytest.approx(92.0)
    assert value_at(m, "talas_kluchevka", "discharge", "2002-12-31") == pytest.approx(34.2)
    p = read_observations([YEARBOOK / "pentad_Ala_Archa_Q.csv"], network, allow_unknown_stations=True,
                          station="ala_archa", variable="discharge", unit="m3/s")
    assert set(p.frame["resolution"]) == {"pentad"}
    assert len(p.frame) == 81 * 72 + 32  # the last line (2011) stops after 32 pentads
    # line 1: "1930,1.1166942164724243,1.315539800327749,..."
    assert value_at(p, "ala_archa", "discharge", "1930-01-05") == pytest.approx(1.1166942164724243)
    assert value_at(p, "ala_archa", "discharge", "1930-01-10") == pytest.approx(1.315539800327749)
    # line 82 ends "...,6.818761481256837,7.878076941911104": pentad 32 of 2011 is 6-10 June
    assert value_at(p, "ala_archa", "discharge", "2011-06-10") == pytest.approx(7.878076941911104)
    assert p.frame["date"].max() == pd.Timestamp("2011-06-10")


# ---- the hydromet long archive -----------------------------------------------------------

@needs_chirchik
def test_real_hydromet_long_chirchik_values_and_archive_norms(network):
    # the network gains the Uzhydromet code of Chirchik at Chinaz (16275, SOURCE.txt) as an alias
    chinaz = replace(network.stations["chirchik_chinaz"], aliases=("16275",))
    net = replace(network, stations={**network.stations, "chirchik_chinaz": chinaz})
    obs = read_observations([CHIRCHIK], net, allow_unknown_stations=True)
    assert reader_for(CHIRCHIK).name == "hydromet-long"
    # line 1190: 1965-01-10,34.7,38.76385542168675,m3s,Q,16279,Khudaydod,Chatkal,Chirchik,dec,...
    assert value_at(obs, "16279", "discharge", "1965-01-10", "dekad") == pytest.approx(34.7)
    # line 1192: 1965-01-31,33.2,36.59397590361446,m3s,Q,16279,...,dec
    assert value_at(obs, "16279", "discharge", "1965-01-31", "dekad") == pytest.approx(33.2)
    # line 12632: 1980-07-31,122.0,157.97045454545454,m3s,Q,16275,Chinaz,Chirchik,Chirchik,mon,...
    assert value_at(obs, "chirchik_chinaz", "discharge", "1980-07-31", "month") == pytest.approx(122.0)
    # line 9073: 2015-12-31,,69.61111111111111,m3s,Q,16924,Lake_Inflow,...,dec : a missing value
    assert np.isnan(value_at(obs, "16924", "discharge", "2015-12-31", "dekad"))
    assert "16275" not in obs.unknown_stations and "16279" in obs.unknown_stations

    norms = obs.archive_norms.set_index(["station", "variable", "resolution", "period_of_year"])["norm"]
    assert norms[("16279", "discharge", "dekad", 1)] == pytest.approx(38.76385542168675)
    assert norms[("16279", "discharge", "dekad", 3)] == pytest.approx(36.59397590361446)
    assert norms[("chirchik_chinaz", "discharge", "month", 7)] == pytest.approx(157.97045454545454)
    assert norms[("16924", "discharge", "dekad", 36)] == pytest.approx(69.61111111111111)
    # 4 dekadal gauges x 36 + 3 monthly gauges x 12, one norm each
    assert len(obs.archive_norms) == 4 * 36 + 3 * 12
    # precipitation and temperature rows of the meteo stations are skipped, and said so
    assert any("9576 rows of type P (precipitation), 5976 rows of type T" in n for n in obs.notes)
    assert set(obs.frame["variable"]) == {"discharge"}


@needs_chirchik
def test_real_hydromet_long_unknown_codes_are_errors_unless_allowed(network):
    with pytest.raises(IngestError, match="line 2: unknown station '16279'"):
        read_observations([CHIRCHIK], network)


def test_hydromet_long_small_file(network):
    obs = read_observations([DATA / "hydromet_long.csv"], network, allow_unknown_stations=True)
    assert value_at(obs, "16279", "discharge", "2015-01-10") == pytest.approx(30.5)
    assert obs.archive_norms["norm"].tolist() == pytest.approx([38.76, 36.59])
    assert obs.archive_norms["period_of_year"].tolist() == [1, 3]
    assert obs.notes == ["hydromet_long.csv: skipped 1 rows of type P (precipitation): not bulletin variables"]


# ---- Excel -------------------------------------------------------------------------------

def _workbook(path, sheets, merge=None):
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    if merge:
        book[merge[0]].merge_cells(merge[1])
    book.save(path)
    return path


def test_xlsx_long_tables_one_sheet_per_station(tmp_path, network):
    path = _workbook(tmp_path / "book.xlsx", {
        "toktogul": [("date", "variable", "value", "unit"),
                     (datetime(2026, 11, 20), "volume", 11840, "Mm3"),
                     (datetime(2026, 11, 20), "level", 880.5, "m")],
        # Russian column names, text dates, a unit conversion
        "chardara": [("дата", "переменная", "значение", "единица"),
                     ("20.11.2026", "объём", 4.1, "км3")],
        # a complete table: the sheet name says nothing
        "Sheet1": [("station", "variable", "date", "value", "unit", "resolution"),
                   ("andijan", "inflow", "2026-11-20", "95,5", "m3/s", "dekad")],
    })
    obs = read_observations([path], network)
    assert value_at(obs, "toktogul", "volume", "2026-11-20") == 11840
    assert value_at(obs, "toktogul", "level", "2026-11-20") == pytest.approx(880.5)
    assert value_at(obs, "shardara", "volume", "2026-11-20") == pytest.approx(4100.0)
    assert value_at(obs, "andijan", "inflow", "2026-11-20", "dekad") == pytest.approx(95.5)
    assert set(obs.frame["file"]) == {"book.xlsx sheet 'toktogul'", "book.xlsx sheet 'chardara'",
                                      "book.xlsx sheet 'Sheet1'"}


def test_xlsx_one_sheet_per_variable(tmp_path, network):
    path = _workbook(tmp_path / "vars.xlsx", {
        "volume": [("date", "value"), (datetime(2026, 11, 20), 11840)],
        "level": [("date", "value"), (datetime(2026, 11, 20), 880.5)],
    })
    with pytest.raises(IngestError, match="sheet 'volume' row 2: 2 row\\(s\\) name no station"):
        read_observations([path], network)
    # the unit is given for the whole file: volume in Mm3 but level in m, so it must differ per sheet
    with pytest.raises(IngestError, match="the unit given with --unit: unit 'Mm3' \\(volume\\) cannot be converted"):
        read_observations([path], network, station="toktogul", unit="Mm3")


def test_xlsx_yearbook_one_sheet_per_station(tmp_path, network):
    dekads = [("year", *[f"d{k}" for k in range(1, 37)]),
              (2023, *range(1, 37)),
              ("2024", 10.5, None, 12)]
    months = [(2024, *[float(k) for k in range(1, 13)])]
    path = _workbook(tmp_path / "yb.xlsx", {"naryn_uchterek": dekads, "karadarya_uchtepe": months})
    obs = read_observations([path], network, variable="discharge", unit="m3/s")
    assert value_at(obs, "naryn_uchterek", "discharge", "2023-02-28", "dekad") == 6
    assert value_at(obs, "naryn_uchterek", "discharge", "2024-01-10", "dekad") == 10.5
    assert np.isnan(value_at(obs, "naryn_uchterek", "discharge", "2024-01-20", "dekad"))
    assert value_at(obs, "karadarya_uchtepe", "discharge", "2024-02-29", "month") == 2.0
    # the sheet names the station: a different --station is an error naming the sheet
    with pytest.raises(IngestError, match="sheet 'naryn_uchterek' \\(the sheet name\\): the file gives station"):
        read_observations([path], network, station="toktogul", variable="discharge", unit="m3/s")


def test_xlsx_errors_name_sheet_and_cell(tmp_path, network):
    rows = [("station", "variable", "date", "value", "unit")]
    rows += [("toktogul", "volume", datetime(2026, 11, d), 11800 + d, "Mm3") for d in range(1, 5)]
    rows += [("toktogul", "volume", datetime(2026, 11, 5), "abc", "Mm3"),
             ("toktogul", "volum", datetime(2026, 11, 6), 1, "Mm3")]
    path = _workbook(tmp_path / "bad.xlsx", {"toktogul": rows})
    text = str(pytest.raises(IngestError, read_observations, [path], network).value)
    assert f"{path}: 2 problem(s)" in text
    assert "sheet 'toktogul' cell D6: value 'abc' is not a number" in text
    assert "sheet 'toktogul' cell B7: unknown variable 'volum'" in text
    assert "Traceback" not in text


def test_xlsx_merged_header_is_refused_and_merged_title_is_skipped(tmp_path, network):
    rows = [("station", None, "date", "value", "unit"), ("toktogul", "volume", datetime(2026, 11, 20), 1, "Mm3")]
    merged = _workbook(tmp_path / "merged.xlsx", {"toktogul": rows}, merge=("toktogul", "A1:B1"))
    with pytest.raises(IngestError, match="merged.xlsx: sheet 'toktogul' cells A1:B1: merged cells in the table") as err:
        read_observations([merged], network)
    assert "unmerge them" in str(err.value)
    titled = _workbook(tmp_path / "titled.xlsx", {"toktogul": [
        ("Toktogul reservoir, November 2026",), (),
        ("variable", "date", "value", "unit"), ("volume", datetime(2026, 11, 20), 11840, "Mm3")]},
        merge=("toktogul", "A1:D1"))
    assert value_at(read_observations([titled], network), "toktogul", "volume", "2026-11-20") == 11840


def test_xlsx_damaged_file_is_a_clear_error(tmp_path, network):
    p = tmp_path / "broken.xlsx"
    p.write_bytes(b"not a zip file")
    with pytest.raises(IngestError, match="broken.xlsx: not a readable Excel workbook"):
        read_observations([p], network)


# ---- NetCDF ------------------------------------------------------------------------------

def _timeseries(values, name="Q", units="m3 s-1", standard_name="water_volume_transport_in_river_channel",
                stations=("naryn_uchkurgan", "16279")):
    import xarray as xr

    attrs = {"standard_name": standard_name} if standard_name else {}
    if units is not None:
        attrs["units"] = units
    times = pd.date_range("2026-11-18", periods=len(values[0]), freq="D")
    return xr.Dataset(
        {name: (("station", "time"), np.asarray(values, dtype=float), attrs),
         "station_id": ("station", list(stations), {"cf_role": "timeseries_id"}),
         "precipitation": (("station", "time"), np.zeros((len(stations), len(times))), {"units": "mm"})},
        coords={"time": times}, attrs={"featureType": "timeSeries", "Conventions": "CF-1.8"})


def test_netcdf_timeseries_with_units(tmp_path, network):
    path = tmp_path / "q.nc"
    _timeseries([[400.0, np.nan, 412.5], [30.0, 31.0, 32.0]]).to_netcdf(path)
    obs = read_observations([path], network, allow_unknown_stations=True)
    assert value_at(obs, "naryn_uchkurgan", "discharge", "2026-11-20") == 412.5
    assert np.isnan(value_at(obs, "naryn_uchkurgan", "discharge", "2026-11-19"))  # _FillValue
    assert value_at(obs, "16279", "discharge", "2026-11-18") == 30.0
    assert obs.unknown_stations == ["16279"]
    assert obs.notes == ["q.nc: skipped variable(s) precipitation: not bulletin variables"]


def test_netcdf_with_stations_but_no_variable_of_their_ids_says_so(tmp_path, network):
    path = tmp_path / "noids.nc"
    _timeseries([[400.0, 401.0], [30.0, 31.0]]).drop_vars("station_id").to_netcdf(path)
    with pytest.raises(IngestError) as err:
        read_observations([path], network, allow_unknown_stations=True)
    assert err.value.message == (f"{path}: variable 'Q': dimensions ('station', 'time'), but no variable holds the "
                                 "station ids along 'station' (one with the attribute cf_role = 'timeseries_id').")


def test_netcdf_without_units_names_file_and_variable(tmp_path, network):
    path = tmp_path / "nounits.nc"
    _timeseries([[400.0, 401.0]], units=None, stations=("naryn_uchkurgan",)).to_netcdf(path)
    with pytest.raises(IngestError) as err:
        read_observations([path], network)
    text = str(err.value)
    assert f"{path}: variable 'Q': no 'units' attribute" in text
    assert "ncatted -a units,Q,c,c,'m3/s'" in text
    # the caller may give the unit instead
    obs = read_observations([path], network, unit="m3/s")
    assert value_at(obs, "naryn_uchkurgan", "discharge", "2026-11-19") == 401.0


def test_netcdf_km3_converted_to_mm3_and_variable_named_by_us(tmp_path, network):
    path = tmp_path / "v.nc"
    _timeseries([[4.1, 4.2]], name="volume", units="km3", standard_name=None,
                stations=("chardara",)).to_netcdf(path)
    obs = read_observations([path], network)
    assert value_at(obs, "shardara", "volume", "2026-11-18") == pytest.approx(4100.0)
    assert value_at(obs, "shardara", "volume", "2026-11-19") == pytest.approx(4200.0)


def test_netcdf_without_bulletin_variable_is_a_clear_error(tmp_path, network):
    path = tmp_path / "p.nc"
    ds = _timeseries([[1.0, 2.0]], name="runoff", standard_name="runoff_flux", stations=("toktogul",))
    ds.to_netcdf(path)
    with pytest.raises(IngestError, match="no data variable is a bulletin variable: runoff, precipitation"):
        read_observations([path], network)


# ---- choosing the reader -----------------------------------------------------------------

def test_each_csv_layout_is_sniffed(tmp_path, network):
    canonical = write_csv(tmp_path / "c.csv", ["toktogul,volume,2026-11-20,11840,Mm3"])
    assert reader_for(canonical).name == "csv"
    assert reader_for(DATA / "ru_cp1251.csv").name == "csv"
    assert reader_for(DATA / "yearbook_dekad.csv").name == "yearbook"
    assert reader_for(DATA / "yearbook_month_ru.csv").name == "yearbook"
    assert reader_for(DATA / "hydromet_long.csv").name == "hydromet-long"
    assert reader_for(tmp_path / "x.xlsx").name == "xlsx"
    assert reader_for(tmp_path / "x.nc").name == "netcdf"


def test_directory_of_several_formats(tmp_path, network):
    d = tmp_path / "in"
    d.mkdir()
    (d / "ru.csv").write_bytes((DATA / "ru_cp1251.csv").read_bytes())
    _timeseries([[400.0, 401.0]], stations=("naryn_uchterek",)).to_netcdf(d / "q.nc")
    _workbook(d / "b.xlsx", {"andijan": [("variable", "date", "value", "unit"), ("inflow", "2026-11-20", 95, "m3/s")]})
    (d / "~$b.xlsx").write_bytes(b"the lock file Excel leaves beside an open workbook")
    (d / "notes.txt").write_text("ignored", encoding="utf-8")
    obs = read_observations([d], network)
    assert [Path(i.path).name for i in obs.inputs] == ["b.xlsx", "q.nc", "ru.csv"]
    assert value_at(obs, "andijan", "inflow", "2026-11-20") == 95
    assert value_at(obs, "naryn_uchterek", "discharge", "2026-11-19") == 401
    assert value_at(obs, "toktogul", "volume", "2026-11-20") == pytest.approx(11840.5)


def test_reader_can_be_forced_and_unknown_names_are_errors(tmp_path, network):
    # a yearbook whose header starts with neither a year nor "year": no layout recognises it
    p = tmp_path / "ala.csv"
    p.write_text("station 15194," + ",".join(f"m{k}" for k in range(1, 13)) + "\n"
                 "2024," + ",".join(str(k) for k in range(1, 13)) + "\n", encoding="utf-8")
    with pytest.raises(IngestError) as err:
        read_observations([p], network, station="toktogul", variable="inflow", unit="m3/s")
    text = str(err.value)
    assert "line 1: the layout of this file is none of those known for its suffix" in text
    assert "yearbook: one row per year" in text and "--reader" in text
    obs = read_observations([p], network, reader="yearbook", station="toktogul", variable="inflow", unit="m3/s")
    assert value_at(obs, "toktogul", "inflow", "2024-02-29") == 2
    with pytest.raises(IngestError, match="unknown reader 'yearbok' \\(did you mean 'yearbook'\\?\\)") as err:
        read_observations([p], network, reader="yearbok")
    assert "csv, " in err.value.hint and "netcdf" in err.value.hint


def test_registry_lists_every_format():
    assert sorted(READERS) == ["csv", "hydromet-long", "netcdf", "xlsx", "yearbook", "zarr"]
    assert all(r.layout for r in READERS.values())


def test_given_values_conflicting_with_the_file_are_errors(tmp_path, network):
    p = write_csv(tmp_path / "c.csv", ["toktogul,volume,2026-11-20,11840,Mm3", "toktogul,volume,2026-11-21,11841,Mm3"])
    with pytest.raises(IngestError, match="line 2: the file gives station 'toktogul' on 2 rows but --station"):
        read_observations([p], network, station="shardara")
    # the same thing said differently is no conflict: an alias, another spelling of the unit
    obs = read_observations([p], network, station="toktogul_reservoir", variable="VOLUME", unit="mln m3")
    assert len(obs.frame) == 2
    # a canonical CSV without station column takes the station given
    q = write_csv(tmp_path / "q.csv", ["volume,2026-11-20,11840,Mm3"], header="variable,date,value,unit")
    assert value_at(read_observations([q], network, station="toktogul"), "toktogul", "volume", "2026-11-20") == 11840


# ---- aggregation across resolutions --------------------------------------------------------

def _obs(tmp_path, network, rows):
    p = write_csv(tmp_path / "r.csv", rows, header="station,variable,date,value,unit,resolution")
    return read_observations([p], network)


def _row(agg, year, poy):
    return agg.set_index(["year", "period_of_year"]).loc[(year, poy)]


def test_dekads_to_month_day_weighted_last_and_max(tmp_path, network):
    # February 2024 has dekads of 10, 10 and 9 days
    obs = _obs(tmp_path, network, [
        "naryn_uchkurgan,discharge,2024-02-10,10,m3/s,dekad",
        "naryn_uchkurgan,discharge,2024-02-20,20,m3/s,dekad",
        "naryn_uchkurgan,discharge,2024-02-29,30,m3/s,dekad",
        "toktogul,volume,2024-02-10,100,Mm3,dekad",
        "toktogul,volume,2024-02-20,200,Mm3,dekad",
        "toktogul,volume,2024-02-29,,Mm3,dekad",
        "syrdarya_kazaly,stage,2024-02-10,600,cm,dekad",
        "syrdarya_kazaly,stage,2024-02-20,650,cm,dekad",
        "syrdarya_kazaly,stage,2024-02-29,620,cm,dekad",
    ])
    flow = _row(period_series(obs, "naryn_uchkurgan", "discharge", "month"), 2024, 2)
    assert flow["value"] == pytest.approx((10 * 10 + 10 * 20 + 9 * 30) / 29)  # 570/29 = 19.655
    assert flow["coverage"] == 1.0 and flow["days"] == 29
    volume = _row(period_series(obs, "toktogul", "volume", "month"), 2024, 2)
    assert volume["value"] == 200  # "last": the last dekad present
    assert volume["coverage"] == pytest.approx(20 / 29) and volume["n_days"] == 20
    assert _row(period_series(obs, "syrdarya_kazaly", "stage", "month"), 2024, 2)["value"] == 650  # max
    # the dekads themselves are used as given; a missing one has coverage 0
    dekads = period_series(obs, "toktogul", "volume", "dekad")
    assert dekads["value"].tolist()[:2] == [100, 200] and dekads["coverage"].tolist() == [1.0, 1.0, 0.0]


def test_pentads_to_dekads_and_months(tmp_path, network):
    # February 2024 pentads: 1-5, 6-10, 11-15, 16-20, 21-25, 26-29 (4 days); pentad k holds k
    ends = [5, 10, 15, 20, 25, 29]
    rows = [f"naryn_uchkurgan,discharge,2024-02-{d:02d},{k},m3/s,pentad" for k, d in enumerate(ends, start=1)]
    obs = _obs(tmp_path, network, rows[:-1] + ["naryn_uchkurgan,discharge,2024-02-29,,m3/s,pentad"])
    dekads = period_series(obs, "naryn_uchkurgan", "discharge", "dekad")
    assert _row(dekads, 2024, 4)["value"] == pytest.approx((5 * 1 + 5 * 2) / 10)  # 1.5
    assert _row(dekads, 2024, 5)["value"] == pytest.approx(3.5)
    third = _row(dekads, 2024, 6)  # 21-29 February: pentad 5 (5 days) present, pentad 6 (4 days) missing
    assert third["value"] == pytest.approx(5.0) and third["coverage"] == pytest.approx(5 / 9)
    month = _row(period_series(obs, "naryn_uchkurgan", "discharge", "month"), 2024, 2)
    assert month["value"] == pytest.approx(5 * (1 + 2 + 3 + 4 + 5) / 25)
    assert month["coverage"] == pytest.approx(25 / 29)


def test_finest_resolution_is_preferred_per_period(tmp_path, network):
    rows = [f"andijan,inflow,2024-01-{d:02d},100,m3/s,day" for d in range(1, 11)]  # daily: January d1
    rows += ["andijan,inflow,2024-01-10,999,m3/s,dekad",  # a dekad value where daily values exist
             "andijan,inflow,2024-01-20,20,m3/s,dekad",
             "andijan,inflow,2024-01-31,30,m3/s,dekad",
             "andijan,inflow,2024-01-31,50,m3/s,month",  # coarser than a dekad: not used for dekads
             "andijan,inflow,2024-02-29,40,m3/s,month"]
    obs = _obs(tmp_path, network, rows)
    dekads = period_series(obs, "andijan", "inflow", "dekad")
    assert dekads["value"].tolist() == [100, 20, 30]  # d1 from the daily values, not 999
    months = period_series(obs, "andijan", "inflow", "month")
    # January day by day from the finest values there: days 1-10 daily, 11-31 from the dekads
    # (the month value 50 is coarser): (10*100 + 10*20 + 11*30) / 31
    assert _row(months, 2024, 1)["value"] == pytest.approx(1530 / 31)
    assert _row(months, 2024, 2)["value"] == 40  # February only as a month value
