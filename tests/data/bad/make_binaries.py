"""Write the Excel and NetCDF files of this corpus (run from the repository root).

    .venv/bin/python tests/data/bad/make_binaries.py

The files are committed (each under 20 KB) so that they can be tried by hand with
``bulletin check-data --data tests/data/bad/FILE``; this script says how they were made.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent
VOLUME = [11842, 11838, 11835, 11830, 11826]


def workbook(path: Path, title: str, rows: list, merge: str | None = None) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.properties.created = book.properties.modified = datetime(2026, 11, 21)
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    if merge:
        sheet.merge_cells(merge)
    book.save(path)


def main() -> None:
    import xarray as xr

    # a two-row header: "value" merged over the volume and level columns, units below
    workbook(HERE / "xlsx_merged_header.xlsx", "toktogul", [
        ("date", "value", None, "unit"),
        (None, "volume", "level", None),
        *[(datetime(2026, 11, 11 + i), v, 880.0 + i / 10, "Mm3 / m") for i, v in enumerate(VOLUME)],
    ], merge="B1:C1")
    # a long table with a note typed into a value cell (D5)
    rows = [("station", "variable", "date", "value", "unit")]
    rows += [("toktogul", "volume", datetime(2026, 11, 11 + i), v, "Mm3") for i, v in enumerate(VOLUME)]
    rows[4] = ("toktogul", "volume", datetime(2026, 11, 14), "11830 (est.)", "Mm3")
    workbook(HERE / "xlsx_text_value.xlsx", "Sheet1", rows)
    # a CSV file saved under an Excel name
    (HERE / "not_a_workbook.xlsx").write_text("station,variable,date,value,unit\n"
                                              "toktogul,volume,2026-11-11,11842,Mm3\n", encoding="utf-8")

    times = pd.date_range("2026-11-11", periods=5, freq="D")
    ids = ("station_id", ("station",), ["naryn_uchkurgan"], {"cf_role": "timeseries_id"})
    # discharge along station and time, without a units attribute
    xr.Dataset({"discharge": (("station", "time"), np.array([[410.2, 411.5, 409.8, 412.0, 413.1]]),
                              {"long_name": "river discharge"}),
                "station_id": ids[1:3] + (ids[3],)},
               coords={"time": times}, attrs={"featureType": "timeSeries", "Conventions": "CF-1.8"},
               ).to_netcdf(HERE / "netcdf_no_units.nc", format="NETCDF3_CLASSIC")
    # one value per station and no time at all (a summary table saved as NetCDF)
    xr.Dataset({"discharge": (("station",), np.array([410.2]), {"units": "m3 s-1"}),
                "station_id": ids[1:3] + (ids[3],)},
               attrs={"featureType": "timeSeries", "Conventions": "CF-1.8"},
               ).to_netcdf(HERE / "netcdf_no_time.nc", format="NETCDF3_CLASSIC")


if __name__ == "__main__":
    main()
