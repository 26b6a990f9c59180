"""Excel workbooks (.xlsx, .xlsm), read with python-calamine: every sheet that holds data.

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

The sheets are parsed with python-calamine (:mod:`bulletin.ingest.xlsx_cells`), several times faster
than openpyxl, and read as openpyxl's read-only mode reads them, so that the table and every message
are the same: error cells (``#N/A``), which calamine reads as empty, and the merged ranges are read
from the sheet's XML part (:mod:`bulletin.ingest.xlsx_parts`), in one pass of fast byte searches.
The sheets' columns make one table at once (:mod:`bulletin.ingest.xlsx_table`), with the cyclic garbage
collector paused while the workbook is read (the rows of a grid hold no cycle). openpyxl is kept for a workbook that calamine cannot open or parse (damaged, or not a workbook): it is
then read as before, with openpyxl's messages. Places are kept compact: each row has its sheet
(``part``) and row number (``line``), each field its column letters (``cell_<field>``);
:func:`bulletin.ingest.normalise` writes ``sheet 'x' cell D7`` only for the rows it reports.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from zipfile import BadZipFile, ZipFile

import pandas as pd

from ..errors import IngestError
from .csv import COLUMN_NAMES
from .fields import fold, variable_spellings
from .registry import RawTable, ReadOptions, register
from .xlsx_cells import (
    DAMAGED,
    NotReadable,
    blank_merged,
    cell_text,
    cell_value,
    column_letter,
    field_columns,
    load_sheets,
    long_columns,
    openpyxl_value,
)
from .xlsx_parts import cell_ranges, merged_ranges, row_widths
from .xlsx_table import VALUE_FIELDS, Texts, assemble
from .yearbook import YEAR_WORDS, expand, is_year, layout_of, refuse_short_rows, widths, year_rows

# sheet names that spreadsheet programs give by default: they name no station or variable
DEFAULT_SHEET_NAME = re.compile(r"^(sheet|лист|feuil|tabelle|hoja|foglio|planilha)\s*\d*$", re.IGNORECASE)
# how many non-empty rows may stand above the table (titles, notes)
TITLE_ROWS = 10
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y")
HINT = ("correct the cells named above; a long sheet has one header row station, variable, date, value, unit "
        "and one observation per row; a yearbook sheet has the year in column A and 12, 36 or 72 values after it.")
# openpyxl is used in two places only: read_with_openpyxl, for the workbooks python-calamine cannot read,
# and xlsx_parts.cell_ranges, for the order in which merged ranges are named (a sheet with merged cells).


@register("xlsx", (".xlsx", ".xlsm"),
          layout="an Excel workbook whose sheets hold a long table or the yearbook layout")
def read_workbook(path: Path, options: ReadOptions) -> RawTable:
    """Raw fields of every sheet of a workbook that holds data; empty sheets are noted and skipped.

    Read with python-calamine; a workbook that calamine cannot read is read with openpyxl.
    """
    try:
        return _read_calamine(path)
    except NotReadable:
        return read_with_openpyxl(path)


def _read_calamine(path: Path) -> RawTable:
    """The workbook read with python-calamine, as :func:`read_with_openpyxl` reads it."""
    frames, notes, texts = [], [], Texts()
    with _no_cycle_collection(), closing(load_sheets(path)) as sheets:
        for sheet in sheets:
            try:
                merged = cell_ranges(sheet.merged) if sheet.merged else []
            except ValueError as exc:
                raise _unreadable(path, exc) from exc
            grid = sheet.grid
            blank_merged(grid, merged)
            rows = ((number, tuple(map(openpyxl_value, row))) for number, row in enumerate(grid, start=1))
            frame = read_sheet(path, sheet.name, rows, merged,
                               long_table=lambda _rows, header, fields, g=grid: long_columns(
                                   g, header, field_columns(fields), texts),
                               widest=lambda part=sheet.part: _widest(path, part))
            _add(frames, notes, sheet.name, frame)
            _note_uncached(notes, sheet.name, sheet.uncached)
    return _table(path, frames, notes)


def _note_uncached(notes: list[str], title: str, count: int) -> None:
    if count:
        notes.append(f"sheet '{title}': {count} formula cell(s) were saved without their value, so they are read "
                     "as empty: open the workbook, let it calculate, and save it again")


@contextmanager
def _no_cycle_collection():
    """Pause the cyclic garbage collector (if it runs), which would otherwise go over every row of the grids.

    The grids (lists of rows of numbers and texts) hold no reference cycle: reference counting frees them.
    """
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if running:
            gc.enable()


def _widest(path: Path, part: str) -> int:
    """The widest row of a sheet as openpyxl reads it (a styled empty cell widens a row; calamine skips it)."""
    try:
        with ZipFile(path) as archive, archive.open(part) as stream:
            return row_widths(stream)
    except DAMAGED as exc:
        raise NotReadable(str(exc)) from exc


def read_with_openpyxl(path: Path) -> RawTable:
    """The workbook read with openpyxl's read-only mode (the reader before python-calamine).

    Kept for the workbooks calamine cannot open or parse, which are read, or refused, as they always
    were (a text file saved as .xlsx, a damaged package); the tests compare both readers with it.
    """
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError) as exc:
        first = _text_start(path)
        if first is not None:
            raise IngestError(f"{path}: not a readable Excel workbook: it is a text file (line 1: '{first}').",
                              hint="a CSV table must be named .csv; a workbook must be saved as .xlsx from Excel "
                                   "or LibreOffice.") from exc
        raise _unreadable(path, exc) from exc
    try:
        try:
            merged, uncached = merged_ranges(path)
        except DAMAGED as exc:
            raise _unreadable(path, exc) from exc
        frames, notes = [], []
        for sheet in book.worksheets:
            ranges = merged.get(sheet.title, [])
            _add(frames, notes, sheet.title, read_sheet(path, sheet.title, _rows(sheet, ranges), ranges))
            _note_uncached(notes, sheet.title, uncached.get(sheet.title, 0))
    finally:
        book.close()  # read-only mode keeps the file open
    return _table(path, frames, notes)


def _add(frames: list, notes: list, title: str, frame) -> None:
    if frame is None:
        notes.append(f"sheet '{title}' is empty: skipped")
    else:
        frames.append(frame)


def _table(path: Path, frames: list, notes: list[str]) -> RawTable:
    """The raw table of the sheets that hold data (frames or :class:`~bulletin.ingest.xlsx_table.Columns`)."""
    if not frames:
        raise IngestError(f"{path}: no sheet holds data.", hint=HINT)
    return RawTable(assemble(frames), decimal=",", date_formats=DATE_FORMATS, hint=HINT, notes=notes)


def _unreadable(path: Path, exc: Exception) -> IngestError:
    return IngestError(f"{path}: not a readable Excel workbook ({exc}).",
                       hint="save it as .xlsx from Excel or LibreOffice (an old .xls must be saved as .xlsx).")


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


def _rows(sheet, merged: list) -> Iterator[tuple[int, tuple]]:
    """(row number, values from column A) of every row of a sheet.

    A cell covered by a merged range, other than its top-left one, is empty, as openpyxl's normal mode reads it.
    """
    sheet.reset_dimensions()  # read every row and cell, whatever dimension the file declares
    rows = enumerate(sheet.iter_rows(min_row=1, min_col=1, values_only=True), start=1)
    if not merged:
        yield from rows
        return
    for number, row in rows:
        for r in merged:
            if r.min_row <= number <= r.max_row:
                start = r.min_col if number == r.min_row else r.min_col - 1  # 0-based, the top-left cell kept
                stop = min(r.max_col, len(row))
                if start < stop:
                    row = row[:start] + (None,) * (stop - start) + row[stop:]
        yield number, row


def _blank(row) -> bool:
    """True when every cell is empty as :func:`cell_text` reads it (only text can be blank)."""
    for v in row:
        if v is not None and (not isinstance(v, str) or v.strip()):
            return False
    return True


def read_sheet(path: Path, title: str, rows: Iterator[tuple[int, tuple]], merged: list = (), *,
               long_table: Callable | None = None, widest: Callable[[], int] | None = None):
    """Raw rows of one sheet (None when it is empty), each field with its cell.

    Parameters
    ----------
    path : pathlib.Path
        The workbook, for messages.
    title : str
        The sheet's name.
    rows : iterator of (int, tuple)
        (row number, values from column A) of every row, as openpyxl's read-only mode reads them.
    merged : list
        The merged ranges of the sheet (openpyxl CellRanges, :func:`merged_ranges`).
    long_table : callable, optional
        ``long_table(rows, header, fields)``: the rows of a long table below its header row (number
        ``header``, fields ``fields``), as :func:`_long_table` reads them from ``rows``, which it is by
        default; a frame, or :class:`~bulletin.ingest.xlsx_table.Columns` (which take the sheet's constants
        as a frame does).
    widest : callable, optional
        ``widest()``: the width of the widest row of the sheet, when ``rows`` are not as wide as
        openpyxl reads them (the yearbook layout counts the columns).
    """
    # rows are as wide as the widest row or merged range, as openpyxl's normal mode reads them
    width = max((r.max_col for r in merged), default=1)
    first, seen, layout = None, 0, None
    for number, row in rows:
        width = max(width, len(row))
        if _blank(row):
            continue
        first, seen = first or number, seen + 1
        texts = [cell_text(v) for v in row]
        fields = [COLUMN_NAMES.get(t.casefold()) for t in texts]
        if "value" in fields and sum(f is not None for f in fields) >= 2:
            layout = "long"
        elif is_year(texts[0]) and sum(bool(t) for t in texts) >= 2:
            layout = "yearbook"
        elif texts[0].casefold() in YEAR_WORDS:
            layout = "yearbook after its header"
        if layout or seen == TITLE_ROWS:
            break
    if layout is None:
        if not seen:
            return None
        names = ", ".join(r.coord for r in merged)
        raise IngestError(
            f"{path}: sheet '{title}' row {first}: the layout of this sheet is neither a long table "
            "nor a yearbook" + (f" (it has merged cells {names}: unmerge them)." if names else "."), hint=HINT)
    _refuse_merged(path, title, merged, number)
    if layout == "long":
        frame = (long_table or _long_table)(rows, number, fields)
    else:
        rows = [(number, row), *rows] if layout == "yearbook" else list(rows)
        frame = _yearbook_sheet(path, title, rows, max(width, widest()) if widest else width)
    if frame is None:
        return None
    _name_from_sheet(frame, title)
    frame["part"] = f"sheet '{title}'"
    return frame


def _refuse_merged(path: Path, title: str, merged: list, first_row: int) -> None:
    """Raise when merged cells reach into the table that starts at row ``first_row`` (1-based)."""
    inside = [r for r in merged if r.max_row >= first_row]
    if inside:
        cells = ", ".join(r.coord for r in inside)
        raise IngestError(f"{path}: sheet '{title}' cells {cells}: merged cells in the table.",
                          hint="unmerge them (Excel: Home > Merge & Center > Unmerge Cells) and give each column "
                               "its own name in a single header row; merged titles above the table are fine.")


def _long_table(rows: Iterator[tuple[int, tuple]], header: int, fields: list[str | None],
                strings: dict | None = None) -> pd.DataFrame | None:
    """The rows after the header as a table.

    Each field's value, the row number (``line``) and, per field, the column letters of its cells
    (``cell_<field>``).
    """
    strings = {} if strings is None else strings
    columns = field_columns(fields)
    out: dict[str, list] = {f: [] for f in columns}
    read = [(out[f].append, c, f in VALUE_FIELDS) for f, c in columns.items()]
    lines = []
    for number, row in rows:
        if _blank(row):
            continue
        n = len(row)
        for append, c, is_value in read:
            v = row[c] if c < n else None
            if is_value:
                v = cell_value(v)
                append(strings.setdefault(v, v) if isinstance(v, str) else v)
            else:
                t = cell_text(v)
                append(strings.setdefault(t, t))
        lines.append(number)
    if not lines:
        return None
    frame = pd.DataFrame(out)
    frame["line"] = lines
    for f, c in columns.items():
        frame[f"cell_{f}"] = column_letter(c)
    return frame


def _yearbook_sheet(path: Path, title: str, rows: list[tuple[int, tuple]], width: int) -> pd.DataFrame | None:
    """The yearbook rows from the first year on, each as wide as the widest row of the sheet (``width``)."""
    width = max([width, *(len(row) for _, row in rows)])
    raw = [(number, f"sheet '{title}' cell A{number}", cell_text(row[0]), [*row[1:], *[None] * (width - len(row))])
           for number, row in rows if not _blank(row)]
    rows, problems = year_rows(raw)
    if problems:
        raise IngestError(f"{path}: {len(problems)} row(s) do not start with a year:", details=problems[:20],
                          hint=HINT)
    if not rows:
        return None
    n, resolution = layout_of(path, widths(rows))
    refuse_short_rows(path, rows, n, resolution)
    # the cells as column letters beside the row number: a value's column, the date's is the year's (A)
    frame = expand(rows, n, resolution, lambda line, k: column_letter(k + 1))
    frame = frame.drop(columns="where").rename(columns={"where_value": "cell_value"})
    frame["cell_date"] = "A"
    return frame


def _name_from_sheet(frame, title: str) -> None:
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
