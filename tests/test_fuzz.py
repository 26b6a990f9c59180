"""Fuzzing: every reader and every configuration loader ends in a result or a typed error naming the file.

Inputs are valid files mutated at random (lines cut, doubled, swapped; characters inserted, replaced
or removed; fields replaced by hostile values: huge numbers, odd dates, control characters, formulas).
The property: the reader returns observations, or raises a :class:`~bulletin.errors.BulletinError`
whose message names the file. Anything else (an internal error, a hang) is a defect.

``make test`` runs a fixed, derandomised profile (the ``ci`` profile, a few dozen examples per
target); ``make fuzz`` runs the ``fuzz`` profile (10,000 examples per target). Inputs that once made
a reader fail are kept in ``tests/data/fuzz`` and read again by :func:`test_found_crashes_stay_fixed`.
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bulletin.catalogue import load_catalogue
from bulletin.errors import BulletinError
from bulletin.ingest import normalise, read_observations, read_table
from bulletin.ingest.grid import GridObservations
from bulletin.network import load_network
from bulletin.resources import resource_path

settings.register_profile("ci", max_examples=40, derandomize=True, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.register_profile("fuzz", max_examples=10_000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

FUZZ = Path(__file__).parent / "data" / "fuzz"
NETWORK = load_network(None)

CANONICAL = ("station,variable,date,value,unit,resolution,flag\n"
             "toktogul,volume,2026-11-18,11840,Mm3,day,\n"
             "toktogul,volume,2026-11-19,11850.5,Mm3,day,ok\n"
             "naryn_uchkurgan,discharge,2026-11-19,412.5,m3/s,day,\n"
             "16279,discharge,2026-11-10,48.8,m3s,dekad,\n")
HYDROMET = ("date,data,norm,units,type,code,station,river,basin,resolution\n"
            "1932-01-10,48.8,38.76,m3s,Q,16279,Khudaydod,Chatkal,Chirchik,dec\n"
            "1932-01-20,48.4,37.45,m3s,Q,16279,Khudaydod,Chatkal,Chirchik,dec\n"
            "1932-02-28,40.1,35.0,m3s,Q,16279,Khudaydod,Chatkal,Chirchik,mon\n")
YEARBOOK = "".join(f'"{1990 + y}",' + ",".join(f"{1.5 + 0.1 * k + y:.2f}" for k in range(36)) + "\n" for y in range(3))
LOCALE = ("станция;переменная;дата;значение;единица\n"
          "toktogul;volume;18.11.2026;11 840,5;млн м3\n"
          "toktogul;volume;19.11.2026;н/д;млн м3\n")

HOSTILE = ["", " ", "-", "nan", "inf", "-1e308", "1e400", "9" * 400, "0x1F", "1,5", "2026-02-30", "1650-01-01",
           "9999-12-31", "0001-01-01", "2026-13-01", "\x00", "\x1b[2J", "\u202e", "\ufeff", '"', '""', "'", ";", ",",
           "\r", "\n", "=cmd|' /C calc'!A0", "@SUM(1)", "../../etc/passwd", "Кызылорда", "млн м3", "km3", "l/s",
           "dekad", "month", "pentad", "day", "toktogul", "16279", "discharge", "volume", "-0", "1e-320", "Q", "dec"]

edit = st.one_of(
    st.tuples(st.just("insert"), st.integers(0, 10_000), st.sampled_from(HOSTILE)),
    st.tuples(st.just("insert"), st.integers(0, 10_000), st.text(max_size=8)),
    st.tuples(st.just("delete"), st.integers(0, 10_000), st.integers(1, 40)),
    st.tuples(st.just("field"), st.integers(0, 200), st.sampled_from(HOSTILE)),
    st.tuples(st.just("line"), st.integers(0, 50), st.sampled_from(["double", "drop", "swap", "blank", "cut"])),
)


def mutate(text: str, edits) -> str:
    """``text`` with each edit applied in turn (positions taken modulo the current length)."""
    for kind, where, what in edits:
        if kind == "insert":
            k = where % (len(text) + 1)
            text = text[:k] + what + text[k:]
        elif kind == "delete" and text:
            k = where % len(text)
            text = text[:k] + text[k + what:]
        elif kind == "field":
            lines = text.split("\n")
            line = where % len(lines)
            sep = ";" if ";" in lines[line] else ","
            cells = lines[line].split(sep)
            cells[(where // len(lines)) % len(cells)] = what
            lines[line] = sep.join(cells)
            text = "\n".join(lines)
        elif kind == "line":
            lines = text.split("\n")
            k = where % len(lines)
            if what == "double":
                lines.insert(k, lines[k])
            elif what == "drop":
                del lines[k]
            elif what == "swap" and len(lines) > 1:
                j = (k + 1) % len(lines)
                lines[k], lines[j] = lines[j], lines[k]
            elif what == "blank":
                lines.insert(k, "")
            elif what == "cut":
                lines[k] = lines[k][: len(lines[k]) // 2]
            text = "\n".join(lines)
    return text


def read_or_typed_error(path: Path, **options) -> None:
    """The property: observations, or a BulletinError that names the file."""
    try:
        read_observations([path], NETWORK, allow_unknown_stations=True, **options)
    except BulletinError as exc:
        assert path.name in str(exc) or "--" in str(exc), f"the message does not name the file: {exc}"


CASES = {
    "csv": ("data.csv", CANONICAL, {}),
    "csv.gz": ("data.csv.gz", CANONICAL, {}),
    "hydromet": ("archive.csv", HYDROMET, {}),
    "yearbook": ("yearbook.csv", YEARBOOK, {"station": "toktogul", "variable": "inflow", "unit": "m3/s"}),
    "locale": ("данные.csv", LOCALE, {}),
}


@pytest.mark.parametrize("case", list(CASES))
@given(edits=st.lists(edit, min_size=1, max_size=6), encoding=st.sampled_from(["utf-8", "cp1251", "utf-16"]))
def test_text_readers_end_in_observations_or_a_typed_error(tmp_path_factory, case, edits, encoding):
    name, base, options = CASES[case]
    data = mutate(base, edits).encode(encoding, errors="replace")
    path = tmp_path_factory.mktemp("fuzz") / name
    path.write_bytes(gzip.compress(data, mtime=0) if name.endswith(".gz") else data)
    read_or_typed_error(path, **options)


@given(files=st.lists(st.tuples(st.lists(edit, max_size=3), st.booleans()), min_size=2, max_size=4))
def test_files_read_together_give_what_they_give_one_by_one(tmp_path_factory, files):
    """Several mutated canonical files: the joined read (bulletin/ingest/joined.py) equals the file-by-file read.

    The same observations (rows, files, lines, categories, notes), or the same error, word for word.
    """
    import bulletin.ingest.read as read
    from tests.test_joined import _same

    folder = tmp_path_factory.mktemp("joined")
    for k, (edits, compressed) in enumerate(files):
        data = mutate(CANONICAL, edits).encode("utf-8")
        name = f"f{k}.csv" + (".gz" if compressed else "")
        (folder / name).write_bytes(gzip.compress(data, mtime=0) if compressed else data)

    def outcome():
        try:
            return read_observations([folder], NETWORK, allow_unknown_stations=True)
        except BulletinError as exc:
            return str(exc)

    together = outcome()
    original = read.read_joined
    try:
        read.read_joined = lambda jobs, *a, **k: [(jobs, None)]
        alone = outcome()
    finally:
        read.read_joined = original
    if isinstance(together, str) or isinstance(alone, str):
        assert together == alone
    else:
        _same(together, alone)


def _workbook_bytes() -> tuple[bytes, dict]:
    """A small valid workbook: its zip bytes and its parts."""
    import io
    import zipfile

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "toktogul"
    for line in CANONICAL.splitlines():
        sheet.append([float(c) if c.replace(".", "", 1).isdigit() else c for c in line.split(",")])
    buf = io.BytesIO()
    book.save(buf)
    with zipfile.ZipFile(buf) as z:
        return buf.getvalue(), {i.filename: z.read(i.filename) for i in z.infolist()}


def _netcdf_bytes() -> bytes:
    import numpy as np
    import pandas as pd
    import xarray as xr

    ds = xr.Dataset({"discharge": (("station", "time"), np.arange(12.0).reshape(2, 6), {"units": "m3 s-1"})},
                    coords={"time": pd.date_range("2020-01-01", periods=6),
                            "station_id": ("station", ["naryn_uchkurgan", "16279"], {"cf_role": "timeseries_id"})})
    return ds.to_netcdf(format="NETCDF3_64BIT")


WORKBOOK, WORKBOOK_PARTS = _workbook_bytes()
NETCDF = _netcdf_bytes()


@given(edits=st.lists(edit, min_size=1, max_size=6), part=st.sampled_from(["xl/worksheets/sheet1.xml",
                                                                          "xl/workbook.xml", "[Content_Types].xml"]))
def test_a_workbook_with_a_mutated_part_ends_in_observations_or_a_typed_error(tmp_path_factory, edits, part):
    import zipfile

    path = tmp_path_factory.mktemp("xlsx") / "book.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in WORKBOOK_PARTS.items():
            z.writestr(name, mutate(data.decode("utf-8"), edits).encode("utf-8") if name == part else data)
    read_or_typed_error(path)


@given(changes=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255), st.sampled_from(["set", "insert", "cut"])),
                        min_size=1, max_size=8))
def test_a_netcdf_file_with_changed_bytes_ends_in_observations_or_a_typed_error(tmp_path_factory, changes):
    data = bytearray(NETCDF)
    for where, byte, how in changes:
        k = where % max(len(data), 1)
        if how == "set" and data:
            data[k] = byte
        elif how == "insert":
            data.insert(k, byte)
        elif data:
            del data[k:]
    path = tmp_path_factory.mktemp("nc") / "series.nc"
    path.write_bytes(bytes(data))
    try:
        obs = read_observations([path], NETWORK, allow_unknown_stations=True)
    except BulletinError as exc:
        assert path.name in str(exc), f"the message does not name the file: {exc}"
        return
    if isinstance(obs, GridObservations):  # the rows its arrays stand for: those of the file read as rows
        pd.testing.assert_frame_equal(obs.frame, normalise(read_table(path), path, NETWORK, True), check_exact=True)


@given(data=st.binary(max_size=2_000), suffix=st.sampled_from([".csv", ".csv.gz", ".xlsx", ".nc", ".txt"]))
def test_any_bytes_under_any_data_suffix_end_in_a_typed_error(tmp_path_factory, data, suffix):
    path = tmp_path_factory.mktemp("bytes") / f"x{suffix}"
    path.write_bytes(data)
    read_or_typed_error(path)


def _config_case(kind: str):
    text = resource_path(*(("data", "basin", "syrdarya.yaml") if kind == "network" else
                           ("indicators", "syrdarya.yaml"))).read_text(encoding="utf-8")
    return text


@pytest.mark.parametrize("kind", ["network", "catalogue"])
@given(edits=st.lists(edit, min_size=1, max_size=4))
def test_configuration_loaders_end_in_a_result_or_a_typed_error(tmp_path_factory, kind, edits):
    path = tmp_path_factory.mktemp("config") / f"{kind}.yaml"
    path.write_text(mutate(_config_case(kind), edits), encoding="utf-8", errors="replace")
    try:
        if kind == "network":
            load_network(path)
        else:
            load_catalogue(path, NETWORK)
    except BulletinError as exc:
        assert path.name in str(exc), f"the message does not name the file: {exc}"


@pytest.mark.parametrize("path", sorted(FUZZ.glob("*")) if FUZZ.exists() else [], ids=lambda p: p.name)
def test_found_crashes_stay_fixed(path):
    """Each input that once made a reader or loader fail with an untyped error."""
    if path.name == "README.md":
        return
    if path.suffix == ".yaml":
        for load in (load_network, lambda p: load_catalogue(p, NETWORK)):
            try:
                load(path)
            except BulletinError:
                pass
        return
    options = CASES["yearbook"][2] if "yearbook" in path.name else {}
    read_or_typed_error(path, **options)

