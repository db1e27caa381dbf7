"""The field survey: an XLSForm for KoboToolbox or ODK, and the import of its exports.

The form is generated from the schema's ``enterprises`` sheet: one question per column, named by
its canonical key, plus a repeat group for the firm's relations. An export therefore maps back
onto the workbook without a mapping table. The import reads every row with the workbook reader's
own parsing, leaves out submissions rejected in review and superseded versions, updates a
resubmission or an edit in place, gives every relation a survey round, and writes the workbook
atomically after keeping a copy of the previous version.
"""
from __future__ import annotations

import glob
from copy import copy
import hashlib
import json
import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd
from openpyxl import Workbook as XlsxBook
from openpyxl import load_workbook

from . import i18n
from .exports import save_atomically
from .i18n import t
from .schema import ENUMS, SHEETS, Column
from .workbook import (
    _ENUM_TABLES, Problem, RawSheet, Workbook, WorkbookError, _check_rules, _is_blank, _kind_spec,
    _load_raw, _norm, _range_spec, max_bytes, _render, _SheetReader, _fmt, _text, read_workbook,
)
from .writer import _put, cell_value, header, sheet_title

FORM_ID = "clusterkit_enterprises"
REPEAT = "relations"
RELATION_FIELDS = ("target", "relation_type", "intensity", "formal")
MULTIPLE = frozenset({"relation_type"})  # select_multiple: one relations row per type chosen
YES_NO = "yes_no"
UUID_COLUMN = "submission_uuid"  # kept in the workbook so that a resubmission updates its row
UUID_SHEETS = ("enterprises", "relations")  # the sheets whose rows come from one submission
PERCENT = "_percent"  # a share is asked as a percentage, then converted by a calculation
FIRM_ACTOR = {"type": "enterprise", "level": "micro"}  # a surveyed firm added to the cluster map
# Checks the workbook makes across columns, also enforced while the enumerator types.
CROSS_CONSTRAINTS = {"employees_women": (". <= ${employees}", ("err.women_exceed.expected",
                                                              {"total": "${employees}"}))}

# Export metadata: Kobo's columns start with "_"; these are ODK's and the form's own.
_LINKS = ("_submission__uuid", "_parent_index", "parent_key")
# A submission's ids, the most stable first: an edit gives it a new instanceID (and _uuid), but
# Kobo keeps meta/rootUuid and ODK Central its KEY; meta/deprecatedID names the previous one.
_UUIDS = ("rootuuid", "key", "_uuid", "instanceid")
_META = {"start", "end", "today", "deviceid", "instanceid", "instancename", "rootuuid", "deprecatedid", "key",
         "parent_key", "submissiondate", "submitterid", "submittername", "attachmentspresent",
         "attachmentsexpected", "status", "reviewstate", "edits", "formversion", "audit"}


# --------------------------------------------------------------------------------------------
# The XLSForm
# --------------------------------------------------------------------------------------------
def _language(lang: str) -> str:
    """The XLSForm language name, e.g. ``Français (fr)``, as Kobo and ODK recommend."""
    name = t(f"enum.language.{lang}", lang)
    return f"{name[:1].upper()}{name[1:]} ({lang})"


def _label(key: str, lang: str) -> str:
    """The question's label: a survey wording when the catalogue has one, else the column's description."""
    own = f"survey.label.{key}"
    return t(own if i18n.has(own) else f"doc.{key}", lang).rstrip(".")


def _hint(column: Column, lang: str) -> str | None:
    own = f"survey.hint.{column.key}"
    if i18n.has(own):
        return t(own, lang)
    if column.kind in ("integer", "number"):
        rng = _range_spec(column)
        kind = _render(_kind_spec(column), lang)
        return kind if rng is None else f"{kind}, {_render(rng, lang)}"
    return None


def _bounds(low, high, exclusive: bool = False) -> str | None:
    parts = []
    if low is not None:
        parts.append(f". {'>' if exclusive else '>='} {_fmt(low)}")
    if high is not None:
        parts.append(f". <= {_fmt(high)}")
    return " and ".join(parts) or None


