"""What is wrong in a workbook, said the same way everywhere.

A :class:`Problem` names the file, the sheet, the row as Excel numbers it, the column, the value
found, what was expected and how to fix it; its texts are catalogue keys, rendered in French or
English only when shown. :class:`WorkbookError` holds every problem of one reading.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import i18n
from ..errors import ClusterkitError
from ..i18n import t
from ..schema import ENUMS, Column
from .cells import format_number, is_blank


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the workbook. ``expected`` and ``fix`` are catalogue keys + values."""

    code: str
    file: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: object = None
    expected: tuple = ()  # (catalogue key, {placeholders})
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
        value = t("err.empty_value", lang) if is_blank(value) else _shorten(str(value))
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": value,
            "expected": render(self.expected, lang),
            "fix": render(self.fix, lang),
        }


def render(spec: tuple, lang: str) -> str:
    """A (catalogue key, placeholders) spec as text in ``lang``."""
    key, values = spec
    # placeholders may be specs or labels to render in the message's own language
    values = {k: render(v, lang) if isinstance(v, tuple) else v(lang) if callable(v) else v for k, v in values.items()}
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


def kind_spec(column: Column) -> tuple:
    """The catalogue spec of what a column expects, with its range when it has one."""
    if column.kind == "enum":
        return ("kind.enum", {"values": EnumLabels(column.enum, ENUMS[column.enum])})
    if column.kind == "ref":
        return ("kind.ref", {"target": f"{column.ref[0]}.{column.ref[1]}"})
    return (f"kind.{column.kind}", {})


def range_spec(column: Column) -> tuple | None:
    """The catalogue spec of a column's range of values (None: any number)."""
    low, high = (0, 1) if column.kind == "share" else (column.minimum, column.maximum)
    if low is not None and high is not None:
        return ("kind.range", {"low": format_number(low), "high": format_number(high)})
    if low is not None:
        return ("kind.above" if column.exclusive_minimum else "kind.at_least", {"low": format_number(low)})
    if high is not None:
        return ("kind.at_most", {"high": format_number(high)})
    return None
