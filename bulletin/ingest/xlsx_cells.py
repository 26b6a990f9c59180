"""The cells of a workbook read with python-calamine, as openpyxl's read-only mode reads them.

python-calamine parses a sheet in Rust, an order of magnitude faster than openpyxl, and gives it as a grid
of rows from cell A1. The reader keeps the results it had with openpyxl, so this module gives each
cell the value openpyxl would give:

- numbers are floats in calamine, ints in openpyxl when the file writes them without a point;
- date cells are ``date`` in calamine, ``datetime`` in openpyxl;
- empty cells are ``''`` in calamine, None in openpyxl;
- control characters, which the file writes ``_x000D_``, are decoded by calamine, kept as written
  by openpyxl (:func:`openpyxl_text`);
- error cells (``#DIV/0!``, ``#N/A``) are empty in calamine: their text is read from the sheet's
  XML (:func:`bulletin.ingest.xlsx_parts.scan_sheet`) and put back in the grid (:func:`patch`).
  Formula cells without a cached value are empty in both.

Known differences, none in a workbook saved by Excel or LibreOffice: ``_x005F_`` (an escaped
underscore) in an inline string, which calamine decodes and openpyxl keeps; a date-formatted
number outside Excel's dates (openpyxl gives ``#VALUE!`` above 9999-12-31 and 1899 dates below 0,
calamine the number and a time of day); rich-text runs without ``xml:space="preserve"``, whose
edge spaces calamine drops. A workbook openpyxl could not read at all (a chart sheet without a
chart) is now read.

:func:`load_sheets` parses the sheets in two threads (calamine releases the GIL while it parses)
while the caller reads the sheets already parsed; each sheet's part is read once by calamine and
once, with byte searches, for its error cells and merged ranges. :func:`long_columns` reads the
rows of a long table column by column into :class:`~bulletin.ingest.xlsx_table.Columns` (texts
coded once per workbook, values as float64 when they are numbers), with the result of the
row-by-row reader of :mod:`bulletin.ingest.xlsx`.
"""

from __future__ import annotations

import io
import queue
import re
import xml.etree.ElementTree as ET
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from itertools import islice
from pathlib import Path
from zipfile import BadZipFile, ZipFile

import numpy as np

from .. import files
from ..errors import IngestError
from .xlsx_parts import marked_package, scan_sheet, sheet_parts
from .xlsx_table import VALUE_FIELDS, Columns, Texts, Values
from .yearbook import MISSING

# characters a workbook can only write escaped (_x000D_), which calamine decodes and openpyxl does not
CONTROL = re.compile("[\x00-\x08\x0b-\x1f]")
# sheets parsed ahead of the one being read, and the threads that parse them
AHEAD, THREADS = 3, 2
# what reading a workbook's parts raises when the package is damaged
DAMAGED = (BadZipFile, KeyError, OSError, ValueError, ET.ParseError)


class NotReadable(Exception):
    """python-calamine cannot read the workbook (or is not installed): the caller falls back to openpyxl."""


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
    n, letters = index + 1, ""
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def openpyxl_text(text: str) -> str:
    """A text as openpyxl reads it: control characters as the file writes them (CR -> ``_x000D_``)."""
    return CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", text) if CONTROL.search(text) else text


def openpyxl_value(v):
    """The value openpyxl's read-only mode gives for a cell that calamine reads as ``v``.

    Whole numbers below 1e15 are ints (openpyxl reads ``<v>11840</v>`` as an int; larger ones are
    written with an exponent, read as floats).
    """
    cls = v.__class__
    if cls is str:
        return openpyxl_text(v) if v else None
    if cls is float:
        return int(v) if v.is_integer() and -1e15 < v < 1e15 else v
    if cls is date:
        return datetime(v.year, v.month, v.day)
    return v


def blank(row) -> bool:
    """True when every cell of a calamine row is empty as :func:`cell_text` reads it in openpyxl's value."""
    for v in row:
        if v == "":
            continue
        if v.__class__ is not str or v.strip() or CONTROL.search(v):
            return False
    return True


@dataclass
class Sheet:
    """A sheet parsed by calamine: its name, its XML part, its rows from A1 and its merged ranges (``A1:D1``)."""

    name: str
    part: str
    grid: list[list]
    merged: list[str]
    uncached: int = 0


@contextmanager
def _calamine():
    """Turn any failure of python-calamine into :class:`NotReadable` (it raises its own errors and panics)."""
    try:
        yield
    except Exception as exc:  # noqa: BLE001 - any failure to parse means: read with openpyxl
        raise NotReadable(f"{type(exc).__name__}: {exc}") from exc
    except BaseException as exc:
        if type(exc).__name__ != "PanicException":  # a Rust panic (pyo3) is a BaseException
            raise
        raise NotReadable(f"{type(exc).__name__}: {exc}") from exc


