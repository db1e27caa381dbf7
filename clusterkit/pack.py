"""The team's report pack: every step its workbook feeds, in one folder, the same on every run.

A pack holds each step's HTML report (and PDF when asked), the executed notebooks, the files the
templates write (tables workbooks, figures, the baseline, the action plan...), an ``index.html``
linking them all and a ``manifest.json`` recording the input's hash, the versions, the parameters
and the hash of every output.

Speed: the workbook is validated while the kernels start; each kernel imports what the templates
import before any step is ready, then runs one step after another (its namespace reset between
them), and independent steps run on different kernels at the same time. A loop of separate
papermill runs would pay a kernel start and the imports for every step.

Reproducibility: two packs of the same input hold byte-identical files, except the manifest's
timestamps. The executed notebooks carry no timings and stable cell ids; the zip-based files
(XLSX, DOCX) get fixed timestamps; the date shown is the pack's day (``SOURCE_DATE_EPOCH`` fixes
it, as in reproducible builds).

Safety: nothing is written until the workbook is valid, and everything is written into a
temporary folder next to the output folder, renamed into place only when the whole pack succeeded.
"""
from __future__ import annotations

import ast
import datetime as dt
import hashlib
import html
import json
import os
import queue
import re
import shutil
import tempfile
import threading
import time
import unicodedata
import zipfile
from concurrent.futures import Future, as_completed
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Callable
from urllib.parse import quote

import nbformat

from . import __version__, i18n
from .errors import ClusterkitError, ExecutionError, InputError, StepInputError
from .i18n import t
from .runner import (DEFAULT_TIMEOUT, KERNEL, RESERVED_PARAMETERS, TITLE_CELL, available_template, check_parameters,
                     open_workbook, output_folder, resolve_lang, template_path, titled, to_html, user_lang)
from .schema import STEP_SHEETS, STEPS
from .workbook import example_path

MANIFEST = "manifest.json"
INDEX = "index.html"
STARTUP_TIMEOUT = 60  # seconds for a kernel to answer
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR"]  # no kernel chatter on the console
LIBRARIES = ("pandas", "numpy", "matplotlib", "openpyxl", "python-docx", "networkx", "nbformat", "nbclient",
             "nbconvert", "papermill", "ipykernel")
ZIP_SUFFIXES = (".xlsx", ".docx")


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


@dataclass(frozen=True)
class BatchRow:
    workbook: Path
    ok: bool
    reason: str  # the first lines of the clear message when the pack failed, or the failed steps
    folder: Path | None
    exit_code: int = 0


def steps_present(workbook) -> list[str]:
    """The steps whose template exists and whose needed sheets the workbook holds (not empty)."""
    return [s for s in STEPS if available_template(s) and all(workbook.has(k) for k in STEP_SHEETS[s][0])]


