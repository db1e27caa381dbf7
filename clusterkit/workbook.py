"""The team workbook, read and validated in one place.

:func:`read_workbook` turns an ``.xlsx`` file or a folder of CSV files into one typed DataFrame per
sheet, or raises :class:`WorkbookError` holding *every* problem found, each naming the file, the
sheet, the row as Excel numbers it, the column, the value found, what was expected and how to fix
it, in French or English. Everything downstream can then trust its input.
"""
from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import math
import os
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import i18n
from .errors import ClusterkitError
from .i18n import t
from .schema import ENUMS, SHEETS, SKILL_COMPETENCY, STEP_SHEETS, Column, Sheet

MAX_NUMBER = 2.0**53  # beyond this, whole numbers lose precision: certainly a typing error
DATE_RANGE = (dt.datetime(1800, 1, 1), dt.datetime(2200, 12, 31, 23, 59, 59, 999999))  # what a cluster's data can mean
EXCEL_CELL_LIMIT = 32_767  # Excel's own limit on characters in one cell
FORMULA_ERRORS = {"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#SPILL!", "#CALC!"}
AUXILIARY_SHEETS = {"instructions", "lists"}  # written by `workbook new`, never data
HEADER_SCAN_ROWS = 10
DEFAULT_MAX_MB = 200


# --------------------------------------------------------------------------------------------
# Problems
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Problem:
    """One thing wrong in the workbook. ``expected`` and ``fix`` are catalogue keys + values."""

    code: str
    file: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: object = None
    expected: tuple = ()   # (catalogue key, {placeholders})
    fix: tuple = ()

    def message(self, lang: str = i18n.DEFAULT_LANG) -> str:
        if self.row is not None:
            where = t("err.where", lang, file=self.file, sheet=self.sheet, row=self.row, column=self.column or "—")
        elif self.sheet is not None:
            where = t("err.where_sheet", lang, file=self.file, sheet=self.sheet)
        else:
            where = t("err.where_file", lang, file=self.file)
        parts = self.parts(lang)
        return t("err.line", lang, where=where, value=parts["value"], expected=parts["expected"], fix=parts["fix"])

    def parts(self, lang: str = i18n.DEFAULT_LANG) -> dict:
        """The problem as table cells (``sheet``, ``row``, ``column``, ``value``, ``expected``,
        ``fix``), rendered in ``lang``: what the app lists and a team sorts."""
        value = self.value(lang) if callable(self.value) else self.value
        value = t("err.empty_value", lang) if _is_blank(value) else _shorten(str(value))
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "value": value,
                "expected": _render(self.expected, lang), "fix": _render(self.fix, lang)}


def _render(spec: tuple, lang: str) -> str:
    key, values = spec
    # placeholders may be specs or labels to render in the message's own language
    values = {k: _render(v, lang) if isinstance(v, tuple) else v(lang) if callable(v) else v
              for k, v in values.items()}
    return t(key, lang, **values)


@dataclass(frozen=True)
class EnumLabels:
    """The labels of enumeration values, rendered in the language of the message."""

    enum: str
    values: tuple[str, ...]

    def __call__(self, lang: str) -> str:
        return ", ".join(t(f"enum.{self.enum}.{v}", lang) for v in self.values)


