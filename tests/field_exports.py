"""Field-survey exports written as ODK Central and KoboToolbox write them, for the import tests.

What the builders follow (not our own writer):

- ODK Central, "Download all data" (CSV ZIP; docs.getodk.org, central-submissions and the API's
  submission export; ruODK ``submission_export``): ``<form>.csv`` for the main table, one
  ``<form>-<repeat>.csv`` per repeat group, attachments under ``media/``. Main columns:
  ``SubmissionDate``, the questions, ``meta-instanceID``, ``KEY``, ``SubmitterID``,
  ``SubmitterName``, ``AttachmentsPresent``, ``AttachmentsExpected``, ``Status``,
  ``ReviewState``, ``DeviceID``, ``Edits``, ``FormVersion``; repeat rows end with ``PARENT_KEY``
  and ``KEY`` (``<parent KEY>/<repeat>[n]``). Group paths are joined with ``-`` unless the
  "remove group names" option is chosen; "split select multiple" adds one 0/1 column per choice
  named ``<question>/<choice>``. ``KEY`` is the instanceID the submission was first sent with and
  stays across edits, ``meta-instanceID`` is the current version's; rows come newest first;
  ``ReviewState`` is blank, ``approved``, ``hasIssues``, ``edited`` or ``rejected``.
- KoboToolbox exports (KPI export settings: type xls or csv, lang ``_xml`` for "XML values and
  headers" or a language for labels, group separator ``/``, multiple choices "single column",
  "separate columns" or both): XLSX has the main sheet, then one sheet per repeat group with
  ``_index``, ``_parent_table_name``, ``_parent_index``, ``_submission__id``,
  ``_submission__uuid``...; the main sheet ends with ``_id``, ``_uuid``, ``_submission_time``,
  ``_validation_status`` (e.g. ``validation_status_not_approved``), ``_notes``, ``_status``,
  ``_submitted_by``, ``__version__``, ``_tags``, ``_index``, and ``meta/rootUuid`` in recent
  versions. ``_id`` stays across an edit, ``_uuid`` changes. CSV holds the main table only,
  ``;``-separated. Separate columns are named ``<question>/<choice>`` (labels in a labels export)
  with 1 or 0.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field

import openpyxl

FORM = "clusterkit_enterprises"
QUESTIONS = ("enterprise_id", "name", "role", "employees")
REPEAT_QUESTIONS = ("target", "relation_type", "intensity", "formal")
CHOICES = ("supply", "subcontracting", "information", "joint_action", "service", "finance", "training", "governance")


@dataclass
class Firm:
    """One submission, in the form's own values (XML names)."""

    key: str  # the instanceID it was first sent with
    firm: str
    name: str
    role: str
    employees: int
    time: str  # ISO, UTC
    relations: list[tuple] = field(default_factory=list)  # (target, [types], intensity, "yes"/"no"/None)
    version: str | None = None  # the current version's instanceID (an edit), else the key
    review: str | None = None  # ODK ReviewState / Kobo _validation_status
    edits: int = 0
    kobo_id: int = 0
    root: bool = True  # whether Kobo's export has meta/rootUuid

    @property
    def instance(self) -> str:
        return self.version or self.key

    def answers(self) -> list:
        return [self.firm, self.name, self.role, self.employees]


