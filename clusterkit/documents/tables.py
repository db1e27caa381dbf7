"""How a table is shown to readers, once for every output: HTML reports, DOCX and XLSX files.

A :class:`TableSpec` carries the data (canonical column names and values) and how to show its
columns. :func:`localised` gives headers and enumeration labels in the reader's language with values
kept as values (for spreadsheets); :func:`displayed` writes every cell as text the way readers of
that language expect (for HTML and Word); :func:`html_table` is the HTML table of a report.

Each column has one kind of quantity (:func:`column_kind`), and each kind one way of being written
(:func:`cell_text`), so a column never mixes precisions: counts without decimals, amounts in whole
units of the workbook's currency, shares as percentages, indices with two decimals, dates in the
report's one date form. Numbers are ``ck-num`` cells (right-aligned), the rest ``ck-text``.
"""

from __future__ import annotations

import datetime as dt
import html
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
    """A table: catalogue name (``table.<name>``), data, and how to show its columns.

    ``percent`` lists columns of shares the names do not tell; ``decimals`` is the precision of
    numeric columns of no known kind; ``currency`` the workbook's, written after every amount;
    ``headers`` the reader-facing names of columns the catalogue's labels do not name.
    """

    name: str
    frame: pd.DataFrame
    enums: dict = field(default_factory=dict)
    percent: tuple = ()
    decimals: int = 0
    currency: str = ""
    headers: dict = field(default_factory=dict)


# The kind of quantity of each column whose name says it, whatever the table. Columns not named
# here: ``*_share`` are shares, integers are counts, other numbers take the table's decimals.
COLUMN_KINDS: dict[str, str] = {
    **dict.fromkeys(
        (
            "budget",
            "spent",
            "fund",
            "local",
            "fund_planned",
            "fund_absorbed",
            "turnover",
            "exports",
            "median_turnover",
            "cost_per_result",
            "fund_amount",
            "local_amount",
            "amount",
        ),
        "amount",
    ),
    # indices; averages of 1-5 scores and of headcounts take the table's decimals
    **dict.fromkeys(
        (
            "lq",
            "lq_end",
            "lq_change",
            "hoover",
            "krugman",
            "score",
            "mean_rank",
            "economic",
            "pro_poor",
            "institutional",
            "environment",
            "degree_centrality",
            "betweenness",
            "network_density",
            "cooperation_density",
            "sampling_weight",
        ),
        "index",
    ),
    **dict.fromkeys(
        (
            "progress",
            "expected_progress",
            "median_progress",
            "median_expected",
            "absorption",
            "growth",
            "weight",
            "p_top_k",
            "cost_recovery",
        ),
        "share",
    ),
    **dict.fromkeys(
        (
            "employment",
            "employment_start",
            "employment_end",
            "change",
            "national_growth",
            "industry_mix",
            "regional_effect",
            "employees",
            "median_employees",
            "rank",
            "base_rank",
        ),
        "count",
    ),
    # an indicator's or a criterion's own unit, which changes from row to row
    **dict.fromkeys(
        ("value", "threshold", "min_threshold", "baseline", "target", "current_value", "total", "before", "after"),
        "measure",
    ),
    **dict.fromkeys(("year", "plan_year", "survey_round", "year_founded", "horizon_years"), "year"),
}
NUMBER_KINDS = ("count", "amount", "share", "index", "measure", "number", "year")


def column_kind(spec: TableSpec, column: str) -> str:
    """The kind of quantity ``column`` of ``spec`` holds: ``text``, ``date``, ``count``, ``amount``,
    ``share``, ``index`` (two decimals), ``measure`` (each row in its own unit), ``year`` or
    ``number`` (the table's decimals). The DOCX and XLSX writers format and align by it too."""
    values = spec.frame[column]
    if column in spec.enums or pd.api.types.is_bool_dtype(values):
        return "text"
    if pd.api.types.is_datetime64_any_dtype(values) or (
        values.dtype == object and len(values.dropna()) and values.dropna().map(lambda v: isinstance(v, dt.date)).all()
    ):
        return "date"
    if column in spec.percent:
        return "share"
    if not pd.api.types.is_numeric_dtype(values):
        return "text"
    if column in COLUMN_KINDS:  # a score of whole points (1 to 5) is a count of points
        kind = COLUMN_KINDS[column]
        return "count" if kind == "index" and pd.api.types.is_integer_dtype(values) else kind
    if column.endswith("_share"):
        return "share"
    return "count" if pd.api.types.is_integer_dtype(values) else "number"


def cell_text(value, kind: str, lang: str, currency: str = "", decimals: int = 0) -> str:
    """One value of a column of ``kind`` written for readers of ``lang``; missing values as a dash."""
    if missing(value):
        return "–"
    if kind == "date":
        return i18n.date(value, lang)
    if kind == "share":
        return i18n.percent(value, lang)
    if kind == "amount":
        return i18n.amount(value, currency, lang)
    if kind == "count":
        return i18n.number(value, lang, 0)
    if kind == "index":
        return i18n.number(value, lang, 2, fixed=True)
    if kind == "number":
        return i18n.number(value, lang, decimals, fixed=True)
    if kind == "measure":
        return i18n.number(value, lang, decimals)
    if kind == "year":
        return str(int(value)) if float(value).is_integer() else clean(value)
    return clean(value)


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
    return frame.rename(columns={c: spec.headers.get(c) or label(c, lang) for c in spec.frame.columns})


def displayed(spec: TableSpec, lang: str) -> pd.DataFrame:
    """Every cell written as text for readers of ``lang`` (for HTML and DOCX); missing values as a dash."""
    frame = localised(spec, lang)
    for source, column in zip(spec.frame.columns, frame.columns):
        kind = column_kind(spec, source)
        values = frame[column] if kind == "text" else spec.frame[source]
        frame[column] = pd.Series(
            [cell_text(v, kind, lang, spec.currency, spec.decimals) for v in values], index=frame.index, dtype=object
        )
    return frame


def html_table(spec: TableSpec, lang: str, groups: list[str] | None = None) -> str:
    """The table as HTML for a report: every cell escaped, numbers ``ck-num`` and text ``ck-text``.
    With ``groups`` (a readable group name per row), a ``ck-group-row`` names each group before its rows."""
    frame = displayed(spec, lang)
    classes = ["ck-num" if column_kind(spec, c) in NUMBER_KINDS else "ck-text" for c in spec.frame.columns]
    head = "".join(f'<th class="{c}">{html.escape(h)}</th>' for c, h in zip(classes, frame.columns))
    names = list(groups) if groups is not None else [None] * len(frame)
    body = "".join(
        (
            f'<tr class="ck-group-row"><th colspan="{len(classes)}" class="ck-text">{html.escape(str(name))}</th></tr>\n'
            if name is not None and (index == 0 or names[index - 1] != name)
            else ""
        )
        + "<tr>"
        + "".join(f'<td class="{c}">{html.escape(v)}</td>' for c, v in zip(classes, row))
        + "</tr>\n"
        for index, (name, row) in enumerate(zip(names, frame.itertuples(index=False)))
    )
    return f'<table class="ck-table">\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table>'
