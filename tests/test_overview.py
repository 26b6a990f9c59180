"""The basin at a glance (bulletin/overview.py): map levels, reservoir fill, HydroSOS strip.

The data are made by hand so that every expected value can be worked out on paper:

- Toktogul volume 10,000 + 100 (y - 1991) Mm3 in every dekad of 1991-2025 and 9,500 Mm3 in
  2026: norm of 2026-11-d2 = mean over 1991-2020 = 10,000 + 100 * 14.5 = 11,450 Mm3; last year
  (2025) 13,400 Mm3; fill (9,500 - 5,500) / (19,500 - 5,500) = 28.57 % of useful volume.
- Shardara volume 3,000 Mm3 until 2025 and 4,300 Mm3 in 2026 (watch at 4.2 km3 and above).
- Kokbulak discharge 100 + (y - 1991) m3/s in 1991-2020 (values 100..129 in every dekad), and
  chosen values in the 12 dekads up to 2026-11-d2. Weibull edges of those 30 values: P10 =
  102.1, P25 = 106.75, P75 = 122.25, P90 = 126.9 (positions i/31).
"""

from datetime import UTC, datetime

import pytest

from bulletin.climatology import climatology, status_table
from bulletin.evaluate import period_series
from bulletin.periods import Period
from bulletin.pipeline import run

PERIOD = Period.dekad(2026, 11, 2)
KOKBULAK_2026 = [95, 104, 115, 125, 140, None, 115, 115, 101, 130, 110, 120]  # 2026-07-d3 .. 2026-11-d2
KOKBULAK_EXPECTED = ["low", "below_normal", "normal", "above_normal", "high", "no_data",
                     "normal", "normal", "low", "high", "normal", "normal"]


def _dekad_rows(station, variable, unit, value_of):
    rows = []
    for year in range(1991, 2027):
        for poy in range(1, 37):
            p = Period.from_period_of_year("dekad", year, poy)
            v = value_of(p)
            if v is not None:
                rows.append(f"{station},{variable},{p.end.isoformat()},{v},{unit},dekad")
    return rows


def _kokbulak(p):
    if p.start.year <= 2020:
        return 100 + (p.start.year - 1991)
    recent = {PERIOD.shift(k): v for k, v in zip(range(-11, 1), KOKBULAK_2026, strict=True)}
    return recent.get(p)


def _toktogul(p):
    if p.start.year <= 2025:
        return 10000 + 100 * (p.start.year - 1991)
    return 9500 if p.end <= PERIOD.end else None


def _shardara(p):
    if p.start.year <= 2025:
        return 3000
    return 4300 if p.end <= PERIOD.end else None


