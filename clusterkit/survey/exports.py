"""Exports of the enterprise survey, read into tables: KoboToolbox (XLSX, CSV) and ODK Central
(CSV, or the "all data" ZIP).

Fields are found by their question name, French header or label, whatever group path the
server puts before them; metadata columns are told apart from the form's own. Of the
submissions, those rejected in review and the older versions of one submission or one firm are
set aside, each with its reason.
"""

from __future__ import annotations

import glob
import tempfile
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from ..i18n import t
from ..schema import SHEETS
from ..workbook import (
    ENUM_TABLES,
    Problem,
    RawSheet,
    WorkbookError,
    cell_text,
    is_blank,
    load_sheets,
    max_bytes,
    normalise,
    too_large,
)
from .xlsform import MULTIPLE, RELATION_FIELDS, REPEAT, question_label, survey_rows

# Export metadata: Kobo's columns start with "_"; these are ODK's and the form's own.
_LINKS = ("_submission__uuid", "_parent_index", "parent_key")
# A submission's ids, the most stable first: an edit gives it a new instanceID (and _uuid), but
# Kobo keeps meta/rootUuid and ODK Central its KEY; meta/deprecatedID names the previous one.
_UUIDS = ("rootuuid", "key", "_uuid", "instanceid")
_META = {
    "start",
    "end",
    "today",
    "deviceid",
    "instanceid",
    "instancename",
    "rootuuid",
    "deprecatedid",
    "key",
    "parent_key",
    "submissiondate",
    "submitterid",
    "submittername",
    "attachmentspresent",
    "attachmentsexpected",
    "status",
    "reviewstate",
    "edits",
    "formversion",
    "audit",
}


@dataclass
class ExportTable:
    """One sheet of an export: its fields mapped to canonical keys, and its rows."""

    raw: RawSheet
    positions: dict[str, int]  # canonical key -> column position
    headers: dict[str, str]  # canonical key -> the export's own header
    meta: dict[str, int]  # lower-cased metadata name -> column position
    ignored: list[str]
    # a multiple choice exported only as one 0/1 column per choice: key -> [(position, choice)]
    choices: dict[str, list[tuple[int, str]]] = field(default_factory=dict)

    def has(self, key: str) -> bool:
        return key in self.positions or key in self.choices

    def rows(self):
        """(export row number, cells) for every non-blank row under the header."""
        for offset, row in enumerate(self.raw.rows[1:], start=2):
            if any(not is_blank(c) for c in row):
                yield offset, row

    def body(self, keys: tuple[str, ...], only: set[int]) -> tuple[tuple, list[tuple], list[int]]:
        """A header of canonical keys (blank where the export lacks the field), the rows ``only``
        names, their numbers."""
        head = tuple(k if self.has(k) else None for k in keys)
        rows, numbers = [], []
        for number, cells in self.rows():
            if number not in only:
                continue
            rows.append(tuple(self.value(cells, k) for k in keys))
            numbers.append(number)
        return head, rows, numbers

    def value(self, cells: tuple, key: str):
        pos = self.positions.get(key)
        if pos is None and key in self.choices:  # the choices ticked, as a single-column export gives them
            return " ".join(choice for p, choice in self.choices[key] if p < len(cells) and _ticked(cells[p]))
        return cells[pos] if pos is not None and pos < len(cells) else None

    def meta_value(self, row: tuple, *names: str) -> str | None:
        for name in names:
            pos = self.meta.get(name)
            if pos is not None and pos < len(row) and not is_blank(row[pos]):
                return cell_text(row[pos])
        return None


def _aliases(keys: tuple[str, ...]) -> dict[str, str]:
    """Every header an export may use for a field: its name, French header, or question label."""
    table = {}
    for key in keys:
        for spelling in (key, t(f"col.{key}", "fr"), question_label(key, "fr"), question_label(key, "en")):
            table[normalise(spelling)] = key
    return table


def _form_only() -> set[str]:
    """Names of the form's helper questions (a share's percentage), which are not columns."""
    keys = {c.key for c in SHEETS["enterprises"].columns} | set(RELATION_FIELDS) | {REPEAT}
    return {normalise(r["name"]) for r in survey_rows("fr") if r["name"] not in keys}


def _ticked(value) -> bool:
    """A choice's own column: 1 (or True) when the choice was ticked, 0 or blank otherwise."""
    return not is_blank(value) and cell_text(value).strip().lower() in ("1", "1.0", "true")


def _last(name: str) -> str:
    """A field's own name without ODK Central's group path (``identification-name``)."""
    return name.rsplit("-", 1)[-1]


