"""The team workbook reader: parsing, typed frames, and one clear problem per thing wrong.

Malformed workbooks are built here with openpyxl; each problem is checked by its fields and by
its French and English messages. Row numbers are Excel's: the header is row 1, data start on 2.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import zipfile

import pandas as pd
import pytest

from clusterkit import i18n
from clusterkit.cli import main
from clusterkit.schema import ENUMS, SHEETS, STEPS
from clusterkit.workbook import WorkbookError, example_path, parse_bool, parse_date, parse_number, read_workbook

# --------------------------------------------------------------------------------------------
# Small valid sheets, as rows; `edit` makes a broken copy.
# --------------------------------------------------------------------------------------------
ENTERPRISES = [
    ["enterprise_id", "name", "role", "employees", "employees_women", "turnover", "export_share", "association_member"],
    ["E1", "Atelier Diallo", "producer", 12, 5, 150000, 0.3, "oui"],
    ["E2", "Tannerie Sow", "supplier", 30, 10, "1 234,5", "45%", "no"],
]
ACTORS = [
    ["actor_id", "name", "type", "level"],
    ["E1", "Atelier Diallo", "enterprise", "micro"],
    ["A1", "Chambre des métiers", "public_institution", "meso"],
]
RELATIONS = [
    ["source", "target", "relation_type", "intensity"],
    ["E1", "A1", "information", 2],
    ["A1", "E1", "service", 1],
]
OBJECTIVES = [["objective_id", "statement"], ["O1", "Vendre davantage hors de la région"]]
ACTIONS = [
    [
        "action_id",
        "objective_id",
        "title",
        "kind",
        "domain",
        "scope",
        "lead",
        "start",
        "end",
        "budget",
        "impact",
        "feasibility",
        "status",
    ],
    [
        "AC1",
        "O1",
        "Stand commun au salon",
        "quick_win",
        "commercial",
        "whole_cluster",
        "Association",
        dt.datetime(2025, 3, 1),
        dt.datetime(2025, 6, 30),
        12000,
        4,
        3,
        "planned",
    ],
]
INDICATORS = [
    ["indicator_id", "name", "level", "dimension", "battery", "unit", "target", "target_date"],
    ["I1", "Emplois", "outcome", "effectiveness", "competitiveness", "emplois", 500, "2028-12-31"],
]
MEASUREMENTS = [["indicator_id", "date", "value"], ["I1", "2025-12-31", 320]]
EMPLOYMENT = [["region", "sector", "year", "employment"], ["Nord", "Cuir", 2020, 1200], ["Sud", "Cuir", 2020, 800]]
CANDIDATES = [
    ["candidate_id", "name", "region", "sector", "employment", "exports"],
    ["C1", "Cuir de Tamsa", "Tamsa", "Cuir", 1200, 0.4],
]
CRITERIA = [
    ["criterion", "label", "weight", "direction", "group"],
    ["employment", "Emplois", 2, "higher_better", "economic"],
]
COMPETENCIES = [
    ["person", "date", "assessor", "competency", "skill", "score"],
    ["Awa", "2025-03-31", "self", "facilitator", "listening_meetings", 4],
]


def edit(rows: list[list], changes: dict) -> list[list]:
    """A copy of ``rows`` with ``{(excel_row, column header): value}`` changed."""
    rows = [list(r) for r in rows]
    for (excel_row, column), value in changes.items():
        rows[excel_row - 1][rows[0].index(column)] = value
    return rows


def location(problem, lang: str) -> str:
    """The start of a problem's message, as the issue asks: file, sheet, row, column."""
    p, column = problem, problem.column or "—"
    if lang == "en":
        return f"{p.file}, sheet '{p.sheet}', row {p.row}, column '{column}'"
    return f"{p.file}, feuille « {p.sheet} », ligne {p.row}, colonne « {column} »"


def check(problem, code, sheet, row, column, value, en=(), fr=()):
    """Assert a problem's fields, and that each message starts at its cell and holds ``en``/``fr``."""
    assert (problem.code, problem.sheet, problem.row, problem.column) == (code, sheet, row, column)
    # a value found may be a label rendered in the message's language; compare its English form
    assert (problem.value("en") if callable(problem.value) else problem.value) == value
    for lang, parts in (("en", en), ("fr", fr)):
        text = problem.message(lang)
        if row is not None:
            assert text.startswith(location(problem, lang)), text
        for part in parts:
            assert part in text, f"{part!r} not in {text!r}"


def only(problems):
    assert len(problems) == 1, [p.message("en") for p in problems]
    return problems[0]


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --------------------------------------------------------------------------------------------
# Cell parsing
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, expected",
    [
        ("0.45", 0.45),
        ("45%", 0.45),
        ("45 %", 0.45),
        ("45\u00a0%", 0.45),
        ("0,45", 0.45),
        ("1 234,5", 1234.5),
        ("1\u00a0234,5", 1234.5),
        ("1\u202f234,5", 1234.5),
        ("1,234.5", 1234.5),
        ("1.234,5", 1234.5),
        ("1,234,567", 1234567.0),
        (" 12 ", 12.0),
        ("-2,5", -2.5),
        ("150%", 1.5),
        (12, 12.0),
        (0.45, 0.45),
        (1234.5, 1234.5),
        (0, 0.0),
    ],
)
def test_parse_number_reads_french_english_and_excel_forms(text, expected):
    assert parse_number(text) == pytest.approx(expected, rel=0, abs=1e-12)
    assert isinstance(parse_number(text), float)


@pytest.mark.parametrize(
    "value", ["abc", "nan", "NaN", "inf", "-inf", "", "12 kg", True, False, float("nan"), float("inf")]
)
def test_parse_number_rejects_non_numbers(value):
    with pytest.raises(ValueError):
        parse_number(value)


@pytest.mark.parametrize(
    "value, expected",
    [
        (dt.datetime(2025, 3, 31), pd.Timestamp("2025-03-31")),
        (dt.datetime(2025, 3, 31, 14, 30), pd.Timestamp("2025-03-31 14:30")),
        (dt.date(2025, 3, 31), pd.Timestamp("2025-03-31")),
        (45000, pd.Timestamp("2023-03-15")),  # Excel serial number
        (45000.5, pd.Timestamp("2023-03-15 12:00")),
        (1, pd.Timestamp("1899-12-31")),
        ("2025-03-31", pd.Timestamp("2025-03-31")),
        (" 2025-03-31 ", pd.Timestamp("2025-03-31")),
        ("45000", pd.Timestamp("2023-03-15")),  # a serial typed as text (CSV)
        ("31/03/2025", pd.Timestamp("2025-03-31")),  # as French Excel writes dates to CSV
    ],
)
def test_parse_date_reads_excel_dates_serials_and_iso_text(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["03/31/2025", "31/02/2025", "mars 2025", "abc", 0, -5, True])
def test_parse_date_rejects_other_forms(value):
    with pytest.raises(ValueError):
        parse_date(value)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("yes", True),
        ("no", False),
        ("oui", True),
        ("non", False),
        ("true", True),
        ("false", False),
        ("1", True),
        ("0", False),
        (1, True),
        (0, False),
        (1.0, True),
        (True, True),
        (False, False),
        ("YES", True),
        ("Oui", True),
        ("NON", False),
        ("True", True),
        ("FALSE", False),
        (" oui ", True),
    ],
)
def test_parse_bool_accepts_both_languages_any_case(value, expected):
    assert parse_bool(value) is expected


