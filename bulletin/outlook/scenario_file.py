"""The scenario file: changes of the outlook's inputs over periods of dekads, validated strictly.

A YAML file with one key, ``scenarios``, a list; each scenario has an ``id`` (lower-case letters,
digits and _), a ``name`` per language (``en`` and ``ru`` at least; ``kk``, ``ky``, ``tg``,
``uz`` welcome), a ``description`` (a text, or a text per language) and its ``changes``, a list
(empty: the baseline itself). A change names a ``station`` (an id or alias of the network) and
a ``variable``, one amount, and optionally the period::

    - {station: toktogul, variable: release, value: 900, unit: m3/s, from: 2026-12-d1, to: 2027-02-d3}
    - {station: toktogul, variable: inflow, percentile: 10}            # a dry outlook (P10)
    - {station: naryn_uchkurgan, variable: withdrawal, value: 50, unit: m3/s}   # 50 m3/s more taken
    - {station: naryn_uchterek, variable: discharge, factor: -20}      # 20 % less

- ``variable``: ``release`` (of a reservoir: its planned release), ``discharge`` (of a gauge),
  ``inflow`` (of a reservoir), ``withdrawal`` (at a gauge or reservoir: its flow less ``value``);
- the amount: ``value`` with its ``unit`` (any flow unit, converted to m3/s), or ``factor``
  (a change in %: -20 multiplies by 0.8), or ``percentile`` (0-100, flows only: every trace
  replaced by that percentile of the traces of the same dekad);
- ``from`` and ``to``: a dekad (2026-12-d1) or a month (2026-12: from its first dekad, to its
  last); without ``from`` the change starts with the outlook's first dekad, without ``to`` it
  lasts to its last.

Every problem is reported at once, each with the file and the key path
(``scenarios[0].changes[1].from``); an unknown key comes with a "did you mean".
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

from ..config import Collector, did_you_mean, is_number, names
from ..errors import ConfigError, UsageError
from ..files import read_yaml
from ..network import ID_PATTERN
from ..periods import Period, parse_period
from ..text import LANGUAGES
from ..units import conversion_factor, known_units, load_variables, unit_dimension
from .changes import FACTOR, PERCENTILE, SET, WITHDRAW, WITHDRAWAL, flow_of
from .esp import dekad_index
from .routing import FLOW_VARIABLES, RELEASE

FILE_KEYS = ("scenarios",)
SCENARIO_KEYS = ("id", "name", "description", "changes")
CHANGE_KEYS = ("station", "variable", "value", "unit", "percentile", "factor", "from", "to")
AMOUNT_KEYS = ("value", "percentile", "factor")
SCENARIO_VARIABLES = (RELEASE, *FLOW_VARIABLES, WITHDRAWAL)
BASELINE = "baseline"
"""The id of the outlook without changes in the outputs; no scenario may take it."""
_PERIOD_TEXT = re.compile(r"^\d{4}-\d{2}(-d[123])?$")


@dataclass(frozen=True)
class ChangeSpec:
    """One change as the file gives it, validated.

    ``where`` is its key path (``scenarios[0].changes[1]``); ``how`` one of the kinds of
    :mod:`~bulletin.outlook.changes`; ``amount`` the value or withdrawal [m3/s], the factor [%] or
    the percentile; ``given`` the amount as written; ``first`` and ``last`` the first and last
    dekads (None: from the first, to the last dekad of the outlook).
    """

    where: str
    station: str
    variable: str
    how: str
    amount: float
    given: dict
    first: Period | None
    last: Period | None

    def wanted_leads(self, issue: Period, n_leads: int) -> tuple[int, int]:
        """(first, last) lead after ``issue`` of the period, before it is cut to the leads 1 .. ``n_leads``."""
        lo = 1 if self.first is None else dekad_index(self.first) - dekad_index(issue)
        hi = n_leads if self.last is None else dekad_index(self.last) - dekad_index(issue)
        return lo, hi

    def period_text(self) -> str:
        """"from 2026-12-d1 to 2027-02-d3", with "the outlook's first/last dekad" for an open end."""
        first = "the outlook's first dekad" if self.first is None else self.first.label
        last = "the outlook's last dekad" if self.last is None else self.last.label
        return f"from {first} to {last}"

    def sentence(self) -> str:
        """The change in words: "toktogul/release 900 m3/s from 2026-12-d1 to 2027-02-d3"."""
        series = f"{self.station}/{self.variable}"
        amount = {SET: lambda: f"{self.given['value']} {self.given['unit']}",
                  WITHDRAW: lambda: f"{self.given['value']} {self.given['unit']} more withdrawn",
                  FACTOR: lambda: f"{self.amount:+g} %",
                  PERCENTILE: lambda: f"percentile {self.amount:g} of the traces"}[self.how]()
        return f"{series} {amount} {self.period_text()}"

    def as_json(self) -> dict:
        """The change as written, with its station resolved."""
        return {"station": self.station, "variable": self.variable, **self.given,
                "from": None if self.first is None else self.first.label,
                "to": None if self.last is None else self.last.label}


@dataclass(frozen=True)
class Scenario:
    """A named set of changes of the outlook's inputs."""

    id: str
    names: dict
    description: object  # a text, or a text per language
    changes: tuple[ChangeSpec, ...]

    def name(self, lang: str = "en") -> str:
        """The name in ``lang``, else in English."""
        return self.names.get(lang) or self.names.get("en") or self.id

    def describe(self, lang: str = "en") -> str:
        """The description in ``lang`` (else English), or the description's only text."""
        if isinstance(self.description, dict):
            return self.description.get(lang) or self.description.get("en") or ""
        return str(self.description)

    def as_json(self) -> dict:
        """{id, name, description, changes}."""
        return {"id": self.id, "name": dict(self.names), "description": self.description,
                "changes": [c.as_json() for c in self.changes]}


