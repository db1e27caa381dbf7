"""Documents for stakeholders: the action plan (DOCX and XLSX) and the quarterly progress note (DOCX).

The HTML report of a step is for the team; these files are for people who do not open notebooks:
a steering committee, partners, a funder. Headings, table headers and enumeration labels come from
the message catalogue in the report's language. Text is stripped of the control characters that
XML (and therefore Word) refuses; spreadsheet cells go through :func:`clusterkit.documents.xlsx.write_tables`,
which never lets user text become a formula.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import struct
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from .. import i18n
from ..i18n import t
from ..steps import implementation, plan
from ..workbook import save_atomically
from . import xlsx
from .figures import png_bytes
from .tables import NUMBER_KINDS, TableSpec, clean, column_kind, displayed, label, localised

_TAGS = re.compile("</?(strong|em)>")
A4 = (Cm(21.0), Cm(29.7))
MARGIN = Cm(2.0)


def _png_size(png: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk of every PNG
    return width, height


class DocxWriter:
    """A Word document built section by section, in one language."""

    def __init__(self, lang: str, title: str, landscape: bool = False):
        self.lang = i18n.check_lang(lang)
        self.document = Document()
        self.document.core_properties.title = clean(title)
        self.document.core_properties.language = self.lang
        section = self.document.sections[0]
        if landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
        section.page_height, section.page_width = (A4[0], A4[1]) if landscape else (A4[1], A4[0])
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, MARGIN)
        self.document.styles["Normal"].font.size = Pt(10)
        self.document.add_heading(clean(title), level=0)

    @property
    def text_width(self):
        section = self.document.sections[0]
        return section.page_width - section.left_margin - section.right_margin

    def heading(self, text: str, level: int = 1) -> None:
        self.document.add_heading(clean(text), level=level)

    def paragraph(self, text: str, italic: bool = False) -> None:
        run = self.document.add_paragraph().add_run(clean(text))
        run.italic = italic

    def bullets(self, items) -> None:
        """One bulleted paragraph per item; the catalogue's HTML emphasis is dropped."""
        for item in items:
            self.document.add_paragraph(clean(_TAGS.sub("", item)), style="List Bullet")

    def table(self, spec: TableSpec) -> None:
        """The table's title, then the table, its header row repeated on every page."""
        frame = displayed(spec, self.lang)
        self.paragraph(t(f"table.{spec.name}", self.lang), italic=True)
        table = self.document.add_table(rows=1, cols=len(frame.columns))
        table.style = "Table Grid"
        numeric = [column_kind(spec, c) in NUMBER_KINDS for c in spec.frame.columns]
        header = table.rows[0]
        for cell, text in zip(header.cells, frame.columns):
            cell.text = ""
            run = cell.paragraphs[0].add_run(clean(text))
            run.bold = True
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        header._tr.get_or_add_trPr().append(repeat)
        for record in frame.itertuples(index=False):
            cells = table.add_row().cells
            for cell, text, right in zip(cells, record, numeric):
                cell.text = text
                if right:
                    cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for row in table.rows:
            for cell in row.cells:
                for run in cell.paragraphs[0].runs:
                    run.font.size = Pt(8.5)

    def figure(self, png: bytes, caption: str, max_height=None) -> None:
        """A picture as wide as the text allows without passing ``max_height`` (16 cm), and its caption."""
        max_height = Cm(16) if max_height is None else max_height
        width, height = _png_size(png)
        shown = min(self.text_width, int(max_height * width / height))
        self.document.add_picture(io.BytesIO(png), width=shown)
        self.paragraph(caption, italic=True)

    def save(self, path) -> Path:
        return save_atomically(self.document, path)


