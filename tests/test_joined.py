"""Canonical CSV files read together (bulletin/ingest/joined.py) give what reading them one by one gives."""

from __future__ import annotations

import gzip

import numpy as np
import pandas as pd
import pytest

import bulletin.ingest.read as read
from bulletin.errors import IngestError
from bulletin.ingest import read_observations
from bulletin.network import load_network

HEADER = "station,variable,date,value,unit\n"


def _one_by_one(monkeypatch, *args, **kwargs):
    with monkeypatch.context() as m:
        m.setattr(read, "read_joined", lambda jobs, *a, **k: iter([(jobs, None)]))
        return read_observations(*args, **kwargs)


def _same(a, b) -> None:
    """Two observations equal: rows, categories (by their words and codes), notes and inputs."""
    assert list(a.frame.columns) == list(b.frame.columns)
    for name, col in a.frame.items():
        other = b.frame[name]
        if isinstance(col.dtype, pd.CategoricalDtype):
            assert list(col.cat.categories) == list(other.cat.categories), name
            np.testing.assert_array_equal(col.cat.codes.to_numpy(), other.cat.codes.to_numpy())
        else:
            pd.testing.assert_series_equal(col, other)
    assert (a.notes, a.inputs, a.unknown_stations) == (b.notes, b.inputs, b.unknown_stations)


def test_the_sample_read_together_is_the_sample_read_file_by_file(monkeypatch):
    network = load_network(None)
    joined = read_observations(None, network)
    seen = []
    original = read.read_joined

    def spy(jobs, *a, **k):
        runs = list(original(jobs, *a, **k))
        seen.extend(len(run) for run, frame in runs if frame is not None)
        return runs

    monkeypatch.setattr(read, "read_joined", spy)
    read_observations(None, network)
    assert sum(seen) == 26  # every file of the sample in a run read together (two headers: two runs)
    _same(joined, _one_by_one(monkeypatch, None, network))


def test_each_row_keeps_its_own_file_and_line(tmp_path, monkeypatch):
    """Three files, one gzipped, one with a byte order mark and litres, no last line break; hand-numbered lines."""
    (tmp_path / "a.csv").write_text(HEADER + "g1,discharge,2020-01-01,1.5,m3/s\ng1,discharge,2020-01-02,2.5,m3/s\n",
                                    encoding="utf-8")
    (tmp_path / "b.csv.gz").write_bytes(gzip.compress((HEADER + "g2,discharge,2020-01-01,7,m3/s\n").encode()))
    (tmp_path / "c.csv").write_bytes(b"\xef\xbb\xbf" + (HEADER + "g3,discharge,2020-01-01,9,m3/s\n"
                                                        "g3,discharge,2020-01-02,10,l/s").encode())
    obs = read_observations([tmp_path], None)
    rows = obs.frame
    assert list(zip(rows["file"].astype(str), rows["line"], strict=True)) == [
        ("a.csv", 2), ("a.csv", 3), ("b.csv.gz", 2), ("c.csv", 2), ("c.csv", 3)]
    assert rows["value"].tolist() == pytest.approx([1.5, 2.5, 7, 9, 0.01])  # 10 l/s
    _same(obs, _one_by_one(monkeypatch, [tmp_path], None))


def test_a_problem_in_one_file_is_reported_as_the_file_by_file_read_reports_it(tmp_path, monkeypatch):
    for k in range(5):
        (tmp_path / f"f{k}.csv").write_text(HEADER + f"g{k},discharge,2020-01-01,{k}.5,m3/s\n", encoding="utf-8")
    (tmp_path / "f3.csv").write_text(HEADER + "g3,discharge,2020-01-01,1.5,m3/s\ng3,discharge,2020-02-30,2,m3/s\n",
                                     encoding="utf-8")
    with pytest.raises(IngestError) as together:
        read_observations([tmp_path], None)
    with pytest.raises(IngestError) as alone:
        _one_by_one(monkeypatch, [tmp_path], None)
    assert str(together.value) == str(alone.value)
    assert "f3.csv" in together.value.message and "line 3: date '2020-02-30'" in together.value.details[0]


def test_other_headers_and_layouts_are_read_by_their_own_readers(tmp_path, monkeypatch):
    """A file with a flag column, a Russian-locale file and a quoted field between canonical files."""
    (tmp_path / "a.csv").write_text(HEADER + "g1,discharge,2020-01-01,1.5,m3/s\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text(HEADER + "g1,discharge,2020-01-02,2.5,m3/s\n", encoding="utf-8")
    (tmp_path / "c.csv").write_text("station,variable,date,value,unit,flag\ng2,discharge,2020-01-01,3,m3/s,E\n",
                                    encoding="utf-8")
    (tmp_path / "d.csv").write_text("станция;переменная;дата;значение;единица\ng3;discharge;01.01.2020;4,5;m3/s\n",
                                    encoding="utf-8")
    (tmp_path / "e.csv").write_text(HEADER + '"g4",discharge,2020-01-01,6,m3/s\n', encoding="utf-8")
    (tmp_path / "f.csv").write_text(HEADER + "g4,discharge,2020-01-02,7,m3/s\n", encoding="utf-8")
    obs = read_observations([tmp_path], None)
    assert obs.frame["value"].tolist() == [1.5, 2.5, 3, 4.5, 6, 7]
    assert obs.frame["flag"].astype(str).tolist() == ["", "", "E", "", "", ""]
    _same(obs, _one_by_one(monkeypatch, [tmp_path], None))


def test_many_files_in_forked_processes_read_together(tmp_path, monkeypatch):
    """From 200 files on, each process reads its part of the files together."""
    for k in range(240):
        (tmp_path / f"f{k:03d}.csv").write_text(
            HEADER + f"g{k % 7},discharge,2020-{k // 28 + 1:02d}-{k % 28 + 1:02d},{k}.25,m3/s\n", encoding="utf-8")
    obs = read_observations([tmp_path], None)
    assert len(obs.frame) == 240 and obs.frame["line"].eq(2).all()
    assert obs.frame["file"].astype(str).tolist() == [f"f{k:03d}.csv" for k in range(240)]
    _same(obs, _one_by_one(monkeypatch, [tmp_path], None))


def test_a_header_with_a_lone_carriage_return_is_reported_as_alone(tmp_path, monkeypatch):
    """Found by fuzzing: a CR before the second file's header made the joined read fail with a csv module error."""
    (tmp_path / "a.csv").write_text(HEADER + "g1,discharge,2020-01-01,1.5,m3/s\n", encoding="utf-8")
    (tmp_path / "b.csv").write_bytes(("\r" + HEADER + "g2,discharge,2020-01-01,2.5,m3/s\n").encode())
    with pytest.raises(IngestError) as together:
        read_observations([tmp_path], None)
    with pytest.raises(IngestError) as alone:
        _one_by_one(monkeypatch, [tmp_path], None)
    assert str(together.value) == str(alone.value)
    assert "b.csv" in together.value.message
