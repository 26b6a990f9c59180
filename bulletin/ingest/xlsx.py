"""Excel workbooks (.xlsx, .xlsm), read with openpyxl: every sheet that holds data.

A sheet holds one of two layouts, recognised in its first non-empty rows (title rows above
the table are skipped):

- a long table: a header row naming the columns as in the CSV readers (``station``,
  ``variable``, ``date``, ``value``, ``unit``, ``resolution``, ``flag`` or their Russian names),
  then one observation per row; dates may be Excel dates or text (YYYY-MM-DD or DD.MM.YYYY);
- the yearbook layout (see :mod:`bulletin.ingest.yearbook`): the year in column A, then 12, 36
  or 72 values, with or without a header row.

When the table does not name the station or the variable, the sheet name does: a sheet named
after a variable (``discharge``, ``расход воды``) gives the variable, any other sheet name the
station, so a workbook may hold one sheet per station or one per variable. Default sheet names
(``Sheet1``, ``Лист1``: :data:`DEFAULT_SHEET_NAME`) name nothing. The caller gives what neither
says (``station=``, ``variable=``, ``unit=``).

Merged cells inside a table (a two-row header, a merged title over the columns) are refused with
the sheet and the cells to unmerge: their values would otherwise be read from one cell only.
Errors name the file, the sheet and the cell, e.g. ``book.xlsx: sheet 'toktogul' cell D7: ...``.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from zipfile import BadZipFile

import pandas as pd

from ..errors import IngestError
from . import RawTable, ReadOptions, fold, register, variable_spellings
from .csv import COLUMN_NAMES
from .yearbook import MISSING, YEAR_WORDS, expand, is_year, layout_of, refuse_short_rows, widths, year_rows

# sheet names that spreadsheet programs give by default: they name no station or variable
DEFAULT_SHEET_NAME = re.compile(r"^(sheet|лист|feuil|tabelle|hoja|foglio|planilha)\s*\d*$", re.IGNORECASE)
# how many non-empty rows may stand above the table (titles, notes)
TITLE_ROWS = 10
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y")
HINT = ("correct the cells named above; a long sheet has one header row station, variable, date, value, unit "
        "and one observation per row; a yearbook sheet has the year in column A and 12, 36 or 72 values after it.")


def cell_text(v) -> str:
    """A cell as text: dates ISO, whole numbers without a decimal point, None empty."""
    if v is None:
        return ""
    if isinstance(v, datetime):
        return v.date().isoformat()
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def cell_value(v):
    """A value cell: numbers as float, text stripped (missing codes empty)."""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v)
    text = cell_text(v)
    return "" if text in MISSING else text


def column_letter(index: int) -> str:
    """Excel column letter of a 0-based column index (0 -> A, 26 -> AA)."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


@register("xlsx", (".xlsx", ".xlsm"),
          layout="an Excel workbook whose sheets hold a long table or the yearbook layout")
def read_workbook(path: Path, options: ReadOptions) -> RawTable:
    """Raw fields of every sheet of a workbook that holds data; empty sheets are noted and skipped."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        # not read_only: merged cells are only known in the normal mode
        book = openpyxl.load_workbook(path, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError) as exc:
        first = _text_start(path)
        if first is not None:
            raise IngestError(f"{path}: not a readable Excel workbook: it is a text file (line 1: '{first}').",
                              hint="a CSV table must be named .csv; a workbook must be saved as .xlsx from Excel "
                                   "or LibreOffice.") from exc
        raise IngestError(f"{path}: not a readable Excel workbook ({exc}).",
                          hint="save it as .xlsx from Excel or LibreOffice (an old .xls must be saved as .xlsx).") from exc
    frames, notes = [], []
    for sheet in book.worksheets:
        frame = read_sheet(path, sheet)
        if frame is None:
            notes.append(f"sheet '{sheet.title}' is empty: skipped")
        else:
            frames.append(frame)
    if not frames:
        raise IngestError(f"{path}: no sheet holds data.", hint=HINT)
    rows = pd.concat(frames, ignore_index=True)
    for col in ("value", "norm"):
        if col in rows:
            rows[col] = rows[col].astype(object)
    return RawTable(rows, decimal=",", date_formats=DATE_FORMATS, hint=HINT, notes=notes)


def _text_start(path: Path) -> str | None:
    """The first line of a file that is UTF-8 text (at most 60 characters), else None."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(512)
        text = head.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    lines = text.splitlines()
    if b"\0" in head or not lines or not lines[0].isprintable():
        return None
    return lines[0][:60]


