"""Generate the SYNTHETIC daily sample data set of the Syr Darya bulletin.

The data are not observations. They are built from published figures of the basin (monthly
regimes, mean flows, reservoir capacities, operating regimes, travel times) with a fixed random
seed, so that every run gives the same bytes. A few situations are built in on purpose so that the
bulletin can show every warning level (see ``data/README.md``, which also tells the scenario of
the hydrological years 2025/26 and 2026/27):

a. a hydrological year 2025/26 dry in the Naryn and the Fergana valley (near normal on the
   Chirchik, wet on the Arys and the Keles) that takes Toktogul below 9 km3 in spring 2026;
b. Shardara near full under high winter inflow in January-February 2024, with Kazaly stage above
   the dangerous level that winter and above the critical level in winter 2004/05;
c. inflow to the North Aral Sea below 30 m3/s in summer 2026, while Shardara and Koksaray hold
   their water;
d. Shardara filling fast in the last dekad, 2026-11-11..20;
e. gaps: scattered missing days, a three-month block at ``arys_mouth`` in 2008 and only four days
   of ``keles_mouth`` in the last dekad;
f. Tajikistan withdrawing about 13 % above its usual pace in the non-growing season 2026/27, so
   that its use projected to the end of the season exceeds the ICWC limit.

The model, upstream to downstream along the ``downstream`` links of the network file:

* natural flows: a daily climatology that keeps the monthly means of the regime, times a yearly
  wetness factor (an AR(1) process shared by the basin, a perturbation shared by the rivers of a
  region, a station-specific one, and a few designed years) and smooth day-to-day AR(1) noise on
  the log flow, with persistence and spread close to those of the Uzhydromet Chirchik archive;
* gauges: upstream outflows routed with travel lags, plus lateral inflow, minus irrigation
  withdrawals (capped at a share of the water available), plus delayed return flows, minus
  channel losses;
* reservoirs: an exact daily mass balance (volume [Mm3] changes by (inflow - release) * 0.0864),
  with operating rules per reservoir; release rises (spill) when the reservoir would overfill and
  is cut when it would fall below dead volume. The target volumes of the irrigation reservoirs
  and of Shardara, the water Koksaray keeps over the summer, the winter releases of Toktogul and
  the winter capacity of the iced lower channel change from year to year with the year's wetness,
  a random yearly plan and the severity of the winter, so that every reservoir is drawn down and
  refilled differently each year.

Withdrawals accounted per country (stations of kind ``intake``) are dekad means drawn on their
own: a monthly shape per season scaled to the ICWC limits of 2025 (data/README.md) times a yearly
pace factor. They are not subtracted from the simulated river, whose reaches carry their own
withdrawal demands.

A developer tool, not part of the installed package. Run ``python tools/samplegen.py --out data/sample``
(or ``make sample-data``) from the repository root.
"""

from __future__ import annotations

import argparse
import gzip
import io
import math
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

SEED = 20260085
FIRST_DAY = pd.Timestamp("1991-01-01")
LAST_DAY = pd.Timestamp("2026-11-20")
# The simulation starts earlier so that reservoir states and routed flows settle first.
SPIN_UP_START = pd.Timestamp("1989-10-01")
# Reference period of the normalisation of natural flows to their published mean.
REFERENCE_YEARS = (1991, 2020)
DEFAULT_NETWORK = Path(__file__).resolve().parent.parent / "data/basin/syrdarya.yaml"

# Volume [Mm3] of a flow of 1 m3/s during one day.
MM3_PER_M3S_DAY = 0.0864
DAYS_PER_YEAR = 365
MONTH_LENGTHS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
MONTH_STARTS = np.concatenate([[0], np.cumsum(MONTH_LENGTHS)[:-1]]).astype(float)
MONTH_MIDDLES = MONTH_STARTS + (MONTH_LENGTHS - 1) / 2.0
WINTER_MONTHS = (10, 11, 12, 1, 2, 3)

FLOW_UNIT = "m3/s"
VOLUME_UNIT = "Mm3"
LEVEL_UNIT = "m"
STAGE_UNIT = "cm"
CSV_HEADER = "station,variable,date,value,unit"

# ---------------------------------------------------------------------------------------------
# Yearly wetness: AR(1) on the log of a basin-wide factor, per hydrological year (October-
# September, named by the year in which it ends), plus a regional and a station-specific
# perturbation, so that the tributaries of one year are not all in the same category.
WETNESS_LAG1_CORRELATION = 0.4
WETNESS_LOG_SD = 0.2
# Regions whose rivers share a yearly perturbation of the log wetness: the Naryn, the Kara Darya
# and the Fergana valley (snow and glaciers of the Fergana and Alay ranges); the Chirchik and the
# Akhangaran (western Tien Shan); the Keles and the Arys (Talas Alatau and Karatau, rain and low
# snow).
WETNESS_REGIONS = {
    "naryn": "fergana", "naryn_lateral": "fergana", "kara_darya": "fergana",
    "fergana_north": "fergana", "fergana_south": "fergana",
    "chirchik": "chirchik", "chirchik_lateral": "chirchik", "akhangaran": "chirchik",
    "keles": "karatau", "arys": "karatau",
}
REGION_LOG_SD = 0.12
# Snowmelt timing: a basin-wide shift of the seasonal cycle per hydrological year [days].
MELT_TIMING_SD_DAYS = 7.0
# Designed hydrological years (factor on the mean flow): 1992-1993 normal to wet, at the end of
# the irrigation regime; 2001, 2008 and 2023 dry; 2003-2005 and 2010 wet; 2024-2025 near normal,
# then the dry year 2025/26 (situation a), and a hydrological year 2026/27 that starts dry.
DESIGNED_WETNESS = {
    1992: 1.00,
    1993: 1.15,
    2001: 0.80,
    2003: 1.30,
    2004: 1.10,
    2005: 1.15,
    2008: 0.78,
    2010: 1.25,
    2023: 0.85,
    2024: 1.05,
    2025: 1.05,
    2026: 0.85,
    2027: 0.90,
}
# Designed regional factors (on top of the basin factor): 2024/25 a little dry in the Fergana
# valley; the drought of 2025/26 is centred on the Naryn and the Fergana valley (about 0.68 of
# the mean with the basin factor), the Chirchik basin has a year near normal and the Keles and
# the Arys a wet spring; 2026/27 starts dry in the Fergana valley.
DESIGNED_REGIONAL_WETNESS = {
    2025: {"fergana": 0.93},
    2026: {"fergana": 0.80, "chirchik": 1.25, "karatau": 1.55},
    2027: {"fergana": 0.90, "chirchik": 1.15, "karatau": 1.25},
}

# Seasonal scaling of the day-to-day noise (largest in the melt season), January-December.
NOISE_SEASONALITY = (0.5, 0.5, 0.9, 1.2, 1.0, 0.9, 0.8, 0.6, 0.5, 0.6, 0.6, 0.5)
# Share of the day-to-day noise variance common to the whole basin (regional weather).
SHARED_NOISE_SHARE = 0.5


@dataclass(frozen=True)
class NaturalRegime:
    """Natural flow regime of a river or of the lateral inflow of a reach.

    Attributes
    ----------
    monthly_shape : tuple of float
        Mean flow of each month, January-December [m3/s]; only the shape is used.
    annual_mean : float
        Mean flow over the reference period [m3/s].
    wetness_sensitivity : float
        Exponent applied to the basin wetness factor [-].
    station_sd : float
        Standard deviation of the station-specific yearly perturbation of the log flow [-].
    slow_noise_sd, fast_noise_sd : float
        Standard deviations of the slow (lag-1 correlation 0.95) and fast (0.8) AR(1) noise
        components of the daily log flow [-].
    """

    monthly_shape: tuple[float, ...]
    annual_mean: float
    wetness_sensitivity: float = 1.0
    station_sd: float = 0.08
    slow_noise_sd: float = 0.12
    fast_noise_sd: float = 0.15


SLOW_NOISE_LAG1 = 0.95
FAST_NOISE_LAG1 = 0.8

