"""The typed CSV path (pyarrow) reads what the careful path reads, and leaves to it every file it cannot vouch for."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import bulletin.ingest.csv as csv_reader
from bulletin.errors import IngestError
from bulletin.ingest import read_observations

HEADER = "station,variable,date,value,unit\n"
CASES = {
    "plain": HEADER + "a,discharge,2026-01-01,1.5,m3/s\nb,volume,2026-01-02,2,km3\n",
    "crlf": HEADER.replace("\n", "\r\n") + "a,discharge,2026-01-01,1.5,m3/s\r\n",
    "no final line break": HEADER + "a,discharge,2026-01-01,1.5,m3/s",
    "bom at the start": "\ufeff" + HEADER + "a,discharge,2026-01-01,1.5,m3/s\n",
    "empty value": HEADER + "a,discharge,2026-01-01,,m3/s\na,discharge,2026-01-02,3,m3/s\n",
    "spaces": HEADER + " a ,discharge , 2026-01-01, 1.5 ,m3/s\n",
    "resolution and flag": "station,variable,date,value,unit,resolution,flag\na,discharge,2026-01-10,4,m3/s,dekad,E\n",
    "unknown column": "station,variable,date,value,unit,comment\na,discharge,2026-01-01,1.5,m3/s,ok\n",
    "cyrillic": HEADER + "Токтогул,volume,2026-01-01,1.5,km3\n",
    "blank line": HEADER + "a,discharge,2026-01-01,1.5,m3/s\n\na,discharge,2026-01-02,x,m3/s\n",
    "trailing blank lines": HEADER + "a,discharge,2026-01-01,1.5,m3/s\n\n\n",
    "crlf blank line": HEADER + "a,discharge,2026-01-01,1.5,m3/s\r\n\r\na,discharge,2026-01-02,2,m3/s\r\n",
    "lone cr": HEADER + "a,discharge,2026-01-01,1.5,m3/s\ra,discharge,2026-01-02,2,m3/s\n",
    "bom inside": HEADER + "a,discharge,2026-01-01,1.5,m3/s\n\ufeffb,discharge,2026-01-02,2,m3/s\n",
    "nan": HEADER + "a,discharge,2026-01-01,nan,m3/s\n",
    "NA": HEADER + "a,discharge,2026-01-01,NA,m3/s\n",
    "quoted": HEADER + '"a, upper",discharge,2026-01-01,1.5,m3/s\n',
    "quoted line break": HEADER + '"a\nb",discharge,2026-01-01,1.5,m3/s\na,discharge,2026-01-02,x,m3/s\n',
    "bad date": HEADER + "a,discharge,2026-02-30,1.5,m3/s\n",
    "wrong width": HEADER + "a,discharge,2026-01-01,1,5,m3/s\n",
    "empty station": HEADER + ",discharge,2026-01-01,1.5,m3/s\n",
    "unknown unit": HEADER + "a,discharge,2026-01-01,1.5,furlongs\n",
    "header only": HEADER,
}
OLD_DATE = HEADER + "a,discharge,1650-01-01,1.5,m3/s\n"  # beyond datetime64[ns]: the careful path's to judge


def read(path: Path):
    try:
        obs = read_observations([path], None)
    except IngestError as exc:
        return str(exc)
    return obs.frame


@pytest.mark.parametrize("name", list(CASES))
def test_typed_and_careful_paths_agree(tmp_path, monkeypatch, name):
    path = tmp_path / "obs.csv"
    path.write_bytes(CASES[name].encode("utf-8"))
    typed = read(path)
    monkeypatch.setattr(csv_reader, "read_typed", lambda data, header: None)
    careful = read(path)
    if isinstance(careful, str):
        assert typed == careful
    else:
        pd.testing.assert_frame_equal(typed, careful)


def test_the_typed_path_is_taken_for_a_clean_file_only(tmp_path):
    clean = CASES["plain"].encode("utf-8")
    header = ["station", "variable", "date", "value", "unit"]
    frame = csv_reader.read_typed(clean, header)
    assert frame is not None and frame["line"].tolist() == [2, 3]
    assert frame["value"].tolist() == [1.5, 2.0] and isinstance(frame["station"].dtype, pd.CategoricalDtype)
    for name in ("blank line", "trailing blank lines", "crlf blank line", "lone cr", "bom inside", "nan", "NA",
                 "quoted", "bad date", "wrong width", "header only"):
        assert csv_reader.read_typed(CASES[name].encode("utf-8"), header) is None, name
    assert np.datetime_data(frame["date"].dtype)[0] == "ns"
    assert csv_reader.read_typed(OLD_DATE.encode("utf-8"), header) is None
