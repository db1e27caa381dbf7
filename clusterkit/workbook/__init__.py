"""The team workbook layer: cells, problems, the files, the reader, the editor and the writer.

``from clusterkit.workbook import read_workbook, WorkbookError, Workbook, Problem, example_path``
is all most code needs; the modules below say how each part works. Each name is loaded when first
used, so that reading a workbook does not import openpyxl (only the editor and the writer need it).
"""

from ..lazy import lazy_names

_MODULES = {  # module -> the public names it defines
    "baseline": ("BASELINE_COLUMNS", "read_baseline"),
    "cells": (
        "ENUM_TABLES",
        "FORMULA_PREFIXES",
        "AmbiguousValue",
        "UncomputedFormula",
        "cell_text",
        "excel_safe",
        "format_number",
        "is_blank",
        "normalise",
        "parse_bool",
        "parse_date",
        "parse_number",
    ),
    "editor": ("SheetEditor", "WorkbookEditor", "backup_path"),
    "files": (
        "SPREADSHEET_SUFFIXES",
        "RawSheet",
        "column_aliases",
        "find_header",
        "load_sheets",
        "max_bytes",
        "sheet_lookup",
        "too_large",
    ),
    "lending": ("borrow", "lend"),
    "problems": ("EnumLabels", "Notice", "Problem", "WorkbookError", "kind_spec", "range_spec", "render"),
    "reader": ("SheetReader", "Workbook", "example_path", "read_workbook"),
    "rules": ("check_rules",),
    "writer": ("cell_value", "header", "new_workbook", "put_cell", "save_atomically", "sheet_title", "write_workbook"),
}
__all__ = sorted(name for names in _MODULES.values() for name in names)

__getattr__, __dir__ = lazy_names(__name__, {name: module for module, names in _MODULES.items() for name in names})