@pytest.fixture(scope="module")
def hand_made(tmp_path_factory):
    path = tmp_path_factory.mktemp("overview") / "hand.csv"
    rows = (_dekad_rows("syrdarya_kokbulak", "discharge", "m3/s", _kokbulak)
            + _dekad_rows("toktogul", "volume", "Mm3", _toktogul)
            + _dekad_rows("shardara", "volume", "Mm3", _shardara))
    path.write_text("station,variable,date,value,unit,resolution\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return run(data=[path], period=PERIOD.label, issued_at=datetime(2026, 11, 21, tzinfo=UTC))


# ---- map ---------------------------------------------------------------------------------------

def test_map_gives_each_station_the_highest_level_of_its_findings(hand_made, network):
    stations = {s.id: s for s in hand_made.bulletin.basin_map.stations}
    assert list(stations) == list(network.stations)  # every station, upstream to downstream
    # Toktogul: volume below 10 km3 and fill below 35 % (warning); inflow, release and the
    # schedule have no data: the highest is warning
    levels = {f.indicator: f.level for f in hand_made.findings if f.station == "toktogul"}
    assert levels["toktogul_volume_low"] == levels["toktogul_fill"] == "warning"
    assert levels["toktogul_inflow_norm"] == "no_data"
    assert stations["toktogul"].level == "warning"
    assert stations["shardara"].level == "watch"  # 4.3 km3 >= 4.2; the filling pressure has no data
    assert stations["syrdarya_kokbulak"].level == "normal"  # 120 m3/s: normal category
    assert stations["keles_mouth"].level == "no_data"  # an indicator, but no data
    assert stations["naryn_uchterek"].level is None  # no indicator at all
    # no data: Andijan, Charvak, Uchkurgan, Akdzhar, Chinaz, Keles, Kazaly; Karateren's only
    # indicator (North Aral inflow) is out of season in November, so it has no finding
    assert stations["syrdarya_karateren"].level is None
    counts = dict(hand_made.bulletin.basin_map.counts)
    assert counts == {"alert": 0, "warning": 1, "watch": 1, "normal": 1, "no_data": 7, None: 12}


def test_map_reservoir_fill_is_the_share_of_useful_volume(hand_made):
    stations = {s.id: s for s in hand_made.bulletin.basin_map.stations}
    assert stations["toktogul"].fill.value == pytest.approx(100 * (9500 - 5500) / (19500 - 5500))  # 28.57 %
    assert stations["shardara"].fill.value == pytest.approx(100 * (4300 - 1000) / (5400 - 1000))  # 75 %
    assert stations["andijan"].fill.value is None  # no volume in the data
    assert stations["naryn_uchterek"].fill is None  # a gauge
    b = hand_made.bulletin.basin_map
    assert [c.code for c in b.countries] == ["KG", "TJ", "UZ", "KZ"]
    assert dict(b.outlet.names)["en"] == "North Aral Sea"


# ---- fill bars ---------------------------------------------------------------------------------

def test_fill_bars_carry_volume_norm_last_year_and_thresholds(hand_made):
    bars = {b.station: b for b in hand_made.bulletin.fill_bars.bars}
    assert list(bars) == ["toktogul", "shardara"]  # the reservoirs with volume data
    t = bars["toktogul"]
    assert (t.volume, t.floor, t.capacity) == pytest.approx((9.5, 5.5, 19.5))
    assert t.fill == pytest.approx(400 / 14)
    assert t.norm == pytest.approx(11.45)
    assert t.last_year == pytest.approx(13.4)
    # toktogul_volume_low (9, 10, 11 km3) and toktogul_fill (25, 35, 50 % of 14 km3 above 5.5 km3:
    # 9.0, 10.4, 12.5 km3); the two alerts at 9 km3 are one mark
    assert [lev for lev, _ in t.thresholds] == ["alert", "warning", "warning", "watch", "watch"]
    assert [v for _, v in t.thresholds] == pytest.approx([9.0, 10.0, 10.4, 11.0, 12.5])
    assert t.level == "warning"
    s = bars["shardara"]
    assert (s.volume, s.norm, s.last_year, s.fill) == pytest.approx((4.3, 3.0, 3.0, 75.0))
    assert s.thresholds == (("watch", 4.2), ("warning", 4.8), ("alert", 5.2))
    assert s.level == "watch"


# ---- category strip ----------------------------------------------------------------------------

def test_strip_has_twelve_dekads_ending_with_the_bulletin(hand_made):
    strip = hand_made.bulletin.category_strip
    assert len(strip.periods) == 12
    assert strip.periods[-1] == PERIOD and strip.periods[0] == Period.dekad(2026, 7, 3)
    rows = {(r.station, r.variable): r for r in strip.rows}
    # the key series of the catalogue, and every gauge with discharge data, upstream to downstream
    assert list(rows) == [("toktogul", "volume"), ("toktogul", "inflow"), ("toktogul", "release"),
                          ("syrdarya_kokbulak", "discharge"), ("shardara", "volume"),
                          ("syrdarya_kazaly", "stage"), ("syrdarya_karateren", "discharge")]
    assert list(rows["syrdarya_kokbulak", "discharge"].categories) == KOKBULAK_EXPECTED
    assert set(rows["toktogul", "inflow"].categories) == {"no_data"}  # a key series without data


def test_strip_categories_agree_with_the_status_command(hand_made):
    """The same cells as ``bulletin status`` computes them (climatology.status_table)."""
    store_obs, settings = hand_made.evaluated, hand_made.catalogue.settings
    strip = hand_made.bulletin.category_strip
    for station, variable in (("syrdarya_kokbulak", "discharge"), ("toktogul", "volume")):
        agg = period_series(store_obs, station, variable, "dekad")
        table = status_table(agg, climatology(agg, "dekad", settings), "dekad", settings).set_index("period")
        row = next(r for r in strip.rows if (r.station, r.variable) == (station, variable))
        for p, category in zip(strip.periods, row.categories, strict=True):
            expected = table.loc[p.label, "category"] if p.label in table.index else "no_data"
            assert category == expected, (station, p.label)
    finding = next(f for f in hand_made.findings if f.indicator == "syrdarya_kokbulak_status")
    assert finding.category == strip.rows[3].categories[-1] == "normal"
