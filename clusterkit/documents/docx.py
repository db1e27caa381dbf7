"""Word documents for stakeholders: the action plan and the quarterly progress note (the action
plan's workbook is :func:`clusterkit.documents.xlsx.write_action_plan_xlsx`).

The HTML report of a step is for the team; these files are for people who do not open notebooks:
a steering committee, partners, a funder. Headings, table headers and enumeration labels come from
the message catalogue in the report's language. Text is stripped of the control characters that
XML (and therefore Word) refuses.
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
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from .. import i18n
from ..i18n import t
from ..steps import implementation, plan
from ..workbook import save_atomically
from . import docx_style as style
from .figures import png_bytes
from .tables import NUMBER_KINDS, TableSpec, clean, column_kind, displayed

_TAGS = re.compile("</?(strong|em)>")


def _png_size(png: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk of every PNG
    return width, height


class DocxWriter:
    """A Word document in the house style (:mod:`.docx_style`), built block by block in one language.

    Pages are upright; a table too wide for an upright page, or much taller on it
    (:func:`.docx_style.turn_sideways`), gets a section on its side, which its heading joins, and
    the next first-level heading turns the page upright again.
    """

    def __init__(self, lang: str, title: str, header: str = ""):
        self.lang = i18n.check_lang(lang)
        self.document = Document()
        self.document.core_properties.title = clean(title)
        self.document.core_properties.language = self.lang
        style.apply_house_style(self.document, self.lang)
        section = self.document.sections[0]
        style.page_setup(section)
        style.header_and_footer(section, clean(header), t("docx.page", self.lang, page="{page}", pages="{pages}"))
        self._last_heading = ""
        self._block_start = None  # the last heading and what follows it, until a table or a figure
        self.document.add_heading(clean(title), level=0)

    @property
    def landscape(self) -> bool:
        return self.document.sections[-1].orientation == WD_ORIENT.LANDSCAPE

    @property
    def text_width(self):
        section = self.document.sections[-1]
        return section.page_width - section.left_margin - section.right_margin

    def _turn(self, landscape: bool) -> None:
        """A new section upright or on its side; the heading being written moves into it."""
        moving = []
        if self._block_start is not None:
            moving = [self._block_start, *self._block_start.itersiblings()]
        style.new_section(self.document, landscape)
        body_end = self.document.element.body.sectPr
        for element in moving:
            if element is not body_end and element.getparent() is not None:
                body_end.addprevious(element)

    def heading(self, text: str, level: int = 1) -> None:
        if level == 1 and self.landscape:
            self._turn(False)
        paragraph = self.document.add_heading(clean(text), level=level)
        self._last_heading = paragraph.text
        self._block_start = paragraph._p

    def _starts_block(self, paragraph) -> None:
        if self._block_start is None:
            self._block_start = paragraph._p

    def paragraph(self, text: str, italic: bool = False) -> None:
        paragraph = self.document.add_paragraph()
        paragraph.add_run(clean(text)).italic = italic
        self._starts_block(paragraph)

    def bullets(self, items) -> None:
        """One bulleted paragraph per item; the catalogue's HTML emphasis is dropped."""
        for item in items:
            self.document.add_paragraph(clean(_TAGS.sub("", item)), style="List Bullet")

    def caption(self, text: str, keep_with_next: bool) -> None:
        """A table's title (above it, kept with it) or a figure's (below); none that repeats the heading above."""
        if clean(text).casefold() != self._last_heading.casefold():
            paragraph = self.document.add_paragraph(clean(text), style="Caption")
            paragraph.paragraph_format.keep_with_next = keep_with_next
            self._starts_block(paragraph)

    def grid(
        self, header: list[str], rows: list[list[str]], right: list[bool] | None = None, size: float = style.TABLE_SIZE
    ) -> None:
        """A table of text, its columns as wide as their words need (on a page on its side when an
        upright page is too narrow); ``right`` aligns the columns of numbers right."""
        header, rows = [clean(h) for h in header], [[clean(c) for c in row] for row in rows]
        needs = style.column_needs(header, rows, size)
        if not self.landscape and style.turn_sideways(needs, rows, size):
            self._turn(True)
        if self._block_start is not None:  # the heading and text that introduce the table stay with it
            for element in [self._block_start, *self._block_start.itersiblings(qn("w:p"))]:
                element.get_or_add_pPr().keepNext_val = True
        table = self.document.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, header):
            cell.paragraphs[0].add_run(text).bold = True
        right = right or [False] * len(header)
        for record in rows:
            for cell, text, to_right in zip(table.add_row().cells, record, right):
                cell.text = text
                if to_right:
                    cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for row in table.rows:
            for cell in row.cells:
                for run in cell.paragraphs[0].runs:
                    run.font.size = Pt(size)
        style.shape_table(table, style.fit_columns(needs, style.text_width_of(self.document.sections[-1])))
        self._block_start = None

    def table(self, spec: TableSpec) -> None:
        """The table's title, then the table, its header row repeated on every page."""
        frame = displayed(spec, self.lang)
        self.caption(t(f"table.{spec.name}", self.lang), keep_with_next=True)
        numeric = [column_kind(spec, c) in NUMBER_KINDS for c in spec.frame.columns]
        self.grid(list(frame.columns), [list(record) for record in frame.itertuples(index=False)], numeric)

    def figure(self, png: bytes, caption: str, max_height=None) -> None:
        """A picture as wide as the text allows without passing ``max_height`` (20 cm), its caption below it."""
        max_height = Cm(20) if max_height is None else max_height
        width, height = _png_size(png)
        shown = min(self.text_width, int(max_height * width / height))
        self.document.add_picture(io.BytesIO(png), width=shown)
        picture = self.document.paragraphs[-1]
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        picture.paragraph_format.keep_with_next = True
        self.caption(caption, keep_with_next=False)
        self._block_start = None

    def save(self, path) -> Path:
        return save_atomically(self.document, path)


