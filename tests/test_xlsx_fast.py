"""The Excel reader with python-calamine gives exactly what the openpyxl reader gave.

Every workbook here is read by both readers of ``bulletin.ingest.xlsx``: ``_read_calamine`` (the
sheets parsed by python-calamine; error cells, merged ranges and row widths read from the sheet's
XML) and ``read_with_openpyxl`` (the reader before, still used for the workbooks calamine cannot
read). Their raw tables must be equal, value by value and type by type, with the same places,
notes and hint, or both must refuse the workbook with the same message. Each generated workbook is
also tried with its texts moved to a shared-strings part, as Excel writes them (openpyxl writes
inline strings).
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

import pandas as pd
import pytest

from bulletin.errors import IngestError
from bulletin.ingest import read_observations, xlsx, xlsx_cells
from bulletin.ingest.registry import ReadOptions
from bulletin.ingest.xlsx_cells import NotReadable
from bulletin.ingest.xlsx_parts import _counted, row_widths, scan_sheet

BAD = Path(__file__).parent / "data" / "bad"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


# ---- writing workbooks ---------------------------------------------------------------------

def _book(path: Path, sheets: dict, *, merges=(), hidden=(), formats=None, styled=(), chart=False, mac=False) -> Path:
    """A workbook of ``sheets`` (name -> rows) written by openpyxl.

    ``merges``: (sheet, range); ``formats``: (sheet, cell) -> number format; ``styled``: (sheet, cell)
    given a number format and no value; ``chart``: add a chart sheet; ``mac``: dates from 1904.
    """
    import openpyxl
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    book = openpyxl.Workbook()
    book.remove(book.active)
    if mac:
        book.epoch = CALENDAR_MAC_1904
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
        if name in hidden:
            sheet.sheet_state = "hidden"
    for name, ref in merges:
        book[name].merge_cells(ref)
    for (name, ref), fmt in (formats or {}).items():
        book[name][ref].number_format = fmt
    for name, ref in styled:
        book[name][ref].number_format = "0.00"
    if chart:  # with a chart: openpyxl cannot read back a chart sheet without one
        from openpyxl.chart import BarChart, Reference

        bars = BarChart()
        bars.add_data(Reference(book.worksheets[0], min_col=3, min_row=1, max_row=2))
        book.create_chartsheet("chart", 1).add_chart(bars)
    book.save(path)
    return path


def _rewrite(path: Path, change) -> Path:
    """Rewrite the members of a workbook in place: ``change(name, data) -> data`` (None drops the member)."""
    with zipfile.ZipFile(path) as zin:
        members = [(info, zin.read(info.filename)) for info in zin.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in members:
            data = change(info.filename, data)
            if data is not None:
                zout.writestr(info, data)
    return path


def _sheet_xml(change):
    """A change of :func:`_rewrite` applied to the worksheet parts only."""
    return lambda name, data: change(data) if name.startswith("xl/worksheets/sheet") else data


INLINE = re.compile(rb'<c ([^>]*?)t="inlineStr"([^>]*)><is><t(?: xml:space="preserve")?>(.*?)</t></is></c>', re.S)


def _shared(path: Path) -> Path:
    """The workbook with its inline strings moved to a shared-strings part (xl/sharedStrings.xml)."""
    table: dict[bytes, int] = {}

    def share(m):
        index = table.setdefault(m.group(3), len(table))
        return b'<c ' + m.group(1) + b't="s"' + m.group(2) + b"><v>%d</v></c>" % index

    def change(name, data):
        if name.startswith("xl/worksheets/sheet"):
            return INLINE.sub(share, data)
        if name == "[Content_Types].xml":
            return data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
        if name == "xl/_rels/workbook.xml.rels":
            return data.replace(b"</Relationships>", b'<Relationship Id="rIdSST" Type="http://schemas.openxmlformats'
                                b'.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                                b"</Relationships>")
        return data

    _rewrite(path, change)
    items = b"".join(b'<si><t xml:space="preserve">' + text + b"</t></si>" for text in table)
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("xl/sharedStrings.xml", b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="' + MAIN.encode()
                   + b'" count="%d" uniqueCount="%d">' % (len(table), len(table)) + items + b"</sst>")
    return path


# ---- the workbooks -------------------------------------------------------------------------

LONG = ("station", "variable", "date", "value", "unit", "flag")


def kinds(p):
    """Every kind of cell in a long table: numbers, text numbers, missing codes, dates, errors, formulas."""
    rows = [LONG,
            ("toktogul", "volume", datetime(2026, 11, 1), 11840, "Mm3", None),
            ("toktogul", "volume", datetime(2026, 11, 2), 11838.5, "Mm3", "est"),
            ("toktogul", "volume", "03.11.2026", "11 830,5", " Mm3 ", "#N/A"),
            ("toktogul", "volume", "2026-11-04", " 95.5 ", "Mm3", True),
            ("toktogul", "volume", date(2026, 11, 5), "#DIV/0!", "Mm3", None),
            (None, None, None, None, None, None),
            ("toktogul", "volume", datetime(2026, 11, 6, 6, 30), "=1/0", "Mm3", "=A2"),
            ("  ", "", None, "   ", None, None),
            ("toktogul", "volume", datetime(2026, 11, 7), "-", "Mm3", "н/д"),
            ("toktogul", "volume", 46333, 1.5e20, "Mm3", clock(12, 30)),
            (2026, 17.25, datetime(2026, 11, 8), datetime(2026, 11, 8), "#VALUE!", timedelta(hours=30)),
            ("toktogul", "volume", datetime(2026, 11, 9), False, "Mm3", -0.5),
            ("toktogul", "volume", datetime(2026, 11, 10), 12345678901234, "Mm3", 0)]
    return _book(p, {"Sheet1": rows}, formats={("Sheet1", "C11"): "yyyy-mm-dd", ("Sheet1", "F11"): "h:mm",
                                                ("Sheet1", "D10"): "0.0", ("Sheet1", "B12"): '0.00" m3/s"'})


def cached_formulas(p):
    """Formulas with a cached value (a number, a text, an error) and without one."""
    path = _book(p, {"toktogul": [("variable", "date", "value", "unit"),
                                  ("volume", "2026-11-01", "=1+1", "Mm3"),
                                  ("volume", "2026-11-02", "=1/0", "=\"Mm3\""),
                                  ("volume", "2026-11-03", "=NA()", "Mm3"),
                                  ("volume", "2026-11-04", "=2+2", "Mm3")]})
    cached = {b"C2": (b"", b"<v>2</v>"), b"D3": (b' t="str"', b"<v>Mm3</v>"), b"C3": (b' t="e"', b"<v>#DIV/0!</v>"),
              b"C4": (b' t="e"', b"<v>#N/A</v>")}

    def change(data):
        for ref, (kind, value) in cached.items():
            data = re.sub(rb'<c r="' + ref + rb'"([^>]*)><f>(.*?)</f><v\s*/?>(?:</v>)?',
                          lambda m, r=ref, k=kind, v=value: b'<c r="' + r + b'"' + m.group(1) + k + b"><f>" + m.group(2)
                          + b"</f>" + v, data)
        return data

    return _rewrite(path, _sheet_xml(change))


def titled(p):
    """Title rows (one merged, one holding only an error cell) above the table."""
    rows = [("Toktogul reservoir, November 2026",), (), (None, "#REF!"),
            ("variable", "date", "value", "unit"), ("volume", datetime(2026, 11, 20), 11840, "Mm3"),
            ("volume", datetime(2026, 11, 21), None, "Mm3")]
    return _book(p, {"toktogul": rows}, merges=[("toktogul", "A1:D1"), ("toktogul", "A2:B2")])


def hidden_in_merges(p):
    """Values left in the covered cells of a merged title (LibreOffice keeps them): read as empty."""
    path = _book(p, {"toktogul": [("Toktogul",), (), ("variable", "date", "value", "unit"),
                                  ("volume", datetime(2026, 11, 20), 11840, "Mm3")]}, merges=[("toktogul", "A1:D1")])
    first = b'<c r="A1" t="inlineStr"><is><t>Toktogul</t></is></c>'
    covered = b'<c r="B1" t="inlineStr"><is><t>value</t></is></c><c r="C1" t="inlineStr"><is><t>date</t></is></c>'
    return _rewrite(path, _sheet_xml(lambda data: data.replace(first, first + covered)))


def merged_in_table(p):
    """A merged header over two columns: refused, naming the ranges in openpyxl's order."""
    rows = [("station", None, "date", "value", "unit"), ("toktogul", "volume", datetime(2026, 11, 20), 1, "Mm3")]
    return _book(p, {"toktogul": rows},
                 merges=[("toktogul", "A1:B1"), ("toktogul", "E2:F3"), ("toktogul", "C3:D3"), ("toktogul", "G1:G2")])


