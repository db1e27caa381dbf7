"""Shared fixtures: small workbooks built in the test, and the example data read once."""

from __future__ import annotations

import functools
import http.server
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import openpyxl
import pytest

from clusterkit.examples import build_example
from clusterkit.workbook import WorkbookError, example_path, read_workbook


@pytest.fixture
def make_xlsx(tmp_path):
    """Write ``{sheet title: rows}`` as an .xlsx file in tmp_path and return its path.

    Rows are lists of cell values, written from row 1; ``hidden`` names sheets to hide.
    """

    def make(sheets: dict[str, list[list]], name: str = "book.xlsx", hidden=()):
        book = openpyxl.Workbook()
        book.remove(book.active)
        for title, rows in sheets.items():
            ws = book.create_sheet(title)
            for row in rows:
                ws.append(row)
            if title in hidden:
                ws.sheet_state = "hidden"
        path = tmp_path / name
        book.save(path)
        return path

    return make


@pytest.fixture
def problems_of():
    """Read a workbook that must be rejected and return its list of problems."""

    def problems(path, **kwargs):
        with pytest.raises(WorkbookError) as caught:
            read_workbook(path, **kwargs)
        return caught.value.problems

    return problems


@pytest.fixture(scope="session")
def example_frames():
    """The canonical example frames (do not modify them in a test)."""
    return build_example()


@pytest.fixture(scope="session")
def example_workbook():
    """The packaged example workbook, read once (do not modify its frames in a test)."""
    return read_workbook(example_path())


# --- the book, built once for the whole session (test_book, test_browser, test_editions, test_accessibility)
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def built_book(tmp_path_factory):
    """Both editions built into one site with warnings as errors, as `make book` does."""
    source = tmp_path_factory.mktemp("book")
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "book", source / "book", ignore=shutil.ignore_patterns("_generated", "_build"))
    site = source / "site"
    result = subprocess.run(
        [sys.executable, "-m", "clusterkit.editions", "--root", str(source), "--out", str(site)],
        check=False,
        capture_output=True,
        text=True,
        timeout=3600,
    )  # with PDF and EPUB
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return site


# --- the built book served on localhost and opened in Chromium (test_browser.py, test_reading.py) --
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site(built_book):
    handler = functools.partial(QuietHandler, directory=str(built_book))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def pool():
    """Two warm kernels lent to the packs of test_pack.py and test_security.py."""
    from clusterkit.running.kernels import KernelPool

    with KernelPool(2) as kernels:
        yield kernels
