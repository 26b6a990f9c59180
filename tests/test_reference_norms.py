"""Norms against a published archive: Uzhydromet's own norm column, Chirchik basin 1932-2015.

The archive (riversCentralAsia, ChirchikRiverBasin.rda; source "Uzbek HydroMet 2021", GPL-3;
consulted 2026-11-29, see ../shared/data/chirchik-uzhydromet/SOURCE.txt) stores with every
dekadal and monthly discharge the multi-year norm of that dekad or month. `bulletin
climatology --reference full` must reproduce it: the norm is the mean over the whole record.
The archive's column is read here with plain pandas, independently of the project's reader.
"""

import pandas as pd
import pytest
from click.testing import CliRunner

from bulletin.cli import main

from .conftest import SHARED_DATA, shared_data

ARCHIVE = SHARED_DATA / "chirchik-uzhydromet" / "ChirchikRiverBasin_from_rda.csv"
# archive code -> station id as the bulletin reports it (16275 is an alias of chirchik_chinaz)
STATION = {"16275": "chirchik_chinaz"}

# skipped when the archive is not beside the checkout, failed when CI is set
pytestmark = shared_data(ARCHIVE)


def _archive_norms(resolution: str) -> pd.Series:
    raw = pd.read_csv(ARCHIVE, dtype={"code": str})
    raw = raw[(raw["type"] == "Q") & (raw["resolution"] == {"dekad": "dec", "month": "mon"}[resolution])]
    dates = pd.to_datetime(raw["date"])
    if resolution == "dekad":
        poy = (dates.dt.month - 1) * 3 + dates.dt.day.map(lambda d: 1 if d <= 10 else 2 if d <= 20 else 3)
    else:
        poy = dates.dt.month
    station = raw["code"].map(lambda c: STATION.get(c, c))
    norms = pd.DataFrame({"station": station, "poy": poy, "norm": raw["norm"]}).dropna()
    # one norm per station and period of year, repeated on every year's row
    assert (norms.groupby(["station", "poy"])["norm"].nunique() == 1).all()
    return norms.groupby(["station", "poy"])["norm"].first()


@pytest.mark.parametrize("resolution", ["dekad", "month"])
def test_full_record_norms_reproduce_the_archive(tmp_path, resolution):
    out = tmp_path / "clim.csv"
    result = CliRunner().invoke(main, ["climatology", "--data", str(ARCHIVE), "--resolution", resolution,
                                       "--reference", "full", "--out", str(out), "--keep-unknown-stations"])
    assert result.exit_code == 0, result.stderr
    ours = pd.read_csv(out, dtype={"station": str}).set_index(["station", "period_of_year"])["mean"]
    archive = _archive_norms(resolution)
    assert len(archive) == {"dekad": 4 * 36, "month": 3 * 12}[resolution]
    joined = pd.concat({"ours": ours, "archive": archive}, axis=1, join="inner")
    assert len(joined) == len(archive)
    # the CSV keeps 6 significant digits: agreement to rounding
    assert ((joined["ours"] - joined["archive"]).abs() / joined["archive"].abs()).max() <= 5e-6