def _constraint(column: Column, lang: str) -> tuple[str | None, str | None]:
    """The XPath constraint of a numeric question and its message, from the schema's range."""
    rules, messages = [], []
    own = _bounds(column.minimum, column.maximum, column.exclusive_minimum)
    if own:
        rules.append(own)
        messages.append(_render(_range_spec(column), lang))
    if column.key in CROSS_CONSTRAINTS:
        rule, spec = CROSS_CONSTRAINTS[column.key]
        rules.append(rule)
        messages.append(_render(spec, lang))
    if not rules:
        return None, None
    message = "; ".join(messages)
    return " and ".join(rules), message[:1].upper() + message[1:]


def _questions(column: Column, lang: str, multiple: bool = False) -> list[dict]:
    """The survey rows for one schema column (two for a share: a percentage and its conversion)."""
    row = {"name": column.key, "label": _label(column.key, lang), "hint": _hint(column, lang),
           "required": "yes" if column.required else None}
    if column.kind == "enum":
        row["type"] = f"{'select_multiple' if multiple else 'select_one'} {column.enum}"
    elif column.kind == "bool":
        row["type"] = f"select_one {YES_NO}"
    elif column.kind in ("integer", "number"):
        row["type"] = "integer" if column.kind == "integer" else "decimal"
        row["constraint"], row["constraint_message"] = _constraint(column, lang)
    elif column.kind == "share":
        percent = f"{column.key}{PERCENT}"
        row.update(type="decimal", name=percent, label=t("survey.percent", lang, label=row["label"]),
                   constraint=_bounds(0, 100),
                   constraint_message=_render(("kind.range", {"low": 0, "high": 100}), lang))
        return [row, {"type": "calculate", "name": column.key,
                      "calculation": f"if(${{{percent}}} = '', '', ${{{percent}}} div 100)"}]
    elif column.kind in ("id", "text", "ref"):
        row["type"] = "text"
    else:  # a date column would need its own question type; the enterprises sheet has none
        raise ValueError(f"no XLSForm question for the kind {column.kind!r} of {column.key}")
    return [row]


def survey_rows(lang: str) -> list[dict]:
    """The ``survey`` sheet: the enterprises sheet, then the repeat group of the firm's relations."""
    # the submission's id is written by the import, never asked (whether or not the schema lists it)
    rows = [q for column in SHEETS["enterprises"].columns if column.key != UUID_COLUMN
            for q in _questions(column, lang)]
    rows.append({"type": "begin_repeat", "name": REPEAT, "label": t("survey.label.relations", lang)})
    relations = SHEETS["relations"]
    for key in RELATION_FIELDS:
        rows += _questions(relations.column(key), lang, multiple=key in MULTIPLE)
    rows.append({"type": "end_repeat", "name": REPEAT})
    return rows


def choice_rows(lang: str) -> list[dict]:
    """The ``choices`` sheet: canonical values as names, labelled in ``lang``."""
    lists = []
    for sheet, keys in (("enterprises", None), ("relations", RELATION_FIELDS)):
        for column in SHEETS[sheet].columns:
            if column.kind == "enum" and (keys is None or column.key in keys) and column.enum not in lists:
                lists.append(column.enum)
    rows = [{"list_name": name, "name": value, "label": t(f"enum.{name}.{value}", lang)}
            for name in lists for value in ENUMS[name]]
    rows += [{"list_name": YES_NO, "name": name, "label": t(f"enum.bool.{value}", lang)}
             for name, value in (("yes", "true"), ("no", "false"))]
    return rows


_SURVEY_COLUMNS = ("type", "name", "label", "hint", "required", "constraint", "constraint_message",
                   "calculation")
_TRANSLATED = ("label", "hint", "constraint_message")


