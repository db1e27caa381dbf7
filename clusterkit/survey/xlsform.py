"""The enterprise survey as an XLSForm, for KoboToolbox or ODK.

The form is generated from the schema's ``enterprises`` sheet: one question per column, named by
its canonical key, plus a repeat group for the firm's relations. An export therefore maps back
onto the workbook without a mapping table (:mod:`clusterkit.survey.importing`).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from openpyxl import Workbook as XlsxBook

from .. import i18n
from ..i18n import t
from ..schema import ENUMS, SHEETS, Column
from ..workbook import format_number, kind_spec, range_spec, render, save_atomically

FORM_ID = "clusterkit_enterprises"
REPEAT = "relations"
RELATION_FIELDS = ("target", "relation_type", "intensity", "formal")
MULTIPLE = frozenset({"relation_type"})  # select_multiple: one relations row per type chosen
YES_NO = "yes_no"
UUID_COLUMN = "submission_uuid"  # kept in the workbook so that a resubmission updates its row
PERCENT = "_percent"  # a share is asked as a percentage, then converted by a calculation
# Checks the workbook makes across columns, also enforced while the enumerator types.
CROSS_CONSTRAINTS = {"employees_women": (". <= ${employees}", ("err.women_exceed.expected", {"total": "${employees}"}))}


def _language(lang: str) -> str:
    """The XLSForm language name, e.g. ``Français (fr)``, as Kobo and ODK recommend."""
    name = t(f"enum.language.{lang}", lang)
    return f"{name[:1].upper()}{name[1:]} ({lang})"


def question_label(key: str, lang: str) -> str:
    """The question's label: a survey wording when the catalogue has one, else the column's description."""
    own = f"survey.label.{key}"
    return t(own if i18n.has(own) else f"doc.{key}", lang).rstrip(".")


def _hint(column: Column, lang: str) -> str | None:
    own = f"survey.hint.{column.key}"
    if i18n.has(own):
        return t(own, lang)
    if column.kind in ("integer", "number"):
        rng = range_spec(column)
        kind = render(kind_spec(column), lang)
        return kind if rng is None else f"{kind}, {render(rng, lang)}"
    return None


def _bounds(low, high, exclusive: bool = False) -> str | None:
    parts = []
    if low is not None:
        parts.append(f". {'>' if exclusive else '>='} {format_number(low)}")
    if high is not None:
        parts.append(f". <= {format_number(high)}")
    return " and ".join(parts) or None


def _constraint(column: Column, lang: str) -> tuple[str | None, str | None]:
    """The XPath constraint of a numeric question and its message, from the schema's range."""
    rules, messages = [], []
    own = _bounds(column.minimum, column.maximum, column.exclusive_minimum)
    if own:
        rules.append(own)
        messages.append(render(range_spec(column), lang))
    if column.key in CROSS_CONSTRAINTS:
        rule, spec = CROSS_CONSTRAINTS[column.key]
        rules.append(rule)
        messages.append(render(spec, lang))
    if not rules:
        return None, None
    message = "; ".join(messages)
    return " and ".join(rules), message[:1].upper() + message[1:]


def _questions(column: Column, lang: str, multiple: bool = False) -> list[dict]:
    """The survey rows for one schema column (two for a share: a percentage and its conversion)."""
    row = {
        "name": column.key,
        "label": question_label(column.key, lang),
        "hint": _hint(column, lang),
        "required": "yes" if column.required else None,
    }
    if column.kind == "enum":
        row["type"] = f"{'select_multiple' if multiple else 'select_one'} {column.enum}"
    elif column.kind == "bool":
        row["type"] = f"select_one {YES_NO}"
    elif column.kind in ("integer", "number"):
        row["type"] = "integer" if column.kind == "integer" else "decimal"
        row["constraint"], row["constraint_message"] = _constraint(column, lang)
    elif column.kind == "share":
        percent = f"{column.key}{PERCENT}"
        row.update(
            type="decimal",
            name=percent,
            label=t("survey.percent", lang, label=row["label"]),
            constraint=_bounds(0, 100),
            constraint_message=render(("kind.range", {"low": 0, "high": 100}), lang),
        )
        return [
            row,
            {
                "type": "calculate",
                "name": column.key,
                "calculation": f"if(${{{percent}}} = '', '', ${{{percent}}} div 100)",
            },
        ]
    elif column.kind in ("id", "text", "ref"):
        row["type"] = "text"
    else:  # a date column would need its own question type; the enterprises sheet has none
        raise ValueError(f"no XLSForm question for the kind {column.kind!r} of {column.key}")
    return [row]


def survey_rows(lang: str) -> list[dict]:
    """The ``survey`` sheet: the enterprises sheet, then the repeat group of the firm's relations."""
    # the submission's id is written by the import, never asked (whether or not the schema lists it)
    rows = [
        q for column in SHEETS["enterprises"].columns if column.key != UUID_COLUMN for q in _questions(column, lang)
    ]
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
    rows = [
        {"list_name": name, "name": value, "label": t(f"enum.{name}.{value}", lang)}
        for name in lists
        for value in ENUMS[name]
    ]
    rows += [
        {"list_name": YES_NO, "name": name, "label": t(f"enum.bool.{value}", lang)}
        for name, value in (("yes", "true"), ("no", "false"))
    ]
    return rows


_SURVEY_COLUMNS = ("type", "name", "label", "hint", "required", "constraint", "constraint_message", "calculation")
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
    sheet(
        "settings",
        ("form_title", "form_id", "version", "default_language", "instance_name"),
        [
            {
                "form_title": t("survey.form_title", lang),
                "form_id": FORM_ID,
                "version": digest,
                "default_language": language,
                "instance_name": "concat(${enterprise_id}, ' ', ${name})",
            }
        ],
    )
    return save_atomically(book, path)
