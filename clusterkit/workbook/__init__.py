"""The team workbook layer: cells, problems, the files, the reader, the editor and the writer.

``from clusterkit.workbook import read_workbook, WorkbookError, Workbook, Problem, example_path``
is all most code needs; the modules below say how each part works.
"""
from .baseline import BASELINE_COLUMNS, read_baseline
from .cells import (
    ENUM_TABLES,
    FORMULA_PREFIXES,
    AmbiguousValue,
    UncomputedFormula,
    cell_text,
    excel_safe,
    format_number,
    is_blank,
    normalise,
    parse_bool,
    parse_date,
    parse_number,
)
from .editor import SheetEditor, WorkbookEditor, backup_path
from .files import (
    SPREADSHEET_SUFFIXES,
    RawSheet,
    column_aliases,
    find_header,
    load_sheets,
    max_bytes,
    sheet_lookup,
    too_large,
)
from .problems import EnumLabels, Notice, Problem, WorkbookError, kind_spec, range_spec, render
from .reader import SheetReader, Workbook, example_path, read_workbook
from .rules import check_rules
from .writer import cell_value, header, new_workbook, put_cell, save_atomically, sheet_title, write_workbook

__all__ = [
    "BASELINE_COLUMNS", "ENUM_TABLES", "SPREADSHEET_SUFFIXES", "FORMULA_PREFIXES", "AmbiguousValue", "EnumLabels", "Notice", "Problem",
    "RawSheet", "SheetEditor", "SheetReader", "UncomputedFormula", "Workbook", "WorkbookEditor", "WorkbookError",
    "backup_path", "cell_text", "cell_value", "check_rules", "column_aliases", "example_path", "excel_safe",
    "find_header", "format_number", "header", "is_blank", "kind_spec", "load_sheets", "max_bytes", "new_workbook",
    "normalise", "parse_bool", "parse_date", "parse_number", "put_cell", "range_spec", "read_baseline",
    "read_workbook", "render",
    "save_atomically", "sheet_lookup", "sheet_title", "too_large", "write_workbook",
]
