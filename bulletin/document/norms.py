"""The norm an archive publishes, beside the computed one, and the years each is the mean of.

Some archives (Uzhydromet's long files) carry their own norm of every dekad or month. The
bulletin computes its norm over the catalogue's reference period; where an archive gives one for
a finding's series and period, the findings table shows it under the computed norm, and a table
after it gives both with their reference periods: the catalogue's (with the years that have data,
when fewer), and for the archive's "not stated in the archive", with the one span of years whose
mean in the data equals it when there is one (:func:`bulletin.products.archive_norm_span`).
"""

from __future__ import annotations

from ..network import Network
from ..products import ArchiveNorm
from ..text import N_, Localized, Quantity, Text, quantity
from .model import NormComparison
from .overview import MSG_SERIES
from .volumes import in_volume_unit
from .words import variable_name

MSG_ARCHIVE_CELL = N_("archive: {norm}")
MSG_SPAN = N_("{first}–{last}")
MSG_SPAN_YEARS = N_("{first}–{last} (years with data: {years})")
MSG_WHOLE_RECORD = N_("the whole record, {span}")
MSG_NOT_STATED = N_("reference period not stated in the archive")
MSG_NOT_STATED_MATCH = N_("reference period not stated in the archive; in the data read, it equals the mean of {span}")


def span_text(years: tuple | None) -> Text | None:
    """"1981–2010", or "1981–2010 (years with data: 27)" when fewer years than the span have data."""
    if years is None:
        return None
    first, last, n = years
    if n == last - first + 1:
        return Text.of(MSG_SPAN, first=str(first), last=str(last))
    return Text.of(MSG_SPAN_YEARS, first=str(first), last=str(last), years=n)


def _finer(q: Quantity) -> Quantity:
    """One decimal more than the bulletin's tables give, so that two close norms can be told apart."""
    return Quantity(q.value, q.unit, q.decimals + 1, q.signed)


def norm_comparison(a: ArchiveNorm, norm: float | None, network: Network) -> NormComparison:
    """The computed norm of a finding and its archive's, with their reference periods, as the bulletin shows them."""
    show = network.volume_unit if a.variable == "volume" else a.unit
    computed = in_volume_unit(quantity(norm, a.unit), show)
    archive = in_volume_unit(quantity(a.value, a.unit), show)
    span = span_text(a.span)
    if span is None:
        archive_reference = Text.of(MSG_NOT_STATED)
    else:
        if a.whole_record:
            span = Text.of(MSG_WHOLE_RECORD, span=span)
        archive_reference = Text.of(MSG_NOT_STATED_MATCH, span=span)
    label = Text.of(MSG_SERIES, station=Localized.of(network[a.station].names), variable=variable_name(a.variable))
    return NormComparison(a.station, a.variable, label, _finer(computed), span_text(a.reference), _finer(archive),
                          archive_reference, Text.of(MSG_ARCHIVE_CELL, norm=archive), a.value, a.unit, a.span)


def norms_table(rows) -> tuple:
    """The comparisons of the findings' rows, one per series (station, variable and unit), in the order of the rows."""
    out, seen = [], set()
    for r in rows:
        c = r.archive_norm
        if c is None or (c.station, c.variable, c.norm.unit) in seen:
            continue
        seen.add((c.station, c.variable, c.norm.unit))
        out.append(c)
    return tuple(out)