CHARVAK_INFLOW_MONTHLY = (65, 63, 86, 226, 423, 547, 410, 234, 136, 100, 87, 73)
NATURAL_REGIMES = {
    # Naryn inflow to Toktogul: 12.3 km3/yr, about 390 m3/s; snow and glacier melt, June-July peak.
    "naryn": NaturalRegime((140, 140, 160, 270, 570, 930, 900, 640, 370, 250, 200, 160), 390.0),
    # Lateral inflow to the Naryn between Toktogul and Uchkurgan.
    "naryn_lateral": NaturalRegime((12, 12, 14, 24, 40, 48, 42, 30, 20, 16, 14, 13), 24.0,
                                   0.8, 0.10),
    # Kara Darya inflow to Andijan: 121-136 m3/s.
    "kara_darya": NaturalRegime((58, 57, 70, 140, 245, 285, 230, 150, 92, 75, 66, 60), 128.0,
                                1.05),
    # Small rivers, springs and collector drains of the Fergana valley, north and south banks.
    "fergana_north": NaturalRegime((45, 45, 55, 80, 110, 120, 100, 80, 65, 60, 55, 50), 100.0,
                                   0.8, 0.10),
    "fergana_south": NaturalRegime((35, 35, 45, 70, 95, 100, 80, 60, 45, 45, 40, 38), 80.0,
                                   0.8, 0.10),
    # Charvak inflow, Uzhydromet monthly means 1932-2015.
    "chirchik": NaturalRegime(CHARVAK_INFLOW_MONTHLY,
                              float(np.dot(CHARVAK_INFLOW_MONTHLY, MONTH_LENGTHS) / DAYS_PER_YEAR),
                              fast_noise_sd=0.18),
    # Ugam and small tributaries of the Chirchik below Charvak.
    "chirchik_lateral": NaturalRegime((10, 10, 14, 28, 45, 48, 30, 18, 12, 11, 11, 10), 21.0,
                                      0.8, 0.10),
    # Akhangaran and the Hunger Steppe drains above Nadezhdinsky.
    "akhangaran": NaturalRegime((20, 22, 30, 40, 38, 30, 20, 15, 14, 16, 18, 19), 24.0,
                                0.8, 0.10),
    # Keles at the mouth (net of upstream use); rain and low snow, spring peak.
    "keles": NaturalRegime((16, 20, 34, 38, 28, 14, 8, 7, 8, 11, 14, 15), 18.0,
                           1.2, 0.10, 0.18, 0.24),
    # Arys: 46.6 m3/s; rain and low snow, March-May peak.
    "arys": NaturalRegime((36, 44, 72, 98, 82, 52, 30, 21, 19, 24, 31, 34), 46.6,
                          1.3, 0.12, 0.18, 0.24),
}
# Gauges and reservoirs without an upstream station take a natural regime.
NATURAL_SOURCES = {
    "naryn_uchterek": "naryn",
    "karadarya_uchtepe": "kara_darya",
    "keles_mouth": "keles",
    "arys_mouth": "arys",
    "charvak": "chirchik",
}

# ---------------------------------------------------------------------------------------------
# Routing: travel time [days] from each station to its downstream station. Shardara to Kazaly:
# 5 + 8 + 7 = 20 days.
TRAVEL_DAYS = {
    "naryn_uchterek": 1,
    "toktogul": 1,
    "naryn_uchkurgan": 1,
    "karadarya_uchtepe": 1,
    "andijan": 1,
    "syrdarya_kal": 2,
    "syrdarya_akdzhar": 1,
    "bahri_tojik": 0,
    "bahri_tojik_tailwater": 1,
    "syrdarya_farkhad": 1,
    "syrdarya_nadezhdinsky": 2,
    "charvak": 1,
    "chirchik_chinaz": 1,
    "keles_mouth": 1,
    "syrdarya_kokbulak": 1,
    "shardara": 5,
    "arys_mouth": 3,
    "koksaray": 3,
    "syrdarya_tomenaryk": 8,
    "syrdarya_kyzylorda": 7,
    "syrdarya_kazaly": 2,
    "syrdarya_karateren": 0,
}
# Attenuation: standard deviation of the travel time as a share of the travel time [-].
ROUTING_SPREAD_SHARE = 0.2
RETURN_FLOW_DELAY_DAYS = 20


@dataclass(frozen=True)
class Reach:
    """The river reach above a gauge, between it and its upstream stations.

    Attributes
    ----------
    lateral : str or None
        Key of the natural regime of the lateral inflow, if any.
    withdrawal_demand : tuple of float
        Irrigation and other withdrawals wanted in each month, January-December [m3/s].
    max_withdrawal_share : float
        Largest share of the water available in the reach that can be withdrawn [-].
    return_share : float
        Share of the withdrawals that comes back, delayed by about 20 days [-].
    loss_share_winter, loss_share_summer : float
        Channel losses (seepage, evaporation) as a share of the flow in January and July [-].
    """

    lateral: str | None = None
    withdrawal_demand: tuple[float, ...] = (0.0,) * 12
    max_withdrawal_share: float = 0.0
    return_share: float = 0.0
    loss_share_winter: float = 0.0
    loss_share_summer: float = 0.0


REACHES = {
    "naryn_uchkurgan": Reach(lateral="naryn_lateral"),
    # Fergana valley canals (Big Fergana, North Fergana, Big Andijan).
    "syrdarya_kal": Reach("fergana_north", (40, 40, 60, 200, 330, 400, 420, 380, 230, 90, 50, 40),
                          0.6, 0.25),
    "syrdarya_akdzhar": Reach("fergana_south", (10, 10, 20, 60, 120, 150, 160, 140, 80, 20, 10, 10),
                              0.4, 0.3),
    "bahri_tojik_tailwater": Reach(),
    # Dustlik canal (Hunger Steppe, Uzbekistan and Kazakhstan) and Dalverzin canal at Farkhad.
    "syrdarya_farkhad": Reach(None, (25, 25, 60, 150, 230, 260, 270, 250, 170, 60, 30, 25), 0.5),
    "syrdarya_nadezhdinsky": Reach("akhangaran", (5, 5, 10, 30, 50, 60, 60, 55, 35, 10, 5, 5),
                                   0.3, 0.35),
    # Tashkent canals (Bozsu, Parkent, Zakh) on the Chirchik.
    "chirchik_chinaz": Reach("chirchik_lateral",
                             (40, 35, 50, 110, 220, 340, 400, 400, 230, 130, 70, 45), 0.85, 0.1),
    "syrdarya_kokbulak": Reach(),
    # Turkestan region canals below Shardara.
    "syrdarya_tomenaryk": Reach(None, (0, 0, 5, 30, 70, 90, 90, 70, 35, 5, 0, 0), 0.4, 0.1,
                                0.02, 0.04),
    # Rice and canals of the Kyzylorda region.
    "syrdarya_kyzylorda": Reach(None, (0, 0, 10, 70, 230, 300, 300, 240, 100, 20, 0, 0), 0.75, 0.15,
                                0.04, 0.12),
    "syrdarya_kazaly": Reach(None, (0, 0, 0, 10, 55, 80, 80, 65, 25, 0, 0, 0), 0.6, 0.1,
                             0.05, 0.14),
    # Kamystybas lakes and the delta.
    "syrdarya_karateren": Reach(None, (0, 0, 0, 5, 10, 15, 15, 10, 5, 0, 0, 0), 0.5, 0.0,
                                0.03, 0.06),
}

# ---------------------------------------------------------------------------------------------
# Toktogul. Releases by month, January-December [m3/s]: the irrigation regime of the 1984
# protocol (about 180-250 m3/s in winter, 75 % of the year's release in April-September) and the
# energy regime (winter releases about 2.5 times higher) from October 1993.
ENERGY_REGIME_START = pd.Timestamp("1993-10-01")
TOKTOGUL_IRRIGATION_RELEASE = (220, 220, 220, 330, 560, 720, 760, 650, 400, 250, 230, 220)
TOKTOGUL_ENERGY_RELEASE = (640, 560, 380, 270, 230, 220, 250, 270, 240, 360, 540, 640)
# Volume above which extra water is released, on the first day of each month [Mm3].
TOKTOGUL_UPPER_RULE = (15500, 14000, 13000, 12500, 13000, 14500, 16500, 18000, 18800, 18800,
                       18000, 17000)
