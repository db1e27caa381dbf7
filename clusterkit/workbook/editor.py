"""Editing a team workbook in place: the one way rows get into an .xlsx file the team already has.

:class:`WorkbookEditor` reads and checks the workbook first (a workbook with problems is not
edited: the team fixes it first), opens it as it is (every sheet, style and drop-down list
kept), gives a :class:`SheetEditor` per sheet, then checks the edited workbook reads back,
keeps the file as it was at :func:`backup_path` and renames the new one into place. A
:class:`SheetEditor` finds the sheet's header row as the reader does, writes under the team's
own headers and in their language, and adds the contract's columns the sheet lacks.
"""

from __future__ import annotations

import os
import shutil
from copy import copy
from dataclasses import replace
from pathlib import Path

from .. import i18n
from ..schema import SHEETS
from .cells import is_blank, normalise
from .files import column_aliases, find_header, sheet_lookup
from .problems import Problem, WorkbookError
from .reader import Workbook, example_path, read_workbook
from .writer import cell_value, header, put_cell, save_atomically, sheet_title


def backup_path(path) -> Path:
    """Where the previous version of an edited workbook is kept: ``<name>.bak<suffix>`` beside it."""
    path = Path(path)
    return path.with_name(f"{path.stem}.bak{path.suffix}")


def _header_language(key: str, head: tuple, default: str) -> str:
    """The language a sheet's headers are written in: the one more of its headers belong to only
    (English headers are the canonical keys); ``default`` when they do not tell."""
    columns = SHEETS[key].columns
    spelled = {lang: {normalise(header(c.key, lang)) for c in columns} for lang in i18n.LANGUAGES}
    found = {normalise(c) for c in head if not is_blank(c)}
    hits = {lang: len(found & (words - spelled["en" if lang == "fr" else "fr"])) for lang, words in spelled.items()}
    return max(hits, key=hits.get) if hits["fr"] != hits["en"] else default


class WorkbookEditor:
    """One edit of a team workbook (.xlsx): checked before, edited sheet by sheet, checked after.

    The packaged example workbooks are never edited. ``lang`` is the language of the messages
    (default: the workbook's). ``allow`` names the
    problem codes the edit may start from and leave behind, when the caller's own rows create
    them (a battery of indicators whose targets the team fills in later: ``value_required``);
    any other problem raises :class:`WorkbookError` before anything is written.
    """

    def __init__(self, path, lang: str | None = None, allow: frozenset[str] = frozenset()):
        self.path, self.allow = Path(path), frozenset(allow)
        if self.path.resolve() in {example_path(code).resolve() for code in i18n.LANGUAGES}:
            raise WorkbookError(
                [
                    Problem(
                        "example_readonly",
                        self.path.name,
                        value=str(self.path),
                        expected=("err.example_readonly.expected", {}),
                        fix=("err.example_readonly.fix", {}),
                    )
                ],
                lang,
            )
        self.workbook: Workbook | None = self._check(self.path, lang)
        self.lang = i18n.check_lang(lang or (self.workbook.lang if self.workbook else None))
        if self.path.suffix.lower() != ".xlsx":  # calamine reads .xls and .ods; openpyxl writes only .xlsx
            raise WorkbookError(
                [
                    Problem(
                        "workbook_xlsx",
                        self.path.name,
                        value=str(self.path),
                        expected=("err.workbook_xlsx.expected", {}),
                        fix=("err.workbook_xlsx.fix", {}),
                    )
                ],
                self.lang,
            )
        self._book = None
        self.sheets: dict[str, SheetEditor] = {}

    def _check(self, path: Path, lang: str | None) -> Workbook | None:
        """The workbook as read; None when it holds only problems the edit allows."""
        try:
            return read_workbook(path, lang)
        except WorkbookError as error:
            if any(p.code not in self.allow for p in error.problems):
                raise
            return None

    @property
    def book(self):
        """The openpyxl workbook, opened when a sheet is first edited."""
        if self._book is None:
            import openpyxl  # imported here: reading a workbook never needs it

            self._book = openpyxl.load_workbook(self.path)
        return self._book

    def sheet(self, key: str, lang: str | None = None) -> SheetEditor:
        """The editor of the sheet ``key``; a sheet the workbook lacks is created, headed in
        ``lang`` (default: the workbook's language)."""
        if key not in self.sheets:
            own = self.workbook.lang if self.workbook else self.lang
            self.sheets[key] = SheetEditor(self.book, key, lang or own)
        return self.sheets[key]

    def save(self) -> Path:
        """Write the edit: the new version is checked to read back (with the problems allowed),
        the file as it was is copied to :func:`backup_path`, then the new one renamed into place.
        Returns the backup's path. On a problem, the workbook is left untouched."""
        staged = self.path.with_name(f".{self.path.stem}.edit{self.path.suffix}")
        save_atomically(self.book, staged)
        try:
            self._check(staged, self.lang)
        except BaseException as error:
            staged.unlink()
            if isinstance(error, WorkbookError):
                raise WorkbookError([replace(p, file=self.path.name) for p in error.problems], self.lang) from None
            raise
        backup = backup_path(self.path)
        shutil.copy2(self.path, backup)
        os.replace(staged, self.path)
        return backup