# --------------------------------------------------------------------------------------------
# Warm kernels
# --------------------------------------------------------------------------------------------
@lru_cache(maxsize=None)
def _template_imports() -> str:
    """The import statements of every template, run in a kernel before a step needs them."""
    lines = []
    for step in STEPS:
        if not available_template(step):
            continue
        for cell in nbformat.read(template_path(step), as_version=4).cells:
            if cell.cell_type != "code":
                continue
            try:
                tree = ast.parse(cell.source)
            except SyntaxError:
                continue
            lines += [ast.unparse(n) for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    return "\n".join(dict.fromkeys(lines))


async def _call(client, code: str, timeout: float) -> dict:
    """Run ``code`` silently in the client's kernel and return the reply's content."""
    msg_id = client.execute(code, silent=True, store_history=False)
    deadline = time.monotonic() + timeout
    while True:
        reply = await client.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply["content"]


class Kernel:
    """An IPython kernel started once (retried once: parallel launches race for ports), warmed
    with the templates' imports, then used for one notebook after another.

    It belongs to the thread that created it: its sockets live on that thread's event loop.
    """

    def __init__(self, warm: bool = False):
        self.client = None
        self._start()
        if warm:  # the templates are read while the kernel boots
            try:
                self._call(_template_imports(), STARTUP_TIMEOUT * 5)
            except ExecutionError:
                pass  # a template whose imports fail says so when its step runs

    def _start(self) -> None:
        from nbclient import NotebookClient

        for attempt in (1, 2):
            client = NotebookClient(nbformat.v4.new_notebook(), kernel_name=KERNEL, record_timing=False,
                                    startup_timeout=STARTUP_TIMEOUT, extra_arguments=list(KERNEL_ARGUMENTS))
            client.km = client.create_kernel_manager()
            try:
                client.start_new_kernel(cwd=tempfile.gettempdir())
                client.start_new_kernel_client()
                self.client = client
                return
            except Exception as error:  # a port taken between its choice and the kernel's bind
                _stop(client)
                if attempt == 2:
                    raise ExecutionError(t("pack.kernel_failed", i18n.DEFAULT_LANG, error=error) + "\n"
                                         + t("pack.kernel_failed", "en", error=error)) from None

    def _call(self, code: str, timeout: float) -> None:
        from jupyter_core.utils import run_sync

        content = run_sync(_call)(self.client.kc, code, timeout)
        if content["status"] != "ok":
            raise ExecutionError(f"{content.get('ename')}: {content.get('evalue')}")

    def execute(self, notebook, cwd: Path, timeout: int):
        """Execute ``notebook`` in place with a fresh namespace, in ``cwd``, as a new kernel would."""
        from nbclient.exceptions import DeadKernelError

        if not self.alive():
            _stop(self.client)
            self._start()
        # The counter is reset so that outputs do not depend on which steps ran here before.
        # The previous step's folder is gone: move first, then forget everything it defined.
        self._call(f"import os, matplotlib.pyplot\nos.chdir({str(cwd)!r})\nmatplotlib.pyplot.close('all')\n"
                   f"get_ipython().run_line_magic('reset', '-f')\nget_ipython().execution_count = 1",
                   STARTUP_TIMEOUT)
        self.client.nb = notebook
        self.client.timeout = timeout
        try:
            self.client.execute(cleanup_kc=False)
        except (DeadKernelError, TimeoutError):
            _stop(self.client)  # a dead or stuck kernel is replaced before its next notebook
            raise
        return notebook

    def alive(self) -> bool:
        from jupyter_core.utils import run_sync

        return self.client is not None and self.client.km is not None and run_sync(self.client.km.is_alive)()

    def shutdown(self) -> None:
        _stop(self.client)


def _stop(client) -> None:
    from jupyter_core.utils import run_sync

    if client is None or client.km is None:
        return
    try:
        if client.kc is not None:
            client.kc.stop_channels()
        if run_sync(client.km.is_alive)():
            run_sync(client.km.shutdown_kernel)(now=True)
        run_sync(client.km.cleanup_resources)()
    except Exception:  # already gone: nothing left to stop
        pass
    client.kc = client.km = None


class KernelPool:
    """``size`` kernels, each owned by one thread, running jobs (callables taking the kernel).

    The kernels start, and import what the templates import, as soon as the pool is created.
    """

    def __init__(self, size: int = 1):
        self._jobs: queue.Queue = queue.Queue()
        self._closed = threading.Event()
        self._threads = [threading.Thread(target=self._serve, name=f"clusterkit-kernel-{i}")
                         for i in range(max(1, size))]
        for thread in self._threads:
            thread.start()

    def _serve(self) -> None:
        kernel, failure = None, None
        try:
            kernel = Kernel(warm=not self._closed.is_set())
        except Exception as error:  # every job this thread takes reports it
            failure = error
        try:
            while (job := self._jobs.get()) is not None:
                function, future = job
                if not future.set_running_or_notify_cancel():
                    continue
                try:
                    if failure is not None:
                        raise failure
                    future.set_result(function(kernel))
                except BaseException as error:
                    future.set_exception(error)
        finally:
            if kernel is not None:
                kernel.shutdown()

    def submit(self, function: Callable) -> Future:
        future: Future = Future()
        self._jobs.put((function, future))
        return future

    def close(self, wait: bool = True) -> None:
        if self._closed.is_set():
            return
        self._closed.set()
        for _ in self._threads:
            self._jobs.put(None)
        if wait:
            for thread in self._threads:
                thread.join()

    def run_all(self, jobs: list[Callable]) -> list:
        """The results of ``jobs``, in order; the first failure cancels the jobs not started."""
        futures = [self.submit(job) for job in jobs]
        try:
            return [f.result() for f in futures]
        finally:
            for future in futures:
                future.cancel()
            for future in futures:
                if not future.cancelled():
                    future.exception()  # running steps finish before their folder is removed

    def __enter__(self) -> KernelPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close(wait=exc[0] is None)


# --------------------------------------------------------------------------------------------
# Reproducible files
# --------------------------------------------------------------------------------------------
def pack_date() -> dt.date:
    """The day a pack shows: ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
    return dt.date.today()


def stable_notebook(notebook, step: str):
    """The executed notebook without what changes between runs: stable cell ids, no timings."""
    for cell in notebook.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = f"{step}-injected-parameters"
        cell.metadata.pop("execution", None)
    notebook.metadata.pop("widgets", None)
    return notebook


_CORE_DATES = re.compile(rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")


def stable_zip(path: Path, day: dt.date) -> Path:
    """Rewrite an Office file (a zip) with ``day`` as every member's time and as the document's
    creation and modification dates, so that its bytes depend on its content only."""
    stamp = f"{day.isoformat()}T00:00:00Z".encode()
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "docProps/core.xml":
                data = _CORE_DATES.sub(rb"\g<1>" + stamp + rb"\g<3>", data)
            member = zipfile.ZipInfo(info.filename, date_time=(day.year, day.month, day.day, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            target.writestr(member, data)
    os.replace(tmp, path)
    return path


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def input_hash(path: Path) -> str:
    """The SHA-256 of a workbook file, or of a CSV folder (each file's name and hash, sorted)."""
    if not path.is_dir():
        return file_hash(path)
    digest = hashlib.sha256()
    for file in sorted(p for p in path.iterdir() if p.is_file()):
        digest.update(f"{file.name}\0{file_hash(file)}\n".encode())
    return digest.hexdigest()


def safe_name(text: str, fallback: str = "workbook") -> str:
    """A folder name made from user text that cannot leave its parent folder."""
    text = unicodedata.normalize("NFKC", str(text))
    text = re.sub(r"[\x00-\x1f\x7f/\\:*?\"<>|]+", "_", text).strip(" ._")
    return text[:80] or fallback


# --------------------------------------------------------------------------------------------
# One step, one pack
# --------------------------------------------------------------------------------------------
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


def execute_step(kernel: Kernel, job: StepJob, step: str, parameters: dict) -> list[Path]:
    """Execute one step's template and leave its files in the staging folder; the one way every
    template runs, for ``clusterkit run`` as for a pack.

    A :class:`StepInputError` raised by the template becomes that error, with its message alone;
    any other failure leaves the executed notebook as ``<step>.failed.ipynb`` in the staging folder
    and raises :class:`ExecutionError` naming the cell that failed.
    """
    from papermill.parameterize import parameterize_notebook

    scratch = job.staging / f".{step}"
    scratch.mkdir()
    title = t("step.report_title", job.lang, step=t(f"step.{step}.title", job.lang), cluster=job.cluster)
    notebook = titled(nbformat.read(template_path(step), as_version=4), title)
    notebook.metadata["papermill"] = {}
    for cell in notebook.cells:  # papermill looks for its tags in every cell
        cell.metadata.setdefault("tags", [])
    # The kernel works in the scratch folder: "." keeps its absolute path out of the notebook.
    notebook = parameterize_notebook(notebook, {**parameters, "workbook": str(job.source), "lang": job.lang,
                                                "output_dir": "."}, report_mode=True, kernel_name=KERNEL)
    try:
        kernel.execute(notebook, scratch, job.timeout)
    except Exception as error:  # a cell that raised, a dead kernel, a cell over its time limit
        shutil.rmtree(scratch, ignore_errors=True)
        raise step_failure(notebook, job, step, error) from None
    nbformat.write(stable_notebook(notebook, step), scratch / f"{step}.ipynb")
    to_html(scratch / f"{step}.ipynb", scratch / f"{step}.html", title)
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
    index, output = next(((i, o) for i, c in enumerate(notebook.cells) if c.cell_type == "code"
                                for o in c.get("outputs", []) if o.get("output_type") == "error"),
                               (None, None))
    if output is not None and output.get("ename") in INPUT_ERRORS:
        # bad input met inside the template: its own message, exit 2, nothing to debug
        return INPUT_ERRORS[output["ename"]](output.get("evalue", ""))
    failed = job.staging / f"{step}.failed.ipynb"
    nbformat.write(stable_notebook(notebook, step), failed)
    kept = job.out / failed.name
    if output is None:  # a dead kernel, a cell over its time limit
        return ExecutionError(t("run.failed", job.lang, step=step, error=_last_line(f"{type(error).__name__}: {error}"),
                                notebook=kept))
    return ExecutionError(t("run.failed_cell", job.lang, step=step, cell=index + 1, purpose=cell_purpose(notebook, index, job.lang),
                            error=_last_line(f"{output.get('ename')}: {output.get('evalue')}"), notebook=kept))


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
        return [i18n.catalogue()[key][lang].format_map(_Blank()) for key in _HEADING_CALL.findall(cell.source)
                if i18n.has(key)]

    cell = notebook.cells[index]
    comment = next((line.strip("# ").strip() for line in cell.source.splitlines()
                    if line.strip().startswith("#") and line.strip("# ").strip()), None)
    if comment or headings(cell):
        return comment or headings(cell)[0]
    for cell in reversed(notebook.cells[:index]):
        if cell.get("id") != TITLE_CELL and headings(cell):
            return headings(cell)[-1]
    first = next((line.strip() for line in notebook.cells[index].source.splitlines() if line.strip()), "—")
    return first if len(first) <= 60 else first[:59] + "…"  # no heading at all: the code itself says


def _check_out(out: Path, lang: str) -> None:
    """The output folder is replaced only when it is missing, empty or a previous pack."""
    if out.exists() and not out.is_dir():
        raise InputError(t("out.is_file", lang, path=out))
    if out.exists() and any(out.iterdir()) and not (out / MANIFEST).is_file():
        raise InputError(t("pack.out_not_empty", lang, path=out))


def _publish(staging: Path, out: Path, lang: str) -> None:
    _check_out(out, lang)
    if not out.exists():
        staging.replace(out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=out.parent))
    try:
        out.replace(old / "pack")
        try:
            staging.replace(out)
        except BaseException:
            (old / "pack").replace(out)  # the previous pack stays where it was
            raise
    finally:
        shutil.rmtree(old, ignore_errors=True)


def pack(workbook: str | Path | None = None, out_dir: str | Path = "reports", lang: str | None = None,
         steps: list[str] | None = None, pdf: bool = False, jobs: int | None = None,
         parameters: dict[str, dict] | None = None, timeout: int = DEFAULT_TIMEOUT,
         pool: KernelPool | None = None) -> PackResult:
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
        pool = KernelPool(min(jobs or min(os.cpu_count() or 1, 4), max(1, len(wanted))))
    try:
        source = (Path(workbook) if workbook else example_path(user_lang(lang))).resolve()
        result = _pack(source, Path(out_dir).resolve(), lang, steps, pdf, parameters or {}, timeout, pool)
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


def _pack(source: Path, out: Path, lang: str | None, steps: list[str] | None, pdf: bool,
          parameters: dict[str, dict], timeout: int, pool) -> PackResult:
    started = dt.datetime.now(dt.timezone.utc)
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
        check_parameters(step, parameters.get(step, {}), lang)
    if pdf:
        from .pdf import require

        require(lang)  # before any step runs: no Chromium, no time lost
    _check_out(out, lang)
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
        job = StepJob(source, staging, out, lang, wb.name, pack_date(), timeout)
        outcomes = pool.run_all([lambda k, s=s: _attempt(k, job, s, parameters.get(s, {})) for s in steps])
        failures = tuple(o for o in outcomes if isinstance(o, StepFailure))
        made = [s for s, o in zip(steps, outcomes) if not isinstance(o, StepFailure)]
        if pdf and made:
            from .pdf import html_to_pdf

            html_to_pdf([(staging / f"{s}.html", staging / f"{s}.pdf") for s in made], wb.name, lang, job.day)
        write_index(staging, steps, wb.name, lang, job.day, failures)
        files = sorted(p for p in staging.iterdir() if p.is_file())
        write_manifest(staging / MANIFEST, source, steps, lang, pdf, parameters, files, started, failures)
        _publish(staging, out, lang)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return PackResult(out, tuple(made), out / INDEX, out / MANIFEST, tuple(out / p.name for p in files), lang,
                      failures)


# --------------------------------------------------------------------------------------------
# Index and manifest
# --------------------------------------------------------------------------------------------
FILE_ORDER = ("html", "pdf", "docx", "xlsx", "csv", "png", "ipynb")  # reports first, notebooks last


def file_label(name: str, step: str, lang: str) -> str:
    """What a file of a step holds, from its name ``<step>-<what>[-<n>].<ext>``: ``pack.file.<what>``
    (else ``pack.file.<ext>``), its number and, for documents, its format."""
    stem, _, suffix = name.rpartition(".")
    what = stem[len(step):].strip("-.") if stem.startswith(step) else stem
    number = re.search(r"-(\d+)$", what)
    what = re.sub(r"-\d+$", "", what) or suffix
    key = next((k for k in (f"pack.file.{what}", f"pack.file.{suffix}") if i18n.has(k)), None)
    if key is None:
        return name
    text = t(key, lang) + (f" {number.group(1)}" if number else "")
    return text if suffix in ("png", "ipynb") else f"{text} ({suffix.upper()})"


def _file_order(name: str) -> tuple:
    suffix = name.rpartition(".")[2].lower()
    return (FILE_ORDER.index(suffix) if suffix in FILE_ORDER else len(FILE_ORDER), name)


_INDEX_STYLE = """body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{font-size:1.6rem}table{border-collapse:collapse;width:100%;margin-bottom:1.5rem}
th,td{text-align:left;padding:.3rem .6rem;border-bottom:1px solid #ddd}th{background:#f3f3f3}
.ck-date{color:#555}code{font-size:.9em}.ck-failed{color:#a00;font-weight:bold}
pre{white-space:pre-wrap;background:#fff4f4;padding:.5rem}"""


def write_index(folder: Path, steps: list[str], cluster: str, lang: str, day: dt.date,
                failures: tuple[StepFailure, ...] = ()) -> Path:
    """The page that links every file of the pack, in the pack's language; a step that failed
    shows why instead of its report."""
    e = html.escape
    title = t("pack.index.title", lang, cluster=cluster)
    names = sorted(p.name for p in folder.iterdir() if p.is_file())
    parts = [f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n<title>{e(title)}</title>\n'
             f"<style>{_INDEX_STYLE}</style>\n</head>\n<body>\n<h1>{e(title)}</h1>\n"
             f'<p class="ck-date">{e(t("pack.index.date", lang, date=i18n.date(day, lang)))}</p>\n'
             f"<p>{e(t('pack.index.intro', lang))}</p>\n"]
    failed = {f.step: f.error for f in failures}
    for step in steps:
        own = [n for n in names if n == step or n.startswith(f"{step}.") or n.startswith(f"{step}-")]
        own.sort(key=_file_order)
        rows = "".join(f'<tr><td><a href="{e(quote(n))}">{e(file_label(n, step, lang))}</a></td>'
                       f"<td><code>{e(n)}</code></td></tr>\n" for n in own)
        parts.append(f"<h2>{e(t(f'step.{step}.title', lang))}</h2>\n")
        if step in failed:
            parts.append(f'<p class="ck-failed">{e(t("pack.index.failed", lang))}</p>\n'
                         f"<pre>{e(str(failed[step]))}</pre>\n")
        if own:
            parts.append(f"<table>\n<tr><th>{e(t('pack.index.content', lang))}"
                         f"</th><th>{e(t('pack.index.file', lang))}</th></tr>\n{rows}</table>\n")
    parts.append(f'<p><a href="{MANIFEST}">{e(t("pack.index.manifest", lang))}</a></p>\n</body>\n</html>\n')
    path = folder / INDEX
    path.write_text("".join(parts), encoding="utf-8")
    return path


def _versions() -> dict[str, str]:
    versions = {"clusterkit": __version__}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def write_manifest(path: Path, source: Path, steps: list[str], lang: str, pdf: bool,
                   parameters: dict[str, dict], files: list[Path], started: dt.datetime,
                   failures: tuple[StepFailure, ...] = ()) -> Path:
    """Everything needed to tell what made the pack: input, versions, parameters, outputs' hashes.

    Only ``created`` and ``seconds`` change between two packs of the same input.
    """
    import papermill

    templates = {}
    for step in steps:
        declared = papermill.inspect_notebook(str(template_path(step)))
        used = {name: json.loads(spec["default"]) for name, spec in declared.items()
                if name not in RESERVED_PARAMETERS}
        used.update(parameters.get(step, {}))
        templates[step] = {"file": f"{step}.ipynb", "sha256": file_hash(template_path(step)), "parameters": used}
    manifest = {
        "created": started.isoformat(timespec="seconds"),
        "seconds": round((dt.datetime.now(dt.timezone.utc) - started).total_seconds(), 1),
        "input": {"name": source.name, "sha256": input_hash(source)},
        "versions": _versions(),
        "parameters": {"lang": lang, "steps": steps, "pdf": pdf},
        "templates": templates,
        "outputs": [{"path": p.name, "bytes": p.stat().st_size, "sha256": file_hash(p)} for p in files],
        "failed": {f.step: {"error": type(f.error).__name__, "message": str(f.error)} for f in failures},
    }
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------------
# Batch
# --------------------------------------------------------------------------------------------
def workbooks_in(folder: Path) -> list[Path]:
    """The team workbooks of a folder: its ``.xlsx`` files and its sub-folders of CSV files."""
    found = []
    for path in sorted(Path(folder).iterdir()):
        if path.name.startswith((".", "~$")):
            continue  # hidden files and Excel's lock files
        if path.is_file() and path.suffix.lower() == ".xlsx":
            found.append(path)
        elif path.is_dir() and any(path.glob("*.csv")):
            found.append(path)
    return found


def _reason(error: BaseException, lines: int = 2) -> str:
    """The first lines of the clear message (already in the language of the command)."""
    return "\n".join(str(error).strip().splitlines()[:lines])


def batch(folder: str | Path, out_dir: str | Path, jobs: int = 1, lang: str | None = None,
          steps: list[str] | None = None, pdf: bool = False, timeout: int = DEFAULT_TIMEOUT,
          progress: bool = True) -> list[BatchRow]:
    """One pack per workbook of ``folder``, in ``out_dir/<workbook name>``, ``jobs`` at a time.

    A workbook that fails never stops the others: its row says why. Shows a progress bar on
    the standard error unless ``progress`` is False.
    """
    from tqdm import tqdm

    lang = user_lang(lang)  # else each pack speaks its workbook's language
    out = output_folder(out_dir, resolve_lang(lang))
    books = workbooks_in(Path(folder))
    if not books:
        return []
    targets, taken = {}, set()
    for path in books:
        name = base = safe_name(path.stem if path.is_file() else path.name)
        n = 2
        while name.lower() in taken:
            name, n = f"{base}-{n}", n + 1
        taken.add(name.lower())
        targets[path] = out / name

    def one(path: Path, kernel: Kernel) -> BatchRow:
        inline = _Inline(kernel)
        try:
            result = _pack(path.resolve(), targets[path], lang, steps, pdf, {}, timeout, inline)
        except ClusterkitError as error:
            return BatchRow(path, False, _reason(error), None, error.exit_code)
        except Exception as error:  # an unforeseen failure is this workbook's, not the batch's
            return BatchRow(path, False, f"{type(error).__name__}: {error}", None, 1)
        reason = "\n".join(f"{f.step}: {_reason(f.error, 1)}" for f in result.failures)
        return BatchRow(path, not result.failures, reason, result.folder, result.exit_code)

    with KernelPool(min(max(1, jobs), max(1, len(books)))) as pool:
        futures = [pool.submit(lambda k, p=p: one(p, k)) for p in books]
        desc = t("batch.progress", resolve_lang(lang))
        with tqdm(total=len(futures), disable=not progress, unit="wb", desc=desc) as bar:
            for _ in as_completed(futures):
                bar.update(1)
    return [f.result() for f in futures]


class _Inline:
    """One kernel standing for a pool: a batch worker runs its pack's steps one after another."""

    def __init__(self, kernel: Kernel):
        self.kernel = kernel

    def run_all(self, jobs: list[Callable]) -> list:
        return [job(self.kernel) for job in jobs]


def summary_table(rows: list[BatchRow], lang: str | None = None) -> str:
    """The batch's closing table: workbook, ok or failed, and the reason (plain text)."""
    lang = i18n.check_lang(lang)
    header = (t("batch.col.workbook", lang), t("batch.col.status", lang), t("batch.col.reason", lang))
    status = {(True, True): "batch.ok", (False, True): "batch.partial", (False, False): "batch.failed"}
    body = [(r.workbook.name, t(status[r.ok, r.folder is not None], lang), r.reason.replace("\n", " | "))
            for r in rows]
    widths = [max(len(x[i]) for x in [header, *body]) for i in range(2)]
    lines = [f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c}".rstrip() for a, b, c in [header, *body]]
    lines.insert(1, "-" * max(len(line) for line in lines))
    done = sum(r.ok for r in rows)
    lines.append(t("batch.total", lang, ok=done, failed=len(rows) - done))
    return "\n".join(lines)
