"""Words the document's modules share: the names of variables.

Each module of the document defines the messages it alone uses beside the code that uses them;
the words every stage shares (levels, states, categories, comparisons, seasons) are in
:mod:`bulletin.vocabulary`, and each method's own sentences in its module of :mod:`bulletin.methods`.
"""

from __future__ import annotations

from ..text import Localized
from ..units import load_variables


def variable_name(variable: str) -> Localized:
    """The name of a variable from ``indicators/variables.yml`` (its own name when it is not declared there)."""
    variables = load_variables()
    return Localized.of(variables[variable].names if variable in variables else {"en": variable})
