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
from ..network import KIND_VARIABLES, Network
from ..periods import OBSERVED_RESOLUTIONS as RESOLUTIONS
from ..units import conversion_factor, known_units, load_variables
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
            first = np.zeros(len(self.lines), dtype=bool)
            first[idx[0]] = True
            self.report(first, fld, lambda i: [text] * i.size)

    def raise_if_any(self, path: Path, hint: str) -> None:
        """Raise one error with every problem found; the station hints replace the reader's when they are all."""
        if self.found:
            self.found.sort(key=lambda p: p[0])
            only_stations = self.station_problems == len(self.found)
            hints = list(dict.fromkeys(self.hints)) + ([] if only_stations and self.hints else [hint])
            _raise(path, [p for _, p in self.found], "; ".join(hints))


def normalise(raw: RawTable | pd.DataFrame, path: Path, network: Network | None, allow_unknown: bool,
              options: ReadOptions | None = None) -> pd.DataFrame:
    """Raw fields of one file to canonical rows (see :class:`RawTable`), or an error listing every problem.

    Returns
    -------
    pandas.DataFrame
        station, variable, date, value [canonical unit], resolution, flag, file, line, and
        norm [canonical unit] when the reader delivered archive norms.
    """
    table = raw if isinstance(raw, RawTable) else RawTable(raw)
    options = options or ReadOptions()
    rows = table.rows.reset_index(drop=True)
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
    variable = variable_in.map({v: spellings.get(fold(v), v.lower()) for v in variable_in.unique()})
    bad_var = ~variable.isin(list(variables)).to_numpy() & ~missing_variable.to_numpy()
    _report_once_per_value(problems, bad_var, "variable", variable_in.to_numpy(), lambda v: (
        f"unknown variable '{v}' ({_did_you_mean(fold(v), list(spellings))}known: {', '.join(variables)})"))

    stations = _resolve_stations(*given["station"], variable, network, allow_unknown, problems)

    if "resolution" in rows:
        resolution = as_text(rows["resolution"]).str.lower().replace("", "day")
    else:
        resolution = pd.Series("day", index=rows.index)
    problems.report(~resolution.isin(RESOLUTION_VALUES).to_numpy(), "resolution", lambda i: [
        f"resolution '{r}' is not one of {', '.join(RESOLUTION_VALUES)}" for r in resolution.to_numpy()[i]])

    dates = as_dates(rows["date"], table.date_formats)
    forms = " or ".join(DATE_FORMS.get(f, f) for f in table.date_formats)
    problems.report(dates.isna().to_numpy(), "date", lambda i: [
        f"date '{d}' is not a date in the form {forms}{no_such_day(d, table.date_formats)}" if d
        else "the date is missing" for d in as_text(rows["date"]).to_numpy()[i]])

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
    files = (name + " " + as_text(rows["part"])).str.strip().to_numpy(dtype=object) if "part" in rows else name
    out = pd.DataFrame({
        "station": stations.to_numpy(dtype=object), "variable": variable.to_numpy(dtype=object),
        "date": dates.to_numpy(), "value": values * factors,
        "resolution": resolution.to_numpy(dtype=object),
        "flag": (as_text(rows["flag"]) if "flag" in rows else pd.Series("", index=rows.index)).to_numpy(dtype=object),
        "file": files, "line": problems.lines.astype(np.int64),
    })
    if norms is not None:
        out["norm"] = norms * factors
    return out


def _resolve_stations(station_in: pd.Series, missing: pd.Series, variable: pd.Series, network: Network | None,
                      allow_unknown: bool, problems: _Problems) -> pd.Series:
    """Network ids of the stations; unknown ones kept when allowed, else reported once per station.

    A name resolves to a station only for the variables of its kind (:data:`~bulletin.network.KIND_VARIABLES`):
    a gauge's discharge named like a reservoir is not read as the reservoir's.
    """
    if network is None:
        return station_in
    pairs = pd.DataFrame({"name": station_in.to_numpy(), "variable": variable.to_numpy()})
    keys = pairs.drop_duplicates().copy()  # resolved once per name and variable, not per row
    keys["id"] = [network.resolve(n, v) if n else None for n, v in zip(keys["name"], keys["variable"], strict=True)]
    pairs = pairs.merge(keys, on=["name", "variable"], how="left", sort=False)
    resolved = pd.Series(pairs["id"].to_numpy(dtype=object), index=station_in.index, dtype=object)
    wrong_kind = np.zeros(len(pairs), dtype=bool)
    for (name, sid, var), idx in pairs.dropna().groupby(["name", "id", "variable"], sort=False).groups.items():
        if var in load_variables() and not network.takes(sid, var):
            rows_of = np.zeros(len(pairs), dtype=bool)
            rows_of[np.asarray(idx)] = True
            wrong_kind |= rows_of
            if allow_unknown and name not in network:  # kept apart under its own name, as a station not in the network
                continue
            kind = network[sid].kind
            text = (f"'{name}' names the {kind} {sid}, which has no {var} (a {kind} reports "
                    f"{', '.join(KIND_VARIABLES[kind])})")
            problems.hints.append(f"if '{name}' is another station than {sid}, add it to {network.path} as a "
                                  f"station of its own, of the kind that reports {var}, with aliases: ['{name}']")
            _report_rows(problems, rows_of, text)
    resolved = resolved.mask(pd.Series(wrong_kind, index=resolved.index))
    if allow_unknown:
        return resolved.fillna(station_in)
    unknown = (resolved.isna() & ~missing).to_numpy() & ~wrong_kind
    names = station_in.to_numpy()
    if unknown.any():
        first = pd.unique(names[unknown])[0]
        problems.hints.append(
            f"a station not in the network {network.id} is a code to add to the aliases of its station in "
            f"{network.path} (e.g. aliases: ['{first}']), or a new station to add under stations there "
            "('bulletin init --data FILE --out DIR' writes an entry for every code of the data, to copy from); "
            "--keep-unknown-stations reads the file without it")
    for name in pd.unique(names[unknown]):  # once per station: an archive holds thousands of rows of each
        rows_of = unknown & (names == name)
        text = f"unknown station '{name}'" + network.suggest(name)
        _report_rows(problems, rows_of, text)
    return resolved


