"""The XML parts of an Excel workbook, read where the cell readers do not tell enough.

A workbook is a zip package: ``xl/workbook.xml`` names the sheets, its relationships lead to each
sheet's part (``xl/worksheets/sheet1.xml``), and a sheet part holds the rows and cells
(``<c r="B7" t="e"><v>#N/A</v></c>``) then the merged ranges (``<mergeCell ref="A1:D1"/>``).
This module reads those parts directly, streaming and only as far as asked:

- :func:`sheet_parts`: the part of each sheet, found as openpyxl finds it;
- :func:`scan_sheet`: the error cells (``t="e"``, e.g. ``#DIV/0!``, ``#N/A``: python-calamine reads
  them as empty) and the merged ranges of a sheet, in one pass over the part in chunks;
- :func:`row_widths`: how wide openpyxl's read-only mode reads the rows of a sheet (the column of
  the last ``<c>`` element of each row, a styled empty cell included);
- :func:`merged_ranges`: the merged ranges of every sheet, for the openpyxl reader;
- :func:`marked_package`: a copy of the package whose sheet parts start with an empty
  ``<mergeCells>`` element, for python-calamine (see there).
"""

from __future__ import annotations

import io
import posixpath
import re
import struct
import xml.etree.ElementTree as ET
import zlib
from collections import deque
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZIP_STORED, ZipFile