def enterprise_xlsform(path, lang: str = "fr") -> Path:
    """Write the enterprise survey as an XLSForm (sheets survey, choices, settings) in ``lang``.

    Question names are the canonical column keys of the ``enterprises`` sheet, so an export of
    the collected data imports back with :func:`import_export`. Returns the path written.
    """
    lang = i18n.check_lang(lang)
    language = _language(lang)
    survey, choices = survey_rows(lang), choice_rows(lang)
    book = XlsxBook()
    book.remove(book.active)

    def sheet(title: str, columns: tuple[str, ...], rows: list[dict]) -> None:
        ws = book.create_sheet(title)
        ws.append([f"{c}::{language}" if c in _TRANSLATED else c for c in columns])
        for row in rows:
            ws.append([row.get(c) for c in columns])

    sheet("survey", _SURVEY_COLUMNS, survey)
    sheet("choices", ("list_name", "name", "label"), choices)
    digest = hashlib.sha256(json.dumps([survey, choices], sort_keys=True).encode()).hexdigest()[:10]
    sheet("settings", ("form_title", "form_id", "version", "default_language", "instance_name"), [{
        "form_title": t("survey.form_title", lang), "form_id": FORM_ID, "version": digest,
        "default_language": language, "instance_name": "concat(${enterprise_id}, ' ', ${name})",
    }])
    return save_atomically(book, path)


# --------------------------------------------------------------------------------------------
# Reading an export
# --------------------------------------------------------------------------------------------
@dataclass
class _Table:
    """One sheet of an export: its fields mapped to canonical keys, and its rows."""

    raw: RawSheet
    positions: dict[str, int]     # canonical key -> column position
    headers: dict[str, str]       # canonical key -> the export's own header
    meta: dict[str, int]          # lower-cased metadata name -> column position
    ignored: list[str]
    # a multiple choice exported only as one 0/1 column per choice: key -> [(position, choice)]
    choices: dict[str, list[tuple[int, str]]] = field(default_factory=dict)

    def has(self, key: str) -> bool:
        return key in self.positions or key in self.choices

    def rows(self):
        """(export row number, cells) for every non-blank row under the header."""
        for offset, row in enumerate(self.raw.rows[1:], start=2):
            if any(not _is_blank(c) for c in row):
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
            if pos is not None and pos < len(row) and not _is_blank(row[pos]):
                return _text(row[pos])
        return None


def _aliases(keys: tuple[str, ...]) -> dict[str, str]:
    """Every header an export may use for a field: its name, French header, or question label."""
    table = {}
    for key in keys:
        for spelling in (key, t(f"col.{key}", "fr"), _label(key, "fr"), _label(key, "en")):
            table[_norm(spelling)] = key
    return table


def _form_only() -> set[str]:
    """Names of the form's helper questions (a share's percentage), which are not columns."""
    keys = {c.key for c in SHEETS["enterprises"].columns} | set(RELATION_FIELDS) | {REPEAT}
    return {_norm(r["name"]) for r in survey_rows("fr") if r["name"] not in keys}


def _ticked(value) -> bool:
    """A choice's own column: 1 (or True) when the choice was ticked, 0 or blank otherwise."""
    return not _is_blank(value) and _text(value).strip().lower() in ("1", "1.0", "true")


def _last(name: str) -> str:
    """A field's own name without ODK Central's group path (``identification-name``)."""
    return name.rsplit("-", 1)[-1]


def _map_table(raw: RawSheet, aliases: dict[str, str]) -> _Table:
    head = raw.rows[0] if raw.rows else ()
    positions, headers, meta, ignored, choices = {}, {}, {}, [], {}
    helpers = _form_only()
    for pos, cell in enumerate(head):
        if _is_blank(cell):
            continue
        text = _text(cell)
        # Kobo joins groups with "/" and ODK Central with "-"; both may add one 0/1 column per
        # choice of a multiple choice, named <field>/<choice>.
        parts = text.split("/")
        last = parts[-1] if len(parts) > 1 else _last(text)
        key = aliases.get(_norm(text)) or aliases.get(_norm(last)) or aliases.get(_norm(_last(last)))
        parent = parts[-2] if len(parts) >= 2 else None
        owner = parent and (aliases.get(_norm(parent)) or aliases.get(_norm(_last(parent))))
        if owner in MULTIPLE and key != owner:
            enum = SHEETS["relations"].column(owner).enum
            choices.setdefault(owner, []).append((pos, _ENUM_TABLES[enum].get(_norm(last), last)))
            headers.setdefault(owner, text.rsplit("/", 1)[0])
        elif key is not None and key not in positions:
            positions[key], headers[key] = pos, text
        elif last.startswith("_") or _last(last).lower() in _META:
            meta.setdefault((last if last.startswith("_") else _last(last)).lower(), pos)
        elif _norm(last) not in helpers:
            ignored.append(text)
    # a main column read, its choices' own columns are redundant
    choices = {k: v for k, v in choices.items() if k not in positions}
    return _Table(raw, positions, headers, meta, ignored, choices)