TOKTOGUL_UPPER_TRACKING_DAYS = 20.0
# Winter release factor from the volume on 1 October: linear in the volume, within bounds.
TOKTOGUL_WINTER_REFERENCE_VOLUME = 16500.0
TOKTOGUL_WINTER_FACTOR_BOUNDS = (0.6, 1.1)
TOKTOGUL_WINTER_FACTOR_SLOPE = 0.8
# Below this volume [Mm3] winter releases are reduced in proportion to the volume left above dead.
TOKTOGUL_PROTECTION_VOLUME = 7000.0
TOKTOGUL_INITIAL_VOLUME = 14000.0
# Energy demand of a winter (by hydrological year): random around 1 on top of the volume factor.
TOKTOGUL_WINTER_DEMAND_SD = 0.04
# Designed operating choices: in these periods the factor on the release schedule is set, whatever
# the volume (first day, last day, factor [-]).
DESIGNED_TOKTOGUL_RELEASE_FACTORS = (
    ("2004-12-01", "2005-01-31", 1.48),  # cold winter 2004/05: winter flood below Shardara
    ("2007-12-01", "2008-02-29", 1.15),  # cold winter 2007/08
    ("2023-10-01", "2023-12-14", 0.80),  # water held after the dry summer 2023
    ("2023-12-15", "2024-02-10", 1.42),  # cold spell (situation b)
    ("2025-10-01", "2026-03-31", 1.00),  # winter of the dry year 2025/26 (situation a)
    ("2026-04-01", "2026-09-30", 0.72),  # summer 2026: releases kept low to refill
    ("2026-10-01", "2026-11-20", 1.10),  # energy regime despite the low reservoir
)
# Day-to-day variation of the releases of power plants [-] (AR(1), lag-1 correlation 0.8).
RELEASE_NOISE_SD = 0.04
RELEASE_NOISE_LAG1 = 0.8

# Days over which the reservoir operators smooth the observed inflow.
INFLOW_SMOOTHING_DAYS = 7.0


@dataclass(frozen=True)
class RuleCurve:
    """Operating rule of an irrigation reservoir: follow a target volume curve.

    The release is the smoothed inflow plus the excess of volume over the target spread over
    ``tracking_days``, kept within the monthly minimum and the maximum release.

    Attributes
    ----------
    target_volume : tuple of float
        Target volume on the first day of each month, January-December [Mm3].
    min_release : tuple of float
        Smallest release of each month, January-December [m3/s].
    max_release : float
        Largest release [m3/s].
    tracking_days : float
        Time over which a departure from the target is corrected [days].
    initial_volume : float
        Volume at the start of the simulation [Mm3].
    designed_shifts : tuple of (str, str, float)
        Designed operating choices: first day, last day and shift of the target volume [Mm3].
    wetness : tuple of str
        Natural regimes whose yearly wetness sets the year's operating target (their mean log
        wetness); empty: the basin's.
    wetness_gain : float
        Exponent of the wetness factor on the target volume above dead volume [-].
    yearly_log_sd : float
        Standard deviation of the random yearly component of the log target above dead volume
        (the year's energy and irrigation plans) [-].
    """

    target_volume: tuple[float, ...]
    min_release: tuple[float, ...]
    max_release: float
    tracking_days: float
    initial_volume: float
    designed_shifts: tuple[tuple[str, str, float], ...] = ()
    wetness: tuple[str, ...] = ()
    wetness_gain: float = 1.0
    yearly_log_sd: float = 0.12

    def target(self, calendar: Calendar, dead: float, log_wetness: dict[str, np.ndarray],
               purpose: str) -> np.ndarray:
        """Daily target volume of each year, designed shifts included [Mm3].

        The curve's storage above dead volume is scaled by the year's wetness factor to the power
        ``wetness_gain`` and by a random yearly factor (held April-September, passing from one
        year to the next in October-March, like the wetness); it never rises above the curve's
        highest value.
        """
        curve = _month_start_interpolated(self.target_volume, calendar.year_position)
        keys = self.wetness or ("basin",)
        wetness = sum(log_wetness[key] for key in keys) / len(keys)
        years = _hydro_years(calendar)
        plan = _daily_from_yearly(calendar, years, _rng(f"operating plan {purpose}")
                                  .standard_normal(len(years)) * self.yearly_log_sd)
        scaled = dead + (curve - dead) * np.exp(self.wetness_gain * wetness + plan)
        return (np.minimum(scaled, max(self.target_volume))
                + _designed_series(calendar, self.designed_shifts, 0.0))


# The target of each year follows the wetness of the reservoir's own river (a dry year is drawn
# down deeper and refilled less) and a random yearly plan.
RULE_CURVES = {
    "andijan": RuleCurve((800, 850, 900, 950, 1200, 1550, 1800, 1600, 1100, 650, 650, 750),
                         (40, 40, 40, 60, 80, 100, 120, 120, 100, 60, 40, 40), 500.0, 30.0, 800.0,
                         wetness=("kara_darya",), wetness_gain=1.5, yearly_log_sd=0.15),
    # Winter power in the cold spell of 2023/24 (situation b) and in autumn 2026.
    "charvak": RuleCurve((1350, 1150, 950, 800, 950, 1400, 1850, 2000, 1950, 1800, 1650, 1500),
                         (80, 80, 80, 100, 150, 200, 200, 150, 100, 80, 80, 80), 700.0, 20.0,
                         1600.0, (("2023-12-25", "2024-02-05", -300.0),
                                  ("2026-10-01", "2026-11-20", -300.0)),
                         wetness=("chirchik",), wetness_gain=1.2, yearly_log_sd=0.12),
    "bahri_tojik": RuleCurve((3000, 3200, 3500, 3800, 3800, 3600, 3100, 2500, 2200, 2200, 2400,
                              2700),
                             (400, 400, 400, 300, 300, 350, 350, 300, 250, 300, 400, 400),
                             1400.0, 20.0, 2200.0, (("2023-12-25", "2024-02-05", -800.0),
                                                    ("2026-10-01", "2026-11-20", -600.0)),
                             wetness=("naryn", "kara_darya"), wetness_gain=1.0,
                             yearly_log_sd=0.12),
}

# ---------------------------------------------------------------------------------------------
# Shardara and Koksaray, operated together.
# Designed: from July to November 2023 Shardara keeps more water after the dry summer; from
# December 2023 to February 2024 as much is released as the iced channel and Koksaray take, which
# makes room before the high inflow (situation b); from 20 May 2026 Shardara holds water in the
# dry year (its releases fall to their minimum) and is filled early in the autumn (situations c
# and d).
SHARDARA_RULE = RuleCurve((4400, 4600, 4800, 4900, 4600, 4000, 3300, 2800, 2500, 2500, 3300, 4200),
                          (400, 400, 400, 300, 350, 350, 350, 300, 250, 250, 250, 400),
                          1500.0, 10.0, 2000.0,
                          (("2023-07-01", "2023-11-30", 600.0),
                           ("2023-12-01", "2024-02-29", -1500.0),
                           ("2026-05-20", "2026-11-20", 1000.0)),
                          wetness=("naryn", "kara_darya", "chirchik"), wetness_gain=0.6,
                          yearly_log_sd=0.12)
# Safe winter capacity of the lower channel under ice, November-March, in the most severe winters
# [m3/s]; a milder winter (ice severity s, 0.4-1) carries (1 + ICE_CAPACITY_GAIN * (1 - s)) times
# more.
SHARDARA_ICE_CAPACITY = {11: 600.0, 12: 500.0, 1: 450.0, 2: 450.0, 3: 550.0}
ICE_CAPACITY_GAIN = 0.15
SHARDARA_ICE_MONTHS = tuple(SHARDARA_ICE_CAPACITY)
# Kyzylkum canal, taken at the dam and counted in the release, January-December [m3/s].
KYZYLKUM_CANAL = (10, 10, 15, 60, 110, 130, 130, 110, 70, 20, 10, 10)
# Spill to Arnasay: up to 650 m3/s, opening between the two volumes [Mm3].
ARNASAY_MAX_SPILL = 650.0
ARNASAY_VOLUMES = (4950.0, 5250.0)
# Designed: spill to Arnasay limited in two winters (first day, last day, limit [m3/s]), so that
# more goes into the iced lower channel: winter flood 2004/05, high stage at Kazaly in 2024.
DESIGNED_ARNASAY_LIMITS = (("2004-12-01", "2005-02-28", 360.0),
                           ("2024-01-01", "2024-02-29", 300.0))
