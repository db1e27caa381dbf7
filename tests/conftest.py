"""Shared fixtures: small workbooks built in the test, and the example data read once."""
from __future__ import annotations

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
