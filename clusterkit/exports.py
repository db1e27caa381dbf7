"""Files the toolkit writes for people to reuse: table workbooks (and later DOCX, PDF).

The defence against formula injection lives here, once: a text cell that starts with ``=``, ``+``,
``-`` or ``@`` is written as a plain string, so a spreadsheet never evaluates user text.
"""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_BAD_TAB_CHARS = re.compile(r"[\[\]:*?/\\]")


def neutralise(value):
    """User text that a spreadsheet would read as a formula, prefixed with an apostrophe (CSV)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


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
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the text starts with


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


def save_atomically(book: Workbook, path) -> Path:
    """Save an openpyxl workbook under a temporary name, then rename: never a half-written file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(suffix=path.suffix, dir=path.parent)
    os.close(handle)
    try:
        book.save(tmp)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; outputs are for sharing
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    return path
