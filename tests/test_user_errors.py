"""Bad input a user can give the command line, the app or a template: each refusal is a
ClusterkitError (exit code 2), said in the user's language, with no traceback; the input is left
as it was and nothing is written. Field exports are built as the servers write them
(tests/field_exports.py)."""

import shutil

import openpyxl
import pandas as pd
import pytest
from field_exports import competency_kobo_xlsx, competency_odk_zip

from clusterkit import questionnaire
from clusterkit.cli import main
from clusterkit.errors import InputError, StepInputError
from clusterkit.exercises import swot_sorting_widget
from clusterkit.steps import monitoring
from clusterkit.workbook import WorkbookError, backup_path, example_path, read_baseline, read_workbook

LANGS = ("fr", "en")
ANN = {
    "person": "Ann Diallo",
    "assessor": "trainer",
    "date": "2026-02-01",
    "coaching": "4",
    "coaching_evidence": "a laissé le groupe décider",
    "finance_access": "2",
}
BEN = {"person": "Ben Koné", "assessor": "self", "date": "2026-02-02", "finance_access": "3"}


@pytest.fixture
def team(tmp_path):
    """A team workbook (a copy of the English example: indicators, relations in two rounds)."""
    return shutil.copy(example_path("en"), tmp_path / "team.xlsx")


def refused(capsys, args: list, lang: str, says: list[str], untouched=(), not_written=()) -> str:
    """Run the command; check exit code 2, the message's fragments, no traceback, the input files
    byte for byte, and the files that must not exist afterwards. Returns the message."""
    before = {path: path.read_bytes() for path in untouched}
    code = main([*map(str, args), "--lang", lang])
    out, err = capsys.readouterr()
    assert code == 2, err
    for fragment in says:
        assert fragment in err, (fragment, err)
    assert "Traceback" not in out + err
    for path, data in before.items():
        assert path.read_bytes() == data
    for path in not_written:
        assert not path.exists(), path
    return err


# --------------------------------------------------------------------------------------------
# clusterkit indicators add
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "lang, says",
    [
        ("fr", ["missing.xlsx", "un fichier .xlsx, .xls ou .ods", "vérifiez le chemin"]),
        ("en", ["missing.xlsx", "an .xlsx, .xls or .ods file", "check the path"]),
    ],
)
def test_a_battery_into_a_missing_workbook(capsys, tmp_path, lang, says):
    missing = tmp_path / "missing.xlsx"
    refused(
        capsys,
        ["indicators", "add", "--battery", "pro_poor", "--workbook", missing],
        lang,
        says,
        not_written=[missing, backup_path(missing)],
    )


@pytest.mark.parametrize(
    "lang, says",
    [
        (
            "fr",
            [
                "1 problème dans le classeur team.csv",
                "un classeur .xlsx, que clusterkit complète sur place",
                "enregistrez le classeur au format .xlsx",
            ],
        ),
        (
            "en",
            [
                "1 problem in the workbook team.csv",
                "an .xlsx workbook, which clusterkit completes in place",
                "save the workbook as .xlsx",
            ],
        ),
    ],
)
def test_a_battery_into_a_csv_file_says_what_the_survey_import_says(capsys, tmp_path, lang, says):
    csv = tmp_path / "team.csv"
    csv.write_text("key;value\nname;Test\n", encoding="utf-8")
    message = refused(
        capsys,
        ["indicators", "add", "--battery", "pro_poor", "--workbook", csv],
        lang,
        says,
        untouched=[csv],
        not_written=[backup_path(csv)],
    )
    export = tmp_path / "export.csv"
    export.write_text("enterprise_id,name\n", encoding="utf-8")
    assert (
        refused(capsys, ["survey", "import", export, "--workbook", csv], lang, says, untouched=[csv, export]) == message
    )


