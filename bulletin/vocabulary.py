"""The words every part of the bulletin shares, as message ids (translated at render time).

Levels, alert states, HydroSOS categories, comparisons and seasons.

The keys are the values the computation uses (``bulletin.methods.levels.LEVELS``,
``STATES``, ``bulletin.climatology.CATEGORIES``); a test checks that every one has a word.
"""

from __future__ import annotations

from .text import N_, NP_, Quantity, Text, decimals_of, quantity

LEVEL_NAMES = {
    "normal": NP_("level", "normal"), "watch": NP_("level", "watch"), "warning": NP_("level", "warning"),
    "alert": NP_("level", "alert"), "no_data": NP_("level", "no data"),
}
STATE_NAMES = {
    "new": NP_("state", "new"), "continuing": NP_("state", "continuing"), "escalated": NP_("state", "escalated"),
    "de-escalated": NP_("state", "de-escalated"), "ended": NP_("state", "ended"),
}
CATEGORY_NAMES = {
    "low": NP_("category", "low"), "below_normal": NP_("category", "below normal"),
    "normal": NP_("category", "normal"), "above_normal": NP_("category", "above normal"),
    "high": NP_("category", "high"), "no_data": NP_("category", "no data"),
}
OPERATOR_WORDS = {
    "<": N_("below {threshold}"), "<=": N_("at or below {threshold}"),
    ">": N_("above {threshold}"), ">=": N_("at or above {threshold}"),
}
SEASON_NAMES = {"all": N_("all year"), "gs": N_("growing season"), "ngs": N_("non-growing season")}
CATALOGUE_STATUS = {"sample": NP_("catalogue status", "sample"), "agreed": NP_("catalogue status", "agreed")}
MSG_FULL_RECORD = N_("full record")  # the reference period of norms computed over the whole record
MSG_CONDITION_PCT = N_("{words} of norm")


def level_text(level: str) -> Text:
    """The word for a level (normal, watch, warning, alert, no_data)."""
    return Text.of(LEVEL_NAMES[level])


def category_text(category: str) -> Text:
    """The word for a HydroSOS category (low ... high, no_data)."""
    return Text.of(CATEGORY_NAMES[category])


def condition_text(operator: str, value: float, unit: str, signed: bool = False) -> Text:
    """"below 9 km³", "at or above +20 %": a threshold value with its comparison, as written in the catalogue."""
    q = quantity(value, unit, decimals_of(value))
    return Text.of(OPERATOR_WORDS[operator], threshold=Quantity(q.value, q.unit, q.decimals, signed))