# --------------------------------------------------------------------------------------------
# The action plan
# --------------------------------------------------------------------------------------------
def write_action_plan(
    path,
    *,
    lang: str,
    cluster: dict,
    vision: dict | None,
    actions: pd.DataFrame,
    objectives: pd.DataFrame,
    actors: pd.DataFrame | None = None,
    horizon_end: pd.Timestamp | None = None,
    year: int = 0,
) -> Path:
    """The action plan as a Word document for stakeholders: it states the plan, its advice to
    the team goes to :func:`write_team_notes`.

    Sections: vision, objectives, actions, calendar (the Gantt chart), budget, who does what.
    ``vision`` holds ``statement`` and ``horizon_years``; ``year`` restricts the document to one
    yearly plan (0: the whole plan).
    """
    chosen = plan.actions_of_year(actions, year)
    tables = {
        spec.name: spec for spec in plan.action_plan_tables(chosen, objectives, actors, cluster.get("currency") or "")
    }
    name = cluster.get("name", "")
    doc = DocxWriter(
        lang,
        t("plan.doc.title_year", lang, cluster=name, year=year) if year else t("plan.doc.title", lang, cluster=name),
        header=name,
    )
    doc.paragraph(t("plan.doc.produced", lang, date=i18n.date(dt.date.today(), lang)), italic=True)
    if vision:
        doc.heading(t("plan.doc.vision", lang))
        doc.paragraph(vision["statement"])
        if horizon_end is not None:
            doc.paragraph(t("plan.doc.horizon", lang, years=vision["horizon_years"], date=i18n.date(horizon_end, lang)))
    doc.heading(t("plan.doc.objectives", lang))
    doc.table(tables["plan_objectives"])
    gender = plan.gender_objectives(objectives)
    doc.paragraph(
        t("plan.doc.gender", lang, count=len(gender), objectives=", ".join(gender))
        if gender
        else t("plan.doc.no_gender", lang)
    )
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
    return doc.save(path)


def write_team_notes(path, *, lang: str, cluster: dict, warnings) -> Path:
    """The plan's points to watch (:func:`plan.plan_warnings`) as a working note for the team, to
    discuss before the plan is adopted; the document sent to stakeholders does not carry them."""
    name = cluster.get("name", "")
    doc = DocxWriter(lang, t("plan.notes.title", lang, cluster=name), header=name)
    doc.paragraph(t("plan.notes.intro", lang, date=i18n.date(dt.date.today(), lang)), italic=True)
    if warnings:
        doc.bullets(w.text(lang) for w in warnings)
    else:
        doc.paragraph(t("plan.warnings.none", lang))
    return doc.save(path)


# --------------------------------------------------------------------------------------------
# The implementation follow-up and its quarterly progress note
# --------------------------------------------------------------------------------------------
def write_progress_note(
    path, *, lang: str, cluster: dict, actions: pd.DataFrame, as_of, actors: pd.DataFrame | None = None
) -> Path:
    """A progress note a steering committee reads in five minutes: the key figures, the delays,
    the dropped actions, the next quarter's milestones and the balance between initiatives of
    groups of firms and projects for the whole cluster."""
    as_of = pd.Timestamp(as_of)
    tables = implementation.follow_up_tables(actions, as_of, actors, cluster.get("currency") or "")
    doc = DocxWriter(
        lang,
        t(
            "implementation.note.title",
            lang,
            quarter=implementation.quarter_name(as_of, lang),
            cluster=cluster.get("name", ""),
        ),
        header=cluster.get("name", ""),
    )
    doc.paragraph(t("implementation.note.as_of", lang, date=i18n.date(as_of, lang)), italic=True)
    doc.heading(t("implementation.note.summary", lang))
    doc.bullets(
        implementation.summary_lines(
            implementation.follow_up_headline(actions, as_of), lang, cluster.get("currency") or ""
        )
    )
    sections = (
        ("implementation_delays", "implementation.note.delays", "implementation.note.no_delays"),
        ("implementation_dropped", "implementation.note.dropped", "implementation.note.no_dropped"),
        ("implementation_next_quarter", "implementation.note.next", "implementation.note.nothing_next"),
        ("implementation_scopes", "implementation.note.balance", None),
    )
    for name, heading, empty in sections:
        doc.heading(t(heading, lang))
        if len(tables[name].frame) or empty is None:
            doc.table(tables[name])
        else:
            doc.paragraph(t(empty, lang))
    return doc.save(path)
