"""clusterkit: the UNIDO cluster development method, as a handbook and a toolkit."""
from .errors import ClusterkitError, ExecutionError, InputError, StepInputError
from .workbook import Workbook, WorkbookError, read_workbook

__version__ = "0.1.0"
__all__ = ["ClusterkitError", "ExecutionError", "InputError", "StepInputError", "Workbook", "WorkbookError",
           "read_workbook", "run", "__version__"]


def run(*args, **kwargs):
    """Execute a step's template; see :func:`clusterkit.runner.run`."""
    from .runner import run as _run  # papermill is heavy: import it only when running

    return _run(*args, **kwargs)
