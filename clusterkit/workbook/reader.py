"""The team workbook, read and validated in one place.

:func:`read_workbook` turns a workbook (``.xlsx``, ``.xls``, ``.ods``) or a folder of CSV files into
one typed DataFrame per sheet, or raises :class:`WorkbookError` holding *every* problem found, each
naming the file, the sheet, the row as Excel numbers it, the column, the value found, what was
expected and how to fix it, in French or English. Everything downstream can then trust its input.

The cells come from :mod:`~clusterkit.workbook.files` as they are stored. Numbers and dates typed
as text are read in the workbook's own language (the cluster card's ``language``): see :func:`~clusterkit.workbook.cells.parse_number` and
:func:`~clusterkit.workbook.cells.parse_date`.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import i18n
from ..i18n import t
from ..schema import SHEETS, STEP_SHEETS, Column, Sheet
from .cells import (
    ENUM_TABLES,
    EXCEL_CELL_LIMIT,
    FORMULA_ERRORS,
    AmbiguousValue,
    UncomputedFormula,
    cell_text,
    format_number,
    is_blank,
    normalise,
    parse_bool,
    parse_date,
    parse_number,
)
from .files import RawSheet, column_aliases, find_header, load_sheets, sheet_lookup
from .lending import take
from .problems import EnumLabels, Notice, Problem, WorkbookError, kind_spec, range_spec
from .rules import check_rules

AUXILIARY_SHEETS = {"instructions", "lists"}  # written by `workbook new`, never data


@dataclass
class Workbook:
    """One typed DataFrame per sheet present, with the cluster's identity card."""

    source: Path
    cluster: dict
    sheets: dict[str, pd.DataFrame]
    excel_rows: dict[str, list[int]]
    sheet_titles: dict[str, str]
    notices: list[Notice]
    files: dict[str, str] = field(default_factory=dict)  # sheet -> file name (CSV folders)
    column_titles: dict[str, dict] = field(default_factory=dict)  # sheet -> key -> header as written

    def __getitem__(self, key: str) -> pd.DataFrame:
        return self.sheets[key]

    def has(self, key: str) -> bool:
        """True when the sheet is present and holds at least one row."""
        return key in self.sheets and len(self.sheets[key]) > 0

    @property
    def name(self) -> str:
        return self.cluster.get("name") or self.source.stem

    @property
    def lang(self) -> str:
        return self.cluster.get("language") or i18n.DEFAULT_LANG

    def require(self, step: str, lang: str | None = None) -> None:
        """Raise a WorkbookError when a sheet the step needs is missing or empty."""
        needed, _ = STEP_SHEETS[step]
        problems = []
        for key in needed:
            if key not in self.sheets:
                problems.append(_sheet_missing_problem(self.source.name, key, step, self._raw_titles))
            elif len(self.sheets[key]) == 0:
                problems.append(
                    Problem(
                        "sheet_empty",
                        self.files.get(key, self.source.name),
                        self.sheet_titles[key],
                        value=None,
                        expected=("err.sheet_empty.expected", {"step": step}),
                        fix=("err.sheet_empty.fix", {}),
                    )
                )
        if problems:
            raise WorkbookError(problems, lang or self.lang)

    _raw_titles: list[str] = field(default_factory=list, repr=False)


def _sheet_missing_problem(file: str, key: str, step: str, titles: list[str]) -> Problem:
    alias = t(f"sheet.{key}", "fr")
    # renaming one of the contract's own sheets (or the blank workbook's) would lose its data
    taken = set(sheet_lookup()) | _auxiliary_titles()
    free = [normalise(x) for x in titles if normalise(x) not in taken]
    near = difflib.get_close_matches(normalise(key), free, n=1, cutoff=0.75) or difflib.get_close_matches(
        normalise(alias), free, n=1, cutoff=0.75
    )
    near_title = next((x for x in titles if normalise(x) in near), None)
    fix = (
        ("err.sheet_missing.fix_near", {"near": near_title, "sheet": key})
        if near_title
        else ("err.sheet_missing.fix", {})
    )
    return Problem(
        "sheet_missing",
        file,
        sheet=key,
        value=", ".join(titles),
        expected=("err.sheet_missing.expected", {"sheet": key, "alias": alias, "step": step}),
        fix=fix,
    )


