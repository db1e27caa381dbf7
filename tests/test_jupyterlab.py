"""The workshop exercises as a trainer sees them: in a real JupyterLab and as a Voilà page, in
Debian's Chromium, at laptop and projector widths, in French and in English.

Each notebook is run once per language (Run All), then looked at with the viewport at 1024, 1280
and 1920 px: no error output, every widget rendered, no answer row whose text overflows it, no
label cut with an ellipsis, no horizontal scroll inside an exercise, every solution still folded.
One control per exercise is then moved and its result must change. Screenshots go to
test-artifacts/jupyterlab/ for a person to look at.
"""

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else shutil.which("chromium")
ARTIFACTS = ROOT / "test-artifacts" / "jupyterlab"
EXERCISES = sorted(p.name for p in (ROOT / "exercises").glob("*.ipynb"))
WIDTHS = (1024, 1280, 1920)
LANG_LINE = 'lang = "fr"'
AS_ROOT = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []  # a container's root

if CHROMIUM is None:
    if os.environ.get("CI"):
        pytest.fail("CI must run the browser test: install Debian's chromium package", pytrace=False)
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def wait_for(url: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(url)


def exercise_copies(folder: Path) -> None:
    """The exercises in ``fr/`` as shipped and in ``en/`` with their language variable set to English."""
    for lang in ("fr", "en"):
        (folder / lang).mkdir(parents=True)
        for name in EXERCISES:
            notebook = json.loads((ROOT / "exercises" / name).read_text("utf-8"))
            first_code = next(c for c in notebook["cells"] if c["cell_type"] == "code")
            source = "".join(first_code["source"])
            assert LANG_LINE in source, f"{name}: the first code cell sets the exercise's language"
            first_code["source"] = source.replace(LANG_LINE, f'lang = "{lang}"')
            (folder / lang / name).write_text(json.dumps(notebook, ensure_ascii=False), "utf-8")


def server_env(home: Path) -> dict:
    """A server that writes its settings, runtime files and the practice workbook under ``home``."""
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "TMPDIR": str(home / "tmp"),
        "HOME": str(home),
    }
    (home / "tmp").mkdir(parents=True, exist_ok=True)
    return env


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on 127.0.0.1 with a token, on a copy of the exercises; its URL and token."""
    home = tmp_path_factory.mktemp("lab")
    exercise_copies(home / "notebooks")
    settings = home / "settings"
    for plugin, values in {
        "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
        "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
    }.items():
        path = settings / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    port, token = free_port(), secrets.token_hex(16)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--ServerApp.open_browser=False",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={home / 'notebooks'}",
            f"--LabApp.user_settings_dir={settings}",
            f"--LabApp.workspaces_dir={home / 'workspaces'}",
            *AS_ROOT,
        ],
        env=server_env(home),
        stdout=subprocess.DEVNULL,
        stderr=(home / "server.log").open("w"),
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for(f"{url}/api/status?token={token}")
        yield url, token
    finally:
        server.terminate()
        server.wait(30)


# -- what the page must show ------------------------------------------------------------------------
LAYOUT_PROBLEMS = """(root) => {
  const visible = (e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const name = (e) => (e.innerText || e.value || e.className || e.tagName).toString().trim().slice(0, 70);
  const problems = [];
  for (const box of root.querySelectorAll('.ck-exercise')) {
    if (!visible(box)) continue;
    if (box.scrollWidth > box.clientWidth + 1) problems.push(`exercise wider than its cell: ${box.scrollWidth} > ${box.clientWidth}`);
    for (const e of box.querySelectorAll('*')) {
      if (!visible(e)) continue;
      const style = getComputedStyle(e);
      if (style.textOverflow === 'ellipsis' && e.scrollWidth > e.clientWidth + 1) problems.push(`cut label: ${name(e)}`);
      if (['auto', 'scroll'].includes(style.overflowX) && e.scrollWidth > e.clientWidth + 1)
        problems.push(`horizontal scroll: ${name(e)}`);
    }
    for (const e of box.querySelectorAll('.widget-radio-box label')) {
      if (visible(e) && e.scrollHeight > e.clientHeight + 1) problems.push(`answer row overflows: ${name(e)}`);
    }
    for (const img of box.querySelectorAll('img')) {
      if (!visible(img) || !img.naturalWidth) continue;
      const r = img.getBoundingClientRect();
      const ratio = (r.width / r.height) / (img.naturalWidth / img.naturalHeight);
      if (Math.abs(ratio - 1) > 0.02) problems.push(`chart out of ratio: ${img.naturalWidth}x${img.naturalHeight} shown ${Math.round(r.width)}x${Math.round(r.height)}`);
      if (r.right > box.getBoundingClientRect().right + 1) problems.push('chart wider than the exercise');
    }
  }
  for (const area of root.querySelectorAll('.jp-OutputArea-output')) {
    if (visible(area) && area.scrollWidth > area.clientWidth + 1) problems.push(`output wider than its cell: ${name(area)}`);
  }
  return problems;
}"""

OPEN_SOLUTIONS = """(root) => {
  const visible = (e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const open = [];
  for (const d of root.querySelectorAll('details')) if (d.open) open.push('details: ' + d.innerText.slice(0, 60));
  for (const s of root.querySelectorAll('.ck-solution')) {
    for (const c of s.querySelectorAll('.jupyter-widget-Collapse-contents')) if (visible(c)) open.push('solution panel open');
  }
  return open;
}"""

ERRORS = """(root) => Array.from(root.querySelectorAll(
  '[data-mime-type="application/vnd.jupyter.stderr"], .jp-OutputArea-output.jp-mod-error')).map(e => e.innerText.slice(0, 300))
  .concat(Array.from(root.querySelectorAll('.jp-OutputArea-output')).map(e => e.innerText)
    .filter(t => /Error displaying widget|model not found|Traceback/.test(t)).map(t => t.slice(0, 300)))"""


def check(page, label: str, where: str = ".jp-Notebook"):
    """Fail on an error output, a layout problem or an unfolded solution; screenshot the page."""
    root = page.locator(where).first
    assert root.evaluate(ERRORS) == [], f"{label}: error output"
    assert root.evaluate(LAYOUT_PROBLEMS) == [], label
    assert root.evaluate(OPEN_SOLUTIONS) == [], f"{label}: a solution shows"


def shoot(page, label: str) -> None:
    """The exercise's first screen and its results, as the trainer scrolls to them."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.locator(".ck-exercise").first.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.screenshot(path=str(ARTIFACTS / f"{label}.png"))
    page.locator(".ck-exercise > *").last.evaluate("e => e.scrollIntoView({block: 'end'})")
    page.screenshot(path=str(ARTIFACTS / f"{label}-results.png"))


# -- one control per exercise --------------------------------------------------------------------
def exercise(page):
    """The exercise's own box: the output of the notebook's first code cell."""
    return page.locator(".jp-Notebook .jp-CodeCell").first.locator(".ck-exercise")


def _select_second(page, selector=".widget-dropdown"):
    exercise(page).locator(f"{selector} select").first.select_option(index=1)


def _press_slider(page):
    handle = exercise(page).locator(".widget-slider .noUi-handle").first
    handle.focus()
    handle.press("ArrowLeft")


def _type_date(page, text):
    field = exercise(page).locator(".widget-text input").last
    field.fill(text)
    field.press("Enter")


def _swot(page):
    _select_second(page)
    exercise(page).locator(".jupyter-button").last.click()


def sections(page):
    """The headers of the self-assessment's sections (an accordion opens one at a time)."""
    return exercise(page).locator(".jupyter-widget-Collapse-header").all()


def _competency(page):
    sections(page)[0].click()
    name = exercise(page).locator(".widget-text input").first
    name.fill("Test")
    name.press("Tab")
    exercise(page).locator(".widget-radio-box input").first.check()
    exercise(page).locator(".jupyter-button").last.click()


MOVES = {  # exercise -> (how to move one control, the part of the exercise whose text must change)
    "selection_weights.ipynb": (_select_second, "table"),
    "diagnostic_swot_sorting.ipynb": (_swot, ".widget-vbox"),
    "plan_prioritisation.ipynb": (_press_slider, "table"),
    "monitoring_targets.ipynb": (
        lambda page: _type_date(page, "31/12/2030" if "/fr/" in page.url else "2030-12-31"),
        "table",
    ),
    "competency_self_assessment.ipynb": (_competency, ".widget-html"),
    "implementation_joint_action.ipynb": (_select_second, "p"),
}
RESULT_TEXT = """(part) => Array.from(document.querySelector('.jp-Notebook .jp-CodeCell .ck-exercise').querySelectorAll(part))
  .map(e => e.innerText).join(' | ')"""


def run_all(page, url, token, lang, name):
    page.goto(f"{url}/lab/tree/{lang}/{name}?token={token}&reset")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60000)
    page.wait_for_function(
        "() => /[|] Idle/.test(document.querySelector('#jp-main-statusbar')?.innerText || '')", timeout=120000
    )  # the kernel has started
    page.keyboard.press("Escape")  # command mode: the notebook's commands are enabled
    page.locator('.lm-MenuBar-itemLabel:text-is("Run")').click()
    page.locator('.lm-Menu-item[data-command="runmenu:run-all"]').click()
    code_cells = page.locator(".jp-Notebook .jp-CodeCell").count()
    deadline = time.monotonic() + 300  # a shared machine can be slow
    while True:
        prompts = page.eval_on_selector_all(
            ".jp-Notebook .jp-CodeCell .jp-InputArea-prompt", "ps => ps.map(p => p.innerText)"
        )
        if len(prompts) == code_cells and all(p.strip().strip(":").strip("[]").isdigit() for p in prompts):
            break
        assert time.monotonic() < deadline, f"{name}: cells still running or not run: {prompts}"
        page.wait_for_timeout(1000)
    page.wait_for_function("() => document.querySelectorAll('.ck-exercise').length > 0", timeout=60000)
    page.wait_for_timeout(1500)  # the last widget views attach


def shut_down_kernels(url, token):
    with urllib.request.urlopen(f"{url}/api/kernels?token={token}") as response:
        kernels = json.load(response)
    for kernel in kernels:
        request = urllib.request.Request(f"{url}/api/kernels/{kernel['id']}?token={token}", method="DELETE")
        urllib.request.urlopen(request).close()


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("name", EXERCISES)
def test_exercise_in_jupyterlab_at_three_widths(browser, lab, name, lang):
    url, token = lab
    page = browser.new_page(viewport={"width": WIDTHS[0], "height": 900}, locale="en-US")
    try:
        run_all(page, url, token, lang, name)
        assert exercise(page).count() == 1, "the exercise's widget is rendered in its cell"
        solutions = page.locator(".ck-solution")
        assert solutions.count() >= 1 and page.locator(".jp-Notebook details").count() >= 1
        stem = name.removesuffix(".ipynb")
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.wait_for_timeout(400)
            check(page, f"{stem} {lang} {width} px")
            for number, header in enumerate(sections(page)):  # the form's sections, opened one at a time
                header.click()
                page.wait_for_timeout(300)
                check(page, f"{stem} {lang} {width} px, section {number + 1}")
            shoot(page, f"{stem}-{lang}-{width}")
        move, part = MOVES[name]
        before = page.evaluate(RESULT_TEXT, part)
        move(page)
        page.wait_for_function(f"(args) => ({RESULT_TEXT})(args[0]) !== args[1]", arg=[part, before], timeout=60000)
        check(page, f"{stem} {lang} after a change")
    finally:
        page.close()
        shut_down_kernels(url, token)


# -- Voilà ------------------------------------------------------------------------------------------
def test_an_exercise_renders_as_a_voila_page(browser, tmp_path):
    exercise_copies(tmp_path / "notebooks")
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "voila",
            "--no-browser",
            "--Voila.ip=127.0.0.1",
            f"--port={port}",
            str(tmp_path / "notebooks" / "fr" / "implementation_joint_action.ipynb"),
        ],
        env=server_env(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "voila.log").open("w"),
    )
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="en-US")
    try:
        deadline = time.monotonic() + 90  # listening: a GET of the page would run the notebook once more
        while not listening(port):
            assert time.monotonic() < deadline, "Voilà did not start"
            time.sleep(0.5)
        page.goto(f"http://127.0.0.1:{port}/", wait_until="commit", timeout=120000)  # Voilà renders progressively
        page.wait_for_selector(".ck-exercise .widget-slider", timeout=180000)
        page.wait_for_function("() => document.querySelectorAll('.ck-solution').length >= 3", timeout=180000)
        shown = page.inner_text("body")
        assert "joint_action_widget(" not in shown and "degressive_schedule(" not in shown, "the code is hidden"
        assert "Au 31 mars 2027, situation de l'action : démarrage en retard." in page.inner_text(".ck-exercise")
        check(page, "voilà", "body")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "voila-implementation_joint_action-fr-1280.png"))
    finally:
        page.close()
        server.terminate()
        server.wait(30)
