"""Running one step's template: :func:`run` is a report pack of one step on its own kernel (see
:mod:`clusterkit.running.pack`).

The kernel starts, and imports what the template imports, while the workbook is read and checked
(:mod:`clusterkit.running.edge`); nothing runs in it until the workbook is valid. Outputs are
written to a temporary folder inside the output folder and moved into place only when the run
succeeded; a template that fails leaves its executed notebook there as ``<step>.failed.ipynb``.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ExecutionError, InputError
from ..i18n import t
from ..workbook import lend
from .edge import open_workbook, output_folder
from .templates import DEFAULT_TIMEOUT, check_parameters, prepare_html, resolve_files, template_path

if TYPE_CHECKING:
    from ..workbook import Workbook


@dataclass(frozen=True)
class RunResult:
    step: str
    notebook: Path
    html: Path
    tables: Path | None
    figures: tuple[Path, ...]


def run(
    step: str,
    workbook: str | Path | None = None,
    out_dir: str | Path = ".",
    lang: str | None = None,
    parameters: dict | None = None,
    timeout: int = DEFAULT_TIMEOUT,
) -> RunResult:
    """Execute the template of ``step`` on ``workbook`` and write its notebook, HTML report,
    tables workbook and figures into ``out_dir`` (other files there are left alone).

    Raises :class:`~clusterkit.workbook.WorkbookError` for a bad workbook,
    :class:`~clusterkit.errors.InputError` for a bad step name, parameter or output folder (and
    :class:`~clusterkit.errors.StepInputError` when the template finds too little to work on), and
    :class:`~clusterkit.errors.ExecutionError` for a template that failed, whose executed notebook
    is then ``out_dir/<step>.failed.ipynb``.
    """
    with step_kernel(step) as pool:
        source, wb, lang = open_workbook(workbook, lang, step)  # every problem, before the template runs
        return run_opened(step, source, wb, lang, out_dir, parameters, timeout, pool)


def step_kernel(step: str):
    """A pool of one kernel for ``step``, started at once, which imports what the template imports
    while the caller reads and checks the workbook; use it in a ``with`` block."""
    from .kernels import KernelPool  # nbclient: only when a step runs

    template_path(step)
    return KernelPool(1, steps=(step,))


def run_opened(
    step: str,
    source: Path,
    wb: Workbook,
    lang: str,
    out_dir: str | Path = ".",
    parameters: dict | None = None,
    timeout: int = DEFAULT_TIMEOUT,
    pool=None,
) -> RunResult:
    """:func:`run` on a workbook already opened by :func:`open_workbook`: a pack of one step, run by
    ``pool`` (:func:`step_kernel`; one of its own when None)."""
    parameters = dict(parameters or {})
    template_path(step)
    check_parameters(step, parameters, lang, wb)
    parameters = resolve_files(parameters)
    created = not Path(out_dir).exists()
    out = output_folder(out_dir, lang)
    try:
        return _run_in(out, step, source, wb, lang, parameters, timeout, pool)
    except BaseException:
        if created:  # a refused run leaves no empty folder behind (a failed one keeps its notebook there)
            with contextlib.suppress(OSError):
                out.rmdir()
        raise


def _run_in(
    out: Path, step: str, source: Path, wb: Workbook, lang: str, parameters: dict, timeout: int, pool
) -> RunResult:
    from .outputs import pack_date
    from .pack import StepJob, execute_step

    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{step}-", dir=out)).resolve()  # the kernel runs elsewhere
    except OSError as error:
        raise InputError(t("out.cannot_create", lang, path=out, reason=error.strerror or error)) from None
    own_pool = pool is None
    try:
        if own_pool:
            pool = step_kernel(step)
        job = StepJob(source, staging, out, lang, wb.name, pack_date(), timeout, lend(wb, staging))
        try:
            (produced,) = pool.run_all(
                [lambda kernel: execute_step(kernel, job, step, parameters)], meanwhile=prepare_html
            )
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
        if own_pool and pool is not None:
            pool.close()
        shutil.rmtree(staging, ignore_errors=True)
    return RunResult(
        step,
        final[f"{step}.ipynb"],
        final[f"{step}.html"],
        final.get(f"{step}-tables.xlsx"),
        tuple(final[n] for n in sorted(final) if n.endswith(".png")),
    )