def _shorten(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class WorkbookError(ClusterkitError):
    """Every problem found in a workbook; ``str()`` gives the full message in ``lang``."""

    def __init__(self, problems: list[Problem], lang: str | None = None):
        self.problems = list(problems)
        self.lang = i18n.check_lang(lang)
        super().__init__(self.format(self.lang))

    def format(self, lang: str | None = None) -> str:
        lang = i18n.check_lang(lang or self.lang)
        files = sorted({p.file for p in self.problems})
        lines = [t("err.header", lang, count=len(self.problems), file=", ".join(files))]
        lines += ["- " + p.message(lang) for p in self.problems]
        return "\n".join(lines)


@dataclass(frozen=True)
class Notice:
    """Something worth knowing that is not an error (an extra column kept, a hidden sheet read)."""

    key: str
    values: dict = field(default_factory=dict)

    def message(self, lang: str = i18n.DEFAULT_LANG) -> str:
        return t(self.key, lang, **self.values)


# --------------------------------------------------------------------------------------------
# The workbook
# --------------------------------------------------------------------------------------------
@dataclass
class Workbook:
    """One typed DataFrame per sheet present, with the cluster's identity card."""

    source: Path
    cluster: dict
    sheets: dict[str, pd.DataFrame]
    excel_rows: dict[str, list[int]]
    sheet_titles: dict[str, str]
    notices: list[Notice]
    files: dict[str, str] = field(default_factory=dict)          # sheet -> file name (CSV folders)
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
                problems.append(Problem("sheet_empty", self.files.get(key, self.source.name), self.sheet_titles[key],
                                        value=None,
                                        expected=("err.sheet_empty.expected", {"step": step}),
                                        fix=("err.sheet_empty.fix", {})))
        if problems:
            raise WorkbookError(problems, lang or self.lang)

    _raw_titles: list[str] = field(default_factory=list, repr=False)


def _sheet_missing_problem(file: str, key: str, step: str, titles: list[str]) -> Problem:
    alias = t(f"sheet.{key}", "fr")
    near = difflib.get_close_matches(_norm(key), [_norm(x) for x in titles], n=1, cutoff=0.75) or \
        difflib.get_close_matches(_norm(alias), [_norm(x) for x in titles], n=1, cutoff=0.75)
    near_title = next((x for x in titles if _norm(x) in near), None)
    fix = ("err.sheet_missing.fix_near", {"near": near_title, "sheet": key}) if near_title \
        else ("err.sheet_missing.fix", {})
    return Problem("sheet_missing", file, sheet=key, value=", ".join(titles),
                   expected=("err.sheet_missing.expected", {"sheet": key, "alias": alias, "step": step}), fix=fix)


# --------------------------------------------------------------------------------------------
# Reading raw sheets from .xlsx or CSV
# --------------------------------------------------------------------------------------------
@dataclass
class RawSheet:
    title: str
    rows: list[tuple]
    file: str
    hidden: bool = False


def max_bytes() -> int:
    """The largest uncompressed workbook accepted (``CLUSTERKIT_MAX_MB``, default 200 MB)."""
    return int(float(os.environ.get("CLUSTERKIT_MAX_MB", DEFAULT_MAX_MB)) * 1024 * 1024)


def _load_raw(path: Path) -> list[RawSheet]:
    if path.is_dir():
        return _load_csv_folder(path)
    if path.suffix.lower() == ".csv":
        return _load_csv_folder(path.parent, only=path)
    return _load_xlsx(path)


def _load_xlsx(path: Path) -> list[RawSheet]:
    import openpyxl  # imported here: CSV-only users never pay for it

    unreadable = Problem("file_unreadable", path.name, value=path.name,
                         expected=("err.file_unreadable.expected", {}), fix=("err.file_unreadable.fix", {}))
    try:
        with zipfile.ZipFile(path) as archive:
            size = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError):  # not a zip: another format renamed, or encrypted (OLE)
        raise WorkbookError([unreadable]) from None
    if size > max_bytes():
        limit = round(max_bytes() / 1024 / 1024)
        raise WorkbookError([Problem("file_too_large", path.name, value=f"{size / 1024 / 1024:.0f} MB",
                                     expected=("err.file_too_large.expected", {"limit": limit}),
                                     fix=("err.file_too_large.fix", {}))])
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a damaged package
        raise WorkbookError([unreadable]) from None
    try:
        sheets = []
        for ws in book.worksheets:
            ws.reset_dimensions()  # some writers record a wrong size; read what is there
            rows = [tuple(r) for r in ws.iter_rows(min_row=1, values_only=True)]
            sheets.append(RawSheet(ws.title, rows, path.name, hidden=ws.sheet_state != "visible"))
        return sheets
    except Exception:  # a damaged sheet (truncated XML...) shows only when its rows are parsed
        raise WorkbookError([unreadable]) from None
    finally:
        book.close()


