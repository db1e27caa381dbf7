"""The bad-input corpus: awkward or broken team workbooks, each built from the packaged example.

Every case writes one input (an .xlsx file, a CSV folder or another file) and says what the reader
must do with it: either reject it with the clear message, listing the problem codes expected in
order (``problems``), or read it correctly (``check`` receives the Workbook and asserts values).
Most cases keep only a few sheets of the example, always with a short ``compétences`` sheet so
that a pack of the competency step can run on what was accepted.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import openpyxl

from clusterkit.workbook import example_path

from .xlsx import Error, Formula, write_xlsx

COMPETENCY_ROWS = 36  # one facilitator, one date, three assessors, twelve sub-skills
SURVEY_ROWS = 100_000
RTL = "شركة الجلود الحديثة"  # "the modern leather company", written right to left
EMOJI = "Cordonnerie 👞✂️ Zoé"
LATIN = "Société Générale des Peaux — Ñandú & Çelik"


@cache
def example_rows() -> dict[str, tuple[tuple, ...]]:
    """Every sheet of the example as rows of values (read once)."""
    book = openpyxl.load_workbook(example_path())
    return {ws.title: tuple(tuple(r) for r in ws.iter_rows(values_only=True)) for ws in book.worksheets}


def rows(title: str) -> list[list]:
    """A fresh, editable copy of one sheet of the example (header first)."""
    found = [list(r) for r in example_rows()[title]]
    return found[: COMPETENCY_ROWS + 1] if title == "compétences" else found


def base(*titles: str) -> dict[str, list[list]]:
    """The cluster card, the given sheets and the short competency sheet."""
    return {t: rows(t) for t in ("cluster", *titles, "compétences")}


def column(sheet: list[list], name: str) -> int:
    return sheet[0].index(name)


def set_cell(sheet: list[list], row: int, name: str, value) -> None:
    """Set a cell by its Excel row number and its header."""
    sheet[row - 1][column(sheet, name)] = value


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[Path], Path]
    problems: tuple[str, ...] = ()  # codes in order when the workbook must be rejected
    step: str | None = None  # read as this step would (its sheets are then required)
    check: Callable | None = None  # asserts on the Workbook when it must be accepted
    notices: tuple[str, ...] = ()  # notice keys expected when accepted
    says: tuple[str, ...] = ()  # fragments of the English message
    pack_steps: tuple[str, ...] = ("competency",)
    slow: bool = False


def xlsx(name: str, make: Callable[..., dict], *args, **kw) -> Callable[[Path], Path]:
    """A builder writing ``make(*args)`` as ``name``; ``kw`` go to the writer."""
    return lambda folder: write_xlsx(folder / name, make(*args), **kw)


def firms_count(n: int):
    def check(wb):
        assert len(wb["enterprises"]) == n

    return check


# --------------------------------------------------------------------------------------------
# Workbook structure
# --------------------------------------------------------------------------------------------
def renamed(old: str, new: str) -> dict:
    sheets = base("entreprises")
    sheets[new] = sheets.pop(old)
    return sheets


def english_titles() -> dict:
    names = {
        "cluster": "cluster",
        "entreprises": "enterprises",
        "acteurs": "actors",
        "relations": "relations",
        "compétences": "competencies",
    }
    return {names[t]: r for t, r in base("entreprises", "acteurs", "relations").items()}


def banner_above_header() -> dict:
    sheets = base("entreprises")
    width = len(sheets["entreprises"][0])
    sheets["entreprises"] = [
        ["Enquête auprès des entreprises, mars 2025"] + [None] * (width - 1),
        *sheets["entreprises"],
    ]
    return sheets


def merged_header() -> dict:
    sheets = base("entreprises")
    set_cell(sheets["entreprises"], 1, "effectif", None)  # what a merge over C1:D1 leaves in D1
    return sheets


def extra_column() -> dict:
    sheets = base("entreprises")
    for i, row in enumerate(sheets["entreprises"]):
        row.append("commentaire" if i == 0 else f"vu le {i} mars")
    return sheets


def header_on_row_3() -> dict:
    sheets = base("entreprises")
    sheets["entreprises"] = [[], ["Source : enquête 2025"], *sheets["entreprises"]]
    return sheets


def emptied(keep_header: bool) -> dict:
    sheets = base("entreprises")
    sheets["entreprises"] = sheets["entreprises"][:1] if keep_header else []
    return sheets


def blank_rows() -> dict:
    sheets = base("entreprises")
    firms = sheets["entreprises"]
    sheets["entreprises"] = [firms[0], firms[1], [], [None] * len(firms[0]), *firms[2:]]
    return sheets


def check_blank_rows(wb):
    assert len(wb["enterprises"]) == 72
    assert wb.excel_rows["enterprises"][:3] == [2, 5, 6]  # rows as Excel numbers them


def check_banner(wb):
    assert len(wb["enterprises"]) == 72 and wb["enterprises"]["enterprise_id"].iloc[0] == "E01"
    assert wb.excel_rows["enterprises"][0] == 3


def check_extra(wb):
    assert wb["enterprises"]["commentaire"].iloc[1] == "vu le 2 mars"


def check_header_row_3(wb):
    assert wb.excel_rows["enterprises"][0] == 4 and len(wb["enterprises"]) == 72


def check_hidden(wb):
    assert len(wb["enterprises"]) == 72


# --------------------------------------------------------------------------------------------
# Cell values
# --------------------------------------------------------------------------------------------
def edited(title: str, *edits) -> dict:
    """``base`` with cells of ``title`` set: edits are (Excel row, header, value)."""
    sheets = base("entreprises") if title == "entreprises" else base(title)
    for row, name, value in edits:
        set_cell(sheets[title], row, name, value)
    return sheets


def without_column(title: str, name: str) -> dict:
    sheets = base(title)
    index = column(sheets[title], name)
    sheets[title] = [r[:index] + r[index + 1 :] for r in sheets[title]]
    return sheets


def renamed_column(title: str, old: str, new: str) -> dict:
    sheets = base(title)
    sheets[title][0][column(sheets[title], old)] = new
    return sheets


def text_dates() -> dict:
    sheets = base()
    for row in sheets["compétences"][1:]:
        row[1] = row[1].date().isoformat()
    return sheets


def serial_dates() -> dict:
    sheets = base()
    for row in sheets["compétences"][1:]:
        row[1] = (row[1] - dt.datetime(1899, 12, 30)).days
    return sheets


def check_dates(wb):
    assert set(wb["competencies"]["date"]) == {dt.datetime(2025, 1, 15)}


def check_percent(wb):
    shares = wb["enterprises"]["export_share"]
    assert list(shares.iloc[:3]) == [0.45, 0.045, 0.3]


def check_commas(wb):
    firms = wb["enterprises"]
    assert firms["turnover"].iloc[0] == 4873200.5 and firms["turnover"].iloc[1] == 1234.5
    assert firms["export_share"].iloc[2] == 0.45


def check_formula(wb):
    assert wb["enterprises"]["employees"].iloc[0] == 94


# --------------------------------------------------------------------------------------------
# References
# --------------------------------------------------------------------------------------------
def short_network() -> dict:
    sheets = base("acteurs", "relations")
    sheets["relations"] = sheets["relations"][:4]
    return sheets


def unknown_actor() -> dict:
    sheets = short_network()
    set_cell(sheets["relations"], 3, "cible", "A999")
    return sheets


def relations_alone() -> dict:
    sheets = short_network()
    del sheets["acteurs"]
    return sheets


def unknown_indicator() -> dict:
    sheets = base("indicateurs", "mesures")
    for row in sheets["indicateurs"][1:]:
        row[column(sheets["indicateurs"], "id_action")] = None  # no actions sheet in this case
    set_cell(sheets["mesures"], 4, "id_indicateur", "I99")
    return sheets


# --------------------------------------------------------------------------------------------
# Files and encodings
# --------------------------------------------------------------------------------------------
def csv_folder(name: str, encoding: str, delimiter: str):
    def build(folder: Path) -> Path:
        target = folder / name
        target.mkdir()
        competencies = rows("compétences")
        competencies[1][0] = "Amélie Fançon"
        for row in competencies[1:]:
            row[1] = row[1].date().isoformat()
        for title, sheet in (("cluster", rows("cluster")), ("compétences", competencies)):
            with open(target / f"{title}.csv", "w", encoding=encoding, newline="") as handle:
                csv.writer(handle, delimiter=delimiter).writerows(
                    [
                        ["" if v is None else v.date().isoformat() if isinstance(v, dt.datetime) else v for v in r]
                        for r in sheet
                    ]
                )
        return target

    return build


def check_csv(wb):
    people = wb["competencies"]["person"]
    assert people.iloc[0] == "Amélie Fançon" and len(people) == COMPETENCY_ROWS
    assert wb.cluster["name"] == "Cluster du cuir et de la chaussure de Tamsa (fictif)"


def raw_file(name: str, data: bytes):
    def build(folder: Path) -> Path:
        (folder / name).write_bytes(data)
        return folder / name

    return build


OLE_HEADER = bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504)  # an encrypted Office file is an OLE file


def zip_without_workbook(folder: Path) -> Path:
    with zipfile.ZipFile(folder / "archive.xlsx", "w") as archive:
        archive.writestr("readme.txt", "photos of the workshop")
    return folder / "archive.xlsx"


def truncated_sheet(folder: Path) -> Path:
    """A workbook whose second sheet stops mid-way, as after an interrupted copy or sync."""
    path = write_xlsx(folder / "truncated.xlsx", base())
    with zipfile.ZipFile(path) as archive:
        parts = {i.filename: archive.read(i) for i in archive.infolist()}
    parts["xl/worksheets/sheet2.xml"] = parts["xl/worksheets/sheet2.xml"][:3000]
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def csv_utf16(folder: Path) -> Path:
    """Excel's "Unicode text" export: UTF-16 with a byte-order mark, tab-separated."""
    target = folder / "utf16"
    target.mkdir()
    competencies = rows("compétences")
    for row in competencies[1:]:
        row[1] = row[1].date().isoformat()
    for title, sheet in (("cluster", rows("cluster")), ("compétences", competencies)):
        text = "\n".join("\t".join("" if v is None else str(v) for v in r) for r in sheet) + "\n"
        (target / f"{title}.csv").write_text(text, encoding="utf-16")
    return target


