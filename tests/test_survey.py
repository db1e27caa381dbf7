"""The field survey: the XLSForm generated from the schema, and the import of Kobo / ODK exports.

The exports are hand-made here, column for column as KoboToolbox (XLSX: a main sheet and a
repeat sheet linked by ``_parent_index``) and ODK Central (CSV: ``form.csv`` and
``form-relations.csv`` linked by ``PARENT_KEY``) write them.
"""

from __future__ import annotations

import shutil

import openpyxl
import pandas as pd
import pytest
from defusedxml import ElementTree
from pyxform.xls2xform import convert

from clusterkit.schema import ENUMS, SHEETS
from clusterkit.survey import FORM_ID, UUID_COLUMN, enterprise_xlsform, import_export
from clusterkit.workbook import WorkbookError, backup_path, read_workbook, write_workbook

XF = "{http://www.w3.org/2002/xforms}"
H = "{http://www.w3.org/1999/xhtml}"

# --------------------------------------------------------------------------------------------
# A team workbook and Kobo exports, built in the test
# --------------------------------------------------------------------------------------------
TEAM = {
    "cluster": pd.DataFrame({"key": ["name", "language"], "value": ["Cuir de Tamsa", "fr"]}),
    "enterprises": pd.DataFrame(
        [{"enterprise_id": "E01", "name": "Atelier Diallo", "role": "producer", "employees": 12, "employees_women": 5}]
    ),
    "actors": pd.DataFrame(
        [
            {"actor_id": "E01", "name": "Atelier Diallo", "type": "enterprise", "level": "micro"},
            {"actor_id": "A01", "name": "Association des artisans", "type": "association", "level": "meso"},
            {"actor_id": "A02", "name": "Chambre de commerce de Tamsa", "type": "association", "level": "meso"},
        ]
    ),
    "relations": pd.DataFrame([{"source": "E01", "target": "A01", "relation_type": "information", "intensity": 2}]),
}

KOBO_MAIN = [
    "start",
    "end",
    "identification/enterprise_id",
    "identification/name",
    "identification/role",
    "identification/employees",
    "identification/employees_women",
    "export_share_percent",
    "export_share",
    "association_member",
    "_id",
    "_uuid",
    "_submission_time",
    "_validation_status",
    "_index",
]
KOBO_REPEAT = [
    "relations/target",
    "relations/relation_type",
    "relations/relation_type/supply",
    "relations/relation_type/information",
    "relations/intensity",
    "relations/formal",
    "_index",
    "_parent_table_name",
    "_parent_index",
    "_submission__id",
    "_submission__uuid",
]


def submission(index, uuid, firm, name, role, employees, women=None, percent=None, member=None):
    share = None if percent is None else percent / 100
    return [
        "2025-03-01T09:00",
        "2025-03-01T09:40",
        firm,
        name,
        role,
        employees,
        women,
        percent,
        share,
        member,
        1000 + index,
        uuid,
        "2025-03-01T10:00:00",
        None,
        index,
    ]


def relation(index, parent, uuid, target, types, intensity, formal=None):
    return [
        target,
        types,
        int("supply" in types),
        int("information" in types),
        intensity,
        formal,
        index,
        "Enquête",
        parent,
        1000 + parent,
        uuid,
    ]


FIRST = [
    submission(1, "u-1", "E10", "Tannerie Sow", "supplier", 30, 10, 45, "yes"),
    submission(2, "u-2", "E11", "Cordonnerie Ba", "producer", 8, None, None, "no"),
]
FIRST_RELATIONS = [
    relation(1, 1, "u-1", "A01", "supply information", 2, "yes"),
    relation(2, 1, "u-1", "Chambre de commerce de Tamsa", "joint_action", 3, "no"),
    relation(3, 2, "u-2", "E10", "supply", 1),
]


@pytest.fixture
def team(tmp_path):
    def make(lang="fr"):
        return write_workbook(TEAM, tmp_path / f"team-{lang}.xlsx", lang)

    return make


@pytest.fixture
def kobo(tmp_path):
    """Write a Kobo XLSX export: the main sheet, then the repeat sheet."""

    def make(rows, repeat_rows=(), name="export.xlsx", main=KOBO_MAIN, repeat=KOBO_REPEAT):
        book = openpyxl.Workbook()
        ws = book.active
        ws.title = "Enquête entreprises"
        for row in [main] + list(rows):
            ws.append(row)
        ws = book.create_sheet("relations")
        for row in [repeat] + list(repeat_rows):
            ws.append(row)
        book.save(tmp_path / name)
        return tmp_path / name

    return make


