"""The workbook writer: the blank workbook a team fills, and workbooks written from frames.

Written files are opened with openpyxl to check what a team sees (sheet names, headers,
instructions, drop-down lists), then read back with the reader to check nothing is lost.
"""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest

from clusterkit.cli import main
from clusterkit.i18n import t
from clusterkit.schema import ENUMS, SHEETS
from clusterkit.workbook import WorkbookError, read_workbook
from clusterkit.workbook.writer import VALIDATION_ROWS, new_workbook, write_workbook

TABLES = [key for key, sheet in SHEETS.items() if not sheet.key_value]
VISIBLE = {
    "en": [
        "instructions",
        "cluster",
        "employment",
        "candidates",
        "criteria",
        "enterprises",
        "actors",
        "relations",
        "swot",
        "services",
        "narratives",
        "vision",
        "objectives",
        "actions",
        "indicators",
        "measurements",
        "competencies",
    ],
    "fr": [
        "mode d'emploi",
        "cluster",
        "emploi",
        "candidats",
        "critères",
        "entreprises",
        "acteurs",
        "relations",
        "swot",
        "services",
        "récits",
        "vision",
        "objectifs",
        "actions",
        "indicateurs",
        "mesures",
        "compétences",
    ],
}
LISTS = {"en": "lists", "fr": "listes"}
ROLE_LABELS = {
    "en": ["lead firm", "producer", "supplier", "subcontractor", "service provider", "trader"],
    "fr": ["entreprise leader", "producteur", "fournisseur", "sous-traitant", "prestataire de services", "commerçant"],
}

# What the reader returns for each kind of column: the one normalisation allowed when comparing
# written-and-read frames with the canonical ones (numpy int64/bool become nullable Int64/boolean,
# datetime64[us] becomes datetime64[ns]; the extra columns of candidates are numeric criteria).
READ_DTYPES = {
    "id": "str",
    "ref": "str",
    "text": "str",
    "enum": "str",
    "integer": "Int64",
    "number": "float64",
    "share": "float64",
    "bool": "boolean",
    "date": "datetime64[ns]",
}


def as_read(key: str, frame: pd.DataFrame) -> pd.DataFrame:
    kinds = {c.key: c.kind for c in SHEETS[key].columns}
    dtypes = {c: READ_DTYPES[kinds[c] if c in kinds else "number"] for c in frame.columns}
    assert SHEETS[key].open_numeric or set(frame.columns) <= set(kinds)
    return frame.astype(dtypes).sort_index(axis=1).reset_index(drop=True)


def header_row(ws) -> list:
    return [c.value for c in next(ws.iter_rows(min_row=1, max_row=1))]


def resolve(book, formula: str) -> list:
    """The cells a list validation's formula (``'sheet'!$A$2:$A$5``) points to."""
    sheet, _, cells = formula.rpartition("!")
    sheet = sheet[1:-1].replace("''", "'") if sheet.startswith("'") else sheet
    return [row[0].value for row in book[sheet][cells.replace("$", "")]]


def validation_of(ws, cell: str):
    found = [dv for dv in ws.data_validations.dataValidation if cell in dv.sqref]
    assert len(found) == 1, (ws.title, cell, len(found))
    return found[0]


@pytest.fixture(scope="module")
def blank(tmp_path_factory):
    folder = tmp_path_factory.mktemp("blank")
    return {lang: openpyxl.load_workbook(new_workbook(folder / f"blank_{lang}.xlsx", lang)) for lang in ("en", "fr")}


@pytest.fixture(scope="module")
def written_example(tmp_path_factory, example_frames):
    folder = tmp_path_factory.mktemp("example")
    return {lang: write_workbook(example_frames, folder / f"example_{lang}.xlsx", lang) for lang in ("en", "fr")}


