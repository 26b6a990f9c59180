"""The language-neutral bulletin (the document model) and how it is built.

=================  ==============================================================
module             what it holds
=================  ==============================================================
``model``          the value types: Bulletin, Row, Figure, the quality and annex entries
``words``          the document's message ids (the shared ones are in ``bulletin.vocabulary``)
``conditions``     a threshold's condition in words
``findings``       a row per finding with its sentence; page one by country
``norms``          the norm an archive publishes beside the computed one, with their years
``volumes``        reservoir volumes in the network's display unit (km³ or million m³)
``annex``          the indicators with their methods, levels and rules
``quality``        the data-quality section
``hydrographs``    the key stations' hydrographs with their alt text
``overview``       the basin map, reservoir fill bars and HydroSOS strip
``build``          :func:`build_bulletin`, which assembles them
=================  ==============================================================
"""

from .build import build_bulletin
from .model import Bulletin

__all__ = ["Bulletin", "build_bulletin"]