_PLAUSIBLE_FROM = pd.Timestamp(1950, 1, 1)


def _plausible_until() -> pd.Timestamp:
    """The last plausible date of a cluster's data: thirty years from today (a plan's horizon)."""
    return pd.Timestamp.today().normalize() + pd.DateOffset(years=30)


def _ambiguity_specs(column: Column, readings: tuple) -> tuple[tuple, tuple]:
    """What a value that reads two ways needs, naming both readings, and how to write it once."""
    if column.kind == "date":
        first, second = (r.date().isoformat() for r in readings)
        return (
            ("err.value_ambiguous.date", {"day_first": first, "month_first": second}),
            ("err.value_ambiguous.fix.date", {"example": first}),
        )
    both = {"thousands": format_number(readings[0]), "decimal": format_number(readings[1])}
    return ("err.value_ambiguous.number", both), ("err.value_ambiguous.fix.number", both)


class SheetReader:
    """Parses one raw sheet against its schema, collecting problems instead of stopping."""

    def __init__(self, raw: RawSheet, sheet: Sheet, problems: list, notices: list, lang: str | None = "fr"):
        self.file, self.raw, self.sheet = raw.file, raw, sheet
        self.problems, self.notices = problems, notices
        self.lang = lang  # the language the cells were typed in (None: the workbook does not say)
        self.titles: dict[str, str] = {}  # canonical key -> header as the team wrote it

    def problem(self, code, row=None, column=None, value=None, expected=(), fix=()):
        self.problems.append(Problem(code, self.file, self.raw.title, row, column, value, expected, fix))

    # -- cells ---------------------------------------------------------------------------
    def parse_column(self, column: Column, cells: list, rows: list[int], header: str) -> list:
        lang, last = self.lang, _plausible_until()
        parse = {
            "integer": lambda v: parse_number(v, lang, integer=True),
            "number": lambda v: parse_number(v, lang),
            "share": lambda v: parse_number(v, lang),
            "date": lambda v: parse_date(v, lang),
            "bool": parse_bool,
        }.get(column.kind)
        enum_table = ENUM_TABLES.get(column.enum) if column.enum else None
        out = []
        for value, row in zip(cells, rows):
            if isinstance(value, UncomputedFormula):  # never zero, even in an optional column
                self.problem(
                    "formula_uncomputed",
                    row,
                    header,
                    value,
                    ("err.formula_uncomputed.expected", {}),
                    ("err.formula_uncomputed.fix", {}),
                )
                out.append(None)
                continue
            if isinstance(value, str) and value.strip() in FORMULA_ERRORS:
                self.problem(
                    "formula_error",
                    row,
                    header,
                    value,
                    ("err.formula_error.expected", {}),
                    ("err.formula_error.fix", {}),
                )
                out.append(None)
                continue
            if is_blank(value):
                if column.required:
                    self.problem(
                        "value_required",
                        row,
                        header,
                        value,
                        ("err.value_required.expected", {"kind": kind_spec(column)}),
                        ("err.value_required.fix", {}),
                    )
                out.append(None)
                continue
            if isinstance(value, str) and len(value) > EXCEL_CELL_LIMIT:
                self.problem(
                    "cell_too_long",
                    row,
                    header,
                    value,
                    ("err.cell_too_long.expected", {"limit": EXCEL_CELL_LIMIT}),
                    ("err.cell_too_long.fix", {}),
                )
                out.append(None)
                continue
            try:
                if enum_table is not None:
                    parsed = enum_table[normalise(value)]
                elif parse is not None:
                    parsed = parse(value)
                else:
                    parsed = cell_text(value)
                if column.kind == "integer":
                    if not float(parsed).is_integer():
                        raise ValueError(value)
                    parsed = int(parsed)
            except AmbiguousValue as ambiguous:
                self.problem("value_ambiguous", row, header, value, *_ambiguity_specs(column, ambiguous.readings))
                out.append(None)
                continue
            except (ValueError, KeyError, TypeError, OverflowError):
                self.problem(
                    "value_kind",
                    row,
                    header,
                    value,
                    ("err.value_kind.expected", {"kind": kind_spec(column)}),
                    self._kind_fix(column, value),
                )
                out.append(None)
                continue
            if column.kind == "date" and not _PLAUSIBLE_FROM <= parsed <= last:
                self.problem(
                    "date_implausible",
                    row,
                    header,
                    value,
                    ("err.date_implausible.expected", {"first": _PLAUSIBLE_FROM.year, "last": last.date().isoformat()}),
                    ("err.date_implausible.fix", {}),
                )
                out.append(None)
                continue
            if not self._in_range(column, parsed):
                rng = range_spec(column)
                self.problem(
                    "value_range",
                    row,
                    header,
                    value,
                    ("err.value_kind.expected", {"kind": rng}),
                    ("err.value_range.fix", {"range": rng}),
                )
                out.append(None)
                continue
            out.append(parsed)
        return out

    @staticmethod
    def _kind_fix(column: Column, value) -> tuple:
        if column.kind == "enum":
            near = difflib.get_close_matches(normalise(value), list(ENUM_TABLES[column.enum]), n=1, cutoff=0.6)
            if near:
                return (
                    "err.value_kind.fix.enum_near",
                    {"near": EnumLabels(column.enum, (ENUM_TABLES[column.enum][near[0]],))},
                )
        return (f"err.value_kind.fix.{column.kind}", {})

    @staticmethod
    def _in_range(column: Column, value) -> bool:
        if column.kind == "share":
            return 0 <= value <= 1
        if column.minimum is not None:
            if value < column.minimum or (column.exclusive_minimum and value == column.minimum):
                return False
        return column.maximum is None or value <= column.maximum

    # -- the table -------------------------------------------------------------------------
    def read_table(self) -> tuple[pd.DataFrame, list[int]]:
        aliases = column_aliases(self.sheet)
        header_index = find_header(self.raw.rows, aliases)
        nonblank = [r for r in self.raw.rows if any(not is_blank(c) for c in r)]
        if header_index is None:
            if nonblank:  # content, but no recognisable header
                required = ", ".join(c.key for c in self.sheet.columns if c.required)
                self.problem(
                    "header_missing",
                    1,
                    None,
                    nonblank[0][0] if nonblank[0] else None,
                    ("err.header_missing.expected", {"columns": required}),
                    ("err.header_missing.fix", {}),
                )
            return _empty_frame(self.sheet), []
        if header_index > 0:
            self.notices.append(
                Notice("notice.header_row", {"file": self.file, "sheet": self.raw.title, "row": header_index + 1})
            )
        header = list(self.raw.rows[header_index])
        width = len(header)
        positions: dict[str, int] = {}
        extras: dict[str, int] = {}
        for pos, cell in enumerate(header):
            if is_blank(cell):
                continue
            key = aliases.get(normalise(cell))
            name = key or cell_text(cell)
            if name in positions or name in extras:
                self.problem(
                    "column_duplicate",
                    header_index + 1,
                    cell_text(cell),
                    cell,
                    ("err.column_duplicate.expected", {"column": name}),
                    ("err.column_duplicate.fix", {}),
                )
                continue
            (positions if key else extras)[name] = pos
            self.titles[name] = cell_text(cell)
        for col in self.sheet.columns:
            if col.required and col.key not in positions:
                folded = [normalise(e) for e in extras]
                near = difflib.get_close_matches(
                    normalise(col.key), folded, n=1, cutoff=0.75
                ) or difflib.get_close_matches(normalise(t(f"col.{col.key}", "fr")), folded, n=1, cutoff=0.75)
                near_name = next((e for e in extras if normalise(e) in near), None)
                fix = (
                    ("err.column_missing.fix_near", {"near": near_name, "column": col.key})
                    if near_name
                    else ("err.column_missing.fix", {})
                )
                found = ", ".join(cell_text(c) for c in header if not is_blank(c))
                self.problem(
                    "column_missing",
                    header_index + 1,
                    col.key,
                    found,
                    ("err.column_missing.expected", {"column": col.key, "alias": t(f"col.{col.key}", "fr")}),
                    fix,
                )
        body, rows = [], []
        for offset, row in enumerate(self.raw.rows[header_index + 1 :]):
            if all(is_blank(c) for c in row):
                continue
            body.append(tuple(row) + (None,) * (width - len(row)))
            rows.append(header_index + 2 + offset)
        data = {}
        for col in self.sheet.columns:
            if col.key not in positions:
                data[col.key] = [None] * len(body)
                continue
            pos = positions[col.key]
            data[col.key] = self.parse_column(col, [r[pos] for r in body], rows, cell_text(header[pos]))
        for name, pos in extras.items():
            cells = [r[pos] if pos < len(r) else None for r in body]
            if self.sheet.open_numeric:
                data[name] = self.parse_column(Column(name, "number", required=False), cells, rows, name)
            else:
                data[name] = cells
                self.notices.append(
                    Notice("notice.extra_column", {"file": self.file, "sheet": self.raw.title, "column": name})
                )
        return _typed_frame(self.sheet, data, list(extras)), rows

    def read_key_value(self) -> tuple[dict, dict[str, int]]:
        """The `cluster` sheet: one row per key, its value in the next column."""
        keys = {label: self.sheet.column(key) for label, key in column_aliases(self.sheet).items()}
        values, rows, titles = {}, {}, {}
        for index, row in enumerate(self.raw.rows):
            if not row or is_blank(row[0]):
                continue
            label = normalise(row[0])
            if label in (normalise("key"), normalise(t("col.key", "fr"))):
                continue  # the header row
            col = keys.get(label)
            if col is None:
                self.notices.append(
                    Notice(
                        "notice.unknown_key",
                        {"file": self.file, "sheet": self.raw.title, "row": index + 1, "key": cell_text(row[0])},
                    )
                )
                continue
            value = row[1] if len(row) > 1 else None
            titles[col.key] = cell_text(row[0])
            if col.required and is_blank(value):
                rows[col.key] = index + 1
                continue  # reported below, with the fix that fits a key/value sheet
            values[col.key] = self.parse_column(col, [value], [index + 1], cell_text(row[0]))[0]
            rows[col.key] = index + 1
        for col in self.sheet.columns:
            if col.required and col.key not in values:
                self.problem(
                    "value_required",
                    rows.get(col.key),
                    titles.get(col.key, col.key),
                    None,
                    ("err.value_required.expected", {"kind": kind_spec(col)}),
                    ("err.key_required.fix", {"key": t(f"col.{col.key}", "fr"), "key_en": col.key}),
                )
        return values, rows


