"""The long archive layout of Central Asian hydromets, as shipped by riversCentralAsia (hydrosolutions).

One value per line, comma-separated, header ``date,data,norm,units,type,code,station,river,
basin,resolution[,...]``:

- ``date``: last day of the dekad or month (ISO);
- ``data``: the value, empty when missing; ``norm``: the archive's long-term mean for that
  dekad or month, kept in :attr:`Observations.archive_norms`;
- ``units``: ``m3s`` (m3/s), ``mm``, ``degC``; ``type``: ``Q`` discharge, ``P`` precipitation,
  ``T`` air temperature (:data:`TYPE_MAP`); ``code``: the hydromet station code, resolved through
  the network aliases; ``resolution``: ``dec`` or ``mon`` (:data:`RESOLUTION_MAP`);
- ``station``, ``river``, ``basin`` and the coordinates are descriptive and not read.

Rows of meteorological types (:data:`OTHER_TYPES`) are not bulletin variables: they are skipped
and counted in the notes of the observations. Only ``date`` and ``data`` are required: without
``type``, ``code`` or ``units`` the variable, station or unit is given by the caller, without
``resolution`` the values are daily (e.g. ``KoksuDischarge_daily``: ``date,data,code,units``).

Source: Uzhydromet data of the Chirchik basin in the R package riversCentralAsia
(github.com/hydrosolutions/riversCentralAsia, GPL-3), e.g. ``ChirchikRiverBasin_from_rda.csv``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import IngestError
from .registry import RawTable, ReadOptions, register
from .text import decode, read_bytes, rows_with_lines, split_fields, wrong_width

# archive column -> field
COLUMN_MAP = {"date": "date", "data": "value", "norm": "norm", "units": "unit", "type": "variable",
              "code": "station", "resolution": "resolution"}
REQUIRED = ("date", "data")
# archive type -> bulletin variable
TYPE_MAP = {"Q": "discharge"}
# archive types that are not bulletin variables: skipped, and said so in the notes
OTHER_TYPES = {"P": "precipitation", "T": "air temperature"}
RESOLUTION_MAP = {"dec": "dekad", "mon": "month", "day": "day", "pen": "pentad"}
# sentinel codes of a missing value (R writes NA)
MISSING = ("", "NA", "NaN")
HINT = ("correct the lines named above; a hydromet long file has the header date,data,norm,units,type,code,"
        "station,river,basin,resolution with ISO dates, types Q, P or T and resolutions dec or mon.")


def looks_like_hydromet_long(lines: list[str]) -> bool:
    """True when the header names the columns ``date`` and ``data``."""
    names = {h.lstrip("\ufeff").casefold() for h in split_fields(lines[0], ",")}
    return {"date", "data"} <= names


@register("hydromet-long", (".csv", ".csv.gz"), sniff=looks_like_hydromet_long,
          layout="the hydromet long archive: header date,data,norm,units,type,code,...,resolution")
def read_hydromet_long(path: Path, options: ReadOptions) -> RawTable:
    """Raw fields of a hydromet long archive file; rows of non-bulletin types are skipped (see notes)."""
    text, _ = decode(path, read_bytes(path))
    rows = rows_with_lines(text, ",")
    if not rows:
        raise IngestError(f"{path}: the file is empty.", hint=HINT)
    header = [h.lstrip("\ufeff").strip().casefold() for h in rows[0][1]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise IngestError(f"{path}: line {rows[0][0]}: the header lacks the column(s) {', '.join(missing)}.", hint=HINT)
    wrong = [f"line {ln}: {len(r)} fields where the header has {len(header)}" for ln, r in rows[1:] if len(r) != len(header)]
    if wrong:
        wrong_width(path, wrong)
    frame = pd.DataFrame([r for _, r in rows[1:]], columns=header, dtype=object)
    frame = frame[[c for c in header if c in COLUMN_MAP]].rename(columns=COLUMN_MAP)
    frame = frame.apply(lambda c: c.str.strip())
    frame["line"] = [ln for ln, _ in rows[1:]]
    notes = []
    if "variable" in frame:
        types = frame["variable"]
        _refuse_unknown_types(path, types, frame["line"])
        other = types.isin(list(OTHER_TYPES))
        if other.any():
            counts = types[other].value_counts(sort=False)
            notes.append("skipped " + ", ".join(f"{n} rows of type {t} ({OTHER_TYPES[t]})" for t, n in counts.items())
                         + ": not bulletin variables")
            frame = frame[~other]
        frame["variable"] = frame["variable"].replace(TYPE_MAP)
    if "resolution" in frame:
        frame["resolution"] = frame["resolution"].str.lower().replace(RESOLUTION_MAP)
    for col in ("value", "norm"):
        if col in frame:
            frame[col] = frame[col].where(~frame[col].isin(MISSING), "")
    return RawTable(frame.reset_index(drop=True), hint=HINT, notes=notes)


def _refuse_unknown_types(path: Path, types: pd.Series, lines: pd.Series) -> None:
    """Raise for types that are neither bulletin variables nor known skipped types, once per type."""
    known = {*TYPE_MAP, *OTHER_TYPES, ""}
    unknown = ~types.isin(list(known))
    if not unknown.any():
        return
    described = ", ".join([f"{t} ({v})" for t, v in TYPE_MAP.items()]
                          + [f"{t} ({v}, skipped)" for t, v in OTHER_TYPES.items()])
    problems = []
    for t in pd.unique(types[unknown]):
        at = lines[types == t]
        problems.append(f"line {at.iloc[0]}: type '{t}' is none of {described}"
                        + (f" on {len(at)} rows, the first here" if len(at) > 1 else ""))
    raise IngestError(f"{path}: {len(problems)} unknown type(s) in the column 'type':", details=problems,
                      hint="correct the type (Q is discharge), or remove the rows of quantities the bulletin does "
                           "not use; " + HINT.replace("correct the lines named above; ", ""))
