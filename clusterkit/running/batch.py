"""A batch: one pack per team workbook of a folder, each in its own folder, ``jobs`` at a time; a
workbook that fails never stops the others."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import as_completed
from dataclasses import dataclass
from pathlib import Path

from .. import i18n
from ..errors import ClusterkitError
from ..i18n import t
from ..workbook import SPREADSHEET_SUFFIXES
from .edge import output_folder, workbooks_folder
from .kernels import Kernel, KernelPool
from .language import resolve_lang, user_lang
from .outputs import safe_name
from .pack import make_pack
from .templates import DEFAULT_TIMEOUT


@dataclass(frozen=True)
class BatchRow:
    workbook: Path
    ok: bool
    reason: str  # the first lines of the clear message when the pack failed, or the failed steps
    folder: Path | None
    exit_code: int = 0


def workbooks_in(folder: Path) -> list[Path]:
    """The team workbooks of a folder: its spreadsheet files (.xlsx, .xlsm, .xls, .ods) and its
    sub-folders of CSV files."""
    found = []
    for path in sorted(Path(folder).iterdir()):
        if path.name.startswith((".", "~$")):
            continue  # hidden files and Excel's lock files
        if path.is_file() and path.suffix.lower() in SPREADSHEET_SUFFIXES:
            found.append(path)
        elif path.is_dir() and any(path.glob("*.csv")):
            found.append(path)
    return found


def _reason(error: BaseException, lines: int = 2) -> str:
    """The first lines of the clear message (already in the language of the command)."""
    return "\n".join(str(error).strip().splitlines()[:lines])


def batch(
    folder: str | Path,
    out_dir: str | Path,
    jobs: int = 1,
    lang: str | None = None,
    steps: list[str] | None = None,
    pdf: bool = False,
    timeout: int = DEFAULT_TIMEOUT,
    progress: bool = True,
) -> list[BatchRow]:
    """One pack per workbook of ``folder``, in ``out_dir/<workbook name>``, ``jobs`` at a time.

    A workbook that fails never stops the others: its row says why. Shows a progress bar on
    the standard error unless ``progress`` is False.
    """
    from tqdm import tqdm

    lang = user_lang(lang)  # else each pack speaks its workbook's language
    workbooks_folder(folder, resolve_lang(lang))
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
            result = make_pack(path.resolve(), targets[path], lang, steps, pdf, {}, timeout, inline)
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

    def run_all(self, jobs: list[Callable], meanwhile: Callable[[], object] | None = None) -> list:
        if meanwhile is not None:
            meanwhile()
        return [job(self.kernel) for job in jobs]


def summary_table(rows: list[BatchRow], lang: str | None = None) -> str:
    """The batch's closing table: workbook, ok or failed, and the reason (plain text)."""
    lang = i18n.check_lang(lang)
    header = (t("batch.col.workbook", lang), t("batch.col.status", lang), t("batch.col.reason", lang))
    status = {(True, True): "batch.ok", (False, True): "batch.partial", (False, False): "batch.failed"}
    body = [(r.workbook.name, t(status[r.ok, r.folder is not None], lang), r.reason.replace("\n", " | ")) for r in rows]
    widths = [max(len(x[i]) for x in [header, *body]) for i in range(2)]
    lines = [f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c}".rstrip() for a, b, c in [header, *body]]
    lines.insert(1, "-" * max(len(line) for line in lines))
    done = sum(r.ok for r in rows)
    lines.append(t("batch.total", lang, ok=done, failed=len(rows) - done))
    return "\n".join(lines)
