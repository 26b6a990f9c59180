"""The indicator catalogue: YAML read into frozen, validated dataclasses.

:mod:`.model` holds the dataclasses (rules, agreements, indicators, the catalogue),
:mod:`.load` reads and checks a catalogue file, :mod:`.thresholds` its thresholds, :mod:`.issuer`
the issuing body and the instructions per level.
"""

from ..methods import Threshold
from .issuer import Issuer
from .load import default_catalogue_path, load_catalogue
from .model import Agreement, Catalogue, Indicator, Rule

__all__ = ["Agreement", "Catalogue", "Indicator", "Issuer", "Rule", "Threshold", "default_catalogue_path", "load_catalogue"]
