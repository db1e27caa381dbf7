"""How a table is shown to readers, once for every output: HTML reports, DOCX and XLSX files.

A :class:`TableSpec` carries the data (canonical column names and values) and how to show its
columns. :func:`localised` gives headers and enumeration labels in the reader's language with values
kept as values (for spreadsheets); :func:`displayed` writes every cell as text the way readers of
that language expect (for HTML and Word).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from .. import i18n
from ..i18n import t

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text) -> str:
    """Text a document can hold: the characters XML forbids removed."""
    return _NOT_XML.sub("", str(text))


def missing(value) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value)


def label(column: str, lang: str) -> str:
    """The reader-facing name of a table column: ``label.<column>``, else the workbook header."""
    for key in (f"label.{column}", f"col.{column}"):
        if i18n.has(key):
            return t(key, lang)
    return column


def value_label(enum: str, value, lang: str) -> str:
    """An enumeration value as the reader reads it; totals, unknowns and yes/no have their own labels."""
    if isinstance(value, bool):
        return t(f"enum.bool.{str(value).lower()}", lang)
    if value in ("total", "unknown"):
        return t(f"label.{value}", lang)
    key = f"enum.{enum}.{value}"
    return t(key, lang) if i18n.has(key) else str(value)


@dataclass(frozen=True)
class TableSpec:
    """A table: catalogue name (``table.<name>``), data, and how to show its columns."""

    name: str
    frame: pd.DataFrame
    enums: dict = field(default_factory=dict)
    percent: tuple = ()
    decimals: int = 0


def localised(spec: TableSpec, lang: str) -> pd.DataFrame:
    """Headers and enumeration labels in ``lang``; numbers and dates kept as values (for XLSX)."""
    frame = spec.frame.copy()
    for column in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            frame[column] = frame[column].dt.date  # a spreadsheet shows a day, not midnight
        elif pd.api.types.is_bool_dtype(frame[column]) and column not in spec.enums:
            frame[column] = frame[column].map(lambda v: v if missing(v) else value_label("bool", bool(v), lang))
    for column, enum in spec.enums.items():
        frame[column] = frame[column].map(lambda v, e=enum: v if missing(v) else value_label(e, v, lang))
    return frame.rename(columns={c: label(c, lang) for c in spec.frame.columns})


def displayed(spec: TableSpec, lang: str) -> pd.DataFrame:
    """Every cell written as text for readers of ``lang`` (for HTML and DOCX); missing values as a dash."""
    frame = localised(spec, lang)
    for source, column in zip(spec.frame.columns, frame.columns):
        values = spec.frame[source]
        if source in spec.percent:
            def writer(v):
                return i18n.percent(None if missing(v) else v, lang)
        elif source in spec.enums or pd.api.types.is_bool_dtype(values) or not (
                pd.api.types.is_numeric_dtype(values) or pd.api.types.is_datetime64_any_dtype(values)):
            def writer(v):
                return "–" if missing(v) else clean(v)
        elif pd.api.types.is_datetime64_any_dtype(values):
            def writer(v):
                return i18n.date(None if missing(v) else v, lang)
        else:
            decimals = 0 if pd.api.types.is_integer_dtype(values) else spec.decimals

            def writer(v, decimals=decimals):
                return i18n.number(None if missing(v) else v, lang, decimals)
        frame[column] = frame[column].map(writer).astype(object)
    return frame