# an optional namespace prefix of an element name (``x:c``)
_PREFIX = rb"(?:[A-Za-z_][\w.-]*:)?"
# a <mergeCell ref="A1:B2"/> element of a worksheet part, with or without a namespace prefix
MERGE_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\s[^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']")
# the start tag of a cell element, and of a cell whose type is "e" (an error): its attributes, "/" if empty
CELL_START = re.compile(rb"<" + _PREFIX + rb"c[\s/>]")
ERROR_CELL = re.compile(rb"<" + _PREFIX + rb"c((?:\s[^>]*?)?\st\s*=\s*[\"']e[\"'][^>]*?)(/?)>")
CELL_END = re.compile(rb"</" + _PREFIX + rb"c\s*>")
VALUE = re.compile(rb"<" + _PREFIX + rb"v(?:\s[^>]*)?(?:/>|>(.*?)</" + _PREFIX + rb"v\s*>)", re.DOTALL)
# the r="B7" attribute of a cell, and a cell reference
REF_ATTR = re.compile(rb"\sr\s*=\s*[\"']([^\"']*)[\"']")
REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")
# a cell beyond column Z, or a row numbered 100,000 or more, wherever it is (a literal first: the regular
# expression engine skips to it)
FAR_REFS = tuple(re.compile(rb" r=" + q + rb"(?:\$?([A-Za-z]{2,})\$?(\d*)|\$?[A-Za-z]?\$?(\d{6,}))" + q)
                 for q in (b'"', b"'"))
ROW_NUMBER = re.compile(rb"<" + _PREFIX + rb"row\s[^>]*?\br\s*=\s*[\"'](\d+)[\"']")
FORMULA_CELL = re.compile(rb"<" + _PREFIX + rb"c[\s>](?:(?!</" + _PREFIX + rb"c\s*>).)*?<" + _PREFIX + rb"f[\s/>]"
                          rb"(?:(?!</" + _PREFIX + rb"c\s*>).)*", re.DOTALL)
HAS_VALUE = re.compile(rb"<" + _PREFIX + rb"v(?:\s[^>]*)?>[^<]")
ROW_START = re.compile(rb"<" + _PREFIX + rb"row[\s/>]")


def sheet_parts(archive: ZipFile) -> dict[str, str]:
    """Sheet name -> its XML part, from the workbook part (xl/workbook.xml) and its relationships."""
    book = next((t for typ, t in _relationships(archive, "").values() if typ.endswith("/officeDocument")),
                "xl/workbook.xml")
    rels = _relationships(archive, book)
    out = {}
    for el in ET.fromstring(archive.read(book)).iter():
        if _local(el.tag) != "sheet":
            continue
        rid = next((v for k, v in el.attrib.items() if _local(k) == "id" and k.startswith("{")), None)
        if rid in rels:
            out[el.get("name")] = rels[rid][1]
    return out


def _relationships(archive: ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Id -> (type, target part) of the relationships of ``part`` ('' for the package's own)."""
    folder, name = posixpath.split(part)
    try:
        data = archive.read(posixpath.join(folder, "_rels", f"{name}.rels"))
    except KeyError:
        return {}
    out = {}
    for el in ET.fromstring(data):
        if _local(el.tag) != "Relationship" or el.get("TargetMode") == "External":
            continue
        target = el.get("Target", "")
        target = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out[el.get("Id")] = (el.get("Type", ""), target)
    return out


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def merged_ranges(path: Path) -> tuple[dict[str, list], dict[str, int]]:
    """The merged cell ranges (openpyxl CellRange) of each sheet, and its formula cells saved without a value.

    Read from the ``<mergeCell ref="..."/>`` elements of each worksheet part (:func:`cell_ranges`):
    (sheet name -> ranges, sheet name -> uncached formula cells), the sheets without either left out.
    """
    out, uncached = {}, {}
    with ZipFile(path) as archive:
        for name, part in sheet_parts(archive).items():
            with archive.open(part) as stream:
                scan = scan_sheet(stream, errors=False)
            if scan.merged:
                out[name] = cell_ranges(scan.merged)
            if scan.uncached:
                uncached[name] = scan.uncached
    return out, uncached


def cell_ranges(refs: list[str]) -> list:
    """The CellRanges (openpyxl) of merged-range references, in the order openpyxl's normal mode gives them.

    openpyxl is kept here for that order (``sheet.merged_cells.ranges`` is a set), so that messages list
    the ranges as they always did; it is imported only for a sheet with merged cells. A reference that
    is not a range raises ValueError.
    """
    from openpyxl.worksheet.cell_range import CellRange, MultiCellRange

    return list(MultiCellRange([CellRange(r) for r in refs]).ranges)


@dataclass
class SheetScan:
    """What :func:`scan_sheet` found in a sheet part.

    Parameters
    ----------
    errors : dict
        (row, column), both 1-based -> the text of an error cell (``#DIV/0!``), as openpyxl reads it.
    merged : list of str
        The ``ref`` of every ``<mergeCell>`` element, in document order.
    """

    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    merged: list[str] = field(default_factory=list)
    uncached: int = 0
    """Formula cells saved without their value (the workbook was not calculated before it was saved)."""
    rows: int = 0
    """The rows the sheet spans: its last row's number (or, without numbers, its count of rows)."""
    columns: int = 26
    """The columns it spans, at least 26 (Z): the widest cell reference beyond Z."""

    @property
    def cells(self) -> int:
        """Rows times columns: the size of the grid a reader builds for the sheet."""
        return self.rows * self.columns


def scan_sheet(stream, *, errors: bool = True, merged: bool = True, reopen=None, chunk: int = 1 << 20) -> SheetScan:
    """The error cells, the merged ranges and the extent of a sheet part, read in chunks.

    Each chunk is cut before the start tag of its last cell (else before its last ``<``), so no cell
    and no tag is split. A chunk is searched with regular expressions only where a byte search finds
    ``"e"`` (``'e'``) or ``mergeCell`` in it. Cells are located by their ``r`` attribute; when an
    error cell has none, ``reopen()`` gives the part again and the cells are counted as openpyxl
    counts them (:func:`_counted`).
    """
    out, tail, unplaced = SheetScan(), b"", False
    wide: set[bytes] = set()
    counted = 0
    while True:
        data = stream.read(chunk)
        buf = tail + data if tail else data
        cut = _cut(buf) if data else len(buf)  # the chunk is buf[:cut], read in place
        rows = _last_row(buf, cut)
        if rows:
            out.rows = max(out.rows, rows)
        elif not out.rows:  # rows without numbers: counted
            counted += len(ROW_START.findall(buf, 0, cut))
        if buf.find(b"<f", 0, cut) >= 0 or buf.find(b":f", 0, cut) >= 0:
            out.uncached += sum(1 for cell in FORMULA_CELL.findall(buf, 0, cut) if not HAS_VALUE.search(cell))
        for pattern in FAR_REFS:
            for letters, row, far_row in pattern.findall(buf, 0, cut):
                if letters:
                    wide.add(letters)
                number = row or far_row
                if number:
                    out.rows = max(out.rows, int(number))
        if errors and (buf.find(b'"e"', 0, cut) >= 0 or (buf.find(b"'", 0, cut) >= 0 and buf.find(b"'e'", 0, cut) >= 0)):
            unplaced |= _errors(buf, cut, out.errors)
        if merged and buf.find(b"mergeCell", 0, cut) >= 0:
            out.merged += [m.decode("ascii", "replace") for m in MERGE_CELL.findall(buf, 0, cut)]
        tail = buf[cut:]
        if not data:
            break
    out.rows = max(out.rows, counted)
    if wide:
        out.columns = max(26, *(_column(w) for w in wide))
    if unplaced and reopen is not None:
        with reopen() as again:
            out.errors = _counted(again)[0]
    return out


def _last_row(buf: bytes, stop: int) -> int:
    """The number of the last numbered row of ``buf[:stop]`` (0 if none): looked for near its end first."""
    for start in (max(0, stop - (1 << 16)), 0):
        last = deque(ROW_NUMBER.finditer(buf, start, stop), maxlen=1)
        if last:
            return int(last[0].group(1))
    return 0


def _cut(buf: bytes) -> int:
    """A place in ``buf`` that splits no cell element: the start of its last cell, else its last ``<``."""
    for start in (max(0, len(buf) - 8192), 0):
        last = deque(CELL_START.finditer(buf, start), maxlen=1)
        if last:
            return last[0].start()
    at = buf.rfind(b"<")
    return at if at >= 0 else len(buf)


def _errors(buf: bytes, stop: int, found: dict) -> bool:
    """Add the error cells of ``buf[:stop]`` to ``found``; True when one of them has no ``r`` attribute."""
    unplaced = False
    for m in ERROR_CELL.finditer(buf, 0, stop):
        text = None
        if not m.group(2):
            end = CELL_END.search(buf, m.end(), stop)
            value = VALUE.search(buf, m.end(), end.start() if end else stop)
            if value and value.group(1):
                text = ET.fromstring(b"<v>" + value.group(1) + b"</v>").text
        ref = REF_ATTR.search(m.group(1))
        place = _place(ref.group(1).decode("ascii", "replace")) if ref else None
        if place is None:
            unplaced = True
        elif text:  # openpyxl reads an error cell without a value as empty, as calamine does
            found[place] = text
    return unplaced


def _column(letters: bytes) -> int:
    """The 1-based column of a reference's letters, however many (``AB`` 28; beyond ``XFD`` a sheet has none)."""
    col = 0
    for ch in letters.upper():
        col = col * 26 + ch - 64
    return col


def _place(ref: str) -> tuple[int, int] | None:
    """(row, column), 1-based, of a cell reference such as ``B7``; None if it is not one."""
    m = REF.match(ref)
    if not m:
        return None
    col = 0
    for ch in m.group(1).upper():
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)), col


def row_widths(stream) -> int:
    """The width of the widest row as openpyxl's read-only mode reads it (see :func:`_counted`)."""
    return _counted(stream)[1]


def _counted(stream) -> tuple[dict[tuple[int, int], str], int]:
    """(error cells, width of the widest row) of a sheet part, each cell placed as openpyxl places it.

    A row is numbered by its ``r`` attribute, else one after the row before; a cell by its ``r``
    attribute, else one column after the cell before. A row is as wide as the column of its last cell.
    """
    found, widest, row, col = {}, 0, 0, 0
    for event, el in ET.iterparse(stream, events=("start", "end")):
        tag = _local(el.tag)
        if event == "start":
            if tag == "row":
                r = el.get("r")
                row = int(r) if r and r.isdigit() else row + 1
                col = 0
            continue
        if tag == "c":
            place = _place(el.get("r") or "")
            col = place[1] if place else col + 1
            if el.get("t") == "e":
                text = next((v.text for v in el if _local(v.tag) == "v"), None)
                if text:
                    found[place or (row, col)] = text
            el.clear()
        elif tag == "row":
            widest = max(widest, col)
            el.clear()
    return found, widest


# what python-calamine's merged-range reader looks for: it reads a sheet part up to the first <mergeCells>
MARK = b'<mergeCells count="0"></mergeCells>'
# a deflate block that is not the last, stored (not compressed), holding MARK: a compressed part can start with it
MARK_BLOCK = b"\x00" + struct.pack("<HH", len(MARK), len(MARK) ^ 0xFFFF) + MARK


def marked_package(archive: ZipFile, path: Path, parts: set[str]) -> bytes | None:
    """The package with ``MARK`` at the start of each sheet part of ``parts``, its other parts as they are.

    python-calamine reads a sheet twice: its cells, then the whole part again for the merged ranges,
    up to their ``<mergeCells>`` element after the cells; in this copy it finds one at once (empty).
    The merged ranges are read by :func:`scan_sheet` instead. The parts are copied without being
    decompressed: a deflated part gets ``MARK`` as a first stored block (:data:`MARK_BLOCK`), and its
    CRC is combined from the two (:func:`crc32_combine`). None for a package this cannot copy
    (encrypted parts, ZIP64, other compression methods, truncated): python-calamine then reads the file.
    """
    infos = archive.infolist()
    if len(infos) >= 0xFFFF or any(i.flag_bits & 1 or i.compress_type not in (ZIP_STORED, ZIP_DEFLATED)
                                   or max(i.compress_size, i.file_size, i.header_offset) >= 0xFFFF0000
                                   for i in infos):
        return None
    out, central = io.BytesIO(), []
    with open(path, "rb") as fh:
        for info in infos:
            fh.seek(info.header_offset)
            local = fh.read(30)
            if len(local) < 30 or local[:4] != b"PK\x03\x04":
                return None
            name_len, extra_len = struct.unpack("<HH", local[26:30])
            fh.seek(info.header_offset + 30 + name_len + extra_len)
            data = fh.read(info.compress_size)
            if len(data) < info.compress_size:  # a truncated file: as python-calamine finds it
                return None
            crc, size = info.CRC, info.file_size
            if info.filename in parts:
                data = (MARK_BLOCK if info.compress_type == ZIP_DEFLATED else MARK) + data
                crc, size = crc32_combine(zlib.crc32(MARK), crc, size), size + len(MARK)
            name = info.filename.encode("utf-8")
            y, mo, d, h, mi, sec = info.date_time  # as MS-DOS writes them, whatever the values read
            when = ((h & 31) << 11 | (mi & 63) << 5 | (sec // 2 & 31), (min(max(y - 1980, 0), 127) << 9 | (mo & 15) << 5
                                                                        | (d & 31)))
            fields = (0x800, info.compress_type, *when, crc, len(data), size, len(name))
            central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, *fields, 0, 0, 0, 0, 0, out.tell())
                           + name)
            out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, *fields, 0) + name)
            out.write(data)
    start = out.tell()
    out.write(b"".join(central))
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), out.tell() - start, start, 0))
    return out.getvalue()


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """The CRC-32 of two byte strings one after the other from their CRCs and the length of the second.

    As zlib's ``crc32_combine`` (not in Python's zlib module): ``crc1`` advanced over ``len2`` zero
    bytes, by the operators of 1, 2, 4... zero bytes (:func:`_zero_operators`), then ``crc2`` added.
    """
    for op in _zero_operators():
        if not len2:
            break
        if len2 & 1:
            crc1 = _times(op, crc1)
        len2 >>= 1
    return crc1 ^ crc2


@cache
def _zero_operators() -> list[list[int]]:
    """The operators (32 x 32 matrices over GF(2)) of 2**k zero bytes on a CRC-32, k = 0 to 47."""
    op = [0xEDB88320] + [1 << k for k in range(31)]  # one zero bit
    for _ in range(3):  # one zero byte
        op = _square(op)
    ops = [op]
    for _ in range(47):
        ops.append(_square(ops[-1]))
    return ops


def _times(matrix: list[int], vector: int) -> int:
    out, k = 0, 0
    while vector:
        if vector & 1:
            out ^= matrix[k]
        vector >>= 1
        k += 1
    return out


def _square(matrix: list[int]) -> list[int]:
    return [_times(matrix, row) for row in matrix]
