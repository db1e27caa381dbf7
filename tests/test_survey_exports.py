"""The import of real-shaped ODK Central and KoboToolbox exports (see ``field_exports`` for the
documented formats the exports follow): rejected and superseded submissions are left out, edits
update in place, every relation gets a survey round, incomplete exports are refused."""

from __future__ import annotations

import shutil

import openpyxl
import pandas as pd
import pytest
from field_exports import Firm, kobo_csv, kobo_xlsx, odk_central_zip
from test_survey import rows_of

from clusterkit.cli import main
from clusterkit.steps import network
from clusterkit.survey import enterprise_xlsform, import_export
from clusterkit.workbook import WorkbookError, example_path, read_workbook, write_workbook

TEAM = {
    "cluster": pd.DataFrame({"key": ["name", "language"], "value": ["Cuir de Tamsa", "fr"]}),
    "enterprises": pd.DataFrame(
        [{"enterprise_id": "E01", "name": "Atelier Diallo", "role": "producer", "employees": 12}]
    ),
    "actors": pd.DataFrame(
        [
            {"actor_id": "E01", "name": "Atelier Diallo", "type": "enterprise", "level": "micro"},
            {"actor_id": "A01", "name": "Association des artisans", "type": "association", "level": "meso"},
            {"actor_id": "A02", "name": "Caisse d'épargne", "type": "financial_institution", "level": "meso"},
        ]
    ),
    "relations": pd.DataFrame([{"source": "E01", "target": "A01", "relation_type": "information", "intensity": 2}]),
}


def firms(edited: bool = False, kobo_root: bool = True) -> list[Firm]:
    """Five submissions, newest first as ODK Central lists them: a rejected later duplicate of E11,
    two accepted submissions of E12 (the newer first), and E10 (edited in the second export)."""
    e10 = Firm(
        "k10",
        "E10",
        "Tannerie Sow",
        "supplier",
        30,
        "2025-03-01T09:30:00+00:00",
        [("A01", ["supply", "information"], 2, "yes")],
        kobo_id=1010,
        root=kobo_root,
    )
    if edited:
        e10.version, e10.employees, e10.edits, e10.review = "k10-v2", 35, 1, "edited"
        e10.relations = [("A01", ["supply"], 3, "yes")]
    return [
        Firm(
            "k11r",
            "E11",
            "Cordonnerie Ba (doublon)",
            "producer",
            80,
            "2025-03-01T12:00:00+00:00",
            [("A01", ["supply"], 3, "yes"), ("A02", ["training"], 1, "no")],
            review="rejected",
            kobo_id=1013,
            root=kobo_root,
        ),
        Firm(
            "k12b",
            "E12",
            "Forge Kane",
            "trader",
            6,
            "2025-03-01T11:00:00+00:00",
            [("E10", ["supply"], 3, "yes")],
            kobo_id=1012,
            root=kobo_root,
        ),
        Firm(
            "k11",
            "E11",
            "Cordonnerie Ba",
            "producer",
            8,
            "2025-03-01T10:00:00+00:00",
            [("A02", ["finance"], 1, "no")],
            review="approved",
            kobo_id=1011,
            root=kobo_root,
        ),
        e10,
        Firm(
            "k12a",
            "E12",
            "Forge Kane",
            "trader",
            5,
            "2025-03-01T09:00:00+00:00",
            [("A01", ["governance"], 1, None)],
            kobo_id=1009,
            root=kobo_root,
        ),
    ]


def kobo_review(rows: list[Firm]) -> list[Firm]:
    """Kobo's validation statuses in place of ODK's review states."""
    status = {"rejected": "validation_status_not_approved", "approved": "validation_status_approved"}
    for f in rows:
        f.review = status.get(f.review)
    return rows


def labels_of(tmp_path) -> dict:
    """The French labels Kobo shows for the form the team uploaded."""
    book = openpyxl.load_workbook(enterprise_xlsform(tmp_path / "form.xlsx", "fr"))
    labels = {row[1]: row[2] for row in book["survey"].iter_rows(min_row=2, values_only=True)}
    for list_name, name, label in book["choices"].iter_rows(min_row=2, values_only=True):
        labels[(list_name, name)] = label
        if list_name in ("role", "yes_no"):
            labels[("value", name)] = label
    return labels


