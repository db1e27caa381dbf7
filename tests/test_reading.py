"""The book reads as a book: tables a reader can see whole, page contents on long pages, citations
written for readers, one year per source, French typography, search without accents.

The browser tests measure every page of both editions in headless Chromium (Debian's package), at a
laptop's width (1280 px) and a phone's (390 px).
"""

import html
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from clusterkit import i18n

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
WIDTHS = (1280, 390)
SCREENS_WITHOUT_CONTENTS = 8  # a page longer than this many screens needs page contents
LINE_REFERENCE = re.compile(r"\bl\.\s?\d+|\bD00\d\b")

# What a reader may not see: comments are for maintainers, scripts and embedded images are not text.
HIDDEN = re.compile(
    r"<!--.*?-->|<script\b.*?</script>|<style\b.*?</style>|data:image/[a-z+]+;base64,[A-Za-z0-9+/=]+", re.DOTALL
)


def pages(site):
    """Every page of both editions (theme templates left out)."""
    return sorted(p for lang in ("fr", "en") for p in (site / lang / "book").rglob("*.html"))


def visible_html(path: Path) -> str:
    return html.unescape(HIDDEN.sub("", path.read_text(encoding="utf-8")))


# --- static checks of the built HTML -------------------------------------------------------
def test_no_line_numbers_or_internal_ids_reach_the_reader(built_book):
    found = []
    for path in pages(built_book):
        for match in LINE_REFERENCE.finditer(visible_html(path)):
            found.append(f"{path.relative_to(built_book)}: …{match.group(0)}…")
    assert found == []


def test_the_detector_sees_a_line_reference_and_an_internal_id(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        "<p>(AFD et ONUDI, 2009, §3.1, l. 3214-3239)</p><!-- source: 000 l. 12 -->"
        '<img src="data:image/png;base64,AAD000z"><p>(D002)</p>',
        encoding="utf-8",
    )
    assert LINE_REFERENCE.findall(visible_html(page)) == ["l. 3214", "D002"]


class Frames(HTMLParser):
    """Each table with the attributes of the frame around it (or None)."""

    def __init__(self):
        super().__init__()
        self.stack, self.tables = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            frame = next((a for t, a in reversed(self.stack) if t == "div" and "ck-frame" in a.get("class", "")), None)
            self.tables.append(frame)
        if tag not in ("br", "img", "hr", "input", "meta", "link", "col", "wbr", "source"):
            self.stack.append((tag, attrs))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break


def test_every_table_sits_in_a_frame_reachable_from_the_keyboard(built_book):
    unframed, count = [], 0
    for path in pages(built_book):
        parser = Frames()
        parser.feed(path.read_text(encoding="utf-8"))
        for frame in parser.tables:
            count += 1
            if not (
                frame
                and frame.get("tabindex") == "0"
                and frame.get("role") == "region"
                and frame.get("aria-label", "").strip()
            ):
                unframed.append(str(path.relative_to(built_book)))
    assert count > 300  # the check ran on the book's tables, not on an empty site
    assert unframed == []


def test_bibliography_is_written_for_readers(built_book):
    french = visible_html(built_book / "fr" / "book" / "fr" / "bibliographie.html")
    assert "l’approche du programme de l’ONUDI" in french.replace("'", "’")
    assert "réseaux de PME" in french and "AFD et ONUDI" in french and "2009" in french
    for note in ("Document source", "année déduite", "Technical Report", "onudi :", "de pme"):
        assert note not in french
    english = visible_html(built_book / "en" / "book" / "en" / "bibliographie.html")
    assert "Technical Report" not in english and "Document source" not in english


def test_reports_cite_the_sources_with_the_books_years(built_book):
    """The catalogue strings the reports show: one year per source, no line numbers."""
    for key, entry in i18n.catalogue().items():
        for lang in ("fr", "en"):
            text = entry[lang]
            assert not re.search(r"AFD\W+(?:ONUDI|UNIDO)\W+2008", text), key
            assert not LINE_REFERENCE.search(text), key
    plan = visible_html(built_book / "fr" / "book" / "_generated" / "fr" / "plan.html")
    assert "AFD et ONUDI, 2009" in plan and "AFD/ONUDI" not in plan


def test_french_pages_follow_french_typography(built_book):
    """In the French chapters' prose: a narrow no-break space before ; : ? ! and one apostrophe."""
    wrong = []
    for path in sorted((built_book / "fr" / "book" / "fr").rglob("*.html")):
        text = visible_html(path)
        main = text[text.find("<main") : text.find("</main>")]
        main = re.sub(r"<(pre|code)\b.*?</\1>|<span class=\"math[^\"]*\">.*?</span>", "", main, flags=re.DOTALL)
        prose = re.sub(r"<[^>]+>", "", main)
        for match in re.finditer(r"\S[ \u00a0][;:?!](?=\s)|\w'\w", prose):
            wrong.append(f"{path.name}: {prose[max(match.start() - 25, 0) : match.end() + 5]!r}")
    assert wrong == []


def test_exercise_solutions_and_author_line_read_naturally(built_book):
    exercises = (built_book / "fr" / "book" / "fr" / "exercices.html").read_text(encoding="utf-8")
    assert "Solution de l’" in exercises and not re.search(r"Solution de\s*(<a [^>]*>)?\s*Exercice", exercises)
    home = {
        lang: (built_book / lang / "book" / lang / "index.html").read_text(encoding="utf-8") for lang in ("fr", "en")
    }
    assert "les contributeurs de clusterkit" in home["fr"] and "Les contributeurs" not in home["fr"]
    assert "the clusterkit contributors" in home["en"] and "Les contributeurs" not in home["en"]


