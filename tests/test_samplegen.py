"""The committed synthetic sample data: reproducible, complete, physically consistent, and holding
the built-in situations a-f that let the bulletin show every warning level (data/README.md)."""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
# The generator is a developer tool in tools/, outside the installed package.
sys.path.insert(0, str(ROOT / "tools"))
from samplegen import generate  # noqa: E402

SAMPLE_DIR = ROOT / "data" / "sample"
NETWORK_PATH = ROOT / "data" / "basin" / "syrdarya.yaml"
HEADER = "station,variable,date,value,unit"
FIRST_DAY = pd.Timestamp("1991-01-01")
LAST_DAY = pd.Timestamp("2026-11-20")
KOKSARAY_FIRST_DAY = pd.Timestamp("2011-01-01")
MM3_PER_M3S_DAY = 0.0864
GAUGE_UNITS = {"discharge": "m3/s"}
KAZALY_UNITS = {"discharge": "m3/s", "stage": "cm"}
RESERVOIR_UNITS = {"inflow": "m3/s", "level": "m", "release": "m3/s", "volume": "Mm3"}
DANGEROUS_STAGE, CRITICAL_STAGE = 640, 743


@pytest.fixture(scope="module")
def all_stations() -> list[dict]:
    with open(NETWORK_PATH, encoding="utf-8") as handle:
        return yaml.safe_load(handle)["stations"]


@pytest.fixture(scope="module")
def stations(all_stations) -> list[dict]:
    """Gauges and reservoirs: the stations with daily series from the basin model."""
    return [s for s in all_stations if s["kind"] != "intake"]


@pytest.fixture(scope="module")
def intakes(all_stations) -> list[dict]:
    """Withdrawal accounting points: dekad series."""
    return [s for s in all_stations if s["kind"] == "intake"]


@pytest.fixture(scope="module")
def sample(all_stations) -> dict[str, pd.DataFrame]:
    """Every committed file, read with pandas, by station id."""
    frames = {}
    for station in all_stations:
        path = SAMPLE_DIR / f"{station['id']}.csv.gz"
        if path.exists():
            frames[station["id"]] = pd.read_csv(path, parse_dates=["date"])
    return frames


def series(sample, station: str, variable: str) -> pd.Series:
    """One variable of one station as a daily series indexed by date."""
    frame = sample[station]
    rows = frame[frame["variable"] == variable]
    return pd.Series(rows["value"].to_numpy(float), index=pd.DatetimeIndex(rows["date"]), name=variable)


def dekad_of(index: pd.DatetimeIndex) -> np.ndarray:
    """Dekad of the month, 1-3, of each day."""
    return np.where(index.day <= 10, 1, np.where(index.day <= 20, 2, 3))


def dekad_means(values: pd.Series) -> pd.Series:
    """Dekad means indexed by (year, month, dekad)."""
    index = values.index
    return values.groupby([index.year, index.month, dekad_of(index)]).mean()


def longest_run(mask: np.ndarray) -> int:
    """Longest run of consecutive True values."""
    longest = current = 0
    for flag in mask:
        current = current + 1 if flag else 0
        longest = max(longest, current)
    return longest


# ---- provenance and format ------------------------------------------------------------------


def test_regeneration_reproduces_the_committed_files_byte_for_byte(tmp_path):
    written = generate(tmp_path, NETWORK_PATH)
    # data/sample may hold other files than the generator's (a sample scenario file): only the series count
    committed = sorted(path.name for path in SAMPLE_DIR.glob("*.csv.gz"))
    assert sorted(path.name for path in written) == committed, "data/sample holds other series than the generator writes"
    differing = [path.name for path in written if path.read_bytes() != (SAMPLE_DIR / path.name).read_bytes()]
    assert not differing, f"committed files differ from a fresh generation: {differing} (run make sample-data)"