EXPORTS = {
    "odk zip": lambda tmp, edited: odk_central_zip(tmp / f"odk{edited}.zip", firms(edited)),
    "odk zip, no group names, split choices": lambda tmp, edited: odk_central_zip(
        tmp / f"odk{edited}.zip", firms(edited), groups=False, split=True
    ),
    "kobo xlsx": lambda tmp, edited: kobo_xlsx(tmp / f"kobo{edited}.xlsx", kobo_review(firms(edited))),
    "kobo xlsx, no rootUuid": lambda tmp, edited: kobo_xlsx(
        tmp / f"kobo{edited}.xlsx", kobo_review(firms(edited, kobo_root=False))
    ),
    "kobo xlsx, labels, both choice columns": lambda tmp, edited: kobo_xlsx(
        tmp / f"kobo{edited}.xlsx", kobo_review(firms(edited)), labels_of(tmp), multiple="both"
    ),
    "kobo xlsx, separate choice columns only": lambda tmp, edited: kobo_xlsx(
        tmp / f"kobo{edited}.xlsx", kobo_review(firms(edited)), multiple="separate"
    ),
}


def relations_of(path):
    return sorted(
        (r["source"], r["target"], r["relation_type"], r["intensity"], r["formal"], r["survey_round"])
        for r in rows_of(path, "relations")
    )


@pytest.mark.parametrize("kind", list(EXPORTS))
def test_an_export_imports_exactly_the_accepted_submissions_and_an_edit_updates_them(tmp_path, kind):
    team = write_workbook(TEAM, tmp_path / "team.xlsx", "fr")
    export = EXPORTS[kind](tmp_path, False)
    exported = export.read_bytes()
    report = import_export(export, team)

    assert export.read_bytes() == exported  # the export is only read
    assert report.rejected == [] and report.survey_round == 1 and not report.round_given
    # oldest first, whatever the row order: E10, then E11's accepted submission, then E12's newer one
    assert [(r.sheet, r.key, r.export_row) for r in report.added if r.sheet == "enterprises"] == [
        ("enterprises", "E10", 5),
        ("enterprises", "E11", 4),
        ("enterprises", "E12", 3),
    ]
    assert [(s.export_row, s.firm, s.reason, s.newer_row, s.relations) for s in report.skipped] == [
        (2, "E11", "rejected", None, 2),
        (6, "E12", "older_duplicate", 3, 1),
    ]
    firms_now = [(f["enterprise_id"], f["name"], f["employees"]) for f in rows_of(team, "enterprises")]
    assert firms_now == [
        ("E01", "Atelier Diallo", 12),
        ("E10", "Tannerie Sow", 30),
        ("E11", "Cordonnerie Ba", 8),
        ("E12", "Forge Kane", 6),
    ]
    assert relations_of(team) == [
        ("E01", "A01", "information", 2, None, None),
        ("E10", "A01", "information", 2, True, 1),
        ("E10", "A01", "supply", 2, True, 1),
        ("E11", "A02", "finance", 1, False, 1),
        ("E12", "E10", "supply", 3, True, 1),
    ]
    fr, en = report.format("fr"), report.format("en")
    assert "Soumissions laissées de côté : 2" in fr and "Submissions left out: 2" in en
    assert (
        "ligne 2 de l'export (E11) : rejetée à la validation (ReviewState ou _validation_status) ; "
        "2 relations liées écartées aussi" in fr
    )
    assert (
        "export row 6 (E12): older submission of the same firm as row 3, imported instead; so are its 1 relation" in en
    )
    assert "E10 → A01 (approvisionnement)" in fr and "E10 → A01 (supply)" in en
    assert "Relations enregistrées dans le tour d'enquête 1 : le classeur n'a pas d'autre tour" in fr

    # the same submissions exported again after E10 was edited: its rows are updated in place
    report = import_export(EXPORTS[kind](tmp_path, True), team)
    assert [(r.sheet, r.key, r.workbook_row) for r in report.updated] == [
        ("enterprises", "E10", 3),
        ("relations", "E10 → A01 (supply)", 3),
    ]
    assert [(r.sheet, r.key, r.workbook_row) for r in report.removed] == [("relations", "E10 → A01 (information)", 4)]
    assert report.added == report.rejected == [] and len(report.skipped) == 2
    # without meta/rootUuid, only Kobo's _id links the edit to its first version, which has left the export
    replaced = "k10" if kind == "kobo xlsx, no rootUuid" else None
    assert [r.replaced for r in report.updated] == [replaced, None]
    if replaced:
        assert (
            "(replaces submission k10, absent from the export: edited without meta/rootUuid, or rejected)"
            in report.format("en")
        )
    assert [(f["enterprise_id"], f["employees"]) for f in rows_of(team, "enterprises")] == [
        ("E01", 12),
        ("E10", 35),
        ("E11", 8),
        ("E12", 6),
    ]
    assert relations_of(team) == [
        ("E01", "A01", "information", 2, None, None),
        ("E10", "A01", "supply", 3, True, 1),
        ("E11", "A02", "finance", 1, False, 1),
        ("E12", "E10", "supply", 3, True, 1),
    ]


