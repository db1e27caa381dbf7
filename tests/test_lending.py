"""The workbook read once per run: a template takes the runner's reading of the same unchanged
file, once; anything else is read from the file."""

import os
import shutil

from clusterkit.workbook import borrow, example_path, lend, read_workbook


def test_a_template_takes_the_runner_s_reading_once_and_only_of_the_same_unchanged_file(tmp_path):
    path = tmp_path / "team.xlsx"
    shutil.copy(example_path(), path)
    wb = read_workbook(path)
    read_name = wb.cluster["name"]
    wb.cluster["name"] = "Lent"  # a mark the file does not hold
    lent = lend(wb, tmp_path)
    assert lent == tmp_path / ".workbook.pickle"

    borrow(lent)
    assert read_workbook(path).cluster["name"] == "Lent"
    assert read_workbook(path).cluster["name"] == read_name  # once only

    other = tmp_path / "other.xlsx"
    shutil.copy(example_path(), other)
    borrow(lent)
    assert read_workbook(other).cluster["name"] == read_name  # another file
    assert read_workbook(path).cluster["name"] == read_name  # the lent reading went with the first read

    borrow(lent)
    later = path.stat().st_mtime_ns + 1_000_000_000
    os.utime(path, ns=(later, later))  # the team saved the file meanwhile
    assert read_workbook(path).cluster["name"] == read_name


def test_each_borrower_gets_its_own_copy(tmp_path):
    wb = read_workbook(example_path())
    lent = lend(wb, tmp_path)
    borrow(lent)
    first = read_workbook(example_path())
    first.cluster["name"] = "changed by a template"
    borrow(lent)
    assert read_workbook(example_path()).cluster["name"] == wb.cluster["name"]


def test_a_folder_of_csv_files_is_never_lent(tmp_path):
    folder = tmp_path / "csv"
    folder.mkdir()
    wb = read_workbook(example_path())
    wb.source = folder  # a CSV folder's files can change while the folder's time stays
    assert lend(wb, tmp_path) is None and not (tmp_path / ".workbook.pickle").exists()


def test_a_kernel_lends_the_runner_s_reading_to_its_notebook(tmp_path):
    import nbformat

    from clusterkit.running.kernels import Kernel

    wb = read_workbook(example_path())
    wb.cluster["name"] = "Lent"
    lent = lend(wb, tmp_path)
    code = (
        f"from clusterkit.workbook import read_workbook\nprint(read_workbook({str(example_path())!r}).cluster['name'])"
    )
    kernel = Kernel()
    try:
        cells = [nbformat.v4.new_code_cell(code) for _ in range(2)]
        notebook = kernel.execute(nbformat.v4.new_notebook(cells=cells), tmp_path, 60, lent=lent)
        printed = [cell.outputs[0]["text"] for cell in notebook.cells]
    finally:
        kernel.shutdown()
    assert printed == ["Lent\n", f"{read_workbook(example_path()).cluster['name']}\n"]