def rows_of(path, sheet):
    frame = read_workbook(path)[sheet]
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def relations_of(path):
    return sorted(
        (r["source"], r["target"], r["relation_type"], r["intensity"], r["formal"], r["submission_uuid"])
        for r in rows_of(path, "relations")
    )


# --------------------------------------------------------------------------------------------
# The import
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_first_import_adds_firms_actors_and_relations(team, kobo, lang):
    path = team(lang)
    report = import_export(kobo(FIRST, FIRST_RELATIONS), path)

    assert [(r.sheet, r.key, r.export_row) for r in report.added] == [
        ("enterprises", "E10", 2),
        ("actors", "E10", 2),
        ("enterprises", "E11", 3),
        ("actors", "E11", 3),
        ("relations", "E10 → A01 (supply)", 2),
        ("relations", "E10 → A01 (information)", 2),
        ("relations", "E10 → A02 (joint_action)", 3),
        ("relations", "E11 → E10 (supply)", 4),
    ]
    assert report.updated == report.removed == report.rejected == report.ignored_columns == []
    firms = rows_of(path, "enterprises")
    assert [f["enterprise_id"] for f in firms] == ["E01", "E10", "E11"]
    assert firms[1] | {} == {
        "enterprise_id": "E10",
        "name": "Tannerie Sow",
        "role": "supplier",
        "employees": 30,
        "employees_women": 10,
        "owner_gender": None,
        "owner_stratum": None,
        "year_founded": None,
        "turnover": None,
        "export_share": 0.45,
        "main_product": None,
        "market_segment": None,
        "association_member": True,
        "submission_uuid": "u-1",
    }
    assert firms[2]["association_member"] is False and firms[2]["employees_women"] is None
    actors = {a["actor_id"]: (a["name"], a["type"], a["level"]) for a in rows_of(path, "actors")}
    assert actors["E10"] == ("Tannerie Sow", "enterprise", "micro") and len(actors) == 5
    # the space-separated multiple choice gave two rows; the target named by its name was resolved
    assert relations_of(path) == [
        ("E01", "A01", "information", 2, None, None),
        ("E10", "A01", "information", 2, True, "u-1"),
        ("E10", "A01", "supply", 2, True, "u-1"),
        ("E10", "A02", "joint_action", 3, False, "u-1"),
        ("E11", "E10", "supply", 1, None, "u-2"),
    ]
    # written under the team's own headers, in its language
    ws = openpyxl.load_workbook(path)["entreprises" if lang == "fr" else "enterprises"]
    assert [c.value for c in ws[1]][:3] == (
        ["id_entreprise", "nom", "rôle"] if lang == "fr" else ["enterprise_id", "name", "role"]
    )
    assert ws["C3"].value == ("fournisseur" if lang == "fr" else "supplier")
    assert ws["M3"].value == ("oui" if lang == "fr" else "yes")


def test_the_backup_holds_the_previous_version_and_the_original_rows_are_intact(team, kobo):
    path = team()
    before = path.read_bytes()
    report = import_export(kobo(FIRST, FIRST_RELATIONS), path)
    assert report.backup == backup_path(path) == path.with_name("team-fr.bak.xlsx")
    assert report.backup.read_bytes() == before
    assert rows_of(path, "enterprises")[0] == rows_of(report.backup, "enterprises")[0] | {"submission_uuid": None}
    assert ("E01", "A01", "information", 2, None, None) in relations_of(path)
    ws = openpyxl.load_workbook(path)["entreprises"]
    assert ws.data_validations.dataValidation  # the team's drop-down lists survive the edit
    assert not list(path.parent.glob(".*.import.xlsx"))  # no staged file left behind