def _report_rows(problems: _Problems, rows_of: np.ndarray, text: str) -> None:
    """Report ``text`` once, at the first of ``rows_of``, with their number."""
    n = int(rows_of.sum())
    if n > 1 and not problems.filled["station"][np.flatnonzero(rows_of)[0]]:
        text += f" on {n} rows, the first here"
    problems.report_first(rows_of, "station", text)
    problems.station_problems += 1


def _conversion_factors(variable: pd.Series, units: pd.Series, problems: _Problems) -> np.ndarray:
    """Factor from each row's unit to its variable's canonical unit (1 where either is unknown)."""
    variables = load_variables()
    factors = np.ones(len(variable))
    pairs = pd.DataFrame({"v": variable.to_numpy(), "u": units.to_numpy()})
    for (var, unit), idx in pairs.groupby(["v", "u"], sort=False).groups.items():
        if var not in variables or not unit:
            continue
        pos = np.asarray(idx)
        try:
            factors[pos] = conversion_factor(unit, variables[var].unit)
        except ValueError as exc:
            m = np.zeros(len(variable), dtype=bool)
            m[pos] = True
            text = f"{exc}; {var} is measured in {variables[var].unit} (accepted: {', '.join(known_units())})"
            if pos.size > 1 and not problems.filled["unit"][pos[0]]:
                text += f"; on {pos.size} rows, the first here"
                problems.report_first(m, "unit", text)
            else:
                problems.report(m, "unit", lambda i, t=text: [t] * i.size)
    return factors


def _did_you_mean(name: str, known: list[str]) -> str:
    """``did you mean 'x'? `` for the closest of ``known``, or ''."""
    close = get_close_matches(name, known, n=1)
    return f"did you mean '{close[0]}'? " if close else ""


def _report_once_per_value(problems: _Problems, bad: np.ndarray, fld: str, values: np.ndarray,
                           message: Callable[[str], str]) -> None:
    """Report each distinct bad value once, at its first row, with the number of rows it is on."""
    for value in pd.unique(values[bad]):
        rows_of = bad & (values == value)
        text = message(value)
        n = int(rows_of.sum())
        if n > 1 and not problems.filled[fld][np.flatnonzero(rows_of)[0]]:
            text += f" on {n} rows, the first here"
        problems.report_first(rows_of, fld, text)


def _fill_given(rows: pd.DataFrame, fld: str, given: str | None, network: Network | None, problems: _Problems):
    """The ``fld`` column with empty fields filled from ``given``, and two masks of its fields.

    The masks are of the fields still empty and of the fields filled from ``given``.

    A field in the file that differs from ``given`` is reported once per distinct value.
    """
    col = as_text(rows[fld]) if fld in rows else pd.Series("", index=rows.index, dtype=object)
    empty = (col == "").to_numpy()
    option = f"--{fld} ({fld}= in read_observations)"
    if given is not None and given.strip():
        g = given.strip()
        for value in pd.unique(col[~empty]):
            if not _same_given(fld, value, g, network):
                m = (col == value).to_numpy()
                n = int(m.sum())
                problems.report_first(m, fld, f"the file gives {fld} '{value}'" + (f" on {n} rows" if n > 1 else "")
                                      + f" but {option} is '{g}'; drop the option or correct the file")
        return col.mask(pd.Series(empty, index=col.index), g), pd.Series(False, index=col.index), empty
    problems.report_first(empty, fld, f"{int(empty.sum())} row(s) name no {fld}, the first here; give it with {option}")
    return col, pd.Series(empty, index=col.index), np.zeros(len(col), dtype=bool)


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