@pytest.mark.parametrize("value", ["peut-être", "maybe", "", 2, 0.5])
def test_parse_bool_rejects_other_values(value):
    with pytest.raises(ValueError):
        parse_bool(value)


# --------------------------------------------------------------------------------------------
# Enumerations, typed frames, languages, CSV
# --------------------------------------------------------------------------------------------
def test_enumerations_match_french_english_and_keys_ignoring_case_and_accents(make_xlsx):
    spellings = [  # (role, owner_gender, market_segment) as typed, then canonical
        (("Entreprise Leader", "Femme", "Régional"), ("lead_firm", "f", "regional")),
        (("LEAD_FIRM", "woman", "regional"), ("lead_firm", "f", "regional")),
        (("lead firm", "F", "REGIONAL"), ("lead_firm", "f", "regional")),
        (("Sous-Traitant", "HOMME", "international"), ("subcontractor", "m", "international")),
        (("sous traitant", "man", "Local"), ("subcontractor", "m", "local")),
        (("commercant", "mixte", "national"), ("trader", "mixed", "national")),
        (("Prestataire de services", "Mixed", "NATIONAL"), ("service_provider", "mixed", "national")),
    ]
    rows = [["enterprise_id", "name", "role", "employees", "owner_gender", "market_segment"]]
    rows += [[f"E{i}", "Atelier", *typed[:1], 3, *typed[1:]] for i, (typed, _) in enumerate(spellings)]
    firms = read_workbook(make_xlsx({"enterprises": rows}))["enterprises"]
    got = list(zip(firms["role"], firms["owner_gender"], firms["market_segment"]))
    assert got == [canonical for _, canonical in spellings]


def test_frames_are_typed_and_empty_optional_cells_are_missing(make_xlsx):
    firms = [
        [
            "enterprise_id",
            "name",
            "role",
            "employees",
            "employees_women",
            "year_founded",
            "turnover",
            "export_share",
            "owner_stratum",
            "association_member",
        ],
        ["E1", "Atelier Diallo", "producer", 12, 5, 1998, 150000, 0.3, "artisan", "oui"],
        [7, "Tannerie Sow", "supplier", 30, None, None, None, None, None, None],  # id typed as a number
        ["E3", "Sellerie Ba", "trader", "4", "0", "2010", "1 234,5", "45 %", "commerçant", "no"],
    ]
    actions = [
        *ACTIONS,
        [
            "AC2",
            "O1",
            "Formation",
            "structuring",
            "human_resources",
            "firm_group",
            "Centre",
            45000,
            "2023-06-30",
            "8 000",
            5,
            2,
            "done",
        ],
        [
            "AC3",
            "O1",
            "Achats groupés",
            "quick_win",
            "procurement",
            "firm_group",
            "Association",
            "2025-03-31",
            dt.date(2025, 12, 31),
            0,
            3,
            3,
            "ongoing",
        ],
    ]
    wb = read_workbook(make_xlsx({"enterprises": firms, "objectives": OBJECTIVES, "actions": actions}))
    e = wb["enterprises"]
    for column in ("enterprise_id", "name", "role", "owner_stratum", "owner_gender"):
        assert isinstance(e[column].dtype, pd.StringDtype), column
    for column in ("employees", "employees_women", "year_founded"):
        assert e[column].dtype == "Int64", column
    assert e["turnover"].dtype == "float64" and e["export_share"].dtype == "float64"
    assert e["association_member"].dtype == "boolean"
    assert e["enterprise_id"].tolist() == ["E1", "7", "E3"]
    assert e["employees"].tolist() == [12, 30, 4]
    assert e["turnover"].iloc[[0, 2]].tolist() == [150000.0, 1234.5]
    assert e["export_share"].iloc[[0, 2]].tolist() == [0.3, 0.45]
    assert e["association_member"].iloc[[0, 2]].tolist() == [True, False]
    # empty optional cells are missing, never zero; a typed 0 stays 0
    assert (
        e.loc[1, ["employees_women", "year_founded", "turnover", "export_share", "owner_stratum", "association_member"]]
        .isna()
        .all()
    )
    assert e.loc[2, "employees_women"] == 0
    assert e["owner_gender"].isna().all()  # a column absent from the sheet is all missing
    assert e["employees_women"].sum() == 5
    a = wb["actions"]
    assert a["start"].dtype == "datetime64[ns]" and a["end"].dtype == "datetime64[ns]"
    assert a["start"].tolist() == [pd.Timestamp("2025-03-01"), pd.Timestamp("2023-03-15"), pd.Timestamp("2025-03-31")]
    assert a["end"].tolist() == [pd.Timestamp("2025-06-30"), pd.Timestamp("2023-06-30"), pd.Timestamp("2025-12-31")]
    assert a["budget"].tolist() == [12000.0, 8000.0, 0.0]
    assert a["cofinancing_rate"].isna().all() and a["spent"].isna().all()
    assert a["plan_year"].dtype == "Int64" and a["plan_year"].isna().all()
    assert wb.excel_rows == {"enterprises": [2, 3, 4], "objectives": [2], "actions": [2, 3, 4]}


def test_french_sheet_names_headers_and_labels_read_like_english(make_xlsx):
    english = make_xlsx(
        {
            "enterprises": [
                ["enterprise_id", "name", "role", "employees", "export_share", "association_member"],
                ["E1", "Atelier", "lead_firm", 80, 0.45, "yes"],
                ["E2", "Tannerie", "subcontractor", 7, None, "no"],
            ],
            "actors": ACTORS,
        },
        name="en.xlsx",
    )
    french = make_xlsx(
        {
            "Entreprises": [
                ["id_entreprise", "nom", "rôle", "effectif", "part_export", "membre_association"],
                ["E1", "Atelier", "entreprise leader", 80, "45 %", "oui"],
                ["E2", "Tannerie", "sous-traitant", 7, None, "non"],
            ],
            "acteurs": [
                ["id_acteur", "nom", "type", "niveau"],
                ["E1", "Atelier Diallo", "entreprise", "micro"],
                ["A1", "Chambre des métiers", "institution publique", "méso"],
            ],
        },
        name="fr.xlsx",
    )
    en, fr = read_workbook(english), read_workbook(french)
    assert fr.sheet_titles == {"enterprises": "Entreprises", "actors": "acteurs"}
    assert set(fr.sheets) == set(en.sheets) == {"enterprises", "actors"}
    for key in en.sheets:
        pd.testing.assert_frame_equal(fr[key], en[key])
    assert fr.notices == [] and en.notices == []


