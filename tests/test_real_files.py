"""Workbooks as real teams make them, not as our writer makes them.

English thousands separators, formulas a script wrote but no spreadsheet computed, dates typed
day first, CSV folders saved by French Excel, LibreOffice's .ods and older Excel's .xls. The
CSV folder is written here with Python's csv module the way French Excel writes it; the .ods and
.xls files are LibreOffice's own conversions of the example.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import shutil
import subprocess
import zipfile

import openpyxl
import pandas as pd
import pytest

from clusterkit.workbook import AmbiguousValue, example_path, parse_date, parse_number, read_workbook

EMPLOYMENT = [
    ["region", "sector", "year", "employment"],
    ["North", "Leather", 2020, "16,662"],
    ["South", "Leather", 2020, "1,204"],
]
ENTERPRISES = [
    ["enterprise_id", "name", "role", "employees", "employees_women", "turnover", "export_share"],
    ["E1", "Atelier", "producer", "1,250", 5, "1,500", "0,45"],
]


def card(language: str | None) -> list[list]:
    rows = [["key", "value"], ["name", "Leather cluster"]]
    return rows + ([["language", language]] if language else [])


def only(problems):
    assert len(problems) == 1, [p.message("en") for p in problems]
    return problems[0]


# --------------------------------------------------------------------------------------------
# Numbers follow the workbook's language and the column
# --------------------------------------------------------------------------------------------
def test_english_workbook_reads_thousands_separators(make_xlsx):
    wb = read_workbook(make_xlsx({"cluster": card("en"), "employment": EMPLOYMENT, "enterprises": ENTERPRISES}))
    assert wb["employment"]["employment"].tolist() == [16662.0, 1204.0]
    firms = wb["enterprises"]
    assert firms.loc[0, "employees"] == 1250 and firms.loc[0, "turnover"] == 1500.0
    assert firms.loc[0, "export_share"] == 0.45  # "0,45" cannot group thousands: a decimal comma


def test_french_workbook_reads_decimal_commas_but_counts_have_no_decimals(make_xlsx):
    wb = read_workbook(make_xlsx({"cluster": card("fr"), "employment": EMPLOYMENT, "enterprises": ENTERPRISES}))
    assert wb["employment"]["employment"].tolist() == [16.662, 1.204]
    firms = wb["enterprises"]
    assert firms.loc[0, "export_share"] == 0.45 and firms.loc[0, "turnover"] == 1.5
    assert firms.loc[0, "employees"] == 1250  # a whole-number column: "1,250" cannot be 1.25 employees


@pytest.mark.parametrize(
    "text, lang, integer, expected",
    [
        ("16,662", "en", False, 16662.0),
        ("16,662", "fr", False, 16.662),
        ("16,662", "fr", True, 16662.0),
        ("16,662", None, True, 16662.0),
        ("0,45", "fr", False, 0.45),
        ("0,45", "en", False, 0.45),
        ("1234,567", "en", False, 1234.567),
        ("16.662", "fr", False, 16.662),
        ("16.662", "en", True, 16662.0),
        ("1.234.567", "fr", False, 1234567.0),
        ("1,234,567", None, False, 1234567.0),
        ("12,5", None, False, 12.5),
        ("-16,662", "en", False, -16662.0),
        ("1,5%", "fr", False, 0.015),
    ],
)
def test_parse_number_by_language_and_column(text, lang, integer, expected):
    assert parse_number(text, lang, integer=integer) == pytest.approx(expected, rel=0, abs=1e-12)


def test_parse_number_names_both_readings_when_the_language_is_not_stated():
    with pytest.raises(AmbiguousValue) as caught:
        parse_number("16,662", None)
    assert caught.value.readings == (16662.0, 16.662)


def test_ambiguous_number_is_a_problem_with_both_readings(make_xlsx, problems_of):
    problem = only(problems_of(make_xlsx({"employment": EMPLOYMENT[:2]})))  # no cluster card: no language
    assert (problem.code, problem.sheet, problem.row, problem.column, problem.value) == (
        "value_ambiguous",
        "employment",
        2,
        "employment",
        "16,662",
    )
    assert problem.message("en") == (
        "book.xlsx, sheet 'employment', row 2, column 'employment': found '16,662'. Expected: an unambiguous "
        "number; this one reads 16662 (comma separating thousands, English style) or 16.662 (decimal comma, "
        "French style). How to fix: write 16662 or 16.662, without a comma; or state the workbook's language "
        "(key 'language' of the sheet 'cluster')."
    )
    assert problem.message("fr") == (
        "book.xlsx, feuille « employment », ligne 2, colonne « employment » : valeur trouvée « 16,662 ». "
        "Attendu : un nombre sans ambiguïté ; celui-ci se lit 16662 (virgule séparant les milliers, à "
        "l'anglaise) ou 16.662 (virgule décimale, à la française). Correction : écrivez 16662 ou 16.662, sans "
        "virgule ; ou indiquez la langue du classeur (clé « langue » de la feuille « cluster »)."
    )


# --------------------------------------------------------------------------------------------
# Formulas written by a program and never computed
# --------------------------------------------------------------------------------------------
def test_formula_never_computed_is_its_own_problem_in_required_and_optional_columns(make_xlsx, problems_of):
    rows = [list(r) for r in ENTERPRISES] + [["E2", "Tannerie", "supplier", "=D2*2", 3, "=F2+1", 0.2]]
    path = make_xlsx({"cluster": card("en"), "enterprises": rows})  # openpyxl writes formulas, computes none
    problems = problems_of(path)
    assert [(p.code, p.row, p.column, p.value) for p in problems] == [
        ("formula_uncomputed", 3, "employees", "=D2*2"),
        ("formula_uncomputed", 3, "turnover", "=F2+1"),
    ]
    assert problems[1].message("en") == (
        "book.xlsx, sheet 'enterprises', row 3, column 'turnover': found '=F2+1'. Expected: a computed value; the "
        "cell holds a formula that was never computed (a workbook written by a program). How to fix: open and "
        "save the workbook in Excel or LibreOffice so the formulas are computed."
    )
    assert (
        problems[1]
        .message("fr")
        .endswith(
            "valeur trouvée « =F2+1 ». Attendu : une valeur calculée ; la cellule tient une formule qui n'a jamais "
            "été calculée (classeur écrit par un programme). Correction : ouvrez le classeur dans Excel ou "
            "LibreOffice et enregistrez-le, pour que les formules soient calculées."
        )
    )


def test_formula_in_the_cluster_card_is_reported_too(make_xlsx, problems_of):
    path = make_xlsx({"cluster": card("en") + [["start_date", "=TODAY()"]]})
    problem = only(problems_of(path))
    assert (problem.code, problem.sheet, problem.row, problem.value) == ("formula_uncomputed", "cluster", 4, "=TODAY()")


def test_formula_computed_by_a_spreadsheet_is_read(make_xlsx):
    """LibreOffice computes the formulas openpyxl wrote: the optional column holds the value, not zero."""
    soffice = office()
    path = make_xlsx(
        {
            "cluster": card("en"),
            "enterprises": ENTERPRISES + [["E2", "Tannerie", "supplier", "=2*3", 3, "=1000+1", 0.2]],
        }
    )
    computed = convert(soffice, path, "xlsx", path.parent / "computed")
    firms = read_workbook(computed)["enterprises"]
    assert firms["employees"].tolist() == [1250, 6] and firms["turnover"].tolist() == [1500.0, 1001.0]


# --------------------------------------------------------------------------------------------
# Dates typed day first; dates no cluster can have
# --------------------------------------------------------------------------------------------
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
        "Joint stand",
        "quick_win",
        "commercial",
        "whole_cluster",
        "Association",
        "01/03/2025",
        "30/06/25",
        12000,
        4,
        3,
        "planned",
    ],
]
OBJECTIVES = [["objective_id", "statement"], ["O1", "Sell beyond the region"]]


@pytest.mark.parametrize(
    "language, start, end, expected",
    [
        ("fr", "01/03/2025", "30/06/25", ("2025-03-01", "2025-06-30")),  # French: always day first
        ("en", "13/03/2025", "30/06/25", ("2025-03-13", "2025-06-30")),  # English: only one order is a date
        ("en", "03/13/2025", "06/30/2025", ("2025-03-13", "2025-06-30")),
    ],
)
def test_day_first_text_dates_are_read(language, start, end, expected, make_xlsx):
    rows = [list(r) for r in ACTIONS]
    rows[1][7:9] = [start, end]
    actions = read_workbook(make_xlsx({"cluster": card(language), "objectives": OBJECTIVES, "actions": rows}))[
        "actions"
    ]
    assert (actions.loc[0, "start"], actions.loc[0, "end"]) == tuple(pd.Timestamp(x) for x in expected)


def test_english_date_that_reads_both_ways_names_both(make_xlsx, problems_of):
    path = make_xlsx({"cluster": card("en"), "objectives": OBJECTIVES, "actions": ACTIONS})
    problem = only(problems_of(path))
    assert (problem.code, problem.row, problem.column, problem.value) == ("value_ambiguous", 2, "start", "01/03/2025")
    assert problem.message("en").endswith(
        "found '01/03/2025'. Expected: an unambiguous date; this one reads 2025-03-01 (day first) or 2025-01-03 "
        "(month first). How to fix: write the date as YYYY-MM-DD, for example 2025-03-01, or enter it as an "
        "Excel date."
    )
    assert problem.message("fr").endswith(
        "valeur trouvée « 01/03/2025 ». Attendu : une date sans ambiguïté ; celle-ci se lit 2025-03-01 (jour "
        "d'abord) ou 2025-01-03 (mois d'abord). Correction : écrivez la date AAAA-MM-JJ, par exemple 2025-03-01, "
        "ou saisissez-la comme une date Excel."
    )


@pytest.mark.parametrize(
    "text, lang, expected",
    [
        ("31/03/2025", "fr", "2025-03-31"),
        ("31/03/2025", "en", "2025-03-31"),
        ("03/31/2025", "en", "2025-03-31"),
        ("05/05/2025", "en", "2025-05-05"),
        ("05/04/25", "fr", "2025-04-05"),
        ("05/04/95", "fr", "1995-04-05"),
        ("29/02/2024", "fr", "2024-02-29"),
        ("31.03.2025", "fr", "2025-03-31"),
        ("31/03/2025 14:30", "fr", "2025-03-31 14:30"),
        ("31/03/2025", None, "2025-03-31"),
    ],
)
def test_parse_date_reads_day_month_year_text(text, lang, expected):
    assert parse_date(text, lang) == pd.Timestamp(expected)


@pytest.mark.parametrize("text, lang", [("03/31/2025", "fr"), ("29/02/2025", "fr"), ("31/13/2025", "en")])
def test_parse_date_refuses_day_month_year_text_that_is_no_date(text, lang):
    with pytest.raises(ValueError):
        parse_date(text, lang)


COMPETENCIES = [
    ["person", "date", "assessor", "competency", "skill", "score"],
    ["Awa", "2025-03-31", "self", "facilitator", "listening_meetings", 4],
]


@pytest.mark.parametrize(
    "date, shown",
    [
        ("1949-12-31", "1949-12-31"),
        (dt.datetime(1900, 1, 1), "1900-01-01"),
        ("31/12/2099", "31/12/2099"),
        ("15/06/1925", "15/06/1925"),
    ],
)
def test_implausible_dates_are_problems(date, shown, make_xlsx, problems_of):
    rows = [list(r) for r in COMPETENCIES]
    rows[1][1] = date
    problem = only(problems_of(make_xlsx({"cluster": card("fr"), "competencies": rows})))
    last = (pd.Timestamp.today().normalize() + pd.DateOffset(years=30)).date().isoformat()
    assert (problem.code, problem.row, problem.column) == ("date_implausible", 2, "date")
    assert problem.message("en").endswith(
        f"found '{shown}'. Expected: a plausible date, between 1950 and {last}. How to fix: check the year (a "
        "typing error, a missing century?)."
    )
    assert f"Attendu : une date plausible, entre 1950 et {last}. Correction : vérifiez l'année" in problem.message("fr")


def test_dates_at_the_ends_of_the_plausible_range_are_read(make_xlsx):
    last = (pd.Timestamp.today().normalize() + pd.DateOffset(years=30)).date()
    rows = [list(r) for r in ACTIONS]
    rows[1][7:9] = ["1950-01-01", last.isoformat()]
    actions = read_workbook(make_xlsx({"cluster": card("fr"), "objectives": OBJECTIVES, "actions": rows}))["actions"]
    assert actions.loc[0, "start"] == pd.Timestamp("1950-01-01") and actions.loc[0, "end"] == pd.Timestamp(last)


# --------------------------------------------------------------------------------------------
# A suggested rename never takes one of the contract's own sheets
# --------------------------------------------------------------------------------------------
STEP2 = {
    "enterprises": [["enterprise_id", "name", "role", "employees"], ["E1", "Atelier", "producer", 4]],
    "actors": [["actor_id", "name", "type", "level"], ["E1", "Atelier", "enterprise", "micro"]],
    "relations": [["source", "target", "relation_type", "intensity"], ["E1", "E1", "supply", 1]],
}


@pytest.mark.parametrize("relations_title", ["relations", "Relations"])
def test_missing_sheet_is_never_suggested_from_a_contract_sheet(relations_title, make_xlsx, problems_of):
    sheets = {k if k != "relations" else relations_title: v for k, v in STEP2.items()}
    sheets["objectifs"] = [["id_objectif", "énoncé"], ["O1", "Vendre"]]
    problems = problems_of(make_xlsx(sheets), step="implementation")
    actions = next(p for p in problems if p.sheet == "actions")
    assert actions.fix == ("err.sheet_missing.fix", {})  # not « renommez la feuille « relations » en « actions » »
    assert "relations" not in actions.message("fr").split("Correction")[1]
    assert "How to fix: add the sheet with the columns of the data dictionary." in actions.message("en")


def test_a_close_sheet_name_outside_the_contract_is_still_suggested(make_xlsx, problems_of):
    sheets = dict(STEP2, objectifs=[["id_objectif", "énoncé"], ["O1", "Vendre"]], action=[["x"], [1]])
    actions = next(p for p in problems_of(make_xlsx(sheets), step="implementation") if p.sheet == "actions")
    assert "How to fix: rename the sheet 'action' to 'actions'." in actions.message("en")


# --------------------------------------------------------------------------------------------
# The example as a French Excel CSV folder, as .ods and as .xls: the same frames as the .xlsx
# --------------------------------------------------------------------------------------------
GROUPED = {"chiffre_affaires", "budget", "dépensé"}  # money columns a team formats "# ##0"


def office() -> str:
    """LibreOffice's command; a missing one skips the test on a workstation and fails it in CI."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("soffice is missing: install the libreoffice-calc-nogui package (make debian)")
        pytest.skip("soffice is missing: install the libreoffice-calc-nogui package (make debian)")
    return found