def _export_error(file: str, code: str, value, sheet: str | None = None, **values) -> WorkbookError:
    return WorkbookError([Problem(code, file, sheet, value=value, expected=(f"survey.err.{code}.expected", values),
                                  fix=(f"survey.err.{code}.fix", values))])


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
                raise WorkbookError([Problem("file_too_large", path.name, value=f"{size >> 20} MB",
                                             expected=("err.file_too_large.expected",
                                                       {"limit": round(max_bytes() / 1024 / 1024)}),
                                             fix=("err.file_too_large.fix", {}))])
            raws = []
            with tempfile.TemporaryDirectory() as folder:
                for info in members:
                    target = Path(folder, Path(info.filename).name)
                    target.write_bytes(archive.read(info))
                    raws += [replace(r, file=f"{path.name}/{info.filename}") for r in _load_raw(target)]
            return raws
    except (zipfile.BadZipFile, OSError):
        return None


def _read_export(path: Path) -> tuple[_Table, _Table]:
    """The main sheet and the relations repeat sheet of an XLSX, CSV or ODK Central ZIP export."""
    raws = _odk_zip(path) if path.suffix.lower() == ".zip" else None
    if raws is None:
        raws = _load_raw(path)
    if path.suffix.lower() == ".csv":  # ODK Central names repeat files <form>-<repeat>.csv
        siblings = sorted(path.parent.glob(f"{glob.escape(path.stem)}?*.csv"))
        raws += [r for sibling in siblings for r in _load_raw(sibling)]
    main_aliases = _aliases(tuple(c.key for c in SHEETS["enterprises"].columns))
    repeat_aliases = _aliases(RELATION_FIELDS)
    main = repeat = None
    for raw in raws:
        if not raw.rows:
            continue
        names = {_text(c).rsplit("/", 1)[-1].lower() for c in raw.rows[0] if not _is_blank(c)}
        if any(link in names for link in _LINKS):
            table = _map_table(raw, repeat_aliases)
            if repeat is None and table.has("relation_type"):
                repeat = table
        elif main is None:
            table = _map_table(raw, main_aliases)
            if table.positions:
                main = table
    if main is None:
        raise _export_error(path.name, "no_main", ", ".join(r.title for r in raws))
    if not any(name in main.meta for name in _UUIDS):
        raise _export_error(path.name, "uuid_missing", ", ".join(map(_text, main.raw.rows[0])), main.raw.title)
    if repeat is None:  # the firms alone would go in, and every relation they declared be lost
        raise _export_error(path.name, "repeat_missing", ", ".join(r.title for r in raws))
    return main, repeat


def _uuid(value: str | None) -> str | None:
    """A submission id without ODK's ``uuid:`` prefix or a repeat's ``/group[n]`` suffix."""
    if value is None:
        return None
    value = value.split("/", 1)[0]
    return value[5:] if value.lower().startswith("uuid:") else value


@dataclass(frozen=True)
class _Submission:
    """One row of the main sheet: the id the workbook keeps, its lineage, review and time."""

    row: int
    key: str | None
    ids: frozenset[str]           # its own ids and the one it replaces (deprecatedID)
    lineage: frozenset[str]       # ids shared by every version of one submission
    firm: str | None              # the enterprise id as typed, to find duplicates of one firm
    time: pd.Timestamp | None
    rejected: bool
    replaces: str | None          # meta/deprecatedID: the version this one is an edit of


