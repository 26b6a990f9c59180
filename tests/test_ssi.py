"""Standardized Streamflow Index: hand-checkable cases first, then an independent implementation.

The reference values in tests/reference/ were computed with xclim 0.62.0 and climate-indices
3.1.0 on 2026-11-29; tests/reference/README.md gives the calls and the conventions aligned.
Neither package is needed here: the tests run the project's own code only.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import special, stats

from bulletin.methods import STANDARDIZED_INDEX_BOUND, fit_distribution, standardized_index
from bulletin.ssi import COLUMNS, monthly_mean_flow, ssi_series, ssi_table, window_mean

REFERENCE = Path(__file__).parent / "reference"
DISTRIBUTIONS = ("gamma", "fisk")

# a positive sample like 30 Januaries of inflow [m3/s]
RNG_SAMPLE = np.random.default_rng(42).gamma(20.0, 65.0 / 20.0, 30)


# ---- fits -----------------------------------------------------------------------------------

def test_gamma_fit_solves_the_likelihood_equations():
    # ML with loc 0: ln a - digamma(a) = ln(mean x) - mean(ln x), and a * scale = mean x
    a, scale = fit_distribution(RNG_SAMPLE, "gamma")
    x = RNG_SAMPLE
    assert np.log(a) - special.digamma(a) == pytest.approx(np.log(x.mean()) - np.log(x).mean(), rel=1e-10)
    assert a * scale == pytest.approx(x.mean(), rel=1e-12)


def test_fisk_fit_is_the_likelihood_maximum():
    # the log-logistic fit through the logistic of ln x is at least as likely as scipy's
    # generic Nelder-Mead fit of fisk with loc 0, and lands on the same parameters
    c, scale = fit_distribution(RNG_SAMPLE, "fisk")
    c_nm, _loc, scale_nm = stats.fisk.fit(RNG_SAMPLE, floc=0)
    loglik = stats.fisk.logpdf(RNG_SAMPLE, c, scale=scale).sum()
    assert loglik >= stats.fisk.logpdf(RNG_SAMPLE, c_nm, scale=scale_nm).sum() - 1e-9
    assert_allclose([c, scale], [c_nm, scale_nm], rtol=1e-3)


@pytest.mark.parametrize("distribution", DISTRIBUTIONS)
def test_fit_needs_two_distinct_values(distribution):
    assert np.isnan(fit_distribution([5.0], distribution)).all()
    assert np.isnan(fit_distribution([5.0, 5.0, 5.0], distribution)).all()
    with pytest.raises(ValueError, match="> 0"):
        fit_distribution([0.0, 1.0, 2.0], distribution)


# ---- the index by hand ----------------------------------------------------------------------

@pytest.mark.parametrize("distribution", DISTRIBUTIONS)
def test_fitted_median_gives_zero(distribution):
    shape, scale = fit_distribution(RNG_SAMPLE, distribution)
    dist = stats.gamma(shape, scale=scale) if distribution == "gamma" else stats.fisk(shape, scale=scale)
    assert standardized_index(dist.median(), RNG_SAMPLE, distribution) == pytest.approx(0.0, abs=1e-12)


def test_fisk_median_is_its_scale_and_log_symmetric():
    # F(x) = 1 / (1 + (x/scale)^-c): F(scale) = 1/2, F(scale * 3^(1/c)) = 3/4, F(scale / 3^(1/c)) = 1/4
    c, scale = fit_distribution(RNG_SAMPLE, "fisk")
    k = 3.0 ** (1.0 / c)
    z = standardized_index([scale, scale * k, scale / k], RNG_SAMPLE, "fisk")
    assert_allclose(z, [0.0, 0.6744897501960817, -0.6744897501960817], atol=1e-12)  # Phi^-1(3/4)


def test_gamma_at_the_mean_is_the_regularized_incomplete_gamma():
    # F(mean) = P(a, mean/scale) = P(a, a) for the ML fit (a * scale = mean)
    a, _scale = fit_distribution(RNG_SAMPLE, "gamma")
    expected = stats.norm.ppf(special.gammainc(a, a))
    assert standardized_index(RNG_SAMPLE.mean(), RNG_SAMPLE, "gamma") == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("distribution", DISTRIBUTIONS)
def test_zero_flow_share_is_a_probability_mass(distribution):
    # 10 zeros among 40 reference values: q = 1/4; H(0) = 1/4, H(median of the positives) = 5/8
    positives = RNG_SAMPLE
    reference = np.concatenate([np.zeros(10), positives])
    shape, scale = fit_distribution(positives, distribution)
    dist = stats.gamma(shape, scale=scale) if distribution == "gamma" else stats.fisk(shape, scale=scale)
    z = standardized_index([0.0, dist.median()], reference, distribution)
    assert_allclose(z, [-0.6744897501960817, 0.31863936396437514], atol=1e-12)  # Phi^-1(1/4), Phi^-1(5/8)
    # any positive flow: H = q + (1 - q) F, F from the positives alone
    x = np.array([40.0, 65.0, 90.0])
    z_positive = standardized_index(x, positives, distribution)
    assert_allclose(standardized_index(x, reference, distribution),
                    stats.norm.ppf(0.25 + 0.75 * stats.norm.cdf(z_positive)), atol=1e-12)


@pytest.mark.parametrize("distribution", DISTRIBUTIONS)
def test_all_zero_or_too_short_reference_gives_no_index(distribution):
    assert np.isnan(standardized_index([0.0, 5.0], np.zeros(30), distribution)).all()
    assert np.isnan(standardized_index([0.0, 5.0], [0.0, 0.0, 7.0], distribution)).all()  # one positive
    assert np.isnan(standardized_index([1.0], [], distribution)).all()


@pytest.mark.parametrize("distribution", DISTRIBUTIONS)
def test_missing_values(distribution):
    z = standardized_index([np.nan, 65.0], RNG_SAMPLE, distribution)
    assert np.isnan(z[0]) and not np.isnan(z[1])
    # missing reference values are left out, not counted as zeros
    with_gaps = np.concatenate([RNG_SAMPLE, [np.nan, np.nan]])
    assert standardized_index(65.0, with_gaps, distribution) == standardized_index(65.0, RNG_SAMPLE, distribution)


@pytest.mark.parametrize("distribution", DISTRIBUTIONS)
def test_index_is_clipped_to_plus_minus_3_09(distribution):
    assert STANDARDIZED_INDEX_BOUND == 3.09
    # a zero flow with no zero in the reference has H = 0 (index -inf), an enormous flow H = 1
    z = standardized_index([0.0, 1e-3, 1e6], RNG_SAMPLE, distribution)
    assert_allclose(z, [-3.09, -3.09, 3.09], rtol=0, atol=0)
    # inside the bounds nothing is clipped: H = 0.99 gives Phi^-1(0.99) = 2.3263...
    shape, scale = fit_distribution(RNG_SAMPLE, distribution)
    dist = stats.gamma(shape, scale=scale) if distribution == "gamma" else stats.fisk(shape, scale=scale)
    assert standardized_index(dist.ppf(0.99), RNG_SAMPLE, distribution) == pytest.approx(2.3263478740408408)
    # just beyond the bound: H = 0.9995 (3.29) is clipped
    assert standardized_index(dist.ppf(0.9995), RNG_SAMPLE, distribution) == 3.09


def test_scalar_in_float_out_and_errors_that_say_how_to_fix():
    assert isinstance(standardized_index(65.0, RNG_SAMPLE), float)
    with pytest.raises(ValueError, match="perhaps you meant 'gamma'"):
        standardized_index(65.0, RNG_SAMPLE, "gama")
    with pytest.raises(ValueError, match="must be >= 0"):
        standardized_index(-1.0, RNG_SAMPLE)


# ---- the monthly pipeline -------------------------------------------------------------------

def test_window_mean_by_hand_and_incomplete_windows():
    months = pd.PeriodIndex(["2000-01", "2000-02", "2000-03", "2000-04", "2000-06", "2000-07"], freq="M")
    s = pd.Series([1.0, 2.0, 3.0, 4.0, 6.0, 7.0], index=months)  # May 2000 is absent
    w = window_mean(s, 3)
    assert list(w.index.astype(str)) == ["2000-0" + str(m) for m in range(1, 8)]
    assert_allclose(w.to_numpy(), [np.nan, np.nan, 2.0, 3.0, np.nan, np.nan, np.nan])
    assert_allclose(window_mean(s, 1).to_numpy(), [1, 2, 3, 4, np.nan, 6, 7])
    with pytest.raises(ValueError, match="whole number of months"):
        window_mean(s, 0)


def test_monthly_mean_flow_applies_the_half_month_rule():
    days = pd.date_range("2001-01-01", "2001-03-31", freq="D")
    daily = pd.Series(10.0, index=days, name="chatkal")
    daily[(days.month == 1) & (days.day > 15)] = np.nan  # January: 15 of 31 days, below 50 %
    daily[(days.month == 2) & (days.day > 14)] = np.nan  # February: 14 of 28 days, exactly 50 %
    daily[(days.month == 3) & (days.day <= 10)] = 40.0   # March: (10*40 + 21*10) / 31
    m = monthly_mean_flow(daily)
    assert list(m.index.astype(str)) == ["2001-01", "2001-02", "2001-03"]
    assert_allclose(m.to_numpy(), [np.nan, 10.0, 610.0 / 31])
    assert m.name == "chatkal"


def _synthetic(years=range(1981, 2011), seed=1):
    rng = np.random.default_rng(seed)
    index = pd.period_range(f"{years[0]}-01", f"{years[-1]}-12", freq="M")
    means = np.array([65, 63, 86, 226, 423, 547, 410, 234, 136, 100, 87, 73], dtype=float)
    return pd.Series(rng.gamma(25.0, means[index.month - 1] / 25.0), index=index)


def test_table_columns_periods_and_nan_windows():
    s = _synthetic()
    t = ssi_table(s, 3, "gamma", None, station="charvak", variable="inflow")
    assert list(t.columns) == list(COLUMNS)
    assert len(t) == 360
    assert t["period"].iloc[0] == "1981-01" and t["period"].iloc[-1] == "2010-12"
    assert (t["station"] == "charvak").all() and (t["variable"] == "inflow").all()
    assert (t["scale"] == 3).all() and (t["distribution"] == "gamma").all()
    assert t["ssi"].iloc[:2].isna().all() and t["ssi"].iloc[2:].notna().all()
    # one missing month: the windows that contain it are missing, no others
    gap = s.drop(pd.Period("1995-03", "M"))
    t6 = ssi_table(gap, 6, "fisk", None, station="charvak")
    missing = t6.loc[t6["ssi"].isna(), "period"].tolist()
    assert missing == [f"1981-0{m}" for m in range(1, 6)] + [f"1995-0{m}" for m in range(3, 9)]


def test_each_calendar_month_is_fitted_on_the_reference_years_only():
    s = _synthetic(range(1971, 2011))
    reference = (1981, 2010)
    ssi = ssi_series(s, 1, "gamma", reference)
    july = s[s.index.month == 7]
    expected = standardized_index(july.to_numpy(), july[july.index.year >= 1981].to_numpy(), "gamma")
    assert_allclose(ssi[ssi.index.month == 7].to_numpy(), expected, atol=1e-12)
    # values outside the reference period do not move the fit
    changed = s.copy()
    changed[changed.index.year < 1981] *= 10
    assert_allclose(ssi_series(changed, 1, "gamma", reference)[s.index.year >= 1981],
                    ssi[s.index.year >= 1981], atol=1e-12)


def test_too_few_reference_years_give_no_data():
    s = _synthetic(range(2001, 2011))  # 10 years
    assert ssi_series(s, 1, "gamma", None, min_years=10).notna().all()
    assert ssi_series(s, 1, "gamma", None, min_years=11).isna().all()
    assert ssi_series(s, 1, "gamma", (1991, 2000)).isna().all()  # no reference year in the data


def test_table_of_several_stations_and_error_messages():
    frame = pd.DataFrame({"chatkal": _synthetic(seed=1), "pskem": _synthetic(seed=2)})
    t = ssi_table(frame, 1, "fisk", None)
    assert t["station"].unique().tolist() == ["chatkal", "pskem"] and len(t) == 720
    frame.columns = pd.MultiIndex.from_tuples([("charvak", "inflow"), ("charvak", "release")])
    assert ssi_table(frame, 1)["variable"].unique().tolist() == ["inflow", "release"]
    with pytest.raises(ValueError, match="name the station"):
        ssi_table(_synthetic(), 1)
    with pytest.raises(ValueError, match="perhaps you meant 'fisk'"):
        ssi_table(_synthetic(), 1, "fisc", station="x")


def test_month_end_dates_are_accepted_as_months():
    s = _synthetic()
    by_date = pd.Series(s.to_numpy(), index=s.index.to_timestamp(how="end").normalize())
    assert_allclose(ssi_series(by_date, 3, "gamma", None), ssi_series(s, 3, "gamma", None), atol=0)


# ---- an independent implementation ----------------------------------------------------------

@pytest.fixture(scope="module")
def reference():
    data = pd.read_csv(REFERENCE / "ssi_input.csv", dtype={"period": str})
    flows = pd.Series(data["discharge"].to_numpy(dtype=float), index=pd.PeriodIndex(data["period"], freq="M"))
    expected = pd.read_csv(REFERENCE / "ssi_reference.csv", dtype={"period": str})
    return flows, expected


# xclim solves the same gamma likelihood equation (scipy brentq): equal to the 1e-10 printed.
# For fisk xclim maximizes the likelihood with Nelder-Mead (tolerance 1e-4 on the parameters);
# the project solves the logistic score equations of ln x exactly: differences of a few 1e-6.
XCLIM_TOLERANCE = {"gamma": 1e-8, "fisk": 5e-5}


@pytest.mark.parametrize("distribution", DISTRIBUTIONS)
@pytest.mark.parametrize("scale", (1, 3, 6))
def test_agrees_with_xclim(reference, distribution, scale):
    flows, expected = reference
    t = ssi_table(flows, scale, distribution, (1981, 2010), station="synthetic", variable="inflow")
    assert t["period"].tolist() == expected["period"].tolist()
    # xclim bounds its index at +-8.21, the project at +-3.09: the same bound on both sides
    xclim = np.clip(expected[f"xclim_{distribution}_{scale}"].to_numpy(), -3.09, 3.09)
    assert_allclose(t["ssi"].to_numpy(), xclim, rtol=0, atol=XCLIM_TOLERANCE[distribution])  # NaN where NaN


@pytest.mark.parametrize("scale", (1, 3, 6))
def test_gamma_agrees_with_climate_indices(reference, scale):
    # climate_indices fits the gamma shape with Thom's (1958) approximation of the ML equation,
    # within 1.3e-5 (relative) of the exact shape for this series: the index within 1e-4
    flows, expected = reference
    ssi = ssi_series(flows, scale, "gamma", (1981, 2010))
    assert_allclose(ssi.to_numpy(), expected[f"climate_indices_gamma_{scale}"].to_numpy(), rtol=0, atol=1e-4)


def test_zero_februaries_of_the_reference_series(reference):
    # 3 of the 30 reference Februaries have zero flow: q = 0.1 and the zero months get Phi^-1(0.1)
    flows, _expected = reference
    ssi = ssi_series(flows, 1, "gamma", (1981, 2010))
    zeros = flows[flows == 0].index
    assert [str(p) for p in zeros] == ["1984-02", "1997-02", "2003-02", "2015-02"]
    assert_allclose(ssi[zeros].to_numpy(), stats.norm.ppf(0.1), atol=1e-12)