def _map_table(raw: RawSheet, aliases: dict[str, str]) -> ExportTable:
    head = raw.rows[0] if raw.rows else ()
    positions, headers, meta, ignored, choices = {}, {}, {}, [], {}
    helpers = _form_only()
    for pos, cell in enumerate(head):
        if is_blank(cell):
            continue
        text = cell_text(cell)
        # Kobo joins groups with "/" and ODK Central with "-"; both may add one 0/1 column per
        # choice of a multiple choice, named <field>/<choice>.
        parts = text.split("/")
        last = parts[-1] if len(parts) > 1 else _last(text)
        key = aliases.get(normalise(text)) or aliases.get(normalise(last)) or aliases.get(normalise(_last(last)))
        parent = parts[-2] if len(parts) >= 2 else None
        owner = parent and (aliases.get(normalise(parent)) or aliases.get(normalise(_last(parent))))
        if owner in MULTIPLE and key != owner:
            enum = SHEETS["relations"].column(owner).enum
            choices.setdefault(owner, []).append((pos, ENUM_TABLES[enum].get(normalise(last), last)))
            headers.setdefault(owner, text.rsplit("/", 1)[0])
        elif key is not None and key not in positions:
            positions[key], headers[key] = pos, text
        elif last.startswith("_") or _last(last).lower() in _META:
            meta.setdefault((last if last.startswith("_") else _last(last)).lower(), pos)
        elif normalise(last) not in helpers:
            ignored.append(text)
    # a main column read, its choices' own columns are redundant
    choices = {k: v for k, v in choices.items() if k not in positions}
    return ExportTable(raw, positions, headers, meta, ignored, choices)


def export_error(file: str, code: str, value, sheet: str | None = None, **values) -> WorkbookError:
    return WorkbookError(
        [
            Problem(
                code,
                file,
                sheet,
                value=value,
                expected=(f"survey.err.{code}.expected", values),
                fix=(f"survey.err.{code}.fix", values),
            )
        ]
    )