@dataclass(frozen=True)
class SkippedSubmission:
    """A submission the import left out on purpose: rejected in review, or superseded."""

    export_row: int
    firm: str | None
    reason: str                   # "rejected", "older_version" or "older_duplicate"
    newer_row: int | None = None  # the submission that supersedes it
    relations: int = 0            # its repeat rows, left out with it
    ids: frozenset[str] = frozenset()
    kept_at: int | None = None    # a rejected submission an earlier import wrote: its enterprises row

    def message(self, lang: str) -> str:
        text = t(f"survey.report.skip.{self.reason}", lang, row=self.export_row, firm=self.firm or "—",
                 newer=self.newer_row or "—", relations=self.relations)
        return text if self.kept_at is None else f"{text} {t('survey.report.skip.kept', lang, row=self.kept_at)}"


# ODK Central's review states and Kobo's validation statuses that mean "do not use".
_REJECTED = {"rejected", "validation_status_not_approved", "not approved", "non approuve"}


def _time(value) -> pd.Timestamp | None:
    """A submission time (ODK ``SubmissionDate``, Kobo ``_submission_time``) as naive UTC."""
    if value is None:
        return None
    stamp = pd.to_datetime(value, errors="coerce", utc=True)
    return None if pd.isna(stamp) else stamp.tz_convert(None)


def _submissions(main: _Table) -> list[_Submission]:
    out = []
    for number, cells in main.rows():
        ids = [_uuid(main.meta_value(cells, name)) for name in _UUIDS + ("deprecatedid",)]
        kobo_id = main.meta_value(cells, "_id")  # Kobo keeps _id across edits, _uuid changes
        lineage = {i for i in ids if i} | ({f"_id:{kobo_id}"} if kobo_id else set())
        review = main.meta_value(cells, "reviewstate", "_validation_status") or ""
        firm = main.value(cells, "enterprise_id")
        out.append(_Submission(number, next((i for i in ids[:-1] if i), None), frozenset(i for i in ids if i),
                               frozenset(lineage), None if _is_blank(firm) else _text(firm).strip(),
                               _time(main.meta_value(cells, "submissiondate", "_submission_time")),
                               _norm(review.replace("_", " ")) in {_norm(r.replace("_", " ")) for r in _REJECTED},
                               ids[-1]))
    return out


def _newest(group: list[_Submission]) -> _Submission:
    """The latest version: by submission time, then the one no other version names as deprecated."""
    replaced = {s.replaces for s in group}

    def rank(s: _Submission):
        return (s.time or pd.Timestamp.min, not (s.ids - {s.replaces}) & replaced, s.row)
    return max(group, key=rank)


def _select(found: list[_Submission]) -> tuple[list[_Submission], list[SkippedSubmission]]:
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
    groups: dict[int, list[_Submission]] = {}
    for i, s in enumerate(accepted):
        groups.setdefault(root(i), []).append(s)
    kept = []
    for group in groups.values():
        newest = _newest(group)
        skipped += [SkippedSubmission(o.row, o.firm, "older_version", newest.row) for o in group if o is not newest]
        kept.append(replace(newest, ids=frozenset().union(*(o.ids for o in group))))
    by_firm: dict[str, list[_Submission]] = {}
    for s in kept:
        by_firm.setdefault(_norm(s.firm) if s.firm else f"#{s.row}", []).append(s)
    kept = []
    for group in by_firm.values():
        newest = max(group, key=lambda s: (s.time or pd.Timestamp.min, s.row))
        skipped += [SkippedSubmission(o.row, o.firm, "older_duplicate", newest.row) for o in group if o is not newest]
        kept.append(replace(newest, ids=frozenset().union(*(o.ids for o in group))))
    kept.sort(key=lambda s: (s.time or pd.Timestamp.min, s.row))
    return kept, sorted(skipped, key=lambda s: s.export_row)


