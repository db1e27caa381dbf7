"""Files the toolkit writes for people to reuse: table workbooks, the action plan, the diagnostic's
baseline and the indicator reference sheets.

Every workbook follows one set of conventions, defined here once, so that a team can print it or
send it as it comes out: number formats by column kind (thousands separators, the workbook's
currency on amounts, percentages for shares, one precision per column, dates in the reader's
form), widths from the content (long text wraps, rows grow to show it), a styled and frozen header
row with a filter, and a print setup fitted to the width of an A4 page with the header row
repeated and the page number in the footer.

The defence against formula injection is the workbook layer's, written once: every text cell is
written as a plain string (:func:`~clusterkit.workbook.put_cell`), and text bound for a CSV file
that starts like a formula gets an apostrophe (:func:`~clusterkit.workbook.excel_safe`), so a
spreadsheet never evaluates user text.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.hyperlink import Hyperlink

from .. import i18n
from ..i18n import t
from ..steps import plan
from ..steps.monitoring.analysis import STATUS_COLOURS, origin_label
from ..steps.monitoring.sheets import FIELD_ENUMS, MEASUREMENT_COLUMNS, SHEET_FIELDS, SUMMARY_COLUMNS, IndicatorSheet
from ..workbook import cell_value, excel_safe, put_cell, save_atomically
from .tables import TableSpec, column_kind, label, localised, missing, value_label

_BAD_TAB_CHARS = re.compile(r"[\[\]:*?/\\]")

# Formats carry the language (Excel's locale tag), so that a spreadsheet that honours it (LibreOffice)
# writes separators and month names the reader's way whatever its own settings.
LOCALES = {"fr": "[$-40C]", "en": "[$-409]"}
# A date as the reader's language writes it (the medium form of i18n.date): 21 nov. 2026 / Nov 21, 2026
DATE_FORMATS = {"fr": "d mmm yyyy", "en": "mmm d, yyyy"}
FORMATS = {"count": "#,##0", "index": "#,##0.00", "share": "0%", "fine_share": "0.0%", "year": "0"}
MIN_WIDTH, MAX_WIDTH = 6, 60  # column widths, in characters; longer text wraps
NARROWEST_TEXT = 24  # a wide sheet's text columns are narrowed down to this to fit a page
HEADER_WORDS = 14  # a header shorter than this is never wrapped
PORTRAIT_WIDTH = 100  # characters across an A4 portrait page at 100 %; wider sheets print landscape
LANDSCAPE_WIDTH = 160  # characters across an A4 landscape page still read at about 90 %
PAGE_HEIGHT = {"portrait": 690, "landscape": 450}  # points down an A4 page inside the default margins
LINE_HEIGHT = 15  # points per line of the default 11-point font
FONT = "Calibri"  # named on every styled cell: a font without a name prints in the viewer's default
HEADER_FILL = PatternFill(start_color="DCE6F1", end_color="DCE6F1", fill_type="solid")
RULE = Side(style="thin", color="BFBFBF")
GRID = Border(left=RULE, right=RULE, top=RULE, bottom=RULE)


def tab_name(title: str, taken: set[str]) -> str:
    """An Excel tab name: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    base = _BAD_TAB_CHARS.sub(" ", title).strip()[:31] or "table"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


# --------------------------------------------------------------------------------------------
# Column kinds and their formats
# --------------------------------------------------------------------------------------------
def number_format(kind: str, lang: str, currency: str | None = None, decimals: int = 0) -> str | None:
    """The cell format of a column kind (:func:`~clusterkit.documents.tables.column_kind`); amounts
    carry the workbook's currency when it has one, plain numbers the table's ``decimals``; a measure
    (each row in its own unit) keeps the spreadsheet's general format."""
    lang = i18n.check_lang(lang)
    if kind == "number":
        form = "#,##0" + ("." + "0" * decimals if decimals else "")
    elif kind == "amount":
        code = (currency or "").replace('"', "").strip()
        form = f'#,##0 "{code}"' if code else "#,##0"
    elif kind == "date":
        form = DATE_FORMATS[lang]
    elif kind in FORMATS:
        form = FORMATS[kind]
    else:
        return None
    return LOCALES[lang] + form