def _odk_zip(path: Path) -> list[RawSheet] | None:
    """The CSV files of ODK Central's "all data" ZIP (None for another ZIP, such as an .xlsx).

    Central puts the main table in ``<form>.csv``, each repeat in ``<form>-<repeat>.csv`` and the
    attachments under ``media/``; only the CSV files are read, from a temporary copy.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            members = [i for i in archive.infolist() if i.filename.lower().endswith(".csv") and not i.is_dir()]
            if not members:
                return None
            size = sum(i.file_size for i in members)
            if size > max_bytes():  # the reader's own limit, checked before anything is unpacked
                raise too_large(path.name, size)
            raws = []
            with tempfile.TemporaryDirectory() as folder:
                for info in members:
                    target = Path(folder, Path(info.filename).name)
                    target.write_bytes(archive.read(info))
                    raws += [replace(r, file=f"{path.name}/{info.filename}") for r in load_sheets(target)]
            return raws
    except (zipfile.BadZipFile, OSError):
        return None


def export_sheets(path: Path) -> list[RawSheet]:
    """The sheets of a field export, cells as stored: a KoboToolbox XLSX or CSV file, ODK Central's
    CSV with its repeat files ``<form>-<repeat>.csv`` beside it, or Central's "all data" ZIP.
    A folder is read as the CSV files of an unpacked ZIP. Raises :class:`WorkbookError` when the
    file is missing or unreadable."""
    if not path.exists():
        raise export_error(path.name, "export_missing", str(path))
    raws = _odk_zip(path) if path.suffix.lower() == ".zip" else None
    if raws is None:
        raws = load_sheets(path)
    if path.suffix.lower() == ".csv":  # ODK Central names repeat files <form>-<repeat>.csv
        siblings = sorted(path.parent.glob(f"{glob.escape(path.stem)}?*.csv"))
        raws += [r for sibling in siblings for r in load_sheets(sibling)]
    return raws


def read_export(path: Path) -> tuple[ExportTable, ExportTable]:
    """The main sheet and the relations repeat sheet of an XLSX, CSV or ODK Central ZIP export."""
    raws = export_sheets(path)
    main_aliases = _aliases(tuple(c.key for c in SHEETS["enterprises"].columns))
    repeat_aliases = _aliases(RELATION_FIELDS)
    main = repeat = None
    for raw in raws:
        if not raw.rows:
            continue
        names = {cell_text(c).rsplit("/", 1)[-1].lower() for c in raw.rows[0] if not is_blank(c)}
        if any(link in names for link in _LINKS):
            table = _map_table(raw, repeat_aliases)
            if repeat is None and table.has("relation_type"):
                repeat = table
        elif main is None:
            table = _map_table(raw, main_aliases)
            if table.positions:
                main = table
    if main is None:
        raise export_error(path.name, "no_main", ", ".join(r.title for r in raws))
    if not any(name in main.meta for name in _UUIDS):
        raise export_error(path.name, "uuid_missing", ", ".join(map(cell_text, main.raw.rows[0])), main.raw.title)
    if repeat is None:  # the firms alone would go in, and every relation they declared be lost
        raise export_error(path.name, "repeat_missing", ", ".join(r.title for r in raws))
    return main, repeat


def submission_id(value: str | None) -> str | None:
    """A submission id without ODK's ``uuid:`` prefix or a repeat's ``/group[n]`` suffix."""
    if value is None:
        return None
    value = value.split("/", 1)[0]
    return value[5:] if value.lower().startswith("uuid:") else value


@dataclass(frozen=True)
class Submission:
    """One row of the main sheet: the id the workbook keeps, its lineage, review and time."""

    row: int
    key: str | None
    ids: frozenset[str]  # its own ids and the one it replaces (deprecatedID)
    lineage: frozenset[str]  # ids shared by every version of one submission
    firm: str | None  # the enterprise id as typed, to find duplicates of one firm
    time: pd.Timestamp | None
    rejected: bool
    replaces: str | None  # meta/deprecatedID: the version this one is an edit of


@dataclass(frozen=True)
class SkippedSubmission:
    """A submission the import left out on purpose: rejected in review, or superseded."""

    export_row: int
    firm: str | None
    reason: str  # "rejected", "older_version" or "older_duplicate"
    newer_row: int | None = None  # the submission that supersedes it
    relations: int = 0  # its repeat rows, left out with it
    ids: frozenset[str] = frozenset()
    kept_at: int | None = None  # a rejected submission an earlier import wrote: its enterprises row

    def message(self, lang: str) -> str:
        text = t(
            f"survey.report.skip.{self.reason}",
            lang,
            row=self.export_row,
            firm=self.firm or "—",
            newer=self.newer_row or "—",
            relations=self.relations,
        )
        return text if self.kept_at is None else f"{text} {t('survey.report.skip.kept', lang, row=self.kept_at)}"


# ODK Central's review states and Kobo's validation statuses that mean "do not use".
_REJECTED = {normalise(r) for r in ("rejected", "validation_status_not_approved", "not approved", "non approuve")}


def _time(value) -> pd.Timestamp | None:
    """A submission time (ODK ``SubmissionDate``, Kobo ``_submission_time``) as naive UTC."""
    if value is None:
        return None
    stamp = pd.to_datetime(value, errors="coerce", utc=True)
    return None if pd.isna(stamp) else stamp.tz_convert(None)


def list_submissions(main: ExportTable) -> list[Submission]:
    out = []
    for number, cells in main.rows():
        ids = [submission_id(main.meta_value(cells, name)) for name in _UUIDS + ("deprecatedid",)]
        kobo_id = main.meta_value(cells, "_id")  # Kobo keeps _id across edits, _uuid changes
        lineage = {i for i in ids if i} | ({f"_id:{kobo_id}"} if kobo_id else set())
        review = main.meta_value(cells, "reviewstate", "_validation_status") or ""
        firm = main.value(cells, "enterprise_id")
        out.append(
            Submission(
                number,
                next((i for i in ids[:-1] if i), None),
                frozenset(i for i in ids if i),
                frozenset(lineage),
                None if is_blank(firm) else cell_text(firm).strip(),
                _time(main.meta_value(cells, "submissiondate", "_submission_time")),
                normalise(review) in _REJECTED,
                ids[-1],
            )
        )
    return out


def _newest(group: list[Submission]) -> Submission:
    """The latest version: by submission time, then the one no other version names as deprecated."""
    replaced = {s.replaces for s in group}

    def rank(s: Submission):
        return (s.time or pd.Timestamp.min, not (s.ids - {s.replaces}) & replaced, s.row)

    return max(group, key=rank)


def select_submissions(found: list[Submission]) -> tuple[list[Submission], list[SkippedSubmission]]:
    """The submissions to import, oldest first, and those left out: rejected in review, older
    versions of one submission (same lineage), older submissions of the same firm. The newest
    accepted one wins whatever the export's row order; it inherits the ids of those it supersedes,
    so that the workbook rows they wrote are updated rather than duplicated."""
    skipped = [SkippedSubmission(s.row, s.firm, "rejected", ids=s.ids) for s in found if s.rejected]
    accepted = [s for s in found if not s.rejected]
    link = list(range(len(accepted)))  # union-find over the ids the versions share

    def root(i: int) -> int:
        while link[i] != i:
            link[i] = i = link[link[i]]
        return i

    holder: dict[str, int] = {}
    for i, s in enumerate(accepted):
        for name in s.lineage:
            link[root(holder.setdefault(name, i))] = root(i)
    groups: dict[int, list[Submission]] = {}
    for i, s in enumerate(accepted):
        groups.setdefault(root(i), []).append(s)
    kept = []
    for group in groups.values():
        newest = _newest(group)
        skipped += [SkippedSubmission(o.row, o.firm, "older_version", newest.row) for o in group if o is not newest]
        kept.append(replace(newest, ids=frozenset().union(*(o.ids for o in group))))
    by_firm: dict[str, list[Submission]] = {}
    for s in kept:
        by_firm.setdefault(normalise(s.firm) if s.firm else f"#{s.row}", []).append(s)
    kept = []
    for group in by_firm.values():
        newest = max(group, key=lambda s: (s.time or pd.Timestamp.min, s.row))
        skipped += [SkippedSubmission(o.row, o.firm, "older_duplicate", newest.row) for o in group if o is not newest]
        kept.append(replace(newest, ids=frozenset().union(*(o.ids for o in group))))
    kept.sort(key=lambda s: (s.time or pd.Timestamp.min, s.row))
    return kept, sorted(skipped, key=lambda s: s.export_row)
