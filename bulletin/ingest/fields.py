"""Parsing the fields of raw tables: names compared case-blind, text, numbers and dates.

The column parsers (:func:`as_text`, :func:`as_numbers`, :func:`as_dates`) parse each distinct
value of a column once and spread the results back to the rows. :func:`no_such_day` explains a
date that has the right shape but names no calendar day. :func:`fold` and
:func:`variable_spellings` compare station and variable names as people write them.
"""

from __future__ import annotations

import calendar
import re
from functools import lru_cache

import numpy as np
import pandas as pd

from ..units import conversion_factor, load_variables

DATE_FORMS = {"%Y-%m-%d": "YYYY-MM-DD", "%d.%m.%Y": "DD.MM.YYYY"}


@lru_cache(maxsize=1)
def variable_spellings() -> dict[str, str]:
    """Accepted spellings of each variable: its id and its name in every language (casefolded)."""
    out = {}
    for name, var in load_variables().items():
        out[fold(name)] = name
        for label in var.names.values():
            out[fold(label)] = name
    return out


def fold(text: str) -> str:
    """A name compared case-blind, with ё as е and runs of spaces as one."""
    return " ".join(text.replace("ё", "е").replace("Ё", "Е").split()).casefold()


def _distinct(col: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """(row -> position, distinct values as stripped text) of a column; missing values are ''.

    Observation files repeat the same station, variable, unit and date strings on thousands of
    rows: parsing the distinct values only, then spreading the results back with the positions,
    is many times faster than working on every row.
    """
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    text = pd.Series([str(v).strip() for v in uniques] + [""], dtype=object)
    return np.where(codes < 0, len(uniques), codes), text


def as_text(col: pd.Series) -> pd.Series:
    """A column as stripped text; None and NaN become ''."""
    rows, text = _distinct(col)
    return pd.Series(text.to_numpy()[rows], index=col.index, dtype=object)


def as_numbers(col: pd.Series, decimal: str) -> tuple[np.ndarray, np.ndarray]:
    """(float values, mask of text that is not a number) of a column of text and/or numbers."""
    if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
        return col.to_numpy(dtype=float), np.zeros(len(col), dtype=bool)
    if pd.api.types.is_string_dtype(col):
        typed = np.zeros(len(col), dtype=bool)
        obj = col
    else:
        obj = col.astype(object)
        typed = obj.map(lambda x: isinstance(x, (int, float, np.number)) and not isinstance(x, bool)
                        ).to_numpy(dtype=bool)
    values = np.full(len(col), np.nan)
    if typed.any():
        values[typed] = obj[typed].to_numpy(dtype=float)
    rows, text = _distinct(obj[~typed])
    cleaned = text
    if decimal == ",":
        cleaned = text.str.replace(r"[\s\u00a0\u202f]", "", regex=True).str.replace(",", ".", regex=False)
    parsed = pd.to_numeric(cleaned, errors="coerce").to_numpy(dtype=float)
    values[~typed] = parsed[rows]
    bad = np.zeros(len(col), dtype=bool)
    bad[~typed] = (np.isnan(parsed) & (text != "").to_numpy())[rows]
    return values, bad


def as_dates(col: pd.Series, formats: tuple[str, ...]) -> pd.Series:
    """Dates (datetime64, day) of a column of text or datetimes, trying ``formats`` in order; NaT where none fits."""
    if pd.api.types.is_datetime64_any_dtype(col):
        if col.dt.tz is not None:
            return col.dt.tz_localize(None).dt.normalize()
        ticks = col.to_numpy().view(np.int64)
        per_day = np.timedelta64(1, "D") // np.timedelta64(1, np.datetime_data(col.dtype)[0])
        if not col.hasnans and not (ticks % per_day).any():  # days already (a typed reader's dates)
            return col
        return col.dt.normalize()
    rows, text = _distinct(col)
    dates = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    for fmt in formats:
        missing = dates.isna()
        if not missing.any():
            break
        parsed = pd.to_datetime(text[missing], format=fmt, errors="coerce")
        if parsed.dtype != dates.dtype:  # a date beyond datetime64[ns] (before 1677, after 2262): NaT, explained
            unit = np.datetime_data(parsed.dtype)[0]
            ticks = parsed.to_numpy().astype(f"datetime64[{unit}]").astype("datetime64[D]")
            inside = (ticks >= np.datetime64(DATE_RANGE[0])) & (ticks <= np.datetime64(DATE_RANGE[1]))
            parsed = pd.Series(np.where(inside, ticks, np.datetime64("NaT")).astype("datetime64[ns]"),
                               index=parsed.index)
        dates[missing] = parsed
    return pd.Series(dates.to_numpy()[rows], index=col.index)


DATE_RANGE = ("1678-01-01", "2261-12-31")
"""The dates a reader accepts (within those of datetime64[ns]); beyond them a date is an error that says so."""


def same_unit(a: str, b: str) -> bool:
    """True when two unit spellings name the same unit (the same text, case-blind, for unknown units)."""
    try:
        return conversion_factor(a, b) == 1.0
    except ValueError:
        return a.strip().casefold() == b.strip().casefold()


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def no_such_day(text: str, formats: tuple[str, ...]) -> str:
    """``: February 2026 has 28 days`` when ``text`` has the shape of a format but names no calendar day."""
    for fmt in formats:
        pattern = re.escape(fmt).replace("%Y", r"(?P<Y>\d{4})").replace("%m", r"(?P<m>\d{1,2})").replace(
            "%d", r"(?P<d>\d{1,2})")
        match = re.fullmatch(pattern, text)
        if not match:
            continue
        year, month, day = int(match["Y"]), int(match["m"]), int(match["d"])
        if not 1 <= month <= 12:
            return f": there is no month {month}"
        days = calendar.monthrange(year, month)[1] if year > 0 else 31
        if not 1 <= day <= days:
            return f": {_MONTHS[month - 1]} {year} has {days} days"
        if not DATE_RANGE[0] <= f"{year:04d}-{month:02d}-{day:02d}" <= DATE_RANGE[1]:
            return f": dates from {DATE_RANGE[0]} to {DATE_RANGE[1]} are read (is the year mistyped?)"
    return ""
