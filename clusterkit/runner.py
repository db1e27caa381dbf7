"""Running a step's template: the template helpers, the language of a command, the output folder,
and :func:`run`, which is a report pack of one step on its own kernel (see :mod:`clusterkit.pack`).

The workbook is validated before any kernel starts, so a bad workbook reaches the user as the
clear message of :mod:`clusterkit.workbook`, never as a notebook traceback. Outputs are written
to a temporary folder inside the output folder and moved into place only when the run succeeded;
a template that fails leaves its executed notebook there as ``<step>.failed.ipynb``.
"""
from __future__ import annotations

import html
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import nbformat

from . import i18n
from .errors import ExecutionError, InputError
from .i18n import t
from .schema import STEPS
from .workbook import Workbook, example_path, read_workbook

KERNEL = "python3"
DEFAULT_TIMEOUT = 600  # seconds per cell
RESERVED_PARAMETERS = ("workbook", "lang", "output_dir")  # set by the runner, never by the user
LANG_VARIABLE = "CLUSTERKIT_LANG"
TITLE_CELL = "clusterkit-title"  # the id of the heading cell added before a template's own cells


@dataclass(frozen=True)
class RunResult:
    step: str
    notebook: Path
    html: Path
    tables: Path | None
    figures: tuple[Path, ...]


def user_lang(option: str | None = None) -> str | None:
    """The language the user asked for: ``--lang``, else ``CLUSTERKIT_LANG``; None when neither says."""
    chosen = option or os.environ.get(LANG_VARIABLE)
    if not chosen:
        return None
    if str(chosen).strip().lower() not in i18n.LANGUAGES:
        raise InputError("\n".join(t("cli.bad_lang", lang, value=chosen, variable=LANG_VARIABLE)
                                   for lang in i18n.LANGUAGES))
    return i18n.check_lang(chosen)


def resolve_lang(option: str | None = None, workbook: Workbook | None = None) -> str:
    """The one language of a command, for its messages and its reports: ``--lang``, else
    ``CLUSTERKIT_LANG``, else the workbook's own ``language``, else French."""
    return user_lang(option) or (workbook.lang if workbook is not None else i18n.DEFAULT_LANG)


def output_folder(path: str | Path, lang: str) -> Path:
    """``path`` as a folder outputs can be written into, created if missing; else :class:`InputError`
    (an existing file, a folder that cannot be created or is not writable)."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise InputError(t("out.is_file", lang, path=path))
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(t("out.cannot_create", lang, path=path, reason=error.strerror or error)) from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise InputError(t("out.not_writable", lang, path=path))
    return path


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
    cell = nbformat.v4.new_markdown_cell(f"# {html.escape(text, quote=False)}")
    cell.id = TITLE_CELL
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


def open_workbook(workbook: str | Path | None, lang: str | None = None,
                  step: str | None = None) -> tuple[Path, Workbook, str]:
    """The edge of a command: the workbook's path (the packaged example when None), the workbook
    read and checked (for ``step`` when given), and the command's language (:func:`resolve_lang`)."""
    source = (Path(workbook) if workbook else example_path(user_lang(lang))).resolve()
    wb = read_workbook(source, lang=user_lang(lang), step=step)
    return source, wb, resolve_lang(lang, wb)


def run(step: str, workbook: str | Path | None = None, out_dir: str | Path = ".", lang: str | None = None,
        parameters: dict | None = None, timeout: int = DEFAULT_TIMEOUT) -> RunResult:
    """Execute the template of ``step`` on ``workbook`` and write its notebook, HTML report,
    tables workbook and figures into ``out_dir`` (other files there are left alone).

    Raises :class:`~clusterkit.workbook.WorkbookError` for a bad workbook,
    :class:`~clusterkit.errors.InputError` for a bad step name, parameter or output folder (and
    :class:`~clusterkit.errors.StepInputError` when the template finds too little to work on), and
    :class:`~clusterkit.errors.ExecutionError` for a template that failed, whose executed notebook
    is then ``out_dir/<step>.failed.ipynb``.
    """
    source, wb, lang = open_workbook(workbook, lang, step)  # every problem, before any kernel
    return run_opened(step, source, wb, lang, out_dir, parameters, timeout)


def run_opened(step: str, source: Path, wb: Workbook, lang: str, out_dir: str | Path = ".",
               parameters: dict | None = None, timeout: int = DEFAULT_TIMEOUT) -> RunResult:
    """:func:`run` on a workbook already opened by :func:`open_workbook`: a pack of one step."""
    from .pack import Kernel, StepJob, execute_step, pack_date

    parameters = dict(parameters or {})
    template_path(step)
    check_parameters(step, parameters, lang)
    out = output_folder(out_dir, lang)
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{step}-", dir=out)).resolve()  # the kernel runs elsewhere
    except OSError as error:
        raise InputError(t("out.cannot_create", lang, path=out, reason=error.strerror or error)) from None
    kernel = None
    try:
        kernel = Kernel()
        try:
            produced = execute_step(kernel, StepJob(source, staging, out, lang, wb.name, pack_date(), timeout),
                                    step, parameters)
        except ExecutionError:
            failed = staging / f"{step}.failed.ipynb"
            if failed.exists():
                failed.replace(out / failed.name)
            raise
        final = {}
        for path in produced:  # each file replaces its previous version in one rename
            path.replace(out / path.name)
            final[path.name] = out / path.name
        (out / f"{step}.failed.ipynb").unlink(missing_ok=True)  # an older failure is fixed now
    finally:
        if kernel is not None:
            kernel.shutdown()
        shutil.rmtree(staging, ignore_errors=True)
    return RunResult(step, final[f"{step}.ipynb"], final[f"{step}.html"], final.get(f"{step}-tables.xlsx"),
                     tuple(final[n] for n in sorted(final) if n.endswith(".png")))
