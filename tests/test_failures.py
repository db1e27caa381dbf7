"""What a user sees when something goes wrong: one error family, the failing cell named, the
executed notebook kept, a pack that keeps the reports that were made, output paths checked,
workbooks never overwritten by surprise, one language per command, a clean Ctrl-C."""

import functools
import hashlib
import json
import os
from pathlib import Path

import nbformat
import openpyxl
import pytest

import clusterkit
from clusterkit import cli
from clusterkit.errors import ClusterkitError, ExecutionError, InputError, StepInputError
from clusterkit.running import pack as packing
from clusterkit.running.batch import BatchRow, summary_table
from clusterkit.running.pack import PackResult, StepFailure, StepJob, pack
from clusterkit.workbook import example_path

NOBODY = {"person": "Nobody at all"}  # a person the competencies sheet does not hold: an input error
FAILING_CELL = "# Tally the scores by register\nscores = {}\nscores['indicator_id']"


def break_competency(monkeypatch, folder: Path) -> int:
    """Serve the competency template with a failing cell after its first code cells, as a bug would
    be; return the failing cell's number."""
    original = packing.template_path
    notebook = nbformat.read(original("competency"), as_version=4)
    position = [i for i, c in enumerate(notebook.cells) if c.cell_type == "code"][2] + 1
    notebook.cells.insert(position, nbformat.v4.new_code_cell(FAILING_CELL))
    path = folder / "competency.ipynb"
    nbformat.write(notebook, path)
    monkeypatch.setattr(packing, "template_path", lambda step: path if step == "competency" else original(step))
    return position + 1


@pytest.fixture
def broken_competency(monkeypatch, tmp_path_factory):
    return break_competency(monkeypatch, tmp_path_factory.mktemp("templates"))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def error_outputs(path: Path) -> list[dict]:
    notebook = nbformat.read(path, as_version=4)
    return [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]


def english_workbook(path: Path, keep=None) -> Path:
    """The example with ``language`` set to English (and only the sheets in ``keep``, if given)."""
    book = openpyxl.load_workbook(example_path())
    for title in book.sheetnames:
        if keep is not None and title not in keep:
            del book[title]
    for row in book["cluster"].iter_rows():
        if row[0].value == "langue":
            row[1].value = "anglais"
    book.save(path)
    return path


@pytest.fixture
def no_lang_variable(monkeypatch):
    monkeypatch.delenv("CLUSTERKIT_LANG", raising=False)


# --- a template that fails ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "lang, message",
    [
        ("en", "Running the template competency failed at cell {cell} (Tally the scores by register): "),
        ("fr", "L'exécution du modèle competency a échoué à la cellule {cell} (Tally the scores by register) : "),
    ],
)
def test_a_failed_run_names_step_cell_and_error_and_keeps_the_notebook(
    tmp_path, capsys, lang, message, broken_competency
):
    out = tmp_path / "out"
    code = cli.main(["run", "competency", "--out", str(out), "--lang", lang])
    err = capsys.readouterr().err
    assert code == 3
    kept = nbformat.read(out / "competency.failed.ipynb", as_version=4)
    cell = next(i for i, c in enumerate(kept.cells) if c.source == FAILING_CELL) + 1  # as the reader counts
    assert err.startswith(message.format(cell=cell) + "KeyError: 'indicator_id'")
    assert "Traceback" not in err
    assert str(out / "competency.failed.ipynb") in err
    assert sorted(p.name for p in out.iterdir()) == ["competency.failed.ipynb"]  # no report, no scratch folder
    errors = error_outputs(out / "competency.failed.ipynb")
    assert [e["ename"] for e in errors] == ["KeyError"] and "indicator_id" in errors[0]["evalue"]


@pytest.mark.parametrize(
    "lang, message",
    [
        ("en", "No person 'Nobody at all' in the competencies sheet"),
        ("fr", "Personne « Nobody at all » introuvable dans la feuille des compétences"),
    ],
)
def test_an_input_error_inside_a_template_is_its_message_with_exit_2(tmp_path, capsys, lang, message):
    out = tmp_path / "out"
    code = cli.main(["run", "competency", "--out", str(out), "--lang", lang, "-p", 'person="Nobody at all"'])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith(message) and "Traceback" not in err
    assert not out.exists() or list(out.iterdir()) == []  # nothing to debug, nothing written


