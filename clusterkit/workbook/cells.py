"""Cells as a team types them: text folded for matching, numbers, dates and yes/no read in the
workbook's language, enumeration labels in either language, and the guard that keeps user text
from ever being read as a formula.

Every function here takes one cell value and returns a plain value; none touches a file.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import unicodedata

import pandas as pd

from ..i18n import t
from ..schema import ENUMS

MAX_NUMBER = 2.0**53  # beyond this, whole numbers lose precision: certainly a typing error
DATE_RANGE = (dt.datetime(1800, 1, 1), dt.datetime(2200, 12, 31, 23, 59, 59, 999999))  # what a cluster's data can mean
EXCEL_CELL_LIMIT = 32_767  # Excel's own limit on characters in one cell
FORMULA_ERRORS = {"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#SPILL!", "#CALC!"}


class UncomputedFormula(str):
    """A formula cell whose value was never computed (a file written by a program, not saved by a
    spreadsheet): the text of the formula, told apart from any typed text."""


@functools.lru_cache(maxsize=1 << 16, typed=True)  # enumeration cells repeat a few labels down a column
def normalise(text) -> str:
    """Fold case, accents, underscores, hyphens and spaces so that labels match loosely.

    >>> normalise("  Secteur_d'activité "), normalise("ID-Entreprise") == normalise("id entreprise")
    ('secteur d activite', True)
    """
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    for sep in "_-'’":
        text = text.replace(sep, " ")
    return " ".join(text.split())


def is_blank(value) -> bool:
    """An empty cell: None, NaN or text of spaces only.

    >>> is_blank(None), is_blank(float("nan")), is_blank("  "), is_blank(0), is_blank("—")
    (True, True, True, False, False)
    """
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip() == ""


class AmbiguousValue(ValueError):
    """A cell that reads two ways; ``readings`` holds both, in the order the message names them."""

    def __init__(self, value, readings: tuple):
        super().__init__(value)
        self.readings = readings


# A single comma or dot that may group thousands: one to three digits, then exactly three.
_GROUPED = re.compile(r"[+-]?[1-9]\d{0,2}[,.]\d{3}")


def parse_number(value, lang: str | None = "fr", integer: bool = False) -> float:
    """Read a number typed as text the way the workbook's language writes it; raise ValueError otherwise.

    Cells Excel stored as numbers are taken as they are. In text, spaces (also non-breaking) and
    apostrophes group thousands, and a final ``%`` divides by 100. When a comma and a dot both
    appear, the last one is the decimal mark; the same mark twice groups thousands. A single comma
    or dot is a decimal mark unless it may group thousands (one to three digits, then exactly
    three). Then it reads as follows, ``lang`` being the workbook's language (None: not stated):

    - in a whole-number column (``integer``), it groups thousands: a count has no decimals;
    - a comma groups thousands in English, is the decimal mark in French, and is ambiguous
      (:class:`AmbiguousValue`, with both readings) when the language is not stated;
    - a dot is the decimal mark.

    >>> parse_number("16,662", "en"), parse_number("16,662", "fr"), parse_number("0,45", "fr")
    (16662.0, 16.662, 0.45)
    >>> parse_number("16,662", "fr", integer=True), parse_number("0,45", "en"), parse_number("1 234,5")
    (16662.0, 0.45, 1234.5)
    >>> parse_number("16,662", None)
    Traceback (most recent call last):
    clusterkit.workbook.cells.AmbiguousValue: 16,662
    """
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
            text = (
                text.replace(".", "").replace(",", ".") if text.rfind(",") > text.rfind(".") else text.replace(",", "")
            )
        elif (
            text.count(",") > 1
            or text.count(".") > 1
            or (  # thousands separators
                _GROUPED.fullmatch(text) and (integer or ("," in text and lang == "en"))
            )
        ):
            text = text.replace(",", "").replace(".", "")
        elif _GROUPED.fullmatch(text) and "," in text and lang is None:
            raise AmbiguousValue(value, (float(text.replace(",", "")), float(text.replace(",", "."))))
        else:
            text = text.replace(",", ".")
        if text.lstrip("+-").isdigit() and abs(int(text)) > MAX_NUMBER:
            raise ValueError(value)  # float() would round it down to the limit unnoticed
        number = float(text)
        if percent:
            number /= 100
    if math.isnan(number) or math.isinf(number) or abs(number) > MAX_NUMBER:
        raise ValueError(value)
    return number


_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
# 31/03/2025, 31/03/25, 31.03.2025 or 31-03-2025, with an optional time, as Excel writes dates to CSV
_TEXT_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")


def parse_date(value, lang: str | None = "fr") -> pd.Timestamp:
    """Read an Excel date (cell or serial number), ISO text or day/month/year text, between 1800
    and 2200; raise ValueError otherwise.

    Text like ``31/03/2025`` or ``31/03/25`` puts the day first in French. In English or when the
    language is not stated, the order that gives a real date is taken (``03/31/2025`` is
    31 March); when both orders do and differ, the date is ambiguous (:class:`AmbiguousValue`,
    day first then month first). Two-digit years follow Excel: 00 to 29 are 2000 to 2029, 30 to
    99 are 1930 to 1999.

    >>> parse_date("31/03/2025"), parse_date("05/04/25"), parse_date("05/13/2025", "en")
    (Timestamp('2025-03-31 00:00:00'), Timestamp('2025-04-05 00:00:00'), Timestamp('2025-05-13 00:00:00'))
    >>> parse_date("05/04/2025", "en")
    Traceback (most recent call last):
    clusterkit.workbook.cells.AmbiguousValue: 05/04/2025
    """
    stamp = _to_timestamp(value, lang)
    if not DATE_RANGE[0] <= stamp <= DATE_RANGE[1]:
        raise ValueError(value)
    return stamp


def _to_timestamp(value, lang: str | None) -> pd.Timestamp:
    if isinstance(value, dt.datetime):
        return pd.Timestamp(value)
    if isinstance(value, dt.date):
        return pd.Timestamp(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value <= 2_958_465:  # Excel's range of serial dates
            return pd.Timestamp(_EXCEL_EPOCH + dt.timedelta(days=float(value)))
        raise ValueError(value)
    text = str(value).strip()
    match = _TEXT_DATE.fullmatch(text)
    if match:
        return _day_month_year(value, match, lang)
    try:
        return pd.Timestamp(dt.datetime.fromisoformat(text))
    except ValueError:
        if text.replace(".", "", 1).isdigit():
            return _to_timestamp(float(text), lang)
        raise


def _day_month_year(value, match: re.Match, lang: str | None) -> pd.Timestamp:
    first, second, year, *time = match.groups()
    year = int(year) + (0 if len(year) == 4 else 2000 if int(year) < 30 else 1900)
    clock = [int(x) for x in time if x is not None]

    def reading(day, month):
        try:
            return pd.Timestamp(dt.datetime(year, int(month), int(day), *clock))
        except ValueError:
            return None

    day_first = reading(first, second)
    if lang == "fr":
        if day_first is None:
            raise ValueError(value)
        return day_first
    month_first = reading(second, first)
    readings = [r for r in (day_first, month_first) if r is not None]
    if not readings:
        raise ValueError(value)
    if len(readings) == 2 and day_first != month_first:
        raise AmbiguousValue(value, (day_first, month_first))
    return readings[0]


_TRUE = {"yes", "y", "oui", "o", "true", "vrai", "1", "x"}
_FALSE = {"no", "n", "non", "false", "faux", "0"}


def parse_bool(value) -> bool:
    """Yes or no, as a team types it in French or English; raise ValueError otherwise.

    >>> parse_bool("Oui"), parse_bool("no"), parse_bool(1), parse_bool("x")
    (True, False, True, True)
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = normalise(value)
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
            table[normalise(spelling)] = value
    return table