def _csv(rows: list[list], delimiter: str = ",") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def odk_central_zip(path, firms: list[Firm], groups: bool = True, split: bool = False):
    """ODK Central's "all data" ZIP; ``firms`` in the order Central lists them (newest first)."""
    meta = "meta-instanceID" if groups else "instanceID"
    prefix = "relations-" if groups else ""
    main = [
        [
            "SubmissionDate",
            *QUESTIONS,
            meta,
            "KEY",
            "SubmitterID",
            "SubmitterName",
            "AttachmentsPresent",
            "AttachmentsExpected",
            "Status",
            "ReviewState",
            "DeviceID",
            "Edits",
            "FormVersion",
        ]
    ]
    head = [prefix + q for q in REPEAT_QUESTIONS]
    if split:
        head[2:2] = [f"{prefix}relation_type/{c}" for c in CHOICES]
    repeat = [head + ["PARENT_KEY", "KEY"]]
    for f in firms:
        main.append(
            [
                f.time.replace("+00:00", ".000Z"),
                *f.answers(),
                f"uuid:{f.instance}",
                f"uuid:{f.key}",
                7,
                "Enquêteur 1",
                0,
                0,
                None,
                f.review,
                "collect:Xy12",
                f.edits,
                "2025031001",
            ]
        )
        for n, (target, types, intensity, formal) in enumerate(f.relations, start=1):
            row = [target, " ".join(types), intensity, formal]
            if split:
                row[2:2] = [int(c in types) for c in CHOICES]
            repeat.append(row + [f"uuid:{f.key}", f"uuid:{f.key}/relations[{n}]"])
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(f"{FORM}.csv", _csv(main))
        archive.writestr(f"{FORM}-relations.csv", _csv(repeat))
        archive.writestr("media/1712345678901.jpg", b"\xff\xd8\xff\xe0 not really a photo")
    return path


def _kobo_tables(firms: list[Firm], labels: dict | None, multiple: str):
    """The main and repeat tables of a Kobo export: header rows, then data rows."""
    label = (lambda name: name) if labels is None else (lambda name: labels[name])
    choice = (lambda c: c) if labels is None else (lambda c: labels[("relation_type", c)])
    value = (lambda v: v) if labels is None else (lambda v: labels.get(("value", v), v))
    main = [
        [
            "start",
            "end",
            *(label(q) for q in QUESTIONS),
            "meta/rootUuid",
            "__version__",
            "_id",
            "_uuid",
            "_submission_time",
            "_validation_status",
            "_notes",
            "_status",
            "_submitted_by",
            "_tags",
            "_index",
        ]
    ]
    types = f"{label('relations')}/{label('relation_type')}"
    head = [f"{label('relations')}/{label('target')}"]
    if multiple in ("single", "both"):
        head.append(types)
    if multiple in ("separate", "both"):
        head += [f"{types}/{choice(c)}" for c in CHOICES]
    head += [f"{label('relations')}/{label(q)}" for q in REPEAT_QUESTIONS[2:]]
    repeat = [
        head
        + [
            "_index",
            "_parent_table_name",
            "_parent_index",
            "_submission__id",
            "_submission__uuid",
            "_submission__submission_time",
            "_submission__validation_status",
            "_submission__notes",
            "_submission__status",
            "_submission__submitted_by",
            "_submission___version__",
            "_submission__tags",
        ]
    ]
    index = 0
    for n, f in enumerate(firms, start=1):
        time = f.time.replace("+00:00", "")
        main.append(
            [
                "2025-03-01T08:00:00.000+00:00",
                "2025-03-01T08:40:00.000+00:00",
                f.firm,
                f.name,
                value(f.role),
                f.employees,
                f"uuid:{f.key}" if f.root else None,
                "vGf8kR2",
                f.kobo_id,
                f.instance,
                time,
                f.review,
                None,
                "submitted_via_web",
                "enqueteur1",
                None,
                n,
            ]
        )
        for target, chosen, intensity, formal in f.relations:
            index += 1
            row = [target]
            if multiple in ("single", "both"):
                row.append(" ".join(choice(c) for c in chosen))
            if multiple in ("separate", "both"):
                row += [int(c in chosen) for c in CHOICES]
            row += [intensity, value(formal)]
            repeat.append(
                row
                + [
                    index,
                    "Enquête entreprises",
                    n,
                    f.kobo_id,
                    f.instance,
                    time,
                    f.review,
                    None,
                    "submitted_via_web",
                    "enqueteur1",
                    "vGf8kR2",
                    None,
                ]
            )
    if not any(f.root for f in firms):  # an export from before Kobo added meta/rootUuid
        position = main[0].index("meta/rootUuid")
        main = [r[:position] + r[position + 1 :] for r in main]
    return main, repeat