@pytest.mark.parametrize(
    "chapter, image",
    [
        ("diagnostic", "sequence-diagnostic.svg"),
        ("plan", "matrice-priorites.svg"),
        ("programmes", "programme-appui.svg"),
    ],
)
def test_teaching_diagrams_are_in_both_editions_with_alternative_text(built_book, chapter, image):
    for lang in ("fr", "en"):
        page = (built_book / lang / "book" / lang / f"{chapter}.html").read_text(encoding="utf-8")
        tag = re.search(rf'<img [^>]*src="[^"]*{re.escape(image)}"[^>]*>', page)
        assert tag, (lang, chapter)
        alt = re.search(r'alt="([^"]*)"', tag.group(0)).group(1)
        assert len(alt) > 80, (lang, chapter, alt)
        assert (built_book / lang / "_images" / image).exists()


# --- in the browser -------------------------------------------------------------------------
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")

MEASURE = """async () => {
  document.querySelectorAll("details").forEach((d) => { d.open = true; });
  // let the page's script see the opened parts: its size observer reports within a few frames
  const frame = () => new Promise((done) => requestAnimationFrame(done));
  const unmarked = () => [...document.querySelectorAll(".ck-frame")].some(
    (f) => f.scrollWidth > f.clientWidth + 1 && !f.classList.contains("ck-scrolls"));
  for (let i = 0; i < 30 && unmarked(); i += 1) await frame();
  const width = document.documentElement.clientWidth;
  const cut = [];
  let tables = 0;
  for (const table of document.querySelectorAll("main table")) {
    if (table.getBoundingClientRect().width === 0) continue;
    tables += 1;
    let frame = table.parentElement;
    while (frame && frame.tagName !== "MAIN" && !["auto", "scroll", "hidden"].includes(getComputedStyle(frame).overflowX)) {
      frame = frame.parentElement;
    }
    const box = frame && frame.tagName !== "MAIN" ? frame : null;
    const right = (box || table).getBoundingClientRect().right;
    const fits = box ? box.scrollWidth <= box.clientWidth + 1 : right <= width + 1;
    const cue = !!box && box.classList.contains("ck-scrolls") && getComputedStyle(box, "::before").content !== "none"
      && getComputedStyle(box.querySelector("tr > :first-child")).position === "sticky";
    if (right > width + 1 || !(fits || cue)) {
      cut.push((table.querySelector("th, td") || {innerText: ""}).innerText.trim().slice(0, 40));
    }
  }
  const contents = !!document.querySelector(".bd-sidebar-secondary .section-nav a, .ck-page-contents a");
  return {tables, cut, screens: document.documentElement.scrollHeight / window.innerHeight, contents};
}"""


@pytest.fixture(scope="module")
def measured(built_book, site, browser):
    """Every page of both editions measured at each width: {(page, width): measures}."""
    results = {}
    for width in WIDTHS:
        page = browser.new_page(viewport={"width": width, "height": 800})
        for path in pages(built_book):
            name = path.relative_to(built_book).as_posix()
            page.goto(f"{site}/{name}", wait_until="load")
            results[name, width] = page.evaluate(MEASURE)
        page.close()
    return results


@needs_chromium
def test_no_table_is_cut_off_on_a_laptop_or_a_phone(measured):
    cut = {f"{name} @ {width}px": m["cut"] for (name, width), m in measured.items() if m["cut"]}
    assert sum(m["tables"] for m in measured.values()) > 600  # both widths, both editions
    assert cut == {}


@needs_chromium
def test_long_generated_pages_have_page_contents(measured):
    long_pages = {
        name: round(m["screens"], 1)
        for (name, width), m in measured.items()
        if width == 1280 and "/_generated/" in name and m["screens"] > SCREENS_WITHOUT_CONTENTS
    }
    assert long_pages, "the worked examples are long: the check must see them"
    assert [name for name in long_pages if not measured[name, 1280]["contents"]] == []


@needs_chromium
def test_worked_examples_fold_their_indicator_sheets_and_catalogue(built_book, site, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(f"{site}/fr/book/_generated/fr/monitoring.html", wait_until="load")
    closed = page.evaluate("() => document.documentElement.scrollHeight / window.innerHeight")
    summaries = page.eval_on_selector_all("details.ck-fold > summary", "s => s.map(e => e.innerText)")
    assert sum(s.startswith("I") and "—" in s for s in summaries) >= 20  # one per indicator sheet
    assert any("Catalogue d’indicateurs" in s.replace("'", "’") and "lignes" in s for s in summaries)
    page.evaluate('() => document.querySelectorAll("details").forEach((d) => { d.open = true; })')
    opened = page.evaluate("() => document.documentElement.scrollHeight / window.innerHeight")
    assert opened > closed * 1.5  # folding is what keeps the page short
    page.close()


@needs_chromium
@pytest.mark.parametrize(
    "lang, query, expected",
    [
        ("fr", "evaluation", "monitoring.html"),
        ("fr", "etude diagnostique", "diagnostic.html"),
        ("en", "evaluation", "monitoring.html"),
    ],
)
def test_search_finds_words_typed_without_accents(site, browser, lang, query, expected):
    page = browser.new_page()
    page.goto(f"{site}/{lang}/search.html?q={query}", wait_until="load")
    page.wait_for_selector("#search-results li", timeout=15000)
    links = page.eval_on_selector_all("#search-results li a", "as => as.map(a => a.getAttribute('href'))")
    assert any(href.split("#")[0].endswith(f"book/{lang}/{expected}") for href in links), links
    page.close()
