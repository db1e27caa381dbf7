"""A step's template as the runner sees it: where it is, the parameters it declares, the title
cell added before its own cells, and its executed notebook as the HTML report a reader opens."""

from __future__ import annotations

import html
import json
import re
import threading
from functools import cache
from importlib import resources
from pathlib import Path

from ..errors import InputError
from ..i18n import t
from ..schema import STEPS
from ..static import house_style
from .parameters import check_against_workbook, check_domains, json_kind

KERNEL = "python3"
DEFAULT_TIMEOUT = 600  # seconds per cell
RESERVED_PARAMETERS = ("workbook", "lang", "output_dir")  # set by the runner, never by the user
FILE_PARAMETERS = ("baseline",)  # templates' parameters that name a file the user gives
TITLE_CELL = "clusterkit-title"  # the id of the heading cell added before a template's own cells


def template_path(step: str) -> Path:
    """The packaged template of ``step`` (``templates/<step>.ipynb`` in the repository)."""
    path = Path(str(resources.files("clusterkit.templates").joinpath(f"{step}.ipynb")))
    if step not in STEPS or not path.exists():
        available = ", ".join(s for s in STEPS if available_template(s))
        raise InputError(
            t("run.unknown_step", "fr", step=step, steps=available)
            + "\n"
            + t("run.unknown_step", "en", step=step, steps=available)
        )
    return path


def available_template(step: str) -> bool:
    return Path(str(resources.files("clusterkit.templates").joinpath(f"{step}.ipynb"))).exists()


def template_parameters(step: str) -> dict[str, dict]:
    """The parameters a template declares, as papermill reads them from its tagged cell."""
    import papermill

    return papermill.inspect_notebook(str(template_path(step)))


def check_parameters(step: str, parameters: dict, lang: str, workbook=None) -> None:
    """Unknown names are an error, values must be JSON values (paths as strings) of the kind of
    the parameter's default, and inside its domain (:mod:`clusterkit.running.parameters`), which
    for some parameters is the ``workbook``'s content."""
    declared = template_parameters(step)
    unknown = sorted(set(parameters) - (set(declared) - set(RESERVED_PARAMETERS)))  # reserved: set by the runner
    if unknown:
        raise InputError(
            t(
                "run.unknown_parameter",
                lang,
                names=", ".join(unknown),
                step=step,
                known=", ".join(n for n in declared if n not in RESERVED_PARAMETERS),
            )
        )
    for name, value in parameters.items():
        if not _is_json_value(value):
            raise InputError(t("run.parameter_not_json", lang, name=name, kind=type(value).__name__))
        default = declared[name]["default"]  # a JSON literal: the parameters cell holds JSON values only
        expected = json_kind(json.loads(default))
        if json_kind(value) != expected:  # caught here, not as a failure deep in the template
            raise InputError(
                t(
                    "run.parameter_kind",
                    lang,
                    name=name,
                    step=step,
                    default=default,
                    expected=t(f"run.kind.{expected}", lang),
                    value=json.dumps(value, ensure_ascii=False),
                )
            )
    values = {name: json.loads(spec["default"]) for name, spec in declared.items()} | parameters
    check_domains(step, values, parameters, lang)
    if workbook is not None:
        check_against_workbook(step, parameters, workbook, lang)


def resolve_files(parameters: dict) -> dict:
    """The parameters with each file path (:data:`FILE_PARAMETERS`) made absolute: a path is
    given from the user's folder, and the template runs in another one."""
    return {
        name: str(Path(value).resolve()) if name in FILE_PARAMETERS and isinstance(value, str) and value else value
        for name, value in parameters.items()
    }


def _is_json_value(value) -> bool:
    if value is None or isinstance(value, (str, bool, int, float)):
        return True
    if isinstance(value, list):
        return all(_is_json_value(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_json_value(v) for k, v in value.items())
    return False


def titled(notebook, title: str):
    """The notebook with a first Markdown cell holding ``title`` (escaped) as its only heading."""
    # escaped twice over: as HTML, and as Markdown, so that a name like [x](javascript:...) stays text
    text = re.sub(r"([\\`*_{}\[\]()#+\-.!|])", r"\\\1", title)
    import nbformat

    cell = nbformat.v4.new_markdown_cell(f"# {html.escape(text, quote=False)}")
    cell.id = TITLE_CELL
    notebook.cells.insert(0, cell)
    return notebook


_EXPORTING = threading.Lock()  # the exporter registers per-notebook filters: one export at a time


@cache
def _html_exporter():
    """The exporter of every report of this process, made once: a first export of a notebook like
    a report (a Markdown title, HTML outputs) compiles its templates and its Markdown parser, about
    half a second each time an exporter is made."""
    import jinja2
    import nbformat
    from nbconvert import HTMLExporter, TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
    from traitlets.config import Config

    class ReportExporter(HTMLExporter):
        """JupyterLab's HTML export without its last pass: nbconvert parses the whole page again with
        BeautifulSoup to give images without one an alternative text and every output a tabindex,
        three quarters of the time of an export. A report's figures all carry their own alternative
        text (``Report.figure``), and only its scrolling tables take the focus, as labelled regions."""

        def from_notebook_node(self, nb, resources=None, **kw):
            resources = self._init_resources(resources)
            self.register_filter("highlight_code", Highlight2HTML(parent=self))  # no code is shown
            self.register_filter(
                "filter_data_type",
                WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self, resources=resources),
            )
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    v4 = nbformat.v4
    exporter = ReportExporter(
        template_name="lab",
        template_file="clusterkit-report.html.j2",
        extra_loaders=[jinja2.DictLoader({"clusterkit-report.html.j2": REPORT_TEMPLATE})],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_anchor_links=True,
        config=Config({"CSSHTMLHeaderPreprocessor": {"enabled": False}}),
    )  # code colours: no code
    output = v4.new_output("display_data", data={"text/html": "<p>x</p>", "text/plain": "x"})
    exporter.from_notebook_node(
        v4.new_notebook(cells=[v4.new_markdown_cell("# x"), v4.new_code_cell(outputs=[output])]),
        resources={"house_style": ""},
    )
    return exporter


def prepare_html() -> None:
    """Make the HTML exporter ahead, while a kernel runs the template: its import and its
    templates (about a second and a half) are then off the path of a run."""
    with _EXPORTING:
        _html_exporter()


# The reports' page: JupyterLab's export without its scripts (require.js, MathJax, mermaid and the
# widgets' manager all come from a CDN, and the reports hold no formula, diagram or widget) and
# without its stylesheet: the house style alone, inlined, so a report opens and prints offline.
REPORT_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block notebook_css -%}<style>
{{ resources.house_style }}</style>
{%- endblock notebook_css -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block body_header -%}<body class="jp-Notebook ck-report"><main>{%- endblock body_header -%}
"""


def to_html(notebook, html_path: Path, title: str) -> Path:
    """The report a reader opens of an executed ``notebook``: outputs only, no code, no prompts,
    one self-contained file. Nothing the kernel wrote to its error stream is shown."""
    import nbformat

    shown = nbformat.from_dict({**notebook, "cells": [_without_stderr(c) for c in notebook.cells]})
    with _EXPORTING:
        body, _ = _html_exporter().from_notebook_node(
            shown, resources={"metadata": {"name": title}, "house_style": house_style()}
        )
    html_path.write_text(body, encoding="utf-8")
    return html_path


def _without_stderr(cell):
    if cell.cell_type != "code":
        return cell
    outputs = [o for o in cell.outputs if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
    return {**cell, "outputs": outputs}