def _shown_text(value, fmt: str | None) -> str:
    """About the text a cell shows (to size its column): numbers as formatted, dates at full length."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return "00 mmm. 0000"
    if isinstance(value, (int, float)):
        fmt = re.sub(r"\[[^]]*\]", "", fmt or "General")
        if "%" in fmt:
            return f"{value * 100:,.{fmt.count('0') - 1}f} %"
        decimals = len(fmt.split(".")[1].split(" ")[0]) if "." in fmt else (0 if fmt != "General" else 4)
        suffix = fmt.split('"')[1] if '"' in fmt else ""
        return f"{value:,.{decimals}f} {suffix}".strip()
    return "" if value is None else str(value)


def _lines(text: str, width: float) -> int:
    """Lines a text takes once wrapped in a column ``width`` characters wide."""
    per_line = max(1, int(width))  # the average letter is narrower than the digit a width counts in
    return sum(max(1, len(textwrap.wrap(part, per_line))) for part in text.split("\n"))


# --------------------------------------------------------------------------------------------
# Laying out a sheet: widths, wrapping, header, filter, print setup
# --------------------------------------------------------------------------------------------
def _bold(size: int = 11) -> Font:
    return Font(name=FONT, size=size, bold=True)


def _style_table(ws, header_row: int, columns: int) -> None:
    """A ruled table under a shaded header; values at the top of their row, text set off from the
    rule on its left, and each header aligned as its column's values (numbers and dates right)."""
    for column in range(1, columns + 1):
        values = [ws.cell(r, column).value for r in range(header_row + 1, ws.max_row + 1)]
        numeric = any(v is not None and not isinstance(v, str) for v in values)
        for row in range(header_row + 1, ws.max_row + 1):
            cell = ws.cell(row, column)
            cell.border = GRID
            cell.alignment = Alignment(
                vertical="top", horizontal="left" if isinstance(cell.value, str) else "right", indent=1
            )
        cell = ws.cell(header_row, column)
        cell.font, cell.fill, cell.border = _bold(), HEADER_FILL, GRID
        cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="right" if numeric else "left", indent=1)


def _fit_columns(ws, header_row: int | None, first_row: int = 1, page_width: int = LANDSCAPE_WIDTH) -> None:
    """Widths from the content, capped; text longer than the cap wraps and its row grows. Text
    columns are narrowed (down to ``NARROWEST_TEXT``) until the sheet is ``page_width`` wide.

    A header wraps between words rather than widening a column of short values, but never below
    its longest word, nor below the whole header when it is short."""
    widths: dict[int, float] = {}
    texts: set[int] = set()  # columns whose widest cell is text, which can wrap
    for row in ws.iter_rows(min_row=first_row):
        for cell in row:
            if cell.value is None:
                continue
            text = _shown_text(cell.value, cell.number_format)
            if cell.row == header_row:
                longest = max((len(w) for w in text.split()), default=0)
                need = (len(text) if len(text) <= HEADER_WORDS else longest) * 1.1 + 2
            elif isinstance(cell.value, str):
                need = max(len(line) for line in text.split("\n")) + 3  # with the indent off the rule
            else:
                need = len(text) + 3
            if need > widths.get(cell.column, MIN_WIDTH):
                widths[cell.column] = need
                if isinstance(cell.value, str) and cell.row != header_row:
                    texts.add(cell.column)
                else:
                    texts.discard(cell.column)
    cap = MAX_WIDTH
    while cap > NARROWEST_TEXT and sum(min(w, cap) if c in texts else w for c, w in widths.items()) > page_width:
        cap -= 2
    for column, width in widths.items():
        ws.column_dimensions[get_column_letter(column)].width = round(
            min(width, cap if column in texts else MAX_WIDTH), 1
        )
    for row in ws.iter_rows(min_row=first_row):
        lines = 1
        for cell in row:
            if not isinstance(cell.value, str):
                continue
            width = ws.column_dimensions[get_column_letter(cell.column)].width
            count = _lines(cell.value, width / (1.1 if cell.row == header_row else 1))
            if count > 1 or "\n" in cell.value:
                kept = cell.alignment
                cell.alignment = Alignment(
                    wrap_text=True, vertical="top", horizontal=kept.horizontal, indent=kept.indent
                )
            lines = max(lines, count)
        if lines > 1:
            ws.row_dimensions[row[0].row].height = LINE_HEIGHT * lines