_DTYPES = {
    "id": "str",
    "ref": "str",
    "text": "str",
    "enum": "str",
    "integer": "Int64",
    "number": "float64",
    "share": "float64",
    "bool": "boolean",
}


def _typed_frame(sheet: Sheet, data: dict, extras: list[str]) -> pd.DataFrame:
    columns = {}
    for col in sheet.columns:
        values = data[col.key]
        if col.kind == "date":
            columns[col.key] = pd.to_datetime(pd.Series(values, dtype="object")).astype("datetime64[ns]")
        else:
            columns[col.key] = pd.Series(values, dtype=_DTYPES[col.kind])
    for name in extras:
        columns[name] = pd.Series(data[name], dtype="float64" if sheet.open_numeric else "object")
    return pd.DataFrame(columns)


def _empty_frame(sheet: Sheet) -> pd.DataFrame:
    return _typed_frame(sheet, {c.key: [] for c in sheet.columns}, [])


def _auxiliary_titles() -> set[str]:
    return {normalise(t(f"sheet.{k}", lang)) for k in AUXILIARY_SHEETS for lang in i18n.LANGUAGES}


def _stated_language(keyed: list[tuple[RawSheet, str]]) -> str | None:
    """The language the cluster card says the cells are typed in; None when it does not say."""
    card = next((raw for raw, key in keyed if SHEETS[key].key_value), None)
    if card is None:
        return None
    values, _ = SheetReader(card, SHEETS["cluster"], [], []).read_key_value()  # read again below, for real
    return values.get("language")


