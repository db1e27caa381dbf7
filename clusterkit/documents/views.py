"""Views of the step modules in a step's HTML report: the functions here take a
:class:`~clusterkit.documents.report.Report` and show what a step module computed, so that templates stay
a list of calls and step modules never draw HTML. User text is escaped here."""

from __future__ import annotations

import datetime as dt
import html

import numpy as np
import pandas as pd
from IPython.display import HTML, display

from .. import i18n
from ..i18n import t
from ..steps.monitoring.analysis import OBJECTIVES, STATUS_COLOURS, Assessment
from ..steps.monitoring.catalogue import catalogue
from ..steps.monitoring.sheets import MEASUREMENT_COLUMNS, SHEET_FIELDS, IndicatorSheet, field_text
from .tables import TableSpec, label, value_label


def show(report, spec: TableSpec) -> None:
    """Display a document table in a step's HTML report, exactly as the documents show it."""
    report.table(spec.name, spec.frame, enums=spec.enums, percent=spec.percent, decimals=spec.decimals)


# --------------------------------------------------------------------------------------------
# Step 5, monitoring: the opening, the evaluation summary and the indicator reference sheets
# --------------------------------------------------------------------------------------------
def show_overview(report, m: Assessment) -> None:
    """The opening of the report: what is followed, up to when, and the orientation's batteries."""
    report.heading("monitoring.intro.title")
    report.text(
        "monitoring.intro.text",
        indicators=report.number(len(m.table), 0),
        measurements=report.number(len(m.measurements), 0),
        date=i18n.date(m.as_of, report.lang),
        batteries=report.number(m.table["battery"].nunique(), 0),
    )
    if m.orientation:
        followed = set(m.indicators["catalogue_key"].dropna())
        suggested = catalogue()
        missing = suggested[suggested["battery"].isin(m.batteries) & ~suggested["key"].isin(followed)]
        report.text(
            "monitoring.intro.orientation",
            orientation=t(f"enum.orientation.{m.orientation}", report.lang),
            batteries=", ".join(t(f"enum.battery.{b}", report.lang) for b in m.batteries),
            followed=report.number(len(followed), 0),
            missing=report.number(len(missing), 0),
        )
    else:
        report.text("monitoring.intro.no_orientation")


AMOUNTS = ("spent", "budget", "lowest", "highest")  # findings' values in the workbook's currency


def _formatted(values: dict, report, names: dict[str, str]) -> dict:
    """A finding's values as text in the report's language."""
    out = {}
    for key, value in values.items():
        if key.endswith("_ids"):
            out[key] = ", ".join(f"{i} {names.get(i, '')}".strip() for i in value) or "–"
        elif isinstance(value, (list, tuple)):
            out[key] = ", ".join(map(str, value)) or "–"
        elif isinstance(value, (pd.Timestamp, dt.date)):
            out[key] = i18n.date(value, report.lang)
        elif key.endswith(("_share", "_progress")):
            out[key] = report.percent(value)
        elif key in AMOUNTS:
            out[key] = i18n.amount(value, values["currency"], report.lang)
        elif isinstance(value, str):
            out[key] = value
        elif isinstance(value, (int, np.integer)):
            out[key] = report.number(value, 0)
        else:
            out[key] = report.number(value, 0 if pd.notna(value) and abs(value) >= 100 else 2)
    return out


def show_evaluation(report, summary: pd.DataFrame, names: dict[str, str]) -> None:
    """Show the evaluation summary: the four objectives, then the four dimensions."""
    shown_group, shown_section = None, None
    for row in summary.itertuples():
        group = "objectives" if row.section in OBJECTIVES else "dimensions"
        if group != shown_group:
            report.heading(f"monitoring.eval.{group}", 3)
            shown_group = group
        if row.section != shown_section:
            report.heading(f"monitoring.eval.section.{row.section}", 4)
            shown_section = row.section
        report.text(row.key, **_formatted(row.values, report, names))


# The sheets' layout is the house style's (clusterkit/static/report.css); the status colours are the step's.
STATUS_STYLE = "<style>{}</style>".format(
    " ".join(f".ck-status-{s} {{ background: #{c}; }}" for s, c in STATUS_COLOURS.items())
)


def sheets_html(sheets: list[IndicatorSheet], lang: str) -> str:
    """The reference sheets as HTML, one ``ck-sheet`` section per indicator: its fields as a list of
    label and value, then its measurements (side by side in print, where a sheet is never split and
    four or five share a page). User text is escaped."""
    lang = i18n.check_lang(lang)
    parts = [STATUS_STYLE]
    for sheet in sheets:
        fields = []
        for key, kind in SHEET_FIELDS:
            status = f' class="ck-status-{sheet.fields[key]}"' if key == "progress_status" else ""
            fields.append(
                f'<div class="ck-field-{key}"><dt>{html.escape(label(key, lang))}</dt>'
                f"<dd{status}>{html.escape(field_text(key, kind, sheet.fields[key], sheet, lang))}</dd></div>"
            )
        # a column no measurement fills (no group, no note) is left out: the fields get its width
        rows = sheet.measurements
        shown = [c for c in MEASUREMENT_COLUMNS if c not in ("group", "note") or rows[c].map(_filled).any()]
        heads = "".join(f"<th>{html.escape(label(c, lang))}</th>" for c in shown)
        measures = "".join(
            "<tr>"
            + "".join(
                f"<td>{html.escape(text)}</td>"
                for column, text in zip(
                    MEASUREMENT_COLUMNS,
                    (
                        i18n.date(r.date, lang),
                        value_label("measurement_group", r.group, lang) if _filled(r.group) else "–",
                        field_text("value", "value", r.value, sheet, lang),
                        r.note if _filled(r.note) else "",
                    ),
                )
                if column in shown
            )
            + "</tr>"
            for r in rows.itertuples()
        )
        parts.append(
            f'<section class="ck-sheet" id="sheet-{html.escape(sheet.indicator_id)}">'
            f"<h3>{html.escape(sheet.indicator_id)} — {html.escape(sheet.name)}</h3>"
            f'<dl class="ck-sheet-fields">{"".join(fields)}</dl>'
            f'<div class="ck-sheet-measures"><p class="ck-caption">{html.escape(t("monitoring.sheets.measurements", lang))}</p>'
            f'<table class="ck-table ck-sheet-measurements">'
            f"<thead><tr>{heads}</tr></thead><tbody>{measures}</tbody></table></div></section>"
        )
    return "\n".join(parts)


def _filled(text) -> bool:
    return isinstance(text, str) and bool(text.strip())


def show_indicator_sheets(report, sheets: list[IndicatorSheet]) -> None:
    """Display the reference sheets (:func:`sheets_html`) in the report."""
    display(HTML(sheets_html(sheets, report.lang)))
