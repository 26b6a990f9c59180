"""The norm an archive publishes, shown beside the computed one with the years each is the mean of.

The hydromet long files (Uzhydromet, riversCentralAsia) carry their own norm of every dekad or
month; the bulletin computes its norm over the catalogue's reference period (1981-2010 for the
Chirchik catalogue). Where the archive gives a norm for a finding's series and period, the
findings table, a table of the two norms and the results JSON give it, with the span of years
whose mean in the data equals it when exactly one does (the archive does not say).
"""

from __future__ import annotations

import json
from datetime import datetime

import numpy as np
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from bulletin.climatology import ClimateSettings
from bulletin.pipeline import run
from bulletin.products import archive_norm_span
from bulletin.render.i18n import Localizer
from bulletin.render.outputs import render_all
from bulletin.resources import resource_path
from bulletin.text import LANGUAGES

from .conftest import SHARED_DATA, say, shared_data

ARCHIVE = SHARED_DATA / "chirchik-uzhydromet" / "ChirchikRiverBasin_from_rda.csv"
NETWORK = str(resource_path("data", "basin", "chirchik.yaml"))
CATALOGUE = str(resource_path("indicators", "chirchik.yaml"))
ISSUED = datetime.fromisoformat("2015-10-01T06:00:00+05:00")
SETTINGS = ClimateSettings(reference=(1981, 2010), min_years=10)


# ---- which years an archive norm is the mean of -----------------------------------------------

def _monthly(first: int, last: int, seed: int = 1) -> pd.DataFrame:
    """A month series [first, last] as period_series gives it, with no value in 1975."""
    rng = np.random.default_rng(seed)
    years = np.repeat(np.arange(first, last + 1), 12)
    poy = np.tile(np.arange(1, 13), last - first + 1)
    value = rng.gamma(4.0, 20.0, size=years.size).round(1)
    value[years == 1975] = np.nan
    present = ~np.isnan(value)
    return pd.DataFrame({"year": years, "period_of_year": poy, "value": value,
                         "n_days": np.where(present, 30, 0), "days": 30, "coverage": present.astype(float)})


def _means(agg: pd.DataFrame, first: int, last: int) -> pd.Series:
    window = agg[agg["year"].between(first, last)]
    return window.groupby("period_of_year")["value"].mean()


def test_the_span_of_a_norm_is_found_when_one_span_of_years_gives_it():
    agg = _monthly(1950, 2015)
    span, whole = archive_norm_span(agg, _means(agg, 1961, 1990), "month", SETTINGS)
    assert span == (1961, 1990, dict.fromkeys(range(1, 13), 29)) and not whole  # 1975 has no value
    span, whole = archive_norm_span(agg, _means(agg, 1950, 2015), "month", SETTINGS)
    assert span[:2] == (1950, 2015) and span[2][1] == 65 and whole


def test_a_norm_written_with_fewer_decimals_is_matched_to_its_decimals():
    agg = _monthly(1950, 2015)
    span, _ = archive_norm_span(agg, _means(agg, 1971, 2000).round(2), "month", SETTINGS)
    assert span[:2] == (1971, 2000)


def test_a_norm_no_span_gives_is_not_given_a_period():
    agg = _monthly(1950, 2015)
    assert archive_norm_span(agg, _means(agg, 1961, 1990) + 0.5, "month", SETTINGS) == (None, False)
    # shorter than min_years: not a norm the bulletin would name
    assert archive_norm_span(agg, _means(agg, 2001, 2005), "month", SETTINGS) == (None, False)
    # whole numbers: several spans agree to the archive's rounding, none is named
    constant = agg.assign(value=np.where(agg["value"].notna(), 10.0, np.nan))
    assert archive_norm_span(constant, _means(constant, 1961, 1990), "month", SETTINGS) == (None, False)


# ---- a small archive file, read through the whole bulletin -------------------------------------