class SheetEditor:
    """One sheet of the team workbook, edited under its own headers and in its own language.

    The header is the row the reader takes for it; :attr:`lang` is the language of those headers
    (``lang`` when they do not tell), in which values are written. Columns of the contract the
    sheet lacks are added after the last header, styled like the first.
    """

    def __init__(self, book, key: str, lang: str):
        self.key, self.sheet = key, SHEETS[key]
        lookup = sheet_lookup()
        self.ws = next((ws for ws in book.worksheets if lookup.get(normalise(ws.title)) == key), None)
        if self.ws is None:
            self.ws = book.create_sheet(sheet_title(key, lang))
        rows = [tuple(r) for r in self.ws.iter_rows(values_only=True)]
        aliases = column_aliases(self.sheet)
        found = find_header(rows, aliases)
        self.header_row = 1 if found is None else found + 1
        head = rows[self.header_row - 1] if len(rows) >= self.header_row else ()
        self.positions: dict[str, int] = {}
        for index, cell in enumerate(head, start=1):
            if not is_blank(cell) and normalise(cell) in aliases:
                self.positions.setdefault(aliases[normalise(cell)], index)
        self.lang = _header_language(key, head, lang)
        width = max(len(head), max(self.positions.values(), default=0))
        for column in self.sheet.columns:
            if column.key not in self.positions:  # an optional column the team left out
                width += 1
                self.positions[column.key] = width
                put_cell(self.ws, self.header_row, width, header(column.key, self.lang))
                self.ws.cell(self.header_row, width)._style = copy(self.ws.cell(self.header_row, 1)._style)
        filled = [i + 1 for i, r in enumerate(rows) if any(not is_blank(c) for c in r)]
        self.next_row = max(filled + [self.header_row]) + 1

    def values(self, key: str) -> list:
        """The cells of column ``key`` under the header, as stored."""
        column = self.positions[key]
        return [self.ws.cell(row, column).value for row in range(self.header_row + 1, self.next_row)]

    def write(self, row: int, values: dict) -> int:
        """Write ``values`` (canonical keys and values) on ``row``, in the sheet's language."""
        enums = {c.key: c.enum for c in self.sheet.columns}
        for key, value in values.items():
            put_cell(self.ws, row, self.positions[key], cell_value(value, self.lang, enums.get(key)))
        return row

    def append(self, values: dict) -> int:
        """Write ``values`` on a new row after the last filled one; returns its number."""
        self.next_row += 1
        return self.write(self.next_row - 1, values)

    def clear(self, row: int) -> None:
        """Empty a row (its cells stay, styled)."""
        for cell in self.ws[row]:
            cell.value = None