def test_every_station_has_a_file_with_its_variables_and_units(stations, sample):
    missing = [station["id"] for station in stations if station["id"] not in sample]
    assert not missing, f"no sample file for {missing}"
    for station in stations:
        sid = station["id"]
        frame = sample[sid]
        if station["kind"] == "reservoir":
            expected = RESERVOIR_UNITS
        elif sid == "syrdarya_kazaly":
            expected = KAZALY_UNITS
        else:
            expected = GAUGE_UNITS
        units = frame.groupby("variable")["unit"].unique().map(list).to_dict()
        assert units == {variable: [unit] for variable, unit in expected.items()}, f"{sid}: variables/units {units}"
        assert (frame["station"] == sid).all(), f"{sid}: rows of another station"
        assert frame["value"].notna().all(), f"{sid}: empty values"


def test_files_are_canonical_csv_sorted_by_variable_then_date(stations):
    for station in stations:
        text = gzip.decompress((SAMPLE_DIR / f"{station['id']}.csv.gz").read_bytes()).decode("utf-8")
        assert "\r" not in text, f"{station['id']}: line endings must be \\n"
        lines = text.split("\n")
        assert lines[0] == HEADER, f"{station['id']}: header {lines[0]!r}"
        assert lines[-1] == "", f"{station['id']}: the last line must end with \\n"
        keys = [tuple(line.split(",")[1:3]) for line in lines[1:-1]]
        assert keys == sorted(keys), f"{station['id']}: rows not sorted by variable then date"
        assert len(set(keys)) == len(keys), f"{station['id']}: duplicate (variable, date) rows"


def test_dates_span_the_whole_period(stations, sample):
    for station in stations:
        sid = station["id"]
        dates = sample[sid]["date"]
        first = KOKSARAY_FIRST_DAY if sid == "koksaray" else FIRST_DAY
        assert dates.min() == first, f"{sid}: first date {dates.min():%Y-%m-%d}, expected {first:%Y-%m-%d}"
        assert dates.max() == LAST_DAY, f"{sid}: last date {dates.max():%Y-%m-%d}, expected {LAST_DAY:%Y-%m-%d}"


def test_sample_data_stays_under_5_mb():
    size = sum(path.stat().st_size for path in SAMPLE_DIR.iterdir())
    assert size < 5_000_000, f"data/sample holds {size / 1e6:.2f} MB"


# ---- reservoirs -----------------------------------------------------------------------------


def test_reservoir_balance_closes_for_every_dekad(stations, sample):
    for station in (s for s in stations if s["kind"] == "reservoir"):
        sid = station["id"]
        volume = series(sample, sid, "volume")
        net = (series(sample, sid, "inflow") - series(sample, sid, "release")) * MM3_PER_M3S_DAY
        assert volume.index.equals(net.index), f"{sid}: volume, inflow and release on different days"
        assert (volume.index.to_series().diff().dropna() == pd.Timedelta(days=1)).all(), f"{sid}: reservoir days missing"
        cumulative = net.cumsum().to_numpy()
        keys = pd.MultiIndex.from_arrays([volume.index.year, volume.index.month, dekad_of(volume.index)])
        last_of_dekad = np.flatnonzero(keys[1:] != keys[:-1])  # last day of every complete dekad but the first
        volumes = volume.to_numpy()
        storage_change = np.diff(volumes[last_of_dekad])
        balance = np.diff(cumulative[last_of_dekad])
        error = np.abs(storage_change - balance)
        assert error.max() <= 2.0, f"{sid}: dekad balance off by {error.max():.2f} Mm3"


def test_reservoir_volumes_stay_within_capacity_and_levels_follow_volumes(stations, sample):
    for station in (s for s in stations if s["kind"] == "reservoir"):
        sid = station["id"]
        total = station["total_volume"]["value"] * 1000.0
        volume = series(sample, sid, "volume")
        assert volume.min() >= 0 and volume.max() <= total, f"{sid}: volume {volume.min()}-{volume.max()} Mm3 outside [0, {total}]"
        level = series(sample, sid, "level")
        by_volume = level.to_numpy()[np.argsort(volume.to_numpy(), kind="stable")]
        assert np.diff(by_volume).min() >= -0.011, f"{sid}: level does not rise with volume"
        assert level.max() <= station["level_range"]["max"] + 0.005, f"{sid}: level above the top of the range"


