"""The competency questionnaire: an ipywidgets form for a live kernel, and its XLSForm twin.

The form shows, for each of the twelve sub-skills, its five level descriptors as choices and a
box for the evidence observed. Its submit appends one row per scored sub-skill to the team
workbook's ``competencies`` sheet through :class:`~clusterkit.workbook.WorkbookEditor`: the
workbook is checked first, the rows go under the existing header in the header's own language,
a copy of the file as it was is kept as ``<name>.bak.xlsx``, and the new file replaces the old
one atomically.

:func:`show_profile` then shows the person's radar chart, blind spots and training plan in the
notebook. The XLSForm version (:func:`competency_xlsform`) carries the same questions to ODK or
KoboToolbox for assessments in the field; :func:`append_submissions` brings its exported
submissions back into the workbook.
"""

from __future__ import annotations

import datetime as dt
import html
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

import ipywidgets as widgets
import openpyxl
import pandas as pd

from . import i18n
from .errors import ClusterkitError, InputError
from .exercises import DateField, captured, exercise_box, line
from .i18n import t
from .schema import ENUMS, SHEETS, SKILL_COMPETENCY
from .steps import competency
from .steps.competency import LEVELS, catalogue, descriptor
from .workbook import (
    Problem,
    RawSheet,
    SheetReader,
    WorkbookEditor,
    WorkbookError,
    cell_text,
    example_path,
    is_blank,
    save_atomically,
)

COLUMNS = [c.key for c in SHEETS["competencies"].columns]
REQUIRED = [c.key for c in SHEETS["competencies"].columns if c.required]
ENUM_COLUMNS = {c.key: c.enum for c in SHEETS["competencies"].columns if c.kind == "enum"}
FIELDS = ("person", "assessor", "date")  # the questions asked once per assessment
XLSFORM_ID = "clusterkit_competency"


# --------------------------------------------------------------------------------------------
# Rows and the workbook
# --------------------------------------------------------------------------------------------
def assessment_rows(person: str, assessor: str, date, levels: dict, evidence: dict | None = None) -> pd.DataFrame:
    """One assessment as rows of the ``competencies`` sheet (canonical keys and values).

    ``levels`` maps sub-skills to a level 1-5 (sub-skills left out or set to None are not
    assessed); ``evidence`` maps sub-skills to the observation behind the score.
    """
    evidence = evidence or {}
    rows = [
        (
            person.strip(),
            pd.Timestamp(date),
            assessor,
            SKILL_COMPETENCY[skill],
            skill,
            int(level),
            (evidence.get(skill) or "").strip() or None,
        )
        for skill in ENUMS["skill"]
        if (level := levels.get(skill)) is not None
    ]
    return pd.DataFrame(rows, columns=COLUMNS)


def check_rows(rows: pd.DataFrame, lang: str = "fr") -> None:
    """Raise :class:`InputError` unless every row is a valid ``competencies`` row in canonical form."""
    problems = []
    for key in REQUIRED:
        if key not in rows.columns or rows[key].isna().any() or (rows[key].astype(str).str.strip() == "").any():
            problems.append(t("competency.rows.required", lang, column=key))
    for key, enum in ENUM_COLUMNS.items():
        if key in rows.columns:
            unknown = sorted(set(rows[key].dropna()) - set(ENUMS[enum]))
            if unknown:
                problems.append(
                    t(
                        "competency.rows.unknown",
                        lang,
                        column=key,
                        values=", ".join(map(str, unknown)),
                        expected=", ".join(ENUMS[enum]),
                    )
                )
    if {"skill", "competency"} <= set(rows.columns):
        wrong = rows["skill"].map(SKILL_COMPETENCY) != rows["competency"]
        if wrong.any():
            problems.append(t("competency.rows.mismatch", lang))
    if "score" in rows.columns and not rows["score"].dropna().isin(LEVELS).all():
        problems.append(t("competency.rows.score", lang))
    if problems:
        raise InputError(t("competency.rows.invalid", lang, problems="; ".join(problems)))


def append_assessment(workbook, rows: pd.DataFrame, lang: str = "fr") -> Path:
    """Append ``rows`` (canonical ``competencies`` rows) to the workbook's ``competencies`` sheet.

    The workbook is checked first (a workbook with problems raises
    :class:`~clusterkit.workbook.WorkbookError`). Existing rows, other sheets, styles and
    drop-down lists are kept. Values are written in the language of the sheet's header; a
    workbook without the sheet gets one, headed in ``lang``. The file as it was is copied to
    ``<name>.bak.xlsx`` first. Returns the backup's path.
    """
    check_rows(rows, lang)
    edit = WorkbookEditor(workbook, lang)
    sheet = edit.sheet("competencies", lang)
    for record in rows.reindex(columns=COLUMNS).to_dict("records"):
        sheet.append(record)
    return edit.save()