def read_sheet(path: Path, sheet) -> pd.DataFrame | None:
    """Raw rows of one sheet (None when it is empty), each field with its cell."""
    title = sheet.title
    cells = [list(r) for r in sheet.iter_rows(min_row=1, min_col=1, values_only=True)]
    filled = [i for i, r in enumerate(cells) if any(cell_text(v) for v in r)]
    if not filled:
        return None
    for i in filled[:TITLE_ROWS]:
        texts = [cell_text(v) for v in cells[i]]
        fields = [COLUMN_NAMES.get(t.casefold()) for t in texts]
        if "value" in fields and sum(f is not None for f in fields) >= 2:
            _refuse_merged(path, sheet, i + 1)
            frame = _long_table(sheet, cells, i, fields)
            break
        if is_year(texts[0]) and sum(bool(t) for t in texts) >= 2:
            _refuse_merged(path, sheet, i + 1)
            frame = _yearbook_sheet(path, sheet, cells, i)
            break
        if texts[0].casefold() in YEAR_WORDS:
            _refuse_merged(path, sheet, i + 1)
            frame = _yearbook_sheet(path, sheet, cells, i + 1)
            break
    else:
        merged = ", ".join(r.coord for r in sheet.merged_cells.ranges)
        raise IngestError(
            f"{path}: sheet '{title}' row {filled[0] + 1}: the layout of this sheet is neither a long table "
            "nor a yearbook" + (f" (it has merged cells {merged}: unmerge them)." if merged else "."), hint=HINT)
    if frame is None:
        return None
    _name_from_sheet(frame, title)
    frame["part"] = f"sheet '{title}'"
    return frame


def _refuse_merged(path: Path, sheet, first_row: int) -> None:
    """Raise when merged cells reach into the table that starts at ``first_row`` (1-based)."""
    merged = [r for r in sheet.merged_cells.ranges if r.max_row >= first_row]
    if merged:
        cells = ", ".join(r.coord for r in merged)
        raise IngestError(f"{path}: sheet '{sheet.title}' cells {cells}: merged cells in the table.",
                          hint="unmerge them (Excel: Home > Merge & Center > Unmerge Cells) and give each column "
                               "its own name in a single header row; merged titles above the table are fine.")


def _long_table(sheet, cells: list[list], header: int, fields: list[str | None]) -> pd.DataFrame | None:
    title = sheet.title
    columns = {}
    for c, f in enumerate(fields):
        if f is not None and f not in columns:
            columns[f] = c
    out: dict[str, list] = {f: [] for f in columns}
    out.update({f"where_{f}": [] for f in columns})
    out["line"], out["where"] = [], []
    for i in range(header + 1, len(cells)):
        row = cells[i]
        if not any(cell_text(v) for v in row):
            continue
        for f, c in columns.items():
            v = row[c] if c < len(row) else None
            out[f].append(cell_value(v) if f in ("value", "norm") else cell_text(v))
            out[f"where_{f}"].append(f"sheet '{title}' cell {column_letter(c)}{i + 1}")
        out["line"].append(i + 1)
        out["where"].append(f"sheet '{title}' row {i + 1}")
    if not out["line"]:
        return None
    return pd.DataFrame(out)


def _yearbook_sheet(path: Path, sheet, cells: list[list], start: int) -> pd.DataFrame | None:
    title = sheet.title
    raw = [(i + 1, f"sheet '{title}' cell A{i + 1}", cell_text(cells[i][0]), list(cells[i][1:]))
           for i in range(start, len(cells)) if any(cell_text(v) for v in cells[i])]
    rows, problems = year_rows(raw)
    if problems:
        raise IngestError(f"{path}: {len(problems)} row(s) do not start with a year:", details=problems[:20],
                          hint=HINT)
    if not rows:
        return None
    n, resolution = layout_of(path, widths(rows))
    refuse_short_rows(path, rows, n, resolution)
    frame = expand(rows, n, resolution, lambda line, k: f"sheet '{title}' cell {column_letter(k + 1)}{line}")
    frame["where_date"] = frame["where"]
    frame["where"] = [f"sheet '{title}' row {ln}" for ln in frame["line"]]
    return frame


def _name_from_sheet(frame: pd.DataFrame, title: str) -> None:
    """Fill the station or the variable the table does not name from the sheet name."""
    name = title.strip()
    if DEFAULT_SHEET_NAME.match(name):
        return
    has_station, has_variable = "station" in frame, "variable" in frame
    if has_station and has_variable:
        return
    if not has_station and not has_variable:
        role = "variable" if fold(name) in variable_spellings() else "station"
    else:
        role = "variable" if has_station else "station"
    frame[role] = name
    frame[f"where_{role}"] = f"sheet '{title}' (the sheet name)"
