"""Shared fixtures: small workbooks built in the test, and the example data read once."""
from __future__ import annotations

import shutil
import subprocess
import sys
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


# --- the book, built once for the whole session (test_book.py and test_browser.py) ---------------
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def built_book(tmp_path_factory):
    """Both editions built into one site with warnings as errors, as `make book` does."""
    source = tmp_path_factory.mktemp("book")
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "book", source / "book", ignore=shutil.ignore_patterns("_generated", "_build"))
    site = source / "site"
    result = subprocess.run([sys.executable, "-m", "clusterkit.editions", "--root", str(source), "--out", str(site)],
                            capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return site


@pytest.fixture(scope="session")
def pool():
    """Two warm kernels lent to the packs of test_pack.py and test_security.py."""
    from clusterkit.running.kernels import KernelPool

    with KernelPool(2) as kernels:
        yield kernels
