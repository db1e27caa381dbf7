"""Writing team workbooks: the blank workbook a team fills, and workbooks made from DataFrames.

Headers, sheet names and enumeration labels are written in the team's language (English uses the
canonical keys), with an instructions sheet and an Excel drop-down list on every enumerated column.
The reader accepts both languages, so a workbook written here always reads back to the same frames.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

import pandas as pd
from openpyxl import Workbook as XlsxBook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from .. import i18n
from ..i18n import t
from ..schema import ENUMS, SHEETS

HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
VALIDATION_ROWS = 2000  # rows below the header that get drop-down lists


def header(key: str, lang: str) -> str:
    """The column header a team sees: canonical key in English, French label in French."""
    return key if lang == "en" else t(f"col.{key}", lang)


def sheet_title(key: str, lang: str) -> str:
    """The title of a sheet of the contract in ``lang``."""
    return t(f"sheet.{key}", lang)


def cell_value(value, lang: str, enum: str | None = None):
    """A Python value as it should stand in a cell of a team workbook in ``lang``."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value) or value is pd.NaT:
        return None
    if enum is not None:
        return t(f"enum.{enum}.{value}", lang)
    if isinstance(value, bool):
        return t(f"enum.bool.{str(value).lower()}", lang)
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime().date() if value == value.normalize() else value.to_pydatetime()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def put_cell(ws, row: int, column: int, value, number_format: str | None = None):
    """Write ``value`` into a cell of an openpyxl sheet and return the cell.

    This is the formula-injection defence of every workbook written with openpyxl: a text is
    stored as text, so one that starts with ``=`` (``=HYPERLINK(…)``) is shown, never computed.
    A date (a datetime at midnight included) is shown as ``yyyy-mm-dd`` unless ``number_format``
    says otherwise.
    """
    cell = ws.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    elif number_format and value is not None:
        cell.number_format = number_format
    elif isinstance(value, dt.date) and (not isinstance(value, dt.datetime) or value.time() == dt.time()):
        cell.number_format = "yyyy-mm-dd"
    return cell


def save_atomically(book, path) -> Path:
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


def _write_lists(book: XlsxBook, lang: str) -> dict[str, str]:
    """A hidden sheet with one column per enumeration; returns the range formula for each."""
    ws = book.create_sheet(sheet_title("lists", lang))
    ws.sheet_state = "hidden"
    ranges = {}
    for index, (name, values) in enumerate(ENUMS.items(), start=1):
        letter = get_column_letter(index)
        put_cell(ws, 1, index, name)
        for row, value in enumerate(values, start=2):
            put_cell(ws, row, index, t(f"enum.{name}.{value}", lang))
        ranges[name] = f"{quote_sheetname(ws.title)}!${letter}$2:${letter}${len(values) + 1}"
    bool_col = len(ENUMS) + 1
    letter = get_column_letter(bool_col)
    put_cell(ws, 1, bool_col, "bool")
    put_cell(ws, 2, bool_col, t("enum.bool.true", lang))
    put_cell(ws, 3, bool_col, t("enum.bool.false", lang))
    ranges["bool"] = f"{quote_sheetname(ws.title)}!${letter}$2:${letter}$3"
    return ranges


def _write_instructions(book: XlsxBook, lang: str) -> None:
    ws = book.create_sheet(sheet_title("instructions", lang), 0)
    lines = [t("workbook.instructions.title", lang), ""]
    lines += [t(f"workbook.instructions.{i}", lang) for i in range(1, 7)]
    lines += ["", t("workbook.instructions.sheets", lang)]
    for key in SHEETS:
        lines.append(f"{sheet_title(key, lang)} — {t(f'doc.sheet.{key}', lang)}")
    for row, line in enumerate(lines, start=1):
        put_cell(ws, row, 1, line)
    ws["A1"].font = Font(bold=True, size=14)
    ws.column_dimensions["A"].width = 120


