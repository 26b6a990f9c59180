"""The fast paths of the python-calamine reader give exactly what the openpyxl reader gives.

- the table of a workbook built once from the sheets' columns (``bulletin.ingest.xlsx_table``):
  texts coded once per workbook, constant columns written as repeated bytes, value fields float64
  when every cell is a number or empty (both readers), the fallback to ``pandas.concat``;
- the marked package (``xlsx_parts.marked_package``): the sheet parts start with an empty
  ``<mergeCells>``, copied without being decompressed, so that calamine reads each part once;
- the cyclic garbage collector paused while a workbook is read.

Every workbook is compared with ``_same`` of tests/test_xlsx_fast.py: equal raw tables, value by value
and type by type, or the same error.
"""

from __future__ import annotations

import gc
import io
import random
import zipfile
import zlib
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bulletin.errors import IngestError
from bulletin.ingest import read_observations, xlsx, xlsx_cells
from bulletin.ingest.xlsx_parts import MARK, crc32_combine, marked_package, sheet_parts
from bulletin.ingest.xlsx_table import Texts, Values, _repeated, numbers_or_objects, text_dtype
from tests.test_xlsx_fast import WORKBOOKS, _book, _rewrite, _same, _shared, _sheet_xml

HEADER = ("variable", "date", "value", "unit")


def _stations(p: Path, gaps: bool = True, errors: bool = False, rows: int = 400) -> Path:
    """Sheets of one station each over the same days (the benchmark's layout), with empty and error cells."""
    sheets = {}
    for k, name in enumerate(("toktogul", "andijan", "chardara")):
        table = [HEADER]
        for i in range(rows):
            value = None if gaps and (i * 7 + k) % 13 == 0 else round(100 + k + i * 0.1, 1)
            if errors and i == 50 + k:
                value = "#DIV/0!"
            table.append(("discharge", (date(2020, 1, 1) + timedelta(days=i)).isoformat(), value, "m3/s"))
        sheets[name] = table
    return _book(p, sheets)