def test_a_later_good_run_removes_the_old_failed_notebook(tmp_path, monkeypatch, broken_competency):
    with pytest.raises(ExecutionError) as caught:
        clusterkit.run("competency", out_dir=tmp_path, lang="en")
    assert caught.value.exit_code == 3 and (tmp_path / "competency.failed.ipynb").exists()
    monkeypatch.undo()
    result = clusterkit.run("competency", out_dir=tmp_path, lang="en")
    assert result.html.exists() and not (tmp_path / "competency.failed.ipynb").exists()


def _execute(pool, tmp_path: Path, cells: list):
    """Run ``cells`` (sources; "## ..." ones as Markdown) on a warm kernel; return the notebook, the
    failure :func:`clusterkit.running.pack.execute_step` would report for it, and the staging folder."""
    tmp_path.mkdir(exist_ok=True)
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell(c) if c.startswith("##") else nbformat.v4.new_code_cell(c) for c in cells]
    )
    staging = tmp_path / "staging"
    staging.mkdir()
    job = StepJob(example_path(), staging, tmp_path / "reports", "en", "Test", None, 60)

    def attempt(kernel):
        try:
            kernel.execute(notebook, tmp_path, 60)
        except Exception as error:  # what execute_step catches
            return packing.step_failure(notebook, job, "plan", error)

    return notebook, pool.run_all([attempt])[0], staging


def test_the_failing_cell_is_named_by_its_comment_or_the_heading_above_it(pool, tmp_path):
    _, error, staging = _execute(
        pool, tmp_path, ["x = 1", "## Budget by year", "years = {}\nyears['indicator_id']", "y = 2"]
    )
    assert isinstance(error, ExecutionError)
    assert (
        str(error).splitlines()[0]
        == "Running the template plan failed at cell 3 (Budget by year): KeyError: 'indicator_id'"
    )
    assert str(tmp_path / "reports" / "plan.failed.ipynb") in str(error)
    assert error_outputs(staging / "plan.failed.ipynb")[0]["ename"] == "KeyError"

    _, error, _ = _execute(pool, tmp_path / "b", ["# Count the firms by role\ncounts = {}\ncounts['firms']"])
    assert "cell 1 (Count the firms by role): KeyError: 'firms'" in str(error)


def test_a_step_input_error_from_a_template_is_its_plain_message_without_notebook(pool, tmp_path):
    _, error, staging = _execute(
        pool,
        tmp_path,
        [
            "from clusterkit.errors import StepInputError\n"
            "raise StepInputError('The sheet vision is empty: fill in at least one row.')"
        ],
    )
    assert type(error) is StepInputError and error.exit_code == 2
    assert str(error) == "The sheet vision is empty: fill in at least one row."
    assert list(staging.iterdir()) == []  # input problems need no notebook


# --- a pack keeps what succeeded ----------------------------------------------------------------
@pytest.fixture(scope="module")
def pack_with_a_failure(tmp_path_factory, pool):
    out = tmp_path_factory.mktemp("failing") / "reports"
    with pytest.MonkeyPatch.context() as monkeypatch:
        break_competency(monkeypatch, tmp_path_factory.mktemp("templates"))
        return pack(out_dir=out, lang="en", pool=pool)


def test_a_pack_with_one_failed_step_holds_the_five_other_reports(pack_with_a_failure):
    result = pack_with_a_failure
    names = {p.name for p in result.folder.iterdir()}
    assert result.steps == ("selection", "diagnostic", "plan", "implementation", "monitoring")
    for step in result.steps:
        assert f"{step}.html" in names and f"{step}.ipynb" in names
    assert "competency.html" not in names and "competency.failed.ipynb" in names
    assert result.exit_code == 3 and [f.step for f in result.failures] == ["competency"]
    page = result.index.read_text(encoding="utf-8")
    section = page[page.index("<h2>Facilitator competency profile") :]
    assert "This step failed; the other reports are complete." in section
    assert "Running the template competency failed at cell " in section and "KeyError" in section
    assert 'href="competency.failed.ipynb"' in section and "Executed notebook, failed" in section
    manifest = json.loads(result.manifest.read_text(encoding="utf-8"))
    assert manifest["failed"]["competency"]["error"] == "ExecutionError"
    assert "KeyError: 'indicator_id'" in manifest["failed"]["competency"]["message"]
    assert {o["path"] for o in manifest["outputs"]} == names - {"manifest.json"}


