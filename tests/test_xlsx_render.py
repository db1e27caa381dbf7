"""The spreadsheets a team prints or sends as they come out: opened with openpyxl for their settings
(print setup, frozen header, number formats, widths, wrapping) and printed through LibreOffice for
what a reader sees (pages, every cell in full, numbers and dates the reader's way). Page 1 of each
printed workbook is kept in test-artifacts/xlsx/ for a person to look at."""

import math
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from pypdf import PdfReader
from test_real_files import convert, office

from clusterkit.documents import xlsx
from clusterkit.documents.report import Report
from clusterkit.documents.tables import TableSpec
from clusterkit.steps import monitoring, plan
from clusterkit.workbook import example_path, read_workbook

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "xlsx"
LONG_NAME = (
    "Coopérative des artisanes du cuir et de la chaussure de la médina de Tamsa, "
    "section des tanneries traditionnelles et de la maroquinerie d'exportation"
)
# A table with every kind of column: long names, large amounts, shares, counts, indices, dates, years
SYNTHETIC = TableSpec(
    "synthetic",
    pd.DataFrame(
        {
            "name": [LONG_NAME, "Atelier Diallo", "=SUM(A1)"],
            "budget": [987_654_321_012.4, 1_250_000.0, 0.0],
            "employees": [12_345, 7, 0],
            "fund_share": [0.75, 0.5, 0.125],
            "satisfaction": [3.456, 4.0, 2.5],
            "start_date": pd.to_datetime(["2026-12-31", "2025-01-15", "2024-06-30"]),
            "plan_year": [2026, 2025, 2024],
        }
    ),
    percent=("fund_share",),
    decimals=2,
)  # the table's own precision for plain numbers


@dataclass
class Printed:
    lang: str
    files: dict[str, Path]  # deliverable -> XLSX
    pdfs: dict[str, Path]  # deliverable -> the XLSX printed by LibreOffice
    indicators: int  # indicators of the example


@pytest.fixture(scope="module", params=["fr", "en"])
def printed(request, tmp_path_factory):
    lang = request.param
    folder = tmp_path_factory.mktemp(f"xlsx-{lang}")
    wb = read_workbook(example_path(lang), lang=lang)
    m = monitoring.assess(wb)
    sheets = monitoring.indicator_sheets(m, lang, monitoring.indicator_names(m.indicators, lang, wb.lang))
    report = Report("plan", lang=lang, output_dir=str(folder))
    for spec in plan.action_plan_tables(wb["actions"], wb["objectives"], wb["actors"]):
        report.keep(spec.name, spec.frame, spec.enums, spec.percent, spec.decimals)
    report.save()
    files = {
        "indicators": xlsx.write_indicator_sheets(sheets, folder / "monitoring-indicators.xlsx", lang),
        "action-plan": xlsx.write_action_plan_xlsx(
            folder / "plan-action-plan.xlsx",
            lang=lang,
            vision=wb["vision"].iloc[0].to_dict(),
            actions=wb["actions"],
            objectives=wb["objectives"],
            actors=wb["actors"],
            currency=wb.cluster["currency"],
        ),
        "tables": folder / "plan-tables.xlsx",
        "synthetic": xlsx.write_tables({"Synthetic": SYNTHETIC}, folder / "synthetic.xlsx", lang, "FCFA"),
    }
    pdfs = {name: convert(office(), path, "pdf", folder / "pdf") for name, path in files.items()}
    if shutil.which("pdftoppm"):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for name, pdf in pdfs.items():
            subprocess.run(
                [
                    "pdftoppm",
                    "-r",
                    "60",
                    "-png",
                    "-singlefile",
                    "-f",
                    "1",
                    "-l",
                    "1",
                    str(pdf),
                    str(ARTIFACTS / f"{name}-{lang}"),
                ],
                check=True,
                timeout=120,
            )
    return Printed(lang, files, pdfs, len(sheets))


def pdf_text(path) -> str:
    """The printed text, without any space (a wrapped cell breaks its lines where the PDF says)."""
    return re.sub(r"\s", "", "".join(page.extract_text() for page in PdfReader(path).pages))


def books(printed):
    return {name: openpyxl.load_workbook(path) for name, path in printed.files.items()}


def test_every_sheet_prints_on_a4_fitted_to_the_page_width_with_its_title_and_page_numbers(printed):
    page = {"fr": "Page &P sur &N", "en": "Page &P of &N"}[printed.lang]
    for name, book in books(printed).items():
        for ws in book:
            assert ws.page_setup.paperSize == 9, (name, ws.title)  # A4
            assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
            reference_sheet = name == "indicators" and ws.title != book.sheetnames[0]
            # one page down for a sheet about a page long (every reference sheet), as many as needed beyond
            if reference_sheet:
                assert ws.page_setup.fitToHeight == 1, (name, ws.title)
            elif ws.max_row > 80:
                assert ws.page_setup.fitToHeight == 0, (name, ws.title)
            assert ws.oddFooter.right.text == page
            assert ws.oddHeader.left.text  # the table's full title (a tab name is cut at 31 characters)
            if not reference_sheet:
                assert ws.print_title_rows == "$1:$1" and ws.freeze_panes in ("A2", "C2")
                assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(ws.max_column)}{ws.max_row}"
                assert all(c.font.b and c.fill.fgColor.rgb.endswith("DCE6F1") for c in ws[1])


