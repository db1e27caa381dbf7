"""The team's app (`clusterkit app`), driven as a team would drive it, in headless Chromium.

The server is started by the real command in a subprocess; screenshots are kept in
test-artifacts/app/ for a person to look at (and for the book's page on the app).
"""

import io
import os
import re
import shutil
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from clusterkit.app import keep_upload, problem_table, table_html
from clusterkit.errors import InputError
from clusterkit.examples import build_example
from clusterkit.i18n import t
from clusterkit.workbook import WorkbookError, read_workbook, write_workbook

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "app"
SCRIPT = "<script>alert('x')</script>"


# --------------------------------------------------------------------------------------------
# Uploads are confined and bounded (no server needed)
# --------------------------------------------------------------------------------------------
def test_an_uploaded_name_cannot_leave_the_session_folder(tmp_path):
    folder = tmp_path / "session" / "in"
    path = keep_upload(folder, "../../x.xlsx", b"data", "en")
    assert path.parent == folder and path.name == "x.xlsx"
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["x.xlsx"]
    assert keep_upload(folder, "..\\..\\y.csv", b"a", "en").parent == folder


def test_a_zip_member_outside_its_folder_lands_inside(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../../escaped.csv", "key,value\n")
        archive.writestr("/tmp/absolute.csv", "key,value\n")
        archive.writestr("notes.txt", "ignored")
    folder = tmp_path / "session" / "in"
    unpacked = keep_upload(folder, "team.zip", buffer.getvalue(), "fr")
    assert unpacked == folder / "team"
    assert sorted(p.name for p in unpacked.iterdir()) == ["absolute.csv", "escaped.csv"]
    assert [p for p in tmp_path.rglob("*") if p.is_file() and unpacked not in p.parents] == []
    assert not Path("/tmp/absolute.csv").exists()


def test_files_over_the_reader_limit_are_refused_in_the_users_language(tmp_path, monkeypatch):
    monkeypatch.setenv("CLUSTERKIT_MAX_MB", "0.001")  # about 1 KB
    with pytest.raises(InputError, match="big.xlsx dépasse la taille acceptée"):
        keep_upload(tmp_path, "big.xlsx", b"x" * 5000, "fr")
    with pytest.raises(InputError, match="is larger than accepted"):
        keep_upload(tmp_path, "big.xlsx", b"x" * 5000, "en")
    assert list(tmp_path.iterdir()) == []


def _workbook_with_problems(path: Path) -> Path:
    """The example with a script in a number cell and a text in a date cell."""
    write_workbook(build_example(), path, "en")
    book = openpyxl.load_workbook(path)
    firms = book["enterprises"]
    firms.cell(2, [c.value for c in firms[1]].index("employees") + 1, SCRIPT)
    firms.cell(5, [c.value for c in firms[1]].index("year_founded") + 1, "long ago")
    book.save(path)
    return path


def test_problem_values_are_shown_as_text(tmp_path):
    with pytest.raises(WorkbookError) as caught:
        read_workbook(_workbook_with_problems(tmp_path / "bad.xlsx"))
    table = problem_table(caught.value, "en")
    assert list(table.columns) == ["sheet", "row", "column", "value", "expected", "fix"]
    assert (table.loc[0, "sheet"], table.loc[0, "row"], table.loc[0, "column"]) == ("enterprises", 2, "employees")
    shown = table_html(table, "en")
    assert "<script>" not in shown and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in shown


# --------------------------------------------------------------------------------------------
# The app in the browser
# --------------------------------------------------------------------------------------------
needs_browser = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")


class Server:
    def __init__(self, lang: str, tmp: Path):
        self.tmp = tmp
        env = {**os.environ, "TMPDIR": str(tmp), "CLUSTERKIT_LANG": lang}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "clusterkit.cli", "app", "--no-browser", "--lang", lang],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        line = self.process.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert found, line
        self.url, self.port = found.group(0), int(found.group(1))

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)  # as Ctrl+C does
        return self.process.wait(timeout=30)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One app for the module, started in French; the English run switches the page's language."""
    tmp = tmp_path_factory.mktemp("app")
    running = Server("fr", tmp)
    yield running
    assert running.stop() == 0
    assert list(tmp.glob("clusterkit-app-*")) == [], "the private folder is removed at exit"


