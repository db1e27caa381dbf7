"""Running templates: papermill execution, reports, tables, parameters and errors."""

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import openpyxl
import papermill
import pytest

import clusterkit
from clusterkit import cli
from clusterkit.errors import InputError
from clusterkit.running.templates import template_parameters, template_path
from clusterkit.schema import STEPS
from clusterkit.workbook import WorkbookError, example_path

BIN = Path(sys.executable).parent
TEMPLATES = sorted(p.stem for p in Path(template_path("diagnostic")).parent.glob("*.ipynb"))


@pytest.fixture(scope="module")
def diagnostic_fr(tmp_path_factory):
    return clusterkit.run("diagnostic", out_dir=tmp_path_factory.mktemp("fr"), lang="fr")


def test_templates_are_named_after_steps_and_declare_the_common_parameters():
    assert TEMPLATES and set(TEMPLATES) <= set(STEPS)
    for step in TEMPLATES:
        declared = template_parameters(step)
        assert {"workbook", "lang", "output_dir"} <= set(declared)
        assert declared["workbook"]["default"] == '""'  # the packaged example by default


def test_run_writes_notebook_html_tables_and_figures(diagnostic_fr):
    out = diagnostic_fr.html.parent
    written = {p.name for p in out.iterdir()}
    assert {
        "diagnostic-figure-1.png",
        "diagnostic-figure-2.png",
        "diagnostic-tables.xlsx",
        "diagnostic.html",
        "diagnostic.ipynb",
    } <= written
    assert not [n for n in written if n.startswith(".")]  # no scratch folder left behind
    assert {p.name for p in diagnostic_fr.figures} == {n for n in written if n.endswith(".png")}
    executed = nbformat.read(diagnostic_fr.notebook, as_version=4)
    assert executed.cells[0].source.startswith("# Étude diagnostique — Cluster du cuir")
    html = diagnostic_fr.html.read_text(encoding="utf-8")
    assert "Profil du cluster" in html and "Entreprises par rôle et par taille" in html
    assert "report.heading" not in html and "from clusterkit" not in html  # no code cells
    assert 'alt="Barres horizontales empilées' in html


def test_tables_workbook_has_one_tab_per_table_in_the_run_language(diagnostic_fr):
    book = openpyxl.load_workbook(diagnostic_fr.tables)
    assert {
        "Entreprises par rôle et taille",
        "Emploi par rôle",
        "Exportations par segment",
        "Strates des propriétaires",
    } <= set(book.sheetnames)
    employment = book["Emploi par rôle"]
    headers = [c.value for c in employment[1]]
    assert headers == ["Rôle", "Entreprises", "Effectif", "Dont femmes", "Part des femmes", "Effectif moyen"]
    total = [c.value for c in employment[employment.max_row]]
    assert total[0] == "Total"
    # full precision: the share is the exact ratio, not the rounded percentage shown in the report
    assert total[4] == pytest.approx(total[3] / total[2])
    assert total[4] != round(total[4], 2)


def test_run_in_english(tmp_path):
    result = clusterkit.run("diagnostic", out_dir=tmp_path, lang="en", parameters={"size_bounds": [5, 20, 100]})
    html = result.html.read_text(encoding="utf-8")
    assert "Cluster profile" in html and "Firms by role and size" in html
    assert "Profil du cluster" not in html
    assert "Firms by role and size" in openpyxl.load_workbook(result.tables).sheetnames
    executed = nbformat.read(result.notebook, as_version=4)
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert "size_bounds = [5, 20, 100]" in injected[0].source


def test_unknown_parameter_is_an_error_before_any_run(tmp_path):
    with pytest.raises(InputError, match="Paramètre inconnu pour l'étape diagnostic : colour"):
        clusterkit.run("diagnostic", out_dir=tmp_path, lang="fr", parameters={"colour": "red"})
    with pytest.raises(InputError, match="Unknown parameter for the step diagnostic: output_dir"):
        clusterkit.run("diagnostic", out_dir=tmp_path, lang="en", parameters={"output_dir": "/elsewhere"})
    assert list(tmp_path.iterdir()) == []


