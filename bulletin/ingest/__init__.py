"""Readers: one thin reader per format, registered by name, all ending in :class:`Observations`.

The package is split into:

:mod:`~bulletin.ingest.registry`
    What a reader is given (:class:`ReadOptions`) and returns (:class:`RawTable`), the registry
    of readers (:func:`register`, :data:`READERS`) and how a file finds its reader
    (:func:`reader_for`, :func:`read_table`).
:mod:`~bulletin.ingest.validate`
    :func:`normalise`: the raw table of one file to canonical rows, every problem reported with
    its file and place (line, sheet and cell, or NetCDF variable) and how to fix it.
:mod:`~bulletin.ingest.fields`
    Parsing the fields of raw tables: text, numbers, dates, and names compared case-blind.
:mod:`~bulletin.ingest.observations`
    The model delivered to the later stages: :class:`Observations`, :class:`InputFile`.
:mod:`~bulletin.ingest.read`
    :func:`read_observations`: finding the data files, reading each and joining them.
:mod:`~bulletin.ingest.grid`
    Gridded files (NetCDF) kept as station x time arrays: :class:`~.grid.GridObservations`,
    whose rows are built when a stage asks for them, or a block of series at a time.
:mod:`~bulletin.ingest.text`
    Helpers shared by the text readers (decoding, delimiters, lines).

The readers themselves (``csv``, ``yearbook``, ``hydromet-long``, ``xlsx``, ``netcdf``) are the
modules imported at the end of this one; importing them registers them.
``read_observations(..., reader=NAME)`` forces a reader. No quality control and no science
happen in a reader.
"""

from __future__ import annotations

from .fields import DATE_FORMS, fold, variable_spellings
from .observations import ARCHIVE_NORM_COLUMNS, InputFile, Observations
from .read import expand_paths, read_observations, sample_data_path, sha256_of
from .registry import FIELDS, READERS, RawTable, Reader, ReadOptions, read_table, reader_for, register
from .validate import GIVEN_FIELDS, RESOLUTION_VALUES, normalise

__all__ = [
    "ARCHIVE_NORM_COLUMNS", "DATE_FORMS", "FIELDS", "GIVEN_FIELDS", "READERS", "RESOLUTION_VALUES",
    "InputFile", "Observations", "RawTable", "ReadOptions", "Reader",
    "expand_paths", "fold", "normalise", "read_observations", "read_table", "reader_for", "register",
    "sample_data_path", "sha256_of", "variable_spellings",
]

# the registration order is the order in which sniffers are asked about a file
from . import csv as _csv  # noqa: E402,F401
from . import hydromet as _hydromet  # noqa: E402,F401
from . import netcdf as _netcdf  # noqa: E402,F401
from . import xlsx as _xlsx  # noqa: E402,F401
from . import yearbook as _yearbook  # noqa: E402,F401
from . import zarr as _zarr  # noqa: E402,F401