def test_toktogul_winter_release_far_exceeds_summer_release_in_the_energy_regime(sample):
    release = series(sample, "toktogul", "release")["1994-10-01":]
    winter = release[release.index.month.isin([10, 11, 12, 1, 2, 3])].mean()
    summer = release[release.index.month.isin([4, 5, 6, 7, 8, 9])].mean()
    assert winter >= 1.8 * summer, f"Toktogul winter release {winter:.0f} m3/s vs summer {summer:.0f} m3/s"


def test_toktogul_follows_the_irrigation_regime_until_1993(sample):
    release = series(sample, "toktogul", "release")[:"1993-09-30"]
    winter = release[release.index.month.isin([11, 12, 1, 2])].mean()
    summer = release[release.index.month.isin([6, 7])].mean()
    assert 180 <= winter <= 260 and 650 <= summer <= 850, f"1991-93 winter {winter:.0f}, June-July {summer:.0f} m3/s"


def test_toktogul_volume_is_lowest_in_spring_and_highest_in_autumn(sample):
    volume = series(sample, "toktogul", "volume")
    by_month = volume.groupby(volume.index.month).mean()
    assert by_month.idxmin() in (3, 4, 5) and by_month.idxmax() in (9, 10), f"monthly means {by_month.round(0).tolist()}"
    assert 9000 <= by_month.min() <= 12000 and 15000 <= by_month.max() <= 19000, f"monthly means {by_month.round(0).tolist()}"


def test_reservoirs_are_drawn_down_and_refilled_differently_each_year(stations, sample):
    # the lowest volume of each year spreads over a realistic part of the useful volume
    for station in (s for s in stations if s["kind"] == "reservoir"):
        sid = station["id"]
        volume = series(sample, sid, "volume")["2012" if sid == "koksaray" else "1995":"2025"]
        lowest = volume.groupby(volume.index.year).min()
        capacity = (station.get("useful_volume") or station["total_volume"])["value"] * 1000.0
        spread = (lowest.quantile(0.9) - lowest.quantile(0.1)) / capacity
        assert spread >= 0.05, f"{sid}: yearly minimum volumes P10-P90 span {spread:.1%} of {capacity:.0f} Mm3"
    # Toktogul at the end of winter: about 7 to 13 km3 across the years of the energy regime
    volume = series(sample, "toktogul", "volume")["1995":"2026"]
    spring = volume[volume.index.month.isin([3, 4])]
    lowest = spring.groupby(spring.index.year).min()
    assert lowest.min() < 8000 and lowest.max() > 12000, f"Toktogul March-April minima {lowest.min():.0f}-{lowest.max():.0f} Mm3"


def test_koksaray_has_no_rows_before_2011(sample):
    assert sample["koksaray"]["date"].min() >= KOKSARAY_FIRST_DAY


# ---- natural regime -------------------------------------------------------------------------


def test_naryn_peaks_in_june_july(sample):
    discharge = series(sample, "naryn_uchterek", "discharge")
    by_month = discharge.groupby(discharge.index.month).mean()
    peak, low = by_month[[6, 7]].mean(), by_month[[1, 2]].mean()
    assert peak > 2 * low, f"June-July {peak:.0f} m3/s vs January-February {low:.0f} m3/s"
    assert 350 <= discharge["1991":"2020"].mean() <= 430, f"1991-2020 mean {discharge['1991':'2020'].mean():.0f} m3/s"


def test_naryn_annual_means_are_persistent(sample):
    discharge = series(sample, "naryn_uchterek", "discharge")["1991":"2025"]
    annual = discharge.groupby(discharge.index.year).mean()
    lag1 = annual.autocorr(1)
    assert lag1 > 0, f"lag-1 autocorrelation of annual means {lag1:.2f}"


