"""CSV tables of observations: the canonical CSV of DESIGN.md and its Russian-locale variant.

Canonical: UTF-8, comma-separated, header ``station,variable,date,value,unit[,resolution,flag]``,
ISO dates, decimal point; ``.csv.gz`` is read transparently.

Russian-locale variant (as Excel saves a CSV on a Russian Windows): semicolon separator
(tab and comma are accepted too), decimal comma, cp1251 or UTF-8 with or without BOM,
column names in Russian (:data:`COLUMN_NAMES`) or English, dates DD.MM.YYYY (ISO accepted).
The variant is recognised from the header line: a semicolon or tab, or a Russian column name.
Variable names may be written as in ``indicators/variables.yml`` in any language
(``расход воды``).

Missing values: in the canonical CSV only an empty field (``-`` or ``9999`` are not codes: the
first is not a number, the second is a number that QC judges); the Russian-locale variant also
reads :data:`LOCALE_MISSING` (``-``, ``н/д``) as missing, as hydromet tables saved from Excel
write them. A header without any row after it is an error.
"""

from __future__ import annotations

import csv as _csv
import io
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import IngestError
from .registry import RawTable, ReadOptions, register
from .text import (
    SEPARATOR_WORDS,
    decode,
    delimiter_of,
    read_bytes,
    rows_with_lines,
    split_fields,
    width_problem,
    wrong_width,
)

REQUIRED = ("station", "variable", "date", "value", "unit")
OPTIONAL = ("resolution", "flag")
# header spelling (casefolded) -> field
COLUMN_NAMES = {
    **{name: name for name in (*REQUIRED, *OPTIONAL)},
    "станция": "station", "переменная": "variable", "дата": "date", "значение": "value",
    "единица": "unit", "разрешение": "resolution", "признак": "flag",
}
# resolution spellings of the Russian variant -> resolution
RESOLUTION_NAMES = {"сутки": "day", "день": "day", "пентада": "pentad", "декада": "dekad", "месяц": "month"}
LOCALE_DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d")
LOCALE_HINT = ("correct the lines named above; the Russian-locale CSV has the header "
               "станция;переменная;дата;значение;единица, dates DD.MM.YYYY and a decimal comma.")
# missing-value codes of the Russian-locale variant (as hydromet tables write them: "нет данных", a dash);
# the canonical CSV has one way to say "missing": an empty field
LOCALE_MISSING = ("-", "—", "–", "н/д", "Н/Д")


def header_fields(line: str) -> list[str]:
    """The column names of a header line, casefolded, with any byte order mark removed."""
    return [h.lstrip("\ufeff").strip().casefold() for h in split_fields(line, delimiter_of(line))]


def looks_like_table(lines: list[str]) -> bool:
    """True when the first line names a value column and another observation column (English or Russian)."""
    fields = [COLUMN_NAMES.get(h) for h in header_fields(lines[0])]
    return "value" in fields and sum(f is not None for f in fields) >= 2


def is_locale_variant(header_line: str) -> bool:
    """Whether a header line is of the Russian-locale variant: a semicolon or tab, or a Russian column name."""
    return delimiter_of(header_line) != "," or any(h in COLUMN_NAMES and COLUMN_NAMES[h] != h
                                                   for h in header_fields(header_line))


@register("csv", (".csv", ".csv.gz"), sniff=looks_like_table,
          layout="a header naming the columns station, variable, date, value, unit (or станция, переменная, "
                 "дата, значение, единица), one observation per line")
def read_csv_table(path: Path, options: ReadOptions) -> RawTable:
    """Raw fields of a canonical or Russian-locale CSV file, with the line number of each row."""
    data = read_bytes(path)
    end = data.find(b"\n")
    header_line, _ = decode(path, data if end < 0 else data[:end])
    if not data or data.isspace():
        raise IngestError(f"{path}: the file is empty.", hint="a canonical CSV starts with the header "
                          + ",".join(REQUIRED) + ".")
    if is_locale_variant(header_line):
        raw = read_locale_csv(path, data, options)
    else:
        raw = RawTable(read_canonical_csv(path, data, options))
    if raw.rows.empty:
        raise IngestError(f"{path}: line 1: the header is followed by no observation.",
                          hint="add the observations below the header, one per line, or leave the file out; "
                               "a file cut short after its header must be copied again from its source.")
    return raw


