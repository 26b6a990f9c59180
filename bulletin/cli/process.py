"""Settings of the command's own process, made by the command line only.

The data commands build and drop tables of an archive's size: a column of 12.8 M values is
100 MB. The C library's allocator gives each such block its own fresh pages (``mmap``) and
returns them when the block is freed, so the next table of the same size is faulted in page by
page and zeroed again by the kernel. On a shared virtual machine that costs as much as the
arithmetic: ``bulletin status`` of 1,000 stations x 35 years spent 5-6 s of its 10-11 s in the
kernel. :func:`keep_freed_memory` tells the allocator to keep what is freed for the next table.
"""

from __future__ import annotations

import ctypes
import sys

M_TRIM_THRESHOLD = -1  # glibc <malloc.h>: free memory at the top of the heap kept up to this many bytes
M_MMAP_MAX = -4  # glibc <malloc.h>: the number of blocks served by mmap at once (0: none, all from the heap)
KEPT = 2**31 - 1  # the largest value mallopt takes: 2 GiB of freed memory kept for reuse


def keep_freed_memory() -> bool:
    """Serve every block from the heap and keep what is freed there for reuse (glibc); whether it was done.

    Without glibc's ``mallopt`` (another C library, another system) nothing changes: only the time.
    Memory freed is reused, not returned: the peak is that of the largest tables held at once
    and more where the heap fragments (``bulletin status`` of 1,000 stations x 35 years peaked at
    2.1 GB with it, 1.8 GB before; the time fell by a quarter). Processes forked by the command
    inherit the setting. For a command's own short-lived process only, never for a library caller's.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(mallopt(M_MMAP_MAX, 0)) and bool(mallopt(M_TRIM_THRESHOLD, KEPT))