def test_charvak_inflow_follows_the_published_monthly_means(sample):
    published = np.array([65, 63, 86, 226, 423, 547, 410, 234, 136, 100, 87, 73], float)
    inflow = series(sample, "charvak", "inflow")["1991":"2020"]
    by_month = inflow.groupby(inflow.index.month).mean().to_numpy()
    ratio = by_month / published
    assert np.all((ratio > 0.85) & (ratio < 1.15)), f"monthly means {by_month.round(0).tolist()}"


def test_natural_flows_vary_like_real_dekad_series(sample):
    # Uzhydromet Chirchik archive 1932-2015 (Charvak inflow, Chatkal, Pskem): lag-1 autocorrelation
    # of the dekad log-anomalies 0.84-0.87, spread of the November anomalies about 0.22
    for sid, variable in (("naryn_uchterek", "discharge"), ("charvak", "inflow"), ("karadarya_uchtepe", "discharge")):
        dekads = np.log(dekad_means(series(sample, sid, variable)).loc[1991:2020])
        anomaly = dekads - dekads.groupby(level=[1, 2]).transform("mean")
        lag1 = anomaly.autocorr(1)
        november = anomaly.xs((11, 2), level=[1, 2]).std()
        assert 0.8 <= lag1 <= 0.93 and 0.15 <= november <= 0.3, f"{sid}: lag-1 {lag1:.2f}, November sd {november:.2f}"


def test_arys_peaks_in_spring(sample):
    discharge = series(sample, "arys_mouth", "discharge")
    by_month = discharge.groupby(discharge.index.month).mean()
    assert by_month.idxmax() in (3, 4, 5), f"Arys peaks in month {by_month.idxmax()}"


# ---- built-in situations ----------------------------------------------------------------------


def test_situation_a_dry_year_takes_toktogul_below_critical_volume(sample):
    naryn = dekad_means(series(sample, "naryn_uchterek", "discharge"))
    norm = naryn.loc[1991:2020].groupby(level=[1, 2]).mean()
    summer_2026 = naryn.loc[2026].loc[4:9]
    share = summer_2026.sum() / norm.loc[4:9].sum()
    assert 0.60 <= share <= 0.70, f"Naryn inflow April-September 2026 at {share:.0%} of the 1991-2020 norm"
    volume = series(sample, "toktogul", "volume")
    spring_min = volume["2026-03-01":"2026-04-30"].min()
    assert 7300 <= spring_min <= 8000, f"Toktogul spring 2026 minimum {spring_min:.0f} Mm3"
    latest = volume[LAST_DAY]
    assert 9500 <= latest <= 9950, f"Toktogul on 2026-11-20: {latest:.0f} Mm3"
    # the drought is centred on the Naryn and the Fergana valley: the tributaries are not all dry
    shares = {}
    for sid, variable in (("karadarya_uchtepe", "discharge"), ("charvak", "inflow"), ("arys_mouth", "discharge"),
                          ("keles_mouth", "discharge")):
        flow = series(sample, sid, variable)
        growing = flow[flow.index.month.isin(range(4, 10))]
        by_year = growing.groupby(growing.index.year).mean()
        shares[sid] = by_year[2026] / by_year.loc[1991:2020].mean()
    assert shares["karadarya_uchtepe"] < 0.75 and 0.8 <= shares["charvak"] <= 1.05, shares
    assert shares["arys_mouth"] > 1.05 and shares["keles_mouth"] > 1.05, shares
    release = series(sample, "toktogul", "release")["2026-11-11":"2026-11-20"].mean()
    assert 560 <= release <= 650, f"Toktogul release 2026-11-11..20: {release:.0f} m3/s"