def _missing_columns(path: Path, header: list[str], options: ReadOptions, delimiter: str) -> None:
    missing = [c for c in REQUIRED if c not in header and getattr(options, c, None) is None]
    if missing:
        raise IngestError(f"{path}: line 1: the header lacks the column(s) {', '.join(missing)}.",
                          hint="the header must be " + delimiter.join(REQUIRED) + " (optional: resolution, flag); "
                          "a file without station, variable or unit columns needs them given with "
                          "--station, --variable, --unit.")


def read_canonical_csv(path: Path, data: bytes, options: ReadOptions | None = None) -> pd.DataFrame:
    """Fields of a canonical CSV file (UTF-8 only), with the line number of each row.

    A file that pyarrow parses with the canonical types (:func:`read_typed`) comes back typed:
    text columns as categories, dates, numbers. Any other file, and any file with a problem,
    is read as text by the careful path, which names every problem with its line.
    """
    end = data.find(b"\n")
    first = (data if end < 0 else data[:end]).decode("utf-8-sig", errors="replace")
    header = [h.strip().lower() for h in next(_csv.reader(io.StringIO(first)), [])]
    _missing_columns(path, header, options or ReadOptions(), ",")
    typed = read_typed(data, header)
    if typed is not None:
        return typed
    text, _ = decode(path, data, ("utf-8-sig",))
    if '"' in text:
        frame = _read_quoted(path, text, header, ",")
    else:
        frame = _read_plain(path, text, header)
    keep = [c for c in (*REQUIRED, *OPTIONAL) if c in frame]
    out = frame[keep].astype(str)
    out["line"] = frame["line"].to_numpy()
    return out


TEXT_COLUMNS = ("station", "variable", "unit", "resolution", "flag")
# the days (since 1970-01-01) of 1678-01-01 and 2261-12-31, within the range of datetime64[ns]
NS_DAYS = (int(np.datetime64("1678-01-01", "D").astype(np.int64)), int(np.datetime64("2261-12-31", "D").astype(np.int64)))


def read_typed(data: bytes, header: list[str], breaks: int | None = None) -> pd.DataFrame | None:
    """Typed columns of a clean canonical CSV, parsed by pyarrow; None for the careful path.

    Taken only when the result is the careful path's, typed: no quotes (a quoted line break
    moves the line numbers), no blank line, no byte order mark inside, line breaks LF or
    CR LF, known and distinct column names, and every row parsing (fields per line, UTF-8,
    ISO dates, numbers). Empty fields are empty text, a missing date or
    value; nothing else is read as missing. The line of the row ``k`` (from 0) is ``k + 2``.
    Without pyarrow (an optional speed-up), always None. ``breaks`` is the count of line breaks
    in ``data`` when the caller has it.
    """
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.csv as pacsv
    except ImportError:
        return None
    known = (*REQUIRED, *OPTIONAL)
    if len(set(header)) != len(header) or not all(h in known for h in header) or data.find(b'"') >= 0 \
            or (data.find(b"\r") >= 0 and data.count(b"\r") != data.count(b"\r\n")):
        return None  # quotes, lone CRs: the line numbers would move
    words = pa.dictionary(pa.int32(), pa.string())
    types = {c: words for c in TEXT_COLUMNS} | {"date": pa.date32(), "value": pa.float64()}
    try:
        table = pacsv.read_csv(
            pa.py_buffer(data), read_options=pacsv.ReadOptions(skip_rows=1, column_names=header),
            parse_options=pacsv.ParseOptions(delimiter=","),
            convert_options=pacsv.ConvertOptions(column_types={c: types[c] for c in header}, null_values=[""],
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False),
            # the C library's allocator, as numpy's: memory one frees, the other reuses (bulletin/cli/process.py)
            memory_pool=pa.system_memory_pool())
    except pa.ArrowException:
        return None
    breaks = data.count(b"\n") if breaks is None else breaks
    if table.num_rows != breaks - (1 if data.endswith(b"\n") else 0):
        return None  # a blank line, which pyarrow skips: the line numbers would move (one count, no pattern search)
    if table.num_rows == 0 or ("value" in header and pc.any(pc.is_nan(table.column("value"))).as_py()):
        return None  # "nan" is not a number to the careful path, which says so
    if any("\ufeff" in word for c in TEXT_COLUMNS if c in header for word in _words(table.column(c))):
        return None  # a byte order mark inside the file: two files joined, which the careful path explains
    if "date" in header:  # nanoseconds, as the careful path gives them; dates beyond their range go that way
        span = pc.min_max(table.column("date").cast(pa.int32()))
        if span["min"].is_valid and not NS_DAYS[0] <= span["min"].as_py() <= span["max"].as_py() <= NS_DAYS[1]:
            return None
        table = table.set_column(header.index("date"), "date", table.column("date").cast(pa.timestamp("ns")))
    columns = {c: table.column(c) for c in known if c in header}
    table_rows = table.num_rows
    del table
    out = {c: col.to_pandas() for c, col in columns.items()}  # one copy, column by column
    out["line"] = np.arange(2, table_rows + 2, dtype=np.int64)
    return pd.DataFrame(out, copy=False)