def test_the_pack_command_exits_3_and_says_which_step_failed(tmp_path, capsys, monkeypatch, pool, broken_competency):
    monkeypatch.setattr(packing, "pack", functools.partial(pack, pool=pool))
    source = english_workbook(tmp_path / "team.xlsx", keep=("cluster", "compétences", "entreprises"))
    code = cli.main(["pack", "--workbook", str(source), "--out", str(tmp_path / "reports")])
    out, err = capsys.readouterr()
    assert code == 3
    assert out.startswith("Report pack written: steps diagnostic, ")  # English: the workbook's language
    assert err.startswith("Steps without a report: competency.\nRunning the template competency failed at cell")
    assert (tmp_path / "reports" / "diagnostic.html").exists()


def test_exit_code_of_a_pack_is_3_for_a_template_failure_else_2_for_input():
    def result(*errors):
        return PackResult(
            Path("p"), (), Path("i"), Path("m"), (), "en", tuple(StepFailure(f"s{i}", e) for i, e in enumerate(errors))
        )

    assert result().exit_code == 0
    assert result(StepInputError("fill in vision")).exit_code == 2
    assert result(StepInputError("fill in vision"), ExecutionError("boom")).exit_code == 3


def test_batch_summary_shows_an_incomplete_pack_and_its_failed_steps():
    rows = [
        BatchRow(Path("a.xlsx"), False, "competency: Running the template competency failed", Path("out/a"), 3),
        BatchRow(Path("b.xlsx"), False, "b.xlsx: 1 problem", None, 2),
    ]
    lines = summary_table(rows, "en").splitlines()
    assert lines[2] == "a.xlsx    incomplete  competency: Running the template competency failed"
    assert lines[3].startswith("b.xlsx    failed ")
    assert summary_table(rows, "fr").splitlines()[2].startswith("a.xlsx    incomplet ")


# --- output paths -------------------------------------------------------------------------------
@pytest.mark.parametrize("lang, words", [("en", "is a file, not a folder"), ("fr", "est un fichier, pas un dossier")])
def test_run_out_on_an_existing_file_is_a_clear_error(tmp_path, capsys, lang, words):
    target = tmp_path / "notes.txt"
    target.write_text("keep me")
    assert cli.main(["run", "diagnostic", "--out", str(target), "--lang", lang]) == 2
    err = capsys.readouterr().err
    assert words in err and str(target) in err and "Traceback" not in err
    assert target.read_text() == "keep me" and sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


@pytest.mark.parametrize(
    "lang, words", [("en", "Cannot create the output folder"), ("fr", "Impossible de créer le dossier de sortie")]
)
def test_an_output_folder_that_cannot_be_created_is_a_clear_error(tmp_path, capsys, lang, words):
    (tmp_path / "file").write_text("x")
    for command in (["run", "diagnostic"], ["pack"]):
        assert cli.main([*command, "--out", str(tmp_path / "file" / "reports"), "--lang", lang]) == 2
        err = capsys.readouterr().err
        assert words in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes everywhere")
