"""Raw sheets from a workbook file or a folder of CSV files, cells as stored.

Spreadsheets (.xlsx, .xlsm, .xls, .ods) are read with calamine (python-calamine): it reads the
formats and is several times faster than openpyxl. What calamine cannot tell, a formula error or a
formula never computed, is found in the .xlsx file's XML. CSV files are decoded and split by
matching their first rows against the sheet's expected header. Reading the values is
:mod:`~clusterkit.workbook.reader`'s job.
"""

from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from defusedxml import ElementTree as ET

from .. import i18n
from ..i18n import t
from ..schema import SHEETS, Sheet
from .cells import MAX_NUMBER, UncomputedFormula, is_blank, normalise
from .problems import Problem, WorkbookError

HEADER_SCAN_ROWS = 10
DEFAULT_MAX_MB = 200
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@dataclass
class RawSheet:
    """One sheet as stored: its title, its rows of cells from A1 on, the file it came from."""

    title: str
    rows: list[tuple]
    file: str
    hidden: bool = False


def max_bytes() -> int:
    """The largest uncompressed workbook accepted (``CLUSTERKIT_MAX_MB``, default 200 MB)."""
    return int(float(os.environ.get("CLUSTERKIT_MAX_MB", DEFAULT_MAX_MB)) * 1024 * 1024)


def too_large(file: str, size: int) -> WorkbookError:
    """The error for a file whose uncompressed ``size`` is over :func:`max_bytes`."""
    limit = round(max_bytes() / 1024 / 1024)
    return WorkbookError(
        [
            Problem(
                "file_too_large",
                file,
                value=f"{size / 1024 / 1024:.0f} MB",
                expected=("err.file_too_large.expected", {"limit": limit}),
                fix=("err.file_too_large.fix", {}),
            )
        ]
    )


SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")  # the files read as spreadsheets, CSV aside


def load_sheets(path: Path) -> list[RawSheet]:
    """The raw sheets of a workbook file, a CSV file or a folder of CSV files, cells as stored."""
    if path.is_dir():
        return _load_csv_folder(path)
    if path.suffix.lower() == ".csv":
        return _load_csv_folder(path.parent, only=path)
    return _load_spreadsheet(path)


def _load_spreadsheet(path: Path) -> list[RawSheet]:
    """The sheets of an .xlsx, .xlsm, .xls or .ods file, read with calamine, cells from A1 on.

    An empty cell is None. In an .xlsx file, a formula error is its code (``#DIV/0!``) and a
    formula never computed is an :class:`UncomputedFormula`, as calamine gives both as empty. The
    size of the uncompressed file is checked before anything is inflated (zip bombs).
    """
    import python_calamine  # imported here: CSV-only users never pay for it

    unreadable = Problem(
        "file_unreadable",
        path.name,
        value=path.name,
        expected=("err.file_unreadable.expected", {}),
        fix=("err.file_unreadable.fix", {}),
    )
    special: dict[str, dict[tuple[int, int], str]] = {}
    if path.suffix.lower() == ".xls":  # an OLE file, read as it is stored
        if path.stat().st_size > max_bytes():
            raise too_large(path.name, path.stat().st_size)
    else:
        try:
            with zipfile.ZipFile(path) as archive:
                size = sum(info.file_size for info in archive.infolist())
                if size > max_bytes():
                    raise too_large(path.name, size)
                special = _special_cells(archive)
        except (zipfile.BadZipFile, OSError, KeyError, ValueError, SyntaxError):
            # not a zip (another format renamed, or encrypted), a damaged sheet, or an XML bomb refused
            raise WorkbookError([unreadable]) from None
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception:  # calamine raises several types for a damaged or foreign file
        raise WorkbookError([unreadable]) from None
    try:
        sheets = []
        for meta in book.sheets_metadata:
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue  # a chart sheet holds no cells
            rows = [
                [_cell_value(cell) for cell in row]
                for row in book.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
            ]
            for (r, c), value in special.get(meta.name, {}).items():
                rows.extend([] for _ in range(r + 1 - len(rows)))
                rows[r].extend([None] * (c + 1 - len(rows[r])))
                rows[r][c] = value
            sheets.append(
                RawSheet(
                    meta.name,
                    [tuple(r) for r in rows],
                    path.name,
                    hidden=meta.visible != python_calamine.SheetVisibleEnum.Visible,
                )
            )
        return sheets
    except Exception:  # a damaged sheet shows only when its cells are parsed
        raise WorkbookError([unreadable]) from None
    finally:
        book.close()


def _cell_value(cell):
    """A cell as the rest of the reader takes it: None when empty, a whole number as an int
    (calamine gives every number as a float; ``12``, not ``12.0``, is what the team typed)."""
    if cell == "":
        return None
    if type(cell) is float and cell.is_integer() and abs(cell) <= MAX_NUMBER:
        return int(cell)
    return cell


_FORMULA_OR_ERROR = (b"f>", b"<f ", b't="e"')  # <f>, </f>, <x:f>, <f t="shared" .../>, an error cell
_CELL_REF = re.compile(r"([A-Z]+)(\d+)")


