"""Pages of the book generated from the code, so that each thing is written once.

- the data dictionary, from :mod:`clusterkit.schema` and the message catalogue;
- the command-line reference, from the parser of :mod:`clusterkit.cli`;
- the tables the chapters include from the method's catalogues: the collective-action typology,
  the competency levels and the learning activities;
- the worked examples: each step's template, titled and parameterised for the book's language,
  then executed (and cached) by Jupyter Book itself.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import nbformat

from . import i18n
from .i18n import t
from .schema import ENUMS, SHEETS, SKILL_COMPETENCY, STEP_SHEETS, STEPS
from .steps.competency import LEVELS, catalogue, descriptor, skill_activities
from .steps.implementation import typology
from .workbook import header, range_spec


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _kind_text(column, lang: str) -> str:
    if column.kind == "enum":
        values = ", ".join(f"`{v}` ({t(f'enum.{column.enum}.{v}', lang)})" for v in ENUMS[column.enum])
        return t("kind.enum", lang, values=values)
    if column.kind == "ref":
        return t("kind.ref", lang, target=f"`{column.ref[0]}.{column.ref[1]}`")
    text = t(f"kind.{column.kind}", lang)
    if column.kind in ("integer", "number"):
        spec = range_spec(column)
        if spec:
            text += " " + t(spec[0], lang, **spec[1])
    return text


def data_dictionary(lang: str = "fr") -> str:
    """The data dictionary as MyST Markdown: every sheet, column, kind, rule and alias."""
    lang = i18n.check_lang(lang)
    yes, no = t("enum.bool.true", lang), t("enum.bool.false", lang)
    lines = [f"# {t('docs.dictionary.title', lang)}", "", t("docs.dictionary.intro", lang), ""]
    lines += [
        f"| {t('docs.dictionary.step', lang)} | {t('docs.dictionary.needs', lang)} | "
        f"{t('docs.dictionary.uses', lang)} |",
        "|---|---|---|",
    ]
    for step, (needed, used) in STEP_SHEETS.items():
        lines.append(
            f"| `{step}` | {', '.join(f'`{s}`' for s in needed)} | {', '.join(f'`{s}`' for s in used) or '—'} |"
        )
    lines.append("")
    for key, sheet in SHEETS.items():
        lines += [f"## `{key}` ({t(f'sheet.{key}', 'fr')})", "", t(f"doc.sheet.{key}", lang), ""]
        if sheet.key_value:
            lines += [t("docs.dictionary.key_value", lang), ""]
        lines += [
            f"| {t('docs.dictionary.column', lang)} | {t('docs.dictionary.french', lang)} | "
            f"{t('docs.dictionary.required', lang)} | {t('docs.dictionary.kind', lang)} | "
            f"{t('docs.dictionary.meaning', lang)} |",
            "|---|---|---|---|---|",
        ]
        for column in sheet.columns:
            lines.append(
                f"| `{column.key}` | {header(column.key, 'fr')} | {yes if column.required else no} | "
                f"{_cell(_kind_text(column, lang))} | {_cell(t(f'doc.{column.key}', lang))} |"
            )
        rules = [t("docs.dictionary.unique", lang, column=sheet.id_column)] if sheet.id_column else []
        if sheet.unique_together:
            rules.append(t("docs.dictionary.unique_together", lang, columns=", ".join(sheet.unique_together)))
        if sheet.open_numeric:
            rules.append(t("docs.dictionary.open_numeric", lang))
        rules += [t(f"docs.dictionary.rule.{key}", lang)] if i18n.has(f"docs.dictionary.rule.{key}") else []
        lines += [""] + [f"- {r}" for r in rules] + [""]
    return "\n".join(lines)


def cli_reference(lang: str = "fr") -> str:
    """The command-line reference as MyST Markdown, walked from the real parser."""
    from .cli import build_parser

    lang = i18n.check_lang(lang)
    parser = build_parser(lang)
    lines = [f"# {t('docs.cli.title', lang)}", "", t("docs.cli.intro", lang), ""]
    lines += _parser_section(parser, "clusterkit", 2, lang)
    lines += _template_parameters(lang)
    return "\n".join(lines)


def _template_parameters(lang: str) -> list[str]:
    """Each template's parameters (``-p NAME=VALUE``), their defaults and what they accept, from the
    templates and the domains the runner checks (:mod:`clusterkit.running.parameters`)."""
    from .running.parameters import DOMAINS, expected, json_kind
    from .running.templates import RESERVED_PARAMETERS, available_template, template_parameters

    lines = [f"## {t('docs.cli.parameters_title', lang)}", "", t("docs.cli.parameters_intro", lang), ""]
    for step in (s for s in STEPS if available_template(s)):
        lines += [
            f"### `{step}`",
            "",
            f"| {t('docs.cli.parameter', lang)} | {t('docs.cli.default', lang)} | {t('docs.cli.accepts', lang)} |",
            "|---|---|---|",
        ]
        for name, spec in template_parameters(step).items():
            if name in RESERVED_PARAMETERS:
                continue
            default = json.loads(spec["default"])
            domain = DOMAINS.get(step, {}).get(name)
            accepts = expected(domain, lang, default) if domain else t(f"run.kind.{json_kind(default)}", lang)
            lines.append(f"| `{name}` | `{spec['default']}` | {_cell(accepts)} |")
        lines.append("")
    return lines


def _parser_section(parser: argparse.ArgumentParser, name: str, level: int, lang: str) -> list[str]:
    lines = [
        f"{'#' * level} `{name}`",
        "",
        parser.description or "",
        "",
        "```text",
        parser.format_usage().strip(),
        "```",
        "",
    ]
    options = [
        a for a in parser._actions if not isinstance(a, argparse._SubParsersAction) and a.help != argparse.SUPPRESS
    ]
    if options:
        lines += [f"| {t('docs.cli.argument', lang)} | {t('docs.cli.meaning', lang)} |", "|---|---|"]
        for action in options:
            names = ", ".join(action.option_strings) or action.metavar or action.dest
            lines.append(f"| `{names}` | {_cell(action.help or '')} |")
        lines.append("")
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub_name, sub in action.choices.items():
                lines += _parser_section(sub, f"{name} {sub_name}", min(level + 1, 4), lang)
    return lines


def example_notebook(step: str, lang: str = "fr"):
    """The step's template as the book shows it: titled, parameterised for ``lang``, not executed."""
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    from .running.templates import template_path, titled

    notebook = load_notebook_node(str(template_path(step)))  # as papermill itself loads it
    notebook = parameterize_notebook(notebook, {"lang": lang}, report_mode=True)
    titled(notebook, t("step.example_title", lang, step=t(f"step.{step}.title", lang)))
    for index, cell in enumerate(notebook.cells):
        cell.id = f"{step}-{lang}-{index}"  # stable ids: the same page twice is the same file
        if cell.cell_type == "code":  # the book shows outputs, as the team's report does
            if "remove-input" not in cell.metadata["tags"]:
                cell.metadata["tags"].append("remove-input")
    notebook.metadata.pop("papermill", None)
    return notebook


