"""Quality checks flag values (never delete them), in runs of days with a sentence each."""

import numpy as np
import pandas as pd
import pytest

from bulletin.ingest import read_observations
from bulletin.qc import CHECKS, _runs, run_qc

from .conftest import daily_rows, write_csv


def _s(values, start="2026-01-01"):
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="D"), dtype=float)


def test_flat_line_flags_runs_of_n_equal_values():
    s = _s([1, 2, 2, 2, 3, 3, 3, 3, np.nan, 4])
    result = CHECKS["flat_line"](s, None, {"days": 4})
    assert result.mask.tolist() == [False] * 4 + [True] * 4 + [False, False]
    assert result.sentence == "4 day(s) in runs of 4 or more equal values"


def test_capacity_and_level_range_use_the_network(network):
    shardara = network["shardara"]  # total volume 5.4 km3 = 5400 Mm3
    result = CHECKS["above_capacity"](_s([5399, 5400, 5401]), shardara, {})
    assert result.mask.tolist() == [False, False, True] and result.severity == "error"
    toktogul = network["toktogul"]  # level range 837-900 m, 1 m tolerance
    assert CHECKS["level_range"](_s([835.5, 836.0, 901.0, 901.5]), toktogul, {}).mask.tolist() == [True, False, False, True]
    # a gauge has no capacity: nothing flagged
    assert not CHECKS["above_capacity"](_s([1e9]), network["naryn_uchkurgan"], {}).mask.any()


def test_runs():
    mask = _s([0, 1, 1, 0, 1, 0, 0, 1]).astype(bool)
    assert [(a.day, b.day, n) for a, b, n in _runs(mask)] == [(2, 3, 2), (5, 5, 1), (8, 8, 1)]


def test_run_qc_flags_and_keeps_every_value(tmp_path, network):
    rows = daily_rows("toktogul", "volume", "Mm3", "2026-11-01", "2026-11-10",
                      lambda d: None if d.day in (4, 5) else (20000 if d.day == 9 else 15000 + d.day))
    obs = read_observations([write_csv(tmp_path / "v.csv", rows)], network)
    report = run_qc(obs, network)
    flags = {(r.check, r.first.day, r.last.day, r.days) for r in report.flags.itertuples()}
    assert flags == {("gaps", 4, 5, 2), ("above_capacity", 9, 9, 1)}
    assert len(obs.frame) == 8  # nothing deleted
    assert report.for_period("toktogul", "volume", pd.Timestamp("2026-11-06"), pd.Timestamp("2026-11-10")) == ["above_capacity"]
    summary = report.summary().set_index("check")
    assert summary.loc["gaps", "days"] == 2 and summary.loc["above_capacity", "severity"] == "error"


@pytest.mark.parametrize("check", sorted(CHECKS))
def test_every_check_has_a_docstring_and_keeps_the_index(check, network):
    assert CHECKS[check].__doc__
    s = _s([1.0, 1.0, 2.0])
    assert CHECKS[check](s, network["toktogul"], {}).mask.index.equals(s.index)
