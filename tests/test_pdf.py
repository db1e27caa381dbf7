"""PDF copies of the reports, printed by Debian's Chromium: A4, numbered pages with the cluster's
name, the reports' headings, tables inside the page, figures at their full resolution."""

import os
import re
import unicodedata

import openpyxl
import pytest
from PIL import Image
from pypdf import PdfReader

from clusterkit.documents import pdf
from clusterkit.i18n import t
from clusterkit.running.kernels import KernelPool
from clusterkit.running.pack import pack
from clusterkit.workbook import example_path

A4 = (595.92, 842.88)  # points
RIGHT_MARGIN = 15 / 25.4 * 72
LONG_NAME = "Manufacture" + "X" * 100  # one word far wider than any column
CLUSTER = "Cluster <b>de Tamsa</b> & fils"
needs_chromium = pytest.mark.skipif(
    pdf.chromium() is None and not os.environ.get("CI"),
    reason="Debian's chromium is not installed (apt-get install chromium): PDF tests run in CI only",
)


def text_of(page) -> str:
    """The page's text with ligatures unfolded and spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", page.extract_text()).split())


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pdf")
    book = openpyxl.load_workbook(example_path())
    for title in book.sheetnames:
        if title not in ("cluster", "entreprises", "compétences"):
            del book[title]
    book["cluster"]["B2"] = CLUSTER
    firms = book["entreprises"]
    for row in range(2, firms.max_row + 1):  # the interview sample lists some of them by name
        firms.cell(row, 2, f"{LONG_NAME}{row}")
    book.save(folder / "team.xlsx")
    with KernelPool(2) as pool:
        return pack(
            folder / "team.xlsx", folder / "reports", lang="en", steps=["diagnostic", "competency"], pdf=True, pool=pool
        )


@needs_chromium
def test_every_report_has_its_pdf_listed_in_the_index(printed):
    assert sorted(p.name for p in printed.folder.glob("*.pdf")) == ["competency.pdf", "diagnostic.pdf"]
    index = printed.index.read_text(encoding="utf-8")
    assert '<a href="diagnostic.pdf">Report (PDF)</a>' in index


@needs_chromium
@pytest.mark.parametrize(
    "step, headings",
    [
        ("diagnostic", ["diagnostic.profile.title"]),
        ("competency", ["competency.cohort.title", "competency.scores.title"]),
    ],
)
def test_pages_are_a4_numbered_with_the_cluster_name_and_the_headings(printed, step, headings):
    reader = PdfReader(printed.folder / f"{step}.pdf")
    pages = [text_of(p) for p in reader.pages]
    assert len(pages) >= 2
    for number, (page, text) in enumerate(zip(reader.pages, pages), start=1):
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4, abs=1)
        assert f"Page {number} of {len(pages)}" in text
        assert "Cluster <b>de Tamsa</b> & fils" in text  # the name as written, not as markup
    whole = " ".join(pages)
    title = t("step.report_title", "en", step=t(f"step.{step}.title", "en"), cluster=CLUSTER)
    assert pages[0].startswith(title)  # the report title opens the first page
    for key in headings:
        assert t(key, "en") in whole, key


@needs_chromium
def test_tables_stay_inside_the_page(printed):
    """Even a row holding one very long word is laid out within the right margin."""
    starts = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            starts.append(tm[4] * cm[0] + tm[5] * cm[2] + cm[4])

    reader = PdfReader(printed.folder / "diagnostic.pdf")
    for page in reader.pages:
        page.extract_text(visitor_text=visit)
    assert starts and max(starts) < A4[0] - RIGHT_MARGIN
    assert "Manufacture" in " ".join(text_of(p) for p in reader.pages)


@needs_chromium
def test_figures_are_embedded_at_their_full_resolution(printed):
    drawn = {Image.open(p).size for p in printed.folder.glob("*-figure-*.png")}
    embedded = set()
    for name in ("diagnostic.pdf", "competency.pdf"):
        for page in PdfReader(printed.folder / name).pages:
            embedded |= {image.image.size for image in page.images}
    assert drawn and drawn <= embedded
    assert min(width for width, _ in drawn) >= 600  # 150 dpi: at least 4 inches of figure


@needs_chromium
def test_printing_again_gives_the_same_bytes(printed, tmp_path):
    import datetime as dt

    day = dt.date(2026, 11, 19)
    copies = [tmp_path / "a.pdf", tmp_path / "b.pdf"]
    for copy in copies:
        pdf.html_to_pdf([(printed.folder / "competency.html", copy)], CLUSTER, "en", day)
    assert copies[0].read_bytes() == copies[1].read_bytes()
    assert b"/CreationDate (D:20261119000000" in copies[0].read_bytes()


def test_without_chromium_pdf_is_a_clear_error_before_any_step_runs(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf, "chromium", lambda: None)
    with pytest.raises(pdf.PdfError, match=re.escape("Cannot produce the PDFs: Chromium was not found")):
        pdf.html_to_pdf([(tmp_path / "a.html", tmp_path / "a.pdf")], "C", "en")
    with pytest.raises(pdf.PdfError, match="apt-get install chromium"):
        pack(out_dir=tmp_path / "out", lang="en", pdf=True, steps=["competency"], jobs=1)
    assert list(tmp_path.iterdir()) == []
