"""Bounded reading of untrusted input: regular files only, size limits, decompression bombs, YAML alias bombs."""

from __future__ import annotations

import gzip
import os

import pytest

from bulletin import files
from bulletin.errors import ConfigError, IngestError
from bulletin.ingest import read_observations
from bulletin.ingest.text import gunzip, read_bytes


@pytest.fixture(autouse=True)
def default_limits():
    files.set_limits([])
    yield
    files.set_limits([])


@pytest.mark.parametrize("sizes", [[0], [10], [20], [25], [9, 10, 11], [30, 0, 7]])
def test_gzip_members_come_back_whole_up_to_the_limit_and_not_one_byte_beyond(sizes, tmp_path):
    """Several members, decompressed against a limit of exactly their total, and of one byte less."""
    from bulletin.ingest.text import _inflate

    contents = [bytes(65 + k % 26 for k in range(n)) for n in sizes]
    data = b"".join(gzip.compress(c) for c in contents)
    path = tmp_path / "x.csv.gz"
    assert gunzip(path, data) == b"".join(contents)
    assert b"".join(_inflate(path, data, sum(sizes))) == b"".join(contents)
    if sum(sizes):
        with pytest.raises(IngestError, match="the data file decompressed is more than"):
            list(_inflate(path, data, sum(sizes) - 1))


def test_a_decompression_bomb_is_refused_at_the_limit(tmp_path):
    files.set_limits(["decompressed_mib=1"])
    bomb = tmp_path / "bomb.csv.gz"
    bomb.write_bytes(gzip.compress(b"station,variable,date,value,unit\n" + b"a" * (3 << 20)))
    assert bomb.stat().st_size < 10_000
    with pytest.raises(IngestError, match=r"bomb.csv.gz: the data file decompressed is more than 1 MiB, beyond the "
                                          r"limit of 1 MiB") as exc:
        read_bytes(bomb)
    assert "--limit decompressed_mib=N" in exc.value.hint


def test_a_file_just_within_the_limit_is_read(tmp_path):
    files.set_limits(["decompressed_mib=1"])
    path = tmp_path / "ok.csv.gz"
    content = b"x" * (1 << 20)
    path.write_bytes(gzip.compress(content))
    assert read_bytes(path) == content


def test_a_cut_short_gzip_file_names_the_line_it_ends_in(tmp_path):
    path = tmp_path / "cut.csv.gz"
    whole = gzip.compress(b"a,b\n" * 1000)
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(IngestError, match=r"cut.csv.gz: the compressed file is cut short: its data end in line \d+"):
        read_bytes(path)


def test_a_data_file_beyond_its_limit_is_refused_before_it_is_read(tmp_path):
    files.set_limits(["data_mib=1"])
    path = tmp_path / "big.csv"
    path.write_bytes(b"station,variable,date,value,unit\n" + b"x" * (2 << 20))
    with pytest.raises(IngestError, match=r"big.csv: the data file is 2 MiB, beyond the limit of 1 MiB"):
        read_bytes(path)


@pytest.mark.parametrize("make, words", [
    (lambda p: os.mkfifo(p), "a named pipe"),
    (lambda p: os.symlink(p, p), "a loop of symbolic links"),
])
def test_special_files_are_refused_by_name_without_opening_them(tmp_path, make, words):
    path = tmp_path / "data.csv"
    make(path)
    with pytest.raises(IngestError, match=words):
        read_observations([path], None)
    with pytest.raises(ConfigError, match=words):
        files.read_yaml(path, "network file")


def test_a_device_is_refused_as_data_and_as_configuration():
    with pytest.raises(IngestError, match="/dev/zero: the data file is a character device, not a file"):
        read_observations(["/dev/zero"], None)
    with pytest.raises(ConfigError, match="/dev/zero: the catalogue is a character device"):
        files.read_yaml(__import__("pathlib").Path("/dev/zero"), "catalogue")


def billion_laughs(levels: int) -> str:
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"l{k}: &l{k} [{', '.join([f'*l{k - 1}'] * 10)}]" for k in range(1, levels)]
    return "\n".join(lines) + "\n"


def test_a_yaml_alias_bomb_is_refused_without_being_expanded(tmp_path):
    path = tmp_path / "network.yaml"
    path.write_text(billion_laughs(9), encoding="utf-8")  # 10**9 values once expanded
    with pytest.raises(ConfigError, match="expands to more than 1,000,000 values"):
        files.read_yaml(path, "network file")


def test_a_large_file_without_aliases_is_not_blamed_on_aliases(tmp_path):
    path = tmp_path / "catalogue.yaml"
    path.write_text("values: [" + ", ".join(str(i) for i in range(2_000)) + "]\n", encoding="utf-8")
    files.set_limits(["yaml_nodes=1000"])
    try:
        with pytest.raises(ConfigError) as err:
            files.read_yaml(path, "catalogue")
    finally:
        files.set_limits([])
    assert err.value.message == f"{path}: the catalogue is refused: the document holds more than 1,000 values."
    assert "--limit yaml_nodes=N" in err.value.hint


