"""Standardized indices (SSI): distributions fitted per calendar month, values as normal quantiles.

scipy is imported inside these functions, so the other methods keep working without it.
"""

from __future__ import annotations

STANDARDIZED_DISTRIBUTIONS = ("gamma", "fisk")
STANDARDIZED_INDEX_BOUND = 3.09
"""Largest magnitude of a standardized index [-]: H is limited to [Phi(-3.09), Phi(3.09)] = [0.0010, 0.9990]."""


def check_distribution(distribution: str) -> None:
    """Raise ValueError naming the choices when ``distribution`` is not a standardized-index one."""
    if distribution not in STANDARDIZED_DISTRIBUTIONS:
        import difflib

        close = difflib.get_close_matches(str(distribution), STANDARDIZED_DISTRIBUTIONS, n=1)
        hint = f" (perhaps you meant '{close[0]}'?)" if close else ""
        raise ValueError(f"unknown distribution {distribution!r} for a standardized index{hint}. "
                         f"Use one of: {', '.join(STANDARDIZED_DISTRIBUTIONS)}.")


def fit_distribution(positive_values, distribution: str = "gamma") -> tuple[float, float]:
    """Maximum-likelihood shape and scale of a two-parameter distribution with location 0.

    Parameters
    ----------
    positive_values : array_like
        Sample [any unit, e.g. m3/s]; NaN are ignored. Values must be > 0: zeros are
        handled by the caller (:func:`standardized_index`).
    distribution : {'gamma', 'fisk'}
        ``gamma``: ``scipy.stats.gamma(a, loc=0, scale)``, fitted by ``gamma.fit(x, floc=0)``,
        which solves the likelihood equation ln(a) - digamma(a) = ln(mean x) - mean(ln x)
        exactly, then scale = mean(x) / a [1]_.
        ``fisk`` (log-logistic): ``scipy.stats.fisk(c, loc=0, scale)``. ln x of a fisk variable
        is logistic with location ln(scale) and scale 1/c, and the Jacobian of the log does
        not depend on the parameters, so the maximum-likelihood fit is
        ``scipy.stats.logistic.fit(ln x)`` (roots of its score equations [2]_).

    Returns
    -------
    tuple of float
        (shape, scale): (a, scale) for gamma, (c, scale) for fisk; scale in the unit of the
        values. (NaN, NaN) when there are fewer than two distinct values.

    References
    ----------
    .. [1] Thom, H.C.S. (1958): A note on the gamma distribution. Monthly Weather Review
       86(4), 117-122 (the likelihood equation; scipy solves it without Thom's approximation).
    .. [2] Forbes, C., Evans, M., Hastings, N. and Peacock, B. (2011): Statistical
       Distributions, 4th ed., Wiley: logistic distribution, parameter estimation.
    """
    import numpy as np
    from scipy import stats

    check_distribution(distribution)
    x = np.asarray(positive_values, dtype=float).ravel()
    x = x[~np.isnan(x)]
    if np.any(x <= 0):
        raise ValueError("fit_distribution needs values > 0; give zeros to standardized_index, "
                         "which counts them as the probability of zero flow")
    if np.unique(x).size < 2:
        return float("nan"), float("nan")
    if distribution == "gamma":
        a, _loc, scale = stats.gamma.fit(x, floc=0)
        return float(a), float(scale)
    mu, s = stats.logistic.fit(np.log(x))
    return float(1.0 / s), float(np.exp(mu))


def standardized_index(values, reference_values, distribution: str = "gamma"):
    """Standardized index of ``values`` against a distribution fitted to ``reference_values``.

    The Standardized Streamflow Index (SSI) [1]_, built like the Standardized Precipitation
    Index [2]_: the reference values of one calendar month (or of the mean over the ``scale``
    months ending with it) are fitted with a distribution, and each value is turned into the
    standard normal quantile of its non-exceedance probability. Zero flow is a probability
    mass of its own (mixed distribution [3]_)::

        q = share of zeros among the reference values
        H(x) = q + (1 - q) F(x)        F fitted to the positive reference values
        SSI(x) = Phi^-1(H(x))          H(0) = q

    Parameters
    ----------
    values : float or array_like
        Flows to standardize [m3/s, or any unit >= 0, the same as the reference]; NaN gives NaN.
    reference_values : array_like
        Reference sample of the same calendar month and scale [same unit]; NaN are ignored.
    distribution : {'gamma', 'fisk'}
        Distribution F of the positive flows, both with location 0 (a two-parameter fit by
        maximum likelihood, see :func:`fit_distribution`). For ``fisk`` (log-logistic) the
        location is fixed at 0 like ``gamma``, not fitted as a third parameter: flows have a
        physical zero, which the zero mass q handles, and a three-parameter maximum-likelihood
        fit of monthly flows often diverges (shape to infinity, see tests/reference/README.md).
        The reference implementation, xclim ``standardized_index``, was run with
        ``fitkwargs={"floc": 0}`` to match.

    Returns
    -------
    float or numpy.ndarray
        Standardized index [-]: 0 at the median of H, -1 at the 15.9th percentile. Limited
        to +-3.09 (``STANDARDIZED_INDEX_BOUND``), i.e. H is clipped to about [0.0010, 0.9990], as
        climate_indices does: a value beyond the reference range would otherwise reach
        +-infinity (a zero flow with q = 0, or 1 - F rounded to 0). NaN where the value is
        NaN, or where the reference has fewer than two distinct positive values (the
        distribution cannot be fitted: the caller reports ``no_data``).

    Raises
    ------
    ValueError
        Negative flows, or an unknown distribution.

    References
    ----------
    .. [1] Vicente-Serrano, S.M. et al. (2012): Accurate computation of a streamflow drought
       index. Journal of Hydrologic Engineering 17(2), 318-332.
    .. [2] McKee, T.B., Doesken, N.J. and Kleist, J. (1993): The relationship of drought
       frequency and duration to time scales. 8th Conference on Applied Climatology, AMS, 179-184.
    .. [3] Edwards, D.C. and McKee, T.B. (1997): Characteristics of 20th century drought in the
       United States at multiple time scales. Climatology Report 97-2, Colorado State
       University (H(x) = q + (1 - q) G(x) for a sample with zeros).
    """
    import numpy as np
    from scipy import stats

    check_distribution(distribution)
    scalar = np.ndim(values) == 0
    x = np.asarray(values, dtype=float)
    ref = np.asarray(reference_values, dtype=float).ravel()
    ref = ref[~np.isnan(ref)]
    if np.any(x < 0) or np.any(ref < 0):
        raise ValueError("standardized_index: flows must be >= 0; check the sign and the unit of the series")
    out = np.full(x.shape, np.nan)
    positive = ref[ref > 0]
    shape, scale = fit_distribution(positive, distribution) if positive.size else (np.nan, np.nan)
    if not np.isnan(shape):
        q = (ref.size - positive.size) / ref.size
        dist = stats.gamma(shape, scale=scale) if distribution == "gamma" else stats.fisk(shape, scale=scale)
        present = ~np.isnan(x)
        h = q + (1.0 - q) * dist.cdf(x[present])  # cdf(0) = 0: a zero flow gets H = q
        bound = STANDARDIZED_INDEX_BOUND
        out[present] = np.clip(stats.norm.ppf(h), -bound, bound)
    return float(out) if scalar else out
