"""The diagnostic's baseline table as a file a team hands to step 5: CSV, XLSX, XLS or ODS with the
columns key, value, unit, date, source (the diagnostic writes it; monitoring reads it back)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import InputError
from ..i18n import t
from ..schema import Column, Sheet
from .files import column_aliases, find_header, load_sheets
from .problems import Problem, WorkbookError
from .reader import SheetReader

BASELINE_COLUMNS = ("key", "value", "unit", "date", "source")
# values may be blank (a baseline the diagnostic could not compute), their column may not
BASELINE = Sheet(
    "baseline",
    (
        Column("key", "text"),
        Column("value", "number", required=False),
        Column("unit", "text", required=False),
        Column("date", "date", required=False),
        Column("source", "text", required=False),
    ),
)


def read_baseline(path, lang: str = "fr") -> pd.DataFrame | None:
    """The diagnostic's baseline table (the first sheet of a workbook, or a CSV file, with columns
    key, value, unit, date, source); None when ``path`` is empty. It is read as the workbook is,
    cells typed in French. Raises :class:`InputError` when ``path`` is not a file and
    :class:`WorkbookError` naming the sheet, row and column of every cell that cannot be read."""
    if not path:
        return None
    path = Path(path)
    if not path.is_file():
        raise InputError(t("monitoring.baseline.missing_file", lang, path=path))
    try:
        raw = load_sheets(path)[0]
    except WorkbookError as error:
        raise WorkbookError(error.problems, lang) from None
    problems: list[Problem] = []
    reader = SheetReader(raw, BASELINE, problems, [], "fr")
    frame, _ = reader.read_table()
    if reader.titles and "value" not in reader.titles:
        header_row = find_header(raw.rows, column_aliases(BASELINE)) + 1
        problems.append(
            Problem(
                "column_missing",
                raw.file,
                raw.title,
                header_row,
                "value",
                ", ".join(reader.titles.values()),
                expected=("err.column_missing.expected", {"column": "value", "alias": t("col.value", "fr")}),
                fix=("err.column_missing.fix", {}),
            )
        )
    if problems:
        raise WorkbookError(problems, lang)
    return frame[list(BASELINE_COLUMNS)]