def _special_cells(archive: zipfile.ZipFile) -> dict[str, dict[tuple[int, int], str]]:
    """Per sheet title of an .xlsx file, the cells (0-based row, column) holding a formula error or a
    formula that was never computed; sheets without either are not parsed. Raises ValueError when an
    XML part of the file (.xlsx or .ods) declares a document type: no spreadsheet writes one, an
    entity-expansion bomb needs one."""
    sheet_parts = _xlsx_sheet_parts(archive) if "xl/workbook.xml" in archive.namelist() else {}
    found = {}
    for name in archive.namelist():
        if not name.endswith((".xml", ".rels")):
            continue
        data = archive.read(name)
        if b"<!DOCTYPE" in data:
            raise ValueError(f"{name} declares a document type")
        if name in sheet_parts and any(marker in data for marker in _FORMULA_OR_ERROR):
            found[sheet_parts[name]] = _special_cells_of(data)
    return found


def _xlsx_sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each worksheet's part in the package (``xl/worksheets/sheet1.xml``) to its title."""
    rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
    parts = {}
    for sheet in ET.fromstring(archive.read("xl/workbook.xml")).iter(f"{{{_MAIN_NS}}}sheet"):
        target = targets.get(sheet.get(f"{{{_REL_NS}}}id"), "")
        parts[target.lstrip("/") if target.startswith("/") else "xl/" + target] = sheet.get("name")
    return parts


def _special_cells_of(data: bytes) -> dict[tuple[int, int], str]:
    special, row, col = {}, -1, -1
    for event, element in ET.iterparse(io.BytesIO(data), events=("start", "end")):
        tag = element.tag.rpartition("}")[2]
        if event == "start":
            if tag == "row":
                row, col = int(element.get("r", row + 2)) - 1, -1
            continue
        if tag != "c":
            continue
        ref = _CELL_REF.fullmatch(element.get("r", ""))
        row, col = (int(ref.group(2)) - 1, _column_index(ref.group(1))) if ref else (row, col + 1)
        formula, value = element.find("{*}f"), element.find("{*}v")
        if element.get("t") == "e" and value is not None and value.text:
            special[(row, col)] = value.text
        elif formula is not None and (value is None or not value.text) and element.get("t") != "str":
            # a formula Excel computed to empty text is t="str"; with no value at all, never computed
            special[(row, col)] = UncomputedFormula("=" + (formula.text or ""))
        element.clear()
    return special


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


_CSV_SEPARATORS = (";", ",", "\t")
_CSV_ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")


def _load_csv_folder(folder: Path, only: Path | None = None) -> list[RawSheet]:
    files = [only] if only else sorted(folder.glob("*.csv"))
    lookup = sheet_lookup()
    sheets = []
    for file in files:
        if file.stat().st_size > max_bytes():
            raise too_large(file.name, file.stat().st_size)
        sheet = SHEETS.get(lookup.get(normalise(file.stem), ""))
        text, separator = _csv_layout(file.read_bytes(), set(column_aliases(sheet)) if sheet else set())
        rows = [tuple(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=separator)]
        sheets.append(RawSheet(file.stem, rows, file.name))
    return sheets


def find_header(rows: list[tuple], aliases: dict[str, str]) -> int | None:
    """The index of the header among the first rows: the row holding the most known headers
    (``aliases``, folded), the first of equals; None when no row holds one."""
    best, best_hits = None, 0
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        hits = sum(1 for cell in row if not is_blank(cell) and normalise(cell) in aliases)
        if hits > best_hits:
            best, best_hits = i, hits
    return best


def column_aliases(sheet: Sheet) -> dict[str, str]:
    """Each folded spelling of a sheet's column headers (keys of a key/value sheet) to its key."""
    return {normalise(spelling): col.key for col in sheet.columns for spelling in (col.key, t(f"col.{col.key}", "fr"))}


def _csv_layout(data: bytes, labels: set[str]) -> tuple[str, str]:
    """The decoded text and separator of one CSV file: of every encoding that decodes it and every
    separator, the pair whose first rows hold the most of the sheet's headers (``labels``).

    French Excel writes ``;`` and cp1252, English Excel ``,``, "Unicode text" is UTF-16 with tabs;
    counting characters cannot tell them apart when texts hold commas, the expected headers can.
    Ties keep the order of the encodings (UTF-8 before cp1252); a file of no known sheet takes the
    separator that splits its first rows evenly into the most columns.
    """
    bom = data.startswith((b"\xff\xfe", b"\xfe\xff"))  # Excel's "Unicode text" is UTF-16
    best, best_score = None, None
    for rank, encoding in enumerate((("utf-16",) if bom else ()) + _CSV_ENCODINGS):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        head = text[:20_000]
        for separator in _CSV_SEPARATORS:
            rows = [
                r
                for _, r in zip(range(HEADER_SCAN_ROWS), csv.reader(io.StringIO(head, newline=""), delimiter=separator))
            ]
            hits = sum(1 for row in rows for cell in row if normalise(cell) in labels)
            # a file of no known sheet: the separator that splits the first rows evenly, and most
            widths = {len(r) for r in rows if any(c.strip() for c in r)}
            score = (hits, -rank, len(widths) == 1, max(widths, default=0))
            if best_score is None or score > best_score:
                best, best_score = (text, separator), score
    return best


def sheet_lookup() -> dict[str, str]:
    """Every folded sheet title of the contract (key, French and English titles) to its key."""
    table = {}
    for key in SHEETS:
        for lang in i18n.LANGUAGES:
            table[normalise(t(f"sheet.{key}", lang))] = key
        table[normalise(key)] = key
    return table