# Near full, more is released into the iced lower channel: up to 400 m3/s more.
FORCED_RIVER_RELEASE = 400.0
FORCED_RELEASE_VOLUMES = (5150.0, 5350.0)
KOKSARAY_FIRST_DAY = pd.Timestamp("2011-01-01")
KOKSARAY_INTAKE_LAG_DAYS = 2
KOKSARAY_MAX_INTAKE = 200.0
KOKSARAY_MAX_RELEASE = 400.0
# Intake closes between these volumes [Mm3].
KOKSARAY_INTAKE_CLOSING = (2800.0, 3000.0)
# Target volume for the summer return of water, first day of each month [Mm3].
KOKSARAY_SUMMER_TARGET = (3000, 3000, 3000, 2800, 2500, 1900, 1200, 600, 300, 200, 200, 200)
# Water kept over the summer [Mm3]: KOKSARAY_CARRY_OVER times the basin wetness factor to the
# power KOKSARAY_CARRY_GAIN and a random yearly factor (a dry summer needs the water downstream).
KOKSARAY_CARRY_OVER = 300.0
KOKSARAY_CARRY_GAIN = 2.0
KOKSARAY_CARRY_LOG_SD = 0.4
# Designed: Koksaray keeps its water from July 2026, as Shardara does (first day, last day, volume
# kept [Mm3]; situation c).
DESIGNED_KOKSARAY_KEPT = (("2026-07-01", "2026-11-20", 1300.0),)
KOKSARAY_TRACKING_DAYS = 15.0

# ---------------------------------------------------------------------------------------------
# Volume-level curves: level = bottom + height * (volume / total) ** (1 / exponent), through
# (dead volume, min level) and (total volume, max level).
VOLUME_LEVEL_EXPONENT = 2.2

# Kazaly stage [cm]: rating curve stage = offset + coefficient * sqrt(discharge), plus ice
# backwater in December-February, growing with the discharge above 300 m3/s, up to 80 cm.
KAZALY_ID = "syrdarya_kazaly"
KAZALY_RATING_OFFSET = 290.0
KAZALY_RATING_COEFFICIENT = 14.14
KAZALY_ICE_MAX_CM = 80.0
KAZALY_ICE_DISCHARGES = (300.0, 700.0)
KAZALY_STAGE_NOISE_SD = 3.0
KAZALY_STAGE_NOISE_LAG1 = 0.9
# Ice severity per winter (by the year of its January): random, full in designed winters.
KAZALY_ICE_SEVERITY_RANGE = (0.4, 1.0)
DESIGNED_ICE_SEVERITY = {2005: 1.0, 2008: 1.0, 2024: 1.0}

# ---------------------------------------------------------------------------------------------
# Missing data.
SCATTERED_GAP_GAUGES = ("naryn_uchkurgan", "syrdarya_kal", "syrdarya_akdzhar", "syrdarya_farkhad",
                        "chirchik_chinaz", "keles_mouth", "arys_mouth", "syrdarya_tomenaryk",
                        "syrdarya_kyzylorda", "syrdarya_karateren")
SCATTERED_GAP_SHARE = 0.005
SCATTERED_GAP_LAST_DAY = pd.Timestamp("2026-10-31")
# Blocks of missing days (first day, last day): three months at Arys in 2008; only 11, 13, 17 and
# 20 November 2026 at Keles, so that its latest dekad has too few days.
GAP_BLOCKS = {
    "arys_mouth": [("2008-04-10", "2008-07-09")],
    "keles_mouth": [("2026-11-12", "2026-11-12"), ("2026-11-14", "2026-11-16"),
                    ("2026-11-18", "2026-11-19")],
}


# ---------------------------------------------------------------------------------------------
# Withdrawals accounted per country against the ICWC seasonal limits [km3]: growing season 2025
# and non-growing season 2025/26 (ICWC; data/README.md). Within a season the monthly pace follows a
# shape of mean 1 (growing season April-September: peak in June-August; non-growing season
# October-March: autumn water-charging and spring leaching irrigation), times a pace factor per
# season (lognormal around WITHDRAWAL_PACE, so that a season usually ends a little below its limit).
WITHDRAWAL_LIMITS_KM3 = {"KG": (0.27, 0.047), "TJ": (1.9, 0.365), "UZ": (8.8, 3.34), "KZ": (0.909, 0.460)}
WITHDRAWAL_SHAPE = {4: 0.6, 5: 0.9, 6: 1.2, 7: 1.35, 8: 1.2, 9: 0.75,
                    10: 1.3, 11: 0.9, 12: 0.7, 1: 0.7, 2: 1.0, 3: 1.4}
WITHDRAWAL_PACE = 0.93
WITHDRAWAL_PACE_LOG_SD = 0.04
WITHDRAWAL_NOISE_SD = 0.03
# Designed seasons: (country, season label) -> pace factor.
DESIGNED_WITHDRAWAL_PACE = {("TJ", "2026/27-ngs"): 1.05}
WITHDRAWAL_FIRST_DAY = pd.Timestamp("1991-01-01")


# =============================================================================================
# Calendar and basic series tools


@dataclass(frozen=True)
class Calendar:
    """Daily time axis of the simulation.

    Attributes
    ----------
    dates : pandas.DatetimeIndex
        Every day from ``SPIN_UP_START`` to ``LAST_DAY``.
    year_position : numpy.ndarray
        Position in a 365-day year, 0 on 1 January [days].
    month : numpy.ndarray
        Calendar month, 1-12.
    hydro_year : numpy.ndarray
        Hydrological year (October-September), named by the year in which it ends.
    """

    dates: pd.DatetimeIndex
    year_position: np.ndarray
    month: np.ndarray
    hydro_year: np.ndarray

    @classmethod
    def build(cls, first: pd.Timestamp, last: pd.Timestamp) -> Calendar:
        """Calendar of every day from ``first`` to ``last`` inclusive."""
        dates = pd.date_range(first, last, freq="D")
        days_in_year = np.where(dates.is_leap_year, 366.0, 365.0)
        position = (dates.day_of_year.to_numpy() - 1) * DAYS_PER_YEAR / days_in_year
        month = dates.month.to_numpy()
        hydro_year = dates.year.to_numpy() + (month >= 10)
        return cls(dates, position, month, hydro_year)

    def __len__(self) -> int:
        return len(self.dates)

    def index_of(self, day: str | pd.Timestamp) -> int:
        """Index of a day on the axis."""
        return int((pd.Timestamp(day) - self.dates[0]).days)


def _hydro_years(calendar: Calendar) -> np.ndarray:
    """Hydrological years of the yearly series, one more on each side of the calendar."""
    return np.arange(calendar.hydro_year[0] - 1, calendar.hydro_year[-1] + 2)


def _rng(purpose: str) -> np.random.Generator:
    """Random generator of one purpose, independent of the order in which purposes are drawn."""
    return np.random.default_rng([SEED, zlib.crc32(purpose.encode())])


def _ar1(rng: np.random.Generator, length: int, lag1: float, sd: float) -> np.ndarray:
    """Stationary AR(1) series with the given lag-1 correlation and standard deviation."""
    innovations = rng.standard_normal(length) * sd * math.sqrt(1.0 - lag1 * lag1)
    series = np.empty(length)
    value = rng.standard_normal() * sd
    for i in range(length):
        value = lag1 * value + innovations[i]
        series[i] = value
    return series


def _monthly_interpolated(monthly: tuple[float, ...], position: np.ndarray) -> np.ndarray:
    """Periodic linear interpolation of monthly values placed at mid-month."""
    return np.interp(position, MONTH_MIDDLES, np.asarray(monthly, float), period=DAYS_PER_YEAR)


def _month_start_interpolated(values: tuple[float, ...], position: np.ndarray) -> np.ndarray:
    """Periodic linear interpolation of values given on the first day of each month."""
    return np.interp(position, MONTH_STARTS, np.asarray(values, float), period=DAYS_PER_YEAR)


def _mean_preserving_climatology(monthly: tuple[float, ...]) -> np.ndarray:
    """Smooth daily cycle of a 365-day year whose monthly means equal ``monthly`` [m3/s]."""
    target = np.log(np.asarray(monthly, float))
    anchors = target.copy()
    days = np.arange(DAYS_PER_YEAR, dtype=float)
    month_of_day = np.repeat(np.arange(12), MONTH_LENGTHS)
    for _ in range(8):
        curve = np.interp(days, MONTH_MIDDLES, anchors, period=DAYS_PER_YEAR)
        monthly_log_mean = np.log(np.bincount(month_of_day, np.exp(curve)) / MONTH_LENGTHS)
        anchors += target - monthly_log_mean
    return np.exp(np.interp(days, MONTH_MIDDLES, anchors, period=DAYS_PER_YEAR))


