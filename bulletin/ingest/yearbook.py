"""The yearbook layout: one row per year, then the values of its months, dekads or pentads.

A row is ``year, v1, v2, ...`` with 12 (months), 36 (dekads: Jan I, Jan II, Jan III, ...,
Dec III) or 72 (pentads: 6 a month) values; the layout is told by the number of columns.
A first row whose first field is not a year is a header and is skipped. Years may be quoted
(``"1936"``); an empty field, or one of :data:`MISSING`, is a missing value. The row of the
last year may have fewer values than the layout (a year in progress) and ends early; a shorter
row of an earlier year is an error (a value was deleted, so the ones after it would be dated a
period early). The file names no station, variable or unit: they are given by the caller
(``station=``, ``variable=``, ``unit=``).

Each value becomes one observation at resolution ``month``, ``dekad`` or ``pentad`` dated by
the last day of its period (DESIGN.md). Comma or semicolon separated; a semicolon file may use
a decimal comma.

Example: ``hydromet-forecasting`` (hydrosolutions) data files, e.g.
``decadal_Ala_Archa_15194_Q.csv`` (Kyrgyzhydromet mean discharge per dekad [m3/s]).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..errors import IngestError
from ..periods import period_end
from .registry import RawTable, ReadOptions, register
from .text import MAX_REPORTED, decode, delimiter_of, read_bytes, rows_with_lines, split_fields

# number of values after the year -> resolution
LAYOUTS = {12: "month", 36: "dekad", 72: "pentad"}
# sentinel codes of a missing value (after stripping); an empty field is missing too
MISSING = ("", "-", "—", "NA", "NaN", "nan", "н/д", "нб")
# first header cell of a yearbook with a header row
YEAR_WORDS = ("year", "years", "год", "годы")
YEAR = re.compile(r"^\d{4}$")
FIRST_YEAR, LAST_YEAR = 1800, 2200
HINT = ("a yearbook row is the year, then 12 month, 36 dekad or 72 pentad values; leave a field empty "
        "for a missing value, and give the station, variable and unit with --station, --variable, --unit.")


def is_year(text: str) -> bool:
    """True for four digits between FIRST_YEAR and LAST_YEAR."""
    return bool(YEAR.match(text)) and FIRST_YEAR <= int(text) <= LAST_YEAR


def looks_like_yearbook(lines: list[str]) -> bool:
    """True when the first line starts with a year (or a year column header) followed by >= 12 fields."""
    fields = split_fields(lines[0].lstrip("\ufeff"), delimiter_of(lines[0]))
    if len(fields) < 13:
        return False
    return is_year(fields[0]) or fields[0].casefold() in YEAR_WORDS


def layout_of(path: Path, widths: list[tuple[str, int, int]]) -> tuple[int, str]:
    """(values per year, resolution) from the rows' numbers of values.

    ``widths`` holds (place, number of fields after the year, the same without trailing empty
    fields) per row. The layout is the smallest one between the widest row without and with its
    trailing empty fields, so a trailing separator does not change it.

    Raises
    ------
    IngestError
        When no layout fits, naming the widest row.
    """
    full = max(w[1] for w in widths)
    where, _, filled = max(widths, key=lambda w: w[2])
    for n in sorted(LAYOUTS):
        if filled <= n <= full:
            return n, LAYOUTS[n]
    raise IngestError(f"{path}: {where}: {filled} values after the year; a yearbook row holds 12 (months), "
                      "36 (dekads) or 72 (pentads).", hint=HINT)


def year_rows(rows: list[tuple[int, str, str, list]]) -> tuple[list[tuple[int, str, int, list]], list[str]]:
    """Rows with a valid year as (line, place, year, values), and the problems of the others.

    ``rows`` holds (line or sheet row, place of the year field, year field as text, value fields).
    """
    good, problems = [], []
    for line, where, year, values in rows:
        y = str(year).strip().strip('"').strip()
        if y.endswith(".0"):  # a year typed as a number in a spreadsheet
            y = y[:-2]
        if not is_year(y):
            problems.append(f"{where}: '{year}' is not a year ({FIRST_YEAR}-{LAST_YEAR}); the first column holds the year")
            continue
        good.append((line, where, int(y), values))
    return good, problems


def refuse_short_rows(path: Path, rows: list[tuple[int, str, int, list]], n: int, resolution: str) -> None:
    """Raise when a year other than the last has fewer fields than the layout.

    Only the last year may be in progress. A shorter row of an earlier year has lost a field
    (a value deleted instead of emptied), so every value after the gap would be dated a
    period too early.
    """
    last = max(year for _, _, year, _ in rows)
    short = [f"{where}: {len(values)} values for {year}, where the rows have {n} ({resolution}s); only the last "
             f"year ({last}) may end early" for _, where, year, values in rows if year != last and len(values) < n]
    if short:
        raise IngestError(f"{path}: {len(short)} row(s) of past years are short of values:",
                          details=short[:MAX_REPORTED],
                          hint="a missing value must stay as an empty field (two separators in a row), not be "
                               "deleted: find the period whose value was deleted and put an empty field there.")


def widths(rows: list[tuple[int, str, int, list]]) -> list[tuple[str, int, int]]:
    """(place, number of values, number without trailing empty fields) of each row, for :func:`layout_of`."""
    return [(where, len(values), len(_strip_trailing(values))) for _, where, _, values in rows]


def expand(rows: list[tuple[int, str, int, list]], n: int, resolution: str, place_of_value) -> pd.DataFrame:
    """One raw row per value: date = last day of its period, value as given (missing codes emptied).

    ``place_of_value(line, k)`` names the place of value ``k`` (0-based) of the row at ``line``.
    """
    out = {"date": [], "value": [], "line": [], "where": [], "where_value": []}
    for line, where, year, values in rows:
        for k, v in enumerate(values[:n]):
            if isinstance(v, str):
                v = v.strip()
            out["date"].append(period_end(resolution, year, k + 1).isoformat())
            out["value"].append("" if v is None or (isinstance(v, str) and v in MISSING) else v)
            out["line"].append(line)
            out["where"].append(where)
            out["where_value"].append(place_of_value(line, k))
    frame = pd.DataFrame(out)
    frame["value"] = frame["value"].astype(object)
    frame["resolution"] = resolution
    return frame


@register("yearbook", (".csv", ".csv.gz"), sniff=looks_like_yearbook,
          layout="one row per year: the year, then 12 month, 36 dekad or 72 pentad values (optional header row)")
def read_yearbook(path: Path, options: ReadOptions) -> RawTable:
    """Raw fields of a yearbook CSV: one observation per value, dated by the last day of its period."""
    text, _ = decode(path, read_bytes(path))
    delimiter = delimiter_of(text.split("\n", 1)[0])
    lines = rows_with_lines(text, delimiter)
    if not lines:
        raise IngestError(f"{path}: the file is empty.", hint=HINT)
    header_line, first = lines[0]
    if not is_year(first[0].lstrip("\ufeff").strip().strip('"')):
        lines = lines[1:]  # a header row
    rows, problems = year_rows([(ln, f"line {ln}", row[0], row[1:]) for ln, row in lines])
    if problems:
        raise IngestError(f"{path}: {len(problems)} row(s) do not start with a year:",
                          details=problems[:MAX_REPORTED], hint=HINT)
    if not rows:
        raise IngestError(f"{path}: line {header_line}: no year follows the header.", hint=HINT)
    n, resolution = layout_of(path, widths(rows))
    refuse_short_rows(path, rows, n, resolution)
    frame = expand(rows, n, resolution, lambda line, k: f"line {line} field {k + 2}")
    return RawTable(frame, decimal="," if delimiter == ";" else ".", hint="correct the places named above; " + HINT)


def _strip_trailing(values: list) -> list:
    out = list(values)
    while out and (out[-1] is None or str(out[-1]).strip() == ""):
        out.pop()
    return out