def _load_csv_folder(folder: Path, only: Path | None = None) -> list[RawSheet]:
    files = [only] if only else sorted(folder.glob("*.csv"))
    sheets = []
    for file in files:
        if file.stat().st_size > max_bytes():
            limit = round(max_bytes() / 1024 / 1024)
            raise WorkbookError([Problem("file_too_large", file.name, value=f"{file.stat().st_size >> 20} MB",
                                         expected=("err.file_too_large.expected", {"limit": limit}),
                                         fix=("err.file_too_large.fix", {}))])
        data = file.read_bytes()
        bom = data.startswith((b"\xff\xfe", b"\xfe\xff"))  # Excel's "Unicode text" is UTF-16
        for encoding in (("utf-16",) if bom else ()) + ("utf-8-sig", "cp1252", "latin-1"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        sample = text[:20_000]
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        rows = [tuple(r) for r in csv.reader(io.StringIO(text, newline=""), dialect)]
        sheets.append(RawSheet(file.stem, rows, file.name))
    return sheets


# --------------------------------------------------------------------------------------------
# Cell parsing
# --------------------------------------------------------------------------------------------
def _norm(text) -> str:
    """Fold case, accents, underscores, hyphens and spaces so that labels match loosely."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    for sep in "_-'’":
        text = text.replace(sep, " ")
    return " ".join(text.split())


def _is_blank(value) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip() == ""


def parse_number(value) -> float:
    """Read ``0.45``, ``45%``, ``0,45``, ``1 234,5`` or ``1,234.5``; raise ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int) and abs(value) > MAX_NUMBER:
        raise ValueError(value)  # checked before float() rounds it down to the limit
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = str(value).strip()
        for space in ("\u00a0", "\u202f", " ", "'"):
            text = text.replace(space, "")
        percent = text.endswith("%")
        if percent:
            text = text[:-1]
        if "," in text and "." in text:  # the last separator is the decimal one
            text = text.replace(".", "").replace(",", ".") if text.rfind(",") > text.rfind(".") \
                else text.replace(",", "")
        elif text.count(",") == 1:  # French decimal comma
            text = text.replace(",", ".")
        elif text.count(",") > 1:  # thousands separators
            text = text.replace(",", "")
        if text.lstrip("+-").isdigit() and abs(int(text)) > MAX_NUMBER:
            raise ValueError(value)  # float() would round it down to the limit unnoticed
        number = float(text)
        if percent:
            number /= 100
    if math.isnan(number) or math.isinf(number) or abs(number) > MAX_NUMBER:
        raise ValueError(value)
    return number


_EXCEL_EPOCH = dt.datetime(1899, 12, 30)


def parse_date(value) -> pd.Timestamp:
    """Read an Excel date (cell or serial number) or ISO text, between 1800 and 2200;
    raise ValueError otherwise."""
    stamp = _to_timestamp(value)
    if not DATE_RANGE[0] <= stamp <= DATE_RANGE[1]:
        raise ValueError(value)
    return stamp


def _to_timestamp(value) -> pd.Timestamp:
    if isinstance(value, dt.datetime):
        return pd.Timestamp(value)
    if isinstance(value, dt.date):
        return pd.Timestamp(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value <= 2_958_465:  # Excel's range of serial dates
            return pd.Timestamp(_EXCEL_EPOCH + dt.timedelta(days=float(value)))
        raise ValueError(value)
    text = str(value).strip()
    try:
        return pd.Timestamp(dt.datetime.fromisoformat(text))
    except ValueError:
        if text.replace(".", "", 1).isdigit():
            return _to_timestamp(float(text))
        raise


_TRUE = {"yes", "y", "oui", "o", "true", "vrai", "1", "x"}
_FALSE = {"no", "n", "non", "false", "faux", "0"}


def parse_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = _norm(value)
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(value)


def _enum_lookup(name: str) -> dict[str, str]:
    """Every accepted spelling of every value of an enumeration, folded, to its canonical key."""
    table = {}
    for value in ENUMS[name]:
        for spelling in (value, t(f"enum.{name}.{value}", "fr"), t(f"enum.{name}.{value}", "en")):
            table[_norm(spelling)] = value
    return table


_ENUM_TABLES = {name: _enum_lookup(name) for name in ENUMS}


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # an id typed as a number in Excel: 12, not 12.0
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value).strip()


def _kind_spec(column: Column) -> tuple:
    """The catalogue spec of what a column expects, with its range when it has one."""
    if column.kind == "enum":
        return ("kind.enum", {"values": EnumLabels(column.enum, ENUMS[column.enum])})
    if column.kind == "ref":
        return ("kind.ref", {"target": f"{column.ref[0]}.{column.ref[1]}"})
    return (f"kind.{column.kind}", {})


