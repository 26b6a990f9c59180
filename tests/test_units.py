"""Unit conversions applied at ingest."""

import pytest

from bulletin.units import conversion_factor, load_variables, unit_dimension


@pytest.mark.parametrize(("src", "dst", "factor"), [
    ("m³/s", "m3/s", 1.0), ("m3s", "m3/s", 1.0), ("l/s", "m3/s", 1e-3),
    ("km3", "Mm3", 1000.0), ("mln m3", "Mm3", 1.0), ("hm3", "Mm3", 1.0), ("Mm3", "km3", 1e-3),
    ("m3", "Mm3", 1e-6), ("m", "cm", 100.0), ("cm", "m", 0.01), ("млн м3", "Mm3", 1.0),
])
def test_factors(src, dst, factor):
    assert conversion_factor(src, dst) == pytest.approx(factor)


def test_incompatible_and_unknown_units():
    with pytest.raises(ValueError, match="cannot be converted"):
        conversion_factor("km3", "m3/s")
    with pytest.raises(ValueError, match="unknown unit 'furlong'"):
        conversion_factor("furlong", "m")
    assert unit_dimension("gallons") is None


def test_variables_declare_canonical_units():
    v = load_variables()
    assert {k: v[k].unit for k in v} == {"discharge": "m3/s", "inflow": "m3/s", "release": "m3/s",
                                          "withdrawal": "m3/s", "volume": "Mm3", "level": "m", "stage": "cm"}
    assert v["volume"].aggregate == "last" and v["discharge"].aggregate == "mean"
