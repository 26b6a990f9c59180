"""Command line. The only place that prints, reads the clock, writes files and maps errors to exit codes.

:mod:`.base` holds what every command shares (error handling, the setup options and the
project file), :mod:`.writing` the writing of outputs (atomic, and into devices and pipes); :mod:`.issue` the bulletin commands, :mod:`.data` the commands on
the data alone, :mod:`.init` the starting configuration for one's own stations.
"""

from . import convert as _convert  # noqa: F401  (registers the commands)
from . import data as _data  # noqa: F401
from . import init as _init  # noqa: F401
from . import issue as _issue  # noqa: F401
from . import publish as _publish  # noqa: F401
from . import scenario as _scenario  # noqa: F401
from . import verify as _verify  # noqa: F401
from .base import main
from .writing import write_all_atomic, write_atomic

__all__ = ["main", "write_all_atomic", "write_atomic"]

if __name__ == "__main__":  # pragma: no cover
    main()
