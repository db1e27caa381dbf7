"""The reports as a reader sees them, on screen and on paper, in both languages: the house style's
tables fit their column at 1280 px, no text on paper is smaller than 8 pt, no heading is left alone at
the foot of a page, the monitoring report's indicator sheets share pages, and a report opens with
nothing fetched from the network. The plan and monitoring reports of the example are printed once per
language; the first page of each PDF is kept as a PNG in test-artifacts/print/."""

import math
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from clusterkit.documents import pdf
from clusterkit.i18n import t
from clusterkit.running.pack import pack

if pdf.chromium() is None:
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)

LANGS = ("fr", "en")
STEPS = ("plan", "monitoring")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "print"
SMALLEST_PT = 8
MONITORING_PAGES = 18  # the example's 24 indicator sheets, four or five to a page (38 pages before)
A4_HEIGHT = 842


@pytest.fixture(scope="module")
def packs(tmp_path_factory, pool):
    """The plan and monitoring reports of the example, with their PDFs, in each language."""
    folder = tmp_path_factory.mktemp("print")
    return {
        lang: pack(out_dir=folder / lang, lang=lang, steps=list(STEPS), pdf=True, pool=pool).folder for lang in LANGS
    }


@pytest.fixture(scope="module")
def reports(packs):
    return [(lang, step, packs[lang]) for lang in LANGS for step in STEPS]


def text_runs(page):
    """Each piece of text on a PDF page as (size in pt, height from the page's foot in pt, text)."""
    runs = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            scale = math.hypot(tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3])
            runs.append((size * scale, tm[4] * cm[1] + tm[5] * cm[3] + cm[5], text.strip()))

    page.extract_text(visitor_text=visit)
    return runs


def test_each_pdf_has_its_first_page_kept_as_an_image(packs):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for lang, folder in packs.items():
        for step in STEPS:
            target = ARTIFACTS / f"{lang}-{step}.png"
            if shutil.which("pdftoppm"):
                subprocess.run(
                    [
                        "pdftoppm",
                        "-r",
                        "60",
                        "-png",
                        "-f",
                        "1",
                        "-l",
                        "1",
                        "-singlefile",
                        str(folder / f"{step}.pdf"),
                        str(target.with_suffix("")),
                    ],
                    check=True,
                )
            else:  # no poppler here: the page as Chromium lays it out for print
                _print_screenshot(folder / f"{step}.html", target)
            assert target.stat().st_size > 10_000, target


def _print_screenshot(html_path: Path, target: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=pdf.chromium(), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": pdf.PRINT_WIDTH, "height": round(pdf.PRINT_WIDTH * 1.414)})
        page.emulate_media(media="print")
        page.goto(html_path.as_uri())
        page.screenshot(path=str(target))
        browser.close()


@pytest.mark.parametrize("lang", LANGS)
def test_monitoring_sheets_share_pages_and_lose_nothing(packs, lang):
    reader = PdfReader(packs[lang] / "monitoring.pdf")
    assert len(reader.pages) <= MONITORING_PAGES
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    sheets = re.findall(r"\bI\d\d — ", text)
    assert len(sheets) == 24  # every indicator's sheet, none cut away
    pages_with_sheets = [p for p in reader.pages if re.search(r"\bI\d\d — ", p.extract_text())]
    assert len(pages_with_sheets) <= 10  # 24 sheets: at least two or three to a page
    for key in ("monitoring.sheets.title", "monitoring.catalogue.title"):
        assert t(key, lang) in text


def printed_images(path: Path) -> list[tuple[int, tuple[int, int], float]]:
    """Each image of a PDF as (page, (width, height) in pixels, pixels per inch as printed), from poppler."""
    listing = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in listing.splitlines()[2:] if line.strip()]
    return [(int(row[0]), (int(row[3]), int(row[4])), float(row[12])) for row in rows if row[2] == "image"]


@pytest.mark.skipif(shutil.which("pdfimages") is None, reason="poppler-utils is not installed")
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("step", STEPS)
def test_every_figure_prints_at_its_drawn_size(packs, lang, step):
    """A figure's text is drawn at the size it must print at (8 pt and more): printed smaller than
    drawn, it would be unreadable. Before, a cap on the printed height halved the results chain's pages."""
    from PIL import Image

    from clusterkit.documents.figures import FIGURE_DPI

    drawn = {}
    for path in packs[lang].glob(f"{step}-figure-*.png"):
        with Image.open(path) as image:
            drawn[image.size] = image.info["dpi"][0]
    printed = printed_images(packs[lang] / f"{step}.pdf")
    assert drawn and set(drawn) <= {size for _, size, _ in printed}  # every figure is in the PDF
    for page, size, ppi in printed:  # an image the pack does not keep as a file is drawn at the house dpi
        assert drawn.get(size, FIGURE_DPI) / ppi >= 0.95, (page, size, ppi)  # printed width / drawn width


