"""Indicator methods: pure formulas, levels and the alert state, and the registry of methods.

An *indicator* (catalogue) names one of the registered *methods* (:data:`METHODS`) and gives
its parameters. Each method is one module below, registered when it is imported here:

=====================  ==============================================================
module                 methods
=====================  ==============================================================
``threshold``          ``threshold``, ``difference``, ``percent_of_norm``
``status``             ``status_category``
``reservoir``          ``reservoir_fill``, ``days_of_release_left``, ``margin_above_dead``
``schedule``           ``schedule``
``withdrawal``         ``withdrawal_limit``
``changes``            ``change``
=====================  ==============================================================

The pure formulas (:mod:`.formulas`), levels and alert state (:mod:`.levels`) and
standardized indices (:mod:`.standardized`) take numbers or arrays.
"""

# isort: off
# Importing a method module registers its methods; this order is the order of METHODS (the
# annex does not depend on it; ``catalogue diff`` lists the methods' own fields in it).
from . import threshold, status, reservoir, schedule, withdrawal, changes  # noqa: F401
# isort: on
from .formulas import (
    MM3_PER_M3S_DAY,
    balance_residual,
    change,
    cumulative_schedule_deviation,
    days_of_release_left,
    difference,
    fill_percent_of_useful,
    limit_share,
    margin_above_dead,
    percent_of_norm,
    projected_use,
    projected_use_at_pace,
    schedule_deviation,
    withdrawn_volume,
)
from .levels import (
    DEESCALATION_PERIODS,
    LEVELS,
    NO_DATA,
    OPERATORS,
    STATES,
    AppliedThreshold,
    Threshold,
    alert_state,
    level_of_rank,
    level_rank,
    state_change,
    threshold_level,
    threshold_ranks,
)
from .registry import METHODS, Assessment, Details, Inputs, Method, Note, ParseContext, Wording, register
from .standardized import (
    STANDARDIZED_DISTRIBUTIONS,
    STANDARDIZED_INDEX_BOUND,
    check_distribution,
    fit_distribution,
    standardized_index,
)
from .status import category_level

__all__ = [
    "DEESCALATION_PERIODS", "LEVELS", "METHODS", "MM3_PER_M3S_DAY", "NO_DATA", "OPERATORS", "STANDARDIZED_DISTRIBUTIONS",
    "STANDARDIZED_INDEX_BOUND", "STATES", "AppliedThreshold", "Assessment", "Details", "Inputs", "Method", "Note",
    "ParseContext", "Threshold", "Wording", "alert_state", "balance_residual", "category_level", "change",
    "check_distribution", "cumulative_schedule_deviation", "days_of_release_left", "difference",
    "fill_percent_of_useful", "fit_distribution", "level_of_rank", "level_rank", "limit_share", "margin_above_dead",
    "percent_of_norm", "projected_use", "projected_use_at_pace", "register", "schedule_deviation",
    "standardized_index", "state_change", "threshold_level", "threshold_ranks", "withdrawn_volume",
]
