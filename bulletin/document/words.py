"""Words the document's modules share: the names of variables.

Each module of the document defines the messages it alone uses beside the code that uses them;
the words every stage shares (levels, states, categories, comparisons, seasons) are in
:mod:`bulletin.vocabulary`, and each method's own sentences in its module of :mod:`bulletin.methods`.
"""

from __future__ import annotations

from ..text import Localized, Text
from ..units import load_variables
from ..vocabulary import MSG_DIFFERENCE_OF


def variable_name(variable: str) -> Localized | Text:
    """The name of a variable from ``indicators/variables.yml``; "inflow minus release" for a difference."""
    variables = load_variables()
    if variable in variables:
        return Localized.of(variables[variable].names)
    if "-" in variable:
        a, b = variable.split("-", 1)
        return Text.of(MSG_DIFFERENCE_OF, a=variable_name(a), b=variable_name(b))
    return Localized.of({"en": variable})
