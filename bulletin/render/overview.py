"""The basin at a glance as inline SVG: schematic map, reservoir fill bars, HydroSOS strip.

Drawn from the values of :mod:`bulletin.document.overview` alone, with the words given by the caller
(``labels``, already translated), deterministic like the hydrographs (:mod:`.svg`).

The figures live in their own modules: the map in :mod:`.basin_map`, the fill bars and the
category strip in :mod:`.charts`; how they show levels and categories in :mod:`.symbols`, their
colours in :mod:`.palette`.
"""

from __future__ import annotations

from .basin_map import basin_map_svg
from .charts import category_strip_svg, fill_bars_svg

__all__ = ["basin_map_svg", "category_strip_svg", "fill_bars_svg"]
