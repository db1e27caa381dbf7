"""The team's report pack: every step its workbook feeds, in one folder, the same on every run.

A pack holds each step's HTML report (and PDF when asked), the executed notebooks, the files the
templates write (tables workbooks, figures, the baseline, the action plan...), an ``index.html``
linking them all and a ``manifest.json`` recording the input's hash, the versions, the parameters
and the hash of every output.

Speed: the workbook is validated while the kernels start; each kernel imports what the templates
import before any step is ready, then runs one step after another (its namespace reset between
them), and independent steps run on different kernels at the same time. A loop of separate
papermill runs would pay a kernel start and the imports for every step.

Reproducibility: see :mod:`clusterkit.running.outputs`; kernels: :mod:`clusterkit.running.kernels`.

Safety: nothing is written until the workbook is valid, and everything is written into a
temporary folder next to the output folder, renamed into place only when the whole pack succeeded.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .. import i18n
from ..errors import ClusterkitError, ExecutionError, InputError, StepInputError
from ..i18n import t
from ..schema import STEP_SHEETS, STEPS
from ..workbook import lend
from .edge import open_workbook, output_folder
from .kernels import Kernel, KernelPool
from .language import user_lang
from .outputs import (
    INDEX,
    MANIFEST,
    check_out,
    pack_date,
    publish,
    stable_notebook,
    stable_zip,
    write_index,
    write_manifest,
)
from .templates import (
    DEFAULT_TIMEOUT,
    KERNEL,
    TITLE_CELL,
    available_template,
    check_parameters,
    prepare_html,
    template_path,
    titled,
    to_html,
)

ZIP_SUFFIXES = (".xlsx", ".docx")
# The steps by their usual cost, heaviest first (on the example: monitoring 3.6 s, diagnostic 2.7,
# plan 2.2, selection 1.3, implementation 1.1, competency 0.7; bench/README.md). Kernels take the
# steps in this order: the longest start first, so that no kernel is left alone with one at the
# end (the method's order kept a kernel idle for 2.6 s of a 9.9 s pack).
HEAVIEST_FIRST = ("monitoring", "diagnostic", "plan", "selection", "implementation", "competency")


@dataclass(frozen=True)
class StepFailure:
    """A step of a pack that made no report, and why (the message in the pack's language)."""

    step: str
    error: ClusterkitError


@dataclass(frozen=True)
class PackResult:
    folder: Path
    steps: tuple[str, ...]  # the steps whose reports are in the folder
    index: Path
    manifest: Path
    files: tuple[Path, ...]  # every output but the manifest, sorted
    lang: str = i18n.DEFAULT_LANG
    failures: tuple[StepFailure, ...] = ()

    @property
    def exit_code(self) -> int:
        """0 when every step made its report, 3 when a template failed, 2 when steps lacked input."""
        return max((f.error.exit_code for f in self.failures), default=0)


def steps_present(workbook) -> list[str]:
    """The steps whose template exists and whose needed sheets the workbook holds (not empty)."""
    return [s for s in STEPS if available_template(s) and all(workbook.has(k) for k in STEP_SHEETS[s][0])]


@dataclass(frozen=True)
class StepJob:
    """What every step of one run or pack shares: files are made in ``staging``, then land in ``out``."""

    source: Path
    staging: Path
    out: Path
    lang: str
    cluster: str
    day: dt.date
    timeout: int
    lent: Path | None = None  # the workbook as the runner read it, for the templates (lending.py)


def execute_step(kernel: Kernel, job: StepJob, step: str, parameters: dict) -> list[Path]:
    """Execute one step's template and leave its files in the staging folder; the one way every
    template runs, for ``clusterkit run`` as for a pack.

    A :class:`StepInputError` raised by the template becomes that error, with its message alone;
    any other failure leaves the executed notebook as ``<step>.failed.ipynb`` in the staging folder
    and raises :class:`ExecutionError` naming the cell that failed.
    """
    import nbformat
    from papermill.parameterize import parameterize_notebook

    scratch = job.staging / f".{step}"
    scratch.mkdir()
    title = t("step.report_title", job.lang, step=t(f"step.{step}.title", job.lang), cluster=job.cluster)
    notebook = titled(nbformat.read(template_path(step), as_version=4), title)
    notebook.metadata["papermill"] = {}
    for cell in notebook.cells:  # papermill looks for its tags in every cell
        cell.metadata.setdefault("tags", [])
    # The kernel works in the scratch folder: "." keeps its absolute path out of the notebook.
    notebook = parameterize_notebook(
        notebook,
        {**parameters, "workbook": str(job.source), "lang": job.lang, "output_dir": "."},
        report_mode=True,
        kernel_name=KERNEL,
    )
    try:
        kernel.execute(notebook, scratch, job.timeout, job.lent)
    except Exception as error:  # a cell that raised, a dead kernel, a cell over its time limit
        shutil.rmtree(scratch, ignore_errors=True)
        raise step_failure(notebook, job, step, error) from None
    nbformat.write(stable_notebook(notebook, step), scratch / f"{step}.ipynb")
    to_html(notebook, scratch / f"{step}.html", title)
    produced = []
    for path in sorted(scratch.iterdir()):
        if path.is_symlink() or not path.is_file():
            continue  # only plain files the template wrote, never a link out of the folder
        if path.suffix.lower() in ZIP_SUFFIXES and zipfile.is_zipfile(path):
            stable_zip(path, job.day)
        final = job.staging / path.name
        if final.exists():
            raise ExecutionError(t("pack.name_clash", job.lang, name=path.name, step=step))
        path.replace(final)
        produced.append(final)
    shutil.rmtree(scratch)
    return produced


# the errors a template raises on input it cannot use, by name as the kernel reports them
INPUT_ERRORS = {cls.__name__: cls for cls in (InputError, StepInputError)} | {"WorkbookError": InputError}


def step_failure(notebook, job: StepJob, step: str, error: Exception) -> ClusterkitError:
    """The error a failed step reaches the user as; keeps the executed notebook unless the
    template only met input it cannot use (an error of the input family)."""
    import nbformat

    index, output = next(
        (
            (i, o)
            for i, c in enumerate(notebook.cells)
            if c.cell_type == "code"
            for o in c.get("outputs", [])
            if o.get("output_type") == "error"
        ),
        (None, None),
    )
    if output is not None and output.get("ename") in INPUT_ERRORS:
        # bad input met inside the template: its own message, exit 2, nothing to debug
        return INPUT_ERRORS[output["ename"]](output.get("evalue", ""))
    failed = job.staging / f"{step}.failed.ipynb"
    nbformat.write(stable_notebook(notebook, step), failed)
    kept = job.out / failed.name
    if output is None:  # a dead kernel, a cell over its time limit
        return ExecutionError(
            t("run.failed", job.lang, step=step, error=_last_line(f"{type(error).__name__}: {error}"), notebook=kept)
        )
    return ExecutionError(
        t(
            "run.failed_cell",
            job.lang,
            step=step,
            cell=index + 1,
            purpose=cell_purpose(notebook, index, job.lang),
            error=_last_line(f"{output.get('ename')}: {output.get('evalue')}"),
            notebook=kept,
        )
    )


def _last_line(text: str) -> str:
    lines = [line for line in str(text).strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


_HEADING_CALL = re.compile(r"""\.heading\(\s*["']([\w.-]+)["']""")  # report.heading("<key>", ...)


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "…"  # a heading's value known only inside the kernel


def cell_purpose(notebook, index: int, lang: str) -> str:
    """What the cell ``index`` is for: its first comment line, else the heading it (or, failing
    that, the nearest cell above it) writes: a Markdown heading or a catalogue heading of the
    report; else its first line of code."""

    def headings(cell) -> list[str]:
        if cell.cell_type == "markdown":
            return [line.strip("# ").strip() for line in cell.source.splitlines() if line.startswith("#")]
        return [
            i18n.catalogue()[key][lang].format_map(_Blank())
            for key in _HEADING_CALL.findall(cell.source)
            if i18n.has(key)
        ]

    cell = notebook.cells[index]
    comment = next(
        (
            line.strip("# ").strip()
            for line in cell.source.splitlines()
            if line.strip().startswith("#") and line.strip("# ").strip()
        ),
        None,
    )
    if comment or headings(cell):
        return comment or headings(cell)[0]
    for cell in reversed(notebook.cells[:index]):
        if cell.get("id") != TITLE_CELL and headings(cell):
            return headings(cell)[-1]
    first = next((line.strip() for line in notebook.cells[index].source.splitlines() if line.strip()), "—")
    return first if len(first) <= 60 else first[:59] + "…"  # no heading at all: the code itself says


def pack(
    workbook: str | Path | None = None,
    out_dir: str | Path = "reports",
    lang: str | None = None,
    steps: list[str] | None = None,
    pdf: bool = False,
    jobs: int | None = None,
    parameters: dict[str, dict] | None = None,
    timeout: int = DEFAULT_TIMEOUT,
    pool: KernelPool | None = None,
) -> PackResult:
    """Run every step the workbook feeds (or ``steps``) and write the team's pack into ``out_dir``.

    ``jobs`` bounds the steps run at the same time (default: the number of processors, at most 4);
    ``parameters`` maps a step to its template parameters; ``pool`` lends warm kernels (a batch
    shares its own). Raises :class:`~clusterkit.workbook.WorkbookError` for a bad workbook and
    :class:`~clusterkit.errors.InputError` for a bad step, parameter or output folder; ``out_dir``
    is then left as it was. A step that fails does not stop the others: the pack holds the
    reports that were made, and ``failures`` (listed in the index and the manifest) the others.
    """
    own_pool = pool is None
    if own_pool:  # first of all: the kernels start while the workbook is read and checked
        wanted = steps or [s for s in STEPS if available_template(s)]
        pool = KernelPool(min(jobs or min(os.cpu_count() or 1, 4), max(1, len(wanted))), steps=tuple(wanted))
    try:
        from ..workbook import example_path  # pandas: once the kernels are starting

        source = (Path(workbook) if workbook else example_path(user_lang(lang))).resolve()
        result = make_pack(source, Path(out_dir).resolve(), lang, steps, pdf, parameters or {}, timeout, pool)
    except BaseException:
        if own_pool:
            pool.close(wait=False)  # a bad workbook is reported now; the kernels stop behind it
        raise
    if own_pool:
        pool.close()
    return result


def _attempt(kernel: Kernel, job: StepJob, step: str, parameters: dict) -> list[Path] | StepFailure:
    """The files of one step, or why it made none: one failed step stops no other."""
    try:
        return execute_step(kernel, job, step, parameters)
    except ClusterkitError as error:
        return StepFailure(step, error)


def make_pack(
    source: Path,
    out: Path,
    lang: str | None,
    steps: list[str] | None,
    pdf: bool,
    parameters: dict[str, dict],
    timeout: int,
    pool,
) -> PackResult:
    """The pack of the workbook ``source`` into ``out``, its steps run by ``pool`` (anything with
    ``run_all``): :func:`pack` once its kernels are starting, and each workbook of a batch."""
    started = dt.datetime.now(dt.UTC)
    source, wb, lang = open_workbook(source, lang)
    if steps:
        for step in steps:
            template_path(step)
            wb.require(step, lang)
    steps = list(steps or steps_present(wb))
    if not steps:
        needs = "; ".join(f"{s}: {', '.join(STEP_SHEETS[s][0])}" for s in STEPS if available_template(s))
        raise InputError(t("pack.no_steps", lang, needs=needs))
    unknown = sorted(set(parameters) - set(steps))
    if unknown:
        raise InputError(t("pack.parameters_step", lang, steps=", ".join(unknown), run=", ".join(steps) or "—"))
    for step in steps:
        check_parameters(step, parameters.get(step, {}), lang, wb)
    if pdf:
        from ..documents.pdf import require

        require(lang)  # before any step runs: no Chromium, no time lost
    check_out(out, lang)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(t("out.cannot_create", lang, path=out, reason=error.strerror or error)) from None
    output_folder(out.parent, lang)  # and writable
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent))
    except OSError as error:
        raise InputError(t("out.cannot_create", lang, path=out, reason=error.strerror or error)) from None
    try:
        staging.chmod(0o755)  # mkdtemp makes it private; a pack is for sharing
        job = StepJob(source, staging, out, lang, wb.name, pack_date(), timeout, lend(wb, staging))
        order = sorted(steps, key=HEAVIEST_FIRST.index)
        taken = pool.run_all(
            [lambda k, s=s: _attempt(k, job, s, parameters.get(s, {})) for s in order], meanwhile=prepare_html
        )
        by_step = dict(zip(order, taken))
        outcomes = [by_step[s] for s in steps]  # back in the method's order
        if job.lent is not None:
            job.lent.unlink()  # not part of the pack
        failures = tuple(o for o in outcomes if isinstance(o, StepFailure))
        made = [s for s, o in zip(steps, outcomes) if not isinstance(o, StepFailure)]
        if pdf and made:
            from ..documents.pdf import html_to_pdf

            html_to_pdf([(staging / f"{s}.html", staging / f"{s}.pdf") for s in made], wb.name, lang, job.day)
        write_index(staging, steps, wb.name, lang, job.day, failures)
        files = sorted(p for p in staging.iterdir() if p.is_file())
        write_manifest(staging / MANIFEST, source, steps, lang, pdf, parameters, files, started, failures)
        publish(staging, out, lang)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return PackResult(out, tuple(made), out / INDEX, out / MANIFEST, tuple(out / p.name for p in files), lang, failures)