def test_table_titles_in_the_print_header_are_whole(printed):
    book = books(printed)["action-plan"]
    titles = [ws.oddHeader.left.text for ws in book]
    assert titles[0] == {"fr": "Vision", "en": "Vision"}[printed.lang]
    assert {"fr": "Qui fait quoi, par acteur", "en": "Who does what, by actor"}[printed.lang] in titles


def test_columns_are_formatted_by_their_kind_in_the_reader_s_language(printed):
    tag = {"fr": "[$-40C]", "en": "[$-409]"}[printed.lang]
    date = {"fr": "d mmm yyyy", "en": "mmm d, yyyy"}[printed.lang]
    ws = books(printed)["synthetic"].active
    formats = [ws.cell(2, c).number_format for c in range(2, 8)]
    assert formats == [f'{tag}#,##0 "FCFA"', f"{tag}#,##0", f"{tag}0%", f"{tag}#,##0.00", f"{tag}{date}", f"{tag}0"]
    assert ws["B2"].value == 987_654_321_012.4 and ws["D4"].value == 0.125  # values kept at full precision
    assert ws["A4"].value == "=SUM(A1)" and ws["A4"].data_type == "s"
    for name in ("action-plan", "tables"):  # the team workbook's currency on every amount
        budget = books(printed)[name][{"fr": "Budget par domaine", "en": "Budget by domain"}[printed.lang]]
        header = [c.value for c in budget[1]]
        for column in ("Budget", {"fr": "Fonds d'appui", "en": "Support fund"}[printed.lang]):
            assert budget.cell(2, header.index(column) + 1).number_format == f'{tag}#,##0 "EUR"', (name, column)
        assert budget.cell(2, header.index("Actions") + 1).number_format == f"{tag}#,##0"


def test_short_text_fits_its_column_and_long_text_wraps_in_a_row_tall_enough(printed):
    wrapped = 0
    for name, book in books(printed).items():
        for ws in book:
            skip_title = name == "indicators" and ws.title != book.sheetnames[0]  # runs over the empty cells
            for row in ws.iter_rows(min_row=2 if skip_title else 1):
                for cell in row:
                    if not isinstance(cell.value, str) or cell.row == 1 and not skip_title:
                        continue
                    width = ws.column_dimensions[cell.column_letter].width
                    if len(cell.value) <= width:
                        continue
                    assert cell.alignment.wrap_text, (name, ws.title, cell.coordinate, cell.value, width)
                    lines = math.ceil((len(cell.value) + 1) / (width + 1))  # a line break takes a space
                    assert ws.row_dimensions[cell.row].height >= 15 * lines, (name, ws.title, cell.coordinate)
                    wrapped += 1
    assert wrapped >= 3  # the vision, the long name, the indicator definitions
    vision = books(printed)["action-plan"].worksheets[0]
    assert vision["A2"].alignment.wrap_text and vision.column_dimensions["A"].width == xlsx.MAX_WIDTH


def test_wide_sheets_print_landscape_and_narrow_ones_portrait(printed):
    book = books(printed)["action-plan"]
    assert book.worksheets[0].page_setup.orientation == "portrait"  # the vision
    assert book.worksheets[2].page_setup.orientation == "landscape"  # the actions, eleven columns
    assert books(printed)["indicators"].worksheets[0].page_setup.orientation == "landscape"
    assert {ws.page_setup.orientation for ws in books(printed)["indicators"].worksheets[1:]} == {"portrait"}


def test_printed_every_cell_shows_in_full_and_numbers_read_the_reader_s_way(printed):
    for name, pdf in printed.pdfs.items():
        text = pdf_text(pdf)
        assert "###" not in text, name  # a number too wide for its column
        for ws in openpyxl.load_workbook(printed.files[name]):
            for row in ws.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str):
                        assert re.sub(r"\s", "", cell.value) in text, (name, ws.title, cell.coordinate, cell.value)
    synthetic = pdf_text(printed.pdfs["synthetic"])
    shown = {
        "fr": ["987654321012FCFA", "12345", "75%", "13%", "3,46", "31déc.2026", "2026"],
        "en": ["987,654,321,012FCFA", "12,345", "75%", "13%", "3.46", "Dec31,2026", "2026"],
    }[printed.lang]
    assert all(s in synthetic for s in shown), shown
    dates = {"fr": "31déc.2028", "en": "Dec31,2028"}[printed.lang]  # target date of the example's indicators
    assert dates in pdf_text(printed.pdfs["indicators"])


def test_the_indicators_workbook_prints_its_summary_then_one_page_per_indicator(printed):
    pages = [re.sub(r"\s", "", page.extract_text()) for page in PdfReader(printed.pdfs["indicators"]).pages]
    assert len(pages) <= 2 + printed.indicators  # was 79 pages, the sheets cut across their width
    sheets = [
        re.sub(r"\s", "", ws.cell(1, 1).value)
        for ws in openpyxl.load_workbook(printed.files["indicators"]).worksheets[1:]
    ]
    assert len(sheets) == printed.indicators
    assert [sum(page.startswith(title) for page in pages) for title in sheets] == [1] * len(sheets)
    assert len(PdfReader(printed.pdfs["action-plan"]).pages) <= 9  # was 15: one page per table


def test_page_one_of_each_printed_workbook_is_kept_for_a_person_to_look_at(printed):
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm is missing: install poppler-utils")
    for name in printed.pdfs:
        assert (ARTIFACTS / f"{name}-{printed.lang}.png").stat().st_size > 5_000
