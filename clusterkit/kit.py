"""The facilitation kit: forms for the workshops and joint projects, blank or filled from the workbook.

Four forms serve the teams between workshops: the action sheet of a joint project, the cluster
charter, the cost-sharing agreement and the facilitator's terms of reference. Each is described
once (:data:`FORMS`: parts, fields, grids) and written in French or English as a Word document,
blank for the book's downloads, or filled: :func:`action_sheets` writes one sheet per action of
the plan, and :func:`steering_agenda` a steering committee's agenda listing the actions that the
implementation step finds late or whose start is overdue at the follow-up date.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import i18n
from .docs import write_if_changed
from .documents import docx as docx_report
from .documents.tables import TableSpec
from .errors import InputError
from .i18n import t
from .schema import ENUMS
from .steps import implementation, plan


@dataclass(frozen=True)
class Part:
    """One part of a form: a heading (``kit.part.<key>``), guidance in italics
    (``kit.guide.<form>.<key>``), then fields to fill and/or a grid."""

    key: str
    fields: tuple[str, ...] = ()  # one row per field: label (kit.field.<key>) | value
    columns: tuple[str, ...] = ()  # a grid with these headers (kit.field.<key>)...
    items: tuple[str, ...] = ()  # ...one row per item (catalogue keys, in the first column)...
    blank_rows: int = 0  # ...then this many empty rows


def _keys(prefix: str, count: int) -> tuple[str, ...]:
    return tuple(f"{prefix}.{n:02d}" for n in range(1, count + 1))


SIGNATURE = ("role", "name", "signature", "date")
FORMS: dict[str, tuple[Part, ...]] = {
    "action_sheet": (
        Part("identity", fields=("action_id", "title", "objective", "kind", "domain", "scope")),
        Part("people", fields=("lead", "partners", "providers")),
        Part("schedule", fields=("plan_year", "start", "end", "status")),
        Part(
            "money",
            fields=("currency", "budget", "cofinancing_rate", "fund_amount", "local_amount"),
            columns=("contributor", "cash", "in_kind"),
            blank_rows=4,
        ),
        Part(
            "indicators",
            columns=("indicator_id", "indicator", "unit", "baseline", "target", "target_date"),
            blank_rows=3,
        ),
        Part("launch", columns=("launch_step", "responsible", "due", "done"), items=_keys("kit.launch", 13)),
        Part("risks", columns=("risk", "mitigation"), blank_rows=3),
        Part("signatures", columns=SIGNATURE, items=("kit.role.lead", "kit.role.facilitator", "kit.role.committee")),
    ),
    "charter": (
        Part("purpose", fields=("cluster", "territory", "sector", "vision")),
        Part("members", columns=("member", "category", "representative", "joined"), blank_rows=8),
        Part("commitments", columns=("commitment", "agreed"), items=_keys("kit.commitment", 6)),
        Part(
            "governance",
            fields=("committee_members", "chair", "meeting_frequency", "decision_rule", "quorum", "minutes_by"),
        ),
        Part("inclusion", fields=("poor_representation", "women_representation", "meeting_arrangements")),
        Part("conflicts", fields=("mediator", "procedure")),
        Part("revision", fields=("duration", "review_date")),
        Part("signatures", columns=("member", "name", "signature", "date"), blank_rows=8),
    ),
    "cost_sharing": (
        Part(
            "parties",
            columns=("party", "name", "representative"),
            items=("kit.role.fund", "kit.role.group", "kit.role.provider"),
        ),
        Part("object", fields=("action_id", "title", "service", "period")),
        Part("shares", columns=("plan_year", "cofinancing_rate", "fund_amount", "local_amount"), blank_rows=3),
        Part("in_kind", columns=("contributor", "contribution", "value"), blank_rows=3),
        Part("conditions", fields=("disbursement", "documents", "ceiling")),
        Part("reporting", fields=("report_frequency", "indicators", "audit")),
        Part("exit", fields=("end_date", "handover")),
        Part("signatures", columns=SIGNATURE, items=("kit.role.fund", "kit.role.group", "kit.role.provider")),
    ),
    "facilitator_tor": (
        Part("context", fields=("cluster", "programme", "employer", "location", "duration", "start")),
        Part("mission", fields=("mission",)),
        Part(
            "tasks", columns=("competency", "tasks"), items=tuple(f"enum.competency.{c}" for c in ENUMS["competency"])
        ),
        Part("skills", columns=("skill", "level_required"), items=tuple(f"enum.skill.{s}" for s in ENUMS["skill"])),
        Part("deliverables", columns=("deliverable", "due"), items=_keys("kit.deliverable", 5)),
        Part("profile", fields=("education", "experience", "languages")),
        Part("reporting_lines", fields=("reports_to", "backstopping", "steering")),
        Part("employment", fields=("contract", "salary", "review")),
    ),
}


# --------------------------------------------------------------------------------------------
# Writing a form
# --------------------------------------------------------------------------------------------
def form_document(
    form: str,
    lang: str,
    title: str | None = None,
    values: dict[str, str] | None = None,
    rows: dict[str, list[list[str]]] | None = None,
    cluster: str = "",
) -> docx_report.DocxWriter:
    """The form in ``lang``: blank, or with ``values`` (field -> text) and ``rows`` (part -> grid
    rows, written before the part's items and blank rows) for ``cluster`` (named in the header)."""
    lang = i18n.check_lang(lang)
    values, rows = values or {}, rows or {}
    doc = docx_report.DocxWriter(lang, title or t(f"kit.form.{form}", lang), header=cluster)
    doc.paragraph(t(f"kit.intro.{form}", lang), italic=True)
    for part in FORMS[form]:
        doc.heading(t(f"kit.part.{part.key}", lang))
        doc.paragraph(t(f"kit.guide.{form}.{part.key}", lang), italic=True)
        if part.fields:
            doc.grid(
                [t("kit.field.field", lang), t("kit.field.entry", lang)],
                [[t(f"kit.field.{f}", lang), values.get(f, "")] for f in part.fields],
                size=9,
            )
            doc.paragraph("")
        if part.columns:
            blank = [""] * (len(part.columns) - 1)
            body = rows.get(part.key, []) + [[t(item, lang), *blank] for item in part.items]
            body += [[""] * len(part.columns)] * part.blank_rows
            doc.grid([t(f"kit.field.{c}", lang) for c in part.columns], body, size=9)
    return doc


def docx_bytes(doc: docx_report.DocxWriter) -> bytes:
    """The document's bytes, identical from one run to the next (zip entries carry no clock time),
    so that the book rewrites a form only when its content changes."""
    raw = io.BytesIO()
    doc.document.save(raw)
    stable = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(stable, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            target.writestr(
                zipfile.ZipInfo(entry.filename, date_time=(1980, 1, 1, 0, 0, 0)),
                source.read(entry.filename),
                compress_type=zipfile.ZIP_DEFLATED,
            )
    return stable.getvalue()


def blank_form_name(form: str, lang: str) -> str:
    """The file name of a blank form: ``fiche-action.docx``, ``action-sheet.docx``..."""
    return f"{t(f'kit.file.{form}', lang)}.docx"


def write_blank_forms(folder, lang: str) -> list[Path]:
    """Every blank form of the kit in ``lang``, written into ``folder`` when its content changed."""
    paths = []
    for form in FORMS:
        path = Path(folder) / blank_form_name(form, lang)
        write_if_changed(path, docx_bytes(form_document(form, lang)))
        paths.append(path)
    return paths


# --------------------------------------------------------------------------------------------
# Filled from the workbook
# --------------------------------------------------------------------------------------------
def _refuse_existing(paths: list[Path], lang: str) -> None:
    """Nothing is written when an output exists and ``--force`` was not given."""
    existing = [p for p in paths if p.exists()]
    if existing:
        raise InputError(t("kit.err.exists", lang, path=existing[0], count=len(existing)))


def _money(value, currency: str, lang: str) -> str:
    return "" if pd.isna(value) else i18n.amount(value, currency, lang)


def _text(value) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def action_sheet_fields(
    action: pd.Series, lang: str, currency: str, objectives: dict[str, str], names: dict[str, str]
) -> dict[str, str]:
    """The filled fields of one action's sheet (``action`` is a row of :func:`plan.with_money`)."""
    objective = action["objective_id"]
    return {
        "action_id": action["action_id"],
        "title": action["title"],
        "objective": f"{objective} — {objectives[objective]}" if objective in objectives else _text(objective),
        "kind": t(f"enum.action_kind.{action['kind']}", lang),
        "domain": t(f"enum.domain.{action['domain']}", lang),
        "scope": t(f"enum.scope.{action['scope']}", lang),
        "lead": _text(plan.resolve_actors(pd.Series([action["lead"]]), names).iloc[0]),
        "partners": _text(plan.resolve_actors(pd.Series([action.get("partners")]), names).iloc[0]),
        "plan_year": str(action["plan_year"]),
        "start": i18n.date(action["start"], lang),
        "end": i18n.date(action["end"], lang),
        "status": t(f"enum.status.{action['status']}", lang),
        "currency": currency,
        "budget": _money(action["budget"], currency, lang),
        "cofinancing_rate": ""
        if pd.isna(action.get("cofinancing_rate"))
        else i18n.percent(action["cofinancing_rate"], lang),
        "fund_amount": _money(action["fund"], currency, lang),
        "local_amount": _money(action["local"], currency, lang),
    }


def _indicator_rows(indicators: pd.DataFrame | None, action_id: str, lang: str) -> list[list[str]]:
    if indicators is None or "action_id" not in indicators.columns:
        return []
    linked = indicators[indicators["action_id"] == action_id]
    return [
        [
            row.indicator_id,
            row.name,
            row.unit,
            i18n.number(row.baseline, lang, 2),
            i18n.number(row.target, lang, 2),
            i18n.date(row.target_date, lang),
        ]
        for row in linked.itertuples()
    ]


def _safe_name(text: str) -> str:
    return re.sub(r"[^\w.-]+", "_", str(text)).strip("._") or "action"


def action_sheets(wb, out_dir, lang: str, force: bool = False) -> list[Path]:
    """One filled action sheet per action of the plan, in ``out_dir``; nothing is written when a
    sheet exists already, unless ``force``."""
    actions = plan.with_money(wb["actions"])
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(t("kit.err.not_folder", lang, path=out_dir))
    paths = [out_dir / f"{t('kit.file.action_sheet', lang)}-{_safe_name(a)}.docx" for a in actions["action_id"]]
    if not force:
        _refuse_existing(paths, lang)
    currency = wb.cluster.get("currency") or ""
    objectives = (
        dict(zip(wb["objectives"]["objective_id"], wb["objectives"]["statement"])) if wb.has("objectives") else {}
    )
    names = plan.actor_names(wb["actors"] if wb.has("actors") else None)
    indicators = wb["indicators"] if wb.has("indicators") else None
    for path, (_, action) in zip(paths, actions.iterrows()):
        title = t("kit.action_sheet.title", lang, action=action["action_id"], title=action["title"])
        doc = form_document(
            "action_sheet",
            lang,
            title,
            action_sheet_fields(action, lang, currency, objectives, names),
            {"indicators": _indicator_rows(indicators, action["action_id"], lang)},
            wb.name,
        )
        doc.save(path)
    return paths


def late_or_at_risk(actions: pd.DataFrame, delays: pd.DataFrame) -> pd.DataFrame:
    """The implementation step's ``delays`` (late, or start overdue) with the team's note on each
    and an empty column for the committee's decision."""
    notes = (
        actions.set_index("action_id")["status_note"] if "status_note" in actions.columns else pd.Series(dtype=object)
    )
    return delays.assign(status_note=delays["action_id"].map(notes).astype(object), decision="")


def follow_up_date(wb, as_of: str | None, lang: str) -> pd.Timestamp:
    """``as_of`` when given, else the date the implementation step uses (the workbook's status date,
    else the latest date the statuses show)."""
    if as_of:
        try:
            return pd.Timestamp(as_of).normalize()
        except ValueError:
            raise InputError(t("kit.err.as_of", lang, value=as_of)) from None
    return implementation.as_of_date(wb["actions"], wb.cluster.get("status_date"))


def steering_agenda(
    wb, out_file, lang: str, as_of: str | None = None, force: bool = False
) -> tuple[Path, pd.DataFrame]:
    """A steering committee's agenda at the follow-up date: the items, the key figures, the actions
    late or at risk (each with the team's note and room for the decision), the next quarter.
    Returns the file and the actions it lists as late or at risk."""
    out_file = Path(out_file)
    if not force:
        _refuse_existing([out_file], lang)
    date = follow_up_date(wb, as_of, lang)
    actions, actors = wb["actions"], wb["actors"] if wb.has("actors") else None
    doc = docx_report.DocxWriter(
        lang, t("kit.agenda.title", lang, cluster=wb.name, date=i18n.date(date, lang)), header=wb.name
    )
    doc.paragraph(t("kit.agenda.intro", lang, date=i18n.date(date, lang)), italic=True)
    doc.heading(t("kit.agenda.items", lang))
    doc.bullets(t(key, lang) for key in _keys("kit.agenda.item", 7))
    doc.heading(t("kit.agenda.figures", lang))
    currency = wb.cluster.get("currency") or ""
    doc.bullets(implementation.summary_lines(implementation.follow_up_headline(actions, date), lang, currency))
    tables = implementation.follow_up_tables(actions, date, actors, currency)
    doc.heading(t("kit.agenda.delays", lang))
    delays = late_or_at_risk(actions, tables["implementation_delays"].frame)
    if len(delays):
        doc.table(TableSpec("kit_agenda_delays", delays, enums={"state": "implementation_state"}, currency=currency))
    else:
        doc.paragraph(t("implementation.note.no_delays", lang))
    doc.heading(t("implementation.note.next", lang))
    following = tables["implementation_next_quarter"]
    if len(following.frame):
        doc.table(following)
    else:
        doc.paragraph(t("implementation.note.nothing_next", lang))
    doc.heading(t("kit.agenda.decisions", lang))
    doc.grid(
        [t("kit.field.decision", lang), t("kit.field.responsible", lang), t("kit.field.due", lang)],
        [["", "", ""]] * 5,
        size=9,
    )
    return doc.save(out_file), delays
