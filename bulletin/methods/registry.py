"""The registry of indicator methods: name -> :class:`Method`.

An *indicator* (catalogue) names a *method* and gives its parameters. A method is one object
that knows everything about itself, so that nothing else branches on its name:

- the catalogue keys it takes beyond the common ones, their validation and the unit of its
  thresholds (:meth:`Method.parse`, :meth:`Method.check_unit`);
- how it assesses a period (:meth:`Method.assess`): from the value of the indicator's series
  and whatever else it asks of the data, the value it compares with the thresholds, or the
  level itself, and the notes that explain a ``no_data``. It takes arrays as readily as
  numbers, so that one observed period and many simulated traces are assessed alike;
- its words: the annex title, the condition a threshold states ("below 80 % of norm"), the
  sentence of a finding (:meth:`Method.sentence`);
- how its thresholds appear on the value axis of a figure (:meth:`Method.figure_threshold`);
- what ``catalogue diff`` compares of it (:meth:`Method.diff_fields`).

A method module defines a subclass and registers one instance with :func:`register`; adding
a method is that module (imported in ``bulletin/methods/__init__.py``) and its tests.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from ..climatology import climate_row
from ..text import Quantity, Text, quantity
from ..units import conversion_factor, unit_dimension
from ..vocabulary import MSG_CONDITION_PCT
from .levels import NO_DATA, AppliedThreshold

if TYPE_CHECKING:
    from ..catalogue import Indicator
    from ..config import Collector
    from ..network import Network, Station
    from ..periods import Period, Seasons


class Note(StrEnum):
    """Why a finding is what it is, beyond its thresholds (results JSON ``notes``).

    Each note has an effect on the level: ``no_data`` (the finding cannot be judged),
    ``normal`` (judged normal whatever the thresholds), or none (information only).
    """

    MISSING = "missing"  # no value in the period
    COVERAGE = "coverage"  # too few days of the period covered
    QC_ERRORS = "qc_errors"  # values flagged as errors were left out of the period
    COMPLETENESS = "completeness"  # the completeness rule of quality control flags the period
    NO_REFERENCE = "no_reference"  # a relative threshold without its norm or reference distribution
    NO_PLAN = "no_plan"  # the schedule has no plan for the period
    NO_LIMIT = "no_limit"  # the catalogue gives no withdrawal limit for the season
    SEASON_INCOMPLETE = "season_incomplete"  # a period of the season so far has no data
    NO_EARLIER_VALUE = "no_earlier_value"  # no value of the period compared with
    NO_FLOWS = "no_flows"  # a reservoir volume without its release (or inflow)
    NOT_DRAWN_DOWN = "not_drawn_down"  # the inflow is at or above the release

    @property
    def effect(self) -> str | None:
        """``no_data``, ``normal`` or None."""
        if self is Note.QC_ERRORS:
            return None
        if self is Note.NOT_DRAWN_DOWN:
            return "normal"
        return NO_DATA


class Values(Protocol):
    """What a method may ask of the data: the value of any series of the network in any period."""

    def at(self, station: str, variables: tuple[str, ...], period: Period):
        """Value of a series in a period [canonical unit]: a float, or an array (one per trace); NaN when missing."""


@dataclass(frozen=True)
class Inputs:
    """What an indicator's method is given to assess one period.

    Attributes
    ----------
    value : float or numpy.ndarray
        The value of the indicator's series in the period [canonical unit of its variable];
        NaN when missing. An array holds one value per trace.
    canonical : str
        The canonical unit of the indicator's variable.
    climatology : pandas.DataFrame
        Norms and percentiles of the series per period of year
        (:func:`~bulletin.climatology.climatology`).
    period_of_year : int
        The period of year of the period assessed.
    category : str or numpy.ndarray
        HydroSOS category of ``value``.
    data : Values
        The data, for other series and periods.
    network : Network
        The basin (reservoir capacities, seasons).
    """

    value: Any
    canonical: str
    climatology: Any
    period_of_year: int
    category: Any
    data: Values
    network: Network

    @property
    def clim(self):
        """The climatology row of the period of year (mean, percentile edges, reference values)."""
        return climate_row(self.climatology, self.period_of_year)


@dataclass(frozen=True)
class Assessment:
    """What a method finds in one period (numbers, or arrays of one shape: one per trace).

    Attributes
    ----------
    compared : float or numpy.ndarray or None
        The value compared with the thresholds [unit of the thresholds]; None when the method
        sets the level itself (``ranks``).
    shown_unit : str or None
        The unit of ``compared`` when the bulletin shows it next to the value (31 % of useful
        volume); None when the compared value is the value itself.
    ranks : numpy.ndarray or None
        Level ranks (-1 no_data ... 3 alert), when the method sets the level itself.
    notes : tuple
        ((Note, mask), ...) in the order they are reported; a mask is a bool or bool array.
    """

    compared: Any = None
    shown_unit: str | None = None
    ranks: Any = None
    notes: tuple = ()


class Details:
    """A method's own block of a finding in the results JSON (``schedule``, ``withdrawal``)."""

    block: ClassVar[str]

    def as_json(self) -> dict:
        """The block as JSON values (NaN as null)."""
        raise NotImplementedError