def no_layout(p):
    """A sheet that is neither a long table nor a yearbook, with merged cells."""
    rows = [("notes",), ("a", "b"), *[(f"line {k}",) for k in range(12)]]
    return _book(p, {"notes": rows}, merges=[("notes", "B5:C5"), ("notes", "A20:B21"), ("notes", "D1:E1")])


def sheets(p):
    """Several sheets: named after a station, after a variable, hidden, empty, a default name, a chart."""
    return _book(p, {
        "toktogul": [("date", "variable", "value", "unit"), (datetime(2026, 11, 20), "volume", 11840, "Mm3")],
        "discharge": [("station", "date", "value", "unit"), ("naryn_uchkurgan", "2026-11-20", "412,5", "m3/s")],
        "andijan": [("variable", "date", "value", "unit"), ("inflow", "2026-11-20", 95, "m3/s")],
        "empty": [],
        "only header": [("variable", "date", "value", "unit")],
        "Лист1": [("station", "variable", "date", "value", "unit"), ("chardara", "volume", "20.11.2026", 4.1, "km3")],
    }, hidden=("andijan",), chart=True)


def yearbooks(p):
    """Yearbook sheets: a header row, missing values, a year as text, an error cell, a months sheet."""
    dekads = [("year", *[f"d{k}" for k in range(1, 37)]), (2023, *range(1, 37)),
              ("2024", 10.5, None, "#N/A", "-", " 7 ", datetime(2024, 2, 5), *[float(k) for k in range(30)])]
    months = [(), ("Monthly discharge",), (2024, *[float(k) for k in range(1, 13)]), (2025, 1, 2, 3)]
    return _book(p, {"naryn_uchterek": dekads, "karadarya_uchtepe": months})