def _words(column) -> list[str]:
    """The distinct texts of a dictionary-encoded pyarrow column."""
    if column.num_chunks == 0:
        return []
    return column.unify_dictionaries().chunk(0).dictionary.to_pylist()


def read_locale_csv(path: Path, data: bytes, options: ReadOptions) -> RawTable:
    """Raw fields of a Russian-locale CSV: any of the encodings, the header's separator, Russian names."""
    text, _ = decode(path, data)
    first_line = text.split("\n", 1)[0]
    delimiter = delimiter_of(first_line)
    names = header_fields(first_line)
    header = [COLUMN_NAMES.get(h, h) for h in names]
    _missing_columns(path, header, options, delimiter)
    frame = _read_quoted(path, text, header, delimiter)
    keep = [c for c in (*REQUIRED, *OPTIONAL) if c in frame]
    out = frame[keep].astype(str)
    if "resolution" in out:
        out["resolution"] = out["resolution"].str.strip().str.lower().replace(RESOLUTION_NAMES)
    out["value"] = out["value"].mask(out["value"].str.strip().isin(LOCALE_MISSING), "")
    out["line"] = frame["line"].to_numpy()
    decimal = "," if delimiter != "," else "."
    return RawTable(out, decimal=decimal, date_formats=LOCALE_DATE_FORMATS, hint=LOCALE_HINT)


def _lines_of_wrong_width(text: str, commas: int) -> np.ndarray:
    """1-based numbers of the lines after the header whose count of commas is not ``commas``.

    Counted on the bytes with numpy: a per-line Python loop costs seconds on a million lines.
    Blank lines are returned too (the caller skips them).
    """
    data = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    newlines = np.flatnonzero(data == ord("\n"))
    ends = np.append(newlines, data.size)  # exclusive end of each line
    starts = np.concatenate(([0], newlines + 1))
    commas_at = np.flatnonzero(data == ord(","))
    per_line = np.searchsorted(commas_at, ends) - np.searchsorted(commas_at, starts)
    wrong = np.flatnonzero(per_line != commas) + 1
    return wrong[wrong >= 2]


def _read_plain(path: Path, text: str, header: list[str]) -> pd.DataFrame:
    """Fast path for files without quoting: one physical line per row, so line = row + 2."""
    suspect = _lines_of_wrong_width(text, len(header) - 1)
    if suspect.size:
        lines = text.split("\n")
        last = len(lines)  # a file that ends with a line break splits into a last empty string
        problems = [width_problem(i, lines[i - 1].rstrip("\r").split(","), len(header), ",", unterminated=i == last)
                    for i in suspect if lines[i - 1].strip()]
        if problems:
            wrong_width(path, problems)
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[],
                        skip_blank_lines=False, header=0, names=header, engine="c")
    frame["line"] = frame.index.to_numpy() + 2
    blank = (frame[header].fillna("") == "").all(axis=1)
    return frame[~blank]


def _read_quoted(path: Path, text: str, header: list[str], delimiter: str) -> pd.DataFrame:
    """Rows parsed with the csv module, which knows the physical line of quoted fields."""
    records, lines, problems = [], [], []
    rows = rows_with_lines(text, delimiter)
    unterminated = not text.endswith(("\n", "\r"))
    for k, (line, row) in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            problems.append(width_problem(line, row, len(header), delimiter,
                                          unterminated=unterminated and k == len(rows)))
            continue
        records.append(row)
        lines.append(line)
    if problems:
        wrong_width(path, problems, SEPARATOR_WORDS[delimiter])
    frame = pd.DataFrame(records, columns=header, dtype=object)
    frame["line"] = lines
    return frame