@pytest.mark.parametrize(
    "lang, says",
    [
        ("fr", ["le classeur d'exemple fourni avec clusterkit n'est pas modifié", "clusterkit workbook example"]),
        ("en", ["the example workbook shipped with clusterkit is not modified", "clusterkit workbook example"]),
    ],
)
def test_the_packaged_example_is_never_edited(capsys, tmp_path, lang, says):
    example = example_path(lang)
    export = competency_odk_zip(tmp_path / "competency.zip", [ANN])
    refused(
        capsys,
        ["indicators", "add", "--battery", "pro_poor", "--workbook", example],
        lang,
        says,
        untouched=[example],
        not_written=[backup_path(example)],
    )
    refused(
        capsys,
        ["survey", "competency-import", export, "--workbook", example],
        lang,
        says,
        untouched=[example, export],
        not_written=[backup_path(example)],
    )
    refused(
        capsys,
        ["survey", "import", export, "--workbook", example, "--round", "3"],
        lang,
        says,
        untouched=[example],
        not_written=[backup_path(example)],
    )


@pytest.mark.parametrize(
    "lang, text",
    [
        ("fr", "Batterie inconnue « growth ». Batteries disponibles : "),
        ("en", "Unknown battery 'growth'. Available batteries: "),
    ],
)
def test_an_unknown_battery(team, lang, text):
    before = team.read_bytes()
    with pytest.raises(InputError) as caught:  # the command line offers only the batteries: the app or a notebook
        monitoring.add_battery(team, "growth", lang)
    assert str(caught.value).startswith(text) and "pro_poor" in str(caught.value)
    assert team.read_bytes() == before and not backup_path(team).exists()


# --------------------------------------------------------------------------------------------
# clusterkit survey competency-import
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "lang, says",
    [
        ("fr", ["missing.csv : valeur trouvée", "un export : XLSX ou CSV de KoboToolbox", "vérifiez le chemin"]),
        ("en", ["missing.csv: found", "an export: a KoboToolbox XLSX or CSV", "check the path"]),
    ],
)
@pytest.mark.parametrize("command", ["competency-import", "import"])
def test_an_export_that_is_not_there(capsys, tmp_path, team, lang, says, command):
    rounds = ["--round", "3"] if command == "import" else []  # the example's relations have two rounds
    refused(
        capsys,
        ["survey", command, tmp_path / "missing.csv", "--workbook", team, *rounds],
        lang,
        says,
        untouched=[team],
        not_written=[backup_path(team)],
    )


@pytest.mark.parametrize(
    "lang, says",
    [
        (
            "fr",
            [
                "l'export du questionnaire de compétences : les colonnes person, assessor, date",
                "clusterkit survey competency-xlsform",
                "valeur trouvée « a, b »",
            ],
        ),
        (
            "en",
            [
                "the export of the competency questionnaire: the columns person, assessor, date",
                "clusterkit survey competency-xlsform",
                "found 'a, b'",
            ],
        ),
    ],
)
def test_a_file_that_is_not_the_competency_export(capsys, tmp_path, team, lang, says):
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n", encoding="utf-8")
    refused(
        capsys,
        ["survey", "competency-import", other, "--workbook", team],
        lang,
        says,
        untouched=[team, other],
        not_written=[backup_path(team)],
    )


@pytest.mark.parametrize(
    "lang, says",
    [
        (
            "fr",
            [
                "2 problèmes dans le classeur kobo.xlsx",
                "kobo.xlsx, feuille « Évaluation », ligne 3, colonne « coach/coaching » : valeur trouvée « 7 »",
                "Attendu : entre 1 et 5",
                "kobo.xlsx, feuille « Évaluation », ligne 4, colonne « person » : valeur trouvée « (vide) »",
            ],
        ),
        (
            "en",
            [
                "2 problems in the workbook kobo.xlsx",
                "kobo.xlsx, sheet 'Évaluation', row 3, column 'coach/coaching': found '7'",
                "Expected: between 1 and 5",
                "kobo.xlsx, sheet 'Évaluation', row 4, column 'person': found '(empty)'",
            ],
        ),
    ],
)
def test_bad_answers_are_named_by_the_exports_own_row_and_column(capsys, tmp_path, team, lang, says):
    export = competency_kobo_xlsx(
        tmp_path / "kobo.xlsx", [ANN, {**BEN, "coaching": "7"}, {**BEN, "person": None}], title="Évaluation"
    )
    message = refused(
        capsys,
        ["survey", "competency-import", export, "--workbook", team],
        lang,
        says,
        untouched=[team, export],
        not_written=[backup_path(team)],
    )
    assert message.index(says[1]) < message.index(says[3])  # in the export's order


