"""Reservoir volumes in the unit the network shows them in (``network.display.volume_unit``).

The findings keep the unit of their indicator (the results JSON gives it); what the bulletin
shows of a reservoir's volume, its value, norm, thresholds and the numbers in its sentences, is
converted here, so that a reader sees one volume unit: km³ (2 or 3 decimals) or million m³
(whole numbers), as ``network.display.volume_unit`` says.
"""

from __future__ import annotations

from ..text import Quantity, Text, decimals_of
from ..units import conversion_factor, unit_dimension

VOLUME_DECIMALS = {"Mm3": 0}
"""Decimals of a volume converted to a display unit; km³ takes those it needs, 2 or 3."""


def volume_decimals(value: float | None, unit: str) -> int:
    """Decimals of a volume shown in ``unit``: whole million m³; km³ with 2, or 3 when the value has them.

    >>> volume_decimals(9843.0, "Mm3"), volume_decimals(9.843, "km3"), volume_decimals(9.0, "km3")
    (0, 3, 2)
    """
    if unit in VOLUME_DECIMALS:
        return VOLUME_DECIMALS[unit]
    if value is None:
        return 2
    return min(3, max(2, decimals_of(round(value, 3))))


def in_volume_unit(x, unit: str):
    """``x`` with every volume :class:`Quantity` in it shown in ``unit``.

    ``x`` is a Quantity, a :class:`Text` (its parameters are converted, however deep), a tuple of
    them, or anything else, returned as it is. A volume already in ``unit`` is left as it is.

    >>> in_volume_unit(Quantity(9.84, "km3", 2), "Mm3")
    Quantity(value=9840.0, unit='Mm3', decimals=0, signed=False)
    """
    if isinstance(x, Quantity):
        if x.unit == unit or unit_dimension(x.unit) != "volume":
            return x
        value = None if x.value is None else x.value * conversion_factor(x.unit, unit)
        return Quantity(value, unit, volume_decimals(value, unit), x.signed)
    if isinstance(x, Text):
        return Text(x.msgid, tuple((k, in_volume_unit(v, unit)) for k, v in x.params), x.context)
    if isinstance(x, tuple):
        return tuple(in_volume_unit(v, unit) for v in x)
    return x