def test_parameters_must_be_json_values(tmp_path):
    with pytest.raises(InputError, match="must be a JSON value"):
        clusterkit.run("diagnostic", out_dir=tmp_path, lang="en", parameters={"size_bounds": Path("x")})


def test_unknown_step():
    with pytest.raises(InputError, match="Unknown step 'budget'"):
        template_path("budget")


def test_workbook_error_is_the_clear_message_with_exit_code_2(tmp_path, capsys):
    bad = tmp_path / "bad.xlsx"
    shutil.copy(example_path(), bad)
    book = openpyxl.load_workbook(bad)
    sheet = book["entreprises"]
    sheet["D3"] = "douze"  # employees of the second firm
    book.save(bad)
    digest = hashlib.sha256(bad.read_bytes()).hexdigest()
    out = tmp_path / "out"
    code = cli.main(["run", "diagnostic", "--workbook", str(bad), "--out", str(out), "--lang", "fr"])
    err = capsys.readouterr().err
    assert code == 2
    assert "bad.xlsx, feuille « entreprises », ligne 3, colonne « effectif » : valeur trouvée « douze »" in err
    assert "Traceback" not in err
    assert hashlib.sha256(bad.read_bytes()).hexdigest() == digest  # the input is untouched
    assert not out.exists() or list(out.iterdir()) == []  # nothing half-written


def test_missing_sheet_for_the_step(tmp_path):
    book = openpyxl.load_workbook(example_path())
    del book["entreprises"]
    path = tmp_path / "no-firms.xlsx"
    book.save(path)
    with pytest.raises(WorkbookError) as caught:
        clusterkit.run("diagnostic", path, tmp_path / "out", lang="en")
    assert [p.code for p in caught.value.problems] == ["sheet_missing"]
    assert "a sheet 'enterprises' (or 'entreprises'), needed by the step diagnostic" in str(caught.value)


def test_cli_works_from_any_folder(tmp_path):
    """The installed command finds its templates and example wherever it is run."""
    result = subprocess.run(
        [str(BIN / "clusterkit"), "run", "diagnostic", "--out", "reports", "--lang", "en"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "HTML report: reports/diagnostic.html" in result.stdout
    assert (tmp_path / "reports" / "diagnostic.html").exists()
    assert result.stderr == ""  # no kernel or papermill chatter


def test_plain_papermill_runs_a_template(tmp_path):
    output = tmp_path / "out.ipynb"
    papermill.execute_notebook(
        str(template_path("diagnostic")),
        str(output),
        kernel_name="python3",
        parameters={"workbook": str(example_path()), "lang": "en"},
        execution_timeout=300,
        progress_bar=False,
        cwd=str(tmp_path),
    )
    executed = nbformat.read(output, as_version=4)
    text = json.dumps([c.get("outputs", []) for c in executed.cells])
    assert "Cluster profile" in text


def test_parameter_strings_pass_through_papermill_unchanged(tmp_path):
    """Quotes, newlines and backslashes in a path reach the kernel as they are, and run nothing."""
    odd = tmp_path / 'we\'ird "dir" \\ x'
    odd.mkdir()
    path = odd / "ex.xlsx"
    shutil.copy(example_path(), path)
    result = clusterkit.run("diagnostic", path, tmp_path / "out", lang="en")
    executed = nbformat.read(result.notebook, as_version=4)
    injected = next(c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", []))
    namespace = {}
    exec(injected.source, namespace)  # the injected cell is plain assignments
    assert namespace["workbook"] == str(path)


def test_cli_parameter_values_are_json_or_text():
    assert cli.parse_parameter("size_bounds=[5, 20, 100]", "en") == ("size_bounds", [5, 20, 100])
    assert cli.parse_parameter("note=hello world", "en") == ("note", "hello world")
    assert cli.parse_parameter('note="quoted"', "en") == ("note", "quoted")
    with pytest.raises(InputError, match="write name=value"):
        cli.parse_parameter("novalue", "en")
