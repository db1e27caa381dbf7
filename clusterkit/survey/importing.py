"""The import of a survey export into the team workbook.

Every row is read with the workbook reader's own parsing and rules; submissions rejected in
review and superseded versions are left out; a resubmission or an edit updates its rows in
place; every relation gets a survey round. The workbook is edited through
:class:`~clusterkit.workbook.WorkbookEditor`: checked before and after, its previous version kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from .. import i18n
from ..i18n import t
from ..schema import SHEETS
from ..workbook import (
    ENUM_TABLES,
    Problem,
    RawSheet,
    SheetReader,
    Workbook,
    WorkbookEditor,
    WorkbookError,
    cell_text,
    check_rules,
    is_blank,
    normalise,
    sheet_title,
)
from .exports import (
    ExportTable,
    SkippedSubmission,
    Submission,
    export_error,
    list_submissions,
    read_export,
    select_submissions,
    submission_id,
)
from .xlsform import RELATION_FIELDS, UUID_COLUMN

FIRM_ACTOR = {"type": "enterprise", "level": "micro"}  # a surveyed firm added to the cluster map


def _parse(
    table: ExportTable, sheet: str, head: tuple, body: list[tuple], origin: list[int]
) -> tuple[pd.DataFrame, list[int], list[Problem]]:
    """Typed rows and their problems, each located at the export row ``origin`` gives."""
    problems: list[Problem] = []
    raw = RawSheet(table.raw.title, [head] + body, table.raw.file)
    frame, rows = SheetReader(raw, SHEETS[sheet], problems, []).read_table()
    header_problems = [p for p in problems if p.row == 1]
    if header_problems:  # a required question missing from the export: no row can be read
        raise WorkbookError([replace(p, sheet=table.raw.title) for p in header_problems])
    rows = [origin[r - 2] for r in rows]
    problems = [replace(p, row=origin[p.row - 2]) for p in problems]
    if sheet == "enterprises":  # the workbook's cross-column rules, on the export's own rows
        check_rules(
            Workbook(
                Path(raw.file),
                {},
                {sheet: frame},
                {sheet: rows},
                {sheet: raw.title},
                [],
                {sheet: raw.file},
                {sheet: table.headers},
            ),
            problems,
        )
    problems.sort(key=lambda p: p.row)  # stable: the columns of one row stay in order
    return frame, rows, [replace(p, column=table.headers.get(p.column, p.column)) for p in problems]


def _split_choices(value, enum: str) -> list:
    """Choices of a multiple-choice cell: names separated by spaces, or labels that contain spaces.

    Longest matches first, so ``action conjointe information`` gives two values; a word that
    matches nothing is returned as it is, for the reader to reject with a suggestion.
    """
    if is_blank(value):
        return [value]
    table = ENUM_TABLES[enum]
    words = re.split(r"[\s;,]+", cell_text(value).strip())
    out, i = [], 0
    while i < len(words):
        for j in range(len(words), i, -1):
            if normalise(" ".join(words[i:j])) in table:
                out.append(table[normalise(" ".join(words[i:j]))])
                i = j
                break
        else:
            out.append(words[i])
            i += 1
    return out


def _record(frame: pd.DataFrame, index) -> dict:
    """A typed row as plain Python values (numpy scalars and pandas NA included)."""
    values = {}
    for key in frame.columns:
        value = frame.at[index, key]
        values[key] = (
            None
            if value is pd.NA or (isinstance(value, float) and value != value)
            else (value.item() if hasattr(value, "item") else value)
        )
    return values


@dataclass(frozen=True)
class ImportedRow:
    """A workbook row the import wrote or emptied: its sheet key, what it holds, and where from."""

    sheet: str
    key: str
    export_row: int
    workbook_row: int
    relation: tuple[str, str, str] | None = None  # source, target, relation type (translated when shown)
    replaced: str | None = None  # the earlier submission this one took the row of, absent from the export

    def message(self, lang: str) -> str:
        key = self.key if self.relation is None else relation_label(*self.relation, lang=lang)
        text = t(
            "survey.report.row",
            lang,
            sheet=sheet_title(self.sheet, lang),
            row=self.workbook_row,
            key=key,
            export_row=self.export_row,
        )
        return text if self.replaced is None else f"{text} {t('survey.report.replaced', lang, uuid=self.replaced)}"


def relation_label(source: str, target: str, relation_type: str, lang: str) -> str:
    """``E73 → E44 (approvisionnement)``: a relation as reports show it, its type in ``lang``."""
    kind = f"enum.relation_type.{relation_type}"
    return f"{source} → {target} ({t(kind, lang) if i18n.has(kind) else relation_type})"


@dataclass
class ImportReport:
    """What an import added, updated, left unchanged, removed, skipped and rejected, and why."""

    export: Path
    workbook: Path
    lang: str
    survey_round: int = 1
    round_given: bool = False
    added: list[ImportedRow] = field(default_factory=list)
    updated: list[ImportedRow] = field(default_factory=list)
    unchanged: list[ImportedRow] = field(default_factory=list)
    removed: list[ImportedRow] = field(default_factory=list)  # relations a resubmission dropped
    skipped: list[SkippedSubmission] = field(default_factory=list)
    rejected: list[Problem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    backup: Path | None = None

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def format(self, lang: str | None = None) -> str:
        lang = i18n.check_lang(lang or self.lang)
        lines = [
            t("survey.report.title", lang, export=self.export.name, workbook=self.workbook.name),
            t(
                "survey.report.round_given" if self.round_given else "survey.report.round_default",
                lang,
                round=self.survey_round,
            ),
        ]
        for name in ("added", "updated", "removed"):
            rows = getattr(self, name)
            if rows:
                lines.append(t(f"survey.report.{name}", lang, count=len(rows)))
                lines += ["  - " + r.message(lang) for r in rows]
        if self.unchanged:  # a cumulative export sends every earlier submission again
            lines.append(t("survey.report.unchanged_rows", lang, count=len(self.unchanged)))
        if self.skipped:
            lines.append(t("survey.report.skipped", lang, count=len(self.skipped)))
            lines += ["  - " + s.message(lang) for s in self.skipped]
        if self.rejected:
            lines.append(t("survey.report.rejected", lang, count=len(self.rejected)))
            lines += ["  - " + p.message(lang) for p in self.rejected]
        if self.ignored_columns:
            lines.append(t("survey.report.ignored", lang, columns=", ".join(self.ignored_columns)))
        lines.append(
            t("survey.report.backup", lang, path=self.backup) if self.backup else t("survey.report.unchanged", lang)
        )
        return "\n".join(lines)


def _records(wb: Workbook, key: str) -> dict[int, dict]:
    """A sheet's typed rows by their row number in the workbook."""
    if key not in wb.sheets:
        return {}
    frame = wb[key]
    return {row: _record(frame, index) for index, row in zip(frame.index, wb.excel_rows[key])}


