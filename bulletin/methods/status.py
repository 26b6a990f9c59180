"""The ``status_category`` method: the HydroSOS status category of the period mapped to a level."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..climatology import CATEGORIES
from ..config import did_you_mean
from ..text import N_, Text, quantity
from ..vocabulary import CATEGORY_NAMES, category_text
from .levels import LEVELS, NO_DATA, NO_DATA_RANK, level_rank
from .registry import Assessment, Inputs, Method, Note, Wording, register

MSG_FINDING_CATEGORY = N_("{name}: {value}, {category} (percentile {percentile}); {level}.")
# the categories on each side of normal, from the nearest to the furthest
_CATEGORY_SIDES = (("below_normal", "low"), ("above_normal", "high"))


def category_level(category: str, mapping: dict[str, str]) -> str:
    """Level of a HydroSOS category through the indicator's mapping; ``no_data`` stays ``no_data``.

    >>> category_level("low", {"low": "warning"}), category_level("no_data", {})
    ('warning', 'no_data')
    """
    return NO_DATA if category == NO_DATA else mapping[category]


@dataclass(frozen=True)
class StatusParams:
    """Category -> level, in category order (``levels``)."""

    levels: tuple  # ((category, level), ...)

    @property
    def level_map(self) -> dict:
        """The mapping as a dict."""
        return dict(self.levels)


@register
class StatusCategoryMethod(Method):
    """HydroSOS category (Weibull percentile of the reference period) mapped to a level."""

    name = "status_category"
    title = N_("HydroSOS status category")
    keys = ("levels",)
    uses_thresholds = False

    def parse(self, c, where, spec, ctx) -> StatusParams:
        """``levels``: every category mapped to a level, rising away from normal."""
        mapping = spec.get("levels")
        if not isinstance(mapping, dict) or set(mapping) != set(CATEGORIES):
            c.add(f"{where}.levels", f"map each category ({', '.join(CATEGORIES)}) to a level")
            return StatusParams(())
        for cat, lev in mapping.items():
            if lev not in LEVELS:
                c.add(f"{where}.levels.{cat}", f"'{lev}' is not a level{did_you_mean(lev, LEVELS)}")
        _check_level_order(c, f"{where}.levels", mapping)
        return StatusParams(tuple((cat, mapping[cat]) for cat in CATEGORIES))

    def assess(self, ind, period, inputs: Inputs) -> Assessment:
        """The level of the period's category (no thresholds); a value without a category has no reference."""
        ranks = {cat: level_rank(lev) for cat, lev in ind.params.levels}
        category = np.asarray(inputs.category)
        out = np.full(category.shape, NO_DATA_RANK)
        for cat, rank in ranks.items():
            out = np.where(category == cat, rank, out)
        unreferenced = (category == NO_DATA) & np.isfinite(np.asarray(inputs.value, dtype=float))
        return Assessment(ranks=out, notes=((Note.NO_REFERENCE, unreferenced),))

    def thresholds_json(self, ind, applied) -> list[dict]:
        """[{level, category}, ...]: the mapping stands for thresholds."""
        return [{"level": lev, "category": cat} for cat, lev in ind.params.levels]

    def sentence(self, w: Wording) -> Text:
        """"Naryn at Uchkurgan: 412 m³/s, below normal (percentile 18); watch."."""
        f = w.finding
        return Text.of(MSG_FINDING_CATEGORY, name=w.name, value=w.shown_value, category=category_text(f.category),
                       percentile=quantity(f.percentile, "", 0), level=w.level)

    def annex_conditions(self, ind) -> tuple:
        """The categories that raise a level, with it."""
        return tuple((lev, Text.of(CATEGORY_NAMES[cat])) for cat, lev in ind.params.levels if lev != "normal")

    def threshold_fields(self, ind) -> dict:
        """Category -> level."""
        return dict(ind.params.levels)


def _check_level_order(c, where: str, mapping: dict) -> None:
    """The levels must rise away from normal.

    The normal category is the level normal, and on each side a category further from normal is at
    least as severe as the one nearer to it (low at least below_normal's level, high at least
    above_normal's).
    """
    if mapping["normal"] in LEVELS and mapping["normal"] != "normal":
        c.add(f"{where}.normal", f"'{mapping['normal']}' must be normal: the category normal is the flow "
                                 "within the usual range, which raises no level; map only the categories "
                                 "away from normal to watch, warning or alert")
    for near, far in _CATEGORY_SIDES:
        a, b = mapping[near], mapping[far]
        if a in LEVELS and b in LEVELS and level_rank(b) < level_rank(a):
            c.add(f"{where}.{far}", f"'{b}' is less severe than {near} ('{a}'), but {far} is further from "
                                    f"normal; give {far} the level {a} or a higher one, or lower {near}")
