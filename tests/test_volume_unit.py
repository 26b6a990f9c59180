"""The unit the bulletin shows reservoir volumes in: ``network.display.volume_unit`` (km3 or Mm3).

SIC ICWC tables give volumes in million m3, BWO Syrdarya in km3. The network says which the
bulletin shows: the reservoirs' values, norms, thresholds (the catalogue writes them in km3),
sentences, fill bars and hydrographs. The results JSON keeps the units of its indicators.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from bulletin.document.volumes import in_volume_unit, volume_decimals
from bulletin.resources import resource_path
from bulletin.text import Quantity, Text

from .conftest import SAMPLE_PERIOD as PERIOD
from .conftest import generate


def _volumes(station: str) -> pd.Series:
    """The daily volumes of a reservoir in data/sample [Mm3], read with pandas, indexed by date text."""
    frame = pd.read_csv(resource_path("data", "sample", f"{station}.csv.gz"))
    return frame[frame["variable"] == "volume"].set_index("date")["value"]


# data/sample/toktogul.csv.gz: the volume at the end of 2026-11-d2, of 2025-11-d2 and of 2026-11-d1
_TOKTOGUL = _volumes("toktogul")
TOKTOGUL = {day: int(_TOKTOGUL[day]) for day in ("2026-11-20", "2025-11-20", "2026-11-10")}  # Mm3
# its norm: the mean of the volumes on 20 November 1991-2020 (the catalogue's reference period)
TOKTOGUL_NORM = _TOKTOGUL[[f"{year}-11-20" for year in range(1991, 2021)]].mean()


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    """The sample bulletin with the shipped network (km3) and with a copy that says Mm3."""
    shipped = resource_path("data", "basin", "syrdarya.yaml").read_text(encoding="utf-8")
    assert shipped.count("display: {volume_unit: km3}") == 1
    net = tmp_path_factory.mktemp("net") / "syrdarya.yaml"
    net.write_text(shipped.replace("display: {volume_unit: km3}", "display: {volume_unit: Mm3}"), encoding="utf-8")
    out = {}
    for unit, extra in (("km3", ()), ("Mm3", ("--network", str(net)))):
        out[unit] = tmp_path_factory.mktemp(unit)
        generate(out[unit], *extra, "--format", "html,json", "--lang", "en,ru")
    return out


def _soup(folder, lang="en"):
    return BeautifulSoup((folder / f"syrdarya-{PERIOD}.{lang}.html").read_text(encoding="utf-8"), "html.parser")


def _text(node) -> str:
    return node.get_text(" ", strip=True).replace("\xa0", " ").replace("\u2060", "")


def _row(soup, indicator):
    return soup.select_one(f'table.findings-table tr[data-indicator="{indicator}"]')


def test_toktogul_is_shown_in_million_m3(both):
    row = _row(_soup(both["Mm3"]), "toktogul_volume_low")
    cells = [_text(td) for td in row.find_all("td")]
    value, last_year, previous = cells[0], cells[4], cells[5]
    assert value == f"{TOKTOGUL['2026-11-20']:,} million m³" == "9,593 million m³"
    assert last_year == f"{TOKTOGUL['2025-11-20']:,} million m³" and previous == f"{TOKTOGUL['2026-11-10']:,} million m³"
    # the catalogue's threshold, 10 km3, in the same unit
    assert _text(row.th.select_one(".condition")) == "below 10,000 million m³"
    ru = _row(_soup(both["Mm3"], "ru"), "toktogul_volume_low")
    assert _text(ru.find_all("td")[0]) == f"{TOKTOGUL['2026-11-20']:,} млн м³".replace(",", " ")


def test_the_shipped_network_shows_km3_as_before(both):
    row = _row(_soup(both["km3"]), "toktogul_volume_low")
    shown = f"{TOKTOGUL['2026-11-20'] / 1000:.2f} km³"
    assert _text(row.find_all("td")[0]) == shown == "9.59 km³" and _text(row.th.select_one(".condition")) == "below 10 km³"


def test_every_reservoir_volume_of_the_page_is_in_the_unit(both):
    soup = _soup(both["Mm3"])
    page = _text(soup)
    assert "km³" not in page
    sentences = [_text(li) for li in soup.select("#summary li, .countries li")]
    said = (f"Toktogul volume against the critical volume: {TOKTOGUL['2026-11-20']:,} million m³ "
            f"(last year {TOKTOGUL['2025-11-20']:,} million m³), {100 * TOKTOGUL['2026-11-20'] / TOKTOGUL_NORM:.0f}% of norm; "
            "warning, below 10,000 million m³.")
    assert any(said in s for s in sentences)  # followed by the catalogue's instruction of the level
    # the annex: the seasonal withdrawal limits the catalogue gives in km3 (0.365 km3)
    limits = _text(soup.select_one('table.annex-table tr[data-indicator="withdrawal_limit_tj"]'))
    assert "non-growing season 2025/26: 365 million m³" in limits
    # Bahri Tojik: the margin above the dead volume, a value the method words, and its thresholds
    margin = _text(_row(soup, "bahri_tojik_margin").th)
    above_dead = int(_volumes("bahri_tojik")["2026-11-20"]) - 1480  # dead volume 1.48 km3
    assert f"compared with the thresholds: {above_dead} million m³" in margin and "below 300 million m³" in margin
    annex = _text(soup.select_one('table.annex-table tr[data-indicator="shardara_volume_high"]'))
    assert "at or above 4,600 million m³" in annex and "at or above 5,200 million m³" in annex
    caption = _text(soup.select_one("figure.reservoir-fill figcaption"))
    assert caption.startswith("Reservoir volumes at the end of the period, million m³.")
    fill = 100 * (TOKTOGUL["2026-11-20"] - 5500) / 14000
    assert f"Toktogul: {TOKTOGUL['2026-11-20']:,} million m³, {fill:.0f}% of useful volume" in soup.select_one(
        "figure.reservoir-fill .svg")[
        "aria-label"].replace("\xa0", " ").replace("\u2060", "")
    titles = [_text(f.figcaption) for f in soup.select("figure.hydrograph")]
    assert "Toktogul reservoir: volume, million m³" in titles


def test_other_findings_are_worded_as_before(both):
    km3, mm3 = _soup(both["km3"]), _soup(both["Mm3"])
    for tr in km3.select("table.findings-table tr.finding"):
        if "volume" in tr["data-indicator"] or tr["data-indicator"].startswith(("toktogul_fill", "toktogul_days",
                                                                                "bahri_tojik_margin")):
            continue
        assert _text(tr) == _text(_row(mm3, tr["data-indicator"])), tr["data-indicator"]


def test_the_results_json_keeps_its_units(both):
    docs = [json.loads((both[u] / f"syrdarya-{PERIOD}.json").read_text(encoding="utf-8")) for u in ("km3", "Mm3")]
    assert docs[0] == docs[1]
    toktogul = next(f for f in docs[1]["findings"] if f["indicator"] == "toktogul_volume_low")
    assert (toktogul["unit"], toktogul["value"]) == ("km3", pytest.approx(TOKTOGUL["2026-11-20"] / 1000))


def test_volumes_in_a_text_are_converted_however_deep():
    text = Text.of("{a} {b}", a=Quantity(0.15, "km3", 2), b=Text.of("{c}", c=Quantity(64.0, "%", 0)))
    shown = in_volume_unit(text, "Mm3")
    assert dict(shown.params)["a"] == Quantity(150.0, "Mm3", 0)
    assert dict(dict(shown.params)["b"].params)["c"] == Quantity(64.0, "%", 0)
    assert in_volume_unit(Quantity(9836.0, "Mm3", 0), "km3") == Quantity(9.836, "km3", 3)
    assert in_volume_unit(Quantity(9.84, "km3", 2), "km3") == Quantity(9.84, "km3", 2)  # as it is
    assert in_volume_unit(Quantity(None, "km3", 2), "Mm3") == Quantity(None, "Mm3", 0)
    assert (volume_decimals(150.0, "km3"), volume_decimals(0.15, "km3"), volume_decimals(1.2345, "km3")) == (2, 2, 3)
