"""Validation and normalisation of the raw table of one file into canonical observation rows.

:func:`normalise` fills the fields the file does not name from the caller's options, resolves
stations against the network, checks variables and resolutions, parses dates and numbers and
converts units to each variable's canonical unit. It reports every problem with its file and
place (line, sheet and cell, or NetCDF variable) and how to fix it, in one :class:`IngestError`.
No quality control and no science happen here.
"""

from __future__ import annotations

from collections.abc import Callable
from difflib import get_close_matches
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import IngestError
from ..files import NOT_ONE_LINE
from ..network import KIND_VARIABLES, Network
from ..periods import OBSERVED_RESOLUTIONS as RESOLUTIONS
from ..periods import period_bounds
from ..units import conversion_factor, known_units, load_variables
from .coded import Coded, distinct_keys
from .fields import DATE_FORMS, as_dates, as_numbers, as_text, fold, no_such_day, same_unit, variable_spellings
from .registry import RawTable, ReadOptions
from .text import MAX_REPORTED

RESOLUTION_VALUES = RESOLUTIONS
# fields the caller may supply for files that do not name them
GIVEN_FIELDS = ("station", "variable", "unit")


def _raise(path: Path, problems: list[str], hint: str) -> None:
    counts: dict[str, int] = {}
    for p in problems:  # the same problem on many rows (a unit given for a whole file) is said once
        counts[p] = counts.get(p, 0) + 1
    unique = [p if n == 1 else f"{p} ({n} rows)" for p, n in counts.items()]
    shown = unique[:MAX_REPORTED]
    more = len(unique) - len(shown)
    if more:
        shown.append(f"... and {more} more")
    raise IngestError(f"{path}: {len(unique)} problem(s) in the data:", details=shown, hint=hint)


class _Problems:
    """Problems of one raw table, each at its place: ``where_<field>``, ``where``, or ``line N``.

    A field the caller filled in is placed at the option that gave it.
    """

    def __init__(self, rows: pd.DataFrame):
        self.rows = rows
        self.lines = rows["line"].to_numpy()
        self.filled: dict[str, np.ndarray] = {}
        self.found: list[tuple[int, str]] = []
        self.hints: list[str] = []  # how to fix problems that the reader's own hint does not cover
        self.origins: dict[str, str] = {}  # field -> where a value filled in came from, if not its option
        self.station_problems = 0  # of the problems found, how many are stations not in the network or of another kind

    def places(self, idx: np.ndarray, fld: str) -> list[str]:
        """The place of ``fld`` in the rows ``idx``, the most precise given.

        In order of preference: ``where_<field>``; in a sheet (a table with ``part`` and ``cell_<field>``
        columns, the column letters of the field's cells) the cell ``{part} cell {letters}{line}``;
        ``where``; in a sheet ``{part} row {line}``; else ``line N``.
        A sheet's places are written here, for the rows reported only.
        """
        rows, lines = self.rows, self.lines[idx]
        sheet = "part" in rows and any(str(c).startswith("cell_") for c in rows.columns)
        parts = rows["part"].to_numpy()[idx] if sheet else [None] * len(lines)
        out = [f"{p} row {ln}" if isinstance(p, str) and p else f"line {ln}" for p, ln in zip(parts, lines, strict=True)]
        for col in ("where", f"cell_{fld}", f"where_{fld}"):
            if col not in rows or (col.startswith("cell_") and not sheet):
                continue
            texts = rows[col].to_numpy()[idx]
            if col.startswith("cell_"):
                texts = [f"{p} cell {c}{ln}" if isinstance(p, str) and p and isinstance(c, str) and c else None
                         for p, c, ln in zip(parts, texts, lines, strict=True)]
            out = [w if isinstance(w, str) and w else o for w, o in zip(texts, out, strict=True)]
        if fld in self.filled:
            origin = self.origins.get(fld, f"given with --{fld}")
            out = [f"the {fld} {origin}" if f else p
                   for f, p in zip(self.filled[fld][idx], out, strict=True)]
        return out

    def report(self, mask, fld: str, message: Callable[[np.ndarray], list[str]]) -> None:
        """Record ``message(idx)`` for the rows ``idx`` where ``mask`` is true."""
        idx = np.flatnonzero(mask)
        if idx.size:
            for i, place, text in zip(idx, self.places(idx, fld), message(idx), strict=True):
                self.found.append((int(i), f"{place}: {text}"))

    def report_first(self, mask, fld: str, text: str) -> None:
        """Record ``text`` once, at the first row where ``mask`` is true."""
        idx = np.flatnonzero(mask)
        if idx.size:
            self.report_at(int(idx[0]), fld, text)

    def report_at(self, row: int, fld: str, text: str) -> None:
        """Record ``text`` at the row ``row`` (its position in the table)."""
        self.found.append((row, f"{self.places(np.array([row]), fld)[0]}: {text}"))

    def raise_if_any(self, path: Path, hint: str) -> None:
        """Raise one error with every problem found; the station hints replace the reader's when they are all."""
        if self.found:
            self.found.sort(key=lambda p: p[0])
            only_stations = self.station_problems == len(self.found)
            hints = list(dict.fromkeys(self.hints)) + ([] if only_stations and self.hints else [hint])
            _raise(path, [p for _, p in self.found], "; ".join(hints))


