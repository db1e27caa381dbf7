"""What a pack leaves, the same on every run: reproducible files, the index that links them, the
manifest that records what made them, and the folder published in one rename.

Two packs of the same input hold byte-identical files, except the manifest's timestamps. The
executed notebooks carry no timings and stable cell ids; the zip-based files (XLSX, DOCX) get fixed
timestamps; the date shown is the pack's day (``SOURCE_DATE_EPOCH`` fixes it, as in reproducible
builds).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import os
import re
import shutil
import tempfile
import unicodedata
import zipfile
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from .. import __version__, i18n
from ..errors import InputError
from ..i18n import t
from .templates import RESERVED_PARAMETERS, template_path

if TYPE_CHECKING:
    from .pack import StepFailure

MANIFEST = "manifest.json"
INDEX = "index.html"
LIBRARIES = (
    "pandas",
    "numpy",
    "matplotlib",
    "openpyxl",
    "python-docx",
    "networkx",
    "nbformat",
    "nbclient",
    "nbconvert",
    "papermill",
    "ipykernel",
)


def pack_date() -> dt.date:
    """The day a pack shows: ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
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


def check_out(out: Path, lang: str) -> None:
    """The output folder is replaced only when it is missing, empty or a previous pack."""
    if out.exists() and not out.is_dir():
        raise InputError(t("out.is_file", lang, path=out))
    if out.exists() and any(out.iterdir()) and not (out / MANIFEST).is_file():
        raise InputError(t("pack.out_not_empty", lang, path=out))


def publish(staging: Path, out: Path, lang: str) -> None:
    check_out(out, lang)
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


FILE_ORDER = ("html", "pdf", "docx", "xlsx", "csv", "png", "ipynb")  # reports first, notebooks last


def file_label(name: str, step: str, lang: str) -> str:
    """What a file of a step holds, from its name ``<step>-<what>[-<n>].<ext>``: ``pack.file.<what>``
    (else ``pack.file.<ext>``), its number and, for documents, its format."""
    stem, _, suffix = name.rpartition(".")
    what = stem[len(step) :].strip("-.") if stem.startswith(step) else stem
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


def write_index(
    folder: Path, steps: list[str], cluster: str, lang: str, day: dt.date, failures: tuple[StepFailure, ...] = ()
) -> Path:
    """The page that links every file of the pack, in the pack's language; a step that failed
    shows why instead of its report."""
    e = html.escape
    title = t("pack.index.title", lang, cluster=cluster)
    names = sorted(p.name for p in folder.iterdir() if p.is_file())
    parts = [
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n<title>{e(title)}</title>\n'
        f"<style>{_INDEX_STYLE}</style>\n</head>\n<body>\n<h1>{e(title)}</h1>\n"
        f'<p class="ck-date">{e(t("pack.index.date", lang, date=i18n.date(day, lang)))}</p>\n'
        f"<p>{e(t('pack.index.intro', lang))}</p>\n"
    ]
    failed = {f.step: f.error for f in failures}
    for step in steps:
        own = [n for n in names if n == step or n.startswith(f"{step}.") or n.startswith(f"{step}-")]
        own.sort(key=_file_order)
        rows = "".join(
            f'<tr><td><a href="{e(quote(n))}">{e(file_label(n, step, lang))}</a></td>'
            f"<td><code>{e(n)}</code></td></tr>\n"
            for n in own
        )
        parts.append(f"<h2>{e(t(f'step.{step}.title', lang))}</h2>\n")
        if step in failed:
            parts.append(
                f'<p class="ck-failed">{e(t("pack.index.failed", lang))}</p>\n<pre>{e(str(failed[step]))}</pre>\n'
            )
        if own:
            parts.append(
                f"<table>\n<tr><th>{e(t('pack.index.content', lang))}"
                f"</th><th>{e(t('pack.index.file', lang))}</th></tr>\n{rows}</table>\n"
            )
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


def write_manifest(
    path: Path,
    source: Path,
    steps: list[str],
    lang: str,
    pdf: bool,
    parameters: dict[str, dict],
    files: list[Path],
    started: dt.datetime,
    failures: tuple[StepFailure, ...] = (),
) -> Path:
    """Everything needed to tell what made the pack: input, versions, parameters, outputs' hashes.

    Only ``created`` and ``seconds`` change between two packs of the same input.
    """
    import papermill

    templates = {}
    for step in steps:
        declared = papermill.inspect_notebook(str(template_path(step)))
        used = {name: json.loads(spec["default"]) for name, spec in declared.items() if name not in RESERVED_PARAMETERS}
        used.update(parameters.get(step, {}))
        templates[step] = {"file": f"{step}.ipynb", "sha256": file_hash(template_path(step)), "parameters": used}
    manifest = {
        "created": started.isoformat(timespec="seconds"),
        "seconds": round((dt.datetime.now(dt.UTC) - started).total_seconds(), 1),
        "input": {"name": source.name, "sha256": input_hash(source)},
        "versions": _versions(),
        "parameters": {"lang": lang, "steps": steps, "pdf": pdf},
        "templates": templates,
        "outputs": [{"path": p.name, "bytes": p.stat().st_size, "sha256": file_hash(p)} for p in files],
        "failed": {f.step: {"error": type(f.error).__name__, "message": str(f.error)} for f in failures},
    }
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