def load_sheets(path: Path) -> Iterator[Sheet]:
    """The worksheets of a workbook in their order (hidden ones included, chart sheets left out).

    Up to :data:`AHEAD` sheets are parsed ahead in :data:`THREADS` threads, each with its own
    workbook handle (a handle serves one thread at a time). The handles read a copy of the package
    in memory whose sheet parts python-calamine reads once, not twice
    (:func:`~bulletin.ingest.xlsx_parts.marked_package`). Raises :class:`NotReadable` when calamine
    cannot read the workbook. Close the iterator when done (``contextlib.closing``).
    """
    try:
        from python_calamine import CalamineWorkbook, SheetTypeEnum
    except ImportError as exc:
        raise NotReadable(str(exc)) from exc
    try:
        with ZipFile(path) as archive:
            declared = sum(info.file_size for info in archive.infolist())
            if declared > files.LIMITS.decompressed_mib * files.MIB:
                raise files.too_large(path, "workbook decompressed", f"{declared / files.MIB:,.0f} MiB",
                                      files.LIMITS.decompressed_mib, "decompressed_mib", IngestError)
            parts = sheet_parts(archive)
            package = marked_package(archive, path, set(parts.values()))
    except DAMAGED as exc:
        raise NotReadable(str(exc)) from exc

    def handle():
        with _calamine():
            if package is None:
                return CalamineWorkbook.from_path(str(path))
            return CalamineWorkbook.from_filelike(io.BytesIO(package))

    first = handle()
    with _calamine():
        names = [m.name for m in first.sheets_metadata
                 if m.typ not in (SheetTypeEnum.ChartSheet, SheetTypeEnum.Vba)]
    opened, idle = [first], queue.SimpleQueue()
    idle.put(first)

    def load(name: str) -> Sheet:
        try:
            book = idle.get_nowait()
        except queue.Empty:
            book = handle()
            opened.append(book)
        try:
            return _parse(path, book, name, parts.get(name))
        finally:
            idle.put(book)

    pool = ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="xlsx")
    try:
        later = iter(names)
        pending = deque(pool.submit(load, name) for name in islice(later, AHEAD))
        while pending:
            sheet = pending.popleft().result()
            name = next(later, None)
            if name is not None:
                pending.append(pool.submit(load, name))
            yield sheet
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        for book in opened:
            book.close()


def _parse(path: Path, book, name: str, part: str | None) -> Sheet:
    """Parse one sheet with calamine, then read its XML part once for the error cells and the merged ranges.

    Error cells, which calamine reads as empty, are put back in the grid (:func:`patch`); the merged
    ranges are those of the part, in its order (calamine's are not read: see
    :func:`~bulletin.ingest.xlsx_parts.marked_package`).
    """
    if part is None:
        raise NotReadable(f"sheet '{name}' has no part in the package")
    try:
        with ZipFile(path) as archive, archive.open(part) as stream:
            scan = scan_sheet(stream, reopen=lambda: archive.open(part))
    except DAMAGED as exc:
        raise NotReadable(str(exc)) from exc
    if scan.cells > files.LIMITS.xlsx_cells:  # before calamine builds the grid (a far cell: billions of cells)
        raise IngestError(
            f"{path}: sheet '{name}' spans {scan.rows:,} rows x {scan.columns:,} columns, {scan.cells:,} cells, "
            f"beyond the limit of {files.LIMITS.xlsx_cells:,}.",
            hint="delete the cells far from the table (Ctrl+End in Excel shows the last one), or for truly large "
                 "data raise the limit with 'bulletin --limit xlsx_cells=N ...'.")
    with _calamine():
        grid = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    patch(grid, scan.errors)
    return Sheet(name, part, grid, scan.merged, scan.uncached)


def patch(grid: list[list], cells: dict[tuple[int, int], str]) -> None:
    """Put ``cells`` ((row, column) 1-based -> value) in the grid, widening it as needed (all rows as wide)."""
    if not cells:
        return
    rows = max(r for r, _ in cells)
    width = max(max(c for _, c in cells), len(grid[0]) if grid else 0)
    if grid and len(grid[0]) < width:
        for row in grid:
            row.extend([""] * (width - len(row)))
    grid.extend([""] * width for _ in range(rows - len(grid)))
    for (r, c), v in cells.items():
        grid[r - 1][c - 1] = v


def field_columns(fields: list[str | None]) -> dict[str, int]:
    """Each field named in a header row -> its 0-based column (the first column of a field named twice)."""
    columns: dict[str, int] = {}
    for c, f in enumerate(fields):
        if f is not None and f not in columns:
            columns[f] = c
    return columns