def normalise(raw: RawTable | pd.DataFrame, path: Path, network: Network | None, allow_unknown: bool,
              options: ReadOptions | None = None, file_names: list[str] | None = None) -> pd.DataFrame:
    """Raw fields of one file to canonical rows (see :class:`RawTable`), or an error listing every problem.

    ``file_names``: the rows are of several files (:mod:`.joined`); the raw column ``file``
    holds each row's position in ``file_names``.

    Returns
    -------
    pandas.DataFrame
        station, variable, resolution, flag and file as categories (sorted); date, value
        [canonical unit], line, and norm [canonical unit] when the reader delivered archive norms.
    """
    table = raw if isinstance(raw, RawTable) else RawTable(raw)
    options = options or ReadOptions()
    rows = table.rows
    absent = [c for c in ("date", "value") if c not in rows]
    if absent and len(rows):  # a reader that found a table without them (a header cell mistyped)
        raise IngestError(f"{path}: no {' and no '.join(repr(c) for c in absent)} column in the table read.",
                          hint="the header names the columns station, variable, date, value and unit; check it for a "
                               "mistyped name.")
    if not (isinstance(rows.index, pd.RangeIndex) and rows.index.start == 0 and rows.index.step == 1):
        rows = rows.reset_index(drop=True)
    variables = load_variables()
    problems = _Problems(rows)
    problems.origins["station"] = options.station_origin

    given = {}
    for fld in GIVEN_FIELDS:
        col, missing, from_option = _fill_given(rows, fld, getattr(options, fld), network, problems)
        given[fld] = (col, missing)
        problems.filled[fld] = from_option

    variable_in, missing_variable = given["variable"]
    spellings = variable_spellings()
    variable = variable_in.map(lambda v: spellings.get(fold(v), v.lower()))
    bad_var = variable.rows([w not in variables for w in variable.words]) & ~missing_variable
    _report_once_per_value(problems, bad_var, "variable", variable_in, lambda v: (
        f"unknown variable '{v}' ({_did_you_mean(fold(v), list(spellings))}known: {', '.join(variables)})"))

    station_in = given["station"][0]
    _report_once_per_value(problems, station_in.rows([NOT_ONE_LINE.search(w) is not None for w in station_in.words]),
                           "station", station_in, lambda v: (
                               f"station '{v}' holds a control, line-break or direction character "
                               f"(U+{ord(NOT_ONE_LINE.search(v).group()):04X}); an id or a name is printable text"))
    stations = _resolve_stations(*given["station"], variable, network, allow_unknown, problems)

    if "resolution" in rows:
        resolution = Coded.of(rows["resolution"]).map(lambda r: r.lower() or "day")
    else:
        resolution = Coded.constant("day", len(rows))
    problems.report(resolution.rows([r not in RESOLUTION_VALUES for r in resolution.words]), "resolution",
                    lambda i: [f"resolution '{r}' is not one of {', '.join(RESOLUTION_VALUES)}"
                               for r in resolution.text(i)])

    dates = as_dates(rows["date"], table.date_formats)
    forms = " or ".join(DATE_FORMS.get(f, f) for f in table.date_formats)
    problems.report(dates.isna().to_numpy(), "date", lambda i: [
        f"date '{d}' is not a date in the form {forms}{no_such_day(d, table.date_formats)}" if d
        else "the date is missing" for d in as_text(rows["date"]).to_numpy()[i]])

    _report_dates_inside_periods(problems, dates, resolution)

    separator = "a point" if table.decimal == "." else "a comma or a point"
    values, bad_value = as_numbers(rows["value"], table.decimal)
    problems.report(bad_value, "value", lambda i: [
        f"value '{v}' is not a number (use {separator} as decimal separator; leave the field empty for a "
        "missing value)" for v in as_text(rows["value"]).to_numpy()[i]])
    norms = None
    if "norm" in rows:
        norms, bad_norm = as_numbers(rows["norm"], table.decimal)
        problems.report(bad_norm, "norm", lambda i: [f"norm '{v}' is not a number"
                                                     for v in as_text(rows["norm"]).to_numpy()[i]])

    factors = _conversion_factors(variable, given["unit"][0], problems)
    problems.raise_if_any(path, table.hint)
    name = str(path.name)
    if file_names is not None:
        files = Coded(rows["file"].to_numpy(), np.asarray(file_names, dtype=object)).map(lambda w: w)
    elif "part" in rows:
        files = Coded.of(rows["part"]).map(lambda part: f"{name} {part}".strip())
    else:
        files = Coded.constant(name, len(rows))
    flags = Coded.of(rows["flag"]) if "flag" in rows else Coded.constant("", len(rows))
    norm_values = None if norms is None or factors is None else norms * factors
    if norms is not None and factors is None:
        norm_values = norms
    out = pd.DataFrame({
        "station": stations.categorical(), "variable": variable.categorical(),
        "date": dates.to_numpy(),
        "value": values if factors is None else np.multiply(values, factors, out=factors),  # in the factors' memory
        "resolution": resolution.categorical(), "flag": flags.categorical(),
        "file": files.categorical(), "line": np.asarray(problems.lines, dtype=np.int64),
    }, copy=False)
    if norm_values is not None:
        out["norm"] = norm_values
    return out


