"""The workbook read once per run: the runner, which reads and checks the team's workbook before
any template runs, lends what it read to the kernels (a pickle in the run's own folder), and a
template's :func:`~clusterkit.workbook.read_workbook` of the same unchanged file takes it instead
of reading the file again (0.1 s for the example, seconds for a large workbook, once per step).

Each step loads its own copy, so a template that changes a frame changes nothing for the next.
"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .reader import Workbook

LENT_NAME = ".workbook.pickle"
_borrowed: tuple | None = None  # (file, its size and time, the workbook): lent to this process for one read


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


def lend(wb: Workbook, folder: Path) -> Path | None:
    """``wb`` written into ``folder`` for kernels to borrow; None for a folder of CSV files, whose
    files can change while the folder's time stays."""
    if not wb.source.is_file():
        return None
    path = folder / LENT_NAME
    with open(path, "wb") as handle:
        pickle.dump((wb.source, _stamp(wb.source), wb), handle, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def borrow(path: str | Path) -> None:
    """Keep the workbook lent in ``path`` for this process's next :func:`take`."""
    global _borrowed
    with open(path, "rb") as handle:
        _borrowed = pickle.load(handle)


def take(source: Path) -> Workbook | None:
    """The workbook borrowed for ``source``, once, if the file has not changed since it was read."""
    global _borrowed
    lent, _borrowed = _borrowed, None
    if lent is None or lent[0] != source:
        return None
    try:
        return lent[2] if _stamp(source) == lent[1] else None
    except OSError:
        return None