def _declared(path: Path) -> Path:
    """The sheet parts with the XML declaration Excel writes before the root element."""
    return _rewrite(path, _sheet_xml(lambda data: b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n' + data))


def _repacked(path: Path, method: int, streamed: bool = False) -> Path:
    """The package written again with ``method``; ``streamed``: sizes in data descriptors (bit 3), as a
    writer that cannot seek leaves them."""
    with zipfile.ZipFile(path) as zin:
        members = [(info.filename, zin.read(info.filename)) for info in zin.infolist()]

    class Unseekable(io.RawIOBase):
        def __init__(self, fh):
            self.fh = fh

        def writable(self):
            return True

        def write(self, b):
            return self.fh.write(b)

    with open(path, "wb") as fh:
        target = Unseekable(fh) if streamed else fh
        with zipfile.ZipFile(target, "w", method) as zout:
            for name, data in members:
                with zout.open(name, "w") as member:
                    member.write(data)
    return path


# ---- the marked package --------------------------------------------------------------------

@pytest.mark.parametrize("n", [0, 1, 2, 3, 255, 4096, 99_991, 1 << 20])
def test_crc32_combine_is_zlibs(n):
    first, second = random.Random(n).randbytes(35), random.Random(-n).randbytes(n)
    assert crc32_combine(zlib.crc32(first), zlib.crc32(second), n) == zlib.crc32(first + second)


@pytest.mark.parametrize("method, streamed", [(zipfile.ZIP_DEFLATED, False), (zipfile.ZIP_STORED, False),
                                              (zipfile.ZIP_DEFLATED, True)], ids=["deflated", "stored", "streamed"])
def test_the_marked_package_starts_each_sheet_part_with_an_empty_merge_list(tmp_path, method, streamed):
    path = _repacked(_stations(tmp_path / "book.xlsx"), method, streamed)
    with zipfile.ZipFile(path) as archive:
        parts = set(sheet_parts(archive).values())
        package = marked_package(archive, path, parts)
        original = {name: archive.read(name) for name in archive.namelist()}
    assert len(parts) == 3
    with zipfile.ZipFile(io.BytesIO(package)) as copy:
        assert copy.testzip() is None  # every CRC right
        assert copy.namelist() == list(original)
        for name, data in original.items():
            assert copy.read(name) == (MARK + data if name in parts else data)
    assert _same(path)[0] == "table"


def test_a_package_that_cannot_be_copied_is_read_from_the_file(tmp_path, monkeypatch):
    path = _repacked(_stations(tmp_path / "book.xlsx"), zipfile.ZIP_BZIP2)
    with zipfile.ZipFile(path) as archive:
        assert marked_package(archive, path, set(sheet_parts(archive).values())) is None
    monkeypatch.setattr(xlsx_cells, "marked_package", lambda *a: None)
    assert _same(_stations(tmp_path / "plain.xlsx"))[0] == "table"


@pytest.mark.parametrize("make", WORKBOOKS, ids=[m.__name__ for m in WORKBOOKS])
def test_sheet_parts_with_an_xml_declaration_read_alike(tmp_path, make):
    """As Excel writes them: a declaration before the root element, texts in shared strings."""
    _same(_declared(_shared(make(tmp_path / f"{make.__name__}.xlsx"))))


# ---- the table of the sheets ---------------------------------------------------------------

@pytest.mark.parametrize("gaps, errors", [(False, False), (True, False), (True, True)],
                         ids=["full", "empty cells", "error cells"])
@pytest.mark.parametrize("shared", [False, True], ids=["inline", "shared"])
def test_sheets_of_stations_read_alike(tmp_path, gaps, errors, shared):
    path = _stations(tmp_path / "book.xlsx", gaps, errors)
    if shared:
        _shared(path)
    outcome = _same(path)
    kinds = {kind for kind, _ in outcome[3]["value"]}
    assert outcome[2]["value"] == ("object" if errors else "float64")
    assert kinds == ({"float", "str"} if errors else {"float"})
    assert outcome[2]["date"] == outcome[2]["cell_value"] == outcome[2]["part"] == "str"


def test_value_fields_of_numbers_and_empty_cells_are_float64_in_both_readers(tmp_path):
    path = _stations(tmp_path / "book.xlsx", rows=60)
    for read in (xlsx._read_calamine, xlsx.read_with_openpyxl):
        values = read(path).rows["value"]
        assert values.dtype == np.float64
        assert values.isna().sum() == sum((i * 7 + k) % 13 == 0 for k in range(3) for i in range(60))
    empty = _book(tmp_path / "empty.xlsx", {"toktogul": [HEADER, ("discharge", "2020-01-01", None, "m3/s"),
                                                         ("discharge", "2020-01-02", " - ", "m3/s")]})
    assert _same(empty)[3]["value"] == [("float", "NaN"), ("float", "NaN")]  # a missing code is empty too
    texts = _book(tmp_path / "texts.xlsx", {"toktogul": [HEADER, ("discharge", "2020-01-01", "12,5", "m3/s"),
                                                         ("discharge", "2020-01-02", None, "m3/s")]})
    assert _same(texts)[3]["value"] == [("str", "12,5"), ("str", "")]


def test_dates_as_numbers_and_as_text_in_several_sheets_read_alike(tmp_path):
    """Date cells (numbers formatted as dates) in one sheet, texts in another, both in a third."""
    path = _book(tmp_path / "dates.xlsx", {
        "toktogul": [HEADER, *[("volume", datetime(2026, 11, d), d, "Mm3") for d in range(1, 6)]],
        "andijan": [HEADER, *[("volume", f"2026-11-{d:02d}", d, "Mm3") for d in range(1, 6)]],
        "chardara": [HEADER, ("volume", date(2026, 11, 1), 1, "Mm3"), ("volume", "02.11.2026", 2, "Mm3"),
                     ("volume", 46329, 3, "Mm3")],
    })
    dates = [v for _, v in _same(path)[3]["date"]]
    assert dates[:5] == dates[5:10] == [f"2026-11-{d:02d}" for d in range(1, 6)]
    assert dates[10:] == ["2026-11-01", "02.11.2026", "46329"]


def test_sheets_with_other_columns_are_aligned_as_pandas_concat_aligns_them(tmp_path):
    path = _book(tmp_path / "mixed.xlsx", {
        "toktogul": [HEADER, ("volume", "2026-11-01", 1, "Mm3")],
        "andijan": [("date", "variable", "value", "unit", "flag"), ("2026-11-01", "inflow", 2, "m3/s", "est")],
        "discharge": [("station", "date", "value", "unit"), ("naryn", "2026-11-01", None, "m3/s")],
    })
    outcome = _same(path)
    assert outcome[1][:5] == ["variable", "date", "value", "unit", "line"]
    assert outcome[3]["flag"] == [("float", "NaN"), ("str", "est"), ("float", "NaN")]


def test_errors_name_the_file_the_sheet_and_the_cell(tmp_path):
    path = _stations(tmp_path / "book.xlsx", errors=True, rows=60)
    text = str(pytest.raises(IngestError, read_observations, [path], None, allow_unknown_stations=True).value)
    assert text.startswith(f"{path}: 3 problem(s) in the data:")
    for sheet, cell in (("toktogul", "C52"), ("andijan", "C53"), ("chardara", "C54")):
        assert f"\n  sheet '{sheet}' cell {cell}: value '#DIV/0!' is not a number" in text


def test_the_observations_are_those_of_the_openpyxl_reader(tmp_path, monkeypatch):
    path = _stations(tmp_path / "book.xlsx")
    new = read_observations([path], None, allow_unknown_stations=True).frame
    monkeypatch.setattr(xlsx, "_read_calamine", xlsx.read_with_openpyxl)
    old = read_observations([path], None, allow_unknown_stations=True).frame
    pd.testing.assert_frame_equal(new, old, check_exact=True)
    assert new["value"].isna().any()


# ---- the parts of the table ----------------------------------------------------------------

def test_texts_are_coded_once_and_cells_of_other_classes_apart():
    texts = Texts()
    first = texts.of_cells(["a ", "b", "a "], str.strip)
    assert first.tolist() == [0, 1, 0] and texts.words == ["a", "b"]
    assert texts.of_cells(["a ", "b", "a "], str.strip) is first  # the same column again: its codes
    assert texts.of_cells(["b", "a "], str.strip, "unit").tolist() == [1, 0]
    assert texts.of_cells(["a ", "b", "a "], str.strip) is first  # the last column of each field is kept
    assert texts.of_cells([True, True], str).tolist() == [2, 2]
    assert texts.of_cell(1.0, lambda v: "1") == 3  # 1.0 == True, but another class
    assert texts.of_cell(" b", str.strip) == 1
    assert texts.encode(["b", "c"]).tolist() == [1, 4] and texts.words == ["a", "b", "True", "1", "c"]


def test_a_text_column_is_the_same_however_it_is_built():
    texts = Texts()
    texts.encode(["toktogul", "", "sheet 'Лист1'", "A"])
    parts = [(0, 3), (2, 2), (1, 1), (3, 4)]
    expected = pd.array(["toktogul"] * 3 + ["sheet 'Лист1'"] * 2 + [""] + ["A"] * 4, dtype=text_dtype())
    runs = texts.column(parts)  # every part one text: repeated bytes
    taken = texts.column([(np.array([0, 0, 0], dtype=np.int32), 3), *parts[1:]])  # codes: taken
    assert runs.dtype == taken.dtype == expected.dtype
    assert runs.tolist() == taken.tolist() == expected.tolist()
    assert _repeated([b"ab", b""], [2, 3]).to_pylist() == ["ab", "ab", "", "", ""]


def test_values_are_numbers_when_every_cell_is_a_number_or_empty():
    assert Values.of([1.5, 2.0]).numbers.tolist() == [1.5, 2.0]
    both = Values.of([1.5, "", 2.0])
    assert np.isnan(both.numbers[1]) and both.as_objects().tolist() == [1.5, "", 2.0]
    assert Values.of([1.5, "x"]).objects.tolist() == [1.5, "x"]
    assert numbers_or_objects(pd.Series(["", ""], dtype=object)).tolist() == [pytest.approx(np.nan, nan_ok=True)] * 2
    assert numbers_or_objects(pd.Series([1, 2.5], dtype=object)).dtype == object  # an int (a yearbook's) stays


# ---- the garbage collector -----------------------------------------------------------------

def test_the_garbage_collector_is_paused_while_reading_only(tmp_path, monkeypatch):
    path = _stations(tmp_path / "book.xlsx", rows=20)
    seen = []
    real = xlsx_cells.long_columns

    def spy(*args):
        seen.append(gc.isenabled())
        return real(*args)

    monkeypatch.setattr(xlsx, "long_columns", spy)
    assert gc.isenabled()
    xlsx._read_calamine(path)
    assert seen == [False] * 3 and gc.isenabled()
    with pytest.raises(IngestError):
        xlsx._read_calamine(_book(tmp_path / "bad.xlsx", {"notes": [("a",), ("b",)] * 6}))
    assert gc.isenabled()
    gc.disable()
    try:
        xlsx._read_calamine(path)
        assert not gc.isenabled()  # left as it was
    finally:
        gc.enable()