def write_if_changed(path: Path, content: str | bytes) -> bool:
    """Write only when the content (text, or bytes) differs, so that Sphinx and its cache see nothing new."""
    data = content if isinstance(content, bytes) else content.encode("utf-8")
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


# --------------------------------------------------------------------------------------------
# Tables rendered from the method's catalogues, for the chapters to include
# --------------------------------------------------------------------------------------------
def typology_markdown(lang: str = "fr") -> str:
    """The typology as a MyST Markdown table: one row per domain, both kinds of action."""
    lang = i18n.check_lang(lang)
    lines = [
        f"| {t('implementation.typology.domain', lang)} | {t('implementation.typology.firm_group', lang)} | "
        f"{t('implementation.typology.whole_cluster', lang)} |",
        "|---|---|---|",
    ]
    for domain, kinds in typology().items():
        cells = ["<br>".join(f"• {item[lang]}" for item in kinds[scope]) for scope in ENUMS["scope"]]
        name = t(f"enum.domain.{domain}", lang)
        lines.append(f"| **{name[:1].upper() + name[1:]}** | {cells[0]} | {cells[1]} |")
    return "\n".join(lines) + "\n"


def levels_markdown(lang: str = "fr") -> str:
    """The level descriptors as MyST Markdown, for the book to include: the 1-5 scale, then one
    section per competency (level-3 headings) with a table per sub-skill."""
    lang = i18n.check_lang(lang)
    profile = catalogue()
    lines = [
        t("competency.levels.scale_intro", lang),
        "",
        f"| {t('competency.levels.level', lang)} | {t('competency.levels.meaning', lang)} |",
        "|---|---|",
    ]
    lines += [
        f"| {n} — {entry['label'][lang]} | {_cell(entry['meaning'][lang])} |" for n, entry in profile["scale"].items()
    ]
    for competency, entry in profile["competencies"].items():
        register = profile["registers"][entry["register"]]
        lines += [
            "",
            f"### {entry['label'][lang]}",
            "",
            t(
                "competency.levels.register",
                lang,
                register=register["label"][lang],
                axis=profile["axes"][register["axis"]]["label"][lang],
            ),
            "",
        ]
        for skill in (s for s in ENUMS["skill"] if SKILL_COMPETENCY[s] == competency):
            data = profile["skills"][skill]
            lines += [
                f"**{data['label'][lang]}** (`{skill}`). {_cell(data['description'][lang])}",
                "",
                f"| {t('competency.levels.level', lang)} | {t('competency.levels.observed', lang)} |",
                "|---|---|",
            ]
            lines += [f"| {n} | {_cell(descriptor(skill, n, lang))} |" for n in LEVELS]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