def test_versions_of_one_submission_in_one_export_keep_the_newest_whatever_the_row_order(tmp_path):
    """Kobo keeps _id across an edit: two rows with one _id are versions of one submission."""
    team = write_workbook(TEAM, tmp_path / "team.xlsx", "fr")
    old = Firm(
        "k10",
        "E10",
        "Tannerie Sow",
        "supplier",
        30,
        "2025-03-01T09:30:00+00:00",
        [("A01", ["supply"], 2, "yes")],
        kobo_id=1010,
        root=False,
    )
    new = Firm(
        "k10",
        "E10",
        "Tannerie Sow",
        "supplier",
        31,
        "2025-03-02T09:30:00+00:00",
        [("A02", ["finance"], 1, "no")],
        version="k10-v2",
        kobo_id=1010,
        root=False,
    )
    for order, name in (([new, old], "a.xlsx"), ([old, new], "b.xlsx")):
        path = shutil.copy(team, tmp_path / f"team-{name}")
        report = import_export(kobo_xlsx(tmp_path / name, order), path)
        [skipped] = report.skipped
        assert (skipped.reason, skipped.relations) == ("older_version", 1)
        assert [(f["enterprise_id"], f["employees"], f["submission_uuid"]) for f in rows_of(path, "enterprises")][
            1:
        ] == [("E10", 31, "k10-v2")]
        assert relations_of(path)[1:] == [("E10", "A02", "finance", 1, False, 1)]


def test_a_submission_rejected_after_an_earlier_import_is_pointed_out_not_removed(tmp_path):
    team = write_workbook(TEAM, tmp_path / "team.xlsx", "fr")
    e11 = Firm(
        "k11", "E11", "Cordonnerie Ba", "producer", 8, "2025-03-01T10:00:00+00:00", [("A02", ["finance"], 1, "no")]
    )
    import_export(odk_central_zip(tmp_path / "first.zip", [e11]), team)
    imported = team.read_bytes()
    e11.review = "rejected"
    report = import_export(odk_central_zip(tmp_path / "second.zip", [e11]), team)
    [skipped] = report.skipped
    assert (skipped.reason, skipped.relations, skipped.kept_at) == ("rejected", 1, 3)
    assert "Un import précédent l'a déjà écrite ligne 3 des entreprises : supprimez cette ligne" in report.format()
    assert not report.changed and team.read_bytes() == imported


@pytest.mark.parametrize("multiple", ["single", "separate"])
def test_a_kobo_csv_holds_the_main_table_only_and_is_refused(tmp_path, multiple):
    team = write_workbook(TEAM, tmp_path / "team.xlsx", "fr")
    before = team.read_bytes()
    export = kobo_csv(tmp_path / "kobo.csv", kobo_review(firms()), multiple=multiple)
    with pytest.raises(WorkbookError) as caught:
        import_export(export, team)
    [problem] = caught.value.problems
    assert problem.code == "repeat_missing"
    assert "KoboToolbox : exportez en XLSX (pas en CSV)" in problem.message("fr")
    assert "cet export n'a que la table principale : importé, il perdrait toutes les relations" in problem.message("fr")
    assert (
        "KoboToolbox: export as XLSX (not CSV), with 'XML values and headers' or labels, and 'single column' "
        "or 'single and separate columns' for multiple choices" in problem.message("en")
    )
    assert team.read_bytes() == before and not (tmp_path / "team.bak.xlsx").exists()


def test_an_odk_main_csv_without_its_repeat_file_is_refused(tmp_path):
    team = write_workbook(TEAM, tmp_path / "team.xlsx", "en")
    odk_central_zip(tmp_path / "all.zip", firms())
    shutil.unpack_archive(tmp_path / "all.zip", tmp_path / "unzipped")
    csv = tmp_path / "unzipped" / "clusterkit_enterprises.csv"
    assert len(import_export(csv, team).added) == 10  # beside its repeat file: 3 firms, 3 actors, 4 ties
    again = import_export(tmp_path / "unzipped", team)  # the unzipped folder: the same rows, already in
    assert again.added == [] and len(again.unchanged) == 7
    (tmp_path / "unzipped" / "clusterkit_enterprises-relations.csv").unlink()
    with pytest.raises(WorkbookError) as caught:
        import_export(csv, team)
    assert [p.code for p in caught.value.problems] == ["repeat_missing"]
    assert "ODK Central: import the 'all data' ZIP as it is" in caught.value.format("en")