@pytest.mark.parametrize(
    "lang, says",
    [
        ("fr", ["kobo.xlsx, feuille « Évaluation », ligne 1, colonne « assessor »", "une colonne « assessor »"]),
        ("en", ["kobo.xlsx, sheet 'Évaluation', row 1, column 'assessor'", "a column 'assessor'"]),
    ],
)
def test_a_question_missing_from_the_export(capsys, tmp_path, team, lang, says):
    export = competency_kobo_xlsx(tmp_path / "kobo.xlsx", [ANN], title="Évaluation")
    book = openpyxl.load_workbook(export)
    sheet = book.active
    sheet.delete_cols([c.value for c in sheet[1]].index("assessor") + 1)
    book.save(export)
    refused(
        capsys,
        ["survey", "competency-import", export, "--workbook", team],
        lang,
        says,
        untouched=[team],
        not_written=[backup_path(team)],
    )


@pytest.mark.parametrize("build", [competency_odk_zip, competency_kobo_xlsx])
def test_odk_central_and_kobo_exports_are_read(capsys, tmp_path, team, build):
    export = build(tmp_path / ("export.zip" if build is competency_odk_zip else "export.xlsx"), [ANN, BEN])
    before = len(read_workbook(team)["competencies"])
    assert main(["survey", "competency-import", str(export), "--workbook", str(team), "--lang", "en"]) == 0
    assert "3" in capsys.readouterr().out
    added = read_workbook(team)["competencies"].iloc[before:]
    assert added[["person", "assessor", "skill", "score", "evidence"]].fillna("").values.tolist() == [
        ["Ann Diallo", "trainer", "coaching", 4, "a laissé le groupe décider"],
        ["Ann Diallo", "trainer", "finance_access", 2, ""],
        ["Ben Koné", "self", "finance_access", 3, ""],
    ]
    assert added["date"].tolist() == [pd.Timestamp("2026-02-01")] * 2 + [pd.Timestamp("2026-02-02")]
    assert backup_path(team).exists()


@pytest.mark.parametrize(
    "lang, text",
    [
        (
            "fr",
            "Ces notes ne peuvent pas être ajoutées à la feuille des compétences : les notes sont des nombres entiers",
        ),
        ("en", "These scores cannot be added to the competencies sheet: scores are whole numbers"),
    ],
)
def test_rows_given_in_a_notebook_are_checked_in_the_users_language(team, lang, text):
    before = team.read_bytes()
    with pytest.raises(InputError, match=text):
        questionnaire.append_assessment(
            team, questionnaire.assessment_rows("Ann", "self", "2026-02-01", {"coaching": 6}), lang
        )
    assert team.read_bytes() == before and not backup_path(team).exists()


# --------------------------------------------------------------------------------------------
# The monitoring template's baseline table
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "lang, name, content, says",
    [
        ("fr", "missing.csv", None, ["Table de référence introuvable : ", "missing.csv n'est pas un fichier"]),
        (
            "en",
            "baseline.csv",
            "key;value;unit\nwomen_share;beaucoup;share\n",
            ["baseline.csv, sheet 'baseline', row 2, column 'value': found 'beaucoup'. Expected: number."],
        ),
    ],
)
def test_a_bad_baseline_table_stops_the_run_as_bad_input(
    capsys, tmp_path, team, monkeypatch, lang, name, content, says
):
    monkeypatch.chdir(tmp_path)  # a path from the user's folder: the template runs in another one
    if content is not None:
        (tmp_path / name).write_text(content, encoding="utf-8")
    out = tmp_path / "reports"
    refused(
        capsys,
        ["run", "monitoring", "--workbook", team, "--out", out, "-p", f"baseline={name}"],
        lang,
        says,
        untouched=[team] + ([tmp_path / name] if content else []),
        not_written=[out],
    )


@pytest.mark.parametrize(
    "lang, says",
    [
        (
            "fr",
            ["baseline.xlsx, feuille « Sheet », ligne 1, colonne « value »", "une colonne « value » (ou « valeur »)"],
        ),
        ("en", ["baseline.xlsx, sheet 'Sheet', row 1, column 'value'", "a column 'value' (or 'valeur')"]),
    ],
)
def test_a_baseline_table_without_values(tmp_path, lang, says):
    book = openpyxl.Workbook()
    book.active.title = "Sheet"
    book.active.append(["key", "amount", "unit"])
    book.active.append(["women_share", 0.4, "share"])
    book.save(tmp_path / "baseline.xlsx")
    with pytest.raises(WorkbookError) as caught:
        read_baseline(tmp_path / "baseline.xlsx", lang)
    for fragment in says:
        assert fragment in str(caught.value)


