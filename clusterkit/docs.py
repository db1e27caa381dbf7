"""Pages of the book generated from the code, so that each thing is written once.

- the data dictionary, from :mod:`clusterkit.schema` and the message catalogue;
- the command-line reference, from the parser of :mod:`clusterkit.cli`;
- the worked examples: each step's template, titled and parameterised for the book's language,
  then executed (and cached) by Jupyter Book itself.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import nbformat

from . import i18n
from .i18n import t
from .schema import ENUMS, SHEETS, STEP_SHEETS, STEPS
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
    lines += [f"| {t('docs.dictionary.step', lang)} | {t('docs.dictionary.needs', lang)} | "
              f"{t('docs.dictionary.uses', lang)} |", "|---|---|---|"]
    for step, (needed, used) in STEP_SHEETS.items():
        lines.append(f"| `{step}` | {', '.join(f'`{s}`' for s in needed)} | {', '.join(f'`{s}`' for s in used) or '—'} |")
    lines.append("")
    for key, sheet in SHEETS.items():
        lines += [f"## `{key}` ({t(f'sheet.{key}', 'fr')})", "", t(f"doc.sheet.{key}", lang), ""]
        if sheet.key_value:
            lines += [t("docs.dictionary.key_value", lang), ""]
        lines += [f"| {t('docs.dictionary.column', lang)} | {t('docs.dictionary.french', lang)} | "
                  f"{t('docs.dictionary.required', lang)} | {t('docs.dictionary.kind', lang)} | "
                  f"{t('docs.dictionary.meaning', lang)} |", "|---|---|---|---|---|"]
        for column in sheet.columns:
            lines.append(f"| `{column.key}` | {header(column.key, 'fr')} | {yes if column.required else no} | "
                         f"{_cell(_kind_text(column, lang))} | {_cell(t(f'doc.{column.key}', lang))} |")
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
    return "\n".join(lines)


def _parser_section(parser: argparse.ArgumentParser, name: str, level: int, lang: str) -> list[str]:
    lines = [f"{'#' * level} `{name}`", "", parser.description or "", "", "```text", parser.format_usage().strip(), "```", ""]
    options = [a for a in parser._actions if not isinstance(a, argparse._SubParsersAction) and a.help != argparse.SUPPRESS]
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


def generate_book_pages(book_dir: Path, lang: str = "fr") -> list[Path]:
    """Write the generated pages of one edition under ``book_dir/_generated/<lang>/``."""
    from .competency import activities_markdown, levels_markdown
    from .implementation import typology_markdown
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