def _relation(values: dict) -> tuple[str, str, str]:
    return values["source"], values["target"], values["relation_type"]


def _relation_key(values: dict) -> str:
    return f"{values['source']} → {values['target']} ({values['relation_type']})"


class _Merge:
    """The edits one import makes to the team workbook, and its report."""

    def __init__(self, edit: WorkbookEditor, report: ImportReport):
        self.wb, self.edit, self.report = edit.workbook, edit, report
        self.records = {key: _records(self.wb, key) for key in ("enterprises", "actors", "relations")}
        self.actors = {r["actor_id"]: r["name"] for r in self.records["actors"].values()}

    def reject(self, table: ExportTable, at: int, code: str, key: str | None = None, value=None, **values) -> None:
        self.report.rejected.append(
            Problem(
                code,
                table.raw.file,
                table.raw.title,
                at,
                table.headers.get(key, key),
                value,
                (f"survey.err.{code}.expected", values),
                (f"survey.err.{code}.fix", {}),
            )
        )

    def put(
        self, sheet: str, row: int | None, values: dict, key: str, export_row: int, replaced: str | None = None
    ) -> int:
        """Write ``values`` on ``row`` (None: a new row at the end) and report what happened."""
        done = ImportedRow(
            sheet,
            key,
            export_row,
            row or self.edit.sheet(sheet).next_row,
            _relation(values) if sheet == "relations" else None,
            replaced,
        )
        if row is None:
            self.edit.sheet(sheet).append(values)
            self.report.added.append(done)
        elif all(self.records[sheet].get(row, {}).get(k) == v for k, v in values.items()):
            self.report.unchanged.append(done)
        else:
            self.edit.sheet(sheet).write(row, values)
            self.report.updated.append(done)
        return done.workbook_row

    def submissions(self, main: ExportTable, kept: list[Submission]) -> dict[int, tuple[str, Submission]]:
        """Kept submissions -> enterprises rows (and actors); returns export row -> (firm id, submission)."""
        # the submissions left out are not checked: a rejected duplicate must not clash with its firm
        head, body, numbers = main.body(tuple(c.key for c in SHEETS["enterprises"].columns), {s.row for s in kept})
        frame, rows, problems = _parse(main, "enterprises", head, body, numbers)
        self.report.rejected += problems
        bad = {p.row for p in problems}
        typed = {number: _record(frame, index) for index, number in zip(frame.index, rows)}
        row_of_uuid = {r[UUID_COLUMN]: row for row, r in self.records["enterprises"].items() if r.get(UUID_COLUMN)}
        id_at_row = {row: r["enterprise_id"] for row, r in self.records["enterprises"].items()}
        # a row written by a submission this export no longer holds (Kobo edit without
        # meta/rootUuid, or a submission since rejected) goes to the kept one of the same firm
        current = {i for s in kept for i in s.ids}
        accepted = {}
        for submission in kept:
            number = submission.row
            if number in bad:
                continue
            values = typed[number]
            firm, uuid = values["enterprise_id"], submission.key
            if uuid is None:
                self.reject(main, number, "uuid_missing")
                continue
            row = next((row_of_uuid[i] for i in submission.ids if i in row_of_uuid), None)
            holder = next((r for r, i in id_at_row.items() if i == firm and r != row), None)
            earlier = self.records["enterprises"].get(holder, {}).get(UUID_COLUMN)
            replaced = None
            if row is None and earlier and earlier not in current:
                row, holder, replaced = holder, None, earlier
                submission = replace(submission, ids=submission.ids | {earlier})
            if holder is not None:  # never overwrite a firm another submission or the team entered
                self.reject(
                    main,
                    number,
                    "id_taken",
                    "enterprise_id",
                    firm,
                    row=holder,
                    sheet=self.edit.sheet("enterprises").ws.title,
                )
                continue
            row = self.put("enterprises", row, {**values, UUID_COLUMN: uuid}, firm, number, replaced)
            row_of_uuid[uuid], id_at_row[row], accepted[number] = row, firm, (firm, submission)
            if firm not in self.actors:  # relations need the firm on the cluster map
                self.actors[firm] = values["name"]
                self.put("actors", None, {"actor_id": firm, "name": values["name"], **FIRM_ACTOR}, firm, number)
        taken = {i for _, s in accepted.values() for i in s.ids}
        self.report.skipped = [  # a rejection after an earlier import: its rows are the team's to remove
            replace(s, kept_at=next((row_of_uuid[i] for i in s.ids - taken if i in row_of_uuid), None))
            for s in self.report.skipped
        ]
        return accepted

    def _target(self, value):
        """The actor id a relation's target names (an id, or a name), or the problem code."""
        if is_blank(value) or cell_text(value) in self.actors:
            return value, None
        found = {a for a, name in self.actors.items() if normalise(value) in (normalise(a), normalise(name or ""))}
        if len(found) == 1:
            return found.pop(), None
        return value, ("target_ambiguous" if found else "target_unknown", ", ".join(sorted(found)))

    def relations(self, main: ExportTable, repeat: ExportTable, found: list[Submission], accepted: dict) -> None:
        """Repeat rows -> relations rows (one per relation type), the firm as source.

        A resubmission's relations replace those it sent before, but only when all of them are
        valid: until then the earlier ones stay, so a typing error never loses a known tie. New
        relations take the import's survey round; a resubmission's keep the round they had.
        """
        by_index = {main.meta_value(cells, "_index"): number for number, cells in main.rows()}
        by_id = {i: s.row for s in found for i in s.ids - {s.replaces}}
        left_out = {s.export_row: s for s in self.report.skipped}
        body, origin, parent_of, held = [], [], {}, set()
        for number, cells in repeat.rows():
            parent = by_id.get(
                submission_id(repeat.meta_value(cells, "_submission__uuid", "parent_key"))
            ) or by_index.get(repeat.meta_value(cells, "_parent_index"))
            if parent in left_out:  # the relations of a skipped submission are left out with it
                left_out[parent] = replace(left_out[parent], relations=left_out[parent].relations + 1)
                continue
            target, problem = repeat.value(cells, "target"), None
            if parent is None:
                problem = ("parent_missing", "")
            elif parent not in accepted:
                problem = ("parent_rejected", "")
            else:
                target, problem = self._target(target)
            if problem is not None:
                code, ids = problem
                about_target = code.startswith("target")
                self.reject(
                    repeat, number, code, "target" if about_target else None, target if about_target else None, ids=ids
                )
                held.add(parent)
                continue
            parent_of[number] = parent
            for choice in _split_choices(repeat.value(cells, "relation_type"), "relation_type"):
                body.append(
                    (
                        accepted[parent][0],
                        target,
                        choice,
                        repeat.value(cells, "intensity"),
                        repeat.value(cells, "formal"),
                    )
                )
                origin.append(number)
        self.report.skipped = [left_out[s.export_row] for s in self.report.skipped]
        head = ("source",) + tuple(k if repeat.has(k) else None for k in RELATION_FIELDS)
        frame, rows, problems = _parse(repeat, "relations", head, body, origin)
        self.report.rejected += problems
        bad = {p.row for p in problems}
        held |= {parent_of[n] for n in bad}
        previous: dict[str, list[int]] = {}
        for row, r in self.records["relations"].items():
            if r.get(UUID_COLUMN):
                previous.setdefault(r[UUID_COLUMN], []).append(row)
        for parent, (_firm, submission) in accepted.items():
            slots = sorted(row for i in submission.ids for row in previous.get(i, []))
            rounds = [self.records["relations"][row].get("survey_round") for row in slots]
            survey_round = next((r for r in rounds if r is not None), self.report.survey_round)
            mine = [(i, n) for i, n in zip(frame.index, rows) if parent_of[n] == parent and n not in bad]
            if slots and parent in held:
                for number in sorted({n for _, n in mine}):
                    self.reject(repeat, number, "relations_held")
                continue
            for index, number in mine:
                values = {**_record(frame, index), "survey_round": survey_round, UUID_COLUMN: submission.key}
                self.put("relations", slots.pop(0) if slots else None, values, _relation_key(values), number)
            for row in slots:  # ties the resubmission no longer declares
                self.edit.sheet("relations").clear(row)
                gone = self.records["relations"][row]
                self.report.removed.append(
                    ImportedRow("relations", _relation_key(gone), submission.row, row, _relation(gone))
                )


