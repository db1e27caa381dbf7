"""A fast start: the command's help and ``workbook check`` import only what they use, and the
package's names load on first use (the times are measured by bench/bench_start.py, not here)."""

import json
import subprocess
import sys

import pytest

import clusterkit
from clusterkit.workbook import example_path

HEAVY = ("pandas", "openpyxl", "matplotlib", "nbformat", "nbclient", "nbconvert", "papermill", "jsonschema", "IPython")


def loaded_after(code: str) -> list[str]:
    """The heavy packages a fresh process has imported after running ``code``."""
    script = f"import json, sys\n{code}\nprint(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_help_imports_none_of_the_heavy_packages():
    assert loaded_after("from clusterkit.cli import build_parser\nbuild_parser().format_help()") == []


def test_workbook_check_reads_the_workbook_without_the_running_machinery():
    code = f"from clusterkit.cli import main\nassert main(['workbook', 'check', {str(example_path())!r}]) == 0"
    assert loaded_after(code) == ["pandas"]  # the reader only: openpyxl is for the editor and the writer


def test_run_and_pack_start_their_kernels_before_the_heavy_imports():
    # the modules `clusterkit run` and `pack` import before the kernel pool starts
    assert loaded_after("import clusterkit.cli, clusterkit.running.run, clusterkit.running.pack") == []


@pytest.mark.parametrize(
    "name, module",
    [
        ("run", "clusterkit.running.run"),
        ("RunResult", "clusterkit.running.run"),
        ("pack", "clusterkit.running.pack"),
        ("read_workbook", "clusterkit.workbook.reader"),
        ("InputError", "clusterkit.errors"),
    ],
)
def test_the_package_names_load_on_first_use(name, module):
    assert getattr(clusterkit, name).__module__ == module
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        clusterkit.nothing  # noqa: B018 - the attribute access is the test