def practice_workbook(folder=None, name: str = "practice_cluster.xlsx") -> Path:
    """A copy of the packaged example to practise on (made once, then reused), in ``folder``, by
    default a ``clusterkit-practice`` folder in the system's temporary folder: never beside the
    notebook unless asked. The form says where it writes."""
    path = Path(folder if folder is not None else Path(tempfile.gettempdir()) / "clusterkit-practice") / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(example_path(), path)
    return path


# --------------------------------------------------------------------------------------------
# The form
# --------------------------------------------------------------------------------------------
class CompetencyForm:
    """The questionnaire's widgets and its submit, usable without a browser.

    Set :attr:`person`, :attr:`assessor`, :attr:`date`, the radio buttons in :attr:`levels` and
    the boxes in :attr:`evidence`, then call :meth:`submit` (the button does the same).
    """

    def __init__(self, workbook, lang: str = "fr", person: str = "", assessor: str = "self"):
        self.workbook = Path(workbook)
        self.lang = i18n.check_lang(lang)
        wide = {"description_width": "12em"}
        self.person = widgets.Text(value=person, description=self._t("person"), style=wide, layout=line("40em"))
        self.assessor = widgets.Dropdown(
            options=[(t(f"enum.assessor.{a}", self.lang), a) for a in ENUMS["assessor"]],
            value=assessor,
            description=self._t("assessor"),
            style=wide,
            layout=line("40em"),
        )
        self.date = DateField(dt.date.today(), self.lang, self._t("date"))
        self.levels = {
            skill: widgets.RadioButtons(
                options=[(f"{n} — {descriptor(skill, n, self.lang)}", n) for n in LEVELS],
                value=None,
                layout=widgets.Layout(width="auto"),
            )
            for skill in ENUMS["skill"]
        }
        self.evidence = {
            skill: widgets.Textarea(placeholder=self._t("evidence"), rows=2, layout=widgets.Layout(width="auto"))
            for skill in ENUMS["skill"]
        }
        self.submit_button = widgets.Button(description=self._t("submit"), button_style="primary", icon="save")
        self.status = widgets.HTML()
        self.submit_button.on_click(lambda _: self.submit())
        profile = catalogue()
        sections = []
        for key in profile["competencies"]:
            blocks = []
            for skill in (s for s in ENUMS["skill"] if SKILL_COMPETENCY[s] == key):
                info = profile["skills"][skill]
                blocks.append(
                    widgets.HTML(
                        f"<b>{html.escape(info['label'][self.lang])}</b><br>"
                        f"<i>{html.escape(info['description'][self.lang])}</i>"
                    )
                )
                blocks += [self.levels[skill], self.evidence[skill]]
            sections.append(widgets.VBox(blocks))
        self.sections = widgets.Accordion(
            children=sections, titles=tuple(entry["label"][self.lang] for entry in profile["competencies"].values())
        )
        where = self._t("where", file=str(self.workbook.resolve()))
        self.box = exercise_box(
            widgets.HTML(f"<p>{html.escape(self._t('intro'))}</p><p>{html.escape(where)}</p>"),
            self.person,
            self.assessor,
            self.date,
            self.sections,
            self.submit_button,
            self.status,
        )

    def _t(self, key: str, **values) -> str:
        return t(f"competency.form.{key}", self.lang, **values)

    def rows(self) -> pd.DataFrame:
        """The answers as ``competencies`` rows (only the sub-skills given a level)."""
        return assessment_rows(
            self.person.value,
            self.assessor.value,
            self.date.value,
            {s: w.value for s, w in self.levels.items()},
            {s: w.value for s, w in self.evidence.items()},
        )

    def submit(self) -> int:
        """Append the answers to the workbook; return how many rows were written (0 when the
        form is incomplete or the file could not be written: :attr:`status` says why)."""
        if not self.person.value.strip():
            return self._fail(self._t("no_person"))
        if self.date.value is None:
            return self._fail(self._t("no_date"))
        rows = self.rows()
        if rows.empty:
            return self._fail(self._t("no_level"))
        try:
            backup = append_assessment(self.workbook, rows, self.lang)
        except (OSError, ClusterkitError) as error:  # a file open in Excel, a workbook to fix
            return self._fail(self._t("write_failed", error=str(error)))
        for widget in self.levels.values():  # cleared so that a second click cannot add the rows twice
            widget.value = None
        for widget in self.evidence.values():
            widget.value = ""
        self.status.value = (
            "<p>"
            + html.escape(
                self._t(
                    "saved", count=len(rows), person=rows["person"].iloc[0], file=self.workbook.name, backup=backup.name
                )
            )
            + "</p>"
        )
        return len(rows)

    def _fail(self, message: str) -> int:
        self.status.value = f'<p style="color:#b03a2e">{html.escape(message)}</p>'
        return 0

    def _repr_mimebundle_(self, **kwargs):
        return self.box._repr_mimebundle_(**kwargs)


