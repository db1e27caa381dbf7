"""A step's template as the runner sees it: where it is, the parameters it declares, the title
cell added before its own cells, and its executed notebook as the HTML report a reader opens."""
from __future__ import annotations

import html
import re
import threading
from functools import cache
from importlib import resources
from pathlib import Path

from ..errors import InputError
from ..i18n import t
from ..schema import STEPS

KERNEL = "python3"
DEFAULT_TIMEOUT = 600  # seconds per cell
RESERVED_PARAMETERS = ("workbook", "lang", "output_dir")  # set by the runner, never by the user
TITLE_CELL = "clusterkit-title"  # the id of the heading cell added before a template's own cells


def template_path(step: str) -> Path:
    """The packaged template of ``step`` (``templates/<step>.ipynb`` in the repository)."""
    path = Path(str(resources.files("clusterkit.templates").joinpath(f"{step}.ipynb")))
    if step not in STEPS or not path.exists():
        available = ", ".join(s for s in STEPS if available_template(s))
        raise InputError(t("run.unknown_step", "fr", step=step, steps=available) + "\n"
                         + t("run.unknown_step", "en", step=step, steps=available))
    return path


def available_template(step: str) -> bool:
    return Path(str(resources.files("clusterkit.templates").joinpath(f"{step}.ipynb"))).exists()


def template_parameters(step: str) -> dict[str, dict]:
    """The parameters a template declares, as papermill reads them from its tagged cell."""
    import papermill

    return papermill.inspect_notebook(str(template_path(step)))


def check_parameters(step: str, parameters: dict, lang: str) -> None:
    """Unknown names are an error, and values must be JSON values (paths as strings)."""
    declared = template_parameters(step)
    unknown = sorted(set(parameters) - (set(declared) - set(RESERVED_PARAMETERS)))  # reserved: set by the runner
    if unknown:
        raise InputError(t("run.unknown_parameter", lang, names=", ".join(unknown), step=step,
                           known=", ".join(n for n in declared if n not in RESERVED_PARAMETERS)))
    for name, value in parameters.items():
        if not _is_json_value(value):
            raise InputError(t("run.parameter_not_json", lang, name=name, kind=type(value).__name__))


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
    import nbformat
    from nbconvert import HTMLExporter

    v4 = nbformat.v4
    exporter = HTMLExporter(template_name="lab", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    output = v4.new_output("display_data", data={"text/html": "<p>x</p>", "text/plain": "x"})
    exporter.from_notebook_node(v4.new_notebook(cells=[v4.new_markdown_cell("# x"), v4.new_code_cell(outputs=[output])]))
    return exporter


def prepare_html() -> None:
    """Make the HTML exporter ahead, while a kernel runs the template: its import and its
    templates (about a second and a half) are then off the path of a run."""
    with _EXPORTING:
        _html_exporter()


def to_html(notebook_path: Path, html_path: Path, title: str) -> Path:
    """The report a reader opens: outputs only, no code, no prompts."""
    import nbformat

    notebook = nbformat.read(notebook_path, as_version=4)
    notebook.cells = [_without_stderr(c) for c in notebook.cells]
    with _EXPORTING:
        body, _ = _html_exporter().from_notebook_node(notebook, resources={"metadata": {"name": title}})
    style = resources.files("clusterkit.static").joinpath("report.css").read_text(encoding="utf-8")
    body = body.replace("</head>", f"<style>\n{style}</style>\n</head>", 1)  # one self-contained file
    html_path.write_text(body, encoding="utf-8")
    return html_path


def _without_stderr(cell):
    if cell.cell_type == "code":
        cell.outputs = [o for o in cell.outputs if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
    return cell
