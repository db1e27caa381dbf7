"""The facilitation kit: blank forms, action sheets and the steering agenda, opened with python-docx."""

from __future__ import annotations

import os

import pytest
from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph

from clusterkit import cli, kit
from clusterkit.errors import InputError
from clusterkit.steps import implementation
from clusterkit.workbook import example_path, read_workbook

NB = "\u202f"  # French thousands separator and space before a colon


@pytest.fixture(scope="module")
def wb():
    return read_workbook(example_path(), step="implementation")


def fields(document) -> dict[str, str]:
    """Every label -> entry of the forms' two-column field tables."""
    found = {}
    for table in document.tables:
        if len(table.columns) == 2 and table.rows[0].cells[1].text in ("À remplir", "Entry"):
            found.update({row.cells[0].text: row.cells[1].text for row in table.rows[1:]})
    return found


def grid_after(document, heading: str) -> list[list[str]]:
    """The rows (header included) of the first table after the heading ``heading``."""
    seen = False
    for block in document.iter_inner_content():  # paragraphs and tables, in reading order
        if isinstance(block, Paragraph) and block.text == heading:
            seen = True
        elif seen and isinstance(block, Table):
            return [[cell.text for cell in row.cells] for row in block.rows]
    raise AssertionError(f"no table after {heading!r}")


# --------------------------------------------------------------------------------------------
# Blank forms
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "lang, names, heading, guide",
    [
        (
            "fr",
            ["fiche-action.docx", "charte-cluster.docx", "convention-cofinancement.docx", "tdr-animateur.docx"],
            "Étapes de lancement",
            "les treize étapes suivies en Tunisie",
        ),
        (
            "en",
            ["action-sheet.docx", "cluster-charter.docx", "cost-sharing-agreement.docx", "facilitator-tor.docx"],
            "Launch steps",
            "the thirteen steps followed in Tunisia",
        ),
    ],
)
def test_blank_forms_in_each_language_have_headings_italic_guidance_and_empty_tables(
    tmp_path, lang, names, heading, guide
):
    paths = kit.write_blank_forms(tmp_path, lang)
    assert [p.name for p in paths] == names
    sheet = Document(paths[0])
    assert sheet.core_properties.language == lang
    headings = [p.text for p in sheet.paragraphs if p.style.name.startswith("Heading")]
    assert len(headings) == len(kit.FORMS["action_sheet"]) and heading in headings
    guidance = [p for p in sheet.paragraphs if guide in p.text]
    assert guidance and all(run.italic for run in guidance[0].runs)
    assert set(fields(sheet).values()) == {""}  # blank: nothing filled in
    launch = grid_after(sheet, heading)
    assert len(launch) == 1 + 13 and all(cell == "" for row in launch[1:] for cell in row[1:])
    tor = Document(paths[3])
    skills = grid_after(tor, "Compétences attendues" if lang == "fr" else "Expected skills")
    assert len(skills) == 1 + 12  # the twelve sub-skills of the profile


def test_blank_forms_are_rewritten_only_when_their_content_changes(tmp_path):
    first = kit.write_blank_forms(tmp_path, "fr")
    before = {p: p.read_bytes() for p in first}
    os.utime(first[0], (1, 1))
    kit.write_blank_forms(tmp_path, "fr")
    assert first[0].stat().st_mtime == 1  # same bytes: not written again
    assert {p: p.read_bytes() for p in first} == before


# --------------------------------------------------------------------------------------------
# Action sheets from the example workbook
# --------------------------------------------------------------------------------------------
def test_one_sheet_per_action_filled_from_the_workbook(tmp_path, wb):
    paths = kit.action_sheets(wb, tmp_path, "en")
    assert len(paths) == 22 and paths[2].name == "action-sheet-ACT03.docx"
    brand = Document(paths[2])
    values = fields(brand)
    # hand-checked: budget 131,100 at 73 % -> the fund pays 95,703 and the cluster 35,397
    assert values["Action code"] == "ACT03"
    assert (
        values["Objective of the plan"] == "O1 — Accroître les ventes du cluster sur les marchés national et régional"
    )
    assert values["Lead"] == "Association des artisans chausseurs de Tamsa"
    assert values["Partners"] == "Centre technique du cuir et de la chaussure; Atelier Forme, bureau de design"
    assert (values["Start"], values["End"], values["Plan year"]) == ("Jun 1, 2025", "May 31, 2027", "1")
    assert (values["Currency"], values["Budget"], values["Co-financing rate"]) == ("EUR", "131,100\u00a0EUR", "73%")
    assert (values["Support fund's share"], values["Local contribution"]) == ("95,703\u00a0EUR", "35,397\u00a0EUR")
    assert values["Kind"] == "structuring project" and values["Status"] == "ongoing"
    indicators = grid_after(brand, "Linked indicators")
    assert indicators[1] == [
        "I09",
        "Entreprises autorisées à utiliser la marque collective",
        "entreprises",
        "0",
        "20",
        "Dec 31, 2028",
    ]