def _route(series: np.ndarray, lag_days: int) -> np.ndarray:
    """Translate a flow downstream by ``lag_days`` with a Gaussian spread; mass is conserved."""
    if lag_days == 0:
        return series.copy()
    spread = ROUTING_SPREAD_SHARE * lag_days
    offsets = np.arange(max(0, math.floor(lag_days - 3 * spread)),
                        math.ceil(lag_days + 3 * spread) + 1)
    weights = np.exp(-0.5 * ((offsets - lag_days) / spread) ** 2)
    weights /= weights.sum()
    longest = int(offsets[-1])
    padded = np.concatenate([np.full(longest, series[0]), series])
    routed = np.zeros_like(series)
    for offset, weight in zip(offsets, weights, strict=True):
        routed += weight * padded[longest - offset:longest - offset + len(series)]
    return routed


def _ramp(value: float, start: float, end: float) -> float:
    """0 below ``start``, 1 above ``end``, linear in between."""
    return min(1.0, max(0.0, (value - start) / (end - start)))


def _designed_series(calendar: Calendar, periods: tuple[tuple[str, str, float], ...],
                     default: float) -> np.ndarray:
    """Daily series holding each designed period's value, ``default`` elsewhere."""
    series = np.full(len(calendar), default)
    for first, last, value in periods:
        series[calendar.index_of(first):calendar.index_of(last) + 1] = value
    return series


def _balance_step(volume: float, inflow: float, release: float, floor: float,
                  capacity: float) -> tuple[float, float]:
    """One day of reservoir mass balance.

    Parameters
    ----------
    volume : float
        Volume at the end of the previous day [Mm3].
    inflow, release : float
        Inflow and wanted release of the day [m3/s].
    floor : float
        Volume below which the release is cut [Mm3].
    capacity : float
        Total volume; the release rises (spill) rather than exceed it [Mm3].

    Returns
    -------
    tuple of float
        Volume at the end of the day [Mm3] and the release actually made [m3/s].
    """
    new_volume = volume + (inflow - release) * MM3_PER_M3S_DAY
    if new_volume > capacity:
        release += (new_volume - capacity) / MM3_PER_M3S_DAY
        new_volume = capacity
    elif new_volume < floor and release > 0.0:
        cut = min(release, (floor - new_volume) / MM3_PER_M3S_DAY)
        release -= cut
        new_volume += cut * MM3_PER_M3S_DAY
    return new_volume, release


# =============================================================================================
# Natural flows


def _yearly_series(purpose: str, hydro_years: np.ndarray, lag1: float, sd: float,
                   designed: dict[int, float]) -> np.ndarray:
    """AR(1) values per hydrological year; designed years are pinned and carry the persistence."""
    innovations = _rng(purpose).standard_normal(len(hydro_years))
    values = np.empty(len(hydro_years))
    previous = 0.0
    for i, year in enumerate(hydro_years):
        if year in designed:
            values[i] = designed[year]
        else:
            values[i] = lag1 * previous + math.sqrt(1.0 - lag1 * lag1) * sd * innovations[i]
        previous = values[i]
    return values


def _daily_from_yearly(calendar: Calendar, hydro_years: np.ndarray,
                       yearly: np.ndarray) -> np.ndarray:
    """Daily values holding each year's value from April to September, linear from October to March.

    The flood season belongs to one hydrological year; the winter base flow passes from the
    recession of the previous year to the next melt.
    """
    day_number = (calendar.dates - calendar.dates[0]).days.to_numpy()
    anchor_days, anchor_values = [], []
    for year, value in zip(hydro_years, yearly, strict=True):
        for month_day in (f"{year}-04-01", f"{year}-09-30"):
            anchor_days.append((pd.Timestamp(month_day) - calendar.dates[0]).days)
            anchor_values.append(value)
    return np.interp(day_number, anchor_days, anchor_values)


@dataclass(frozen=True)
class NaturalFlows:
    """Natural flows and the yearly wetness behind them, on the simulation axis.

    Attributes
    ----------
    flows : dict of str to numpy.ndarray
        Daily natural flow of every regime [m3/s].
    log_wetness : dict of str to numpy.ndarray
        Daily log of the yearly wetness factor of every regime, and of the basin (key
        ``"basin"``), as the flows carry it (held April-September, linear October-March) [-].
    """

    flows: dict[str, np.ndarray]
    log_wetness: dict[str, np.ndarray]


def _regional_log_wetness(hydro_years: np.ndarray) -> dict[str, np.ndarray]:
    """Yearly log perturbation of every region; designed years pinned [-]."""
    regions = sorted(set(WETNESS_REGIONS.values()))
    out = {}
    for region in regions:
        values = _rng(f"region {region}").standard_normal(len(hydro_years)) * REGION_LOG_SD
        for i, year in enumerate(hydro_years):
            designed = DESIGNED_REGIONAL_WETNESS.get(int(year), {})
            if region in designed:
                values[i] = math.log(designed[region])
        out[region] = values
    return out


def _natural_flows(calendar: Calendar) -> NaturalFlows:
    """Daily natural flows of every regime [m3/s] and their yearly wetness."""
    hydro_years = _hydro_years(calendar)
    designed_log = {year: math.log(factor) for year, factor in DESIGNED_WETNESS.items()}
    basin_log_wetness = _yearly_series("wetness", hydro_years, WETNESS_LAG1_CORRELATION,
                                       WETNESS_LOG_SD, designed_log)
    regional = _regional_log_wetness(hydro_years)
    melt_shift = _daily_from_yearly(calendar, hydro_years,
                                    _rng("melt timing").standard_normal(len(hydro_years))
                                    * MELT_TIMING_SD_DAYS)
    noise_scale = _monthly_interpolated(NOISE_SEASONALITY, calendar.year_position)
    length = len(calendar)
    shared_slow = _ar1(_rng("shared slow noise"), length, SLOW_NOISE_LAG1, 1.0)
    shared_fast = _ar1(_rng("shared fast noise"), length, FAST_NOISE_LAG1, 1.0)
    in_reference = ((calendar.dates.year >= REFERENCE_YEARS[0])
                    & (calendar.dates.year <= REFERENCE_YEARS[1]))
    shared_weight = math.sqrt(SHARED_NOISE_SHARE)
    own_weight = math.sqrt(1.0 - SHARED_NOISE_SHARE)
    flows = {}
    log_wetness = {"basin": _daily_from_yearly(calendar, hydro_years, basin_log_wetness)}
    for name, regime in NATURAL_REGIMES.items():
        rng = _rng(f"natural {name}")
        yearly = (regime.wetness_sensitivity * (basin_log_wetness + regional[WETNESS_REGIONS[name]])
                  + rng.standard_normal(len(hydro_years)) * regime.station_sd)
        slow = shared_weight * shared_slow + own_weight * _ar1(rng, length, SLOW_NOISE_LAG1, 1.0)
        fast = shared_weight * shared_fast + own_weight * _ar1(rng, length, FAST_NOISE_LAG1, 1.0)
        log_noise = noise_scale * (regime.slow_noise_sd * slow + regime.fast_noise_sd * fast)
        climatology = _mean_preserving_climatology(regime.monthly_shape)
        seasonal = np.interp(calendar.year_position - melt_shift, np.arange(DAYS_PER_YEAR),
                             climatology, period=DAYS_PER_YEAR)
        log_wetness[name] = _daily_from_yearly(calendar, hydro_years, yearly)
        flow = seasonal * np.exp(log_wetness[name] + log_noise)
        flows[name] = flow * regime.annual_mean / flow[in_reference].mean()
    return NaturalFlows(flows, log_wetness)


# =============================================================================================
# Reservoirs


@dataclass
class ReservoirSeries:
    """Daily series of a reservoir on the simulation axis.

    Attributes
    ----------
    inflow, release : numpy.ndarray
        Inflow and total outflow, spill included [m3/s].
    volume : numpy.ndarray
        Volume at the end of the day [Mm3].
    river_outflow : numpy.ndarray
        Water the reservoir passes on to its downstream station [m3/s].
    first_day : int
        Index of the first day with data (0 unless the reservoir was built later).
    """

    inflow: np.ndarray
    release: np.ndarray
    volume: np.ndarray
    river_outflow: np.ndarray
    first_day: int = 0


