"""Files the toolkit writes for people to reuse: table workbooks (and later DOCX, PDF).

The defence against formula injection is the workbook layer's, written once: every text cell is
written as a plain string (:func:`~clusterkit.workbook.put_cell`), and text bound for a CSV file
that starts like a formula gets an apostrophe (:func:`~clusterkit.workbook.excel_safe`), so a
spreadsheet never evaluates user text.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from ..workbook import put_cell, save_atomically

_BAD_TAB_CHARS = re.compile(r"[\[\]:*?/\\]")


def tab_name(title: str, taken: set[str]) -> str:
    """An Excel tab name: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    base = _BAD_TAB_CHARS.sub(" ", title).strip()[:31] or "table"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def _cell(ws, row: int, col: int, value) -> None:
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
        return
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    put_cell(ws, row, col, value)


def write_tables(tables: dict[str, pd.DataFrame], path) -> Path:
    """One tab per table, headers as given, values at full precision; written atomically."""
    path = Path(path)
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    for title, frame in tables.items():
        ws = book.create_sheet(tab_name(title, taken))
        for c, name in enumerate(frame.columns, start=1):
            _cell(ws, 1, c, str(name))
            ws.cell(1, c).font = Font(bold=True)
            ws.column_dimensions[get_column_letter(c)].width = max(12, min(50, len(str(name)) + 4))
        for r, record in enumerate(frame.itertuples(index=False), start=2):
            for c, value in enumerate(record, start=1):
                _cell(ws, r, c, value)
        ws.freeze_panes = "A2"
    if not tables:
        book.create_sheet("-")
    return save_atomically(book, path)