def competency_form(workbook, lang: str = "fr", person: str = "", assessor: str = "self") -> CompetencyForm:
    """The self-, peer- or trainer-assessment form writing into ``workbook`` (an .xlsx file)."""
    return CompetencyForm(workbook, lang, person, assessor)


def show_profile(workbook, person: str, lang: str = "fr", threshold: float = 1.0, target: float = 4) -> None:
    """Show one person's radar chart, blind spots and training plan (sub-skills below
    ``target``) in the notebook, right after an assessment; the full report is the template
    ``competency`` with ``person``. The profile is laid out as the exercises are (tables that wrap
    within the notebook's width)."""
    from IPython.display import display

    from .documents.report import Report  # display machinery, only for a live notebook

    def profile():
        report = Report("competency", str(workbook), lang)
        rows = competency.person_rows(report.workbook["competencies"], person, report.lang)
        skills = competency.scores(competency.latest(rows), "skill")
        names = {s: report.t(f"enum.skill.{s}") for s in ENUMS["skill"]}
        series = {a: report.t(f"enum.assessor.{a}") for a in ENUMS["assessor"]}
        report.heading("competency.person.title", person=rows["person"].iloc[0])
        report.figure(
            competency.radar_chart(skills, names, series),
            alt=report.t("competency.radar.alt", person=rows["person"].iloc[0]),
        )
        enums = {"skill": "skill", "competency": "competency"}
        spots = competency.blind_spots(skills, threshold)
        if skills["others"].isna().all():  # a lone self-assessment: no one else to compare with yet
            report.text("competency.blind_spots.self_only")
        else:
            report.text(
                "competency.blind_spots.none" if spots.empty else "competency.blind_spots.text",
                threshold=report.number(threshold),
            )
        if not spots.empty:
            report.table(
                "competency_blind_spots",
                spots.drop(columns=["person", "register"]),
                enums={**enums, "gap_direction": "gap_direction"},
            )
        plan = competency.training_plan(skills, target=target)
        if plan.empty:
            report.text("competency.plan.none", target=report.number(target))
        else:
            report.table(
                "competency_plan", competency.describe_plan(plan, report.lang).drop(columns=["person"]), enums=enums
            )

    display(exercise_box(captured(profile)))


# --------------------------------------------------------------------------------------------
# The XLSForm version, for ODK or KoboToolbox
# --------------------------------------------------------------------------------------------
def competency_xlsform(path, lang: str = "fr") -> Path:
    """Write the questionnaire as an XLSForm (sheets ``survey``, ``choices``, ``settings``).

    Field names are the canonical keys (``person``, ``assessor``, ``date`` and one question per
    sub-skill, grouped by competency, with ``<skill>_evidence``); choice names are canonical
    values, so exported submissions read back with :func:`read_submissions`.
    """
    lang = i18n.check_lang(lang)
    profile = catalogue()
    survey = [
        ("type", "name", "label", "hint", "required", "relevant"),
        ("text", "person", t("competency.form.person", lang), "", "yes", ""),
        ("select_one assessor", "assessor", t("competency.form.assessor", lang), "", "yes", ""),
        ("date", "date", t("competency.form.date", lang), "", "yes", ""),
    ]
    choices = [("list_name", "name", "label")]
    choices += [("assessor", a, t(f"enum.assessor.{a}", lang)) for a in ENUMS["assessor"]]
    for key, entry in profile["competencies"].items():
        survey.append(("begin_group", key, entry["label"][lang], "", "", ""))
        for skill in (s for s in ENUMS["skill"] if SKILL_COMPETENCY[s] == key):
            info = profile["skills"][skill]
            survey.append((f"select_one levels_{skill}", skill, info["label"][lang], info["description"][lang], "", ""))
            survey.append(
                ("text", f"{skill}_evidence", t("competency.form.evidence", lang), "", "", f"${{{skill}}} != ''")
            )
            choices += [(f"levels_{skill}", str(n), f"{n} — {descriptor(skill, n, lang)}") for n in LEVELS]
        survey.append(("end_group", "", "", "", "", ""))
    settings = [("form_title", "form_id", "version"), (t("competency.form.title", lang), XLSFORM_ID, "1")]
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, table in (("survey", survey), ("choices", choices), ("settings", settings)):
        ws = book.create_sheet(title)
        for row in table:
            ws.append([value or None for value in row])
    return save_atomically(book, path)