def test_action_sheet_in_french_with_french_numbers(tmp_path, wb):
    paths = kit.action_sheets(wb, tmp_path, "fr")
    consortium = Document(tmp_path / "fiche-action-ACT13.docx")
    assert consortium.paragraphs[0].text.startswith("Fiche action ACT13 — Consortium d'exportation")
    values = fields(consortium)
    # hand-checked: 88 800 at 55 % -> 48 840 from the fund, 39 960 locally, in plan year 2
    assert values["Chef de file"] == "Manufacture Masson"
    assert values["Partenaires"] == "Agence nationale de promotion des exportations; Cabinet Gestion Plus"
    assert values["Budget"] == f"88{NB}800\u00a0EUR" and values["Taux de cofinancement"] == "55\xa0%"
    assert (
        values["Part du fonds d’appui"] == f"48{NB}840\u00a0EUR"
        and values["Contribution locale"] == f"39{NB}960\u00a0EUR"
    )
    assert values["Année du plan"] == "2" and values["Début"] == "1er janv. 2026"
    assert grid_after(consortium, "Indicateurs liés")[1][0] == "I06"
    assert len(paths) == 22


# --------------------------------------------------------------------------------------------
# The steering committee's agenda
# --------------------------------------------------------------------------------------------
def listed(path, lang="fr") -> list[str]:
    heading = "Actions en retard ou à risque" if lang == "fr" else "Actions late or at risk"
    return [row[0] for row in grid_after(Document(path), heading)[1:]]


def test_agenda_at_the_workbook_status_date_lists_the_late_and_overdue_actions(tmp_path, wb):
    path, delays = kit.steering_agenda(wb, tmp_path / "agenda.docx", "fr")
    # hand-checked on 31 Dec 2026: ACT17 should have started on 1 Sep (121 days), ACT16 ended on 31 Oct (61 days)
    assert listed(path) == ["ACT17", "ACT16"] == list(delays["action_id"])
    rows = grid_after(Document(path), "Actions en retard ou à risque")
    assert rows[1][3] == "démarrage en retard" and rows[1][6] == "121" and rows[2][6] == "61"
    assert rows[2][7].startswith("Retard") and rows[1][8] == ""  # the team's note; room for the decision
    assert "31 déc. 2026" in Document(path).paragraphs[0].text


def test_agenda_at_another_date_lists_exactly_what_the_implementation_step_calls_late(tmp_path, wb):
    path, _ = kit.steering_agenda(wb, tmp_path / "agenda.docx", "en", as_of="2027-03-31")
    follow = implementation.follow_up(wb["actions"], "2027-03-31")
    step = set(implementation.delays(follow)["action_id"])
    # hand-checked: ACT06, ACT07 and ACT16 ended unfinished; ACT17, ACT19, ACT21, ACT22 have not started
    assert set(listed(path, "en")) == step == {"ACT06", "ACT07", "ACT16", "ACT17", "ACT19", "ACT21", "ACT22"}


# --------------------------------------------------------------------------------------------
# Errors and the command line
# --------------------------------------------------------------------------------------------
def test_existing_outputs_are_refused_untouched_and_nothing_else_is_written(tmp_path, wb):
    (tmp_path / "action-sheet-ACT05.docx").write_bytes(b"kept")
    with pytest.raises(InputError, match="--force") as caught:
        kit.action_sheets(wb, tmp_path, "en")
    assert "action-sheet-ACT05.docx already exists" in str(caught.value)
    assert [p.name for p in tmp_path.iterdir()] == ["action-sheet-ACT05.docx"]
    assert (tmp_path / "action-sheet-ACT05.docx").read_bytes() == b"kept"
    kit.action_sheets(wb, tmp_path, "en", force=True)
    assert fields(Document(tmp_path / "action-sheet-ACT05.docx"))["Action code"] == "ACT05"


def test_command_line_writes_refuses_and_explains_in_the_users_language(tmp_path, capsys):
    out = tmp_path / "agenda.docx"
    argv = ["kit", "steering-agenda", "--workbook", str(example_path()), "--out", str(out), "--as-of", "2027-03-31"]
    assert cli.main(argv) == 0
    assert "(7 actions en retard ou à risque)" in capsys.readouterr().out
    before = out.read_bytes()
    assert cli.main(argv) == 2
    assert f"existe déjà (1 fichier de sortie existe){NB}: rien n’a été écrit" in capsys.readouterr().err
    assert out.read_bytes() == before
    assert cli.main(argv + ["--force", "--lang", "en", "--as-of", "2027-02-30"]) == 2
    assert "Unreadable follow-up date: '2027-02-30'" in capsys.readouterr().err
    assert out.read_bytes() == before
    sheets = tmp_path / "sheets"
    assert (
        cli.main(["kit", "action-sheets", "--workbook", str(example_path()), "--out", str(sheets), "--lang", "en"]) == 0
    )
    assert "22 action sheets written" in capsys.readouterr().out
    assert cli.main(["kit", "action-sheets", "--workbook", str(example_path()), "--out", str(out)]) == 2
    assert "agenda.docx est un fichier, pas un dossier" in capsys.readouterr().err  # the workbook speaks French


def test_out_must_be_a_folder_for_the_sheets(tmp_path, wb):
    target = tmp_path / "file.docx"
    target.write_bytes(b"x")
    with pytest.raises(InputError, match="is a file, not a folder"):
        kit.action_sheets(wb, target, "en")
    with pytest.raises(InputError, match="est un fichier, pas un dossier"):
        kit.action_sheets(wb, target, "fr")


def test_a_workbook_without_actions_is_refused_with_the_workbooks_message(tmp_path, make_xlsx, capsys):
    path = make_xlsx({"cluster": [["clé", "valeur"], ["nom", "Potiers de Nabeul"]]})
    assert cli.main(["kit", "action-sheets", "--workbook", str(path), "--out", str(tmp_path / "out")]) == 2
    message = capsys.readouterr().err
    assert "book.xlsx" in message and "actions" in message
    assert not (tmp_path / "out").exists()