@dataclass(frozen=True)
class Wording:
    """What the sentence of a finding is made of (the document fills it; the method words it).

    Attributes
    ----------
    finding : bulletin.evaluate.Finding
    indicator : bulletin.catalogue.Indicator
    name : Localized
        The indicator's name.
    value : Quantity
        The value of the period alone.
    shown_value : Text or Quantity
        The value with last year's beside it, "412 m³/s (last year 380 m³/s)".
    level : Text
        The word of the period's own level.
    condition : Text or None
        The condition of the threshold the period's value crosses; None when it crosses none.
    seasons : Seasons
        The basin's seasons, to name a season.
    """

    finding: Any
    indicator: Any
    name: Any
    value: Quantity
    shown_value: Any
    level: Text
    condition: Text | None
    seasons: Seasons

    def crossed_or_not(self, crossed: str, normal: str, **params) -> Text:
        """``crossed`` with the level and condition when a threshold is crossed, else ``normal``.

        Both messages take ``name`` and ``value`` (the shown value) and ``params``.
        """
        params.setdefault("value", self.shown_value)
        if self.condition is not None:
            return Text.of(crossed, name=self.name, level=self.level, condition=self.condition, **params)
        return Text.of(normal, name=self.name, **params)


def clean(x) -> float | None:
    """A number for the results JSON: NaN and infinity are None."""
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