def test_situation_b_shardara_near_full_in_winter_2024(sample):
    inflow = dekad_means(series(sample, "shardara", "inflow")).loc[2024].loc[1:2]
    release = dekad_means(series(sample, "shardara", "release")).loc[2024].loc[1:2]
    pressing = (inflow.between(1300, 1500)) & (release.between(550, 750))
    assert pressing.sum() >= 2, f"dekads of Jan-Feb 2024: inflow {inflow.round(0).tolist()}, release {release.round(0).tolist()}"
    volume = series(sample, "shardara", "volume")["2024-01-01":"2024-02-29"]
    assert 5100 < volume.max() < 5400, f"Shardara maximum Jan-Feb 2024: {volume.max():.0f} Mm3"


def test_situation_b_kazaly_stage_dangerous_in_2024_and_critical_in_2005(sample):
    stage = series(sample, "syrdarya_kazaly", "stage")
    winter_2024 = stage["2023-12-01":"2024-03-31"]
    dangerous_run = longest_run((winter_2024 > DANGEROUS_STAGE).to_numpy())
    assert dangerous_run >= 10, f"Kazaly above {DANGEROUS_STAGE} cm for {dangerous_run} consecutive days in winter 2023/24"
    winter_2005 = stage["2004-12-01":"2005-03-31"]
    critical_days = int((winter_2005 > CRITICAL_STAGE).sum())
    assert 1 <= critical_days <= 15, f"Kazaly above {CRITICAL_STAGE} cm on {critical_days} days in winter 2004/05"
    open_water = stage[stage.index.month.isin([5, 6, 7, 8, 9])]
    low, high = open_water.quantile(0.1), open_water.quantile(0.9)
    assert 350 <= low and high <= 600, f"open-water stage (10-90 %) {low:.0f}-{high:.0f} cm, expected within 350-600 cm"


def test_situation_c_north_aral_inflow_below_30_in_summer_2026(sample):
    karateren = dekad_means(series(sample, "syrdarya_karateren", "discharge")).loc[2026].loc[7:9]
    run = longest_run((karateren < 30).to_numpy())
    assert run >= 2, f"Karateren dekad means July-September 2026: {karateren.round(1).tolist()}"
    usual = series(sample, "syrdarya_karateren", "discharge")["1991":"2020"]
    winter = usual[usual.index.month.isin([12, 1, 2])].mean()
    summer = usual[usual.index.month.isin([6, 7, 8])].median()
    assert 200 <= winter <= 500 and 40 <= summer <= 120, f"Karateren 1991-2020: winter mean {winter:.0f}, summer median {summer:.0f} m3/s"


def test_situation_d_shardara_filling_in_the_latest_dekad(sample):
    latest = slice("2026-11-11", "2026-11-20")
    filling = (series(sample, "shardara", "inflow") - series(sample, "shardara", "release"))[latest].mean()
    assert 300 <= filling <= 450, f"Shardara inflow - release 2026-11-11..20: {filling:.0f} m3/s"
    volume = series(sample, "shardara", "volume")[latest]
    assert volume.between(3700, 4300).all(), f"Shardara volume 2026-11-11..20: {volume.min():.0f}-{volume.max():.0f} Mm3"


def test_situation_e_gaps_like_a_real_archive(stations, sample):
    days = pd.date_range(FIRST_DAY, LAST_DAY, freq="D")
    gauges = [s["id"] for s in stations if s["kind"] == "gauge"]
    scattered = {}
    for sid in gauges:
        present = series(sample, sid, "discharge").index
        share = 1 - len(present) / len(days)
        if sid != "arys_mouth" and share > 0:
            scattered[sid] = share
    assert len(scattered) >= 5, f"gauges with scattered gaps: {scattered}"
    assert all(0.002 <= share <= 0.01 for share in scattered.values()), f"missing shares {scattered}"
    arys = series(sample, "arys_mouth", "discharge")["2008"]
    block = longest_run(~pd.date_range("2008-01-01", "2008-12-31").isin(arys.index))
    assert 80 <= block <= 100, f"arys_mouth longest gap in 2008: {block} days"
    november = pd.date_range("2026-11-01", LAST_DAY)
    keles = series(sample, "keles_mouth", "discharge")
    latest = keles["2026-11-11":"2026-11-20"]
    assert len(latest) == 4, f"keles_mouth has {len(latest)} of 10 days in 2026-11-11..20"
    assert november[:10].isin(keles.index).all(), "keles_mouth: days missing in 2026-11-01..10"
    for station in stations:
        frame = sample[station["id"]]
        for variable, rows in frame.groupby("variable"):
            if station["id"] == "keles_mouth":
                continue
            present = pd.DatetimeIndex(rows["date"])
            assert november.isin(present).all(), f"{station['id']} {variable}: days missing in November 2026"


