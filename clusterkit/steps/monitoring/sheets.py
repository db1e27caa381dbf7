"""Step 5's indicator reference sheets as tables: one sheet per indicator, its fields (canonical
keys, raw values) and its measurements, and each field's text in the reader's language. The
documents layer renders them as HTML and XLSX."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ... import i18n
from ...documents.tables import missing, value_label
from .analysis import ENUM_OF, Assessment, origin_label
from .catalogue import catalogue_entries, unit_kind

# The fields of a reference sheet, in order, and how each value is shown.
SHEET_FIELDS = (
    ("definition", "text"),
    ("level", "enum"),
    ("dimension", "enum"),
    ("battery", "enum"),
    ("unit", "text"),
    ("baseline", "value"),
    ("baseline_date", "date"),
    ("baseline_origin", "origin"),
    ("target", "value"),
    ("target_date", "date"),
    ("source", "text"),
    ("frequency", "enum"),
    ("responsible", "text"),
    ("disaggregation", "enum"),
    ("action_id", "text"),
    ("current_value", "value"),
    ("measured_on", "date"),
    ("progress", "percent"),
    ("expected_progress", "percent"),
    ("progress_status", "enum"),
)
# frequency and disaggregation are free text: the usual words are translated, others shown as written
FIELD_ENUMS = {
    **ENUM_OF,
    "progress_status": "monitoring_status",
    "frequency": "frequency",
    "disaggregation": "disaggregation",
}
SUMMARY_COLUMNS = (
    "indicator_id",
    "name",
    "level",
    "dimension",
    "battery",
    "unit",
    "baseline",
    "target",
    "current_value",
    "measured_on",
    "progress",
    "expected_progress",
    "progress_status",
)
MEASUREMENT_COLUMNS = ("date", "group", "value", "note")


@dataclass
class IndicatorSheet:
    """The reference sheet of one indicator: its fields (canonical keys, raw values) and its
    measurements; ``share`` says its values are shares (shown as percentages)."""

    indicator_id: str
    name: str
    fields: dict
    share: bool
    measurements: pd.DataFrame


def indicator_sheets(m: Assessment, lang: str, names: dict[str, str] | None = None) -> list[IndicatorSheet]:
    """One reference sheet per indicator, in the order of the workbook. The definition is the
    catalogue's, in ``lang``, for indicators that come from the catalogue and whose unit is of the
    same kind as the entry's (a definition of a share never describes a count)."""
    lang = i18n.check_lang(lang)
    entries = catalogue_entries()
    definitions, kinds = entries[f"definition_{lang}"], entries["unit_kind"]
    extra = m.indicators.set_index("indicator_id")[["source", "frequency", "responsible", "disaggregation"]]
    # one sort and one split of the measurements, not a filter per indicator
    ordered = m.measurements.sort_values(["date", "group"], na_position="first")
    measured = dict(tuple(ordered.groupby("indicator_id", sort=False)))
    sheets = []
    for row in m.table.to_dict("records"):
        ident = row["indicator_id"]
        values = {**row, **extra.loc[ident].to_dict()}
        key = values.get("catalogue_key")
        same_kind = isinstance(key, str) and kinds.get(key) == unit_kind(row["unit"])
        values["definition"] = definitions[key] if same_kind else None
        rows = measured.get(ident, ordered.iloc[:0])
        sheets.append(
            IndicatorSheet(
                ident,
                (names or {}).get(ident, row["name"]),
                {k: values.get(k) for k, _ in SHEET_FIELDS},
                unit_kind(row["unit"]) == "share",
                rows[list(MEASUREMENT_COLUMNS)].reset_index(drop=True),
            )
        )
    return sheets


def field_text(key: str, kind: str, value, sheet: IndicatorSheet, lang: str) -> str:
    """A sheet value as text in ``lang``."""
    if kind == "origin":
        return origin_label(value, lang)
    if missing(value):
        return "–"
    if kind == "enum":
        return value_label(FIELD_ENUMS[key], value, lang)
    if kind == "date":
        return i18n.date(value, lang)
    if kind == "percent":
        return i18n.percent(value, lang)
    if kind == "value":
        return i18n.percent(value, lang, 1) if sheet.share else i18n.number(value, lang, 2)
    return str(value)