# --------------------------------------------------------------------------------------------
# The blank workbook
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_blank_workbook_sheet_names_are_in_the_team_language(lang, blank):
    book = blank[lang]
    visible = [ws.title for ws in book.worksheets if ws.sheet_state == "visible"]
    assert visible == VISIBLE[lang]
    assert [ws.title for ws in book.worksheets if ws.sheet_state != "visible"] == [LISTS[lang]]
    assert book[VISIBLE[lang][1]] is book.active  # opens on the cluster's identity card


def test_blank_workbook_headers_are_keys_in_english_and_labels_in_french(blank):
    en, fr = blank["en"], blank["fr"]
    assert header_row(en["enterprises"])[:5] == ["enterprise_id", "name", "role", "employees", "employees_women"]
    assert header_row(fr["entreprises"])[:5] == ["id_entreprise", "nom", "rôle", "effectif", "effectif_femmes"]
    assert header_row(fr["relations"]) == [
        "source",
        "cible",
        "type_relation",
        "intensité",
        "formelle",
        "vague_enquête",
        "uuid_soumission",
    ]
    assert header_row(fr["compétences"])[-2:] == ["note", "preuves"]
    for key in TABLES:
        keys = [c.key for c in SHEETS[key].columns]
        assert header_row(en[key]) == keys
        assert header_row(fr[t(f"sheet.{key}", "fr")]) == [t(f"col.{k}", "fr") for k in keys]
        for book in (en, fr):  # headers only: no data row
            assert book[t(f"sheet.{key}", "en" if book is en else "fr")].max_row == 1


def test_blank_workbook_cluster_sheet_lists_its_keys(blank):
    en = [[c.value for c in row] for row in blank["en"]["cluster"].iter_rows(max_col=2)]
    fr = [[c.value for c in row] for row in blank["fr"]["cluster"].iter_rows(max_col=2)]
    assert en == [["key", "value"]] + [[c.key, None] for c in SHEETS["cluster"].columns]
    assert [row[0] for row in fr] == [
        "clé",
        "nom",
        "pays",
        "région",
        "secteur",
        "orientation",
        "langue",
        "devise",
        "animateur",
        "date_début",
        "date_situation",
        "note",
    ]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_blank_workbook_has_instructions_naming_every_sheet(lang, blank):
    ws = blank[lang][VISIBLE[lang][0]]
    lines = [row[0] for row in ws.iter_rows(values_only=True)]
    assert lines[0] == t("workbook.instructions.title", lang)
    assert (
        lines[0]
        == {
            "en": "The cluster team's workbook — instructions",
            "fr": "Classeur de l'équipe du cluster — mode d'emploi",
        }[lang]
    )
    assert any(line and "workbook check" in line for line in lines)
    for key in SHEETS:
        assert any(line and line.startswith(f"{t(f'sheet.{key}', lang)} — ") for line in lines), key


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_enumerated_column_has_a_drop_down_of_its_labels(lang, blank):
    book = blank[lang]
    checked = 0
    for key in TABLES:
        ws = book[t(f"sheet.{key}", lang)]
        for index, column in enumerate(SHEETS[key].columns, start=1):
            if column.kind not in ("enum", "bool"):
                assert not [
                    dv
                    for dv in ws.data_validations.dataValidation
                    if f"{openpyxl.utils.get_column_letter(index)}2" in dv.sqref
                ], (key, column.key)
                continue
            letter = openpyxl.utils.get_column_letter(index)
            dv = validation_of(ws, f"{letter}2")
            assert f"{letter}{VALIDATION_ROWS}" in dv.sqref
            assert dv.type == "list" and dv.allow_blank and dv.showErrorMessage
            expected = (
                [t(f"enum.{column.enum}.{v}", lang) for v in ENUMS[column.enum]]
                if column.enum
                else [t("enum.bool.true", lang), t("enum.bool.false", lang)]
            )
            assert resolve(book, dv.formula1) == expected, (key, column.key)
            checked += 1
    assert checked >= 24  # the contract alone has 24 enumerated or yes/no columns
    role = validation_of(book[t("sheet.enterprises", lang)], "C2")
    assert resolve(book, role.formula1) == ROLE_LABELS[lang]
    member = validation_of(book[t("sheet.enterprises", lang)], "M2")
    assert resolve(book, member.formula1) == {"en": ["yes", "no"], "fr": ["oui", "non"]}[lang]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_cluster_sheet_drop_downs_for_orientation_and_language(lang, blank):
    book = blank[lang]
    ws = book["cluster"]
    rows = {c.key: row for row, c in enumerate(SHEETS["cluster"].columns, start=2)}
    assert (
        resolve(book, validation_of(ws, f"B{rows['language']}").formula1)
        == {"en": ["French", "English"], "fr": ["français", "anglais"]}[lang]
    )
    assert (
        resolve(book, validation_of(ws, f"B{rows['orientation']}").formula1)
        == {"en": ["competitiveness", "pro-poor"], "fr": ["compétitivité", "favorable aux pauvres"]}[lang]
    )


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_blank_workbook_reads_back_once_the_cluster_is_named(lang, tmp_path, problems_of):
    path = new_workbook(tmp_path / "blank.xlsx", lang)
    (problem,) = problems_of(path)  # the only required cell of a blank workbook
    assert (problem.code, problem.sheet, problem.row, problem.column) == (
        "value_required",
        "cluster",
        2,
        {"en": "name", "fr": "nom"}[lang],
    )
    assert problem.message("en").endswith(
        "How to fix: write the value in the 'value' column, on the row of the key 'name' (nom)."
    )
    assert problem.message("fr").endswith(
        "Correction : écrivez la valeur dans la colonne « valeur », sur la ligne de la clé « nom » (name)."
    )
    book = openpyxl.load_workbook(path)
    book["cluster"]["B2"] = "Cluster du miel"
    book.save(path)
    wb = read_workbook(path)
    assert wb.cluster == {c.key: None for c in SHEETS["cluster"].columns} | {"name": "Cluster du miel"}
    assert sorted(wb.sheets) == sorted(TABLES) and not any(wb.has(key) for key in TABLES)
    assert wb.notices == []  # the instructions and lists sheets are not data
    assert wb["enterprises"].columns.tolist() == [c.key for c in SHEETS["enterprises"].columns]