def test_a_resubmission_updates_its_rows_instead_of_duplicating_them(team, kobo):
    path = team()
    import_export(kobo(FIRST, FIRST_RELATIONS), path)
    first_version = path.read_bytes()
    edited = [submission(1, "u-1", "E10", "Tannerie Sow", "supplier", 35, 12, 50, "yes"), FIRST[1]]
    report = import_export(
        kobo(edited, [relation(1, 1, "u-1", "A01", "supply", 3, "yes"), FIRST_RELATIONS[2]], name="export2.xlsx"), path
    )

    assert [(r.sheet, r.key, r.workbook_row) for r in report.updated] == [
        ("enterprises", "E10", 3),
        ("relations", "E10 → A01 (supply)", 3),
    ]
    assert [(r.sheet, r.key, r.workbook_row) for r in report.removed] == [
        ("relations", "E10 → A01 (information)", 4),
        ("relations", "E10 → A02 (joint_action)", 5),
    ]
    assert [(r.sheet, r.key) for r in report.unchanged] == [("enterprises", "E11"), ("relations", "E11 → E10 (supply)")]
    assert report.added == report.rejected == []
    firms = rows_of(path, "enterprises")
    assert [(f["enterprise_id"], f["employees"], f["export_share"]) for f in firms] == [
        ("E01", 12, None),
        ("E10", 35, 0.5),
        ("E11", 8, None),
    ]
    assert relations_of(path) == [
        ("E01", "A01", "information", 2, None, None),
        ("E10", "A01", "supply", 3, True, "u-1"),
        ("E11", "E10", "supply", 1, None, "u-2"),
    ]
    assert backup_path(path).read_bytes() == first_version


@pytest.mark.parametrize("meta, kept", [("meta/rootUuid", "u-1"), ("meta/deprecatedID", "u-1b")])
def test_a_submission_edited_in_kobo_updates_its_rows_although_its_uuid_changed(team, kobo, meta, kept):
    """An edit gives a new _uuid; Kobo keeps meta/rootUuid, and meta/deprecatedID names the old one."""
    path = team()
    first_meta = "uuid:u-1" if meta == "meta/rootUuid" else None
    import_export(kobo([FIRST[0] + [first_meta]], FIRST_RELATIONS[:2], main=KOBO_MAIN + [meta]), path)
    edited = submission(1, "u-1b", "E10", "Tannerie Sow", "supplier", 33) + ["uuid:u-1"]
    report = import_export(
        kobo([edited], [relation(1, 1, "u-1b", "A01", "finance", 1)], name="e2.xlsx", main=KOBO_MAIN + [meta]), path
    )
    assert [(r.sheet, r.key) for r in report.updated] == [("enterprises", "E10"), ("relations", "E10 → A01 (finance)")]
    assert [(f["enterprise_id"], f["employees"], f["submission_uuid"]) for f in rows_of(path, "enterprises")] == [
        ("E01", 12, None),
        ("E10", 33, kept),
    ]
    assert relations_of(path) == [
        ("E01", "A01", "information", 2, None, None),
        ("E10", "A01", "finance", 1, None, kept),
    ]


def test_importing_the_same_export_again_changes_nothing(team, kobo):
    path = team()
    export = kobo(FIRST, FIRST_RELATIONS)
    import_export(export, path)
    after_first = path.read_bytes()
    report = import_export(export, path)
    assert not report.changed and report.backup is None and len(report.unchanged) == 6  # 2 firms, 4 ties
    assert path.read_bytes() == after_first
    assert "Rien à modifier" in report.format() and "Nothing to change" in report.format("en")


def test_malformed_rows_are_rejected_with_their_reason_while_the_others_go_in(team, kobo):
    path = team()
    rows = [
        submission(1, "u-1", "E10", "Tannerie Sow", "supplier", 30),
        submission(2, "u-2", "E11", "Cordonnerie Ba", "producer", "douze"),
        submission(3, "u-3", "E12", "Forge Kane", "boulanger", 4),
        submission(4, "u-4", "E13", "Atelier Ndiaye", "trader", 3, 5),
    ]
    repeat = [
        relation(1, 2, "u-2", "A01", "supply", 2),
        relation(2, 1, "u-1", "A09", "supply", 2),
        relation(3, 1, "u-1", "A01", "service", 5),
        relation(4, 1, "u-1", "A01", "supply", 1),
    ]
    report = import_export(kobo(rows, repeat), path)

    assert [(p.code, p.sheet, p.row, p.column, p.value) for p in report.rejected] == [
        ("value_kind", "Enquête entreprises", 3, "identification/employees", "douze"),
        ("value_kind", "Enquête entreprises", 4, "identification/role", "boulanger"),
        ("women_exceed", "Enquête entreprises", 5, "identification/employees_women", 5),
        ("parent_rejected", "relations", 2, None, None),
        ("target_unknown", "relations", 3, "relations/target", "A09"),
        ("value_range", "relations", 4, "relations/intensity", 5),
    ]
    fr, en = report.format("fr"), report.format("en")
    assert (
        "export.xlsx, feuille « Enquête entreprises », ligne 3, colonne « identification/employees » : "
        "valeur trouvée « douze ». Attendu : nombre entier."
    ) in fr
    assert "sheet 'Enquête entreprises', row 4, column 'identification/role': found 'boulanger'" in en
    assert "Rows rejected: 6" in en and "Lignes rejetées : 6" in fr
    assert [f["enterprise_id"] for f in rows_of(path, "enterprises")] == ["E01", "E10"]
    assert relations_of(path) == [
        ("E01", "A01", "information", 2, None, None),
        ("E10", "A01", "supply", 1, None, "u-1"),
    ]