# --------------------------------------------------------------------------------------------
# The action plan
# --------------------------------------------------------------------------------------------
def write_action_plan(path, *, lang: str, cluster: dict, vision: dict | None, actions: pd.DataFrame,
                      objectives: pd.DataFrame, actors: pd.DataFrame | None = None, warnings=(),
                      horizon_end: pd.Timestamp | None = None, year: int = 0) -> Path:
    """The action plan as a Word document for stakeholders.

    Sections: vision, objectives, actions, calendar (the Gantt chart), budget, who does what, and
    the plan's warnings when there are any. ``vision`` holds ``statement`` and ``horizon_years``;
    ``year`` restricts the document to one yearly plan (0: the whole plan).
    """
    chosen = plan.actions_of_year(actions, year)
    tables = {spec.name: spec for spec in plan.action_plan_tables(chosen, objectives, actors, cluster.get("currency") or "")}
    name = cluster.get("name", "")
    doc = DocxWriter(lang, t("plan.doc.title_year", lang, cluster=name, year=year) if year
                     else t("plan.doc.title", lang, cluster=name), landscape=True)
    doc.paragraph(t("plan.doc.produced", lang, date=i18n.date(dt.date.today(), lang)), italic=True)
    if vision:
        doc.heading(t("plan.doc.vision", lang))
        doc.paragraph(vision["statement"])
        if horizon_end is not None:
            doc.paragraph(t("plan.doc.horizon", lang, years=vision["horizon_years"], date=i18n.date(horizon_end, lang)))
    doc.heading(t("plan.doc.objectives", lang))
    doc.table(tables["plan_objectives"])
    gender = plan.gender_objectives(objectives)
    doc.paragraph(t("plan.doc.gender", lang, count=len(gender), objectives=", ".join(gender)) if gender else t("plan.doc.no_gender", lang))
    doc.heading(t("plan.doc.actions", lang))
    doc.table(tables["plan_actions"])
    doc.heading(t("plan.doc.calendar", lang))
    figure = plan.gantt(chosen, lang)
    doc.figure(png_bytes(figure), t("plan.gantt.alt", lang))
    plt.close(figure)
    doc.heading(t("plan.doc.budget", lang))
    doc.paragraph(t("plan.doc.budget_text", lang, currency=cluster.get("currency") or "—"))
    for table in ("plan_budget_year", "plan_budget_domain", "plan_budget_objective"):
        doc.table(tables[table])
    doc.heading(t("plan.doc.responsibilities", lang))
    doc.table(tables["plan_responsibilities"])
    doc.table(tables["plan_who"])
    if warnings:
        doc.heading(t("plan.doc.warnings", lang))
        doc.bullets(t(f"plan.warning.{w.key}", lang, **w.values_for(lang)) for w in warnings)
    return doc.save(path)


def write_action_plan_xlsx(path, *, lang: str, vision: dict | None, actions: pd.DataFrame,
                           objectives: pd.DataFrame, actors: pd.DataFrame | None = None, year: int = 0) -> Path:
    """The action plan's tables as a workbook, one tab each, the vision first."""
    sheets = {}
    if vision:
        sheets[t("plan.doc.vision", lang)] = pd.DataFrame(
            {label("statement", lang): [vision["statement"]], label("horizon_years", lang): [vision["horizon_years"]]})
    tables = plan.action_plan_tables(plan.actions_of_year(actions, year), objectives, actors)
    sheets.update({t(f"table.{spec.name}", lang): localised(spec, lang) for spec in tables})
    return xlsx.write_tables(sheets, path)


# --------------------------------------------------------------------------------------------
# The implementation follow-up and its quarterly progress note
# --------------------------------------------------------------------------------------------
def write_progress_note(path, *, lang: str, cluster: dict, actions: pd.DataFrame, as_of,
                        actors: pd.DataFrame | None = None) -> Path:
    """A progress note a steering committee reads in five minutes: the key figures, the delays,
    the dropped actions, the next quarter's milestones and the balance between initiatives of
    groups of firms and projects for the whole cluster."""
    as_of = pd.Timestamp(as_of)
    tables = implementation.follow_up_tables(actions, as_of, actors, cluster.get("currency") or "")
    doc = DocxWriter(lang, t("implementation.note.title", lang, quarter=implementation.quarter_name(as_of, lang),
                             cluster=cluster.get("name", "")))
    doc.paragraph(t("implementation.note.as_of", lang, date=i18n.date(as_of, lang)), italic=True)
    doc.heading(t("implementation.note.summary", lang))
    doc.bullets(implementation.summary_lines(implementation.follow_up_headline(actions, as_of), lang, cluster.get("currency") or ""))
    sections = (("implementation_delays", "implementation.note.delays", "implementation.note.no_delays"),
                ("implementation_dropped", "implementation.note.dropped", "implementation.note.no_dropped"),
                ("implementation_next_quarter", "implementation.note.next", "implementation.note.nothing_next"),
                ("implementation_scopes", "implementation.note.balance", None))
    for name, heading, empty in sections:
        doc.heading(t(heading, lang))
        if len(tables[name].frame) or empty is None:
            doc.table(tables[name])
        else:
            doc.paragraph(t(empty, lang))
    return doc.save(path)