# --------------------------------------------------------------------------------------------
# Workbooks written from frames
# --------------------------------------------------------------------------------------------
def test_written_example_reads_back_to_the_canonical_frames(written_example, example_frames):
    wb = read_workbook(written_example["en"])
    assert sorted(wb.sheets) == sorted(TABLES)
    for key in TABLES:
        pd.testing.assert_frame_equal(wb[key].sort_index(axis=1), as_read(key, example_frames[key]), obj=key)
    cluster = example_frames["cluster"]
    assert wb.cluster == dict(zip(cluster["key"], cluster["value"]))
    assert wb.notices == []


def test_french_workbook_reads_back_to_the_same_frames_as_the_english_one(written_example):
    en, fr = read_workbook(written_example["en"]), read_workbook(written_example["fr"])
    assert fr.sheet_titles["enterprises"] == "entreprises" and en.sheet_titles["enterprises"] == "enterprises"
    assert sorted(fr.sheets) == sorted(en.sheets)
    for key in en.sheets:
        pd.testing.assert_frame_equal(fr[key], en[key], obj=key)
    assert fr.cluster == en.cluster


def test_cells_are_written_in_the_team_language(tmp_path):
    firms = pd.DataFrame(
        {
            "enterprise_id": ["E1", "E2"],
            "name": ["Atelier", "=1+2"],
            "role": ["lead_firm", "subcontractor"],
            "employees": [80, 7],
            "employees_women": pd.array([30, None], dtype="Int64"),
            "export_share": [0.45, None],
            "association_member": [True, False],
        }
    )
    actions = pd.DataFrame(
        {"action_id": ["AC1"], "start": [pd.Timestamp("2025-03-01")], "end": [pd.Timestamp("2025-06-30 17:30")]}
    )
    frames = {"enterprises": firms, "actions": actions}
    for lang, role, member in (("fr", "entreprise leader", "oui"), ("en", "lead firm", "yes")):
        book = openpyxl.load_workbook(write_workbook(frames, tmp_path / f"{lang}.xlsx", lang))
        ws = book[t("sheet.enterprises", lang)]
        rows = list(ws.iter_rows(min_row=2, values_only=True))
        assert rows[0][:4] == ("E1", "Atelier", role, 80) and rows[0][12] == member
        assert rows[1][4] is None and rows[1][9] is None  # missing stays empty, never 0
        assert ws["B3"].value == "=1+2" and ws["B3"].data_type == "s"  # user text is never a formula
        start, end = book[t("sheet.actions", lang)]["I2"], book[t("sheet.actions", lang)]["J2"]
        assert start.value == dt.datetime(2025, 3, 1) and start.number_format == "yyyy-mm-dd"
        assert end.value == dt.datetime(2025, 6, 30, 17, 30)