def read_workbook(path, lang: str | None = None, step: str | None = None) -> Workbook:
    """Read and validate a team workbook (``.xlsx``, ``.xlsm``, ``.xls``, ``.ods`` or a folder of CSV files).

    ``lang`` sets the language of the error messages (default: the workbook's own ``language``,
    else French). Numbers and dates typed as text are read in the workbook's own ``language``
    (see :func:`parse_number` and :func:`parse_date`). With ``step``, the sheets that step needs
    must be present and not empty.
    Raises :class:`WorkbookError` listing every problem.
    """
    path = Path(path)
    lent = take(path)  # the runner's reading of the same file, lent to this kernel
    if lent is not None:
        if step is not None:
            lent.require(step, lang or lent.cluster.get("language"))
        return lent
    if not path.exists():
        raise WorkbookError(
            [
                Problem(
                    "file_missing",
                    str(path),
                    value=str(path),
                    expected=("err.file_missing.expected", {}),
                    fix=("err.file_missing.fix", {}),
                )
            ],
            lang,
        )
    try:
        raw_sheets = load_sheets(path)
    except WorkbookError as error:
        raise WorkbookError(error.problems, lang) from None
    if not raw_sheets:  # a folder without a CSV file: nothing would be checked
        raise WorkbookError(
            [
                Problem(
                    "folder_empty",
                    path.name,
                    value=path.name,
                    expected=("err.folder_empty.expected", {}),
                    fix=("err.folder_empty.fix", {}),
                )
            ],
            lang,
        )
    problems: list[Problem] = []
    notices: list[Notice] = []
    lookup = sheet_lookup()
    auxiliary = _auxiliary_titles()
    sheets, rows, titles, cluster, files, column_titles = {}, {}, {}, {}, {}, {}
    keyed = []  # (raw sheet, key) of the contract's sheets, in the workbook's order
    for raw in raw_sheets:
        key = lookup.get(normalise(raw.title))
        if key is None:
            if normalise(raw.title) not in auxiliary:
                near = difflib.get_close_matches(normalise(raw.title), list(lookup), n=1, cutoff=0.75)
                if near:
                    notices.append(
                        Notice(
                            "notice.unknown_sheet_near", {"file": raw.file, "sheet": raw.title, "near": lookup[near[0]]}
                        )
                    )
                else:
                    notices.append(Notice("notice.unknown_sheet", {"file": raw.file, "sheet": raw.title}))
            continue
        if key in titles:
            problems.append(
                Problem(
                    "sheet_duplicate",
                    raw.file,
                    raw.title,
                    value=raw.title,
                    expected=("err.sheet_duplicate.expected", {"sheet": key}),
                    fix=("err.sheet_duplicate.fix", {}),
                )
            )
            continue
        if raw.hidden:
            notices.append(Notice("notice.hidden_sheet", {"file": raw.file, "sheet": raw.title}))
        titles[key], files[key] = raw.title, raw.file
        keyed.append((raw, key))
    typed_in = _stated_language(keyed)
    for raw, key in keyed:
        reader = SheetReader(raw, SHEETS[key], problems, notices, typed_in)
        if SHEETS[key].key_value:
            cluster, _ = reader.read_key_value()
        else:
            sheets[key], rows[key] = reader.read_table()
            column_titles[key] = reader.titles
    wb = Workbook(
        path, cluster, sheets, rows, titles, notices, files, column_titles, _raw_titles=[r.title for r in raw_sheets]
    )
    message_lang = lang or cluster.get("language")
    check_rules(wb, problems)  # cells that failed to parse are missing here, so never reported twice
    if problems:
        order = {title: i for i, title in enumerate(r.title for r in raw_sheets)}
        problems.sort(key=lambda p: (order.get(p.sheet, -1), p.row or 0))  # stable: columns stay in order
        raise WorkbookError(problems, message_lang)
    if step is not None:
        wb.require(step, message_lang)
    return wb


def example_path(lang: str | None = None) -> Path:
    """The packaged example workbook (a fictional cluster): the English one for ``lang="en"``,
    else the French one (the same cluster and numbers, the team's texts in the other language)."""
    from importlib import resources

    name = "example_cluster_en.xlsx" if lang == "en" else "example_cluster.xlsx"
    return Path(str(resources.files("clusterkit.example").joinpath(name)))