@dataclass(frozen=True)
class ScenarioFile:
    """The scenarios of one file, in its order."""

    path: str
    scenarios: tuple[Scenario, ...]


def load_scenarios(path, network) -> ScenarioFile:
    """Read and validate a scenario file against ``network``; ConfigError with every problem at once."""
    file = Path(path)
    raw = read_yaml(file, "scenario file", "pass an existing scenario file (see data/SCENARIOS.md).")
    return parse_scenarios(raw, network, file)


def parse_scenarios(raw, network, file: Path) -> ScenarioFile:
    """Validate the content of a scenario file (module docstring)."""
    c = Collector(Path(file))
    if not isinstance(raw, dict) or not isinstance(raw.get("scenarios"), list):
        raise ConfigError(f"{file}: a scenario file is a mapping with a list 'scenarios'.",
                          hint="start the file with 'scenarios:' and list each scenario under it "
                               "(see data/SCENARIOS.md).")
    c.keys("", raw, FILE_KEYS)
    scenarios, ids = [], set()
    for i, spec in enumerate(raw["scenarios"]):
        where = f"scenarios[{i}]"
        if not isinstance(spec, dict):
            c.add(where, "expected a mapping with id, name, description and changes")
            continue
        c.keys(where, spec, SCENARIO_KEYS)
        if not c.require(where, spec, ("id", "name", "description")):
            continue
        sid = spec["id"]
        if not isinstance(sid, str) or not ID_PATTERN.fullmatch(sid):
            c.add(f"{where}.id", f"{sid!r} is not an id: use lower-case letters, digits and _, starting with a letter")
        elif sid == BASELINE or sid in ids:
            c.add(f"{where}.id", f"'{sid}' is " + ("reserved for the outlook without changes" if sid == BASELINE
                                                    else "the id of an earlier scenario") + "; choose another")
        if isinstance(sid, str):
            ids.add(sid)
        texts = names(c, f"{where}.name", spec["name"])
        for lang in texts:
            if lang not in LANGUAGES:
                c.add(f"{where}.name.{lang}", f"unknown language{did_you_mean(lang, LANGUAGES)} "
                                              f"(known: {', '.join(LANGUAGES)})")
        description = spec["description"]
        if isinstance(description, dict):
            description = names(c, f"{where}.description", description)
        elif not isinstance(description, str) or not description.strip():
            c.add(f"{where}.description", "give a text, or a text per language {en: ..., ru: ...}")
        changes = spec.get("changes", [])
        if not isinstance(changes, list):
            c.add(f"{where}.changes", "expected a list of changes (an empty list [] for none)")
            changes = []
        parsed = [_change(c, f"{where}.changes[{j}]", ch, network) for j, ch in enumerate(changes)]
        scenarios.append(Scenario(str(sid), texts, description, tuple(p for p in parsed if p is not None)))
    if not raw["scenarios"]:
        c.add("scenarios", "the list is empty: give at least one scenario")
    if c.errors:
        raise ConfigError(f"{file}: the scenario file has {len(c.errors)} problem(s):", details=c.errors,
                          hint="correct the keys named above (the format is in data/SCENARIOS.md).")
    return ScenarioFile(str(file), tuple(scenarios))