@dataclass(frozen=True)
class Capacity:
    """Volumes and levels of a reservoir from the network file.

    Attributes
    ----------
    total, dead : float
        Total and dead volume [Mm3].
    level_min, level_max : float
        Levels at dead and at total volume [m a.s.l.].
    """

    total: float
    dead: float
    level_min: float
    level_max: float

    @classmethod
    def from_station(cls, station: dict) -> Capacity:
        """Read ``total_volume``, ``dead_volume`` and ``level_range`` of a network station."""
        def mm3(entry: dict | None) -> float:
            if entry is None:
                return 0.0
            factor = {"km3": 1000.0, "Mm3": 1.0}[entry["unit"]]
            return float(entry["value"]) * factor

        levels = station["level_range"]
        return cls(mm3(station["total_volume"]), mm3(station.get("dead_volume")),
                   float(levels["min"]), float(levels["max"]))

    def level(self, volume: np.ndarray) -> np.ndarray:
        """Level from the monotonic volume-level curve [m a.s.l.]; gentle below dead volume."""
        dead_ratio = (self.dead / self.total) ** (1.0 / VOLUME_LEVEL_EXPONENT)
        height = (self.level_max - self.level_min) / (1.0 - dead_ratio)
        bottom = self.level_max - height
        ratio = np.clip(volume, 0.0, None) / self.total
        return bottom + height * ratio ** (1.0 / VOLUME_LEVEL_EXPONENT)


def _operate_toktogul(calendar: Calendar, inflow: np.ndarray,
                      capacity: Capacity) -> ReservoirSeries:
    """Toktogul: irrigation regime until September 1993, energy regime afterwards."""
    energy_start = calendar.index_of(ENERGY_REGIME_START)
    irrigation = _monthly_interpolated(TOKTOGUL_IRRIGATION_RELEASE, calendar.year_position)
    energy = _monthly_interpolated(TOKTOGUL_ENERGY_RELEASE, calendar.year_position)
    upper_rule = _month_start_interpolated(TOKTOGUL_UPPER_RULE, calendar.year_position)
    operator_noise = np.exp(_ar1(_rng("toktogul release"), len(calendar), RELEASE_NOISE_LAG1,
                                 RELEASE_NOISE_SD))
    years = np.unique(calendar.hydro_year)
    winter_demand = dict(zip(years, 1.0 + TOKTOGUL_WINTER_DEMAND_SD
                             * _rng("toktogul winter demand").standard_normal(len(years)),
                             strict=True))
    designed_factor = _designed_series(calendar, DESIGNED_TOKTOGUL_RELEASE_FACTORS, np.nan)
    release = np.empty(len(calendar))
    volume = np.empty(len(calendar))
    stored = TOKTOGUL_INITIAL_VOLUME
    winter_factor = 1.0
    for t in range(len(calendar)):
        year = calendar.hydro_year[t]
        winter = calendar.month[t] in WINTER_MONTHS
        if t < energy_start:
            wanted = irrigation[t]
        elif not math.isnan(designed_factor[t]):
            wanted = energy[t] * designed_factor[t]
        elif winter:
            if t == 0 or calendar.hydro_year[t - 1] != year:
                low, high = TOKTOGUL_WINTER_FACTOR_BOUNDS
                by_volume = 1.0 + TOKTOGUL_WINTER_FACTOR_SLOPE * (
                    stored / TOKTOGUL_WINTER_REFERENCE_VOLUME - 1.0)
                winter_factor = min(high, max(low, by_volume)) * winter_demand[year]
            wanted = energy[t] * winter_factor
        else:
            wanted = energy[t]
        if winter:
            wanted *= 0.5 + 0.5 * min(1.0, max(0.0, (stored - capacity.dead)
                                               / (TOKTOGUL_PROTECTION_VOLUME - capacity.dead)))
        if t >= energy_start:
            # In the irrigation regime the 1984 protocol held winter releases low: only spill.
            wanted += max(0.0, stored - upper_rule[t]) / (TOKTOGUL_UPPER_TRACKING_DAYS
                                                          * MM3_PER_M3S_DAY)
        stored, release[t] = _balance_step(stored, inflow[t], wanted * operator_noise[t],
                                           capacity.dead, capacity.total)
        volume[t] = stored
    return ReservoirSeries(inflow, release, volume, release)


def _rule_curve_release(rule: RuleCurve, smoothed_inflow: float, stored: float, target: float,
                        min_release: float, max_release: float) -> float:
    """Release that brings the volume back to the rule curve [m3/s]."""
    wanted = smoothed_inflow + (stored - target) / (rule.tracking_days * MM3_PER_M3S_DAY)
    return min(max(wanted, min_release), max_release)


def _operate_rule_curve(calendar: Calendar, inflow: np.ndarray, capacity: Capacity,
                        rule: RuleCurve, target: np.ndarray) -> ReservoirSeries:
    """Irrigation reservoir following its target volume of each day [Mm3]."""
    min_release = _monthly_interpolated(rule.min_release, calendar.year_position)
    release = np.empty(len(calendar))
    volume = np.empty(len(calendar))
    stored = rule.initial_volume
    smoothed = inflow[0]
    for t in range(len(calendar)):
        smoothed += (inflow[t] - smoothed) / INFLOW_SMOOTHING_DAYS
        wanted = _rule_curve_release(rule, smoothed, stored, target[t], min_release[t],
                                     rule.max_release)
        stored, release[t] = _balance_step(stored, inflow[t], wanted, capacity.dead,
                                           capacity.total)
        volume[t] = stored
    return ReservoirSeries(inflow, release, volume, release)


def _operate_shardara_and_koksaray(calendar: Calendar, inflow: np.ndarray, shardara: Capacity,
                                   koksaray: Capacity, log_wetness: dict[str, np.ndarray]
                                   ) -> tuple[ReservoirSeries, ReservoirSeries]:
    """Shardara with the Kyzylkum canal, the Arnasay spillway and the Koksaray counter-regulator.

    In winter the release into the lower channel is limited by ice; Koksaray (from 2011) takes the
    water the channel cannot carry, Arnasay takes the spill of a nearly full Shardara, and near
    full more is released into the iced channel. Koksaray returns its water in summer.
    """
    rule = SHARDARA_RULE
    length = len(calendar)
    target = rule.target(calendar, shardara.dead, log_wetness, "shardara")
    years = _hydro_years(calendar)
    carry_over = KOKSARAY_CARRY_OVER * np.exp(
        KOKSARAY_CARRY_GAIN * log_wetness["basin"]
        + _daily_from_yearly(calendar, years, _rng("koksaray carry-over").standard_normal(len(years))
                             * KOKSARAY_CARRY_LOG_SD))
    severity = _ice_severity(calendar)
    winter_of_day = calendar.dates.year.to_numpy() + (calendar.month >= 10)
    ice_factor = 1.0 + ICE_CAPACITY_GAIN * (1.0 - np.array([severity[y] for y in winter_of_day]))
    min_release = _monthly_interpolated(rule.min_release, calendar.year_position)
    canal = _monthly_interpolated(KYZYLKUM_CANAL, calendar.year_position)
    koksaray_target = np.fmax(np.maximum(
        _month_start_interpolated(KOKSARAY_SUMMER_TARGET, calendar.year_position), carry_over),
        _designed_series(calendar, DESIGNED_KOKSARAY_KEPT, np.nan))
    koksaray_start = calendar.index_of(KOKSARAY_FIRST_DAY)
    arnasay_limit = _designed_series(calendar, DESIGNED_ARNASAY_LIMITS, ARNASAY_MAX_SPILL)
    release = np.empty(length)
    volume = np.empty(length)
    river = np.empty(length)
    intake = np.zeros(length)
    returned = np.zeros(length)
    koksaray_volume = np.zeros(length)
    stored = rule.initial_volume
    koksaray_stored = 0.0
    smoothed = inflow[0]
    for t in range(length):
        month = calendar.month[t]
        koksaray_open = t >= koksaray_start
        smoothed += (inflow[t] - smoothed) / INFLOW_SMOOTHING_DAYS
        iced = month in SHARDARA_ICE_MONTHS
        ice_capacity = (SHARDARA_ICE_CAPACITY[month] * ice_factor[t] if iced
                        else rule.max_release)
        if iced:
            river_capacity = ice_capacity + FORCED_RIVER_RELEASE * _ramp(
                stored, *FORCED_RELEASE_VOLUMES)
            koksaray_room = (KOKSARAY_MAX_INTAKE * (1.0 - _ramp(koksaray_stored,
                                                                 *KOKSARAY_INTAKE_CLOSING))
                             if koksaray_open else 0.0)
        else:
            river_capacity = rule.max_release
            koksaray_room = 0.0
        arnasay_capacity = arnasay_limit[t] * _ramp(stored, *ARNASAY_VOLUMES)
        most = canal[t] + river_capacity + koksaray_room + arnasay_capacity
        wanted = _rule_curve_release(rule, smoothed, stored, target[t], min_release[t], most)
        stored, release[t] = _balance_step(stored, inflow[t], wanted, shardara.dead,
                                           shardara.total)
        volume[t] = stored
        to_arnasay = max(0.0, release[t] - canal[t] - river_capacity - koksaray_room)
        river[t] = max(0.0, release[t] - canal[t] - to_arnasay)
        if koksaray_open:
            arriving = river[max(0, t - KOKSARAY_INTAKE_LAG_DAYS)]
            if iced:
                wanted_intake = min(KOKSARAY_MAX_INTAKE, max(0.0, arriving - ice_capacity))
                returned[t] = 0.0
            else:
                wanted_intake = 0.0
                returned[t] = min(KOKSARAY_MAX_RELEASE, max(0.0, (
                    koksaray_stored - koksaray_target[t]) / (KOKSARAY_TRACKING_DAYS
                                                              * MM3_PER_M3S_DAY)))
            room = (koksaray.total - koksaray_stored) / MM3_PER_M3S_DAY + returned[t]
            intake[t] = min(wanted_intake, room)
            koksaray_stored, returned[t] = _balance_step(koksaray_stored, intake[t], returned[t],
                                                         koksaray.dead, koksaray.total)
            koksaray_volume[t] = koksaray_stored
    shardara_series = ReservoirSeries(inflow, release, volume, river)
    koksaray_series = ReservoirSeries(intake, returned, koksaray_volume, returned - intake,
                                      koksaray_start)
    return shardara_series, koksaray_series


