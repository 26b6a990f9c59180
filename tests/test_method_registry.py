"""The method registry: a method is one object, and everything else looks it up.

- a toy method defined here, in this one module, is read from a catalogue, evaluated, worded
  in the bulletin and the annex, and compared by ``catalogue diff``, with no other change;
- every shipped method assesses arrays (many traces) exactly as it assesses each number.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pytest

from bulletin.catalogue import load_catalogue
from bulletin.catalogue_diff import diff_catalogues
from bulletin.climatology import status_of
from bulletin.config import is_number
from bulletin.ingest import read_observations
from bulletin.methods import METHODS, Assessment, Inputs, Method, Note, Wording, register
from bulletin.methods.registry import method_keys
from bulletin.periods import parse_period
from bulletin.pipeline import run
from bulletin.render.json import results, validate
from bulletin.series import SeriesStore
from bulletin.text import N_, Text, quantity
from bulletin.units import load_variables

from .conftest import SAMPLE_PERIOD, say, write_csv

MSG_TOY = N_("{name}: {value}, {scaled} scaled; {level}, {condition}.")
MSG_TOY_NORMAL = N_("{name}: {value}, {scaled} scaled; no threshold crossed.")


@dataclass(frozen=True)
class ToyParams:
    factor: float


class ToyMethod(Method):
    """The value times a factor of the catalogue (``factor``), against thresholds; no data below zero."""

    name = "toy_scaled"
    title = N_("value times a factor, against thresholds")
    keys = ("factor",)
    fixed_unit = ""  # a pure number
    condition_msg = N_("{words} scaled")
    diff_keys = {"factor": None}

    def parse(self, c, where, spec, ctx):
        factor = spec.get("factor")
        if not is_number(factor) or factor <= 0:
            c.add(f"{where}.factor", f"{factor!r} must be a number > 0")
            return ToyParams(1.0)
        return ToyParams(float(factor))

    def assess(self, ind, period, inputs: Inputs) -> Assessment:
        scaled = inputs.value * ind.params.factor
        return Assessment(compared=scaled, shown_unit="", notes=((Note.NO_EARLIER_VALUE, np.asarray(scaled) < 0),))

    def sentence(self, w: Wording) -> Text:
        return w.crossed_or_not(MSG_TOY, MSG_TOY_NORMAL, scaled=quantity(w.finding.indicator_value, ""))

    def diff_fields(self, ind) -> dict:
        return {"factor": ind.params.factor}


@pytest.fixture
def toy():
    register(ToyMethod)
    yield METHODS["toy_scaled"]
    del METHODS["toy_scaled"]


CATALOGUE = """
catalogue: {id: t, version: "1", status: sample, title: {en: T, ru: Т}}
settings: {reference_period: full}
rules:
  - {id: R1, version: "1", title: {en: R, ru: Р}, agreement: {document: {en: Doc, ru: Док}}}
indicators:
  - {id: toy, name: {en: Toy, ru: Игрушка}, station: toktogul, variable: volume, method: toy_scaled, factor: FACTOR,
     season: all, unit: "", operator: ">", thresholds: {watch: 15000, alert: 25000}, rule: R1}