def _change(c: Collector, where: str, spec, network) -> ChangeSpec | None:
    """One change, validated; None (problems recorded) when it cannot be used."""
    if not isinstance(spec, dict):
        c.add(where, "expected a mapping such as {station: toktogul, variable: release, value: 900, unit: m3/s}")
        return None
    c.keys(where, spec, CHANGE_KEYS)
    if not c.require(where, spec, ("station", "variable")):
        return None
    variable = spec["variable"]
    station = network.resolve(str(spec["station"]))
    ok = True
    if variable not in SCENARIO_VARIABLES:
        c.add(f"{where}.variable", f"'{variable}' cannot be changed{did_you_mean(variable, SCENARIO_VARIABLES)}; "
                                   f"a scenario changes {', '.join(SCENARIO_VARIABLES)}")
        ok = False
    if station is None:
        c.add(f"{where}.station", f"'{spec['station']}' is not a station of the network "
                                  f"{network.id}{network.suggest(str(spec['station']))}")
        ok = False
    elif ok:
        ok = _fits_station(c, where, network[station], variable)
    first, last = (_period(c, f"{where}.{k}", spec.get(k), k == "to") for k in ("from", "to"))
    if first is not None and last is not None and dekad_index(last) < dekad_index(first):
        c.add(f"{where}.to", f"{last.label} is before from ({first.label}): give the earlier dekad in from")
    amounts = [k for k in AMOUNT_KEYS if k in spec]
    if len(amounts) != 1:
        c.add(where, "give one of value (with unit), factor (a change in %) or percentile"
              + (f", not {' and '.join(amounts)}" if amounts else ""))
        return None
    key = amounts[0]
    amount = spec[key]
    if not is_number(amount) or not math.isfinite(float(amount)):
        c.add(f"{where}.{key}", f"expected a finite number, got {amount!r}")
        return None
    amount = float(amount)
    how = {"value": WITHDRAW if variable == WITHDRAWAL else SET, "factor": FACTOR, "percentile": PERCENTILE}[key]
    given = {key: spec[key]}
    if key == "value":
        unit = spec.get("unit")
        canonical = load_variables()[variable].unit if variable in SCENARIO_VARIABLES else "m3/s"
        if unit is None:
            c.add(f"{where}.unit", f"give the unit of the value, e.g. unit: {canonical}")
            return None
        try:
            amount *= conversion_factor(str(unit), canonical)
        except ValueError as exc:
            flows = [u for u in known_units() if unit_dimension(u) == unit_dimension(canonical)]
            c.add(f"{where}.unit", f"{exc}; write a flow unit: {', '.join(flows)}")
            return None
        given["unit"] = unit
        if how == SET and amount < 0:
            c.add(f"{where}.value", f"a flow cannot be negative ({spec[key]} {unit})")
    elif "unit" in spec:
        c.add(f"{where}.unit", f"a unit goes with a value; {key} is {'%' if key == 'factor' else 'a percentile'}")
    if how == PERCENTILE and (variable not in FLOW_VARIABLES or not 0 <= amount <= 100):
        c.add(f"{where}.percentile", "a percentile (0-100) replaces the traces of a flow (discharge or inflow)"
              if variable not in FLOW_VARIABLES else f"{spec[key]} is not between 0 and 100")
    if how == FACTOR and (variable == WITHDRAWAL or amount < -100):
        c.add(f"{where}.factor", "a withdrawal is given as a value (m3/s taken more)" if variable == WITHDRAWAL
              else f"{spec[key]} % would make the flow negative: a factor is -100 or more")
    if not ok or c.has_errors_at(where):
        return None
    return ChangeSpec(where, station, variable, how, amount, given, first, last)


def _fits_station(c: Collector, where: str, st, variable: str) -> bool:
    """Whether a station of its kind has the variable a change names (problem recorded if not)."""
    if st.kind == "intake":
        c.add(f"{where}.station", f"{st.id} is an intake, whose withdrawal the outlook does not simulate (intakes "
                                  "are not placed on the river); name the gauge or reservoir the water is taken "
                                  "from with variable: withdrawal, and its flow is reduced")
        return False
    if variable in (WITHDRAWAL, flow_of(st.kind)) or (variable == RELEASE and st.kind == "reservoir"):
        return True
    right = flow_of("gauge") if st.kind == "gauge" else f"{flow_of('reservoir')} or {RELEASE}"
    c.add(f"{where}.variable", f"{st.id} is a {st.kind}: a scenario changes its {right} (or a withdrawal there), "
                               f"not {variable}")
    return False


def _period(c: Collector, where: str, value, last: bool) -> Period | None:
    """A dekad, or a month's first (``last`` False) or last dekad; None when absent or wrong (recorded)."""
    if value is None:
        return None
    text = str(value)
    try:
        if not _PERIOD_TEXT.match(text):
            raise UsageError(text)
        period = parse_period(text)
    except (UsageError, ValueError):  # ValueError: a date the calendar does not have (year 0)
        c.add(where, f"{value!r} is not a dekad or a month; write 2026-12-d1 (a dekad) or 2026-12 (a month)")
        return None
    if period.kind == "month":
        return Period.dekad(period.start.year, period.start.month, 3 if last else 1)
    return period