def _print_setup(ws, lang: str, title: str, repeat_row: int | None) -> None:
    """A4, fitted to the page width, landscape when the sheet is wider than a portrait page, the
    header row on every page, title and page number in the margins. A sheet a little longer than
    a page is fitted to one page rather than leave a few rows alone on a second one."""
    width = sum(ws.column_dimensions[get_column_letter(c)].width or 9 for c in range(1, ws.max_column + 1))
    height = sum(ws.row_dimensions[r].height or LINE_HEIGHT for r in range(1, ws.max_row + 1))
    orientation = "landscape" if width > PORTRAIT_WIDTH else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = orientation
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if height <= 1.3 * PAGE_HEIGHT[orientation] else 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    if repeat_row:
        ws.print_title_rows = f"{repeat_row}:{repeat_row}"
    ws.oddHeader.left.text = title.replace("&", "&&")
    ws.oddHeader.left.size = 9
    ws.oddFooter.right.text = t("pdf.page", lang, page="&P", pages="&N")
    ws.oddFooter.right.size = 9


def _lay_out_table(ws, lang: str, title: str, header_row: int = 1) -> None:
    """The conventions of a sheet holding one table whose header is ``header_row``."""
    _style_table(ws, header_row, ws.max_column)
    _fit_columns(ws, header_row)
    ws.freeze_panes = ws.cell(header_row + 1, 1).coordinate
    if ws.max_row > header_row:
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(ws.max_column)}{ws.max_row}"
    _print_setup(ws, lang, title, header_row)


def _cell(ws, row: int, col: int, value, fmt: str | None = None) -> None:
    if missing(value):
        return
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    put_cell(ws, row, col, value, fmt)


def write_tables(tables: dict[str, TableSpec | pd.DataFrame], path, lang: str, currency: str | None = None) -> Path:
    """One tab per table, in the workbook conventions: headers in ``lang``, values at full
    precision shown in the format of their column's kind (amounts in ``currency``). A table given
    as a :class:`TableSpec` has its shares and enumerations known; a plain frame is written with
    its headers as they are and kinds from its types. Written atomically."""
    lang = i18n.check_lang(lang)
    path = Path(path)
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    for title, table in tables.items():
        spec = table if isinstance(table, TableSpec) else TableSpec("", table, decimals=2)
        frame = localised(spec, lang) if isinstance(table, TableSpec) else table
        ws = book.create_sheet(tab_name(title, taken))
        formats = [
            number_format(column_kind(spec, c), lang, spec.currency or currency, spec.decimals)
            for c in spec.frame.columns
        ]
        for c, name in enumerate(frame.columns, start=1):
            _cell(ws, 1, c, str(name))
        for r, record in enumerate(frame.itertuples(index=False), start=2):
            for c, value in enumerate(record, start=1):
                _cell(ws, r, c, value, formats[c - 1])
        _lay_out_table(ws, lang, title)
    if not tables:
        book.create_sheet("-")
    return save_atomically(book, path)


def write_action_plan_xlsx(
    path,
    *,
    lang: str,
    vision: dict | None,
    actions: pd.DataFrame,
    objectives: pd.DataFrame,
    actors: pd.DataFrame | None = None,
    year: int = 0,
    currency: str | None = None,
) -> Path:
    """The action plan's tables as a workbook, one tab each, the vision first; amounts in ``currency``."""
    sheets: dict[str, TableSpec | pd.DataFrame] = {}
    if vision:
        sheets[t("plan.doc.vision", lang)] = TableSpec(
            "plan_vision",
            pd.DataFrame({"statement": [vision["statement"]], "horizon_years": [vision["horizon_years"]]}),
        )
    tables = plan.action_plan_tables(plan.actions_of_year(actions, year), objectives, actors)
    sheets.update({t(f"table.{spec.name}", lang): spec for spec in tables})
    return write_tables(sheets, path, lang, currency)


# --------------------------------------------------------------------------------------------
# The diagnostic's baseline, and the indicator reference sheets of step 5
# --------------------------------------------------------------------------------------------
def write_baseline(baseline: pd.DataFrame, folder, lang: str) -> list[Path]:
    """Write the baseline as ``diagnostic-baseline.xlsx`` and ``diagnostic-baseline.csv`` in ``folder``.

    Both keep canonical keys and full precision (``lang`` is the language of the XLSX's print
    margins); the CSV is UTF-8 with ISO dates, and its text cells are neutralised so that a
    spreadsheet never reads them as formulas.
    """
    folder = Path(folder)
    xlsx = write_tables({"baseline": baseline}, folder / "diagnostic-baseline.xlsx", lang)
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