def test_csv_folder_in_latin1_with_semicolons_and_decimal_commas(tmp_path):
    folder = tmp_path / "classeur"
    folder.mkdir()
    text = (
        "id_entreprise;nom;rôle;effectif;effectif_femmes;part_export;chiffre_affaires\r\n"
        "E1;Société Générale;producteur;12;5;0,45;1 234,5\r\n"
        "E2;Café Élan;Entreprise Leader;80;;45 %;\r\n"
        "E3;Tannerie;sous-traitant;7;2;;2 500\r\n"
    )
    data = text.encode("latin-1")
    assert b"Soci\xe9t\xe9" in data  # really latin-1, not UTF-8
    (folder / "entreprises.csv").write_bytes(data)
    wb = read_workbook(folder)
    e = wb["enterprises"]
    assert wb.sheet_titles == {"enterprises": "entreprises"} and wb.excel_rows == {"enterprises": [2, 3, 4]}
    assert e["name"].tolist() == ["Société Générale", "Café Élan", "Tannerie"]
    assert e["role"].tolist() == ["producer", "lead_firm", "subcontractor"]
    assert e["employees"].tolist() == [12, 80, 7] and e["employees"].dtype == "Int64"
    assert e["export_share"].iloc[:2].tolist() == [0.45, 0.45] and pd.isna(e.loc[2, "export_share"])
    assert e.loc[0, "turnover"] == 1234.5 and pd.isna(e.loc[1, "turnover"]) and e.loc[2, "turnover"] == 2500
    assert pd.isna(e.loc[1, "employees_women"])


def test_csv_folder_checks_references_across_files(tmp_path):
    folder = tmp_path / "team"
    folder.mkdir()
    (folder / "actors.csv").write_text(
        "actor_id,name,type,level\nE1,Atelier,enterprise,micro\nA1,Chambre,public_institution,meso\n", encoding="utf-8"
    )
    (folder / "relations.csv").write_text(
        "source,target,relation_type,intensity\nE1,A1,supply,2\nE1,A7,service,1\n", encoding="utf-8"
    )
    with pytest.raises(WorkbookError) as caught:
        read_workbook(folder)
    problem = only(caught.value.problems)
    assert problem.file == "relations.csv"  # the file to open, not the folder
    check(
        problem,
        "ref_unknown",
        "relations",
        3,
        "target",
        "A7",
        en=["relations.csv, sheet 'relations', row 3, column 'target': found 'A7'", "of sheet 'actors'"],
        fr=["relations.csv, feuille « relations », ligne 3", "valeur trouvée « A7 »"],
    )


