"""``clusterkit app``: the team's page in the browser, for teams that never open a terminal.

Voilà serves a one-cell notebook that builds :class:`App` (ipywidgets). Safety: the server binds
to 127.0.0.1 only; everything lives in one private temporary folder (mode 0700) removed when the
command stops; each browser session (one Voilà kernel) works in its own sub-folder, on copies of
what the team uploaded, so two sessions never mix and no file of the team's is ever modified;
uploads larger than the reader's limit are refused; every value shown is HTML-escaped. Files the
team downloads or opens (workbooks, reports, the pack's ZIP) are served by Voilà's file handler
from the session's ``out`` folder only: the page works offline.
"""

from __future__ import annotations

import atexit
import html
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import webbrowser
import zipfile
from pathlib import Path
from urllib.parse import quote

import nbformat
import pandas as pd

from . import i18n
from .errors import ClusterkitError, InputError
from .i18n import t
from .running.kernels import KernelPool
from .running.outputs import safe_name
from .running.pack import pack, steps_present
from .schema import ENUMS
from .workbook import SPREADSHEET_SUFFIXES, WorkbookError, max_bytes, read_workbook

NOTEBOOK = "app.ipynb"
OUT = "out"  # the only folder of a session that the server lets the browser fetch
WORKBOOK_SUFFIXES = (*SPREADSHEET_SUFFIXES, ".csv")
PROBLEM_COLUMNS = ("sheet", "row", "column", "value", "expected", "fix")
STARTUP_SECONDS = 120


# --------------------------------------------------------------------------------------------
# Uploads: copies, confined to the session's folder
# --------------------------------------------------------------------------------------------
def check_size(size: int, name: str, lang: str) -> None:
    if size > max_bytes():
        raise InputError(t("app.too_large", lang, file=name, limit=round(max_bytes() / 1024 / 1024)))


def keep_upload(folder: Path, name: str, data: bytes, lang: str, unpack: bool = True) -> Path:
    """Save an uploaded file under ``folder`` with a name that cannot leave it; with ``unpack``,
    a ZIP of CSV files becomes a folder of its CSV files (flattened: no member can land outside).
    A field export's ZIP is kept whole: the survey import reads it without extracting it."""
    check_size(len(data), name, lang)
    name = safe_name(Path(name.replace("\\", "/")).name, "upload")
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    if target.suffix.lower() != ".zip" or not unpack:
        target.write_bytes(data)
        return target
    archive_path = folder / f"{name}.upload"
    archive_path.write_bytes(data)
    unpacked = folder / safe_name(target.stem, "csv")
    unpacked.mkdir(exist_ok=True)
    try:
        with zipfile.ZipFile(archive_path) as archive:
            members = [m for m in archive.infolist() if not m.is_dir() and m.filename.lower().endswith(".csv")]
            check_size(sum(m.file_size for m in members), name, lang)
            for member in members:
                inside = unpacked / safe_name(Path(member.filename.replace("\\", "/")).name, "sheet.csv")
                inside.write_bytes(archive.read(member))
    except zipfile.BadZipFile:
        raise InputError(t("app.bad_zip", lang, file=name)) from None
    finally:
        archive_path.unlink()
    if not any(unpacked.iterdir()):
        raise InputError(t("app.zip_no_csv", lang, file=name))
    return unpacked


def problem_table(error: WorkbookError, lang: str) -> pd.DataFrame:
    """The workbook's problems, one row each, in ``lang``."""
    rows = [p.parts(lang) for p in error.problems]
    return pd.DataFrame(rows, columns=list(PROBLEM_COLUMNS)).astype({"row": "Int64"})


