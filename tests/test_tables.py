"""CSV text (bulletin.tables.csv_text) is the bytes pandas' to_csv writes, written faster."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bulletin.tables import csv_text


def pandas_csv(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False, lineterminator="\n", float_format="%.6g")


def test_by_hand():
    frame = pd.DataFrame({"station": ["a,b", 'say "x"', "two\nlines", "cr\rinside", "", None],
                          "value": [1.5, np.nan, -0.0, 0.0, 1234567.0, 1e-7],
                          "n": [1, 2, 3, 4, 5, 6], "ok": [True, False, True, False, True, False]})
    expected = ('station,value,n,ok\n"a,b",1.5,1,True\n"say ""x""",,2,False\n"two\nlines",-0,3,True\n'
                'cr\rinside,0,4,False\n,1.23457e+06,5,True\n,1e-07,6,False\n')
    assert csv_text(frame) == expected == pandas_csv(frame)


@pytest.mark.parametrize("seed", range(5))
def test_random_tables_equal_pandas(seed):
    rng = np.random.default_rng(seed)
    n = 2000
    values = rng.gamma(2.0, 50.0, n) * 10.0 ** rng.integers(-8, 9, n)
    values[rng.random(n) < 0.1] = np.nan
    values[rng.random(n) < 0.02] = np.inf
    frame = pd.DataFrame({
        "station": pd.Categorical(rng.choice(["st1", "st,2", "q\"3"], n)),
        "period": rng.choice(["1995-03-d2", "2026-12"], n), "value": values,
        "percentile": np.round(rng.random(n) * 100, int(rng.integers(0, 12))), "year": rng.integers(1900, 2030, n),
    })
    assert csv_text(frame) == pandas_csv(frame)
    assert csv_text(frame.iloc[:0]) == pandas_csv(frame.iloc[:0])
