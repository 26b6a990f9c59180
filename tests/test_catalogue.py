"""The catalogue loader: the shipped catalogue is valid; every kind of error is reported at once."""

import shutil
import textwrap

import pytest
import yaml

from bulletin.catalogue import load_catalogue
from bulletin.errors import ConfigError


def test_shipped_catalogue_is_valid_and_complete(network):
    cat = load_catalogue(network=network)
    assert cat.is_sample and cat.status == "sample"
    assert len(cat.indicators) == 25
    methods = {i.method.name for i in cat.indicators}
    # every method of methods.METHODS is used by at least one indicator of the sample
    assert methods == {"threshold", "percent_of_norm", "status_category", "difference", "reservoir_fill", "schedule",
                       "withdrawal_limit", "change", "days_of_release_left", "margin_above_dead"}
    by_id = {i.id: i for i in cat.indicators}
    # the situations the issue names
    assert by_id["toktogul_volume_low"].operator == "<"
    assert [t.value for t in by_id["toktogul_volume_low"].thresholds] == [11.0, 10.0, 9.0]
    assert by_id["north_aral_inflow_min"].season == "gs"
    assert by_id["north_aral_inflow_min"].thresholds[-1].value == 30.0
    # alert from the dangerous stage 640 cm (an agreed critical limit crossed)
    assert [t.value for t in by_id["kazaly_stage"].thresholds] == [600, 620, 640]
    assert by_id["toktogul_winter_release"].season == "ngs"
    # fill of Toktogul's useful volume, the same levels as the volume: alert at the critical 9 km3 =
    # (9 - 5.5) / 14 = 25 %, warning at 10 km3 = 32 %, watch at 11 km3 = 39 %
    fill = by_id["toktogul_fill"]
    assert (fill.method.name, fill.station, fill.variable, fill.unit, fill.rule.id) == (
        "reservoir_fill", "toktogul", "volume", "%", "SD-RES-1")
    assert [t.value for t in fill.thresholds] == [39.0, 32.0, 25.0]
    assert [round(5.5 + 14 * t.value / 100) for t in fill.thresholds] == [
        t.value for t in by_id["toktogul_volume_low"].thresholds]
    # the same severity across indicators: a value against the norm or the record alone reaches
    # at most warning; alert is kept for agreed critical limits
    relative = [i for i in cat.indicators if i.method.name in ("percent_of_norm", "status_category", "change")]
    assert len(relative) == 10
    for ind in relative:
        levels = {t.level for t in ind.thresholds} | set(dict(getattr(ind.params, "levels", ())).values())
        assert "alert" not in levels, ind.id
    assert {t.level: t.value for t in by_id["andijan_inflow_norm"].thresholds} == {"watch": 75.0, "warning": 50.0}
    assert {t.level: t.value for t in by_id["withdrawal_limit_tj"].thresholds}["alert"] == 100.0  # projected above the limit
    # alert state: two dekads below a level before it comes down, for every indicator
    assert cat.deescalation_periods == 2
    assert {cat.deescalation_for(i) for i in cat.indicators} == {2}
    for ind in cat.indicators:
        assert ind.names["en"] and ind.names["ru"]
        assert ind.rule.agreement.document


def _write(tmp_path, text):
    p = tmp_path / "cat.yaml"
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


BASE = """
catalogue: {id: t, version: "1", status: sample, title: {en: T, ru: Т}}
settings: {reference_period: 1991-2020}
rules:
  - {id: R1, version: "1", title: {en: R, ru: Р}, agreement: {document: {en: Doc, ru: Док}}}
indicators:
"""