SEMICOLON = {"fr": " ; ", "en": "; "}  # French sets a space before the semicolon


def _citations(sources: str, lang: str) -> str:
    """``afd2008 §3.4; onudi2010 §3.1`` as MyST citations: {cite:p}`afd2008`, §3.4 ; ..."""
    parts = [part.strip().split(" ", 1) for part in sources.split(";")]
    return SEMICOLON[lang].join(f"{{cite:p}}`{key}`, {lines}" for key, lines in parts)


def activities_markdown(lang: str = "fr") -> str:
    """The learning activities as a MyST Markdown table, for the book to include: what each
    consists of, the sub-skills it serves best and its source."""
    lang = i18n.check_lang(lang)
    skills = skill_activities().groupby("activity", sort=False)["skill"].agg(list)
    lines = [
        f"| {t('competency.activities.activity', lang)} | {t('competency.activities.description', lang)} | "
        f"{t('competency.activities.skills', lang)} | {t('competency.activities.source', lang)} |",
        "|---|---|---|---|",
    ]
    for key, entry in catalogue()["activities"].items():
        served = (
            t("competency.activities.all", lang)
            if len(skills[key]) == len(ENUMS["skill"])
            else SEMICOLON[lang].join(t(f"enum.skill.{s}", lang) for s in skills[key])
        )  # labels hold commas
        lines.append(
            f"| {entry['label'][lang]} | {_cell(entry['description'][lang])} | {served} | "
            f"{_citations(entry['sources'], lang)} |"
        )
    return "\n".join(lines) + "\n"


def generate_book_pages(book_dir: Path, lang: str = "fr") -> list[Path]:
    """Write the generated pages of one edition under ``book_dir/_generated/<lang>/``."""
    from .running.templates import available_template

    target = Path(book_dir) / "_generated" / lang
    pages = {
        target / "dictionnaire.md": data_dictionary(lang),
        target / "cli.md": cli_reference(lang),
        # included by the chapters (not pages of their own): tables rendered from the catalogues
        target / "typology.md": typology_markdown(lang),
        target / "competency-levels.md": levels_markdown(lang),
        target / "competency-activities.md": activities_markdown(lang),
    }
    for step in STEPS:
        if available_template(step):
            pages[target / f"{step}.ipynb"] = nbformat.writes(example_notebook(step, lang)) + "\n"
    for path, text in pages.items():
        write_if_changed(path, text)
    return list(pages)