# --------------------------------------------------------------------------------------------
# Validation, with the workbook reader's own parsing
# --------------------------------------------------------------------------------------------
def _parse(table: _Table, sheet: str, head: tuple, body: list[tuple],
           origin: list[int]) -> tuple[pd.DataFrame, list[int], list[Problem]]:
    """Typed rows and their problems, each located at the export row ``origin`` gives."""
    problems: list[Problem] = []
    raw = RawSheet(table.raw.title, [head] + body, table.raw.file)
    frame, rows = _SheetReader(raw, SHEETS[sheet], problems, []).read_table()
    header_problems = [p for p in problems if p.row == 1]
    if header_problems:  # a required question missing from the export: no row can be read
        raise WorkbookError([replace(p, sheet=table.raw.title) for p in header_problems])
    rows = [origin[r - 2] for r in rows]
    problems = [replace(p, row=origin[p.row - 2]) for p in problems]
    if sheet == "enterprises":  # the workbook's cross-column rules, on the export's own rows
        _check_rules(Workbook(Path(raw.file), {}, {sheet: frame}, {sheet: rows}, {sheet: raw.title}, [],
                              {sheet: raw.file}, {sheet: table.headers}), problems)
    problems.sort(key=lambda p: p.row)  # stable: the columns of one row stay in order
    return frame, rows, [replace(p, column=table.headers.get(p.column, p.column)) for p in problems]


def _split_choices(value, enum: str) -> list:
    """Choices of a multiple-choice cell: names separated by spaces, or labels that contain spaces.

    Longest matches first, so ``action conjointe information`` gives two values; a word that
    matches nothing is returned as it is, for the reader to reject with a suggestion.
    """
    if _is_blank(value):
        return [value]
    table = _ENUM_TABLES[enum]
    words = re.split(r"[\s;,]+", _text(value).strip())
    out, i = [], 0
    while i < len(words):
        for j in range(len(words), i, -1):
            if _norm(" ".join(words[i:j])) in table:
                out.append(table[_norm(" ".join(words[i:j]))])
                i = j
                break
        else:
            out.append(words[i])
            i += 1
    return out


# --------------------------------------------------------------------------------------------
# Editing the team workbook in place
# --------------------------------------------------------------------------------------------
def _record(frame: pd.DataFrame, index) -> dict:
    """A typed row as plain Python values (numpy scalars and pandas NA included)."""
    values = {}
    for key in frame.columns:
        value = frame.at[index, key]
        values[key] = None if value is pd.NA or (isinstance(value, float) and value != value) else \
            (value.item() if hasattr(value, "item") else value)
    return values


def _header_language(sheet, head: tuple, default: str) -> str:
    """The language a sheet's headers are written in (English headers are the canonical keys)."""
    spelled = {lang: {_norm(header(c.key, lang)) for c in sheet.columns} for lang in i18n.LANGUAGES}
    found = {_norm(c) for c in head if not _is_blank(c)}
    hits = {lang: len(found & (words - spelled["en" if lang == "fr" else "fr"])) for lang, words in spelled.items()}
    return max(hits, key=hits.get) if hits["fr"] != hits["en"] else default


class _SheetEditor:
    """One sheet of the team workbook, edited under its own headers and in its own language."""

    def __init__(self, book, key: str, title: str | None, lang: str):
        self.sheet = SHEETS[key]
        if title is None:  # not in the workbook yet: create it with the team's headers
            title = sheet_title(key, lang)
            book.create_sheet(title).append([header(c.key, lang) for c in self.sheet.columns])
        self.ws = book[title]
        rows = [tuple(r) for r in self.ws.iter_rows(values_only=True)]
        reader = _SheetReader(RawSheet(title, rows, ""), self.sheet, [], [])
        aliases = reader.aliases()
        uuid_headers = [UUID_COLUMN] + ([header(UUID_COLUMN, "fr")] if i18n.has(f"col.{UUID_COLUMN}") else [])
        aliases.update({_norm(h): UUID_COLUMN for h in uuid_headers})
        found = reader.find_header(aliases)
        self.header_row = 1 if found is None else found + 1
        head = rows[self.header_row - 1] if len(rows) >= self.header_row else ()
        self.positions = {aliases[_norm(c)]: i + 1 for i, c in enumerate(head)
                          if not _is_blank(c) and _norm(c) in aliases}
        self.lang = _header_language(self.sheet, head, lang)
        width = max(len(head), max(self.positions.values(), default=0))
        tracked = [UUID_COLUMN] if key in UUID_SHEETS else []
        for name in [c.key for c in self.sheet.columns] + tracked:
            if name not in self.positions:  # an optional column the team left out, or the uuid
                width += 1
                self.positions[name] = width
                spelled = header(name, self.lang) if i18n.has(f"col.{name}") else name
                _put(self.ws, self.header_row, width, spelled)
                self.ws.cell(self.header_row, width)._style = copy(self.ws.cell(self.header_row, 1)._style)
        filled = [i + 1 for i, r in enumerate(rows) if any(not _is_blank(c) for c in r)]
        self.next_row = max(filled + [self.header_row]) + 1

    def write(self, row: int, values: dict) -> int:
        enums = {c.key: c.enum for c in self.sheet.columns}
        for key, value in values.items():
            _put(self.ws, row, self.positions[key], cell_value(value, self.lang, enums.get(key)))
        return row

    def append(self, values: dict) -> int:
        self.next_row += 1
        return self.write(self.next_row - 1, values)

    def clear(self, row: int) -> None:
        for cell in self.ws[row]:
            cell.value = None


