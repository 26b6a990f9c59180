"""Shared fixtures: small hand-made inputs written as canonical CSV files."""

from __future__ import annotations

import pandas as pd
import pytest

from bulletin.network import load_network


@pytest.fixture(scope="session")
def network():
    return load_network()


def write_csv(path, rows, header="station,variable,date,value,unit"):
    """Write a canonical CSV from a header and a list of row strings or tuples; returns the path."""
    lines = [header] + [r if isinstance(r, str) else ",".join(map(str, r)) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def daily_rows(station, variable, unit, start, end, value_of):
    """Rows for every day in [start, end] with ``value_of(timestamp)`` (None: no row)."""
    rows = []
    for day in pd.date_range(start, end, freq="D"):
        v = value_of(day)
        if v is not None:
            rows.append((station, variable, day.strftime("%Y-%m-%d"), v, unit))
    return rows
