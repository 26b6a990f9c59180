"""Formula cells saved without their value are read as empty, and the reader says so."""

from __future__ import annotations

import zipfile

import openpyxl

from bulletin.ingest import read_observations


def _workbook(path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "toktogul"
    sheet.append(["station", "variable", "date", "value", "unit"])
    sheet.append(["toktogul", "volume", "2020-01-01", 5, "Mm3"])
    sheet.append(["toktogul", "volume", "2020-01-02", "=D2*2", "Mm3"])  # openpyxl saves no value for a formula
    sheet.append(["toktogul", "volume", "2020-01-03", "=D3+1", "Mm3"])
    book.save(path)
    return path


def test_uncached_formulas_are_noted_with_their_sheet_and_count(tmp_path):
    obs = read_observations([_workbook(tmp_path / "f.xlsx")], None)
    assert obs.notes == ["f.xlsx: sheet 'toktogul': 2 formula cell(s) were saved without their value, so they are read "
                         "as empty: open the workbook, let it calculate, and save it again"]
    assert obs.frame["value"].isna().sum() == 2


def test_formulas_saved_with_their_values_are_read_without_a_note(tmp_path):
    source = _workbook(tmp_path / "f.xlsx")
    path = tmp_path / "calculated.xlsx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":  # as Excel saves them: the formula and its value
                data = data.replace(b"<f>D2*2</f><v></v>", b"<f>D2*2</f><v>10</v>").replace(
                    b"<f>D3+1</f><v></v>", b"<f>D3+1</f><v>11</v>")
                assert b"<v>10</v>" in data and b"<v>11</v>" in data
            zout.writestr(info, data)
    obs = read_observations([path], None)
    assert obs.notes == []
    assert obs.frame["value"].tolist() == [5.0, 10.0, 11.0]