# --------------------------------------------------------------------------------------------
# The import
# --------------------------------------------------------------------------------------------
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
        text = t("survey.report.row", lang, sheet=sheet_title(self.sheet, lang), row=self.workbook_row,
                 key=key, export_row=self.export_row)
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
        lines = [t("survey.report.title", lang, export=self.export.name, workbook=self.workbook.name),
                 t("survey.report.round_given" if self.round_given else "survey.report.round_default", lang,
                   round=self.survey_round)]
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
        lines.append(t("survey.report.backup", lang, path=self.backup) if self.backup
                     else t("survey.report.unchanged", lang))
        return "\n".join(lines)


def backup_path(workbook_path) -> Path:
    """Where the previous version of the workbook is kept: ``<name>.bak.xlsx`` beside it."""
    path = Path(workbook_path)
    return path.with_name(f"{path.stem}.bak{path.suffix}")


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

    def __init__(self, wb: Workbook, book, report: ImportReport):
        self.wb, self.book, self.report = wb, book, report
        self.editors: dict[str, _SheetEditor] = {}
        self.records = {key: _records(wb, key) for key in ("enterprises", "actors", "relations")}
        self.actors = {r["actor_id"]: r["name"] for r in self.records["actors"].values()}

    def editor(self, key: str) -> _SheetEditor:
        """The sheet's editor, made when first needed (a missing sheet is created then)."""
        if key not in self.editors:
            self.editors[key] = _SheetEditor(self.book, key, self.wb.sheet_titles.get(key), self.wb.lang)
        return self.editors[key]

    def reject(self, table: _Table, at: int, code: str, key: str | None = None, value=None, **values) -> None:
        self.report.rejected.append(Problem(code, table.raw.file, table.raw.title, at, table.headers.get(key, key),
                                            value, (f"survey.err.{code}.expected", values),
                                            (f"survey.err.{code}.fix", {})))

    def put(self, sheet: str, row: int | None, values: dict, key: str, export_row: int,
            replaced: str | None = None) -> int:
        """Write ``values`` on ``row`` (None: a new row at the end) and report what happened."""
        done = ImportedRow(sheet, key, export_row, row or self.editor(sheet).next_row,
                           _relation(values) if sheet == "relations" else None, replaced)
        if row is None:
            self.editor(sheet).append(values)
            self.report.added.append(done)
        elif all(self.records[sheet].get(row, {}).get(k) == v for k, v in values.items()):
            self.report.unchanged.append(done)
        else:
            self.editor(sheet).write(row, values)
            self.report.updated.append(done)
        return done.workbook_row

    def submissions(self, main: _Table, kept: list[_Submission]) -> dict[int, tuple[str, _Submission]]:
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
                self.reject(main, number, "id_taken", "enterprise_id", firm, row=holder,
                            sheet=self.editor("enterprises").ws.title)
                continue
            row = self.put("enterprises", row, {**values, UUID_COLUMN: uuid}, firm, number, replaced)
            row_of_uuid[uuid], id_at_row[row], accepted[number] = row, firm, (firm, submission)
            if firm not in self.actors:  # relations need the firm on the cluster map
                self.actors[firm] = values["name"]
                self.put("actors", None, {"actor_id": firm, "name": values["name"], **FIRM_ACTOR}, firm, number)
        taken = {i for _, s in accepted.values() for i in s.ids}
        self.report.skipped = [  # a rejection after an earlier import: its rows are the team's to remove
            replace(s, kept_at=next((row_of_uuid[i] for i in s.ids - taken if i in row_of_uuid), None))
            for s in self.report.skipped]
        return accepted

    def _target(self, value):
        """The actor id a relation's target names (an id, or a name), or the problem code."""
        if _is_blank(value) or _text(value) in self.actors:
            return value, None
        found = {a for a, name in self.actors.items() if _norm(value) in (_norm(a), _norm(name or ""))}
        if len(found) == 1:
            return found.pop(), None
        return value, ("target_ambiguous" if found else "target_unknown", ", ".join(sorted(found)))

    def relations(self, main: _Table, repeat: _Table, found: list[_Submission], accepted: dict) -> None:
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
            parent = by_id.get(_uuid(repeat.meta_value(cells, "_submission__uuid", "parent_key"))) or \
                by_index.get(repeat.meta_value(cells, "_parent_index"))
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
                self.reject(repeat, number, code, "target" if about_target else None,
                            target if about_target else None, ids=ids)
                held.add(parent)
                continue
            parent_of[number] = parent
            for choice in _split_choices(repeat.value(cells, "relation_type"), "relation_type"):
                body.append((accepted[parent][0], target, choice, repeat.value(cells, "intensity"),
                             repeat.value(cells, "formal")))
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
        for parent, (firm, submission) in accepted.items():
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
                self.editor("relations").clear(row)
                gone = self.records["relations"][row]
                self.report.removed.append(ImportedRow("relations", _relation_key(gone), submission.row, row,
                                                       _relation(gone)))