def table_html(frame: pd.DataFrame, lang: str) -> str:
    """A table with translated headers; every value escaped (a ``<script>`` stays text)."""
    e = html.escape
    head = "".join(f"<th>{e(t(f'app.col.{c}', lang))}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{e('' if pd.isna(v) else str(v))}</td>" for v in record) + "</tr>"
        for record in frame.itertuples(index=False)
    )
    return f'<table class="ck-problems"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def zip_folder(folder: Path, path: Path) -> Path:
    """The pack as one ZIP, its files under the pack's folder name."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                archive.write(file, f"{folder.name}/{file.relative_to(folder)}")
    return path


class StepWatch(KernelPool):
    """A kernel pool that tells, for each step of one pack, when it starts and when it ends
    (the pack submits one job per step, in the order of its steps)."""

    def __init__(self, size: int, steps: list[str], report):
        self._steps, self._report, self._next = list(steps), report, 0
        super().__init__(size)

    def submit(self, function):
        step = self._steps[self._next] if self._next < len(self._steps) else None
        self._next += 1

        def watched(kernel):
            self._report(step, "running")
            result = function(kernel)
            self._report(step, "done")
            return result

        return super().submit(watched)


# --------------------------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------------------------
_STYLE = """<style>
.ck-app{max-width:70rem;font-family:system-ui,sans-serif}.ck-app h2{font-size:1.2rem;margin:.4rem 0}
.ck-problems{border-collapse:collapse;font-size:.9rem;margin:.5rem 0}
.ck-problems th,.ck-problems td{border-bottom:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}
.ck-problems th{background:#f3f3f3}.ck-ok{color:#117a65}.ck-bad{color:#c0392b}
.ck-links a{display:inline-block;margin:.2rem .8rem .2rem 0;color:#1a5fb4;text-decoration:underline}
</style>"""


class App:
    """One browser session's page: its own folder, its own uploaded workbook."""

    def __init__(self, lang: str, root) -> None:
        self.lang = i18n.check_lang(lang)
        self.root = Path(root)
        self.session = Path(tempfile.mkdtemp(prefix="s-", dir=self.root))
        atexit.register(shutil.rmtree, self.session, True)
        (self.session / OUT).mkdir()
        self.workbook: Path | None = None  # the session's copy of the team's workbook
        self.read = None  # and what the reader made of it
        self.problems: pd.DataFrame | None = None
        self.build()

    # -- files -----------------------------------------------------------------------------
    def out_path(self, name: str) -> Path:
        return self.session / OUT / safe_name(name)

    def link(self, path: Path, label: str, download: bool = True) -> str:
        """A link the browser follows to a file of the session's ``out`` folder."""
        url = "voila/files/" + quote(path.relative_to(self.root).as_posix())
        extra = f' download="{html.escape(path.name)}"' if download else ' target="_blank" rel="noopener"'
        return f'<a href="{url}"{extra}>{html.escape(label)}</a>'

    def say(self, widget, key: str, css: str = "", **values) -> None:
        widget.value = f'<p class="{css}">{html.escape(t(key, self.lang, **values))}</p>'

    # -- layout ----------------------------------------------------------------------------
    def build(self) -> None:
        import ipywidgets as w

        T = self.t
        wide = w.Layout(width="auto")
        self.language = w.ToggleButtons(
            options=[("Français", "fr"), ("English", "en")], value=self.lang, description=T("app.language")
        )
        self.language.observe(self.switch_language, "value")
        # 1. blank workbook
        self.blank_button = w.Button(description=T("app.blank.button"), icon="download", layout=wide)
        self.example_button = w.Button(description=T("app.example.button"), icon="download", layout=wide)
        self.blank_links = w.HTML()
        self.blank_button.on_click(lambda _: self.write_blank(example=False))
        self.example_button.on_click(lambda _: self.write_blank(example=True))
        # 2. upload and check
        self.upload = w.FileUpload(
            accept=",".join((*WORKBOOK_SUFFIXES, ".zip")),
            multiple=False,
            description=T("app.upload.button"),
            layout=w.Layout(width="20rem"),
        )
        self.upload.observe(self.receive_workbook, "value")
        self.check_status = w.HTML()
        self.sort_by = w.Dropdown(
            options=[(T(f"app.col.{c}"), c) for c in PROBLEM_COLUMNS], value="sheet", description=T("app.sort")
        )
        self.sort_down = w.Checkbox(value=False, description=T("app.sort_down"))
        for control in (self.sort_by, self.sort_down):
            control.observe(lambda _: self.show_problems(), "value")
        self.problem_box = w.HTML()
        self.sorting = w.HBox([self.sort_by, self.sort_down], layout=w.Layout(display="none"))
        # 3. pack
        self.steps = w.SelectMultiple(
            options=[], rows=6, description=T("app.pack.steps"), layout=w.Layout(width="24rem")
        )
        self.report_lang = w.Dropdown(
            options=[("Français", "fr"), ("English", "en")],
            value=self.lang,
            description=T("app.pack.lang"),
            style={"description_width": "initial"},
        )
        self.pdf = w.Checkbox(value=False, description=T("app.pack.pdf"))
        self.pack_button = w.Button(
            description=T("app.pack.button"), icon="play", button_style="primary", disabled=True, layout=wide
        )
        self.pack_button.on_click(lambda _: self.make_pack())
        self.bars = w.VBox()
        self.pack_links = w.HTML()
        # 4. survey import, 5. indicator battery
        self.survey_upload = w.FileUpload(
            accept=".zip,.csv,.xlsx",
            multiple=False,
            description=T("app.survey.button"),
            disabled=True,
            layout=w.Layout(width="20rem"),
        )
        self.survey_upload.observe(self.import_survey, "value")
        self.survey_round = w.BoundedIntText(
            value=0,
            min=0,
            max=99,
            description=T("app.survey.round"),
            style={"description_width": "initial"},
            layout=w.Layout(width="12rem"),
        )
        self.survey_box = w.HTML()
        self.battery = w.Dropdown(
            options=[(t(f"enum.battery.{b}", self.lang), b) for b in ENUMS["battery"]],
            description=T("app.battery.label"),
        )
        self.battery_button = w.Button(description=T("app.battery.button"), icon="plus", disabled=True, layout=wide)
        self.battery_button.on_click(lambda _: self.add_indicators())
        self.battery_box = w.HTML()

        def section(key, *children):
            return w.VBox([w.HTML(f"<h2>{html.escape(T(key))}</h2>"), *children])

        self.page = w.VBox(
            [
                w.HTML(_STYLE + f"<h1>{html.escape(T('app.title'))}</h1><p>{html.escape(T('app.intro'))}</p>"),
                self.language,
                section("app.blank.title", w.HBox([self.blank_button, self.example_button]), self.blank_links),
                section("app.upload.title", self.upload, self.check_status, self.sorting, self.problem_box),
                section(
                    "app.pack.title",
                    w.HBox([self.steps, w.VBox([self.report_lang, self.pdf, self.pack_button])]),
                    self.bars,
                    self.pack_links,
                ),
                section(
                    "app.survey.title",
                    w.HTML(f"<p>{html.escape(T('app.survey.note'))}</p>"),
                    w.HBox([self.survey_round, self.survey_upload]),
                    self.survey_box,
                ),
                section("app.battery.title", w.HBox([self.battery, self.battery_button]), self.battery_box),
            ],
            layout=w.Layout(max_width="70rem"),
        )
        self.page.add_class("ck-app")
        self.refresh_workbook()

    def t(self, key: str, **values) -> str:
        return t(key, self.lang, **values)

    def show(self):
        import ipywidgets as w
        from IPython.display import display

        self.output = w.Output()
        with self.output:
            display(self.page)
        display(self.output)

    def switch_language(self, change) -> None:
        """Rebuild the page in the other language; the session's workbook stays."""
        from IPython.display import display

        self.lang = change["new"]
        self.build()
        self.output.clear_output()
        with self.output:
            display(self.page)

    # -- actions ---------------------------------------------------------------------------
    def write_blank(self, example: bool) -> None:
        from .examples import build_example
        from .workbook import new_workbook, write_workbook

        name = self.t("app.example.file" if example else "app.blank.file")
        path = self.out_path(name)
        if example:
            write_workbook(build_example(lang=self.lang), path, self.lang)
        else:
            new_workbook(path, self.lang)
        self.blank_links.value = f'<p class="ck-links">{self.link(path, name)}</p>'

    def receive_workbook(self, change) -> None:
        if not change["new"]:
            return
        item = change["new"][0]
        self.problems, self.workbook, self.read = None, None, None
        self.problem_box.value = ""
        self.sorting.layout.display = "none"
        try:
            copy = keep_upload(
                self.session / "in" / f"{time.monotonic_ns()}", item["name"], bytes(item["content"]), self.lang
            )
            wb = read_workbook(copy, lang=self.lang)
        except WorkbookError as error:
            self.problems = problem_table(error, self.lang)
            self.say(self.check_status, "app.upload.problems", "ck-bad", count=len(self.problems), file=item["name"])
            self.show_problems()
        except ClusterkitError as error:
            self.check_status.value = self.failure(error)
        else:
            self.workbook, self.read = copy, wb
            self.say(self.check_status, "app.upload.ok", "ck-ok", file=item["name"], cluster=wb.name)
        self.refresh_workbook()

    def show_problems(self) -> None:
        if self.problems is None:
            return
        self.sorting.layout.display = "flex"
        ordered = self.problems.sort_values(
            self.sort_by.value, ascending=not self.sort_down.value, kind="stable", na_position="first"
        )
        from .documents.xlsx import write_tables

        path = write_tables(
            {self.t("app.problems.sheet"): ordered.rename(columns=lambda c: self.t(f"app.col.{c}"))},
            self.out_path(self.t("app.problems.file")),
            self.lang,
        )
        self.problem_box.value = (
            table_html(ordered, self.lang)
            + f'<p class="ck-links">{self.link(path, self.t("app.problems.download"))}</p>'
        )

    def refresh_workbook(self) -> None:
        """Offer what the session's workbook allows (nothing before a valid upload)."""
        present = steps_present(self.read) if self.read is not None else []
        self.steps.options = [(t(f"step.{s}.title", self.lang), s) for s in present]
        self.steps.value = tuple(present)
        self.pack_button.disabled = not present
        for control in (self.survey_upload, self.battery_button):  # they edit a copy, valid or not yet
            control.disabled = self.workbook is None

    def make_pack(self) -> None:
        import ipywidgets as w

        steps = list(self.steps.value)
        if not steps:
            self.say(self.pack_links, "app.pack.no_steps", "ck-bad")
            return
        lang = self.report_lang.value
        bars = {
            s: w.IntProgress(
                value=0,
                max=2,
                description=t(f"step.{s}.title", lang),
                style={"description_width": "18rem"},
                layout=w.Layout(width="40rem"),
            )
            for s in steps
        }
        for bar in bars.values():
            bar.add_class("ck-step-bar")
        self.bars.children = list(bars.values())
        self.pack_links.value = ""
        self.pack_button.disabled = True

        def report(step, state):
            if step in bars:
                bars[step].value = 1 if state == "running" else 2
                bars[step].bar_style = "info" if state == "running" else "success"

        folder = self.session / OUT / f"pack-{time.monotonic_ns()}"
        try:
            with StepWatch(min(2, len(steps)), steps, report) as pool:
                result = pack(self.workbook, folder, lang=lang, steps=steps, pdf=self.pdf.value, pool=pool)
        except ClusterkitError as error:
            self.pack_links.value = self.failure(error)
            for bar in bars.values():  # the step that failed, and those that never ran
                if bar.value < bar.max:
                    bar.bar_style = "danger"
        else:
            archive = zip_folder(
                result.folder, self.out_path(self.t("app.pack.zip", cluster=safe_name(self.read.name, "cluster")))
            )
            reports = [
                self.link(result.folder / f"{s}.html", t(f"step.{s}.title", lang), download=False) for s in result.steps
            ]
            for failure in result.failures:  # the other steps' reports are complete and offered
                if failure.step in bars:
                    bars[failure.step].bar_style = "danger"
            failed = "".join(self.failure(failure.error) for failure in result.failures)
            self.pack_links.value = (
                f'<p class="ck-ok">{html.escape(self.t("app.pack.done", count=len(result.files)))}</p>'
                f'{failed}<p class="ck-links">{"".join(reports)}</p>'
                f'<p class="ck-links">{self.link(archive, self.t("app.pack.download"))}</p>'
            )
        finally:
            self.pack_button.disabled = False

    def updated_copy(self) -> Path:
        """A copy of the session's workbook, offered for download, that an edit works on."""
        if self.workbook.suffix.lower() != ".xlsx":
            raise InputError(self.t("app.needs_xlsx"))
        target = self.out_path(self.t("app.updated.file"))
        if target != self.workbook:  # a second edit goes on from the first
            shutil.copy2(self.workbook, target)
        return target

    def failure(self, error: ClusterkitError) -> str:
        text = error.format(self.lang) if isinstance(error, WorkbookError) else str(error)
        return f'<pre class="ck-bad">{html.escape(text)}</pre>'

    def show_edited(self, target: Path, box, summary: str) -> None:
        """Work on from the edited copy and offer it; reports wait until it reads without
        problems (new indicators, for instance, need their targets first)."""
        self.workbook = target
        try:
            self.read = read_workbook(target, lang=self.lang)
        except WorkbookError:
            self.read = None
        box.value = summary + f'<p class="ck-links">{self.link(target, self.t("app.updated.download"))}</p>'
        self.refresh_workbook()

    def import_survey(self, change) -> None:
        from .survey import import_export

        if not change["new"]:
            return
        item = change["new"][0]
        try:
            export = keep_upload(
                self.session / "in" / f"{time.monotonic_ns()}",
                item["name"],
                bytes(item["content"]),
                self.lang,
                unpack=False,
            )
            target = self.updated_copy()
            result = import_export(export, target, self.lang, self.survey_round.value or None)
        except ClusterkitError as error:
            self.survey_box.value = self.failure(error)
            return
        self.show_edited(target, self.survey_box, f"<pre>{html.escape(result.format(self.lang))}</pre>")

    def add_indicators(self) -> None:
        from .steps.monitoring import add_battery

        try:
            target = self.updated_copy()
            added, kept = add_battery(target, self.battery.value, self.lang)
        except ClusterkitError as error:
            self.battery_box.value = self.failure(error)
            return
        self.show_edited(
            target,
            self.battery_box,
            f"<p>{html.escape(self.t('app.battery.done', added=len(added), kept=len(kept)))}</p>",
        )


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------
def write_notebook(root: Path, lang: str) -> Path:
    """The one-cell notebook Voilà runs for each browser session."""
    cell = nbformat.v4.new_code_cell(f"from clusterkit.app import App\nApp({lang!r}, {str(root)!r}).show()")
    notebook = nbformat.v4.new_notebook(cells=[cell])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = root / NOTEBOOK
    nbformat.write(notebook, path)
    return path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def write_config(root: Path) -> Path:
    """Voilà's settings, read from ``voila.json`` in the folder it starts in."""
    config = {
        "Voila": {
            "ip": "127.0.0.1",
            "port_retries": 0,
            "log_level": "WARN",
            "open_browser": False,
            # an upload travels in one websocket message (tornado's default limit is 10 MB)
            "tornado_settings": {"websocket_max_message_size": max_bytes() + 1024 * 1024},
        },
        # only what a session wrote into its out folder can be fetched, never an upload
        "VoilaConfiguration": {"file_allowlist": [f"s-[^/]+/{OUT}/.*"], "show_tracebacks": False},
    }
    path = root / "voila.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    return path


def voila_command(notebook: Path, port: int) -> list[str]:
    return [sys.executable, "-m", "voila", str(notebook), f"--port={port}", f"--Voila.root_dir={notebook.parent}"]


def wait_for(port: int, process: subprocess.Popen, seconds: float = STARTUP_SECONDS) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            time.sleep(0.3)
    return False


def serve(lang: str = "fr", port: int = 0, open_browser: bool = True) -> int:
    """Start the app on 127.0.0.1, print its address, open it, and run until interrupted;
    the private folder and everything in it are removed at the end."""
    lang = i18n.check_lang(lang)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stopped by the system: clean up as for Ctrl+C
    root = Path(tempfile.mkdtemp(prefix="clusterkit-app-"))  # mode 0700: this user only
    os.chmod(root, 0o700)
    process = None
    try:
        port = port or free_port()
        write_config(root)
        process = subprocess.Popen(voila_command(write_notebook(root, lang), port), cwd=root)
        if not wait_for(port, process):
            print(t("app.failed", lang, port=port), file=sys.stderr)
            return 1
        url = f"http://127.0.0.1:{port}/"
        print(t("app.started", lang, url=url), flush=True)
        if open_browser:
            webbrowser.open(url)
        return process.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(root, ignore_errors=True)