"""


def _catalogue(tmp_path, name, factor):
    p = tmp_path / name
    p.write_text(textwrap.dedent(CATALOGUE.replace("FACTOR", str(factor))), encoding="utf-8")
    return p


def test_a_toy_method_in_one_module_runs_through_every_stage(toy, tmp_path, network):
    assert method_keys()["factor"] == "toy_scaled"
    cat_path = _catalogue(tmp_path, "cat.yaml", 2)
    cat = load_catalogue(cat_path, network)
    assert cat.indicators[0].method is toy and cat.indicators[0].params == ToyParams(2.0)
    # 10 days of 9,000 Mm3: 18,000 scaled, above the watch threshold of 15,000
    data = write_csv(tmp_path / "v.csv", [("toktogul", "volume", f"2026-11-{d:02d}", 9000, "Mm3")
                                           for d in range(11, 21)])
    result = run(allow_no_data=True, data=[data], period=SAMPLE_PERIOD, catalogue_path=cat_path,
                 issued_at=datetime(2026, 11, 21, tzinfo=UTC))
    (f,) = result.findings
    assert (f.level, f.indicator_value, f.value) == ("watch", pytest.approx(18000.0), pytest.approx(9000.0))
    row = result.bulletin.rows[0]
    assert say("en", row.sentence) == "Toy: 9.00 km³, 18,000.0 scaled; watch, above 15,000 scaled."  # display unit
    (entry,) = result.bulletin.annex
    assert say("en", entry.method) == "value times a factor, against thresholds"
    assert [(lev, say("en", t)) for lev, t in entry.conditions] == [("watch", "above 15,000 scaled"),
                                                                    ("alert", "above 25,000 scaled")]
    validate(results(result.bulletin))
    # catalogue diff compares the method's own field
    changes = diff_catalogues(cat, load_catalogue(_catalogue(tmp_path, "new.yaml", 3), network))
    assert [(c.field, c.old, c.new) for c in changes] == [("factor", 2.0, 3.0)]
    # its validation reports with the key path, and another method may not take its key
    bad = _catalogue(tmp_path, "bad.yaml", -1).read_text(encoding="utf-8")
    bad += ("  - {id: other, name: {en: O, ru: О}, station: toktogul, variable: volume, method: threshold, "
            "factor: 2, season: all, unit: km3, operator: '<', thresholds: {alert: 9}, rule: R1}\n")
    (tmp_path / "bad.yaml").write_text(bad, encoding="utf-8")
    with pytest.raises(Exception) as err:
        load_catalogue(tmp_path / "bad.yaml", network)
    assert [d.split(":", 1)[1] for d in err.value.details] == [
        "indicators[0](toy).factor: -1 must be a number > 0",
        "indicators[1](other).factor: only the toy_scaled method takes 'factor'"]


def test_without_the_toy_its_catalogue_is_refused(tmp_path, network):
    with pytest.raises(Exception, match="unknown method 'toy_scaled'"):
        load_catalogue(_catalogue(tmp_path, "cat.yaml", 2), network)


# ---- arrays: many traces assessed as each one -------------------------------------------------

class _Scaled:
    """The data of a store, every value scaled (one scale: numbers; several: arrays, one per trace)."""

    def __init__(self, store, scales):
        self.store, self.scales = store, scales

    def at(self, station, variables, period):
        v = self.store.at(station, variables, period)
        return v * self.scales if isinstance(self.scales, np.ndarray) else v * self.scales


SCALES = np.array([1.0, 0.3, 1.7, 0.0, np.nan])


@pytest.mark.parametrize("period", ["2026-11-d2", "2026-10-d1", "2026-07-d2"])
def test_every_method_assesses_arrays_as_it_assesses_numbers(network, period):
    cat = load_catalogue(None, network)
    obs = read_observations(None, network)
    store = SeriesStore(obs, cat.settings)
    p = parse_period(period, network.seasons)
    variables = load_variables()
    tried = set()
    for ind in cat.indicators:
        if ind.not_evaluated_reason(p, network.seasons) is not None:
            continue
        tried.add(ind.method.name)
        clim = store.climatology(ind.station, ind.series, p.kind)
        base = store.at(ind.station, ind.series, p)
        canonical = variables[ind.variable].unit

        def inputs(value, data, category, canonical=canonical, clim=clim):
            return Inputs(value, canonical, clim, p.period_of_year, category, data, network)

        def category(v, clim=clim):
            return status_of(v, clim.loc[p.period_of_year])["category"]

        many = ind.method.assess(ind, p, inputs(base * SCALES, _Scaled(store, SCALES),
                                                np.array([category(base * s) for s in SCALES])))
        for k, s in enumerate(SCALES):
            one = ind.method.assess(ind, p, inputs(base * s, _Scaled(store, s), category(base * s)))
            for field in ("compared", "ranks"):
                a, b = getattr(one, field), getattr(many, field)
                if a is None:
                    assert b is None, (ind.id, field)
                else:
                    np.testing.assert_allclose(np.asarray(b)[k], a, err_msg=f"{ind.id} {field} trace {k}")
            for (note, where_one), (note_many, where_many) in zip(one.notes, many.notes, strict=True):
                assert note == note_many
                assert bool(np.broadcast_to(where_many, SCALES.shape)[k]) == bool(where_one), (ind.id, note, k)
    if period == "2026-11-d2":
        assert tried == set(METHODS), f"methods not tried: {set(METHODS) - tried}"
