"""Running a step's template with papermill, then rendering its report.

The workbook is validated before any kernel starts, so a bad workbook reaches the user as the
clear message of :mod:`clusterkit.workbook`, never as a notebook traceback. Outputs are written
to a temporary folder inside the output folder and moved into place only when the run succeeded.
"""
from __future__ import annotations

import html
import logging
import re
import shutil
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import nbformat

from . import i18n
from .i18n import t
from .schema import STEPS
from .workbook import example_path, read_workbook

KERNEL = "python3"
DEFAULT_TIMEOUT = 600  # seconds per cell
RESERVED_PARAMETERS = ("workbook", "lang", "output_dir")


class RunError(Exception):
    """A run that could not start (unknown step or parameter); the message is in the user's language."""


class ExecutionError(RunError):
    """A template that failed while it executed."""


@dataclass(frozen=True)
class RunResult:
    step: str
    notebook: Path
    html: Path
    tables: Path | None
    figures: tuple[Path, ...]


def template_path(step: str) -> Path:
    """The packaged template of ``step`` (``templates/<step>.ipynb`` in the repository)."""
    path = Path(str(resources.files("clusterkit.templates").joinpath(f"{step}.ipynb")))
    if step not in STEPS or not path.exists():
        available = ", ".join(s for s in STEPS if available_template(s))
        raise RunError(t("run.unknown_step", "fr", step=step, steps=available) + "\n"
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
    unknown = sorted(set(parameters) - set(declared))
    if unknown:
        raise RunError(t("run.unknown_parameter", lang, names=", ".join(unknown), step=step,
                         known=", ".join(n for n in declared if n not in RESERVED_PARAMETERS)))
    for name, value in parameters.items():
        if not _is_json_value(value):
            raise RunError(t("run.parameter_not_json", lang, name=name, kind=type(value).__name__))


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
    cell = nbformat.v4.new_markdown_cell(f"# {html.escape(text, quote=False)}")
    cell.id = "clusterkit-title"
    notebook.cells.insert(0, cell)
    return notebook


def to_html(notebook_path: Path, html_path: Path, title: str) -> Path:
    """The report a reader opens: outputs only, no code, no prompts."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    notebook = nbformat.read(notebook_path, as_version=4)
    notebook.cells = [_without_stderr(c) for c in notebook.cells]
    body, _ = exporter.from_notebook_node(notebook, resources={"metadata": {"name": title}})
    style = resources.files("clusterkit.static").joinpath("report.css").read_text(encoding="utf-8")
    body = body.replace("</head>", f"<style>\n{style}</style>\n</head>", 1)  # one self-contained file
    html_path.write_text(body, encoding="utf-8")
    return html_path


def _without_stderr(cell):
    if cell.cell_type == "code":
        cell.outputs = [o for o in cell.outputs if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
    return cell


logging.getLogger("papermill").setLevel(logging.ERROR)  # its progress chatter is not for teams


def run(step: str, workbook: str | Path | None = None, out_dir: str | Path = ".", lang: str | None = None,
        parameters: dict | None = None, timeout: int = DEFAULT_TIMEOUT) -> RunResult:
    """Execute the template of ``step`` on ``workbook`` and write its notebook, HTML report,
    tables workbook and figures into ``out_dir``.

    Raises :class:`~clusterkit.workbook.WorkbookError` for a bad workbook and :class:`RunError`
    for a bad step name, an unknown parameter or a failed execution.
    """
    import papermill

    parameters = dict(parameters or {})
    lang = i18n.check_lang(lang) if lang else None
    source = Path(workbook) if workbook else example_path(lang)
    wb = read_workbook(source, lang=lang, step=step)  # the edge: every problem, before any kernel
    lang = lang or wb.lang
    template = template_path(step)
    check_parameters(step, parameters, lang)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    title = t("step.report_title", lang, step=t(f"step.{step}.title", lang), cluster=wb.name)
    notebook = titled(nbformat.read(template, as_version=4), title)
    scratch = Path(tempfile.mkdtemp(prefix=f".{step}-", dir=out_dir)).resolve()  # the kernel runs elsewhere
    try:
        executed = scratch / f"{step}.ipynb"
        try:
            papermill.execute_notebook(
                notebook, str(executed), kernel_name=KERNEL, execution_timeout=timeout,
                parameters={**parameters, "workbook": str(source.resolve()), "lang": lang,
                            "output_dir": str(scratch)},
                cwd=str(scratch), progress_bar=False, log_output=False, report_mode=True,
                extra_arguments=["--IPKernelApp.log_level=CRITICAL"])  # no kernel chatter on the console
        except papermill.PapermillExecutionError as error:
            raise ExecutionError(t("run.failed", lang, step=step, error=f"{error.ename}: {error.evalue}")) from None
        to_html(executed, scratch / f"{step}.html", title)
        produced = sorted(p for p in scratch.iterdir() if p.is_file())
        for path in produced:
            path.replace(out_dir / path.name)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    final = {p.name: out_dir / p.name for p in produced}
    return RunResult(step, final[f"{step}.ipynb"], final[f"{step}.html"], final.get(f"{step}-tables.xlsx"),
                     tuple(final[n] for n in sorted(final) if n.endswith(".png")))