def _range_spec(column: Column) -> tuple | None:
    low, high = (0, 1) if column.kind == "share" else (column.minimum, column.maximum)
    if low is not None and high is not None:
        return ("kind.range", {"low": _fmt(low), "high": _fmt(high)})
    if low is not None:
        return ("kind.above" if column.exclusive_minimum else "kind.at_least", {"low": _fmt(low)})
    if high is not None:
        return ("kind.at_most", {"high": _fmt(high)})
    return None


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


class _SheetReader:
    """Parses one raw sheet against its schema, collecting problems instead of stopping."""

    def __init__(self, raw: RawSheet, sheet: Sheet, problems: list, notices: list):
        self.file, self.raw, self.sheet = raw.file, raw, sheet
        self.problems, self.notices = problems, notices
        self.titles: dict[str, str] = {}  # canonical key -> header as the team wrote it

    def problem(self, code, row=None, column=None, value=None, expected=(), fix=()):
        self.problems.append(Problem(code, self.file, self.raw.title, row, column, value, expected, fix))

    # -- header --------------------------------------------------------------------------
    def aliases(self) -> dict[str, str]:
        table = {}
        for col in self.sheet.columns:
            for spelling in (col.key, t(f"col.{col.key}", "fr")):
                table[_norm(spelling)] = col.key
        return table

    def find_header(self, aliases: dict[str, str]) -> int | None:
        best, best_hits = None, 0
        for i, row in enumerate(self.raw.rows[:HEADER_SCAN_ROWS]):
            hits = sum(1 for cell in row if not _is_blank(cell) and _norm(cell) in aliases)
            if hits > best_hits:
                best, best_hits = i, hits
        return best

    # -- cells ---------------------------------------------------------------------------
    def parse_column(self, column: Column, cells: list, rows: list[int], header: str) -> list:
        parse = {"integer": parse_number, "number": parse_number, "share": parse_number,
                 "date": parse_date, "bool": parse_bool}.get(column.kind)
        enum_table = _ENUM_TABLES.get(column.enum) if column.enum else None
        out = []
        for value, row in zip(cells, rows):
            if isinstance(value, str) and value.strip() in FORMULA_ERRORS:
                self.problem("formula_error", row, header, value,
                             ("err.formula_error.expected", {}), ("err.formula_error.fix", {}))
                out.append(None)
                continue
            if _is_blank(value):
                if column.required:
                    self.problem("value_required", row, header, value,
                                 ("err.value_required.expected", {"kind": _kind_spec(column)}),
                                 ("err.value_required.fix", {}))
                out.append(None)
                continue
            if isinstance(value, str) and len(value) > EXCEL_CELL_LIMIT:
                self.problem("cell_too_long", row, header, value,
                             ("err.cell_too_long.expected", {"limit": EXCEL_CELL_LIMIT}),
                             ("err.cell_too_long.fix", {}))
                out.append(None)
                continue
            try:
                if enum_table is not None:
                    parsed = enum_table[_norm(value)]
                elif parse is not None:
                    parsed = parse(value)
                else:
                    parsed = _text(value)
                if column.kind == "integer":
                    if not float(parsed).is_integer():
                        raise ValueError(value)
                    parsed = int(parsed)
            except (ValueError, KeyError, TypeError, OverflowError):
                self.problem("value_kind", row, header, value,
                             ("err.value_kind.expected", {"kind": _kind_spec(column)}), self._kind_fix(column, value))
                out.append(None)
                continue
            if not self._in_range(column, parsed):
                rng = _range_spec(column)
                self.problem("value_range", row, header, value, ("err.value_kind.expected", {"kind": rng}),
                             ("err.value_range.fix", {"range": rng}))
                out.append(None)
                continue
            out.append(parsed)
        return out

    @staticmethod
    def _kind_fix(column: Column, value) -> tuple:
        if column.kind == "enum":
            near = difflib.get_close_matches(_norm(value), list(_ENUM_TABLES[column.enum]), n=1, cutoff=0.6)
            if near:
                return ("err.value_kind.fix.enum_near",
                        {"near": EnumLabels(column.enum, (_ENUM_TABLES[column.enum][near[0]],))})
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
        aliases = self.aliases()
        header_index = self.find_header(aliases)
        nonblank = [r for r in self.raw.rows if any(not _is_blank(c) for c in r)]
        if header_index is None:
            if nonblank:  # content, but no recognisable header
                required = ", ".join(c.key for c in self.sheet.columns if c.required)
                self.problem("header_missing", 1, None, nonblank[0][0] if nonblank[0] else None,
                             ("err.header_missing.expected", {"columns": required}), ("err.header_missing.fix", {}))
            return _empty_frame(self.sheet), []
        if header_index > 0:
            self.notices.append(Notice("notice.header_row", {"file": self.file, "sheet": self.raw.title,
                                                              "row": header_index + 1}))
        header = list(self.raw.rows[header_index])
        width = len(header)
        positions: dict[str, int] = {}
        extras: dict[str, int] = {}
        for pos, cell in enumerate(header):
            if _is_blank(cell):
                continue
            key = aliases.get(_norm(cell))
            name = key or _text(cell)
            if name in positions or name in extras:
                self.problem("column_duplicate", header_index + 1, _text(cell), cell,
                             ("err.column_duplicate.expected", {"column": name}), ("err.column_duplicate.fix", {}))
                continue
            (positions if key else extras)[name] = pos
            self.titles[name] = _text(cell)
        for col in self.sheet.columns:
            if col.required and col.key not in positions:
                near = difflib.get_close_matches(_norm(col.key), [_norm(e) for e in extras], n=1, cutoff=0.75) or \
                    difflib.get_close_matches(_norm(t(f"col.{col.key}", "fr")), [_norm(e) for e in extras], n=1, cutoff=0.75)
                near_name = next((e for e in extras if _norm(e) in near), None)
                fix = ("err.column_missing.fix_near", {"near": near_name, "column": col.key}) if near_name \
                    else ("err.column_missing.fix", {})
                found = ", ".join(_text(c) for c in header if not _is_blank(c))
                self.problem("column_missing", header_index + 1, col.key, found,
                             ("err.column_missing.expected", {"column": col.key, "alias": t(f"col.{col.key}", "fr")}),
                             fix)
        body, rows = [], []
        for offset, row in enumerate(self.raw.rows[header_index + 1:]):
            if all(_is_blank(c) for c in row):
                continue
            body.append(tuple(row) + (None,) * (width - len(row)))
            rows.append(header_index + 2 + offset)
        data = {}
        for col in self.sheet.columns:
            if col.key not in positions:
                data[col.key] = [None] * len(body)
                continue
            pos = positions[col.key]
            data[col.key] = self.parse_column(col, [r[pos] for r in body], rows, _text(header[pos]))
        for name, pos in extras.items():
            cells = [r[pos] if pos < len(r) else None for r in body]
            if self.sheet.open_numeric:
                data[name] = self.parse_column(Column(name, "number", required=False), cells, rows, name)
            else:
                data[name] = cells
                self.notices.append(Notice("notice.extra_column",
                                           {"file": self.file, "sheet": self.raw.title, "column": name}))
        return _typed_frame(self.sheet, data, list(extras)), rows

    def read_key_value(self) -> tuple[dict, dict[str, int]]:
        """The `cluster` sheet: one row per key, its value in the next column."""
        keys = {}
        for col in self.sheet.columns:
            for spelling in (col.key, t(f"col.{col.key}", "fr")):
                keys[_norm(spelling)] = col
        values, rows, titles = {}, {}, {}
        for index, row in enumerate(self.raw.rows):
            if not row or _is_blank(row[0]):
                continue
            label = _norm(row[0])
            if label in (_norm("key"), _norm(t("col.key", "fr"))):
                continue  # the header row
            col = keys.get(label)
            if col is None:
                self.notices.append(Notice("notice.unknown_key", {"file": self.file, "sheet": self.raw.title,
                                                                  "row": index + 1, "key": _text(row[0])}))
                continue
            value = row[1] if len(row) > 1 else None
            titles[col.key] = _text(row[0])
            if col.required and _is_blank(value):
                rows[col.key] = index + 1
                continue  # reported below, with the fix that fits a key/value sheet
            values[col.key] = self.parse_column(col, [value], [index + 1], _text(row[0]))[0]
            rows[col.key] = index + 1
        for col in self.sheet.columns:
            if col.required and col.key not in values:
                self.problem("value_required", rows.get(col.key), titles.get(col.key, col.key), None,
                             ("err.value_required.expected", {"kind": _kind_spec(col)}),
                             ("err.key_required.fix", {"key": t(f"col.{col.key}", "fr"), "key_en": col.key}))
        return values, rows