# --------------------------------------------------------------------------------------------
# Malformed workbooks: one problem each, checked by its fields and both messages
# --------------------------------------------------------------------------------------------
CELL_CASES = {
    # id: (sheets, (code, sheet, row, column, value), English parts, French parts)
    "text in a number column": (
        {"enterprises": edit(ENTERPRISES, {(3, "turnover"): "beaucoup"})},
        ("value_kind", "enterprises", 3, "turnover", "beaucoup"),
        ["found 'beaucoup'", "Expected: number.", "How to fix: write a number in digits, for example 1234.5"],
        ["valeur trouvée « beaucoup »", "Attendu : nombre.", "Correction : écrivez un nombre en chiffres"],
    ),
    "integer with decimals": (
        {"enterprises": edit(ENTERPRISES, {(2, "employees"): 12.5})},
        ("value_kind", "enterprises", 2, "employees", 12.5),
        ["found '12.5'", "Expected: whole number.", "write a whole number in digits, for example 12."],
        ["valeur trouvée « 12.5 »", "Attendu : nombre entier.", "écrivez un nombre entier en chiffres"],
    ),
    "required cell empty": (
        {"enterprises": edit(ENTERPRISES, {(3, "name"): None})},
        ("value_required", "enterprises", 3, "name", None),
        ["found '(empty)'", "Expected: a value (text).", "fill in the cell, or delete the row"],
        ["valeur trouvée « (vide) »", "Attendu : une valeur (texte).", "remplissez la cellule"],
    ),
    "required cell blank text": (
        {"enterprises": edit(ENTERPRISES, {(2, "role"): "   "})},
        ("value_required", "enterprises", 2, "role", "   "),
        [
            "found '(empty)'",
            "Expected: a value (one value of the list: lead firm, producer, supplier, "
            "subcontractor, service provider, trader).",
            "How to fix: fill in the cell, or delete the row",
        ],
        [
            "valeur trouvée « (vide) »",
            "Attendu : une valeur (une valeur de la liste : entreprise leader, "
            "producteur, fournisseur, sous-traitant, prestataire de services, commerçant).",
        ],
    ),
    "enumeration with a near suggestion": (
        {"enterprises": edit(ENTERPRISES, {(2, "role"): "producteurr"})},
        ("value_kind", "enterprises", 2, "role", "producteurr"),
        [
            "found 'producteurr'",
            "Expected: one value of the list: lead firm, producer, supplier, subcontractor, service provider, trader.",
            "How to fix: did you mean 'producer'?",
        ],
        [
            "valeur trouvée « producteurr »",
            "Attendu : une valeur de la liste : entreprise leader, producteur, "
            "fournisseur, sous-traitant, prestataire de services, commerçant.",
            "Correction : vouliez-vous écrire « producteur » ?",
        ],
    ),
    "enumeration far from every value": (
        {"enterprises": edit(ENTERPRISES, {(3, "role"): "zzz"})},
        ("value_kind", "enterprises", 3, "role", "zzz"),
        ["pick a value from the drop-down list; French or English labels are accepted."],
        ["choisissez une valeur dans la liste déroulante"],
    ),
    "bad yes/no": (
        {"enterprises": edit(ENTERPRISES, {(2, "association_member"): "peut-être"})},
        ("value_kind", "enterprises", 2, "association_member", "peut-être"),
        ["Expected: yes or no.", "How to fix: write yes or no."],
        ["Attendu : oui ou non.", "Correction : écrivez oui ou non."],
    ),
    "negative count": (
        {"enterprises": edit(ENTERPRISES, {(3, "employees"): -3})},
        ("value_range", "enterprises", 3, "employees", -3),
        ["found '-3'", "Expected: at least 0.", "correct the value so that it is at least 0."],
        ["Attendu : au moins 0.", "corrigez la valeur pour qu'elle soit au moins 0."],
    ),
    "intensity out of 1-3": (
        {"actors": ACTORS, "relations": edit(RELATIONS, {(3, "intensity"): 4})},
        ("value_range", "relations", 3, "intensity", 4),
        ["Expected: between 1 and 3.", "correct the value so that it is between 1 and 3."],
        ["Attendu : entre 1 et 3.", "soit entre 1 et 3."],
    ),
    "weight must be above zero": (
        {"candidates": CANDIDATES, "criteria": edit(CRITERIA, {(2, "weight"): 0})},
        ("value_range", "criteria", 2, "weight", 0),
        ["Expected: greater than 0."],
        ["Attendu : strictement supérieur à 0."],
    ),
    "date with no thirteenth month": (
        {"objectives": OBJECTIVES, "actions": edit(ACTIONS, {(2, "start"): "31/13/2025"})},
        ("value_kind", "actions", 2, "start", "31/13/2025"),
        [
            "Expected: date (Excel date, YYYY-MM-DD or DD/MM/YYYY).",
            "write it YYYY-MM-DD or DD/MM/YYYY, for example 2025-03-31.",
        ],
        ["Attendu : date (date Excel, AAAA-MM-JJ ou JJ/MM/AAAA).", "écrivez-la AAAA-MM-JJ ou JJ/MM/AAAA"],
    ),
    "share above one": (
        {"enterprises": edit(ENTERPRISES, {(3, "export_share"): "120%"})},
        ("value_range", "enterprises", 3, "export_share", "120%"),
        ["found '120%'. Expected: between 0 and 1. How to fix: correct the value so that it is between 0 and 1."],
        [
            "valeur trouvée « 120% ». Attendu : entre 0 et 1. Correction : corrigez la valeur pour qu'elle soit "
            "entre 0 et 1."
        ],
    ),
    "women above employees": (
        {"enterprises": edit(ENTERPRISES, {(3, "employees_women"): 31})},
        ("women_exceed", "enterprises", 3, "employees_women", 31),
        ["found '31'", "women employees at most equal to total employees (30)", "check both employee counts"],
        ["un effectif féminin au plus égal à l'effectif total (30)", "vérifiez les deux effectifs"],
    ),
    "relation to an unknown actor": (
        {"actors": ACTORS, "relations": edit(RELATIONS, {(3, "target"): "A9"})},
        ("ref_unknown", "relations", 3, "target", "A9"),
        [
            "found 'A9'",
            "Expected: an existing identifier of column 'actor_id' of sheet 'actors'.",
            "How to fix: add this identifier to the sheet 'actors', or correct the reference.",
        ],
        [
            "un identifiant existant de la colonne « actor_id » de la feuille « actors »",
            "ajoutez cet identifiant dans la feuille « actors »",
        ],
    ),
    "measurement of an unknown indicator": (
        {"indicators": INDICATORS, "measurements": MEASUREMENTS + [["I7", "2025-12-31", 12]]},
        ("ref_unknown", "measurements", 3, "indicator_id", "I7"),
        ["found 'I7'", "of column 'indicator_id' of sheet 'indicators'"],
        ["de la colonne « indicator_id » de la feuille « indicators »"],
    ),
    "action of an unknown objective": (
        {"objectives": OBJECTIVES, "actions": edit(ACTIONS, {(2, "objective_id"): "O9"})},
        ("ref_unknown", "actions", 2, "objective_id", "O9"),
        [
            "found 'O9'",
            "of column 'objective_id' of sheet 'objectives'",
            "add this identifier to the sheet 'objectives'",
        ],
        ["ajoutez cet identifiant dans la feuille « objectives »"],
    ),
    "criterion that is not a column of candidates": (
        {"candidates": CANDIDATES, "criteria": CRITERIA + [["jobs", "Emplois", 1, "higher_better", "economic"]]},
        ("criterion_column", "criteria", 3, "criterion", "jobs"),
        [
            "found 'jobs'",
            "the name of a numeric column of the sheet 'candidates' (employment, exports)",
            "add the column to the candidates sheet, or correct the criterion's name.",
        ],
        ["le nom d'une colonne numérique de la feuille « candidates » (employment, exports)"],
    ),
    "action ending before it starts": (
        {"objectives": OBJECTIVES, "actions": edit(ACTIONS, {(2, "end"): dt.datetime(2025, 1, 31)})},
        ("date_order", "actions", 2, "end", dt.date(2025, 1, 31)),
        ["found '2025-01-31'", "Expected: a date on or after 'start' (2025-03-01).", "correct one of the two dates."],
        ["une date postérieure ou égale à « start » (2025-03-01)", "corrigez l'une des deux dates."],
    ),
    "skill outside its competency": (
        {"competencies": edit(COMPETENCIES, {(2, "competency"): "coach", (2, "skill"): "finance_access"})},
        ("skill_competency", "competencies", 2, "skill", "access to finance"),
        [
            "found 'access to finance'",
            "a sub-skill of the competency 'consultant-coach': participatory diagnosis and "
            "planning, collective action types and innovation, coaching and supportive stance, value chain and business "
            "intelligence",
            "correct the competency or the sub-skill",
        ],
        [
            "valeur trouvée « accès au financement »",
            "une sous-compétence de la compétence « consultant-coach » : diagnostic participatif et planification",
            "corrigez la compétence ou la sous-compétence",
        ],
    ),
    "duplicated employment row": (
        {"employment": EMPLOYMENT + [["Nord", "Cuir", 2020, 1300]]},
        ("key_duplicate", "employment", 4, "region, sector, year", "Nord / Cuir / 2020"),
        [
            "found 'Nord / Cuir / 2020'",
            "a single row for region, sector, year (already present on row 2)",
            "merge or delete the duplicated row.",
        ],
        ["une seule ligne pour region, sector, year (déjà présente ligne 2)"],
    ),
    "duplicated column": (
        {"enterprises": [ENTERPRISES[0] + ["name"]] + [r + ["bis"] for r in ENTERPRISES[1:]]},
        ("column_duplicate", "enterprises", 1, "name", "name"),
        ["Expected: a single column 'name'.", "delete or rename one of the duplicated columns."],
        ["Attendu : une seule colonne « name ».", "supprimez ou renommez l'une des colonnes en double."],
    ),
    "missing required column": (
        {"enterprises": [r[:2] + r[3:] for r in ENTERPRISES]},
        (
            "column_missing",
            "enterprises",
            1,
            "role",
            "enterprise_id, name, employees, employees_women, turnover, export_share, association_member",
        ),
        # the headers found, cut at 80 characters in the message
        [
            "found 'enterprise_id, name, employees, employees_women, turnover, export_share, associ…'. "
            "Expected: a column 'role' (or 'rôle').",
            "add the column to the header row; check its spelling.",
        ],
        ["Attendu : une colonne « role » (ou « rôle »).", "ajoutez la colonne dans la ligne d'en-tête"],
    ),
    "misspelled required column": (
        {"enterprises": edit(ENTERPRISES, {(1, "enterprise_id"): "enterprse_id"})},
        (
            "column_missing",
            "enterprises",
            1,
            "enterprise_id",
            "enterprse_id, name, role, employees, employees_women, turnover, export_share, association_member",
        ),
        [
            "a column 'enterprise_id' (or 'id_entreprise')",
            "How to fix: rename the column 'enterprse_id' to 'enterprise_id'.",
        ],
        ["Correction : renommez la colonne « enterprse_id » en « enterprise_id »."],
    ),
    "misspelled French column": (
        {"enterprises": edit(ENTERPRISES, {(1, "employees"): "effectifs"})},
        (
            "column_missing",
            "enterprises",
            1,
            "employees",
            "enterprise_id, name, role, effectifs, employees_women, turnover, export_share, association_member",
        ),
        ["rename the column 'effectifs' to 'employees'."],
        ["renommez la colonne « effectifs » en « employees »."],
    ),
}


