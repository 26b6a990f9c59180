"""The cyclic garbage collector paused while a figure or a document is made (:func:`collected`)."""

from __future__ import annotations

import functools
import gc


def collected(work):
    """Run a function with the cyclic garbage collector paused, then collect the young objects.

    A figure, and a PDF page layout even more, leaves tens of thousands of objects in reference
    cycles (artists and transforms; boxes, styles and their parents). Collected while they are
    made, the live ones are promoted to the older generations and trigger collections of the
    whole heap (with the pipeline's data), which cost more than the work; collected once it is
    done, they are all garbage of the youngest generation, freed in one pass over them. Nothing
    that is made depends on it.

    Parameters
    ----------
    work : callable
        A function that makes a figure or a document and keeps no reference to its parts.

    Returns
    -------
    callable
        ``work``, wrapped.
    """
    @functools.wraps(work)
    def wrapper(*args, **kwargs):
        enabled = gc.isenabled()
        gc.disable()
        try:
            return work(*args, **kwargs)
        finally:
            gc.collect(0)
            if enabled:
                gc.enable()
    return wrapper