def yearbook_width(p):
    """A year in progress alone: the row is as wide as its styled empty cells (12 months), not its values."""
    return _book(p, {"naryn_uchterek": [(2026, 1.5, 2.5, 3.5)]}, styled=[("naryn_uchterek", "M1")])


def edges(p):
    """Error cells beyond the cells calamine reads (last row, last column), in a title row and a header."""
    rows = [("#NAME?",), ("variable", "date", "value", "unit", "#N/A"), ("volume", "2026-11-20", 1, "Mm3"),
            ("volume", "2026-11-21", 2, "Mm3", None, None, "#NULL!"), (None, None, None, None, None, "#NUM!")]
    return _book(p, {"toktogul": rows})


def no_references(p):
    """Cells and rows without their r attribute (some writers leave it out): placed by counting."""
    path = kinds(p)
    return _rewrite(path, _sheet_xml(lambda data: re.sub(rb' r="[A-Z]*\d+"', b"", data)))


def controls(p, third=b"a_x000D__x000D_b"):
    """Texts with characters a workbook writes escaped (_x000D_, _x0007_)."""
    path = _book(p, {"toktogul": [("variable", "date", "value", "unit", "flag"),
                                  ("volume", "2026-11-20", "CTRL1", "Mm3", "CTRL2"),
                                  ("volume", "2026-11-21", "1", "Mm3", "CTRL3"), ("CTRL3",), (None, "CTRL4")]})
    texts = {b"CTRL1": b"11_x000D_840", b"CTRL2": b"_x0007_", b"CTRL3": third, b"CTRL4": b"_x000D_"}
    return _rewrite(path, _sheet_xml(lambda data: re.sub(rb"CTRL\d", lambda m: texts[m.group(0)], data)))


def mac_dates(p):
    """Dates of a workbook that counts from 1904."""
    return _book(p, {"toktogul": [("variable", "date", "value", "unit"), ("volume", datetime(2026, 11, 20), 1, "Mm3"),
                                  ("volume", date(1999, 1, 1), 2, "Mm3")]}, mac=True)


def readers_tests(p):
    """The workbooks of tests/test_readers.py, in one."""
    return _book(p, {
        "toktogul": [("date", "variable", "value", "unit"), (datetime(2026, 11, 20), "volume", 11840, "Mm3"),
                     (datetime(2026, 11, 20), "level", 880.5, "m")],
        "chardara": [("дата", "переменная", "значение", "единица"), ("20.11.2026", "объём", 4.1, "км3")],
        "Sheet1": [("station", "variable", "date", "value", "unit", "resolution"),
                   ("andijan", "inflow", "2026-11-20", "95,5", "m3/s", "dekad")],
        "volume": [("date", "value"), (datetime(2026, 11, 20), 11840)],
        "bad": [("station", "variable", "date", "value", "unit"),
                ("toktogul", "volume", datetime(2026, 11, 5), "abc", "Mm3"),
                ("toktogul", "volum", datetime(2026, 11, 6), 1, "Mm3")],
    })


