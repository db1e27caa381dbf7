"""PDF copies of the HTML reports, printed offline by Debian's Chromium (driven by Playwright).

A4 pages with the cluster's name in the header and page numbers in the footer. A print stylesheet
keeps tables inside the page (text wraps, the font shrinks a little) and keeps figures at their
print resolution: each image is laid out at its physical size at the dpi it was drawn with, and
shrunk only when wider than the page, so Chromium embeds it with every pixel. Nothing is fetched
from the network: the reports' remote scripts are not needed on paper.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import shutil
from pathlib import Path

from ..errors import InputError
from ..i18n import t
from ..static import house_style

A4_WIDTH_MM, SIDE_MM = 210, 15
MARGINS = {"top": "17mm", "bottom": "15mm", "left": f"{SIDE_MM}mm", "right": f"{SIDE_MM}mm"}  # as report.css's @page
# Layout is measured at the printed width (CSS pixels are 1/96 inch), so that what fits here fits on paper.
PRINT_WIDTH = round((A4_WIDTH_MM - 2 * SIDE_MM) / 25.4 * 96)
# The house style (clusterkit/static/report.css) holds the print rules; these only undo, on paper,
# what a page shows on screen: a notebook's spacing and prompts, scrolling boxes.
PRINT_CSS = """
html, body { background: #fff !important; }
.jp-Notebook, .jp-Cell, .jp-OutputArea-output { padding: 0 !important; margin: 0 !important; overflow: visible !important; }
.jp-OutputPrompt, .jp-InputPrompt { display: none !important; }
.ck-table-wrap { overflow: visible !important; }
th, td { white-space: normal !important; }
img { max-width: 100% !important; height: auto !important; }
"""
# Figures at their drawn size (pixels / dpi), no wider than the page: their text is drawn at the size it
# must print at (clusterkit.documents.figures.SMALLEST_TEXT), so a figure is never shrunk to fit a page's
# height; a figure taller than a page is paginated by the code that draws it. A table still wider than the
# page gets a slightly smaller font (never under 8 pt), then may break its long tokens (keys, names in one
# piece) anywhere.
FIT = r"""([dpi, lang]) => {
  document.documentElement.lang = lang;
  for (const img of document.images) {
    if (img.naturalWidth) img.style.width = `min(100%, ${img.naturalWidth / dpi}in)`;
  }
  const width = document.documentElement.clientWidth;
  for (const table of document.querySelectorAll('table')) {
    for (const size of ['8.5pt', '8pt']) {
      if (table.getBoundingClientRect().right <= width + 1) break;
      table.style.fontSize = size;
    }
    if (table.getBoundingClientRect().right > width + 1) {  // long tokens only: a word stays whole
      for (const cell of table.querySelectorAll('th, td')) {
        if (/\S{16,}/.test(cell.textContent)) cell.style.overflowWrap = 'anywhere';
      }
    }
  }
}"""
_PDF_DATES = re.compile(rb"/(CreationDate|ModDate) \(D:\d{14}")
_NODE_IDS = re.compile(rb"node\d{8}")  # ids of tagged-structure nodes, as Chromium writes them


class PdfError(InputError):
    """PDF output is not possible here (no Chromium, no Playwright) or printing failed."""


def chromium() -> str | None:
    """The Chromium to print with: ``CLUSTERKIT_CHROMIUM``, else Debian's ``chromium`` on the PATH."""
    return os.environ.get("CLUSTERKIT_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def require(lang: str) -> str:
    """The Chromium to print with, once Playwright is known to be there; else :class:`PdfError`."""
    executable = chromium()
    if executable is None:
        raise PdfError(t("pdf.no_chromium", lang))
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        raise PdfError(t("pdf.no_playwright", lang)) from None
    return executable


def _templates(cluster: str, lang: str, day: dt.date) -> tuple[str, str]:
    from ..i18n import date

    # the house style's font and colours (Chromium prints the running head and foot without the page's
    # stylesheets); a hairline sets them off the text
    font = re.search(r"--ck-font: ([^;]+);", house_style()).group(1).replace('"', "'")
    style = f"font-family:{font};font-size:8pt;color:#555;width:100%;margin:0 {SIDE_MM}mm;display:flex;padding:1.5mm 0;"
    header = (
        f'<div style="{style}justify-content:space-between;border-bottom:0.5pt solid #c9d2dc">'
        f'<span style="font-weight:600;color:#1f4e79">{html.escape(cluster)}</span>'
        f"<span>{html.escape(date(day, lang))}</span></div>"
    )
    page = html.escape(t("pdf.page", lang, page="\0", pages="\1"))
    page = page.replace("\0", '<span class="pageNumber"></span>').replace("\1", '<span class="totalPages"></span>')
    footer = f'<div style="{style}justify-content:flex-end;border-top:0.5pt solid #c9d2dc"><span>{page}</span></div>'
    return header, footer


def stable_pdf(path: Path, day: dt.date) -> Path:
    """Chromium stamps the time of printing and numbers the tagged structure's nodes (table headers)
    from a counter that changes between prints; the pack's day and the nodes renumbered in the order
    they appear (both the same length, so every offset holds) keep the bytes stable."""
    data = path.read_bytes()
    stamp = day.strftime("%Y%m%d000000").encode()
    data = _PDF_DATES.sub(lambda m: b"/" + m.group(1) + b" (D:" + stamp, data)
    order: dict[bytes, bytes] = {}
    data = _NODE_IDS.sub(lambda m: order.setdefault(m.group(0), b"node%08d" % len(order)), data)
    path.write_bytes(data)
    return path


def html_to_pdf(pairs: list[tuple[Path, Path]], cluster: str, lang: str, day: dt.date | None = None) -> list[Path]:
    """Print each ``(html, pdf)`` pair; one Chromium for all. Raises :class:`PdfError`."""
    day = day or dt.date.today()
    executable = require(lang)
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    from .figures import FIGURE_DPI  # the reports' figures are drawn at this resolution

    header, footer = _templates(cluster, lang, day)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=executable,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
            )
            try:
                page = browser.new_page(viewport={"width": PRINT_WIDTH, "height": 1000})
                page.emulate_media(media="print")
                page.route(
                    "**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort()
                )
                for source, target in pairs:
                    page.goto(Path(source).resolve().as_uri(), wait_until="load")
                    page.evaluate("() => window.MathJax?.startup?.promise?.then(() => true)")  # the book's formulas
                    page.add_style_tag(content=house_style() + PRINT_CSS)
                    page.evaluate(FIT, [FIGURE_DPI, lang])
                    page.pdf(
                        path=str(target),
                        format="A4",
                        print_background=True,
                        display_header_footer=True,
                        header_template=header,
                        footer_template=footer,
                        margin=MARGINS,
                        outline=True,
                        tagged=True,
                    )  # bookmarks from the headings
                    stable_pdf(Path(target), day)
            finally:
                browser.close()
    except PlaywrightError as error:
        raise PdfError(t("pdf.failed", lang, error=str(error).splitlines()[0])) from None
    return [Path(target) for _, target in pairs]