def _sheet_format(kind: str, share: bool, value, lang: str) -> str | None:
    """The format of a reference sheet's value: an indicator's values are shares or numbers, by its unit."""
    if kind == "value":
        whole = isinstance(value, (int, float)) and float(value).is_integer()
        kind = "fine_share" if share else "count" if whole else "index"
    return number_format({"percent": "share"}.get(kind, kind), lang)


def _status_formatting(ws, cells: str, lang: str) -> None:
    """Colour a range of status cells by the status label they hold."""
    for status, colour in STATUS_COLOURS.items():
        text = t(f"enum.monitoring_status.{status}", lang).replace('"', '""')
        ws.conditional_formatting.add(
            cells,
            CellIsRule(
                operator="equal",
                formula=[f'"{text}"'],
                fill=PatternFill(start_color=colour, end_color=colour, fill_type="solid"),
            ),
        )


def _put_value(ws, row: int, column: int, key: str, kind: str, value, sheet: IndicatorSheet, lang: str):
    shown = _xlsx_value(key, kind, value, lang)
    return put_cell(ws, row, column, shown, _sheet_format(kind, sheet.share, shown, lang))


def _write_reference_sheet(ws, sheet: IndicatorSheet, lang: str) -> None:
    """One indicator's sheet: its fields (label, value) then its measurements; it prints on one
    page, one indicator per page like the HTML sheets."""
    title = f"{sheet.indicator_id} — {sheet.name}"
    put_cell(ws, 1, 1, title).font = _bold(13)
    for row, (key, kind) in enumerate(SHEET_FIELDS, start=3):
        field = put_cell(ws, row, 1, label(key, lang))
        field.font, field.alignment = _bold(), Alignment(vertical="top")
        cell = _put_value(ws, row, 2, key, kind, sheet.fields[key], sheet, lang)
        cell.alignment = Alignment(vertical="top", horizontal="left")
    status_row = 3 + [k for k, _ in SHEET_FIELDS].index("progress_status")
    _status_formatting(ws, f"B{status_row}", lang)
    first = 3 + len(SHEET_FIELDS) + 1
    put_cell(ws, first, 1, t("monitoring.sheets.measurements", lang)).font = _bold()
    for column, key in enumerate(MEASUREMENT_COLUMNS, start=1):
        put_cell(ws, first + 1, column, label(key, lang))
    kinds = {"date": "date", "group": "text", "value": "value", "note": "text"}
    for row, record in enumerate(sheet.measurements.to_dict("records"), start=first + 2):
        for column, key in enumerate(MEASUREMENT_COLUMNS, start=1):
            _put_value(ws, row, column, key, kinds[key], record[key], sheet, lang)
    _style_table(ws, first + 1, len(MEASUREMENT_COLUMNS))
    _fit_columns(ws, first + 1, first_row=2, page_width=PORTRAIT_WIDTH)  # the title runs over empty cells
    _print_setup(ws, lang, title, first + 1)


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
        put_cell(summary, 1, column, label(key, lang))
    for row, sheet in enumerate(sheets, start=2):
        ws = book.create_sheet(tab_name(sheet.indicator_id, taken))
        fields = {**sheet.fields, "indicator_id": sheet.indicator_id, "name": sheet.name}
        for column, key in enumerate(SUMMARY_COLUMNS, start=1):
            _put_value(summary, row, column, key, kinds[key], fields[key], sheet, lang)
        link = summary.cell(row, 1)
        link.hyperlink = Hyperlink(ref=link.coordinate, location=f"{quote_sheetname(ws.title)}!A1")
        _write_reference_sheet(ws, sheet, lang)
    status_column = get_column_letter(SUMMARY_COLUMNS.index("progress_status") + 1)
    _status_formatting(summary, f"{status_column}2:{status_column}{len(sheets) + 1}", lang)
    _lay_out_table(summary, lang, t("monitoring.sheets.summary", lang))
    summary.freeze_panes = "C2"
    return save_atomically(book, path)