def _listening(port: int) -> list[str]:
    """Local addresses listening on ``port`` (from /proc/net/tcp and tcp6)."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.append(address)
    return found


TEXT = {
    "fr": {
        "title": "l'application de l'équipe",
        "blank": "Classeur vierge",
        "send": "Envoyer un classeur",
        "problems": "problèmes à corriger",
        "ok": "aucun problème",
        "make": "Produire les rapports",
        "download_problems": "Télécharger la liste des problèmes",
        "zip": "Télécharger tous les rapports",
        "report": "Profil de compétences de l'animateur",
        "sort": "Trier par",
        "row": "Ligne",
        "down": "ordre décroissant",
    },
    "en": {
        "title": "the team's app",
        "blank": "Blank workbook",
        "send": "Send a workbook",
        "problems": "problems to fix",
        "ok": "no problem",
        "make": "Produce the reports",
        "download_problems": "Download the list of problems",
        "zip": "Download all the reports",
        "report": "Facilitator competency profile",
        "sort": "Sort by",
        "row": "Row",
        "down": "descending",
    },
}


def _open(browser, url):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.goto(url, timeout=180_000, wait_until="domcontentloaded")
    page.wait_for_selector(".ck-app", timeout=120_000)
    return page


def _send(page, index: int, name: str, data: bytes):
    """Choose a file with the ``index``-th upload button, as a team does."""
    with page.expect_file_chooser() as chooser:
        page.locator(".widget-upload").nth(index).click()
    chooser.value.set_files({"name": name, "mimeType": "application/octet-stream", "buffer": data})


def _download(page, link, folder: Path) -> Path:
    """Click a download link and keep the file under the name the app gives it."""
    with page.expect_download() as download:
        link.click()
    path = folder / download.value.suggested_filename
    download.value.save_as(path)
    return path


def _shot(page, lang: str, name: str):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{lang}-{name}.png"), full_page=True)


@needs_browser
def test_the_app_listens_on_the_loopback_address_only(server):
    addresses = _listening(server.port)
    assert addresses, "the app listens"
    assert set(addresses) <= {"0100007F", "0000000000000000FFFF00000100007F"}  # 127.0.0.1, v4 or v4-mapped
    roots = list(server.tmp.glob("clusterkit-app-*"))
    assert len(roots) == 1 and roots[0].stat().st_mode & 0o777 == 0o700


@needs_browser
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_team_goes_through_the_app(server, browser, tmp_path, lang):
    text = TEXT[lang]
    page = _open(browser, server.url)
    if lang == "en":
        page.get_by_role("button", name="English").click()
    page.get_by_text(text["title"]).wait_for()
    _shot(page, lang, "1-home")

    # 1. the blank workbook
    page.get_by_role("button", name=text["blank"]).click()
    link = page.locator(".ck-links a").first
    link.wait_for()
    blank = _download(page, link, tmp_path)
    assert blank.name == t("app.blank.file", lang)
    sheets = openpyxl.load_workbook(blank, read_only=True)
    assert t("sheet.enterprises", lang) in sheets.sheetnames and t("sheet.measurements", lang) in sheets.sheetnames

    # 2. a workbook with problems, under a name that tries to leave the folder
    bad = _workbook_with_problems(tmp_path / "bad.xlsx").read_bytes()
    _send(page, 0, "../../x.xlsx", bad)
    page.get_by_text(text["problems"]).wait_for(timeout=180_000)
    table = page.locator("table.ck-problems")
    assert SCRIPT in table.inner_text(), "the script is shown as text"
    assert table.locator("script").count() == 0
    assert table.locator("tbody tr").count() == 2
    page.get_by_label(text["sort"]).select_option(label=text["row"])
    page.get_by_label(text["down"]).check()
    page.wait_for_function(
        "() => document.querySelector('table.ck-problems tbody tr td:nth-child(2)').textContent === '5'"
    )
    _shot(page, lang, "2-problems")
    listed = openpyxl.load_workbook(_download(page, page.get_by_text(text["download_problems"]), tmp_path)).active
    assert [c.value for c in listed[2]][:3] == ["enterprises", 5, "year_founded"]  # sorted as shown
    assert [c.value for c in listed[3]][3] == SCRIPT
    assert not (server.tmp.parent / "x.xlsx").exists() and not (server.tmp / "x.xlsx").exists()

    # 3. the example, one step, the pack
    example = tmp_path / "example.xlsx"
    write_workbook(build_example(), example, lang)
    _send(page, 0, "example.xlsx", example.read_bytes())
    page.get_by_text(text["ok"]).wait_for(timeout=180_000)
    page.locator("select[multiple]").select_option(label=text["report"])
    page.get_by_role("button", name=text["make"]).click()
    page.get_by_text(text["zip"]).wait_for(timeout=240_000)
    bars = page.locator(".ck-step-bar")
    assert bars.count() == 1 and text["report"][:24] in bars.first.inner_text()
    _shot(page, lang, "3-pack")
    with page.context.expect_page() as opened:
        page.locator(".ck-links a", has_text=text["report"]).click()
    report = opened.value
    report.wait_for_load_state()
    assert text["report"] in report.title() or text["report"] in report.inner_text("h1")
    _shot(report, lang, "4-report")
    report.close()
    with zipfile.ZipFile(_download(page, page.get_by_text(text["zip"]), tmp_path)) as archive:
        names = {Path(n).name for n in archive.namelist()}
    assert {"competency.html", "index.html", "manifest.json"} <= names
    page.context.close()


@needs_browser
def test_two_sessions_do_not_mix(server, browser, tmp_path):
    text = TEXT["fr"]
    first, second = _open(browser, server.url), _open(browser, server.url)
    bad = _workbook_with_problems(tmp_path / "bad.xlsx").read_bytes()
    example = tmp_path / "example.xlsx"
    write_workbook(build_example(), example, "fr")
    _send(first, 0, "team-a.xlsx", bad)  # both at once: neither waits for the other
    _send(second, 0, "team-b.xlsx", example.read_bytes())
    first.get_by_text(text["problems"]).wait_for(timeout=180_000)
    second.get_by_text(text["ok"]).wait_for(timeout=180_000)
    assert "team-a.xlsx" in first.inner_text("body") and "team-b.xlsx" not in first.inner_text("body")
    assert "team-b.xlsx" in second.inner_text("body") and second.locator("table.ck-problems").count() == 0
    root = next(server.tmp.glob("clusterkit-app-*"))
    sessions = [p for p in root.glob("s-*") if (p / "in").exists()]
    assert len(sessions) >= 2
    owners = {s: sorted(f.name for f in (s / "in").rglob("*.xlsx")) for s in sessions}
    assert ["team-a.xlsx"] in owners.values() and ["team-b.xlsx"] in owners.values()
    first.context.close()
    second.context.close()


def test_survey_import_and_battery_work_on_copies_the_team_downloads(tmp_path):
    """The page's own handlers, without a browser: the team's file is never touched."""
    from field_exports import Firm, odk_central_zip

    from clusterkit.app import App
    from clusterkit.workbook import example_path

    original = tmp_path / "team.xlsx"
    shutil.copy(example_path(), original)
    before = original.read_bytes()
    app = App("en", tmp_path)
    app.receive_workbook({"new": ({"name": "team.xlsx", "content": memoryview(before)},)})
    assert not app.pack_button.disabled and "no problem" in app.check_status.value
    export = tmp_path / "odk.zip"
    odk_central_zip(export, [Firm("k90", "E90", "Atelier <Nouveau>", "producer", 7, "2025-03-01T09:30:00+00:00")])
    app.survey_round.value = 3  # the example's relations already have two rounds
    app.import_survey({"new": ({"name": "odk.zip", "content": memoryview(export.read_bytes())},)})
    assert "Rows added: 2" in app.survey_box.value and "Atelier &lt;Nouveau&gt;" not in app.survey_box.value
    updated = app.session / "out" / "updated-workbook.xlsx"
    firms = read_workbook(updated)["enterprises"]
    assert firms.loc[firms["enterprise_id"] == "E90", "name"].tolist() == ["Atelier <Nouveau>"]
    assert 'download="updated-workbook.xlsx"' in app.survey_box.value
    app.battery.value = "governance"
    app.add_indicators()
    assert "12 indicators added, 3 already there" in app.battery_box.value
    assert app.pack_button.disabled, "the new indicators need their targets before any report"
    with pytest.raises(WorkbookError) as caught:
        read_workbook(updated, lang="en")
    assert len(caught.value.problems) == 2 * 12  # each new indicator: its target and its target date
    assert original.read_bytes() == before
