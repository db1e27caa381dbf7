"""Files the toolkit writes for people to reuse: table workbooks, the diagnostic's baseline and
the indicator reference sheets (and later DOCX, PDF).

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
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.hyperlink import Hyperlink

from .. import i18n
from ..i18n import t
from ..steps.monitoring.analysis import STATUS_COLOURS, origin_label
from ..steps.monitoring.sheets import FIELD_ENUMS, MEASUREMENT_COLUMNS, SHEET_FIELDS, SUMMARY_COLUMNS, IndicatorSheet
from ..workbook import cell_value, excel_safe, put_cell, save_atomically
from .tables import label, missing, value_label

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


# --------------------------------------------------------------------------------------------
# The diagnostic's baseline, and the indicator reference sheets of step 5
# --------------------------------------------------------------------------------------------
def write_baseline(baseline: pd.DataFrame, folder) -> list[Path]:
    """Write the baseline as ``diagnostic-baseline.xlsx`` and ``diagnostic-baseline.csv`` in ``folder``.

    Both keep canonical keys and full precision; the CSV is UTF-8 with ISO dates, and its text
    cells are neutralised so that a spreadsheet never reads them as formulas.
    """
    folder = Path(folder)
    xlsx = write_tables({"baseline": baseline}, folder / "diagnostic-baseline.xlsx")
    text = baseline.assign(date=baseline["date"].dt.strftime("%Y-%m-%d"))
    text = text.apply(lambda c: c.map(excel_safe) if pd.api.types.is_string_dtype(c) else c)
    csv = folder / "diagnostic-baseline.csv"
    text.to_csv(csv, index=False, encoding="utf-8")
    return [xlsx, csv]


def _xlsx_value(key: str, kind: str, value, lang: str):
    """A sheet value as it stands in the XLSX: numbers and dates stay numbers and dates."""
    if kind == "origin":
        return origin_label(value, lang)
    if missing(value):
        return None
    if kind == "enum":
        return value_label(FIELD_ENUMS[key], value, lang)
    return cell_value(value, lang)


def _number_format(kind: str, share: bool) -> str | None:
    return {"date": "yyyy-mm-dd", "percent": "0%", "value": "0.0%" if share else "#,##0.##"}.get(kind)


def _status_formatting(ws, cells: str, lang: str) -> None:
    """Colour a range of status cells by the status label they hold."""
    for status, colour in STATUS_COLOURS.items():
        text = t(f"enum.monitoring_status.{status}", lang).replace('"', '""')
        ws.conditional_formatting.add(cells, CellIsRule(
            operator="equal", formula=[f'"{text}"'],
            fill=PatternFill(start_color=colour, end_color=colour, fill_type="solid")))


def write_indicator_sheets(sheets: list[IndicatorSheet], path, lang: str) -> Path:
    """Write the reference sheets as an XLSX workbook: a summary tab (one row per indicator, each
    linked to its tab) and one tab per indicator with its fields and measurements. Status cells
    are coloured by conditional formatting. Written atomically."""
    lang = i18n.check_lang(lang)
    kinds = dict(SHEET_FIELDS) | {"indicator_id": "text", "name": "text"}
    book = Workbook()
    summary = book.active
    taken: set[str] = set()
    summary.title = tab_name(t("monitoring.sheets.summary", lang), taken)
    for column, key in enumerate(SUMMARY_COLUMNS, start=1):
        put_cell(summary, 1, column, label(key, lang)).font = Font(bold=True)
        summary.column_dimensions[get_column_letter(column)].width = 44 if key == "name" else 14
    for row, sheet in enumerate(sheets, start=2):
        ws = book.create_sheet(tab_name(sheet.indicator_id, taken))
        fields = {**sheet.fields, "indicator_id": sheet.indicator_id, "name": sheet.name}
        for column, key in enumerate(SUMMARY_COLUMNS, start=1):
            kind = kinds[key]
            put_cell(summary, row, column, _xlsx_value(key, kind, fields[key], lang), _number_format(kind, sheet.share))
        link = summary.cell(row, 1)
        link.hyperlink = Hyperlink(ref=link.coordinate, location=f"{quote_sheetname(ws.title)}!A1")
        put_cell(ws, 1, 1, f"{sheet.indicator_id} — {sheet.name}").font = Font(bold=True, size=13)
        for offset, (key, kind) in enumerate(SHEET_FIELDS, start=3):
            put_cell(ws, offset, 1, label(key, lang)).font = Font(bold=True)
            value = put_cell(ws, offset, 2, _xlsx_value(key, kind, sheet.fields[key], lang),
                         _number_format(kind, sheet.share))
            value.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
        status_row = 3 + [k for k, _ in SHEET_FIELDS].index("progress_status")
        _status_formatting(ws, f"B{status_row}", lang)
        first = 3 + len(SHEET_FIELDS) + 1
        put_cell(ws, first, 1, t("monitoring.sheets.measurements", lang)).font = Font(bold=True)
        for column, key in enumerate(MEASUREMENT_COLUMNS, start=1):
            put_cell(ws, first + 1, column, label(key, lang)).font = Font(bold=True)
        for r, record in enumerate(sheet.measurements.itertuples(index=False), start=first + 2):
            put_cell(ws, r, 1, cell_value(record.date, lang), "yyyy-mm-dd")
            put_cell(ws, r, 2, cell_value(record.group, lang))
            put_cell(ws, r, 3, cell_value(record.value, lang), _number_format("value", sheet.share))
            put_cell(ws, r, 4, cell_value(record.note, lang))
        ws.column_dimensions["A"].width = 28
        ws.column_dimensions["B"].width = 70
        ws.column_dimensions["D"].width = 40
    status_column = get_column_letter(SUMMARY_COLUMNS.index("progress_status") + 1)
    _status_formatting(summary, f"{status_column}2:{status_column}{len(sheets) + 1}", lang)
    summary.freeze_panes = "C2"
    return save_atomically(book, path)