_DTYPES = {"id": "str", "ref": "str", "text": "str", "enum": "str", "integer": "Int64",
           "number": "float64", "share": "float64", "bool": "boolean"}


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


# --------------------------------------------------------------------------------------------
# Cross-sheet rules
# --------------------------------------------------------------------------------------------
def _check_rules(wb: Workbook, problems: list[Problem]) -> None:
    def add(code, key, index, column, value, expected, fix):
        titles = wb.column_titles.get(key, {})
        shown = ", ".join(titles.get(c.strip(), c.strip()) for c in column.split(","))
        problems.append(Problem(code, wb.files[key], wb.sheet_titles[key], wb.excel_rows[key][index], shown, value,
                                expected, fix))

    for key, frame in wb.sheets.items():
        sheet = SHEETS[key]
        id_cols = (sheet.id_column,) if sheet.id_column else ()
        for cols in ([id_cols] if id_cols else []) + ([sheet.unique_together] if sheet.unique_together else []):
            keyed = frame[list(cols)].dropna()
            dup = keyed.duplicated(keep=False)
            first_seen: dict = {}
            for index, values in keyed[dup].iterrows():
                ident = tuple(values)
                if ident not in first_seen:
                    first_seen[ident] = wb.excel_rows[key][index]
                    continue
                if len(cols) == 1:
                    add("id_duplicate", key, index, cols[0], ident[0],
                        ("err.id_duplicate.expected", {"first": first_seen[ident]}), ("err.id_duplicate.fix", {}))
                else:
                    add("key_duplicate", key, index, ", ".join(cols), " / ".join(map(str, ident)),
                        ("err.key_duplicate.expected", {"columns": ", ".join(cols), "first": first_seen[ident]}),
                        ("err.key_duplicate.fix", {}))
        for col in sheet.columns:
            if col.kind != "ref" or col.key not in frame:
                continue
            target_sheet, target_col = col.ref
            used = frame[col.key].dropna()
            if used.empty:
                continue
            known = set(wb.sheets[target_sheet][target_col].dropna()) if target_sheet in wb.sheets else set()
            fix = ("err.ref_unknown.fix", {"sheet": target_sheet}) if target_sheet in wb.sheets \
                else ("err.ref_sheet_missing.fix", {"sheet": target_sheet})
            for index, value in used[~used.isin(known)].items():
                add("ref_unknown", key, index, col.key, value,
                    ("err.ref_unknown.expected", {"column": target_col, "sheet": target_sheet}), fix)

    if "criteria" in wb.sheets and "candidates" in wb.sheets:
        fixed = {c.key for c in SHEETS["candidates"].columns}
        numeric = [c for c in wb["candidates"].columns if c not in fixed]
        for index, criterion in wb["criteria"]["criterion"].dropna().items():
            if criterion not in numeric:
                add("criterion_column", "criteria", index, "criterion", criterion,
                    ("err.criterion_column.expected", {"sheet": "candidates", "columns": ", ".join(numeric) or "—"}),
                    ("err.criterion_column.fix", {}))

    if "enterprises" in wb.sheets:
        firms = wb["enterprises"]
        over = firms["employees_women"] > firms["employees"]
        for index in firms.index[over.fillna(False).astype(bool)]:
            add("women_exceed", "enterprises", index, "employees_women", firms.at[index, "employees_women"],
                ("err.women_exceed.expected", {"total": firms.at[index, "employees"]}), ("err.women_exceed.fix", {}))

    for key, first, last in (("actions", "start", "end"), ("indicators", "baseline_date", "target_date")):
        if key not in wb.sheets:
            continue
        frame = wb[key]
        for index in frame.index[(frame[last] < frame[first]).fillna(False).astype(bool)]:
            add("date_order", key, index, last, frame.at[index, last].date(),
                ("err.date_order.expected", {"other": first, "other_value": frame.at[index, first].date()}),
                ("err.date_order.fix", {}))

    if "competencies" in wb.sheets:
        frame = wb["competencies"]
        expected_comp = frame["skill"].map(SKILL_COMPETENCY)
        wrong = frame["competency"].notna() & expected_comp.notna() & (frame["competency"] != expected_comp)
        for index in frame.index[wrong]:
            competency = frame.at[index, "competency"]
            skills = tuple(s for s, c in SKILL_COMPETENCY.items() if c == competency)
            add("skill_competency", "competencies", index, "skill", EnumLabels("skill", (frame.at[index, "skill"],)),
                ("err.skill_competency.expected", {"competency": EnumLabels("competency", (competency,)),
                                                   "skills": EnumLabels("skill", skills)}),
                ("err.skill_competency.fix", {}))


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------
def _sheet_lookup() -> dict[str, str]:
    table = {}
    for key in SHEETS:
        for lang in i18n.LANGUAGES:
            table[_norm(t(f"sheet.{key}", lang))] = key
        table[_norm(key)] = key
    return table