WORKBOOKS = [kinds, cached_formulas, titled, hidden_in_merges, merged_in_table, no_layout, sheets, yearbooks, yearbook_width, edges,
             no_references, controls, mac_dates, readers_tests]


# ---- comparing the readers -----------------------------------------------------------------

def _outcome(read, path: Path):
    """What a reader makes of a workbook: its raw table, value by value with types, or its error."""
    try:
        raw = read(path)
    except IngestError as exc:
        return ("error", str(exc))
    frame = raw.rows
    cells = {c: [(type(v).__name__, v if v == v else "NaN") for v in frame[c].tolist()] for c in frame.columns}
    return ("table", list(frame.columns), {c: str(t) for c, t in frame.dtypes.items()}, cells,
            raw.decimal, raw.date_formats, raw.hint, raw.notes)


def _same(path: Path):
    """Both readers give the same; calamine really read the workbook (no fallback)."""
    new, old = _outcome(xlsx._read_calamine, path), _outcome(xlsx.read_with_openpyxl, path)
    assert new == old
    if new[0] == "table":
        pd.testing.assert_frame_equal(xlsx._read_calamine(path).rows, xlsx.read_with_openpyxl(path).rows)
    return new


@pytest.mark.parametrize("shared", [False, True], ids=["inline", "shared"])
@pytest.mark.parametrize("make", WORKBOOKS, ids=[m.__name__ for m in WORKBOOKS])
def test_calamine_reads_as_openpyxl(tmp_path, make, shared):
    path = make(tmp_path / f"{make.__name__}.xlsx")
    if shared:
        _shared(path)
    _same(path)


@pytest.mark.parametrize("path", sorted(BAD.glob("*.xlsx")), ids=lambda p: p.name)
def test_fixtures_read_alike(path):
    """The workbooks of the test suite: the same table or message; a text file falls back to openpyxl."""
    try:
        _same(path)
    except NotReadable:
        assert path.name == "not_a_workbook.xlsx"
        with pytest.raises(IngestError) as new:
            xlsx.read_workbook(path, ReadOptions())
        with pytest.raises(IngestError) as old:
            xlsx.read_with_openpyxl(path)
        assert str(new.value) == str(old.value)
        assert "it is a text file (line 1: 'station,variable,date,value,unit')" in str(new.value)


def test_outcomes_are_the_expected_ones(tmp_path):
    """What the comparisons above compare: values as written, errors kept as text, merges and widths."""
    raw = xlsx._read_calamine(kinds(tmp_path / "k.xlsx")).rows
    assert raw["value"].tolist()[:4] == [11840.0, 11838.5, "11 830,5", "95.5"]
    assert raw["value"].tolist()[4:6] == ["#DIV/0!", ""]  # the error cell kept, the uncached formula empty
    assert raw["flag"].tolist()[2] == "#N/A" and raw["flag"].tolist()[4] == ""
    assert raw["date"].tolist()[:3] == ["2026-11-01", "2026-11-02", "03.11.2026"]
    assert raw["line"].tolist()[:6] == [2, 3, 4, 5, 6, 8]  # the empty row 7 and the blank row 9 left out
    assert list(raw["cell_value"].unique()) == ["D"]
    titled_raw = xlsx._read_calamine(titled(tmp_path / "t.xlsx")).rows
    assert titled_raw["line"].tolist() == [5, 6]
    assert xlsx._read_calamine(hidden_in_merges(tmp_path / "h.xlsx")).rows["line"].tolist() == [4]
    # in openpyxl's order (a set's), whatever order the file gives
    with pytest.raises(IngestError, match="sheet 'toktogul' cells C3:D3, G1:G2, E2:F3, A1:B1: merged cells"):
        xlsx._read_calamine(merged_in_table(tmp_path / "m.xlsx"))
    months = xlsx._read_calamine(yearbook_width(tmp_path / "w.xlsx")).rows
    assert len(months) == 12 and set(months["resolution"]) == {"month"}
    assert xlsx._read_calamine(controls(tmp_path / "c.xlsx")).rows["date"].tolist() == ["2026-11-20", "2026-11-21", "", "_x000D_"]


