"""Editing a team workbook in place: header found as the reader finds it, the team's language kept,
a workbook with problems left alone, the previous version kept, never a half-written file."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from clusterkit.i18n import t
from clusterkit.workbook import WorkbookEditor, WorkbookError, backup_path, header, read_workbook, sheet_title

KEYS = ["enterprise_id", "name", "role", "employees"]


def cluster(language: str | None = None) -> list[list]:
    return [["key", "value"], ["name", "Test"]] + ([["language", language]] if language else [])


def firms(lang: str, *rows: list) -> list[list]:
    """The enterprises sheet under a title and a blank row: its header is on row 3."""
    return [["Enquête entreprises 2025"], [], [header(k, lang) for k in KEYS], *rows]


def test_backup_path_is_beside_the_workbook_and_keeps_its_suffix():
    assert backup_path("data/team.xlsx") == Path("data/team.bak.xlsx")
    assert backup_path(Path("team.v2.xlsm")) == Path("team.v2.bak.xlsm")


def test_rows_go_under_the_header_in_its_language_and_read_back(make_xlsx):
    path = make_xlsx(
        {"cluster": cluster("en"), sheet_title("enterprises", "fr"): firms("fr", ["E1", "Atelier", "producteur", 12])}
    )
    original = path.read_bytes()
    edit = WorkbookEditor(path)  # the cluster card says English; the sheet's headers say French
    sheet = edit.sheet("enterprises")
    assert (sheet.header_row, sheet.lang, sheet.next_row) == (3, "fr", 5)
    assert sheet.values("enterprise_id") == ["E1"]
    row = sheet.append(
        {
            "enterprise_id": "E2",
            "name": '=HYPERLINK("http://x")',
            "role": "supplier",
            "employees": 5,
            "association_member": True,
        }
    )
    assert row == 5
    assert edit.save() == path.with_name("book.bak.xlsx")
    assert backup_path(path).read_bytes() == original
    ws = openpyxl.load_workbook(path)["entreprises"]
    head = [c.value for c in ws[3]]
    assert head[:4] == ["id_entreprise", "nom", "rôle", "effectif"]
    assert head[-1] == "uuid_soumission" and "membre_association" in head  # the missing columns, added after
    cells = dict(zip(head, (c for c in ws[5])))
    assert cells["rôle"].value == t("enum.role.supplier", "fr") and cells["membre_association"].value == "oui"
    assert cells["nom"].value == '=HYPERLINK("http://x")' and cells["nom"].data_type == "s"  # text, never a formula
    firms_read = read_workbook(path)["enterprises"]
    assert firms_read[["enterprise_id", "role", "employees"]].values.tolist() == [
        ["E1", "producer", 12],
        ["E2", "supplier", 5],
    ]
    assert firms_read["association_member"].tolist()[1] is True


def test_headers_that_do_not_tell_take_the_workbooks_language(make_xlsx):
    # two French-only headers, two English-only ones and one both ("rôle" folds to "role"): the card decides
    mixed = [["id_entreprise", "name", "role", "employees", "chiffre_affaires"], ["E1", "Atelier", "producer", 3, 1000]]
    for language, label in (("en", "supplier"), ("fr", t("enum.role.supplier", "fr"))):
        path = make_xlsx({"cluster": cluster(language), "enterprises": mixed}, name=f"{language}.xlsx")
        edit = WorkbookEditor(path)
        sheet = edit.sheet("enterprises")
        assert sheet.lang == language
        sheet.append({"enterprise_id": "E2", "name": "Tannerie", "role": "supplier", "employees": 4})
        edit.save()
        assert openpyxl.load_workbook(path)["enterprises"]["C3"].value == label


def test_a_missing_sheet_is_created_in_the_language_asked(make_xlsx):
    path = make_xlsx({"cluster": cluster()})
    edit = WorkbookEditor(path, "en")
    edit.sheet("enterprises", "en").append(
        {"enterprise_id": "E1", "name": "Atelier", "role": "producer", "employees": 3}
    )
    edit.save()
    ws = openpyxl.load_workbook(path)["enterprises"]
    assert [c.value for c in ws[1]][:4] == KEYS and [c.value for c in ws[2]][:4] == ["E1", "Atelier", "producer", 3]


def test_a_workbook_with_problems_is_not_edited(make_xlsx, tmp_path):
    path = make_xlsx(
        {
            "cluster": cluster(),
            "entreprises": firms("fr", ["E1", "Atelier", "producteur", 12], ["E1", "Tannerie", "fournisseur", 4]),
        }
    )
    original = path.read_bytes()
    with pytest.raises(WorkbookError) as caught:
        WorkbookEditor(path, "en")
    assert [p.code for p in caught.value.problems] == ["id_duplicate"]
    assert "book.xlsx, sheet 'entreprises', row 5" in caught.value.format("en")
    assert "book.xlsx, feuille « entreprises », ligne 5" in caught.value.format("fr")
    assert path.read_bytes() == original and not backup_path(path).exists()
    # a caller whose own rows leave such problems may start from them
    assert WorkbookEditor(path, allow=frozenset({"id_duplicate"})).workbook is None


def test_an_edit_that_breaks_the_workbook_is_not_written(make_xlsx):
    path = make_xlsx({"cluster": cluster(), "entreprises": firms("fr", ["E1", "Atelier", "producteur", 12])})
    original = path.read_bytes()
    edit = WorkbookEditor(path, "en")
    edit.sheet("enterprises").append({"enterprise_id": "E1", "name": "Tannerie", "role": "supplier", "employees": 4})
    with pytest.raises(WorkbookError) as caught:
        edit.save()
    (problem,) = caught.value.problems
    # named by the team's file, not the staged copy
    assert (problem.code, problem.file, problem.row) == ("id_duplicate", "book.xlsx", 5)
    assert path.read_bytes() == original
    assert sorted(p.name for p in path.parent.iterdir()) == ["book.xlsx"]  # no backup, no staged file left


def test_only_an_xlsx_workbook_is_edited(tmp_path):
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "cluster.csv").write_text("key;value\nname;Test\n", encoding="utf-8")
    with pytest.raises(WorkbookError) as caught:
        WorkbookEditor(folder, "fr")
    assert [p.code for p in caught.value.problems] == ["workbook_xlsx"]
    assert "enregistrez le classeur au format .xlsx" in caught.value.format("fr")
    assert "save the workbook as .xlsx" in caught.value.format("en")