@pytest.mark.parametrize("case", list(CELL_CASES), ids=list(CELL_CASES))
def test_malformed_workbook_gives_one_precise_problem(case, make_xlsx, problems_of):
    sheets, fields, en, fr = CELL_CASES[case]
    problem = only(problems_of(make_xlsx(sheets)))
    assert problem.file == "book.xlsx"
    check(problem, *fields, en=en, fr=fr)


@pytest.mark.parametrize(
    "sheets, enums",
    [
        pytest.param({"enterprises": edit(ENTERPRISES, {(2, "role"): "producteurr"})}, ["role"], id="near"),
        pytest.param({"enterprises": edit(ENTERPRISES, {(2, "role"): "zzz"})}, ["role"], id="far"),
        pytest.param({"enterprises": edit(ENTERPRISES, {(2, "role"): "   "})}, ["role"], id="blank"),
        pytest.param(
            {"objectives": OBJECTIVES, "actions": edit(ACTIONS, {(2, "status"): "termine"})},
            ["status"],
            id="other enumeration",
        ),
        pytest.param(
            {
                "competencies": edit(
                    COMPETENCIES, {(2, "competency"): "consultant-coach", (2, "skill"): "accès au financement"}
                )
            },
            ["competency", "skill"],
            id="skill outside its competency",
        ),
    ],
)
def test_french_message_never_shows_english_enumeration_keys(sheets, enums, make_xlsx, problems_of):
    text = only(problems_of(make_xlsx(sheets))).message("fr")
    # keys that are also words of the French labels themselves (« coaching ») prove nothing
    french = " ".join(i18n.t(f"enum.{enum}.{v}", "fr") for enum in enums for v in ENUMS[enum])
    keys = [key for enum in enums for key in ENUMS[enum] if not re.search(rf"\b{key}\b", french)]
    assert [key for key in keys if re.search(rf"\b{key}\b", text)] == [], text


def test_problems_are_sorted_by_row_within_a_sheet(make_xlsx, problems_of):
    rows = edit(ENTERPRISES, {(2, "employees_women"): 13})  # more women than the 12 employees
    rows += [["E1", "Copie", "trader", 4, 1], ["E4", "Sellerie", "zzz", "abc", 20]]
    problems = problems_of(make_xlsx({"enterprises": rows}))
    # found column by column, then by the cross-sheet rules; reported row by row, columns in order
    assert [(p.code, p.row, p.column) for p in problems] == [
        ("women_exceed", 2, "employees_women"),
        ("id_duplicate", 4, "enterprise_id"),
        ("value_kind", 5, "role"),
        ("value_kind", 5, "employees"),
    ]


def test_scores_outside_one_to_five_are_each_reported(make_xlsx, problems_of):
    rows = COMPETENCIES + [
        ["Awa", "2025-03-31", "peer", "coach", "coaching", 0],
        ["Awa", "2025-03-31", "trainer", "coach", "coaching", 6],
    ]
    problems = problems_of(make_xlsx({"competencies": rows}))
    assert len(problems) == 2
    for problem, row, value in zip(problems, (3, 4), (0, 6)):
        check(
            problem,
            "value_range",
            "competencies",
            row,
            "score",
            value,
            en=[f"found '{value}'", "Expected: between 1 and 5.", "correct the value so that it is between 1 and 5."],
            fr=[f"valeur trouvée « {value} »", "Attendu : entre 1 et 5."],
        )


def test_duplicate_ids_name_the_row_where_the_id_was_first_used(make_xlsx, problems_of):
    rows = ENTERPRISES + [["E3", "Sellerie", "trader", 4], ["E1", "Copie", "trader", 2], ["E1", "Autre", "trader", 1]]
    problems = problems_of(make_xlsx({"enterprises": rows}))
    assert [(p.code, p.row, p.column, p.value) for p in problems] == [
        ("id_duplicate", 5, "enterprise_id", "E1"),
        ("id_duplicate", 6, "enterprise_id", "E1"),
    ]
    for p in problems:
        check(
            p,
            "id_duplicate",
            "enterprises",
            p.row,
            "enterprise_id",
            "E1",
            en=[
                "Expected: an identifier unique in the sheet (already used on row 2).",
                "give one of the two rows another identifier, or delete the duplicate.",
            ],
            fr=["un identifiant unique dans la feuille (déjà utilisé ligne 2)"],
        )


def test_reference_to_a_missing_sheet_asks_for_that_sheet(make_xlsx, problems_of):
    problems = problems_of(make_xlsx({"relations": RELATIONS[:2]}))
    assert [(p.code, p.row, p.column, p.value) for p in problems] == [
        ("ref_unknown", 2, "source", "E1"),
        ("ref_unknown", 2, "target", "A1"),
    ]
    check(
        problems[0],
        "ref_unknown",
        "relations",
        2,
        "source",
        "E1",
        en=[
            "How to fix: add the sheet 'actors' that defines these identifiers, or empty the column if it is optional."
        ],
        fr=["Correction : ajoutez la feuille « actors » qui définit ces identifiants"],
    )