def test_aliases_within_the_limit_are_read(tmp_path):
    path = tmp_path / "network.yaml"
    # the mapping, its 3 keys, and l0 (1 list + 10 strings = 11), l1 (1 + 10 x 11 = 111), l2 (1 + 10 x 111 = 1,111)
    path.write_text(billion_laughs(3), encoding="utf-8")
    files.set_limits(["yaml_nodes=1237"])
    assert len(files.read_yaml(path, "network file")["l2"]) == 10
    files.set_limits(["yaml_nodes=1236"])
    with pytest.raises(ConfigError, match="more than 1,236 values"):
        files.read_yaml(path, "network file")


def test_a_document_that_contains_itself_is_refused(tmp_path):
    path = tmp_path / "catalogue.yaml"
    path.write_text("a: &a [1, *a]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="contains itself"):
        files.read_yaml(path, "catalogue")


def test_limits_are_named_and_positive():
    from bulletin.errors import UsageError

    for bad in ("nothing=3", "data_mib=0", "data_mib=-1", "data_mib=x", "data_mib"):
        with pytest.raises(UsageError, match="write NAME=VALUE"):
            files.set_limits([bad])
    assert files.set_limits(["data_mib=7", "yaml_nodes=9"]) == files.Limits(data_mib=7, yaml_nodes=9)


def _netcdf(path, stations: int, days: int):
    import numpy as np
    import pandas as pd
    import xarray as xr

    xr.Dataset({"discharge": (("station", "time"), np.ones((stations, days)), {"units": "m3 s-1"})},
               coords={"time": pd.date_range("2020-01-01", periods=days),
                       "station_id": ("station", [f"s{i}" for i in range(stations)], {"cf_role": "timeseries_id"})}
               ).to_netcdf(path)
    return path


def test_a_netcdf_file_declaring_more_values_than_the_limit_is_refused_before_reading(tmp_path):
    files.set_limits(["netcdf_values=10"])
    with pytest.raises(IngestError, match=r"big.nc: the variables discharge declare 12 values, beyond the limit of 10"):
        read_observations([_netcdf(tmp_path / "big.nc", 3, 4)], None, allow_unknown_stations=True)
    assert len(read_observations([_netcdf(tmp_path / "ok.nc", 2, 5)], None, allow_unknown_stations=True).frame) == 10


def _workbook(path, far: str | None = None, rows: int = 2, width: int = 5):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "toktogul"
    sheet.append(["station", "variable", "date", "value", "unit", *[f"x{k}" for k in range(width - 5)]])
    for k in range(rows - 1):
        day = __import__("datetime").date(2000, 1, 1) + __import__("datetime").timedelta(days=k)
        sheet.append(["toktogul", "volume", day.isoformat(), 5 + k, "Mm3", *[""] * (width - 5)])
    if far:
        sheet[far] = 1
    book.save(path)
    return path


def test_a_worksheet_spanning_billions_of_cells_is_refused_before_its_grid_is_built(tmp_path):
    """One far cell (XFD1048576) in a 5 KB workbook: 17 billion cells to a grid-building reader."""
    path = _workbook(tmp_path / "far.xlsx", far="XFD1048576")
    with pytest.raises(IngestError, match=r"far.xlsx: sheet 'toktogul' spans 1,048,576 rows x 16,384 columns, "
                                          r"17,179,869,184 cells, beyond the limit of 20,000,000"):
        read_observations([path], None, allow_unknown_stations=True)


def test_the_extent_counts_every_row_and_column_wherever_they_are(tmp_path):
    import zipfile

    from bulletin.ingest.xlsx_parts import scan_sheet

    path = _workbook(tmp_path / "wide.xlsx", rows=3, width=37)  # a yearbook-wide sheet: columns up to AK
    with zipfile.ZipFile(path) as z:
        scan = scan_sheet(z.open("xl/worksheets/sheet1.xml"))
    assert (scan.rows, scan.columns) == (3, 37)
    part = (b'<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="250000"><c r="B250000"><v>1</v>'
            b'</c></row><row r="2"><c r="AZ2"><v>1</v></c></row></sheetData></worksheet>')  # rows out of order
    scan = scan_sheet(__import__("io").BytesIO(part), chunk=40)
    assert (scan.rows, scan.columns) == (250_000, 52)


def test_a_workbook_declaring_more_than_the_decompressed_limit_is_refused(tmp_path):
    path = _workbook(tmp_path / "big.xlsx", rows=30_000)
    files.set_limits(["decompressed_mib=1"])
    with pytest.raises(IngestError, match=r"big.xlsx: the workbook decompressed is \d+ MiB, beyond the limit of 1 MiB"):
        read_observations([path], None, allow_unknown_stations=True)
    files.set_limits([])
    assert len(read_observations([path], None).frame) == 29_999


def test_a_date_given_many_times_is_named_with_its_first_three_places(tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text("station,variable,date,value,unit\n" + "".join(f"toktogul,volume,2020-01-01,{k},Mm3\n"
                                                                 for k in range(1000)), encoding="utf-8")
    with pytest.raises(IngestError) as exc:
        read_observations([path], None)
    assert ("toktogul volume 2020-01-01: conflicting values at dup.csv line 2 (0) and dup.csv line 3 (1) and dup.csv "
            "line 4 (2) and 997 more") in str(exc.value)
    assert len(str(exc.value)) < 600


def test_many_files_categories_are_joined_as_union_categoricals_joins_them():
    import numpy as np
    import pandas as pd
    from pandas.api.types import union_categoricals

    from bulletin.ingest.observations import _joined_categories

    rng = np.random.default_rng(4)
    words = ["b", "a", "toktogul", "16279", "=x", "ä"]
    parts = []
    for _ in range(100):
        own = list(rng.choice(words, size=int(rng.integers(0, 4)), replace=False))
        values = [own[int(i)] if own and i >= 0 else None for i in rng.integers(-1, max(len(own), 1), size=5)]
        parts.append(pd.Series(pd.Categorical(values, categories=pd.Index(sorted(own), dtype="str"))))
    joined = _joined_categories(parts)
    expected = union_categoricals([p.array for p in parts], sort_categories=True)
    assert list(joined.categories) == list(expected.categories)
    assert joined.codes.tolist() == expected.codes.tolist()


def test_a_far_row_in_a_cell_reference_alone_counts_in_the_extent():
    """Found by make fuzz: the row element says 2, the cell says A99999999."""
    import io

    from bulletin.ingest.xlsx_parts import scan_sheet

    part = b'<worksheet><sheetData><row r="2"><c r="A99999999" t="n"><v>1</v></c></row></sheetData></worksheet>'
    assert scan_sheet(io.BytesIO(part)).rows == 99_999_999
    assert scan_sheet(io.BytesIO(part.replace(b"A99999999", b"ZZZZ2"))).columns == 475_254


def test_a_workbook_whose_zip_understates_a_part_is_refused(tmp_path):
    """A sheet part of 15 MB declared as 5,000 bytes (local header and central directory): the scan reads
    through zipfile, which stops at the declared size and finds the CRC wrong, before calamine sees it."""
    import struct
    import zipfile

    from .test_fuzz import WORKBOOK_PARTS

    head, tail = WORKBOOK_PARTS["xl/worksheets/sheet1.xml"].split(b"</sheetData>")
    extra = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (r, r) for r in range(10, 300_010))
    big = head + extra + b"</sheetData>" + tail
    path = tmp_path / "liar.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in WORKBOOK_PARTS.items():
            z.writestr(name, big if name == "xl/worksheets/sheet1.xml" else data)
    data = path.read_bytes()
    assert data.count(struct.pack("<I", len(big))) == 2
    path.write_bytes(data.replace(struct.pack("<I", len(big)), struct.pack("<I", 5000)))
    with pytest.raises(IngestError, match=r"liar.xlsx: not a readable Excel workbook \(Bad CRC-32"):
        read_observations([path], None, allow_unknown_stations=True)


def _small_files(folder, count: int, broken: int | None = None):
    folder.mkdir()
    for k in range(count):
        day = __import__("datetime").date(2020, 1, 1) + __import__("datetime").timedelta(days=k)
        rows = f"s{k % 7},discharge,{day},{k}.5,m3/s\n" if k != broken else "s1,discharge,x,1,m3/s\n"
        (folder / f"f{k:03d}.csv").write_text("station,variable,date,value,unit\n" + rows, encoding="utf-8")
    (folder / "y.csv").write_text("date,data,norm,units,type,code,station,river,basin,resolution\n"
                                  "1932-01-10,48.8,38.7,m3s,Q,16279,Khudaydod,Chatkal,Chirchik,dec\n", encoding="utf-8")
    return folder


def test_many_files_read_in_forked_processes_give_what_one_process_gives(tmp_path, monkeypatch):
    import bulletin.ingest.read as read

    folder = _small_files(tmp_path / "many", 60)
    monkeypatch.setattr(read, "PARALLEL_FILES", 10**9)
    one = read_observations([folder], None, allow_unknown_stations=True)
    monkeypatch.setattr(read, "PARALLEL_FILES", 10)
    assert read._workers(61) > 1, "this machine has one core: the forked path is not exercised"
    forked = read_observations([folder], None, allow_unknown_stations=True)
    pd_testing = __import__("pandas").testing
    pd_testing.assert_frame_equal(forked.frame, one.frame)
    pd_testing.assert_frame_equal(forked.archive_norms, one.archive_norms)
    assert (forked.inputs, forked.notes, forked.unknown_stations) == (one.inputs, one.notes, one.unknown_stations)
    assert len(one.frame) == 61 and len(one.archive_norms) == 1


def test_the_first_broken_file_is_named_however_the_files_are_read(tmp_path, monkeypatch):
    import bulletin.ingest.read as read

    folder = _small_files(tmp_path / "many", 60, broken=37)
    messages = []
    for threshold in (10**9, 10):
        monkeypatch.setattr(read, "PARALLEL_FILES", threshold)
        with pytest.raises(IngestError) as exc:
            read_observations([folder], None, allow_unknown_stations=True)
        messages.append(str(exc.value))
    assert messages[0] == messages[1] and "f037.csv" in messages[0] and "line 2: date 'x'" in messages[0]