def read_workbook(path, lang: str | None = None, step: str | None = None) -> Workbook:
    """Read and validate a team workbook (``.xlsx`` or a folder of CSV files).

    ``lang`` sets the language of the error messages (default: the workbook's own ``language``,
    else French). With ``step``, the sheets that step needs must be present and not empty.
    Raises :class:`WorkbookError` listing every problem.
    """
    path = Path(path)
    if not path.exists():
        raise WorkbookError([Problem("file_missing", str(path), value=str(path),
                                     expected=("err.file_missing.expected", {}), fix=("err.file_missing.fix", {}))],
                            lang)
    try:
        raw_sheets = _load_raw(path)
    except WorkbookError as error:
        raise WorkbookError(error.problems, lang) from None
    problems: list[Problem] = []
    notices: list[Notice] = []
    lookup = _sheet_lookup()
    auxiliary = {_norm(t(f"sheet.{k}", lang_)) for k in AUXILIARY_SHEETS for lang_ in i18n.LANGUAGES}
    sheets, rows, titles, cluster, files, column_titles = {}, {}, {}, {}, {}, {}
    for raw in raw_sheets:
        key = lookup.get(_norm(raw.title))
        if key is None:
            if _norm(raw.title) not in auxiliary:
                near = difflib.get_close_matches(_norm(raw.title), list(lookup), n=1, cutoff=0.75)
                if near:
                    notices.append(Notice("notice.unknown_sheet_near",
                                          {"file": raw.file, "sheet": raw.title, "near": lookup[near[0]]}))
                else:
                    notices.append(Notice("notice.unknown_sheet", {"file": raw.file, "sheet": raw.title}))
            continue
        if key in titles:
            problems.append(Problem("sheet_duplicate", raw.file, raw.title, value=raw.title,
                                    expected=("err.sheet_duplicate.expected", {"sheet": key}),
                                    fix=("err.sheet_duplicate.fix", {})))
            continue
        if raw.hidden:
            notices.append(Notice("notice.hidden_sheet", {"file": raw.file, "sheet": raw.title}))
        titles[key], files[key] = raw.title, raw.file
        reader = _SheetReader(raw, SHEETS[key], problems, notices)
        if SHEETS[key].key_value:
            cluster, _ = reader.read_key_value()
        else:
            sheets[key], rows[key] = reader.read_table()
            column_titles[key] = reader.titles
    wb = Workbook(path, cluster, sheets, rows, titles, notices, files, column_titles,
                  _raw_titles=[r.title for r in raw_sheets])
    message_lang = lang or cluster.get("language")
    _check_rules(wb, problems)  # cells that failed to parse are missing here, so never reported twice
    if problems:
        order = {title: i for i, title in enumerate(r.title for r in raw_sheets)}
        problems.sort(key=lambda p: (order.get(p.sheet, -1), p.row or 0))  # stable: columns stay in order
        raise WorkbookError(problems, message_lang)
    if step is not None:
        wb.require(step, message_lang)
    return wb


def example_path() -> Path:
    """The packaged example workbook (a fictional cluster)."""
    from importlib import resources

    return Path(str(resources.files("clusterkit.example").joinpath("example_cluster.xlsx")))
