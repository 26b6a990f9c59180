"""Canonical variables and units, and the conversions applied at ingest.

The variables are data (``indicators/variables.yml``); the unit table is physics and lives here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from .errors import ConfigError
from .files import parse_yaml
from .resources import resource_path

AGGREGATIONS = ("mean", "last", "max", "min", "sum")

# spelling -> (dimension, factor to the SI base unit of the dimension: m3/s, m3, m)
_UNITS: dict[str, tuple[str, float]] = {}


def _register(dimension: str, factor: float, *spellings: str) -> None:
    for s in spellings:
        _UNITS[_normalise(s)] = (dimension, factor)


def _normalise(unit: str) -> str:
    u = unit.strip().replace("³", "3").replace(" ", "").replace(".", "").replace("·", "")
    u = u.replace("^", "").replace("**", "")
    return u.casefold()


_register("flow", 1.0, "m3/s", "m³/s", "m3s", "m3s-1", "m3/sec", "cumecs", "м3/с", "м³/с", "м3/сек")
_register("flow", 1e-3, "l/s", "л/с")
# "mm3" is read as million m3: nobody reports river volumes in cubic millimetres.
_register("volume", 1e6, "Mm3", "mln m3", "млн м3", "млн. м3", "hm3")
_register("volume", 1e9, "km3", "км3", "km³", "км³")
_register("volume", 1.0, "m3", "м3")
_register("length", 1.0, "m", "м")
_register("length", 1e-2, "cm", "см")


@dataclass(frozen=True)
class Variable:
    """A canonical variable: name, canonical unit, dimension, aggregation, names by language."""

    name: str
    unit: str
    dimension: str
    aggregate: str
    names: dict  # the variable's name per language, as the bulletin shows it


def unit_dimension(unit: str) -> str | None:
    """Physical dimension of a unit spelling, or None when the spelling is unknown."""
    found = _UNITS.get(_normalise(unit))
    return found[0] if found else None


def conversion_factor(from_unit: str, to_unit: str) -> float:
    """Factor that converts a value in ``from_unit`` to ``to_unit``.

    Raises
    ------
    ValueError
        When a unit is unknown or the two units measure different things.
    """
    src = _UNITS.get(_normalise(from_unit))
    dst = _UNITS.get(_normalise(to_unit))
    if src is None:
        raise ValueError(f"unknown unit '{from_unit}'")
    if dst is None:
        raise ValueError(f"unknown unit '{to_unit}'")
    if src[0] != dst[0]:
        raise ValueError(f"unit '{from_unit}' ({src[0]}) cannot be converted to '{to_unit}' ({dst[0]})")
    return src[1] / dst[1]


def known_units() -> list[str]:
    """The canonical spellings a user may write, for error messages."""
    return ["m3/s", "l/s", "Mm3", "mln m3", "hm3", "km3", "m3", "m", "cm"]


@lru_cache(maxsize=4)
def load_variables(path: str | None = None) -> dict[str, Variable]:
    """Read the variable declarations (default: the packaged ``indicators/variables.yml``)."""
    file = Path(path) if path else resource_path("indicators", "variables.yml")
    try:
        raw = parse_yaml(file.read_text(encoding="utf-8"))["variables"]
    except (OSError, KeyError, TypeError, yaml.YAMLError) as exc:
        raise ConfigError(f"{file}: cannot read the variable declarations ({exc}).") from exc
    out = {}
    for name, spec in raw.items():
        dim = unit_dimension(spec["unit"])
        if dim != spec["dimension"] or spec["aggregate"] not in AGGREGATIONS:
            raise ConfigError(f"{file}: variables.{name}: unit, dimension or aggregate is inconsistent.")
        out[name] = Variable(name, spec["unit"], spec["dimension"], spec["aggregate"], dict(spec["name"]))
    return out
