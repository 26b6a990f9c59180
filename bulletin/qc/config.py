"""QC configuration: which checks run on which series, with which parameters.

Two files hold it, each for what it knows:

- ``indicators/variables.yml``, section ``qc``: the checks and their parameters (judgement)::

      qc:
        all_variables: {check: {param: value}, ...}      # run on every variable
        variables: {variable: {check: {...} or false}}    # per variable; false: not run
        consistency: {reservoir_balance: {...}, travel_time: {...}, confluence: {...}}

- the network file, section ``flow_links``: which series are compared along the river and the
  travel time between them (facts of the river), and each station's exceptions, its ``qc`` key
  (``{variable: {check: {...} or false}}``: a dam's tailwater held constant by dispatch)::

      flow_links:
        travel_time: [{downstream: station/variable, upstream: {station/variable: days}}]
        confluence:  [{downstream: ..., upstream: {a/var: days, b/var: days}}]

Every problem is reported at once, with the file and the key path; unknown names come with a
"did you mean".
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from difflib import get_close_matches
from functools import lru_cache
from pathlib import Path

from ..errors import ConfigError
from ..files import read_yaml
from ..resources import resource_path
from ..units import load_variables
from .consistency import parse_series_key
from .registry import CHECKS, Check

SECTIONS = ("all_variables", "variables", "consistency")
LINK_CHECKS = ("travel_time", "confluence")
LINK_KEYS = ("downstream", "upstream")


def _did_you_mean(name: str, known) -> str:
    close = get_close_matches(str(name), list(known), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


@dataclass(frozen=True)
class Link:
    """A comparison along the river: downstream series against lagged upstream series."""

    check: str
    downstream: tuple[str, str]
    upstream: tuple  # ((station, variable, lag days), ...)
    params: dict  # overrides of the check's parameters for this link

    def as_params(self) -> dict:
        """The link as parameters of its check: ``downstream`` and ``upstream`` as ``station/variable`` text.

        ``upstream`` maps each ``station/variable`` to its lag [days]; the link's own overrides are added.
        """
        return {"downstream": "/".join(self.downstream),
                "upstream": {f"{s}/{v}": lag for s, v, lag in self.upstream}, **self.params}


@dataclass(frozen=True)
class QCConfig:
    """The validated QC configuration (parameters merged with the checks' defaults)."""

    path: str
    all_variables: dict = field(default_factory=dict)  # check -> params
    variables: dict = field(default_factory=dict)  # variable -> check -> params or None (off)
    stations: dict = field(default_factory=dict)  # station -> variable -> check -> params or None
    consistency: dict = field(default_factory=dict)  # check -> params

    def checks_for(self, station: str, variable: str) -> dict:
        """Check name -> full parameters for one series, in order: structure, range, behaviour."""
        merged = {name: dict(p) for name, p in self.all_variables.items()}
        for layer in (self.variables.get(variable, {}), self.stations.get(station, {}).get(variable, {})):
            for name, params in layer.items():
                if params is None:
                    merged.pop(name, None)
                else:
                    merged[name] = {**merged.get(name, {}), **params}
        order = list(CHECKS)
        return {name: {**CHECKS[name].defaults, **merged[name]}
                for name in sorted(merged, key=order.index)}

    def completeness_rule(self, variable: str) -> dict | None:
        """Parameters of the completeness check of ``variable`` (None: not configured)."""
        rule = self.all_variables.get("completeness")
        layer = self.variables.get(variable, {})
        if "completeness" in layer:
            rule = None if layer["completeness"] is None else {**(rule or {}), **layer["completeness"]}
        return None if rule is None else {**CHECKS["completeness"].defaults, **rule}


class _Errors(list):
    def need_mapping(self, value, where: str) -> bool:
        if value is None or isinstance(value, dict):
            return True
        self.append(f"{where}: expected a mapping, got {type(value).__name__} ({value!r}).")
        return False


def validate_params(chk: Check, params, where: str, errors: list, extra: tuple = ()) -> dict | None:
    """Check the parameters of ``chk`` given at ``where``; returns them or None (off)."""
    if params is False:
        return None
    if params is None or params is True:
        return {}
    if not isinstance(params, dict):
        errors.append(f"{where}: expected the check's parameters as a mapping (or false), got {params!r}.")
        return {}
    out = {}
    known = [k for k in chk.defaults if k not in chk.context]
    for key, value in params.items():
        if key in extra:
            out[key] = value
            continue
        if key not in known:
            hint = f" (parameters: {', '.join(known)})" if known else " (it takes no parameters)"
            errors.append(f"{where}.{key}: unknown parameter of check '{chk.name}'"
                          + (_did_you_mean(key, known) or hint) + ".")
            continue
        default = chk.defaults[key]
        if key in chk.choices:
            if value not in chk.choices[key]:
                errors.append(f"{where}.{key}: '{value}' is not one of {', '.join(chk.choices[key])}.")
                continue
        elif isinstance(default, bool):
            if not isinstance(value, bool):
                errors.append(f"{where}.{key}: expected true or false, got {value!r}.")
                continue
        elif default is None or isinstance(default, (int, float)):
            if isinstance(value, bool) or not (isinstance(value, (int, float)) or (value is None and default is None)):
                errors.append(f"{where}.{key}: expected a number, got {value!r}.")
                continue
            if value is not None and value < 0 and default is not None:
                errors.append(f"{where}.{key}: expected a number >= 0, got {value!r}.")
                continue
        out[key] = value
    return out


def _check_of(name, where: str, errors: list, kinds: tuple) -> Check | None:
    chk = CHECKS.get(name)
    if chk is None:
        errors.append(f"{where}: unknown check '{name}'" + _did_you_mean(name, CHECKS)
                      + f" (known: {', '.join(CHECKS)}).")
        return None
    if chk.kind not in kinds:
        place = "under qc.consistency" if chk.kind == "network" else "per variable, not under qc.consistency"
        errors.append(f"{where}: check '{name}' compares {'several series' if chk.kind == 'network' else 'one series'}; "
                      f"configure it {place}.")
        return None
    return chk


def _check_table(raw, where: str, errors: _Errors, allow_off: bool) -> dict:
    out = {}
    if not errors.need_mapping(raw, where):
        return out
    for name, params in (raw or {}).items():
        chk = _check_of(name, f"{where}.{name}", errors, ("series", "rows"))
        if chk is None:
            continue
        if params is False and not allow_off:
            errors.append(f"{where}.{name}: leave the check out instead of setting it to false.")
            continue
        out[name] = validate_params(chk, params, f"{where}.{name}", errors)
    return out


def parse_qc_config(raw, file: str) -> QCConfig:
    """Validate the ``qc`` section of variables.yml; raises ConfigError listing every problem."""
    errors = _Errors()
    where = f"{file}: qc"
    if not errors.need_mapping(raw, where):
        raise ConfigError(f"{file}: the qc section is not valid:", details=errors)
    raw = raw or {}
    for key in raw:
        if key not in SECTIONS and key != "stations":
            errors.append(f"{where}.{key}: unknown section" + _did_you_mean(key, SECTIONS)
                          + f" (sections: {', '.join(SECTIONS)}).")
    known_vars = load_variables()
    all_vars = _check_table(raw.get("all_variables"), f"{where}.all_variables", errors, allow_off=False)
    variables = {}
    if errors.need_mapping(raw.get("variables"), f"{where}.variables"):
        for var, table in (raw.get("variables") or {}).items():
            if var not in known_vars:
                errors.append(f"{where}.variables.{var}: unknown variable" + _did_you_mean(var, known_vars)
                              + f" (known: {', '.join(known_vars)}).")
                continue
            variables[var] = _check_table(table, f"{where}.variables.{var}", errors, allow_off=True)
    if "stations" in raw:
        errors.append(f"{where}.stations: exceptions for one station belong to the network file, under the "
                      "station's key 'qc' (e.g. qc: {discharge: {flat_line: false}}), so that this file names "
                      "no station of any basin.")
    consistency = {}
    if errors.need_mapping(raw.get("consistency"), f"{where}.consistency"):
        for name, params in (raw.get("consistency") or {}).items():
            chk = _check_of(name, f"{where}.consistency.{name}", errors, ("network",))
            if chk is None:
                continue
            p = validate_params(chk, params, f"{where}.consistency.{name}", errors)
            if p is not None:
                consistency[name] = {**chk.defaults, **p}
    if errors:
        raise ConfigError(f"{file}: the qc section has {len(errors)} problem(s):", details=list(errors),
                          hint="correct the keys named above; the checks and their parameters are listed "
                               "in bulletin/qc/checks.py and bulletin/qc/consistency.py.")
    return QCConfig(str(file), all_vars, variables, {}, consistency)


def with_station_exceptions(config: QCConfig, network) -> QCConfig:
    """``config`` with the exceptions of the network's stations (their ``qc`` key), validated."""
    if network is None:
        return config
    errors = _Errors()
    known_vars = load_variables()
    stations = {}
    for i, st in enumerate(network.stations.values()):
        where = f"{network.path}: stations[{i}] ({st.id}).qc"
        for var, table in st.qc.items():
            if var not in known_vars:
                errors.append(f"{where}.{var}: unknown variable" + _did_you_mean(var, known_vars)
                              + f" (known: {', '.join(known_vars)}).")
                continue
            stations.setdefault(st.id, {})[var] = _check_table(table, f"{where}.{var}", errors, allow_off=True)
    if errors:
        raise ConfigError(f"{network.path}: the stations' qc exceptions have {len(errors)} problem(s):",
                          details=list(errors), hint="correct the keys named above; the checks and their "
                          "parameters are listed in bulletin/qc/checks.py.")
    return replace(config, stations=stations)


@lru_cache(maxsize=8)
def load_qc_config(path: str | None = None) -> QCConfig:
    """The validated ``qc`` section of variables.yml (default: the shipped file)."""
    file = Path(path) if path else resource_path("indicators", "variables.yml")
    raw = read_yaml(file, "variables file", "pass an existing file with --qc.") or {}
    return parse_qc_config(raw.get("qc"), str(file))


def _is_upstream(network, up: str, down: str) -> bool:
    """True when following ``downstream`` links from ``up`` reaches ``down`` (or up == down)."""
    seen, here = set(), up
    while here is not None and here not in seen:
        if here == down:
            return True
        seen.add(here)
        here = network.stations[here].downstream if here in network.stations else None
    return False


def _series_key(text, where: str, network, errors: list) -> tuple[str, str] | None:
    station, variable = parse_series_key(text)
    ok = True
    if not station or not variable:
        errors.append(f"{where}: '{text}' is not station/variable (e.g. toktogul/release).")
        return None
    if station not in network.stations:
        errors.append(f"{where}: '{station}' is not a station of the network" + network.suggest(station) + ".")
        ok = False
    if variable not in load_variables():
        errors.append(f"{where}: unknown variable '{variable}'" + _did_you_mean(variable, load_variables()) + ".")
        ok = False
    return (station, variable) if ok else None


def parse_links(raw, network, file: str) -> tuple[Link, ...]:
    """Validate the ``flow_links`` section of a network file against its stations and topology."""
    errors = _Errors()
    where = f"{file}: flow_links"
    links = []
    if not errors.need_mapping(raw, where):
        raise ConfigError(f"{file}: the flow_links section is not valid:", details=errors)
    for name, entries in (raw or {}).items():
        if name not in LINK_CHECKS:
            errors.append(f"{where}.{name}: unknown kind of link" + _did_you_mean(name, LINK_CHECKS)
                          + f" (known: {', '.join(LINK_CHECKS)}).")
            continue
        if not isinstance(entries, list):
            errors.append(f"{where}.{name}: expected a list of links.")
            continue
        chk = CHECKS[name]
        for i, entry in enumerate(entries):
            at = f"{where}.{name}[{i}]"
            if not isinstance(entry, dict):
                errors.append(f"{at}: expected a mapping with downstream and upstream.")
                continue
            missing = [k for k in LINK_KEYS if k not in entry]
            if missing:
                errors.append(f"{at}: missing {', '.join(missing)}.")
                continue
            params = validate_params(chk, {k: v for k, v in entry.items() if k not in LINK_KEYS}, at, errors) or {}
            down = _series_key(entry["downstream"], f"{at}.downstream", network, errors)
            ups = []
            if not isinstance(entry["upstream"], dict) or not entry["upstream"]:
                errors.append(f"{at}.upstream: expected a mapping station/variable -> travel time [days].")
                continue
            for key, lag in entry["upstream"].items():
                up = _series_key(key, f"{at}.upstream", network, errors)
                if isinstance(lag, bool) or not isinstance(lag, int) or lag < 0:
                    errors.append(f"{at}.upstream.{key}: the travel time must be a whole number of days >= 0, "
                                  f"got {lag!r}.")
                    continue
                if up and down and not _is_upstream(network, up[0], down[0]):
                    errors.append(f"{at}.upstream.{key}: {up[0]} is not upstream of {down[0]} in the network "
                                  "(follow the downstream links).")
                    continue
                if up:
                    ups.append((*up, lag))
            if name == "travel_time" and len(entry["upstream"]) != 1:
                errors.append(f"{at}.upstream: a travel_time link has one upstream series; use confluence for a sum.")
            if down and len(ups) == len(entry["upstream"]):
                links.append(Link(name, down, tuple(ups), params))
    if errors:
        raise ConfigError(f"{file}: the flow_links section has {len(errors)} problem(s):", details=list(errors),
                          hint="correct the keys named above.")
    return tuple(links)


def load_links(network) -> tuple[Link, ...]:
    """The flow links of the network file (none without a network or a ``flow_links`` section)."""
    if network is None or not getattr(network, "path", None):
        return ()
    return parse_links(network.flow_links, network, network.path)
