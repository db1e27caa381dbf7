"""The whole editions as single files, built by `make book` next to the site: a PDF (A4, contents,
bookmarks, numbered pages under a running header, exercises with their solutions gathered at the
end of the chapter, numbered figures, links inside the document), an EPUB valid for epubcheck, and
a light offline ZIP of the site; the landing page and every page's download menu offer them."""

import os
import re
import shutil
import subprocess
import unicodedata
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from clusterkit.editions import EDITIONS, book_logo, download_name, landing_page, prune
from clusterkit.i18n import t

A4 = (595.92, 842.88)  # points
EPUBCHECK = shutil.which("epubcheck")
# (edition, a chapter's title, a sentence of its exercise, of its solution, the solutions' heading)
CHAPTERS = [
    ("fr", "tude diagnostique", "petit cluster de menuiserie", "Deux composantes", "Solutions des exercices"),
    ("en", "The diagnostic study", "small woodworking cluster", "Two components", "Solutions to the exercises"),
]


def text_of(pages) -> str:
    text = " ".join(page.extract_text() for page in pages)
    return " ".join(unicodedata.normalize("NFKC", text).split())


def outline_entries(reader):
    """(depth, title, page index) of every bookmark, in order."""
    found = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, " ".join(item.title.split()), reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    return found


def squeeze(text: str) -> str:
    """Bookmarks lose the spaces where a heading wrapped: compare without spaces."""
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("lang, chapter, exercise, solution, heading", CHAPTERS)
def test_pdf_edition_is_a_book_with_its_exercises_and_their_solutions(
    built_book, lang, chapter, exercise, solution, heading
):
    reader = PdfReader(built_book / download_name(lang, "pdf"))
    pages = len(reader.pages)
    assert pages > 150
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(A4, abs=1)
    entries = outline_entries(reader)
    (index,) = [
        i
        for i, (_, title, _) in enumerate(entries)
        if squeeze(chapter) in squeeze(title) and not squeeze(title).startswith(squeeze(t("book.print.contents", lang)))
    ][:1]
    start = entries[index][2]
    # the chapter's solutions, gathered at its end (after its worked example), have their bookmark
    end = next(page for _, title, page in entries[index + 1 :] if title == heading)
    assert 5 < end - start < 80
    chapter_text = text_of(reader.pages[start : end + 2])
    assert chapter in chapter_text
    # the solution is printed (not hidden behind a button), after the exercise, under the heading
    # that gathers the chapter's solutions at its end
    assert chapter_text.index(exercise) < chapter_text.index(heading) < chapter_text.index(solution)
    assert re.search(rf"{t('book.print.figure', lang)} \d+ — \S", chapter_text)  # numbered, with caption
    # running header with the book's title, numbered pages
    middle = text_of([reader.pages[start + 1]])
    assert t("book.title", lang) in middle
    assert t("pdf.page", lang, page=start + 2, pages=pages) in middle
    # the contents come first, their entries link inside the document
    opening = text_of(reader.pages[:4])
    assert t("book.print.contents", lang) in opening and chapter in opening
    internal = [annotation.get_object() for page in reader.pages[:4] for annotation in page.get("/Annots", [])]
    assert any(link.get("/Dest") or (link.get("/A") or {}).get("/S") == "/GoTo" for link in internal)


@pytest.mark.skipif(
    EPUBCHECK is None and not os.environ.get("CI"),
    reason="Debian's epubcheck is not installed (apt-get install epubcheck)",
)
@pytest.mark.parametrize("lang, chapter", [(lang, chapter) for lang, chapter, *_ in CHAPTERS])
def test_epub_edition_is_valid_with_its_figures_in_the_reader_language(built_book, lang, chapter):
    epub = built_book / download_name(lang, "epub")
    # Debian's epubcheck is a jar: run it with java (its launcher needs binfmt support)
    result = subprocess.run(
        ["java", "-jar", os.path.realpath(EPUBCHECK), str(epub)],
        check=False,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    assert "No errors or warnings detected" in result.stdout
    with zipfile.ZipFile(epub) as book:
        names = book.namelist()
        assert f"<dc:language>{lang}</dc:language>" in book.read("content.opf").decode()
        navigation = book.read("nav.xhtml").decode()
        assert t("book.print.contents", lang) in navigation and chapter in navigation
        assert sum(name.endswith((".png", ".svg")) for name in names) >= 5  # the chapters' figures
        example = book.read(f"book/_generated/{lang}/diagnostic.xhtml").decode()
        assert re.search(r'<img [^>]*alt="[^"]+"[^>]*src="data:image/png;base64,', example) or re.search(
            r'<img [^>]*src="data:image/png;base64,[^"]+"[^>]*alt="[^"]+"', example
        )
        assert not any(name.endswith(".js") for name in names)  # no web scripts in the e-book


@pytest.mark.parametrize("lang", EDITIONS)
def test_offline_zip_is_light_and_holds_the_whole_site(built_book, lang):
    archive = built_book / download_name(lang, "zip")
    assert archive.stat().st_size <= 15 * 1024 * 1024
    with zipfile.ZipFile(archive) as offline:
        names = set(offline.namelist())
    top = f"clusterkit-{lang}/"
    assert f"{top}index.html" in names
    site = built_book / lang
    pages = {f"{top}{lang}/{p.relative_to(site).as_posix()}" for p in site.rglob("*.html")}
    assert pages and pages <= names
    assert f"{top}{lang}/_static/mathjax/tex-chtml.js" in names
    assert not any("/mathjax/sre/" in name or name.endswith(".map") for name in names)


def test_landing_page_and_every_download_menu_offer_the_whole_editions(built_book):
    landing = (built_book / "index.html").read_text(encoding="utf-8")
    for lang in EDITIONS:
        for kind in ("pdf", "epub", "zip"):
            assert f'href="{download_name(lang, kind)}"' in landing
            assert (built_book / download_name(lang, kind)).stat().st_size > 0
    for lang in EDITIONS:
        for page in (built_book / lang / "book").rglob("*.html"):
            # the whole editions (Sphinx's own _downloads/ folder holds a page's files: not these)
            links = re.findall(r'href="((?:\.\./)*downloads/[^"]+)"', page.read_text(encoding="utf-8"))
            assert len(links) == 3, page
            assert all((page.parent / link).resolve().exists() for link in links), (page, links)
    assert landing == landing_page(built_book, book_logo(Path(__file__).resolve().parent.parent))


def test_pruning_removes_only_what_pages_never_load(tmp_path):
    static = tmp_path / "site" / "_static"
    kept = [
        "mathjax/tex-chtml.js",
        "mathjax/output/chtml/fonts/woff-v2/MathJax_Main-Regular.woff",
        "scripts/bootstrap.js",
        "report.css",
    ]
    dropped = [
        "mathjax/tex-svg-full.js",
        "mathjax/sre/mathmaps/fr.json",
        "mathjax/output/svg/fonts/tex.js",
        "scripts/bootstrap.js.map",
        "locales/fr/LC_MESSAGES/booktheme.mo",
    ]
    for name in kept + dropped:
        (static / name).parent.mkdir(parents=True, exist_ok=True)
        (static / name).write_text("x")
    prune(tmp_path / "site")
    assert sorted(p.relative_to(static).as_posix() for p in static.rglob("*") if p.is_file()) == sorted(kept)
    assert not (static / "locales").exists() and not (static / "mathjax" / "sre").exists()
