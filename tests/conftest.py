"""Shared fixtures: small hand-made inputs written as canonical CSV files, and the sample bulletin."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from bulletin.cli import main
from bulletin.network import load_network

SAMPLE_ISSUED = "2026-11-21T06:00:00+05:00"
SAMPLE_PERIOD = "2026-11-d2"
SAMPLE_LANGS = ("ru", "en", "tg")
# Real archives kept beside the checkout (../shared/data), not in the repository.
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def shared_data(path):
    """Mark a test (or, as ``pytestmark``, a module) that reads ``path`` from SHARED_DATA.

    When ``path`` is absent the test is skipped, except when the environment variable ``CI`` is
    set (non-empty): there the archives must be present, and the test fails naming the path.
    """
    return pytest.mark.shared_data(Path(path))


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "shared_data(path): reads path from ../shared/data; skipped when absent, failed when CI is set")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item):
    # In the call phase, so that a missing archive under CI is reported as a failure of the test.
    for mark in item.iter_markers("shared_data"):
        (path,) = mark.args
        if path.exists():
            continue
        if os.environ.get("CI"):
            pytest.fail(f"shared data missing: {path} does not exist; CI is set, so the archives of "
                        f"{SHARED_DATA} must be beside the checkout (unset CI to skip instead)", pytrace=False)
        pytest.skip(f"shared data absent: {path}")


@pytest.fixture(scope="session")
def network():
    return load_network()


def generate(out, *extra):
    """Run ``bulletin generate`` on the embedded sample into ``out``, issued at SAMPLE_ISSUED."""
    result = CliRunner().invoke(main, ["generate", "--out", str(out), "--issued-at", SAMPLE_ISSUED, *extra])
    assert result.exit_code == 0, result.output + result.stderr
    return result


@pytest.fixture(scope="session")
def sample(tmp_path_factory):
    """The sample bulletin, generated once per run: every format, Russian, English and Tajik.

    Returns (output folder, CLI result). Tests read the files and must not change them.
    """
    out = tmp_path_factory.mktemp("bulletin")
    result = generate(out, "--format", "html,pdf,json,csv", "--lang", ",".join(SAMPLE_LANGS))
    return out, result


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


def say(lang: str, text) -> str:
    """A document Text as a sentence of ``lang``, with plain spaces: quantities are written with
    no-break spaces and a word joiner after '/', so that a line never splits them."""
    from bulletin.render.i18n import Localizer

    return Localizer(lang).text(text).replace("\xa0", " ").replace("\u2060", "")