def test_an_escaped_underscore_is_read_alike_in_shared_strings_only(tmp_path):
    """A known difference: ``_x005F_`` (an escaped underscore) in an inline string.

    openpyxl decodes it in shared strings only, calamine in both. Excel writes texts as shared strings;
    openpyxl, which writes inline strings, does not escape underscores.
    """
    path = _shared(controls(tmp_path / "shared.xlsx", third=b"a_x005F_x000D_b"))
    assert _same(path)[3]["flag"][1] == ("str", "a_x000D_b")
    path = controls(tmp_path / "inline.xlsx", third=b"a_x005F_x000D_b")
    assert xlsx._read_calamine(path).rows["flag"].tolist()[1] == "a_x000D_b"
    assert xlsx.read_with_openpyxl(path).rows["flag"].tolist()[1] == "a_x005F_x000D_b"


def test_a_date_format_on_a_number_outside_excels_dates_is_read_differently(tmp_path):
    """A known difference: openpyxl turns such a cell into 1899 dates or #VALUE!, calamine into a time or a number."""
    path = _book(tmp_path / "dates.xlsx", {"toktogul": [("variable", "date", "value", "unit"),
                                                        ("volume", -5, 3e6, "Mm3")]},
                 formats={("toktogul", "B2"): "yyyy-mm-dd", ("toktogul", "C2"): "yyyy-mm-dd"})
    new = xlsx._read_calamine(path).rows
    with pytest.warns(UserWarning, match="outside the limits for dates"):
        old = xlsx.read_with_openpyxl(path).rows
    assert (new["date"][0], new["value"][0]) == ("00:00:00", 3e6)
    assert (old["date"][0], old["value"][0]) == ("1899-12-25", "#VALUE!")


def test_error_cells_are_reported_with_sheet_and_cell(tmp_path, network):
    path = _book(tmp_path / "errors.xlsx", {"toktogul": [
        ("station", "variable", "date", "value", "unit"),
        ("toktogul", "volume", datetime(2026, 11, 20), 11840, "Mm3"),
        ("toktogul", "volume", datetime(2026, 11, 21), "#DIV/0!", "Mm3"),
        ("toktogul", "#N/A", datetime(2026, 11, 22), 11838, "Mm3")]})
    text = str(pytest.raises(IngestError, read_observations, [path], network).value)
    assert "sheet 'toktogul' cell D3: value '#DIV/0!' is not a number" in text
    assert "sheet 'toktogul' cell B4: unknown variable '#N/A'" in text


# ---- when the XML is read, and the fallback ------------------------------------------------

def test_each_sheet_part_is_scanned_once_and_calamine_reads_it_once(tmp_path, monkeypatch):
    """The XML of each sheet is read once for its error cells and merged ranges; calamine's own
    reading of the merged ranges stops at once (the marked package), so it does not read the part twice."""
    calls, spans = [], []

    def counting(stream, **kw):
        calls.append(1)
        return scan_sheet(stream, **kw)

    def parse(path, book, name, part):
        spans.append(book.get_sheet_by_name(name).merged_cell_ranges)
        return parse.real(path, book, name, part)

    parse.real = xlsx_cells._parse
    monkeypatch.setattr(xlsx_cells, "scan_sheet", counting)
    monkeypatch.setattr(xlsx_cells, "_parse", parse)
    book = _book(tmp_path / "book.xlsx", {"a": [("variable", "date", "value", "unit"), ("volume", "2026-11-20", 1, "Mm3")],
                                          "b": [("title",), ("variable", "date", "value", "unit"),
                                                ("volume", "2026-11-20", None, "Mm3")]}, merges=[("b", "A1:D1")])
    assert _same(book)[3]["line"] == [("int", 2), ("int", 3)]
    calls.clear(), spans.clear()
    merged = xlsx_cells.load_sheets(book)
    assert [s.merged for s in merged] == [[], ["A1:D1"]]  # the merged ranges of the scan
    assert calls == [1, 1]
    assert spans == [[], []]  # calamine found the empty <mergeCells> at the start of the marked parts


def test_a_workbook_calamine_cannot_read_is_read_with_openpyxl(tmp_path, monkeypatch):
    path = sheets(tmp_path / "sheets.xlsx")

    def refuse(path):
        raise NotReadable("calamine: cannot read")
        yield

    monkeypatch.setattr(xlsx, "load_sheets", refuse)
    assert _outcome(lambda p: xlsx.read_workbook(p, ReadOptions()), path) == _outcome(xlsx.read_with_openpyxl, path)