def test_partial_frames_read_back_with_missing_values_kept(tmp_path):
    firms = pd.DataFrame(
        {
            "enterprise_id": ["E1", "E2"],
            "name": ["Atelier", "=1+2"],
            "role": ["lead_firm", "trader"],
            "employees": [80, 7],
            "employees_women": pd.array([30, None], dtype="Int64"),
            "export_share": [0.45, None],
            "association_member": pd.array([True, None], dtype="boolean"),
            "comment": ["visité", None],
        }
    )
    cluster = pd.DataFrame({"key": ["name", "language"], "value": ["Cluster test", "en"]})
    wb = read_workbook(write_workbook({"cluster": cluster, "enterprises": firms}, tmp_path / "p.xlsx", "fr"))
    assert wb.cluster == {c.key: None for c in SHEETS["cluster"].columns} | {"name": "Cluster test", "language": "en"}
    e = wb["enterprises"]
    assert e["name"].tolist() == ["Atelier", "=1+2"]
    assert e["role"].tolist() == ["lead_firm", "trader"]
    assert e["employees_women"].iloc[0] == 30 and pd.isna(e["employees_women"].iloc[1])
    assert e["export_share"].iloc[0] == 0.45 and pd.isna(e["export_share"].iloc[1])
    assert e["association_member"].iloc[0] and pd.isna(e["association_member"].iloc[1])
    assert e["comment"].tolist() == ["visité", None]  # an extra column is kept
    assert [n.key for n in wb.notices] == ["notice.extra_column"]
    assert all(len(wb[key]) == 0 for key in TABLES if key != "enterprises")


def test_rewriting_replaces_the_file(tmp_path):
    path = tmp_path / "team.xlsx"
    new_workbook(path, "fr")
    new_workbook(path, "en")
    assert openpyxl.load_workbook(path).sheetnames[0] == "instructions"
    assert [p.name for p in tmp_path.iterdir()] == ["team.xlsx"]  # no temporary file left behind


def test_writer_refuses_an_unknown_language(tmp_path):
    with pytest.raises(ValueError):
        new_workbook(tmp_path / "x.xlsx", "de")
    assert not (tmp_path / "x.xlsx").exists()


# --------------------------------------------------------------------------------------------
# The command line
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang, done", [("en", "Blank workbook written: "), ("fr", "Classeur vierge écrit : ")])
def test_cli_workbook_new_writes_a_blank_workbook(lang, done, tmp_path, capsys):
    path = tmp_path / "team.xlsx"
    assert main(["workbook", "new", str(path), "--lang", lang]) == 0
    assert capsys.readouterr().out.strip() == f"{done}{path}"
    book = openpyxl.load_workbook(path)
    assert [ws.title for ws in book.worksheets if ws.sheet_state == "visible"] == VISIBLE[lang]
    with pytest.raises(WorkbookError):  # the cluster still needs its name
        read_workbook(path)