def convert(soffice: str, source, fmt: str, outdir):
    """``source`` converted by LibreOffice, with its own profile (other conversions may be running)."""
    outdir.mkdir(exist_ok=True)
    profile = (outdir / "profile").as_uri()
    result = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            fmt,
            "--outdir",
            str(outdir),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    target = outdir / f"{source.stem}.{fmt}"
    assert result.returncode == 0 and target.exists(), result.stdout + result.stderr
    return target


def excel_fr(value, header: str) -> str:
    """A cell as French Excel writes it to CSV: what the cell shows, with a French short date format."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y" if value.time() == dt.time() else "%d/%m/%Y %H:%M")
    if isinstance(value, bool):
        return "VRAI" if value else "FAUX"
    if isinstance(value, (int, float)):
        if header in GROUPED and abs(value) >= 1000:
            whole, _, decimals = f"{value:,}".partition(".")
            return whole.replace(",", "\u00a0") + ("," + decimals if decimals else "")
        return repr(value).replace(".", ",")
    return value


def french_excel_csv_folder(target):
    """Every sheet of the example saved as « CSV (séparateur : point-virgule) » by French Excel."""
    target.mkdir()
    book = openpyxl.load_workbook(example_path())
    for ws in book.worksheets:
        rows = list(ws.iter_rows(values_only=True))
        header = [str(h) for h in rows[0]]
        with open(target / f"{ws.title}.csv", "w", encoding="cp1252", newline="") as handle:
            writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
            for row in rows:
                writer.writerow([excel_fr(v, h) for v, h in zip(row, header)])
    return target


@pytest.fixture(scope="module")
def reference():
    return read_workbook(example_path())


def assert_same_workbook(found, reference):
    assert found.cluster == reference.cluster
    assert set(found.sheets) == set(reference.sheets) and len(reference.sheets) == 15  # with the cluster card: 16
    for key, frame in reference.sheets.items():
        pd.testing.assert_frame_equal(found[key], frame, obj=key)
        assert found.excel_rows[key] == reference.excel_rows[key]


def test_french_excel_csv_folder_reads_like_the_xlsx(tmp_path, reference):
    folder = french_excel_csv_folder(tmp_path / "classeur")
    raw = (folder / "récits.csv").read_bytes()
    assert b";" in raw and b"\xe9" in raw and "é".encode() not in raw  # cp1252, semicolons
    text = raw.decode("cp1252")
    assert any("," in line for line in text.splitlines()[1:])  # texts with commas, which fooled the old guess
    assert "\u00a0" in (folder / "entreprises.csv").read_bytes().decode("cp1252")  # 4\u00a0873\u00a0200,5
    actions = list(csv.reader((folder / "actions.csv").read_text(encoding="cp1252").splitlines(), delimiter=";"))
    assert re.fullmatch(r"\d\d/\d\d/20\d\d", actions[1][actions[0].index("début")])
    wb = read_workbook(folder)
    assert_same_workbook(wb, reference)
    assert wb.files["narratives"] == "récits.csv"


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    """The example converted by LibreOffice, once per format asked for."""
    folder, paths = tmp_path_factory.mktemp("converted"), {}

    def get(fmt: str):
        if fmt not in paths:
            paths[fmt] = convert(office(), example_path(), fmt, folder)
        return paths[fmt]

    return get


@pytest.mark.parametrize("fmt", ["ods", "xls"])
def test_libreoffice_and_old_excel_files_read_like_the_xlsx(fmt, converted, reference):
    wb = read_workbook(converted(fmt))
    assert_same_workbook(wb, reference)
    assert wb.source.suffix == f".{fmt}"
    assert [n.message("en") for n in wb.notices] == []  # the hidden « listes » sheet is a known one


def test_hidden_sheet_of_an_ods_file_is_read_with_a_notice(tmp_path, make_xlsx):
    path = make_xlsx({"cluster": card("en"), "actors": STEP2["actors"]}, hidden=("actors",))
    wb = read_workbook(convert(office(), path, "ods", tmp_path / "ods"))
    assert wb["actors"]["actor_id"].tolist() == ["E1"]
    assert [n.message("en") for n in wb.notices] == ["book.ods: the sheet 'actors' is hidden; it is read anyway."]


def test_ods_file_declaring_entities_is_refused_before_calamine_reads_it(converted, tmp_path, problems_of):
    """An entity-expansion bomb needs a document type declaration; no spreadsheet writes one."""
    laughs = (
        b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>\n'
    )
    source, bomb = converted("ods"), tmp_path / "laughs.ods"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(bomb, "w") as target:
        for info in original.infolist():
            data = original.read(info)
            if info.filename == "content.xml":
                data = laughs + data.split(b"?>", 1)[-1].replace(b"<text:p>", b"<text:p>&lol2;", 1)
            target.writestr(info, data)
    problem = only(problems_of(bomb))
    assert (problem.code, problem.file) == ("file_unreadable", "laughs.ods")


def test_damaged_ods_file_is_unreadable_not_a_crash(tmp_path, problems_of):
    path = tmp_path / "damaged.ods"
    path.write_bytes(b"PK\x03\x04" + bytes(200))
    problem = only(problems_of(path))
    assert problem.code == "file_unreadable" and "(.xlsx, .xls or .ods)" in problem.message("en")


def test_the_reading_rules_documented_in_the_docstrings_hold():
    import doctest

    import clusterkit.workbook.cells as module

    result = doctest.testmod(module)
    assert result.failed == 0 and result.attempted == 12