def _archive_file(path):
    """Dekads 1961-2015 of Pskem (code 16290), norms = the mean of the whole record, and of Chatkal
    (16279), norms that no span of years gives. The values after the issue date (2015-10-01) are
    errors for quality control, but the archive's norm is their mean too."""
    rng = np.random.default_rng(7)
    rows = []
    for code, shift in (("16290", 0.0), ("16279", 1.5)):
        dates = pd.date_range("1961-01-01", "2015-12-31", freq="D")
        dekad_ends = dates[(dates.day == 10) | (dates.day == 20) | dates.is_month_end]
        values = pd.Series(rng.gamma(5.0, 10.0, size=len(dekad_ends)).round(1), index=dekad_ends)
        key = (values.index.month - 1) * 3 + np.minimum((values.index.day - 1) // 10, 2) + 1
        norms = values.groupby(key).transform("mean") + shift
        rows += [f"{d:%Y-%m-%d},{v},{n!r},m3s,Q,{code},x,x,Chirchik,dec" for d, v, n in zip(
            values.index, values, norms, strict=True)]
    path.write_text("date,data,norm,units,type,code,station,river,basin,resolution\n" + "\n".join(rows) + "\n",
                    encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    data = _archive_file(tmp_path_factory.mktemp("archive") / "archive.csv")
    r = run(data=[data], period="2015-09-d3", issued_at=ISSUED, catalogue_path=CATALOGUE, network_path=NETWORK,
            allow_no_data=True)
    return r, render_all(r.bulletin, LANGUAGES, ("json", "html"))


def test_the_archive_norm_and_the_years_of_each_norm(small):
    r, _ = small
    assert r.qc.errors["station"].eq("pskem_mullala").any()  # left out of the findings, not of the archive's norm
    pskem = r.products.archive_norms["pskem_mullala_norm"]
    assert (pskem.span, pskem.whole_record, pskem.reference) == ((1961, 2015, 55), True, (1981, 2010, 30))
    assert pskem.unit == "m3/s" and pskem.value == pytest.approx(
        r.observations.archive_norms.query("station == 'pskem_mullala' and period_of_year == 27")["norm"].iloc[0])
    chatkal = r.products.archive_norms["chatkal_khudaydod_norm"]
    assert chatkal.span is None and not chatkal.whole_record
    # the gauges without an archive norm (no data here) have none
    assert set(r.products.archive_norms) == {"pskem_mullala_status", "pskem_mullala_norm",
                                             "chatkal_khudaydod_status", "chatkal_khudaydod_norm"}


def test_the_results_json_gives_the_archive_norm_after_the_norm(small):
    r, out = small
    findings = {f["indicator"]: f for f in json.loads(out["chirchik-2015-09-d3.json"])["findings"]}
    f = findings["pskem_mullala_norm"]
    keys = list(f)
    assert keys[keys.index("norm") + 1] == "archive_norm"
    a = r.products.archive_norms["pskem_mullala_norm"]
    assert f["archive_norm"] == {"value": round(a.value, 4), "unit": "m3/s", "reference_period": "1961-2015",
                                 "years": 55}
    assert findings["chatkal_khudaydod_status"]["archive_norm"]["reference_period"] is None
    assert findings["chatkal_khudaydod_status"]["archive_norm"]["years"] is None
    assert "archive_norm" not in findings["ugam_khodzhikent_status"]  # optional: only where there is one


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_language_shows_both_norms_and_their_reference_periods(small, lang):
    _, out = small
    soup = BeautifulSoup(out[f"chirchik-2015-09-d3.{lang}.html"].decode("utf-8"), "html.parser")
    rows = soup.select("table.norms-table tr.archive-norm-row")
    assert [(tr["data-station"], tr["data-variable"]) for tr in rows] == [
        ("chatkal_khudaydod", "discharge"), ("pskem_mullala", "discharge")]
    cells = [td.get_text(" ", strip=True) for td in rows[1].find_all("td")]
    assert "1981–2010" in cells[1] and "1961–2015" in cells[3]
    assert "1961–2015" not in rows[0].get_text()
    # under the computed norm in the findings table, for both findings of each series
    assert len(soup.select("table.findings-table span.archive-norm")) == 4


def test_the_english_words_of_the_norms(small):
    r, out = small
    html = out["chirchik-2015-09-d3.en.html"].decode("utf-8")
    assert "Norms of this period: computed and as published in the archive" in html
    chatkal, pskem = r.bulletin.norms
    assert say("en", chatkal.archive_reference) == "reference period not stated in the archive"
    assert say("en", pskem.archive_reference) == (
        "reference period not stated in the archive; in the data read, it equals the mean of the whole record, "
        "1961–2015")
    assert say("en", pskem.reference) == "1981–2010"
    assert say("en", pskem.label) == "Pskem at Mullala: discharge"
    assert say("en", r.bulletin.rows[1].archive_norm.cell).startswith("archive: ")


# ---- the real archive ----------------------------------------------------------------------------

@shared_data(ARCHIVE)
def test_pskem_in_the_real_archive_is_the_mean_of_the_whole_record():
    """2015-09-d3: the computed norm is the mean of 1981-2010 (48.64 m3/s), the archive's 50.253 m3/s
    the mean of all 83 years with a value in 1932-2015 (1943 has none), the bulletin's year included."""
    r = run(data=[ARCHIVE], period="2015-09-d3", issued_at=ISSUED, catalogue_path=CATALOGUE, network_path=NETWORK)
    a = r.products.archive_norms["pskem_mullala_norm"]
    f = next(f for f in r.findings if f.indicator == "pskem_mullala_norm")
    assert f.norm == pytest.approx(48.64)
    assert a.value == pytest.approx(50.253012, abs=1e-6)
    assert (a.reference, a.span, a.whole_record) == ((1981, 2010, 30), (1932, 2015, 83), True)
    raw = pd.read_csv(ARCHIVE, dtype={"code": str})
    sep30 = raw[(raw["code"] == "16290") & raw["date"].str.endswith("-09-30")]
    assert sep30["data"].mean() == pytest.approx(a.value)  # read with pandas alone
    # every dekadal gauge of the archive: the mean of its whole record
    spans = {k: (v.span, v.whole_record) for k, v in r.products.archive_norms.items() if k.endswith("_status")}
    assert spans == {"chatkal_khudaydod_status": ((1932, 2015, 84), True),
                     "pskem_mullala_status": ((1932, 2015, 83), True),
                     "nauvalisoy_sidzhak_status": ((1963, 2015, 50), True),
                     "charvak_inflow_status": ((1932, 2015, 83), True)}
    comparison = next(n for n in r.bulletin.norms if n.station == "pskem_mullala")
    en = Localizer("en")
    assert [en.quantity(q).replace("\xa0", " ").replace("\u2060", "") for q in (comparison.norm, comparison.archive)
            ] == ["48.6 m³/s", "50.3 m³/s"]
    assert say("en", comparison.reference) == "1981–2010"
    assert say("en", comparison.archive_reference) == (
        "reference period not stated in the archive; in the data read, it equals the mean of the whole record, "
        "1932–2015 (years with data: 83)")