def _write_table(book: XlsxBook, key: str, frame: pd.DataFrame, lang: str, ranges: dict[str, str]) -> None:
    sheet = SHEETS[key]
    ws = book.create_sheet(sheet_title(key, lang))
    known = [c.key for c in sheet.columns]
    columns = known + [c for c in frame.columns if c not in known]
    for index, name in enumerate(columns, start=1):
        put_cell(ws, 1, index, header(name, lang) if name in known else name)
        ws.cell(row=1, column=index).font = Font(bold=True)
        ws.cell(row=1, column=index).fill = HEADER_FILL
        ws.column_dimensions[get_column_letter(index)].width = max(12, len(str(ws.cell(1, index).value)) + 4)
    enums = {c.key: c.enum for c in sheet.columns if c.kind == "enum"}
    for r, record in enumerate(frame.reindex(columns=columns).itertuples(index=False), start=2):
        for c, (name, value) in enumerate(zip(columns, record), start=1):
            put_cell(ws, r, c, cell_value(value, lang, enums.get(name)))
    last_row = max(VALIDATION_ROWS, len(frame) + 500)
    for index, name in enumerate(columns, start=1):
        column = next((c for c in sheet.columns if c.key == name), None)
        if column is None or column.kind not in ("enum", "bool"):
            continue
        validation = DataValidation(
            type="list",
            formula1=ranges[column.enum or "bool"],
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=t("workbook.validation.title", lang),
            error=t("workbook.validation.error", lang),
        )
        letter = get_column_letter(index)
        validation.add(f"{letter}2:{letter}{last_row}")
        ws.add_data_validation(validation)
    ws.freeze_panes = "A2"


def _write_cluster(book: XlsxBook, values: dict, lang: str, ranges: dict[str, str]) -> None:
    sheet = SHEETS["cluster"]
    ws = book.create_sheet(sheet_title("cluster", lang), 1)
    put_cell(ws, 1, 1, header("key", lang))
    put_cell(ws, 1, 2, header("value", lang))
    for c in (1, 2):
        ws.cell(1, c).font = Font(bold=True)
        ws.cell(1, c).fill = HEADER_FILL
    for row, column in enumerate(sheet.columns, start=2):
        put_cell(ws, row, 1, header(column.key, lang))
        put_cell(ws, row, 2, cell_value(values.get(column.key), lang, column.enum))
        if column.enum:
            validation = DataValidation(type="list", formula1=ranges[column.enum], allow_blank=True)
            validation.add(f"B{row}")
            ws.add_data_validation(validation)
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 60
    for row in ws.iter_rows(min_row=2, max_col=2):
        row[1].alignment = Alignment(wrap_text=True)


def write_workbook(frames: dict[str, pd.DataFrame], path, lang: str = "fr") -> Path:
    """Write ``frames`` (canonical keys and values; ``cluster`` as key/value rows) as a team workbook.

    Sheets not in ``frames`` are written empty, with their headers, so the result is also a
    complete blank workbook. The file is written to a temporary name and renamed at the end.
    """
    lang = i18n.check_lang(lang)
    path = Path(path)
    book = XlsxBook()
    book.remove(book.active)
    ranges = _write_lists(book, lang)
    _write_instructions(book, lang)
    cluster = frames.get("cluster")
    values = dict(zip(cluster["key"], cluster["value"])) if cluster is not None else {}
    _write_cluster(book, values, lang, ranges)
    for key, sheet in SHEETS.items():
        if sheet.key_value:
            continue
        frame = frames.get(key)
        if frame is None:
            frame = pd.DataFrame(columns=[c.key for c in sheet.columns])
        _write_table(book, key, frame, lang, ranges)
    book.active = 1
    book.properties.creator = "clusterkit"
    return save_atomically(book, path)


def new_workbook(path, lang: str = "fr") -> Path:
    """A blank workbook: every sheet with its headers, the instructions and the drop-down lists."""
    return write_workbook({}, path, lang)