def _report_dates_inside_periods(problems: _Problems, dates: pd.Series, resolution: Coded) -> None:
    """Report pentad, dekad and month values not dated by the last day of their period (the archives' convention).

    A dekad value dated 13 November, taken as the second dekad's, would stand for days not measured.
    """
    for k, word in enumerate(resolution.words):
        if word not in ("pentad", "dekad", "month"):
            continue
        rows = (resolution.codes == k) & dates.notna().to_numpy()
        if not rows.any():
            continue
        at = pd.DatetimeIndex(dates.to_numpy()[rows])
        last = period_bounds(word, at)[1]
        wrong = np.zeros(len(rows), dtype=bool)
        wrong[np.flatnonzero(rows)[at != last]] = True
        problems.report(wrong, "date", lambda i, word=word: [
            f"a {word} value dated {d:%Y-%m-%d}, inside its {word}: {word} values are dated by the last day of the "
            f"{word} ({e:%Y-%m-%d} here)" for d, e in zip(pd.DatetimeIndex(dates.to_numpy()[i]),
                                                           period_bounds(word, pd.DatetimeIndex(dates.to_numpy()[i]))[1],
                                                           strict=True)])


def _resolve_stations(station_in: Coded, missing: np.ndarray, variable: Coded, network: Network | None,
                      allow_unknown: bool, problems: _Problems) -> Coded:
    """Network ids of the stations; unknown ones kept when allowed, else reported once per station.

    A name resolves to a station only for the variables of its kind (:data:`~bulletin.network.KIND_VARIABLES`):
    a gauge's discharge named like a reservoir is not read as the reservoir's. Each (name,
    variable) pair is resolved once.
    """
    if network is None:
        return station_in
    pair_key = station_in.codes.astype(np.int64) * len(variable.words) + variable.codes
    pairs, pair_of_row = distinct_keys(pair_key)
    names = station_in.words[pairs // len(variable.words)]
    pair_vars = variable.words[pairs % len(variable.words)]
    ids = np.array([network.resolve(n, v) if n else None for n, v in zip(names, pair_vars, strict=True)],
                   dtype=object)
    wrong_pair = np.zeros(pairs.size, dtype=bool)
    for k, (name, sid, var) in enumerate(zip(names, ids, pair_vars, strict=True)):
        if sid is None or var not in load_variables() or network.takes(sid, var):
            continue
        wrong_pair[k] = True
        if allow_unknown and name not in network:  # kept apart under its own name, as a station not in the network
            continue
        kind = network[sid].kind
        text = (f"'{name}' names the {kind} {sid}, which has no {var} (a {kind} reports "
                f"{', '.join(KIND_VARIABLES[kind])})")
        problems.hints.append(f"if '{name}' is another station than {sid}, add it to {network.path} as a "
                              f"station of its own, of the kind that reports {var}, with aliases: ['{name}']")
        _report_rows(problems, pair_of_row == k, text)
    resolved = np.where(wrong_pair | (ids == None), None, ids)  # noqa: E711 - elementwise on an object array
    if allow_unknown:
        keep_name = np.array([r is None for r in resolved])
        final = np.where(keep_name, names, resolved)
        return Coded(pair_of_row, final).map(lambda w: w)
    unknown_pair = np.array([r is None for r in resolved]) & ~wrong_pair
    unknown = unknown_pair[pair_of_row] & ~missing
    if unknown.any():
        first = station_in.words[station_in.codes[np.flatnonzero(unknown)[0]]]
        problems.hints.append(
            f"a station not in the network {network.id} is a code to add to the aliases of its station in "
            f"{network.path} (e.g. aliases: ['{first}']), or a new station to add under stations there "
            "('bulletin init --data FILE --out DIR' writes an entry for every code of the data, to copy from); "
            "--keep-unknown-stations reads the file without it")
        rows = np.flatnonzero(unknown)
        codes, first, counts = np.unique(station_in.codes[rows], return_index=True, return_counts=True)
        for k in np.argsort(first, kind="stable"):  # once per station, in order of first appearance: one pass
            name, row = station_in.words[codes[k]], int(rows[first[k]])
            text = f"unknown station '{name}'" + network.suggest(name)
            if counts[k] > 1 and not problems.filled["station"][row]:
                text += f" on {counts[k]} rows, the first here"
            problems.report_at(row, "station", text)
            problems.station_problems += 1
    final = np.where(np.array([r is None for r in resolved]), names, resolved)
    return Coded(pair_of_row, final).map(lambda w: w)


def _report_rows(problems: _Problems, rows_of: np.ndarray, text: str) -> None:
    """Report ``text`` once, at the first of ``rows_of``, with their number."""
    n = int(rows_of.sum())
    if n > 1 and not problems.filled["station"][np.flatnonzero(rows_of)[0]]:
        text += f" on {n} rows, the first here"
    problems.report_first(rows_of, "station", text)
    problems.station_problems += 1


def _conversion_factors(variable: Coded, units: Coded, problems: _Problems) -> np.ndarray | None:
    """Factor from each row's unit to its variable's canonical unit (1 where either is unknown); None when all are 1."""
    variables = load_variables()
    pair_key = variable.codes.astype(np.int64) * len(units.words) + units.codes
    pairs, pair_of_row = distinct_keys(pair_key)
    pair_factor = np.ones(pairs.size)
    for k, key in enumerate(pairs):
        var, unit = variable.words[key // len(units.words)], units.words[key % len(units.words)]
        if var not in variables or not unit:
            continue
        try:
            pair_factor[k] = conversion_factor(unit, variables[var].unit)
        except ValueError as exc:
            m = pair_of_row == k
            pos = np.flatnonzero(m)
            text = f"{exc}; {var} is measured in {variables[var].unit} (accepted: {', '.join(known_units())})"
            if pos.size > 1 and not problems.filled["unit"][pos[0]]:
                text += f"; on {pos.size} rows, the first here"
                problems.report_first(m, "unit", text)
            else:
                problems.report(m, "unit", lambda i, t=text: [t] * i.size)
    if np.all(pair_factor == 1.0):
        return None  # every value already in its canonical unit
    return pair_factor[pair_of_row]


def _did_you_mean(name: str, known: list[str]) -> str:
    """``did you mean 'x'? `` for the closest of ``known``, or ''."""
    close = get_close_matches(name, known, n=1)
    return f"did you mean '{close[0]}'? " if close else ""


def _report_once_per_value(problems: _Problems, bad: np.ndarray, fld: str, values: Coded,
                           message: Callable[[str], str]) -> None:
    """Report each distinct bad value once, at its first row, with the number of rows it is on."""
    for code in pd.unique(values.codes[bad]):
        rows_of = bad & (values.codes == code)
        text = message(values.words[code])
        n = int(rows_of.sum())
        if n > 1 and not problems.filled[fld][np.flatnonzero(rows_of)[0]]:
            text += f" on {n} rows, the first here"
        problems.report_first(rows_of, fld, text)


def _fill_given(rows: pd.DataFrame, fld: str, given: str | None, network: Network | None, problems: _Problems):
    """The ``fld`` column with empty fields filled from ``given``, and two masks of its rows.

    The masks are of the fields still empty and of the fields filled from ``given``.

    A field in the file that differs from ``given`` is reported once per distinct value.
    """
    col = Coded.of(rows[fld]) if fld in rows else Coded.constant("", len(rows))
    empty = col.rows(col.words == "")
    option = f"--{fld} ({fld}= in read_observations)"
    if given is not None and given.strip():
        g = given.strip()
        for code, value in enumerate(col.words):
            if value and not _same_given(fld, value, g, network):
                m = col.codes == code
                if not m.any():
                    continue
                n = int(m.sum())
                problems.report_first(m, fld, f"the file gives {fld} '{value}'" + (f" on {n} rows" if n > 1 else "")
                                      + f" but {option} is '{g}'; drop the option or correct the file")
        return col.map(lambda w: w or g), np.zeros(len(rows), dtype=bool), empty
    problems.report_first(empty, fld, f"{int(empty.sum())} row(s) name no {fld}, the first here; give it with {option}")
    return col, empty, np.zeros(len(rows), dtype=bool)


def _same_given(fld: str, in_file: str, given: str, network: Network | None) -> bool:
    if fold(in_file) == fold(given):
        return True
    if fld == "station":
        return network is not None and network.resolve(in_file) is not None \
            and network.resolve(in_file) == network.resolve(given)
    if fld == "variable":
        spellings = variable_spellings()
        return spellings.get(fold(in_file), in_file) == spellings.get(fold(given), given)
    return same_unit(in_file, given)