# ---- f. withdrawals against the ICWC limits ---------------------------------------------------

LIMITS_KM3 = {"KG": (0.27, 0.047), "TJ": (1.9, 0.365), "UZ": (8.8, 3.34), "KZ": (0.909, 0.460)}  # ICWC, 2025


def _dekad_ends(first: pd.Timestamp, last: pd.Timestamp) -> pd.DatetimeIndex:
    days = pd.date_range(first, last, freq="D")
    return days[(days.day == 10) | (days.day == 20) | days.is_month_end]


def test_intakes_have_one_dekad_value_per_dekad(intakes, sample):
    assert {s["country"] for s in intakes} == {"KG", "TJ", "UZ", "KZ"}
    ends = _dekad_ends(FIRST_DAY, LAST_DAY)
    for station in intakes:
        sid = station["id"]
        text = gzip.decompress((SAMPLE_DIR / f"{sid}.csv.gz").read_bytes()).decode("utf-8")
        assert text.split("\n")[0] == HEADER + ",resolution"
        frame = sample[sid]
        assert set(frame["variable"]) == {"withdrawal"} and set(frame["unit"]) == {"m3/s"}
        assert set(frame["resolution"]) == {"dekad"}
        assert pd.DatetimeIndex(frame["date"]).equals(ends), f"{sid}: not one row per dekad end"
        assert (frame["value"] > 0).all()


def _season_use(frame: pd.DataFrame, first: str, last: str) -> float:
    """Volume withdrawn [Mm3] from the dekad means of the dekads ending in [first, last]."""
    rows = frame[(frame["date"] >= first) & (frame["date"] <= last)]
    ends = pd.DatetimeIndex(rows["date"])
    days = np.where(ends.day == 10, 10, np.where(ends.day == 20, 10, ends.day - 20))
    return float((rows["value"].to_numpy() * days).sum() * MM3_PER_M3S_DAY)


def test_seasons_end_near_their_limits(intakes, sample):
    # a whole season withdraws about its ICWC limit: the shape has mean 1 and the pace is about 0.93
    for station in intakes:
        gs, ngs = LIMITS_KM3[station["country"]]
        frame = sample[station["id"]]
        for year in range(1995, 2026):
            share = _season_use(frame, f"{year}-04-01", f"{year}-09-30") / (gs * 1000)
            assert 0.75 < share < 1.1, f"{station['id']} growing season {year}: {share:.2f} of the limit"
            share = _season_use(frame, f"{year}-10-01", f"{year + 1}-03-31") / (ngs * 1000)
            assert 0.75 < share < 1.1, f"{station['id']} non-growing season {year}/{year + 1}: {share:.2f}"


def test_situation_f_tajikistan_ahead_of_its_pace(intakes, sample):
    # 2026/27 to 20 November against the same weeks of the reference seasons 1991-2020, per country
    ratios = {}
    for station in intakes:
        frame = sample[station["id"]]
        now = _season_use(frame, "2026-10-01", "2026-11-20")
        usual = np.mean([_season_use(frame, f"{y}-10-01", f"{y}-11-20") for y in range(1991, 2020)])
        ratios[station["country"]] = now / usual
    assert ratios["TJ"] > 1.08, ratios
    assert all(r < 1.06 for c, r in ratios.items() if c != "TJ"), ratios