def cache_formula_result(path, cell: str, formula: str, result: str) -> None:
    """Give a formula cell the cached result Excel would have stored (openpyxl writes none)."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    written = f'<c r="{cell}"><f>{formula}</f><v></v></c>'.encode()
    assert written in parts[sheet]
    parts[sheet] = parts[sheet].replace(written, f'<c r="{cell}" t="e"><f>{formula}</f><v>{result}</v></c>'.encode())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def test_formula_error_cached_value_is_reported(make_xlsx, problems_of):
    path = make_xlsx({"enterprises": edit(ENTERPRISES, {(3, "turnover"): "=1/0"})})
    cache_formula_result(path, "F3", "1/0", "#DIV/0!")
    check(
        only(problems_of(path)),
        "formula_error",
        "enterprises",
        3,
        "turnover",
        "#DIV/0!",
        en=[
            "found '#DIV/0!'",
            "Expected: a computed value, not a formula error.",
            "correct the formula in Excel (division by zero",
        ],
        fr=["valeur trouvée « #DIV/0! »", "une valeur calculée, pas une erreur de formule"],
    )


def test_header_below_a_title_is_found_with_a_notice_and_rows_stay_right(make_xlsx, problems_of):
    rows = [["Enquête auprès des entreprises, 2025"], [], *ENTERPRISES[:2], [], ENTERPRISES[2]]
    wb = read_workbook(make_xlsx({"enterprises": rows}))
    assert wb["enterprises"]["enterprise_id"].tolist() == ["E1", "E2"]
    assert wb.excel_rows["enterprises"] == [4, 6]
    assert [n.message("en") for n in wb.notices] == ["book.xlsx, sheet 'enterprises': the header was found on row 3."]
    assert wb.notices[0].message("fr") == "book.xlsx, feuille « enterprises » : l'en-tête a été trouvé ligne 3."
    broken = [rows[0], rows[1], rows[2], rows[3], rows[4], edit(ENTERPRISES, {(3, "employees"): "abc"})[2]]
    check(
        only(problems_of(make_xlsx({"enterprises": broken}, name="b.xlsx"))),
        "value_kind",
        "enterprises",
        6,
        "employees",
        "abc",
        en=["b.xlsx, sheet 'enterprises', row 6"],
    )


def test_sheet_with_content_but_no_header(make_xlsx, problems_of):
    rows = [["E1", "Atelier", "producteur", 12], ["E2", "Tannerie", "fournisseur", 30]]
    check(
        only(problems_of(make_xlsx({"enterprises": rows}))),
        "header_missing",
        "enterprises",
        1,
        None,
        "E1",
        en=[
            "a header row with the columns enterprise_id, name, role, employees",
            "write the column names on the first row of the sheet.",
        ],
        fr=["une ligne d'en-tête avec les colonnes enterprise_id, name, role, employees"],
    )


def test_the_same_sheet_twice_in_two_languages(make_xlsx, problems_of):
    problem = only(problems_of(make_xlsx({"enterprises": ENTERPRISES, "entreprises": ENTERPRISES})))
    assert (problem.code, problem.sheet, problem.row, problem.value) == (
        "sheet_duplicate",
        "entreprises",
        None,
        "entreprises",
    )
    assert problem.message("en") == (
        "book.xlsx, sheet 'entreprises': found 'entreprises'. Expected: a single "
        "sheet 'enterprises'. How to fix: delete or rename one of the two sheets."
    )
    assert problem.message("fr").startswith("book.xlsx, feuille « entreprises » : valeur trouvée « entreprises »")


CLUSTER_NAME_FIX = {
    "en": "How to fix: write the value in the 'value' column, on the row of the key 'name' (nom).",
    "fr": "Correction : écrivez la valeur dans la colonne « valeur », sur la ligne de la clé « nom » (name).",
}


def test_cluster_sheet_without_a_name(make_xlsx, problems_of):
    rows = [["clé", "valeur"], ["pays", "Kelora"], ["langue", "anglais"], ["couleur", "bleu"]]
    problem = only(problems_of(make_xlsx({"cluster": rows})))
    assert (problem.code, problem.sheet, problem.row, problem.column) == ("value_required", "cluster", None, "name")
    assert problem.message("en") == (
        "book.xlsx, sheet 'cluster': found '(empty)'. Expected: a value (text). " + CLUSTER_NAME_FIX["en"]
    )
    assert problem.message("fr") == (
        "book.xlsx, feuille « cluster » : valeur trouvée « (vide) ». Attendu : une "
        "valeur (texte). " + CLUSTER_NAME_FIX["fr"]
    )


@pytest.mark.parametrize(
    "rows, row, column",
    [
        ([["clé", "valeur"], ["nom", "  "], ["pays", "Kelora"]], 2, "nom"),
        ([["key", "value"], ["country", "Kelora"], ["name", None]], 3, "name"),
    ],
)
def test_cluster_sheet_with_a_blank_name_points_at_the_key_row(rows, row, column, make_xlsx, problems_of):
    check(
        only(problems_of(make_xlsx({"cluster": rows}))),
        "value_required",
        "cluster",
        row,
        column,
        None,
        en=["found '(empty)'. Expected: a value (text). " + CLUSTER_NAME_FIX["en"]],
        fr=["valeur trouvée « (vide) ». Attendu : une valeur (texte). " + CLUSTER_NAME_FIX["fr"]],
    )


def test_cluster_sheet_in_french_is_read_with_a_notice_for_unknown_keys(make_xlsx):
    rows = [
        ["clé", "valeur"],
        ["nom", "Cluster du miel"],
        ["orientation", "Favorable aux pauvres"],
        ["langue", "anglais"],
        ["date_début", "2024-09-01"],
        ["couleur", "bleu"],
    ]
    wb = read_workbook(make_xlsx({"cluster": rows}))
    assert wb.cluster == {
        "name": "Cluster du miel",
        "orientation": "pro_poor",
        "language": "en",
        "start_date": pd.Timestamp("2024-09-01"),
    }
    assert wb.lang == "en" and wb.name == "Cluster du miel"
    assert [(n.key, n.values["row"], n.values["key"]) for n in wb.notices] == [("notice.unknown_key", 6, "couleur")]


def test_unknown_cluster_key_notice_reads_in_both_languages(make_xlsx):
    wb = read_workbook(make_xlsx({"cluster": [["key", "value"], ["name", "Miel"], ["colour", "blue"]]}))
    assert [n.message("en") for n in wb.notices] == [
        "book.xlsx, sheet 'cluster', row 3: the key 'colour' is unknown; it is ignored."
    ]
    assert wb.notices[0].message("fr") == (
        "book.xlsx, feuille « cluster », ligne 3 : la clé « colour » est inconnue ; elle est ignorée."
    )


def test_cli_check_prints_the_unknown_cluster_key_notice(make_xlsx, capsys):
    path = make_xlsx({"cluster": [["key", "value"], ["name", "Miel"], ["colour", "blue"]]})
    assert main(["workbook", "check", str(path), "--lang", "en"]) == 0
    assert "book.xlsx, sheet 'cluster', row 3: the key 'colour' is unknown; it is ignored." in capsys.readouterr().out
    assert main(["workbook", "check", str(path), "--lang", "fr"]) == 0
    assert "la clé « colour » est inconnue ; elle est ignorée." in capsys.readouterr().out


def test_non_excel_file_renamed_xlsx(tmp_path, problems_of):
    path = tmp_path / "enquete.xlsx"
    path.write_text("enterprise_id,name\nE1,Atelier\n", encoding="utf-8")
    problem = only(problems_of(path))
    assert (problem.code, problem.file, problem.sheet, problem.row) == ("file_unreadable", "enquete.xlsx", None, None)
    assert problem.value == "enquete.xlsx"
    assert problem.message("en").startswith(
        "enquete.xlsx: found 'enquete.xlsx'. Expected: a readable workbook (.xlsx, .xls or .ods), with no password"
    )
    assert "save it as .xlsx." in problem.message("en")
    assert problem.message("fr").startswith(
        "enquete.xlsx : valeur trouvée « enquete.xlsx ». Attendu : un classeur lisible (.xlsx, .xls ou .ods)"
    )
    assert "enregistrez-le au format .xlsx." in problem.message("fr")


def test_missing_file(tmp_path, problems_of):
    path = tmp_path / "absent.xlsx"
    problem = only(problems_of(path))
    assert (problem.code, problem.file, problem.value) == ("file_missing", str(path), str(path))
    assert problem.message("en") == (
        f"{path}: found '{path}'. Expected: an .xlsx, .xls or .ods file, or a folder of "
        "CSV files. "
        "How to fix: check the path; create a blank workbook with "
        "'clusterkit workbook new'."
    )
    assert "créez un classeur vierge avec « clusterkit workbook new »" in problem.message("fr")


def test_sheet_needed_by_a_step_is_missing(make_xlsx, problems_of):
    path = make_xlsx({"actors": ACTORS})
    read_workbook(path)  # a sheet no step asked for is never an error
    problem = only(problems_of(path, step="diagnostic"))
    assert (problem.code, problem.sheet, problem.row, problem.column) == ("sheet_missing", "enterprises", None, None)
    assert problem.message("en") == (
        "book.xlsx, sheet 'enterprises': found 'actors'. Expected: a sheet 'enterprises' "
        "(or 'entreprises'), needed by the step diagnostic. How to fix: add the sheet "
        "with the columns of the data dictionary."
    )
    assert "nécessaire à l'étape diagnostic" in problem.message("fr")
    assert [p.sheet for p in problems_of(path, step="selection")] == ["candidates", "criteria"]


def test_sheet_missing_suggests_renaming_a_close_sheet(make_xlsx, problems_of):
    path = make_xlsx({"entreprise": ENTERPRISES})
    wb = read_workbook(path)  # without a step: ignored, with a hint
    assert wb.sheets == {}
    assert [n.message("en") for n in wb.notices] == [
        "book.xlsx: the sheet 'entreprise' is not in the schema; it is ignored (did you mean 'enterprises'?)."
    ]
    problem = only(problems_of(path, step="diagnostic"))
    assert problem.code == "sheet_missing"
    assert "How to fix: rename the sheet 'entreprise' to 'enterprises'." in problem.message("en")
    assert "Correction : renommez la feuille « entreprise » en « enterprises »." in problem.message("fr")


def test_sheet_with_only_headers_is_an_empty_frame_until_a_step_needs_it(make_xlsx, problems_of):
    path = make_xlsx({"enterprises": ENTERPRISES[:1], "actors": ACTORS})
    wb = read_workbook(path)
    firms = wb["enterprises"]
    assert len(firms) == 0 and not wb.has("enterprises") and wb.has("actors")
    assert firms.columns.tolist() == [c.key for c in SHEETS["enterprises"].columns]
    assert firms["employees"].dtype == "Int64"
    problem = only(problems_of(path, step="diagnostic"))
    assert (problem.code, problem.file, problem.sheet, problem.row, problem.column) == (
        "sheet_empty",
        "book.xlsx",
        "enterprises",
        None,
        None,
    )
    with pytest.raises(WorkbookError) as caught:
        wb.require("selection")  # absent sheets stay sheet_missing
    assert [(p.code, p.sheet) for p in caught.value.problems] == [
        ("sheet_missing", "candidates"),
        ("sheet_missing", "criteria"),
    ]


@pytest.mark.parametrize("title", ["enterprises", "entreprises"])
def test_empty_sheet_needed_by_a_step_asks_for_data_not_a_rename(title, make_xlsx, problems_of):
    problem = only(problems_of(make_xlsx({title: ENTERPRISES[:1]}), step="diagnostic"))
    assert (problem.code, problem.sheet, problem.row, problem.column) == ("sheet_empty", title, None, None)
    assert problem.message("en") == (
        f"book.xlsx, sheet '{title}': found '(empty)'. Expected: at least one row of "
        "data under the header, as the step diagnostic needs it. How to fix: fill in "
        "the sheet, or run another step."
    )
    assert problem.message("fr").startswith(f"book.xlsx, feuille « {title} » : valeur trouvée « ")
    assert problem.message("fr").endswith(
        ". Attendu : au moins une ligne de données sous l'en-tête, car l'étape "
        "diagnostic en a besoin. Correction : remplissez la feuille, ou lancez "
        "une autre étape."
    )


def test_empty_sheet_message_says_empty_in_french(make_xlsx, problems_of):
    problem = only(problems_of(make_xlsx({"entreprises": ENTERPRISES[:1]}), step="diagnostic"))
    assert "valeur trouvée « (vide) »" in problem.message("fr")
    assert "(empty)" not in problem.message("fr")


def test_empty_sheet_of_a_csv_folder_names_its_file(tmp_path, problems_of):
    folder = tmp_path / "team"
    folder.mkdir()
    (folder / "entreprises.csv").write_text("id_entreprise,nom,rôle,effectif\n", encoding="utf-8")
    problem = only(problems_of(folder, step="diagnostic"))
    assert (problem.code, problem.file, problem.sheet) == ("sheet_empty", "entreprises.csv", "entreprises")
    assert problem.message("en").startswith("entreprises.csv, sheet 'entreprises': found '(empty)'.")


def test_hidden_sheet_is_read_with_a_notice(make_xlsx):
    wb = read_workbook(make_xlsx({"enterprises": ENTERPRISES, "actors": ACTORS}, hidden=("actors",)))
    assert wb["actors"]["actor_id"].tolist() == ["E1", "A1"]
    assert [n.message("en") for n in wb.notices] == ["book.xlsx: the sheet 'actors' is hidden; it is read anyway."]
    assert wb.notices[0].message("fr") == "book.xlsx : la feuille « actors » est masquée ; elle est lue quand même."


def test_extra_column_is_kept_with_a_notice(make_xlsx):
    rows = [ENTERPRISES[0] + ["commentaire"], ENTERPRISES[1] + ["visité en mai"], ENTERPRISES[2]]
    wb = read_workbook(make_xlsx({"enterprises": rows}))
    assert wb["enterprises"]["commentaire"].tolist() == ["visité en mai", None]
    assert [n.message("en") for n in wb.notices] == [
        "book.xlsx, sheet 'enterprises': the column 'commentaire' is not in the schema; it is kept as it is."
    ]
    assert "la colonne « commentaire » n'est pas dans le schéma" in wb.notices[0].message("fr")


def test_extra_columns_of_candidates_are_numeric_criteria(make_xlsx, problems_of):
    rows = CANDIDATES + [["C2", "Miel", "Nord", "Apiculture", "1 500", "35 %"]]
    candidates = read_workbook(make_xlsx({"candidates": rows}))["candidates"]
    assert candidates["employment"].tolist() == [1200.0, 1500.0] and candidates["exports"].tolist() == [0.4, 0.35]
    broken = edit(rows, {(3, "exports"): "élevé"})
    check(
        only(problems_of(make_xlsx({"candidates": broken}, name="c.xlsx"))),
        "value_kind",
        "candidates",
        3,
        "exports",
        "élevé",
        en=["Expected: number."],
    )


@pytest.mark.parametrize(
    "change, code, column, value",
    [
        ({(3, "effectif_femmes"): 31}, "women_exceed", "effectif_femmes", 31),
        ({(3, "id_entreprise"): "E1"}, "id_duplicate", "id_entreprise", "E1"),
    ],
)
def test_cross_sheet_rules_name_the_column_as_the_sheet_writes_it(change, code, column, value, make_xlsx, problems_of):
    french = [
        ["id_entreprise", "nom", "rôle", "effectif", "effectif_femmes"],
        ["E1", "Atelier", "producteur", 12, 5],
        ["E2", "Tannerie", "fournisseur", 30, 10],
    ]
    check(
        only(problems_of(make_xlsx({"entreprises": edit(french, change)}))),
        code,
        "entreprises",
        3,
        column,
        value,
        en=[f"column '{column}': found '{value}'"],
        fr=[f"colonne « {column} » : valeur trouvée « {value} »"],
    )


def test_a_rule_on_several_columns_names_each_as_the_sheet_writes_it(make_xlsx, problems_of):
    rows = [["région", "secteur", "année", "emploi"], ["Nord", "Cuir", 2020, 1200], ["Nord", "Cuir", 2020, 1300]]
    check(
        only(problems_of(make_xlsx({"emploi": rows}))),
        "key_duplicate",
        "emploi",
        3,
        "région, secteur, année",
        "Nord / Cuir / 2020",
        en=["found 'Nord / Cuir / 2020'"],
        fr=["(déjà présente ligne 2)"],
    )


@pytest.mark.parametrize(
    "employees",
    [
        1e20,
        "99999999999999999999",
        2**53 + 2,
        "9007199254740993",  # 2**53 + 1 as text: an Excel number cell rounds it to 2**53 on its own
    ],
)
def test_huge_whole_number_is_a_problem_not_a_crash(employees, make_xlsx, problems_of):
    problem = only(problems_of(make_xlsx({"enterprises": edit(ENTERPRISES, {(2, "employees"): employees})})))
    check(
        problem,
        "value_kind",
        "enterprises",
        2,
        "employees",
        employees,
        en=["Expected: whole number."],
        fr=["Attendu : nombre entier."],
    )


def test_largest_exact_whole_number_is_read(make_xlsx):
    firms = read_workbook(make_xlsx({"enterprises": edit(ENTERPRISES, {(2, "employees"): 2**53})}))["enterprises"]
    assert firms["employees"].tolist() == [2**53, 30]


@pytest.mark.parametrize("end", ["2520-06-30", 2958465, "1799-12-31", "2201-01-01"])
def test_date_outside_1800_2200_is_a_problem_not_a_crash(end, make_xlsx, problems_of):
    path = make_xlsx({"objectives": OBJECTIVES, "actions": edit(ACTIONS, {(2, "end"): end})})
    check(
        only(problems_of(path)),
        "value_kind",
        "actions",
        2,
        "end",
        end,
        en=[f"found '{end}'. Expected: date (Excel date, YYYY-MM-DD or DD/MM/YYYY)."],
        fr=[f"valeur trouvée « {end} ». Attendu : date (date Excel, AAAA-MM-JJ ou JJ/MM/AAAA)."],
    )


@pytest.mark.parametrize(
    "value, expected",
    [
        ("1800-01-01", pd.Timestamp("1800-01-01")),
        ("2200-12-31", pd.Timestamp("2200-12-31")),
        (dt.datetime(2200, 12, 31, 12), pd.Timestamp("2200-12-31 12:00")),
    ],
)
def test_dates_at_the_ends_of_1800_2200_are_read(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", [2958465, 1e10, "99999999999", dt.datetime(1799, 12, 31, 23, 59)])
def test_parse_date_refuses_dates_outside_1800_2200(value):
    with pytest.raises(ValueError):
        parse_date(value)


# --------------------------------------------------------------------------------------------
# Every problem at once; the file left untouched; the example; the command line
# --------------------------------------------------------------------------------------------
def test_every_problem_is_collected_not_just_the_first(make_xlsx):
    path = make_xlsx(
        {
            "enterprises": edit(ENTERPRISES, {(2, "employees"): "abc", (3, "role"): "producteurr"}),
            "actors": ACTORS + [["A1", "Doublon", "ngo", "meso"]],
            "relations": edit(RELATIONS, {(3, "source"): "A5"}),
            "objectives": OBJECTIVES,
            "actions": edit(ACTIONS, {(2, "end"): "2025-01-31"}),
        }
    )
    with pytest.raises(WorkbookError) as caught:
        read_workbook(path, lang="en")
    error = caught.value
    assert [(p.code, p.sheet, p.row, p.column) for p in error.problems] == [  # in the file's sheet order
        ("value_kind", "enterprises", 2, "employees"),
        ("value_kind", "enterprises", 3, "role"),
        ("id_duplicate", "actors", 4, "actor_id"),
        ("ref_unknown", "relations", 3, "source"),
        ("date_order", "actions", 2, "end"),
    ]
    lines = str(error).splitlines()
    assert lines[0] == "5 problems in the workbook book.xlsx:"
    assert lines[1:] == ["- " + p.message("en") for p in error.problems]
    assert error.format("fr").splitlines()[0] == "5 problèmes dans le classeur book.xlsx :"


def test_messages_follow_the_workbook_language_unless_told(make_xlsx):
    sheets = {
        "cluster": [["key", "value"], ["name", "Test"], ["language", "English"]],
        "enterprises": edit(ENTERPRISES, {(2, "employees"): "abc"}),
    }
    with pytest.raises(WorkbookError) as caught:
        read_workbook(make_xlsx(sheets))
    assert str(caught.value).startswith("1 problem in the workbook book.xlsx:")
    with pytest.raises(WorkbookError) as caught:
        read_workbook(make_xlsx(sheets, name="b.xlsx"), lang="fr")
    assert str(caught.value).startswith("1 problème dans le classeur b.xlsx :")


def test_reading_never_modifies_the_file(make_xlsx, tmp_path):
    good = example_path()
    before = sha256(good)
    read_workbook(good)
    assert sha256(good) == before
    bad = make_xlsx({"enterprises": edit(ENTERPRISES, {(2, "employees"): "abc"})})
    before = sha256(bad)
    with pytest.raises(WorkbookError):
        read_workbook(bad, step="monitoring")
    assert sha256(bad) == before


def test_example_workbook_reads_cleanly_for_every_step(example_workbook):
    wb = example_workbook
    assert set(wb.sheets) == {k for k, s in SHEETS.items() if not s.key_value}
    assert all(wb.has(key) for key in wb.sheets)
    assert wb.notices == []
    assert "fictif" in wb.name and wb.lang == "fr"
    for step in STEPS:
        wb.require(step)


def test_cli_check_accepts_the_example(capsys, example_workbook):
    assert main(["workbook", "check", str(example_path()), "--lang", "en"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.startswith(f"No problem in {example_path()}. Sheets read: ")
    assert f"enterprises ({len(example_workbook['enterprises'])})" in out


def test_cli_check_prints_every_problem_and_exits_2(make_xlsx, capsys):
    path = make_xlsx({"enterprises": edit(ENTERPRISES, {(2, "employees"): "abc", (3, "role"): "producteurr"})})
    assert main(["workbook", "check", str(path), "--lang", "en"]) == 2
    out, err = capsys.readouterr()
    with pytest.raises(WorkbookError) as caught:
        read_workbook(path)
    assert out == ""
    assert err.splitlines() == ["2 problems in the workbook book.xlsx:"] + [
        "- " + p.message("en") for p in caught.value.problems
    ]
    assert "row 2, column 'employees': found 'abc'" in err and "did you mean 'producer'?" in err


def test_cli_check_with_a_step_needs_its_sheets(make_xlsx, capsys):
    path = make_xlsx({"actors": ACTORS})
    assert main(["workbook", "check", str(path)]) == 0
    assert main(["workbook", "check", str(path), "--step", "diagnostic"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("1 problème dans le classeur book.xlsx :")
    assert "nécessaire à l'étape diagnostic" in err