def blank_merged(grid: list[list], merged: list) -> None:
    """Empty the cells of merged ranges other than their top-left one, as openpyxl's normal mode reads them."""
    for r in merged:
        for number in range(r.min_row, min(r.max_row, len(grid)) + 1):
            row = grid[number - 1]
            start = r.min_col if number == r.min_row else r.min_col - 1  # 0-based, the top-left cell kept
            stop = min(r.max_col, len(row))
            if start < stop:
                row[start:stop] = [""] * (stop - start)


def long_columns(grid: list[list], header: int, columns: dict[str, int], texts: Texts) -> Columns | None:
    """The rows of a long table below its header row (1-based ``header``), column by column.

    The same table as the row-by-row reader gives from openpyxl's values: blank rows left out, each
    field as text (``value`` and ``norm`` as numbers or text), the row numbers (``line``) and each
    field's column letters (``cell_<field>``). ``columns`` maps each field to its 0-based column;
    the texts are coded with the workbook's ``texts``.
    """
    rows = grid[header:]
    lines = range(header + 1, header + 1 + len(rows))
    blanks = _blank_rows(rows)
    if blanks:
        rows = [row for i, row in enumerate(rows) if i not in blanks]
        lines = [n for i, n in enumerate(lines) if i not in blanks]
    if not rows:
        return None
    out = Columns(texts, len(rows))
    for f, c in columns.items():
        col = [row[c] for row in rows]
        kinds = set(map(type, col))
        if f in VALUE_FIELDS:
            out.data[f] = ("value", Values(np.array(col, dtype=np.float64)) if kinds == {float}
                           else Values.of(_column(col, True)))
        elif len(kinds) > 1:
            out.data[f] = ("text", texts.encode(_column(col, False)))
        elif col[0] == col[-1] and col.count(col[0]) == len(col):  # one cell on every row (the variable, the unit)
            out.data[f] = ("constant", texts.of_cell(col[0], _text_of))
        else:  # each distinct cell converted once in the workbook
            out.data[f] = ("text", texts.of_cells(col, _text_of, f))
    out.data["line"] = ("line", np.arange(lines.start, lines.stop, dtype=np.int64) if isinstance(lines, range)
                        else np.array(lines, dtype=np.int64))
    for f, c in columns.items():
        out[f"cell_{f}"] = column_letter(c)
    return out


def _text_of(v) -> str:
    """A field read as text from calamine's value of a cell, as from openpyxl's (:func:`cell_text`)."""
    return cell_text(openpyxl_value(v))


def _blank_rows(rows: list[list]) -> set[int]:
    """The indices of the blank rows (:func:`blank`); only rows whose first cell is blank are looked at."""
    if not rows:
        return set()
    first = [row[0] for row in rows]
    empty = {v for v in set(first) if v.__class__ is str and blank((v,))}
    if not empty:
        return set()
    return {i for i, v in enumerate(first) if v.__class__ is str and v in empty and blank(rows[i])}


def _column(col: list, is_value: bool) -> list:
    """One field of a long table from calamine's values: :func:`cell_value` or :func:`cell_text` of openpyxl's.

    Columns of one type are converted at once: texts, dates, numbers read as values (openpyxl's value
    of a number is the same float); other columns of one type once per distinct value, and the texts
    of a value field of numbers and texts (empty cells) once per distinct text.
    """
    kinds = set(map(type, col))
    if kinds == {float} and is_value:
        return col
    if kinds == {str}:
        distinct = set(col)
        if CONTROL.search("".join(distinct)):  # escaped before stripping: control characters are white space
            col = list(map(openpyxl_text, col))
            distinct = set(col)
        if len(distinct) * 4 < len(col):  # few distinct texts: each converted once
            keys = list(distinct)
            once = dict(zip(keys, _texts(keys, is_value), strict=True))
            return list(map(once.__getitem__, col))
        return _texts(col, is_value)
    if kinds == {date} or kinds == {datetime}:
        return [v.isoformat() for v in col] if kinds == {date} else [v.date().isoformat() for v in col]
    convert = _value_of if is_value else _text_of
    if len(kinds) == 1:  # one type: no two distinct values of it are equal (True == 1.0 needs two)
        once = {v: convert(v) for v in set(col)}
        return list(map(once.__getitem__, col))
    if is_value and kinds == {float, str}:  # numbers and texts (empty cells): each text converted once
        once = {v: convert(v) for v in {v for v in col if v.__class__ is str}}
        return [v if v.__class__ is float else once[v] for v in col]
    return [v if is_value and v.__class__ is float else convert(v) for v in col]


def _value_of(v):
    """A value field from calamine's value of a cell, as from openpyxl's (:func:`cell_value`)."""
    return cell_value(openpyxl_value(v))


def _texts(col: list[str], is_value: bool) -> list[str]:
    """Texts stripped (missing codes empty in a value field)."""
    texts = list(map(str.strip, col))
    if is_value:
        texts = ["" if t in MISSING else t for t in texts]
    return texts