# --------------------------------------------------------------------------------------------
# Folders and files given for one another
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "lang, says", [("fr", ["Le dossier ", "missing n'existe pas"]), ("en", ["The folder ", "missing does not exist"])]
)
def test_a_batch_of_a_missing_folder(capsys, tmp_path, lang, says):
    refused(
        capsys, ["batch", tmp_path / "missing", "--out", tmp_path / "out"], lang, says, not_written=[tmp_path / "out"]
    )


@pytest.mark.parametrize(
    "lang, says",
    [
        ("fr", ["team.xlsx est un fichier, pas un dossier", "clusterkit pack --workbook "]),
        ("en", ["team.xlsx is a file, not a folder", "clusterkit pack --workbook "]),
    ],
)
@pytest.mark.parametrize("command", ["batch", "portfolio"])
def test_one_workbook_given_where_a_folder_of_them_is_expected(capsys, tmp_path, team, lang, says, command):
    out = tmp_path / "out"
    refused(capsys, [command, team, "--out", out], lang, says, untouched=[team], not_written=[out])


@pytest.mark.parametrize(
    "lang, says",
    [
        ("fr", ["form.csv : le fichier écrit est un classeur .xlsx", "par exemple form.xlsx."]),
        ("en", ["form.csv: the file written is an .xlsx workbook", "for example form.xlsx."]),
    ],
)
@pytest.mark.parametrize(
    "command", [["survey", "xlsform", "--out"], ["survey", "competency-xlsform", "--out"], ["workbook", "new"]]
)
def test_a_workbook_or_form_named_as_another_kind_of_file(capsys, tmp_path, lang, says, command):
    refused(capsys, [*command, tmp_path / "form.csv"], lang, says, not_written=[tmp_path / "form.csv"])
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "lang, says",
    [
        ("fr", ["est un dossier : donnez le nom du fichier .xlsx à écrire"]),
        ("en", ["is a folder: give the name of the .xlsx file to write"]),
    ],
)
@pytest.mark.parametrize("command", ["xlsform", "competency-xlsform"])
def test_a_form_written_over_a_folder(capsys, tmp_path, lang, says, command):
    refused(capsys, ["survey", command, "--out", tmp_path], lang, says)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "lang, text", [("fr", "Le classeur n'a pas de feuille « swot »"), ("en", "The workbook has no 'swot' sheet")]
)
def test_the_swot_exercise_on_a_workbook_without_swot(team, lang, text):
    book = openpyxl.load_workbook(team)
    del book["swot"]
    book.save(team)
    with pytest.raises(StepInputError, match=text):
        swot_sorting_widget(team, lang)


@pytest.mark.parametrize(
    "lang, says",
    [
        ("fr", ['Le paramètre « draws » de l\'étape selection attend un nombre (par défaut : 1000), pas "mille".']),
        (
            "en",
            [
                "The parameter 'community' of the step monitoring takes a JSON object (name: value pairs in braces) "
                "(default: {}), not 3."
            ],
        ),
    ],
)
def test_a_parameter_of_the_wrong_kind_is_refused_before_the_template_runs(capsys, tmp_path, team, lang, says):
    step, parameter = ("selection", "draws=mille") if lang == "fr" else ("monitoring", "community=3")
    out = tmp_path / "reports"
    refused(
        capsys,
        ["run", step, "--workbook", team, "--out", out, "-p", parameter],
        lang,
        says,
        untouched=[team],
        not_written=[out],
    )


@pytest.mark.parametrize(
    "lang, says",
    [
        ("fr", ["empty : valeur trouvée « empty ». Attendu : un dossier de fichiers CSV, un par feuille"]),
        ("en", ["empty: found 'empty'. Expected: a folder of CSV files, one per sheet"]),
    ],
)
def test_a_folder_without_csv_files_is_not_a_workbook(capsys, tmp_path, lang, says):
    (tmp_path / "empty").mkdir()
    refused(capsys, ["workbook", "check", tmp_path / "empty"], lang, says)
    assert list((tmp_path / "empty").iterdir()) == []