# =============================================================================================
# Network


def load_network(path: Path) -> list[dict]:
    """Stations of the network file, in file order."""
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)["stations"]


def _processing_order(stations: list[dict]) -> list[str]:
    """Station ids ordered so that every station comes after its upstream stations."""
    upstream = _upstream_stations(stations)
    # Koksaray is operated together with Shardara, which feeds its intake.
    upstream["koksaray"] = upstream.get("koksaray", []) + ["shardara"]
    order: list[str] = []
    pending = [station["id"] for station in stations]
    while pending:
        ready = [sid for sid in pending if all(up in order for up in upstream[sid])]
        if not ready:
            raise ValueError(f"the network has a loop among {pending}")
        order.extend(ready)
        pending = [sid for sid in pending if sid not in ready]
    return order


def _upstream_stations(stations: list[dict]) -> dict[str, list[str]]:
    """Upstream station ids of every station, from the ``downstream`` links."""
    upstream: dict[str, list[str]] = {station["id"]: [] for station in stations}
    for station in stations:
        if station.get("downstream"):
            upstream[station["downstream"]].append(station["id"])
    return upstream


def _check_model_covers(stations: list[dict]) -> None:
    """Raise if a station of the network has no part in the model."""
    modelled = (set(NATURAL_SOURCES) | set(REACHES) | set(RULE_CURVES)
                | {"toktogul", "shardara", "koksaray"})
    unknown = sorted({station["id"] for station in stations} - modelled)
    if unknown:
        raise ValueError(f"no synthetic model for station(s) {unknown}")


def _gauge_flow(calendar: Calendar, reach: Reach, arriving: np.ndarray,
                natural: dict[str, np.ndarray]) -> np.ndarray:
    """Discharge of a gauge from the water arriving from upstream [m3/s]."""
    lateral = natural[reach.lateral] if reach.lateral else 0.0
    available = np.clip(arriving + lateral, 0.0, None)
    demand = _monthly_interpolated(reach.withdrawal_demand, calendar.year_position)
    withdrawal = np.minimum(demand, reach.max_withdrawal_share * available)
    returns = reach.return_share * _route(withdrawal, RETURN_FLOW_DELAY_DAYS)
    seasonal = 0.5 - 0.5 * np.cos(2.0 * np.pi * (calendar.year_position - 15.0) / DAYS_PER_YEAR)
    loss_share = reach.loss_share_winter + (reach.loss_share_summer
                                            - reach.loss_share_winter) * seasonal
    return np.clip((available - withdrawal + returns) * (1.0 - loss_share), 0.0, None)


@dataclass
class Simulation:
    """Every simulated series on the simulation axis.

    Attributes
    ----------
    calendar : Calendar
        The time axis.
    discharge : dict of str to numpy.ndarray
        Discharge of each gauge [m3/s].
    reservoirs : dict of str to ReservoirSeries
        Series of each reservoir.
    capacities : dict of str to Capacity
        Volumes and levels of each reservoir.
    """

    calendar: Calendar
    discharge: dict[str, np.ndarray]
    reservoirs: dict[str, ReservoirSeries]
    capacities: dict[str, Capacity]


def simulate(stations: list[dict]) -> Simulation:
    """Run the synthetic basin model over the whole simulation axis.

    Parameters
    ----------
    stations : list of dict
        Stations of the network file.

    Returns
    -------
    Simulation
        Discharges of the gauges and series of the reservoirs.
    """
    _check_model_covers(stations)
    calendar = Calendar.build(SPIN_UP_START, LAST_DAY)
    natural_flows = _natural_flows(calendar)
    natural = natural_flows.flows
    kinds = {station["id"]: station["kind"] for station in stations}
    capacities = {station["id"]: Capacity.from_station(station) for station in stations
                  if station["kind"] == "reservoir"}
    upstream = _upstream_stations(stations)
    outflow: dict[str, np.ndarray] = {}
    discharge: dict[str, np.ndarray] = {}
    reservoirs: dict[str, ReservoirSeries] = {}
    for sid in _processing_order(stations):
        if upstream[sid]:
            arriving = sum(_route(outflow[up], TRAVEL_DAYS[up]) for up in upstream[sid])
        elif sid in NATURAL_SOURCES:
            arriving = natural[NATURAL_SOURCES[sid]]
        else:
            arriving = np.zeros(len(calendar))
        if kinds[sid] == "gauge":
            flow = (_gauge_flow(calendar, REACHES[sid], arriving, natural) if upstream[sid]
                    else arriving)
            discharge[sid] = flow
            outflow[sid] = flow
            continue
        if kinds[sid] != "reservoir":
            raise ValueError(f"station {sid}: unknown kind {kinds[sid]!r}")
        if sid == "toktogul":
            reservoirs[sid] = _operate_toktogul(calendar, arriving, capacities[sid])
        elif sid == "shardara":
            reservoirs["shardara"], reservoirs["koksaray"] = _operate_shardara_and_koksaray(
                calendar, arriving, capacities["shardara"], capacities["koksaray"],
                natural_flows.log_wetness)
        elif sid != "koksaray":
            rule = RULE_CURVES[sid]
            target = rule.target(calendar, capacities[sid].dead, natural_flows.log_wetness, sid)
            reservoirs[sid] = _operate_rule_curve(calendar, arriving, capacities[sid], rule,
                                                  target)
        outflow[sid] = reservoirs[sid].river_outflow
    return Simulation(calendar, discharge, reservoirs, capacities)


def _ice_severity(calendar: Calendar) -> dict[int, float]:
    """Ice severity of every winter, named by the year of its January: random, full in designed winters [-]."""
    winters = np.arange(calendar.dates.year[0], calendar.dates.year[-1] + 2)
    low, high = KAZALY_ICE_SEVERITY_RANGE
    severity = dict(zip(winters.tolist(), _rng("kazaly ice").uniform(low, high, len(winters)),
                        strict=True))
    severity.update(DESIGNED_ICE_SEVERITY)
    return severity