def test_every_error_is_reported_at_once_with_key_paths(tmp_path, network):
    p = _write(tmp_path, BASE + """
  - id: a
    name: {en: A}
    station: toktogull
    variable: volumee
    method: treshold
    season: winter
    unit: km3
    operator: "<"
    thresholds: {watch: 9, warning: 10, alert: 11}
    rule: R2
    colour: red
  - id: b
    name: {en: B, ru: Б}
    station: toktogul
    variable: volume
    method: threshold
    season: all
    unit: m3/s
    operator: "<"
    thresholds: {watch: 11, warning: 10}
    rule: R1
""")
    with pytest.raises(ConfigError) as err:
        load_catalogue(p, network)
    text = str(err.value)
    expected = [
        f"{p}:indicators[0].colour: unknown key 'colour'",
        f"{p}:indicators[0](a).method: unknown method 'treshold' (did you mean 'threshold'?)",
        f"{p}:indicators[0](a).variable: unknown variable 'volumee' (did you mean 'volume'?)",
        f"{p}:indicators[0](a).station: 'toktogull' is not a station of the network (did you mean 'toktogul'?)",
        f"{p}:indicators[0](a).rule: unknown rule 'R2' (did you mean 'R1'?)",
        f"{p}:indicators[0](a).season: season 'winter' does not parse",
        f"{p}:indicators[0](a).name.ru: the ru text is missing",
        f"{p}:indicators[1](b).unit: unit 'm3/s' does not fit volume",
    ]
    for line in expected:
        assert line in text, line
    assert "the catalogue has" in text and "How to fix" in text


def test_thresholds_in_the_wrong_order_for_the_operator(tmp_path, network):
    p = _write(tmp_path, BASE + """
  - id: a
    name: {en: A, ru: А}
    station: shardara
    variable: volume
    method: threshold
    season: [11, 12, 1]
    unit: km3
    operator: ">="
    thresholds: {watch: 5.2, warning: 4.9, alert: 4.6}
    rule: R1
""")
    with pytest.raises(ConfigError, match=r"with operator '>=' the values must increase from watch to alert"):
        load_catalogue(p, network)


def test_status_category_needs_every_category(tmp_path, network):
    p = _write(tmp_path, BASE + """
  - id: a
    name: {en: A, ru: А}
    station: shardara
    variable: inflow
    method: status_category
    season: all
    levels: {low: warning, high: alarm}
    rule: R1
""")
    with pytest.raises(ConfigError, match=r"indicators\[0\]\(a\)\.levels: map each category"):
        load_catalogue(p, network)