class Method:
    """An indicator method. Subclasses set the class attributes and override the hooks they need.

    Attributes
    ----------
    name : str
        The catalogue's ``method:`` value.
    title : str
        Message id of the method in the annex.
    keys : tuple of str
        Catalogue keys the method takes beyond the common ones; another method given one of
        them is told "only the <name> method takes '<key>'".
    fixed_unit : str or None
        The unit its thresholds must have ('%', 'd'); None: a unit of the variable's dimension.
    uses_thresholds : bool
        False for a method that maps something else to levels (no thresholds, no operator).
    takes_relative : bool
        Whether its thresholds may be ``relative_to`` the norm or a percentile.
    shows_threshold_unit : bool
        Whether the value is shown in the unit of the thresholds (when that is not %).
    signed : bool
        Whether its compared value and thresholds are changes, shown with their sign.
    condition_msg : str or None
        Message id that wraps the comparison words of a threshold ("{words} of norm").
    restarts_each_season : bool
        Whether its alert state starts afresh at the start of each season.
    json_block : str or None
        Name of its own block in a finding of the results JSON.
    diff_keys : dict
        Fields of :meth:`diff_fields`, each with its value for an indicator of another method.
    """

    name: ClassVar[str]
    title: ClassVar[str]
    keys: ClassVar[tuple[str, ...]] = ()
    fixed_unit: ClassVar[str | None] = None
    uses_thresholds: ClassVar[bool] = True
    takes_relative: ClassVar[bool] = False
    shows_threshold_unit: ClassVar[bool] = False
    signed: ClassVar[bool] = False
    condition_msg: ClassVar[str | None] = None
    restarts_each_season: ClassVar[bool] = False
    json_block: ClassVar[str | None] = None
    diff_keys: ClassVar[dict] = {}

    def __repr__(self) -> str:
        return f"<method {self.name}>"

    # ---- the catalogue ------------------------------------------------------------------
    def parse(self, c: Collector, where: str, spec: dict, ctx: ParseContext) -> object | None:
        """Validate the method's own keys of an indicator (recording problems in ``c``); its parameters."""
        return None

    def check_unit(self, c: Collector, where: str, unit, variable: str, variables: dict) -> bool:
        """Record a threshold unit that does not fit; False when the thresholds cannot be read at all."""
        if self.fixed_unit is not None:
            if unit != self.fixed_unit:
                c.add(f"{where}.unit", f"a {self.name} indicator has unit '{self.fixed_unit}'"
                                       + (" (days)" if self.fixed_unit == "d" else ""))
            return True
        if unit is None or unit_dimension(str(unit)) is None:
            c.add(f"{where}.unit", f"unit '{unit}' is not a known unit")
            return False
        if variable in variables and unit_dimension(str(unit)) != variables[variable].dimension:
            c.add(f"{where}.unit", f"unit '{unit}' does not fit {variable} (measured in {variables[variable].unit})")
            return False
        return True

    def series(self, ind: Indicator) -> tuple[str, ...]:
        """The variables whose series the indicator is computed on (one; a difference names two)."""
        return (ind.variable,)

    def value_unit(self, ind: Indicator, canonical: str) -> str:
        """Unit the value is shown in.

        ``display_unit``, else the thresholds' unit when the method shows it, else the variable's canonical unit.
        """
        if ind.display_unit:
            return ind.display_unit
        if self.shows_threshold_unit and ind.unit and ind.unit != "%":
            return ind.unit
        return canonical

    def overlap_key(self, ind: Indicator) -> tuple:
        """What, beyond station, series, season and operator, makes two indicators the same comparison."""
        return ()

    # ---- assessment ---------------------------------------------------------------------
    def assess(self, ind: Indicator, period: Period, inputs: Inputs) -> Assessment:
        """What the method finds in ``period`` (see :class:`Assessment`)."""
        raise NotImplementedError

    def details(self, ind: Indicator, period: Period, inputs: Inputs) -> Details | None:
        """The method's own record of the bulletin's period for the results JSON (``json_block``); None by default.

        Asked once per finding, not for the periods of its history.
        """
        return None

    def thresholds_json(self, ind: Indicator, applied: tuple[AppliedThreshold, ...]) -> list[dict]:
        """The thresholds of a finding in the results JSON."""
        return [t.as_json() for t in applied]

    # ---- words --------------------------------------------------------------------------
    def condition(self, ind: Indicator, words: Text, unit: str) -> Text:
        """The condition of a threshold in ``unit``, from its comparison words.

        "below 25 %" -> "below 25 % of useful volume" with the method's ``condition_msg``;
        without one, a threshold in % is a share of the norm ("below 80 % of norm").
        """
        if self.condition_msg:
            return Text.of(self.condition_msg, words=words)
        return Text.of(MSG_CONDITION_PCT, words=words) if unit == "%" else words

    def sentence(self, w: Wording) -> Text:
        """The sentence of a finding with data."""
        raise NotImplementedError

    def no_data_sentence(self, w: Wording) -> Text | None:
        """The sentence of a ``no_data`` finding when the method can say why; None for the general one."""
        return None

    def annex_conditions(self, ind: Indicator) -> tuple | None:
        """((level, Text), ...) of the annex, when the method has no thresholds; None otherwise."""
        return None

    def annex_details(self, ind: Indicator, seasons: Seasons) -> tuple:
        """Texts the annex lists under the method (a withdrawal indicator's seasonal limits)."""
        return ()

    def compared_quantity(self, value, unit: str) -> Quantity:
        """The compared value as the bulletin shows it."""
        q = quantity(value, unit)
        return Quantity(q.value, q.unit, q.decimals, self.signed)

    # ---- figures ------------------------------------------------------------------------
    def figure_threshold(self, ind: Indicator, t: AppliedThreshold, period: Period, norm: float | None,
                         station: Station, unit: str) -> float | None:
        """An applied threshold on the value axis of a figure [``unit``]; None when it has no place there.

        ``norm`` is the norm of the period in ``unit``. By default a threshold in a unit of the
        variable's dimension is converted, and any other (%, days) is not drawn.
        """
        if t.value is None or math.isnan(t.value) or unit_dimension(t.unit) is None:
            return None
        return t.value * conversion_factor(t.unit, unit)

    # ---- catalogue diff -----------------------------------------------------------------
    def threshold_fields(self, ind: Indicator) -> dict | None:
        """Level -> threshold words for ``catalogue diff``, when the method has no thresholds; None otherwise."""
        return None

    def diff_fields(self, ind: Indicator) -> dict:
        """The method's own fields for ``catalogue diff`` (keys ``diff_keys``)."""
        return {}


@dataclass(frozen=True)
class ParseContext:
    """What a method's :meth:`Method.parse` may check an indicator against.

    ``network`` is None when the catalogue is read without one (the station checks are skipped).
    """

    station: str
    variable: str
    variables: dict
    network: Network | None
    seasons: Seasons


METHODS: dict[str, Method] = {}
"""Every registered method by name, in the order registered."""


def register(method_class: type[Method]) -> type[Method]:
    """Register one instance of ``method_class`` under its ``name`` (a class decorator)."""
    if method_class.name in METHODS:
        raise ValueError(f"method {method_class.name!r} is registered twice")
    METHODS[method_class.name] = method_class()
    return method_class


def method_keys() -> dict[str, str]:
    """Catalogue key -> the method that takes it, over every registered method."""
    return {key: m.name for m in METHODS.values() for key in m.keys}


def json_blocks() -> tuple[str, ...]:
    """The methods' own blocks of a finding in the results JSON, in registration order."""
    return tuple(m.json_block for m in METHODS.values() if m.json_block)


