"""The data commands over archives larger than memory: a dask.distributed cluster, a chunk of stations a task.

``climatology``, ``status`` and ``ssi`` read a Zarr store (``bulletin convert``) a chunk of
stations at a time on the workers of a cluster, and write the same bytes as the in-memory path.

:mod:`.store`
    Observations as the chunked store's Dataset (``bulletin convert``), and the chunk size.
:mod:`.outputs`
    The table of each command from cleaned observations, and its CSV: one code for both paths.
:mod:`.tasks`
    What a worker does with a chunk: read it, build its observations, check them, compute its rows.
:mod:`.cluster`
    The client: when to use a cluster, which one, the parts of a store (what runs where), the
    rows in order.

Only the command line imports this package (``[tool.importlinter]`` in ``pyproject.toml``).
"""
