"""clusterkit: the UNIDO cluster development method, as a handbook and a toolkit.

The names below are loaded when first used (module ``__getattr__``), so that ``clusterkit --help``
and ``workbook check`` do not pay for what they do not use.
"""

from importlib import metadata

from .lazy import lazy_names

__version__ = metadata.version("clusterkit")  # the installed distribution's, never a copy of pyproject's
__all__ = [
    "ClusterkitError",
    "ExecutionError",
    "InputError",
    "StepInputError",
    "Workbook",
    "WorkbookError",
    "read_workbook",
    "run",
    "pack",
    "RunResult",
    "PackResult",
    "__version__",
]

_LAZY = {  # name -> the module that defines it
    "ClusterkitError": "errors",
    "ExecutionError": "errors",
    "InputError": "errors",
    "StepInputError": "errors",
    "Workbook": "workbook",
    "WorkbookError": "workbook",
    "read_workbook": "workbook",
    "run": "running.run",
    "RunResult": "running.run",
    "pack": "running.pack",
    "PackResult": "running.pack",
}


__getattr__, __dir__ = lazy_names(__name__, _LAZY)