def _round(wb: Workbook, survey_round, path: Path) -> int:
    """The survey round of the imported relations: required once the workbook has several rounds.

    A workbook whose relations are all in round 1 (or have no round) is a single-round survey:
    its imports go to round 1, which the summary says.
    """
    relations = wb.sheets.get("relations")
    rounds = [] if relations is None or "survey_round" not in relations else \
        sorted({int(r) for r in relations["survey_round"].dropna()})
    if survey_round is None:
        if any(r > 1 for r in rounds):
            raise _export_error(path.name, "round_required", ", ".join(map(str, rounds)),
                                wb.sheet_titles.get("relations"), next=rounds[-1] + 1)
        return 1
    if isinstance(survey_round, bool) or not isinstance(survey_round, int) or survey_round < 1:
        raise _export_error(path.name, "round_invalid", survey_round)
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
    :func:`backup_path`, and the new one renamed into place. ``lang`` is the report's language
    (default: the workbook's). Raises :class:`WorkbookError` when the workbook is invalid or not
    ``.xlsx``, the round is missing, or the export is not a complete export of the form.
    """
    export_path, workbook_path = Path(export_path), Path(workbook_path)
    wb = read_workbook(workbook_path, lang)
    lang = i18n.check_lang(lang or wb.lang)
    if workbook_path.suffix.lower() != ".xlsx":
        raise _export_error(workbook_path.name, "workbook_xlsx", str(workbook_path))
    chosen = _round(wb, survey_round, workbook_path)
    main, repeat = _read_export(export_path)
    found = _submissions(main)
    kept, skipped = _select(found)
    report = ImportReport(export_path, workbook_path, lang, chosen, survey_round is not None, skipped=skipped,
                          ignored_columns=main.ignored + repeat.ignored)
    book = load_workbook(workbook_path)
    merge = _Merge(wb, book, report)
    accepted = merge.submissions(main, kept)
    merge.relations(main, repeat, found, accepted)
    if report.changed:
        _save(book, workbook_path, report)
    return report


def _save(book, path: Path, report: ImportReport) -> None:
    """Check the edited workbook reads back without a problem, keep the old one, then swap them."""
    staged = path.with_name(f".{path.stem}.import{path.suffix}")
    save_atomically(book, staged)
    try:
        read_workbook(staged, report.lang)
    except WorkbookError as error:
        staged.unlink()
        raise WorkbookError([replace(p, file=path.name) for p in error.problems], report.lang) from None
    report.backup = backup_path(path)
    shutil.copy2(path, report.backup)
    os.replace(staged, path)
