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

A4_WIDTH_MM, SIDE_MM = 210, 15
MARGINS = {"top": "20mm", "bottom": "18mm", "left": f"{SIDE_MM}mm", "right": f"{SIDE_MM}mm"}
# Layout is measured at the printed width (CSS pixels are 1/96 inch), so that what fits here fits on paper.
PRINT_WIDTH = round((A4_WIDTH_MM - 2 * SIDE_MM) / 25.4 * 96)
PRINT_CSS = """
html, body { background: #fff !important; }
body { font-size: 10pt; }
.jp-Notebook, .jp-Cell, .jp-OutputArea-output {
  padding: 0 !important; margin: 0 !important; overflow: visible !important;
}
.jp-OutputPrompt, .jp-InputPrompt { display: none !important; }
.jp-OutputArea-child { break-inside: auto !important; }  /* a long table starts on its page, not the next */
.ck-table-wrap { overflow: visible !important; max-width: 100% !important; }
table { max-width: 100% !important; border-collapse: collapse; font-size: 8pt; }
th, td { white-space: normal !important; overflow-wrap: break-word; hyphens: auto; padding: 2px 4px !important; }
thead { display: table-header-group; }
tr, img, figure { break-inside: avoid; }
h1, h2, h3, h4, .ck-caption { break-after: avoid; }
img { max-width: 100% !important; height: auto !important; }
a { color: inherit; text-decoration: none; }
"""
# Figures at their drawn size (pixels / dpi), no wider than the page; a table still wider than
# the page gets a smaller font, then may break its words anywhere.
FIT = """([dpi, lang]) => {
  document.documentElement.lang = lang;
  for (const img of document.images) {
    if (img.naturalWidth) img.style.width = `min(100%, ${img.naturalWidth / dpi}in)`;
  }
  const width = document.documentElement.clientWidth;
  for (const table of document.querySelectorAll('table')) {
    for (const size of ['7pt', '6pt']) {
      if (table.getBoundingClientRect().right <= width + 1) break;
      table.style.fontSize = size;
    }
    if (table.getBoundingClientRect().right > width + 1) {
      for (const cell of table.querySelectorAll('th, td')) cell.style.overflowWrap = 'anywhere';
    }
  }
}"""
_PDF_DATES = re.compile(rb"/(CreationDate|ModDate) \(D:\d{14}")


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

    style = f"font-family:sans-serif;font-size:8pt;color:#555;width:100%;margin:0 {SIDE_MM}mm;display:flex;"
    header = (f'<div style="{style}justify-content:space-between"><span>{html.escape(cluster)}</span>'
              f"<span>{html.escape(date(day, lang))}</span></div>")
    page = html.escape(t("pdf.page", lang, page="\0", pages="\1"))
    page = page.replace("\0", '<span class="pageNumber"></span>').replace("\1", '<span class="totalPages"></span>')
    footer = f'<div style="{style}justify-content:center"><span>{page}</span></div>'
    return header, footer


def stable_pdf(path: Path, day: dt.date) -> Path:
    """Chromium stamps the time of printing; the pack's day (same length) keeps the bytes stable."""
    data = path.read_bytes()
    stamp = day.strftime("%Y%m%d000000").encode()
    path.write_bytes(_PDF_DATES.sub(lambda m: b"/" + m.group(1) + b" (D:" + stamp, data))
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
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"])
            try:
                page = browser.new_page(viewport={"width": PRINT_WIDTH, "height": 1000})
                page.emulate_media(media="print")
                page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                           else route.abort())
                for source, target in pairs:
                    page.goto(Path(source).resolve().as_uri(), wait_until="load")
                    page.evaluate("() => window.MathJax?.startup?.promise?.then(() => true)")  # formulas typeset, if any
                    page.add_style_tag(content=PRINT_CSS)
                    page.evaluate(FIT, [FIGURE_DPI, lang])
                    page.pdf(path=str(target), format="A4", print_background=True, display_header_footer=True,
                             header_template=header, footer_template=footer, margin=MARGINS,
                             outline=True, tagged=True)  # bookmarks from the headings
                    stable_pdf(Path(target), day)
            finally:
                browser.close()
    except PlaywrightError as error:
        raise PdfError(t("pdf.failed", lang, error=str(error).splitlines()[0])) from None
    return [Path(target) for _, target in pairs]