@pytest.mark.parametrize("lang", LANGS)
def test_plan_first_page_holds_the_matrix_not_white_space(packs, lang):
    """Before, the prioritisation matrix went to page 2 and left page 1 about 60 % blank."""
    first = PdfReader(packs[lang] / "plan.pdf").pages[0]
    assert len(first.images) == 1  # the matrix
    assert t("plan.priorities.title", lang) in first.extract_text()


def stranded_headings(reader) -> list:
    """Headings (12 pt and more) in the lowest fifth of a page, but the last, with at most two lines of
    text under them: what a reader finds at the foot of a page with its content overleaf."""
    found = []
    for number, page in enumerate(reader.pages[:-1], start=1):
        body = [run for run in text_runs(page) if 40 < run[1] < A4_HEIGHT - 40]  # not the header and footer
        for size, height, text in body:
            below = {round(h) for _, h, _ in body if h < height - 2}
            if size >= 11.5 and height < A4_HEIGHT / 5 and len(below) <= 2:
                found.append((number, text))
    return found


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("step", STEPS)
def test_no_text_under_8pt_and_no_heading_alone_at_a_page_foot(packs, lang, step):
    reader = PdfReader(packs[lang] / f"{step}.pdf")
    body_sizes = set()
    for number, page in enumerate(reader.pages, start=1):
        runs = text_runs(page)
        small = [(round(size, 1), text) for size, _, text in runs if size < SMALLEST_PT - 0.05]
        assert small == [], (step, number, small[:5])
        body_sizes |= {round(size) for size, height, _ in runs if 40 < height < A4_HEIGHT - 40}
    assert min(body_sizes) >= 8 and 10 in body_sizes  # running text at 10 pt, tables at 9 pt (8 when wide)
    assert stranded_headings(reader) == []


@pytest.mark.parametrize("lang", LANGS)
def test_reports_open_offline_and_tables_fit_their_column_at_1280px(packs, browser, lang):
    pages = sorted(packs[lang].glob("*.html"))
    assert {p.name for p in pages} >= {"plan.html", "monitoring.html", "index.html"}
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    outside = []
    page.on(
        "request", lambda r: None if r.url.startswith(("file:", "data:", "blob:", "about:")) else outside.append(r.url)
    )
    for path in pages:
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", source), path.name  # nothing to fetch
        page.goto(path.as_uri(), wait_until="networkidle")
        wide = page.evaluate("""() => [...document.querySelectorAll('table')].map(table => {
            const column = table.closest('.ck-table-wrap, .ck-sheet, main') || table.parentElement;
            return [table.querySelector('th, td')?.textContent, table.getBoundingClientRect().width,
                    column.clientWidth, column.scrollWidth];
          }).filter(([, width, room, scrolled]) => width > room + 1 || scrolled > room + 1)""")
        assert wide == [], (path.name, wide)
        measure = page.evaluate("() => document.querySelector('main p')?.getBoundingClientRect().width")
        assert measure is None or measure <= 40 * 16 + 1, path.name  # a readable line: 40em at most
    page.close()
    assert outside == []


def test_cells_marked_as_numbers_read_from_the_right(browser, tmp_path):
    """The house style aligns the table layer's ck-num cells right and its ck-text cells left,
    whatever pandas writes on the header row."""
    from clusterkit.static import house_style

    path = tmp_path / "t.html"
    path.write_text(
        f"<html><head><style>{house_style()}</style></head><body class='ck-report'><main>"
        "<table class='ck-table'><thead><tr style='text-align: right;'><th class='ck-text'>Nom</th>"
        "<th class='ck-num'>Budget</th><th>Autre</th></tr></thead><tbody><tr><td class='ck-text'>A</td>"
        "<td class='ck-num'>1 000</td><td>x</td></tr></tbody></table></main></body></html>",
        encoding="utf-8",
    )
    page = browser.new_page()
    page.goto(path.as_uri())
    aligned = page.eval_on_selector_all("th, td", "cells => cells.map(c => getComputedStyle(c).textAlign)")
    page.emulate_media(media="print")
    printed = page.eval_on_selector("td", "c => parseFloat(getComputedStyle(c).fontSize) * 72 / 96")
    page.close()
    assert aligned == ["left", "right", "left", "left", "right", "left"]
    assert printed == pytest.approx(9)  # table text at 9 pt on paper