def test_without_python_calamine_the_workbook_is_read_with_openpyxl(tmp_path, monkeypatch):
    path = readers_tests(tmp_path / "book.xlsx")
    monkeypatch.setitem(sys.modules, "python_calamine", None)  # import python_calamine raises ImportError
    with pytest.raises(NotReadable):
        xlsx._read_calamine(path)
    assert _outcome(lambda p: xlsx.read_workbook(p, ReadOptions()), path) == _outcome(xlsx.read_with_openpyxl, path)


def test_a_missing_sheet_part_is_refused_alike(tmp_path):
    """calamine cannot read a sheet whose part is missing; openpyxl's message is kept."""
    path = _book(tmp_path / "part.xlsx", {"toktogul": [("variable", "date", "value", "unit"),
                                                       ("volume", "2026-11-20", 1, "Mm3")],
                                          "lost": [("variable", "date", "value", "unit")]})
    _rewrite(path, lambda name, data: None if name == "xl/worksheets/sheet2.xml" else data)
    with pytest.raises(NotReadable):
        xlsx._read_calamine(path)
    new = _outcome(lambda p: xlsx.read_workbook(p, ReadOptions()), path)
    assert new == _outcome(xlsx.read_with_openpyxl, path)
    assert new[1].startswith(f"{path}: not a readable Excel workbook (\"There is no item named 'xl/worksheets/sheet2")


# ---- the scan of a sheet part --------------------------------------------------------------

def _part(prefix: str = "", with_refs: bool = True) -> tuple[bytes, dict, list[str]]:
    """A sheet part with error cells of every form, and what a scan must find in it."""
    x = f"{prefix}:" if prefix else ""
    rows, errors = [], {}
    for r in range(1, 301):
        cells = []
        for c, col in enumerate("ABCD", start=1):
            ref = f' r="{col}{r}"' if with_refs else ""
            if (r * 7 + c) % 11 == 0:
                cells.append(f'<{x}c{ref} s="1" t="e"><{x}f>1/0</{x}f><{x}v>#DIV/0!</{x}v></{x}c>')
                errors[(r, c)] = "#DIV/0!"
            elif (r * 5 + c) % 13 == 0:
                cells.append(f"<{x}c{ref} t='e'/>")  # an error cell without a value: read as empty
            elif (r + c) % 17 == 0:
                cells.append(f'<{x}c t="e"{ref}><{x}v>#N/A</{x}v></{x}c>')
                errors[(r, c)] = "#N/A"
            else:
                cells.append(f'<{x}c{ref} t="n"><{x}v>{r * c}</{x}v></{x}c>')
        rows.append(f'<{x}row r="{r}">' + "".join(cells) + f"</{x}row>")
    merged = ["A1:B1", "C5:D9", "A300:D300"]
    ns = f'xmlns{":" + prefix if prefix else ""}="{MAIN}"'
    xml = (f"<{x}worksheet {ns}><{x}sheetData>" + "".join(rows) + f"</{x}sheetData><{x}mergeCells count=\"3\">"
           + "".join(f'<{x}mergeCell ref="{m}"/>' for m in merged) + f"</{x}mergeCells></{x}worksheet>")
    return xml.encode(), errors, merged


@pytest.mark.parametrize("prefix", ["", "x"])
@pytest.mark.parametrize("chunk", [1, 7, 100, 4096, 1 << 20])
def test_scan_finds_every_error_cell_and_merged_range_whatever_the_chunks(prefix, chunk):
    xml, errors, merged = _part(prefix)
    scan = scan_sheet(io.BytesIO(xml), chunk=chunk)
    assert scan.errors == errors and len(errors) > 40
    assert scan.merged == merged
    assert _counted(io.BytesIO(xml))[0] == errors


def test_scan_counts_cells_without_references():
    xml, errors, _ = _part(with_refs=False)
    assert scan_sheet(io.BytesIO(xml), chunk=999, reopen=lambda: io.BytesIO(xml)).errors == errors


def test_row_widths_count_styled_empty_cells():
    xml = (f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1"><v>1</v></c><c r="M1" s="2"/></row>'
           '<row><c><v>1</v></c><c/><c/></row></sheetData></worksheet>').encode()
    assert row_widths(io.BytesIO(xml)) == 13
