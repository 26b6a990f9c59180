"""The raw table of a workbook, built once from the columns of its sheets.

The python-calamine reader gives each long sheet as :class:`Columns`: its texts as codes of the
workbook's :class:`Texts` (each distinct text, and each distinct cell, converted once), its values as
:class:`Values` (float64 when every cell is a number or empty), its row numbers and its constants (the
column letters of the cells, the sheet's name as station or variable, the part). :func:`assemble`
makes the table of all the sheets at once, no frame built per sheet: a text column is one pyarrow
``take`` of the distinct texts, or, when each sheet has one text in it, its bytes repeated; a value
column is one concatenation.

The table is the one ``pandas.concat`` of the sheets' frames gives, as the openpyxl reader builds
it, with one rule for the value fields (``value``, ``norm``) of both readers: a column of numbers
and empty cells is float64, the empty cells NaN (as the canonical CSV reader gives them); any other
is an object column of numbers (float) and texts, empty cells ``''``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

# the fields read as values (numbers or text), the others as text
VALUE_FIELDS = ("value", "norm")


class Texts:
    """The distinct texts of a workbook, each with a code; equal texts share it.

    ``cells`` remembers the code of each calamine cell already converted, one table per class of
    cell (a ``str``, a ``date``): within one class, equal cells convert to the same text (True and
    1.0 are equal, but of different classes). ``last`` keeps the last column of each field and class
    and its codes: the sheets of a workbook often repeat the same dates.
    """

    def __init__(self) -> None:
        self.words: list[str] = []
        self.index: dict[str, int] = {}
        self.cells: dict[type, dict] = {}
        self.last: dict[tuple[str, type], tuple[list, np.ndarray]] = {}

    def encode(self, texts: list[str]) -> np.ndarray:
        """The codes (int32) of ``texts``, new texts added."""
        index = self.index
        try:
            return np.fromiter(map(index.__getitem__, texts), dtype=np.int32, count=len(texts))
        except KeyError:
            for t in dict.fromkeys(texts):  # in order of first appearance
                if t not in index:
                    index[t] = len(self.words)
                    self.words.append(t)
            return np.fromiter(map(index.__getitem__, texts), dtype=np.int32, count=len(texts))

    def of_cells(self, cells: list, convert, field: str = "") -> np.ndarray:
        """The codes of the texts of ``cells``, all of one class; ``convert(cell)`` is the text of a cell.

        Each distinct cell of the workbook is converted once; the cells of ``field`` equal to those of
        the field in the sheet before (the same days) are not looked up again.
        """
        key = (field, cells[0].__class__)
        last = self.last.get(key)
        if last is not None and last[0] == cells:
            return last[1]
        known = self.cells.setdefault(key[1], {})
        try:
            codes = np.fromiter(map(known.__getitem__, cells), dtype=np.int32, count=len(cells))
        except KeyError:
            new = [c for c in dict.fromkeys(cells) if c not in known]
            known.update(zip(new, self.encode([convert(c) for c in new]).tolist(), strict=True))
            codes = np.fromiter(map(known.__getitem__, cells), dtype=np.int32, count=len(cells))
        self.last[key] = (cells, codes)
        return codes

    def of_cell(self, cell, convert) -> int:
        """The code of the text of one cell (see :meth:`of_cells`)."""
        known = self.cells.setdefault(cell.__class__, {})
        if cell not in known:
            known[cell] = int(self.encode([convert(cell)])[0])
        return known[cell]

    def column(self, parts: list[tuple[np.ndarray | int, int]]):
        """The texts of ``parts`` one after the other, as the array pandas makes of a list of texts (same dtype).

        Each part is (codes, rows) or (code, rows): one text on every row, the column letters or the
        name of a sheet. Parts all of one text are written as repeated bytes, others taken from the
        distinct texts (pyarrow ``take``).
        """
        dtype = text_dtype()
        if getattr(dtype, "storage", None) != "pyarrow":
            return pd.array(np.array(self.words, dtype=object)[_codes(parts)], dtype=dtype)
        import pyarrow as pa

        kind = pa.array(pd.array([""], dtype=dtype)).type  # large_string in pandas 3
        if kind == pa.large_string() and all(isinstance(c, int) for c, _ in parts):
            return pd.array(_repeated([self.words[c].encode() for c, _ in parts], [n for _, n in parts]), dtype=dtype)
        return pd.array(pa.array(self.words, type=kind).take(pa.array(_codes(parts))), dtype=dtype)


def _codes(parts: list[tuple[np.ndarray | int, int]]) -> np.ndarray:
    """The codes of the rows of ``parts`` (see :meth:`Texts.column`)."""
    return np.concatenate([np.full(n, c, dtype=np.int32) if isinstance(c, int) else c for c, n in parts])


def _repeated(words: list[bytes], counts: list[int]):
    """A pyarrow large_string array of each of ``words`` (UTF-8) repeated ``counts`` times, built from its buffers."""
    import pyarrow as pa

    lengths = np.repeat(np.array([len(w) for w in words], dtype=np.int64), counts)
    offsets = np.zeros(lengths.size + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    data = b"".join(w * n for w, n in zip(words, counts, strict=True))
    return pa.Array.from_buffers(pa.large_string(), lengths.size, [None, pa.py_buffer(offsets), pa.py_buffer(data)])


def text_dtype():
    """The dtype pandas gives a column of texts (``str``, in pyarrow, with pandas 3; object before)."""
    return pd.Series([""]).dtype


@dataclass
class Values:
    """A value field of one sheet: ``numbers`` (float64, NaN where ``empty``) or ``objects``.

    Parameters
    ----------
    numbers : numpy.ndarray or None
        The values when every cell is a number or empty.
    empty : numpy.ndarray or None
        Where ``numbers`` holds an empty cell (None: nowhere).
    objects : numpy.ndarray or None
        Otherwise, numbers (float) and texts (``''`` for an empty cell), as objects.
    """

    numbers: np.ndarray | None = None
    empty: np.ndarray | None = None
    objects: np.ndarray | None = None

    @classmethod
    def of(cls, values: list) -> Values:
        """The values of a column of floats and texts, as :func:`numbers_or_objects` gives them."""
        kinds = set(map(type, values))
        if kinds == {float}:
            return cls(np.array(values, dtype=np.float64))
        objects = np.array(values, dtype=object)
        if kinds <= {float, str} and not any(v for v in values if v.__class__ is str):
            empty = objects == ""
            objects[empty] = np.nan
            return cls(objects.astype(np.float64), empty)
        return cls(objects=objects)

    def as_objects(self) -> np.ndarray:
        """The values as objects: floats, and ``''`` for an empty cell."""
        if self.objects is not None:
            return self.objects
        out = self.numbers.astype(object)
        if self.empty is not None:
            out[self.empty] = ""
        return out


def numbers_or_objects(col: pd.Series):
    """A value field of the table: float64 when every cell is a number or empty (NaN), else objects."""
    if col.dtype == np.float64:
        return col
    values = Values.of(col.tolist())
    return values.numbers if values.numbers is not None else col.astype(object)


class Columns:
    """The columns of a long table of one sheet, in the order a frame of the sheet has them.

    Supports ``name in columns`` and ``columns[name] = text`` (a text on every row), as a frame does.

    Parameters
    ----------
    texts : Texts
        The texts of the workbook, which the codes of the text columns refer to.
    rows : int
        The number of rows.
    """

    def __init__(self, texts: Texts, rows: int) -> None:
        self.texts, self.rows = texts, rows
        # name -> ("text", int32 codes) | ("constant", code) | ("value", Values) | ("line", int64)
        self.data: dict[str, tuple[str, object]] = {}

    def __contains__(self, name: str) -> bool:
        return name in self.data

    def __setitem__(self, name: str, text: str) -> None:
        self.data[name] = ("constant", int(self.texts.encode([text])[0]))

    def frame(self) -> pd.DataFrame:
        """The frame of this sheet alone, as the openpyxl reader builds it (values as a list)."""
        return _frame([self], numeric=False)


def assemble(frames: list) -> pd.DataFrame:
    """The table of the sheets' frames (:class:`Columns` or pandas DataFrames), one after the other.

    Columns of the same names in the same order are assembled at once; otherwise each becomes a frame
    and ``pandas.concat`` aligns them, as it always did.
    """
    if all(isinstance(f, Columns) for f in frames) and len({tuple(f.data) for f in frames}) == 1:
        return _frame(frames, numeric=True)
    rows = pd.concat([f.frame() if isinstance(f, Columns) else f for f in frames], ignore_index=True)
    for col in VALUE_FIELDS:
        if col in rows:
            rows[col] = numbers_or_objects(rows[col])
    return rows


def _frame(sheets: list[Columns], numeric: bool) -> pd.DataFrame:
    """The rows of ``sheets`` (the same columns), one after the other.

    ``numeric``: value fields by the rule of the table (:func:`numbers_or_objects`), else as lists, as
    in a sheet's own frame.
    """
    texts = sheets[0].texts
    out = {}
    for name, (kind, _) in sheets[0].data.items():
        parts = [s.data[name] for s in sheets]
        if kind == "line":
            out[name] = np.concatenate([p[1] for p in parts])
        elif kind == "value":
            values = [p[1] for p in parts]
            if numeric and all(v.numbers is not None for v in values):
                out[name] = np.concatenate([v.numbers for v in values])
            else:
                objects = np.concatenate([v.as_objects() for v in values])
                out[name] = pd.Series(objects, dtype=object, copy=False) if numeric else objects.tolist()
        else:
            out[name] = texts.column([(data, s.rows) for (_, data), s in zip(parts, sheets, strict=True)])
    return pd.DataFrame(out, copy=False)
