"""Period arithmetic, checked by hand against the calendar."""

from datetime import date

import pandas as pd
import pytest

from bulletin.errors import UsageError
from bulletin.periods import (
    Period,
    Seasons,
    dekad_of_year,
    latest_complete,
    parse_period,
    period_keys,
)


def test_third_dekad_of_february_2024_has_nine_days():
    p = Period.dekad(2024, 2, 3)
    assert (p.start, p.end, p.days) == (date(2024, 2, 21), date(2024, 2, 29), 9)


def test_third_dekad_lengths_follow_the_month():
    assert Period.dekad(2023, 2, 3).days == 8
    assert Period.dekad(2026, 1, 3).days == 11
    assert Period.dekad(2026, 4, 3).days == 10
    assert Period.dekad(2026, 11, 2).days == 10


def test_dekad_of_year():
    assert dekad_of_year(date(2026, 1, 1)) == 1
    assert dekad_of_year(date(2026, 1, 10)) == 1
    assert dekad_of_year(date(2026, 1, 11)) == 2
    assert dekad_of_year(date(2026, 11, 20)) == 32
    assert dekad_of_year(date(2026, 12, 31)) == 36


def test_labels_round_trip():
    for text in ("2026-11-d2", "2026-11", "2026-gs", "2026/27-ngs", "2026/27", "1999/00"):
        assert parse_period(text).label == text


def test_season_and_year_bounds():
    assert (parse_period("2026-gs").start, parse_period("2026-gs").end) == (date(2026, 4, 1), date(2026, 9, 30))
    ngs = parse_period("2026/27-ngs")
    assert (ngs.start, ngs.end, ngs.days) == (date(2026, 10, 1), date(2027, 3, 31), 182)
    hy = parse_period("2026/27")
    assert (hy.start, hy.end, hy.days) == (date(2026, 10, 1), date(2027, 9, 30), 365)
    assert parse_period("2027/28").days == 366  # contains 29 February 2028


def test_season_bounds_are_configuration():
    seasons = Seasons(hydrological_year_start=9, growing_season=(5, 8))
    assert parse_period("2026-gs", seasons).start == date(2026, 5, 1)
    assert parse_period("2026/27-ngs", seasons).end == date(2027, 4, 30)
    assert parse_period("2026/27", seasons).start == date(2026, 9, 1)
    assert Period.containing("year", date(2026, 8, 31), seasons).label == "2025/26"


def test_navigation_across_year_ends():
    assert Period.dekad(2026, 1, 1).previous().label == "2025-12-d3"
    assert Period.dekad(2025, 12, 3).shift(1).label == "2026-01-d1"
    assert Period.dekad(2026, 11, 2).same_period_last_year().label == "2025-11-d2"
    assert Period.month(2026, 1).previous().label == "2025-12"
    assert Period.dekad(2024, 3, 1).shift(-36).label == "2023-03-d1"


def test_containing():
    assert Period.containing("dekad", date(2026, 11, 20)).label == "2026-11-d2"
    assert Period.containing("dekad", date(2026, 11, 21)).label == "2026-11-d3"
    assert Period.containing("ngs", date(2027, 2, 1)).label == "2026/27-ngs"
    assert Period.containing("gs", date(2026, 6, 1)).label == "2026-gs"


def test_latest_complete():
    assert latest_complete("dekad", date(2026, 11, 20)).label == "2026-11-d2"
    assert latest_complete("dekad", date(2026, 11, 19)).label == "2026-11-d1"
    assert latest_complete("dekad", date(2024, 2, 29)).label == "2024-02-d3"
    assert latest_complete("month", date(2026, 11, 20)).label == "2026-10"


@pytest.mark.parametrize("text", ["2026-13", "2026-11-d4", "2026/28", "26-11-d1", "latest-1", ""])
def test_bad_period_says_how_to_write_one(text):
    with pytest.raises(UsageError) as err:
        parse_period(text)
    assert "2026-11-d2" in str(err.value)


def test_period_keys_vectorised():
    dates = pd.DatetimeIndex(["2024-02-10", "2024-02-11", "2024-02-29", "2024-12-31"])
    years, dekads = period_keys(dates, "dekad")
    assert list(years) == [2024] * 4
    assert list(dekads) == [4, 5, 6, 36]
    assert list(period_keys(dates, "month")[1]) == [2, 2, 2, 12]


def test_period_keys_of_pentads():
    """Pentads are days 1-5, 6-10, 11-15, 16-20, 21-25 and 26 to the month's end (72 a year)."""
    dates = pd.DatetimeIndex(["2026-01-05", "2026-01-06", "2026-01-31", "2026-02-28", "2026-12-26"])
    years, pentads = period_keys(dates, "pentad")
    assert pentads.tolist() == [1, 2, 6, 12, 72] and years.tolist() == [2026] * 5