def kazaly_stage(calendar: Calendar, discharge: np.ndarray) -> np.ndarray:
    """River stage at Kazaly above gauge zero [cm] from its discharge [m3/s].

    A rating curve for open water plus ice backwater from December to February (break-up in the
    first week of March): the ice effect grows with the discharge above 300 m3/s and with the
    severity of the winter, up to 80 cm.
    """
    open_water = KAZALY_RATING_OFFSET + KAZALY_RATING_COEFFICIENT * np.sqrt(discharge)
    severity = _ice_severity(calendar)
    # Ice cover: forms during 1-15 December, full until the end of February, gone by 8 March.
    position = calendar.year_position
    forming = np.clip((position - 334.0) / 14.0, 0.0, 1.0)
    breaking = np.clip((66.0 - position) / 8.0, 0.0, 1.0)
    cover = np.where(calendar.month == 12, forming, np.where(calendar.month <= 3, breaking, 0.0))
    # A winter is named by the year of its January; December belongs to the next one.
    winter_of_day = calendar.dates.year.to_numpy() + (calendar.month == 12)
    winter_severity = np.array([severity[year] for year in winter_of_day])
    ice = (KAZALY_ICE_MAX_CM * cover * winter_severity
           * np.clip((discharge - KAZALY_ICE_DISCHARGES[0])
                     / (KAZALY_ICE_DISCHARGES[1] - KAZALY_ICE_DISCHARGES[0]), 0.0, 1.0))
    noise = _ar1(_rng("kazaly stage"), len(calendar), KAZALY_STAGE_NOISE_LAG1, KAZALY_STAGE_NOISE_SD)
    return open_water + ice + noise


# =============================================================================================
# Output


def _missing_days(calendar: Calendar, station_id: str) -> np.ndarray:
    """Boolean mask of the days without observation at a gauge."""
    missing = np.zeros(len(calendar), bool)
    if station_id in SCATTERED_GAP_GAUGES:
        rng = _rng(f"gaps {station_id}")
        first = calendar.index_of(FIRST_DAY)
        last = calendar.index_of(SCATTERED_GAP_LAST_DAY)
        wanted = SCATTERED_GAP_SHARE * (last - first + 1)
        while missing[first:last + 1].sum() < wanted:
            start = int(rng.integers(first, last + 1))
            missing[start:min(start + int(rng.integers(1, 4)), last + 1)] = True
    for start, end in GAP_BLOCKS.get(station_id, []):
        missing[calendar.index_of(start):calendar.index_of(end) + 1] = True
    return missing


def _csv_rows(station_id: str, variable: str, unit: str, dates: list[str], values: np.ndarray,
              decimals: int, keep: np.ndarray) -> list[str]:
    """Canonical CSV rows of one variable, skipping the days not kept."""
    rounded = np.round(values, decimals) + 0.0  # + 0.0 turns -0.0 into 0.0
    return [f"{station_id},{variable},{dates[i]},{rounded[i]:.{decimals}f},{unit}"
            for i in np.flatnonzero(keep)]


def _station_rows(station: dict, simulation: Simulation, dates: list[str],
                  first: int) -> list[str]:
    """Canonical CSV rows of a station, sorted by variable then date."""
    sid = station["id"]
    calendar = simulation.calendar
    window = slice(first, None)
    if station["kind"] == "gauge":
        flow = simulation.discharge[sid][window]
        keep = ~_missing_days(calendar, sid)[window]
        variables = [("discharge", FLOW_UNIT, flow, 1)]
        if sid == KAZALY_ID:
            stage = kazaly_stage(calendar, simulation.discharge[sid])[window]
            variables.append(("stage", STAGE_UNIT, stage, 0))
    else:
        series = simulation.reservoirs[sid]
        keep = np.arange(first, len(calendar)) >= series.first_day
        # The level is read off the curve at the published (rounded) volume.
        volume = np.round(series.volume[window])
        variables = [("inflow", FLOW_UNIT, series.inflow[window], 1),
                     ("level", LEVEL_UNIT, simulation.capacities[sid].level(volume), 2),
                     ("release", FLOW_UNIT, series.release[window], 1),
                     ("volume", VOLUME_UNIT, volume, 0)]
    rows = []
    for variable, unit, values, decimals in sorted(variables):
        rows.extend(_csv_rows(sid, variable, unit, dates, values, decimals, keep))
    return rows


def _season_label(day: pd.Timestamp) -> tuple[str, int]:
    """(label, days) of the season containing ``day``: ``2026-gs`` or ``2026/27-ngs``."""
    if 4 <= day.month <= 9:
        return f"{day.year}-gs", 183
    start = day.year if day.month >= 10 else day.year - 1
    days = 182 + int(pd.Timestamp(start + 1, 1, 1).is_leap_year)
    return f"{start}/{(start + 1) % 100:02d}-ngs", days


def withdrawal_dekads(country: str) -> pd.Series:
    """Dekad mean withdrawals of one country [m3/s], indexed by the last day of each dekad.

    The mean rate of a season is its ICWC limit spread over the season's days (limit [Mm3] /
    (days x 0.0864)); a dekad takes the rate times the shape of its month, the season's pace
    factor and a small noise.
    """
    gs_limit, ngs_limit = WITHDRAWAL_LIMITS_KM3[country]
    ends = []
    day = WITHDRAWAL_FIRST_DAY
    while day <= LAST_DAY:
        end = day + pd.Timedelta(days=9) if day.day < 21 else day + pd.offsets.MonthEnd(0)
        if end > LAST_DAY:
            break
        ends.append(end)
        day = end + pd.Timedelta(days=1)
    rng = _rng(f"withdrawal {country}")
    pace: dict[str, float] = {}
    values = np.empty(len(ends))
    noise = rng.standard_normal(len(ends)) * WITHDRAWAL_NOISE_SD
    for i, end in enumerate(ends):
        label, days = _season_label(end)
        if label not in pace:
            pace[label] = DESIGNED_WITHDRAWAL_PACE.get(
                (country, label), WITHDRAWAL_PACE * math.exp(rng.standard_normal() * WITHDRAWAL_PACE_LOG_SD))
        limit_mm3 = (gs_limit if label.endswith("-gs") else ngs_limit) * 1000.0
        rate = limit_mm3 / (days * 0.0864)
        values[i] = rate * WITHDRAWAL_SHAPE[end.month] * pace[label] * (1.0 + noise[i])
    return pd.Series(values, index=pd.DatetimeIndex(ends))


def _intake_rows(station: dict) -> list[str]:
    """Canonical CSV rows (resolution dekad) of a withdrawal accounting point."""
    series = withdrawal_dekads(station["country"])
    rounded = np.round(series.to_numpy(), 1) + 0.0
    return [f"{station['id']},withdrawal,{day:%Y-%m-%d},{value:.1f},{FLOW_UNIT},dekad"
            for day, value in zip(series.index, rounded, strict=True)]


def _write_gzip(path: Path, text: str) -> None:
    """Write text as a byte-deterministic gzip file (no name, no time stamp)."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0,
                       compresslevel=9) as compressed:
        compressed.write(text.encode("utf-8"))
    path.write_bytes(buffer.getvalue())


def generate(out_dir: Path, network_path: Path = DEFAULT_NETWORK) -> list[Path]:
    """Generate the sample data set: one ``<station_id>.csv.gz`` per station of the network.

    Parameters
    ----------
    out_dir : pathlib.Path
        Directory to write into; created if needed.
    network_path : pathlib.Path
        The basin network file.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    stations = load_network(network_path)
    intakes = [station for station in stations if station["kind"] == "intake"]
    stations = [station for station in stations if station["kind"] != "intake"]
    simulation = simulate(stations)
    first = simulation.calendar.index_of(FIRST_DAY)
    dates = [day.strftime("%Y-%m-%d") for day in simulation.calendar.dates[first:]]
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for station in stations:
        rows = _station_rows(station, simulation, dates, first)
        path = out_dir / f"{station['id']}.csv.gz"
        _write_gzip(path, "\n".join([CSV_HEADER, *rows]) + "\n")
        written.append(path)
    for station in intakes:
        path = out_dir / f"{station['id']}.csv.gz"
        _write_gzip(path, "\n".join([f"{CSV_HEADER},resolution", *_intake_rows(station)]) + "\n")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> None:
    """Command line: ``python tools/samplegen.py --out data/sample [--network PATH]``."""
    parser = argparse.ArgumentParser(
        prog="python tools/samplegen.py",
        description="Generate the SYNTHETIC daily sample data of the Syr Darya bulletin "
                    f"({FIRST_DAY:%Y-%m-%d} to {LAST_DAY:%Y-%m-%d}, seed {SEED}).")
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    parser.add_argument("--network", type=Path, default=DEFAULT_NETWORK,
                        help="basin network file (default: %(default)s)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    written = generate(args.out, args.network)
    size = sum(path.stat().st_size for path in written)
    print(f"wrote {len(written)} files, {size / 1e6:.2f} MB, to {args.out} "
          f"in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