def _field(header) -> str:
    """A question's own name, without the group path KoboToolbox (``coach/coaching``) or ODK
    Central (``coach-coaching``) puts before it."""
    return cell_text(header).replace("-", "/").rsplit("/", 1)[-1]


def read_submissions(export, lang: str = "fr") -> pd.DataFrame:
    """The submissions of a field export of :func:`competency_xlsform` as ``competencies`` rows.

    The export is what the servers give (KoboToolbox XLSX or CSV with XML headers, ODK Central CSV
    or "all data" ZIP; see :func:`clusterkit.survey.export_sheets`); group paths before question
    names are ignored, sub-skills left blank are not assessed. Every answer is read as the
    workbook's own cell would be: :class:`WorkbookError` names the export's file, sheet, row and
    column of each one that cannot be, in ``lang``.
    """
    from .survey import export_error, export_sheets

    path = Path(export)
    wanted = {*FIELDS, *ENUMS["skill"]}
    try:
        raws = export_sheets(path)
        raw = next((r for r in raws if r.rows and wanted & {_field(c) for c in r.rows[0] if not is_blank(c)}), None)
        if raw is None:
            found = [cell_text(c) for r in raws[:1] for c in (r.rows[0] if r.rows else ()) if not is_blank(c)]
            raise export_error(path.name, "competency_export", ", ".join(found), skills=", ".join(ENUMS["skill"]))
        return _submission_rows(raw)
    except WorkbookError as error:
        raise WorkbookError(error.problems, lang) from None


def _submission_rows(raw: RawSheet) -> pd.DataFrame:
    """One ``competencies`` row per sub-skill scored in each submission, read by the workbook's
    :class:`SheetReader`; its problems point back to the export's own rows and headers."""
    positions: dict[str, int] = {}
    for pos, cell in enumerate(raw.rows[0]):
        if not is_blank(cell):
            positions.setdefault(_field(cell), pos)
    headers = {name: cell_text(raw.rows[0][pos]) for name, pos in positions.items()}

    def answer(cells: tuple, name: str):
        pos = positions.get(name)
        return cells[pos] if pos is not None and pos < len(cells) else None

    body, origin = [], []
    for number, cells in enumerate(raw.rows[1:], start=2):
        for skill in ENUMS["skill"]:
            if is_blank(answer(cells, skill)):
                continue
            values = {
                **{name: answer(cells, name) for name in FIELDS},
                "competency": SKILL_COMPETENCY[skill],
                "skill": skill,
                "score": answer(cells, skill),
                "evidence": answer(cells, f"{skill}_evidence"),
            }
            body.append(tuple(values[key] for key in COLUMNS))
            origin.append(
                (
                    number,
                    {
                        **headers,
                        "score": headers[skill],
                        "evidence": headers.get(f"{skill}_evidence", f"{skill}_evidence"),
                    },
                )
            )
    # a question missing from the export leaves its header blank, for the reader to report
    head = tuple(None if key in FIELDS and key not in positions else key for key in COLUMNS)
    problems: list[Problem] = []
    frame, _ = SheetReader(
        RawSheet(raw.title, [head, *body], raw.file), SHEETS["competencies"], problems, []
    ).read_table()
    if problems:
        located = [
            p
            if p.row == 1
            else replace(p, row=origin[p.row - 2][0], column=origin[p.row - 2][1].get(p.column, p.column))
            for p in problems
        ]
        raise WorkbookError(sorted(located, key=lambda p: p.row))  # stable: a row's columns stay in order
    return frame[COLUMNS]


def append_submissions(export, workbook, lang: str = "fr") -> int:
    """Append the submissions of a field export (see :func:`read_submissions`) to the workbook
    (see :func:`append_assessment`); return the rows added."""
    rows = read_submissions(export, lang)
    if rows.empty:
        return 0
    append_assessment(workbook, rows, lang)
    return len(rows)