ENUM_TABLES = {name: _enum_lookup(name) for name in ENUMS}


def cell_text(value) -> str:
    """A cell as text, the way a team reads it: an id typed as a number stays whole.

    >>> cell_text(12.0), cell_text(" E1 "), cell_text(dt.date(2025, 3, 31))
    ('12', 'E1', '2025-03-31')
    """
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # an id typed as a number in Excel: 12, not 12.0
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value).strip()


def format_number(x: float) -> str:
    """A bound or reading in a message: whole numbers without decimals.

    >>> format_number(100.0), format_number(0.5)
    ('100', '0.5')
    """
    return str(int(x)) if float(x).is_integer() else str(x)


# A text cell starting with one of these is read as a formula by spreadsheets (and "\t", "\r"
# hide such a start from the eye): the opening of a formula-injection attack.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def excel_safe(value):
    """A value safe to write into a text file a spreadsheet opens (CSV): user text that a
    spreadsheet would take for a formula gets a leading apostrophe, which shows it as typed.

    Workbooks written with openpyxl need no apostrophe: :func:`clusterkit.workbook.put_cell`
    stores every text as text.

    >>> excel_safe('=HYPERLINK("http://x")'), excel_safe("-5 %"), excel_safe("@SUM(A1)")
    ('\\'=HYPERLINK("http://x")', "'-5 %", "'@SUM(A1)")
    >>> excel_safe("Atelier Diallo"), excel_safe(-5), excel_safe(None)
    ('Atelier Diallo', -5, None)
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