# --------------------------------------------------------------------------------------------
# Survey rounds, on the example workbook (rounds 1 and 2)
# --------------------------------------------------------------------------------------------
ROUND_3 = [
    Firm(
        "r3-1",
        "E73",
        "Atelier Ndour",
        "producer",
        9,
        "2026-02-01T09:00:00+00:00",
        [("E44", ["supply"], 2, "yes"), ("A01", ["information", "governance"], 1, None)],
        kobo_id=3001,
    ),
    Firm(
        "r3-2",
        "E74",
        "Tannerie Faye",
        "supplier",
        14,
        "2026-02-01T10:00:00+00:00",
        [("E73", ["supply"], 3, "no"), ("A11", ["finance"], 2, "yes")],
        kobo_id=3002,
    ),
]


def comparison(path, before: int = 1, after: int = 2) -> pd.DataFrame:
    wb = read_workbook(path)
    actors, enterprises, relations = wb["actors"], wb["enterprises"], wb["relations"]

    def graph(survey_round):
        return network.round_graph(actors, enterprises, relations, survey_round)

    return network.compare_rounds(graph(before), graph(after)).set_index("measure")


def test_an_import_into_the_example_needs_a_round_and_leaves_the_earlier_rounds_alone(tmp_path, capsys):
    workbook = shutil.copy(example_path(), tmp_path / "example.xlsx")
    export = kobo_xlsx(tmp_path / "round3.xlsx", ROUND_3)
    before = comparison(workbook)
    assert before.loc[["ties_lost", "ties_gained", "components", "isolated_firms"], "after"].tolist() == [9, 18, 4, 0]

    with pytest.raises(WorkbookError) as caught:
        import_export(export, workbook)
    assert [(p.code, p.value) for p in caught.value.problems] == [("round_required", "1, 2")]
    assert "relancez l'import avec --round N (par exemple --round 3 pour un nouveau tour)" in caught.value.format("fr")
    assert "run the import again with --round N (for example --round 3 for a new round)" in caught.value.format("en")
    assert main(["survey", "import", str(export), "--workbook", str(workbook), "--lang", "en"]) != 0
    assert "--round N" in capsys.readouterr().err

    assert main(["survey", "import", str(export), "--workbook", str(workbook), "--round", "3", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Relations recorded in survey round 3 (option --round)" in out
    assert "E73 → E44 (supply)" in out and "E73 → A01 (governance)" in out
    relations = read_workbook(workbook)["relations"]
    assert network.survey_rounds(relations) == [1, 2, 3]
    assert sorted(map(tuple, network.in_round(relations, 3)[["source", "target", "relation_type"]].values)) == [
        ("E73", "A01", "governance"),
        ("E73", "A01", "information"),
        ("E73", "E44", "supply"),
        ("E74", "A11", "finance"),
        ("E74", "E73", "supply"),
    ]
    after = comparison(workbook)
    # the ties of rounds 1 and 2 are untouched, so is what changed between them
    assert after.loc[["ties", "linked_pairs", "ties_gained", "ties_lost"]].equals(
        before.loc[["ties", "linked_pairs", "ties_gained", "ties_lost"]]
    )
    # the new firms join the maps in round 3, their first tied round: rounds 1 and 2 are as before
    assert after.equals(before)
    wb = read_workbook(workbook)
    round_2 = network.round_graph(wb["actors"], wb["enterprises"], wb["relations"], 2)
    assert {"E73", "E74"}.isdisjoint(round_2.nodes) and network.isolated_firms(round_2).empty
    assert {"E73", "E74"} <= set(network.round_graph(wb["actors"], wb["enterprises"], wb["relations"], 3).nodes)
    third = comparison(workbook, 2, 3)
    assert third.loc["ties", "after"] == 5


@pytest.mark.parametrize("survey_round", [0, "3", 2.5])
def test_a_round_that_is_not_a_whole_number_from_1_is_refused(tmp_path, survey_round):
    team = write_workbook(TEAM, tmp_path / "team.xlsx", "en")
    with pytest.raises(WorkbookError) as caught:
        import_export(kobo_xlsx(tmp_path / "k.xlsx", firms()), team, survey_round=survey_round)
    assert [p.code for p in caught.value.problems] == ["round_invalid"]
    assert "Expected: a whole survey round number, from 1" in caught.value.format("en")
    assert "Attendu : un numéro de tour d'enquête entier, à partir de 1" in caught.value.format("fr")