def test_bad_settings_and_yaml(tmp_path, network):
    p = _write(tmp_path, BASE.replace("{reference_period: 1991-2020}",
                                      "{reference_period: 2020-1991, category_edges: [10, 90, 75, 25], minyears: 3}")
               + """
  - {id: a, name: {en: A, ru: А}, station: shardara, variable: volume, method: threshold, season: all,
     unit: km3, operator: ">", thresholds: {alert: 5}, rule: R1}
""")
    with pytest.raises(ConfigError) as err:
        load_catalogue(p, network)
    text = str(err.value)
    assert "settings.reference_period" in text
    assert "settings.category_edges" in text
    assert "settings.minyears: unknown key 'minyears' (did you mean 'min_years'?)" in text
    bad = tmp_path / "bad.yaml"
    bad.write_text("catalogue: [unclosed", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_catalogue(bad, network)


def test_missing_file(tmp_path, network):
    with pytest.raises(ConfigError, match="cannot read the catalogue"):
        load_catalogue(tmp_path / "nope.yaml", network)


def test_shipped_catalogue_yaml_round_trips_through_the_loader(tmp_path, network):
    # the loader reads what yaml reads: the shipped file re-dumped gives the same indicators
    from bulletin.catalogue import default_catalogue_path

    raw = yaml.safe_load(default_catalogue_path().read_text(encoding="utf-8"))
    p = tmp_path / "copy.yaml"
    p.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    shutil.copytree(default_catalogue_path().parent / "schedules", tmp_path / "schedules")
    assert [i.id for i in load_catalogue(p, network).indicators] == [i.id for i in load_catalogue(None, network).indicators]


def test_reservoir_fill_needs_a_reservoir_with_dead_and_total_volume(tmp_path, network):
    p = _write(tmp_path, BASE + """
  - {id: ok, name: {en: A, ru: А}, station: toktogul, variable: volume, method: reservoir_fill, season: all,
     unit: "%", operator: "<", thresholds: {watch: 50, alert: 25}, rule: R1}
  - {id: gauge, name: {en: A, ru: А}, station: naryn_uchkurgan, variable: volume, method: reservoir_fill,
     season: all, unit: "%", operator: "<", thresholds: {alert: 25}, rule: R1}
  - {id: nodead, name: {en: A, ru: А}, station: koksaray, variable: volume, method: reservoir_fill, season: all,
     unit: "%", operator: "<", thresholds: {alert: 25}, rule: R1}
  - {id: inflow, name: {en: A, ru: А}, station: toktogul, variable: inflow, method: reservoir_fill, season: all,
     unit: km3, operator: "<", thresholds: {alert: 25}, rule: R1}
""")
    with pytest.raises(ConfigError) as err:
        load_catalogue(p, network)
    text = str(err.value)
    assert "indicators[0](ok)" not in text
    assert f"{p}:indicators[1](gauge).station: 'naryn_uchkurgan' is a gauge; a reservoir_fill indicator needs a reservoir" in text
    assert f"{p}:indicators[2](nodead).station: reservoir 'koksaray' has no dead_volume in the network file" in text
    assert f"{p}:indicators[3](inflow).variable: a reservoir_fill indicator reads the variable 'volume', not 'inflow'" in text
    assert f"{p}:indicators[3](inflow).unit: a reservoir_fill indicator has unit '%'" in text


def test_deescalation_periods_default_and_override(tmp_path, network):
    indicator = """
  - {id: a, name: {en: A, ru: А}, station: shardara, variable: volume, method: threshold, season: all,
     unit: km3, operator: ">", thresholds: {alert: 5}, rule: R1}
  - {id: b, name: {en: B, ru: Б}, station: toktogul, variable: volume, method: threshold, season: all,
     unit: km3, operator: ">", thresholds: {alert: 5}, rule: R1, deescalation_periods: 1}
"""
    cat = load_catalogue(_write(tmp_path, BASE + indicator), network)
    assert cat.deescalation_periods == 2  # the default when settings do not say
    assert [cat.deescalation_for(i) for i in cat.indicators] == [2, 1]
    cat = load_catalogue(_write(tmp_path, BASE.replace("{reference_period: 1991-2020}",
                                                       "{reference_period: 1991-2020, deescalation_periods: 3}")
                                + indicator), network)
    assert [cat.deescalation_for(i) for i in cat.indicators] == [3, 1]
    p = _write(tmp_path, BASE.replace("{reference_period: 1991-2020}",
                                      "{reference_period: 1991-2020, deescalation_periods: 0}")
               + indicator.replace("deescalation_periods: 1", "deescalation_periods: two"))
    with pytest.raises(ConfigError) as err:
        load_catalogue(p, network)
    text = str(err.value)
    assert f"{p}:settings.deescalation_periods: 0 must be a whole number of periods >= 1" in text
    assert f"{p}:indicators[1](b).deescalation_periods: 'two' must be a whole number of periods >= 1" in text


def test_display_unit_must_fit_the_variable(tmp_path, network):
    p = _write(tmp_path, BASE + """
  - {id: a, name: {en: A, ru: А}, station: toktogul, variable: volume, method: threshold, season: all,
     unit: km3, display_unit: m3/s, operator: "<", thresholds: {alert: 9}, rule: R1}
""")
    with pytest.raises(ConfigError, match=r"indicators\[0\]\(a\)\.display_unit: unit 'm3/s' does not fit volume"):
        load_catalogue(p, network)


def test_fill_is_shown_in_km3(network):
    fill = {i.id: i for i in load_catalogue(None, network).indicators}["toktogul_fill"]
    assert fill.value_unit("Mm3") == "km3"


def _errors(path, network):
    """The problems load_catalogue reports for ``path``, one per line, without the file name."""
    with pytest.raises(ConfigError) as err:
        load_catalogue(path, network)
    return [line.removeprefix(f"{path}:") for line in err.value.details]


STATUS = """
  - {{id: s, name: {{en: S, ru: С}}, station: naryn_uchkurgan, variable: discharge, method: status_category,
     season: all, levels: {levels}, rule: R1}}
"""


def test_status_levels_rise_away_from_normal(tmp_path, network):
    p = _write(tmp_path, BASE + STATUS.format(
        levels="{low: watch, below_normal: warning, normal: watch, above_normal: alert, high: normal}"))
    assert _errors(p, network) == [
        "indicators[0](s).levels.normal: 'watch' must be normal: the category normal is the flow within the usual "
        "range, which raises no level; map only the categories away from normal to watch, warning or alert",
        "indicators[0](s).levels.low: 'watch' is less severe than below_normal ('warning'), but low is further from "
        "normal; give low the level warning or a higher one, or lower below_normal",
        "indicators[0](s).levels.high: 'normal' is less severe than above_normal ('alert'), but high is further from "
        "normal; give high the level alert or a higher one, or lower above_normal",
    ]
    # equal levels on a side, a side left at normal, and an unknown level reported once (not as out of order)
    for levels in ("{low: warning, below_normal: warning, normal: normal, above_normal: normal, high: normal}",
                   "{low: alert, below_normal: normal, normal: normal, above_normal: watch, high: warning}"):
        cat = load_catalogue(_write(tmp_path, BASE + STATUS.format(levels=levels)), network)
        assert cat.indicators[0].params.level_map["normal"] == "normal"
    p = _write(tmp_path, BASE + STATUS.format(
        levels="{low: alarm, below_normal: watch, normal: normal, above_normal: normal, high: watch}"))
    assert _errors(p, network) == ["indicators[0](s).levels.low: 'alarm' is not a level (did you mean 'alert'?)"]


def test_shipped_status_levels_rise_away_from_normal(network):
    from bulletin.methods import level_rank

    status = [ind for ind in load_catalogue(None, network).indicators if ind.method.name == "status_category"]
    assert status, "the shipped catalogue has no status_category indicator: nothing to check"
    for ind in status:
        m = {cat: level_rank(level) for cat, level in ind.params.levels}
        assert m["low"] >= m["below_normal"] >= m["normal"] == 0 <= m["above_normal"] <= m["high"], ind.id


ONE = """
  - {id: a, name: {en: A, ru: А}, station: shardara, variable: volume, method: threshold, season: all,
     unit: km3, operator: ">", thresholds: {alert: 5}, rule: R1}
"""


def test_dates_of_the_catalogue_and_agreements_are_real_dates(tmp_path, network):
    bad = (BASE.replace("status: sample,", "status: sample, agreed: 2026-13-45,")
           .replace("{document: {en: Doc, ru: Док}}", "{document: {en: Doc, ru: Док}, date: 1998-02-30}"))
    assert _errors(_write(tmp_path, bad + ONE), network) == [
        "catalogue.agreed: '2026-13-45' is not a date; write it as YYYY-MM-DD, e.g. 1991-01-01",
        "rules[0].agreement.date: '1998-02-30' is not a date; write it as YYYY-MM-DD, e.g. 1991-01-01",
    ]
    # a date as text, or as a YAML date (an explicit !!timestamp), is kept as ISO text
    for agreed, date in (("2026-03-01", "1998-03-17"), ("!!timestamp 2026-03-01", "!!timestamp 1998-03-17")):
        good = (BASE.replace("status: sample,", f"status: sample, agreed: {agreed},")
                .replace("{document: {en: Doc, ru: Док}}", f"{{document: {{en: Doc, ru: Док}}, date: {date}}}"))
        cat = load_catalogue(_write(tmp_path, good + ONE), network)
        assert (cat.agreed, cat.rules["R1"].agreement.date) == ("2026-03-01", "1998-03-17")
    cat = load_catalogue(None, network)
    assert cat.agreed is None and cat.rules["SD-RES-1"].agreement.date == "1998-03-17"


def test_parties_are_countries_of_the_network(tmp_path, network):
    p = _write(tmp_path, BASE.replace("status: sample,", "status: sample, parties: [KG, KZZ, tj, KG],") + ONE)
    assert _errors(p, network) == [
        "catalogue.parties[1]: 'KZZ' is not a country of the network (KG, TJ, UZ, KZ) (did you mean 'KZ'?)",
        "catalogue.parties[2]: 'tj' is not a country of the network (KG, TJ, UZ, KZ)",
        "catalogue.parties[3]: 'KG' is listed twice; name each party once",
    ]
    p = _write(tmp_path, BASE.replace("status: sample,", "status: sample, parties: KG,") + ONE)
    assert _errors(p, network) == ["catalogue.parties: 'KG' must be a list of country codes, e.g. [KG, TJ, UZ, KZ]"]
    # without a network any codes are taken as given
    p = _write(tmp_path, BASE.replace("status: sample,", "status: sample, parties: [KG, KZZ],") + ONE)
    assert load_catalogue(p).parties == ("KG", "KZZ")
    assert load_catalogue(None, network).parties == ("KG", "TJ", "UZ", "KZ")


VERSION = """
  - {{id: {id}, name: {{en: A, ru: А}}, station: toktogul, variable: volume, method: threshold, season: {season},
     unit: km3, operator: "{op}", thresholds: {{alert: {alert}}}, rule: R1{extra}}}
"""


def _versions(*rows):
    return BASE + "".join(VERSION.format(**({"season": "all", "op": "<", "alert": 9, "extra": ""} | r)) for r in rows)


def test_two_versions_of_an_indicator_must_not_overlap(tmp_path, network):
    p = _write(tmp_path, _versions(
        {"id": "v1", "extra": ", valid_from: 1991-01-01, valid_to: 2026-12-31"},
        {"id": "v2", "alert": 9.5, "extra": ", valid_from: 2026-11-01"},
        {"id": "w1", "season": "[11, 12, 1]", "extra": ", valid_to: 2026-06-30"},
        {"id": "w2", "season": "[11, 12, 1]", "alert": 9.5, "extra": ", valid_to: 2026-03-31"},
        {"id": "x1", "season": "gs"}, {"id": "x2", "season": "gs", "alert": 9.5}))
    assert _errors(p, network) == [
        "indicators[1](v2): 'v2' and 'v1' (indicators[0](v1)) apply to the same series in the same way (station "
        "toktogul, variable volume, method threshold, season all) and are both valid from 2026-11-01 to 2026-12-31; "
        "if 'v2' is a new version of 'v1', end 'v1' the day before: valid_to: 2026-10-31",
        "indicators[3](w2): 'w2' and 'w1' (indicators[2](w1)) apply to the same series in the same way (station "
        "toktogul, variable volume, method threshold, months 11, 12, 1) and are both valid until 2026-03-31, with "
        "no start; give them validity periods that do not overlap (a new version's valid_from is the day after the "
        "old one's valid_to), or remove one of them",
        "indicators[5](x2): 'x2' and 'x1' (indicators[4](x1)) apply to the same series in the same way (station "
        "toktogul, variable volume, method threshold, season gs) and are both valid at all times (no valid_from, "
        "no valid_to); give them validity periods that do not overlap (a new version's valid_from is the day after "
        "the old one's valid_to), or remove one of them",
    ]


def test_a_season_is_the_months_it_covers(tmp_path, network):
    # gs is April-September in the network: the same season as the list of those months
    p = _write(tmp_path, _versions({"id": "z1", "season": "gs"}, {"id": "z2", "season": "[4, 5, 6, 7, 8, 9]"},
                                   {"id": "z3", "season": "[4, 5, 6, 7, 8]"}))
    assert _errors(p, network) == [
        "indicators[1](z2): 'z2' and 'z1' (indicators[0](z1)) apply to the same series in the same way (station "
        "toktogul, variable volume, method threshold, months 4, 5, 6, 7, 8, 9) and are both valid at all times (no "
        "valid_from, no valid_to); give them validity periods that do not overlap (a new version's valid_from is the "
        "day after the old one's valid_to), or remove one of them",
    ]


def test_versions_that_follow_each_other_and_different_checks_of_one_series_are_valid(tmp_path, network):
    cat = load_catalogue(_write(tmp_path, _versions(
        # a new version from the day after the old one's valid_to
        {"id": "v1", "extra": ", valid_from: 1991-01-01, valid_to: 2026-10-31"},
        {"id": "v2", "alert": 9.5, "extra": ", valid_from: 2026-11-01"},
        # another season, and a high threshold beside the low one
        {"id": "gs", "season": "gs"}, {"id": "high", "op": ">", "alert": 19})
        + """
  - {id: fill, name: {en: F, ru: Н}, station: toktogul, variable: volume, method: reservoir_fill, season: all,
     unit: "%", operator: "<", thresholds: {alert: 25}, rule: R1}
"""), network)
    assert [i.id for i in cat.indicators] == ["v1", "v2", "gs", "high", "fill"]
    # the shipped catalogue: the two Toktogul schedules (gs, ngs) and the volume threshold beside the fill
    assert len(load_catalogue(None, network).indicators) == 25


def test_overlap_is_not_reported_for_an_indicator_whose_validity_is_wrong(tmp_path, network):
    p = _write(tmp_path, _versions({"id": "v1", "extra": ", valid_from: 2026-02-30"}, {"id": "v2"}))
    assert _errors(p, network) == ["indicators[0](v1).valid_from: '2026-02-30' is not a date; write it as YYYY-MM-DD, "
                                   "e.g. 1991-01-01"]


def test_catalogue_texts_fall_back_to_russian_then_english(tmp_path, network):
    from types import SimpleNamespace

    from bulletin.render.html import environment
    from bulletin.render.i18n import Localizer
    from bulletin.text import localized

    text = (BASE.replace("title: {en: T, ru: Т}}", "title: {en: T, ru: Т, tg: Т-тг}, notice: {en: N, ru: Н}}")
            .replace("agreement: {document: {en: Doc, ru: Док}}",
                     "agreement: {document: {en: Doc, ru: Док}}, basis: {en: B, ru: Б}")
            + ONE)
    cat = load_catalogue(_write(tmp_path, text), network)
    rule, ind = cat.rules["R1"], cat.indicators[0]
    for lang, want in (("kk", ["Т", "Н", "Р", "Док", "Б", "А"]), ("tg", ["Т-тг", "Н", "Р", "Док", "Б", "А"]),
                       ("en", ["T", "N", "R", "Doc", "B", "A"]), ("de", ["T", "N", "R", "Doc", "B", "A"])):
        got = [cat.title(lang), cat.notice(lang), rule.title(lang), rule.agreement.name(lang), rule.basis_text(lang),
               ind.name(lang)]
        assert got == want, lang
    assert localized({"en": "E"}, "kk") == "E" and localized({}, "kk") == "" and localized({}, "kk", "?") == "?"
    # the annex of a Kazakh bulletin names the catalogue and its notice in Russian
    env = environment(Localizer("kk"))
    env.globals["level_name"] = str
    html = env.get_template("_annex.html").render(bulletin=SimpleNamespace(catalogue=cat, annex=(), verification=None), lang="kk")
    assert "<p class=\"explain\">Т, " in html and "Н</p>" in html and "<td>Док</td>" in html


def test_levels_basis_says_how_the_levels_were_set_in_every_language(tmp_path, network):
    # the shipped catalogue says it, per language, like its notice
    cat = load_catalogue(network=network)
    assert set(cat.levels_basis) == {"en", "ru", "kk", "ky", "tg", "uz"}
    for level in ("watch", "warning", "alert"):
        assert level in cat.levels_basis_text("en")
    assert cat.levels_basis_text("kk") == cat.levels_basis["kk"] and cat.levels_basis_text("de") == cat.levels_basis["en"]
    # optional: a catalogue without it has none
    cat = load_catalogue(_write(tmp_path, BASE + ONE), network)
    assert cat.levels_basis == {} and cat.levels_basis_text("en") == ""
    # given, it is read per language with the fallback of the other catalogue texts
    text = BASE.replace("title: {en: T, ru: Т}}", "title: {en: T, ru: Т}, levels_basis: {en: L, ru: Л}}") + ONE
    cat = load_catalogue(_write(tmp_path, text), network)
    assert cat.levels_basis == {"en": "L", "ru": "Л"}
    assert [cat.levels_basis_text(lang) for lang in ("en", "ru", "tg", "de")] == ["L", "Л", "Л", "L"]


@pytest.mark.parametrize(("value", "error"), [
    ("Levels are set to mean the same severity", "catalogue.levels_basis: needs a name per language, e.g. {en: ..., ru: ...}"),
    ("[en, ru]", "catalogue.levels_basis: needs a name per language, e.g. {en: ..., ru: ...}"),
    ("{en: L}", "catalogue.levels_basis.ru: the ru text is missing"),
])
def test_levels_basis_of_the_wrong_type_is_an_error_naming_the_key(tmp_path, network, value, error):
    text = BASE.replace("title: {en: T, ru: Т}}", f"title: {{en: T, ru: Т}}, levels_basis: {value}}}") + ONE
    assert _errors(_write(tmp_path, text), network) == [error]
    # and a misspelt key is an unknown key
    text = BASE.replace("title: {en: T, ru: Т}}", "title: {en: T, ru: Т}, level_basis: {en: L, ru: Л}}") + ONE
    assert any(line.startswith("catalogue.level_basis") and "levels_basis" in line
               for line in _errors(_write(tmp_path, text), network))


def test_ids_that_name_files_and_links_are_plain_names(tmp_path, network):
    text = BASE.replace("id: t,", "id: \"a b\",").replace('version: "1", status', 'version: "1\\e", status') + """
  - {id: ../../../x, name: {en: X, ru: Х}, station: toktogul, variable: volume, method: threshold, season: all,
     unit: km3, operator: "<", thresholds: {alert: 9}, rule: R1}
  - {id: "<b>bold</b>", name: {en: Y, ru: У}, station: toktogul, variable: volume, method: threshold, season: all,
     unit: km3, operator: "<", thresholds: {alert: 9}, rule: R1}
  - {id: """ + "v" * 65 + """, name: {en: Z, ru: З}, station: toktogul, variable: volume, method: threshold,
     season: all, unit: km3, operator: "<", thresholds: {alert: 9}, rule: R1}
"""
    with pytest.raises(ConfigError) as err:  # the escape in the version is refused as YAML is read
        load_catalogue(_write(tmp_path, text), network)
    assert "U+001B" in str(err.value)
    errors = _errors(_write(tmp_path, text.replace('"1\\e"', '"1.0+a"')), network)
    assert [e for e in errors if "is not an id" in e] == [
        "catalogue.id: 'a b' is not an id: use 1 to 64 letters, digits, '-' and '_', starting with a letter or digit",
        "indicators[0](../../../x).id: '../../../x' is not an id: use 1 to 64 letters, digits, '-' and '_', "
        "starting with a letter or digit",
        "indicators[1](<b>bold</b>).id: '<b>bold</b>' is not an id: use 1 to 64 letters, digits, '-' and '_', "
        "starting with a letter or digit",
        f"indicators[2]({'v' * 65}).id: '{'v' * 65}' is not an id: use 1 to 64 letters, digits, '-' and '_', "
        "starting with a letter or digit"]