def kobo_xlsx(path, firms: list[Firm], labels: dict | None = None, multiple: str = "single"):
    """A Kobo XLSX export: the main sheet named after the form, then the ``relations`` sheet."""
    main, repeat = _kobo_tables(firms, labels, multiple)
    book = openpyxl.Workbook()
    book.active.title = "Enquête entreprises"
    for row in main:
        book.active.append(row)
    sheet = book.create_sheet("relations")
    for row in repeat:
        sheet.append(row)
    book.save(path)
    return path


def kobo_csv(path, firms: list[Firm], labels: dict | None = None, multiple: str = "single"):
    """A Kobo CSV export: the main table only, ``;``-separated."""
    main, _ = _kobo_tables(firms, labels, multiple)
    path.write_bytes(_csv(main, ";"))
    return path


# --------------------------------------------------------------------------------------------
# The competency questionnaire (clusterkit_competency): no repeat; each sub-skill's question and
# its evidence sit in the group of their competency, so the servers prefix them with its name.
# --------------------------------------------------------------------------------------------
COMPETENCY_FORM = "clusterkit_competency"


def _competency_questions() -> list[tuple[str, str]]:
    """(group, question) in the form's order; the group is "" for the questions asked once."""
    from clusterkit.schema import ENUMS, SKILL_COMPETENCY

    questions = [("", "person"), ("", "assessor"), ("", "date")]
    for group in dict.fromkeys(SKILL_COMPETENCY[s] for s in ENUMS["skill"]):
        for skill in (s for s in ENUMS["skill"] if SKILL_COMPETENCY[s] == group):
            questions += [(group, skill), (group, f"{skill}_evidence")]
    return questions


def competency_odk_zip(path, answers: list[dict]):
    """ODK Central's "all data" ZIP of the competency form: ``answers`` maps question names to
    values as Collect sends them; group paths joined with ``-``."""
    questions = _competency_questions()
    main = [
        [
            "SubmissionDate",
            *(f"{g}-{q}" if g else q for g, q in questions),
            "meta-instanceID",
            "KEY",
            "SubmitterID",
            "SubmitterName",
            "AttachmentsPresent",
            "AttachmentsExpected",
            "Status",
            "ReviewState",
            "DeviceID",
            "Edits",
            "FormVersion",
        ]
    ]
    for n, answer in enumerate(answers, start=1):
        key = f"uuid:5d0c1e7a-0000-4000-8000-{n:012d}"
        main.append(
            [
                "2026-02-03T09:12:44.000Z",
                *(answer.get(q) for _, q in questions),
                key,
                key,
                7,
                "Formatrice",
                0,
                0,
                None,
                None,
                "collect:Xy12",
                0,
                "1",
            ]
        )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(f"{COMPETENCY_FORM}.csv", _csv(main))
    return path


def competency_kobo_xlsx(path, answers: list[dict], title: str = "Évaluation des compétences"):
    """A Kobo XLSX export of the competency form, "XML values and headers", groups joined with ``/``;
    dates as text (the export's default)."""
    questions = _competency_questions()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(
        [
            "start",
            "end",
            *(f"{g}/{q}" if g else q for g, q in questions),
            "__version__",
            "_id",
            "_uuid",
            "_submission_time",
            "_validation_status",
            "_notes",
            "_status",
            "_submitted_by",
            "_tags",
            "_index",
        ]
    )
    for n, answer in enumerate(answers, start=1):
        sheet.append(
            [
                "2026-02-03T08:00:00.000+01:00",
                "2026-02-03T08:30:00.000+01:00",
                *(answer.get(q) for _, q in questions),
                "vK3mP9",
                4100 + n,
                f"9b2f6a1c-0000-4000-8000-{n:012d}",
                "2026-02-03T07:31:02",
                None,
                None,
                "submitted_via_web",
                "formatrice",
                None,
                n,
            ]
        )
    book.save(path)
    return path