def test_an_id_already_in_the_workbook_is_never_overwritten_by_another_submission(team, kobo):
    path = team()
    report = import_export(kobo([submission(1, "u-9", "E01", "Autre atelier", "trader", 2)]), path)
    [problem] = report.rejected
    assert (problem.code, problem.row, problem.value) == ("id_taken", 2, "E01")
    assert "déjà utilisé ligne 2 de la feuille « entreprises »" in problem.message("fr")
    assert rows_of(path, "enterprises")[0]["name"] == "Atelier Diallo" and report.backup is None


def test_a_resubmission_with_an_invalid_relation_keeps_the_relations_it_sent_before(team, kobo):
    path = team()
    import_export(kobo(FIRST, FIRST_RELATIONS), path)
    before = relations_of(path)
    edited = [submission(1, "u-1", "E10", "Tannerie Sow", "supplier", 40, 12, 45, "yes")]
    report = import_export(
        kobo(
            edited,
            [relation(1, 1, "u-1", "A01", "finance", 2), relation(2, 1, "u-1", "Inconnu", "supply", 2)],
            name="e2.xlsx",
        ),
        path,
    )
    assert [(p.code, p.row) for p in report.rejected] == [("target_unknown", 3), ("relations_held", 2)]
    assert relations_of(path) == before
    assert rows_of(path, "enterprises")[1]["employees"] == 40


def test_an_export_with_the_form_labels_as_headers_and_values(team, tmp_path, kobo):
    """Kobo's 'labels' export: question labels as headers, choice labels as values."""
    form = openpyxl.load_workbook(enterprise_xlsform(tmp_path / "form.xlsx", "fr"))["survey"]
    label = {row[1]: row[2] for row in form.iter_rows(min_row=2, values_only=True)}
    main = [label[k] for k in ("enterprise_id", "name", "role", "employees")] + ["Observations", "_uuid", "_index"]
    repeat = [f"{label['relations']}/{label[k]}" for k in ("target", "relation_type", "intensity", "formal")] + [
        "_parent_index"
    ]
    path = team()
    report = import_export(
        kobo(
            [["E20", "Atelier Fall", "entreprise leader", "7", "RAS", "u-20", 1]],
            [["A01", "action conjointe approvisionnement", "2", "oui", 1]],
            main=main,
            repeat=repeat,
        ),
        path,
    )
    assert report.rejected == [] and report.ignored_columns == ["Observations"]
    assert "Colonnes de l'export non utilisées : Observations." in report.format("fr")
    assert rows_of(path, "enterprises")[1]["role"] == "lead_firm"
    assert relations_of(path)[1:] == [
        ("E20", "A01", "joint_action", 2, True, "u-20"),
        ("E20", "A01", "supply", 2, True, "u-20"),
    ]


def test_an_odk_central_csv_export_with_its_repeat_file(team, tmp_path):
    (tmp_path / "clusterkit_enterprises.csv").write_text(
        "SubmissionDate,identification-enterprise_id,identification-name,identification-role,"
        "identification-employees,identification-employees_women,export_share,meta-instanceID,KEY\n"
        "2025-03-01T10:00:00Z,E30,Tannerie Diop,supplier,25,9,0.2,uuid:aa-1,uuid:aa-1\n"
        "2025-03-01T11:00:00Z,E31,Atelier Sarr,producer,douze,,,uuid:aa-2,uuid:aa-2\n",
        encoding="utf-8",
    )
    (tmp_path / "clusterkit_enterprises-relations.csv").write_text(
        "relations-target,relations-relation_type,relations-intensity,relations-formal,PARENT_KEY,KEY\n"
        "A02,information finance,2,no,uuid:aa-1,uuid:aa-1/relations[1]\n",
        encoding="utf-8",
    )
    path = team()
    report = import_export(tmp_path / "clusterkit_enterprises.csv", path)
    assert [(p.code, p.file, p.row, p.column) for p in report.rejected] == [
        ("value_kind", "clusterkit_enterprises.csv", 3, "identification-employees")
    ]
    firm = rows_of(path, "enterprises")[1]
    assert (firm["enterprise_id"], firm["employees"], firm["export_share"], firm["submission_uuid"]) == (
        "E30",
        25,
        0.2,
        "aa-1",
    )
    assert relations_of(path)[1:] == [
        ("E30", "A02", "finance", 2, False, "aa-1"),
        ("E30", "A02", "information", 2, False, "aa-1"),
    ]
    assert report.ignored_columns == []