def _round(wb: Workbook, survey_round, path: Path) -> int:
    """The survey round of the imported relations: required once the workbook has several rounds.

    A workbook whose relations are all in round 1 (or have no round) is a single-round survey:
    its imports go to round 1, which the summary says.
    """
    relations = wb.sheets.get("relations")
    rounds = (
        []
        if relations is None or "survey_round" not in relations
        else sorted({int(r) for r in relations["survey_round"].dropna()})
    )
    if survey_round is None:
        if any(r > 1 for r in rounds):
            raise export_error(
                path.name,
                "round_required",
                ", ".join(map(str, rounds)),
                wb.sheet_titles.get("relations"),
                next=rounds[-1] + 1,
            )
        return 1
    if isinstance(survey_round, bool) or not isinstance(survey_round, int) or survey_round < 1:
        raise export_error(path.name, "round_invalid", survey_round)
    return survey_round


def import_export(export_path, workbook_path, lang: str | None = None, survey_round: int | None = None) -> ImportReport:
    """Merge a KoboToolbox or ODK export (XLSX, CSV files, or ODK Central's ZIP) into the team workbook.

    Each submission becomes an ``enterprises`` row, and an ``actors`` row when the firm is not on
    the cluster map yet; each repeat row becomes one ``relations`` row per relation type chosen,
    with the firm as source and ``survey_round`` as its round (required when the workbook's
    relations already have rounds; 1 otherwise). Submissions rejected in review (ODK
    ``ReviewState``, Kobo ``_validation_status``) are skipped; of several versions of one
    submission, or several submissions of one firm, the newest wins. A submission already in the
    workbook updates its rows. Invalid rows are rejected with their reason; nothing else is lost.
    When something changed, the workbook is checked, its previous version copied to
    :func:`~clusterkit.workbook.backup_path`, and the new one renamed into place. ``lang`` is the report's language
    (default: the workbook's). Raises :class:`WorkbookError` when the workbook is invalid or not
    ``.xlsx``, the round is missing, or the export is not a complete export of the form.
    """
    export_path, workbook_path = Path(export_path), Path(workbook_path)
    edit = WorkbookEditor(workbook_path, lang)
    lang = edit.lang
    try:
        chosen = _round(edit.workbook, survey_round, workbook_path)
        main, repeat = read_export(export_path)
        found = list_submissions(main)
        kept, skipped = select_submissions(found)
        report = ImportReport(
            export_path,
            workbook_path,
            lang,
            chosen,
            survey_round is not None,
            skipped=skipped,
            ignored_columns=main.ignored + repeat.ignored,
        )
        merge = _Merge(edit, report)
        accepted = merge.submissions(main, kept)
        merge.relations(main, repeat, found, accepted)
    except WorkbookError as error:  # the export's problems, said in the command's language
        raise WorkbookError(error.problems, lang) from None
    if report.changed:
        report.backup = edit.save()
    return report