def test_an_output_folder_that_is_not_writable_is_a_clear_error(tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        assert cli.main(["run", "diagnostic", "--out", str(locked), "--lang", "en"]) == 2
        assert "is not writable" in capsys.readouterr().err
    finally:
        locked.chmod(0o755)


def test_pack_out_on_a_file_or_a_folder_that_is_not_a_pack(tmp_path, capsys):
    target = tmp_path / "notes.txt"
    target.write_text("keep me")
    assert cli.main(["pack", "--out", str(target), "--lang", "fr"]) == 2
    assert "est un fichier, pas un dossier" in capsys.readouterr().err
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "thesis.docx").write_bytes(b"precious")
    assert cli.main(["pack", "--out", str(folder), "--lang", "en"]) == 2
    assert "exists and is not a report pack" in capsys.readouterr().err
    assert target.read_text() == "keep me" and [p.name for p in folder.iterdir()] == ["thesis.docx"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["documents", "notes.txt"]


# --- workbook new / example ---------------------------------------------------------------------
@pytest.mark.parametrize("action", ["new", "example"])
def test_an_existing_workbook_is_replaced_only_with_force(tmp_path, capsys, action):
    path = tmp_path / "team.xlsx"
    english_workbook(path)
    before = sha256(path)
    assert cli.main(["workbook", action, str(path), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert (
        err.strip()
        == f"{path} already exists: it was left unchanged. Choose another name, or add --force to replace it."
    )
    assert cli.main(["workbook", action, str(path), "--lang", "fr"]) == 2
    assert "existe déjà : il n'a pas été modifié" in capsys.readouterr().err and "--force" in err
    assert sha256(path) == before
    assert cli.main(["workbook", action, str(path), "--lang", "en", "--force"]) == 0
    assert sha256(path) != before and [p.name for p in tmp_path.iterdir()] == ["team.xlsx"]  # no temporary file
    sheets = openpyxl.load_workbook(path).sheetnames
    assert "enterprises" in sheets and "entreprises" not in sheets  # the new English workbook


# --- one language per command -------------------------------------------------------------------
def test_an_english_workbook_without_lang_gives_english_messages_and_report(tmp_path, capsys, no_lang_variable):
    source = english_workbook(tmp_path / "team.xlsx")
    assert cli.main(["run", "diagnostic", "--workbook", str(source), "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Step diagnostic done.\n  HTML report: ")
    assert "Cluster profile" in (tmp_path / "out" / "diagnostic.html").read_text(encoding="utf-8")
    assert (
        cli.main(["run", "diagnostic", "--workbook", str(source), "--out", str(tmp_path / "out"), "-p", "novalue"]) == 2
    )
    assert capsys.readouterr().err.startswith("Badly written parameter 'novalue'")


def test_lang_option_then_variable_then_workbook(tmp_path, capsys, monkeypatch):
    source = english_workbook(tmp_path / "team.xlsx")
    monkeypatch.setenv("CLUSTERKIT_LANG", "fr")
    assert cli.main(["run", "diagnostic", "--workbook", str(source), "--out", str(tmp_path), "-p", "novalue"]) == 2
    assert capsys.readouterr().err.startswith("Paramètre mal écrit « novalue »")
    assert (
        cli.main(
            ["run", "diagnostic", "--workbook", str(source), "--out", str(tmp_path), "-p", "novalue", "--lang", "en"]
        )
        == 2
    )
    assert capsys.readouterr().err.startswith("Badly written parameter")
    monkeypatch.setenv("CLUSTERKIT_LANG", "de")
    assert cli.main(["workbook", "new", str(tmp_path / "x.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "Langue « de » non prise en charge" in err and "Unsupported language 'de'" in err
    assert not (tmp_path / "x.xlsx").exists()


# --- the command's own errors -------------------------------------------------------------------
def test_only_the_family_is_caught_anything_else_keeps_its_traceback(monkeypatch, capsys):
    def bug(args):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(cli, "_batch", bug)
    with pytest.raises(ZeroDivisionError):
        cli.main(["batch", "folder", "--out", "x"])

    def refused(args):
        raise InputError("refused, say why")

    monkeypatch.setattr(cli, "_batch", refused)
    assert cli.main(["batch", "folder", "--out", "x"]) == 2
    assert capsys.readouterr().err == "refused, say why\n"
    assert issubclass(ExecutionError, ClusterkitError) and ExecutionError.exit_code == 3


@pytest.mark.parametrize("command", [["pack"], ["run", "diagnostic"]])
def test_ctrl_c_exits_130_and_leaves_nothing_half_written(tmp_path, capsys, monkeypatch, command):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(packing, "to_html", interrupted)  # while the first report is being written
    if command == ["pack"]:
        monkeypatch.setattr(packing, "steps_present", lambda wb: ["diagnostic"])
    out = tmp_path / "reports"
    assert cli.main([*command, "--out", str(out), "--lang", "en"]) == 130
    assert capsys.readouterr().err.strip() == "Interrupted: nothing was written for the operation under way."
    assert not out.exists() or list(out.iterdir()) == []
    assert [p.name for p in tmp_path.iterdir() if p.name != "reports"] == []  # no temporary folder
