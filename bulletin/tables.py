"""CSV text of a table, as ``pandas.DataFrame.to_csv`` writes it, at the speed of plain string joins, spreadsheet-safe.

The data commands write millions of rows (``bulletin status`` of a whole archive); pandas formats
them cell by cell through several layers. :func:`csv_text` writes the same bytes (the tests hold
them equal): each distinct value of a column is formatted once, floats with a ``%``-format
(NaN empty), text quoted as the csv module's minimal quoting does.

Text read from a data file can be anything, and a ministry opens the CSV in a spreadsheet: a text
cell that a spreadsheet would take for a formula (``=``, ``+``, ``-``, ``@``, tab or carriage
return first, and not a number) is written with a leading apostrophe (:func:`spreadsheet_safe`),
as spreadsheet-safe CSV writers do (OWASP, "CSV Injection").
"""

from __future__ import annotations

import csv
import io
import re

import numpy as np
import pandas as pd

CSV_FLOAT_FORMAT = "%.6g"
"""Numbers in every CSV output of the data commands: 6 significant digits (README, "Using it")."""
_SPECIAL = (",", '"', "\n")  # as the csv module quotes with the line terminator "\n"


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")  # a decimal number, which stays a number


def spreadsheet_safe(text: str) -> str:
    """``text`` as a spreadsheet cannot take it for a formula: an apostrophe first when it would be one.

    >>> [spreadsheet_safe(t) for t in ["=cmd|' /C calc'!A0", "+SUM(A1)", "@SUM(A1)", "-2.5", "-x", "toktogul", ""]]
    ["'=cmd|' /C calc'!A0", "'+SUM(A1)", "'@SUM(A1)", '-2.5', "'-x", 'toktogul', '']
    """
    if text.startswith(FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def safe_text_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell :func:`spreadsheet_safe` (numbers, dates and the header as they are)."""
    def safe(v):
        return spreadsheet_safe(v) if isinstance(v, str) else v

    out = frame.copy(deep=False)
    for c in frame.columns:
        col = frame[c]
        if isinstance(col.dtype, pd.CategoricalDtype):
            categories = list(col.cat.categories)
            renamed = [safe(v) for v in categories]
            if renamed != categories:
                out[c] = col.astype(object).map(safe)
        elif pd.api.types.is_object_dtype(col.dtype) or pd.api.types.is_string_dtype(col.dtype):
            out[c] = col.map(safe)
    return out


def _quoted(text: str) -> str:
    """A field as the csv module writes it with minimal quoting."""
    if any(c in text for c in _SPECIAL):
        return '"' + text.replace('"', '""') + '"'
    return text


def _column_text(col: pd.Series, float_format: str) -> np.ndarray:
    """The CSV field of each row of a column, as an object array of str."""
    dtype = col.dtype
    if pd.api.types.is_float_dtype(dtype):
        values = np.ascontiguousarray(col.to_numpy(dtype=float))
        inverse, bits = pd.factorize(values.view(np.int64))  # by bits (-0.0 is not 0.0), hashed, not sorted
        text = np.array(["" if v != v else float_format % v for v in np.asarray(bits).view(float).tolist()],
                        dtype=object)  # v != v: NaN, without a numpy call per value
        return text[inverse]
    if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_integer_dtype(dtype) or \
            pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype) or \
            isinstance(dtype, pd.CategoricalDtype):
        codes, uniques = pd.factorize(col, use_na_sentinel=True)
        text = np.array([_quoted(spreadsheet_safe(str(v)) if isinstance(v, str) else str(v))
                         for v in np.asarray(uniques, dtype=object)] + [""], dtype=object)
        return text[np.where(codes < 0, len(uniques), codes)]
    raise TypeError(f"no CSV text for a column of {dtype}")


def csv_text(frame: pd.DataFrame, float_format: str = CSV_FLOAT_FORMAT, header: bool = True) -> str:
    r"""The CSV of ``frame`` (header, then one line per row, ``\n`` endings), as ``DataFrame.to_csv`` gives it.

    Equal to ``frame.to_csv(index=False, header=header, lineterminator="\n", float_format=float_format)`` for
    columns of floats, integers, booleans, text and categories, but for the text cells
    :func:`spreadsheet_safe` changes; other columns (dates) go through pandas.

    >>> csv_text(pd.DataFrame({"a": ["x,y", "z"], "b": [1.5, float("nan")], "c": [1, 2]}))
    'a,b,c\n"x,y",1.5,1\nz,,2\n'
    """
    try:
        columns = [_column_text(frame[c], float_format) for c in frame.columns]
    except TypeError:
        return safe_text_columns(frame).to_csv(index=False, header=header, lineterminator="\n",
                                               float_format=float_format)
    out = io.StringIO()
    if header:
        csv.writer(out, lineterminator="\n").writerow([str(c) for c in frame.columns])
    if len(frame):
        out.write("\n".join(map(",".join, zip(*columns, strict=True))))
        out.write("\n")
    return out.getvalue()
