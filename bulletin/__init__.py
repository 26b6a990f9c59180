"""Transboundary early-warning hydrology bulletin for the Syr Darya basin.

Three version numbers, three different things (README, "Versions"): ``__version__`` is the
software's; :data:`SCHEMA_VERSION` is the results JSON's contract (``bulletin/schema``); the
catalogue's version is the agreed indicators', set by the parties in the catalogue file.
"""

__version__ = "0.1.0"

SCHEMA_VERSION = "1.1.0"
"""Version of the results JSON schema (bulletin/schema/results.schema.json): the major number changes when a
field is removed, renamed or changes meaning, the minor number when a field is added."""