def test_a_kobo_export_into_a_workbook_the_team_laid_out_itself(tmp_path):
    """The team's sheet has a title above its header and a notes column; the sheets it lacks are
    created only when needed. Kobo's CSV (';' separator, '/' group prefixes, French numbers) holds
    the main table only, so it is refused; the XLSX export of the same data goes in."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "entreprises"
    for row in [
        ["Enquête 2025"],
        [],
        ["id_entreprise", "nom", "rôle", "effectif", "notes"],
        ["E01", "Atelier Diallo", "producteur", 3, "à revoir"],
    ]:
        ws.append(row)
    book.save(tmp_path / "team.xlsx")
    before = (tmp_path / "team.xlsx").read_bytes()
    head = [
        "start",
        "end",
        "grp/enterprise_id",
        "grp/name",
        "grp/role",
        "grp/employees",
        "grp/turnover",
        "_uuid",
        "_index",
    ]
    firm = ["a", "b", "E02", '=HYPERLINK("http://x")', "supplier", "4", "1 234,5", "k-1", "1"]
    (tmp_path / "kobo.csv").write_text(";".join(head) + "\n" + ";".join(firm) + "\n", encoding="utf-8")
    with pytest.raises(WorkbookError) as caught:
        import_export(tmp_path / "kobo.csv", tmp_path / "team.xlsx")
    assert [p.code for p in caught.value.problems] == ["repeat_missing"]
    assert (tmp_path / "team.xlsx").read_bytes() == before
    export = openpyxl.Workbook()
    export.active.append(head)
    export.active.append(firm)
    export.active["D2"].data_type = "s"  # Kobo writes the answer as text, not as a formula
    export.create_sheet("relations").append(KOBO_REPEAT)
    export.save(tmp_path / "kobo.xlsx")
    report = import_export(tmp_path / "kobo.xlsx", tmp_path / "team.xlsx")
    assert [(r.sheet, r.workbook_row) for r in report.added] == [("enterprises", 5), ("actors", 2)]
    book = openpyxl.load_workbook(tmp_path / "team.xlsx")
    assert book.sheetnames == ["entreprises", "acteurs"]
    ws = book["entreprises"]
    assert [c.value for c in ws[3]] == [
        "id_entreprise",
        "nom",
        "rôle",
        "effectif",
        "notes",
        "effectif_femmes",
        "genre_propriétaire",
        "strate_propriétaire",
        "année_création",
        "chiffre_affaires",
        "part_export",
        "produit_principal",
        "segment_marché",
        "membre_association",
        "uuid_soumission",
    ]
    assert ws["E4"].value == "à revoir"
    assert (ws["B5"].value, ws["B5"].data_type) == ('=HYPERLINK("http://x")', "s")  # text, never a formula
    firms = rows_of(tmp_path / "team.xlsx", "enterprises")
    assert [(f["enterprise_id"], f["role"], f["turnover"], f["notes"]) for f in firms] == [
        ("E01", "producer", None, "à revoir"),
        ("E02", "supplier", 1234.5, None),
    ]


def test_exports_that_cannot_be_imported_are_refused_with_a_reason(team, kobo, tmp_path):
    path = team()
    no_uuid = [c for c in KOBO_MAIN if c != "_uuid"]
    with pytest.raises(WorkbookError) as caught:
        import_export(kobo([], main=no_uuid), path)
    assert [p.code for p in caught.value.problems] == ["uuid_missing"]
    assert "_uuid" in str(caught.value)
    no_role = [c for c in KOBO_MAIN if not c.endswith("/role")]
    with pytest.raises(WorkbookError) as caught:
        import_export(kobo([], main=no_role, name="e2.xlsx"), path)
    assert [p.code for p in caught.value.problems] == ["column_missing"]
    folder = tmp_path / "csv-workbook"
    folder.mkdir()
    write_workbook(TEAM, tmp_path / "w.xlsx", "en")
    for key in ("cluster", "enterprises"):
        pd.read_excel(tmp_path / "w.xlsx", sheet_name=key).to_csv(folder / f"{key}.csv", index=False)
    with pytest.raises(WorkbookError) as caught:
        import_export(kobo(FIRST, name="e3.xlsx"), folder)
    assert [p.code for p in caught.value.problems] == ["workbook_xlsx"]


# --------------------------------------------------------------------------------------------
# The XLSForm
# --------------------------------------------------------------------------------------------
def xform(tmp_path, lang):
    warnings = []
    result = convert(str(enterprise_xlsform(tmp_path / f"form-{lang}.xlsx", lang)), warnings=warnings)
    assert warnings == []
    return ElementTree.fromstring(result.xform)


def itext(root):
    [translation] = root.iter(f"{XF}translation")
    return translation.get("lang"), {
        t.get("id"): "".join(t.find(f"{XF}value").itertext()) for t in translation.iter(f"{XF}text")
    }


@pytest.mark.parametrize(
    "lang, language, labels",
    [
        (
            "fr",
            "Français (fr)",
            {
                "role-0": "entreprise leader",
                "/data/employees:label": "Effectif total",
                "/data/year_founded:jr:constraintMsg": "Entre 1800 et 2100",
            },
        ),
        (
            "en",
            "English (en)",
            {
                "role-0": "lead firm",
                "/data/employees:label": "Total employees",
                "/data/year_founded:jr:constraintMsg": "Between 1800 and 2100",
            },
        ),
    ],
)
def test_the_xlsform_converts_with_pyxform_and_has_every_field(tmp_path, lang, language, labels):
    root = xform(tmp_path, lang)
    binds = {b.get("nodeset"): b for b in root.iter(f"{XF}bind")}
    types = {
        "id": "string",
        "text": "string",
        "integer": "int",
        "number": "decimal",
        "enum": "string",
        "bool": "string",
        "share": "string",
    }
    for column in SHEETS["enterprises"].columns:
        if column.key == UUID_COLUMN:
            continue
        bind = binds[f"/data/{column.key}"]
        assert bind.get("type") == types[column.kind], column.key
        assert (bind.get("required") == "true()") == (column.required and column.kind != "share"), column.key
    for key in ("target", "relation_type", "intensity", "formal"):
        assert f"/data/relations/{key}" in binds
    assert binds["/data/year_founded"].get("constraint") == ". >= 1800 and . <= 2100"
    assert binds["/data/relations/intensity"].get("constraint") == ". >= 1 and . <= 3"
    assert (
        binds["/data/export_share"].get("calculate")
        == "if( /data/export_share_percent  = '', '',  /data/export_share_percent  div 100)"
    )
    body = root.find(f"{H}body")
    [repeat] = body.iter(f"{XF}repeat")
    assert repeat.get("nodeset") == "/data/relations"
    assert [e.get("ref") for e in body.iter(f"{XF}select")] == ["/data/relations/relation_type"]
    assert {e.get("ref") for e in body.iter(f"{XF}select1")} == {
        "/data/role",
        "/data/owner_gender",
        "/data/market_segment",
        "/data/association_member",
        "/data/relations/formal",
    }
    instances = {i.get("id"): [n.text for n in i.iter(f"{XF}name")] for i in root.iter(f"{XF}instance") if i.get("id")}
    assert instances == {
        "role": list(ENUMS["role"]),
        "owner_gender": list(ENUMS["owner_gender"]),
        "market_segment": list(ENUMS["market_segment"]),
        "relation_type": list(ENUMS["relation_type"]),
        "yes_no": ["yes", "no"],
    }
    [data] = root.iter(f"{XF}data")
    assert data.get("id") == FORM_ID and data.get("version")
    default, texts = itext(root)
    assert default == language
    assert {k: texts[k] for k in labels} == labels


def test_the_form_version_changes_with_the_questions_only(tmp_path):
    versions = [next(xform(tmp_path, lang).iter(f"{XF}data")).get("version") for lang in ("fr", "fr", "en")]
    assert versions[0] == versions[1] != versions[2]


@pytest.mark.skipif(shutil.which("java") is None, reason="ODK Validate needs Java, which is not on PATH")
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_xlsform_passes_odk_validate(tmp_path, lang):
    convert(str(enterprise_xlsform(tmp_path / "form.xlsx", lang)), validate=True)  # raises on an invalid form
