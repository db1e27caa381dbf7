"""The one family of errors a user reads.

Every failure that reaches a user is a :class:`ClusterkitError`: its message is complete and in the
user's language, and the command line prints it without a traceback and exits with ``exit_code``
(2 for bad input, 3 for a template that failed while it ran). Anything else is a bug.
"""

from __future__ import annotations


class ClusterkitError(Exception):
    """Base of the family; ``str()`` is the full message for the user."""

    exit_code = 2


class InputError(ClusterkitError):
    """Bad input outside the workbook's cells: a path, an option, a parameter, a field export."""


class StepInputError(InputError):
    """The workbook is valid but holds too little for one step; the message says what to fill in."""


class ExecutionError(ClusterkitError):
    """A template failed while it ran; names the step and the cell, and keeps the executed notebook."""

    exit_code = 3