def check_utf16(wb):
    assert len(wb["competencies"]) == COMPETENCY_ROWS and wb["competencies"]["person"].iloc[0] == "Nadia Benslimane"


def survey_100k(folder: Path) -> Path:
    header = ["id_entreprise", "nom", "rôle", "effectif", "effectif_femmes"]
    roles = ("producteur", "fournisseur", "sous-traitant", "commerçant")
    firms = [header] + [
        [f"E{i:06d}", f"Atelier {i}", roles[i % 4], i % 40 + 1, (i % 40 + 1) // 3] for i in range(SURVEY_ROWS)
    ]
    return write_xlsx(folder / "survey.xlsx", {"cluster": rows("cluster"), "entreprises": firms})


def check_survey(wb):
    firms = wb["enterprises"]
    assert len(firms) == SURVEY_ROWS
    assert int(firms["employees"].sum()) == sum(i % 40 + 1 for i in range(SURVEY_ROWS))
    assert firms["role"].value_counts()["supplier"] == SURVEY_ROWS // 4
    assert firms["enterprise_id"].iloc[-1] == "E099999"


def big_cell() -> dict:
    sheets = base()
    sheets["compétences"][1][column(sheets["compétences"], "preuves")] = "x" * 1_000_000
    return sheets


def world_names() -> dict:
    sheets = base("entreprises")
    set_cell(sheets["cluster"], 2, "valeur", f"Cluster {EMOJI} / {RTL}")
    set_cell(sheets["entreprises"], 2, "nom", RTL)
    set_cell(sheets["entreprises"], 3, "nom", EMOJI)
    set_cell(sheets["entreprises"], 4, "nom", LATIN)
    return sheets


def check_names(wb):
    assert list(wb["enterprises"]["name"].iloc[:3]) == [RTL, EMOJI, LATIN]
    assert wb.name == f"Cluster {EMOJI} / {RTL}"


def numbers_as_ids() -> dict:
    sheets = base("entreprises")
    set_cell(sheets["entreprises"], 2, "id_entreprise", 12)
    return sheets


def check_number_id(wb):
    assert wb["enterprises"]["enterprise_id"].iloc[0] == "12"


def spelled_values() -> dict:
    sheets = base("entreprises")
    set_cell(sheets["entreprises"], 2, "rôle", "  ENTREPRISE LEADER ")
    set_cell(sheets["entreprises"], 2, "membre_association", "Oui")
    set_cell(sheets["entreprises"], 3, "membre_association", "x")
    set_cell(sheets["entreprises"], 4, "membre_association", "FAUX")
    return sheets


def check_spelled(wb):
    firms = wb["enterprises"]
    assert firms["role"].iloc[0] == "lead_firm"
    assert list(firms["association_member"].iloc[:3]) == [True, True, False]


def duplicated_sheet() -> dict:
    sheets = base("entreprises")
    sheets["enterprises"] = copy.deepcopy(sheets["entreprises"])
    return sheets


def duplicated_header() -> dict:
    """A second column headed 'effectif' at the end, as when a survey export is pasted twice."""
    sheets = base("entreprises")
    for i, row in enumerate(sheets["entreprises"]):
        row.append("effectif" if i == 0 else 1)
    return sheets


CASES: tuple[Case, ...] = (
    # -- workbook structure -----------------------------------------------------------------
    Case(
        "sheet_name_misspelled",
        xlsx("misspelled.xlsx", renamed, "entreprises", "entreprise"),
        problems=("sheet_missing",),
        step="diagnostic",
        says=("rename the sheet 'entreprise' to 'enterprises'",),
        pack_steps=("diagnostic",),
    ),
    Case(
        "sheet_name_unknown",
        xlsx("unknown.xlsx", renamed, "entreprises", "firms 2025"),
        problems=("sheet_missing",),
        step="diagnostic",
        says=("a sheet 'enterprises' (or 'entreprises')",),
        pack_steps=("diagnostic",),
    ),
    Case("sheet_titles_in_english", xlsx("english.xlsx", english_titles), step="diagnostic", check=firms_count(72)),
    Case(
        "hidden_sheet",
        xlsx("hidden.xlsx", base, "entreprises", hidden={"entreprises": "hidden"}),
        check=check_hidden,
        notices=("notice.hidden_sheet",),
    ),
    Case(
        "very_hidden_sheet",
        xlsx("very-hidden.xlsx", base, "entreprises", hidden={"entreprises": "veryHidden"}),
        check=check_hidden,
        notices=("notice.hidden_sheet",),
    ),
    Case(
        "merged_banner_above_header",
        xlsx("banner.xlsx", banner_above_header, merged={"entreprises": ["A1:N1"]}),
        check=check_banner,
        notices=("notice.header_row",),
    ),
    Case(
        "merged_header_cells",
        xlsx("merged.xlsx", merged_header, merged={"entreprises": ["C1:D1"]}),
        problems=("column_missing",),
        says=("a column 'employees' (or 'effectif')",),
    ),
    Case("extra_column_kept", xlsx("extra.xlsx", extra_column), check=check_extra, notices=("notice.extra_column",)),
    Case(
        "header_on_row_3", xlsx("row3.xlsx", header_on_row_3), check=check_header_row_3, notices=("notice.header_row",)
    ),
    Case(
        "empty_sheet",
        xlsx("empty.xlsx", emptied, False),
        problems=("sheet_empty",),
        step="diagnostic",
        pack_steps=("diagnostic",),
    ),
    Case(
        "header_only_sheet",
        xlsx("header-only.xlsx", emptied, True),
        problems=("sheet_empty",),
        step="diagnostic",
        pack_steps=("diagnostic",),
    ),
    Case("blank_rows_inside", xlsx("blank-rows.xlsx", blank_rows), check=check_blank_rows),
    Case("same_sheet_twice", xlsx("twice.xlsx", duplicated_sheet), problems=("sheet_duplicate",)),
    # -- cell values ------------------------------------------------------------------------
    Case(
        "missing_required_column",
        xlsx("no-role.xlsx", without_column, "entreprises", "rôle"),
        problems=("column_missing",),
        says=("a column 'role' (or 'rôle')",),
    ),
    Case(
        "misspelled_column",
        xlsx("efectif.xlsx", renamed_column, "entreprises", "effectif", "efectif"),
        problems=("column_missing",),
        says=("rename the column 'efectif' to 'employees'",),
    ),
    Case("duplicated_column", xlsx("two-effectif.xlsx", duplicated_header), problems=("column_duplicate",)),
    Case(
        "text_in_a_number",
        xlsx("douze.xlsx", edited, "entreprises", (3, "effectif", "douze")),
        problems=("value_kind",),
        says=("sheet 'entreprises', row 3, column 'effectif'", "'douze'"),
    ),
    Case(
        "decimal_in_an_integer",
        xlsx("half.xlsx", edited, "entreprises", (4, "effectif", 12.5)),
        problems=("value_kind",),
    ),
    Case(
        "unknown_enumeration_value",
        xlsx("boss.xlsx", edited, "entreprises", (2, "rôle", "patron")),
        problems=("value_kind",),
        says=("lead firm",),
    ),
    Case(
        "score_out_of_range",
        xlsx("seven.xlsx", edited, "compétences", (2, "note", 7)),
        problems=("value_range",),
        says=("between 1 and 5",),
    ),
    Case("iso_text_dates", xlsx("text-dates.xlsx", text_dates), check=check_dates),
    Case("excel_serial_dates", xlsx("serial-dates.xlsx", serial_dates), check=check_dates),
    Case("french_text_date", xlsx("fr-date.xlsx", edited, "compétences", (2, "date", "15/01/2025")), check=check_dates),
    Case(
        "percent_strings",
        xlsx(
            "percent.xlsx",
            edited,
            "entreprises",
            (2, "part_export", "45%"),
            (3, "part_export", "4,5 %"),
            (4, "part_export", 0.3),
        ),
        check=check_percent,
    ),
    Case(
        "french_decimal_commas",
        xlsx(
            "commas.xlsx",
            edited,
            "entreprises",
            (2, "chiffre_affaires", "4 873 200,5"),
            (3, "chiffre_affaires", "1\u202f234,5"),
            (4, "part_export", "0,45"),
        ),
        check=check_commas,
    ),
    Case(
        "formula_with_cached_value",
        xlsx("formula.xlsx", edited, "entreprises", (2, "effectif", Formula("90+4", 94))),
        check=check_formula,
    ),
    Case(
        "formula_errors",
        xlsx(
            "div0.xlsx",
            edited,
            "entreprises",
            (2, "effectif", Error("#DIV/0!")),
            (3, "part_export", Error("#N/A", "NA()")),
        ),
        problems=("formula_error", "formula_error"),
        says=("'#DIV/0!'", "correct the formula"),
    ),
    Case(
        "formula_never_computed",
        xlsx("uncomputed.xlsx", edited, "entreprises", (2, "effectif", Formula("90+4"))),
        problems=("formula_uncomputed",),
        says=("open and save the workbook in Excel or LibreOffice",),
    ),
    Case(
        "women_above_employees",
        xlsx("women.xlsx", edited, "entreprises", (2, "effectif_femmes", 95)),
        problems=("women_exceed",),
    ),
    Case("enumerations_and_booleans_spelled_loosely", xlsx("spelled.xlsx", spelled_values), check=check_spelled),
    Case("ids_typed_as_numbers", xlsx("number-id.xlsx", numbers_as_ids), check=check_number_id),
    # -- references -------------------------------------------------------------------------
    Case(
        "duplicate_ids",
        xlsx("duplicate.xlsx", edited, "entreprises", (5, "id_entreprise", "E01")),
        problems=("id_duplicate",),
        says=("row 2",),
    ),
    Case(
        "relation_to_unknown_actor",
        xlsx("unknown-actor.xlsx", unknown_actor),
        problems=("ref_unknown",),
        says=("'A999'", "an existing identifier of column 'actor_id' of sheet 'actors'"),
    ),
    Case(
        "relations_without_actors",
        xlsx("no-actors.xlsx", relations_alone),
        problems=("ref_unknown",) * 6,
        says=("add the sheet 'actors'",),
    ),
    Case(
        "measurement_of_unknown_indicator",
        xlsx("unknown-indicator.xlsx", unknown_indicator),
        problems=("ref_unknown",),
        says=("'I99'",),
    ),
    # -- files and encodings ----------------------------------------------------------------
    Case("csv_latin1_semicolons", csv_folder("latin1", "latin-1", ";"), check=check_csv),
    Case("csv_utf8_bom_commas", csv_folder("utf8", "utf-8-sig", ","), check=check_csv),
    Case(
        "text_renamed_xlsx",
        raw_file("notes.xlsx", b"name;value\nnot;excel\n"),
        problems=("file_unreadable",),
        says=("remove any password",),
    ),
    Case("password_protected", raw_file("locked.xlsx", OLE_HEADER), problems=("file_unreadable",)),
    Case("truncated_sheet", truncated_sheet, problems=("file_unreadable",)),
    Case("csv_utf16_unicode_text", csv_utf16, check=check_utf16),
    Case("zip_without_workbook", zip_without_workbook, problems=("file_unreadable",)),
    Case("empty_file", raw_file("nothing.xlsx", b""), problems=("file_unreadable",)),
    Case("survey_of_100000_firms", survey_100k, check=check_survey, slow=True),
    Case(
        "cell_of_1_mb", xlsx("big-cell.xlsx", big_cell), problems=("cell_too_long",), says=("at most 32767 characters",)
    ),
    Case("names_with_accents_emoji_and_rtl", xlsx("names.xlsx", world_names), check=check_names),
)
